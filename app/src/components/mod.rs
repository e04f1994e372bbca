//! Embeddable, hydrated components. Each works alone inside a host Leptos app
//! (below [`crate::i18n::I18nContextProvider`]); every action is a real form
//! that also works with JavaScript off.
//!
//! * [`SessionsPage`] — [`Devices`] and [`History`] together.
//! * [`Devices`] — the device list, "Log out", "Sign out of all other sessions".
//! * [`History`] — the login trail.
//! * [`LastUsedBadge`] — "Last used" on the signed-out sign-in page.
//! * [`use_devices`], [`use_history`], [`use_last_login`] — the same data for
//!   custom markup.
//!
//! All markup uses semantic `sessions-*` classes styled by `style/sessions.css`.

mod common;
mod composables;
mod devices;
mod format;
mod history;
mod icons;
mod last_used;
mod locale;

use leptos::prelude::*;

pub use composables::{
    SessionsActions, UseDevicesOptions, UseDevicesReturn, UseHistoryOptions, UseHistoryReturn,
    UseLastLoginOptions, UseLastLoginReturn, provide_sessions_actions, use_devices, use_devices_with_options,
    use_history, use_history_with_options, use_last_login, use_last_login_with_options, use_sessions_actions,
};
pub use devices::Devices;
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
