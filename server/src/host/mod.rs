//! Server side of the demo host (feature `ssr`).

pub mod auth;
pub mod geo;
pub mod seed;
pub mod users;

use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::{
    Router,
    extract::{FromRef, Request},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use leptos_sessions::server::{CookieKey, CurrentSession, GeoLookup, MaxMindGeo, Sessions, SessionsConfig};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::app::{App, shell};

/// Router state.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos options (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The library handle.
    pub sessions: Sessions,
    /// The demo's magic-link tokens.
    pub magic_links: auth::MagicLinks,
}

/// Demo settings, from the environment.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Database URL (`DATABASE_URL`); default `sqlite://data/demo.db?mode=rwc`.
    pub database_url: String,
    /// Cookie-signing secret (`SESSIONS_SECRET`, ≥ 32 bytes); default: a random
    /// secret persisted next to the SQLite database.
    pub secret: Option<String>,
    /// Plain-http development cookies (`SESSIONS_DEV_INSECURE_COOKIES`, default
    /// `false`: Chromium and Firefox accept `Secure`/`__Host-` cookies from
    /// http://127.0.0.1 and http://localhost; Safari needs this on).
    pub dev_insecure_cookies: bool,
    /// Seed demo users (`DEMO_SEED`, default `true`).
    pub seed: bool,
    /// Give Ada a few weeks of login history when her account is created
    /// (`DEMO_SEED_HISTORY`, default `true`).
    pub seed_history: bool,
    /// A MaxMind-format `.mmdb` (City or Country) for real locations
    /// (`GEOIP_DB`); the seeded history's addresses resolve without one.
    pub geoip_db: Option<String>,
}

impl DemoConfig {
    /// Reads the environment.
    pub fn from_env() -> Self {
        let flag = |name: &str, default: bool| {
            std::env::var(name).map_or(default, |v| matches!(v.trim(), "1" | "true" | "yes" | "on"))
        };
        Self {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| "sqlite://data/demo.db?mode=rwc".to_owned()),
            secret: std::env::var("SESSIONS_SECRET").ok().filter(|s| !s.is_empty()),
            dev_insecure_cookies: flag("SESSIONS_DEV_INSECURE_COOKIES", false),
            seed: flag("DEMO_SEED", true),
            seed_history: flag("DEMO_SEED_HISTORY", true),
            geoip_db: std::env::var("GEOIP_DB").ok().filter(|s| !s.is_empty()),
        }
    }
}

/// Connects to the database, creating the SQLite file's folder if needed.
///
/// # Errors
/// When the database cannot be reached.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or(p))
        && let Some(dir) = Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    Database::connect(options)
        .await
        .with_context(|| format!("connecting to {}", redact_url(url)))
}

fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://[redacted]{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

fn load_secret(config: &DemoConfig) -> anyhow::Result<CookieKey> {
    if let Some(secret) = &config.secret {
        return Ok(CookieKey::new(secret.as_bytes().to_vec()));
    }
    let path = Path::new("data/secret.key");
    if let Ok(existing) = std::fs::read_to_string(path)
        && existing.trim().len() >= 64
    {
        return Ok(CookieKey::new(existing.trim().as_bytes().to_vec()));
    }
    std::fs::create_dir_all("data")?;
    let fresh: String = (0..4).map(|_| format!("{:016x}", rand_u64())).collect();
    std::fs::write(path, &fresh)?;
    Ok(CookieKey::new(fresh.into_bytes()))
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    // Seeded from the OS per process; only used to create the demo's local key file.
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// The library configuration of the demo.
///
/// # Errors
/// When the secret cannot be read or created, or `GEOIP_DB` is unusable.
pub fn sessions_config(config: &DemoConfig) -> anyhow::Result<SessionsConfig> {
    let mut cfg = SessionsConfig::new(load_secret(config)?);
    cfg.dev_insecure_cookies = config.dev_insecure_cookies;
    let real: Option<Arc<dyn GeoLookup>> = match &config.geoip_db {
        Some(path) => Some(Arc::new(
            MaxMindGeo::open(path).with_context(|| format!("GEOIP_DB={path}"))?,
        )),
        None => None,
    };
    cfg.geo = Some(Arc::new(geo::DemoGeo::new(real)));
    Ok(cfg)
}

/// Builds the library handle for the demo (and runs the migrations).
///
/// # Errors
/// Configuration or database errors, with what to fix.
pub async fn sessions(db: DatabaseConnection, config: &DemoConfig) -> anyhow::Result<Sessions> {
    let sessions =
        Sessions::new(db, sessions_config(config)?).context("invalid leptos-sessions configuration")?;
    sessions
        .migrate()
        .await
        .context("running leptos-sessions migrations")?;
    Ok(sessions)
}

/// Creates the demo's users table, seeds the accounts (with `config.seed`)
/// and, for a freshly created Ada, a believable history
/// (`config.seed_history`).
///
/// # Errors
/// Database errors.
pub async fn seed(sessions: &Sessions, config: &DemoConfig) -> anyhow::Result<()> {
    let db = sessions.db();
    users::create_table(db).await.context("creating demo_users")?;
    if !config.seed {
        return Ok(());
    }
    let inserted = users::seed(db).await.context("seeding demo users")?;
    if config.seed_history && inserted.iter().any(|id| id == "u-ada") {
        seed::seed_history(
            db.clone(),
            sessions_config(config)?,
            "u-ada",
            "ada@example.com",
            sessions.now_ms(),
        )
        .await
        .context("seeding the demo history")?;
    }
    Ok(())
}

/// The demo's router: its own auth routes, the Leptos app, and the library's
/// layer around all of it.
pub fn router(leptos_options: LeptosOptions, sessions: Sessions) -> Router {
    let state = AppState {
        leptos_options: leptos_options.clone(),
        sessions: sessions.clone(),
        magic_links: auth::MagicLinks::default(),
    };
    let routes = generate_route_list(App);
    Router::new()
        .route("/", get(|| async { Redirect::to("/settings") }))
        .route("/demo.css", get(demo_css))
        .route("/auth/sign-in", post(auth::sign_in))
        .route("/auth/sign-out", post(auth::sign_out))
        .route("/auth/magic-link", post(auth::magic_link))
        .route("/auth/magic/{token}", get(auth::magic_link_open))
        .route("/oauth/demo/callback", post(auth::oauth_callback))
        .route("/auth/password", post(auth::change_password))
        .route("/locale", post(auth::set_locale))
        // The JSON API for native apps and scripts (same rules as the pages).
        .nest("/api/v1", leptos_sessions::server::json_api::router())
        .leptos_routes(&state, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(require_sign_in))
        .layer(sessions.layer())
        .with_state(state)
}

async fn demo_css() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../../style/demo.css"),
    )
}

/// The settings pages need a signed-in user; anyone else goes to the sign-in page.
async fn require_sign_in(current: CurrentSession, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/settings") && current.user_id().is_none() {
        return Redirect::to("/sign-in").into_response();
    }
    if path == "/sign-in" && current.user_id().is_some() {
        return Redirect::to("/settings").into_response();
    }
    next.run(req).await
}

/// Leptos options from cargo-leptos' environment, or the workspace defaults
/// when the binary runs on its own.
pub fn leptos_options() -> LeptosOptions {
    match get_configuration(None) {
        Ok(conf) => conf.leptos_options,
        Err(_) => LeptosOptions::builder()
            .output_name("leptos-sessions-demo")
            .site_root("target/site")
            .site_pkg_dir("pkg")
            .site_addr(SocketAddr::from(([127, 0, 0, 1], 3000)))
            .build(),
    }
}
