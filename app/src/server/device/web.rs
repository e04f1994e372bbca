//! Layers 1 + 2: web user agents. The scanner (`scan`) names browser and OS;
//! woothee takes what it cannot place; the Android comment, the iOS version
//! and the device-type marks refine both.

use std::sync::LazyLock;

use regex::Regex;

use super::{
    DeviceInfo, DeviceType,
    bots::{bot_name, has_mark, markers},
    native::apple_native_http,
    scan::{BROWSER_TOKENS, ie_from_trident, safari_from_build, scan},
    tokens::{clean_model, find_token, is_noise_field, product_version, sane_version, token_version},
};

static PARSER: LazyLock<woothee::parser::Parser> = LazyLock::new(woothee::parser::Parser::new);

fn known(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN).then(|| s.to_owned())
}

pub(super) fn parse_web(ua: &str) -> DeviceInfo {
    if ua.is_empty() {
        return DeviceInfo::default();
    }
    // `Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+10_11_6)+…`: spaces that a
    // form encoding turned into `+`.
    let decoded;
    let ua = if !ua.contains(' ') && ua.contains(")+") {
        decoded = ua.replace('+', " ");
        decoded.as_str()
    } else {
        ua
    };
    let (bot, marks) = markers(ua);
    if bot {
        return parse_woothee(ua, None, (true, marks));
    }
    let (parts, found) = scan(ua);
    if parts.products().iter().any(|(name, _)| *name == "CFNetwork") {
        return parse_woothee(ua, None, (false, marks));
    }
    let Some((os, os_version)) = found.os else {
        return parse_woothee(ua, found.browser, (false, marks));
    };
    let Some((browser, browser_version)) = found.browser else {
        let mut info = parse_woothee(ua, None, (false, marks));
        // The comment's OS where woothee has none, or only the family
        // Android belongs to (`Linux; U; …; HTC Hero Build/FRF91`).
        if info.device_type != DeviceType::Bot
            && (info.os_name.is_none() || (os == "Android" && info.os_name.as_deref() == Some("Linux")))
        {
            info.os_name = Some(os.to_owned());
            info.os_version = os_version;
        }
        return info;
    };
    let mut info = DeviceInfo {
        browser_name: Some(browser.to_owned()),
        browser_version,
        os_name: Some(os.to_owned()),
        os_version,
        device_type: match os {
            "Windows" | "macOS" | "ChromeOS" | "BSD" => DeviceType::Desktop,
            "iOS" | "iPadOS" | "Android" | "Windows Phone" => DeviceType::Smartphone,
            _ => DeviceType::Unknown,
        },
        ..DeviceInfo::default()
    };
    let woothee_os = match os {
        "iPadOS" => "iPad",
        other => other,
    };
    refine_os(&mut info, ua, woothee_os);
    refine_type(&mut info, marks);
    info
}

