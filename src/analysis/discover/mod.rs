//! Discovery: from an event log to an editable, simulation-ready map, with the evidence it
//! rests on (variants, activity statistics, owners, handovers, fitted times).
//!
//! The steps, each in its own file (the algorithm is stated in `docs/EVENT_LOGS.md`):
//! - `traces`: events grouped by case in time order; work starts observed or estimated;
//!   variants;
//! - `flow`: the directly-follows graph of the variants covering the requested share of cases,
//!   concurrency, and the region tree (parallel blocks nest);
//! - `emit`: the tree as Start, steps, Decisions, Parallel split/join, End;
//! - `teams`: owners from resources, their capacity and working hours;
//! - `fit`: work-time distributions chosen by goodness of fit;
//! - `arrivals`: time between arrivals or rates by time of week;
//! - `evidence`: the variants table and the handover-of-work network;
//! - `profile`: what a log looks like in numbers, and how two logs compare (used to check a
//!   discovered map against its log by simulating it).

mod arrivals;
mod emit;
mod evidence;
pub mod fit;
mod flow;
mod profile;
mod teams;
mod traces;

use std::collections::{BTreeMap, BTreeSet};

pub use arrivals::{Arrivals, MIN_FOR_RATES};
pub use evidence::{Handover, RESOURCE_HANDOVERS, VARIANT_ROWS, VariantRow};
pub use fit::{Candidate, Fit};
pub use profile::{Comparison, LogProfile, Measure, Verdict, compare, profile};
pub use teams::{Hours, Team};

use crate::model::calendar::{Calendar, HOUR_US, Timeline};
use crate::model::edit::fresh_id;
use crate::model::log::{EventLog, NO_TIME, instant_of};
use crate::model::{
    self, Date, DateTime, Dist, Duration, Node, NodeKind, Owner, Point, ProcessMap, Simulation,
    TimeOfDay, layout, limits,
};

/// The default share of cases whose variants shape the map.
pub const DEFAULT_COVERAGE: f64 = 0.9;

/// How to discover.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Share of cases (0 to 1) whose variants, most frequent first, shape the map.
    pub coverage: f64,
    /// Title of the map.
    pub title: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            coverage: DEFAULT_COVERAGE,
            title: "Discovered process".to_owned(),
        }
    }
}

/// Why a log gave no map.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DiscoverError {
    /// The log has no events.
    #[error("the log has no events")]
    Empty,
    /// Coverage outside (0, 1].
    #[error("coverage must be above 0 and at most 1 (found {0})")]
    Coverage(f64),
    /// More activities than a map may hold.
    #[error("the log has {0} activities; a discovered map holds at most {max}", max = MAX_ACTIVITIES)]
    TooManyActivities(usize),
    /// The map built does not validate (a bug: discovery must always give a valid map).
    #[error("the discovered map has problems: {0}")]
    Invalid(String),
}

/// At most this many activities become steps (the concurrency matrix is square in them).
pub const MAX_ACTIVITIES: usize = 2_000;

/// Figures about the log and what the map covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Cases (traces) in the log.
    pub cases: usize,
    /// Events (activity instances).
    pub events: usize,
    /// Distinct activities.
    pub activities: usize,
    /// Distinct resources.
    pub resources: usize,
    /// Distinct variants.
    pub variants: usize,
    /// Variants that shaped the map.
    pub kept_variants: usize,
    /// Cases of those variants.
    pub kept_cases: usize,
    /// Cases whose activities are all in the map (their counts and times are used).
    pub fitting_cases: usize,
    /// Activities left out (only in variants beyond the coverage).
    pub left_out: Vec<String>,
    /// First and last timestamps (µs since the epoch, wall clock).
    pub first: i64,
    /// See `first`.
    pub last: i64,
    /// True when work starts were in the log; false when they were estimated.
    pub observed_starts: bool,
    /// Parallel blocks found.
    pub parallel_blocks: usize,
}

