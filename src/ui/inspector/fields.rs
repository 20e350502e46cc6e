//! Field editors the inspector shares: the distribution picker with its preview, and the
//! simulation settings grid (also used by the settings dialog).

use egui::{RichText, Ui};

use super::Inspector;
use crate::model::{Dist, DistKind, Duration};
use crate::ui::theme;

impl Inspector {
    pub(super) fn dist_ui(&mut self, ui: &mut Ui, id: &str, dist: &Dist) -> Option<Dist> {
        let mut result = None;
        let mut kind = dist.kind();
        egui::ComboBox::from_id_salt(("dist", id))
            .selected_text(kind.label())
            .show_ui(ui, |ui| {
                for k in DistKind::ALL {
                    ui.selectable_value(&mut kind, k, k.label());
                }
            });
        if kind != dist.kind() {
            result = Some(dist.with_kind(kind));
            // The fields below belong to the old kind: show them next frame.
            return result;
        }
        let field =
            |this: &mut Self, ui: &mut Ui, name: &str, value: Duration| -> Option<Duration> {
                ui.horizontal(|ui| {
                    ui.label(name);
                    this.duration(ui, &format!("{id}.{name}"), value)
                })
                .inner
            };
        let edited = match *dist {
            Dist::Fixed(d) => field(self, ui, "value", d).map(Dist::Fixed),
            Dist::Exponential { mean } => {
                field(self, ui, "mean", mean).map(|mean| Dist::Exponential { mean })
            }
            Dist::Uniform { min, max } => {
                let a = field(self, ui, "min", min);
                let b = field(self, ui, "max", max);
                (a.is_some() || b.is_some()).then(|| Dist::Uniform {
                    min: a.unwrap_or(min),
                    max: b.unwrap_or(max),
                })
            }
            Dist::Triangular { min, mode, max } => {
                let a = field(self, ui, "min", min);
                let b = field(self, ui, "mode", mode);
                let c = field(self, ui, "max", max);
                (a.is_some() || b.is_some() || c.is_some()).then(|| Dist::Triangular {
                    min: a.unwrap_or(min),
                    mode: b.unwrap_or(mode),
                    max: c.unwrap_or(max),
                })
            }
            Dist::Normal { mean, sd } => {
                let a = field(self, ui, "mean", mean);
                let b = field(self, ui, "sd", sd);
                (a.is_some() || b.is_some()).then(|| Dist::Normal {
                    mean: a.unwrap_or(mean),
                    sd: b.unwrap_or(sd),
                })
            }
            Dist::LogNormal { mean, sd } => {
                let a = field(self, ui, "mean", mean);
                let b = field(self, ui, "sd", sd);
                (a.is_some() || b.is_some()).then(|| Dist::LogNormal {
                    mean: a.unwrap_or(mean),
                    sd: b.unwrap_or(sd),
                })
            }
        };
        if edited.is_some() {
            result = edited;
        }
        for problem in dist.problems(false) {
            ui.label(RichText::new(problem).small().color(theme::ERROR));
        }
        preview(ui, dist);
        ui.label(
            RichText::new(format!("mean {}", Duration::from_hours(dist.mean_hours())))
                .small()
                .weak(),
        );
        result
    }
}

/// The simulation settings as a form (the inspector's map page and the Simulate > Settings
/// dialog share it).
pub fn simulation_settings_ui(ui: &mut Ui, id: &str, settings: &mut crate::model::Simulation) {
    egui::Grid::new(id).num_columns(2).show(ui, |ui| {
        ui.label("Cases measured per replication");
        ui.add(
            egui::DragValue::new(&mut settings.cases)
                .range(1..=100_000_000)
                .speed(100),
        );
        ui.end_row();
        ui.label("Warm-up cases (not measured)");
        ui.add(
            egui::DragValue::new(&mut settings.warmup)
                .range(0..=10_000_000)
                .speed(10),
        );
        ui.end_row();
        ui.label("Replications");
        ui.add(egui::DragValue::new(&mut settings.replications).range(1..=1000));
        ui.end_row();
        ui.label("Seed");
        ui.add(egui::DragValue::new(&mut settings.seed));
        ui.end_row();
        ui.label("Service outages");
        ui.checkbox(&mut settings.outages, "include service outages");
        ui.end_row();
        ui.label("Clock starts").on_hover_text(
            "The date and time the simulated clock starts: calendars and rates by time of week \
             count from it",
        );
        start_ui(ui, id, settings);
        ui.end_row();
    });
    let error_id = egui::Id::new((id, "start-error"));
    if let Some(error) = ui.data(|d| d.get_temp::<String>(error_id)) {
        ui.label(RichText::new(error).small().color(theme::ERROR));
    }
}

