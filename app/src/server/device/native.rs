//! Layer 3: native apps. Apple's `CFNetwork` stack, the Hotwire/Turbo Native
//! marker, the `MyApp/2.4.1 (fields)` prefix convention and legacy prefixes
//! of configured app names.

use super::{
    DeviceInfo, DeviceOptions, DeviceType,
    tokens::{clean_model, find_token, is_noise_field, sane_version, starts_with_ci, token_version},
};

/// Apple's URL loading system (`MyApp/70 CFNetwork/978.0.7 Darwin/18.5.0`):
/// a native app on iOS (or macOS). The OS version comes from Darwin's.
pub(super) fn apple_native_http(info: &mut DeviceInfo, ua: &str) -> bool {
    if find_token(ua, "CFNetwork/").is_none() {
        return false;
    }
    let Some(darwin) = token_version(ua, "Darwin/").flatten() else {
        return false;
    };
    let Some(major) = darwin.split('.').next().and_then(|m| m.parse::<u32>().ok()) else {
        return false;
    };
    let mac = [
        "(x86_64)",
        "(i386)",
        "Macintosh",
        "MacBook",
        "Macmini",
        "iMac",
        "MacPro",
    ]
    .iter()
    .any(|m| ua.contains(m));
    if mac {
        info.os_name = Some("macOS".into());
        info.os_version = match major {
            9..=19 => Some(format!("10.{}", major - 4)),
            20..=24 => Some((major - 9).to_string()),
            25..=40 => Some((major + 1).to_string()),
            _ => None,
        };
        info.device_type = DeviceType::Desktop;
    } else {
        info.os_name = Some("iOS".into());
        info.os_version = match major {
            9..=24 => Some((major - 6).to_string()),
            25..=40 => Some((major + 1).to_string()),
            _ => None,
        };
        info.device_type = DeviceType::NativeIos;
    }
    // The app: the first product token, unless it is a browser's.
    let first = ua.split(" CFNetwork/").next().unwrap_or("");
    if let Some((name, version)) = first.rsplit_once('/') {
        let name = name.replace("%20", " ");
        let name = name.trim();
        let plausible = !name.is_empty()
            && name.chars().count() <= 64
            && name.chars().all(|c| c.is_alphanumeric() || " ._-".contains(c))
            && !NOT_APP_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name));
        if plausible {
            info.app_name = Some(name.to_owned());
            info.app_version = sane_version(version);
            info.browser_name = None;
            info.browser_version = None;
        } else if name.eq_ignore_ascii_case("safari") || name.eq_ignore_ascii_case("mobilesafari") {
            info.browser_name = Some("Safari".into());
            info.browser_version = sane_version(version);
        }
    }
    true
}

/// The `(Turbo|Hotwire) Native (iOS|Android)` marker's platform.
fn native_marker(ua: &str) -> Option<&'static str> {
    let mut rest = ua;
    while let Some(at) = rest.find(" Native ") {
        let before = &rest[..at];
        let after = &rest[at + " Native ".len()..];
        if before.ends_with("Turbo") || before.ends_with("Hotwire") {
            if after.starts_with("iOS") {
                return Some("iOS");
            }
            if after.starts_with("Android") {
                return Some("Android");
            }
        }
        rest = after;
    }
    None
}

