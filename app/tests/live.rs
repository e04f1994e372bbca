//! The live stream (`GET /api/sessions/events`) on every backend: a revoked
//! page hears "signed_out" at once and its reconnect is refused; the user's
//! other pages hear sign-ins and changes; streams are bounded; an idle
//! stream reads nothing; on PostgreSQL a revocation by another instance
//! reaches the stream too.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result};
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use common::{Device, MAC_CHROME, TestApp, WIN_FIREFOX};
use http_body_util::BodyExt as _;
use leptos_sessions::types::{SESSION_EVENTS_PATH, SessionEvent};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use tower::ServiceExt as _;

backend_tests!(
    a_revoked_page_hears_signed_out_at_once_and_its_reconnect_is_refused,
    other_pages_hear_sign_ins_and_changes_and_streams_are_bounded,
    an_idle_stream_reads_nothing,
    a_revocation_on_another_instance_reaches_the_stream,
);

const LINUX_FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0";

/// An open stream's body.
struct Stream {
    body: Body,
    pending: String,
}

async fn open(app: &axum::Router, device: &Device) -> Result<(StatusCode, Option<Stream>)> {
    let mut req = Request::get(SESSION_EVENTS_PATH)
        .header("host", "app.test")
        .header("accept", "text/event-stream")
        .header("cookie", device.cookie_header())
        .body(Body::empty())?;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([203, 0, 113, 7], 40000))));
    let res = tokio::time::timeout(Duration::from_secs(10), app.clone().oneshot(req))
        .await
        .context("the stream did not answer")??;
    let status = res.status();
    if status != StatusCode::OK {
        return Ok((status, None));
    }
    assert_eq!(
        res.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"text/event-stream"[..])
    );
    Ok((
        status,
        Some(Stream {
            body: res.into_body(),
            pending: String::new(),
        }),
    ))
}

impl Stream {
    /// The next event, `None` when the stream ended; keep-alive comments skipped.
    async fn next(&mut self) -> Result<Option<SessionEvent>> {
        self.next_within(Duration::from_secs(10)).await
    }

    async fn next_within(&mut self, wait: Duration) -> Result<Option<SessionEvent>> {
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return Ok(Some(serde_json::from_str(data)?));
                }
                continue;
            }
            let frame = tokio::time::timeout(wait, self.body.frame())
                .await
                .with_context(|| format!("no event within {wait:?}"))?;
            match frame {
                None => return Ok(None),
                Some(frame) => {
                    if let Ok(data) = frame?.into_data() {
                        self.pending.push_str(std::str::from_utf8(&data)?);
                    }
                }
            }
        }
    }

    /// Nothing arrives within `quiet`.
    async fn silent_for(&mut self, quiet: Duration) -> Result<()> {
        match tokio::time::timeout(quiet, self.next_within(quiet + Duration::from_secs(1))).await {
            Err(_) => Ok(()),
            Ok(event) => anyhow::bail!("unexpected event: {:?}", event?),
        }
    }
}

async fn a_revoked_page_hears_signed_out_at_once_and_its_reconnect_is_refused(
    db: DatabaseConnection,
) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut mac = app.device(MAC_CHROME);
    mac.login("ada").await?;
    // Twenty revocations: the delay from the revoking response to the
    // revoked page's event (printed; the end-to-end suite measures the
    // browser's).
    let mut delays = Vec::new();
    for _ in 0..20 {
        let mut pc = app.device(WIN_FIREFOX);
        let handle = pc.login("ada").await?;
        let (status, stream) = open(&app.router, &pc).await?;
        assert_eq!(status, StatusCode::OK);
        let mut stream = stream.unwrap();
        let started = Instant::now();
        let reply = mac.send("POST", &format!("/revoke/{handle}")).await?;
        assert_eq!(reply.status, StatusCode::NO_CONTENT);
        assert_eq!(stream.next().await?, Some(SessionEvent::SignedOut));
        delays.push(started.elapsed());
        assert_eq!(stream.next().await?, None, "the stream ends with its session");
        // Reconnecting with the revoked cookie is refused.
        let (status, _) = open(&app.router, &pc).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    delays.sort();
    println!(
        "live sign-out: revoke call to the revoked stream's event, median of 20: {:.2} ms (max {:.2} ms)",
        delays[10].as_secs_f64() * 1e3,
        delays[19].as_secs_f64() * 1e3
    );
    // Its own sign-out ends a page's stream too; the stream's place is freed.
    let (_, stream) = open(&app.router, &mac).await?;
    let mut stream = stream.unwrap();
    mac.send("POST", "/logout").await?;
    assert_eq!(stream.next().await?, Some(SessionEvent::SignedOut));
    drop(stream);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(app.sessions.live_streams(), 0);
    Ok(())
}

