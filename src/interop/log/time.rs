//! Timestamps of event logs: ISO 8601 (with `T` or a space, fractional seconds, with or without
//! a zone), year-first dates with `/` or `.`, Excel-style day-first and month-first dates
//! (`dd/mm/yyyy hh:mm[:ss]`, `mm/dd/yyyy ...`, `dd.mm.yyyy`, optional AM/PM), and epoch numbers
//! (seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude).
//!
//! [`detect`] picks one [`TimeFormat`] from a sample of a column's values; [`parse`] then reads
//! each value without allocating. Instants are microseconds since 1970-01-01 00:00 UTC; a zone
//! in the text is subtracted to get UTC and kept as the offset.

use std::fmt;

use crate::model::calendar::Date;
use crate::model::log::US_PER_SECOND;

/// One parsed timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Microseconds since 1970-01-01 00:00 UTC.
    pub instant: i64,
    /// The zone offset written in the text, minutes east of UTC (0 without one).
    pub offset_minutes: i16,
}

/// The unit of an epoch number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochUnit {
    /// Seconds (values below 10^11, that is before the year 5138).
    Seconds,
    /// Milliseconds (below 10^14).
    Millis,
    /// Microseconds (below 10^17).
    Micros,
    /// Nanoseconds.
    Nanos,
}

impl EpochUnit {
    const fn per_unit_ns(self) -> i128 {
        match self {
            Self::Seconds => 1_000_000_000,
            Self::Millis => 1_000_000,
            Self::Micros => 1_000,
            Self::Nanos => 1,
        }
    }
}

/// How the values of one timestamp column are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeFormat {
    /// `yyyy-mm-dd[Thh:mm[:ss[.f]]][zone]`; the date separator may also be `/` or `.`, the time
    /// separator a space.
    YearFirst,
    /// `dd/mm/yyyy [hh:mm[:ss[.f]]] [AM|PM] [zone]`; separators `/`, `.` or `-`; two-digit years
    /// are 2000-2029 for 00-29, else 1900s.
    DayFirst,
    /// `mm/dd/yyyy ...`, otherwise as [`TimeFormat::DayFirst`].
    MonthFirst,
    /// A number since 1970-01-01 00:00 UTC, with an optional fraction.
    Epoch(EpochUnit),
}

impl TimeFormat {
    /// The day-first format for a month-first one and back (others unchanged).
    #[must_use]
    pub const fn swapped(self) -> Self {
        match self {
            Self::DayFirst => Self::MonthFirst,
            Self::MonthFirst => Self::DayFirst,
            other => other,
        }
    }
}

impl fmt::Display for TimeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::YearFirst => "ISO 8601 (yyyy-mm-dd hh:mm:ss[.f][zone])",
            Self::DayFirst => "day first (dd/mm/yyyy hh:mm[:ss])",
            Self::MonthFirst => "month first (mm/dd/yyyy hh:mm[:ss])",
            Self::Epoch(EpochUnit::Seconds) => "epoch seconds",
            Self::Epoch(EpochUnit::Millis) => "epoch milliseconds",
            Self::Epoch(EpochUnit::Micros) => "epoch microseconds",
            Self::Epoch(EpochUnit::Nanos) => "epoch nanoseconds",
        })
    }
}

/// What [`detect`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detected {
    /// The format that reads the most sampled values.
    pub format: TimeFormat,
    /// True when day-first was assumed because no sampled value had a day above 12 (nor a
    /// month position above 12); a later value may still decide.
    pub ambiguous: bool,
    /// Sampled values the format reads.
    pub parsed: usize,
    /// Sampled values (non-empty).
    pub sampled: usize,
}

