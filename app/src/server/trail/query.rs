//! Triage over the trail: a composable, read-only query.
//!
//! ```no_run
//! use leptos_sessions::server::{Sessions, TrailGroup};
//!
//! # async fn run(sessions: Sessions) -> Result<(), sea_orm::DbErr> {
//! // Failed logins per IP in the last 24 hours, busiest first:
//! let per_ip = sessions.trail().failed_logins().last_24_hours().count_by(TrailGroup::Ip, sessions.db()).await?;
//! // Everything about one typed identity (account-takeover investigation):
//! let all = sessions.trail().for_identity("Victim@Example.com ").recent().all(sessions.db()).await?;
//! // Logins from one country:
//! let n = sessions.trail().by_country("ru").logins().count(sessions.db()).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Every filter is an indexed column; filters combine with AND. Nothing here
//! writes: the trail is append-only through the public API.

use std::net::IpAddr;

use leptos_sessions_entity::event;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use super::{RevokeReason, normalize_identity};
use crate::types::{AuthMethod, HistoryKind};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// A column to group counts by in [`TrailQuery::count_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailGroup {
    /// Client IP (as stored).
    Ip,
    /// Normalized typed identity.
    Identity,
    /// ISO country code.
    Country,
    /// Event kind.
    Kind,
    /// Auth method.
    AuthMethod,
    /// The host's user id.
    User,
}

impl TrailGroup {
    fn column(self) -> event::Column {
        match self {
            Self::Ip => event::Column::Ip,
            Self::Identity => event::Column::Identity,
            Self::Country => event::Column::CountryCode,
            Self::Kind => event::Column::Kind,
            Self::AuthMethod => event::Column::AuthMethod,
            Self::User => event::Column::UserId,
        }
    }
}

/// A composable query over the trail. Start with [`Sessions::trail`](crate::server::Sessions::trail).
#[derive(Debug, Clone)]
#[must_use]
pub struct TrailQuery {
    now: i64,
    condition: Condition,
    recent: bool,
    limit: Option<u64>,
}

impl TrailQuery {
    pub(crate) fn new(now: i64) -> Self {
        Self {
            now,
            condition: Condition::all(),
            recent: false,
            limit: None,
        }
    }

    fn and(mut self, cond: impl Into<Condition>) -> Self {
        self.condition = self.condition.add(cond);
        self
    }

    /// Events of one kind.
    pub fn kind(self, kind: HistoryKind) -> Self {
        self.and(event::Column::Kind.eq(kind.as_str()))
    }

    /// Successful sign-ins.
    pub fn logins(self) -> Self {
        self.kind(HistoryKind::Login)
    }

    /// Failed sign-in attempts.
    pub fn failed_logins(self) -> Self {
        self.kind(HistoryKind::FailedLogin)
    }

    /// Sign-outs.
    pub fn logouts(self) -> Self {
        self.kind(HistoryKind::Logout)
    }

    /// Revocations (any reason).
    pub fn revocations(self) -> Self {
        self.kind(HistoryKind::Revoked)
    }

    /// Revocations for one reason.
    pub fn revoked_for(self, reason: RevokeReason) -> Self {
        self.kind(HistoryKind::Revoked)
            .and(event::Column::Reason.eq(reason.as_str()))
    }

    /// Expirations (idle or absolute timeouts).
    pub fn expirations(self) -> Self {
        self.kind(HistoryKind::Expired)
    }

    /// Events at or after `from_ms` (UTC ms since the epoch).
    pub fn since(self, from_ms: i64) -> Self {
        self.and(event::Column::OccurredAt.gte(from_ms))
    }

    /// Events in the 24 hours up to now.
    pub fn last_24_hours(self) -> Self {
        let from = self.now - DAY_MS;
        self.since(from)
    }

    /// Events in the `days` days up to now.
    pub fn last_days(self, days: u32) -> Self {
        let from = self.now - i64::from(days) * DAY_MS;
        self.since(from)
    }

    /// Events with `from_ms <= occurred_at < to_ms`.
    pub fn between(self, from_ms: i64, to_ms: i64) -> Self {
        self.and(event::Column::OccurredAt.gte(from_ms))
            .and(event::Column::OccurredAt.lt(to_ms))
    }

