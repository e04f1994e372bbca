//! Accuracy of the device parser against other projects' test corpora
//! (`../shared/corpora`: uap-core and woothee), per field.
//!
//! Expected values use each project's own vocabulary; they are mapped to
//! ours here ("Mac OS X" → "macOS", "Chrome Mobile" → "Chrome"), never edited.
//! Each measure fails below a floor set a little under what the parser
//! reached when the floor was written (the measured values are in
//! `docs/device-intelligence.md`). Run with `--nocapture` for the table;
//! `CORPORA_MISSES=field` prints that field's misses.
//!
//! The corpora directory is `$LEPTOS_SESSIONS_CORPORA` or
//! `<repo>/../shared/corpora`; every `*.yaml` found under `uap-core/tests/`
//! and `woothee/testsets/` is read, so other (hidden) files of the same shape
//! are measured too.

#![allow(missing_docs)]

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::{Path, PathBuf},
};

use leptos_sessions::{server::DeviceInfo, types::DeviceType};

type Case = BTreeMap<String, Option<String>>;

fn corpora_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LEPTOS_SESSIONS_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora"));
    dir.is_dir().then_some(dir)
}

/// A YAML scalar as used by these files: plain, 'single' ('' escapes a
/// quote), "double" (backslash escapes), `~` or empty for null.
fn scalar(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw == "~" || raw == "null" {
        return None;
    }
    if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return Some(inner.replace("''", "'"));
    }
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        return Some(out);
    }
    Some(raw.to_owned())
}

/// The list items of a flat YAML test file: `- key: value` starts a case,
/// `key: value` continues it. Comments and the `test_cases:` header skipped.
fn read_cases(path: &Path) -> anyhow::Result<Vec<Case>> {
    let text = std::fs::read_to_string(path)?;
    let mut cases = Vec::new();
    let mut current: Option<Case> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || !line.starts_with([' ', '-']) {
            continue;
        }
        let (starts, body) = match trimmed.strip_prefix("- ") {
            Some(body) => (true, body),
            None => (false, trimmed),
        };
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        if starts {
            cases.extend(current.take());
            current = Some(Case::new());
        }
        if let Some(case) = current.as_mut() {
            case.insert(key.trim().to_owned(), scalar(value));
        }
    }
    cases.extend(current);
    Ok(cases)
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Hits and total of one measure.
#[derive(Default)]
struct Score {
    hits: usize,
    total: usize,
    misses: Vec<String>,
}

impl Score {
    fn add(&mut self, hit: bool, miss: impl FnOnce() -> String) {
        self.total += 1;
        if hit {
            self.hits += 1;
        } else if self.misses.len() < 400 {
            self.misses.push(miss());
        }
    }

    fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.hits as f64 / self.total as f64
        }
    }
}

/// Measures of one corpus, printed as a table and checked against floors.
struct Report {
    corpus: &'static str,
    scores: BTreeMap<&'static str, Score>,
}

impl Report {
    fn new(corpus: &'static str) -> Self {
        Self {
            corpus,
            scores: BTreeMap::new(),
        }
    }

    fn add(&mut self, field: &'static str, hit: bool, miss: impl FnOnce() -> String) {
        self.scores.entry(field).or_default().add(hit, miss);
    }

    /// Prints the table; returns the measures below their floor.
    fn check(&self, floors: &[(&str, f64)]) -> Vec<String> {
        let show = std::env::var("CORPORA_MISSES").unwrap_or_default();
        let mut table = format!("\n{} accuracy\n", self.corpus);
        for (field, score) in &self.scores {
            let _ = writeln!(
                table,
                "  {field:<34} {:>6.2}%  ({}/{})",
                score.pct(),
                score.hits,
                score.total
            );
            if show == *field || show == "all" {
                for miss in &score.misses {
                    let _ = writeln!(table, "      miss: {miss}");
                }
            }
        }
        println!("{table}");
        floors
            .iter()
            .filter_map(|(field, floor)| {
                let score = self.scores.get(field)?;
                (score.total > 0 && score.pct() < *floor)
                    .then(|| format!("{} {field}: {:.2}% < floor {floor}%", self.corpus, score.pct()))
            })
            .collect()
    }
}

fn get<'a>(case: &'a Case, key: &str) -> Option<&'a str> {
    case.get(key).and_then(|v| v.as_deref()).filter(|v| !v.is_empty())
}

