//! Copy and paste: a [`Fragment`] is a piece of a map (nodes, the flows between them,
//! services) that can be pasted into any map under fresh ids.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Edit, fresh_id};
use crate::model::{Flow, Node, Point, ProcessMap, Service};

/// A piece of a map on the clipboard: some nodes and the flows between them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Fragment {
    /// Nodes by their original id.
    pub nodes: BTreeMap<String, Node>,
    /// Flows whose both ends are in `nodes`.
    pub flows: Vec<Flow>,
    /// Services by their original id.
    #[serde(default)]
    pub services: BTreeMap<String, Service>,
}

/// What a paste added: the new ids of nodes and of services.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pasted {
    /// New node ids.
    pub nodes: Vec<String>,
    /// New service ids.
    pub services: Vec<String>,
}

impl Fragment {
    /// Copies the given nodes and services, and the flows between the nodes.
    #[must_use]
    pub fn copy(map: &ProcessMap, ids: &BTreeSet<String>, service_ids: &BTreeSet<String>) -> Self {
        Self {
            nodes: ids
                .iter()
                .filter_map(|id| map.nodes.get(id).map(|n| (id.clone(), n.clone())))
                .collect(),
            flows: map
                .flows
                .iter()
                .filter(|f| ids.contains(&f.from) && ids.contains(&f.to))
                .cloned()
                .collect(),
            services: service_ids
                .iter()
                .filter_map(|id| map.services.get(id).map(|s| (id.clone(), s.clone())))
                .collect(),
        }
    }

    /// True when there is nothing to paste.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.services.is_empty()
    }

    /// The edit that pastes this fragment into `map`, shifted by `offset`, with fresh ids.
    /// References between pasted elements (flows, services used, dependencies) follow the new
    /// ids; references to elements that were not copied keep pointing at the originals.
    #[must_use]
    pub fn paste(&self, map: &ProcessMap, offset: (f64, f64)) -> (Edit, Pasted) {
        let shift = |at: Point| Point::new(at.x + offset.0, at.y + offset.1);
        let mut edits = Vec::new();
        // Services first, so that steps can be pointed at the copies.
        let mut taken: BTreeSet<String> = map.services.keys().cloned().collect();
        let mut new_services = BTreeMap::new();
        for old in self.services.keys() {
            let id = fresh_id(old, |candidate| taken.contains(candidate));
            taken.insert(id.clone());
            new_services.insert(old.clone(), id);
        }
        let service_id = |old: &String| {
            new_services
                .get(old)
                .cloned()
                .unwrap_or_else(|| old.clone())
        };
        for (old, service) in &self.services {
            let mut service = service.clone();
            service.at = shift(service.at);
            service.depends_on = service.depends_on.iter().map(service_id).collect();
            edits.push(Edit::Service {
                id: service_id(old),
                service: Some(service),
            });
        }
        let mut taken: BTreeSet<String> = map.nodes.keys().cloned().collect();
        let mut renamed = BTreeMap::new();
        for (old, node) in &self.nodes {
            let id = fresh_id(old, |candidate| taken.contains(candidate));
            taken.insert(id.clone());
            renamed.insert(old.clone(), id.clone());
            let mut node = node.clone();
            node.set_at(shift(node.at()));
            if let Node::Step { uses, .. } = &mut node {
                *uses = uses.iter().map(service_id).collect();
            }
            edits.push(Edit::Node {
                id,
                node: Some(node),
            });
        }
        for flow in &self.flows {
            if let (Some(from), Some(to)) = (renamed.get(&flow.from), renamed.get(&flow.to)) {
                edits.push(Edit::InsertFlow {
                    index: usize::MAX,
                    flow: Flow {
                        from: from.clone(),
                        to: to.clone(),
                        ..flow.clone()
                    },
                });
            }
        }
        let pasted = Pasted {
            nodes: renamed.into_values().collect(),
            services: new_services.into_values().collect(),
        };
        (Edit::Batch(edits), pasted)
    }
}
