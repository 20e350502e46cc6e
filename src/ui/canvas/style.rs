//! The snarl's look: node layout, pins, wires, background, selection colours, and the zoom
//! limits shared with the rest of the canvas.

use egui::{Color32, Stroke};
use egui_snarl::ui::{NodeLayout, PinPlacement, SnarlStyle, WireStyle};

use super::{MAX_SCALE, MIN_SCALE, theme};

/// The snarl style for the light or dark theme.
pub(super) fn style(dark: bool) -> SnarlStyle {
    SnarlStyle {
        node_layout: Some(NodeLayout::coil()),
        pin_placement: Some(PinPlacement::Edge),
        pin_size: Some(9.0),
        wire_width: Some(2.0),
        wire_style: Some(WireStyle::Bezier5),
        min_scale: Some(MIN_SCALE),
        max_scale: Some(MAX_SCALE),
        centering: Some(false),
        collapsible: Some(false),
        bg_frame: Some(egui::Frame {
            fill: if dark {
                Color32::from_gray(24)
            } else {
                Color32::from_gray(236)
            },
            ..egui::Frame::default()
        }),
        bg_pattern_stroke: Some(Stroke::new(
            1.0,
            if dark {
                Color32::from_gray(34)
            } else {
                Color32::from_gray(226)
            },
        )),
        select_stoke: Some(Stroke::new(1.0, theme::ACCENT)),
        select_fill: Some(theme::ACCENT.gamma_multiply(0.1)),
        ..SnarlStyle::new()
    }
}
