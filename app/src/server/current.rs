//! [`CurrentSession`]: the per-request view of the session (inserted by the
//! layer, taken as an axum extractor or with `leptos_axum::extract`), its
//! reads, and the re-authentication gate. The verbs live in their rooms:
//! `login.rs` (sign-in, sign-out, failed attempts) and `revoke.rs`.

use std::{
    fmt,
    future::Future,
    net::SocketAddr,
    panic::{AssertUnwindSafe, catch_unwind},
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard, OnceLock},
};

use axum::{extract::FromRequestParts, http::request::Parts, response::IntoResponse};
use http::{HeaderValue, StatusCode, header};
use tower_sessions::{Session, session::Id};

use super::{RequestInfo, SessionHandle, Sessions, ids::IdHash, registry::RowMeta};
use crate::{
    error::SessionsError,
    types::{DeviceList, DeviceNotice, HistoryList, LastLogin, ReaderZone, ZoneSource},
};

#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    pub(crate) user_id: Option<String>,
    pub(crate) handle: Option<String>,
    pub(crate) id_hash: Option<IdHash>,
    /// The session id the state belongs to: once the session no longer has
    /// it (flushed or cycled by code outside the library), the request is
    /// anonymous to the public reads.
    pub(crate) session_id: Option<Id>,
}

#[derive(Debug, Default)]
struct Effects {
    set_cookies: Vec<String>,
    no_store: bool,
}

/// The session of the current request, inserted by [`SessionsLayer`](super::SessionsLayer).
/// Use it as an axum extractor, or in a server function through
/// `leptos_axum::extract::<CurrentSession>()`.
#[derive(Clone)]
pub struct CurrentSession {
    inner: Arc<CurrentInner>,
}

struct CurrentInner {
    sessions: Sessions,
    session: Session,
    /// Parsed on first use: most requests (a signed-in page view) never
    /// need the user agent, the device cookie or the client headers.
    request: OnceLock<RequestInfo>,
    headers: http::HeaderMap,
    peer: Option<SocketAddr>,
    state: Mutex<State>,
    effects: Mutex<Effects>,
    /// The host's time zone for this user (`set_time_zone`).
    time_zone: Mutex<Option<String>>,
}

