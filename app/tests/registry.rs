//! The registry and the per-request lifecycle, through a real router, on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::sync::Arc;

use anyhow::Result;
use axum::http::StatusCode;
use common::{MAC_CHROME, TestApp, WIN_FIREFOX};
use leptos_sessions::server::{IdHash, ManualClock, RegistryStore};
use leptos_sessions_entity::{event, session};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
};

backend_tests!(
    case02_ids_are_hashed_at_rest,
    case03_malformed_cookies_are_anonymous_never_500,
    case04_unknown_well_formed_id_is_not_adopted,
    case06_login_cycles_the_id,
    case07_second_user_in_same_browser_gets_fresh_empty_session,
    case08_logout_deletes_row_and_clears_cookie,
    case09_revoke_logs_the_other_device_out,
    case15_device_list_is_owner_scoped,
    case16_foreign_handle_answers_like_unknown,
    case17_malformed_handle_is_rejected,
    case18_current_session_cannot_be_revoked_from_list,
    case19_sign_out_everywhere_else_returns_count,
    case23_revoke_is_idempotent,
    host_cycle_id_of_a_signed_in_session_is_a_sign_out_with_its_device,
    host_flush_of_a_signed_in_session_writes_one_logout_event_with_its_device,
    host_flush_then_library_logout_writes_one_event,
    library_sign_ins_and_outs_write_no_extra_logout_event,
    save_after_delete_does_not_resurrect,
);

async fn rows(db: &DatabaseConnection) -> Result<Vec<session::Model>> {
    Ok(session::Entity::find().all(db).await?)
}

async fn case02_ids_are_hashed_at_rest(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    a.login("ada").await?;
    let raw = a.session_cookie().cloned().expect("session cookie");
    let rows = rows(app.db()).await?;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let id: Id = raw.parse()?;
    assert_eq!(row.id_hash, IdHash::of(&id).as_str());
    let dump = format!("{row:?}");
    assert!(!dump.contains(&raw), "raw id persisted: {dump}");
    assert_eq!(row.user_id.as_deref(), Some("ada"));
    assert_eq!(row.device_name.as_deref(), Some("Chrome 137 on macOS"));
    assert_eq!(row.ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(row.auth_method.as_deref(), Some("password"));
    Ok(())
}

async fn save_after_delete_does_not_resurrect(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let store = RegistryStore::new(app.db().clone(), Arc::new(ManualClock::default()));
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::days(1),
    };
    store.create(&mut record).await?;
    assert!(store.load(&record.id).await?.is_some());
    store.delete(&record.id).await?;
    record.data.insert("late".into(), serde_json::json!(true));
    store.save(&record).await?;
    assert!(store.load(&record.id).await?.is_none());
    assert_eq!(session::Entity::find().count(app.db()).await?, 0);
    Ok(())
}

async fn case04_unknown_well_formed_id_is_not_adopted(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let forged = Id::default().to_string();
    d.jar.insert("__Host-session".into(), forged.clone());
    assert_eq!(d.whoami().await?, "");
    // Writing session data mints a fresh id; the forged one is never stored.
    let reply = d.send("POST", "/cart").await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let now = d.session_cookie().cloned().unwrap_or_default();
    assert_ne!(now, forged);
    let forged_hash = IdHash::of(&forged.parse()?);
    assert!(
        rows(app.db())
            .await?
            .iter()
            .all(|r| r.id_hash != forged_hash.as_str())
    );
    Ok(())
}

async fn case06_login_cycles_the_id(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    d.send("POST", "/cart").await?;
    let before = d.session_cookie().cloned().expect("anonymous session");
    d.login("ada").await?;
    let after = d.session_cookie().cloned().expect("session after login");
    assert_ne!(before, after);
    // Anonymous data survives the login of the same browser.
    assert_eq!(d.send("GET", "/cart").await?.body, "3");
    // The old id is dead.
    let mut old = app.device(MAC_CHROME);
    old.jar.insert("__Host-session".into(), before);
    assert_eq!(old.whoami().await?, "");
    Ok(())
}

