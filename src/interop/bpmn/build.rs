//! The second pass of the BPMN reader: a [`Doc`] into a Procmap map. Flow nodes become nodes
//! (see the table in `docs/BPMN.md`), expanded sub-processes are flattened (their entry and exit
//! wired through), boundary events become an extra way out of their activity, and what BPMN
//! allows but Procmap does not (several flows out of a task, a task without a way out) is fixed
//! with an added node and a warning. A file Procmap wrote is read back exactly from its own
//! extension elements.

use std::collections::{BTreeMap, HashMap};

use super::read::{Doc, Kind, RawFlow};
use super::{Imported, SCALE, Warning};
use crate::model::{Dist, Flow, Node, NodeKind, Owner, Point, ProcessMap, limits};

/// A node being built, with where it came from.
pub(super) struct Built {
    pub(super) node: Node,
    element: String,
    /// True for nodes the reader added (no BPMN element of that id).
    pub(super) added: bool,
    /// The BPMN centre, scaled, when the diagram draws it.
    pub(super) centre: Option<(f64, f64)>,
    /// A node this one is placed beside when it has no diagram position.
    pub(super) anchor: Option<(String, (f64, f64))>,
}

pub(super) struct Builder {
    pub(super) nodes: BTreeMap<String, Built>,
    pub(super) flows: Vec<(Flow, Option<String>, bool)>,
    warnings: Vec<Warning>,
}

impl Builder {
    fn warn(&mut self, id: &str, element: &str, what: String) {
        self.warnings.push(Warning {
            id: id.to_owned(),
            element: element.to_owned(),
            what,
        });
    }

    /// Adds a node placed at `offset` (BPMN units) from `anchor`'s centre.
    fn add(&mut self, id: String, node: Node, anchor: &str, offset: (f64, f64)) {
        self.nodes.insert(
            id,
            Built {
                node,
                element: "(added)".to_owned(),
                added: true,
                centre: None,
                anchor: Some((anchor.to_owned(), offset)),
            },
        );
    }

    fn outgoing(&self, id: &str) -> Vec<usize> {
        (0..self.flows.len())
            .filter(|&i| self.flows[i].0.from == id)
            .collect()
    }

    fn fresh(&self, base: &str) -> String {
        let mut id = base.to_owned();
        let mut n = 2;
        while self.nodes.contains_key(&id) {
            id = format!("{base}{n}");
            n += 1;
        }
        id
    }
}

/// Where an added split goes: under its node, a little to the right (BPMN units), clear of
/// the next element on the same line.
const BELOW: (f64, f64) = (30.0, 75.0);

/// How far under its activity's centre a boundary event's card goes (canvas units).
const BOUNDARY_DROP: f64 = 190.0;

fn pass(name: &str) -> Node {
    Node::new(NodeKind::Decision, name, Point::default())
}

