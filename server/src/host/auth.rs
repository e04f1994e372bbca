//! The demo's own authentication — password, magic link, a stand-in OAuth
//! provider, password change — and at each seam the library call a host
//! makes: `login`, `record_failed_login`, `logout`, `password_changed`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::{
    Form,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use leptos_sessions::{
    server::{CurrentSession, Login, Sessions},
    types::AuthMethod,
};
use serde::Deserialize;

use super::users;

/// The cookie leptos_i18n reads (and `Accept-Language` when it is absent).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

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

fn unavailable(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "demo auth: backend failure");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "Sign-in is temporarily unavailable.",
    )
        .into_response()
}

/// `POST /auth/sign-in`.
pub async fn sign_in(
    State(sessions): State<Sessions>,
    current: CurrentSession,
    Form(form): Form<SignInForm>,
) -> Response {
    let user = match users::verify(sessions.db(), &form.email, &form.password).await {
        Ok(user) => user,
        Err(err) => return unavailable(err),
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
        Err(err) => unavailable(err),
    }
}

/// `POST /auth/sign-out`.
pub async fn sign_out(current: CurrentSession) -> Response {
    match current.logout().await {
        Ok(()) => Redirect::to("/sign-in").into_response(),
        Err(err) => unavailable(err),
    }
}

/// Single-use magic-link tokens, in memory (15 minutes).
#[derive(Clone, Default)]
pub struct MagicLinks(Arc<Mutex<HashMap<String, MagicLink>>>);

/// Who a token signs in, and since when it is valid.
struct MagicLink {
    user_id: String,
    email: String,
    issued: Instant,
}

impl std::fmt::Debug for MagicLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MagicLinks([redacted])")
    }
}

const MAGIC_TTL: Duration = Duration::from_secs(15 * 60);

impl MagicLinks {
    fn issue(&self, user_id: &str, email: &str) -> String {
        let mut bytes = [0u8; 24];
        OsRng.fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, link| link.issued.elapsed() < MAGIC_TTL);
        map.insert(
            token.clone(),
            MagicLink {
                user_id: user_id.to_owned(),
                email: email.to_owned(),
                issued: Instant::now(),
            },
        );
        token
    }

    fn redeem(&self, token: &str) -> Option<(String, String)> {
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.remove(token)
            .filter(|link| link.issued.elapsed() < MAGIC_TTL)
            .map(|link| (link.user_id, link.email))
    }
}

/// The magic-link request form.
#[derive(Debug, Deserialize)]
pub struct MagicLinkForm {
    email: String,
}

/// `POST /auth/magic-link`: the demo sends no mail; the sign-in page shows
/// the link instead.
pub async fn magic_link(
    State(sessions): State<Sessions>,
    State(links): State<MagicLinks>,
    Form(form): Form<MagicLinkForm>,
) -> Response {
    match users::find_by_email(sessions.db(), &form.email).await {
        Ok(Some(user)) => {
            let token = links.issue(&user.id, &form.email);
            Redirect::to(&format!("/sign-in?magic={token}")).into_response()
        }
        Ok(None) => Redirect::to("/sign-in?magic=").into_response(),
        Err(err) => unavailable(err),
    }
}

/// `GET /auth/magic/{token}`: the link from the "email".
pub async fn magic_link_open(
    State(links): State<MagicLinks>,
    current: CurrentSession,
    Path(token): Path<String>,
) -> Response {
    let Some((user_id, email)) = links.redeem(&token) else {
        current.record_failed_login("", "expired_link").await;
        return Redirect::to("/sign-in?error=link").into_response();
    };
    match current
        .login(&user_id, Login::new(AuthMethod::MagicLink).identity(email))
        .await
    {
        Ok(_) => Redirect::to("/settings").into_response(),
        Err(err) => unavailable(err),
    }
}

/// The stand-in provider's consent form.
#[derive(Debug, Deserialize)]
pub struct OAuthForm {
    email: Option<String>,
    deny: Option<String>,
}

/// `POST /oauth/demo/callback`: what a real provider's redirect back would
/// do, tagged `oauth` / `demo`.
pub async fn oauth_callback(
    State(sessions): State<Sessions>,
    current: CurrentSession,
    Form(form): Form<OAuthForm>,
) -> Response {
    let email = form.email.filter(|_| form.deny.is_none()).unwrap_or_default();
    let user = match users::find_by_email(sessions.db(), &email).await {
        Ok(user) => user,
        Err(err) => return unavailable(err),
    };
    let Some(user) = user else {
        current.record_failed_login(&email, "oauth_denied").await;
        return Redirect::to("/sign-in?error=oauth").into_response();
    };
    match current
        .login(&user.id, Login::oauth("demo").identity(&email))
        .await
    {
        Ok(_) => Redirect::to("/settings").into_response(),
        Err(err) => unavailable(err),
    }
}

/// The password-change form.
#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// `POST /auth/password`: checks the current password, stores the new one,
/// then `Sessions::password_changed` ends every other session of the user.
pub async fn change_password(
    State(sessions): State<Sessions>,
    current: CurrentSession,
    Form(form): Form<PasswordForm>,
) -> Response {
    let Some(user_id) = current.user_id() else {
        return Redirect::to("/sign-in").into_response();
    };
    if form.new_password.chars().count() < 8 {
        return Redirect::to("/settings?password=short#password").into_response();
    }
    match users::verify_id(sessions.db(), &user_id, &form.current_password).await {
        Ok(true) => {}
        Ok(false) => return Redirect::to("/settings?password=wrong#password").into_response(),
        Err(err) => return unavailable(err),
    }
    if let Err(err) = users::set_password(sessions.db(), &user_id, &form.new_password).await {
        return unavailable(err);
    }
    match sessions.password_changed(&user_id, Some(&current)).await {
        Ok(ended) => {
            Redirect::to(&format!("/settings?password=changed&ended={ended}#password")).into_response()
        }
        Err(err) => unavailable(err),
    }
}

/// The language switch.
#[derive(Debug, Deserialize)]
pub struct LocaleForm {
    locale: String,
    back: Option<String>,
}

/// `POST /locale`: remembers the language in leptos_i18n's cookie and goes
/// back to the page (a same-site path only).
pub async fn set_locale(Form(form): Form<LocaleForm>) -> Response {
    let locale = if form.locale == "es" { "es" } else { "en" };
    let back = form
        .back
        .filter(|b| is_local_path(b))
        .unwrap_or_else(|| "/".to_owned());
    (
        [(
            header::SET_COOKIE,
            format!("{LOCALE_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax"),
        )],
        Redirect::to(&back),
    )
        .into_response()
}

/// A path on this site: starts with one `/`, printable ASCII only.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() <= 512
        && path.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn open_redirects_are_refused() {
        assert!(is_local_path("/settings?password=changed"));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/a b",
            "",
            "/x\r\nSet-Cookie: a",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }
}
