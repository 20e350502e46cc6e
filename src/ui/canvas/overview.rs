//! The painter overview of a large map zoomed out below readable text: one rectangle per
//! element, one line per flow, with its own pan and zoom and click to select. Used instead of
//! the snarl, which lays out every node every frame; draws from the per-revision `Derived` data only.

use egui::{Rect, Sense, Stroke, Ui, vec2};

use super::{Action, Canvas, Decor, MAX_SCALE, MIN_SCALE, theme};

impl Canvas {
    /// The painter overview of a large map: pan, zoom, click to select.
    pub(super) fn overview_ui(&mut self, ui: &mut Ui, decor: &Decor<'_>) -> Vec<Action> {
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
