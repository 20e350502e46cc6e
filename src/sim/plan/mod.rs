//! Capacity planning: how many people each owner needs, found by simulating candidate
//! staffings (issue 14). It lives under `sim` because it calls the simulator; `analysis` may
//! not.
//!
//! [`optimize`] searches whole-number capacities per owner within bounds (the owner's
//! `capacity_range`, else 1 to three times today's and at least today's + 2):
//!
//! 1. The traffic equations ([`crate::analysis::estimate`]) rule out every candidate in which
//!    some owner is at or above 100% utilisation (it is never simulated) and give the start:
//!    per owner the smallest capacity below [`START_UTILIZATION`].
//! 2. Every owner at its upper bound is simulated first: an SLA missed there is missed by every
//!    candidate (compliance grows with capacity), so it is reported out of reach, the plan is
//!    infeasible, and the search goes on for the other SLAs.
//! 3. Greedy: while some SLA fails, add one person to the owner whose addition reduces the SLA
//!    shortfall (the sum over SLAs of how far the lower bound falls below `within`) most per
//!    unit of cost; the candidates of one round are simulated in parallel. When no single
//!    person reduces it (by at least [`MIN_GAIN`]) the search stops: the failing SLAs do not
//!    depend on capacity (a calendar, a fixed delay), and the plan is infeasible.
//! 4. Local improvement: from the cheapest candidate simulated so far that meets every SLA,
//!    try one person fewer at each owner; keep the cheapest change that still meets every SLA;
//!    repeat until none does.
//!
//! An SLA counts as met when the lower end of its 95% confidence interval reaches `within`
//! (`met_fraction.mean - ci95 >= within`), so a recommendation is met with confidence, not by
//! luck. Every candidate is simulated with the same settings and seed (common random numbers),
//! so two candidates differ by their capacities rather than by noise, and evaluated candidates
//! are cached. With one owner (and compliance growing with capacity) the search is exact: it
//! returns the smallest capacity that meets the SLAs. With several owners it is a heuristic: a
//! cheaper staffing that needs two owners changed at once can be missed.
//!
//! `Objective::P90` spends a budget instead: from the start (or, when that is too dear, each
//! owner's smallest stable capacity) it adds, while the budget allows, the person that shortens
//! the 90th-percentile cycle time most per unit of cost, and recommends the fastest candidate
//! within the budget it simulated on the way. SLAs are reported, not required.
//!
//! Owners on a calendar whose shifts give their own capacity have those capacities scaled in
//! proportion (rounded, at least 1); per-shift optimisation is future work. Cost is capacity x
//! `cost_per_hour` summed over owners; an owner without a cost counts 1 per person so the search
//! still prefers fewer people.

mod candidate;
pub mod headroom;
mod types;

pub use candidate::{default_range, staff_cost};
pub(crate) use candidate::{lower, map_slas, mean_capacity_at, sla_rows, with_capacity};
pub use types::{FrontPoint, Objective, OwnerPlan, Plan, PlanError, PlanOptions, SlaPlan};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rayon::prelude::*;

use super::{Control, SimError, SimResult};
use crate::model::{ProcessMap, Simulation, limits};

/// The utilisation (from the traffic equations) below which the search starts each owner.
pub const START_UTILIZATION: f64 = 0.95;

/// The least reduction of the summed SLA shortfall (in met fraction) that counts as progress
/// in the greedy phase; smaller changes are noise.
pub const MIN_GAIN: f64 = 1e-4;

/// A candidate's figures.
#[derive(Clone, Debug)]
struct Eval {
    cost: f64,
    /// Utilisation per owner from the traffic equations.
    estimated: Vec<f64>,
    /// Present when stable and simulated.
    sim: Option<Outcome>,
}

#[derive(Clone, Debug)]
struct Outcome {
    p90: f64,
    /// Lower end of each SLA's interval, by scope.
    lower: BTreeMap<String, f64>,
    utilization: Vec<f64>,
}

