//! Pieces shared by the components: translated errors, labels and times.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::format::{RelativeAge, civil_date, relative_age};
use crate::{
    error::SessionsError,
    i18n::*,
    types::{AuthMethod, DeviceLabel, MethodLabels, ReaderZone, ZoneSource},
};

/// The reader's clock for one list of times: the zone the server rendered
/// the list in or — after hydration, when the browser reports another zone
/// and the host set none — the browser's own (remembered in the zone cookie,
/// so the next server render already uses it: no flash of wrong dates for
/// returning visitors).
#[derive(Clone, Copy)]
pub(crate) struct Clock {
    zone: StoredValue<ReaderZone>,
    browser: RwSignal<Option<String>>,
}

impl Clock {
    pub(crate) fn new(zone: ReaderZone) -> Self {
        let clock = Self {
            zone: StoredValue::new(zone),
            browser: RwSignal::new(None),
        };
        // Effects run only in the browser, after hydration: the first render
        // is the server's, byte for byte.
        Effect::new(move |_| clock.adopt_browser_zone());
        clock
    }

    fn adopt_browser_zone(self) {
        let Some(name) = browser::zone_name() else { return };
        let (server_name, source, cookie) = self
            .zone
            .with_value(|z| (z.name.clone(), z.source, z.cookie.clone()));
        if source == ZoneSource::Host || server_name.as_deref() == Some(name.as_str()) {
            return;
        }
        if !cookie.is_empty() {
            browser::remember(&cookie, &name);
        }
        self.browser.set(Some(name));
    }

    fn uses_browser(self) -> bool {
        self.browser.with(Option::is_some)
    }

    /// The reader's UTC offset (seconds) at `at`.
    pub(crate) fn offset_at(self, at: i64) -> i32 {
        if self.uses_browser() {
            browser::offset_at(at)
        } else {
            self.zone.with_value(|z| z.offset_at(at))
        }
    }

    /// The zone's name; `None` when it is not known (UTC is shown).
    pub(crate) fn zone_name(self) -> Option<String> {
        if self.uses_browser() {
            self.browser.get()
        } else {
            self.zone.with_value(|z| z.name.clone())
        }
    }

    /// `at` as the reader's wall clock (ms since epoch, shifted).
    pub(crate) fn local(self, at: i64) -> i64 {
        at + i64::from(self.offset_at(at)) * 1000
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::wasm_bindgen::JsValue;

    /// The zone the browser runs in (`Intl`), if it names one.
    pub(super) fn zone_name() -> Option<String> {
        let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
        js_sys::Reflect::get(&format.resolved_options(), &JsValue::from_str("timeZone"))
            .ok()?
            .as_string()
            .filter(|name| crate::types::ReaderZone::plausible_name(name))
    }

    /// The browser's UTC offset (seconds) at `at` (ms since epoch).
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_precision_loss,
        reason = "offsets are minutes"
    )]
    pub(super) fn offset_at(at: i64) -> i32 {
        let minutes = js_sys::Date::new(&JsValue::from_f64(at as f64)).get_timezone_offset();
        -(minutes * 60.0) as i32
    }

    /// Stores the zone for the server's next render (400 days, the most
    /// browsers keep).
    pub(super) fn remember(cookie: &str, name: &str) {
        let secure = if cookie.starts_with("__Host-") {
            "; Secure"
        } else {
            ""
        };
        let value = format!("{cookie}={name}; Path=/; Max-Age=34560000; SameSite=Lax{secure}");
        let _ = js_sys::Reflect::set(
            &JsValue::from(leptos::prelude::document()),
            &JsValue::from_str("cookie"),
            &JsValue::from_str(&value),
        );
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub(super) fn zone_name() -> Option<String> {
        None
    }

    pub(super) fn offset_at(_at: i64) -> i32 {
        0
    }

    pub(super) fn remember(_cookie: &str, _name: &str) {}
}

