//! Places as each reader reads them: a stored place (English city, region,
//! country code and name, the city's other names) labelled in every
//! language the library renders, with the country named from its code.

use std::collections::BTreeMap;

use leptos_sessions_entity::{display::location_label, event, session};

use super::{
    GeoInfo,
    countries::{country_name, localized_country_name},
};

/// The languages the library renders besides English.
pub(crate) const LANGUAGES: [&str; 3] = ["de", "es", "fr"];

/// The longest city name kept (characters).
const MAX_NAME_CHARS: usize = 200;

/// The city names worth storing, as JSON (`{"es":"Londres"}`): the
/// library's languages, where they differ from the English name. `None`
/// when there are none.
pub(crate) fn city_names_json(geo: &GeoInfo) -> Option<String> {
    let names: BTreeMap<&str, &str> = geo
        .city_names
        .iter()
        .filter(|(lang, name)| {
            LANGUAGES.contains(&lang.as_str())
                && Some(name.as_str()) != geo.city.as_deref()
                && !name.trim().is_empty()
                && name.chars().count() <= MAX_NAME_CHARS
                && !name.chars().any(char::is_control)
        })
        .map(|(lang, name)| (lang.as_str(), name.as_str()))
        .collect();
    if names.is_empty() {
        return None;
    }
    serde_json::to_string(&names).ok()
}

/// A place as stored on a session or an event.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StoredPlace<'a> {
    pub city: Option<&'a str>,
    pub region: Option<&'a str>,
    pub country_code: Option<&'a str>,
    pub country_name: Option<&'a str>,
    /// JSON object of the city's other names (`city_names` columns).
    pub city_names: Option<&'a str>,
}

impl<'a> StoredPlace<'a> {
    /// Where a session signed in.
    pub(crate) fn signed_in(row: &'a session::Model) -> Self {
        Self {
            city: row.city.as_deref(),
            region: row.region.as_deref(),
            country_code: row.country_code.as_deref(),
            country_name: row.country_name.as_deref(),
            city_names: row.city_names.as_deref(),
        }
    }

    /// Where a session's latest touched request came from, when located.
    pub(crate) fn last_seen(row: &'a session::Model) -> Self {
        Self {
            city: row.last_seen_city.as_deref(),
            region: None,
            country_code: row.last_seen_country_code.as_deref(),
            country_name: None,
            city_names: row.last_seen_city_names.as_deref(),
        }
    }

    /// Where an event happened.
    pub(crate) fn of_event(e: &'a event::Model) -> Self {
        Self {
            city: e.city.as_deref(),
            region: e.region.as_deref(),
            country_code: e.country_code.as_deref(),
            country_name: e.country_name.as_deref(),
            city_names: e.city_names.as_deref(),
        }
    }

    fn country_in_english(&self) -> Option<&str> {
        self.country_name
            .filter(|n| !n.trim().is_empty())
            .or_else(|| self.country_code.and_then(country_name))
    }

    /// "London, United Kingdom", `None` when nothing is known.
    pub(crate) fn english(&self) -> Option<String> {
        location_label(self.city, self.region, self.country_in_english())
    }

    /// The label in each of [`LANGUAGES`] where it differs from English
    /// ("es" → "Londres, Reino Unido"): the database's city name in that
    /// language when it has one, the country named from its code. A stored
    /// list that is not a JSON object of strings is ignored.
    pub(crate) fn localized(&self) -> BTreeMap<String, String> {
        let english = self.english();
        let mut out = BTreeMap::new();
        if english.is_none() {
            return out;
        }
        let names: BTreeMap<String, String> = self
            .city_names
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        for lang in LANGUAGES {
            let city = names.get(lang).map(String::as_str).or(self.city);
            let country = self
                .country_code
                .and_then(|code| localized_country_name(code, lang))
                .or_else(|| self.country_in_english());
            if let Some(label) = location_label(city, self.region, country)
                && Some(&label) != english.as_ref()
            {
                out.insert(lang.to_owned(), label);
            }
        }
        out
    }

    /// Whether `other` is another place: a different country, or a different
    /// city in the same one. Unknown on either side is not a difference.
    pub(crate) fn differs_from(&self, other: &StoredPlace<'_>) -> bool {
        let norm = |s: Option<&str>| s.map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty());
        let (a_country, b_country) = (norm(self.country_code), norm(other.country_code));
        if a_country.is_none() || b_country.is_none() {
            return false;
        }
        if a_country != b_country {
            return true;
        }
        let (a_city, b_city) = (norm(self.city.or(self.region)), norm(other.city.or(other.region)));
        a_city.is_some() && b_city.is_some() && a_city != b_city
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> StoredPlace<'static> {
        StoredPlace {
            city: Some("London"),
            region: Some("England"),
            country_code: Some("GB"),
            country_name: Some("United Kingdom"),
            city_names: Some(r#"{"es":"Londres","fr":"Londres"}"#),
        }
    }

    #[test]
    fn places_read_in_each_language() {
        let place = london();
        assert_eq!(place.english().as_deref(), Some("London, United Kingdom"));
        let names = place.localized();
        assert_eq!(names.get("es").map(String::as_str), Some("Londres, Reino Unido"));
        assert_eq!(names.get("fr").map(String::as_str), Some("Londres, Royaume-Uni"));
        assert_eq!(
            names.get("de").map(String::as_str),
            Some("London, Vereinigtes Königreich")
        );
    }

    #[test]
    fn a_code_alone_is_named_and_junk_names_are_ignored() {
        let place = StoredPlace {
            country_code: Some("es"),
            city_names: Some("[not an object"),
            ..StoredPlace::default()
        };
        assert_eq!(place.english().as_deref(), Some("Spain"));
        assert_eq!(place.localized().get("de").map(String::as_str), Some("Spanien"));
        // Same in every language: nothing to carry.
        let lisbon = StoredPlace {
            city: Some("Lisbon"),
            country_code: Some("PT"),
            ..StoredPlace::default()
        };
        assert!(lisbon.localized().is_empty(), "Portugal is Portugal in all four");
        assert!(StoredPlace::default().localized().is_empty());
    }

    #[test]
    fn only_kept_languages_that_differ_are_stored() {
        let geo = GeoInfo {
            city: Some("Munich".into()),
            city_names: [
                ("de", "München"),
                ("es", "Múnich"),
                ("fr", "Munich"),
                ("ja", "ミュンヘン"),
                ("es-MX", "x"),
            ]
            .into_iter()
            .map(|(l, n)| (l.to_owned(), n.to_owned()))
            .collect(),
            ..GeoInfo::default()
        };
        assert_eq!(
            city_names_json(&geo).as_deref(),
            Some(r#"{"de":"München","es":"Múnich"}"#)
        );
        assert_eq!(city_names_json(&GeoInfo::default()), None);
    }

    #[test]
    fn a_different_city_or_country_differs_and_unknown_does_not() {
        let madrid = StoredPlace {
            city: Some("Madrid"),
            country_code: Some("ES"),
            ..StoredPlace::default()
        };
        let barcelona = StoredPlace {
            city: Some("Barcelona"),
            ..madrid
        };
        assert!(madrid.differs_from(&barcelona));
        assert!(madrid.differs_from(&london()));
        assert!(!madrid.differs_from(&StoredPlace {
            city: Some("madrid "),
            ..madrid
        }));
        assert!(!madrid.differs_from(&StoredPlace::default()));
        assert!(!madrid.differs_from(&StoredPlace { city: None, ..madrid }));
    }
}
