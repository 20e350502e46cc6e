//! What one replication measures: the figures handed to `sim::aggregate`, and the measurement
//! window over which the time-averages (busy units, queue lengths, work in progress, outages) are
//! integrated.
//!
//! Named `counters` so it is not confused with [`crate::sim::stats`], the statistics *across*
//! replications.

use super::Recorder;
use super::run::Run;
use super::week::WeekStats;
use crate::sim::stats::LogHistogram;

/// What one replication measured (times in microseconds).
#[derive(Clone, Debug, Default)]
pub struct RepStats {
    /// Cycle times of measured cases.
    pub cycle: LogHistogram,
    /// Sum of measured cycle times.
    pub cycle_sum: f64,
    /// Cycle time sum and count of the measured cases that arrived in the first half of the
    /// measured arrivals, and of those in the second half (the initial-bias check).
    pub halves: [(f64, u64); 2],
    /// Measured cases that met the end-to-end SLA.
    pub sla_met: u64,
    /// Per step, in [`Model::step_ids`](super::Model::step_ids) order.
    pub steps: Vec<StepStats>,
    /// Per owner, in [`Model::owner_ids`](super::Model::owner_ids) order.
    pub owners: Vec<OwnerStats>,
    /// Length of the measurement window (first measured arrival to last arrival).
    pub window_us: u64,
    /// Time-integral of cases in the system over the window.
    pub wip_area: f64,
    /// Cases (any) completed within the window.
    pub completed_in_window: u64,
    /// Total cost of the work of measured cases.
    pub cost_sum: f64,
    /// Events processed.
    pub events: u64,
    /// True when a guard (event count or simulated time) stopped the run early.
    pub truncated: bool,
    /// True when some Start's next arrival fell beyond the 1,000-year horizon.
    pub arrivals_beyond_horizon: bool,
    /// True when the run was cancelled.
    pub cancelled: bool,
    /// Cases that had not finished when no event was left (stuck at a join).
    pub unfinished: u64,
    /// Measured cases that finished.
    pub measured_done: u64,
    /// Per service, in [`Model::service_ids`](super::Model::service_ids) order.
    pub services: Vec<ServiceStats>,
    /// Figures by hour of the week, when the model keeps them.
    pub week: Option<Box<WeekStats>>,
}

/// Per-service figures of one replication (outages).
#[derive(Clone, Debug, Default)]
pub struct ServiceStats {
    /// Time in the window during which the service (with what it needs) was unavailable.
    pub down_area: f64,
    /// Outages of the service itself that began in the window.
    pub outages: u64,
    /// Measured cases that found it unavailable at a step.
    pub cases_delayed: u64,
    /// Sum of those delays (until the step's services were all back).
    pub delay_sum: f64,
    /// Delayed measured cases that missed the end-to-end SLA.
    pub sla_missed: u64,
}

/// Per-step figures of one replication.
#[derive(Clone, Debug, Default)]
pub struct StepStats {
    /// Completed executions by measured cases.
    pub count: u64,
    /// Sum of waits (queue time before work started).
    pub wait_sum: f64,
    /// Sum of waits counted in the open time of the step's calendar (steps with one).
    pub wait_working_sum: f64,
    /// Sum of work times.
    pub work_sum: f64,
    /// Sum of lead times (wait + work).
    pub lead_sum: f64,
    /// Executions whose lead time met the step's SLA.
    pub sla_met: u64,
}

/// Per-owner figures of one replication.
#[derive(Clone, Debug, Default)]
pub struct OwnerStats {
    /// Time-integral of busy units over the window (while on shift).
    pub busy_area: f64,
    /// Time-integral of the capacity on shift over the window.
    pub capacity_area: f64,
    /// Time-integral of the queue length over the window.
    pub queue_area: f64,
    /// Longest queue seen in the window.
    pub queue_max: u64,
    /// Sum of waits of measured executions.
    pub wait_sum: f64,
    /// Number of measured executions that waited or not.
    pub wait_count: u64,
}

impl<R: Recorder> Run<'_, R> {
    /// Opens the measurement window at the first measured arrival: the integrals start at zero.
    pub(super) fn open_window(&mut self) {
        self.refresh_availability();
        for stats in &mut self.stats.services {
            stats.down_area = 0.0;
        }
        self.measuring = true;
        self.window_start = self.now;
        self.wip_last = self.now;
        self.stats.wip_area = 0.0;
        for (state, stats) in self.owners.iter_mut().zip(&mut self.stats.owners) {
            state.last = self.now;
            stats.busy_area = 0.0;
            stats.capacity_area = 0.0;
            stats.queue_area = 0.0;
            stats.queue_max = state.queue.len() as u64;
        }
    }

    /// Closes the window at the last arrival (or the end of the run), adding the last spans.
    pub(super) fn close_window(&mut self) {
        self.refresh_availability();
        for o in 0..self.owners.len() {
            self.integrate_owner(o);
        }
        self.level_wip(0);
        self.stats.window_us = self.now - self.window_start;
        let (start, offset, now) = (self.window_start, self.model.week_offset, self.now);
        if let Some(week) = self.stats.week.as_deref_mut() {
            week.exposure.add(offset, start, now, 1.0);
            week.finish();
        }
        self.measuring = false;
    }

    /// Adds the owner's busy and queue levels since its last change to the window's integrals.
    #[inline]
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    pub(super) fn integrate_owner(&mut self, o: usize) {
        if let (Some(state), Some(stats)) = (self.owners.get_mut(o), self.stats.owners.get_mut(o)) {
            // Several changes at one instant (work done, next work taken): nothing to add.
            if self.measuring && self.now > state.last {
                let from = state.last;
                let span = (self.now - from) as f64;
                // Work in progress pauses while nobody is on shift.
                let busy = if state.capacity > 0 { state.busy } else { 0 };
                let queue = state.queue.len() as f64;
                stats.busy_area += f64::from(busy) * span;
                stats.capacity_area += f64::from(state.capacity) * span;
                stats.queue_area += queue * span;
                let capacity = state.capacity;
                state.last = self.now;
                if self.model.weekly {
                    self.integrate_owner_week(
                        o,
                        from,
                        [f64::from(busy), queue, f64::from(capacity)],
                    );
                }
                return;
            }
            state.last = self.now;
        }
    }

    /// The week-profile part of [`Run::integrate_owner`]: `levels` (busy, queue, capacity)
    /// held since `from`. Kept out of line so maps without calendars do not pay for it.
    #[inline(never)]
    fn integrate_owner_week(&mut self, o: usize, from: u64, levels: [f64; 3]) {
        let (hour, offset, now) = (self.hour, self.model.week_offset, self.now);
        if let Some(w) = self
            .stats
            .week
            .as_deref_mut()
            .and_then(|w| w.owners.get_mut(o))
        {
            w.busy.add_now(hour, offset, from, now, levels[0]);
            w.queue.add_now(hour, offset, from, now, levels[1]);
            w.capacity.add_now(hour, offset, from, now, levels[2]);
        }
    }

    /// Changes work-in-progress by `delta` (+1 arrival, -1 completion, 0 to flush).
    #[inline]
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    pub(super) fn level_wip(&mut self, delta: i64) {
        if self.measuring {
            self.stats.wip_area += self.wip as f64 * (self.now - self.wip_last) as f64;
            if let Some(week) = self.stats.week.as_deref_mut() {
                let (hour, offset) = (self.hour, self.model.week_offset);
                week.wip
                    .add_now(hour, offset, self.wip_last, self.now, self.wip as f64);
            }
        }
        self.wip_last = self.now;
        self.wip = self.wip.saturating_add_signed(delta);
    }
}
