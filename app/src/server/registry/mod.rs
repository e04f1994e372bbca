//! The registry: one row per session, which *is* the tower-sessions store
//! table. [`RegistryStore`] is the only way rows are written or deleted —
//! creation, data saves, touches, revocations, expiry, erasure — so that
//! every deletion evicts the row from this instance's cache and fences the
//! other instances before the caller goes on. `queries` holds the reads
//! (owner-scoped, user first) and the raw statements the store wraps;
//! `row` the columns that travel between a request and its row; `cache` the
//! in-memory copy and its cross-instance coherence (PostgreSQL); `watch`
//! the rows of running signed-in requests, so that a sign-out the library
//! did not perform itself still gets its `logout` event.

mod cache;
mod queries;
mod row;
mod store;
mod watch;

pub use self::store::{RegistryCache, RegistryStore};
pub(crate) use self::{
    queries::{
        find_by_user_and_handle, rows_over_cap, same_browser_rows, timed_out, user_sessions, users_over_cap,
    },
    row::{INIT_KEY, ROW_KEY, RowInit, RowMeta, SAVED_KEY, blank_row},
    watch::Watch,
};