async fn other_pages_hear_sign_ins_and_changes_and_streams_are_bounded(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut mac = app.device(MAC_CHROME);
    mac.login("ada").await?;
    let (_, stream) = open(&app.router, &mac).await?;
    let mut mac_stream = stream.unwrap();

    let mut pc = app.device(WIN_FIREFOX);
    let handle = pc.login("ada").await?;
    match mac_stream.next().await.context("the sign-in")? {
        Some(SessionEvent::SignedIn { device, location, .. }) => {
            assert_eq!(device.english(), "Firefox 139 on Windows");
            assert_eq!(location, None, "no geo configured");
        }
        other => panic!("expected a sign-in, got {other:?}"),
    }
    // Someone else's sign-in is not Ada's business.
    app.device(LINUX_FIREFOX).login("grace").await?;
    mac_stream.silent_for(Duration::from_millis(300)).await?;
    // Another of Ada's sessions ends, or is renamed: the list changed.
    let reply = mac.send("POST", &format!("/rename/{handle}/Work%20PC")).await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        mac_stream.next().await.context("the rename")?,
        Some(SessionEvent::Changed)
    );
    mac.send("POST", &format!("/revoke/{handle}")).await?;
    assert_eq!(mac_stream.next().await?, Some(SessionEvent::Changed));

    // Bounded: 8 streams per user (the one above and 7 more), then 429.
    let mut open_streams = Vec::new();
    for _ in 0..7 {
        let (status, stream) = open(&app.router, &mac).await?;
        assert_eq!(status, StatusCode::OK);
        open_streams.push(stream);
    }
    let (status, _) = open(&app.router, &mac).await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    drop(open_streams);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (status, _) = open(&app.router, &mac).await?;
    assert_eq!(status, StatusCode::OK, "closed streams free their places");
    // Anonymous: 401, nothing held.
    let (status, _) = open(&app.router, &app.device(MAC_CHROME)).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    Ok(())
}

async fn an_idle_stream_reads_nothing(mut db: DatabaseConnection) -> Result<()> {
    let reads = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&reads);
    db.set_metric_callback(move |info| {
        if info.statement.sql.contains("leptos_session") {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let app = TestApp::new(db).await?;
    let mut mac = app.device(MAC_CHROME);
    mac.login("ada").await?;
    let (_, stream) = open(&app.router, &mac).await?;
    let mut stream = stream.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = reads.load(Ordering::SeqCst);
    // The counter sees this connection's statements (the sign-in's), so a 0 below means something.
    assert!(before > 0, "the metric callback counts the library's statements");
    // 3 s by default; LIVE_IDLE_SECONDS=60 measures a minute.
    let seconds = std::env::var("LIVE_IDLE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    stream.silent_for(Duration::from_secs(seconds)).await?;
    let idle = reads.load(Ordering::SeqCst) - before;
    println!("live stream: statements on the library's tables while idle for {seconds} s: {idle}");
    assert_eq!(idle, 0, "an idle stream reads nothing");
    Ok(())
}

async fn a_revocation_on_another_instance_reaches_the_stream(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db.clone()).await?;
    let mut pc = app.device(WIN_FIREFOX);
    pc.login("ada").await?;
    let (_, stream) = open(&app.router, &pc).await?;
    let mut stream = stream.unwrap();
    if db.get_database_backend() != DatabaseBackend::Postgres {
        // One instance on SQLite and MySQL: an admin call on this process.
        app.sessions.admin_revoke_all("ada").await?;
        assert_eq!(stream.next().await?, Some(SessionEvent::SignedOut));
        return Ok(());
    }
    // A second instance on the same PostgreSQL database (its own process
    // state: cache, hub, listener) ends every session of Ada.
    let other = TestApp::new(db).await?;
    let mut warm = other.device(MAC_CHROME);
    warm.login("grace").await?; // the other instance's layer runs once: its cache and fence start
    // Both listeners up (they connect in the background).
    for _ in 0..100 {
        if app.sessions.store().cache_live() && other.sessions.store().cache_live() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        app.sessions.store().cache_live(),
        "the first instance's listener is up"
    );
    // A sign-in on the other instance reaches Ada's open page here.
    other.device(MAC_CHROME).login("ada").await?;
    match stream.next().await.context("the other instance's sign-in")? {
        Some(SessionEvent::SignedIn { device, .. }) => assert_eq!(device.english(), "Chrome 137 on macOS"),
        other => panic!("expected a sign-in, got {other:?}"),
    }
    // A touch of the row (an UPDATE, notified to every instance) is no ending.
    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(pc.whoami().await?, "ada");
    stream
        .silent_for(Duration::from_millis(800))
        .await
        .context("a touch is not an ending")?;
    let started = Instant::now();
    other.sessions.admin_revoke_all("ada").await?;
    assert_eq!(stream.next().await?, Some(SessionEvent::SignedOut));
    println!(
        "live sign-out across instances (PostgreSQL NOTIFY): {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
