//! The arithmetic of editing shifts on the week grid, free of egui: where a shift's pieces lie
//! on the day rows, and the shift a move, a resize or a drawn rectangle gives. Times snap to
//! [`SNAP_MINUTES`]; a shift is never shorter than that nor longer than a day.

use crate::model::{Days, Shift, TimeOfDay};

/// Minutes a drawn or dragged time snaps to.
pub const SNAP_MINUTES: i32 = 15; // `snap` divides by the same 15.0
const DAY: i32 = 1440;

/// A part of a shift on one day row: `[from, to)` in minutes of that day. `starts`/`ends` tell
/// whether the piece holds the shift's real start or end (a shift past midnight has two
/// pieces: the evening one starts it, the morning one ends it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Day row, 0 for Monday.
    pub day: u8,
    /// Start, minutes after midnight.
    pub from: u16,
    /// End, minutes after midnight (up to 1440).
    pub to: u16,
    /// This piece begins at the shift's start.
    pub starts: bool,
    /// This piece finishes at the shift's end.
    pub ends: bool,
}

/// The shift's length in minutes, 1 to 1440 (equal times count as a whole day, as
/// `Shift::hours_per_week` counts them).
#[must_use]
pub fn length(shift: &Shift) -> i32 {
    let (from, to) = (
        i32::from(shift.from.minutes()),
        i32::from(shift.to.minutes()),
    );
    if to > from {
        to - from
    } else {
        to + DAY - from
    }
}

/// Where the shift lies on the grid, one piece per day row it touches (Sunday nights wrap
/// round to Monday morning).
#[must_use]
pub fn pieces(shift: &Shift) -> Vec<Piece> {
    let from = i32::from(shift.from.minutes());
    let len = length(shift);
    let mut out = Vec::new();
    for day in 0..7u8 {
        if !shift.days.contains(day) {
            continue;
        }
        let start = from;
        let end = from + len;
        let first_to = end.min(DAY);
        out.push(piece(day, start, first_to, true, end <= DAY));
        if end > DAY {
            out.push(piece((day + 1) % 7, 0, end - DAY, false, true));
        }
    }
    out
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "minutes of a day, 0..=1440"
)]
fn piece(day: u8, from: i32, to: i32, starts: bool, ends: bool) -> Piece {
    Piece {
        day,
        from: from.clamp(0, DAY) as u16,
        to: to.clamp(0, DAY) as u16,
        starts,
        ends,
    }
}

/// `days` turned by `by` days (Monday plus one is Tuesday, Sunday plus one is Monday).
#[must_use]
pub fn rotate(days: Days, by: i32) -> Days {
    let mut out = Days::default();
    for day in 0..7u8 {
        if days.contains(day) {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "rem_euclid(7) is in 0..7"
            )]
            let turned = (i32::from(day) + by).rem_euclid(7) as u8;
            out = out.with(turned, true);
        }
    }
    out
}

/// Snaps minutes to the nearest [`SNAP_MINUTES`].
#[must_use]
pub fn snap(minutes: f32) -> i32 {
    #[allow(clippy::cast_possible_truncation, reason = "screen-derived minutes")]
    let steps = (minutes / 15.0).round() as i32;
    steps * SNAP_MINUTES
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to 0..=1440"
)]
fn time(minutes: i32) -> TimeOfDay {
    TimeOfDay::hm(0, minutes.clamp(0, DAY) as u16)
}

/// A shift starting `start` minutes after midnight of its days (any integer: days roll over)
/// and lasting `len` minutes (1..=1440).
fn placed(shift: &Shift, start: i32, len: i32) -> Shift {
    let day_shift = start.div_euclid(DAY);
    let from = start.rem_euclid(DAY);
    let mut to = (from + len).rem_euclid(DAY);
    if to == 0 {
        to = DAY;
    }
    Shift {
        days: rotate(shift.days, day_shift),
        from: time(from),
        to: time(to),
        capacity: shift.capacity,
    }
}

/// The longest a shift starting at `from` can be without its two times becoming equal (which
/// a file reads as a whole day only from midnight to midnight).
fn longest(from: i32) -> i32 {
    if from.rem_euclid(DAY) == 0 {
        DAY
    } else {
        DAY - SNAP_MINUTES
    }
}

/// The shift moved by `minutes` (snapped) and `days` rows.
#[must_use]
pub fn moved(shift: &Shift, minutes: i32, days: i32) -> Shift {
    let len = length(shift);
    // A whole-day shift only moves by days: any other start would make its times equal.
    let minutes = if len >= DAY { 0 } else { minutes };
    let start = i32::from(shift.from.minutes()) + minutes + days * DAY;
    placed(shift, start, len)
}

/// The shift with its start moved by `minutes`, its end kept.
#[must_use]
pub fn resized_start(shift: &Shift, minutes: i32) -> Shift {
    let from = i32::from(shift.from.minutes());
    let len = length(shift);
    let end = from + len;
    let mut start = (from + minutes).clamp(end - DAY, end - SNAP_MINUTES);
    if end - start > longest(start) {
        start = end - longest(start);
    }
    placed(shift, start, end - start)
}

