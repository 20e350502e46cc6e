//! The public types of capacity planning: what to minimise, how to search, and the [`Plan`].

use std::collections::BTreeMap;

use crate::model::{Days, Simulation, TimeOfDay};
use crate::sim::SimError;

/// What [`optimize`](super::optimize) minimises.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Objective {
    /// The lowest staff cost per hour that meets every SLA.
    Cost,
    /// The lowest 90th-percentile cycle time at a staff cost of at most `budget_per_hour`.
    P90 {
        /// Staff cost per hour allowed (in the units of [`staff_cost`](super::staff_cost)).
        budget_per_hour: f64,
    },
}

/// How to search.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// What to minimise.
    pub objective: Objective,
    /// The simulation settings of every candidate (the same seed for all of them).
    pub settings: Simulation,
    /// An upper bound on every owner's capacity, on top of its own range.
    pub max_capacity: Option<u32>,
}

/// Why [`optimize`](super::optimize) gave no plan.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The map has no owner whose capacity could change.
    #[error("the map has no owners: there is no capacity to plan")]
    NoOwners,
    /// The budget is not a finite positive number.
    #[error("the budget must be a positive number (found {0})")]
    BadBudget(f64),
    /// A simulation failed (invalid map, cancelled, no threads).
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// One SLA of the map, before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaPlan {
    /// `"case"` for the end-to-end SLA, else the step id.
    pub scope: String,
    /// Target in hours.
    pub target_hours: f64,
    /// Required fraction.
    pub within: f64,
    /// Met (by the lower end of its 95% interval) with today's capacities.
    pub met_before: bool,
    /// Met with the recommended capacities.
    pub met_after: bool,
    /// Lower end of the 95% interval of the met fraction today (`None`: not simulated,
    /// because today's staffing is unstable).
    pub lower_ci_before: Option<f64>,
    /// Lower end of the 95% interval of the met fraction with the recommendation.
    pub lower_ci: Option<f64>,
    /// False when even every owner at its largest capacity misses it (the search then plans
    /// for the other SLAs).
    pub reachable: bool,
}

/// One shift of a rostered owner (a shift with its own capacity), before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct ShiftPlan {
    /// Index of the shift in the owner's calendar (`week`).
    pub index: usize,
    /// The days it starts on.
    pub days: Days,
    /// When it starts.
    pub from: TimeOfDay,
    /// When it ends (before `from`: the next day).
    pub to: TimeOfDay,
    /// Hours per week it covers.
    pub hours_per_week: f64,
    /// People on shift today.
    pub now: u32,
    /// Recommended people on shift.
    pub recommended: u32,
    /// The bounds searched, inclusive.
    pub range: (u32, u32),
    /// Change of staff cost per hour (people x hours on shift / 168 x cost per hour).
    pub cost_change: f64,
}

/// One owner, before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerPlan {
    /// Owner id.
    pub id: String,
    /// Capacity today (the owner's `capacity`).
    pub now: u32,
    /// Recommended capacity: the owner's `capacity` as Apply writes it. For a roster whose
    /// every shift gives its own capacity, the largest recommended shift capacity.
    pub recommended: u32,
    /// The bounds searched, inclusive (for a roster: from the least lower to the largest
    /// upper bound of its variables).
    pub range: (u32, u32),
    /// Change of staff cost per hour (over every shift of a roster).
    pub cost_change: f64,
    /// For an owner planned shift by shift (its calendar gives shifts their own capacity):
    /// each such shift, in calendar order; empty for other owners.
    pub shifts: Vec<ShiftPlan>,
    /// Utilisation today (simulated; from the traffic equations when not simulated).
    pub utilization_before: f64,
    /// Utilisation with the recommendation.
    pub utilization_after: f64,
}

/// One point of the cost / p90 trade-off.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontPoint {
    /// Staff cost per hour.
    pub cost_per_hour: f64,
    /// 90th percentile of cycle time, hours.
    pub p90: f64,
    /// Capacity per owner id (for a roster, as in [`OwnerPlan::recommended`]).
    pub capacities: BTreeMap<String, u32>,
    /// People per shift (with its own capacity, in calendar order) of each rostered owner.
    pub shifts: BTreeMap<String, Vec<u32>>,
    /// True when the candidate meets every SLA within reach (by the lower end of its 95%
    /// interval); a point of the front may be fast and cheap because it misses them.
    pub meets_slas: bool,
}

/// What [`optimize`](super::optimize) found.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// What was minimised.
    pub objective: Objective,
    /// True when the recommendation meets the objective's constraint (every SLA for `Cost`,
    /// the budget for `P90`); false: "infeasible within the bounds", and `recommended` is the
    /// best candidate found.
    pub feasible: bool,
    /// Why it is infeasible, in a sentence (empty when feasible).
    pub note: String,
    /// Recommended capacity per owner id.
    pub recommended: BTreeMap<String, u32>,
    /// Staff cost per hour today.
    pub cost_now: f64,
    /// Staff cost per hour with the recommendation.
    pub cost_recommended: f64,
    /// p90 of cycle time today and with the recommendation (`None`: not simulated).
    pub p90_before: Option<f64>,
    /// See `p90_before`.
    pub p90_after: Option<f64>,
    /// Per owner, in id order.
    pub owners: Vec<OwnerPlan>,
    /// Every SLA of the map: the case's first, then the steps' in id order.
    pub slas: Vec<SlaPlan>,
    /// The candidates no other simulated candidate beats on both cost and p90, cheapest first.
    pub front: Vec<FrontPoint>,
    /// Every simulated candidate (today's included), cheapest first: the cloud the front is
    /// taken from.
    pub candidates: Vec<FrontPoint>,
    /// Candidates simulated (today's staffing included).
    pub evaluated: usize,
    /// Cases simulated over all candidates (warm-up included).
    pub cases_simulated: u64,
    /// Wall-clock time of the search.
    pub wall_seconds: f64,
}

impl Plan {
    /// The recommended people per shift of each rostered owner, indexed like its calendar's
    /// shifts (`None`: a shift the plan leaves alone), for
    /// [`set_staffing`](crate::model::edit::set_staffing).
    #[must_use]
    pub fn shift_capacities(&self) -> BTreeMap<String, Vec<Option<u32>>> {
        self.owners
            .iter()
            .filter(|o| !o.shifts.is_empty())
            .map(|o| {
                let len = o.shifts.iter().map(|s| s.index + 1).max().unwrap_or(0);
                let mut levels = vec![None; len];
                for shift in &o.shifts {
                    levels[shift.index] = Some(shift.recommended);
                }
                (o.id.clone(), levels)
            })
            .collect()
    }

    /// What applying the plan to `map` (the map it was made for) does, as one edit.
    #[must_use]
    pub fn change(&self, map: &crate::model::ProcessMap) -> crate::model::edit::CapacityChange {
        crate::model::edit::set_staffing(map, &self.recommended, &self.shift_capacities())
    }
}
