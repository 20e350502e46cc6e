//! Card sizes and the Arrange command: a left-to-right layered (Sugiyama) layout of a map.
//!
//! 1. Loops are broken by reversing the back edges a depth-first walk from the Starts finds.
//! 2. Ranks along the flow: the longest path from a source, so every flow points right.
//! 3. Flows spanning several ranks get a chain of dummy points, so they can run straight.
//! 4. Crossings are reduced by barycentre sweeps (down and up), keeping the best order found.
//! 5. Vertical positions: each rank is stacked in its order, then pulled towards the centre of
//!    its neighbours (alternately the previous and next rank) without overlapping; a Decision's
//!    branches fan out around it, dummy chains straighten.
//! 6. Services go in a row below the process, each under the steps that use it.
//!
//! Deterministic (ids in order) and linear-ish: 1,000 nodes take a few milliseconds.

use std::collections::BTreeMap;

use super::{ElementKind, NodeKind, Point, ProcessMap};

/// Card size in canvas units (width, height) of a node kind or of a service. The editor fits
/// and draws with it, the printed diagram draws boxes this size, the importer and Arrange keep
/// cards from overlapping with it. A node's `at` is its card's top-left corner.
#[must_use]
pub fn card_size(kind: ElementKind) -> (f64, f64) {
    match kind {
        ElementKind::Node(NodeKind::Step) => (190.0, 100.0),
        ElementKind::Node(
            NodeKind::Start | NodeKind::End | NodeKind::Decision | NodeKind::Parallel,
        ) => (150.0, 60.0),
        ElementKind::Service => (180.0, 70.0),
    }
}

/// How Arrange lays a map out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Owners as horizontal lanes: each owner's steps in a band of their own (gateways and
    /// events join the lane of a neighbour).
    pub lanes: bool,
}

/// Arrange as one edit (nodes and services that move), for one undo step.
#[must_use]
pub fn edit(map: &ProcessMap) -> super::Edit {
    edit_with(map, Options::default())
}

/// [`edit`] with options.
#[must_use]
pub fn edit_with(map: &ProcessMap, options: Options) -> super::Edit {
    let (nodes, services) = arranged_with(map, options);
    let mut edits = match super::edit::move_nodes(map, &nodes) {
        super::Edit::Batch(edits) => edits,
        other => vec![other],
    };
    for (id, at) in services {
        if let Some(service) = map.services.get(&id) {
            if service.at != at {
                let mut service = service.clone();
                service.at = at;
                edits.push(super::Edit::Service {
                    id,
                    service: Some(service),
                });
            }
        }
    }
    super::Edit::Batch(edits)
}

/// Arranges `map` in place (nodes and services).
pub fn apply(map: &mut ProcessMap) {
    apply_with(map, Options::default());
}

/// [`apply`] with options.
pub fn apply_with(map: &mut ProcessMap, options: Options) {
    let edit = edit_with(map, options);
    let _inverse = map.apply(edit);
}

/// Horizontal distance between two ranks (centre to centre).
const RANK_GAP: f64 = 270.0;
/// Vertical gap between two cards of a rank.
const ROW_GAP: f64 = 50.0;
/// The height a dummy point (a long flow passing a rank) takes.
const DUMMY_HEIGHT: f64 = 20.0;
/// Distance from the lowest card to the services' row.
const SERVICE_GAP: f64 = 140.0;
/// Space between a lane's border and its cards, and between two lanes' cards.
const LANE_PAD: f64 = 40.0;
/// Barycentre sweeps (each one down and one up).
const SWEEPS: usize = 6;

/// New positions for every node and service of `map` (top-left corners), in id order.
#[must_use]
pub fn arrange(map: &ProcessMap) -> Vec<(String, Point)> {
    arranged(map).0
}

/// Positions by id (top-left corners).
pub type Positions = Vec<(String, Point)>;

/// New positions for the nodes and for the services of `map`.
#[must_use]
pub fn arranged(map: &ProcessMap) -> (Positions, Positions) {
    arranged_with(map, Options::default())
}

