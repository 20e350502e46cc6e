//! Combining replications into a [`SimResult`]: pooled percentiles, means with confidence
//! intervals across replications, figures per step, owner and service, the finding and the
//! warnings.
//!
//! Pure arithmetic over the engine's per-replication figures, taken in replication order, so the
//! thread count never changes a result. Times arrive in microseconds and leave in hours.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::engine::{Model, RepStats, StepStats, US_PER_HOUR};
use super::stats::{self, LogHistogram};
use super::{
    CycleTime, Histogram, MeanCi, OwnerResult, ServiceResult, SimResult, SlaResult, StepResult,
};
use crate::analysis;
use crate::model::{Duration, Node, ProcessMap, Simulation};

/// Bins of the cycle-time histogram.
const HISTOGRAM_BINS: u32 = 40;

/// Combines the replications of one run into its results (`wall_seconds` is left at 0).
#[allow(
    clippy::cast_precision_loss,
    reason = "counts and times are far below 2^52"
)]
pub(super) fn aggregate(
    map: &ProcessMap,
    model: &Model,
    settings: &Simulation,
    reps: &[RepStats],
) -> SimResult {
    let estimate = analysis::estimate(map);
    let cycle_time = cycle_time(reps);
    let measured: u64 = reps.iter().map(|r| r.measured_done).sum();
    let owners = owners(map, model, reps, &estimate);
    let bottlenecks = bottlenecks(&owners);
    let services = services(model, reps);
    let mut finding = finding(map, &owners, &bottlenecks, &estimate.unstable);
    if let Some(note) = outage_note(map, model, reps, &services) {
        finding.push_str(&note);
    }
    let warnings = warnings(map, model, settings, &estimate, cycle_time.mean.mean, reps);
    SimResult {
        settings: *settings,
        cycle_time,
        sla: sla(map, reps),
        throughput_per_hour: per_rep(reps, |r| {
            ratio(r.completed_in_window as f64, hours(r.window_us as f64))
        }),
        wip_mean: per_rep(reps, |r| ratio(r.wip_area, r.window_us as f64)),
        cost_per_case: per_rep(reps, |r| ratio(r.cost_sum, r.measured_done as f64)),
        steps: steps(map, model, reps, measured),
        owners,
        services,
        bottlenecks,
        finding,
        unstable: estimate.unstable,
        events: reps.iter().map(|r| r.events).sum(),
        cases_measured: measured,
        truncated: reps.iter().any(|r| r.truncated),
        by_hour_of_week: super::weekly::profile(map, model, reps),
        warnings,
        wall_seconds: 0.0,
    }
}

/// Microseconds to hours.
fn hours(us: f64) -> f64 {
    us / US_PER_HOUR
}

/// `a / b`, or 0 when `b` is not positive (nothing measured).
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// The mean over replications of one per-replication figure, with its confidence interval.
fn per_rep(reps: &[RepStats], f: impl Fn(&RepStats) -> f64) -> MeanCi {
    MeanCi::of(&reps.iter().map(f).collect::<Vec<_>>())
}

/// The 95% half-width of a pooled mean, in hours, estimated from the per-replication means of
/// the replications that measured anything (`sum` in microseconds over `count` items); `None`
/// with fewer than two such replications.
#[allow(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
fn ci_of_means(reps: &[RepStats], each: impl Fn(&RepStats) -> Option<(f64, u64)>) -> Option<f64> {
    let means: Vec<f64> = reps
        .iter()
        .filter_map(&each)
        .filter(|(_, count)| *count > 0)
        .map(|(sum, count)| hours(sum / count as f64))
        .collect();
    stats::mean_ci95(&means).1
}

/// An SLA result from the observed fraction that met the target.
fn sla_result(
    target_hours: f64,
    within: f64,
    met_fraction: MeanCi,
    calendar: Option<&str>,
) -> SlaResult {
    SlaResult {
        calendar: calendar.map(str::to_owned),
        target_hours,
        within,
        met: met_fraction.mean >= within,
        met_fraction,
    }
}

/// Cycle time: the mean across replications, percentiles and histogram over all measured cases.
#[allow(clippy::cast_precision_loss, reason = "times are far below 2^52")]
fn cycle_time(reps: &[RepStats]) -> CycleTime {
    let mut cycle = LogHistogram::default();
    for r in reps {
        cycle.merge(&r.cycle);
    }
    let p = |q: f64| hours(cycle.quantile(q) as f64);
    CycleTime {
        mean: per_rep(reps, |r| hours(ratio(r.cycle_sum, r.measured_done as f64))),
        p50: p(0.5),
        p90: p(0.9),
        p95: p(0.95),
        max: hours(cycle.max() as f64),
        histogram: histogram(&cycle),
    }
}

