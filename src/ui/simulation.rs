//! Simulation in the editor: runs off the UI thread with progress and cancel, shows the results
//! (cards, finding, charts, sortable tables), colours the map by heat, and keeps what-if
//! scenarios side by side.

use std::collections::HashMap;
use std::fmt::Write as _;

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, HLine, Plot, VLine};

use super::job::{Job, Poll, poll_slot};
use super::theme;
use crate::model::{self, Duration, Node, Problem, ProcessMap, Severity};
use crate::report::text::hours;
use crate::sim::{self, SimError, SimResult};

/// A simulation in progress.
pub struct Running {
    job: Job<Result<SimResult, SimError>>,
    total_cases: u64,
    revision: u64,
    map: ProcessMap,
}

/// A finished simulation and the map it ran on.
#[derive(Clone)]
pub struct Outcome {
    /// The figures.
    pub result: SimResult,
    /// Document revision it ran on (results are stale once the document moves on).
    pub revision: u64,
    /// The map as simulated (names for display, parameters for what-if differences).
    pub map: ProcessMap,
}

/// A saved outcome to compare against.
#[derive(Clone)]
pub struct Scenario {
    /// Name shown in the comparison.
    pub name: String,
    /// The saved outcome.
    pub outcome: Outcome,
}

/// Heat on the map: a colour, a badge and hover figures per node id.
#[derive(Default)]
pub struct Heat {
    /// Fill colour per step.
    pub colours: HashMap<String, Color32>,
    /// Badge text and colour per node (bottleneck, SLA missed).
    pub badges: HashMap<String, (String, Color32)>,
    /// Figures to show when hovering a node.
    pub figures: HashMap<String, String>,
}

/// Which column a table is sorted by, and the direction.
#[derive(Clone, Copy, Default)]
struct Sort {
    column: usize,
    descending: bool,
}

/// The simulation panel's state.
#[derive(Default)]
pub struct SimPanel {
    /// The run in progress.
    pub running: Option<Running>,
    /// The latest results.
    pub outcome: Option<Outcome>,
    /// Saved what-if scenarios.
    pub scenarios: Vec<Scenario>,
    /// Colour the map by the results.
    pub heat: bool,
    /// Why the last run produced nothing (cancelled, failed).
    pub message: Option<String>,
    step_sort: Sort,
    owner_sort: Sort,
    export_job: Option<Job<String>>,
}

impl SimPanel {
    /// Starts simulating `map` in the background. Refuses (returning the errors) when the map
    /// is not valid.
    ///
    /// # Errors
    /// The validation errors, when there are any.
    pub fn start(&mut self, map: &ProcessMap, revision: u64) -> Result<(), Vec<Problem>> {
        let problems: Vec<Problem> = model::validate(map)
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        self.cancel();
        let settings = map.simulation;
        let worker_map = map.clone();
        // Leave a core for the window so it stays responsive.
        let threads =
            std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        let job = Job::spawn("simulation", move |control| {
            sim::simulate(&worker_map, &settings, Some(threads), control)
        });
        self.running = Some(Running {
            job,
            total_cases: settings.cases.saturating_add(settings.warmup)
                * u64::from(settings.replications),
            revision,
            map: map.clone(),
        });
        self.message = None;
        Ok(())
    }

    /// Asks the running simulation to stop.
    pub fn cancel(&mut self) {
        if let Some(running) = &self.running {
            running.job.cancel();
        }
    }

    /// Writes the scenarios and the latest results to a file the user picks (CSV comparison,
    /// or JSON with every figure, by the extension), off the UI thread.
    pub fn export_scenarios(&mut self) {
        let Some(current) = self.outcome.clone() else {
            return;
        };
        let scenarios = self.scenarios.clone();
        self.export_job = Some(Job::spawn(
            "scenario-export",
            move |_| match rfd::FileDialog::new()
                .add_filter("CSV comparison", &["csv"])
                .add_filter("JSON results", &["json"])
                .set_file_name("scenarios.csv")
                .save_file()
            {
                None => "Export cancelled.".to_owned(),
                Some(path) => {
                    let json = path
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                    let text = if json {
                        scenarios_json(&scenarios, &current)
                    } else {
                        comparison_csv(&scenarios, &current)
                    };
                    match crate::model::io::write_atomic(&path, text.as_bytes()) {
                        Ok(()) => format!("Wrote {}", path.display()),
                        Err(error) => format!("Export failed: {error}"),
                    }
                }
            },
        ));
    }

