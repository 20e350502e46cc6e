//! Where the canvas looks: zoom, fit the map, centre on a position, and the first view of a
//! newly opened map. Only the view transform changes here; the snarl picks a pending view up
//! on its next frame (`SnarlViewer::current_transform`), the overview directly.

use egui::emath::TSTransform;
use egui::{Pos2, pos2};

use super::{Canvas, MAX_SCALE, MIN_SCALE, bounds};
use crate::model::ProcessMap;

/// The smallest zoom at which a map opens fitted (the whole process in view); below it, a
/// large map opens at its start, readable.
pub const FIRST_VIEW_MIN_SCALE: f32 = 0.2;

impl Canvas {
    /// Zoom level (1.0 = 100%).
    #[must_use]
    pub fn zoom(&self) -> f32 {
        self.view.scaling
    }

    /// Frames the whole map on the next frame.
    pub fn request_fit(&mut self) {
        self.fit_pending = true;
    }

    /// Shows a newly opened map: whole if readable, else its start.
    pub fn request_first_view(&mut self) {
        self.first_view_pending = true;
    }

    /// Zooms by `factor` around the canvas centre.
    pub fn zoom_by(&mut self, factor: f32) {
        let scaling = (self.view.scaling * factor).clamp(MIN_SCALE, MAX_SCALE);
        self.set_scaling(scaling);
    }

    /// Sets the zoom (1.0 = 100%) around the canvas centre.
    pub fn set_scaling(&mut self, scaling: f32) {
        let centre = self.rect.center();
        let canvas_centre = self.view.inverse() * centre;
        self.set_view(TSTransform {
            scaling,
            translation: centre.to_vec2() - canvas_centre.to_vec2() * scaling,
        });
    }

    /// Centres the view on a canvas position, keeping the zoom (at least 60%).
    pub fn centre_on(&mut self, at: Pos2) {
        let scaling = self.view.scaling.max(0.6);
        let centre = self.rect.center();
        self.set_view(TSTransform {
            scaling,
            translation: centre.to_vec2() - at.to_vec2() * scaling,
        });
    }

    fn set_view(&mut self, view: TSTransform) {
        self.view = view;
        self.pending_view = Some(view);
    }

    /// The first view of a map: the whole map, fitted, unless that would make cards too small
    /// to read (below [`FIRST_VIEW_MIN_SCALE`]); then its start (left edge, vertically
    /// centred) at 70%.
    pub(super) fn first_view(&mut self, map: &ProcessMap) {
        self.fit(map);
        if self.view.scaling >= FIRST_VIEW_MIN_SCALE {
            return;
        }
        let Some(bounds) = bounds(map) else {
            return;
        };
        let scaling = 0.7;
        let anchor = pos2(bounds.left() - 40.0, bounds.center().y);
        self.set_view(TSTransform {
            scaling,
            translation: pos2(self.rect.left(), self.rect.center().y).to_vec2()
                - anchor.to_vec2() * scaling,
        });
    }

    pub(super) fn fit(&mut self, map: &ProcessMap) {
        let Some(bounds) = bounds(map) else {
            self.set_view(TSTransform {
                scaling: 1.0,
                translation: self.rect.center().to_vec2(),
            });
            return;
        };
        // A little room in map units and a margin on screen, so the outermost cards stay whole
        // at any zoom.
        let bounds = bounds.expand(20.0);
        let room = self.rect.shrink(36.0);
        let scaling = (room.width().max(1.0) / bounds.width())
            .min(room.height().max(1.0) / bounds.height())
            .clamp(MIN_SCALE, 1.0);
        self.set_view(TSTransform {
            scaling,
            translation: self.rect.center().to_vec2() - bounds.center().to_vec2() * scaling,
        });
    }

    /// The canvas position at the centre of the screen.
    #[must_use]
    pub fn centre(&self) -> Pos2 {
        self.view.inverse() * self.rect.center()
    }
}
