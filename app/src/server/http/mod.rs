//! Everything HTTP: the axum layer ([`SessionsLayer`]: the cross-site
//! `guard` outside, the tower-sessions cookie manager on the registry store,
//! the per-request `tracker` inside), the `request` facts the library reads,
//! and the JSON API ([`json_api`]).

mod guard;
pub mod json_api;
mod limit;
mod request;
mod tracker;

use std::{future::Future, pin::Pin};

use tower::Layer;
use tower_sessions::{
    Expiry, SessionManagerLayer,
    cookie::{SameSite, time::Duration as CookieDuration},
};

pub use self::limit::MAX_BODY_BYTES;
pub(crate) use self::limit::accepts_html;
pub use self::request::RequestInfo;
pub(crate) use self::request::cap_chars;
pub use self::request::{anonymize, client_ip, cookie_values, forwarded_chain};
use self::{guard::Guard, tracker::Tracker};
use crate::server::{RegistryStore, Sessions};

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
