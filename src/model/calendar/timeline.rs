//! A calendar compiled for arithmetic: the week as sorted segments, each with a level (people on
//! shift) and an integer weight (1 for open time; arrivals per hour, scaled, for a rate profile),
//! and the closed days. Its amount function `F(t)` (weighted open time from the start of the
//! clock to `t`) is piecewise linear; [`Timeline::after`] inverts it exactly.
//!
//! Times are simulated microseconds from the simulation start; internally they are shifted to
//! the Monday 00:00 that begins the start's week (the epoch), where week and day boundaries
//! fall on multiples of [`WEEK_US`] and [`DAY_US`].

use super::text::{Date, DateTime, Days, TimeOfDay};

/// Microseconds in an hour.
pub const HOUR_US: u64 = 3_600_000_000;
/// Microseconds in a day.
pub const DAY_US: u64 = 24 * HOUR_US;
/// Microseconds in a week.
pub const WEEK_US: u64 = 7 * DAY_US;
/// Rate weights are arrivals per hour times this (a resolution of one in a million per hour).
const RATE_SCALE: f64 = 1e6;

/// A weekly window with a level and a weight, before compiling.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// The days it starts on.
    pub days: Days,
    /// Start time.
    pub from: TimeOfDay,
    /// End time (before `from`: the next day).
    pub to: TimeOfDay,
    /// People on shift (capacity) in the window.
    pub level: u32,
    /// 1.0 for open time; arrivals per hour for a rate profile.
    pub weight: f64,
}

impl Window {
    /// The window's spans in minutes from Monday 00:00, `[start, end)`, split at the week's end.
    #[must_use]
    pub fn week_minutes(&self) -> Vec<(u32, u32)> {
        let (from, to) = (u32::from(self.from.minutes()), u32::from(self.to.minutes()));
        if from == to {
            return Vec::new();
        }
        let mut spans = Vec::new();
        for day in 0..7u8 {
            if !self.days.contains(day) {
                continue;
            }
            let start = u32::from(day) * 1440 + from;
            let end = u32::from(day) * 1440 + if to > from { to } else { to + 1440 };
            if end > 7 * 1440 {
                spans.push((start, 7 * 1440));
                spans.push((0, end - 7 * 1440));
            } else {
                spans.push((start, end));
            }
        }
        spans
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seg {
    start: u64,
    end: u64,
    level: u32,
    weight: u64,
}

/// A calendar or rate profile ready for exact arithmetic on simulated time.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// From the epoch (Monday 00:00 of the start's week) to simulated time 0.
    offset: u64,
    segs: Box<[Seg]>,
    /// Amount before each segment's start, within a week.
    cum: Box<[u128]>,
    week_total: u128,
    /// Segment starts and ends, sorted, without repeats.
    marks: Box<[u64]>,
    /// Closed days, as day numbers from the epoch, sorted (days before the epoch left out).
    closed: Box<[u64]>,
    /// Amount of the closed days before index i (one longer than `closed`).
    closed_cum: Box<[u128]>,
    /// Amount for one unit of [`Timeline::after_units`] (1 µs of open time, or one arrival).
    unit: f64,
}

impl Timeline {
    /// Compiles the shifts `windows` (weights ignored; overlaps are resolved first come, first
    /// served; validation reports them) with the `closed` dates, for a clock that starts at
    /// `start`.
    #[must_use]
    pub fn new(windows: &[Window], closed: &[Date], start: DateTime) -> Self {
        Self::build(windows, closed, start, false)
    }

    /// Compiles an arrival profile: `windows` with their weights in arrivals per hour.
    #[must_use]
    pub fn rates(windows: &[Window], closed: &[Date], start: DateTime) -> Self {
        Self::build(windows, closed, start, true)
    }

