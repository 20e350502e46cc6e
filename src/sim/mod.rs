//! The simulator: runs cases through a map and measures where they wait.
//!
//! Pure and deterministic: no I/O, no UI, no clocks in the results except `wall_seconds`.
//! Replications run in parallel on rayon, each on its own random stream (the seed's stream
//! jumped ahead by 2^128 per replication), and are combined in replication order, so the thread
//! count never changes a result.
//!
//! This file holds the public types, [`Control`], [`SimError`], [`simulate`] and
//! [`simulate_traced`]; `engine` runs one replication, `aggregate` combines replications into a
//! [`SimResult`], [`stats`] holds the statistics they share, `trace` records the event log of a
//! replication ([`trace`]).

mod against_log;
mod aggregate;
mod engine;
pub mod plan;
pub mod stats;
mod trace;
mod weekly;

pub use against_log::{MAX_CHECK_CASES, against_log};
pub use trace::trace;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rand::SeedableRng as _;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::model::{self, Problem, ProcessMap, Simulation};
use engine::{Model, RepStats};
use stats::mean_ci95;

/// Shared between a running simulation and whoever watches it: progress and cancellation.
#[derive(Debug, Default)]
pub struct Control {
    cancel: AtomicBool,
    finished: AtomicBool,
    done: AtomicU64,
}

impl Control {
    /// Asks the simulation to stop as soon as it can (within a few thousand cases).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// True once [`Control::cancel`] was called.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Cases that have arrived so far, over all replications.
    #[must_use]
    pub fn cases_done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Marks the run as over (for progress watchers). [`simulate`] does this itself when it
    /// returns, whatever the outcome.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
    }

    /// True once [`Control::finish`] was called.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }
}

/// Why a simulation did not produce results.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The map has validation errors; it is never simulated.
    #[error("the map has {} error(s); first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Problem>),
    /// A valid map the engine could not compile (a bug: validation should have caught it).
    #[error("the map passed validation but cannot be simulated (please report this map)")]
    Compile,
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// The event log asked for ([`trace`], [`simulate_traced`]) would hold more events than
    /// [`model::limits::MAX_LOG_EVENTS`].
    #[error("the event log would hold more than {limit} events; simulate fewer cases")]
    LogTooLarge {
        /// The most events a log may hold.
        limit: usize,
    },
}

/// A mean over replications with its 95% confidence half-width.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeanCi {
    /// Mean of the per-replication values.
    pub mean: f64,
    /// Half-width of the 95% confidence interval (Student t); `None` with one replication,
    /// where no interval can be estimated.
    pub ci95: Option<f64>,
}

impl MeanCi {
    fn of(values: &[f64]) -> Self {
        let (mean, ci95) = mean_ci95(values);
        Self { mean, ci95 }
    }
}

/// Cycle time of cases, start to end, in hours.
#[derive(Clone, Debug, Default)]
pub struct CycleTime {
    /// Mean (with confidence interval across replications).
    pub mean: MeanCi,
    /// Median, over all measured cases of all replications.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Longest.
    pub max: f64,
    /// Histogram for plotting: `counts[i]` cases between `i * bin_hours` and `(i+1) * bin_hours`,
    /// up to the 99.5th percentile; `beyond` counts the rest.
    pub histogram: Histogram,
}

/// Equal-width bins of a histogram.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    /// Width of one bin in hours.
    pub bin_hours: f64,
    /// Count per bin.
    pub counts: Vec<u64>,
    /// Cases longer than the last bin (the slowest 0.5% or so), not drawn.
    pub beyond: u64,
}

/// Result against an SLA.
#[derive(Clone, Debug, Default)]
pub struct SlaResult {
    /// The calendar id whose open time the target counts in; `None` for elapsed time.
    pub calendar: Option<String>,
    /// Target in hours.
    pub target_hours: f64,
    /// Required fraction.
    pub within: f64,
    /// Observed fraction that met the target.
    pub met_fraction: MeanCi,
    /// Whether the observed fraction reaches `within`.
    pub met: bool,
}

