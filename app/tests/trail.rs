//! The trail's query API, history, the "Last used" lookup, geolocation and
//! device columns of events, on every backend. Time is injected. (Hooks, the
//! re-authentication gate and the chaos test are in `hooks.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::{net::IpAddr, sync::Arc, time::Duration};

use anyhow::{Context as _, Result};
use common::{MAC_CHROME, TestApp, WIN_FIREFOX};
use http::StatusCode;
use leptos_sessions::{
    server::{GeoInfo, GeoLookup, TrailGroup},
    types::{AuthMethod, HistoryKind, HistoryList, LastLogin},
};
use leptos_sessions_entity::event;
use sea_orm::{DatabaseConnection, EntityTrait};

backend_tests!(
    case36_failed_logins_past_the_budget_are_counted_not_stored,
    case36_no_budget_stores_every_attempt,
    client_hints_and_native_apps_reach_the_device_row,
    geo_location_and_rounded_coordinates_are_recorded,
    history_shows_own_events_and_own_identity_failures_only,
    last_login_reads_the_device_cookie_and_never_mints_it,
    trail_queries_compose_for_triage,
);

const HOUR: Duration = Duration::from_secs(3600);

async fn case36_failed_logins_past_the_budget_are_counted_not_stored(db: DatabaseConnection) -> Result<()> {
    use leptos_sessions::server::{FailedLoginBudget, THROTTLED};
    let budget = FailedLoginBudget {
        per_ip: 8,
        per_identity: 5,
        window: Duration::from_secs(600),
        max_tracked: 100,
    };
    let app = TestApp::with_config(db, |c| c.failed_login_budget = Some(budget)).await?;
    let db = app.db();
    let trail = app.sessions.trail();
    let mut attacker = app.device(WIN_FIREFOX);
    attacker.ip = RUSSIA.parse()?;
    // 40 guesses at Ada's identity: 5 stored, 35 counted.
    for _ in 0..40 {
        attacker.send("POST", "/fail/ada@example.com").await?;
    }
    assert_eq!(trail.clone().failed_logins().count(db).await?, 5);
    // The same IP spraying other identities: 3 more stored (8 per IP), the rest counted.
    for n in 0..30 {
        attacker
            .send("POST", &format!("/fail/user{n}@example.com"))
            .await?;
    }
    assert_eq!(trail.clone().failed_logins().count(db).await?, 8);
    // Another client is unaffected by the attacker's budget.
    let mut ada = app.device(MAC_CHROME);
    ada.ip = SPAIN.parse()?;
    ada.send("POST", "/fail/grace@example.com").await?;
    assert_eq!(trail.clone().failed_logins().count(db).await?, 9);

    // The window closes: the next attempt (or the sweep) writes one
    // `throttled` row per exhausted budget, with the count.
    app.clock.advance(Duration::from_secs(601));
    app.sessions.sweep().await?;
    let throttled: Vec<event::Model> = event::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some(THROTTLED))
        .collect();
    assert_eq!(throttled.len(), 2, "{throttled:?}");
    let by_identity = throttled
        .iter()
        .find(|e| e.identity.is_some())
        .context("identity row")?;
    assert_eq!(by_identity.identity.as_deref(), Some("ada@example.com"));
    assert_eq!(by_identity.kind, "failed_login");
    assert!(
        by_identity
            .metadata
            .as_deref()
            .unwrap_or_default()
            .contains("\"attempts\":35"),
        "{by_identity:?}"
    );
    let by_ip = throttled
        .iter()
        .find(|e| e.identity.is_none())
        .context("ip row")?;
    assert_eq!(by_ip.ip.as_deref(), Some(RUSSIA));
    assert!(
        by_ip
            .metadata
            .as_deref()
            .unwrap_or_default()
            .contains("\"attempts\":27"),
        "{by_ip:?}"
    );
    // Written once: a second sweep adds nothing.
    app.sessions.sweep().await?;
    assert_eq!(trail.clone().failed_logins().count(db).await?, 11);

    // Ada sees the counted attempts in her history, with the count.
    ada.login("ada").await?;
    let history: HistoryList = serde_json::from_str(&ada.send("GET", "/history").await?.body)?;
    let line = history
        .entries
        .iter()
        .find(|e| e.reason.as_deref() == Some(THROTTLED))
        .context("throttled line in Ada's history")?;
    assert_eq!((line.kind, line.attempts), (HistoryKind::FailedLogin, Some(35)));
    // A new window stores attempts again.
    attacker.send("POST", "/fail/ada@example.com").await?;
    assert_eq!(trail.clone().failed_logins().count(db).await?, 12);
    Ok(())
}

