//! What the history shows of a trail event (the wire type; no IP, no hash).

use leptos_sessions_entity::event;

use crate::{
    server::geo::place::StoredPlace,
    types::{DeviceType, HistoryEntry, HistoryKind},
};

/// One history line from a stored event; `None` for a kind this version
/// does not know (rows written by a newer one).
pub(crate) fn history_entry(e: event::Model) -> Option<HistoryEntry> {
    let attempts = attempts(&e);
    let device_type = e
        .device_type
        .as_deref()
        .map(DeviceType::from_db)
        .unwrap_or_default();
    let label = stored_label!(e);
    let place = StoredPlace::of_event(&e);
    let (location, location_names) = (place.english(), place.localized());
    Some(HistoryEntry {
        kind: HistoryKind::from_db(&e.kind)?,
        location,
        location_names,
        reason: e.reason,
        device_name: e.device_name,
        label,
        device_type,
        country_code: e.country_code,
        auth_method: e.auth_method,
        auth_provider: e.auth_provider,
        second_factor: e.second_factor,
        new_device: e.new_device,
        nickname: None,
        attempts,
        occurred_at: e.occurred_at,
    })
}

/// The count of a `throttled` row (`metadata.attempts`).
fn attempts(e: &event::Model) -> Option<u64> {
    if e.reason.as_deref() != Some(super::THROTTLED) {
        return None;
    }
    let metadata: serde_json::Value = serde_json::from_str(e.metadata.as_deref()?).ok()?;
    metadata.get("attempts")?.as_u64()
}
