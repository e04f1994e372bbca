//! Hooks: the moments a host reacts to ("Was this you?" emails, audit logs,
//! alerts). Every hook is async and error-isolated: it runs on its own task,
//! after the response-relevant work is done, and a hook that fails or panics
//! is logged and never breaks a login, a logout or a page.
//!
//! ```no_run
//! use leptos_sessions::server::{CookieKey, Disavowed, Event, Hooks, NewDevice, SessionsConfig};
//!
//! # mod mailer { pub async fn new_device(_: &str, _: &str, _: Option<String>) {} }
//! # mod accounts { pub async fn require_password_reset(_: &str) {} }
//! # mod audit { pub async fn log(_: impl serde::Serialize) {} }
//! # fn run(key: CookieKey) {
//! let mut config = SessionsConfig::new(key);
//! config.hooks = Hooks::default()
//!     .on_new_device(|new: NewDevice| async move {
//!         // "New sign-in: Firefox 139 on Windows · Madrid, Spain. Wasn't you? <link>"
//!         let wasnt_me = new.disavow_url("https://example.com/sessions/disavow");
//!         mailer::new_device(&new.user_id, &new.event.source_line(false), wasnt_me).await;
//!     })
//!     .on_disavowed(|disowned: Disavowed| async move {
//!         accounts::require_password_reset(&disowned.user_id).await;
//!     })
//!     .events(|event: Event| async move { audit::log(event.summary()).await });
//! # }
//! ```

use std::{
    fmt,
    future::Future,
    panic::{AssertUnwindSafe, catch_unwind},
    pin::Pin,
    sync::Arc,
};

pub use leptos_sessions_entity::event::Model as Event;

use super::reason::RevokeReason;
use crate::server::DisavowToken;

type HookFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
type HookFn<T> = Arc<dyn Fn(T) -> HookFuture + Send + Sync>;

/// A login that matched no device the user signed in from before (never fired
/// on a user's first-ever login).
#[derive(Debug, Clone)]
pub struct NewDevice {
    /// Who signed in.
    pub user_id: String,
    /// Public handle of the new session (the row may be gone by the time a
    /// delayed job runs; the event survives).
    pub session_handle: String,
    /// The `login` event, with device, location and IP.
    pub event: Event,
    /// The "This wasn't me" link's token; `None` when links are off
    /// ([`SessionsConfig::disavow_link_lifetime`](crate::server::SessionsConfig::disavow_link_lifetime))
    /// or it could not be stored (the login succeeded all the same).
    pub disavow: Option<DisavowToken>,
}

impl NewDevice {
    /// The "This wasn't me" link for the e-mail about this sign-in: `base`
    /// is the address of the host's page that renders
    /// [`Disavow`](crate::components::Disavow) (`https://example.com/sessions/disavow`).
    /// Single-use, expiring, stored hashed; it works signed out.
    pub fn disavow_url(&self, base: &str) -> Option<String> {
        self.disavow.as_ref().map(|token| token.url(base))
    }
}

/// A person opened a "This wasn't me" link and confirmed it: the sign-in's
/// session (or every session of the account) was ended with reason
/// `disavowed`. Hosts force a password reset here.
#[derive(Debug, Clone)]
pub struct Disavowed {
    /// Whose account it is.
    pub user_id: String,
    /// Public handle of the disowned session.
    pub session_handle: String,
    /// Whether the person chose to end every session of the account.
    pub everywhere: bool,
    /// How many sessions ended (0 when the disowned one had already ended).
    pub ended: u64,
    /// The disowned `login` event, while the trail keeps it.
    pub event: Option<Event>,
}

/// A session that was ended by someone or something other than its own
/// sign-out.
#[derive(Debug, Clone)]
pub struct SessionRevoked {
    /// Whose session it was.
    pub user_id: Option<String>,
    /// Its public handle.
    pub session_handle: String,
    /// Why.
    pub reason: RevokeReason,
    /// The `revoked` event.
    pub event: Event,
}

/// An identity crossed the repeated-failure threshold (fires once per crossing).
#[derive(Debug, Clone)]
pub struct RepeatedFailedLogins {
    /// The identity as typed, normalized. It may match no account.
    pub identity: String,
    /// Failures within the window, this one included (= the threshold).
    pub count: u64,
    /// The attempt that crossed the threshold.
    pub event: Event,
}

