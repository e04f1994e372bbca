//! `Forwarded` / `X-Forwarded-For` parsing and client-IP selection on
//! arbitrary header values. Never panics; the chain is bounded; the answer
//! is always canonical (no IPv4-mapped IPv6) and, for an untrusted peer,
//! the peer itself.

#![no_main]

use std::net::IpAddr;

use http::{HeaderMap, HeaderName, HeaderValue, header};
use leptos_sessions::server::{
    IpMode, IpNet,
    fuzzing::{anonymize, client_ip, forwarded_chain},
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for (i, chunk) in data.split(|b| *b == b'\n').take(8).enumerate() {
        if let Ok(value) = HeaderValue::from_bytes(chunk) {
            let name = if i % 2 == 0 {
                header::FORWARDED
            } else {
                HeaderName::from_static("x-forwarded-for")
            };
            headers.append(name, value);
        }
    }
    let chain = forwarded_chain(&headers);
    assert!(chain.len() <= 64);

    let trusted: Vec<IpNet> = ["10.0.0.0/8", "::1/128"]
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    let proxy: IpAddr = [10, 0, 0, 1].into();
    let outsider: IpAddr = [203, 0, 113, 9].into();
    let ip = client_ip(Some(proxy), &headers, &trusted);
    match ip {
        Some(IpAddr::V6(v6)) => assert!(v6.to_ipv4_mapped().is_none(), "not canonical: {v6}"),
        Some(IpAddr::V4(_)) => {}
        None => panic!("a peer always gives an address"),
    }
    assert_eq!(client_ip(Some(outsider), &headers, &trusted), Some(outsider));
    if let Some(ip) = ip {
        let truncated = anonymize(ip, IpMode::Truncated);
        assert_eq!(anonymize(truncated, IpMode::Truncated), truncated);
    }
});
