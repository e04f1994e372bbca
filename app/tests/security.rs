//! The JSON API's rules, admin functions, id hygiene (case 2), tampered
//! device cookies (case 5), the cross-site guard (case 24) and log hygiene
//! (case 30), through a real router on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::{
    collections::HashSet,
    io::Write,
    sync::{Arc, Mutex, OnceLock},
};

use anyhow::{Context as _, Result};
use axum::http::StatusCode;
use common::{MAC_CHROME, TestApp, WIN_FIREFOX};
use leptos_sessions::{
    server::{
        SessionHandle,
        json_api::{ApiError, Revoked},
    },
    types::{DeviceList, HistoryList},
};
use leptos_sessions_entity::{event, session};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

backend_tests!(
    admin_functions_end_a_users_sessions_with_admin_revoked,
    case02_no_id_in_urls_bodies_logs_or_database,
    case05_tampered_device_cookie_is_ignored,
    case23_revoke_all_racing_a_login_has_a_defined_outcome,
    case24_cross_site_post_is_forbidden,
    case27_forwarded_for_only_from_trusted_proxies,
    case27_truncated_mode_never_stores_a_full_ip,
    case33_client_written_forwarded_or_padding_never_becomes_the_recorded_ip,
    case34_http2_authority_passes_and_a_scheme_mismatch_is_refused,
    case30_auth_events_are_logged_without_secrets,
    json_api_follows_the_server_function_rules,
);

fn api_error(body: &str) -> Result<String> {
    Ok(serde_json::from_str::<ApiError>(body)
        .with_context(|| format!("not an API error: {body}"))?
        .error)
}

async fn json_api_follows_the_server_function_rules(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    let mut c = app.device(WIN_FIREFOX);
    let mut grace = app.device(WIN_FIREFOX);
    let mut anon = app.device(MAC_CHROME);
    let a_handle = a.login("ada").await?;
    let b_handle = b.login("ada").await?;
    c.login("ada").await?;
    let grace_handle = grace.login("grace").await?;

    // Anonymous: 401 with a code, never data.
    let reply = anon.send("GET", "/api/v1/sessions").await?;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api_error(&reply.body)?, "not_signed_in");

    let reply = a.send("GET", "/api/v1/sessions").await?;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers.get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let list: DeviceList = serde_json::from_str(&reply.body)?;
    assert_eq!(list.devices.len(), 3);
    assert_eq!(list.devices.iter().filter(|d| d.current).count(), 1);
    assert_eq!(list.devices[0].handle, a_handle);
    assert!(!reply.body.contains(&grace_handle));

    // Foreign and unknown handles: the same 404; malformed: 400; current: 409.
    let foreign = a
        .send("DELETE", &format!("/api/v1/sessions/{grace_handle}"))
        .await?;
    let unknown = a
        .send(
            "DELETE",
            &format!("/api/v1/sessions/{}", "0".repeat(grace_handle.len())),
        )
        .await?;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (foreign.status, foreign.body.clone()),
        (unknown.status, unknown.body)
    );
    assert_eq!(grace.whoami().await?, "grace");
    let malformed = a.send("DELETE", "/api/v1/sessions/..%2F..%2Fetc").await?;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(api_error(&malformed.body)?, "invalid_handle");
    let current = a.send("DELETE", &format!("/api/v1/sessions/{a_handle}")).await?;
    assert_eq!(current.status, StatusCode::CONFLICT);
    assert_eq!(api_error(&current.body)?, "current_session");

    // Revoke one: 204, and that device is out on its next request.
    let reply = a.send("DELETE", &format!("/api/v1/sessions/{b_handle}")).await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(b.whoami().await?, "");
    // Cross-site: refused by the guard, nothing changed.
    let reply = a
        .send_with(
            "POST",
            "/api/v1/sessions/revoke-others",
            &[("origin", "https://evil.example")],
        )
        .await?;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(c.whoami().await?, "ada");
    // Revoke the others: the count, and this one survives.
    let reply = a.send("POST", "/api/v1/sessions/revoke-others").await?;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Revoked>(&reply.body)?,
        Revoked { revoked: 1 }
    );
    assert_eq!(c.whoami().await?, "");
    assert_eq!(a.whoami().await?, "ada");

    // History: the same entries as the server function; limits validated.
    let reply = a.send("GET", "/api/v1/history?limit=2").await?;
    assert_eq!(reply.status, StatusCode::OK);
    let history: HistoryList = serde_json::from_str(&reply.body)?;
    assert_eq!(history.entries.len(), 2);
    for bad in ["limit=0", "limit=101", "limit=ten"] {
        let reply = a.send("GET", &format!("/api/v1/history?{bad}")).await?;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(api_error(&reply.body)?, "request");
    }
    // No state change on GET.
    assert_eq!(
        a.send("GET", "/api/v1/sessions/revoke-others").await?.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    Ok(())
}

