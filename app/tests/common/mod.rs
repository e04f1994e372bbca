//! Test harness: databases (SQLite always; PostgreSQL / MySQL when
//! `TEST_POSTGRES_URL` / `TEST_MYSQL_URL` are set), a minimal host router
//! around the library's layer, and a cookie-jar "device" that drives it.
#![allow(dead_code, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use anyhow::{Context as _, Result};
use axum::{
    Json, Router,
    body::Body,
    extract::{ConnectInfo, Path},
    http::{HeaderMap, Request, StatusCode},
    response::IntoResponse,
    routing::{get, post},
};
use http_body_util::BodyExt as _;
use leptos_sessions::{
    SessionsError,
    server::{CookieKey, CurrentSession, Login, ManualClock, Sessions, SessionsConfig},
    types::AuthMethod,
};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use tower::ServiceExt as _;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("ls_test_{}_{}_{}", std::process::id(), nanos, n)
}

/// A private in-memory SQLite database.
pub async fn sqlite() -> Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(format!("sqlite:file:{}?mode=memory&cache=shared", unique_name()));
    opts.max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .sqlx_logging(false);
    Ok(Database::connect(opts).await?)
}

/// A fresh database on the server at `admin_url`, or `None` when the URL is unset.
async fn fresh_on_server(env: &str) -> Result<Option<DatabaseConnection>> {
    let Ok(admin_url) = std::env::var(env) else {
        eprintln!("skipped: {env} is not set");
        return Ok(None);
    };
    let name = unique_name();
    let mut admin_opts = ConnectOptions::new(admin_url.clone());
    admin_opts.sqlx_logging(false).max_connections(1);
    let admin = Database::connect(admin_opts)
        .await
        .with_context(|| format!("connecting to {env}"))?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await?;
    let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
    let mut opts = ConnectOptions::new(format!("{base}/{name}"));
    opts.sqlx_logging(false).max_connections(5);
    Ok(Some(Database::connect(opts).await?))
}

pub async fn postgres() -> Result<Option<DatabaseConnection>> {
    fresh_on_server("TEST_POSTGRES_URL").await
}

pub async fn mysql() -> Result<Option<DatabaseConnection>> {
    fresh_on_server("TEST_MYSQL_URL").await
}

/// Runs each listed `async fn name(db: DatabaseConnection) -> Result<()>` on
/// every configured backend, as `sqlite::name`, `postgres::name`, `mysql::name`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    super::$name(super::common::sqlite().await?).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    match super::common::postgres().await? {
                        Some(db) => super::$name(db).await,
                        None => Ok(()),
                    }
                }
            )*
        }
        mod mysql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    match super::common::mysql().await? {
                        Some(db) => super::$name(db).await,
                        None => Ok(()),
                    }
                }
            )*
        }
    };
}

pub const MAC_CHROME: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36";
pub const WIN_FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0";
pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret-test-secret";

/// A host app around the library, the way a real host wires it.
pub struct TestApp {
    pub router: Router,
    pub sessions: Sessions,
    pub clock: ManualClock,
}

fn err(e: SessionsError) -> axum::response::Response {
    (
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        e.code(),
    )
        .into_response()
}

impl TestApp {
    pub async fn new(db: DatabaseConnection) -> Result<Self> {
        Self::with_config(db, |_| {}).await
    }

