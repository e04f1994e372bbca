//! The registry as a `tower_sessions::SessionStore` on sea-orm.
//!
//! * Rows are keyed by the SHA-256 of the session id ([`IdHash`]); the raw id
//!   never reaches the database.
//! * `create` inserts, retrying with a fresh id on a (astronomically unlikely)
//!   collision.
//! * `save` only updates an existing row: a request in flight can never
//!   re-create a session that was revoked or expired meanwhile.
//! * `load` filters out expired rows, so an expired session is never adopted.
//! * With a [`RegistryCache`], `load` is served from memory when it can be —
//!   and every path that ends a session evicts it first (see `registry/cache.rs`).

use std::{
    collections::HashMap,
    fmt,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
};

use async_trait::async_trait;
use leptos_sessions_entity::session;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, SqlErr,
    sea_query::Expr,
};
use time::OffsetDateTime;
use tower_sessions::{
    ExpiredDeletion, SessionStore,
    session::{Id, Record},
    session_store,
};

use super::{
    INIT_KEY, ROW_KEY, RowInit, RowMeta, SAVED_KEY,
    cache::{Cache, Entry},
    queries,
    watch::{Watch, Watches},
};
use crate::server::{
    clock::Clock,
    ids::{IdHash, new_handle},
    live::LiveHub,
};

/// The registry cache in front of the store (see
/// [`SessionsConfig::registry_cache`](crate::server::SessionsConfig::registry_cache)).
/// Whatever the mode, a revocation is never delayed: on PostgreSQL every
/// instance is told through `LISTEN`/`NOTIFY` and the revoking call returns
/// once they all acknowledged; elsewhere the cache is only used when this
/// process is the only one writing the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegistryCache {
    /// Every request reads its row from the database.
    Off,
    /// PostgreSQL (the default): cached, kept coherent across any number of instances
    /// through `LISTEN`/`NOTIFY` (installs two statement triggers on the
    /// registry table). SQLite and MySQL: off, since nothing would tell this
    /// process about another one's revocations.
    #[default]
    Auto,
    /// Like `Auto`, and also cached on SQLite and MySQL: the host promises that
    /// this process is the only one that changes the registry (one app
    /// instance; no admin CLI revoking sessions in another process while it
    /// runs). Expired sessions are refused from the cache anyway.
    SingleInstance,
}

/// A `SessionStore` over the `leptos_sessions` table.
#[derive(Clone)]
pub struct RegistryStore {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    /// Set once, when the layer first runs (`None`: no cache).
    cache: Arc<OnceLock<Option<Arc<Cache>>>>,
    /// Signed-in rows whose requests are running (see `registry/watch.rs`).
    watches: Watches,
    /// The live streams of this process, told of every row that ends.
    live: Arc<LiveHub>,
    /// Rows this process deleted through `delete` (sign-outs, id cycling,
    /// timeouts), which do not fence on their own: a request that saw this
    /// move is fenced before its response leaves.
    unfenced: Arc<AtomicU64>,
}

impl fmt::Debug for RegistryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryStore").finish_non_exhaustive()
    }
}

impl RegistryStore {
    /// A store on `db`, timing rows with `clock`.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            clock,
            cache: Arc::new(OnceLock::new()),
            watches: Watches::default(),
            live: Arc::new(LiveHub::default()),
            unfenced: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How many rows `delete` has removed so far (see [`RegistryStore::fence`]):
    /// a request during which it did not move changed nothing that another
    /// instance may still serve from its cache. (Rows other SQL deletes reach
    /// the other instances through the triggers, without the fence.)
    pub(crate) fn unfenced_deletions(&self) -> u64 {
        self.unfenced.load(Ordering::SeqCst)
    }

    /// The live streams of this process.
    pub(crate) fn live(&self) -> &Arc<LiveHub> {
        &self.live
    }