/// [`arranged`] with options.
#[must_use]
pub fn arranged_with(map: &ProcessMap, options: Options) -> (Positions, Positions) {
    let ids: Vec<&str> = map.nodes.keys().map(String::as_str).collect();
    let index: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let n = ids.len();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for flow in &map.flows {
        if let (Some(&a), Some(&b)) = (index.get(flow.from.as_str()), index.get(flow.to.as_str())) {
            if a != b && !out_edges[a].contains(&b) {
                out_edges[a].push(b);
            }
        }
    }
    let kinds: Vec<NodeKind> = map.nodes.values().map(super::Node::kind).collect();
    let edges = acyclic(&out_edges, &kinds);
    let rank = ranks(n, &edges);
    // Layers with dummy chains: vertices 0..n are nodes, n.. dummies.
    let mut layer_of: Vec<usize> = rank.clone();
    let mut height: Vec<f64> = (0..n)
        .map(|i| card_size(ElementKind::Node(kinds[i])).1)
        .collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &edges {
        let mut from = a;
        for r in rank[a] + 1..rank[b] {
            let d = layer_of.len();
            layer_of.push(r);
            height.push(DUMMY_HEIGHT);
            succ.push(Vec::new());
            pred.push(Vec::new());
            succ[from].push(d);
            pred[d].push(from);
            from = d;
        }
        succ[from].push(b);
        pred[b].push(from);
    }
    let depth = layer_of.iter().copied().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    // Initial order: a depth-first walk, so branches start out grouped.
    let mut seen = vec![false; layer_of.len()];
    let mut roots: Vec<usize> = (0..n).filter(|&v| pred[v].is_empty()).collect();
    roots.sort_by_key(|&v| (kinds[v] != NodeKind::Start, v));
    for root in roots.into_iter().chain(0..layer_of.len()) {
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            if std::mem::replace(&mut seen[v], true) {
                continue;
            }
            layers[layer_of[v]].push(v);
            stack.extend(succ[v].iter().rev().copied().filter(|&w| !seen[w]));
        }
    }
    order(&mut layers, &succ, &pred, layer_of.len());
    let bands = if options.lanes {
        let owners: Vec<Option<&str>> = map.nodes.values().map(super::Node::owner).collect();
        lanes(&mut layers, &succ, &pred, &owners, &height)
    } else {
        None
    };
    let y = vertical(&layers, &succ, &pred, &height, bands.as_ref());
    let mut nodes = Vec::with_capacity(n);
    let mut bottom = f64::MIN;
    for (v, id) in ids.iter().enumerate() {
        let (w, h) = card_size(ElementKind::Node(kinds[v]));
        #[allow(clippy::cast_precision_loss, reason = "a rank is small")]
        let x = rank[v] as f64 * RANK_GAP;
        bottom = bottom.max(y[v] + h / 2.0);
        nodes.push((
            (*id).to_owned(),
            Point::new((x - w / 2.0).round(), (y[v] - h / 2.0).round()),
        ));
    }
    if n == 0 {
        bottom = 0.0;
    }
    (nodes.clone(), services(map, &nodes, bottom + SERVICE_GAP))
}

