//! Design tokens: every colour and size the editor uses, in one place.

use egui::Color32;

use crate::model::NodeKind;

/// Owner colours, assigned in id order; chosen to stay distinct for colour-blind readers
/// (Okabe-Ito plus a few muted extras).
const OWNER_COLOURS: [Color32; 10] = [
    Color32::from_rgb(0, 114, 178),
    Color32::from_rgb(230, 159, 0),
    Color32::from_rgb(0, 158, 115),
    Color32::from_rgb(204, 121, 167),
    Color32::from_rgb(86, 180, 233),
    Color32::from_rgb(213, 94, 0),
    Color32::from_rgb(140, 120, 200),
    Color32::from_rgb(120, 140, 60),
    Color32::from_rgb(170, 100, 80),
    Color32::from_rgb(90, 90, 90),
];

/// The colour of the `index`-th owner (in id order).
#[must_use]
pub fn owner_colour(index: usize) -> Color32 {
    OWNER_COLOURS[index % OWNER_COLOURS.len()]
}

/// Colour used for steps without an owner (pure delays).
pub const NO_OWNER: Color32 = Color32::from_rgb(150, 150, 150);
/// Accent for selection and focus.
pub const ACCENT: Color32 = Color32::from_rgb(255, 140, 0);
/// Errors.
pub const ERROR: Color32 = Color32::from_rgb(220, 50, 47);
/// Warnings.
pub const WARNING: Color32 = Color32::from_rgb(200, 150, 0);
/// Good news (SLA met, low utilisation).
pub const GOOD: Color32 = Color32::from_rgb(40, 160, 80);
/// Services.
pub const SERVICE: Color32 = Color32::from_rgb(120, 90, 170);
/// Utilisation from which an owner is shown as overloaded.
pub const HOT_UTILISATION: f64 = 0.85;

/// The signature colour of a node kind (borders, pins, overview).
#[must_use]
pub fn kind_colour(kind: NodeKind) -> Color32 {
    match kind {
        NodeKind::Start => Color32::from_rgb(40, 160, 80),
        NodeKind::Step => Color32::from_rgb(90, 110, 140),
        NodeKind::Decision => Color32::from_rgb(210, 150, 20),
        NodeKind::Parallel => Color32::from_rgb(60, 130, 200),
        NodeKind::End => Color32::from_rgb(200, 60, 60),
    }
}

/// Colour of a utilisation figure: green, amber, red.
#[must_use]
pub fn utilisation_colour(utilisation: f64) -> Color32 {
    if utilisation >= HOT_UTILISATION {
        ERROR
    } else if utilisation >= 0.7 {
        WARNING
    } else {
        GOOD
    }
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
pub fn card_size(kind: Option<NodeKind>) -> egui::Vec2 {
    match kind {
        Some(NodeKind::Step) => egui::vec2(190.0, 100.0),
        Some(NodeKind::Start | NodeKind::End | NodeKind::Decision | NodeKind::Parallel) => {
            egui::vec2(150.0, 60.0)
        }
        None => egui::vec2(180.0, 70.0), // services
    }
}
