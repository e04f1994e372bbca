//! "This wasn't me" links (security case 40) on every backend: issued with
//! new-device alerts, stored hashed, single-use, expiring, refused with one
//! answer when replayed, altered, expired or another account's, confirmed
//! signed out, and never acted on by a GET or a cross-site POST.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::time::Duration;

use anyhow::Result;
use common::{MAC_CHROME, TestApp, WIN_FIREFOX, recv};
use http::StatusCode;
use leptos_sessions::{
    server::{Disavowed, Hooks, NewDevice},
    types::{DisavowDetails, DisavowOutcome, HistoryKind},
};
use leptos_sessions_entity::{disavowal, event};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

backend_tests!(
    case40_a_link_is_single_use_expiring_stored_hashed_and_refused_with_one_answer,
    confirming_everywhere_ends_every_session_and_racing_confirmations_act_once,
    links_are_issued_only_for_a_new_device_hook_and_erased_with_the_user,
    a_confirmation_without_javascript_is_reported_on_the_page_it_returns_to,
);

const LINUX_CHROME: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36";
const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";

struct Alerts {
    new: mpsc::UnboundedReceiver<NewDevice>,
    disowned: mpsc::UnboundedReceiver<Disavowed>,
}

async fn app_with_alerts(db: DatabaseConnection) -> Result<(TestApp, Alerts)> {
    let (new_tx, new) = mpsc::unbounded_channel();
    let (dis_tx, disowned) = mpsc::unbounded_channel();
    let app = TestApp::with_config(db, move |c| {
        c.hooks = Hooks::default()
            .on_new_device(move |n| {
                let tx = new_tx.clone();
                async move {
                    let _ = tx.send(n);
                }
            })
            .on_disavowed(move |d| {
                let tx = dis_tx.clone();
                async move {
                    let _ = tx.send(d);
                }
            });
    })
    .await?;
    Ok((app, Alerts { new, disowned }))
}

/// The token of the link a new-device alert carries.
fn token_of(new: &NewDevice) -> String {
    let url = new
        .disavow_url("https://app.test/sessions/disavow")
        .expect("a link");
    let token = url
        .strip_prefix("https://app.test/sessions/disavow?token=")
        .expect("the token is the link's query");
    token.to_owned()
}

/// Ada on her Mac, then a new device (a Windows PC): the alert's link.
async fn ada_and_a_stranger(
    app: &TestApp,
    alerts: &mut Alerts,
) -> Result<(common::Device, common::Device, String)> {
    let mut mac = app.device(MAC_CHROME);
    mac.login("ada").await?;
    let mut stranger = app.device(WIN_FIREFOX);
    stranger.login("ada").await?;
    let new = recv(&mut alerts.new).await?;
    Ok((mac, stranger, token_of(&new)))
}

async fn refused(device: &mut common::Device, method: &str, path: &str) -> Result<()> {
    let reply = device.send(method, path).await?;
    anyhow::ensure!(
        reply.status == StatusCode::NOT_FOUND && reply.body == "invalid_link",
        "{method} {path}: expected the one refusal, got {} {}",
        reply.status,
        reply.body
    );
    Ok(())
}

