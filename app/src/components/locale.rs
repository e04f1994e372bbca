//! Which language the components speak, with or without the library's own
//! [`I18nContextProvider`](crate::i18n::I18nContextProvider).
//!
//! Every public component renders its markup through [`with_sessions_i18n`]:
//!
//! 1. Below the library's own `I18nContextProvider` (or any context of the
//!    library's `Locale`), it uses that context, exactly as before.
//! 2. Otherwise it opens a *sub-context* of its own — one that never touches
//!    `<html lang>` and never writes a cookie, so the host's provider stays
//!    the only one that does — whose locale is
//!    * the host's current locale given to [`provide_sessions_locale`]
//!      (followed reactively when the host switches language), else
//!    * the request's: the host's leptos_i18n cookie (`i18n_pref_locale`),
//!      else `Accept-Language`, on the server; on the client the server's
//!      choice is carried over for hydration (so both render the same text),
//!      and `<html lang>` is read for components created after hydration.
//!
//! A locale the library lacks (say the host's `fr`) falls back to English.

use leptos::{either::Either, prelude::*};
use leptos_i18n::{I18nContext, Locale as _};

use crate::i18n::{I18nSubContextProvider, Locale};

/// The cookie in which leptos_i18n's `I18nContextProvider` keeps the chosen
/// locale (its default name).
#[cfg(any(feature = "ssr", test))]
const HOST_LOCALE_COOKIE: &str = "i18n_pref_locale";

/// Accept-Language entries looked at (the header is untrusted input).
#[cfg(any(feature = "ssr", test))]
const MAX_ACCEPT_LANGUAGES: usize = 16;

/// The host's current locale, as the components should follow it when the
/// host runs leptos_i18n with its own locales and provider. Created by
/// [`provide_sessions_locale`].
#[derive(Debug, Clone, Copy)]
pub struct SessionsLocale(Signal<Locale>);

impl SessionsLocale {
    /// Follows `host_locale` (a BCP 47 tag such as `"es-MX"`, or the host's
    /// own leptos_i18n locale, which is `AsRef<str>`), mapped with
    /// [`sessions_locale`] to a locale the library has.
    pub fn new<T: AsRef<str>>(host_locale: impl Fn() -> T + Send + Sync + 'static) -> Self {
        Self(Signal::derive(move || sessions_locale(host_locale().as_ref())))
    }

    /// The library locale the components use now (tracked).
    pub fn get(&self) -> Locale {
        self.0.get()
    }

    /// The signal behind it.
    pub fn signal(&self) -> Signal<Locale> {
        self.0
    }
}

/// Tells the components below which locale the host is in — for a host that
/// runs leptos_i18n with its *own* locales and `I18nContextProvider`, and so
/// does not wrap the components in the library's provider. One line, below
/// the host's provider:
///
/// ```
/// use leptos::prelude::*;
/// use leptos_sessions::components::{SessionsPage, provide_sessions_locale};
///
/// # mod host_i18n { pub use leptos_sessions::i18n::*; } // stands in for the host's own `i18n` module
/// #[component]
/// fn Settings() -> impl IntoView {
///     let i18n = host_i18n::use_i18n(); // the host's own context
///     provide_sessions_locale(move || i18n.get_locale()); // es-MX → Spanish, fr → English
///     view! { <SessionsPage/> }
/// }
/// ```
///
/// The components then render in the host's language (English when the
/// library lacks it), follow it when the host switches, and leave
/// `<html lang>` and the locale cookie to the host.
pub fn provide_sessions_locale<T: AsRef<str>>(
    host_locale: impl Fn() -> T + Send + Sync + 'static,
) -> SessionsLocale {
    let locale = SessionsLocale::new(host_locale);
    provide_context(locale);
    locale
}

