//! "Notebook": an app whose sign-in is axum-login 0.18, with leptos-sessions
//! as its session store and `<SessionsPage/>` on its settings page. How the
//! two fit is told in README.md (leptos-sessions' `axum-login` feature).

// Release builds (without cargo-leptos' `--cfg erase_components`) nest the
// whole page's view types; the default limit of 128 is too low for them.
#![recursion_limit = "256"]
#![forbid(unsafe_code)]

#[cfg(feature = "ssr")]
pub mod auth;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    hooks::use_query_map,
    path,
};
use leptos_sessions::components::SessionsPage;

/// The app's own look. The library's `sessions.css` is this project's
/// cargo-leptos `style-file`, served as `/pkg/<output-name>.css`.
const APP_CSS: &str = include_str!("../style/app.css");

/// The HTML document.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <link rel="stylesheet" href="/pkg/leptos-sessions-demo.css"/>
                <style>{APP_CSS}</style>
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

/// The signed-in user's e-mail, as axum-login knows it.
///
/// # Errors
/// When axum-login's layer is missing.
#[server(endpoint = "account")]
pub async fn account_email() -> Result<Option<String>, ServerFnError> {
    let auth: auth::AuthSession = leptos_axum::extract().await?;
    Ok(auth.user.map(|user| user.email))
}

/// The app.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Notebook"/>
        <leptos_sessions::i18n::I18nContextProvider>
            <Router>
                <header class="nb-header">
                    <a class="nb-logo" href="/">"Notebook"</a>
                    <nav aria-label="Main">
                        <a href="/settings">"Settings"</a>
                    </nav>
                </header>
                <main class="nb-main">
                    <Routes fallback=|| "Not found.">
                        <Route path=path!("/") view=Home/>
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                        // Rendered whole on the server: every form works without JavaScript.
                        <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
            </Router>
        </leptos_sessions::i18n::I18nContextProvider>
    }
}

#[component]
fn Home() -> impl IntoView {
    view! {
        <h1>"Notebook"</h1>
        <p>"Sign-in by axum-login; devices and login history by leptos-sessions. See "<a href="/settings">"Settings"</a>"."</p>
    }
}

#[component]
fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    view! {
        <h1>"Sign in to Notebook"</h1>
        {move || query.read().get("error").map(|_| view! { <p class="nb-error" role="alert">"Wrong e-mail or password."</p> })}
        <form method="post" action="/auth/login" class="nb-form">
            <label for="email">"E-mail"</label>
            <input id="email" name="email" type="email" autocomplete="username" required/>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required/>
            <button type="submit">"Sign in"</button>
        </form>
        <p class="nb-hint">"Try " <code>"ada@example.com"</code> " / " <code>"lovelace-1815"</code> "."</p>
    }
}

/// The status line after a password change (`?password=…&ended=n`).
fn password_status(password: Option<String>, ended: Option<String>) -> Option<String> {
    match password.as_deref()? {
        "changed" => Some(match ended.as_deref() {
            Some("1") => "Password changed. 1 other session was signed out.".to_owned(),
            Some(n) => format!("Password changed. {n} other sessions were signed out."),
            None => "Password changed.".to_owned(),
        }),
        "wrong" => Some("Your current password was not right; nothing changed.".to_owned()),
        _ => None,
    }
}

/// Settings: the account (axum-login), the password, and the library's page.
#[component]
fn SettingsPage() -> impl IntoView {
    let query = use_query_map();
    let email = Resource::new_blocking(|| (), |()| account_email());
    let status = move || {
        let q = query.read();
        password_status(q.get("password"), q.get("ended"))
    };
    view! {
        <h1>"Settings"</h1>
        {move || status().map(|s| view! { <p class="nb-status" role="status">{s}</p> })}
        <section class="nb-card">
            <h2>"Account"</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    let email = email.await.ok().flatten().unwrap_or_default();
                    view! { <p>"Signed in as " <strong class="nb-email">{email}</strong></p> }
                })}
            </Suspense>
            <div class="nb-row">
                <form method="post" action="/auth/logout"><button type="submit">"Sign out"</button></form>
                // axum-login's own idiom alone (`AuthSession::logout`): the
                // library records the sign-out all the same.
                <form method="post" action="/auth/logout-axum-login"><button type="submit" class="nb-secondary">"Sign out (AuthSession::logout only)"</button></form>
            </div>
        </section>
        <section class="nb-card">
            <h2>"Change password"</h2>
            <form method="post" action="/auth/password" class="nb-form">
                <label for="current_password">"Current password"</label>
                <input id="current_password" name="current_password" type="password" autocomplete="current-password" required/>
                <label for="new_password">"New password"</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="8" required/>
                <button type="submit">"Change password"</button>
            </form>
            <p class="nb-hint">"Signs out every other session."</p>
        </section>
        <section class="nb-card">
            <SessionsPage/>
        </section>
    }
}

/// Hydrates the app in the browser.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
