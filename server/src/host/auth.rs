//! The demo's own authentication — password, magic link, a stand-in OAuth
//! provider, password change — and at each seam the library call a host
//! makes: `login`, `record_failed_login`, `logout`, `change_password`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::{
    Form,
    extract::State,
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

/// Single-use secrets in memory (magic-link tokens, OAuth `state`s), each
/// valid for `ttl` and at most `cap` of them: an anonymous client cannot grow
/// the map without bound (issuing beyond the cap drops the oldest).
struct Pending<T> {
    entries: Mutex<HashMap<String, (Instant, T)>>,
    ttl: Duration,
    cap: usize,
}

impl<T> Pending<T> {
    fn new(ttl: Duration, cap: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            ttl,
            cap,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, T)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A fresh 192-bit token from the OS RNG, remembered with `value`.
    fn issue(&self, value: T) -> String {
        let token = random_hex(24);
        let mut map = self.lock();
        let ttl = self.ttl;
        map.retain(|_, (issued, _)| issued.elapsed() < ttl);
        while map.len() >= self.cap {
            let Some(oldest) = map
                .iter()
                .min_by_key(|(_, (issued, _))| *issued)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            map.remove(&oldest);
        }
        map.insert(token.clone(), (Instant::now(), value));
        token
    }

    /// Looks without using it up.
    fn peek<R>(&self, token: &str, f: impl FnOnce(&T) -> R) -> Option<R> {
        let map = self.lock();
        map.get(token)
            .filter(|(issued, _)| issued.elapsed() < self.ttl)
            .map(|(_, value)| f(value))
    }

    /// Uses it up: a second call answers `None`.
    fn redeem(&self, token: &str) -> Option<T> {
        self.lock()
            .remove(token)
            .filter(|(issued, _)| issued.elapsed() < self.ttl)
            .map(|(_, value)| value)
    }

    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// `n` random bytes from the OS RNG, hex-encoded.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Most magic links (and OAuth states) pending at once.
pub const PENDING_CAP: usize = 10_000;
const MAGIC_TTL: Duration = Duration::from_secs(15 * 60);
const OAUTH_STATE_TTL: Duration = Duration::from_secs(10 * 60);

/// Who a magic link signs in.
struct MagicLink {
    user_id: String,
    email: String,
}

/// Single-use magic-link tokens, in memory (15 minutes, at most
/// [`PENDING_CAP`]).
#[derive(Clone)]
pub struct MagicLinks(Arc<Pending<MagicLink>>);

impl Default for MagicLinks {
    fn default() -> Self {
        Self::with_cap(PENDING_CAP)
    }
}

impl std::fmt::Debug for MagicLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MagicLinks([redacted])")
    }
}

impl MagicLinks {
    /// At most `cap` pending links.
    pub fn with_cap(cap: usize) -> Self {
        Self(Arc::new(Pending::new(MAGIC_TTL, cap.max(1))))
    }

    /// Issues a link for a user.
    pub fn issue(&self, user_id: &str, email: &str) -> String {
        self.0.issue(MagicLink {
            user_id: user_id.to_owned(),
            email: email.to_owned(),
        })
    }

    /// The email a live token signs in, without using it up.
    pub fn email_of(&self, token: &str) -> Option<String> {
        self.0.peek(token, |link| link.email.clone())
    }

    fn redeem(&self, token: &str) -> Option<(String, String)> {
        self.0.redeem(token).map(|link| (link.user_id, link.email))
    }