impl fmt::Debug for CurrentSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("CurrentSession")
            .field("user_id", &state.user_id)
            .field("id_hash", &state.id_hash)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl CurrentSession {
    pub(crate) fn new(
        sessions: Sessions,
        session: Session,
        headers: http::HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Self {
        Self {
            inner: Arc::new(CurrentInner {
                sessions,
                session,
                request: OnceLock::new(),
                headers,
                peer,
                state: Mutex::new(State::default()),
                effects: Mutex::new(Effects::default()),
                time_zone: Mutex::new(None),
            }),
        }
    }

    /// The state as the library last set it, whatever happened to the
    /// session since (sign-out and the tracker read it).
    pub(crate) fn state(&self) -> State {
        lock(&self.inner.state).clone()
    }

    /// `f` of the state while the session still has the id it was signed in
    /// with; `None` once anybody flushed or cycled it.
    fn live<T>(&self, f: impl FnOnce(&State) -> Option<T>) -> Option<T> {
        let id = self.inner.session.id();
        let state = lock(&self.inner.state);
        if id.is_some() && state.session_id == id {
            f(&state)
        } else {
            None
        }
    }

    pub(crate) fn set_signed_in(&self, meta: &RowMeta, id_hash: IdHash, session_id: Id) {
        let mut state = lock(&self.inner.state);
        state.user_id = meta.user_id.clone();
        state.handle = Some(meta.handle.clone());
        state.id_hash = Some(id_hash);
        state.session_id = Some(session_id);
    }

    pub(crate) fn clear_state(&self) {
        *lock(&self.inner.state) = State::default();
    }

    /// The signed-in user's id, if any. `None` also once code outside the
    /// library flushed or cycled the session in this request (axum-login's
    /// `AuthSession::logout`, its session-auth-hash check, `Session::flush`).
    pub fn user_id(&self) -> Option<String> {
        self.live(|s| s.user_id.clone())
    }

    /// The signed-in user's id.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`] for anonymous requests.
    pub fn require_user(&self) -> Result<String, SessionsError> {
        self.user_id().ok_or(SessionsError::NotSignedIn)
    }

    /// Public handle of this session, if signed in.
    pub fn handle(&self) -> Option<SessionHandle> {
        self.live(|s| s.handle.clone()).map(SessionHandle::from_stored)
    }

    /// The hashed id of this session, if it has a row.
    pub fn id_hash(&self) -> Option<IdHash> {
        self.live(|s| s.id_hash.clone())
    }

    /// The request facts (IP, user agent, device cookie).
    pub fn request(&self) -> &RequestInfo {
        self.inner.request.get_or_init(|| {
            RequestInfo::from_parts(&self.inner.headers, self.inner.peer, self.inner.sessions.config())
        })
    }

    /// The underlying tower-sessions session (for the host's own data).
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// The library handle.
    pub fn sessions(&self) -> &Sessions {
        &self.inner.sessions
    }

    pub(crate) fn push_cookie(&self, cookie: String) {
        lock(&self.inner.effects).set_cookies.push(cookie);
    }

    /// Marks the response `Cache-Control: no-store` (sign-out).
    pub(crate) fn set_no_store(&self) {
        lock(&self.inner.effects).no_store = true;
    }

    pub(crate) fn take_effects(&self) -> (Vec<String>, bool) {
        let mut effects = lock(&self.inner.effects);
        (std::mem::take(&mut effects.set_cookies), effects.no_store)
    }

    /// The signed-in user's login history, newest first, at most `limit`
    /// entries: their own events plus failed attempts made with an identity
    /// they signed in with.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`], [`SessionsError::Unavailable`].
    pub async fn history(&self, limit: u64) -> Result<HistoryList, SessionsError> {
        let user = self.require_user()?;
        let sessions = self.sessions();
        let mut list = sessions.own_history(&user, limit).await?;
        let earliest = list.entries.iter().map(|e| e.occurred_at).min();
        list.zone = self.reader_zone(earliest.unwrap_or(list.now), list.now);
        list.method_labels = self.method_labels(list.entries.iter().filter_map(|e| e.auth_method.as_deref()));
        Ok(list)
    }

    /// The configured labels of those of `methods` that are the host's own.
    pub(crate) fn method_labels<'a>(
        &self,
        methods: impl Iterator<Item = &'a str>,
    ) -> crate::types::MethodLabels {
        let labels = &self.sessions().config().method_labels;
        methods
            .filter_map(|m| labels.get_key_value(m))
            .map(|(m, l)| (m.clone(), l.clone()))
            .collect()
    }

    /// Shows this request's times in the IANA zone `name` (`Europe/Madrid`),
    /// the host's own setting for the user (a profile field, say); the zone
    /// the browser reports never overrides it. Without it the components
    /// use the browser's zone, remembered in a cookie after the first
    /// hydrated visit, and UTC (saying so) before that. Returns `false`, and
    /// changes nothing, when `name` is not a zone the database knows.
    pub fn set_time_zone(&self, name: &str) -> bool {
        let known = super::zone::lookup(name).is_some();
        if known {
            *lock(&self.inner.time_zone) = Some(name.to_owned());
        }
        known
    }

    /// The reader's zone with its offsets from `from` to `to` (ms since
    /// epoch, plus two days for "now" to move on): the host's zone, else the
    /// browser's from the zone cookie, else UTC.
    pub fn reader_zone(&self, from: i64, to: i64) -> ReaderZone {
        let config = self.sessions().config();
        let cookie = config.time_zone_cookie_name();
        let to = to.saturating_add(2 * 86_400_000);
        if let Some(name) = lock(&self.inner.time_zone).clone() {
            return super::zone::resolve(Some(&name), ZoneSource::Host, from, to, cookie);
        }
        // Duplicates (another path's cookie): the first plausible one.
        let from_cookie = super::http::cookie_values(&self.inner.headers, &cookie)
            .find(|v| ReaderZone::plausible_name(v))
            .map(str::to_owned);
        super::zone::resolve(from_cookie.as_deref(), ZoneSource::Browser, from, to, cookie)
    }

    /// How this browser last signed in, from the signed browser-continuity
    /// cookie (for the "Last used" badge on the signed-out sign-in page).
    /// Never mints the cookie; `None` without one, with a tampered one, or
    /// when the database cannot be read.
    pub async fn last_login(&self) -> Option<LastLogin> {
        let device_id = self.request().device_id.as_deref()?;
        self.sessions()
            .last_login_of_device(device_id)
            .await
            .ok()
            .flatten()
    }

    /// Runs the configured re-authentication gate (if any) for a destructive
    /// action.
    ///
    /// # Errors
    /// [`SessionsError::ReauthRequired`] when the gate refuses.
    pub async fn check_reauthentication(&self) -> Result<(), SessionsError> {
        match &self.sessions().config().require_reauthentication {
            Some(gate) if !gate.allows(self.clone()).await => Err(SessionsError::ReauthRequired),
            _ => Ok(()),
        }
    }

    /// The signed-in user's devices, this one first.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`], [`SessionsError::Unavailable`].
    pub async fn list_devices(&self) -> Result<DeviceList, SessionsError> {
        let user = self.require_user()?;
        let mut list = self
            .sessions()
            .list_devices(&user, self.id_hash().as_ref())
            .await?;
        let earliest = list
            .devices
            .iter()
            .map(|d| d.signed_in_at.min(d.last_seen_at))
            .min();
        list.zone = self.reader_zone(earliest.unwrap_or(list.now), list.now);
        list.notice = self.take_notice();
        list.method_labels = self.method_labels(list.devices.iter().filter_map(|d| d.auth_method.as_deref()));
        Ok(list)
    }

    /// The name of the one-minute cookie that carries a no-JavaScript
    /// action's outcome across its redirect back to the page.
    fn notice_cookie(&self) -> String {
        self.sessions().config().prefixed("notice")
    }

    /// Reports `notice` on the page the browser is redirected back to, when
    /// this request is a plain form post (JavaScript off: Leptos redirects it
    /// back to the page); a `fetch` shows the outcome in place instead.
    pub(crate) fn notice_if_form_post(&self, notice: &DeviceNotice) {
        if !super::accepts_html(&self.inner.headers) {
            return;
        }
        let config = self.sessions().config();
        self.push_cookie(format!(
            "{}={}; {}; Max-Age=60",
            self.notice_cookie(),
            encode_notice(notice),
            config.cookie_attributes()
        ));
    }

    /// The pending notice, if this request carries one; it is cleared.
    pub(crate) fn take_notice(&self) -> Option<DeviceNotice> {
        self.take_notice_if(|_| true)
    }

    /// [`CurrentSession::take_notice`], only for a notice whose value `mine`
    /// accepts (another page's notice stays for that page).
    pub(crate) fn take_notice_if(&self, mine: impl Fn(&str) -> bool) -> Option<DeviceNotice> {
        let name = self.notice_cookie();
        let value = super::http::cookie_values(&self.inner.headers, &name)
            .next()
            .filter(|v| mine(v))?;
        self.push_cookie(format!(
            "{name}=; {}; Max-Age=0",
            self.sessions().config().cookie_attributes()
        ));
        decode_notice(value)
    }
}

