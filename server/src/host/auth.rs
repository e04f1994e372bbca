//! The demo's sign-in and sign-out: the host's own credential check, then the
//! library's `login` / `logout` seams.

use axum::http::StatusCode;
use axum::{
    Form,
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use leptos_sessions::server::{CurrentSession, Login, Sessions};
use serde::Deserialize;

use super::users;

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

impl std::fmt::Debug for SignInForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInForm")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// `POST /auth/sign-in`.
pub async fn sign_in(
    State(sessions): State<Sessions>,
    current: CurrentSession,
    Form(form): Form<SignInForm>,
) -> Response {
    let user = match users::verify(sessions.db(), &form.email, &form.password).await {
        Ok(user) => user,
        Err(err) => {
            tracing::error!(error = %err, "user lookup failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Sign-in is temporarily unavailable.",
            )
                .into_response();
        }
    };
    let Some(user) = user else {
        current
            .record_failed_login(&form.email, "invalid_credentials")
            .await;
        return Redirect::to("/sign-in?error=invalid").into_response();
    };
    match current
        .login(&user.id, Login::password().identity(&form.email))
        .await
    {
        Ok(_) => Redirect::to("/settings").into_response(),
        Err(err) => (StatusCode::SERVICE_UNAVAILABLE, err.to_string()).into_response(),
    }
}

/// `POST /auth/sign-out`.
pub async fn sign_out(current: CurrentSession) -> Response {
    match current.logout().await {
        Ok(()) => Redirect::to("/sign-in").into_response(),
        Err(err) => (StatusCode::SERVICE_UNAVAILABLE, err.to_string()).into_response(),
    }
}
