//! One replication: the event loop, and what arrivals, finished work and completed cases do.
//!
//! This is the hot loop. Its handlers call each other and the helpers in `outages`, `counters`,
//! `queue` and `sample` directly (no dynamic dispatch); the release profile builds the crate as
//! one codegen unit, so they inline across these files as they did within one.

use std::collections::VecDeque;
use std::sync::atomic::Ordering as AtomicOrdering;

use rand::RngExt as _;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::compile::Arrival;
use super::queue::{Event, EventQueue};
use super::week::{HourCursor, WeekStats};
use super::{
    CNode, MAINTENANCE, Model, NONE, OwnerStats, Recorder, RepStats, SERVICE, SHIFT, ServiceStats,
    StepStats,
};
use crate::sim::Control;

/// Simulated time never passes 1,000 years (a guard against runaway models).
const MAX_TIME_US: u64 = 1_000 * 365 * 24 * 3_600 * 1_000_000;
/// Cases in progress at once never pass this (a guard against memory running out when an
/// owner cannot keep up: every waiting case holds a slot and a queue entry).
/// (Unit tests use a small bound to reach it quickly.)
pub const MAX_WIP: u64 = if cfg!(test) { 10_000 } else { 2_000_000 };

/// A case in progress; its slot is reused once it completes.
#[derive(Clone, Debug, Default)]
pub(super) struct Case {
    start: u64,
    tokens: u32,
    pub(super) measured: bool,
    /// Arrived in the first half of the measured arrivals.
    early: bool,
    /// Base services this case found down at a step that needed them (each once).
    pub(super) delayed_by: Vec<u32>,
    /// (join node, tokens arrived) for joins this case is waiting at.
    joins: Vec<(u32, u32)>,
}

/// A case waiting to start work at a step.
#[derive(Clone, Copy, Debug)]
pub(super) struct Waiting {
    pub(super) case: u32,
    pub(super) node: u32,
    pub(super) entered: u64,
    /// Its outage delay in progress: an index into `Run::blocks` (`NONE` if not blocked).
    pub(super) blocked_by: u32,
}

/// An owner's busy units and its queue of waiting work.
#[derive(Debug, Default)]
pub(super) struct OwnerState {
    pub(super) busy: u32,
    pub(super) capacity: u32,
    pub(super) queue: VecDeque<Waiting>,
    pub(super) last: u64,
}

/// One replication in progress; `R` is told what happens (`()` for an untraced run, which
/// compiles to the same code as having no recorder).
pub(super) struct Run<'m, R: Recorder> {
    pub(super) model: &'m Model,
    recorder: R,
    pub(super) rng: Xoshiro256PlusPlus,
    pub(super) now: u64,
    pub(super) queue: EventQueue<R>,
    pub(super) cases: Vec<Case>,
    free: Vec<u32>,
    pub(super) owners: Vec<OwnerState>,
    stack: Vec<(u32, u32)>,
    arrived: u64,
    total: u64,
    warmup: u64,
    pub(super) measuring: bool,
    pub(super) window_start: u64,
    /// The hour of the week `now` is in (kept only for weekly models).
    pub(super) hour: HourCursor,
    pub(super) wip: u64,
    pub(super) wip_last: u64,
    moves: u64,
    max_moves: u64,
    /// Work in progress (scheduled completions).
    in_work: u64,
    pub(super) stats: RepStats,
    /// Per base service: currently down (a random outage or maintenance).
    pub(super) down: Vec<bool>,
    /// Per base service: in a random outage.
    pub(super) failed: Vec<bool>,
    /// Per base service: in a maintenance window.
    pub(super) maintained: Vec<bool>,
    /// Per service: unavailable (it or something it needs is down).
    pub(super) unavailable: Vec<bool>,
    pub(super) service_last: u64,
    pub(super) any_down: bool,
    /// Ownerless steps waiting for services.
    pub(super) blocked_delays: Vec<Waiting>,
    /// Outage delays in progress: for each, the down time so far of every base service the
    /// step needs, when the delay began (slots are reused through `free_blocks`).
    pub(super) blocks: Vec<Vec<(u32, f64)>>,
    pub(super) free_blocks: Vec<u32>,
    /// Per base service: down time accumulated until `down_since` (µs).
    pub(super) down_total: Vec<f64>,
    /// Per base service: when its current state began.
    pub(super) down_since: Vec<u64>,
}

