//! The results panel: the finding, headline cards, the cycle-time histogram, utilisation by
//! owner, and the step and owner tables.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, HLine, Plot, VLine};

use super::tables::{owners_csv, owners_table, steps_csv, steps_table};
use super::{Outcome, Scenario, SimPanel};
use crate::model::{Duration, ProcessMap};
use crate::report::format::hours;
use crate::sim::SimResult;
use crate::ui::theme;

impl SimPanel {
    /// The results panel. Returns the id of a step the user clicked in a table.
    pub fn results_ui(&mut self, ui: &mut Ui, revision: u64) -> Option<String> {
        let mut clicked = None;
        if let Some(message) = &self.message {
            ui.label(RichText::new(message).color(theme::WARNING));
        }
        let Some(outcome) = self.outcome.clone() else {
            if self.running.is_none() {
                ui.label("No results yet: press F5 (Simulate > Run) to simulate this map.");
            }
            return None;
        };
        let result = &outcome.result;
        ui.horizontal(|ui| {
            if self.is_stale(revision) {
                ui.label(
                    RichText::new("Stale: the map changed since this run (F5 to run again)")
                        .color(theme::WARNING)
                        .strong(),
                );
            }
            ui.checkbox(&mut self.heat, "Heat on map")
                .on_hover_text("Colour steps by mean wait");
            if ui.button("Save as scenario").clicked() {
                let name = format!("Scenario {}", self.scenarios.len() + 1);
                self.scenarios.push(Scenario {
                    name,
                    outcome: outcome.clone(),
                    proposal: false,
                });
            }
            if ui.button("Copy steps CSV").clicked() {
                ui.ctx().copy_text(steps_csv(&outcome));
            }
            if ui.button("Copy owners CSV").clicked() {
                ui.ctx().copy_text(owners_csv(&outcome));
            }
            if ui.button("Copy JSON").clicked() {
                let json = crate::report::json::simulation(&outcome.map, result);
                ui.ctx()
                    .copy_text(serde_json::to_string_pretty(&json).unwrap_or_default());
            }
        });
        ui.label(RichText::new(&result.finding).heading().strong());
        for warning in &result.warnings {
            ui.label(RichText::new(warning).small().color(theme::WARNING));
        }
        cards_ui(ui, result, &outcome.map);
        ui.add_space(4.0);
        let width = ui.available_width();
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.set_width(width * 0.5 - 8.0);
                ui.label(RichText::new("Cycle time (hours)").strong());
                histogram_ui(ui, result);
            });
            ui.vertical(|ui| {
                ui.set_width(width * 0.5 - 8.0);
                ui.label(RichText::new("Utilisation by owner").strong());
                utilization_ui(ui, &outcome);
            });
        });
        if let Some(profile) = &result.by_hour_of_week {
            ui.add_space(4.0);
            ui.separator();
            super::week::week_ui(ui, &outcome, profile, &mut self.week_view);
            ui.separator();
        }
        ui.add_space(4.0);
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(width * 0.58 - 8.0);
                ui.label(RichText::new("Steps").strong());
                if let Some(id) = steps_table(ui, &outcome, &mut self.step_sort) {
                    clicked = Some(id);
                }
            });
            ui.vertical(|ui| {
                ui.set_width(width * 0.42 - 8.0);
                ui.label(RichText::new("Owners").strong());
                owners_table(ui, &outcome, &mut self.owner_sort);
            });
        });
        if !result.services.is_empty() {
            ui.add_space(4.0);
            ui.label(
                RichText::new(if result.settings.outages {
                    "Services (outages)"
                } else {
                    "Services (outages off)"
                })
                .strong(),
            );
            egui::Grid::new("services-grid")
                .striped(true)
                .num_columns(6)
                .show(ui, |ui| {
                    for title in [
                        "Service",
                        "Available",
                        "Outages",
                        "Cases delayed",
                        "Mean delay",
                        "SLA missed when delayed",
                    ] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for (id, s) in &result.services {
                        ui.label(outcome.map.service_name(id));
                        ui.label(format!("{:.3}%", s.availability_observed.mean * 100.0));
                        ui.label(s.outages.to_string());
                        ui.label(s.cases_delayed.to_string());
                        ui.label(if s.cases_delayed > 0 {
                            hours(s.delay_mean)
                        } else {
                            "-".to_owned()
                        });
                        ui.label(if s.cases_delayed > 0 {
                            format!("{:.0}%", s.sla_missed_when_delayed * 100.0)
                        } else {
                            "-".to_owned()
                        });
                        ui.end_row();
                    }
                });
        }
        if !self.scenarios.is_empty() {
            ui.separator();
            self.scenarios_ui(ui, &outcome);
        }
        clicked
    }
}

fn card(ui: &mut Ui, title: &str, value: String, detail: String, colour: Option<Color32>) {
    egui::Frame::group(ui.style())
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.set_min_width(150.0);
            ui.vertical(|ui| {
                ui.label(RichText::new(title).small().weak());
                let value = RichText::new(value).size(20.0).strong();
                ui.label(match colour {
                    Some(c) => value.color(c),
                    None => value,
                });
                ui.label(RichText::new(detail).small());
            });
        });
}