/// The library locale for a BCP 47 tag: the best match by language
/// (`"es-MX"` → Spanish, `"EN_gb"` → English), English for anything the
/// library lacks or cannot read (`"ja"`, `""`). Never panics.
///
/// ```
/// use leptos_sessions::{components::sessions_locale, i18n::Locale};
///
/// assert_eq!(sessions_locale("es-MX"), Locale::es);
/// assert_eq!(sessions_locale("ja"), Locale::en);
/// assert_eq!(sessions_locale("fr-CA"), Locale::fr);
/// ```
pub fn sessions_locale(tag: &str) -> Locale {
    let tag = tag.trim().replace('_', "-");
    Locale::find_locale(&[tag])
}

/// Renders `children` in the locale described in the module docs: the
/// library's context when there is one, else a sub-context (no `<html lang>`,
/// no cookie) on the host's [`SessionsLocale`] or the request's locale.
pub(crate) fn with_sessions_i18n<V>(children: impl FnOnce() -> V + Send + 'static) -> impl IntoView
where
    V: IntoView + 'static,
{
    if use_context::<I18nContext<Locale>>().is_some() {
        return Either::Left(children());
    }
    let locale = match use_context::<SessionsLocale>() {
        Some(host) => host.signal(),
        // Resolved once on the server and carried to the client, so that
        // hydration finds the text it rendered.
        None => Signal::stored(SharedValue::new(request_locale).into_inner()),
    };
    Either::Right(view! {
        <I18nSubContextProvider initial_locale=locale>{children()}</I18nSubContextProvider>
    })
}

/// The request's locale on the server: the host's locale cookie, else
/// `Accept-Language`, else English.
#[cfg(feature = "ssr")]
fn request_locale() -> Locale {
    use http::{header, request::Parts};

    let Some(parts) = use_context::<Parts>() else {
        return Locale::default();
    };
    let cookies = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok());
    let accept_language = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    locale_from_request(cookies, accept_language)
}

/// On the client (components created after hydration): the host's
/// `<html lang>`, else English.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn request_locale() -> Locale {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .map_or_else(Locale::default, |lang| sessions_locale(&lang))
}

/// Neither server nor client (a plain `cargo check`): English.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn request_locale() -> Locale {
    Locale::default()
}

/// The locale for a request's `Cookie` headers and `Accept-Language`: the
/// host's leptos_i18n cookie wins (it is the host's explicit choice, so a
/// host language the library lacks gives English, not the browser's second
/// choice), then the best `Accept-Language` match, then English.
#[cfg(any(feature = "ssr", test))]
fn locale_from_request<'a>(
    cookies: impl IntoIterator<Item = &'a str>,
    accept_language: Option<&str>,
) -> Locale {
    let chosen = cookies
        .into_iter()
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == HOST_LOCALE_COOKIE)
        .map(|(_, value)| value.trim().trim_matches('"'))
        .filter(|value| !value.is_empty());
    match (chosen, accept_language) {
        (Some(tag), _) => sessions_locale(tag),
        (None, Some(header)) => Locale::find_locale(&accepted_languages(header)),
        (None, None) => Locale::default(),
    }
}

