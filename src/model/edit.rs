//! Edits of a map as values: each [`Edit`] applied to a map returns its inverse, so undo and
//! redo are "apply what you got back". The editor changes documents only through edits.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Flow, Node, Owner, Point, ProcessMap, Service, Simulation, Sla};

/// One change to a map.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Sets (inserts, replaces) or removes (`None`) the node `id`.
    Node {
        /// Node id.
        id: String,
        /// The new node, or `None` to remove it.
        node: Option<Node>,
    },
    /// Sets or removes an owner.
    Owner {
        /// Owner id.
        id: String,
        /// The new owner, or `None` to remove it.
        owner: Option<Owner>,
    },
    /// Sets or removes a service.
    Service {
        /// Service id.
        id: String,
        /// The new service, or `None` to remove it.
        service: Option<Service>,
    },
    /// Inserts a flow at `index` (clamped to the end).
    InsertFlow {
        /// Position in the flow list.
        index: usize,
        /// The flow.
        flow: Flow,
    },
    /// Removes the flow at `index`.
    RemoveFlow {
        /// Position in the flow list.
        index: usize,
    },
    /// Replaces the flow at `index`.
    SetFlow {
        /// Position in the flow list.
        index: usize,
        /// The new flow.
        flow: Flow,
    },
    /// Sets the title.
    Title(String),
    /// Sets the description.
    Description(String),
    /// Sets the end-to-end SLA.
    Sla(Option<Sla>),
    /// Sets the simulation settings.
    Simulation(Simulation),
    /// Several edits as one step.
    Batch(Vec<Edit>),
}

impl Edit {
    /// An edit that changes nothing.
    #[must_use]
    pub fn none() -> Self {
        Self::Batch(Vec::new())
    }

    /// True for an edit that changes nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Batch(edits) if edits.iter().all(Self::is_empty))
    }
}

impl ProcessMap {
    /// Applies an edit and returns the edit that undoes it. Edits that do not fit the map (a
    /// flow index past the end) change nothing and return an empty edit.
    pub fn apply(&mut self, edit: Edit) -> Edit {
        match edit {
            Edit::Node { id, node } => {
                let old = match node {
                    Some(node) => self.nodes.insert(id.clone(), node),
                    None => self.nodes.remove(&id),
                };
                Edit::Node { id, node: old }
            }
            Edit::Owner { id, owner } => {
                let old = match owner {
                    Some(owner) => self.owners.insert(id.clone(), owner),
                    None => self.owners.remove(&id),
                };
                Edit::Owner { id, owner: old }
            }
            Edit::Service { id, service } => {
                let old = match service {
                    Some(service) => self.services.insert(id.clone(), service),
                    None => self.services.remove(&id),
                };
                Edit::Service { id, service: old }
            }
            Edit::InsertFlow { index, flow } => {
                let index = index.min(self.flows.len());
                self.flows.insert(index, flow);
                Edit::RemoveFlow { index }
            }
            Edit::RemoveFlow { index } => {
                if index < self.flows.len() {
                    let flow = self.flows.remove(index);
                    Edit::InsertFlow { index, flow }
                } else {
                    Edit::none()
                }
            }
            Edit::SetFlow { index, flow } => match self.flows.get_mut(index) {
                Some(slot) => Edit::SetFlow {
                    index,
                    flow: std::mem::replace(slot, flow),
                },
                None => Edit::none(),
            },
            Edit::Title(title) => Edit::Title(std::mem::replace(&mut self.title, title)),
            Edit::Description(text) => {
                Edit::Description(std::mem::replace(&mut self.description, text))
            }
            Edit::Sla(sla) => Edit::Sla(std::mem::replace(&mut self.sla, sla)),
            Edit::Simulation(settings) => {
                Edit::Simulation(std::mem::replace(&mut self.simulation, settings))
            }
            Edit::Batch(edits) => {
                let mut inverse: Vec<Edit> = edits.into_iter().map(|e| self.apply(e)).collect();
                inverse.reverse();
                Edit::Batch(inverse)
            }
        }
    }
}

