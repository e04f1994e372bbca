//! The server core (feature `ssr`). Start with [`Sessions`] (the handle),
//! [`SessionsConfig`] and [`CurrentSession`] (the request's session, with the
//! seams the host calls: [`CurrentSession::login`], [`CurrentSession::logout`],
//! [`CurrentSession::record_failed_login`]).
//!
//! The rooms (all private; everything public is re-exported below):
//!
//! | module | what lives there |
//! |---|---|
//! | `sessions` | [`Sessions`]: database, config, clock, store; the reads a page or an admin makes |
//! | `current` | [`CurrentSession`] and its reads; the [`ReauthGate`] |
//! | `login` | [`Login`], sign-in, sign-out, failed attempts |
//! | `revoke` | every way a session ends on purpose (one, others, all, admin, password change, forget) |
//! | `live` | the live stream: sign-outs and sign-ins pushed to open pages (server-sent events) |
//! | `nicknames` | the names people give their devices |
//! | `disavow` | "This wasn't me" links: issued for new-device e-mails, confirmed signed out |
//! | `sweep` | expiry, timeouts, the per-user cap, trail retention |
//! | `http` | the layer ([`SessionsLayer`]: cross-site guard, cookie manager, tracker), request facts, the [`json_api`] |
//! | `registry` | the store ([`RegistryStore`]), its cache, the session queries |
//! | `trail` | the event writer and hook dispatch, [`TrailQuery`], the event queries and history views |
//! | `device`, `geo` | user-agent intelligence, IP geolocation |
//! | `config`, `clock`, `ids` | settings, time, ids/hashes/handles/the cookie key |
//! | `axum_login` | feature `axum-login`: axum-login 0.18 on the same session (`Sessions::layer_with_auth`, `CurrentSession::login_with`, …) |
//!
//! See `docs/ARCHITECTURE.md` for a request's path through them and the
//! invariants they keep.

/// The [`DeviceLabel`](crate::types::DeviceLabel) of a stored registry row
/// or trail event: both carry the same device columns.
macro_rules! stored_label {
    ($row:expr) => {
        crate::types::DeviceLabel::from_parts(
            $row.browser_name.as_deref(),
            $row.browser_version.as_deref(),
            $row.os_name.as_deref(),
            $row.os_version.as_deref(),
            $row.device_type
                .as_deref()
                .map(crate::types::DeviceType::from_db)
                .unwrap_or_default(),
            $row.device_model.as_deref(),
            $row.app_name.as_deref(),
            $row.app_version.as_deref(),
        )
    };
}

#[cfg(feature = "axum-login")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum-login")))]
pub mod axum_login;
mod clock;
mod config;
mod current;
mod device;
mod disavow;
mod geo;
mod http;
mod ids;
mod live;
mod locate;
mod login;
mod nicknames;
mod registry;
mod revoke;
mod sessions;
mod sweep;
mod trail;
mod zone;

pub use self::{
    clock::{Clock, ManualClock, SystemClock},
    config::{ClientIpSource, ConfigError, IpMode, IpNet, IpResolver, SessionsConfig, TimeoutPreset},
    current::{CurrentSession, MissingLayer, ReauthGate},
    device::{DefaultDeviceParser, DeviceInfo, DeviceOptions, DeviceParser},
    disavow::DisavowToken,
    geo::{AsyncGeoLookup, GeoError, GeoFuture, GeoHeaders, GeoInfo, GeoLookup, MaxMindGeo},
    http::{MAX_BODY_BYTES, RequestInfo, SessionsLayer, json_api},
    ids::{CookieKey, IdHash, SessionHandle},
    login::{Login, LoginOutcome},
    registry::{RegistryCache, RegistryStore},
    sessions::Sessions,
    sweep::SweepReport,
    trail::{
        Disavowed, Event, FailedLoginBudget, Hooks, NewDevice, RepeatedFailedLogins, RevokeReason,
        SessionRevoked, THROTTLED, TrailGroup, TrailQuery, normalize_identity,
    },
};

pub(crate) use self::http::accepts_html;

/// What the fuzz targets (`app/fuzz`) and the integration tests reach below
/// the public API: the parsers of untrusted input and the id generators.
/// Not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    pub use super::{
        geo::round_coordinate,
        http::{anonymize, client_ip, cookie_values, forwarded_chain},
        ids::{is_valid_handle, new_device_id},
    };
}
