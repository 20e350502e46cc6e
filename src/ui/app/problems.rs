//! The problems panel: validation findings (refreshed when the document changes), click to go
//! to the element.

use egui::{RichText, Ui};

use super::App;
use crate::analysis;
use crate::model::{self, ElementRef, Severity};
use crate::ui::canvas::element_pos;
use crate::ui::theme;

impl App {
    pub(super) fn refresh_checks(&mut self) {
        if self.checked_revision == self.doc.revision() {
            return;
        }
        self.checked_revision = self.doc.revision();
        let map = self.doc.map();
        self.problems = model::validate(map);
        self.error_ids = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .filter_map(|p| match &p.subject {
                model::Subject::Node(id) | model::Subject::Service(id) => Some(id.clone()),
                model::Subject::Flow { from, .. } => Some(from.clone()),
                _ => None,
            })
            .collect();
        self.estimate = analysis::estimate(map);
        self.impact = analysis::impact(map);
    }

    pub(super) fn problems_ui(&mut self, ui: &mut Ui) {
        let errors = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        let warnings = self.problems.len() - errors;
        ui.horizontal(|ui| {
            ui.strong("Problems");
            if self.problems.is_empty() {
                ui.label(RichText::new("none: the map is valid").color(theme::GOOD));
            } else {
                ui.label(
                    RichText::new(format!("{errors} error(s)")).color(if errors > 0 {
                        theme::ERROR
                    } else {
                        theme::GOOD
                    }),
                );
                ui.label(RichText::new(format!("{warnings} warning(s)")).color(theme::WARNING));
            }
        });
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if !self.import_warnings.is_empty() {
                    egui::CollapsingHeader::new(format!(
                        "Import: {} note(s): what was approximated or left out",
                        self.import_warnings.len()
                    ))
                    .id_salt("import_warnings")
                    .show(ui, |ui| {
                        for warning in &self.import_warnings {
                            ui.horizontal(|ui| {
                                ui.label(
                                    RichText::new("import")
                                        .color(theme::WARNING)
                                        .small()
                                        .strong(),
                                );
                                if ui.selectable_label(false, warning).clicked() {
                                    // "element 'id': what": the id between the first quotes.
                                    let id = warning.split('\'').nth(1).unwrap_or_default();
                                    clicked = Some(model::Subject::Node(id.to_owned()));
                                }
                            });
                        }
                    });
                }
                for problem in &self.problems {
                    let (mark, colour) = match problem.severity {
                        Severity::Error => ("error", theme::ERROR),
                        Severity::Warning => ("warning", theme::WARNING),
                    };
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(mark).color(colour).small().strong());
                        if ui
                            .selectable_label(
                                false,
                                format!("{}: {}", problem.subject, problem.message),
                            )
                            .clicked()
                        {
                            clicked = Some(problem.subject.clone());
                        }
                    });
                }
            });
        if let Some(subject) = clicked {
            let key = match subject {
                model::Subject::Node(id) => Some(ElementRef::Node(id)),
                model::Subject::Flow { from, .. } => Some(ElementRef::Node(from)),
                model::Subject::Service(id) => Some(ElementRef::Service(id)),
                _ => None,
            };
            if let Some(key) = key.filter(|k| element_pos(self.doc.map(), k).is_some()) {
                self.select_and_centre(key);
            }
        }
    }
}
