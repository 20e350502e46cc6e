//! The discrete-event engine: a map compiled to indices, and one replication run over it.
//!
//! Time is an integer number of microseconds. The event queue is a binary heap ordered by
//! (time, insertion sequence), so simultaneous events happen in the order they were scheduled and
//! a run is fully determined by the model and the random stream.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::atomic::Ordering as AtomicOrdering;

use rand::RngExt as _;
use rand_distr::{Distribution as _, Exp1, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::Control;
use super::stats::LogHistogram;
use crate::model::graph::Graph;
use crate::model::{Dist, Node, ProcessMap};

/// Microseconds per hour.
pub const US_PER_HOUR: f64 = 3_600_000_000.0;
const NONE: u32 = u32::MAX;
/// `Event::case` of a service changing state (`node` is the service index).
const SERVICE: u32 = u32::MAX - 1;
/// Simulated time never passes 1,000 years (a guard against runaway models).
const MAX_TIME_US: u64 = 1_000 * 365 * 24 * 3_600 * 1_000_000;

/// A duration distribution ready to sample, in microseconds.
#[derive(Clone, Debug)]
enum Sampler {
    Fixed(u64),
    Exponential(f64),
    Uniform { min: f64, width: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
    Normal { mean: f64, sd: f64 },
    LogNormal { mu: f64, sigma: f64 },
}

impl Sampler {
    fn new(dist: &Dist) -> Self {
        let us = |d: crate::model::Duration| d.as_hours() * US_PER_HOUR;
        match *dist {
            Dist::Fixed(d) => Self::Fixed(d.as_ms() * 1000),
            Dist::Exponential { mean } => Self::Exponential(us(mean)),
            Dist::Uniform { min, max } => Self::Uniform {
                min: us(min),
                width: (us(max) - us(min)).max(0.0),
            },
            Dist::Triangular { min, mode, max } => Self::Triangular {
                min: us(min),
                mode: us(mode),
                max: us(max),
            },
            Dist::Normal { mean, sd } => Self::Normal {
                mean: us(mean),
                sd: us(sd),
            },
            Dist::LogNormal { mean, sd } => {
                let (m, s) = (us(mean).max(1e-9), us(sd));
                let sigma2 = (1.0 + (s / m).powi(2)).ln();
                Self::LogNormal {
                    mu: m.ln() - sigma2 / 2.0,
                    sigma: sigma2.sqrt(),
                }
            }
        }
    }

    #[inline]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "samples are clamped to [0, 2^52] before the cast"
    )]
    fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> u64 {
        let value = match *self {
            Self::Fixed(us) => return us,
            Self::Exponential(mean) => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Self::Uniform { min, width } => min + width * rng.random::<f64>(),
            Self::Triangular { min, mode, max } => {
                let u: f64 = rng.random();
                let span = max - min;
                if span <= 0.0 {
                    min
                } else if u * span < mode - min {
                    min + (u * span * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * span * (max - mode)).sqrt()
                }
            }
            Self::Normal { mean, sd } => {
                let mut value = 0.0;
                // Truncated at zero: draw again; give up (zero) for absurd parameters.
                for _ in 0..1000 {
                    let z: f64 = StandardNormal.sample(rng);
                    let v = mean + sd * z;
                    if v >= 0.0 {
                        value = v;
                        break;
                    }
                }
                value
            }
            Self::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
        };
        value.round().clamp(0.0, 4.0e15) as u64
    }
}

#[derive(Clone, Debug)]
enum CNode {
    Start {
        next: u32,
    },
    Step {
        next: u32,
        owner: u32,
        stat: u32,
        work: Sampler,
        sla_us: u64,
        cost_per_us: f64,
        /// Base services the step needs (its `uses` and everything they depend on).
        needs: Box<[u32]>,
    },
    /// Decision: cumulative probabilities with targets; a single entry means a plain pass.
    Route {
        choices: Box<[(f64, u32)]>,
    },
    Parallel {
        outs: Box<[u32]>,
        join: u32,
    },
    End,
}