/// `Accept-Language` tags by preference (`q` descending, header order among
/// equals), without `*` and `q=0`.
#[cfg(any(feature = "ssr", test))]
fn accepted_languages(header: &str) -> Vec<&str> {
    let mut tags: Vec<(&str, f32)> = header
        .split(',')
        .take(MAX_ACCEPT_LANGUAGES)
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let q = match parts.find_map(|p| p.trim().strip_prefix("q=")) {
                Some(q) => q.trim().parse::<f32>().ok()?,
                None => 1.0,
            };
            (!tag.is_empty() && tag != "*" && q > 0.0).then_some((tag, q))
        })
        .collect();
    tags.sort_by(|a, b| b.1.total_cmp(&a.1));
    tags.into_iter().map(|(tag, _)| tag).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_maps_to_the_closest_library_locale_else_english() {
        assert_eq!(sessions_locale("es"), Locale::es);
        assert_eq!(sessions_locale("es-MX"), Locale::es);
        assert_eq!(sessions_locale("es_AR"), Locale::es);
        assert_eq!(sessions_locale(" ES "), Locale::es);
        assert_eq!(sessions_locale("en-GB"), Locale::en);
        assert_eq!(sessions_locale("ja"), Locale::en);
        assert_eq!(sessions_locale("fr-CA"), Locale::fr);
        assert_eq!(sessions_locale("de_AT"), Locale::de);
        assert_eq!(sessions_locale("zh-Hant-TW"), Locale::en);
        assert_eq!(sessions_locale(""), Locale::en);
        assert_eq!(sessions_locale("not a tag!"), Locale::en);
    }

    #[test]
    fn accept_language_is_read_by_preference() {
        assert_eq!(
            accepted_languages("fr;q=0.5, es-MX, *;q=0.1, de;q=0"),
            vec!["es-MX", "fr"]
        );
        assert_eq!(accepted_languages("fr;q=x, es"), vec!["es"]);
        assert!(accepted_languages("").is_empty());
    }

    #[test]
    fn the_host_cookie_wins_over_accept_language() {
        let es = Some("es-MX,es;q=0.9,en;q=0.8");
        assert_eq!(locale_from_request([], es), Locale::es);
        assert_eq!(locale_from_request(["theme=dark"], es), Locale::es);
        // The host chose Japanese: English (the library lacks it), not the
        // browser's Spanish; French it has.
        assert_eq!(
            locale_from_request(["theme=dark; i18n_pref_locale=ja"], es),
            Locale::en
        );
        assert_eq!(
            locale_from_request(["theme=dark; i18n_pref_locale=fr"], es),
            Locale::fr
        );
        assert_eq!(
            locale_from_request(["a=1", "i18n_pref_locale=es"], None),
            Locale::es
        );
        assert_eq!(locale_from_request(["i18n_pref_locale="], es), Locale::es);
        assert_eq!(locale_from_request([], Some("ja-JP, it")), Locale::en);
        assert_eq!(locale_from_request([], Some("ja-JP, es;q=0.3")), Locale::es);
        assert_eq!(locale_from_request([], Some("fr-CA, es;q=0.3")), Locale::fr);
        assert_eq!(locale_from_request([], None), Locale::en);
    }
}

