//! The inspector: edits the selected element's fields. Text fields keep a draft while focused and
//! commit when they lose focus (or on Enter); invalid values are shown inline and never reach the
//! document. Every change is returned as an [`Edit`] for the app to commit.

use crate::ui::history::{Field, MergeKey, MergeTarget};
use std::collections::{BTreeSet, HashMap};

use egui::{RichText, Ui};

use super::theme;
use crate::analysis::LoadEstimate;
use crate::model::ElementRef;
use crate::model::{Dist, DistKind, Duration, Edit, Flow, Node, ProcessMap, Sla};

/// A change the inspector asks for: label for the undo menu, the edit, and a merge key so that
/// dragging a number is one undo step.
pub struct Change {
    /// Undo label.
    pub label: String,
    /// The edit.
    pub edit: Edit,
    /// Edits with the same key in quick succession merge into one undo step.
    pub merge: Option<MergeKey>,
}

fn change(label: impl Into<String>, edit: Edit) -> Change {
    Change {
        label: label.into(),
        edit,
        merge: None,
    }
}

/// Inspector state: drafts of text being typed and the errors of invalid drafts.
#[derive(Default)]
pub struct Inspector {
    drafts: HashMap<String, String>,
    errors: HashMap<String, String>,
}

impl Inspector {
    /// A single-line or multi-line text field that commits on focus loss or Enter.
    fn text(
        &mut self,
        ui: &mut Ui,
        id: &str,
        value: &str,
        multiline: bool,
        hint: &str,
    ) -> Option<String> {
        let widget_id = ui.make_persistent_id(("text", id));
        let focused = ui.memory(|m| m.has_focus(widget_id));
        let draft = self
            .drafts
            .entry(id.to_owned())
            .or_insert_with(|| value.to_owned());
        if !focused && draft != value {
            value.clone_into(draft);
        }
        let edit = if multiline {
            egui::TextEdit::multiline(draft).desired_rows(4)
        } else {
            egui::TextEdit::singleline(draft)
        };
        let response = ui.add(
            edit.id(widget_id)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        );
        let commit = response.lost_focus();
        (commit && draft != value).then(|| draft.clone())
    }

    /// A duration field: shows the error of an unreadable draft and commits only valid values.
    fn duration(&mut self, ui: &mut Ui, id: &str, value: Duration) -> Option<Duration> {
        let text = value.to_string();
        let widget_id = ui.make_persistent_id(("text", id));
        let focused = ui.memory(|m| m.has_focus(widget_id));
        let draft = self
            .drafts
            .entry(id.to_owned())
            .or_insert_with(|| text.clone());
        if !focused && !self.errors.contains_key(id) && *draft != text {
            draft.clone_from(&text);
        }
        let error = self.errors.get(id).cloned();
        let response = ui.add(
            egui::TextEdit::singleline(draft)
                .id(widget_id)
                .desired_width(90.0)
                .text_color_opt(error.as_ref().map(|_| theme::ERROR)),
        );
        let mut result = None;
        if response.lost_focus() || (response.changed() && !focused) {
            match draft.parse::<Duration>() {
                Ok(parsed) => {
                    self.errors.remove(id);
                    if parsed != value {
                        result = Some(parsed);
                    }
                    *draft = parsed.to_string();
                }
                Err(e) => {
                    self.errors.insert(id.to_owned(), e.to_string());
                }
            }
        }
        if let Some(error) = error {
            response.on_hover_text(&error);
            ui.label(RichText::new(error).small().color(theme::ERROR));
        }
        result
    }