async fn case36_no_budget_stores_every_attempt(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.failed_login_budget = None).await?;
    let mut attacker = app.device(WIN_FIREFOX);
    for _ in 0..60 {
        attacker.send("POST", "/fail/ada@example.com").await?;
    }
    assert_eq!(app.sessions.trail().failed_logins().count(app.db()).await?, 60);
    Ok(())
}
const SPAIN: &str = "83.45.112.7";
const RUSSIA: &str = "95.173.136.70";

/// A fixed geolocation table standing in for a `.mmdb` (the MaxMind reader
/// has its own tests on a real database file).
struct TableGeo;

impl GeoLookup for TableGeo {
    fn lookup(&self, ip: IpAddr) -> Option<GeoInfo> {
        let (code, name, city, lat, lon) = match ip.to_string().as_str() {
            SPAIN => ("ES", "Spain", "Madrid", 40.416_775, -3.703_790),
            RUSSIA => ("RU", "Russia", "Moscow", 55.755_826, 37.617_300),
            _ => return None,
        };
        Some(GeoInfo {
            country_code: Some(code.into()),
            country_name: Some(name.into()),
            region: None,
            city: Some(city.into()),
            latitude: Some(lat),
            longitude: Some(lon),
            ..GeoInfo::default()
        })
    }
}

async fn trail_queries_compose_for_triage(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.geo = Some(Arc::new(TableGeo))).await?;
    let mut attacker = app.device(WIN_FIREFOX);
    attacker.ip = RUSSIA.parse()?;
    let mut ada = app.device(MAC_CHROME);
    ada.ip = SPAIN.parse()?;

    // Two days ago: one failure from Spain.
    ada.send("POST", "/fail/Ada@Example.com").await?;
    app.clock.advance(48 * HOUR);
    for _ in 0..3 {
        attacker.send("POST", "/fail/%20ADA@example.com%20").await?;
    }
    attacker.send("POST", "/fail/nobody@example.com").await?;
    ada.login("ada").await?;
    attacker.send("POST", "/login-oauth/mallory").await?;

    let db = app.db();
    let trail = app.sessions.trail();
    assert_eq!(trail.clone().failed_logins().count(db).await?, 5);
    assert_eq!(trail.clone().failed_logins().last_24_hours().count(db).await?, 4);
    assert_eq!(trail.clone().failed_logins().last_days(3).count(db).await?, 5);
    let per_ip = trail
        .clone()
        .failed_logins()
        .last_24_hours()
        .count_by(TrailGroup::Ip, db)
        .await?;
    assert_eq!(per_ip, vec![(Some(RUSSIA.to_owned()), 4)]);
    // Identity as typed, normalized on both sides: successes and failures.
    let ada_events = trail
        .clone()
        .for_identity("ada@EXAMPLE.com")
        .recent()
        .all(db)
        .await?;
    assert_eq!(ada_events.len(), 5);
    assert_eq!(ada_events[0].kind, "login");
    assert!(
        ada_events
            .iter()
            .all(|e| e.identity.as_deref() == Some("ada@example.com"))
    );
    assert_eq!(trail.clone().by_country("ru").logins().count(db).await?, 1);
    assert_eq!(trail.clone().by_country("ES").count(db).await?, 2);
    assert_eq!(
        trail.clone().for_ip(&format!("::ffff:{SPAIN}")).count(db).await?,
        2
    );
    assert_eq!(
        trail
            .clone()
            .with_method(AuthMethod::Oauth)
            .logins()
            .count(db)
            .await?,
        1
    );
    assert_eq!(trail.clone().logins().for_user("ada").count(db).await?, 1);
    let start = app.sessions.now_ms() - 48 * 3_600_000 - 1_800_000;
    assert_eq!(
        trail.clone().between(start, start + 3_600_000).count(db).await?,
        1
    );
    assert_eq!(trail.clone().logouts().count(db).await?, 0);
    assert_eq!(
        trail.clone().new_devices().count(db).await?,
        0,
        "first logins are never new"
    );
    let kinds = trail.clone().count_by(TrailGroup::Kind, db).await?;
    assert_eq!(
        kinds,
        vec![(Some("failed_login".into()), 5), (Some("login".into()), 2)]
    );
    let limited = trail.recent().limit(2).all(db).await?;
    assert_eq!(limited.len(), 2);
    assert!(limited[0].occurred_at >= limited[1].occurred_at);
    Ok(())
}

