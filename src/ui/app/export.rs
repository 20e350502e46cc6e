//! File > Export and Print: asks where, then renders through `report::export` as a job.

use std::path::{Path, PathBuf};

use super::App;
use crate::analysis::discover::{Comparison, Discovery};
use crate::model::ProcessMap;
use crate::model::edit::fresh_id;
use crate::report::export::{self, Format};
use crate::report::handbook::CapacityStudy;
use crate::report::{handbook, pdf};
use crate::ui::job::{Job, Poll, poll_slot};

impl App {
    /// Writes documentation off the UI thread: asks where (or, to print, uses a temporary file),
    /// renders, writes, and reports back in the status bar. Current simulation results are
    /// included when they match the map; the as-is evidence of an imported log when asked for
    /// (with the comparison with the log when it was made on this revision).
    pub fn export(&mut self, kind: Export) {
        let map = self.doc.map().clone();
        let results = self
            .sim
            .outcome
            .as_ref()
            .filter(|o| o.revision == self.doc.revision())
            .map(|o| o.result.clone());
        let wants_plan = self.export_plan
            && matches!(
                kind,
                Export::Print | Export::File(Format::Pdf | Format::Markdown)
            );
        let capacity = wants_plan.then(|| self.current_capacity_study());
        let handbook_kind = matches!(
            kind,
            Export::Print | Export::File(Format::Pdf | Format::Markdown)
        );
        let evidence = self
            .discover
            .evidence
            .as_ref()
            .filter(|_| self.export_evidence && handbook_kind)
            .map(|e| {
                let comparison = e.comparison_at(self.doc.revision()).cloned();
                Box::new((e.discovery.clone(), comparison))
            });
        let stem = fresh_id(&map.title, |_| false);
        let folder = self
            .doc
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_owned));
        self.export_job = Some(Job::spawn("export", move |control| {
            // The studies the app has not run on this revision are simulated here.
            let capacity = match capacity {
                Some(Some(study)) => Some(study),
                Some(None) => match CapacityStudy::run(&map, &map.simulation, control) {
                    Ok(study) => Some(study),
                    Err(error) => return format!("Not exported: no capacity plan: {error}"),
                },
                None => None,
            };
            export_job(
                &map,
                results.as_ref(),
                capacity.as_ref(),
                evidence.as_deref(),
                kind,
                &stem,
                folder,
            )
        }));
        self.status = Some(if kind == Export::Print {
            "Preparing to print…".into()
        } else {
            "Exporting…".into()
        });
    }

    /// The capacity studies of the planning window, when all three ran on this revision (the
    /// staffing one for the lowest cost).
    fn current_capacity_study(&self) -> Option<CapacityStudy> {
        let revision = self.doc.revision();
        let plan = self.plan.staffing.as_ref().filter(|s| {
            s.revision == revision && s.value.plan.objective == crate::sim::plan::Objective::Cost
        })?;
        let headroom = self
            .plan
            .headroom
            .as_ref()
            .filter(|s| s.revision == revision)?;
        let sensitivity = self
            .plan
            .sensitivity
            .as_ref()
            .filter(|s| s.revision == revision)?;
        Some(CapacityStudy {
            plan: plan.value.plan.clone(),
            headroom: headroom.value.clone(),
            sensitivity: sensitivity.value.clone(),
        })
    }

    pub(super) fn poll_export(&mut self, ctx: &egui::Context) {
        match poll_slot(&mut self.export_job, ctx) {
            Some(Poll::Done(message)) => self.status = Some(message),
            Some(Poll::Lost) => self.status = Some("Export failed unexpectedly.".to_owned()),
            Some(Poll::Running) | None => {}
        }
    }
}

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// A document in one of the export formats.
    File(Format),
    /// The PDF handbook, opened in the system viewer for printing.
    Print,
}

/// Renders and writes an export; returns the message for the status bar. Runs on a worker
/// thread (the save dialog too).
fn export_job(
    map: &ProcessMap,
    results: Option<&crate::sim::SimResult>,
    capacity: Option<&CapacityStudy>,
    evidence: Option<&(Discovery, Option<Comparison>)>,
    kind: Export,
    stem: &str,
    folder: Option<PathBuf>,
) -> String {
    let (format, path) = match kind {
        Export::Print => (
            Format::Pdf,
            std::env::temp_dir().join(format!("procmap-{stem}.pdf")),
        ),
        Export::File(format) => {
            let extension = format.extension();
            let mut dialog = rfd::FileDialog::new()
                .add_filter(format.name(), &[extension])
                .set_file_name(format!("{stem}.{extension}"));
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            match dialog.save_file() {
                Some(path) => (format, path),
                None => return "Export cancelled.".to_owned(),
            }
        }
    };
    let mut book = handbook::build(map, results, handbook::today());
    if let Some(study) = capacity {
        book = book.with_capacity(study);
    }
    if let Some((discovery, comparison)) = evidence {
        book = book.with_evidence(discovery, comparison.as_ref());
    }
    if let Err(error) = export::export(&book, map, format, &path, pdf::Paper::A4) {
        return format!("Export failed: {error}");
    }
    if kind == Export::Print {
        return match open_in_viewer(&path) {
            Ok(()) => format!("Opened {} for printing", path.display()),
            Err(error) => format!("Wrote {} but cannot open a viewer: {error}", path.display()),
        };
    }
    format!("Wrote {}", path.display())
}

/// Opens a file with the system's default application.
fn open_in_viewer(path: &Path) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command.arg(path).spawn().map(|_| ())
}
