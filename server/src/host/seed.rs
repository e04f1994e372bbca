//! A believable first visit: Ada's account gets a few weeks of history —
//! several devices and places, a sign-out, a device logged out from another,
//! failed attempts with her email — made through the library's public seams
//! (`login`, `logout`, `revoke`, `record_failed_login`) on a router driven
//! in-process, with a manual clock walking through the past.

use std::{collections::BTreeMap, net::SocketAddr, sync::Arc};

use anyhow::{Context as _, bail};
use axum::{
    Form, Router,
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use leptos_sessions::{
    server::{CurrentSession, Login, ManualClock, Sessions, SessionsConfig},
    types::AuthMethod,
};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tower::ServiceExt as _;

const MAC_SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15";
const IPHONE_SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";
const WIN_FIREFOX: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0";
const WIN_EDGE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 Edg/137.0.0.0";
const LINUX_CHROME: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36";
const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36";

#[derive(Deserialize)]
struct SeedLogin {
    user: String,
    identity: String,
    method: String,
    #[serde(default)]
    factor: Option<String>,
}

#[derive(Deserialize)]
struct SeedFail {
    identity: String,
    reason: String,
}

#[derive(Deserialize)]
struct SeedRevoke {
    handle: String,
}

fn status(result: Result<impl IntoResponse, leptos_sessions::SessionsError>) -> Response {
    match result {
        Ok(body) => body.into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.code()).into_response(),
    }
}

/// The seams a host calls, as routes, behind the library's layer.
fn seed_router(sessions: &Sessions) -> Router {
    Router::new()
        .route(
            "/login",
            post(|current: CurrentSession, Form(f): Form<SeedLogin>| async move {
                let login = match f.method.as_str() {
                    "oauth" => Login::oauth("demo"),
                    "magic_link" => Login::new(AuthMethod::MagicLink),
                    _ => Login::password(),
                };
                let login = match f.factor {
                    Some(factor) => login.second_factor(factor),
                    None => login,
                };
                status(
                    current
                        .login(&f.user, login.identity(f.identity))
                        .await
                        .map(|o| o.handle.to_string()),
                )
            }),
        )
        .route(
            "/fail",
            post(|current: CurrentSession, Form(f): Form<SeedFail>| async move {
                current.record_failed_login(&f.identity, &f.reason).await;
                StatusCode::NO_CONTENT
            }),
        )
        .route(
            "/revoke",
            post(|current: CurrentSession, Form(f): Form<SeedRevoke>| async move {
                status(current.revoke(&f.handle).await.map(|()| StatusCode::NO_CONTENT))
            }),
        )
        .route(
            "/logout",
            post(|current: CurrentSession| async move {
                status(current.logout().await.map(|()| StatusCode::NO_CONTENT))
            }),
        )
        .route("/touch", axum::routing::get(|| async { StatusCode::NO_CONTENT }))
        .layer(sessions.layer())
}

/// A browser: user agent, address and cookie jar.
struct Browser {
    ua: &'static str,
    ip: &'static str,
    jar: BTreeMap<String, String>,
}

impl Browser {
    fn new(ua: &'static str, ip: &'static str) -> Self {
        Self {
            ua,
            ip,
            jar: BTreeMap::new(),
        }
    }

    async fn send(
        &mut self,
        router: &Router,
        method: &str,
        path: &str,
        form: &str,
    ) -> anyhow::Result<String> {
        let cookies = self
            .jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "demo.seed")
            .header(header::USER_AGENT, self.ua)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies);
        }
        let mut request = request.body(Body::from(form.to_owned()))?;
        let peer: SocketAddr = format!("{}:50000", self.ip).parse()?;
        request.extensions_mut().insert(ConnectInfo(peer));
        let response = router.clone().oneshot(request).await?;
        for value in response.headers().get_all(header::SET_COOKIE) {
            let Some((name, rest)) = value.to_str().unwrap_or_default().split_once('=') else {
                continue;
            };
            let value = rest.split(';').next().unwrap_or_default();
            let expired = rest.to_ascii_lowercase().contains("max-age=0");
            if value.is_empty() || expired {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
        let ok = response.status().is_success();
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024).await?;
        let body = String::from_utf8_lossy(&body).into_owned();
        if !ok {
            bail!("seed request {path} failed: {body}");
        }
        Ok(body)
    }
}

