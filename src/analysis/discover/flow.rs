//! Control flow from traces: the directly-follows graph, concurrency, and the region tree that
//! becomes the map.
//!
//! A *region* is a directly-follows graph over *symbols* between a START and an END: at the top
//! the whole process, inside a parallel block one branch. A symbol is an activity or a parallel
//! block. Two activities of a region are *concurrent* when each directly follows the other in at
//! least [`ORDER_SHARE`] of the cases where either order occurs, and they do not form a loop of
//! length two (`a b a` patterns; the α+ rule). The connected groups of concurrent activities
//! become parallel blocks; the branches of a block are the groups connected by causal order
//! (one activity directly follows the other, never the other way round) inside it. Each maximal
//! run of a block's activities in a trace is one visit of the block; its events, split by
//! branch, are the traces of the branch regions, built the same way (so blocks nest).
//!
//! Structure comes from the *kept* traces (the variants covering the requested share of cases);
//! counts come from every trace given, over the kept structure's edges only.

use std::collections::{BTreeMap, BTreeSet};

/// The START symbol of a region.
pub(crate) const START: u32 = u32::MAX - 1;
/// The END symbol of a region.
pub(crate) const END: u32 = u32::MAX;
/// Symbols at or above this (and below `START`) are blocks: `BLOCK + index`.
pub(crate) const BLOCK: u32 = 1 << 31;
/// Each order of a concurrent pair occurs in at least this share of their adjacencies.
pub(crate) const ORDER_SHARE: f64 = 0.02;
/// `a b a` patterns beyond this share of a pair's adjacencies make it a loop, not concurrency.
const LOOP_SHARE: f64 = 0.05;
/// Blocks nest at most this deep.
const MAX_DEPTH: usize = 16;

/// A trace of a region: activity ids in order, and whether it belongs to a kept variant.
#[derive(Clone, Debug)]
pub(crate) struct Trace {
    /// Activity ids.
    pub acts: Vec<u32>,
    /// True for traces of the variants that define the structure.
    pub kept: bool,
}

/// A directly-follows graph between START and END, over activities and blocks.
#[derive(Debug, Default)]
pub(crate) struct Region {
    /// Per symbol (and START): successors with the number of times each was taken.
    pub edges: BTreeMap<u32, BTreeMap<u32, u64>>,
    /// The blocks that `BLOCK + i` symbols of this region refer to.
    pub blocks: Vec<Block>,
}

/// A parallel block: branches that all run, each a region.
#[derive(Debug, Default)]
pub(crate) struct Block {
    /// The branches, in order of their smallest activity id.
    pub branches: Vec<Region>,
}

impl Region {
    /// The symbols of the region (activities and blocks), in id order.
    pub fn symbols(&self) -> BTreeSet<u32> {
        let mut all = BTreeSet::new();
        for (&from, tos) in &self.edges {
            if from != START {
                all.insert(from);
            }
            all.extend(tos.keys().copied().filter(|&t| t != END));
        }
        all
    }

    /// Every activity of the region and of its blocks, recursively.
    #[cfg(test)]
    pub fn activities(&self, into: &mut BTreeSet<u32>) {
        for s in self.symbols() {
            if s >= BLOCK {
                for branch in &self.blocks[(s - BLOCK) as usize].branches {
                    branch.activities(into);
                }
            } else {
                into.insert(s);
            }
        }
    }

    /// Number of parallel blocks, nested ones included.
    pub fn block_count(&self) -> usize {
        self.blocks
            .iter()
            .map(|b| 1 + b.branches.iter().map(Region::block_count).sum::<usize>())
            .sum()
    }
}

/// Builds the region of `traces` (over the activities they contain).
pub(crate) fn region(traces: &[Trace], activities: usize) -> Region {
    build(traces, activities, 0)
}