    /// `user`'s open pages, here and (PostgreSQL) on the other instances.
    pub(crate) fn tell_live(&self, user: &str, message: crate::server::live::LiveMsg) {
        if let (Some(cache), Some(event)) = (self.cache(), message.wire()) {
            cache.broadcast_live(user, &event, &self.db);
        }
        self.live.tell(user, message);
    }

    /// Whether the row `id_hash` still exists (a live stream's re-check).
    ///
    /// # Errors
    /// The database error.
    pub(crate) async fn row_exists(&self, id_hash: &str) -> Result<bool, DbErr> {
        Ok(session::Entity::find_by_id(id_hash.to_owned())
            .select_only()
            .column(session::Column::IdHash)
            .into_tuple::<String>()
            .one(&self.db)
            .await?
            .is_some())
    }

    /// Watches the row `id_hash` until the guard drops: if `SessionStore::delete`
    /// removes it meanwhile, the row's columns are kept for the guard.
    pub(crate) fn watch(&self, id_hash: &IdHash) -> Watch {
        self.watches.watch(id_hash.as_str())
    }

    /// Turns the registry cache on (once; later calls are no-ops). The layer
    /// calls it with the configured mode on its first request; on PostgreSQL
    /// it starts the listener and heartbeat tasks (inside a tokio runtime).
    pub(crate) fn enable_cache(&self, mode: RegistryCache, capacity: usize) {
        if self.cache.get().is_some() {
            return;
        }
        let _ = self.cache.get_or_init(|| {
            let backend = self.db.get_database_backend();
            match (mode, backend) {
                (RegistryCache::Off, _) => None,
                (_, _) if capacity == 0 => None,
                (_, DbBackend::Postgres) => {
                    Some(Cache::postgres(capacity, self.db.clone(), Arc::clone(&self.live)))
                }
                (RegistryCache::SingleInstance, _) => Some(Cache::local(capacity)),
                (RegistryCache::Auto, _) => None,
            }
        });
    }

    fn cache(&self) -> Option<&Arc<Cache>> {
        self.cache.get().and_then(Option::as_ref)
    }

    /// Whether a registry cache is on and currently serving (PostgreSQL: its
    /// listener is connected and fresh).
    pub fn cache_live(&self) -> bool {
        self.cache().is_some_and(|c| c.is_live())
    }

    /// Returns once no instance sharing this database can serve a session
    /// deleted before the call. Only PostgreSQL caches need to wait (for the
    /// other instances' acknowledgements, at most a few seconds when one is
    /// unresponsive); otherwise it returns at once.
    pub async fn fence(&self) {
        if let Some(cache) = self.cache() {
            cache.fence(&self.db).await;
        }
    }

    /// Whether [`RegistryStore::fence`] has to wait for other instances.
    pub(crate) fn needs_fence(&self) -> bool {
        self.db.get_database_backend() == DbBackend::Postgres && self.cache().is_some()
    }

    /// Deletes registry rows by id hash — every revocation path — evicts
    /// them from this instance's cache and fences the others. Returns the
    /// hashes this call deleted (a row another call deleted first is not
    /// among them).
    ///
    /// # Errors
    /// The database error; nothing is evicted then (nothing was deleted).
    pub(crate) async fn delete_by_hashes(&self, hashes: Vec<String>) -> Result<Vec<String>, DbErr> {
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let evict: Vec<String> = hashes.clone();
        let deleted = queries::delete_by_hashes(&self.db, hashes).await?;
        if let Some(cache) = self.cache() {
            cache.evict(evict.iter().map(String::as_str));
            cache.fence(&self.db).await;
        }
        self.live.ended(deleted.iter().map(String::as_str));
        Ok(deleted)
    }

    /// Deletes rows by id hash on `txn` (one step of a host's transaction).
    /// Nothing is evicted: call [`RegistryStore::evicted`] once it commits.
    ///
    /// # Errors
    /// The database error.
    pub(crate) async fn delete_by_hashes_in<C: sea_orm::ConnectionTrait>(
        &self,
        txn: &C,
        hashes: Vec<String>,
    ) -> Result<Vec<String>, DbErr> {
        queries::delete_by_hashes(txn, hashes).await
    }