/// The seams on a manual clock: what the seeding drives.
fn seed_app(db: DatabaseConnection, config: SessionsConfig) -> anyhow::Result<(ManualClock, Router)> {
    let clock = ManualClock::default();
    let sessions = Sessions::with_clock(db, config, Arc::new(clock.clone())).context("seed configuration")?;
    Ok((clock, seed_router(&sessions)))
}

/// A failed sign-in with `email` (a wrong password) from `browser`.
async fn fail(browser: &mut Browser, router: &Router, email: &str) -> anyhow::Result<()> {
    browser
        .send(
            router,
            "POST",
            "/fail",
            &format!("identity={email}&reason=invalid_credentials"),
        )
        .await?;
    Ok(())
}

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

/// Writes Ada's history (`user_id`, `email`), ending at `now` (ms).
///
/// # Errors
/// When a seam refuses (e.g. the database is unreachable).
pub async fn seed_history(
    db: DatabaseConnection,
    config: SessionsConfig,
    user_id: &str,
    email: &str,
    now: i64,
) -> anyhow::Result<()> {
    let (clock, router) = seed_app(db, config)?;
    let at = |ms: i64| clock.set_ms(ms);
    let login = |method: &str| format!("user={user_id}&identity={email}&method={method}");

    let mut mac = Browser::new(MAC_SAFARI, "198.51.100.23");
    let mut iphone = Browser::new(IPHONE_SAFARI, "198.51.100.77");
    let mut firefox = Browser::new(WIN_FIREFOX, "203.0.113.40");
    let mut edge = Browser::new(WIN_EDGE, "203.0.113.9");
    let mut stranger = Browser::new(LINUX_CHROME, "192.0.2.66");
    let mut android = Browser::new(ANDROID_CHROME, "198.51.100.140");

    at(now - 20 * DAY - 3 * HOUR);
    // The Mac signed in with a password and a security key.
    mac.send(
        &router,
        "POST",
        "/login",
        &format!("{}&factor=webauthn", login("password")),
    )
    .await?;
    at(now - 12 * DAY - 7 * HOUR);
    iphone
        .send(&router, "POST", "/login", &login("magic_link"))
        .await?;
    at(now - 8 * DAY - 2 * HOUR);
    let firefox_handle = firefox.send(&router, "POST", "/login", &login("oauth")).await?;
    at(now - 6 * DAY - 5 * HOUR);
    edge.send(&router, "POST", "/login", &login("password")).await?;
    at(now - 6 * DAY - 3 * HOUR);
    edge.send(&router, "POST", "/logout", "").await?;
    at(now - 3 * DAY - 4 * HOUR);
    mac.send(
        &router,
        "POST",
        "/revoke",
        &format!("handle={}", firefox_handle.trim()),
    )
    .await?;
    at(now - 2 * DAY + 5 * HOUR + 48 * MINUTE);
    fail(&mut stranger, &router, email).await?;
    at(now - 2 * DAY + 5 * HOUR + 49 * MINUTE);
    fail(&mut stranger, &router, email).await?;
    at(now - DAY - 2 * HOUR);
    android.send(&router, "POST", "/login", &login("oauth")).await?;
    // Recent activity, so the devices read "Active 3 hours ago" and so on.
    // The iPhone travelled: it is in London now, signed in in Madrid.
    at(now - 26 * HOUR);
    iphone.ip = "203.0.113.40";
    iphone.send(&router, "GET", "/touch", "").await?;
    at(now - 3 * HOUR);
    mac.send(&router, "GET", "/touch", "").await?;
    at(now - 40 * MINUTE);
    android.send(&router, "GET", "/touch", "").await?;
    tracing::info!(user.id = %user_id, "seeded a login history");
    Ok(())
}

/// Records a failed sign-in with `email` at `at` (ms since epoch), from a
/// stranger's Firefox on Linux: the `add-user --failed-attempt-at` option,
/// which the end-to-end suite uses to put an event at a chosen instant (just
/// before a midnight, say).
///
/// # Errors
/// When a seam refuses (e.g. the database is unreachable).
pub async fn seed_failed_attempt(
    db: DatabaseConnection,
    config: SessionsConfig,
    email: &str,
    at: i64,
) -> anyhow::Result<()> {
    const LINUX_FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0";
    let (clock, router) = seed_app(db, config)?;
    clock.set_ms(at);
    fail(&mut Browser::new(LINUX_FIREFOX, "192.0.2.81"), &router, email).await?;
    Ok(())
}
