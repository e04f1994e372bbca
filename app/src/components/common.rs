//! Pieces shared by the components: translated errors, labels and times.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::format::{RelativeAge, civil_date, relative_age};
use crate::{error::SessionsError, i18n::*, types::AuthMethod};

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
) -> Option<String> {
    let method = AuthMethod::from_db(method?);
    match (method, provider) {
        (AuthMethod::Password, _) => None,
        (_, Some(provider)) if !provider.is_empty() => Some(super::format::provider_label(provider)),
        (m, _) => Some(method_label(i18n, m).to_owned()),
    }
}

/// "May 2" / "2 may" (with the year when it is not the current one).
pub(crate) fn date_view(i18n: I18nContext<Locale>, now: i64, at: i64) -> AnyView {
    let (year, month, day) = civil_date(at);
    let month = move || month_label(i18n, month);
    if year == civil_date(now).0 {
        view! { {t!(i18n, time.date, month = month, day = move || day)} }.into_any()
    } else {
        view! { {t!(i18n, time.date_year, month = month, day = move || day, year = move || year)} }.into_any()
    }
}

/// "just now", "3 minutes ago", "yesterday", "4 days ago", then the date.
pub(crate) fn ago_view(i18n: I18nContext<Locale>, now: i64, at: i64) -> AnyView {
    match relative_age(now, at) {
        RelativeAge::Now => view! { {t!(i18n, time.just_now)} }.into_any(),
        RelativeAge::Minutes(n) => view! { {t!(i18n, time.minutes_ago, count = move || n)} }.into_any(),
        RelativeAge::Hours(n) => view! { {t!(i18n, time.hours_ago, count = move || n)} }.into_any(),
        RelativeAge::Days(1) => view! { {t!(i18n, time.yesterday)} }.into_any(),
        RelativeAge::Days(n) if n < 7 => view! { {t!(i18n, time.days_ago, count = move || n)} }.into_any(),
        RelativeAge::Days(_) => date_view(i18n, now, at),
    }
}

/// `2026-05-02T09:12Z`, for `<time datetime>` and tooltips.
pub(crate) fn iso_minute(ms: i64) -> String {
    let (y, m, d) = civil_date(ms);
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}Z", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::iso_minute;

    #[test]
    fn iso_minutes() {
        assert_eq!(iso_minute(0), "1970-01-01T00:00Z");
        assert_eq!(iso_minute(1_777_713_120_000), "2026-05-02T09:12Z");
    }
}
