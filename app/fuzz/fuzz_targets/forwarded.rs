//! `Forwarded` / `X-Forwarded-For` / `X-Real-IP` / `CF-Connecting-IP`
//! parsing and client-IP selection on arbitrary header values, for every
//! client-IP source. Never panics; the chain is bounded (the right-most 64
//! hops); the answer is always canonical (no IPv4-mapped IPv6), for an
//! untrusted peer the peer itself, and never a hop written to the left of
//! an untrusted one the proxy appended.

#![no_main]

use std::net::IpAddr;

use http::{HeaderMap, HeaderName, HeaderValue};
use leptos_sessions::server::{
    IpMode, IpNet,
    fuzzing::{anonymize, client_ip, forwarded_chain},
};
use libfuzzer_sys::fuzz_target;

const HEADERS: [&str; 4] = ["forwarded", "x-forwarded-for", "x-real-ip", "cf-connecting-ip"];

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for (i, chunk) in data.split(|b| *b == b'\n').take(8).enumerate() {
        if let Ok(value) = HeaderValue::from_bytes(chunk) {
            headers.append(HeaderName::from_static(HEADERS[i % HEADERS.len()]), value);
        }
    }
    let trusted: Vec<IpNet> = ["10.0.0.0/8", "::1/128"]
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    let proxy: IpAddr = [10, 0, 0, 1].into();
    let outsider: IpAddr = [203, 0, 113, 9].into();
    let client: IpAddr = [81, 2, 69, 142].into();
    for name in HEADERS.iter().copied().chain(["peer"]) {
        let Ok(source) = name.parse() else {
            panic!("{name} is a client-IP source");
        };
        let chain = forwarded_chain(&headers, &source);
        assert!(chain.len() <= 64);

        let ip = client_ip(Some(proxy), &headers, &trusted, &source);
        match ip {
            Some(IpAddr::V6(v6)) => assert!(v6.to_ipv4_mapped().is_none(), "not canonical: {v6}"),
            Some(IpAddr::V4(_)) => {}
            None => panic!("a peer always gives an address"),
        }
        assert_eq!(
            client_ip(Some(outsider), &headers, &trusted, &source),
            Some(outsider)
        );
        if let Some(ip) = ip {
            let truncated = anonymize(ip, IpMode::Truncated);
            assert_eq!(anonymize(truncated, IpMode::Truncated), truncated);
        }

        // Whatever the client wrote, the untrusted hop the proxy appends last wins.
        if matches!(name, "forwarded" | "x-forwarded-for") {
            let mut appended = headers.clone();
            let hop = if name == "forwarded" { "for=81.2.69.142" } else { "81.2.69.142" };
            appended.append(HeaderName::from_static(name), HeaderValue::from_static(hop));
            assert_eq!(
                client_ip(Some(proxy), &appended, &trusted, &source),
                Some(client)
            );
        }
    }
});
