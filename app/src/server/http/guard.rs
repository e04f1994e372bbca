//! The outermost service: refuses cross-site state-changing requests before
//! any session work, asks for client hints, and hardens the session
//! cookie's removal.

use std::task::{Context, Poll};

use axum::{body::Body, response::IntoResponse};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, header};
use tower::Service;

use super::BoxFuture;
use crate::server::Sessions;

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

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let sessions = self.sessions.clone();
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let config = sessions.config();
            if config.cross_site_guard
                && is_state_changing(req.method())
                && let Err(why) = check_same_origin(req.headers(), &config.allowed_origins)
            {
                tracing::info!(method = %req.method(), path = %req.uri().path(), why, "cross-site request rejected");
                return Ok(forbidden());
            }
            let mut res = inner.call(req).await?;
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
/// cross-site` is refused; an `Origin` must be the request's own host or an
/// allowed origin (`null` never is); with neither header, a `Referer` is
/// checked the same way; with none at all (non-browser clients) it passes.
///
/// # Errors
/// A short reason for the log.
pub fn check_same_origin(headers: &HeaderMap, allowed: &[String]) -> Result<(), &'static str> {
    let sec_fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if sec_fetch_site.is_some_and(|v| v.eq_ignore_ascii_case("cross-site")) {
        return Err("sec-fetch-site: cross-site");
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().map_err(|_| "malformed origin")?;
        return if origin_matches(origin, host, allowed) {
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
        return if origin_matches(origin, host, allowed) {
            Ok(())
        } else {
            Err("foreign referer")
        };
    }
    Ok(())
}

fn origin_matches(origin: &str, host: Option<&str>, allowed: &[String]) -> bool {
    let origin = origin.trim();
    if origin.eq_ignore_ascii_case("null") {
        return false;
    }
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let Some(authority) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    host.is_some_and(|h| {
        !authority.is_empty() && !authority.contains('/') && authority.eq_ignore_ascii_case(h.trim())
    })
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

    #[test]
    fn case24_same_origin_rules() {
        let allowed = vec!["https://app.example.com".to_owned()];
        let ok = |pairs| check_same_origin(&h(pairs), &allowed).is_ok();
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
