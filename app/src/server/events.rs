//! The trail's vocabulary and the append-only writer.

use leptos_sessions_entity::{event, session};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A successful sign-in.
    Login,
    /// A failed sign-in attempt.
    FailedLogin,
    /// The user signed out of this session.
    Logout,
    /// A session was ended by someone or something else (see [`RevokeReason`]).
    Revoked,
    /// A session timed out.
    Expired,
}

impl EventKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::FailedLogin => "failed_login",
            Self::Logout => "logout",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }
}

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
            source: None,
        }
    }

    pub(crate) fn into_active_model(self) -> event::ActiveModel {
        let s = self.source.unwrap_or_else(empty_row);
        event::ActiveModel {
            id: sea_orm::ActiveValue::NotSet,
            kind: Set(self.kind.as_str().to_owned()),
            reason: Set(self.reason.map(|r| super::request::cap_chars(&r, 255))),
            user_id: Set(self.user_id),
            identity: Set(self.identity),
            session_handle: Set(self.session_handle),
            user_agent: Set(s.user_agent),
            device_name: Set(s.device_name),
            browser_name: Set(s.browser_name),
            browser_version: Set(s.browser_version),
            os_name: Set(s.os_name),
            os_version: Set(s.os_version),
            device_type: Set(s.device_type),
            device_model: Set(s.device_model),
            app_name: Set(s.app_name),
            app_version: Set(s.app_version),
            device_id: Set(s.device_id),
            ip: Set(s.last_seen_ip.or(s.ip)),
            country_code: Set(s.country_code),
            country_name: Set(s.country_name),
            region: Set(s.region),
            city: Set(s.city),
            latitude: Set(None),
            longitude: Set(None),
            auth_method: Set(s.auth_method),
            auth_provider: Set(s.auth_provider),
            auth_detail: Set(s.auth_detail),
            second_factor: Set(s.second_factor),
            new_device: Set(self.new_device),
            request_id: Set(self.request_id),
            metadata: Set(self.metadata),
            occurred_at: Set(self.occurred_at),
        }
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

/// Appends events to the trail.
///
/// # Errors
/// The database error, if the insert fails.
pub(crate) async fn insert_events<C: ConnectionTrait>(db: &C, events: Vec<NewEvent>) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    event::Entity::insert_many(events.into_iter().map(NewEvent::into_active_model))
        .exec_without_returning(db)
        .await?;
    Ok(())
}
