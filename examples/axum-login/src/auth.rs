//! axum-login 0.18 and leptos-sessions on one session (feature `ssr`).
//!
//! # How the two fit
//!
//! * **One session, one cookie, one store.** `Sessions::layer()` already runs
//!   the tower-sessions 0.14 `SessionManager` on the library's store (plus the
//!   cross-site guard outside it and the tracker that resolves the device row
//!   inside it). axum-login's `AuthManager` only needs a `Session` in the
//!   request extensions, so it goes *inside* the library's layer ([`auth_layer`])
//!   and reads the very same `Session` object. axum-login's own
//!   `AuthManagerLayerBuilder` is not used: it would wrap a second
//!   `SessionManager` (a second copy of the record that overwrites the
//!   library's, or a second cookie).
//! * **Sign-in** ([`sign_in`]): `AuthSession::login` first (it cycles the id
//!   of an anonymous session and puts its user id + auth hash into the session
//!   data), then `CurrentSession::login`, which cycles the id again, creates
//!   *the* device row — carrying axum-login's data with it — and writes one
//!   `login` event. The other order would lose the row: axum-login's
//!   `cycle_id` deletes the record `CurrentSession::login` just created.
//! * **Sign-out through either side.** [`sign_out`] is `CurrentSession::logout`
//!   (deletes the row, writes the `logout` event, clears the session — and
//!   with it axum-login's data) and then `AuthSession::logout`. Code that only
//!   calls axum-login's `AuthSession::logout` (or a session-auth-hash mismatch
//!   inside `AuthManager`) flushes the session: the store deletes the row, so
//!   nothing is orphaned, and [`reconcile`] writes the trail event the library
//!   would have written.
//! * **Password change** ([`change_password`]): the new argon2 hash *is* the
//!   user's `session_auth_hash`, so axum-login refuses every other session's
//!   stored hash; `Sessions::password_changed` deletes those sessions' rows
//!   now, with a `revoked`/`password_change` event each; `AuthSession::login`
//!   again refreshes the hash of the session that changed it.
//! * **Revoking a device** (the `<SessionsPage/>` button) deletes that
//!   session's row. On its next request the store finds no record, so the
//!   library sees an anonymous request *and* axum-login finds no user data:
//!   the browser is signed out of both, without any code here.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, RwLock},
};

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use axum::{
    extract::Request,
    middleware::Next,
    response::Response,
};
use axum_login::{AuthManager, AuthUser, AuthnBackend, UserId};
use leptos_sessions::{
    SessionsError,
    server::{CurrentSession, Login},
};
use tokio::task::{self, JoinError};

/// The session-data key axum-login keeps its user id and auth hash under
/// (its default).
pub const AUTH_DATA_KEY: &str = "axum-login.data";

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

impl User {
    /// The id as leptos-sessions stores it (`user_id` is a string there).
    pub fn sessions_id(&self) -> String {
        self.id.to_string()
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

/// axum-login's `AuthManager` as a layer of its own, *without* the session
/// manager `AuthManagerLayer` would add: it reads the `Session` that
/// `Sessions::layer()` put in the request. Apply it inside that layer.
#[derive(Clone)]
pub struct AuthLayer {
    backend: Backend,
}

impl AuthLayer {
    /// The layer over `backend`.
    pub fn new(backend: Backend) -> Self {
        Self { backend }
    }
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = AuthManager<S, Backend>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthManager::new(inner, self.backend.clone(), AUTH_DATA_KEY)
    }
}

/// Why a sign-in, sign-out or password change did not happen.
#[derive(Debug)]
pub enum AuthError {
    /// axum-login could not read or write the session.
    Auth(axum_login::Error<Backend>),
    /// leptos-sessions could not record it (nothing to retry but the request).
    Sessions(SessionsError),
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Auth(err) => write!(f, "axum-login: {err}"),
            Self::Sessions(err) => write!(f, "leptos-sessions: {err}"),
        }
    }
}

impl From<axum_login::Error<Backend>> for AuthError {
    fn from(err: axum_login::Error<Backend>) -> Self {
        Self::Auth(err)
    }
}

impl From<SessionsError> for AuthError {
    fn from(err: SessionsError) -> Self {
        Self::Sessions(err)
    }
}

/// Signs `user` in on both sides: one device row, one `login` event.
///
/// # Errors
/// [`AuthError`] when either side cannot write the session.
pub async fn sign_in(auth: &mut AuthSession, current: &CurrentSession, user: &User, login: Login) -> Result<(), AuthError> {
    // Somebody else signed in in this browser: end their session first (one
    // `logout` event), or `CurrentSession::login` would clear the session data
    // — axum-login's included — after axum-login wrote it.
    if current.user_id().is_some_and(|id| id != user.sessions_id()) {
        current.logout().await?;
    }
    // axum-login first: its `cycle_id` (for an anonymous session) must not
    // delete the row the library creates next.
    auth.login(user).await?;
    current.login(user.sessions_id(), login).await?;
    Ok(())
}

/// Signs out on both sides: the row goes, one `logout` event, axum-login's
/// data goes with the session.
///
/// # Errors
/// [`AuthError`] when the row cannot be deleted.
pub async fn sign_out(auth: &mut AuthSession, current: &CurrentSession) -> Result<(), AuthError> {
    // The library first: it reads the row for the event before deleting it.
    current.logout().await?;
    // Drops axum-login's in-memory user; the session is already flushed.
    auth.logout().await?;
    Ok(())
}

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

/// Changes the signed-in user's password and ends their other sessions.
///
/// # Errors
/// [`AuthError`] when the session cannot be updated.
pub async fn change_password(
    auth: &mut AuthSession,
    current: &CurrentSession,
    current_password: String,
    new_password: String,
) -> Result<PasswordChange, AuthError> {
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
        .map_err(|err| AuthError::Auth(axum_login::Error::Backend(err)))?
        .map_err(|_| AuthError::Sessions(SessionsError::Internal))?;
    let Some(updated) = auth.backend.set_password_hash(user.id, hash) else {
        return Ok(PasswordChange::NotSignedIn);
    };
    // The other sessions' rows go now, each with a `revoked` event
    // (reason `password_change`); axum-login would refuse their old hash anyway.
    let ended = current
        .sessions()
        .password_changed(&updated.sessions_id(), Some(current))
        .await?;
    // This session keeps going: store the new hash in it.
    auth.login(&updated).await?;
    Ok(PasswordChange::Changed(ended))
}

/// Sits between the library's layer and axum-login's `AuthManager`. When
/// code outside the library flushed a signed-in session during the request —
/// axum-login's `AuthSession::logout`, or its session-auth-hash check — the
/// store already deleted the row (no orphan); this writes the `logout` event
/// `CurrentSession::logout` would have written (without the device columns:
/// the row they would be copied from is gone).
pub async fn reconcile(current: CurrentSession, req: Request, next: Next) -> Response {
    let was_signed_in = current.user_id().is_some();
    let res = next.run(req).await;
    // `CurrentSession::logout` clears its state; a flush by anyone else leaves
    // the state signed in and the session without an id.
    if was_signed_in
        && current.user_id().is_some()
        && current.session().id().is_none()
        && let Err(err) = current.logout().await
    {
        eprintln!("axum-login example: could not record a sign-out: {err}");
    }
    res
}