/// The format that reads most of `values` (empty ones skipped), or `None` when none reads any.
pub fn detect<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<Detected> {
    let (mut year_first, mut day_first, mut month_first, mut numeric) = (0, 0, 0, 0);
    let (mut first_above_12, mut second_above_12) = (false, false);
    let mut largest: u128 = 0;
    let mut sampled = 0;
    for value in values {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        sampled += 1;
        if let Some(magnitude) = epoch_magnitude(value.as_bytes()) {
            numeric += 1;
            largest = largest.max(magnitude);
            continue;
        }
        if parse(TimeFormat::YearFirst, value).is_some() {
            year_first += 1;
            continue;
        }
        let day = parse(TimeFormat::DayFirst, value).is_some();
        let month = parse(TimeFormat::MonthFirst, value).is_some();
        day_first += usize::from(day);
        month_first += usize::from(month);
        first_above_12 |= day && !month;
        second_above_12 |= month && !day;
    }
    let unit = match largest {
        0..100_000_000_000 => EpochUnit::Seconds,
        100_000_000_000..100_000_000_000_000 => EpochUnit::Millis,
        100_000_000_000_000..100_000_000_000_000_000 => EpochUnit::Micros,
        _ => EpochUnit::Nanos,
    };
    let dmy = day_first.max(month_first);
    let best = year_first.max(numeric).max(dmy);
    if best == 0 {
        return None;
    }
    let (format, ambiguous) = if year_first == best {
        (TimeFormat::YearFirst, false)
    } else if numeric == best {
        (TimeFormat::Epoch(unit), false)
    } else if month_first > day_first || (second_above_12 && !first_above_12) {
        (TimeFormat::MonthFirst, false)
    } else {
        (
            TimeFormat::DayFirst,
            !first_above_12 && !second_above_12 && day_first == month_first,
        )
    };
    Some(Detected {
        format,
        ambiguous,
        parsed: best,
        sampled,
    })
}

/// `value` read as `format`, or `None` when it is not a timestamp of that format.
#[must_use]
pub fn parse(format: TimeFormat, value: &str) -> Option<Stamp> {
    let bytes = value.trim().as_bytes();
    match format {
        TimeFormat::YearFirst => year_first(bytes),
        TimeFormat::DayFirst => day_month(bytes, true),
        TimeFormat::MonthFirst => day_month(bytes, false),
        TimeFormat::Epoch(unit) => epoch(bytes, unit),
    }
}

/// Microseconds of 10000-01-01: instants must be earlier (and after -that).
const LIMIT_US: i64 = 253_402_300_800 * US_PER_SECOND;

struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn eat_any(&mut self, bytes: &[u8]) -> Option<u8> {
        let byte = self.peek().filter(|b| bytes.contains(b))?;
        self.at += 1;
        Some(byte)
    }

    fn spaces(&mut self) -> usize {
        let from = self.at;
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
        self.at - from
    }

    /// Between `min` and `max` decimal digits, with how many were read.
    fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let mut value = 0u32;
        let mut count = 0;
        while count < max {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(b - b'0');
                    count += 1;
                    self.at += 1;
                }
                _ => break,
            }
        }
        (count >= min).then_some((value, count))
    }

    fn done(&self) -> bool {
        self.at == self.text.len()
    }
}

fn year_first(text: &[u8]) -> Option<Stamp> {
    let mut c = Cursor { text, at: 0 };
    let (year, _) = c.digits(4, 4)?;
    let separator = c.eat_any(b"-/.")?;
    let (month, _) = c.digits(1, 2)?;
    if !c.eat(separator) {
        return None;
    }
    let (day, _) = c.digits(1, 2)?;
    let date = Date::ymd(i64::from(year), month, day)?;
    time_and_zone(&mut c, date)
}

fn day_month(text: &[u8], day_first: bool) -> Option<Stamp> {
    let mut c = Cursor { text, at: 0 };
    let (first, _) = c.digits(1, 2)?;
    let separator = c.eat_any(b"/.-")?;
    let (second, _) = c.digits(1, 2)?;
    if !c.eat(separator) {
        return None;
    }
    let (year, width) = c.digits(2, 4)?;
    let year = match width {
        2 if year < 30 => 2000 + year,
        2 => 1900 + year,
        4 => year,
        _ => return None,
    };
    let (day, month) = if day_first {
        (first, second)
    } else {
        (second, first)
    };
    let date = Date::ymd(i64::from(year), month, day)?;
    time_and_zone(&mut c, date)
}

