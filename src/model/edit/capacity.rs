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
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    let mut new_ids: Vec<String> = Vec::new();
    for (id, &capacity) in capacities {
        let Some(owner) = map.owners.get(id) else {
            continue;
        };
        if owner.capacity == capacity {
            continue;
        }
        let mut changed = owner.clone();
        changed.capacity = capacity;
        let roster = owner.calendar.as_deref().and_then(|calendar_id| {
            let calendar = map.calendars.get(calendar_id)?;
            Some((
                calendar_id,
                calendar,
                calendar.scaled_shift_capacities(owner.capacity, capacity)?,
            ))
        });
        if let Some((calendar_id, calendar, scaled)) = roster {
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
                    ..scaled
                };
                notes.push(format!(
                    "{}: \"{}\" is shared with other owners, so {} moves to a copy, \"{}\", \
                     with its shift capacities scaled from {} to {capacity} people.",
                    owner.name, calendar.name, owner.name, copy.name, owner.capacity
                ));
                new_ids.push(copy_id.clone());
                edits.push(Edit::Calendar {
                    id: copy_id.clone(),
                    calendar: Some(copy),
                });
                changed.calendar = Some(copy_id);
            } else {
                notes.push(format!(
                    "{}: the shift capacities of \"{}\" are scaled from {} to {capacity} people.",
                    owner.name, calendar.name, owner.capacity
                ));
                edits.push(Edit::Calendar {
                    id: calendar_id.to_owned(),
                    calendar: Some(scaled),
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
}
