//! The [`SnarlViewer`] behind the canvas: card frames, headers, pins, bodies, hover figures,
//! context menus, and wires drawn or dropped. It reads the document and the decor, records the
//! final card rectangles, and reports what the user did as [`Action`]s; it never edits.

use std::collections::HashMap;

use egui::emath::TSTransform;
use egui::{Color32, CornerRadius, Pos2, Rect, Stroke, Ui};
use egui_snarl::ui::{AnyPins, PinInfo, SnarlPin, SnarlViewer};
use egui_snarl::{InPin, NodeId, OutPin, Snarl};

use super::{Action, Decor, link_between, theme, to_point};
use crate::model::{ElementKind, ElementRef, LinkSide, Node, NodeKind, ProcessMap};

/// The snarl viewer for one frame: borrows the document and the decor, collects actions.
pub(super) struct Viewer<'a> {
    pub(super) map: &'a ProcessMap,
    pub(super) decor: &'a Decor<'a>,
    pub(super) colours: crate::palette::NodeColours<'a>,
    pub(super) actions: Vec<Action>,
    pub(super) view: TSTransform,
    pub(super) pending_view: Option<TSTransform>,
    pub(super) rects: &'a mut HashMap<ElementRef, Rect>,
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
            // Long names (imported BPMN has many) wrap within the card's width instead of
            // widening the card over its neighbours.
            let kind = match &key {
                ElementRef::Node(_) => self
                    .node(&key)
                    .map_or(crate::model::ElementKind::Service, |n| {
                        crate::model::ElementKind::Node(n.kind())
                    }),
                ElementRef::Service(_) => crate::model::ElementKind::Service,
            };
            let room = (theme::card_size(kind).x - 16.0 - ui.min_rect().width()).max(60.0);
            let text = egui::RichText::new(title).strong();
            let width = egui::WidgetText::from(text.clone())
                .into_galley(
                    ui,
                    Some(egui::TextWrapMode::Extend),
                    f32::INFINITY,
                    egui::TextStyle::Body,
                )
                .size()
                .x;
            if width > room {
                ui.allocate_ui(egui::vec2(room, 0.0), |ui| {
                    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Wrap));
                });
            } else {
                ui.label(text);
            }
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
            (_, Some(node @ Node::Start { .. })) => {
                ui.label(small(crate::model::arrival_summary(self.map, node)));
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
