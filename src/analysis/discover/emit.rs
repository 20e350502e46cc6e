//! The region tree as map nodes and flows: a step per activity, a Decision wherever a symbol
//! has several successors (probabilities from the counts), a Parallel split and join per
//! block, a merging Decision where a branch ends in several ways, one Start and one End.

use std::collections::{BTreeMap, BTreeSet};

use super::flow::{BLOCK, END, Region, START};
use crate::model::edit::fresh_id;
use crate::model::{Flow, Node, NodeKind, Point};

/// Nodes and flows being built.
pub(crate) struct Emitter<'a> {
    /// Step id per activity id (filled by the caller for the activities in the map).
    pub step: &'a BTreeMap<u32, String>,
    /// Display names of activities.
    pub names: &'a [String],
    /// The nodes made so far (ids to nodes); steps are added by the caller.
    pub nodes: BTreeMap<String, Node>,
    /// Flows made so far.
    pub flows: Vec<Flow>,
    /// Ids in use (steps included).
    pub taken: BTreeSet<String>,
}

impl Emitter<'_> {
    fn add(&mut self, kind: NodeKind, name: &str) -> String {
        let id = fresh_id(name, |c| self.taken.contains(c));
        self.taken.insert(id.clone());
        self.nodes
            .insert(id.clone(), Node::new(kind, name, Point::default()));
        id
    }

    /// Emits `region` between `entry` (a node with one way out into the region) and `exit` (the
    /// node END leads to). With `single_exit`, END is reached through one flow (a merging
    /// Decision when needed), as a Parallel join needs one flow per branch.
    pub fn region(&mut self, region: &Region, entry: &str, exit: &str, single_exit: bool) {
        // How many symbols lead to each (a Parallel split takes one flow in: with several, a
        // merging Decision comes first, or the split would wait for all of them).
        let mut sources: BTreeMap<u32, usize> = BTreeMap::new();
        for tos in region.edges.values() {
            for &to in tos.keys() {
                *sources.entry(to).or_default() += 1;
            }
        }
        // Each symbol's way in and way out.
        let mut ends: BTreeMap<u32, (String, String)> = BTreeMap::new();
        for s in region.symbols() {
            if s >= BLOCK {
                let block = &region.blocks[(s - BLOCK) as usize];
                let n = block.branches.len();
                let split = self.add(NodeKind::Parallel, &format!("Split into {n}"));
                let join = self.add(NodeKind::Parallel, &format!("Join {n}"));
                for branch in &block.branches {
                    self.region(branch, &split, &join, true);
                }
                let way_in = if sources.get(&s).copied().unwrap_or(0) > 1 {
                    let merge = self.add(NodeKind::Decision, "Before the split");
                    self.flows.push(Flow::new(merge.clone(), split));
                    merge
                } else {
                    split
                };
                ends.insert(s, (way_in, join));
            } else if let Some(id) = self.step.get(&s) {
                ends.insert(s, (id.clone(), id.clone()));
            }
        }
        let ending: usize = region
            .edges
            .values()
            .filter(|tos| tos.contains_key(&END))
            .count();
        let end_target = if single_exit && ending > 1 {
            let merge = self.add(NodeKind::Decision, "Merge");
            self.flows.push(Flow::new(merge.clone(), exit));
            merge
        } else {
            exit.to_owned()
        };
        let way_in = |s: u32| -> Option<String> {
            if s == END {
                Some(end_target.clone())
            } else {
                ends.get(&s).map(|e| e.0.clone())
            }
        };
        for (&from, tos) in &region.edges {
            let source = if from == START {
                entry.to_owned()
            } else {
                match ends.get(&from) {
                    Some(e) => e.1.clone(),
                    None => continue,
                }
            };
            let targets: Vec<(String, u64)> = tos
                .iter()
                .filter_map(|(&to, &count)| way_in(to).map(|id| (id, count)))
                .collect();
            if targets.len() == 1 {
                self.flows.push(Flow::new(source, targets[0].0.clone()));
                continue;
            }
            let name = if from == START {
                "First step".to_owned()
            } else if from >= BLOCK {
                "After the parallel work".to_owned()
            } else {
                format!("After {}", self.names[from as usize])
            };
            let decision = self.add(NodeKind::Decision, &name);
            self.flows.push(Flow::new(source, decision.clone()));
            let total: u64 = targets.iter().map(|t| t.1).sum();
            let shares = shares(&targets.iter().map(|t| t.1).collect::<Vec<_>>(), total);
            for ((target, _), p) in targets.into_iter().zip(shares) {
                let mut flow = Flow::new(decision.clone(), target);
                flow.probability = Some(p);
                self.flows.push(flow);
            }
        }
    }
}

/// Probabilities of `counts` rounded to four decimals that add up to exactly 1 (the largest
/// takes the rounding); every count above zero keeps at least 0.0001.
fn shares(counts: &[u64], total: u64) -> Vec<f64> {
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let raw: Vec<f64> = counts
        .iter()
        .map(|&c| c as f64 / total.max(1) as f64)
        .collect();
    #[allow(clippy::cast_possible_truncation, reason = "0..=10000")]
    let mut units: Vec<i64> = raw
        .iter()
        .zip(counts)
        .map(|(p, &c)| ((p * 10_000.0).round() as i64).max(i64::from(c > 0)))
        .collect();
    let sum: i64 = units.iter().sum();
    if let Some(largest) = (0..units.len()).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))) {
        units[largest] += 10_000 - sum;
    }
    #[allow(clippy::cast_precision_loss, reason = "small")]
    units.into_iter().map(|u| u as f64 / 10_000.0).collect()
}

#[cfg(test)]
mod tests {
    use super::shares;

    #[test]
    fn shares_add_up_to_one() {
        let s = shares(&[1, 1, 1], 3);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(s, [0.3334, 0.3333, 0.3333]);
        let tiny = shares(&[1_000_000, 1], 1_000_001);
        assert_eq!(tiny, [0.9999, 0.0001]);
    }
}
