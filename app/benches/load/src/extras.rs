//! The other figures of docs/BENCHMARKS.md, measured in-process through the
//! library's router (no HTTP): a login, the devices page's data for a heavy
//! user, and the sweep over 1,000,000 trail rows while logins go on.

use std::{
    fmt::Write as _,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Result, ensure};
use leptos_sessions::server::Sessions;
use sea_orm::{ConnectionTrait, DbBackend};

use crate::{cache_mode, call, config, connect, fresh_pg, login, ours, postgres_url};

const DAY_MS: i64 = 24 * 3600 * 1000;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort();
    let idx = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[idx].as_secs_f64() * 1000.0
}

/// Inserts `n` trail rows with `SQL` generated on the server (fast).
async fn bulk_events(
    db: &sea_orm::DatabaseConnection,
    n: u64,
    user: &str,
    kind: &str,
    before_ms: i64,
) -> Result<()> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!(
            "INSERT INTO leptos_session_events (kind, user_id, ip, device_name, occurred_at, new_device)
             SELECT '{kind}', '{user}', '10.0.0.' || (g % 250), 'Chrome 137 on macOS', {before_ms} - g, false
             FROM generate_series(1, {n}) AS g"
        ),
        _ => format!(
            "INSERT INTO leptos_session_events (kind, user_id, ip, device_name, occurred_at, new_device)
             WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {n})
             SELECT '{kind}', '{user}', '10.0.0.' || (n % 250), 'Chrome 137 on macOS', {before_ms} - n, false FROM g"
        ),
    };
    db.execute_unprepared(&sql).await?;
    Ok(())
}

async fn one_backend(name: &str, url: &str, out: &mut String) -> Result<()> {
    eprintln!("{name}: extras");
    let db = connect(url).await?;
    let sessions = Sessions::new(db.clone(), config(cache_mode(url)))?;
    sessions.migrate().await?;
    let router = ours(&sessions);

    // 1. Login (no password hashing: the host's credential check is not ours).
    for i in 0..20 {
        login(&router, &format!("warm{i}")).await?;
    }
    let mut samples = Vec::new();
    for i in 0..300 {
        let started = Instant::now();
        login(&router, &format!("login{i}")).await?;
        samples.push(started.elapsed());
    }
    let (login_p50, login_p99) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99));
    eprintln!("  login: p50 {login_p50:.2} ms, p99 {login_p99:.2} ms (300 logins)");

    // 2. Devices page data: 100 devices, 10,000 trail events.
    let mut cookie = String::new();
    for _ in 0..100 {
        cookie = login(&router, "heavy").await?;
    }
    bulk_events(&db, 9_900, "heavy", "login", sessions.now_ms() - 1000).await?;
    let (_, _, body) = call(&router, "GET", "/devices-page", Some(&cookie)).await?;
    ensure!(body.starts_with("100 "), "devices page saw {body}");
    let mut samples = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let (status, _, _) = call(&router, "GET", "/devices-page", Some(&cookie)).await?;
        ensure!(status.is_success());
        samples.push(started.elapsed());
    }
    let page_p50 = percentile(&mut samples, 0.5);
    eprintln!("  devices page data (100 devices + 50 newest of 10,000 events): p50 {page_p50:.2} ms");

    // 3. Sweep over 1,000,000 trail rows past retention, logins going on.
    let inserted = Instant::now();
    bulk_events(&db, 1_000_000, "old", "login", sessions.now_ms() - 400 * DAY_MS).await?;
    // Steady state before measuring: statistics current (PostgreSQL's
    // autovacuum would get there), the WAL checkpointed (SQLite).
    match db.get_database_backend() {
        DbBackend::Postgres => db.execute_unprepared("ANALYZE leptos_session_events").await?,
        _ => db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?,
    };
    eprintln!(
        "  inserted 1,000,000 old trail rows in {:.1} s",
        inserted.elapsed().as_secs_f64()
    );
    let sweeping = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let logins = {
        let (router, sweeping, stop) = (router.clone(), sweeping.clone(), stop.clone());
        tokio::spawn(async move {
            let (mut without, mut during) = (Vec::new(), Vec::new());
            let mut i = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let phase = sweeping.load(Ordering::SeqCst);
                let started = Instant::now();
                login(&router, &format!("during{i}")).await?;
                let took = started.elapsed();
                // By start: a login that waited on the sweep counts as during.
                if phase {
                    during.push(took);
                } else if !sweeping.load(Ordering::SeqCst) {
                    without.push(took);
                }
                i += 1;
            }
            anyhow::Ok((without, during))
        })
    };
    tokio::time::sleep(Duration::from_secs(3)).await;
    sweeping.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let report = sessions.sweep().await?;
    let sweep_secs = started.elapsed().as_secs_f64();
    sweeping.store(false, Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    let (mut without, mut during) = logins.await??;
    let rows_per_s = report.purged_events as f64 / sweep_secs;
    let (w50, w99) = (percentile(&mut without, 0.5), percentile(&mut without, 0.99));
    let (d50, d99) = (percentile(&mut during, 0.5), percentile(&mut during, 0.99));
    eprintln!(
        "  sweep: {} rows in {sweep_secs:.2} s = {rows_per_s:.0} rows/s; logins p50/p99 without {w50:.2}/{w99:.2} ms ({} logins), during {d50:.2}/{d99:.2} ms ({} logins)",
        report.purged_events,
        without.len(),
        during.len()
    );
    writeln!(
        out,
        "| {name} | {login_p50:.2} ms | {page_p50:.2} ms | {} rows in {sweep_secs:.2} s = {rows_per_s:.0} rows/s | {w50:.2} / {w99:.2} ms | {d50:.2} / {d99:.2} ms ({} logins) |",
        report.purged_events,
        during.len()
    )?;
    Ok(())
}

pub(crate) async fn run(work: &Path) -> Result<()> {
    std::fs::create_dir_all(work)?;
    let mut out = String::from(
        "| backend | login p50 | devices page data p50 | sweep of 1,000,000 trail rows | login p50 / p99 without sweep | during sweep |\n|---|---:|---:|---|---:|---:|\n",
    );
    let file = work.join("extras.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    one_backend(
        "SQLite",
        &format!("sqlite://{}?mode=rwc", file.display()),
        &mut out,
    )
    .await?;
    if let Some(admin) = postgres_url() {
        let url = fresh_pg(&admin, "ls_bench_extras").await?;
        one_backend("PostgreSQL", &url, &mut out).await?;
    }
    println!("{out}");
    std::fs::write(work.join("extras.md"), out)?;
    Ok(())
}
