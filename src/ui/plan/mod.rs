//! Capacity planning in the editor (issue 14): Simulate > Optimise staffing, Headroom and What
//! to improve first. One window, a tab per study; each study runs as a [`Job`] off the UI
//! thread with progress and Cancel, and its result stays until the next run (marked stale once
//! the document moves on). This file holds the state, the form and the jobs; `staffing` the
//! plan's result (tables, the cost / p90 chart, Apply), `studies` the headroom and tornado
//! charts.
//!
//! The window never edits the document: Apply and the what-if comparison come back as
//! [`PlanAction`]s that the app turns into one `Document` commit and a scenario.

mod staffing;
mod studies;

use egui::{RichText, Ui};

use super::job::{Job, Poll};
use super::simulation::Outcome;
use crate::model::edit::CapacityChange;
use crate::model::{Node, ProcessMap, Simulation, limits};
use crate::sim::plan::headroom::{self, Headroom, Sensitivity};
use crate::sim::plan::{self, Objective, Plan, PlanOptions};
use crate::sim::{self, Control, SimError};
use crate::ui::theme;

/// The studies, one tab each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// The cheapest staffing that meets every SLA, or the fastest within a budget.
    #[default]
    Staffing,
    /// p90 and SLAs under 0.5x to 2x today's arrivals.
    Headroom,
    /// Which single change helps most.
    Sensitivity,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Self::Staffing => "Optimise staffing",
            Self::Headroom => "Headroom",
            Self::Sensitivity => "What to improve first",
        }
    }
}

/// What the user asks for; cases and replications start from the map's simulation settings.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanForm {
    /// Minimise p90 within `budget_per_hour` instead of cost.
    pub best_p90: bool,
    /// Staff cost per hour allowed when `best_p90`.
    pub budget_per_hour: f64,
    /// Cap every owner's capacity at `max_capacity`.
    pub cap: bool,
    /// The cap, when `cap`.
    pub max_capacity: u32,
    /// Cases measured per replication of each candidate.
    pub cases: u64,
    /// Replications of each candidate.
    pub replications: u32,
}

impl PlanForm {
    /// The form for `map`: lowest cost, today's staff cost as the budget, the map's cases and
    /// replications.
    #[must_use]
    pub fn for_map(map: &ProcessMap) -> Self {
        Self {
            best_p90: false,
            budget_per_hour: staff_cost_now(map),
            cap: false,
            max_capacity: map
                .owners
                .values()
                .map(|o| o.capacity.saturating_mul(3))
                .max()
                .unwrap_or(3)
                .clamp(1, limits::MAX_CAPACITY),
            cases: map.simulation.cases,
            replications: map.simulation.replications,
        }
    }

    /// The simulation settings of every candidate: the map's, with the form's cases and
    /// replications.
    #[must_use]
    pub fn settings(&self, map: &ProcessMap) -> Simulation {
        Simulation {
            cases: self.cases.max(1),
            replications: self.replications.max(1),
            ..map.simulation
        }
    }

    fn objective(&self) -> Objective {
        if self.best_p90 {
            Objective::P90 {
                budget_per_hour: self.budget_per_hour,
            }
        } else {
            Objective::Cost
        }
    }
}

/// Staff cost per hour of `map` as it is, as the plan counts it.
fn staff_cost_now(map: &ProcessMap) -> f64 {
    plan::map_staff_cost(map)
}

/// A finished staffing plan with what Apply would do and the what-if runs.
#[derive(Clone)]
pub struct StaffingOutcome {
    /// The plan.
    pub plan: Plan,
    /// The edit that applies it to the map it was made for, and what it does to rosters.
    pub change: CapacityChange,
    /// Today's staffing simulated with the plan's settings (`None` when unstable).
    pub today: Option<Outcome>,
    /// The recommended staffing simulated with the plan's settings, as Apply would leave the
    /// map.
    pub recommended: Option<Outcome>,
}

/// A finished study and the document it ran on.
#[derive(Clone)]
pub struct Study<T> {
    /// What it found.
    pub value: T,
    /// Document revision it ran on (stale once the document moves on).
    pub revision: u64,
    /// The map as studied (names for display).
    pub map: ProcessMap,
}

struct Running<T> {
    job: Job<Result<T, String>>,
    revision: u64,
    map: ProcessMap,
    /// Cases in the whole study, when known in advance.
    total_cases: Option<u64>,
    /// Cases per simulated candidate.
    per_run: u64,
}

