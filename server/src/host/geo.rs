//! The demo's geolocation: a real `.mmdb` when `GEOIP_DB` points at one, and a
//! fixed table for the documentation addresses (RFC 5737) that the seeded
//! history signs in from, so a first visit shows locations without any
//! download.

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

/// The seed table in front of an optional real database.
pub struct DemoGeo {
    inner: Option<Arc<dyn GeoLookup>>,
}

impl DemoGeo {
    /// The seed table, then `inner` for every other address.
    pub fn new(inner: Option<Arc<dyn GeoLookup>>) -> Self {
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
                latitude: Some(*lat),
                longitude: Some(*lon),
            });
        }
        self.inner.as_ref()?.lookup(ip)
    }
}