fn cards_ui(ui: &mut Ui, result: &SimResult, map: &ProcessMap) {
    ui.horizontal_wrapped(|ui| {
        let c = &result.cycle_time;
        card(
            ui,
            "Cycle time, mean",
            hours(c.mean.mean),
            c.mean.ci95.map_or_else(
                || "one replication: no interval".to_owned(),
                |ci| format!("± {} (95% CI)", hours(ci)),
            ),
            None,
        );
        card(
            ui,
            "Cycle time, p90",
            hours(c.p90),
            format!("p50 {}, p95 {}", hours(c.p50), hours(c.p95)),
            None,
        );
        if let Some(sla) = &result.sla {
            card(
                ui,
                "SLA met",
                format!("{:.1}%", sla.met_fraction.mean * 100.0),
                format!(
                    "target {:.0}% within {}",
                    sla.within * 100.0,
                    Duration::from_hours(sla.target_hours)
                ),
                Some(if sla.met { theme::GOOD } else { theme::ERROR }),
            );
        }
        card(
            ui,
            "Throughput",
            format!("{:.2}/h", result.throughput_per_hour.mean),
            format!("WIP {:.1} cases", result.wip_mean.mean),
            None,
        );
        card(
            ui,
            "Cost per case",
            format!("{:.2}", result.cost_per_case.mean),
            result
                .cost_per_case
                .ci95
                .map_or_else(String::new, |ci| format!("± {ci:.2}")),
            None,
        );
        if let Some(id) = result.bottlenecks.first() {
            let util = result.owners.get(id).map_or(0.0, |o| o.utilization.mean);
            let name = map.owner_name(id);
            let on_calendar = map.owners.get(id).is_some_and(|o| o.calendar.is_some());
            card(
                ui,
                "Bottleneck",
                name.to_owned(),
                if on_calendar {
                    format!("{:.0}% busy, of available time", util * 100.0)
                } else {
                    format!("{:.0}% busy", util * 100.0)
                },
                Some(theme::utilization_colour(util)),
            );
        }
    });
}

fn histogram_ui(ui: &mut Ui, result: &SimResult) {
    let histogram = &result.cycle_time.histogram;
    let width = histogram.bin_hours;
    let bars: Vec<Bar> = histogram
        .counts
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            #[allow(
                clippy::cast_precision_loss,
                reason = "bin index and counts for a chart"
            )]
            let (x, y) = ((i as f64 + 0.5) * width, count as f64);
            Bar::new(x, y).width(width * 0.95)
        })
        .collect();
    Plot::new("cycle-histogram")
        .height(150.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show_y(false)
        .y_axis_label("cases")
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("cases", bars)
                    .color(theme::kind_colour(crate::model::NodeKind::Parallel)),
            );
            if let Some(sla) = &result.sla {
                plot.vline(
                    VLine::new(
                        format!("SLA target {}", Duration::from_hours(sla.target_hours)),
                        sla.target_hours,
                    )
                    .color(theme::ERROR),
                );
            }
            plot.vline(VLine::new("p90", result.cycle_time.p90).color(theme::ACCENT));
        });
    if histogram.beyond > 0 {
        #[allow(clippy::cast_precision_loss, reason = "bin count")]
        let upper = histogram.bin_hours * histogram.counts.len() as f64;
        ui.label(
            RichText::new(format!(
                "{} slowest cases (over {}) not drawn; the longest took {}.",
                histogram.beyond,
                hours(upper),
                hours(result.cycle_time.max)
            ))
            .small()
            .weak(),
        );
    }
}

fn utilization_ui(ui: &mut Ui, outcome: &Outcome) {
    let result = &outcome.result;
    let bars: Vec<Bar> = result
        .bottlenecks
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let owner = result.owners.get(id)?;
            let name = outcome.map.owner_name(id);
            #[allow(clippy::cast_precision_loss, reason = "bar index")]
            let x = i as f64;
            Some(
                Bar::new(x, owner.utilization.mean * 100.0)
                    .width(0.6)
                    .name(name)
                    .fill(theme::utilization_colour(owner.utilization.mean)),
            )
        })
        .collect();
    let names: Vec<String> = result
        .bottlenecks
        .iter()
        .map(|id| {
            outcome
                .map
                .owners
                .get(id)
                .map_or(id.clone(), |o| o.name.clone())
        })
        .collect();
    Plot::new("utilisation-chart")
        .height(150.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .include_y(100.0)
        .y_axis_label("% busy")
        .x_axis_formatter(move |mark, _| {
            let index = mark.value.round();
            if (mark.value - index).abs() > 1e-6 || index < 0.0 {
                return String::new();
            }
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked whole and non-negative"
            )]
            names.get(index as usize).cloned().unwrap_or_default()
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("utilisation", bars));
            plot.hline(
                HLine::new("85%", crate::palette::HOT_UTILIZATION * 100.0).color(theme::ERROR),
            );
        });
}