impl<T: Send + 'static> Running<T> {
    fn start(
        name: &'static str,
        map: &ProcessMap,
        revision: u64,
        settings: &Simulation,
        total_runs: Option<u64>,
        work: impl FnOnce(&Control) -> Result<T, String> + Send + 'static,
    ) -> Self {
        let per_run = settings
            .cases
            .saturating_add(settings.warmup)
            .saturating_mul(u64::from(settings.replications));
        // Its own worker threads: a study never waits behind other work queued on the global
        // pool (a simulation job, or another test in the same process), so Cancel takes
        // effect at once.
        let isolated = move |control: &Control| {
            let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
            match rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("procmap-study-{i}"))
                .build()
            {
                Ok(pool) => pool.install(|| work(control)),
                Err(_) => work(control),
            }
        };
        Self {
            job: Job::spawn(name, isolated),
            revision,
            map: map.clone(),
            total_cases: total_runs.map(|n| n.saturating_mul(per_run)),
            per_run,
        }
    }

    /// "1,234 cases simulated (about 5 candidates), 3 s" or a fraction for a progress bar.
    fn progress(&self) -> (Option<f32>, String) {
        let done = self.job.control().cases_done();
        let seconds = self.job.elapsed_seconds();
        match self.total_cases {
            Some(total) => {
                #[allow(clippy::cast_precision_loss, reason = "a fraction for display")]
                let fraction = (done as f64 / total.max(1) as f64).min(1.0);
                #[allow(clippy::cast_possible_truncation, reason = "a fraction in [0, 1]")]
                let shown = fraction as f32;
                (
                    Some(shown),
                    format!("{:.0}% of {total} cases, {seconds:.0} s", fraction * 100.0),
                )
            }
            None => {
                #[allow(clippy::cast_precision_loss, reason = "a count for display")]
                let candidates = done as f64 / self.per_run.max(1) as f64;
                (
                    None,
                    format!(
                        "{done} cases simulated (about {candidates:.1} candidates evaluated), \
                         {seconds:.0} s"
                    ),
                )
            }
        }
    }
}

/// What the window asks the app to do to the document or the results.
#[derive(Clone)]
pub enum PlanAction {
    /// Commit this edit as one undo step ("Apply capacity plan").
    Apply(Box<crate::model::Edit>),
    /// Show the plan as a what-if scenario beside the current staffing in Results.
    Compare {
        /// Today's staffing.
        today: Box<Outcome>,
        /// The recommendation.
        recommended: Box<Outcome>,
    },
}

/// The capacity-planning window's state.
#[derive(Default)]
pub struct PlanPanel {
    /// The window is shown.
    pub open: bool,
    /// The tab shown.
    pub tab: Tab,
    /// The form (objective, bounds, cases and replications).
    pub form: Option<PlanForm>,
    /// The latest staffing plan.
    pub staffing: Option<Study<StaffingOutcome>>,
    /// The latest headroom study.
    pub headroom: Option<Study<Headroom>>,
    /// The latest sensitivity study.
    pub sensitivity: Option<Study<Sensitivity>>,
    /// Why the last study produced nothing (cancelled, failed), or what Apply did.
    pub message: Option<String>,
    staffing_job: Option<Running<StaffingOutcome>>,
    headroom_job: Option<Running<Headroom>>,
    sensitivity_job: Option<Running<Sensitivity>>,
}

impl PlanPanel {
    /// Opens the window on `tab`, with the form reset to the map's settings unless the window
    /// was open already.
    pub fn open_tab(&mut self, tab: Tab, map: &ProcessMap) {
        if !self.open || self.form.is_none() {
            self.form = Some(PlanForm::for_map(map));
        }
        self.open = true;
        self.tab = tab;
    }

