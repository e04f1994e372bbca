//! The server core (feature `ssr`): the registry store, the axum layer, the
//! login/logout seams, device parsing and the trail.

pub mod clock;
pub mod config;
pub mod context;
pub mod db;
pub mod device;
pub mod events;
pub mod geo;
pub mod hooks;
pub mod ids;
pub mod json_api;
pub mod layer;
pub mod request;
pub mod store;
pub mod trail;

use std::{fmt, sync::Arc};

use leptos_sessions_entity::session;
use leptos_sessions_migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbErr};

pub use self::{
    clock::{Clock, ManualClock, SystemClock},
    config::{ConfigError, IpMode, IpNet, SessionsConfig, TimeoutPreset},
    context::{CurrentSession, Login, LoginOutcome},
    device::{DefaultDeviceParser, DeviceInfo, DeviceOptions, DeviceParser},
    events::{EventKind, RevokeReason, normalize_identity},
    geo::{GeoError, GeoInfo, GeoLookup, MaxMindGeo},
    hooks::{Event, Hooks, NewDevice, ReauthGate, RepeatedFailedLogins, SessionRevoked},
    ids::{CookieKey, IdHash},
    layer::SessionsLayer,
    request::RequestInfo,
    store::{RegistryCache, RegistryStore},
    trail::{TrailGroup, TrailQuery},
};
use self::{events::NewEvent, ids::is_valid_handle};
use crate::{
    error::SessionsError,
    types::{DeviceList, DeviceType, DeviceView, HistoryEntry, HistoryKind, HistoryList, LastLogin},
};

