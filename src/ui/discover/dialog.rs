//! The import dialog: the log's first rows with the columns in use highlighted, one combo box
//! per role to fix the mapping, the timestamp format found, the coverage, and Import with its
//! progress and Cancel. Errors of the preview, the reader and discovery show inline.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Evidence, ImportProgress, import_work};
use crate::analysis::discover::DEFAULT_COVERAGE;
use crate::interop::log::{self as logread, Columns, LogFormat, Preview, time};
use crate::ui::job::{Job, Poll};
use crate::ui::theme;

/// Rows shown in the preview.
pub const PREVIEW_ROWS: usize = 20;
/// Height of the preview's rows before they scroll.
const PREVIEW_HEIGHT: f32 = 300.0;

/// A role a column can play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The case id.
    Case,
    /// The activity name.
    Activity,
    /// The completion (or only) timestamp.
    Timestamp,
    /// The start timestamp.
    Start,
    /// The resource (person) doing the work.
    Resource,
    /// The team, role or owner.
    Group,
    /// The lifecycle transition (start/complete rows).
    Lifecycle,
}

impl Slot {
    /// Every role, in the dialog's order.
    pub const ALL: [Self; 7] = [
        Self::Case,
        Self::Activity,
        Self::Timestamp,
        Self::Start,
        Self::Resource,
        Self::Group,
        Self::Lifecycle,
    ];

    /// The combo box's label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Case => "Case",
            Self::Activity => "Activity",
            Self::Timestamp => "Completion timestamp",
            Self::Start => "Start timestamp",
            Self::Resource => "Resource",
            Self::Group => "Group (team)",
            Self::Lifecycle => "Lifecycle",
        }
    }

    /// The short name shown under a column's header.
    #[must_use]
    pub fn short(self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::Activity => "activity",
            Self::Timestamp => "completed",
            Self::Start => "started",
            Self::Resource => "resource",
            Self::Group => "group",
            Self::Lifecycle => "lifecycle",
        }
    }

    /// True for the roles every log needs.
    #[must_use]
    pub fn required(self) -> bool {
        matches!(self, Self::Case | Self::Activity | Self::Timestamp)
    }

    /// The column of this role in `columns`.
    #[must_use]
    pub fn get(self, columns: &Columns) -> &Option<String> {
        match self {
            Self::Case => &columns.case,
            Self::Activity => &columns.activity,
            Self::Timestamp => &columns.timestamp,
            Self::Start => &columns.start,
            Self::Resource => &columns.resource,
            Self::Group => &columns.group,
            Self::Lifecycle => &columns.lifecycle,
        }
    }

    /// The column of this role in `columns`, to change.
    pub fn get_mut(self, columns: &mut Columns) -> &mut Option<String> {
        match self {
            Self::Case => &mut columns.case,
            Self::Activity => &mut columns.activity,
            Self::Timestamp => &mut columns.timestamp,
            Self::Start => &mut columns.start,
            Self::Resource => &mut columns.resource,
            Self::Group => &mut columns.group,
            Self::Lifecycle => &mut columns.lifecycle,
        }
    }
}

/// What the user asked of the dialog this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogAction {
    /// Nothing.
    None,
    /// Import: the app checks for unsaved changes, then calls `DiscoverPanel::start_import`.
    Import,
    /// Close the dialog (cancelling a running import).
    Close,
}

/// The import dialog's state.
pub struct ImportDialog {
    /// The log file.
    pub path: PathBuf,
    /// Its first rows, or why they could not be read.
    pub preview: Result<Preview, String>,
    /// The mapping: a column name per role (`Some("")` = none for the optional roles, `None`
    /// = not found for the required ones).
    pub columns: Columns,
    /// Share of cases whose variants shape the map.
    pub coverage: f64,
    /// Why the last import gave nothing (shown inline).
    pub error: Option<String>,
    job: Option<Job<Result<Evidence, String>>>,
    progress: Arc<ImportProgress>,
}