    /// Rows deleted by a committed transaction: evicted here, fenced everywhere.
    pub(crate) async fn evicted(&self, hashes: &[String]) {
        if hashes.is_empty() {
            return;
        }
        if let Some(cache) = self.cache() {
            cache.evict(hashes.iter().map(String::as_str));
            cache.fence(&self.db).await;
        }
        self.live.ended(hashes.iter().map(String::as_str));
    }

    /// Deletes rows whose expiry passed before `now` (the sweep). Cached rows
    /// past their expiry are refused anyway; evicted for memory's sake.
    ///
    /// # Errors
    /// The database error.
    pub(crate) async fn delete_expired_before(&self, now: i64) -> Result<u64, DbErr> {
        let deleted = queries::delete_expired(&self.db, now).await?;
        if deleted > 0 {
            self.live.recheck_all();
        }
        if deleted > 0
            && let Some(cache) = self.cache()
        {
            cache.evict_all();
        }
        Ok(deleted)
    }

    /// GDPR erasure (the user's rows and trail; failed attempts with their
    /// identities lose the identity), evicting and fencing the user's rows.
    ///
    /// # Errors
    /// The database error.
    pub(crate) async fn forget(&self, user_id: &str, identities: Vec<String>) -> Result<(u64, u64), DbErr> {
        let removed = queries::forget(&self.db, user_id, identities).await?;
        self.live.tell(user_id, crate::server::live::LiveMsg::Recheck);
        if let Some(cache) = self.cache() {
            cache.evict_user(user_id);
            cache.fence(&self.db).await;
        }
        Ok(removed)
    }

    /// Moves a row's `last_seen_at`/`last_seen_ip` and expiry forward unless
    /// it was touched since `stale_before` (one conditional UPDATE), keeping
    /// the cached copy in step so the touch throttle holds without
    /// re-reading. Returns whether this call wrote.
    ///
    /// # Errors
    /// The database error.
    pub(crate) async fn touch(
        &self,
        id_hash: &IdHash,
        now: i64,
        stale_before: i64,
        ip: Option<String>,
        seen: Option<crate::server::locate::SeenPlace>,
        expires_at: i64,
    ) -> Result<bool, DbErr> {
        let touched = queries::touch(
            &self.db,
            id_hash.as_str(),
            now,
            stale_before,
            ip,
            seen,
            expires_at,
        )
        .await?;
        if touched && let Some(cache) = self.cache() {
            cache.touched(id_hash.as_str(), now, expires_at);
        }
        Ok(touched)
    }

    /// Other instances this one's revocation fence waits for (PostgreSQL
    /// with the cache on; tests and metrics).
    pub fn cache_peers(&self) -> usize {
        self.cache().map_or(0, |c| c.peers())
    }

    /// Rows in this instance's cache (tests and metrics).
    pub fn cached_rows(&self) -> usize {
        self.cache().map_or(0, |c| c.len())
    }
}

fn record_of(id: Id, entry: &Entry) -> session_store::Result<Record> {
    let expiry_date = OffsetDateTime::from_unix_timestamp_nanos(i128::from(entry.expires_at) * 1_000_000)
        .map_err(|e| session_store::Error::Decode(e.to_string()))?;
    Ok(Record {
        id,
        data: (*entry.data).clone(),
        expiry_date,
    })
}

fn backend(err: DbErr) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn expiry_ms(record: &Record) -> i64 {
    i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The keys of the host's own session data (the library's are in-memory only).
fn is_persisted(key: &str) -> bool {
    key != ROW_KEY && key != INIT_KEY && key != SAVED_KEY
}

