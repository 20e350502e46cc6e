//! The document types of a process map, exactly as they appear in a `.ron` file (format 1).
//!
//! Ids are the keys of the `owners`, `services` and `nodes` maps; `BTreeMap` keeps them sorted so
//! that saves are stable and diff cleanly. Optional fields are skipped when they hold their
//! default, so a saved file carries only what the user set.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) use super::forms::DUPLICATE_ID;
use super::forms::{bare_some, unique_ids};
use super::{Calendar, DateTime, Dist, Duration, Point, Rate};

/// The file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole process or service map: the document a user saves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessMap {
    /// File format version; see [`FORMAT_VERSION`].
    pub format: u32,
    /// Short title shown in the window and the handbook.
    #[serde(default)]
    pub title: String,
    /// A paragraph describing the process.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Working calendars (shifts and closed dates), by id.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_ids::deserialize"
    )]
    pub calendars: BTreeMap<String, Calendar>,
    /// Teams or roles that do the work, by id.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_ids::deserialize"
    )]
    pub owners: BTreeMap<String, Owner>,
    /// IT or business services that steps depend on, by id.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_ids::deserialize"
    )]
    pub services: BTreeMap<String, Service>,
    /// The process nodes, by id.
    #[serde(deserialize_with = "unique_ids::deserialize")]
    pub nodes: BTreeMap<String, Node>,
    /// Sequence flows between nodes, in the order the user drew them.
    pub flows: Vec<Flow>,
    /// End-to-end service level on the whole case (start to end).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
    pub sla: Option<Sla>,
    /// Default simulation settings for this map.
    #[serde(default)]
    pub simulation: Simulation,
}

impl Default for ProcessMap {
    fn default() -> Self {
        Self {
            format: FORMAT_VERSION,
            title: "Untitled process".to_owned(),
            description: String::new(),
            calendars: BTreeMap::new(),
            owners: BTreeMap::new(),
            services: BTreeMap::new(),
            nodes: BTreeMap::new(),
            flows: Vec::new(),
            sla: None,
            simulation: Simulation::default(),
        }
    }
}

/// A team or role with a number of people (or machines) working in parallel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    /// Display name.
    pub name: String,
    /// How many cases it can work on at once.
    #[serde(default = "one")]
    pub capacity: u32,
    /// Cost of one unit of capacity per busy hour.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub cost_per_hour: f64,
    /// The calendar id of its working time; always working when absent.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
    pub calendar: Option<String>,
    /// The capacities `procmap optimize` may choose from, `(min, max)` inclusive; when absent
    /// it searches 1 to three times today's capacity (at least today's + 2).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
    pub capacity_range: Option<(u32, u32)>,
}

/// An IT or business service that steps use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Display name.
    pub name: String,
    /// Long-run fraction of time the service is up, in (0, 1].
    #[serde(default = "one_f64", skip_serializing_if = "is_one_f64")]
    pub availability: f64,
    /// Mean time to repair an outage ([`DEFAULT_MEAN_REPAIR`] when absent).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
    pub mean_repair: Option<Duration>,
    /// The calendar id of its planned maintenance: it is down during that calendar's shifts.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
    pub maintenance: Option<String>,
    /// Services this one needs: it is down while any of them is down.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Free text (Markdown allowed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Position on the canvas.
    #[serde(default)]
    pub at: Point,
}

