//! (b) of the load harness: axum + tower-sessions 0.14 +
//! tower-sessions-sqlx-store 0.15, configured the way their examples are.
//!
//! `load-baseline <database-url> <sessions> <cookies-file>`: creates the
//! sessions through the store, writes one `Cookie` header per line, binds
//! 127.0.0.1 on a free port, prints `READY <port>` and serves `GET /` (the
//! signed-in user's id, read from the session).

use std::{collections::HashMap, io::Write as _, net::SocketAddr};

use anyhow::{Context as _, Result};
use axum::{Router, routing::get};
use tower_sessions::{
    Expiry, Session, SessionManagerLayer, SessionStore,
    cookie::time::Duration,
    session::{Id, Record},
};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

async fn me(session: Session) -> String {
    session
        .get::<String>("user_id")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

async fn serve<S: SessionStore + Clone>(store: S, sessions: usize, cookies: &str) -> Result<()> {
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
    drop(out);
    let layer = SessionManagerLayer::new(store)
        .with_secure(false)
        .with_expiry(Expiry::OnInactivity(Duration::days(30)));
    let app = Router::new().route("/", get(me)).layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("READY {}", listener.local_addr()?.port());
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().context("database url")?;
    let sessions: usize = args.next().context("session count")?.parse()?;
    let cookies = args.next().context("cookies file")?;
    let pool_size = 10;
    if url.starts_with("sqlite:") {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(pool_size)
            .connect(&url)
            .await?;
        let store = SqliteStore::new(pool);
        store.migrate().await?;
        serve(store, sessions, &cookies).await
    } else {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(pool_size)
            .connect(&url)
            .await?;
        let store = PostgresStore::new(pool);
        store.migrate().await?;
        serve(store, sessions, &cookies).await
    }
}
