//! Candidate staffings: a map with other capacities (shift capacities scaled in proportion),
//! their cost, their bounds, and the SLAs of a map and of a simulation, in one order.

use crate::model::{ProcessMap, limits};
use crate::sim::{MeanCi, SimResult};

/// Staff cost per hour of `capacity` people on duty round the clock at `cost_per_hour` (an
/// owner without a calendar): an owner without a cost counts 1 per person. Owners on a
/// calendar count only their hours on shift ([`map_staff_cost`](super::map_staff_cost)).
#[must_use]
pub fn staff_cost(capacity: u32, cost_per_hour: f64) -> f64 {
    let weight = if cost_per_hour > 0.0 {
        cost_per_hour
    } else {
        1.0
    };
    f64::from(capacity) * weight
}

/// The SLAs of a simulation as (scope, target hours, within, met fraction), the case's first.
pub(crate) fn sla_rows(result: &SimResult) -> Vec<(String, f64, f64, MeanCi)> {
    let mut rows = Vec::new();
    if let Some(sla) = &result.sla {
        rows.push((
            "case".to_owned(),
            sla.target_hours,
            sla.within,
            sla.met_fraction,
        ));
    }
    for (id, step) in &result.steps {
        if let Some(sla) = &step.sla {
            rows.push((id.clone(), sla.target_hours, sla.within, sla.met_fraction));
        }
    }
    rows
}

/// The SLAs of a map as (scope, target hours, within): the case's first, then the steps' in id
/// order; scope is `"case"` or the step id.
pub(crate) fn map_slas(map: &ProcessMap) -> Vec<(String, f64, f64)> {
    let mut rows = Vec::new();
    if let Some(sla) = &map.sla {
        rows.push(("case".to_owned(), sla.target.as_hours(), sla.within));
    }
    for (id, node) in &map.nodes {
        if let crate::model::Node::Step { sla: Some(sla), .. } = node {
            rows.push((id.clone(), sla.target.as_hours(), sla.within));
        }
    }
    rows
}

/// The lower end of a 95% interval (the mean itself with one replication).
pub(crate) fn lower(value: MeanCi) -> f64 {
    value.mean - value.ci95.unwrap_or(0.0)
}

/// Sets owner `id` of `map` to `capacity` people, from its figures in `base` (the map as
/// loaded). A calendar whose shifts give their own capacity is copied for this owner alone,
/// with those capacities scaled (see
/// [`Calendar::scaled_shift_capacities`](crate::model::Calendar::scaled_shift_capacities)).
pub(crate) fn with_capacity(map: &mut ProcessMap, base: &ProcessMap, id: &str, capacity: u32) {
    let Some(owner) = base.owners.get(id) else {
        return;
    };
    let mut calendar = owner.calendar.clone();
    if let Some(calendar_id) = owner.calendar.as_deref() {
        if let Some(copy) = base
            .calendars
            .get(calendar_id)
            .and_then(|c| c.scaled_shift_capacities(owner.capacity, capacity))
        {
            let index = base.owners.keys().position(|k| k == id).unwrap_or(0);
            let mut copy_id = format!("~plan{index}");
            while base.calendars.contains_key(&copy_id) {
                copy_id.push('~');
            }
            map.calendars.insert(copy_id.clone(), copy);
            calendar = Some(copy_id);
        }
    }
    if let Some(target) = map.owners.get_mut(id) {
        target.capacity = capacity;
        target.calendar = calendar;
    }
}

/// The default bounds of an owner of capacity `now`: 1 to 3x (at least `now + 2`).
#[must_use]
pub fn default_range(now: u32) -> (u32, u32) {
    (
        1,
        now.saturating_mul(3)
            .max(now.saturating_add(2))
            .min(limits::MAX_CAPACITY),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Calendar, Days, Owner, Shift, TimeOfDay};

    fn roster_map() -> ProcessMap {
        let mut map = ProcessMap::default();
        let time = |h: u32| {
            format!("{h:02}:00")
                .parse::<TimeOfDay>()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let mut calendar = Calendar::new("Roster");
        let days: Days = "Mon-Fri".parse().unwrap_or_else(|e| panic!("{e}"));
        calendar.week = vec![
            Shift {
                capacity: Some(4),
                ..Shift::new(days, time(8), time(16))
            },
            Shift {
                capacity: Some(1),
                ..Shift::new(days, time(16), time(20))
            },
            Shift::new(days, time(20), time(22)),
        ];
        map.calendars.insert("roster".into(), calendar);
        map.owners.insert(
            "desk".into(),
            Owner {
                calendar: Some("roster".into()),
                ..Owner::new("Desk", 4)
            },
        );
        map
    }

    #[test]
    fn shift_capacities_scale_in_a_copy_of_the_calendar() {
        let base = roster_map();
        let mut map = base.clone();
        with_capacity(&mut map, &base, "desk", 6);
        let owner = &map.owners["desk"];
        assert_eq!(owner.capacity, 6);
        let id = owner.calendar.clone().unwrap_or_default();
        assert_ne!(id, "roster", "the shared calendar is left alone");
        assert_eq!(map.calendars["roster"], base.calendars["roster"]);
        let levels: Vec<Option<u32>> = map.calendars[&id].week.iter().map(|s| s.capacity).collect();
        // 4 x 1.5 = 6; 1 x 1.5 rounds to 2; a shift without its own capacity stays without.
        assert_eq!(levels, vec![Some(6), Some(2), None]);
        // Down to one person: never below 1 on a shift.
        let mut map = base.clone();
        with_capacity(&mut map, &base, "desk", 1);
        let id = map.owners["desk"].calendar.clone().unwrap_or_default();
        let levels: Vec<Option<u32>> = map.calendars[&id].week.iter().map(|s| s.capacity).collect();
        assert_eq!(levels, vec![Some(1), Some(1), None]);
    }

    #[test]
    fn default_ranges_reach_three_times_and_at_least_two_more() {
        assert_eq!(default_range(1), (1, 3));
        assert_eq!(default_range(4), (1, 12));
        assert_eq!(default_range(0), (1, 2));
        assert_eq!(default_range(limits::MAX_CAPACITY).1, limits::MAX_CAPACITY);
    }

    #[test]
    fn staff_cost_counts_a_person_without_a_cost_as_one() {
        assert!((staff_cost(3, 0.0) - 3.0).abs() < 1e-12);
        assert!((staff_cost(3, 40.0) - 120.0).abs() < 1e-12);
    }
}
