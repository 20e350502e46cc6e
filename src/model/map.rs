//! The document types of a process map, exactly as they appear in a `.ron` file (format 1).
//!
//! Ids are the keys of the `owners`, `services` and `nodes` maps; `BTreeMap` keeps them sorted so
//! that saves are stable and diff cleanly. Optional fields are skipped when they hold their
//! default, so a saved file carries only what the user set.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Dist, Duration};

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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "bare_some::serialize",
        deserialize_with = "bare_some::deserialize"
    )]
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "bare_some::serialize",
        deserialize_with = "bare_some::deserialize"
    )]
    pub mean_repair: Option<Duration>,
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
        /// Distribution of the time between two arrivals.
        #[serde(default = "default_arrivals")]
        arrivals: Dist,
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
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "bare_some::serialize",
            deserialize_with = "bare_some::deserialize"
        )]
        owner: Option<String>,
        /// Distribution of the work time.
        #[serde(default)]
        work: Dist,
        /// Service level on the step's lead time (wait + work).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "bare_some::serialize",
            deserialize_with = "bare_some::deserialize"
        )]
        sla: Option<Sla>,
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
        }
    }
}

impl Sla {
    /// A service level: `within` of the cases take at most `target` (elapsed time).
    #[must_use]
    pub fn new(target: Duration, within: f64) -> Self {
        Self { target, within }
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
                arrivals: default_arrivals(),
                notes,
                at,
            },
            NodeKind::Step => Self::Step {
                name,
                owner: None,
                work: Dist::Fixed(Duration::from_ms(10 * 60_000)),
                sla: None,
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

    /// The owner id of a step.
    #[must_use]
    pub fn owner(&self) -> Option<&str> {
        match self {
            Self::Step { owner, .. } => owner.as_deref(),
            _ => None,
        }
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "bare_some::serialize",
        deserialize_with = "bare_some::deserialize"
    )]
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// The time limit.
    pub target: Duration,
    /// The fraction of cases that must meet it, in (0, 1].
    #[serde(default = "default_within")]
    pub within: f64,
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
}

impl Default for Simulation {
    fn default() -> Self {
        Self {
            cases: default_cases(),
            warmup: 0,
            replications: default_replications(),
            seed: 1,
            outages: true,
        }
    }
}

/// A position on the canvas, in canvas units (about one pixel at 100% zoom).
/// Written as `(x, y)`, with whole numbers written without a decimal point.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Left to right.
    pub x: f64,
    /// Top to bottom.
    pub y: f64,
}

impl Point {
    /// A point at `(x, y)`.
    #[must_use]
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (Coord(self.x), Coord(self.y)).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (x, y) = <(f64, f64)>::deserialize(deserializer)?;
        if !(x.is_finite() && y.is_finite()) {
            return Err(serde::de::Error::custom(
                "a position must be two finite numbers, like (200, -80)",
            ));
        }
        Ok(Self { x, y })
    }
}

/// One coordinate, written as an integer when it is whole.
struct Coord(f64);

impl Serialize for Coord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "only whole values well inside i64's range are cast"
        )]
        if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            serializer.serialize_i64(self.0 as i64)
        } else {
            serializer.serialize_f64(self.0)
        }
    }
}

/// The start of the error message for an id given twice.
pub(crate) use unique_ids::DUPLICATE as DUPLICATE_ID;

/// Reads an id-keyed map and refuses an id given twice (a later entry would silently replace
/// the first, and `fmt` would then drop it). The error names the id; `io::from_str` adds the
/// lines of both entries.
mod unique_ids {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};

    /// The start of the message, which `io::from_str` recognises.
    pub const DUPLICATE: &str = "the id ";

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        struct Unique<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Unique<T> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of ids to elements, such as {\"id\": ...}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(id) = access.next_key::<String>()? {
                    if out.contains_key(&id) {
                        return Err(A::Error::custom(format!(
                            "{DUPLICATE}{id:?} is used twice; ids must be unique"
                        )));
                    }
                    let value = access.next_value()?;
                    out.insert(id, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Unique(PhantomData))
    }
}

/// Writes `Some(x)` as plain `x`, so files read `sla: Sla(..)` instead of `sla: Some(Sla(..))`.
/// Use with `skip_serializing_if = "Option::is_none"` and `default`.
mod bare_some {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[allow(
        clippy::ref_option,
        reason = "the signature serde's serialize_with expects"
    )]
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
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

fn default_arrivals() -> Dist {
    Dist::Exponential {
        mean: Duration::from_ms(3_600_000),
    }
}
