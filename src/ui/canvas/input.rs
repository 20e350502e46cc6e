//! What the user did in the snarl that the viewer's callbacks do not report: plain clicks
//! (snarl 0.12 selects only with Shift), the snarl's own selection, and finished drags. Reads
//! the snarl and the document; changes neither (moves come back as [`Action::Move`]).

use egui::Ui;

use super::{Action, Canvas, element_pos, to_point};
use crate::model::{ElementRef, Point, ProcessMap};

impl Canvas {
    /// A plain click (no Shift or Ctrl) on the canvas this frame: `Some(Some(key))` on an element,
    /// `Some(None)` on the background. Snarl 0.12 selects only with Shift, so the editor handles
    /// plain clicks itself.
    pub fn plain_click(&self, ctx: &egui::Context) -> Option<Option<ElementRef>> {
        if self.overview {
            return None;
        }
        let (clicked, pos, modifiers) = ctx.input(|i| {
            (
                i.pointer.primary_clicked(),
                i.pointer.interact_pos(),
                i.modifiers,
            )
        });
        if !clicked || modifiers.shift || modifiers.command || egui::Popup::is_any_open(ctx) {
            return None;
        }
        let pos = pos.filter(|p| self.rect.contains(*p))?;
        // Only clicks that reached the canvas, not a window or menu floating over it.
        let layer = ctx.layer_id_at(pos)?;
        if layer.order != egui::Order::Background && layer.order != egui::Order::Middle {
            return None;
        }
        let at = self.view.inverse() * pos;
        let hit = self
            .rects
            .iter()
            .filter(|(key, rect)| self.index.contains_key(*key) && rect.contains(at))
            .map(|(key, _)| key.clone())
            .max();
        Some(hit)
    }

    /// Elements selected in the snarl, when the user changed the selection there this frame.
    pub fn take_snarl_selection(&mut self, ctx: &egui::Context) -> Option<Vec<ElementRef>> {
        if self.overview {
            return None;
        }
        let mut keys: Vec<ElementRef> = egui_snarl::ui::get_selected_nodes(self.snarl_id(), ctx)
            .into_iter()
            .filter_map(|id| self.snarl.get_node(id).cloned())
            .collect();
        keys.sort();
        if keys == self.last_snarl_selection {
            return None;
        }
        self.last_snarl_selection.clone_from(&keys);
        Some(keys)
    }

    /// After a drag ends, reports the elements whose position differs from the document.
    pub(super) fn collect_moves(&self, ui: &Ui, map: &ProcessMap, actions: &mut Vec<Action>) {
        if ui.ctx().input(|i| i.pointer.any_down()) {
            return;
        }
        let moves: Vec<(ElementRef, Point)> = self
            .index
            .iter()
            .filter_map(|(key, &id)| {
                let pos = self.snarl.get_node_info(id)?.pos;
                let at = element_pos(map, key)?;
                ((pos - at).length() > 0.5).then(|| (key.clone(), to_point(pos)))
            })
            .collect();
        if !moves.is_empty() {
            actions.push(Action::Move(moves));
        }
    }
}
