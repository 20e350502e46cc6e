//! Outages: services going down and coming back, which services are unavailable, and the work
//! that waits for them.
//!
//! A step whose services are not all up cannot start; the case waits without holding its owner
//! and starts (in FIFO order among the owner's queue) once they are back.

use rand_distr::{Distribution as _, Exp1};

use super::run::{Run, Waiting};
use super::{CNode, NONE, SERVICE};

impl Run<'_> {
    /// Schedules the next change of service `s`: going down after an up period (`down` false)
    /// or coming back after a repair (`down` true). Periods are exponential.
    pub(super) fn schedule_service(&mut self, s: usize, down: bool) {
        let Some(Some((up_mean, down_mean))) = self.model.services.get(s) else {
            return;
        };
        let mean = if down { *down_mean } else { *up_mean };
        let e: f64 = Exp1.sample(&mut self.rng);
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped"
        )]
        let gap = (mean * e).round().clamp(1.0, 4.0e15) as u64;
        #[allow(clippy::cast_possible_truncation, reason = "service counts fit in u32")]
        self.queue
            .schedule(self.now.saturating_add(gap), SERVICE, s as u32, 0);
    }

    /// A service goes down or comes back up.
    pub(super) fn service_change(&mut self, s: u32) {
        let index = s as usize;
        let Some(state) = self.down.get_mut(index) else {
            return;
        };
        *state = !*state;
        let now_down = *state;
        self.refresh_availability();
        if now_down && self.measuring {
            if let Some(stats) = self.stats.services.get_mut(index) {
                stats.outages += 1;
            }
        }
        self.schedule_service(index, now_down);
        if !now_down {
            self.release_blocked();
        }
    }

    /// Recomputes which services are unavailable, first adding the time each one was.
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    pub(super) fn refresh_availability(&mut self) {
        let model = self.model;
        let span = (self.now - self.service_last) as f64;
        for (i, closure) in model.service_closures.iter().enumerate() {
            if self.measuring && self.unavailable.get(i).copied().unwrap_or(false) {
                if let Some(stats) = self.stats.services.get_mut(i) {
                    stats.down_area += span;
                }
            }
            let unavailable = closure
                .iter()
                .any(|&d| self.down.get(d as usize).copied().unwrap_or(false));
            if let Some(flag) = self.unavailable.get_mut(i) {
                *flag = unavailable;
            }
        }
        self.service_last = self.now;
        self.any_down = self.down.iter().any(|d| *d);
    }

    /// The first service a step needs that is down, if any.
    pub(super) fn blocked(&self, node: u32) -> Option<u32> {
        if !self.any_down {
            return None;
        }
        let Some(CNode::Step { needs, .. }) = self.model.nodes.get(node as usize) else {
            return None;
        };
        needs
            .iter()
            .copied()
            .find(|&s| self.down.get(s as usize).copied().unwrap_or(false))
    }

    /// Records the end of a delay caused by an outage.
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    pub(super) fn unblocked(&mut self, w: &mut Waiting) {
        if w.blocked_by == NONE {
            return;
        }
        let measured = self.cases.get(w.case as usize).is_some_and(|c| c.measured);
        if measured {
            if let Some(stats) = self.stats.services.get_mut(w.blocked_by as usize) {
                stats.delay_sum += (self.now - w.entered) as f64;
            }
        }
        w.blocked_by = NONE;
    }

    /// After a service came back: starts the work that can start now.
    pub(super) fn release_blocked(&mut self) {
        // Ownerless steps: start every one whose services are all up.
        let waiting = std::mem::take(&mut self.blocked_delays);
        for mut w in waiting {
            if self.blocked(w.node).is_some() {
                self.blocked_delays.push(w);
            } else {
                self.unblocked(&mut w);
                self.start_work(w.case, w.node, w.entered);
            }
        }
        // Owners: close the delays that ended, then fill free capacity in FIFO order.
        for o in 0..self.owners.len() {
            let mut queue = std::mem::take(&mut self.owners[o].queue);
            for w in &mut queue {
                if w.blocked_by != NONE && self.blocked(w.node).is_none() {
                    self.unblocked(w);
                }
            }
            self.owners[o].queue = queue;
            while self.owners[o].busy < self.owners[o].capacity {
                let Some(w) = self.take_startable(o) else {
                    break;
                };
                self.start_work(w.case, w.node, w.entered);
            }
        }
    }
}
