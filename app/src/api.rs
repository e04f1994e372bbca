//! Server functions (POST, form-encoded, so every one works from a plain
//! `<form>` with JavaScript off). Each is owner-scoped through the request's
//! [`crate::server::CurrentSession`].

use leptos::prelude::*;

use crate::{error::SessionsError, types::DeviceList};

#[cfg(feature = "ssr")]
async fn current() -> Result<crate::server::CurrentSession, SessionsError> {
    leptos_axum::extract::<crate::server::CurrentSession>()
        .await
        .map_err(|_| SessionsError::Internal)
}

/// The signed-in user's devices, this one first.
///
/// # Errors
/// [`SessionsError::NotSignedIn`], [`SessionsError::Unavailable`].
#[server(endpoint = "sessions/devices")]
pub async fn list_devices() -> Result<DeviceList, SessionsError> {
    current().await?.list_devices().await
}

/// Logs out one of the user's other devices by its public handle.
///
/// # Errors
/// [`SessionsError::InvalidHandle`], [`SessionsError::CurrentSession`],
/// [`SessionsError::NotFound`] (unknown and foreign handles alike).
#[server(endpoint = "sessions/revoke")]
pub async fn revoke_session(handle: String) -> Result<(), SessionsError> {
    current().await?.revoke(&handle).await
}

/// "Sign out of all other sessions"; returns how many were ended.
///
/// # Errors
/// [`SessionsError::NotSignedIn`], [`SessionsError::Unavailable`].
#[server(endpoint = "sessions/revoke_others")]
pub async fn revoke_other_sessions() -> Result<u64, SessionsError> {
    current().await?.revoke_others().await
}
