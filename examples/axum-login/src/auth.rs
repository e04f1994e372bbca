//! axum-login 0.18 sign-in over a few argon2id-hashed users (feature `ssr`).
//! leptos-sessions' `axum-login` feature does the fitting together:
//! `Sessions::layer_with_auth(backend)` puts axum-login's `AuthManager` on the
//! library's session (one cookie, one row), and `CurrentSession::login_with`,
//! `logout_with` and `password_changed_with` do both sides in one call (see
//! README.md). A sign-out by axum-login alone (`AuthSession::logout`, or its
//! refusal of a stale `session_auth_hash`) is recorded by the library itself.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, RwLock},
};

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use axum_login::{AuthUser, AuthnBackend, UserId};
use leptos_sessions::{
    SessionsError,
    server::{CurrentSession, axum_login::AuthError},
};
use tokio::task::{self, JoinError};

/// A user of this app.
#[derive(Clone)]
pub struct User {
    /// The app's own id.
    pub id: i64,
    /// The e-mail the user signs in with.
    pub email: String,
    /// Argon2id PHC string.
    password_hash: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// The password hash: changing the password changes it, which ends every
    /// session that stored the old one (axum-login compares it per request).
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

/// What the sign-in form sends.
#[derive(Clone, serde::Deserialize)]
pub struct Credentials {
    /// As typed.
    pub email: String,
    /// As typed.
    pub password: String,
}

/// A few users in memory, with argon2id hashes.
#[derive(Clone, Default)]
pub struct Backend {
    users: Arc<RwLock<HashMap<i64, User>>>,
}

impl Backend {
    /// The demo accounts (one per end-to-end journey, so journeys never share devices).
    ///
    /// # Errors
    /// When hashing fails.
    pub fn with_demo_users() -> Result<Self, argon2::password_hash::Error> {
        let backend = Self::default();
        for (id, email, password) in [
            (1, "ada@example.com", "lovelace-1815"),
            (2, "grace@example.com", "hopper-1906"),
            (3, "linus@example.com", "torvalds-1991"),
            (4, "alan@example.com", "turing-1936"),
            (5, "barbara@example.com", "liskov-1939"),
        ] {
            backend.write().insert(
                id,
                User {
                    id,
                    email: email.to_owned(),
                    password_hash: hash_password(password)?,
                },
            );
        }
        Ok(backend)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<i64, User>> {
        self.users.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<i64, User>> {
        self.users.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn by_email(&self, email: &str) -> Option<User> {
        let email = email.trim().to_lowercase();
        self.read().values().find(|u| u.email == email).cloned()
    }

    /// Replaces `user_id`'s password hash; returns the updated user.
    fn set_password_hash(&self, user_id: i64, password_hash: String) -> Option<User> {
        let mut users = self.write();
        let user = users.get_mut(&user_id)?;
        user.password_hash = password_hash;
        Some(user.clone())
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = JoinError;

    /// Unknown e-mails cost the same verification as known ones (no account
    /// enumeration by timing).
    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, JoinError> {
        let user = self.by_email(&creds.email);
        let hash = user
            .as_ref()
            .map_or_else(|| DUMMY_HASH.clone(), |u| u.password_hash.clone());
        let ok = task::spawn_blocking(move || verify_password(&creds.password, &hash)).await?;
        Ok(user.filter(|_| ok))
    }

    async fn get_user(&self, user_id: &UserId<Self>) -> Result<Option<User>, JoinError> {
        Ok(self.read().get(user_id).cloned())
    }
}

/// The axum-login session, as handlers extract it.
pub type AuthSession = axum_login::AuthSession<Backend>;

fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A real argon2id hash of a throw-away string, verified against for unknown e-mails.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not-a-real-password").unwrap_or_default());

/// Why a password change did not happen.
pub type Error = AuthError<Backend>;

/// What a password change did.
#[derive(Debug)]
pub enum PasswordChange {
    /// Changed; this many other sessions were ended.
    Changed(u64),
    /// The current password was wrong (nothing changed).
    WrongPassword,
    /// Nobody is signed in.
    NotSignedIn,
}

/// Changes the signed-in user's password; the library ends their other
/// sessions and this one keeps going (`password_changed_with`).
///
/// # Errors
/// [`Error`] when the session cannot be updated.
pub async fn change_password(
    auth: &mut AuthSession,
    current: &CurrentSession,
    current_password: String,
    new_password: String,
) -> Result<PasswordChange, Error> {
    let Some(user) = auth.user.clone() else {
        return Ok(PasswordChange::NotSignedIn);
    };
    let creds = Credentials {
        email: user.email.clone(),
        password: current_password,
    };
    if auth.authenticate(creds).await?.is_none() {
        return Ok(PasswordChange::WrongPassword);
    }
    let hash = task::spawn_blocking(move || hash_password(&new_password))
        .await
        .map_err(|err| Error::AxumLogin(axum_login::Error::Backend(err)))?
        .map_err(|_| Error::Sessions(SessionsError::Internal))?;
    let Some(updated) = auth.backend.set_password_hash(user.id, hash) else {
        return Ok(PasswordChange::NotSignedIn);
    };
    // The new hash is the user's `session_auth_hash`: the other sessions'
    // rows go now (a `revoked` event each), this one stores the new hash.
    let ended = current.password_changed_with(auth, &updated).await?;
    Ok(PasswordChange::Changed(ended))
}
