//! Parallel joins that wait for tokens that can never come. A Parallel join with k ways in
//! waits until a case has arrived on each of them; when some path of the case reaches it on
//! only some of its ways in (exclusive branches merged by a join, or a rework loop back into
//! one branch of a parallel block), the case would wait forever.
//!
//! The check plays the token game on the flow graph: a case is a multiset of tokens on flows.
//! Tokens move through steps and pass-through nodes, split at Parallel splits, are consumed at
//! Ends, and merge at joins when every way in holds one. Decisions branch the search (every
//! way out with a chance above zero). Moving one token never disables another, so exploring one
//! order of moves per sequence of choices finds every reachable dead state. States are
//! remembered; the search stops after [`STATE_BUDGET`] states or [`TOKEN_BUDGET`] stored tokens
//! and says so ([`Finding::Incomplete`]).

use std::collections::{BTreeMap, HashSet};

use super::NodeKind;
use super::graph::Graph;

/// States explored before the check gives up.
const STATE_BUDGET: usize = 20_000;
/// Tokens stored over all remembered states before the check gives up (memory).
const TOKEN_BUDGET: usize = 2_000_000;
/// Tokens on one way into a join from which they are said to pile up.
const PILE_LIMIT: usize = 4;

/// A problem found by the token game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Finding {
    /// `join` waits forever: tokens arrived on the flows `arrived` but none will come on
    /// `missing`; `via` is the last choice made on the way (decision node, flow taken).
    Deadlock {
        join: usize,
        arrived: Vec<usize>,
        missing: Vec<usize>,
        via: Option<(usize, usize)>,
    },
    /// Tokens pile up on flow `flow` into `join` (more cases' worth than ever merge).
    Piling { join: usize, flow: usize },
    /// A Parallel split in a loop that returns to it without a choice: every pass adds a
    /// branch, so a case makes work without end.
    Runaway { split: usize },
    /// The map is too large to play through within the budget: joins were only partly checked.
    Incomplete,
}

/// Where a token ends up when moved as far as it goes without a choice or a join.
enum Stop {
    /// Waiting at a Decision with several ways out (on this flow into it).
    Choice(usize),
    /// Waiting at a join (on this flow into it).
    Join(usize),
    /// Consumed (at an End, or at a node with no way out, which validation reports).
    Gone,
}

struct Game<'g> {
    graph: &'g Graph<'g>,
    /// Joins: Parallel nodes with several ways in.
    is_join: Vec<bool>,
}

impl Game<'_> {
    fn target(&self, flow: usize) -> Option<usize> {
        self.graph.flow_target(flow)
    }

    /// Moves a token from `flow` through nodes that need no choice; splits add tokens to
    /// `work`.
    fn advance(&self, mut flow: usize, work: &mut Vec<usize>) -> Stop {
        for _ in 0..=self.graph.len() {
            let Some(node) = self.target(flow) else {
                return Stop::Gone;
            };
            if self.is_join.get(node).copied().unwrap_or(false) {
                return Stop::Join(flow);
            }
            let outs = &self.graph.out[node];
            match self.graph.kind(node) {
                Some(NodeKind::End) | None => return Stop::Gone,
                Some(NodeKind::Decision) if outs.len() > 1 => return Stop::Choice(flow),
                Some(NodeKind::Parallel) if outs.len() > 1 => {
                    work.extend(outs.iter().map(|e| e.flow));
                    return Stop::Gone;
                }
                _ => match outs.first() {
                    Some(edge) => flow = edge.flow,
                    None => return Stop::Gone,
                },
            }
        }
        // A loop with no way out: validation reports it; here the token is dropped.
        Stop::Gone
    }

    /// Moves every token as far as it goes and fires joins; returns the tokens left at
    /// choices and at joins, sorted, or `Err` with the split of a loop that makes tokens
    /// without end (a Parallel split whose branch returns to it without a choice).
    fn settle(&self, mut work: Vec<usize>) -> Result<(Vec<usize>, Vec<usize>), usize> {
        let mut choices = Vec::new();
        let mut waiting: BTreeMap<usize, Vec<usize>> = BTreeMap::new(); // join -> flows
        // Every token can pass each flow a few times; more means tokens multiply.
        let mut moves_left = PILE_LIMIT * (self.graph.flow_count() + 1) * 4;
        loop {
            while let Some(flow) = work.pop() {
                if moves_left == 0 {
                    return Err(self.target(flow).unwrap_or(0));
                }
                moves_left -= 1;
                match self.advance(flow, &mut work) {
                    Stop::Choice(f) => choices.push(f),
                    Stop::Join(f) => {
                        if let Some(join) = self.target(f) {
                            waiting.entry(join).or_default().push(f);
                        }
                    }
                    Stop::Gone => {}
                }
            }
            // Fire every join that has a token on each way in.
            let mut fired = false;
            for (join, flows) in &mut waiting {
                let ins: Vec<usize> = self.graph.inc[*join].iter().map(|e| e.flow).collect();
                if ins.iter().all(|f| flows.contains(f)) {
                    for f in &ins {
                        if let Some(at) = flows.iter().position(|x| x == f) {
                            flows.swap_remove(at);
                        }
                    }
                    work.extend(self.graph.out[*join].iter().map(|e| e.flow));
                    fired = true;
                }
            }
            if !fired {
                break;
            }
        }
        let mut joined: Vec<usize> = waiting.into_values().flatten().collect();
        choices.sort_unstable();
        joined.sort_unstable();
        Ok((choices, joined))
    }
}

