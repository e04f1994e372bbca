//! The demo host through its real router: sign-in form, SSR devices page,
//! the no-JavaScript form path of the server functions, cookie policy.

#[path = "../../app/tests/common/mod.rs"]
mod common;

use anyhow::Result;
use axum::http::StatusCode;
use common::{Device, MAC_CHROME, WIN_FIREFOX};
use leptos_sessions_demo::host::{self, DemoConfig, users};

async fn demo() -> Result<axum::Router> {
    let db = common::sqlite().await?;
    let config = DemoConfig {
        database_url: String::new(),
        secret: Some("demo-test-secret-demo-test-secret-0123456789".into()),
        dev_insecure_cookies: false,
        seed: true,
    };
    let sessions = host::sessions(db.clone(), &config).await?;
    users::create_table(&db).await?;
    users::seed(&db).await?;
    Ok(host::router(host::leptos_options(), sessions))
}

async fn sign_in(d: &mut Device, email: &str, password: &str) -> Result<common::Reply> {
    d.post_form(
        "/auth/sign-in",
        &format!("email={email}&password={password}"),
        "http://app.test",
        "http://app.test/sign-in",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case01_login_set_cookie_has_exactly_the_required_attributes() -> Result<()> {
    let app = demo().await?;
    let mut d = Device::new(app, MAC_CHROME);
    let reply = sign_in(&mut d, "ada@example.com", "lovelace-1815").await?;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let cookie = reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-session="))
        .expect("session cookie");
    let attrs: Vec<String> = cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    for required in ["secure", "httponly", "path=/", "samesite=lax"] {
        assert!(
            attrs.iter().any(|a| a == required),
            "{required} missing in {cookie}"
        );
    }
    assert!(!attrs.iter().any(|a| a.starts_with("domain")), "{cookie}");
    let device = reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-device="))
        .expect("device cookie at login");
    assert!(device.contains("HttpOnly") && device.contains("Secure") && device.contains("SameSite=Lax"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_a_failed_login_and_no_session() -> Result<()> {
    let app = demo().await?;
    let mut d = Device::new(app, MAC_CHROME);
    let reply = sign_in(&mut d, "ada@example.com", "nope").await?;
    assert_eq!(
        reply.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/sign-in?error=invalid")
    );
    assert!(d.session_cookie().is_none());
    let reply = d.send("GET", "/settings").await?;
    assert_eq!(
        reply.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/sign-in")
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case26_devices_page_and_no_js_revoke() -> Result<()> {
    let app = demo().await?;
    let mut a = Device::new(app.clone(), MAC_CHROME);
    let mut b = Device::new(app.clone(), WIN_FIREFOX);
    sign_in(&mut a, "ada@example.com", "lovelace-1815").await?;
    sign_in(&mut b, "ada@example.com", "lovelace-1815").await?;

    let page = a.send("GET", "/settings").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Chrome 137 on macOS"), "{}", page.body);
    assert!(page.body.contains("Firefox 139 on Windows"));
    assert!(page.body.contains("This device"));
    // B's handle is in the page (data-handle on its row); nothing secret is.
    let handle = page
        .body
        .split("data-handle=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default().to_owned())
        .find(|h| page.body.contains(&format!("value=\"{h}\"")))
        .expect("a revocable row");
    for cookie in a.jar.values().chain(b.jar.values()) {
        assert!(!page.body.contains(cookie.as_str()));
    }

    // Cross-site form post: refused, nothing changes.
    let evil = a
        .post_form(
            "/api/sessions/revoke",
            &format!("handle={handle}"),
            "https://evil.example",
            "https://evil.example/x",
        )
        .await?;
    assert_eq!(evil.status, StatusCode::FORBIDDEN);
    assert!(b.send("GET", "/settings").await?.status == StatusCode::OK);

    // Same-origin form post without JavaScript: redirected back, B is out.
    let reply = a
        .post_form(
            "/api/sessions/revoke",
            &format!("handle={handle}"),
            "http://app.test",
            "http://app.test/settings",
        )
        .await?;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    let back = reply
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(back.starts_with("http://app.test/settings"), "{back}");
    let reply = b.send("GET", "/settings").await?;
    assert_eq!(
        reply.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/sign-in")
    );
    let page = a.send("GET", "/settings").await?;
    assert!(!page.body.contains("Firefox 139 on Windows"));
    Ok(())
}

#[test]
fn case25_no_state_changing_server_function_uses_get() {
    let fns: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(
        fns.iter().any(|(path, _)| *path == "/api/sessions/revoke"),
        "{fns:?}"
    );
    for (path, method) in &fns {
        let read_only = matches!(*path, "/api/sessions/devices" | "/api/demo/me");
        assert!(
            read_only || *method != axum::http::Method::GET,
            "{path} uses {method}"
        );
    }
}
