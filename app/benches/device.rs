//! Nanoseconds per user-agent parse and per geo lookup.
//!
//! `cargo bench -p leptos-sessions --features ssr --bench device`

#![allow(missing_docs)]

use std::{hint::black_box, net::IpAddr};

use criterion::{Criterion, criterion_group, criterion_main};
use leptos_sessions::server::{DeviceInfo, DeviceOptions, GeoLookup, MaxMindGeo};
use mmdb_writer::{Value, Writer, ipnet::IpNet};

// The mix the load harness times too (`leptos-sessions-load parser`).
#[path = "common/ua_mix.rs"]
mod ua_mix;
use ua_mix::USER_AGENTS;

fn user_agents(c: &mut Criterion) {
    let options = DeviceOptions {
        native_app_names: vec!["MyApp".into()],
        client_hints: true,
    };
    let hints = vec![
        (
            "sec-ch-ua".to_owned(),
            "\"Chromium\";v=\"137\", \"Google Chrome\";v=\"137\", \"Not/A)Brand\";v=\"24\"".to_owned(),
        ),
        ("sec-ch-ua-platform".to_owned(), "\"Windows\"".to_owned()),
        ("sec-ch-ua-platform-version".to_owned(), "\"15.0.0\"".to_owned()),
    ];
    // Warm the lazily built parsers once.
    let _ = DeviceInfo::parse(USER_AGENTS[0]);
    c.bench_function("ua/parse (mix of 8, per UA)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % USER_AGENTS.len();
            black_box(DeviceInfo::parse_with(black_box(USER_AGENTS[i]), &[], &options))
        });
    });
    // Each of the mix alone, to see where the time goes.
    for (i, ua) in USER_AGENTS.iter().enumerate() {
        c.bench_function(&format!("ua/one/{i}"), |b| {
            b.iter(|| black_box(DeviceInfo::parse_with(black_box(ua), &[], &options)))
        });
    }
    // woothee alone on the same mix: the base the scanner replaced for
    // these shapes (see docs/device-intelligence.md).
    let woothee = woothee::parser::Parser::new();
    c.bench_function("ua/woothee alone (mix of 8, per UA)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % USER_AGENTS.len();
            black_box(woothee.parse(black_box(USER_AGENTS[i])).map(|r| r.name.len()))
        });
    });
    c.bench_function("ua/parse chrome+client hints", |b| {
        b.iter(|| {
            black_box(DeviceInfo::parse_with(
                black_box(USER_AGENTS[2]),
                &hints,
                &options,
            ))
        });
    });
    c.bench_function("ua/display_name", |b| {
        let info = DeviceInfo::parse(USER_AGENTS[5]);
        b.iter(|| black_box(info.display_name()));
    });
}

fn geo(c: &mut Criterion) {
    let mut w = Writer::builder("GeoIP2-City")
        .description(&[("en", "bench database")])
        .build();
    let names = |en: &str| Value::map([("en", Value::from(en))]);
    for i in 0..=255u8 {
        let net: IpNet = match format!("83.45.{i}.0/24").parse() {
            Ok(net) => net,
            Err(_) => continue,
        };
        let record = Value::map([
            ("city", Value::map([("names", names("Madrid"))])),
            (
                "country",
                Value::map([("iso_code", Value::from("ES")), ("names", names("Spain"))]),
            ),
            (
                "subdivisions",
                Value::array([Value::map([("names", names("Madrid"))])]),
            ),
            (
                "location",
                Value::map([
                    ("latitude", Value::Double(40.4165)),
                    ("longitude", Value::Double(-3.70256)),
                ]),
            ),
        ]);
        let _ = w.insert_value(net, record);
    }
    let Ok(bytes) = w.to_bytes() else { return };
    let Ok(db) = MaxMindGeo::from_bytes(bytes) else {
        return;
    };
    let hit: IpAddr = [83, 45, 112, 7].into();
    let miss: IpAddr = [192, 0, 2, 1].into();
    c.bench_function("geo/lookup hit (city record)", |b| {
        b.iter(|| black_box(db.lookup(black_box(hit))))
    });
    c.bench_function("geo/lookup miss", |b| {
        b.iter(|| black_box(db.lookup(black_box(miss))))
    });
}

criterion_group!(benches, user_agents, geo);
criterion_main!(benches);
