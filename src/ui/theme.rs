//! Design tokens of the editor: the shared palette (`crate::palette`) as egui colours, plus the
//! few values only the editor needs.

use egui::Color32;

use crate::model::NodeKind;
use crate::palette::{self, Rgb};

const fn colour(rgb: Rgb) -> Color32 {
    Color32::from_rgb(rgb.0, rgb.1, rgb.2)
}

/// An egui colour from the shared palette.
#[must_use]
pub const fn rgb(value: Rgb) -> Color32 {
    colour(value)
}

/// The colour of the `index`-th owner (in id order).
#[must_use]
pub fn owner_colour(index: usize) -> Color32 {
    colour(palette::owner(index))
}

/// Colour used for steps without an owner (pure delays).
pub const NO_OWNER: Color32 = colour(palette::NO_OWNER);
/// Accent for selection and focus.
pub const ACCENT: Color32 = colour(palette::ACCENT);
/// Errors.
pub const ERROR: Color32 = colour(palette::ERROR);
/// Warnings.
pub const WARNING: Color32 = colour(palette::WARNING);
/// Good news (SLA met, low utilisation).
pub const GOOD: Color32 = colour(palette::GOOD);
/// Shifts on the calendar editor's week grid.
pub const SHIFT: Color32 = colour(palette::PARALLEL);
/// Services.
pub const SERVICE: Color32 = colour(palette::SERVICE);

/// The signature colour of a node kind (borders, pins, overview).
#[must_use]
pub fn kind_colour(kind: NodeKind) -> Color32 {
    colour(palette::kind(kind))
}

/// Colour of a utilization figure (see [`palette::utilization`]).
#[must_use]
pub fn utilization_colour(utilization: f64) -> Color32 {
    colour(palette::utilization(utilization))
}

/// A colour mixed towards the panel background, for card fills.
#[must_use]
pub fn tint(colour: Color32, dark: bool, amount: f32) -> Color32 {
    let base = if dark {
        Color32::from_gray(38)
    } else {
        Color32::from_gray(252)
    };
    base.lerp_to_gamma(colour, amount)
}

/// Estimated card size in canvas units, for fitting, windowing and the overview.
#[must_use]
pub fn card_size(kind: crate::model::ElementKind) -> egui::Vec2 {
    let (w, h) = palette::card_size(kind);
    egui::vec2(w, h)
}