impl ImportDialog {
    /// The dialog on `path`: reads the first rows and takes the recognised columns.
    #[must_use]
    pub fn open(path: &Path) -> Self {
        let preview = logread::preview(path, PREVIEW_ROWS).map_err(|e| e.to_string());
        let mut columns = Columns::default();
        if let Ok(preview) = &preview {
            for slot in Slot::ALL {
                let found = slot.get(&preview.recognised).clone();
                *slot.get_mut(&mut columns) = match found {
                    Some(name) => Some(name),
                    None if slot.required() => None,
                    None => Some(String::new()),
                };
            }
        }
        Self {
            path: path.to_owned(),
            preview,
            columns,
            coverage: DEFAULT_COVERAGE,
            error: None,
            job: None,
            progress: Arc::new(ImportProgress::default()),
        }
    }

    /// True while the import runs.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Starts reading and discovering as a job (nothing when the preview failed or a job runs).
    pub fn start(&mut self) {
        if self.job.is_some() || self.preview.is_err() {
            return;
        }
        self.error = None;
        self.progress = Arc::new(ImportProgress::default());
        let progress = Arc::clone(&self.progress);
        let (path, columns, coverage) = (self.path.clone(), self.columns.clone(), self.coverage);
        self.job = Some(Job::spawn("import-log", move |control| {
            import_work(&path, &columns, coverage, &progress, control)
        }));
    }

    /// Asks a running import to stop.
    pub fn cancel(&self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
    }

    /// The evidence of an import that just succeeded; a failure stays inline.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Evidence> {
        let job = self.job.as_ref()?;
        match job.poll(ctx) {
            Poll::Running => None,
            Poll::Done(outcome) => {
                self.job = None;
                match outcome {
                    Ok(evidence) => Some(evidence),
                    Err(message) => {
                        self.error = Some(message);
                        None
                    }
                }
            }
            Poll::Lost => {
                self.job = None;
                self.error = Some("The import stopped unexpectedly.".to_owned());
                None
            }
        }
    }

    /// The file's name, for the title.
    fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// The dialog window.
    pub fn window_ui(&mut self, ctx: &egui::Context) -> DialogAction {
        let mut action = DialogAction::None;
        let mut open = true;
        egui::Window::new("Import event log")
            .id(egui::Id::new("import-log"))
            .open(&mut open)
            .collapsible(false)
            .default_size([940.0, 620.0])
            .show(ctx, |ui| action = self.contents_ui(ui));
        if !open {
            action = DialogAction::Close;
        }
        action
    }

    fn contents_ui(&mut self, ui: &mut Ui) -> DialogAction {
        let mut action = DialogAction::None;
        ui.horizontal(|ui| {
            ui.strong(self.file_name());
            if let Ok(preview) = &self.preview {
                ui.label(RichText::new(format_text(preview.format)).weak());
            }
        })
        .response
        .on_hover_text(self.path.display().to_string());
        ui.separator();
        let preview = match &self.preview {
            Ok(preview) => preview.clone(),
            Err(error) => {
                error_ui(ui, error);
                ui.separator();
                if ui.button("Close").clicked() {
                    action = DialogAction::Close;
                }
                return action;
            }
        };
        let running = self.job.is_some();
        ui.add_enabled_ui(!running, |ui| self.mapping_ui(ui, &preview));
        ui.separator();
        ui.label(RichText::new(format!("First {} rows", preview.rows.len())).weak());
        preview_table(ui, &preview, &self.columns);
        ui.separator();
        if let Some(error) = &self.error {
            error_ui(ui, error);
        }
        ui.horizontal(|ui| {
            if running {
                let (done, total) = self.progress.bytes();
                if self.progress.discovering() {
                    ui.add(
                        egui::ProgressBar::new(1.0)
                            .text("discovering…")
                            .animate(true)
                            .desired_width(360.0),
                    );
                } else {
                    #[allow(clippy::cast_precision_loss, reason = "a fraction for display")]
                    let fraction = (done as f64 / total.max(1) as f64).min(1.0);
                    #[allow(clippy::cast_possible_truncation, reason = "a fraction in [0, 1]")]
                    let shown = fraction as f32;
                    ui.add(
                        egui::ProgressBar::new(shown)
                            .text(format!(
                                "reading: {} of {}",
                                megabytes(done),
                                megabytes(total)
                            ))
                            .desired_width(360.0),
                    );
                }
                if ui.button("Cancel").clicked() {
                    self.cancel();
                }
            } else {
                let missing: Vec<&str> = Slot::ALL
                    .iter()
                    .filter(|s| s.required() && s.get(&self.columns).is_none())
                    .map(|s| s.label())
                    .collect();
                let import = ui
                    .add_enabled(
                        missing.is_empty(),
                        egui::Button::new(RichText::new("Import").strong()),
                    )
                    .on_hover_text(
                        "Read the whole log, discover the map and open it as a new document",
                    );
                if !missing.is_empty() {
                    ui.label(
                        RichText::new(format!(
                            "Choose the {} column first.",
                            missing.join(", ").to_lowercase()
                        ))
                        .color(theme::WARNING),
                    );
                }
                if import.clicked() {
                    action = DialogAction::Import;
                }
                if ui.button("Close").clicked() {
                    action = DialogAction::Close;
                }
            }
        });
        action
    }

    fn mapping_ui(&mut self, ui: &mut Ui, preview: &Preview) {
        ui.horizontal_top(|ui| {
            egui::Grid::new("import-columns")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    for slot in Slot::ALL {
                        ui.label(slot.label());
                        role_combo(ui, slot, &preview.headers, &mut self.columns);
                        ui.end_row();
                    }
                });
            ui.add_space(24.0);
            ui.vertical(|ui| self.settings_ui(ui, preview));
        });
    }

    fn settings_ui(&mut self, ui: &mut Ui, preview: &Preview) {
        ui.set_max_width(440.0);
        ui.strong("Timestamps");
        for slot in [Slot::Timestamp, Slot::Start] {
            if let Some(text) = timestamp_text(preview, slot, &self.columns) {
                ui.label(text);
            }
        }
        ui.add_space(8.0);
        ui.strong("Coverage");
        ui.add(
            egui::Slider::new(&mut self.coverage, 0.05..=1.0)
                .custom_formatter(|v, _| format!("{:.0}%", v * 100.0))
                .custom_parser(|s| {
                    s.trim()
                        .trim_end_matches('%')
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .map(|v| v / 100.0)
                }),
        )
        .on_hover_text("The most frequent variants covering this share of cases shape the map");
        ui.label(
            RichText::new(
                "Share of cases whose variants (most frequent first) shape the map; rarer \
                     variants are listed as not in the map.",
            )
            .weak(),
        );
    }
}

