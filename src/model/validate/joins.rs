//! Validation of Parallel joins with the token game of `model::soundness`: joins that can
//! wait forever, and joins where work piles up.

use super::{Report, Subject};
use crate::model::graph::Graph;
use crate::model::soundness::{self, Finding};

/// Joins that wait for tokens that never come (see `soundness`).
pub(super) fn check_joins(graph: &Graph<'_>, report: &mut Report) {
    let id = |i: usize| graph.ids.get(i).copied().unwrap_or("");
    let from = |flow: usize| graph.flow_source(flow).map_or("?", id);
    let names = |flows: &[usize]| {
        flows
            .iter()
            .map(|f| format!("'{}'", from(*f)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for finding in soundness::check(graph) {
        match finding {
            Finding::Deadlock {
                join,
                arrived,
                missing,
                via,
            } => {
                let after = via.map_or_else(String::new, |(decision, flow)| {
                    let to = graph.flow_target(flow).map_or("?", id);
                    format!(" (for example when '{}' goes to '{to}')", id(decision))
                });
                report.error(
                    Subject::Node(id(join).to_owned()),
                    format!(
                        "is a Parallel join that can wait forever: a case can arrive from {} \
                         but never from {}{after}, so it would never finish; merge exclusive \
                         branches with a Decision, and loop back to before the split",
                        names(&arrived),
                        names(&missing)
                    ),
                );
            }
            Finding::Piling { join, flow } => report.error(
                Subject::Node(id(join).to_owned()),
                format!(
                    "is a Parallel join where work from '{}' piles up: a case can pass there \
                     more often than through its other ways in",
                    from(flow)
                ),
            ),
            Finding::Runaway { split } => report.error(
                Subject::Node(id(split).to_owned()),
                "is a Parallel split in a loop that comes back to it without a Decision: every \
                 pass adds a branch, so a case would make work without end"
                    .to_owned(),
            ),
            Finding::Incomplete => report.warning(
                Subject::Map,
                "is too large to check every Parallel join for branches that never arrive; \
                 the check stopped part way"
                    .to_owned(),
            ),
        }
    }
}
