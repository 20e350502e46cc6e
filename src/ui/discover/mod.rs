//! Event logs in the editor (issue 13): File > Import event log… (or a log dropped on the
//! window, or given on the command line) opens the import dialog; reading and discovery run as a
//! [`Job`]; the discovered map opens as a new unsaved document and the evidence it rests on
//! stays here for the "As-is evidence" window, which can also simulate the current map and
//! compare it with the log.
//!
//! This file holds the state and the two jobs (import, compare); `dialog` the import dialog
//! (preview, column mapping, coverage, progress), `evidence` the evidence window and its tables,
//! `network` the handover network drawn.
//!
//! Nothing here edits the document: a finished import comes back from [`DiscoverPanel::poll`]
//! as an [`Evidence`] that the app opens.

mod dialog;
mod evidence;
mod network;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub use dialog::{DialogAction, ImportDialog, Slot};
pub use evidence::EvidenceTab;
pub use network::{Edge, NetNode, Network, arrow_width, circle_layout};

use super::job::{Job, Poll};
use crate::analysis::discover::{self, Comparison, Discovery, LogProfile, Options};
use crate::interop::log::{self as logread, Columns, LogError, ReadReport};
use crate::model::ProcessMap;
use crate::report;
use crate::sim::{self, Control, SimError};

/// What an import found: the discovery, the log's profile (to compare a map with it later),
/// what the reader reported, and the last comparison with the log.
#[derive(Clone)]
pub struct Evidence {
    /// The log file.
    pub source: PathBuf,
    /// The discovered map and its evidence.
    pub discovery: Discovery,
    /// The log in numbers (cycle times, frequencies, arrivals), for Compare with the log.
    pub profile: LogProfile,
    /// What reading the log found besides the events.
    pub report: ReadReport,
    /// The people (resource names) of each team, in the order of `discovery.teams`.
    pub people: Vec<Vec<String>>,
    /// The last comparison of the document with the log.
    pub checked: Option<Checked>,
}

impl Evidence {
    /// What the reader assumed or left out, one line each, for the problems panel: its
    /// warnings, then the first bad rows with their lines.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        let name = self
            .source
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut lines: Vec<String> = self.report.warnings.clone();
        lines.extend(
            self.report
                .bad
                .iter()
                .map(|bad| format!("{name}:{}: bad row: {}", bad.line, bad.reason)),
        );
        lines
    }

    /// The comparison made on document `revision`, if the last one was.
    #[must_use]
    pub fn comparison_at(&self, revision: u64) -> Option<&Comparison> {
        self.checked
            .as_ref()
            .filter(|c| c.revision == revision)
            .map(|c| &c.comparison)
    }
}

/// A comparison of the document with the log, and the revision it was made on.
#[derive(Clone)]
pub struct Checked {
    /// What it found.
    pub comparison: Comparison,
    /// Document revision simulated (stale once the document moves on).
    pub revision: u64,
}

/// How far an import has come, shared with its worker.
#[derive(Default)]
pub struct ImportProgress {
    done_bytes: AtomicU64,
    total_bytes: AtomicU64,
    discovering: AtomicBool,
}

impl ImportProgress {
    /// Bytes read and the file size (compressed bytes for gzipped logs).
    #[must_use]
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.done_bytes.load(Ordering::Relaxed),
            self.total_bytes.load(Ordering::Relaxed),
        )
    }

    /// True once the log is read and discovery runs.
    #[must_use]
    pub fn discovering(&self) -> bool {
        self.discovering.load(Ordering::Relaxed)
    }
}

/// The message of a cancelled import.
pub const IMPORT_CANCELLED: &str = "Cancelled: nothing was imported.";

/// Reads the log, discovers its map and profiles it: the import job.
///
/// # Errors
/// The reader's or discovery's error as text, or [`IMPORT_CANCELLED`].
pub fn import_work(
    path: &Path,
    columns: &Columns,
    coverage: f64,
    progress: &ImportProgress,
    control: &Control,
) -> Result<Evidence, String> {
    let read = logread::read_log(path, columns, &|done, total| {
        progress.done_bytes.store(done, Ordering::Relaxed);
        progress.total_bytes.store(total, Ordering::Relaxed);
        !control.is_cancelled()
    })
    .map_err(|error| match error {
        LogError::Cancelled => IMPORT_CANCELLED.to_owned(),
        other => other.to_string(),
    })?;
    progress.discovering.store(true, Ordering::Relaxed);
    if control.is_cancelled() {
        return Err(IMPORT_CANCELLED.to_owned());
    }
    let options = Options {
        coverage,
        title: report::discover::title_of(path),
    };
    let discovery = discover::discover(&read.log, &options)
        .map_err(|error| format!("{}: no map: {error}", path.display()))?;
    if control.is_cancelled() {
        return Err(IMPORT_CANCELLED.to_owned());
    }
    let profile = discover::profile(&read.log);
    let people = discovery
        .teams
        .iter()
        .map(|(_, team)| {
            team.resources
                .iter()
                .filter_map(|&r| read.log.resources.get(r as usize).cloned())
                .collect()
        })
        .collect();
    Ok(Evidence {
        source: path.to_owned(),
        discovery,
        profile,
        report: read.report,
        people,
        checked: None,
    })
}

/// A comparison with the log in progress.
struct Comparing {
    job: Job<Result<Comparison, String>>,
    revision: u64,
    total_cases: u64,
}

