//! Device intelligence: turns a user agent (and client headers) into a name a
//! person recognises, such as "Chrome 137 on macOS" or
//! "MyApp 2.4.1 on iPhone15,2 (iOS 19.5)".
//!
//! Layers, each overriding the one before:
//! 1. [woothee](https://crates.io/crates/woothee) for the broad strokes
//!    (browser, OS, category, crawlers);
//! 2. a refinement pass over product tokens where woothee falls short (Edge
//!    `Edg/`, Opera `OPR/`, Samsung Internet, Yandex, Vivaldi, Brave, Chrome
//!    and Firefox on iOS, Android WebView, in-app browsers…), Android models
//!    from the `(Linux; Android 14; Pixel 8 Build/…)` comment, and bots;
//! 3. native apps: the `(Turbo|Hotwire) Native (iOS|Android)` marker, the
//!    prefix convention `MyApp/2.4.1 (iPhone15,2; iOS 19.5; build 241);` and
//!    legacy prefixes of configured app names
//!    (`MyApp Android 1.0.5 (build 6; Android 14; sdk 34; Pixel 7)`);
//! 4. validated `X-Client-Platform/-Version/-Build/-OS` headers;
//! 5. opt-in client hints (`Sec-CH-UA-*`).
//!
//! Frozen versions (macOS 10.15.7, Windows NT 10.0, `Android 10; K`) are
//! dropped unless a hint supplied the real one. At most
//! [`MAX_PARSED_USER_AGENT_LEN`] characters are parsed. Nothing here panics on
//! any input.

use std::{collections::BTreeMap, sync::LazyLock};

use regex::Regex;

use crate::types::DeviceType;

/// At most this many characters of a user agent are parsed (the rest is
/// ignored), whatever the caller passes.
pub const MAX_PARSED_USER_AGENT_LEN: usize = 1024;

/// What we know about the device behind a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Browser name, e.g. "Chrome" (for bots: the bot's name).
    pub browser_name: Option<String>,
    /// Browser version, e.g. "137.0.0.0".
    pub browser_version: Option<String>,
    /// OS name, e.g. "macOS".
    pub os_name: Option<String>,
    /// OS version, when it is real (frozen versions are dropped).
    pub os_version: Option<String>,
    /// Kind of device.
    pub device_type: DeviceType,
    /// Hardware model, e.g. "iPhone15,2".
    pub device_model: Option<String>,
    /// Native app name.
    pub app_name: Option<String>,
    /// Native app version.
    pub app_version: Option<String>,
    /// Native app build.
    pub app_build: Option<String>,
    /// The client hints that changed the result, as compact JSON (header
    /// name → value, e.g. `{"sec-ch-ua-model":"Pixel 8"}`); `None` when no
    /// hint was used. Stored in the registry's `client_hints` column.
    pub client_hints: Option<String>,
}

/// Turns a user agent and the request's device headers (lower-case names:
/// client hints, `X-Client-*`) into a [`DeviceInfo`]. The built-in one is
/// [`DefaultDeviceParser`]; set [`super::SessionsConfig::device_parser`] to
/// replace it. Must not panic (a panic is caught and reads "Unknown device").
pub trait DeviceParser: Send + Sync + 'static {
    /// Parses one request's device.
    fn parse(&self, user_agent: &str, headers: &[(String, String)]) -> DeviceInfo;
}

/// Options of the built-in parser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceOptions {
    /// Legacy native-app user-agent prefixes to recognise (e.g. `["MyApp"]`).
    pub native_app_names: Vec<String>,
    /// Use client hints (`Sec-CH-UA-*`) when the browser sends them.
    pub client_hints: bool,
}

/// The built-in parser: woothee plus refinements, native-app conventions,
/// `X-Client-*` headers and (opt-in) client hints.
#[derive(Debug, Clone, Default)]
pub struct DefaultDeviceParser {
    /// Its options.
    pub options: DeviceOptions,
}

impl DeviceParser for DefaultDeviceParser {
    fn parse(&self, user_agent: &str, headers: &[(String, String)]) -> DeviceInfo {
        DeviceInfo::parse_with(user_agent, headers, &self.options)
    }
}

static PARSER: LazyLock<woothee::parser::Parser> = LazyLock::new(woothee::parser::Parser::new);

fn known(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN).then(|| s.to_owned())
}

/// `s` cut to at most `max` characters, on a character boundary.
fn cap_str(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((idx, _)) => &s[..idx],
        None => s,
    }
}

impl DeviceInfo {
    /// Parses a user agent with the request's device headers (lower-case
    /// names). Never panics; garbage gives an unknown device.
    pub fn parse_with(user_agent: &str, headers: &[(String, String)], options: &DeviceOptions) -> Self {
        let ua = cap_str(user_agent, MAX_PARSED_USER_AGENT_LEN).trim();
        let mut info = parse_web(ua);
        apply_native(&mut info, ua, options);
        apply_client_headers(&mut info, headers);
        if options.client_hints {
            apply_client_hints(&mut info, headers);
        }
        info
    }

    /// Parses a user agent alone (no headers, default options). Never
    /// panics; garbage gives an unknown device.
    pub fn parse(user_agent: &str) -> Self {
        Self::parse_with(user_agent, &[], &DeviceOptions::default())
    }

