//! Events and the queue that orders them in simulated time.
//!
//! Time is an integer number of microseconds. The queue is a binary heap ordered by (time,
//! insertion sequence): simultaneous events come out in the order they were scheduled, so a run
//! never depends on how the heap breaks ties.
//!
//! Both are tagged with the run's recorder type `R` (no data): a traced and an untraced run
//! then each have their own copy of the heap's code, so tracing cannot change how the
//! untraced run's hot loop is inlined (with one shared `BinaryHeap::pop`, the second caller
//! kept the compiler from inlining it, 3% more instructions per event).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::marker::PhantomData;

/// A scheduled event. `case == NONE` marks an arrival at start number `node`; `case == SERVICE`
/// a change of service number `node`; otherwise the end of the work of `case` at step `node`.
#[derive(Debug)]
pub(super) struct Event<R> {
    pub(super) time: u64,
    seq: u64,
    pub(super) case: u32,
    pub(super) node: u32,
    /// When the case entered the step (for waits and lead times).
    pub(super) entered: u64,
    run: PhantomData<fn() -> R>,
}

impl<R> Clone for Event<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Event<R> {}

impl<R> Event<R> {
    /// Its sequence number, as [`EventQueue::schedule`] returned it.
    pub(super) const fn seq(&self) -> u64 {
        self.seq
    }
}

impl<R> PartialEq for Event<R> {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl<R> Eq for Event<R> {}
impl<R> PartialOrd for Event<R> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<R> Ord for Event<R> {
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
pub(super) struct EventQueue<R> {
    heap: BinaryHeap<Event<R>>,
    /// Events scheduled so far: the tie-breaker of the next one.
    seq: u64,
}

impl<R> EventQueue<R> {
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
            run: PhantomData,
        });
        self.seq
    }

    /// Removes and returns the earliest event.
    pub(super) fn pop(&mut self) -> Option<Event<R>> {
        self.heap.pop()
    }
}
