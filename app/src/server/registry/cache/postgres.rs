//! The cross-instance half of the cache (PostgreSQL): the notification
//! triggers, the listener and heartbeat tasks, and the revocation fence.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Mutex, Weak,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use tokio::sync::watch;

use super::{CHANNEL, Cache, FENCE_WAIT, HEARTBEAT, MAX_KEYS_PER_NOTIFY, PEER_TTL, STALE, lock};

impl Cache {
    /// Returns once every instance sharing the database will refuse the rows
    /// deleted before this call (PostgreSQL; bounded by [`FENCE_WAIT`]). A
    /// no-op for a single-instance cache, whose evictions are synchronous.
    pub async fn fence(&self, db: &DatabaseConnection) {
        let Some(sync) = &self.sync else { return };
        if sync.unsupported.load(Ordering::SeqCst) {
            // The triggers could not be installed: no instance can use its
            // cache (they all need them), so nobody can serve a stale row.
            return;
        }
        let started = Instant::now();
        let deadline = tokio::time::Instant::from_std(started + FENCE_WAIT);
        // A fence notified before our listener is up would never echo: wait
        // for the listener first (within the same bound).
        while !sync.connected.load(Ordering::SeqCst) {
            let connected = sync.on_connect.notified();
            tokio::pin!(connected);
            connected.as_mut().enable();
            if sync.connected.load(Ordering::SeqCst) {
                break;
            }
            if tokio::time::timeout_at(deadline, connected).await.is_err() {
                break;
            }
        }
        // A process that just started listening (an admin CLI or cron job
        // revoking, a fresh instance) has not heard its peers yet: every
        // instance announces itself each HEARTBEAT, so two of them are
        // enough to know whom to wait for.
        let discovery = tokio::time::Instant::from_std(sync.anchor + 2 * HEARTBEAT);
        if tokio::time::Instant::now() < discovery {
            tokio::time::sleep_until(discovery.min(deadline)).await;
        }
        let nonce: u64 = rand::random();
        let (tx, mut rx) = watch::channel(());
        lock(&sync.fences).insert(
            nonce,
            FenceState {
                echoed: false,
                peers: HashSet::new(),
                acks: HashSet::new(),
                tx,
            },
        );
        let payload = format!("f:{}:{nonce}", sync.instance);
        if let Err(err) = notify(db, &payload).await {
            tracing::warn!(error = %err, "leptos-sessions: fence notification failed; waiting it out");
        }
        loop {
            let done = lock(&sync.fences)
                .get(&nonce)
                .is_some_and(|f| f.echoed && f.peers.is_subset(&f.acks));
            if done {
                break;
            }
            if tokio::time::timeout_at(deadline, rx.changed()).await.is_err() {
                let missing: Vec<String> = lock(&sync.fences)
                    .get(&nonce)
                    .map(|f| f.peers.difference(&f.acks).cloned().collect())
                    .unwrap_or_default();
                tracing::warn!(
                    ?missing,
                    "leptos-sessions: revocation fence timed out; unresponsive instances have stopped serving from their caches"
                );
                break;
            }
        }
        lock(&sync.fences).remove(&nonce);
        tracing::debug!(elapsed_us = started.elapsed().as_micros(), "registry fence");
    }

