//! The diagram of the BPMN export: lanes as horizontal bands around their nodes, shapes in
//! BPMN's usual sizes centred where Procmap draws the cards (scaled down by `SCALE`), and edges
//! whose waypoints leave and enter the shapes at their borders (right to left going forward,
//! under the shapes going back).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{SCALE, attr};
use crate::model::{ElementKind, Node, ProcessMap, layout};

/// One lane: an owner and the nodes drawn in it.
pub struct Lane {
    /// The XML id.
    pub id: String,
    /// The owner's name.
    pub name: String,
    /// Node ids (Procmap's).
    pub nodes: Vec<String>,
    /// Top and bottom (BPMN units).
    top: f64,
    bottom: f64,
}

/// The lanes of a map, top to bottom.
pub struct Lanes {
    /// One per owner that has nodes.
    pub lanes: Vec<Lane>,
}

/// BPMN's usual size of a node's shape.
fn shape_size(node: &Node) -> (f64, f64) {
    match node {
        Node::Step { .. } => (100.0, 80.0),
        Node::Decision { .. } | Node::Parallel { .. } => (50.0, 50.0),
        Node::Start { .. } | Node::End { .. } => (36.0, 36.0),
    }
}

/// The centre of a node's shape, in BPMN units.
fn centre(node: &Node) -> (f64, f64) {
    let (w, h) = layout::card_size(ElementKind::Node(node.kind()));
    let at = node.at();
    ((at.x + w / 2.0) / SCALE.0, (at.y + h / 2.0) / SCALE.1)
}

/// A shape's bounds: x, y, width, height.
fn bounds(node: &Node) -> (f64, f64, f64, f64) {
    let (cx, cy) = centre(node);
    let (w, h) = shape_size(node);
    (cx - w / 2.0, cy - h / 2.0, w, h)
}

const LANE_PAD: f64 = 40.0;
const POOL_LABEL: f64 = 30.0;

/// Groups nodes into lanes: steps by owner, gateways and events into the lane whose band holds
/// them (or the nearest). No owners, no lanes.
pub fn lanes(map: &ProcessMap, claim: &mut dyn FnMut(&str) -> String) -> Lanes {
    let mut by_owner: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, node) in &map.nodes {
        if let Some(owner) = node.owner() {
            by_owner.entry(owner).or_default().push(id);
        }
    }
    let mut lanes: Vec<Lane> = by_owner
        .iter()
        .map(|(owner, nodes)| {
            let ys: Vec<f64> = nodes
                .iter()
                .filter_map(|n| map.nodes.get(*n))
                .map(|n| centre(n).1)
                .collect();
            Lane {
                id: claim(owner),
                name: map.owner_name(owner).to_owned(),
                nodes: nodes.iter().map(|n| (*n).to_owned()).collect(),
                top: ys.iter().copied().fold(f64::MAX, f64::min) - LANE_PAD,
                bottom: ys.iter().copied().fold(f64::MIN, f64::max) + LANE_PAD,
            }
        })
        .collect();
    if lanes.is_empty() {
        return Lanes { lanes };
    }
    lanes.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.id.cmp(&b.id)));
    // Gateways and events join the lane nearest to them; bands then stretch to hold them.
    // Ownerless steps (pure delays) stay out of every lane, so that they read back ownerless.
    for (id, node) in &map.nodes {
        if node.owner().is_some() || matches!(node, Node::Step { .. }) {
            continue;
        }
        let y = centre(node).1;
        let distance = |l: &Lane| {
            if y < l.top {
                l.top - y
            } else if y > l.bottom {
                y - l.bottom
            } else {
                0.0
            }
        };
        let Some(best) =
            (0..lanes.len()).min_by(|&a, &b| distance(&lanes[a]).total_cmp(&distance(&lanes[b])))
        else {
            continue;
        };
        let lane = &mut lanes[best];
        lane.nodes.push(id.clone());
        lane.top = lane.top.min(y - LANE_PAD);
        lane.bottom = lane.bottom.max(y + LANE_PAD);
    }
    lanes.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.id.cmp(&b.id)));
    // Contiguous bands: each boundary halfway between neighbours, or pushed down when they
    // overlap (then a band may not hold all its nodes: the map was not drawn in lanes).
    for i in 1..lanes.len() {
        let (prev_bottom, top) = (lanes[i - 1].bottom, lanes[i].top);
        let boundary = if top >= prev_bottom {
            f64::midpoint(prev_bottom, top)
        } else {
            prev_bottom
        };
        lanes[i - 1].bottom = boundary;
        lanes[i].top = boundary;
        if lanes[i].bottom < boundary + 2.0 * LANE_PAD {
            lanes[i].bottom = boundary + 2.0 * LANE_PAD;
        }
    }
    for lane in &mut lanes {
        lane.nodes.sort();
    }
    Lanes { lanes }
}

fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 {
        "0".to_owned()
    } else {
        format!("{r}")
    }
}

