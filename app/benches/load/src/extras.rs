//! The other figures of docs/BENCHMARKS.md, measured in-process through the
//! library's router (no HTTP): a login, the devices page's data and the
//! demo's whole settings page for a heavy user, the sweep over 1,000,000
//! trail rows while logins go on, and how each cost grows.

use std::{
    fmt::Write as _,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, ensure};
use leptos_sessions::server::Sessions;
use sea_orm::{ConnectionTrait, DbBackend};

use leptos_sessions::server::RegistryCache;

use crate::{call, config, connect, fresh_pg, login, ours, postgres_url};

const DAY_MS: i64 = 24 * 3600 * 1000;

pub(crate) fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort();
    let idx = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[idx].as_secs_f64() * 1000.0
}

/// Inserts `n` trail rows with SQL generated on the server (fast).
pub(crate) async fn bulk_events(
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
    analyze(db, "leptos_session_events").await
}

/// Fresh planner statistics after a bulk insert (PostgreSQL; autovacuum would
/// get there within a minute). SQLite keeps none unless asked: nothing to do.
async fn analyze(db: &sea_orm::DatabaseConnection, table: &str) -> Result<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("ANALYZE {table}")).await?;
    }
    Ok(())
}

/// One row of the growth table: a cost at each size, the shape it must have.
struct Growth {
    cost: &'static str,
    sizes: Vec<(String, f64)>,
    /// The size factor from the first to the last point.
    factor: f64,
    wanted: &'static str,
    unit: &'static str,
}

impl Growth {
    /// The measured shape: the exponent `e` of `t ∝ n^e` between the first
    /// and the last point.
    fn shape(&self) -> String {
        let (first, last) = (self.sizes[0].1, self.sizes[self.sizes.len() - 1].1);
        let e = (last / first).ln() / self.factor.ln();
        let word = if e < 0.1 {
            "flat"
        } else if e < 0.6 {
            "sub-linear"
        } else {
            "linear"
        };
        format!("{word} (n^{e:.2})")
    }
}

/// Inserts `n` signed-out-looking session rows of other users (id hashes
/// and handles generated), so the registry holds that many more rows.
async fn bulk_sessions(db: &sea_orm::DatabaseConnection, from: u64, n: u64, now_ms: i64) -> Result<()> {
    let far = now_ms + 30 * DAY_MS;
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!(
            "INSERT INTO leptos_sessions (id_hash, handle, user_id, data, expires_at, created_at, last_seen_at)
             SELECT 'bulk-' || g, 'hb' || g, 'bulk' || (g % 100000), '{{}}', {far}, {now_ms}, {now_ms}
             FROM generate_series({from}, {from} + {n} - 1) AS g"
        ),
        _ => format!(
            "INSERT INTO leptos_sessions (id_hash, handle, user_id, data, expires_at, created_at, last_seen_at)
             WITH RECURSIVE g(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM g WHERE n < {from} + {n} - 1)
             SELECT 'bulk-' || n, 'hb' || n, 'bulk' || (n % 100000), '{{}}', {far}, {now_ms}, {now_ms} FROM g"
        ),
    };
    db.execute_unprepared(&sql).await?;
    Ok(())
}

async fn p50_of<F, Fut>(n: usize, mut f: F) -> Result<f64>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        f(i).await?;
        samples.push(started.elapsed());
    }
    Ok(percentile(&mut samples, 0.5))
}

/// A target line for the summary `.ci/bench` prints.
fn target(targets: &mut Vec<String>, what: String, value: f64, unit: &str, at_most: bool, bound: f64) {
    let met = if at_most { value <= bound } else { value >= bound };
    targets.push(format!(
        "TARGET\t{what}\t{value:.2} {unit}\t{} {bound} {unit}\t{}",
        if at_most { "≤" } else { "≥" },
        if met { "met" } else { "missed" }
    ));
}

async fn count(db: &sea_orm::DatabaseConnection, table: &str) -> Result<u64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await?
        .context("count")?;
    Ok(u64::try_from(row.try_get::<i64>("", "n")?)?)
}

