//! One record shape for both schemas (MaxMind's nested maps, DB-IP's flat
//! fields), decoded borrowing from the database. Unknown keys are skipped.

use std::{fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer,
    de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor},
};

use super::{GeoInfo, countries::country_name};

#[derive(Deserialize, Default)]
pub(super) struct Record<'a> {
    // MaxMind: maps with `iso_code` and `names`.
    #[serde(borrow, default)]
    country: Option<Place<'a>>,
    #[serde(borrow, default)]
    registered_country: Option<Place<'a>>,
    #[serde(borrow, default)]
    subdivisions: Option<FirstPlace<'a>>,
    // MaxMind: a map with `names`; DB-IP: a string.
    #[serde(borrow, default)]
    city: Option<Place<'a>>,
    #[serde(default)]
    location: Option<Location>,
    // DB-IP (ip-location-db) flat fields.
    #[serde(borrow, default)]
    country_code: Option<Place<'a>>,
    #[serde(borrow, default)]
    state1: Option<Place<'a>>,
    #[serde(default)]
    latitude: Option<Coord>,
    #[serde(default)]
    longitude: Option<Coord>,
}

impl Record<'_> {
    pub(super) fn into_geo(self) -> Option<GeoInfo> {
        let country = self.country.or(self.registered_country);
        let code = country
            .as_ref()
            .and_then(|c| c.code)
            .or(self.country_code.as_ref().and_then(|c| c.name.or(c.code)))
            .map(str::trim)
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(|c| c.to_ascii_uppercase());
        let country_name = country
            .as_ref()
            .and_then(|c| c.name)
            .and_then(clean)
            .or_else(|| code.as_deref().and_then(country_name).map(str::to_owned));
        let region = self
            .subdivisions
            .and_then(|s| s.0)
            .and_then(|p| p.name)
            .or(self.state1.and_then(|s| s.name))
            .and_then(clean);
        let city_names = self
            .city
            .as_ref()
            .map(|c| {
                c.others
                    .iter()
                    .filter_map(|(lang, name)| Some(((*lang).to_owned(), clean(name)?)))
                    .collect()
            })
            .unwrap_or_default();
        let city = self.city.and_then(|c| c.name).and_then(clean);
        let (lat, lon) = match self.location {
            Some(Location {
                latitude: Some(lat),
                longitude: Some(lon),
            }) => (Some(lat.0), Some(lon.0)),
            _ => (self.latitude.map(|c| c.0), self.longitude.map(|c| c.0)),
        };
        let valid = |v: Option<f64>, max: f64| v.filter(|v| v.is_finite() && v.abs() <= max);
        let (latitude, longitude) = match (valid(lat, 90.0), valid(lon, 180.0)) {
            (Some(lat), Some(lon)) => (Some(lat), Some(lon)),
            _ => (None, None),
        };
        let info = GeoInfo {
            country_code: code,
            country_name,
            region,
            city,
            city_names,
            latitude,
            longitude,
        };
        (info != GeoInfo::default()).then_some(info)
    }
}

fn clean(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s.len() <= 200 && !s.chars().any(char::is_control)).then(|| s.to_owned())
}

/// A place: a string (DB-IP's `city`, `state1`, `country_code`) or a map
/// with `iso_code` and `names.en` (MaxMind).
#[derive(Default)]
struct Place<'a> {
    code: Option<&'a str>,
    name: Option<&'a str>,
    /// `names` in the languages the library renders besides English.
    others: Vec<(&'a str, &'a str)>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Place<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PlaceVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for PlaceVisitor<'a> {
            type Value = Place<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name or a map with names")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Place {
                    name: Some(v),
                    ..Place::default()
                })
            }
            fn visit_str<E: de::Error>(self, _v: &str) -> Result<Self::Value, E> {
                Ok(Place::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut place = Place::default();
                while let Some(key) = map.next_key::<&'de str>()? {
                    match key {
                        "iso_code" => place.code = map.next_value::<Option<&'de str>>()?,
                        "names" => {
                            let names = map.next_value::<Names<'de>>()?;
                            place.name = names.en;
                            place.others = names.others;
                        }
                        // Some databases put a plain `name` next to the code.
                        "name" if place.name.is_none() => {
                            place.name = map.next_value::<Option<&'de str>>()?
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(place)
            }
        }
        deserializer.deserialize_any(PlaceVisitor(PhantomData))
    }
}

/// A MaxMind names map: `en`, and the other languages the library renders.
struct Names<'a> {
    en: Option<&'a str>,
    others: Vec<(&'a str, &'a str)>,
}

/// The languages besides English whose names are kept.
const KEPT_LANGUAGES: [&str; 3] = ["de", "es", "fr"];

impl<'de: 'a, 'a> Deserialize<'de> for Names<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamesVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for NamesVisitor<'a> {
            type Value = Names<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of names")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut names = Names {
                    en: None,
                    others: Vec::new(),
                };
                while let Some(key) = map.next_key::<&'de str>()? {
                    if key == "en" {
                        names.en = map.next_value::<Option<&'de str>>()?;
                    } else if KEPT_LANGUAGES.contains(&key) {
                        if let Some(name) = map.next_value::<Option<&'de str>>()? {
                            names.others.push((key, name));
                        }
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(names)
            }
        }
        deserializer.deserialize_map(NamesVisitor(PhantomData))
    }
}

/// The first element of MaxMind's `subdivisions` array.
struct FirstPlace<'a>(Option<Place<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for FirstPlace<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SeqVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for SeqVisitor<'a> {
            type Value = FirstPlace<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of subdivisions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let first = seq.next_element::<Place<'de>>()?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(FirstPlace(first))
            }
        }
        deserializer.deserialize_seq(SeqVisitor(PhantomData))
    }
}

#[derive(Deserialize)]
struct Location {
    #[serde(default)]
    latitude: Option<Coord>,
    #[serde(default)]
    longitude: Option<Coord>,
}

/// A coordinate stored as double (MaxMind), float (DB-IP) or integer.
struct Coord(f64);

impl<'de> Deserialize<'de> for Coord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CoordVisitor;
        impl Visitor<'_> for CoordVisitor {
            type Value = Coord;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Coord, E> {
                Ok(Coord(v))
            }
            fn visit_f32<E: de::Error>(self, v: f32) -> Result<Coord, E> {
                // Through the shortest decimal string, so 40.4165f32 reads 40.4165.
                Ok(Coord(v.to_string().parse().unwrap_or(f64::from(v))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Coord, E> {
                Ok(Coord(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Coord, E> {
                Ok(Coord(v as f64))
            }
        }
        deserializer.deserialize_any(CoordVisitor)
    }
}