fn build(traces: &[Trace], activities: usize, depth: usize) -> Region {
    let present: BTreeSet<u32> = traces
        .iter()
        .filter(|t| t.kept)
        .flat_map(|t| t.acts.iter().copied())
        .collect();
    let groups = if depth < MAX_DEPTH {
        parallel_groups(traces, &present, activities)
    } else {
        Vec::new()
    };
    // Which block and branch each activity belongs to.
    let mut place: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    for (b, branches) in groups.iter().enumerate() {
        for (r, branch) in branches.iter().enumerate() {
            for &a in branch {
                place.insert(a, (b, r));
            }
        }
    }
    let mut branch_traces: Vec<Vec<Vec<Trace>>> = groups
        .iter()
        .map(|branches| vec![Vec::new(); branches.len()])
        .collect();
    let mut symbol_traces: Vec<(Vec<u32>, bool)> = Vec::with_capacity(traces.len());
    for trace in traces {
        let mut symbols = Vec::with_capacity(trace.acts.len());
        let mut run: Option<(usize, Vec<Vec<u32>>)> = None;
        for &a in &trace.acts {
            match place.get(&a) {
                Some(&(b, r)) => {
                    if run.as_ref().is_some_and(|(rb, _)| *rb != b) {
                        close(&mut run, &mut branch_traces, trace.kept);
                    }
                    let (_, parts) = run.get_or_insert_with(|| {
                        #[allow(clippy::cast_possible_truncation, reason = "blocks < 2^31")]
                        symbols.push(BLOCK + b as u32);
                        (b, vec![Vec::new(); groups[b].len()])
                    });
                    parts[r].push(a);
                }
                None => {
                    close(&mut run, &mut branch_traces, trace.kept);
                    symbols.push(a);
                }
            }
        }
        close(&mut run, &mut branch_traces, trace.kept);
        symbol_traces.push((symbols, trace.kept));
    }
    let mut region = Region::default();
    // Structure from the kept traces, counts from all over that structure.
    for (symbols, kept) in &symbol_traces {
        if *kept {
            for (from, to) in steps(symbols) {
                region.edges.entry(from).or_default().insert(to, 0);
            }
        }
    }
    for (symbols, _) in &symbol_traces {
        for (from, to) in steps(symbols) {
            if let Some(count) = region.edges.get_mut(&from).and_then(|m| m.get_mut(&to)) {
                *count += 1;
            }
        }
    }
    region.blocks = branch_traces
        .into_iter()
        .map(|branches| Block {
            branches: branches
                .iter()
                .map(|t| build(t, activities, depth + 1))
                .collect(),
        })
        .collect();
    region
}

/// Ends a block visit: its per-branch parts become traces of the branches.
fn close(run: &mut Option<(usize, Vec<Vec<u32>>)>, into: &mut [Vec<Vec<Trace>>], kept: bool) {
    if let Some((b, parts)) = run.take() {
        for (r, acts) in parts.into_iter().enumerate() {
            into[b][r].push(Trace { acts, kept });
        }
    }
}

/// START, the symbols, END as consecutive pairs.
fn steps(symbols: &[u32]) -> impl Iterator<Item = (u32, u32)> + '_ {
    let first = std::iter::once((START, symbols.first().copied().unwrap_or(END)));
    let middle = symbols.windows(2).map(|w| (w[0], w[1]));
    let last = symbols.last().map(|&s| (s, END)).into_iter();
    first.chain(middle).chain(last)
}

/// Groups of concurrent activities, each split into branches (sorted, deterministic).
fn parallel_groups(
    traces: &[Trace],
    present: &BTreeSet<u32>,
    activities: usize,
) -> Vec<Vec<Vec<u32>>> {
    if present.len() < 2 {
        return Vec::new();
    }
    // Dense indices of the present activities.
    let ids: Vec<u32> = present.iter().copied().collect();
    let n = ids.len();
    let mut dense = vec![usize::MAX; activities];
    for (k, &a) in ids.iter().enumerate() {
        dense[a as usize] = k;
    }
    let mut df = vec![0u64; n * n];
    let mut loops = vec![0u64; n * n];
    for trace in traces {
        for w in trace.acts.windows(2) {
            let (a, b) = (dense[w[0] as usize], dense[w[1] as usize]);
            if a != usize::MAX && b != usize::MAX {
                df[a * n + b] += 1;
            }
        }
        for w in trace.acts.windows(3) {
            if w[0] == w[2] && w[0] != w[1] {
                let (a, b) = (dense[w[0] as usize], dense[w[1] as usize]);
                if a != usize::MAX && b != usize::MAX {
                    loops[a * n + b] += 1;
                }
            }
        }
    }
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let concurrent = |a: usize, b: usize| {
        let (ab, ba) = (df[a * n + b], df[b * n + a]);
        if a == b || ab == 0 || ba == 0 {
            return false;
        }
        let total = (ab + ba) as f64;
        let looping = (loops[a * n + b] + loops[b * n + a]) as f64;
        (ab.min(ba) as f64) >= ORDER_SHARE * total && looping < LOOP_SHARE * total
    };
    let causal = |a: usize, b: usize| {
        a != b && !concurrent(a, b) && (df[a * n + b] > 0 || df[b * n + a] > 0)
    };
    let mut groups = Vec::new();
    for component in components(n, &concurrent) {
        if component.len() < 2 {
            continue;
        }
        let inner: Vec<usize> = component;
        let branches = components(inner.len(), &|i: usize, j: usize| {
            causal(inner[i], inner[j])
        });
        if branches.len() < 2 {
            continue;
        }
        let mut named: Vec<Vec<u32>> = branches
            .into_iter()
            .map(|b| {
                let mut acts: Vec<u32> = b.into_iter().map(|i| ids[inner[i]]).collect();
                acts.sort_unstable();
                acts
            })
            .collect();
        named.sort();
        groups.push(named);
    }
    groups
}

