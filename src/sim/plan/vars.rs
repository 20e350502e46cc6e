//! The decision variables of a capacity plan and what follows from a vector of them: the
//! candidate map, its staff cost, each owner's mean capacity, and the traffic-estimate start.
//!
//! A plain owner is one variable, its capacity. An owner whose calendar gives shifts their own
//! capacity (a roster) is one variable per such shift (people on that shift), plus its own
//! capacity when some shift of the calendar gives none (that capacity staffs those shifts).
//!
//! Cost counts people x hours on shift: a variable costs `cost_per_hour` (1 without a cost)
//! times the hours per week it staffs / 168 per person, so a vector's cost per hour is the sum
//! over owners of `cost_per_hour` x capacity-hours per week / 168, the weekly-average people
//! on shift. An owner without a calendar staffs all 168 hours (capacity x `cost_per_hour`); a
//! plain owner on a calendar counts only its open hours. Closed dates are not counted.

use std::collections::BTreeMap;

use crate::model::calendar::{Window, intersect, rate_windows};
use crate::model::edit::set_staffing;
use crate::model::{Arrivals, Days, ProcessMap, TimeOfDay, WEEK_HOURS};

use super::candidate::default_range;

/// One decision variable.
#[derive(Clone, Debug)]
pub(crate) struct Var {
    /// Index of its owner in [`Vars::ids`].
    pub owner: usize,
    /// The shift of the owner's calendar (index into its `week`) it staffs; `None`: the
    /// owner's capacity.
    pub shift: Option<usize>,
    /// Today's value.
    pub now: u32,
    /// Inclusive bounds.
    pub bounds: (u32, u32),
    /// Hours per week it staffs.
    pub hours: f64,
    /// Staff cost per hour of one person more.
    pub unit_cost: f64,
}

/// The variables of a map, owners in id order and each owner's variables together (its own
/// capacity first, then its shifts in calendar order).
#[derive(Clone, Debug)]
pub(crate) struct Vars {
    /// Owner ids, in id order.
    pub ids: Vec<String>,
    /// The variables.
    pub list: Vec<Var>,
    /// Per owner: true when it is planned shift by shift.
    pub rostered: Vec<bool>,
}

/// Owner capacities, and per-shift capacities of rostered owners indexed like their
/// calendars' shifts (the arguments of `set_staffing`).
pub(crate) type Staffing = (BTreeMap<String, u32>, BTreeMap<String, Vec<Option<u32>>>);

/// The staff cost per hour of one person at `cost_per_hour`: 1 without a cost.
fn weight(cost_per_hour: f64) -> f64 {
    if cost_per_hour > 0.0 {
        cost_per_hour
    } else {
        1.0
    }
}

impl Vars {
    /// The variables of `map`, bounded by each owner's `capacity_range` (else
    /// [`default_range`] of each variable's value today) and by `max_capacity`.
    pub fn new(map: &ProcessMap, max_capacity: Option<u32>) -> Self {
        let mut vars = Vec::new();
        let mut rostered = Vec::new();
        let bounds = |range: Option<(u32, u32)>, now: u32| {
            let (lo, hi) = range.unwrap_or_else(|| default_range(now));
            let hi = max_capacity.map_or(hi, |m| hi.min(m.max(1)));
            (lo.min(hi), hi)
        };
        for (owner_index, owner) in map.owners.values().enumerate() {
            let weight = weight(owner.cost_per_hour);
            let calendar = map
                .calendar(owner.calendar.as_deref())
                .filter(|c| c.has_shift_capacities());
            rostered.push(calendar.is_some());
            let Some(calendar) = calendar else {
                let hours = map.owner_hours_per_week(owner);
                vars.push(Var {
                    owner: owner_index,
                    shift: None,
                    now: owner.capacity,
                    bounds: bounds(owner.capacity_range, owner.capacity),
                    hours,
                    unit_cost: weight * (hours / WEEK_HOURS),
                });
                continue;
            };
            let others: f64 = calendar
                .week
                .iter()
                .filter(|s| s.capacity.is_none())
                .map(crate::model::Shift::hours_per_week)
                .sum();
            if calendar.week.iter().any(|s| s.capacity.is_none()) {
                vars.push(Var {
                    owner: owner_index,
                    shift: None,
                    now: owner.capacity,
                    bounds: bounds(owner.capacity_range, owner.capacity),
                    hours: others,
                    unit_cost: weight * (others / WEEK_HOURS),
                });
            }
            for (index, shift) in calendar.week.iter().enumerate() {
                if let Some(now) = shift.capacity {
                    let hours = shift.hours_per_week();
                    vars.push(Var {
                        owner: owner_index,
                        shift: Some(index),
                        now,
                        bounds: bounds(owner.capacity_range, now),
                        hours,
                        unit_cost: weight * (hours / WEEK_HOURS),
                    });
                }
            }
        }
        Self {
            ids: map.owners.keys().cloned().collect(),
            list: vars,
            rostered,
        }
    }

