//! The per-login reads and the retention purge on the trail table.

use leptos_sessions_entity::event;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::types::HistoryKind;

/// Whether any event matches `condition` (one row read at most, never a
/// count over the user's whole trail).
async fn any_login<C: ConnectionTrait>(db: &C, user_id: &str, condition: Condition) -> Result<bool, DbErr> {
    let first: Option<i64> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::UserId.eq(user_id))
        .filter(event::Column::Kind.eq(HistoryKind::Login.as_str()))
        .filter(condition)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(first.is_some())
}

/// Whether the user ever signed in before (a first-ever login is never "new").
pub(crate) async fn has_prior_login<C: ConnectionTrait>(db: &C, user_id: &str) -> Result<bool, DbErr> {
    any_login(db, user_id, Condition::all()).await
}

/// Coarse device match against the user's prior logins: same device type, OS,
/// browser and app — or the same browser-continuity id (checked first, on
/// its own index).
pub(crate) async fn has_matching_device<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    device_id: Option<&str>,
    device_type: Option<&str>,
    os_name: Option<&str>,
    browser_name: Option<&str>,
    app_name: Option<&str>,
) -> Result<bool, DbErr> {
    if let Some(device_id) = device_id
        && any_login(db, user_id, Condition::all().add(event::Column::DeviceId.eq(device_id))).await?
    {
        return Ok(true);
    }
    let eq_or_null = |col: event::Column, v: Option<&str>| match v {
        Some(v) => col.eq(v),
        None => col.is_null(),
    };
    let coarse = Condition::all()
        .add(eq_or_null(event::Column::DeviceType, device_type))
        .add(eq_or_null(event::Column::OsName, os_name))
        .add(eq_or_null(event::Column::BrowserName, browser_name))
        .add(eq_or_null(event::Column::AppName, app_name));
    any_login(db, user_id, coarse).await
}

/// Rows the trail purge deletes per statement: short statements, so logins
/// writing to the trail are never blocked for long while a large backlog goes.
pub(crate) const PURGE_BATCH: u64 = 5_000;

/// Deletes trail rows that occurred before `before`, in batches of
/// [`PURGE_BATCH`] (oldest first; portable: no `LIMIT` in `DELETE`), so
/// that logins writing to the trail are never blocked for long.
///
/// Every batch reads only what it deletes, whatever the planner makes of the
/// backlog (a batch bounded by a range on `occurred_at` alone and ordered by
/// id let SQLite sort the whole backlog again for every batch):
/// * PostgreSQL: a primary-key range `(after, edge]`, the edge found by an
///   id-ordered `OFFSET` over rows past the previous edge;
/// * SQLite and MySQL: the next ids off the low end of the `occurred_at`
///   index, then `DELETE … WHERE id IN (…)`.
pub(crate) async fn purge_events<C: ConnectionTrait>(db: &C, before: i64) -> Result<u64, DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        return purge_by_id_range(db, before).await;
    }
    let mut total = 0;
    loop {
        let ids: Vec<i64> = event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .filter(event::Column::OccurredAt.lt(before))
            .order_by_asc(event::Column::OccurredAt)
            .limit(PURGE_BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let full = ids.len() as u64 == PURGE_BATCH;
        if !ids.is_empty() {
            total += event::Entity::delete_many()
                .filter(event::Column::Id.is_in(ids))
                .exec(db)
                .await?
                .rows_affected;
        }
        if !full {
            return Ok(total);
        }
        // Let the requests waiting on the database go first.
        tokio::task::yield_now().await;
    }
}

async fn purge_by_id_range<C: ConnectionTrait>(db: &C, before: i64) -> Result<u64, DbErr> {
    let mut total = 0;
    let mut after: Option<i64> = None;
    loop {
        let range = || {
            let mut cond = Condition::all().add(event::Column::OccurredAt.lt(before));
            if let Some(after) = after {
                cond = cond.add(event::Column::Id.gt(after));
            }
            cond
        };
        // The id of the last row of this batch, if the batch is full.
        let edge: Option<i64> = event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .filter(range())
            .order_by_asc(event::Column::Id)
            .offset(PURGE_BATCH - 1)
            .limit(1)
            .into_tuple()
            .one(db)
            .await?;
        let mut cond = range();
        if let Some(edge) = edge {
            cond = cond.add(event::Column::Id.lte(edge));
        }
        total += event::Entity::delete_many()
            .filter(cond)
            .exec(db)
            .await?
            .rows_affected;
        let Some(edge) = edge else {
            return Ok(total);
        };
        after = Some(edge);
        tokio::task::yield_now().await;
    }
}

