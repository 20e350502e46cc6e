//! Headroom and sensitivity: what happens to a map under more load, and which single change
//! helps most. Both simulate variants of the map with the same settings and seed (common random
//! numbers), several variants at once on rayon.
//!
//! [`headroom`] scales every Start's arrivals by 0.5x to 2x in steps of 0.1 (a time between
//! arrivals is divided by the factor, rates per hour are multiplied by it), skipping the factors
//! at which the traffic equations say some owner is at or above 100%; an SLA counts as met here
//! when its mean met fraction reaches `within` (the figure `simulate` reports). [`sensitivity`]
//! makes each step's work 10% shorter in turn, and gives each owner one person more in turn.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{sla_rows, with_capacity};
use crate::model::{DEFAULT_ARRIVALS, Node, ProcessMap, Simulation};
use crate::sim::{Control, SimError, SimResult};

/// The load factors [`headroom`] tries: 0.5, 0.6, ... 2.0.
pub const FACTORS: [f64; 16] = [
    0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0,
];

/// The map with every Start's arrivals `factor` times as frequent.
#[must_use]
pub fn scale_arrivals(map: &ProcessMap, factor: f64) -> ProcessMap {
    let mut scaled = map.clone();
    for node in scaled.nodes.values_mut() {
        if let Node::Start {
            arrivals, rates, ..
        } = node
        {
            if rates.is_empty() {
                let gap = arrivals.as_ref().unwrap_or(&DEFAULT_ARRIVALS);
                *arrivals = Some(gap.scaled(1.0 / factor));
            } else {
                for rate in rates.iter_mut() {
                    rate.per_hour *= factor;
                }
            }
        }
    }
    scaled
}

/// One load factor of [`headroom`].
#[derive(Clone, Debug, PartialEq)]
pub struct LoadRow {
    /// Arrivals are this many times today's.
    pub factor: f64,
    /// Cases arriving per hour (mean over the week).
    pub arrivals_per_hour: f64,
    /// 90th percentile of cycle time, hours.
    pub p90: f64,
    /// Mean met fraction of each SLA by scope (`"case"` or a step id).
    pub sla_met: BTreeMap<String, f64>,
    /// True when every SLA's mean met fraction reaches its `within`.
    pub slas_met: bool,
    /// The busiest owner (simulated utilisation) and its utilisation.
    pub busiest: Option<(String, f64)>,
}

/// What [`headroom`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Headroom {
    /// The factors simulated, in order (it stops before the first unstable one).
    pub rows: Vec<LoadRow>,
    /// The first factor at which some SLA is not met, and the first such SLA's scope.
    pub sla_breaks_at: Option<(f64, String)>,
    /// The owner that saturates first under growing load and the factor at which its
    /// utilisation reaches 100% by the traffic equations (`1 / today's utilisation`).
    pub saturates_first: Option<(String, f64)>,
    /// Cases simulated over all factors.
    pub cases_simulated: u64,
    /// Wall-clock time.
    pub wall_seconds: f64,
}

fn cases_per_run(settings: &Simulation) -> u64 {
    settings
        .cases
        .saturating_add(settings.warmup)
        .saturating_mul(u64::from(settings.replications))
}

/// Simulates `maps` in parallel, in order, with the same settings and seed.
fn run_all(
    maps: Vec<ProcessMap>,
    settings: &Simulation,
    control: &Control,
) -> Result<Vec<SimResult>, SimError> {
    maps.into_par_iter()
        .map(|map| crate::sim::run(&map, settings, None, control))
        .collect()
}

/// Simulates `map` under 0.5x to 2x today's arrivals; see the module documentation.
///
/// # Errors
/// A simulation's error (an invalid map, cancellation).
pub fn headroom(
    map: &ProcessMap,
    settings: &Simulation,
    control: &Control,
) -> Result<Headroom, SimError> {
    let outcome = headroom_run(map, settings, control);
    control.finish();
    outcome
}

