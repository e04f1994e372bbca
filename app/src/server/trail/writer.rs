//! The trail's append-only writer: events built from registry rows and
//! requests, written in one place that also hands them to the hooks.

use std::time::Duration;

use leptos_sessions_entity::{event, session};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::{RevokeReason, SessionRevoked};
use crate::{
    server::{Sessions, http::cap_chars, registry::blank_row},
    types::{HistoryKind, ReasonCode},
};

/// An event about to be written.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    pub kind: HistoryKind,
    pub reason: Option<String>,
    pub user_id: Option<String>,
    pub identity: Option<String>,
    pub session_handle: Option<String>,
    pub new_device: bool,
    pub request_id: Option<String>,
    pub metadata: Option<String>,
    pub occurred_at: i64,
    /// Coordinates from the geo lookup, already rounded to `geo_precision`.
    pub coordinates: Option<(f64, f64)>,
    /// Device, ip, geo and auth columns copied from a registry row (or the request).
    pub source: Option<session::Model>,
}

impl NewEvent {
    pub(crate) fn new(kind: HistoryKind, occurred_at: i64) -> Self {
        Self {
            kind,
            reason: None,
            user_id: None,
            identity: None,
            session_handle: None,
            new_device: false,
            request_id: None,
            metadata: None,
            occurred_at,
            coordinates: None,
            source: None,
        }
    }

    /// The end of the session `row`, by `kind` (revoked, expired) for `reason`.
    pub(crate) fn ended(
        kind: HistoryKind,
        row: session::Model,
        reason: ReasonCode,
        occurred_at: i64,
    ) -> Self {
        let mut event = Self::new(kind, occurred_at);
        event.reason = Some(reason.as_str().to_owned());
        event.user_id = row.user_id.clone();
        event.session_handle = Some(row.handle.clone());
        event.source = Some(row);
        event
    }

    /// A `revoked` event for the session `row`.
    pub(crate) fn revoked(row: session::Model, reason: RevokeReason, occurred_at: i64) -> Self {
        Self::ended(HistoryKind::Revoked, row, reason.code(), occurred_at)
    }

    /// The event as it will be stored (`id` 0 until inserted).
    pub(crate) fn into_model(self) -> event::Model {
        let s = self.source.unwrap_or_else(blank_row);
        event::Model {
            id: 0,
            kind: self.kind.as_str().to_owned(),
            reason: self.reason.map(|r| cap_chars(&r, 255)),
            user_id: self.user_id,
            identity: self.identity,
            session_handle: self.session_handle,
            user_agent: s.user_agent,
            device_name: s.device_name,
            browser_name: s.browser_name,
            browser_version: s.browser_version,
            os_name: s.os_name,
            os_version: s.os_version,
            device_type: s.device_type,
            device_model: s.device_model,
            app_name: s.app_name,
            app_version: s.app_version,
            device_id: s.device_id,
            ip: s.last_seen_ip.or(s.ip),
            country_code: s.country_code,
            country_name: s.country_name,
            region: s.region,
            city: s.city,
            city_names: s.city_names,
            latitude: self.coordinates.map(|c| c.0),
            longitude: self.coordinates.map(|c| c.1),
            auth_method: s.auth_method,
            auth_provider: s.auth_provider,
            auth_detail: s.auth_detail,
            second_factor: s.second_factor,
            new_device: self.new_device,
            request_id: self.request_id,
            metadata: self.metadata,
            occurred_at: self.occurred_at,
        }
    }
}

fn active(m: event::Model) -> event::ActiveModel {
    event::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        kind: Set(m.kind),
        reason: Set(m.reason),
        user_id: Set(m.user_id),
        identity: Set(m.identity),
        session_handle: Set(m.session_handle),
        user_agent: Set(m.user_agent),
        device_name: Set(m.device_name),
        browser_name: Set(m.browser_name),
        browser_version: Set(m.browser_version),
        os_name: Set(m.os_name),
        os_version: Set(m.os_version),
        device_type: Set(m.device_type),
        device_model: Set(m.device_model),
        app_name: Set(m.app_name),
        app_version: Set(m.app_version),
        device_id: Set(m.device_id),
        ip: Set(m.ip),
        country_code: Set(m.country_code),
        country_name: Set(m.country_name),
        region: Set(m.region),
        city: Set(m.city),
        city_names: Set(m.city_names),
        latitude: Set(m.latitude),
        longitude: Set(m.longitude),
        auth_method: Set(m.auth_method),
        auth_provider: Set(m.auth_provider),
        auth_detail: Set(m.auth_detail),
        second_factor: Set(m.second_factor),
        new_device: Set(m.new_device),
        request_id: Set(m.request_id),
        metadata: Set(m.metadata),
        occurred_at: Set(m.occurred_at),
    }
}

