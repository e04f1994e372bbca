//! Inline SVG icons per device type (outline style, `currentColor`).

use leptos::prelude::*;

use crate::types::DeviceType;

/// The icon of a device type; decorative (`aria-hidden`).
#[component]
pub fn DeviceIcon(
    /// The device type.
    device_type: DeviceType,
) -> impl IntoView {
    let path = match device_type {
        DeviceType::Desktop => {
            "M3 5.5A1.5 1.5 0 0 1 4.5 4h15A1.5 1.5 0 0 1 21 5.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 14.5v-9ZM9 20h6M12 16v4"
        }
        DeviceType::Smartphone | DeviceType::NativeIos | DeviceType::NativeAndroid => {
            "M8.5 2.5h7A1.5 1.5 0 0 1 17 4v16a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 7 20V4a1.5 1.5 0 0 1 1.5-1.5ZM11 18.5h2"
        }
        DeviceType::Tablet => {
            "M6.5 2.5h11A1.5 1.5 0 0 1 19 4v16a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 5 20V4a1.5 1.5 0 0 1 1.5-1.5ZM10.5 18.5h3"
        }
        DeviceType::Bot => {
            "M8 8h8a3 3 0 0 1 3 3v5a3 3 0 0 1-3 3H8a3 3 0 0 1-3-3v-5a3 3 0 0 1 3-3ZM12 4v4M9.5 13h.01M14.5 13h.01"
        }
        DeviceType::Unknown => {
            "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18ZM9.75 9.5a2.25 2.25 0 1 1 3.1 2.08c-.5.2-.85.68-.85 1.22v.7M12 17h.01"
        }
    };
    view! {
        <svg
            class="sessions-icon"
            data-icon=device_type.icon_name()
            viewBox="0 0 24 24"
            width="24"
            height="24"
            fill="none"
            stroke="currentColor"
            stroke-width="1.5"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            <path d=path></path>
        </svg>
    }
}
