//! The simulator's event log: what a real system would have recorded about the simulated cases.
//!
//! [`trace`] runs the first replication of a simulation and returns its [`EventLog`]; the
//! `simulate_traced` of `sim` does the same inside a full run. The engine tells a [`Tracer`]
//! (an [`engine::Recorder`](super::engine::Recorder)) about arrivals and work as it goes; an
//! untraced run is compiled with `()` as its recorder, so it pays nothing for this.
//!
//! What the log holds:
//! - every case of the first replication, warm-up cases included (a real system's log has no
//!   warm-up), named `1`, `2`, ... in arrival order; cases that never reached a step (a Start
//!   straight into an End) have no events and are not in the log;
//! - one [`LogEvent`] per step visit: `start` when the work began (after waiting for the owner
//!   or a service), `complete` when it ended; work paused off shift keeps its pause inside the
//!   interval, as a real log shows it;
//! - the resource: a person of the owner, `"{owner name} {k}"`, the lowest-numbered one free at
//!   that moment, so the log names exactly as many people as were ever busy at once; the group:
//!   the owner's name; ownerless steps (delays, timers) have neither;
//! - times on the simulated calendar: [`Simulation::start_time`] plus the simulated time, offset
//!   0. Only finished work is recorded: work still in progress when a guard stopped the run is
//!   left out (a normal run ends with none). Events are in completion order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::SeedableRng as _;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::engine::{self, Model, Recorder};
use super::{Control, SimError};
use crate::model::log::{EventLog, LogBuilder, LogEvent, NO_NAME, instant_of};
use crate::model::{ProcessMap, Simulation};

/// Traces the first replication of simulating `map` with `settings`: the event log of its cases
/// (see the module documentation for what it holds). The figures of that replication are those
/// of replication 1 of [`simulate`](super::simulate) with the same settings. Marks `control`
/// finished when it returns, like [`simulate`](super::simulate).
///
/// # Errors
/// [`SimError::Invalid`] when the map has validation errors, [`SimError::Compile`] when it
/// cannot be compiled, [`SimError::Cancelled`] when `control` was cancelled.
pub fn trace(
    map: &ProcessMap,
    settings: &Simulation,
    control: &Control,
) -> Result<EventLog, SimError> {
    let outcome = trace_first(map, settings, control);
    control.finish();
    outcome
}

fn trace_first(
    map: &ProcessMap,
    settings: &Simulation,
    control: &Control,
) -> Result<EventLog, SimError> {
    let model = super::compiled(map, settings)?;
    let stream = Xoshiro256PlusPlus::seed_from_u64(settings.seed);
    let (stats, tracer) = engine::replicate_with(
        &model,
        stream,
        settings.cases,
        settings.warmup,
        control,
        Tracer::new(&model),
    );
    if stats.cancelled || control.is_cancelled() {
        return Err(SimError::Cancelled);
    }
    Ok(tracer.finish(map, &model, settings))
}

/// Records the work of one replication for its event log.
#[derive(Debug)]
pub(super) struct Tracer {
    /// By case slot: the case's arrival number and its work in progress.
    slots: Vec<Slot>,
    /// By owner: who is free.
    people: Vec<People>,
    /// Finished work, in completion order.
    done: Vec<Done>,
}

#[derive(Debug, Default)]
struct Slot {
    number: u32,
    /// Work in progress of this case (more than one in parallel branches).
    working: Vec<Working>,
}

#[derive(Clone, Copy, Debug)]
struct Working {
    work: u64,
    stat: u32,
    owner: u32,
    person: u32,
    start: u64,
}

#[derive(Clone, Copy, Debug)]
struct Done {
    number: u32,
    stat: u32,
    owner: u32,
    person: u32,
    start: u64,
    complete: u64,
}

/// The people of one owner: the lowest-numbered free one is taken first.
#[derive(Debug, Default)]
struct People {
    /// People who worked and are free again (0-based numbers).
    free: BinaryHeap<Reverse<u32>>,
    /// People ever busy: 0..hired. Everyone in `free` is below it.
    hired: u32,
}

impl People {
    fn take(&mut self) -> u32 {
        if let Some(Reverse(person)) = self.free.pop() {
            person
        } else {
            self.hired += 1;
            self.hired - 1
        }
    }

    fn give_back(&mut self, person: u32) {
        self.free.push(Reverse(person));
    }
}

impl Tracer {
    pub(super) fn new(model: &Model) -> Self {
        Self {
            slots: Vec::new(),
            people: model.owner_ids.iter().map(|_| People::default()).collect(),
            done: Vec::new(),
        }
    }

