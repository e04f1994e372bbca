//! The load harness (see docs/BENCHMARKS.md; run it with `bash .ci/bench`).
//!
//! * `run --baseline <bin> --work <dir>`: for SQLite (always) and PostgreSQL
//!   (when `BENCH_POSTGRES_URL` or `TEST_POSTGRES_URL` is set) starts, one at a
//!   time on 127.0.0.1, (a) bare axum, (b) axum + tower-sessions +
//!   tower-sessions-sqlx-store (the `baseline/` crate), (b′) the same behind
//!   tower-sessions' `CachingSessionStore` (moka), (c) axum + this library's
//!   full layer in its default configuration and (c′) with `SingleInstance`
//!   (SQLite), each with the same 1,000 pre-created sessions
//!   rotated by the same `wrk` script, and prints requests/s, p50/p99, the
//!   ratios against their targets, and whether each server still revokes a
//!   session across two instances on the same database.
//! * `extras --work <dir>`: login p50, the devices page's data and the demo's
//!   whole settings page for a user with 100 devices and 10,000 trail
//!   events, the sweep over 1,000,000 trail rows with logins going on, and
//!   how each cost grows.
//! * `parser`: time per user agent of the device parser.
//! * `serve-bare`, `serve-ours`: the servers `run` starts.

mod extras;
mod page;
mod parser;

use std::{
    fmt::Write as _,
    io::Write as _,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use anyhow::{Context as _, Result, bail, ensure};
use axum::{
    Router,
    body::Body,
    extract::{ConnectInfo, Path as UrlPath},
    http::{Request, StatusCode},
    response::IntoResponse,
    routing::{get, post},
};
use http_body_util::BodyExt as _;
use leptos_sessions::server::{CookieKey, CurrentSession, Login, RegistryCache, Sessions, SessionsConfig};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tower::ServiceExt as _;

pub(crate) const CHROME: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36";
const SECRET: &[u8] = b"bench-secret-bench-secret-bench-secret-bench-secret";
const POOL: u32 = 10;

/// The library's configuration in the harness: defaults, plain-http cookies
/// (loopback), and the registry cache mode of the deployment.
pub(crate) fn config(cache: RegistryCache) -> SessionsConfig {
    let mut config = SessionsConfig::new(CookieKey::new(SECRET.to_vec()));
    config.dev_insecure_cookies = true;
    config.registry_cache = cache;
    config
}

pub(crate) async fn connect(url: &str) -> Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(POOL).sqlx_logging(false);
    Ok(Database::connect(opts).await?)
}

/// The host app of (c): an authenticated GET, a login seam, the devices page's data.
pub(crate) fn ours(sessions: &Sessions) -> Router {
    Router::new()
        .route(
            "/",
            get(|current: CurrentSession| async move { current.user_id().unwrap_or_default() }),
        )
        .route(
            "/login/{user}",
            post(
                |current: CurrentSession, UrlPath(user): UrlPath<String>| async move {
                    match current
                        .login(&user, Login::password().identity(format!("{user}@example.com")))
                        .await
                    {
                        Ok(outcome) => (StatusCode::OK, outcome.handle.to_string()).into_response(),
                        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
                    }
                },
            ),
        )
        .route(
            "/logout",
            post(|current: CurrentSession| async move {
                match current.logout().await {
                    Ok(()) => StatusCode::OK,
                    Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
                }
            }),
        )
        .route(
            "/devices-page",
            get(|current: CurrentSession| async move {
                // What the devices page's server functions load.
                match (current.list_devices().await, current.history(50).await) {
                    (Ok(devices), Ok(history)) => {
                        format!("{} {}", devices.devices.len(), history.entries.len()).into_response()
                    }
                    _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                }
            }),
        )
        .layer(sessions.layer())
}

/// One in-process request; returns status, `Cookie` header for the session
/// it set (if any) and body.
pub(crate) async fn call(
    router: &Router,
    method: &str,
    path: &str,
    cookie: Option<&str>,
) -> Result<(StatusCode, Option<String>, String)> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("user-agent", CHROME);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let mut req = req.body(Body::empty())?;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let cookies = set_cookies(&res);
    let body = String::from_utf8(res.into_body().collect().await?.to_bytes().to_vec())?;
    Ok((status, (!cookies.is_empty()).then(|| cookies.join("; ")), body))
}

