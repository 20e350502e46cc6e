//! Business impact analysis: what stops when a service is down, how many cases need it, and what
//! its outages cost in case delay. No simulation: graph reachability and the same routing
//! probabilities as the traffic equations.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::graph::Graph;
use crate::model::{Node, NodeKind, ProcessMap};

/// The impact of one service being down.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceImpact {
    /// Services that are down too (they depend on it, directly or transitively), by id.
    pub affected_services: Vec<String>,
    /// Steps that cannot start (they use it or an affected service), in flow order.
    pub affected_steps: Vec<String>,
    /// Owners of the affected steps.
    pub affected_owners: Vec<String>,
    /// Share of cases that pass through at least one affected step (0..1).
    pub case_share: f64,
    /// Availability of the service including everything it depends on.
    pub availability_effective: f64,
    /// `case_share x (1 - availability_effective)`: the share of cases that meet it down.
    pub criticality: f64,
    /// Expected case-hours of delay per week: arrivals x share x P(down) x mean repair.
    pub delay_hours_per_week: f64,
}

/// Impact of every service, and the criticality ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct Impact {
    /// By service id.
    pub services: BTreeMap<String, ServiceImpact>,
    /// Service ids, most critical first.
    pub ranking: Vec<String>,
}

/// Services each service needs, itself included (transitive `depends_on`; cycles are cut).
#[must_use]
pub fn closure(map: &ProcessMap, id: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![id.to_owned()];
    while let Some(s) = stack.pop() {
        if !map.services.contains_key(&s) || !seen.insert(s.clone()) {
            continue;
        }
        if let Some(service) = map.services.get(&s) {
            stack.extend(service.depends_on.iter().cloned());
        }
    }
    seen
}

/// Probability that a case starting at each node reaches one of `targets` before it ends.
/// Decisions weight by probability; parallel branches are treated as independent.
fn reach_probability(graph: &Graph<'_>, targets: &BTreeSet<usize>) -> Vec<f64> {
    let n = graph.len();
    let mut h = vec![0.0; n];
    for &t in targets {
        if let Some(v) = h.get_mut(t) {
            *v = 1.0;
        }
    }
    // A node's value depends on its successors: sweep against the flow so that values settle in
    // one or two sweeps on maps without loops.
    let mut order = graph.flow_order();
    order.reverse();
    for _ in 0..10_000 {
        let mut change: f64 = 0.0;
        for &i in &order {
            if targets.contains(&i) {
                continue;
            }
            let outs = &graph.out[i];
            let value = match graph.kind(i) {
                Some(NodeKind::End) | None => 0.0,
                _ if graph.is_choice(i) => outs
                    .iter()
                    .map(|e| graph.branch_share(i, e.flow).unwrap_or(0.0) * h[e.node])
                    .sum(),
                Some(NodeKind::Parallel) if outs.len() > 1 => {
                    1.0 - outs.iter().map(|e| 1.0 - h[e.node]).product::<f64>()
                }
                _ => outs.first().map_or(0.0, |e| h[e.node]),
            };
            change = change.max((value - h[i]).abs());
            h[i] = value;
        }
        if change < 1e-12 {
            break;
        }
    }
    h
}

/// Analyses every service of a map.
#[must_use]
pub fn impact(map: &ProcessMap) -> Impact {
    let graph = Graph::new(map);
    let order = graph.flow_order();
    let starts: Vec<(usize, f64)> = (0..graph.len())
        .filter_map(|i| match graph.nodes.get(i) {
            Some(node @ Node::Start { .. }) => {
                let rate = map.arrivals_per_hour(node);
                (rate > 0.0).then_some((i, rate))
            }
            _ => None,
        })
        .collect();
    let rate: f64 = starts.iter().map(|(_, r)| r).sum();
    // Who depends on whom, reversed: for each service, the services that name it directly.
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, service) in &map.services {
        for dep in &service.depends_on {
            dependents
                .entry(dep.as_str())
                .or_default()
                .push(id.as_str());
        }
    }
    let mut services = BTreeMap::new();
    for id in map.services.keys() {
        // Everything that is down with it: itself and every service that needs it, directly
        // or through others (a walk over the reversed dependencies; cycles are cut).
        let mut affected: BTreeSet<String> = BTreeSet::new();
        let mut stack = vec![id.as_str()];
        while let Some(s) = stack.pop() {
            if affected.insert(s.to_owned()) {
                stack.extend(dependents.get(s).into_iter().flatten().copied());
            }
        }
        let steps: BTreeSet<usize> = (0..graph.len())
            .filter(|&i| matches!(graph.nodes.get(i), Some(Node::Step { uses, .. }) if uses.iter().any(|u| affected.contains(u))))
            .collect();
        let h = reach_probability(&graph, &steps);
        let case_share = if rate > 0.0 {
            starts
                .iter()
                .map(|&(s, r)| r * h.get(s).copied().unwrap_or(0.0))
                .sum::<f64>()
                / rate
        } else {
            0.0
        };
        let availability_effective: f64 = closure(map, id)
            .iter()
            .filter_map(|s| map.services.get(s))
            .map(|s| s.availability.clamp(0.0, 1.0))
            .product();
        let repair = map
            .services
            .get(id)
            .map_or(
                crate::model::DEFAULT_MEAN_REPAIR,
                crate::model::Service::repair,
            )
            .as_hours();
        let affected_steps: Vec<String> = order
            .iter()
            .filter(|i| steps.contains(i))
            .filter_map(|&i| graph.ids.get(i).map(|s| (*s).to_owned()))
            .collect();
        let affected_owners: BTreeSet<String> = affected_steps
            .iter()
            .filter_map(|s| map.nodes.get(s).and_then(Node::owner).map(str::to_owned))
            .collect();
        let down = 1.0 - availability_effective;
        services.insert(
            id.clone(),
            ServiceImpact {
                affected_services: affected.into_iter().filter(|s| s != id).collect(),
                affected_steps,
                affected_owners: affected_owners.into_iter().collect(),
                case_share,
                availability_effective,
                criticality: case_share * down,
                delay_hours_per_week: rate * 168.0 * case_share * down * repair,
            },
        );
    }
    let mut ranking: Vec<String> = services.keys().cloned().collect();
    ranking.sort_by(|a, b| {
        let c = |id: &String| services.get(id).map_or(0.0, |s| s.criticality);
        c(b).total_cmp(&c(a)).then_with(|| a.cmp(b))
    });
    Impact { services, ranking }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::io;
    use std::path::Path;

    #[test]
    fn database_outage_reaches_erp_and_its_steps() {
        let map = io::from_str(
            include_str!("../../samples/order-to-cash.ron"),
            Path::new("o2c"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let impact = impact(&map);
        let db = &impact.services["db"];
        assert!(db.affected_services.contains(&"erp".to_owned()));
        assert!(db.affected_steps.contains(&"enter".to_owned()));
        // Every order is entered in the ERP, so every case needs the database.
        assert!((db.case_share - 1.0).abs() < 1e-9, "{}", db.case_share);
        // The ERP needs the database: 0.995 x 0.999.
        let erp = &impact.services["erp"];
        assert!((erp.availability_effective - 0.995 * 0.999).abs() < 1e-12);
        // The payment gateway is only needed after credit approval (90%).
        let gateway = &impact.services["gateway"];
        assert!(
            (gateway.case_share - 0.9).abs() < 1e-6,
            "{}",
            gateway.case_share
        );
        assert_eq!(impact.ranking.first().map(String::as_str), Some("erp"));
    }
}