fn headroom_run(
    map: &ProcessMap,
    settings: &Simulation,
    control: &Control,
) -> Result<Headroom, SimError> {
    let started = std::time::Instant::now();
    let today = crate::analysis::estimate(map);
    let saturates_first = today
        .busiest()
        .filter(|(_, load)| load.utilization > 0.0)
        .map(|(id, load)| (id.to_owned(), 1.0 / load.utilization));
    let mut factors = Vec::new();
    let mut maps = Vec::new();
    for factor in FACTORS {
        let scaled = scale_arrivals(map, factor);
        if !crate::analysis::estimate(&scaled).unstable.is_empty() {
            break;
        }
        factors.push(factor);
        maps.push(scaled);
    }
    let arrivals: Vec<f64> = maps
        .iter()
        .map(|m| crate::analysis::estimate(m).arrivals_per_hour)
        .collect();
    let results = run_all(maps, settings, control)?;
    let mut rows = Vec::new();
    let mut sla_breaks_at = None;
    for ((factor, result), arrivals_per_hour) in factors.into_iter().zip(&results).zip(arrivals) {
        let slas = sla_rows(result);
        let broken = slas.iter().find(|(_, _, within, met)| met.mean < *within);
        if sla_breaks_at.is_none() {
            sla_breaks_at = broken.map(|(scope, ..)| (factor, scope.clone()));
        }
        let busiest = result
            .owners
            .iter()
            .max_by(|a, b| a.1.utilization.mean.total_cmp(&b.1.utilization.mean))
            .map(|(id, o)| (id.clone(), o.utilization.mean));
        rows.push(LoadRow {
            factor,
            arrivals_per_hour,
            p90: result.cycle_time.p90,
            slas_met: broken.is_none(),
            sla_met: slas
                .into_iter()
                .map(|(scope, _, _, met)| (scope, met.mean))
                .collect(),
            busiest,
        });
    }
    #[allow(clippy::cast_possible_truncation, reason = "at most 16 runs")]
    let runs = rows.len() as u64;
    Ok(Headroom {
        rows,
        sla_breaks_at,
        saturates_first,
        cases_simulated: cases_per_run(settings).saturating_mul(runs),
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

/// What one change is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The step's work 10% shorter (every duration of its distribution x 0.9).
    FasterStep(String),
    /// One more person at the owner.
    MorePeople(String),
}

/// The effect of one change.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// The change.
    pub change: Change,
    /// p90 of cycle time with the change, hours.
    pub p90: f64,
    /// Change of p90 against today, hours (negative: faster).
    pub p90_change: f64,
    /// Change of the mean met fraction, summed over the SLAs (positive: better).
    pub sla_change: f64,
    /// SLAs met (mean met fraction reaching `within`) with the change.
    pub slas_met: usize,
}

/// What [`sensitivity`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Sensitivity {
    /// p90 of cycle time today, hours.
    pub p90: f64,
    /// SLAs met today, and how many the map has.
    pub slas_met: usize,
    /// SLAs of the map.
    pub slas: usize,
    /// The changes, the largest p90 reduction first (then the largest SLA gain).
    pub effects: Vec<Effect>,
    /// Cases simulated.
    pub cases_simulated: u64,
    /// Wall-clock time.
    pub wall_seconds: f64,
}

/// Tries each single change (a step 10% faster, an owner one person larger) and ranks them;
/// see the module documentation.
///
/// # Errors
/// A simulation's error (an invalid map, cancellation).
pub fn sensitivity(
    map: &ProcessMap,
    settings: &Simulation,
    control: &Control,
) -> Result<Sensitivity, SimError> {
    let outcome = sensitivity_run(map, settings, control);
    control.finish();
    outcome
}

fn sensitivity_run(
    map: &ProcessMap,
    settings: &Simulation,
    control: &Control,
) -> Result<Sensitivity, SimError> {
    let started = std::time::Instant::now();
    let mut changes = Vec::new();
    for (id, node) in &map.nodes {
        if let Node::Step { work, .. } = node {
            if work.mean_hours() > 0.0 {
                changes.push(Change::FasterStep(id.clone()));
            }
        }
    }
    for (id, owner) in &map.owners {
        if owner.capacity < crate::model::limits::MAX_CAPACITY {
            changes.push(Change::MorePeople(id.clone()));
        }
    }
    // Each variant is made on the worker that runs it, so memory holds one map per thread.
    let variant = |change: Option<&Change>| {
        let mut changed = map.clone();
        match change {
            Some(Change::FasterStep(id)) => {
                if let Some(Node::Step { work, .. }) = changed.nodes.get_mut(id) {
                    *work = work.scaled(0.9);
                }
            }
            Some(Change::MorePeople(id)) => {
                let capacity = map.owners.get(id).map_or(1, |o| o.capacity + 1);
                with_capacity(&mut changed, map, id, capacity);
            }
            None => {}
        }
        changed
    };
    let runs = changes.len() as u64 + 1;
    let results: Vec<SimResult> = std::iter::once(None)
        .chain(changes.iter().map(Some))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|change| crate::sim::run(&variant(change), settings, None, control))
        .collect::<Result<_, _>>()?;
    let Some((today, variants)) = results.split_first() else {
        return Err(SimError::Compile);
    };
    let met = |r: &SimResult| {
        sla_rows(r)
            .iter()
            .filter(|(_, _, within, m)| m.mean >= *within)
            .count()
    };
    let fractions = |r: &SimResult| -> BTreeMap<String, f64> {
        sla_rows(r)
            .into_iter()
            .map(|(scope, _, _, m)| (scope, m.mean))
            .collect()
    };
    let base = fractions(today);
    let mut effects: Vec<Effect> = changes
        .into_iter()
        .zip(variants)
        .map(|(change, result)| {
            let sla_change = fractions(result)
                .iter()
                .map(|(scope, f)| f - base.get(scope).copied().unwrap_or(0.0))
                .sum();
            Effect {
                change,
                p90: result.cycle_time.p90,
                p90_change: result.cycle_time.p90 - today.cycle_time.p90,
                sla_change,
                slas_met: met(result),
            }
        })
        .collect();
    effects.sort_by(|a, b| {
        a.p90_change
            .total_cmp(&b.p90_change)
            .then(b.sla_change.total_cmp(&a.sla_change))
    });
    Ok(Sensitivity {
        p90: today.cycle_time.p90,
        slas_met: met(today),
        slas: sla_rows(today).len(),
        effects,
        cases_simulated: cases_per_run(settings).saturating_mul(runs),
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}
