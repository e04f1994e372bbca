//! Live updates: a server-sent-events stream per open signed-in page
//! (`GET /api/sessions/events`, served by the layer, authorized by the
//! session cookie).
//!
//! * **Sign-out at once.** Every ending of a row — revoke, sign out
//!   everywhere, password change, logout, "This wasn't me", the sweep — goes
//!   through the [`RegistryStore`](super::RegistryStore), which tells the hub
//!   the id hashes it deleted. A stream whose session is among them sends
//!   `signed_out` and ends; the user's other streams send `changed`. On
//!   PostgreSQL the registry's notification channel carries the endings of
//!   other instances here too.
//! * **Sign-in elsewhere.** A login on this instance sends `signed_in` (the
//!   device's name parts and place) to the user's open pages.
//! * **Bounded and idle-free.** A stream waits on an in-process channel:
//!   idle, it makes no database read (keep-alive comments only). At most
//!   [`SessionsConfig::live_streams_per_user`](super::SessionsConfig::live_streams_per_user)
//!   per user and
//!   [`live_streams_total`](super::SessionsConfig::live_streams_total) per
//!   process; past that, 429. An anonymous or revoked cookie gets 401 — a
//!   reconnect after the session ended is refused.

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use axum::{
    body::Body,
    response::{
        IntoResponse,
        sse::{Event as SseEvent, KeepAlive, Sse},
    },
};
use http::{HeaderValue, Response, header};
use tokio::sync::broadcast;

use super::{CurrentSession, Sessions};
use crate::{error::SessionsError, types::SessionEvent};

/// How often an idle stream sends a keep-alive comment.
const KEEP_ALIVE: Duration = Duration::from_secs(20);

/// Messages buffered per user before a slow stream skips ahead (it then
/// re-checks its session and reloads its lists).
const CHANNEL_CAPACITY: usize = 32;

/// What the hub hands a user's streams.
#[derive(Debug, Clone)]
pub(crate) enum LiveMsg {
    /// These rows ended (full id hashes, or the 16-hex-digit keys the
    /// PostgreSQL notifications carry).
    Ended(Arc<Vec<String>>),
    /// These rows' sessions were given new ids (a password change, a
    /// privilege change): their streams end quietly, and the browser
    /// reconnects with the new cookie.
    Cycled(Arc<Vec<String>>),
    /// The user signed in elsewhere.
    SignedIn(Arc<SessionEvent>),
    /// Something else of the user's changed.
    Changed,
    /// Endings this instance cannot attribute (a sweep, a lost
    /// notification): each stream checks its own row once.
    Recheck,
}

impl LiveMsg {
    /// What of it other instances' streams need (sign-ins and changes; an
    /// ending reaches them through the registry's own notifications).
    pub(crate) fn wire(&self) -> Option<SessionEvent> {
        match self {
            Self::SignedIn(event) => Some((**event).clone()),
            Self::Changed => Some(SessionEvent::Changed),
            Self::Ended(_) | Self::Cycled(_) | Self::Recheck => None,
        }
    }

    /// The message of a wire event from another instance.
    pub(crate) fn from_wire(event: SessionEvent) -> Self {
        match event {
            SessionEvent::SignedIn { .. } => Self::SignedIn(Arc::new(event)),
            // A stream never takes another instance's word for its own end.
            SessionEvent::Changed | SessionEvent::SignedOut => Self::Changed,
        }
    }
}

#[derive(Default)]
struct HubState {
    /// user → channel and open streams.
    users: HashMap<String, UserChannel>,
    /// First 16 hex digits of an open stream's id hash → (user, full hash, streams).
    by_key: HashMap<String, Vec<(String, String, usize)>>,
    total: usize,
}

struct UserChannel {
    tx: broadcast::Sender<LiveMsg>,
    streams: usize,
}

/// The streams open on this process, by user and session.
#[derive(Default)]
pub(crate) struct LiveHub {
    state: Mutex<HubState>,
}

impl std::fmt::Debug for LiveHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveHub")
            .field("streams", &self.lock().total)
            .finish()
    }
}

fn key(id_hash: &str) -> &str {
    id_hash.get(..16).unwrap_or(id_hash)
}

