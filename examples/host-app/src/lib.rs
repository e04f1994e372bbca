//! "Acme CRM": a host app with its own layout, its own (trivial) sign-in and
//! its own settings page, embedding `<Devices/>` and `<History/>` from
//! leptos-sessions. Lines marked `[leptos-sessions]` are the whole
//! integration; everything else is the host's own code.

// Release builds (without cargo-leptos' `--cfg erase_components`) nest the
// whole page's view types; the default limit of 128 is too low for them.
#![recursion_limit = "256"]
#![forbid(unsafe_code)]

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    hooks::use_query_map,
    path,
};
use leptos_sessions::components::{Devices, History, provide_sessions_actions}; // [leptos-sessions]

/// The host's own look. The library's `sessions.css` is this project's
/// cargo-leptos `style-file`, served as `/pkg/<output-name>.css`.
const HOST_CSS: &str = include_str!("../style/host.css");

/// The HTML document.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <link rel="stylesheet" href="/pkg/leptos-sessions-demo.css"/> // [leptos-sessions] sessions-* styles
                <style>{HOST_CSS}</style>
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

/// The host app.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Acme CRM"/>
        <leptos_sessions::i18n::I18nContextProvider> // [leptos-sessions] translations (Accept-Language)
            <Router>
                <div class="crm">
                    <nav class="crm-nav" aria-label="Main">
                        <span class="crm-logo">"Acme CRM"</span>
                        <a href="/">"Dashboard"</a>
                        <a href="/account/security">"Security"</a>
                    </nav>
                    <main class="crm-main">
                        <Routes fallback=|| "Not found.">
                            <Route path=path!("/") view=Dashboard/>
                            <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                            // Rendered whole on the server: every form works without JavaScript.
                            <Route path=path!("/account/security") view=SecurityPage ssr=SsrMode::Async/>
                        </Routes>
                    </main>
                </div>
            </Router>
        </leptos_sessions::i18n::I18nContextProvider>
    }
}

#[component]
fn Dashboard() -> impl IntoView {
    view! {
        <h1>"Dashboard"</h1>
        <p>"Welcome to Acme CRM. Your account's devices are under "<a href="/account/security">"Security"</a>"."</p>
    }
}

#[component]
fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    view! {
        <h1>"Log in to Acme CRM"</h1>
        {move || query.read().get("error").map(|_| view! { <p class="crm-error" role="alert">"Unknown user or wrong password."</p> })}
        <form method="post" action="/session/login" class="crm-form">
            <label for="user">"User name"</label>
            <input id="user" name="user" autocomplete="username" required/>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required/>
            <button type="submit">"Log in"</button>
        </form>
        <p class="crm-hint">"Any user name works; the password is " <code>"password"</code> "."</p>
    }
}

/// The host's own settings page, with the library's pieces inside.
#[component]
fn SecurityPage() -> impl IntoView {
    provide_sessions_actions(); // [leptos-sessions] History refreshes after a revoke
    view! {
        <h1>"Security"</h1>
        <section class="crm-card">
            <h2>"Your account"</h2>
            <form method="post" action="/session/logout"><button type="submit">"Log out"</button></form>
        </section>
        <section class="crm-card">
            <Devices/> // [leptos-sessions]
        </section>
        <section class="crm-card">
            <History limit=5/> // [leptos-sessions]
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
