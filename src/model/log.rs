//! An event log in memory: what a ticketing, ERP or workflow system records (case, activity,
//! timestamps, resource), and what the simulator writes when asked for its log.
//!
//! Columnar and interned: one [`LogEvent`] of 40 bytes per event, names kept once. Readers
//! (`interop::log`) and the simulator's trace build it through [`LogBuilder`]; discovery
//! (`analysis::discover`) and the writers (`report::log`) read it. No I/O here.

use std::collections::HashMap;

use super::calendar::{Date, DateTime};

/// No timestamp (a completion-only event has no start).
pub const NO_TIME: i64 = i64::MIN;
/// No index (an event without a resource or group).
pub const NO_NAME: u32 = u32::MAX;
/// Microseconds per second.
pub const US_PER_SECOND: i64 = 1_000_000;
/// Microseconds per minute.
pub const MINUTE: i64 = 60 * US_PER_SECOND;
/// Microseconds per hour.
pub const HOUR: i64 = 60 * MINUTE;
/// Microseconds per day.
pub const DAY: i64 = 24 * HOUR;
/// Microseconds per week.
pub const WEEK: i64 = 7 * DAY;

/// Minutes from the Monday 00:00 before `wall` (µs since 1970-01-01, a Thursday) to `wall`:
/// 0 to 10,079.
#[must_use]
pub fn week_minute(wall: i64) -> usize {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "in 0..10080"
    )]
    let minute = ((wall + 3 * DAY).rem_euclid(WEEK) / MINUTE) as usize;
    minute
}

/// The hour of the week of `wall` (0 for Monday 00:00-01:00, up to 167).
#[must_use]
pub fn week_hour(wall: i64) -> usize {
    week_minute(wall) / 60
}

/// The day number (days since 1970-01-01) of `wall`.
#[must_use]
pub const fn day_of(wall: i64) -> i64 {
    wall.div_euclid(DAY)
}

/// One activity instance of one case: the work from `start` to `complete`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogEvent {
    /// Index into [`EventLog::cases`].
    pub case: u32,
    /// Index into [`EventLog::activities`].
    pub activity: u32,
    /// When the work started, microseconds since 1970-01-01 00:00 UTC; [`NO_TIME`] when the
    /// log records completions only.
    pub start: i64,
    /// When the work completed, microseconds since 1970-01-01 00:00 UTC.
    pub complete: i64,
    /// Index into [`EventLog::resources`], or [`NO_NAME`].
    pub resource: u32,
    /// Index into [`EventLog::groups`] (the team, role or owner column), or [`NO_NAME`].
    pub group: u32,
    /// The zone offset the file gave, in minutes east of UTC (0 when it gave none): the wall
    /// clock of the event is `instant + offset`, which is what working hours are read from.
    pub offset_minutes: i16,
}

impl LogEvent {
    /// The start when known, else the completion.
    #[must_use]
    pub const fn first_time(&self) -> i64 {
        if self.start == NO_TIME {
            self.complete
        } else {
            self.start
        }
    }

    /// `instant` on this event's wall clock (the offset the file gave added).
    #[must_use]
    pub const fn wall(&self, instant: i64) -> i64 {
        instant + self.offset_minutes as i64 * 60 * US_PER_SECOND
    }
}

/// An event log: events in file order, names interned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventLog {
    /// Case identifiers, by index.
    pub cases: Vec<String>,
    /// Activity names, by index.
    pub activities: Vec<String>,
    /// Resource names (people, systems), by index.
    pub resources: Vec<String>,
    /// Group names (teams, roles, owners), by index.
    pub groups: Vec<String>,
    /// The events, in the order they were read (or simulated).
    pub events: Vec<LogEvent>,
}

impl EventLog {
    /// True when at least one event has a start time (start/complete pairs or two timestamp
    /// columns), so work times are observed rather than estimated.
    #[must_use]
    pub fn has_starts(&self) -> bool {
        self.events.iter().any(|e| e.start != NO_TIME)
    }
}

/// Builds an [`EventLog`], interning names as they come.
#[derive(Debug, Default)]
pub struct LogBuilder {
    log: EventLog,
    cases: HashMap<String, u32>,
    activities: HashMap<String, u32>,
    resources: HashMap<String, u32>,
    groups: HashMap<String, u32>,
    name_bytes: usize,
}

impl LogBuilder {
    /// An empty builder.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of case `name`, added when new.
    pub fn case(&mut self, name: &str) -> u32 {
        intern(
            &mut self.cases,
            &mut self.log.cases,
            name,
            &mut self.name_bytes,
        )
    }

    /// The index of activity `name`, added when new.
    pub fn activity(&mut self, name: &str) -> u32 {
        intern(
            &mut self.activities,
            &mut self.log.activities,
            name,
            &mut self.name_bytes,
        )
    }

    /// The index of resource `name`, added when new.
    pub fn resource(&mut self, name: &str) -> u32 {
        intern(
            &mut self.resources,
            &mut self.log.resources,
            name,
            &mut self.name_bytes,
        )
    }

    /// The index of group `name`, added when new.
    pub fn group(&mut self, name: &str) -> u32 {
        intern(
            &mut self.groups,
            &mut self.log.groups,
            name,
            &mut self.name_bytes,
        )
    }

    /// Room for `additional` more events (a reader's estimate from the file size).
    pub fn reserve(&mut self, additional: usize) {
        self.log.events.reserve(additional);
    }

    /// Bytes of the distinct names interned so far (each counted once), for readers' bounds.
    #[must_use]
    pub fn name_bytes(&self) -> usize {
        self.name_bytes
    }

    /// Adds an event whose names were interned with this builder.
    pub fn push(&mut self, event: LogEvent) {
        self.log.events.push(event);
    }

    /// Events so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.log.events.len()
    }

    /// True before the first event.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.log.events.is_empty()
    }

    /// The log.
    #[must_use]
    pub fn finish(self) -> EventLog {
        self.log
    }
}

fn intern(
    index: &mut HashMap<String, u32>,
    names: &mut Vec<String>,
    name: &str,
    bytes: &mut usize,
) -> u32 {
    if let Some(&i) = index.get(name) {
        return i;
    }
    *bytes += name.len();
    let i = u32::try_from(names.len()).unwrap_or(NO_NAME - 1);
    names.push(name.to_owned());
    index.insert(name.to_owned(), i);
    i
}

/// Microseconds since 1970-01-01 00:00 of a date-time (minutes resolution).
#[must_use]
pub fn instant_of(at: DateTime) -> i64 {
    (at.date.days() * 1440 + i64::from(at.time.minutes())) * 60 * US_PER_SECOND
}

/// An instant as `YYYY-MM-DDTHH:MM:SS.mmm` (milliseconds, no zone): how logs are written.
#[must_use]
pub fn format_instant(instant: i64) -> String {
    let ms = instant.div_euclid(1000);
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = Date::from_days(days).civil();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_keeps_one_name_per_index() {
        let mut b = LogBuilder::new();
        assert_eq!(b.case("c1"), 0);
        assert_eq!(b.case("c2"), 1);
        assert_eq!(b.case("c1"), 0);
        assert_eq!(b.activity("A"), 0);
        let log = b.finish();
        assert_eq!(log.cases, ["c1", "c2"]);
    }

    #[test]
    fn instants_format_as_iso_dates() {
        let at = DateTime::DEFAULT_START;
        let t = instant_of(at) + 90 * 60 * US_PER_SECOND + 1_500;
        assert_eq!(format_instant(t), "2026-01-05T01:30:00.001");
        assert_eq!(format_instant(-1000), "1969-12-31T23:59:59.999");
    }
}