    /// Picks up a finished run. Returns true when new results arrived.
    pub fn poll(&mut self, ctx: &egui::Context) -> bool {
        match poll_slot(&mut self.export_job, ctx) {
            Some(Poll::Done(message)) => self.message = Some(message),
            Some(Poll::Lost) => self.message = Some("Export failed unexpectedly.".to_owned()),
            Some(Poll::Running) | None => {}
        }
        let Some(running) = &self.running else {
            return false;
        };
        match running.job.poll(ctx) {
            Poll::Running => false,
            Poll::Done(Ok(result)) => {
                if let Some(running) = self.running.take() {
                    self.outcome = Some(Outcome {
                        result,
                        revision: running.revision,
                        map: running.map,
                    });
                }
                true
            }
            Poll::Done(Err(error)) => {
                self.running = None;
                self.message = Some(match error {
                    SimError::Cancelled => "Simulation cancelled.".to_owned(),
                    other => format!("Simulation failed: {other}"),
                });
                false
            }
            Poll::Lost => {
                self.running = None;
                self.message = Some("Simulation stopped unexpectedly.".to_owned());
                false
            }
        }
    }

    /// Progress as (fraction done, seconds left), when running.
    #[must_use]
    pub fn progress(&self) -> Option<(f32, f64)> {
        let running = self.running.as_ref()?;
        #[allow(clippy::cast_precision_loss, reason = "a fraction for display")]
        let done = (running.job.control().cases_done() as f64 / running.total_cases.max(1) as f64)
            .min(1.0);
        let elapsed = running.job.elapsed_seconds();
        let left = if done > 0.01 {
            elapsed * (1.0 - done) / done
        } else {
            f64::NAN
        };
        #[allow(clippy::cast_possible_truncation, reason = "a fraction in [0, 1]")]
        Some((done as f32, left))
    }

    /// True when the results no longer match the document.
    #[must_use]
    pub fn is_stale(&self, revision: u64) -> bool {
        self.outcome
            .as_ref()
            .is_some_and(|o| o.revision != revision)
    }

    /// The progress bar with its Cancel button (shown in the toolbar while running).
    pub fn progress_ui(&mut self, ui: &mut Ui) {
        let Some((done, left)) = self.progress() else {
            return;
        };
        let text = if left.is_finite() {
            format!(
                "simulating {:.0}%, about {:.0} s left",
                done * 100.0,
                left.ceil()
            )
        } else {
            format!("simulating {:.0}%", done * 100.0)
        };
        ui.add(egui::ProgressBar::new(done).text(text).desired_width(260.0));
        if ui.button("Cancel").clicked() {
            self.cancel();
        }
    }