/// Every `Name/version (fields)` in `ua`, left to right and not
/// overlapping: a product token (a letter, then up to 63 of
/// `[A-Za-z0-9._-]`, after the start, a space, `;` or `)`), a version (a
/// digit, then up to 31 of `[0-9A-Za-z._+-]`), a space and a comment of 1–300
/// characters without parentheses. The shape of
/// `(?:^|[\s;)])([A-Za-z][A-Za-z0-9._-]{0,63})/(\d[0-9A-Za-z._+-]{0,31}) \(([^()]{1,300})\)`,
/// read by hand: one pass over the slashes, no regex engine.
fn app_prefixes(ua: &str) -> impl Iterator<Item = (&str, &str, &str)> {
    let b = ua.as_bytes();
    let mut from = 0;
    let mut consumed = 0;
    std::iter::from_fn(move || {
        while let Some(rel) = b.get(from..)?.iter().position(|&c| c == b'/') {
            let slash = from + rel;
            from = slash + 1;
            let name_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-');
            let start = b[..slash]
                .iter()
                .rposition(|&c| !name_char(c))
                .map_or(0, |i| i + 1);
            let boundary_ok = if start == 0 {
                true
            } else {
                let c = b[start - 1];
                start > consumed && (c.is_ascii_whitespace() || c == b';' || c == b')')
            };
            if !boundary_ok || slash - start > 64 || !b.get(start).is_some_and(u8::is_ascii_alphabetic) {
                continue;
            }
            let version_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-');
            let v_end = b[slash + 1..]
                .iter()
                .position(|&c| !version_char(c))
                .map_or(b.len(), |i| slash + 1 + i);
            let v_len = v_end - slash - 1;
            if v_len == 0 || v_len > 32 || !b[slash + 1].is_ascii_digit() {
                continue;
            }
            if b.get(v_end..v_end + 2) != Some(b" (") {
                continue;
            }
            let f_start = v_end + 2;
            let Some(f_len) = b[f_start..].iter().position(|&c| c == b'(' || c == b')') else {
                continue;
            };
            if f_len == 0 || f_len > 300 || b[f_start + f_len] != b')' {
                continue;
            }
            let end = f_start + f_len + 1;
            from = end;
            consumed = end;
            return Some((
                &ua[start..slash],
                &ua[slash + 1..v_end],
                &ua[f_start..f_start + f_len],
            ));
        }
        None
    })
}

/// Product tokens of browsers and HTTP stacks: never an app name.
const NOT_APP_NAMES: &[&str] = &[
    "mozilla",
    "applewebkit",
    "chrome",
    "safari",
    "version",
    "mobile",
    "gecko",
    "firefox",
    "crios",
    "fxios",
    "edg",
    "edga",
    "edgios",
    "edge",
    "opr",
    "opera",
    "samsungbrowser",
    "yabrowser",
    "vivaldi",
    "brave",
    "dalvik",
    "webkit",
    "khtml",
    "trident",
    "presto",
    "chromium",
    "cfnetwork",
    "darwin",
    "okhttp",
    "headlesschrome",
    "ucbrowser",
    "msie",
    "kaios",
    "silk",
    "like",
    "mobilesafari",
];

/// What a native-app comment field means.
pub(super) enum Field<'a> {
    Os(&'static str, String),
    Build(String),
    Noise,
    Other(&'a str),
}

pub(super) fn classify_field(field: &str) -> Field<'_> {
    let f = field.trim();
    for (prefix, name) in [
        ("ipados", "iPadOS"),
        ("iphone os", "iOS"),
        ("ios", "iOS"),
        ("android", "Android"),
    ] {
        if starts_with_ci(f, prefix) {
            let rest = f[prefix.len()..].trim_start_matches([' ', '/']);
            if let Some(v) = sane_version(rest) {
                return Field::Os(name, v);
            }
        }
    }
    for prefix in ["build", "versioncode", "version code"] {
        if starts_with_ci(f, prefix) {
            let rest = f[prefix.len()..].trim_start_matches([' ', ':', '/', '=']);
            if rest.len() <= 32
                && !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                return Field::Build(rest.to_owned());
            }
        }
    }
    let noise = f.is_empty()
        || is_noise_field(f)
        || starts_with_ci(f, "sdk")
        || starts_with_ci(f, "api ")
        || starts_with_ci(f, "scale")
        || starts_with_ci(f, "darwin")
        || starts_with_ci(f, "cfnetwork")
        || (f.contains('.')
            && !f.contains(' ')
            && f.chars().filter(|c| *c == '.').count() >= 2
            && !f.starts_with(|c: char| c.is_ascii_digit()));
    if noise { Field::Noise } else { Field::Other(f) }
}

