//! "This wasn't me" links: one row per link handed to a new-device hook.

use sea_orm::entity::prelude::*;

/// One unused, possibly expired "This wasn't me" link. Deleted when used.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leptos_session_disavowals")]
pub struct Model {
    /// Lower-case hex SHA-256 of the link's token. The token is never stored.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    /// Whose sign-in the link disowns.
    pub user_id: String,
    /// Public handle of the session it ends.
    pub session_handle: String,
    /// The `login` event it was issued for (shown on the confirmation page).
    pub event_id: Option<i64>,
    /// When it was issued (ms since epoch).
    pub created_at: i64,
    /// When it stops working (ms since epoch).
    pub expires_at: i64,
}

/// No relations: the session and the event may be gone before the link is used.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
