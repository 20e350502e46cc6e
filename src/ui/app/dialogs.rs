//! The modal dialogs: unsaved changes, errors, recovery, deleting an owner in use, simulation
//! settings, shortcuts, about.

use super::{App, Dialog};
use crate::model::{Edit, edit};
use crate::ui::commands::UiCommand;
use crate::ui::history::Document;
use crate::ui::history::{Field, MergeKey, MergeTarget};

impl App {
    pub(super) fn dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.dialog.clone() else {
            return;
        };
        let modal = egui::Modal::new(egui::Id::new("dialog")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            match dialog {
                Dialog::Unsaved(pending) => {
                    ui.heading("Unsaved changes");
                    ui.label(format!("Save the changes to \"{}\" first?", self.doc.map().title));
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            self.dialog = None;
                            if self.doc.path.is_some() {
                                if self.save() {
                                    self.perform(pending.clone(), ctx);
                                }
                            } else {
                                self.after_save = Some(pending.clone());
                                self.save_as_dialog();
                            }
                        }
                        if ui.button("Discard").clicked() {
                            self.dialog = None;
                            self.clear_recovery();
                            self.perform(pending.clone(), ctx);
                        }
                        if ui.button("Cancel").clicked() {
                            self.dialog = None;
                        }
                    });
                }
                Dialog::Error(message) => {
                    ui.heading("Something went wrong");
                    ui.label(message);
                    if ui.button("OK").clicked() {
                        self.dialog = None;
                    }
                }
                Dialog::Recover { map, source } => {
                    ui.heading("Restore unsaved work?");
                    ui.label(format!(
                        "Procmap found changes to \"{}\" that were not saved when it last closed{}.",
                        map.title,
                        source.as_ref().map_or_else(String::new, |s| format!(" ({})", s.display()))
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Restore").clicked() {
                            self.doc = Document::new(*map.clone(), source.clone());
                            self.doc.mark_unsaved();
                            self.after_load();
                            self.dialog = None;
                        }
                        if ui.button("Discard").clicked() {
                            self.clear_recovery();
                            self.dialog = None;
                        }
                    });
                }
                Dialog::DeleteOwner(id) => {
                    let name = self.doc.map().owner_name(&id).to_owned();
                    let steps = self.doc.map().nodes.values().filter(|n| n.owner() == Some(id.as_str())).count();
                    ui.heading(format!("Delete {name}?"));
                    ui.label(format!("{steps} step(s) use this owner; they will have no owner (pure delays)."));
                    ui.horizontal(|ui| {
                        if ui.button("Delete").clicked() {
                            let edit = edit::delete_owner(self.doc.map(), &id);
                            self.commit("Delete owner", edit);
                            self.dialog = None;
                        }
                        if ui.button("Cancel").clicked() {
                            self.dialog = None;
                        }
                    });
                }
                Dialog::SimulationSettings => {
                    ui.heading("Simulation settings");
                    let mut settings = self.doc.map().simulation;
                    crate::ui::inspector::simulation_settings_ui(ui, "sim-settings-dialog", &mut settings);
                    if settings != self.doc.map().simulation {
                        self.doc.commit_merging("Change simulation settings", Edit::Simulation(settings), Some(MergeKey::new(MergeTarget::Map, Field::Simulation)));
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Run").clicked() {
                            self.dialog = None;
                            self.run_simulation();
                        }
                        if ui.button("Close").clicked() {
                            self.dialog = None;
                        }
                    });
                }
                Dialog::Shortcuts => {
                    ui.heading("Keyboard shortcuts");
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for command in UiCommand::ALL {
                            let keys: Vec<String> = command
                                .shortcut()
                                .into_iter()
                                .chain(command.alternatives())
                                .map(|s| ctx.format_shortcut(&s))
                                .collect();
                            if keys.is_empty() {
                                continue;
                            }
                            ui.label(command.label());
                            ui.label(keys.join("  or  "));
                            ui.end_row();
                        }
                        ui.label("Pan");
                        ui.label("drag the background, scroll, or middle mouse");
                        ui.end_row();
                        ui.label("Zoom");
                        ui.label("Ctrl + scroll, or pinch");
                        ui.end_row();
                        ui.label("Select several");
                        ui.label("Shift + click, or drag a box with Shift");
                        ui.end_row();
                    });
                    if ui.button("Close").clicked() {
                        self.dialog = None;
                    }
                }
                Dialog::About => {
                    ui.heading("Procmap");
                    ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
                    ui.label("Map how work flows, find where it piles up, print the handbook.");
                    if ui.button("Close").clicked() {
                        self.dialog = None;
                    }
                }
            }
        });
        if modal.should_close()
            && matches!(
                self.dialog,
                Some(
                    Dialog::Shortcuts
                        | Dialog::About
                        | Dialog::Error(_)
                        | Dialog::SimulationSettings
                )
            )
        {
            self.dialog = None;
        }
    }
}
