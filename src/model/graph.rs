//! The process graph as indices: nodes in id order, flows as adjacency lists. Shared by the
//! validator, the analytic estimate and the simulator.

use std::collections::HashMap;

use super::{Flow, Node, NodeKind, ProcessMap};

/// One outgoing or incoming flow of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The node at the other end.
    pub node: usize,
    /// Index of the flow in [`ProcessMap::flows`].
    pub flow: usize,
}

/// Nodes by index (sorted by id) with their flows. Flows whose ends are not nodes are left out.
#[derive(Debug)]
pub struct Graph<'a> {
    /// Node ids, sorted.
    pub ids: Vec<&'a str>,
    /// Nodes, in the same order as `ids`.
    pub nodes: Vec<&'a Node>,
    /// Outgoing flows per node, in document order.
    pub out: Vec<Vec<Edge>>,
    /// Incoming flows per node, in document order.
    pub inc: Vec<Vec<Edge>>,
    flows: &'a [Flow],
    /// The node each flow goes to (by flow index), when both its ends are nodes.
    flow_to: Vec<Option<usize>>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Graph<'a> {
    /// Builds the graph of a map.
    #[must_use]
    pub fn new(map: &'a ProcessMap) -> Self {
        let ids: Vec<&str> = map.nodes.keys().map(String::as_str).collect();
        let nodes: Vec<&Node> = map.nodes.values().collect();
        let index: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut out = vec![Vec::new(); ids.len()];
        let mut inc = vec![Vec::new(); ids.len()];
        let mut flow_to = vec![None; map.flows.len()];
        for (flow, f) in map.flows.iter().enumerate() {
            if let (Some(&from), Some(&to)) = (index.get(f.from.as_str()), index.get(f.to.as_str()))
            {
                if let Some(slot) = flow_to.get_mut(flow) {
                    *slot = Some(to);
                }
                if let Some(list) = out.get_mut(from) {
                    list.push(Edge { node: to, flow });
                }
                if let Some(list) = inc.get_mut(to) {
                    list.push(Edge { node: from, flow });
                }
            }
        }
        Self {
            ids,
            nodes,
            out,
            inc,
            flows: &map.flows,
            flow_to,
            index,
        }
    }

    /// Number of flows in the map (including any whose ends are not nodes).
    #[must_use]
    pub fn flow_count(&self) -> usize {
        self.flow_to.len()
    }

    /// The node flow `flow` comes from (`None` when an end of it is not a node).
    #[must_use]
    pub fn flow_source(&self, flow: usize) -> Option<usize> {
        let to = self.flow_target(flow)?;
        self.inc
            .get(to)?
            .iter()
            .find(|e| e.flow == flow)
            .map(|e| e.node)
    }

    /// The node flow `flow` goes to (`None` when an end of it is not a node).
    #[must_use]
    pub fn flow_target(&self, flow: usize) -> Option<usize> {
        self.flow_to.get(flow).copied().flatten()
    }

    /// True when node `i` sends each case down one of its ways out by probability (see
    /// [`Node::chooses_by_probability`]).
    #[must_use]
    pub fn is_choice(&self, i: usize) -> bool {
        let ways_out = self.out.get(i).map_or(0, Vec::len);
        self.nodes
            .get(i)
            .is_some_and(|n| n.chooses_by_probability(ways_out))
    }

    /// The share of the cases leaving node `from` that take flow `flow`: its probability when
    /// `from` is a choice (`None` when the flow has none), else 1 (every way out is taken).
    #[must_use]
    pub fn branch_share(&self, from: usize, flow: usize) -> Option<f64> {
        if self.is_choice(from) {
            self.flows.get(flow).and_then(|f| f.probability)
        } else {
            Some(1.0)
        }
    }

    /// The index of a node id.
    #[must_use]
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Number of nodes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the map has no nodes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The kind of node `i`.
    #[must_use]
    pub fn kind(&self, i: usize) -> Option<NodeKind> {
        self.nodes.get(i).map(|n| n.kind())
    }

    /// Every node reachable from `starts` following `next` (breadth first).
    pub fn reach(
        &self,
        starts: impl IntoIterator<Item = usize>,
        mut next: impl FnMut(usize) -> Vec<usize>,
    ) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut queue: Vec<usize> = Vec::new();
        for s in starts {
            if let Some(flag) = seen.get_mut(s)
                && !*flag
            {
                *flag = true;
                queue.push(s);
            }
        }
        while let Some(n) = queue.pop() {
            for m in next(n) {
                if let Some(flag) = seen.get_mut(m)
                    && !*flag
                {
                    *flag = true;
                    queue.push(m);
                }
            }
        }
        seen
    }

    /// Strongly connected components (Tarjan, iterative), in reverse topological order: a
    /// component comes before every component that leads to it.
    #[must_use]
    pub fn components(&self) -> Vec<Vec<usize>> {
        let n = self.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut result = Vec::new();
        let mut counter = 0;
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            // (node, next edge position)
            let mut call: Vec<(usize, usize)> = vec![(root, 0)];
            index[root] = counter;
            low[root] = counter;
            counter += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (v, ref mut pos)) = call.last_mut() {
                if let Some(edge) = self.out[v].get(*pos) {
                    *pos += 1;
                    let w = edge.node;
                    if index[w] == usize::MAX {
                        index[w] = counter;
                        low[w] = counter;
                        counter += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        call.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                } else {
                    call.pop();
                    if let Some(&(parent, _)) = call.last() {
                        low[parent] = low[parent].min(low[v]);
                    }
                    if low[v] == index[v] {
                        let mut component = Vec::new();
                        while let Some(w) = stack.pop() {
                            on_stack[w] = false;
                            component.push(w);
                            if w == v {
                                break;
                            }
                        }
                        component.sort_unstable();
                        result.push(component);
                    }
                }
            }
        }
        result
    }

    /// Node indices in the order a reader follows the process: breadth first from the Starts
    /// along the flows as drawn, then any nodes no Start reaches, by id.
    #[must_use]
    pub fn flow_order(&self) -> Vec<usize> {
        let mut seen = vec![false; self.len()];
        let mut order = Vec::with_capacity(self.len());
        let mut queue = std::collections::VecDeque::new();
        for (i, seen) in seen.iter_mut().enumerate() {
            if self.kind(i) == Some(NodeKind::Start) {
                *seen = true;
                queue.push_back(i);
            }
        }
        while let Some(n) = queue.pop_front() {
            order.push(n);
            for edge in &self.out[n] {
                if !seen[edge.node] {
                    seen[edge.node] = true;
                    queue.push_back(edge.node);
                }
            }
        }
        order.extend(
            seen.iter()
                .enumerate()
                .filter(|(_, seen)| !**seen)
                .map(|(i, _)| i),
        );
        order
    }

    /// True when node `i` is in a cycle (a component of several nodes, or a flow to itself).
    #[must_use]
    pub fn has_self_loop(&self, i: usize) -> bool {
        self.out
            .get(i)
            .is_some_and(|edges| edges.iter().any(|e| e.node == i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Point};

    #[test]
    fn components_come_in_reverse_topological_order() {
        let mut map = ProcessMap::default();
        for id in ["a", "b", "c", "d"] {
            map.nodes
                .insert(id.into(), Node::new(NodeKind::Step, id, Point::default()));
        }
        for (from, to) in [("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")] {
            map.flows.push(Flow::new(from, to));
        }
        let graph = Graph::new(&map);
        let comps: Vec<Vec<&str>> = graph
            .components()
            .iter()
            .map(|c| c.iter().map(|&i| graph.ids[i]).collect())
            .collect();
        assert_eq!(comps, vec![vec!["d"], vec!["b", "c"], vec!["a"]]);
    }
}
