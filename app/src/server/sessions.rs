//! [`Sessions`]: the library's handle (database, configuration, clock, store)
//! and the reads a host or a page makes through it.

use std::{collections::BTreeMap, fmt, sync::Arc};

use leptos_sessions_entity::session;
use leptos_sessions_migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbErr};

use super::{
    Clock, ConfigError, Event, IdHash, RegistryStore, SessionsConfig, SessionsLayer, SystemClock, TrailQuery,
    geo::place::StoredPlace, registry, trail,
};
use crate::{
    error::SessionsError,
    types::{DeviceList, DeviceType, DeviceView, HistoryEntry, HistoryList, LastLogin, ReaderZone},
};

/// The most entries [`Sessions::history`] returns to the host (its admin
/// views and exports): a bound on one read, not a page size. What a user's
/// own calls return is capped lower, at [`MAX_HISTORY`](crate::types::MAX_HISTORY).
const HOST_HISTORY_CAP: u64 = 1000;

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
    failed_logins: trail::Ledger,
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
                failed_logins: trail::Ledger::default(),
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

    /// The failed-login budget's ledger (this process).
    pub(crate) fn failed_logins(&self) -> &trail::Ledger {
        &self.inner.failed_logins
    }

    /// Writes one `failed_login` row with reason
    /// [`THROTTLED`](crate::server::THROTTLED) per closed budget window
    /// that counted attempts instead of storing them: the identity (or the
    /// IP) and, in `metadata`, `{"attempts": n, "since": ms}`.
    pub(crate) async fn write_throttled(&self, closed: Vec<trail::BudgetSummary>) {
        if closed.is_empty() {
            return;
        }
        let events = closed
            .into_iter()
            .map(|summary| {
                let mut event = trail::NewEvent::new(crate::types::HistoryKind::FailedLogin, summary.last_at);
                event.reason = Some(trail::THROTTLED.to_owned());
                event.metadata = Some(
                    serde_json::json!({ "attempts": summary.suppressed, "since": summary.started })
                        .to_string(),
                );
                match summary.key {
                    trail::BudgetKey::Identity(identity) => event.identity = Some(identity),
                    trail::BudgetKey::Ip(ip) => {
                        let mut source = super::registry::blank_row();
                        source.ip = Some(ip);
                        event.source = Some(source);
                    }
                    trail::BudgetKey::Overflow => {}
                }
                event
            })
            .collect();
        self.write_events(events).await;
    }

    /// The session store (for hosts that build their own `SessionManagerLayer`).
    pub fn store(&self) -> &RegistryStore {
        &self.inner.store
    }

    /// How many live streams (open signed-in pages) this process serves.
    pub fn live_streams(&self) -> usize {
        self.live().streams()
    }

    /// The live streams of this process.
    pub(crate) fn live(&self) -> &std::sync::Arc<super::live::LiveHub> {
        self.store().live()
    }

    /// The server's "now" in ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// The trail, for triage: a composable query over every event (see
    /// [`TrailQuery`]). Relative windows (`last_24_hours`) use this handle's clock.
    pub fn trail(&self) -> TrailQuery {
        TrailQuery::new(self.now_ms())
    }

    /// A user's login history, newest first, at most `limit` entries (and
    /// never more than 1,000): their own events plus failed attempts made
    /// with any of `identities` (matched normalized; failures are never
    /// linked to an account, so matching the user's own identity is the safe
    /// way to show them).
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn history(
        &self,
        user_id: &str,
        identities: &[String],
        limit: u64,
    ) -> Result<HistoryList, SessionsError> {
        self.history_reading(user_id, async { Ok(identities.to_vec()) }, limit)
            .await
    }

    /// [`Sessions::history`] with the identities the user signed in with
    /// ([`Sessions::identities_of`]), read alongside their own events.
    pub(crate) async fn own_history(&self, user_id: &str, limit: u64) -> Result<HistoryList, SessionsError> {
        self.history_reading(user_id, trail::identities_of(self.db(), user_id), limit)
            .await
    }

    async fn history_reading(
        &self,
        user_id: &str,
        identities: impl std::future::Future<Output = Result<Vec<String>, DbErr>>,
        limit: u64,
    ) -> Result<HistoryList, SessionsError> {
        let now = self.now_ms();
        let limit = limit.clamp(1, HOST_HISTORY_CAP);
        // What `TrailQuery::history_of` selects, read as bounded index
        // ranges merged here, side by side: the user's own newest events,
        // and each identity's newest unlinked failed attempts. (One
        // statement with the OR makes SQLite gather and sort every event of
        // the user.)
        let db = self.db();
        let own = self.trail().for_user(user_id).recent().limit(limit);
        let failed = async {
            let mut wanted: Vec<String> = identities
                .await?
                .iter()
                .map(|i| trail::normalize_identity(i))
                .filter(|i| !i.is_empty())
                .collect();
            wanted.sort();
            wanted.dedup();
            wanted.truncate(trail::MAX_IDENTITIES);
            let queries: Vec<TrailQuery> = wanted
                .iter()
                .map(|identity| {
                    self.trail()
                        .failed_logins()
                        .for_identity(identity)
                        .unlinked()
                        .recent()
                        .limit(limit)
                })
                .collect();
            futures_util::future::try_join_all(queries.iter().map(|q| q.all(db))).await
        };
        let (mut rows, failed, names) = futures_util::future::try_join3(
            own.all(db),
            failed,
            async { Ok::<_, DbErr>(self.device_names(user_id).await) },
        )
        .await
        .map_err(db_error)?;
        rows.extend(failed.into_iter().flatten());
        rows.sort_by_key(|e| std::cmp::Reverse((e.occurred_at, e.id)));
        rows.dedup_by_key(|e| e.id);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let entries = rows
            .into_iter()
            .filter_map(|e| {
                let nickname = e.device_id.as_ref().and_then(|d| names.get(d)).cloned();
                trail::history_entry(e).map(|entry| HistoryEntry { nickname, ..entry })
            })
            .collect();
        Ok(HistoryList {
            now,
            entries,
            zone: ReaderZone::default(),
            method_labels: Default::default(),
        })
    }

    /// The identities (normalized) `user_id` signed in with, from their login
    /// events: what their history matches failed attempts against.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn identities_of(&self, user_id: &str) -> Result<Vec<String>, SessionsError> {
        trail::identities_of(self.db(), user_id).await.map_err(db_error)
    }

    /// How the browser with continuity id `device_id` last signed in.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn last_login_of_device(&self, device_id: &str) -> Result<Option<LastLogin>, SessionsError> {
        let row = trail::last_login_of_device(self.db(), device_id)
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
        let (rows, names) = futures_util::future::try_join(
            registry::user_sessions(self.db(), user_id, now),
            async { Ok(self.device_names(user_id).await) },
        )
        .await
        .map_err(db_error)?;
        // One indexed read for the "new device" markers; a trail outage only
        // loses the markers, never the list.
        let handles = rows.iter().map(|r| r.handle.clone()).collect();
        let new_devices = trail::new_device_handles(self.db(), handles)
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
                let nickname = row.device_id.as_ref().and_then(|d| names.get(d)).cloned();
                DeviceView {
                    nickname,
                    ..device_view(row, current, new_device)
                }
            })
            .collect();
        // Current first; the rest stay most-recent-first (stable sort).
        devices.sort_by_key(|d| !d.current);
        Ok(DeviceList {
            now,
            devices,
            zone: ReaderZone::default(),
            method_labels: Default::default(),
            notice: None,
            live: self.config().live_updates,
        })
    }

    /// `user_id`'s device names; an outage only loses the names, never the list.
    async fn device_names(&self, user_id: &str) -> std::collections::HashMap<String, String> {
        super::nicknames::names_of(self.db(), user_id)
            .await
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "leptos-sessions: device names unavailable");
                Default::default()
            })
    }

    /// Admin: every live session row of `user_id`, most recently active
    /// first (for the host's own admin UI; holds IPs and user agents).
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn sessions_of(&self, user_id: &str) -> Result<Vec<session::Model>, SessionsError> {
        registry::user_sessions(self.db(), user_id, self.now_ms())
            .await
            .map_err(db_error)
    }

    /// The live session an event is about (the row a `login` event created),
    /// or `None` once it ended — a suspicious login is one lookup away from
    /// the kill switch ([`Sessions::admin_revoke`]).
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be read.
    pub async fn live_session(&self, event: &Event) -> Result<Option<session::Model>, SessionsError> {
        let (Some(handle), Some(user_id)) = (event.session_handle.as_deref(), event.user_id.as_deref())
        else {
            return Ok(None);
        };
        let row = registry::find_by_user_and_handle(self.db(), user_id, handle)
            .await
            .map_err(db_error)?;
        Ok(row.filter(|r| r.expires_at > self.now_ms()))
    }
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

