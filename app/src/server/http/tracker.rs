//! The innermost service: resolves the session row (one indexed read),
//! enforces revocation and timeouts, touches `last_seen_at`, exposes
//! [`CurrentSession`] to handlers, and runs the revocation fence before the
//! response of a state-changing request leaves.

use std::{
    net::SocketAddr,
    task::{Context, Poll},
    time::Duration,
};

use axum::{body::Body, extract::ConnectInfo, response::IntoResponse};
use http::{Request, Response, StatusCode, header};
use tower::Service;
use tower_sessions::Session;

use super::{BoxFuture, guard::is_state_changing};
use crate::{
    server::{
        Sessions,
        clock::duration_ms,
        current::{CurrentSession, apply_effects},
        ids::IdHash,
        registry::{ROW_KEY, RowMeta, Watch},
        trail::NewEvent,
    },
    types::{HistoryKind, ReasonCode},
};

/// Innermost service: resolves the session row (one indexed read), enforces
/// revocation and timeouts, touches `last_seen_at`, and exposes
/// [`CurrentSession`] to handlers and server functions.
#[derive(Clone)]
pub struct Tracker<S> {
    pub(super) sessions: Sessions,
    pub(super) inner: S,
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
            let deletions_before = sessions.store().unfenced_deletions();
            if let Err(Unavailable) = resume(&sessions, &current).await {
                return Ok(unavailable());
            }
            // The live stream: answered here, with the session just resolved.
            if sessions.config().live_updates
                && req.method() == http::Method::GET
                && req.uri().path() == crate::types::SESSION_EVENTS_PATH
            {
                let mut res = crate::server::live::respond(&current);
                apply_effects(&current, &mut res);
                return Ok(res);
            }
            let state_changing = is_state_changing(req.method());
            // A signed-in request watches its row: a sign-out the library
            // does not perform itself (the host's `Session::flush` or
            // `cycle_id`, axum-login's) still gets its `logout` event.
            let signed_in = current.id_hash().filter(|_| current.user_id().is_some());
            let watch = signed_in.as_ref().map(|hash| sessions.store().watch(hash));
            req.extensions_mut().insert(current.clone());
            let res = inner.call(req).await;
            if let (Some(hash), Some(watch)) = (signed_in, watch) {
                record_foreign_sign_out(&sessions, &current, &hash, &watch).await;
            }
            let mut res = res?;
            apply_effects(&current, &mut res);
            if state_changing
                && sessions.store().needs_fence()
                && sessions.store().unfenced_deletions() != deletions_before
            {
                // Whatever this request signed out or cycled (through the
                // library or the host's own `Session` calls) is refused by
                // every instance before the response leaves (PostgreSQL with
                // several instances). Revocations fence on their own; a
                // request that deleted nothing (a first sign-in, a rename)
                // has nothing to wait for — unless another request's
                // deletion landed meanwhile, which is then waited for too.
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
            ReasonCode::IdleTimeout
        } else {
            ReasonCode::MaxLifetime
        };
        expire(sessions, current, &id_hash, &meta, reason).await?;
        return Ok(());
    }

    current.set_signed_in(&meta, id_hash.clone(), id);

    if let Some(every) = effective_touch_interval(config.touch_every, config.idle_timeout) {
        let every = duration_ms(every);
        if now - meta.last_seen_at >= every {
            let ip = current.request().ip.map(|ip| ip.to_string());
            // Where that IP is: the headers' or the in-memory lookup's
            // answer in the same UPDATE; a remote lookup's after it.
            let seen = crate::server::locate::seen_now(config, current.request());
            let unlocated = seen.as_ref().is_none_or(|s| *s == Default::default());
            let deferred = (config.async_geo.is_some() && unlocated)
                .then(|| current.request().ip.zip(ip.clone()))
                .flatten();
            let expires_at = now.saturating_add(duration_ms(config.session_ttl));
            match sessions
                .store()
                .touch(&id_hash, now, now - every + 1, ip, seen, expires_at)
                .await
            {
                Ok(true) => {
                    if let Some((addr, stored)) = deferred {
                        crate::server::locate::fill_seen_later(
                            sessions,
                            id_hash.as_str().to_owned(),
                            addr,
                            stored,
                        );
                    }
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

/// Writes the `logout` event of a sign-out the library did not perform: the
/// row this request started with was deleted through the store (a `flush` or
/// `cycle_id` by anyone but the library) while the library still holds it
/// as this request's session. The event carries the deleted row's columns.
async fn record_foreign_sign_out(
    sessions: &Sessions,
    current: &CurrentSession,
    hash: &IdHash,
    watch: &Watch,
) {
    // The library's own sign-out clears the state, its sign-in replaces the
    // hash (the state as set, not the live view: the session's id is gone).
    let state = current.state();
    if state.id_hash.as_ref() != Some(hash) || state.user_id.is_none() {
        return;
    }
    let Some(row) = watch.take_unclaimed() else {
        return;
    };
    current.clear_state();
    current.set_no_store();
    tracing::info!(user.id = row.user_id.as_deref().unwrap_or_default(), session = %hash.short(), "signed out (session flushed outside the library)");
    let mut event = NewEvent::new(HistoryKind::Logout, sessions.now_ms());
    event.user_id = row.user_id.clone().or(state.user_id);
    event.session_handle = Some(row.handle.clone())
        .filter(|h| !h.is_empty())
        .or(state.handle);
    event.request_id = current.request().request_id.clone();
    event.source = Some(row);
    sessions.write_events(vec![event]).await;
}

/// Ends a signed-in session that timed out, on its own request: the row goes
/// through the store (`flush` deletes and evicts it), then an `expired` event.
async fn expire(
    sessions: &Sessions,
    current: &CurrentSession,
    id_hash: &IdHash,
    meta: &RowMeta,
    reason: ReasonCode,
) -> Result<(), Unavailable> {
    // The library ends it: claimed, so no concurrent request reports it too;
    // the store keeps the row's columns for the event.
    let watch = sessions.store().watch(id_hash);
    watch.claim();
    if let Err(err) = current.session().flush().await {
        tracing::error!(error = %err, "leptos-sessions: cannot end expired session");
        return Err(Unavailable);
    }
    tracing::info!(user.id = meta.user_id.as_deref().unwrap_or_default(), session = %id_hash.short(), reason = reason.as_str(), "session expired");
    let mut event = NewEvent::new(HistoryKind::Expired, sessions.now_ms());
    event.reason = Some(reason.as_str().to_owned());
    event.user_id = meta.user_id.clone();
    event.session_handle = Some(meta.handle.clone());
    event.source = watch.take_deleted();
    sessions.write_events(vec![event]).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
