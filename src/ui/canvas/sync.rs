//! The snarl as a view of the document: [`Canvas::sync`] brings its nodes and wires in line
//! with the document and the wanted set of elements (all of a small map, a window of a large
//! one), and [`Derived`] holds what is computed once per revision (rectangles, neighbours,
//! flow texts, overview shapes) for windowing, the labels and the overview. The document is
//! only read.

use std::collections::{BTreeSet, HashMap};

use egui::{Color32, Pos2, Rect};
use egui_snarl::{InPinId, NodeId, OutPinId};

use super::{Canvas, element_pos, element_size, theme, to_pos};
use crate::model::{ElementKind, ElementRef, Node, ProcessMap};

impl Canvas {
    /// Brings the snarl in line with the document and the wanted set of elements.
    pub(super) fn sync(&mut self, map: &ProcessMap, revision: u64, wanted: BTreeSet<ElementRef>) {
        if revision == self.built_revision && wanted == self.built_keys {
            return;
        }
        let changed_doc = revision != self.built_revision;
        // Remove what is no longer wanted (or no longer exists).
        let gone: Vec<ElementRef> = self
            .index
            .keys()
            .filter(|k| !wanted.contains(*k) || element_pos(map, k).is_none())
            .cloned()
            .collect();
        for key in gone {
            if let Some(id) = self.index.remove(&key) {
                self.snarl.remove_node(id);
            }
        }
        for key in &wanted {
            let Some(pos) = element_pos(map, key) else {
                continue;
            };
            match self.index.get(key) {
                Some(&id) => {
                    if changed_doc {
                        if let Some(info) = self.snarl.get_node_info_mut(id) {
                            info.pos = pos;
                        }
                    }
                }
                None => {
                    let id = self.snarl.insert_node(pos, key.clone());
                    self.index.insert(key.clone(), id);
                }
            }
        }
        // Wires: rebuilt from the document (cheap: only the elements in the snarl).
        let wires: Vec<(OutPinId, InPinId)> = self.snarl.wires().collect();
        for (from, to) in wires {
            self.snarl.disconnect(from, to);
        }
        let pin = |index: &HashMap<ElementRef, NodeId>, key: ElementRef| index.get(&key).copied();
        for flow in &map.flows {
            if let (Some(a), Some(b)) = (
                pin(&self.index, ElementRef::Node(flow.from.clone())),
                pin(&self.index, ElementRef::Node(flow.to.clone())),
            ) {
                self.snarl.connect(
                    OutPinId { node: a, output: 0 },
                    InPinId { node: b, input: 0 },
                );
            }
        }
        for (id, node) in &map.nodes {
            if let Node::Step { uses, .. } = node {
                for service in uses {
                    if let (Some(a), Some(b)) = (
                        pin(&self.index, ElementRef::Service(service.clone())),
                        pin(&self.index, ElementRef::Node(id.clone())),
                    ) {
                        self.snarl.connect(
                            OutPinId { node: a, output: 0 },
                            InPinId { node: b, input: 1 },
                        );
                    }
                }
            }
        }
        for (id, service) in &map.services {
            for dep in &service.depends_on {
                if let (Some(a), Some(b)) = (
                    pin(&self.index, ElementRef::Service(dep.clone())),
                    pin(&self.index, ElementRef::Service(id.clone())),
                ) {
                    self.snarl.connect(
                        OutPinId { node: a, output: 0 },
                        InPinId { node: b, input: 0 },
                    );
                }
            }
        }
        self.built_revision = revision;
        self.built_keys = wanted;
    }
}

/// What the canvas derives from one revision of the document: element rectangles for windowing
/// and the overview, flow neighbours, and the texts on decision flows. Rebuilt only when the
/// document changes, so a frame of a large map does no per-element allocation.
#[derive(Default)]
pub(super) struct Derived {
    pub(super) revision: u64,
    pub(super) rects: Vec<(ElementRef, Rect)>,
    neighbours: HashMap<ElementRef, Vec<ElementRef>>,
    /// (from, to, text) of flows that carry a label or a decision probability.
    pub(super) labels: Vec<(ElementRef, ElementRef, String)>,
    /// Flow lines between element centres, for the overview.
    pub(super) segments: Vec<(Pos2, Pos2)>,
    /// Overview fill per element, in `rects` order.
    pub(super) fills: Vec<Color32>,
}

impl Derived {
    pub(super) fn new(map: &ProcessMap, revision: u64) -> Self {
        let rects: Vec<(ElementRef, Rect)> = map
            .elements()
            .filter_map(|key| {
                let pos = element_pos(map, &key)?;
                let size = element_size(map, &key);
                Some((key, Rect::from_min_size(pos, size)))
            })
            .collect();
        let mut neighbours: HashMap<ElementRef, Vec<ElementRef>> = HashMap::new();
        for flow in &map.flows {
            let (a, b) = (
                ElementRef::Node(flow.from.clone()),
                ElementRef::Node(flow.to.clone()),
            );
            neighbours.entry(a.clone()).or_default().push(b.clone());
            neighbours.entry(b).or_default().push(a);
        }
        let labels = map
            .flows
            .iter()
            .zip(crate::model::flow_captions(map))
            .filter(|(_, text)| !text.is_empty())
            .map(|(flow, text)| {
                (
                    ElementRef::Node(flow.from.clone()),
                    ElementRef::Node(flow.to.clone()),
                    text,
                )
            })
            .collect();
        let centre = |id: &str| {
            map.nodes
                .get(id)
                .map(|n| to_pos(n.at()) + theme::card_size(ElementKind::Node(n.kind())) / 2.0)
        };
        let segments = map
            .flows
            .iter()
            .filter_map(|f| Some((centre(&f.from)?, centre(&f.to)?)))
            .collect();
        let colours = crate::palette::NodeColours::new(map);
        let fills = rects
            .iter()
            .map(|(key, _): &(ElementRef, Rect)| match key {
                ElementRef::Node(id) => map
                    .nodes
                    .get(id)
                    .map_or(theme::NO_OWNER, |node| theme::rgb(colours.of(node))),
                ElementRef::Service(_) => theme::SERVICE,
            })
            .collect();
        Self {
            revision,
            rects,
            neighbours,
            labels,
            segments,
            fills,
        }
    }

    /// The elements a windowed snarl should hold: those overlapping the visible canvas
    /// rectangle (with a margin), plus their flow neighbours so wires leaving the screen show.
    pub(super) fn window(&self, visible: Rect) -> BTreeSet<ElementRef> {
        let area = visible.expand2(visible.size() * 0.25);
        let inside: Vec<&ElementRef> = self
            .rects
            .iter()
            .filter(|(_, rect)| area.intersects(*rect))
            .map(|(key, _)| key)
            .collect();
        let mut keys: BTreeSet<ElementRef> = inside.iter().map(|k| (*k).clone()).collect();
        for key in inside {
            if let Some(next) = self.neighbours.get(key) {
                keys.extend(next.iter().cloned());
            }
        }
        keys
    }
}
