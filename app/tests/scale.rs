//! Scale-out: two app instances on one PostgreSQL database, each with its own
//! registry cache, and the proof that a revocation made on one is enforced by
//! the other on the very next request — also under concurrent load. Plus the
//! index proofs of the hot queries (PostgreSQL query plans; SQLite too).
//!
//! The PostgreSQL tests run when `TEST_POSTGRES_URL` is set (CI sets it).

mod common;

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, ensure};
use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use common::{Device, MAC_CHROME, TestApp, WIN_FIREFOX};
use http_body_util::BodyExt as _;
use leptos_sessions::server::{RegistryCache, RevokeReason, Sessions};
use leptos_sessions_entity::session;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QueryTrait, SqlxPostgresConnector, Statement, TransactionTrait,
};
use tower::ServiceExt as _;

/// Two instances on one fresh PostgreSQL database, each with its own
/// connection pool and registry cache (`RegistryCache::Auto`).
async fn two_instances() -> Result<Option<(TestApp, TestApp)>> {
    let Some(db_a) = common::postgres().await? else {
        return Ok(None);
    };
    let options = db_a.get_postgres_connection_pool().connect_options();
    let pool_b = sea_orm::sqlx::postgres::PgPoolOptions::new()
        .max_connections(5)
        .connect_with((*options).clone())
        .await?;
    let db_b = SqlxPostgresConnector::from_sqlx_postgres_pool(pool_b);
    let cached = |c: &mut leptos_sessions::server::SessionsConfig| c.registry_cache = RegistryCache::Auto;
    let a = TestApp::with_config(db_a, cached).await?;
    let b = TestApp::with_config(db_b, cached).await?;
    Ok(Some((a, b)))
}

/// The same browser, pointed at another instance.
fn same_browser_at(app: &TestApp, device: &Device, user_agent: &str) -> Device {
    let mut moved = app.device(user_agent);
    moved.jar = device.jar.clone();
    moved
}

