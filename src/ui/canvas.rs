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

use std::collections::{BTreeSet, HashMap, HashSet};

use egui::emath::TSTransform;
use egui::{Color32, CornerRadius, Id, LayerId, Pos2, Rect, Sense, Stroke, Ui, Vec2, pos2, vec2};
use egui_snarl::ui::{
    AnyPins, NodeLayout, PinInfo, PinPlacement, SnarlPin, SnarlStyle, SnarlViewer, SnarlWidget,
    WireStyle,
};
use egui_snarl::{InPin, InPinId, NodeId, OutPin, OutPinId, Snarl};

use super::theme;
use crate::model::{ElementKind, ElementRef, Link, LinkSide, Node, NodeKind, Point, ProcessMap};

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
        ElementRef::Node(id) => theme::card_size(map.nodes.get(id).map(Node::kind)),
        ElementRef::Service(_) => theme::card_size(None),
    }
}

/// Every element of a map.
fn all_keys(map: &ProcessMap) -> impl Iterator<Item = ElementRef> + '_ {
    map.nodes
        .keys()
        .map(|id| ElementRef::Node(id.clone()))
        .chain(
            map.services
                .keys()
                .map(|id| ElementRef::Service(id.clone())),
        )
}

/// The bounding box of every element, in canvas units.
#[must_use]
pub fn bounds(map: &ProcessMap) -> Option<Rect> {
    all_keys(map)
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

    /// Zoom level (1.0 = 100%).
    #[must_use]
    pub fn zoom(&self) -> f32 {
        self.view.scaling
    }

    /// Frames the whole map on the next frame.
    pub fn request_fit(&mut self) {
        self.fit_pending = true;
    }

    /// Shows a newly opened map: whole if readable, else its start.
    pub fn request_first_view(&mut self) {
        self.first_view_pending = true;
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

    /// Zooms by `factor` around the canvas centre.
    pub fn zoom_by(&mut self, factor: f32) {
        let scaling = (self.view.scaling * factor).clamp(MIN_SCALE, MAX_SCALE);
        self.set_scaling(scaling);
    }

    /// Sets the zoom (1.0 = 100%) around the canvas centre.
    pub fn set_scaling(&mut self, scaling: f32) {
        let centre = self.rect.center();
        let canvas_centre = self.view.inverse() * centre;
        self.set_view(TSTransform {
            scaling,
            translation: centre.to_vec2() - canvas_centre.to_vec2() * scaling,
        });
    }

    /// Centres the view on a canvas position, keeping the zoom (at least 60%).
    pub fn centre_on(&mut self, at: Pos2) {
        let scaling = self.view.scaling.max(0.6);
        let centre = self.rect.center();
        self.set_view(TSTransform {
            scaling,
            translation: centre.to_vec2() - at.to_vec2() * scaling,
        });
    }

    fn set_view(&mut self, view: TSTransform) {
        self.view = view;
        self.pending_view = Some(view);
    }

    /// The first view of a map: the whole map when it fits at a readable zoom, else its start
    /// (left edge, vertically centred) at 70%.
    fn first_view(&mut self, map: &ProcessMap) {
        self.fit(map);
        if self.view.scaling >= 0.6 {
            return;
        }
        let Some(bounds) = bounds(map) else {
            return;
        };
        let scaling = 0.7;
        let anchor = pos2(bounds.left() - 40.0, bounds.center().y);
        self.set_view(TSTransform {
            scaling,
            translation: pos2(self.rect.left(), self.rect.center().y).to_vec2()
                - anchor.to_vec2() * scaling,
        });
    }

    fn fit(&mut self, map: &ProcessMap) {
        let Some(bounds) = bounds(map) else {
            self.set_view(TSTransform {
                scaling: 1.0,
                translation: self.rect.center().to_vec2(),
            });
            return;
        };
        let bounds = bounds.expand(40.0);
        let scaling = (self.rect.width() / bounds.width())
            .min(self.rect.height() / bounds.height())
            .clamp(MIN_SCALE, 1.0);
        self.set_view(TSTransform {
            scaling,
            translation: self.rect.center().to_vec2() - bounds.center().to_vec2() * scaling,
        });
    }

    /// The canvas position at the centre of the screen.
    #[must_use]
    pub fn centre(&self) -> Pos2 {
        self.view.inverse() * self.rect.center()
    }

    /// Shows the canvas; returns what the user did.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        revision: u64,
        decor: &Decor<'_>,
    ) -> Vec<Action> {
        self.rect = ui.available_rect_before_wrap();
        if self.first_view_pending && self.rect.width() > 10.0 {
            self.first_view_pending = false;
            if !self.fit_pending {
                self.first_view(map);
            }
        }
        if self.fit_pending && self.rect.width() > 10.0 {
            self.fit_pending = false;
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

    /// A plain click (no Shift or Ctrl) on the canvas this frame: `Some(Some(key))` on an element,
    /// `Some(None)` on the background. Snarl 0.12 selects only with Shift, so the editor handles
    /// plain clicks itself.
    pub fn plain_click(&self, ctx: &egui::Context) -> Option<Option<ElementRef>> {
        if self.overview {
            return None;
        }
        let (clicked, pos, modifiers) = ctx.input(|i| {
            (
                i.pointer.primary_clicked(),
                i.pointer.interact_pos(),
                i.modifiers,
            )
        });
        if !clicked || modifiers.shift || modifiers.command || egui::Popup::is_any_open(ctx) {
            return None;
        }
        let pos = pos.filter(|p| self.rect.contains(*p))?;
        // Only clicks that reached the canvas, not a window or menu floating over it.
        let layer = ctx.layer_id_at(pos)?;
        if layer.order != egui::Order::Background && layer.order != egui::Order::Middle {
            return None;
        }
        let at = self.view.inverse() * pos;
        let hit = self
            .rects
            .iter()
            .filter(|(key, rect)| self.index.contains_key(*key) && rect.contains(at))
            .map(|(key, _)| key.clone())
            .max();
        Some(hit)
    }

    /// Elements selected in the snarl, when the user changed the selection there this frame.
    pub fn take_snarl_selection(&mut self, ctx: &egui::Context) -> Option<Vec<ElementRef>> {
        if self.overview {
            return None;
        }
        let mut keys: Vec<ElementRef> = egui_snarl::ui::get_selected_nodes(self.snarl_id(), ctx)
            .into_iter()
            .filter_map(|id| self.snarl.get_node(id).cloned())
            .collect();
        keys.sort();
        if keys == self.last_snarl_selection {
            return None;
        }
        self.last_snarl_selection.clone_from(&keys);
        Some(keys)
    }

    /// Brings the snarl in line with the document and the wanted set of elements.
    fn sync(&mut self, map: &ProcessMap, revision: u64, wanted: BTreeSet<ElementRef>) {
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

    /// After a drag ends, reports the elements whose position differs from the document.
    fn collect_moves(&self, ui: &Ui, map: &ProcessMap, actions: &mut Vec<Action>) {
        if ui.ctx().input(|i| i.pointer.any_down()) {
            return;
        }
        let moves: Vec<(ElementRef, Point)> = self
            .index
            .iter()
            .filter_map(|(key, &id)| {
                let pos = self.snarl.get_node_info(id)?.pos;
                let at = element_pos(map, key)?;
                ((pos - at).length() > 0.5).then(|| (key.clone(), to_point(pos)))
            })
            .collect();
        if !moves.is_empty() {
            actions.push(Action::Move(moves));
        }
    }

    /// Probability and label text on flows leaving a Decision (snarl 0.12 draws no wire widgets).
    fn draw_flow_labels(&self, ui: &Ui, snarl_id: Id) {
        let layer = LayerId::new(ui.layer_id().order, snarl_id.with("labels"));
        ui.ctx()
            .set_sublayer(LayerId::new(ui.layer_id().order, snarl_id), layer);
        let painter = ui.ctx().layer_painter(layer).with_clip_rect(self.rect);
        let font = egui::FontId::proportional((12.0 * self.view.scaling).clamp(8.0, 18.0));
        for (from, to, text) in &self.derived.labels {
            if !self.index.contains_key(from) || !self.index.contains_key(to) {
                continue;
            }
            let (Some(a), Some(b)) = (self.rects.get(from), self.rects.get(to)) else {
                continue;
            };
            let mid = pos2(
                f32::midpoint(a.right(), b.left()),
                f32::midpoint(a.center().y, b.center().y),
            );
            let screen = self.view * mid;
            let galley =
                painter.layout_no_wrap(text.clone(), font.clone(), ui.visuals().text_color());
            let rect = Rect::from_center_size(screen, galley.size() + vec2(8.0, 4.0));
            painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
            painter.rect_stroke(
                rect,
                4.0,
                Stroke::new(1.0, theme::kind_colour(NodeKind::Decision)),
                egui::StrokeKind::Inside,
            );
            painter.galley(rect.min + vec2(4.0, 2.0), galley, Color32::PLACEHOLDER);
        }
    }

    /// The painter overview of a large map: pan, zoom, click to select.
    fn overview_ui(&mut self, ui: &mut Ui, decor: &Decor<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        let response = ui.allocate_rect(self.rect, Sense::click_and_drag());
        if let Some(view) = self.pending_view.take() {
            self.view = view;
        }
        // Pan by dragging or scrolling, zoom with ctrl+scroll / pinch, around the pointer.
        if response.dragged() {
            self.view.translation += response.drag_delta();
        }
        if response.hovered() {
            let (zoom, scroll) = ui.ctx().input(|i| (i.zoom_delta(), i.smooth_scroll_delta));
            self.view.translation += scroll;
            if (zoom - 1.0).abs() > 1e-4 {
                let pointer = ui.ctx().pointer_hover_pos().unwrap_or(self.rect.center());
                let before = self.view.inverse() * pointer;
                self.view.scaling = (self.view.scaling * zoom).clamp(MIN_SCALE, MAX_SCALE);
                self.view.translation = pointer.to_vec2() - before.to_vec2() * self.view.scaling;
            }
        }
        let painter = ui.painter_at(self.rect);
        painter.rect_filled(self.rect, 0.0, ui.visuals().extreme_bg_color);
        let visible = self.view.inverse() * self.rect;
        let line = Stroke::new(1.0, ui.visuals().weak_text_color());
        let mut shapes: Vec<egui::Shape> = Vec::with_capacity(self.derived.rects.len() * 2);
        for &(a, b) in &self.derived.segments {
            if visible.intersects(Rect::from_two_pos(a, b)) {
                shapes.push(egui::Shape::line_segment(
                    [self.view * a, self.view * b],
                    line,
                ));
            }
        }
        let mut hit = None;
        let click = response
            .clicked()
            .then(|| response.interact_pointer_pos())
            .flatten();
        for ((key, rect), fill) in self.derived.rects.iter().zip(&self.derived.fills) {
            if !visible.intersects(*rect) {
                continue;
            }
            let screen = Rect::from_min_max(self.view * rect.min, self.view * rect.max);
            let fill = decor.highlight.get(key.id()).copied().unwrap_or(*fill);
            shapes.push(egui::Shape::rect_filled(screen, 2.0, fill));
            if decor.selection.contains(key) {
                shapes.push(egui::Shape::rect_stroke(
                    screen.expand(2.0),
                    2.0,
                    Stroke::new(2.0, theme::ACCENT),
                    egui::StrokeKind::Outside,
                ));
            }
            if click.is_some_and(|p| screen.contains(p)) {
                hit = Some(key.clone());
            }
        }
        painter.extend(shapes);
        painter.text(
            self.rect.left_top() + vec2(10.0, 10.0),
            egui::Align2::LEFT_TOP,
            "Overview: zoom in (Ctrl + scroll) to edit",
            egui::FontId::proportional(13.0),
            ui.visuals().weak_text_color(),
        );
        if let Some(key) = hit {
            actions.push(Action::Select(key));
        }
        if response.double_clicked() {
            if let Some(p) = response.interact_pointer_pos() {
                let at = self.view.inverse() * p;
                self.view.scaling = 1.0;
                self.view.translation = p.to_vec2() - at.to_vec2();
            }
        }
        actions
    }
}

/// What the canvas derives from one revision of the document: element rectangles for windowing
/// and the overview, flow neighbours, and the texts on decision flows. Rebuilt only when the
/// document changes, so a frame of a large map does no per-element allocation.
#[derive(Default)]
struct Derived {
    revision: u64,
    rects: Vec<(ElementRef, Rect)>,
    neighbours: HashMap<ElementRef, Vec<ElementRef>>,
    /// (from, to, text) of flows that carry a label or a decision probability.
    labels: Vec<(ElementRef, ElementRef, String)>,
    /// Flow lines between element centres, for the overview.
    segments: Vec<(Pos2, Pos2)>,
    /// Overview fill per element, in `rects` order.
    fills: Vec<Color32>,
}

impl Derived {
    fn new(map: &ProcessMap, revision: u64) -> Self {
        let rects: Vec<(ElementRef, Rect)> = all_keys(map)
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
                .map(|n| to_pos(n.at()) + theme::card_size(Some(n.kind())) / 2.0)
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
    fn window(&self, visible: Rect) -> BTreeSet<ElementRef> {
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

fn style(dark: bool) -> SnarlStyle {
    SnarlStyle {
        node_layout: Some(NodeLayout::coil()),
        pin_placement: Some(PinPlacement::Edge),
        pin_size: Some(9.0),
        wire_width: Some(2.0),
        wire_style: Some(WireStyle::Bezier5),
        min_scale: Some(MIN_SCALE),
        max_scale: Some(MAX_SCALE),
        centering: Some(false),
        collapsible: Some(false),
        bg_frame: Some(egui::Frame {
            fill: if dark {
                Color32::from_gray(24)
            } else {
                Color32::from_gray(236)
            },
            ..egui::Frame::default()
        }),
        bg_pattern_stroke: Some(Stroke::new(
            1.0,
            if dark {
                Color32::from_gray(34)
            } else {
                Color32::from_gray(226)
            },
        )),
        select_stoke: Some(Stroke::new(1.0, theme::ACCENT)),
        select_fill: Some(theme::ACCENT.gamma_multiply(0.1)),
        ..SnarlStyle::new()
    }
}

struct Viewer<'a> {
    map: &'a ProcessMap,
    decor: &'a Decor<'a>,
    colours: crate::palette::NodeColours<'a>,
    actions: Vec<Action>,
    view: TSTransform,
    pending_view: Option<TSTransform>,
    rects: &'a mut HashMap<ElementRef, Rect>,
}

impl Viewer<'_> {
    fn node(&self, key: &ElementRef) -> Option<&Node> {
        match key {
            ElementRef::Node(id) => self.map.nodes.get(id),
            ElementRef::Service(_) => None,
        }
    }

    fn colour(&self, key: &ElementRef) -> Color32 {
        if let Some(colour) = self.decor.highlight.get(key.id()) {
            return *colour;
        }
        self.node(key)
            .map_or(theme::SERVICE, |node| theme::rgb(self.colours.of(node)))
    }

    fn add_menu(
        &mut self,
        ui: &mut Ui,
        at: Pos2,
        from: Option<&ElementRef>,
        to: Option<&ElementRef>,
    ) {
        ui.label(egui::RichText::new("Add").weak());
        for kind in ElementKind::ALL {
            // Services are not in the flow: offer them only on the empty canvas.
            let linked = from.is_some() || to.is_some();
            if kind == ElementKind::Service && linked {
                continue;
            }
            let label = match kind {
                ElementKind::Node(kind) => kind.label(),
                ElementKind::Service => "Service",
            };
            if ui.button(label).clicked() {
                self.actions.push(Action::Add {
                    kind,
                    at: to_point(at),
                    connect_from: from.cloned(),
                    connect_to: to.cloned(),
                });
                ui.close();
            }
        }
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

fn flow_pin(colour: Color32) -> PinInfo {
    PinInfo::circle().with_fill(colour)
}

fn service_pin() -> PinInfo {
    PinInfo::square()
        .with_fill(theme::SERVICE)
        .with_wire_color(theme::SERVICE.gamma_multiply(0.45))
}

impl SnarlViewer<ElementRef> for Viewer<'_> {
    fn title(&mut self, key: &ElementRef) -> String {
        match key {
            ElementRef::Node(id) => self
                .map
                .nodes
                .get(id)
                .map_or_else(String::new, |n| n.name().to_owned()),
            ElementRef::Service(id) => self
                .map
                .services
                .get(id)
                .map_or_else(String::new, |s| s.name.clone()),
        }
    }

    fn node_frame(
        &mut self,
        default: egui::Frame,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        snarl: &Snarl<ElementRef>,
    ) -> egui::Frame {
        let Some(key) = snarl.get_node(node) else {
            return default;
        };
        let colour = self.colour(key);
        let kind = self.node(key).map(Node::kind);
        let selected = self.decor.selection.contains(key);
        let has_error = self.decor.errors.contains(key.id());
        let (radius, width) = match kind {
            Some(NodeKind::Start | NodeKind::End) => (
                30,
                if kind == Some(NodeKind::End) {
                    3.0
                } else {
                    1.5
                },
            ),
            Some(NodeKind::Decision | NodeKind::Parallel) => (4, 1.5),
            Some(NodeKind::Step) => (8, 1.5),
            None => (14, 1.5),
        };
        let stroke = if selected {
            Stroke::new(3.0, theme::ACCENT)
        } else if has_error {
            Stroke::new(2.0, theme::ERROR)
        } else {
            Stroke::new(width, colour)
        };
        egui::Frame {
            inner_margin: egui::Margin::symmetric(10, 6),
            outer_margin: egui::Margin::ZERO,
            corner_radius: CornerRadius::same(radius),
            fill: theme::tint(
                colour,
                self.decor.dark,
                if kind == Some(NodeKind::Step) {
                    0.10
                } else {
                    0.16
                },
            ),
            stroke,
            shadow: egui::Shadow {
                offset: [0, 2],
                blur: 6,
                spread: 0,
                color: Color32::from_black_alpha(if self.decor.dark { 80 } else { 30 }),
            },
        }
    }

    fn show_header(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<ElementRef>,
    ) {
        let Some(key) = snarl.get_node(node).cloned() else {
            return;
        };
        let title = self.title(&key);
        let colour = self.colour(&key);
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            let tag = match self.node(&key).map(Node::kind) {
                Some(NodeKind::Start) => "START",
                Some(NodeKind::End) => "END",
                Some(NodeKind::Decision) => "XOR",
                Some(NodeKind::Parallel) => "AND",
                Some(NodeKind::Step) => "",
                None => "SERVICE",
            };
            if !tag.is_empty() {
                egui::Frame::new()
                    .fill(colour)
                    .corner_radius(3.0)
                    .inner_margin(egui::Margin::symmetric(4, 1))
                    .show(ui, |ui| {
                        ui.label(
                            egui::RichText::new(tag)
                                .small()
                                .strong()
                                .color(Color32::WHITE),
                        );
                    });
            }
            if self.decor.errors.contains(key.id()) {
                ui.label(egui::RichText::new("!").strong().color(theme::ERROR))
                    .on_hover_text("This element has problems: see the Problems panel.");
            }
            ui.label(egui::RichText::new(title).strong());
            if let Some((badge, colour)) = self.decor.badges.get(key.id()) {
                egui::Frame::new()
                    .fill(*colour)
                    .corner_radius(3.0)
                    .inner_margin(egui::Margin::symmetric(4, 1))
                    .show(ui, |ui| {
                        ui.label(
                            egui::RichText::new(badge)
                                .small()
                                .strong()
                                .color(Color32::WHITE),
                        );
                    });
            }
        });
    }

    fn has_on_hover_popup(&mut self, key: &ElementRef) -> bool {
        self.decor.figures.contains_key(key.id())
    }

    fn show_on_hover_popup(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<ElementRef>,
    ) {
        if let Some(figures) = snarl
            .get_node(node)
            .and_then(|k| self.decor.figures.get(k.id()))
        {
            ui.label(figures);
        }
    }

    fn inputs(&mut self, key: &ElementRef) -> usize {
        match self.node(key).map(Node::kind) {
            Some(NodeKind::Start) => 0,
            Some(NodeKind::Step) => 2,
            Some(_) | None => 1,
        }
    }

    fn outputs(&mut self, key: &ElementRef) -> usize {
        match self.node(key).map(Node::kind) {
            Some(NodeKind::End) => 0,
            _ => 1,
        }
    }

    fn show_input(
        &mut self,
        pin: &InPin,
        _ui: &mut Ui,
        snarl: &mut Snarl<ElementRef>,
    ) -> impl SnarlPin + 'static {
        let key = snarl.get_node(pin.id.node).cloned();
        match key {
            Some(ElementRef::Service(_)) => service_pin(),
            Some(_) if pin.id.input == 1 => service_pin(),
            Some(key) => flow_pin(
                self.node(&key)
                    .map_or(theme::NO_OWNER, |n| theme::kind_colour(n.kind())),
            ),
            None => flow_pin(theme::NO_OWNER),
        }
    }

    fn show_output(
        &mut self,
        pin: &OutPin,
        _ui: &mut Ui,
        snarl: &mut Snarl<ElementRef>,
    ) -> impl SnarlPin + 'static {
        match snarl.get_node(pin.id.node).cloned() {
            Some(ElementRef::Service(_)) => service_pin(),
            Some(key) => flow_pin(
                self.node(&key)
                    .map_or(theme::NO_OWNER, |n| theme::kind_colour(n.kind())),
            ),
            None => flow_pin(theme::NO_OWNER),
        }
    }

    fn has_body(&mut self, key: &ElementRef) -> bool {
        matches!(self.node(key), Some(Node::Step { .. } | Node::Start { .. }))
            || matches!(key, ElementRef::Service(_))
    }

    fn show_body(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<ElementRef>,
    ) {
        let Some(key) = snarl.get_node(node).cloned() else {
            return;
        };
        let small = |text: String| egui::RichText::new(text).small();
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.vertical(|ui| match (&key, self.node(&key)) {
            (
                _,
                Some(Node::Step {
                    owner,
                    work,
                    sla,
                    uses,
                    ..
                }),
            ) => {
                ui.set_min_width(130.0);
                let owner_name = owner.as_ref().map_or_else(
                    || "no owner (delay)".to_owned(),
                    |o| {
                        self.map
                            .owners
                            .get(o)
                            .map_or_else(|| format!("{o}?"), |x| x.name.clone())
                    },
                );
                ui.label(small(owner_name).color(self.colour(&key)).strong());
                ui.label(small(format!("work {}", work.summary())));
                if let Some(sla) = sla {
                    ui.label(small(format!(
                        "SLA {} for {:.0}%",
                        sla.target,
                        sla.within * 100.0
                    )));
                }
                if !uses.is_empty() {
                    ui.label(small(format!("uses {}", uses.len())).weak());
                }
            }
            (_, Some(Node::Start { arrivals, .. })) => {
                ui.label(small(format!("every {}", arrivals.summary())));
            }
            (ElementRef::Service(id), _) => {
                if let Some(service) = self.map.services.get(id) {
                    let text = if service.availability >= 1.0 {
                        "always up".to_owned()
                    } else {
                        format!("{:.2}% up", service.availability * 100.0)
                    };
                    ui.label(small(text));
                }
            }
            _ => {}
        });
    }

    fn final_node_rect(
        &mut self,
        node: NodeId,
        rect: Rect,
        _ui: &mut Ui,
        snarl: &mut Snarl<ElementRef>,
    ) {
        if let Some(key) = snarl.get_node(node) {
            self.rects.insert(key.clone(), rect);
        }
    }

    fn connect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<ElementRef>) {
        if let (Some(a), Some(b)) = (snarl.get_node(from.id.node), snarl.get_node(to.id.node)) {
            self.actions
                .push(link_between(a, b, to.id.input).map_or(Action::Refused, Action::Connect));
        }
    }

    fn disconnect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<ElementRef>) {
        if let (Some(a), Some(b)) = (snarl.get_node(from.id.node), snarl.get_node(to.id.node)) {
            if let Some(link) = link_between(a, b, to.id.input) {
                self.actions.push(Action::Disconnect(link));
            }
        }
    }

    fn drop_outputs(&mut self, pin: &OutPin, snarl: &mut Snarl<ElementRef>) {
        if let Some(key) = snarl.get_node(pin.id.node) {
            self.actions
                .push(Action::DropLinks(key.clone(), LinkSide::Outgoing));
        }
    }

    fn drop_inputs(&mut self, pin: &InPin, snarl: &mut Snarl<ElementRef>) {
        if let Some(key) = snarl.get_node(pin.id.node) {
            let side = match (key, pin.id.input) {
                (ElementRef::Node(_), 0) => LinkSide::IncomingFlows,
                (ElementRef::Node(_), _) => LinkSide::UsedServices,
                (ElementRef::Service(_), _) => LinkSide::Dependencies,
            };
            self.actions.push(Action::DropLinks(key.clone(), side));
        }
    }

    fn has_graph_menu(&mut self, _pos: Pos2, _snarl: &mut Snarl<ElementRef>) -> bool {
        true
    }

    fn show_graph_menu(&mut self, pos: Pos2, ui: &mut Ui, _snarl: &mut Snarl<ElementRef>) {
        self.add_menu(ui, pos, None, None);
    }

    fn has_dropped_wire_menu(
        &mut self,
        _src_pins: AnyPins,
        _snarl: &mut Snarl<ElementRef>,
    ) -> bool {
        true
    }

    fn show_dropped_wire_menu(
        &mut self,
        pos: Pos2,
        ui: &mut Ui,
        src_pins: AnyPins,
        snarl: &mut Snarl<ElementRef>,
    ) {
        match src_pins {
            AnyPins::Out(pins) => {
                let from = pins.first().and_then(|p| snarl.get_node(p.node)).cloned();
                if matches!(from, Some(ElementRef::Service(_))) {
                    ui.label("Drop a service wire on a step's \"uses\" pin.");
                    return;
                }
                self.add_menu(ui, pos, from.as_ref(), None);
            }
            AnyPins::In(pins) => {
                let to = pins
                    .first()
                    .filter(|p| p.input == 0)
                    .and_then(|p| snarl.get_node(p.node))
                    .filter(|k| matches!(k, ElementRef::Node(_)))
                    .cloned();
                if to.is_none() {
                    ui.label("Drag from a service's \"provides\" pin instead.");
                    return;
                }
                self.add_menu(ui, pos, None, to.as_ref());
            }
        }
    }

    fn has_node_menu(&mut self, _key: &ElementRef) -> bool {
        true
    }

    fn show_node_menu(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<ElementRef>,
    ) {
        let Some(key) = snarl.get_node(node).cloned() else {
            return;
        };
        if ui.button("Duplicate").clicked() {
            self.actions.push(Action::Duplicate(key.clone()));
            ui.close();
        }
        if ui.button("Delete").clicked() {
            self.actions.push(Action::Delete(key));
            ui.close();
        }
    }

    fn current_transform(&mut self, to_global: &mut TSTransform, _snarl: &mut Snarl<ElementRef>) {
        if let Some(view) = self.pending_view.take() {
            *to_global = view;
        }
        self.view = *to_global;
    }
}