    /// Handles one notification (the listener task).
    /// Hands a live update for `user` (a sign-in, a change) to the other
    /// instances' streams; fire and forget.
    pub(crate) fn broadcast_live(
        &self,
        user: &str,
        event: &crate::types::SessionEvent,
        db: &DatabaseConnection,
    ) {
        let Some(sync) = &self.sync else { return };
        let Ok(json) = serde_json::to_string(&(user, event)) else {
            return;
        };
        let payload = format!("l:{}:{json}", sync.instance);
        // PostgreSQL's limit is 8000 bytes; a longer update stays local.
        if payload.len() > 7_900 {
            return;
        }
        let db = db.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(err) = notify(&db, &payload).await {
                    tracing::debug!(error = %err, "leptos-sessions: live update not sent to the other instances");
                }
            });
        }
    }

    fn on_notification(&self, payload: &str, db: &DatabaseConnection) {
        let Some(sync) = &self.sync else { return };
        if !payload.starts_with("h:") && !payload.starts_with("l:") {
            tracing::trace!(me = %sync.instance, payload, "registry notification");
        }
        if payload == "*" {
            self.evict_all();
            if let Some(live) = &self.live {
                live.recheck_all();
            }
        } else if let Some(keys) = payload.strip_prefix("i:") {
            self.evict(keys.split(','));
        } else if let Some(keys) = payload.strip_prefix("d:") {
            // The same rows' deletion (after their `i:`): sessions that ended.
            if let Some(live) = &self.live {
                live.ended(keys.split(','));
            }
        } else if let Some(rest) = payload.strip_prefix("l:") {
            // Another instance's sign-in or change, for the streams here.
            let (Some((from, json)), Some(live)) = (rest.split_once(':'), &self.live) else {
                return;
            };
            if from == sync.instance {
                return; // told locally already
            }
            if let Ok((user, event)) = serde_json::from_str::<(String, crate::types::SessionEvent)>(json) {
                live.tell(&user, crate::server::live::LiveMsg::from_wire(event));
            }
        } else if let Some(rest) = payload.strip_prefix("h:") {
            let mut parts = rest.split(':');
            let (Some(from), Some(seq), Some(sent)) = (parts.next(), parts.next(), parts.next()) else {
                return;
            };
            if from == sync.instance {
                let seq: u64 = seq.parse().unwrap_or(0);
                let sent: u64 = sent.parse().unwrap_or(0);
                if seq > sync.min_hb_seq.load(Ordering::SeqCst) {
                    sync.hb_sent_ms.fetch_max(sent, Ordering::SeqCst);
                }
            } else {
                sync.heard(from);
            }
        } else if let Some(rest) = payload.strip_prefix("f:") {
            let Some((from, nonce)) = rest.split_once(':') else {
                return;
            };
            if from == sync.instance {
                let Ok(nonce) = nonce.parse::<u64>() else { return };
                let peers = sync.live_peers();
                if let Some(fence) = lock(&sync.fences).get_mut(&nonce) {
                    fence.echoed = true;
                    fence.peers = peers;
                    fence.tx.send_replace(());
                }
            } else {
                sync.heard(from);
                // Everything committed before this fence has been processed:
                // acknowledge it.
                let payload = format!("a:{from}:{nonce}:{}", sync.instance);
                let db = db.clone();
                tokio::spawn(async move {
                    if let Err(err) = notify(&db, &payload).await {
                        tracing::warn!(error = %err, "leptos-sessions: fence acknowledgement failed");
                    }
                });
            }
        } else if let Some(rest) = payload.strip_prefix("a:") {
            let mut parts = rest.split(':');
            let (Some(origin), Some(nonce), Some(from)) = (parts.next(), parts.next(), parts.next()) else {
                return;
            };
            // Our own acknowledgements come back to us too: we are not our
            // own peer (a fence would wait for an acknowledgement of itself).
            if from != sync.instance {
                sync.heard(from);
            }
            if origin == sync.instance
                && let Ok(nonce) = nonce.parse::<u64>()
                && let Some(fence) = lock(&sync.fences).get_mut(&nonce)
            {
                fence.acks.insert(from.to_owned());
                fence.tx.send_replace(());
            }
        }
    }
}

struct FenceState {
    echoed: bool,
    /// Live peers when the echo was processed: all of them must acknowledge.
    peers: HashSet<String>,
    acks: HashSet<String>,
    tx: watch::Sender<()>,
}

/// Cross-instance state of a PostgreSQL cache.
pub(super) struct PgSync {
    instance: String,
    anchor: Instant,
    connected: AtomicBool,
    /// Woken when the listener (re)connects, so a fence issued at start-up
    /// waits for the listener rather than for its full timeout.
    on_connect: tokio::sync::Notify,
    /// Triggers cannot be installed (no privilege): never usable.
    unsupported: AtomicBool,
    /// Send time (ms since `anchor`) of the newest own heartbeat processed; 0 = none.
    hb_sent_ms: AtomicU64,
    /// Heartbeats numbered at or below this were sent before the last reconnect.
    min_hb_seq: AtomicU64,
    hb_seq: AtomicU64,
    peers: Mutex<HashMap<String, Instant>>,
    fences: Mutex<HashMap<u64, FenceState>>,
}

