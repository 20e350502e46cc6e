//! Setting several owners' capacities as one edit (applying a capacity plan), with their
//! rosters: shift capacities scale with the owner.

use std::collections::BTreeMap;

use super::{Edit, fresh_id};
use crate::model::ProcessMap;

/// What [`set_capacities`] made: the edit, and a sentence per roster it touched.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityChange {
    /// Every owner's new capacity (and calendars) as one edit.
    pub edit: Edit,
    /// What happened to rosters, for the user ("Scaled the shift capacities of ...").
    pub notes: Vec<String>,
}

/// Sets each listed owner's capacity, as one edit (owners not in the map, and capacities that
/// do not change, are skipped).
///
/// An owner whose calendar gives shifts their own capacity (a roster) has those capacities
/// scaled in proportion, as capacity planning simulates them
/// ([`Calendar::scaled_shift_capacities`](crate::model::Calendar::scaled_shift_capacities)):
/// in the calendar itself when no other owner uses it, else in a copy named after the owner
/// ("Roster (Desk)") that the owner moves to, so the other owners' shifts stay as they are.
#[must_use]
pub fn set_capacities(map: &ProcessMap, capacities: &BTreeMap<String, u32>) -> CapacityChange {
    set_staffing(map, capacities, &BTreeMap::new())
}

