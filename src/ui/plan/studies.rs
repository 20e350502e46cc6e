//! Headroom (p90 and SLA compliance against the arrival factor, the break marked, the busiest
//! owner named) and sensitivity (a tornado chart of what to improve first).

use egui::{RichText, Ui};
use egui_plot::{
    Bar, BarChart, Corner, Legend, Line, MarkerShape, Plot, PlotPoints, Points, VLine,
};

use super::Study;
use crate::model::ProcessMap;
use crate::report::format::{hours, percent};
use crate::report::handbook::{change_label, headroom_sentences};
use crate::sim::plan::headroom::{Headroom, Sensitivity};
use crate::ui::theme;

fn stale_ui(ui: &mut Ui, stale: bool) {
    if stale {
        ui.label(
            RichText::new("Stale: the map changed since this study (run it again)")
                .color(theme::WARNING)
                .strong(),
        );
    }
}

fn scope_name(map: &ProcessMap, scope: &str) -> String {
    if scope == "case" {
        "whole case".to_owned()
    } else {
        format!("step {}", map.node_name(scope))
    }
}

pub(super) fn headroom_ui(ui: &mut Ui, study: &Study<Headroom>, revision: u64) {
    let h = &study.value;
    let map = &study.map;
    stale_ui(ui, study.revision != revision);
    for sentence in headroom_sentences(map, h) {
        ui.label(RichText::new(sentence).strong());
    }
    let breaks = h.sla_breaks_at.as_ref().map(|(f, _)| *f);
    let saturates = h
        .saturates_first
        .as_ref()
        .map(|(_, f)| *f)
        .filter(|f| *f <= 2.0);
    let weak = ui.visuals().weak_text_color();
    let marks = |plot: &mut egui_plot::PlotUi<'_>| {
        if let Some(f) = breaks {
            plot.vline(VLine::new(format!("SLA breaks {f:.1}x"), f).color(theme::ERROR));
        }
        if let Some(f) = saturates {
            plot.vline(VLine::new(format!("saturation {f:.2}x"), f).color(theme::WARNING));
        }
        plot.vline(VLine::new("today", 1.0).color(weak));
    };
    let width = ui.available_width();
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.set_width(width * 0.5 - 8.0);
            ui.label(RichText::new("p90 cycle time (h) by arrival factor").strong());
            let p90: Vec<[f64; 2]> = h.rows.iter().map(|r| [r.factor, r.p90]).collect();
            Plot::new("headroom-p90")
                .height(200.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .include_y(0.0)
                .x_axis_label("x today's arrivals")
                .show(ui, |plot| {
                    plot.line(Line::new("p90", PlotPoints::from(p90.clone())).color(theme::ACCENT));
                    plot.points(
                        Points::new("p90 points", PlotPoints::from(p90))
                            .color(theme::ACCENT)
                            .shape(MarkerShape::Circle)
                            .radius(3.0),
                    );
                    marks(plot);
                });
        });
        ui.vertical(|ui| {
            ui.set_width(width * 0.5 - 8.0);
            ui.label(RichText::new("SLA met (%) by arrival factor").strong());
            let scopes: Vec<String> = h
                .rows
                .first()
                .map(|r| r.sla_met.keys().cloned().collect())
                .unwrap_or_default();
            // From a little below the lowest compliance (or the lowest target) to 100%.
            let lowest = h
                .rows
                .iter()
                .flat_map(|r| r.sla_met.values().copied())
                .fold(1.0_f64, f64::min)
                .min(0.8)
                * 100.0
                - 5.0;
            Plot::new("headroom-sla")
                .height(200.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .include_y(100.0)
                .include_y(lowest)
                .legend(Legend::default().position(Corner::LeftBottom))
                .x_axis_label("x today's arrivals")
                .show(ui, |plot| {
                    for (i, scope) in scopes.iter().enumerate() {
                        let points: Vec<[f64; 2]> = h
                            .rows
                            .iter()
                            .filter_map(|r| Some([r.factor, r.sla_met.get(scope)? * 100.0]))
                            .collect();
                        plot.line(
                            Line::new(scope_name(map, scope), PlotPoints::from(points))
                                .color(theme::owner_colour(i)),
                        );
                    }
                    marks(plot);
                });
        });
    });
    egui::Grid::new("headroom-rows")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for title in ["Load", "Arrivals per hour", "p90", "SLAs", "Busiest owner"] {
                ui.strong(title);
            }
            ui.end_row();
            for r in &h.rows {
                ui.label(format!("{:.1}x", r.factor));
                ui.label(format!("{:.2}", r.arrivals_per_hour));
                ui.label(hours(r.p90));
                if r.slas_met {
                    ui.label(RichText::new("met").color(theme::GOOD));
                } else {
                    ui.label(RichText::new("missed").color(theme::ERROR));
                }
                ui.label(r.busiest.as_ref().map_or_else(String::new, |(id, u)| {
                    format!("{} {}", map.owner_name(id), percent(*u))
                }));
                ui.end_row();
            }
        });
    ui.label(
        RichText::new(format!(
            "{} cases simulated, {:.1} s",
            h.cases_simulated, h.wall_seconds
        ))
        .weak(),
    );
}

