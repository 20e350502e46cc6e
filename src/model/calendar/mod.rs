//! Working time: calendars of weekly shifts with closed dates, arrival-rate profiles, and the
//! dates and times of day they are written in.
//!
//! A [`Calendar`] is open during its shifts, every week, except on its closed dates. The same
//! shape with a rate instead of a capacity is an arrival profile ([`Rate`]). Both compile to a
//! [`Timeline`]: the week as sorted segments with a level (capacity) and a weight (1 for open
//! time, arrivals per hour for a rate profile), which answers "how much open time lies between
//! two instants" and "when has this much open time passed" exactly, in integer microseconds.
//!
//! Text forms, as in files: days `"Mon"`, `"Mon-Fri"`, `"Sat-Sun"`, `"Mon,Wed"`; times of day
//! `"09:00"` (`"24:00"` is the end of a day); dates `"2026-12-24"`; date and time
//! `"2026-01-05 08:30"`.

mod text;
mod timeline;

use serde::{Deserialize, Serialize};

pub use text::{Date, DateTime, Days, TimeOfDay};
pub use timeline::{DAY_US, HOUR_US, Timeline, WEEK_US, Window};

/// A working calendar: weekly shifts and the dates it is closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Display name ("Office hours").
    pub name: String,
    /// The shifts of a week. Shifts of one calendar must not overlap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub week: Vec<Shift>,
    /// Dates on which the calendar is closed all day (public holidays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<Date>,
}

impl Calendar {
    /// A calendar without shifts (never open) named `name`.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            week: Vec::new(),
            closed: Vec::new(),
        }
    }

    /// The shifts as windows with their capacity (`default` where a shift gives none).
    #[must_use]
    pub fn windows(&self, default: u32) -> Vec<Window> {
        self.week
            .iter()
            .map(|s| Window {
                days: s.days,
                from: s.from,
                to: s.to,
                level: s.capacity.unwrap_or(default),
                weight: 1.0,
            })
            .collect()
    }

    /// Open hours per week (each shift counted once, whatever its capacity).
    #[must_use]
    pub fn hours_per_week(&self) -> f64 {
        self.week.iter().map(Shift::hours_per_week).sum()
    }

    /// Capacity-hours per week for an owner of `capacity` (shifts may override it).
    #[must_use]
    pub fn capacity_hours_per_week(&self, capacity: u32) -> f64 {
        self.week
            .iter()
            .map(|s| f64::from(s.capacity.unwrap_or(capacity)) * s.hours_per_week())
            .sum()
    }

    /// True when some shift gives its own capacity (a roster).
    #[must_use]
    pub fn has_shift_capacities(&self) -> bool {
        self.week.iter().any(|s| s.capacity.is_some())
    }

    /// This calendar for an owner going from `base` to `capacity` people: shifts that give
    /// their own capacity are scaled in proportion (rounded, at least 1, at most
    /// [`MAX_CAPACITY`](crate::model::limits::MAX_CAPACITY)); `None` when no shift gives one.
    /// Capacity planning simulates this, and applying a plan writes it.
    #[must_use]
    pub fn scaled_shift_capacities(&self, base: u32, capacity: u32) -> Option<Self> {
        if !self.has_shift_capacities() {
            return None;
        }
        let mut copy = self.clone();
        let ratio = f64::from(capacity) / f64::from(base.max(1));
        let most = f64::from(crate::model::limits::MAX_CAPACITY);
        for shift in &mut copy.week {
            if let Some(level) = shift.capacity.as_mut() {
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "clamped to [1, MAX_CAPACITY] first"
                )]
                let value = (f64::from(*level) * ratio).round().clamp(1.0, most) as u32;
                *level = value;
            }
        }
        Some(copy)
    }

    /// The compiled timeline of this calendar for an owner of `capacity`, with the simulated
    /// clock starting at `start`.
    #[must_use]
    pub fn timeline(&self, capacity: u32, start: DateTime) -> Timeline {
        Timeline::new(&self.windows(capacity), &self.closed, start)
    }
}

/// A shift: the days of the week it runs on, from a time to a time, and optionally how many
/// people work in it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// The days it starts on.
    pub days: Days,
    /// When it starts.
    pub from: TimeOfDay,
    /// When it ends; before `from` means the next day (`"22:00"` to `"06:00"`).
    pub to: TimeOfDay,
    /// People on shift; the owner's capacity when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::model::forms::bare_some"
    )]
    pub capacity: Option<u32>,
}

impl Shift {
    /// A shift without its own capacity.
    #[must_use]
    pub fn new(days: Days, from: TimeOfDay, to: TimeOfDay) -> Self {
        Self {
            days,
            from,
            to,
            capacity: None,
        }
    }

    /// Hours per week of this shift.
    #[must_use]
    pub fn hours_per_week(&self) -> f64 {
        f64::from(self.days.count()) * span_minutes(self.from, self.to) / 60.0
    }
}

/// The length of a day window in minutes (past midnight when `to` is before `from`).
fn span_minutes(from: TimeOfDay, to: TimeOfDay) -> f64 {
    let (from, to) = (f64::from(from.minutes()), f64::from(to.minutes()));
    if to > from {
        to - from
    } else {
        to + 1440.0 - from
    }
}

