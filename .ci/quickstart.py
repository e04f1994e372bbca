"""Builds a host app's sources from the README's install and quick-start
snippets (the fenced blocks after `<!-- quickstart:PATH -->`), so that the
README is what .ci/outside compiles and tests.

usage: quickstart.py README.md TEMPLATE_DIR APP_DIR CRATES_DIR
       quickstart.py --sync SRC DST
  - TEMPLATE_DIR (Cargo.toml, src/lib.rs) is the app before any
    leptos-sessions line; src/*.rs blocks are written as they are;
  - the Cargo.toml block is merged into APP_DIR/Cargo.toml (its
    [dependencies] lines appended, its [features] lists merged);
  - [patch.crates-io] points every leptos-sessions crate at CRATES_DIR (the
    unpacked `cargo package` output);
  - prints the number of integration lines: the install snippet's lines plus
    every `[leptos-sessions]` marker in the Rust snippets.
"""

import pathlib
import re
import sys


def write_if_changed(path: pathlib.Path, data: bytes) -> None:
    """Writes only when the bytes differ, so cargo's mtime-based fingerprints
    see exactly the files that changed since the last run."""
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def sync_tree(src: pathlib.Path, dst: pathlib.Path) -> None:
    """Makes dst a copy of src, touching only the files whose bytes differ
    (the packaged crates carry a fixed mtime, which cargo would take as
    'unchanged' forever)."""
    wanted = {p.relative_to(src) for p in src.rglob("*") if p.is_file()}
    for rel in wanted:
        write_if_changed(dst / rel, (src / rel).read_bytes())
    if dst.exists():
        for p in sorted(dst.rglob("*"), reverse=True):
            rel = p.relative_to(dst)
            if p.is_file() and rel not in wanted and not str(rel).startswith("target"):
                p.unlink()


if sys.argv[1] == "--sync":
    sync_tree(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]))
    sys.exit(0)

readme, template, app, crates = (pathlib.Path(a) for a in sys.argv[1:5])
write_if_changed(app / "src/lib.rs", (template / "src/lib.rs").read_bytes())
text = readme.read_text()
blocks = dict(re.findall(r"<!-- quickstart:(\S+) -->\n```\w*\n(.*?)```", text, re.S))
expected = {"Cargo.toml", "src/main.rs", "src/app.rs"}
if set(blocks) != expected:
    sys.exit(f"README quick-start blocks: found {sorted(blocks)}, expected {sorted(expected)}")

count = 0
for path, body in blocks.items():
    if path.endswith(".rs"):
        write_if_changed(app / path, body.encode())
        count += body.count("[leptos-sessions]")

# Merge the install snippet into the template's manifest.
manifest = (template / "Cargo.toml").read_text()
section = None
for line in blocks["Cargo.toml"].splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("["):
        section = line
        continue
    count += 1
    if section == "[dependencies]":
        manifest = manifest.replace("[dependencies]\n", f"[dependencies]\n{line}\n", 1)
    elif section == "[features]":
        name, items = (p.strip() for p in line.split("=", 1))
        items = items.strip("[]").strip()
        pattern = re.compile(rf"^{re.escape(name)} = \[(.*)\]$", re.M)
        if not pattern.search(manifest):
            sys.exit(f"template has no feature {name!r} to merge {line!r} into")
        manifest = pattern.sub(lambda m: f"{name} = [{m.group(1)}, {items}]", manifest, count=1)
    else:
        sys.exit(f"install snippet: unexpected section {section}")

patch = ["", "[patch.crates-io]"]
for crate in sorted(crates.iterdir()):
    name = re.sub(r"-\d+\.\d+\.\d+.*$", "", crate.name)
    patch.append(f'{name} = {{ path = "{crate}" }}')
write_if_changed(app / "Cargo.toml", (manifest + "\n".join(patch) + "\n").encode())
print(count)
