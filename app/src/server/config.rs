//! Configuration: one validated struct with the defaults of the reference gem.

use std::{fmt, net::IpAddr, sync::Arc, time::Duration};

use http::HeaderMap;

use super::{
    current::ReauthGate,
    device::DeviceParser,
    geo::GeoLookup,
    ids::CookieKey,
    registry::RegistryCache,
    trail::{FailedLoginBudget, Hooks},
};

/// Preset session timeouts from NIST SP 800-63B-4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPreset {
    /// AAL2: 1 h idle, 24 h absolute.
    NistAal2,
    /// AAL3: 15 min idle, 12 h absolute.
    NistAal3,
}

impl TimeoutPreset {
    /// `(idle, absolute)` for the preset.
    pub fn timeouts(self) -> (Duration, Duration) {
        match self {
            Self::NistAal2 => (Duration::from_secs(3600), Duration::from_secs(24 * 3600)),
            Self::NistAal3 => (Duration::from_secs(15 * 60), Duration::from_secs(12 * 3600)),
        }
    }
}

/// What is stored of a client IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IpMode {
    /// The full address (default).
    #[default]
    Full,
    /// Last IPv4 octet / last 80 IPv6 bits zeroed before anything is stored.
    Truncated,
}

/// An IP network in CIDR notation, e.g. `10.0.0.0/8` or `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Whether `ip` lies inside this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for IpNet {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ConfigError::InvalidProxy(s.to_owned());
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| bad())?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().map_err(|_| bad())?,
            None => max,
        };
        if prefix > max {
            return Err(bad());
        }
        Ok(Self { addr, prefix })
    }
}

/// A host closure that picks the client IP: `(socket peer, request headers)`
/// → the address to record (`None`: the socket peer).
pub type IpResolver = Arc<dyn Fn(Option<IpAddr>, &HeaderMap) -> Option<IpAddr> + Send + Sync>;

/// Which request header carries the client IP, set by the proxy in front of
/// the app (the reference gem's `ip_resolver`).
///
/// A header is believed only when the socket peer is one of
/// [`SessionsConfig::trusted_proxies`]; from any other peer the socket peer
/// is the client. Name exactly the header *your* proxy writes: a header it
/// merely passes through is whatever the client wrote.
///
/// Parses from its header name (`"x-forwarded-for"`, `"forwarded"`,
/// `"x-real-ip"`, `"cf-connecting-ip"`, or `"peer"`), e.g. from an
/// environment variable.
#[derive(Clone, Default)]
pub enum ClientIpSource {
    /// The socket peer; no header is read.
    Peer,
    /// `X-Forwarded-For`, which nginx (`$proxy_add_x_forwarded_for`),
    /// HAProxy, AWS/GCP load balancers, Traefik, Caddy and Envoy append to.
    /// Walked right to left: trusted-proxy hops are skipped and the first
    /// untrusted address is the client, so nothing the client wrote to the
    /// left of it counts, however long. The default (with no trusted proxies,
    /// the default too, that is the socket peer).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded` (its `for=` parameters), walked like
    /// `X-Forwarded-For`. Only for a proxy that appends `Forwarded`; most
    /// pass a client's `Forwarded` through untouched.
    Forwarded,
    /// `X-Real-IP`: one address, overwritten by the proxy (nginx
    /// `proxy_set_header X-Real-IP $remote_addr`). The last value is used.
    XRealIp,
    /// `CF-Connecting-IP`, set by Cloudflare (trust Cloudflare's ranges).
    CfConnectingIp,
    /// A host closure, called for every request whatever the peer (it decides
    /// what to trust); `None` means the socket peer.
    Custom(IpResolver),
}

impl fmt::Debug for ClientIpSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Peer => "Peer",
            Self::XForwardedFor => "XForwardedFor",
            Self::Forwarded => "Forwarded",
            Self::XRealIp => "XRealIp",
            Self::CfConnectingIp => "CfConnectingIp",
            Self::Custom(_) => "Custom(..)",
        })
    }
}

impl ClientIpSource {
    /// The header read, lower-case (`None` for the peer and a closure).
    pub fn header_name(&self) -> Option<&'static str> {
        match self {
            Self::Peer | Self::Custom(_) => None,
            Self::XForwardedFor => Some("x-forwarded-for"),
            Self::Forwarded => Some("forwarded"),
            Self::XRealIp => Some("x-real-ip"),
            Self::CfConnectingIp => Some("cf-connecting-ip"),
        }
    }
}