/// A node of the process graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Node {
    /// Where cases enter.
    Start {
        /// Display name.
        name: String,
        /// Distribution of the time between two arrivals (an hourly exponential when neither
        /// this nor `rates` is given).
        #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
        arrivals: Option<Dist>,
        /// Arrival rates per window of the week (a non-homogeneous Poisson process); none
        /// outside the windows. Not together with `arrivals`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rates: Vec<Rate>,
        /// The calendar id whose open time the time between arrivals counts in.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
        calendar: Option<String>,
        /// Free text (Markdown allowed).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        notes: String,
        /// Position on the canvas.
        #[serde(default)]
        at: Point,
    },
    /// A piece of work done by an owner (or a pure delay without one).
    Step {
        /// Display name.
        name: String,
        /// The owner id whose capacity the work takes; none makes it a pure delay.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
        owner: Option<String>,
        /// Distribution of the work time.
        #[serde(default)]
        work: Dist,
        /// Service level on the step's lead time (wait + work).
        #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
        sla: Option<Sla>,
        /// The calendar id whose open time an ownerless step's delay counts in (a step with an
        /// owner works on the owner's calendar).
        #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
        calendar: Option<String>,
        /// Ids of the services the step needs.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        uses: Vec<String>,
        /// Free text (Markdown allowed).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        notes: String,
        /// Position on the canvas.
        #[serde(default)]
        at: Point,
    },
    /// Exclusive choice (XOR): exactly one outgoing flow is taken, by probability.
    Decision {
        /// Display name.
        name: String,
        /// Free text (Markdown allowed).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        notes: String,
        /// Position on the canvas.
        #[serde(default)]
        at: Point,
    },
    /// Parallel split (AND) with several outgoing flows, join with several incoming.
    Parallel {
        /// Display name.
        name: String,
        /// Free text (Markdown allowed).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        notes: String,
        /// Position on the canvas.
        #[serde(default)]
        at: Point,
    },
    /// Where cases finish.
    End {
        /// Display name.
        name: String,
        /// Free text (Markdown allowed).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        notes: String,
        /// Position on the canvas.
        #[serde(default)]
        at: Point,
    },
}

/// The kind of a node, without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    /// See [`Node::Start`].
    Start,
    /// See [`Node::Step`].
    Step,
    /// See [`Node::Decision`].
    Decision,
    /// See [`Node::Parallel`].
    Parallel,
    /// See [`Node::End`].
    End,
}

impl NodeKind {
    /// Every kind, in palette order.
    pub const ALL: [Self; 5] = [
        Self::Start,
        Self::Step,
        Self::Decision,
        Self::Parallel,
        Self::End,
    ];

    /// The kind's name as written in files.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Start => "Start",
            Self::Step => "Step",
            Self::Decision => "Decision",
            Self::Parallel => "Parallel",
            Self::End => "End",
        }
    }
}

impl ProcessMap {
    /// Every element: the nodes, then the services, each in id order.
    pub fn elements(&self) -> impl Iterator<Item = super::ElementRef> + '_ {
        self.nodes
            .keys()
            .map(|id| super::ElementRef::Node(id.clone()))
            .chain(
                self.services
                    .keys()
                    .map(|id| super::ElementRef::Service(id.clone())),
            )
    }

    /// The display name of an owner: its name, or the id when there is no such owner.
    #[must_use]
    pub fn owner_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.owners.get(id).map_or(id, |o| o.name.as_str())
    }

    /// The display name of a node: its name, or the id when there is no such node.
    #[must_use]
    pub fn node_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.nodes.get(id).map_or(id, Node::name)
    }

    /// The display name of a service: its name, or the id when there is no such service.
    #[must_use]
    pub fn service_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.services.get(id).map_or(id, |s| s.name.as_str())
    }
}

/// The mean repair time of a service that does not give one.
pub const DEFAULT_MEAN_REPAIR: Duration = Duration::from_ms(3_600_000);

impl Owner {
    /// An owner with `capacity` people, no cost and no calendar.
    #[must_use]
    pub fn new(name: impl Into<String>, capacity: u32) -> Self {
        Self {
            name: name.into(),
            capacity,
            cost_per_hour: 0.0,
            calendar: None,
            capacity_range: None,
        }
    }
}

impl Sla {
    /// A service level: `within` of the cases take at most `target` (elapsed time).
    #[must_use]
    pub fn new(target: Duration, within: f64) -> Self {
        Self {
            target,
            within,
            calendar: None,
        }
    }
}

impl Service {
    /// A service that is always up, with no dependencies, at the origin.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            availability: 1.0,
            mean_repair: None,
            maintenance: None,
            depends_on: Vec::new(),
            notes: String::new(),
            at: Point::default(),
        }
    }

    /// The mean repair time: the service's own, else [`DEFAULT_MEAN_REPAIR`].
    #[must_use]
    pub fn repair(&self) -> Duration {
        self.mean_repair.unwrap_or(DEFAULT_MEAN_REPAIR)
    }
}

