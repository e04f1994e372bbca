//! Cookie and id decoding on arbitrary bytes: the signed device cookie, the
//! `Cookie` header splitter, the session id as tower-sessions decodes it, and
//! the public handle check. Never panics; nothing forged verifies.

#![no_main]

use std::str::FromStr as _;

use http::{HeaderMap, HeaderValue, header};
use leptos_sessions::server::{
    CookieKey, IdHash, RequestInfo, SessionsConfig,
    fuzzing::{cookie_values, is_valid_handle},
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = CookieKey::new(b"fuzz-secret-fuzz-secret-fuzz-secret-0123".to_vec());
    let text = String::from_utf8_lossy(data);

    // A forged device cookie never verifies; a genuine one round-trips.
    assert!(key.verify(&text).is_none() || text.split_once('.').is_some());
    if let Some(id) = key.verify(&text) {
        assert_eq!(key.sign(&id), text);
    }

    // Handles: the check is total and only admits 32 lowercase hex digits.
    if is_valid_handle(&text) {
        assert!(text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    // Session ids as the cookie carries them; the hash is always 64 hex.
    if let Ok(id) = tower_sessions::session::Id::from_str(&text) {
        assert_eq!(IdHash::of(&id).as_str().len(), 64);
    }

    // Whole Cookie headers through the request reader.
    if let Ok(value) = HeaderValue::from_bytes(data) {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, value.clone());
        headers.append(header::COOKIE, value);
        let _ = cookie_values(&headers, "__Host-session").count();
        let config = SessionsConfig::new(key.clone());
        let info = RequestInfo::from_parts(&headers, None, &config);
        assert!(info.device_id.is_none() || info.device_id.as_deref().is_some_and(|id| id.len() == 32));
    }
});