    /// The event log: names from `map`, times from the start of `settings`.
    pub(super) fn finish(self, map: &ProcessMap, model: &Model, settings: &Simulation) -> EventLog {
        let origin = instant_of(settings.start_time());
        let mut log = LogBuilder::new();
        // Cases in arrival order, only those with events.
        let cases = self
            .done
            .iter()
            .map(|d| d.number as usize + 1)
            .max()
            .unwrap_or(0);
        let mut seen = vec![false; cases];
        for d in &self.done {
            if let Some(s) = seen.get_mut(d.number as usize) {
                *s = true;
            }
        }
        let case_index: Vec<u32> = seen
            .iter()
            .enumerate()
            .map(|(number, &seen)| {
                if seen {
                    log.case(&(number + 1).to_string())
                } else {
                    NO_NAME
                }
            })
            .collect();
        let mut activities = vec![NO_NAME; model.step_ids.len()];
        let mut groups = vec![NO_NAME; model.owner_ids.len()];
        let mut resources: Vec<Vec<u32>> = vec![Vec::new(); model.owner_ids.len()];
        let owner_names: Vec<&str> = model
            .owner_ids
            .iter()
            .map(|id| map.owners.get(id).map_or(id.as_str(), |o| o.name.as_str()))
            .collect();
        for d in &self.done {
            let activity = match activities.get_mut(d.stat as usize) {
                Some(a) if *a != NO_NAME => *a,
                Some(a) => {
                    let id = model
                        .step_ids
                        .get(d.stat as usize)
                        .map_or("", String::as_str);
                    let name = map.nodes.get(id).map_or("", |n| n.name());
                    *a = log.activity(if name.trim().is_empty() { id } else { name });
                    *a
                }
                None => continue,
            };
            let (mut resource, mut group) = (NO_NAME, NO_NAME);
            if let (Some(g), Some(people), Some(&owner)) = (
                groups.get_mut(d.owner as usize),
                resources.get_mut(d.owner as usize),
                owner_names.get(d.owner as usize),
            ) {
                if *g == NO_NAME {
                    *g = log.group(owner);
                }
                group = *g;
                let person = d.person as usize;
                while people.len() <= person {
                    people.push(NO_NAME);
                }
                if people[person] == NO_NAME {
                    people[person] = log.resource(&format!("{owner} {}", person + 1));
                }
                resource = people[person];
            }
            log.push(LogEvent {
                case: case_index
                    .get(d.number as usize)
                    .copied()
                    .unwrap_or(NO_NAME),
                activity,
                start: origin.saturating_add(micros(d.start)),
                complete: origin.saturating_add(micros(d.complete)),
                resource,
                group,
                offset_minutes: 0,
            });
        }
        log.finish()
    }
}

/// Simulated microseconds as a log's signed microseconds (the run never passes 1,000 years).
fn micros(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

impl Recorder for Tracer {
    fn arrived(&mut self, slot: u32, number: u64) {
        let slot = slot as usize;
        if self.slots.len() <= slot {
            self.slots.resize_with(slot + 1, Slot::default);
        }
        if let Some(s) = self.slots.get_mut(slot) {
            // Arrival numbers stay below the case bound (`model::limits`), far below u32::MAX.
            s.number = u32::try_from(number).unwrap_or(u32::MAX);
            s.working.clear();
        }
    }

    fn started(&mut self, work: u64, slot: u32, stat: u32, owner: u32, now: u64) {
        let person = self.people.get_mut(owner as usize).map_or(0, People::take);
        if let Some(s) = self.slots.get_mut(slot as usize) {
            s.working.push(Working {
                work,
                stat,
                owner,
                person,
                start: now,
            });
        }
    }

    fn finished(&mut self, work: u64, slot: u32, now: u64) {
        let Some(s) = self.slots.get_mut(slot as usize) else {
            return;
        };
        let Some(i) = s.working.iter().position(|w| w.work == work) else {
            return;
        };
        let w = s.working.swap_remove(i);
        if let Some(people) = self.people.get_mut(w.owner as usize) {
            people.give_back(w.person);
        }
        self.done.push(Done {
            number: s.number,
            stat: w.stat,
            owner: w.owner,
            person: w.person,
            start: w.start,
            complete: now,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_free_person_is_taken_first() {
        let mut people = People::default();
        assert_eq!(people.take(), 0);
        assert_eq!(people.take(), 1);
        assert_eq!(people.take(), 2);
        people.give_back(1);
        people.give_back(0);
        assert_eq!(people.take(), 0);
        assert_eq!(people.take(), 1);
        assert_eq!(people.take(), 3);
        assert_eq!(people.hired, 4);
    }
}
