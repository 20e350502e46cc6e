//! Files: open, save, save as (native dialogs off the UI thread), the unsaved-changes guard,
//! recent files, and recovery copies of unsaved work.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{App, Dialog, Pending, RECENT_LIMIT, RECOVERY_INTERVAL};
use crate::interop;
use crate::model::edit::fresh_id;
use crate::model::{NodeKind, ProcessMap, io};
use crate::ui::discover::Evidence;
use crate::ui::history::Document;
use crate::ui::job::{Job, Poll, poll_slot};

/// What a file dialog answered (`None`: cancelled).
pub(super) enum FileReply {
    Open(Option<PathBuf>),
    ImportLog(Option<PathBuf>),
    SaveAs(Option<PathBuf>),
}

impl App {
    pub(super) fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_LIMIT);
    }

    /// Opens a file in any format [`interop`] reads; on failure shows the reader's error and
    /// keeps the current map. Imported (non-native) maps open as new, unsaved documents.
    /// Event logs (see [`interop::log::is_log_path`]) open the import dialog instead.
    pub fn open_path(&mut self, path: &Path) {
        if interop::log::is_log_path(path) {
            self.open_import(path);
            return;
        }
        match interop::open(path) {
            Ok(opened) => {
                let native = opened.format.native;
                self.doc = Document::new(opened.map, native.then(|| path.to_owned()));
                if !native {
                    self.doc.mark_unsaved();
                }
                self.after_load();
                self.remember(path);
                self.status = Some(if opened.warnings.is_empty() {
                    format!("Opened {}", path.display())
                } else {
                    self.show_problems = true;
                    self.show_results = false;
                    format!(
                        "Imported {} from {} with {} warning(s): see Problems",
                        path.display(),
                        opened.format.name,
                        opened.warnings.len()
                    )
                });
                self.import_warnings = opened.warnings;
            }
            Err(error) => {
                self.dialog = Some(Dialog::Error(format!("Cannot open the map.\n\n{error}")));
            }
        }
    }

    /// Opens the import dialog on the event log in `path` (a preview of its first rows and
    /// the recognised columns); the document changes only when the user imports.
    pub fn open_import(&mut self, path: &Path) {
        self.discover.open_import(path);
        self.remember(path);
    }

    /// Opens a discovered map as a new, unsaved document (like an imported BPMN file: no path,
    /// the reader's warnings and bad rows in the problems panel) and keeps its evidence.
    pub fn open_discovered(&mut self, evidence: Evidence) {
        self.doc = Document::new(evidence.discovery.map.clone(), None);
        self.doc.mark_unsaved();
        self.after_load();
        let warnings = evidence.warnings();
        let s = &evidence.discovery.summary;
        let map = self.doc.map();
        let steps = map
            .nodes
            .values()
            .filter(|n| n.kind() == NodeKind::Step)
            .count();
        let notes = if warnings.is_empty() {
            String::new()
        } else {
            self.show_problems = true;
            self.show_results = false;
            format!("; {} note(s) in Problems", warnings.len())
        };
        self.status = Some(format!(
            "Imported {} events of {} cases from {}: {steps} steps, {} owners{notes}",
            s.events,
            s.cases,
            evidence.source.display(),
            map.owners.len()
        ));
        self.import_warnings = warnings;
        self.discover.set_evidence(evidence);
        self.export_evidence = true;
    }

    /// Asks for an event log to import (a native dialog off the UI thread).
    pub(super) fn import_log_dialog(&mut self) {
        let folder = self.folder();
        self.file_job = Some(Job::spawn("import-dialog", move |_| {
            let mut dialog = rfd::FileDialog::new()
                .add_filter("Event logs", &["csv", "tsv", "xes", "gz", "xez"])
                .add_filter("CSV", &["csv", "tsv"])
                .add_filter("XES", &["xes", "gz", "xez"]);
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            FileReply::ImportLog(dialog.pick_file())
        }));
    }

    pub(super) fn after_load(&mut self) {
        self.discover.clear_evidence();
        self.selection.clear();
        self.import_warnings.clear();
        self.canvas.forget_document();
        self.canvas.request_first_view();
        self.checked_revision = 0;
        self.paste_count = 0;
    }

    /// Saves to `path` atomically; on failure shows why and keeps the document dirty.
    pub fn save_to(&mut self, path: &Path) -> bool {
        match io::save(self.doc.map(), path) {
            Ok(()) => {
                self.doc.mark_saved(path.to_owned());
                self.remember(path);
                self.clear_recovery();
                self.status = Some(format!("Saved {}", path.display()));
                true
            }
            Err(error) => {
                self.dialog = Some(Dialog::Error(format!("Cannot save the map.\n\n{error}")));
                false
            }
        }
    }

    /// Save to the current file, or ask where.
    pub(super) fn save(&mut self) -> bool {
        match self.doc.path.clone() {
            Some(path) => self.save_to(&path),
            None => {
                self.save_as_dialog();
                false
            }
        }
    }

    pub(super) fn save_as_dialog(&mut self) {
        let name = format!("{}.ron", fresh_id(&self.doc.map().title, |_| false));
        let folder = self.folder();
        self.file_job = Some(Job::spawn("save-dialog", move |_| {
            let mut dialog = rfd::FileDialog::new()
                .add_filter(interop::RON.name, interop::RON.extensions)
                .set_file_name(name);
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            FileReply::SaveAs(dialog.save_file())
        }));
    }

    pub(super) fn open_dialog(&mut self) {
        let folder = self.folder();
        self.file_job = Some(Job::spawn("open-dialog", move |_| {
            let mut all = interop::all_extensions();
            all.extend(interop::SNIFFED);
            let mut dialog = rfd::FileDialog::new().add_filter("All maps", &all);
            for format in interop::INPUTS {
                let mut extensions = format.extensions.to_vec();
                if *format == interop::BPMN {
                    extensions.extend(interop::SNIFFED);
                }
                dialog = dialog.add_filter(format.name, &extensions);
            }
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            FileReply::Open(dialog.pick_file())
        }));
    }

    /// The folder of the current file, where dialogs start.
    fn folder(&self) -> Option<PathBuf> {
        self.doc
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_owned))
    }

    pub(super) fn poll_file_dialog(&mut self, ctx: &egui::Context) {
        match poll_slot(&mut self.file_job, ctx) {
            None => {}
            Some(Poll::Done(FileReply::Open(Some(path)))) => self.open_path(&path),
            Some(Poll::Done(FileReply::ImportLog(Some(path)))) => self.open_import(&path),
            Some(Poll::Done(FileReply::SaveAs(Some(path)))) => {
                let path = if path.extension().is_none() {
                    path.with_extension("ron")
                } else {
                    path
                };
                if self.save_to(&path) {
                    if let Some(pending) = self.after_save.take() {
                        self.perform(pending, ctx);
                    }
                }
            }
            // A cancelled dialog (or a lost one): nothing to do, nor after a save.
            Some(Poll::Done(_) | Poll::Lost | Poll::Running) => self.after_save = None,
        }
    }

    /// Runs `pending` now, or asks first when there are unsaved changes.
    pub fn guard(&mut self, pending: Pending, ctx: &egui::Context) {
        if self.doc.is_dirty() {
            self.dialog = Some(Dialog::Unsaved(pending));
        } else {
            self.perform(pending, ctx);
        }
    }

    pub(super) fn perform(&mut self, pending: Pending, ctx: &egui::Context) {
        match pending {
            Pending::New => {
                let map = ProcessMap {
                    title: "New process".into(),
                    ..ProcessMap::default()
                };
                self.doc = Document::new(map, None);
                self.after_load();
                self.clear_recovery();
            }
            Pending::OpenDialog => self.open_dialog(),
            Pending::OpenPath(path) => self.open_path(&path),
            Pending::ImportLog => self.discover.start_import(),
            Pending::Quit => {
                self.quit_confirmed = true;
                self.quit_requested = true;
                self.clear_recovery();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    pub(super) fn recovery_files(&self) -> Option<(PathBuf, PathBuf)> {
        let dir = self.recovery_dir.as_ref()?;
        Some((dir.join("recovery.ron"), dir.join("recovery-source.txt")))
    }

    pub(super) fn offer_recovery(&mut self) {
        let Some((copy, source)) = self.recovery_files() else {
            return;
        };
        if let Ok(map) = io::load(&copy) {
            let source = std::fs::read_to_string(&source)
                .ok()
                .map(|s| PathBuf::from(s.trim()))
                .filter(|p| !p.as_os_str().is_empty());
            self.dialog = Some(Dialog::Recover {
                map: Box::new(map),
                source,
            });
        }
    }

    /// Writes a recovery copy of unsaved work now.
    pub fn write_recovery(&mut self) {
        let Some((copy, source)) = self.recovery_files() else {
            return;
        };
        if let Some(dir) = copy.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let source_text = self
            .doc
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        // A failed recovery copy is not worth interrupting the user for; the next try may work.
        if io::save(self.doc.map(), &copy).is_ok()
            && io::write_atomic(&source, source_text.as_bytes()).is_ok()
        {
            self.doc.recovery_revision = self.doc.revision();
        }
    }

    pub(super) fn clear_recovery(&mut self) {
        if let Some((copy, source)) = self.recovery_files() {
            let _ = std::fs::remove_file(copy);
            let _ = std::fs::remove_file(source);
        }
    }

    pub(super) fn autosave(&mut self, ctx: &egui::Context) {
        if self.recovery_dir.is_none() {
            return;
        }
        if self.last_recovery.elapsed() >= RECOVERY_INTERVAL {
            self.last_recovery = Instant::now();
            if self.doc.is_dirty() && self.doc.revision() != self.doc.recovery_revision {
                self.write_recovery();
            }
        }
        ctx.request_repaint_after(RECOVERY_INTERVAL);
    }
}
