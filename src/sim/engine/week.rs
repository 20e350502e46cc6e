//! Figures by hour of the week (bucket 0: Monday 00:00-01:00) for maps with calendars: the
//! time-integrals of queues, busy units, capacity and work in progress split by the hour they
//! fall in, plus counts of arrivals and of SLAs met by arrival hour.
//!
//! A level held over a span adds to every hour the span covers. Each span costs O(1): its
//! first and last partial hours are added directly, whole weeks to one shared term, and the
//! remaining run of whole hours to a circular difference array, summed once at the end.

use crate::model::calendar::HOUR_US;
use crate::sim::WEEK_BUCKETS;

/// Hours in a week, as `u64`.
const WEEK_HOURS: u64 = WEEK_BUCKETS as u64;

/// The hour of the week the simulated clock is in, so that spans within it are added with one
/// addition.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct HourCursor {
    /// Simulated time the hour starts and ends.
    pub(super) start: u64,
    pub(super) end: u64,
    pub(super) bucket: usize,
}

impl HourCursor {
    /// The hour holding simulated time `t` (`offset`: from Monday 00:00 to time 0).
    pub(super) fn at(t: u64, offset: u64) -> Self {
        let start = (t.saturating_add(offset) / HOUR_US * HOUR_US).saturating_sub(offset);
        Self {
            start,
            end: start.saturating_add(HOUR_US),
            bucket: bucket(t, offset),
        }
    }
}

/// The hour-of-week bucket of simulated time `t`.
#[inline]
#[allow(clippy::cast_possible_truncation, reason = "below 168")]
pub(super) fn bucket(t: u64, offset: u64) -> usize {
    ((t.saturating_add(offset) / HOUR_US) % WEEK_HOURS) as usize
}

/// A time-integral split by hour of the week.
#[derive(Clone, Debug, Default)]
pub struct WeekArea {
    /// Per bucket: partial hours, added directly; after `finish`, the totals.
    direct: Vec<f64>,
    /// Circular difference array of whole hours (one longer than the week).
    diff: Vec<f64>,
    /// Added to every bucket (whole weeks).
    all: f64,
}

impl WeekArea {
    fn new() -> Self {
        Self {
            direct: vec![0.0; WEEK_BUCKETS],
            diff: vec![0.0; WEEK_BUCKETS + 1],
            all: 0.0,
        }
    }

    /// Adds `level` over `[from, to)` where `to` is now and `hour` is the hour of now.
    #[inline]
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    pub(super) fn add_now(
        &mut self,
        hour: HourCursor,
        offset: u64,
        from: u64,
        to: u64,
        level: f64,
    ) {
        if from >= hour.start {
            if let Some(b) = self.direct.get_mut(hour.bucket) {
                *b += level * (to - from) as f64;
            }
        } else {
            self.add(offset, from, to, level);
        }
    }

    /// Adds `level` over the simulated span `[from, to)`.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        reason = "time spans fit f64 well enough; buckets are below 168"
    )]
    pub(super) fn add(&mut self, offset: u64, from: u64, to: u64, level: f64) {
        if level == 0.0 || to <= from {
            return;
        }
        let (a, b) = (from.saturating_add(offset), to.saturating_add(offset));
        let (h0, h1) = (a / HOUR_US, b / HOUR_US);
        let slot = |h: u64| (h % WEEK_HOURS) as usize;
        if h0 == h1 {
            self.direct[slot(h0)] += level * (b - a) as f64;
            return;
        }
        self.direct[slot(h0)] += level * ((h0 + 1) * HOUR_US - a) as f64;
        self.direct[slot(h1)] += level * (b - h1 * HOUR_US) as f64;
        let full = h1 - h0 - 1;
        if full == 0 {
            return;
        }
        let per_hour = level * HOUR_US as f64;
        self.all += per_hour * (full / WEEK_HOURS) as f64;
        let rest = (full % WEEK_HOURS) as usize;
        let first = slot(h0 + 1);
        let last = first + rest;
        self.diff[first] += per_hour;
        if last <= WEEK_BUCKETS {
            self.diff[last] -= per_hour;
        } else {
            self.diff[WEEK_BUCKETS] -= per_hour;
            self.diff[0] += per_hour;
            self.diff[last - WEEK_BUCKETS] -= per_hour;
        }
    }

    /// Folds the whole hours into the buckets; afterwards [`WeekArea::at`] reads totals.
    fn finish(&mut self) {
        let mut running = 0.0;
        for (b, d) in self.direct.iter_mut().zip(&self.diff) {
            running += d;
            *b += running + self.all;
        }
        self.diff.iter_mut().for_each(|d| *d = 0.0);
        self.all = 0.0;
    }

    /// The total of bucket `b` (after the window closed).
    #[must_use]
    pub fn at(&self, b: usize) -> f64 {
        self.direct.get(b).copied().unwrap_or(0.0)
    }
}

