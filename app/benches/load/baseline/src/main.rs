//! The peers of the load harness: axum + tower-sessions 0.14 +
//! tower-sessions-sqlx-store 0.15, configured the way their examples are —
//! (b) as is, and (b′) with `--cached`: tower-sessions' `CachingSessionStore`
//! with a moka cache (`tower-sessions-moka-store` 0.15, 2,000 entries) in
//! front of the sqlx store, what a careful user adds for speed.
//!
//! `load-baseline <database-url> <sessions> <cookies-file> [--cached] [--reuse]`:
//! creates the sessions through the store (with `--reuse`: a second instance
//! on the same database, which creates nothing and serves the cookies the
//! first wrote), writes one `Cookie` header per line, binds 127.0.0.1 on a
//! free port, prints `READY <port>` and serves `GET /` (the signed-in user's
//! id, read from the session) and `POST /logout` (`Session::flush`: the
//! record deleted from the store, and from this instance's cache).

use std::{collections::HashMap, io::Write as _, net::SocketAddr};

use anyhow::{Context as _, Result};
use axum::{
    Router,
    routing::{get, post},
};
use tower_sessions::{
    CachingSessionStore, Expiry, Session, SessionManagerLayer, SessionStore,
    cookie::time::Duration,
    session::{Id, Record},
};
use tower_sessions_moka_store::MokaStore;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

async fn me(session: Session) -> String {
    session
        .get::<String>("user_id")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

async fn logout(session: Session) -> &'static str {
    match session.flush().await {
        Ok(()) => "ok",
        Err(_) => "error",
    }
}

struct Mode {
    cached: bool,
    reuse: bool,
}

async fn serve_maybe_cached<S: SessionStore + Clone>(store: S, sessions: usize, cookies: &str, mode: &Mode) -> Result<()> {
    if mode.cached {
        let cached = CachingSessionStore::new(MokaStore::new(Some(2_000)), store);
        serve(cached, sessions, cookies, mode).await
    } else {
        serve(store, sessions, cookies, mode).await
    }
}

async fn serve<S: SessionStore + Clone>(store: S, sessions: usize, cookies: &str, mode: &Mode) -> Result<()> {
    if !mode.reuse {
        create_sessions(&store, sessions, cookies).await?;
    }
    let layer = SessionManagerLayer::new(store)
        .with_secure(false)
        .with_expiry(Expiry::OnInactivity(Duration::days(30)));
    let app = Router::new()
        .route("/", get(me))
        .route("/logout", post(logout))
        .layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("READY {}", listener.local_addr()?.port());
    std::io::stdout().flush()?;
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}

async fn create_sessions<S: SessionStore>(store: &S, sessions: usize, cookies: &str) -> Result<()> {
    let mut out = std::fs::File::create(cookies)?;
    for i in 0..sessions {
        let mut record = Record {
            id: Id::default(),
            data: HashMap::from([("user_id".to_owned(), serde_json::json!(format!("u{i}")))]),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::days(30),
        };
        store.create(&mut record).await?;
        writeln!(out, "id={}", record.id)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().context("database url")?;
    let sessions: usize = args.next().context("session count")?.parse()?;
    let cookies = args.next().context("cookies file")?;
    let flags: Vec<String> = args.collect();
    let mode = Mode {
        cached: flags.iter().any(|f| f == "--cached"),
        reuse: flags.iter().any(|f| f == "--reuse"),
    };
    let pool_size = 10;
    if url.starts_with("sqlite:") {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(pool_size)
            .connect(&url)
            .await?;
        let store = SqliteStore::new(pool);
        if !mode.reuse {
            store.migrate().await?;
        }
        serve_maybe_cached(store, sessions, &cookies, &mode).await
    } else {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(pool_size)
            .connect(&url)
            .await?;
        let store = PostgresStore::new(pool);
        if !mode.reuse {
            store.migrate().await?;
        }
        serve_maybe_cached(store, sessions, &cookies, &mode).await
    }
}
