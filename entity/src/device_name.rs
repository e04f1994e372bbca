//! The names people give their devices ("Work laptop").

use sea_orm::entity::prelude::*;

/// A user's name for one browser (its browser-continuity id): it outlives
/// the session it was given on, so a re-login from that browser keeps it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leptos_session_device_names")]
pub struct Model {
    /// Whose name it is.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// The browser-continuity id it names.
    #[sea_orm(primary_key, auto_increment = false)]
    pub device_id: String,
    /// The name, trimmed, without control characters, at most
    /// 64 characters.
    pub name: String,
    /// When it was last set (ms since epoch).
    pub updated_at: i64,
}

/// No relations: the sessions of the browser come and go.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