impl std::str::FromStr for ClientIpSource {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        [
            Self::Peer,
            Self::XForwardedFor,
            Self::Forwarded,
            Self::XRealIp,
            Self::CfConnectingIp,
        ]
        .into_iter()
        .find(|source| source.header_name().unwrap_or("peer").eq_ignore_ascii_case(s))
        .ok_or_else(|| ConfigError::ClientIpSource(s.to_owned()))
    }
}

/// Everything configurable, with the defaults of the reference gem.
///
/// Build it with [`SessionsConfig::new`] (which takes the only required value,
/// the secret that signs the browser-continuity cookie) and adjust fields.
#[derive(Clone)]
pub struct SessionsConfig {
    /// Secret (≥ 32 bytes) that signs the browser-continuity cookie. Required.
    pub secret: CookieKey,
    /// Plain-http development: drops `Secure` and the `__Host-` prefix from
    /// cookies so that `http://127.0.0.1` works. Default: `false`. Never enable
    /// in production.
    pub dev_insecure_cookies: bool,
    /// Base cookie name (prefixed with `__Host-` unless in dev mode). Default: `"session"`.
    pub cookie_name: String,
    /// Base name of the browser-continuity cookie. Default: `"device"`.
    pub device_cookie_name: String,
    /// Lifetime of the session row and cookie since the last (touched) activity.
    /// Default: 30 days.
    pub session_ttl: Duration,
    /// `last_seen_at` is written at most this often per session. `None` never touches.
    /// Default: 5 minutes.
    pub touch_every: Option<Duration>,
    /// Opt-in idle timeout. Default: `None`.
    pub idle_timeout: Option<Duration>,
    /// Opt-in absolute lifetime since authentication. Default: `None`.
    pub max_session_lifetime: Option<Duration>,
    /// Oldest sessions beyond this many per user are evicted at login. Default: `Some(100)`.
    pub max_sessions_per_user: Option<u32>,
    /// End a user's other sessions when their password changes. Default: `true`.
    pub revoke_on_password_change: bool,
    /// Record failed logins in the trail. Default: `true`.
    pub track_failed_logins: bool,
    /// Store full or truncated IPs. Default: [`IpMode::Full`].
    pub ip_mode: IpMode,
    /// Peers (the proxies in front of the app) whose client-IP header
    /// ([`client_ip_source`](Self::client_ip_source)) is believed. Default:
    /// none, so the client IP is the socket peer.
    pub trusted_proxies: Vec<IpNet>,
    /// The header the trusted proxies set. Default:
    /// [`ClientIpSource::XForwardedFor`] (read only from `trusted_proxies`).
    pub client_ip_source: ClientIpSource,
    /// The app's own origin, e.g. `https://example.com` (scheme, host and
    /// port, no path). When set, a state-changing request must come from it
    /// (or from [`allowed_origins`](Self::allowed_origins)), whatever its
    /// `Host`. When `None`, the own origin is the request's authority
    /// (HTTP/2 `:authority`, else `Host`) with the scheme `https` — or
    /// `http` with [`dev_insecure_cookies`](Self::dev_insecure_cookies), and
    /// also `http` for a loopback host (`localhost`, `127.0.0.0/8`, `::1`),
    /// which browsers treat as a secure context. Behind a TLS-terminating
    /// proxy that rewrites `Host`, set this. Default: `None`.
    pub public_origin: Option<String>,
    /// Extra origins (e.g. `https://app.example.com`) allowed to send
    /// state-changing requests, besides the app's own (scheme, host and port
    /// must match exactly). Default: none.
    pub allowed_origins: Vec<String>,
    /// Reject cross-site state-changing requests. Default: `true`.
    pub cross_site_guard: bool,
    /// Trail retention used by the sweep. Default: 365 days.
    pub events_retention: Option<Duration>,
    /// Live updates: the layer serves server-sent events at
    /// [`SESSION_EVENTS_PATH`](crate::types::SESSION_EVENTS_PATH) and
    /// `<Devices/>` listens, so a revoked tab learns it at once and the other
    /// tabs see new sign-ins. Default: `true`.
    pub live_updates: bool,
    /// The most live streams one user may hold open (tabs × devices).
    /// Default: 8.
    pub live_streams_per_user: usize,
    /// The most live streams this process holds open. Default: 10,000.
    pub live_streams_total: usize,
    /// How long a "This wasn't me" link works
    /// ([`NewDevice::disavow_url`](crate::server::NewDevice::disavow_url)); links are issued
    /// only when an `on_new_device` hook is set. `None` issues none.
    /// Default: 7 days.
    pub disavow_link_lifetime: Option<Duration>,
    /// Decimals kept of event coordinates. Default: 2 (~1 km).
    pub geo_precision: u8,
    /// Maximum user-agent length kept and parsed. Default: 1024.
    pub max_user_agent_len: usize,
    /// Legacy native-app user-agent prefixes to recognise, e.g. `["MyApp"]`
    /// for `MyApp Android 1.0.5 (build 6; Android 14; sdk 34; Pixel 7)`.
    /// Default: none.
    pub native_app_names: Vec<String>,
    /// Send `Accept-CH` and use client hints (real platform versions and
    /// Android models). Default: `false`.
    pub request_client_hints: bool,
    /// Replaces the built-in device parser. Default: `None` (the built-in
    /// [`DefaultDeviceParser`](super::DefaultDeviceParser) with the options above).
    pub device_parser: Option<Arc<dyn DeviceParser>>,
    /// IP geolocation (e.g. [`MaxMindGeo`](super::MaxMindGeo)). Default: `None` (no
    /// locations; the UI omits them).
    pub geo: Option<Arc<dyn GeoLookup>>,
    /// Read the location from a CDN's headers instead ([`GeoHeaders::cloudflare`](super::GeoHeaders::cloudflare),
    /// [`GeoHeaders::cloudfront`](super::GeoHeaders::cloudfront)), falling back to `geo` for a
    /// request without them. Only when the origin is reachable through the
    /// CDN alone: a client that reaches it directly writes these headers
    /// itself. Default: `None`.
    pub geo_headers: Option<super::GeoHeaders>,
    /// A remote geolocation ([`AsyncGeoLookup`](super::AsyncGeoLookup)) for
    /// requests the headers and `geo` leave unlocated. It never delays a
    /// login: the session and its events are filled in when it answers.
    /// Default: `None`.
    pub async_geo: Option<Arc<dyn super::AsyncGeoLookup>>,
    /// How long an `async_geo` answer is waited for; a later one is
    /// dropped. Default: 10 s.
    pub async_geo_timeout: Duration,
    /// Opt-in "repeated failed logins" detection: `(threshold, window)`. The
    /// `on_repeated_failed_logins` hook fires exactly once when an identity
    /// reaches `threshold` failures within `window`. Default: `None`.
    pub repeated_failed_logins: Option<(u32, Duration)>,
    /// How many failed sign-ins an unauthenticated client can have stored
    /// one by one, per client IP and per identity per window; past it they
    /// are counted, and one `failed_login` row with reason `throttled` and
    /// the count stands for them once the window closes (written by the
    /// next attempt or [`Sessions::sweep`](crate::server::Sessions::sweep)).
    /// Per process, in memory (bounded). Default: [`FailedLoginBudget::default`]
    /// (50 per IP, 20 per identity, 15 minutes); `None` stores every attempt.
    pub failed_login_budget: Option<FailedLoginBudget>,
    /// Labels of the host's own sign-in methods ([`Login::custom`](crate::server::Login::custom)),
    /// per locale: `method → (locale → label)`, e.g. `"saml_okta" →
    /// {"en": "SAML via Okta", "es": "SAML con Okta"}`. The components show
    /// the reader's locale, else `en`, else the method's name. Default: none.
    pub method_labels: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Hooks (async, error-isolated). Default: none.
    pub hooks: Hooks,
    /// Re-authentication gate before destructive actions (log out a device,
    /// sign out everywhere else). Default: `None` (no gate).
    pub require_reauthentication: Option<ReauthGate>,
    /// In-memory cache of the registry rows in front of the store, so that a
    /// request with a live session costs no database read. It never delays
    /// a revocation (see [`RegistryCache`]): [`RegistryCache::Auto`] caches on
    /// PostgreSQL, coherent across instances through `LISTEN`/`NOTIFY`;
    /// [`RegistryCache::SingleInstance`] also on SQLite/MySQL for a single
    /// process; [`RegistryCache::Off`] reads every row from the database (a
    /// registry outage then answers 503 at once; with a cache, sessions cached
    /// before the outage keep working). Default: [`RegistryCache::Auto`].
    pub registry_cache: RegistryCache,
    /// Most sessions the registry cache holds (0 turns it off). Default: 100,000.
    pub registry_cache_capacity: usize,
}

