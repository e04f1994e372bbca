//! The demo host through its real router: sign-in form, SSR devices page,
//! the no-JavaScript form path of the server functions, cookie policy, the
//! sign-in methods and "Last used", password change, locale, seeded history.
#![expect(clippy::expect_used, reason = "assertions on cookies the test needs")]

#[path = "../../app/tests/common/mod.rs"]
mod common;

use anyhow::Result;
use axum::http::StatusCode;
use common::{Device, MAC_CHROME, WIN_FIREFOX};
use leptos_sessions_demo::host::{self, DemoConfig};

async fn demo() -> Result<axum::Router> {
    demo_with(false).await
}

async fn demo_with(seed_history: bool) -> Result<axum::Router> {
    Ok(demo_and_db(seed_history).await?.0)
}

async fn demo_and_db(seed_history: bool) -> Result<(axum::Router, sea_orm::DatabaseConnection)> {
    // Every test browser signs in from one IP; the rate limit has its own test.
    demo_rated(
        seed_history,
        host::SignInRate {
            burst: 1000,
            per_minute: 1000,
        },
    )
    .await
}

async fn demo_rated(
    seed_history: bool,
    rate: host::SignInRate,
) -> Result<(axum::Router, sea_orm::DatabaseConnection)> {
    if let Ok(filter) = std::env::var("DEMO_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    }
    let db = common::sqlite().await?;
    let config = DemoConfig {
        database_url: String::new(),
        secret: Some("demo-test-secret-demo-test-secret-0123456789".into()),
        dev_insecure_cookies: false,
        seed: true,
        seed_history,
        geoip_db: Vec::new(),
    };
    let sessions = host::sessions(db.clone(), &config).await?;
    host::seed(&sessions, &config).await?;
    Ok((host::router_with(host::leptos_options(), sessions, rate), db))
}

const IPHONE_SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";

/// The headers of the wasm client's server-function call (`fetch`, JSON
/// answer), same-origin.
const FETCH: &[(&str, &str)] = &[
    ("content-type", "application/x-www-form-urlencoded"),
    ("accept", "application/json"),
    ("origin", "https://app.test"),
];

fn location(reply: &common::Reply) -> &str {
    reply
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The `<section>` of a sign-in method (`method-password`, …) in a page.
fn method_section<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body.find(&format!("id=\"{id}\"")).unwrap_or(body.len());
    let rest = &body[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

async fn post(d: &mut Device, path: &str, body: &str) -> Result<common::Reply> {
    d.post_form(path, body, "https://app.test", "https://app.test/sign-in")
        .await
}

async fn sign_in(d: &mut Device, email: &str, password: &str) -> Result<common::Reply> {
    d.post_form(
        "/auth/sign-in",
        &format!("email={email}&password={password}"),
        "https://app.test",
        "https://app.test/sign-in",
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
    // Browsers keep a cookie 400 days at most (RFC 6265bis): a longer
    // Max-Age would be cut silently.
    let max_age: u64 = device
        .split(';')
        .find_map(|a| a.trim().strip_prefix("Max-Age="))
        .expect("device cookie Max-Age")
        .parse()?;
    assert!(
        max_age > 0 && max_age <= 400 * 24 * 3600,
        "device cookie Max-Age {max_age}"
    );
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
    // The handle in the (only) "Log out" form: the other device's.
    let handle = page
        .body
        .split("action=\"/api/sessions/revoke\"")
        .nth(1)
        .and_then(|form| form.split("name=\"handle\" value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .expect("a revocable row");
    assert!(
        page.body.contains(&format!("value=\"{handle}\"")),
        "its forms carry the handle"
    );
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
            "https://app.test",
            "https://app.test/settings",
        )
        .await?;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    let back = reply
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(back.starts_with("https://app.test/settings"), "{back}");
    let reply = b.send("GET", "/settings").await?;
    assert_eq!(
        reply.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/sign-in")
    );
    let page = a.send("GET", "/settings").await?;
    assert!(!device_list(&page.body).contains("Firefox 139 on Windows"));
    // The page says what the form did, once.
    assert!(
        text(&page.body).contains("Firefox 139 on Windows was logged out."),
        "{}",
        page.body
    );
    let again = a.send("GET", "/settings").await?;
    assert!(!text(&again.body).contains("was logged out."));
    // The history says what happened to it.
    assert!(
        page.body.contains("logged out from another device"),
        "{}",
        page.body
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case40_this_wasnt_me_from_the_inbox_works_signed_out_without_javascript() -> Result<()> {
    let app = demo().await?;
    let mut a = Device::new(app.clone(), MAC_CHROME);
    let mut b = Device::new(app.clone(), WIN_FIREFOX);
    sign_in(&mut a, "grace@example.com", "hopper-1906").await?;
    sign_in(&mut b, "grace@example.com", "hopper-1906").await?;
    // The demo's inbox holds the "New sign-in" mail with its link (the hook
    // runs on its own task: poll the page briefly).
    let mut link = None;
    for _ in 0..50 {
        let page = a.send("GET", "/settings").await?;
        if let Some(href) = page.body.split("href=\"/sessions/disavow?token=").nth(1) {
            link = href
                .split('"')
                .next()
                .map(|t| format!("/sessions/disavow?token={t}"));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let link = link.expect("the inbox shows the new-sign-in mail's link");
    let token = link.split("token=").nth(1).unwrap_or_default().to_owned();

    // Opened signed out: the sign-in and a form; the GET changes nothing.
    let mut reader = Device::new(app.clone(), IPHONE_SAFARI);
    let page = reader.send("GET", &link).await?;
    assert_eq!(page.status, StatusCode::OK);
    let body = text(&page.body);
    assert!(
        body.contains("Wasn't you?") && body.contains("Firefox 139 on Windows"),
        "{body}"
    );
    assert!(
        page.body.contains(&format!("value=\"{token}\"")),
        "the form carries the token"
    );
    assert_eq!(
        b.send("GET", "/settings").await?.status,
        StatusCode::OK,
        "a GET ended nothing"
    );

    // From another site: refused. From the page, without JavaScript:
    // redirected back to it, which says what happened; B is out.
    let here = format!("https://app.test{link}");
    let evil = reader
        .post_form(
            "/api/sessions/disavow",
            &format!("token={token}"),
            "https://evil.example",
            "https://evil.example/",
        )
        .await?;
    assert_eq!(evil.status, StatusCode::FORBIDDEN);
    let reply = reader
        .post_form(
            "/api/sessions/disavow",
            &format!("token={token}"),
            "https://app.test",
            &here,
        )
        .await?;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert!(location(&reply).starts_with(&here), "{}", location(&reply));
    let page = reader.send("GET", &link).await?;
    assert!(
        text(&page.body).contains("That sign-in was ended."),
        "{}",
        page.body
    );
    assert_eq!(location(&b.send("GET", "/settings").await?), "/sign-in");
    assert_eq!(
        a.send("GET", "/settings").await?.status,
        StatusCode::OK,
        "only that sign-in ended"
    );
    // Used up: the one refusal, and no form.
    let page = reader.send("GET", &link).await?;
    assert!(
        text(&page.body).contains("This link is not valid any more."),
        "{}",
        page.body
    );
    assert!(!page.body.contains(&format!("value=\"{token}\"")));
    Ok(())
}

/// A page without Leptos' hydration markers, for text assertions.
fn text(body: &str) -> String {
    body.replace("<!>", "")
}

/// The `<ul>` of devices in a page.
fn device_list(body: &str) -> &str {
    let start = body.find("sessions-device-list").unwrap_or(body.len());
    let rest = &body[start..];
    &rest[..rest.find("</ul>").unwrap_or(rest.len())]
}

#[test]
fn case25_no_state_changing_server_function_uses_get() {
    let fns: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(
        fns.iter().any(|(path, _)| *path == "/api/sessions/revoke"),
        "{fns:?}"
    );
    for (path, method) in &fns {
        let read_only = matches!(
            *path,
            "/api/sessions/devices"
                | "/api/demo/me"
                | "/api/demo/magic-link"
                | "/api/demo/inbox"
                | "/api/sessions/signed_in"
        );
        assert!(
            read_only || *method != axum::http::Method::GET,
            "{path} uses {method}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_history_makes_a_believable_first_visit() -> Result<()> {
    let app = demo_with(true).await?;
    let mut d = Device::new(app, MAC_CHROME);
    sign_in(&mut d, "ada@example.com", "lovelace-1815").await?;
    let page = d.send("GET", "/settings").await?;
    assert_eq!(page.status, StatusCode::OK);
    let body = text(&page.body);
    let devices = device_list(&body);
    for expected in [
        "This device",
        "Madrid, Spain",
        "Barcelona, Spain",
        "Android",
        "iOS",
        "via Demo",
        // The Mac signed in with a security key.
        "with security key",
    ] {
        assert!(devices.contains(expected), "{expected} not in {devices}");
    }
    assert!(
        !devices.contains("Firefox"),
        "the revoked device is gone: {devices}"
    );
    assert_eq!(devices.matches("<li").count(), 4, "{devices}");
    for expected in [
        "Failed sign-in attempt",
        "wrong email or password",
        "São Paulo, Brazil",
        "logged out from another device",
        "Signed out",
        "New device",
        "Sign out of all other sessions",
    ] {
        assert!(body.contains(expected), "{expected} missing");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_used_badge_follows_each_sign_in_method_without_javascript() -> Result<()> {
    let app = demo().await?;
    let mut d = Device::new(app, MAC_CHROME);
    // A browser that never signed in: no badge anywhere.
    let page = d.send("GET", "/sign-in").await?;
    assert!(!page.body.contains("sessions-badge--last-used"), "{}", page.body);

    sign_in(&mut d, "grace@example.com", "hopper-1906").await?;
    post(&mut d, "/auth/sign-out", "").await?;
    let page = d.send("GET", "/sign-in").await?;
    assert_eq!(page.body.matches("sessions-badge--last-used").count(), 1);
    assert!(method_section(&page.body, "method-password").contains("Last used"));

    let token = request_magic_link(&mut d, "grace%40example.com").await?;
    let reply = post(&mut d, "/auth/magic", &format!("token={token}")).await?;
    assert_eq!(location(&reply), "/settings");
    // Single use.
    let again = post(&mut d, "/auth/magic", &format!("token={token}")).await?;
    assert_eq!(location(&again), "/sign-in?error=link");
    post(&mut d, "/auth/sign-out", "").await?;
    let page = d.send("GET", "/sign-in").await?;
    assert_eq!(page.body.matches("sessions-badge--last-used").count(), 1);
    assert!(method_section(&page.body, "method-magic").contains("Last used"));

    let state = start_oauth(&mut d).await?;
    let reply = post(
        &mut d,
        "/oauth/demo/callback",
        &format!("email=grace%40example.com&state={state}"),
    )
    .await?;
    assert_eq!(location(&reply), "/settings");
    let settings = d.send("GET", "/settings").await?;
    assert!(device_list(&text(&settings.body)).contains("via Demo"));
    post(&mut d, "/auth/sign-out", "").await?;
    let page = d.send("GET", "/sign-in").await?;
    assert_eq!(page.body.matches("sessions-badge--last-used").count(), 1);
    assert!(method_section(&page.body, "method-oauth").contains("Last used"));
    Ok(())
}

/// `POST /auth/magic-link`; the token the demo shows instead of mailing it.
async fn request_magic_link(d: &mut Device, email: &str) -> Result<String> {
    let reply = post(d, "/auth/magic-link", &format!("email={email}")).await?;
    let shown = location(&reply).to_owned();
    let token = shown
        .strip_prefix("/sign-in?magic=")
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(!token.is_empty(), "{shown}");
    let page = d.send("GET", &shown).await?;
    anyhow::ensure!(
        page.body.contains(&format!("/auth/magic/{token}")),
        "the demo shows the link"
    );
    Ok(token)
}

/// "Continue with Demo OAuth": the `state` the consent page carries.
async fn start_oauth(d: &mut Device) -> Result<String> {
    let reply = post(d, "/oauth/demo/start", "").await?;
    let to = location(&reply).to_owned();
    let state = to
        .strip_prefix("/oauth/demo?state=")
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(state.len() == 48, "{to}");
    anyhow::ensure!(
        d.jar.get("__Host-demo_oauth_state") == Some(&state),
        "bound to this browser: {:?}",
        reply.set_cookies()
    );
    let page = d.send("GET", &to).await?;
    anyhow::ensure!(
        page.body.contains(&format!("name=\"state\" value=\"{state}\"")),
        "the consent form carries the state"
    );
    Ok(state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case35_a_magic_link_get_shows_a_page_and_only_its_post_signs_in() -> Result<()> {
    let app = demo().await?;
    let mut d = Device::new(app.clone(), MAC_CHROME);
    let token = request_magic_link(&mut d, "grace%40example.com").await?;
    // A prefetcher, a mail scanner, an attacker's link: GETs sign nobody in
    // and use nothing up.
    let mut victim = Device::new(app, WIN_FIREFOX);
    for _ in 0..2 {
        let page = victim.send("GET", &format!("/auth/magic/{token}")).await?;
        assert_eq!(page.status, StatusCode::OK);
        assert!(victim.session_cookie().is_none(), "a GET signed in");
        assert!(page.body.contains("grace@example.com"), "who it signs in");
        assert!(
            page.body.contains("action=\"/auth/magic\"") && page.body.contains(&token),
            "{}",
            page.body
        );
        assert_eq!(
            page.headers.get("cache-control").map(|v| v.as_bytes()),
            Some(&b"no-store"[..])
        );
    }
    // Posted from another site: refused, still unused.
    let reply = d
        .post_form(
            "/auth/magic",
            &format!("token={token}"),
            "https://evil.example",
            "https://evil.example/",
        )
        .await?;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // The page's own form: signed in, once.
    let reply = post(&mut d, "/auth/magic", &format!("token={token}")).await?;
    assert_eq!(location(&reply), "/settings");
    assert!(d.session_cookie().is_some());
    let page = victim.send("GET", &format!("/auth/magic/{token}")).await?;
    assert!(!page.body.contains("action=\"/auth/magic\""), "used up");
    assert!(page.body.contains("invalid or has expired"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case35_the_oauth_callback_needs_the_state_of_this_browser_once() -> Result<()> {
    let app = demo().await?;
    // Login CSRF: the attacker starts a flow and hands the victim the answer.
    let mut attacker = Device::new(app.clone(), MAC_CHROME);
    let state = start_oauth(&mut attacker).await?;
    let mut victim = Device::new(app.clone(), WIN_FIREFOX);
    let answer = format!("email=ada%40example.com&state={state}");
    let reply = post(&mut victim, "/oauth/demo/callback", &answer).await?;
    assert_eq!(location(&reply), "/sign-in?error=oauth");
    assert!(victim.session_cookie().is_none());
    // No state, or a made-up one with a matching cookie: refused too.
    let mut forger = Device::new(app.clone(), MAC_CHROME);
    let reply = post(&mut forger, "/oauth/demo/callback", "email=ada%40example.com").await?;
    assert_eq!(location(&reply), "/sign-in?error=oauth");
    forger
        .jar
        .insert("__Host-demo_oauth_state".into(), "f".repeat(48));
    let forged = format!("email=ada%40example.com&state={}", "f".repeat(48));
    let reply = post(&mut forger, "/oauth/demo/callback", &forged).await?;
    assert_eq!(location(&reply), "/sign-in?error=oauth");
    assert!(forger.session_cookie().is_none());
    // The attacker's state was used up by the refused attempt.
    let reply = post(&mut attacker, "/oauth/demo/callback", &answer).await?;
    assert_eq!(location(&reply), "/sign-in?error=oauth");
    // A flow started and finished in one browser works, once.
    let mut d = Device::new(app, MAC_CHROME);
    let state = start_oauth(&mut d).await?;
    let answer = format!("email=ada%40example.com&state={state}");
    let reply = post(&mut d, "/oauth/demo/callback", &answer).await?;
    assert_eq!(location(&reply), "/settings");
    assert!(d.session_cookie().is_some());
    post(&mut d, "/auth/sign-out", "").await?;
    d.jar.insert("__Host-demo_oauth_state".into(), state);
    let reply = post(&mut d, "/oauth/demo/callback", &answer).await?;
    assert_eq!(location(&reply), "/sign-in?error=oauth", "replayed");
    assert!(d.session_cookie().is_none());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case39_pages_cannot_be_framed_and_answer_no_store() -> Result<()> {
    let app = demo().await?;
    let mut d = Device::new(app, MAC_CHROME);
    sign_in(&mut d, "ada@example.com", "lovelace-1815").await?;
    for path in ["/settings", "/sign-in", "/oauth/demo", "/nowhere", "/"] {
        let reply = d.send("GET", path).await?;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("cache-control"), "no-store", "{path}");
        let csp = header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    }
    // The page's policy lets exactly its own inline scripts run: their nonce.
    let page = d.send("GET", "/settings").await?;
    let csp = page
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the page's policy");
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "{}", page.body);
    assert!(csp.contains("'wasm-unsafe-eval'"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_never_answers_database_error_text() -> Result<()> {
    use sea_orm::ConnectionTrait as _;
    let (app, db) = demo_and_db(false).await?;
    let mut d = Device::new(app, MAC_CHROME);
    sign_in(&mut d, "ada@example.com", "lovelace-1815").await?;
    db.execute_unprepared("DROP TABLE demo_users").await?;
    // The hydrated app's call (JSON back) and the no-JavaScript one (a
    // redirect carrying the error): neither says what the database said.
    let reply = d
        .send_with(
            "POST",
            "/api/demo/me",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("accept", "application/json"),
                ("origin", "https://app.test"),
            ],
        )
        .await?;
    assert!(reply.status.is_server_error(), "{}", reply.status);
    let no_js = d
        .post_form(
            "/api/demo/me",
            "",
            "https://app.test",
            "https://app.test/settings",
        )
        .await?;
    for answer in [
        format!("{} {}", reply.body, location(&reply)),
        format!("{} {}", no_js.body, location(&no_js)),
    ] {
        for leak in ["demo_users", "no such table", "SQL", "sqlite", "Query", "table"] {
            assert!(!answer.contains(leak), "{leak} in {answer}");
        }
    }
    let page = d.send("GET", "/settings").await?;
    assert!(!page.body.contains("no such table"), "{}", page.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_change_ends_the_other_sessions() -> Result<()> {
    let app = demo().await?;
    let mut a = Device::new(app.clone(), MAC_CHROME);
    let mut b = Device::new(app.clone(), WIN_FIREFOX);
    sign_in(&mut a, "dorothy@example.com", "vaughan-1910").await?;
    sign_in(&mut b, "dorothy@example.com", "vaughan-1910").await?;
    let wrong = post(
        &mut a,
        "/auth/password",
        "current_password=nope&new_password=new-password-1",
    )
    .await?;
    assert_eq!(location(&wrong), "/settings?password=wrong#password");
    let old_cookie = a.session_cookie().cloned().expect("a's cookie");
    let reply = post(
        &mut a,
        "/auth/password",
        "current_password=vaughan-1910&new_password=new-password-1",
    )
    .await?;
    assert_eq!(location(&reply), "/settings?password=changed&ended=1#password");
    assert_eq!(location(&b.send("GET", "/settings").await?), "/sign-in");
    // This browser stays signed in under a new id; the old one is worthless.
    assert_ne!(a.session_cookie(), Some(&old_cookie));
    let mut replay = Device::new(app.clone(), MAC_CHROME);
    replay.jar.insert("__Host-session".into(), old_cookie);
    assert_eq!(location(&replay.send("GET", "/settings").await?), "/sign-in");
    let page = a.send("GET", "/settings?password=changed&ended=1").await?;
    let body = text(&page.body);
    assert!(body.contains("1 other session was signed out"), "{body}");
    assert!(body.contains("password changed"), "history names the reason");
    // The new password works, the old one no longer does.
    let mut c = Device::new(app, MAC_CHROME);
    assert_eq!(
        location(&sign_in(&mut c, "dorothy@example.com", "vaughan-1910").await?),
        "/sign-in?error=invalid"
    );
    assert_eq!(
        location(&sign_in(&mut c, "dorothy@example.com", "new-password-1").await?),
        "/settings"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locale_follows_accept_language_and_the_switch_cookie() -> Result<()> {
    let app = demo().await?;
    let mut d = Device::new(app, MAC_CHROME);
    let page = d
        .send_with("GET", "/sign-in", &[("accept-language", "es-ES,es;q=0.9")])
        .await?;
    assert!(page.body.contains("lang=\"es\""), "{}", page.body);
    assert!(page.body.contains("Inicia sesión en Acme Notes"));
    let reply = post(&mut d, "/locale", "locale=en&back=%2Fsign-in").await?;
    assert_eq!(location(&reply), "/sign-in");
    let page = d
        .send_with("GET", "/sign-in", &[("accept-language", "es-ES,es;q=0.9")])
        .await?;
    assert!(page.body.contains("Sign in to Acme Notes"), "the cookie wins");
    let reply = post(&mut d, "/locale", "locale=es&back=%2F%2Fevil.example").await?;
    assert_eq!(location(&reply), "/", "no open redirect");
    sign_in(&mut d, "radia@example.com", "perlman-1951").await?;
    let page = d.send("GET", "/settings").await?;
    assert!(page.body.contains("Tus dispositivos") && page.body.contains("Historial de inicios de sesión"));
    assert!(page.body.contains("Este dispositivo") && page.body.contains("Activo ahora"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_attempt_with_my_email_shows_in_my_history() -> Result<()> {
    let app = demo().await?;
    let mut stranger = Device::new(app.clone(), WIN_FIREFOX);
    sign_in(&mut stranger, "%20Radia@Example.com%20", "guess").await?;
    sign_in(&mut stranger, "someone-else@example.com", "guess").await?;
    let mut me = Device::new(app, MAC_CHROME);
    sign_in(&mut me, "radia@example.com", "perlman-1951").await?;
    let page = me.send("GET", "/settings").await?;
    assert_eq!(
        page.body.matches("sessions-event--failed_login").count(),
        1,
        "only my identity's"
    );
    assert!(page.body.contains("Failed sign-in attempt"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_api_lives_beside_the_server_functions() -> Result<()> {
    let app = demo().await?;
    let mut a = Device::new(app.clone(), MAC_CHROME);
    let mut b = Device::new(app, WIN_FIREFOX);
    sign_in(&mut a, "ada@example.com", "lovelace-1815").await?;
    sign_in(&mut b, "ada@example.com", "lovelace-1815").await?;
    let reply = b.send("GET", "/api/v1/sessions").await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let list: leptos_sessions::types::DeviceList = serde_json::from_str(&reply.body)?;
    let a_handle = list
        .devices
        .iter()
        .find(|d| !d.current)
        .map(|d| d.handle.clone())
        .expect("the other device");
    // The same server-function endpoint still answers (not shadowed).
    let reply = b
        .post_form(
            "/api/sessions/devices",
            "",
            "https://app.test",
            "https://app.test/settings",
        )
        .await?;
    // A plain form post is redirected back to its page.
    assert_eq!(reply.status, StatusCode::FOUND);
    let reply = b
        .send_body("POST", "/api/sessions/devices", FETCH, Vec::new())
        .await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let via_fn: leptos_sessions::types::DeviceList = serde_json::from_str(&reply.body)?;
    assert_eq!(via_fn.devices.len(), list.devices.len());
    let reply = b.send("DELETE", &format!("/api/v1/sessions/{a_handle}")).await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(
        a.send("GET", "/api/v1/sessions").await?.status,
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case24_cross_site_sign_in_sign_out_and_password_change_are_refused() -> Result<()> {
    let app = demo().await?;
    let mut a = Device::new(app.clone(), MAC_CHROME);
    let mut b = Device::new(app.clone(), WIN_FIREFOX);
    sign_in(&mut a, "grace@example.com", "hopper-1906").await?;
    sign_in(&mut b, "grace@example.com", "hopper-1906").await?;
    for (origin, referer) in [
        ("https://evil.example", "https://evil.example/"),
        ("null", "https://evil.example/"),
    ] {
        // Login CSRF: an attacker's form signing the victim into the attacker's account.
        let mut victim = Device::new(app.clone(), MAC_CHROME);
        let reply = victim
            .post_form(
                "/auth/sign-in",
                "email=ada@example.com&password=lovelace-1815",
                origin,
                referer,
            )
            .await?;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "sign-in from {origin}");
        assert!(victim.session_cookie().is_none());
        let reply = a.post_form("/auth/sign-out", "", origin, referer).await?;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "sign-out from {origin}");
        let reply = a
            .post_form(
                "/auth/password",
                "current_password=hopper-1906&new_password=pwned-by-evil-1",
                origin,
                referer,
            )
            .await?;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "password change from {origin}"
        );
    }
    // Sec-Fetch-Site alone is enough to refuse.
    let reply = a
        .send_with("POST", "/auth/sign-out", &[("sec-fetch-site", "cross-site")])
        .await?;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // Nothing changed: both devices still signed in, the password still works.
    let page = a.send("GET", "/settings").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(b.send("GET", "/settings").await?.status, StatusCode::OK);
    let mut again = Device::new(app, MAC_CHROME);
    let reply = sign_in(&mut again, "grace@example.com", "hopper-1906").await?;
    assert!(reply.status.is_redirection());
    assert!(again.session_cookie().is_some());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case38_refusals_are_typed_4xx_on_every_path_and_big_bodies_are_413() -> Result<()> {
    let app = demo().await?;
    let mut a = Device::new(app.clone(), MAC_CHROME);
    let mut b = Device::new(app.clone(), WIN_FIREFOX);
    sign_in(&mut a, "ada@example.com", "lovelace-1815").await?;
    sign_in(&mut b, "ada@example.com", "lovelace-1815").await?;
    let list: leptos_sessions::types::DeviceList =
        serde_json::from_str(&a.send("GET", "/api/v1/sessions").await?.body)?;
    let own = list
        .devices
        .iter()
        .find(|d| d.current)
        .expect("this device")
        .handle
        .clone();
    let unknown = "0123456789abcdef0123456789abcdef";

    // Server functions, called as the wasm client calls them.
    for (body, status, code) in [
        (
            format!("handle={unknown}"),
            StatusCode::NOT_FOUND,
            "\"not_found\"",
        ),
        (
            format!("handle={own}"),
            StatusCode::CONFLICT,
            "\"current_session\"",
        ),
        (
            "handle=not-a-handle".to_owned(),
            StatusCode::BAD_REQUEST,
            "\"invalid_handle\"",
        ),
        (String::new(), StatusCode::BAD_REQUEST, "{\"request\":"),
    ] {
        let reply = a
            .send_body("POST", "/api/sessions/revoke", FETCH, body.clone().into_bytes())
            .await?;
        assert_eq!(reply.status, status, "revoke {body:?}: {}", reply.body);
        assert!(reply.body.starts_with(code), "revoke {body:?}: {}", reply.body);
        let err: leptos_sessions::SessionsError = serde_json::from_str(&reply.body)?;
        assert_eq!(err.status(), status.as_u16());
    }
    // The JSON API gives the same codes.
    let reply = a.send("DELETE", &format!("/api/v1/sessions/{unknown}")).await?;
    assert_eq!(
        (reply.status, reply.body.contains("\"not_found\"")),
        (StatusCode::NOT_FOUND, true)
    );
    let reply = a.send("DELETE", &format!("/api/v1/sessions/{own}")).await?;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    // Signed out: 401 on both.
    let mut stranger = Device::new(app.clone(), MAC_CHROME);
    let reply = stranger
        .send_body("POST", "/api/sessions/devices", FETCH, Vec::new())
        .await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (StatusCode::UNAUTHORIZED, "\"not_signed_in\"")
    );
    assert_eq!(
        stranger.send("GET", "/api/v1/sessions").await?.status,
        StatusCode::UNAUTHORIZED
    );
    // The newer server functions answer typed refusals too, signed out or in.
    let long = "token=".repeat(5000);
    for (signed_in, path, body, status, code) in [
        (
            false,
            "/api/sessions/disavow",
            "token=x",
            StatusCode::NOT_FOUND,
            "\"invalid_link\"",
        ),
        (
            false,
            "/api/sessions/disavow_details",
            "token=x",
            StatusCode::NOT_FOUND,
            "\"invalid_link\"",
        ),
        (
            false,
            "/api/sessions/rename",
            "handle=x&name=y",
            StatusCode::UNAUTHORIZED,
            "\"not_signed_in\"",
        ),
        (
            true,
            "/api/sessions/rename",
            "handle=x&name=y",
            StatusCode::BAD_REQUEST,
            "\"invalid_handle\"",
        ),
        (
            false,
            "/api/sessions/disavow",
            long.as_str(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "\"too_large\"",
        ),
    ] {
        let device = if signed_in { &mut a } else { &mut stranger };
        let reply = device
            .send_body("POST", path, FETCH, body.as_bytes().to_vec())
            .await?;
        assert_eq!((reply.status, reply.body.as_str()), (status, code), "{path}");
    }

    // Bodies over the limit: 413 whether declared or streamed, on the
    // library's server functions, the JSON API, the demo's own server
    // functions and its forms.
    let big = vec![b'a'; 3 * 1024 * 1024];
    let declared = big.len().to_string();
    for path in [
        "/api/sessions/revoke",
        "/api/sessions/devices",
        "/api/v1/sessions/revoke-others",
        "/api/demo/me",
        "/auth/sign-in",
        "/auth/password",
    ] {
        let mut with_length = FETCH.to_vec();
        with_length.push(("content-length", &declared));
        for (how, headers) in [("declared", with_length.as_slice()), ("streamed", FETCH)] {
            let reply = a.send_body("POST", path, headers, big.clone()).await?;
            assert_eq!(
                reply.status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{how} {path}: {}",
                reply.body
            );
        }
    }
    // Under the demo's own limit (64 KiB), over the library's (16 KiB): the
    // library's typed answer, which the wasm client decodes.
    let medium = vec![b'a'; 32 * 1024];
    let reply = a.send_body("POST", "/api/sessions/revoke", FETCH, medium).await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "\"too_large\"")
    );
    // Nothing was lost: both devices are still signed in.
    assert_eq!(a.send("GET", "/api/v1/sessions").await?.status, StatusCode::OK);
    assert_eq!(b.send("GET", "/api/v1/sessions").await?.status, StatusCode::OK);

    // Two session cookies in one request: the same answer whichever comes
    // first (anonymous), and neither session is harmed.
    let a_cookie = a.session_cookie().cloned().expect("a's cookie");
    let b_cookie = b.session_cookie().cloned().expect("b's cookie");
    let mut answers = Vec::new();
    for (first, second) in [
        (&a_cookie, &b_cookie),
        (&b_cookie, &a_cookie),
        (&a_cookie, &"garbage".to_owned()),
    ] {
        let cookie = format!("__Host-session={first}; __Host-session={second}");
        let mut bare = Device::new(app.clone(), MAC_CHROME);
        let reply = bare
            .send_with("GET", "/api/v1/sessions", &[("cookie", &cookie)])
            .await?;
        answers.push((reply.status, reply.body));
    }
    assert!(
        answers.iter().all(|a| a.0 == StatusCode::UNAUTHORIZED),
        "{answers:?}"
    );
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(a.send("GET", "/api/v1/sessions").await?.status, StatusCode::OK);
    assert_eq!(b.send("GET", "/api/v1/sessions").await?.status, StatusCode::OK);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case36_sign_in_is_rate_limited_per_client_ip_and_hashing_is_capped() -> Result<()> {
    let (app, _db) = demo_rated(
        false,
        host::SignInRate {
            burst: 3,
            per_minute: 1,
        },
    )
    .await?;
    let mut guesser = Device::new(app.clone(), WIN_FIREFOX);
    for n in 0..3 {
        let reply = sign_in(&mut guesser, "ada@example.com", "wrong-guess").await?;
        assert!(reply.status.is_redirection(), "guess {n}: {}", reply.status);
    }
    // The burst is spent: refused before any password is checked, even the right one.
    for (path, body) in [
        ("/auth/sign-in", "email=ada@example.com&password=lovelace-1815"),
        ("/auth/magic-link", "email=ada@example.com"),
    ] {
        let reply = post(&mut guesser, path, body).await?;
        assert_eq!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{path}: {}",
            reply.body
        );
        assert!(
            reply.headers.contains_key("retry-after"),
            "{path}: {:?}",
            reply.headers
        );
    }
    assert!(guesser.session_cookie().is_none());
    // Another client IP has its own budget.
    let mut other = Device::new(app.clone(), MAC_CHROME);
    other.ip = "198.51.100.20".parse()?;
    let reply = sign_in(&mut other, "ada@example.com", "lovelace-1815").await?;
    assert_eq!(location(&reply), "/settings");

    // However many sign-ins arrive at once, at most MAX_CONCURRENT_HASHES
    // argon2 computations run together.
    let (app, _db) = demo().await.map(|app| (app, ()))?;
    let mut tasks = Vec::new();
    for n in 0..12u8 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let mut d = Device::new(app, MAC_CHROME);
            d.ip = std::net::IpAddr::from([198, 51, 100, n]);
            sign_in(&mut d, "grace@example.com", "not-her-password")
                .await
                .map(|r| r.status)
        }));
    }
    for task in tasks {
        let status = task.await??;
        assert!(
            status.is_redirection() || status == StatusCode::SERVICE_UNAVAILABLE,
            "{status}"
        );
    }
    let peak = host::users::peak_concurrent_hashes();
    assert!(
        (1..=host::users::MAX_CONCURRENT_HASHES).contains(&peak),
        "{peak} concurrent hashes"
    );
    Ok(())
}

/// Regression: these tests once ran one at a time because an SSR page of one
/// app stalled, about one run in five, while another test built its router.
/// Listing the routes suppresses resource loads through a process-global
/// flag (leptos-rs/leptos#4773); a resource first polled in that window
/// waited forever. The demo lists its routes once per process. Here routers
/// are built on purpose while another app renders pages that await resources.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_another_router_never_stalls_a_serving_apps_pages() -> Result<()> {
    let app = demo().await?;
    let mut a = Device::new(app, MAC_CHROME);
    sign_in(&mut a, "ada@example.com", "lovelace-1815").await?;
    let builders = tokio::spawn(async {
        for _ in 0..6 {
            let _router = demo().await?;
        }
        anyhow::Ok(())
    });
    // Pages rendered all the while routers are built (and a few at least,
    // however fast the builds), each within the request timeout (30 s).
    let mut pages = 0;
    while !builders.is_finished() || pages < 3 {
        let page = a.send("GET", "/settings").await?;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Chrome 137 on macOS"));
        pages += 1;
    }
    builders.await??;
    Ok(())
}
