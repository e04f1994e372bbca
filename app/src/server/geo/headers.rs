//! Locations a CDN puts in request headers (Cloudflare's visitor location
//! headers, CloudFront's viewer headers, or a host's own names).

use http::HeaderMap;

use super::{GeoInfo, countries::country_name};

/// The headers a CDN in front of the origin writes the visitor's location
/// into. Set [`SessionsConfig::geo_headers`](crate::server::SessionsConfig::geo_headers)
/// only when the origin is reachable through that CDN alone (a firewall that
/// admits only its addresses): anyone who reaches the origin directly writes
/// these headers themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoHeaders {
    /// ISO 3166-1 alpha-2 country code (required for a location).
    pub country: String,
    /// City name.
    pub city: Option<String>,
    /// First subdivision's name.
    pub region: Option<String>,
    /// Latitude (decimal degrees).
    pub latitude: Option<String>,
    /// Longitude (decimal degrees).
    pub longitude: Option<String>,
}

/// The longest city or region name kept (characters).
const MAX_NAME: usize = 64;

impl GeoHeaders {
    /// Cloudflare (`CF-IPCountry`, and with "Add visitor location headers"
    /// on: `CF-IPCity`, `CF-Region`, `CF-IPLatitude`, `CF-IPLongitude`).
    pub fn cloudflare() -> Self {
        Self {
            country: "cf-ipcountry".into(),
            city: Some("cf-ipcity".into()),
            region: Some("cf-region".into()),
            latitude: Some("cf-iplatitude".into()),
            longitude: Some("cf-iplongitude".into()),
        }
    }

    /// Amazon CloudFront's viewer headers (`CloudFront-Viewer-Country`, …,
    /// forwarded by an origin request policy).
    pub fn cloudfront() -> Self {
        Self {
            country: "cloudfront-viewer-country".into(),
            city: Some("cloudfront-viewer-city".into()),
            region: Some("cloudfront-viewer-country-region-name".into()),
            latitude: Some("cloudfront-viewer-latitude".into()),
            longitude: Some("cloudfront-viewer-longitude".into()),
        }
    }

    /// The location in `headers`; `None` without a real country (absent,
    /// malformed, or a CDN's "unknown"/"Tor" code such as `XX`, `T1`).
    pub fn read(&self, headers: &HeaderMap) -> Option<GeoInfo> {
        let text = |name: &Option<String>| {
            let value = headers.get(name.as_deref()?)?;
            let value = String::from_utf8_lossy(value.as_bytes());
            let value: String = value
                .trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_NAME)
                .collect();
            (!value.is_empty()).then_some(value)
        };
        let code = text(&Some(self.country.clone()))?.to_ascii_uppercase();
        let name = country_name(&code)?;
        let coordinate = |name: &Option<String>, max: f64| {
            text(name)?
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= max)
        };
        Some(GeoInfo {
            country_name: Some(name.to_owned()),
            country_code: Some(code),
            region: text(&self.region),
            city: text(&self.city),
            latitude: coordinate(&self.latitude, 90.0),
            longitude: coordinate(&self.longitude, 180.0),
            ..GeoInfo::default()
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod tests {
    use http::{HeaderMap, HeaderValue};

    use super::GeoHeaders;

    fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_bytes(value).expect("a header value"));
        }
        h
    }

    #[test]
    fn cloudflare_headers_become_a_location() {
        let h = headers(&[
            ("cf-ipcountry", b"es"),
            ("cf-ipcity", "Alcalá de Henares".as_bytes()),
            ("cf-region", b"Madrid"),
            ("cf-iplatitude", b"40.4818"),
            ("cf-iplongitude", b"-3.3643"),
        ]);
        let geo = GeoHeaders::cloudflare().read(&h).expect("a location");
        assert_eq!(geo.country_code.as_deref(), Some("ES"));
        assert_eq!(geo.country_name.as_deref(), Some("Spain"));
        assert_eq!(geo.city.as_deref(), Some("Alcalá de Henares"));
        assert_eq!(geo.region.as_deref(), Some("Madrid"));
        assert_eq!(geo.latitude, Some(40.4818));
        assert_eq!(geo.label().as_deref(), Some("Alcalá de Henares, Spain"));
    }

    #[test]
    fn unknown_tor_and_junk_countries_are_no_location_and_junk_parts_are_dropped() {
        for country in [&b"XX"[..], b"T1", b"", b"ESP", b"1;", b"\xff\xfe"] {
            let h = headers(&[("cf-ipcountry", country), ("cf-ipcity", b"Madrid")]);
            assert_eq!(GeoHeaders::cloudflare().read(&h), None, "{country:?}");
        }
        assert_eq!(GeoHeaders::cloudflare().read(&HeaderMap::new()), None);
        let long = "x".repeat(500);
        let h = headers(&[
            ("cloudfront-viewer-country", b"GB"),
            ("cloudfront-viewer-city", long.as_bytes()),
            ("cloudfront-viewer-latitude", b"NaN"),
            ("cloudfront-viewer-longitude", b"999"),
        ]);
        let geo = GeoHeaders::cloudfront().read(&h).expect("a country");
        assert_eq!(geo.city.map(|c| c.len()), Some(64));
        assert_eq!((geo.latitude, geo.longitude), (None, None));
    }
}