/// Event-log import and evidence: the dialog, the evidence of the last import, the comparison.
#[derive(Default)]
pub struct DiscoverPanel {
    /// The import dialog, while it is open.
    pub import: Option<ImportDialog>,
    /// The evidence of the last import (cleared when another document is opened).
    pub evidence: Option<Evidence>,
    /// The evidence window is shown.
    pub show_evidence: bool,
    /// The evidence window's tab.
    pub tab: EvidenceTab,
    /// The handover network shows people instead of owners.
    pub people: bool,
    /// Why the last comparison gave nothing (cancelled, an invalid map).
    pub compare_message: Option<String>,
    comparing: Option<Comparing>,
}

impl DiscoverPanel {
    /// Opens the import dialog on `path` (reading its first rows at once).
    pub fn open_import(&mut self, path: &Path) {
        if let Some(old) = &self.import {
            old.cancel();
        }
        self.import = Some(ImportDialog::open(path));
    }

    /// Starts the import of the open dialog (after the app checked for unsaved changes).
    pub fn start_import(&mut self) {
        if let Some(dialog) = &mut self.import {
            dialog.start();
        }
    }

    /// True while a log is read or discovered.
    #[must_use]
    pub fn is_importing(&self) -> bool {
        self.import.as_ref().is_some_and(ImportDialog::is_running)
    }

    /// True while the document is compared with the log.
    #[must_use]
    pub fn is_comparing(&self) -> bool {
        self.comparing.is_some()
    }

    /// Keeps `evidence` as the current one and shows it.
    pub fn set_evidence(&mut self, evidence: Evidence) {
        self.cancel_compare();
        self.comparing = None;
        self.compare_message = None;
        self.evidence = Some(evidence);
        self.show_evidence = true;
        self.tab = EvidenceTab::default();
    }

    /// Forgets the evidence (another document was opened).
    pub fn clear_evidence(&mut self) {
        self.cancel_compare();
        self.comparing = None;
        self.evidence = None;
        self.show_evidence = false;
        self.compare_message = None;
    }

    /// Simulates `map` (document `revision`) and compares it with the log, as a job.
    /// Refuses, with a message, a map with errors or without evidence.
    pub fn start_compare(&mut self, map: &ProcessMap, revision: u64) {
        let Some(evidence) = &self.evidence else {
            self.compare_message = Some("Import an event log first.".to_owned());
            return;
        };
        if crate::model::has_errors(&crate::model::validate(map)) {
            self.compare_message = Some(
                "The map has errors (see Problems): fix them before comparing it with the log."
                    .to_owned(),
            );
            return;
        }
        self.compare_message = None;
        let profile = evidence.profile.clone();
        let total_cases = u64::try_from(profile.cases)
            .unwrap_or(sim::MAX_CHECK_CASES)
            .clamp(1, sim::MAX_CHECK_CASES);
        let map = map.clone();
        self.comparing = Some(Comparing {
            job: Job::spawn("compare-log", move |control| {
                sim::against_log(&map, &profile, control).map_err(|error| match error {
                    SimError::Cancelled => "Cancelled.".to_owned(),
                    other => format!("Cannot simulate the map: {other}"),
                })
            }),
            revision,
            total_cases,
        });
    }

    /// Asks a running comparison to stop.
    pub fn cancel_compare(&self) {
        if let Some(running) = &self.comparing {
            running.job.cancel();
        }
    }

    /// The comparison's progress: a fraction and its text.
    fn compare_progress(&self) -> Option<(f32, String)> {
        let running = self.comparing.as_ref()?;
        let done = running.job.control().cases_done();
        #[allow(clippy::cast_precision_loss, reason = "a fraction for display")]
        let fraction = (done as f64 / running.total_cases as f64).min(1.0);
        #[allow(clippy::cast_possible_truncation, reason = "a fraction in [0, 1]")]
        let shown = fraction as f32;
        Some((
            shown,
            format!(
                "simulating {} cases: {:.0}%, {:.0} s",
                running.total_cases,
                fraction * 100.0,
                running.job.elapsed_seconds()
            ),
        ))
    }

    /// Picks up finished jobs: returns the evidence of an import that just succeeded (its
    /// dialog closes); a finished comparison is kept with the evidence.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Evidence> {
        if let Some(running) = &self.comparing {
            let revision = running.revision;
            match running.job.poll(ctx) {
                Poll::Running => {}
                Poll::Done(outcome) => {
                    self.comparing = None;
                    match (outcome, &mut self.evidence) {
                        (Ok(comparison), Some(evidence)) => {
                            evidence.checked = Some(Checked {
                                comparison,
                                revision,
                            });
                            self.tab = EvidenceTab::Check;
                        }
                        (Ok(_), None) => {}
                        (Err(message), _) => self.compare_message = Some(message),
                    }
                }
                Poll::Lost => {
                    self.comparing = None;
                    self.compare_message = Some("The comparison stopped unexpectedly.".to_owned());
                }
            }
        }
        let dialog = self.import.as_mut()?;
        let evidence = dialog.poll(ctx)?;
        self.import = None;
        Some(evidence)
    }

    /// The import dialog, when open: returns what the user asked for.
    pub fn import_ui(&mut self, ctx: &egui::Context) -> DialogAction {
        let Some(dialog) = &mut self.import else {
            return DialogAction::None;
        };
        let action = dialog.window_ui(ctx);
        if action == DialogAction::Close {
            dialog.cancel();
            self.import = None;
        }
        action
    }
}
