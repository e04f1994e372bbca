//! # leptos-sessions
//!
//! GitHub-style "Your devices" for Leptos + axum apps: every signed-in device
//! with a readable name ("Chrome 137 on macOS"), approximate location, last
//! activity and how it signed in; "log out that device" and "sign out
//! everywhere else" that take effect on the device's very next request; an
//! append-only trail of every login attempt, failed ones included; and a
//! "Last used" badge for the sign-in page. It **observes** the host's own
//! authentication and never replaces it: no passwords, no sign-up, no 2FA.
//!
//! The pieces:
//!
//! * [`server::Sessions`] — the handle (database, configuration, clock). Its
//!   [`layer`](server::Sessions::layer) is a `tower_sessions` 0.14 session
//!   manager over the **registry** (one row per session, keyed by the SHA-256
//!   of the session id), a cross-site request guard and a per-request tracker.
//!   Ending a session deletes its row, so a revoked device is anonymous on its
//!   next request.
//! * [`server::CurrentSession`] — the request's session, an axum extractor
//!   with the seams the host calls: [`login`](server::CurrentSession::login)
//!   after its own credential check, [`logout`](server::CurrentSession::logout),
//!   [`record_failed_login`](server::CurrentSession::record_failed_login).
//! * [`components`] — hydrated Leptos components: [`components::SessionsPage`],
//!   [`components::Devices`], [`components::History`],
//!   [`components::LastUsedBadge`], and `use_*` families for custom markup.
//! * [`api`] — the server functions behind them (owner-scoped), and
//!   [`server::json_api`] for native apps and scripts.
//!
//! ## Quick start
//!
//! In `Cargo.toml` (leptos 0.8, axum 0.8, sea-orm 2):
//!
//! ```toml
//! [dependencies]
//! leptos-sessions = { version = "0.1", default-features = false }
//!
//! [features]
//! hydrate = ["leptos/hydrate", "leptos-sessions/hydrate"]
//! ssr = ["leptos/ssr", "leptos-sessions/ssr"]   # … next to your own
//! ```
//!
//! On the server: create the handle, migrate, wrap the router in the layer,
//! serve with the client's address.
//!
//! ```no_run
//! use std::net::SocketAddr;
//!
//! use leptos_sessions::server::{CookieKey, Sessions, SessionsConfig};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let db = sea_orm::Database::connect("sqlite://app.db?mode=rwc").await?;
//! let secret = std::env::var("SESSIONS_SECRET")?; // 32 bytes or more
//! let sessions = Sessions::new(db, SessionsConfig::new(CookieKey::new(secret)))?;
//! sessions.migrate().await?; // creates leptos_sessions + leptos_session_events
//!
//! let app = axum::Router::new()
//!     // … your routes, `leptos_routes`, server functions …
//!     .layer(sessions.layer()); // outermost: everything below sees the session
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
//! # Ok(())
//! # }
//! ```
//!
//! ## The seams: sign-in, failed attempts, sign-out
//!
//! Call [`CurrentSession::login`](server::CurrentSession::login) once *your*
//! check has passed. It cycles the session id (no fixation), records device,
//! IP, location and method, writes a `login` event and replaces this
//! browser's older row.
//!
//! ```no_run
//! use axum::{Form, response::{IntoResponse, Redirect, Response}};
//! use leptos_sessions::server::{CurrentSession, Login};
//!
//! #[derive(serde::Deserialize)]
//! struct SignIn { email: String, password: String }
//!
//! # mod my_auth { pub async fn verify(_: &str, _: &str) -> Option<String> { None } }
//! async fn sign_in(current: CurrentSession, Form(form): Form<SignIn>) -> Response {
//!     let Some(user_id) = my_auth::verify(&form.email, &form.password).await else {
//!         // The trail entry of a failed attempt: identity as typed, never a password.
//!         current.record_failed_login(&form.email, "invalid_credentials").await;
//!         return Redirect::to("/sign-in?error").into_response();
//!     };
//!     match current.login(&user_id, Login::password().identity(&form.email)).await {
//!         Ok(_) => Redirect::to("/settings").into_response(),
//!         Err(err) => err.to_string().into_response(),
//!     }
//! }
//!
//! async fn sign_out(current: CurrentSession) -> Redirect {
//!     let _ = current.logout().await; // deletes the row, clears the cookie
//!     Redirect::to("/sign-in")
//! }
//! ```
//!
//! Other methods: `Login::oauth("google")`, `Login::new(AuthMethod::Passkey)`,
//! with `.second_factor("totp")` and `.detail(json)`. In a server function the
//! same handle comes from `leptos_axum::extract::<CurrentSession>().await`.
//! When a password changes, store the new hash and end the other sessions
//! in one transaction; the session that changed it gets a new id:
//!
//! ```no_run
//! # use leptos_sessions::server::{CurrentSession, Sessions};
//! # async fn store_hash(_: &sea_orm::DatabaseTransaction, _: &str, _: &str) -> Result<(), sea_orm::DbErr> { Ok(()) }
//! # async fn run(sessions: Sessions, current: CurrentSession, new_hash: String) -> Result<(), leptos_sessions::SessionsError> {
//! let user_id = current.require_user()?;
//! let id = user_id.clone();
//! let ended = sessions
//!     .change_password(&user_id, Some(&current), move |txn| {
//!         Box::pin(async move { store_hash(txn, &id, &new_hash).await })
//!     })
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! (Users kept in another database: store the hash, then
//! `sessions.password_changed(&user_id, Some(&current))` and
//! `current.rotate_id()`.)
//!
//! ## Components
//!
//! Render them below [`i18n::I18nContextProvider`] (English and Spanish; the
//! locale follows the `i18n_pref_locale` cookie, else `Accept-Language`). Every
//! action is a real `<form>`: it works with JavaScript off. Put the routes
//! that show them on `SsrMode::Async`, so the data is in the HTML.
//!
//! ```
//! use leptos::prelude::*;
//! use leptos_sessions::{
//!     SESSIONS_CSS,
//!     components::{Devices, History, LastUsedBadge, SessionsPage, provide_sessions_actions},
//!     i18n::I18nContextProvider,
//!     types::AuthMethod,
//! };
//!
//! /// The whole page: devices, "sign out everywhere else", history.
//! #[component]
//! fn Settings() -> impl IntoView {
//!     view! {
//!         <style inner_html=SESSIONS_CSS></style>
//!         <I18nContextProvider><SessionsPage/></I18nContextProvider>
//!     }
//! }
//!
//! /// Or piece by piece inside your own page.
//! #[component]
//! fn Security() -> impl IntoView {
//!     provide_sessions_actions(); // the history refreshes after a revoke
//!     view! {
//!         <I18nContextProvider>
//!             <section><Devices/></section>
//!             <section><History limit=5/></section>
//!         </I18nContextProvider>
//!     }
//! }
//!
//! /// "Last used" next to a method on the signed-out sign-in page.
//! #[component]
//! fn SignInWithGoogle() -> impl IntoView {
//!     view! {
//!         <I18nContextProvider>
//!             <a href="/auth/google">"Sign in with Google"</a>
//!             <LastUsedBadge method=AuthMethod::Oauth provider="google"/>
//!         </I18nContextProvider>
//!     }
//! }
//! ```
//!
//! A host that runs leptos_i18n with its *own* locales leaves the library's
//! provider out and passes its current locale instead (the components then
//! set neither `<html lang>` nor a cookie; a locale they lack gives English):
//!
//! ```
//! # use leptos::prelude::*;
//! # use leptos_sessions::components::SessionsPage;
//! # mod i18n { pub use leptos_sessions::i18n::*; } // stands in for the host's own `i18n` module
//! #[component]
//! fn HostSettings() -> impl IntoView {
//!     let i18n = i18n::use_i18n(); // the host's own context
//!     leptos_sessions::components::provide_sessions_locale(move || i18n.get_locale());
//!     view! { <SessionsPage/> }
//! }
//! ```
//!
//! For your own markup, the same data and actions come from
//! [`components::use_devices`], [`components::use_history_with_options`] and
//! [`components::use_last_login`]. Styling: [`SESSIONS_CSS`].
//!
//! ## Configuration
//!
//! [`server::SessionsConfig::new`] starts from safe defaults (30-day sliding
//! sessions, `__Host-` cookies, cross-site guard on, 100 sessions per user,
//! 365 days of trail); every field is public and documented, and
//! [`server::Sessions::new`] validates the whole with a message that says
//! what to fix.
//!
//! ```no_run
//! use std::{sync::Arc, time::Duration};
//!
//! use leptos_sessions::server::{ClientIpSource, CookieKey, IpMode, MaxMindGeo, SessionsConfig, TimeoutPreset};
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut config = SessionsConfig::new(CookieKey::new(std::env::var("SESSIONS_SECRET")?))
//!     .with_timeout_preset(TimeoutPreset::NistAal2); // 1 h idle, 24 h absolute
//! config.ip_mode = IpMode::Truncated; // never store a full IP
//! // Behind a proxy: the header it sets, and its addresses (read right to left).
//! config.client_ip_source = ClientIpSource::XForwardedFor;
//! config.trusted_proxies = vec!["10.0.0.0/8".parse()?];
//! config.public_origin = Some("https://app.example.com".into()); // the cross-site guard's own origin
//! config.geo = Some(Arc::new(MaxMindGeo::open("GeoLite2-City.mmdb")?));
//! config.repeated_failed_logins = Some((5, Duration::from_secs(15 * 60)));
//! # Ok(())
//! # }
//! ```
//!
//! ## Hooks
//!
//! Async and error-isolated: each runs on its own task after the request's
//! work is done, and a hook that fails or panics never breaks a sign-in.
//!
//! ```no_run
//! use leptos_sessions::server::{Hooks, NewDevice, RepeatedFailedLogins, SessionRevoked, SessionsConfig};
//!
//! # fn run(mut config: SessionsConfig) {
//! config.hooks = Hooks::default()
//!     .on_new_device(|n: NewDevice| async move {
//!         // "New sign-in from 🇪🇸 Madrid, Spain · Firefox 139 on Windows"
//!         println!("mail {}: new sign-in from {}", n.user_id, n.event.source_line(false));
//!     })
//!     .on_session_revoked(|r: SessionRevoked| async move { println!("revoked: {:?}", r.reason) })
//!     .on_repeated_failed_logins(|r: RepeatedFailedLogins| async move {
//!         println!("{} failed {} times", r.identity, r.count)
//!     });
//! # }
//! ```
//!
//! ## The trail, for triage
//!
//! [`server::Sessions::trail`] is a composable, read-only query over every
//! event; each filter is an indexed column.
//!
//! ```no_run
//! use leptos_sessions::server::{Sessions, TrailGroup};
//!
//! # async fn run(sessions: Sessions) -> Result<(), sea_orm::DbErr> {
//! let db = sessions.db();
//! // Failed sign-ins per IP in the last 24 hours, busiest first:
//! let per_ip = sessions.trail().failed_logins().last_24_hours().count_by(TrailGroup::Ip, db).await?;
//! // Everything about one typed identity (an account-takeover investigation):
//! let events = sessions.trail().for_identity("victim@example.com").recent().limit(50).all(db).await?;
//! # Ok(())
//! # }
//! ```
//!
//! ## JSON API
//!
//! The same rules and answers as the server functions, for native apps and
//! scripts, authenticated by the session cookie: `GET /sessions`,
//! `DELETE /sessions/{handle}`, `POST /sessions/revoke-others`,
//! `GET /history?limit=n`.
//!
//! ```no_run
//! # fn run(sessions: leptos_sessions::server::Sessions) {
//! let app: axum::Router = axum::Router::new()
//!     .nest("/api/v1", leptos_sessions::server::json_api::router())
//!     .layer(sessions.layer());
//! # }
//! ```
//!
//! ## Admin and maintenance
//!
//! ```no_run
//! # use leptos_sessions::server::{Sessions, SessionHandle};
//! # async fn run(sessions: Sessions, handle: SessionHandle) -> Result<(), leptos_sessions::SessionsError> {
//! let live = sessions.sessions_of("user-42").await?; // the user's live rows
//! sessions.admin_revoke("user-42", &handle).await?; // one of them
//! sessions.admin_revoke_all("user-42").await?; // disabling or deleting the account
//! sessions.forget("user-42", &["ada@example.com"]).await?; // GDPR erasure
//! let report = sessions.sweep().await?; // expiry, timeouts, cap, retention (run hourly)
//! # Ok(())
//! # }
//! ```
//!
//! ## axum-login
//!
//! With the `axum-login` feature, axum-login 0.18 runs on the library's
//! session — one cookie, one row per device: `sessions.layer_with_auth(backend)`
//! instead of `sessions.layer()`, then one call per seam, each doing both
//! sides in the one order that keeps the row:
//! `current.login_with(&mut auth_session, &user, Login::password())`,
//! `current.logout_with(&mut auth_session)` and, after a password change,
//! `current.password_changed_with(&mut auth_session, &updated_user)`. A
//! sign-out through axum-login alone (`AuthSession::logout`, a stale
//! `session_auth_hash`) — or any `Session::flush`/`cycle_id` of a signed-in
//! session — still leaves no row and one `logout` event with the device.
//! The compiled example is on the module `server::axum_login`
//! ([docs.rs](https://docs.rs/leptos-sessions/latest/leptos_sessions/server/axum_login/index.html));
//! `examples/axum-login` in the repository is a whole app.
//!
//! ## Features
//!
//! * `ssr` — the server core ([`server`]) and the server-function bodies.
//! * `hydrate` — client-side hydration of the components.
//! * `axum-login` — axum-login 0.18 on the library's session (implies `ssr`).
//!
//! The store implements tower-sessions **0.14**'s `SessionStore`: the version
//! axum-login 0.18 and every released store build on (see
//! `examples/axum-login` in the repository for the two together).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// docs.rs (nightly) marks feature-gated items with their feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
// The guide above links into `server`, which exists with `ssr` only (the
// feature docs.rs builds with); a `hydrate`-only doc build keeps them as text.
#![cfg_attr(not(feature = "ssr"), allow(rustdoc::broken_intra_doc_links))]

/// Translations (English, Spanish) from `locales/*.json`. Wrap the
/// components in [`i18n::I18nContextProvider`] (the locale follows the
/// `i18n_pref_locale` cookie, else `Accept-Language`), or — for a host with
/// its own leptos_i18n — see [`components::provide_sessions_locale`].
// `load_locales!` is deprecated in favour of the `leptos_i18n_build` build
// script, which pulls ICU's data-export crates (with networking) into every
// build; the macro generates the same module at a fraction of the cost.
#[allow(deprecated, missing_docs, clippy::all)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
pub use i18n_gen::i18n;
// Rebuild when translations change.
const _: &[u8] = include_bytes!("../locales/en.json");
const _: &[u8] = include_bytes!("../locales/es.json");

pub mod api;
pub mod components;
pub mod error;
#[cfg(feature = "ssr")]
#[cfg_attr(docsrs, doc(cfg(feature = "ssr")))]
pub mod server;
pub mod types;

pub use error::SessionsError;

/// The components' stylesheet (`style/sessions.css`, shipped in the crate):
/// semantic `sessions-*` classes and `--sessions-*` custom properties that
/// look finished in a host without CSS of its own and stay out of the way of
/// one that has it.
///
/// The simplest way in is inline, once, in the host's `<head>` (as
/// `inner_html`: a text child would be HTML-escaped, and `>` is a CSS
/// combinator):
///
/// ```
/// use leptos::prelude::*;
///
/// #[component]
/// fn SessionsStyles() -> impl IntoView {
///     view! { <style id="leptos-sessions" inner_html=leptos_sessions::SESSIONS_CSS></style> }
/// }
/// ```
///
/// A host with a strict `style-src` CSP serves it as a file instead: write it
/// out in a build script (`std::fs::write(out, leptos_sessions::SESSIONS_CSS)`),
/// serve it from a route, or copy it into the host's own cargo-leptos
/// `style-file` and restyle it there.
pub const SESSIONS_CSS: &str = include_str!("../style/sessions.css");

/// The translations must be complete in every locale: a key missing (or
/// extra) in one locale, a placeholder that differs, an untranslated error
/// code or reason fails here, not in front of a user.
#[cfg(test)]
#[expect(
    clippy::expect_used,
    reason = "a broken locale file should fail the test loudly"
)]
mod i18n_tests {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::Value;