    /// Events from one IP. The address is canonicalized (`::ffff:1.2.3.4` is
    /// `1.2.3.4`), as stored.
    pub fn for_ip(self, ip: &str) -> Self {
        let ip = ip
            .trim()
            .parse::<IpAddr>()
            .map_or_else(|_| ip.trim().to_owned(), |ip| ip.to_canonical().to_string());
        self.and(event::Column::Ip.eq(ip))
    }

    /// Events about one identity as typed (normalized like at write time:
    /// trimmed, lower-cased): successes and failures alike.
    pub fn for_identity(self, identity: &str) -> Self {
        self.and(event::Column::Identity.eq(normalize_identity(identity)))
    }

    /// Events of one user (their own: failures are never linked to accounts).
    pub fn for_user(self, user_id: &str) -> Self {
        self.and(event::Column::UserId.eq(user_id))
    }

    /// Events about one session handle.
    pub fn for_session(self, handle: &str) -> Self {
        self.and(event::Column::SessionHandle.eq(handle))
    }

    /// Events located in one country (ISO code, any case).
    pub fn by_country(self, code: &str) -> Self {
        self.and(event::Column::CountryCode.eq(code.trim().to_ascii_uppercase()))
    }

    /// Events of sessions that signed in with `method`.
    pub fn with_method(self, method: AuthMethod) -> Self {
        self.and(event::Column::AuthMethod.eq(method.as_str()))
    }

    /// Logins flagged as coming from a new device.
    pub fn new_devices(self) -> Self {
        self.and(event::Column::NewDevice.eq(true))
    }

    /// A user's history: their own events plus failed attempts made with any
    /// of `identities` (normalized).
    pub fn history_of(self, user_id: &str, identities: &[String]) -> Self {
        let mut any = Condition::any().add(event::Column::UserId.eq(user_id));
        let identities: Vec<String> = identities
            .iter()
            .map(|i| normalize_identity(i))
            .filter(|i| !i.is_empty())
            .collect();
        if !identities.is_empty() {
            any = any.add(
                Condition::all()
                    .add(event::Column::Kind.eq(HistoryKind::FailedLogin.as_str()))
                    .add(event::Column::UserId.is_null())
                    .add(event::Column::Identity.is_in(identities)),
            );
        }
        self.and(any)
    }

    /// Events linked to no account (failed attempts are never linked).
    pub(crate) fn unlinked(self) -> Self {
        self.and(event::Column::UserId.is_null())
    }

    /// Newest first.
    pub fn recent(mut self) -> Self {
        self.recent = true;
        self
    }

    /// At most `n` rows (for [`TrailQuery::all`]).
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// The sea-orm query, for anything this API does not cover.
    pub fn select(&self) -> Select<event::Entity> {
        let mut select = event::Entity::find().filter(self.condition.clone());
        if self.recent {
            select = select
                .order_by_desc(event::Column::OccurredAt)
                .order_by_desc(event::Column::Id);
        } else {
            select = select
                .order_by_asc(event::Column::OccurredAt)
                .order_by_asc(event::Column::Id);
        }
        if let Some(n) = self.limit {
            select = select.limit(n);
        }
        select
    }

    /// The matching events.
    ///
    /// # Errors
    /// The database error.
    pub async fn all<C: ConnectionTrait>(&self, db: &C) -> Result<Vec<event::Model>, DbErr> {
        self.select().all(db).await
    }

    /// How many events match.
    ///
    /// # Errors
    /// The database error.
    pub async fn count<C: ConnectionTrait>(&self, db: &C) -> Result<u64, DbErr> {
        event::Entity::find()
            .filter(self.condition.clone())
            .count(db)
            .await
    }

    /// Matching events counted per value of `group`, largest count first
    /// (ties by value). `None` groups rows where the column is empty.
    ///
    /// # Errors
    /// The database error.
    pub async fn count_by<C: ConnectionTrait>(
        &self,
        group: TrailGroup,
        db: &C,
    ) -> Result<Vec<(Option<String>, u64)>, DbErr> {
        let column = group.column();
        let rows: Vec<(Option<String>, i64)> = event::Entity::find()
            .select_only()
            .column(column)
            .column_as(event::Column::Id.count(), "n")
            .filter(self.condition.clone())
            .group_by(column)
            .into_tuple()
            .all(db)
            .await?;
        let mut counts: Vec<(Option<String>, u64)> = rows
            .into_iter()
            .map(|(value, n)| (value, u64::try_from(n).unwrap_or(0)))
            .collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(counts)
    }
}