    pub async fn with_config(
        db: DatabaseConnection,
        tweak: impl FnOnce(&mut SessionsConfig),
    ) -> Result<Self> {
        let mut config = SessionsConfig::new(CookieKey::new(SECRET.to_vec()));
        tweak(&mut config);
        let clock = ManualClock::default();
        let sessions = Sessions::with_clock(db, config, Arc::new(clock.clone()))?;
        sessions.migrate().await?;
        let router = Router::new()
            .route(
                "/login/{user}",
                post(|current: CurrentSession, Path(user): Path<String>| async move {
                    match current
                        .login(
                            &user,
                            Login::new(AuthMethod::Password).identity(format!("{user}@example.com")),
                        )
                        .await
                    {
                        Ok(outcome) => (StatusCode::OK, outcome.handle.to_string()).into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/login-2fa/{user}",
                post(|current: CurrentSession, Path(user): Path<String>| async move {
                    let login = Login::new(AuthMethod::Password)
                        .identity(format!("{user}@example.com"))
                        .second_factor("totp")
                        .detail(serde_json::json!({ "user_verified": true }));
                    match current.login(&user, login).await {
                        Ok(outcome) => (StatusCode::OK, outcome.handle.to_string()).into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            // A step-up (a security key before a sensitive action).
            .route(
                "/step-up/{factor}",
                post(|current: CurrentSession, Path(factor): Path<String>| async move {
                    match current.second_factor(&factor).await {
                        Ok(()) => StatusCode::NO_CONTENT.into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            // A right password, then a wrong one-time code.
            .route(
                "/fail-code/{identity}",
                post(
                    |current: CurrentSession, Path(identity): Path<String>| async move {
                        current
                            .record_failed_login_with(
                                &identity,
                                "invalid_code",
                                &Login::password().second_factor("totp"),
                            )
                            .await;
                        StatusCode::NO_CONTENT
                    },
                ),
            )
            .route(
                "/logout",
                post(|current: CurrentSession| async move {
                    match current.logout().await {
                        Ok(()) => StatusCode::NO_CONTENT.into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                // A password change in one transaction with the host's write
                // (a row in `host_password_log`); `fail` makes that write fail
                // after it ran.
                "/change-password/{mode}",
                post(|current: CurrentSession, Path(mode): Path<String>| async move {
                    let user = current.user_id().unwrap_or_default();
                    let fail = mode == "fail";
                    let changed = current
                        .sessions()
                        .change_password(&user, Some(&current), move |txn| {
                            Box::pin(async move {
                                txn.execute_unprepared(
                                    "INSERT INTO host_password_log (note) VALUES ('changed')",
                                )
                                .await?;
                                if fail {
                                    return Err(sea_orm::DbErr::Custom("host refused".into()));
                                }
                                Ok(())
                            })
                        })
                        .await;
                    match changed {
                        Ok(n) => (StatusCode::OK, n.to_string()).into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/fail/{identity}",
                post(
                    |current: CurrentSession, Path(identity): Path<String>| async move {
                        current.record_failed_login(&identity, "invalid_password").await;
                        StatusCode::NO_CONTENT
                    },
                ),
            )
            .route(
                "/me",
                get(|current: CurrentSession| async move { current.user_id().unwrap_or_default() }),
            )
            .route(
                "/cart",
                post(|current: CurrentSession| async move {
                    current
                        .session()
                        .insert("cart", 3)
                        .await
                        .map(|()| StatusCode::NO_CONTENT)
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                })
                .get(|current: CurrentSession| async move {
                    let cart: Option<i32> = current.session().get("cart").await.ok().flatten();
                    cart.map(|c| c.to_string()).unwrap_or_default()
                }),
            )
            .route(
                "/devices",
                get(|current: CurrentSession| async move {
                    match current.list_devices().await {
                        Ok(list) => Json(list).into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/revoke/{handle}",
                post(|current: CurrentSession, Path(handle): Path<String>| async move {
                    match current.revoke(&handle).await {
                        Ok(()) => StatusCode::NO_CONTENT.into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/revoke-others",
                post(|current: CurrentSession| async move {
                    match current.revoke_others().await {
                        Ok(n) => n.to_string().into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/history",
                get(|current: CurrentSession| async move {
                    match current.history(50).await {
                        Ok(list) => Json(list).into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            // A host that keeps each user's time zone itself.
            .route(
                "/devices-in/{zone}",
                get(|current: CurrentSession, Path(zone): Path<String>| async move {
                    if !current.set_time_zone(&zone) {
                        return (StatusCode::BAD_REQUEST, "unknown zone").into_response();
                    }
                    match current.list_devices().await {
                        Ok(list) => Json(list).into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/last-login",
                get(|current: CurrentSession| async move { Json(current.last_login().await) }),
            )
            .route(
                "/login-custom/{user}/{method}",
                post(
                    |current: CurrentSession, Path((user, method)): Path<(String, String)>| async move {
                        match current.login(&user, Login::custom(&method).identity(&user)).await {
                            Ok(outcome) => (StatusCode::OK, outcome.handle.to_string()).into_response(),
                            Err(e) => err(e),
                        }
                    },
                ),
            )
            .route(
                "/login-oauth/{user}",
                post(|current: CurrentSession, Path(user): Path<String>| async move {
                    match current.login(&user, Login::oauth("google")).await {
                        Ok(outcome) => (StatusCode::OK, outcome.handle.to_string()).into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            // Sign-outs the library does not perform itself: the host's own
            // tower-sessions calls on a signed-in session.
            .route(
                "/host/flush",
                post(|current: CurrentSession| async move {
                    let flushed = current.session().flush().await.is_ok();
                    // The same request already sees nobody signed in.
                    format!("{flushed} {}", current.user_id().unwrap_or_default())
                }),
            )
            .route(
                "/host/cycle-id",
                post(|current: CurrentSession| async move {
                    let cycled = current.session().cycle_id().await.is_ok();
                    format!("{cycled} {}", current.user_id().unwrap_or_default())
                }),
            )
            .route(
                "/host/flush-then-logout",
                post(|current: CurrentSession| async move {
                    let _ = current.session().flush().await;
                    match current.logout().await {
                        Ok(()) => StatusCode::NO_CONTENT.into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/rename/{handle}/{name}",
                post(
                    |current: CurrentSession, Path((handle, name)): Path<(String, String)>| async move {
                        match current.rename_device(&handle, &name).await {
                            Ok(name) => Json(name).into_response(),
                            Err(e) => err(e),
                        }
                    },
                ),
            )
            // The page a "This wasn't me" link opens, and its confirmation
            // (`scope`: `one` or `all`).
            .route(
                "/disavow/{token}",
                get(|current: CurrentSession, Path(token): Path<String>| async move {
                    match current.disavow_details(&token).await {
                        Ok(details) => Json(details).into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/disavow/{token}/{scope}",
                post(
                    |current: CurrentSession, Path((token, scope)): Path<(String, String)>| async move {
                        match current.disavow(&token, scope == "all").await {
                            Ok(outcome) => Json(outcome).into_response(),
                            Err(e) => err(e),
                        }
                    },
                ),
            )
            .nest("/api/v1", leptos_sessions::server::json_api::router())
            .layer(sessions.layer());
        Ok(Self {
            router,
            sessions,
            clock,
        })
    }

    pub fn device(&self, user_agent: &str) -> Device {
        Device {
            app: self.router.clone(),
            user_agent: user_agent.to_owned(),
            jar: BTreeMap::new(),
            ip: "203.0.113.7".parse().unwrap(),
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        self.sessions.db()
    }
}

/// The next payload a hook sent to `rx` (hooks run on their own tasks).
pub async fn recv<T>(rx: &mut tokio::sync::mpsc::UnboundedReceiver<T>) -> Result<T> {
    tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .context("hook did not fire")?
        .context("hook channel closed")
}

/// One browser: a cookie jar and a user agent.
#[derive(Clone)]
pub struct Device {
    app: Router,
    user_agent: String,
    pub jar: BTreeMap<String, String>,
    pub ip: std::net::IpAddr,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}

impl Device {
    /// A browser talking to any router.
    pub fn new(app: Router, user_agent: &str) -> Self {
        Self {
            app,
            user_agent: user_agent.to_owned(),
            jar: BTreeMap::new(),
            ip: "203.0.113.7".parse().unwrap(),
        }
    }

    /// Sends a form POST the way a browser without JavaScript does.
    pub async fn post_form(&mut self, path: &str, body: &str, origin: &str, referer: &str) -> Result<Reply> {
        let headers = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("accept", "text/html,application/xhtml+xml"),
            ("origin", origin),
            ("referer", referer),
        ];
        self.request("POST", path, &headers, Body::from(body.to_owned()))
            .await
    }

    /// Sends any request with these extra headers and body (no
    /// `Content-Length` unless given: the body then streams).
    pub async fn send_body(
        &mut self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Reply> {
        self.request(method, path, extra, Body::from(body)).await
    }

    /// The jar as a `Cookie` header value.
    pub fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn session_cookie(&self) -> Option<&String> {
        self.jar.get("__Host-session")
    }

    pub async fn send(&mut self, method: &str, path: &str) -> Result<Reply> {
        self.send_with(method, path, &[]).await
    }

    pub async fn send_with(&mut self, method: &str, path: &str, extra: &[(&str, &str)]) -> Result<Reply> {
        self.request(method, path, extra, Body::empty()).await
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Body,
    ) -> Result<Reply> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "app.test")
            .header("user-agent", &self.user_agent);
        if !self.jar.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let mut req = req.body(body)?;
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(self.ip, 40000)));
        self.finish(req).await
    }

    async fn finish(&mut self, req: Request<Body>) -> Result<Reply> {
        // A request that never answers fails its test, naming itself,
        // instead of wedging the run.
        let what = format!("{} {}", req.method(), req.uri());
        let answer = async {
            let res = self.app.clone().oneshot(req).await?;
            let status = res.status();
            let headers = res.headers().clone();
            let body = String::from_utf8(res.into_body().collect().await?.to_bytes().to_vec())?;
            anyhow::Ok((status, headers, body))
        };
        let (status, headers, body) = tokio::time::timeout(std::time::Duration::from_secs(30), answer)
            .await
            .map_err(|_| anyhow::anyhow!("{what} did not answer within 30 s"))??;
        for cookie in headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let first = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = first.split_once('=') {
                if cookie.contains("Max-Age=0") {
                    self.jar.remove(name);
                } else {
                    self.jar.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    pub async fn login(&mut self, user: &str) -> Result<String> {
        let reply = self.send("POST", &format!("/login/{user}")).await?;
        anyhow::ensure!(
            reply.status == StatusCode::OK,
            "login failed: {} {}",
            reply.status,
            reply.body
        );
        Ok(reply.body)
    }

    pub async fn whoami(&mut self) -> Result<String> {
        Ok(self.send("GET", "/me").await?.body)
    }

    pub async fn devices(&mut self) -> Result<leptos_sessions::types::DeviceList> {
        let reply = self.send("GET", "/devices").await?;
        anyhow::ensure!(
            reply.status == StatusCode::OK,
            "devices failed: {} {}",
            reply.status,
            reply.body
        );
        Ok(serde_json::from_str(&reply.body)?)
    }
}
