//! Sign-outs the library did not perform: while a signed-in request runs, the
//! tracker *watches* its row. When that row is deleted through
//! `SessionStore::delete` — a `Session::flush` or `cycle_id` by the host,
//! axum-login's `AuthSession::logout` or its session-auth-hash rejection —
//! the store reads the row before deleting it and keeps it here, so the
//! tracker can write the one `logout` event with the device's columns.
//!
//! The library's own endings (sign-out, timeout, a new sign-in cycling the
//! id) [claim](Watch::claim) the row first: they write their own event, and
//! no watcher of the same row (a concurrent request of the session) reports
//! it a second time.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use leptos_sessions_entity::session;

#[derive(Debug, Default)]
struct Watched {
    /// Requests (and library endings) currently watching the row.
    watchers: usize,
    /// The library is ending this row itself and writes its own event.
    claimed: bool,
    /// ... by giving the session a new id: the session lives on.
    cycling: bool,
    /// The row as read just before `SessionStore::delete` removed it.
    deleted: Option<session::Model>,
}

/// The rows being watched, by id hash (one table per store).
#[derive(Debug, Clone, Default)]
pub(crate) struct Watches(Arc<Mutex<HashMap<String, Watched>>>);

impl Watches {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Watched>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Watches the row `id_hash` until the returned guard drops.
    pub(crate) fn watch(&self, id_hash: &str) -> Watch {
        self.lock().entry(id_hash.to_owned()).or_default().watchers += 1;
        Watch {
            watches: self.clone(),
            id_hash: id_hash.to_owned(),
        }
    }

    /// Whether a request watches `id_hash` (the store then reads the row
    /// before deleting it).
    pub(crate) fn is_watched(&self, id_hash: &str) -> bool {
        self.lock().contains_key(id_hash)
    }

    /// Whether the library is giving `id_hash`'s session a new id (its
    /// deletion is no sign-out: live pages reconnect instead).
    pub(crate) fn is_cycling(&self, id_hash: &str) -> bool {
        self.lock().get(id_hash).is_some_and(|w| w.cycling)
    }

    /// Keeps the row a `SessionStore::delete` just removed, for its watchers.
    pub(crate) fn deleted(&self, row: session::Model) {
        if let Some(watched) = self.lock().get_mut(&row.id_hash) {
            watched.deleted = Some(row);
        }
    }
}

/// One watcher of a row; stops watching on drop.
#[derive(Debug)]
pub(crate) struct Watch {
    watches: Watches,
    id_hash: String,
}

impl Watch {
    /// The library ends this row itself: no watcher will report its
    /// deletion. Call before the deleting `flush`/`cycle_id`.
    pub(crate) fn claim(&self) {
        if let Some(watched) = self.watches.lock().get_mut(&self.id_hash) {
            watched.claimed = true;
        }
    }

    /// [`Watch::claim`] for a new id: the session lives on under it.
    pub(crate) fn claim_cycle(&self) {
        if let Some(watched) = self.watches.lock().get_mut(&self.id_hash) {
            watched.claimed = true;
            watched.cycling = true;
        }
    }

    /// The row as it was just before it was deleted, if it was (for the
    /// library's own event, after [`Watch::claim`]).
    pub(crate) fn take_deleted(&self) -> Option<session::Model> {
        self.watches
            .lock()
            .get_mut(&self.id_hash)
            .and_then(|w| w.deleted.take())
    }

    /// The row, if somebody other than the library deleted it while this
    /// watch lasted; at most one watcher gets it.
    pub(crate) fn take_unclaimed(&self) -> Option<session::Model> {
        self.watches
            .lock()
            .get_mut(&self.id_hash)
            .filter(|w| !w.claimed)
            .and_then(|w| w.deleted.take())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let mut watches = self.watches.lock();
        if let Some(watched) = watches.get_mut(&self.id_hash) {
            watched.watchers = watched.watchers.saturating_sub(1);
            if watched.watchers == 0 {
                watches.remove(&self.id_hash);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::registry::blank_row;

    fn row(hash: &str) -> session::Model {
        session::Model {
            id_hash: hash.to_owned(),
            ..blank_row()
        }
    }

    #[test]
    fn one_watcher_gets_an_unclaimed_deletion() {
        let watches = Watches::default();
        let a = watches.watch("h");
        let b = watches.watch("h");
        watches.deleted(row("h"));
        assert!(a.take_unclaimed().is_some());
        assert!(b.take_unclaimed().is_none(), "reported once");
        drop((a, b));
        assert!(!watches.is_watched("h"), "nothing left behind");
    }

    #[test]
    fn a_claimed_deletion_is_never_reported() {
        let watches = Watches::default();
        let request = watches.watch("h");
        let library = watches.watch("h");
        library.claim();
        watches.deleted(row("h"));
        assert!(request.take_unclaimed().is_none());
        assert!(
            library.take_deleted().is_some(),
            "the library's own event gets the row"
        );
    }

    #[test]
    fn unwatched_deletions_are_not_kept() {
        let watches = Watches::default();
        watches.deleted(row("h"));
        assert!(!watches.is_watched("h"));
    }
}
