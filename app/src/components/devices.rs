//! `<Devices/>` and `<SessionsPage/>`.

use leptos::{either::Either, prelude::*};
use leptos_i18n::I18nContext;

use super::{
    format::{RelativeAge, civil_date, country_flag, provider_label, relative_age},
    icons::DeviceIcon,
};
use crate::{
    api::{RevokeOtherSessions, RevokeSession, list_devices},
    error::SessionsError,
    i18n::*,
    types::{AuthMethod, DeviceList, DeviceView},
};

/// The whole sessions page: the device list with "Sign out of all other
/// sessions".
#[component]
pub fn SessionsPage() -> impl IntoView {
    view! {
        <div class="sessions-page">
            <Devices/>
        </div>
    }
}

/// The signed-in user's devices: "This device" first, then the others with a
/// "Log out" button each, and "Sign out of all other sessions" when there are
/// others. Server-rendered; the forms work without JavaScript.
#[component]
pub fn Devices() -> impl IntoView {
    let i18n = use_i18n();
    let revoke = ServerAction::<RevokeSession>::new();
    let revoke_others = ServerAction::<RevokeOtherSessions>::new();
    let devices = Resource::new(
        move || (revoke.version().get(), revoke_others.version().get()),
        |_| list_devices(),
    );

    view! {
        <section class="sessions-devices" aria-labelledby="sessions-devices-title">
            <h2 id="sessions-devices-title" class="sessions-title">
                {t!(i18n, devices.title)}
            </h2>
            <p class="sessions-subtitle">{t!(i18n, devices.subtitle)}</p>
            <ActionStatus revoke=revoke revoke_others=revoke_others/>
            <Transition fallback=move || {
                view! { <p class="sessions-loading">{t!(i18n, devices.loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match devices.await {
                        Ok(list) => Either::Left(view! { <DeviceListView list revoke revoke_others/> }),
                        Err(err) => Either::Right(view! { <ErrorMessage err/> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ActionStatus(
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="sessions-status" role="status" aria-live="polite">
            {move || match revoke.value().get() {
                Some(Ok(())) => Some(Either::Left(view! {
                    <p class="sessions-notice">{t!(i18n, devices.revoked)}</p>
                })),
                Some(Err(err)) => Some(Either::Right(view! { <ErrorMessage err/> })),
                None => None,
            }}
            {move || match revoke_others.value().get() {
                Some(Ok(count)) => Some(Either::Left(view! {
                    <p class="sessions-notice">
                        {t!(i18n, devices.signed_out_others, count = move || count)}
                    </p>
                })),
                Some(Err(err)) => Some(Either::Right(view! { <ErrorMessage err/> })),
                None => None,
            }}
        </div>
    }
}

/// A translated error message.
#[component]
fn ErrorMessage(err: SessionsError) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match &err {
        SessionsError::NotSignedIn => t_string!(i18n, errors.not_signed_in),
        SessionsError::NotFound => t_string!(i18n, errors.not_found),
        SessionsError::InvalidHandle => t_string!(i18n, errors.invalid_handle),
        SessionsError::CurrentSession => t_string!(i18n, errors.current_session),
        SessionsError::ReauthRequired => t_string!(i18n, errors.reauth_required),
        SessionsError::Unavailable => t_string!(i18n, errors.unavailable),
        SessionsError::Internal => t_string!(i18n, errors.internal),
        SessionsError::Request(_) => t_string!(i18n, errors.request),
    };
    view! { <p class="sessions-error" role="alert">{text}</p> }
}

#[component]
fn DeviceListView(
    list: DeviceList,
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = list.now;
    let others = list.others();
    if list.devices.is_empty() {
        return Either::Left(view! { <p class="sessions-empty">{t!(i18n, devices.empty)}</p> });
    }
    Either::Right(view! {
        <ul class="sessions-device-list">
            {list
                .devices
                .into_iter()
                .map(|device| view! { <DeviceRow device now revoke/> })
                .collect_view()}
        </ul>
        {(others > 0).then(|| view! {
            <ActionForm action=revoke_others attr:class="sessions-revoke-others">
                <button type="submit" class="sessions-button sessions-button--danger">
                    {t!(i18n, devices.sign_out_others)}
                </button>
            </ActionForm>
        })}
    })
}

#[component]
fn DeviceRow(device: DeviceView, now: i64, revoke: ServerAction<RevokeSession>) -> impl IntoView {
    let i18n = use_i18n();
    let DeviceView {
        handle,
        name,
        device_type,
        current,
        location,
        country_code,
        signed_in_at,
        last_seen_at,
        auth_method,
        auth_provider,
    } = device;
    let flag = country_code.as_deref().and_then(country_flag);
    let label_name = name.clone();
    let row_handle = handle.clone();
    let activity = match relative_age(now, last_seen_at) {
        RelativeAge::Now => Either::Left(t!(i18n, devices.active_now)),
        RelativeAge::Minutes(n) => {
            Either::Right(Either::Left(t!(i18n, devices.active_minutes, count = move || n)))
        }
        RelativeAge::Hours(n) => Either::Right(Either::Right(Either::Left(t!(
            i18n,
            devices.active_hours,
            count = move || n
        )))),
        RelativeAge::Days(n) => Either::Right(Either::Right(Either::Right(t!(
            i18n,
            devices.active_days,
            count = move || n
        )))),
    };
    let (_, month, day) = civil_date(signed_in_at);
    let month_name = move || month_label(i18n, month);
    let method = auth_method.as_deref().map(AuthMethod::from_db);
    let via = match (method, auth_provider) {
        (Some(AuthMethod::Password) | None, _) => None,
        (Some(_), Some(provider)) => Some(provider_label(&provider)),
        (Some(m), None) => Some(method_label(i18n, m).to_owned()),
    };

    view! {
        <li class="sessions-device" class:sessions-device--current=current data-handle=row_handle>
            <span class="sessions-device__icon">
                <DeviceIcon device_type/>
            </span>
            <div class="sessions-device__body">
                <div class="sessions-device__title">
                    <span class="sessions-device__name">{name}</span>
                    {current.then(|| view! {
                        <span class="sessions-badge sessions-badge--current">{t!(i18n, devices.this_device)}</span>
                    })}
                </div>
                <div class="sessions-device__meta">
                    {location.map(|location| view! {
                        <span class="sessions-device__location" title=move || t_string!(i18n, devices.approximate)>
                            {flag.map(|f| view! { <span class="sessions-flag" aria-hidden="true">{f}</span> " " })}
                            {location}
                        </span>
                        <span class="sessions-sep" aria-hidden="true">" · "</span>
                    })}
                    <span class="sessions-device__activity">{activity}</span>
                    <span class="sessions-sep" aria-hidden="true">" · "</span>
                    <span class="sessions-device__signed-in">
                        {t!(i18n, devices.signed_in, month = month_name, day = move || day)}
                        {via.map(|via| view! {
                            " "
                            <span class="sessions-pill">{t!(i18n, devices.via, provider = move || via.clone())}</span>
                        })}
                    </span>
                </div>
            </div>
            {(!current).then(|| view! {
                <ActionForm action=revoke attr:class="sessions-device__revoke">
                    <input type="hidden" name="handle" value=handle/>
                    <button
                        type="submit"
                        class="sessions-button"
                        aria-label=move || format!("{} ({})", t_string!(i18n, devices.log_out), label_name)
                    >
                        {t!(i18n, devices.log_out)}
                    </button>
                </ActionForm>
            })}
        </li>
    }
}

fn month_label(i18n: I18nContext<Locale>, month: u32) -> &'static str {
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

fn method_label(i18n: I18nContext<Locale>, method: AuthMethod) -> &'static str {
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
