//! axum-login 0.18 on the library's session (feature `axum-login`).
//!
//! axum-login 0.18 is built on tower-sessions 0.14, the version whose
//! `SessionStore` the library implements, so the two share **one session,
//! one cookie, one row**: axum-login keeps its user id and auth hash in the
//! data of the very row that is the device in "Your devices".
//!
//! * [`Sessions::layer_with_auth`] is [`Sessions::layer`] with axum-login's
//!   `AuthManager` inside it, reading the `Session` the library's layer put in
//!   the request. (axum-login's own `AuthManagerLayerBuilder` is not for this:
//!   it brings a second `SessionManager`, i.e. a second copy of the record
//!   that overwrites the library's, or a second cookie.)
//! * [`CurrentSession::login_with`] signs in on both sides: axum-login's
//!   `AuthSession::login` first, then [`CurrentSession::login`] — one row, one
//!   `login` event. (The other order loses the row: axum-login cycles the id
//!   of a session it has no user in, which deletes the row just created.)
//! * [`CurrentSession::logout_with`] signs out of both: the row goes, one
//!   `logout` event.
//! * [`CurrentSession::password_changed_with`] ends the user's other sessions
//!   now (a `revoked` event each, reason `password_change`) and stores the new
//!   `session_auth_hash` in this session, so it stays signed in.
//!
//! Code that signs out through axum-login alone (`AuthSession::logout`), and
//! axum-login's own refusal of a stale `session_auth_hash`, flush the session:
//! the store deletes the row (nothing is orphaned) and the layer writes the
//! one `logout` event, with the device's columns. That holds with or without
//! this feature, for any code that flushes or cycles a signed-in session.
//!
//! The library records a user as `user.id().to_string()`: pass the same
//! string to [`Sessions::password_changed`], [`Sessions::admin_revoke_all`]
//! and the other calls that take a user id.
//!
//! ```no_run
//! use std::net::SocketAddr;
//!
//! use axum::{Form, Router, response::{IntoResponse, Redirect, Response}, routing::post};
//! use leptos_sessions::server::{CookieKey, CurrentSession, Login, Sessions, SessionsConfig};
//!
//! # use axum_login::{AuthUser, AuthnBackend, UserId};
//! # #[derive(Clone, Debug)]
//! # struct User { id: i64, password_hash: String }
//! # impl AuthUser for User {
//! #     type Id = i64;
//! #     fn id(&self) -> i64 { self.id }
//! #     fn session_auth_hash(&self) -> &[u8] { self.password_hash.as_bytes() }
//! # }
//! # #[derive(Clone, serde::Deserialize)]
//! # struct Credentials { email: String, password: String }
//! # #[derive(Clone)]
//! # struct Backend;
//! # impl AuthnBackend for Backend {
//! #     type User = User;
//! #     type Credentials = Credentials;
//! #     type Error = std::convert::Infallible;
//! #     async fn authenticate(&self, _: Credentials) -> Result<Option<User>, Self::Error> { Ok(None) }
//! #     async fn get_user(&self, _: &UserId<Self>) -> Result<Option<User>, Self::Error> { Ok(None) }
//! # }
//! // `Backend` is your axum-login `AuthnBackend`.
//! type AuthSession = axum_login::AuthSession<Backend>;
//!
//! async fn sign_in(mut auth: AuthSession, current: CurrentSession, Form(creds): Form<Credentials>) -> Response {
//!     let email = creds.email.clone();
//!     match auth.authenticate(creds).await {
//!         Ok(Some(user)) => match current.login_with(&mut auth, &user, Login::password().identity(&email)).await {
//!             Ok(_) => Redirect::to("/settings").into_response(),
//!             Err(err) => err.to_string().into_response(),
//!         },
//!         Ok(None) => {
//!             current.record_failed_login(&email, "invalid_credentials").await;
//!             Redirect::to("/sign-in?error").into_response()
//!         }
//!         Err(err) => err.to_string().into_response(),
//!     }
//! }
//!
//! async fn sign_out(mut auth: AuthSession, current: CurrentSession) -> Redirect {
//!     let _ = current.logout_with(&mut auth).await;
//!     Redirect::to("/sign-in")
//! }
//!
//! # async fn run(backend: Backend) -> Result<(), Box<dyn std::error::Error>> {
//! let db = sea_orm::Database::connect("sqlite://app.db?mode=rwc").await?;
//! let secret = std::env::var("SESSIONS_SECRET")?;
//! let sessions = Sessions::new(db, SessionsConfig::new(CookieKey::new(secret)))?;
//! sessions.migrate().await?;
//! let app = Router::new()
//!     .route("/auth/sign-in", post(sign_in))
//!     .route("/auth/sign-out", post(sign_out))
//!     // … your routes; `AuthSession` and `CurrentSession` work in all of them …
//!     .layer(sessions.layer_with_auth(backend)); // instead of `sessions.layer()`
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
//! # Ok(())
//! # }
//! ```
//!
//! After a password change (with the user's new `session_auth_hash` stored):
//!
//! ```no_run
//! # use leptos_sessions::server::CurrentSession;
//! # async fn run<B: axum_login::AuthnBackend>(
//! #     current: CurrentSession, mut auth: axum_login::AuthSession<B>, updated_user: B::User,
//! # ) -> Result<(), leptos_sessions::server::axum_login::AuthError<B>> {
//! let ended = current.password_changed_with(&mut auth, &updated_user).await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;

