//! The registry cache: the rows the per-request tracker needs, kept in memory
//! so that a request with a live session costs no database round trip — and
//! built so that it can never delay a revocation.
//!
//! # Invariants
//!
//! * **In-process**: every path of this process that deletes or changes a
//!   registry row evicts it here *before* it returns (the store's `delete`,
//!   `save`, `delete_by_hashes`, `forget`). A fill that raced with an eviction
//!   is refused: a fill records the eviction epoch before its database read
//!   and inserts only if no eviction happened since (checked under the shard
//!   lock, and evictions bump the epoch before they take it).
//! * **Across instances (PostgreSQL)**: statement-level triggers on the
//!   registry table `pg_notify` the changed rows in the deleting transaction,
//!   so *any* change — ours, another instance's, a sweep, an operator's SQL —
//!   reaches every listening instance in commit order. A revoking instance
//!   then runs a [fence](Cache::fence): it notifies a token and returns once
//!   its own listener has echoed it and every live peer has acknowledged it
//!   (peers acknowledge after processing everything committed before it, so
//!   after the eviction). The wait is bounded by [`FENCE_WAIT`].
//! * **A peer that cannot acknowledge cannot serve**: an instance only
//!   serves from its cache while its listener connection is up and it has
//!   processed, within [`STALE`], a heartbeat it sent itself. A lost
//!   listener connection clears the cache and reads go to the database until
//!   a fresh heartbeat comes back on the new connection. Since
//!   `FENCE_WAIT > STALE`, an instance that missed a revocation (dead or
//!   stalled listener) has stopped serving from its cache by the time the
//!   revoking instance gives up waiting for it.
//! * **Without a notification channel** (SQLite, MySQL) the cache is used only
//!   when the host declares a single instance
//!   ([`super::RegistryCache::SingleInstance`]); otherwise every request reads the
//!   database.
//!
//! Timeouts and expiry are enforced on cached rows exactly as on loaded ones:
//! a cached `last_seen_at`/`expires_at` is never newer than the database's
//! (touches update both), so a cached row is at least as strict.

