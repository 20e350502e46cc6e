//! The search's state: the decision variables, the cache of evaluated candidates (keyed on
//! the full vector), and the questions the greedy phases ask of it.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::vars::Vars;
use super::{lower, sla_rows};
use crate::model::{ProcessMap, Simulation, limits};
use crate::sim::{Control, SimError, SimResult};

/// A candidate's figures.
#[derive(Clone, Debug)]
pub(super) struct Eval {
    pub cost: f64,
    /// Utilisation per owner from the traffic equations.
    pub estimated: Vec<f64>,
    /// Present when stable and simulated.
    pub sim: Option<Outcome>,
}

#[derive(Clone, Debug)]
pub(super) struct Outcome {
    pub p90: f64,
    /// Lower end of each SLA's interval, by scope.
    pub lower: BTreeMap<String, f64>,
    /// Simulated utilisation per owner, in id order.
    pub utilization: Vec<f64>,
}

impl Eval {
    fn stable(&self) -> bool {
        self.estimated.iter().all(|u| *u < 1.0)
    }
}

pub(super) struct Search<'a> {
    pub map: &'a ProcessMap,
    pub vars: Vars,
    /// Offered busy hours per hour of each owner (independent of capacity), in id order.
    pub offered: Vec<f64>,
    /// The map's SLAs: (scope, target hours, within).
    pub slas: Vec<(String, f64, f64)>,
    pub settings: Simulation,
    pub control: &'a Control,
    pub cache: BTreeMap<Vec<u32>, Eval>,
    pub cases: u64,
    /// Set once [`limits::MAX_PLAN_CANDIDATES`] candidates were tried: the search stops.
    pub exhausted: bool,
    /// SLAs missed even with every variable at its upper bound: the search leaves them out.
    pub unreachable: BTreeSet<String>,
}

impl Search<'_> {
    pub fn cost(&self, x: &[u32]) -> f64 {
        self.vars.cost(x)
    }

    /// Estimated utilisation of each owner (offered load / mean capacity over the week).
    pub fn estimated(&self, x: &[u32]) -> Vec<f64> {
        (0..self.vars.ids.len())
            .map(|owner| {
                let load = self.offered.get(owner).copied().unwrap_or(0.0);
                let available = self.vars.mean_capacity(owner, x);
                if available > 0.0 {
                    load / available
                } else if load > 0.0 {
                    f64::INFINITY
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// Simulates the candidates not yet in the cache (stable ones only), in parallel.
    pub fn evaluate(&mut self, candidates: &[Vec<u32>]) -> Result<(), SimError> {
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
                let map = this.vars.candidate(this.map, caps);
                (k, crate::sim::run(&map, &settings, None, this.control))
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
                    .vars
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

    pub fn get(&self, caps: &[u32]) -> Option<&Eval> {
        self.cache.get(caps)
    }

    /// Sum over SLAs of how far the lower bound falls short of `within` (infinite when not
    /// simulated).
    pub fn shortfall(&self, caps: &[u32]) -> f64 {
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

    pub fn meets_slas(&self, caps: &[u32]) -> bool {
        self.shortfall(caps) <= 0.0
    }

    pub fn p90(&self, caps: &[u32]) -> f64 {
        self.get(caps)
            .and_then(|e| e.sim.as_ref())
            .map_or(f64::INFINITY, |o| o.p90)
    }

    /// Every vector one person away from `caps` (`step` +1 or -1) on one variable (a plain
    /// owner, or one shift of a roster), within the bounds, with the variable changed.
    pub fn neighbours(&self, caps: &[u32], step: i64) -> Vec<(usize, Vec<u32>)> {
        (0..caps.len())
            .filter_map(|i| {
                let (lo, hi) = self.vars.list.get(i)?.bounds;
                let c = i64::from(*caps.get(i)?) + step;
                let c = u32::try_from(c).ok().filter(|c| (lo..=hi).contains(c))?;
                let mut next = caps.to_vec();
                next[i] = c;
                Some((i, next))
            })
            .collect()
    }

    /// The start below `limit` estimated utilisation (see [`Vars::start`]).
    pub fn lowest_below(&self, limit: f64) -> Vec<u32> {
        self.vars.start(self.map, &self.offered, limit)
    }

    /// True when every value lies in its variable's bounds (today's may not).
    pub fn in_bounds(&self, caps: &[u32]) -> bool {
        self.vars.in_bounds(caps)
    }

    /// The cheapest simulated candidate in bounds that meets every SLA (then the lowest p90).
    pub fn cheapest_meeting(&self) -> Option<Vec<u32>> {
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

    /// Staff cost per hour of one person more on variable `i` (never zero).
    pub fn weight(&self, i: usize) -> f64 {
        self.vars.list.get(i).map_or(1.0, |v| v.unit_cost).max(1e-9)
    }
}
