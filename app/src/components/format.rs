//! Display helpers shared by the components (pure, tested).

/// How long ago something happened, in the unit people say it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelativeAge {
    /// Less than five minutes ago (the touch granularity).
    Now,
    /// Minutes ago (5–59).
    Minutes(u64),
    /// Hours ago, earlier the same calendar day (in the reader's zone).
    Hours(u64),
    /// Calendar days ago in the reader's zone: 1 is "yesterday" even when it
    /// was two hours ago, just before midnight.
    Days(u64),
}

/// Classifies `then` relative to `now` (both ms since epoch; the server's
/// now), with the reader's UTC offsets (seconds) at each instant.
pub fn relative_age(now: i64, then: i64, now_offset: i32, then_offset: i32) -> RelativeAge {
    let secs = u64::try_from((now - then).max(0) / 1000).unwrap_or(0);
    if secs < 5 * 60 {
        return RelativeAge::Now;
    }
    if secs < 3600 {
        return RelativeAge::Minutes(secs / 60);
    }
    match u64::try_from(local_day(now, now_offset) - local_day(then, then_offset)) {
        Ok(0) | Err(_) => RelativeAge::Hours(secs / 3600),
        Ok(days) => RelativeAge::Days(days),
    }
}

/// The reader's calendar day (days since 1970-01-01) of `ms` at `offset`
/// seconds from UTC.
pub fn local_day(ms: i64, offset: i32) -> i64 {
    (ms + i64::from(offset) * 1000).div_euclid(86_400_000)
}

/// The flag emoji of an ISO 3166-1 alpha-2 country code ("ES" → 🇪🇸).
// The same as `leptos_sessions_entity::display::country_flag`, on purpose:
// this copy reaches the wasm build, which must not depend on the entity
// crate (sea-orm).
pub fn country_flag(code: &str) -> Option<String> {
    let code = code.trim();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    code.to_ascii_uppercase()
        .chars()
        .map(|c| char::from_u32(0x1F1E6 + (c as u32 - 'A' as u32)))
        .collect()
}

/// UTC calendar date `(year, month 1–12, day)` of a ms timestamp.
pub fn civil_date(ms: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days-from-civil inverse.
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (y, u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

/// "Google" for "google": provider ids are shown capitalized.
pub fn provider_label(provider: &str) -> String {
    let mut chars = provider.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_ages_follow_the_readers_calendar() {
        use super::{RelativeAge::*, relative_age};
        const H: i64 = 3_600_000;
        // 2026-05-02 00:30 in Madrid (UTC+2) is 2026-05-01 22:30 UTC.
        let now = 1_777_674_600_000;
        // 23:30 the evening before, Madrid: one hour ago, but yesterday.
        assert_eq!(relative_age(now, now - H, 7200, 7200), Days(1));
        // The same two instants read in UTC are the same day.
        assert_eq!(relative_age(now, now - H, 0, 0), Hours(1));
        // Los Angeles (UTC-7): 15:30 and 14:30 the same day.
        assert_eq!(relative_age(now, now - H, -25_200, -25_200), Hours(1));
        assert_eq!(relative_age(now, now - 20 * H, -25_200, -25_200), Days(1));
        assert_eq!(relative_age(now, now - 2 * 60_000, 7200, 7200), Now);
        assert_eq!(relative_age(now, now - 30 * 60_000, 7200, 7200), Minutes(30));
        // A clock ahead of ours is "now", never negative.
        assert_eq!(relative_age(now, now + H, 7200, 7200), Now);
        // Across a DST change the offsets differ per instant: 23:30 local
        // (22:30 UTC in winter time) three days earlier is four calendar days.
        assert_eq!(relative_age(now, now - 3 * 24 * H, 7200, 3600), Days(4));
    }

    #[test]
    fn relative_ages_in_utc() {
        // 2001-09-09 01:46:40 UTC.
        let now = 1_000_000_000_000;
        let age = |then| relative_age(now, then, 0, 0);
        assert_eq!(age(now), RelativeAge::Now);
        assert_eq!(age(now + 5_000), RelativeAge::Now);
        assert_eq!(age(now - 3 * 60_000), RelativeAge::Now);
        assert_eq!(age(now - 7 * 60_000), RelativeAge::Minutes(7));
        assert_eq!(age(now - 61 * 60_000), RelativeAge::Hours(1));
        assert_eq!(age(now - 2 * 3_600_000), RelativeAge::Days(1));
        assert_eq!(age(now - 3 * 86_400_000), RelativeAge::Days(3));
    }

    #[test]
    fn flags() {
        assert_eq!(country_flag("es").as_deref(), Some("🇪🇸"));
        assert_eq!(country_flag("GB").as_deref(), Some("🇬🇧"));
        assert_eq!(country_flag("E1"), None);
        assert_eq!(country_flag(""), None);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        // 2026-05-02T09:12:00Z
        assert_eq!(civil_date(1_777_713_120_000), (2026, 5, 2));
        assert_eq!(civil_date(951_782_400_000), (2000, 2, 29));
    }
}