use ::axum_login::{AuthManager, AuthSession, AuthUser, AuthnBackend};
use tower::Layer;

use super::{CurrentSession, Login, LoginOutcome, Sessions, SessionsLayer};
use crate::error::SessionsError;

/// The session-data key axum-login keeps its user id and auth hash under
/// (axum-login's default).
pub const DATA_KEY: &str = "axum-login.data";

/// The layer returned by [`Sessions::layer_with_auth`]: [`SessionsLayer`]
/// around axum-login's `AuthManager`. Wrap the whole host router in it.
#[derive(Clone)]
pub struct AuthSessionsLayer<B> {
    sessions: SessionsLayer,
    backend: B,
}

impl<B> fmt::Debug for AuthSessionsLayer<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSessionsLayer").finish_non_exhaustive()
    }
}

impl<S, B> Layer<S> for AuthSessionsLayer<B>
where
    B: AuthnBackend,
    SessionsLayer: Layer<AuthManager<S, B>>,
{
    type Service = <SessionsLayer as Layer<AuthManager<S, B>>>::Service;

    fn layer(&self, inner: S) -> Self::Service {
        self.sessions
            .layer(AuthManager::new(inner, self.backend.clone(), DATA_KEY))
    }
}

impl Sessions {
    /// [`Sessions::layer`] with axum-login's `AuthManager` over `backend`
    /// inside it, on the same session: handlers extract both
    /// `axum_login::AuthSession<B>` and [`CurrentSession`].
    pub fn layer_with_auth<B: AuthnBackend>(&self, backend: B) -> AuthSessionsLayer<B> {
        AuthSessionsLayer {
            sessions: self.layer(),
            backend,
        }
    }
}

/// Why a sign-in, sign-out or password change through both sides failed.
pub enum AuthError<B: AuthnBackend> {
    /// axum-login could not read or write the session, or its backend failed.
    AxumLogin(::axum_login::Error<B>),
    /// The library could not record it.
    Sessions(SessionsError),
}

impl<B: AuthnBackend> fmt::Debug for AuthError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AxumLogin(err) => f.debug_tuple("AxumLogin").field(err).finish(),
            Self::Sessions(err) => f.debug_tuple("Sessions").field(err).finish(),
        }
    }
}

impl<B: AuthnBackend> fmt::Display for AuthError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AxumLogin(err) => write!(f, "axum-login: {err}"),
            Self::Sessions(err) => write!(f, "leptos-sessions: {err}"),
        }
    }
}

