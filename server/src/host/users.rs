//! The demo's own users table (the library never owns users).

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

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

/// The seeded accounts: `(id, email, name, password)`. The first two are
/// the ones the sign-in page mentions (Ada's has a seeded history); the
/// others give each end-to-end journey an account of its own.
pub const DEMO_USERS: &[(&str, &str, &str, &str)] = &[
    ("u-ada", "ada@example.com", "Ada Lovelace", "lovelace-1815"),
    ("u-grace", "grace@example.com", "Grace Hopper", "hopper-1906"),
    ("u-alan", "alan@example.com", "Alan Turing", "turing-1912"),
    (
        "u-katherine",
        "katherine@example.com",
        "Katherine Johnson",
        "johnson-1918",
    ),
    (
        "u-margaret",
        "margaret@example.com",
        "Margaret Hamilton",
        "hamilton-1936",
    ),
    (
        "u-edsger",
        "edsger@example.com",
        "Edsger Dijkstra",
        "dijkstra-1930",
    ),
    (
        "u-barbara",
        "barbara@example.com",
        "Barbara Liskov",
        "liskov-1939",
    ),
    (
        "u-dorothy",
        "dorothy@example.com",
        "Dorothy Vaughan",
        "vaughan-1910",
    ),
    ("u-hedy", "hedy@example.com", "Hedy Lamarr", "lamarr-1914"),
    ("u-radia", "radia@example.com", "Radia Perlman", "perlman-1951"),
    ("u-frances", "frances@example.com", "Frances Allen", "allen-1932"),
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

/// Inserts the demo users that are missing; returns the ids it inserted.
///
/// # Errors
/// Database or hashing errors.
pub async fn seed<C: ConnectionTrait>(db: &C) -> anyhow::Result<Vec<String>> {
    let mut inserted = Vec::new();
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
        inserted.push((*id).to_owned());
    }
    Ok(inserted)
}

/// Adds an account (`add-user`); returns its id. The email is stored
/// trimmed and lower-cased, as [`find_by_email`] looks it up.
///
/// # Errors
/// An empty email, name or password, an email already taken, or a database
/// or hashing error.
pub async fn add<C: ConnectionTrait>(
    db: &C,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<String> {
    let email = email.trim().to_lowercase();
    let name = name.trim();
    anyhow::ensure!(email.contains('@'), "an email address is needed, got {email:?}");
    anyhow::ensure!(!name.is_empty(), "a name is needed");
    anyhow::ensure!(!password.is_empty(), "a password is needed");
    anyhow::ensure!(
        find_by_email(db, &email).await?.is_none(),
        "{email} already has an account"
    );
    let id = format!("u-{}", super::auth::random_hex(8));
    entity::Entity::insert(entity::ActiveModel {
        id: Set(id.clone()),
        email: Set(email),
        name: Set(name.to_owned()),
        password_hash: Set(new_password_hash(password).await?),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// A user by email (trimmed, case-insensitive).
///
/// # Errors
/// The database error.
pub async fn find_by_email<C: ConnectionTrait>(db: &C, email: &str) -> Result<Option<User>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await
}

/// Replaces a user's password.
///
/// # Errors
/// Database or hashing errors.
pub async fn set_password<C: ConnectionTrait>(db: &C, id: &str, password: &str) -> anyhow::Result<()> {
    let hash = new_password_hash(password).await?;
    store_hash(db, id, hash).await?;
    Ok(())
}

/// An argon2id hash of `password`, computed in a hashing slot.
///
/// # Errors
/// No slot within [`HASH_WAIT`], or hashing failed.
pub async fn new_password_hash(password: &str) -> anyhow::Result<String> {
    hashing(|| hash_password(password)).await?
}

/// Stores a password hash computed before (on a transaction, say).
///
/// # Errors
/// The database error.
pub async fn store_hash<C: ConnectionTrait>(db: &C, id: &str, hash: String) -> Result<(), DbErr> {
    entity::Entity::update(entity::ActiveModel {
        id: Set(id.to_owned()),
        password_hash: Set(hash),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Checks `password` against the user `id`'s.
///
/// # Errors
/// The database error.
pub async fn verify_id<C: ConnectionTrait>(db: &C, id: &str, password: &str) -> Result<bool, DbErr> {
    let Some(user) = find_by_id(db, id).await? else {
        return Ok(false);
    };
    hashing(|| {
        PasswordHash::new(&user.password_hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
}

/// At most this many argon2 computations run at once (each takes ≈19 MiB
/// and a core for tens of milliseconds); the others wait their turn.
pub const MAX_CONCURRENT_HASHES: usize = 4;

/// How long a sign-in waits for a hashing slot before it is answered 503.
pub const HASH_WAIT: Duration = Duration::from_secs(5);

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_CONCURRENT_HASHES);
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most argon2 computations seen running at once (tests).
pub fn peak_concurrent_hashes() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Runs a password hash or verification in one of the
/// [`MAX_CONCURRENT_HASHES`] slots.
///
/// # Errors
/// When no slot frees within [`HASH_WAIT`] (the caller answers 503).
async fn hashing<T>(f: impl FnOnce() -> T) -> Result<T, DbErr> {
    let _permit = tokio::time::timeout(HASH_WAIT, HASHING.acquire())
        .await
        .map_err(|_| DbErr::Custom("too many password checks at once".into()))?
        .map_err(|_| DbErr::Custom("password hashing is shut down".into()))?;
    let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
    PEAK.fetch_max(now, Ordering::SeqCst);
    let out = tokio::task::block_in_place(f);
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    Ok(out)
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
    let ok = hashing(|| {
        let hash = user
            .as_ref()
            .map_or(DUMMY_HASH.as_str(), |u| u.password_hash.as_str());
        PasswordHash::new(hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await?;
    Ok(user.filter(|_| ok))
}

/// A real argon2id hash of a throw-away string, verified against for unknown emails.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("not-a-real-password").unwrap_or_default());
