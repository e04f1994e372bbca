//! Wire types: what crosses from the server to the browser. They hold no
//! secret, no id hash and no raw session id.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Kind of device, as detected from the user agent and client headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceType {
    /// Desktop or laptop browser.
    Desktop,
    /// Phone browser.
    Smartphone,
    /// Tablet browser.
    Tablet,
    /// Native iOS app (Hotwire/Turbo Native or an app prefix).
    NativeIos,
    /// Native Android app.
    NativeAndroid,
    /// A crawler or other bot.
    Bot,
    /// Anything we could not classify.
    #[default]
    Unknown,
}

impl DeviceType {
    /// Stable snake_case name, as stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Desktop => "desktop",
            Self::Smartphone => "smartphone",
            Self::Tablet => "tablet",
            Self::NativeIos => "native_ios",
            Self::NativeAndroid => "native_android",
            Self::Bot => "bot",
            Self::Unknown => "unknown",
        }
    }

    /// Parses the stored name; unknown strings give [`DeviceType::Unknown`].
    pub fn from_db(s: &str) -> Self {
        match s {
            "desktop" => Self::Desktop,
            "smartphone" => Self::Smartphone,
            "tablet" => Self::Tablet,
            "native_ios" => Self::NativeIos,
            "native_android" => Self::NativeAndroid,
            "bot" => Self::Bot,
            _ => Self::Unknown,
        }
    }

    /// Heroicons-vocabulary icon name for the type.
    pub fn icon_name(self) -> &'static str {
        match self {
            Self::Desktop => "computer-desktop",
            Self::Smartphone | Self::NativeIos | Self::NativeAndroid => "device-phone-mobile",
            Self::Tablet => "device-tablet",
            Self::Bot => "bug-ant",
            Self::Unknown => "question-mark-circle",
        }
    }
}

/// The parts a device's name is made of, so that each language joins them
/// its own way: "Chrome 137 on macOS", "Chrome 137 en macOS", "Chrome 137
/// sur macOS". The names themselves (browsers, systems, models, apps) are
/// proper names and stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceLabel {
    /// The browser with its major version ("Chrome 137"), for a browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// The native app with its version ("Acme 2.4.1"), for a native app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// A native app without a name of its own: its platform ("ios_app" or
    /// "android_app"), which each language names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_app: Option<String>,
    /// That app's version ("3.1.0").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_app_version: Option<String>,
    /// The hardware model ("iPhone15,2"), for a native app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The system: "macOS" beside a browser, "iOS 19.5" beside an app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
}

impl DeviceLabel {
    /// The label of a parsed (or stored) device.
    #[expect(clippy::too_many_arguments, reason = "the stored columns, one by one")]
    pub fn from_parts(
        browser_name: Option<&str>,
        browser_version: Option<&str>,
        os_name: Option<&str>,
        os_version: Option<&str>,
        device_type: DeviceType,
        device_model: Option<&str>,
        app_name: Option<&str>,
        app_version: Option<&str>,
    ) -> Self {
        let platform_app = match device_type {
            DeviceType::NativeIos => Some("ios_app"),
            DeviceType::NativeAndroid => Some("android_app"),
            _ => None,
        };
        if app_name.is_some() || platform_app.is_some() {
            let with_version = |name: &str| match app_version {
                Some(v) => format!("{name} {v}"),
                None => name.to_owned(),
            };
            return Self {
                app: app_name.map(with_version),
                platform_app: app_name
                    .is_none()
                    .then(|| platform_app.map(str::to_owned))
                    .flatten(),
                platform_app_version: app_name
                    .is_none()
                    .then(|| app_version.map(str::to_owned))
                    .flatten(),
                model: device_model.map(str::to_owned),
                os: os_name.map(|name| match os_version {
                    Some(v) => format!("{name} {v}"),
                    None => name.to_owned(),
                }),
                browser: None,
            };
        }
        let browser = browser_name.map(|name| {
            match browser_version
                .and_then(|v| v.split('.').next())
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            {
                Some(major) if device_type != DeviceType::Bot => format!("{name} {major}"),
                _ => name.to_owned(),
            }
        });
        Self {
            browser,
            os: os_name.map(str::to_owned),
            ..Self::default()
        }
    }

