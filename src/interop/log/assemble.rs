//! Rows to events: what the CSV and XES readers share. A row is one completion (with or without
//! its own start time), one start, or another lifecycle transition; starts wait per (case,
//! activity), first in first out, for the completion they belong to. Names are interned only for
//! rows that become events, bad rows are counted with their line numbers, and the bounds of
//! `model::limits` are kept.

use std::collections::{HashMap, VecDeque};

use crate::model::limits::{self, MAX_NAME_CHARS, printable};
use crate::model::log::{EventLog, LogBuilder, LogEvent, NO_NAME, NO_TIME};

use super::BadRow;
use super::time::Stamp;

/// Bad rows whose line and reason are kept.
pub(super) const KEPT_BAD_ROWS: usize = 20;

/// What a row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Transition {
    /// The work completed (also rows without a lifecycle).
    Complete,
    /// The work started.
    Start,
    /// Another transition (schedule, assign, suspend, resume, abort...): ignored.
    Other,
}

impl Transition {
    /// A lifecycle value read (case-insensitive; empty is a completion).
    pub(super) fn of(value: &str) -> Self {
        let value = value.trim();
        let is = |names: &[&str]| names.iter().any(|n| value.eq_ignore_ascii_case(n));
        if value.is_empty()
            || is(&[
                "complete",
                "completed",
                "end",
                "ended",
                "finish",
                "finished",
                "done",
                "stop",
            ])
        {
            Self::Complete
        } else if is(&["start", "started", "begin", "begun"]) {
            Self::Start
        } else {
            Self::Other
        }
    }
}

/// One row with its names still as text (checked and interned by [`Assembler::push`]).
pub(super) struct Row<'a> {
    /// Line of the row in the file (1-based).
    pub(super) line: u64,
    pub(super) case: &'a str,
    pub(super) activity: &'a str,
    pub(super) resource: &'a str,
    pub(super) group: &'a str,
    pub(super) transition: Transition,
    /// The completion time (or the start time of a start row).
    pub(super) time: Option<Stamp>,
    /// The row's own start time (a second timestamp column).
    pub(super) start: Option<Stamp>,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    start: i64,
    resource: u32,
    group: u32,
}

/// Why reading must stop: a bound was passed.
#[derive(Debug)]
pub(super) struct TooBig(pub(super) String);

/// Collects events.
#[derive(Debug, Default)]
pub(super) struct Assembler {
    builder: LogBuilder,
    pending: HashMap<(u32, u32), VecDeque<Pending>>,
    pending_count: u64,
    name_bytes: usize,
    /// Rows read (good and bad).
    pub(super) rows: u64,
    pub(super) bad_rows: u64,
    pub(super) bad: Vec<BadRow>,
    /// Rows with a transition other than start and complete.
    pub(super) other_transitions: u64,
    /// Completions paired with a start that came later (their start is set to the completion).
    pub(super) reversed_pairs: u64,
}

impl Assembler {
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Room for about `events` events.
    pub(super) fn reserve(&mut self, events: usize) {
        self.builder
            .reserve(events.min(usize::try_from(limits::MAX_LOG_ROWS).unwrap_or(usize::MAX)));
    }

    /// Counts a row, failing past [`limits::MAX_LOG_ROWS`].
    fn count_row(&mut self) -> Result<(), TooBig> {
        self.rows += 1;
        if self.rows > limits::MAX_LOG_ROWS {
            return Err(TooBig(format!(
                "more than {} rows; Procmap reads at most that many",
                limits::MAX_LOG_ROWS
            )));
        }
        Ok(())
    }

    /// Counts a bad row, keeping the first [`KEPT_BAD_ROWS`].
    pub(super) fn bad(&mut self, line: u64, reason: impl Into<String>) -> Result<(), TooBig> {
        self.count_row()?;
        self.bad_rows += 1;
        if self.bad.len() < KEPT_BAD_ROWS {
            self.bad.push(BadRow {
                line,
                reason: reason.into(),
            });
        }
        Ok(())
    }