async fn one_backend(
    name: &str,
    url: &str,
    page_url: &str,
    out: &mut String,
    growth_out: &mut String,
    targets: &mut Vec<String>,
) -> Result<()> {
    eprintln!("{name}: extras");
    let db = connect(url).await?;
    let sessions = Sessions::new(db.clone(), config(RegistryCache::default()))?;
    sessions.migrate().await?;
    let router = ours(&sessions);
    let mut growth = Vec::new();

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
    target(targets, format!("{name}: login p50"), login_p50, "ms", true, 1.5);

    // 2. Devices page data: 10 devices / 1,000 events, 100 / 10,000, 100 / 100,000.
    let page_data = async |cookie: &str| -> Result<f64> {
        let (_, _, body) = call(&router, "GET", "/devices-page", Some(cookie)).await?;
        ensure!(body.contains(' '), "devices page saw {body}");
        p50_of(200, |_| async {
            let (status, _, _) = call(&router, "GET", "/devices-page", Some(cookie)).await?;
            ensure!(status.is_success());
            Ok(())
        })
        .await
    };
    let mut light = String::new();
    for _ in 0..10 {
        light = login(&router, "light").await?;
    }
    bulk_events(&db, 990, "light", "login", sessions.now_ms() - 1000).await?;
    let light_p50 = page_data(&light).await?;
    let mut cookie = String::new();
    for _ in 0..100 {
        cookie = login(&router, "heavy").await?;
    }
    bulk_events(&db, 9_900, "heavy", "login", sessions.now_ms() - 1000).await?;
    let (_, _, body) = call(&router, "GET", "/devices-page", Some(&cookie)).await?;
    ensure!(body.starts_with("100 "), "devices page saw {body}");
    let page_p50 = page_data(&cookie).await?;
    eprintln!("  devices page data (100 devices + 50 newest of 10,000 events): p50 {page_p50:.2} ms");
    bulk_events(&db, 90_000, "heavy", "login", sessions.now_ms() - 100_000).await?;
    let page_100k = page_data(&cookie).await?;
    growth.push(Growth {
        cost: "devices page data vs devices (10 → 100) and events (1k → 10k) per user",
        sizes: vec![("10 / 1k".into(), light_p50), ("100 / 10k".into(), page_p50)],
        factor: 10.0,
        wanted: "linear in devices (every row is shown), flat in events (50 newest)",
        unit: "ms",
    });
    growth.push(Growth {
        cost: "devices page data vs events per user (100 devices)",
        sizes: vec![("10k".into(), page_p50), ("100k".into(), page_100k)],
        factor: 10.0,
        wanted: "flat (an index range of 50)",
        unit: "ms",
    });

    // 3. The whole settings page of the demo (its own database).
    let (render_p50, render_p99, bytes) = crate::page::settings_page(page_url).await?;
    eprintln!(
        "  whole settings page (demo, SSR, 100 devices, 10,000 events): p50 {render_p50:.2} ms, p99 {render_p99:.2} ms, {bytes} bytes"
    );
    target(
        targets,
        format!("{name}: whole settings page p50 (100 devices, 10,000 events)"),
        render_p50,
        "ms",
        true,
        5.0,
    );

    if std::env::var_os("BENCH_QUICK").is_some() {
        // Profiling: login and the pages only.
        return Ok(());
    }

    // 4. Request path vs live sessions in the registry.
    let cookies: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..50 {
            v.push(login(&router, &format!("reader{i}")).await?);
        }
        v
    };
    let router_ref = &router;
    let cookies_ref = &cookies;
    let request = async || -> Result<f64> {
        p50_of(2_000, |i| {
            let cookie = &cookies_ref[i % cookies_ref.len()];
            async move {
                let (status, _, body) = call(router_ref, "GET", "/", Some(cookie)).await?;
                ensure!(status.is_success() && !body.is_empty(), "not signed in");
                Ok(())
            }
        })
        .await
    };
    let mut points = Vec::new();
    let mut have = count(&db, "leptos_sessions").await?;
    for want in [1_000u64, 100_000, 1_000_000] {
        if have < want {
            bulk_sessions(&db, have, want - have, sessions.now_ms()).await?;
            have = want;
        }
        analyze(&db, "leptos_sessions").await?;
        let p50 = request().await?;
        eprintln!("  request path at {want} sessions: p50 {:.1} µs", p50 * 1000.0);
        points.push((format!("{}k", want / 1000), p50 * 1000.0));
    }
    growth.push(Growth {
        cost: "authenticated request vs live sessions (1k → 1M)",
        sizes: points,
        factor: 1000.0,
        wanted: "flat or log (one primary-key lookup, or none when cached)",
        unit: "µs",
    });

    // 5. Sweep vs backlog (10k, 100k), login vs trail size; then the big sweep.
    let mut sweep_points = Vec::new();
    for backlog in [10_000u64, 100_000] {
        bulk_events(&db, backlog, "old", "login", sessions.now_ms() - 400 * DAY_MS).await?;
        let started = Instant::now();
        let report = sessions.sweep().await?;
        let secs = started.elapsed().as_secs_f64();
        ensure!(report.purged_events >= backlog, "the sweep purged {}", report.purged_events);
        sweep_points.push((format!("{}k", backlog / 1000), secs * 1000.0));
    }
    let mut login_points = Vec::new();
    let login_p50_now = async |tag: &str| -> Result<f64> {
        p50_of(100, |i| {
            let user = format!("{tag}{i}");
            let router = &router;
            async move { login(router, &user).await.map(|_| ()) }
        })
        .await
    };
    let trail = count(&db, "leptos_session_events").await?;
    login_points.push((format!("{}k", trail / 1000), login_p50_now("t1-").await?));

    // 6. Sweep over 1,000,000 trail rows past retention, logins going on.
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
    let trail_big = count(&db, "leptos_session_events").await?;
    login_points.push((format!("{}k", trail_big / 1000), login_p50_now("t2-").await?));
    growth.push(Growth {
        cost: "login vs trail size",
        factor: trail_big as f64 / trail as f64,
        sizes: login_points,
        wanted: "flat (index look-ups by user and device only)",
        unit: "ms",
    });
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
    sweep_points.push(("1,000k".into(), sweep_secs * 1000.0));
    growth.push(Growth {
        cost: "sweep time vs backlog (10k → 1M rows)",
        sizes: sweep_points,
        factor: 100.0,
        wanted: "linear (a constant rate)",
        unit: "ms",
    });
    target(targets, format!("{name}: sweep rate (1,000,000 rows)"), rows_per_s, "rows/s", false, 1_000_000.0);
    target(targets, format!("{name}: logins during the sweep p99"), d99, "ms", true, 20.0);
    writeln!(
        out,
        "| {name} | {login_p50:.2} ms | {page_p50:.2} ms | {render_p50:.2} ms | {} rows in {sweep_secs:.2} s = {rows_per_s:.0} rows/s | {w50:.2} / {w99:.2} ms | {d50:.2} / {d99:.2} ms ({} logins) |",
        report.purged_events,
        during.len()
    )?;
    for g in &growth {
        let points: Vec<String> = g
            .sizes
            .iter()
            .map(|(size, v)| format!("{size}: {v:.2} {}", g.unit))
            .collect();
        writeln!(
            growth_out,
            "| {name} | {} | {} | {} | {} |",
            g.cost,
            points.join(" · "),
            g.wanted,
            g.shape()
        )?;
    }
    Ok(())
}

