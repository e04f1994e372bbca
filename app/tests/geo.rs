//! `MaxMindGeo` against tiny `.mmdb` files built here with `mmdb-writer` in
//! both schemas it reads: MaxMind GeoIP2 City/Country (nested maps with
//! `names`) and DB-IP lite as published by ip-location-db (flat
//! `country_code`, `state1`, `city`, f32 `latitude`/`longitude`).

#![allow(missing_docs)]

use std::net::IpAddr;

use leptos_sessions::server::{GeoError, GeoInfo, GeoLookup, MaxMindGeo, fuzzing::round_coordinate};
use mmdb_writer::{IpVersion, Value, Writer, ipnet::IpNet};

fn names(en: &str) -> Value {
    Value::map([("en", Value::from(en)), ("es", Value::from(format!("{en} (es)")))])
}

/// A GeoIP2-City-shaped database: Madrid, London, a country-only network
/// and an IPv6 network.
fn maxmind_city() -> anyhow::Result<Vec<u8>> {
    let mut w = Writer::builder("GeoIP2-City")
        .description(&[("en", "leptos-sessions test city database")])
        .languages(["en", "es"])
        .build();
    let madrid = Value::map([
        (
            "city",
            Value::map([
                ("geoname_id", Value::from(3_117_735_u32)),
                ("names", names("Madrid")),
            ]),
        ),
        (
            "country",
            Value::map([
                ("iso_code", Value::from("ES")),
                ("names", names("Spain")),
                ("geoname_id", Value::from(1u32)),
            ]),
        ),
        (
            "continent",
            Value::map([("code", Value::from("EU")), ("names", names("Europe"))]),
        ),
        (
            "location",
            Value::map([
                ("latitude", Value::Double(40.4165)),
                ("longitude", Value::Double(-3.70256)),
                ("accuracy_radius", Value::U16(20)),
                ("time_zone", Value::from("Europe/Madrid")),
            ]),
        ),
        (
            "subdivisions",
            Value::array([Value::map([
                ("iso_code", Value::from("M")),
                ("names", names("Madrid")),
            ])]),
        ),
    ]);
    w.insert_value("83.45.112.0/24".parse::<IpNet>()?, madrid)?;
    let london = Value::map([
        ("city", Value::map([("names", names("London"))])),
        (
            "country",
            Value::map([
                ("iso_code", Value::from("GB")),
                ("names", names("United Kingdom")),
            ]),
        ),
        (
            "subdivisions",
            Value::array([
                Value::map([("names", names("England"))]),
                Value::map([("names", names("Greater London"))]),
            ]),
        ),
        (
            "location",
            Value::map([
                ("latitude", Value::Double(51.5142)),
                ("longitude", Value::Double(-0.0931)),
            ]),
        ),
    ]);
    w.insert_value("81.2.69.142/31".parse::<IpNet>()?, london)?;
    // Country known, nothing else; names missing (fall back to the table).
    w.insert_value(
        "203.0.113.0/24".parse::<IpNet>()?,
        Value::map([(
            "registered_country",
            Value::map([("iso_code", Value::from("jp"))]),
        )]),
    )?;
    w.insert_value(
        "2a02:9000::/32".parse::<IpNet>()?,
        Value::map([(
            "country",
            Value::map([("iso_code", Value::from("ES")), ("names", names("Spain"))]),
        )]),
    )?;
    // A record with nothing we can use.
    w.insert_value(
        "198.51.100.0/24".parse::<IpNet>()?,
        Value::map([("traits", Value::map([("is_anycast", Value::Bool(true))]))]),
    )?;
    Ok(w.to_bytes()?)
}