/// Per activity: how often, how long, who.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRow {
    /// The activity.
    pub name: String,
    /// Its step in the map, when it has one.
    pub step: Option<String>,
    /// Events.
    pub events: usize,
    /// Cases with at least one.
    pub cases: usize,
    /// Events per case, over all cases.
    pub per_case: f64,
    /// The owner doing it, by name.
    pub owner: Option<String>,
    /// Work times (in the owner's working time when it has hours) and their fit.
    pub work: Option<Fit>,
}

/// A discovered map and its evidence.
#[derive(Clone, Debug)]
pub struct Discovery {
    /// The map (valid: it passes `procmap check`).
    pub map: ProcessMap,
    /// Figures about the log.
    pub summary: Summary,
    /// The most frequent variants.
    pub variants: Vec<VariantRow>,
    /// Per activity, most frequent first.
    pub activities: Vec<ActivityRow>,
    /// Teams found, with their owner id in the map.
    pub teams: Vec<(String, Team)>,
    /// Handovers between owners.
    pub owner_handovers: Vec<Handover>,
    /// Handovers between resources (the most frequent).
    pub resource_handovers: Vec<Handover>,
    /// Arrivals.
    pub arrivals: Arrivals,
    /// How things were estimated, in sentences.
    pub notes: Vec<String>,
}