/// The `name=value` of each cookie a response sets (removals left out).
pub(crate) fn set_cookies<B>(res: &axum::http::Response<B>) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|c| !c.contains("Max-Age=0"))
        .filter_map(|c| c.split(';').next().map(str::to_owned))
        .collect()
}

/// Signs `user` in from a new browser; returns its `Cookie` header.
pub(crate) async fn login(router: &Router, user: &str) -> Result<String> {
    let (status, cookie, body) = call(router, "POST", &format!("/login/{user}"), None).await?;
    ensure!(status == StatusCode::OK, "login failed: {status} {body}");
    cookie.context("login set no cookie")
}

async fn serve(router: Router) -> Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("READY {}", listener.local_addr()?.port());
    std::io::stdout().flush()?;
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await?;
    Ok(())
}

async fn serve_bare(sessions: usize, cookies: &str) -> Result<()> {
    // The same request shape as the others (a cookie per request).
    let lines: String = (0..sessions).map(|i| format!("session=bare{i}\n")).collect();
    std::fs::write(cookies, lines)?;
    let router = Router::new().route("/", get(|| async { "u0" }));
    serve(router).await
}

/// `serve-ours <url> <sessions> <cookies> [--cache default|single] [--reuse]`:
/// the library's layer in its default registry cache mode or with
/// `SingleInstance`; `--reuse` is a second instance on the same database
/// (no migrations, no logins: it serves the cookies the first one wrote).
async fn serve_ours(url: &str, sessions: usize, cookies: &str, flags: &[String]) -> Result<()> {
    let cache = match flag(flags, "--cache").as_deref() {
        None | Some("default") => RegistryCache::default(),
        Some("single") => RegistryCache::SingleInstance,
        Some(other) => bail!("--cache {other}: default or single"),
    };
    let reuse = flags.iter().any(|f| f == "--reuse");
    let db = connect(url).await?;
    let sessions_handle = Sessions::new(db, config(cache))?;
    let router = ours(&sessions_handle);
    if reuse {
        return serve(router).await;
    }
    sessions_handle.migrate().await?;
    let mut lines = String::new();
    for i in 0..sessions {
        let cookie = login(&router, &format!("u{i}")).await?;
        writeln!(lines, "{cookie}")?;
    }
    std::fs::write(cookies, lines)?;
    serve(router).await
}

// ---------------------------------------------------------------------------
// Orchestration

#[derive(Debug, Clone, Copy)]
struct Figures {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

fn parse_latency(value: &str) -> Option<f64> {
    let value = value.trim();
    let (num, factor) = if let Some(v) = value.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = value.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = value.strip_suffix('s') {
        (v, 1000.0)
    } else {
        return None;
    };
    num.trim().parse::<f64>().ok().map(|n| n * factor)
}

fn parse_wrk(out: &str) -> Result<Figures> {
    let mut figures = Figures {
        rps: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        errors: 0,
    };
    for line in out.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            figures.rps = v.trim().parse()?;
        } else if let Some(v) = line.strip_prefix("50%") {
            figures.p50_ms = parse_latency(v).context("p50")?;
        } else if let Some(v) = line.strip_prefix("99%") {
            figures.p99_ms = parse_latency(v).context("p99")?;
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            figures.errors += v.trim().parse::<u64>().unwrap_or(0);
        } else if line.starts_with("Socket errors:") {
            figures.errors += line
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse::<u64>().ok())
                .sum::<u64>();
        }
    }
    ensure!(figures.rps > 0.0, "could not read wrk's output:\n{out}");
    Ok(figures)
}

struct Run {
    duration: u64,
    warmup: u64,
    connections: u32,
    threads: u32,
    sessions: usize,
    rounds: u32,
    work: PathBuf,
    script: PathBuf,
}

/// A request on loopback without an HTTP client crate: the body of the
/// response (a 200 is required).
async fn raw_request(port: u16, method: &str, cookie: &str) -> Result<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let req = format!(
        "{method} /{} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        if method == "POST" { "logout" } else { "" }
    );
    stream.write_all(req.as_bytes()).await?;
    let mut buf = String::new();
    stream.read_to_string(&mut buf).await?;
    let (head, body) = buf.split_once("\r\n\r\n").context("malformed response")?;
    ensure!(head.starts_with("HTTP/1.1 200"), "unexpected response: {head}");
    // Small bodies: axum answers with Content-Length (no chunking).
    Ok(body.to_owned())
}