impl fmt::Debug for SessionsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionsConfig")
            .field("secret", &self.secret)
            .field("dev_insecure_cookies", &self.dev_insecure_cookies)
            .field("cookie_name", &self.cookie_name)
            .field("device_cookie_name", &self.device_cookie_name)
            .field("session_ttl", &self.session_ttl)
            .field("touch_every", &self.touch_every)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_session_lifetime", &self.max_session_lifetime)
            .field("max_sessions_per_user", &self.max_sessions_per_user)
            .field("revoke_on_password_change", &self.revoke_on_password_change)
            .field("track_failed_logins", &self.track_failed_logins)
            .field("ip_mode", &self.ip_mode)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("client_ip_source", &self.client_ip_source)
            .field("public_origin", &self.public_origin)
            .field("allowed_origins", &self.allowed_origins)
            .field("cross_site_guard", &self.cross_site_guard)
            .field("events_retention", &self.events_retention)
            .field("disavow_link_lifetime", &self.disavow_link_lifetime)
            .field("live_updates", &self.live_updates)
            .field("live_streams_per_user", &self.live_streams_per_user)
            .field("live_streams_total", &self.live_streams_total)
            .field("geo_precision", &self.geo_precision)
            .field("max_user_agent_len", &self.max_user_agent_len)
            .field("native_app_names", &self.native_app_names)
            .field("request_client_hints", &self.request_client_hints)
            .field("device_parser", &self.device_parser.as_ref().map(|_| "custom"))
            .field("geo", &self.geo.as_ref().map(|_| "configured"))
            .field("repeated_failed_logins", &self.repeated_failed_logins)
            .field("failed_login_budget", &self.failed_login_budget)
            .field("method_labels", &self.method_labels)
            .field("geo_headers", &self.geo_headers)
            .field("async_geo", &self.async_geo.as_ref().map(|_| "configured"))
            .field("async_geo_timeout", &self.async_geo_timeout)
            .field("hooks", &self.hooks)
            .field(
                "require_reauthentication",
                &self.require_reauthentication.is_some(),
            )
            .field("registry_cache", &self.registry_cache)
            .field("registry_cache_capacity", &self.registry_cache_capacity)
            .finish()
    }
}