/// A DB-IP-city-lite-shaped IPv4 database (ip-location-db schema).
fn dbip_city() -> anyhow::Result<Vec<u8>> {
    let mut w = Writer::builder("dbip-city-ipv4")
        .description(&[("en", "IP Geolocation by DB-IP (test)")])
        .ip_version(IpVersion::V4)
        .build();
    w.insert_value(
        "83.45.112.0/24".parse::<IpNet>()?,
        Value::map([
            ("city", Value::from("Madrid")),
            ("country_code", Value::from("ES")),
            ("state1", Value::from("Madrid")),
            ("state2", Value::from("")),
            ("postcode", Value::from("28001")),
            ("latitude", Value::Float(40.4165)),
            ("longitude", Value::Float(-3.70256)),
            ("timezone", Value::from("Europe/Madrid")),
        ]),
    )?;
    // A country-only row (the dbip-country database's shape).
    w.insert_value(
        "1.1.1.0/24".parse::<IpNet>()?,
        Value::map([("country_code", Value::from("AU"))]),
    )?;
    // Junk values never make it through.
    w.insert_value(
        "9.9.9.0/24".parse::<IpNet>()?,
        Value::map([
            ("country_code", Value::from("not a code")),
            ("city", Value::from("  ")),
            ("latitude", Value::Float(f32::NAN)),
            ("longitude", Value::Float(12.0)),
        ]),
    )?;
    Ok(w.to_bytes()?)
}

fn ip(s: &str) -> anyhow::Result<IpAddr> {
    Ok(s.parse()?)
}

#[test]
fn maxmind_city_schema_gives_city_region_country_and_coordinates() -> anyhow::Result<()> {
    let geo = MaxMindGeo::from_bytes(maxmind_city()?)?;
    assert_eq!(geo.database_type(), "GeoIP2-City");
    let madrid = geo
        .lookup(ip("83.45.112.7")?)
        .ok_or_else(|| anyhow::anyhow!("no Madrid"))?;
    assert_eq!(
        madrid,
        GeoInfo {
            country_code: Some("ES".into()),
            country_name: Some("Spain".into()),
            region: Some("Madrid".into()),
            city: Some("Madrid".into()),
            city_names: [("es".to_owned(), "Madrid (es)".to_owned())].into(),
            latitude: Some(40.4165),
            longitude: Some(-3.70256),
        },
        "the city's names in the languages the database carries (this one: en, es)"
    );
    assert_eq!(madrid.label().as_deref(), Some("Madrid, Spain"));
    let london = geo
        .lookup(ip("81.2.69.142")?)
        .ok_or_else(|| anyhow::anyhow!("no London"))?;
    assert_eq!(london.city.as_deref(), Some("London"));
    assert_eq!(london.region.as_deref(), Some("England"), "first subdivision");
    assert_eq!(london.country_name.as_deref(), Some("United Kingdom"));
    Ok(())
}

#[test]
fn country_only_records_take_the_name_from_the_code() -> anyhow::Result<()> {
    let geo = MaxMindGeo::from_bytes(maxmind_city()?)?;
    let jp = geo
        .lookup(ip("203.0.113.5")?)
        .ok_or_else(|| anyhow::anyhow!("no JP"))?;
    assert_eq!(jp.country_code.as_deref(), Some("JP"), "upper-cased");
    assert_eq!(jp.country_name.as_deref(), Some("Japan"));
    assert_eq!((jp.city, jp.latitude), (None, None));
    assert_eq!(geo.lookup(ip("198.51.100.1")?), None, "nothing usable");
    assert_eq!(geo.lookup(ip("192.0.2.1")?), None, "not in the database");
    Ok(())
}

#[test]
fn ipv6_and_ipv4_mapped_addresses_are_looked_up() -> anyhow::Result<()> {
    let geo = MaxMindGeo::from_bytes(maxmind_city()?)?;
    let v6 = geo
        .lookup(ip("2a02:9000::1")?)
        .ok_or_else(|| anyhow::anyhow!("no v6"))?;
    assert_eq!(v6.country_code.as_deref(), Some("ES"));
    // `::ffff:a.b.c.d` is canonicalized before the lookup.
    let mapped = geo.lookup(ip("::ffff:83.45.112.7")?);
    assert_eq!(mapped.and_then(|g| g.city).as_deref(), Some("Madrid"));

    let v4_only = MaxMindGeo::from_bytes(dbip_city()?)?;
    let mapped = v4_only.lookup(ip("::ffff:83.45.112.7")?);
    assert_eq!(
        mapped.and_then(|g| g.city).as_deref(),
        Some("Madrid"),
        "IPv4-only database"
    );
    assert_eq!(
        v4_only.lookup(ip("2a02:9000::1")?),
        None,
        "IPv6 in an IPv4 database: no location, no error"
    );
    Ok(())
}