async fn measure(run: &Run, label: &str, program: &Path, args: &[String], cookies: &Path) -> Result<Figures> {
    let (mut child, port) = start(label, program, args).await?;
    let first = std::fs::read_to_string(cookies)?
        .lines()
        .next()
        .context("no cookies")?
        .to_owned();
    let body = raw_request(port, "GET", &first).await?;
    ensure!(!body.is_empty(), "{label}: the first session is not signed in");

    let url = format!("http://127.0.0.1:{port}/");
    let wrk = |secs: u64| {
        std::process::Command::new("wrk")
            .env("COOKIES", cookies)
            .args([
                format!("-t{}", run.threads),
                format!("-c{}", run.connections),
                format!("-d{secs}s"),
                "--latency".to_owned(),
                "-s".to_owned(),
                run.script.display().to_string(),
                url.clone(),
            ])
            .output()
    };
    if run.warmup > 0 {
        let _ = tokio::task::block_in_place(|| wrk(run.warmup))?;
    }
    let out = tokio::task::block_in_place(|| wrk(run.duration))?;
    ensure!(
        out.status.success(),
        "wrk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let figures = parse_wrk(&String::from_utf8_lossy(&out.stdout))?;
    child.start_kill()?;
    let _ = child.wait().await;
    eprintln!(
        "  {label:<52} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms{}",
        figures.rps,
        figures.p50_ms,
        figures.p99_ms,
        if figures.errors > 0 {
            format!("   ({} errors)", figures.errors)
        } else {
            String::new()
        }
    );
    Ok(figures)
}

/// A fresh database on the server at `admin_url` (dropped and re-created).
pub(crate) async fn fresh_pg(admin_url: &str, name: &str) -> Result<String> {
    let admin = connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await?;
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    Ok(format!("{base}/{name}"))
}

pub(crate) fn postgres_url() -> Option<String> {
    std::env::var("BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("TEST_POSTGRES_URL"))
        .ok()
        .filter(|u| !u.is_empty())
}

/// One server of the load table.
struct Server {
    label: &'static str,
    program: PathBuf,
    /// Arguments of the first instance (it creates the sessions).
    args: Vec<String>,
    /// The extra arguments of a second instance on the same database; `None`
    /// for bare axum (nothing to revoke).
    reuse: Option<Vec<String>>,
    cookies: PathBuf,
}

/// Starts `program` and waits for its `READY <port>` line.
async fn start(label: &str, program: &Path, args: &[String]) -> Result<(tokio::process::Child, u16)> {
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let port: u16 = loop {
        let Some(line) = tokio::time::timeout(Duration::from_secs(300), lines.next_line())
            .await
            .context("server start timed out")??
        else {
            bail!("{label}: server exited before it was ready");
        };
        if let Some(port) = line.strip_prefix("READY ") {
            break port.trim().parse()?;
        }
    };
    // Keep draining the server's stdout.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, port))
}

/// What a revocation on one instance does to the same cookie on a second
/// instance of the same server on the same database.
async fn revokes_across_instances(server: &Server) -> Result<String> {
    let Some(reuse) = &server.reuse else {
        return Ok("—".to_owned());
    };
    let (mut first, port_a) = start(server.label, &server.program, &server.args).await?;
    let mut second_args = server.args.clone();
    second_args.extend(reuse.iter().cloned());
    let (mut second, port_b) = start(server.label, &server.program, &second_args).await?;
    let cookie = std::fs::read_to_string(&server.cookies)?
        .lines()
        .next()
        .context("no cookies")?
        .to_owned();
    // Both instances have served the session (a cache would now hold it).
    for port in [port_a, port_b] {
        ensure!(
            !raw_request(port, "GET", &cookie).await?.is_empty(),
            "{}: the session is not signed in on port {port}",
            server.label
        );
    }
    raw_request(port_a, "POST", &cookie).await?;
    // The very next request on the other instance, then every 10 ms for 2 s.
    let started = std::time::Instant::now();
    let verdict = loop {
        let body = raw_request(port_b, "GET", &cookie).await?;
        if body.is_empty() {
            let ms = started.elapsed().as_millis();
            break if ms < 10 {
                "yes (its next request)".to_owned()
            } else {
                format!("after {ms} ms")
            };
        }
        if started.elapsed() > Duration::from_secs(2) {
            break "no (still signed in 2 s later)".to_owned();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    for child in [&mut first, &mut second] {
        child.start_kill()?;
        let _ = child.wait().await;
    }
    Ok(verdict)
}

/// The median of `xs` (sorted in place).
fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

async fn run_all(run: Run, baseline: PathBuf) -> Result<()> {
    let me = std::env::current_exe()?;
    std::fs::create_dir_all(&run.work)?;
    std::fs::write(
        &run.script,
        r#"-- Rotates the pre-created sessions: one Cookie header per line of $COOKIES.
local cookies = {}
for line in io.lines(os.getenv("COOKIES")) do cookies[#cookies + 1] = line end
local i = math.random(#cookies)
request = function()
  i = i % #cookies + 1
  return wrk.format("GET", "/", { ["Cookie"] = cookies[i] })
end
"#,
    )?;
    let mut backends = vec![("SQLite".to_owned(), None)];
    if let Some(url) = postgres_url() {
        backends.push(("PostgreSQL".to_owned(), Some(url)));
    }
    let mut report = String::new();
    writeln!(
        report,
        "| backend | server | req/s | p50 ms | p99 ms | revokes across two instances |\n|---|---|---:|---:|---:|---|"
    )?;
    let mut summary = Vec::new();
    let mut targets = Vec::new();
    for (name, admin_url) in backends {
        eprintln!(
            "{name}: {} sessions, wrk -t{} -c{} -d{}s (after {}s warm-up), median of {} interleaved rounds",
            run.sessions, run.threads, run.connections, run.duration, run.warmup, run.rounds
        );
        let pg = admin_url.is_some();
        // One database per server: each start adds its own sessions.
        let url = async |key: &str| -> Result<String> {
            match &admin_url {
                None => {
                    let file = run.work.join(format!("{key}.db"));
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
                    }
                    Ok(format!("sqlite://{}?mode=rwc", file.display()))
                }
                Some(admin) => fresh_pg(admin, &format!("ls_bench_{key}")).await,
            }
        };
        let n = run.sessions.to_string();
        let cookies = |k: &str| run.work.join(format!("cookies-{k}.txt"));
        let display = |p: &Path| p.display().to_string();
        let mut servers = vec![
            Server {
                label: "(a) bare axum",
                program: me.clone(),
                args: vec!["serve-bare".into(), n.clone(), display(&cookies("a"))],
                reuse: None,
                cookies: cookies("a"),
            },
            Server {
                label: "(b) tower-sessions + sqlx-store",
                program: baseline.clone(),
                args: vec![url("baseline").await?, n.clone(), display(&cookies("b"))],
                reuse: Some(vec!["--reuse".into()]),
                cookies: cookies("b"),
            },
            Server {
                label: "(b′) the same + CachingSessionStore (moka)",
                program: baseline.clone(),
                args: vec![url("cached").await?, n.clone(), display(&cookies("b2")), "--cached".into()],
                reuse: Some(vec!["--reuse".into()]),
                cookies: cookies("b2"),
            },
            Server {
                label: if pg {
                    "(c) leptos-sessions, default (cached, LISTEN/NOTIFY)"
                } else {
                    "(c) leptos-sessions, default (no cache)"
                },
                program: me.clone(),
                args: vec!["serve-ours".into(), url("ours").await?, n.clone(), display(&cookies("c"))],
                reuse: Some(vec!["--reuse".into()]),
                cookies: cookies("c"),
            },
        ];
        // On PostgreSQL `SingleInstance` is the default (the cache is kept
        // coherent either way); on SQLite it is the host's promise of one process.
        if !pg {
            servers.push(Server {
                label: "(c′) leptos-sessions, SingleInstance cache",
                program: me.clone(),
                args: vec![
                    "serve-ours".into(),
                    url("ours_single").await?,
                    n.clone(),
                    display(&cookies("c2")),
                    "--cache".into(),
                    "single".into(),
                ],
                reuse: Some(vec!["--reuse".into()]),
                cookies: cookies("c2"),
            });
        }
        let mut rounds: Vec<Vec<Figures>> = vec![Vec::new(); servers.len()];
        // Interleaved rounds: each round's servers run seconds apart, and the
        // median decides: the machine is shared, and a burst of someone
        // else's work should not decide a ratio.
        for round in 1..=run.rounds {
            eprintln!(" round {round}/{}", run.rounds);
            for (i, server) in servers.iter().enumerate() {
                let f = measure(&run, server.label, &server.program, &server.args, &server.cookies).await?;
                rounds[i].push(f);
            }
        }
        let mut medians = Vec::new();
        for (server, figures) in servers.iter().zip(&rounds) {
            let mut rps: Vec<f64> = figures.iter().map(|f| f.rps).collect();
            let m = median(&mut rps);
            // The round whose req/s is the median gives the latencies.
            let f = *figures.iter().find(|f| f.rps == m).context("median round")?;
            let revokes = revokes_across_instances(server).await?;
            eprintln!("  {:<52} revokes across two instances: {revokes}", server.label);
            writeln!(
                report,
                "| {name} | {} | {:.0} | {:.2} | {:.2} | {revokes} |",
                server.label, f.rps, f.p50_ms, f.p99_ms
            )?;
            medians.push(m);
        }
        let (a, b, b2, c) = (medians[0], medians[1], medians[2], medians[3]);
        let cached = medians.get(4).copied().unwrap_or(c);
        let cached_label = if pg { "default" } else { "SingleInstance" };
        let mut ratio = |what: String, value: f64, target: f64| {
            let met = value >= target;
            eprintln!("  {what} = {value:.2} (target ≥ {target}: {})", if met { "met" } else { "MISSED" });
            targets.push(format!(
                "TARGET\t{name}: {what}\t{value:.2}\t≥ {target}\t{}",
                if met { "met" } else { "missed" }
            ));
            format!("{what} = {value:.2} (≥ {target}: {})", if met { "met" } else { "missed" })
        };
        let lines = [
            ratio("default / uncached peer (c/b)".into(), c / b, 2.0),
            ratio("default / cached peer (c/b′)".into(), c / b2, 1.0),
            ratio(format!("{cached_label} / bare axum (c/a, with the cache)"), cached / a, 0.85),
        ];
        let mut extra = String::new();
        if !pg {
            extra = format!("; SingleInstance / cached peer (c′/b′) = {:.2}", cached / b2);
        }
        summary.push(format!("{name}: {}{extra}; medians of {} rounds", lines.join(", "), run.rounds));
    }
    println!("{report}");
    for line in &summary {
        println!("{line}");
    }
    for line in &targets {
        println!("{line}");
    }
    std::fs::write(
        run.work.join("load.md"),
        format!("{report}\n{}\n", summary.join("\n")),
    )?;
    Ok(())
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().context("missing argument");
    match args.first().map(String::as_str) {
        Some("serve-bare") => serve_bare(arg(1)?.parse()?, &arg(2)?).await,
        Some("serve-ours") => serve_ours(&arg(1)?, arg(2)?.parse()?, &arg(3)?, &args[4..]).await,
        Some("run") => {
            let work = PathBuf::from(flag(&args, "--work").unwrap_or_else(|| "target/bench".into()));
            let num =
                |name: &str, default: u64| flag(&args, name).and_then(|v| v.parse().ok()).unwrap_or(default);
            let run = Run {
                duration: num("--duration", 10),
                warmup: num("--warmup", 2),
                connections: u32::try_from(num("--connections", 32))?,
                threads: u32::try_from(num("--threads", 1))?,
                sessions: usize::try_from(num("--sessions", 1000))?,
                rounds: u32::try_from(num("--rounds", 3))?.max(1),
                script: work.join("rotate.lua"),
                work,
            };
            let baseline = PathBuf::from(flag(&args, "--baseline").context("--baseline <binary>")?);
            run_all(run, baseline).await
        }
        Some("parser") => parser::run(),
        Some("extras") => {
            let work = PathBuf::from(flag(&args, "--work").unwrap_or_else(|| "target/bench".into()));
            extras::run(&work).await
        }
        _ => bail!(
            "usage: leptos-sessions-load run --baseline <bin> [--work DIR] [--duration S] | extras [--work DIR]"
        ),
    }
}