/// Figures for one step (pooled over replications; times in hours).
#[derive(Clone, Debug, Default)]
pub struct StepResult {
    /// Executions by measured cases, over all replications.
    pub count: u64,
    /// Mean executions per measured case.
    pub visits_per_case: f64,
    /// Mean wait before work started.
    pub wait_mean: f64,
    /// Mean work time.
    pub work_mean: f64,
    /// Mean lead time (wait + work).
    pub lead_mean: f64,
    /// 95% half-width of `wait_mean`, from the per-replication means (`None`: one replication).
    pub wait_mean_ci95: Option<f64>,
    /// Mean wait counted in working time only (the open time of the owner's calendar, or of
    /// the step's own for an ownerless step); `None` for steps that work around the clock.
    pub wait_working_mean: Option<f64>,
    /// 95% half-width of `wait_working_mean`, from the per-replication means.
    pub wait_working_mean_ci95: Option<f64>,
    /// 95% half-width of `lead_mean`, from the per-replication means.
    pub lead_mean_ci95: Option<f64>,
    /// The step's SLA result, when it has one.
    pub sla: Option<SlaResult>,
}

/// Figures for one owner.
#[derive(Clone, Debug, Default)]
pub struct OwnerResult {
    /// Busy time over available capacity time in the measurement window (the capacity on
    /// shift; all of it, all the time, without a calendar).
    pub utilization: MeanCi,
    /// Capacity-hours on shift per week (capacity x 168 without a calendar).
    pub available_hours_per_week: f64,
    /// From the traffic equations (no simulation).
    pub estimated_utilization: f64,
    /// Time-average queue length.
    pub queue_mean: f64,
    /// 95% half-width of `queue_mean` across replications (`None`: one replication).
    pub queue_mean_ci95: Option<f64>,
    /// Longest queue in any replication.
    pub queue_max: u64,
    /// Mean wait of its work, in hours.
    pub wait_mean: f64,
    /// This owner's share of all waiting time (0..1).
    pub wait_share: f64,
    /// `cost_per_hour` x busy hours, per replication window (mean).
    pub busy_cost: f64,
}

/// Figures for one service (outages; times in hours).
#[derive(Clone, Debug, Default)]
pub struct ServiceResult {
    /// Fraction of the time it was available (it and everything it depends on were up).
    pub availability_observed: MeanCi,
    /// Outages of the service itself, over all replications.
    pub outages: u64,
    /// Measured cases that found it unavailable at a step, over all replications.
    pub cases_delayed: u64,
    /// Mean delay of a delayed case until the step's services were back.
    pub delay_mean: f64,
    /// 95% half-width of `delay_mean`, from the per-replication means of the replications
    /// with delays (`None` with fewer than two of them).
    pub delay_mean_ci95: Option<f64>,
    /// Total case-hours of delay it caused, per replication (mean).
    pub delay_hours: f64,
    /// Fraction of the delayed cases that missed the end-to-end SLA.
    pub sla_missed_when_delayed: f64,
}

/// Hours in a week: the buckets of a [`WeekProfile`] (bucket 0 is Monday 00:00-01:00).
pub const WEEK_BUCKETS: usize = 168;

/// Figures by hour of the week, averaged over the measurement window of all replications:
/// each vector has [`WEEK_BUCKETS`] entries, bucket 0 being Monday 00:00-01:00 of the
/// simulated clock.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WeekProfile {
    /// Mean arrivals per hour (all Starts together).
    pub arrivals: Vec<f64>,
    /// Mean cases in the system.
    pub wip: Vec<f64>,
    /// Fraction of the cases that arrived in that hour which met the end-to-end SLA (`None`
    /// without an SLA or without arrivals in that hour).
    pub sla_met: Vec<Option<f64>>,
    /// By owner id.
    pub owners: BTreeMap<String, OwnerWeek>,
}

