//! `<Disavow/>`: the page a "This wasn't me" link opens.

use leptos::{either::Either, html, prelude::*};
use leptos_router::hooks::use_query_map;

use super::{
    common::{Clock, ErrorMessage},
    composables::{UseDisavowReturn, use_disavow},
    history::HistoryRow,
    locale::with_sessions_i18n,
};
use crate::{
    api::DisavowSignIn,
    i18n::*,
    types::{DisavowDetails, DisavowOutcome},
};

/// The page behind a "This wasn't me" link (the address a host hands to
/// [`NewDevice::disavow_url`](crate::server::NewDevice::disavow_url)): the
/// sign-in the link reports, and a form that signs it out — and, if the
/// person ticks the box, every session of the account. Opening it changes
/// nothing; it works signed out and with JavaScript off, and a used,
/// expired or altered link reads "This link is not valid any more".
///
/// Mount it on a route of its own, e.g.
/// `<Route path=path!("/sessions/disavow") view=Disavow/>`; it reads the
/// link's `token` from the URL's query unless given one. Keep the page's
/// referrer to yourself (`Referrer-Policy: no-referrer`): the address holds
/// the token until it is used.
#[component]
pub fn Disavow(
    /// The link's token; default: the `token` query parameter.
    #[prop(optional, into)]
    token: Option<Signal<String>>,
) -> impl IntoView {
    let token = token.unwrap_or_else(|| {
        let query = use_query_map();
        Signal::derive(move || {
            query
                .read()
                .get(crate::types::DISAVOW_TOKEN_PARAM)
                .unwrap_or_default()
        })
    });
    with_sessions_i18n(move || view! { <DisavowView token/> })
}

#[component]
fn DisavowView(token: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let UseDisavowReturn { details, confirm } = use_disavow(token);
    let status = NodeRef::<html::Div>::new();
    Effect::new(move |first: Option<()>| {
        if first.is_some()
            && confirm.value().with(Option::is_some)
            && let Some(el) = status.get()
        {
            let _ = el.focus();
        }
    });
    let confirmed = move || confirm.value().with(|v| matches!(v, Some(Ok(_))));

    view! {
        <section class="sessions-disavow" aria-labelledby="sessions-disavow-title">
            <h2 id="sessions-disavow-title" class="sessions-title">{t!(i18n, disavow.title)}</h2>
            <div class="sessions-status" role="status" aria-live="polite" tabindex="-1" node_ref=status>
                {move || confirm.value().get().map(|result| match result {
                    Ok(outcome) => Either::Left(view! { <DoneView outcome/> }),
                    Err(err) => Either::Right(view! { <ErrorMessage err/> }),
                })}
            </div>
            <Show when=move || !confirmed()>
                <Transition fallback=move || {
                    view! { <p class="sessions-loading" aria-busy="true">{t!(i18n, disavow.loading)}</p> }
                }>
                    {move || Suspend::new(async move {
                        match details.await {
                            // After a confirmation made without JavaScript.
                            Ok(DisavowDetails { done: Some(outcome), .. }) => Either::Left(Either::Left(view! {
                                <div class="sessions-after-redirect" role="status"><DoneView outcome/></div>
                            })),
                            Ok(details) => Either::Left(Either::Right(view! {
                                <PendingView details token confirm/>
                            })),
                            Err(err) => Either::Right(view! { <ErrorMessage err/> }),
                        }
                    })}
                </Transition>
            </Show>
        </section>
    }
}

/// The sign-in, and the confirmation form.
#[component]
fn PendingView(
    details: DisavowDetails,
    token: Signal<String>,
    confirm: ServerAction<DisavowSignIn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let DisavowDetails {
        now,
        sign_in,
        method_labels,
        zone,
        ..
    } = details;
    let clock = Clock::new(zone);
    let labels = StoredValue::new(method_labels);
    let sign_in = match sign_in {
        Some(entry) => Either::Left(view! {
            <ol class="sessions-event-list sessions-disavow__sign-in">
                <HistoryRow entry now clock labels/>
            </ol>
        }),
        None => Either::Right(view! { <p class="sessions-empty">{t!(i18n, disavow.details_gone)}</p> }),
    };
    view! {
        <p class="sessions-subtitle">{t!(i18n, disavow.intro)}</p>
        {sign_in}
        <ActionForm action=confirm attr:class="sessions-disavow__form">
            <input type="hidden" name="token" value=move || token.get()/>
            <label class="sessions-disavow__everywhere">
                <input type="checkbox" name="everywhere" value="on" aria-describedby="sessions-disavow-hint"/>
                " "
                {t!(i18n, disavow.everywhere)}
            </label>
            <span id="sessions-disavow-hint" class="sessions-hint">{t!(i18n, disavow.everywhere_hint)}</span>
            <button type="submit" class="sessions-button sessions-button--danger">{t!(i18n, disavow.confirm)}</button>
        </ActionForm>
    }
}

/// What the confirmation did, and what to do next.
#[component]
fn DoneView(outcome: DisavowOutcome) -> impl IntoView {
    let i18n = use_i18n();
    let DisavowOutcome { everywhere, ended } = outcome;
    let what = match (everywhere, ended) {
        (true, count) => Either::Left(t!(i18n, disavow.done_everywhere, count = move || count)),
        (false, 0) => Either::Right(Either::Left(t!(i18n, disavow.already_ended))),
        (false, _) => Either::Right(Either::Right(t!(i18n, disavow.done))),
    };
    view! {
        <div class="sessions-disavow__done">
            <p class="sessions-notice">{what}</p>
            <p class="sessions-disavow__next">{t!(i18n, disavow.next_step)}</p>
        </div>
    }
}