/// Simulates one replication: `warmup` cases, then `cases` measured ones, until all are done.
pub fn replicate(
    model: &Model,
    rng: Xoshiro256PlusPlus,
    cases: u64,
    warmup: u64,
    control: &Control,
) -> RepStats {
    replicate_with(model, rng, cases, warmup, control, ()).0
}

/// [`replicate`], telling `recorder` about every arrival and every piece of work; returns the
/// recorder with the figures. The random stream is used exactly as by [`replicate`], so the
/// figures are the same.
pub fn replicate_with<R: Recorder>(
    model: &Model,
    rng: Xoshiro256PlusPlus,
    cases: u64,
    warmup: u64,
    control: &Control,
    recorder: R,
) -> (RepStats, R) {
    let total = cases.saturating_add(warmup);
    let mut run = Run {
        model,
        recorder,
        rng,
        now: 0,
        queue: EventQueue::with_capacity(1024),
        cases: Vec::new(),
        free: Vec::new(),
        owners: model
            .capacities
            .iter()
            .map(|&capacity| OwnerState {
                capacity,
                ..OwnerState::default()
            })
            .collect(),
        stack: Vec::with_capacity(16),
        arrived: 0,
        total,
        warmup,
        measuring: false,
        window_start: 0,
        hour: HourCursor::default(),
        wip: 0,
        wip_last: 0,
        moves: 0,
        in_work: 0,
        max_moves: total.saturating_mul(10_000).saturating_add(1_000_000),
        stats: RepStats {
            steps: vec![StepStats::default(); model.step_ids.len()],
            owners: vec![OwnerStats::default(); model.capacities.len()],
            services: vec![ServiceStats::default(); model.service_ids.len()],
            week: model
                .weekly
                .then(|| Box::new(WeekStats::new(model.capacities.len()))),
            ..RepStats::default()
        },
        down: vec![false; model.service_ids.len()],
        failed: vec![false; model.service_ids.len()],
        maintained: vec![false; model.service_ids.len()],
        unavailable: vec![false; model.service_ids.len()],
        service_last: 0,
        any_down: false,
        blocked_delays: Vec::new(),
        blocks: Vec::new(),
        free_blocks: Vec::new(),
        down_total: vec![0.0; model.service_ids.len()],
        down_since: vec![0; model.service_ids.len()],
    };
    run.go(control);
    (run.stats, run.recorder)
}

