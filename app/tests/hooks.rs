//! Hooks (new device, revocations, the events tee, repeated failures), the
//! re-authentication gate and the chaos test (every stage fails, sign-in
//! still works), on every backend. Time is injected; hooks are awaited
//! through channels, never slept on.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::{net::IpAddr, sync::Arc, time::Duration};

use anyhow::{Context as _, Result};
use common::{MAC_CHROME, TestApp, WIN_FIREFOX, recv};
use http::StatusCode;
use leptos_sessions::server::{
    DeviceInfo, DeviceParser, Event, GeoInfo, GeoLookup, Hooks, NewDevice, ReauthGate, RepeatedFailedLogins,
    RevokeReason, SessionRevoked,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};
use tokio::sync::mpsc;

backend_tests!(
    case20_reauthentication_gate_refuses_destructive_actions_until_passed,
    case31_chaos_every_stage_fails_and_sign_in_still_works,
    hooks_fire_for_new_devices_revocations_and_every_event,
    repeated_failed_logins_fire_exactly_once_when_crossed,
);

const HOUR: Duration = Duration::from_secs(3600);

/// Hooks run on their own tasks: "no (more) alert" means none arrived
/// within a generous settling time, not none yet at this instant.
async fn quiet<T: std::fmt::Debug>(rx: &mut mpsc::UnboundedReceiver<T>) -> Result<()> {
    match tokio::time::timeout(Duration::from_millis(500), rx.recv()).await {
        Err(_) | Ok(None) => Ok(()),
        Ok(Some(extra)) => anyhow::bail!("unexpected hook call: {extra:?}"),
    }
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
    quiet(&mut new_rx).await.context("exactly one new-device alert")?;
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
    quiet(&mut rx).await.context("4 in the window: not yet")?;
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
