//! The reader's time zone: the host's setting, or the zone the browser
//! reported (a cookie the components set after hydration), resolved to the
//! UTC offsets over the interval a page shows.

use jiff::{Timestamp, tz::TimeZone};

use crate::types::{ReaderZone, ZoneSource, ZoneSpan};

/// At most this many offset changes per page (two a year: a century and more).
const MAX_SPANS: usize = 256;

/// The zone named `name`, if it is a plausible name of a zone the database
/// knows.
pub(crate) fn lookup(name: &str) -> Option<TimeZone> {
    ReaderZone::plausible_name(name)
        .then(|| TimeZone::get(name).ok())
        .flatten()
}

/// `name`'s offsets from `from` to `to` (ms since epoch); UTC, with
/// [`ZoneSource::Unknown`], when there is no name or it is not a zone.
pub(crate) fn resolve(
    name: Option<&str>,
    source: ZoneSource,
    from: i64,
    to: i64,
    cookie: String,
) -> ReaderZone {
    let unknown = || ReaderZone {
        name: None,
        source: ZoneSource::Unknown,
        spans: Vec::new(),
        cookie: cookie.clone(),
    };
    let Some((name, tz)) = name.and_then(|n| lookup(n).map(|tz| (n, tz))) else {
        return unknown();
    };
    let Ok(start) = Timestamp::from_millisecond(from.min(to)) else {
        return unknown();
    };
    let mut spans = vec![ZoneSpan {
        from: from.min(to),
        offset: tz.to_offset(start).seconds(),
    }];
    for transition in tz.following(start).take(MAX_SPANS) {
        let at = transition.timestamp().as_millisecond();
        if at > to {
            break;
        }
        spans.push(ZoneSpan {
            from: at,
            offset: transition.offset().seconds(),
        });
    }
    ReaderZone {
        name: Some(name.to_owned()),
        source,
        spans,
        cookie,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    // 2026-03-01T00:00Z and 2026-05-01T00:00Z.
    const MARCH: i64 = 1_772_323_200_000;
    const MAY: i64 = 1_777_593_600_000;

    #[test]
    fn madrid_spans_the_spring_change() {
        let zone = resolve(
            Some("Europe/Madrid"),
            ZoneSource::Browser,
            MARCH,
            MAY,
            "tz".into(),
        );
        assert_eq!(zone.name.as_deref(), Some("Europe/Madrid"));
        assert_eq!(zone.source, ZoneSource::Browser);
        assert_eq!(zone.offset_at(MARCH), 3600);
        assert_eq!(zone.offset_at(MAY), 7200);
        // Summer time began 2026-03-29 01:00 UTC.
        let change = 1_774_746_000_000;
        assert_eq!(zone.offset_at(change - 1), 3600);
        assert_eq!(zone.offset_at(change), 7200);
        assert_eq!(zone.spans.len(), 2);
    }

    #[test]
    fn los_angeles_and_zones_without_changes() {
        let la = resolve(
            Some("America/Los_Angeles"),
            ZoneSource::Host,
            MAY,
            MAY + DAY,
            String::new(),
        );
        assert_eq!(la.offset_at(MAY), -7 * 3600);
        let kolkata = resolve(
            Some("Asia/Kolkata"),
            ZoneSource::Browser,
            MARCH,
            MAY,
            String::new(),
        );
        assert_eq!(kolkata.spans.len(), 1);
        assert_eq!(kolkata.offset_at(MAY), 19_800);
    }

    #[test]
    fn junk_names_are_utc_and_unknown() {
        for junk in [
            "",
            "Not/AZone",
            "../../etc/passwd",
            "/etc/localtime",
            "Europe/Madrid; Path=/",
            &"A".repeat(65),
        ] {
            let zone = resolve(Some(junk), ZoneSource::Browser, MARCH, MAY, String::new());
            assert_eq!(zone.name, None, "{junk:?}");
            assert_eq!(zone.source, ZoneSource::Unknown);
            assert_eq!(zone.offset_at(MAY), 0);
        }
        assert_eq!(
            resolve(None, ZoneSource::Browser, MARCH, MAY, String::new()).name,
            None
        );
    }

    #[test]
    fn spans_are_bounded() {
        let zone = resolve(
            Some("Europe/Madrid"),
            ZoneSource::Browser,
            0,
            i64::MAX / 4,
            String::new(),
        );
        assert!(zone.spans.len() <= MAX_SPANS + 1);
    }
}