/// The host's hooks; all optional, all no-ops by default. Build with the
/// chained setters and put the result in [`SessionsConfig::hooks`](crate::server::SessionsConfig::hooks).
#[derive(Clone, Default)]
pub struct Hooks {
    on_new_device: Option<HookFn<NewDevice>>,
    on_session_revoked: Option<HookFn<SessionRevoked>>,
    on_repeated_failed_logins: Option<HookFn<RepeatedFailedLogins>>,
    on_disavowed: Option<HookFn<Disavowed>>,
    events: Option<HookFn<Event>>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("on_new_device", &self.on_new_device.is_some())
            .field("on_session_revoked", &self.on_session_revoked.is_some())
            .field(
                "on_repeated_failed_logins",
                &self.on_repeated_failed_logins.is_some(),
            )
            .field("on_disavowed", &self.on_disavowed.is_some())
            .field("events", &self.events.is_some())
            .finish()
    }
}

fn boxed<T, F, Fut>(f: F) -> HookFn<T>
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move |payload| Box::pin(f(payload)))
}

impl Hooks {
    /// Called when a login matches no prior device of the user.
    #[must_use]
    pub fn on_new_device<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(NewDevice) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_new_device = Some(boxed(f));
        self
    }

    /// Called for every revoked session (user, admin, password change,
    /// sign-out everywhere, pruned).
    #[must_use]
    pub fn on_session_revoked<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(SessionRevoked) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_session_revoked = Some(boxed(f));
        self
    }

    /// Called once when an identity crosses the configured
    /// [`SessionsConfig::repeated_failed_logins`](crate::server::SessionsConfig::repeated_failed_logins) threshold.
    #[must_use]
    pub fn on_repeated_failed_logins<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(RepeatedFailedLogins) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_repeated_failed_logins = Some(boxed(f));
        self
    }

    /// Called when a person confirms a "This wasn't me" link (force a
    /// password reset here).
    #[must_use]
    pub fn on_disavowed<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Disavowed) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_disavowed = Some(boxed(f));
        self
    }

    /// A tee of every event written to the trail (for your audit system).
    #[must_use]
    pub fn events<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.events = Some(boxed(f));
        self
    }

    /// Whether any hook takes written events (`on_disavowed` takes none).
    pub(crate) fn has_any(&self) -> bool {
        self.on_new_device.is_some()
            || self.on_session_revoked.is_some()
            || self.on_repeated_failed_logins.is_some()
            || self.events.is_some()
    }

    pub(crate) fn wants_new_device(&self) -> bool {
        self.on_new_device.is_some()
    }

    pub(crate) fn wants_repeated_failures(&self) -> bool {
        self.on_repeated_failed_logins.is_some()
    }

    pub(crate) fn new_device(&self, payload: NewDevice) {
        fire("on_new_device", self.on_new_device.as_ref(), payload);
    }

    pub(crate) fn session_revoked(&self, payload: SessionRevoked) {
        fire("on_session_revoked", self.on_session_revoked.as_ref(), payload);
    }

    pub(crate) fn repeated_failed_logins(&self, payload: RepeatedFailedLogins) {
        fire(
            "on_repeated_failed_logins",
            self.on_repeated_failed_logins.as_ref(),
            payload,
        );
    }

    pub(crate) fn disavowed(&self, payload: Disavowed) {
        fire("on_disavowed", self.on_disavowed.as_ref(), payload);
    }

    pub(crate) fn event(&self, event: Event) {
        fire("events", self.events.as_ref(), event);
    }
}

/// Runs a hook on its own task; a panic (while building the future or while
/// running it) is caught and logged.
fn fire<T>(name: &'static str, hook: Option<&HookFn<T>>, payload: T) {
    let Some(hook) = hook else { return };
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        tracing::warn!(hook = name, "leptos-sessions: hook skipped (no tokio runtime)");
        return;
    };
    let future = match catch_unwind(AssertUnwindSafe(|| hook(payload))) {
        Ok(future) => future,
        Err(_) => {
            tracing::error!(hook = name, "leptos-sessions: hook panicked");
            return;
        }
    };
    let task = handle.spawn(future);
    handle.spawn(async move {
        if let Err(err) = task.await
            && err.is_panic()
        {
            tracing::error!(hook = name, "leptos-sessions: hook panicked");
        }
    });
}
