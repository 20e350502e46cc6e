//! The simulator: runs cases through a map and measures where they wait.
//!
//! Pure and deterministic: no I/O, no UI, no clocks in the results except `wall_seconds`.
//! Replications run in parallel on rayon, each on its own random stream (the seed's stream
//! jumped ahead by 2^128 per replication), and are combined in replication order, so the thread
//! count never changes a result.

mod engine;
pub mod stats;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rand::SeedableRng as _;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::analysis;
use crate::model::{self, Problem, ProcessMap, Simulation};
use engine::{Model, RepStats, US_PER_HOUR};
use stats::{LogHistogram, mean_ci95};

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
}

/// A mean over replications with its 95% confidence half-width.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Estimate {
    /// Mean of the per-replication values.
    pub mean: f64,
    /// Half-width of the 95% confidence interval (Student t); 0 with one replication.
    pub ci95: f64,
}

impl Estimate {
    fn of(values: &[f64]) -> Self {
        let (mean, ci95) = mean_ci95(values);
        Self { mean, ci95 }
    }
}

/// Cycle time of cases, start to end, in hours.
#[derive(Clone, Debug, Default)]
pub struct CycleTime {
    /// Mean (with confidence interval across replications).
    pub mean: Estimate,
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
#[derive(Clone, Copy, Debug, Default)]
pub struct SlaResult {
    /// Target in hours.
    pub target_hours: f64,
    /// Required fraction.
    pub within: f64,
    /// Observed fraction that met the target.
    pub met_fraction: Estimate,
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
    /// The step's SLA result, when it has one.
    pub sla: Option<SlaResult>,
}

/// Figures for one owner.
#[derive(Clone, Debug, Default)]
pub struct OwnerResult {
    /// Fraction of capacity busy over the measurement window.
    pub utilization: Estimate,
    /// From the traffic equations (no simulation).
    pub estimated_utilization: f64,
    /// Time-average queue length.
    pub queue_mean: f64,
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
    pub availability_observed: Estimate,
    /// Outages of the service itself, over all replications.
    pub outages: u64,
    /// Measured cases that found it unavailable at a step, over all replications.
    pub cases_delayed: u64,
    /// Mean delay of a delayed case until the step's services were back.
    pub delay_mean: f64,
    /// Total case-hours of delay it caused, per replication (mean).
    pub delay_hours: f64,
    /// Fraction of the delayed cases that missed the end-to-end SLA.
    pub sla_missed_when_delayed: f64,
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
    pub throughput_per_hour: Estimate,
    /// Time-average cases in the system.
    pub wip_mean: Estimate,
    /// Cost of owners' work per measured case.
    pub cost_per_case: Estimate,
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

fn run(
    map: &ProcessMap,
    settings: &Simulation,
    threads: Option<usize>,
    control: &Control,
) -> Result<SimResult, SimError> {
    let problems = model::validate(map);
    if model::has_errors(&problems) {
        return Err(SimError::Invalid(
            problems
                .into_iter()
                .filter(|p| p.severity == model::Severity::Error)
                .collect(),
        ));
    }
    let model = Model::compile(map, settings.outages).ok_or(SimError::Compile)?;
    let started = std::time::Instant::now();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(settings.seed);
    let streams: Vec<Xoshiro256PlusPlus> = (0..settings.replications)
        .map(|_| {
            let stream = rng.clone();
            rng.jump();
            stream
        })
        .collect();
    let replicate = || -> Vec<RepStats> {
        streams
            .into_par_iter()
            .map(|stream| {
                engine::replicate(&model, stream, settings.cases, settings.warmup, control)
            })
            .collect()
    };
    let reps = match threads {
        Some(count) => rayon::ThreadPoolBuilder::new()
            .num_threads(count.max(1))
            .build()
            .map_err(|e| SimError::Threads(e.to_string()))?
            .install(replicate),
        None => replicate(),
    };
    if control.is_cancelled() || reps.iter().any(|r| r.cancelled) {
        return Err(SimError::Cancelled);
    }
    let mut result = aggregate(map, &model, settings, &reps);
    result.wall_seconds = started.elapsed().as_secs_f64();
    Ok(result)
}

#[allow(
    clippy::cast_precision_loss,
    reason = "counts and times are far below 2^52"
)]
fn aggregate(
    map: &ProcessMap,
    model: &Model,
    settings: &Simulation,
    reps: &[RepStats],
) -> SimResult {
    let hours = |us: f64| us / US_PER_HOUR;
    let per_rep = |f: &dyn Fn(&RepStats) -> f64| -> Estimate {
        Estimate::of(&reps.iter().map(f).collect::<Vec<_>>())
    };
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let window_hours = |r: &RepStats| hours(r.window_us as f64);

    let mut cycle = LogHistogram::default();
    for r in reps {
        cycle.merge(&r.cycle);
    }
    let p = |q: f64| hours(cycle.quantile(q) as f64);
    let upper = cycle.quantile(0.995).max(1);
    let bins: u32 = 40;
    let cycle_time = CycleTime {
        mean: per_rep(&|r| hours(ratio(r.cycle_sum, r.measured_done as f64))),
        p50: p(0.5),
        p90: p(0.9),
        p95: p(0.95),
        max: hours(cycle.max() as f64),
        histogram: {
            let (counts, beyond) = cycle.bins(upper, bins.try_into().unwrap_or(40));
            Histogram {
                bin_hours: hours(upper as f64) / f64::from(bins),
                counts,
                beyond,
            }
        },
    };
    let sla = map.sla.map(|sla| {
        let met_fraction = per_rep(&|r| ratio(r.sla_met as f64, r.measured_done as f64));
        SlaResult {
            target_hours: sla.target.as_hours(),
            within: sla.within,
            met: met_fraction.mean >= sla.within,
            met_fraction,
        }
    });

    let mut steps = BTreeMap::new();
    let measured: u64 = reps.iter().map(|r| r.measured_done).sum();
    for (k, id) in model.step_ids.iter().enumerate() {
        let sum = |f: &dyn Fn(&engine::StepStats) -> f64| -> f64 {
            reps.iter().filter_map(|r| r.steps.get(k)).map(f).sum()
        };
        let count: u64 = reps
            .iter()
            .filter_map(|r| r.steps.get(k))
            .map(|s| s.count)
            .sum();
        let n = count as f64;
        let sla = model
            .step_slas
            .get(k)
            .copied()
            .flatten()
            .map(|(target, within)| {
                let met_fraction = Estimate::of(
                    &reps
                        .iter()
                        .filter_map(|r| r.steps.get(k))
                        .map(|s| ratio(s.sla_met as f64, s.count as f64))
                        .collect::<Vec<_>>(),
                );
                SlaResult {
                    target_hours: target,
                    within,
                    met: met_fraction.mean >= within,
                    met_fraction,
                }
            });
        steps.insert(
            id.clone(),
            StepResult {
                count,
                visits_per_case: ratio(n, measured as f64),
                wait_mean: hours(ratio(sum(&|s| s.wait_sum), n)),
                work_mean: hours(ratio(sum(&|s| s.work_sum), n)),
                lead_mean: hours(ratio(sum(&|s| s.lead_sum), n)),
                sla,
            },
        );
    }

    let estimate = analysis::estimate(map);
    let total_wait: f64 = reps
        .iter()
        .flat_map(|r| r.owners.iter().map(|o| o.wait_sum))
        .sum();
    let mut owners = BTreeMap::new();
    for (k, id) in model.owner_ids.iter().enumerate() {
        let Some(owner) = map.owners.get(id) else {
            continue;
        };
        let capacity = f64::from(owner.capacity.max(1));
        let each = |r: &RepStats| r.owners.get(k).cloned().unwrap_or_default();
        let wait_sum: f64 = reps.iter().map(|r| each(r).wait_sum).sum();
        let wait_count: u64 = reps.iter().map(|r| each(r).wait_count).sum();
        owners.insert(
            id.clone(),
            OwnerResult {
                utilization: per_rep(&|r| ratio(each(r).busy_area, capacity * r.window_us as f64)),
                estimated_utilization: estimate.owners.get(id).map_or(0.0, |l| l.utilization),
                queue_mean: per_rep(&|r| ratio(each(r).queue_area, r.window_us as f64)).mean,
                queue_max: reps.iter().map(|r| each(r).queue_max).max().unwrap_or(0),
                wait_mean: hours(ratio(wait_sum, wait_count as f64)),
                wait_share: ratio(wait_sum, total_wait),
                busy_cost: per_rep(&|r| hours(each(r).busy_area) * owner.cost_per_hour).mean,
            },
        );
    }
    let mut bottlenecks: Vec<String> = owners.keys().cloned().collect();
    bottlenecks.sort_by(|a, b| {
        let util = |id: &String| owners.get(id).map_or(0.0, |o| o.utilization.mean);
        util(b).total_cmp(&util(a)).then_with(|| a.cmp(b))
    });
    let mut services = BTreeMap::new();
    for (k, id) in model.service_ids.iter().enumerate() {
        let each = |r: &RepStats| r.services.get(k).cloned().unwrap_or_default();
        let delayed: u64 = reps.iter().map(|r| each(r).cases_delayed).sum();
        let delay_sum: f64 = reps.iter().map(|r| each(r).delay_sum).sum();
        #[allow(clippy::cast_precision_loss, reason = "replication counts")]
        let replications = reps.len().max(1) as f64;
        services.insert(
            id.clone(),
            ServiceResult {
                availability_observed: per_rep(&|r| {
                    1.0 - ratio(each(r).down_area, r.window_us as f64)
                }),
                outages: reps.iter().map(|r| each(r).outages).sum(),
                cases_delayed: delayed,
                delay_mean: hours(ratio(delay_sum, delayed as f64)),
                delay_hours: hours(delay_sum) / replications,
                sla_missed_when_delayed: ratio(
                    reps.iter().map(|r| each(r).sla_missed).sum::<u64>() as f64,
                    delayed as f64,
                ),
            },
        );
    }
    let mut finding = finding(map, &owners, &bottlenecks, &estimate.unstable);
    // Outages can cost more waiting than any queue: say so.
    let max_owner_wait = hours(
        (0..model.owner_ids.len())
            .map(|k| {
                reps.iter()
                    .filter_map(|r| r.owners.get(k))
                    .map(|o| o.wait_sum)
                    .sum::<f64>()
            })
            .fold(0.0, f64::max),
    );
    if let Some((id, worst)) = services
        .iter()
        .max_by(|a, b| a.1.delay_hours.total_cmp(&b.1.delay_hours))
    {
        #[allow(clippy::cast_precision_loss, reason = "replication counts")]
        let total_delay = worst.delay_hours * reps.len().max(1) as f64;
        if total_delay > max_owner_wait && worst.cases_delayed > 0 {
            let name = map
                .services
                .get(id)
                .map_or(id.as_str(), |s| s.name.as_str());
            let _ = write!(
                finding,
                " Outages of {name} cause more waiting than any owner: {} delayed cases, {:.1} h each on average.",
                worst.cases_delayed, worst.delay_mean
            );
        }
    }
    let mut warnings = Vec::new();
    let warmup_hours = ratio(settings.warmup as f64, estimate.arrivals_per_hour);
    let cycle_hours = cycle_time.mean.mean;
    if estimate.unstable.is_empty() && warmup_hours < cycle_hours {
        let needed = (2.0 * cycle_hours * estimate.arrivals_per_hour).ceil();
        warnings.push(format!(
            "The warm-up ({} cases, about {:.0} h) is shorter than the mean cycle time ({:.0} h): \
             work late in a case is under-counted while the process fills up. Use a warm-up of \
             at least {needed:.0} cases.",
            settings.warmup, warmup_hours, cycle_hours
        ));
    }
    if reps.iter().any(|r| r.truncated) {
        warnings.push(
            "A guard (event count or 1,000 simulated years) stopped the run early: figures are \
             partial."
                .to_owned(),
        );
    }

    SimResult {
        settings: *settings,
        cycle_time,
        sla,
        throughput_per_hour: per_rep(&|r| ratio(r.completed_in_window as f64, window_hours(r))),
        wip_mean: per_rep(&|r| ratio(r.wip_area, r.window_us as f64)),
        cost_per_case: per_rep(&|r| ratio(r.cost_sum, r.measured_done as f64)),
        steps,
        owners,
        services,
        bottlenecks,
        finding,
        unstable: estimate.unstable,
        events: reps.iter().map(|r| r.events).sum(),
        cases_measured: measured,
        truncated: reps.iter().any(|r| r.truncated),
        warnings,
        wall_seconds: 0.0,
    }
}

