//! `<Devices/>`: the signed-in user's devices, with "Log out" per device and
//! "Sign out of all other sessions".

use leptos::{either::Either, html, prelude::*};

use super::{
    common::{
        Clock, ErrorMessage, age, date_text, device_text, exact_time, factor_label, iso_minute, via_label,
    },
    composables::{UseDevicesReturn, UseSessionEventsOptions, use_devices, use_session_events_with_options},
    format::{RelativeAge, country_flag},
    icons::DeviceIcon,
    locale::with_sessions_i18n,
};
use crate::{
    api::{RenameDevice, RevokeOtherSessions, RevokeSession},
    i18n::*,
    types::{
        DeviceLabel, DeviceList, DeviceNotice, DeviceView, MAX_DEVICE_NAME_CHARS, MethodLabels, SessionEvent,
    },
};

/// The signed-in user's devices: "This device" first, then the others, each
/// with a "Log out" button behind a confirmation, and "Sign out of all other
/// sessions" when there are others. Server-rendered; every form also works
/// with JavaScript off. After an action the focus moves to the status
/// message that reports it.
#[component]
pub fn Devices(
    /// Show "Sign out of all other sessions" under the list (only ever shown
    /// when there are other sessions). Default `true`.
    #[prop(default = true)]
    sign_out_others: bool,
) -> impl IntoView {
    with_sessions_i18n(move || view! { <DevicesView sign_out_others/> })
}

