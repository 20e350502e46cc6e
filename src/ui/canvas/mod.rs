//! The map canvas. The document is the truth; egui-snarl draws a *view* of it:
//!
//! - Small maps (up to [`WINDOW_LIMIT`] elements) are shown whole in one snarl.
//! - Large maps, zoomed in, get a windowed snarl holding only the elements near the viewport and
//!   their neighbours (so wires leaving the screen still show); it is updated incrementally as
//!   the view moves, so nodes that stay keep their snarl ids and sizes.
//! - Large maps, zoomed out below readable text, are drawn directly with the painter (one shape
//!   per element, one line per flow): the overview.
//!
//! Whatever the user does on the canvas comes back as [`Action`]s that the app turns into
//! document edits; the canvas never changes the document itself.
//!
//! This file holds the types the app sees ([`Canvas`], [`Action`], [`Decor`]), the coordinate
//! helpers, what a wire means ([`link_between`]) and the per-frame entry [`Canvas::ui`]. The
//! rest, by responsibility: `view` (zoom, fit, centre, first view), `sync` (the snarl built from
//! the document, windowing, per-revision derived data), `input` (plain clicks, the snarl's
//! selection, finished drags), `labels` (texts on decision flows), `overview` (the painter
//! overview), `style` (the snarl's look) and `viewer` (the `SnarlViewer` that draws the cards).

mod input;
mod labels;
mod overview;
mod style;
mod sync;
mod view;
mod viewer;

use std::collections::{BTreeSet, HashMap, HashSet};

use egui::emath::TSTransform;
use egui::{Color32, Id, Pos2, Rect, Ui, Vec2, pos2, vec2};
use egui_snarl::ui::SnarlWidget;
use egui_snarl::{NodeId, Snarl};

use super::theme;
use crate::model::{ElementKind, ElementRef, Link, LinkSide, Point, ProcessMap};
use style::style;
use sync::Derived;
use viewer::Viewer;

/// Maps with more elements than this are windowed (and use the overview when zoomed out).
pub const WINDOW_LIMIT: usize = 200;
/// Below this zoom, large maps switch to the painter overview.
pub const OVERVIEW_SCALE: f32 = 0.45;
const MIN_SCALE: f32 = 0.05;
const MAX_SCALE: f32 = 2.0;

/// What the user did on the canvas, for the app to turn into edits.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Draw a link (a flow, a service used by a step, a service dependency).
    Connect(Link),
    /// Remove a link.
    Disconnect(Link),
    /// A wire drawn between pins that do not connect (a flow pin to a service pin).
    Refused,
    /// Remove every link on one side of an element.
    DropLinks(ElementRef, LinkSide),
    /// Add a new element at a canvas position, optionally connected from an existing one.
    Add {
        /// The kind to add.
        kind: ElementKind,
        /// Canvas position.
        at: Point,
        /// Connect from this element's output to the new element.
        connect_from: Option<ElementRef>,
        /// Connect the new element's output to this element.
        connect_to: Option<ElementRef>,
    },
    /// Elements were dragged to new positions (sent once, when the mouse is released).
    Move(Vec<(ElementRef, Point)>),
    /// Delete an element (from its context menu).
    Delete(ElementRef),
    /// Duplicate an element (from its context menu).
    Duplicate(ElementRef),
    /// Clicked an element in the overview.
    Select(ElementRef),
}

/// Everything the canvas shows besides the map: selection, owner colours, highlights.
pub struct Decor<'a> {
    /// Selected elements (drawn with an accent border).
    pub selection: &'a BTreeSet<ElementRef>,
    /// Elements with validation errors (drawn with a red mark).
    pub errors: &'a HashSet<String>,
    /// Optional colour per node id (heat, impact highlights).
    pub highlight: &'a HashMap<String, Color32>,
    /// Badge text and colour per node id (bottleneck, SLA missed).
    pub badges: &'a HashMap<String, (String, Color32)>,
    /// Figures shown when hovering a node.
    pub figures: &'a HashMap<String, String>,
    /// Dark theme.
    pub dark: bool,
}

/// The canvas state that lives between frames.
pub struct Canvas {
    snarl: Snarl<ElementRef>,
    index: HashMap<ElementRef, NodeId>,
    built_revision: u64,
    built_keys: BTreeSet<ElementRef>,
    generation: u64,
    /// Canvas-to-screen transform, as last shown.
    pub view: TSTransform,
    pending_view: Option<TSTransform>,
    fit_pending: bool,
    first_view_pending: bool,
    /// Screen rectangle of the canvas, as last shown.
    pub rect: Rect,
    last_snarl_selection: Vec<ElementRef>,
    rects: HashMap<ElementRef, Rect>,
    /// True while the painter overview is shown instead of the snarl.
    pub overview: bool,
    derived: Derived,
}

impl Default for Canvas {
    fn default() -> Self {
        Self {
            snarl: Snarl::new(),
            index: HashMap::new(),
            built_revision: 0,
            built_keys: BTreeSet::new(),
            generation: 0,
            view: TSTransform::IDENTITY,
            pending_view: None,
            fit_pending: false,
            first_view_pending: true,
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            last_snarl_selection: Vec::new(),
            rects: HashMap::new(),
            overview: false,
            derived: Derived::default(),
        }
    }
}

fn to_pos(p: Point) -> Pos2 {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "canvas coordinates fit f32"
    )]
    pos2(p.x as f32, p.y as f32)
}