fn persisted_data(data: &HashMap<String, serde_json::Value>) -> session_store::Result<String> {
    let filtered: HashMap<&String, &serde_json::Value> = data.iter().filter(|(k, _)| is_persisted(k)).collect();
    serde_json::to_string(&filtered).map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// What `create` wrote, as compared by `save`: the persisted data (order-free)
/// and the expiry.
fn written(data: &HashMap<String, serde_json::Value>, expiry_ms: i64) -> serde_json::Value {
    let data: serde_json::Map<String, serde_json::Value> = data
        .iter()
        .filter(|(k, _)| is_persisted(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_json::json!([data, expiry_ms])
}

/// Whether `save` would write nothing new: the data is what `create` wrote in
/// this request, and the expiry moved forward by less than a minute (the
/// inactivity expiry recomputed a moment later; the throttled touch moves it
/// on anyway).
fn unchanged_since_create(record: &Record) -> bool {
    let Some(serde_json::Value::Array(noted)) = record.data.get(SAVED_KEY) else {
        return false;
    };
    let (Some(data), Some(at)) = (noted.first(), noted.get(1).and_then(serde_json::Value::as_i64)) else {
        return false;
    };
    let now = written(&record.data, expiry_ms(record));
    let moved = expiry_ms(record).saturating_sub(at);
    now.get(0) == Some(data) && (0..60_000).contains(&moved)
}

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

#[async_trait]
impl SessionStore for RegistryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let init: RowInit = record
            .data
            .remove(INIT_KEY)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let data = persisted_data(&record.data)?;
        let now = self.clock.now_ms();
        let epoch = self.cache().map(|c| c.epoch());
        let mut last_err = None;
        for _ in 0..8 {
            let handle = init.carried.as_ref().map_or_else(new_handle, |c| c.0.clone());
            let row = init.to_active(
                IdHash::of(&record.id).as_str().to_owned(),
                handle.clone(),
                data.clone(),
                expiry_ms(record),
                now,
            );
            match session::Entity::insert(row)
                .exec_without_returning(&self.db)
                .await
            {
                Ok(_) => {
                    let (created_at, last_seen_at) = init.carried.as_ref().map_or((now, now), |c| (c.1, c.2));
                    let meta = RowMeta {
                        user_id: init.user_id,
                        handle,
                        created_at,
                        last_seen_at,
                        authenticated_at: init.authenticated_at,
                    };
                    if let (Some(cache), Some(epoch)) = (self.cache(), epoch) {
                        // The next request of this session needs no read.
                        let data = record
                            .data
                            .iter()
                            .filter(|(k, _)| is_persisted(k))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        let id_hash = IdHash::of(&record.id);
                        cache.fill(
                            epoch,
                            Entry::new(id_hash.as_str(), data, meta.clone(), expiry_ms(record)),
                        );
                    }
                    if let Ok(value) = serde_json::to_value(meta) {
                        record.data.insert(ROW_KEY.to_owned(), value);
                    }
                    let noted = written(&record.data, expiry_ms(record));
                    record.data.insert(SAVED_KEY.to_owned(), noted);
                    return Ok(());
                }
                Err(err) if is_unique_violation(&err) => {
                    // Id (or handle) collision: draw again.
                    record.id = Id::default();
                    last_err = Some(err);
                }
                Err(err) => return Err(backend(err)),
            }
        }
        Err(last_err.map_or_else(
            || session_store::Error::Backend("session id collision".into()),
            backend,
        ))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if unchanged_since_create(record) {
            return Ok(());
        }
        // Update only: a row that is gone (revoked, expired, logged out) stays gone.
        let data = persisted_data(&record.data)?;
        let id_hash = IdHash::of(&record.id);
        session::Entity::update_many()
            .col_expr(session::Column::Data, Expr::value(data))
            .col_expr(session::Column::ExpiresAt, Expr::value(expiry_ms(record)))
            .filter(session::Column::IdHash.eq(id_hash.as_str()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        if let Some(cache) = self.cache() {
            // Re-read on the next request (the data changed).
            cache.evict([id_hash.as_str()]);
        }
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let hash = IdHash::of(session_id);
        let now = self.clock.now_ms();
        let cache = self.cache();
        if let Some(entry) = cache.and_then(|c| c.get(hash.as_str(), now)) {
            return record_of(*session_id, &entry).map(Some);
        }
        let epoch = cache.map(|c| c.epoch());
        // Only the columns the tracker needs: one indexed read by primary key.
        let row: Option<(String, Option<String>, String, i64, i64, i64, Option<i64>)> =
            session::Entity::find_by_id(hash.as_str().to_owned())
                .select_only()
                .columns([
                    session::Column::Handle,
                    session::Column::UserId,
                    session::Column::Data,
                    session::Column::ExpiresAt,
                    session::Column::CreatedAt,
                    session::Column::LastSeenAt,
                    session::Column::AuthenticatedAt,
                ])
                .filter(session::Column::ExpiresAt.gt(now))
                .into_tuple()
                .one(&self.db)
                .await
                .map_err(backend)?;
        let Some((handle, user_id, data, expires_at, created_at, last_seen_at, authenticated_at)) = row
        else {
            return Ok(None);
        };
        // Undecodable data loses the data, never the sign-in.
        let data: HashMap<String, serde_json::Value> = serde_json::from_str(&data).unwrap_or_default();
        let meta = RowMeta {
            user_id,
            handle,
            created_at,
            last_seen_at,
            authenticated_at,
        };
        let entry = Entry::new(hash.as_str(), data, meta, expires_at);
        let record = record_of(*session_id, &entry)?;
        if let (Some(cache), Some(epoch)) = (cache, epoch) {
            cache.fill(epoch, entry);
        }
        Ok(Some(record))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        let id_hash = IdHash::of(session_id);
        // A watched row (a signed-in request is running) is read first, so
        // that whoever reports its end has its device columns. A read, not
        // `DELETE … RETURNING`: MySQL has none.
        let watched = self.watches.is_watched(id_hash.as_str());
        let row = if watched {
            session::Entity::find_by_id(id_hash.as_str().to_owned())
                .one(&self.db)
                .await
                .unwrap_or_else(|err| {
                    tracing::warn!(error = %err, "leptos-sessions: could not read a row before deleting it");
                    None
                })
        } else {
            None
        };
        let deleted = session::Entity::delete_many()
            .filter(session::Column::IdHash.eq(id_hash.as_str()))
            .exec(&self.db)
            .await
            .map_err(backend)?
            .rows_affected;
        if deleted > 0 {
            self.unfenced.fetch_add(deleted, Ordering::SeqCst);
        }
        // Logout, id cycling and timeouts end here. Other instances hear of it
        // through the registry triggers; requests that change state are
        // fenced by the layer before their response leaves.
        if let Some(cache) = self.cache() {
            cache.evict([id_hash.as_str()]);
        }
        if deleted > 0 && self.watches.is_cycling(id_hash.as_str()) {
            // A new id for a live session: its pages reconnect with it.
            self.live.cycled([id_hash.as_str()]);
        } else if deleted > 0 {
            self.live.ended([id_hash.as_str()]);
            // A sign-out: the user's other pages list one device fewer.
            if let Some(user) = row.as_ref().and_then(|r| r.user_id.as_deref()) {
                self.tell_live(user, crate::server::live::LiveMsg::Changed);
            }
        }
        // Recorded only when this call deleted the row: a concurrent
        // sign-out or revocation that got there first leaves nothing, so
        // the session's end is written once.
        if deleted > 0 && watched {
            self.watches.deleted(row.unwrap_or_else(|| {
                let mut blank = super::blank_row();
                blank.id_hash = id_hash.as_str().to_owned();
                blank
            }));
        }
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for RegistryStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let deleted = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(self.clock.now_ms()))
            .exec(&self.db)
            .await
            .map_err(backend)?
            .rows_affected;
        if deleted > 0 {
            self.live.recheck_all();
        }
        Ok(())
    }
}