use std::{
    collections::HashMap,
    hash::{BuildHasherDefault, Hasher},
    sync::{
        Arc, Mutex, MutexGuard, PoisonError, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::DatabaseConnection;

use self::postgres::{PgSync, heartbeat, listen};
use super::{ROW_KEY, RowMeta};

mod postgres;

/// The notification channel on PostgreSQL.
pub(crate) const CHANNEL: &str = "leptos_sessions";
/// How often each instance notifies a heartbeat to itself (and its peers).
pub(crate) const HEARTBEAT: Duration = Duration::from_secs(1);
/// An instance serves from its cache only if it processed one of its own
/// heartbeats sent at most this long ago.
pub(crate) const STALE: Duration = Duration::from_secs(3);
/// Longest a revocation waits for the acknowledgements of its peers. Must
/// exceed [`STALE`] (see the module docs).
pub(crate) const FENCE_WAIT: Duration = Duration::from_secs(4);
/// Peers heard from within this long are waited for by a fence.
pub(crate) const PEER_TTL: Duration = Duration::from_secs(10);
/// Defence in depth: a cached row is re-read at least this often.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(60);
/// More changed rows than this in one statement notify "everything".
const MAX_KEYS_PER_NOTIFY: usize = 400;

const SHARDS: usize = 16;

/// The cache key of a row: the first 64 bits of its id hash. Entries keep
/// the full hash and a mismatch is a miss; a collision on eviction only
/// evicts one more row.
pub(crate) fn key_of(id_hash: &str) -> u64 {
    id_hash
        .get(..16)
        .and_then(|p| u64::from_str_radix(p, 16).ok())
        .unwrap_or(0)
}

/// The key is already uniformly random: hash it as itself.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Shard = HashMap<u64, Arc<Entry>, BuildHasherDefault<KeyHasher>>;

/// One cached row: what `load` returns and the tracker reads.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub id_hash: Arc<str>,
    /// The persisted tower-sessions data, decoded, with the row's tracking
    /// columns under `ROW_KEY`: a load clones it as is.
    pub data: Arc<HashMap<String, serde_json::Value>>,
    pub meta: RowMeta,
    pub expires_at: i64,
    cached_at: Instant,
}

impl Entry {
    pub fn new(
        id_hash: &str,
        mut data: HashMap<String, serde_json::Value>,
        meta: RowMeta,
        expires_at: i64,
    ) -> Self {
        if let Ok(value) = serde_json::to_value(&meta) {
            data.insert(ROW_KEY.to_owned(), value);
        }
        Self {
            id_hash: id_hash.into(),
            data: Arc::new(data),
            meta,
            expires_at,
            cached_at: Instant::now(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The in-memory cache of one store (one app instance).
pub(crate) struct Cache {
    shards: Box<[RwLock<Shard>]>,
    shard_cap: usize,
    /// Bumped by every eviction, before it touches a shard.
    epoch: AtomicU64,
    /// `None`: single instance (always usable). `Some`: PostgreSQL sync.
    sync: Option<PgSync>,
    /// Told of the rows other instances ended (PostgreSQL).
    live: Option<Arc<crate::server::live::LiveHub>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("capacity", &(self.shard_cap * SHARDS))
            .field("cross_instance", &self.sync.is_some())
            .finish_non_exhaustive()
    }
}

impl Cache {
    fn with_sync(capacity: usize, sync: Option<PgSync>) -> Self {
        let shard_cap = capacity.div_ceil(SHARDS).max(1);
        Self {
            shards: (0..SHARDS).map(|_| RwLock::new(Shard::default())).collect(),
            shard_cap,
            epoch: AtomicU64::new(0),
            sync,
            live: None,
        }
    }

    /// A cache for a single-instance deployment: in-process eviction only.
    pub fn local(capacity: usize) -> Arc<Self> {
        Arc::new(Self::with_sync(capacity, None))
    }

    /// A cache kept coherent across instances through PostgreSQL
    /// notifications; starts its listener and heartbeat tasks. Serves nothing
    /// until the listener is up and its first heartbeat came back.
    pub fn postgres(
        capacity: usize,
        db: DatabaseConnection,
        live: Arc<crate::server::live::LiveHub>,
    ) -> Arc<Self> {
        let cache = Arc::new(Self {
            live: Some(live),
            ..Self::with_sync(capacity, Some(PgSync::new()))
        });
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(listen(Arc::downgrade(&cache), db.clone()));
                rt.spawn(heartbeat(Arc::downgrade(&cache), db));
            }
            Err(_) => tracing::warn!("leptos-sessions: no tokio runtime; registry cache disabled"),
        }
        cache
    }

    fn shard(&self, key: u64) -> &RwLock<Shard> {
        // The top bits pick the shard; the map hashes the whole key.
        &self.shards[(key >> 59) as usize % SHARDS]
    }

    /// Whether the cache may serve (and be filled) right now.
    pub fn usable(&self) -> bool {
        self.sync.as_ref().is_none_or(PgSync::usable)
    }

    /// The current eviction epoch; pass it to [`Cache::fill`].
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// The cached row of `id_hash`, if usable, unexpired at `now_ms` and fresh.
    pub fn get(&self, id_hash: &str, now_ms: i64) -> Option<Arc<Entry>> {
        if !self.usable() {
            return None;
        }
        let key = key_of(id_hash);
        let entry = self
            .shard(key)
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned()?;
        (&*entry.id_hash == id_hash && entry.expires_at > now_ms && entry.cached_at.elapsed() < MAX_AGE)
            .then_some(entry)
    }

    /// Caches `entry`, read from the database after [`Cache::epoch`] returned
    /// `epoch` — unless anything was evicted since (the read may predate it).
    pub fn fill(&self, epoch: u64, entry: Entry) {
        if !self.usable() {
            return;
        }
        let key = key_of(&entry.id_hash);
        let mut shard = self.shard(key).write().unwrap_or_else(PoisonError::into_inner);
        if self.epoch.load(Ordering::SeqCst) != epoch {
            return;
        }
        if shard.len() >= self.shard_cap && !shard.contains_key(&key) {
            // Full: drop an arbitrary row (keys are random, so this is a
            // random eviction; a dropped row is simply read again).
            if let Some(victim) = shard.keys().next().copied() {
                shard.remove(&victim);
            }
        }
        shard.insert(key, Arc::new(entry));
    }

    /// A touch of this process moved the row's activity and expiry forward.
    pub fn touched(&self, id_hash: &str, last_seen_at: i64, expires_at: i64) {
        let key = key_of(id_hash);
        let mut shard = self.shard(key).write().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = shard.get_mut(&key)
            && &*entry.id_hash == id_hash
        {
            let mut meta = entry.meta.clone();
            meta.last_seen_at = meta.last_seen_at.max(last_seen_at);
            let mut data = (*entry.data).clone();
            data.remove(ROW_KEY);
            let mut updated = Entry::new(&entry.id_hash, data, meta, entry.expires_at.max(expires_at));
            updated.cached_at = entry.cached_at;
            *entry = Arc::new(updated);
        }
    }

    /// Evicts rows by id hash (full hashes or 16-hex-digit prefixes).
    pub fn evict<'a>(&self, id_hashes: impl IntoIterator<Item = &'a str>) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        for id_hash in id_hashes {
            let key = key_of(id_hash);
            self.shard(key)
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&key);
        }
    }

    /// Evicts every row of `user_id`.
    pub fn evict_user(&self, user_id: &str) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        for shard in &self.shards {
            shard
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|_, e| e.meta.user_id.as_deref() != Some(user_id));
        }
    }

    /// Evicts everything.
    pub fn evict_all(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        for shard in &self.shards {
            shard.write().unwrap_or_else(PoisonError::into_inner).clear();
        }
    }

    /// Number of cached rows (tests, metrics).
    /// Other instances heard from (PostgreSQL; 0 otherwise).
    pub fn peers(&self) -> usize {
        self.sync.as_ref().map_or(0, |s| s.peer_count())
    }

    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }

    /// Whether the cross-instance listener is currently connected and fresh
    /// (always true for a single-instance cache).
    pub fn is_live(&self) -> bool {
        self.usable()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn meta(user: &str) -> RowMeta {
        RowMeta {
            user_id: Some(user.to_owned()),
            handle: "h".into(),
            created_at: 0,
            last_seen_at: 0,
            authenticated_at: None,
        }
    }

    const A: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const B: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

    #[test]
    fn fill_get_evict() {
        let cache = Cache::local(100);
        let epoch = cache.epoch();
        cache.fill(epoch, Entry::new(A, HashMap::new(), meta("ada"), 1000));
        assert!(cache.get(A, 10).is_some());
        assert!(cache.get(A, 1000).is_none(), "expired rows are never served");
        assert!(cache.get(B, 10).is_none());
        cache.evict([&A[..16]]);
        assert!(cache.get(A, 10).is_none());
    }

    #[test]
    fn a_fill_that_raced_an_eviction_is_refused() {
        let cache = Cache::local(100);
        let epoch = cache.epoch(); // the fill's read starts
        cache.evict([B]); // any eviction meanwhile (the read may predate it)
        cache.fill(epoch, Entry::new(A, HashMap::new(), meta("ada"), 1000));
        assert!(cache.get(A, 10).is_none());
    }

    #[test]
    fn prefix_collision_is_a_miss_not_a_wrong_row() {
        let cache = Cache::local(100);
        let other = format!("{}{}", &A[..16], &B[16..]);
        cache.fill(cache.epoch(), Entry::new(A, HashMap::new(), meta("ada"), 1000));
        assert!(cache.get(&other, 10).is_none());
    }

    #[test]
    fn evict_user_and_capacity() {
        let cache = Cache::local(16);
        for i in 0..64u64 {
            let hash = format!("{:016x}{}", i << 58 | i, &A[16..]);
            cache.fill(
                cache.epoch(),
                Entry::new(
                    &hash,
                    HashMap::new(),
                    meta(if i % 2 == 0 { "ada" } else { "bob" }),
                    1000,
                ),
            );
        }
        assert!(cache.len() <= 16);
        cache.evict_user("ada");
        assert!(cache.shards.iter().all(|s| {
            s.read()
                .unwrap()
                .values()
                .all(|e| e.meta.user_id.as_deref() == Some("bob"))
        }));
    }

    #[test]
    fn touch_only_moves_forward() {
        let cache = Cache::local(10);
        cache.fill(cache.epoch(), Entry::new(A, HashMap::new(), meta("ada"), 1000));
        cache.touched(A, 50, 2000);
        cache.touched(A, 40, 1500);
        let e = cache.get(A, 10).unwrap();
        assert_eq!((e.meta.last_seen_at, e.expires_at), (50, 2000));
    }

    #[test]
    fn fence_outlasts_staleness() {
        assert!(FENCE_WAIT > STALE && PEER_TTL >= STALE);
    }
}