    const LOCALES: &[(&str, &str)] = &[
        ("en", include_str!("../locales/en.json")),
        ("es", include_str!("../locales/es.json")),
        ("fr", include_str!("../locales/fr.json")),
        ("de", include_str!("../locales/de.json")),
    ];

    /// Flattened `a.b.c` keys with their text.
    fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    let key = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    flatten(&key, value, out);
                }
            }
            Value::String(text) => {
                out.insert(prefix.to_owned(), text.clone());
            }
            other => panic!("{prefix}: unexpected {other}"),
        }
    }

    fn locale(source: &str) -> BTreeMap<String, String> {
        let value: Value = serde_json::from_str(source).expect("valid JSON");
        let mut out = BTreeMap::new();
        flatten("", &value, &mut out);
        out
    }

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split("{{")
            .skip(1)
            .filter_map(|s| s.split_once("}}").map(|(name, _)| name.trim().to_owned()))
            .collect()
    }

    /// Plural variants (`_one`, `_other`, …) count as one key.
    fn base(key: &str) -> &str {
        ["_zero", "_one", "_two", "_few", "_many", "_other"]
            .iter()
            .find_map(|suffix| key.strip_suffix(suffix))
            .unwrap_or(key)
    }

    #[test]
    fn every_locale_has_every_key_with_the_same_placeholders() {
        let (default_name, default_source) = LOCALES[0];
        let default = locale(default_source);
        for (name, source) in &LOCALES[1..] {
            let other = locale(source);
            let keys =
                |m: &BTreeMap<String, String>| m.keys().map(|k| base(k).to_owned()).collect::<BTreeSet<_>>();
            let missing: Vec<_> = keys(&default).difference(&keys(&other)).cloned().collect();
            let extra: Vec<_> = keys(&other).difference(&keys(&default)).cloned().collect();
            assert!(missing.is_empty(), "keys missing in {name}.json: {missing:?}");
            assert!(
                extra.is_empty(),
                "keys in {name}.json but not in {default_name}.json: {extra:?}"
            );
            for (key, text) in &other {
                let reference = default
                    .iter()
                    .find(|(k, _)| base(k) == base(key))
                    .map(|(_, t)| placeholders(t))
                    .unwrap_or_default();
                assert_eq!(
                    placeholders(text),
                    reference,
                    "{name}.json {key}: placeholders differ"
                );
                assert!(!text.trim().is_empty(), "{name}.json {key} is empty");
            }
        }
    }

    #[test]
    fn every_error_code_reason_and_method_is_translated() {
        for (name, source) in LOCALES {
            let keys = locale(source);
            for err in crate::SessionsError::all() {
                let key = format!("errors.{}", err.code());
                assert!(keys.contains_key(&key), "{name}.json lacks {key}");
            }
            for reason in crate::types::ReasonCode::ALL {
                let key = format!("history.reasons.{}", reason.as_str());
                assert!(keys.contains_key(&key), "{name}.json lacks {key}");
            }
            for kind in crate::types::HistoryKind::ALL {
                let key = format!("history.{}", kind.as_str());
                assert!(keys.contains_key(&key), "{name}.json lacks {key}");
            }
            for method in crate::types::AuthMethod::ALL {
                let key = format!("methods.{}", method.as_str());
                assert!(keys.contains_key(&key), "{name}.json lacks {key}");
            }
            for kind in crate::types::HistoryKind::ALL {
                let key = format!("history.{}", kind.as_str());
                assert!(keys.contains_key(&key), "{name}.json lacks {key}");
            }
            for factor in ["webauthn", "totp", "sms", "backup_code", "email", "other"] {
                let key = format!("factors.{factor}");
                assert!(keys.contains_key(&key), "{name}.json lacks {key}");
            }
            for month in [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
            ] {
                let key = format!("time.months.{month}");
                assert!(keys.contains_key(&key), "{name}.json lacks {key}");
            }
            // The date patterns name every part they are filled with.
            for (key, parts) in [
                ("time.date", &["%month", "%day"][..]),
                ("time.date_year", &["%month", "%day", "%year"]),
                ("time.exact", &["%date", "%time", "%zone"]),
                ("names.on_os", &["%what", "%os"]),
                ("names.on_model", &["%what", "%model"]),
                ("names.on_model_os", &["%what", "%model", "%os"]),
            ] {
                for part in parts {
                    assert!(keys[key].contains(part), "{name}.json {key} lacks {part}");
                }
            }
        }
    }

    #[test]
    fn the_key_comparison_catches_a_missing_key() {
        let en = locale(r#"{"a": {"b": "x", "c_one": "{{ count }}", "c_other": "{{ count }}"}}"#);
        let es = locale(r#"{"a": {"c_one": "{{ count }}", "c_other": "{{ count }}"}}"#);
        let keys =
            |m: &BTreeMap<String, String>| m.keys().map(|k| base(k).to_owned()).collect::<BTreeSet<_>>();
        assert_eq!(
            keys(&en).difference(&keys(&es)).cloned().collect::<Vec<_>>(),
            vec!["a.b".to_owned()]
        );
    }
}