    /// Today's vector.
    pub fn now(&self) -> Vec<u32> {
        self.list.iter().map(|v| v.now).collect()
    }

    /// Every variable at its upper bound.
    pub fn top(&self) -> Vec<u32> {
        self.list.iter().map(|v| v.bounds.1).collect()
    }

    /// Staff cost per hour of `x`.
    pub fn cost(&self, x: &[u32]) -> f64 {
        self.list
            .iter()
            .zip(x)
            .map(|(v, &c)| v.unit_cost * f64::from(c))
            .sum()
    }

    /// Staff cost per hour of owner `owner`'s variables in `x`.
    pub fn owner_cost(&self, owner: usize, x: &[u32]) -> f64 {
        self.list
            .iter()
            .zip(x)
            .filter(|(v, _)| v.owner == owner)
            .map(|(v, &c)| v.unit_cost * f64::from(c))
            .sum()
    }

    /// Owner `owner`'s mean capacity over the week in `x`: capacity-hours per week / 168.
    pub fn mean_capacity(&self, owner: usize, x: &[u32]) -> f64 {
        self.list
            .iter()
            .zip(x)
            .filter(|(v, _)| v.owner == owner)
            .map(|(v, &c)| v.hours * f64::from(c))
            .sum::<f64>()
            / WEEK_HOURS
    }

    /// True when every value lies in its bounds (today's may not).
    pub fn in_bounds(&self, x: &[u32]) -> bool {
        x.len() == self.list.len()
            && self
                .list
                .iter()
                .zip(x)
                .all(|(v, c)| (v.bounds.0..=v.bounds.1).contains(c))
    }

    /// The owner capacity `x` gives owner `owner`: its own variable, else (every shift has
    /// its own capacity) the largest shift capacity, the peak number of people on shift.
    pub fn owner_capacity(&self, owner: usize, x: &[u32]) -> u32 {
        let mine = || self.list.iter().zip(x).filter(|(v, _)| v.owner == owner);
        mine()
            .find(|(v, _)| v.shift.is_none())
            .or_else(|| mine().max_by_key(|(_, c)| **c))
            .map_or(0, |(_, c)| *c)
    }

    /// `x` as owner capacities and per-shift capacities (for
    /// [`set_staffing`](crate::model::edit::set_staffing)).
    pub fn staffing(&self, x: &[u32]) -> Staffing {
        let mut capacities = BTreeMap::new();
        let mut shifts: BTreeMap<String, Vec<Option<u32>>> = BTreeMap::new();
        for (owner, id) in self.ids.iter().enumerate() {
            capacities.insert(id.clone(), self.owner_capacity(owner, x));
        }
        for (v, &c) in self.list.iter().zip(x) {
            if let (Some(index), Some(id)) = (v.shift, self.ids.get(v.owner)) {
                let levels = shifts.entry(id.clone()).or_default();
                if levels.len() <= index {
                    levels.resize(index + 1, None);
                }
                levels[index] = Some(c);
            }
        }
        (capacities, shifts)
    }

    /// The map with `x`, exactly as applying the plan would leave it.
    pub fn candidate(&self, map: &ProcessMap, x: &[u32]) -> ProcessMap {
        let (capacities, shifts) = self.staffing(x);
        let mut candidate = map.clone();
        candidate.apply(set_staffing(map, &capacities, &shifts).edit);
        candidate
    }

