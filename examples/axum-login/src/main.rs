//! Notebook's server: axum-login for sign-in, leptos-sessions as the session
//! store, one session for both (leptos-sessions' `axum-login` feature).

use std::net::SocketAddr;

use axum::{
    Form, Json, Router,
    extract::Request,
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use leptos_sessions::server::{CookieKey, CurrentSession, Login, Sessions, SessionsConfig};
use leptos_sessions_axum_login_example::{
    App,
    auth::{self, AuthSession, Backend, Credentials, PasswordChange},
    shell,
};
use sea_orm::{ConnectOptions, Database};
use serde::{Deserialize, Serialize};

fn unavailable(err: impl std::fmt::Display) -> Response {
    eprintln!("axum-login example: {err}");
    (StatusCode::SERVICE_UNAVAILABLE, "Temporarily unavailable; please retry.").into_response()
}

async fn login(mut auth: AuthSession, current: CurrentSession, Form(creds): Form<Credentials>) -> Response {
    let email = creds.email.clone();
    let user = match auth.authenticate(creds).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            // The library's trail keeps failed attempts (never linked to an account).
            current.record_failed_login(&email, "invalid_credentials").await;
            return Redirect::to("/login?error=1").into_response();
        }
        Err(err) => return unavailable(err),
    };
    // axum-login's login, then the library's: one row, one `login` event.
    match current.login_with(&mut auth, &user, Login::password().identity(&email)).await {
        Ok(_) => Redirect::to("/settings").into_response(),
        Err(err) => unavailable(err),
    }
}

async fn logout(mut auth: AuthSession, current: CurrentSession) -> Response {
    match current.logout_with(&mut auth).await {
        Ok(_) => Redirect::to("/login").into_response(),
        Err(err) => unavailable(err),
    }
}

/// What existing axum-login code does: only `AuthSession::logout`. The store
/// deletes the row and the library writes the `logout` event.
async fn logout_axum_login_only(mut auth: AuthSession) -> Response {
    match auth.logout().await {
        Ok(_) => Redirect::to("/login").into_response(),
        Err(err) => unavailable(err),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn password(mut auth: AuthSession, current: CurrentSession, Form(form): Form<PasswordForm>) -> Response {
    if form.new_password.chars().count() < 8 {
        return Redirect::to("/settings?password=wrong").into_response();
    }
    match auth::change_password(&mut auth, &current, form.current_password, form.new_password).await {
        Ok(PasswordChange::Changed(n)) => Redirect::to(&format!("/settings?password=changed&ended={n}")).into_response(),
        Ok(PasswordChange::WrongPassword) => Redirect::to("/settings?password=wrong").into_response(),
        Ok(PasswordChange::NotSignedIn) => Redirect::to("/login").into_response(),
        Err(err) => unavailable(err),
    }
}

/// Who each side thinks is signed in (for the end-to-end tests; they must agree).
#[derive(Serialize)]
struct WhoAmI {
    axum_login: Option<String>,
    leptos_sessions: Option<String>,
}

async fn whoami(auth: AuthSession, current: CurrentSession) -> Json<WhoAmI> {
    Json(WhoAmI {
        axum_login: auth.user.map(|u| u.id.to_string()),
        leptos_sessions: current.user_id(),
    })
}

/// The settings page needs a user, as axum-login sees it.
async fn require_user(auth: AuthSession, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/settings") && auth.user.is_none() {
        return Redirect::to("/login").into_response();
    }
    next.run(req).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://axum-login-example.db?mode=rwc".into());
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    let db = Database::connect(options).await?;
    let secret = std::env::var("SESSIONS_SECRET")
        .unwrap_or_else(|_| "axum-login-example-secret-axum-login-example-secret".into());
    let sessions = Sessions::new(db, SessionsConfig::new(CookieKey::new(secret.into_bytes())))?;
    sessions.migrate().await?;
    let backend = Backend::with_demo_users().map_err(|e| format!("hashing the demo passwords: {e}"))?;

    // cargo-leptos' environment, or this project's defaults when run alone.
    let leptos_options = match get_configuration(None) {
        Ok(conf) => conf.leptos_options,
        Err(_) => LeptosOptions::builder()
            .output_name("leptos-sessions-demo")
            .site_root("target/site-axum-login")
            .site_pkg_dir("pkg")
            .site_addr(SocketAddr::from(([127, 0, 0, 1], 3300)))
            .build(),
    };
    let addr = leptos_options.site_addr;
    let routes = generate_route_list(App);
    let app = Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/logout-axum-login", post(logout_axum_login_only))
        .route("/auth/password", post(password))
        .route("/auth/whoami", get(whoami))
        .leptos_routes(&leptos_options, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        // Innermost first; a request passes them bottom-up:
        .layer(middleware::from_fn(require_user))
        // leptos-sessions (cross-site guard, the session cookie on its store,
        // the device tracker) with axum-login's AuthManager inside, on the same session.
        .layer(sessions.layer_with_auth(backend))
        .with_state(leptos_options);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("Notebook (axum-login + leptos-sessions) on http://{addr}");
    // The client address, for the device list.
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}