/// A translated error message (`errors.<code>`), announced to screen readers.
#[component]
pub(crate) fn ErrorMessage(err: SessionsError) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || error_text(i18n, &err);
    view! { <p class="sessions-error" role="alert">{text}</p> }
}

/// The translation of an error code.
pub(crate) fn error_text(i18n: I18nContext<Locale>, err: &SessionsError) -> &'static str {
    match err {
        SessionsError::NotSignedIn => t_string!(i18n, errors.not_signed_in),
        SessionsError::NotFound => t_string!(i18n, errors.not_found),
        SessionsError::InvalidHandle => t_string!(i18n, errors.invalid_handle),
        SessionsError::CurrentSession => t_string!(i18n, errors.current_session),
        SessionsError::ReauthRequired => t_string!(i18n, errors.reauth_required),
        SessionsError::Unavailable => t_string!(i18n, errors.unavailable),
        SessionsError::Internal => t_string!(i18n, errors.internal),
        SessionsError::TooLarge => t_string!(i18n, errors.too_large),
        SessionsError::InvalidLink => t_string!(i18n, errors.invalid_link),
        SessionsError::InvalidName => t_string!(i18n, errors.invalid_name),
        SessionsError::TooManyStreams => t_string!(i18n, errors.too_many_streams),
        SessionsError::Request(_) => t_string!(i18n, errors.request),
    }
}

/// Short month name.
pub(crate) fn month_label(i18n: I18nContext<Locale>, month: u32) -> &'static str {
    match month {
        1 => t_string!(i18n, time.months.jan),
        2 => t_string!(i18n, time.months.feb),
        3 => t_string!(i18n, time.months.mar),
        4 => t_string!(i18n, time.months.apr),
        5 => t_string!(i18n, time.months.may),
        6 => t_string!(i18n, time.months.jun),
        7 => t_string!(i18n, time.months.jul),
        8 => t_string!(i18n, time.months.aug),
        9 => t_string!(i18n, time.months.sep),
        10 => t_string!(i18n, time.months.oct),
        11 => t_string!(i18n, time.months.nov),
        _ => t_string!(i18n, time.months.dec),
    }
}

/// The name of an auth method.
pub(crate) fn method_label(i18n: I18nContext<Locale>, method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::Password => t_string!(i18n, methods.password),
        AuthMethod::Oauth => t_string!(i18n, methods.oauth),
        AuthMethod::GoogleOneTap => t_string!(i18n, methods.google_one_tap),
        AuthMethod::Passkey => t_string!(i18n, methods.passkey),
        AuthMethod::MagicLink => t_string!(i18n, methods.magic_link),
        AuthMethod::Otp => t_string!(i18n, methods.otp),
        AuthMethod::Sso => t_string!(i18n, methods.sso),
        AuthMethod::Token => t_string!(i18n, methods.token),
        AuthMethod::Unknown => t_string!(i18n, methods.unknown),
    }
}

/// What the "via …" pill says for a login: nothing for passwords (the
/// default), the provider when there is one, else the method's name.
pub(crate) fn via_label(
    i18n: I18nContext<Locale>,
    method: Option<&str>,
    provider: Option<&str>,
    labels: &MethodLabels,
) -> Option<String> {
    let name = method?;
    let method = AuthMethod::from_db(name);
    match (method, provider) {
        (AuthMethod::Password, _) => None,
        (_, Some(provider)) if !provider.is_empty() => Some(super::format::provider_label(provider)),
        (AuthMethod::Unknown, _) if name != AuthMethod::Unknown.as_str() => {
            Some(custom_method_label(labels, name, i18n.get_locale().as_str()))
        }
        (m, _) => Some(method_label(i18n, m).to_owned()),
    }
}

