//! Text helpers shared by the commands: ANSI colour (only when asked), durations, dates.

/// Wraps `text` in an ANSI style when `on`.
pub(crate) fn paint(text: &str, code: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

pub(crate) const BOLD: &str = "1";
pub(crate) const DIM: &str = "2";
pub(crate) const RED: &str = "31";
pub(crate) const GREEN: &str = "32";
pub(crate) const CYAN: &str = "36";
pub(crate) const YELLOW: &str = "33";

/// A duration in nanoseconds as `1.234 ms`, `12.3 s` or `850 µs`.
pub(crate) fn duration(nanos: u64) -> String {
    match nanos {
        n if n >= 10_000_000_000 => format!("{:.1} s", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.3} ms", n as f64 / 1e6),
        n => format!("{} µs", n / 1_000),
    }
}

/// Nanoseconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS` UTC.
pub(crate) fn utc(nanos: u64) -> String {
    let secs = nanos / 1_000_000_000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_and_durations_read_as_people_write_them() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00");
        assert_eq!(
            super::utc(1_709_251_199 * 1_000_000_000),
            "2024-02-29 23:59:59"
        );
        assert_eq!(super::duration(1_234_567), "1.235 ms");
        assert_eq!(super::duration(850_000), "850 µs");
    }
}