async fn case08_logout_deletes_row_and_clears_cookie(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    let old = d.session_cookie().cloned().expect("cookie");
    let reply = d.send("POST", "/logout").await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(
        reply.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let removal = reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-session="))
        .expect("removal cookie");
    assert!(removal.contains("Max-Age=0"), "{removal}");
    assert!(
        removal.contains("Secure") && removal.contains("Path=/"),
        "{removal}"
    );
    assert_eq!(session::Entity::find().count(app.db()).await?, 0);
    let mut replay = app.device(MAC_CHROME);
    replay.jar.insert("__Host-session".into(), old);
    assert_eq!(replay.whoami().await?, "");
    Ok(())
}

async fn case09_revoke_logs_the_other_device_out(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    let b_handle = b.login("ada").await?;
    assert_eq!(b.whoami().await?, "ada");
    let list = a.devices().await?;
    assert_eq!(list.devices.len(), 2);
    let reply = a.send("POST", &format!("/revoke/{b_handle}")).await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(b.whoami().await?, "");
    let list = a.devices().await?;
    assert_eq!(list.devices.len(), 1);
    assert!(list.devices[0].current);
    Ok(())
}

async fn case15_device_list_is_owner_scoped(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    let mut other = app.device(MAC_CHROME);
    a.login("ada").await?;
    b.login("ada").await?;
    other.login("grace").await?;
    let reply = a.send("GET", "/devices").await?;
    let list: leptos_sessions::types::DeviceList = serde_json::from_str(&reply.body)?;
    assert_eq!(list.devices.len(), 2);
    assert_eq!(list.devices.iter().filter(|d| d.current).count(), 1);
    assert!(list.devices[0].current, "current first");
    assert_eq!(list.devices[1].name, "Firefox 139 on Windows");
    // No id, hash or secret in what crosses the wire.
    for row in rows(app.db()).await? {
        assert!(!reply.body.contains(&row.id_hash));
    }
    for cookie in [a.session_cookie(), b.session_cookie()].into_iter().flatten() {
        assert!(!reply.body.contains(cookie.as_str()));
    }
    Ok(())
}

async fn case16_foreign_handle_answers_like_unknown(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut g = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    let grace_handle = g.login("grace").await?;
    let foreign = a.send("POST", &format!("/revoke/{grace_handle}")).await?;
    let unknown = a.send("POST", &format!("/revoke/{}", "0".repeat(32))).await?;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!((foreign.status, &foreign.body), (unknown.status, &unknown.body));
    assert_eq!(g.whoami().await?, "grace", "foreign row untouched");
    Ok(())
}

async fn case17_malformed_handle_is_rejected(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    a.login("ada").await?;
    for bad in ["x", "%27%20OR%201%3D1", &"A".repeat(32), &"a".repeat(500)] {
        let reply = a.send("POST", &format!("/revoke/{bad}")).await?;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.body, "invalid_handle");
    }
    Ok(())
}

async fn case18_current_session_cannot_be_revoked_from_list(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let handle = a.login("ada").await?;
    let reply = a.send("POST", &format!("/revoke/{handle}")).await?;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.body, "current_session");
    assert_eq!(a.whoami().await?, "ada");
    Ok(())
}

async fn case19_sign_out_everywhere_else_returns_count(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut others: Vec<_> = (0..3).map(|_| app.device(WIN_FIREFOX)).collect();
    a.login("ada").await?;
    for d in &mut others {
        d.login("ada").await?;
    }
    let mut grace = app.device(WIN_FIREFOX);
    grace.login("grace").await?;
    let reply = a.send("POST", "/revoke-others").await?;
    assert_eq!(reply.body, "3");
    assert_eq!(a.whoami().await?, "ada");
    for d in &mut others {
        assert_eq!(d.whoami().await?, "");
    }
    assert_eq!(grace.whoami().await?, "grace");
    // Idempotent: nothing left to end.
    assert_eq!(a.send("POST", "/revoke-others").await?.body, "0");
    Ok(())
}

async fn case03_malformed_cookies_are_anonymous_never_500(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut real = app.device(MAC_CHROME);
    real.login("ada").await?;
    let good = real.session_cookie().cloned().expect("cookie");
    let five_kb = "A".repeat(5 * 1024);
    for bad in ["%%%", "not base64!", "AAAA", &five_kb, "\"\"", "ÿÿÿ"] {
        let mut d = app.device(MAC_CHROME);
        d.jar.insert("__Host-session".into(), bad.to_owned());
        let reply = d.send("GET", "/me").await?;
        assert_eq!(reply.status, StatusCode::OK, "{bad}");
        assert_eq!(reply.body, "", "{bad}");
    }
    // Two different values under the session cookie's name: anonymous,
    // whichever comes first (never someone's session by parser accident).
    for cookie in [
        format!("__Host-session=garbage; __Host-session={good}"),
        format!("__Host-session={good}; __Host-session=garbage"),
    ] {
        let mut dup = app.device(MAC_CHROME);
        let reply = dup.send_with("GET", "/me", &[("cookie", &cookie)]).await?;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (StatusCode::OK, ""),
            "{cookie}"
        );
    }
    // The same cookie twice is that cookie.
    let mut twice = app.device(MAC_CHROME);
    let reply = twice
        .send_with(
            "GET",
            "/me",
            &[("cookie", &format!("__Host-session={good}; __Host-session={good}"))],
        )
        .await?;
    assert_eq!(reply.body, "ada");
    // The real session is unaffected by all of that.
    assert_eq!(real.whoami().await?, "ada");
    Ok(())
}

