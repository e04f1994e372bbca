//! The sweep: what ends sessions and trail rows in the background — expiry,
//! opt-in timeouts, the per-user cap, trail retention. Rows go through the
//! store like every other ending.

use super::{
    RevokeReason, Sessions,
    clock::duration_ms,
    registry,
    sessions::db_error,
    trail::{self, NewEvent},
};
use crate::{
    error::SessionsError,
    types::{HistoryKind, ReasonCode},
};

/// What one [`Sessions::sweep`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Sessions past their expiry or an opt-in timeout.
    pub expired_sessions: u64,
    /// Sessions evicted beyond the per-user cap.
    pub pruned_sessions: u64,
    /// Trail rows older than the retention.
    pub purged_events: u64,
    /// Unused "This wasn't me" links past their expiry.
    pub expired_links: u64,
}

impl Sessions {
    /// One sweep: deletes expired sessions (with `expired` events for those
    /// that hit an idle or absolute timeout), evicts per-user overflow beyond
    /// the cap, purges trail rows older than the retention and expired "This
    /// wasn't me" links. Schedule it
    /// (e.g. hourly or daily); it is safe to run concurrently with traffic.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    #[tracing::instrument(skip_all)]
    pub async fn sweep(&self) -> Result<SweepReport, SessionsError> {
        let now = self.now_ms();
        if let Some(budget) = &self.config().failed_login_budget {
            self.write_throttled(self.failed_logins().closed(budget, now))
                .await;
        }
        let mut report = SweepReport {
            expired_sessions: self.sweep_timeouts(now).await?,
            ..SweepReport::default()
        };
        report.expired_sessions += self.store().delete_expired_before(now).await.map_err(db_error)?;
        report.pruned_sessions = self.sweep_over_cap().await?;
        if let Some(retention) = self.config().events_retention {
            let before = now - duration_ms(retention);
            report.purged_events = trail::purge_events(self.db(), before).await.map_err(db_error)?;
        }
        report.expired_links = self.purge_disavow_links(now).await?;
        tracing::info!(?report, "sweep done");
        Ok(report)
    }

    /// Opt-in timeouts first, so they are recorded as `expired` events.
    async fn sweep_timeouts(&self, now: i64) -> Result<u64, SessionsError> {
        let config = self.config();
        let idle_before = config.idle_timeout.map(|d| now - duration_ms(d));
        let auth_before = config.max_session_lifetime.map(|d| now - duration_ms(d));
        if idle_before.is_none() && auth_before.is_none() {
            return Ok(0);
        }
        let rows = registry::timed_out(self.db(), idle_before, auth_before)
            .await
            .map_err(db_error)?;
        let rows = self.end_rows(rows).await.map_err(db_error)?;
        let ended = rows.len() as u64;
        let events = rows
            .into_iter()
            .map(|row| {
                let idle = idle_before.is_some_and(|t| row.last_seen_at < t);
                let reason = if idle {
                    ReasonCode::IdleTimeout
                } else {
                    ReasonCode::MaxLifetime
                };
                NewEvent::ended(HistoryKind::Expired, row, reason, now)
            })
            .collect();
        self.write_events(events).await;
        Ok(ended)
    }

    /// Evicts each user's oldest sessions beyond the cap (`pruned`).
    async fn sweep_over_cap(&self) -> Result<u64, SessionsError> {
        let Some(cap) = self.config().max_sessions_per_user else {
            return Ok(0);
        };
        let mut pruned = 0;
        for user_id in registry::users_over_cap(self.db(), u64::from(cap))
            .await
            .map_err(db_error)?
        {
            let over = registry::rows_over_cap(self.db(), &user_id, u64::from(cap))
                .await
                .map_err(db_error)?;
            let over = self.end_rows(over).await.map_err(db_error)?;
            pruned += over.len() as u64;
            self.write_events(self.revoked_events(over, RevokeReason::Pruned))
                .await;
        }
        Ok(pruned)
    }
}
