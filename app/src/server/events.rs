//! The trail's vocabulary and the append-only writer.

use leptos_sessions_entity::{event, session};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

/// What happened: the trail's event kinds. The same enum as the wire type
/// [`HistoryKind`](crate::types::HistoryKind) (`as_str` is the stored name).
pub use crate::types::HistoryKind as EventKind;

/// Why a session was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevokeReason {
    /// The user logged out one device from their list.
    UserRevoked,
    /// An administrator ended it.
    AdminRevoked,
    /// The user's password changed.
    PasswordChange,
    /// "Sign out everywhere else".
    LogoutEverywhere,
    /// Evicted beyond the per-user cap, or replaced by a newer login of the same browser.
    Pruned,
}

impl RevokeReason {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserRevoked => "user_revoked",
            Self::AdminRevoked => "admin_revoked",
            Self::PasswordChange => "password_change",
            Self::LogoutEverywhere => "logout_everywhere",
            Self::Pruned => "pruned",
        }
    }

    /// Parses a stored name.
    pub fn from_db(s: &str) -> Option<Self> {
        Some(match s {
            "user_revoked" => Self::UserRevoked,
            "admin_revoked" => Self::AdminRevoked,
            "password_change" => Self::PasswordChange,
            "logout_everywhere" => Self::LogoutEverywhere,
            "pruned" => Self::Pruned,
            _ => return None,
        })
    }
}

/// Normalizes an identity as typed: trimmed and lower-cased, capped at 255 characters.
pub fn normalize_identity(identity: &str) -> String {
    super::request::cap_chars(&identity.trim().to_lowercase(), 255)
}

/// An event about to be written.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    pub kind: EventKind,
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
    pub(crate) fn new(kind: EventKind, occurred_at: i64) -> Self {
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

    /// The event as it will be stored (`id` 0 until inserted).
    pub(crate) fn into_model(self) -> event::Model {
        let s = self.source.unwrap_or_else(empty_row);
        event::Model {
            id: 0,
            kind: self.kind.as_str().to_owned(),
            reason: self.reason.map(|r| super::request::cap_chars(&r, 255)),
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

/// A blank registry row, used as the "source" of events that have none.
pub(crate) fn empty_row() -> session::Model {
    session::Model {
        id_hash: String::new(),
        handle: String::new(),
        user_id: None,
        data: String::new(),
        expires_at: 0,
        ip: None,
        last_seen_ip: None,
        user_agent: None,
        device_name: None,
        browser_name: None,
        browser_version: None,
        os_name: None,
        os_version: None,
        device_type: None,
        device_model: None,
        app_name: None,
        app_version: None,
        app_build: None,
        client_hints: None,
        country_code: None,
        country_name: None,
        region: None,
        city: None,
        device_id: None,
        auth_method: None,
        auth_provider: None,
        auth_detail: None,
        second_factor: None,
        created_at: 0,
        last_seen_at: 0,
        authenticated_at: None,
    }
}

/// Appends events to the trail. With `with_ids`, inserts one by one so the
/// returned models carry their ids (hooks get persisted records); otherwise
/// one batch insert and ids stay 0.
///
/// # Errors
/// The database error, if an insert fails (the models are returned with the
/// error so hooks still see what happened).
pub(crate) async fn insert_events<C: ConnectionTrait>(
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