    /// Whether this is a crawler or other bot.
    pub fn is_bot(&self) -> bool {
        self.device_type == DeviceType::Bot
    }

    /// Whether this is a native (Hotwire/Turbo Native or app-prefixed) app.
    pub fn is_native(&self) -> bool {
        matches!(
            self.device_type,
            DeviceType::NativeIos | DeviceType::NativeAndroid
        )
    }

    /// The display name: "Chrome 137 on macOS", "MyApp 2.4.1 on iPhone15,2 (iOS 19.5)",
    /// "MyApp 2.4.1 on Pixel 8 (Android 16)", or "Unknown device".
    pub fn display_name(&self) -> String {
        let os = match (&self.os_name, &self.os_version) {
            (Some(name), Some(version)) => Some(format!("{name} {version}")),
            (Some(name), None) => Some(name.clone()),
            _ => None,
        };
        let app_name = self.app_name.clone().or_else(|| match self.device_type {
            DeviceType::NativeIos => Some("iOS app".to_owned()),
            DeviceType::NativeAndroid => Some("Android app".to_owned()),
            _ => None,
        });
        if let Some(app) = app_name {
            let app = match &self.app_version {
                Some(v) => format!("{app} {v}"),
                None => app,
            };
            return match (&self.device_model, os) {
                (Some(model), Some(os)) => format!("{app} on {model} ({os})"),
                (Some(model), None) => format!("{app} on {model}"),
                (None, Some(os)) => format!("{app} on {os}"),
                (None, None) => app,
            };
        }
        let browser = self.browser_name.as_ref().map(|name| {
            match self
                .browser_version
                .as_deref()
                .and_then(|v| v.split('.').next())
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            {
                Some(major) if self.device_type != DeviceType::Bot => format!("{name} {major}"),
                _ => name.clone(),
            }
        });
        match (browser, self.os_name.clone()) {
            (Some(b), Some(os)) => format!("{b} on {os}"),
            (Some(b), None) => b,
            (None, Some(os)) => os,
            (None, None) => "Unknown device".to_owned(),
        }
    }
}

// ---------------------------------------------------------------------------
// Layer 1 + 2: web user agents.
// ---------------------------------------------------------------------------