/// Builds the map.
pub fn build(doc: &Doc, fallback_title: &str) -> Imported {
    if let Some(exact) = exact(doc) {
        return exact;
    }
    let mut b = Builder {
        nodes: BTreeMap::new(),
        flows: Vec::new(),
        warnings: doc.warnings.clone(),
    };
    if doc.params.is_empty() {
        b.warn(
            "(document)",
            "definitions",
            "no BPSim simulation data: every task takes 10 minutes and cases arrive every hour \
             on average; set real times and owner capacities before trusting a simulation"
                .to_owned(),
        );
    }
    let mut owners: BTreeMap<String, Owner> = BTreeMap::new();
    for raw in &doc.nodes {
        let params = doc.params.get(&raw.id);
        let nested = raw.parent.is_some();
        let mut node = match &raw.kind {
            Kind::Start if !nested => {
                let mut node = Node::new(NodeKind::Start, raw.name.clone(), Point::default());
                if let (Node::Start { arrivals, .. }, Some(dist)) =
                    (&mut node, params.and_then(|p| p.inter_trigger.clone()))
                {
                    *arrivals = Some(dist);
                }
                node
            }
            Kind::End if !nested => Node::new(NodeKind::End, raw.name.clone(), Point::default()),
            Kind::Task => {
                let mut node = Node::new(NodeKind::Step, raw.name.clone(), Point::default());
                let owner_id = raw
                    .lane
                    .clone()
                    .filter(|l| doc.lanes.contains_key(l))
                    .or_else(|| {
                        raw.resource
                            .clone()
                            .filter(|r| doc.resources.contains_key(r))
                    });
                if let Some(owner_id) = &owner_id {
                    owners.entry(owner_id.clone()).or_insert_with(|| {
                        let name = doc
                            .lanes
                            .get(owner_id)
                            .map(|l| l.name.clone())
                            .or_else(|| doc.resources.get(owner_id).cloned())
                            .unwrap_or_else(|| owner_id.clone());
                        owner_for(doc, owner_id, &name)
                    });
                }
                if let Node::Step { owner, work, .. } = &mut node {
                    owner.clone_from(&owner_id);
                    if let Some(dist) = params.and_then(|p| p.processing.clone()) {
                        *work = dist;
                    }
                }
                node
            }
            Kind::Timer(duration) => {
                let mut node = Node::new(NodeKind::Step, raw.name.clone(), Point::default());
                if let Node::Step { work, .. } = &mut node {
                    *work = Dist::Fixed(*duration);
                }
                node
            }
            Kind::Parallel => Node::new(NodeKind::Parallel, raw.name.clone(), Point::default()),
            Kind::Exclusive | Kind::Approximate => {
                Node::new(NodeKind::Decision, raw.name.clone(), Point::default())
            }
            Kind::Start | Kind::End | Kind::Expanded | Kind::Pass | Kind::Boundary { .. } => {
                pass(&raw.name)
            }
        };
        let mut name = raw.name.clone();
        if name.chars().count() > limits::MAX_NAME_CHARS {
            name = name.chars().take(limits::MAX_NAME_CHARS).collect();
            b.warn(
                &raw.id,
                &raw.element,
                format!("name cut to {} characters", limits::MAX_NAME_CHARS),
            );
        }
        node.set_name(name);
        let mut notes = raw.notes.clone();
        if notes.chars().count() > limits::MAX_TEXT_CHARS {
            notes = notes.chars().take(limits::MAX_TEXT_CHARS).collect();
            b.warn(&raw.id, &raw.element, "notes cut".to_owned());
        }
        node.set_notes(notes);
        let centre = doc.shapes.get(&raw.id).map(|r| {
            let (x, y) = r.centre();
            // An expanded sub-process's exit sits on its bottom-right corner, clear of its
            // content and of what follows it.
            let (dx, dy) = if raw.kind == Kind::Expanded {
                (r.w / 2.0, r.h / 2.0)
            } else {
                (0.0, 0.0)
            };
            let mut centre = ((x + dx) * SCALE.0, (y + dy) * SCALE.1);
            // A boundary event is drawn on its activity's border; its card goes two rows
            // under the activity (the added Decision after the activity takes the row between).
            if let Kind::Boundary { host } = &raw.kind {
                if let Some(host) = doc.shapes.get(host) {
                    centre.1 = host.centre().1 * SCALE.1 + BOUNDARY_DROP;
                }
            }
            centre
        });
        if b.nodes.contains_key(&raw.id) {
            b.warn(
                &raw.id,
                &raw.element,
                "left out: a second element with the same id".to_owned(),
            );
            continue;
        }
        b.nodes.insert(
            raw.id.clone(),
            Built {
                node,
                element: raw.element.clone(),
                added: false,
                centre,
                anchor: None,
            },
        );
    }
    for flow in &doc.flows {
        let known = |id: &str| b.nodes.contains_key(id);
        if !known(&flow.from) || !known(&flow.to) {
            let missing = if known(&flow.from) {
                &flow.to
            } else {
                &flow.from
            };
            b.warn(
                &flow.id,
                "sequenceFlow",
                format!("left out: it connects '{missing}', which is not a node Procmap reads"),
            );
            continue;
        }
        let mut f = Flow::new(flow.from.clone(), flow.to.clone());
        f.label.clone_from(&flow.name);
        b.flows.push((f, Some(flow.id.clone()), flow.condition));
    }
    flatten(doc, &mut b);
    boundaries(doc, &mut b);
    fix_ups(&mut b);
    probabilities(doc, &doc.flows, &mut b);
    let mut map = ProcessMap {
        title: if doc.title.is_empty() {
            fallback_title.to_owned()
        } else {
            doc.title.clone()
        },
        owners,
        ..ProcessMap::default()
    };
    super::place::place(&mut b, &mut map);
    let flow_ids = b.flows.iter().map(|(_, id, _)| id.clone()).collect();
    map.flows = b.flows.into_iter().map(|(f, _, _)| f).collect();
    let mut warnings = b.warnings;
    for problem in crate::model::validate(&map) {
        if problem.severity == crate::model::Severity::Error {
            warnings.push(Warning {
                id: problem.subject.node_id().unwrap_or("(map)").to_owned(),
                element: "(imported map)".to_owned(),
                what: format!("still a problem after import: {}", problem.message),
            });
        }
    }
    Imported {
        map,
        warnings,
        flow_ids,
    }
}

