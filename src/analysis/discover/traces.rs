//! A log's events grouped into traces (one per case, in time order), work times observed or
//! estimated, and the variants (distinct activity sequences) with their cases.

use std::collections::HashMap;

use crate::model::log::{EventLog, NO_NAME, NO_TIME};

/// The events of a log grouped by case, each case in time order.
pub(crate) struct Traces {
    /// Event indices into `EventLog::events`, case after case.
    pub order: Vec<u32>,
    /// Trace `k` is `order[offsets[k]..offsets[k + 1]]`.
    pub offsets: Vec<usize>,
    /// Per event index: when the work started, observed or estimated (µs).
    pub start: Vec<i64>,
    /// True when at least one event had an observed start.
    pub observed_starts: bool,
}

impl Traces {
    /// Groups `log`'s events by case. Within a case, events are ordered by start (or completion
    /// when the log has no starts), then completion, then file order.
    pub fn new(log: &EventLog) -> Self {
        let events = &log.events;
        let mut order: Vec<u32> = (0..u32::try_from(events.len()).unwrap_or(u32::MAX)).collect();
        order.sort_unstable_by_key(|&i| {
            let e = &events[i as usize];
            (e.case, e.first_time(), e.complete, i)
        });
        let mut offsets = vec![0];
        for k in 1..order.len() {
            if events[order[k] as usize].case != events[order[k - 1] as usize].case {
                offsets.push(k);
            }
        }
        if !order.is_empty() {
            offsets.push(order.len());
        }
        let observed_starts = log.has_starts();
        let start = if observed_starts {
            events
                .iter()
                .map(|e| {
                    if e.start == NO_TIME {
                        e.complete
                    } else {
                        e.start
                    }
                })
                .collect()
        } else {
            estimated_starts(log, &order, &offsets)
        };
        Self {
            order,
            offsets,
            start,
            observed_starts,
        }
    }

    /// Number of traces (cases with at least one event).
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The event indices of trace `k`, in order.
    pub fn trace(&self, k: usize) -> &[u32] {
        &self.order[self.offsets[k]..self.offsets[k + 1]]
    }

    /// From the first start to the last completion of trace `k` (µs).
    pub fn span(&self, log: &EventLog, k: usize) -> (i64, i64) {
        let trace = self.trace(k);
        let first = trace.iter().map(|&i| self.start[i as usize]).min();
        let last = trace.iter().map(|&i| log.events[i as usize].complete).max();
        (first.unwrap_or(0), last.unwrap_or(0))
    }
}

/// Work starts of a completion-only log: an activity starts when both the case's previous
/// activity and its resource's previous activity have completed (the later of the two); the
/// first activity of a case without a known resource gets no work time (its start is its
/// completion). This is the usual estimate of process-mining tools; it counts a resource's idle
/// time between two cases as work when the resource was not in fact busy, so estimated work
/// times are upper bounds.
fn estimated_starts(log: &EventLog, order: &[u32], offsets: &[usize]) -> Vec<i64> {
    let events = &log.events;
    let mut previous_of_resource: Vec<i64> = vec![NO_TIME; events.len()];
    let mut by_resource: Vec<u32> = (0..u32::try_from(events.len()).unwrap_or(u32::MAX))
        .filter(|&i| events[i as usize].resource != NO_NAME)
        .collect();
    by_resource.sort_unstable_by_key(|&i| {
        let e = &events[i as usize];
        (e.resource, e.complete, i)
    });
    for w in by_resource.windows(2) {
        let (a, b) = (&events[w[0] as usize], &events[w[1] as usize]);
        if a.resource == b.resource {
            previous_of_resource[w[1] as usize] = a.complete;
        }
    }
    let mut start: Vec<i64> = events.iter().map(|e| e.complete).collect();
    for k in 0..offsets.len().saturating_sub(1) {
        let mut previous = NO_TIME;
        for &i in &order[offsets[k]..offsets[k + 1]] {
            let e = &events[i as usize];
            let ready = previous.max(previous_of_resource[i as usize]);
            if ready != NO_TIME {
                start[i as usize] = ready.min(e.complete);
            }
            previous = previous.max(e.complete);
        }
    }
    start
}

/// Distinct activity sequences, most frequent first.
pub(crate) struct Variants {
    /// Per variant: its activity sequence.
    pub sequences: Vec<Vec<u32>>,
    /// Per variant: the traces that follow it.
    pub traces: Vec<Vec<u32>>,
    /// Per trace: its variant.
    pub of_trace: Vec<u32>,
}

impl Variants {
    /// The variants of `traces`, ordered by case count (descending), then by sequence.
    pub fn new(log: &EventLog, traces: &Traces) -> Self {
        let mut index: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut sequences: Vec<Vec<u32>> = Vec::new();
        let mut members: Vec<Vec<u32>> = Vec::new();
        let mut raw_of_trace = Vec::with_capacity(traces.len());
        for k in 0..traces.len() {
            let sequence: Vec<u32> = traces
                .trace(k)
                .iter()
                .map(|&i| log.events[i as usize].activity)
                .collect();
            let next = u32::try_from(sequences.len()).unwrap_or(u32::MAX);
            let v = *index.entry(sequence.clone()).or_insert_with(|| {
                sequences.push(sequence);
                members.push(Vec::new());
                next
            });
            members[v as usize].push(u32::try_from(k).unwrap_or(u32::MAX));
            raw_of_trace.push(v);
        }
        let mut rank: Vec<usize> = (0..sequences.len()).collect();
        rank.sort_by(|&a, &b| {
            members[b]
                .len()
                .cmp(&members[a].len())
                .then_with(|| sequences[a].cmp(&sequences[b]))
        });
        let mut new_of_old = vec![0u32; rank.len()];
        for (new, &old) in rank.iter().enumerate() {
            new_of_old[old] = u32::try_from(new).unwrap_or(u32::MAX);
        }
        let mut sequences_sorted = Vec::with_capacity(rank.len());
        let mut traces_sorted = Vec::with_capacity(rank.len());
        for &old in &rank {
            sequences_sorted.push(std::mem::take(&mut sequences[old]));
            traces_sorted.push(std::mem::take(&mut members[old]));
        }
        Self {
            sequences: sequences_sorted,
            traces: traces_sorted,
            of_trace: raw_of_trace
                .into_iter()
                .map(|v| new_of_old[v as usize])
                .collect(),
        }
    }

    /// How many of the most frequent variants cover `share` of the traces (at least one).
    pub fn covering(&self, share: f64) -> usize {
        let total: usize = self.traces.iter().map(Vec::len).sum();
        let mut covered = 0usize;
        for (v, members) in self.traces.iter().enumerate() {
            covered += members.len();
            #[allow(clippy::cast_precision_loss, reason = "counts of cases")]
            if covered as f64 >= share * total as f64 - 1e-9 {
                return v + 1;
            }
        }
        self.traces.len()
    }
}
