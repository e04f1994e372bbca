//! Display helpers shared by the components (pure, tested).

/// How long ago something happened, in the unit people say it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelativeAge {
    /// Less than five minutes ago (the touch granularity).
    Now,
    /// Minutes ago (5–59).
    Minutes(u64),
    /// Hours ago (1–23).
    Hours(u64),
    /// Days ago.
    Days(u64),
}

/// Classifies `then` relative to `now` (both ms since epoch; the server's now).
pub fn relative_age(now: i64, then: i64) -> RelativeAge {
    let secs = u64::try_from((now - then).max(0) / 1000).unwrap_or(0);
    match secs {
        s if s < 5 * 60 => RelativeAge::Now,
        s if s < 3600 => RelativeAge::Minutes(s / 60),
        s if s < 86_400 => RelativeAge::Hours(s / 3600),
        s => RelativeAge::Days(s / 86_400),
    }
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
    fn relative_ages() {
        let now = 1_000_000_000_000;
        assert_eq!(relative_age(now, now), RelativeAge::Now);
        assert_eq!(relative_age(now, now + 5_000), RelativeAge::Now);
        assert_eq!(relative_age(now, now - 3 * 60_000), RelativeAge::Now);
        assert_eq!(relative_age(now, now - 7 * 60_000), RelativeAge::Minutes(7));
        assert_eq!(relative_age(now, now - 2 * 3_600_000), RelativeAge::Hours(2));
        assert_eq!(relative_age(now, now - 3 * 86_400_000), RelativeAge::Days(3));
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