impl Eval {
    fn stable(&self) -> bool {
        self.estimated.iter().all(|u| *u < 1.0)
    }
}

struct Search<'a> {
    map: &'a ProcessMap,
    ids: Vec<String>,
    bounds: Vec<(u32, u32)>,
    /// Offered busy hours per hour of each owner (independent of capacity).
    offered: Vec<f64>,
    /// The map's SLAs: (scope, target hours, within).
    slas: Vec<(String, f64, f64)>,
    settings: Simulation,
    control: &'a Control,
    cache: BTreeMap<Vec<u32>, Eval>,
    cases: u64,
    /// Set once [`limits::MAX_PLAN_CANDIDATES`] candidates were tried: the search stops.
    exhausted: bool,
    /// SLAs missed even with every owner at its largest capacity: the search leaves them out.
    unreachable: BTreeSet<String>,
}

impl Search<'_> {
    fn candidate(&self, caps: &[u32]) -> ProcessMap {
        let mut map = self.map.clone();
        for (id, &c) in self.ids.iter().zip(caps) {
            with_capacity(&mut map, self.map, id, c);
        }
        map
    }

    fn cost(&self, caps: &[u32]) -> f64 {
        self.ids
            .iter()
            .zip(caps)
            .map(|(id, &c)| staff_cost(c, self.map.owners.get(id).map_or(0.0, |o| o.cost_per_hour)))
            .sum()
    }

    /// Estimated utilisation of owner `i` at capacity `c`.
    fn utilization(&self, i: usize, c: u32) -> f64 {
        let (Some(owner), Some(load)) = (
            self.ids.get(i).and_then(|id| self.map.owners.get(id)),
            self.offered.get(i),
        ) else {
            return 0.0;
        };
        let available = mean_capacity_at(self.map, owner, c);
        if available > 0.0 {
            load / available
        } else if *load > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    }

    fn estimated(&self, caps: &[u32]) -> Vec<f64> {
        caps.iter()
            .enumerate()
            .map(|(i, &c)| self.utilization(i, c))
            .collect()
    }

    /// Simulates the candidates not yet in the cache (stable ones only), in parallel.
    fn evaluate(&mut self, candidates: &[Vec<u32>]) -> Result<(), SimError> {
        if self.control.is_cancelled() {
            return Err(SimError::Cancelled);
        }
        let mut fresh: Vec<(Vec<u32>, Eval)> = Vec::new();
        for caps in candidates {
            if self.cache.contains_key(caps) || fresh.iter().any(|(c, _)| c == caps) {
                continue;
            }
            let eval = Eval {
                cost: self.cost(caps),
                estimated: self.estimated(caps),
                sim: None,
            };
            fresh.push((caps.clone(), eval));
        }
        let room = limits::MAX_PLAN_CANDIDATES.saturating_sub(self.cache.len());
        if fresh.len() > room {
            fresh.truncate(room);
            self.exhausted = true;
        }
        // Each map is made on the worker that runs it: a round holds at most one per thread.
        let stable: Vec<(usize, &Vec<u32>)> = fresh
            .iter()
            .enumerate()
            .filter(|(_, (_, e))| e.stable())
            .map(|(k, (caps, _))| (k, caps))
            .collect();
        let settings = self.settings;
        let this = &*self;
        let results: Vec<(usize, Result<SimResult, SimError>)> = stable
            .into_par_iter()
            .map(|(k, caps)| {
                let map = this.candidate(caps);
                (k, super::run(&map, &settings, None, this.control))
            })
            .collect();
        let per_run = settings
            .cases
            .saturating_add(settings.warmup)
            .saturating_mul(u64::from(settings.replications));
        for (k, result) in results {
            let result = result?;
            self.cases = self.cases.saturating_add(per_run);
            let outcome = Outcome {
                p90: result.cycle_time.p90,
                lower: sla_rows(&result)
                    .into_iter()
                    .map(|(scope, _, _, met)| (scope, lower(met)))
                    .collect(),
                utilization: self
                    .ids
                    .iter()
                    .map(|id| result.owners.get(id).map_or(0.0, |o| o.utilization.mean))
                    .collect(),
            };
            if let Some((_, eval)) = fresh.get_mut(k) {
                eval.sim = Some(outcome);
            }
        }
        self.cache.extend(fresh);
        Ok(())
    }

    fn get(&self, caps: &[u32]) -> Option<&Eval> {
        self.cache.get(caps)
    }

    /// Sum over SLAs of how far the lower bound falls short of `within` (infinite when not
    /// simulated).
    fn shortfall(&self, caps: &[u32]) -> f64 {
        match self.get(caps).and_then(|e| e.sim.as_ref()) {
            Some(o) => self
                .slas
                .iter()
                .filter(|(scope, _, _)| !self.unreachable.contains(scope))
                .map(|(scope, _, within)| {
                    (within - o.lower.get(scope).copied().unwrap_or(0.0)).max(0.0)
                })
                .sum(),
            None => f64::INFINITY,
        }
    }

    fn meets_slas(&self, caps: &[u32]) -> bool {
        self.shortfall(caps) <= 0.0
    }

    fn p90(&self, caps: &[u32]) -> f64 {
        self.get(caps)
            .and_then(|e| e.sim.as_ref())
            .map_or(f64::INFINITY, |o| o.p90)
    }

    fn neighbours(&self, caps: &[u32], step: i64) -> Vec<(usize, Vec<u32>)> {
        (0..caps.len())
            .filter_map(|i| {
                let (lo, hi) = self.bounds.get(i).copied()?;
                let c = i64::from(*caps.get(i)?) + step;
                let c = u32::try_from(c).ok().filter(|c| (lo..=hi).contains(c))?;
                let mut next = caps.to_vec();
                next[i] = c;
                Some((i, next))
            })
            .collect()
    }

    /// Per owner the smallest capacity in bounds below `limit` utilisation (its upper bound
    /// when none is).
    fn lowest_below(&self, limit: f64) -> Vec<u32> {
        self.bounds
            .iter()
            .enumerate()
            .map(|(i, &(lo, hi))| {
                (lo..=hi)
                    .find(|&c| self.utilization(i, c) < limit)
                    .unwrap_or(hi)
            })
            .collect()
    }

    /// True when every capacity lies in its owner's bounds (today's may not).
    fn in_bounds(&self, caps: &[u32]) -> bool {
        caps.len() == self.bounds.len()
            && caps
                .iter()
                .zip(&self.bounds)
                .all(|(c, (lo, hi))| (lo..=hi).contains(&c))
    }

    /// The cheapest simulated candidate in bounds that meets every SLA (then the lowest p90).
    fn cheapest_meeting(&self) -> Option<Vec<u32>> {
        self.cache
            .iter()
            .filter(|(caps, e)| e.sim.is_some() && self.in_bounds(caps) && self.meets_slas(caps))
            .min_by(|a, b| {
                a.1.cost
                    .total_cmp(&b.1.cost)
                    .then(self.p90(a.0).total_cmp(&self.p90(b.0)))
            })
            .map(|(caps, _)| caps.clone())
    }

    fn weight(&self, i: usize) -> f64 {
        let cost = self
            .ids
            .get(i)
            .and_then(|id| self.map.owners.get(id))
            .map_or(0.0, |o| o.cost_per_hour);
        staff_cost(1, cost)
    }
}

