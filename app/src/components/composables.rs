//! leptos-use-style function families behind the components, for hosts that
//! want their own markup: `use_devices()`, `use_history()`,
//! `use_last_login()`, each with a `_with_options` variant, an options
//! struct whose field docs state the defaults, and a return struct.
//!
//! ## Server-Side Rendering
//!
//! The resources are *blocking* by default: the server waits for them before
//! it sends the page. Put the routes that show them on `SsrMode::Async` so
//! the data is in the HTML and every form works with JavaScript off (with
//! out-of-order streaming a page without JavaScript only gets the loading
//! state; `SsrMode::PartiallyBlocked` is meant to fix that but left a
//! fallback in place now and then in our end-to-end runs).

use leptos::prelude::*;

use crate::{
    api::{RenameDevice, RevokeOtherSessions, RevokeSession, last_login, list_devices, list_history},
    error::SessionsError,
    types::{DeviceList, HistoryList, LastLogin, SessionEvent},
};

/// The revoke actions, shared by everything below one
/// [`provide_sessions_actions`] so that, for example, `<History/>` reloads
/// after `<Devices/>` logged a device out.
#[derive(Clone, Copy)]
pub struct SessionsActions {
    /// "Log out" of one device (form field `handle`).
    pub revoke: ServerAction<RevokeSession>,
    /// "Sign out of all other sessions".
    pub revoke_others: ServerAction<RevokeOtherSessions>,
    /// Name a device (form fields `handle` and `name`).
    pub rename: ServerAction<RenameDevice>,
    /// Bumped by the live stream when another session of the user changed.
    pub live: RwSignal<usize>,
}

impl SessionsActions {
    /// Fresh actions (not shared).
    pub fn new() -> Self {
        Self {
            revoke: ServerAction::new(),
            revoke_others: ServerAction::new(),
            rename: ServerAction::new(),
            live: RwSignal::new(0),
        }
    }

    /// Tracks the actions and the live stream: changes whenever an action
    /// completes or the stream reports a change (each counter only grows).
    pub fn version(&self) -> usize {
        self.revoke.version().get()
            + self.revoke_others.version().get()
            + self.rename.version().get()
            + self.live.get()
    }
}

impl Default for SessionsActions {
    fn default() -> Self {
        Self::new()
    }
}

/// Creates [`SessionsActions`] and provides them to the components below, so
/// that `<Devices/>` and `<History/>` placed side by side stay in sync.
/// `<SessionsPage/>` does this itself.
pub fn provide_sessions_actions() -> SessionsActions {
    let actions = SessionsActions::new();
    provide_context(actions);
    actions
}

/// The provided actions, or fresh ones.
pub fn use_sessions_actions() -> SessionsActions {
    use_context::<SessionsActions>().unwrap_or_default()
}

fn resource<T, Fut>(
    blocking: bool,
    source: impl Fn() -> usize + Send + Sync + 'static,
    fetch: impl Fn() -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    if blocking {
        Resource::new_blocking(source, move |_| fetch())
    } else {
        Resource::new(source, move |_| fetch())
    }
}

/// Options of [`use_devices_with_options`].
#[derive(Debug, Clone, Copy)]
pub struct UseDevicesOptions {
    /// Blocking resource: the server waits for the list before sending the
    /// page (see the module docs). Default `true`.
    pub blocking: bool,
}

impl Default for UseDevicesOptions {
    fn default() -> Self {
        Self { blocking: true }
    }
}

/// What [`use_devices`] returns.
#[derive(Clone, Copy)]
pub struct UseDevicesReturn {
    /// The signed-in user's devices, current first; refetched after each
    /// revoke.
    pub devices: Resource<Result<DeviceList, SessionsError>>,
    /// "Log out" of one device: dispatch it or use it in an `<ActionForm>`
    /// with a hidden `handle` field.
    pub revoke: ServerAction<RevokeSession>,
    /// "Sign out of all other sessions".
    pub revoke_others: ServerAction<RevokeOtherSessions>,
    /// Name a device: an `<ActionForm>` with hidden `handle` and a `name`
    /// field (empty removes the name).
    pub rename: ServerAction<RenameDevice>,
}

