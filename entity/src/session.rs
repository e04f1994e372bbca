//! The session registry: one row per session, keyed by the SHA-256 of its id.

use sea_orm::entity::prelude::*;

/// One session (signed-in or anonymous). Anonymous rows have no `user_id` and
/// are never listed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leptos_sessions")]
pub struct Model {
    /// Lower-case hex SHA-256 of the session id. The raw id is never stored.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    /// Random public handle used by the UI and revoke calls; never a credential.
    #[sea_orm(unique)]
    pub handle: String,
    /// The host application's user id; `None` for anonymous sessions.
    pub user_id: Option<String>,
    /// tower-sessions data, serialized as a JSON object.
    #[sea_orm(column_type = "Text")]
    pub data: String,
    /// tower-sessions expiry (ms since epoch).
    pub expires_at: i64,
    /// IP the session signed in from (possibly truncated).
    pub ip: Option<String>,
    /// IP of the latest touched request (possibly truncated).
    pub last_seen_ip: Option<String>,
    /// The user agent, capped at 1024 characters.
    #[sea_orm(column_type = "Text", nullable)]
    pub user_agent: Option<String>,
    /// Human-readable device name, e.g. "Chrome 137 on macOS".
    pub device_name: Option<String>,
    /// Browser name, e.g. "Chrome".
    pub browser_name: Option<String>,
    /// Browser version, e.g. "137.0.0.0".
    pub browser_version: Option<String>,
    /// Operating system name, e.g. "macOS".
    pub os_name: Option<String>,
    /// Operating system version when known (frozen versions are dropped).
    pub os_version: Option<String>,
    /// desktop, smartphone, tablet, native_ios, native_android, bot, unknown.
    pub device_type: Option<String>,
    /// Hardware model when known, e.g. "iPhone15,2" or "Pixel 8".
    pub device_model: Option<String>,
    /// Native app name from the user-agent prefix or client headers.
    pub app_name: Option<String>,
    /// Native app version.
    pub app_version: Option<String>,
    /// Native app build.
    pub app_build: Option<String>,
    /// Client hints that were used, as JSON.
    #[sea_orm(column_type = "Text", nullable)]
    pub client_hints: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
    /// Country name.
    pub country_name: Option<String>,
    /// Region / state.
    pub region: Option<String>,
    /// City (English).
    pub city: Option<String>,
    /// The city's name in other languages, as a JSON object (`{"es":"Londres"}`),
    /// when the geo database carries them.
    #[sea_orm(column_type = "Text", nullable)]
    pub city_names: Option<String>,
    /// Country of the latest touched request's IP (`last_seen_ip`), when located.
    pub last_seen_country_code: Option<String>,
    /// City (or region) of `last_seen_ip`, when located.
    pub last_seen_city: Option<String>,
    /// That city's name in other languages (JSON, as `city_names`).
    #[sea_orm(column_type = "Text", nullable)]
    pub last_seen_city_names: Option<String>,
    /// Browser-continuity id (value of the signed device cookie).
    pub device_id: Option<String>,
    /// How the session signed in: password, oauth, passkey, ...
    pub auth_method: Option<String>,
    /// OAuth/SSO provider, e.g. "google".
    pub auth_provider: Option<String>,
    /// Extra details about the sign-in, as JSON.
    #[sea_orm(column_type = "Text", nullable)]
    pub auth_detail: Option<String>,
    /// Second factor used, e.g. "totp", "webauthn".
    pub second_factor: Option<String>,
    /// Row creation (ms since epoch).
    pub created_at: i64,
    /// Last (throttled) activity (ms since epoch).
    pub last_seen_at: i64,
    /// When the user authenticated in this session (ms since epoch).
    pub authenticated_at: Option<i64>,
}

/// No relations: the registry stands alone.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
