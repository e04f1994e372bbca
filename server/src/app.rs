//! The demo's Leptos app (shared by the server render and the wasm hydrate).

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    hooks::{use_location, use_query_map},
    path,
};
use leptos_sessions::{
    components::{Disavow, LastUsedBadge, SessionsPage, use_last_login},
    types::AuthMethod,
};
use serde::{Deserialize, Serialize};

use crate::i18n::*;

/// The accounts the stand-in OAuth provider offers: `(email, name)`.
pub const OAUTH_ACCOUNTS: &[(&str, &str)] = &[
    ("ada@example.com", "Ada Lovelace"),
    ("grace@example.com", "Grace Hopper"),
    ("alan@example.com", "Alan Turing"),
];

/// The HTML document around the app. On the server it also sets the page's
/// `Content-Security-Policy`: scripts only from this origin or carrying this
/// render's nonce (Leptos puts it on the hydration and streaming scripts),
/// WebAssembly allowed to compile, no framing.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M8 1l7 7-7 7-7-7z' fill='%231f883d'/%3E%3C/svg%3E"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn set_content_security_policy(options: &LeptosOptions) {
    use axum::http::{HeaderValue, header};
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    // `cargo leptos watch` reloads through a websocket on its own port.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port)
    } else {
        String::new()
    };
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{reload}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The demo app: sign-in page, the stand-in OAuth provider, settings.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run in the browser only, once the app hydrated: the marker the
    // end-to-end tests wait for (a page without working wasm never gets it).
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    // Two translation sets, one choice: both providers read the same cookie
    // (`i18n_pref_locale`) and `Accept-Language`; the library's sets <html lang>.
    view! {
        <Stylesheet id="leptos" href="/pkg/leptos-sessions-demo.css"/>
        <Stylesheet id="demo" href="/demo.css"/>
        <Title text="leptos-sessions demo"/>
        <leptos_sessions::i18n::I18nContextProvider>
            <I18nContextProvider set_lang_attr_on_html=false set_dir_attr_on_html=false>
                <Router>
                    <Routes fallback=NotFound>
                        <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                        <Route path=path!("/oauth/demo") view=OAuthPage ssr=SsrMode::Async/>
                        <Route path=path!("/auth/magic/:token") view=MagicLinkPage ssr=SsrMode::Async/>
                        <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/sessions/disavow") view=DisavowPage ssr=SsrMode::Async/>
                    </Routes>
                </Router>
            </I18nContextProvider>
        </leptos_sessions::i18n::I18nContextProvider>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Header/>
        <main class="demo-main"><p>{t!(i18n, not_found)}</p></main>
    }
}

/// Who is signed in, for the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// The signed-in demo user, if any.
///
/// # Errors
/// A server error if the users table cannot be read.
#[server(endpoint = "demo/me")]
pub async fn whoami() -> Result<Option<Me>, ServerFnError> {
    use crate::host::users;
    let current: leptos_sessions::server::CurrentSession = leptos_axum::extract().await?;
    let Some(user_id) = current.user_id() else {
        return Ok(None);
    };
    let db = current.sessions().db();
    Ok(users::find_by_id(db, &user_id)
        .await
        .map_err(|e| {
            // The cause goes to the log, never to the browser.
            tracing::error!(error = %e, "demo whoami: reading the user failed");
            ServerFnError::new("unavailable")
        })?
        .map(|u| Me {
            name: u.name,
            email: u.email,
        }))
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |()| whoami());
    view! {
        <header class="demo-header">
            <a class="demo-brand" href="/" rel="external">
                <span class="demo-logo" aria-hidden="true">"◆"</span>
                " "
                {t!(i18n, nav.brand)}
            </a>
            <div class="demo-header__end">
                <LanguageSwitch/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        me.await.ok().flatten().map(|me| view! {
                            <div class="demo-user">
                                <span class="demo-user__name">{me.name}</span>
                                <span class="demo-user__email">{me.email}</span>
                                <form method="post" action="/auth/sign-out" class="demo-inline-form">
                                    <button type="submit" class="sessions-button">{t!(i18n, nav.sign_out)}</button>
                                </form>
                            </div>
                        })
                    })}
                </Suspense>
            </div>
        </header>
    }
}