impl PgSync {
    pub(super) fn new() -> Self {
        Self {
            instance: format!("{:016x}", rand::random::<u64>()),
            anchor: Instant::now(),
            connected: AtomicBool::new(false),
            on_connect: tokio::sync::Notify::new(),
            unsupported: AtomicBool::new(false),
            hb_sent_ms: AtomicU64::new(0),
            min_hb_seq: AtomicU64::new(0),
            hb_seq: AtomicU64::new(0),
            peers: Mutex::new(HashMap::new()),
            fences: Mutex::new(HashMap::new()),
        }
    }

    fn now_ms(&self) -> u64 {
        // +1: 0 means "no heartbeat yet".
        u64::try_from(self.anchor.elapsed().as_millis()).unwrap_or(u64::MAX) + 1
    }

    pub(super) fn usable(&self) -> bool {
        if !self.connected.load(Ordering::SeqCst) {
            return false;
        }
        let sent = self.hb_sent_ms.load(Ordering::SeqCst);
        sent != 0 && self.now_ms().saturating_sub(sent) <= STALE.as_millis() as u64
    }

    fn heard(&self, peer: &str) {
        if peer != self.instance {
            lock(&self.peers).insert(peer.to_owned(), Instant::now());
        }
    }

    /// The other instances a fence would wait for now.
    pub(super) fn peer_count(&self) -> usize {
        self.live_peers().len()
    }

    fn live_peers(&self) -> HashSet<String> {
        let mut peers = lock(&self.peers);
        peers.retain(|_, at| at.elapsed() < PEER_TTL * 3);
        peers
            .iter()
            .filter(|(_, at)| at.elapsed() < PEER_TTL)
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// The listener connection is gone (or was replaced): nothing received
    /// since can be trusted to be complete.
    fn lost(&self, cache: &Cache) {
        self.min_hb_seq
            .store(self.hb_seq.load(Ordering::SeqCst), Ordering::SeqCst);
        self.hb_sent_ms.store(0, Ordering::SeqCst);
        cache.evict_all();
    }
}

async fn notify(db: &DatabaseConnection, payload: &str) -> Result<(), sea_orm::DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), payload.into()],
    ))
    .await
    .map(|_| ())
}

/// Installs (idempotently) the triggers that notify every change of a
/// registry row, in the changing transaction.
async fn install_triggers(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let function = format!(
        r"CREATE OR REPLACE FUNCTION leptos_sessions_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE payload text;
BEGIN
  SELECT CASE WHEN count(*) > {MAX_KEYS_PER_NOTIFY} THEN '*'
              ELSE 'i:' || string_agg(left(id_hash, 16), ',') END
    INTO payload FROM leptos_sessions_changed;
  IF payload IS NOT NULL THEN
    PERFORM pg_notify('{CHANNEL}', payload);
    -- Deleted rows once more, for the live streams: an update (a touch)
    -- evicts, only a deletion ends a session.
    IF TG_OP = 'DELETE' AND payload LIKE 'i:%' THEN
      PERFORM pg_notify('{CHANNEL}', 'd:' || substr(payload, 3));
    END IF;
  END IF;
  RETURN NULL;
END
$fn$"
    );
    let triggers = r"DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'leptos_sessions_notify_delete'
                 AND tgrelid = 'leptos_sessions'::regclass) THEN
    CREATE TRIGGER leptos_sessions_notify_delete AFTER DELETE ON leptos_sessions
      REFERENCING OLD TABLE AS leptos_sessions_changed
      FOR EACH STATEMENT EXECUTE FUNCTION leptos_sessions_notify();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'leptos_sessions_notify_truncate'
                 AND tgrelid = 'leptos_sessions'::regclass) THEN
    CREATE TRIGGER leptos_sessions_notify_truncate AFTER TRUNCATE ON leptos_sessions
      FOR EACH STATEMENT EXECUTE FUNCTION leptos_sessions_notify_all();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'leptos_sessions_notify_update'
                 AND tgrelid = 'leptos_sessions'::regclass) THEN
    CREATE TRIGGER leptos_sessions_notify_update AFTER UPDATE ON leptos_sessions
      REFERENCING OLD TABLE AS leptos_sessions_changed
      FOR EACH STATEMENT EXECUTE FUNCTION leptos_sessions_notify();
  END IF;