    /// Whether nothing is known about the device.
    pub fn is_unknown(&self) -> bool {
        *self == Self::default()
    }

    /// The name in English ("Chrome 137 on macOS", "Unknown device"), the
    /// form stored in `device_name` and used in e-mails and logs.
    pub fn english(&self) -> String {
        let app = self.app_name(|platform| {
            if platform == "ios_app" {
                "iOS app"
            } else {
                "Android app"
            }
        });
        self.compose(app.as_deref(), "Unknown device", |what, model, os| {
            match (model, os) {
                (Some(model), Some(os)) => format!("{what} on {model} ({os})"),
                (Some(model), None) => format!("{what} on {model}"),
                (None, Some(os)) => format!("{what} on {os}"),
                (None, None) => what.to_owned(),
            }
        })
    }

    /// The app's name: its own, or its platform's as `platform_name` names
    /// it ("iOS app"), with the version.
    pub fn app_name<'a>(&self, platform_name: impl FnOnce(&str) -> &'a str) -> Option<String> {
        self.app.clone().or_else(|| {
            let name = platform_name(self.platform_app.as_deref()?);
            Some(match &self.platform_app_version {
                Some(v) => format!("{name} {v}"),
                None => name.to_owned(),
            })
        })
    }

    /// Joins the parts with `join(what, model, os)`, `what` being the app
    /// (named `app`, as the caller's language names it) or the browser; just
    /// the system when there is neither, `unknown` when there is nothing.
    pub fn compose(
        &self,
        app: Option<&str>,
        unknown: &str,
        join: impl Fn(&str, Option<&str>, Option<&str>) -> String,
    ) -> String {
        match (app, self.browser.as_deref(), self.os.as_deref()) {
            (Some(app), _, os) => join(app, self.model.as_deref(), os),
            (None, Some(browser), os) => join(browser, None, os),
            (None, None, Some(os)) => os.to_owned(),
            (None, None, None) => unknown.to_owned(),
        }
    }
}

/// One signed-in device of the current user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceView {
    /// Public handle; what revoke calls take. Never a credential.
    pub handle: String,
    /// "Chrome 137 on macOS" (English; the components show `label` in the
    /// reader's language).
    pub name: String,
    /// The parts of the name.
    #[serde(default)]
    pub label: DeviceLabel,
    /// Kind of device.
    pub device_type: DeviceType,
    /// Whether this is the session making the request.
    pub current: bool,
    /// "Madrid, Spain", when a location is known (English).
    pub location: Option<String>,
    /// `location` in the library's other languages where it reads
    /// differently (`"es"` → `"Londres, Reino Unido"`); see [`DeviceView::location_in`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub location_names: BTreeMap<String, String>,
    /// Where the device is now — its latest IP's location — when that is
    /// another place than `location`, where it signed in (English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_location: Option<String>,
    /// `last_seen_location` in the other languages, as `location_names`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub last_seen_location_names: BTreeMap<String, String>,
    /// The ISO country code of `last_seen_location`, when it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_country_code: Option<String>,
    /// ISO country code, when known.
    pub country_code: Option<String>,
    /// When the session signed in (ms since epoch).
    pub signed_in_at: i64,
    /// Last (throttled) activity (ms since epoch).
    pub last_seen_at: i64,
    /// How it signed in (`password`, `oauth`, ...), when known.
    pub auth_method: Option<String>,
    /// OAuth/SSO provider, when known.
    pub auth_provider: Option<String>,
    /// The second factor it signed in (or stepped up) with: `webauthn`,
    /// `totp`, `sms`, `backup_code`, `email` or the host's own name.
    #[serde(default)]
    pub second_factor: Option<String>,
    /// Whether its login matched no device the user had signed in from before.
    #[serde(default)]
    pub new_device: bool,
    /// The name the user gave this browser ("Work laptop"), if any.
    #[serde(default)]
    pub nickname: Option<String>,
}