async fn case07_second_user_in_same_browser_gets_fresh_empty_session(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    d.send("POST", "/cart").await?;
    assert_eq!(d.send("GET", "/cart").await?.body, "3");
    let ada_cookie = d.session_cookie().cloned().expect("cookie");
    d.login("grace").await?;
    assert_eq!(d.whoami().await?, "grace");
    assert_ne!(
        d.session_cookie(),
        Some(&ada_cookie),
        "re-authentication rotates the id"
    );
    assert_eq!(
        d.send("GET", "/cart").await?.body,
        "",
        "grace must not see ada's data"
    );
    Ok(())
}

async fn case23_revoke_is_idempotent(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    let handle = b.login("ada").await?;
    assert_eq!(
        a.send("POST", &format!("/revoke/{handle}")).await?.status,
        StatusCode::NO_CONTENT
    );
    // A second revoke changes nothing and says so the same way as any unknown handle.
    let again = a.send("POST", &format!("/revoke/{handle}")).await?;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(a.whoami().await?, "ada");
    assert_eq!(a.devices().await?.devices.len(), 1);
    Ok(())
}

async fn logout_events(db: &DatabaseConnection) -> Result<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::Kind.eq("logout"))
        .all(db)
        .await?)
}

/// The event carries the deleted row's device columns, as a library sign-out's does.
fn assert_has_device(event: &event::Model, handle: &str) {
    assert_eq!(event.user_id.as_deref(), Some("ada"));
    assert_eq!(event.session_handle.as_deref(), Some(handle));
    assert_eq!(event.browser_name.as_deref(), Some("Chrome"));
    assert_eq!(event.os_name.as_deref(), Some("macOS"));
    assert!(
        event.device_name.as_deref().is_some_and(|n| n.contains("Chrome")),
        "{:?}",
        event.device_name
    );
    assert_eq!(event.device_type.as_deref(), Some("desktop"));
    assert!(event.device_id.is_some(), "the browser-continuity id");
    assert_eq!(event.ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(event.auth_method.as_deref(), Some("password"));
}

async fn host_flush_of_a_signed_in_session_writes_one_logout_event_with_its_device(
    db: DatabaseConnection,
) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let handle = d.login("ada").await?;
    let reply = d.send("POST", "/host/flush").await?;
    assert_eq!(
        reply.body, "true ",
        "flushed, and anonymous within the same request"
    );
    assert_eq!(
        reply.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    assert_eq!(d.whoami().await?, "");
    assert!(rows(app.db()).await?.is_empty(), "no orphan row");
    let logouts = logout_events(app.db()).await?;
    assert_eq!(logouts.len(), 1, "{logouts:?}");
    assert_has_device(&logouts[0], &handle);
    Ok(())
}

async fn host_cycle_id_of_a_signed_in_session_is_a_sign_out_with_its_device(
    db: DatabaseConnection,
) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let handle = d.login("ada").await?;
    let reply = d.send("POST", "/host/cycle-id").await?;
    assert_eq!(reply.body, "true ");
    assert_eq!(d.whoami().await?, "", "the cycled session is anonymous");
    let rows = rows(app.db()).await?;
    assert!(
        rows.iter().all(|r| r.user_id.is_none()),
        "ada's row is gone: {rows:?}"
    );
    let logouts = logout_events(app.db()).await?;
    assert_eq!(logouts.len(), 1, "{logouts:?}");
    assert_has_device(&logouts[0], &handle);
    Ok(())
}

async fn host_flush_then_library_logout_writes_one_event(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let handle = d.login("ada").await?;
    let reply = d.send("POST", "/host/flush-then-logout").await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(d.whoami().await?, "");
    assert!(rows(app.db()).await?.is_empty());
    let logouts = logout_events(app.db()).await?;
    assert_eq!(
        logouts.len(),
        1,
        "the library's own, not a second one: {logouts:?}"
    );
    assert_has_device(&logouts[0], &handle);
    Ok(())
}

async fn library_sign_ins_and_outs_write_no_extra_logout_event(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    d.login("ada").await?; // signing in again cycles the signed-in id
    assert!(
        logout_events(app.db()).await?.is_empty(),
        "a re-login is no sign-out"
    );
    let handle = d.devices().await?.devices[0].handle.clone();
    d.send("POST", "/logout").await?;
    let logouts = logout_events(app.db()).await?;
    assert_eq!(logouts.len(), 1);
    assert_has_device(&logouts[0], &handle);
    assert!(rows(app.db()).await?.is_empty());
    Ok(())
}
