//! The outermost service: refuses cross-site state-changing requests before
//! any session work, asks for client hints, and hardens the session
//! cookie's removal.

use std::task::{Context, Poll};

use axum::{body::Body, response::IntoResponse};
use http::{
    HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, Uri, header, uri::Authority,
};
use tower::Service;

use super::{BoxFuture, limit};
use crate::server::{Sessions, SessionsConfig};

/// Outermost service: rejects cross-site state-changing requests before any
/// session work, and hardens the session cookie's removal.
#[derive(Clone)]
pub struct Guard<S> {
    pub(super) sessions: Sessions,
    pub(super) inner: S,
}

impl<S> Service<Request<Body>> for Guard<S>
where
    S: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        let sessions = self.sessions.clone();
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let config = sessions.config();
            if config.cross_site_guard
                && is_state_changing(req.method())
                && let Err(why) = check_same_origin(req.uri(), req.headers(), config)
            {
                tracing::info!(method = %req.method(), path = %req.uri().path(), why, "cross-site request rejected");
                return Ok(forbidden());
            }
            limit::drop_ambiguous_session_cookie(req.headers_mut(), &config.session_cookie_name());
            // The library's server functions: a bounded body, typed statuses.
            let own_fn = limit::is_own_server_fn(req.uri().path());
            let typed = own_fn && !limit::accepts_html(req.headers());
            if own_fn {
                req = match limit::bounded(req).await {
                    Ok(req) => req,
                    Err(err) => return Ok(limit::server_fn_error(&err)),
                };
            }
            let mut res = inner.call(req).await?;
            if typed {
                res = limit::typed_status(res).await;
            }
            if config.request_client_hints {
                // Ask for the high-entropy hints the device parser uses; the
                // browser sends them from its next request on (login included).
                res.headers_mut().insert(
                    HeaderName::from_static("accept-ch"),
                    HeaderValue::from_static(ACCEPT_CH),
                );
            }
            // Most answers set no cookie at all: skip the work then.
            if res.headers().contains_key(header::SET_COOKIE) {
                harden_cookie_removal(
                    res.headers_mut(),
                    &config.session_cookie_name(),
                    config.cookie_attributes(),
                );
            }
            Ok(res)
        })
    }
}

/// The client hints requested with `Accept-CH` when
/// [`SessionsConfig::request_client_hints`](crate::server::SessionsConfig::request_client_hints) is on.
pub const ACCEPT_CH: &str = "Sec-CH-UA-Model, Sec-CH-UA-Platform-Version, Sec-CH-UA-Full-Version-List, Sec-CH-UA-Mobile, Sec-CH-UA-Platform";

fn forbidden() -> Response<Body> {
    (
        StatusCode::FORBIDDEN,
        [(header::CACHE_CONTROL, "no-store")],
        "Forbidden: cross-site request rejected",
    )
        .into_response()
}

/// Methods that may change state (everything but GET, HEAD, OPTIONS, TRACE).
pub fn is_state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Same-origin check for a state-changing request: `Sec-Fetch-Site:
/// cross-site` is refused; an `Origin` must be the app's own origin or an
/// allowed one (`null` never is); with neither header, a `Referer` is
/// checked the same way; with none at all (non-browser clients) it passes.
///
/// The app's own origin is [`SessionsConfig::public_origin`] when set.
/// Otherwise it is the request's authority — the URI's (HTTP/2
/// `:authority`, an absolute-form HTTP/1.1 target), else `Host` — with the
/// app's scheme: `https`; `http` too with `dev_insecure_cookies` or for a
/// loopback host (browsers treat `http://localhost` as a secure context).
/// The request's own scheme is not consulted: behind a TLS-terminating
/// proxy it names the proxy's hop, not the browser's. Scheme, host and
/// port are compared (default ports normalised, hosts case-insensitively);
/// [`SessionsConfig::allowed_origins`] must match exactly.
///
/// # Errors
/// A short reason for the log.
pub fn check_same_origin(
    uri: &Uri,
    headers: &HeaderMap,
    config: &SessionsConfig,
) -> Result<(), &'static str> {
    let sec_fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if sec_fetch_site.is_some_and(|v| v.eq_ignore_ascii_case("cross-site")) {
        return Err("sec-fetch-site: cross-site");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().map_err(|_| "malformed origin")?;
        return if is_own_or_allowed(origin, uri, headers, config) {
            Ok(())
        } else {
            Err("foreign origin")
        };
    }
    if sec_fetch_site.is_some() {
        return Ok(());
    }
    if let Some(referer) = headers.get(header::REFERER) {
        let referer = referer.to_str().map_err(|_| "malformed referer")?;
        let origin = referer_origin(referer).ok_or("malformed referer")?;
        return if is_own_or_allowed(origin, uri, headers, config) {
            Ok(())
        } else {
            Err("foreign referer")
        };
    }
    Ok(())
}