/// The shift with its end moved by `minutes`, its start kept.
#[must_use]
pub fn resized_end(shift: &Shift, minutes: i32) -> Shift {
    let from = i32::from(shift.from.minutes());
    let len = (length(shift) + minutes).clamp(SNAP_MINUTES, longest(from));
    placed(shift, from, len)
}

/// The shift drawn from (`day_a`, `minute_a`) to (`day_b`, `minute_b`): the days between the
/// two rows, the times between the two columns; `None` when shorter than one snap step.
#[must_use]
pub fn drawn(day_a: u8, minute_a: i32, day_b: u8, minute_b: i32) -> Option<Shift> {
    let (from, to) = (
        minute_a.min(minute_b).clamp(0, DAY),
        minute_a.max(minute_b).clamp(0, DAY),
    );
    if to - from < SNAP_MINUTES {
        return None;
    }
    let mut days = Days::default();
    for day in day_a.min(day_b)..=day_a.max(day_b).min(6) {
        days = days.with(day, true);
    }
    Some(Shift::new(days, time(from), time(to)))
}

/// Index pairs of shifts that overlap somewhere in the week (the model's rule).
#[must_use]
pub fn overlapping(week: &[Shift]) -> Vec<(usize, usize)> {
    let windows: Vec<_> = week
        .iter()
        .map(|s| crate::model::calendar::Window {
            days: s.days,
            from: s.from,
            to: s.to,
            level: 1,
            weight: 1.0,
        })
        .collect();
    crate::model::calendar::overlaps(&windows)
        .into_iter()
        .map(|(i, j, _)| (i, j))
        .collect()
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

    fn text(s: &Shift) -> String {
        format!("{} {}-{}", s.days, s.from, s.to)
    }

    #[test]
    fn a_night_shift_has_an_evening_and_a_morning_piece_and_sunday_wraps() {
        let night = shift("Sun", "22:00", "06:00");
        let p = pieces(&night);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].day, p[0].from, p[0].to, p[0].starts, p[0].ends),
            (6, 1320, 1440, true, false)
        );
        assert_eq!(
            (p[1].day, p[1].from, p[1].to, p[1].starts, p[1].ends),
            (0, 0, 360, false, true)
        );
        let office = shift("Mon-Fri", "09:00", "17:00");
        assert_eq!(pieces(&office).len(), 5);
        assert!(pieces(&office).iter().all(|p| p.starts && p.ends));
    }

    #[test]
    fn moving_keeps_the_length_and_rolls_days_over_midnight() {
        let late = shift("Mon-Fri", "20:00", "24:00");
        assert_eq!(text(&moved(&late, 60, 0)), "Mon-Fri 21:00-01:00");
        assert_eq!(text(&moved(&late, 4 * 60, 0)), "Tue-Sat 00:00-04:00");
        assert_eq!(text(&moved(&late, -60, 1)), "Tue-Sat 19:00-23:00");
        assert_eq!(
            text(&moved(&shift("Sun", "09:00", "10:00"), 0, 1)),
            "Mon 09:00-10:00"
        );
        let whole = shift("Mon", "00:00", "24:00");
        assert_eq!(text(&moved(&whole, 90, 0)), "Mon 00:00-24:00");
    }

    #[test]
    fn resizing_keeps_the_other_end_and_stays_between_a_step_and_a_day() {
        let office = shift("Mon-Fri", "09:00", "17:00");
        assert_eq!(text(&resized_start(&office, -60)), "Mon-Fri 08:00-17:00");
        assert_eq!(
            text(&resized_start(&office, 10 * 60)),
            "Mon-Fri 16:45-17:00"
        );
        assert_eq!(
            text(&resized_start(&office, -10 * 60)),
            "Mon-Thu,Sun 23:00-17:00"
        );
        assert_eq!(text(&resized_end(&office, 90)), "Mon-Fri 09:00-18:30");
        assert_eq!(text(&resized_end(&office, -9 * 60)), "Mon-Fri 09:00-09:15");
        assert_eq!(text(&resized_end(&office, 20 * 60)), "Mon-Fri 09:00-08:45");
        let from_midnight = shift("Mon", "00:00", "08:00");
        assert_eq!(
            text(&resized_end(&from_midnight, 20 * 60)),
            "Mon 00:00-24:00"
        );
    }

    #[test]
    fn a_drawn_rectangle_gives_the_days_and_hours_it_covers() {
        let s = drawn(4, 17 * 60, 0, 9 * 60).expect("a shift");
        assert_eq!(text(&s), "Mon-Fri 09:00-17:00");
        assert!(drawn(2, 600, 2, 610).is_none());
        assert_eq!(snap(8.0), 15);
        assert_eq!(snap(-8.0), -15);
        assert_eq!(snap(7.0), 0);
    }

    #[test]
    fn overlaps_are_found_across_midnight() {
        let week = [
            shift("Mon-Fri", "09:00", "17:00"),
            shift("Sun", "22:00", "10:00"),
            shift("Sat", "09:00", "12:00"),
        ];
        assert_eq!(overlapping(&week), vec![(0, 1)]);
    }
}
