//! [`CurrentSession`]: the per-request view of the session, and the seams the
//! host calls around its own authentication (`login`, `logout`,
//! `record_failed_login`).

use std::sync::{Arc, Mutex, MutexGuard};

use axum::{extract::FromRequestParts, http::request::Parts, response::IntoResponse};
use http::{HeaderValue, StatusCode, header};
use tower_sessions::Session;

use super::{
    EventKind, RevokeReason, Sessions,
    config::SessionsConfig,
    db,
    device::{DeviceInfo, DeviceOptions},
    events::{NewEvent, normalize_identity},
    geo::{GeoInfo, round_coordinate},
    hooks::{NewDevice, RepeatedFailedLogins},
    ids::{IdHash, new_device_id},
    request::RequestInfo,
    store::{INIT_KEY, ROW_KEY, RowInit, RowMeta},
};
use crate::{
    error::SessionsError,
    types::{AuthMethod, DeviceList, HistoryList, LastLogin},
};

/// How the upcoming login authenticated. The host says it; the library never guesses.
#[derive(Debug, Clone, Default)]
pub struct Login {
    /// The method.
    pub method: AuthMethod,
    /// OAuth/SSO provider (e.g. `"google"`).
    pub provider: Option<String>,
    /// Free-form details (e.g. `{"user_verified": true}`), stored as JSON.
    pub detail: Option<serde_json::Value>,
    /// Second factor used, e.g. `"totp"`, `"webauthn"`, `"backup_code"`.
    pub second_factor: Option<String>,
    /// The identity as typed (e.g. the email), recorded normalized on the event.
    pub identity: Option<String>,
}

impl Login {
    /// A login with `method`.
    pub fn new(method: AuthMethod) -> Self {
        Self {
            method,
            ..Self::default()
        }
    }

    /// A password login.
    pub fn password() -> Self {
        Self::new(AuthMethod::Password)
    }

    /// An OAuth login through `provider`.
    pub fn oauth(provider: impl Into<String>) -> Self {
        Self {
            provider: Some(provider.into()),
            ..Self::new(AuthMethod::Oauth)
        }
    }

    /// Records the identity as typed.
    #[must_use]
    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// Records a second factor.
    #[must_use]
    pub fn second_factor(mut self, factor: impl Into<String>) -> Self {
        self.second_factor = Some(factor.into());
        self
    }

    /// Attaches details.
    #[must_use]
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }
}

/// What a login produced.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// Public handle of the new session.
    pub handle: String,
    /// Whether the login matched no device the user signed in from before.
    pub new_device: bool,
    /// The parsed device.
    pub device: DeviceInfo,
}

#[derive(Debug, Clone, Default)]
struct State {
    user_id: Option<String>,
    handle: Option<String>,
    id_hash: Option<IdHash>,
}

#[derive(Debug, Default)]
struct Effects {
    set_cookies: Vec<String>,
    no_store: bool,
}

/// The session of the current request, inserted by [`super::SessionsLayer`].
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
    request: std::sync::OnceLock<RequestInfo>,
    headers: http::HeaderMap,
    peer: Option<std::net::SocketAddr>,
    state: Mutex<State>,
    effects: Mutex<Effects>,
}