    /// Heat on the map from the latest results (empty when heat is off or there are none).
    #[must_use]
    pub fn heat(&self) -> Heat {
        let mut heat = Heat::default();
        let Some(outcome) = &self.outcome else {
            return heat;
        };
        let result = &outcome.result;
        let bottleneck = result.bottlenecks.first().cloned();
        let max_wait = result
            .steps
            .values()
            .map(|s| s.wait_mean)
            .fold(0.0, f64::max);
        for (id, step) in &result.steps {
            let owner = outcome.map.nodes.get(id).and_then(Node::owner);
            let mut figures = format!(
                "wait {}, work {}, lead {}\n{:.2} visits per case",
                hours(step.wait_mean),
                hours(step.work_mean),
                hours(step.lead_mean),
                step.visits_per_case
            );
            if let Some(owner) = owner.and_then(|o| result.owners.get(o)) {
                let _ = write!(
                    figures,
                    "\nowner {:.0}% busy",
                    owner.utilization.mean * 100.0
                );
            }
            if let Some(sla) = step.sla {
                let _ = write!(
                    figures,
                    "\nSLA met by {:.1}% (target {:.0}%)",
                    sla.met_fraction.mean * 100.0,
                    sla.within * 100.0
                );
                if !sla.met {
                    heat.badges.insert(
                        id.clone(),
                        (
                            format!("SLA {:.0}%", sla.met_fraction.mean * 100.0),
                            theme::ERROR,
                        ),
                    );
                }
            }
            if owner.is_some() && owner == bottleneck.as_deref() && !heat.badges.contains_key(id) {
                heat.badges
                    .insert(id.clone(), ("BOTTLENECK".to_owned(), theme::ACCENT));
            }
            heat.figures.insert(id.clone(), figures);
            if self.heat {
                #[allow(clippy::cast_possible_truncation, reason = "a fraction in [0, 1]")]
                let share = if max_wait > 0.0 {
                    (step.wait_mean / max_wait) as f32
                } else {
                    0.0
                };
                heat.colours.insert(id.clone(), heat_colour(share));
            }
        }
        heat
    }

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
                utilisation_ui(ui, &outcome);
            });
        });
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
                        ui.label(
                            outcome
                                .map
                                .services
                                .get(id)
                                .map_or(id.as_str(), |x| x.name.as_str()),
                        );
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

    fn scenarios_ui(&mut self, ui: &mut Ui, current: &Outcome) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("What-if scenarios").strong());
            if ui.button("Copy comparison CSV").clicked() {
                ui.ctx().copy_text(comparison_csv(&self.scenarios, current));
            }
            if ui.button("Copy scenarios JSON").clicked() {
                ui.ctx().copy_text(scenarios_json(&self.scenarios, current));
            }
            if ui
                .button("Export…")
                .on_hover_text("Save the comparison as CSV, or every figure as JSON")
                .clicked()
            {
                self.export_scenarios();
            }
            if ui.button("Clear").clicked() {
                self.scenarios.clear();
            }
        });
        for scenario in &self.scenarios {
            ui.label(compare_sentence(scenario, current));
        }
        egui::Grid::new("scenario-grid")
            .striped(true)
            .show(ui, |ui| {
                ui.strong("Figure");
                for scenario in &self.scenarios {
                    ui.strong(&scenario.name);
                }
                ui.strong("Latest run");
                ui.end_row();
                for (label, value) in metrics(&current.result, &current.map) {
                    ui.label(label.clone());
                    for scenario in &self.scenarios {
                        let text = metrics(&scenario.outcome.result, &scenario.outcome.map)
                            .into_iter()
                            .find(|(l, _)| *l == label)
                            .map_or_else(|| "-".to_owned(), |(_, v)| v);
                        ui.label(text);
                    }
                    ui.label(value);
                    ui.end_row();
                }
            });
    }
}

