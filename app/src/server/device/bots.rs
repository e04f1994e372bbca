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

static MARKERS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(BOT_MARKERS)
        .ok()
});

pub(super) fn looks_like_bot(ua: &str) -> bool {
    let bytes = ua.as_bytes();
    if bytes.len() >= 3 && bytes[bytes.len() - 3..].eq_ignore_ascii_case(b"bot") {
        return true;
    }
    let Some(markers) = MARKERS.as_ref() else {
        return false;
    };
    markers.find_iter(ua).any(|m| {
        let at = m.start();
        let marker = BOT_MARKERS[m.pattern().as_usize()];
        // "Cubot", "Robot" phone brands: a marker `bot…` must start a word.
        !(marker.starts_with("bot")
            && at >= 2
            && (bytes[at - 2..at].eq_ignore_ascii_case(b"cu") || bytes[at - 2..at].eq_ignore_ascii_case(b"ro")))
    })
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
