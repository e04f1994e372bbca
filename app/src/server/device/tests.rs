//! The parser end to end, through [`DeviceInfo::parse`] and
//! [`DeviceInfo::parse_with`]: the table crosses every layer, so it stays in
//! one piece here.

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
    let ua =
        format!("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0 {padding}");
    assert_eq!(DeviceInfo::parse(&ua).display_name(), "Firefox 139 on Windows");
    // Multi-byte characters at the cut never panic.
    for odd in [
        "Mozilla/5.0 (iéé; CPé OS é; Windowsé; Macé OS X é) AppleWebKit/é (é) Safari/é Firefox/é",
        "Mozilla/5.0 (ié; CPU iPhone OS ééé Like Mac OS X) é/1 (é) Opera Mini/é/ OPR Chrome/",
        "(((((;;;;)))) // (/) MSIE Trident/é rv:é",
    ] {
        let _ = DeviceInfo::parse(odd);
    }
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

/// `(user agent, browser, browser version, OS, OS version)`.
type Parts<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, Option<&'a str>);

/// Each case through [`DeviceInfo::parse`].
fn assert_parts(cases: &[Parts<'_>]) {
    for (ua, browser, version, os, os_version) in cases {
        let info = DeviceInfo::parse(ua);
        assert_eq!(info.browser_name.as_deref(), Some(*browser), "{ua}\n{info:#?}");
        assert_eq!(info.browser_version.as_deref(), *version, "{ua}\n{info:#?}");
        assert_eq!(info.os_name.as_deref(), Some(*os), "{ua}\n{info:#?}");
        assert_eq!(info.os_version.as_deref(), *os_version, "{ua}\n{info:#?}");
    }
}

#[test]
fn safari_versions_come_from_version_never_from_webkit_builds() {
    assert_parts(&[
        // Version/ is Safari's version.
        (
            "Mozilla/5.0 (Windows; U; Windows NT 6.1; en-US) AppleWebKit/533.20.25 (KHTML, like Gecko) Version/5.0.4 Safari/533.20.27",
            "Safari",
            Some("5.0.4"),
            "Windows",
            Some("7"),
        ),
        // Mobile Safari without Version/: the iOS major, not "Safari 6533".
        (
            "Mozilla/5.0 (iPhone; U; CPU iPhone OS 4_3_3 like Mac OS X; en-us) AppleWebKit/533.17.9 (KHTML, like Gecko) Mobile/8J2 Safari/6533.18.5",
            "Safari",
            Some("4"),
            "iOS",
            Some("4.3.3"),
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 9_3_5 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13G36 Safari/601.1",
            "Safari",
            Some("9"),
            "iPadOS",
            Some("9.3.5"),
        ),
        // Desktop Safari without Version/: no version rather than a build…
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_3) AppleWebKit/534.53.11 (KHTML, like Gecko) Safari/7534.53.10",
            "Safari",
            None,
            "macOS",
            Some("10.7.3"),
        ),
        // …except Safari 1–2, whose builds are published.
        (
            "Mozilla/5.0 (Macintosh; U; PPC Mac OS X; en) AppleWebKit/125.2 (KHTML, like Gecko) Safari/125.8",
            "Safari",
            Some("1"),
            "macOS",
            None,
        ),
        (
            "Mozilla/5.0 (Macintosh; U; PPC Mac OS X; en) AppleWebKit/418.8 (KHTML, like Gecko) Safari/419.3",
            "Safari",
            Some("2"),
            "macOS",
            None,
        ),
    ]);
}