/// The signed-in user's devices and the actions on them, with the default
/// [`UseDevicesOptions`].
///
/// ## Usage
///
/// ```
/// use leptos::prelude::*;
/// use leptos_sessions::components::{UseDevicesReturn, use_devices};
///
/// #[component]
/// fn DeviceCount() -> impl IntoView {
///     let UseDevicesReturn { devices, .. } = use_devices();
///     view! {
///         <Suspense fallback=|| "…">
///             {move || Suspend::new(async move {
///                 devices.await.map(|list| list.devices.len()).unwrap_or(0)
///             })}
///         </Suspense>
///     }
/// }
/// ```
pub fn use_devices() -> UseDevicesReturn {
    use_devices_with_options(UseDevicesOptions::default())
}

/// [`use_devices`] with options.
pub fn use_devices_with_options(options: UseDevicesOptions) -> UseDevicesReturn {
    let actions = use_sessions_actions();
    let devices = resource(options.blocking, move || actions.version(), list_devices);
    UseDevicesReturn {
        devices,
        revoke: actions.revoke,
        revoke_others: actions.revoke_others,
        rename: actions.rename,
    }
}

/// Options of [`use_history_with_options`].
#[derive(Debug, Clone, Copy)]
pub struct UseHistoryOptions {
    /// How many entries, newest first (the server caps it at
    /// [`crate::types::MAX_HISTORY`]). Default `10`.
    pub limit: u64,
    /// Blocking resource (see the module docs). Default `true`.
    pub blocking: bool,
}

impl Default for UseHistoryOptions {
    fn default() -> Self {
        Self {
            limit: 10,
            blocking: true,
        }
    }
}

/// What [`use_history`] returns.
#[derive(Debug, Clone, Copy)]
pub struct UseHistoryReturn {
    /// The signed-in user's trail, newest first, failed attempts with their
    /// identity included; refetched after a revoke by shared
    /// [`SessionsActions`].
    pub history: Resource<Result<HistoryList, SessionsError>>,
}

/// The signed-in user's login history, with the default
/// [`UseHistoryOptions`] (10 entries).
///
/// ## Usage
///
/// ```
/// use leptos::prelude::*;
/// use leptos_sessions::components::{UseHistoryOptions, use_history_with_options};
///
/// #[component]
/// fn LongHistory() -> impl IntoView {
///     let history = use_history_with_options(UseHistoryOptions { limit: 50, ..Default::default() }).history;
///     view! {
///         <Suspense fallback=|| "…">
///             {move || Suspend::new(async move {
///                 history.await.map(|list| list.entries.len()).unwrap_or(0)
///             })}
///         </Suspense>
///     }
/// }
/// ```
pub fn use_history() -> UseHistoryReturn {
    use_history_with_options(UseHistoryOptions::default())
}

/// [`use_history`] with options.
pub fn use_history_with_options(options: UseHistoryOptions) -> UseHistoryReturn {
    let actions = use_context::<SessionsActions>();
    let limit = options.limit;
    let history = resource(
        options.blocking,
        move || actions.map(|a| a.version()).unwrap_or_default(),
        move || list_history(limit),
    );
    UseHistoryReturn { history }
}

/// Options of [`use_last_login_with_options`].
#[derive(Debug, Clone, Copy)]
pub struct UseLastLoginOptions {
    /// Blocking resource (see the module docs), so the "Last used" badge is
    /// in the HTML without JavaScript. Default `true`.
    pub blocking: bool,
}

impl Default for UseLastLoginOptions {
    fn default() -> Self {
        Self { blocking: true }
    }
}

/// What [`use_last_login`] returns.
#[derive(Debug, Clone, Copy)]
pub struct UseLastLoginReturn {
    /// How this browser last signed in (`None` if it never did, or its
    /// cookies were cleared). Works signed out.
    pub last_login: Resource<Result<Option<LastLogin>, SessionsError>>,
}