/// Discovers a map from `log`.
///
/// # Errors
/// [`DiscoverError`] when the log is empty, the coverage is out of range or the log has more
/// activities than a map may hold.
pub fn discover(log: &EventLog, options: &Options) -> Result<Discovery, DiscoverError> {
    if log.events.is_empty() {
        return Err(DiscoverError::Empty);
    }
    if !(options.coverage > 0.0 && options.coverage <= 1.0) {
        return Err(DiscoverError::Coverage(options.coverage));
    }
    let traces = traces::Traces::new(log);
    let variants = traces::Variants::new(log, &traces);
    let kept = variants.covering(options.coverage);
    let in_map: BTreeSet<u32> = variants.sequences[..kept]
        .iter()
        .flatten()
        .copied()
        .collect();
    if in_map.len() > MAX_ACTIVITIES {
        return Err(DiscoverError::TooManyActivities(in_map.len()));
    }
    let mut region_traces = Vec::with_capacity(traces.len());
    let mut kept_cases = 0;
    for k in 0..traces.len() {
        let v = variants.of_trace[k] as usize;
        let acts = &variants.sequences[v];
        if acts.iter().all(|a| in_map.contains(a)) {
            kept_cases += usize::from(v < kept);
            region_traces.push(flow::Trace {
                acts: acts.clone(),
                kept: v < kept,
            });
        }
    }
    let fitting_cases = region_traces.len();
    let region = flow::region(&region_traces, log.activities.len());
    drop(region_traces);

    let (teams, owner_of) = teams::teams(log, &traces.start);
    let origin = week_start(log);
    let mut notes = Vec::new();
    // Calendars: teams with the same hours share one.
    let mut calendars: BTreeMap<String, Calendar> = BTreeMap::new();
    let mut calendar_of_team: Vec<Option<String>> = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for team in &teams {
        let Some(hours) = &team.hours else {
            calendar_of_team.push(None);
            continue;
        };
        let name = format!("{} hours", team.name);
        calendar_of_team.push(Some(calendar_for(&mut calendars, &mut taken, hours, &name)));
    }
    // Ownerless activities that complete only in some hours count working time too.
    let mut calendar_of_activity: Vec<Option<String>> = vec![None; log.activities.len()];
    for a in 0..log.activities.len() {
        let activity = u32::try_from(a).unwrap_or(u32::MAX);
        if owner_of[a].is_some() || !in_map.contains(&activity) {
            continue;
        }
        let Some(hours) = teams::activity_hours(log, activity) else {
            continue;
        };
        let name = format!("{} hours", display_name(&log.activities[a]));
        calendar_of_activity[a] = Some(calendar_for(&mut calendars, &mut taken, &hours, &name));
    }
    // A calendar shared by several owners or steps is named after its hours, not its first user.
    let mut users: BTreeMap<&str, usize> = BTreeMap::new();
    for id in calendar_of_team
        .iter()
        .chain(&calendar_of_activity)
        .flatten()
    {
        *users.entry(id.as_str()).or_default() += 1;
    }
    for (id, calendar) in &mut calendars {
        if users.get(id.as_str()).copied().unwrap_or(0) > 1 {
            calendar.name = hours_name(&calendar.week);
        }
    }
    let timelines: BTreeMap<&str, Timeline> = calendars
        .iter()
        .map(|(id, c)| (id.as_str(), c.timeline(1, origin)))
        .collect();
    let origin_us = instant_of(origin);
    // Owners.
    let mut owners: BTreeMap<String, Owner> = BTreeMap::new();
    let mut owner_ids: Vec<String> = Vec::new();
    let mut team_rows = Vec::new();
    for (t, team) in teams.iter().enumerate() {
        let id = fresh_id(&team.name, |c| taken.contains(c));
        taken.insert(id.clone());
        let mut owner = Owner::new(clip(&team.name), team.capacity.min(limits::MAX_CAPACITY));
        owner.calendar.clone_from(&calendar_of_team[t]);
        owners.insert(id.clone(), owner);
        owner_ids.push(id.clone());
        team_rows.push((id, team.clone()));
    }
    // Work times per activity.
    let mut hours_of: Vec<Vec<f64>> = vec![Vec::new(); log.activities.len()];
    let mut events_of = vec![0usize; log.activities.len()];
    let mut cases_of: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); log.activities.len()];
    for (i, e) in log.events.iter().enumerate() {
        let a = e.activity as usize;
        events_of[a] += 1;
        cases_of[a].insert(e.case);
        let start = traces.start[i];
        if !traces.observed_starts && start == e.complete {
            continue; // no estimate: nothing known before this completion
        }
        if traces.observed_starts && e.start == NO_TIME {
            continue;
        }
        let clock = owner_of[a]
            .map_or(calendar_of_activity[a].as_deref(), |t| {
                calendar_of_team[t].as_deref()
            })
            .and_then(|id| timelines.get(id));
        #[allow(clippy::cast_precision_loss, reason = "time spans")]
        let hours = match clock {
            Some(timeline) => {
                let a = u64::try_from(e.wall(start) - origin_us).unwrap_or(0);
                let b = u64::try_from(e.wall(e.complete) - origin_us).unwrap_or(0);
                timeline.open_between(a, b.max(a)) as f64 / HOUR_US as f64
            }
            None => (e.complete - start).max(0) as f64 / HOUR_US as f64,
        };
        hours_of[a].push(hours);
    }
    if !traces.observed_starts {
        notes.push(
            "The log records completions only: an activity's work time is estimated as the time \
             from the later of the case's previous completion and its resource's previous \
             completion (an upper bound when resources were idle in between); a case's first \
             activity without a known resource gets no estimate."
                .to_owned(),
        );
    }
    if !calendars.is_empty() {
        notes.push(
            "Work times of owners with working hours are counted in their working time (work \
             paused off shift is not counted)."
                .to_owned(),
        );
    }
    // Steps.
    let mut step_ids: BTreeMap<u32, String> = BTreeMap::new();
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut activities = Vec::new();
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        reason = "counts; activities are indexed by u32"
    )]
    for a in 0..log.activities.len() {
        let name = display_name(&log.activities[a]);
        let fit = fit::fit(&hours_of[a]);
        let owner = owner_of[a].map(|t| owner_ids[t].clone());
        let step = in_map.contains(&(a as u32)).then(|| {
            let id = fresh_id(&name, |c| taken.contains(c));
            taken.insert(id.clone());
            let work = fit
                .as_ref()
                .map_or(Dist::Fixed(Duration::ZERO), |f| f.dist.clone());
            let notes = fit.as_ref().map_or_else(
                || {
                    format!(
                        "Seen {} times in {} cases.",
                        events_of[a],
                        cases_of[a].len()
                    )
                },
                |f| {
                    format!(
                        "Seen {} times in {} cases; work time median {}, 90% within {}; fitted \
                         {} (Kolmogorov-Smirnov distance {:.3}).",
                        events_of[a],
                        cases_of[a].len(),
                        Duration::from_hours(f.p50_hours),
                        Duration::from_hours(f.p90_hours),
                        f.dist.kind().label(),
                        f.ks
                    )
                },
            );
            nodes.insert(
                id.clone(),
                Node::Step {
                    name: name.clone(),
                    owner: owner.clone(),
                    work,
                    sla: None,
                    calendar: if owner.is_none() {
                        calendar_of_activity[a].clone()
                    } else {
                        None
                    },
                    uses: Vec::new(),
                    notes,
                    at: Point::default(),
                },
            );
            step_ids.insert(a as u32, id.clone());
            id
        });
        activities.push(ActivityRow {
            name,
            step,
            events: events_of[a],
            cases: cases_of[a].len(),
            per_case: events_of[a] as f64 / traces.len().max(1) as f64,
            owner: owner_of[a].map(|t| teams[t].name.clone()),
            work: fit,
        });
    }
    activities.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.name.cmp(&b.name)));
    // Arrivals.
    let firsts: Vec<i64> = (0..traces.len())
        .map(|k| {
            let first = traces.trace(k)[0] as usize;
            log.events[first].wall(traces.span(log, k).0)
        })
        .collect();
    let arrivals = arrivals::arrivals(firsts);
    let start_id = fresh_id("Case arrives", |c| taken.contains(c));
    taken.insert(start_id.clone());
    let end_id = fresh_id("Case closed", |c| taken.contains(c));
    taken.insert(end_id.clone());
    let mut start = Node::new(NodeKind::Start, "Case arrives", Point::default());
    if let Node::Start {
        arrivals: a,
        rates,
        notes: n,
        ..
    } = &mut start
    {
        *a = arrivals.dist();
        rates.clone_from(&arrivals.rates);
        *n = format!(
            "{} cases arrived, {:.2} per hour on average{}. A case arrives when its first \
             activity starts.",
            arrivals.cases,
            arrivals.per_hour,
            if arrivals.rates.is_empty() {
                String::new()
            } else {
                ", following the week (rates by time of week)".to_owned()
            }
        );
    }
    nodes.insert(start_id.clone(), start);
    nodes.insert(
        end_id.clone(),
        Node::new(NodeKind::End, "Case closed", Point::default()),
    );
    let names: Vec<String> = log.activities.iter().map(|n| display_name(n)).collect();
    let mut emitter = emit::Emitter {
        step: &step_ids,
        names: &names,
        nodes,
        flows: Vec::new(),
        taken,
    };
    emitter.region(&region, &start_id, &end_id, false);
    let cases = u64::try_from(traces.len()).unwrap_or(u64::MAX);
    let mut map = ProcessMap {
        title: clip(&options.title),
        description: format!(
            "Discovered from an event log of {} cases and {} events ({} variants; the {} most \
             frequent, {:.0}% of the cases, shape the map).",
            traces.len(),
            log.events.len(),
            variants.sequences.len(),
            kept,
            100.0 * ratio(kept_cases, traces.len())
        ),
        calendars,
        owners,
        nodes: emitter.nodes,
        flows: emitter.flows,
        simulation: Simulation {
            cases: cases.clamp(1_000, 100_000),
            warmup: (cases / 10).clamp(100, 10_000),
            replications: 5,
            seed: 1,
            outages: true,
            start: Some(origin),
        },
        ..ProcessMap::default()
    };
    layout::apply(&mut map);
    let problems = model::validate(&map);
    if model::has_errors(&problems) {
        let text: Vec<String> = problems
            .iter()
            .filter(|p| p.severity == model::Severity::Error)
            .map(ToString::to_string)
            .collect();
        return Err(DiscoverError::Invalid(text.join("; ")));
    }
    let team_of_resource = {
        let mut of = vec![None; log.resources.len()];
        for (t, team) in teams.iter().enumerate() {
            for &r in &team.resources {
                of[r as usize] = Some(t);
            }
        }
        of
    };
    let team_names: Vec<String> = teams.iter().map(|t| t.name.clone()).collect();
    let (owner_handovers, resource_handovers) =
        evidence::handovers(log, &traces, &team_of_resource, &team_names);
    let (first, last) = log.events.iter().fold((i64::MAX, i64::MIN), |(a, b), e| {
        (a.min(e.wall(e.first_time())), b.max(e.wall(e.complete)))
    });
    let left_out: Vec<String> = (0..log.activities.len())
        .filter(|&a| !in_map.contains(&u32::try_from(a).unwrap_or(u32::MAX)))
        .map(|a| display_name(&log.activities[a]))
        .collect();
    Ok(Discovery {
        summary: Summary {
            cases: traces.len(),
            events: log.events.len(),
            activities: log.activities.len(),
            resources: log.resources.len(),
            variants: variants.sequences.len(),
            kept_variants: kept,
            kept_cases,
            fitting_cases,
            left_out,
            first,
            last,
            observed_starts: traces.observed_starts,
            parallel_blocks: region.block_count(),
        },
        variants: evidence::variant_rows(log, &traces, &variants, kept),
        activities,
        teams: team_rows,
        owner_handovers,
        resource_handovers,
        arrivals,
        notes,
        map,
    })
}