#[component]
fn DevicesView(sign_out_others: bool) -> impl IntoView {
    let i18n = use_i18n();
    let UseDevicesReturn {
        devices,
        revoke,
        revoke_others,
        rename,
    } = use_devices();
    let status = NodeRef::<html::Div>::new();
    // Live: the stream opens once the page knows it is signed in.
    let actions = super::composables::use_sessions_actions();
    let live = use_session_events_with_options(UseSessionEventsOptions {
        enabled: Signal::derive(move || devices.get().is_some_and(|r| r.is_ok_and(|list| list.live))),
    });
    let live_notice = RwSignal::new(None::<SessionEvent>);
    let signed_out = move || live_notice.with(|n| matches!(n, Some(SessionEvent::SignedOut)));
    Effect::new(move |_| {
        live.count.track();
        let Some(event) = live.event.get_untracked() else {
            return;
        };
        // A page on its way elsewhere reloads nothing (its cookie may be
        // about to change: a password change).
        #[cfg(feature = "hydrate")]
        if super::composables::page_is_leaving() {
            return;
        }
        match &event {
            SessionEvent::SignedOut => leave_soon(),
            SessionEvent::SignedIn { .. } | SessionEvent::Changed => actions.live.update(|n| *n += 1),
        }
        if event != SessionEvent::Changed {
            live_notice.set(Some(event));
        }
    });
    // The row (and the button) the user acted on is gone: move the focus to
    // the message saying what happened, instead of losing it to <body>.
    Effect::new(move |first: Option<()>| {
        let done = revoke.value().with(Option::is_some) | revoke_others.value().with(Option::is_some);
        if first.is_some()
            && done
            && let Some(el) = status.get()
        {
            let _ = el.focus();
        }
    });

    view! {
        <section class="sessions-devices" aria-labelledby="sessions-devices-title">
            <h2 id="sessions-devices-title" class="sessions-title">
                {t!(i18n, devices.title)}
            </h2>
            <p class="sessions-subtitle">{t!(i18n, devices.subtitle)}</p>
            <div class="sessions-status" role="status" aria-live="polite" tabindex="-1" node_ref=status>
                <ActionStatus revoke revoke_others/>
                {move || live_notice.get().map(|event| view! { <LiveNotice event/> })}
                {move || match rename.value().get() {
                    Some(Err(err)) => Some(view! { <ErrorMessage err/> }),
                    _ => None,
                }}
            </div>
            // Signed out: the list stays for the eye, its forms are inert.
            <div class="sessions-devices__body" class:sessions-gone=signed_out inert=signed_out>
                <Transition fallback=move || {
                    view! { <p class="sessions-loading" aria-busy="true">{t!(i18n, devices.loading)}</p> }
                }>
                    {move || Suspend::new(async move {
                        match devices.await {
                            Ok(list) => Either::Left(view! {
                                <DeviceListView list revoke revoke_others rename sign_out_others/>
                            }),
                            Err(err) => Either::Right(view! {
                                <p class="sessions-empty">{t!(i18n, devices.error_title)}</p>
                                <ErrorMessage err/>
                            }),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}

#[component]
fn ActionStatus(
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
) -> impl IntoView {
    view! {
        {move || match revoke.value().get() {
            Some(Ok(device)) => Some(Either::Left(view! { <RevokedNotice device/> })),
            Some(Err(err)) => Some(Either::Right(view! { <ErrorMessage err/> })),
            None => None,
        }}
        {move || match revoke_others.value().get() {
            Some(Ok(count)) => Some(Either::Left(view! { <SignedOutOthersNotice count/> })),
            Some(Err(err)) => Some(Either::Right(view! { <ErrorMessage err/> })),
            None => None,
        }}
    }
}

/// "Firefox 139 on Windows was logged out." ("The device was logged out."
/// when nothing is known about it).
/// What the live stream reported: "New sign-in: Firefox 139 on Windows ·
/// Madrid, Spain", or "This device was signed out."
#[component]
fn LiveNotice(event: SessionEvent) -> impl IntoView {
    let i18n = use_i18n();
    match event {
        SessionEvent::SignedIn {
            device,
            location,
            location_names,
        } => {
            let name = device_text(i18n, &device);
            let location = location.map(|english| {
                crate::types::place_in(Some(&english), &location_names, i18n.get_locale().as_str())
                    .unwrap_or(&english)
                    .to_owned()
            });
            Either::Left(view! {
                <p class="sessions-notice sessions-notice--live">
                    {match location {
                        Some(location) => Either::Left(t!(
                            i18n,
                            devices.new_sign_in_at,
                            name = move || name.clone(),
                            location = move || location.clone()
                        )),
                        None => Either::Right(t!(i18n, devices.new_sign_in, name = move || name.clone())),
                    }}
                </p>
            })
        }
        _ => Either::Right(view! {
            <p class="sessions-error sessions-signed-out" role="alert">{t!(i18n, devices.signed_out_live)}</p>
        }),
    }
}

/// After "This device was signed out": leaves the page (a reload, which the
/// host answers as it answers any signed-out visit) once it has been read.
fn leave_soon() {
    #[cfg(feature = "hydrate")]
    set_timeout(
        || {
            // A page already on its way elsewhere needs no reload (which
            // would cancel that navigation).
            if !super::composables::page_is_leaving() {
                let _ = window().location().reload();
            }
        },
        std::time::Duration::from_millis(1500),
    );
}

#[component]
fn RevokedNotice(device: DeviceLabel) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="sessions-notice">
            {if device.is_unknown() {
                Either::Right(t!(i18n, devices.revoked))
            } else {
                Either::Left(t!(i18n, devices.revoked_named, name = move || device_text(i18n, &device)))
            }}
        </p>
    }
}

/// "Signed out of 2 other sessions."
#[component]
fn SignedOutOthersNotice(count: u64) -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="sessions-notice">{t!(i18n, devices.signed_out_others, count = move || count)}</p> }
}

/// What a no-JavaScript action did, reported once after its redirect.
#[component]
fn NoticeView(notice: DeviceNotice) -> impl IntoView {
    view! {
        <div class="sessions-after-redirect" role="status">
            {match notice {
                DeviceNotice::Revoked { device } => Some(Either::Left(view! { <RevokedNotice device/> })),
                DeviceNotice::RevokedOthers { count } => Some(Either::Right(view! { <SignedOutOthersNotice count/> })),
                // Reported by the page behind the link (`<Disavow/>`).
                DeviceNotice::Disavowed(_) => None,
            }}
        </div>
    }
}

#[component]
fn DeviceListView(
    list: DeviceList,
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
    rename: ServerAction<RenameDevice>,
    sign_out_others: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = list.now;
    let clock = Clock::new(list.zone.clone());
    let labels = StoredValue::new(list.method_labels.clone());
    let others = list.others();
    let notice = list.notice.clone().map(|notice| view! { <NoticeView notice/> });
    if list.devices.is_empty() {
        return Either::Left(view! { {notice} <p class="sessions-empty">{t!(i18n, devices.empty)}</p> });
    }
    Either::Right(view! {
        {notice}
        <ul class="sessions-device-list">
            {list
                .devices
                .into_iter()
                .map(|device| view! { <DeviceRow device now clock labels revoke rename/> })
                .collect_view()}
        </ul>
        {(sign_out_others && others > 0).then(|| view! {
            <ActionForm action=revoke_others attr:class="sessions-revoke-others">
                <button
                    type="submit"
                    class="sessions-button sessions-button--danger"
                    aria-describedby="sessions-revoke-others-hint"
                >
                    {t!(i18n, devices.sign_out_others)}
                </button>
                <span id="sessions-revoke-others-hint" class="sessions-hint">
                    {t!(i18n, devices.sign_out_others_hint)}
                </span>
            </ActionForm>
        })}
    })
}

#[component]
fn DeviceRow(
    device: DeviceView,
    now: i64,
    clock: Clock,
    labels: StoredValue<MethodLabels>,
    revoke: ServerAction<RevokeSession>,
    rename: ServerAction<RenameDevice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let DeviceView {
        handle,
        label,
        device_type,
        current,
        country_code,
        signed_in_at,
        last_seen_at,
        auth_method,
        auth_provider,
        second_factor,
        new_device,
        nickname,
        ..
    } = device.clone();
    let lang = i18n.get_locale();
    let location = device.location_in(lang.as_str()).map(str::to_owned);
    let seen_now = device.last_seen_location_in(lang.as_str()).map(str::to_owned);
    let label_text = device_text(i18n, &label);
    // The user's own name for the device leads; what it is follows.
    let name = nickname.clone().unwrap_or_else(|| label_text.clone());
    let what = nickname
        .is_some()
        .then(|| view! { <span class="sessions-device__what">{label_text.clone()}</span> });
    let rename_form = {
        let handle = handle.clone();
        let current_name = nickname.clone().unwrap_or_default();
        let for_reader = label_text.clone();
        view! {
            <details class="sessions-rename">
                <summary class="sessions-link">
                    <span aria-hidden="true">{t!(i18n, devices.rename)}</span>
                    <span class="sessions-sr-only">{t!(i18n, devices.rename_device, name = move || for_reader.clone())}</span>
                </summary>
                <ActionForm action=rename attr:class="sessions-rename__form">
                    <input type="hidden" name="handle" value=handle/>
                    <input
                        class="sessions-input"
                        type="text"
                        name="name"
                        value=current_name
                        maxlength=MAX_DEVICE_NAME_CHARS.to_string()
                        autocomplete="off"
                        placeholder=move || t_string!(i18n, devices.rename_placeholder)
                        aria-label=move || t_string!(i18n, devices.rename_label)
                    />
                    <button type="submit" class="sessions-button">{t!(i18n, devices.rename_save)}</button>
                </ActionForm>
            </details>
        }
    };
    let flag = country_code.as_deref().and_then(country_flag);
    let flag_now = device.last_seen_country_code.as_deref().and_then(country_flag);
    let activity = move || match age(clock, now, last_seen_at) {
        RelativeAge::Now => Either::Left(t!(i18n, devices.active_now)),
        RelativeAge::Minutes(n) => {
            Either::Right(Either::Left(t!(i18n, devices.active_minutes, count = move || n)))
        }
        RelativeAge::Hours(n) => Either::Right(Either::Right(Either::Left(t!(
            i18n,
            devices.active_hours,
            count = move || n
        )))),
        RelativeAge::Days(1) => Either::Right(Either::Right(Either::Right(Either::Left(t!(
            i18n,
            devices.active_yesterday
        ))))),
        RelativeAge::Days(n) => Either::Right(Either::Right(Either::Right(Either::Right(t!(
            i18n,
            devices.active_days,
            count = move || n
        ))))),
    };
    let date = move || date_text(i18n, clock, now, signed_in_at);
    let seen_title = move || exact_time(i18n, clock, last_seen_at);
    let signed_in_title = move || exact_time(i18n, clock, signed_in_at);
    let via =
        move || labels.with_value(|l| via_label(i18n, auth_method.as_deref(), auth_provider.as_deref(), l));
    let row_handle = handle.clone();
    let revoke_form = (!current).then(|| {
        let label = name.clone();
        let confirm_label = name.clone();
        view! {
            <details class="sessions-confirm">
                <summary class="sessions-button">
                    <span aria-hidden="true">{t!(i18n, devices.log_out)}</span>
                    <span class="sessions-sr-only">
                        {t!(i18n, devices.log_out_device, name = move || label.clone())}
                    </span>
                </summary>
                <div class="sessions-confirm__panel">
                    <p class="sessions-confirm__text">
                        {t!(i18n, devices.confirm_log_out, name = move || confirm_label.clone())}
                    </p>
                    <ActionForm action=revoke attr:class="sessions-device__revoke">
                        <input type="hidden" name="handle" value=handle/>
                        <button type="submit" class="sessions-button sessions-button--danger">
                            {t!(i18n, devices.confirm)}
                        </button>
                    </ActionForm>
                </div>
            </details>
        }
    });

    view! {
        <li class="sessions-device" class:sessions-device--current=current data-handle=row_handle>
            <span class="sessions-device__icon">
                <DeviceIcon device_type/>
            </span>
            <div class="sessions-device__body">
                <div class="sessions-device__title">
                    <span class="sessions-device__name">{name}</span>
                    {what}
                    {current.then(|| view! {
                        <span class="sessions-badge sessions-badge--current">{t!(i18n, devices.this_device)}</span>
                    })}
                    {new_device.then(|| view! {
                        <span class="sessions-badge sessions-badge--new" title=move || t_string!(i18n, devices.new_device_hint)>
                            {t!(i18n, devices.new_device)}
                        </span>
                    })}
                </div>
                <div class="sessions-device__meta">
                    {match (seen_now, location) {
                        // Somewhere else now: "Madrid, Spain · was Barcelona, Spain at sign-in".
                        (Some(now_at), Some(location)) => Either::Left(view! {
                            <span class="sessions-device__location sessions-device__location--now" title=move || t_string!(i18n, devices.seen_now)>
                                {flag_now.map(|f| view! { <span class="sessions-flag" aria-hidden="true">{f}</span> " " })}
                                {now_at}
                            </span>
                            <span class="sessions-sep" aria-hidden="true">" · "</span>
                            <span class="sessions-device__location sessions-device__location--was" title=move || t_string!(i18n, devices.approximate)>
                                {t!(i18n, devices.was_at_sign_in, place = move || location.clone())}
                            </span>
                            <span class="sessions-sep" aria-hidden="true">" · "</span>
                        }),
                        (_, location) => Either::Right(location.map(|location| view! {
                            <span class="sessions-device__location" title=move || t_string!(i18n, devices.approximate)>
                                {flag.map(|f| view! { <span class="sessions-flag" aria-hidden="true">{f}</span> " " })}
                                {location}
                            </span>
                            <span class="sessions-sep" aria-hidden="true">" · "</span>
                        })),
                    }}
                    <time class="sessions-device__activity" datetime=iso_minute(last_seen_at) title=seen_title>
                        {activity}
                    </time>
                    <span class="sessions-sep" aria-hidden="true">" · "</span>
                    <span class="sessions-device__signed-in">
                        <time datetime=iso_minute(signed_in_at) title=signed_in_title>
                            {t!(i18n, devices.signed_in_on, date = date)}
                        </time>
                        {move || via().map(|via| view! {
                            " "
                            <span class="sessions-pill">{t!(i18n, devices.via, provider = move || via.clone())}</span>
                        })}
                        {second_factor.map(|factor| view! {
                            " "
                            <span class="sessions-pill sessions-pill--factor">{move || factor_label(i18n, &factor)}</span>
                        })}
                    </span>
                </div>
                {rename_form}
            </div>
            {revoke_form}
        </li>
    }
}
