//! Layer 1: the single-pass scanner. One walk over the user agent splits it
//! into product tokens (`Chrome/137.0.0.0`) and comments (`(Macintosh; Intel
//! Mac OS X 10_15_7)`); browser and OS are then decided from those parts
//! alone, without searching the string again. A user agent the scanner
//! cannot place (no browser or no OS it knows) goes to woothee instead.

use super::tokens::{sane_version, starts_with_ci};

/// At most this many product tokens and comments are kept (a real browser
/// has about 6 and 2).
const MAX_PRODUCTS: usize = 24;
const MAX_COMMENTS: usize = 8;
const MAX_FIELDS: usize = 48;

/// The parts of a user agent, borrowed from it.
pub(super) struct Scan<'a> {
    products: [(&'a str, &'a str); MAX_PRODUCTS],
    n_products: usize,
    comments: [&'a str; MAX_COMMENTS],
    n_comments: usize,
    /// The comments' `;`-separated fields, trimmed, with their comment's index.
    fields: [(&'a str, usize); MAX_FIELDS],
    n_fields: usize,
}

impl<'a> Scan<'a> {
    pub(super) fn new(ua: &'a str) -> Self {
        let mut scan = Scan {
            products: [("", ""); MAX_PRODUCTS],
            n_products: 0,
            comments: [""; MAX_COMMENTS],
            n_comments: 0,
            fields: [("", 0); MAX_FIELDS],
            n_fields: 0,
        };
        let b = ua.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'(' => {
                    let start = i + 1;
                    let mut depth = 1;
                    i += 1;
                    while i < b.len() {
                        match b[i] {
                            b'(' => depth += 1,
                            b')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                    if scan.n_comments < MAX_COMMENTS {
                        let comment = ua.get(start..i).unwrap_or("");
                        scan.comments[scan.n_comments] = comment;
                        for field in comment.split(';') {
                            let field = field.trim_matches([' ', '+']);
                            if !field.is_empty() && scan.n_fields < MAX_FIELDS {
                                scan.fields[scan.n_fields] = (field, scan.n_comments);
                                scan.n_fields += 1;
                            }
                        }
                        scan.n_comments += 1;
                    }
                    i += 1;
                }
                b' ' | b'+' | b';' | b',' | b'[' | b']' | b')' => i += 1,
                _ => {
                    let start = i;
                    while i < b.len() && !matches!(b[i], b' ' | b'(' | b')' | b';' | b',' | b'[' | b']') {
                        i += 1;
                    }
                    let token = ua.get(start..i).unwrap_or("");
                    let (name, version) = token.split_once('/').unwrap_or((token, ""));
                    if version.is_empty()
                        && name.starts_with(|c: char| c.is_ascii_digit())
                        && scan.n_products > 0
                        && scan.products[scan.n_products - 1].1.is_empty()
                    {
                        // `Opera 9.50`: a bare version after a bare name.
                        scan.products[scan.n_products - 1].1 = name;
                    } else if scan.n_products < MAX_PRODUCTS {
                        scan.products[scan.n_products] = (name, version);
                        scan.n_products += 1;
                    }
                }
            }
        }
        scan
    }

    pub(super) fn products(&self) -> &[(&'a str, &'a str)] {
        &self.products[..self.n_products]
    }

    /// The fields of every comment, trimmed, in order.
    fn fields(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.fields[..self.n_fields].iter().map(|(f, _)| *f)
    }

    /// The raw version of the first product named `name`.
    pub(super) fn product(&self, name: &str) -> Option<&'a str> {
        self.products().iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    fn has_product(&self, name: &str) -> bool {
        self.products().iter().any(|(n, _)| *n == name)
    }

    fn has_field(&self, field: &str) -> bool {
        self.fields().any(|f| f == field)
    }
}

/// A version as shown: digits first, `_` read as `.`, at most 32 characters.
pub(super) fn clean_version(raw: &str) -> Option<String> {
    let end = raw
        .bytes()
        .position(|c| !(c.is_ascii_alphanumeric() || c == b'.' || c == b'_'))
        .unwrap_or(raw.len())
        .min(32);
    let v = raw.get(..end)?.trim_end_matches(['.', '_']);
    v.starts_with(|c: char| c.is_ascii_digit())
        .then(|| v.replace('_', "."))
}

/// What the scanner found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Found {
    pub browser: Option<(&'static str, Option<String>)>,
    pub os: Option<(&'static str, Option<String>)>,
    /// The comment said a phone/tablet platform (iPhone, Android…).
    pub mobile_os: bool,
}

/// Product tokens naming a browser, most specific first: `(token, name)`.
/// A product's position here is its priority; the generic engines (Chrome,
/// Firefox, Safari) are decided after these.
pub(super) const BROWSER_TOKENS: &[(&str, &str)] = &[
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
    ("CrMo", "Chrome"),
    ("FxiOS", "Firefox"),
    ("Focus", "Firefox Focus"),
    ("Klar", "Firefox Klar"),
    ("PaleMoon", "Pale Moon"),
    ("Waterfox", "Waterfox"),
    ("SeaMonkey", "SeaMonkey"),
    ("IceCat", "IceCat"),
    ("Thunderbird", "Thunderbird"),
    ("Epiphany", "Epiphany"),
    ("Konqueror", "Konqueror"),
    ("Midori", "Midori"),
    ("Chromium", "Chromium"),
    ("Camino", "Camino"),
    ("IEMobile", "IE Mobile"),
];

/// Firefox under its pre-release and rebranded names (Debian's Iceweasel,
/// nightly Minefield, the 2.0–3.6 code names): still Firefox, with the
/// version of that token.
const FIREFOX_NAMES: &[&str] = &[
    "Firefox",
    "Iceweasel",
    "Minefield",
    "Shiretoko",
    "Namoroka",
    "GranParadiso",
    "BonEcho",
    "Fennec",
    "Phoenix",
    "Firebird",
    "Lorentz",
];

/// The position of `name` in [`BROWSER_TOKENS`] (a `match`, so no scan of
/// the table per token; `ranks_follow_the_table` keeps the two in step).
fn browser_token_rank(name: &str) -> Option<usize> {
    Some(match name {
        "FBAV" => 0,
        "FBSV" => 1,
        "Instagram" => 2,
        "Pinterest" => 3,
        "MicroMessenger" => 4,
        "musical_ly" => 5,
        "Snapchat" => 6,
        "GSA" => 7,
        "EdgA" => 8,
        "EdgiOS" => 9,
        "Edg" => 10,
        "Edge" => 11,
        "OPR" => 12,
        "OPT" => 13,
        "OPiOS" => 14,
        "OPX" => 15,
        "OPRGX" => 16,
        "SamsungBrowser" => 17,
        "YaBrowser" => 18,
        "YaSearchBrowser" => 19,
        "Vivaldi" => 20,
        "Whale" => 21,
        "Brave" => 22,
        "brave" => 23,
        "DuckDuckGo" => 24,
        "Ddg" => 25,
        "UCBrowser" => 26,
        "UBrowser" => 27,
        "UCMobile" => 28,
        "UCWEB" => 29,
        "UC Browser" => 30,
        "Opera Mini" => 31,
        "MiuiBrowser" => 32,
        "HuaweiBrowser" => 33,
        "HONORBrowser" => 34,
        "HeyTapBrowser" => 35,
        "VivoBrowser" => 36,
        "Silk" => 37,
        "QQBrowser" => 38,
        "MQQBrowser" => 39,
        "Puffin" => 40,
        "AvastSecureBrowser" => 41,
        "Avast" => 42,
        "AlohaBrowser" => 43,
        "CocCoc" => 44,
        "coc_coc_browser" => 45,
        "Iron" => 46,
        "Falkon" => 47,
        "QupZilla" => 48,
        "QtWebEngine" => 49,
        "Electron" => 50,
        "HeadlessChrome" => 51,
        "CriOS" => 52,
        "CrMo" => 53,
        "FxiOS" => 54,
        "Focus" => 55,
        "Klar" => 56,
        "PaleMoon" => 57,
        "Waterfox" => 58,
        "SeaMonkey" => 59,
        "IceCat" => 60,
        "Thunderbird" => 61,
        "Epiphany" => 62,
        "Konqueror" => 63,
        "Midori" => 64,
        "Chromium" => 65,
        "Camino" => 66,
        "IEMobile" => 67,
        _ => return None,
    })
}

#[cfg(test)]
#[test]
fn ranks_follow_the_table() {
    for (i, (token, _)) in BROWSER_TOKENS.iter().enumerate() {
        assert_eq!(browser_token_rank(token), Some(i), "{token}");
    }
    assert_eq!(browser_token_rank("Chrome"), None);
}

/// The browser and OS a user agent names, or `None` parts when its shape is
/// not one the scanner knows.
pub(super) fn scan(ua: &str) -> (Scan<'_>, Found) {
    let s = Scan::new(ua);
    let os = scan_os(&s, ua);
    let mobile_os = matches!(os, Some(("iOS" | "iPadOS" | "Android", _)));
    let browser = scan_browser(&s, os.as_ref().map(|(n, v)| (*n, v.as_deref())));
    (
        s,
        Found {
            browser,
            os,
            mobile_os,
        },
    )
}

fn scan_browser<'a>(
    s: &Scan<'a>,
    os: Option<(&str, Option<&str>)>,
) -> Option<(&'static str, Option<String>)> {
    // 1. A specific browser's product token, in priority order; in a
    //    comment too (`(Brave)`, `(…; Silk/1.1.0-80)`).
    let mut best: Option<(usize, &str)> = None;
    let mut consider = |name: &str, version: &'a str| {
        if let Some(rank) = browser_token_rank(name)
            && best.is_none_or(|(r, _)| rank < r)
        {
            best = Some((rank, version));
        }
    };
    for &(name, version) in s.products() {
        // Glued versions (`UCWEB7.0`).
        let bare = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        if bare.len() < name.len() && version.is_empty() {
            consider(bare, &name[bare.len()..]);
        } else {
            consider(name, version);
        }
    }
    for field in s.fields() {
        if let Some(rest) = field.strip_prefix("Opera Mini/") {
            // `Opera Mini/att/4.2.14812`, `Opera Mini/7.6.35766/35.5706`:
            // the first part that is a version.
            let version = rest
                .split('/')
                .find(|p| p.starts_with(|c: char| c.is_ascii_digit()));
            consider("Opera Mini", version.unwrap_or(""));
            continue;
        }
        let (name, version) = field.split_once('/').unwrap_or((field, ""));
        if !name.contains(' ') {
            consider(name, version);
        }
    }
    if let Some((rank, version)) = best {
        let name = BROWSER_TOKENS[rank].1;
        let mut version = clean_version(version);
        if version.is_none() && matches!(name, "Brave" | "Instagram") {
            // `Brave Chrome/80…`: the version is Chrome's.
            version = s.product("Chrome").and_then(clean_version);
        }
        return Some((name, version));
    }
    let android = matches!(os, Some(("Android", _)));
    let ios = matches!(os, Some(("iOS" | "iPadOS", _)));

    // 2. Opera before Blink: `Opera/9.80 (…) Presto/2.12 Version/12.16`,
    //    `(compatible; MSIE 6.0; …) Opera 8.54`.
    if let Some(v) = s.product("Opera") {
        let version = s
            .product("Version")
            .and_then(clean_version)
            .or_else(|| clean_version(v));
        return Some(("Opera", version));
    }
    // 3. Internet Explorer: `MSIE x` in the comment (the real version from
    //    Trident in compatibility view), or IE 11's `Trident/7.0; rv:11.0`.
    let mut msie = None;
    let mut trident = None;
    let mut rv = None;
    let mut chrome_frame = None;
    for field in s.fields() {
        if let Some(v) = field.strip_prefix("MSIE ") {
            msie.get_or_insert(v);
        } else if let Some(v) = field.strip_prefix("Trident/") {
            trident.get_or_insert(v);
        } else if let Some(v) = field.strip_prefix("rv:") {
            rv.get_or_insert(v);
        } else if let Some(v) = field.strip_prefix("chromeframe/") {
            chrome_frame.get_or_insert(v);
        }
    }
    if let Some(v) = chrome_frame {
        return Some(("Chrome", clean_version(v)));
    }
    let trident_major = trident
        .and_then(|t| t.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if let Some(v) = msie {
        let real = trident_major.and_then(ie_from_trident);
        return Some(("Internet Explorer", real.or_else(|| clean_version(v))));
    }
    if trident_major.is_some_and(|m| m >= 7)
        && let Some(rv) = rv
    {
        return Some(("Internet Explorer", clean_version(rv)));
    }
    // 4. Blink.
    if let Some(v) = s.product("Chrome") {
        let version = clean_version(v);
        if android && (s.has_field("wv") || s.has_product("Version")) {
            return Some(("Android WebView", version));
        }
        return Some(("Chrome", version));
    }
    // 5. Gecko: Firefox under any of its names; the version from that
    //    token, else from `rv:`.
    for (name, version) in s.products() {
        let firefox = FIREFOX_NAMES.iter().any(|f| name.starts_with(f));
        if firefox {
            let version = clean_version(version).or_else(|| rv.and_then(clean_version));
            return Some(("Firefox", version));
        }
    }
    // 6. WebKit: Safari's version is only ever `Version/x`; without it, Mobile
    //    Safari's is the iOS major and an old desktop build maps through the
    //    published WebKit → Safari table. A WebKit build never is one.
    if s.has_product("AppleWebKit") || s.has_product("Safari") {
        let version = s.product("Version").and_then(clean_version);
        if android {
            return s.has_product("Safari").then_some(("Android Browser", version));
        }
        if s.has_product("Safari") {
            let version = version.or_else(|| {
                if ios {
                    os.and_then(|(_, v)| v)
                        .and_then(|v| v.split('.').next())
                        .map(str::to_owned)
                } else {
                    s.product("Safari").and_then(safari_from_build)
                }
            });
            return Some(("Safari", version));
        }
        if ios && version.is_none() {
            // WKWebView inside an app: no Safari token, no browser version.
            return Some(("WebView", None));
        }
    }
    None
}

/// IE in compatibility view claims an older `MSIE`; Trident tells the truth
/// (4 → 8 … 7 → 11; 8 was IE 11 on Windows 10 previews).
pub(super) fn ie_from_trident(major: u32) -> Option<String> {
    match major {
        4..=7 => Some(format!("{}.0", major + 4)),
        8 => Some("11.0".into()),
        _ => None,
    }
}

/// Safari 1–2 had no `Version/` token; their `Safari/` build numbers are
/// published (85 → 1.0, 125 → 1.2, 312 → 1.3, 412–419 → 2.0). Later builds
/// (`Safari/6533.18.5`) say nothing reliable about the version.
pub(super) fn safari_from_build(build: &str) -> Option<String> {
    let major: u32 = build.split('.').next()?.parse().ok()?;
    match major {
        85..=312 => Some("1".into()),
        412..=419 => Some("2".into()),
        _ => None,
    }
}

fn scan_os(s: &Scan<'_>, ua: &str) -> Option<(&'static str, Option<String>)> {
    let mut linux = false;
    let mut mac: Option<Option<String>> = None;
    let mut windows: Option<Option<String>> = None;
    let mut build_field = false;
    let mut android_version: Option<String> = None;
    // Whether the field before was `U` (`Linux; U; 2.3.6`).
    let mut previous_u = false;
    let mut ios: Option<Option<String>> = None;
    let mut ipad = false;
    let mut silk = s.has_product("Silk");
    let mut x11 = false;
    for &(field, comment) in &s.fields[..s.n_fields] {
        let after_u = std::mem::replace(&mut previous_u, field == "U");
        {
            if field.starts_with("Xbox")
                || field.starts_with("PlayStation")
                || field.starts_with("Nintendo")
                || field.starts_with("SMART-TV")
                || field.starts_with("SmartTV")
            {
                // Consoles and TVs: woothee knows them as appliances.
                return None;
            }
            if let Some(rest) = field.strip_prefix("Android") {
                let rest = rest.trim_start_matches([' ', '/', '-']);
                let version = sane_version(rest.split_whitespace().next().unwrap_or(""));
                return Some(("Android", version));
            }
            if let Some(rest) = field.strip_prefix("Adr ") {
                return Some(("Android", sane_version(rest)));
            }
            if let Some(v) = ios_field(field) {
                ipad |= s.comments[comment].contains("iPad");
                if ios.as_ref().is_none_or(Option::is_none) {
                    ios = Some(v);
                }
                continue;
            }
            if field.starts_with("Silk/") {
                silk = true;
                continue;
            }
            if field.starts_with("Windows Phone") {
                let v = field.rsplit(' ').next().and_then(sane_version);
                return Some(("Windows Phone", v));
            }
            if let Some(v) = windows_field(field) {
                if windows.as_ref().is_none_or(Option::is_none) {
                    windows = Some(v);
                }
                continue;
            }
            if let Some(v) = mac_field(field) {
                if mac.as_ref().is_none_or(Option::is_none) {
                    mac = Some(v);
                }
                continue;
            }
            if field == "Macintosh" || field == "Mac_PowerPC" {
                mac.get_or_insert(None);
                continue;
            }
            if field.starts_with("CrOS ") {
                return Some(("ChromeOS", None));
            }
            if field == "X11" {
                x11 = true;
                continue;
            }
            if field.starts_with("Linux")
                || field.starts_with("Ubuntu")
                || field.starts_with("Fedora")
                || field.starts_with("U; Linux")
            {
                linux = true;
                continue;
            }
            if linux
                && after_u
                && android_version.is_none()
                && field.contains('.')
                && field.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && field.split('.').next().and_then(|m| m.parse::<u32>().ok()).is_some_and(|m| (1..=30).contains(&m))
            {
                // UC Browser on Android: `(Linux; U; 2.3.6; zh-cn; GT-S7500)`,
                // the Android version as a bare field after `Linux`.
                android_version = sane_version(field);
                continue;
            }
            if field.contains(" Build/") || field.starts_with("KF") || field.starts_with("Quest") {
                // Android's `Build/` convention; Kindle Fire and Quest
                // headsets run Android without saying so.
                build_field = true;
            }
            if field.starts_with("FreeBSD") || field.starts_with("OpenBSD") || field.starts_with("NetBSD") {
                return Some(("BSD", None));
            }
        }
    }
    if let Some(v) = ios {
        return Some((if ipad { "iPadOS" } else { "iOS" }, v));
    }
    if let Some(v) = windows {
        return Some(("Windows", v));
    }
    if silk && (mac.is_some() || linux) {
        // Kindle Fire's Silk, also in its desktop mode.
        return Some(("Android", None));
    }
    if let Some(v) = mac {
        // Chrome/Edge/Firefox for iOS on an iPad asking for the desktop site.
        if s.has_product("CriOS") || s.has_product("EdgiOS") || s.has_product("FxiOS") {
            return Some(("iPadOS", None));
        }
        return Some(("macOS", v.filter(|v| v != "10.15.7")));
    }
    if linux {
        if build_field || android_version.is_some() {
            return Some(("Android", android_version));
        }
        return Some(("Linux", None));
    }
    let _ = (x11, ua);
    None
}

/// `CPU iPhone OS 18_5 like Mac OS X`, `CPU OS 17_0 like Mac OS X`, `iPh OS
/// 5_0_1`, `iOS 5.1.1` (any case): `Some(version)`.
fn ios_field(field: &str) -> Option<Option<String>> {
    let lower_starts = |p: &str| starts_with_ci(field, p);
    let rest = if lower_starts("CPU ") {
        let at = find_ci(field, " OS ")?;
        &field[at + 4..]
    } else if lower_starts("iPh OS ") || lower_starts("iPd OS ") {
        &field[7..]
    } else if lower_starts("iOS ") {
        &field[4..]
    } else if field == "iOS"
        || field == "iPhone"
        || field == "iPad"
        || field == "iPod"
        || field == "iPod touch"
    {
        return Some(None);
    } else if lower_starts("iPhone OS ") {
        &field[10..]
    } else {
        return None;
    };
    let v = rest.split(' ').next().unwrap_or("");
    Some(sane_version(v))
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// `Intel Mac OS X 10_15_7`, `PPC Mac OS X 10.5`, `OS X 10.9.2`, `MacOS X 10_10_2`.
fn mac_field(field: &str) -> Option<Option<String>> {
    let at = field.find("OS X")?;
    let before = &field[..at];
    if !(before.is_empty() || before.ends_with("Mac ") || before.ends_with("Mac") || before.ends_with(' ')) {
        return None;
    }
    let rest = field[at + 4..].trim_start();
    Some(rest.split(' ').next().and_then(clean_version))
}

/// `Windows NT 6.1`, `Windows 98`, `Win 9x 4.90`, `Windows`: `Some(version)`.
fn windows_field(field: &str) -> Option<Option<String>> {
    let v = if let Some(nt) = field
        .strip_prefix("Windows NT")
        .or_else(|| field.strip_prefix("WinNT"))
    {
        match nt.trim() {
            "10.0" | "" => None,
            "6.3" => Some("8.1"),
            "6.2" => Some("8"),
            "6.1" => Some("7"),
            "6.0" => Some("Vista"),
            "5.1" | "5.2" => Some("XP"),
            "5.0" | "5.01" => Some("2000"),
            "4.0" => Some("NT 4.0"),
            _ => None,
        }
    } else {
        match field {
            "Windows" | "Win64" => return (field == "Windows").then_some(None),
            "Windows 98" | "Win98" => Some("98"),
            "Windows 95" | "Win95" => Some("95"),
            "Windows ME" | "Win 9x 4.90" => Some("Me"),
            "Windows XP" => Some("XP"),
            "Windows 2000" => Some("2000"),
            "Windows 3.1" | "Win16" => Some("3.1"),
            _ => return None,
        }
    };
    Some(v.map(str::to_owned))
}
