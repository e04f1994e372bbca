//! Device intelligence: turns a user agent (and client headers) into a name a
//! person recognises, such as "Chrome 137 on macOS" or
//! "MyApp 2.4.1 on iPhone15,2 (iOS 19.5)".
//!
//! Layers, each overriding the one before:
//! 1. a single-pass scanner (`scan`): product tokens and comment fields read
//!    once, then browser (Edge `Edg/`, Opera `OPR/`, Samsung Internet, in-app
//!    browsers…, Chrome, Firefox under its code names, Safari with its version
//!    only from `Version/`) and OS from those parts; what it cannot place goes
//!    to [woothee](https://crates.io/crates/woothee) (feature phones,
//!    consoles, crawlers);
//! 2. refinements: Android models from the `(Linux; Android 14; Pixel 8
//!    Build/…)` comment, the device type, bots (markers read in one
//!    aho-corasick pass);
//! 3. native apps: the `(Turbo|Hotwire) Native (iOS|Android)` marker, the
//!    prefix convention `MyApp/2.4.1 (iPhone15,2; iOS 19.5; build 241);` and
//!    legacy prefixes of configured app names
//!    (`MyApp Android 1.0.5 (build 6; Android 14; sdk 34; Pixel 7)`);
//! 4. validated `X-Client-Platform/-Version/-Build/-OS` headers;
//! 5. opt-in client hints (`Sec-CH-UA-*`).
//!
//! Frozen versions (macOS 10.15.7, Windows NT 10.0, `Android 10; K`) are
//! dropped unless a hint supplied the real one. At most
//! [`MAX_PARSED_USER_AGENT_LEN`] characters are parsed. Nothing here panics on
//! any input.

// One file per layer: `scan` (1), `web` (1's woothee fallback and 2, with
// `bots`), `native` (3), `headers` (4), `client_hints` (5); `tokens` reads the
// product tokens, versions and comment fields that every layer uses.
mod bots;
mod client_hints;
mod headers;
mod native;
mod scan;
mod tokens;
mod web;

#[cfg(test)]
mod tests;

use self::{
    client_hints::apply_client_hints, headers::apply_client_headers, native::apply_native, web::parse_web,
};
use crate::types::DeviceType;

/// At most this many characters of a user agent are parsed (the rest is
/// ignored), whatever the caller passes.
pub const MAX_PARSED_USER_AGENT_LEN: usize = 1024;

/// What we know about the device behind a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Browser name, e.g. "Chrome" (for bots: the bot's name).
    pub browser_name: Option<String>,
    /// Browser version, e.g. "137.0.0.0".
    pub browser_version: Option<String>,
    /// OS name, e.g. "macOS".
    pub os_name: Option<String>,
    /// OS version, when it is real (frozen versions are dropped).
    pub os_version: Option<String>,
    /// Kind of device.
    pub device_type: DeviceType,
    /// Hardware model, e.g. "iPhone15,2".
    pub device_model: Option<String>,
    /// Native app name.
    pub app_name: Option<String>,
    /// Native app version.
    pub app_version: Option<String>,
    /// Native app build.
    pub app_build: Option<String>,
    /// The client hints that changed the result, as compact JSON (header
    /// name → value, e.g. `{"sec-ch-ua-model":"Pixel 8"}`); `None` when no
    /// hint was used. Stored in the registry's `client_hints` column.
    pub client_hints: Option<String>,
}

/// Turns a user agent and the request's device headers (lower-case names:
/// client hints, `X-Client-*`) into a [`DeviceInfo`]. The built-in one is
/// [`DefaultDeviceParser`]; set [`super::SessionsConfig::device_parser`] to
/// replace it. Must not panic (a panic is caught and reads "Unknown device").
pub trait DeviceParser: Send + Sync + 'static {
    /// Parses one request's device.
    fn parse(&self, user_agent: &str, headers: &[(String, String)]) -> DeviceInfo;
}

/// Options of the built-in parser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceOptions {
    /// Legacy native-app user-agent prefixes to recognise (e.g. `["MyApp"]`).
    pub native_app_names: Vec<String>,
    /// Use client hints (`Sec-CH-UA-*`) when the browser sends them.
    pub client_hints: bool,
}

/// The built-in parser: a single-pass scanner (woothee for the shapes it
/// cannot place) plus refinements, native-app conventions,
/// `X-Client-*` headers and (opt-in) client hints.
#[derive(Debug, Clone, Default)]
pub struct DefaultDeviceParser {
    /// Its options.
    pub options: DeviceOptions,
}

impl DeviceParser for DefaultDeviceParser {
    fn parse(&self, user_agent: &str, headers: &[(String, String)]) -> DeviceInfo {
        DeviceInfo::parse_with(user_agent, headers, &self.options)
    }
}

/// `s` cut to at most `max` characters, on a character boundary.
fn cap_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        // No more bytes than `max`, so no more characters.
        return s;
    }
    match s.char_indices().nth(max) {
        Some((idx, _)) => &s[..idx],
        None => s,
    }
}

impl DeviceInfo {
    /// Parses a user agent with the request's device headers (lower-case
    /// names). Never panics; garbage gives an unknown device.
    pub fn parse_with(user_agent: &str, headers: &[(String, String)], options: &DeviceOptions) -> Self {
        let ua = cap_str(user_agent, MAX_PARSED_USER_AGENT_LEN).trim();
        let mut info = parse_web(ua);
        apply_native(&mut info, ua, options);
        apply_client_headers(&mut info, headers);
        if options.client_hints {
            apply_client_hints(&mut info, headers);
        }
        info
    }

    /// Parses a user agent alone (no headers, default options). Never
    /// panics; garbage gives an unknown device.
    pub fn parse(user_agent: &str) -> Self {
        Self::parse_with(user_agent, &[], &DeviceOptions::default())
    }

    /// Whether this is a crawler or other bot.
    pub fn is_bot(&self) -> bool {
        self.device_type == DeviceType::Bot
    }

    /// Whether this is a native (Hotwire/Turbo Native or app-prefixed) app.
    pub fn is_native(&self) -> bool {
        matches!(
            self.device_type,
            DeviceType::NativeIos | DeviceType::NativeAndroid
        )
    }

    /// The display name: "Chrome 137 on macOS", "MyApp 2.4.1 on iPhone15,2 (iOS 19.5)",
    /// "MyApp 2.4.1 on Pixel 8 (Android 16)", or "Unknown device".
    pub fn display_name(&self) -> String {
        self.label().english()
    }

    /// The parts of the display name, for each language to join.
    pub fn label(&self) -> crate::types::DeviceLabel {
        crate::types::DeviceLabel::from_parts(
            self.browser_name.as_deref(),
            self.browser_version.as_deref(),
            self.os_name.as_deref(),
            self.os_version.as_deref(),
            self.device_type,
            self.device_model.as_deref(),
            self.app_name.as_deref(),
            self.app_version.as_deref(),
        )
    }
}
