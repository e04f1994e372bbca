//! The demo's Leptos app (shared by the server render and the wasm hydrate).

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    hooks::use_query_map,
    path,
};
use leptos_sessions::{components::SessionsPage, i18n::*};
use serde::{Deserialize, Serialize};

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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

/// The demo app: sign-in page and settings page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/leptos-sessions-demo.css"/>
        <Stylesheet id="demo" href="/demo.css"/>
        <Title text="leptos-sessions demo"/>
        <I18nContextProvider>
            <Router>
                <Routes fallback=|| view! { <main class="demo-main"><p>"Page not found."</p></main> }>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async/>
                </Routes>
            </Router>
        </I18nContextProvider>
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
        .map_err(|e| ServerFnError::new(e.to_string()))?
        .map(|u| Me {
            name: u.name,
            email: u.email,
        }))
}

#[component]
fn Header() -> impl IntoView {
    let me = Resource::new(|| (), |()| whoami());
    view! {
        <header class="demo-header">
            <a class="demo-brand" href="/">
                <span class="demo-logo" aria-hidden="true">"◆"</span>
                " Acme Notes"
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|me| view! {
                        <div class="demo-user">
                            <span class="demo-user__name">{me.name}</span>
                            <span class="demo-user__email">{me.email}</span>
                            <form method="post" action="/auth/sign-out" class="demo-inline-form">
                                <button type="submit" class="sessions-button">"Sign out"</button>
                            </form>
                        </div>
                    })
                })}
            </Suspense>
        </header>
    }
}

#[component]
fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let failed = move || query.read().get("error").is_some();
    view! {
        <Header/>
        <main class="demo-main demo-main--narrow">
            <h1 class="demo-h1">"Sign in"</h1>
            {move || failed().then(|| view! {
                <p class="sessions-error" role="alert">"Wrong email or password."</p>
            })}
            <form method="post" action="/auth/sign-in" class="demo-form">
                <label class="demo-label" for="email">"Email"</label>
                <input class="demo-input" id="email" name="email" type="email" autocomplete="username" required/>
                <label class="demo-label" for="password">"Password"</label>
                <input class="demo-input" id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="sessions-button sessions-button--primary">"Sign in"</button>
            </form>
            <p class="demo-hint">"Demo accounts: ada@example.com / lovelace-1815 · grace@example.com / hopper-1906"</p>
        </main>
    }
}

#[component]
fn SettingsPage() -> impl IntoView {
    view! {
        <Header/>
        <main class="demo-main">
            <h1 class="demo-h1">"Settings"</h1>
            <SessionsPage/>
        </main>
    }
}
