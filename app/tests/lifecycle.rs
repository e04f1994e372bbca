//! Timeouts, sweep, retention, password change and erasure, on every backend.
//! Time is injected ([`ManualClock`]); nothing sleeps.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::time::Duration;

use anyhow::Result;
use common::{MAC_CHROME, TestApp, WIN_FIREFOX};
use leptos_sessions::server::{RegistryCache, RevokeReason, TimeoutPreset};
use leptos_sessions_entity::{event, session};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

backend_tests!(
    cached_sessions_ride_out_a_registry_outage,
    per_user_cap_evicts_the_oldest_as_pruned,
    racing_revocations_write_one_event_per_session,
    a_browser_signing_in_again_replaces_its_older_row,
    touch_is_throttled_and_off_with_touch_every_none,
    second_factor_and_detail_reach_the_row_and_the_event,
    false_and_none_settings_turn_their_behaviour_off,
    case10_idle_timeout_ends_session_with_expired_event,
    case11_absolute_lifetime_ends_an_active_session,
    case12_expired_session_is_not_revived_by_sign_in_page_visit,
    case13_server_clock_decides,
    case14_sweep_leaves_exactly_the_valid_session,
    case21_password_change_ends_every_other_session,
    password_change_is_one_transaction_and_rotates_the_current_id,
    case22_disabled_user_sessions_fail_next_request,
    case29_retention_purges_to_the_day,
    case32_store_outage_answers_503_keeps_cookie_and_recovers,
    failed_login_records_identity_never_account,
    forget_erases_rows_trail_and_identities,
    retention_purges_a_large_backlog_in_batches,
    trail_outage_never_breaks_login_or_logout,
    the_readers_time_zone_is_the_hosts_then_the_browsers_then_utc,
    a_hosts_own_sign_in_method_is_stored_and_labelled_per_locale,
    second_factors_show_on_rows_history_step_ups_and_failed_codes,
    a_cdns_location_headers_win_over_the_ip_lookup_when_configured,
);

const MIN: Duration = Duration::from_secs(60);

async fn events(db: &DatabaseConnection, kind: &str) -> Result<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::Kind.eq(kind))
        .all(db)
        .await?)
}

async fn case10_idle_timeout_ends_session_with_expired_event(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.idle_timeout = Some(15 * MIN)).await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    app.clock.advance(15 * MIN - Duration::from_secs(1));
    assert_eq!(d.whoami().await?, "ada", "valid at idle - 1 s");
    // That request was activity: the idle timer restarts from it.
    app.clock.advance(15 * MIN + Duration::from_secs(1));
    assert_eq!(d.whoami().await?, "", "ended at idle + 1 s");
    let expired = events(app.db(), "expired").await?;
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].reason.as_deref(), Some("idle_timeout"));
    assert_eq!(expired[0].user_id.as_deref(), Some("ada"));
    assert_eq!(session::Entity::find().count(app.db()).await?, 0);
    Ok(())
}

async fn case11_absolute_lifetime_ends_an_active_session(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| {
        *c = c.clone().with_timeout_preset(TimeoutPreset::NistAal2)
    })
    .await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    // Active every minute for 24 hours: never idle, still ends.
    let mut ended_at = None;
    for minute in 1..=(25 * 60) {
        app.clock.advance(MIN);
        if d.whoami().await?.is_empty() {
            ended_at = Some(minute);
            break;
        }
    }
    assert_eq!(ended_at, Some(24 * 60 + 1));
    let expired = events(app.db(), "expired").await?;
    assert_eq!(expired[0].reason.as_deref(), Some("max_lifetime"));
    Ok(())
}

async fn case12_expired_session_is_not_revived_by_sign_in_page_visit(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.idle_timeout = Some(15 * MIN)).await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    let old = d.session_cookie().cloned().expect("cookie");
    app.clock.advance(16 * MIN);
    assert_eq!(d.whoami().await?, "");
    // Any later request with the old cookie, writing data or not, stays anonymous.
    let mut replay = app.device(MAC_CHROME);
    replay.jar.insert("__Host-session".into(), old);
    replay.send("POST", "/cart").await?;
    assert_eq!(replay.whoami().await?, "");
    assert_eq!(
        session::Entity::find()
            .filter(session::Column::UserId.is_not_null())
            .count(app.db())
            .await?,
        0
    );
    Ok(())
}

