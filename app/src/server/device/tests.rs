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
