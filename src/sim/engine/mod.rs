//! The discrete-event engine: a map compiled to indices, and one replication run over it.
//!
//! Time is an integer number of microseconds. The event queue is a binary heap ordered by
//! (time, insertion sequence), so simultaneous events happen in the order they were scheduled and
//! a run is fully determined by the model and the random stream.
//!
//! This file is the engine's face to the rest of `sim`: the compiled [`Model`], [`replicate`] and
//! the per-replication figures it returns. The parts behind it:
//! - `compile`: a [`ProcessMap`](crate::model::ProcessMap) to a [`Model`] (nodes by index);
//! - `sample`: duration distributions ready to draw from;
//! - `queue`: events and the time-ordered queue;
//! - `run`: the replication loop and the handlers of arrivals, steps and completions;
//! - `outages`: services going down and up, and the work they block;
//! - `counters`: what a replication measures, and the window it measures over;
//! - [`Recorder`]: what a replication tells an observer (the trace of `sim::trace`); the unit
//!   type records nothing, and the run is generic over it, so an untraced run is compiled
//!   without any of it.
//!
//! The engine never prints and never reads a clock; `sim::aggregate` turns its
//! figures into results.

mod compile;
mod counters;
mod outages;
mod queue;
mod run;
mod sample;
mod week;

use crate::model::calendar::Timeline;
use compile::{Arrival, CNode};
pub use counters::{OwnerStats, RepStats, ServiceStats, StepStats};
pub use run::{MAX_WIP, replicate, replicate_with};
use sample::Sampler;
pub use week::{OwnerWeekStats, WeekStats};

/// Microseconds per hour.
pub const US_PER_HOUR: f64 = 3_600_000_000.0;
/// No index: no owner, no blocking service, or (as `Event::case`) an arrival.
const NONE: u32 = u32::MAX;
/// `Event::case` of a service changing state (`node` is the service index).
const SERVICE: u32 = u32::MAX - 1;
/// `Event::case` of an owner's shift changing (`node` is the owner index).
const SHIFT: u32 = u32::MAX - 2;
/// `Event::case` of a service's maintenance window opening or closing (`node`: the service).
const MAINTENANCE: u32 = u32::MAX - 3;

/// Told by a replication what happens, at the moments an event log records them.
///
/// Case slots are reused once a case completes, so `slot` names a case only between its
/// [`Recorder::arrived`] and its completion; `work` (the sequence number of the completion
/// event) names one piece of work from [`Recorder::started`] to [`Recorder::finished`].
pub trait Recorder {
    /// Case number `number` (0-based, in arrival order, warm-up cases included) arrived and
    /// holds case slot `slot`.
    fn arrived(&mut self, slot: u32, number: u64);
    /// Work `work` of the case in `slot` began at step `stat` (index into
    /// [`Model::step_ids`]) of owner `owner` (index into [`Model::owner_ids`], `u32::MAX` for
    /// an ownerless step) at simulated time `now` (µs).
    fn started(&mut self, work: u64, slot: u32, stat: u32, owner: u32, now: u64);
    /// Work `work` of the case in `slot` ended at `now`; called before the owner's unit is
    /// given to the next waiting work.
    fn finished(&mut self, work: u64, slot: u32, now: u64);
}

/// Records nothing: the untraced run.
impl Recorder for () {
    fn arrived(&mut self, _slot: u32, _number: u64) {}
    fn started(&mut self, _work: u64, _slot: u32, _stat: u32, _owner: u32, _now: u64) {}
    fn finished(&mut self, _work: u64, _slot: u32, _now: u64) {}
}

/// A map compiled for simulation: nodes, owners and steps by index.
#[derive(Debug)]
pub struct Model {
    nodes: Vec<CNode>,
    /// Capacity per owner, in the order of `ProcessMap::owners`.
    capacities: Vec<u32>,
    starts: Vec<(u32, Arrival)>,
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
    /// Calendars and rate profiles, compiled; the `clock` fields index into it.
    timelines: Vec<Timeline>,
    /// Per owner: its calendar's timeline (levels are capacities), or `NONE`.
    owner_clocks: Vec<u32>,
    /// Per service: its maintenance timeline (open = down for maintenance), or `NONE`.
    maintenance: Vec<u32>,
    /// The timeline the end-to-end SLA counts in, or `NONE`.
    sla_clock: u32,
    /// True when the map has any calendar or rate profile: figures by hour of week are kept.
    pub weekly: bool,
    /// From Monday 00:00 of the start's week to simulated time 0 (µs).
    week_offset: u64,
}
