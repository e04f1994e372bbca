//! The server core (feature `ssr`): the registry store, the axum layer, the
//! login/logout seams, device parsing and the trail.

pub mod clock;
pub mod config;
pub mod context;
pub mod db;
pub mod device;
pub mod events;
pub mod ids;
pub mod layer;
pub mod request;
pub mod store;

use std::{fmt, sync::Arc};

use leptos_sessions_entity::session;
use leptos_sessions_migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbErr};

pub use self::{
    clock::{Clock, ManualClock, SystemClock},
    config::{ConfigError, IpMode, IpNet, SessionsConfig, TimeoutPreset},
    context::{CurrentSession, Login, LoginOutcome},
    device::DeviceInfo,
    events::{EventKind, RevokeReason, normalize_identity},
    ids::{CookieKey, IdHash},
    layer::SessionsLayer,
    request::RequestInfo,
    store::RegistryStore,
};
use self::{events::NewEvent, ids::is_valid_handle};
use crate::{
    error::SessionsError,
    types::{DeviceList, DeviceType, DeviceView},
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

    /// Appends events to the trail. Fails open: a failed write is logged, never
    /// propagated (it must not break a login or a logout).
    pub(crate) async fn write_events(&self, events: Vec<NewEvent>) {
        if let Err(err) = events::insert_events(&self.inner.db, events).await {
            tracing::error!(error = %err, "leptos-sessions: could not write to the trail");
        }
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
        let mut devices: Vec<DeviceView> = rows
            .into_iter()
            .map(|row| {
                let current = current_hash.is_some_and(|h| h.as_str() == row.id_hash);
                device_view(row, current)
            })
            .collect();
        // Current first; the rest stay most-recent-first (stable sort).
        devices.sort_by_key(|d| !d.current);
        Ok(DeviceList { now, devices })
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
        let deleted = db::delete_by_hashes(&self.inner.db, vec![row.id_hash.clone()])
            .await
            .map_err(db_error)?;
        if deleted == 0 {
            return Err(SessionsError::NotFound);
        }
        tracing::info!(session = %short(&row.id_hash), "session revoked");
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
        let deleted = db::delete_by_hashes(&self.inner.db, rows.iter().map(|r| r.id_hash.clone()).collect())
            .await
            .map_err(db_error)?;
        tracing::info!(count = deleted, "sessions revoked");
        let events = rows
            .into_iter()
            .map(|row| self.revoked_event(row, reason))
            .collect();
        self.write_events(events).await;
        Ok(deleted)
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

/// Maps a database error to the caller-facing error, logging its cause once.
pub(crate) fn db_error(err: DbErr) -> SessionsError {
    tracing::error!(error = %err, "leptos-sessions: database error");
    match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => SessionsError::Unavailable,
        _ => SessionsError::Unavailable,
    }
}

/// Short, non-secret correlation id of a row for logs.
pub(crate) fn short(id_hash: &str) -> &str {
    id_hash.get(..12).unwrap_or(id_hash)
}

fn device_view(row: session::Model, current: bool) -> DeviceView {
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
    }
}

/// "Madrid, Spain"; the most specific two parts that are known.
pub fn location_label(city: Option<&str>, region: Option<&str>, country: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [city.or(region), country]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}
