//! What the library reads from a request: client IP (behind trusted proxies
//! only), user agent, the signed device cookie and client headers.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use http::{HeaderMap, header};

use crate::server::config::{ClientIpSource, IpMode, IpNet, SessionsConfig};

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
    /// The location a CDN's headers give, when
    /// [`SessionsConfig::geo_headers`] is set.
    pub header_geo: Option<crate::server::GeoInfo>,
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
        let ip = client_ip(
            peer.map(|p| p.ip()),
            headers,
            &config.trusted_proxies,
            &config.client_ip_source,
        )
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
        let header_geo = config.geo_headers.as_ref().and_then(|h| h.read(headers));
        Self {
            ip,
            user_agent,
            device_id,
            device_headers,
            request_id,
            header_geo,
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

/// Hops read from the right of a list header, at most: a client can write
/// any number of entries to the left of the proxy's, never to its right.
pub const MAX_HOPS: usize = 64;

/// The client IP per `source`: the socket peer, unless the peer is a trusted
/// proxy, in which case the header that proxy sets decides. A list header
/// (`X-Forwarded-For`, `Forwarded`) is walked right to left: trusted hops
/// are skipped and the first untrusted address is the client; a hop that
/// does not parse (`unknown`, an obfuscated name) stops the walk at the
/// closest address known. A single-value header (`X-Real-IP`,
/// `CF-Connecting-IP`) is the proxy's own statement: its last value. A
/// [`ClientIpSource::Custom`] closure is asked whatever the peer. Always
/// canonical (no IPv4-mapped IPv6); `None` only without a peer.
pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpNet],
    source: &ClientIpSource,
) -> Option<IpAddr> {
    let peer = peer.map(|p| p.to_canonical());
    if let ClientIpSource::Custom(resolve) = source {
        return resolve(peer, headers).map(|ip| ip.to_canonical()).or(peer);
    }
    let peer = peer?;
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut chain = forwarded_chain(headers, source);
    if matches!(source, ClientIpSource::XRealIp | ClientIpSource::CfConnectingIp) {
        return Some(chain.pop().flatten().unwrap_or(peer));
    }
    // From the closest hop outwards; the first untrusted address is the client.
    let mut closest_known = peer;
    while let Some(hop) = chain.pop() {
        match hop {
            Some(ip) if is_trusted(ip) => closest_known = ip,
            Some(ip) => return Some(ip),
            // Unparseable: nobody to believe behind it.
            None => return Some(closest_known),
        }
    }
    Some(closest_known)
}

/// The addresses of the header `source` names, left (furthest) to right
/// (closest proxy): the right-most `MAX_HOPS` (64) entries of a list header,
/// the last value of a single-value one, nothing for the peer or a closure.
/// `None` entries are hops that did not parse (a `Forwarded` element
/// without `for=` included).
pub fn forwarded_chain(headers: &HeaderMap, source: &ClientIpSource) -> Vec<Option<IpAddr>> {
    let Some(name) = source.header_name() else {
        return Vec::new();
    };
    let take = match source {
        ClientIpSource::XForwardedFor | ClientIpSource::Forwarded => MAX_HOPS,
        _ => 1,
    };
    let forwarded = matches!(source, ClientIpSource::Forwarded);
    // Header lines in order form one list (RFC 9110 §5.3): walk it backwards,
    // on bytes, so that a non-UTF-8 entry written by the client costs only
    // its own hop.
    let mut chain: Vec<Option<IpAddr>> = headers
        .get_all(name)
        .iter()
        .rev()
        .flat_map(|v| v.as_bytes().rsplit(|b| *b == b','))
        .take(take)
        .map(|entry| {
            let entry = std::str::from_utf8(entry).ok()?.trim();
            if forwarded {
                forwarded_for(entry)
            } else {
                parse_node(entry)
            }
        })
        .collect();
    chain.reverse();
    chain
}

