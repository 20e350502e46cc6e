//! Traffic equations: how often each node is visited and how loaded each owner is, solved
//! exactly without simulation. Cheap enough to run on every edit.
//!
//! Let `x[n]` be the rate at which node `n` passes work on (per hour). A Start emits its arrival
//! rate; a Decision sends `p * x` down each flow; a Parallel split sends `x` down every flow; a
//! Parallel join with `k` incoming flows emits one token per `k` it receives. That gives a linear
//! system `x = b + A x`, solved one strongly connected component at a time in topological order
//! (each loop is a small dense system; the rest is substitution).

use std::collections::BTreeMap;

use crate::model::graph::Graph;
use crate::model::{Node, NodeKind, ProcessMap};

/// Offered load of one owner.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerLoad {
    /// Busy hours per hour, summed over all units of capacity (Erlangs).
    pub offered_hours_per_hour: f64,
    /// Units of capacity.
    pub capacity: u32,
    /// Mean capacity on shift over the week (capacity-hours per week / 168; `capacity` for an
    /// owner without a calendar).
    pub available: f64,
    /// Offered load per unit of available capacity; at 1.0 or above the owner cannot keep up.
    pub utilization: f64,
}

/// The result of the traffic equations for a map.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadEstimate {
    /// Cases arriving per hour, over all Starts.
    pub arrivals_per_hour: f64,
    /// Mean visits per case to each node, by node id.
    pub visits: BTreeMap<String, f64>,
    /// Load per owner, by owner id.
    pub owners: BTreeMap<String, OwnerLoad>,
    /// Owners at or above 100% offered load, busiest first.
    pub unstable: Vec<String>,
}

impl LoadEstimate {
    /// The busiest owner and its utilisation.
    #[must_use]
    pub fn busiest(&self) -> Option<(&str, &OwnerLoad)> {
        self.owners
            .iter()
            .max_by(|a, b| a.1.utilization.total_cmp(&b.1.utilization))
            .map(|(id, load)| (id.as_str(), load))
    }
}

/// Components larger than this are solved iteratively instead of by elimination.
const DENSE_LIMIT: usize = 400;

/// Solves the traffic equations of a map. Works on any map (invalid parts are skipped: unknown
/// nodes carry no traffic), so an editor can show it while the user is still drawing.
#[must_use]
pub fn estimate(map: &ProcessMap) -> LoadEstimate {
    let graph = Graph::new(map);
    let n = graph.len();
    // External input: arrival rates at the Starts.
    let mut external = vec![0.0; n];
    for (i, node) in graph.nodes.iter().enumerate() {
        if matches!(node, Node::Start { .. }) {
            external[i] = map.arrivals_per_hour(node);
        }
    }
    // factor(m -> n): share of x[m] sent along the flow, divided by n's join count.
    let factor = |m: usize, flow: usize, to: usize| -> f64 {
        let share = match graph.kind(m) {
            Some(NodeKind::End) => 0.0,
            _ => graph
                .branch_share(m, flow)
                .filter(|p| p.is_finite())
                .unwrap_or(0.0),
        };
        let joins = graph.inc[to].len();
        if graph.kind(to) == Some(NodeKind::Parallel) && joins > 1 {
            #[allow(clippy::cast_precision_loss, reason = "flow counts are small")]
            let k = joins as f64;
            share / k
        } else {
            share
        }
    };
    let mut x = vec![0.0; n];
    let mut components = graph.components();
    components.reverse(); // sources first
    for component in components {
        // Right-hand side: external input plus flow from already solved components.
        let rhs: Vec<f64> = component
            .iter()
            .map(|&c| {
                external[c]
                    + graph.inc[c]
                        .iter()
                        .filter(|e| component.binary_search(&e.node).is_err())
                        .map(|e| factor(e.node, e.flow, c) * x[e.node])
                        .sum::<f64>()
            })
            .collect();
        let inner = |c: usize| {
            graph.inc[c]
                .iter()
                .filter(|e| component.binary_search(&e.node).is_ok())
                .map(|e| (e.node, factor(e.node, e.flow, c)))
                .collect::<Vec<_>>()
        };
        let solved = if component.len() == 1 && !graph.has_self_loop(component[0]) {
            rhs
        } else if component.len() <= DENSE_LIMIT {
            solve_dense(&component, &rhs, inner)
        } else {
            solve_iterative(&component, &rhs, inner)
        };
        for (k, &c) in component.iter().enumerate() {
            x[c] = solved.get(k).copied().unwrap_or(0.0);
        }
    }

    let arrivals_per_hour: f64 = external.iter().sum();
    let per_case = |rate: f64| {
        if arrivals_per_hour > 0.0 {
            rate / arrivals_per_hour
        } else {
            0.0
        }
    };
    let visits = graph
        .ids
        .iter()
        .zip(&x)
        .map(|(id, rate)| ((*id).to_owned(), per_case(*rate)))
        .collect();
    let mut offered: BTreeMap<&str, f64> = BTreeMap::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        if let Node::Step {
            owner: Some(owner),
            work,
            ..
        } = node
        {
            *offered.entry(owner.as_str()).or_default() += x[i] * work.mean_hours();
        }
    }
    let owners: BTreeMap<String, OwnerLoad> = map
        .owners
        .iter()
        .map(|(id, owner)| {
            let load = offered.get(id.as_str()).copied().unwrap_or(0.0);
            let capacity = owner.capacity;
            let available = if capacity == 0 {
                0.0
            } else {
                map.mean_capacity(owner)
            };
            let utilization = if available <= 0.0 {
                if load > 0.0 { f64::INFINITY } else { 0.0 }
            } else {
                load / available
            };
            (
                id.clone(),
                OwnerLoad {
                    offered_hours_per_hour: load,
                    capacity,
                    available,
                    utilization,
                },
            )
        })
        .collect();
    let mut unstable: Vec<(&String, f64)> = owners
        .iter()
        .filter(|(_, load)| load.utilization >= 1.0 || load.utilization.is_nan())
        .map(|(id, load)| (id, load.utilization))
        .collect();
    unstable.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    LoadEstimate {
        arrivals_per_hour,
        visits,
        unstable: unstable.into_iter().map(|(id, _)| id.clone()).collect(),
        owners,
    }
}