/// What the device list shows of a registry row (the wire type: no IP, no hash).
fn device_view(row: session::Model, current: bool, new_device: bool) -> DeviceView {
    let place = StoredPlace::signed_in(&row);
    let (location, location_names) = (place.english(), place.localized());
    let seen = StoredPlace::last_seen(&row);
    let (last_seen_location, last_seen_location_names, last_seen_country_code) = if seen.differs_from(&place)
    {
        (
            seen.english(),
            seen.localized(),
            row.last_seen_country_code.clone(),
        )
    } else {
        (None, BTreeMap::new(), None)
    };
    let label = stored_label!(row);
    DeviceView {
        name: row.device_name.clone().unwrap_or_else(|| label.english()),
        label,
        device_type: row
            .device_type
            .as_deref()
            .map(DeviceType::from_db)
            .unwrap_or_default(),
        handle: row.handle,
        current,
        location,
        location_names,
        last_seen_location,
        last_seen_location_names,
        last_seen_country_code,
        country_code: row.country_code,
        signed_in_at: row.authenticated_at.unwrap_or(row.created_at),
        last_seen_at: row.last_seen_at,
        auth_method: row.auth_method,
        auth_provider: row.auth_provider,
        second_factor: row.second_factor,
        new_device,
        nickname: None,
    }
}
