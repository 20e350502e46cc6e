//! The menu bar and the status bar.

use egui::{RichText, Ui};

use super::{App, Pending};
use crate::ui::commands::UiCommand;
use crate::ui::theme;

impl App {
    pub(super) fn menu_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            let item = |ui: &mut Ui, app: &mut Self, command: UiCommand, enabled: bool| {
                let shortcut = command
                    .shortcut()
                    .map(|s| ctx.format_shortcut(&s))
                    .unwrap_or_default();
                if ui
                    .add_enabled(
                        enabled,
                        egui::Button::new(command.label()).shortcut_text(shortcut),
                    )
                    .clicked()
                {
                    app.run(command, &ctx);
                    ui.close();
                }
            };
            ui.menu_button("File", |ui| {
                item(ui, self, UiCommand::New, true);
                item(ui, self, UiCommand::Open, true);
                ui.menu_button("Open Recent", |ui| {
                    if self.recent.is_empty() {
                        ui.label(RichText::new("No recent files").weak());
                    }
                    for path in self.recent.clone() {
                        if ui.button(path.display().to_string()).clicked() {
                            self.guard(Pending::OpenPath(path), &ctx);
                            ui.close();
                        }
                    }
                });
                item(ui, self, UiCommand::ImportLog, true);
                ui.separator();
                item(ui, self, UiCommand::Save, true);
                item(ui, self, UiCommand::SaveAs, true);
                ui.separator();
                ui.menu_button("Export", |ui| {
                    item(ui, self, UiCommand::ExportPdf, true);
                    item(ui, self, UiCommand::ExportSvg, true);
                    item(ui, self, UiCommand::ExportMarkdown, true);
                    item(ui, self, UiCommand::ExportBpmn, true);
                    ui.separator();
                    ui.checkbox(&mut self.export_plan, "Include capacity plan")
                        .on_hover_text(
                            "Add a Capacity plan section to the PDF and Markdown handbook \
                             (staffing, headroom, what to improve first); studies not run \
                             since the last change are simulated first",
                        );
                    if self.discover.evidence.is_some() {
                        ui.checkbox(&mut self.export_evidence, "Include as-is evidence")
                            .on_hover_text(
                                "Add an As-is evidence section to the PDF and Markdown handbook: \
                                 the imported log's variants, activities, owners and handovers, \
                                 and the comparison with the log when one was run on this map",
                            );
                    }
                });
                item(ui, self, UiCommand::Print, true);
                ui.separator();
                item(ui, self, UiCommand::Quit, true);
            });
            ui.menu_button("Edit", |ui| {
                let undo = self.doc.undo_label().map(str::to_owned);
                let redo = self.doc.redo_label().map(str::to_owned);
                item(ui, self, UiCommand::Undo, undo.is_some());
                item(ui, self, UiCommand::Redo, redo.is_some());
                ui.separator();
                let any = !self.selection.is_empty();
                item(ui, self, UiCommand::Cut, any);
                item(ui, self, UiCommand::Copy, any);
                item(ui, self, UiCommand::Paste, self.clipboard.is_some());
                item(ui, self, UiCommand::Duplicate, any);
                item(ui, self, UiCommand::Delete, any);
                ui.separator();
                item(ui, self, UiCommand::SelectAll, true);
                item(ui, self, UiCommand::Find, true);
            });
            ui.menu_button("View", |ui| {
                item(ui, self, UiCommand::Fit, true);
                item(ui, self, UiCommand::ZoomIn, true);
                item(ui, self, UiCommand::ZoomOut, true);
                item(ui, self, UiCommand::ResetZoom, true);
                ui.separator();
                item(
                    ui,
                    self,
                    UiCommand::Arrange,
                    !self.doc.map().nodes.is_empty(),
                );
                item(
                    ui,
                    self,
                    UiCommand::ArrangeInLanes,
                    !self.doc.map().owners.is_empty(),
                );
                ui.separator();
                item(ui, self, UiCommand::ToggleTheme, true);
                ui.checkbox(&mut self.show_sidebar, "Palette and owners");
                ui.checkbox(&mut self.show_inspector, "Inspector");
                ui.checkbox(&mut self.show_problems, "Problems");
                let evidence = self.discover.evidence.is_some();
                item(ui, self, UiCommand::ShowEvidence, evidence);
            });
            ui.menu_button("Simulate", |ui| {
                let running = self.sim.running.is_some();
                item(ui, self, UiCommand::RunSimulation, !running);
                item(ui, self, UiCommand::CancelSimulation, running);
                item(ui, self, UiCommand::SimulationSettings, true);
                ui.separator();
                item(ui, self, UiCommand::OptimiseStaffing, true);
                item(ui, self, UiCommand::Headroom, true);
                item(ui, self, UiCommand::Sensitivity, true);
                ui.separator();
                ui.checkbox(&mut self.sim.heat, "Heat on map");
            });
            ui.menu_button("Help", |ui| {
                item(ui, self, UiCommand::Shortcuts, true);
                item(ui, self, UiCommand::About, true);
            });
            ui.separator();
            if self.sim.running.is_some() {
                self.sim.progress_ui(ui);
            } else if ui
                .button(RichText::new("▶ Simulate").strong())
                .on_hover_text("Run the simulation (F5)")
                .clicked()
            {
                self.run_simulation();
            }
        });
    }

    pub(super) fn status_ui(&self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let map = self.doc.map();
            ui.label(format!(
                "{} nodes, {} flows",
                map.nodes.len(),
                map.flows.len()
            ));
            ui.separator();
            ui.label(format!("zoom {:.0}%", self.canvas.zoom() * 100.0));
            ui.separator();
            ui.label(
                self.doc
                    .path
                    .as_ref()
                    .map_or_else(|| "not saved yet".to_owned(), |p| p.display().to_string()),
            );
            if let Some((id, load)) = self.estimate.busiest() {
                ui.separator();
                let name = map.owner_name(id);
                let text = if load.utilization >= 1.0 {
                    format!(
                        "{name} cannot keep up ({:.0}% offered)",
                        load.utilization * 100.0
                    )
                } else {
                    format!(
                        "busiest: {name} {:.0}% (estimate)",
                        load.utilization * 100.0
                    )
                };
                ui.label(RichText::new(text).color(theme::utilization_colour(load.utilization)));
            }
            if let Some(status) = &self.status {
                ui.separator();
                ui.label(RichText::new(status).weak());
            }
        });
    }
}