/// Solves `x_c - sum A[c][m] x_m = rhs_c` over one component by Gaussian elimination.
fn solve_dense(
    component: &[usize],
    rhs: &[f64],
    inner: impl Fn(usize) -> Vec<(usize, f64)>,
) -> Vec<f64> {
    let size = component.len();
    let mut matrix = vec![vec![0.0; size + 1]; size];
    for (row, &c) in component.iter().enumerate() {
        matrix[row][row] = 1.0;
        for (m, a) in inner(c) {
            if let Ok(col) = component.binary_search(&m) {
                matrix[row][col] -= a;
            }
        }
        matrix[row][size] = rhs.get(row).copied().unwrap_or(0.0);
    }
    for col in 0..size {
        let pivot = (col..size)
            .max_by(|&a, &b| matrix[a][col].abs().total_cmp(&matrix[b][col].abs()))
            .unwrap_or(col);
        matrix.swap(col, pivot);
        let p = matrix[col][col];
        if p.abs() < 1e-12 {
            // A loop that cannot be left: its traffic is unbounded.
            return vec![f64::INFINITY; size];
        }
        let pivot_row = matrix[col].clone();
        for (row, values) in matrix.iter_mut().enumerate() {
            if row != col {
                let f = values[col] / p;
                if f != 0.0 {
                    for (value, pivot_value) in values.iter_mut().zip(&pivot_row).skip(col) {
                        *value -= f * pivot_value;
                    }
                }
            }
        }
    }
    matrix
        .iter()
        .enumerate()
        .map(|(r, row)| row[size] / row[r])
        .collect()
}

/// Gauss-Seidel for very large components; converges because every loop has a way out.
fn solve_iterative(
    component: &[usize],
    rhs: &[f64],
    inner: impl Fn(usize) -> Vec<(usize, f64)>,
) -> Vec<f64> {
    let links: Vec<Vec<(usize, f64)>> = component
        .iter()
        .map(|&c| {
            inner(c)
                .into_iter()
                .filter_map(|(m, a)| component.binary_search(&m).ok().map(|k| (k, a)))
                .collect()
        })
        .collect();
    let mut x = rhs.to_vec();
    for _ in 0..100_000 {
        let mut change: f64 = 0.0;
        for (row, row_links) in links.iter().enumerate() {
            let value = rhs[row] + row_links.iter().map(|&(k, a)| a * x[k]).sum::<f64>();
            change = change.max((value - x[row]).abs() / value.abs().max(1e-12));
            x[row] = value;
        }
        if change < 1e-12 {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dist, Duration, Flow, Owner, Point};

    fn h(hours: f64) -> Duration {
        Duration::from_hours(hours)
    }

    /// Start -> work -> decision (p back to work) -> end.
    fn rework(p: f64) -> ProcessMap {
        let mut map = ProcessMap::default();
        map.owners.insert("team".into(), Owner::new("Team", 2));
        map.nodes.insert(
            "s".into(),
            Node::Start {
                name: "S".into(),
                arrivals: Some(Dist::Exponential { mean: h(1.0) }),
                rates: Vec::new(),
                calendar: None,
                notes: String::new(),
                at: Point::default(),
            },
        );
        map.nodes.insert(
            "w".into(),
            Node::Step {
                name: "W".into(),
                owner: Some("team".into()),
                work: Dist::Fixed(h(0.5)),
                sla: None,
                calendar: None,
                uses: vec![],
                notes: String::new(),
                at: Point::default(),
            },
        );
        map.nodes.insert(
            "d".into(),
            Node::new(NodeKind::Decision, "D", Point::default()),
        );
        map.nodes
            .insert("e".into(), Node::new(NodeKind::End, "E", Point::default()));
        map.flows = vec![
            Flow::new("s", "w"),
            Flow::new("w", "d"),
            Flow {
                probability: Some(p),
                ..Flow::new("d", "w")
            },
            Flow {
                probability: Some(1.0 - p),
                ..Flow::new("d", "e")
            },
        ];
        map
    }

    #[test]
    fn rework_loop_gives_geometric_visits() {
        let estimate = estimate(&rework(0.2));
        let visits = estimate.visits.get("w").copied().unwrap_or_default();
        assert!((visits - 1.25).abs() < 1e-9, "{visits}");
        let load = &estimate.owners["team"];
        // 1 case/h x 1.25 visits x 0.5 h / 2 units
        assert!((load.utilization - 0.3125).abs() < 1e-9);
        assert!(estimate.unstable.is_empty());
    }

    #[test]
    fn overload_is_flagged() {
        let mut map = rework(0.2);
        if let Some(owner) = map.owners.get_mut("team") {
            owner.capacity = 0;
        }
        assert_eq!(estimate(&map).unstable, vec!["team".to_owned()]);
    }
}