/// English / Español: a plain form, so it works without JavaScript too.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        }
    };
    let pressed = move |locale: Locale| move || (i18n.get_locale() == locale).to_string();
    view! {
        <form method="post" action="/locale" class="demo-lang" aria-label=move || t_string!(i18n, nav.language)>
            <input type="hidden" name="back" value=back/>
            {[
                (Locale::en, "en", "English"),
                (Locale::es, "es", "Español"),
                (Locale::fr, "fr", "Français"),
                (Locale::de, "de", "Deutsch"),
            ]
                .into_iter()
                .map(|(locale, tag, name)| view! {
                    <button type="submit" name="locale" value=tag lang=tag class="demo-lang__option" aria-pressed=pressed(locale)>
                        {name}
                    </button>
                })
                .collect_view()}
        </form>
    }
}

#[component]
fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // One "how did this browser sign in last time" lookup for all badges.
    provide_context(use_last_login());
    let error = move || {
        query.read().get("error").map(|e| match e.as_str() {
            "link" => t_string!(i18n, sign_in.error_link),
            "oauth" => t_string!(i18n, sign_in.error_oauth),
            _ => t_string!(i18n, sign_in.error_invalid),
        })
    };
    let magic = move || query.read().get("magic");
    view! {
        <Header/>
        <main class="demo-main demo-main--narrow">
            <h1 class="demo-h1">{t!(i18n, sign_in.title)}</h1>
            {move || error().map(|e| view! { <p class="sessions-error" role="alert">{e}</p> })}
            {move || magic().map(|token| if token.is_empty() {
                view! { <p class="sessions-notice" role="status">{t!(i18n, sign_in.magic_unknown)}</p> }.into_any()
            } else {
                view! {
                    <div class="sessions-notice demo-magic" role="status">
                        <p>{t!(i18n, sign_in.magic_sent)}</p>
                        <a href=format!("/auth/magic/{token}") rel="external" class="demo-magic__link">
                            {t!(i18n, sign_in.magic_open)}
                        </a>
                    </div>
                }.into_any()
            })}

            <section class="demo-method" aria-labelledby="method-password">
                <h2 id="method-password" class="demo-h2">
                    {t!(i18n, sign_in.password_title)}
                    <LastUsedBadge method=AuthMethod::Password/>
                </h2>
                <form method="post" action="/auth/sign-in" class="demo-form">
                    <label class="demo-label" for="email">{t!(i18n, sign_in.email)}</label>
                    <input class="demo-input" id="email" name="email" type="email" autocomplete="username" required/>
                    <label class="demo-label" for="password">{t!(i18n, sign_in.password)}</label>
                    <input class="demo-input" id="password" name="password" type="password" autocomplete="current-password" required/>
                    <button type="submit" class="sessions-button sessions-button--primary">{t!(i18n, sign_in.submit)}</button>
                </form>
            </section>

            <p class="demo-or"><span>{t!(i18n, sign_in.or)}</span></p>

            <section class="demo-method" aria-labelledby="method-magic">
                <h2 id="method-magic" class="demo-h2">
                    {t!(i18n, sign_in.magic_title)}
                    <LastUsedBadge method=AuthMethod::MagicLink/>
                </h2>
                <form method="post" action="/auth/magic-link" class="demo-form">
                    <label class="demo-label" for="magic-email">{t!(i18n, sign_in.email)}</label>
                    <input class="demo-input" id="magic-email" name="email" type="email" autocomplete="username" required/>
                    <button type="submit" class="sessions-button">{t!(i18n, sign_in.magic_submit)}</button>
                </form>
            </section>

            <p class="demo-or"><span>{t!(i18n, sign_in.or)}</span></p>

            <section class="demo-method" aria-labelledby="method-oauth">
                <h2 id="method-oauth" class="demo-h2">
                    {t!(i18n, sign_in.oauth_title)}
                    <LastUsedBadge method=AuthMethod::Oauth provider="demo"/>
                </h2>
                <form method="post" action="/oauth/demo/start" class="demo-inline-form">
                    <button type="submit" class="sessions-button demo-oauth-button">{t!(i18n, sign_in.oauth_submit)}</button>
                </form>
                <p class="demo-hint">{t!(i18n, sign_in.oauth_note)}</p>
            </section>

            <p class="demo-hint">{t!(i18n, sign_in.accounts)}</p>
        </main>
    }
}