impl SessionsConfig {
    /// The defaults, with the given cookie-signing secret.
    pub fn new(secret: CookieKey) -> Self {
        Self {
            secret,
            dev_insecure_cookies: false,
            cookie_name: "session".into(),
            device_cookie_name: "device".into(),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            touch_every: Some(Duration::from_secs(5 * 60)),
            idle_timeout: None,
            max_session_lifetime: None,
            max_sessions_per_user: Some(100),
            revoke_on_password_change: true,
            track_failed_logins: true,
            ip_mode: IpMode::Full,
            trusted_proxies: Vec::new(),
            client_ip_source: ClientIpSource::default(),
            public_origin: None,
            allowed_origins: Vec::new(),
            cross_site_guard: true,
            events_retention: Some(Duration::from_secs(365 * 24 * 3600)),
            disavow_link_lifetime: Some(Duration::from_secs(7 * 24 * 3600)),
            live_updates: true,
            live_streams_per_user: 8,
            live_streams_total: 10_000,
            geo_precision: 2,
            max_user_agent_len: 1024,
            native_app_names: Vec::new(),
            request_client_hints: false,
            device_parser: None,
            geo: None,
            repeated_failed_logins: None,
            failed_login_budget: Some(FailedLoginBudget::default()),
            method_labels: std::collections::BTreeMap::new(),
            geo_headers: None,
            async_geo: None,
            async_geo_timeout: Duration::from_secs(10),
            hooks: Hooks::default(),
            require_reauthentication: None,
            registry_cache: RegistryCache::Auto,
            registry_cache_capacity: 100_000,
        }
    }

    /// Applies a NIST timeout preset (idle and absolute).
    #[must_use]
    pub fn with_timeout_preset(mut self, preset: TimeoutPreset) -> Self {
        let (idle, absolute) = preset.timeouts();
        self.idle_timeout = Some(idle);
        self.max_session_lifetime = Some(absolute);
        self
    }