impl DeviceView {
    /// Where it signed in, in `locale` ("Londres, Reino Unido" for `es`);
    /// English when that language has no other name.
    pub fn location_in(&self, locale: &str) -> Option<&str> {
        place_in(self.location.as_deref(), &self.location_names, locale)
    }

    /// Where it is now, in `locale`, when that is another place than where
    /// it signed in.
    pub fn last_seen_location_in(&self, locale: &str) -> Option<&str> {
        place_in(
            self.last_seen_location.as_deref(),
            &self.last_seen_location_names,
            locale,
        )
    }
}

/// What the live stream (`GET /api/sessions/events`) tells an open page. It
/// carries only what the page may show: no ids, no hashes, no IPs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SessionEvent {
    /// The session this page belongs to ended (or was given a new id: the
    /// page checks which before it says "This device was signed out").
    SignedOut,
    /// The user signed in somewhere else.
    SignedIn {
        /// The new device's name parts.
        device: DeviceLabel,
        /// "Madrid, Spain", when known.
        location: Option<String>,
        /// `location` in the other languages (`"es"` → `"Madrid, España"`).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        location_names: BTreeMap<String, String>,
    },
    /// Another session of the user changed (ended, renamed): lists reload.
    Changed,
}

/// Where the library's layer serves the live stream (server-sent events).
pub const SESSION_EVENTS_PATH: &str = "/api/sessions/events";

/// The longest name a user can give a device (characters).
pub const MAX_DEVICE_NAME_CHARS: usize = 64;

/// The current user's devices, current first, then most recently active.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceList {
    /// The server's "now" (ms since epoch), so relative times render the same
    /// on the server and after hydration.
    pub now: i64,
    /// The devices.
    pub devices: Vec<DeviceView>,
    /// The reader's time zone for this list's times.
    #[serde(default)]
    pub zone: ReaderZone,
    /// Labels of the host's own sign-in methods on this list, per locale
    /// (`method → locale → label`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub method_labels: MethodLabels,
    /// What the user's last action did, when it was a plain form post
    /// (JavaScript off): shown once above the list.
    #[serde(default)]
    pub notice: Option<DeviceNotice>,
    /// Whether the page may open the live stream
    /// ([`SESSION_EVENTS_PATH`]; `SessionsConfig::live_updates`).
    #[serde(default)]
    pub live: bool,
}

/// The outcome of a "Log out" or "Sign out of all other sessions" made
/// without JavaScript, which the page reports after the redirect back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DeviceNotice {
    /// One device was logged out.
    Revoked {
        /// Its name's parts ("Firefox 139" on "Windows").
        device: DeviceLabel,
    },
    /// Every other session was ended.
    RevokedOthers {
        /// How many.
        count: u64,
    },
    /// A "This wasn't me" link was confirmed (shown by [`Disavow`](crate::components::Disavow)).
    Disavowed(DisavowOutcome),
}

/// The query parameter of a "This wasn't me" link that carries its token.
pub const DISAVOW_TOKEN_PARAM: &str = "token";

/// What the page behind a "This wasn't me" link shows: the sign-in it
/// disowns, or — after a confirmation made without JavaScript — what the
/// confirmation did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisavowDetails {
    /// The server's "now" (ms since epoch).
    pub now: i64,
    /// The sign-in the link was issued for; `None` once the trail no longer
    /// keeps it (retention) or after a confirmation.
    pub sign_in: Option<HistoryEntry>,
    /// Set after a confirmation made without JavaScript.
    #[serde(default)]
    pub done: Option<DisavowOutcome>,
    /// Labels of the host's own sign-in methods, per locale.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub method_labels: MethodLabels,
    /// The reader's time zone for the sign-in's time.
    #[serde(default)]
    pub zone: ReaderZone,
}