/// The fallback for user agents the scanner cannot place (feature phones,
/// consoles, crawlers, HTTP libraries): woothee, then the same refinements.
/// A browser the scanner named (from its own token, without an OS it could
/// place) wins over woothee's. `(bot, marks)` is what [`markers`] read.
fn parse_woothee(
    ua: &str,
    scanned: Option<(&'static str, Option<String>)>,
    (bot, marks): (bool, u32),
) -> DeviceInfo {
    let mut info = DeviceInfo::default();
    let mut woothee_category = "";
    let mut woothee_os = "";
    if let Some(r) = PARSER.parse(ua) {
        woothee_category = r.category;
        woothee_os = r.os;
        info.browser_name = known(r.name).map(|n| rename_woothee_browser(&n, ua));
        info.browser_version = known(r.version);
        let (os_name, os_version) = normalize_os(r.os, &r.os_version);
        info.os_name = os_name;
        info.os_version = os_version;
        info.device_type = match r.category {
            "pc" => DeviceType::Desktop,
            "smartphone" | "mobilephone" => DeviceType::Smartphone,
            "crawler" => DeviceType::Bot,
            _ => DeviceType::Unknown,
        };
    }
    if info.device_type != DeviceType::Bot && bot {
        info.device_type = DeviceType::Bot;
        if info.browser_name.is_none() || woothee_category != "crawler" {
            info.browser_name = bot_name(ua).or(info.browser_name);
            info.browser_version = None;
        }
    }
    // woothee's catch-all names say less than the UA's own product token.
    if matches!(
        info.browser_name.as_deref(),
        Some("misc crawler" | "HTTP Library")
    ) {
        info.browser_name = bot_name(ua).or(info.browser_name.take());
        info.browser_version = None;
    }
    if info.device_type == DeviceType::Bot {
        // The system a crawler or HTTP library says it runs on, if it names
        // one (`curl/7.19.7 (x86_64-redhat-linux-gnu)`): the family only.
        info.os_name = os_named_in(ua).map(str::to_owned);
        info.os_version = None;
        return info;
    }

    if apple_native_http(&mut info, ua) {
        named_os(&mut info, ua);
        return info;
    }
    if info.browser_name.as_deref() == Some("Internet Explorer")
        && let Some(real) = real_ie_version(ua)
    {
        info.browser_version = Some(real);
    }
    refine_os(&mut info, ua, woothee_os);
    if info.browser_name.as_deref() == Some("Safari") {
        // woothee reads a WebKit build (`Safari/6533.18.5`) as Safari's version.
        info.browser_version = token_version(ua, "Version/").flatten().or_else(|| {
            if matches!(info.os_name.as_deref(), Some("iOS" | "iPadOS")) {
                info.os_version
                    .as_deref()
                    .and_then(|v| v.split('.').next())
                    .map(str::to_owned)
            } else {
                token_version(ua, "Safari/")
                    .flatten()
                    .as_deref()
                    .and_then(safari_from_build)
            }
        });
    }
    if let Some((name, version)) = scanned {
        info.browser_name = Some(name.to_owned());
        info.browser_version = version;
    } else if let Some((name, version)) = refine_browser(ua, info.os_name.as_deref()) {
        info.browser_name = Some(name.to_owned());
        info.browser_version = version;
    } else if info.browser_name.is_none()
        && let Some((name, version)) = fallback_browser(ua)
    {
        info.browser_name = Some(name.to_owned());
        info.browser_version = version;
    }
    named_os(&mut info, ua);
    refine_type(&mut info, marks);
    info
}

/// Fills in the OS of a user agent no parser placed (HTTP libraries, SDKs,
/// apps, old browsers) from where such agents name it: a product token
/// (`Linux/3.5.0-23`, `Darwin/10.13`, `os/macos#22.4.0`), a comment field
/// (`(linux-gnu)`, `(iOS; 7.1; Mobile)`, `(Macintosh; OS X 10.9.2)`,
/// `(Java 1.4.0; Windows 2000 5.0 x86)`), or the product's own name
/// (`Outlook-iOS/665`, `MobileRSSFree-iPad/3.1`). Only whole words count
/// (`bios` is not iOS). The family only: where these agents put a version
/// is too irregular to read as the OS's.
fn named_os(info: &mut DeviceInfo, ua: &str) {
    if info.os_name.is_none() {
        info.os_name = os_named_in(ua).map(str::to_owned);
    }
}

fn os_named_in(ua: &str) -> Option<&'static str> {
    let lower = ua.to_ascii_lowercase();
    let word = |w: &str| has_word(&lower, w);
    if word("iphone") || word("ipad") || word("ipod") || word("ios") {
        return Some("iOS");
    }
    if word("android") {
        return Some("Android");
    }
    if word("linux") {
        // UC/QQ browsers on Android write `(Linux; U; 2.3.6; …)` or carry an
        // Android build id (`HTC Hero Build/FRF91`) without naming Android.
        let after_u = lower
            .split_once("linux; u;")
            .or_else(|| lower.split_once("linux;u;"))
            .map(|(_, rest)| rest.trim_start());
        if lower.contains(" build/") || after_u.is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
            return Some("Android");
        }
        return Some("Linux");
    }
    if word("macintosh") || word("macos") || word("darwin") || lower.contains("mac os x") || lower.contains("; os x ") {
        return Some("macOS");
    }
    if word("windows") {
        return Some("Windows");
    }
    None
}

/// Whether `word` (lower-case ASCII) occurs in `text` with no letter right
/// before or after it (digits may follow: `linux-gnu`, `Darwin/10`).
fn has_word(text: &str, word: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(word).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + word.len()).copied();
        !before.is_some_and(|b| b.is_ascii_alphabetic()) && !after.is_some_and(|b| b.is_ascii_alphabetic())
    })
}

fn rename_woothee_browser(name: &str, ua: &str) -> String {
    match name {
        "SamsungBrowser" => "Samsung Internet".to_owned(),
        "Google Search App" => "Google".to_owned(),
        // woothee's "Webview": Android's, iOS's in-app one, or a Safari
        // whose token lost its slash.
        "Webview" if ua.contains("Android") => "Android WebView".to_owned(),
        "Webview" if ua.contains("Safari") => "Safari".to_owned(),
        "Webview" => "WebView".to_owned(),
        other => other.to_owned(),
    }
}