/// Finds the staffing that meets `options.objective`; see the module documentation for the
/// method. Marks `control` finished when it returns; its progress counts cases over all
/// candidates and cancelling it stops the search.
///
/// # Errors
/// [`PlanError::NoOwners`], [`PlanError::BadBudget`], or a simulation's error (an invalid
/// map, cancellation).
pub fn optimize(
    map: &ProcessMap,
    options: &PlanOptions,
    control: &Control,
) -> Result<Plan, PlanError> {
    let outcome = search(map, options, control);
    control.finish();
    outcome
}

fn search(map: &ProcessMap, options: &PlanOptions, control: &Control) -> Result<Plan, PlanError> {
    let started = std::time::Instant::now();
    let problems = crate::model::validate(map);
    if crate::model::has_errors(&problems) {
        return Err(SimError::Invalid(
            problems
                .into_iter()
                .filter(|p| p.severity == crate::model::Severity::Error)
                .collect(),
        )
        .into());
    }
    if map.owners.is_empty() {
        return Err(PlanError::NoOwners);
    }
    if let Objective::P90 { budget_per_hour } = options.objective {
        if !(budget_per_hour.is_finite() && budget_per_hour > 0.0) {
            return Err(PlanError::BadBudget(budget_per_hour));
        }
    }
    let estimate = crate::analysis::estimate(map);
    let ids: Vec<String> = map.owners.keys().cloned().collect();
    let bounds = map
        .owners
        .values()
        .map(|o| {
            let (lo, hi) = o
                .capacity_range
                .unwrap_or_else(|| default_range(o.capacity));
            let hi = options.max_capacity.map_or(hi, |m| hi.min(m.max(1)));
            (lo.min(hi), hi)
        })
        .collect();
    let offered = ids
        .iter()
        .map(|id| {
            estimate
                .owners
                .get(id)
                .map_or(0.0, |o| o.offered_hours_per_hour)
        })
        .collect();
    let now: Vec<u32> = map.owners.values().map(|o| o.capacity).collect();
    let mut s = Search {
        map,
        ids,
        bounds,
        offered,
        slas: map_slas(map),
        settings: options.settings,
        control,
        cache: BTreeMap::new(),
        cases: 0,
        exhausted: false,
        unreachable: BTreeSet::new(),
    };
    // Today's staffing, for "before" (never simulated when unstable).
    s.evaluate(std::slice::from_ref(&now))?;

    let start = s.lowest_below(START_UTILIZATION);
    let (best, feasible, note) = match options.objective {
        Objective::Cost => cheapest(&mut s, start)?,
        Objective::P90 { budget_per_hour } => fastest(&mut s, start, budget_per_hour)?,
    };
    Ok(plan(
        &s,
        options.objective,
        &now,
        &best,
        feasible,
        note,
        started,
    ))
}

