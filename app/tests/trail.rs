//! The trail's query API, history, the "Last used" lookup, hooks, the
//! re-authentication gate and the chaos test, on every backend. Time is
//! injected; hooks are awaited through channels, never slept on.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::{net::IpAddr, sync::Arc, time::Duration};

use anyhow::{Context as _, Result};
use common::{MAC_CHROME, TestApp, WIN_FIREFOX};
use http::StatusCode;
use leptos_sessions::{
    server::{
        DeviceInfo, DeviceParser, Event, GeoInfo, GeoLookup, Hooks, NewDevice, ReauthGate,
        RepeatedFailedLogins, RevokeReason, SessionRevoked, TrailGroup,
    },
    types::{AuthMethod, HistoryKind, HistoryList, LastLogin},
};
use leptos_sessions_entity::event;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};
use tokio::sync::mpsc;

backend_tests!(
    trail_queries_compose_for_triage,
    history_shows_own_events_and_own_identity_failures_only,
    last_login_reads_the_device_cookie_and_never_mints_it,
    geo_location_and_rounded_coordinates_are_recorded,
    hooks_fire_for_new_devices_revocations_and_every_event,
    repeated_failed_logins_fire_exactly_once_when_crossed,
    case20_reauthentication_gate_refuses_destructive_actions_until_passed,
    case31_chaos_every_stage_fails_and_sign_in_still_works,
    client_hints_and_native_apps_reach_the_device_row,
);

const HOUR: Duration = Duration::from_secs(3600);
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
        })
    }
}

async fn recv<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> Result<T> {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .context("hook did not fire")?
        .context("hook channel closed")
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

async fn hooks_fire_for_new_devices_revocations_and_every_event(db: DatabaseConnection) -> Result<()> {
    let (new_tx, mut new_rx) = mpsc::unbounded_channel::<NewDevice>();
    let (rev_tx, mut rev_rx) = mpsc::unbounded_channel::<SessionRevoked>();
    let (all_tx, mut all_rx) = mpsc::unbounded_channel::<Event>();
    let app = TestApp::with_config(db, move |c| {
        c.hooks = Hooks::default()
            .on_new_device(move |n| {
                let tx = new_tx.clone();
                async move {
                    let _ = tx.send(n);
                }
            })
            .on_session_revoked(move |r| {
                let tx = rev_tx.clone();
                async move {
                    let _ = tx.send(r);
                }
            })
            .events(move |e| {
                let tx = all_tx.clone();
                async move {
                    let _ = tx.send(e);
                }
            });
    })
    .await?;
    let mut mac = app.device(MAC_CHROME);
    mac.login("ada").await?; // first-ever login: not new
    let first = recv(&mut all_rx).await?;
    assert_eq!(first.kind, "login");
    assert!(first.id > 0, "hooks get persisted events");
    let mut win = app.device(WIN_FIREFOX);
    let handle = win.login("ada").await?;
    let new = recv(&mut new_rx).await?;
    assert_eq!(new.user_id, "ada");
    assert_eq!(new.session_handle, handle);
    assert_eq!(new.event.device_name.as_deref(), Some("Firefox 139 on Windows"));
    assert!(new.event.new_device);
    // The device list marks it too (and only it).
    let list = mac.devices().await?;
    let marked: Vec<&str> = list
        .devices
        .iter()
        .filter(|d| d.new_device)
        .map(|d| d.handle.as_str())
        .collect();
    assert_eq!(marked, vec![handle.as_str()]);
    // Same browser type again from another jar: coarse match, not new.
    let mut win2 = app.device(WIN_FIREFOX);
    win2.login("ada").await?;
    mac.send("POST", &format!("/revoke/{handle}")).await?;
    let revoked = recv(&mut rev_rx).await?;
    assert_eq!(revoked.reason, RevokeReason::UserRevoked);
    assert_eq!(revoked.session_handle, handle);
    assert_eq!(revoked.user_id.as_deref(), Some("ada"));
    // The tee saw every event written: 3 logins + 1 revocation.
    let mut kinds = vec![first.kind];
    for _ in 0..3 {
        kinds.push(recv(&mut all_rx).await?.kind);
    }
    kinds.sort();
    assert_eq!(kinds, vec!["login", "login", "login", "revoked"]);
    assert!(new_rx.try_recv().is_err(), "exactly one new-device alert");
    Ok(())
}

async fn repeated_failed_logins_fire_exactly_once_when_crossed(db: DatabaseConnection) -> Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<RepeatedFailedLogins>();
    let app = TestApp::with_config(db, move |c| {
        c.repeated_failed_logins = Some((5, 15 * 60 * Duration::from_secs(1)));
        c.hooks = Hooks::default().on_repeated_failed_logins(move |r| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(r);
            }
        });
    })
    .await?;
    let mut d = app.device(WIN_FIREFOX);
    for _ in 0..4 {
        d.send("POST", "/fail/victim@example.com").await?;
        d.send("POST", "/fail/other@example.com").await?;
    }
    // Outside the window: old failures do not count.
    app.clock.advance(HOUR);
    for _ in 0..4 {
        d.send("POST", "/fail/Victim@Example.com").await?;
    }
    assert!(rx.try_recv().is_err(), "4 in the window: not yet");
    d.send("POST", "/fail/victim@example.com").await?;
    let crossed = recv(&mut rx).await?;
    assert_eq!(crossed.identity, "victim@example.com");
    assert_eq!(crossed.count, 5);
    assert_eq!(crossed.event.kind, "failed_login");
    for _ in 0..5 {
        d.send("POST", "/fail/victim@example.com").await?;
    }
    // The tee-less hook had its chance for each of those; none fired.
    let extra = tokio::time::timeout(Duration::from_millis(300), rx.recv()).await;
    assert!(extra.is_err(), "fires once per crossing, not per attempt");
    Ok(())
}

