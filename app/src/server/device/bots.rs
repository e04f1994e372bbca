//! Bots: the markers that give an automated client away, and its name.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

/// Substrings (lower case) that mark automated clients.
const BOT_MARKERS: &[&str] = &[
    "bot/",
    "bot;",
    "bot ",
    "-bot",
    "_bot",
    "bot)",
    "bot-",
    "crawler",
    "spider",
    "slurp",
    "scraper",
    "fetcher",
    "archiver",
    "facebookexternalhit",
    "lighthouse",
    "pagespeed",
    "preview",
    "monitor",
    "uptime",
    "pingdom",
    "httpclient",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "curl/",
    "wget/",
    "libwww",
    "apache-httpclient",
    "node-fetch",
    "axios/",
    "postmanruntime",
    "insomnia",
    "scrapy",
    "httpie",
    "feedfetcher",
    "feedburner",
    "rss",
    "validator",
    "checker",
    "wordpress",
    "mediapartners",
    "yahoo! slurp",
    "ia_archiver",
    "+http",
    "bingpreview",
    "://",
    "indexer",
    "ptst/",
    "inspectiontool",
    "datanyze",
    "statuscake",
    "nutch",
    "collector",
    "thumbnail",
    "masscan",
    "sleuth",
    "archive",
];

/// The bot markers and the device-type marks of `web` in one automaton, so
/// a user agent is read once for both (ASCII case-insensitive; the marks'
/// case is checked on each match).
static MARKERS: LazyLock<Option<(AhoCorasick, usize)>> = LazyLock::new(|| {
    let patterns: Vec<&str> = BOT_MARKERS.iter().chain(MARKS).copied().collect();
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
        .ok()
        .map(|ac| (ac, BOT_MARKERS.len()))
});

/// Whether `ua` looks like a bot, and which [`MARKS`] it carries (bits in
/// their order).
pub(super) fn markers(ua: &str) -> (bool, u32) {
    let bytes = ua.as_bytes();
    let mut bot = bytes.len() >= 3 && bytes[bytes.len() - 3..].eq_ignore_ascii_case(b"bot");
    let mut marks = 0;
    let Some((ac, bots)) = MARKERS.as_ref() else {
        return (bot, marks);
    };
    for m in ac.find_overlapping_iter(ua) {
        let p = m.pattern().as_usize();
        if p < *bots {
            let at = m.start();
            // "Cubot", "Robot" phone brands: a marker `bot…` must start a word.
            bot |= !(BOT_MARKERS[p].starts_with("bot")
                && at >= 2
                && (bytes[at - 2..at].eq_ignore_ascii_case(b"cu")
                    || bytes[at - 2..at].eq_ignore_ascii_case(b"ro")));
        } else if ua.as_bytes()[m.start()..m.end()] == *MARKS[p - bots].as_bytes() {
            marks |= 1 << (p - bots);
        }
    }
    (bot, marks)
}

/// Substrings that tell the device type (case-sensitive), found in the same
/// pass as the bot markers.
pub(super) const MARKS: &[&str] = &[
    "iPad",
    "iPod",
    "iPhone",
    "Tablet",
    "Kindle",
    "Silk/",
    "AppleWebKit",
    "Gecko/",
    "Mobile",
    "Windows Phone",
];

/// Whether `marks` (from [`markers`]) has `mark`.
pub(super) fn has_mark(marks: u32, mark: &str) -> bool {
    MARKS
        .iter()
        .position(|m| *m == mark)
        .is_some_and(|i| marks & (1 << i) != 0)
}

/// The first product token of a bot UA (e.g. "Googlebot" from
/// `Mozilla/5.0 (compatible; Googlebot/2.1; +http://…)`).
pub(super) fn bot_name(ua: &str) -> Option<String> {
    let candidates = ua
        .split(|c: char| c == ';' || c == '(' || c == ')' || c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty());
    let mut first = None;
    for token in candidates {
        let name = token.split('/').next().unwrap_or("");
        if name.is_empty() || name.starts_with('+') || name.contains("://") || name.starts_with("http") {
            continue;
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.!".contains(c))
            || name.len() > 40
        {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if first.is_none() && !matches!(lower.as_str(), "mozilla" | "compatible") {
            first = Some(name.to_owned());
        }
        if ["bot", "crawl", "spider", "fetch", "slurp", "archiver", "scrap"]
            .iter()
            .any(|m| lower.contains(m))
        {
            return Some(name.to_owned());
        }
    }
    first
}
