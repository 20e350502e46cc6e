//! The first pass of the BPMN reader: the XML tree into a flat list of flow nodes and sequence
//! flows (`Doc`), with their lanes, notes, diagram bounds, timers and BPSim parameters. Nothing
//! is rewired here; `build` turns a `Doc` into a Procmap map.

use std::collections::{BTreeMap, HashMap};

use roxmltree::Node as X;

use super::bpsim::{self, Params};
use super::xml::{self, BPMNDI, DC, MODEL, PROCMAP};
use super::{Warning, iso};
use crate::model::Duration;

/// A rectangle of the diagram (BPMN units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// The centre.
    pub fn centre(self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// What a flow node is, as far as Procmap cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A start event (any trigger).
    Start,
    /// An end event.
    End,
    /// A task of any type, a call activity, a collapsed sub-process.
    Task,
    /// An expanded sub-process, flattened into its parent.
    Expanded,
    /// An exclusive gateway.
    Exclusive,
    /// A parallel gateway.
    Parallel,
    /// An inclusive, event-based or complex gateway (a Decision with an even split).
    Approximate,
    /// An intermediate timer event with a duration: an ownerless delay.
    Timer(Duration),
    /// Another intermediate event: a pass-through.
    Pass,
    /// A boundary event on `host`.
    Boundary {
        /// The activity it is attached to.
        host: String,
    },
}

/// One BPMN flow node.
#[derive(Clone, Debug)]
pub struct RawNode {
    /// Its id.
    pub id: String,
    /// The BPMN element name (`userTask`).
    pub element: String,
    /// Its name, line breaks kept.
    pub name: String,
    /// What it maps to.
    pub kind: Kind,
    /// The expanded sub-process it sits in.
    pub parent: Option<String>,
    /// Its innermost lane.
    pub lane: Option<String>,
    /// Documentation and associated text annotations.
    pub notes: String,
    /// The first resource named as its performer.
    pub resource: Option<String>,
    /// The exact Procmap node, when Procmap wrote the file.
    pub exact: Option<crate::model::Node>,
    /// Procmap's id for it, when Procmap wrote the file.
    pub exact_id: Option<String>,
}

/// One sequence flow.
#[derive(Clone, Debug)]
pub struct RawFlow {
    /// Its id.
    pub id: String,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Its name (the label).
    pub name: String,
    /// True when it carries a condition expression.
    pub condition: bool,
    /// The exact probability Procmap wrote, when it did.
    pub exact_probability: ExactProbability,
}

/// What Procmap's extension on a flow says about its probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ExactProbability {
    /// No Procmap extension on the flow.
    Unknown,
    /// The flow has no probability.
    None,
    /// The flow's probability.
    Some(f64),
}

/// A lane (an owner).
#[derive(Clone, Debug)]
pub struct Lane {
    /// Its name (the pool's when it has none).
    pub name: String,
}

/// Everything the first pass found.
#[derive(Debug, Default)]
pub struct Doc {
    /// The document's name.
    pub title: String,
    /// Flow nodes in document order.
    pub nodes: Vec<RawNode>,
    /// Sequence flows in document order.
    pub flows: Vec<RawFlow>,
    /// Lanes by id.
    pub lanes: BTreeMap<String, Lane>,
    /// Resources by id: their names.
    pub resources: BTreeMap<String, String>,
    /// Diagram bounds by element id (the first diagram that draws it).
    pub shapes: HashMap<String, Rect>,
    /// BPSim parameters by element id.
    pub params: HashMap<String, Params>,
    /// The map-level data Procmap wrote (RON of the map without nodes and flows).
    pub exact_map: Option<crate::model::ProcessMap>,
    /// What was approximated.
    pub warnings: Vec<Warning>,
    /// Number of processes read.
    pub processes: usize,
}

const TASKS: [&str; 9] = [
    "task",
    "userTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "manualTask",
    "businessRuleTask",
    "scriptTask",
    "callActivity",
];
/// How deep sub-processes and lanes may nest (deeper ones are left out, with a warning): the
/// reader walks them recursively.
const MAX_DEPTH: usize = 100;
const SUBPROCESSES: [&str; 3] = ["subProcess", "transaction", "adHocSubProcess"];

