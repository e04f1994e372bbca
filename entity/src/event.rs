//! The login trail: append-only events.

use sea_orm::entity::prelude::*;

/// One trail event. Rows are only ever inserted through the public API; the
/// retention sweep, `forget` and geo backfill are the only writers after that.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "leptos_session_events")]
pub struct Model {
    /// Surrogate key, increasing with insertion order.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// login, failed_login, logout, revoked, expired.
    pub kind: String,
    /// Revocation reason (user_revoked, admin_revoked, password_change,
    /// logout_everywhere, pruned, disavowed) or the failure reason, verbatim.
    pub reason: Option<String>,
    /// The user; always `None` for failed logins (never linked to an account).
    pub user_id: Option<String>,
    /// Identity as typed, trimmed and lower-cased (failed logins and logins).
    pub identity: Option<String>,
    /// Public handle of the session concerned (plain column, no foreign key).
    pub session_handle: Option<String>,
    /// User agent, capped at 1024 characters.
    #[sea_orm(column_type = "Text", nullable)]
    pub user_agent: Option<String>,
    /// Human-readable device name.
    pub device_name: Option<String>,
    /// Browser name.
    pub browser_name: Option<String>,
    /// Browser version.
    pub browser_version: Option<String>,
    /// Operating system name.
    pub os_name: Option<String>,
    /// Operating system version.
    pub os_version: Option<String>,
    /// Device type.
    pub device_type: Option<String>,
    /// Hardware model.
    pub device_model: Option<String>,
    /// Native app name.
    pub app_name: Option<String>,
    /// Native app version.
    pub app_version: Option<String>,
    /// Browser-continuity id.
    pub device_id: Option<String>,
    /// Client IP (possibly truncated).
    pub ip: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
    /// Country name.
    pub country_name: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// City (English).
    pub city: Option<String>,
    /// The city's name in other languages, as a JSON object (`{"es":"Londres"}`).
    #[sea_orm(column_type = "Text", nullable)]
    pub city_names: Option<String>,
    /// Latitude rounded to `geo_precision` decimals.
    pub latitude: Option<f64>,
    /// Longitude rounded to `geo_precision` decimals.
    pub longitude: Option<f64>,
    /// Authentication method.
    pub auth_method: Option<String>,
    /// Authentication provider.
    pub auth_provider: Option<String>,
    /// Authentication detail JSON.
    #[sea_orm(column_type = "Text", nullable)]
    pub auth_detail: Option<String>,
    /// Second factor used.
    pub second_factor: Option<String>,
    /// Whether this login matched no device the user had signed in from before.
    pub new_device: bool,
    /// Request id, when the host propagates one.
    pub request_id: Option<String>,
    /// Free-form metadata JSON.
    #[sea_orm(column_type = "Text", nullable)]
    pub metadata: Option<String>,
    /// When it happened (ms since epoch, server clock).
    pub occurred_at: i64,
}

/// No relations: history outlives the registry.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