impl std::fmt::Debug for CurrentSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
        peer: Option<std::net::SocketAddr>,
    ) -> Self {
        Self {
            inner: Arc::new(CurrentInner {
                sessions,
                session,
                request: std::sync::OnceLock::new(),
                headers,
                peer,
                state: Mutex::new(State::default()),
                effects: Mutex::new(Effects::default()),
            }),
        }
    }

    fn state(&self) -> State {
        lock(&self.inner.state).clone()
    }

    pub(crate) fn set_signed_in(&self, meta: &RowMeta, id_hash: IdHash) {
        let mut state = lock(&self.inner.state);
        state.user_id = meta.user_id.clone();
        state.handle = Some(meta.handle.clone());
        state.id_hash = Some(id_hash);
    }

    fn clear_state(&self) {
        *lock(&self.inner.state) = State::default();
    }

    /// The signed-in user's id, if any.
    pub fn user_id(&self) -> Option<String> {
        lock(&self.inner.state).user_id.clone()
    }

    /// The signed-in user's id.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`] for anonymous requests.
    pub fn require_user(&self) -> Result<String, SessionsError> {
        self.user_id().ok_or(SessionsError::NotSignedIn)
    }

    /// Public handle of this session, if signed in.
    pub fn handle(&self) -> Option<String> {
        lock(&self.inner.state).handle.clone()
    }

    /// The hashed id of this session, if it has a row.
    pub fn id_hash(&self) -> Option<IdHash> {
        lock(&self.inner.state).id_hash.clone()
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

    pub(crate) fn take_effects(&self) -> (Vec<String>, bool) {
        let mut effects = lock(&self.inner.effects);
        (std::mem::take(&mut effects.set_cookies), effects.no_store)
    }

    /// Signs `user_id` in on this request, after the host verified its
    /// credentials: cycles the session id (no fixation), records the device,
    /// the auth method and a `login` event, replaces this browser's older row
    /// for the same user and evicts sessions beyond the per-user cap.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the session cannot be stored.
    #[tracing::instrument(skip_all, fields(user.id = %user_id.as_ref(), method = login.method.as_str()))]
    pub async fn login(&self, user_id: impl AsRef<str>, login: Login) -> Result<LoginOutcome, SessionsError> {
        let user_id = user_id.as_ref().to_owned();
        let sessions = self.sessions();
        let config = sessions.config();
        let session = self.session();
        let previous_user = self.user_id();

        // A different user in the same browser gets a fresh, empty session.
        if previous_user.as_deref() != Some(user_id.as_str()) && previous_user.is_some() {
            session.clear().await;
        }
        session.cycle_id().await.map_err(store_error)?;

        let request = self.request();
        let Observed { device, geo } = observe(config, request);
        let device_id = match &request.device_id {
            Some(id) => id.clone(),
            None => {
                let id = new_device_id();
                self.push_cookie(format!(
                    "{}={}; Max-Age={}; {}",
                    config.device_cookie_full_name(),
                    config.secret.sign(&id),
                    5 * 365 * 24 * 3600,
                    config.cookie_attributes(),
                ));
                id
            }
        };
        let now = sessions.now_ms();
        let init = RowInit {
            user_id: Some(user_id.clone()),
            ip: request.ip.map(|ip| ip.to_string()),
            user_agent: request.user_agent.clone(),
            device_name: Some(device.display_name()),
            browser_name: device.browser_name.clone(),
            browser_version: device.browser_version.clone(),
            os_name: device.os_name.clone(),
            os_version: device.os_version.clone(),
            device_type: Some(device.device_type.as_str().to_owned()),
            device_model: device.device_model.clone(),
            app_name: device.app_name.clone(),
            app_version: device.app_version.clone(),
            app_build: device.app_build.clone(),
            client_hints: device.client_hints.clone(),
            country_code: geo.country_code.clone(),
            country_name: geo.country_name.clone(),
            region: geo.region.clone(),
            city: geo.city.clone(),
            device_id: Some(device_id.clone()),
            auth_method: Some(login.method.as_str().to_owned()),
            auth_provider: login.provider.clone(),
            auth_detail: login.detail.as_ref().map(ToString::to_string),
            second_factor: login.second_factor.clone(),
            authenticated_at: Some(now),
        };
        session
            .insert(INIT_KEY, init)
            .await
            .map_err(|_| SessionsError::Internal)?;
        session.save().await.map_err(store_error)?;
        let Some(id) = session.id() else {
            return Err(SessionsError::Internal);
        };
        let id_hash = IdHash::of(&id);
        let meta: RowMeta = session
            .get(ROW_KEY)
            .await
            .map_err(store_error)?
            .ok_or(SessionsError::Internal)?;
        self.set_signed_in(&meta, id_hash.clone());
        tracing::info!(user.id = %user_id, session = %id_hash.short(), method = login.method.as_str(), "signed in");

        // Everything below is tracking: it fails open.
        let db = sessions.db();
        let mut events = Vec::new();
        let new_device = match db::has_prior_login(db, &user_id).await {
            Ok(false) => false,
            Ok(true) => !db::has_matching_device(
                db,
                &user_id,
                Some(&device_id),
                Some(device.device_type.as_str()),
                device.os_name.as_deref(),
                device.browser_name.as_deref(),
                device.app_name.as_deref(),
            )
            .await
            .unwrap_or(true),
            Err(err) => {
                tracing::warn!(error = %err, "new-device check failed");
                false
            }
        };
        // This browser's older row for the same user is replaced.
        let mut replaced = db::same_browser_rows(db, &user_id, &device_id, id_hash.as_str())
            .await
            .unwrap_or_default();
        if let Some(cap) = config.max_sessions_per_user {
            let over = db::rows_over_cap(db, &user_id, u64::from(cap))
                .await
                .unwrap_or_default();
            for row in over {
                if row.id_hash != id_hash.as_str() && !replaced.iter().any(|r| r.id_hash == row.id_hash) {
                    replaced.push(row);
                }
            }
        }
        if !replaced.is_empty() {
            match sessions
                .store()
                .delete_by_hashes(replaced.iter().map(|r| r.id_hash.clone()).collect())
                .await
            {
                Ok(_) => events.extend(
                    replaced
                        .into_iter()
                        .map(|row| sessions.revoked_event(row, RevokeReason::Pruned)),
                ),
                Err(err) => tracing::warn!(error = %err, "could not prune old sessions"),
            }
        }
        let mut event = NewEvent::new(EventKind::Login, now);
        event.user_id = Some(user_id);
        event.identity = login.identity.as_deref().map(normalize_identity);
        event.session_handle = Some(meta.handle.clone());
        event.new_device = new_device;
        event.request_id = request.request_id.clone();
        event.coordinates = coordinates(&geo, config.geo_precision);
        event.source = Some(init_for_event(request, &device, &geo, &device_id, &login));
        events.insert(0, event);
        let written = sessions.write_events(events).await;
        if new_device && let Some(login_event) = written.into_iter().next() {
            config.hooks.new_device(NewDevice {
                user_id: login_event.user_id.clone().unwrap_or_default(),
                session_handle: meta.handle.clone(),
                event: login_event,
            });
        }

        Ok(LoginOutcome {
            handle: meta.handle,
            new_device,
            device,
        })
    }

    /// Signs out: deletes this session's row, clears the cookie and marks the
    /// response `Cache-Control: no-store`. Anonymous requests are a no-op.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the row cannot be deleted.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self) -> Result<(), SessionsError> {
        let state = self.state();
        lock(&self.inner.effects).no_store = true;
        let row = match &state.id_hash {
            Some(hash) => self.row(hash).await,
            None => None,
        };
        self.session().flush().await.map_err(store_error)?;
        self.clear_state();
        if let (Some(user_id), Some(hash)) = (state.user_id, state.id_hash) {
            tracing::info!(user.id = %user_id, session = %hash.short(), "signed out");
            let mut event = NewEvent::new(EventKind::Logout, self.sessions().now_ms());
            event.user_id = Some(user_id);
            event.session_handle = state.handle;
            event.request_id = self.request().request_id.clone();
            event.source = row;
            self.sessions().write_events(vec![event]).await;
        }
        Ok(())
    }

    /// Records a failed sign-in: the identity as typed (normalized), the reason
    /// verbatim, never a password and never a link to an account.
    pub async fn record_failed_login(&self, identity: &str, reason: &str) {
        let sessions = self.sessions();
        if !sessions.config().track_failed_logins {
            return;
        }
        let config = sessions.config();
        let request = self.request();
        let Observed { device, geo } = observe(config, request);
        let now = sessions.now_ms();
        let identity = Some(normalize_identity(identity)).filter(|i| !i.is_empty());
        let mut event = NewEvent::new(EventKind::FailedLogin, now);
        event.identity = identity.clone();
        event.reason = Some(reason.to_owned());
        event.request_id = request.request_id.clone();
        event.coordinates = coordinates(&geo, config.geo_precision);
        let mut source = super::events::empty_row();
        fill_device(&mut source, request, &device, &geo);
        source.device_id = request.device_id.clone();
        event.source = Some(source);
        tracing::info!(reason = %reason, "failed sign-in");
        let written = sessions.write_events(vec![event]).await;

        // Opt-in threshold crossing: fires for the attempt that makes the
        // count within the window reach the threshold, exactly once per crossing.
        if let (Some((threshold, window)), Some(identity), Some(failure)) = (
            config.repeated_failed_logins,
            identity,
            written.into_iter().next(),
        ) && config.hooks.wants_repeated_failures()
            && failure.id != 0
        {
            let since = now - super::clock::duration_ms(window);
            match db::failures_up_to(sessions.db(), &identity, since, failure.id).await {
                Ok(count) if count == u64::from(threshold) => {
                    config.hooks.repeated_failed_logins(RepeatedFailedLogins {
                        identity,
                        count,
                        event: failure,
                    });
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "repeated-failure check failed"),
            }
        }
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
        let identities = sessions.identities_of(&user).await?;
        sessions.history(&user, &identities, limit).await
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
        self.sessions().list_devices(&user, self.id_hash().as_ref()).await
    }

    /// Logs out one of the user's other devices.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`], [`SessionsError::InvalidHandle`],
    /// [`SessionsError::CurrentSession`] for this very session,
    /// [`SessionsError::NotFound`] for unknown and foreign handles alike.
    pub async fn revoke(&self, handle: &str) -> Result<(), SessionsError> {
        let user = self.require_user()?;
        if !super::ids::is_valid_handle(handle) {
            return Err(SessionsError::InvalidHandle);
        }
        if self.handle().as_deref() == Some(handle) {
            return Err(SessionsError::CurrentSession);
        }
        self.check_reauthentication().await?;
        self.sessions()
            .revoke_handle(&user, handle, RevokeReason::UserRevoked)
            .await
    }

    /// "Sign out everywhere else": ends all of the user's other sessions and
    /// returns how many.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`], [`SessionsError::Unavailable`].
    pub async fn revoke_others(&self) -> Result<u64, SessionsError> {
        let user = self.require_user()?;
        self.check_reauthentication().await?;
        let current = self.id_hash();
        self.sessions()
            .revoke_all_except(&user, current.as_ref(), RevokeReason::LogoutEverywhere)
            .await
    }

    /// This session's full registry row (device, IP, geo), to copy onto the
    /// event that ends it; `None` when it is gone or unreadable (the event is
    /// then written without those columns).
    pub(crate) async fn row(&self, hash: &IdHash) -> Option<leptos_sessions_entity::session::Model> {
        use sea_orm::EntityTrait as _;
        leptos_sessions_entity::session::Entity::find_by_id(hash.as_str().to_owned())
            .one(self.sessions().db())
            .await
            .ok()
            .flatten()
    }
}