/// Sets owners' capacities and the capacities of their rosters' shifts, as one edit (applying
/// a per-shift capacity plan).
///
/// `shifts[owner][i]`, when `Some`, is the number of people on shift `i` of that owner's
/// calendar (its `week`, in order); `None` and indices past the calendar keep the shift as it
/// is. An owner in `shifts` keeps its other shifts as they are; an owner only in
/// `capacities` on a roster has the roster scaled as [`set_capacities`] does. The calendar is
/// changed in place when no other owner uses it, else in a copy named after the owner that
/// the owner moves to. Owners not in the map, and owners with nothing to change, are skipped.
#[must_use]
pub fn set_staffing(
    map: &ProcessMap,
    capacities: &BTreeMap<String, u32>,
    shifts: &BTreeMap<String, Vec<Option<u32>>>,
) -> CapacityChange {
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    let mut new_ids: Vec<String> = Vec::new();
    let ids: std::collections::BTreeSet<&String> = capacities.keys().chain(shifts.keys()).collect();
    for id in ids {
        let Some(owner) = map.owners.get(id) else {
            continue;
        };
        let capacity = capacities.get(id).copied().unwrap_or(owner.capacity);
        let current = owner
            .calendar
            .as_deref()
            .and_then(|calendar_id| Some((calendar_id, map.calendars.get(calendar_id)?)));
        // The owner's new calendar, and how to say what changed.
        let roster = current.and_then(|(calendar_id, calendar)| {
            let (changed, what) = match shifts.get(id) {
                Some(levels) => {
                    let mut copy = calendar.clone();
                    for (shift, level) in copy.week.iter_mut().zip(levels) {
                        if level.is_some() {
                            shift.capacity = *level;
                        }
                    }
                    let list = |c: &crate::model::Calendar| {
                        c.week
                            .iter()
                            .map(|s| s.capacity.map_or_else(|| "-".to_owned(), |c| c.to_string()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let what = format!(
                        "set shift by shift from {} to {} people",
                        list(calendar),
                        list(&copy)
                    );
                    (copy, what)
                }
                None => (
                    calendar.scaled_shift_capacities(owner.capacity, capacity)?,
                    format!("scaled from {} to {capacity} people", owner.capacity),
                ),
            };
            (changed != *calendar).then_some((calendar_id, calendar, changed, what))
        });
        if owner.capacity == capacity && roster.is_none() {
            continue;
        }
        let mut changed = owner.clone();
        changed.capacity = capacity;
        if let Some((calendar_id, calendar, new_calendar, what)) = roster {
            let shared = map
                .owners
                .iter()
                .any(|(other, o)| other != id && o.calendar.as_deref() == Some(calendar_id));
            if shared {
                let copy_id = fresh_id(&format!("{calendar_id}_{id}"), |c| {
                    map.calendars.contains_key(c) || new_ids.iter().any(|n| n == c)
                });
                let copy = crate::model::Calendar {
                    name: format!("{} ({})", calendar.name, owner.name),
                    ..new_calendar
                };
                notes.push(format!(
                    "{}: \"{}\" is shared with other owners, so {} moves to a copy, \"{}\", \
                     with its shift capacities {what}.",
                    owner.name, calendar.name, owner.name, copy.name
                ));
                new_ids.push(copy_id.clone());
                edits.push(Edit::Calendar {
                    id: copy_id.clone(),
                    calendar: Some(copy),
                });
                changed.calendar = Some(copy_id);
            } else {
                notes.push(format!(
                    "{}: the shift capacities of \"{}\" are {what}.",
                    owner.name, calendar.name
                ));
                edits.push(Edit::Calendar {
                    id: calendar_id.to_owned(),
                    calendar: Some(new_calendar),
                });
            }
        }
        edits.push(Edit::Owner {
            id: id.clone(),
            owner: Some(changed),
        });
    }
    CapacityChange {
        edit: Edit::Batch(edits),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Calendar, Days, Owner, Shift, TimeOfDay};

    fn roster_map(shared: bool) -> ProcessMap {
        let mut map = ProcessMap::default();
        let time = |t: &str| t.parse::<TimeOfDay>().unwrap_or_else(|e| panic!("{e}"));
        let days: Days = "Mon-Fri".parse().unwrap_or_else(|e| panic!("{e}"));
        let mut calendar = Calendar::new("Roster");
        calendar.week = vec![
            Shift {
                capacity: Some(4),
                ..Shift::new(days, time("08:00"), time("16:00"))
            },
            Shift::new(days, time("16:00"), time("20:00")),
        ];
        map.calendars.insert("roster".into(), calendar);
        let on_roster = |name: &str, capacity| Owner {
            calendar: Some("roster".into()),
            ..Owner::new(name, capacity)
        };
        map.owners.insert("desk".into(), on_roster("Desk", 4));
        map.owners.insert(
            "team".into(),
            if shared {
                on_roster("Team", 2)
            } else {
                Owner::new("Team", 2)
            },
        );
        map
    }

    #[test]
    fn capacities_change_together_and_undo_together() {
        let mut map = roster_map(false);
        let before = map.clone();
        let wanted: BTreeMap<String, u32> =
            [("desk".into(), 6), ("team".into(), 3), ("ghost".into(), 9)].into();
        let change = set_capacities(&map, &wanted);
        let inverse = map.apply(change.edit);
        assert_eq!(map.owners["desk"].capacity, 6);
        assert_eq!(map.owners["team"].capacity, 3);
        // The roster is the desk's alone: scaled in place, 4 x 1.5 = 6.
        assert_eq!(map.owners["desk"].calendar.as_deref(), Some("roster"));
        assert_eq!(map.calendars["roster"].week[0].capacity, Some(6));
        assert_eq!(map.calendars["roster"].week[1].capacity, None);
        assert_eq!(change.notes.len(), 1, "{:?}", change.notes);
        map.apply(inverse);
        assert_eq!(map, before);
    }

    #[test]
    fn a_shared_roster_is_copied_for_the_owner_that_changes() {
        let mut map = roster_map(true);
        let before = map.clone();
        let change = set_capacities(&map, &[("desk".into(), 2)].into());
        let inverse = map.apply(change.edit);
        assert_eq!(map.calendars["roster"], before.calendars["roster"]);
        let id = map.owners["desk"].calendar.clone().unwrap_or_default();
        assert_eq!(id, "roster_desk");
        assert_eq!(map.calendars[&id].name, "Roster (Desk)");
        assert_eq!(map.calendars[&id].week[0].capacity, Some(2));
        assert_eq!(map.owners["team"].calendar.as_deref(), Some("roster"));
        assert!(change.notes[0].contains("shared"), "{:?}", change.notes);
        map.apply(inverse);
        assert_eq!(map, before);
        // Nothing to change: an empty edit.
        assert!(
            set_capacities(&map, &[("desk".into(), 4)].into())
                .edit
                .is_empty()
        );
    }

    #[test]
    fn shift_by_shift_capacities_change_in_one_step() {
        let mut map = roster_map(true);
        let before = map.clone();
        let shifts: BTreeMap<String, Vec<Option<u32>>> = [
            ("desk".into(), vec![Some(5), None]),
            ("ghost".into(), vec![Some(1)]),
        ]
        .into();
        let change = set_staffing(&map, &[("desk".into(), 5)].into(), &shifts);
        let inverse = map.apply(change.edit);
        // Shared with the team: the desk moves to a copy with its day shift at 5.
        let id = map.owners["desk"].calendar.clone().unwrap_or_default();
        assert_eq!(id, "roster_desk");
        assert_eq!(map.calendars[&id].week[0].capacity, Some(5));
        assert_eq!(map.calendars[&id].week[1].capacity, None);
        assert_eq!(map.owners["desk"].capacity, 5);
        assert_eq!(map.calendars["roster"], before.calendars["roster"]);
        assert!(
            change.notes[0].contains("shift by shift"),
            "{:?}",
            change.notes
        );
        map.apply(inverse);
        assert_eq!(map, before);
        // The same shifts as today: nothing to do.
        let same: BTreeMap<String, Vec<Option<u32>>> = [("desk".into(), vec![Some(4)])].into();
        assert!(set_staffing(&map, &BTreeMap::new(), &same).edit.is_empty());
        // Alone on its roster: changed in place, the owner's capacity as given.
        let mut map = roster_map(false);
        let shifts: BTreeMap<String, Vec<Option<u32>>> = [("desk".into(), vec![Some(2)])].into();
        let change = set_staffing(&map, &BTreeMap::new(), &shifts);
        map.apply(change.edit);
        assert_eq!(map.calendars["roster"].week[0].capacity, Some(2));
        assert_eq!(map.owners["desk"].capacity, 4);
    }
}
