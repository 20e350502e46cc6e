//! Durations as users write them (`"1h 30m"`, `"1.5h"`, `"2d"`) and as the app saves them.
//!
//! A [`Duration`] is a whole number of milliseconds. Parsing accepts decimals and combinations and
//! rounds to the millisecond; formatting writes the largest units first with whole numbers only,
//! so `"1.5h"` is saved as `"1h 30m"` and a load -> save -> load -> save cycle is byte-stable.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds in one unit, largest first. Days are calendar days (24 h), weeks 7 days.
const UNITS: [(&str, u64); 6] = [
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// The longest duration we accept: 100 years. Longer values are almost certainly typos and would
/// overflow simulated time.
pub const MAX_MS: u64 = 100 * 365 * 24 * 3_600_000;

/// A non-negative length of time, stored in whole milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    ms: u64,
}

impl Duration {
    /// Zero time.
    pub const ZERO: Self = Self { ms: 0 };

    /// A duration of `ms` milliseconds (clamped to [`MAX_MS`]).
    #[must_use]
    pub const fn from_ms(ms: u64) -> Self {
        Self {
            ms: if ms > MAX_MS { MAX_MS } else { ms },
        }
    }

    /// A duration from fractional hours, rounded to the millisecond; negative or NaN gives zero.
    #[must_use]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to [0, MAX_MS] before the cast"
    )]
    pub fn from_hours(hours: f64) -> Self {
        let ms = (hours * 3_600_000.0).round();
        if ms.is_nan() || ms <= 0.0 {
            Self::ZERO
        } else {
            #[allow(clippy::cast_precision_loss, reason = "MAX_MS fits in f64's mantissa")]
            let max = MAX_MS as f64;
            Self::from_ms(ms.min(max) as u64)
        }
    }

    /// Whole milliseconds.
    #[must_use]
    pub const fn as_ms(self) -> u64 {
        self.ms
    }

    /// Fractional hours.
    #[must_use]
    #[allow(clippy::cast_precision_loss, reason = "MAX_MS fits in f64's mantissa")]
    pub fn as_hours(self) -> f64 {
        self.ms as f64 / 3_600_000.0
    }

    /// Fractional seconds.
    #[must_use]
    #[allow(clippy::cast_precision_loss, reason = "MAX_MS fits in f64's mantissa")]
    pub fn as_secs(self) -> f64 {
        self.ms as f64 / 1_000.0
    }

    /// True for a zero-length duration.
    #[must_use]
    pub const fn is_zero(self) -> bool {
        self.ms == 0
    }
}

/// Why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing but whitespace.
    #[error("empty duration (expected e.g. \"30m\", \"1h 30m\" or \"1.5h\")")]
    Empty,
    /// A part that is not a number followed by a unit.
    #[error("cannot read '{0}' (expected a number and a unit: w, d, h, m, s or ms)")]
    Part(String),
    /// A number without a unit.
    #[error("'{0}' has no unit (add one of w, d, h, m, s, ms)")]
    NoUnit(String),
    /// A minus sign.
    #[error("'{0}' is negative (durations cannot be negative)")]
    Negative(String),
    /// Longer than [`MAX_MS`].
    #[error("'{0}' is longer than 100 years")]
    TooLong(String),
}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut total_ms = 0.0_f64;
        let mut parts = 0;
        for part in text.split_whitespace() {
            total_ms += parse_part(part)?;
            parts += 1;
            #[allow(clippy::cast_precision_loss, reason = "MAX_MS fits in f64's mantissa")]
            let max = MAX_MS as f64;
            if total_ms > max {
                return Err(DurationError::TooLong(text.trim().to_owned()));
            }
        }
        if parts == 0 {
            return Err(DurationError::Empty);
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "non-negative and at most MAX_MS, checked above"
        )]
        let ms = total_ms.round() as u64;
        Ok(Self::from_ms(ms))
    }
}

/// One `<number><unit>` part, in milliseconds. Also accepts parts glued together (`"1h30m"`).
fn parse_part(part: &str) -> Result<f64, DurationError> {
    let bad = || DurationError::Part(part.to_owned());
    if part.starts_with('-') {
        return Err(DurationError::Negative(part.to_owned()));
    }
    let mut rest = part;
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return Err(bad());
        }
        let (number, after) = rest.split_at(number_len);
        let value: f64 = number.parse().map_err(|_| bad())?;
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(DurationError::NoUnit(part.to_owned()));
        }
        let scale = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, ms)| *ms)
            .ok_or_else(bad)?;
        #[allow(
            clippy::cast_precision_loss,
            reason = "unit scales are small exact integers"
        )]
        let part_ms = value * scale as f64;
        total += part_ms;
        rest = next;
    }
    Ok(total)
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ms == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.ms;
        let mut first = true;
        for (name, scale) in UNITS {
            let count = rest / scale;
            if count > 0 {
                if !first {
                    f.write_str(" ")?;
                }
                write!(f, "{count}{name}")?;
                rest %= scale;
                first = false;
            }
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse()
            .map_err(|e| serde::de::Error::custom(format!("invalid duration \"{text}\": {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Duration {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_units_combinations_and_decimals() {
        assert_eq!(d("45s").as_ms(), 45_000);
        assert_eq!(d("30m").as_ms(), 1_800_000);
        assert_eq!(d("4h").as_ms(), 4 * 3_600_000);
        assert_eq!(d("2d").as_ms(), 2 * 86_400_000);
        assert_eq!(d("1w").as_ms(), 7 * 86_400_000);
        assert_eq!(d("1h 30m"), d("1.5h"));
        assert_eq!(d("22.5m").as_ms(), 1_350_000);
        assert_eq!(d("1h30m"), d("90m"));
        assert_eq!(d("250ms").as_ms(), 250);
        assert_eq!(d("  2h  "), d("120m"));
    }

    #[test]
    fn formats_canonically() {
        assert_eq!(d("1.5h").to_string(), "1h 30m");
        assert_eq!(d("90m").to_string(), "1h 30m");
        assert_eq!(d("22.5m").to_string(), "22m 30s");
        assert_eq!(d("14d").to_string(), "2w");
        assert_eq!(d("0h").to_string(), "0s");
        assert_eq!(d("1.0001s").to_string(), "1s");
        assert_eq!(d("1.5s").to_string(), "1s 500ms");
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "", "  ", "5", "h", "5x", "-3m", "1..5h", "3 m", "1e3s", "200000w",
        ] {
            assert!(bad.parse::<Duration>().is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn display_round_trips() {
        for ms in [0, 1, 999, 1_000, 61_001, 3_600_000, 90_061_001, MAX_MS] {
            let value = Duration::from_ms(ms);
            assert_eq!(d(&value.to_string()), value);
        }
    }
}
