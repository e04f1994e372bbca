//! What the library reads from a request: client IP (behind trusted proxies
//! only), user agent, the signed device cookie and client headers.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use http::{HeaderMap, header};

use crate::server::config::{IpMode, IpNet, SessionsConfig};

/// The request facts the tracker records. No secrets in here.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// Client IP, canonicalized and truncated per [`IpMode`].
    pub ip: Option<IpAddr>,
    /// User agent, capped to `max_user_agent_len` characters.
    pub user_agent: Option<String>,
    /// The verified browser-continuity id, if the cookie is present and genuine.
    pub device_id: Option<String>,
    /// Headers used by device parsing (client hints, `X-Client-*`), lower-case names.
    pub device_headers: Vec<(String, String)>,
    /// Request id (`X-Request-Id`), when present and sane.
    pub request_id: Option<String>,
}

const DEVICE_HEADERS: &[&str] = &[
    "x-client-platform",
    "x-client-version",
    "x-client-build",
    "x-client-os",
    "sec-ch-ua",
    "sec-ch-ua-mobile",
    "sec-ch-ua-model",
    "sec-ch-ua-platform",
    "sec-ch-ua-platform-version",
    "sec-ch-ua-full-version-list",
];

impl RequestInfo {
    /// Collects the request facts.
    pub fn from_parts(headers: &HeaderMap, peer: Option<SocketAddr>, config: &SessionsConfig) -> Self {
        let ip = client_ip(peer.map(|p| p.ip()), headers, &config.trusted_proxies)
            .map(|ip| anonymize(ip, config.ip_mode));
        let user_agent = headers
            .get(header::USER_AGENT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .map(|ua| cap_chars(ua.trim(), config.max_user_agent_len))
            .filter(|ua| !ua.is_empty());
        let device_id =
            cookie_values(headers, &config.device_cookie_full_name()).find_map(|v| config.secret.verify(v));
        let device_headers = DEVICE_HEADERS
            .iter()
            .filter_map(|name| {
                let v = headers.get(*name)?.to_str().ok()?.trim();
                (!v.is_empty() && v.len() <= 256).then(|| ((*name).to_owned(), v.to_owned()))
            })
            .collect();
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
            })
            .map(str::to_owned);
        Self {
            ip,
            user_agent,
            device_id,
            device_headers,
            request_id,
        }
    }

    /// A device header by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.device_headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Keeps at most `max` characters (not bytes) of `s`.
pub fn cap_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((idx, _)) => s[..idx].to_owned(),
        None => s.to_owned(),
    }
}

/// All values of cookie `name` across the request's `Cookie` headers.
pub fn cookie_values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(move |pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k.trim() == name).then(|| v.trim().trim_matches('"'))
        })
}

/// The client IP: the socket peer, unless the peer is a trusted proxy, in which
/// case the right-most untrusted address of `Forwarded` / `X-Forwarded-For`.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut chain = forwarded_chain(headers);
    // Walk from the closest hop outwards; the first untrusted address is the client.
    while let Some(hop) = chain.pop() {
        match hop {
            Some(ip) if is_trusted(ip) => continue,
            Some(ip) => return Some(ip),
            // An unparseable hop: we cannot know who is behind it; stop at it.
            None => return Some(peer),
        }
    }
    Some(peer)
}

/// Addresses from `Forwarded` (preferred) or `X-Forwarded-For`, left (client)
/// to right (closest proxy). `None` entries are hops that did not parse.
pub fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all(header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .take(64)
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.trim().split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| parse_forwarded_node(v.trim()))
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .take(64)
        .map(|s| parse_node(s.trim()))
        .collect()
}

fn parse_forwarded_node(v: &str) -> Option<IpAddr> {
    let v = v.trim_matches('"');
    // [v6]:port or [v6]
    if let Some(rest) = v.strip_prefix('[') {
        let end = rest.find(']')?;
        return rest[..end]
            .parse::<Ipv6Addr>()
            .ok()
            .map(|ip| IpAddr::V6(ip).to_canonical());
    }
    parse_node(v)
}

fn parse_node(v: &str) -> Option<IpAddr> {
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sock) = v.parse::<SocketAddr>() {
        return Some(sock.ip().to_canonical());
    }
    None
}