impl LiveHub {
    fn lock(&self) -> MutexGuard<'_, HubState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens a stream for `user`'s session `id_hash`.
    fn register(
        self: &Arc<Self>,
        user: &str,
        id_hash: &str,
        per_user: usize,
        total: usize,
    ) -> Result<Registration, SessionsError> {
        let mut state = self.lock();
        let open = state.users.get(user).map_or(0, |u| u.streams);
        if open >= per_user || state.total >= total {
            return Err(SessionsError::TooManyStreams);
        }
        state.total += 1;
        let channel = state.users.entry(user.to_owned()).or_insert_with(|| UserChannel {
            tx: broadcast::channel(CHANNEL_CAPACITY).0,
            streams: 0,
        });
        channel.streams += 1;
        let rx = channel.tx.subscribe();
        let entries = state.by_key.entry(key(id_hash).to_owned()).or_default();
        match entries.iter_mut().find(|(_, h, _)| h == id_hash) {
            Some(entry) => entry.2 += 1,
            None => entries.push((user.to_owned(), id_hash.to_owned(), 1)),
        }
        Ok(Registration {
            hub: Arc::clone(self),
            user: user.to_owned(),
            id_hash: id_hash.to_owned(),
            rx,
        })
    }

    fn unregister(&self, user: &str, id_hash: &str) {
        let mut state = self.lock();
        state.total = state.total.saturating_sub(1);
        if let Some(channel) = state.users.get_mut(user) {
            channel.streams -= 1;
            if channel.streams == 0 {
                state.users.remove(user);
            }
        }
        let k = key(id_hash).to_owned();
        if let Some(entries) = state.by_key.get_mut(&k) {
            if let Some(i) = entries.iter().position(|(_, h, _)| h == id_hash) {
                entries[i].2 -= 1;
                if entries[i].2 == 0 {
                    entries.swap_remove(i);
                }
            }
            if entries.is_empty() {
                state.by_key.remove(&k);
            }
        }
    }

    /// Open streams on this process (tests and metrics).
    pub(crate) fn streams(&self) -> usize {
        self.lock().total
    }

    /// Rows ended: full id hashes or 16-hex-digit keys. Their users' streams
    /// hear of it (a stream whose own row it is then ends).
    pub(crate) fn ended<'a>(&self, hashes: impl IntoIterator<Item = &'a str>) {
        self.route(hashes, LiveMsg::Ended);
    }

    /// Rows whose sessions got new ids: their streams end quietly.
    pub(crate) fn cycled<'a>(&self, hashes: impl IntoIterator<Item = &'a str>) {
        self.route(hashes, LiveMsg::Cycled);
    }

    fn route<'a>(&self, hashes: impl IntoIterator<Item = &'a str>, message: fn(Arc<Vec<String>>) -> LiveMsg) {
        let state = self.lock();
        if state.total == 0 {
            return;
        }
        let mut per_user: HashMap<&str, Vec<String>> = HashMap::new();
        for hash in hashes {
            for (user, full, _) in state.by_key.get(key(hash)).into_iter().flatten() {
                if full.starts_with(hash) {
                    per_user.entry(user.as_str()).or_default().push(hash.to_owned());
                }
            }
        }
        for (user, hashes) in per_user {
            if let Some(channel) = state.users.get(user) {
                let _ = channel.tx.send(message(Arc::new(hashes)));
            }
        }
    }

    /// Every stream checks its own row once (endings without their hashes).
    pub(crate) fn recheck_all(&self) {
        for channel in self.lock().users.values() {
            let _ = channel.tx.send(LiveMsg::Recheck);
        }
    }

    /// `user`'s streams: `message`, when they have any open.
    pub(crate) fn tell(&self, user: &str, message: LiveMsg) {
        if let Some(channel) = self.lock().users.get(user) {
            let _ = channel.tx.send(message);
        }
    }
}

/// One open stream; dropping it (the client went away, the session ended)
/// frees its place.
struct Registration {
    hub: Arc<LiveHub>,
    user: String,
    id_hash: String,
    rx: broadcast::Receiver<LiveMsg>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.unregister(&self.user, &self.id_hash);
    }
}

struct StreamState {
    registration: Registration,
    sessions: Sessions,
    done: bool,
}

fn frame(event: &SessionEvent) -> Result<SseEvent, Infallible> {
    Ok(SseEvent::default().data(serde_json::to_string(event).unwrap_or_default()))
}

