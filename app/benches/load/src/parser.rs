//! Time per user agent of the device parser, on the mix of
//! `app/benches/device.rs` (the criterion bench of the same code): desktop
//! and phone browsers, a native app, a Hotwire Native app and a crawler.

use std::{hint::black_box, time::Instant};

use anyhow::Result;
use leptos_sessions::server::{DeviceInfo, DeviceOptions};

const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 Edg/137.0.3296.62",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MyApp/2.4.1 (iPhone15,2; iOS 19.5; build 241); Hotwire Native iOS; Turbo Native iOS",
    "Hotwire Native Android; Turbo Native Android; Mozilla/5.0 (Linux; Android 16; Pixel 8 Build/BP2A.250605.031; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/137.0.7151.89 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
];

/// Median over 31 rounds of the mean time of one parse, in µs.
fn per_ua(uas: &[&str], options: &DeviceOptions) -> f64 {
    const PER_ROUND: usize = 20_000;
    let mut rounds: Vec<f64> = (0..31)
        .map(|_| {
            let started = Instant::now();
            for i in 0..PER_ROUND {
                black_box(DeviceInfo::parse_with(black_box(uas[i % uas.len()]), &[], options));
            }
            started.elapsed().as_secs_f64() * 1e6 / PER_ROUND as f64
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[rounds.len() / 2]
}

pub(crate) fn run() -> Result<()> {
    let options = DeviceOptions {
        native_app_names: vec!["MyApp".into()],
        client_hints: true,
    };
    // Warm the lazily built tables once.
    let _ = DeviceInfo::parse(USER_AGENTS[0]);
    let mix = per_ua(USER_AGENTS, &options);
    let slowest = USER_AGENTS
        .iter()
        .map(|ua| (per_ua(&[ua], &options), *ua))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or((0.0, ""));
    eprintln!("  parser: {mix:.2} µs per user agent (mix of {}), slowest alone {:.2} µs: {}", USER_AGENTS.len(), slowest.0, slowest.1);
    let met = if mix <= 3.0 { "met" } else { "missed" };
    println!("TARGET\tparser: time per user agent (median, mix of 8)\t{mix:.2} µs\t≤ 3 µs\t{met}");
    Ok(())
}
