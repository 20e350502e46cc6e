//! Where imported nodes go on the canvas: the diagram's positions scaled to Procmap's cards,
//! added nodes beside their anchor, undrawn ones near their neighbours, cards drawn too close
//! pushed apart; the whole map arranged when most of it is not drawn.

use std::collections::{BTreeMap, HashMap};

use super::SCALE;
use super::build::{Builder, Built};
use crate::model::{ElementKind, Point, ProcessMap, layout, limits};

/// Positions: the diagram's centres, scaled, as card corners. A node the diagram does not draw
/// goes beside its anchor (added nodes) or at the mean of its placed neighbours, else in a row
/// under the drawing; when fewer than half the nodes are drawn, the whole map is arranged.
pub(super) fn place(b: &mut Builder, map: &mut ProcessMap) {
    let drawn = b.nodes.values().filter(|n| n.centre.is_some()).count();
    let originals = b.nodes.values().filter(|n| !n.added).count();
    let mut centres: HashMap<String, (f64, f64)> = b
        .nodes
        .iter()
        .filter_map(|(id, n)| n.centre.map(|c| (id.clone(), c)))
        .collect();
    let arrange = drawn * 2 < originals;
    if !arrange {
        for _ in 0..4 {
            let mut placed = false;
            for (id, built) in &b.nodes {
                if centres.contains_key(id) {
                    continue;
                }
                let beside = built.anchor.as_ref().and_then(|(anchor, (dx, dy))| {
                    centres
                        .get(anchor)
                        .map(|(x, y)| (x + dx * SCALE.0, y + dy * SCALE.1))
                });
                let near = || {
                    let around: Vec<(f64, f64)> = b
                        .flows
                        .iter()
                        .filter_map(|(f, _, _)| {
                            let other = if f.from == *id {
                                &f.to
                            } else if f.to == *id {
                                &f.from
                            } else {
                                return None;
                            };
                            centres.get(other).copied()
                        })
                        .collect();
                    #[allow(clippy::cast_precision_loss, reason = "small counts")]
                    let n = around.len() as f64;
                    (!around.is_empty()).then(|| {
                        (
                            around.iter().map(|p| p.0).sum::<f64>() / n,
                            around.iter().map(|p| p.1).sum::<f64>() / n + 60.0,
                        )
                    })
                };
                if let Some(c) = beside.or_else(near) {
                    centres.insert(id.clone(), c);
                    placed = true;
                }
            }
            if !placed {
                break;
            }
        }
        // What is still unplaced goes in a row under the drawing.
        let bottom = centres.values().map(|c| c.1).fold(0.0, f64::max) + 200.0;
        let mut x = centres
            .values()
            .map(|c| c.0)
            .fold(f64::MAX, f64::min)
            .min(1e6);
        for id in b.nodes.keys() {
            if !centres.contains_key(id) {
                centres.insert(id.clone(), (x, bottom));
                x += 240.0;
            }
        }
    }
    let round = |v: f64| {
        v.round()
            .clamp(-limits::MAX_COORDINATE, limits::MAX_COORDINATE)
    };
    for (id, built) in &mut b.nodes {
        let (w, h) = layout::card_size(ElementKind::Node(built.node.kind()));
        if let Some((x, y)) = centres.get(id) {
            built
                .node
                .set_at(Point::new(round(x - w / 2.0), round(y - h / 2.0)));
        }
    }
    if !arrange {
        push_apart(&mut b.nodes);
    }
    map.nodes = std::mem::take(&mut b.nodes)
        .into_iter()
        .map(|(id, built)| (id, built.node))
        .collect();
    if arrange {
        map.flows = b.flows.iter().map(|(f, _, _)| f.clone()).collect();
        // Lanes become owners: without a diagram, they are drawn as owner lanes.
        let options = layout::Options {
            lanes: !map.owners.is_empty(),
        };
        for (id, at) in layout::arranged_with(map, options).0 {
            if let Some(node) = map.nodes.get_mut(&id) {
                node.set_at(at);
            }
        }
    }
}

/// Gap kept between two cards pushed apart.
const CARD_GAP: f64 = 40.0;

/// Procmap's cards are larger than BPMN's shapes, so closely drawn events and gateways can
/// overlap: going left to right, a card that overlaps one already placed moves right until it
/// is clear (rows keep their order; y never changes).
fn push_apart(nodes: &mut BTreeMap<String, Built>) {
    let mut boxes: Vec<(String, f64, f64, f64, f64)> = nodes
        .iter()
        .map(|(id, built)| {
            let (w, h) = layout::card_size(ElementKind::Node(built.node.kind()));
            let at = built.node.at();
            (id.clone(), at.x, at.y, w, h)
        })
        .collect();
    boxes.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut placed: Vec<(f64, f64, f64, f64)> = Vec::with_capacity(boxes.len());
    for (id, mut x, y, w, h) in boxes {
        loop {
            let blocker = placed.iter().find(|(px, py, pw, ph)| {
                x < px + pw + CARD_GAP && px < &(x + w + CARD_GAP) && y < py + ph && *py < y + h
            });
            match blocker {
                Some((px, _, pw, _)) => x = px + pw + CARD_GAP,
                None => break,
            }
        }
        placed.push((x, y, w, h));
        if let Some(built) = nodes.get_mut(&id) {
            if (built.node.at().x - x).abs() > 0.5 {
                built
                    .node
                    .set_at(Point::new(x.round().min(limits::MAX_COORDINATE), y));
            }
        }
    }
}