    /// Shows the inspector; returns the changes to commit.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        selection: &BTreeSet<ElementRef>,
        estimate: &LoadEstimate,
        impact: &crate::analysis::Impact,
    ) -> Vec<Change> {
        let mut changes = Vec::new();
        egui::ScrollArea::vertical().show(ui, |ui| {
            if selection.len() > 1 {
                ui.heading(format!("{} selected", selection.len()));
                ui.label("Delete, cut, copy or duplicate them with the Edit menu.");
                return;
            }
            match selection.iter().next() {
                None => self.map_ui(ui, map, &mut changes),
                Some(ElementRef::Node(id)) => {
                    if let Some(node) = map.nodes.get(id) {
                        self.node_ui(ui, map, id, node, estimate, &mut changes);
                    }
                }
                Some(ElementRef::Service(id)) => self.service_ui(ui, map, id, impact, &mut changes),
            }
        });
        changes
    }

    fn map_ui(&mut self, ui: &mut Ui, map: &ProcessMap, changes: &mut Vec<Change>) {
        ui.heading("Map");
        ui.label("Title");
        if let Some(title) = self.text(ui, "map.title", &map.title, false, "Process title") {
            changes.push(change("Rename map", Edit::Title(title)));
        }
        ui.label("Description");
        if let Some(text) = self.text(
            ui,
            "map.description",
            &map.description,
            true,
            "What this process is for",
        ) {
            changes.push(change("Edit description", Edit::Description(text)));
        }
        ui.separator();
        ui.label(RichText::new("End-to-end SLA").strong());
        if let Some(sla) = self.sla_ui(ui, "map.sla", map.sla) {
            changes.push(Change {
                label: "Change SLA".into(),
                edit: Edit::Sla(sla),
                merge: Some(MergeKey::new(MergeTarget::Map, Field::Sla)),
            });
        }
        ui.separator();
        ui.label(RichText::new("Simulation").strong());
        let mut settings = map.simulation;
        simulation_settings_ui(ui, "sim-settings", &mut settings);
        if settings != map.simulation {
            changes.push(Change {
                label: "Change simulation settings".into(),
                edit: Edit::Simulation(settings),
                merge: Some(MergeKey::new(MergeTarget::Map, Field::Simulation)),
            });
        }
    }

    /// SLA editor: `Some(new)` when it changed (`Some(None)` removes it).
    #[allow(clippy::option_option, reason = "changed-or-not of an optional value")]
    fn sla_ui(&mut self, ui: &mut Ui, id: &str, sla: Option<Sla>) -> Option<Option<Sla>> {
        let mut result = None;
        let mut enabled = sla.is_some();
        if ui.checkbox(&mut enabled, "Has an SLA").changed() {
            result = Some(enabled.then_some(sla.unwrap_or(Sla {
                target: Duration::from_ms(3_600_000),
                within: 0.9,
            })));
        }
        if let Some(current) = sla {
            ui.horizontal(|ui| {
                ui.label("Target");
                if let Some(target) = self.duration(ui, &format!("{id}.target"), current.target) {
                    result = Some(Some(Sla { target, ..current }));
                }
            });
            ui.horizontal(|ui| {
                ui.label("Met by");
                let mut percent = current.within * 100.0;
                if ui
                    .add(
                        egui::DragValue::new(&mut percent)
                            .range(0.1..=100.0)
                            .speed(0.5)
                            .suffix("%"),
                    )
                    .changed()
                {
                    result = Some(Some(Sla {
                        within: (percent / 100.0).clamp(0.001, 1.0),
                        ..current
                    }));
                }
                ui.label("of cases");
            });
        }
        result
    }

    fn node_ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        id: &str,
        node: &Node,
        estimate: &LoadEstimate,
        changes: &mut Vec<Change>,
    ) {
        let set = |node: Node| Edit::Node {
            id: id.to_owned(),
            node: Some(node),
        };
        ui.horizontal(|ui| {
            ui.heading(node.kind().label());
            ui.label(RichText::new(format!("id: {id}")).weak().small());
        });
        ui.label("Name");
        if let Some(name) = self.text(ui, &format!("{id}.name"), node.name(), false, "Name") {
            let mut new = node.clone();
            new.set_name(name);
            changes.push(change("Rename", set(new)));
        }
        if let Some(visits) = estimate.visits.get(id) {
            ui.label(
                RichText::new(format!("{visits:.2} visits per case (estimate)"))
                    .weak()
                    .small(),
            );
        }
        match node {
            Node::Start { arrivals, .. } => {
                ui.separator();
                ui.label(RichText::new("Time between arrivals").strong());
                if let Some(dist) = self.dist_ui(ui, &format!("{id}.arrivals"), arrivals) {
                    let mut new = node.clone();
                    if let Node::Start { arrivals, .. } = &mut new {
                        *arrivals = dist;
                    }
                    changes.push(change("Change arrivals", set(new)));
                }
            }
            Node::Step {
                owner,
                work,
                sla,
                uses,
                ..
            } => {
                ui.separator();
                ui.label(RichText::new("Owner").strong());
                let current = owner.as_ref().and_then(|o| map.owners.get(o)).map_or_else(
                    || {
                        owner.clone().map_or_else(
                            || "(none: a pure delay)".to_owned(),
                            |o| format!("{o} (missing)"),
                        )
                    },
                    |o| o.name.clone(),
                );
                let mut chosen = owner.clone();
                egui::ComboBox::from_id_salt(("owner", id))
                    .selected_text(current)
                    .width(ui.available_width() - 8.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, None, "(none: a pure delay)");
                        for (oid, o) in &map.owners {
                            ui.selectable_value(&mut chosen, Some(oid.clone()), &o.name);
                        }
                    });
                if chosen != *owner {
                    let mut new = node.clone();
                    if let Node::Step { owner, .. } = &mut new {
                        owner.clone_from(&chosen);
                    }
                    changes.push(change("Set owner", set(new)));
                }
                ui.separator();
                ui.label(RichText::new("Work time").strong());
                if let Some(dist) = self.dist_ui(ui, &format!("{id}.work"), work) {
                    let mut new = node.clone();
                    if let Node::Step { work, .. } = &mut new {
                        *work = dist;
                    }
                    changes.push(change("Change work time", set(new)));
                }
                ui.separator();
                ui.label(RichText::new("SLA on lead time (wait + work)").strong());
                if let Some(new_sla) = self.sla_ui(ui, &format!("{id}.sla"), *sla) {
                    let mut new = node.clone();
                    if let Node::Step { sla, .. } = &mut new {
                        *sla = new_sla;
                    }
                    changes.push(Change {
                        label: "Change SLA".into(),
                        edit: set(new),
                        merge: Some(MergeKey::new(MergeTarget::Node(id.to_owned()), Field::Sla)),
                    });
                }
                if !map.services.is_empty() {
                    ui.separator();
                    ui.label(RichText::new("Services used").strong());
                    for (sid, service) in &map.services {
                        let mut on = uses.contains(sid);
                        if ui.checkbox(&mut on, &service.name).changed() {
                            let mut new = node.clone();
                            if let Node::Step { uses, .. } = &mut new {
                                if on {
                                    uses.push(sid.clone());
                                } else {
                                    uses.retain(|u| u != sid);
                                }
                            }
                            changes.push(change("Change services used", set(new)));
                        }
                    }
                }
            }
            _ => {}
        }
        self.flows_ui(ui, map, id, node, changes);
        ui.separator();
        ui.label(RichText::new("Notes (Markdown)").strong());
        if let Some(notes) = self.text(
            ui,
            &format!("{id}.notes"),
            node.notes(),
            true,
            "How the work is done, rules, links",
        ) {
            let mut new = node.clone();
            new.set_notes(notes);
            changes.push(change("Edit notes", set(new)));
        }
    }

    fn flows_ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        id: &str,
        node: &Node,
        changes: &mut Vec<Change>,
    ) {
        let outgoing: Vec<(usize, &Flow)> = map
            .flows
            .iter()
            .enumerate()
            .filter(|(_, f)| f.from == id)
            .collect();
        if outgoing.is_empty() {
            return;
        }
        let choice = node.chooses_by_probability(outgoing.len());
        ui.separator();
        ui.label(
            RichText::new(if choice {
                "Ways out (probability, label)"
            } else {
                "Flows out"
            })
            .strong(),
        );
        let mut sum = 0.0;
        for (index, flow) in &outgoing {
            let target = map.node_name(&flow.to);
            ui.horizontal(|ui| {
                ui.label(format!("to {target}"));
                if ui
                    .small_button("×")
                    .on_hover_text("Remove this flow")
                    .clicked()
                {
                    changes.push(change("Remove flow", Edit::RemoveFlow { index: *index }));
                }
            });
            if choice {
                ui.horizontal(|ui| {
                    let mut percent = flow.probability.unwrap_or(0.0) * 100.0;
                    sum += percent;
                    if ui
                        .add(
                            egui::DragValue::new(&mut percent)
                                .range(0.0..=100.0)
                                .speed(0.5)
                                .suffix("%"),
                        )
                        .changed()
                    {
                        changes.push(Change {
                            label: "Change probability".into(),
                            edit: Edit::SetFlow {
                                index: *index,
                                flow: Flow {
                                    probability: Some((percent / 100.0 * 1e6).round() / 1e6),
                                    ..(*flow).clone()
                                },
                            },
                            merge: Some(MergeKey::new(
                                MergeTarget::Flow(*index),
                                Field::Probability,
                            )),
                        });
                    }
                    if let Some(label) = self.text(
                        ui,
                        &format!("flow.{index}.label"),
                        &flow.label,
                        false,
                        "label",
                    ) {
                        changes.push(change(
                            "Label flow",
                            Edit::SetFlow {
                                index: *index,
                                flow: Flow {
                                    label,
                                    ..(*flow).clone()
                                },
                            },
                        ));
                    }
                });
            }
        }
        if choice && (sum - 100.0).abs() > 1e-4 {
            ui.label(
                RichText::new(format!("Probabilities add up to {sum:.1}%, not 100%"))
                    .color(theme::ERROR)
                    .small(),
            );
        }
    }

    fn dist_ui(&mut self, ui: &mut Ui, id: &str, dist: &Dist) -> Option<Dist> {
        let mut result = None;
        let mut kind = dist.kind();
        egui::ComboBox::from_id_salt(("dist", id))
            .selected_text(kind.label())
            .show_ui(ui, |ui| {
                for k in DistKind::ALL {
                    ui.selectable_value(&mut kind, k, k.label());
                }
            });
        if kind != dist.kind() {
            result = Some(dist.with_kind(kind));
            // The fields below belong to the old kind: show them next frame.
            return result;
        }
        let field =
            |this: &mut Self, ui: &mut Ui, name: &str, value: Duration| -> Option<Duration> {
                ui.horizontal(|ui| {
                    ui.label(name);
                    this.duration(ui, &format!("{id}.{name}"), value)
                })
                .inner
            };
        let edited = match *dist {
            Dist::Fixed(d) => field(self, ui, "value", d).map(Dist::Fixed),
            Dist::Exponential { mean } => {
                field(self, ui, "mean", mean).map(|mean| Dist::Exponential { mean })
            }
            Dist::Uniform { min, max } => {
                let a = field(self, ui, "min", min);
                let b = field(self, ui, "max", max);
                (a.is_some() || b.is_some()).then(|| Dist::Uniform {
                    min: a.unwrap_or(min),
                    max: b.unwrap_or(max),
                })
            }
            Dist::Triangular { min, mode, max } => {
                let a = field(self, ui, "min", min);
                let b = field(self, ui, "mode", mode);
                let c = field(self, ui, "max", max);
                (a.is_some() || b.is_some() || c.is_some()).then(|| Dist::Triangular {
                    min: a.unwrap_or(min),
                    mode: b.unwrap_or(mode),
                    max: c.unwrap_or(max),
                })
            }
            Dist::Normal { mean, sd } => {
                let a = field(self, ui, "mean", mean);
                let b = field(self, ui, "sd", sd);
                (a.is_some() || b.is_some()).then(|| Dist::Normal {
                    mean: a.unwrap_or(mean),
                    sd: b.unwrap_or(sd),
                })
            }
            Dist::LogNormal { mean, sd } => {
                let a = field(self, ui, "mean", mean);
                let b = field(self, ui, "sd", sd);
                (a.is_some() || b.is_some()).then(|| Dist::LogNormal {
                    mean: a.unwrap_or(mean),
                    sd: b.unwrap_or(sd),
                })
            }
        };
        if edited.is_some() {
            result = edited;
        }
        for problem in dist.problems(false) {
            ui.label(RichText::new(problem).small().color(theme::ERROR));
        }
        preview(ui, dist);
        ui.label(
            RichText::new(format!("mean {}", Duration::from_hours(dist.mean_hours())))
                .small()
                .weak(),
        );
        result
    }

    fn service_ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        id: &str,
        impact: &crate::analysis::Impact,
        changes: &mut Vec<Change>,
    ) {
        let Some(service) = map.services.get(id) else {
            return;
        };
        let set = |service| Edit::Service {
            id: id.to_owned(),
            service: Some(service),
        };
        ui.horizontal(|ui| {
            ui.heading("Service");
            ui.label(RichText::new(format!("id: {id}")).weak().small());
        });
        ui.label("Name");
        if let Some(name) = self.text(
            ui,
            &format!("service.{id}.name"),
            &service.name,
            false,
            "Name",
        ) {
            let mut new = service.clone();
            new.name = name;
            changes.push(change("Rename service", set(new)));
        }
        ui.horizontal(|ui| {
            ui.label("Availability");
            let mut percent = service.availability * 100.0;
            if ui
                .add(
                    egui::DragValue::new(&mut percent)
                        .range(0.1..=100.0)
                        .speed(0.01)
                        .max_decimals(3)
                        .suffix("%"),
                )
                .changed()
            {
                let mut new = service.clone();
                new.availability = (percent / 100.0 * 1e6).round() / 1e6;
                changes.push(Change {
                    label: "Change availability".into(),
                    edit: set(new),
                    merge: Some(MergeKey::new(
                        MergeTarget::Service(id.to_owned()),
                        Field::Availability,
                    )),
                });
            }
        });
        ui.horizontal(|ui| {
            ui.label("Mean repair");
            let current = service.repair();
            if let Some(d) = self.duration(ui, &format!("service.{id}.repair"), current) {
                let mut new = service.clone();
                new.mean_repair = Some(d);
                changes.push(change("Change mean repair", set(new)));
            }
        });
        let others: Vec<(&String, &crate::model::Service)> = map
            .services
            .iter()
            .filter(|(s, _)| s.as_str() != id)
            .collect();
        if !others.is_empty() {
            ui.separator();
            ui.label(RichText::new("Depends on").strong());
            for (sid, other) in others {
                let mut on = service.depends_on.contains(sid);
                if ui.checkbox(&mut on, &other.name).changed() {
                    let mut new = service.clone();
                    if on {
                        new.depends_on.push(sid.clone());
                    } else {
                        new.depends_on.retain(|d| d != sid);
                    }
                    changes.push(change("Change dependencies", set(new)));
                }
            }
        }
        if let Some(impact) = impact.services.get(id) {
            ui.separator();
            ui.label(RichText::new("If it is down").strong());
            ui.label(format!(
                "Effective availability {:.3}% (with what it depends on)",
                impact.availability_effective * 100.0
            ));
            if !impact.affected_services.is_empty() {
                let names: Vec<&str> = impact
                    .affected_services
                    .iter()
                    .map(|s| map.service_name(s))
                    .collect();
                ui.label(format!("Down too: {}", names.join(", ")));
            }
            if impact.affected_steps.is_empty() {
                ui.label(RichText::new("No step needs it.").weak());
            } else {
                ui.label("Steps that stop (highlighted on the map):");
                for step in &impact.affected_steps {
                    ui.label(format!("• {}", map.node_name(step)));
                }
                ui.label(format!(
                    "{:.0}% of cases need it; about {:.1} case-hours of delay per week from its outages.",
                    impact.case_share * 100.0,
                    impact.delay_hours_per_week
                ));
            }
        }
        ui.separator();
        ui.label(RichText::new("Notes (Markdown)").strong());
        if let Some(notes) = self.text(
            ui,
            &format!("service.{id}.notes"),
            &service.notes,
            true,
            "Owner, support hours, links",
        ) {
            let mut new = service.clone();
            new.notes = notes;
            changes.push(change("Edit notes", set(new)));
        }
    }
}