/// Equal bins up to the 99.5th percentile of the pooled cycle times.
#[allow(clippy::cast_precision_loss, reason = "times are far below 2^52")]
fn histogram(cycle: &LogHistogram) -> Histogram {
    let upper = cycle.quantile(0.995).max(1);
    let (counts, beyond) = cycle.bins(upper, HISTOGRAM_BINS.try_into().unwrap_or(40));
    Histogram {
        bin_hours: hours(upper as f64) / f64::from(HISTOGRAM_BINS),
        counts,
        beyond,
    }
}

/// The end-to-end SLA, when the map has one.
#[allow(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
fn sla(map: &ProcessMap, reps: &[RepStats]) -> Option<SlaResult> {
    map.sla.as_ref().map(|sla| {
        let met_fraction = per_rep(reps, |r| ratio(r.sla_met as f64, r.measured_done as f64));
        sla_result(
            sla.target.as_hours(),
            sla.within,
            met_fraction,
            sla.calendar.as_deref(),
        )
    })
}

/// Figures per step, pooled over replications; `measured` is the number of measured cases.
#[allow(
    clippy::cast_precision_loss,
    reason = "counts and times are far below 2^52"
)]
fn steps(
    map: &ProcessMap,
    model: &Model,
    reps: &[RepStats],
    measured: u64,
) -> BTreeMap<String, StepResult> {
    let mut steps = BTreeMap::new();
    for (k, id) in model.step_ids.iter().enumerate() {
        let node = map.nodes.get(id);
        let sla_calendar = match node {
            Some(Node::Step { sla: Some(sla), .. }) => sla.calendar.as_deref(),
            _ => None,
        };
        // The clock its work counts in: the owner's calendar, or an ownerless step's own.
        let on_calendar = node.is_some_and(|n| match n.owner() {
            Some(owner) => map.owners.get(owner).is_some_and(|o| o.calendar.is_some()),
            None => n.calendar().is_some(),
        });
        let sum = |f: &dyn Fn(&StepStats) -> f64| -> f64 {
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
                let met_fraction = MeanCi::of(
                    &reps
                        .iter()
                        .filter_map(|r| r.steps.get(k))
                        .map(|s| ratio(s.sla_met as f64, s.count as f64))
                        .collect::<Vec<_>>(),
                );
                sla_result(target, within, met_fraction, sla_calendar)
            });
        steps.insert(
            id.clone(),
            StepResult {
                count,
                visits_per_case: ratio(n, measured as f64),
                wait_mean: hours(ratio(sum(&|s| s.wait_sum), n)),
                work_mean: hours(ratio(sum(&|s| s.work_sum), n)),
                lead_mean: hours(ratio(sum(&|s| s.lead_sum), n)),
                wait_working_mean: on_calendar
                    .then(|| hours(ratio(sum(&|s| s.wait_working_sum), n))),
                wait_working_mean_ci95: if on_calendar {
                    ci_of_means(reps, |r| {
                        r.steps.get(k).map(|s| (s.wait_working_sum, s.count))
                    })
                } else {
                    None
                },
                wait_mean_ci95: ci_of_means(reps, |r| {
                    r.steps.get(k).map(|s| (s.wait_sum, s.count))
                }),
                lead_mean_ci95: ci_of_means(reps, |r| {
                    r.steps.get(k).map(|s| (s.lead_sum, s.count))
                }),
                sla,
            },
        );
    }
    steps
}

/// Figures per owner, with the utilisation the traffic equations expected.
#[allow(
    clippy::cast_precision_loss,
    reason = "counts and times are far below 2^52"
)]
fn owners(
    map: &ProcessMap,
    model: &Model,
    reps: &[RepStats],
    estimate: &analysis::LoadEstimate,
) -> BTreeMap<String, OwnerResult> {
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
        let queue = per_rep(reps, |r| ratio(each(r).queue_area, r.window_us as f64));
        owners.insert(
            id.clone(),
            OwnerResult {
                // Busy over available: the capacity on shift when the owner has a calendar.
                utilization: per_rep(reps, |r| {
                    let available = if owner.calendar.is_some() {
                        each(r).capacity_area
                    } else {
                        capacity * r.window_us as f64
                    };
                    ratio(each(r).busy_area, available)
                }),
                available_hours_per_week: map.mean_capacity(owner) * crate::model::WEEK_HOURS,
                estimated_utilization: estimate.owners.get(id).map_or(0.0, |l| l.utilization),
                queue_mean: queue.mean,
                queue_mean_ci95: queue.ci95,
                queue_max: reps.iter().map(|r| each(r).queue_max).max().unwrap_or(0),
                wait_mean: hours(ratio(wait_sum, wait_count as f64)),
                wait_share: ratio(wait_sum, total_wait),
                busy_cost: per_rep(reps, |r| hours(each(r).busy_area) * owner.cost_per_hour).mean,
            },
        );
    }
    owners
}

