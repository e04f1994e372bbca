//! Queries and mutations on the registry. Every query on a user's sessions is
//! scoped by `user_id`; handlers and server functions only call these.

use super::EventKind;
use leptos_sessions_entity::{event, session};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};

/// A user's live sessions, most recently active first.
pub async fn user_sessions<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    now: i64,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::LastSeenAt)
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await
}

/// One of the user's sessions by handle (owner-scoped).
pub async fn find_by_handle_and_user<C: ConnectionTrait>(
    db: &C,
    handle: &str,
    user_id: &str,
) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::Handle.eq(handle))
        .filter(session::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Deletes rows by id hash, returning how many went.
pub async fn delete_by_hashes<C: ConnectionTrait>(db: &C, hashes: Vec<String>) -> Result<u64, DbErr> {
    if hashes.is_empty() {
        return Ok(0);
    }
    let res = session::Entity::delete_many()
        .filter(session::Column::IdHash.is_in(hashes))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Updates `last_seen_at`/`last_seen_ip` and slides the expiry, but only if the
/// row was not touched since `stale_before` (one conditional UPDATE; concurrent
/// requests of one session write once).
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: i64,
    stale_before: i64,
    ip: Option<String>,
    expires_at: i64,
) -> Result<bool, DbErr> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at));
    if let Some(ip) = ip {
        update = update.col_expr(session::Column::LastSeenIp, Expr::value(ip));
    }
    let res = update
        .filter(session::Column::IdHash.eq(id_hash))
        .filter(session::Column::LastSeenAt.lt(stale_before))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// This browser's other rows for the same user (browser continuity).
pub async fn same_browser_rows<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    device_id: &str,
    except_hash: &str,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::DeviceId.eq(device_id))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::IdHash.ne(except_hash))
        .all(db)
        .await
}

/// The user's rows beyond the newest `keep` (by last activity), oldest first.
pub async fn rows_over_cap<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    keep: u64,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_desc(session::Column::LastSeenAt)
        .order_by_desc(session::Column::CreatedAt)
        .offset(keep)
        .all(db)
        .await
}

/// Whether the user ever signed in before (a first-ever login is never "new").
pub async fn has_prior_login<C: ConnectionTrait>(db: &C, user_id: &str) -> Result<bool, DbErr> {
    let count = event::Entity::find()
        .filter(event::Column::UserId.eq(user_id))
        .filter(event::Column::Kind.eq(EventKind::Login.as_str()))
        .count(db)
        .await?;
    Ok(count > 0)
}

/// Coarse device match against the user's prior logins: same device type, OS,
/// browser and app — or the same browser-continuity id.
pub async fn has_matching_device<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    device_id: Option<&str>,
    device_type: Option<&str>,
    os_name: Option<&str>,
    browser_name: Option<&str>,
    app_name: Option<&str>,
) -> Result<bool, DbErr> {
    let eq_or_null = |col: event::Column, v: Option<&str>| match v {
        Some(v) => col.eq(v),
        None => col.is_null(),
    };
    let coarse = Condition::all()
        .add(eq_or_null(event::Column::DeviceType, device_type))
        .add(eq_or_null(event::Column::OsName, os_name))
        .add(eq_or_null(event::Column::BrowserName, browser_name))
        .add(eq_or_null(event::Column::AppName, app_name));
    let mut any = Condition::any().add(coarse);
    if let Some(device_id) = device_id {
        any = any.add(event::Column::DeviceId.eq(device_id));
    }
    let count = event::Entity::find()
        .filter(event::Column::UserId.eq(user_id))
        .filter(event::Column::Kind.eq(EventKind::Login.as_str()))
        .filter(any)
        .count(db)
        .await?;
    Ok(count > 0)
}

/// Signed-in rows past an idle or absolute timeout.
pub async fn timed_out<C: ConnectionTrait>(
    db: &C,
    idle_before: Option<i64>,
    authenticated_before: Option<i64>,
) -> Result<Vec<session::Model>, DbErr> {
    let mut any = Condition::any();
    if let Some(t) = idle_before {
        any = any.add(session::Column::LastSeenAt.lt(t));
    }
    if let Some(t) = authenticated_before {
        any = any.add(session::Column::AuthenticatedAt.lt(t));
    }
    session::Entity::find()
        .filter(session::Column::UserId.is_not_null())
        .filter(any)
        .all(db)
        .await
}

