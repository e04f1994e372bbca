//! The demo's own users table (the library never owns users).

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// The `demo_users` entity.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// A demo user.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "demo_users")]
    pub struct Model {
        /// User id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        /// Email, lower-case.
        #[sea_orm(unique)]
        pub email: String,
        /// Display name.
        pub name: String,
        /// Argon2 PHC string.
        pub password_hash: String,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entity::Model as User;

/// The seeded accounts: `(id, email, name, password)`.
pub const DEMO_USERS: &[(&str, &str, &str, &str)] = &[
    ("u-ada", "ada@example.com", "Ada Lovelace", "lovelace-1815"),
    ("u-grace", "grace@example.com", "Grace Hopper", "hopper-1906"),
];

/// Creates the users table.
///
/// # Errors
/// The database error.
pub async fn create_table<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    db.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS demo_users (\
            id VARCHAR(64) NOT NULL PRIMARY KEY, \
            email VARCHAR(255) NOT NULL UNIQUE, \
            name VARCHAR(255) NOT NULL, \
            password_hash VARCHAR(255) NOT NULL)",
    )
    .await?;
    Ok(())
}

/// Inserts the demo users that are missing.
///
/// # Errors
/// Database or hashing errors.
pub async fn seed<C: ConnectionTrait>(db: &C) -> anyhow::Result<()> {
    for (id, email, name, password) in DEMO_USERS {
        if entity::Entity::find_by_id(*id).one(db).await?.is_some() {
            continue;
        }
        entity::Entity::insert(entity::ActiveModel {
            id: Set((*id).to_owned()),
            email: Set((*email).to_owned()),
            name: Set((*name).to_owned()),
            password_hash: Set(hash_password(password)?),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Hashes a password with argon2id.
///
/// # Errors
/// When hashing fails.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// A user by id.
///
/// # Errors
/// The database error.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: &str) -> Result<Option<User>, DbErr> {
    entity::Entity::find_by_id(id).one(db).await
}

/// Checks credentials. Unknown emails cost the same hash verification as
/// known ones, so timing does not reveal which accounts exist.
///
/// # Errors
/// The database error.
pub async fn verify<C: ConnectionTrait>(db: &C, email: &str, password: &str) -> Result<Option<User>, DbErr> {
    let email = email.trim().to_lowercase();
    let user = entity::Entity::find()
        .filter(entity::Column::Email.eq(email))
        .one(db)
        .await?;
    let ok = tokio::task::block_in_place(|| {
        let hash = user
            .as_ref()
            .map_or(DUMMY_HASH.as_str(), |u| u.password_hash.as_str());
        PasswordHash::new(hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    });
    Ok(user.filter(|_| ok))
}

/// A real argon2id hash of a throw-away string, verified against for unknown emails.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("not-a-real-password").unwrap_or_default());