    /// The start: per owner the least staffing whose estimated utilisation (offered load /
    /// mean capacity) is below `limit`. A plain owner takes the smallest such capacity. A
    /// rostered owner's shifts each start at the load of the hours they cover (the owner's
    /// weekly work shared by when cases arrive, see [`arrival_share`]) over `limit`, rounded
    /// up and clamped to the bounds; then, while the week as a whole is still at or above
    /// `limit`, every shift below its bound gets one person more.
    pub fn start(&self, map: &ProcessMap, offered: &[f64], limit: f64) -> Vec<u32> {
        let mut x: Vec<u32> = self.list.iter().map(|v| v.bounds.0).collect();
        let utilization = |x: &[u32], owner: usize| {
            let load = offered.get(owner).copied().unwrap_or(0.0);
            let available = self.mean_capacity(owner, x);
            if available > 0.0 {
                load / available
            } else if load > 0.0 {
                f64::INFINITY
            } else {
                0.0
            }
        };
        for owner in 0..self.ids.len() {
            let mine: Vec<usize> = (0..self.list.len())
                .filter(|&i| self.list[i].owner == owner)
                .collect();
            let load = offered.get(owner).copied().unwrap_or(0.0);
            if self.rostered.get(owner).copied().unwrap_or(false) {
                let windows: Vec<Option<Window>> = mine
                    .iter()
                    .map(|&i| self.window(map, &self.list[i]))
                    .collect();
                let shares = arrival_share(map, &windows);
                for (&i, share) in mine.iter().zip(shares) {
                    let v = &self.list[i];
                    if v.hours > 0.0 {
                        let need = (load * WEEK_HOURS * share / v.hours / limit).ceil();
                        let most = f64::from(v.bounds.1);
                        #[allow(
                            clippy::cast_possible_truncation,
                            clippy::cast_sign_loss,
                            reason = "clamped to the bounds first"
                        )]
                        let level = need.clamp(f64::from(v.bounds.0), most) as u32;
                        x[i] = level;
                    }
                }
            }
            loop {
                if utilization(&x, owner) < limit {
                    break;
                }
                let below: Vec<usize> = mine
                    .iter()
                    .copied()
                    .filter(|&i| x[i] < self.list[i].bounds.1)
                    .collect();
                if below.is_empty() {
                    break;
                }
                for i in below {
                    x[i] += 1;
                }
            }
        }
        x
    }

    /// The week window a variable staffs (`None`: the owner's own capacity).
    fn window(&self, map: &ProcessMap, v: &Var) -> Option<Window> {
        let owner = map.owners.get(self.ids.get(v.owner)?)?;
        let shift = map
            .calendar(owner.calendar.as_deref())?
            .week
            .get(v.shift?)?;
        Some(Window {
            days: shift.days,
            from: shift.from,
            to: shift.to,
            level: 1,
            weight: 1.0,
        })
    }
}

/// The share of the map's arrivals (all Starts, by their calendars and rate profiles) that
/// falls in each window, normalised over the windows given; a `None` window, or every window
/// when no arrival falls in any, gets a share by its length instead. The shares sum to 1
/// (when some window has length).
pub(crate) fn arrival_share(map: &ProcessMap, windows: &[Option<Window>]) -> Vec<f64> {
    let week = Window {
        days: Days::ALL,
        from: TimeOfDay::MIDNIGHT,
        to: TimeOfDay::END_OF_DAY,
        level: 1,
        weight: 1.0,
    };
    let mut arrivals: Vec<Window> = Vec::new();
    for node in map.nodes.values() {
        match node.arrival_pattern() {
            Some(Arrivals::Rates(rates)) => {
                let rated = rate_windows(rates);
                arrivals.extend(match map.calendar(node.calendar()) {
                    Some(c) => intersect(&rated, &c.windows(1)),
                    None => rated,
                });
            }
            Some(Arrivals::Gaps(dist)) => {
                let mean = dist.mean_hours();
                if mean > 0.0 {
                    let open = map
                        .calendar(node.calendar())
                        .map_or_else(|| vec![week], |c| c.windows(1));
                    arrivals.extend(open.into_iter().map(|w| Window {
                        weight: 1.0 / mean,
                        ..w
                    }));
                }
            }
            None => {}
        }
    }
    let weigh = |w: &Window, with: &[Window]| -> f64 {
        intersect(with, std::slice::from_ref(w))
            .iter()
            .flat_map(|x| {
                x.week_minutes()
                    .into_iter()
                    .map(move |(a, b)| f64::from(b - a) * x.weight)
            })
            .sum()
    };
    let by_arrivals: Vec<f64> = windows
        .iter()
        .map(|w| w.as_ref().map_or(0.0, |w| weigh(w, &arrivals)))
        .collect();
    let total: f64 = by_arrivals.iter().sum();
    if total > 0.0 && windows.iter().all(Option::is_some) {
        return by_arrivals.iter().map(|a| a / total).collect();
    }
    let by_length: Vec<f64> = windows
        .iter()
        .map(|w| w.as_ref().map_or(0.0, |w| weigh(w, &[week])))
        .collect();
    let total: f64 = by_length.iter().sum();
    if total > 0.0 {
        by_length.iter().map(|a| a / total).collect()
    } else {
        vec![0.0; windows.len()]
    }
}

/// The staff cost per hour of `map` as it is, as capacity planning counts it: per owner
/// `cost_per_hour` (1 without a cost) x capacity-hours per week / 168 (capacity x
/// `cost_per_hour` without a calendar).
#[must_use]
pub fn map_staff_cost(map: &ProcessMap) -> f64 {
    let vars = Vars::new(map, None);
    vars.cost(&vars.now())
}