async fn case13_server_clock_decides(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let now = leptos_sessions::server::Clock::now_ms(&app.clock);
    d.send_with(
        "POST",
        "/login/ada",
        &[("date", "Thu, 01 Jan 2099 00:00:00 GMT"), ("x-timestamp", "0")],
    )
    .await?;
    let row = session::Entity::find().one(app.db()).await?.expect("row");
    assert_eq!(row.created_at, now);
    assert_eq!(row.last_seen_at, now);
    assert_eq!(row.authenticated_at, Some(now));
    Ok(())
}

async fn case14_sweep_leaves_exactly_the_valid_session(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.idle_timeout = Some(60 * MIN)).await?;
    let mut stale = app.device(MAC_CHROME);
    stale.login("ada").await?;
    app.clock.advance(61 * MIN);
    let mut fresh = app.device(WIN_FIREFOX);
    fresh.login("ada").await?;
    let report = app.sessions.sweep().await?;
    assert_eq!(report.expired_sessions, 1);
    assert_eq!(session::Entity::find().count(app.db()).await?, 1);
    assert_eq!(fresh.whoami().await?, "ada");
    assert_eq!(stale.whoami().await?, "");
    Ok(())
}

async fn case21_password_change_ends_every_other_session(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    let mut grace = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    b.login("ada").await?;
    grace.login("grace").await?;
    // Without a current session (e.g. a reset link), all of ada's sessions end.
    let ended = app.sessions.password_changed("ada", None).await?;
    assert_eq!(ended, 2);
    assert_eq!(a.whoami().await?, "");
    assert_eq!(b.whoami().await?, "");
    assert_eq!(grace.whoami().await?, "grace");
    let revoked = events(app.db(), "revoked").await?;
    assert_eq!(revoked.len(), 2);
    assert!(
        revoked
            .iter()
            .all(|e| e.reason.as_deref() == Some("password_change"))
    );
    Ok(())
}

async fn password_change_is_one_transaction_and_rotates_the_current_id(db: DatabaseConnection) -> Result<()> {
    use sea_orm::ConnectionTrait as _;
    db.execute_unprepared("CREATE TABLE host_password_log (note VARCHAR(20))")
        .await?;
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    b.login("ada").await?;
    let before = a.devices().await?;
    let old_cookie = a.session_cookie().cloned().expect("a's cookie");
    let log_rows = |db: DatabaseConnection| async move {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT note FROM host_password_log",
            ))
            .await?;
        anyhow::Ok(rows.len())
    };

    // The host's write fails after it ran: rolled back, and nobody is signed out.
    let reply = a.send("POST", "/change-password/fail").await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (http::StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    );
    assert_eq!(
        log_rows(app.db().clone()).await?,
        0,
        "the host's write was rolled back"
    );
    assert_eq!(b.whoami().await?, "ada");
    assert_eq!(a.session_cookie(), Some(&old_cookie), "no rotation either");
    assert!(events(app.db(), "revoked").await?.is_empty());

    // It succeeds: the write and the end of B commit together.
    let reply = a.send("POST", "/change-password/ok").await?;
    assert_eq!((reply.status, reply.body.as_str()), (http::StatusCode::OK, "1"));
    assert_eq!(log_rows(app.db().clone()).await?, 1);
    assert_eq!(b.whoami().await?, "");
    let revoked = events(app.db(), "revoked").await?;
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].reason.as_deref(), Some("password_change"));

    // A has a new id; the old one is worthless; the row is the same device.
    let new_cookie = a.session_cookie().cloned().expect("a's new cookie");
    assert_ne!(new_cookie, old_cookie);
    assert_eq!(a.whoami().await?, "ada");
    let mut replay = app.device(MAC_CHROME);
    replay.jar.insert("__Host-session".into(), old_cookie);
    assert_eq!(replay.whoami().await?, "", "the old id signs nobody in");
    let after = a.devices().await?;
    assert_eq!(after.devices.len(), 1);
    let (was, is) = (
        before.devices.iter().find(|d| d.current).expect("current"),
        &after.devices[0],
    );
    assert!(is.current);
    assert_eq!(
        (&is.handle, is.signed_in_at, &is.name),
        (&was.handle, was.signed_in_at, &was.name)
    );
    // No `logout` event for the rotation: it is not a sign-out.
    assert!(events(app.db(), "logout").await?.is_empty());
    Ok(())
}

