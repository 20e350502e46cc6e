//! The inspector: edits the selected element's fields. Text fields keep a draft while focused and
//! commit when they lose focus (or on Enter); invalid values are shown inline and never reach the
//! document. Every change is returned as an [`Edit`] for the app to commit.

use crate::ui::history::{Field, MergeKey, MergeTarget};
use std::collections::{BTreeSet, HashMap};

use egui::{RichText, Ui};

mod fields;
mod working;

pub use fields::simulation_settings_ui;

use super::theme;
use crate::analysis::LoadEstimate;
use crate::model::ElementRef;
use crate::model::{Duration, Edit, Flow, Node, ProcessMap, Sla};

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
    pub(super) fn duration(&mut self, ui: &mut Ui, id: &str, value: Duration) -> Option<Duration> {
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
        if let Some(sla) = self.sla_ui(ui, map, "map.sla", map.sla.clone()) {
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
    fn sla_ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        id: &str,
        sla: Option<Sla>,
    ) -> Option<Option<Sla>> {
        let mut result = None;
        let mut enabled = sla.is_some();
        if ui.checkbox(&mut enabled, "Has an SLA").changed() {
            result = Some(enabled.then_some(sla.clone().unwrap_or(Sla {
                calendar: None,
                target: Duration::from_ms(3_600_000),
                within: 0.9,
            })));
        }
        if let Some(current) = sla {
            ui.horizontal(|ui| {
                ui.label("Target");
                if let Some(target) = self.duration(ui, &format!("{id}.target"), current.target) {
                    result = Some(Some(Sla {
                        target,
                        ..current.clone()
                    }));
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
                        ..current.clone()
                    }));
                }
                ui.label("of cases");
            });
            if result.is_none() {
                result = working::sla_calendar_ui(ui, id, map, &current).map(Some);
            }
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
            Node::Start { .. } => self.start_ui(ui, map, id, node, changes),
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
                Self::step_calendar_ui(ui, map, id, node, changes);
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
                if let Some(new_sla) = self.sla_ui(ui, map, &format!("{id}.sla"), sla.clone()) {
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
        if let Some(new) = working::maintenance_ui(ui, map, id, service) {
            changes.push(change("Set maintenance calendar", set(new)));
        }
        if service.maintenance.is_some() {
            ui.label(
                RichText::new("Down for maintenance during that calendar's shifts.")
                    .small()
                    .weak(),
            );
        }
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