/// One combo box: the headers, plus "(none)" for an optional role.
fn role_combo(ui: &mut Ui, slot: Slot, headers: &[String], columns: &mut Columns) {
    let current = slot.get(columns).clone();
    let shown = match current.as_deref() {
        None => RichText::new("(not found: choose)").color(theme::ERROR),
        Some("") => RichText::new("(none)").weak(),
        Some(name) => RichText::new(name),
    };
    egui::ComboBox::from_id_salt(("import-role", slot.label()))
        .selected_text(shown)
        .width(220.0)
        .show_ui(ui, |ui| {
            let value = slot.get_mut(columns);
            if !slot.required() {
                ui.selectable_value(value, Some(String::new()), "(none)");
            }
            for header in headers {
                ui.selectable_value(value, Some(header.clone()), header);
            }
        });
}

/// "Completion: ISO 8601 …" for the column of `slot`, read from the preview's rows.
fn timestamp_text(preview: &Preview, slot: Slot, columns: &Columns) -> Option<RichText> {
    let name = slot.get(columns).as_deref().filter(|n| !n.is_empty())?;
    let index = preview.headers.iter().position(|h| h == name)?;
    let what = if slot == Slot::Start {
        "Start"
    } else {
        "Completion"
    };
    let values = preview
        .rows
        .iter()
        .filter_map(|r| r.get(index).map(String::as_str));
    Some(match time::detect(values) {
        Some(found) => RichText::new(format!(
            "{what} (\"{name}\"): {}{}",
            found.format,
            if found.ambiguous {
                "; no day above 12 yet, day first assumed"
            } else {
                ""
            }
        )),
        None => RichText::new(format!("{what} (\"{name}\"): no timestamps Procmap reads"))
            .color(theme::ERROR),
    })
}

