//! The demo's outbox: the "New sign-in" e-mails a real host would send,
//! kept in a table and shown to their addressee on the settings page (the
//! demo sends no mail). Each carries the sign-in's "This wasn't me" link.

use leptos_sessions::server::{Disavowed, Hooks, NewDevice};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Where the demo mounts `<Disavow/>`.
pub const DISAVOW_PATH: &str = "/sessions/disavow";

/// The newest e-mails shown per user.
pub const SHOWN: u64 = 5;

/// The `demo_mail` entity.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One e-mail the demo "sent".
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "demo_mail")]
    pub struct Model {
        /// Surrogate key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The addressee's user id.
        pub user_id: String,
        /// "Firefox 139 on Windows · Madrid, Spain".
        pub source_line: String,
        /// The "This wasn't me" link (relative to the demo's origin).
        pub disavow_url: Option<String>,
        /// When it was sent (ms since epoch).
        pub sent_at: i64,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Creates `demo_mail` when missing.
///
/// # Errors
/// The database error.
pub async fn create_table<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    let id = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => "id INTEGER PRIMARY KEY AUTOINCREMENT",
        sea_orm::DatabaseBackend::Postgres => "id BIGSERIAL PRIMARY KEY",
        _ => "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
    };
    db.execute_unprepared(&format!(
        "CREATE TABLE IF NOT EXISTS demo_mail ({id}, \
            user_id VARCHAR(64) NOT NULL, \
            source_line VARCHAR(512) NOT NULL, \
            disavow_url VARCHAR(512), \
            sent_at BIGINT NOT NULL)"
    ))
    .await?;
    Ok(())
}

/// The hooks a host would have: a "New sign-in" e-mail with the "This
/// wasn't me" link, and a log line where a host forces a password reset.
pub fn hooks(db: DatabaseConnection) -> Hooks {
    Hooks::default()
        .on_new_device(move |new: NewDevice| {
            let db = db.clone();
            async move {
                let mail = entity::ActiveModel {
                    id: NotSet,
                    user_id: Set(new.user_id.clone()),
                    source_line: Set(new.event.source_line(false).chars().take(500).collect()),
                    disavow_url: Set(new.disavow_url(DISAVOW_PATH)),
                    sent_at: Set(new.event.occurred_at),
                };
                if let Err(err) = deliver(&db, &new.user_id, mail).await {
                    tracing::warn!(error = %err, "demo: could not store the new-sign-in mail");
                }
            }
        })
        .on_disavowed(|disowned: Disavowed| async move {
            // A real host forces a password reset for `disowned.user_id` here.
            tracing::info!(
                user.id = %disowned.user_id,
                everywhere = disowned.everywhere,
                ended = disowned.ended,
                "demo: sign-in disowned; a real host would require a new password now"
            );
        })
}

/// Stores `mail` and drops the addressee's mail beyond the newest [`SHOWN`].
async fn deliver(db: &DatabaseConnection, user_id: &str, mail: entity::ActiveModel) -> Result<(), DbErr> {
    entity::Entity::insert(mail).exec_without_returning(db).await?;
    let kept: Vec<i64> = inbox(db, user_id).await?.into_iter().map(|m| m.id).collect();
    entity::Entity::delete_many()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::Id.is_not_in(kept))
        .exec(db)
        .await?;
    Ok(())
}

/// The newest e-mails of `user_id`.
///
/// # Errors
/// The database error.
pub async fn inbox<C: ConnectionTrait>(db: &C, user_id: &str) -> Result<Vec<entity::Model>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_desc(entity::Column::Id)
        .limit(SHOWN)
        .all(db)
        .await
}
