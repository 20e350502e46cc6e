//! The central panel: the canvas with its decorations (selection, errors, impact highlight,
//! heat), palette drops, and the owners legend.

use std::collections::HashMap;

use egui::{RichText, Ui};

use super::App;
use crate::model::{ElementRef, Point};
use crate::ui::canvas::Decor;
use crate::ui::sidebar::PaletteItem;
use crate::ui::theme;

impl App {
    pub(super) fn canvas_ui(&mut self, ui: &mut Ui) {
        self.highlight.clear();
        if let (1, Some(ElementRef::Service(id))) =
            (self.selection.len(), self.selection.iter().next())
        {
            if let Some(impact) = self.impact.services.get(id) {
                for key in impact
                    .affected_steps
                    .iter()
                    .chain(&impact.affected_services)
                {
                    self.highlight.insert(key.clone(), theme::ERROR);
                }
            }
        }
        let heat = !self.sim.is_stale(self.doc.revision()) && self.highlight.is_empty();
        let empty_colours = HashMap::new();
        let empty_badges = HashMap::new();
        let empty_figures = HashMap::new();
        let decor = Decor {
            selection: &self.selection,
            errors: &self.error_ids,
            highlight: if heat && !self.heat.colours.is_empty() {
                &self.heat.colours
            } else if self.highlight.is_empty() {
                &empty_colours
            } else {
                &self.highlight
            },
            badges: if heat {
                &self.heat.badges
            } else {
                &empty_badges
            },
            figures: if heat {
                &self.heat.figures
            } else {
                &empty_figures
            },
            dark: self.dark,
        };
        let actions = self
            .canvas
            .ui(ui, self.doc.map(), self.doc.revision(), &decor);
        if let Some(keys) = self.canvas.take_snarl_selection(ui.ctx()) {
            self.selection = keys.into_iter().collect();
        } else if let Some(hit) = self.canvas.plain_click(ui.ctx()) {
            self.selection = hit.into_iter().collect();
        }
        for action in actions {
            self.apply_action(action);
        }
        // A palette entry dropped on the canvas.
        let released = ui.ctx().input(|i| i.pointer.any_released());
        if released {
            if let Some(pointer) = ui.ctx().pointer_interact_pos() {
                if self.canvas.rect.contains(pointer) {
                    if let Some(item) = egui::DragAndDrop::take_payload::<PaletteItem>(ui.ctx()) {
                        let at = self.canvas.view.inverse() * pointer;
                        self.add_element(
                            item.0,
                            Point::new(f64::from(at.x).round(), f64::from(at.y).round()),
                            None,
                            None,
                        );
                    }
                }
            }
        }
        self.legend_ui(ui);
    }

    pub(super) fn legend_ui(&self, ui: &Ui) {
        let map = self.doc.map();
        if map.owners.is_empty() {
            return;
        }
        let rect = self.canvas.rect;
        egui::Area::new(egui::Id::new("legend"))
            .fixed_pos(rect.right_bottom() - egui::vec2(10.0, 10.0))
            .pivot(egui::Align2::RIGHT_BOTTOM)
            .order(egui::Order::Middle)
            .interactable(false)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(RichText::new("Owners").small().strong());
                    for (index, owner) in map.owners.values().enumerate() {
                        ui.horizontal(|ui| {
                            let (r, _) = ui
                                .allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                            ui.painter().rect_filled(r, 2.0, theme::owner_colour(index));
                            ui.label(RichText::new(&owner.name).small());
                        });
                    }
                });
            });
    }

    pub(super) fn refresh_heat(&mut self) {
        let key = (
            usize::from(self.sim.outcome.is_some()) + self.sim.scenarios.len() * 2,
            self.sim.heat,
            self.sim.outcome.as_ref().map_or(0, |o| o.revision),
        );
        if key != self.heat_key {
            self.heat_key = key;
            self.heat = self.sim.heat();
        }
    }
}