async fn admin_functions_end_a_users_sessions_with_admin_revoked(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    let mut grace = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    let b_handle = b.login("ada").await?;
    grace.login("grace").await?;
    let rows = app.sessions.sessions_of("ada").await?;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.user_id.as_deref() == Some("ada")));

    // The login event links to its live row until the row ends.
    let login = event::Entity::find()
        .filter(event::Column::Kind.eq("login"))
        .filter(event::Column::SessionHandle.eq(b_handle.as_str()))
        .one(app.db())
        .await?
        .context("login event")?;
    assert!(app.sessions.live_session(&login).await?.is_some());

    // A foreign pair (grace's admin view, ada's handle) is not found.
    let b_handle = SessionHandle::parse(&b_handle)?;
    assert!(app.sessions.admin_revoke("grace", &b_handle).await.is_err());
    app.sessions.admin_revoke("ada", &b_handle).await?;
    assert_eq!(b.whoami().await?, "");
    assert!(app.sessions.live_session(&login).await?.is_none());
    assert_eq!(app.sessions.admin_revoke_all("ada").await?, 1);
    assert_eq!(a.whoami().await?, "");
    assert_eq!(grace.whoami().await?, "grace");
    let revoked = event::Entity::find()
        .filter(event::Column::Kind.eq("revoked"))
        .all(app.db())
        .await?;
    assert_eq!(revoked.len(), 2);
    assert!(
        revoked
            .iter()
            .all(|e| e.reason.as_deref() == Some("admin_revoked"))
    );
    Ok(())
}

/// Every log line of this test binary, captured once for all tests.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("trace,sqlx=warn,sea_orm=warn,hyper=warn,tower=warn")
            .with_ansi(false)
            .with_writer(move || BufferWriter(writer.clone()))
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buffer
    })
    .clone()
}

struct BufferWriter(Arc<Mutex<Vec<u8>>>);

impl Write for BufferWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A full journey; returns every secret value a client held, and every
/// response body and `Location`/`Set-Cookie`-free header value it saw.
async fn journey(app: &TestApp) -> Result<(HashSet<String>, Vec<String>)> {
    let mut secrets = HashSet::new();
    let mut seen = Vec::new();
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    let remember = |d: &common::Device, secrets: &mut HashSet<String>| {
        for value in d.jar.values() {
            secrets.insert(value.clone());
        }
    };
    a.send("POST", "/fail/ada@example.com").await?;
    let handle_a = a.login("ada").await?;
    remember(&a, &mut secrets);
    let handle_b = b.login("ada").await?;
    remember(&b, &mut secrets);
    for (on_b, method, path) in [
        (false, "GET", "/me".to_owned()),
        (false, "GET", "/devices".to_owned()),
        (false, "GET", "/api/v1/sessions".to_owned()),
        (false, "GET", "/history".to_owned()),
        (false, "POST", format!("/revoke/{handle_b}")),
        (false, "POST", "/login/ada".to_owned()),
        (false, "POST", "/logout".to_owned()),
        (true, "GET", "/me".to_owned()),
    ] {
        let d = if on_b { &mut b } else { &mut a };
        if method == "POST" {
            remember(d, &mut secrets);
        }
        let reply = d.send(method, &path).await?;
        seen.push(reply.body.clone());
        for (name, value) in &reply.headers {
            if name != "set-cookie" {
                seen.push(value.to_str().unwrap_or_default().to_owned());
            }
        }
    }
    remember(&a, &mut secrets);
    seen.push(handle_a);
    Ok((secrets, seen))
}

