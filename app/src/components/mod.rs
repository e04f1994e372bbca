//! Embeddable, hydrated components. Each works alone inside a host Leptos app
//! (below [`crate::i18n::I18nContextProvider`]); every action is a real form
//! that also works with JavaScript off.

mod devices;
mod format;
mod icons;

pub use devices::{Devices, SessionsPage};
pub use format::{RelativeAge, country_flag, relative_age};