impl Node {
    /// A new node of `kind` with default fields.
    #[must_use]
    pub fn new(kind: NodeKind, name: impl Into<String>, at: Point) -> Self {
        let name = name.into();
        let notes = String::new();
        match kind {
            NodeKind::Start => Self::Start {
                name,
                arrivals: Some(DEFAULT_ARRIVALS),
                rates: Vec::new(),
                calendar: None,
                notes,
                at,
            },
            NodeKind::Step => Self::Step {
                name,
                owner: None,
                work: Dist::Fixed(Duration::from_ms(10 * 60_000)),
                sla: None,
                calendar: None,
                uses: Vec::new(),
                notes,
                at,
            },
            NodeKind::Decision => Self::Decision { name, notes, at },
            NodeKind::Parallel => Self::Parallel { name, notes, at },
            NodeKind::End => Self::End { name, notes, at },
        }
    }

    /// True when a case leaving this node takes one of its `ways_out` flows by probability:
    /// a Decision with several ways out. Everywhere else every way out is taken (a Parallel
    /// split sends a token down each; a Decision with one way out is a pass-through). This is
    /// the one statement of that rule; [`crate::model::graph::Graph::branch_share`] applies it.
    #[must_use]
    pub fn chooses_by_probability(&self, ways_out: usize) -> bool {
        matches!(self, Self::Decision { .. }) && ways_out > 1
    }

    /// The node's kind.
    #[must_use]
    pub fn kind(&self) -> NodeKind {
        match self {
            Self::Start { .. } => NodeKind::Start,
            Self::Step { .. } => NodeKind::Step,
            Self::Decision { .. } => NodeKind::Decision,
            Self::Parallel { .. } => NodeKind::Parallel,
            Self::End { .. } => NodeKind::End,
        }
    }

    /// Display name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Start { name, .. }
            | Self::Step { name, .. }
            | Self::Decision { name, .. }
            | Self::Parallel { name, .. }
            | Self::End { name, .. } => name,
        }
    }

    /// Renames the node.
    pub fn set_name(&mut self, to: String) {
        match self {
            Self::Start { name, .. }
            | Self::Step { name, .. }
            | Self::Decision { name, .. }
            | Self::Parallel { name, .. }
            | Self::End { name, .. } => *name = to,
        }
    }

    /// Replaces the notes.
    pub fn set_notes(&mut self, to: String) {
        match self {
            Self::Start { notes, .. }
            | Self::Step { notes, .. }
            | Self::Decision { notes, .. }
            | Self::Parallel { notes, .. }
            | Self::End { notes, .. } => *notes = to,
        }
    }

    /// Free-text notes.
    #[must_use]
    pub fn notes(&self) -> &str {
        match self {
            Self::Start { notes, .. }
            | Self::Step { notes, .. }
            | Self::Decision { notes, .. }
            | Self::Parallel { notes, .. }
            | Self::End { notes, .. } => notes,
        }
    }

    /// Position on the canvas.
    #[must_use]
    pub fn at(&self) -> Point {
        match self {
            Self::Start { at, .. }
            | Self::Step { at, .. }
            | Self::Decision { at, .. }
            | Self::Parallel { at, .. }
            | Self::End { at, .. } => *at,
        }
    }

    /// Moves the node on the canvas.
    pub fn set_at(&mut self, to: Point) {
        match self {
            Self::Start { at, .. }
            | Self::Step { at, .. }
            | Self::Decision { at, .. }
            | Self::Parallel { at, .. }
            | Self::End { at, .. } => *at = to,
        }
    }

    /// The calendar id a node's time counts in (a Start's arrivals, an ownerless Step's delay).
    #[must_use]
    pub fn calendar(&self) -> Option<&str> {
        match self {
            Self::Start { calendar, .. } | Self::Step { calendar, .. } => calendar.as_deref(),
            _ => None,
        }
    }

    /// How a Start's cases arrive: its `rates` when it has them, else its time between
    /// arrivals (the default when it gives none). `None` for other nodes.
    #[must_use]
    pub fn arrival_pattern(&self) -> Option<Arrivals<'_>> {
        match self {
            Self::Start { rates, .. } if !rates.is_empty() => Some(Arrivals::Rates(rates)),
            Self::Start { arrivals, .. } => Some(Arrivals::Gaps(
                arrivals.as_ref().unwrap_or(&DEFAULT_ARRIVALS),
            )),
            _ => None,
        }
    }

    /// The owner id of a step.
    #[must_use]
    pub fn owner(&self) -> Option<&str> {
        match self {
            Self::Step { owner, .. } => owner.as_deref(),
            _ => None,
        }
    }
}

