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
