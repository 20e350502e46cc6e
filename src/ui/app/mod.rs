//! The editor application: the [`App`] state and the frame that lays out its panels. Each
//! responsibility has its own file:
//!
//! - `files`: open, save, recent files, the unsaved-changes guard, recovery copies;
//! - `editing`: canvas and sidebar actions, clipboard and delete turned into edits;
//! - `dispatch`: menu commands and keyboard shortcuts;
//! - `export`: File > Export and Print;
//! - `menu`, `problems`, `find`, `dialogs`, `canvas_panel`: the panels and modals.
//!
//! The document changes only through [`Document`] commits of `model::Edit`s.

mod canvas_panel;
mod dialogs;
mod dispatch;
mod editing;
mod export;
mod files;
mod find;
mod menu;
mod problems;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::{Color32, Ui};
use serde::{Deserialize, Serialize};

use super::calendar::CalendarEditor;
use super::canvas::{Canvas, element_pos};
use super::discover::{DialogAction, DiscoverPanel};
use super::history::Document;
use super::inspector::{Change, Inspector};
use super::job::Job;
use super::plan::{PlanAction, PlanPanel};
use super::sidebar;
use super::simulation::{Heat, SimPanel};
use crate::analysis::{self, LoadEstimate};
use crate::model::{Edit, ElementRef, Fragment, Problem, ProcessMap, Severity};
pub use export::Export;
use files::FileReply;

/// The sample map the app opens on first start (bundled, so it works from any folder).
pub const DEFAULT_SAMPLE: &str = include_str!("../../../samples/order-to-cash.ron");
/// How often a recovery copy of unsaved work is written.
pub const RECOVERY_INTERVAL: Duration = Duration::from_secs(30);
const RECENT_LIMIT: usize = 10;

/// Settings kept between sessions (eframe storage).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    /// Recently opened or saved files, newest first.
    pub recent: Vec<PathBuf>,
    /// Dark theme.
    pub dark: bool,
    /// Panels hidden by the user.
    pub hide_sidebar: bool,
    /// Inspector hidden.
    pub hide_inspector: bool,
    /// Problems panel hidden.
    pub hide_problems: bool,
}

/// An action that would lose unsaved changes, waiting for the user's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// Start a new map.
    New,
    /// Show the open dialog.
    OpenDialog,
    /// Open this file.
    OpenPath(PathBuf),
    /// Import the event log of the open import dialog (its map replaces the document).
    ImportLog,
    /// Leave the app.
    Quit,
}

/// A modal dialog.
#[derive(Clone, Debug)]
pub enum Dialog {
    /// Save, discard or cancel before `Pending`.
    Unsaved(Pending),
    /// Something went wrong (a file could not be read or written).
    Error(String),
    /// A recovery copy from a previous session exists.
    Recover {
        /// The recovered map.
        map: Box<ProcessMap>,
        /// The file it belonged to.
        source: Option<PathBuf>,
    },
    /// Deleting an owner that steps use.
    DeleteOwner(String),
    /// Simulation settings.
    SimulationSettings,
    /// The shortcut list.
    Shortcuts,
    /// About.
    About,
}

/// The editor.
pub struct App {
    /// The open document.
    pub doc: Document,
    /// The canvas view.
    pub canvas: Canvas,
    /// Selected elements.
    pub selection: BTreeSet<ElementRef>,
    /// The open dialog, if any.
    pub dialog: Option<Dialog>,
    /// Dark theme.
    pub dark: bool,
    /// Last status message (e.g. "Saved").
    pub status: Option<String>,
    /// Search text of the find bar, when it is open.
    pub find: Option<String>,
    /// Simulation runs, results and scenarios.
    pub sim: SimPanel,
    /// Capacity planning: staffing, headroom, sensitivity.
    pub plan: PlanPanel,
    /// The bottom panel shows results (true) or problems (false).
    pub show_results: bool,
    /// The calendar editor window.
    pub calendars: CalendarEditor,
    /// File > Export > Include capacity plan: the handbook gets a "Capacity plan" section.
    pub export_plan: bool,
    /// Event-log import, the as-is evidence and the comparison with the log.
    pub discover: DiscoverPanel,
    /// File > Export > Include as-is evidence (offered while evidence exists).
    pub export_evidence: bool,
    heat: Heat,
    heat_key: (usize, bool, u64),
    inspector: Inspector,
    problems: Vec<Problem>,
    /// What the importer approximated when this map was opened from another format.
    pub import_warnings: Vec<String>,
    error_ids: HashSet<String>,
    estimate: LoadEstimate,
    impact: analysis::Impact,
    checked_revision: u64,
    file_job: Option<Job<FileReply>>,
    export_job: Option<Job<String>>,
    after_save: Option<Pending>,
    recent: Vec<PathBuf>,
    show_sidebar: bool,
    show_inspector: bool,
    show_problems: bool,
    clipboard: Option<Fragment>,
    paste_count: u32,
    recovery_dir: Option<PathBuf>,
    last_recovery: Instant,
    quit_confirmed: bool,
    quit_requested: bool,
    title_sent: String,
    highlight: HashMap<String, Color32>,
    applied_dark: Option<bool>,
}