/// A window of an arrival profile: cases arrive at `per_hour` on average (Poisson) in it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// The days it applies on.
    pub days: Days,
    /// When it starts.
    pub from: TimeOfDay,
    /// When it ends; before `from` means the next day.
    pub to: TimeOfDay,
    /// Mean arrivals per hour.
    pub per_hour: f64,
}

impl Rate {
    /// Expected arrivals per week in this window.
    #[must_use]
    pub fn per_week(&self) -> f64 {
        f64::from(self.days.count()) * span_minutes(self.from, self.to) / 60.0 * self.per_hour
    }
}

/// The windows of an arrival profile, for [`Timeline::new`].
#[must_use]
pub fn rate_windows(rates: &[Rate]) -> Vec<Window> {
    rates
        .iter()
        .map(|r| Window {
            days: r.days,
            from: r.from,
            to: r.to,
            level: 1,
            weight: r.per_hour,
        })
        .collect()
}

/// The parts of the rate windows `rates` that fall inside the windows `open` (weights from
/// `rates`), split at midnight.
#[must_use]
pub fn intersect(rates: &[Window], open: &[Window]) -> Vec<Window> {
    let open_spans: Vec<(u32, u32)> = open.iter().flat_map(Window::week_minutes).collect();
    let mut out = Vec::new();
    for rate in rates {
        for (a0, a1) in rate.week_minutes() {
            for &(b0, b1) in &open_spans {
                let (mut start, end) = (a0.max(b0), a1.min(b1));
                while start < end {
                    let day = start / 1440;
                    let stop = end.min((day + 1) * 1440);
                    #[allow(clippy::cast_possible_truncation, reason = "minutes of a day")]
                    out.push(Window {
                        days: Days::day(day as u8),
                        from: TimeOfDay::hm(0, (start - day * 1440) as u16),
                        to: TimeOfDay::hm(0, (stop - day * 1440) as u16),
                        ..*rate
                    });
                    start = stop;
                }
            }
        }
    }
    out
}

/// Every pair of windows that overlap somewhere in the week, as indices `(earlier, later)`
/// into `windows`, with the first day they meet on. The one statement of the overlap rule:
/// validation reports the first pair, the calendar editor marks them all.
#[must_use]
pub fn overlaps(windows: &[Window]) -> Vec<(usize, usize, &'static str)> {
    let spans: Vec<Vec<(u32, u32)>> = windows.iter().map(Window::week_minutes).collect();
    let mut out = Vec::new();
    for (j, b) in spans.iter().enumerate() {
        for (i, a) in spans.iter().enumerate().take(j) {
            let meet = a
                .iter()
                .flat_map(|&(a0, a1)| b.iter().map(move |&(b0, b1)| (a0.max(b0), a1.min(b1))))
                .filter(|(start, end)| start < end)
                .map(|(start, _)| start)
                .min();
            if let Some(start) = meet {
                out.push((i, j, text::DAY_NAMES[(start / 1440) as usize % 7]));
            }
        }
    }
    out
}

/// The first pair of windows that overlap, with the day they meet on, as indices into
/// `windows`; `None` when none do.
#[must_use]
pub fn first_overlap(windows: &[Window]) -> Option<(usize, usize, &'static str)> {
    overlaps(windows).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(days: &str, from: &str, to: &str) -> Shift {
        Shift::new(
            days.parse().expect("days"),
            from.parse().expect("from"),
            to.parse().expect("to"),
        )
    }

    #[test]
    fn hours_per_week_count_shifts_past_midnight() {
        let office = Calendar {
            name: "Office".into(),
            week: vec![
                shift("Mon-Fri", "09:00", "12:30"),
                shift("Mon-Fri", "13:30", "17:30"),
            ],
            closed: Vec::new(),
        };
        assert!((office.hours_per_week() - 37.5).abs() < 1e-9);
        let night = Calendar {
            week: vec![shift("Mon-Fri", "22:00", "06:00")],
            ..Calendar::new("Night")
        };
        assert!((night.hours_per_week() - 40.0).abs() < 1e-9);
    }

    #[test]
    fn overlaps_are_found_with_their_day() {
        let a = shift("Mon-Fri", "09:00", "12:30");
        let b = shift("Fri", "12:00", "13:00");
        let c = shift("Sun", "22:00", "02:00");
        let d = shift("Mon", "01:00", "03:00");
        let cal = Calendar {
            week: vec![a, b],
            ..Calendar::new("x")
        };
        assert_eq!(first_overlap(&cal.windows(1)), Some((0, 1, "Fri")));
        let wrap = Calendar {
            week: vec![c, d],
            ..Calendar::new("x")
        };
        assert_eq!(first_overlap(&wrap.windows(1)), Some((0, 1, "Mon")));
        let fine = Calendar {
            week: vec![
                shift("Mon-Fri", "09:00", "12:00"),
                shift("Mon-Fri", "12:00", "17:00"),
            ],
            ..Calendar::new("x")
        };
        assert_eq!(first_overlap(&fine.windows(1)), None);
    }
}