/// A map compiled for simulation: nodes, owners and steps by index.
#[derive(Debug)]
pub struct Model {
    nodes: Vec<CNode>,
    /// Capacity per owner, in the order of `ProcessMap::owners`.
    capacities: Vec<u32>,
    starts: Vec<(u32, Sampler)>,
    /// Step node ids, in stat index order.
    pub step_ids: Vec<String>,
    /// Step SLAs (target hours, within) in stat index order.
    pub step_slas: Vec<Option<(f64, f64)>>,
    /// Owner ids, in index order.
    pub owner_ids: Vec<String>,
    sla_us: u64,
    /// Service ids, in index order.
    pub service_ids: Vec<String>,
    /// Mean up and down times per service (microseconds); `None` for always-up services.
    services: Vec<Option<(f64, f64)>>,
    /// For each service, the services that must all be up for it to be up (itself included).
    service_closures: Vec<Box<[u32]>>,
}

impl Model {
    /// Compiles a validated map. Returns `None` when the structure cannot be simulated (the
    /// validator reports why).
    #[must_use]
    pub fn compile(map: &ProcessMap, outages: bool) -> Option<Self> {
        let graph = Graph::new(map);
        let service_ids: Vec<String> = map.services.keys().cloned().collect();
        let service_index = |id: &str| {
            service_ids
                .binary_search_by(|s| s.as_str().cmp(id))
                .ok()
                .and_then(|i| u32::try_from(i).ok())
        };
        let closure_of = |id: &str| -> Box<[u32]> {
            crate::analysis::closure(map, id)
                .iter()
                .filter_map(|s| service_index(s))
                .collect()
        };
        let service_closures: Vec<Box<[u32]>> =
            service_ids.iter().map(|id| closure_of(id)).collect();
        let services = map
            .services
            .values()
            .map(|s| {
                let a = s.availability;
                if !(outages && a > 0.0 && a < 1.0) {
                    return None;
                }
                let repair = s.repair().as_hours() * US_PER_HOUR;
                Some((repair * a / (1.0 - a), repair))
            })
            .collect();
        let owner_ids: Vec<String> = map.owners.keys().cloned().collect();
        let owner_index = |id: &str| owner_ids.binary_search_by(|o| o.as_str().cmp(id)).ok();
        let index = |i: usize| u32::try_from(i).ok();
        let mut nodes = Vec::with_capacity(graph.len());
        let mut starts = Vec::new();
        let mut step_ids = Vec::new();
        let mut step_slas = Vec::new();
        for (i, node) in graph.nodes.iter().enumerate() {
            let outs = &graph.out[i];
            let single = || outs.first().and_then(|e| index(e.node));
            let compiled = match node {
                Node::Start { arrivals, .. } => {
                    starts.push((index(i)?, Sampler::new(arrivals)));
                    CNode::Start { next: single()? }
                }
                Node::Step {
                    owner,
                    work,
                    sla,
                    uses,
                    ..
                } => {
                    let owner = match owner {
                        Some(id) => index(owner_index(id)?)?,
                        None => NONE,
                    };
                    let cost_per_hour = map
                        .owners
                        .get(owner_ids.get(owner as usize).map_or("", String::as_str))
                        .map_or(0.0, |o| o.cost_per_hour);
                    let stat = index(step_ids.len())?;
                    step_ids.push(graph.ids[i].to_owned());
                    step_slas.push(sla.map(|s| (s.target.as_hours(), s.within)));
                    CNode::Step {
                        next: single()?,
                        owner,
                        stat,
                        work: Sampler::new(work),
                        sla_us: sla.map_or(u64::MAX, |s| s.target.as_ms() * 1000),
                        cost_per_us: cost_per_hour / US_PER_HOUR,
                        needs: {
                            let mut needs: Vec<u32> =
                                uses.iter().flat_map(|u| closure_of(u).into_vec()).collect();
                            needs.sort_unstable();
                            needs.dedup();
                            needs.into()
                        },
                    }
                }
                Node::Decision { .. } => {
                    let mut cumulative = 0.0;
                    let mut choices = Vec::with_capacity(outs.len());
                    for edge in outs {
                        let p = graph.branch_share(i, edge.flow)?;
                        cumulative += p;
                        choices.push((cumulative, index(edge.node)?));
                    }
                    // Guard against rounding: the last choice catches everything.
                    if let Some(last) = choices.last_mut() {
                        last.0 = f64::INFINITY;
                    }
                    CNode::Route {
                        choices: choices.into(),
                    }
                }
                Node::Parallel { .. } => CNode::Parallel {
                    outs: outs.iter().map(|e| index(e.node)).collect::<Option<_>>()?,
                    join: index(graph.inc[i].len())?,
                },
                Node::End { .. } => CNode::End,
            };
            if !matches!(compiled, CNode::End) && outs.is_empty() {
                return None;
            }
            nodes.push(compiled);
        }
        Some(Self {
            nodes,
            capacities: map.owners.values().map(|o| o.capacity.max(1)).collect(),
            starts,
            step_ids,
            step_slas,
            owner_ids,
            sla_us: map.sla.map_or(u64::MAX, |s| s.target.as_ms() * 1000),
            service_ids,
            services,
            service_closures,
        })
    }
}