#[test]
fn dbip_schema_gives_city_state_country_name_from_code_and_f32_coordinates() -> anyhow::Result<()> {
    let geo = MaxMindGeo::from_bytes(dbip_city()?)?;
    let madrid = geo
        .lookup(ip("83.45.112.200")?)
        .ok_or_else(|| anyhow::anyhow!("no Madrid"))?;
    assert_eq!(madrid.country_code.as_deref(), Some("ES"));
    assert_eq!(madrid.country_name.as_deref(), Some("Spain"));
    assert_eq!(madrid.region.as_deref(), Some("Madrid"));
    assert_eq!(madrid.city.as_deref(), Some("Madrid"));
    assert_eq!(
        madrid.latitude,
        Some(40.4165),
        "f32 read back without float noise"
    );
    assert_eq!(madrid.longitude.map(|l| round_coordinate(l, 2)), Some(-3.7));
    let au = geo
        .lookup(ip("1.1.1.1")?)
        .ok_or_else(|| anyhow::anyhow!("no AU"))?;
    assert_eq!(au.country_name.as_deref(), Some("Australia"));
    let junk = geo.lookup(ip("9.9.9.9")?);
    assert_eq!(
        junk, None,
        "bad code, blank city and NaN latitude are dropped: {junk:?}"
    );
    Ok(())
}

#[test]
fn opening_a_missing_or_bogus_file_is_a_clear_error() -> anyhow::Result<()> {
    let missing = MaxMindGeo::open("/nonexistent/GeoLite.mmdb");
    let Err(err @ GeoError::Read { .. }) = missing else {
        anyhow::bail!("expected a read error, got {missing:?}");
    };
    assert!(err.to_string().contains("/nonexistent/GeoLite.mmdb"), "{err}");

    let dir = std::env::temp_dir().join(format!("leptos-sessions-geo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let bogus = dir.join("bogus.mmdb");
    std::fs::write(&bogus, b"this is not a database")?;
    let invalid = MaxMindGeo::open(&bogus);
    let Err(err @ GeoError::Invalid { .. }) = invalid else {
        anyhow::bail!("expected an invalid-database error, got {invalid:?}");
    };
    assert!(err.to_string().contains("not a usable MaxMind DB"), "{err}");

    let good = dir.join("city.mmdb");
    std::fs::write(&good, maxmind_city()?)?;
    let geo = MaxMindGeo::open(&good)?;
    assert!(geo.lookup(ip("83.45.112.7")?).is_some());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn truncated_or_corrupt_databases_never_panic() -> anyhow::Result<()> {
    let bytes = maxmind_city()?;
    for cut in [
        0,
        1,
        16,
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len().saturating_sub(10),
    ] {
        if let Ok(geo) = MaxMindGeo::from_bytes(bytes[..cut].to_vec()) {
            let _ = geo.lookup(ip("83.45.112.7")?);
        }
    }
    // Flip bytes in the search tree and data section: lookups answer or miss, never panic.
    for i in (0..bytes.len().saturating_sub(200)).step_by(7) {
        let mut corrupt = bytes.clone();
        if let Some(b) = corrupt.get_mut(i) {
            *b ^= 0xA5;
        }
        if let Ok(geo) = MaxMindGeo::from_bytes(corrupt) {
            for addr in ["83.45.112.7", "81.2.69.142", "2a02:9000::1", "::ffff:1.2.3.4"] {
                let _ = geo.lookup(ip(addr)?);
            }
        }
    }
    Ok(())
}
