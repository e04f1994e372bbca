//! The registry as a `tower_sessions::SessionStore` on sea-orm.
//!
//! * Rows are keyed by the SHA-256 of the session id ([`IdHash`]); the raw id
//!   never reaches the database.
//! * `create` inserts, retrying with a fresh id on a (astronomically unlikely)
//!   collision.
//! * `save` only updates an existing row: a request in flight can never
//!   re-create a session that was revoked or expired meanwhile.
//! * `load` filters out expired rows, so an expired session is never adopted.

use std::{collections::HashMap, fmt, sync::Arc};

use async_trait::async_trait;
use leptos_sessions_entity::session;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, SqlErr,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::{
    ExpiredDeletion, SessionStore,
    session::{Id, Record},
    session_store,
};

use super::{clock::Clock, ids::IdHash, ids::new_handle};

/// Session-data key under which `load` exposes the row's tracking columns to
/// the layer. Never persisted.
pub(crate) const ROW_KEY: &str = "__leptos_sessions.row";
/// Session-data key under which a login hands the new row's columns to
/// `create`. Consumed by `create`, never persisted.
pub(crate) const INIT_KEY: &str = "__leptos_sessions.init";

/// The tracking columns of a loaded row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct RowMeta {
    pub user_id: Option<String>,
    pub handle: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub authenticated_at: Option<i64>,
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
    pub device_id: Option<String>,
    pub auth_method: Option<String>,
    pub auth_provider: Option<String>,
    pub auth_detail: Option<String>,
    pub second_factor: Option<String>,
    pub authenticated_at: Option<i64>,
}

/// A `SessionStore` over the `leptos_sessions` table.
#[derive(Clone)]
pub struct RegistryStore {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for RegistryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryStore").finish_non_exhaustive()
    }
}

impl RegistryStore {
    /// A store on `db`, timing rows with `clock`.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }
}

fn backend(err: DbErr) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn expiry_ms(record: &Record) -> i64 {
    i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn persisted_data(data: &HashMap<String, serde_json::Value>) -> session_store::Result<String> {
    let filtered: HashMap<&String, &serde_json::Value> = data
        .iter()
        .filter(|(k, _)| k.as_str() != ROW_KEY && k.as_str() != INIT_KEY)
        .collect();
    serde_json::to_string(&filtered).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

#[async_trait]
impl SessionStore for RegistryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let init: RowInit = record
            .data
            .remove(INIT_KEY)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let data = persisted_data(&record.data)?;
        let now = self.clock.now_ms();
        let mut last_err = None;
        for _ in 0..8 {
            let handle = new_handle();
            let row = session::ActiveModel {
                id_hash: Set(IdHash::of(&record.id).as_str().to_owned()),
                handle: Set(handle.clone()),
                user_id: Set(init.user_id.clone()),
                data: Set(data.clone()),
                expires_at: Set(expiry_ms(record)),
                ip: Set(init.ip.clone()),
                last_seen_ip: Set(init.ip.clone()),
                user_agent: Set(init.user_agent.clone()),
                device_name: Set(init.device_name.clone()),
                browser_name: Set(init.browser_name.clone()),
                browser_version: Set(init.browser_version.clone()),
                os_name: Set(init.os_name.clone()),
                os_version: Set(init.os_version.clone()),
                device_type: Set(init.device_type.clone()),
                device_model: Set(init.device_model.clone()),
                app_name: Set(init.app_name.clone()),
                app_version: Set(init.app_version.clone()),
                app_build: Set(init.app_build.clone()),
                client_hints: Set(init.client_hints.clone()),
                country_code: Set(init.country_code.clone()),
                country_name: Set(init.country_name.clone()),
                region: Set(init.region.clone()),
                city: Set(init.city.clone()),
                device_id: Set(init.device_id.clone()),
                auth_method: Set(init.auth_method.clone()),
                auth_provider: Set(init.auth_provider.clone()),
                auth_detail: Set(init.auth_detail.clone()),
                second_factor: Set(init.second_factor.clone()),
                created_at: Set(now),
                last_seen_at: Set(now),
                authenticated_at: Set(init.authenticated_at),
            };
            match session::Entity::insert(row)
                .exec_without_returning(&self.db)
                .await
            {
                Ok(_) => {
                    let meta = RowMeta {
                        user_id: init.user_id,
                        handle,
                        created_at: now,
                        last_seen_at: now,
                        authenticated_at: init.authenticated_at,
                    };
                    if let Ok(value) = serde_json::to_value(meta) {
                        record.data.insert(ROW_KEY.to_owned(), value);
                    }
                    return Ok(());
                }
                Err(err) if is_unique_violation(&err) => {
                    // Id (or handle) collision: draw again.
                    record.id = Id::default();
                    last_err = Some(err);
                }
                Err(err) => return Err(backend(err)),
            }
        }
        Err(last_err.map_or_else(
            || session_store::Error::Backend("session id collision".into()),
            backend,
        ))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        // Update only: a row that is gone (revoked, expired, logged out) stays gone.
        let data = persisted_data(&record.data)?;
        session::Entity::update_many()
            .col_expr(session::Column::Data, Expr::value(data))
            .col_expr(session::Column::ExpiresAt, Expr::value(expiry_ms(record)))
            .filter(session::Column::IdHash.eq(IdHash::of(&record.id).as_str()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let hash = IdHash::of(session_id);
        let Some(row) = session::Entity::find_by_id(hash.as_str().to_owned())
            .filter(session::Column::ExpiresAt.gt(self.clock.now_ms()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        // Undecodable data loses the data, never the sign-in.
        let mut data: HashMap<String, serde_json::Value> =
            serde_json::from_str(&row.data).unwrap_or_default();
        let meta = RowMeta {
            user_id: row.user_id,
            handle: row.handle,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            authenticated_at: row.authenticated_at,
        };
        data.insert(
            ROW_KEY.to_owned(),
            serde_json::to_value(meta).map_err(|e| session_store::Error::Encode(e.to_string()))?,
        );
        let expiry_date = OffsetDateTime::from_unix_timestamp_nanos(i128::from(row.expires_at) * 1_000_000)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *session_id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        session::Entity::delete_many()
            .filter(session::Column::IdHash.eq(IdHash::of(session_id).as_str()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for RegistryStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(self.clock.now_ms()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
