//! Naming the elements of a map: a node or a service by id ([`ElementRef`]), what kind of
//! element something is or will be ([`ElementKind`]), and the links between elements ([`Link`]).
//! The editor selects, adds and connects through these types, so what a connection *means* is
//! decided here once, not by which pin of a widget it was drawn to.

use super::NodeKind;

/// One element of a map: a process node or a service, by id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ElementRef {
    /// A node of `ProcessMap::nodes`.
    Node(String),
    /// A service of `ProcessMap::services`.
    Service(String),
}

impl ElementRef {
    /// The id without its kind.
    #[must_use]
    pub fn id(&self) -> &str {
        match self {
            Self::Node(id) | Self::Service(id) => id,
        }
    }

    /// The node id, if this is a node.
    #[must_use]
    pub fn node(&self) -> Option<&str> {
        match self {
            Self::Node(id) => Some(id),
            Self::Service(_) => None,
        }
    }

    /// The service id, if this is a service.
    #[must_use]
    pub fn service(&self) -> Option<&str> {
        match self {
            Self::Service(id) => Some(id),
            Self::Node(_) => None,
        }
    }
}

/// The kind of an element: one of the node kinds, or a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElementKind {
    /// A process node of this kind.
    Node(NodeKind),
    /// An IT or business service.
    Service,
}

impl ElementKind {
    /// Every kind, in palette order.
    pub const ALL: [Self; 6] = [
        Self::Node(NodeKind::Start),
        Self::Node(NodeKind::Step),
        Self::Node(NodeKind::Decision),
        Self::Node(NodeKind::Parallel),
        Self::Node(NodeKind::End),
        Self::Service,
    ];

    /// The kind's name ("Step", "Service").
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Node(kind) => kind.label(),
            Self::Service => "Service",
        }
    }

    /// The name a new element of this kind gets.
    #[must_use]
    pub fn default_name(self) -> &'static str {
        match self {
            Self::Node(NodeKind::Step) => "New step",
            Self::Node(NodeKind::Decision) => "Decide",
            Self::Node(NodeKind::Parallel) => "In parallel",
            Self::Node(NodeKind::Start) => "Start",
            Self::Node(NodeKind::End) => "Done",
            Self::Service => "New service",
        }
    }
}

/// A link between two elements, by what it means in the map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// A flow from one node to another.
    Flow {
        /// Source node id.
        from: String,
        /// Target node id.
        to: String,
    },
    /// A step uses a service (it cannot start while the service is down).
    Uses {
        /// The service.
        service: String,
        /// The step.
        step: String,
    },
    /// A service depends on another one (it is down while that one is down).
    DependsOn {
        /// The dependent service.
        service: String,
        /// What it depends on.
        on: String,
    },
}

/// One side of an element's links, for removing them all at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkSide {
    /// What leaves the element: a node's outgoing flows, or the steps and services that use
    /// or depend on a service.
    Outgoing,
    /// The flows into a node.
    IncomingFlows,
    /// The services a step uses.
    UsedServices,
    /// The services a service depends on.
    Dependencies,
}