/// Owner ids ranked by utilisation, busiest first (ties by id).
fn bottlenecks(owners: &BTreeMap<String, OwnerResult>) -> Vec<String> {
    let mut bottlenecks: Vec<String> = owners.keys().cloned().collect();
    bottlenecks.sort_by(|a, b| {
        let util = |id: &String| owners.get(id).map_or(0.0, |o| o.utilization.mean);
        util(b).total_cmp(&util(a)).then_with(|| a.cmp(b))
    });
    bottlenecks
}

/// Figures per service: observed availability, outages and the delays they caused.
#[allow(
    clippy::cast_precision_loss,
    reason = "counts and times are far below 2^52"
)]
fn services(model: &Model, reps: &[RepStats]) -> BTreeMap<String, ServiceResult> {
    let mut services = BTreeMap::new();
    for (k, id) in model.service_ids.iter().enumerate() {
        let each = |r: &RepStats| r.services.get(k).cloned().unwrap_or_default();
        let delayed: u64 = reps.iter().map(|r| each(r).cases_delayed).sum();
        let delay_sum: f64 = reps.iter().map(|r| each(r).delay_sum).sum();
        let replications = reps.len().max(1) as f64;
        services.insert(
            id.clone(),
            ServiceResult {
                availability_observed: per_rep(reps, |r| {
                    1.0 - ratio(each(r).down_area, r.window_us as f64)
                }),
                outages: reps.iter().map(|r| each(r).outages).sum(),
                cases_delayed: delayed,
                delay_mean: hours(ratio(delay_sum, delayed as f64)),
                delay_mean_ci95: ci_of_means(reps, |r| {
                    r.services.get(k).map(|s| (s.delay_sum, s.cases_delayed))
                }),
                delay_hours: hours(delay_sum) / replications,
                sla_missed_when_delayed: ratio(
                    reps.iter().map(|r| each(r).sla_missed).sum::<u64>() as f64,
                    delayed as f64,
                ),
            },
        );
    }
    services
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

/// A sentence to add to the finding when the outages of one service cost more waiting than any
/// owner's queue.
#[allow(clippy::cast_precision_loss, reason = "replication counts")]
fn outage_note(
    map: &ProcessMap,
    model: &Model,
    reps: &[RepStats],
    services: &BTreeMap<String, ServiceResult>,
) -> Option<String> {
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
    let (id, worst) = services
        .iter()
        .max_by(|a, b| a.1.delay_hours.total_cmp(&b.1.delay_hours))?;
    let total_delay = worst.delay_hours * reps.len().max(1) as f64;
    (total_delay > max_owner_wait && worst.cases_delayed > 0).then(|| {
        let name = map
            .services
            .get(id)
            .map_or(id.as_str(), |s| s.name.as_str());
        format!(
            " Outages of {name} cause more waiting than any owner: {} delayed cases, {:.1} h each on average.",
            worst.cases_delayed, worst.delay_mean
        )
    })
}

/// Advice about the run itself: a warm-up too short for the process to fill up (from the
/// cycle time and from the relaxation time of the busiest owner), an initial bias seen across
/// replications, cases that never finished, and guards that stopped the run.
#[allow(
    clippy::cast_precision_loss,
    reason = "counts and times are far below 2^52"
)]
fn warnings(
    map: &ProcessMap,
    model: &Model,
    settings: &Simulation,
    estimate: &analysis::LoadEstimate,
    cycle_hours: f64,
    reps: &[RepStats],
) -> Vec<String> {
    let mut warnings = Vec::new();
    let rate = estimate.arrivals_per_hour;
    let warmup_hours = ratio(settings.warmup as f64, rate);
    if estimate.unstable.is_empty() {
        // A queue at utilisation rho relaxes to its steady state in about
        // tau = E[S] / (c (1 - sqrt(rho))^2) (Morse); three tau leave about 5% of the start-up
        // bias. The busiest owner sets the pace.
        let relax = relaxation_hours(model, estimate, reps);
        // Shorter than one cycle time: late work is under-counted; twice is the advice.
        let by_cycle = if warmup_hours < cycle_hours {
            (2.0 * cycle_hours * rate).ceil()
        } else {
            0.0
        };
        let by_relaxation = relax
            .as_ref()
            .map_or(0.0, |(_, tau)| (3.0 * tau * rate).ceil());
        let needed = by_cycle.max(by_relaxation);
        if (settings.warmup as f64) < needed {
            let why = match relax {
                Some((owner, tau)) if by_relaxation >= by_cycle => format!(
                    "{}'s queue needs about {} to settle (relaxation time {} at its load)",
                    map.owner_name(&owner),
                    whole_hours(3.0 * tau),
                    whole_hours(tau)
                ),
                _ => format!(
                    "it is shorter than the mean cycle time ({})",
                    whole_hours(cycle_hours)
                ),
            };
            warnings.push(format!(
                "The warm-up ({} cases, about {}) is too short: {why}, so the figures are biased \
                 by the empty start. Use a warm-up of at least {needed:.0} cases.",
                settings.warmup,
                whole_hours(warmup_hours)
            ));
        }
    }
    // An unstable owner's queue grows all run long: no warm-up fixes that, and the finding
    // already says so. Closed dates (holidays) make the process change over the year, which
    // the halves cannot tell from a warm-up that is too short.
    let holidays = map.calendars.values().any(|c| !c.closed.is_empty());
    if estimate.unstable.is_empty() && !holidays {
        if let Some(bias) = initial_bias(reps) {
            warnings.push(bias);
        }
    }
    if reps.iter().any(|r| r.arrivals_beyond_horizon) {
        warnings.push(
            "A Start stopped sending cases: its next arrival would come after 1,000 simulated \
             years (its calendar is almost never open or its rates are almost zero)."
                .to_owned(),
        );
    }
    let unfinished: u64 = reps.iter().map(|r| r.unfinished).sum();
    if unfinished > 0 {
        warnings.push(format!(
            "{unfinished} cases never finished: they were still waiting at a Parallel join when \
             the run ended, so the map can deadlock."
        ));
    }
    if reps.iter().any(|r| r.truncated) {
        warnings.push(format!(
            "A guard (event count, 1,000 simulated years or {} cases in progress at once) \
                 stopped the run early: figures are partial.",
            super::engine::MAX_WIP
        ));
    }
    warnings
}