/// How cases arrive at a Start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arrivals<'a> {
    /// Times between arrivals from a distribution (counted in the Start's calendar, if any).
    Gaps(&'a Dist),
    /// Rates per window of the week.
    Rates(&'a [Rate]),
}

impl Simulation {
    /// When the simulated clock starts.
    #[must_use]
    pub fn start_time(&self) -> DateTime {
        self.start.unwrap_or(DateTime::DEFAULT_START)
    }
}

/// The text shown on each flow (same order as `map.flows`): its label, and its probability when
/// it leaves a Decision with several ways out ("yes 80%"); empty when there is nothing to show.
#[must_use]
pub fn flow_captions(map: &ProcessMap) -> Vec<String> {
    let mut outgoing: BTreeMap<&str, usize> = BTreeMap::new();
    for flow in &map.flows {
        *outgoing.entry(flow.from.as_str()).or_default() += 1;
    }
    map.flows
        .iter()
        .map(|flow| {
            let ways_out = outgoing.get(flow.from.as_str()).copied().unwrap_or(0);
            let choice = map
                .nodes
                .get(&flow.from)
                .is_some_and(|n| n.chooses_by_probability(ways_out));
            match (choice, flow.probability) {
                (true, Some(p)) if flow.label.is_empty() => format!("{:.0}%", p * 100.0),
                (true, Some(p)) => format!("{} {:.0}%", flow.label, p * 100.0),
                _ => flow.label.clone(),
            }
        })
        .collect()
}

/// A sequence flow from one node to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Probability of taking this flow when it leaves a Decision with several outgoing flows.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
    pub probability: Option<f64>,
    /// Text on the wire, such as "yes" or "no".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
}

impl Flow {
    /// A flow without probability or label.
    #[must_use]
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            probability: None,
            label: String::new(),
        }
    }
}

/// A service level: `within` of the cases must take at most `target`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// The time limit.
    pub target: Duration,
    /// The fraction of cases that must meet it, in (0, 1].
    #[serde(default = "default_within")]
    pub within: f64,
    /// The calendar id whose open time the target counts in ("2 business days" is `"16h"` on
    /// an 8-hour office calendar); elapsed time when absent.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
    pub calendar: Option<String>,
}

/// Default settings for simulating a map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// Cases measured in each replication (after the warm-up).
    #[serde(default = "default_cases")]
    pub cases: u64,
    /// Cases simulated first and left out of the statistics.
    #[serde(default)]
    pub warmup: u64,
    /// Independent repetitions, for confidence intervals.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Seed of the random streams: the same seed gives the same results.
    #[serde(default = "one_u64")]
    pub seed: u64,
    /// Simulate service outages (services with availability below 1 go down and come back).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub outages: bool,
    /// The date and time the simulated clock starts ([`DateTime::DEFAULT_START`], a Monday
    /// 00:00, when absent), so weekdays and closed dates fall on real dates.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]
    pub start: Option<DateTime>,
}

impl Default for Simulation {
    fn default() -> Self {
        Self {
            cases: default_cases(),
            warmup: 0,
            replications: default_replications(),
            seed: 1,
            outages: true,
            start: None,
        }
    }
}

fn yes() -> bool {
    true
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes a reference"
)]
fn is_true(value: &bool) -> bool {
    *value
}

fn one() -> u32 {
    1
}

fn one_u64() -> u64 {
    1
}

fn one_f64() -> f64 {
    1.0
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes a reference"
)]
fn is_one_f64(value: &f64) -> bool {
    #[allow(clippy::float_cmp, reason = "only an exact 1.0 is the default")]
    let one = *value == 1.0;
    one
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes a reference"
)]
fn is_zero_f64(value: &f64) -> bool {
    *value == 0.0
}

fn default_within() -> f64 {
    1.0
}

fn default_cases() -> u64 {
    10_000
}

fn default_replications() -> u32 {
    10
}

/// The time between arrivals of a Start that gives neither `arrivals` nor `rates`.
pub const DEFAULT_ARRIVALS: Dist = Dist::Exponential {
    mean: Duration::from_ms(3_600_000),
};
