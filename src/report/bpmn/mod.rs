//! BPMN 2.0 XML out: one pool (a collaboration with one participant), a lane per owner, every
//! node and flow with its diagram (shapes in BPMN's usual sizes at the map's positions, edges
//! leaving and entering shapes at their borders), the simulation data as BPSim 2.0
//! `ElementParameters`, and Procmap's own extension elements (namespace [`PROCMAP`]) for what
//! BPSim cannot say: services, SLAs, exact distributions, ids. Reading the file back with
//! `interop::bpmn` gives the same map. The output validates against the OMG schema
//! (`tests/all/bpmn.rs` runs `xmllint`). Writes by hand: the vocabulary is small and fixed.

mod di;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{Dist, Duration, Node, ProcessMap};

/// BPMN 2.0 semantic elements.
pub const MODEL: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
/// BPSim 2.0.
pub const BPSIM: &str = "http://www.bpsim.org/schemas/2.0";
/// Procmap's own extension elements.
pub const PROCMAP: &str = "https://procmap.app/bpmn/1";
/// Procmap canvas units per BPMN diagram unit, across and down (the reader's scale).
pub const SCALE: (f64, f64) = (2.0, 1.5);

const PROCESS: &str = "procmap_process";
const COLLABORATION: &str = "procmap_collaboration";
const POOL: &str = "procmap_pool";

/// Escapes text for an attribute value (line breaks kept as character references).
pub(crate) fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for element content.
pub(crate) fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Procmap ids as XML ids (`NCName`s), unique and clear of the fixed ids this writer uses.
struct Ids {
    by_node: BTreeMap<String, String>,
    used: std::collections::BTreeSet<String>,
}

impl Ids {
    fn new() -> Self {
        let used = [
            PROCESS,
            COLLABORATION,
            POOL,
            "procmap_definitions",
            "procmap_diagram",
            "procmap_plane",
            "procmap_lanes",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        Self {
            by_node: BTreeMap::new(),
            used,
        }
    }

    fn claim(&mut self, wanted: &str) -> String {
        let mut id: String = wanted
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !id.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            id.insert(0, '_');
        }
        let base = id.clone();
        let mut n = 2;
        while self.used.contains(&id) || id.ends_with("_di") {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

fn element(node: &Node) -> &'static str {
    match node {
        Node::Start { .. } => "startEvent",
        Node::Step { .. } => "task",
        Node::Decision { .. } => "exclusiveGateway",
        Node::Parallel { .. } => "parallelGateway",
        Node::End { .. } => "endEvent",
    }
}

/// Seconds, as BPSim values are written.
fn secs(d: Duration) -> String {
    #[allow(
        clippy::cast_precision_loss,
        reason = "milliseconds well inside f64's mantissa"
    )]
    let s = d.as_ms() as f64 / 1000.0;
    format!("{s}")
}

/// A BPSim distribution element, in seconds.
fn bpsim_dist(dist: &Dist) -> String {
    match dist {
        Dist::Fixed(d) => format!(
            r#"<bpsim:FloatingParameter value="{}" timeUnit="s"/>"#,
            secs(*d)
        ),
        Dist::Exponential { mean } => format!(
            r#"<bpsim:ExponentialDistribution mean="{}" timeUnit="s"/>"#,
            secs(*mean)
        ),
        Dist::Uniform { min, max } => format!(
            r#"<bpsim:UniformDistribution min="{}" max="{}" timeUnit="s"/>"#,
            secs(*min),
            secs(*max)
        ),
        Dist::Triangular { min, mode, max } => format!(
            r#"<bpsim:TriangularDistribution min="{}" mode="{}" max="{}" timeUnit="s"/>"#,
            secs(*min),
            secs(*mode),
            secs(*max)
        ),
        Dist::Normal { mean, sd } => format!(
            r#"<bpsim:NormalDistribution mean="{}" standardDeviation="{}" timeUnit="s"/>"#,
            secs(*mean),
            secs(*sd)
        ),
        Dist::LogNormal { mean, sd } => format!(
            r#"<bpsim:LogNormalDistribution mean="{}" standardDeviation="{}" timeUnit="s"/>"#,
            secs(*mean),
            secs(*sd)
        ),
    }
}