/// How this browser last signed in, with the default
/// [`UseLastLoginOptions`]. Provide the return value as context
/// (`provide_context(use_last_login())`) to let several `<LastUsedBadge/>`
/// share one request.
///
/// ## Usage
///
/// ```
/// use leptos::prelude::*;
/// use leptos_sessions::components::use_last_login;
///
/// #[component]
/// fn GoogleHint() -> impl IntoView {
///     let last = use_last_login().last_login;
///     let used_google = move || {
///         last.get().and_then(Result::ok).flatten().is_some_and(|l| l.matches("oauth", Some("google")))
///     };
///     view! { <Suspense fallback=|| ()>{move || used_google().then_some("You used Google last time")}</Suspense> }
/// }
/// ```
pub fn use_last_login() -> UseLastLoginReturn {
    use_last_login_with_options(UseLastLoginOptions::default())
}

/// [`use_last_login`] with options.
pub fn use_last_login_with_options(options: UseLastLoginOptions) -> UseLastLoginReturn {
    let last_login = resource(options.blocking, || 0, last_login);
    UseLastLoginReturn { last_login }
}

/// What [`use_disavow`] returns.
#[derive(Clone, Copy)]
pub struct UseDisavowReturn {
    /// What the link's page shows (the sign-in, or what a confirmation
    /// without JavaScript did); [`SessionsError::InvalidLink`] for a link
    /// that is not valid any more.
    pub details: Resource<Result<crate::types::DisavowDetails, SessionsError>>,
    /// "Sign it out": an `<ActionForm>` with a hidden `token` field and an
    /// optional `everywhere` checkbox.
    pub confirm: ServerAction<crate::api::DisavowSignIn>,
}

/// The data and the action behind a "This wasn't me" link, for a page of
/// your own markup (`<Disavow/>` is built on it). The resource is blocking,
/// so the page works without JavaScript.
pub fn use_disavow(token: Signal<String>) -> UseDisavowReturn {
    UseDisavowReturn {
        details: Resource::new_blocking(move || token.get(), crate::api::disavow_details),
        confirm: ServerAction::new(),
    }
}

/// Options of [`use_session_events_with_options`].
#[derive(Clone, Copy)]
pub struct UseSessionEventsOptions {
    /// Open the stream only while this is `true` (e.g. once the page knows
    /// it is signed in). Default: always.
    pub enabled: Signal<bool>,
}

impl Default for UseSessionEventsOptions {
    fn default() -> Self {
        Self {
            enabled: Signal::stored(true),
        }
    }
}

/// What [`use_session_events`] returns.
#[derive(Debug, Clone, Copy)]
pub struct UseSessionEventsReturn {
    /// The latest event: a sign-in elsewhere, a change, or this session's
    /// end (checked with the server first: a session that only got a new id
    /// keeps listening instead).
    pub event: ReadSignal<Option<SessionEvent>>,
    /// How many events arrived (to react to repeats of the same event).
    pub count: ReadSignal<usize>,
}

/// The signed-in session's live stream (server-sent events from
/// [`SESSION_EVENTS_PATH`](crate::types::SESSION_EVENTS_PATH), which the
/// library's layer serves), for custom UIs. In the browser only: on the
/// server, and with JavaScript off, nothing ever arrives. The stream closes
/// when the component that opened it is cleaned up, and when the session
/// ends. `<Devices/>` uses it to reload the lists in place and to say "This
/// device was signed out".
///
/// ```
/// use leptos::prelude::*;
/// use leptos_sessions::{components::{UseSessionEventsReturn, use_session_events}, types::SessionEvent};
///
/// #[component]
/// fn SignedOutBanner() -> impl IntoView {
///     let UseSessionEventsReturn { event, .. } = use_session_events();
///     move || matches!(event.get(), Some(SessionEvent::SignedOut)).then(|| "You were signed out.")
/// }
/// ```
pub fn use_session_events() -> UseSessionEventsReturn {
    use_session_events_with_options(UseSessionEventsOptions::default())
}

