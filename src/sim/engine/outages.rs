//! Outages: services going down and coming back, which services are unavailable, and the work
//! that waits for them.
//!
//! A step whose services are not all up cannot start; the case waits without holding its owner
//! and starts (in FIFO order among the owner's queue) once they are back.

use rand_distr::{Distribution as _, Exp1};

use super::run::{Run, Waiting};
use super::{CNode, MAINTENANCE, NONE, Recorder, SERVICE};

impl<R: Recorder> Run<'_, R> {
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

    /// A random outage of service `s` begins or ends.
    pub(super) fn service_change(&mut self, s: u32) {
        let index = s as usize;
        let Some(failed) = self.failed.get_mut(index) else {
            return;
        };
        *failed = !*failed;
        let now_failed = *failed;
        if now_failed && self.measuring {
            if let Some(stats) = self.stats.services.get_mut(index) {
                stats.outages += 1;
            }
        }
        self.schedule_service(index, now_failed);
        self.set_down(index);
    }

    /// A maintenance window of service `s` opens or closes (and, at the start, the first state
    /// is set); the next change is scheduled.
    pub(super) fn maintenance_change(&mut self, s: usize) {
        let model = self.model;
        let Some(t) = model
            .maintenance
            .get(s)
            .and_then(|&c| model.timelines.get(c as usize))
        else {
            return;
        };
        if let Some(m) = self.maintained.get_mut(s) {
            *m = t.level_at(self.now) > 0;
        }
        let next = t.next_change(self.now);
        if next != u64::MAX {
            #[allow(clippy::cast_possible_truncation, reason = "service counts fit in u32")]
            self.queue.schedule(next, MAINTENANCE, s as u32, 0);
        }
        self.set_down(s);
    }

    /// Service `index` is down while it has failed or is in maintenance: updates its state,
    /// what is unavailable, the down-time ledger, and starts blocked work when it is back.
    fn set_down(&mut self, index: usize) {
        let now_down = self.failed.get(index).copied().unwrap_or(false)
            || self.maintained.get(index).copied().unwrap_or(false);
        let Some(state) = self.down.get_mut(index) else {
            return;
        };
        if *state == now_down {
            return;
        }
        *state = now_down;
        // Down time so far, for splitting delays between services (see `unblocked`).
        if let (Some(total), Some(since)) = (
            self.down_total.get_mut(index),
            self.down_since.get_mut(index),
        ) {
            if !now_down {
                #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
                let span = (self.now - *since) as f64;
                *total += span;
            }
            *since = self.now;
        }
        self.refresh_availability();
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

    /// Base service `s`'s down time from the start of the run until now (µs).
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    fn down_time(&self, s: u32) -> f64 {
        let i = s as usize;
        let total = self.down_total.get(i).copied().unwrap_or(0.0);
        match (self.down.get(i), self.down_since.get(i)) {
            (Some(true), Some(since)) => total + (self.now - since) as f64,
            _ => total,
        }
    }

    /// Starts an outage delay of `case` at step `node`: notes every needed service it found
    /// down (the case counts against each), and the down time so far of all of them. Returns
    /// the delay's slot for [`Waiting::blocked_by`].
    pub(super) fn begin_delay(&mut self, case: u32, node: u32) -> u32 {
        let model = self.model;
        let Some(CNode::Step { needs, .. }) = model.nodes.get(node as usize) else {
            return NONE;
        };
        let slot = self.free_blocks.pop();
        let mut snapshot = slot
            .and_then(|slot| self.blocks.get_mut(slot as usize).map(std::mem::take))
            .unwrap_or_default();
        snapshot.clear();
        for &s in needs {
            snapshot.push((s, self.down_time(s)));
            let down = self.down.get(s as usize).copied().unwrap_or(false);
            if let Some(c) = self.cases.get_mut(case as usize) {
                if down && !c.delayed_by.contains(&s) {
                    c.delayed_by.push(s);
                }
            }
        }
        match slot {
            Some(slot) => {
                if let Some(place) = self.blocks.get_mut(slot as usize) {
                    *place = snapshot;
                }
                slot
            }
            None => {
                #[allow(clippy::cast_possible_truncation, reason = "open delays fit in u32")]
                let slot = self.blocks.len() as u32;
                self.blocks.push(snapshot);
                slot
            }
        }
    }

    /// Records the end of a delay caused by outages. The delay is split between the needed
    /// services in proportion to how long each was down during it (two services down at once
    /// share that time), so the parts add up to the delay and no service is charged for
    /// another's name coming first. A service that is down because something it depends on is
    /// down is not charged: the base service that failed is.
    #[inline]
    pub(super) fn unblocked(&mut self, w: &mut Waiting) {
        if w.blocked_by != NONE {
            self.close_delay(w);
        }
    }

    /// [`Run::unblocked`] for a delay in progress.
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    fn close_delay(&mut self, w: &mut Waiting) {
        let slot = w.blocked_by;
        w.blocked_by = NONE;
        let snapshot = self
            .blocks
            .get_mut(slot as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        let measured = self.cases.get(w.case as usize).is_some_and(|c| c.measured);
        if measured {
            let delay = (self.now - w.entered) as f64;
            let held: Vec<(u32, f64)> = snapshot
                .iter()
                .map(|&(s, before)| (s, (self.down_time(s) - before).max(0.0)))
                .collect();
            let total: f64 = held.iter().map(|(_, h)| h).sum();
            for (s, h) in held {
                if total > 0.0 && h > 0.0 {
                    if let Some(stats) = self.stats.services.get_mut(s as usize) {
                        stats.delay_sum += delay * h / total;
                    }
                }
            }
        }
        if let Some(place) = self.blocks.get_mut(slot as usize) {
            *place = snapshot;
        }
        self.free_blocks.push(slot);
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
