//! The trail: append-only events (login, failed login, logout, revoked,
//! expired). One writer ([`writer`]) stores them and hands them to the hooks
//! ([`hooks`]); [`query`] is the read-only triage builder, [`queries`] the
//! per-login reads, [`views`] what the history shows of an event.
//!
//! No update or delete goes through here: only the sweep's retention purge
//! and GDPR `forget` remove rows.

mod budget;
mod hooks;
mod queries;
mod query;
mod reason;
mod views;
mod writer;

pub use self::{
    budget::{FailedLoginBudget, THROTTLED},
    hooks::{Disavowed, Event, Hooks, NewDevice, RepeatedFailedLogins, SessionRevoked},
    query::{TrailGroup, TrailQuery},
    reason::RevokeReason,
};
pub(crate) use self::{
    budget::{Key as BudgetKey, Ledger, Summary as BudgetSummary},
    queries::*,
    views::history_entry,
    writer::NewEvent,
};
use crate::server::http::cap_chars;

/// Normalizes an identity as typed: trimmed and lower-cased, capped at 255
/// characters (how it is stored, and how lookups by identity match).
pub fn normalize_identity(identity: &str) -> String {
    cap_chars(&identity.trim().to_lowercase(), 255)
}
