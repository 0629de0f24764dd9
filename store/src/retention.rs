//! [`Retention`]: how much a persistent store keeps, by size and by age, and what a pruning
//! removed ([`PruneReport`]). Pruning removes whole rollouts (every attempt) and whole traces
//! without a rollout, oldest first, never a part of one.

use std::fmt;
use std::time::Duration;

/// The bounds of a persistent span store: at most `max_bytes` of database, spans no older
/// than `max_age`. `None` leaves that bound off.
///
/// ```
/// use std::time::Duration;
/// use agentrace_store::Retention;
///
/// let retention = Retention::none().max_bytes(256 << 20).max_age(Duration::from_secs(7 * 86_400));
/// assert!(retention.is_bounded());
/// assert_eq!(Retention::parse_age("7d").unwrap(), Some(Duration::from_secs(7 * 86_400)));
/// assert_eq!(Retention::parse_bytes("512MiB").unwrap(), Some(512 << 20));
/// assert_eq!(Retention::parse_bytes("none").unwrap(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Retention {
    /// The most bytes the database may hold; past it the oldest rollouts and traces go.
    pub max_bytes: Option<u64>,
    /// The oldest a rollout's or trace's newest span may be before it goes.
    pub max_age: Option<Duration>,
}

impl Retention {
    /// The embedded store's default: 1 GiB and 30 days. A developer's machine keeps a month
    /// of traces (several hundred thousand spans with content) and never loses more than a
    /// gigabyte of disk to them, even with an agent left running as a service.
    pub const EMBEDDED_DEFAULT: Retention = Retention {
        max_bytes: Some(1 << 30),
        max_age: Some(Duration::from_secs(30 * 86_400)),
    };

    /// No bound: nothing is ever pruned.
    pub fn none() -> Self {
        Retention::default()
    }

    /// Sets the size bound.
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = Some(bytes);
        self
    }

    /// Sets the age bound.
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    /// `true` when at least one bound is set.
    pub fn is_bounded(&self) -> bool {
        self.max_bytes.is_some() || self.max_age.is_some()
    }

    /// Parses a size: a whole number of bytes, or with a unit (`KB`, `MB`, `GB` as powers of
    /// 1000, `KiB`, `MiB`, `GiB` as powers of 1024); `none` or `off` for no bound.
    pub fn parse_bytes(text: &str) -> Result<Option<u64>, String> {
        let text = text.trim();
        if is_off(text) {
            return Ok(None);
        }
        let (number, unit) = number_and_unit(text);
        let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" => 1_000,
            "mb" => 1_000_000,
            "gb" => 1_000_000_000,
            "kib" => 1 << 10,
            "mib" => 1 << 20,
            "gib" => 1 << 30,
            _ => return Err("expected bytes such as 500000000, 500MB or 1GiB, or none".into()),
        };
        number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .filter(|bytes| *bytes > 0)
            .map(Some)
            .ok_or_else(|| "expected a positive size such as 500MB or 1GiB, or none".into())
    }

    /// Parses an age: a whole number with a unit, `s`, `m`, `h`, `d` or `w` (`7d`, `12h`);
    /// `none` or `off` for no bound.
    pub fn parse_age(text: &str) -> Result<Option<Duration>, String> {
        let text = text.trim();
        if is_off(text) {
            return Ok(None);
        }
        let (number, unit) = number_and_unit(text);
        let seconds: u64 = match unit.trim() {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => return Err("expected an age such as 30m, 12h, 7d or 2w, or none".into()),
        };
        number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(seconds))
            .filter(|seconds| *seconds > 0)
            .map(|seconds| Some(Duration::from_secs(seconds)))
            .ok_or_else(|| "expected a positive age such as 7d, or none".into())
    }
}

/// `"500MB"` as `("500", "MB")`.
fn number_and_unit(text: &str) -> (&str, &str) {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(split)
}

fn is_off(text: &str) -> bool {
    text.eq_ignore_ascii_case("none") || text.eq_ignore_ascii_case("off")
}

/// How much a store holds: for `agentrace traces`, and to check a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreSize {
    /// The database's size, in bytes.
    pub bytes: u64,
    /// The spans it holds.
    pub spans: u64,
    /// The start time of its oldest span, in nanoseconds since the Unix epoch.
    pub oldest_start: Option<u64>,
}

/// What one pruning removed (or, dry, would remove).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PruneReport {
    /// Rollouts removed, every attempt of each.
    pub rollouts: u64,
    /// Traces without a rollout removed.
    pub traces: u64,
    /// Spans removed.
    pub spans: u64,
    /// The database's size before, in bytes.
    pub bytes_before: u64,
    /// The database's size after (for a dry run, the same as before).
    pub bytes_after: u64,
    /// The start time of the oldest span removed, in nanoseconds since the Unix epoch.
    pub oldest_removed: Option<u64>,
    /// Whether nothing was removed because it was a dry run.
    pub dry_run: bool,
}

impl PruneReport {
    /// `true` when something was (or would be) removed.
    pub fn removed_anything(&self) -> bool {
        self.rollouts + self.traces > 0
    }
}

impl fmt::Display for PruneReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run {
            "would prune"
        } else {
            "pruned"
        };
        write!(
            f,
            "{verb} {} rollouts and {} traces ({} spans), oldest first; {} -> {}",
            self.rollouts,
            self.traces,
            self.spans,
            human_bytes(self.bytes_before),
            human_bytes(self.bytes_after)
        )
    }
}

/// `1.5 MB`, `820 KB`, `12 B`.
pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.0} KB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ages_parse_with_units_and_refuse_nonsense() {
        assert_eq!(Retention::parse_bytes("1000").unwrap(), Some(1000));
        assert_eq!(Retention::parse_bytes("2 GB").unwrap(), Some(2_000_000_000));
        assert_eq!(Retention::parse_bytes("off").unwrap(), None);
        for bad in ["", "-1", "0", "12XB", "MB", "1.5GB"] {
            assert!(Retention::parse_bytes(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Retention::parse_age("30m").unwrap(),
            Some(Duration::from_secs(1800))
        );
        assert_eq!(
            Retention::parse_age("2w").unwrap(),
            Some(Duration::from_secs(14 * 86_400))
        );
        assert_eq!(Retention::parse_age("NONE").unwrap(), None);
        for bad in ["", "7", "0d", "7y", "d"] {
            assert!(Retention::parse_age(bad).is_err(), "{bad:?}");
        }
    }
}