async fn case20_reauthentication_gate_refuses_destructive_actions_until_passed(
    db: DatabaseConnection,
) -> Result<()> {
    let app = TestApp::with_config(db, |c| {
        c.require_reauthentication = Some(ReauthGate::new(|current| async move {
            // The host's "sudo mode": a flag in its own session data.
            current
                .session()
                .get::<i32>("cart")
                .await
                .ok()
                .flatten()
                .is_some()
        }));
    })
    .await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    let handle_b = b.login("ada").await?;
    let reply = a.send("POST", &format!("/revoke/{handle_b}")).await?;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.body, "reauth_required");
    assert_eq!(
        a.send("POST", "/revoke-others").await?.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(b.whoami().await?, "ada", "nothing changed");
    // After the host's confirmation step, the same actions pass.
    a.send("POST", "/cart").await?;
    assert_eq!(a.send("POST", "/revoke-others").await?.body, "1");
    assert_eq!(b.whoami().await?, "");
    Ok(())
}

struct PanickingParser;

impl DeviceParser for PanickingParser {
    fn parse(&self, _: &str, _: &[(String, String)]) -> DeviceInfo {
        panic!("chaos: parser")
    }
}

struct PanickingGeo;

impl GeoLookup for PanickingGeo {
    fn lookup(&self, _: IpAddr) -> Option<GeoInfo> {
        panic!("chaos: geo")
    }
}

async fn case31_chaos_every_stage_fails_and_sign_in_still_works(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| {
        c.device_parser = Some(Arc::new(PanickingParser));
        c.geo = Some(Arc::new(PanickingGeo));
        c.repeated_failed_logins = Some((1, HOUR));
        c.hooks = Hooks::default()
            .on_new_device(|_| async { panic!("chaos: on_new_device") })
            .on_session_revoked(|_| -> std::future::Ready<()> { panic!("chaos: on_session_revoked (sync)") })
            .on_repeated_failed_logins(|_| async { panic!("chaos: on_repeated_failed_logins") })
            .events(|_| async { panic!("chaos: events") });
    })
    .await?;
    let mut first = app.device(MAC_CHROME);
    first.login("ada").await?; // with a working trail: hooks panic
    // And now the trail itself is gone: every event write fails.
    app.db()
        .execute_unprepared("DROP TABLE leptos_session_events")
        .await?;

    let mut d = app.device(WIN_FIREFOX);
    d.send("POST", "/fail/ada@example.com").await?;
    let handle = d.login("ada").await.context("sign-in must succeed")?;
    assert_eq!(d.whoami().await?, "ada");
    let list = d.devices().await.context("devices page must render")?;
    assert_eq!(list.devices.len(), 2);
    assert_eq!(list.devices[0].name, "Unknown device");
    assert_eq!(list.devices[0].location, None);
    assert!(list.devices[0].current);
    assert_eq!(list.devices[0].handle, handle);
    // Revoking the other device works (and its panicking hook is contained).
    let other = &list.devices[1].handle;
    assert_eq!(
        d.send("POST", &format!("/revoke/{other}")).await?.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(first.whoami().await?, "");
    let reply = d.send("POST", "/logout").await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "logout must work");
    assert_eq!(d.whoami().await?, "");
    assert_eq!(
        leptos_sessions_entity::session::Entity::find()
            .count(app.db())
            .await?,
        0
    );
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