    /// Checks the configuration, with a message that says what to fix.
    ///
    /// # Errors
    /// [`ConfigError`] naming the offending setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.secret.len() < CookieKey::MIN_LEN {
            return Err(ConfigError::SecretTooShort(self.secret.len()));
        }
        for (name, value) in [
            ("cookie_name", &self.cookie_name),
            ("device_cookie_name", &self.device_cookie_name),
        ] {
            if value.is_empty()
                || value.starts_with("__")
                || !value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(ConfigError::CookieName(name, value.clone()));
            }
        }
        if self.cookie_name == self.device_cookie_name {
            return Err(ConfigError::CookieName(
                "device_cookie_name",
                self.device_cookie_name.clone(),
            ));
        }
        if self.session_ttl < Duration::from_secs(60) {
            return Err(ConfigError::TooShort("session_ttl"));
        }
        if self.idle_timeout.is_some_and(|d| d < Duration::from_secs(1)) {
            return Err(ConfigError::TooShort("idle_timeout"));
        }
        if self
            .max_session_lifetime
            .is_some_and(|d| d < Duration::from_secs(1))
        {
            return Err(ConfigError::TooShort("max_session_lifetime"));
        }
        if self.max_sessions_per_user == Some(0) {
            return Err(ConfigError::ZeroCap);
        }
        if self.geo_precision > 6 {
            return Err(ConfigError::GeoPrecision(self.geo_precision));
        }
        if !(64..=16 * 1024).contains(&self.max_user_agent_len) {
            return Err(ConfigError::UserAgentLen(self.max_user_agent_len));
        }
        if let Some((threshold, window)) = self.repeated_failed_logins
            && (threshold == 0 || window < Duration::from_secs(1))
        {
            return Err(ConfigError::RepeatedFailedLogins);
        }
        if let Some(budget) = &self.failed_login_budget {
            let (threshold, _) = self.repeated_failed_logins.unwrap_or((1, Duration::ZERO));
            if budget.per_ip == 0
                || budget.per_identity == 0
                || budget.window < Duration::from_secs(1)
                || budget.max_tracked == 0
                || threshold > budget.per_identity
            {
                return Err(ConfigError::FailedLoginBudget);
            }
        }
        for name in &self.native_app_names {
            if name.trim().is_empty() || name.len() > 64 {
                return Err(ConfigError::NativeAppName(name.clone()));
            }
        }
        for origin in self.allowed_origins.iter().chain(&self.public_origin) {
            if !is_origin(origin) {
                return Err(ConfigError::Origin(origin.clone()));
            }
        }
        Ok(())
    }

    /// The session cookie's full name (`__Host-` prefixed unless in dev mode).
    pub fn session_cookie_name(&self) -> String {
        self.prefixed(&self.cookie_name)
    }

    /// The device cookie's full name (`__Host-` prefixed unless in dev mode).
    pub fn device_cookie_full_name(&self) -> String {
        self.prefixed(&self.device_cookie_name)
    }

    /// The cookie the components keep the browser's time zone in (not
    /// HttpOnly: the wasm writes it; it holds only a zone name).
    pub fn time_zone_cookie_name(&self) -> String {
        self.prefixed("tz")
    }

    /// `name` with the cookie prefix this configuration uses (`__Host-`
    /// unless in dev mode).
    pub(crate) fn prefixed(&self, name: &str) -> String {
        if self.dev_insecure_cookies {
            name.to_owned()
        } else {
            format!("__Host-{name}")
        }
    }

    /// `Set-Cookie` attributes shared by both cookies.
    pub(crate) fn cookie_attributes(&self) -> &'static str {
        if self.dev_insecure_cookies {
            "Path=/; HttpOnly; SameSite=Lax"
        } else {
            "Path=/; Secure; HttpOnly; SameSite=Lax"
        }
    }
}

/// `scheme://host[:port]` with an http(s) scheme, a non-empty host and no
/// path, query, fragment or user info.
fn is_origin(origin: &str) -> bool {
    let Some(authority) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !authority.is_empty()
        && !authority.starts_with(':')
        && !authority.contains(['/', '?', '#', '@', ' '])
        && authority.parse::<http::uri::Authority>().is_ok()
}