/// The edges of a graph without cycles: back edges found by a depth-first walk from the
/// Starts (then from any unvisited node) are reversed.
fn acyclic(out_edges: &[Vec<usize>], kinds: &[NodeKind]) -> Vec<(usize, usize)> {
    let n = out_edges.len();
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut state = vec![0_u8; n];
    let mut edges = Vec::new();
    let starts = (0..n).filter(|&v| kinds[v] == NodeKind::Start);
    for root in starts.chain(0..n) {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = out_edges[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        edges.push((v, w));
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => edges.push((w, v)),
                    _ => edges.push((v, w)),
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    edges
}

/// Longest-path ranks over an acyclic edge list.
fn ranks(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0_usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        indegree[b] += 1;
        out[a].push(b);
    }
    let mut rank = vec![0_usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    while let Some(v) = ready.pop() {
        for &w in &out[v] {
            rank[w] = rank[w].max(rank[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    rank
}

/// Crossings between two adjacent layers (`succ` edges from `upper` to `lower`).
fn crossings(upper: &[usize], lower_pos: &[usize], succ: &[Vec<usize>]) -> usize {
    let mut ends: Vec<usize> = Vec::new();
    for &v in upper {
        let mut mine: Vec<usize> = succ[v].iter().map(|&w| lower_pos[w]).collect();
        mine.sort_unstable();
        ends.extend(mine);
    }
    inversions(&mut ends)
}

/// Inversions of a sequence, by merge sort (sorts it).
fn inversions(v: &mut [usize]) -> usize {
    let len = v.len();
    if len < 2 {
        return 0;
    }
    let (a, b) = v.split_at_mut(len / 2);
    let mut c = inversions(a) + inversions(b);
    let mut merged = Vec::with_capacity(len);
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            merged.push(a[i]);
            i += 1;
        } else {
            merged.push(b[j]);
            c += a.len() - i;
            j += 1;
        }
    }
    merged.extend_from_slice(&a[i..]);
    merged.extend_from_slice(&b[j..]);
    v.copy_from_slice(&merged);
    c
}

fn total_crossings(layers: &[Vec<usize>], succ: &[Vec<usize>], pos: &[usize]) -> usize {
    layers
        .windows(2)
        .map(|pair| crossings(&pair[0], pos, succ))
        .sum()
}

/// Barycentre sweeps; keeps the order with the fewest crossings.
fn order(layers: &mut [Vec<usize>], succ: &[Vec<usize>], pred: &[Vec<usize>], vertices: usize) {
    let mut pos = vec![0_usize; vertices];
    let renumber = |layers: &[Vec<usize>], pos: &mut [usize]| {
        for layer in layers {
            for (i, &v) in layer.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    renumber(layers, &mut pos);
    let mut best = layers.to_vec();
    let mut best_crossings = total_crossings(layers, succ, &pos);
    for sweep in 0..SWEEPS * 2 {
        let down = sweep % 2 == 0;
        let range: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in range {
            let neighbours = if down { pred } else { succ };
            let mut keyed: Vec<(f64, usize, usize)> = layers[l]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ns = &neighbours[v];
                    #[allow(clippy::cast_precision_loss, reason = "positions are small")]
                    let key = if ns.is_empty() {
                        i as f64
                    } else {
                        ns.iter().map(|&w| pos[w] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[l] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in layers[l].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = total_crossings(layers, succ, &pos);
        if c < best_crossings {
            best_crossings = c;
            best = layers.to_vec();
        }
        if best_crossings == 0 {
            break;
        }
    }
    layers.clone_from_slice(&best);
}

/// Owner lanes: which lane each vertex is in, and each lane's band (top, bottom).
struct Bands {
    lane: Vec<usize>,
    span: Vec<(f64, f64)>,
}

/// Puts every vertex in a lane (steps in their owner's; others in a neighbour's, found
/// forwards then backwards), orders each rank by lane (keeping the crossing-reduced order
/// inside a lane), and sizes the bands. Lanes go top to bottom in the order the flow first
/// meets them. `None` when no step has an owner.
fn lanes(
    layers: &mut [Vec<usize>],
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
    owners: &[Option<&str>],
    height: &[f64],
) -> Option<Bands> {
    let vertices = height.len();
    let mut names: Vec<&str> = Vec::new();
    let mut lane: Vec<Option<usize>> = vec![None; vertices];
    for layer in layers.iter() {
        for &v in layer {
            if let Some(owner) = owners.get(v).copied().flatten() {
                let index = names.iter().position(|n| *n == owner).unwrap_or_else(|| {
                    names.push(owner);
                    names.len() - 1
                });
                lane[v] = Some(index);
            }
        }
    }
    if names.is_empty() {
        return None;
    }
    for forward in [true, false, true] {
        let order: Vec<usize> = if forward {
            layers.iter().flatten().copied().collect()
        } else {
            layers.iter().rev().flatten().copied().collect()
        };
        for v in order {
            if lane[v].is_none() {
                let from = if forward { &pred[v] } else { &succ[v] };
                lane[v] = from.iter().find_map(|&w| lane[w]);
            }
        }
    }
    let lane: Vec<usize> = lane.into_iter().map(|l| l.unwrap_or(0)).collect();
    let mut need = vec![0.0_f64; names.len()];
    for layer in layers.iter_mut() {
        layer.sort_by_key(|&v| lane[v]);
        let mut used = vec![0.0_f64; names.len()];
        for &v in layer.iter() {
            used[lane[v]] += height[v] + ROW_GAP;
        }
        for (n, u) in need.iter_mut().zip(used) {
            *n = n.max(u - ROW_GAP);
        }
    }
    let mut span = Vec::with_capacity(names.len());
    let mut top = 0.0;
    for n in need {
        let bottom = top + n.max(0.0) + 2.0 * LANE_PAD;
        span.push((top, bottom));
        top = bottom;
    }
    Some(Bands { lane, span })
}

/// The runs of one lane in a layer (the whole layer without lanes).
fn groups(layer: &[usize], bands: Option<&Bands>) -> Vec<Vec<usize>> {
    let Some(bands) = bands else {
        return vec![layer.to_vec()];
    };
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &v in layer {
        match out.last_mut() {
            Some(group)
                if group
                    .first()
                    .is_some_and(|&f| bands.lane[f] == bands.lane[v]) =>
            {
                group.push(v);
            }
            _ => out.push(vec![v]),
        }
    }
    out
}

/// Moves a group back inside its lane's band.
fn clamp(group: &[usize], bands: Option<&Bands>, height: &[f64], y: &mut [f64]) {
    let (Some(bands), Some(&first), Some(&last)) = (bands, group.first(), group.last()) else {
        return;
    };
    let Some(&(top, bottom)) = bands.span.get(bands.lane[first]) else {
        return;
    };
    let (low, high) = (y[first] - height[first] / 2.0, y[last] + height[last] / 2.0);
    let shift = if low < top + LANE_PAD {
        top + LANE_PAD - low
    } else if high > bottom - LANE_PAD {
        bottom - LANE_PAD - high
    } else {
        0.0
    };
    for &v in group {
        y[v] += shift;
    }
}

/// Vertical centres: stacked (in their lane's band), then pulled towards their neighbours
/// without overlapping. Siblings share their parent's pull, so `place_layer` spreads them
/// evenly around it: a Decision's branches fan out.
fn vertical(
    layers: &[Vec<usize>],
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
    height: &[f64],
    bands: Option<&Bands>,
) -> Vec<f64> {
    let mut y = vec![0.0; height.len()];
    for layer in layers {
        for group in groups(layer, bands) {
            let mut top = 0.0;
            for &v in &group {
                y[v] = top + height[v] / 2.0;
                top += height[v] + ROW_GAP;
            }
            // Centre each rank (or its part in a lane) on 0, or on its lane's middle.
            let centre = match (bands, group.first()) {
                (Some(b), Some(&f)) => b
                    .span
                    .get(b.lane[f])
                    .map_or(0.0, |(t, bt)| f64::midpoint(*t, *bt)),
                _ => 0.0,
            };
            let mid = top / 2.0 - centre;
            for &v in &group {
                y[v] -= mid;
            }
        }
    }
    for pass in 0..8 {
        let down = pass % 2 == 0;
        let range: Vec<usize> = if down {
            (0..layers.len()).collect()
        } else {
            (0..layers.len()).rev().collect()
        };
        for l in range {
            let layer = &layers[l];
            let neighbours = if down { pred } else { succ };
            let desired: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    if ns.is_empty() {
                        y[v]
                    } else {
                        #[allow(clippy::cast_precision_loss, reason = "small counts")]
                        let mean = ns.iter().map(|&w| y[w]).sum::<f64>() / ns.len() as f64;
                        mean
                    }
                })
                .collect();
            let wanted: BTreeMap<usize, f64> =
                layer.iter().copied().zip(desired.iter().copied()).collect();
            for group in groups(layer, bands) {
                let desired: Vec<f64> = group
                    .iter()
                    .map(|v| wanted.get(v).copied().unwrap_or(0.0))
                    .collect();
                place_layer(&group, &desired, height, &mut y);
                clamp(&group, bands, height, &mut y);
            }
        }
    }
    y
}

/// Puts a layer's vertices as close to `desired` as the order and gaps allow: a forward pass
/// pushes down, a backward pass pushes up, and the two are averaged.
fn place_layer(layer: &[usize], desired: &[f64], height: &[f64], y: &mut [f64]) {
    if layer.is_empty() {
        return;
    }
    let gap = |a: usize, b: usize| f64::midpoint(height[a], height[b]) + ROW_GAP;
    let mut down = desired.to_vec();
    for i in 1..layer.len() {
        down[i] = down[i].max(down[i - 1] + gap(layer[i - 1], layer[i]));
    }
    let mut up = desired.to_vec();
    for i in (0..layer.len() - 1).rev() {
        up[i] = up[i].min(up[i + 1] - gap(layer[i], layer[i + 1]));
    }
    let mut merged: Vec<f64> = down.iter().zip(&up).map(|(a, b)| (a + b) / 2.0).collect();
    for i in 1..layer.len() {
        merged[i] = merged[i].max(merged[i - 1] + gap(layer[i - 1], layer[i]));
    }
    for (i, &v) in layer.iter().enumerate() {
        y[v] = merged[i];
    }
}

/// Services in a row at `row_y`: each under the mean position of the steps that use it, in
/// that order, without overlapping; unused ones at the end.
fn services(map: &ProcessMap, nodes: &[(String, Point)], row_y: f64) -> Vec<(String, Point)> {
    let (sw, _) = card_size(ElementKind::Service);
    let at: BTreeMap<&str, Point> = nodes.iter().map(|(id, p)| (id.as_str(), *p)).collect();
    let mut wanted: Vec<(f64, &str)> = map
        .services
        .keys()
        .map(|sid| {
            let xs: Vec<f64> = map
                .nodes
                .iter()
                .filter(|(_, n)| matches!(n, super::Node::Step { uses, .. } if uses.contains(sid)))
                .filter_map(|(id, _)| at.get(id.as_str()).map(|p| p.x + 95.0))
                .collect();
            #[allow(clippy::cast_precision_loss, reason = "small counts")]
            let x = if xs.is_empty() {
                f64::MAX
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            };
            (x, sid.as_str())
        })
        .collect();
    wanted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
    let mut out = Vec::new();
    let mut next = f64::MIN;
    for (x, sid) in wanted {
        let centre = if x >= f64::MAX {
            next.max(0.0)
        } else {
            x.max(next)
        };
        next = centre + sw + 40.0;
        out.push((
            sid.to_owned(),
            Point::new((centre - sw / 2.0).round(), row_y.round()),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Node};

    fn chain(map: &mut ProcessMap, ids: &[&str]) {
        for pair in ids.windows(2) {
            map.flows.push(Flow::new(pair[0], pair[1]));
        }
    }

    #[test]
    fn flows_point_right_and_loops_are_broken() {
        let mut map = ProcessMap::default();
        for (id, kind) in [
            ("a", NodeKind::Start),
            ("b", NodeKind::Step),
            ("c", NodeKind::Decision),
            ("d", NodeKind::End),
            ("e", NodeKind::Step),
        ] {
            map.nodes
                .insert(id.into(), Node::new(kind, id, Point::default()));
        }
        chain(&mut map, &["a", "b", "c", "d"]);
        chain(&mut map, &["c", "e", "b"]);
        let at: BTreeMap<String, Point> = arrange(&map).into_iter().collect();
        let x = |id: &str| at[id].x + card_size(ElementKind::Node(map.nodes[id].kind())).0 / 2.0;
        assert!(
            x("a") < x("b") && x("b") < x("c") && x("c") < x("d"),
            "{at:?}"
        );
        assert!(
            x("e") > x("c"),
            "the rework step follows the decision: {at:?}"
        );
    }

    #[test]
    fn cards_of_a_rank_do_not_overlap() {
        let mut map = ProcessMap::default();
        map.nodes.insert(
            "s".into(),
            Node::new(NodeKind::Start, "s", Point::default()),
        );
        map.nodes.insert(
            "p".into(),
            Node::new(NodeKind::Parallel, "p", Point::default()),
        );
        map.nodes.insert(
            "j".into(),
            Node::new(NodeKind::Parallel, "j", Point::default()),
        );
        for i in 0..5 {
            let id = format!("t{i}");
            map.nodes
                .insert(id.clone(), Node::new(NodeKind::Step, &id, Point::default()));
            chain(&mut map, &["p", &id, "j"]);
        }
        chain(&mut map, &["s", "p"]);
        let at: BTreeMap<String, Point> = arrange(&map).into_iter().collect();
        let mut ys: Vec<f64> = (0..5).map(|i| at[&format!("t{i}")].y).collect();
        ys.sort_by(f64::total_cmp);
        for pair in ys.windows(2) {
            assert!(pair[1] - pair[0] >= 100.0, "{ys:?}");
        }
        // The branches fan out around the split.
        let mid = (ys[0] + ys[4] + 100.0) / 2.0;
        assert!((at["p"].y + 30.0 - mid).abs() < 1.0, "{at:?}");
    }
}