async fn case02_no_id_in_urls_bodies_logs_or_database(db: DatabaseConnection) -> Result<()> {
    // 10,000 generated ids and handles: no collision, 128 bits each.
    let ids: HashSet<i128> = (0..10_000)
        .map(|_| tower_sessions::session::Id::default().0)
        .collect();
    assert_eq!(ids.len(), 10_000);
    let handles: HashSet<String> = (0..10_000)
        .map(|_| leptos_sessions::server::fuzzing::new_device_id())
        .collect();
    assert_eq!(handles.len(), 10_000);

    let logs = captured_logs();
    let app = TestApp::new(db).await?;
    let (secrets, seen) = journey(&app).await?;
    let session_ids: Vec<&String> = secrets.iter().filter(|s| s.len() < 40).collect();
    assert!(!session_ids.is_empty());
    for id in &session_ids {
        for text in &seen {
            assert!(!text.contains(id.as_str()), "a session id leaked into a response");
        }
    }
    let rows = session::Entity::find().all(app.db()).await?;
    let events = event::Entity::find().all(app.db()).await?;
    let stored = format!("{rows:?}{events:?}");
    for secret in &secrets {
        assert!(
            !stored.contains(secret.as_str()),
            "a cookie value is stored in the database"
        );
    }
    let logs = String::from_utf8(logs.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.clone())?;
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a cookie value reached the logs");
    }
    Ok(())
}

async fn case05_tampered_device_cookie_is_ignored(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    let genuine = d.jar.get("__Host-device").cloned().context("device cookie")?;
    let first_device_id = session::Entity::find()
        .one(app.db())
        .await?
        .and_then(|r| r.device_id)
        .context("device id")?;
    // Flip characters of the id part and of the signature, and a foreign-key signature.
    let (id, sig) = genuine.split_once('.').context("signed cookie has id.sig")?;
    let tampered = [
        format!("{}.{sig}", id.chars().rev().collect::<String>()),
        format!("{id}.{}", sig.chars().rev().collect::<String>()),
        format!("{id}."),
        id.to_owned(),
        "x".repeat(5000),
    ];
    for forged in tampered {
        let mut e = app.device(MAC_CHROME);
        e.jar.insert("__Host-device".into(), forged.clone());
        assert_eq!(e.send("GET", "/last-login").await?.body, "null", "{forged}");
        e.login("ada").await?;
        // Not adopted: a fresh browser id was minted and the genuine row stays.
        let minted = e.jar.get("__Host-device").context("new device cookie")?;
        assert_ne!(minted, &forged);
        assert_eq!(
            d.whoami().await?,
            "ada",
            "the genuine browser's row was not replaced"
        );
    }
    let ids: HashSet<Option<String>> = session::Entity::find()
        .all(app.db())
        .await?
        .into_iter()
        .map(|r| r.device_id)
        .collect();
    assert!(ids.contains(&Some(first_device_id)));
    assert_eq!(ids.len(), 6);
    Ok(())
}

async fn case30_auth_events_are_logged_without_secrets(db: DatabaseConnection) -> Result<()> {
    let logs = captured_logs();
    let app = TestApp::new(db).await?;
    let (secrets, _) = journey(&app).await?;
    let short = session::Entity::find()
        .one(app.db())
        .await?
        .map(|r| r.id_hash[..12].to_owned());
    let logs = String::from_utf8(logs.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.clone())?;
    let auth_lines: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("signed in") || l.contains("signed out") || l.contains("session revoked"))
        .collect();
    assert!(auth_lines.iter().any(|l| l.contains("signed in")));
    assert!(auth_lines.iter().any(|l| l.contains("signed out")));
    assert!(auth_lines.iter().any(|l| l.contains("session revoked")));
    for line in &auth_lines {
        // UTC timestamp first, user id and the short session-id hash as fields.
        let stamp = line.split_whitespace().next().unwrap_or_default();
        assert!(stamp.ends_with('Z') && stamp.contains('T'), "UTC time: {line}");
        assert!(line.contains("user.id="), "user id: {line}");
        assert!(line.contains("session="), "session hash: {line}");
    }
    if let Some(short) = short {
        assert!(logs.contains(&short), "the live session's short hash is logged");
    }
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a cookie value reached the logs");
    }
    // Full hashes never: only 12-character prefixes.
    for row in session::Entity::find().all(app.db()).await? {
        assert!(!logs.contains(&row.id_hash));
    }
    Ok(())
}

async fn case27_truncated_mode_never_stores_a_full_ip(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.ip_mode = leptos_sessions::server::IpMode::Truncated).await?;
    let mut d = app.device(MAC_CHROME);
    d.ip = "::ffff:81.2.69.142".parse()?;
    d.send("POST", "/fail/ada@example.com").await?;
    d.login("ada").await?;
    // Activity from another address, past the touch interval: last_seen_ip too.
    app.clock.advance(std::time::Duration::from_secs(600));
    d.ip = "2001:db8:1234:5678:9abc:def0:1234:5678".parse()?;
    assert_eq!(d.whoami().await?, "ada");
    let row = session::Entity::find().one(app.db()).await?.context("row")?;
    assert_eq!(row.ip.as_deref(), Some("81.2.69.0"));
    assert_eq!(row.last_seen_ip.as_deref(), Some("2001:db8:1234::"));
    d.send("POST", "/logout").await?;
    let events = event::Entity::find().all(app.db()).await?;
    assert_eq!(events.len(), 3);
    for e in &events {
        let ip = e.ip.as_deref().context("event ip")?;
        assert!(
            ip == "81.2.69.0" || ip == "2001:db8:1234::",
            "{} stored {ip}",
            e.kind
        );
    }
    let everything = format!("{row:?}{events:?}");
    assert!(!everything.contains("69.142") && !everything.contains("9abc"));
    Ok(())
}