    /// Adds a row: a completion becomes an event (with its own start, else the oldest waiting
    /// start of its case and activity, else none), a start waits, other transitions are counted.
    pub(super) fn push(&mut self, row: &Row<'_>) -> Result<(), TooBig> {
        let case = row.case.trim();
        let activity = row.activity.trim();
        let problem = if case.is_empty() {
            Some("no case".to_owned())
        } else if activity.is_empty() {
            Some("no activity".to_owned())
        } else if row.transition != Transition::Other && row.time.is_none() {
            Some("no timestamp".to_owned())
        } else {
            [
                ("case", case),
                ("activity", activity),
                ("resource", row.resource),
                ("group", row.group),
            ]
            .into_iter()
            .find(|(_, name)| name.chars().nth(MAX_NAME_CHARS).is_some())
            .map(|(what, _)| format!("the {what} is longer than {MAX_NAME_CHARS} characters"))
        };
        if let Some(problem) = problem {
            return self.bad(row.line, problem);
        }
        let (Some(time), Transition::Complete | Transition::Start) = (row.time, row.transition)
        else {
            self.count_row()?;
            self.other_transitions += 1;
            return Ok(());
        };
        if let Some(start) = row.start.filter(|s| s.instant > time.instant) {
            return self.bad(
                row.line,
                format!(
                    "it starts ({}) after it completes ({})",
                    crate::model::log::format_instant(start.instant),
                    crate::model::log::format_instant(time.instant)
                ),
            );
        }
        self.count_row()?;
        let case = self.name(case, LogBuilder::case)?;
        let activity = self.name(activity, LogBuilder::activity)?;
        let resource = self.optional(row.resource, LogBuilder::resource)?;
        let group = self.optional(row.group, LogBuilder::group)?;
        if row.transition == Transition::Start {
            self.pending
                .entry((case, activity))
                .or_default()
                .push_back(Pending {
                    start: time.instant,
                    resource,
                    group,
                });
            self.pending_count += 1;
            return Ok(());
        }
        let mut event = LogEvent {
            case,
            activity,
            start: row.start.map_or(NO_TIME, |s| s.instant),
            complete: time.instant,
            resource,
            group,
            offset_minutes: time.offset_minutes,
        };
        if row.start.is_none() {
            if let Some(waiting) = self.pending.get_mut(&(case, activity)) {
                if let Some(pending) = waiting.pop_front() {
                    self.pending_count -= 1;
                    if waiting.is_empty() {
                        self.pending.remove(&(case, activity));
                    }
                    if pending.start > time.instant {
                        self.reversed_pairs += 1;
                    }
                    event.start = pending.start.min(time.instant);
                    if event.resource == NO_NAME {
                        event.resource = pending.resource;
                    }
                    if event.group == NO_NAME {
                        event.group = pending.group;
                    }
                }
            }
        }
        self.builder.push(event);
        Ok(())
    }

    fn name(
        &mut self,
        name: &str,
        intern: fn(&mut LogBuilder, &str) -> u32,
    ) -> Result<u32, TooBig> {
        let before = self.builder.name_bytes();
        let index = intern(&mut self.builder, name);
        self.name_bytes = self.builder.name_bytes();
        if self.name_bytes > limits::MAX_LOG_NAME_BYTES && self.name_bytes > before {
            return Err(TooBig(format!(
                "its distinct names take more than {} MB (at \"{}\")",
                limits::MAX_LOG_NAME_BYTES >> 20,
                printable(&name.chars().take(40).collect::<String>())
            )));
        }
        Ok(index)
    }

    fn optional(
        &mut self,
        name: &str,
        intern: fn(&mut LogBuilder, &str) -> u32,
    ) -> Result<u32, TooBig> {
        let name = name.trim();
        if name.is_empty() {
            Ok(NO_NAME)
        } else {
            self.name(name, intern)
        }
    }

    /// The log, with the number of starts never completed (dropped).
    pub(super) fn finish(self) -> (EventLog, u64) {
        (self.builder.finish(), self.pending_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(case: &'static str, transition: Transition, minute: i64) -> Row<'static> {
        Row {
            line: 2,
            case,
            activity: "A",
            resource: "",
            group: "",
            transition,
            time: Some(Stamp {
                instant: minute * 60_000_000,
                offset_minutes: 0,
            }),
            start: None,
        }
    }

    #[test]
    fn starts_pair_first_in_first_out() -> Result<(), TooBig> {
        let mut a = Assembler::new();
        a.push(&row("c", Transition::Start, 1))?;
        a.push(&row("c", Transition::Start, 2))?;
        a.push(&row("c", Transition::Complete, 3))?;
        a.push(&row("d", Transition::Complete, 4))?;
        a.push(&row("c", Transition::Other, 5))?;
        a.push(&row("c", Transition::Complete, 6))?;
        a.push(&row("c", Transition::Start, 7))?;
        assert_eq!((a.rows, a.other_transitions), (7, 1));
        let (log, unpaired) = a.finish();
        let spans: Vec<_> = log
            .events
            .iter()
            .map(|e| (e.start / 60_000_000, e.complete / 60_000_000))
            .collect();
        assert_eq!(spans, [(1, 3), (NO_TIME / 60_000_000, 4), (2, 6)]);
        assert_eq!(unpaired, 1);
        Ok(())
    }

    #[test]
    fn lifecycle_values() {
        assert_eq!(Transition::of("COMPLETE"), Transition::Complete);
        assert_eq!(Transition::of(""), Transition::Complete);
        assert_eq!(Transition::of(" Start "), Transition::Start);
        assert_eq!(Transition::of("schedule"), Transition::Other);
    }
}
