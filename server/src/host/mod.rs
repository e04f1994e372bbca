//! Server side of the demo host (feature `ssr`).

pub mod auth;
pub mod geo;
pub mod mail;
pub mod rate_limit;
pub mod seed;
pub mod users;

use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::{
    Extension, Router,
    extract::{FromRef, Request},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use leptos_sessions::server::{CookieKey, CurrentSession, GeoLookup, MaxMindGeo, Sessions, SessionsConfig};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

pub use self::rate_limit::SignInRate;
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
    /// The stand-in OAuth flow's pending `state`s.
    pub oauth_states: auth::OAuthStates,
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
    /// MaxMind-format `.mmdb` files (City or Country; DB-IP's IPv4 and IPv6
    /// files) for real locations (`GEOIP_DB`, comma-separated); the seeded
    /// history's addresses resolve without them.
    pub geoip_db: Vec<String>,
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
            geoip_db: std::env::var("GEOIP_DB")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// Whether `GEOIP_DB` lists one of DB-IP's files (`dbip-*.mmdb`, as
/// `bash .ci/demo` fetches them): their licence asks for a credit link.
pub fn uses_dbip() -> bool {
    static DBIP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DBIP.get_or_init(|| {
        DemoConfig::from_env().geoip_db.iter().any(|path| {
            Path::new(path)
                .file_name()
                .is_some_and(|name| name.to_string_lossy().to_ascii_lowercase().starts_with("dbip"))
        })
    })
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
    let fresh = auth::random_hex(32);
    write_private(path, &fresh).with_context(|| format!("writing {}", path.display()))?;
    Ok(CookieKey::new(fresh.into_bytes()))
}

/// Writes a secret readable by its owner only (`0600` on Unix), replacing
/// any earlier file.
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // `mode` applies only to a file it creates: tighten an older one too.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// The library configuration of the demo.
///
/// # Errors
/// When the secret cannot be read or created, or `GEOIP_DB` is unusable.
pub fn sessions_config(config: &DemoConfig) -> anyhow::Result<SessionsConfig> {
    let mut cfg = SessionsConfig::new(load_secret(config)?);
    cfg.dev_insecure_cookies = config.dev_insecure_cookies;
    let mut real: Vec<Arc<dyn GeoLookup>> = Vec::new();
    for path in &config.geoip_db {
        let db = MaxMindGeo::open(path).with_context(|| format!("GEOIP_DB: {path}"))?;
        tracing::info!(path = %path, kind = db.database_type(), "geolocation database loaded");
        real.push(Arc::new(db));
    }
    cfg.geo = Some(Arc::new(geo::DemoGeo::new(real)));
    Ok(cfg)
}

/// Builds the library handle for the demo (and runs the migrations).
///
/// # Errors
/// Configuration or database errors, with what to fix.
pub async fn sessions(db: DatabaseConnection, config: &DemoConfig) -> anyhow::Result<Sessions> {
    let mut cfg = sessions_config(config)?;
    cfg.hooks = mail::hooks(db.clone());
    let sessions = Sessions::new(db, cfg).context("invalid leptos-sessions configuration")?;
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
    mail::create_table(db).await.context("creating demo_mail")?;
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

/// Adds an account (the `add-user` subcommand), with the seeded demo history
/// when `with_history` and a failed attempt with its email at each of
/// `failed_attempts_at` (ms since epoch); returns its id.
///
/// # Errors
/// See [`users::add`]; a seam that refuses while writing the history.
pub async fn add_user(
    sessions: &Sessions,
    config: &DemoConfig,
    email: &str,
    name: &str,
    password: &str,
    with_history: bool,
    failed_attempts_at: &[i64],
) -> anyhow::Result<String> {
    let db = sessions.db();
    users::create_table(db).await.context("creating demo_users")?;
    let id = users::add(db, email, name, password).await?;
    let email = email.trim().to_lowercase();
    for at in failed_attempts_at {
        seed::seed_failed_attempt(db.clone(), sessions_config(config)?, &email, *at)
            .await
            .context("writing a failed attempt")?;
    }
    if with_history {
        seed::seed_history(
            db.clone(),
            sessions_config(config)?,
            &id,
            &email,
            sessions.now_ms(),
        )
        .await
        .context("writing the demo history")?;
    }
    Ok(id)
}

/// The app's route list, generated once per process.
///
/// `generate_route_list` renders the app with resource loading suppressed
/// through a *process-global* flag (leptos_server's `SuppressResourceLoad`):
/// a resource that any other app in the process polls for the first time
/// during that window waits forever (leptos-rs/leptos#4773). One server
/// builds its router once, before it serves, and never meets it; a process
/// that builds a second router while the first serves (tests, several
/// listeners, a rebuilt router) did — it was the demo tests' "one run in five"
/// hang. Routes are static, so the list is generated once and cloned.
fn app_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The demo's router: its own auth routes, the Leptos app, and the library's
/// layer around all of it.
pub fn router(leptos_options: LeptosOptions, sessions: Sessions) -> Router {
    router_with(leptos_options, sessions, SignInRate::from_env())
}

/// [`router`] with its own sign-in rate limit ([`router`] reads it from the
/// environment: [`SignInRate::from_env`]).
pub fn router_with(leptos_options: LeptosOptions, sessions: Sessions, rate: SignInRate) -> Router {
    let state = AppState {
        leptos_options: leptos_options.clone(),
        sessions: sessions.clone(),
        magic_links: auth::MagicLinks::default(),
        oauth_states: auth::OAuthStates::default(),
    };
    let routes = app_routes();
    // What an anonymous client can make the server do is rate-limited per
    // client IP: every password check (argon2), link request and sign-in.
    let credential_routes = Router::new()
        .route("/auth/sign-in", post(auth::sign_in))
        .route("/auth/magic-link", post(auth::magic_link))
        // `GET /auth/magic/{token}` is a page (app.rs) that posts here.
        .route("/auth/magic", post(auth::magic_link_confirm))
        .route("/oauth/demo/callback", post(auth::oauth_callback))
        .route("/auth/password", post(auth::change_password))
        .route_layer(rate_limit::layer(rate));
    Router::new()
        .route("/", get(|| async { Redirect::to("/settings") }))
        .route("/demo.css", get(demo_css))
        .merge(credential_routes)
        .route("/auth/sign-out", post(auth::sign_out))
        .route("/oauth/demo/start", post(auth::oauth_start))
        .route("/locale", post(auth::set_locale))
        // The JSON API for native apps and scripts (same rules as the pages).
        .nest("/api/v1", leptos_sessions::server::json_api::router())
        .leptos_routes(&state, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(require_sign_in))
        .layer(Extension(state.magic_links.clone()))
        .layer(sessions.layer())
        .layer(middleware::from_fn(limit_body))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// The policy of every answer that brings none of its own (redirects,
/// errors, assets, and any page rendered without the shell's policy):
/// nothing may frame it, embed plugins, rebase its links or post forms
/// elsewhere. Script rules live in the page policy, which knows the nonce.
pub const BASE_CSP: &str = "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Headers on every answer: no framing (`frame-ancestors` for current
/// browsers, `X-Frame-Options` for old ones), no MIME sniffing, no
/// referrer across origins (magic-link tokens live in URLs), and
/// `Cache-Control: no-store` on everything but the static assets — pages
/// show sessions, devices and who is signed in, and must not outlive a
/// sign-out in a shared cache or the back button. The app's pages bring
/// their own `Content-Security-Policy` with the render's nonce (see
/// `app::shell`); the rest get [`BASE_CSP`].
async fn security_headers(req: Request, next: Next) -> Response {
    use axum::http::{HeaderValue, header};
    let path = req.uri().path();
    let asset = path.starts_with("/pkg/") || path == "/demo.css" || path == "/favicon.ico";
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(BASE_CSP),
        );
    }
    if !asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The largest request body the demo reads (its forms and server functions
/// carry a few fields).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// `413` for a body over [`MAX_BODY_BYTES`], declared or streamed, before any
/// handler (or Leptos, which buffers server-function bodies whole) sees it;
/// smaller bodies are read here, so no handler reads an unbounded one.
async fn limit_body(req: Request, next: Next) -> Response {
    use axum::{
        body::Body,
        http::{StatusCode, header},
    };
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CACHE_CONTROL, "no-store")],
            "Request body too large",
        )
            .into_response()
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => too_large(),
    }
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

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(unix)]
    fn the_secret_file_is_readable_by_its_owner_only() -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("demo-secret-{}", super::auth::random_hex(8)));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("secret.key");
        // An older, world-readable file is tightened too.
        std::fs::write(&path, "old")?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
        let secret = super::auth::random_hex(32);
        super::write_private(&path, &secret)?;
        let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
        std::fs::remove_dir_all(&dir)?;
        assert_eq!(mode, 0o600);
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(
            secret,
            super::auth::random_hex(32),
            "from the OS RNG, not the clock"
        );
        Ok(())
    }
}