fn parse_web(ua: &str) -> DeviceInfo {
    if ua.is_empty() {
        return DeviceInfo::default();
    }
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
    if info.device_type != DeviceType::Bot && looks_like_bot(ua) {
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
        info.os_name = None;
        info.os_version = None;
        return info;
    }

    if apple_native_http(&mut info, ua) {
        return info;
    }
    if info.browser_name.as_deref() == Some("Internet Explorer")
        && let Some(real) = real_ie_version(ua)
    {
        info.browser_version = Some(real);
    }
    refine_os(&mut info, ua, woothee_os);
    if let Some((name, version)) = refine_browser(ua, info.os_name.as_deref()) {
        info.browser_name = Some(name.to_owned());
        info.browser_version = version;
    } else if info.browser_name.is_none()
        && let Some((name, version)) = fallback_browser(ua)
    {
        info.browser_name = Some(name.to_owned());
        info.browser_version = version;
    }
    refine_type(&mut info, ua);
    info
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
    let major = trident.split('.').next()?.parse::<u32>().ok()?;
    (4..=8).contains(&major).then(|| format!("{}.0", major + 4))
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

/// Finds `token` in `ua` at a product-token boundary (start, or after a
/// space, `(`, `)`, `;`, `,` or `/`); returns the byte offset just after it.
fn find_token(ua: &str, token: &str) -> Option<usize> {
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
fn token_version(ua: &str, token: &str) -> Option<Option<String>> {
    let end = find_token(ua, token)?;
    Some(version_at(ua, end))
}

/// A product `name` followed by a separator (`/`, space, `_`, `)`, `;`,
/// the end, or glued digits as in `UCWEB7.0`); the version after it.
fn product_version(ua: &str, name: &str) -> Option<Option<String>> {
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

/// Product tokens woothee does not know (or confuses), most specific first:
/// `(product name as in the UA, display name)`.
const BROWSER_TOKENS: &[(&str, &str)] = &[
    // In-app browsers: their UA also carries Chrome/Safari and often `wv`.
    ("FBAV", "Facebook"),
    ("FBSV", "Facebook"),
    ("Instagram", "Instagram"),
    ("Pinterest", "Pinterest"),
    ("MicroMessenger", "WeChat"),
    ("musical_ly", "TikTok"),
    ("Snapchat", "Snapchat"),
    ("GSA", "Google"),
    // Chromium-based and others that also say Chrome/ or Safari/.
    ("EdgA", "Edge"),
    ("EdgiOS", "Edge"),
    ("Edg", "Edge"),
    ("Edge", "Edge"),
    ("OPR", "Opera"),
    ("OPT", "Opera Touch"),
    ("OPiOS", "Opera Mini"),
    ("OPX", "Opera"),
    ("OPRGX", "Opera GX"),
    ("SamsungBrowser", "Samsung Internet"),
    ("YaBrowser", "Yandex Browser"),
    ("YaSearchBrowser", "Yandex Browser"),
    ("Vivaldi", "Vivaldi"),
    ("Whale", "Whale"),
    ("Brave", "Brave"),
    ("brave", "Brave"),
    ("DuckDuckGo", "DuckDuckGo"),
    ("Ddg", "DuckDuckGo"),
    ("UCBrowser", "UC Browser"),
    ("UBrowser", "UC Browser"),
    ("UCMobile", "UC Browser"),
    ("UCWEB", "UC Browser"),
    ("UC Browser", "UC Browser"),
    ("Opera Mini", "Opera Mini"),
    ("MiuiBrowser", "MIUI Browser"),
    ("HuaweiBrowser", "Huawei Browser"),
    ("HONORBrowser", "Honor Browser"),
    ("HeyTapBrowser", "HeyTap Browser"),
    ("VivoBrowser", "Vivo Browser"),
    ("Silk", "Amazon Silk"),
    ("QQBrowser", "QQ Browser"),
    ("MQQBrowser", "QQ Browser"),
    ("Puffin", "Puffin"),
    ("AvastSecureBrowser", "Avast Secure Browser"),
    ("Avast", "Avast Secure Browser"),
    ("AlohaBrowser", "Aloha Browser"),
    ("CocCoc", "Coc Coc"),
    ("coc_coc_browser", "Coc Coc"),
    ("Iron", "Iron"),
    ("Falkon", "Falkon"),
    ("QupZilla", "QupZilla"),
    ("QtWebEngine", "Qt Web Engine"),
    ("Electron", "Electron"),
    ("HeadlessChrome", "Headless Chrome"),
    ("CriOS", "Chrome"),
    ("FxiOS", "Firefox"),
    ("Focus", "Firefox Focus"),
    ("Klar", "Firefox Klar"),
    ("PaleMoon", "Pale Moon"),
    ("Waterfox", "Waterfox"),
    ("SeaMonkey", "SeaMonkey"),
    ("Iceweasel", "Iceweasel"),
    ("IceCat", "IceCat"),
    ("Thunderbird", "Thunderbird"),
    ("Epiphany", "Epiphany"),
    ("Konqueror", "Konqueror"),
    ("Midori", "Midori"),
    ("Chromium", "Chromium"),
    ("IEMobile", "IE Mobile"),
];

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

/// Apple's URL loading system (`MyApp/70 CFNetwork/978.0.7 Darwin/18.5.0`):
/// a native app on iOS (or macOS). The OS version comes from Darwin's.
fn apple_native_http(info: &mut DeviceInfo, ua: &str) -> bool {
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
            && !NOT_APP_NAMES.contains(&name.to_ascii_lowercase().as_str());
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

/// Comment fields that are not a device model.
fn is_noise_field(field: &str) -> bool {
    let lower = field.to_ascii_lowercase();
    field.is_empty()
        || matches!(
            lower.as_str(),
            "u" | "i"
                | "n"
                | "wv"
                | "linux"
                | "mobile"
                | "tablet"
                | "x11"
                | "compatible"
                | "arm"
                | "arm64"
                | "x86"
        )
        || lower.starts_with("rv:")
        || lower.starts_with("build/")
        || lower.starts_with("build ")
        || lower.starts_with("sdk ")
        || lower.starts_with("android")
        || lower.starts_with("linux ")
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
fn clean_model(raw: &str) -> Option<String> {
    let mut model = raw.trim();
    for cut in [" Build/", " Build ", " MIUI/", "/", " Release/"] {
        if let Some(i) = model.find(cut) {
            model = &model[..i];
        }
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

fn sane_version(v: &str) -> Option<String> {
    let v = v.trim().trim_end_matches('.');
    let ok = !v.is_empty()
        && v.len() <= 32
        && v.starts_with(|c: char| c.is_ascii_digit())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b));
    ok.then(|| v.replace('_', "."))
}

fn refine_type(info: &mut DeviceInfo, ua: &str) {
    let os = info.os_name.as_deref();
    let tablet = ua.contains("iPad")
        || ua.contains("Tablet")
        || ua.contains("Kindle")
        || ua.contains("Silk/")
        || (os == Some("Android")
            && (ua.contains("AppleWebKit") || ua.contains("Gecko/"))
            && !ua.contains("Mobile")
            && !ua.contains("Windows Phone"));
    let phone = ua.contains("iPhone")
        || ua.contains("iPod")
        || ua.contains("Mobile")
        || ua.contains("Windows Phone")
        || os == Some("Android");
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

/// Substrings (lower case) that mark automated clients.
const BOT_MARKERS: &[&str] = &[
    "bot/",
    "bot;",
    "bot ",
    "-bot",
    "_bot",
    "bot)",
    "bot-",
    "crawler",
    "spider",
    "slurp",
    "scraper",
    "fetcher",
    "archiver",
    "facebookexternalhit",
    "lighthouse",
    "pagespeed",
    "preview",
    "monitor",
    "uptime",
    "pingdom",
    "httpclient",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "curl/",
    "wget/",
    "libwww",
    "apache-httpclient",
    "node-fetch",
    "axios/",
    "postmanruntime",
    "insomnia",
    "scrapy",
    "httpie",
    "feedfetcher",
    "feedburner",
    "rss",
    "validator",
    "checker",
    "wordpress",
    "mediapartners",
    "yahoo! slurp",
    "ia_archiver",
    "+http",
    "bingpreview",
    "://",
    "indexer",
    "ptst/",
    "inspectiontool",
    "datanyze",
    "statuscake",
    "nutch",
    "collector",
    "thumbnail",
    "masscan",
    "sleuth",
    "archive",
];

fn looks_like_bot(ua: &str) -> bool {
    let lower = ua.to_ascii_lowercase();
    if lower.ends_with("bot") {
        return true;
    }
    BOT_MARKERS.iter().any(|m| {
        lower.find(m).is_some_and(|at| {
            // "Cubot", "Robot" phone brands: a marker `bot…` must start a word.
            !(m.starts_with("bot")
                && at > 0
                && lower.as_bytes().get(at - 1).is_some_and(u8::is_ascii_alphabetic)
                && (lower[..at].ends_with("cu") || lower[..at].ends_with("ro")))
        })
    })
}

/// The first product token of a bot UA (e.g. "Googlebot" from
/// `Mozilla/5.0 (compatible; Googlebot/2.1; +http://…)`).
fn bot_name(ua: &str) -> Option<String> {
    let candidates = ua
        .split(|c: char| c == ';' || c == '(' || c == ')' || c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty());
    let mut first = None;
    for token in candidates {
        let name = token.split('/').next().unwrap_or("");
        if name.is_empty() || name.starts_with('+') || name.contains("://") || name.starts_with("http") {
            continue;
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.!".contains(c))
            || name.len() > 40
        {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if first.is_none() && !matches!(lower.as_str(), "mozilla" | "compatible") {
            first = Some(name.to_owned());
        }
        if ["bot", "crawl", "spider", "fetch", "slurp", "archiver", "scrap"]
            .iter()
            .any(|m| lower.contains(m))
        {
            return Some(name.to_owned());
        }
    }
    first
}

// ---------------------------------------------------------------------------
// Layer 3: native apps.
// ---------------------------------------------------------------------------

static NATIVE_MARKER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:Turbo|Hotwire) Native (iOS|Android)").ok());

/// `Name/version (fields)`: a product token followed by a comment.
static APP_PREFIX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s;)])([A-Za-z][A-Za-z0-9._-]{0,63})/(\d[0-9A-Za-z._+-]{0,31}) \(([^()]{1,300})\)")
        .ok()
});

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
enum Field<'a> {
    Os(&'static str, String),
    Build(String),
    Noise,
    Other(&'a str),
}

fn classify_field(field: &str) -> Field<'_> {
    let f = field.trim();
    let lower = f.to_ascii_lowercase();
    for (prefix, name) in [
        ("ipados", "iPadOS"),
        ("iphone os", "iOS"),
        ("ios", "iOS"),
        ("android", "Android"),
    ] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let rest = rest.trim_start_matches([' ', '/']);
            if let Some(v) = sane_version(rest) {
                return Field::Os(name, v);
            }
        }
    }
    for prefix in ["build", "versioncode", "version code"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let rest = rest.trim_start_matches([' ', ':', '/', '=']);
            if rest.len() <= 32
                && !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                return Field::Build(f[f.len() - rest.len()..].to_owned());
            }
        }
    }
    let noise = f.is_empty()
        || is_noise_field(f)
        || lower.starts_with("sdk")
        || lower.starts_with("api ")
        || lower.starts_with("scale")
        || lower.starts_with("darwin")
        || lower.starts_with("cfnetwork")
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