/// The library's handle: database, configuration and clock. Cheap to clone.
///
/// Create one at start-up, run [`Sessions::migrate`], and wrap the host's
/// router in [`Sessions::layer`].
#[derive(Clone)]
pub struct Sessions {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    config: SessionsConfig,
    clock: Arc<dyn Clock>,
    store: RegistryStore,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Sessions {
    /// A handle on `db` with `config`, on the system clock.
    ///
    /// # Errors
    /// [`ConfigError`] when the configuration cannot work.
    pub fn new(db: DatabaseConnection, config: SessionsConfig) -> Result<Self, ConfigError> {
        Self::with_clock(db, config, Arc::new(SystemClock))
    }

    /// Like [`Sessions::new`] with an injected clock (tests).
    ///
    /// # Errors
    /// [`ConfigError`] when the configuration cannot work.
    pub fn with_clock(
        db: DatabaseConnection,
        config: SessionsConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let store = RegistryStore::new(db.clone(), clock.clone());
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                config,
                clock,
                store,
            }),
        })
    }

    /// Creates or upgrades the registry and trail tables.
    ///
    /// # Errors
    /// The database error of a failed migration.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.inner.db, None).await
    }

    /// The axum layer: cross-site guard, session cookie, per-request tracking.
    pub fn layer(&self) -> SessionsLayer {
        SessionsLayer::new(self.clone())
    }

    /// The database connection.
    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// The configuration.
    pub fn config(&self) -> &SessionsConfig {
        &self.inner.config
    }

    /// The session store (for hosts that build their own `SessionManagerLayer`).
    pub fn store(&self) -> &RegistryStore {
        &self.inner.store
    }

    /// The server's "now" in ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Appends events to the trail and hands them to the hooks (the events
    /// tee, `on_session_revoked`). Fails open: a failed write is logged, never
    /// propagated (it must not break a login or a logout); hooks still run,
    /// with `id` 0 for rows that were not stored.
    pub(crate) async fn write_events(&self, events: Vec<NewEvent>) -> Vec<hooks::Event> {
        let hooks = &self.inner.config.hooks;
        let revoke_reasons: Vec<Option<RevokeReason>> = events
            .iter()
            .map(|e| {
                (e.kind == EventKind::Revoked)
                    .then(|| e.reason.as_deref().and_then(RevokeReason::from_db))
                    .flatten()
            })
            .collect();
        let models = events.into_iter().map(|e| e.into_model()).collect::<Vec<_>>();
        let with_ids = hooks.has_any();
        let models = match events::insert_events(&self.inner.db, models, with_ids).await {
            Ok(models) => models,
            Err((err, models)) => {
                tracing::error!(error = %err, "leptos-sessions: could not write to the trail");
                models
            }
        };
        for (model, reason) in models.iter().zip(revoke_reasons) {
            if let Some(reason) = reason {
                hooks.session_revoked(hooks::SessionRevoked {
                    user_id: model.user_id.clone(),
                    session_handle: model.session_handle.clone().unwrap_or_default(),
                    reason,
                    event: model.clone(),
                });
            }
            hooks.event(model.clone());
        }
        models
    }

    /// The trail, for triage: a composable query over every event (see
    /// [`TrailQuery`]). Relative windows (`last_24_hours`) use this handle's clock.
    pub fn trail(&self) -> TrailQuery {
        TrailQuery::new(self.now_ms())
    }

    /// A user's login history, newest first: their own events plus failed
    /// attempts made with any of `identities` (matched normalized; failures are
    /// never linked to an account, so matching the user's own identity is the
    /// safe way to show them).
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn history(
        &self,
        user_id: &str,
        identities: &[String],
        limit: u64,
    ) -> Result<HistoryList, SessionsError> {
        let now = self.now_ms();
        let rows = self
            .trail()
            .history_of(user_id, identities)
            .recent()
            .limit(limit.clamp(1, 1000))
            .all(self.db())
            .await
            .map_err(db_error)?;
        Ok(HistoryList {
            now,
            entries: rows.into_iter().filter_map(history_entry).collect(),
        })
    }

    /// The identities (normalized) `user_id` signed in with, from their login
    /// events: what their history matches failed attempts against.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn identities_of(&self, user_id: &str) -> Result<Vec<String>, SessionsError> {
        db::identities_of(self.db(), user_id).await.map_err(db_error)
    }

    /// How the browser with continuity id `device_id` last signed in.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn last_login_of_device(&self, device_id: &str) -> Result<Option<LastLogin>, SessionsError> {
        let row = db::last_login_of_device(self.db(), device_id)
            .await
            .map_err(db_error)?;
        Ok(row.and_then(|e| {
            Some(LastLogin {
                method: e.auth_method?,
                provider: e.auth_provider,
                at: e.occurred_at,
            })
        }))
    }

    /// The devices of `user_id`, the one with `current_hash` first and marked.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn list_devices(
        &self,
        user_id: &str,
        current_hash: Option<&IdHash>,
    ) -> Result<DeviceList, SessionsError> {
        let now = self.now_ms();
        let rows = db::user_sessions(&self.inner.db, user_id, now)
            .await
            .map_err(db_error)?;
        // One indexed read for the "new device" markers; a trail outage only
        // loses the markers, never the list.
        let handles = rows.iter().map(|r| r.handle.clone()).collect();
        let new_devices = db::new_device_handles(&self.inner.db, handles)
            .await
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "leptos-sessions: new-device markers unavailable");
                Vec::new()
            });
        let mut devices: Vec<DeviceView> = rows
            .into_iter()
            .map(|row| {
                let current = current_hash.is_some_and(|h| h.as_str() == row.id_hash);
                let new_device = new_devices.contains(&row.handle);
                device_view(row, current, new_device)
            })
            .collect();
        // Current first; the rest stay most-recent-first (stable sort).
        devices.sort_by_key(|d| !d.current);
        Ok(DeviceList { now, devices })
    }

    /// Admin: every live session row of `user_id`, most recently active
    /// first (for the host's own admin UI; holds IPs and user agents).
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn sessions_of(&self, user_id: &str) -> Result<Vec<session::Model>, SessionsError> {
        db::user_sessions(&self.inner.db, user_id, self.now_ms())
            .await
            .map_err(db_error)
    }

    /// The live session an event is about (the row a `login` event created),
    /// or `None` once it ended — a suspicious login is one lookup away from
    /// the kill switch ([`Sessions::admin_revoke`]).
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn live_session(&self, event: &hooks::Event) -> Result<Option<session::Model>, SessionsError> {
        let (Some(handle), Some(user_id)) = (event.session_handle.as_deref(), event.user_id.as_deref())
        else {
            return Ok(None);
        };
        let row = db::find_by_handle_and_user(&self.inner.db, handle, user_id)
            .await
            .map_err(db_error)?;
        Ok(row.filter(|r| r.expires_at > self.now_ms()))
    }

    /// Admin: ends one session of `user_id` with reason `admin_revoked`.
    ///
    /// # Errors
    /// As [`Sessions::revoke_handle`].
    pub async fn admin_revoke(&self, user_id: &str, handle: &str) -> Result<(), SessionsError> {
        self.revoke_handle(user_id, handle, RevokeReason::AdminRevoked)
            .await
    }

    /// Admin: ends every session of `user_id` with reason `admin_revoked`
    /// (account disabled or deleted, ASVS 7.4.2 / 7.4.5). Returns how many.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    pub async fn admin_revoke_all(&self, user_id: &str) -> Result<u64, SessionsError> {
        self.revoke_all(user_id, RevokeReason::AdminRevoked).await
    }

    /// Ends `user_id`'s session with `handle` (owner-scoped: a foreign or unknown
    /// handle gets the same [`SessionsError::NotFound`]).
    ///
    /// # Errors
    /// [`SessionsError::InvalidHandle`], [`SessionsError::NotFound`],
    /// [`SessionsError::Unavailable`].
    #[tracing::instrument(skip_all, fields(user.id = %user_id, reason = reason.as_str()))]
    pub async fn revoke_handle(
        &self,
        user_id: &str,
        handle: &str,
        reason: RevokeReason,
    ) -> Result<(), SessionsError> {
        if !is_valid_handle(handle) {
            return Err(SessionsError::InvalidHandle);
        }
        let row = db::find_by_handle_and_user(&self.inner.db, handle, user_id)
            .await
            .map_err(db_error)?
            .ok_or(SessionsError::NotFound)?;
        let deleted = self
            .inner
            .store
            .delete_by_hashes(vec![row.id_hash.clone()])
            .await
            .map_err(db_error)?;
        if deleted == 0 {
            return Err(SessionsError::NotFound);
        }
        tracing::info!(user.id = %user_id, session = %short(&row.id_hash), reason = reason.as_str(), "session revoked");
        self.write_events(vec![self.revoked_event(row, reason)]).await;
        Ok(())
    }

    /// Ends every session of `user_id` except the one with `except` (all of
    /// them when `None`). Returns how many were ended. Sessions created after
    /// the call started may survive: a login racing a revoke-all wins.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    #[tracing::instrument(skip_all, fields(user.id = %user_id, reason = reason.as_str()))]
    pub async fn revoke_all_except(
        &self,
        user_id: &str,
        except: Option<&IdHash>,
        reason: RevokeReason,
    ) -> Result<u64, SessionsError> {
        let rows: Vec<session::Model> = db::user_sessions(&self.inner.db, user_id, i64::MIN)
            .await
            .map_err(db_error)?
            .into_iter()
            .filter(|row| except.is_none_or(|e| e.as_str() != row.id_hash))
            .collect();
        let deleted = self
            .inner
            .store
            .delete_by_hashes(rows.iter().map(|r| r.id_hash.clone()).collect())
            .await
            .map_err(db_error)?;
        tracing::info!(user.id = %user_id, count = deleted, reason = reason.as_str(), "sessions revoked");
        let events = rows
            .into_iter()
            .map(|row| self.revoked_event(row, reason))
            .collect();
        self.write_events(events).await;
        Ok(deleted)
    }

    /// Ends every session of `user_id` (the account-takeover hammer; also what
    /// a host calls when it disables or deletes an account). Returns how many.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    pub async fn revoke_all(&self, user_id: &str, reason: RevokeReason) -> Result<u64, SessionsError> {
        self.revoke_all_except(user_id, None, reason).await
    }

    /// The host changed `user_id`'s password: ends every other session of that
    /// user (ASVS 3.3.3), keeping `current` — the session that changed it —
    /// when given. A no-op when `revoke_on_password_change` is off.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    pub async fn password_changed(
        &self,
        user_id: &str,
        current: Option<&CurrentSession>,
    ) -> Result<u64, SessionsError> {
        if !self.inner.config.revoke_on_password_change {
            return Ok(0);
        }
        let keep = current
            .filter(|c| c.user_id().as_deref() == Some(user_id))
            .and_then(CurrentSession::id_hash);
        self.revoke_all_except(user_id, keep.as_ref(), RevokeReason::PasswordChange)
            .await
    }

    /// Erases a user (GDPR): their registry rows, their trail, and the
    /// identities of failed attempts made with any of `identities`
    /// (blanked, so brute-force counts per IP survive). Returns
    /// `(sessions, events)` removed.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    #[tracing::instrument(skip_all, fields(user.id = %user_id))]
    pub async fn forget(&self, user_id: &str, identities: &[&str]) -> Result<(u64, u64), SessionsError> {
        let normalized: Vec<String> = identities.iter().map(|i| normalize_identity(i)).collect();
        self.inner
            .store
            .forget(user_id, normalized)
            .await
            .map_err(db_error)
    }

    /// One sweep: deletes expired sessions (with `expired` events for those
    /// that hit an idle or absolute timeout), evicts per-user overflow beyond
    /// the cap, and purges trail rows older than the retention. Schedule it
    /// (e.g. hourly or daily); it is safe to run concurrently with traffic.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    #[tracing::instrument(skip_all)]
    pub async fn sweep(&self) -> Result<SweepReport, SessionsError> {
        let config = &self.inner.config;
        let db = &self.inner.db;
        let now = self.now_ms();
        let mut report = SweepReport::default();

        // Opt-in timeouts first, so they are recorded as `expired` events.
        let idle_before = config.idle_timeout.map(|d| now - clock::duration_ms(d));
        let auth_before = config.max_session_lifetime.map(|d| now - clock::duration_ms(d));
        if idle_before.is_some() || auth_before.is_some() {
            let rows = db::timed_out(db, idle_before, auth_before)
                .await
                .map_err(db_error)?;
            let hashes = rows.iter().map(|r| r.id_hash.clone()).collect();
            report.expired_sessions += self
                .inner
                .store
                .delete_by_hashes(hashes)
                .await
                .map_err(db_error)?;
            let events = rows
                .into_iter()
                .map(|row| {
                    let idle = idle_before.is_some_and(|t| row.last_seen_at < t);
                    let mut event = NewEvent::new(EventKind::Expired, now);
                    event.reason = Some(if idle { "idle_timeout" } else { "max_lifetime" }.to_owned());
                    event.user_id = row.user_id.clone();
                    event.session_handle = Some(row.handle.clone());
                    event.source = Some(row);
                    event
                })
                .collect();
            self.write_events(events).await;
        }
        report.expired_sessions += self
            .inner
            .store
            .delete_expired_before(now)
            .await
            .map_err(db_error)?;

        if let Some(cap) = config.max_sessions_per_user {
            for user_id in db::users_over_cap(db, u64::from(cap)).await.map_err(db_error)? {
                let over = db::rows_over_cap(db, &user_id, u64::from(cap))
                    .await
                    .map_err(db_error)?;
                let hashes = over.iter().map(|r| r.id_hash.clone()).collect();
                report.pruned_sessions += self
                    .inner
                    .store
                    .delete_by_hashes(hashes)
                    .await
                    .map_err(db_error)?;
                let events = over
                    .into_iter()
                    .map(|row| self.revoked_event(row, RevokeReason::Pruned))
                    .collect();
                self.write_events(events).await;
            }
        }

        if let Some(retention) = config.events_retention {
            let before = now - clock::duration_ms(retention);
            report.purged_events = db::purge_events(db, before).await.map_err(db_error)?;
        }
        tracing::info!(?report, "sweep done");
        Ok(report)
    }

    pub(crate) fn revoked_event(&self, row: session::Model, reason: RevokeReason) -> NewEvent {
        let mut event = NewEvent::new(EventKind::Revoked, self.now_ms());
        event.reason = Some(reason.as_str().to_owned());
        event.user_id = row.user_id.clone();
        event.session_handle = Some(row.handle.clone());
        event.source = Some(row);
        event
    }
}