/// The components rendered to HTML on the server without the library's
/// provider: the host's locale, the request's, and English for the rest.
#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use anyhow::Context as _;
    use http::{Request, header};
    use leptos::prelude::*;

    use crate::{
        components::{Devices, History, SessionsPage, provide_sessions_locale},
        i18n::I18nContextProvider,
    };

    /// A text from a locale file (the tests compare against the files).
    fn text(locale: &str, pointer: &str) -> anyhow::Result<String> {
        let source = match locale {
            "es" => include_str!("../../locales/es.json"),
            "fr" => include_str!("../../locales/fr.json"),
            "de" => include_str!("../../locales/de.json"),
            _ => include_str!("../../locales/en.json"),
        };
        let json: serde_json::Value = serde_json::from_str(source)?;
        json.pointer(pointer)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .with_context(|| format!("{locale}.json has no {pointer}"))
    }

    /// Renders `view` to HTML in a fresh owner after `setup` (contexts).
    fn render<V: IntoView + 'static>(setup: impl FnOnce(), view: impl FnOnce() -> V) -> String {
        // The resources spawn their fetches: a global executor must exist.
        // leptos re-exports none; leptos_axum sets up tokio's as a side
        // effect of listing routes (a dev-dependency on `any_spawner` would
        // say it directly).
        // Once: listing routes suppresses resource loads process-wide while
        // it runs (leptos-rs/leptos#4773), which a parallel test could meet.
        static EXECUTOR: std::sync::Once = std::sync::Once::new();
        EXECUTOR.call_once(|| {
            let _ = leptos_axum::generate_route_list(|| ());
        });
        let owner = Owner::new();
        owner.with(|| {
            setup();
            view().into_view().to_html()
        })
    }

    fn request(headers: &[(header::HeaderName, &str)]) -> anyhow::Result<http::request::Parts> {
        let mut builder = Request::builder().uri("/settings");
        for (name, value) in headers {
            builder = builder.header(name, *value);
        }
        Ok(builder.body(())?.into_parts().0)
    }

    #[tokio::test]
    async fn a_spanish_host_locale_renders_spanish_without_the_library_provider() -> anyhow::Result<()> {
        let html = render(
            || {
                provide_sessions_locale(|| "es-MX");
            },
            || view! { <SessionsPage/> },
        );
        assert!(html.contains(&text("es", "/devices/title")?), "{html}");
        assert!(html.contains(&text("es", "/history/title")?), "{html}");
        assert!(!html.contains(&text("en", "/devices/title")?), "{html}");
        Ok(())
    }

    #[tokio::test]
    async fn a_host_locale_the_library_lacks_renders_english() -> anyhow::Result<()> {
        for host in ["ja", "", "xx-invalid!"] {
            let html = render(
                move || {
                    provide_sessions_locale(move || host);
                },
                || view! { <Devices/> },
            );
            assert!(html.contains(&text("en", "/devices/title")?), "{host}: {html}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn the_host_locale_is_read_when_the_components_render() -> anyhow::Result<()> {
        let html = render(
            || {
                let host = RwSignal::new("ja");
                provide_sessions_locale(move || host.get());
                host.set("es");
            },
            || view! { <History/> },
        );
        assert!(html.contains(&text("es", "/history/title")?), "{html}");
        Ok(())
    }

    #[tokio::test]
    async fn without_a_host_locale_the_request_decides() -> anyhow::Result<()> {
        let cases = [
            (vec![(header::ACCEPT_LANGUAGE, "es-MX,es;q=0.9")], "es"),
            (vec![(header::ACCEPT_LANGUAGE, "ja-JP,ja;q=0.9")], "en"),
            (vec![(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")], "fr"),
            (vec![(header::ACCEPT_LANGUAGE, "de-DE")], "de"),
            (
                vec![
                    (header::ACCEPT_LANGUAGE, "es"),
                    (header::COOKIE, "i18n_pref_locale=ja"),
                ],
                "en",
            ),
            (
                vec![
                    (header::ACCEPT_LANGUAGE, "es"),
                    (header::COOKIE, "i18n_pref_locale=fr"),
                ],
                "fr",
            ),
            (vec![(header::COOKIE, "theme=dark; i18n_pref_locale=es")], "es"),
            (vec![], "en"),
        ];
        for (headers, expected) in cases {
            let parts = request(&headers)?;
            let html = render(move || provide_context(parts), || view! { <Devices/> });
            assert!(
                html.contains(&text(expected, "/devices/title")?),
                "{headers:?}: {html}"
            );
        }
        Ok(())
    }

    #[tokio::test]
    async fn no_context_at_all_renders_english_and_does_not_panic() -> anyhow::Result<()> {
        let html = render(|| (), || view! { <SessionsPage/> });
        assert!(html.contains(&text("en", "/devices/title")?), "{html}");
        Ok(())
    }

    #[tokio::test]
    async fn the_library_provider_still_decides_below_it() -> anyhow::Result<()> {
        let parts = request(&[(header::ACCEPT_LANGUAGE, "es")])?;
        let html = render(
            move || {
                provide_context(parts);
                // Below the library's provider, a host locale is not consulted.
                provide_sessions_locale(|| "en");
            },
            || view! { <I18nContextProvider><Devices/></I18nContextProvider> },
        );
        assert!(html.contains(&text("es", "/devices/title")?), "{html}");
        Ok(())
    }
}
