//! The device parser on arbitrary input: first line the user agent, further
//! lines `name: value` device headers. Never panics; only the first 1024
//! characters of the user agent matter.

#![no_main]

use leptos_sessions::server::{DeviceInfo, DeviceOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let ua = lines.next().unwrap_or("");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let options = DeviceOptions {
        native_app_names: vec!["MyApp".to_owned(), "".to_owned(), "My App".to_owned()],
        client_hints: true,
    };
    let info = DeviceInfo::parse_with(ua, &headers, &options);
    assert!(!info.display_name().is_empty());
    if let Some(hints) = &info.client_hints {
        assert!(hints.starts_with('{') && hints.ends_with('}'));
    }

    let capped: String = ua.chars().take(1024).collect();
    assert_eq!(DeviceInfo::parse(ua), DeviceInfo::parse(&capped));
});
