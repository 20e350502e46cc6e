//! Events and the queue that orders them in simulated time.
//!
//! Time is an integer number of microseconds. The queue is a binary heap ordered by (time,
//! insertion sequence): simultaneous events come out in the order they were scheduled, so a run
//! never depends on how the heap breaks ties.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A scheduled event. `case == NONE` marks an arrival at start number `node`; `case == SERVICE`
/// a change of service number `node`; otherwise the end of the work of `case` at step `node`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Event {
    pub(super) time: u64,
    seq: u64,
    pub(super) case: u32,
    pub(super) node: u32,
    /// When the case entered the step (for waits and lead times).
    pub(super) entered: u64,
}

impl Event {
    /// Its sequence number, as [`EventQueue::schedule`] returned it.
    pub(super) const fn seq(&self) -> u64 {
        self.seq
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    // Reversed: BinaryHeap is a max-heap and we want the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// The pending events of one replication, earliest first.
#[derive(Debug)]
pub(super) struct EventQueue {
    heap: BinaryHeap<Event>,
    /// Events scheduled so far: the tie-breaker of the next one.
    seq: u64,
}

impl EventQueue {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: BinaryHeap::with_capacity(capacity),
            seq: 0,
        }
    }

    /// Schedules an event at `time`, after every event already scheduled for that time; returns
    /// its sequence number (unique within the replication).
    pub(super) fn schedule(&mut self, time: u64, case: u32, node: u32, entered: u64) -> u64 {
        self.seq += 1;
        self.heap.push(Event {
            time,
            seq: self.seq,
            case,
            node,
            entered,
        });
        self.seq
    }

    /// Removes and returns the earliest event.
    pub(super) fn pop(&mut self) -> Option<Event> {
        self.heap.pop()
    }
}
