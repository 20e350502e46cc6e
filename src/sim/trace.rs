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
//!
//! A log holds at most [`limits::MAX_LOG_EVENTS`] events (40 bytes each in memory); a run that
//! would record more fails with [`SimError::LogTooLarge`] rather than exhaust memory.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::SeedableRng as _;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::engine::{self, Model, Recorder};
use super::{Control, SimError};
use crate::model::log::{EventLog, LogBuilder, LogEvent, NO_NAME, instant_of};
use crate::model::{ProcessMap, Simulation, limits};

/// Traces the first replication of simulating `map` with `settings`: the event log of its cases
/// (see the module documentation for what it holds). The figures of that replication are those
/// of replication 1 of [`simulate`](super::simulate) with the same settings. Marks `control`
/// finished when it returns, like [`simulate`](super::simulate).
///
/// # Errors
/// [`SimError::Invalid`] when the map has validation errors, [`SimError::Compile`] when it
/// cannot be compiled, [`SimError::Cancelled`] when `control` was cancelled,
/// [`SimError::LogTooLarge`] past [`limits::MAX_LOG_EVENTS`] events.
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
        Tracer::new(map, &model, settings, limits::MAX_LOG_EVENTS),
    );
    if stats.cancelled || control.is_cancelled() {
        return Err(SimError::Cancelled);
    }
    tracer.finish()
}

/// Records the work of one replication as the events of its log.
#[derive(Debug)]
pub(super) struct Tracer {
    /// By case slot: the case's arrival number and its work in progress.
    slots: Vec<Slot>,
    /// By owner: who is free.
    people: Vec<People>,
    /// Finished work, in completion order; `case` is the arrival number until `finish`.
    events: Vec<LogEvent>,
    /// Most events recorded; past it the trace fails with [`SimError::LogTooLarge`].
    limit: usize,
    /// True once an event was left out for the limit.
    overflow: bool,
    /// The names: activities, groups and resources interned as they are first used.
    names: LogBuilder,
    /// By step: its activity name, and its index in `names` once used.
    activities: Vec<(String, u32)>,
    /// By owner: its name, its group index once used, its people's resource indices once used.
    owners: Vec<(String, u32, Vec<u32>)>,
    /// `instant_of(Simulation.start)`: simulated time 0 as a log instant.
    origin: i64,
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
    /// A tracer for a run of `model` (compiled from `map`) with `settings`, keeping at most
    /// `limit` events.
    pub(super) fn new(
        map: &ProcessMap,
        model: &Model,
        settings: &Simulation,
        limit: usize,
    ) -> Self {
        let activities = model
            .step_ids
            .iter()
            .map(|id| {
                let name = map.nodes.get(id).map_or("", |n| n.name());
                let name = if name.trim().is_empty() { id } else { name };
                (name.to_owned(), NO_NAME)
            })
            .collect();
        let owners = model
            .owner_ids
            .iter()
            .map(|id| {
                let name = map.owners.get(id).map_or(id.as_str(), |o| o.name.as_str());
                (name.to_owned(), NO_NAME, Vec::new())
            })
            .collect();
        Self {
            slots: Vec::new(),
            people: model.owner_ids.iter().map(|_| People::default()).collect(),
            events: Vec::new(),
            limit,
            overflow: false,
            names: LogBuilder::new(),
            activities,
            owners,
            origin: instant_of(settings.start_time()),
        }
    }

    /// The event log: cases named `1`, `2`, ... in arrival order (only those with events).
    ///
    /// # Errors
    /// [`SimError::LogTooLarge`] when more events happened than the limit allows.
    pub(super) fn finish(self) -> Result<EventLog, SimError> {
        if self.overflow {
            return Err(SimError::LogTooLarge { limit: self.limit });
        }
        let mut events = self.events;
        let numbers = events
            .iter()
            .map(|e| e.case as usize + 1)
            .max()
            .unwrap_or(0);
        let mut index = vec![NO_NAME; numbers];
        for e in &events {
            if let Some(i) = index.get_mut(e.case as usize) {
                *i = 0;
            }
        }
        let mut cases = Vec::new();
        for (number, i) in index.iter_mut().enumerate() {
            if *i == 0 {
                *i = u32::try_from(cases.len()).unwrap_or(NO_NAME);
                cases.push((number + 1).to_string());
            }
        }
        for e in &mut events {
            e.case = index.get(e.case as usize).copied().unwrap_or(NO_NAME);
        }
        let mut log = self.names.finish();
        log.cases = cases;
        log.events = events;
        Ok(log)
    }

    fn activity(&mut self, stat: u32) -> u32 {
        match self.activities.get_mut(stat as usize) {
            Some((_, index)) if *index != NO_NAME => *index,
            Some((name, index)) => {
                *index = self.names.activity(name);
                *index
            }
            None => NO_NAME,
        }
    }

    /// The group and resource of `person` of owner `owner` (`NO_NAME` for no owner).
    fn who(&mut self, owner: u32, person: u32) -> (u32, u32) {
        let Some((name, group, people)) = self.owners.get_mut(owner as usize) else {
            return (NO_NAME, NO_NAME);
        };
        if *group == NO_NAME {
            *group = self.names.group(name);
        }
        let person = person as usize;
        if people.len() <= person {
            people.resize(person + 1, NO_NAME);
        }
        let resource = &mut people[person];
        if *resource == NO_NAME {
            *resource = self.names.resource(&format!("{name} {}", person + 1));
        }
        (*group, *resource)
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
            s.number = u32::try_from(number).unwrap_or(u32::MAX - 1);
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
        let number = s.number;
        if let Some(people) = self.people.get_mut(w.owner as usize) {
            people.give_back(w.person);
        }
        if self.events.len() >= self.limit {
            self.overflow = true;
            return;
        }
        let activity = self.activity(w.stat);
        let (group, resource) = self.who(w.owner, w.person);
        self.events.push(LogEvent {
            case: number,
            activity,
            start: self.origin.saturating_add(micros(w.start)),
            complete: self.origin.saturating_add(micros(now)),
            resource,
            group,
            offset_minutes: 0,
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

    #[test]
    fn a_log_past_its_limit_is_refused() {
        let map = crate::model::io::from_str(
            r#"ProcessMap(format: 1, title: "T",
                owners: {"o": Owner(name: "O", capacity: 1)},
                nodes: {"s": Start(name: "S", arrivals: Fixed("1h")),
                    "w": Step(name: "W", owner: "o", work: Fixed("1m")), "e": End(name: "E")},
                flows: [Flow(from: "s", to: "w"), Flow(from: "w", to: "e")])"#,
            std::path::Path::new("t.ron"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let settings = Simulation {
            cases: 10,
            warmup: 0,
            replications: 1,
            seed: 1,
            outages: false,
            start: None,
        };
        let Ok(model) = crate::sim::compiled(&map, &settings) else {
            panic!("compiles");
        };
        let run = |limit| {
            let tracer = Tracer::new(&map, &model, &settings, limit);
            let stream = Xoshiro256PlusPlus::seed_from_u64(1);
            let control = Control::default();
            engine::replicate_with(&model, stream, 10, 0, &control, tracer)
                .1
                .finish()
        };
        assert!(matches!(run(9), Err(SimError::LogTooLarge { limit: 9 })));
        let Ok(log) = run(10) else {
            panic!("ten events fit");
        };
        assert_eq!(log.events.len(), 10);
        assert!(
            SimError::LogTooLarge { limit: 9 }
                .to_string()
                .contains("9 events")
        );
    }
}