async fn case22_disabled_user_sessions_fail_next_request(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    a.login("ada").await?;
    b.login("ada").await?;
    assert_eq!(
        app.sessions.revoke_all("ada", RevokeReason::AdminRevoked).await?,
        2
    );
    assert_eq!(a.whoami().await?, "");
    assert_eq!(b.whoami().await?, "");
    assert_eq!(events(app.db(), "revoked").await?.len(), 2);
    Ok(())
}

async fn case29_retention_purges_to_the_day(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| {
        c.events_retention = Some(Duration::from_secs(30 * 86_400))
    })
    .await?;
    const DAY: Duration = Duration::from_secs(86_400);
    let mut old = app.device(MAC_CHROME);
    old.login("old").await?; // event at t0
    app.clock.advance(2 * DAY);
    let mut young = app.device(MAC_CHROME);
    young.login("young").await?; // event at t0 + 2 days
    // t0 + 31 days: "old" is at limit + 1 day, "young" at limit - 1 day.
    app.clock.advance(29 * DAY);
    let report = app.sessions.sweep().await?;
    assert_eq!(report.purged_events, 1);
    let left = events(app.db(), "login").await?;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].user_id.as_deref(), Some("young"));
    Ok(())
}

async fn forget_erases_rows_trail_and_identities(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    a.login("ada").await?;
    let mut g = app.device(MAC_CHROME);
    g.login("grace").await?;
    // A failed attempt typed with ada's identity.
    a.send("POST", "/fail/ada@example.com").await?;
    let (sessions, events_removed) = app.sessions.forget("ada", &["ADA@example.com "]).await?;
    assert_eq!(sessions, 1);
    assert!(events_removed >= 1);
    assert_eq!(a.whoami().await?, "");
    assert_eq!(g.whoami().await?, "grace");
    let all = event::Entity::find().all(app.db()).await?;
    assert!(all.iter().all(|e| e.user_id.as_deref() != Some("ada")));
    assert!(
        all.iter()
            .all(|e| e.identity.as_deref() != Some("ada@example.com"))
    );
    Ok(())
}

async fn failed_login_records_identity_never_account(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    a.login("ada").await?; // the account exists
    let mut x = app.device(WIN_FIREFOX);
    x.send("POST", "/fail/%20Ada@Example.COM%20").await?;
    let failed = events(app.db(), "failed_login").await?;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].identity.as_deref(), Some("ada@example.com"));
    assert_eq!(failed[0].user_id, None, "never linked to an account");
    assert_eq!(failed[0].reason.as_deref(), Some("invalid_password"));
    assert_eq!(failed[0].device_name.as_deref(), Some("Firefox 139 on Windows"));
    Ok(())
}

async fn rename(db: &DatabaseConnection, from: &str, to: &str) -> Result<()> {
    db.execute_unprepared(&format!("ALTER TABLE {from} RENAME TO {to}"))
        .await?;
    Ok(())
}

