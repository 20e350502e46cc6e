//! The rules that say what a valid map is. [`validate`] returns every problem at once, each with
//! a severity, the element it concerns and a plain sentence, so an editor can list them and a CI
//! job can print them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod calendars;
mod joins;
mod sizes;

use super::graph::Graph;
use super::{Dist, NodeKind, ProcessMap, Sla, limits};
use calendars::check_calendars;
use joins::check_joins;
use sizes::check_sizes;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The map cannot be simulated or means something other than intended.
    Error,
    /// Probably a mistake, but the map still works.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

/// The element a problem is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The map as a whole.
    Map,
    /// A node, by id.
    Node(String),
    /// A flow, by index in the document, with its ends.
    Flow {
        /// Index in [`ProcessMap::flows`].
        index: usize,
        /// Source id.
        from: String,
        /// Target id.
        to: String,
    },
    /// An owner, by id.
    Owner(String),
    /// A service, by id.
    Service(String),
    /// A calendar, by id.
    Calendar(String),
    /// The simulation settings.
    Simulation,
}

impl Subject {
    /// The node id, when the problem concerns a node (or the source of a flow).
    #[must_use]
    pub fn node_id(&self) -> Option<&str> {
        match self {
            Self::Node(id) => Some(id),
            Self::Flow { from, .. } => Some(from),
            _ => None,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Map => f.write_str("map"),
            Self::Node(id) => write!(f, "node '{id}'"),
            Self::Flow { index, from, to } => write!(f, "flow #{} '{from}' -> '{to}'", index + 1),
            Self::Owner(id) => write!(f, "owner '{id}'"),
            Self::Service(id) => write!(f, "service '{id}'"),
            Self::Calendar(id) => write!(f, "calendar '{id}'"),
            Self::Simulation => f.write_str("simulation"),
        }
    }
}

/// One thing wrong with a map.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// How bad it is.
    pub severity: Severity,
    /// What it is about.
    pub subject: Subject,
    /// A plain sentence saying what is wrong and, where possible, how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ids and names may hold line breaks or escapes: a problem stays one line.
        let line = format!("{}: {}: {}", self.subject, self.severity, self.message);
        f.write_str(&limits::printable(&line))
    }
}

/// True when any problem is an error.
#[must_use]
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

/// How many id comparisons one validation spends on "did you mean" hints: each hint compares
/// one id with every id of its kind, so thousands of dangling references in a map of thousands
/// of ids would otherwise take minutes. Past the budget, problems come without hints.
const SUGGESTION_BUDGET: usize = 100_000;

/// Collects problems while checking.
struct Report {
    problems: Vec<Problem>,
    suggestions_left: usize,
}

impl Report {
    /// The closest known id to a misspelt one, as " (did you mean 'x'?)", or "".
    fn suggest<'a, I>(&mut self, wrong: &str, known: I) -> String
    where
        I: IntoIterator<Item = &'a String>,
        I::IntoIter: ExactSizeIterator,
    {
        let known = known.into_iter();
        let length = wrong.chars().count();
        if known.len() > self.suggestions_left || length > 64 {
            return String::new();
        }
        self.suggestions_left -= known.len();
        let limit = (length / 3).max(2);
        known
            .filter(|k| k.len().abs_diff(wrong.len()) <= limit * 4)
            .map(|k| (strsim::levenshtein(wrong, k), k))
            .filter(|(distance, _)| *distance <= limit)
            .min()
            .map(|(_, k)| format!(" (did you mean '{k}'?)"))
            .unwrap_or_default()
    }

    fn push(&mut self, severity: Severity, subject: Subject, message: String) {
        self.problems.push(Problem {
            severity,
            subject,
            message,
        });
    }
    fn error(&mut self, subject: Subject, message: String) {
        self.push(Severity::Error, subject, message);
    }
    fn warning(&mut self, subject: Subject, message: String) {
        self.push(Severity::Warning, subject, message);
    }
}

/// Tolerance for probabilities adding up to one.
const SUM_TOLERANCE: f64 = 1e-6;

