"""Builds a host app's sources from the README's install and quick-start
snippets (the fenced blocks after `<!-- quickstart:PATH -->`), so that the
README is what .ci/outside compiles and tests.

usage: quickstart.py README.md APP_DIR CRATES_DIR
  - src/*.rs blocks are written as they are;
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

readme, app, crates = (pathlib.Path(a) for a in sys.argv[1:4])
text = readme.read_text()
blocks = dict(re.findall(r"<!-- quickstart:(\S+) -->\n```\w*\n(.*?)```", text, re.S))
expected = {"Cargo.toml", "src/main.rs", "src/app.rs"}
if set(blocks) != expected:
    sys.exit(f"README quick-start blocks: found {sorted(blocks)}, expected {sorted(expected)}")

count = 0
for path, body in blocks.items():
    if path.endswith(".rs"):
        (app / path).write_text(body)
        count += body.count("[leptos-sessions]")

# Merge the install snippet into the template's manifest.
manifest = (app / "Cargo.toml").read_text()
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
(app / "Cargo.toml").write_text(manifest + "\n".join(patch) + "\n")
print(count)