/// `o.<count>` or `r.<base64url(JSON of the device's label)>`:
/// cookie-safe, bounded.
fn encode_notice(notice: &DeviceNotice) -> String {
    use base64::Engine as _;
    match notice {
        DeviceNotice::RevokedOthers { count } => format!("o.{count}"),
        DeviceNotice::Disavowed(outcome) => format!("d.{}.{}", u8::from(outcome.everywhere), outcome.ended),
        DeviceNotice::Revoked { device } => {
            let cut = |v: &Option<String>| v.as_ref().map(|v| v.chars().take(MAX_NOTICE_PART).collect());
            let device = crate::types::DeviceLabel {
                browser: cut(&device.browser),
                app: cut(&device.app),
                platform_app: cut(&device.platform_app),
                platform_app_version: cut(&device.platform_app_version),
                model: cut(&device.model),
                os: cut(&device.os),
            };
            let json = serde_json::to_vec(&device).unwrap_or_default();
            format!(
                "r.{}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
            )
        }
    }
}

/// The longest part of a device's name a notice carries (characters).
const MAX_NOTICE_PART: usize = 64;

/// The longest notice cookie value read.
const MAX_NOTICE_BYTES: usize = 2048;

fn decode_notice(value: &str) -> Option<DeviceNotice> {
    use base64::Engine as _;
    if value.len() > MAX_NOTICE_BYTES {
        return None;
    }
    match value.split_once('.')? {
        ("o", count) => count
            .parse()
            .ok()
            .map(|count| DeviceNotice::RevokedOthers { count }),
        ("d", outcome) => {
            let (everywhere, ended) = outcome.split_once('.')?;
            let everywhere = match everywhere {
                "0" => false,
                "1" => true,
                _ => return None,
            };
            Some(DeviceNotice::Disavowed(crate::types::DisavowOutcome {
                everywhere,
                ended: ended.parse().ok()?,
            }))
        }
        ("r", device) => {
            let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(device)
                .ok()?;
            let device: crate::types::DeviceLabel = serde_json::from_slice(&json).ok()?;
            let clean = |v: Option<String>| {
                v.map(|v| {
                    v.chars()
                        .filter(|c| !c.is_control())
                        .take(MAX_NOTICE_PART)
                        .collect()
                })
            };
            Some(DeviceNotice::Revoked {
                device: crate::types::DeviceLabel {
                    browser: clean(device.browser),
                    app: clean(device.app),
                    platform_app: clean(device.platform_app)
                        .filter(|p: &String| p == "ios_app" || p == "android_app"),
                    platform_app_version: clean(device.platform_app_version),
                    model: clean(device.model),
                    os: clean(device.os),
                },
            })
        }
        _ => None,
    }
}