/// Connected components of the graph on `0..n` with edges where `linked(i, j)`.
fn components(n: usize, linked: &dyn Fn(usize, usize) -> bool) -> Vec<Vec<usize>> {
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    for root in 0..n {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut stack = vec![root];
        let mut component = Vec::new();
        while let Some(i) = stack.pop() {
            component.push(i);
            for (j, seen_j) in seen.iter_mut().enumerate() {
                if !*seen_j && linked(i, j) {
                    *seen_j = true;
                    stack.push(j);
                }
            }
        }
        component.sort_unstable();
        out.push(component);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traces(list: &[&[u32]]) -> Vec<Trace> {
        list.iter()
            .map(|t| Trace {
                acts: t.to_vec(),
                kept: true,
            })
            .collect()
    }

    #[test]
    fn a_sequence_with_a_choice_is_one_region() {
        let r = region(&traces(&[&[0, 1, 3], &[0, 2, 3], &[0, 1, 3]]), 4);
        assert!(r.blocks.is_empty());
        assert_eq!(r.edges[&START][&0], 3);
        assert_eq!(r.edges[&0][&1], 2);
        assert_eq!(r.edges[&0][&2], 1);
        assert_eq!(r.edges[&3][&END], 3);
    }

    #[test]
    fn both_orders_make_a_parallel_block_with_nested_sequences() {
        // 0 -> (1 -> 2 || 3) -> 4
        let r = region(
            &traces(&[
                &[0, 1, 2, 3, 4],
                &[0, 3, 1, 2, 4],
                &[0, 1, 3, 2, 4],
                &[0, 1, 2, 3, 4],
            ]),
            5,
        );
        assert_eq!(r.blocks.len(), 1);
        let block = &r.blocks[0];
        assert_eq!(block.branches.len(), 2);
        let mut first = BTreeSet::new();
        block.branches[0].activities(&mut first);
        assert_eq!(first, BTreeSet::from([1, 2]));
        assert_eq!(block.branches[0].edges[&1][&2], 4);
        assert_eq!(r.edges[&0][&BLOCK], 4);
        assert_eq!(r.edges[&BLOCK][&4], 4);
    }

    #[test]
    fn a_short_loop_is_not_concurrency() {
        // 0 -> 1 -> (2 -> 1)* -> 3
        let r = region(
            &traces(&[&[0, 1, 3], &[0, 1, 2, 1, 3], &[0, 1, 2, 1, 2, 1, 3]]),
            4,
        );
        assert!(r.blocks.is_empty());
        assert_eq!(r.edges[&1][&2], 3);
        assert_eq!(r.edges[&2][&1], 3);
    }

    #[test]
    fn counts_use_every_trace_but_only_kept_edges() {
        let mut t = traces(&[&[0, 1], &[0, 1]]);
        t.push(Trace {
            acts: vec![0, 0, 1],
            kept: false,
        });
        let r = region(&t, 2);
        assert_eq!(r.edges[&START][&0], 3);
        assert!(
            !r.edges[&0].contains_key(&0),
            "a rare self-loop is not structure"
        );
        assert_eq!(r.edges[&0][&1], 3);
    }
}
