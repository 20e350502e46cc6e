//! Days of the week, times of day, dates and date-times as users write them, read and written
//! as strings in files (`"Mon-Fri"`, `"09:00"`, `"2026-12-24"`, `"2026-01-05 08:30"`).
//!
//! Dates are proleptic Gregorian, counted in days from 1970-01-01 (a Thursday); the conversions
//! are Howard Hinnant's `days_from_civil` and `civil_from_days`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Day names, Monday first, as files write them.
pub(super) const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A set of weekdays (bit 0 is Monday).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Days(u8);

impl Days {
    /// Every day of the week.
    pub const ALL: Self = Self(0x7f);
    /// Monday to Friday.
    pub const WEEKDAYS: Self = Self(0x1f);

    /// The set holding only `day` (0 is Monday).
    #[must_use]
    pub const fn day(day: u8) -> Self {
        Self(1 << (day % 7))
    }

    /// True when `day` (0 is Monday) is in the set.
    #[must_use]
    pub const fn contains(self, day: u8) -> bool {
        day < 7 && self.0 & (1 << day) != 0
    }

    /// How many days the set holds.
    #[must_use]
    pub const fn count(self) -> u32 {
        self.0.count_ones()
    }

    /// The set with `day` added or removed.
    #[must_use]
    pub const fn with(self, day: u8, on: bool) -> Self {
        if on {
            Self(self.0 | (1 << (day % 7)))
        } else {
            Self(self.0 & !(1 << (day % 7)))
        }
    }
}

/// The error of a day, time or date that does not parse: what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TextError(String);

fn day_index(name: &str) -> Option<u8> {
    let lower = name.trim().to_ascii_lowercase();
    if lower.len() < 2 {
        return None;
    }
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let found = full
        .iter()
        .position(|f| f.starts_with(&lower) && lower.len() >= 3.min(f.len()));
    found.and_then(|i| u8::try_from(i).ok())
}

impl FromStr for Days {
    type Err = TextError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || {
            TextError(format!(
                "{text:?} is not a set of days; write days like \"Mon\", \"Mon-Fri\", \
                 \"Sat-Sun\" or \"Mon,Wed\""
            ))
        };
        let mut bits = 0u8;
        for part in text.split(',') {
            let (a, b) = part.split_once('-').unwrap_or((part, part));
            let (a, b) = (
                day_index(a).ok_or_else(expected)?,
                day_index(b).ok_or_else(expected)?,
            );
            // A range may wrap past Sunday ("Sat-Mon").
            let mut d = a;
            loop {
                bits |= 1 << d;
                if d == b {
                    break;
                }
                d = (d + 1) % 7;
            }
        }
        if bits == 0 {
            return Err(expected());
        }
        Ok(Self(bits))
    }
}

impl fmt::Display for Days {
    /// Runs of consecutive days as ranges, Monday first: `Mon-Fri`, `Mon,Wed`, `Sat-Sun`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let mut d = 0u8;
        while d < 7 {
            if self.contains(d) {
                let first = d;
                while d + 1 < 7 && self.contains(d + 1) {
                    d += 1;
                }
                parts.push(if first == d {
                    DAY_NAMES[first as usize].to_owned()
                } else {
                    format!("{}-{}", DAY_NAMES[first as usize], DAY_NAMES[d as usize])
                });
            }
            d += 1;
        }
        f.write_str(&parts.join(","))
    }
}

/// A time of day in whole minutes, `00:00` to `24:00`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// Midnight at the start of a day.
    pub const MIDNIGHT: Self = Self(0);
    /// Midnight at the end of a day (`24:00`).
    pub const END_OF_DAY: Self = Self(1440);

    /// The time `hours:minutes` (clamped to `24:00`).
    #[must_use]
    pub const fn hm(hours: u16, minutes: u16) -> Self {
        let m = hours * 60 + minutes;
        Self(if m > 1440 { 1440 } else { m })
    }

    /// Minutes after midnight.
    #[must_use]
    pub const fn minutes(self) -> u16 {
        self.0
    }
}

