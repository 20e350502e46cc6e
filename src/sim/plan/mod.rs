//! Capacity planning: how many people each owner (and each shift of a roster) needs, found by
//! simulating candidate staffings (issue 14). It lives under `sim` because it calls the
//! simulator; `analysis` may not.
//!
//! [`optimize`] searches whole numbers of people per decision variable: a plain owner's
//! capacity, or, for an owner whose calendar gives shifts their own capacity (a roster), the
//! people on each such shift (plus the owner's capacity when some shift of the calendar gives
//! none; it staffs those shifts). Bounds: the owner's `capacity_range` (for a roster it bounds
//! every shift), else 1 to three times today's value and at least today's + 2; the
//! `max_capacity` option caps every variable.
//!
//! 1. The traffic equations ([`crate::analysis::estimate`]) rule out every candidate in which
//!    some owner's offered load reaches its mean capacity over the week (capacity-hours per
//!    week / 168): it is never simulated. This is a sound necessary condition for a roster
//!    too (work can wait for the next shift, but not beyond the week). They also give the
//!    start below [`START_UTILIZATION`]: a plain owner at the smallest capacity below it; a
//!    roster's shifts each at the load of the hours they cover (the owner's weekly work
//!    shared out by when cases arrive at the Starts, ignoring the time work takes to reach
//!    the owner) over 0.95, rounded up, then all one more while the week is still at or
//!    above 0.95. That start is a heuristic, not a bound: the search moves down from it.
//! 2. Every variable at its upper bound is simulated first: an SLA missed there is missed by
//!    every candidate (compliance grows with capacity), so it is reported out of reach, the
//!    plan is infeasible, and the search goes on for the other SLAs.
//! 3. Greedy: while some SLA fails, add one person to the variable (an owner, or one shift)
//!    whose addition reduces the SLA shortfall (the sum over SLAs of how far the lower bound
//!    falls below `within`) most per unit of cost; the candidates of one round are simulated
//!    in parallel. When no single person reduces it (by at least [`MIN_GAIN`]) the greedy
//!    stops; if some candidate simulated so far (the upper bound included) meets every SLA,
//!    local improvement goes on from the cheapest of them, else the failing SLAs do not
//!    depend on capacity (a calendar, a fixed delay) and the plan is infeasible.
//! 4. Local improvement: from the cheapest candidate simulated so far that meets every SLA,
//!    try one person fewer at each variable; keep the cheapest change that still meets every
//!    SLA; repeat until none does.
//!
//! An SLA counts as met when the lower end of its 95% confidence interval reaches `within`
//! (`met_fraction.mean - ci95 >= within`), so a recommendation is met with confidence, not by
//! luck. Every candidate is simulated with the same settings and seed (common random numbers),
//! so two candidates differ by their staffing rather than by noise, and evaluated candidates
//! are cached on the full vector. A candidate map is the loaded map as Apply would leave it
//! ([`Plan::change`], `model::edit::set_staffing`). With one plain owner (and compliance
//! growing with capacity) the search is exact: it returns the smallest capacity that meets the
//! SLAs. With several variables it is a heuristic: a cheaper staffing that needs two changed at
//! once (one shift up, another down) can be missed.
//!
//! Cost counts people x hours on shift: `cost_per_hour` x capacity-hours per week / 168 per
//! owner ([`map_staff_cost`]), the weekly-average people on shift; an owner without a calendar
//! counts capacity x `cost_per_hour`, a plain owner on a calendar only its open hours, and an
//! owner without a cost counts 1 per person-hour so the search still prefers fewer people.
//!
//! `Objective::P90` spends a budget instead: from the start (or, when that is too dear, the
//! start below 100% utilisation) it adds, while the budget allows, the person that shortens
//! the 90th-percentile cycle time most per unit of cost, and recommends the fastest candidate
//! within the budget it simulated on the way. SLAs are reported, not required.

mod build;
mod candidate;
pub mod headroom;
mod search;
mod types;
mod vars;

pub use candidate::{default_range, staff_cost};
pub(crate) use candidate::{lower, map_slas, sla_rows, with_capacity};
pub use types::{
    FrontPoint, Objective, OwnerPlan, Plan, PlanError, PlanOptions, ShiftPlan, SlaPlan,
};
pub use vars::map_staff_cost;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use search::{Eval, Search};
use vars::Vars;

use super::{Control, SimError};
use crate::model::{ProcessMap, limits};

/// The utilisation (from the traffic equations) below which the search starts each owner.
pub const START_UTILIZATION: f64 = 0.95;

/// The least reduction of the summed SLA shortfall (in met fraction) that counts as progress
/// in the greedy phase; smaller changes are noise.
pub const MIN_GAIN: f64 = 1e-4;

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
    let vars = Vars::new(map, options.max_capacity);
    let offered = vars
        .ids
        .iter()
        .map(|id| {
            estimate
                .owners
                .get(id)
                .map_or(0.0, |o| o.offered_hours_per_hour)
        })
        .collect();
    let now = vars.now();
    let mut s = Search {
        map,
        vars,
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
    Ok(build::plan(
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
    let top = s.vars.top();
    if s.estimated(&top).iter().any(|u| *u >= 1.0) {
        return Ok((
            top,
            false,
            "infeasible within the bounds: some owner is at or above 100% utilisation even at \
             its largest capacity"
                .to_owned(),
        ));
    }
    // An SLA missed with every variable at its upper bound is missed by every candidate
    // (compliance grows with capacity): say so, and plan for the others.
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
        // The greedy stalled (no single person helped enough), but a candidate it or the
        // upper-bound check simulated may meet every SLA: improve down from the cheapest.
        if let Some(meeting) = s.cheapest_meeting() {
            current = meeting;
        }
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