async fn case32_store_outage_answers_503_keeps_cookie_and_recovers(db: DatabaseConnection) -> Result<()> {
    // Without the registry cache: every request reaches the store (a cached
    // session would, rightly, keep being served during the outage; see
    // `cached_sessions_ride_out_a_registry_outage`).
    let app = TestApp::with_config(db, |c| c.registry_cache = RegistryCache::Off).await?;
    let mut live = app.device(MAC_CHROME);
    let mut revoked = app.device(WIN_FIREFOX);
    live.login("ada").await?;
    let handle = revoked.login("ada").await?;
    let reply = live.send("POST", &format!("/revoke/{handle}")).await?;
    assert_eq!(reply.status, axum::http::StatusCode::NO_CONTENT);

    // The registry becomes unreachable (here: a table missing mid-deploy).
    rename(app.db(), "leptos_sessions", "leptos_sessions_away").await?;
    let cookie = live.session_cookie().cloned();
    let reply = live.send("GET", "/me").await?;
    assert_eq!(reply.status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.headers.get("retry-after").is_some());
    assert!(
        reply
            .set_cookies()
            .iter()
            .all(|c| !c.starts_with("__Host-session=")),
        "cookie kept"
    );
    assert_eq!(live.session_cookie().cloned(), cookie);

    // It comes back: live sessions are live, revoked ones stay revoked.
    rename(app.db(), "leptos_sessions_away", "leptos_sessions").await?;
    assert_eq!(live.whoami().await?, "ada");
    assert_eq!(revoked.whoami().await?, "");
    Ok(())
}

async fn trail_outage_never_breaks_login_or_logout(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    rename(app.db(), "leptos_session_events", "leptos_session_events_away").await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    assert_eq!(d.whoami().await?, "ada");
    d.send("POST", "/fail/someone@example.com").await?;
    let reply = d.send("POST", "/logout").await?;
    assert_eq!(reply.status, axum::http::StatusCode::NO_CONTENT);
    assert_eq!(d.whoami().await?, "");
    rename(app.db(), "leptos_session_events_away", "leptos_session_events").await?;
    Ok(())
}

async fn cached_sessions_ride_out_a_registry_outage(db: DatabaseConnection) -> Result<()> {
    // With the cache (SingleInstance caches on every backend): a session
    // served before the outage is still served during it — nobody is logged
    // out by an outage — and a session revoked before it stays revoked.
    let app = TestApp::with_config(db, |c| c.registry_cache = RegistryCache::SingleInstance).await?;
    let mut live = app.device(MAC_CHROME);
    let mut revoked = app.device(WIN_FIREFOX);
    live.login("ada").await?;
    let handle = revoked.login("ada").await?;
    assert_eq!(live.whoami().await?, "ada");
    assert_eq!(revoked.whoami().await?, "ada");
    live.send("POST", &format!("/revoke/{handle}")).await?;
    rename(app.db(), "leptos_sessions", "leptos_sessions_away").await?;
    // Within the touch interval no write is due: the cached row answers.
    let reply = live.send("GET", "/me").await?;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (axum::http::StatusCode::OK, "ada")
    );
    // The revoked row was evicted: a cache miss needs the database, which is
    // away — a clear 503 (never the revoked session, never anonymous).
    let reply = revoked.send("GET", "/me").await?;
    assert_eq!(
        reply.status,
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.body
    );
    assert!(
        revoked.session_cookie().is_some(),
        "the cookie is kept through an outage"
    );
    rename(app.db(), "leptos_sessions_away", "leptos_sessions").await?;
    assert_eq!(live.whoami().await?, "ada");
    assert_eq!(revoked.whoami().await?, "");
    Ok(())
}