/// Reads the fields of a native-app comment into `info`; true when an OS
/// field was found.
fn apply_fields(info: &mut DeviceInfo, fields: &str) -> Option<DeviceType> {
    let mut platform = None;
    let mut model = None;
    let mut build = None;
    for field in fields.split(';') {
        match classify_field(field) {
            Field::Os(name, version) if platform.is_none() => {
                platform = Some(if name == "Android" {
                    DeviceType::NativeAndroid
                } else {
                    DeviceType::NativeIos
                });
                info.os_name = Some(name.to_owned());
                info.os_version = Some(version);
            }
            Field::Build(b) if build.is_none() => build = Some(b),
            Field::Other(other) if model.is_none() => model = Some(clean_model(other)),
            _ => {}
        }
    }
    if let Some(Some(m)) = model {
        info.device_model = Some(m);
    }
    if build.is_some() {
        info.app_build = build;
    }
    platform
}

pub(super) fn apply_native(info: &mut DeviceInfo, ua: &str, options: &DeviceOptions) {
    if info.device_type == DeviceType::Bot || ua.is_empty() {
        return;
    }
    // The Hotwire/Turbo Native marker: platform, with OS version and (on
    // Android) model from the web part already parsed.
    let marker = native_marker(ua);
    match marker {
        Some("iOS") => info.device_type = DeviceType::NativeIos,
        Some("Android") => info.device_type = DeviceType::NativeAndroid,
        _ => {}
    }

    // Legacy prefixes of configured names: `MyApp Android 1.0.5 (build 6; Android 14; sdk 34; Pixel 7)`.
    for name in options
        .native_app_names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
    {
        if legacy_prefix(info, ua, name) == Some(true) {
            return;
        }
    }

    // The prefix convention `MyApp/2.4.1 (iPhone15,2; iOS 19.5; build 241);`.
    for (name, version, fields) in app_prefixes(ua) {
        if NOT_APP_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        let mut candidate = info.clone();
        let platform = apply_fields(&mut candidate, fields);
        // Without an OS field the comment must at least sit in a marked
        // native UA; otherwise it is some other product's comment.
        let platform = match (platform, marker) {
            (Some(p), _) => p,
            (None, Some("iOS")) => DeviceType::NativeIos,
            (None, Some("Android")) => DeviceType::NativeAndroid,
            _ => continue,
        };
        candidate.device_type = platform;
        candidate.app_name = Some(name.to_owned());
        candidate.app_version = sane_version(version);
        *info = candidate;
        return;
    }
}

/// `Some(true)` when `name` was found as a legacy prefix and applied.
fn legacy_prefix(info: &mut DeviceInfo, ua: &str, name: &str) -> Option<bool> {
    let at = find_token(ua, name)?;
    let rest = ua.get(at..)?.strip_prefix(' ')?;
    let (platform_word, rest) = rest.split_once(' ')?;
    let platform = match platform_word.to_ascii_lowercase().as_str() {
        "ios" | "ipados" => DeviceType::NativeIos,
        "android" => DeviceType::NativeAndroid,
        _ => return Some(false),
    };
    let version_end = rest.find([' ', '(', ';']).unwrap_or(rest.len());
    let version = sane_version(&rest[..version_end]);
    let mut candidate = info.clone();
    candidate.os_name = Some(
        if platform == DeviceType::NativeAndroid {
            "Android"
        } else {
            "iOS"
        }
        .to_owned(),
    );
    if let Some(open) = rest[version_end..].trim_start().strip_prefix('(')
        && let Some(close) = open.find(')')
    {
        apply_fields(&mut candidate, &open[..close]);
    }
    candidate.device_type = platform;
    candidate.app_name = Some(name.to_owned());
    candidate.app_version = version;
    *info = candidate;
    Some(true)
}
