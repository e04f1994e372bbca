//! `<History/>`: the signed-in user's login trail.

use leptos::{either::Either, prelude::*};
use leptos_i18n::I18nContext;

use super::{
    common::{Clock, ErrorMessage, ago_view, device_text, exact_time, factor_label, iso_minute, via_label},
    composables::{UseHistoryOptions, UseHistoryReturn, use_history_with_options},
    format::country_flag,
    icons::{DeviceIcon, EventIcon},
    locale::with_sessions_i18n,
};
use crate::{
    i18n::*,
    types::{HistoryEntry, HistoryKind, ReasonCode},
};

/// The signed-in user's login history, newest first: sign-ins (with the
/// method and a "New device" marker), failed attempts made with their
/// identity (with the reason), sign-outs, ended sessions (with why) and
/// expiries; each with the device, approximate location and a relative time.
#[component]
pub fn History(
    /// How many entries to show. Default `10`.
    #[prop(default = 10)]
    limit: u64,
) -> impl IntoView {
    with_sessions_i18n(move || view! { <HistoryView limit/> })
}

#[component]
fn HistoryView(limit: u64) -> impl IntoView {
    let i18n = use_i18n();
    let UseHistoryReturn { history } = use_history_with_options(UseHistoryOptions {
        limit,
        ..UseHistoryOptions::default()
    });
    view! {
        <section class="sessions-history" aria-labelledby="sessions-history-title">
            <h2 id="sessions-history-title" class="sessions-title">{t!(i18n, history.title)}</h2>
            <p class="sessions-subtitle">{t!(i18n, history.subtitle)}</p>
            <Transition fallback=move || {
                view! { <p class="sessions-loading" aria-busy="true">{t!(i18n, history.loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(list) if list.entries.is_empty() => Either::Left(Either::Left(view! {
                            <p class="sessions-empty">{t!(i18n, history.empty)}</p>
                        })),
                        Ok(list) => {
                            let now = list.now;
                            let clock = Clock::new(list.zone.clone());
                            let labels = StoredValue::new(list.method_labels.clone());
                            Either::Left(Either::Right(view! {
                                <ol class="sessions-event-list">
                                    {list
                                        .entries
                                        .into_iter()
                                        .map(|entry| view! { <HistoryRow entry now clock labels/> })
                                        .collect_view()}
                                </ol>
                            }))
                        }
                        Err(err) => Either::Right(view! { <ErrorMessage err/> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub(crate) fn HistoryRow(
    entry: HistoryEntry,
    now: i64,
    clock: Clock,
    labels: StoredValue<crate::types::MethodLabels>,
) -> impl IntoView {
    let i18n = use_i18n();
    let HistoryEntry {
        kind,
        reason,
        label,
        device_type,
        country_code,
        auth_method,
        auth_provider,
        second_factor,
        new_device,
        attempts,
        occurred_at,
        nickname,
        ..
    } = entry.clone();
    let location = entry.location_in(i18n.get_locale().as_str()).map(str::to_owned);
    let what = move || kind_label(i18n, kind);
    let reason = reason.filter(|r| !r.is_empty()).map(|reason| {
        let label = move || reason_label(i18n, &reason).map_or_else(|| reason.clone(), str::to_owned);
        view! { " " <span class="sessions-event__reason">{t!(i18n, history.reason, reason = label)}</span> }
    });
    let via = (kind == HistoryKind::Login).then(|| {
        let via = move || labels.with_value(|l| via_label(i18n, auth_method.as_deref(), auth_provider.as_deref(), l));
        move || via().map(|via| view! { " " <span class="sessions-pill">{t!(i18n, devices.via, provider = move || via.clone())}</span> })
    });
    let new_device = (kind == HistoryKind::Login && new_device).then(|| {
        view! {
            " "
            <span class="sessions-badge sessions-badge--new" title=move || t_string!(i18n, devices.new_device_hint)>
                {t!(i18n, history.new_device)}
            </span>
        }
    });
    let factor = second_factor.map(|factor| {
        view! { " " <span class="sessions-pill sessions-pill--factor">{move || factor_label(i18n, &factor)}</span> }
    });
    let attempts = attempts.map(|n| {
        view! { " " <span class="sessions-pill sessions-event__attempts">{t!(i18n, history.attempts, n = n)}</span> }
    });
    let flag = country_code.as_deref().and_then(country_flag);
    let device = device_text(i18n, &label);
    let when = move || ago_view(i18n, clock, now, occurred_at);
    let title = move || exact_time(i18n, clock, occurred_at);

    view! {
        <li class=format!("sessions-event sessions-event--{}", kind.as_str())>
            <span class="sessions-event__icon">
                <EventIcon kind/>
            </span>
            <div class="sessions-event__body">
                <div class="sessions-event__title">
                    <span class="sessions-event__what">{what}</span>
                    {reason}
                    {attempts}
                    {via}
                    {factor}
                    {new_device}
                </div>
                <div class="sessions-event__meta">
                    <span class="sessions-event__device">
                        <DeviceIcon device_type small=true/>
                        " "
                        {nickname.map(|name| view! {
                            <span class="sessions-event__nickname">{name}</span>
                            <span class="sessions-sep" aria-hidden="true">" · "</span>
                        })}
                        {device}
                    </span>
                    {location.map(|location| view! {
                        <span class="sessions-sep" aria-hidden="true">" · "</span>
                        <span class="sessions-event__location" title=move || t_string!(i18n, devices.approximate)>
                            {flag.map(|f| view! { <span class="sessions-flag" aria-hidden="true">{f}</span> " " })}
                            {location}
                        </span>
                    })}
                    <span class="sessions-sep" aria-hidden="true">" · "</span>
                    <time class="sessions-event__time" datetime=iso_minute(occurred_at) title=title>{when}</time>
                </div>
            </div>
        </li>
    }
}

fn kind_label(i18n: I18nContext<Locale>, kind: HistoryKind) -> &'static str {
    match kind {
        HistoryKind::Login => t_string!(i18n, history.login),
        HistoryKind::FailedLogin => t_string!(i18n, history.failed_login),
        HistoryKind::Logout => t_string!(i18n, history.logout),
        HistoryKind::Revoked => t_string!(i18n, history.revoked),
        HistoryKind::Expired => t_string!(i18n, history.expired),
    }
}

/// The translation of a known reason code; hosts' own failure reasons are
/// shown verbatim.
fn reason_label(i18n: I18nContext<Locale>, reason: &str) -> Option<&'static str> {
    Some(match ReasonCode::from_db(reason)? {
        ReasonCode::InvalidCredentials => t_string!(i18n, history.reasons.invalid_credentials),
        ReasonCode::InvalidPassword => t_string!(i18n, history.reasons.invalid_password),
        ReasonCode::UnknownUser => t_string!(i18n, history.reasons.unknown_user),
        ReasonCode::Locked => t_string!(i18n, history.reasons.locked),
        ReasonCode::OauthDenied => t_string!(i18n, history.reasons.oauth_denied),
        ReasonCode::ExpiredLink => t_string!(i18n, history.reasons.expired_link),
        ReasonCode::UserRevoked => t_string!(i18n, history.reasons.user_revoked),
        ReasonCode::AdminRevoked => t_string!(i18n, history.reasons.admin_revoked),
        ReasonCode::PasswordChange => t_string!(i18n, history.reasons.password_change),
        ReasonCode::LogoutEverywhere => t_string!(i18n, history.reasons.logout_everywhere),
        ReasonCode::Disavowed => t_string!(i18n, history.reasons.disavowed),
        ReasonCode::Pruned => t_string!(i18n, history.reasons.pruned),
        ReasonCode::IdleTimeout => t_string!(i18n, history.reasons.idle_timeout),
        ReasonCode::MaxLifetime => t_string!(i18n, history.reasons.max_lifetime),
        ReasonCode::Throttled => t_string!(i18n, history.reasons.throttled),
    })
}
