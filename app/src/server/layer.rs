//! The axum layer: a cross-site guard, the tower-sessions cookie manager on
//! the registry store, and the per-request tracker (revocation, timeouts,
//! throttled touch).

use std::{
    future::Future,
    net::SocketAddr,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use axum::{body::Body, extract::ConnectInfo, response::IntoResponse};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, header};
use tower::{Layer, Service};
use tower_sessions::{
    Expiry, Session, SessionManagerLayer,
    cookie::{SameSite, time::Duration as CookieDuration},
};

use super::{
    EventKind, Sessions,
    clock::duration_ms,
    context::{CurrentSession, apply_effects},
    db,
    events::NewEvent,
    ids::IdHash,
    store::{ROW_KEY, RegistryStore, RowMeta},
};

/// The layer returned by [`Sessions::layer`]. Wrap the whole host router in it.
#[derive(Clone)]
pub struct SessionsLayer {
    sessions: Sessions,
    manager: SessionManagerLayer<RegistryStore>,
}

impl std::fmt::Debug for SessionsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionsLayer").finish_non_exhaustive()
    }
}

impl SessionsLayer {
    pub(crate) fn new(sessions: Sessions) -> Self {
        let config = sessions.config();
        let ttl = CookieDuration::seconds(i64::try_from(config.session_ttl.as_secs()).unwrap_or(i64::MAX));
        let manager = SessionManagerLayer::new(sessions.store().clone())
            .with_name(config.session_cookie_name())
            .with_secure(!config.dev_insecure_cookies)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(ttl));
        Self { sessions, manager }
    }
}

impl<S> Layer<S> for SessionsLayer
where
    SessionManagerLayer<RegistryStore>: Layer<Tracker<S>>,
{
    type Service = Guard<<SessionManagerLayer<RegistryStore> as Layer<Tracker<S>>>::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        let tracker = Tracker {
            sessions: self.sessions.clone(),
            inner,
        };
        Guard {
            sessions: self.sessions.clone(),
            inner: self.manager.layer(tracker),
        }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Outermost service: rejects cross-site state-changing requests before any
/// session work, and hardens the session cookie's removal.
#[derive(Clone)]
pub struct Guard<S> {
    sessions: Sessions,
    inner: S,
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
/// [`super::SessionsConfig::request_client_hints`] is on.
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

/// Innermost service: resolves the session row (one indexed read), enforces
/// revocation and timeouts, touches `last_seen_at`, and exposes
/// [`CurrentSession`] to handlers and server functions.
#[derive(Clone)]
pub struct Tracker<S> {
    sessions: Sessions,
    inner: S,
}

impl<S> Service<Request<Body>> for Tracker<S>
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
        let config = sessions.config();
        sessions
            .store()
            .enable_cache(config.registry_cache, config.registry_cache_capacity);
        Box::pin(async move {
            let Some(session) = req.extensions().get::<Session>().cloned() else {
                return inner.call(req).await;
            };
            let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
            let current = CurrentSession::new(sessions.clone(), session, req.headers().clone(), peer);
            if let Err(Unavailable) = resume(&sessions, &current).await {
                return Ok(unavailable());
            }
            let state_changing = is_state_changing(req.method());
            req.extensions_mut().insert(current.clone());
            let mut res = inner.call(req).await?;
            apply_effects(&current, &mut res);
            if state_changing && sessions.store().needs_fence() {
                // Whatever this request revoked (through the library or the
                // host's own code) is refused by every instance before the
                // response leaves (PostgreSQL with several instances).
                sessions.store().fence().await;
            }
            Ok(res)
        })
    }
}

struct Unavailable;

fn unavailable() -> Response<Body> {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5"), (header::CACHE_CONTROL, "no-store")],
        "Service temporarily unavailable: the session store cannot be reached. Please retry.",
    )
        .into_response()
}