fn owner_for(doc: &Doc, id: &str, name: &str) -> Owner {
    let mut owner = Owner::new(name, 1);
    // Parameters on the lane itself, else on a resource of the same name.
    let params = doc.params.get(id).or_else(|| {
        doc.resources
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .and_then(|(rid, _)| doc.params.get(rid))
    });
    if let Some(p) = params {
        if let Some(q) = p.quantity {
            owner.capacity = q;
        }
        if let Some(c) = p.unit_cost {
            owner.cost_per_hour = c.min(limits::MAX_COST_PER_HOUR);
        }
    }
    owner
}

/// Expanded sub-processes: flows into one go to its start events (through a Parallel when it
/// has several), its end events flow to a pass-through with the sub-process's id, from which
/// its outgoing flows leave.
fn flatten(doc: &Doc, b: &mut Builder) {
    for sub in doc.nodes.iter().filter(|n| n.kind == Kind::Expanded) {
        if !b.nodes.contains_key(&sub.id) {
            continue;
        }
        let inside: Vec<&str> = doc
            .nodes
            .iter()
            .filter(|n| n.parent.as_deref() == Some(sub.id.as_str()) && b.nodes.contains_key(&n.id))
            .map(|n| n.id.as_str())
            .collect();
        let has_in = |id: &str, b: &Builder| b.flows.iter().any(|(f, _, _)| f.to == id);
        let has_out = |id: &str, b: &Builder| b.flows.iter().any(|(f, _, _)| f.from == id);
        let mut entries: Vec<&str> = doc
            .nodes
            .iter()
            .filter(|n| n.parent.as_deref() == Some(sub.id.as_str()) && n.kind == Kind::Start)
            .map(|n| n.id.as_str())
            .collect();
        if entries.is_empty() {
            entries = inside.iter().copied().filter(|id| !has_in(id, b)).collect();
        }
        let mut exits: Vec<&str> = doc
            .nodes
            .iter()
            .filter(|n| n.parent.as_deref() == Some(sub.id.as_str()) && n.kind == Kind::End)
            .map(|n| n.id.as_str())
            .collect();
        if exits.is_empty() {
            exits = inside
                .iter()
                .copied()
                .filter(|id| !has_out(id, b))
                .collect();
        }
        let entry = match entries.as_slice() {
            [] => None,
            [one] => Some((*one).to_owned()),
            _ => {
                let id = b.fresh(&format!("{}__entry", sub.id));
                b.add(
                    id.clone(),
                    Node::new(
                        NodeKind::Parallel,
                        format!("Enter {}", sub.name),
                        Point::default(),
                    ),
                    entries[0],
                    (-100.0, 0.0),
                );
                for e in &entries {
                    b.flows.push((Flow::new(id.clone(), *e), None, false));
                }
                b.warn(
                    &sub.id,
                    &sub.element,
                    format!(
                        "has {} ways in: a Parallel '{id}' starts them all",
                        entries.len()
                    ),
                );
                Some(id)
            }
        };
        if let Some(entry) = entry {
            for (flow, _, _) in &mut b.flows {
                if flow.to == sub.id {
                    flow.to.clone_from(&entry);
                }
            }
        }
        for exit in exits {
            b.flows.push((Flow::new(exit, sub.id.clone()), None, false));
        }
        b.warn(
            &sub.id,
            &sub.element,
            "an expanded sub-process: its content is flattened into the map; its exit is a \
             pass-through with its id"
                .to_owned(),
        );
    }
}

