//! The leptos-sessions demo host: its own users and sign-in (argon2), the
//! library's layer around its router, and a settings page that mounts the
//! library's components. Everything here is what a host app writes; the
//! library does the rest.

#![forbid(unsafe_code)]

pub mod app;
#[cfg(feature = "ssr")]
pub mod host;

pub use app::{App, shell};
