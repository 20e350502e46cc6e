//! Edits of a map as values: each [`Edit`] applied to a map returns its inverse, so undo and
//! redo are "apply what you got back". The editor changes documents only through edits.

mod capacity;
mod fragment;
mod links;

use std::collections::BTreeSet;

use super::{
    Calendar, ElementKind, ElementRef, Flow, LinkSide, Node, Owner, Point, ProcessMap, Service,
    Simulation, Sla,
};
pub use capacity::{CapacityChange, set_capacities, set_staffing};
pub use fragment::{Fragment, Pasted};
pub use links::{connect, disconnect, drop_links};

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
    /// Sets or removes a calendar.
    Calendar {
        /// Calendar id.
        id: String,
        /// The new calendar, or `None` to remove it.
        calendar: Option<Calendar>,
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
            Edit::Calendar { id, calendar } => {
                let old = match calendar {
                    Some(calendar) => self.calendars.insert(id.clone(), calendar),
                    None => self.calendars.remove(&id),
                };
                Edit::Calendar { id, calendar: old }
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

/// Removes a calendar and every reference to it (owners, Starts, Steps, services'
/// maintenance, SLAs), as one edit.
#[must_use]
pub fn delete_calendar(map: &ProcessMap, calendar_id: &str) -> Edit {
    let named = |c: &Option<String>| c.as_deref() == Some(calendar_id);
    let unset = |c: &mut Option<String>| {
        if c.as_deref() == Some(calendar_id) {
            *c = None;
        }
    };
    let mut edits = Vec::new();
    for (id, owner) in &map.owners {
        if named(&owner.calendar) {
            let mut owner = owner.clone();
            owner.calendar = None;
            edits.push(Edit::Owner {
                id: id.clone(),
                owner: Some(owner),
            });
        }
    }
    for (id, service) in &map.services {
        if named(&service.maintenance) {
            let mut service = service.clone();
            service.maintenance = None;
            edits.push(Edit::Service {
                id: id.clone(),
                service: Some(service),
            });
        }
    }
    for (id, node) in &map.nodes {
        let mut changed = node.clone();
        match &mut changed {
            Node::Start { calendar, .. } => unset(calendar),
            Node::Step { calendar, sla, .. } => {
                unset(calendar);
                if let Some(sla) = sla {
                    unset(&mut sla.calendar);
                }
            }
            _ => {}
        }
        if &changed != node {
            edits.push(Edit::Node {
                id: id.clone(),
                node: Some(changed),
            });
        }
    }
    if let Some(sla) = &map.sla
        && named(&sla.calendar)
    {
        let mut sla = sla.clone();
        sla.calendar = None;
        edits.push(Edit::Sla(Some(sla)));
    }
    edits.push(Edit::Calendar {
        id: calendar_id.to_owned(),
        calendar: None,
    });
    Edit::Batch(edits)
}

/// Removes a service and every reference to it (steps' `uses`, other services' `depends_on`).
#[must_use]
pub fn delete_service(map: &ProcessMap, service_id: &str) -> Edit {
    let element = ElementRef::Service(service_id.to_owned());
    let mut edits = vec![drop_links(map, &element, LinkSide::Outgoing)];
    edits.push(Edit::Service {
        id: service_id.to_owned(),
        service: None,
    });
    Edit::Batch(edits)
}

/// Adds a new element of `kind` at `at` under a fresh id, optionally with a flow from
/// `connect_from` into it and one from it to `connect_to` (flows join nodes only). Returns the
/// edit and the new element.
#[must_use]
pub fn add_element(
    map: &ProcessMap,
    kind: ElementKind,
    at: Point,
    connect_from: Option<&ElementRef>,
    connect_to: Option<&ElementRef>,
) -> (Edit, ElementRef) {
    let name = kind.default_name();
    let (element, mut edits) = match kind {
        ElementKind::Node(kind) => {
            let id = fresh_id(kind.label(), |c| map.nodes.contains_key(c));
            let node = Node::new(kind, name, at);
            (
                ElementRef::Node(id.clone()),
                vec![Edit::Node {
                    id,
                    node: Some(node),
                }],
            )
        }
        ElementKind::Service => {
            let id = fresh_id("service", |c| map.services.contains_key(c));
            let service = Service {
                at,
                ..Service::new(name)
            };
            (
                ElementRef::Service(id.clone()),
                vec![Edit::Service {
                    id,
                    service: Some(service),
                }],
            )
        }
    };
    if let (Some(ElementRef::Node(from)), ElementRef::Node(to)) = (connect_from, &element) {
        edits.push(Edit::InsertFlow {
            index: usize::MAX,
            flow: Flow::new(from.clone(), to.clone()),
        });
    }
    if let (ElementRef::Node(from), Some(ElementRef::Node(to))) = (&element, connect_to) {
        edits.push(Edit::InsertFlow {
            index: usize::MAX,
            flow: Flow::new(from.clone(), to.clone()),
        });
    }
    (Edit::Batch(edits), element)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::NodeKind;

    /// A four-node line: start, two steps, end.
    pub(crate) fn sample() -> ProcessMap {
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
