//! The display vocabulary shared by sessions and events, so a custom UI, an
//! email or an audit log never re-derives it: [`location_label`],
//! [`country_flag`], and on both models `location()`, `country_flag()`,
//! `source_line()`; on events `summary()`.

use serde::Serialize;

use crate::{event, session};

/// "Madrid, Spain": the most specific two parts that are known.
pub fn location_label(city: Option<&str>, region: Option<&str>, country: Option<&str>) -> Option<String> {
    fn nonempty(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    let parts: Vec<&str> = [nonempty(city).or(nonempty(region)), nonempty(country)]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The flag emoji of an ISO 3166-1 alpha-2 code ("ES" → 🇪🇸); `None` for
/// anything that is not two ASCII letters.
pub fn country_flag(code: &str) -> Option<String> {
    let code = code.trim();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    code.to_ascii_uppercase()
        .chars()
        .map(|c| char::from_u32(0x1F1E6 + (c as u32 - 'A' as u32)))
        .collect()
}

/// The location-first one-liner: "🇪🇸 Madrid, Spain · IP 83.45.112.7 · Firefox
/// 139 on Windows". Unknown parts are left out; `ip: false` for compact rows.
fn source_line(
    flag: Option<String>,
    location: Option<String>,
    ip: Option<&str>,
    device: Option<&str>,
    with_ip: bool,
) -> String {
    let place = match (flag, location) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (None, Some(l)) => Some(l),
        _ => None,
    };
    let ip = ip
        .filter(|_| with_ip)
        .filter(|s| !s.is_empty())
        .map(|ip| format!("IP {ip}"));
    let parts: Vec<String> = [place, ip, device.map(str::to_owned)]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        "Unknown device".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// The audit-shaped projection of an event: compact, no raw blobs (no user
/// agent, no detail JSON), absent values left out when serialized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventSummary {
    /// `login`, `failed_login`, `logout`, `revoked`, `expired`.
    pub event: String,
    /// Reason (failure, revocation or expiry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The host's user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Normalized identity as typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Public handle of the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// "Chrome 137 on macOS".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Client IP as stored (truncated in truncated mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// ISO country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// "Madrid, Spain".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Auth method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<String>,
    /// Auth provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_provider: Option<String>,
    /// Whether the login came from a new device.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub new_device: bool,
    /// UTC milliseconds since the epoch.
    pub occurred_at: i64,
}

/// `location()`, `country_flag()` and `source_line()` for a model with the
/// geo and device columns; `$ip` picks the address a source line shows.
macro_rules! place_methods {
    ($model:ty, |$this:ident| $ip:expr, $ip_doc:literal) => {
        impl $model {
            /// "Madrid, Spain", when known.
            pub fn location(&self) -> Option<String> {
                location_label(
                    self.city.as_deref(),
                    self.region.as_deref(),
                    self.country_name.as_deref(),
                )
            }

            /// The country's flag emoji, when known.
            pub fn country_flag(&self) -> Option<String> {
                self.country_code.as_deref().and_then(country_flag)
            }

            #[doc = concat!("\"🇪🇸 Madrid, Spain · IP 83.45.112.7 · Firefox 139 on Windows\" (", $ip_doc, "); pass `ip: false` for compact rows.")]
            pub fn source_line(&self, ip: bool) -> String {
                let $this = self;
                source_line(
                    self.country_flag(),
                    self.location(),
                    $ip,
                    self.device_name.as_deref(),
                    ip,
                )
            }
        }
    };
}

place_methods!(event::Model, |e| e.ip.as_deref(), "the event's IP");
place_methods!(
    session::Model,
    |s| s.last_seen_ip.as_deref().or(s.ip.as_deref()),
    "the last seen IP"
);

impl event::Model {
    /// Whether the login matched no prior device of the user.
    pub fn is_new_device(&self) -> bool {
        self.new_device
    }

    /// The audit-shaped projection (for a host's audit log or analytics).
    pub fn summary(&self) -> EventSummary {
        EventSummary {
            event: self.kind.clone(),
            reason: self.reason.clone(),
            user_id: self.user_id.clone(),
            identity: self.identity.clone(),
            session: self.session_handle.clone(),
            device: self.device_name.clone(),
            ip: self.ip.clone(),
            country: self.country_code.clone(),
            location: self.location(),
            auth_method: self.auth_method.clone(),
            auth_provider: self.auth_provider.clone(),
            new_device: self.new_device,
            occurred_at: self.occurred_at,
        }
    }
}

impl session::Model {
    /// Whether this is a native-app session (iOS or Android).
    pub fn is_native(&self) -> bool {
        matches!(self.device_type.as_deref(), Some("native_ios" | "native_android"))
    }

    /// Whether this is a web (browser) session.
    pub fn is_web(&self) -> bool {
        !self.is_native()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_line_is_location_first_and_compacts() {
        let line = source_line(
            country_flag("es"),
            location_label(Some("Madrid"), None, Some("Spain")),
            Some("83.45.112.7"),
            Some("Firefox 139 on Windows"),
            true,
        );
        assert_eq!(line, "🇪🇸 Madrid, Spain · IP 83.45.112.7 · Firefox 139 on Windows");
        let compact = source_line(
            None,
            None,
            Some("83.45.112.7"),
            Some("Firefox 139 on Windows"),
            false,
        );
        assert_eq!(compact, "Firefox 139 on Windows");
        assert_eq!(source_line(None, None, None, None, true), "Unknown device");
    }

    #[test]
    fn flags_and_locations() {
        assert_eq!(country_flag("ES").as_deref(), Some("🇪🇸"));
        assert_eq!(country_flag("E1"), None);
        assert_eq!(country_flag("ESP"), None);
        assert_eq!(
            location_label(None, Some("Bavaria"), Some("Germany")).as_deref(),
            Some("Bavaria, Germany")
        );
        assert_eq!(location_label(Some(""), None, None), None);
    }
}