/// Only the size checks of [`validate`]: what would make rendering or analysing the map take
/// unbounded time or memory (see [`limits`]). Exports refuse maps with any of these.
#[must_use]
pub fn size_problems(map: &ProcessMap) -> Vec<Problem> {
    let mut report = Report {
        problems: Vec::new(),
        suggestions_left: 0,
    };
    check_sizes(map, &mut report);
    report.problems
}

/// Checks a map and returns every problem found, errors first, then in document order.
#[must_use]
pub fn validate(map: &ProcessMap) -> Vec<Problem> {
    let mut report = Report {
        problems: Vec::new(),
        suggestions_left: SUGGESTION_BUDGET,
    };
    check_sizes(map, &mut report);
    check_owners(map, &mut report);
    check_services(map, &mut report);
    check_nodes(map, &mut report);
    check_calendars(map, &mut report);
    check_flows(map, &mut report);
    check_graph(map, &mut report);
    check_settings(map, &mut report);
    let mut problems = report.problems;
    problems.sort_by_key(|p| p.severity);
    problems
}

fn check_sla(sla: &Sla, subject: &Subject, report: &mut Report) {
    if !(sla.within > 0.0 && sla.within <= 1.0) {
        report.error(
            subject.clone(),
            format!(
                "SLA 'within' must be a fraction in (0, 1], such as 0.95 for 95% (found {})",
                sla.within
            ),
        );
    }
    if sla.target.is_zero() {
        report.error(
            subject.clone(),
            "SLA target must be longer than zero".to_owned(),
        );
    }
}

fn check_dist(dist: &Dist, arrivals: bool, subject: &Subject, report: &mut Report) {
    for message in dist.problems(arrivals) {
        report.error(subject.clone(), message);
    }
}

fn check_owners(map: &ProcessMap, report: &mut Report) {
    let used: BTreeSet<&str> = map.nodes.values().filter_map(|n| n.owner()).collect();
    for (id, owner) in &map.owners {
        let subject = Subject::Owner(id.clone());
        if owner.capacity == 0 {
            report.error(
                subject.clone(),
                "capacity is 0: nobody could ever do its work (use 1 or more)".to_owned(),
            );
        }
        if !(owner.cost_per_hour.is_finite() && owner.cost_per_hour >= 0.0) {
            report.error(
                subject.clone(),
                format!(
                    "cost_per_hour must be zero or more (found {})",
                    owner.cost_per_hour
                ),
            );
        }
        if owner.name.trim().is_empty() {
            report.warning(subject.clone(), "has no name".to_owned());
        }
        if !used.contains(id.as_str()) {
            report.warning(subject, "owns no step".to_owned());
        }
    }
}

fn check_services(map: &ProcessMap, report: &mut Report) {
    for (id, service) in &map.services {
        let subject = Subject::Service(id.clone());
        if !(service.availability > 0.0 && service.availability <= 1.0) {
            report.error(
                subject.clone(),
                format!(
                    "availability must be a fraction in (0, 1], such as 0.995 (found {})",
                    service.availability
                ),
            );
        }
        if service.mean_repair.is_some_and(super::Duration::is_zero) {
            report.error(
                subject.clone(),
                "mean_repair must be longer than zero".to_owned(),
            );
        }
        for dep in &service.depends_on {
            if !map.services.contains_key(dep) {
                let hint = report.suggest(dep, map.services.keys());
                report.error(
                    subject.clone(),
                    format!("depends on '{dep}', which is not a service{hint}"),
                );
            }
        }
    }
    // Cycles in depends_on: depth-first search with colours; report each cycle once.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 = on the path, 2 = done
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in map.services.keys() {
        let mut path: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        if state.contains_key(start.as_str()) {
            continue;
        }
        state.insert(start, 1);
        while let Some(&mut (id, ref mut pos)) = path.last_mut() {
            let deps = map.services.get(id).map_or(&[][..], |s| &s.depends_on[..]);
            if let Some(dep) = deps.get(*pos) {
                *pos += 1;
                if !map.services.contains_key(dep) {
                    continue;
                }
                match state.get(dep.as_str()) {
                    None => {
                        state.insert(dep, 1);
                        path.push((dep, 0));
                    }
                    Some(1) => {
                        let from = path.iter().position(|(p, _)| *p == dep).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            path[from..].iter().map(|(p, _)| (*p).to_owned()).collect();
                        let mut key = cycle.clone();
                        key.sort();
                        if reported.insert(key) {
                            cycle.push(dep.clone());
                            report.error(
                                Subject::Service(dep.clone()),
                                format!(
                                    "services depend on each other in a circle: {}",
                                    cycle.join(" -> ")
                                ),
                            );
                        }
                    }
                    Some(_) => {}
                }
            } else {
                state.insert(id, 2);
                path.pop();
            }
        }
    }
}