/// One owner's figures by hour of the week.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OwnerWeek {
    /// Mean queue length.
    pub queue: Vec<f64>,
    /// Busy over available capacity (0 where nobody is on shift).
    pub utilization: Vec<f64>,
    /// Mean capacity on shift.
    pub capacity: Vec<f64>,
}

/// Everything a simulation run found.
#[derive(Clone, Debug, Default)]
pub struct SimResult {
    /// The settings used.
    pub settings: Simulation,
    /// Cycle time of cases.
    pub cycle_time: CycleTime,
    /// End-to-end SLA, when the map has one.
    pub sla: Option<SlaResult>,
    /// Completed cases per hour during the measurement window.
    pub throughput_per_hour: MeanCi,
    /// Time-average cases in the system.
    pub wip_mean: MeanCi,
    /// Cost of owners' work per measured case.
    pub cost_per_case: MeanCi,
    /// By step id.
    pub steps: BTreeMap<String, StepResult>,
    /// By owner id.
    pub owners: BTreeMap<String, OwnerResult>,
    /// By service id (outages).
    pub services: BTreeMap<String, ServiceResult>,
    /// Owner ids ranked by utilisation, busiest first.
    pub bottlenecks: Vec<String>,
    /// One plain sentence naming the bottleneck.
    pub finding: String,
    /// Owners whose offered load is at or above their capacity.
    pub unstable: Vec<String>,
    /// Events processed over all replications.
    pub events: u64,
    /// Measured cases that finished, over all replications.
    pub cases_measured: u64,
    /// True when a guard (event count or 1,000 simulated years) stopped some replication early.
    pub truncated: bool,
    /// Figures by hour of the week, when the map has calendars or rate profiles.
    pub by_hour_of_week: Option<WeekProfile>,
    /// Advice about the run itself (e.g. a warm-up too short for the cycle time).
    pub warnings: Vec<String>,
    /// Wall-clock time of the run in seconds.
    pub wall_seconds: f64,
}

/// Simulates `map` with `settings` on `threads` worker threads (all cores when `None`).
///
/// # Errors
/// [`SimError::Invalid`] when the map has validation errors, [`SimError::Cancelled`] when
/// `control` was cancelled, [`SimError::Threads`] when no thread pool could be made.
pub fn simulate(
    map: &ProcessMap,
    settings: &Simulation,
    threads: Option<usize>,
    control: &Control,
) -> Result<SimResult, SimError> {
    let outcome = run(map, settings, threads, control);
    control.finish();
    outcome
}

/// [`simulate`], also returning the event log of the first replication (what [`trace`] returns
/// for the same map and settings). The other replications run untraced; the figures are the
/// same as [`simulate`]'s.
///
/// # Errors
/// As [`simulate`].
pub fn simulate_traced(
    map: &ProcessMap,
    settings: &Simulation,
    threads: Option<usize>,
    control: &Control,
) -> Result<(SimResult, model::log::EventLog), SimError> {
    let outcome = run_with(map, settings, threads, control, true);
    control.finish();
    let (result, log) = outcome?;
    Ok((result, log.unwrap_or_default()))
}

fn run(
    map: &ProcessMap,
    settings: &Simulation,
    threads: Option<usize>,
    control: &Control,
) -> Result<SimResult, SimError> {
    run_with(map, settings, threads, control, false).map(|(result, _)| result)
}

/// The validated, compiled map.
fn compiled(map: &ProcessMap, settings: &Simulation) -> Result<Model, SimError> {
    let problems = model::validate(map);
    if model::has_errors(&problems) {
        return Err(SimError::Invalid(
            problems
                .into_iter()
                .filter(|p| p.severity == model::Severity::Error)
                .collect(),
        ));
    }
    Model::compile(map, settings.outages, settings.start_time()).ok_or(SimError::Compile)
}