impl App {
    /// An editor on `map`, loaded from `path`. `recovery_dir` is where unsaved work is copied
    /// every 30 s (none in tests).
    #[must_use]
    pub fn new(
        map: ProcessMap,
        path: Option<PathBuf>,
        settings: Persisted,
        recovery_dir: Option<PathBuf>,
    ) -> Self {
        let mut app = Self {
            doc: Document::new(map, path),
            canvas: Canvas::default(),
            selection: BTreeSet::new(),
            dialog: None,
            dark: settings.dark,
            status: None,
            find: None,
            sim: SimPanel::default(),
            plan: PlanPanel::default(),
            show_results: false,
            calendars: CalendarEditor::default(),
            export_plan: false,
            discover: DiscoverPanel::default(),
            export_evidence: false,
            heat: Heat::default(),
            heat_key: (0, false, 0),
            inspector: Inspector::default(),
            problems: Vec::new(),
            import_warnings: Vec::new(),
            error_ids: HashSet::new(),
            estimate: analysis::estimate(&ProcessMap::default()),
            impact: analysis::impact(&ProcessMap::default()),
            checked_revision: 0,
            file_job: None,
            export_job: None,
            after_save: None,
            recent: settings.recent,
            show_sidebar: !settings.hide_sidebar,
            show_inspector: !settings.hide_inspector,
            show_problems: !settings.hide_problems,
            clipboard: None,
            paste_count: 0,
            recovery_dir,
            last_recovery: Instant::now(),
            quit_confirmed: false,
            quit_requested: false,
            title_sent: String::new(),
            highlight: HashMap::new(),
            applied_dark: None,
        };
        app.offer_recovery();
        app
    }

    /// Settings to keep for the next session.
    #[must_use]
    pub fn persisted(&self) -> Persisted {
        Persisted {
            recent: self.recent.clone(),
            dark: self.dark,
            hide_sidebar: !self.show_sidebar,
            hide_inspector: !self.show_inspector,
            hide_problems: !self.show_problems,
        }
    }

    /// Recently used files, newest first.
    #[must_use]
    pub fn recent(&self) -> &[PathBuf] {
        &self.recent
    }

    /// Current validation problems.
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The window title: "Procmap — `title`", with a dot when there are unsaved changes.
    #[must_use]
    pub fn window_title(&self) -> String {
        format!(
            "Procmap — {}{}",
            if self.doc.map().title.is_empty() {
                "Untitled"
            } else {
                &self.doc.map().title
            },
            if self.doc.is_dirty() { " •" } else { "" }
        )
    }

    /// True once the user confirmed leaving (tests read this instead of a closed window).
    #[must_use]
    pub fn quit_requested(&self) -> bool {
        self.quit_requested
    }

    /// Commits an edit as one undo step.
    pub fn commit(&mut self, label: &str, edit: Edit) {
        self.doc.commit(label, edit);
    }

    /// Selects exactly these elements (and tells the canvas).
    pub fn select(&mut self, keys: impl IntoIterator<Item = ElementRef>) {
        self.selection = keys.into_iter().collect();
        self.canvas.reset();
    }

    /// Starts a simulation of the current map; a map with errors opens the problems instead.
    pub fn run_simulation(&mut self) {
        match self.sim.start(self.doc.map(), self.doc.revision()) {
            Ok(()) => self.status = Some("Simulating…".to_owned()),
            Err(problems) => {
                self.show_problems = true;
                self.show_results = false;
                self.status = Some(format!(
                    "Not simulated: the map has {} error(s); see Problems.",
                    problems.len()
                ));
            }
        }
    }