fn major(version: Option<&str>) -> Option<String> {
    version
        .and_then(|v| v.split(['.', '_', ' ']).next())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// uap-core browser family → our vocabulary.
fn uap_browser(family: &str) -> &str {
    match family {
        "Chrome Mobile" | "Chrome Mobile iOS" | "Chrome Frame" => "Chrome",
        "Mobile Safari" => "Safari",
        "Firefox Mobile" | "Firefox iOS" => "Firefox",
        "Edge Mobile" => "Edge",
        "Opera Mobile" | "Opera Tablet" => "Opera",
        "Chrome Mobile WebView" => "Android WebView",
        "Mobile Safari UI/WKWebView" => "WebView",
        "IE" => "Internet Explorer",
        "Android" => "Android Browser",
        "QQ Browser Mobile" => "QQ Browser",
        "WeChat Browser" => "WeChat",
        "HeadlessChrome" => "Headless Chrome",
        "Yandex Browser Lite" => "Yandex Browser",
        "Firefox Beta"
        | "Firefox Alpha"
        | "Firefox (Minefield)"
        | "Firefox (Shiretoko)"
        | "Firefox (Namoroka)"
        | "Firefox (GranParadiso)" => "Firefox",
        other => other,
    }
}

/// Browsers people sign in with: the scope where a miss is a real problem.
const MAINSTREAM_BROWSERS: &[&str] = &[
    "Chrome",
    "Safari",
    "Firefox",
    "Edge",
    "Opera",
    "Samsung Internet",
    "Yandex Browser",
    "Vivaldi",
    "Brave",
    "Android WebView",
    "WebView",
    "Internet Explorer",
    "UC Browser",
    "Whale",
    "DuckDuckGo",
    "Chromium",
    "Opera Mini",
    "Amazon Silk",
    "QQ Browser",
    "MIUI Browser",
    "Huawei Browser",
    "Facebook",
    "Instagram",
];

/// uap-core OS family → our vocabulary.
fn uap_os(family: &str) -> &str {
    match family {
        "Mac OS X" | "Mac OS" => "macOS",
        "Chrome OS" => "ChromeOS",
        "Ubuntu" | "Fedora" | "Debian" | "Gentoo" | "Red Hat" | "Mandriva" | "Slackware" | "SUSE"
        | "Linux Mint" | "Kubuntu" | "Arch Linux" | "CentOS" => "Linux",
        "FreeBSD" | "OpenBSD" | "NetBSD" => "BSD",
        other => other,
    }
}

const MAINSTREAM_OS: &[&str] = &["Windows", "macOS", "iOS", "Android", "Linux", "ChromeOS"];

fn our_os(info: &DeviceInfo) -> Option<&str> {
    info.os_name
        .as_deref()
        .map(|os| if os == "iPadOS" { "iOS" } else { os })
}

fn norm(s: &str) -> String {
    s.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn corpora_accuracy_per_field_is_above_floors() -> anyhow::Result<()> {
    let Some(dir) = corpora_dir() else {
        println!("corpora not found (set LEPTOS_SESSIONS_CORPORA); skipping");
        return Ok(());
    };
    let mut failures = Vec::new();

    // --- uap-core -----------------------------------------------------------
    let mut ua_report = Report::new("uap-core test_ua (browser)");
    let mut os_report = Report::new("uap-core test_os (OS)");
    let mut device_report = Report::new("uap-core test_device (device)");
    for file in yaml_files(&dir.join("uap-core/tests")) {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
        for case in read_cases(&file)? {
            let Some(ua) = get(&case, "user_agent_string") else {
                continue;
            };
            let info = DeviceInfo::parse(ua);
            let Some(family) = get(&case, "family") else {
                continue;
            };
            if name.contains("test_ua") {
                let expected = uap_browser(family);
                // A native app's own name is its user-agent family.
                let (got, got_version) = match &info.app_name {
                    Some(app) => (app.as_str(), info.app_version.as_deref()),
                    None => (
                        info.browser_name.as_deref().unwrap_or("Other"),
                        info.browser_version.as_deref(),
                    ),
                };
                let expected_major = get(&case, "major").map(str::to_owned);
                let got_major = major(got_version);
                let family_hit = got == expected;
                let major_hit = family_hit && (expected_major.is_none() || expected_major == got_major);
                let miss = || format!("{expected} {expected_major:?} ≠ {got} {got_major:?} | {ua}");
                ua_report.add("family (all)", family_hit, miss);
                ua_report.add("family+major (all)", major_hit, miss);
                if MAINSTREAM_BROWSERS.contains(&expected) {
                    ua_report.add("family (mainstream browsers)", family_hit, miss);
                    ua_report.add("family+major (mainstream browsers)", major_hit, miss);
                }
            } else if name.contains("test_os") {
                let expected = uap_os(family);
                let got = our_os(&info).unwrap_or("Other");
                let expected_major = get(&case, "major").map(str::to_owned);
                let got_major = major(info.os_version.as_deref());
                let family_hit = got == expected;
                let major_hit = family_hit && (expected_major.is_none() || expected_major == got_major);
                let miss = || format!("{expected} {expected_major:?} ≠ {got} {got_major:?} | {ua}");
                os_report.add("family (all)", family_hit, miss);
                if MAINSTREAM_OS.contains(&expected) {
                    os_report.add("family (mainstream OS)", family_hit, miss);
                    // Browser-shaped user agents (not HTTP libraries or apps
                    // that happen to name an OS): the rows a person signs in
                    // from.
                    let browser_shaped = ua.starts_with("Mozilla/") || ua.starts_with("Opera/");
                    if browser_shaped {
                        os_report.add("family (mainstream OS, browser UAs)", family_hit, miss);
                    }
                    // macOS 10.15.7 and Windows NT 10.0 are frozen: we drop
                    // them on purpose, so majors are measured where real.
                    let frozen = ua.contains("10_15_7")
                        || ua.contains("Windows NT 10.0")
                        || ua.contains("Android 10; K");
                    if !frozen {
                        os_report.add("family+major (mainstream OS, unfrozen)", major_hit, miss);
                    }
                }
            } else if name.contains("test_device") {
                let expected_bot = family == "Spider";
                let got_bot = info.device_type == DeviceType::Bot;
                let miss = || format!("bot expected {expected_bot}, got {:?} | {ua}", info.device_type);
                device_report.add("bot flag", expected_bot == got_bot, miss);
                if expected_bot {
                    device_report.add("bot recall", got_bot, miss);
                } else {
                    device_report.add("no false bot", !got_bot, miss);
                }
                let expected_model = get(&case, "model");
                let android = ua.contains("Android") && ua.contains("Linux") && !ua.contains("Windows Phone");
                if let (Some(model), true) = (expected_model, android) {
                    let brand = get(&case, "brand").unwrap_or("");
                    let got = info.device_model.as_deref().map(norm);
                    let hit = got.as_ref().is_some_and(|g| {
                        *g == norm(model) || *g == norm(family) || *g == norm(&format!("{brand} {model}"))
                    });
                    let miss = || format!("{model} / {family} ≠ {:?} | {ua}", info.device_model);
                    device_report.add("model (Android UAs, exact)", hit, miss);
                    // uap writes "One Touch 6032" where the UA (and we) say
                    // "ALCATEL ONETOUCH 6032": same device, brand prefix and
                    // punctuation aside.
                    let alnum = |s: &str| {
                        s.chars()
                            .filter(char::is_ascii_alphanumeric)
                            .collect::<String>()
                            .to_lowercase()
                    };
                    let loose = info
                        .device_model
                        .as_deref()
                        .is_some_and(|g| !alnum(model).is_empty() && alnum(g).ends_with(&alnum(model)));
                    device_report.add("model (Android UAs, brand-insensitive)", hit || loose, miss);
                }
                if family == "iPhone" || family == "iPad" || family == "iPod" {
                    let want = if family == "iPod" {
                        DeviceType::Smartphone
                    } else if family == "iPad" {
                        DeviceType::Tablet
                    } else {
                        DeviceType::Smartphone
                    };
                    device_report.add("type (Apple devices)", info.device_type == want, || {
                        format!("{family} ≠ {:?} | {ua}", info.device_type)
                    });
                }
            }
        }
    }
    failures.extend(ua_report.check(&[
        ("family (all)", 46.0),
        ("family+major (all)", 26.0),
        ("family (mainstream browsers)", 98.5),
        ("family+major (mainstream browsers)", 98.5),
    ]));
    failures.extend(os_report.check(&[
        ("family (all)", 77.5),
        ("family (mainstream OS)", 98.5),
        ("family (mainstream OS, browser UAs)", 98.0),
        ("family+major (mainstream OS, unfrozen)", 68.5),
    ]));
    failures.extend(device_report.check(&[
        ("bot flag", 99.5),
        ("bot recall", 85.0),
        ("no false bot", 99.8),
        ("model (Android UAs, exact)", 81.0),
        ("model (Android UAs, brand-insensitive)", 93.0),
        ("type (Apple devices)", 90.0),
    ]));

    // --- woothee ------------------------------------------------------------
    let mut w = Report::new("woothee testsets");
    for file in yaml_files(&dir.join("woothee/testsets")) {
        for case in read_cases(&file)? {
            let Some(ua) = get(&case, "target") else { continue };
            let info = DeviceInfo::parse(ua);
            let category = get(&case, "category").unwrap_or("UNKNOWN");
            let type_hit = match category {
                "pc" => info.device_type == DeviceType::Desktop,
                "smartphone" => matches!(
                    info.device_type,
                    DeviceType::Smartphone
                        | DeviceType::Tablet
                        | DeviceType::NativeIos
                        | DeviceType::NativeAndroid
                ),
                "mobilephone" => info.device_type == DeviceType::Smartphone,
                "crawler" => info.device_type == DeviceType::Bot,
                // HTTP libraries, feed readers, consoles, TVs: anything but a
                // desktop/phone claim is fine; a bot flag is fine too.
                _ => !matches!(info.device_type, DeviceType::Desktop),
            };
            w.add("device type (category)", type_hit, || {
                format!("{category} ≠ {:?} | {ua}", info.device_type)
            });
            let expected_name = get(&case, "name").unwrap_or("UNKNOWN");
            if matches!(category, "pc" | "smartphone" | "mobilephone") && expected_name != "UNKNOWN" {
                let expected = match expected_name {
                    "SamsungBrowser" => "Samsung Internet",
                    "Webview" => "WebView",
                    "Google Search App" => "Google",
                    // woothee names the pre-Chrome stock browser "Safari".
                    "Safari" if ua.contains("Android") => "Android Browser",
                    other => other,
                };
                // woothee does not tell these apart from their families.
                let got = match info.browser_name.as_deref().unwrap_or("UNKNOWN") {
                    "Android WebView" => "WebView",
                    "Opera Mini" => "Opera",
                    "IE Mobile" => "Internet Explorer",
                    other => other,
                };
                w.add("browser name", got == expected, || {
                    format!("{expected} ≠ {got} | {ua}")
                });
                if let Some(version) = get(&case, "version").filter(|v| *v != "UNKNOWN") {
                    let hit =
                        got == expected && major(info.browser_version.as_deref()) == major(Some(version));
                    w.add("browser name+major", hit, || {
                        format!("{expected} {version} ≠ {got} {:?} | {ua}", info.browser_version)
                    });
                }
            }
            if let Some(os) = get(&case, "os").filter(|o| *o != "UNKNOWN") {
                let expected = match os {
                    "Mac OSX" => Some("macOS"),
                    "iPhone" | "iPod" | "iOS" | "iPad" => Some("iOS"),
                    "Android" => Some("Android"),
                    "Linux" => Some("Linux"),
                    "ChromeOS" => Some("ChromeOS"),
                    o if o.starts_with("Windows") && !o.contains("Phone") && o != "Windows CE" => {
                        Some("Windows")
                    }
                    _ => None,
                };
                if let Some(expected) = expected {
                    let got = our_os(&info);
                    w.add("os (desktop/mobile families)", got == Some(expected), || {
                        format!("{expected} ≠ {got:?} | {ua}")
                    });
                    if let Some(version) = get(&case, "os_version").filter(|_| expected != "Windows") {
                        let version = version.replace('_', ".");
                        let frozen = version == "10.15.7";
                        if !frozen {
                            let got_v = info.os_version.as_deref();
                            w.add(
                                "os version (non-Windows)",
                                got_v == Some(version.as_str()),
                                || format!("{version} ≠ {got_v:?} | {ua}"),
                            );
                        }
                    }
                }
            }
        }
    }
    failures.extend(w.check(&[
        ("device type (category)", 96.5),
        ("browser name", 96.0),
        ("browser name+major", 88.0),
        ("os (desktop/mobile families)", 99.0),
        ("os version (non-Windows)", 93.0),
    ]));

    anyhow::ensure!(
        failures.is_empty(),
        "accuracy below floors:\n{}",
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn the_corpus_reader_reads_every_case() -> anyhow::Result<()> {
    let Some(dir) = corpora_dir() else { return Ok(()) };
    let ua = read_cases(&dir.join("uap-core/tests/test_ua.yaml"))?;
    if ua.len() >= 1601 {
        assert!(
            ua.iter()
                .all(|c| c.contains_key("user_agent_string") && c.contains_key("family"))
        );
    }
    let woothee: usize = yaml_files(&dir.join("woothee/testsets"))
        .iter()
        .map(|f| read_cases(f).map(|c| c.len()))
        .sum::<anyhow::Result<usize>>()?;
    assert!(woothee > 0);
    println!("test_ua cases: {}, woothee cases: {woothee}", ua.len());
    Ok(())
}