    fn build(windows: &[Window], closed: &[Date], start: DateTime, rate: bool) -> Self {
        let mut raw: Vec<Seg> = Vec::new();
        for w in windows {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "clamped"
            )]
            let weight = if rate {
                (w.weight * RATE_SCALE).round().clamp(0.0, 1e15) as u64
            } else {
                1
            };
            if weight == 0 || w.level == 0 {
                continue;
            }
            for (a, b) in w.week_minutes() {
                raw.push(Seg {
                    start: u64::from(a) * 60_000_000,
                    end: u64::from(b) * 60_000_000,
                    level: w.level,
                    weight,
                });
            }
        }
        raw.sort_by_key(|s| (s.start, s.end));
        let mut segs: Vec<Seg> = Vec::with_capacity(raw.len());
        for mut s in raw {
            if let Some(last) = segs.last_mut() {
                s.start = s.start.max(last.end);
                if s.start >= s.end {
                    continue;
                }
                if last.end == s.start && last.level == s.level && last.weight == s.weight {
                    last.end = s.end;
                    continue;
                }
            }
            segs.push(s);
        }
        let mut cum = Vec::with_capacity(segs.len());
        let mut total = 0u128;
        for s in &segs {
            cum.push(total);
            total += u128::from(s.weight) * u128::from(s.end - s.start);
        }
        let mut marks: Vec<u64> = segs.iter().flat_map(|s| [s.start, s.end]).collect();
        marks.sort_unstable();
        marks.dedup();
        let epoch = start.week_monday();
        let mut closed: Vec<u64> = closed
            .iter()
            .filter_map(|d| u64::try_from(d.days() - epoch.days()).ok())
            .collect();
        closed.sort_unstable();
        closed.dedup();
        let mut timeline = Self {
            offset: u64::from(start.minutes_into_week()) * 60_000_000,
            segs: segs.into(),
            cum: cum.into(),
            week_total: total,
            marks: marks.into(),
            closed: Box::default(),
            closed_cum: Box::default(),
            unit: if rate {
                RATE_SCALE * 3_600_000_000.0
            } else {
                1.0
            },
        };
        let mut closed_cum = Vec::with_capacity(closed.len() + 1);
        let mut sum = 0u128;
        closed_cum.push(0);
        for &day in &closed {
            sum += timeline.day_amount(day);
            closed_cum.push(sum);
        }
        timeline.closed = closed.into();
        timeline.closed_cum = closed_cum.into();
        timeline
    }

    /// A timeline that is always open at `level` (for owners without a calendar in tests).
    #[must_use]
    pub fn always(level: u32) -> Self {
        Self::new(
            &[Window {
                days: Days::ALL,
                from: TimeOfDay::MIDNIGHT,
                to: TimeOfDay::END_OF_DAY,
                level,
                weight: 1.0,
            }],
            &[],
            DateTime::DEFAULT_START,
        )
    }

    /// True when the timeline is never open.
    #[must_use]
    pub fn is_never(&self) -> bool {
        self.week_total == 0
    }

    /// Microseconds from Monday 00:00 of the start's week to simulated time 0.
    #[must_use]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Open (weighted) amount within the week from Monday 00:00 to `r` (`r` <= a week).
    fn week_amount(&self, r: u64) -> u128 {
        let i = self.segs.partition_point(|s| s.start <= r);
        if i == 0 {
            return 0;
        }
        let s = self.segs[i - 1];
        self.cum[i - 1] + u128::from(s.weight) * u128::from(r.min(s.end) - s.start)
    }

    /// True when the span `[te, te + span]` (epoch time) lies inside one open segment of
    /// weight 1 and touches no closed day: then open time and elapsed time agree on it. The
    /// simulator's common case (work that starts and ends within a shift), answered with one
    /// search instead of the amount function and its inverse.
    #[inline]
    fn within_one_segment(&self, te: u64, span: u64) -> bool {
        let r = te % WEEK_US;
        let i = self.segs.partition_point(|s| s.start <= r);
        let Some(s) = i.checked_sub(1).and_then(|i| self.segs.get(i)) else {
            return false;
        };
        if s.weight != 1 || r >= s.end || r.saturating_add(span) > s.end {
            return false;
        }
        if self.closed.is_empty() {
            return true;
        }
        let k = self.closed.partition_point(|&c| c < te / DAY_US);
        self.closed.get(k).is_none_or(|&c| c > (te + span) / DAY_US)
    }

    /// The amount of a whole day (day number from the epoch).
    fn day_amount(&self, day: u64) -> u128 {
        let first = (day % 7) * DAY_US;
        self.week_amount(first + DAY_US) - self.week_amount(first)
    }

    /// Amount from the epoch to epoch time `te`, closed days ignored.
    fn amount_open(&self, te: u64) -> u128 {
        u128::from(te / WEEK_US) * self.week_total + self.week_amount(te % WEEK_US)
    }

    /// Amount of the closed days before epoch time `te` (part of today if it is closed).
    fn amount_closed(&self, te: u64) -> u128 {
        if self.closed.is_empty() {
            return 0;
        }
        let day = te / DAY_US;
        let k = self.closed.partition_point(|&c| c < day);
        let mut sum = self.closed_cum[k];
        if self.closed.get(k) == Some(&day) {
            let r = te % WEEK_US;
            sum += self.week_amount(r) - self.week_amount((day % 7) * DAY_US);
        }
        sum
    }

    /// Amount from the epoch to epoch time `te`.
    fn amount_epoch(&self, te: u64) -> u128 {
        self.amount_open(te) - self.amount_closed(te)
    }

    /// The smallest epoch time whose closed-days-ignored amount reaches `v`.
    fn inverse_open(&self, v: u128) -> u64 {
        if v == 0 {
            return 0;
        }
        // 64-bit division where the numbers allow (always, for open-time calendars within
        // any simulated horizon): 128-bit division is a slow library call.
        let weeks = match (u64::try_from(v - 1), u64::try_from(self.week_total)) {
            (Ok(a), Ok(b)) => u128::from(a / b),
            _ => (v - 1) / self.week_total,
        };
        let rem = v - weeks * self.week_total;
        let i = self.cum.partition_point(|&c| c < rem).saturating_sub(1);
        let s = self.segs[i];
        let into = if s.weight == 1 {
            rem - self.cum[i]
        } else {
            (rem - self.cum[i]).div_ceil(u128::from(s.weight))
        };
        let t = weeks * u128::from(WEEK_US) + u128::from(s.start) + into;
        u64::try_from(t).unwrap_or(u64::MAX)
    }

    /// Open (weighted) amount between simulated times `a` <= `b`.
    #[must_use]
    pub fn between(&self, a: u64, b: u64) -> u128 {
        let (a, b) = (a.min(b), b.max(a));
        self.amount_epoch(b.saturating_add(self.offset))
            - self.amount_epoch(a.saturating_add(self.offset))
    }

    /// Open microseconds between simulated times `a` <= `b` (for a calendar of weight 1).
    #[must_use]
    pub fn open_between(&self, a: u64, b: u64) -> u64 {
        let (a, b) = (a.min(b), b.max(a));
        if self.within_one_segment(a.saturating_add(self.offset), b - a) {
            return b - a;
        }
        u64::try_from(self.between(a, b)).unwrap_or(u64::MAX)
    }

    /// The earliest simulated time at or after `t` by which `amount` of open (weighted) time
    /// has passed; `u64::MAX` when that never happens.
    #[must_use]
    pub fn after(&self, t: u64, amount: u128) -> u64 {
        if amount == 0 {
            return t;
        }
        if self.week_total == 0 {
            return u64::MAX;
        }
        let mut x = t.saturating_add(self.offset);
        if let Ok(span) = u64::try_from(amount)
            && self.within_one_segment(x, span)
        {
            return t + span;
        }
        let open = self.amount_open(x);
        // Far beyond any simulated horizon: give up rather than overflow.
        if open + amount > self.week_total << 30 {
            return u64::MAX;
        }
        // The common case: no closed day from here to the answer, which is then exact.
        let y = self.inverse_open(open + amount);
        if self.closed.is_empty() {
            return y.saturating_sub(self.offset);
        }
        let k = self.closed.partition_point(|&c| c < x / DAY_US);
        if self.closed.get(k).is_none_or(|&c| c > y / DAY_US) {
            return y.saturating_sub(self.offset);
        }
        let target = open - self.amount_closed(x) + amount;
        // Each pass ends beyond at least one more closed day, so this ends.
        for _ in 0..=2 * self.closed.len() + 2 {
            let have = self.amount_epoch(x);
            if have >= target {
                break;
            }
            // Nothing counts on a closed day: go on from its end.
            while self.closed.binary_search(&(x / DAY_US)).is_ok() {
                x = (x / DAY_US + 1) * DAY_US;
            }
            x = self.inverse_open(self.amount_open(x) + (target - have));
        }
        x.saturating_sub(self.offset)
    }

    /// The earliest simulated time at or after `t` by which `units` have passed: microseconds
    /// of open time for a calendar, expected arrivals for a rate profile (an exponential draw
    /// here gives the next arrival of the non-homogeneous Poisson process).
    #[must_use]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped"
    )]
    pub fn after_units(&self, t: u64, units: f64) -> u64 {
        let amount = (units * self.unit).round().clamp(0.0, 1e30) as u128;
        self.after(t, amount)
    }

    /// People on shift at simulated time `t` (0 when closed).
    #[must_use]
    pub fn level_at(&self, t: u64) -> u32 {
        let te = t.saturating_add(self.offset);
        if self.closed.binary_search(&(te / DAY_US)).is_ok() {
            return 0;
        }
        let r = te % WEEK_US;
        let i = self.segs.partition_point(|s| s.start <= r);
        match i.checked_sub(1).map(|i| self.segs[i]) {
            Some(s) if r < s.end => s.level,
            _ => 0,
        }
    }

    /// The next epoch time after `te` where a segment or a closed day begins or ends.
    fn next_mark(&self, te: u64) -> u64 {
        let week = te / WEEK_US * WEEK_US;
        let r = te % WEEK_US;
        let i = self.marks.partition_point(|&m| m <= r);
        let weekly = match (self.marks.get(i), self.marks.first()) {
            (Some(&m), _) => week + m,
            (None, Some(&m)) => week + WEEK_US + m,
            (None, None) => u64::MAX,
        };
        let day = te / DAY_US;
        let k = self.closed.partition_point(|&c| c < day);
        let closed = self.closed.get(k).map_or(u64::MAX, |&c| {
            let (begin, end) = (c * DAY_US, (c + 1) * DAY_US);
            if begin > te { begin } else { end }
        });
        weekly.min(closed)
    }

    /// The first simulated time after `t` at which [`Timeline::level_at`] changes;
    /// `u64::MAX` when it never does.
    #[must_use]
    pub fn next_change(&self, t: u64) -> u64 {
        let level = self.level_at(t);
        let mut te = t.saturating_add(self.offset);
        let constant_week = self.segs.len() <= 1
            && self
                .segs
                .first()
                .is_none_or(|s| s.start == 0 && s.end == WEEK_US);
        let limit = 4 * (self.marks.len() + 2) * (self.closed.len() + 2);
        for _ in 0..limit {
            te = if constant_week {
                // The week never changes: only closed days do.
                let day = te / DAY_US;
                let k = self.closed.partition_point(|&c| c < day);
                match self.closed.get(k) {
                    Some(&c) if c * DAY_US > te => c * DAY_US,
                    Some(&c) => (c + 1) * DAY_US,
                    None => return u64::MAX,
                }
            } else {
                self.next_mark(te)
            };
            if te == u64::MAX {
                return u64::MAX;
            }
            let t2 = te.saturating_sub(self.offset);
            if self.level_at(t2) != level {
                return t2;
            }
        }
        u64::MAX
    }

    /// Mean level over a week (closed days ignored): capacity-hours per week / 168.
    #[must_use]
    #[allow(clippy::cast_precision_loss, reason = "week spans fit f64 exactly")]
    pub fn mean_level(&self) -> f64 {
        let area: u64 = self
            .segs
            .iter()
            .map(|s| u64::from(s.level) * (s.end - s.start))
            .sum();
        area as f64 / WEEK_US as f64
    }

    /// Fraction of the week that is open (closed days ignored).
    #[must_use]
    #[allow(clippy::cast_precision_loss, reason = "week spans fit f64 exactly")]
    pub fn open_fraction(&self) -> f64 {
        let open: u64 = self.segs.iter().map(|s| s.end - s.start).sum();
        open as f64 / WEEK_US as f64
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Calendar, Shift};
    use super::*;

    fn office() -> Calendar {
        Calendar {
            name: "Office".into(),
            week: vec![Shift::new(
                Days::WEEKDAYS,
                TimeOfDay::hm(9, 0),
                TimeOfDay::hm(17, 0),
            )],
            closed: Vec::new(),
        }
    }

    fn at(day: u64, h: u64, m: u64) -> u64 {
        day * DAY_US + h * HOUR_US + m * 60_000_000
    }

    #[test]
    fn two_hours_from_friday_four_finish_monday_ten() {
        let t = office().timeline(1, DateTime::DEFAULT_START);
        assert_eq!(t.after(at(4, 16, 0), u128::from(2 * HOUR_US)), at(7, 10, 0));
        assert_eq!(t.open_between(at(4, 16, 0), at(7, 10, 0)), 2 * HOUR_US);
        // Starting while closed: the clock begins at the next opening.
        assert_eq!(t.after(at(5, 12, 0), u128::from(HOUR_US)), at(7, 10, 0));
        assert_eq!(t.level_at(at(0, 8, 59)), 0);
        assert_eq!(t.level_at(at(0, 9, 0)), 1);
        assert_eq!(t.next_change(at(0, 0, 0)), at(0, 9, 0));
        assert_eq!(t.next_change(at(0, 9, 0)), at(0, 17, 0));
        assert_eq!(t.next_change(at(4, 17, 0)), at(7, 9, 0));
    }

    #[test]
    fn a_closed_date_skips_the_whole_day() {
        let mut cal = office();
        // 2026-01-06, the Tuesday of the first week.
        cal.closed = vec!["2026-01-06".parse().expect("date")];
        let t = cal.timeline(1, DateTime::DEFAULT_START);
        assert_eq!(t.after(at(0, 16, 0), u128::from(2 * HOUR_US)), at(2, 10, 0));
        assert_eq!(t.level_at(at(1, 10, 0)), 0);
        assert_eq!(t.next_change(at(0, 17, 0)), at(2, 9, 0));
        assert_eq!(t.open_between(at(0, 0, 0), at(7, 0, 0)), 32 * HOUR_US);
    }

    #[test]
    fn a_shift_past_midnight_runs_into_the_next_day() {
        let cal = Calendar {
            week: vec![Shift::new(
                Days::day(6),
                TimeOfDay::hm(22, 0),
                TimeOfDay::hm(6, 0),
            )],
            ..Calendar::new("Night")
        };
        let t = cal.timeline(1, DateTime::DEFAULT_START);
        // Sunday 23:00 plus 3 h of work ends Monday 02:00 of the next week.
        assert_eq!(t.after(at(6, 23, 0), u128::from(3 * HOUR_US)), at(7, 2, 0));
        assert_eq!(t.level_at(at(0, 5, 0)), 1);
        assert_eq!(t.level_at(at(0, 6, 0)), 0);
    }

    #[test]
    fn a_clock_starting_midweek_keeps_the_weekdays() {
        // Start on Friday 2026-01-09 at 16:00: two hours of work end Monday 10:00.
        let start: DateTime = "2026-01-09 16:00".parse().expect("start");
        let t = office().timeline(1, start);
        assert_eq!(t.after(0, u128::from(2 * HOUR_US)), at(2, 18, 0));
    }

    #[test]
    fn rates_integrate_to_arrivals() {
        let windows = [Window {
            days: Days::day(0),
            from: TimeOfDay::hm(8, 0),
            to: TimeOfDay::hm(12, 0),
            level: 1,
            weight: 12.0,
        }];
        let t = Timeline::rates(&windows, &[], DateTime::DEFAULT_START);
        // 48 arrivals expected each Monday morning; the 24th falls at 10:00.
        assert_eq!(t.after_units(0, 24.0), at(0, 10, 0));
        assert_eq!(t.after_units(at(0, 12, 0), 48.0), at(7, 12, 0));
    }

    #[test]
    fn never_open_never_finishes() {
        let t = Calendar::new("Never").timeline(1, DateTime::DEFAULT_START);
        assert!(t.is_never());
        assert_eq!(t.after(0, 1), u64::MAX);
        assert_eq!(t.next_change(0), u64::MAX);
        let always = Timeline::always(3);
        assert_eq!(always.after(5, 10), 15);
        assert_eq!(always.next_change(0), u64::MAX);
    }

    #[test]
    #[allow(
        clippy::cast_possible_truncation,
        reason = "minute indices of four weeks"
    )]
    fn fast_paths_agree_with_minute_by_minute_counting() {
        // Office hours with a lunch break, a night shift, and closed days: count open minutes
        // one by one and compare with `open_between` and `after` at random minute-aligned times.
        let cal = Calendar {
            name: "mixed".into(),
            week: vec![
                Shift::new(Days::WEEKDAYS, TimeOfDay::hm(9, 0), TimeOfDay::hm(12, 0)),
                Shift::new(Days::WEEKDAYS, TimeOfDay::hm(13, 0), TimeOfDay::hm(17, 30)),
                Shift::new(Days::day(5), TimeOfDay::hm(22, 0), TimeOfDay::hm(3, 0)),
            ],
            closed: vec![
                "2026-01-07".parse().expect("date"),
                "2026-01-19".parse().expect("date"),
            ],
        };
        let start: DateTime = "2026-01-05 06:00".parse().expect("start");
        let t = cal.timeline(1, start);
        let minute = 60_000_000u64;
        let horizon = 4 * 7 * 1440;
        let open: Vec<bool> = (0..horizon).map(|m| t.level_at(m * minute) > 0).collect();
        let count = |a: u64, b: u64| -> u64 { (a..b).filter(|&m| open[m as usize]).count() as u64 };
        let mut seed = 12_345u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        for _ in 0..2_000 {
            let a = next(horizon / 2);
            let b = a + next(horizon / 2 - 1);
            assert_eq!(
                t.open_between(a * minute, b * minute),
                count(a, b) * minute,
                "{a}..{b}"
            );
            let want = next(3 * 60) + 1;
            let done = t.after(a * minute, u128::from(want * minute));
            assert_eq!(done % minute, 0);
            let d = done / minute;
            assert_eq!(count(a, d), want, "after {a} + {want} min = {d}");
            assert!(open[(d - 1) as usize], "ends on an open minute");
        }
    }
}