/// The translation key of a second factor's name, aliases included
/// (`security_key`, `u2f` → `webauthn`; `authenticator`, `otp_app` → `totp`).
pub(crate) fn factor_key(factor: &str) -> &'static str {
    match factor.trim().to_ascii_lowercase().as_str() {
        "webauthn" | "security_key" | "u2f" | "fido2" | "yubikey" => "webauthn",
        "totp" | "authenticator" | "authenticator_app" | "otp_app" => "totp",
        "sms" | "text" | "phone" => "sms",
        "backup_code" | "recovery_code" => "backup_code",
        "email" | "email_code" => "email",
        _ => "other",
    }
}

/// "with security key", "with authenticator app", … in the reader's language.
pub(crate) fn factor_label(i18n: I18nContext<Locale>, factor: &str) -> &'static str {
    match factor_key(factor) {
        "webauthn" => t_string!(i18n, factors.webauthn),
        "totp" => t_string!(i18n, factors.totp),
        "sms" => t_string!(i18n, factors.sms),
        "backup_code" => t_string!(i18n, factors.backup_code),
        "email" => t_string!(i18n, factors.email),
        _ => t_string!(i18n, factors.other),
    }
}

/// A host method's label in `locale` ("es-MX" finds "es"), else in English,
/// else its name.
pub(crate) fn custom_method_label(labels: &MethodLabels, method: &str, locale: &str) -> String {
    let Some(by_locale) = labels.get(method) else {
        return method.to_owned();
    };
    let language = locale.split(['-', '_']).next().unwrap_or(locale);
    by_locale
        .get(locale)
        .or_else(|| by_locale.get(language))
        .or_else(|| by_locale.get("en"))
        .cloned()
        .unwrap_or_else(|| method.to_owned())
}

/// Fills a locale's pattern ("%month %day, %year"): dates are built from
/// parts whose order each locale chooses, and are needed as plain strings
/// (tooltips) as well as text.
fn fill(pattern: &str, parts: &[(&str, &str)]) -> String {
    // One pass: a value that itself reads "%os" (a user agent can say
    // anything) is never substituted again.
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_len = after.bytes().take_while(u8::is_ascii_lowercase).count();
        match parts.iter().find(|(name, _)| *name == &after[..name_len]) {
            Some((_, value)) if name_len > 0 => out.push_str(value),
            _ => out.push_str(&rest[at..=at + name_len]),
        }
        rest = &after[name_len..];
    }
    out.push_str(rest);
    out
}

/// A device's name in the reader's language: "Chrome 137 en macOS".
pub(crate) fn device_text(i18n: I18nContext<Locale>, label: &DeviceLabel) -> String {
    let app = label.app_name(|platform| {
        if platform == "ios_app" {
            t_string!(i18n, names.ios_app)
        } else {
            t_string!(i18n, names.android_app)
        }
    });
    label.compose(
        app.as_deref(),
        t_string!(i18n, history.unknown_device),
        |what, model, os| match (model, os) {
            (Some(model), Some(os)) => fill(
                t_string!(i18n, names.on_model_os),
                &[("what", what), ("model", model), ("os", os)],
            ),
            (Some(model), None) => fill(
                t_string!(i18n, names.on_model),
                &[("what", what), ("model", model)],
            ),
            (None, Some(os)) => fill(t_string!(i18n, names.on_os), &[("what", what), ("os", os)]),
            (None, None) => what.to_owned(),
        },
    )
}

/// "May 2" / "2 may" in the reader's zone (with the year when it is not
/// the current one).
pub(crate) fn date_text(i18n: I18nContext<Locale>, clock: Clock, now: i64, at: i64) -> String {
    let (year, month, day) = civil_date(clock.local(at));
    let pattern = if year == civil_date(clock.local(now)).0 {
        t_string!(i18n, time.date)
    } else {
        t_string!(i18n, time.date_year)
    };
    fill(
        pattern,
        &[
            ("month", month_label(i18n, month)),
            ("day", &day.to_string()),
            ("year", &year.to_string()),
        ],
    )
}

/// How long ago `at` was, by the reader's calendar.
pub(crate) fn age(clock: Clock, now: i64, at: i64) -> RelativeAge {
    relative_age(now, at, clock.offset_at(now), clock.offset_at(at))
}