fn check_nodes(map: &ProcessMap, report: &mut Report) {
    use super::Node;
    for (id, node) in &map.nodes {
        let subject = Subject::Node(id.clone());
        if id.trim().is_empty() {
            report.warning(subject.clone(), "has an empty id".to_owned());
        }
        if node.name().trim().is_empty() {
            report.warning(subject.clone(), "has no name".to_owned());
        }
        match node {
            Node::Start {
                arrivals: Some(arrivals),
                ..
            } => check_dist(arrivals, true, &subject, report),
            Node::Step {
                owner,
                work,
                sla,
                uses,
                ..
            } => {
                if let Some(owner) = owner
                    && !map.owners.contains_key(owner)
                {
                    let hint = report.suggest(owner, map.owners.keys());
                    report.error(
                        subject.clone(),
                        format!("owner '{owner}' is not defined{hint}"),
                    );
                }
                check_dist(work, false, &subject, report);
                if let Some(sla) = sla {
                    check_sla(sla, &subject, report);
                }
                let mut seen = BTreeSet::new();
                for service in uses {
                    if !map.services.contains_key(service) {
                        let hint = report.suggest(service, map.services.keys());
                        report.error(
                            subject.clone(),
                            format!("uses service '{service}', which is not defined{hint}"),
                        );
                    } else if !seen.insert(service) {
                        report.warning(subject.clone(), format!("uses service '{service}' twice"));
                    }
                }
            }
            Node::Start { arrivals: None, .. }
            | Node::Decision { .. }
            | Node::Parallel { .. }
            | Node::End { .. } => {}
        }
    }
}

fn check_flows(map: &ProcessMap, report: &mut Report) {
    let mut seen = BTreeSet::new();
    for (index, flow) in map.flows.iter().enumerate() {
        let subject = Subject::Flow {
            index,
            from: flow.from.clone(),
            to: flow.to.clone(),
        };
        for (end, id) in [("comes from", &flow.from), ("goes to", &flow.to)] {
            if !map.nodes.contains_key(id) {
                let hint = report.suggest(id, map.nodes.keys());
                report.error(
                    subject.clone(),
                    format!("{end} '{id}', which is not a node{hint}"),
                );
            }
        }
        if !seen.insert((&flow.from, &flow.to)) {
            report.warning(subject, "is drawn twice between the same nodes".to_owned());
        }
    }
}