/// IE in compatibility view claims an older `MSIE`; Trident tells the truth.
fn real_ie_version(ua: &str) -> Option<String> {
    let trident = token_version(ua, "Trident/").flatten()?;
    ie_from_trident(trident.split('.').next()?.parse::<u32>().ok()?)
}

/// Maps woothee's OS vocabulary to the names people use, dropping versions
/// that browsers freeze (macOS 10.15.7, Windows NT 10.0).
fn normalize_os(os: &str, version: &str) -> (Option<String>, Option<String>) {
    let version = known(version);
    match os {
        "Mac OSX" => (
            Some("macOS".into()),
            version.map(|v| v.replace('_', ".")).filter(|v| v != "10.15.7"),
        ),
        "iPhone" | "iPod" | "iOS" => (Some("iOS".into()), version.map(|v| v.replace('_', "."))),
        "iPad" => (Some("iPadOS".into()), version.map(|v| v.replace('_', "."))),
        "Android" => (Some("Android".into()), version),
        // NT 10.0 is frozen: Windows 10 and 11 both send it.
        "Windows 10" | "Windows 11" => (Some("Windows".into()), None),
        "Windows 8.1" => (Some("Windows".into()), Some("8.1".into())),
        "Windows 8" => (Some("Windows".into()), Some("8".into())),
        "Windows 7" => (Some("Windows".into()), Some("7".into())),
        "Windows Vista" => (Some("Windows".into()), Some("Vista".into())),
        "Windows XP" => (Some("Windows".into()), Some("XP".into())),
        "Windows 2000" => (Some("Windows".into()), Some("2000".into())),
        "Windows 98" => (Some("Windows".into()), Some("98".into())),
        "Windows 95" => (Some("Windows".into()), Some("95".into())),
        "Windows Me" => (Some("Windows".into()), Some("Me".into())),
        "Windows Phone OS" => (Some("Windows Phone".into()), version),
        "ChromeOS" => (Some("ChromeOS".into()), None),
        "Linux" => (Some("Linux".into()), None),
        other if other.starts_with("Windows") => (Some("Windows".into()), None),
        other => (known(other), version),
    }
}

fn refine_browser(ua: &str, os: Option<&str>) -> Option<(&'static str, Option<String>)> {
    for (token, name) in BROWSER_TOKENS {
        if let Some(version) = product_version(ua, token) {
            // `Brave Chrome/80…`: the version is Chrome's.
            let version = version.or_else(|| {
                if *name == "Brave" || *name == "Instagram" {
                    token_version(ua, "Chrome/").flatten()
                } else {
                    None
                }
            });
            return Some((name, version));
        }
    }
    let chrome = token_version(ua, "Chrome/");
    if os == Some("Android") {
        // Android WebView: `; wv)` (Lollipop+), or the pre-Lollipop
        // `Version/4.0 Chrome/…` shape.
        if let Some(chrome) = &chrome {
            if ua.contains("; wv)") || find_token(ua, "Version/").is_some() {
                return Some(("Android WebView", chrome.clone()));
            }
        } else if find_token(ua, "Version/").is_some() && ua.contains("Safari/") {
            // The stock AOSP browser before Chrome.
            return Some(("Android Browser", token_version(ua, "Version/").flatten()));
        }
    }
    if matches!(os, Some("iOS" | "iPadOS"))
        && chrome.is_none()
        && ua.contains("AppleWebKit/")
        && !ua.contains("Safari")
        && find_token(ua, "Version/").is_none()
        && find_token(ua, "Firefox/").is_none()
    {
        // WKWebView inside an app: no Safari token, no browser version.
        return Some(("WebView", None));
    }
    None
}

/// When woothee found no browser at all: the plain engines' own tokens.
fn fallback_browser(ua: &str) -> Option<(&'static str, Option<String>)> {
    if let Some(v) = token_version(ua, "Chrome/") {
        return Some(("Chrome", v));
    }
    if let Some(v) = token_version(ua, "Firefox/") {
        return Some(("Firefox", v));
    }
    if ua.contains("Safari")
        && let Some(v) = token_version(ua, "Version/")
    {
        return Some(("Safari", v));
    }
    None
}

