//! Acme CRM's server. Lines marked `[leptos-sessions]` are the integration.

use std::net::SocketAddr;

use axum::{
    Form, Router,
    extract::Request,
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use leptos_sessions::server::{CookieKey, CurrentSession, Login, Sessions, SessionsConfig}; // [leptos-sessions]
use leptos_sessions_host_example::{App, shell};
use sea_orm::{ConnectOptions, Database};
use serde::Deserialize;

#[derive(Deserialize)]
struct LoginForm {
    user: String,
    password: String,
}

/// The host's own (trivial) credential check, then the library's seam.
async fn login(current: CurrentSession, Form(form): Form<LoginForm>) -> Response {
    if form.user.trim().is_empty() || form.password != "password" {
        // [leptos-sessions] the failed attempt, for the user's history
        current
            .record_failed_login(&form.user, "invalid_credentials")
            .await;
        return Redirect::to("/login?error=1").into_response();
    }
    let user_id = form.user.trim().to_lowercase();
    // [leptos-sessions] after the host's own check: the library's login seam
    let signed_in = current
        .login(&user_id, Login::password().identity(&form.user))
        .await;
    match signed_in {
        Ok(_) => Redirect::to("/account/security").into_response(),
        Err(err) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, err.to_string()).into_response(),
    }
}

async fn logout(current: CurrentSession) -> Response {
    // [leptos-sessions]
    let _ = current.logout().await;
    Redirect::to("/login").into_response()
}

/// The host's own guard: account pages need a user.
async fn require_user(current: CurrentSession, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/account") && current.user_id().is_none() {
        return Redirect::to("/login").into_response();
    }
    next.run(req).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "sqlite:file:acme-crm?mode=memory&cache=shared".into());
    let mut options = ConnectOptions::new(url);
    options
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .sqlx_logging(false);
    let db = Database::connect(options).await?;
    let secret = std::env::var("SESSIONS_SECRET")
        .unwrap_or_else(|_| "acme-crm-example-secret-acme-crm-example-secret".into());
    let sessions = Sessions::new(db, SessionsConfig::new(CookieKey::new(secret.into_bytes())))?; // [leptos-sessions]
    sessions.migrate().await?; // [leptos-sessions]

    // cargo-leptos' environment, or this project's defaults when run alone.
    let leptos_options = match get_configuration(None) {
        Ok(conf) => conf.leptos_options,
        Err(_) => LeptosOptions::builder()
            .output_name("leptos-sessions-demo")
            .site_root("target/site-host")
            .site_pkg_dir("pkg")
            .site_addr(SocketAddr::from(([127, 0, 0, 1], 3100)))
            .build(),
    };
    let addr = leptos_options.site_addr;
    let routes = generate_route_list(App);
    let app = Router::new()
        .route("/session/login", post(login))
        .route("/session/logout", post(logout))
        .leptos_routes(&leptos_options, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(middleware::from_fn(require_user))
        .layer(sessions.layer()) // [leptos-sessions]
        .with_state(leptos_options);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("Acme CRM on http://{addr}");
    // [leptos-sessions] the client address for the device list
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}