/// Greedy up until every SLA is met, then one person fewer where that still holds.
fn cheapest(s: &mut Search<'_>, start: Vec<u32>) -> Result<(Vec<u32>, bool, String), SimError> {
    let top: Vec<u32> = s.bounds.iter().map(|b| b.1).collect();
    if s.estimated(&top).iter().any(|u| *u >= 1.0) {
        return Ok((
            top,
            false,
            "infeasible within the bounds: some owner is at or above 100% utilisation even at \
             its largest capacity"
                .to_owned(),
        ));
    }
    // An SLA missed with everyone at the upper bound is missed by every candidate (compliance
    // grows with capacity): say so, and plan for the others.
    s.evaluate(std::slice::from_ref(&top))?;
    if let Some(outcome) = s.get(&top).and_then(|e| e.sim.clone()) {
        s.unreachable = s
            .slas
            .iter()
            .filter(|(scope, _, within)| outcome.lower.get(scope).copied().unwrap_or(0.0) < *within)
            .map(|(scope, _, _)| scope.clone())
            .collect();
    }
    let mut current = start;
    s.evaluate(std::slice::from_ref(&current))?;
    while !s.meets_slas(&current) && !s.exhausted {
        let next = s.neighbours(&current, 1);
        if next.is_empty() {
            break;
        }
        let list: Vec<Vec<u32>> = next.iter().map(|(_, c)| c.clone()).collect();
        s.evaluate(&list)?;
        let here = s.shortfall(&current);
        let chosen = next
            .iter()
            .map(|(i, caps)| {
                let after = s.shortfall(caps);
                let gain = if here.is_infinite() {
                    // Today's start was not simulated (never happens for a stable start).
                    if after.is_finite() { f64::MAX } else { 0.0 }
                } else {
                    here - after
                };
                (gain, gain / s.weight(*i), caps)
            })
            .filter(|(gain, _, _)| *gain > MIN_GAIN)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(_, _, caps)| caps.clone());
        let Some(chosen) = chosen else {
            // No single person brings any SLA closer: the failing SLAs do not depend on
            // capacity (a calendar, a fixed delay), or need more than one change at once.
            break;
        };
        current = chosen;
    }
    if !s.meets_slas(&current) {
        // The best candidate seen: the smallest shortfall, then the cheapest.
        let best = s
            .cache
            .iter()
            .filter(|(caps, e)| e.sim.is_some() && s.in_bounds(caps))
            .map(|(caps, e)| (s.shortfall(caps), e.cost, caps.clone()))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
            .map_or(current, |(_, _, caps)| caps);
        let mut note = "infeasible within the bounds: no candidate tried meets every SLA (by \
                        the lower end of its 95% interval); this is the closest"
            .to_owned();
        if s.exhausted {
            let _ = write!(
                note,
                " (the search stopped after {} candidates)",
                limits::MAX_PLAN_CANDIDATES
            );
        }
        return Ok((best, false, note));
    }
    // Another candidate of the rounds may meet every SLA for less.
    current = s.cheapest_meeting().unwrap_or(current);
    while !s.exhausted {
        let fewer: Vec<Vec<u32>> = s
            .neighbours(&current, -1)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        s.evaluate(&fewer)?;
        let better = fewer
            .into_iter()
            .filter(|caps| s.meets_slas(caps))
            .min_by(|a, b| {
                let (ea, eb) = (s.get(a), s.get(b));
                let cost = |e: Option<&Eval>| e.map_or(f64::INFINITY, |e| e.cost);
                cost(ea)
                    .total_cmp(&cost(eb))
                    .then(s.p90(a).total_cmp(&s.p90(b)))
            });
        match better {
            Some(caps) => current = caps,
            None => break,
        }
    }
    let best = s.cheapest_meeting().unwrap_or(current);
    if s.unreachable.is_empty() {
        return Ok((best, true, String::new()));
    }
    let names: Vec<String> = s
        .unreachable
        .iter()
        .map(|scope| {
            if scope == "case" {
                "the end-to-end SLA".to_owned()
            } else {
                format!("the SLA of step '{}'", s.map.node_name(scope))
            }
        })
        .collect();
    Ok((
        best,
        false,
        format!(
            "infeasible within the bounds: {} cannot be met even with every owner at its \
             largest capacity; this is the cheapest staffing that meets the other SLAs",
            names.join(", ")
        ),
    ))
}