async fn history_shows_own_events_and_own_identity_failures_only(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut stranger = app.device(WIN_FIREFOX);
    stranger.send("POST", "/fail/ADA@example.com").await?;
    stranger.send("POST", "/fail/grace@example.com").await?;
    app.clock.advance(HOUR);
    let mut a = app.device(MAC_CHROME);
    a.login("ada").await?;
    let mut b = app.device(WIN_FIREFOX);
    b.login("ada").await?;
    let mut grace = app.device(WIN_FIREFOX);
    grace.login("grace").await?;
    app.clock.advance(HOUR);
    a.send("POST", "/revoke-others").await?;

    let reply = a.send("GET", "/history").await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let history: HistoryList = serde_json::from_str(&reply.body)?;
    let kinds: Vec<HistoryKind> = history.entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            HistoryKind::Revoked,
            HistoryKind::Login,
            HistoryKind::Login,
            HistoryKind::FailedLogin
        ]
    );
    assert_eq!(history.entries[0].reason.as_deref(), Some("logout_everywhere"));
    assert_eq!(history.entries[3].reason.as_deref(), Some("invalid_password"));
    assert_eq!(
        history.entries[1].device_name.as_deref(),
        Some("Firefox 139 on Windows")
    );
    // Nothing about grace; nothing secret on the wire.
    assert!(!reply.body.contains("grace"));
    assert!(!reply.body.contains("203.0.113.7"));
    // Anonymous callers get no history.
    let mut anon = app.device(MAC_CHROME);
    assert_eq!(
        anon.send("GET", "/history").await?.status,
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

async fn last_login_reads_the_device_cookie_and_never_mints_it(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let reply = d.send("GET", "/last-login").await?;
    assert_eq!(reply.body, "null");
    assert!(
        reply
            .set_cookies()
            .iter()
            .all(|c| !c.starts_with("__Host-device="))
    );
    assert!(!d.jar.contains_key("__Host-device"));

    d.login("ada").await?;
    d.send("POST", "/logout").await?;
    let last: Option<LastLogin> = serde_json::from_str(&d.send("GET", "/last-login").await?.body)?;
    let last = last.context("last login after sign-out")?;
    assert_eq!(last.method, "password");
    assert!(last.matches("password", None));
    assert!(!last.matches("oauth", Some("google")));

    app.clock.advance(HOUR);
    d.send("POST", "/login-oauth/ada").await?;
    d.send("POST", "/logout").await?;
    let last: Option<LastLogin> = serde_json::from_str(&d.send("GET", "/last-login").await?.body)?;
    assert!(last.is_some_and(|l| l.matches("oauth", Some("google"))));

    // A tampered device cookie reads as none.
    let genuine = d.jar.get("__Host-device").cloned().context("device cookie")?;
    let mut forged = app.device(MAC_CHROME);
    forged.jar.insert(
        "__Host-device".into(),
        format!("{}x", genuine.trim_end_matches('x')),
    );
    assert_eq!(forged.send("GET", "/last-login").await?.body, "null");
    Ok(())
}

async fn geo_location_and_rounded_coordinates_are_recorded(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.geo = Some(Arc::new(TableGeo))).await?;
    let mut d = app.device(MAC_CHROME);
    d.ip = SPAIN.parse()?;
    d.login("ada").await?;
    let list = d.devices().await?;
    assert_eq!(list.devices[0].location.as_deref(), Some("Madrid, Spain"));
    assert_eq!(list.devices[0].country_code.as_deref(), Some("ES"));
    let login = event::Entity::find().one(app.db()).await?.context("event")?;
    assert_eq!(login.latitude, Some(40.42));
    assert_eq!(login.longitude, Some(-3.7));
    assert_eq!(
        login.source_line(true),
        "🇪🇸 Madrid, Spain · IP 83.45.112.7 · Chrome 137 on macOS"
    );
    assert_eq!(login.source_line(false), "🇪🇸 Madrid, Spain · Chrome 137 on macOS");
    let summary = serde_json::to_value(login.summary())?;
    assert_eq!(summary["event"], "login");
    assert_eq!(summary["country"], "ES");
    assert!(summary.get("user_agent").is_none(), "no raw blobs in the summary");
    // An IP the database does not know: no location, nothing invented.
    let mut elsewhere = app.device(WIN_FIREFOX);
    elsewhere.ip = "192.0.2.1".parse()?;
    elsewhere.login("grace").await?;
    assert_eq!(elsewhere.devices().await?.devices[0].location, None);
    Ok(())
}