/// Resolves the session of a request. A missing row (revoked, expired,
/// unknown id) is an anonymous request; an unreachable store is `Unavailable`
/// (the cookie is kept, nobody is logged out by an outage).
async fn resume(sessions: &Sessions, current: &CurrentSession) -> Result<(), Unavailable> {
    let session = current.session();
    let Some(id) = session.id() else {
        return Ok(()); // no (well-formed) cookie: anonymous, no database read
    };
    let meta: Option<RowMeta> = match session.get(ROW_KEY).await {
        Ok(meta) => meta,
        Err(err) => {
            tracing::error!(error = %err, "leptos-sessions: cannot load session");
            return Err(Unavailable);
        }
    };
    let Some(meta) = meta else {
        return Ok(()); // no row: remote logout / expired / never existed
    };
    let id_hash = IdHash::of(&id);
    if meta.user_id.is_none() {
        return Ok(());
    }
    let config = sessions.config();
    let now = sessions.now_ms();

    let idle_expired = config
        .idle_timeout
        .is_some_and(|idle| now - meta.last_seen_at > duration_ms(idle));
    let lifetime_expired = config
        .max_session_lifetime
        .is_some_and(|max| now - meta.authenticated_at.unwrap_or(meta.created_at) > duration_ms(max));
    if idle_expired || lifetime_expired {
        let reason = if idle_expired {
            "idle_timeout"
        } else {
            "max_lifetime"
        };
        expire(sessions, current, &id_hash, &meta, reason).await?;
        return Ok(());
    }

    current.set_signed_in(&meta, id_hash.clone());

    if let Some(every) = effective_touch_interval(config.touch_every, config.idle_timeout) {
        let every = duration_ms(every);
        if now - meta.last_seen_at >= every {
            let ip = current.request().ip.map(|ip| ip.to_string());
            let expires_at = now.saturating_add(duration_ms(config.session_ttl));
            match db::touch(
                sessions.db(),
                id_hash.as_str(),
                now,
                now - every + 1,
                ip,
                expires_at,
            )
            .await
            {
                Ok(true) => {
                    sessions.store().touched(&id_hash, now, expires_at);
                    // Slide the cookie along with the row.
                    current.push_cookie(format!(
                        "{}={}; Max-Age={}; {}",
                        config.session_cookie_name(),
                        id,
                        config.session_ttl.as_secs(),
                        config.cookie_attributes()
                    ));
                }
                Ok(false) => {}
                Err(err) => tracing::warn!(error = %err, "leptos-sessions: touch failed (ignored)"),
            }
        }
    }
    Ok(())
}

/// With an idle timeout, touch often enough that the timeout is accurate to
/// 1/15th of it.
fn effective_touch_interval(touch_every: Option<Duration>, idle: Option<Duration>) -> Option<Duration> {
    match (touch_every, idle) {
        (Some(t), Some(idle)) => Some(t.min(idle / 15)),
        (None, Some(idle)) => Some(idle / 15),
        (t, None) => t,
    }
}

async fn expire(
    sessions: &Sessions,
    current: &CurrentSession,
    id_hash: &IdHash,
    meta: &RowMeta,
    reason: &str,
) -> Result<(), Unavailable> {
    let row = current.row(id_hash).await;
    if let Err(err) = current.session().flush().await {
        tracing::error!(error = %err, "leptos-sessions: cannot end expired session");
        return Err(Unavailable);
    }
    tracing::info!(user.id = meta.user_id.as_deref().unwrap_or_default(), session = %id_hash.short(), reason, "session expired");
    let mut event = NewEvent::new(EventKind::Expired, sessions.now_ms());
    event.reason = Some(reason.to_owned());
    event.user_id = meta.user_id.clone();
    event.session_handle = Some(meta.handle.clone());
    event.source = row;
    sessions.write_events(vec![event]).await;
    Ok(())
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

    #[test]
    fn touch_interval_tracks_idle_timeout() {
        let five = Some(Duration::from_secs(300));
        assert_eq!(effective_touch_interval(five, None), five);
        assert_eq!(
            effective_touch_interval(five, Some(Duration::from_secs(900))),
            Some(Duration::from_secs(60))
        );
    }
}
