//! Spans of time in words, for the inspector's page and warnings.

/// A human description of a span of seconds: "29 min", "3 h 0 min", "2 days", "76 years".
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        // Two years or more in years (365.25 days each), as the page's countdown says them.
        86_400..=63_071_999 => format!("{} days", s / 86_400),
        _ => format!("{} years", s / 31_557_600),
    }
}

/// A moment relative to now, as a person would say it: "in 12 min", "3 days ago".
pub fn relative(seconds_from_now: i64) -> String {
    match seconds_from_now {
        0 => "now".into(),
        s if s > 0 => format!("in {}", human_duration(s)),
        s => format!("{} ago", human_duration(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_would_say_them() {
        assert_eq!(human_duration(1740), "29 min");
        assert_eq!(human_duration(-10_800), "3 h 0 min");
        assert_eq!(human_duration(5), "5 s");
        assert_eq!(relative(720), "in 12 min");
        assert_eq!(relative(-3 * 86_400), "3 days ago");
        assert_eq!(relative(0), "now");
        assert_eq!(human_duration(700 * 86_400), "700 days");
        assert_eq!(human_duration(4_102_444_800 - 1_700_000_000), "76 years");
    }
}