async fn client_hints_and_native_apps_reach_the_device_row(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.request_client_hints = true).await?;
    let android = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36";
    let mut phone = app.device(android);
    // The layer asks for the hints on every answer...
    let reply = phone.send("GET", "/me").await?;
    let accept_ch = reply
        .headers
        .get("accept-ch")
        .and_then(|v| v.to_str().ok())
        .context("Accept-CH")?;
    assert!(accept_ch.contains("Sec-CH-UA-Model"));
    // ...and the login uses them: the real model and version, not "K" / 10.
    let reply = phone
        .send_with(
            "POST",
            "/login/ada",
            &[
                ("sec-ch-ua-model", "\"Pixel 8\""),
                ("sec-ch-ua-platform-version", "\"16.0.0\""),
                ("sec-ch-ua-mobile", "?1"),
            ],
        )
        .await?;
    assert_eq!(reply.status, StatusCode::OK);
    let row = &app.sessions.sessions_of("ada").await?[0];
    assert_eq!(row.device_model.as_deref(), Some("Pixel 8"));
    assert_eq!(row.os_version.as_deref(), Some("16"));
    assert!(row.client_hints.as_deref().is_some_and(|h| h.contains("Pixel 8")));

    let mut native = app.device("MyApp/2.4.1 (iPhone15,2; iOS 19.5; build 241); Mozilla/5.0 (iPhone; CPU iPhone OS 19_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Hotwire Native iOS");
    native.login("grace").await?;
    let list = native.devices().await?;
    assert_eq!(list.devices[0].name, "MyApp 2.4.1 on iPhone15,2 (iOS 19.5)");
    assert_eq!(
        list.devices[0].device_type,
        leptos_sessions::types::DeviceType::NativeIos
    );
    let row = &app.sessions.sessions_of("grace").await?[0];
    assert_eq!(row.app_build.as_deref(), Some("241"));
    Ok(())
}