    /// How many links are pending.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

/// The magic link's confirmation form (`GET /auth/magic/{token}` shows it;
/// a GET never signs in — prefetchers and login CSRF).
#[derive(Deserialize)]
pub struct MagicConfirmForm {
    token: String,
}

/// `POST /auth/magic`: redeems the token (single use) and signs in.
pub async fn magic_link_confirm(
    State(links): State<MagicLinks>,
    current: CurrentSession,
    Form(form): Form<MagicConfirmForm>,
) -> Response {
    let Some((user_id, email)) = links.redeem(&form.token) else {
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

/// Pending `state`s of the stand-in OAuth flow (10 minutes, at most
/// [`PENDING_CAP`]), each also in the cookie of the browser that started it.
#[derive(Clone)]
pub struct OAuthStates(Arc<Pending<()>>);

impl Default for OAuthStates {
    fn default() -> Self {
        Self(Arc::new(Pending::new(OAUTH_STATE_TTL, PENDING_CAP)))
    }
}

impl std::fmt::Debug for OAuthStates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OAuthStates([redacted])")
    }
}

/// The cookie that binds an OAuth `state` to the browser that started the flow.
pub fn oauth_state_cookie(sessions: &Sessions) -> String {
    if sessions.config().dev_insecure_cookies {
        "demo_oauth_state".to_owned()
    } else {
        "__Host-demo_oauth_state".to_owned()
    }
}

fn oauth_state_set_cookie(sessions: &Sessions, value: &str, max_age: u64) -> String {
    let secure = if sessions.config().dev_insecure_cookies {
        ""
    } else {
        " Secure;"
    };
    format!(
        "{}={value}; Max-Age={max_age}; Path=/;{secure} HttpOnly; SameSite=Lax",
        oauth_state_cookie(sessions)
    )
}

/// `POST /oauth/demo/start` ("Continue with Demo OAuth"): a fresh `state`,
/// remembered by the server and set in this browser's cookie, then off to
/// the provider's consent page with it.
pub async fn oauth_start(State(sessions): State<Sessions>, State(states): State<OAuthStates>) -> Response {
    let state = states.0.issue(());
    (
        [
            (
                header::SET_COOKIE,
                oauth_state_set_cookie(&sessions, &state, OAUTH_STATE_TTL.as_secs()),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Redirect::to(&format!("/oauth/demo?state={state}")),
    )
        .into_response()
}

/// The stand-in provider's consent form, posted back to the demo like an
/// OpenID Connect `response_mode=form_post` answer.
#[derive(Debug, Deserialize)]
pub struct OAuthForm {
    email: Option<String>,
    deny: Option<String>,
    #[serde(default)]
    state: String,
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /oauth/demo/callback`: what a real provider's answer would do,
/// tagged `oauth` / `demo`. The `state` must be the one this browser's
/// cookie holds and still pending (it is used up here, whatever the
/// outcome): a callback started in another browser (login CSRF) or
/// replayed is refused.
pub async fn oauth_callback(
    State(sessions): State<Sessions>,
    State(states): State<OAuthStates>,
    current: CurrentSession,
    headers: axum::http::HeaderMap,
    Form(form): Form<OAuthForm>,
) -> Response {
    let cookie_name = oauth_state_cookie(&sessions);
    let cookie_state = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == cookie_name)
        .map(|(_, v)| v.trim().to_owned());
    let bound = !form.state.is_empty()
        && cookie_state.is_some_and(|c| constant_time_eq(c.as_bytes(), form.state.as_bytes()));
    // Used up whatever happens next.
    let pending = states.0.redeem(&form.state).is_some();
    let clear = [(header::SET_COOKIE, oauth_state_set_cookie(&sessions, "", 0))];
    if !(bound && pending) {
        current.record_failed_login("", "oauth_state").await;
        return (clear, Redirect::to("/sign-in?error=oauth")).into_response();
    }
    let email = form.email.filter(|_| form.deny.is_none()).unwrap_or_default();
    let user = match users::find_by_email(sessions.db(), &email).await {
        Ok(user) => user,
        Err(err) => return unavailable(err),
    };
    let Some(user) = user else {
        current.record_failed_login(&email, "oauth_denied").await;
        return (clear, Redirect::to("/sign-in?error=oauth")).into_response();
    };
    match current
        .login(&user.id, Login::oauth("demo").identity(&email))
        .await
    {
        Ok(_) => (clear, Redirect::to("/settings")).into_response(),
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
/// then `Sessions::change_password` stores the new hash and ends every other
/// session of the user in one transaction, and rotates this session's id.
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
    let hash = match users::new_password_hash(&form.new_password).await {
        Ok(hash) => hash,
        Err(err) => return unavailable(err),
    };
    // The new hash and the end of the other sessions commit together; the
    // session that changed it gets a new id.
    let id = user_id.clone();
    let changed = sessions
        .change_password(&user_id, Some(&current), move |txn| {
            Box::pin(async move { users::store_hash(txn, &id, hash).await })
        })
        .await;
    match changed {
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
    let locale = match form.locale.as_str() {
        locale @ ("es" | "fr" | "de") => locale,
        _ => "en",
    };
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
    fn pending_tokens_are_bounded_single_use_and_random() {
        let links = super::MagicLinks::with_cap(3);
        let tokens: Vec<String> = (0..10).map(|i| links.issue(&format!("u{i}"), "e@x")).collect();
        assert_eq!(links.len(), 3, "bounded");
        assert_eq!(tokens.iter().collect::<std::collections::HashSet<_>>().len(), 10);
        assert!(tokens.iter().all(|t| t.len() == 48));
        let last = &tokens[9];
        assert_eq!(links.email_of(last).as_deref(), Some("e@x"));
        assert_eq!(
            links.email_of(last).as_deref(),
            Some("e@x"),
            "peeking uses nothing up"
        );
        assert_eq!(links.redeem(last).map(|(u, _)| u).as_deref(), Some("u9"));
        assert!(links.redeem(last).is_none(), "single use");
        assert!(links.redeem(&tokens[0]).is_none(), "the oldest was dropped");
    }

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