/// Applies the IP mode: truncation zeroes the last IPv4 octet / last 80 IPv6 bits.
pub fn anonymize(ip: IpAddr, mode: IpMode) -> IpAddr {
    let ip = ip.to_canonical();
    match (mode, ip) {
        (IpMode::Full, ip) => ip,
        (IpMode::Truncated, IpAddr::V4(v4)) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::V4(Ipv4Addr::new(a, b, c, 0))
        }
        (IpMode::Truncated, IpAddr::V6(v6)) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 80))),
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.append(*k, v);
            }
        }
        h
    }

    #[test]
    fn case27_forwarded_for_from_untrusted_peer_is_ignored() -> anyhow::Result<()> {
        let h = headers(&[("x-forwarded-for", "1.2.3.4")]);
        let peer: IpAddr = "203.0.113.9".parse()?;
        assert_eq!(client_ip(Some(peer), &h, &[]), Some(peer));
        let trusted = vec!["203.0.113.0/24".parse()?];
        assert_eq!(client_ip(Some(peer), &h, &trusted), Some("1.2.3.4".parse()?));
        Ok(())
    }

    #[test]
    fn forwarded_chain_skips_trusted_hops_and_spoofed_prefixes() -> anyhow::Result<()> {
        let trusted = vec!["10.0.0.0/8".parse()?];
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 81.2.69.142, 10.0.0.2")]);
        assert_eq!(
            client_ip(Some("10.0.0.1".parse()?), &h, &trusted),
            Some("81.2.69.142".parse()?)
        );
        let h = headers(&[("forwarded", "for=\"[2001:db8::1]:443\";proto=https, for=10.1.1.1")]);
        assert_eq!(
            client_ip(Some("10.0.0.1".parse()?), &h, &trusted),
            Some("2001:db8::1".parse()?)
        );
        let h = headers(&[("x-forwarded-for", "garbage")]);
        assert_eq!(
            client_ip(Some("10.0.0.1".parse()?), &h, &trusted),
            Some("10.0.0.1".parse()?)
        );
        Ok(())
    }

    #[test]
    fn case27_mapped_ipv6_is_canonicalized_and_truncation_zeroes_bits() -> anyhow::Result<()> {
        let mapped: IpAddr = "::ffff:81.2.69.142".parse()?;
        assert_eq!(anonymize(mapped, IpMode::Full), "81.2.69.142".parse::<IpAddr>()?);
        assert_eq!(
            anonymize(mapped, IpMode::Truncated),
            "81.2.69.0".parse::<IpAddr>()?
        );
        let v6: IpAddr = "2001:db8:1234:5678:9abc:def0:1234:5678".parse()?;
        assert_eq!(
            anonymize(v6, IpMode::Truncated),
            "2001:db8:1234::".parse::<IpAddr>()?
        );
        Ok(())
    }

    #[test]
    fn forwarded_hops_are_canonical_ports_stripped_and_obfuscated_ones_stop_the_walk() -> anyhow::Result<()> {
        let trusted = vec!["10.0.0.0/8".parse()?];
        let proxy = Some("10.0.0.1".parse()?);
        let h = headers(&[("x-forwarded-for", "::ffff:81.2.69.142")]);
        assert_eq!(client_ip(proxy, &h, &trusted), Some("81.2.69.142".parse()?));
        let h = headers(&[("forwarded", "for=192.0.2.60:4711;proto=http;by=203.0.113.43")]);
        assert_eq!(client_ip(proxy, &h, &trusted), Some("192.0.2.60".parse()?));
        // RFC 7239 "unknown" and obfuscated identifiers: nobody to believe behind them.
        for value in ["for=unknown", "for=_hidden, for=10.0.0.3", "for=\"[::1\""] {
            let h = headers(&[("forwarded", value)]);
            assert_eq!(client_ip(proxy, &h, &trusted), proxy, "{value}");
        }
        // `Forwarded` wins over `X-Forwarded-For` when both are present.
        let h = headers(&[("forwarded", "for=198.51.100.7"), ("x-forwarded-for", "6.6.6.6")]);
        assert_eq!(client_ip(proxy, &h, &trusted), Some("198.51.100.7".parse()?));
        // A mapped peer is canonicalized before the trust check.
        let mapped = Some("::ffff:10.0.0.1".parse()?);
        let h = headers(&[("x-forwarded-for", "81.2.69.142")]);
        assert_eq!(client_ip(mapped, &h, &trusted), Some("81.2.69.142".parse()?));
        Ok(())
    }

    #[test]
    fn forwarded_chain_is_bounded() {
        let long = vec!["1.2.3.4"; 10_000].join(",");
        let h = headers(&[("x-forwarded-for", long.as_str())]);
        assert_eq!(forwarded_chain(&h).len(), 64);
        assert_eq!(client_ip(None, &h, &[]), None, "no peer, no address");
    }

    #[test]
    fn user_agent_is_capped_by_characters() {
        assert_eq!(cap_chars("ñandú", 3), "ñan");
        assert_eq!(cap_chars(&"a".repeat(100_000), 1024).len(), 1024);
    }

    #[test]
    fn cookie_values_handle_duplicates_and_junk() {
        let h = headers(&[("cookie", "a=1; b=2; a=3"), ("cookie", "junk; ;=; a=\"4\"")]);
        assert_eq!(cookie_values(&h, "a").collect::<Vec<_>>(), vec!["1", "3", "4"]);
    }
}
