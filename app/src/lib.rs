//! # leptos-sessions
//!
//! GitHub-style "Your devices" for Leptos + axum apps: every signed-in device
//! with a readable name, "log out that device" and "sign out everywhere else"
//! that take effect on the device's very next request, and an append-only trail
//! of every login attempt. It observes the host's own authentication and never
//! replaces it.
//!
//! ## Usage (server)
//!
//! ```ignore
//! use leptos_sessions::server::{CookieKey, CurrentSession, Login, Sessions, SessionsConfig};
//!
//! let db = sea_orm::Database::connect("sqlite://app.db?mode=rwc").await?;
//! let sessions = Sessions::new(db, SessionsConfig::new(CookieKey::new(secret_bytes)))?;
//! sessions.migrate().await?;
//!
//! let app = axum::Router::new()
//!     // ... your routes, leptos_routes, server functions ...
//!     .layer(sessions.layer());
//!
//! // In your sign-in handler, after *your* credential check:
//! async fn sign_in(current: CurrentSession /* , Form(..) */) {
//!     current.login("user-42", Login::password().identity("ada@example.com")).await?;
//! }
//! ```
//!
//! ## Usage (components)
//!
//! Render [`components::SessionsPage`] — or [`components::Devices`] and
//! [`components::History`] one by one in your own settings page — anywhere
//! below [`i18n::I18nContextProvider`], and [`components::LastUsedBadge`] next
//! to each method on your sign-in page. Every action is a real form: it works
//! with JavaScript off. For your own markup, the same data comes from
//! [`components::use_devices`], [`components::use_history`] and
//! [`components::use_last_login`].
//!
//! ```ignore
//! view! {
//!     <leptos_sessions::i18n::I18nContextProvider>
//!         <SessionsPage/>
//!     </leptos_sessions::i18n::I18nContextProvider>
//! }
//! ```
//!
//! ## Features
//! * `ssr` — the server core ([`server`]) and server-function bodies.
//! * `hydrate` — client-side hydration of the components.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// docs.rs (nightly) marks feature-gated items with their feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Translations (English, Spanish) from `locales/*.json`. Wrap the
/// components in [`i18n::I18nContextProvider`]; the locale follows the
/// `i18n_pref_locale` cookie, else `Accept-Language`.
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