pub(crate) fn store_error(err: tower_sessions::session::Error) -> SessionsError {
    tracing::error!(error = %err, "leptos-sessions: session store error");
    SessionsError::Unavailable
}

/// Rejection when [`SessionsLayer`](super::SessionsLayer) is not installed.
#[derive(Debug)]
pub struct MissingLayer;

impl IntoResponse for MissingLayer {
    fn into_response(self) -> axum::response::Response {
        tracing::error!("leptos-sessions: CurrentSession used without SessionsLayer on the router");
        (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentSession {
    type Rejection = MissingLayer;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Self>().cloned().ok_or(MissingLayer)
    }
}

/// Adds the pending cookies and cache headers to a response.
pub(crate) fn apply_effects(current: &CurrentSession, res: &mut axum::response::Response) {
    let (cookies, no_store) = current.take_effects();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    if no_store {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

type GateFn = Arc<dyn Fn(CurrentSession) -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// The host's re-authentication ("sudo") gate for destructive actions (log
/// out a device, sign out everywhere else). Return `true` when the user
/// recently confirmed their identity. A gate that panics refuses (fails
/// closed). Set it in [`SessionsConfig::require_reauthentication`](super::SessionsConfig::require_reauthentication).
///
/// ```no_run
/// use leptos_sessions::server::{CurrentSession, ReauthGate, SessionsConfig};
///
/// # fn now_ms() -> i64 { 0 }
/// # fn run(mut config: SessionsConfig) {
/// // The host's "confirm your password" page stores `sudo_until` in the session.
/// config.require_reauthentication = Some(ReauthGate::new(|current: CurrentSession| async move {
///     let confirmed: Option<i64> = current.session().get("sudo_until").await.ok().flatten();
///     confirmed.is_some_and(|until| until > now_ms())
/// }));
/// # }
/// ```
#[derive(Clone)]
pub struct ReauthGate(GateFn);

impl fmt::Debug for ReauthGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReauthGate")
    }
}

impl ReauthGate {
    /// A gate from an async predicate on the current session.
    pub fn new<F, Fut>(f: F) -> Self
    where
        F: Fn(CurrentSession) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        Self(Arc::new(move |current| Box::pin(f(current))))
    }

    pub(crate) async fn allows(&self, current: CurrentSession) -> bool {
        let Ok(future) = catch_unwind(AssertUnwindSafe(|| (self.0)(current))) else {
            tracing::error!("leptos-sessions: re-authentication gate panicked; refusing");
            return false;
        };
        match tokio::spawn(future).await {
            Ok(allowed) => allowed,
            Err(_) => {
                tracing::error!("leptos-sessions: re-authentication gate panicked; refusing");
                false
            }
        }
    }
}

#[cfg(test)]
mod notice_tests {
    use super::{DeviceNotice, decode_notice, encode_notice};
    use crate::types::DeviceLabel;

    fn revoked(browser: &str, os: &str) -> DeviceNotice {
        DeviceNotice::Revoked {
            device: DeviceLabel {
                browser: Some(browser.into()),
                os: Some(os.into()),
                ..DeviceLabel::default()
            },
        }
    }

    #[test]
    fn notices_round_trip_and_junk_is_none() {
        for notice in [
            DeviceNotice::Revoked {
                device: DeviceLabel::default(),
            },
            revoked("Firefox 139", "Windows"),
            revoked("Chrome <script> \"é\"; x=1", "%os"),
            DeviceNotice::RevokedOthers { count: 3 },
            DeviceNotice::Disavowed(crate::types::DisavowOutcome {
                everywhere: true,
                ended: 4,
            }),
            DeviceNotice::Disavowed(crate::types::DisavowOutcome {
                everywhere: false,
                ended: 0,
            }),
        ] {
            let value = encode_notice(&notice);
            assert!(
                value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                "{value}"
            );
            assert_eq!(decode_notice(&value), Some(notice));
        }
        for junk in [
            "",
            "x",
            "r",
            "o.",
            "o.-1",
            "o.many",
            "r.!!!",
            "r.//8",
            "r.e30x",
            "d.",
            "d.1",
            "d.2.3",
            "d.1.-3",
            "d.1.x",
            &"r.".repeat(1100),
        ] {
            assert_eq!(decode_notice(junk), None, "{junk}");
        }
        // Long parts are cut.
        let long = encode_notice(&revoked(&"x".repeat(500), "macOS"));
        assert!(matches!(
            decode_notice(&long),
            Some(DeviceNotice::Revoked { device }) if device.browser.as_ref().is_some_and(|b| b.len() == 64)
        ));
    }
}