async fn case40_a_link_is_single_use_expiring_stored_hashed_and_refused_with_one_answer(
    db: DatabaseConnection,
) -> Result<()> {
    let (app, mut alerts) = app_with_alerts(db).await?;
    let (mut mac, mut stranger, token) = ada_and_a_stranger(&app, &mut alerts).await?;

    // Stored hashed: the row is keyed by the token's SHA-256 and holds no
    // part of the token.
    let rows = disavowal::Entity::find().all(app.db()).await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].token_hash, hex::encode(Sha256::digest(token.as_bytes())));
    let (random, _signature) = token.split_once('.').unwrap();
    assert!(!format!("{rows:?}").contains(random), "the token is not stored");
    assert_eq!(rows[0].user_id, "ada");

    // The page works signed out and changes nothing (a GET, twice).
    let mut reader = app.device(MAC_CHROME);
    for _ in 0..2 {
        let reply = reader.send("GET", &format!("/disavow/{token}")).await?;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let details: DisavowDetails = serde_json::from_str(&reply.body)?;
        let sign_in = details.sign_in.expect("the sign-in is shown");
        assert_eq!(sign_in.kind, HistoryKind::Login);
        assert_eq!(sign_in.device_name.as_deref(), Some("Firefox 139 on Windows"));
        assert!(details.done.is_none());
    }
    assert_eq!(stranger.whoami().await?, "ada", "a GET ended nothing");
    assert_eq!(
        disavowal::Entity::find().count(app.db()).await?,
        1,
        "a GET used nothing up"
    );

    // Altered, made-up, truncated and oversized tokens: the one answer,
    // nothing changed.
    let mut altered = token.clone().into_bytes();
    altered[3] = if altered[3] == b'a' { b'b' } else { b'a' };
    let altered = String::from_utf8(altered)?;
    let signature_cut = &token[..token.len() - 2];
    let made_up = format!("{}.{}", "0".repeat(32), "A".repeat(43));
    let oversized = "a".repeat(4000);
    for bad in [
        altered.as_str(),
        signature_cut,
        made_up.as_str(),
        random,
        "x",
        oversized.as_str(),
    ] {
        refused(&mut reader, "GET", &format!("/disavow/{bad}")).await?;
        refused(&mut reader, "POST", &format!("/disavow/{bad}/one")).await?;
    }
    // Another account's reader (Grace, signed in) gets the same answer.
    let mut grace = app.device(LINUX_CHROME);
    grace.login("grace").await?;
    refused(&mut grace, "GET", &format!("/disavow/{token}")).await?;
    refused(&mut grace, "POST", &format!("/disavow/{token}/all")).await?;
    // A cross-site POST never reaches it.
    let reply = reader
        .send_with(
            "POST",
            &format!("/disavow/{token}/one"),
            &[("origin", "https://evil.test")],
        )
        .await?;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(stranger.whoami().await?, "ada", "refusals ended nothing");

    // Confirmed, signed out: that session ends on its next request; Ada's
    // Mac stays signed in.
    let reply = reader.send("POST", &format!("/disavow/{token}/one")).await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let outcome: DisavowOutcome = serde_json::from_str(&reply.body)?;
    assert_eq!(
        outcome,
        DisavowOutcome {
            everywhere: false,
            ended: 1
        }
    );
    assert_eq!(stranger.whoami().await?, "", "the disowned session is out");
    assert_eq!(mac.whoami().await?, "ada");
    let disowned = recv(&mut alerts.disowned).await?;
    assert_eq!(
        (disowned.user_id.as_str(), disowned.ended, disowned.everywhere),
        ("ada", 1, false)
    );
    let revoked = event::Entity::find()
        .filter(event::Column::Kind.eq("revoked"))
        .filter(event::Column::SessionHandle.eq(disowned.session_handle.as_str()))
        .all(app.db())
        .await?;
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].reason.as_deref(), Some("disavowed"));
    assert_eq!(disowned.event.map(|e| e.kind).as_deref(), Some("login"));

    // Used: replay gets the one answer, from anyone.
    refused(&mut reader, "GET", &format!("/disavow/{token}")).await?;
    refused(&mut reader, "POST", &format!("/disavow/{token}/one")).await?;
    refused(&mut mac, "POST", &format!("/disavow/{token}/all")).await?;
    assert_eq!(mac.whoami().await?, "ada", "a replay ended nothing");

    // Expiring: a link works until its lifetime is over, then the sweep
    // removes it.
    let mut phone = app.device(IPHONE);
    phone.login("ada").await?;
    let late = token_of(&recv(&mut alerts.new).await?);
    app.clock.advance(Duration::from_secs(7 * 24 * 3600 - 60));
    let reply = reader.send("GET", &format!("/disavow/{late}")).await?;
    assert_eq!(reply.status, StatusCode::OK, "still valid a minute before expiry");
    app.clock.advance(Duration::from_secs(61));
    refused(&mut reader, "GET", &format!("/disavow/{late}")).await?;
    refused(&mut reader, "POST", &format!("/disavow/{late}/one")).await?;
    let report = app.sessions.sweep().await?;
    assert_eq!(report.expired_links, 1);
    assert_eq!(disavowal::Entity::find().count(app.db()).await?, 0);
    Ok(())
}