fn to_point(p: Pos2) -> Point {
    Point::new(f64::from(p.x).round(), f64::from(p.y).round())
}

/// Canvas position of an element, if it exists.
#[must_use]
pub fn element_pos(map: &ProcessMap, key: &ElementRef) -> Option<Pos2> {
    match key {
        ElementRef::Node(id) => map.nodes.get(id).map(|n| to_pos(n.at())),
        ElementRef::Service(id) => map.services.get(id).map(|s| to_pos(s.at)),
    }
}

fn element_size(map: &ProcessMap, key: &ElementRef) -> Vec2 {
    match key {
        ElementRef::Node(id) => theme::card_size(
            map.nodes
                .get(id)
                .map_or(ElementKind::Service, |n| ElementKind::Node(n.kind())),
        ),
        ElementRef::Service(_) => theme::card_size(ElementKind::Service),
    }
}

/// The bounding box of every element, in canvas units.
#[must_use]
pub fn bounds(map: &ProcessMap) -> Option<Rect> {
    map.elements()
        .filter_map(|key| {
            let pos = element_pos(map, &key)?;
            Some(Rect::from_min_size(pos, element_size(map, &key)))
        })
        .reduce(Rect::union)
}
impl Canvas {
    /// The snarl widget's id (changes when its state is reset).
    fn snarl_id(&self) -> Id {
        Id::new(("procmap-canvas", self.generation))
    }

    /// Number of elements in the snarl (all of a small map, a window of a large one).
    #[must_use]
    pub fn snarl_len(&self) -> usize {
        self.index.len()
    }

    /// Forgets everything taken from the previous document: a new document starts at
    /// revision 1 like the old one did, so what was derived from the old map (its rects decide
    /// which cards are built and where the view fits) must go too.
    pub fn forget_document(&mut self) {
        self.derived = Derived::default();
        self.reset();
    }

    /// Forgets the snarl's own state (its selection) and rebuilds it from the document: used
    /// when the app selects elements itself, and when another document is opened.
    pub fn reset(&mut self) {
        self.generation += 1;
        self.snarl = Snarl::new();
        self.index.clear();
        self.built_keys.clear();
        self.built_revision = 0;
        self.last_snarl_selection.clear();
        // A fresh snarl state would fit the view itself: keep ours.
        if self.pending_view.is_none() {
            self.pending_view = Some(self.view);
        }
    }

    /// Shows the canvas; returns what the user did.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        revision: u64,
        decor: &Decor<'_>,
    ) -> Vec<Action> {
        let previous = self.rect;
        self.rect = ui.available_rect_before_wrap();
        // Panels settle in the first frames: frame the map once the canvas keeps its size.
        let settled = previous == self.rect;
        if !settled && self.first_view_pending {
            ui.ctx().request_repaint();
        }
        if self.first_view_pending && settled && self.rect.width() > 10.0 {
            self.first_view_pending = false;
            if !self.fit_pending {
                self.first_view(map);
            }
        }
        if self.fit_pending && self.rect.width() > 10.0 {
            // An explicit fit replaces the first view.
            self.fit_pending = false;
            self.first_view_pending = false;
            self.fit(map);
        }
        if self.derived.revision != revision {
            self.derived = Derived::new(map, revision);
        }
        let count = self.derived.rects.len();
        let large = count > WINDOW_LIMIT;
        self.overview = large && self.view.scaling < OVERVIEW_SCALE;
        if self.overview {
            return self.overview_ui(ui, decor);
        }
        // A large map gets a window of the elements near the viewport.
        let wanted: BTreeSet<ElementRef> = if large {
            self.derived.window(self.view.inverse() * self.rect)
        } else {
            self.derived.rects.iter().map(|(k, _)| k.clone()).collect()
        };
        self.sync(map, revision, wanted);
        let snarl_id = self.snarl_id();
        let mut viewer = Viewer {
            map,
            decor,
            colours: crate::palette::NodeColours::new(map),
            actions: Vec::new(),
            view: self.view,
            pending_view: self.pending_view.take(),
            rects: &mut self.rects,
        };
        SnarlWidget::new()
            .id(snarl_id)
            .style(style(decor.dark))
            .show(&mut self.snarl, &mut viewer, ui);
        self.view = viewer.view;
        let mut actions = std::mem::take(&mut viewer.actions);
        drop(viewer);
        self.draw_flow_labels(ui, snarl_id);
        self.collect_moves(ui, map, &mut actions);
        actions
    }
}

/// What a wire from `from`'s output to input pin `to_pin` of `to` means. The pins: a node's
/// input 0 takes flows and a step's input 1 the services it uses; a service's input 0 takes the
/// services it depends on; every output is "flows out" (nodes) or "is needed by" (services).
pub fn link_between(from: &ElementRef, to: &ElementRef, to_pin: usize) -> Option<Link> {
    match (from, to, to_pin) {
        (ElementRef::Node(from), ElementRef::Node(to), 0) => Some(Link::Flow {
            from: from.clone(),
            to: to.clone(),
        }),
        (ElementRef::Service(service), ElementRef::Node(step), 1) => Some(Link::Uses {
            service: service.clone(),
            step: step.clone(),
        }),
        (ElementRef::Service(on), ElementRef::Service(service), 0) => Some(Link::DependsOn {
            service: service.clone(),
            on: on.clone(),
        }),
        _ => None,
    }
}
