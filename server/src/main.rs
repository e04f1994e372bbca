//! The leptos-sessions demo server.

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use leptos_sessions_demo::host::{self, DemoConfig};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(version, about = "leptos-sessions demo host")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the demo (the default). Also sweeps hourly in the background.
    Serve,
    /// Run one retention/expiry sweep and print what it removed.
    Sweep,
    /// Add an account; the password is read from the first line of stdin
    /// (never from the command line, where `ps` would show it). Prints the
    /// new user's id.
    AddUser {
        /// The account's email (stored lower-cased).
        #[arg(long)]
        email: String,
        /// The name the header shows.
        #[arg(long)]
        name: String,
        /// Also write the seeded demo history (devices, failed attempts) for it.
        #[arg(long)]
        with_history: bool,
        /// Also record a failed sign-in with this email at this instant (ms
        /// since epoch; repeatable).
        #[arg(long = "failed-attempt-at", value_name = "MS")]
        failed_attempts_at: Vec<i64>,
    },
    /// Read user agents from stdin, one per line, and print one JSON object
    /// per line: browser, OS, device type and model, app, bot flag and the
    /// display name ("why is my device called Unknown?").
    Ua {
        /// A legacy native-app name to recognise (repeatable), as in
        /// `MyApp Android 1.0.5 (build 6; Android 14; sdk 34; Pixel 7)`.
        #[arg(long = "app", value_name = "NAME")]
        native_app_names: Vec<String>,
    },
    /// Read IP addresses from stdin, one per line, and print where the
    /// demo's geolocation (`GEOIP_DB`, then its seed table) places each, as
    /// one JSON object per line.
    Geo,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let cli = Cli::parse();
    let config = DemoConfig::from_env();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Ua { native_app_names } => parse_user_agents(native_app_names),
        Command::Geo => locate_addresses(&config),
        Command::AddUser {
            email,
            name,
            with_history,
            failed_attempts_at,
        } => add_user(config, &email, &name, with_history, &failed_attempts_at).await,
        Command::Sweep => {
            let db = host::connect(&config.database_url).await?;
            let sessions = host::sessions(db, &config).await?;
            let report = sessions.sweep().await?;
            println!(
                "expired sessions: {}, pruned sessions: {}, purged events: {}",
                report.expired_sessions, report.pruned_sessions, report.purged_events
            );
            Ok(())
        }
    }
}

async fn serve(config: DemoConfig) -> anyhow::Result<()> {
    let db = host::connect(&config.database_url).await?;
    let sessions = host::sessions(db.clone(), &config).await?;
    host::seed(&sessions, &config).await?;
    tokio::spawn({
        let sessions = sessions.clone();
        async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every.tick().await;
                if let Err(err) = sessions.sweep().await {
                    tracing::warn!(error = %err, "sweep failed; will retry");
                }
            }
        }
    });
    let options = host::leptos_options();
    let addr = options.site_addr;
    let app = host::router(options, sessions);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// The `add-user` subcommand.
async fn add_user(
    config: DemoConfig,
    email: &str,
    name: &str,
    with_history: bool,
    failed_attempts_at: &[i64],
) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from stdin")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let db = host::connect(&config.database_url).await?;
    let sessions = host::sessions(db, &config).await?;
    let id = host::add_user(
        &sessions,
        &config,
        email,
        name,
        password,
        with_history,
        failed_attempts_at,
    )
    .await?;
    println!("{id}");
    Ok(())
}

/// The `ua` subcommand: one JSON object per input line. Lines that are not
/// UTF-8 are read lossily; blank lines are skipped.
fn locate_addresses(config: &DemoConfig) -> anyhow::Result<()> {
    use std::io::{BufRead as _, Write as _};

    let geo = host::sessions_config(config)?
        .geo
        .context("the demo always configures a geolocation")?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading stdin")?;
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let json = match text.parse::<std::net::IpAddr>() {
            Ok(ip) => match geo.lookup(ip) {
                Some(g) => serde_json::json!({
                    "ip": text,
                    "country_code": g.country_code,
                    "country_name": g.country_name,
                    "region": g.region,
                    "city": g.city,
                    "city_names": g.city_names,
                    "latitude": g.latitude,
                    "longitude": g.longitude,
                    "label": g.label(),
                }),
                None => serde_json::json!({ "ip": text, "label": null }),
            },
            Err(_) => serde_json::json!({ "ip": text, "error": "not an IP address" }),
        };
        writeln!(out, "{json}")?;
    }
    out.flush()?;
    Ok(())
}

fn parse_user_agents(native_app_names: Vec<String>) -> anyhow::Result<()> {
    use std::io::{BufRead as _, Write as _};

    use leptos_sessions::server::{DeviceInfo, DeviceOptions};

    let options = DeviceOptions {
        native_app_names,
        client_hints: false,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in std::io::stdin().lock().split(b'\n') {
        let line = line.context("reading stdin")?;
        let line = String::from_utf8_lossy(&line);
        let ua = line.trim();
        if ua.is_empty() {
            continue;
        }
        let d = DeviceInfo::parse_with(ua, &[], &options);
        let json = serde_json::json!({
            "user_agent": ua,
            "browser_name": d.browser_name,
            "browser_version": d.browser_version,
            "os_name": d.os_name,
            "os_version": d.os_version,
            "device_type": d.device_type.as_str(),
            "device_model": d.device_model,
            "app_name": d.app_name,
            "app_version": d.app_version,
            "app_build": d.app_build,
            "bot": d.is_bot(),
            "display_name": d.display_name(),
        });
        match writeln!(out, "{json}") {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.context("writing stdout")?,
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing stdout"),
    }
}
