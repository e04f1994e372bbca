//! The failed-login budget: how much of the trail an unauthenticated client
//! can fill. Within a window, the first attempts per client IP and per
//! identity are stored one by one; past either budget they are only counted,
//! and one `failed_login` row with reason `throttled` (and the count) is
//! written for them when the window closes. Memory is bounded too: past
//! [`FailedLoginBudget::max_tracked`] keys, new keys share one overflow
//! counter.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use crate::server::clock::duration_ms;

/// How many failed sign-ins are stored one by one (see
/// [`SessionsConfig::failed_login_budget`](crate::server::SessionsConfig::failed_login_budget)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedLoginBudget {
    /// Stored attempts per client IP per window (default 50).
    pub per_ip: u32,
    /// Stored attempts per identity per window (default 20).
    pub per_identity: u32,
    /// The window (default 15 minutes).
    pub window: Duration,
    /// IPs and identities tracked at once (default 10 000, about 1 MiB);
    /// beyond, new keys share one budget.
    pub max_tracked: usize,
}

impl Default for FailedLoginBudget {
    fn default() -> Self {
        Self {
            per_ip: 50,
            per_identity: 20,
            window: Duration::from_secs(15 * 60),
            max_tracked: 10_000,
        }
    }
}

/// The reason of the row that stands for the attempts counted, not stored.
pub const THROTTLED: &str = "throttled";

/// What a budget slot counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Ip(String),
    Identity(String),
    /// New keys once `max_tracked` are tracked.
    Overflow,
}

#[derive(Debug)]
struct Slot {
    started: i64,
    stored: u32,
    suppressed: u64,
    last_at: i64,
}

/// Attempts counted, not stored, in a window that has closed: the summary
/// row to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Summary {
    pub key: Key,
    pub suppressed: u64,
    pub started: i64,
    pub last_at: i64,
}

/// The per-process ledger.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    slots: Mutex<HashMap<Key, Slot>>,
}

impl Ledger {
    /// Decides about one attempt at `now`: `None` to store it, or the key
    /// whose budget it exceeded (counted there). Also hands back the
    /// summaries of windows that closed.
    pub(crate) fn admit(
        &self,
        budget: &FailedLoginBudget,
        ip: Option<&str>,
        identity: Option<&str>,
        now: i64,
    ) -> (Option<Key>, Vec<Summary>) {
        let window = duration_ms(budget.window);
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut closed = take_closed(&mut slots, now, window);
        let wanted: Vec<(Key, u32)> = identity
            .map(|i| (Key::Identity(i.to_owned()), budget.per_identity))
            .into_iter()
            .chain(ip.map(|ip| (Key::Ip(ip.to_owned()), budget.per_ip)))
            .map(|(key, limit)| {
                if slots.contains_key(&key) || slots.len() < budget.max_tracked {
                    (key, limit)
                } else {
                    (Key::Overflow, budget.per_ip)
                }
            })
            .collect();
        // The first exhausted budget (identity before IP) counts the attempt.
        let exhausted = wanted
            .iter()
            .find(|(key, limit)| slots.get(key).is_some_and(|s| s.stored >= *limit));
        if let Some((key, _)) = exhausted {
            let key = key.clone();
            if let Some(slot) = slots.get_mut(&key) {
                slot.suppressed += 1;
                slot.last_at = now;
            }
            return (Some(key), closed);
        }
        for (key, _) in wanted {
            let slot = slots.entry(key).or_insert(Slot {
                started: now,
                stored: 0,
                suppressed: 0,
                last_at: now,
            });
            slot.stored += 1;
            slot.last_at = now;
        }
        closed.sort_by_key(|s| s.started);
        (None, closed)
    }

    /// The summaries of every window closed at `now` (the sweep calls it).
    pub(crate) fn closed(&self, budget: &FailedLoginBudget, now: i64) -> Vec<Summary> {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        take_closed(&mut slots, now, duration_ms(budget.window))
    }

    /// Tracked keys (tests).
    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.slots.lock().map(|s| s.len()).unwrap_or_default()
    }
}

/// Removes the slots whose window ended by `now`; the ones that counted
/// attempts become summaries.
fn take_closed(slots: &mut HashMap<Key, Slot>, now: i64, window: i64) -> Vec<Summary> {
    let mut closed = Vec::new();
    slots.retain(|key, slot| {
        if now - slot.started < window {
            return true;
        }
        if slot.suppressed > 0 {
            closed.push(Summary {
                key: key.clone(),
                suppressed: slot.suppressed,
                started: slot.started,
                last_at: slot.last_at,
            });
        }
        false
    });
    closed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> FailedLoginBudget {
        FailedLoginBudget {
            per_ip: 5,
            per_identity: 3,
            window: Duration::from_secs(60),
            max_tracked: 4,
        }
    }

    #[test]
    fn attempts_past_the_identity_budget_are_counted_then_summarised_once() {
        let ledger = Ledger::default();
        let b = budget();
        for n in 0..3 {
            assert_eq!(ledger.admit(&b, Some("1.1.1.1"), Some("ada"), n).0, None);
        }
        for n in 3..10 {
            let (key, closed) = ledger.admit(&b, Some("1.1.1.1"), Some("ada"), n);
            assert_eq!(key, Some(Key::Identity("ada".into())));
            assert!(closed.is_empty());
        }
        // Another identity from the same IP still has IP budget left (3 of 5 used).
        assert_eq!(ledger.admit(&b, Some("1.1.1.1"), Some("bob"), 20).0, None);
        assert_eq!(ledger.admit(&b, Some("1.1.1.1"), Some("bob"), 21).0, None);
        assert_eq!(
            ledger.admit(&b, Some("1.1.1.1"), Some("carl"), 22).0,
            Some(Key::Ip("1.1.1.1".into()))
        );
        // The window closes: one summary per key that counted attempts.
        let closed = ledger.closed(&b, 60_000);
        assert_eq!(
            closed
                .iter()
                .map(|s| (s.key.clone(), s.suppressed))
                .collect::<Vec<_>>()
                .len(),
            2
        );
        assert!(closed.contains(&Summary {
            key: Key::Identity("ada".into()),
            suppressed: 7,
            started: 0,
            last_at: 9
        }));
        assert!(
            closed
                .iter()
                .any(|s| s.key == Key::Ip("1.1.1.1".into()) && s.suppressed == 1)
        );
        assert!(ledger.closed(&b, 60_000).is_empty(), "summarised once");
        // A new window has the whole budget again.
        assert_eq!(ledger.admit(&b, Some("1.1.1.1"), Some("ada"), 60_001).0, None);
    }

    #[test]
    fn memory_is_bounded_by_max_tracked() {
        let ledger = Ledger::default();
        let b = budget();
        for n in 0..1000 {
            let ip = format!("10.0.{}.{}", n / 256, n % 256);
            ledger.admit(&b, Some(&ip), None, n);
        }
        assert!(ledger.tracked() <= b.max_tracked + 1, "{}", ledger.tracked());
        // The shared overflow budget is spent like any other.
        let (key, _) = ledger.admit(&b, Some("192.0.2.1"), None, 1001);
        assert_eq!(key, Some(Key::Overflow));
    }
}