/// The optional time of day and zone after a date, to the end of the text.
fn time_and_zone(c: &mut Cursor<'_>, date: Date) -> Option<Stamp> {
    let mut seconds_of_day = 0i64;
    let mut micros = 0i64;
    let has_time = c.eat(b'T') || c.eat(b't') || c.spaces() > 0 || c.eat(b',');
    if has_time {
        c.spaces();
        let (hour, _) = c.digits(1, 2)?;
        if !c.eat(b':') {
            return None;
        }
        let (minute, _) = c.digits(2, 2)?;
        let mut second = 0;
        if c.eat(b':') {
            second = c.digits(2, 2)?.0;
            if c.eat_any(b".,").is_some() {
                let from = c.at;
                while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                    c.at += 1;
                }
                let fraction = c.text.get(from..c.at)?;
                if fraction.is_empty() {
                    return None;
                }
                for position in 0..6 {
                    let digit = fraction.get(position).map_or(0, |d| i64::from(d - b'0'));
                    micros = micros * 10 + digit;
                }
            }
        }
        c.spaces();
        let hour = meridiem(c, hour)?;
        let midnight_end = hour == 24 && minute == 0 && second == 0 && micros == 0;
        if (hour > 23 && !midnight_end) || minute > 59 || second > 60 {
            return None;
        }
        seconds_of_day = i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    }
    c.spaces();
    let offset_minutes = zone(c)?;
    if !c.done() {
        return None;
    }
    let instant = (date.days() * 86_400 + seconds_of_day - i64::from(offset_minutes) * 60)
        * US_PER_SECOND
        + micros;
    (instant.abs() < LIMIT_US).then_some(Stamp {
        instant,
        offset_minutes,
    })
}

/// The hour on a 24-hour clock, reading an optional AM or PM.
fn meridiem(c: &mut Cursor<'_>, hour: u32) -> Option<u32> {
    let rest = c.text.get(c.at..)?;
    let pm = match rest.get(..2) {
        Some(m) if m.eq_ignore_ascii_case(b"am") => false,
        Some(m) if m.eq_ignore_ascii_case(b"pm") => true,
        _ => return Some(hour),
    };
    if !(1..=12).contains(&hour) {
        return None;
    }
    c.at += 2;
    Some(hour % 12 + if pm { 12 } else { 0 })
}

/// An optional zone: `Z`, `UTC`, `GMT`, `+hh:mm`, `+hhmm`, `+hh` (or `-`), minutes east.
fn zone(c: &mut Cursor<'_>) -> Option<i16> {
    if c.eat(b'Z') || c.eat(b'z') {
        return Some(0);
    }
    let name = c.text.get(c.at..c.at + 3);
    if name.is_some_and(|n| n.eq_ignore_ascii_case(b"utc") || n.eq_ignore_ascii_case(b"gmt")) {
        c.at += 3;
        if c.done() {
            return Some(0);
        }
    }
    let sign = match c.eat_any(b"+-") {
        Some(b'-') => -1,
        Some(_) => 1,
        None => return Some(0),
    };
    let (hours, _) = c.digits(2, 2)?;
    let minutes = if c.eat(b':') {
        c.digits(2, 2)?.0
    } else {
        c.digits(2, 2).map_or(0, |(m, _)| m)
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, reason = "at most 23 * 60 + 59")]
    Some(sign * (hours * 60 + minutes) as i16)
}

/// The integer part of an epoch number (a decimal with an optional sign and fraction).
fn epoch_magnitude(text: &[u8]) -> Option<u128> {
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    let (whole, fraction) = match digits.iter().position(|&b| b == b'.') {
        Some(dot) => (digits.get(..dot)?, digits.get(dot + 1..)?),
        None => (digits, &[][..]),
    };
    if whole.is_empty() || whole.len() > 20 || !whole.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        whole
            .iter()
            .fold(0u128, |v, d| v * 10 + u128::from(d - b'0')),
    )
}