/// What one [`Sessions::sweep`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Sessions past their expiry or an opt-in timeout.
    pub expired_sessions: u64,
    /// Sessions evicted beyond the per-user cap.
    pub pruned_sessions: u64,
    /// Trail rows older than the retention.
    pub purged_events: u64,
}

/// Maps a database error to the caller-facing error, logging its cause once.
/// Every database failure reads as "temporarily unavailable": nothing was
/// changed and a retry is the right move.
pub(crate) fn db_error(err: DbErr) -> SessionsError {
    tracing::error!(error = %err, "leptos-sessions: database error");
    SessionsError::Unavailable
}

/// Short, non-secret correlation id of a row for logs.
pub(crate) fn short(id_hash: &str) -> &str {
    id_hash.get(..12).unwrap_or(id_hash)
}

fn history_entry(e: leptos_sessions_entity::event::Model) -> Option<HistoryEntry> {
    Some(HistoryEntry {
        kind: HistoryKind::from_db(&e.kind)?,
        location: e.location(),
        reason: e.reason,
        device_name: e.device_name,
        device_type: e
            .device_type
            .as_deref()
            .map(DeviceType::from_db)
            .unwrap_or_default(),
        country_code: e.country_code,
        auth_method: e.auth_method,
        auth_provider: e.auth_provider,
        new_device: e.new_device,
        occurred_at: e.occurred_at,
    })
}

fn device_view(row: session::Model, current: bool, new_device: bool) -> DeviceView {
    let location = location_label(
        row.city.as_deref(),
        row.region.as_deref(),
        row.country_name.as_deref(),
    );
    DeviceView {
        name: row
            .device_name
            .clone()
            .unwrap_or_else(|| "Unknown device".to_owned()),
        device_type: row
            .device_type
            .as_deref()
            .map(DeviceType::from_db)
            .unwrap_or_default(),
        handle: row.handle,
        current,
        location,
        country_code: row.country_code,
        signed_in_at: row.authenticated_at.unwrap_or(row.created_at),
        last_seen_at: row.last_seen_at,
        auth_method: row.auth_method,
        auth_provider: row.auth_provider,
        new_device,
    }
}

pub use leptos_sessions_entity::display::location_label;