/// What one replication measured by hour of the week, over the measurement window. Areas are
/// level x microseconds.
#[derive(Clone, Debug, Default)]
pub struct WeekStats {
    /// Window time in each bucket (µs): what the areas are averaged over.
    pub exposure: WeekArea,
    /// Measured arrivals.
    pub arrivals: Vec<u64>,
    /// Cases in the system.
    pub wip: WeekArea,
    /// Measured cases that finished, by the bucket they arrived in.
    pub done: Vec<u64>,
    /// Of those, the ones that met the end-to-end SLA.
    pub sla_met: Vec<u64>,
    /// Per owner.
    pub owners: Vec<OwnerWeekStats>,
}

/// One owner's areas by hour of the week.
#[derive(Clone, Debug, Default)]
pub struct OwnerWeekStats {
    /// Busy units while on shift.
    pub busy: WeekArea,
    /// Queue length.
    pub queue: WeekArea,
    /// Capacity on shift.
    pub capacity: WeekArea,
}

impl WeekStats {
    /// Empty figures for `owners` owners.
    pub(super) fn new(owners: usize) -> Self {
        Self {
            exposure: WeekArea::new(),
            arrivals: vec![0; WEEK_BUCKETS],
            wip: WeekArea::new(),
            done: vec![0; WEEK_BUCKETS],
            sla_met: vec![0; WEEK_BUCKETS],
            owners: (0..owners)
                .map(|_| OwnerWeekStats {
                    busy: WeekArea::new(),
                    queue: WeekArea::new(),
                    capacity: WeekArea::new(),
                })
                .collect(),
        }
    }

    /// Closes the window: every area holds its totals by bucket.
    pub(super) fn finish(&mut self) {
        self.exposure.finish();
        self.wip.finish();
        for o in &mut self.owners {
            o.busy.finish();
            o.queue.finish();
            o.capacity.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(
        clippy::cast_precision_loss,
        clippy::needless_range_loop,
        reason = "a test"
    )]
    fn spans_land_in_the_hours_they_cover() {
        // Brute force: minute by minute over spans up to three weeks, from odd offsets.
        let minute = 60_000_000u64;
        let mut seed = 7u64;
        for _ in 0..200 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let from = (seed >> 40) % (2 * 7 * 1440);
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let to = from + (seed >> 40) % (3 * 7 * 1440);
            let offset = 37 * minute;
            let mut fast = WeekArea::new();
            fast.add(offset, from * minute, to * minute, 2.0);
            fast.finish();
            let mut slow = vec![0.0; WEEK_BUCKETS];
            for m in from..to {
                slow[bucket(m * minute, offset)] += 2.0 * minute as f64;
            }
            for b in 0..WEEK_BUCKETS {
                assert!(
                    (fast.at(b) - slow[b]).abs() < 1.0,
                    "{from}..{to}: bucket {b}"
                );
            }
        }
    }
}
