//! The [`Plan`] of a finished search: owners and their shifts before and after, SLAs before
//! and after, and the cost / p90 front of every candidate simulated.

use std::collections::BTreeMap;

use super::search::{Eval, Outcome, Search};
use super::{FrontPoint, Objective, OwnerPlan, Plan, ShiftPlan, SlaPlan};

/// Owner capacities and per-shift people of `x`, for a [`FrontPoint`].
fn capacities(s: &Search<'_>, x: &[u32]) -> (BTreeMap<String, u32>, BTreeMap<String, Vec<u32>>) {
    let owners = s
        .vars
        .ids
        .iter()
        .enumerate()
        .map(|(owner, id)| (id.clone(), s.vars.owner_capacity(owner, x)))
        .collect();
    let mut shifts: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (v, &c) in s.vars.list.iter().zip(x) {
        if let (Some(_), Some(id)) = (v.shift, s.vars.ids.get(v.owner)) {
            shifts.entry(id.clone()).or_default().push(c);
        }
    }
    (owners, shifts)
}

/// The shifts of owner `owner` (of a roster) before and after.
fn shift_plans(s: &Search<'_>, owner: usize, now: &[u32], best: &[u32]) -> Vec<ShiftPlan> {
    let calendar = s
        .vars
        .ids
        .get(owner)
        .and_then(|id| s.map.owners.get(id))
        .and_then(|o| s.map.calendar(o.calendar.as_deref()));
    let Some(calendar) = calendar else {
        return Vec::new();
    };
    s.vars
        .list
        .iter()
        .enumerate()
        .filter(|(_, v)| v.owner == owner)
        .filter_map(|(i, v)| {
            let index = v.shift?;
            let shift = calendar.week.get(index)?;
            let (c_now, c_best) = (now.get(i).copied()?, best.get(i).copied()?);
            Some(ShiftPlan {
                index,
                days: shift.days,
                from: shift.from,
                to: shift.to,
                hours_per_week: v.hours,
                now: c_now,
                recommended: c_best,
                range: v.bounds,
                cost_change: v.unit_cost * (f64::from(c_best) - f64::from(c_now)),
            })
        })
        .collect()
}

pub(super) fn plan(
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
        .vars
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mine = s.vars.list.iter().filter(|v| v.owner == i);
            let range = mine.fold((u32::MAX, 0), |(lo, hi), v| {
                (lo.min(v.bounds.0), hi.max(v.bounds.1))
            });
            OwnerPlan {
                id: id.clone(),
                now: s.map.owners.get(id).map_or(0, |o| o.capacity),
                recommended: s.vars.owner_capacity(i, best),
                range: if range.0 > range.1 { (1, 1) } else { range },
                cost_change: s.vars.owner_cost(i, best) - s.vars.owner_cost(i, now),
                shifts: if s.vars.rostered.get(i).copied().unwrap_or(false) {
                    shift_plans(s, i, now, best)
                } else {
                    Vec::new()
                },
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
            e.sim.as_ref().map(|o| {
                let (capacities, shifts) = capacities(s, caps);
                FrontPoint {
                    cost_per_hour: e.cost,
                    p90: o.p90,
                    capacities,
                    shifts,
                    meets_slas: s.meets_slas(caps),
                }
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
        recommended: capacities(s, best).0,
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