fn apply_native(info: &mut DeviceInfo, ua: &str, options: &DeviceOptions) {
    if info.device_type == DeviceType::Bot || ua.is_empty() {
        return;
    }
    // The Hotwire/Turbo Native marker: platform, with OS version and (on
    // Android) model from the web part already parsed.
    let marker = NATIVE_MARKER
        .as_ref()
        .and_then(|re| re.captures(ua))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str());
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
    let Some(re) = APP_PREFIX.as_ref() else { return };
    for caps in re.captures_iter(ua) {
        let (Some(name), Some(version), Some(fields)) = (caps.get(1), caps.get(2), caps.get(3)) else {
            continue;
        };
        let name = name.as_str();
        if NOT_APP_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        let mut candidate = info.clone();
        let platform = apply_fields(&mut candidate, fields.as_str());
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
        candidate.app_version = sane_version(version.as_str());
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

// ---------------------------------------------------------------------------
// Layer 4: X-Client-* headers (validated; they win).
// ---------------------------------------------------------------------------

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 256)
}

fn apply_client_headers(info: &mut DeviceInfo, headers: &[(String, String)]) {
    if info.device_type == DeviceType::Bot {
        return;
    }
    let platform = header(headers, "x-client-platform").and_then(|p| match p.to_ascii_lowercase().as_str() {
        "ios" | "ipados" => Some(DeviceType::NativeIos),
        "android" => Some(DeviceType::NativeAndroid),
        _ => None,
    });
    if let Some(platform) = platform {
        let os = if platform == DeviceType::NativeAndroid {
            "Android"
        } else {
            "iOS"
        };
        if info.device_type != platform || info.os_name.is_none() {
            let same_family = matches!(
                (platform, info.os_name.as_deref()),
                (DeviceType::NativeIos, Some("iOS" | "iPadOS"))
                    | (DeviceType::NativeAndroid, Some("Android"))
            );
            if !same_family {
                info.os_name = Some(os.to_owned());
                info.os_version = None;
                info.device_model = None;
            }
        }
        info.device_type = platform;
    }
    if !info.is_native() {
        return;
    }
    if let Some(v) = header(headers, "x-client-version").and_then(sane_version) {
        info.app_version = Some(v);
    }
    if let Some(b) = header(headers, "x-client-build").filter(|b| {
        b.len() <= 32
            && b.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(&c))
    }) {
        info.app_build = Some(b.to_owned());
    }
    if let Some(os) = header(headers, "x-client-os") {
        // "17.4", "iOS 17.4" or "Android 14".
        match classify_field(os) {
            Field::Os(name, v) => {
                let fits = matches!(
                    (info.device_type, name),
                    (DeviceType::NativeIos, "iOS" | "iPadOS") | (DeviceType::NativeAndroid, "Android")
                );
                if fits {
                    info.os_name = Some(name.to_owned());
                    info.os_version = Some(v);
                }
            }
            _ => {
                if let Some(v) = sane_version(os) {
                    info.os_version = Some(v);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Layer 5: client hints (opt-in).
// ---------------------------------------------------------------------------

/// The value of a structured-field string (`"Pixel 8"` → `Pixel 8`).
fn sf_string(v: &str) -> Option<&str> {
    let v = v.trim();
    let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
    let v = v.trim();
    (!v.is_empty() && !v.contains('"') && !v.contains('\\')).then_some(v)
}

/// `(brand, version)` pairs of `Sec-CH-UA` / `-Full-Version-List`, without
/// GREASE brands.
fn brand_list(v: &str) -> Vec<(&str, &str)> {
    v.split(',')
        .take(16)
        .filter_map(|item| {
            let (brand, params) = item.split_once(';')?;
            let brand = sf_string(brand)?;
            let version = params.trim().strip_prefix("v=").and_then(sf_string)?;
            let grease = brand.contains("Not") && brand.contains("Brand")
                || brand.contains("Not)")
                || brand.contains("Not:");
            (!grease).then_some((brand, version))
        })
        .collect()
}

fn apply_client_hints(info: &mut DeviceInfo, headers: &[(String, String)]) {
    if info.device_type == DeviceType::Bot {
        return;
    }
    let mut used = BTreeMap::new();
    let platform = header(headers, "sec-ch-ua-platform").and_then(sf_string);
    let os = platform.and_then(|p| match p {
        "Windows" => Some("Windows"),
        "macOS" => Some("macOS"),
        "Android" => Some("Android"),
        "iOS" => Some("iOS"),
        "Chrome OS" | "ChromeOS" | "Chromium OS" => Some("ChromeOS"),
        "Linux" => Some("Linux"),
        _ => None,
    });
    if let Some(os) = os
        && info.os_name.as_deref() != Some(os)
        && !(os == "iOS" && info.os_name.as_deref() == Some("iPadOS"))
    {
        info.os_name = Some(os.to_owned());
        info.os_version = None;
        if let Some(p) = platform {
            used.insert("sec-ch-ua-platform", p.to_owned());
        }
    }
    if let Some(version) = header(headers, "sec-ch-ua-platform-version").and_then(sf_string) {
        let real = match info.os_name.as_deref() {
            Some("Windows") => {
                // Windows: platform version 13+ is Windows 11, 1–12 Windows 10
                // (0 is 7/8/8.1: keep what the UA said).
                match version.split('.').next().and_then(|m| m.parse::<u32>().ok()) {
                    Some(13..) => Some("11".to_owned()),
                    Some(1..=12) => Some("10".to_owned()),
                    _ => None,
                }
            }
            Some("macOS" | "Android" | "iOS" | "iPadOS" | "ChromeOS") => {
                sane_version(version).map(|v| trim_zeros(&v))
            }
            _ => None,
        };
        if let Some(real) = real {
            info.os_version = Some(real);
            used.insert("sec-ch-ua-platform-version", version.to_owned());
        }
    }
    if let Some(model) = header(headers, "sec-ch-ua-model")
        .and_then(sf_string)
        .and_then(clean_model)
    {
        info.device_model = Some(model.clone());
        used.insert("sec-ch-ua-model", model);
    }
    if let Some(mobile) = header(headers, "sec-ch-ua-mobile") {
        let is_mobile = match mobile {
            "?1" => Some(true),
            "?0" => Some(false),
            _ => None,
        };
        if let Some(is_mobile) = is_mobile
            && !info.is_native()
        {
            let before = info.device_type;
            info.device_type = match (is_mobile, info.os_name.as_deref()) {
                (true, _) => DeviceType::Smartphone,
                (false, Some("Android")) => DeviceType::Tablet,
                (false, _) if before == DeviceType::Unknown => DeviceType::Desktop,
                (false, _) => before,
            };
            if info.device_type != before {
                used.insert("sec-ch-ua-mobile", mobile.to_owned());
            }
        }
    }
    // Brand list: tells Brave/Edge/Opera apart from Chrome, with full versions.
    let list = header(headers, "sec-ch-ua-full-version-list")
        .map(|v| ("sec-ch-ua-full-version-list", v))
        .or_else(|| header(headers, "sec-ch-ua").map(|v| ("sec-ch-ua", v)));
    if let Some((header_name, value)) = list {
        let brands = brand_list(value);
        let named = brands.iter().find_map(|(brand, version)| {
            let name = match *brand {
                "Google Chrome" => "Chrome",
                "Microsoft Edge" => "Edge",
                "Brave" => "Brave",
                "Opera" => "Opera",
                "Opera GX" => "Opera GX",
                "YaBrowser" | "Yandex" => "Yandex Browser",
                "Samsung Internet" => "Samsung Internet",
                "Vivaldi" => "Vivaldi",
                "DuckDuckGo" => "DuckDuckGo",
                "Android WebView" => "Android WebView",
                _ => return None,
            };
            Some((name, *version))
        });
        if let Some((name, version)) = named {
            let changed_name = info.browser_name.as_deref() != Some(name);
            let longer = version.len() > info.browser_version.as_deref().map_or(0, str::len)
                && info
                    .browser_version
                    .as_deref()
                    .is_none_or(|v| version.starts_with(v.split('.').next().unwrap_or(v)));
            if changed_name || longer {
                info.browser_name = Some(name.to_owned());
                if let Some(v) = sane_version(version) {
                    info.browser_version = Some(v);
                }
                used.insert(header_name, value.to_owned());
            }
        }
    }
    if !used.is_empty() {
        info.client_hints = serde_json::to_string(&used).ok();
    }
}

/// "14.0.0" → "14", "14.5.0" → "14.5".
fn trim_zeros(v: &str) -> String {
    let mut parts: Vec<&str> = v.split('.').collect();
    while parts.len() > 1 && parts.last() == Some(&"0") {
        parts.pop();
    }
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn common_browsers_read_naturally() {
        let cases = [
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
                "Chrome 137 on macOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0",
                "Firefox 139 on Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 Edg/137.0.3296.62",
                "Edge 137 on Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36 OPR/120.0.0.0",
                "Opera 120 on Windows",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
                "Samsung Internet 27 on Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/137.0.7151.79 Mobile/15E148 Safari/604.1",
                "Chrome 137 on iOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/139.0 Mobile/15E148 Safari/605.1.15",
                "Firefox 139 on iOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
                "Safari 18 on iOS",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 YaBrowser/25.6.0.0 Safari/537.36",
                "Yandex Browser 25 on Linux",
            ),
            (
                "Mozilla/5.0 (Linux; Android 12; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.84 Mobile Safari/537.36 Brave/1.40.128",
                "Brave 1 on Android",
            ),
        ];
        for (ua, name) in cases {
            assert_eq!(DeviceInfo::parse(ua).display_name(), name, "{ua}");
        }
    }

    #[test]
    fn case28_garbage_and_huge_user_agents_are_unknown_devices() {
        assert_eq!(DeviceInfo::parse("").display_name(), "Unknown device");
        assert_eq!(
            DeviceInfo::parse("\u{0}\u{1}}}}{{").display_name(),
            "Unknown device"
        );
        let huge = "A".repeat(100 * 1024);
        assert_eq!(DeviceInfo::parse(&huge).display_name(), "Unknown device");
    }

    #[test]
    fn only_the_first_1024_characters_are_parsed() {
        let padding = "x".repeat(2000);
        let late = format!("{padding} Hotwire Native iOS;");
        assert_eq!(DeviceInfo::parse(&late).device_type, DeviceType::Unknown);
        let ua = format!(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0 {padding}"
        );
        assert_eq!(DeviceInfo::parse(&ua).display_name(), "Firefox 139 on Windows");
        // Multi-byte characters at the cut never panic.
        let wide = "é".repeat(3000);
        assert_eq!(DeviceInfo::parse(&wide).display_name(), "Unknown device");
    }

    const IOS_WEBVIEW: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    const ANDROID_WEBVIEW: &str = "Mozilla/5.0 (Linux; Android 16; Pixel 8 Build/BP2A.250605.031; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/137.0.7151.89 Mobile Safari/537.36";

    /// `(user agent, headers, options' native app names, client hints on,
    /// display name, device type, model, app name, app version, app build,
    /// os version)`.
    #[test]
    fn native_app_and_client_hint_table() {
        type Row<'a> = (
            String,
            Vec<(&'a str, &'a str)>,
            &'a [&'a str],
            bool,
            &'a str,
            DeviceType,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
        );
        let long_version = "9".repeat(40);
        let rows: Vec<Row<'_>> = vec![
            // Prefix convention, iOS, at the end of a WKWebView UA (where Hotwire puts it).
            (
                format!("{IOS_WEBVIEW} MyApp/2.4.1 (iPhone15,2; iOS 19.5; build 241); Hotwire Native iOS; Turbo Native iOS; bridge-components: [form menu]"),
                vec![], &[], false,
                "MyApp 2.4.1 on iPhone15,2 (iOS 19.5)", DeviceType::NativeIos,
                Some("iPhone15,2"), Some("MyApp"), Some("2.4.1"), Some("241"), Some("19.5"),
            ),
            // Prefix convention, Android, at the start, fields in another order.
            (
                format!("MyApp/2.4.1 (Android 16; build 241; Pixel 8); Hotwire Native Android; Turbo Native Android; bridge-components: []; {ANDROID_WEBVIEW}"),
                vec![], &[], false,
                "MyApp 2.4.1 on Pixel 8 (Android 16)", DeviceType::NativeAndroid,
                Some("Pixel 8"), Some("MyApp"), Some("2.4.1"), Some("241"), Some("16"),
            ),
            // The gem's Android convention: model first.
            (
                format!("MyApp/2.4.1 (Pixel 8; Android 16; build 241); Hotwire Native Android; {ANDROID_WEBVIEW}"),
                vec![], &[], false,
                "MyApp 2.4.1 on Pixel 8 (Android 16)", DeviceType::NativeAndroid,
                Some("Pixel 8"), Some("MyApp"), Some("2.4.1"), Some("241"), Some("16"),
            ),
            // Marker only: platform, OS version, Android model from the WebView segment.
            (
                format!("Hotwire Native Android; Turbo Native Android; bridge-components: [form]; {ANDROID_WEBVIEW}"),
                vec![], &[], false,
                "Android app on Pixel 8 (Android 16)", DeviceType::NativeAndroid,
                Some("Pixel 8"), None, None, None, Some("16"),
            ),
            (
                format!("{IOS_WEBVIEW} Turbo Native iOS"),
                vec![], &[], false,
                "iOS app on iPhone (iOS 17.4)", DeviceType::NativeIos,
                Some("iPhone"), None, None, None, Some("17.4"),
            ),
            // Browser product tokens are never app names.
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36".to_owned(),
                vec![], &[], false,
                "Chrome 137 on Android", DeviceType::Smartphone,
                Some("Pixel 7"), None, None, None, Some("14"),
            ),
            (
                "Dalvik/2.1.0 (Linux; U; Android 13; SM-S911B Build/TP1A.220624.014)".to_owned(),
                vec![], &[], false,
                "Android", DeviceType::Smartphone,
                Some("SM-S911B"), None, None, None, Some("13"),
            ),
            // Legacy prefix of a configured name.
            (
                "MyApp Android 1.0.5 (build 6; Android 14; sdk 34; Pixel 7)".to_owned(),
                vec![], &["MyApp"], false,
                "MyApp 1.0.5 on Pixel 7 (Android 14)", DeviceType::NativeAndroid,
                Some("Pixel 7"), Some("MyApp"), Some("1.0.5"), Some("6"), Some("14"),
            ),
            // …not an app unless configured (still an Android phone).
            (
                "MyApp Android 1.0.5 (build 6; Android 14; sdk 34; Pixel 7)".to_owned(),
                vec![], &[], false,
                "Android", DeviceType::Smartphone,
                Some("Pixel 7"), None, None, None, Some("14"),
            ),
            (
                format!("MyApp iOS 3.0 (build 12; iOS 18.1; iPhone16,1) {IOS_WEBVIEW}"),
                vec![], &["MyApp"], false,
                "MyApp 3.0 on iPhone16,1 (iOS 18.1)", DeviceType::NativeIos,
                Some("iPhone16,1"), Some("MyApp"), Some("3.0"), Some("12"), Some("18.1"),
            ),
            // X-Client-* headers win over the UA.
            (
                format!("MyApp/2.4.1 (iPhone15,2; iOS 19.5; build 241); {IOS_WEBVIEW} Hotwire Native iOS"),
                vec![("x-client-platform", "ios"), ("x-client-version", "2.5.0"), ("x-client-build", "250"), ("x-client-os", "iOS 19.6")],
                &[], false,
                "MyApp 2.5.0 on iPhone15,2 (iOS 19.6)", DeviceType::NativeIos,
                Some("iPhone15,2"), Some("MyApp"), Some("2.5.0"), Some("250"), Some("19.6"),
            ),
            (
                "okhttp/4.12.0".to_owned(),
                vec![("x-client-platform", "Android"), ("x-client-version", "3.1.0"), ("x-client-os", "15")],
                &[], false,
                "Android app 3.1.0 on Android 15", DeviceType::NativeAndroid,
                None, None, Some("3.1.0"), None, Some("15"),
            ),
            // …but only when valid.
            (
                IOS_WEBVIEW.to_owned(),
                vec![("x-client-platform", "windows"), ("x-client-version", "<script>"), ("x-client-build", "1 2")],
                &[], false,
                "WebView on iOS", DeviceType::Smartphone,
                Some("iPhone"), None, None, None, Some("17.4"),
            ),
            (
                format!("{IOS_WEBVIEW} Hotwire Native iOS"),
                vec![("x-client-version", long_version.as_str()), ("x-client-build", "build/../../x")],
                &[], false,
                "iOS app on iPhone (iOS 17.4)", DeviceType::NativeIos,
                Some("iPhone"), None, None, None, Some("17.4"),
            ),
            // Client hints: Windows 11, the real Android model and version.
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36".to_owned(),
                vec![("sec-ch-ua-platform", "\"Windows\""), ("sec-ch-ua-platform-version", "\"15.0.0\"")],
                &[], true,
                "Chrome 137 on Windows", DeviceType::Desktop,
                None, None, None, None, Some("11"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36".to_owned(),
                vec![("sec-ch-ua-platform", "\"Windows\""), ("sec-ch-ua-platform-version", "\"10.0.0\"")],
                &[], true,
                "Chrome 137 on Windows", DeviceType::Desktop,
                None, None, None, None, Some("10"),
            ),
            (
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36".to_owned(),
                vec![("sec-ch-ua-model", "\"Pixel 8\""), ("sec-ch-ua-platform-version", "\"16.0.0\""), ("sec-ch-ua-mobile", "?1"), ("sec-ch-ua-platform", "\"Android\"")],
                &[], true,
                "Chrome 137 on Android", DeviceType::Smartphone,
                Some("Pixel 8"), None, None, None, Some("16"),
            ),
            // Frozen versions are dropped without hints…
            (
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36".to_owned(),
                vec![("sec-ch-ua-model", "\"Pixel 8\"")],
                &[], false,
                "Chrome 137 on Android", DeviceType::Smartphone,
                None, None, None, None, None,
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15".to_owned(),
                vec![],
                &[], false,
                "Safari 18 on macOS", DeviceType::Desktop,
                None, None, None, None, None,
            ),
            // …and replaced by a hint.
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36".to_owned(),
                vec![("sec-ch-ua-platform", "\"macOS\""), ("sec-ch-ua-platform-version", "\"15.5.0\"")],
                &[], true,
                "Chrome 137 on macOS", DeviceType::Desktop,
                None, None, None, None, Some("15.5"),
            ),
            // Real (not frozen) versions stay.
            (
                "Mozilla/5.0 (Linux; Android 10; SM-G973F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.106 Mobile Safari/537.36".to_owned(),
                vec![],
                &[], false,
                "Chrome 83 on Android", DeviceType::Smartphone,
                Some("SM-G973F"), None, None, None, Some("10"),
            ),
            // Brave is only told apart by Sec-CH-UA; tablets by ?0 on Android.
            (
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36".to_owned(),
                vec![("sec-ch-ua", "\"Brave\";v=\"137\", \"Chromium\";v=\"137\", \"Not/A)Brand\";v=\"24\""), ("sec-ch-ua-mobile", "?0")],
                &[], true,
                "Brave 137 on Android", DeviceType::Tablet,
                None, None, None, None, None,
            ),
            // Hints are ignored unless opted in.
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36".to_owned(),
                vec![("sec-ch-ua-platform-version", "\"15.0.0\""), ("sec-ch-ua", "\"Brave\";v=\"137\"")],
                &[], false,
                "Chrome 137 on Windows", DeviceType::Desktop,
                None, None, None, None, None,
            ),
            // Bots.
            (
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)".to_owned(),
                vec![("x-client-platform", "ios")],
                &[], true,
                "Googlebot", DeviceType::Bot,
                None, None, None, None, None,
            ),
            (
                "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)".to_owned(),
                vec![],
                &[], false,
                "GPTBot", DeviceType::Bot,
                None, None, None, None, None,
            ),
            // A phone brand named "…bot" is not a bot.
            (
                "Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36".to_owned(),
                vec![],
                &[], false,
                "Chrome 120 on Android", DeviceType::Smartphone,
                Some("CUBOT X19"), None, None, None, Some("9"),
            ),
        ];
        for (ua, headers, names, hints, display, kind, model, app, app_version, build, os_version) in rows {
            let options = DeviceOptions {
                native_app_names: names.iter().map(|n| (*n).to_owned()).collect(),
                client_hints: hints,
            };
            let info = DeviceInfo::parse_with(&ua, &h(&headers), &options);
            assert_eq!(info.display_name(), display, "{ua} {headers:?}\n{info:#?}");
            assert_eq!(info.device_type, kind, "{ua}");
            assert_eq!(info.device_model.as_deref(), model, "{ua}");
            assert_eq!(info.app_name.as_deref(), app, "{ua}");
            assert_eq!(info.app_version.as_deref(), app_version, "{ua}");
            assert_eq!(info.app_build.as_deref(), build, "{ua}");
            assert_eq!(info.os_version.as_deref(), os_version, "{ua}");
        }
    }

    #[test]
    fn client_hints_used_are_recorded_as_compact_json() {
        let options = DeviceOptions {
            client_hints: true,
            ..DeviceOptions::default()
        };
        let info = DeviceInfo::parse_with(
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36",
            &h(&[
                ("sec-ch-ua-model", "\"Pixel 8\""),
                ("sec-ch-ua-platform-version", "\"16.0.0\""),
            ]),
            &options,
        );
        assert_eq!(
            info.client_hints.as_deref(),
            Some(r#"{"sec-ch-ua-model":"Pixel 8","sec-ch-ua-platform-version":"16.0.0"}"#)
        );
        let none = DeviceInfo::parse_with("curl/8.0", &h(&[("sec-ch-ua-model", "\"\"")]), &options);
        assert_eq!(none.client_hints, None);
    }

    #[test]
    fn icon_names_follow_device_types() {
        let native = DeviceInfo::parse(&format!("{IOS_WEBVIEW} Hotwire Native iOS"));
        assert_eq!(native.device_type.icon_name(), "device-phone-mobile");
        assert!(native.is_native());
        assert!(DeviceInfo::parse("Googlebot/2.1 (+http://www.google.com/bot.html)").is_bot());
    }
}