/// What confirming a "This wasn't me" link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisavowOutcome {
    /// Whether every session of the account was asked to end.
    pub everywhere: bool,
    /// How many sessions ended (0 when the disowned one had already ended).
    pub ended: u64,
}

impl DeviceList {
    /// Number of devices other than the current one.
    pub fn others(&self) -> usize {
        self.devices.iter().filter(|d| !d.current).count()
    }
}

/// How a session signed in. The host tags each login; the library never guesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// Email/username and password.
    Password,
    /// OAuth / OpenID Connect (with a provider).
    Oauth,
    /// Google One Tap.
    GoogleOneTap,
    /// A passkey (WebAuthn, passwordless).
    Passkey,
    /// A magic link sent by email.
    MagicLink,
    /// A one-time code.
    Otp,
    /// Enterprise single sign-on.
    Sso,
    /// A bearer/API token exchanged for a session.
    Token,
    /// Not tagged.
    #[default]
    Unknown,
}

impl AuthMethod {
    /// Every method, in a stable order (the i18n test checks each is translated).
    pub const ALL: [Self; 9] = [
        Self::Password,
        Self::Oauth,
        Self::GoogleOneTap,
        Self::Passkey,
        Self::MagicLink,
        Self::Otp,
        Self::Sso,
        Self::Token,
        Self::Unknown,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Oauth => "oauth",
            Self::GoogleOneTap => "google_one_tap",
            Self::Passkey => "passkey",
            Self::MagicLink => "magic_link",
            Self::Otp => "otp",
            Self::Sso => "sso",
            Self::Token => "token",
            Self::Unknown => "unknown",
        }
    }

    /// Parses a stored name; unknown strings give [`AuthMethod::Unknown`].
    pub fn from_db(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|method| method.as_str() == s)
            .unwrap_or_default()
    }
}

/// What kind of trail entry a [`HistoryEntry`] is (the trail's event names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    /// A successful sign-in.
    Login,
    /// A failed sign-in attempt with the user's identity.
    FailedLogin,
    /// A sign-out.
    Logout,
    /// A session ended by a revocation (see [`HistoryEntry::reason`]).
    Revoked,
    /// A session that timed out.
    Expired,
}

impl HistoryKind {
    /// Every kind, in a stable order (the i18n test checks each is translated).
    pub const ALL: [Self; 5] = [
        Self::Login,
        Self::FailedLogin,
        Self::Logout,
        Self::Revoked,
        Self::Expired,
    ];

    /// Stored name (`login`, `failed_login`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::FailedLogin => "failed_login",
            Self::Logout => "logout",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    /// Parses a stored name.
    pub fn from_db(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == s)
    }

    /// Heroicons-vocabulary icon name for the event.
    pub fn icon_name(self) -> &'static str {
        match self {
            Self::Login => "arrow-right-end-on-rectangle",
            Self::FailedLogin => "exclamation-triangle",
            Self::Logout => "arrow-left-start-on-rectangle",
            Self::Revoked => "no-symbol",
            Self::Expired => "clock",
        }
    }
}

/// Every reason code the trail records and the history translates: why a
/// session ended (revoked, expired) and the failure reasons of the sign-in
/// flows the library knows. The stored name ([`ReasonCode::as_str`]) is also
/// the i18n key under `history.reasons`; a host's own failure reasons are
/// stored and shown verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// Failed sign-in: wrong identity or password (without saying which).
    InvalidCredentials,
    /// Failed sign-in: wrong password.
    InvalidPassword,
    /// Failed sign-in: no such account.
    UnknownUser,
    /// Failed sign-in: the account is locked.
    Locked,
    /// Failed sign-in: the OAuth provider refused.
    OauthDenied,
    /// Failed sign-in: the magic link expired.
    ExpiredLink,
    /// Revoked: the user logged out one device from their list.
    UserRevoked,
    /// Revoked: an administrator ended it.
    AdminRevoked,
    /// Revoked: the user's password changed.
    PasswordChange,
    /// Revoked: "Sign out everywhere else".
    LogoutEverywhere,
    /// Revoked: evicted beyond the per-user cap, or replaced by a newer login
    /// of the same browser.
    Pruned,
    /// Revoked: the account's owner said "This wasn't me" from a new-sign-in
    /// link.
    Disavowed,
    /// Expired: idle for longer than the idle timeout.
    IdleTimeout,
    /// Expired: older than the absolute lifetime.
    MaxLifetime,
    /// Failed sign-ins past the failed-login budget: counted, not listed one
    /// by one ([`HistoryEntry::attempts`] says how many).
    Throttled,
}