/// The one-sentence finding: who is the bottleneck, how busy, how much of the waiting.
fn finding(
    map: &ProcessMap,
    owners: &BTreeMap<String, OwnerResult>,
    ranked: &[String],
    unstable: &[String],
) -> String {
    let name = |id: &str| {
        map.owners
            .get(id)
            .map_or(id, |o| o.name.as_str())
            .to_owned()
    };
    let percent = |x: f64| (x * 100.0).round();
    if let Some(id) = unstable.first() {
        let load = owners.get(id).map_or(0.0, |o| o.estimated_utilization);
        return format!(
            "{} cannot keep up: offered load is {}% of its capacity, so its queue grows \
             without limit; add capacity or shorten its work.",
            name(id),
            percent(load)
        );
    }
    let Some(top) = ranked
        .first()
        .and_then(|id| owners.get(id).map(|o| (id, o)))
    else {
        return "No owners: cases only wait for fixed delays.".to_owned();
    };
    let most_waiting = owners
        .iter()
        .max_by(|a, b| a.1.wait_share.total_cmp(&b.1.wait_share));
    let total_wait: f64 = owners.values().map(|o| o.wait_mean).sum();
    if total_wait <= 0.0 || top.1.wait_share < 0.01 && top.1.utilization.mean < 0.5 {
        return format!(
            "No bottleneck: cases hardly wait (busiest: {} at {}% busy).",
            name(top.0),
            percent(top.1.utilization.mean)
        );
    }
    let mut text = format!(
        "{} is the bottleneck: {}% busy, {}% of all waiting.",
        name(top.0),
        percent(top.1.utilization.mean),
        percent(top.1.wait_share)
    );
    if let Some((id, other)) = most_waiting
        && id != top.0
        && other.wait_share > top.1.wait_share
    {
        let _ = write!(
            text,
            " Most waiting is at {} ({}% busy, {}% of all waiting).",
            name(id),
            percent(other.utilization.mean),
            percent(other.wait_share)
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

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