/// The id of a calendar with `hours`: an existing one with the same shifts and closed dates, or
/// a new one named `name`.
fn calendar_for(
    calendars: &mut BTreeMap<String, Calendar>,
    taken: &mut BTreeSet<String>,
    hours: &Hours,
    name: &str,
) -> String {
    if let Some((id, _)) = calendars
        .iter()
        .find(|(_, c)| c.week == hours.shifts && c.closed == hours.closed)
    {
        return id.clone();
    }
    let id = fresh_id(name, |c| taken.contains(c));
    taken.insert(id.clone());
    calendars.insert(
        id.clone(),
        Calendar {
            name: clip(name),
            week: hours.shifts.clone(),
            closed: hours.closed.clone(),
        },
    );
    id
}

/// A name saying when a calendar is open: "Working hours Mon-Fri 08:00-17:00" (the first
/// shift's days, the earliest start and latest end of those days), "Roster" for shifts with
/// their own capacities.
fn hours_name(shifts: &[crate::model::Shift]) -> String {
    if shifts.iter().any(|s| s.capacity.is_some()) {
        return "Roster".to_owned();
    }
    let Some(first) = shifts.first() else {
        return "Working hours".to_owned();
    };
    let same: Vec<&crate::model::Shift> = shifts.iter().filter(|s| s.days == first.days).collect();
    let from = same.iter().map(|s| s.from).min().unwrap_or(first.from);
    let to = same.iter().map(|s| s.to).max().unwrap_or(first.to);
    let more = if same.len() == shifts.len() {
        ""
    } else {
        " and more"
    };
    format!("Working hours {} {from}-{to}{more}", first.days)
}

/// Monday 00:00 of the week of the log's first event (wall clock): the discovered map's
/// simulated clock starts there, so its weeks line up with the log's.
fn week_start(log: &EventLog) -> DateTime {
    let first = log
        .events
        .iter()
        .map(|e| e.wall(e.first_time()))
        .min()
        .unwrap_or(0);
    let day = crate::model::log::day_of(first);
    let date = Date::from_days(day);
    let monday = Date::from_days(day - i64::from(date.weekday()));
    DateTime {
        date: if Date::ymd(1, 1, 1).is_some_and(|d| monday < d) {
            DateTime::DEFAULT_START.date
        } else {
            monday
        },
        time: TimeOfDay::MIDNIGHT,
    }
}

fn display_name(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        "(unnamed)".to_owned()
    } else {
        clip(name)
    }
}

fn clip(text: &str) -> String {
    text.chars().take(limits::MAX_NAME_CHARS).collect()
}

#[allow(clippy::cast_precision_loss, reason = "counts")]
fn ratio(a: usize, b: usize) -> f64 {
    a as f64 / b.max(1) as f64
}