/// Greedy up within the budget by the largest p90 gain per unit of cost.
fn fastest(
    s: &mut Search<'_>,
    start: Vec<u32>,
    budget: f64,
) -> Result<(Vec<u32>, bool, String), SimError> {
    let mut current = start;
    if s.cost(&current) > budget {
        // The cheapest stable staffing, if the comfortable start is too dear.
        current = s.lowest_below(1.0);
    }
    if s.cost(&current) > budget || s.estimated(&current).iter().any(|u| *u >= 1.0) {
        return Ok((
            current,
            false,
            "infeasible within the bounds: no stable staffing (every owner below 100%) fits \
             the budget"
                .to_owned(),
        ));
    }
    s.evaluate(std::slice::from_ref(&current))?;
    while !s.exhausted {
        let next: Vec<(usize, Vec<u32>)> = s
            .neighbours(&current, 1)
            .into_iter()
            .filter(|(_, caps)| s.cost(caps) <= budget + 1e-9)
            .collect();
        if next.is_empty() {
            break;
        }
        let list: Vec<Vec<u32>> = next.iter().map(|(_, c)| c.clone()).collect();
        s.evaluate(&list)?;
        let here = s.p90(&current);
        let chosen = next
            .iter()
            .map(|(i, caps)| ((here - s.p90(caps)) / s.weight(*i), caps))
            .filter(|(gain, _)| *gain > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, caps)| caps.clone());
        match chosen {
            Some(caps) => current = caps,
            None => break,
        }
    }
    // The path went by gain per cost; a candidate it passed may still be the fastest.
    let fastest = s
        .cache
        .iter()
        .filter(|(caps, e)| e.sim.is_some() && s.in_bounds(caps) && e.cost <= budget + 1e-9)
        .map(|(caps, e)| (s.p90(caps), e.cost, caps.clone()))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map_or(current, |(_, _, caps)| caps);
    Ok((fastest, true, String::new()))
}