/// Reads the tree rooted at a BPMN `definitions` element.
pub fn read(root: X<'_, '_>) -> Doc {
    let mut doc = Doc {
        title: xml::attr(root, "name").unwrap_or_default().to_owned(),
        ..Doc::default()
    };
    let mut expanded = HashMap::new();
    for diagram in root
        .descendants()
        .filter(|n| xml::is(*n, BPMNDI, "BPMNShape"))
    {
        let Some(element) = xml::attr(diagram, "bpmnElement").map(xml::local_ref) else {
            continue;
        };
        if let Some(flag) = xml::attr(diagram, "isExpanded") {
            expanded.entry(element.to_owned()).or_insert(flag == "true");
        }
        let Some(bounds) = xml::child(diagram, DC, "Bounds") else {
            continue;
        };
        let rect = (|| {
            Some(Rect {
                x: xml::number(bounds, "x")?,
                y: xml::number(bounds, "y")?,
                w: xml::number(bounds, "width").unwrap_or(0.0),
                h: xml::number(bounds, "height").unwrap_or(0.0),
            })
        })();
        if let Some(rect) = rect {
            doc.shapes.entry(element.to_owned()).or_insert(rect);
        }
    }
    doc.params = bpsim::read(root, &mut doc.warnings);
    let mut pools: HashMap<String, String> = HashMap::new();
    for collaboration in xml::children(root, MODEL, "collaboration") {
        for participant in xml::children(collaboration, MODEL, "participant") {
            if let Some(process) = xml::attr(participant, "processRef") {
                let name = xml::attr(participant, "name").unwrap_or_default();
                pools.insert(xml::local_ref(process).to_owned(), name.to_owned());
            }
        }
        for flow in xml::children(collaboration, MODEL, "messageFlow") {
            doc.warnings.push(Warning::new(
                flow,
                "left out: Procmap has no messages between pools (each pool runs on its own)",
            ));
        }
    }
    for resource in xml::children(root, MODEL, "resource") {
        if let Some(id) = xml::attr(resource, "id") {
            let name = xml::attr(resource, "name").unwrap_or(id);
            doc.resources.insert(id.to_owned(), name.to_owned());
        }
    }
    for process in xml::children(root, MODEL, "process") {
        doc.processes += 1;
        let pool = xml::attr(process, "id")
            .and_then(|id| pools.get(id))
            .cloned()
            .or_else(|| xml::attr(process, "name").map(str::to_owned))
            .unwrap_or_default();
        let mut lane_of = HashMap::new();
        for set in xml::children(process, MODEL, "laneSet") {
            lanes(set, &pool, &mut doc.lanes, &mut lane_of, 0);
        }
        if let Some(ext) = xml::child(process, MODEL, "extensionElements") {
            if let Some(map) = xml::child(ext, PROCMAP, "map") {
                doc.exact_map = ron::from_str(&xml::text(map)).ok();
            }
        }
        let mut walker = Walker {
            doc: &mut doc,
            lane_of: &lane_of,
            expanded: &expanded,
            annotations: HashMap::new(),
        };
        walker.container(process, None, None, 0);
        walker.attach_annotations();
    }
    doc
}

/// Collects lanes, nested lanes last so that a node's innermost lane wins.
fn lanes(
    set: X<'_, '_>,
    pool: &str,
    found: &mut BTreeMap<String, Lane>,
    lane_of: &mut HashMap<String, String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for lane in xml::children(set, MODEL, "lane") {
        let Some(id) = xml::attr(lane, "id") else {
            continue;
        };
        let name = xml::attr(lane, "name").map_or_else(
            || {
                if pool.is_empty() {
                    id.to_owned()
                } else {
                    pool.to_owned()
                }
            },
            str::to_owned,
        );
        found.insert(id.to_owned(), Lane { name });
        for node in xml::children(lane, MODEL, "flowNodeRef") {
            lane_of.insert(xml::local_ref(&xml::text(node)).to_owned(), id.to_owned());
        }
        for child in xml::children(lane, MODEL, "childLaneSet") {
            lanes(child, pool, found, lane_of, depth + 1);
        }
    }
}

struct Walker<'d> {
    doc: &'d mut Doc,
    lane_of: &'d HashMap<String, String>,
    expanded: &'d HashMap<String, bool>,
    /// Text annotations by id: their text, and whether an association used them.
    annotations: HashMap<String, (String, bool, String)>,
}