fn epoch(text: &[u8], unit: EpochUnit) -> Option<Stamp> {
    let negative = text.first() == Some(&b'-');
    let whole = epoch_magnitude(text)?;
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    let mut nanos = i128::try_from(whole).ok()? * unit.per_unit_ns();
    if let Some(dot) = digits.iter().position(|&b| b == b'.') {
        let mut scale = unit.per_unit_ns();
        for d in digits.get(dot + 1..)? {
            scale /= 10;
            nanos += i128::from(d - b'0') * scale;
        }
    }
    if negative {
        nanos = -nanos;
    }
    let instant = i64::try_from(nanos.div_euclid(1000)).ok()?;
    (instant.abs() < LIMIT_US).then_some(Stamp {
        instant,
        offset_minutes: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600 * US_PER_SECOND;

    fn at(format: TimeFormat, text: &str) -> (i64, i16) {
        let stamp = parse(format, text).unwrap_or_else(|| panic!("{text} as {format}"));
        (stamp.instant, stamp.offset_minutes)
    }

    /// 2024-03-14 00:00 UTC in microseconds.
    const DAY: i64 = 1_710_374_400 * US_PER_SECOND;

    #[test]
    fn iso_with_t_or_space_fractions_and_zones() {
        let f = TimeFormat::YearFirst;
        assert_eq!(at(f, "2024-03-14"), (DAY, 0));
        assert_eq!(
            at(f, "2024-03-14T10:30"),
            (DAY + 10 * H + 30 * 60_000_000, 0)
        );
        assert_eq!(at(f, "2024-03-14 10:00:05"), (DAY + 10 * H + 5_000_000, 0));
        assert_eq!(at(f, "2024-03-14T10:00:00.5"), (DAY + 10 * H + 500_000, 0));
        assert_eq!(
            at(f, "2024-03-14T10:00:00.123456789"),
            (DAY + 10 * H + 123_456, 0)
        );
        assert_eq!(at(f, "2024-03-14T10:00:00Z"), (DAY + 10 * H, 0));
        assert_eq!(at(f, "2024-03-14T10:00:00+01:00"), (DAY + 9 * H, 60));
        assert_eq!(at(f, "2024-03-14T10:00:00+0100"), (DAY + 9 * H, 60));
        assert_eq!(at(f, "2024-03-14T10:00:00-05"), (DAY + 15 * H, -300));
        assert_eq!(
            at(f, "2024-03-14 10:00:00.250 +05:30"),
            (DAY + 10 * H + 250_000 - 330 * 60_000_000, 330)
        );
        assert_eq!(at(f, "2024/03/14 10:00"), (DAY + 10 * H, 0));
        assert_eq!(at(f, "2024.3.14 10:00 UTC"), (DAY + 10 * H, 0));
        assert_eq!(at(f, " 2024-03-14T24:00:00 "), (DAY + 24 * H, 0));
        for bad in [
            "2024-13-01",
            "2024-02-30",
            "2024-03-14T25:00",
            "2024-03-14T10:60",
            "2024-03-14x",
            "2024-03-14T10",
            "24-03-14",
            "2024-03/14",
            "2024-03-14T10:00+25:00",
            "",
            "T",
        ] {
            assert_eq!(parse(f, bad), None, "{bad}");
        }
        assert_eq!(at(f, "2024-02-29"), (DAY - 14 * 24 * H, 0));
        assert_eq!(at(f, "1969-12-31T23:59:59.999"), (-1000, 0));
    }

    #[test]
    fn excel_day_first_and_month_first() {
        assert_eq!(
            at(TimeFormat::DayFirst, "14/03/2024 10:30"),
            (DAY + 10 * H + 1_800_000_000, 0)
        );
        assert_eq!(
            at(TimeFormat::MonthFirst, "03/14/2024 10:30:00"),
            (DAY + 10 * H + 1_800_000_000, 0)
        );
        assert_eq!(
            at(TimeFormat::MonthFirst, "3/14/2024 2:05:00 PM"),
            (DAY + 14 * H + 300_000_000, 0)
        );
        assert_eq!(at(TimeFormat::MonthFirst, "3/14/2024 12:00 AM"), (DAY, 0));
        assert_eq!(
            at(TimeFormat::DayFirst, "14.03.2024 10:00"),
            (DAY + 10 * H, 0)
        );
        assert_eq!(at(TimeFormat::DayFirst, "14-03-24"), (DAY, 0));
        assert_eq!(at(TimeFormat::DayFirst, "14/03/2024"), (DAY, 0));
        assert_eq!(parse(TimeFormat::DayFirst, "03/14/2024"), None);
        assert_eq!(parse(TimeFormat::MonthFirst, "3/14/2024 13:00 PM"), None);
        assert_eq!(parse(TimeFormat::DayFirst, "14/03/2024 10:00:00:00"), None);
    }

    #[test]
    fn epochs_by_magnitude() {
        assert_eq!(
            at(TimeFormat::Epoch(EpochUnit::Seconds), "1710374400"),
            (DAY, 0)
        );
        assert_eq!(
            at(TimeFormat::Epoch(EpochUnit::Seconds), "1710374400.25"),
            (DAY + 250_000, 0)
        );
        assert_eq!(
            at(TimeFormat::Epoch(EpochUnit::Millis), "1710374400123"),
            (DAY + 123_000, 0)
        );
        assert_eq!(
            at(TimeFormat::Epoch(EpochUnit::Seconds), "-1"),
            (-US_PER_SECOND, 0)
        );
        assert_eq!(parse(TimeFormat::Epoch(EpochUnit::Seconds), "1e9"), None);
        assert_eq!(
            parse(
                TimeFormat::Epoch(EpochUnit::Seconds),
                "99999999999999999999"
            ),
            None
        );
        let seconds = detect(["1710374400", "1710378000"]).map(|d| d.format);
        assert_eq!(seconds, Some(TimeFormat::Epoch(EpochUnit::Seconds)));
        let millis = detect(["1710374400000", ""]).map(|d| d.format);
        assert_eq!(millis, Some(TimeFormat::Epoch(EpochUnit::Millis)));
        let nanos = detect(["1710374400000000000"]).map(|d| d.format);
        assert_eq!(nanos, Some(TimeFormat::Epoch(EpochUnit::Nanos)));
    }

    #[test]
    fn detection_decides_day_or_month_first_from_the_values() {
        let day = detect(["01/02/2024 10:00", "13/02/2024 10:00"]);
        assert_eq!(
            day.map(|d| (d.format, d.ambiguous)),
            Some((TimeFormat::DayFirst, false))
        );
        let month = detect(["01/02/2024 10:00", "02/13/2024 10:00"]);
        assert_eq!(
            month.map(|d| (d.format, d.ambiguous)),
            Some((TimeFormat::MonthFirst, false))
        );
        let neither = detect(["01/02/2024", "03/04/2024"]);
        assert_eq!(
            neither.map(|d| (d.format, d.ambiguous)),
            Some((TimeFormat::DayFirst, true))
        );
        let iso = detect(["2024-03-14T10:00:00", "garbage"]);
        assert_eq!(
            iso.map(|d| (d.format, d.parsed, d.sampled)),
            Some((TimeFormat::YearFirst, 1, 2))
        );
        assert_eq!(detect(["yesterday", "", "soon"]), None);
        assert_eq!(TimeFormat::DayFirst.swapped(), TimeFormat::MonthFirst);
    }

    proptest::proptest! {
        #[test]
        fn written_instants_read_back(ms in -62_000_000_000_000i64..253_000_000_000_000i64) {
            let instant = ms * 1000;
            let text = crate::model::log::format_instant(instant);
            let read = parse(TimeFormat::YearFirst, &text).map(|s| s.instant);
            proptest::prop_assert_eq!(read, Some(instant));
            let zoned = parse(TimeFormat::YearFirst, &format!("{text}-02:30")).map(|s| (s.instant, s.offset_minutes));
            proptest::prop_assert_eq!(zoned, Some((instant + 150 * 60 * US_PER_SECOND, -150)));
        }

        #[test]
        fn any_text_is_read_or_refused(text in "[0-9:./T +-Zapm]{0,40}|\\PC{0,40}") {
            for format in [
                TimeFormat::YearFirst,
                TimeFormat::DayFirst,
                TimeFormat::MonthFirst,
                TimeFormat::Epoch(EpochUnit::Seconds),
                TimeFormat::Epoch(EpochUnit::Nanos),
            ] {
                if let Some(stamp) = parse(format, &text) {
                    proptest::prop_assert!(stamp.instant.abs() < LIMIT_US);
                }
            }
            let _ = detect([text.as_str()]);
        }
    }
}