/// Appends events to the trail. With `with_ids`, inserts one by one so the
/// returned models carry their ids (hooks get persisted records); otherwise
/// one batch insert and ids stay 0.
///
/// # Errors
/// The database error, if an insert fails (the models are returned with the
/// error so hooks still see what happened).
async fn insert_events<C: ConnectionTrait>(
    db: &C,
    mut models: Vec<event::Model>,
    with_ids: bool,
) -> Result<Vec<event::Model>, (DbErr, Vec<event::Model>)> {
    if models.is_empty() {
        return Ok(models);
    }
    if with_ids {
        for model in &mut models {
            match event::Entity::insert(active(model.clone())).exec(db).await {
                Ok(res) => model.id = res.last_insert_id,
                Err(err) => return Err((err, models)),
            }
        }
        return Ok(models);
    }
    let result = event::Entity::insert_many(models.iter().cloned().map(active))
        .exec_without_returning(db)
        .await;
    match result {
        Ok(_) => Ok(models),
        Err(err) => Err((err, models)),
    }
}

/// Waits before each retry of a trail write that failed on a lost
/// connection (a database restart, a failover): about 3 s in all, so a
/// restart does not cost the events of the actions that just happened.
const TRAIL_RETRIES: [Duration; 3] = [
    Duration::from_millis(250),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// A failure of the connection, not of the statement: worth retrying.
fn is_transient(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    let sqlx_err = match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match &**sqlx_err {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Protocol(_) => true,
        // SQLSTATE classes 08 (connection exception) and 57P (operator
        // intervention: admin shutdown, crash shutdown, cannot connect now).
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

impl Sessions {
    /// Stores `models`, retrying (the rows not stored yet) while the
    /// connection is what failed; returns them with their ids (0: not stored).
    async fn insert_with_retries(&self, models: Vec<event::Model>, with_ids: bool) -> Vec<event::Model> {
        let mut stored: Vec<event::Model> = Vec::new();
        let mut pending = models;
        let mut waits = TRAIL_RETRIES.iter();
        loop {
            match insert_events(self.db(), pending, with_ids).await {
                Ok(models) => {
                    stored.extend(models);
                    return stored;
                }
                Err((err, models)) => {
                    let wait = waits.next().filter(|_| is_transient(&err));
                    let Some(wait) = wait else {
                        tracing::error!(error = %err, "leptos-sessions: could not write to the trail");
                        stored.extend(models);
                        return stored;
                    };
                    tracing::warn!(error = %err, retry_in_ms = wait.as_millis(), "leptos-sessions: trail write failed; retrying");
                    // One by one, the rows stored so far have their ids.
                    let (done, todo): (Vec<_>, Vec<_>) =
                        models.into_iter().partition(|m| with_ids && m.id != 0);
                    stored.extend(done);
                    pending = todo;
                    tokio::time::sleep(*wait).await;
                }
            }
        }
    }

    /// Appends events to the trail and hands them to the hooks (the events
    /// tee, `on_session_revoked`). Fails open: a failed write is logged, never
    /// propagated (it must not break a login or a logout); hooks still run,
    /// with `id` 0 for rows that were not stored.
    pub(crate) async fn write_events(&self, events: Vec<NewEvent>) -> Vec<event::Model> {
        let hooks = &self.config().hooks;
        let revoke_reasons: Vec<Option<RevokeReason>> = events
            .iter()
            .map(|e| {
                (e.kind == HistoryKind::Revoked)
                    .then(|| e.reason.as_deref().and_then(RevokeReason::from_db))
                    .flatten()
            })
            .collect();
        let models = events.into_iter().map(NewEvent::into_model).collect::<Vec<_>>();
        // Ids cost a round trip on some backends: only when something needs
        // them (the hooks, a remote geo lookup filling the events in later).
        let with_ids = hooks.has_any() || self.config().async_geo.is_some();
        let models = self.insert_with_retries(models, with_ids).await;
        for (model, reason) in models.iter().zip(revoke_reasons) {
            if let Some(reason) = reason {
                hooks.session_revoked(SessionRevoked {
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
}