pub(crate) async fn run(work: &Path) -> Result<()> {
    std::fs::create_dir_all(work)?;
    let mut out = String::from(
        "| backend | login p50 | devices page data p50 | whole settings page p50 | sweep of 1,000,000 trail rows | login p50 / p99 without sweep | during sweep |\n|---|---:|---:|---:|---|---:|---:|\n",
    );
    let mut growth = String::from(
        "| backend | cost | measured | shape it must have | shape it has |\n|---|---|---|---|---|\n",
    );
    let mut targets = Vec::new();
    let sqlite = |key: &str| {
        let file = work.join(format!("{key}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        format!("sqlite://{}?mode=rwc", file.display())
    };
    // BENCH_BACKENDS=sqlite or =postgres runs one backend (for profiling).
    let only = std::env::var("BENCH_BACKENDS").unwrap_or_default();
    if only.is_empty() || only.contains("sqlite") {
        one_backend("SQLite", &sqlite("extras"), &sqlite("page"), &mut out, &mut growth, &mut targets).await?;
    }
    if let Some(admin) = postgres_url().filter(|_| only.is_empty() || only.contains("postgres")) {
        let url = fresh_pg(&admin, "ls_bench_extras").await?;
        let page = fresh_pg(&admin, "ls_bench_page").await?;
        one_backend("PostgreSQL", &url, &page, &mut out, &mut growth, &mut targets).await?;
    }
    println!("{out}");
    println!("{growth}");
    for line in &targets {
        println!("{line}");
    }
    std::fs::write(work.join("extras.md"), format!("{out}\n{growth}"))?;
    Ok(())
}