fn refine_os(info: &mut DeviceInfo, ua: &str, woothee_os: &str) {
    if info.os_name.is_none() {
        if ua.contains("CrOS ") {
            info.os_name = Some("ChromeOS".into());
        } else if ua.contains("Windows Phone") {
            info.os_name = Some("Windows Phone".into());
        } else if ua.contains("HarmonyOS") || ua.contains("OpenHarmony") {
            info.os_name = Some("HarmonyOS".into());
        } else if ua.contains("KAIOS/") || ua.contains("KaiOS/") {
            info.os_name = Some("KaiOS".into());
        } else if ua.contains("Tizen") {
            info.os_name = Some("Tizen".into());
        } else if ua.contains("FreeBSD") || ua.contains("OpenBSD") || ua.contains("NetBSD") {
            info.os_name = Some("BSD".into());
        } else if ua.contains("X11; Linux") || ua.contains("(Linux") || ua.contains("Ubuntu") {
            info.os_name = Some("Linux".into());
        } else if ua.contains("Windows NT") || ua.contains("Win NT") || ua.contains("(Windows") {
            info.os_name = Some("Windows".into());
        }
    }
    // iOS/iPadOS: woothee sometimes misses the version (e.g. in WebViews).
    if matches!(woothee_os, "iPhone" | "iPod" | "iPad" | "iOS") || info.os_name.as_deref() == Some("iOS") {
        if info.os_version.is_none() {
            info.os_version = ios_version(ua);
        }
        info.device_model = if ua.contains("iPad") {
            Some("iPad".into())
        } else if ua.contains("iPod") {
            Some("iPod touch".into())
        } else if ua.contains("iPhone") {
            Some("iPhone".into())
        } else {
            None
        };
    }
    // Android: version and model from the `(Linux; Android 14; Pixel 8 Build/…)` comment
    // (or a bare `Android/2.3.5` token on old feature-phone-style UAs).
    let android = android_comment(ua).or_else(|| token_version(ua, "Android/").map(|v| (v, None)));
    if let Some((version, model)) = android {
        if info.os_name.as_deref() != Some("Android") && !ua.contains("Windows Phone") {
            info.os_name = Some("Android".into());
            info.os_version = None;
        }
        if info.os_name.as_deref() == Some("Android") {
            if version.is_some() {
                info.os_version = version;
            }
            info.device_model = model;
            // Chrome's reduced UA: `Android 10; K` is frozen, not real.
            if info.device_model.as_deref() == Some("K") {
                info.device_model = None;
                if info.os_version.as_deref() == Some("10") {
                    info.os_version = None;
                }
            }
        }
    }
}

static IOS_VERSION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:iPhone OS|CPU OS|iOS) (\d+(?:[_.]\d+){0,2})").ok());

fn ios_version(ua: &str) -> Option<String> {
    let re = IOS_VERSION.as_ref()?;
    re.captures(ua)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().replace('_', "."))
}

/// `(version, model)` from an Android comment such as
/// `(Linux; U; Android 14; en-us; Pixel 8 Build/UQ1A; wv)`.
fn android_comment(ua: &str) -> Option<(Option<String>, Option<String>)> {
    let mut rest = ua;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let close = after.find(')').unwrap_or(after.len());
        let comment = &after[..close];
        rest = after.get(close..).unwrap_or("");
        let mut fields = comment.split(';').map(str::trim);
        let Some(android) = fields.by_ref().find(|f| f.starts_with("Android")) else {
            continue;
        };
        let v = android["Android".len()..].trim_start_matches([' ', '/', '-']);
        let version = sane_version(v.split_whitespace().next().unwrap_or(""));
        let model = fields.filter(|f| !is_noise_field(f)).find_map(clean_model);
        return Some((version, model));
    }
    None
}

/// The device type from the OS and the `marks` of [`markers`].
fn refine_type(info: &mut DeviceInfo, marks: u32) {
    let os = info.os_name.as_deref();
    let has = |mark: &str| has_mark(marks, mark);
    let tablet = os == Some("iPadOS")
        || has("iPad")
        || has("Tablet")
        || has("Kindle")
        || has("Silk/")
        || (os == Some("Android")
            && (has("AppleWebKit") || has("Gecko/"))
            && !has("Mobile")
            && !has("Windows Phone"));
    let phone =
        has("iPhone") || has("iPod") || has("Mobile") || has("Windows Phone") || os == Some("Android");
    info.device_type = match (info.device_type, os) {
        (DeviceType::Bot, _) => DeviceType::Bot,
        (_, Some("Android" | "iOS" | "iPadOS" | "KaiOS" | "HarmonyOS")) | (DeviceType::Smartphone, _) => {
            if tablet {
                DeviceType::Tablet
            } else {
                DeviceType::Smartphone
            }
        }
        (_, Some("Windows Phone")) => DeviceType::Smartphone,
        (DeviceType::Desktop, _) => DeviceType::Desktop,
        (_, Some("Windows" | "macOS" | "Linux" | "ChromeOS" | "BSD")) if !phone => DeviceType::Desktop,
        (other, _) if phone && other == DeviceType::Unknown && info.browser_name.is_some() => {
            if tablet {
                DeviceType::Tablet
            } else {
                DeviceType::Smartphone
            }
        }
        (other, _) => other,
    };
}