/// Runs every replication; with `traced`, the first one records its event log.
fn run_with(
    map: &ProcessMap,
    settings: &Simulation,
    threads: Option<usize>,
    control: &Control,
    traced: bool,
) -> Result<(SimResult, Option<model::log::EventLog>), SimError> {
    let model = compiled(map, settings)?;
    let started = std::time::Instant::now();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(settings.seed);
    let streams: Vec<Xoshiro256PlusPlus> = (0..settings.replications)
        .map(|_| {
            let stream = rng.clone();
            rng.jump();
            stream
        })
        .collect();
    let replicate = || -> Vec<(RepStats, Option<trace::Tracer>)> {
        streams
            .into_par_iter()
            .enumerate()
            .map(|(i, stream)| {
                let (cases, warmup) = (settings.cases, settings.warmup);
                if traced && i == 0 {
                    let limit = model::limits::MAX_LOG_EVENTS;
                    let tracer = trace::Tracer::new(map, &model, settings, limit);
                    let (stats, tracer) =
                        engine::replicate_with(&model, stream, cases, warmup, control, tracer);
                    (stats, Some(tracer))
                } else {
                    (
                        engine::replicate(&model, stream, cases, warmup, control),
                        None,
                    )
                }
            })
            .collect()
    };
    let outcomes = match threads {
        Some(count) => rayon::ThreadPoolBuilder::new()
            .num_threads(count.max(1))
            .build()
            .map_err(|e| SimError::Threads(e.to_string()))?
            .install(replicate),
        None => replicate(),
    };
    let (reps, mut tracers): (Vec<RepStats>, Vec<Option<trace::Tracer>>) =
        outcomes.into_iter().unzip();
    if control.is_cancelled() || reps.iter().any(|r| r.cancelled) {
        return Err(SimError::Cancelled);
    }
    let log = match tracers.first_mut().and_then(Option::take) {
        Some(tracer) => Some(tracer.finish()?),
        None => None,
    };
    let mut result = aggregate::aggregate(map, &model, settings, &reps);
    result.wall_seconds = started.elapsed().as_secs_f64();
    Ok((result, log))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_waiting_at_a_join_is_never_complete() {
        // Exclusive branches into a Parallel join: validation refuses this map, so run the
        // engine directly. Before the fix every case "completed" at the join in minutes.
        let text = include_str!("../../../shared/hostile/silently-accepted-a5530ae11e.ron");
        let map = crate::model::io::from_str(text, std::path::Path::new("deadlock.ron"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            model::has_errors(&model::validate(&map)),
            "validation refuses it"
        );
        let Some(compiled) = Model::compile(&map, false, model::DateTime::DEFAULT_START) else {
            panic!("compiles");
        };
        let stats = engine::replicate(
            &compiled,
            Xoshiro256PlusPlus::seed_from_u64(1),
            200,
            0,
            &Control::default(),
        );
        assert_eq!(stats.measured_done, 0, "no case ends while a branch waits");
    }

    #[test]
    fn cases_piling_up_stop_the_run_with_a_warning() {
        // One person, a case a minute, an hour of work each: the queue grows without limit.
        let text = r#"ProcessMap(
            format: 1,
            title: "Flooded",
            owners: {"one": Owner(name: "One", capacity: 1)},
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1m")),
                "work": Step(name: "Work", owner: "one", work: Fixed("1h")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#;
        let map = crate::model::io::from_str(text, std::path::Path::new("flooded.ron"))
            .unwrap_or_else(|e| panic!("{e}"));
        let settings = Simulation {
            cases: 50_000,
            warmup: 0,
            replications: 1,
            seed: 1,
            outages: false,
            start: None,
        };
        let result = simulate(&map, &settings, Some(1), &Control::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(result.truncated, "the guard stopped it");
        assert!(
            result
                .warnings
                .iter()
                .any(|w| w.contains("cases in progress"))
        );
    }

    #[test]
    fn simulate_marks_its_control_finished_and_names_compile_failures() {
        let control = Control::default();
        let map = ProcessMap::default();
        let outcome = simulate(&map, &map.simulation, Some(1), &control);
        assert!(control.is_finished(), "finished even when refused");
        assert!(outcome.is_err());
        assert!(!SimError::Compile.to_string().contains("0 error"));
    }
}