/// The map as BPMN 2.0 XML.
#[must_use]
pub fn write(map: &ProcessMap) -> String {
    let mut ids = Ids::new();
    for id in map.nodes.keys() {
        let x = ids.claim(id);
        ids.by_node.insert(id.clone(), x);
    }
    let lanes = di::lanes(map, &mut |o| ids.claim(&format!("lane_{o}")));
    let resources: BTreeMap<&str, String> = map
        .owners
        .keys()
        .map(|o| (o.as_str(), ids.claim(&format!("resource_{o}"))))
        .collect();
    let flow_ids: Vec<String> = (0..map.flows.len())
        .map(|i| ids.claim(&format!("flow_{}", i + 1)))
        .collect();
    let bpmn_id = |id: &str| ids.by_node.get(id).cloned().unwrap_or_default();
    let mut out = String::with_capacity(2000 + map.nodes.len() * 1500);
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{MODEL}" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:bpsim="{BPSIM}" xmlns:procmap="{PROCMAP}" id="procmap_definitions" name="{}" targetNamespace="https://procmap.app/bpmn/1/maps" exporter="Procmap" exporterVersion="{}">
"#,
        attr(&map.title),
        env!("CARGO_PKG_VERSION")
    );
    for (owner_id, rid) in &resources {
        let name = map.owner_name(owner_id);
        let _ = writeln!(
            out,
            r#"  <bpmn:resource id="{rid}" name="{}"/>"#,
            attr(name)
        );
    }
    let _ = write!(
        out,
        r#"  <bpmn:collaboration id="{COLLABORATION}">
    <bpmn:participant id="{POOL}" name="{}" processRef="{PROCESS}"/>
  </bpmn:collaboration>
  <bpmn:process id="{PROCESS}" name="{}" isExecutable="false">
    <bpmn:extensionElements>
      <procmap:map>{}</procmap:map>
    </bpmn:extensionElements>
"#,
        attr(&map.title),
        attr(&map.title),
        text(&settings_ron(map))
    );
    if !lanes.lanes.is_empty() {
        out.push_str("    <bpmn:laneSet id=\"procmap_lanes\">\n");
        for lane in &lanes.lanes {
            let _ = writeln!(
                out,
                r#"      <bpmn:lane id="{}" name="{}">"#,
                lane.id,
                attr(&lane.name)
            );
            for node in &lane.nodes {
                let _ = writeln!(
                    out,
                    "        <bpmn:flowNodeRef>{}</bpmn:flowNodeRef>",
                    bpmn_id(node)
                );
            }
            out.push_str("      </bpmn:lane>\n");
        }
        out.push_str("    </bpmn:laneSet>\n");
    }
    let mut incoming: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut outgoing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (flow, fid) in map.flows.iter().zip(&flow_ids) {
        outgoing.entry(flow.from.as_str()).or_default().push(fid);
        incoming.entry(flow.to.as_str()).or_default().push(fid);
    }
    for (id, node) in &map.nodes {
        let tag = element(node);
        let marker = "";
        let _ = writeln!(
            out,
            r#"    <bpmn:{tag} id="{}" name="{}"{marker}>"#,
            bpmn_id(id),
            attr(node.name())
        );
        if !node.notes().is_empty() {
            let _ = writeln!(
                out,
                "      <bpmn:documentation>{}</bpmn:documentation>",
                text(node.notes())
            );
        }
        let ron = ron::to_string(node).unwrap_or_default();
        let _ = writeln!(
            out,
            "      <bpmn:extensionElements>\n        <procmap:node id=\"{}\">{}</procmap:node>\n      </bpmn:extensionElements>",
            attr(id),
            text(&ron)
        );
        for f in incoming.get(id.as_str()).into_iter().flatten() {
            let _ = writeln!(out, "      <bpmn:incoming>{f}</bpmn:incoming>");
        }
        for f in outgoing.get(id.as_str()).into_iter().flatten() {
            let _ = writeln!(out, "      <bpmn:outgoing>{f}</bpmn:outgoing>");
        }
        if let Some(rid) = node.owner().and_then(|o| resources.get(o)) {
            let _ = writeln!(
                out,
                "      <bpmn:performer id=\"{}_performer\">\n        <bpmn:resourceRef>{rid}</bpmn:resourceRef>\n      </bpmn:performer>",
                bpmn_id(id)
            );
        }
        let _ = writeln!(out, "    </bpmn:{tag}>");
    }
    for (flow, fid) in map.flows.iter().zip(&flow_ids) {
        let name = if flow.label.is_empty() {
            String::new()
        } else {
            format!(r#" name="{}""#, attr(&flow.label))
        };
        let _ = write!(
            out,
            r#"    <bpmn:sequenceFlow id="{fid}"{name} sourceRef="{}" targetRef="{}">"#,
            bpmn_id(&flow.from),
            bpmn_id(&flow.to)
        );
        let probability = flow
            .probability
            .map(|p| format!(r#" probability="{p}""#))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n      <bpmn:extensionElements>\n        <procmap:flow{probability}/>\n      </bpmn:extensionElements>\n    </bpmn:sequenceFlow>"
        );
    }
    out.push_str("  </bpmn:process>\n");
    di::diagram(map, &lanes, &ids.by_node, &flow_ids, &mut out);
    bpsim_data(map, &ids.by_node, &flow_ids, &resources, &mut out);
    out.push_str("</bpmn:definitions>\n");
    out
}

/// The map without nodes and flows, as RON: title, description, owners, services, SLA,
/// simulation settings.
fn settings_ron(map: &ProcessMap) -> String {
    let rest = ProcessMap {
        nodes: BTreeMap::new(),
        flows: Vec::new(),
        ..map.clone()
    };
    ron::to_string(&rest).unwrap_or_default()
}

fn bpsim_data(
    map: &ProcessMap,
    node_ids: &BTreeMap<String, String>,
    flow_ids: &[String],
    resources: &BTreeMap<&str, String>,
    out: &mut String,
) {
    let _ = write!(
        out,
        r#"  <bpmn:relationship type="BPSimData">
    <bpmn:extensionElements>
      <bpsim:BPSimData>
        <bpsim:Scenario id="procmap_scenario" name="Procmap" author="Procmap">
          <bpsim:ScenarioParameters replication="{}" seed="{}" baseTimeUnit="s"/>
"#,
        map.simulation.replications, map.simulation.seed
    );
    let params = |out: &mut String, id: &str, body: &str| {
        let _ = writeln!(
            out,
            "          <bpsim:ElementParameters elementRef=\"{id}\">{body}</bpsim:ElementParameters>"
        );
    };
    for (id, node) in &map.nodes {
        let x = node_ids.get(id).map_or("", String::as_str);
        match node {
            Node::Start { .. } => {
                // BPSim has one distribution between arrivals: a rate profile or a calendar
                // is given as exponential gaps at the same weekly mean (Procmap's extension
                // keeps the exact pattern).
                let dist = match node.arrival_pattern() {
                    Some(crate::model::Arrivals::Gaps(dist)) if node.calendar().is_none() => {
                        dist.clone()
                    }
                    _ => {
                        let rate = map.arrivals_per_hour(node);
                        crate::model::Dist::Exponential {
                            mean: crate::model::Duration::from_hours(if rate > 0.0 {
                                1.0 / rate
                            } else {
                                1.0
                            }),
                        }
                    }
                };
                params(
                    out,
                    x,
                    &format!(
                        "<bpsim:ControlParameters><bpsim:InterTriggerTimer>{}</bpsim:InterTriggerTimer></bpsim:ControlParameters>",
                        bpsim_dist(&dist)
                    ),
                );
            }
            Node::Step { work, .. } => params(
                out,
                x,
                &format!(
                    "<bpsim:TimeParameters><bpsim:ProcessingTime>{}</bpsim:ProcessingTime></bpsim:TimeParameters>",
                    bpsim_dist(work)
                ),
            ),
            _ => {}
        }
    }
    for (flow, fid) in map.flows.iter().zip(flow_ids) {
        if let Some(p) = flow.probability {
            params(
                out,
                fid,
                &format!(
                    "<bpsim:ControlParameters><bpsim:Probability><bpsim:FloatingParameter value=\"{p}\"/></bpsim:Probability></bpsim:ControlParameters>"
                ),
            );
        }
    }
    // UnitCost is per base time unit (seconds).
    for (owner_id, rid) in resources {
        if let Some(owner) = map.owners.get(*owner_id) {
            params(
                out,
                rid,
                &format!(
                    "<bpsim:ResourceParameters><bpsim:Quantity><bpsim:NumericParameter value=\"{}\"/></bpsim:Quantity></bpsim:ResourceParameters><bpsim:CostParameters><bpsim:UnitCost><bpsim:FloatingParameter value=\"{}\"/></bpsim:UnitCost></bpsim:CostParameters>",
                    owner.capacity,
                    owner.cost_per_hour / 3600.0
                ),
            );
        }
    }
    let _ = write!(
        out,
        "        </bpsim:Scenario>
      </bpsim:BPSimData>
    </bpmn:extensionElements>
    <bpmn:source>{PROCESS}</bpmn:source>
    <bpmn:target>{PROCESS}</bpmn:target>
  </bpmn:relationship>
"
    );
}
