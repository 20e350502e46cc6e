//! The find bar (Ctrl+F): nodes by name or owner.

use egui::Ui;

use super::App;
use crate::model::ElementRef;
use crate::ui::canvas::element_pos;

impl App {
    pub(super) fn find_ui(&mut self, ui: &mut Ui) {
        let map = self.doc.map();
        let mut close = false;
        let mut chosen: Option<Vec<ElementRef>> = None;
        egui::Frame::new()
            .inner_margin(6.0)
            .fill(ui.visuals().panel_fill)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Find");
                    let query = self.find.get_or_insert_with(String::new);
                    let response = ui.add(
                        egui::TextEdit::singleline(query)
                            .hint_text("name or owner")
                            .id_salt("find-field")
                            .desired_width(220.0),
                    );
                    if !response.has_focus() && query.is_empty() {
                        response.request_focus();
                    }
                    let needle = query.to_lowercase();
                    let matches: Vec<(String, String)> = if needle.is_empty() {
                        Vec::new()
                    } else {
                        map.nodes
                            .iter()
                            .filter(|(_, n)| {
                                n.name().to_lowercase().contains(&needle)
                                    || n.owner()
                                        .and_then(|o| map.owners.get(o))
                                        .is_some_and(|o| o.name.to_lowercase().contains(&needle))
                            })
                            .map(|(id, n)| (id.clone(), n.name().to_owned()))
                            .collect()
                    };
                    ui.label(format!("{} match(es)", matches.len()));
                    if response.lost_focus()
                        && ui.input(|i| i.key_pressed(egui::Key::Enter))
                        && !matches.is_empty()
                    {
                        chosen = Some(
                            matches
                                .iter()
                                .map(|(id, _)| ElementRef::Node(id.clone()))
                                .collect(),
                        );
                    }
                    for (id, name) in matches.iter().take(8) {
                        if ui.small_button(name).clicked() {
                            chosen = Some(vec![ElementRef::Node(id.clone())]);
                        }
                    }
                    if ui.small_button("×").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        close = true;
                    }
                });
            });
        if let Some(keys) = chosen {
            if let Some(first) = keys.first() {
                if let Some(pos) = element_pos(self.doc.map(), first) {
                    self.canvas.centre_on(pos + egui::vec2(90.0, 40.0));
                }
            }
            self.select(keys);
        }
        if close {
            self.find = None;
        }
    }
}
