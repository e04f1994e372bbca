//! Signing in and out, around the host's own authentication: [`Login`] (how
//! the upcoming login authenticated), [`CurrentSession::login`],
//! [`CurrentSession::logout`] and [`CurrentSession::record_failed_login`].

use tower_sessions::session::Id;

use super::{
    CurrentSession, NewDevice, RepeatedFailedLogins, RevokeReason, SessionHandle,
    clock::duration_ms,
    config::SessionsConfig,
    current::store_error,
    device::{DeviceInfo, DeviceOptions},
    geo::{GeoInfo, round_coordinate},
    http::RequestInfo,
    ids::{IdHash, new_device_id},
    registry::{self, INIT_KEY, ROW_KEY, RowInit, RowMeta, Watch},
    trail::{self, NewEvent, normalize_identity},
};
use crate::{
    error::SessionsError,
    types::{AuthMethod, HistoryKind},
};

/// The browser-continuity cookie lives 400 days, renewed at every sign-in:
/// browsers cap cookie lifetimes there (RFC 6265bis), so a longer `Max-Age`
/// would only be cut.
const DEVICE_COOKIE_MAX_AGE_SECS: u64 = 400 * 24 * 3600;

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
    /// The host's own method name ([`Login::custom`]), stored instead of
    /// `method`'s.
    pub custom_method: Option<String>,
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

    /// A login by a method of the host's own ("saml_okta", "webauthn_conditional"):
    /// stored as given — lower-case letters, digits, `_` and `-`, at most 40
    /// (other characters become `_`) — and labelled per locale by
    /// [`SessionsConfig::method_labels`](crate::server::SessionsConfig::method_labels).
    /// A built-in method's name gives that method.
    pub fn custom(method: impl AsRef<str>) -> Self {
        let name: String = method
            .as_ref()
            .trim()
            .chars()
            .take(40)
            .map(|c| {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let builtin = AuthMethod::from_db(&name);
        if builtin != AuthMethod::Unknown || name.is_empty() || name == "unknown" {
            return Self::new(builtin);
        }
        Self {
            custom_method: Some(name),
            ..Self::new(AuthMethod::Unknown)
        }
    }

    /// The stored method name: the custom one, else the method's.
    pub fn method_name(&self) -> &str {
        self.custom_method.as_deref().unwrap_or(self.method.as_str())
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
    pub handle: SessionHandle,
    /// Whether the login matched no device the user signed in from before.
    pub new_device: bool,
    /// The parsed device.
    pub device: DeviceInfo,
}

impl CurrentSession {
    /// Signs `user_id` in on this request, after the host verified its
    /// credentials: cycles the session id (no fixation), records the device,
    /// the auth method and a `login` event, replaces this browser's older row
    /// for the same user and evicts sessions beyond the per-user cap.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the session cannot be stored.
    #[tracing::instrument(skip_all, fields(user.id = %user_id.as_ref(), method = login.method_name()))]
    pub async fn login(&self, user_id: impl AsRef<str>, login: Login) -> Result<LoginOutcome, SessionsError> {
        let user_id = user_id.as_ref();
        self.start_fresh_session(user_id).await?;
        let request = self.request();
        let Observed { device, geo } = observe(self.sessions().config(), request);
        let device_id = self.device_id_or_mint();
        let now = self.sessions().now_ms();
        let init = login_row(
            user_id,
            &login,
            RowInit::observed(request, &device, &geo),
            &device_id,
            now,
        );
        let (meta, id_hash, session_id) = self.insert_row(init.clone()).await?;
        self.set_signed_in(&meta, id_hash.clone(), session_id);
        tracing::info!(user.id = %user_id, session = %id_hash.short(), method = login.method_name(), "signed in");

        // Everything below is tracking: it fails open.
        // Independent reads (and the superseded rows' ending): side by side.
        let (new_device, superseded) = tokio::join!(
            self.is_new_device(user_id, &device_id, &device),
            self.end_superseded_rows(user_id, &device_id, &id_hash),
        );
        let mut event = NewEvent::new(HistoryKind::Login, now);
        event.user_id = Some(user_id.to_owned());
        event.identity = login.identity.as_deref().map(normalize_identity);
        event.session_handle = Some(meta.handle.clone());
        event.new_device = new_device;
        event.request_id = request.request_id.clone();
        event.coordinates = coordinates(&geo, self.sessions().config().geo_precision);
        let source = init.to_source();
        // For the user's open pages elsewhere: "New sign-in: Firefox 139 on Windows · Madrid".
        let place = crate::server::geo::place::StoredPlace::signed_in(&source);
        let live = crate::types::SessionEvent::SignedIn {
            device: stored_label!(source),
            location: place.english(),
            location_names: place.localized(),
        };
        event.source = Some(source);
        let login_event = self.write_login_events(event, superseded, &meta.handle).await;
        if let Some(ip) = super::locate::deferred_ip(self.sessions().config(), request, &geo) {
            super::locate::fill_in_later(
                self.sessions(),
                ip,
                Some((user_id.to_owned(), meta.handle.clone())),
                login_event.into_iter().collect(),
            );
        }
        self.sessions()
            .store()
            .tell_live(user_id, super::live::LiveMsg::SignedIn(std::sync::Arc::new(live)));

        Ok(LoginOutcome {
            handle: SessionHandle::from_stored(meta.handle),
            new_device,
            device,
        })
    }

    /// A different user in the same browser gets a fresh, empty session; the
    /// id is cycled either way (no fixation).
    async fn start_fresh_session(&self, user_id: &str) -> Result<(), SessionsError> {
        let previous_user = self.user_id();
        if previous_user.is_some() && previous_user.as_deref() != Some(user_id) {
            self.session().clear().await;
        }
        // Cycling deletes a signed-in row: the library's own doing (the
        // tracker must not report it as a sign-out).
        let _watch = self.state().id_hash.map(|hash| {
            let watch = self.sessions().store().watch(&hash);
            // The same user signing in again keeps a live session (its pages
            // reconnect); another user's is an ending.
            if previous_user.as_deref() == Some(user_id) {
                watch.claim_cycle();
            } else {
                watch.claim();
            }
            watch
        });
        if self.session().id().is_none() {
            // No session yet (a browser without a cookie): the row `save`
            // creates gets a fresh id anyway, and there is nothing to delete
            // (`cycle_id` would delete a random id, one round trip for nothing).
            return Ok(());
        }
        self.session().cycle_id().await.map_err(store_error)
    }

    /// This browser's continuity id; a first login mints one and sets its
    /// signed cookie on the response.
    fn device_id_or_mint(&self) -> String {
        if let Some(id) = &self.request().device_id {
            return id.clone();
        }
        let config = self.sessions().config();
        let id = new_device_id();
        self.push_cookie(format!(
            "{}={}; Max-Age={}; {}",
            config.device_cookie_full_name(),
            config.secret.sign(&id),
            DEVICE_COOKIE_MAX_AGE_SECS,
            config.cookie_attributes(),
        ));
        id
    }

    /// Hands the new row's columns to the store, which inserts it atomically
    /// with the session; returns its tracking columns, id hash and id.
    async fn insert_row(&self, init: RowInit) -> Result<(RowMeta, IdHash, Id), SessionsError> {
        let session = self.session();
        session
            .insert(INIT_KEY, init)
            .await
            .map_err(|_| SessionsError::Internal)?;
        session.save().await.map_err(store_error)?;
        let id = session.id().ok_or(SessionsError::Internal)?;
        let meta: RowMeta = session
            .get(ROW_KEY)
            .await
            .map_err(store_error)?
            .ok_or(SessionsError::Internal)?;
        Ok((meta, IdHash::of(&id), id))
    }

    /// Whether this login matches no device the user signed in from before
    /// (a first-ever login is never "new"; a failed check is "not new").
    async fn is_new_device(&self, user_id: &str, device_id: &str, device: &DeviceInfo) -> bool {
        let db = self.sessions().db();
        // A match implies a prior login: the common case (a known browser)
        // costs one indexed probe.
        let matching = trail::has_matching_device(
            db,
            user_id,
            Some(device_id),
            Some(device.device_type.as_str()),
            device.os_name.as_deref(),
            device.browser_name.as_deref(),
            device.app_name.as_deref(),
        )
        .await;
        let result = match matching {
            Ok(true) => Ok(false),
            Ok(false) => trail::has_prior_login(db, user_id).await,
            Err(err) => Err(err),
        };
        result.unwrap_or_else(|err| {
            tracing::warn!(error = %err, "new-device check failed");
            false
        })
    }

    /// Ends this browser's older rows for the same user and the user's rows
    /// beyond the cap (`pruned`); returns their events, to be written after
    /// the login's own.
    async fn end_superseded_rows(&self, user_id: &str, device_id: &str, id_hash: &IdHash) -> Vec<NewEvent> {
        let sessions = self.sessions();
        let db = sessions.db();
        let mut replaced = registry::same_browser_rows(db, user_id, device_id, id_hash.as_str())
            .await
            .unwrap_or_default();
        if let Some(cap) = sessions.config().max_sessions_per_user {
            let over = registry::rows_over_cap(db, user_id, u64::from(cap))
                .await
                .unwrap_or_default();
            for row in over {
                if row.id_hash != id_hash.as_str() && !replaced.iter().any(|r| r.id_hash == row.id_hash) {
                    replaced.push(row);
                }
            }
        }
        if replaced.is_empty() {
            return Vec::new();
        }
        match sessions.end_rows(replaced).await {
            Ok(ended) => sessions.revoked_events(ended, RevokeReason::Pruned),
            Err(err) => {
                tracing::warn!(error = %err, "could not prune old sessions");
                Vec::new()
            }
        }
    }

    /// Writes the login event (first) and the superseded rows' events, then
    /// fires `on_new_device` with the stored login event.
    /// Writes the login's events; the login event's id when it was written.
    async fn write_login_events(
        &self,
        login: NewEvent,
        superseded: Vec<NewEvent>,
        handle: &str,
    ) -> Option<i64> {
        let new_device = login.new_device;
        let mut events = vec![login];
        events.extend(superseded);
        let written = self.sessions().write_events(events).await;
        let login_id = written.first().map(|e| e.id).filter(|id| *id != 0);
        let sessions = self.sessions();
        if new_device && let Some(login_event) = written.into_iter().next() {
            let user_id = login_event.user_id.clone().unwrap_or_default();
            // A link only for a hook that can hand it to the person.
            let disavow = if sessions.config().hooks.wants_new_device()
                && sessions.config().disavow_link_lifetime.is_some()
            {
                let handle = SessionHandle::from_stored(handle.to_owned());
                sessions
                    .issue_disavow_link(&user_id, &handle, Some(login_event.id))
                    .await
                    .inspect_err(
                        |err| tracing::warn!(error = %err, "could not issue a \"This wasn't me\" link"),
                    )
                    .ok()
            } else {
                None
            };
            sessions.config().hooks.new_device(NewDevice {
                user_id,
                session_handle: handle.to_owned(),
                event: login_event,
                disavow,
            });
        }
        login_id
    }

    /// Gives this signed-in session a new id (and cookie) and keeps its row:
    /// the same handle, device, location, sign-in method and times; the old
    /// id stops working at once. Call it when the session's privilege
    /// changes (a password change, a second factor added) so an id seen
    /// before is worthless. [`Sessions::change_password`](crate::server::Sessions::change_password)
    /// does it for the session that changed the password.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`] on an anonymous request (or one whose
    /// session ended meanwhile), [`SessionsError::Unavailable`] when the store
    /// cannot be reached.
    #[tracing::instrument(skip_all)]
    pub async fn rotate_id(&self) -> Result<(), SessionsError> {
        let Some(hash) = self.id_hash().filter(|_| self.user_id().is_some()) else {
            return Err(SessionsError::NotSignedIn);
        };
        // Claimed: the row's deletion is the library's own (no `logout`).
        let watch = self.sessions().store().watch(&hash);
        watch.claim_cycle();
        self.session().cycle_id().await.map_err(store_error)?;
        let Some(row) = watch.take_deleted().filter(|r| !r.handle.is_empty()) else {
            // Revoked meanwhile: nothing to carry over.
            self.clear_state();
            return Err(SessionsError::NotSignedIn);
        };
        let (meta, id_hash, session_id) = self.insert_row(RowInit::carried(row)).await?;
        tracing::info!(session = %id_hash.short(), previous = %hash.short(), "session id rotated");
        self.set_signed_in(&meta, id_hash, session_id);
        self.set_no_store();
        Ok(())
    }

    /// Signs out: deletes this session's row, clears the cookie and marks the
    /// response `Cache-Control: no-store`. Anonymous requests are a no-op.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the row cannot be deleted.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self) -> Result<(), SessionsError> {
        let state = self.state();
        self.set_no_store();
        // Claimed: the event is written here, by nobody else; the store
        // keeps the row's columns for it (also when the host or axum-login
        // flushed the session earlier in this request).
        let watch = state.id_hash.as_ref().map(|hash| {
            let watch = self.sessions().store().watch(hash);
            watch.claim();
            watch
        });
        self.session().flush().await.map_err(store_error)?;
        let row = watch.as_ref().and_then(Watch::take_deleted);
        self.clear_state();
        // No row deleted by this request: the session had already ended (a
        // revocation or a concurrent sign-out wrote its event).
        if let (Some(user_id), Some(hash), Some(row)) = (state.user_id, state.id_hash, row) {
            let row = Some(row).filter(|r| !r.handle.is_empty());
            tracing::info!(user.id = %user_id, session = %hash.short(), "signed out");
            let mut event = NewEvent::new(HistoryKind::Logout, self.sessions().now_ms());
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
        self.record_failed(identity, reason, None).await;
    }

    /// [`CurrentSession::record_failed_login`] saying how the attempt tried:
    /// its method, provider and the second factor that failed
    /// (`Login::password().second_factor("totp")` for a wrong one-time
    /// code after a right password). Its identity and detail are not used.
    pub async fn record_failed_login_with(&self, identity: &str, reason: &str, attempt: &Login) {
        self.record_failed(identity, reason, Some(attempt)).await;
    }

    /// Records a second factor verified on this signed-in session — a
    /// step-up before a sensitive action: the devices list shows it
    /// ("with security key") from then on. `factor` is `webauthn`, `totp`,
    /// `sms`, `backup_code`, `email` or a name of the host's own (at most
    /// 40 characters kept).
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`]; [`SessionsError::Unavailable`] when
    /// the row cannot be written.
    pub async fn second_factor(&self, factor: &str) -> Result<(), SessionsError> {
        use leptos_sessions_entity::session;
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, sea_query::Expr};

        self.require_user()?;
        let hash = self.id_hash().ok_or(SessionsError::NotSignedIn)?;
        let factor: String = factor
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(40)
            .collect();
        session::Entity::update_many()
            .col_expr(session::Column::SecondFactor, Expr::value(factor))
            .filter(session::Column::IdHash.eq(hash.as_str()))
            .exec(self.sessions().db())
            .await
            .map_err(|err| {
                tracing::error!(error = %err, "leptos-sessions: recording a second factor failed");
                SessionsError::Unavailable
            })?;
        Ok(())
    }

    async fn record_failed(&self, identity: &str, reason: &str, attempt: Option<&Login>) {
        let sessions = self.sessions();
        if !sessions.config().track_failed_logins {
            return;
        }
        let config = sessions.config();
        let request = self.request();
        let Observed { device, geo } = observe(config, request);
        let now = sessions.now_ms();
        let identity = Some(normalize_identity(identity)).filter(|i| !i.is_empty());
        if let Some(budget) = &config.failed_login_budget {
            let ip = request.ip.map(|ip| ip.to_string());
            let (over, closed) =
                sessions
                    .failed_logins()
                    .admit(budget, ip.as_deref(), identity.as_deref(), now);
            sessions.write_throttled(closed).await;
            if over.is_some() {
                tracing::info!(reason = %reason, "failed sign-in (over the budget: counted, not stored)");
                return;
            }
        }
        let mut source = RowInit::observed(request, &device, &geo);
        source.device_id = request.device_id.clone();
        if let Some(attempt) = attempt {
            source.auth_method = Some(attempt.method_name().to_owned());
            source.auth_provider = attempt.provider.clone();
            source.second_factor = attempt.second_factor.clone();
        }
        let mut event = NewEvent::new(HistoryKind::FailedLogin, now);
        event.identity = identity.clone();
        event.reason = Some(reason.to_owned());
        event.request_id = request.request_id.clone();
        event.coordinates = coordinates(&geo, config.geo_precision);
        event.source = Some(source.to_source());
        tracing::info!(reason = %reason, "failed sign-in");
        let written = sessions.write_events(vec![event]).await;
        if let Some(ip) = super::locate::deferred_ip(config, request, &geo) {
            let ids = written.iter().map(|e| e.id).filter(|id| *id != 0).collect();
            super::locate::fill_in_later(sessions, ip, None, ids);
        }

        // Opt-in threshold crossing: fires for the attempt that makes the
        // count within the window reach the threshold, exactly once per crossing.
        if let (Some((threshold, window)), Some(identity), Some(failure)) = (
            config.repeated_failed_logins,
            identity,
            written.into_iter().next(),
        ) && config.hooks.wants_repeated_failures()
            && failure.id != 0
        {
            let since = now - duration_ms(window);
            match trail::failures_up_to(sessions.db(), &identity, since, failure.id).await {
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
    let geo = super::locate::locate_now(config, request).unwrap_or_default();
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

/// The columns of a login's new row: what was observed, plus who, how and
/// which browser.
fn login_row(user_id: &str, login: &Login, observed: RowInit, device_id: &str, now: i64) -> RowInit {
    RowInit {
        user_id: Some(user_id.to_owned()),
        device_id: Some(device_id.to_owned()),
        auth_method: Some(login.method_name().to_owned()),
        auth_provider: login.provider.clone(),
        auth_detail: login.detail.as_ref().map(ToString::to_string),
        second_factor: login.second_factor.clone(),
        authenticated_at: Some(now),
        ..observed
    }
}
