//! The sign-in rate limit: `tower_governor` keyed by the client IP the
//! library resolved (trusted proxies included), so a client behind a proxy
//! is limited as itself and cannot pick its key with a header.

use std::{net::IpAddr, sync::Arc, time::Duration};

use axum::body::Body;
use governor::middleware::NoOpMiddleware;
use leptos_sessions::server::CurrentSession;
use tower_governor::{
    GovernorError, GovernorLayer, governor::GovernorConfigBuilder, key_extractor::KeyExtractor,
};

/// Credential attempts allowed per client IP: a burst, then one more every
/// `period`. Defaults: 10, then one every 6 s (10 a minute);
/// `DEMO_SIGN_IN_BURST` and `DEMO_SIGN_IN_PER_MINUTE` override them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInRate {
    /// Attempts allowed at once.
    pub burst: u32,
    /// Attempts replenished per minute.
    pub per_minute: u32,
}

impl Default for SignInRate {
    fn default() -> Self {
        Self {
            burst: 10,
            per_minute: 10,
        }
    }
}

impl SignInRate {
    /// The defaults, overridden by the environment.
    pub fn from_env() -> Self {
        let read = |name: &str, default: u32| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok())
                .filter(|v| *v > 0)
                .unwrap_or(default)
        };
        let default = Self::default();
        Self {
            burst: read("DEMO_SIGN_IN_BURST", default.burst),
            per_minute: read("DEMO_SIGN_IN_PER_MINUTE", default.per_minute),
        }
    }
}

/// The client IP as the library resolved it; requests without one share a key.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp;

impl KeyExtractor for ClientIp {
    type Key = Option<IpAddr>;

    fn extract<T>(&self, req: &axum::http::Request<T>) -> Result<Self::Key, GovernorError> {
        Ok(req
            .extensions()
            .get::<CurrentSession>()
            .and_then(|current| current.request().ip))
    }
}

/// The layer for the credential routes (inside the sessions layer, which
/// resolves the client IP). Over the limit: `429` with `Retry-After`.
///
/// # Panics
/// Never: the period is at least 13 ns and the burst at least 1, which
/// `tower_governor` always accepts.
pub fn layer(rate: SignInRate) -> GovernorLayer<ClientIp, NoOpMiddleware, Body> {
    // Nanoseconds: any per-minute rate up to u32::MAX is a period of at least 13 ns.
    let period = Duration::from_nanos(60_000_000_000 / u64::from(rate.per_minute.max(1)));
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientIp)
        .period(period)
        .burst_size(rate.burst.max(1))
        .finish()
        .map(Arc::new);
    #[expect(clippy::expect_used, reason = "period and burst are at least 1")]
    let config = config.expect("a valid quota");
    GovernorLayer::new(config)
}