async fn retention_purges_a_large_backlog_in_batches(db: DatabaseConnection) -> Result<()> {
    use sea_orm::ActiveValue::Set;
    let app = TestApp::with_config(db, |c| c.events_retention = Some(Duration::from_secs(86_400))).await?;
    let now = leptos_sessions::server::Clock::now_ms(&app.clock);
    // 2.5 batches of expired rows, interleaved by id with rows to keep.
    let total: u64 = 12_500;
    let rows: Vec<event::ActiveModel> = (0..total)
        .map(|i| event::ActiveModel {
            kind: Set("failed_login".into()),
            identity: Set(Some(format!("u{i}@example.com"))),
            new_device: Set(false),
            occurred_at: Set(if i % 5 == 0 { now } else { now - 2 * 86_400_000 }),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(1000) {
        event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(app.db())
            .await?;
    }
    let report = app.sessions.sweep().await?;
    assert_eq!(report.purged_events, total * 4 / 5);
    assert_eq!(event::Entity::find().count(app.db()).await?, total / 5);
    assert_eq!(app.sessions.sweep().await?.purged_events, 0);
    Ok(())
}

async fn per_user_cap_evicts_the_oldest_as_pruned(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.max_sessions_per_user = Some(3)).await?;
    let mut browsers = Vec::new();
    for _ in 0..5 {
        let mut d = app.device(WIN_FIREFOX);
        d.login("ada").await?;
        browsers.push(d);
        app.clock.advance(Duration::from_secs(1));
    }
    let mut grace = app.device(MAC_CHROME);
    grace.login("grace").await?;
    let who: Vec<String> = {
        let mut v = Vec::new();
        for d in &mut browsers {
            v.push(d.whoami().await?);
        }
        v
    };
    assert_eq!(who, ["", "", "ada", "ada", "ada"], "the two oldest are evicted");
    let pruned = events(app.db(), "revoked").await?;
    assert_eq!(pruned.len(), 2);
    assert!(pruned.iter().all(|e| e.reason.as_deref() == Some("pruned")));
    assert_eq!(
        grace.whoami().await?,
        "grace",
        "another user's sessions are not counted"
    );
    Ok(())
}

async fn a_browser_signing_in_again_replaces_its_older_row(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    let old = d.session_cookie().cloned().expect("cookie");
    // The session cookie is lost (cleared, expired in the browser); the
    // browser-continuity cookie stays: its next sign-in replaces the row.
    d.jar.remove("__Host-session");
    d.login("ada").await?;
    assert_eq!(d.devices().await?.devices.len(), 1, "one row per browser");
    let revoked = events(app.db(), "revoked").await?;
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].reason.as_deref(), Some("pruned"));
    let mut replay = app.device(MAC_CHROME);
    replay.jar.insert("__Host-session".into(), old);
    assert_eq!(replay.whoami().await?, "");
    // A different browser of the same user is a second row.
    let mut other = app.device(WIN_FIREFOX);
    other.login("ada").await?;
    assert_eq!(d.devices().await?.devices.len(), 2);
    Ok(())
}

async fn last_seen(db: &DatabaseConnection) -> Result<Vec<i64>> {
    Ok(session::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.last_seen_at)
        .collect())
}

async fn touch_is_throttled_and_off_with_touch_every_none(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db.clone(), |c| c.touch_every = Some(Duration::from_secs(60))).await?;
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    let signed_in = last_seen(app.db()).await?;
    app.clock.advance(Duration::from_secs(30));
    assert_eq!(d.whoami().await?, "ada");
    assert_eq!(
        last_seen(app.db()).await?,
        signed_in,
        "no write inside the interval"
    );
    app.clock.advance(Duration::from_secs(31));
    assert_eq!(d.whoami().await?, "ada");
    let touched = last_seen(app.db()).await?;
    assert_eq!(touched.len(), 1);
    assert_eq!(
        touched[0],
        signed_in[0] + 61_000,
        "written once the interval passed"
    );

    let off = TestApp::with_config(common::sqlite().await?, |c| c.touch_every = None).await?;
    let mut e = off.device(MAC_CHROME);
    e.login("ada").await?;
    let at_login = last_seen(off.db()).await?;
    for _ in 0..3 {
        off.clock.advance(Duration::from_secs(3600));
        assert_eq!(e.whoami().await?, "ada");
    }
    assert_eq!(
        last_seen(off.db()).await?,
        at_login,
        "touch_every = None never writes"
    );
    Ok(())
}

async fn second_factor_and_detail_reach_the_row_and_the_event(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let reply = d.send("POST", "/login-2fa/ada").await?;
    assert_eq!(reply.status, http::StatusCode::OK, "{}", reply.body);
    let row = session::Entity::find().one(app.db()).await?.expect("a row");
    assert_eq!(row.second_factor.as_deref(), Some("totp"));
    let detail: serde_json::Value = serde_json::from_str(row.auth_detail.as_deref().expect("detail"))?;
    assert_eq!(detail["user_verified"], true);
    let login = events(app.db(), "login").await?;
    assert_eq!(login.len(), 1);
    assert_eq!(login[0].second_factor.as_deref(), Some("totp"));
    assert!(
        login[0]
            .auth_detail
            .as_deref()
            .unwrap_or_default()
            .contains("user_verified")
    );
    Ok(())
}

