//! The page people wait for: the demo's whole settings page (`GET /settings`,
//! HTML out through Leptos SSR — the queries, the render and the page's
//! serialized resources) for a user with 100 devices and 10,000 trail
//! events, through the demo's real router in-process (no HTTP).

use std::{net::SocketAddr, time::Instant};

use anyhow::{Context as _, Result, ensure};
use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use http_body_util::BodyExt as _;
use leptos_sessions_demo::host::{self, DemoConfig, SignInRate};
use tower::ServiceExt as _;

use crate::{
    CHROME, connect,
    extras::{bulk_events, percentile},
    set_cookies,
};

/// One request to the demo; status, the session cookies it set, body.
async fn demo_call(
    router: &Router,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> Result<(StatusCode, Vec<String>, String)> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1:3000")
        .header("user-agent", CHROME)
        .header("accept-language", "en-US,en;q=0.9");
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let body = match form {
        Some(form) => {
            req = req.header("content-type", "application/x-www-form-urlencoded");
            Body::from(form.to_owned())
        }
        None => Body::empty(),
    };
    let mut req = req.body(body)?;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let cookies = set_cookies(&res);
    let body = String::from_utf8(res.into_body().collect().await?.to_bytes().to_vec())?;
    Ok((status, cookies, body))
}

/// p50 of the whole settings page for Ada with 100 devices and 10,000 events.
pub(crate) async fn settings_page(url: &str) -> Result<(f64, f64, usize)> {
    let db = connect(url).await?;
    let config = DemoConfig {
        database_url: url.to_owned(),
        secret: Some("bench-secret-bench-secret-bench-secret-bench".into()),
        dev_insecure_cookies: true,
        seed: true,
        seed_history: false,
        geoip_db: Vec::new(),
    };
    let sessions = host::sessions(db.clone(), &config).await?;
    host::seed(&sessions, &config).await?;
    let router = host::router_with(
        host::leptos_options(),
        sessions.clone(),
        SignInRate {
            burst: 100_000,
            per_minute: 100_000,
        },
    );
    // 100 browsers sign in (the demo's own password form), the last one reads.
    let mut cookie = String::new();
    for _ in 0..100 {
        let (status, cookies, body) = demo_call(
            &router,
            "POST",
            "/auth/sign-in",
            None,
            Some("email=ada%40example.com&password=lovelace-1815"),
        )
        .await?;
        ensure!(status.is_redirection(), "sign-in answered {status}: {body}");
        ensure!(!cookies.is_empty(), "sign-in set no cookie");
        cookie = cookies.join("; ");
    }
    bulk_events(&db, 9_900, "u-ada", "login", sessions.now_ms() - 1000).await?;
    let (status, _, body) = demo_call(&router, "GET", "/settings", Some(&cookie), None).await?;
    ensure!(status == StatusCode::OK, "settings answered {status}");
    // Every device is on the page.
    let rows = body.matches(" data-handle=").count();
    ensure!(rows == 100, "the settings page shows {rows} device rows, not 100");
    let bytes = body.len();
    for _ in 0..20 {
        demo_call(&router, "GET", "/settings", Some(&cookie), None).await?;
    }
    let mut samples = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let (status, _, body) = demo_call(&router, "GET", "/settings", Some(&cookie), None).await?;
        ensure!(status == StatusCode::OK && body.len() > bytes / 2, "settings page answered {status}");
        samples.push(started.elapsed());
    }
    let p50 = percentile(&mut samples, 0.5);
    let p99 = percentile(&mut samples, 0.99);
    sessions.db().clone().close().await.context("closing")?;
    Ok((p50, p99, bytes))
}
