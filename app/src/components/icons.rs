//! Inline SVG icons per device type (outline style, `currentColor`).

use leptos::prelude::*;

use crate::types::{DeviceType, HistoryKind};

/// The icon of a device type; decorative (`aria-hidden`).
#[component]
pub fn DeviceIcon(
    /// The device type.
    device_type: DeviceType,
    /// 16 px instead of 24 px (inline in text). Default `false`.
    #[prop(optional)]
    small: bool,
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
    let size = if small { "16" } else { "24" };
    view! {
        <svg
            class="sessions-icon"
            class:sessions-icon--small=small
            data-icon=device_type.icon_name()
            viewBox="0 0 24 24"
            width=size
            height=size
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

/// The icon of a history entry; decorative (`aria-hidden`).
#[component]
pub fn EventIcon(
    /// What happened.
    kind: HistoryKind,
) -> impl IntoView {
    let path = match kind {
        HistoryKind::Login => "M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4M10 16l4-4-4-4M14 12H3",
        HistoryKind::FailedLogin => {
            "M10.3 3.9 2.4 17.5A2 2 0 0 0 4.1 20.5h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0ZM12 9v4M12 17h.01"
        }
        HistoryKind::Logout => "M10 4H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h4M16 16l4-4-4-4M20 12H9",
        HistoryKind::Revoked => "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18ZM5.6 5.6l12.8 12.8",
        HistoryKind::Expired => "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18ZM12 7v5l3 2",
    };
    view! {
        <svg
            class="sessions-icon"
            data-icon=kind.icon_name()
            viewBox="0 0 24 24"
            width="20"
            height="20"
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