/// A parsed `scheme://host[:port]`: scheme and host lower-case, the port
/// explicit.
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl Origin {
    fn parse(origin: &str) -> Option<Self> {
        let origin = origin.trim();
        let (https, rest) = match origin.split_once("://")? {
            (scheme, rest) if scheme.eq_ignore_ascii_case("https") => (true, rest),
            (scheme, rest) if scheme.eq_ignore_ascii_case("http") => (false, rest),
            _ => return None,
        };
        let (host, port) = parse_authority(rest)?;
        Some(Self {
            https,
            host,
            port: port.unwrap_or(if https { 443 } else { 80 }),
        })
    }
}

/// `host[:port]` with nothing else (no user info, path or query).
fn parse_authority(authority: &str) -> Option<(String, Option<u16>)> {
    if authority.is_empty() || authority.contains(['@', '/', '?', '#']) {
        return None;
    }
    let parsed: Authority = authority.parse().ok()?;
    let host = parsed.host();
    if host.is_empty() {
        return None;
    }
    Some((host.to_ascii_lowercase(), parsed.port_u16()))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

fn is_own_or_allowed(origin: &str, uri: &Uri, headers: &HeaderMap, config: &SessionsConfig) -> bool {
    if origin.trim().eq_ignore_ascii_case("null") {
        return false;
    }
    let Some(origin) = Origin::parse(origin) else {
        return false;
    };
    if config
        .allowed_origins
        .iter()
        .chain(&config.public_origin)
        .any(|allowed| Origin::parse(allowed).is_some_and(|a| a == origin))
    {
        return true;
    }
    if config.public_origin.is_some() {
        return false;
    }
    // The request's authority: HTTP/2 `:authority` (and absolute-form
    // targets) live in the URI, which wins over `Host` (RFC 9112 §3.2.2).
    let authority = match uri.authority() {
        Some(a) => Some(a.as_str()),
        None => headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    };
    let Some((host, port)) = authority.and_then(|a| parse_authority(a.trim())) else {
        return false;
    };
    let scheme_ok = origin.https || config.dev_insecure_cookies || is_loopback(&host);
    let port = port.unwrap_or(if origin.https { 443 } else { 80 });
    scheme_ok && origin.host == host && origin.port == port
}

fn referer_origin(referer: &str) -> Option<&str> {
    let scheme_end = referer.find("://")? + 3;
    let rest = &referer[scheme_end..];
    let end = rest
        .find(['/', '?', '#'])
        .map_or(referer.len(), |i| scheme_end + i);
    Some(&referer[..end])
}

/// tower-sessions removes a cookie without `Secure`, which browsers refuse for
/// `__Host-` names; re-issue the removal with the full attribute set.
fn harden_cookie_removal(headers: &mut HeaderMap, name: &str, attributes: &str) {
    let prefix = format!("{name}=");
    if !headers
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| is_removal(v, &prefix))
    {
        return;
    }
    let values: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).iter().cloned().collect();
    headers.remove(header::SET_COOKIE);
    for value in values {
        if is_removal(&value, &prefix) {
            let removal = format!("{name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; {attributes}");
            if let Ok(v) = HeaderValue::from_str(&removal) {
                headers.append(header::SET_COOKIE, v);
            }
        } else {
            headers.append(header::SET_COOKIE, value);
        }
    }
}

