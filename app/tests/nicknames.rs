//! The names people give their devices, on every backend: owner-scoped,
//! trimmed and bounded, shown on the row and the history of that browser,
//! kept across a re-login from it, erased with the user.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use anyhow::Result;
use common::{MAC_CHROME, TestApp, WIN_FIREFOX};
use http::StatusCode;
use sea_orm::{DatabaseConnection, EntityTrait};

backend_tests!(
    a_device_name_is_owner_scoped_bounded_and_survives_a_re_login,
    the_json_api_names_a_device,
);

async fn a_device_name_is_owner_scoped_bounded_and_survives_a_re_login(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut mac = app.device(MAC_CHROME);
    mac.login("ada").await?;
    let mut win = app.device(WIN_FIREFOX);
    let handle = win.login("ada").await?;

    // Ada names the PC from her Mac: trimmed, one space.
    let reply = mac
        .send("POST", &format!("/rename/{handle}/%20%20Work%20%09laptop%20"))
        .await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (StatusCode::OK, "\"Work laptop\"")
    );
    let list = mac.devices().await?;
    let pc = list.devices.iter().find(|d| d.handle == handle).unwrap();
    assert_eq!(pc.nickname.as_deref(), Some("Work laptop"));
    assert_eq!(pc.name, "Firefox 139 on Windows", "the device's own name stays");
    assert!(
        list.devices
            .iter()
            .find(|d| d.current)
            .unwrap()
            .nickname
            .is_none()
    );

    // Not Grace's to name; too long is a typed 400; nothing changed.
    let mut grace = app.device(MAC_CHROME);
    grace.login("grace").await?;
    let reply = grace.send("POST", &format!("/rename/{handle}/Mine")).await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let reply = mac
        .send("POST", &format!("/rename/{handle}/{}", "x".repeat(65)))
        .await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_name")
    );
    let reply = mac.send("POST", &format!("/rename/{}/x", "z".repeat(32))).await?;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "a malformed handle");
    assert_eq!(
        mac.devices()
            .await?
            .devices
            .iter()
            .find(|d| d.handle == handle)
            .unwrap()
            .nickname
            .as_deref(),
        Some("Work laptop")
    );

    // It names the browser, not the session: signed out and in again from
    // that browser, the new session has it, and so does its history.
    win.send("POST", "/logout").await?;
    let again = win.login("ada").await?;
    assert_ne!(again, handle);
    let list = mac.devices().await?;
    assert_eq!(
        list.devices
            .iter()
            .find(|d| d.handle == again)
            .unwrap()
            .nickname
            .as_deref(),
        Some("Work laptop")
    );
    let reply = mac.send("GET", "/history").await?;
    let history: leptos_sessions::types::HistoryList = serde_json::from_str(&reply.body)?;
    let named: Vec<_> = history.entries.iter().filter(|e| e.nickname.is_some()).collect();
    assert_eq!(
        named.len(),
        3,
        "the PC's two logins and its logout: {:?}",
        history.entries
    );
    assert!(
        named
            .iter()
            .all(|e| e.device_name.as_deref() == Some("Firefox 139 on Windows"))
    );

    // An empty name removes it; erasure removes names.
    let reply = win.send("POST", &format!("/rename/{again}/%20")).await?;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "null"));
    assert!(mac.devices().await?.devices.iter().all(|d| d.nickname.is_none()));
    mac.send("POST", &format!("/rename/{again}/Laptop")).await?;
    app.sessions.forget("ada", &[]).await?;
    let names = leptos_sessions_entity::device_name::Entity::find()
        .all(app.db())
        .await?;
    assert!(names.iter().all(|n| n.user_id != "ada"), "{names:?}");
    Ok(())
}

async fn the_json_api_names_a_device(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut mac = app.device(MAC_CHROME);
    let handle = mac.login("ada").await?;
    let json = [("content-type", "application/json")];
    let path = format!("/api/v1/sessions/{handle}/name");
    let reply = mac
        .send_body("PUT", &path, &json, br#"{"name":"My Mac"}"#.to_vec())
        .await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (StatusCode::OK, r#"{"name":"My Mac"}"#)
    );
    assert_eq!(
        mac.devices().await?.devices[0].nickname.as_deref(),
        Some("My Mac")
    );
    let reply = mac.send_body("PUT", &path, &json, b"{oops".to_vec()).await?;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("\"error\":\"request\""), "{}", reply.body);
    let reply = mac
        .send_body("PUT", &path, &json, br#"{"name":null}"#.to_vec())
        .await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (StatusCode::OK, r#"{"name":null}"#)
    );
    let mut stranger = app.device(WIN_FIREFOX);
    stranger.login("grace").await?;
    let reply = stranger
        .send_body("PUT", &path, &json, br#"{"name":"x"}"#.to_vec())
        .await?;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    Ok(())
}
