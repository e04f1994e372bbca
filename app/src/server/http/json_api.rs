//! A JSON API for native apps and scripts, authenticated by the same session
//! cookie as the pages: the same rules and the same answers as the server
//! functions (both call [`CurrentSession`]).
//!
//! Mount it under a prefix of its own (not the bare `/api` that Leptos server
//! functions use by default: a `/api/sessions/{handle}` route would shadow
//! them), inside [`Sessions::layer`](crate::server::Sessions::layer):
//!
//! ```no_run
//! use axum::Router;
//!
//! # fn run(sessions: leptos_sessions::server::Sessions) {
//! let app: Router = Router::new()
//!     .nest("/api/v1", leptos_sessions::server::json_api::router())
//!     // ... your routes ...
//!     .layer(sessions.layer());
//! # }
//! ```
//!
//! | method | path | answer |
//! |---|---|---|
//! | `GET` | `/sessions` | `200` [`DeviceList`](crate::types::DeviceList) — yours, this one first |
//! | `DELETE` | `/sessions/{handle}` | `204`; `404 not_found` for unknown and foreign handles alike, `400 invalid_handle`, `409 current_session` |
//! | `POST` | `/sessions/revoke-others` | `200 {"revoked": n}` |
//! | `GET` | `/history?limit=n` | `200` [`HistoryList`](crate::types::HistoryList), newest first (limit 1–[`MAX_HISTORY`], default [`DEFAULT_HISTORY_LIMIT`]) |
//!
//! Errors are `{"error": "<code>", "message": "<text>"}` with the status of
//! [`SessionsError::status`]; `401 not_signed_in` without a session, `403
//! reauth_required` when the re-authentication gate refuses, `503
//! unavailable` when the database cannot be reached, `413 too_large` for a
//! body over [`MAX_BODY_BYTES`](crate::server::MAX_BODY_BYTES). Every answer is
//! `Cache-Control: no-store`. State-changing calls pass the layer's
//! cross-site guard (native clients send no `Origin` and pass).

use axum::{
    Json, Router,
    extract::{Path, Query, rejection::QueryRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{delete, get, post, put},
};
use serde::{Deserialize, Serialize};

use crate::{error::SessionsError, server::CurrentSession, types::MAX_HISTORY};

/// How many history entries `GET /history` returns without a `limit` (a page
/// for a native app's list; the cap is [`MAX_HISTORY`]).
pub const DEFAULT_HISTORY_LIMIT: u64 = 20;

/// The API's routes, to `nest` under a prefix of the host's choice.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/sessions", get(list))
        .route("/sessions/revoke-others", post(revoke_others))
        .route("/sessions/{handle}", delete(revoke))
        .route("/sessions/{handle}/name", put(rename))
        .route("/history", get(history))
        .route_layer(axum::middleware::from_fn(super::limit::json_api_limit))
}

/// The error body.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApiError {
    /// The snake_case code ([`SessionsError::code`]).
    pub error: String,
    /// A human-readable message.
    pub message: String,
}

/// The answer of `POST /sessions/revoke-others`.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Revoked {
    /// How many sessions were ended.
    pub revoked: u64,
}

/// The body and the answer of `PUT /sessions/{handle}/name`.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeviceName {
    /// The device's name; `null` or empty removes it.
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct HistoryParams {
    limit: Option<u64>,
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn answer<T: Serialize>(result: Result<T, SessionsError>) -> Response {
    no_store(match result {
        Ok(body) => (StatusCode::OK, Json(body)).into_response(),
        Err(err) => error(&err),
    })
}

/// The answer to `err`: its status, an [`ApiError`] body, `no-store`.
pub(crate) fn error_response(err: &SessionsError) -> Response {
    no_store(error(err))
}

fn error(err: &SessionsError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        Json(ApiError {
            error: err.code().to_owned(),
            message: err.to_string(),
        }),
    )
        .into_response()
}

async fn list(current: CurrentSession) -> Response {
    answer(current.list_devices().await)
}

async fn revoke(current: CurrentSession, Path(handle): Path<String>) -> Response {
    no_store(match current.revoke(&handle).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => error(&err),
    })
}

async fn rename(
    current: CurrentSession,
    Path(handle): Path<String>,
    body: Result<Json<DeviceName>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return no_store(error(&SessionsError::Request(
            "the body must be {\"name\": string or null}".into(),
        )));
    };
    let name = body.name.unwrap_or_default();
    answer(
        current
            .rename_device(&handle, &name)
            .await
            .map(|name| DeviceName { name }),
    )
}

async fn revoke_others(current: CurrentSession) -> Response {
    answer(current.revoke_others().await.map(|revoked| Revoked { revoked }))
}

async fn history(current: CurrentSession, params: Result<Query<HistoryParams>, QueryRejection>) -> Response {
    let Ok(Query(params)) = params else {
        return no_store(error(&SessionsError::Request("limit must be a number".into())));
    };
    let limit = params.limit.unwrap_or(DEFAULT_HISTORY_LIMIT);
    if !(1..=MAX_HISTORY).contains(&limit) {
        return no_store(error(&SessionsError::Request(format!(
            "limit must be between 1 and {MAX_HISTORY}"
        ))));
    }
    answer(current.history(limit).await)
}
