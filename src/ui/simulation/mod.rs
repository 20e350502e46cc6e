//! Simulation in the editor: runs off the UI thread with progress and cancel, shows the results
//! (cards, finding, charts, sortable tables), colours the map by heat, and keeps what-if
//! scenarios side by side. This file holds the run (start, poll, cancel, progress); `panel`
//! the results view, `tables` its tables and CSV, `week` the figures by hour of the week, `heat`
//! the map colouring, `scenarios` the what-if comparison.

mod heat;
mod panel;
mod scenarios;
mod tables;
mod week;

use std::collections::HashMap;

use egui::{Color32, Ui};

use super::job::{Job, Poll, poll_slot};
use crate::model::{self, Problem, ProcessMap, Severity};
use crate::sim::{self, SimError, SimResult};
pub use scenarios::{compare_sentence, comparison_csv, scenarios_json};
use tables::Sort;
pub use tables::{owners_csv, steps_csv};

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
    /// True for a proposal to move to from the latest run (a capacity plan's
    /// recommendation): the comparison then reads latest -> scenario. False for a saved
    /// earlier run: scenario -> latest.
    pub proposal: bool,
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

/// The simulation panel's state: the run, the results, the scenarios.
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
    week_view: week::WeekView,
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
}