/// Boundary events: another way out of their activity, through a Decision after it.
fn boundaries(doc: &Doc, b: &mut Builder) {
    for event in &doc.nodes {
        let Kind::Boundary { host } = &event.kind else {
            continue;
        };
        if !b.nodes.contains_key(&event.id) {
            continue;
        }
        if !b.nodes.contains_key(host) || b.outgoing(&event.id).is_empty() {
            b.nodes.remove(&event.id);
            b.flows
                .retain(|(f, _, _)| f.from != event.id && f.to != event.id);
            b.warn(
                &event.id,
                &event.element,
                format!("left out: a boundary event on '{host}' with no sequence flow out"),
            );
            continue;
        }
        let exits = format!("{host}__exits");
        if !b.nodes.contains_key(&exits) {
            let name = format!("{} ends", b.nodes.get(host).map_or("", |n| n.node.name()));
            b.add(exits.clone(), pass(&name), host, BELOW);
            for i in b.outgoing(host) {
                b.flows[i].0.from.clone_from(&exits);
            }
            b.flows
                .push((Flow::new(host.clone(), exits.clone()), None, false));
        }
        b.flows
            .push((Flow::new(exits.clone(), event.id.clone()), None, false));
        b.warn(
            &event.id,
            &event.element,
            format!(
                "a boundary event: an alternative way out of '{host}' through the Decision \
                 '{exits}' (share split evenly unless BPSim gives it; it does not interrupt the \
                 work)"
            ),
        );
    }
}

/// What BPMN allows and Procmap does not, fixed with an added node and a warning.
fn fix_ups(b: &mut Builder) {
    let ids: Vec<String> = b.nodes.keys().cloned().collect();
    for id in &ids {
        let kind = b.nodes[id].node.kind();
        let element = b.nodes[id].element.clone();
        let outs = b.outgoing(id);
        if kind == NodeKind::End && !outs.is_empty() {
            b.flows.retain(|(f, _, _)| f.from != *id);
            b.warn(
                id,
                &element,
                "an end with flows out: those flows are left out".to_owned(),
            );
        }
        if kind == NodeKind::Start && b.flows.iter().any(|(f, _, _)| f.to == *id) {
            b.flows.retain(|(f, _, _)| f.to != *id);
            b.warn(
                id,
                &element,
                "a start with flows in: those flows are left out".to_owned(),
            );
        }
        if outs.len() > 1 {
            let conditional = outs.iter().any(|&i| b.flows[i].2);
            match kind {
                NodeKind::Start | NodeKind::Step => {
                    let (split, what) = if conditional {
                        (
                            NodeKind::Decision,
                            "a Decision (conditions not evaluated; shares split evenly)",
                        )
                    } else {
                        (
                            NodeKind::Parallel,
                            "a Parallel split (BPMN's implicit split)",
                        )
                    };
                    let new = b.fresh(&format!("{id}__split"));
                    b.add(
                        new.clone(),
                        Node::new(split, "Split", Point::default()),
                        id,
                        BELOW,
                    );
                    for &i in &outs {
                        b.flows[i].0.from.clone_from(&new);
                    }
                    b.flows
                        .push((Flow::new(id.clone(), new.clone()), None, false));
                    b.warn(
                        id,
                        &element,
                        format!(
                            "{} flows out: they leave through '{new}', {what}",
                            outs.len()
                        ),
                    );
                }
                NodeKind::Decision if !is_gateway(&element) && !b.nodes[id].added => {
                    let name = b.nodes[id].node.name().to_owned();
                    let notes = b.nodes[id].node.notes().to_owned();
                    let mut node = Node::new(NodeKind::Parallel, name, Point::default());
                    node.set_notes(notes);
                    if let Some(built) = b.nodes.get_mut(id) {
                        built.node = node;
                    }
                    b.warn(
                        id,
                        &element,
                        format!("{} flows out of an event: a Parallel split", outs.len()),
                    );
                }
                _ => {}
            }
        }
    }
    // Unconnected nodes, implicit starts and ends.
    for id in &ids {
        let Some(built) = b.nodes.get(id) else {
            continue;
        };
        let kind = built.node.kind();
        let element = built.element.clone();
        let has_in = b.flows.iter().any(|(f, _, _)| f.to == *id);
        let has_out = b.flows.iter().any(|(f, _, _)| f.from == *id);
        if !has_in && !has_out && kind != NodeKind::Start && kind != NodeKind::End {
            b.nodes.remove(id);
            b.warn(
                id,
                &element,
                "left out: not connected by any sequence flow".to_owned(),
            );
            continue;
        }
        if !has_in && kind != NodeKind::Start {
            let new = b.fresh(&format!("{id}__start"));
            b.add(
                new.clone(),
                Node::new(NodeKind::Start, "Start", Point::default()),
                id,
                (-100.0, 0.0),
            );
            b.flows
                .push((Flow::new(new.clone(), id.clone()), None, false));
            b.warn(
                id,
                &element,
                format!("no flow in: cases start here, from the added Start '{new}'"),
            );
        }
        if !has_out && kind != NodeKind::End {
            let new = b.fresh(&format!("{id}__end"));
            b.add(
                new.clone(),
                Node::new(NodeKind::End, "End", Point::default()),
                id,
                (100.0, 0.0),
            );
            b.flows
                .push((Flow::new(id.clone(), new.clone()), None, false));
            b.warn(
                id,
                &element,
                format!("no flow out: cases end here, at the added End '{new}'"),
            );
        }
    }
}