/// The `for=` node of one `Forwarded` element.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_forwarded_node(v.trim()))
    })?
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

    const XFF: ClientIpSource = ClientIpSource::XForwardedFor;
    const FORWARDED: ClientIpSource = ClientIpSource::Forwarded;

    #[test]
    fn case27_forwarded_for_from_untrusted_peer_is_ignored() -> anyhow::Result<()> {
        let h = headers(&[("x-forwarded-for", "1.2.3.4")]);
        let peer: IpAddr = "203.0.113.9".parse()?;
        assert_eq!(client_ip(Some(peer), &h, &[], &XFF), Some(peer));
        let trusted = vec!["203.0.113.0/24".parse()?];
        assert_eq!(
            client_ip(Some(peer), &h, &trusted, &XFF),
            Some("1.2.3.4".parse()?)
        );
        assert_eq!(
            client_ip(Some(peer), &h, &trusted, &ClientIpSource::Peer),
            Some(peer),
            "the socket peer reads no header"
        );
        Ok(())
    }

    #[test]
    fn forwarded_chain_skips_trusted_hops_and_spoofed_prefixes() -> anyhow::Result<()> {
        let trusted = vec!["10.0.0.0/8".parse()?];
        let proxy = Some("10.0.0.1".parse()?);
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 81.2.69.142, 10.0.0.2")]);
        assert_eq!(client_ip(proxy, &h, &trusted, &XFF), Some("81.2.69.142".parse()?));
        let h = headers(&[("forwarded", "for=\"[2001:db8::1]:443\";proto=https, for=10.1.1.1")]);
        assert_eq!(
            client_ip(proxy, &h, &trusted, &FORWARDED),
            Some("2001:db8::1".parse()?)
        );
        let h = headers(&[("x-forwarded-for", "garbage")]);
        assert_eq!(client_ip(proxy, &h, &trusted, &XFF), proxy);
        // Every hop trusted (an internal client): the furthest one.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.2")]);
        assert_eq!(client_ip(proxy, &h, &trusted, &XFF), Some("10.9.9.9".parse()?));
        Ok(())
    }

    #[test]
    fn case33_a_client_written_forwarded_never_wins_over_the_proxys_x_forwarded_for() -> anyhow::Result<()> {
        let trusted = vec!["10.0.0.0/8".parse()?];
        let proxy = Some("10.0.0.1".parse()?);
        // nginx appends to X-Forwarded-For and passes the client's Forwarded through.
        let h = headers(&[
            ("forwarded", "for=6.6.6.6"),
            ("x-forwarded-for", "7.7.7.7, 81.2.69.142"),
        ]);
        assert_eq!(
            client_ip(proxy, &h, &trusted, &ClientIpSource::default()),
            Some("81.2.69.142".parse()?)
        );
        // And the other way round, for a proxy that appends `Forwarded`.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("forwarded", "for=7.7.7.7, for=81.2.69.142;proto=https"),
        ]);
        assert_eq!(
            client_ip(proxy, &h, &trusted, &FORWARDED),
            Some("81.2.69.142".parse()?)
        );
        Ok(())
    }

    #[test]
    fn case33_padding_never_pushes_the_proxys_entry_out() -> anyhow::Result<()> {
        let trusted = vec!["10.0.0.0/8".parse()?];
        let proxy = Some("10.0.0.1".parse()?);
        for n in [63, 64, 65, 1000] {
            let padding = vec!["6.6.6.6"; n].join(", ");
            // In the client's own header line, or a line of its own before the proxy's.
            let joined = format!("{padding}, 81.2.69.142, 10.0.0.7");
            for h in [
                headers(&[("x-forwarded-for", joined.as_str())]),
                headers(&[
                    ("x-forwarded-for", padding.as_str()),
                    ("x-forwarded-for", "81.2.69.142, 10.0.0.7"),
                ]),
            ] {
                assert_eq!(
                    client_ip(proxy, &h, &trusted, &XFF),
                    Some("81.2.69.142".parse()?),
                    "{n}"
                );
            }
            let fwd = format!("{}, for=81.2.69.142", vec!["for=6.6.6.6"; n].join(", "));
            let h = headers(&[("forwarded", fwd.as_str())]);
            assert_eq!(
                client_ip(proxy, &h, &trusted, &FORWARDED),
                Some("81.2.69.142".parse()?),
                "{n}"
            );
        }
        // A non-UTF-8 entry written by the client costs only its own hop.
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff\xfe, 81.2.69.142")?,
        );
        assert_eq!(client_ip(proxy, &h, &trusted, &XFF), Some("81.2.69.142".parse()?));
        Ok(())
    }

    #[test]
    fn single_value_headers_and_a_host_closure() -> anyhow::Result<()> {
        let trusted = vec!["10.0.0.0/8".parse()?];
        let proxy = Some("10.0.0.1".parse()?);
        let outsider = Some("203.0.113.9".parse()?);
        let h = headers(&[
            ("x-real-ip", "6.6.6.6"),
            ("x-real-ip", "81.2.69.142"),
            ("cf-connecting-ip", "2001:db8::7"),
            ("x-forwarded-for", "9.9.9.9"),
        ]);
        assert_eq!(
            client_ip(proxy, &h, &trusted, &ClientIpSource::XRealIp),
            Some("81.2.69.142".parse()?),
            "the proxy's (last) value"
        );
        assert_eq!(
            client_ip(proxy, &h, &trusted, &ClientIpSource::CfConnectingIp),
            Some("2001:db8::7".parse()?)
        );
        assert_eq!(
            client_ip(outsider, &h, &trusted, &ClientIpSource::XRealIp),
            outsider
        );
        let h = headers(&[("x-real-ip", "nonsense")]);
        assert_eq!(client_ip(proxy, &h, &trusted, &ClientIpSource::XRealIp), proxy);
        let custom = ClientIpSource::Custom(std::sync::Arc::new(|_, h: &HeaderMap| {
            h.get("x-client-address")?.to_str().ok()?.parse().ok()
        }));
        let h = headers(&[("x-client-address", "::ffff:81.2.69.142")]);
        assert_eq!(
            client_ip(outsider, &h, &[], &custom),
            Some("81.2.69.142".parse()?)
        );
        assert_eq!(client_ip(outsider, &HeaderMap::new(), &[], &custom), outsider);
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
        assert_eq!(client_ip(proxy, &h, &trusted, &XFF), Some("81.2.69.142".parse()?));
        let h = headers(&[("forwarded", "for=192.0.2.60:4711;proto=http;by=203.0.113.43")]);
        assert_eq!(
            client_ip(proxy, &h, &trusted, &FORWARDED),
            Some("192.0.2.60".parse()?)
        );
        // RFC 7239 "unknown", obfuscated identifiers and elements without
        // `for=`: nobody to believe behind them; the closest known hop.
        for (value, expected) in [
            ("for=6.6.6.6, for=unknown", "10.0.0.1"),
            ("for=6.6.6.6, for=_hidden, for=10.0.0.3", "10.0.0.3"),
            ("for=6.6.6.6, proto=https", "10.0.0.1"),
            ("for=\"[::1\"", "10.0.0.1"),
        ] {
            let h = headers(&[("forwarded", value)]);
            assert_eq!(
                client_ip(proxy, &h, &trusted, &FORWARDED),
                Some(expected.parse()?),
                "{value}"
            );
        }
        // A mapped peer is canonicalized before the trust check.
        let mapped = Some("::ffff:10.0.0.1".parse()?);
        let h = headers(&[("x-forwarded-for", "81.2.69.142")]);
        assert_eq!(
            client_ip(mapped, &h, &trusted, &XFF),
            Some("81.2.69.142".parse()?)
        );
        Ok(())
    }

    #[test]
    fn forwarded_chain_is_bounded() {
        let long = vec!["1.2.3.4"; 10_000].join(",");
        let h = headers(&[("x-forwarded-for", long.as_str())]);
        assert_eq!(forwarded_chain(&h, &XFF).len(), MAX_HOPS);
        assert!(forwarded_chain(&h, &FORWARDED).is_empty());
        assert!(forwarded_chain(&h, &ClientIpSource::Peer).is_empty());
        assert_eq!(client_ip(None, &h, &[], &XFF), None, "no peer, no address");
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
