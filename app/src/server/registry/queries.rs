//! Queries and mutations on the registry table. Every query on a user's
//! sessions is scoped by `user_id` (and takes it first). Private to the
//! registry: deleting rows without the store's cache eviction and revocation
//! fence would let another instance keep serving them, so everything that
//! ends sessions calls [`super::RegistryStore`], which calls these.

use leptos_sessions_entity::{device_name, disavowal, event, session};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};

use crate::server::locate::SeenPlace;

/// A user's live sessions, most recently active first.
pub(crate) async fn user_sessions<C: ConnectionTrait>(
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
pub(crate) async fn find_by_user_and_handle<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    handle: &str,
) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Handle.eq(handle))
        .one(db)
        .await
}

/// Deletes rows by id hash, returning the hashes this call deleted: one
/// statement per row, so that two revocations racing for a row (revoke-one
/// and revoke-others, a revocation and a sweep) each know whether the row
/// was theirs and only one writes its event (`DELETE … RETURNING` would do
/// it in one, but MySQL has none).
pub(super) async fn delete_by_hashes<C: ConnectionTrait>(
    db: &C,
    hashes: Vec<String>,
) -> Result<Vec<String>, DbErr> {
    let mut deleted = Vec::with_capacity(hashes.len());
    for hash in hashes {
        let res = session::Entity::delete_many()
            .filter(session::Column::IdHash.eq(hash.as_str()))
            .exec(db)
            .await?;
        if res.rows_affected > 0 {
            deleted.push(hash);
        }
    }
    Ok(deleted)
}

/// Updates `last_seen_at`/`last_seen_ip` (and where that IP is, when
/// `seen` says) and slides the expiry, but only if the
/// row was not touched since `stale_before` (one conditional UPDATE; concurrent
/// requests of one session write once).
pub(super) async fn touch<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: i64,
    stale_before: i64,
    ip: Option<String>,
    seen: Option<SeenPlace>,
    expires_at: i64,
) -> Result<bool, DbErr> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at));
    if let Some(ip) = ip {
        update = update.col_expr(session::Column::LastSeenIp, Expr::value(ip));
    }
    if let Some(seen) = seen {
        update = update
            .col_expr(
                session::Column::LastSeenCountryCode,
                Expr::value(seen.country_code),
            )
            .col_expr(session::Column::LastSeenCity, Expr::value(seen.city))
            .col_expr(session::Column::LastSeenCityNames, Expr::value(seen.city_names));
    }
    let res = update
        .filter(session::Column::IdHash.eq(id_hash))
        .filter(session::Column::LastSeenAt.lt(stale_before))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// This browser's other rows for the same user (browser continuity).
pub(crate) async fn same_browser_rows<C: ConnectionTrait>(
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
pub(crate) async fn rows_over_cap<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    keep: u64,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_desc(session::Column::LastSeenAt)
        .order_by_desc(session::Column::CreatedAt)
        // SQLite and MySQL accept OFFSET only after a LIMIT.
        .limit(i64::MAX.unsigned_abs())
        .offset(keep)
        .all(db)
        .await
}

/// Signed-in rows past an idle or absolute timeout.
pub(crate) async fn timed_out<C: ConnectionTrait>(
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
pub(super) async fn delete_expired<C: ConnectionTrait>(db: &C, now: i64) -> Result<u64, DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Users with more than `cap` sessions.
pub(crate) async fn users_over_cap<C: ConnectionTrait>(db: &C, cap: u64) -> Result<Vec<String>, DbErr> {
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

/// GDPR erasure: the user's rows, trail, device names and unused "This
/// wasn't me" links; failed attempts with their
/// identities keep the row (IP counts) but lose the identity.
pub(super) async fn forget<C: ConnectionTrait>(
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
    disavowal::Entity::delete_many()
        .filter(disavowal::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    device_name::Entity::delete_many()
        .filter(device_name::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if !identities.is_empty() {
        event::Entity::update_many()
            .col_expr(event::Column::Identity, Expr::value(Option::<String>::None))
            .filter(event::Column::Identity.is_in(identities))
            .exec(db)
            .await?;
    }
    Ok((sessions, events))
}