/// [`use_session_events`] with options.
pub fn use_session_events_with_options(options: UseSessionEventsOptions) -> UseSessionEventsReturn {
    let (event, set_event) = signal(None::<SessionEvent>);
    let (count, set_count) = signal(0usize);
    #[cfg(feature = "hydrate")]
    live::open(options.enabled, move |e| {
        set_event.set(Some(e));
        set_count.update(|n| *n += 1);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (options, set_event, set_count);
    UseSessionEventsReturn { event, count }
}

#[cfg(feature = "hydrate")]
pub(crate) use live::page_is_leaving;

#[cfg(feature = "hydrate")]
mod live {
    use leptos::{
        prelude::*,
        wasm_bindgen::{JsCast as _, closure::Closure},
        web_sys::{EventSource, MessageEvent},
    };

    use std::sync::{
        Once,
        atomic::{AtomicBool, Ordering},
    };

    use crate::types::{SESSION_EVENTS_PATH, SessionEvent};

    static LEAVING: AtomicBool = AtomicBool::new(false);
    static WATCHING: Once = Once::new();

    /// Follows whether this page has started navigating away (a form post,
    /// a link; `beforeunload` fires before the request leaves), back to
    /// `false` when the page is shown again (the back/forward cache).
    fn watch_leaving() {
        WATCHING.call_once(|| {
            std::mem::forget(window_event_listener_untyped("beforeunload", |_| {
                LEAVING.store(true, Ordering::Relaxed);
            }));
            std::mem::forget(window_event_listener_untyped("pageshow", |_| {
                LEAVING.store(false, Ordering::Relaxed);
            }));
        });
    }

    /// Whether the page is on its way to another one: a "signed out" then
    /// races the page's own navigation (a password change that gives the
    /// session a new cookie when its response arrives) and is not acted on.
    pub(crate) fn page_is_leaving() -> bool {
        LEAVING.load(Ordering::Relaxed)
    }

    /// Opens the stream while `enabled`, handing each event to `on_event`.
    pub(super) fn open(enabled: Signal<bool>, on_event: impl Fn(SessionEvent) + Clone + 'static) {
        watch_leaving();
        let source = StoredValue::new_local(None::<EventSource>);
        // A page on its way elsewhere stops listening: no reconnect with the
        // cookie its navigation is about to replace.
        std::mem::forget(window_event_listener_untyped("beforeunload", move |_| {
            source.try_update_value(|s| {
                if let Some(s) = s.take() {
                    s.close();
                }
            });
        }));
        let reopen = RwSignal::new(0usize);
        Effect::new(move |_| {
            reopen.track();
            if !enabled.get() || source.with_value(Option::is_some) {
                return;
            }
            let Ok(stream) = EventSource::new(SESSION_EVENTS_PATH) else {
                return;
            };
            let on_event = on_event.clone();
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                let Some(text) = message.data().as_string() else {
                    return;
                };
                let Ok(event) = serde_json::from_str::<SessionEvent>(&text) else {
                    return;
                };
                if event != SessionEvent::SignedOut {
                    on_event(event);
                    return;
                }
                // Closed before the server ends it: no reconnect with a
                // cookie that no longer signs anybody in.
                source.update_value(|s| {
                    if let Some(s) = s.take() {
                        s.close();
                    }
                });
                // A session given a new id (password change) is still signed
                // in: keep listening on the new one.
                let on_event = on_event.clone();
                leptos::task::spawn_local(async move {
                    match crate::api::signed_in().await {
                        Ok(false) if page_is_leaving() => {}
                        Ok(false) => on_event(SessionEvent::SignedOut),
                        _ => {
                            on_event(SessionEvent::Changed);
                            reopen.update(|n| *n += 1);
                        }
                    }
                });
            });
            stream.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
            source.set_value(Some(stream));
        });
        on_cleanup(move || {
            source.update_value(|s| {
                if let Some(s) = s.take() {
                    s.close();
                }
            });
        });
    }
}