async fn false_and_none_settings_turn_their_behaviour_off(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::with_config(db, |c| {
        c.track_failed_logins = false;
        c.revoke_on_password_change = false;
        c.cross_site_guard = false;
        c.max_sessions_per_user = None;
        c.events_retention = None;
    })
    .await?;
    let mut attacker = app.device(WIN_FIREFOX);
    for _ in 0..3 {
        attacker.send("POST", "/fail/ada@example.com").await?;
    }
    assert!(
        events(app.db(), "failed_login").await?.is_empty(),
        "track_failed_logins = false"
    );
    let mut browsers = Vec::new();
    for _ in 0..4 {
        let mut d = app.device(WIN_FIREFOX);
        d.login("ada").await?;
        browsers.push(d);
    }
    assert_eq!(
        app.sessions.password_changed("ada", None).await?,
        0,
        "revoke_on_password_change = false"
    );
    for d in &mut browsers {
        assert_eq!(d.whoami().await?, "ada");
    }
    // cross_site_guard = false: a foreign Origin is the host's business.
    let reply = browsers[0]
        .send_with("POST", "/revoke-others", &[("origin", "https://evil.example")])
        .await?;
    assert_eq!((reply.status, reply.body.as_str()), (http::StatusCode::OK, "3"));
    // events_retention = None: a sweep years later purges nothing.
    app.clock.advance(Duration::from_secs(5 * 365 * 86_400));
    assert_eq!(app.sessions.sweep().await?.purged_events, 0);
    assert!(!events(app.db(), "login").await?.is_empty());
    Ok(())
}

async fn racing_revocations_write_one_event_per_session(db: DatabaseConnection) -> Result<()> {
    let app = TestApp::new(db).await?;
    for _ in 0..12 {
        app.device(WIN_FIREFOX).login("ada").await?;
    }
    // Eight calls read the same rows, then race to delete them: each row
    // belongs to whichever call deleted it, and gets one event.
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let sessions = app.sessions.clone();
            tokio::spawn(async move { sessions.revoke_all("ada", RevokeReason::AdminRevoked).await })
        })
        .collect();
    let mut ended = 0;
    for call in calls {
        ended += call.await??;
    }
    assert_eq!(ended, 12);
    assert_eq!(events(app.db(), "revoked").await?.len(), 12);
    Ok(())
}

async fn the_readers_time_zone_is_the_hosts_then_the_browsers_then_utc(db: DatabaseConnection) -> Result<()> {
    use leptos_sessions::types::{DeviceList, HistoryList, ZoneSource};

    let app = TestApp::new(db).await?;
    // 2026-01-15: winter in Madrid (UTC+1).
    app.clock.set_ms(1_768_435_200_000);
    let mut d = app.device(MAC_CHROME);
    d.login("ada").await?;
    let devices = |reply: &common::Reply| serde_json::from_str::<DeviceList>(&reply.body);

    // No zone known: UTC, and the page says so (source Unknown).
    let list = devices(&d.send("GET", "/api/v1/sessions").await?)?;
    assert_eq!(
        (list.zone.name.as_deref(), list.zone.source),
        (None, ZoneSource::Unknown)
    );
    assert_eq!(list.zone.offset_at(list.now), 0);
    assert_eq!(list.zone.cookie, "__Host-tz");

    // The browser's zone, from the cookie the components set.
    d.jar.insert("__Host-tz".into(), "Europe/Madrid".into());
    let list = devices(&d.send("GET", "/api/v1/sessions").await?)?;
    assert_eq!(list.zone.name.as_deref(), Some("Europe/Madrid"));
    assert_eq!(list.zone.source, ZoneSource::Browser);
    assert_eq!(list.zone.offset_at(list.now), 3600);
    // Its offsets reach past "now" (two days) and cover the oldest time shown.
    assert!(
        list.zone
            .spans
            .first()
            .is_some_and(|s| s.from <= list.devices[0].signed_in_at)
    );
    let history: HistoryList = serde_json::from_str(&d.send("GET", "/history").await?.body)?;
    assert_eq!(history.zone.name.as_deref(), Some("Europe/Madrid"));

    // The host's setting wins over the browser's.
    let reply = d.send("GET", "/devices-in/America%2FLos_Angeles").await?;
    let list = devices(&reply)?;
    assert_eq!(list.zone.name.as_deref(), Some("America/Los_Angeles"));
    assert_eq!(list.zone.source, ZoneSource::Host);
    assert_eq!(list.zone.offset_at(list.now), -8 * 3600);
    // A zone the database does not know is refused, and changes nothing.
    assert_eq!(
        d.send("GET", "/devices-in/Mars%2FOlympus").await?.status,
        http::StatusCode::BAD_REQUEST
    );

    // A cookie that is not a zone name: ignored, UTC.
    for junk in ["..%2F..%2Fetc%2Fpasswd", "Not/AZone", "Europe/Madrid%00"] {
        d.jar.insert("__Host-tz".into(), junk.into());
        let list = devices(&d.send("GET", "/api/v1/sessions").await?)?;
        assert_eq!(
            (list.zone.name.as_deref(), list.zone.source),
            (None, ZoneSource::Unknown),
            "{junk}"
        );
    }
    Ok(())
}