/// The start date-time of the simulated clock as a text field ("2026-01-05 08:00") with its
/// weekday; an unreadable draft stays in the field in red with the reason below the grid.
fn start_ui(ui: &mut Ui, id: &str, settings: &mut crate::model::Simulation) {
    let start = settings.start_time();
    let edit_id = egui::Id::new((id, "start"));
    let error_id = egui::Id::new((id, "start-error"));
    let focused = ui.memory(|m| m.has_focus(edit_id));
    let error = ui.data(|d| d.get_temp::<String>(error_id));
    let mut draft = ui
        .data(|d| d.get_temp::<String>(edit_id))
        .filter(|_| focused || error.is_some())
        .unwrap_or_else(|| start.to_string());
    ui.horizontal(|ui| {
        let response = ui.add(
            egui::TextEdit::singleline(&mut draft)
                .id(edit_id)
                .hint_text("YYYY-MM-DD HH:MM")
                .desired_width(120.0)
                .text_color_opt(error.as_ref().map(|_| theme::ERROR)),
        );
        if response.lost_focus() {
            match draft.parse::<crate::model::DateTime>() {
                Ok(parsed) => {
                    ui.data_mut(|d| {
                        d.remove::<String>(error_id);
                    });
                    if parsed != start {
                        settings.start = Some(parsed);
                    }
                    draft = parsed.to_string();
                }
                Err(e) => {
                    ui.data_mut(|d| d.insert_temp(error_id, e.to_string()));
                }
            }
        }
        let weekday = crate::ui::calendar::DAY_LABELS
            .get(usize::from(settings.start_time().date.weekday()))
            .copied()
            .unwrap_or_default();
        ui.label(RichText::new(weekday).weak());
    });
    ui.data_mut(|d| d.insert_temp(edit_id, draft));
}

/// A small drawing of the distribution's density.
fn preview(ui: &mut Ui, dist: &Dist) {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width().min(240.0), 46.0),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let mean = dist.mean_hours().max(1e-9);
    let (upper, density): (f64, Box<dyn Fn(f64) -> f64>) = match *dist {
        Dist::Fixed(d) => {
            let v = d.as_hours();
            (
                v.max(1e-9) * 2.0,
                Box::new(move |x: f64| {
                    if (x - v).abs() < v.max(1e-9) * 0.03 {
                        1.0
                    } else {
                        0.0
                    }
                }),
            )
        }
        Dist::Exponential { .. } => (mean * 4.0, Box::new(move |x: f64| (-x / mean).exp())),
        Dist::Uniform { min, max } => {
            let (a, b) = (min.as_hours(), max.as_hours());
            (
                b.max(1e-9) * 1.2,
                Box::new(move |x: f64| if x >= a && x <= b { 1.0 } else { 0.0 }),
            )
        }
        Dist::Triangular { min, mode, max } => {
            let (a, c, b) = (min.as_hours(), mode.as_hours(), max.as_hours());
            (
                b.max(1e-9) * 1.1,
                Box::new(move |x: f64| {
                    if x < a || x > b {
                        0.0
                    } else if x <= c {
                        if c > a { (x - a) / (c - a) } else { 1.0 }
                    } else if b > c {
                        (b - x) / (b - c)
                    } else {
                        1.0
                    }
                }),
            )
        }
        Dist::Normal { mean: m, sd } => {
            let (m, s) = (m.as_hours(), sd.as_hours().max(1e-9));
            (
                (m + 3.0 * s).max(1e-9),
                Box::new(move |x: f64| (-0.5 * ((x - m) / s).powi(2)).exp()),
            )
        }
        Dist::LogNormal { mean: m, sd } => {
            let (m, s) = (m.as_hours().max(1e-9), sd.as_hours());
            let sigma2 = (1.0 + (s / m).powi(2)).ln();
            let mu = m.ln() - sigma2 / 2.0;
            (
                m + 3.0 * s.max(m * 0.3),
                Box::new(move |x: f64| {
                    if x <= 0.0 {
                        0.0
                    } else {
                        (-(x.ln() - mu).powi(2) / (2.0 * sigma2)).exp() / x
                    }
                }),
            )
        }
    };
    let steps = 80;
    let values: Vec<f64> = (0..=steps)
        .map(|i| density(upper * f64::from(i) / f64::from(steps)))
        .collect();
    let peak = values.iter().copied().fold(0.0, f64::max).max(1e-12);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_precision_loss,
        reason = "screen coordinates of 80 samples"
    )]
    let points: Vec<egui::Pos2> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = rect.left() + 4.0 + (rect.width() - 8.0) * i as f32 / steps as f32;
            let y = rect.bottom() - 4.0 - (rect.height() - 10.0) * (v / peak) as f32;
            egui::pos2(x, y)
        })
        .collect();
    painter.add(egui::Shape::line(
        points,
        egui::Stroke::new(1.5, theme::ACCENT),
    ));
    painter.text(
        rect.right_top() + egui::vec2(-4.0, 2.0),
        egui::Align2::RIGHT_TOP,
        dist.summary(),
        egui::FontId::proportional(10.0),
        ui.visuals().weak_text_color(),
    );
}