/// Distinct normalized identities `user_id` signed in with.
pub(crate) async fn identities_of<C: ConnectionTrait>(db: &C, user_id: &str) -> Result<Vec<String>, DbErr> {
    // A loose index scan on `(user_id, kind, identity)`: each probe seeks the
    // next identity after the last one, so the cost is one short read per
    // distinct identity, whatever the number of logins behind them.
    let mut identities = Vec::new();
    let mut after: Option<String> = None;
    while identities.len() < MAX_IDENTITIES {
        let mut probe = event::Entity::find()
            .select_only()
            .column(event::Column::Identity)
            .filter(event::Column::UserId.eq(user_id))
            .filter(event::Column::Kind.eq(HistoryKind::Login.as_str()));
        // `> ''` rather than `IS NOT NULL` for the first probe: a range that
        // starts past the NULLs (SQLite sorts them first) and the empty string.
        probe = probe.filter(event::Column::Identity.gt(after.as_deref().unwrap_or("")));
        let next: Option<Option<String>> = probe
            .order_by_asc(event::Column::Identity)
            .limit(1)
            .into_tuple()
            .one(db)
            .await?;
        let Some(identity) = next.flatten() else {
            break;
        };
        identities.push(identity.clone());
        after = Some(identity);
    }
    Ok(identities)
}

/// At most this many identities of one user are matched against failed
/// attempts (a person has a handful: an e-mail, a username, a phone).
pub(crate) const MAX_IDENTITIES: usize = 32;

/// The newest login event of the browser with continuity id `device_id`.
pub(crate) async fn last_login_of_device<C: ConnectionTrait>(
    db: &C,
    device_id: &str,
) -> Result<Option<event::Model>, DbErr> {
    event::Entity::find()
        .filter(event::Column::DeviceId.eq(device_id))
        .filter(event::Column::Kind.eq(HistoryKind::Login.as_str()))
        .order_by_desc(event::Column::OccurredAt)
        .order_by_desc(event::Column::Id)
        .one(db)
        .await
}

/// Failed attempts with `identity` since `since`, up to and including the
/// event with id `up_to` (so exactly one attempt sees the threshold count).
pub(crate) async fn failures_up_to<C: ConnectionTrait>(
    db: &C,
    identity: &str,
    since: i64,
    up_to: i64,
) -> Result<u64, DbErr> {
    event::Entity::find()
        .filter(event::Column::Kind.eq(HistoryKind::FailedLogin.as_str()))
        .filter(event::Column::Identity.eq(identity))
        .filter(event::Column::OccurredAt.gte(since))
        .filter(event::Column::Id.lte(up_to))
        .count(db)
        .await
}

/// Which of `handles` came from a login flagged as a new device.
pub(crate) async fn new_device_handles<C: ConnectionTrait>(
    db: &C,
    handles: Vec<String>,
) -> Result<Vec<String>, DbErr> {
    if handles.is_empty() {
        return Ok(Vec::new());
    }
    // Only the handle in SQL: a session has a handful of events, and with
    // the kind in the WHERE clause too SQLite (no statistics) walks the
    // kind index — every login in the trail — instead of the handle index.
    let rows: Vec<(Option<String>, String, bool)> = event::Entity::find()
        .select_only()
        .column(event::Column::SessionHandle)
        .column(event::Column::Kind)
        .column(event::Column::NewDevice)
        .filter(event::Column::SessionHandle.is_in(handles))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, kind, new_device)| *new_device && kind == HistoryKind::Login.as_str())
        .filter_map(|(handle, _, _)| handle)
        .collect())
}