#[test]
fn firefox_code_names_are_firefox() {
    assert_parts(&[
        (
            "Mozilla/5.0 (X11; U; Linux i686; en-US; rv:1.9.1.1pre) Gecko/20090717 Ubuntu/9.04 (jaunty) Shiretoko/3.5.1pre",
            "Firefox",
            Some("3.5.1pre"),
            "Linux",
            None,
        ),
        (
            "Mozilla/5.0 (Windows; U; Windows NT 6.1; en-US; rv:1.9.3a1pre) Gecko/20100208 Minefield/3.7a1pre",
            "Firefox",
            Some("3.7a1pre"),
            "Windows",
            Some("7"),
        ),
        (
            "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; en-US; rv:1.9.2a1pre) Gecko/20090428 Namoroka/3.6a1pre",
            "Firefox",
            Some("3.6a1pre"),
            "macOS",
            Some("10.6"),
        ),
        (
            "Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1b2) Gecko/20060821 BonEcho/2.0b2",
            "Firefox",
            Some("2.0b2"),
            "Windows",
            Some("XP"),
        ),
        (
            "Mozilla/5.0 (X11; U; Linux i686; en-US; rv:1.9a1) Gecko/20060127 GranParadiso/3.0a1",
            "Firefox",
            Some("3.0a1"),
            "Linux",
            None,
        ),
        (
            "Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.13) Gecko/20101203 Iceweasel/3.6.13 (like Firefox/3.6.13)",
            "Firefox",
            Some("3.6.13"),
            "Linux",
            None,
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:2.0b8pre) Gecko/20101031 Firefox-4.0/4.0b8pre",
            "Firefox",
            Some("4.0b8pre"),
            "Linux",
            None,
        ),
    ]);
}

#[test]
fn internet_explorer_and_presto_opera_from_their_comments() {
    assert_parts(&[
        (
            "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
            "Internet Explorer",
            Some("11.0"),
            "Windows",
            Some("7"),
        ),
        // Compatibility view claims MSIE 7.0; Trident/6.0 is IE 10.
        (
            "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.2; Trident/6.0)",
            "Internet Explorer",
            Some("10.0"),
            "Windows",
            Some("8"),
        ),
        (
            "Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.16",
            "Opera",
            Some("12.16"),
            "Windows",
            Some("7"),
        ),
        (
            "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; en) Opera 8.54",
            "Opera",
            Some("8.54"),
            "Windows",
            Some("XP"),
        ),
    ]);
}

#[test]
fn os_families_from_the_comment() {
    assert_parts(&[
        // Any case: `CPU IPhone OS … Like Mac OS X`.
        (
            "Mozilla/5.0 (iPhone; CPU IPhone OS 8_1_3 Like Mac OS X) AppleWebKit/600.1.4 (KHTML, Like Gecko) CriOS/43.0.2357.61 Mobile/12B466 Safari/600.1.4",
            "Chrome",
            Some("43.0.2357.61"),
            "iOS",
            Some("8.1.3"),
        ),
        // Chrome/Edge for iOS on an iPad asking for the desktop site.
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Version/17.0 Safari/605.1.15",
            "Chrome",
            Some("120.0.6099.119"),
            "iPadOS",
            None,
        ),
        // Kindle Fire: Linux with an Android `Build/` field, or Silk.
        (
            "Mozilla/5.0 (Linux; U; en-us; KFTT Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) Silk/2.2 Safari/535.19 Silk-Accelerated=true",
            "Amazon Silk",
            Some("2.2"),
            "Android",
            None,
        ),
        (
            "Mozilla/5.0 (Windows; U; Windows NT 6.1; en-US; rv:1.9.2.28) Gecko/20120306 Firefox/3.6.28",
            "Firefox",
            Some("3.6.28"),
            "Windows",
            Some("7"),
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
            "Chrome",
            Some("137.0.0.0"),
            "ChromeOS",
            None,
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0",
            "Firefox",
            Some("139.0"),
            "Linux",
            None,
        ),
    ]);
}

#[test]
fn shapes_the_scanner_does_not_know_still_go_through_woothee() {
    // A Japanese feature phone: no comment the scanner can place.
    let docomo = DeviceInfo::parse("DoCoMo/2.0 SH01A(c100;TB;W24H16)");
    assert_eq!(docomo.device_type, DeviceType::Smartphone, "{docomo:#?}");
    let bot = DeviceInfo::parse(
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    );
    assert!(bot.is_bot(), "{bot:#?}");
    assert_eq!(bot.browser_name.as_deref(), Some("Googlebot"));
}