/// Green (no wait) to red (the longest wait).
fn heat_colour(share: f32) -> Color32 {
    let cool = Color32::from_rgb(80, 170, 110);
    let warm = Color32::from_rgb(240, 180, 40);
    let hot = Color32::from_rgb(220, 50, 47);
    if share < 0.5 {
        cool.lerp_to_gamma(warm, share * 2.0)
    } else {
        warm.lerp_to_gamma(hot, (share - 0.5) * 2.0)
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
            format!("± {} (95% CI)", hours(c.mean.ci95)),
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
            format!("± {:.2}", result.cost_per_case.ci95),
            None,
        );
        if let Some(id) = result.bottlenecks.first() {
            let util = result.owners.get(id).map_or(0.0, |o| o.utilization.mean);
            let name = map.owners.get(id).map_or(id.as_str(), |o| o.name.as_str());
            card(
                ui,
                "Bottleneck",
                name.to_owned(),
                format!("{:.0}% busy", util * 100.0),
                Some(theme::utilisation_colour(util)),
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

fn utilisation_ui(ui: &mut Ui, outcome: &Outcome) {
    let result = &outcome.result;
    let bars: Vec<Bar> = result
        .bottlenecks
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let owner = result.owners.get(id)?;
            let name = outcome
                .map
                .owners
                .get(id)
                .map_or(id.as_str(), |o| o.name.as_str());
            #[allow(clippy::cast_precision_loss, reason = "bar index")]
            let x = i as f64;
            Some(
                Bar::new(x, owner.utilization.mean * 100.0)
                    .width(0.6)
                    .name(name)
                    .fill(theme::utilisation_colour(owner.utilization.mean)),
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
            plot.hline(HLine::new("85%", theme::HOT_UTILISATION * 100.0).color(theme::ERROR));
        });
}

/// Sortable header cell; returns true when clicked.
fn header(ui: &mut Ui, label: &str, index: usize, sort: &mut Sort) {
    let arrow = if sort.column == index {
        if sort.descending { " v" } else { " ^" }
    } else {
        ""
    };
    if ui
        .button(RichText::new(format!("{label}{arrow}")).strong())
        .clicked()
    {
        if sort.column == index {
            sort.descending = !sort.descending;
        } else {
            *sort = Sort {
                column: index,
                descending: index > 0,
            };
        }
    }
}

fn sort_rows<T>(rows: &mut [T], sort: Sort, key: impl Fn(&T, usize) -> SortKey) {
    rows.sort_by(|a, b| {
        let order = key(a, sort.column).cmp(&key(b, sort.column));
        if sort.descending {
            order.reverse()
        } else {
            order
        }
    });
}

#[derive(PartialEq)]
enum SortKey {
    Text(String),
    Number(f64),
}

impl Eq for SortKey {}
impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
            (Self::Number(a), Self::Number(b)) => a.total_cmp(b),
            (Self::Text(_), Self::Number(_)) => std::cmp::Ordering::Less,
            (Self::Number(_), Self::Text(_)) => std::cmp::Ordering::Greater,
        }
    }
}

fn steps_table(ui: &mut Ui, outcome: &Outcome, sort: &mut Sort) -> Option<String> {
    let mut clicked = None;
    let mut rows: Vec<(&String, &sim::StepResult, String)> = outcome
        .result
        .steps
        .iter()
        .map(|(id, s)| {
            (
                id,
                s,
                outcome
                    .map
                    .nodes
                    .get(id)
                    .map_or(id.clone(), |n| n.name().to_owned()),
            )
        })
        .collect();
    sort_rows(&mut rows, *sort, |(_, s, name), column| match column {
        0 => SortKey::Text(name.clone()),
        1 => SortKey::Number(s.visits_per_case),
        2 => SortKey::Number(s.wait_mean),
        3 => SortKey::Number(s.work_mean),
        4 => SortKey::Number(s.lead_mean),
        _ => SortKey::Number(s.sla.map_or(2.0, |x| x.met_fraction.mean)),
    });
    let labels = ["Step", "Visits", "Wait", "Work", "Lead", "SLA met"];
    TableBuilder::new(ui)
        .id_salt("steps-table")
        .striped(true)
        .column(Column::remainder().at_least(140.0))
        .columns(Column::auto().at_least(56.0), 5)
        .max_scroll_height(200.0)
        .header(22.0, |mut header_row| {
            for (i, label) in labels.iter().enumerate() {
                header_row.col(|ui| header(ui, label, i, sort));
            }
        })
        .body(|mut body| {
            for (id, step, name) in &rows {
                body.row(20.0, |mut row| {
                    row.col(|ui| {
                        if ui.link(name).on_hover_text("Select on the map").clicked() {
                            clicked = Some((*id).clone());
                        }
                    });
                    row.col(|ui| {
                        ui.label(format!("{:.2}", step.visits_per_case));
                    });
                    row.col(|ui| {
                        ui.label(hours(step.wait_mean));
                    });
                    row.col(|ui| {
                        ui.label(hours(step.work_mean));
                    });
                    row.col(|ui| {
                        ui.label(hours(step.lead_mean));
                    });
                    row.col(|ui| {
                        if let Some(sla) = step.sla {
                            let colour = if sla.met { theme::GOOD } else { theme::ERROR };
                            ui.label(
                                RichText::new(format!("{:.1}%", sla.met_fraction.mean * 100.0))
                                    .color(colour),
                            );
                        }
                    });
                });
            }
        });
    clicked
}

