//! Edits that add and remove links: flows between nodes, services used by steps, and
//! dependencies between services. Each returns an ordinary [`Edit`], so undo, redo and the
//! inverse-edit property test cover them like any other change.

use super::Edit;
use crate::model::{ElementRef, Flow, Link, LinkSide, Node, ProcessMap, Service};

/// The edit that adds `link`, or `None` when the map has it already or it joins elements that
/// do not exist (or a service to itself).
#[must_use]
pub fn connect(map: &ProcessMap, link: &Link) -> Option<Edit> {
    match link {
        Link::Flow { from, to } => {
            let exists = map.flows.iter().any(|f| f.from == *from && f.to == *to);
            if exists || !map.nodes.contains_key(from) || !map.nodes.contains_key(to) {
                return None;
            }
            Some(Edit::InsertFlow {
                index: usize::MAX,
                flow: Flow::new(from.clone(), to.clone()),
            })
        }
        Link::Uses { service, step } => {
            if !map.services.contains_key(service) {
                return None;
            }
            let mut node = map.nodes.get(step)?.clone();
            let Node::Step { uses, .. } = &mut node else {
                return None;
            };
            if uses.contains(service) {
                return None;
            }
            uses.push(service.clone());
            Some(Edit::Node {
                id: step.clone(),
                node: Some(node),
            })
        }
        Link::DependsOn { service, on } => {
            if service == on || !map.services.contains_key(on) {
                return None;
            }
            let mut changed = map.services.get(service)?.clone();
            if changed.depends_on.contains(on) {
                return None;
            }
            changed.depends_on.push(on.clone());
            Some(Edit::Service {
                id: service.clone(),
                service: Some(changed),
            })
        }
    }
}

/// The edit that removes `link`, or `None` when the map does not have it.
#[must_use]
pub fn disconnect(map: &ProcessMap, link: &Link) -> Option<Edit> {
    match link {
        Link::Flow { from, to } => {
            let index = map
                .flows
                .iter()
                .position(|f| f.from == *from && f.to == *to)?;
            Some(Edit::RemoveFlow { index })
        }
        Link::Uses { service, step } => {
            let mut node = map.nodes.get(step)?.clone();
            let Node::Step { uses, .. } = &mut node else {
                return None;
            };
            if !uses.contains(service) {
                return None;
            }
            uses.retain(|u| u != service);
            Some(Edit::Node {
                id: step.clone(),
                node: Some(node),
            })
        }
        Link::DependsOn { service, on } => {
            let mut changed = map.services.get(service)?.clone();
            if !changed.depends_on.contains(on) {
                return None;
            }
            changed.depends_on.retain(|d| d != on);
            Some(Edit::Service {
                id: service.clone(),
                service: Some(changed),
            })
        }
    }
}

/// Removes every link on one side of an element, as one edit (empty when there is none).
#[must_use]
pub fn drop_links(map: &ProcessMap, element: &ElementRef, side: LinkSide) -> Edit {
    let mut edits = Vec::new();
    match (element, side) {
        (ElementRef::Node(id), LinkSide::Outgoing | LinkSide::IncomingFlows) => {
            // Back to front, so the indices of the flows still to remove stay valid.
            for (index, flow) in map.flows.iter().enumerate().rev() {
                let end = if side == LinkSide::Outgoing {
                    &flow.from
                } else {
                    &flow.to
                };
                if end == id {
                    edits.push(Edit::RemoveFlow { index });
                }
            }
        }
        (ElementRef::Node(id), LinkSide::UsedServices) => {
            if let Some(Node::Step { uses, .. }) = map.nodes.get(id) {
                if !uses.is_empty() {
                    let mut node = map.nodes.get(id).cloned();
                    if let Some(Node::Step { uses, .. }) = &mut node {
                        uses.clear();
                    }
                    edits.push(Edit::Node {
                        id: id.clone(),
                        node,
                    });
                }
            }
        }
        (ElementRef::Service(id), LinkSide::Outgoing) => {
            for (step, node) in &map.nodes {
                if let Node::Step { uses, .. } = node {
                    if uses.contains(id) {
                        let mut node = node.clone();
                        if let Node::Step { uses, .. } = &mut node {
                            uses.retain(|u| u != id);
                        }
                        edits.push(Edit::Node {
                            id: step.clone(),
                            node: Some(node),
                        });
                    }
                }
            }
            for (other, service) in &map.services {
                if other != id && service.depends_on.contains(id) {
                    let mut service = service.clone();
                    service.depends_on.retain(|d| d != id);
                    edits.push(Edit::Service {
                        id: other.clone(),
                        service: Some(service),
                    });
                }
            }
        }
        (ElementRef::Service(id), LinkSide::Dependencies) => {
            if let Some(service) = map.services.get(id).filter(|s| !s.depends_on.is_empty()) {
                edits.push(Edit::Service {
                    id: id.clone(),
                    service: Some(Service {
                        depends_on: Vec::new(),
                        ..service.clone()
                    }),
                });
            }
        }
        // Sides an element of this kind does not have.
        (ElementRef::Node(_), LinkSide::Dependencies)
        | (ElementRef::Service(_), LinkSide::IncomingFlows | LinkSide::UsedServices) => {}
    }
    Edit::Batch(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::edit::tests::sample;

    #[test]
    fn connect_twice_is_refused_and_disconnect_undoes_it() {
        let mut map = sample();
        map.services.insert("db".into(), Service::new("Database"));
        let link = Link::Uses {
            service: "db".into(),
            step: "b".into(),
        };
        let Some(edit) = connect(&map, &link) else {
            panic!("b is a step and db a service");
        };
        let before = map.clone();
        let inverse = map.apply(edit);
        assert!(connect(&map, &link).is_none(), "already linked");
        let Some(remove) = disconnect(&map, &link) else {
            panic!("the link is there");
        };
        let mut removed = map.clone();
        removed.apply(remove);
        assert_eq!(removed, before);
        map.apply(inverse);
        assert_eq!(map, before);
        assert!(
            connect(
                &map,
                &Link::DependsOn {
                    service: "db".into(),
                    on: "db".into()
                }
            )
            .is_none(),
            "a service does not depend on itself"
        );
    }

    #[test]
    fn dropping_outgoing_flows_keeps_the_others() {
        let map = sample();
        let edit = drop_links(&map, &ElementRef::Node("b".into()), LinkSide::Outgoing);
        let mut changed = map.clone();
        changed.apply(edit);
        assert!(changed.flows.iter().all(|f| f.from != "b"));
        assert!(changed.flows.iter().any(|f| f.to == "b"));
    }
}