fn store_error(err: tower_sessions::session::Error) -> SessionsError {
    tracing::error!(error = %err, "leptos-sessions: session store error");
    SessionsError::Unavailable
}

/// What a login or attempt records about the device and its location.
struct Observed {
    device: DeviceInfo,
    geo: GeoInfo,
}

/// Parses the device and locates the IP, each isolated: a panicking parser
/// degrades to "Unknown device", a panicking geo lookup to no location.
fn observe(config: &SessionsConfig, request: &RequestInfo) -> Observed {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let ua = request.user_agent.as_deref().unwrap_or_default();
    let headers = request.device_headers.as_slice();
    let device = catch_unwind(AssertUnwindSafe(|| match &config.device_parser {
        Some(parser) => parser.parse(ua, headers),
        None => DeviceInfo::parse_with(
            ua,
            headers,
            &DeviceOptions {
                native_app_names: config.native_app_names.clone(),
                client_hints: config.request_client_hints,
            },
        ),
    }))
    .unwrap_or_else(|_| {
        tracing::error!("leptos-sessions: device parser panicked; recording an unknown device");
        DeviceInfo::default()
    });
    let geo = match (&config.geo, request.ip) {
        (Some(geo), Some(ip)) => catch_unwind(AssertUnwindSafe(|| geo.lookup(ip)))
            .unwrap_or_else(|_| {
                tracing::error!("leptos-sessions: geo lookup panicked; recording no location");
                None
            })
            .unwrap_or_default(),
        _ => GeoInfo::default(),
    };
    Observed { device, geo }
}

