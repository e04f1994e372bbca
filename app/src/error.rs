//! The error type of every server function. Variants are snake_case codes that
//! double as i18n keys (`errors.<code>`).

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// Why a sessions call failed. Safe to show: it never says whether another
/// user's session exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum SessionsError {
    /// No signed-in user on this request.
    #[error("not signed in")]
    NotSignedIn,
    /// No such session among yours (unknown and foreign handles alike).
    #[error("session not found")]
    NotFound,
    /// The handle is not well-formed.
    #[error("invalid session handle")]
    InvalidHandle,
    /// The current session cannot be revoked from the list; sign out instead.
    #[error("this is the current session; use sign out instead")]
    CurrentSession,
    /// The host's re-authentication gate refused the action.
    #[error("please confirm your identity first")]
    ReauthRequired,
    /// The session store is unreachable; nothing was changed.
    #[error("the session service is temporarily unavailable")]
    Unavailable,
    /// Something went wrong on the server (details are in the server log).
    #[error("internal error")]
    Internal,
    /// The request body is larger than the library's endpoints accept
    /// ([`MAX_BODY_BYTES`](crate::server::MAX_BODY_BYTES)); nothing was read.
    #[error("request body too large")]
    TooLarge,
    /// A "This wasn't me" link that is not (or no longer) valid: used,
    /// expired, tampered with or another account's all get this one answer.
    #[error("this link is not valid any more")]
    InvalidLink,
    /// A device name longer than [`MAX_DEVICE_NAME_CHARS`](crate::types::MAX_DEVICE_NAME_CHARS).
    #[error("device name too long")]
    InvalidName,
    /// Too many live streams are open (for this user or this server).
    #[error("too many live connections")]
    TooManyStreams,
    /// A transport or decoding problem.
    #[error("request failed: {0}")]
    Request(String),
}

impl SessionsError {
    /// The snake_case code, also the i18n key under `errors`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotSignedIn => "not_signed_in",
            Self::NotFound => "not_found",
            Self::InvalidHandle => "invalid_handle",
            Self::CurrentSession => "current_session",
            Self::ReauthRequired => "reauth_required",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::TooLarge => "too_large",
            Self::InvalidLink => "invalid_link",
            Self::InvalidName => "invalid_name",
            Self::TooManyStreams => "too_many_streams",
            Self::Request(_) => "request",
        }
    }

    /// Every variant, for exhaustiveness tests (e.g. one translation per code).
    pub fn all() -> Vec<Self> {
        vec![
            Self::NotSignedIn,
            Self::NotFound,
            Self::InvalidHandle,
            Self::CurrentSession,
            Self::ReauthRequired,
            Self::Unavailable,
            Self::Internal,
            Self::TooLarge,
            Self::InvalidLink,
            Self::InvalidName,
            Self::TooManyStreams,
            Self::Request(String::new()),
        ]
    }

    /// The HTTP status this error answers with (server functions and the
    /// JSON API alike): every refusal that is the caller's is a 4xx.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotSignedIn => 401,
            Self::NotFound | Self::InvalidLink => 404,
            Self::InvalidHandle | Self::InvalidName | Self::Request(_) => 400,
            Self::CurrentSession => 409,
            Self::TooLarge => 413,
            Self::TooManyStreams => 429,
            Self::ReauthRequired => 403,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for SessionsError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request(value.to_string())
    }
}
