//! Working time as the rest of Procmap asks about it: how many cases a Start sends per hour on
//! average over a week, how many capacity-hours an owner has, and the timelines the simulator
//! runs on. One statement of each rule, used by the estimate, the simulator, the inspector and
//! the handbook.

use super::calendar::{Timeline, rate_windows};
use super::{Arrivals, DateTime, Node, Owner, ProcessMap};
use crate::model::calendar::Calendar;

/// Hours in a week.
pub const WEEK_HOURS: f64 = 168.0;

impl ProcessMap {
    /// The calendar `id`, if the map has it.
    #[must_use]
    pub fn calendar(&self, id: Option<&str>) -> Option<&Calendar> {
        id.and_then(|id| self.calendars.get(id))
    }

    /// The display name of a calendar: its name, or the id when there is no such calendar.
    #[must_use]
    pub fn calendar_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.calendars.get(id).map_or(id, |c| c.name.as_str())
    }

    /// Mean arrivals per hour at a Start, averaged over a week: the inverse of its mean time
    /// between arrivals times the share of the week its calendar is open, or its rate profile's
    /// weekly total over 168 hours. Zero for other nodes. Closed dates are not counted.
    #[must_use]
    pub fn arrivals_per_hour(&self, node: &Node) -> f64 {
        match node.arrival_pattern() {
            Some(Arrivals::Rates(rates)) => {
                // Under a calendar the rates count only in its open time.
                let windows = match self.calendar(node.calendar()) {
                    Some(c) => super::calendar::intersect(&rate_windows(rates), &c.windows(1)),
                    None => rate_windows(rates),
                };
                let weekly: f64 = windows
                    .iter()
                    .flat_map(|w| {
                        w.week_minutes()
                            .into_iter()
                            .map(move |(a, b)| f64::from(b - a) / 60.0 * w.weight)
                    })
                    .sum();
                weekly / WEEK_HOURS
            }
            Some(Arrivals::Gaps(dist)) => {
                let mean = dist.mean_hours();
                if mean <= 0.0 {
                    return 0.0;
                }
                let open = self
                    .calendar(node.calendar())
                    .map_or(1.0, |c| c.hours_per_week() / WEEK_HOURS);
                open / mean
            }
            None => 0.0,
        }
    }

    /// An owner's mean capacity over the week: capacity-hours per week / 168 (its capacity
    /// when it has no calendar).
    #[must_use]
    pub fn mean_capacity(&self, owner: &Owner) -> f64 {
        match self.calendar(owner.calendar.as_deref()) {
            Some(c) => c.capacity_hours_per_week(owner.capacity) / WEEK_HOURS,
            None => f64::from(owner.capacity),
        }
    }

    /// An owner's working hours per week (each shift counted once); 168 without a calendar.
    #[must_use]
    pub fn owner_hours_per_week(&self, owner: &Owner) -> f64 {
        self.calendar(owner.calendar.as_deref())
            .map_or(WEEK_HOURS, Calendar::hours_per_week)
    }

    /// The timeline of calendar `id` at capacity `level`, for a clock starting at `start`.
    #[must_use]
    pub fn timeline(&self, id: Option<&str>, level: u32, start: DateTime) -> Option<Timeline> {
        self.calendar(id).map(|c| c.timeline(level, start))
    }

    /// The arrival timeline of a Start with a rate profile: the rates, masked by the Start's
    /// calendar (its shifts and closed dates) when it has one.
    #[must_use]
    pub fn rate_timeline(&self, node: &Node, start: DateTime) -> Option<Timeline> {
        let Some(Arrivals::Rates(rates)) = node.arrival_pattern() else {
            return None;
        };
        let mut windows = rate_windows(rates);
        let mut closed = Vec::new();
        if let Some(calendar) = self.calendar(node.calendar()) {
            windows = super::calendar::intersect(&windows, &calendar.windows(1));
            closed.clone_from(&calendar.closed);
        }
        Some(Timeline::rates(&windows, &closed, start))
    }
}

/// A short text for how cases arrive at a Start: "every 15m", "every 15m in Office hours",
/// "4.2/h on average (rates by time of week)".
#[must_use]
pub fn arrival_summary(map: &ProcessMap, node: &Node) -> String {
    match node.arrival_pattern() {
        Some(Arrivals::Gaps(dist)) => match node.calendar() {
            Some(id) => format!("every {} in {}", dist.summary(), map.calendar_name(id)),
            None => format!("every {}", dist.summary()),
        },
        Some(Arrivals::Rates(_)) => format!(
            "{:.1}/h on average (rates by time of week)",
            map.arrivals_per_hour(node)
        ),
        None => String::new(),
    }
}