async fn case27_forwarded_for_only_from_trusted_proxies(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| {
        c.trusted_proxies = vec!["10.0.0.0/8".parse().expect("cidr")];
    })
    .await?;
    // Untrusted peer: its X-Forwarded-For is ignored.
    let mut direct = app.device(MAC_CHROME);
    direct.ip = "198.51.100.20".parse()?;
    direct
        .send_with("POST", "/login/ada", &[("x-forwarded-for", "1.2.3.4")])
        .await?;
    // Behind the trusted proxy: the right-most untrusted hop is the client.
    let mut proxied = app.device(WIN_FIREFOX);
    proxied.ip = "10.0.0.2".parse()?;
    proxied
        .send_with(
            "POST",
            "/login/grace",
            &[("x-forwarded-for", "6.6.6.6, 81.2.69.142, 10.0.0.9")],
        )
        .await?;
    let ada = app.sessions.sessions_of("ada").await?;
    let grace = app.sessions.sessions_of("grace").await?;
    assert_eq!(ada[0].ip.as_deref(), Some("198.51.100.20"));
    assert_eq!(grace[0].ip.as_deref(), Some("81.2.69.142"));
    Ok(())
}

async fn case23_revoke_all_racing_a_login_has_a_defined_outcome(db: DatabaseConnection) -> Result<()> {
    // Defined outcome: revoke-all ends every session that existed when it
    // read the user's rows; a login racing it either is among them (ended,
    // with a `revoked` event) or is created after (survives, listed). Never a
    // half state: a session is live iff its row exists, and a second
    // revoke-all always ends it.
    let app = TestApp::new(db).await?;
    for round in 0..10 {
        let mut old = app.device(MAC_CHROME);
        old.login("ada").await?;
        let mut racer = app.device(WIN_FIREFOX);
        let sessions = app.sessions.clone();
        let revoke = tokio::spawn(async move {
            sessions
                .revoke_all("ada", leptos_sessions::server::RevokeReason::AdminRevoked)
                .await
        });
        let login = racer.login("ada").await;
        let ended = revoke.await??;
        login?;
        assert_eq!(
            old.whoami().await?,
            "",
            "round {round}: the older session always ends"
        );
        let alive = racer.whoami().await? == "ada";
        let listed = app.sessions.sessions_of("ada").await?.len();
        assert_eq!(
            listed,
            usize::from(alive),
            "round {round}: live iff its row exists"
        );
        assert!((1..=2).contains(&ended), "round {round}: ended {ended}");
        app.sessions
            .revoke_all("ada", leptos_sessions::server::RevokeReason::AdminRevoked)
            .await?;
        assert_eq!(racer.whoami().await?, "");
    }
    Ok(())
}

async fn case24_cross_site_post_is_forbidden(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    let b_handle = b.login("ada").await?;
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
    ] {
        let reply = a
            .send_with("POST", &format!("/revoke/{b_handle}"), &headers)
            .await?;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}");
        let reply = a.send_with("POST", "/logout", &headers).await?;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let mut fresh = app.device(MAC_CHROME);
        let reply = fresh.send_with("POST", "/login/mallory", &headers).await?;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(b.whoami().await?, "ada");
    assert_eq!(a.whoami().await?, "ada");
    // Same origin passes.
    let reply = a
        .send_with(
            "POST",
            &format!("/revoke/{b_handle}"),
            &[("origin", "https://app.test")],
        )
        .await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    Ok(())
}