/// A configuration value that cannot work.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The cookie secret is too short.
    #[error("secret must be at least 32 bytes (got {0}); generate one with `openssl rand -hex 32`")]
    SecretTooShort(usize),
    /// A cookie name is unusable.
    #[error(
        "{0} {1:?} must be non-empty ASCII letters, digits, '-' or '_', must not start with \"__\" (the __Host- prefix is added for you) and the two cookie names must differ"
    )]
    CookieName(&'static str, String),
    /// A duration is below its minimum.
    #[error("{0} is too short")]
    TooShort(&'static str),
    /// A zero session cap.
    #[error("max_sessions_per_user must be at least 1 (use None for unlimited)")]
    ZeroCap,
    /// Coordinates precision out of range.
    #[error("geo_precision must be between 0 and 6 (got {0})")]
    GeoPrecision(u8),
    /// User-agent cap out of range.
    #[error("max_user_agent_len must be between 64 and 16384 (got {0})")]
    UserAgentLen(usize),
    /// Origin not of the form `scheme://host[:port]`.
    #[error(
        "origin {0:?} (allowed_origins / public_origin) must look like https://host[:port] with no path or trailing slash"
    )]
    Origin(String),
    /// An unknown client-IP header name.
    #[error(
        "client IP source {0:?} must be one of x-forwarded-for, forwarded, x-real-ip, cf-connecting-ip or peer"
    )]
    ClientIpSource(String),
    /// Threshold or window of repeated-failure detection out of range.
    #[error("repeated_failed_logins needs a threshold of at least 1 and a window of at least 1 s")]
    RepeatedFailedLogins,
    /// A failed-login budget of zero, or below the repeated-failure threshold.
    #[error(
        "failed_login_budget needs budgets of at least 1, a window of at least 1 s, max_tracked of at least 1, \
         and per_identity at least the repeated_failed_logins threshold (the hook counts stored attempts)"
    )]
    FailedLoginBudget,
    /// A native app name that cannot be matched.
    #[error("native app name {0:?} must be 1 to 64 characters")]
    NativeAppName(String),
    /// A trusted proxy that is not an IP or CIDR.
    #[error("trusted proxy {0:?} is not an IP address or CIDR network")]
    InvalidProxy(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_match_the_gem() {
        let cfg = SessionsConfig::new(CookieKey::random());
        assert_eq!(cfg.validate(), Ok(()));
        assert_eq!(cfg.touch_every, Some(Duration::from_secs(300)));
        assert_eq!(cfg.max_sessions_per_user, Some(100));
        assert_eq!(cfg.session_cookie_name(), "__Host-session");
    }

    #[test]
    fn short_secret_is_a_clear_error() {
        let cfg = SessionsConfig::new(CookieKey::new(b"short".to_vec()));
        let Err(err) = cfg.validate() else {
            panic!("a short secret must be refused");
        };
        assert!(err.to_string().contains("at least 32 bytes"));
    }

    #[test]
    fn cidr_matching() -> anyhow::Result<()> {
        let net: IpNet = "10.0.0.0/8".parse()?;
        assert!(net.contains("10.1.2.3".parse()?));
        assert!(net.contains("::ffff:10.1.2.3".parse()?));
        assert!(!net.contains("11.0.0.1".parse()?));
        let one: IpNet = "::1".parse()?;
        assert!(one.contains("::1".parse()?));
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert!("nonsense".parse::<IpNet>().is_err());
        Ok(())
    }

    #[test]
    fn origins_and_ip_sources_are_validated() -> anyhow::Result<()> {
        let mut cfg = SessionsConfig::new(CookieKey::random());
        cfg.public_origin = Some("https://example.com:8443".into());
        cfg.allowed_origins = vec!["http://localhost:3000".into()];
        assert_eq!(cfg.validate(), Ok(()));
        for bad in [
            "example.com",
            "https://example.com/",
            "https://",
            "ftp://x",
            "https://a/b",
            "https://u@x",
        ] {
            cfg.public_origin = Some(bad.into());
            assert!(cfg.validate().is_err(), "{bad}");
        }
        assert_eq!(
            "X-Real-IP".parse::<ClientIpSource>()?.header_name(),
            Some("x-real-ip")
        );
        assert!(matches!("peer".parse()?, ClientIpSource::Peer));
        assert!("x-client-ip".parse::<ClientIpSource>().is_err());
        Ok(())
    }

    #[test]
    fn presets() {
        let cfg = SessionsConfig::new(CookieKey::random()).with_timeout_preset(TimeoutPreset::NistAal3);
        assert_eq!(cfg.idle_timeout, Some(Duration::from_secs(900)));
        assert_eq!(cfg.max_session_lifetime, Some(Duration::from_secs(12 * 3600)));
    }
}