    /// True while some study runs.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.staffing_job.is_some() || self.headroom_job.is_some() || self.sensitivity_job.is_some()
    }

    /// Asks every running study to stop.
    pub fn cancel(&mut self) {
        for control in [
            self.staffing_job.as_ref().map(|r| r.job.control()),
            self.headroom_job.as_ref().map(|r| r.job.control()),
            self.sensitivity_job.as_ref().map(|r| r.job.control()),
        ]
        .into_iter()
        .flatten()
        {
            control.cancel();
        }
    }

    /// Starts the study of the current tab on `map`. Refuses, with a message, a map with
    /// errors.
    pub fn start(&mut self, map: &ProcessMap, revision: u64) {
        let form = self.form.clone().unwrap_or_else(|| PlanForm::for_map(map));
        if crate::model::has_errors(&crate::model::validate(map)) {
            self.message = Some(
                "The map has errors (see Problems): fix them before planning capacity.".to_owned(),
            );
            return;
        }
        self.message = None;
        let settings = form.settings(map);
        let worker_map = map.clone();
        match self.tab {
            Tab::Staffing => {
                let options = PlanOptions {
                    objective: form.objective(),
                    settings,
                    max_capacity: form.cap.then_some(form.max_capacity),
                };
                self.staffing_job = Some(Running::start(
                    "optimize",
                    map,
                    revision,
                    &settings,
                    None,
                    move |control| staffing_work(&worker_map, revision, &options, control),
                ));
            }
            Tab::Headroom => {
                let runs = headroom::FACTORS
                    .iter()
                    .take_while(|&&f| {
                        crate::analysis::estimate(&headroom::scale_arrivals(map, f))
                            .unstable
                            .is_empty()
                    })
                    .count() as u64;
                self.headroom_job = Some(Running::start(
                    "headroom",
                    map,
                    revision,
                    &settings,
                    Some(runs),
                    move |control| {
                        headroom::headroom(&worker_map, &settings, control).map_err(sim_message)
                    },
                ));
            }
            Tab::Sensitivity => {
                let steps = map
                    .nodes
                    .values()
                    .filter(|n| matches!(n, Node::Step { work, .. } if work.mean_hours() > 0.0))
                    .count();
                let owners = map
                    .owners
                    .values()
                    .filter(|o| o.capacity < limits::MAX_CAPACITY)
                    .count();
                self.sensitivity_job = Some(Running::start(
                    "sensitivity",
                    map,
                    revision,
                    &settings,
                    Some((steps + owners + 1) as u64),
                    move |control| {
                        headroom::sensitivity(&worker_map, &settings, control).map_err(sim_message)
                    },
                ));
            }
        }
    }

    /// Picks up finished studies; returns the what-if comparison of a plan that just arrived.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<PlanAction> {
        let mut compare = None;
        if let Some(study) = finish(&mut self.staffing_job, ctx, &mut self.message) {
            if let (Some(today), Some(recommended)) = (&study.value.today, &study.value.recommended)
            {
                compare = Some(PlanAction::Compare {
                    today: Box::new(today.clone()),
                    recommended: Box::new(recommended.clone()),
                });
            }
            self.staffing = Some(study);
        }
        if let Some(study) = finish(&mut self.headroom_job, ctx, &mut self.message) {
            self.headroom = Some(study);
        }
        if let Some(study) = finish(&mut self.sensitivity_job, ctx, &mut self.message) {
            self.sensitivity = Some(study);
        }
        compare
    }

    /// The window; returns what the user asked the app to do.
    pub fn window_ui(
        &mut self,
        ctx: &egui::Context,
        map: &ProcessMap,
        revision: u64,
    ) -> Vec<PlanAction> {
        let mut actions = Vec::new();
        if !self.open {
            return actions;
        }
        let mut open = true;
        egui::Window::new("Capacity planning")
            .id(egui::Id::new("capacity-planning"))
            .open(&mut open)
            .default_size([820.0, 640.0])
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    for tab in [Tab::Staffing, Tab::Headroom, Tab::Sensitivity] {
                        if ui.selectable_label(self.tab == tab, tab.label()).clicked() {
                            self.tab = tab;
                        }
                    }
                });
                ui.separator();
                self.form_ui(ui, map, revision);
                if let Some(message) = &self.message {
                    ui.label(RichText::new(message).color(theme::WARNING));
                }
                ui.separator();
                egui::ScrollArea::vertical().show(ui, |ui| match self.tab {
                    Tab::Staffing => match &self.staffing {
                        Some(study) => actions.extend(staffing::result_ui(ui, study, revision)),
                        None => hint_ui(ui, "Optimise searches the capacities of every owner."),
                    },
                    Tab::Headroom => match &self.headroom {
                        Some(study) => studies::headroom_ui(ui, study, revision),
                        None => hint_ui(ui, "Run headroom simulates 0.5x to 2x today's arrivals."),
                    },
                    Tab::Sensitivity => match &self.sensitivity {
                        Some(study) => studies::sensitivity_ui(ui, study, revision),
                        None => hint_ui(
                            ui,
                            "Rank changes tries each step 10% faster and each owner one person \
                             larger, and ranks what helps most.",
                        ),
                    },
                });
            });
        if !open {
            self.open = false;
        }
        if actions.iter().any(|a| matches!(a, PlanAction::Apply(_))) {
            self.message = Some(
                "Applied the recommended capacities (one undo step: Edit > Undo restores them)."
                    .to_owned(),
            );
        }
        actions
    }

    fn form_ui(&mut self, ui: &mut Ui, map: &ProcessMap, revision: u64) {
        let form = self.form.get_or_insert_with(|| PlanForm::for_map(map));
        egui::Grid::new("plan-form").num_columns(2).show(ui, |ui| {
            if self.tab == Tab::Staffing {
                ui.label("Objective");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut form.best_p90, false, "Lowest cost meeting every SLA");
                    ui.radio_value(&mut form.best_p90, true, "Best p90 within a budget");
                });
                ui.end_row();
                if form.best_p90 {
                    ui.label("Budget per hour");
                    ui.add(
                        egui::DragValue::new(&mut form.budget_per_hour)
                            .range(0.01..=1e9)
                            .speed(1.0),
                    );
                    ui.end_row();
                }
                ui.label("Max capacity");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut form.cap, "cap every owner at");
                    ui.add_enabled(
                        form.cap,
                        egui::DragValue::new(&mut form.max_capacity)
                            .range(1..=limits::MAX_CAPACITY),
                    );
                });
                ui.end_row();
            }
            ui.label("Cases per candidate");
            ui.add(
                egui::DragValue::new(&mut form.cases)
                    .range(1..=limits::MAX_CASES)
                    .speed(100),
            );
            ui.end_row();
            ui.label("Replications");
            ui.add(
                egui::DragValue::new(&mut form.replications).range(1..=limits::MAX_REPLICATIONS),
            );
            ui.end_row();
        });
        let running = match self.tab {
            Tab::Staffing => self.staffing_job.as_ref().map(Running::progress),
            Tab::Headroom => self.headroom_job.as_ref().map(Running::progress),
            Tab::Sensitivity => self.sensitivity_job.as_ref().map(Running::progress),
        };
        ui.horizontal(|ui| match running {
            Some((fraction, text)) => {
                match fraction {
                    Some(f) => ui.add(egui::ProgressBar::new(f).text(text).desired_width(380.0)),
                    None => {
                        ui.spinner();
                        ui.label(text)
                    }
                };
                if ui.button("Cancel").clicked() {
                    self.cancel();
                }
            }
            None => {
                let label = match self.tab {
                    Tab::Staffing => "Optimise",
                    Tab::Headroom => "Run headroom",
                    Tab::Sensitivity => "Rank changes",
                };
                if ui.button(RichText::new(label).strong()).clicked() {
                    self.start(map, revision);
                }
            }
        });
    }
}