impl<B: AuthnBackend + 'static> std::error::Error for AuthError<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::AxumLogin(err) => Some(err),
            Self::Sessions(err) => Some(err),
        }
    }
}

impl<B: AuthnBackend> From<::axum_login::Error<B>> for AuthError<B> {
    fn from(err: ::axum_login::Error<B>) -> Self {
        Self::AxumLogin(err)
    }
}

impl<B: AuthnBackend> From<SessionsError> for AuthError<B> {
    fn from(err: SessionsError) -> Self {
        Self::Sessions(err)
    }
}

/// For server functions and handlers that answer with the library's errors:
/// axum-login's failures are logged and become [`SessionsError::Unavailable`].
impl<B: AuthnBackend> From<AuthError<B>> for SessionsError {
    fn from(err: AuthError<B>) -> Self {
        match err {
            AuthError::Sessions(err) => err,
            AuthError::AxumLogin(err) => {
                tracing::error!(error = %err, "leptos-sessions: axum-login failed");
                Self::Unavailable
            }
        }
    }
}

fn same_user<U: AuthUser>(a: &U, b: &U) -> bool {
    a.id().to_string() == b.id().to_string()
}

impl CurrentSession {
    /// Signs `user` in on both sides, after the host authenticated them
    /// (e.g. `AuthSession::authenticate`): axum-login's `AuthSession::login`
    /// first, then [`CurrentSession::login`] with `user.id().to_string()` —
    /// one row (which carries axum-login's data), one `login` event. A
    /// different user still signed in in this browser is signed out first
    /// (their `logout` event).
    ///
    /// # Errors
    /// [`AuthError`] when either side cannot write the session.
    pub async fn login_with<B: AuthnBackend>(
        &self,
        auth: &mut AuthSession<B>,
        user: &B::User,
        login: Login,
    ) -> Result<LoginOutcome, AuthError<B>> {
        let user_id = user.id().to_string();
        let other_here = self.user_id().is_some_and(|id| id != user_id);
        let other_there = auth.user.as_ref().is_some_and(|u| !same_user(u, user));
        if other_here || other_there {
            // Otherwise `CurrentSession::login` would clear the session data
            // — axum-login's too — after axum-login wrote it.
            self.logout_with(auth).await?;
        }
        // axum-login first: its `cycle_id` (for a session it has no user in)
        // must not delete the row the library creates next.
        auth.login(user).await?;
        Ok(self.login(&user_id, login).await?)
    }

    /// Signs out of both sides: the row goes (one `logout` event, the cookie
    /// cleared) and axum-login forgets its user. Returns axum-login's user.
    ///
    /// # Errors
    /// [`AuthError`] when the row cannot be deleted.
    pub async fn logout_with<B: AuthnBackend>(
        &self,
        auth: &mut AuthSession<B>,
    ) -> Result<Option<B::User>, AuthError<B>> {
        self.logout().await?;
        // The session is flushed already; this drops axum-login's user.
        Ok(auth.logout().await?)
    }

    /// After `updated_user`'s password (and with it their
    /// `session_auth_hash`) changed: ends their other sessions now, with a
    /// `revoked`/`password_change` event each ([`Sessions::password_changed`];
    /// axum-login would refuse their old hash anyway), and stores the new
    /// hash in this session when it is theirs, so it stays signed in.
    /// Returns how many sessions were ended.
    ///
    /// # Errors
    /// [`AuthError`] when the rows cannot be deleted or the session not updated.
    pub async fn password_changed_with<B: AuthnBackend>(
        &self,
        auth: &mut AuthSession<B>,
        updated_user: &B::User,
    ) -> Result<u64, AuthError<B>> {
        let user_id = updated_user.id().to_string();
        let ended = self.sessions().password_changed(&user_id, Some(self)).await?;
        if auth.user.as_ref().is_some_and(|u| same_user(u, updated_user)) {
            auth.login(updated_user).await?;
        }
        Ok(ended)
    }
}
