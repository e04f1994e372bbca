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
//! Render [`components::SessionsPage`] (or [`components::Devices`]) anywhere
//! below [`i18n::I18nContextProvider`]. Every action is a real form: it works
//! with JavaScript off.
//!
//! ## Features
//! * `ssr` — the server core ([`server`]) and server-function bodies.
//! * `hydrate` — client-side hydration of the components.

#![forbid(unsafe_code)]

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
pub mod server;
pub mod types;

pub use error::SessionsError;
