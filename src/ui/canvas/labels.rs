//! The texts on flows leaving a decision (probability, label), painted over the snarl on a
//! sublayer because snarl 0.12 draws no wire widgets. Paint only; no input, no state.

use egui::{Color32, Id, LayerId, Rect, Stroke, Ui, pos2, vec2};

use super::{Canvas, theme};
use crate::model::NodeKind;

impl Canvas {
    /// Probability and label text on flows leaving a Decision (snarl 0.12 draws no wire widgets).
    pub(super) fn draw_flow_labels(&self, ui: &Ui, snarl_id: Id) {
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
            let size = galley.size() + vec2(8.0, 4.0);
            // On the wire if it is clear of the cards, else just above or below it; a caption
            // that would cover a card (zoomed far out) is left out.
            // Only cards in the snarl now (the rects of cards seen before are kept).
            let on_card = |rect: &Rect| {
                self.rects
                    .iter()
                    .filter(|(key, _)| self.index.contains_key(*key))
                    .any(|(_, card)| (self.view * *card).intersects(*rect))
            };
            let Some(rect) = [0.0, -1.0, 1.0]
                .into_iter()
                .map(|shift| Rect::from_center_size(screen + vec2(0.0, shift * size.y), size))
                .find(|rect| !on_card(rect))
            else {
                continue;
            };
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
}