impl FromStr for TimeOfDay {
    type Err = TextError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || {
            TextError(format!(
                "{text:?} is not a time of day; write hours and minutes like \"09:00\" or \
                 \"17:30\" (\"24:00\" is the end of the day)"
            ))
        };
        let (h, m) = text.trim().split_once(':').ok_or_else(expected)?;
        let all_digits =
            |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(h) || m.len() != 2 || !all_digits(m) {
            return Err(expected());
        }
        let (h, m): (u16, u16) = (
            h.parse().map_err(|_| expected())?,
            m.parse().map_err(|_| expected())?,
        );
        if m >= 60 || h > 24 || (h == 24 && m > 0) {
            return Err(expected());
        }
        Ok(Self(h * 60 + m))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A calendar date, as days since 1970-01-01.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// The date `year-month-day`, or `None` when there is no such day.
    #[must_use]
    pub fn ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(1..=9999).contains(&year) {
            return None;
        }
        Some(Self(days_from_civil(year, month, day)))
    }

    /// Days since 1970-01-01.
    #[must_use]
    pub const fn days(self) -> i64 {
        self.0
    }

    /// The date `days` after 1970-01-01.
    #[must_use]
    pub const fn from_days(days: i64) -> Self {
        Self(days)
    }

    /// Day of the week, 0 for Monday.
    #[must_use]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "in 0..7"
    )]
    pub const fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        (self.0 + 3).rem_euclid(7) as u8
    }

    /// Year, month, day.
    #[must_use]
    pub fn civil(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "month and day are small"
)]
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl FromStr for Date {
    type Err = TextError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || {
            TextError(format!(
                "{text:?} is not a date; write year-month-day like \"2026-12-24\""
            ))
        };
        let mut parts = text.trim().split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(expected());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(expected());
        }
        let (y, m, d) = (
            y.parse().map_err(|_| expected())?,
            m.parse().map_err(|_| expected())?,
            d.parse().map_err(|_| expected())?,
        );
        Self::ymd(y, m, d).ok_or_else(expected)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A date and a time of day, in whole minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// The date.
    pub date: Date,
    /// The time of day (below `24:00`).
    pub time: TimeOfDay,
}

impl DateTime {
    /// The default start of the simulated clock: Monday 2026-01-05, 00:00.
    pub const DEFAULT_START: Self = Self {
        date: Date(20_458),
        time: TimeOfDay::MIDNIGHT,
    };

    /// Minutes since the Monday 00:00 that begins this date-time's week.
    #[must_use]
    pub fn minutes_into_week(self) -> u32 {
        u32::from(self.date.weekday()) * 1440 + u32::from(self.time.minutes())
    }

    /// The date of the Monday that begins this date-time's week.
    #[must_use]
    pub fn week_monday(self) -> Date {
        Date(self.date.0 - i64::from(self.date.weekday()))
    }
}

impl FromStr for DateTime {
    type Err = TextError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || {
            TextError(format!(
                "{text:?} is not a date and time; write it like \"2026-01-05 08:00\""
            ))
        };
        let text = text.trim();
        let (date, time) = text
            .split_once([' ', 'T'])
            .map_or((text, "00:00"), |(d, t)| (d, t.trim()));
        let date: Date = date.parse().map_err(|_| expected())?;
        let time: TimeOfDay = time.parse().map_err(|_| expected())?;
        if time == TimeOfDay::END_OF_DAY {
            return Err(expected());
        }
        Ok(Self { date, time })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.date, self.time)
    }
}

/// Serde as a string through `FromStr` and `Display`, with the parse message as the error.
macro_rules! string_serde {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}
string_serde!(Days, TimeOfDay, Date, DateTime);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_and_write_canonically() {
        let cases = [
            ("Mon-Fri", "Mon-Fri"),
            ("mon,tue,wed", "Mon-Wed"),
            ("Sat-Sun", "Sat-Sun"),
            ("Sat-Mon", "Mon,Sat-Sun"),
            ("Mon,Wed", "Mon,Wed"),
            ("Tuesday", "Tue"),
            ("Mon-Sun", "Mon-Sun"),
        ];
        for (text, canonical) in cases {
            let days: Days = text.parse().expect(text);
            assert_eq!(days.to_string(), canonical, "{text}");
        }
        for bad in ["", "Mo-", "Funday", "Mon--Fri", "M"] {
            assert!(bad.parse::<Days>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn times_and_dates_parse_strictly() {
        assert_eq!(
            "09:00".parse::<TimeOfDay>().map(TimeOfDay::minutes),
            Ok(540)
        );
        assert_eq!(
            "24:00".parse::<TimeOfDay>().map(TimeOfDay::minutes),
            Ok(1440)
        );
        for bad in ["24:01", "9", "09:60", "-1:00", "09:0", "ab:cd"] {
            assert!(bad.parse::<TimeOfDay>().is_err(), "{bad:?}");
        }
        let d: Date = "2026-12-24".parse().expect("date");
        assert_eq!(d.to_string(), "2026-12-24");
        assert_eq!(d.weekday(), 3, "2026-12-24 is a Thursday");
        assert_eq!(
            "2026-01-05".parse::<Date>().map(Date::weekday),
            Ok(0),
            "a Monday"
        );
        assert!("2026-02-29".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert_eq!(DateTime::DEFAULT_START.to_string(), "2026-01-05 00:00");
        let t: DateTime = "2026-01-09 16:00".parse().expect("datetime");
        assert_eq!(t.minutes_into_week(), 4 * 1440 + 960);
        for days in [-800_000_i64, -1, 0, 59, 20_458, 2_000_000] {
            let (y, m, dd) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, dd), days);
        }
    }
}