fn plan(
    s: &Search<'_>,
    objective: Objective,
    now: &[u32],
    best: &[u32],
    feasible: bool,
    note: String,
    started: std::time::Instant,
) -> Plan {
    let before = s.get(now);
    let after = s.get(best);
    let sim_of = |e: Option<&Eval>| e.and_then(|e| e.sim.clone());
    let (sim_before, sim_after) = (sim_of(before), sim_of(after));
    let utilization = |e: Option<&Eval>, o: Option<&Outcome>, i: usize| {
        o.and_then(|o| o.utilization.get(i).copied())
            .or_else(|| e.and_then(|e| e.estimated.get(i).copied()))
            .unwrap_or(0.0)
    };
    let owners = s
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (c_now, c_best) = (
                now.get(i).copied().unwrap_or(0),
                best.get(i).copied().unwrap_or(0),
            );
            let cost = s.map.owners.get(id).map_or(0.0, |o| o.cost_per_hour);
            OwnerPlan {
                id: id.clone(),
                now: c_now,
                recommended: c_best,
                range: s.bounds.get(i).copied().unwrap_or((1, 1)),
                cost_change: staff_cost(c_best, cost) - staff_cost(c_now, cost),
                utilization_before: utilization(before, sim_before.as_ref(), i),
                utilization_after: utilization(after, sim_after.as_ref(), i),
            }
        })
        .collect();
    let slas = s
        .slas
        .iter()
        .map(|(scope, target_hours, within)| {
            let lower_before = sim_before
                .as_ref()
                .and_then(|o| o.lower.get(scope).copied());
            let lower_after = sim_after.as_ref().and_then(|o| o.lower.get(scope).copied());
            let within = *within;
            SlaPlan {
                scope: scope.clone(),
                target_hours: *target_hours,
                within,
                met_before: lower_before.is_some_and(|l| l >= within),
                met_after: lower_after.is_some_and(|l| l >= within),
                lower_ci_before: lower_before,
                lower_ci: lower_after,
                reachable: !s.unreachable.contains(scope),
            }
        })
        .collect();
    let mut candidates: Vec<FrontPoint> = s
        .cache
        .iter()
        .filter_map(|(caps, e)| {
            e.sim.as_ref().map(|o| FrontPoint {
                cost_per_hour: e.cost,
                p90: o.p90,
                capacities: s.ids.iter().cloned().zip(caps.iter().copied()).collect(),
                meets_slas: s.meets_slas(caps),
            })
        })
        .collect();
    candidates.sort_by(|a, b| {
        a.cost_per_hour
            .total_cmp(&b.cost_per_hour)
            .then(a.p90.total_cmp(&b.p90))
    });
    let mut front = Vec::new();
    let mut fastest = f64::INFINITY;
    for point in &candidates {
        if point.p90 < fastest {
            fastest = point.p90;
            front.push(point.clone());
        }
    }
    Plan {
        objective,
        feasible,
        note,
        recommended: s.ids.iter().cloned().zip(best.iter().copied()).collect(),
        cost_now: s.cost(now),
        cost_recommended: s.cost(best),
        p90_before: sim_before.as_ref().map(|o| o.p90),
        p90_after: sim_after.as_ref().map(|o| o.p90),
        owners,
        slas,
        front,
        candidates,
        evaluated: s.cache.values().filter(|e| e.sim.is_some()).count(),
        cases_simulated: s.cases,
        wall_seconds: started.elapsed().as_secs_f64(),
    }
}