/// What one replication measured (times in microseconds).
#[derive(Clone, Debug, Default)]
pub struct RepStats {
    /// Cycle times of measured cases.
    pub cycle: LogHistogram,
    /// Sum of measured cycle times.
    pub cycle_sum: f64,
    /// Measured cases that met the end-to-end SLA.
    pub sla_met: u64,
    /// Per step, in [`Model::step_ids`] order.
    pub steps: Vec<StepStats>,
    /// Per owner, in [`Model::owner_ids`] order.
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
    /// True when the run was cancelled.
    pub cancelled: bool,
    /// Measured cases that finished.
    pub measured_done: u64,
    /// Per service, in [`Model::service_ids`] order.
    pub services: Vec<ServiceStats>,
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
    /// Time-integral of busy units over the window.
    pub busy_area: f64,
    /// Time-integral of the queue length over the window.
    pub queue_area: f64,
    /// Longest queue seen in the window.
    pub queue_max: u64,
    /// Sum of waits of measured executions.
    pub wait_sum: f64,
    /// Number of measured executions that waited or not.
    pub wait_count: u64,
}

/// A scheduled event. `case == NONE` marks an arrival at start number `node`.
#[derive(Clone, Copy, Debug)]
struct Event {
    time: u64,
    seq: u64,
    case: u32,
    node: u32,
    entered: u64,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    // Reversed: BinaryHeap is a max-heap and we want the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

#[derive(Clone, Debug, Default)]
struct Case {
    start: u64,
    tokens: u32,
    measured: bool,
    /// Services (bit = index, first 64) that delayed this case.
    delayed_by: u64,
    /// (join node, tokens arrived) for joins this case is waiting at.
    joins: Vec<(u32, u32)>,
}

#[derive(Clone, Copy, Debug)]
struct Waiting {
    case: u32,
    node: u32,
    entered: u64,
    /// The service that blocked it on arrival (`NONE` if it was not blocked).
    blocked_by: u32,
}

#[derive(Debug, Default)]
struct OwnerState {
    busy: u32,
    capacity: u32,
    queue: VecDeque<Waiting>,
    last: u64,
}

/// One replication in progress.
struct Run<'m> {
    model: &'m Model,
    rng: Xoshiro256PlusPlus,
    now: u64,
    seq: u64,
    heap: BinaryHeap<Event>,
    cases: Vec<Case>,
    free: Vec<u32>,
    owners: Vec<OwnerState>,
    stack: Vec<(u32, u32)>,
    arrived: u64,
    total: u64,
    warmup: u64,
    measuring: bool,
    window_start: u64,
    wip: u64,
    wip_last: u64,
    moves: u64,
    max_moves: u64,
    stats: RepStats,
    /// Per base service: currently down.
    down: Vec<bool>,
    /// Per service: unavailable (it or something it needs is down).
    unavailable: Vec<bool>,
    service_last: u64,
    any_down: bool,
    /// Ownerless steps waiting for services.
    blocked_delays: Vec<Waiting>,
}