/// A new id from a display name: lower-case words joined by `_`, made unique with a number.
#[must_use]
pub fn fresh_id(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut base: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if base.is_empty() {
        "node".clone_into(&mut base);
    }
    base.truncate(24);
    if !taken(&base) {
        return base;
    }
    (2..u64::MAX)
        .map(|n| format!("{base}_{n}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

/// Removes nodes and every flow attached to them, as one edit.
#[must_use]
pub fn delete_nodes(map: &ProcessMap, ids: &BTreeSet<String>) -> Edit {
    let mut edits: Vec<Edit> = map
        .flows
        .iter()
        .enumerate()
        .filter(|(_, f)| ids.contains(&f.from) || ids.contains(&f.to))
        .map(|(index, _)| Edit::RemoveFlow { index })
        .rev() // back to front, so earlier indices stay valid
        .collect();
    edits.extend(
        ids.iter()
            .filter(|id| map.nodes.contains_key(*id))
            .map(|id| Edit::Node {
                id: id.clone(),
                node: None,
            }),
    );
    Edit::Batch(edits)
}

/// Moves nodes to new positions, as one edit (positions that did not change are skipped).
#[must_use]
pub fn move_nodes(map: &ProcessMap, moves: &[(String, Point)]) -> Edit {
    Edit::Batch(
        moves
            .iter()
            .filter_map(|(id, at)| {
                let mut node = map.nodes.get(id)?.clone();
                if node.at() == *at {
                    return None;
                }
                node.set_at(*at);
                Some(Edit::Node {
                    id: id.clone(),
                    node: Some(node),
                })
            })
            .collect(),
    )
}

/// Removes an owner; steps it owned lose their owner (become pure delays), in the same edit.
#[must_use]
pub fn delete_owner(map: &ProcessMap, owner_id: &str) -> Edit {
    let mut edits: Vec<Edit> = map
        .nodes
        .iter()
        .filter(|(_, n)| n.owner() == Some(owner_id))
        .map(|(id, node)| {
            let mut node = node.clone();
            if let Node::Step { owner, .. } = &mut node {
                *owner = None;
            }
            Edit::Node {
                id: id.clone(),
                node: Some(node),
            }
        })
        .collect();
    edits.push(Edit::Owner {
        id: owner_id.to_owned(),
        owner: None,
    });
    Edit::Batch(edits)
}

/// Removes a service and every reference to it (steps' `uses`, other services' `depends_on`).
#[must_use]
pub fn delete_service(map: &ProcessMap, service_id: &str) -> Edit {
    let mut edits = Vec::new();
    for (id, node) in &map.nodes {
        if let Node::Step { uses, .. } = node {
            if uses.iter().any(|u| u == service_id) {
                let mut node = node.clone();
                if let Node::Step { uses, .. } = &mut node {
                    uses.retain(|u| u != service_id);
                }
                edits.push(Edit::Node {
                    id: id.clone(),
                    node: Some(node),
                });
            }
        }
    }
    for (id, service) in &map.services {
        if id != service_id && service.depends_on.iter().any(|d| d == service_id) {
            let mut service = service.clone();
            service.depends_on.retain(|d| d != service_id);
            edits.push(Edit::Service {
                id: id.clone(),
                service: Some(service),
            });
        }
    }
    edits.push(Edit::Service {
        id: service_id.to_owned(),
        service: None,
    });
    Edit::Batch(edits)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeKind;

    fn sample() -> ProcessMap {
        let mut map = ProcessMap::default();
        for (id, kind) in [
            ("s", NodeKind::Start),
            ("a", NodeKind::Step),
            ("b", NodeKind::Step),
            ("e", NodeKind::End),
        ] {
            map.nodes.insert(
                id.into(),
                Node::new(kind, id.to_uppercase(), Point::default()),
            );
        }
        for (from, to) in [("s", "a"), ("a", "b"), ("b", "e")] {
            map.flows.push(Flow::new(from, to));
        }
        map
    }

    #[test]
    fn delete_then_undo_restores() {
        let mut map = sample();
        let before = map.clone();
        let ids: BTreeSet<String> = ["a".to_owned()].into();
        let inverse = map.apply(delete_nodes(&map, &ids));
        assert_eq!(map.nodes.len(), 3);
        assert_eq!(map.flows, vec![Flow::new("b", "e")]);
        let redo = map.apply(inverse);
        assert_eq!(map, before);
        map.apply(redo);
        assert_eq!(map.flows.len(), 1);
    }

    #[test]
    fn paste_gets_fresh_ids_and_keeps_inner_flows() {
        let mut map = sample();
        let ids: BTreeSet<String> = ["a".to_owned(), "b".to_owned()].into();
        let fragment = Fragment::copy(&map, &ids, &BTreeSet::new());
        assert_eq!(fragment.flows, vec![Flow::new("a", "b")]);
        let (edit, pasted) = fragment.paste(&map, (40.0, 40.0));
        map.apply(edit);
        assert_eq!(pasted.nodes, vec!["a_2".to_owned(), "b_2".to_owned()]);
        assert!(map.flows.contains(&Flow::new("a_2", "b_2")));
        assert_eq!(map.nodes.len(), 6);
    }

    #[test]
    fn fresh_ids_are_slugs() {
        assert_eq!(fresh_id("Check credit!", |_| false), "check_credit");
        assert_eq!(fresh_id("", |_| false), "node");
        assert_eq!(fresh_id("x", |id| id == "x"), "x_2");
    }
}