async fn case33_client_written_forwarded_or_padding_never_becomes_the_recorded_ip(
    db: DatabaseConnection,
) -> Result<()> {
    // The default source: the proxy appends to X-Forwarded-For.
    let app = TestApp::with_config(db, |c| {
        c.trusted_proxies = vec!["10.0.0.0/8".parse().expect("cidr")];
    })
    .await?;
    let padding = vec!["6.6.6.6"; 64].join(", ");
    let spoofs: [Vec<(&str, String)>; 3] = [
        // A client-written `Forwarded`, passed through by the proxy.
        vec![
            ("forwarded", "for=6.6.6.6".to_owned()),
            ("x-forwarded-for", "81.2.69.142".to_owned()),
        ],
        // 64 padding entries before the proxy's, in one line …
        vec![("x-forwarded-for", format!("{padding}, 81.2.69.142, 10.0.0.9"))],
        // … or in the client's own line.
        vec![
            ("x-forwarded-for", padding.clone()),
            ("x-forwarded-for", "81.2.69.142".to_owned()),
        ],
    ];
    for (i, headers) in spoofs.iter().enumerate() {
        let user = format!("user{i}");
        let mut d = app.device(WIN_FIREFOX);
        d.ip = "10.0.0.2".parse()?;
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = d.send_with("POST", &format!("/login/{user}"), &headers).await?;
        assert_eq!(reply.status, StatusCode::OK, "{headers:?}");
        let rows = app.sessions.sessions_of(&user).await?;
        assert_eq!(rows[0].ip.as_deref(), Some("81.2.69.142"), "{headers:?}");
        let events = event::Entity::find()
            .filter(event::Column::UserId.eq(user.as_str()))
            .all(app.db())
            .await?;
        assert!(!events.is_empty());
        assert!(
            events.iter().all(|e| e.ip.as_deref() == Some("81.2.69.142")),
            "{headers:?}"
        );
    }
    Ok(())
}

async fn case34_http2_authority_passes_and_a_scheme_mismatch_is_refused(
    db: DatabaseConnection,
) -> Result<()> {
    use axum::body::Body;
    use tower::ServiceExt as _;

    let app = TestApp::new(db).await?;
    // What hyper hands the router for an HTTP/2 request: the `:authority` in
    // the URI and no `Host` header.
    let post = |origin: &'static str, user: &str| {
        let mut req = axum::http::Request::post(format!("https://app.test/login/{user}"))
            .header("origin", origin)
            .header("sec-fetch-site", "same-origin")
            .header("user-agent", MAC_CHROME)
            .body(Body::empty())
            .expect("request");
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [203, 0, 113, 7],
                40000,
            ))));
        assert!(req.headers().get("host").is_none());
        app.router.clone().oneshot(req)
    };
    let reply = post("https://app.test", "ada").await?;
    assert_eq!(reply.status(), StatusCode::OK, "same origin over HTTP/2");
    for origin in ["http://app.test", "https://app.test:8443", "https://evil.example"] {
        let reply = post(origin, "mallory").await?;
        assert_eq!(reply.status(), StatusCode::FORBIDDEN, "{origin}");
    }
    // The same over HTTP/1.1 (`Host`): the scheme counts there too.
    let mut d = app.device(MAC_CHROME);
    let reply = d
        .send_with("POST", "/login/mallory", &[("origin", "http://app.test")])
        .await?;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(app.sessions.sessions_of("mallory").await?.is_empty());
    assert_eq!(app.sessions.sessions_of("ada").await?.len(), 1);
    Ok(())
}

/// Over a real HTTP/2 connection (h2c, prior knowledge): the browser's
/// `:authority` is the request's authority, there is no `Host`, and a
/// same-origin POST passes while a foreign or scheme-mismatched one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case34_same_origin_posts_pass_over_a_real_http2_connection() -> Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo};

    let app = TestApp::new(common::sqlite().await?).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let service = app
        .router
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, service).await });

    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut post = async |path: &str, origin: &str| -> Result<(http::Version, StatusCode)> {
        let req = http::Request::post(format!("http://{addr}{path}"))
            .header("origin", origin)
            .header("user-agent", MAC_CHROME)
            .body(http_body_util::Empty::<axum::body::Bytes>::new())?;
        assert!(req.headers().get("host").is_none());
        let res = sender.send_request(req).await?;
        Ok((res.version(), res.status()))
    };
    let own = format!("http://{addr}");
    assert_eq!(
        post("/login/ada", &own).await?,
        (http::Version::HTTP_2, StatusCode::OK),
        "same origin over HTTP/2"
    );
    for origin in [
        "https://evil.example",
        &format!("http://127.0.0.2:{}", addr.port()),
        "null",
    ] {
        assert_eq!(
            post("/login/mallory", origin).await?,
            (http::Version::HTTP_2, StatusCode::FORBIDDEN),
            "{origin}"
        );
    }
    server.abort();
    Ok(())
}