/// Deletes rows whose tower-sessions expiry has passed.
pub async fn delete_expired<C: ConnectionTrait>(db: &C, now: i64) -> Result<u64, DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Users with more than `cap` sessions.
pub async fn users_over_cap<C: ConnectionTrait>(db: &C, cap: u64) -> Result<Vec<String>, DbErr> {
    let cap = i64::try_from(cap).unwrap_or(i64::MAX);
    let rows: Vec<(Option<String>, i64)> = session::Entity::find()
        .select_only()
        .column(session::Column::UserId)
        .column_as(session::Column::IdHash.count(), "n")
        .filter(session::Column::UserId.is_not_null())
        .group_by(session::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, n)| *n > cap)
        .filter_map(|(u, _)| u)
        .collect())
}

/// Rows the trail purge deletes per statement: short statements, so logins
/// writing to the trail are never blocked for long while a large backlog goes.
pub const PURGE_BATCH: u64 = 5_000;

/// Deletes trail rows that occurred before `before`, in batches of
/// [`PURGE_BATCH`] (by id, oldest first; portable: no `LIMIT` in `DELETE`).
pub async fn purge_events<C: ConnectionTrait>(db: &C, before: i64) -> Result<u64, DbErr> {
    let mut total = 0;
    loop {
        // The id of the last row of this batch, if the batch is full.
        let edge: Option<i64> = event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .filter(event::Column::OccurredAt.lt(before))
            .order_by_asc(event::Column::Id)
            .offset(PURGE_BATCH - 1)
            .limit(1)
            .into_tuple()
            .one(db)
            .await?;
        let mut delete = event::Entity::delete_many().filter(event::Column::OccurredAt.lt(before));
        if let Some(edge) = edge {
            delete = delete.filter(event::Column::Id.lte(edge));
        }
        let deleted = delete.exec(db).await?.rows_affected;
        total += deleted;
        if edge.is_none() || deleted == 0 {
            return Ok(total);
        }
        // Let the requests waiting on the database go first.
        tokio::task::yield_now().await;
    }
}

/// GDPR erasure: the user's rows and trail; failed attempts with their
/// identities keep the row (IP counts) but lose the identity.
pub async fn forget<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    identities: Vec<String>,
) -> Result<(u64, u64), DbErr> {
    let sessions = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected;
    let events = event::Entity::delete_many()
        .filter(event::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected;
    if !identities.is_empty() {
        event::Entity::update_many()
            .col_expr(event::Column::Identity, Expr::value(Option::<String>::None))
            .filter(event::Column::Identity.is_in(identities))
            .exec(db)
            .await?;
    }
    Ok((sessions, events))
}

/// Distinct normalized identities `user_id` signed in with.
pub async fn identities_of<C: ConnectionTrait>(db: &C, user_id: &str) -> Result<Vec<String>, DbErr> {
    let rows: Vec<Option<String>> = event::Entity::find()
        .select_only()
        .column(event::Column::Identity)
        .filter(event::Column::UserId.eq(user_id))
        .filter(event::Column::Kind.eq(EventKind::Login.as_str()))
        .filter(event::Column::Identity.is_not_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().filter(|i| !i.is_empty()).collect())
}

/// The newest login event of the browser with continuity id `device_id`.
pub async fn last_login_of_device<C: ConnectionTrait>(
    db: &C,
    device_id: &str,
) -> Result<Option<event::Model>, DbErr> {
    event::Entity::find()
        .filter(event::Column::DeviceId.eq(device_id))
        .filter(event::Column::Kind.eq(EventKind::Login.as_str()))
        .order_by_desc(event::Column::OccurredAt)
        .order_by_desc(event::Column::Id)
        .one(db)
        .await
}

/// Failed attempts with `identity` since `since`, up to and including the
/// event with id `up_to` (so exactly one attempt sees the threshold count).
pub async fn failures_up_to<C: ConnectionTrait>(
    db: &C,
    identity: &str,
    since: i64,
    up_to: i64,
) -> Result<u64, DbErr> {
    event::Entity::find()
        .filter(event::Column::Kind.eq(EventKind::FailedLogin.as_str()))
        .filter(event::Column::Identity.eq(identity))
        .filter(event::Column::OccurredAt.gte(since))
        .filter(event::Column::Id.lte(up_to))
        .count(db)
        .await
}

/// Which of `handles` came from a login flagged as a new device.
pub async fn new_device_handles<C: ConnectionTrait>(
    db: &C,
    handles: Vec<String>,
) -> Result<Vec<String>, DbErr> {
    if handles.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Option<String>> = event::Entity::find()
        .select_only()
        .column(event::Column::SessionHandle)
        .filter(event::Column::SessionHandle.is_in(handles))
        .filter(event::Column::Kind.eq(EventKind::Login.as_str()))
        .filter(event::Column::NewDevice.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}
