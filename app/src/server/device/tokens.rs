//! Reading a user agent's parts: product tokens and their versions, and the
//! fields of a `(…; …)` comment. Shared by every layer.

/// Finds `token` in `ua` at a product-token boundary (start, or after a
/// space, `(`, `)`, `;`, `,` or `/`); returns the byte offset just after it.
pub(super) fn find_token(ua: &str, token: &str) -> Option<usize> {
    find_product(ua, token, |_| true)
}

fn find_product(ua: &str, token: &str, next_ok: impl Fn(Option<u8>) -> bool) -> Option<usize> {
    let bytes = ua.as_bytes();
    let mut from = 0;
    while let Some(pos) = ua.get(from..)?.find(token) {
        let at = from + pos;
        let end = at + token.len();
        let boundary = at == 0 || matches!(bytes.get(at - 1), Some(b' ' | b'(' | b')' | b';' | b',' | b'/'));
        if boundary && next_ok(bytes.get(end).copied()) {
            return Some(end);
        }
        from = end;
    }
    None
}

/// The version right after `token/` (digits first; `_` read as `.`).
pub(super) fn token_version(ua: &str, token: &str) -> Option<Option<String>> {
    let end = find_token(ua, token)?;
    Some(version_at(ua, end))
}

/// A product `name` followed by a separator (`/`, space, `_`, `)`, `;`,
/// the end, or glued digits as in `UCWEB7.0`); the version after it.
pub(super) fn product_version(ua: &str, name: &str) -> Option<Option<String>> {
    let end = find_product(ua, name, |next| {
        matches!(next, None | Some(b'/' | b' ' | b'_' | b')' | b';' | b'0'..=b'9'))
    })?;
    let start = match ua.as_bytes().get(end) {
        Some(b'/' | b' ' | b'_') => end + 1,
        _ => end,
    };
    Some(version_at(ua, start))
}

fn version_at(ua: &str, start: usize) -> Option<String> {
    let rest = ua.get(start..)?;
    let v: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
        .take(32)
        .map(|c| if c == '_' { '.' } else { c })
        .collect();
    let v = v.trim_end_matches('.');
    (v.starts_with(|c: char| c.is_ascii_digit())).then(|| v.to_owned())
}

/// Whether `s` starts with `prefix`, ASCII case-insensitively.
pub(super) fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Comment fields that are not a device model.
pub(super) fn is_noise_field(field: &str) -> bool {
    const WORDS: &[&str] = &[
        "u",
        "i",
        "n",
        "wv",
        "linux",
        "mobile",
        "tablet",
        "x11",
        "compatible",
        "arm",
        "arm64",
        "x86",
    ];
    const PREFIXES: &[&str] = &["rv:", "build/", "build ", "sdk ", "android", "linux "];
    field.is_empty()
        || WORDS.iter().any(|w| field.eq_ignore_ascii_case(w))
        || PREFIXES.iter().any(|p| starts_with_ci(field, p))
        || is_locale(field)
        // Damaged locales: "en-", "-au", "lk-a,".
        || (field.len() <= 6
            && field.contains(['-', '_'])
            && field.chars().all(|c| c.is_ascii_alphabetic() || "-_,".contains(c)))
}

/// `en`, `en-us`, `pt_BR`, `es-419`, `zh-Hant`.
fn is_locale(field: &str) -> bool {
    let mut parts = field.splitn(2, ['-', '_']);
    let lang = parts.next().unwrap_or("");
    let region = parts.next();
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && region.is_none_or(|r| {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
                || (r.len() == 4 && r.bytes().all(|b| b.is_ascii_alphabetic()))
        })
        && (region.is_some() || lang.len() == 2)
}

/// A model string as shown: no ` Build/…` suffix, no brand shouting, sane
/// characters, at most 64 characters.
pub(super) fn clean_model(raw: &str) -> Option<String> {
    let mut model = raw.trim();
    // Cut at the first ` Build/`, ` Build `, ` MIUI/`, `/` or ` Release/`.
    let bytes = model.as_bytes();
    let cut = (0..bytes.len()).find(|&i| match bytes[i] {
        b'/' => true,
        b' ' => [" Build/", " Build ", " MIUI/", " Release/"]
            .iter()
            .any(|c| bytes[i..].starts_with(c.as_bytes())),
        _ => false,
    });
    if let Some(i) = cut {
        model = &model[..i];
    }
    if let Some(rest) = model
        .strip_prefix("SAMSUNG ")
        .or_else(|| model.strip_prefix("Samsung "))
        && ["SM-", "GT-", "SCH-", "SGH-"].iter().any(|p| rest.starts_with(p))
    {
        model = rest;
    }
    let model = model.trim();
    let ok = !model.is_empty()
        && model.chars().count() <= 64
        && model
            .chars()
            .all(|c| c.is_alphanumeric() || " ,._-+()'\"".contains(c))
        && model.chars().any(|c| c.is_alphanumeric());
    ok.then(|| model.to_owned())
}

pub(super) fn sane_version(v: &str) -> Option<String> {
    let v = v.trim().trim_end_matches('.');
    let ok = !v.is_empty()
        && v.len() <= 32
        && v.starts_with(|c: char| c.is_ascii_digit())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b));
    ok.then(|| v.replace('_', "."))
}