fn owners_table(ui: &mut Ui, outcome: &Outcome, sort: &mut Sort) {
    let mut rows: Vec<(&sim::OwnerResult, String)> = outcome
        .result
        .owners
        .iter()
        .map(|(id, o)| {
            (
                o,
                outcome
                    .map
                    .owners
                    .get(id)
                    .map_or(id.clone(), |x| x.name.clone()),
            )
        })
        .collect();
    sort_rows(&mut rows, *sort, |(o, name), column| match column {
        0 => SortKey::Text(name.clone()),
        1 => SortKey::Number(o.utilization.mean),
        2 => SortKey::Number(o.queue_mean),
        3 => SortKey::Number(o.wait_mean),
        _ => SortKey::Number(o.wait_share),
    });
    let labels = ["Owner", "Busy", "Queue", "Wait", "Waiting %"];
    TableBuilder::new(ui)
        .id_salt("owners-table")
        .striped(true)
        .column(Column::remainder().at_least(120.0))
        .columns(Column::auto().at_least(56.0), 4)
        .max_scroll_height(200.0)
        .header(22.0, |mut header_row| {
            for (i, label) in labels.iter().enumerate() {
                header_row.col(|ui| header(ui, label, i, sort));
            }
        })
        .body(|mut body| {
            for (owner, name) in &rows {
                body.row(20.0, |mut row| {
                    row.col(|ui| {
                        ui.label(name);
                    });
                    row.col(|ui| {
                        ui.label(
                            RichText::new(format!("{:.1}%", owner.utilization.mean * 100.0))
                                .color(theme::utilisation_colour(owner.utilization.mean)),
                        );
                    });
                    row.col(|ui| {
                        ui.label(format!("{:.1}", owner.queue_mean));
                    });
                    row.col(|ui| {
                        ui.label(hours(owner.wait_mean));
                    });
                    row.col(|ui| {
                        ui.label(format!("{:.0}%", owner.wait_share * 100.0));
                    });
                });
            }
        });
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Per-step figures as CSV (hours).
#[must_use]
pub fn steps_csv(outcome: &Outcome) -> String {
    let mut out = String::from(
        "step_id,step,visits_per_case,wait_hours,work_hours,lead_hours,sla_met_fraction\n",
    );
    for (id, s) in &outcome.result.steps {
        let name = outcome.map.nodes.get(id).map_or(id.as_str(), Node::name);
        let _ = writeln!(
            out,
            "{},{},{:.4},{:.6},{:.6},{:.6},{}",
            csv_field(id),
            csv_field(name),
            s.visits_per_case,
            s.wait_mean,
            s.work_mean,
            s.lead_mean,
            s.sla
                .map_or_else(String::new, |x| format!("{:.6}", x.met_fraction.mean))
        );
    }
    out
}

/// Per-owner figures as CSV (hours).
#[must_use]
pub fn owners_csv(outcome: &Outcome) -> String {
    let mut out = String::from(
        "owner_id,owner,utilization,utilization_ci95,estimated_utilization,queue_mean,queue_max,wait_hours,wait_share\n",
    );
    for (id, o) in &outcome.result.owners {
        let name = outcome
            .map
            .owners
            .get(id)
            .map_or(id.as_str(), |x| x.name.as_str());
        let _ = writeln!(
            out,
            "{},{},{:.6},{:.6},{:.6},{:.4},{},{:.6},{:.6}",
            csv_field(id),
            csv_field(name),
            o.utilization.mean,
            o.utilization.ci95,
            o.estimated_utilization,
            o.queue_mean,
            o.queue_max,
            o.wait_mean,
            o.wait_share
        );
    }
    out
}

/// The headline figures of a run as (label, value).
fn metrics(result: &SimResult, map: &ProcessMap) -> Vec<(String, String)> {
    let mut rows = vec![
        (
            "Cycle time mean".to_owned(),
            hours(result.cycle_time.mean.mean),
        ),
        ("Cycle time p90".to_owned(), hours(result.cycle_time.p90)),
        (
            "Throughput per hour".to_owned(),
            format!("{:.2}", result.throughput_per_hour.mean),
        ),
        (
            "Cost per case".to_owned(),
            format!("{:.2}", result.cost_per_case.mean),
        ),
    ];
    if let Some(sla) = &result.sla {
        rows.push((
            "SLA met".to_owned(),
            format!("{:.1}%", sla.met_fraction.mean * 100.0),
        ));
    }
    for (id, owner) in &result.owners {
        let name = map.owners.get(id).map_or(id.as_str(), |o| o.name.as_str());
        let capacity = map.owners.get(id).map_or(0, |o| o.capacity);
        rows.push((
            format!("{name} busy"),
            format!(
                "{:.1}% (capacity {capacity})",
                owner.utilization.mean * 100.0
            ),
        ));
    }
    rows
}

/// "+1 Warehouse crew: p90 cycle time 31.00h -> 9.00h".
#[must_use]
pub fn compare_sentence(scenario: &Scenario, current: &Outcome) -> String {
    let before = &scenario.outcome;
    let mut changes = Vec::new();
    for (id, owner) in &current.map.owners {
        match before.map.owners.get(id) {
            Some(old) if old.capacity != owner.capacity => {
                let delta = i64::from(owner.capacity) - i64::from(old.capacity);
                changes.push(format!("{delta:+} {}", owner.name));
            }
            None => changes.push(format!("new owner {}", owner.name)),
            _ => {}
        }
    }
    for (id, node) in &current.map.nodes {
        if let (Node::Step { work, .. }, Some(Node::Step { work: old, .. })) =
            (node, before.map.nodes.get(id))
        {
            if work != old {
                changes.push(format!("work time of {} changed", node.name()));
            }
        }
    }
    if current.map.nodes.len() != before.map.nodes.len() || current.map.flows != before.map.flows {
        changes.push("process changed".to_owned());
    }
    let what = if changes.is_empty() {
        "no parameter change".to_owned()
    } else {
        changes.join(", ")
    };
    format!(
        "{} -> latest ({what}): p90 cycle time {} -> {}, mean {} -> {}",
        scenario.name,
        hours(before.result.cycle_time.p90),
        hours(current.result.cycle_time.p90),
        hours(before.result.cycle_time.mean.mean),
        hours(current.result.cycle_time.mean.mean)
    )
}

/// Every scenario and the latest run with all their figures, as JSON.
#[must_use]
pub fn scenarios_json(scenarios: &[Scenario], current: &Outcome) -> String {
    let mut all: Vec<serde_json::Value> = scenarios
        .iter()
        .map(|s| serde_json::json!({"name": s.name, "results": crate::report::json::simulation(&s.outcome.map, &s.outcome.result)}))
        .collect();
    all.push(serde_json::json!({"name": "latest", "results": crate::report::json::simulation(&current.map, &current.result)}));
    serde_json::to_string_pretty(&all).unwrap_or_default()
}

/// The comparison table as CSV.
#[must_use]
pub fn comparison_csv(scenarios: &[Scenario], current: &Outcome) -> String {
    let mut out = String::from("figure");
    for s in scenarios {
        let _ = write!(out, ",{}", csv_field(&s.name));
    }
    out.push_str(",latest\n");
    for (label, value) in metrics(&current.result, &current.map) {
        out.push_str(&csv_field(&label));
        for s in scenarios {
            let v = metrics(&s.outcome.result, &s.outcome.map)
                .into_iter()
                .find(|(l, _)| *l == label)
                .map_or_else(String::new, |(_, v)| v);
            let _ = write!(out, ",{}", csv_field(&v));
        }
        let _ = writeln!(out, ",{}", csv_field(&value));
    }
    out
}