/// Simulates one replication: `warmup` cases, then `cases` measured ones, until all are done.
pub fn replicate(
    model: &Model,
    rng: Xoshiro256PlusPlus,
    cases: u64,
    warmup: u64,
    control: &Control,
) -> RepStats {
    let total = cases.saturating_add(warmup);
    let mut run = Run {
        model,
        rng,
        now: 0,
        seq: 0,
        heap: BinaryHeap::with_capacity(1024),
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
        wip: 0,
        wip_last: 0,
        moves: 0,
        max_moves: total.saturating_mul(10_000).saturating_add(1_000_000),
        stats: RepStats {
            steps: vec![StepStats::default(); model.step_ids.len()],
            owners: vec![OwnerStats::default(); model.capacities.len()],
            services: vec![ServiceStats::default(); model.service_ids.len()],
            ..RepStats::default()
        },
        down: vec![false; model.service_ids.len()],
        unavailable: vec![false; model.service_ids.len()],
        service_last: 0,
        any_down: false,
        blocked_delays: Vec::new(),
    };
    run.go(control);
    run.stats
}

impl Run<'_> {
    fn schedule(&mut self, time: u64, case: u32, node: u32, entered: u64) {
        self.seq += 1;
        self.heap.push(Event {
            time,
            seq: self.seq,
            case,
            node,
            entered,
        });
    }

    fn go(&mut self, control: &Control) {
        for s in 0..self.model.starts.len() {
            self.schedule_arrival(s);
        }
        for s in 0..self.model.services.len() {
            self.schedule_service(s, false);
        }
        let mut reported = 0;
        while let Some(event) = self.heap.pop() {
            self.stats.events += 1;
            self.now = event.time;
            if event.case == SERVICE {
                if self.arrived >= self.total && self.cases.len() == self.free.len() {
                    // Every case is done: outages no longer matter.
                    continue;
                }
                self.service_change(event.node);
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
            if self.moves > self.max_moves || self.now > MAX_TIME_US {
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
    }

    /// Schedules the next change of service `s`: going down after an up period (`down` false)
    /// or coming back after a repair (`down` true). Periods are exponential.
    fn schedule_service(&mut self, s: usize, down: bool) {
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
        self.schedule(self.now.saturating_add(gap), SERVICE, s as u32, 0);
    }

    /// A service goes down or comes back up.
    fn service_change(&mut self, s: u32) {
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
    fn refresh_availability(&mut self) {
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
    fn blocked(&self, node: u32) -> Option<u32> {
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
    fn unblocked(&mut self, w: &mut Waiting) {
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
    fn release_blocked(&mut self) {
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

    /// Removes and returns the first queued work of owner `o` whose services are all up.
    fn take_startable(&mut self, o: usize) -> Option<Waiting> {
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
        let mut w = self.owners.get_mut(o)?.queue.remove(position)?;
        self.unblocked(&mut w);
        Some(w)
    }

    fn schedule_arrival(&mut self, start: usize) {
        if let Some((_, sampler)) = self.model.starts.get(start) {
            let gap = sampler.sample(&mut self.rng);
            #[allow(clippy::cast_possible_truncation, reason = "start counts fit in u32")]
            self.schedule(self.now.saturating_add(gap), NONE, start as u32, 0);
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
        self.level_wip(1);
        let case = if let Some(slot) = self.free.pop() {
            if let Some(c) = self.cases.get_mut(slot as usize) {
                c.start = self.now;
                c.tokens = 1;
                c.measured = measured;
                c.delayed_by = 0;
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
                delayed_by: 0,
                joins: Vec::new(),
            });
            slot
        };
        if self.arrived < self.total {
            self.schedule_arrival(start as usize);
        }
        if let Some((node, _)) = self.model.starts.get(start as usize) {
            self.advance(case, *node);
        }
        if self.arrived == self.total && self.measuring {
            self.close_window();
        }
    }

    fn open_window(&mut self) {
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
            stats.queue_area = 0.0;
            stats.queue_max = state.queue.len() as u64;
        }
    }

    fn close_window(&mut self) {
        self.refresh_availability();
        for o in 0..self.owners.len() {
            self.integrate_owner(o);
        }
        self.level_wip(0);
        self.stats.window_us = self.now - self.window_start;
        self.measuring = false;
    }

    /// Adds the owner's busy and queue levels since its last change to the window's integrals.
    #[inline]
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    fn integrate_owner(&mut self, o: usize) {
        if let (Some(state), Some(stats)) = (self.owners.get_mut(o), self.stats.owners.get_mut(o)) {
            if self.measuring {
                let span = (self.now - state.last) as f64;
                stats.busy_area += f64::from(state.busy) * span;
                stats.queue_area += state.queue.len() as f64 * span;
            }
            state.last = self.now;
        }
    }

    /// Changes work-in-progress by `delta` (+1 arrival, -1 completion, 0 to flush).
    #[inline]
    #[allow(clippy::cast_precision_loss, reason = "time spans fit f64 well enough")]
    fn level_wip(&mut self, delta: i64) {
        if self.measuring {
            self.stats.wip_area += self.wip as f64 * (self.now - self.wip_last) as f64;
        }
        self.wip_last = self.now;
        self.wip = self.wip.saturating_add_signed(delta);
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
                    let blocked_by = self.blocked(node).unwrap_or(NONE);
                    if blocked_by != NONE {
                        if let Some(c) = self.cases.get_mut(case as usize) {
                            if blocked_by < 64 && c.delayed_by & (1 << blocked_by) == 0 {
                                c.delayed_by |= 1 << blocked_by;
                            }
                        }
                    }
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
                            // Absorbed: this branch waits at the join for its siblings.
                            c.tokens -= 1;
                            if c.tokens == 0 {
                                self.complete(case);
                            }
                            continue;
                        }
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

    fn start_work(&mut self, case: u32, node: u32, entered: u64) {
        let model = self.model;
        let Some(CNode::Step {
            owner,
            stat,
            work,
            cost_per_us,
            ..
        }) = model.nodes.get(node as usize)
        else {
            return;
        };
        let duration = work.sample(&mut self.rng);
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
            }
            if let Some(o) = self.stats.owners.get_mut(*owner as usize) {
                o.wait_sum += wait;
                o.wait_count += 1;
            }
            self.stats.cost_sum += work_time * cost_per_us;
        }
        self.schedule(self.now.saturating_add(duration), case, node, entered);
    }

    fn done(&mut self, event: Event) {
        let model = self.model;
        let Some(CNode::Step {
            next,
            owner,
            stat,
            sla_us,
            ..
        }) = model.nodes.get(event.node as usize)
        else {
            return;
        };
        let (next, owner) = (*next, *owner);
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
            if lead <= *sla_us {
                s.sla_met += 1;
            }
        }
        if owner != NONE {
            self.integrate_owner(owner as usize);
            if let Some(state) = self.owners.get_mut(owner as usize) {
                state.busy -= 1;
            }
            if let Some(w) = self.take_startable(owner as usize) {
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
        let (start, measured, delayed_by) = (c.start, c.measured, c.delayed_by);
        if measured {
            let cycle = self.now - start;
            if delayed_by != 0 {
                let missed = cycle > self.model.sla_us;
                for (i, stats) in self.stats.services.iter_mut().enumerate().take(64) {
                    if delayed_by & (1 << i) != 0 {
                        stats.cases_delayed += 1;
                        stats.sla_missed += u64::from(missed);
                    }
                }
            }
            self.stats.cycle.record(cycle);
            #[allow(clippy::cast_precision_loss, reason = "durations fit f64 well enough")]
            let cycle_f = cycle as f64;
            self.stats.cycle_sum += cycle_f;
            if cycle <= self.model.sla_us {
                self.stats.sla_met += 1;
            }
            self.stats.measured_done += 1;
        }
        if self.measuring {
            self.stats.completed_in_window += 1;
        }
        self.level_wip(-1);
        self.free.push(case);
    }
}