fn hint_ui(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).weak());
}

fn sim_message(error: SimError) -> String {
    match error {
        SimError::Cancelled => "Cancelled.".to_owned(),
        other => format!("Failed: {other}"),
    }
}

/// Takes a finished job out of `slot`: its study, or the reason in `message`.
fn finish<T>(
    slot: &mut Option<Running<T>>,
    ctx: &egui::Context,
    message: &mut Option<String>,
) -> Option<Study<T>> {
    let running = slot.as_ref()?;
    match running.job.poll(ctx) {
        Poll::Running => None,
        Poll::Done(outcome) => {
            let running = slot.take()?;
            match outcome {
                Ok(value) => Some(Study {
                    value,
                    revision: running.revision,
                    map: running.map,
                }),
                Err(reason) => {
                    *message = Some(reason);
                    None
                }
            }
        }
        Poll::Lost => {
            *slot = None;
            *message = Some("The study stopped unexpectedly.".to_owned());
            None
        }
    }
}

/// The staffing job: the plan, what Apply would do, and today's and the recommended staffing
/// simulated for the what-if comparison (same settings and seed).
fn staffing_work(
    map: &ProcessMap,
    revision: u64,
    options: &PlanOptions,
    control: &Control,
) -> Result<StaffingOutcome, String> {
    let found = plan::optimize(map, options, control).map_err(|e| match e {
        plan::PlanError::Sim(error) => sim_message(error),
        other => format!("No plan: {other}"),
    })?;
    let change = found.change(map);
    let mut applied = map.clone();
    applied.apply(change.edit.clone());
    let run = |m: &ProcessMap| -> Result<Option<Outcome>, String> {
        match sim::simulate(m, &options.settings, None, control) {
            Ok(result) => Ok(Some(Outcome {
                result,
                revision,
                map: m.clone(),
            })),
            Err(SimError::Cancelled) => Err(sim_message(SimError::Cancelled)),
            Err(_) => Ok(None),
        }
    };
    // Today's staffing is simulated only when the plan could (it is stable).
    let today = if found.p90_before.is_some() {
        run(map)?
    } else {
        None
    };
    let recommended = if found.p90_after.is_some() {
        run(&applied)?
    } else {
        None
    };
    Ok(StaffingOutcome {
        plan: found,
        change,
        today,
        recommended,
    })
}
