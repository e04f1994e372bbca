//! IP geolocation: a [`GeoLookup`] turns a client IP into an approximate
//! location. None configured → no location, and the UI omits it.

use std::net::IpAddr;

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