fn check_graph(map: &ProcessMap, report: &mut Report) {
    let graph = Graph::new(map);
    let node = |i: usize| Subject::Node(graph.ids.get(i).copied().unwrap_or("").to_owned());
    let of_kind = |kind: NodeKind| -> Vec<usize> {
        (0..graph.len())
            .filter(|&i| graph.kind(i) == Some(kind))
            .collect()
    };
    let starts = of_kind(NodeKind::Start);
    let ends = of_kind(NodeKind::End);
    if starts.is_empty() {
        report.error(
            Subject::Map,
            "has no Start: add one where cases enter".to_owned(),
        );
    }
    if ends.is_empty() {
        report.error(
            Subject::Map,
            "has no End: add one where cases finish".to_owned(),
        );
    }

    for i in 0..graph.len() {
        let outs = &graph.out[i];
        let ins = &graph.inc[i];
        match graph.kind(i) {
            Some(NodeKind::Start) if !ins.is_empty() => {
                report.error(
                    node(i),
                    "is a Start but has incoming flows (cases only enter here)".to_owned(),
                );
            }
            Some(NodeKind::End) if !outs.is_empty() => {
                report.error(
                    node(i),
                    "is an End but has outgoing flows (cases finish here)".to_owned(),
                );
            }
            Some(NodeKind::Parallel) if ins.len() <= 1 && outs.len() == 1 => {
                report.warning(
                    node(i),
                    "is a Parallel with one way in and one way out: it neither splits nor joins"
                        .to_owned(),
                );
            }
            _ => {}
        }
        if matches!(graph.kind(i), Some(NodeKind::Start | NodeKind::Step)) && outs.len() > 1 {
            let kind = graph.kind(i).map_or("", NodeKind::label);
            report.error(
                node(i),
                format!(
                    "has {} outgoing flows; a {kind} takes one way out \
                     (use a Decision to choose one or a Parallel to take all)",
                    outs.len()
                ),
            );
        }
        check_probabilities(map, &graph, i, report);
    }

    // Reachability: from the Starts forwards, and back from the Ends.
    let forward = graph.reach(starts.iter().copied(), |n| {
        graph.out[n].iter().map(|e| e.node).collect()
    });
    let backward = graph.reach(ends.iter().copied(), |n| {
        graph.inc[n].iter().map(|e| e.node).collect()
    });
    // Back from the Ends again, using only flows a case can actually take (probability > 0).
    let takeable =
        |e: &super::graph::Edge| graph.branch_share(e.node, e.flow).is_none_or(|p| p > 0.0);
    let backward_live = graph.reach(ends.iter().copied(), |n| {
        graph.inc[n]
            .iter()
            .filter(|e| takeable(e))
            .map(|e| e.node)
            .collect()
    });
    let mut in_cycle = vec![false; graph.len()];
    for component in graph.components() {
        if component.len() > 1 {
            for &i in &component {
                in_cycle[i] = true;
            }
        } else if let Some(&i) = component.first() {
            in_cycle[i] = graph.has_self_loop(i);
        }
    }
    for i in 0..graph.len() {
        if !starts.is_empty() && !forward[i] {
            report.error(
                node(i),
                "cannot be reached from any Start (connect a flow into it)".to_owned(),
            );
        } else if !ends.is_empty() && !backward[i] {
            if in_cycle[i] {
                report.error(
                    node(i),
                    "is in a loop with no way out to an End: cases would circle forever".to_owned(),
                );
            } else {
                report.error(
                    node(i),
                    "leads to no End: cases reaching it would never finish".to_owned(),
                );
            }
        } else if !ends.is_empty() && !backward_live[i] && forward[i] {
            report.error(
                node(i),
                "is in a loop that no case can ever leave: every way out has probability 0"
                    .to_owned(),
            );
        }
    }
    check_joins(&graph, report);
}

fn check_probabilities(map: &ProcessMap, graph: &Graph<'_>, i: usize, report: &mut Report) {
    let outs = &graph.out[i];
    let is_choice = graph.is_choice(i);
    let flow_subject = |flow: usize| {
        let f = map.flows.get(flow);
        Subject::Flow {
            index: flow,
            from: f.map(|f| f.from.clone()).unwrap_or_default(),
            to: f.map(|f| f.to.clone()).unwrap_or_default(),
        }
    };
    if !is_choice {
        for edge in outs {
            if map
                .flows
                .get(edge.flow)
                .and_then(|f| f.probability)
                .is_some()
            {
                report.warning(
                    flow_subject(edge.flow),
                    "has a probability, which is ignored: only flows leaving a Decision with \
                     several ways out use one"
                        .to_owned(),
                );
            }
        }
        return;
    }
    let mut sum = 0.0;
    let mut complete = true;
    for edge in outs {
        match map.flows.get(edge.flow).and_then(|f| f.probability) {
            None => {
                complete = false;
                report.error(
                    flow_subject(edge.flow),
                    "leaves a Decision but has no probability (add e.g. probability: 0.5)"
                        .to_owned(),
                );
            }
            Some(p) if !(0.0..=1.0).contains(&p) => {
                complete = false;
                report.error(
                    flow_subject(edge.flow),
                    format!("probability must be between 0 and 1 (found {p})"),
                );
            }
            Some(p) => sum += p,
        }
    }
    if complete && (sum - 1.0).abs() > SUM_TOLERANCE {
        report.error(
            Subject::Node(graph.ids.get(i).copied().unwrap_or("").to_owned()),
            format!(
                "the probabilities of its {} outgoing flows add up to {}, not 1",
                outs.len(),
                (sum * 1e6).round() / 1e6
            ),
        );
    }
}