async fn a_hosts_own_sign_in_method_is_stored_and_labelled_per_locale(db: DatabaseConnection) -> Result<()> {
    use leptos_sessions::{
        server::Login,
        types::{AuthMethod, DeviceList, HistoryList},
    };

    // The name is normalized; a built-in's name is that method.
    assert_eq!(Login::custom(" SAML Okta ").method_name(), "saml_okta");
    assert_eq!(Login::custom("passkey").method, AuthMethod::Passkey);
    assert_eq!(Login::custom("passkey").custom_method, None);
    assert_eq!(Login::custom("").method, AuthMethod::Unknown);
    assert_eq!(Login::custom("x".repeat(99)).method_name().len(), 40);

    let app = TestApp::with_config(db, |c| {
        c.method_labels.insert(
            "saml_okta".into(),
            [("en", "SAML via Okta"), ("es", "SAML con Okta")]
                .into_iter()
                .map(|(l, t)| (l.to_owned(), t.to_owned()))
                .collect(),
        );
    })
    .await?;
    let mut d = app.device(MAC_CHROME);
    let reply = d.send("POST", "/login-custom/ada/SAML%20Okta").await?;
    assert_eq!(reply.status, http::StatusCode::OK, "{}", reply.body);
    let mut other = app.device(WIN_FIREFOX);
    other.send("POST", "/login-custom/ada/kiosk_badge").await?;

    let list: DeviceList = serde_json::from_str(&d.send("GET", "/api/v1/sessions").await?.body)?;
    let methods: Vec<_> = list.devices.iter().map(|d| d.auth_method.as_deref()).collect();
    assert!(
        methods.contains(&Some("saml_okta")) && methods.contains(&Some("kiosk_badge")),
        "{methods:?}"
    );
    // Only the labelled methods on the list travel with it.
    assert_eq!(list.method_labels.len(), 1);
    assert_eq!(list.method_labels["saml_okta"]["es"], "SAML con Okta");
    let history: HistoryList = serde_json::from_str(&d.send("GET", "/history").await?.body)?;
    assert!(
        history
            .entries
            .iter()
            .any(|e| e.auth_method.as_deref() == Some("saml_okta"))
    );
    assert_eq!(history.method_labels["saml_okta"]["en"], "SAML via Okta");
    Ok(())
}

