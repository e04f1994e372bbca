//! `<LastUsedBadge/>`: "Last used" next to the sign-in method this browser
//! used last time.

use leptos::prelude::*;

use super::{
    composables::{UseLastLoginReturn, use_last_login},
    locale::with_sessions_i18n,
};
use crate::{i18n::*, types::AuthMethod};

/// Renders a "Last used" badge when this browser's last sign-in used
/// `method` (and `provider`, when given); renders nothing otherwise. For the
/// signed-out sign-in page: it reads the signed browser-continuity cookie on
/// the server, so the badge is in the HTML without JavaScript (on a route
/// with `SsrMode::Async`).
///
/// Several badges on one page share one lookup when the page provides
/// [`super::use_last_login`]'s return value as context.
///
/// ```
/// use leptos::prelude::*;
/// use leptos_sessions::{components::LastUsedBadge, types::AuthMethod};
///
/// #[component]
/// fn ContinueWithGoogle() -> impl IntoView {
///     view! {
///         <button>"Continue with Google" <LastUsedBadge method=AuthMethod::Oauth provider="google"/></button>
///     }
/// }
/// ```
#[component]
pub fn LastUsedBadge(
    /// The sign-in method this badge stands next to.
    #[prop(into)]
    method: AuthMethod,
    /// The provider for `oauth`/`sso` methods; any provider matches when
    /// omitted.
    #[prop(optional, into)]
    provider: Option<String>,
) -> impl IntoView {
    with_sessions_i18n(move || view! { <LastUsedView method provider/> })
}

#[component]
fn LastUsedView(method: AuthMethod, provider: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let UseLastLoginReturn { last_login } =
        use_context::<UseLastLoginReturn>().unwrap_or_else(use_last_login);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let provider = provider.clone();
                Suspend::new(async move {
                    let used = matches!(
                        last_login.await,
                        Ok(Some(last)) if last.matches(method.as_str(), provider.as_deref())
                    );
                    used.then(|| view! {
                        <span
                            class="sessions-badge sessions-badge--last-used"
                            title=move || t_string!(i18n, last_used.hint)
                        >
                            {t!(i18n, last_used.badge)}
                        </span>
                    })
                })
            }}
        </Suspense>
    }
}
