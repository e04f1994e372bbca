//! Embeddable, hydrated components. Each works alone inside a host Leptos app;
//! every action is a real form that also works with JavaScript off.
//!
//! * [`SessionsPage`] — [`Devices`] and [`History`] together.
//! * [`Devices`] — the device list, "Log out", "Sign out of all other sessions".
//! * [`History`] — the login trail.
//! * [`LastUsedBadge`] — "Last used" on the signed-out sign-in page.
//! * [`Disavow`] — the page a "This wasn't me" link opens.
//! * [`use_devices`], [`use_history`], [`use_last_login`], [`use_disavow`] —
//!   the same data for custom markup; [`use_session_events`] — the live stream.
//!
//! * [`provide_sessions_locale`] — the host's own locale, for hosts with
//!   their own leptos_i18n.
//!
//! All markup uses semantic `sessions-*` classes styled by `style/sessions.css`.
//!
//! ## Translations
//!
//! The components speak English and Spanish, and find their language in one
//! of three ways:
//!
//! * **Below the library's [`I18nContextProvider`](crate::i18n::I18nContextProvider)**
//!   (a host without leptos_i18n of its own): its locale, from the
//!   `i18n_pref_locale` cookie, else `Accept-Language`; it sets `<html lang>`
//!   and keeps that cookie.
//! * **A host with its own leptos_i18n** leaves the library's provider out
//!   (two providers would fight over `<html lang>` and the cookie) and hands
//!   over its current locale with [`provide_sessions_locale`], one line below
//!   its own provider — in a component that renders the components or wraps
//!   them (its `children`), not in a childless one that renders nothing. The components follow it, also when the host switches
//!   language, and map it with [`sessions_locale`]: `es-MX` → Spanish, a
//!   locale the library lacks (`fr`) → English, never a panic.
//! * **Neither**: the request's locale — the host's `i18n_pref_locale`
//!   cookie, else `Accept-Language` — chosen on the server and carried to
//!   the client, so hydration finds the same text (`<html lang>` for
//!   components created later in the browser).
//!
//! In the last two cases each component opens a leptos_i18n sub-context of
//! its own that never writes `<html lang>` or a cookie: the host's provider
//! stays the only one that does.
//!
//! ```
//! use leptos::prelude::*;
//! use leptos_sessions::components::{SessionsPage, provide_sessions_locale};
//!
//! # mod i18n { pub use leptos_sessions::i18n::*; } // stands in for the host's own `i18n` module
//! #[component]
//! fn Settings() -> impl IntoView {
//!     let i18n = i18n::use_i18n(); // the host's own leptos_i18n context
//!     provide_sessions_locale(move || i18n.get_locale());
//!     view! { <SessionsPage/> }
//! }
//! ```

mod common;
mod composables;
mod devices;
mod disavow;
mod format;
mod history;
mod icons;
mod last_used;
mod locale;

use leptos::prelude::*;

pub use composables::{
    SessionsActions, UseDevicesOptions, UseDevicesReturn, UseDisavowReturn, UseHistoryOptions,
    UseHistoryReturn, UseLastLoginOptions, UseLastLoginReturn, UseSessionEventsOptions,
    UseSessionEventsReturn, provide_sessions_actions, use_devices, use_devices_with_options, use_disavow,
    use_history, use_history_with_options, use_last_login, use_last_login_with_options, use_session_events,
    use_session_events_with_options, use_sessions_actions,
};
pub use devices::Devices;
pub use disavow::Disavow;
pub use format::{RelativeAge, country_flag, relative_age};
pub use history::History;
pub use icons::{DeviceIcon, EventIcon};
pub use last_used::LastUsedBadge;
pub use locale::{SessionsLocale, provide_sessions_locale, sessions_locale};

/// The whole page: [`Devices`] (with "Sign out of all other sessions" when
/// there are others) and [`History`], sharing their actions so the history
/// updates after a device is logged out.
#[component]
pub fn SessionsPage(
    /// How many history entries to show. Default `10`.
    #[prop(default = 10)]
    history_limit: u64,
) -> impl IntoView {
    provide_sessions_actions();
    // One sub-context for both (when the page is not below the library's
    // provider): the two inner components find it and use it.
    locale::with_sessions_i18n(move || {
        view! {
            <div class="sessions-page">
                <Devices/>
                <History limit=history_limit/>
            </div>
        }
    })
}