fn is_removal(value: &HeaderValue, prefix: &str) -> bool {
    value
        .to_str()
        .is_ok_and(|v| v.starts_with(prefix) && v.contains("Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(*k, HeaderValue::from_static(v));
        }
        m
    }

    fn config(tweak: impl FnOnce(&mut SessionsConfig)) -> SessionsConfig {
        let mut config = SessionsConfig::new(crate::server::CookieKey::random());
        config.allowed_origins = vec!["https://app.example.com".to_owned()];
        tweak(&mut config);
        config
    }

    fn passes(config: &SessionsConfig, uri: &str, pairs: &[(&'static str, &'static str)]) -> bool {
        let uri: Uri = uri.parse().unwrap_or_default();
        check_same_origin(&uri, &h(pairs), config).is_ok()
    }

    #[test]
    fn case24_same_origin_rules() {
        let config = config(|_| {});
        let ok = |pairs| passes(&config, "/", pairs);
        assert!(ok(&[("host", "example.com"), ("origin", "https://example.com")]));
        assert!(ok(&[
            ("host", "api.example.com"),
            ("origin", "https://app.example.com")
        ]));
        assert!(!ok(&[("host", "example.com"), ("origin", "https://evil.com")]));
        assert!(!ok(&[("host", "example.com"), ("origin", "null")]));
        assert!(!ok(&[("host", "example.com"), ("sec-fetch-site", "cross-site")]));
        assert!(!ok(&[
            ("host", "example.com"),
            ("origin", "https://example.com.evil.com")
        ]));
        assert!(ok(&[
            ("host", "example.com"),
            ("referer", "https://example.com/settings?x=1")
        ]));
        assert!(!ok(&[
            ("host", "example.com"),
            ("referer", "https://evil.com/example.com")
        ]));
        assert!(ok(&[("host", "example.com")]));
        // Ports: default ones are the same origin, others are not.
        assert!(ok(&[
            ("host", "example.com:443"),
            ("origin", "https://example.com")
        ]));
        assert!(ok(&[
            ("host", "Example.COM"),
            ("origin", "https://example.com:443")
        ]));
        assert!(!ok(&[
            ("host", "example.com:8443"),
            ("origin", "https://example.com")
        ]));
        assert!(!ok(&[
            ("host", "example.com"),
            ("origin", "https://user@example.com")
        ]));
        // No authority at all: an Origin cannot be ours.
        assert!(!ok(&[("origin", "https://example.com")]));
    }

    #[test]
    fn case34_an_http2_authority_without_host_is_the_request_authority() {
        let config = config(|_| {});
        // HTTP/2 carries `:authority` in the URI and usually no `Host`.
        assert!(passes(
            &config,
            "https://example.com/api/revoke",
            &[("origin", "https://example.com")]
        ));
        assert!(!passes(
            &config,
            "https://example.com/api/revoke",
            &[("origin", "https://evil.example")]
        ));
        // The URI's authority wins over a `Host` that disagrees.
        assert!(!passes(
            &config,
            "https://example.com/",
            &[("host", "evil.example"), ("origin", "https://evil.example")]
        ));
    }

    #[test]
    fn case34_an_origin_differing_only_in_scheme_is_refused() {
        let config = config(|_| {});
        assert!(!passes(
            &config,
            "/",
            &[("host", "example.com"), ("origin", "http://example.com")]
        ));
        assert!(!passes(
            &config,
            "/",
            &[
                ("host", "example.com"),
                ("referer", "http://example.com/settings")
            ]
        ));
        assert!(!passes(
            &config,
            "/",
            &[("host", "api.example.com"), ("origin", "http://app.example.com")]
        ));
        // Loopback is a secure context over http (local development) …
        for host in ["127.0.0.1:3000", "localhost:3000", "[::1]:3000"] {
            let origin = match host {
                "127.0.0.1:3000" => "http://127.0.0.1:3000",
                "localhost:3000" => "http://localhost:3000",
                _ => "http://[::1]:3000",
            };
            assert!(
                passes(&config, "/", &[("host", host), ("origin", origin)]),
                "{host}"
            );
        }
        // … and dev mode is plain http, where https is no weaker.
        let dev = super::tests::config(|c| c.dev_insecure_cookies = true);
        assert!(passes(
            &dev,
            "/",
            &[("host", "example.com"), ("origin", "http://example.com")]
        ));
        assert!(passes(
            &dev,
            "/",
            &[("host", "example.com"), ("origin", "https://example.com")]
        ));
    }

    #[test]
    fn case34_a_public_origin_is_the_only_own_origin() {
        let config = config(|c| c.public_origin = Some("https://example.com".into()));
        let ok = |pairs| passes(&config, "/", pairs);
        assert!(ok(&[
            ("host", "internal:3000"),
            ("origin", "https://example.com")
        ]));
        assert!(ok(&[
            ("host", "internal:3000"),
            ("origin", "https://app.example.com")
        ]));
        assert!(!ok(&[
            ("host", "internal:3000"),
            ("origin", "http://internal:3000")
        ]));
        assert!(!ok(&[("host", "example.com"), ("origin", "http://example.com")]));
        assert!(!ok(&[
            ("host", "evil.example"),
            ("origin", "https://evil.example")
        ]));
    }

    #[test]
    fn removal_cookie_is_reissued_with_secure_attributes() {
        let mut headers = h(&[
            (
                "set-cookie",
                "__Host-session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            ),
            ("set-cookie", "other=1; Path=/"),
        ]);
        harden_cookie_removal(
            &mut headers,
            "__Host-session",
            "Path=/; Secure; HttpOnly; SameSite=Lax",
        );
        let cookies: Vec<_> = headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        assert_eq!(cookies.len(), 2);
        assert!(
            cookies.iter().any(|c| c.starts_with("__Host-session=;")
                && c.contains("Secure")
                && c.contains("Max-Age=0"))
        );
    }
}