#[test]
fn every_prefix_and_suffix_of_real_user_agents_parses() {
    let uas = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MyApp/2.4.1 (iPhone15,2; iOS 19.5; build 241); Hotwire Native iOS; Turbo Native iOS",
        "Mozilla/5.0 (Windows; U; Windows NT 6.1; en-US; rv:1.9.3a1pre) Gecko/20100208 Minefield/3.7a1pre",
        "Opera/9.80 (Android; Opera Mini/7.6.35766/35.5706; U; en) Presto/2.8.119 Version/11.10",
        "Mozilla/5.0+(iPad;+CPU+OS+9_3_1+like+Mac+OS+X)+AppleWebKit/601.1.46+(KHTML,+like+Gecko)+Version/9.0+Mobile/13E238+Safari/601.1",
        "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/8.0; .NET4.0C)",
        "Mozilla/5.0 (Linux; U; en-us; KFTT Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) Silk/2.2 Safari/535.19 Silk-Accelerated=true",
    ];
    for ua in uas {
        for (i, _) in ua.char_indices() {
            let _ = DeviceInfo::parse(&ua[..i]);
            let _ = DeviceInfo::parse(&ua[i..]);
        }
    }
}

#[test]
fn the_system_a_non_browser_agent_names_is_its_os() {
    let os = |ua: &str| DeviceInfo::parse(ua).os_name;
    for (ua, want) in [
        ("curl/7.19.7 (x86_64-redhat-linux-gnu) libcurl/7.19.7 NSS/3.19.1", "Linux"),
        ("python-requests/1.2.3 CPython/2.7.3 Linux/3.5.0-23-generic", "Linux"),
        ("Deezer/4.8.2 (iOS; 7.1; Mobile; de)", "iOS"),
        ("Outlook-iOS/665.29827.prod.iphone (2.63.0)", "iOS"),
        ("iTunes/12.0.1 (Macintosh; OS X 10.9.2) AppleWebKit/537.74.9", "macOS"),
        ("Box Sync/4.0.7848;Darwin/10.13;i386/64bit", "macOS"),
        ("ICE Browser/5.05 (Java 1.4.0; Windows 2000 5.0 x86)", "Windows"),
        ("SalesforceMobileSDK/5.3.0 android mobile/8.0.0 (SM-G955F) Salesforce1/15.2", "Android"),
        // UC and QQ browsers on Android that say only "Linux".
        ("JUC (Linux; U; 2.3.6; zh-cn; GT-S7500; 320*480) UCWEB7.9.0.94/139/352", "Android"),
        ("QQBrowser (Linux; U; zh-cn; HTC Hero Build/FRF91)", "Android"),
        // A crawler keeps the system it claims.
        ("Mozilla/5.0 (X11; Datanyze; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/65.0.3325.181 Safari/537.36", "Linux"),
    ] {
        assert_eq!(os(ua).as_deref(), Some(want), "{ua}");
    }
    // Whole words only: a BIOS updater is not iOS, a "Studios" app not iOS.
    assert_eq!(os("FirmwareBIOSUpdater/1.0"), None);
    assert_eq!(os("MegaStudios/2.1 (build 7)"), None);
    // Desktop Linux stays Linux.
    assert_eq!(
        os("Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0").as_deref(),
        Some("Linux")
    );
}

#[test]
fn a_bare_version_is_android_only_right_after_linux_u() {
    // Mandriva's release in a second comment is not an Android version.
    let mandriva = DeviceInfo::parse(
        "Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.8.1.13) Gecko/20080208 Mandriva/2.0.0.13-1mdv2008.1 (2008.1) Firefox/2.0.0.13",
    );
    assert_eq!(mandriva.os_name.as_deref(), Some("Linux"), "{mandriva:#?}");
    let juc = DeviceInfo::parse("JUC(Linux;U;4.0.4;Zh_cn;GT-I9308;720*1280;)UCWEB7.7.0.85/139/999");
    assert_eq!(juc.os_name.as_deref(), Some("Android"), "{juc:#?}");
}