/// "just now", "3 minutes ago", "yesterday", "4 days ago", then the date.
pub(crate) fn ago_view(i18n: I18nContext<Locale>, clock: Clock, now: i64, at: i64) -> AnyView {
    match age(clock, now, at) {
        RelativeAge::Now => view! { {t!(i18n, time.just_now)} }.into_any(),
        RelativeAge::Minutes(n) => view! { {t!(i18n, time.minutes_ago, count = move || n)} }.into_any(),
        RelativeAge::Hours(n) => view! { {t!(i18n, time.hours_ago, count = move || n)} }.into_any(),
        RelativeAge::Days(1) => view! { {t!(i18n, time.yesterday)} }.into_any(),
        RelativeAge::Days(n) if n < 7 => view! { {t!(i18n, time.days_ago, count = move || n)} }.into_any(),
        RelativeAge::Days(_) => date_text(i18n, clock, now, at).into_any(),
    }
}

/// The exact instant for a tooltip, in the reader's zone: "May 2, 2026,
/// 09:12 (Europe/Madrid)"; in UTC, saying the zone is not known, without one.
pub(crate) fn exact_time(i18n: I18nContext<Locale>, clock: Clock, at: i64) -> String {
    let local = clock.local(at);
    let (year, month, day) = civil_date(local);
    let minutes = local.div_euclid(60_000).rem_euclid(24 * 60);
    let date = fill(
        t_string!(i18n, time.date_year),
        &[
            ("month", month_label(i18n, month)),
            ("day", &day.to_string()),
            ("year", &year.to_string()),
        ],
    );
    let zone = clock
        .zone_name()
        .unwrap_or_else(|| t_string!(i18n, time.utc_unknown).to_owned());
    fill(
        t_string!(i18n, time.exact),
        &[
            ("date", &date),
            ("time", &format!("{:02}:{:02}", minutes / 60, minutes % 60)),
            ("zone", &zone),
        ],
    )
}

/// `2026-05-02T09:12Z`, for `<time datetime>` (always UTC: an instant).
pub(crate) fn iso_minute(ms: i64) -> String {
    let (y, m, d) = civil_date(ms);
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}Z", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::{custom_method_label, fill, iso_minute};

    #[test]
    fn host_methods_are_labelled_in_the_readers_language_else_english_else_by_name() {
        let labels = [(
            "saml_okta".to_owned(),
            [("en", "SAML via Okta"), ("es", "SAML con Okta")]
                .into_iter()
                .map(|(l, t)| (l.to_owned(), t.to_owned()))
                .collect(),
        )]
        .into_iter()
        .collect();
        assert_eq!(custom_method_label(&labels, "saml_okta", "es"), "SAML con Okta");
        assert_eq!(
            custom_method_label(&labels, "saml_okta", "es-MX"),
            "SAML con Okta"
        );
        assert_eq!(custom_method_label(&labels, "saml_okta", "de"), "SAML via Okta");
        assert_eq!(custom_method_label(&labels, "kiosk_badge", "es"), "kiosk_badge");
    }

    #[test]
    fn patterns_fill_every_part_once() {
        let parts = [("month", "May"), ("day", "2"), ("year", "2026")];
        assert_eq!(fill("%month %day, %year", &parts), "May 2, 2026");
        assert_eq!(fill("%day %month %year", &parts), "2 May 2026");
        // A value that reads like a placeholder stays as it is; unknown
        // names and a lone % are kept.
        assert_eq!(
            fill("%what on %os", &[("what", "%os"), ("os", "macOS")]),
            "%os on macOS"
        );
        assert_eq!(fill("100% %nope %", &parts), "100% %nope %");
    }

    #[test]
    fn iso_minutes() {
        assert_eq!(iso_minute(0), "1970-01-01T00:00Z");
        assert_eq!(iso_minute(1_777_713_120_000), "2026-05-02T09:12Z");
    }
}