/// The next frame of a stream, or `None` once its session ended.
async fn next_frame(mut state: StreamState) -> Option<(Result<SseEvent, Infallible>, StreamState)> {
    if state.done {
        return None;
    }
    loop {
        let message = match state.registration.rx.recv().await {
            Ok(message) => message,
            // Missed messages: whatever they were, check this row and reload.
            Err(broadcast::error::RecvError::Lagged(_)) => LiveMsg::Recheck,
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        let event = match message {
            LiveMsg::Ended(hashes)
                if hashes
                    .iter()
                    .any(|h| state.registration.id_hash.starts_with(h.as_str())) =>
            {
                state.done = true;
                SessionEvent::SignedOut
            }
            LiveMsg::Cycled(hashes)
                if hashes
                    .iter()
                    .any(|h| state.registration.id_hash.starts_with(h.as_str())) =>
            {
                return None;
            }
            LiveMsg::Ended(_) | LiveMsg::Cycled(_) | LiveMsg::Changed => SessionEvent::Changed,
            LiveMsg::SignedIn(event) => (*event).clone(),
            LiveMsg::Recheck => {
                // Spread out: a sweep makes every open stream check once.
                tokio::time::sleep(Duration::from_millis(rand::random::<u64>() % 2_000)).await;
                let exists = state
                    .sessions
                    .store()
                    .row_exists(&state.registration.id_hash)
                    .await;
                match exists {
                    Ok(false) => {
                        state.done = true;
                        SessionEvent::SignedOut
                    }
                    Ok(true) => continue,
                    // Cannot tell during an outage: say nothing; the next request decides.
                    Err(_) => continue,
                }
            }
        };
        return Some((frame(&event), state));
    }
}

/// `GET /api/sessions/events`: the live stream of the request's signed-in
/// session.
pub(crate) fn respond(current: &CurrentSession) -> Response<Body> {
    let sessions = current.sessions().clone();
    let config = sessions.config();
    let (Some(user), Some(id_hash)) = (current.user_id(), current.id_hash()) else {
        return super::json_api::error_response(&SessionsError::NotSignedIn);
    };
    let registration = match sessions.live().register(
        &user,
        id_hash.as_str(),
        config.live_streams_per_user,
        config.live_streams_total,
    ) {
        Ok(registration) => registration,
        Err(err) => return super::json_api::error_response(&err),
    };
    let state = StreamState {
        registration,
        sessions,
        done: false,
    };
    let stream = futures_util::stream::unfold(state, next_frame);
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies (nginx) must not buffer the stream.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn streams_are_bounded_per_user_and_in_all_and_freed_on_drop() {
        let hub = Arc::new(LiveHub::default());
        let hash = "ab".repeat(32);
        let a = hub.register("ada", &hash, 2, 3).unwrap();
        let b = hub.register("ada", &hash, 2, 3).unwrap();
        assert_eq!(
            hub.register("ada", &hash, 2, 3).err(),
            Some(SessionsError::TooManyStreams)
        );
        let c = hub.register("grace", &"cd".repeat(32), 2, 3).unwrap();
        assert_eq!(
            hub.register("alan", &"ef".repeat(32), 2, 3).err(),
            Some(SessionsError::TooManyStreams)
        );
        drop((a, b, c));
        assert_eq!(hub.streams(), 0);
        assert!(hub.lock().by_key.is_empty() && hub.lock().users.is_empty());
    }

    #[test]
    fn endings_reach_the_owners_streams_by_hash_or_key() {
        let hub = Arc::new(LiveHub::default());
        let ada = "ab".repeat(32);
        let mut mine = hub.register("ada", &ada, 8, 8).unwrap();
        let mut grace = hub.register("grace", &"cd".repeat(32), 8, 8).unwrap();
        hub.ended([&ada[..16]]);
        match mine.rx.try_recv() {
            Ok(LiveMsg::Ended(hashes)) => assert_eq!(hashes.as_slice(), [ada[..16].to_owned()]),
            other => panic!("{other:?}"),
        }
        assert!(grace.rx.try_recv().is_err(), "another user hears nothing");
        hub.ended(["ffffffffffffffff"]);
        assert!(mine.rx.try_recv().is_err(), "an unknown row is nobody's");
    }
}