/// The `BPMNDiagram`: pool, lanes, shapes, edges.
pub fn diagram(
    map: &ProcessMap,
    lanes: &Lanes,
    ids: &BTreeMap<String, String>,
    flow_ids: &[String],
    out: &mut String,
) {
    let _ = writeln!(
        out,
        "  <bpmndi:BPMNDiagram id=\"procmap_diagram\" name=\"{}\">\n    <bpmndi:BPMNPlane id=\"procmap_plane\" bpmnElement=\"{}\">",
        attr(&map.title),
        super::COLLABORATION
    );
    let all: Vec<(f64, f64, f64, f64)> = map.nodes.values().map(bounds).collect();
    let (mut x0, mut y0, mut x1, mut y1) = all.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(a, b, c, d), (x, y, w, h)| (a.min(*x), b.min(*y), c.max(x + w), d.max(y + h)),
    );
    if all.is_empty() {
        (x0, y0, x1, y1) = (0.0, 0.0, 400.0, 200.0);
    }
    for lane in &lanes.lanes {
        y0 = y0.min(lane.top);
        y1 = y1.max(lane.bottom);
    }
    let (px, py) = (x0 - LANE_PAD - POOL_LABEL, y0 - LANE_PAD / 2.0);
    let (pw, ph) = (x1 - px + LANE_PAD, y1 - py + LANE_PAD / 2.0);
    let shape = |out: &mut String,
                 element: &str,
                 extra: &str,
                 (x, y, w, h): (f64, f64, f64, f64)| {
        let _ = writeln!(
            out,
            "      <bpmndi:BPMNShape id=\"{element}_di\" bpmnElement=\"{element}\"{extra}>\n        <dc:Bounds x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n      </bpmndi:BPMNShape>",
            num(x),
            num(y),
            num(w),
            num(h)
        );
    };
    shape(out, super::POOL, " isHorizontal=\"true\"", (px, py, pw, ph));
    let count = lanes.lanes.len();
    for (i, lane) in lanes.lanes.iter().enumerate() {
        let top = if i == 0 { py } else { lane.top };
        let bottom = if i + 1 == count { py + ph } else { lane.bottom };
        shape(
            out,
            &lane.id,
            " isHorizontal=\"true\"",
            (px + POOL_LABEL, top, pw - POOL_LABEL, bottom - top),
        );
    }
    for (id, node) in &map.nodes {
        let Some(x) = ids.get(id) else { continue };
        let extra = if matches!(node, Node::Decision { .. }) {
            " isMarkerVisible=\"true\""
        } else {
            ""
        };
        shape(out, x, extra, bounds(node));
    }
    for (flow, fid) in map.flows.iter().zip(flow_ids) {
        let (Some(a), Some(b)) = (map.nodes.get(&flow.from), map.nodes.get(&flow.to)) else {
            continue;
        };
        let points = waypoints(bounds(a), bounds(b));
        let _ = writeln!(
            out,
            "      <bpmndi:BPMNEdge id=\"{fid}_di\" bpmnElement=\"{fid}\">"
        );
        for (x, y) in &points {
            let _ = writeln!(
                out,
                "        <di:waypoint x=\"{}\" y=\"{}\"/>",
                num(*x),
                num(*y)
            );
        }
        if !flow.label.is_empty() {
            let (mx, my) = points.get(points.len() / 2).copied().unwrap_or_default();
            let _ = writeln!(
                out,
                "        <bpmndi:BPMNLabel>\n          <dc:Bounds x=\"{}\" y=\"{}\" width=\"60\" height=\"14\"/>\n        </bpmndi:BPMNLabel>",
                num(mx + 4.0),
                num(my - 18.0)
            );
        }
        out.push_str("      </bpmndi:BPMNEdge>\n");
    }
    out.push_str("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n");
}

/// Orthogonal waypoints from one shape's border to another's: out of the right side and into
/// the left side when the target lies to the right; otherwise out of the bottom, under both,
/// and into the bottom.
fn waypoints(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> Vec<(f64, f64)> {
    let (ax, ay, aw, ah) = a;
    let (bx, by, bw, bh) = b;
    let (acy, bcy) = (ay + ah / 2.0, by + bh / 2.0);
    let (right, left) = (ax + aw, bx);
    if left >= right + 10.0 {
        if (acy - bcy).abs() < 0.5 {
            return vec![(right, acy), (left, acy)];
        }
        let mid = f64::midpoint(right, left);
        return vec![(right, acy), (mid, acy), (mid, bcy), (left, bcy)];
    }
    let (acx, bcx) = (ax + aw / 2.0, bx + bw / 2.0);
    let below = (ay + ah).max(by + bh) + 30.0;
    vec![(acx, ay + ah), (acx, below), (bcx, below), (bcx, by + bh)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_leave_and_enter_at_borders() {
        let a = (0.0, 0.0, 100.0, 80.0);
        let b = (200.0, 100.0, 36.0, 36.0);
        assert_eq!(
            waypoints(a, b),
            vec![(100.0, 40.0), (150.0, 40.0), (150.0, 118.0), (200.0, 118.0)]
        );
        // Back: out of the bottom, into the bottom.
        let back = waypoints(b, a);
        assert_eq!(back.first(), Some(&(218.0, 136.0)));
        assert_eq!(back.last(), Some(&(50.0, 80.0)));
    }
}