/// Plays the token game from every Start; returns what it found, one finding per join.
pub(crate) fn check(graph: &Graph<'_>) -> Vec<Finding> {
    let is_join: Vec<bool> = (0..graph.len())
        .map(|i| graph.kind(i) == Some(NodeKind::Parallel) && graph.inc[i].len() > 1)
        .collect();
    if !is_join.contains(&true) {
        return Vec::new();
    }
    let game = Game { graph, is_join };
    let mut findings: BTreeMap<usize, Finding> = BTreeMap::new();
    // States do not depend on the Start that led to them: one memory for all, and one budget
    // of tokens stored (a state of a wide parallel block holds many).
    let mut seen: HashSet<(Vec<usize>, Vec<usize>)> = HashSet::new();
    let mut tokens_left = TOKEN_BUDGET;
    for start in (0..graph.len()).filter(|&i| graph.kind(i) == Some(NodeKind::Start)) {
        let first: Vec<usize> = graph.out[start].iter().map(|e| e.flow).collect();
        // Depth-first over choices: (state, last choice made).
        let mut stack = vec![(game.settle(first), None::<(usize, usize)>)];
        while let Some((state, via)) = stack.pop() {
            let (choices, joined) = match state {
                Ok(state) => state,
                Err(split) => {
                    findings.entry(split).or_insert(Finding::Runaway { split });
                    continue;
                }
            };
            let size = choices.len() + joined.len() + 1;
            if seen.len() >= STATE_BUDGET || size > tokens_left {
                findings.entry(usize::MAX).or_insert(Finding::Incomplete);
                break;
            }
            if !seen.insert((choices.clone(), joined.clone())) {
                continue;
            }
            tokens_left -= size;
            if let Some(finding) = piling(graph, &joined) {
                findings.entry(finding_join(&finding)).or_insert(finding);
                continue;
            }
            let Some((&choice, rest)) = choices.split_first() else {
                if let Some(finding) = deadlock(graph, &joined, via) {
                    findings.entry(finding_join(&finding)).or_insert(finding);
                }
                continue;
            };
            let Some(decision) = game.target(choice) else {
                continue;
            };
            for edge in &graph.out[decision] {
                if graph
                    .branch_share(decision, edge.flow)
                    .is_some_and(|p| p <= 0.0)
                {
                    continue;
                }
                let mut work: Vec<usize> = rest.to_vec();
                work.extend(joined.iter().copied());
                work.push(edge.flow);
                // Tokens already at joins re-enter `settle`, which puts them back.
                stack.push((game.settle(work), Some((decision, edge.flow))));
            }
        }
    }
    findings.into_values().collect()
}

fn finding_join(finding: &Finding) -> usize {
    match finding {
        Finding::Deadlock { join, .. } | Finding::Piling { join, .. } => *join,
        Finding::Runaway { split } => *split,
        Finding::Incomplete => usize::MAX,
    }
}

fn piling(graph: &Graph<'_>, joined: &[usize]) -> Option<Finding> {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for &flow in joined {
        *counts.entry(flow).or_default() += 1;
    }
    let (&flow, _) = counts.iter().find(|(_, n)| **n > PILE_LIMIT)?;
    Some(Finding::Piling {
        join: graph.flow_target(flow)?,
        flow,
    })
}

fn deadlock(graph: &Graph<'_>, joined: &[usize], via: Option<(usize, usize)>) -> Option<Finding> {
    let &first = joined.first()?;
    let join = graph.flow_target(first)?;
    let mut arrived: Vec<usize> = joined
        .iter()
        .copied()
        .filter(|f| graph.flow_target(*f) == Some(join))
        .collect();
    arrived.dedup();
    let missing = graph.inc[join]
        .iter()
        .map(|e| e.flow)
        .filter(|f| !arrived.contains(f))
        .collect();
    Some(Finding::Deadlock {
        join,
        arrived,
        missing,
        via,
    })
}