fn coordinates(geo: &GeoInfo, precision: u8) -> Option<(f64, f64)> {
    match (geo.latitude, geo.longitude) {
        (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => {
            Some((round_coordinate(lat, precision), round_coordinate(lon, precision)))
        }
        _ => None,
    }
}

fn fill_device(
    row: &mut leptos_sessions_entity::session::Model,
    request: &RequestInfo,
    device: &DeviceInfo,
    geo: &GeoInfo,
) {
    row.country_code = geo.country_code.clone();
    row.country_name = geo.country_name.clone();
    row.region = geo.region.clone();
    row.city = geo.city.clone();
    row.user_agent = request.user_agent.clone();
    row.ip = request.ip.map(|ip| ip.to_string());
    row.device_name = Some(device.display_name());
    row.browser_name = device.browser_name.clone();
    row.browser_version = device.browser_version.clone();
    row.os_name = device.os_name.clone();
    row.os_version = device.os_version.clone();
    row.device_type = Some(device.device_type.as_str().to_owned());
    row.device_model = device.device_model.clone();
    row.app_name = device.app_name.clone();
    row.app_version = device.app_version.clone();
}

fn init_for_event(
    request: &RequestInfo,
    device: &DeviceInfo,
    geo: &GeoInfo,
    device_id: &str,
    login: &Login,
) -> leptos_sessions_entity::session::Model {
    let mut row = super::events::empty_row();
    fill_device(&mut row, request, device, geo);
    row.device_id = Some(device_id.to_owned());
    row.auth_method = Some(login.method.as_str().to_owned());
    row.auth_provider = login.provider.clone();
    row.auth_detail = login.detail.as_ref().map(ToString::to_string);
    row.second_factor = login.second_factor.clone();
    row
}

/// Rejection when [`super::SessionsLayer`] is not installed.
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
