//! What travels between a request and its registry row: the tracking
//! columns a load exposes ([`RowMeta`]) and the columns a login writes
//! ([`RowInit`]), with the one mapping from an observed request (device,
//! location) to row columns.

use leptos_sessions_entity::session;
use sea_orm::ActiveValue::Set;
use serde::{Deserialize, Serialize};

use crate::server::{device::DeviceInfo, geo::GeoInfo, http::RequestInfo};

/// Session-data key under which `load` exposes the row's tracking columns to
/// the layer. Never persisted.
pub(crate) const ROW_KEY: &str = "__leptos_sessions.row";
/// Session-data key under which a login hands the new row's columns to
/// `create`. Consumed by `create`, never persisted.
pub(crate) const INIT_KEY: &str = "__leptos_sessions.init";
/// Session-data key under which `create` notes what it just wrote (data and
/// expiry), so that the session manager's save at the end of the same
/// request — which would write the same values again — is skipped. Never
/// persisted.
pub(crate) const SAVED_KEY: &str = "__leptos_sessions.saved";

/// The tracking columns of a loaded row. Travels through the session data
/// as a JSON array (a handful of allocations less per request than an object).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(from = "RowMetaTuple", into = "RowMetaTuple")]
pub(crate) struct RowMeta {
    pub user_id: Option<String>,
    pub handle: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub authenticated_at: Option<i64>,
}

type RowMetaTuple = (Option<String>, String, i64, i64, Option<i64>);

impl From<RowMetaTuple> for RowMeta {
    fn from((user_id, handle, created_at, last_seen_at, authenticated_at): RowMetaTuple) -> Self {
        Self {
            user_id,
            handle,
            created_at,
            last_seen_at,
            authenticated_at,
        }
    }
}

impl From<RowMeta> for RowMetaTuple {
    fn from(m: RowMeta) -> Self {
        (
            m.user_id,
            m.handle,
            m.created_at,
            m.last_seen_at,
            m.authenticated_at,
        )
    }
}

/// Columns a login writes into the new row, atomically with its insertion.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct RowInit {
    pub user_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_name: Option<String>,
    pub browser_name: Option<String>,
    pub browser_version: Option<String>,
    pub os_name: Option<String>,
    pub os_version: Option<String>,
    pub device_type: Option<String>,
    pub device_model: Option<String>,
    pub app_name: Option<String>,
    pub app_version: Option<String>,
    pub app_build: Option<String>,
    pub client_hints: Option<String>,
    pub country_code: Option<String>,
    pub country_name: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub city_names: Option<String>,
    pub device_id: Option<String>,
    pub auth_method: Option<String>,
    pub auth_provider: Option<String>,
    pub auth_detail: Option<String>,
    pub second_factor: Option<String>,
    pub authenticated_at: Option<i64>,
    /// A row carried over to a new id ([`RowInit::carried`]): its handle,
    /// creation and last-seen times.
    #[serde(default)]
    pub carried: Option<(String, i64, i64)>,
}

impl RowInit {
    /// The columns observed on a request: IP, user agent, the parsed device
    /// and its location. The one place the device and geo fields become row
    /// columns (the login's new row, and the source of login and
    /// failed-login events).
    pub(crate) fn observed(request: &RequestInfo, device: &DeviceInfo, geo: &GeoInfo) -> Self {
        Self {
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
            city_names: crate::server::geo::place::city_names_json(geo),
            ..Self::default()
        }
    }

    /// These columns as a (not stored) registry row: the source an event
    /// copies its device, IP, geo and auth columns from.
    /// Every column of `row`, to insert again under a new id: same handle,
    /// device, location, sign-in and times (an id rotation).
    pub(crate) fn carried(row: session::Model) -> Self {
        Self {
            user_id: row.user_id,
            ip: row.ip,
            user_agent: row.user_agent,
            device_name: row.device_name,
            browser_name: row.browser_name,
            browser_version: row.browser_version,
            os_name: row.os_name,
            os_version: row.os_version,
            device_type: row.device_type,
            device_model: row.device_model,
            app_name: row.app_name,
            app_version: row.app_version,
            app_build: row.app_build,
            client_hints: row.client_hints,
            country_code: row.country_code,
            country_name: row.country_name,
            region: row.region,
            city: row.city,
            city_names: row.city_names,
            device_id: row.device_id,
            auth_method: row.auth_method,
            auth_provider: row.auth_provider,
            auth_detail: row.auth_detail,
            second_factor: row.second_factor,
            authenticated_at: row.authenticated_at,
            carried: Some((row.handle, row.created_at, row.last_seen_at)),
        }
    }

    pub(crate) fn to_source(&self) -> session::Model {
        let init = self.clone();
        session::Model {
            user_id: init.user_id,
            ip: init.ip,
            user_agent: init.user_agent,
            device_name: init.device_name,
            browser_name: init.browser_name,
            browser_version: init.browser_version,
            os_name: init.os_name,
            os_version: init.os_version,
            device_type: init.device_type,
            device_model: init.device_model,
            app_name: init.app_name,
            app_version: init.app_version,
            app_build: init.app_build,
            client_hints: init.client_hints,
            country_code: init.country_code,
            country_name: init.country_name,
            region: init.region,
            city: init.city,
            city_names: init.city_names,
            device_id: init.device_id,
            auth_method: init.auth_method,
            auth_provider: init.auth_provider,
            auth_detail: init.auth_detail,
            second_factor: init.second_factor,
            authenticated_at: init.authenticated_at,
            ..blank_row()
        }
    }

    /// The row to insert for a new session.
    pub(crate) fn to_active(
        &self,
        id_hash: String,
        handle: String,
        data: String,
        expires_at: i64,
        now: i64,
    ) -> session::ActiveModel {
        let init = self.clone();
        session::ActiveModel {
            id_hash: Set(id_hash),
            handle: Set(handle),
            user_id: Set(init.user_id),
            data: Set(data),
            expires_at: Set(expires_at),
            last_seen_ip: Set(init.ip.clone()),
            ip: Set(init.ip),
            user_agent: Set(init.user_agent),
            device_name: Set(init.device_name),
            browser_name: Set(init.browser_name),
            browser_version: Set(init.browser_version),
            os_name: Set(init.os_name),
            os_version: Set(init.os_version),
            device_type: Set(init.device_type),
            device_model: Set(init.device_model),
            app_name: Set(init.app_name),
            app_version: Set(init.app_version),
            app_build: Set(init.app_build),
            client_hints: Set(init.client_hints),
            country_code: Set(init.country_code),
            country_name: Set(init.country_name),
            region: Set(init.region),
            city: Set(init.city),
            city_names: Set(init.city_names),
            last_seen_country_code: Set(None),
            last_seen_city: Set(None),
            last_seen_city_names: Set(None),
            device_id: Set(init.device_id),
            auth_method: Set(init.auth_method),
            auth_provider: Set(init.auth_provider),
            auth_detail: Set(init.auth_detail),
            second_factor: Set(init.second_factor),
            created_at: Set(init.carried.as_ref().map_or(now, |c| c.1)),
            last_seen_at: Set(init.carried.as_ref().map_or(now, |c| c.2)),
            authenticated_at: Set(init.authenticated_at),
        }
    }
}

/// A blank registry row, used as the "source" of events that have none.
pub(crate) fn blank_row() -> session::Model {
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
        city_names: None,
        last_seen_country_code: None,
        last_seen_city: None,
        last_seen_city_names: None,
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