END
$do$";
    let txn = db.begin().await?;
    // Instances starting together would race on CREATE OR REPLACE.
    txn.execute_unprepared("SELECT pg_advisory_xact_lock(7303531370)")
        .await?;
    txn.execute_unprepared(&function).await?;
    // TRUNCATE has no transition table: it empties every cache.
    txn.execute_unprepared(&format!(
        r"CREATE OR REPLACE FUNCTION leptos_sessions_notify_all() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('{CHANNEL}', '*');
  RETURN NULL;
END
$fn$"
    ))
    .await?;
    txn.execute_unprepared(triggers).await?;
    txn.commit().await
}

/// The listener task: one dedicated connection, LISTENing on [`CHANNEL`].
pub(super) async fn listen(cache: Weak<Cache>, db: DatabaseConnection) {
    use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
    let mut backoff = Duration::from_millis(200);
    loop {
        let attempt = async {
            let options = db.get_postgres_connection_pool().connect_options();
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .min_connections(0)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with((*options).clone())
                .await?;
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.ignore_pool_close_event(true);
            listener.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        let mut listener = match attempt.await {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(error = %err, "leptos-sessions: registry listener cannot connect; reading through");
                if cache.strong_count() == 0 {
                    return;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        // Listening: now make sure every change is notified.
        if let Err(err) = install_triggers(&db).await {
            tracing::warn!(error = %err, "leptos-sessions: cannot install the registry notification triggers; reading through");
            let Some(c) = cache.upgrade() else { return };
            if let Some(sync) = &c.sync {
                sync.unsupported.store(true, Ordering::SeqCst);
            }
            drop(c);
            tokio::time::sleep(Duration::from_secs(30)).await;
            continue;
        }
        {
            let Some(c) = cache.upgrade() else { return };
            if let Some(sync) = &c.sync {
                sync.unsupported.store(false, Ordering::SeqCst);
                sync.lost(&c);
                sync.connected.store(true, Ordering::SeqCst);
                sync.on_connect.notify_waiters();
            }
            // A first heartbeat right away, so the cache turns on without
            // waiting a full period.
            let db = db.clone();
            tokio::spawn(async move { kick(&c, &db).await });
        }
        backoff = Duration::from_millis(200);
        loop {
            // Wake up now and then to notice that the cache was dropped.
            let next = tokio::time::timeout(Duration::from_secs(5), listener.try_recv()).await;
            let Some(c) = cache.upgrade() else { return };
            let Some(sync) = &c.sync else { return };
            match next {
                Err(_elapsed) => {}
                Ok(Ok(Some(notification))) => c.on_notification(notification.payload(), &db),
                Ok(Ok(None)) => {
                    // Lost and (eagerly) reconnected: notifications in between are gone.
                    tracing::warn!("leptos-sessions: registry listener reconnected; cache cleared");
                    sync.lost(&c);
                }
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, "leptos-sessions: registry listener failed; reading through");
                    sync.connected.store(false, Ordering::SeqCst);
                    sync.lost(&c);
                    break;
                }
            }
        }
        tokio::time::sleep(backoff).await;
    }
}

/// The heartbeat task: proves to this instance that its listener is live.
pub(super) async fn heartbeat(cache: Weak<Cache>, db: DatabaseConnection) {
    let mut tick = tokio::time::interval(HEARTBEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let payload = {
            let Some(c) = cache.upgrade() else { return };
            let Some(sync) = &c.sync else { return };
            if !sync.connected.load(Ordering::SeqCst) {
                continue;
            }
            let seq = sync.hb_seq.fetch_add(1, Ordering::SeqCst) + 1;
            format!("h:{}:{seq}:{}", sync.instance, sync.now_ms())
        };
        if let Err(err) = notify(&db, &payload).await {
            tracing::debug!(error = %err, "leptos-sessions: heartbeat failed");
        }
    }
}

/// Sends one heartbeat now.
async fn kick(cache: &Cache, db: &DatabaseConnection) {
    let Some(sync) = &cache.sync else { return };
    if !sync.connected.load(Ordering::SeqCst) {
        return;
    }
    let seq = sync.hb_seq.fetch_add(1, Ordering::SeqCst) + 1;
    let payload = format!("h:{}:{seq}:{}", sync.instance, sync.now_ms());
    let _ = notify(db, &payload).await;
}
