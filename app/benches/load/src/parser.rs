//! Time per user agent of the device parser, on the mix the criterion bench
//! `app/benches/device.rs` times too (`app/benches/common/ua_mix.rs`).

use std::{hint::black_box, time::Instant};

use anyhow::Result;
use leptos_sessions::server::{DeviceInfo, DeviceOptions};

#[path = "../../common/ua_mix.rs"]
mod ua_mix;
use ua_mix::USER_AGENTS;

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
