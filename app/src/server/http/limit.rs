//! Bounded bodies and typed answers for the library's own endpoints.
//!
//! Leptos reads a server function's whole body before decoding it and
//! answers every error with `500`. For the library's server functions the
//! [`Guard`](super::guard::Guard) reads at most [`MAX_BODY_BYTES`] (a
//! declared larger body is refused unread), and gives an error answer the
//! status of its [`SessionsError`]: `404 not_found`, `409 current_session`,
//! `400 invalid_handle`, `413 too_large` — the caller's mistakes, never the
//! server's. Plain `<form>` posts keep Leptos' redirect back to the page.

use axum::{
    body::{Body, Bytes},
    response::IntoResponse,
};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use leptos::server_fn::ServerFn;

use crate::{api, error::SessionsError};

/// The largest request body the library's endpoints read: their arguments
/// are a session handle or a number (16 KiB).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The largest error answer of a server function read back to type it.
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Whether `path` is one of the library's server functions.
pub(crate) fn is_own_server_fn(path: &str) -> bool {
    [
        api::ListDevices::PATH,
        api::RevokeSession::PATH,
        api::RevokeOtherSessions::PATH,
        api::ListHistory::PATH,
        api::LastLoginCall::PATH,
        api::RenameDevice::PATH,
        api::DisavowDetails::PATH,
        api::DisavowSignIn::PATH,
        api::SignedIn::PATH,
    ]
    .contains(&path)
}

/// Whether the client is a browser navigating (a plain form post), which
/// Leptos answers with a redirect back to the page.
pub(crate) fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// A declared body over the limit (`Content-Length`), refused unread.
pub(crate) fn declared_too_large(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
}

/// Reads the body of `req` (at most [`MAX_BODY_BYTES`]) and hands back a
/// request carrying it in full.
///
/// # Errors
/// [`SessionsError::TooLarge`] past the limit (declared or streamed),
/// [`SessionsError::Request`] when the body cannot be read.
pub(crate) async fn bounded(req: Request<Body>) -> Result<Request<Body>, SessionsError> {
    if declared_too_large(req.headers()) {
        return Err(SessionsError::TooLarge);
    }
    let (parts, body) = req.into_parts();
    let bytes = read(body, MAX_BODY_BYTES).await?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

async fn read(body: Body, limit: usize) -> Result<Bytes, SessionsError> {
    axum::body::to_bytes(body, limit).await.map_err(|err| {
        let err = err.into_inner();
        if err.is::<http_body_util::LengthLimitError>() {
            SessionsError::TooLarge
        } else {
            SessionsError::Request("the request body could not be read".into())
        }
    })
}

/// A server function's error answer, encoded as Leptos encodes it (JSON),
/// with the error's own status.
pub(crate) fn server_fn_error(err: &SessionsError) -> Response<Body> {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(err).unwrap_or_default();
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// Gives a server function's `500` the status of the error it carries: the
/// error the function returned, or the `request` error Leptos raises when
/// the arguments do not decode.
pub(crate) async fn typed_status(res: Response<Body>) -> Response<Body> {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<SessionsError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(err.status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Middleware of the [JSON API](super::json_api): a declared body over
/// [`MAX_BODY_BYTES`] is `413 too_large` (its handlers never read a body).
pub(crate) async fn json_api_limit(req: Request<Body>, next: axum::middleware::Next) -> Response<Body> {
    if declared_too_large(req.headers()) {
        return super::json_api::error_response(&SessionsError::TooLarge);
    }
    next.run(req).await
}

/// Drops the session cookie from a request that carries two different
/// values for it: which one a parser keeps depends on their order, so the
/// request is anonymous whichever comes first (a browser keeps one
/// `__Host-` cookie per name; two mean a hand-made or tossed header).
/// Identical copies are one cookie.
pub(crate) fn drop_ambiguous_session_cookie(headers: &mut HeaderMap, name: &str) {
    let ambiguous = {
        let mut values = super::cookie_values(headers, name);
        values.next().is_some_and(|first| values.any(|v| v != first))
    };
    if !ambiguous {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| {
            let rest: Vec<&str> = v
                .to_str()
                .ok()?
                .split(';')
                .map(str::trim)
                .filter(|pair| !pair.is_empty())
                .filter(|pair| pair.split_once('=').is_none_or(|(k, _)| k.trim() != name))
                .collect();
            if rest.is_empty() {
                return None;
            }
            HeaderValue::from_str(&rest.join("; ")).ok()
        })
        .collect();
    headers.remove(header::COOKIE);
    for value in kept {
        headers.append(header::COOKIE, value);
    }
    tracing::debug!("leptos-sessions: two different session cookies; the request is anonymous");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies(headers: &HeaderMap) -> Vec<&str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    #[test]
    fn two_different_session_cookies_are_dropped_whatever_their_order() {
        for header_value in ["s=a; theme=dark; s=b", "s=b; theme=dark; s=a"] {
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, HeaderValue::from_static(header_value));
            drop_ambiguous_session_cookie(&mut h, "s");
            assert_eq!(cookies(&h), ["theme=dark"], "{header_value}");
        }
        // Split over two headers, and nothing else left: no Cookie at all.
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("s=a"));
        h.append(header::COOKIE, HeaderValue::from_static("s=b"));
        drop_ambiguous_session_cookie(&mut h, "s");
        assert!(cookies(&h).is_empty());
    }

    #[test]
    fn one_session_cookie_or_identical_copies_are_kept() {
        for header_value in ["s=a; theme=dark", "s=a; s=a", "theme=dark", "ss=a; s=b"] {
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, HeaderValue::from_static(header_value));
            drop_ambiguous_session_cookie(&mut h, "s");
            assert_eq!(cookies(&h), [header_value]);
        }
    }

    #[test]
    fn a_declared_length_over_the_limit_is_too_large() {
        let mut h = HeaderMap::new();
        assert!(!declared_too_large(&h));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(MAX_BODY_BYTES));
        assert!(!declared_too_large(&h));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(MAX_BODY_BYTES + 1));
        assert!(declared_too_large(&h));
    }

    #[test]
    fn every_server_function_of_the_library_is_bounded() {
        for path in [
            "/api/sessions/devices",
            "/api/sessions/revoke",
            "/api/sessions/revoke_others",
            "/api/sessions/history",
            "/api/sessions/last_login",
            "/api/sessions/rename",
            "/api/sessions/disavow_details",
            "/api/sessions/disavow",
            "/api/sessions/signed_in",
        ] {
            assert!(is_own_server_fn(path), "{path}");
        }
        assert!(!is_own_server_fn("/api/whoami"));
    }
}