impl ReasonCode {
    /// Every code, in a stable order (the i18n test checks each is translated).
    pub const ALL: [Self; 15] = [
        Self::InvalidCredentials,
        Self::InvalidPassword,
        Self::UnknownUser,
        Self::Locked,
        Self::OauthDenied,
        Self::ExpiredLink,
        Self::UserRevoked,
        Self::AdminRevoked,
        Self::PasswordChange,
        Self::LogoutEverywhere,
        Self::Pruned,
        Self::Disavowed,
        Self::IdleTimeout,
        Self::MaxLifetime,
        Self::Throttled,
    ];

    /// Stored name, also the i18n key under `history.reasons`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidPassword => "invalid_password",
            Self::UnknownUser => "unknown_user",
            Self::Locked => "locked",
            Self::OauthDenied => "oauth_denied",
            Self::ExpiredLink => "expired_link",
            Self::UserRevoked => "user_revoked",
            Self::AdminRevoked => "admin_revoked",
            Self::PasswordChange => "password_change",
            Self::LogoutEverywhere => "logout_everywhere",
            Self::Pruned => "pruned",
            Self::Disavowed => "disavowed",
            Self::IdleTimeout => "idle_timeout",
            Self::MaxLifetime => "max_lifetime",
            Self::Throttled => "throttled",
        }
    }

    /// Parses a stored name; `None` for codes the library does not know
    /// (a host's own failure reasons).
    pub fn from_db(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == s)
    }
}

/// The most history entries one user-facing call returns (server function
/// and JSON API).
pub const MAX_HISTORY: u64 = 100;

/// One line of a user's login history. Holds no secret and no raw IP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// What happened.
    pub kind: HistoryKind,
    /// Failure reason verbatim (`failed_login`), revoke or expiry reason: a
    /// [`ReasonCode`] name when [`ReasonCode::from_db`] knows it.
    pub reason: Option<String>,
    /// "Chrome 137 on macOS", when known (English; the components show
    /// `label` in the reader's language).
    pub device_name: Option<String>,
    /// The parts of the device's name.
    #[serde(default)]
    pub label: DeviceLabel,
    /// Kind of device.
    pub device_type: DeviceType,
    /// "Madrid, Spain", when a location is known (English).
    pub location: Option<String>,
    /// `location` in the library's other languages where it reads
    /// differently; see [`HistoryEntry::location_in`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub location_names: BTreeMap<String, String>,
    /// ISO country code, when known.
    pub country_code: Option<String>,
    /// How the session signed in (`password`, `oauth`, ...), when known.
    pub auth_method: Option<String>,
    /// OAuth/SSO provider, when known.
    pub auth_provider: Option<String>,
    /// The second factor used (a login) or that failed (a failed attempt).
    #[serde(default)]
    pub second_factor: Option<String>,
    /// Whether the login matched no device the user signed in from before.
    pub new_device: bool,
    /// The name the user gave this browser ("Work laptop"), if any.
    #[serde(default)]
    pub nickname: Option<String>,
    /// How many failed attempts this line stands for, when the failed-login
    /// budget counted them instead of listing each (reason `throttled`).
    #[serde(default)]
    pub attempts: Option<u64>,
    /// When it happened (ms since epoch).
    pub occurred_at: i64,
}