    /// Draws the whole editor into `ui` and handles its input. eframe calls this every frame;
    /// tests call it through `egui_kittest`.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if self.applied_dark != Some(self.dark) {
            ctx.set_theme(if self.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.applied_dark = Some(self.dark);
        }
        self.poll_file_dialog(&ctx);
        self.poll_export(&ctx);
        if self.sim.poll(&ctx) {
            self.show_results = true;
            self.show_problems = true;
            self.heat_key = (usize::MAX, false, 0);
            self.status = Some("Simulation finished.".to_owned());
        }
        if let Some(action) = self.plan.poll(&ctx) {
            self.plan_action(action);
        }
        if let Some(evidence) = self.discover.poll(&ctx) {
            self.open_discovered(evidence);
        }
        self.refresh_heat();
        self.handle_keys(&ctx);
        self.refresh_checks();
        self.autosave(&ctx);
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            // A log opens the import dialog; the unsaved-changes guard comes at Import.
            if crate::interop::log::is_log_path(&path) {
                self.open_import(&path);
            } else {
                self.guard(Pending::OpenPath(path), &ctx);
            }
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        if self.show_problems {
            let (id, size) = if self.show_results {
                ("results", 380.0)
            } else {
                ("problems", 130.0)
            };
            egui::Panel::bottom(id)
                .resizable(true)
                .default_size(size)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let errors = self
                            .problems
                            .iter()
                            .filter(|p| p.severity == Severity::Error)
                            .count();
                        let label = if errors > 0 {
                            format!("Problems ({errors})")
                        } else {
                            "Problems".to_owned()
                        };
                        if ui.selectable_label(!self.show_results, label).clicked() {
                            self.show_results = false;
                        }
                        if ui.selectable_label(self.show_results, "Results").clicked() {
                            self.show_results = true;
                        }
                    });
                    ui.separator();
                    if self.show_results {
                        egui::ScrollArea::vertical().show(ui, |ui| {
                            let revision = self.doc.revision();
                            if let Some(id) = self.sim.results_ui(ui, revision) {
                                let key = ElementRef::Node(id);
                                if element_pos(self.doc.map(), &key).is_some() {
                                    self.select_and_centre(key);
                                }
                            }
                        });
                    } else {
                        self.problems_ui(ui);
                    }
                });
        }
        if self.show_sidebar {
            egui::Panel::left("sidebar")
                .resizable(true)
                .default_size(250.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        let actions = sidebar::ui(ui, self.doc.map(), &self.estimate, &self.impact);
                        for action in actions {
                            self.sidebar_action(action);
                        }
                    });
                });
        }
        if self.show_inspector {
            egui::Panel::right("inspector")
                .resizable(true)
                .default_size(300.0)
                .show(ui, |ui| {
                    let changes = self.inspector.ui(
                        ui,
                        self.doc.map(),
                        &self.selection,
                        &self.estimate,
                        &self.impact,
                    );
                    for Change { label, edit, merge } in changes {
                        self.doc.commit_merging(label, edit, merge);
                    }
                });
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                if self.find.is_some() {
                    self.find_ui(ui);
                }
                self.canvas_ui(ui);
            });
        for Change { label, edit, merge } in self.calendars.window_ui(&ctx, self.doc.map()) {
            self.doc.commit_merging(label, edit, merge);
        }
        let revision = self.doc.revision();
        for action in self.plan.window_ui(&ctx, self.doc.map(), revision) {
            self.plan_action(action);
        }
        if let Some(step) = self.discover.evidence_ui(&ctx, self.doc.map(), revision) {
            let key = ElementRef::Node(step);
            if element_pos(self.doc.map(), &key).is_some() {
                self.select_and_centre(key);
            }
        }
        if self.discover.import_ui(&ctx) == DialogAction::Import {
            self.guard(Pending::ImportLog, &ctx);
        }
        self.dialog_ui(&ctx);
    }

    /// Carries out what the capacity-planning window asked for: Apply is one undo step; a
    /// plan's what-if runs become a scenario beside today's staffing in Results.
    pub fn plan_action(&mut self, action: PlanAction) {
        match action {
            PlanAction::Apply(edit) => {
                self.commit("Apply capacity plan", *edit);
                self.status = Some("Applied the capacity plan.".to_owned());
            }
            PlanAction::Compare { today, recommended } => {
                let name = "Plan: recommended staffing".to_owned();
                self.sim.scenarios.retain(|s| s.name != name);
                self.sim.scenarios.push(super::simulation::Scenario {
                    name,
                    outcome: *recommended,
                    proposal: true,
                });
                // Today's run is the "latest" column unless a current run is there already.
                if self.sim.outcome.is_none() || self.sim.is_stale(self.doc.revision()) {
                    self.sim.outcome = Some(*today);
                    self.heat_key = (usize::MAX, false, 0);
                }
                self.show_results = true;
                self.show_problems = true;
            }
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested())
            && self.doc.is_dirty()
            && !self.quit_confirmed
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::Unsaved(Pending::Quit));
        }
        App::ui(self, ui);
        let title = self.window_title();
        if title != self.title_sent {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_sent = title;
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, "procmap", &self.persisted());
    }
}