fn is_gateway(element: &str) -> bool {
    element.ends_with("Gateway")
}

/// Shares of the flows out of each Decision with several ways out: BPSim's where given
/// (normalised), the rest split evenly.
fn probabilities(doc: &Doc, raw: &[RawFlow], b: &mut Builder) {
    let by_id: HashMap<&str, &RawFlow> = raw.iter().map(|f| (f.id.as_str(), f)).collect();
    let ids: Vec<String> = b.nodes.keys().cloned().collect();
    for id in ids {
        if b.nodes[&id].node.kind() != NodeKind::Decision {
            continue;
        }
        let outs = b.outgoing(&id);
        if outs.len() < 2 {
            continue;
        }
        let given: Vec<Option<f64>> = outs
            .iter()
            .map(|&i| {
                b.flows[i]
                    .1
                    .as_deref()
                    .and_then(|fid| doc.params.get(fid))
                    .and_then(|p| p.probability)
            })
            .collect();
        let known: f64 = given.iter().flatten().sum();
        let missing = given.iter().filter(|g| g.is_none()).count();
        #[allow(clippy::cast_precision_loss, reason = "a handful of flows")]
        let even = if missing > 0 {
            ((1.0 - known).max(0.0)) / missing as f64
        } else {
            0.0
        };
        let mut shares: Vec<f64> = given.iter().map(|g| g.unwrap_or(even)).collect();
        let total: f64 = shares.iter().sum();
        #[allow(clippy::cast_precision_loss, reason = "a handful of flows")]
        if total <= 0.0 {
            shares = vec![1.0 / shares.len() as f64; shares.len()];
        } else {
            for s in &mut shares {
                *s /= total;
            }
        }
        // The last share takes the rounding, so they sum to exactly 1.
        let head: f64 = shares[..shares.len() - 1].iter().sum();
        if let Some(last) = shares.last_mut() {
            *last = (1.0 - head).max(0.0);
        }
        for (&i, share) in outs.iter().zip(&shares) {
            b.flows[i].0.probability = Some(*share);
        }
        let element = b.nodes[&id].element.clone();
        // One missing share with the others given is determined (what is left): no warning.
        if missing > 1 || (missing == 1 && known == 0.0) {
            let conditions: Vec<&str> = outs
                .iter()
                .filter_map(|&i| b.flows[i].1.as_deref())
                .filter(|fid| by_id.get(fid).is_some_and(|f| f.condition))
                .collect();
            let what = if conditions.is_empty() {
                format!(
                    "{} ways out: shares split evenly (set them in the inspector)",
                    outs.len()
                )
            } else {
                format!(
                    "{} ways out: conditions on {} are not evaluated; shares split evenly",
                    outs.len(),
                    conditions.join(", ")
                )
            };
            b.warn(&id, &element, what);
        }
    }
}

/// A file Procmap wrote: every node carries its exact Procmap form.
fn exact(doc: &Doc) -> Option<Imported> {
    let base = doc.exact_map.clone()?;
    if doc.nodes.iter().any(|n| n.exact.is_none()) {
        return None;
    }
    let mut map = base;
    let mut ids = HashMap::new();
    for raw in &doc.nodes {
        let id = raw.exact_id.clone().unwrap_or_else(|| raw.id.clone());
        ids.insert(raw.id.clone(), id.clone());
        map.nodes.insert(id, raw.exact.clone()?);
    }
    let mut flow_ids = Vec::new();
    for flow in &doc.flows {
        let (Some(from), Some(to)) = (ids.get(&flow.from), ids.get(&flow.to)) else {
            return None;
        };
        let mut f = Flow::new(from.clone(), to.clone());
        f.label.clone_from(&flow.name);
        f.probability = match flow.exact_probability {
            super::read::ExactProbability::Some(p) => Some(p),
            super::read::ExactProbability::None | super::read::ExactProbability::Unknown => None,
        };
        map.flows.push(f);
        flow_ids.push(Some(flow.id.clone()));
    }
    Some(Imported {
        map,
        warnings: doc.warnings.clone(),
        flow_ids,
    })
}