/// The name of a place in `locale` (`"es"`, `"es-MX"`): its entry in
/// `names`, else the English `english`.
pub(crate) fn place_in<'a>(
    english: Option<&'a str>,
    names: &'a BTreeMap<String, String>,
    locale: &str,
) -> Option<&'a str> {
    let language = locale.split(['-', '_']).next().unwrap_or_default();
    names
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(language))
        .map(|(_, n)| n.as_str())
        .or(english)
}

impl HistoryEntry {
    /// Where it happened, in `locale` ("Londres, Reino Unido" for `es`);
    /// English when that language has no other name.
    pub fn location_in(&self, locale: &str) -> Option<&str> {
        place_in(self.location.as_deref(), &self.location_names, locale)
    }
}

/// A user's login history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryList {
    /// The server's "now" (ms since epoch), for relative times.
    pub now: i64,
    /// The entries.
    pub entries: Vec<HistoryEntry>,
    /// Labels of the host's own sign-in methods on this list, per locale
    /// (`method → locale → label`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub method_labels: MethodLabels,
    /// The reader's time zone for this list's times.
    #[serde(default)]
    pub zone: ReaderZone,
}

/// The host's own sign-in methods' labels: `method → locale → label`.
pub type MethodLabels = BTreeMap<String, BTreeMap<String, String>>;

/// Where the server learned the reader's time zone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneSource {
    /// Not known (no zone cookie yet, JavaScript off): times are shown in UTC
    /// and the tooltip says so.
    #[default]
    Unknown,
    /// The zone the browser reported on an earlier visit (a cookie the
    /// components set after hydration).
    Browser,
    /// The host's own setting for this user (`CurrentSession::set_time_zone`);
    /// the browser's zone never overrides it.
    Host,
}

/// A span of constant UTC offset: from `from` (ms since epoch) until the
/// next span's `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneSpan {
    /// Start (ms since epoch).
    pub from: i64,
    /// Offset from UTC in seconds (Madrid in summer: 7200).
    pub offset: i32,
}

/// The reader's time zone as the server resolved it for one page of times:
/// its IANA name and the UTC offsets over exactly the interval the page
/// shows (daylight-saving transitions included), so the wasm renders the
/// same dates as the server without a time-zone database of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderZone {
    /// The IANA name (`Europe/Madrid`); `None` when unknown (UTC is shown).
    pub name: Option<String>,
    /// Where the name came from.
    #[serde(default)]
    pub source: ZoneSource,
    /// Offsets, sorted by `from`; empty means UTC. Before the first span its
    /// offset applies.
    #[serde(default)]
    pub spans: Vec<ZoneSpan>,
    /// The cookie the components store the browser's zone in.
    #[serde(default)]
    pub cookie: String,
}

impl ReaderZone {
    /// Whether `name` looks like an IANA zone name: bounded, and only the
    /// characters those names use (so a cookie can neither open a path nor
    /// add cookie attributes).
    pub fn plausible_name(name: &str) -> bool {
        (1..=64).contains(&name.len())
            && !name.starts_with('/')
            && !name.contains("..")
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
    }

    /// The UTC offset (seconds) at `at` (ms since epoch).
    pub fn offset_at(&self, at: i64) -> i32 {
        let i = self.spans.partition_point(|s| s.from <= at);
        self.spans.get(i.saturating_sub(1)).map_or(0, |s| s.offset)
    }
}

/// How this browser last signed in (read from the browser-continuity cookie;
/// powers the "Last used" badge on the signed-out sign-in page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastLogin {
    /// The method (`password`, `oauth`, `magic_link`, ...).
    pub method: String,
    /// The provider for `oauth`/`sso`, when any.
    pub provider: Option<String>,
    /// When (ms since epoch).
    pub at: i64,
}

impl LastLogin {
    /// Whether this browser's last login used `method` (and `provider`, when
    /// one is given).
    pub fn matches(&self, method: &str, provider: Option<&str>) -> bool {
        self.method == method && provider.is_none_or(|p| self.provider.as_deref() == Some(p))
    }
}