/// The simulation settings as a form (the inspector's map page and the Simulate > Settings
/// dialog share it).
pub fn simulation_settings_ui(ui: &mut Ui, id: &str, settings: &mut crate::model::Simulation) {
    egui::Grid::new(id).num_columns(2).show(ui, |ui| {
        ui.label("Cases measured per replication");
        ui.add(
            egui::DragValue::new(&mut settings.cases)
                .range(1..=100_000_000)
                .speed(100),
        );
        ui.end_row();
        ui.label("Warm-up cases (not measured)");
        ui.add(
            egui::DragValue::new(&mut settings.warmup)
                .range(0..=10_000_000)
                .speed(10),
        );
        ui.end_row();
        ui.label("Replications");
        ui.add(egui::DragValue::new(&mut settings.replications).range(1..=1000));
        ui.end_row();
        ui.label("Seed");
        ui.add(egui::DragValue::new(&mut settings.seed));
        ui.end_row();
        ui.label("Service outages");
        ui.checkbox(&mut settings.outages, "include service outages");
        ui.end_row();
    });
}

/// A small drawing of the distribution's density.
fn preview(ui: &mut Ui, dist: &Dist) {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width().min(240.0), 46.0),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let mean = dist.mean_hours().max(1e-9);
    let (upper, density): (f64, Box<dyn Fn(f64) -> f64>) = match *dist {
        Dist::Fixed(d) => {
            let v = d.as_hours();
            (
                v.max(1e-9) * 2.0,
                Box::new(move |x: f64| {
                    if (x - v).abs() < v.max(1e-9) * 0.03 {
                        1.0
                    } else {
                        0.0
                    }
                }),
            )
        }
        Dist::Exponential { .. } => (mean * 4.0, Box::new(move |x: f64| (-x / mean).exp())),
        Dist::Uniform { min, max } => {
            let (a, b) = (min.as_hours(), max.as_hours());
            (
                b.max(1e-9) * 1.2,
                Box::new(move |x: f64| if x >= a && x <= b { 1.0 } else { 0.0 }),
            )
        }
        Dist::Triangular { min, mode, max } => {
            let (a, c, b) = (min.as_hours(), mode.as_hours(), max.as_hours());
            (
                b.max(1e-9) * 1.1,
                Box::new(move |x: f64| {
                    if x < a || x > b {
                        0.0
                    } else if x <= c {
                        if c > a { (x - a) / (c - a) } else { 1.0 }
                    } else if b > c {
                        (b - x) / (b - c)
                    } else {
                        1.0
                    }
                }),
            )
        }
        Dist::Normal { mean: m, sd } => {
            let (m, s) = (m.as_hours(), sd.as_hours().max(1e-9));
            (
                (m + 3.0 * s).max(1e-9),
                Box::new(move |x: f64| (-0.5 * ((x - m) / s).powi(2)).exp()),
            )
        }
        Dist::LogNormal { mean: m, sd } => {
            let (m, s) = (m.as_hours().max(1e-9), sd.as_hours());
            let sigma2 = (1.0 + (s / m).powi(2)).ln();
            let mu = m.ln() - sigma2 / 2.0;
            (
                m + 3.0 * s.max(m * 0.3),
                Box::new(move |x: f64| {
                    if x <= 0.0 {
                        0.0
                    } else {
                        (-(x.ln() - mu).powi(2) / (2.0 * sigma2)).exp() / x
                    }
                }),
            )
        }
    };
    let steps = 80;
    let values: Vec<f64> = (0..=steps)
        .map(|i| density(upper * f64::from(i) / f64::from(steps)))
        .collect();
    let peak = values.iter().copied().fold(0.0, f64::max).max(1e-12);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_precision_loss,
        reason = "screen coordinates of 80 samples"
    )]
    let points: Vec<egui::Pos2> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = rect.left() + 4.0 + (rect.width() - 8.0) * i as f32 / steps as f32;
            let y = rect.bottom() - 4.0 - (rect.height() - 10.0) * (v / peak) as f32;
            egui::pos2(x, y)
        })
        .collect();
    painter.add(egui::Shape::line(
        points,
        egui::Stroke::new(1.5, theme::ACCENT),
    ));
    painter.text(
        rect.right_top() + egui::vec2(-4.0, 2.0),
        egui::Align2::RIGHT_TOP,
        dist.summary(),
        egui::FontId::proportional(10.0),
        ui.visuals().weak_text_color(),
    );
}