impl Walker<'_> {
    fn container(
        &mut self,
        container: X<'_, '_>,
        parent: Option<&str>,
        lane: Option<&str>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.doc.warnings.push(Warning::new(
                container,
                &format!("left out: sub-processes nested deeper than {MAX_DEPTH} levels"),
            ));
            return;
        }
        let mut associations = Vec::new();
        for child in container.children().filter(|c| xml::in_model(*c)) {
            let element = child.tag_name().name();
            let Some(id) = xml::attr(child, "id").map(str::to_owned) else {
                continue;
            };
            let node_lane = self.lane_of.get(&id).map(String::as_str).or(lane);
            let kind = match element {
                "startEvent" => Kind::Start,
                "endEvent" => Kind::End,
                e if TASKS.contains(&e) => Kind::Task,
                e if SUBPROCESSES.contains(&e) => {
                    if child.attribute("triggeredByEvent") == Some("true") {
                        let inner: Vec<String> = child
                            .descendants()
                            .skip(1)
                            .filter(|n| xml::in_model(*n))
                            .filter_map(|n| xml::attr(n, "id").map(str::to_owned))
                            .collect();
                        self.doc.warnings.push(Warning::new(
                            child,
                            &format!(
                                "left out with its content (an event sub-process runs only when \
                                 its trigger happens; not simulated): {}",
                                inner.join(", ")
                            ),
                        ));
                        continue;
                    }
                    let has_content = child.children().any(|c| {
                        xml::in_model(c) && c.tag_name().name() != "sequenceFlow" && is_flow_node(c)
                    });
                    let drawn = self.expanded.get(&id).copied();
                    if has_content && drawn != Some(false) {
                        Kind::Expanded
                    } else {
                        if has_content {
                            let inner: Vec<String> = child
                                .descendants()
                                .skip(1)
                                .filter(|n| {
                                    xml::in_model(*n)
                                        && (is_flow_node(*n) || xml::is(*n, MODEL, "sequenceFlow"))
                                })
                                .filter_map(|n| xml::attr(n, "id").map(str::to_owned))
                                .collect();
                            self.doc.warnings.push(Warning::new(
                                child,
                                &format!(
                                    "collapsed sub-process: one Step; its content is summarised \
                                     by the step's time: {}",
                                    inner.join(", ")
                                ),
                            ));
                        }
                        Kind::Task
                    }
                }
                "exclusiveGateway" => Kind::Exclusive,
                "parallelGateway" => Kind::Parallel,
                "inclusiveGateway" | "eventBasedGateway" | "complexGateway" => {
                    self.doc.warnings.push(Warning::new(
                        child,
                        "a Decision: exactly one way out is taken (BPMN may take several); \
                         probabilities split evenly unless BPSim gives them",
                    ));
                    Kind::Approximate
                }
                "intermediateCatchEvent" | "intermediateThrowEvent" => self.intermediate(child),
                "boundaryEvent" => {
                    let Some(host) = xml::attr(child, "attachedToRef").map(xml::local_ref) else {
                        self.doc.warnings.push(Warning::new(
                            child,
                            "left out: not attached to any activity",
                        ));
                        continue;
                    };
                    Kind::Boundary {
                        host: host.to_owned(),
                    }
                }
                "sequenceFlow" => {
                    self.flow(child, &id);
                    continue;
                }
                "textAnnotation" => {
                    let text = xml::child(child, MODEL, "text")
                        .map(xml::text)
                        .unwrap_or_default();
                    self.annotations
                        .insert(id, (text, false, element.to_owned()));
                    continue;
                }
                "association" => {
                    associations.push(child);
                    continue;
                }
                "dataObject" | "dataObjectReference" | "dataStoreReference" | "dataStore" => {
                    self.doc.warnings.push(Warning::new(
                        child,
                        "left out: Procmap does not model data (list it in the notes of the steps \
                         that use it)",
                    ));
                    continue;
                }
                "group" => {
                    self.doc.warnings.push(Warning::new(
                        child,
                        "left out: a group is a frame drawn around elements; Procmap does not \
                         draw it",
                    ));
                    continue;
                }
                "laneSet"
                | "extensionElements"
                | "documentation"
                | "ioSpecification"
                | "property"
                | "dataInputAssociation"
                | "dataOutputAssociation"
                | "incoming"
                | "outgoing"
                | "standardLoopCharacteristics"
                | "multiInstanceLoopCharacteristics"
                | "performer"
                | "potentialOwner"
                | "humanPerformer"
                | "resourceRole"
                | "auditing"
                | "monitoring"
                | "category"
                | "categoryValue" => continue,
                _ => {
                    if is_flow_node(child) || xml::attr(child, "sourceRef").is_some() {
                        self.doc.warnings.push(Warning::new(
                            child,
                            "left out: Procmap has no counterpart for this element",
                        ));
                    }
                    continue;
                }
            };
            if element != "subProcess"
                && TASKS.contains(&element)
                && child.children().any(|c| {
                    xml::is(c, MODEL, "standardLoopCharacteristics")
                        || xml::is(c, MODEL, "multiInstanceLoopCharacteristics")
                })
            {
                self.doc.warnings.push(Warning::new(
                    child,
                    "a loop or multi-instance activity: one Step that runs once per case",
                ));
            }
            let resource = child
                .children()
                .filter(|c| {
                    [
                        "performer",
                        "potentialOwner",
                        "humanPerformer",
                        "resourceRole",
                    ]
                    .iter()
                    .any(|n| xml::is(*c, MODEL, n))
                })
                .find_map(|c| xml::child(c, MODEL, "resourceRef"))
                .map(|r| xml::local_ref(&xml::text(r)).to_owned())
                .filter(|r| !r.is_empty());
            let notes = xml::children(child, MODEL, "documentation")
                .map(xml::text)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            let (exact, exact_id) = exact_node(child);
            self.doc.nodes.push(RawNode {
                id: id.clone(),
                element: element.to_owned(),
                name: xml::attr(child, "name").unwrap_or_default().to_owned(),
                kind: kind.clone(),
                parent: parent.map(str::to_owned),
                lane: node_lane.map(str::to_owned),
                notes,
                resource,
                exact,
                exact_id,
            });
            if kind == Kind::Expanded {
                self.container(child, Some(&id), node_lane, depth + 1);
            }
        }
        for association in associations {
            let (Some(a), Some(b)) = (
                xml::attr(association, "sourceRef").map(xml::local_ref),
                xml::attr(association, "targetRef").map(xml::local_ref),
            ) else {
                continue;
            };
            for (note, node) in [(a, b), (b, a)] {
                if let Some(entry) = self.annotations.get_mut(note) {
                    if let Some(target) = self.doc.nodes.iter_mut().find(|n| n.id == node) {
                        if !entry.0.is_empty() {
                            if !target.notes.is_empty() {
                                target.notes.push_str("\n\n");
                            }
                            target.notes.push_str(&entry.0);
                        }
                        entry.1 = true;
                    }
                }
            }
        }
    }

    fn intermediate(&mut self, event: X<'_, '_>) -> Kind {
        let timer = xml::child(event, MODEL, "timerEventDefinition");
        if let Some(timer) = timer {
            if let Some(duration) = xml::child(timer, MODEL, "timeDuration")
                .map(xml::text)
                .and_then(|t| iso::duration(&t))
            {
                return Kind::Timer(duration);
            }
            self.doc.warnings.push(Warning::new(
                event,
                "a timer without an ISO 8601 duration (a date or a cycle): a pass-through that \
                 takes no time",
            ));
            return Kind::Pass;
        }
        let definition = event
            .children()
            .find(|c| xml::in_model(*c) && c.tag_name().name().ends_with("EventDefinition"))
            .map_or("none", |c| c.tag_name().name());
        if definition != "none" {
            self.doc.warnings.push(Warning::new(
                event,
                &format!("{definition}: a pass-through that does not wait for its trigger"),
            ));
        }
        Kind::Pass
    }

    fn flow(&mut self, flow: X<'_, '_>, id: &str) {
        let (Some(from), Some(to)) = (
            xml::attr(flow, "sourceRef").map(xml::local_ref),
            xml::attr(flow, "targetRef").map(xml::local_ref),
        ) else {
            self.doc.warnings.push(Warning::new(
                flow,
                "left out: a sequence flow without source or target",
            ));
            return;
        };
        let condition = xml::child(flow, MODEL, "conditionExpression")
            .is_some_and(|c| !xml::text(c).is_empty());
        let exact_probability = xml::child(flow, MODEL, "extensionElements")
            .and_then(|e| xml::child(e, PROCMAP, "flow"))
            .map_or(ExactProbability::Unknown, |f| {
                xml::number(f, "probability").map_or(ExactProbability::None, ExactProbability::Some)
            });
        self.doc.flows.push(RawFlow {
            id: id.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            name: xml::attr(flow, "name").unwrap_or_default().to_owned(),
            condition,
            exact_probability,
        });
    }

    fn attach_annotations(&mut self) {
        for (id, (text, used, element)) in self.annotations.drain() {
            if !used && !text.is_empty() {
                self.doc.warnings.push(Warning {
                    id,
                    element,
                    what: "left out: a text annotation not associated with any node".to_owned(),
                });
            }
        }
    }
}

/// True for BPMN flow nodes (events, activities, gateways).
fn is_flow_node(node: X<'_, '_>) -> bool {
    let name = node.tag_name().name();
    name.ends_with("Event")
        || name.ends_with("Gateway")
        || name.ends_with("Task")
        || TASKS.contains(&name)
        || SUBPROCESSES.contains(&name)
}

/// The Procmap node and id written in a node's extension elements, if any.
fn exact_node(node: X<'_, '_>) -> (Option<crate::model::Node>, Option<String>) {
    let Some(ext) =
        xml::child(node, MODEL, "extensionElements").and_then(|e| xml::child(e, PROCMAP, "node"))
    else {
        return (None, None);
    };
    (
        ron::from_str(&xml::text(ext)).ok(),
        xml::attr(ext, "id").map(str::to_owned),
    )
}