/// The preview table: a header per column with the role it plays, the rows below; the
/// columns in use are tinted.
fn preview_table(ui: &mut Ui, preview: &Preview, columns: &Columns) {
    let roles: Vec<Vec<Slot>> = preview
        .headers
        .iter()
        .map(|h| {
            Slot::ALL
                .into_iter()
                .filter(|s| s.get(columns).as_deref() == Some(h.as_str()))
                .collect()
        })
        .collect();
    let tint = theme::ACCENT.gamma_multiply(0.14);
    egui::ScrollArea::horizontal()
        .id_salt("import-preview-scroll")
        .max_height(PREVIEW_HEIGHT + 40.0)
        .show(ui, |ui| {
            let mut table = TableBuilder::new(ui)
                .id_salt("import-preview")
                .striped(true)
                .vscroll(true)
                .max_scroll_height(PREVIEW_HEIGHT);
            for width in column_widths(preview) {
                table = table.column(
                    Column::initial(width)
                        .at_least(50.0)
                        .clip(true)
                        .resizable(true),
                );
            }
            table
                .header(36.0, |mut row| {
                    for (header, used) in preview.headers.iter().zip(&roles) {
                        row.col(|ui| {
                            if !used.is_empty() {
                                ui.painter().rect_filled(ui.max_rect(), 0.0, tint);
                            }
                            ui.vertical(|ui| {
                                ui.strong(header);
                                if used.is_empty() {
                                    ui.label(RichText::new("not used").weak().small());
                                } else {
                                    let names: Vec<&str> = used.iter().map(|s| s.short()).collect();
                                    ui.label(
                                        RichText::new(names.join(", "))
                                            .color(theme::ACCENT)
                                            .small()
                                            .strong(),
                                    );
                                }
                            });
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, preview.rows.len(), |mut row| {
                        let Some(values) = preview.rows.get(row.index()) else {
                            return;
                        };
                        for (i, used) in roles.iter().enumerate() {
                            row.col(|ui| {
                                if !used.is_empty() {
                                    ui.painter().rect_filled(ui.max_rect(), 0.0, tint);
                                }
                                let value = values.get(i).map_or("", String::as_str);
                                ui.add(egui::Label::new(value).truncate());
                            });
                        }
                    });
                });
        });
}

/// A width per column that fits its header and values, between 60 and 260 points (an
/// estimate from the number of characters: the table sizes before it draws).
fn column_widths(preview: &Preview) -> Vec<f32> {
    preview
        .headers
        .iter()
        .enumerate()
        .map(|(i, header)| {
            let longest = preview
                .rows
                .iter()
                .filter_map(|r| r.get(i).map(|v| v.chars().count()))
                .chain([header.chars().count() + 1])
                .max()
                .unwrap_or(4);
            #[allow(clippy::cast_precision_loss, reason = "a width in points")]
            let width = longest as f32 * 7.2 + 14.0;
            width.clamp(60.0, 260.0)
        })
        .collect()
}

fn error_ui(ui: &mut Ui, error: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Cannot import:").color(theme::ERROR).strong());
        ui.label(RichText::new(error).color(theme::ERROR));
    });
}

fn format_text(format: LogFormat) -> String {
    match format {
        LogFormat::Csv { delimiter, gzip } => format!(
            "CSV, {} separated{}",
            match delimiter {
                b'\t' => "tab".to_owned(),
                other => format!("\"{}\"", char::from(other)),
            },
            if gzip { ", gzipped" } else { "" }
        ),
        LogFormat::Xes { gzip } => format!("XES{}", if gzip { ", gzipped" } else { "" }),
    }
}

fn megabytes(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss, reason = "for display")]
    let mb = bytes as f64 / 1e6;
    if mb < 10.0 {
        format!("{mb:.1} MB")
    } else {
        format!("{mb:.0} MB")
    }
}