async fn second_factors_show_on_rows_history_step_ups_and_failed_codes(db: DatabaseConnection) -> Result<()> {
    use leptos_sessions::types::{DeviceList, HistoryKind, HistoryList};

    let app = TestApp::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    a.send("POST", "/login-2fa/ada").await?;
    let mut b = app.device(WIN_FIREFOX);
    b.login("ada").await?;
    let devices = |body: &str| serde_json::from_str::<DeviceList>(body);

    let list = devices(&a.send("GET", "/api/v1/sessions").await?.body)?;
    let factor_of = |list: &DeviceList, current: bool| {
        list.devices
            .iter()
            .find(|d| d.current == current)
            .and_then(|d| d.second_factor.clone())
    };
    assert_eq!(factor_of(&list, true).as_deref(), Some("totp"));
    assert_eq!(factor_of(&list, false), None);

    // B steps up with a security key: its row says so from then on.
    assert_eq!(
        b.send("POST", "/step-up/webauthn").await?.status,
        http::StatusCode::NO_CONTENT
    );
    let list = devices(&a.send("GET", "/api/v1/sessions").await?.body)?;
    assert_eq!(factor_of(&list, false).as_deref(), Some("webauthn"));
    // Signed out, there is nothing to step up.
    let mut stranger = app.device(WIN_FIREFOX);
    assert_eq!(
        stranger.send("POST", "/step-up/totp").await?.status,
        http::StatusCode::UNAUTHORIZED
    );

    // A wrong one-time code after a right password: the attempt says which
    // method and which factor failed.
    stranger.send("POST", "/fail-code/ada@example.com").await?;
    let history: HistoryList = serde_json::from_str(&a.send("GET", "/history").await?.body)?;
    let failed = history
        .entries
        .iter()
        .find(|e| e.kind == HistoryKind::FailedLogin)
        .expect("the failed attempt");
    assert_eq!(failed.reason.as_deref(), Some("invalid_code"));
    assert_eq!(failed.auth_method.as_deref(), Some("password"));
    assert_eq!(failed.second_factor.as_deref(), Some("totp"));
    let login = history
        .entries
        .iter()
        .find(|e| e.kind == HistoryKind::Login && e.second_factor.is_some());
    assert_eq!(login.and_then(|e| e.second_factor.as_deref()), Some("totp"));
    Ok(())
}

/// Every address is in London, as far as this lookup knows.
struct LondonGeo;

impl leptos_sessions::server::GeoLookup for LondonGeo {
    fn lookup(&self, _: std::net::IpAddr) -> Option<leptos_sessions::server::GeoInfo> {
        Some(leptos_sessions::server::GeoInfo {
            country_code: Some("GB".into()),
            country_name: Some("United Kingdom".into()),
            city: Some("London".into()),
            ..Default::default()
        })
    }
}

async fn a_cdns_location_headers_win_over_the_ip_lookup_when_configured(
    db: DatabaseConnection,
) -> Result<()> {
    use leptos_sessions::{server::GeoHeaders, types::DeviceList};

    let app = TestApp::with_config(db, |c| {
        c.geo = Some(std::sync::Arc::new(LondonGeo));
        c.geo_headers = Some(GeoHeaders::cloudflare());
    })
    .await?;
    let mut madrid = app.device(MAC_CHROME);
    let reply = madrid
        .send_with(
            "POST",
            "/login/ada",
            &[("cf-ipcountry", "ES"), ("cf-ipcity", "Madrid")],
        )
        .await?;
    assert_eq!(reply.status, http::StatusCode::OK, "{}", reply.body);
    // A request without the headers (or with Cloudflare's "unknown"): the lookup.
    let mut other = app.device(WIN_FIREFOX);
    other
        .send_with("POST", "/login/ada", &[("cf-ipcountry", "XX")])
        .await?;

    let list: DeviceList = serde_json::from_str(&madrid.send("GET", "/api/v1/sessions").await?.body)?;
    let place = |current: bool| {
        list.devices
            .iter()
            .find(|d| d.current == current)
            .and_then(|d| d.location.clone())
    };
    assert_eq!(place(true).as_deref(), Some("Madrid, Spain"));
    assert_eq!(place(false).as_deref(), Some("London, United Kingdom"));
    let login = events(app.db(), "login").await?;
    assert!(
        login
            .iter()
            .any(|e| e.city.as_deref() == Some("Madrid") && e.country_code.as_deref() == Some("ES"))
    );
    Ok(())
}