/// Waits (bounded) until both caches serve, warming `device` at `app`.
async fn until_cached(app: &TestApp, device: &mut Device, user: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        assert_eq!(device.whoami().await?, user);
        if app.sessions.store().cache_live() && app.sessions.store().cached_rows() > 0 {
            // One more: this one is served from the cache.
            assert_eq!(device.whoami().await?, user);
            return Ok(());
        }
        ensure!(Instant::now() < deadline, "the registry cache never came up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale01_revoke_on_a_is_enforced_at_b_on_the_next_request() -> Result<()> {
    let Some((a, b)) = two_instances().await? else {
        return Ok(());
    };
    let mut phone = a.device(MAC_CHROME);
    phone.login("ada").await?;
    let mut phone_at_b = same_browser_at(&b, &phone, MAC_CHROME);
    until_cached(&a, &mut phone, "ada").await?;
    until_cached(&b, &mut phone_at_b, "ada").await?;

    for round in 0..10 {
        // A laptop signs in on A, is used (and cached) on both instances...
        let mut laptop = a.device(WIN_FIREFOX);
        let handle = laptop.login("ada").await?;
        let mut laptop_at_b = same_browser_at(&b, &laptop, WIN_FIREFOX);
        assert_eq!(laptop.whoami().await?, "ada");
        assert_eq!(laptop_at_b.whoami().await?, "ada");
        assert_eq!(laptop_at_b.whoami().await?, "ada", "served from B's cache");
        // ...and is logged out from the phone, through instance A.
        let reply = phone.send("POST", &format!("/revoke/{handle}")).await?;
        assert_eq!(reply.status, StatusCode::NO_CONTENT);
        // The very next request, at B: signed out.
        assert_eq!(
            laptop_at_b.whoami().await?,
            "",
            "round {round}: B served a revoked session"
        );
        assert_eq!(
            laptop.whoami().await?,
            "",
            "round {round}: A served a revoked session"
        );
    }
    assert_eq!(
        phone_at_b.whoami().await?,
        "ada",
        "the revoking device stays signed in"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale02_api_revocations_on_a_are_enforced_at_b() -> Result<()> {
    let Some((a, b)) = two_instances().await? else {
        return Ok(());
    };
    let mut warm = a.device(MAC_CHROME);
    warm.login("grace").await?;
    let mut warm_b = same_browser_at(&b, &warm, MAC_CHROME);
    until_cached(&a, &mut warm, "grace").await?;
    until_cached(&b, &mut warm_b, "grace").await?;

    // revoke_all (an admin disabling the account), password change, forget:
    // each returns only once B refuses the sessions.
    for step in ["revoke_all", "password_changed", "forget"] {
        let mut devices = Vec::new();
        for ua in [MAC_CHROME, WIN_FIREFOX] {
            let mut d = a.device(ua);
            d.login("ada").await?;
            let mut at_b = same_browser_at(&b, &d, ua);
            assert_eq!(at_b.whoami().await?, "ada");
            assert_eq!(at_b.whoami().await?, "ada");
            devices.push(at_b);
        }
        match step {
            "revoke_all" => {
                a.sessions.revoke_all("ada", RevokeReason::AdminRevoked).await?;
            }
            "password_changed" => {
                a.sessions.password_changed("ada", None).await?;
            }
            _ => {
                a.sessions.forget("ada", &["ada@example.com"]).await?;
            }
        }
        for d in &mut devices {
            assert_eq!(d.whoami().await?, "", "{step}: B served a revoked session");
        }
    }
    Ok(())
}

/// One request with a fixed cookie header, as a load generator sends it.
async fn hit(router: Router, cookie: String) -> Result<String> {
    let mut req = Request::builder()
        .uri("/me")
        .header("host", "app.test")
        .header("user-agent", WIN_FIREFOX)
        .header("cookie", cookie)
        .body(Body::empty())?;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([203, 0, 113, 9], 40000))));
    let res = router.oneshot(req).await?;
    ensure!(res.status() == StatusCode::OK, "status {}", res.status());
    Ok(String::from_utf8(
        res.into_body().collect().await?.to_bytes().to_vec(),
    )?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale03_revoke_during_load_serves_nothing_after_it_returned() -> Result<()> {
    let Some((a, b)) = two_instances().await? else {
        return Ok(());
    };
    let mut phone = a.device(MAC_CHROME);
    phone.login("ada").await?;
    let mut laptop = a.device(WIN_FIREFOX);
    let handle = laptop.login("ada").await?;
    let mut laptop_at_b = same_browser_at(&b, &laptop, WIN_FIREFOX);
    until_cached(&a, &mut laptop, "ada").await?;
    until_cached(&b, &mut laptop_at_b, "ada").await?;
    let cookie = laptop
        .jar
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");

    // Load: four clients per instance replaying the laptop's cookie.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for i in 0..8 {
        let router = if i % 2 == 0 {
            b.router.clone()
        } else {
            a.router.clone()
        };
        let cookie = cookie.clone();
        let stop = stop.clone();
        clients.push(tokio::spawn(async move {
            let mut log: Vec<(Instant, String)> = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let sent = Instant::now();
                let body = hit(router.clone(), cookie.clone()).await?;
                log.push((sent, body));
            }
            anyhow::Ok(log)
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reply = phone.send("POST", &format!("/revoke/{handle}")).await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let returned = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);

    let (mut before, mut after, mut served_after) = (0usize, 0usize, 0usize);
    for client in clients {
        for (sent, body) in client.await.context("load client")?? {
            if sent < returned {
                before += usize::from(body == "ada");
            } else {
                after += 1;
                served_after += usize::from(!body.is_empty());
            }
        }
    }
    eprintln!("signed-in responses before the revoke: {before}; requests after it returned: {after}");
    assert!(before > 20, "the load ran signed in before the revoke ({before})");
    assert!(after > 20, "the load went on after the revoke ({after})");
    assert_eq!(
        served_after, 0,
        "requests served for a revoked session after the revoke returned"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Index proofs

/// The hot queries, built with the same query builders as the library.
fn hot_queries(sessions: &Sessions, backend: DbBackend) -> Vec<(&'static str, Statement)> {
    let now = 1_700_000_000_000_i64;
    let hash = format!("{:0>64}", "c4ca4238a0b923820dcc509a6f75849b");
    vec![
        (
            "load by id hash",
            session::Entity::find_by_id(hash)
                .filter(session::Column::ExpiresAt.gt(now))
                .build(backend),
        ),
        (
            "list by user",
            session::Entity::find()
                .filter(session::Column::UserId.eq("u7"))
                .filter(session::Column::ExpiresAt.gt(now))
                .order_by_desc(session::Column::LastSeenAt)
                .order_by_desc(session::Column::CreatedAt)
                .build(backend),
        ),
        (
            "history by user",
            sessions
                .trail()
                .history_of("u7", &["u7@example.com".to_owned()])
                .recent()
                .limit(50)
                .select()
                .build(backend),
        ),
        (
            "failed logins by IP and time",
            sessions
                .trail()
                .failed_logins()
                .for_ip("10.7.7.1")
                .last_24_hours()
                .recent()
                .select()
                .build(backend),
        ),
    ]
}

async fn explain(db: &DatabaseConnection, stmt: &Statement) -> Result<String> {
    let backend = db.get_database_backend();
    let prefix = match backend {
        DbBackend::Postgres => "EXPLAIN ",
        DbBackend::Sqlite => "EXPLAIN QUERY PLAN ",
        _ => "EXPLAIN ",
    };
    let stmt = Statement {
        sql: format!("{prefix}{}", stmt.sql),
        ..stmt.clone()
    };
    let rows = db.query_all_raw(stmt).await?;
    let column = if backend == DbBackend::Postgres {
        "QUERY PLAN"
    } else {
        "detail"
    };
    let mut plan = String::new();
    for row in rows {
        plan.push_str(&row.try_get::<String>("", column)?);
        plan.push('\n');
    }
    Ok(plan)
}

/// A realistic population, so that the planner's choices are the ones it
/// makes in production: 50,000 events (a quarter failed logins, never linked
/// to a user), 2,000 users, 12,500 IPs, 20,000 sessions.
async fn populate(db: &DatabaseConnection) -> Result<()> {
    let events = "INSERT INTO leptos_session_events (kind, user_id, identity, ip, occurred_at, new_device)
        SELECT CASE WHEN g % 4 = 0 THEN 'failed_login' ELSE 'login' END,
               CASE WHEN g % 4 = 0 THEN NULL ELSE 'u' || (g % 2000) END,
               'u' || (g % 2000) || '@example.com',
               '10.' || (g % 250) || '.' || (g % 50) || '.1',
               (extract(epoch FROM now()) * 1000)::bigint - g * 1000, false
        FROM generate_series(1, 50000) AS g";
    let sessions = "INSERT INTO leptos_sessions (id_hash, handle, user_id, data, expires_at, created_at, last_seen_at)
        SELECT lpad(md5(g::text), 64, '0'), 'h' || g, 'u' || (g % 2000), '{}', 1900000000000, 1700000000000, 1700000000000 + g
        FROM generate_series(1, 20000) AS g";
    let txn = db.begin().await?;
    txn.execute_unprepared(events).await?;
    txn.execute_unprepared(sessions).await?;
    txn.commit().await?;
    db.execute_unprepared("ANALYZE leptos_session_events").await?;
    db.execute_unprepared("ANALYZE leptos_sessions").await?;
    Ok(())
}

async fn assert_indexed(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let backend = app.db().get_database_backend();
    if backend == DbBackend::Postgres {
        populate(app.db()).await?;
    }
    for (name, stmt) in hot_queries(&app.sessions, backend) {
        let plan = explain(app.db(), &stmt).await?;
        eprintln!("{name}:\n{plan}");
        match backend {
            DbBackend::Postgres => {
                ensure!(plan.contains("Index"), "{name}: no index in the plan:\n{plan}");
                ensure!(!plan.contains("Seq Scan"), "{name}: sequential scan:\n{plan}");
            }
            _ => {
                ensure!(
                    plan.contains("USING INDEX")
                        || plan.contains("USING COVERING INDEX")
                        || plan.contains("USING PRIMARY KEY"),
                    "{name}: no index in the plan:\n{plan}"
                );
                ensure!(
                    !plan
                        .lines()
                        .any(|l| l.starts_with("SCAN ") && !l.contains("INDEX")),
                    "{name}: full scan:\n{plan}"
                );
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale04_hot_queries_use_indexes_postgres() -> Result<()> {
    match common::postgres().await? {
        Some(db) => assert_indexed(db).await,
        None => Ok(()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale05_hot_queries_use_indexes_sqlite() -> Result<()> {
    assert_indexed(common::sqlite().await?).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case37_a_revocation_from_a_process_without_the_layer_is_fenced() -> Result<()> {
    let Some((a, _b)) = two_instances().await? else {
        return Ok(());
    };
    let mut laptop = a.device(WIN_FIREFOX);
    laptop.login("ada").await?;
    until_cached(&a, &mut laptop, "ada").await?;
    // An admin CLI: its own pool and `Sessions`, no layer, no request served.
    let options = a.db().get_postgres_connection_pool().connect_options();
    let pool = sea_orm::sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with((*options).clone())
        .await?;
    let admin = Sessions::new(
        SqlxPostgresConnector::from_sqlx_postgres_pool(pool),
        a.sessions.config().clone(),
    )?;
    assert_eq!(admin.admin_revoke_all("ada").await?, 1);
    // The very next request at the serving instance: signed out.
    assert_eq!(
        laptop.whoami().await?,
        "",
        "A served a session an admin CLI revoked"
    );

    // TRUNCATE (no row triggers) empties every cache: refused within the
    // notification's delivery, bounded here at 2 s.
    let mut phone = a.device(MAC_CHROME);
    phone.login("grace").await?;
    until_cached(&a, &mut phone, "grace").await?;
    admin.db().execute_unprepared("TRUNCATE leptos_sessions").await?;
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if phone.whoami().await?.is_empty() {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "a truncated registry was still served after 2 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

/// Found by the soak: an instance heard its own acknowledgements and took
/// itself for a peer, so after acknowledging another's fence each of its own
/// fences waited the full FENCE_WAIT for an answer from itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_is_never_its_own_peer() -> Result<()> {
    let Some((a, b)) = two_instances().await? else {
        return Ok(());
    };
    let mut at_a = a.device(MAC_CHROME);
    at_a.login("ada").await?;
    let mut at_b = b.device(WIN_FIREFOX);
    at_b.login("ada").await?;
    until_cached(&a, &mut at_a, "ada").await?;
    until_cached(&b, &mut at_b, "ada").await?;
    // Fences both ways: each instance acknowledges the other's.
    for _ in 0..3 {
        at_a.send("POST", "/revoke-others").await?;
        at_b.send("POST", "/revoke-others").await?;
    }
    assert_eq!(a.sessions.store().cache_peers(), 1, "A waits for B only");
    assert_eq!(b.sessions.store().cache_peers(), 1, "B waits for A only");
    Ok(())
}