/// A duration rounded to whole hours (or minutes, when under an hour), for advice.
fn whole_hours(h: f64) -> Duration {
    if h >= 1.0 {
        Duration::from_hours(h.round())
    } else {
        Duration::from_hours((h * 60.0).round() / 60.0)
    }
}

/// The busiest stable owner's relaxation time in hours, with its id.
#[allow(
    clippy::cast_precision_loss,
    reason = "counts and times are far below 2^52"
)]
fn relaxation_hours(
    model: &Model,
    estimate: &analysis::LoadEstimate,
    reps: &[RepStats],
) -> Option<(String, f64)> {
    let mut best: Option<(String, f64)> = None;
    for (k, id) in model.owner_ids.iter().enumerate() {
        let Some(load) = estimate.owners.get(id) else {
            continue;
        };
        let rho = load.utilization;
        if !(rho > 0.0 && rho < 1.0) {
            continue;
        }
        let busy: f64 = reps
            .iter()
            .filter_map(|r| r.owners.get(k))
            .map(|o| o.busy_area)
            .sum();
        let count: u64 = reps
            .iter()
            .filter_map(|r| r.owners.get(k))
            .map(|o| o.wait_count)
            .sum();
        if count == 0 {
            continue;
        }
        let service_hours = hours(busy / count as f64);
        let tau = service_hours / (f64::from(load.capacity.max(1)) * (1.0 - rho.sqrt()).powi(2));
        if best.as_ref().is_none_or(|(_, t)| tau > *t) {
            best = Some((id.clone(), tau));
        }
    }
    best
}

/// Compares the mean cycle time of the first and the second half of each replication's
/// measured cases: with a warm-up long enough, they differ only by noise.
#[allow(
    clippy::cast_precision_loss,
    reason = "counts and times are far below 2^52"
)]
fn initial_bias(reps: &[RepStats]) -> Option<String> {
    let differences: Vec<f64> = reps
        .iter()
        .filter_map(|r| {
            let [(early_sum, early_n), (late_sum, late_n)] = r.halves;
            (early_n > 0 && late_n > 0)
                .then(|| hours(early_sum / early_n as f64) - hours(late_sum / late_n as f64))
        })
        .collect();
    let lates: Vec<f64> = reps
        .iter()
        .filter(|r| r.halves[1].1 > 0)
        .map(|r| hours(r.halves[1].0 / r.halves[1].1 as f64))
        .collect();
    let late = lates.iter().sum::<f64>() / lates.len().max(1) as f64;
    let (mean, ci) = stats::mean_ci95(&differences);
    let ci = ci?;
    // Significant (the interval excludes zero) and large enough to matter (over 5%).
    if mean.abs() > ci && mean.abs() > 0.05 * late && late > 0.0 {
        let (faster, share) = if mean < 0.0 {
            ("shorter", -mean / late)
        } else {
            ("longer", mean / late)
        };
        return Some(format!(
            "Initial bias: the first half of each replication's cases had {faster} cycle times \
             than the second ({:.0}% on average, beyond the 95% interval): the process was \
             still filling up. Use a longer warm-up or more cases.",
            share * 100.0
        ));
    }
    None
}
