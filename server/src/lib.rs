//! The leptos-sessions demo host: its own users and sign-in methods
//! (password, magic link, a stand-in OAuth provider), the library's layer
//! around its router, and a settings page that mounts the library's
//! components. Everything here is what a host app writes; the library does
//! the rest.

// Release builds (without cargo-leptos' `--cfg erase_components`) nest the
// whole page's view types; the default limit of 128 is too low for them.
#![recursion_limit = "256"]
#![forbid(unsafe_code)]

// The demo's own copy (the library's components bring theirs).
#[allow(deprecated, missing_docs, clippy::all)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
pub use i18n_gen::i18n;
// Rebuild when translations change.
const _: &[u8] = include_bytes!("../locales/en.json");
const _: &[u8] = include_bytes!("../locales/es.json");
const _: &[u8] = include_bytes!("../locales/fr.json");
const _: &[u8] = include_bytes!("../locales/de.json");

pub mod app;
#[cfg(feature = "ssr")]
pub mod host;

pub use app::{App, shell};

/// The demo's translations must be complete in every locale.
#[cfg(test)]
#[expect(
    clippy::expect_used,
    reason = "a broken locale file should fail the test loudly"
)]
mod i18n_tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    fn keys(prefix: &str, value: &Value, out: &mut BTreeSet<String>) {
        if let Value::Object(map) = value {
            for (key, value) in map {
                keys(&format!("{prefix}.{key}"), value, out);
            }
        } else {
            out.insert(prefix.to_owned());
        }
    }

    #[test]
    fn every_locale_has_the_same_keys_as_english() {
        let load = |s: &str| {
            let mut out = BTreeSet::new();
            keys("", &serde_json::from_str(s).expect("valid JSON"), &mut out);
            out
        };
        let en = load(include_str!("../locales/en.json"));
        for (name, source) in [
            ("es", include_str!("../locales/es.json")),
            ("fr", include_str!("../locales/fr.json")),
            ("de", include_str!("../locales/de.json")),
        ] {
            let other = load(source);
            assert_eq!(
                en.difference(&other).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "missing in {name}.json"
            );
            assert_eq!(
                other.difference(&en).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "in {name}.json but not in en.json"
            );
        }
    }
}