impl<R: Recorder> Run<'_, R> {
    /// Runs events until none are left, the run is cancelled or a guard stops it.
    fn go(&mut self, control: &Control) {
        for s in 0..self.model.starts.len() {
            self.schedule_arrival(s);
        }
        for s in 0..self.model.services.len() {
            self.schedule_service(s, false);
        }
        for o in 0..self.owners.len() {
            self.shift_change(o);
        }
        for s in 0..self.model.maintenance.len() {
            self.maintenance_change(s);
        }
        let mut reported = 0;
        let weekly = self.model.weekly;
        while let Some(event) = self.queue.pop() {
            self.stats.events += 1;
            self.now = event.time;
            if weekly && self.now >= self.hour.end {
                self.hour = HourCursor::at(self.now, self.model.week_offset);
            }
            if event.case >= MAINTENANCE && event.case != NONE {
                if self.arrived >= self.total
                    && (self.cases.len() == self.free.len() || self.only_stuck_cases())
                {
                    // Every case is done, or the ones left wait at a join for a branch that
                    // never comes: outages and shifts no longer matter.
                    continue;
                }
                match event.case {
                    SERVICE => self.service_change(event.node),
                    SHIFT => self.shift_change(event.node as usize),
                    _ => self.maintenance_change(event.node as usize),
                }
            } else if event.case == NONE {
                self.arrival(event.node);
                if self.arrived - reported >= 4096 {
                    control
                        .done
                        .fetch_add(self.arrived - reported, AtomicOrdering::Relaxed);
                    reported = self.arrived;
                    if control.is_cancelled() {
                        self.stats.cancelled = true;
                        break;
                    }
                }
            } else {
                self.done(event);
            }
            if self.moves > self.max_moves || self.now > MAX_TIME_US || self.wip > MAX_WIP {
                self.stats.truncated = true;
                break;
            }
        }
        control
            .done
            .fetch_add(self.arrived - reported, AtomicOrdering::Relaxed);
        if self.measuring {
            self.close_window();
        }
        if !self.stats.truncated && !self.stats.cancelled {
            self.stats.unfinished = (self.cases.len() - self.free.len()) as u64;
        }
    }

    /// True when no case can move any more: nothing is being worked on or waits for an owner
    /// or a service, so the cases left are waiting at joins.
    fn only_stuck_cases(&self) -> bool {
        self.in_work == 0
            && self.blocked_delays.is_empty()
            && self.owners.iter().all(|o| o.queue.is_empty())
    }

    /// Removes and returns the first queued work of owner `o` whose services are all up.
    pub(super) fn take_startable(&mut self, o: usize) -> Option<Waiting> {
        let position = if self.any_down {
            self.owners
                .get(o)?
                .queue
                .iter()
                .position(|w| self.blocked(w.node).is_none())?
        } else {
            0
        };
        self.integrate_owner(o);
        let queue = &mut self.owners.get_mut(o)?.queue;
        let mut w = if position == 0 {
            queue.pop_front()?
        } else {
            queue.remove(position)?
        };
        self.unblocked(&mut w);
        Some(w)
    }

    fn schedule_arrival(&mut self, start: usize) {
        let model = self.model;
        let at = match model.starts.get(start) {
            Some((_, Arrival::Gaps { sampler, clock })) => {
                let gap = sampler.sample(&mut self.rng);
                match model.timelines.get(*clock as usize) {
                    None => self.now.saturating_add(gap),
                    Some(t) => t.after(self.now, u128::from(gap)),
                }
            }
            Some((_, Arrival::Rates { clock })) => {
                let e: f64 = rand_distr::Distribution::sample(&rand_distr::Exp1, &mut self.rng);
                model
                    .timelines
                    .get(*clock as usize)
                    .map_or(u64::MAX, |t| t.after_units(self.now, e))
            }
            None => return,
        };
        if at > MAX_TIME_US {
            // The next case would come after the simulated horizon (a calendar almost never
            // open, a rate almost zero): this Start sends no more.
            self.stats.arrivals_beyond_horizon = true;
        } else {
            #[allow(clippy::cast_possible_truncation, reason = "start counts fit in u32")]
            self.queue.schedule(at, NONE, start as u32, 0);
        }
    }

    /// An owner's shift changes (and, at the start, the first shift is set): its capacity
    /// becomes the calendar's level, waiting work starts while there is room, and the next
    /// change is scheduled. Work in progress is never pre-empted.
    pub(super) fn shift_change(&mut self, o: usize) {
        let model = self.model;
        let Some(t) = model
            .owner_clocks
            .get(o)
            .and_then(|&c| model.timelines.get(c as usize))
        else {
            return;
        };
        self.integrate_owner(o);
        if let Some(state) = self.owners.get_mut(o) {
            state.capacity = t.level_at(self.now);
        }
        while self.owners[o].busy < self.owners[o].capacity {
            let Some(w) = self.take_startable(o) else {
                break;
            };
            self.start_work(w.case, w.node, w.entered);
        }
        let next = t.next_change(self.now);
        if next != u64::MAX {
            #[allow(clippy::cast_possible_truncation, reason = "owner counts fit in u32")]
            self.queue.schedule(next, SHIFT, o as u32, 0);
        }
    }

    fn arrival(&mut self, start: u32) {
        if self.arrived >= self.total {
            return;
        }
        let index = self.arrived;
        self.arrived += 1;
        if index == self.warmup {
            self.open_window();
        }
        let measured = index >= self.warmup;
        if measured && let Some(week) = self.stats.week.as_deref_mut() {
            week.arrivals[self.hour.bucket] += 1;
        }
        let early = measured && index - self.warmup < (self.total - self.warmup).div_ceil(2);
        self.level_wip(1);
        let case = if let Some(slot) = self.free.pop() {
            if let Some(c) = self.cases.get_mut(slot as usize) {
                c.start = self.now;
                c.tokens = 1;
                c.measured = measured;
                c.early = early;
                c.delayed_by.clear();
                c.joins.clear();
            }
            slot
        } else {
            #[allow(clippy::cast_possible_truncation, reason = "live cases fit in u32")]
            let slot = self.cases.len() as u32;
            self.cases.push(Case {
                start: self.now,
                tokens: 1,
                measured,
                early,
                delayed_by: Vec::new(),
                joins: Vec::new(),
            });
            slot
        };
        if self.arrived < self.total {
            self.schedule_arrival(start as usize);
        }
        self.recorder.arrived(case, index);
        if let Some((node, _)) = self.model.starts.get(start as usize) {
            self.advance(case, *node);
        }
        if self.arrived == self.total && self.measuring {
            self.close_window();
        }
    }

    /// Moves a token of `case` into `node` and on through every node that takes no time.
    fn advance(&mut self, case: u32, node: u32) {
        self.stack.push((case, node));
        while let Some((case, node)) = self.stack.pop() {
            self.moves += 1;
            let model = self.model;
            let Some(compiled) = model.nodes.get(node as usize) else {
                continue;
            };
            match compiled {
                CNode::Start { next } => self.stack.push((case, *next)),
                CNode::Step { owner, .. } => {
                    let owner = *owner;
                    // A step whose services are not all up cannot start; the case waits
                    // without holding the owner.
                    let blocked_by = if self.blocked(node).is_some() {
                        self.begin_delay(case, node)
                    } else {
                        NONE
                    };
                    let free = blocked_by == NONE
                        && self
                            .owners
                            .get(owner as usize)
                            .is_none_or(|state| state.busy < state.capacity);
                    if free {
                        self.start_work(case, node, self.now);
                    } else if owner == NONE {
                        self.blocked_delays.push(Waiting {
                            case,
                            node,
                            entered: self.now,
                            blocked_by,
                        });
                    } else {
                        {
                            self.integrate_owner(owner as usize);
                            if let Some(state) = self.owners.get_mut(owner as usize) {
                                state.queue.push_back(Waiting {
                                    case,
                                    node,
                                    entered: self.now,
                                    blocked_by,
                                });
                                let len = state.queue.len() as u64;
                                if self.measuring
                                    && let Some(stats) = self.stats.owners.get_mut(owner as usize)
                                {
                                    stats.queue_max = stats.queue_max.max(len);
                                }
                            }
                        }
                    }
                }
                CNode::Route { choices } => {
                    let next = if choices.len() == 1 {
                        choices[0].1
                    } else {
                        let u: f64 = self.rng.random();
                        choices
                            .iter()
                            .find(|(cumulative, _)| u < *cumulative)
                            .map_or(NONE, |(_, to)| *to)
                    };
                    self.stack.push((case, next));
                }
                CNode::Parallel { outs, join } => {
                    let Some(c) = self.cases.get_mut(case as usize) else {
                        continue;
                    };
                    if *join > 1 {
                        let arrived = if let Some(entry) = c.joins.iter_mut().find(|e| e.0 == node)
                        {
                            entry.1 += 1;
                            entry.1
                        } else {
                            c.joins.push((node, 1));
                            1
                        };
                        if arrived < *join {
                            // This branch waits at the join for its siblings; its token stays
                            // alive, so a case never completes while a branch is waiting.
                            continue;
                        }
                        // The branches merge into one token.
                        c.tokens -= *join - 1;
                        c.joins.retain(|e| e.0 != node);
                    }
                    #[allow(clippy::cast_possible_truncation, reason = "flow counts fit in u32")]
                    let extra = outs.len().saturating_sub(1) as u32;
                    c.tokens += extra;
                    for &to in outs.iter().rev() {
                        self.stack.push((case, to));
                    }
                }
                CNode::End => {
                    let Some(c) = self.cases.get_mut(case as usize) else {
                        continue;
                    };
                    c.tokens -= 1;
                    if c.tokens == 0 {
                        self.complete(case);
                    }
                }
            }
        }
    }

    pub(super) fn start_work(&mut self, case: u32, node: u32, entered: u64) {
        let model = self.model;
        let Some(CNode::Step {
            owner,
            stat,
            work,
            cost_per_us,
            clock,
            ..
        }) = model.nodes.get(node as usize)
        else {
            return;
        };
        let duration = work.sample(&mut self.rng);
        let timeline = model.timelines.get(*clock as usize);
        if *owner != NONE {
            self.integrate_owner(*owner as usize);
            if let Some(state) = self.owners.get_mut(*owner as usize) {
                state.busy += 1;
            }
        }
        let measured = self.cases.get(case as usize).is_some_and(|c| c.measured);
        if measured {
            #[allow(clippy::cast_precision_loss, reason = "durations fit f64 well enough")]
            let (wait, work_time) = ((self.now - entered) as f64, duration as f64);
            if let Some(s) = self.stats.steps.get_mut(*stat as usize) {
                s.wait_sum += wait;
                s.work_sum += work_time;
                if let Some(t) = timeline
                    && entered < self.now
                {
                    #[allow(clippy::cast_precision_loss, reason = "durations fit f64 well enough")]
                    let open = t.open_between(entered, self.now) as f64;
                    s.wait_working_sum += open;
                }
            }
            if let Some(o) = self.stats.owners.get_mut(*owner as usize) {
                o.wait_sum += wait;
                o.wait_count += 1;
            }
            self.stats.cost_sum += work_time * cost_per_us;
        }
        self.in_work += 1;
        // Work counts in working time: it pauses while the calendar is closed.
        let finish = timeline.map_or(self.now.saturating_add(duration), |t| {
            t.after(self.now, u128::from(duration))
        });
        let work = self.queue.schedule(finish, case, node, entered);
        self.recorder.started(work, case, *stat, *owner, self.now);
    }

    fn done(&mut self, event: Event<R>) {
        self.in_work = self.in_work.saturating_sub(1);
        // Before the owner's unit is released, so the next work there can take the same person.
        self.recorder.finished(event.seq(), event.case, self.now);
        let model = self.model;
        let Some(CNode::Step {
            next,
            owner,
            stat,
            sla_us,
            sla_clock,
            ..
        }) = model.nodes.get(event.node as usize)
        else {
            return;
        };
        let (next, owner) = (*next, *owner);
        let sla_clock = model.timelines.get(*sla_clock as usize);
        if self
            .cases
            .get(event.case as usize)
            .is_some_and(|c| c.measured)
            && let Some(s) = self.stats.steps.get_mut(*stat as usize)
        {
            let lead = self.now - event.entered;
            s.count += 1;
            #[allow(clippy::cast_precision_loss, reason = "durations fit f64 well enough")]
            let lead_f = lead as f64;
            s.lead_sum += lead_f;
            let counted = sla_clock.map_or(lead, |t| t.open_between(event.entered, self.now));
            if counted <= *sla_us {
                s.sla_met += 1;
            }
        }
        if owner != NONE {
            self.integrate_owner(owner as usize);
            let room = self.owners.get_mut(owner as usize).is_some_and(|state| {
                state.busy -= 1;
                state.busy < state.capacity
            });
            if room && let Some(w) = self.take_startable(owner as usize) {
                self.start_work(w.case, w.node, w.entered);
            }
        }
        self.advance(event.case, next);
    }

    fn complete(&mut self, case: u32) {
        let Some(c) = self.cases.get_mut(case as usize) else {
            return;
        };
        c.joins.clear();
        let (start, measured, early) = (c.start, c.measured, c.early);
        let delayed_by = std::mem::take(&mut c.delayed_by);
        if measured {
            let cycle = self.now - start;
            let model = self.model;
            let counted = model
                .timelines
                .get(model.sla_clock as usize)
                .map_or(cycle, |t| t.open_between(start, self.now));
            let missed = counted > model.sla_us;
            if let Some(week) = self.stats.week.as_deref_mut() {
                let b = super::week::bucket(start, model.week_offset);
                week.done[b] += 1;
                week.sla_met[b] += u64::from(!missed);
            }
            for &s in &delayed_by {
                if let Some(stats) = self.stats.services.get_mut(s as usize) {
                    stats.cases_delayed += 1;
                    stats.sla_missed += u64::from(missed);
                }
            }
            self.stats.cycle.record(cycle);
            #[allow(clippy::cast_precision_loss, reason = "durations fit f64 well enough")]
            let cycle_f = cycle as f64;
            self.stats.cycle_sum += cycle_f;
            let half = &mut self.stats.halves[usize::from(!early)];
            half.0 += cycle_f;
            half.1 += 1;
            if !missed {
                self.stats.sla_met += 1;
            }
            self.stats.measured_done += 1;
        }
        if self.measuring {
            self.stats.completed_in_window += 1;
        }
        if let Some(c) = self.cases.get_mut(case as usize) {
            // Keep the allocation for the next case in this slot.
            c.delayed_by = delayed_by;
            c.delayed_by.clear();
        }
        self.level_wip(-1);
        self.free.push(case);
    }
}