fn check_settings(map: &ProcessMap, report: &mut Report) {
    if let Some(sla) = &map.sla {
        check_sla(sla, &Subject::Map, report);
    }
    let sim = &map.simulation;
    if sim.cases == 0 {
        report.error(Subject::Simulation, "cases must be at least 1".to_owned());
    }
    if sim.replications == 0 {
        report.error(
            Subject::Simulation,
            "replications must be at least 1".to_owned(),
        );
    }
    if let Some(why) = limits::simulation_too_big(sim.cases, sim.warmup, sim.replications) {
        report.error(Subject::Simulation, why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Node, Owner, Point};

    fn line_map() -> ProcessMap {
        let mut map = ProcessMap::default();
        map.owners.insert("sales".into(), Owner::new("Sales", 1));
        map.nodes.insert(
            "s".into(),
            Node::new(NodeKind::Start, "S", Point::default()),
        );
        let mut step = Node::new(NodeKind::Step, "Work", Point::default());
        if let Node::Step { owner, .. } = &mut step {
            *owner = Some("sales".into());
        }
        map.nodes.insert("w".into(), step);
        map.nodes
            .insert("e".into(), Node::new(NodeKind::End, "E", Point::default()));
        map.flows.push(Flow::new("s", "w"));
        map.flows.push(Flow::new("w", "e"));
        map
    }

    fn messages(map: &ProcessMap) -> Vec<String> {
        validate(map).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_line_is_clean() {
        assert!(
            messages(&line_map()).is_empty(),
            "{:?}",
            messages(&line_map())
        );
    }

    #[test]
    fn unknown_owner_suggests_the_right_one() {
        let mut map = line_map();
        if let Some(Node::Step { owner, .. }) = map.nodes.get_mut("w") {
            *owner = Some("salez".into());
        }
        let found = messages(&map);
        assert!(
            found.contains(
                &"node 'w': error: owner 'salez' is not defined (did you mean 'sales'?)".to_owned()
            ),
            "{found:?}"
        );
    }

    #[test]
    fn loops_without_exit_are_found() {
        let mut map = line_map();
        map.nodes.insert(
            "d".into(),
            Node::new(NodeKind::Decision, "D", Point::default()),
        );
        map.flows = vec![
            Flow::new("s", "w"),
            Flow::new("w", "d"),
            Flow {
                probability: Some(1.0),
                ..Flow::new("d", "w")
            },
            Flow {
                probability: Some(0.0),
                ..Flow::new("d", "e")
            },
        ];
        let found = messages(&map);
        assert!(
            found
                .iter()
                .any(|m| m.contains("node 'w'") && m.contains("no case can ever leave")),
            "{found:?}"
        );
    }

    #[test]
    fn branching_steps_and_bad_sums_are_errors() {
        let mut map = line_map();
        map.nodes.insert(
            "e2".into(),
            Node::new(NodeKind::End, "E2", Point::default()),
        );
        map.flows.push(Flow::new("w", "e2"));
        let found = messages(&map);
        assert!(
            found.iter().any(|m| m.contains("has 2 outgoing flows")),
            "{found:?}"
        );
    }

    #[test]
    fn service_cycles_are_found() {
        use crate::model::Service;
        let mut map = line_map();
        for (id, dep) in [("a", "b"), ("b", "a")] {
            map.services.insert(
                id.into(),
                Service {
                    depends_on: vec![dep.into()],
                    ..Service::new(id)
                },
            );
        }
        let found = messages(&map);
        assert_eq!(
            found.iter().filter(|m| m.contains("in a circle")).count(),
            1,
            "{found:?}"
        );
    }
}