pub(super) fn sensitivity_ui(ui: &mut Ui, study: &Study<Sensitivity>, revision: u64) {
    let s = &study.value;
    let map = &study.map;
    stale_ui(ui, study.revision != revision);
    ui.label(
        RichText::new(format!(
            "Today: p90 cycle time {}, {} of {} SLAs met. Changes ranked by how much they \
             shorten p90:",
            hours(s.p90),
            s.slas_met,
            s.slas
        ))
        .strong(),
    );
    if let Some(best) = s.effects.first().filter(|e| e.p90_change < 0.0) {
        ui.label(
            RichText::new(format!(
                "Improve first: {} (p90 {} shorter).",
                change_label(map, &best.change),
                hours(-best.p90_change)
            ))
            .heading()
            .color(theme::GOOD),
        );
    }
    let labels: Vec<String> = s
        .effects
        .iter()
        .map(|e| change_label(map, &e.change))
        .collect();
    #[allow(clippy::cast_precision_loss, reason = "a handful of bars")]
    let count = s.effects.len() as f64;
    // The best change at the top: bar i sits at y = count - 1 - i.
    let y_of = |i: usize| {
        #[allow(clippy::cast_precision_loss, reason = "a handful of bars")]
        let i = i as f64;
        count - 1.0 - i
    };
    #[allow(clippy::cast_precision_loss, reason = "a handful of bars")]
    let chart_height = (28.0 * s.effects.len() as f32).clamp(120.0, 420.0);
    let tornado =
        |ui: &mut Ui, id: &str, unit: &str, values: Vec<f64>, good_when_negative: bool| {
            let bars: Vec<Bar> = values
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let good = if good_when_negative { v < 0.0 } else { v > 0.0 };
                    Bar::new(y_of(i), v)
                        .width(0.7)
                        .name(labels.get(i).cloned().unwrap_or_default())
                        .fill(if good { theme::GOOD } else { theme::ERROR })
                        .horizontal()
                })
                .collect();
            let names = labels.clone();
            let weak = ui.visuals().weak_text_color();
            Plot::new(id.to_owned())
                .height(chart_height)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .x_axis_label(unit.to_owned())
                .y_axis_formatter(move |mark, _| {
                    let at = count - 1.0 - mark.value;
                    if (at - at.round()).abs() > 1e-6 || at < 0.0 {
                        return String::new();
                    }
                    #[allow(
                        clippy::cast_possible_truncation,
                        clippy::cast_sign_loss,
                        reason = "checked"
                    )]
                    let index = at.round() as usize;
                    names.get(index).cloned().unwrap_or_default()
                })
                .y_axis_min_width(150.0)
                .include_y(-0.5)
                .include_y(count - 0.5)
                .include_x(0.0)
                .show(ui, |plot| {
                    plot.bar_chart(BarChart::new(unit.to_owned(), bars).horizontal());
                    plot.vline(VLine::new("no change", 0.0).color(weak));
                });
        };
    let width = ui.available_width();
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.set_width(width * 0.5 - 8.0);
            ui.label(RichText::new("Effect on p90 cycle time (h, shorter is better)").strong());
            tornado(
                ui,
                "tornado-p90",
                "p90 change (h)",
                s.effects.iter().map(|e| e.p90_change).collect(),
                true,
            );
        });
        ui.vertical(|ui| {
            ui.set_width(width * 0.5 - 8.0);
            ui.label(RichText::new("Effect on SLA compliance (points, summed)").strong());
            tornado(
                ui,
                "tornado-sla",
                "SLA met change (pp)",
                s.effects.iter().map(|e| e.sla_change * 100.0).collect(),
                false,
            );
        });
    });
    egui::Grid::new("sensitivity-rows")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for title in ["Change", "p90", "p90 change", "SLAs met"] {
                ui.strong(title);
            }
            ui.end_row();
            for (e, label) in s.effects.iter().zip(&labels) {
                ui.label(label);
                ui.label(hours(e.p90));
                let sign = if e.p90_change < 0.0 { "-" } else { "+" };
                ui.label(format!("{sign}{}", hours(e.p90_change.abs())));
                ui.label(format!("{}/{}", e.slas_met, s.slas));
                ui.end_row();
            }
        });
    ui.label(
        RichText::new(format!(
            "{} cases simulated, {:.1} s",
            s.cases_simulated, s.wall_seconds
        ))
        .weak(),
    );
}
