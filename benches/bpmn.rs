//! BPMN import and Arrange speed: a generated BPMN 2.0 file of about 10,000 elements (tasks in
//! 20 lanes, an exclusive gateway after every tenth task sending 10% back three tasks, every
//! node and flow drawn, BPSim times on every task) imported, and a generated 1,000-node map
//! arranged; best of five runs each. Targets: import < 0.5 s, arrange < 1 s.
//!
//! `cargo bench --bench bpmn` (or `-- --elements N --arrange N`).

#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use procmap::interop::bpmn;
use procmap::model::{Flow, Node, NodeKind, Owner, Point, ProcessMap, layout};

/// A BPMN file with about `elements` flow nodes plus sequence flows.
fn generate(elements: usize) -> String {
    let tasks = elements * 10 / 23;
    let mut nodes = Vec::new();
    let mut flows = Vec::new();
    let mut body = String::new();
    let mut bpsim = String::new();
    nodes.push(("start".to_owned(), "startEvent", 0, 0));
    let mut previous = "start".to_owned();
    let mut lanes: Vec<Vec<String>> = vec![Vec::new(); 20];
    for t in 0..tasks {
        let id = format!("task_{t:05}");
        let (col, row) = (t % 100, t / 100);
        nodes.push((id.clone(), "userTask", col * 150 + 100, row * 120));
        lanes[t % 20].push(id.clone());
        let _ = write!(
            bpsim,
            r#"<bpsim:ElementParameters elementRef="{id}"><bpsim:TimeParameters><bpsim:ProcessingTime><bpsim:TriangularDistribution min="5" mode="10" max="30" timeUnit="min"/></bpsim:ProcessingTime></bpsim:TimeParameters></bpsim:ElementParameters>"#
        );
        flows.push((previous.clone(), id.clone()));
        previous = id;
        if t % 10 == 9 {
            let gateway = format!("ok_{t:05}");
            nodes.push((
                gateway.clone(),
                "exclusiveGateway",
                col * 150 + 175,
                row * 120 + 60,
            ));
            flows.push((previous.clone(), gateway.clone()));
            let back = flows.len();
            flows.push((gateway.clone(), format!("task_{:05}", t - 3)));
            let _ = write!(
                bpsim,
                r#"<bpsim:ElementParameters elementRef="flow_{back}"><bpsim:ControlParameters><bpsim:Probability><bpsim:FloatingParameter value="0.1"/></bpsim:Probability></bpsim:ControlParameters></bpsim:ElementParameters>"#
            );
            previous = gateway;
        }
    }
    nodes.push(("end".to_owned(), "endEvent", 0, 20_000));
    flows.push((previous, "end".to_owned()));
    body.push_str("<bpmn:laneSet id=\"lanes\">");
    for (i, lane) in lanes.iter().enumerate() {
        let _ = write!(body, r#"<bpmn:lane id="lane_{i}" name="Team {i}">"#);
        for id in lane {
            let _ = write!(body, "<bpmn:flowNodeRef>{id}</bpmn:flowNodeRef>");
        }
        body.push_str("</bpmn:lane>");
    }
    body.push_str("</bpmn:laneSet>\n");
    for (id, tag, _, _) in &nodes {
        let _ = writeln!(
            body,
            r#"<bpmn:{tag} id="{id}" name="Element {id} of the generated process"/>"#
        );
    }
    for (i, (from, to)) in flows.iter().enumerate() {
        let _ = writeln!(
            body,
            r#"<bpmn:sequenceFlow id="flow_{i}" sourceRef="{from}" targetRef="{to}"/>"#
        );
    }
    let mut diagram = String::new();
    for (id, _, x, y) in &nodes {
        let _ = writeln!(
            diagram,
            r#"<bpmndi:BPMNShape id="{id}_di" bpmnElement="{id}"><dc:Bounds x="{x}" y="{y}" width="100" height="80"/></bpmndi:BPMNShape>"#
        );
    }
    for i in 0..flows.len() {
        let _ = writeln!(
            diagram,
            r#"<bpmndi:BPMNEdge id="flow_{i}_di" bpmnElement="flow_{i}"><di:waypoint x="0" y="0"/><di:waypoint x="10" y="0"/></bpmndi:BPMNEdge>"#
        );
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:bpsim="http://www.bpsim.org/schemas/2.0" id="defs" targetNamespace="x">
<bpmn:process id="p">{body}</bpmn:process>
<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl" bpmnElement="p">{diagram}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
<bpmn:relationship type="BPSimData"><bpmn:extensionElements><bpsim:BPSimData><bpsim:Scenario id="s">{bpsim}</bpsim:Scenario></bpsim:BPSimData></bpmn:extensionElements><bpmn:source>p</bpmn:source><bpmn:target>p</bpmn:target></bpmn:relationship>
</bpmn:definitions>
"#
    )
}

/// A map of `steps` steps with a rework decision after every tenth, positions all at the origin.
fn map_to_arrange(steps: usize) -> ProcessMap {
    let mut map = ProcessMap::default();
    map.owners.insert("team".into(), Owner::new("Team", 5));
    map.nodes.insert(
        "start".into(),
        Node::new(NodeKind::Start, "Start", Point::default()),
    );
    let mut previous = "start".to_owned();
    for s in 0..steps {
        let id = format!("s{s:05}");
        map.nodes.insert(
            id.clone(),
            Node::new(NodeKind::Step, format!("Step {s}"), Point::default()),
        );
        map.flows.push(Flow::new(previous.clone(), id.clone()));
        previous = id;
        if s % 10 == 9 {
            let d = format!("d{s:05}");
            map.nodes.insert(
                d.clone(),
                Node::new(NodeKind::Decision, "OK?", Point::default()),
            );
            map.flows.push(Flow::new(previous.clone(), d.clone()));
            let mut back = Flow::new(d.clone(), format!("s{:05}", s - 3));
            back.probability = Some(0.1);
            map.flows.push(back);
            previous = d;
        }
    }
    map.nodes.insert(
        "end".into(),
        Node::new(NodeKind::End, "End", Point::default()),
    );
    map.flows.push(Flow::new(previous, "end"));
    map
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let elements = flag("--elements", 10_000);
    let text = generate(elements);
    let mut import_best = f64::INFINITY;
    let mut summary = String::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        let imported = bpmn::import(text.as_bytes(), Path::new("generated.bpmn"))
            .unwrap_or_else(|e| panic!("{e}"));
        import_best = import_best.min(t0.elapsed().as_secs_f64());
        summary = format!(
            "{} nodes, {} flows, {} owners, {} warnings",
            imported.map.nodes.len(),
            imported.map.flows.len(),
            imported.map.owners.len(),
            imported.warnings.len()
        );
    }
    #[allow(clippy::cast_precision_loss, reason = "sizes for display")]
    let megabytes = text.len() as f64 / 1e6;
    println!(
        "bpmn import: {elements} elements ({megabytes:.1} MB; {summary}): best of 5 {:.0} ms (target < 500 ms)",
        import_best * 1000.0
    );
    let steps = flag("--arrange", 1_000);
    let map = map_to_arrange(steps);
    let mut arrange_best = f64::INFINITY;
    for _ in 0..5 {
        let t0 = Instant::now();
        let moves = layout::arrange(&map);
        arrange_best = arrange_best.min(t0.elapsed().as_secs_f64());
        assert_eq!(moves.len(), map.nodes.len());
    }
    println!(
        "arrange: {} nodes, {} flows: best of 5 {:.1} ms (target < 1000 ms)",
        map.nodes.len(),
        map.flows.len(),
        arrange_best * 1000.0
    );
}