async fn confirming_everywhere_ends_every_session_and_racing_confirmations_act_once(
    db: DatabaseConnection,
) -> Result<()> {
    let (app, mut alerts) = app_with_alerts(db).await?;
    let (mut mac, mut stranger, token) = ada_and_a_stranger(&app, &mut alerts).await?;
    let mut linux = app.device(LINUX_CHROME);
    linux.login("ada").await?;
    let _ = recv(&mut alerts.new).await?;
    // Ada herself, signed in on the Mac, chooses "every session".
    let reply = mac.send("POST", &format!("/disavow/{token}/all")).await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let outcome: DisavowOutcome = serde_json::from_str(&reply.body)?;
    assert_eq!(
        outcome,
        DisavowOutcome {
            everywhere: true,
            ended: 3
        }
    );
    for device in [&mut mac, &mut stranger, &mut linux] {
        assert_eq!(device.whoami().await?, "");
    }
    let disowned = recv(&mut alerts.disowned).await?;
    assert!(disowned.everywhere);
    assert_eq!(disowned.ended, 3);

    // Eight confirmations of one link at once: exactly one acts.
    let mut again = app.device(MAC_CHROME);
    again.login("ada").await?;
    let mut other = app.device(ANDROID_CHROME); // a device Ada never used
    other.login("ada").await?;
    let token = token_of(&recv(&mut alerts.new).await?);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let mut reader = app.device(IPHONE);
        let path = format!("/disavow/{token}/one");
        tasks.push(tokio::spawn(async move { reader.send("POST", &path).await }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await??.status);
    }
    let acted = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::NOT_FOUND).count();
    assert_eq!((acted, refused), (1, 7), "{statuses:?}");
    assert_eq!(other.whoami().await?, "");
    assert_eq!(again.whoami().await?, "ada");
    let _ = recv(&mut alerts.disowned).await?;
    Ok(())
}

async fn links_are_issued_only_for_a_new_device_hook_and_erased_with_the_user(
    db: DatabaseConnection,
) -> Result<()> {
    // No hook, no link: nobody could hand it over.
    let app = TestApp::new(db.clone()).await?;
    app.device(MAC_CHROME).login("ada").await?;
    app.device(WIN_FIREFOX).login("ada").await?;
    assert_eq!(disavowal::Entity::find().count(app.db()).await?, 0);

    // Links switched off: the alert comes without one.
    let (tx, mut rx) = mpsc::unbounded_channel::<NewDevice>();
    let off = TestApp::with_config(db.clone(), move |c| {
        c.disavow_link_lifetime = None;
        c.hooks = Hooks::default().on_new_device(move |n| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(n);
            }
        });
    })
    .await?;
    off.device(LINUX_CHROME).login("ada").await?;
    let new = recv(&mut rx).await?;
    assert!(new.disavow.is_none());
    assert!(new.disavow_url("https://app.test/d").is_none());

    // Erasing the user erases their unused links.
    let (app, mut alerts) = app_with_alerts(db).await?;
    app.device(IPHONE).login("ada").await?;
    let token = token_of(&recv(&mut alerts.new).await?);
    assert_eq!(disavowal::Entity::find().count(app.db()).await?, 1);
    app.sessions.forget("ada", &["ada@example.com"]).await?;
    assert_eq!(disavowal::Entity::find().count(app.db()).await?, 0);
    refused(&mut app.device(MAC_CHROME), "GET", &format!("/disavow/{token}")).await?;
    Ok(())
}

async fn a_confirmation_without_javascript_is_reported_on_the_page_it_returns_to(
    db: DatabaseConnection,
) -> Result<()> {
    let (app, mut alerts) = app_with_alerts(db).await?;
    let (_mac, mut stranger, token) = ada_and_a_stranger(&app, &mut alerts).await?;
    let mut reader = app.device(IPHONE);
    let page = format!("https://app.test/sessions/disavow?token={token}");
    let reply = reader
        .post_form(&format!("/disavow/{token}/all"), "", "https://app.test", &page)
        .await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("__Host-notice=") && c.contains("HttpOnly")),
        "{:?}",
        reply.set_cookies()
    );
    // Back on the page (the token is used up): it says what happened, once.
    let reply = reader.send("GET", &format!("/disavow/{token}")).await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let details: DisavowDetails = serde_json::from_str(&reply.body)?;
    assert_eq!(
        details.done,
        Some(DisavowOutcome {
            everywhere: true,
            ended: 2
        })
    );
    assert!(details.sign_in.is_none());
    refused(&mut reader, "GET", &format!("/disavow/{token}")).await?;
    assert_eq!(stranger.whoami().await?, "");
    Ok(())
}