/// The magic-link server function, in a module of its own: `#[server]`
/// generates an argument struct whose field takes no doc comment.
#[allow(missing_docs, reason = "the #[server] macro's argument struct")]
mod magic_api {
    use leptos::prelude::*;

    /// The email a pending magic link signs in (`None`: unknown, used or
    /// expired). Reads only; the link is used up by `POST /auth/magic`.
    ///
    /// # Errors
    /// A server error without the layer's context.
    #[server(endpoint = "demo/magic-link")]
    pub async fn magic_link_email(token: String) -> Result<Option<String>, ServerFnError> {
        let axum::Extension(links): axum::Extension<crate::host::auth::MagicLinks> =
            leptos_axum::extract().await?;
        Ok(links.email_of(&token))
    }
}
pub use magic_api::{MagicLinkEmail, magic_link_email};

/// `GET /auth/magic/{token}`: the link from the "email" shows who it signs
/// in and a button that posts it — a GET never signs in (link prefetchers,
/// and an attacker's link for their own account).
#[component]
fn MagicLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let email = Resource::new(token, magic_link_email);
    view! {
        <Header/>
        <main class="demo-main demo-main--narrow">
            <h1 class="demo-h1">{t!(i18n, magic.title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match email.await.ok().flatten() {
                        Some(email) => view! {
                            <p>{t!(i18n, magic.prompt, email = move || email.clone())}</p>
                            <form method="post" action="/auth/magic" class="demo-form">
                                <input type="hidden" name="token" value=token/>
                                <button type="submit" class="sessions-button sessions-button--primary">
                                    {t!(i18n, magic.submit)}
                                </button>
                            </form>
                            <p class="demo-hint"><a href="/sign-in">{t!(i18n, magic.not_you)}</a></p>
                        }.into_any(),
                        None => view! {
                            <p class="sessions-error" role="alert">{t!(i18n, sign_in.error_link)}</p>
                            <p><a href="/sign-in">{t!(i18n, magic.back)}</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The stand-in OAuth provider's consent page. The `state` the demo sent
/// goes back with the answer, as a real provider's would.
#[component]
fn OAuthPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let state = move || query.read().get("state").unwrap_or_default();
    view! {
        <main class="demo-main demo-main--narrow demo-provider">
            <p class="demo-provider__banner" role="note">{t!(i18n, oauth.stand_in)}</p>
            <h1 class="demo-h1">{t!(i18n, oauth.title)}</h1>
            <p>{t!(i18n, oauth.prompt)}</p>
            <form method="post" action="/oauth/demo/callback" class="demo-form">
                <input type="hidden" name="state" value=state/>
                {OAUTH_ACCOUNTS
                    .iter()
                    .map(|(email, name)| view! {
                        <button type="submit" name="email" value=*email class="sessions-button demo-account">
                            {t!(i18n, oauth.continue_as, name = move || *name)}
                            <span class="demo-account__email">{*email}</span>
                        </button>
                    })
                    .collect_view()}
                <button type="submit" name="deny" value="1" class="sessions-button" formnovalidate=true>
                    {t!(i18n, oauth.deny)}
                </button>
            </form>
            <form method="post" action="/oauth/demo/callback" class="demo-form">
                <input type="hidden" name="state" value=state/>
                <label for="oauth-email">{t!(i18n, oauth.other)}</label>
                <input id="oauth-email" name="email" type="email" autocomplete="email" required=true/>
                <button type="submit" class="sessions-button">{t!(i18n, oauth.continue_other)}</button>
            </form>
        </main>
    }
}

/// `GET /sessions/disavow?token=…`: the "This wasn't me" link from the
/// "New sign-in" e-mail; works signed out.
#[component]
fn DisavowPage() -> impl IntoView {
    view! {
        <Header/>
        <main class="demo-main">
            <Disavow/>
        </main>
    }
}

/// One "New sign-in" e-mail in the demo's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// "Firefox 139 on Windows · Madrid, Spain".
    pub source_line: String,
    /// The "This wasn't me" link.
    pub disavow_url: Option<String>,
}

/// The signed-in user's newest "New sign-in" e-mails (the demo sends none;
/// it keeps them here).
///
/// # Errors
/// A server error when signed out or the table cannot be read.
#[server(endpoint = "demo/inbox")]
pub async fn demo_inbox() -> Result<Vec<Mail>, ServerFnError> {
    let current: leptos_sessions::server::CurrentSession = leptos_axum::extract().await?;
    // Signed out: nobody's mail (never an error page).
    let Some(user_id) = current.user_id() else {
        return Ok(Vec::new());
    };
    let mail = crate::host::mail::inbox(current.sessions().db(), &user_id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "demo inbox: reading the mail failed");
            ServerFnError::new("unavailable")
        })?;
    Ok(mail
        .into_iter()
        .map(|m| Mail {
            source_line: m.source_line,
            disavow_url: m.disavow_url,
        })
        .collect())
}

/// The demo's stand-in for the user's mailbox.
#[component]
fn Inbox() -> impl IntoView {
    let i18n = use_i18n();
    let mail = Resource::new(|| (), |()| demo_inbox());
    view! {
        <section id="inbox" class="demo-section" aria-labelledby="inbox-title">
            <h2 id="inbox-title" class="sessions-title">{t!(i18n, settings.inbox_title)}</h2>
            <p class="sessions-subtitle">{t!(i18n, settings.inbox_hint)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match mail.await {
                        Ok(mail) if !mail.is_empty() => view! {
                            <ul class="demo-inbox">
                                {mail.into_iter().map(|m| view! {
                                    <li class="demo-mail">
                                        <strong>{t!(i18n, settings.mail_subject)}</strong>
                                        <span class="demo-mail__line">{m.source_line}</span>
                                        {m.disavow_url.map(|url| view! {
                                            <a class="demo-mail__disavow" href=url rel="external">
                                                {t!(i18n, settings.wasnt_me)}
                                            </a>
                                        })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        _ => view! { <p class="sessions-empty">{t!(i18n, settings.inbox_empty)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Whether the locations come from DB-IP's lite database, whose licence
/// (CC BY 4.0) asks for a link on the pages that show them.
///
/// # Errors
/// Never; a server function's signature.
#[server(endpoint = "demo/geo-credit")]
pub async fn geo_credit() -> Result<bool, ServerFnError> {
    Ok(crate::host::uses_dbip())
}

/// "IP Geolocation by DB-IP", under the lists, when that database is loaded.
#[component]
fn GeoCredit() -> impl IntoView {
    let credit = Resource::new(|| (), |()| geo_credit());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                credit.await.unwrap_or(false).then(|| view! {
                    <p class="demo-credit"><a href="https://db-ip.com">"IP Geolocation by DB-IP"</a></p>
                })
            })}
        </Suspense>
    }
}

#[component]
fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        match q.get("password").as_deref() {
            Some("changed") => {
                let ended: u64 = q.get("ended").and_then(|n| n.parse().ok()).unwrap_or(0);
                Some(view! {
                    <p class="sessions-notice" role="status">{t!(i18n, settings.changed, count = move || ended)}</p>
                }.into_any())
            }
            Some("wrong") => Some(
                view! { <p class="sessions-error" role="alert">{t!(i18n, settings.wrong)}</p> }.into_any(),
            ),
            Some("short") => Some(
                view! { <p class="sessions-error" role="alert">{t!(i18n, settings.too_short)}</p> }
                    .into_any(),
            ),
            _ => None,
        }
    };
    view! {
        <Header/>
        <main class="demo-main">
            <h1 class="demo-h1">{t!(i18n, settings.title)}</h1>
            <SessionsPage/>
            <GeoCredit/>
            <Inbox/>
            <section id="password" class="demo-section" aria-labelledby="password-title">
                <h2 id="password-title" class="sessions-title">{t!(i18n, settings.password_title)}</h2>
                <p class="sessions-subtitle">{t!(i18n, settings.password_hint)}</p>
                {notice}
                <form method="post" action="/auth/password" class="demo-form demo-form--inline">
                    <label class="demo-label" for="current-password">{t!(i18n, settings.current)}</label>
                    <input class="demo-input" id="current-password" name="current_password" type="password" autocomplete="current-password" required/>
                    <label class="demo-label" for="new-password">{t!(i18n, settings.new)}</label>
                    <input class="demo-input" id="new-password" name="new_password" type="password" autocomplete="new-password" minlength="8" required/>
                    <button type="submit" class="sessions-button">{t!(i18n, settings.submit)}</button>
                </form>
            </section>
        </main>
    }
}
