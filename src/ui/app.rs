//! The editor application: panels, menus, files, dialogs, and the one path by which the
//! document changes (commands turned into edits and committed to the [`Document`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use egui::{Color32, RichText, Ui};
use serde::{Deserialize, Serialize};

use super::canvas::{Action, Canvas, Decor, Key, element_pos};
use super::commands::Command;
use super::doc::Document;
use super::inspector::{Change, Inspector};
use super::sidebar::{self, PaletteItem, SidebarAction};
use super::simulation::{Heat, SimPanel};
use super::theme;
use crate::analysis::{self, Estimate};
use crate::model::edit::{self, Fragment, fresh_id};
use crate::model::{
    self, Edit, Flow, Node, NodeKind, Point, Problem, ProcessMap, Service, Severity, io,
};

/// The sample map the app opens on first start (bundled, so it works from any folder).
pub const DEFAULT_SAMPLE: &str = include_str!("../../samples/order-to-cash.ron");
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

enum FileReply {
    Open(Option<PathBuf>),
    SaveAs(Option<PathBuf>),
}

/// The editor.
pub struct App {
    /// The open document.
    pub doc: Document,
    /// The canvas view.
    pub canvas: Canvas,
    /// Selected elements.
    pub selection: BTreeSet<Key>,
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
    /// The bottom panel shows results (true) or problems (false).
    pub show_results: bool,
    heat: Heat,
    heat_key: (usize, bool, u64),
    inspector: Inspector,
    problems: Vec<Problem>,
    error_ids: HashSet<String>,
    estimate: Estimate,
    impact: analysis::Impact,
    checked_revision: u64,
    file_reply: Option<Receiver<FileReply>>,
    export_reply: Option<Receiver<String>>,
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
            show_results: false,
            heat: Heat::default(),
            heat_key: (0, false, 0),
            inspector: Inspector::default(),
            problems: Vec::new(),
            error_ids: HashSet::new(),
            estimate: analysis::estimate(&ProcessMap::default()),
            impact: analysis::impact(&ProcessMap::default()),
            checked_revision: 0,
            file_reply: None,
            export_reply: None,
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

    /// The window title: "Procmap — <title>", with a dot when there are unsaved changes.
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

    fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_LIMIT);
    }

    /// Opens a file; on failure shows the loader's error and keeps the current map.
    pub fn open_path(&mut self, path: &Path) {
        match io::load(path) {
            Ok(map) => {
                self.doc = Document::new(map, Some(path.to_owned()));
                self.after_load();
                self.remember(path);
                self.status = Some(format!("Opened {}", path.display()));
            }
            Err(error) => {
                self.dialog = Some(Dialog::Error(format!("Cannot open the map.\n\n{error}")));
            }
        }
    }

    fn after_load(&mut self) {
        self.selection.clear();
        self.canvas.reset();
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
    fn save(&mut self) -> bool {
        match self.doc.path.clone() {
            Some(path) => self.save_to(&path),
            None => {
                self.save_as_dialog();
                false
            }
        }
    }

    fn save_as_dialog(&mut self) {
        let name = format!("{}.ron", fresh_id(&self.doc.map().title, |_| false));
        let folder = self
            .doc
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_owned));
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new()
                .add_filter("Procmap map", &["ron"])
                .set_file_name(name);
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            let _ = tx.send(FileReply::SaveAs(dialog.save_file()));
        });
        self.file_reply = Some(rx);
    }

    fn open_dialog(&mut self) {
        let folder = self
            .doc
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_owned));
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new().add_filter("Procmap map", &["ron"]);
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            let _ = tx.send(FileReply::Open(dialog.pick_file()));
        });
        self.file_reply = Some(rx);
    }

    fn poll_file_dialog(&mut self, ctx: &egui::Context) {
        let Some(rx) = &self.file_reply else {
            return;
        };
        match rx.try_recv() {
            Ok(FileReply::Open(Some(path))) => {
                self.file_reply = None;
                self.open_path(&path);
            }
            Ok(FileReply::SaveAs(Some(path))) => {
                self.file_reply = None;
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
            Ok(_) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.file_reply = None;
                self.after_save = None;
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(Duration::from_millis(100));
            }
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

    fn perform(&mut self, pending: Pending, ctx: &egui::Context) {
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
            Pending::Quit => {
                self.quit_confirmed = true;
                self.quit_requested = true;
                self.clear_recovery();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// True once the user confirmed leaving (tests read this instead of a closed window).
    #[must_use]
    pub fn quit_requested(&self) -> bool {
        self.quit_requested
    }

    // --- Recovery ----------------------------------------------------------------------------

    fn recovery_files(&self) -> Option<(PathBuf, PathBuf)> {
        let dir = self.recovery_dir.as_ref()?;
        Some((dir.join("recovery.ron"), dir.join("recovery-source.txt")))
    }

    fn offer_recovery(&mut self) {
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

    fn clear_recovery(&mut self) {
        if let Some((copy, source)) = self.recovery_files() {
            let _ = std::fs::remove_file(copy);
            let _ = std::fs::remove_file(source);
        }
    }

    fn autosave(&mut self, ctx: &egui::Context) {
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

    // --- Editing -----------------------------------------------------------------------------

    /// Commits an edit as one undo step.
    pub fn commit(&mut self, label: &str, edit: Edit) {
        self.doc.commit(label, edit);
    }

    /// Selects exactly these elements (and tells the canvas).
    pub fn select(&mut self, keys: impl IntoIterator<Item = Key>) {
        self.selection = keys.into_iter().collect();
        self.canvas.reset();
    }

    fn free_spot(&self, near: egui::Pos2) -> Point {
        let map = self.doc.map();
        let mut at = near;
        for _ in 0..50 {
            let taken = map
                .nodes
                .values()
                .map(Node::at)
                .chain(map.services.values().map(|s| s.at))
                .any(|p| {
                    #[allow(clippy::cast_possible_truncation, reason = "canvas coordinates")]
                    let d = (egui::pos2(p.x as f32, p.y as f32) - at).length();
                    d < 30.0
                });
            if !taken {
                break;
            }
            at += egui::vec2(40.0, 40.0);
        }
        Point::new(f64::from(at.x).round(), f64::from(at.y).round())
    }

    /// Adds a node (or a service for `None`) at `at`; returns its key.
    pub fn add_element(
        &mut self,
        kind: Option<NodeKind>,
        at: Point,
        connect_from: Option<&Key>,
        connect_to: Option<&Key>,
    ) -> Key {
        let map = self.doc.map();
        let (key, mut edits) = match kind {
            Some(kind) => {
                let name = match kind {
                    NodeKind::Step => "New step",
                    NodeKind::Decision => "Decide",
                    NodeKind::Parallel => "In parallel",
                    NodeKind::Start => "Start",
                    NodeKind::End => "Done",
                };
                let id = fresh_id(kind.label(), |c| map.nodes.contains_key(c));
                let node = Node::new(kind, name, at);
                (
                    Key::Node(id.clone()),
                    vec![Edit::Node {
                        id,
                        node: Some(node),
                    }],
                )
            }
            None => {
                let id = fresh_id("service", |c| map.services.contains_key(c));
                let service = Service {
                    name: "New service".into(),
                    availability: 1.0,
                    mean_repair: None,
                    depends_on: Vec::new(),
                    notes: String::new(),
                    at,
                };
                (
                    Key::Service(id.clone()),
                    vec![Edit::Service {
                        id,
                        service: Some(service),
                    }],
                )
            }
        };
        if let (Some(Key::Node(from)), Key::Node(to)) = (connect_from, &key) {
            edits.push(Edit::InsertFlow {
                index: usize::MAX,
                flow: Flow::new(from.clone(), to.clone()),
            });
        }
        if let (Key::Node(from), Some(Key::Node(to))) = (&key, connect_to) {
            edits.push(Edit::InsertFlow {
                index: usize::MAX,
                flow: Flow::new(from.clone(), to.clone()),
            });
        }
        let label = format!("Add {}", kind.map_or("service", NodeKind::label));
        self.commit(&label, Edit::Batch(edits));
        self.select([key.clone()]);
        key
    }

    fn selected_nodes(&self) -> BTreeSet<String> {
        self.selection
            .iter()
            .filter_map(|k| match k {
                Key::Node(id) => Some(id.clone()),
                Key::Service(_) => None,
            })
            .collect()
    }

    fn delete_selection(&mut self) {
        // Each part is computed on the map as the previous parts left it, so that removing a
        // service does not resurrect a step deleted in the same action.
        let mut scratch = self.doc.map().clone();
        let mut edits = Vec::new();
        let nodes = edit::delete_nodes(&scratch, &self.selected_nodes());
        scratch.apply(nodes.clone());
        edits.push(nodes);
        for key in &self.selection {
            if let Key::Service(id) = key {
                let service = edit::delete_service(&scratch, id);
                scratch.apply(service.clone());
                edits.push(service);
            }
        }
        let edit = Edit::Batch(edits);
        if !edit.is_empty() {
            self.commit("Delete", edit);
            self.select([]);
        }
    }

    fn selected_services(&self) -> BTreeSet<String> {
        self.selection
            .iter()
            .filter_map(|k| match k {
                Key::Service(id) => Some(id.clone()),
                Key::Node(_) => None,
            })
            .collect()
    }

    fn copy_selection(&mut self, ctx: &egui::Context) {
        let fragment = Fragment::copy(
            self.doc.map(),
            &self.selected_nodes(),
            &self.selected_services(),
        );
        if fragment.is_empty() {
            return;
        }
        if let Ok(text) = ron::to_string(&fragment) {
            ctx.copy_text(text);
        }
        self.status = Some(format!(
            "Copied {} node(s) and {} service(s)",
            fragment.nodes.len(),
            fragment.services.len()
        ));
        self.clipboard = Some(fragment);
        self.paste_count = 0;
    }

    fn paste(&mut self, fragment: &Fragment, label: &str) {
        self.paste_count += 1;
        let offset = 40.0 * f64::from(self.paste_count);
        let (edit, pasted) = fragment.paste(self.doc.map(), (offset, offset));
        self.commit(label, edit);
        self.select(
            pasted
                .nodes
                .into_iter()
                .map(Key::Node)
                .chain(pasted.services.into_iter().map(Key::Service)),
        );
    }

    /// Runs a command.
    pub fn run(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::New => self.guard(Pending::New, ctx),
            Command::Open => self.guard(Pending::OpenDialog, ctx),
            Command::Save => {
                self.save();
            }
            Command::SaveAs => self.save_as_dialog(),
            Command::Quit => self.guard(Pending::Quit, ctx),
            Command::ExportPdf => self.export(Export::Pdf),
            Command::ExportSvg => self.export(Export::Svg),
            Command::ExportMarkdown => self.export(Export::Markdown),
            Command::Print => self.export(Export::Print),
            Command::Undo => {
                if let Some(label) = self.doc.undo() {
                    self.status = Some(format!("Undid: {label}"));
                    self.prune_selection();
                }
            }
            Command::Redo => {
                if let Some(label) = self.doc.redo() {
                    self.status = Some(format!("Redid: {label}"));
                    self.prune_selection();
                }
            }
            Command::Cut => {
                self.copy_selection(ctx);
                self.delete_selection();
            }
            Command::Copy => self.copy_selection(ctx),
            Command::Paste => {
                if let Some(fragment) = self.clipboard.clone() {
                    self.paste(&fragment, "Paste");
                }
            }
            Command::Duplicate => {
                let fragment = Fragment::copy(
                    self.doc.map(),
                    &self.selected_nodes(),
                    &self.selected_services(),
                );
                if !fragment.is_empty() {
                    self.paste_count = 0;
                    self.paste(&fragment, "Duplicate");
                }
            }
            Command::Delete => self.delete_selection(),
            Command::SelectAll => {
                let map = self.doc.map();
                let keys: Vec<Key> = map
                    .nodes
                    .keys()
                    .map(|id| Key::Node(id.clone()))
                    .chain(map.services.keys().map(|id| Key::Service(id.clone())))
                    .collect();
                self.select(keys);
            }
            Command::Find => self.find = Some(self.find.take().unwrap_or_default()),
            Command::Fit => self.canvas.request_fit(),
            Command::ZoomIn => self.canvas.zoom_by(1.25),
            Command::ZoomOut => self.canvas.zoom_by(0.8),
            Command::ResetZoom => self.canvas.set_scaling(1.0),
            Command::ToggleTheme => self.dark = !self.dark,
            Command::RunSimulation => self.run_simulation(),
            Command::CancelSimulation => self.sim.cancel(),
            Command::SimulationSettings => self.dialog = Some(Dialog::SimulationSettings),
            Command::Shortcuts => self.dialog = Some(Dialog::Shortcuts),
            Command::About => self.dialog = Some(Dialog::About),
        }
    }

    /// Writes documentation off the UI thread: asks where (or, to print, uses a temporary file),
    /// renders, writes, and reports back in the status bar. Current simulation results are
    /// included when they match the map.
    pub fn export(&mut self, kind: Export) {
        let map = self.doc.map().clone();
        let results = self
            .sim
            .outcome
            .as_ref()
            .filter(|o| o.revision == self.doc.revision())
            .map(|o| o.result.clone());
        let stem = fresh_id(&map.title, |_| false);
        let folder = self
            .doc
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_owned));
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let message = export_job(&map, results.as_ref(), kind, &stem, folder);
            let _ = tx.send(message);
        });
        self.export_reply = Some(rx);
        self.status = Some(if kind == Export::Print {
            "Preparing to print…".into()
        } else {
            "Exporting…".into()
        });
    }

    fn poll_export(&mut self, ctx: &egui::Context) {
        let Some(rx) = &self.export_reply else {
            return;
        };
        match rx.try_recv() {
            Ok(message) => {
                self.status = Some(message);
                self.export_reply = None;
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(Duration::from_millis(100));
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.export_reply = None,
        }
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

    fn refresh_heat(&mut self) {
        let key = (
            usize::from(self.sim.outcome.is_some()) + self.sim.scenarios.len() * 2,
            self.sim.heat,
            self.sim.outcome.as_ref().map_or(0, |o| o.revision),
        );
        if key != self.heat_key {
            self.heat_key = key;
            self.heat = self.sim.heat();
        }
    }

    fn prune_selection(&mut self) {
        let map = self.doc.map();
        let before = self.selection.len();
        self.selection.retain(|k| element_pos(map, k).is_some());
        if self.selection.len() != before {
            self.canvas.reset();
        }
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let typing = ctx.egui_wants_keyboard_input();
        // egui turns Ctrl+C/X/V into clipboard events on desktop.
        if !typing {
            let events = ctx.input(|i| i.events.clone());
            for event in events {
                match event {
                    egui::Event::Copy => self.run(Command::Copy, ctx),
                    egui::Event::Cut => self.run(Command::Cut, ctx),
                    egui::Event::Paste(text) => {
                        if let Ok(fragment) = ron::from_str::<Fragment>(&text) {
                            self.paste(&fragment, "Paste");
                        } else {
                            self.run(Command::Paste, ctx);
                        }
                    }
                    _ => {}
                }
            }
        }
        for command in Command::keyboard_order() {
            if typing && command.needs_canvas_focus() {
                continue;
            }
            let shortcuts = command.shortcut().into_iter().chain(command.alternatives());
            let mut pressed = false;
            for shortcut in shortcuts {
                pressed |= ctx.input_mut(|i| i.consume_shortcut(&shortcut));
            }
            if pressed {
                self.run(command, ctx);
            }
        }
    }

    /// Turns a canvas action into a document edit (the same path the canvas uses).
    pub fn apply_action(&mut self, action: Action) {
        let map = self.doc.map();
        match action {
            Action::Connect { from, to, to_pin } => {
                let edit = connect_edit(map, &from, &to, to_pin);
                match edit {
                    Some(edit) => self.commit("Connect", edit),
                    None => self.status = Some("Those pins do not connect: flows join flow pins, services join \"uses\" and \"needs\" pins.".into()),
                }
            }
            Action::Disconnect { from, to, to_pin } => {
                if let Some(edit) = disconnect_edit(map, &from, &to, to_pin) {
                    self.commit("Disconnect", edit);
                }
            }
            Action::DropOutputs(key) => {
                let edit = drop_links(map, &key, None);
                self.commit("Remove links", edit);
            }
            Action::DropInputs(key, pin) => {
                let edit = drop_links(map, &key, Some(pin));
                self.commit("Remove links", edit);
            }
            Action::Add {
                kind,
                at,
                connect_from,
                connect_to,
            } => {
                self.add_element(kind, at, connect_from.as_ref(), connect_to.as_ref());
            }
            Action::Move(mut moves) => {
                // Dragging one element of a selection the canvas does not know about (made by
                // Select All, Find or Paste) moves the whole selection by the same amount.
                if let [(dragged, to)] = moves.as_slice() {
                    if self.selection.len() > 1 && self.selection.contains(dragged) {
                        if let Some(from) = element_pos(map, dragged) {
                            let (dx, dy) = (to.x - f64::from(from.x), to.y - f64::from(from.y));
                            let others: Vec<(Key, Point)> = self
                                .selection
                                .iter()
                                .filter(|k| *k != dragged)
                                .filter_map(|k| {
                                    let at = element_pos(map, k)?;
                                    Some((
                                        k.clone(),
                                        Point::new(
                                            (f64::from(at.x) + dx).round(),
                                            (f64::from(at.y) + dy).round(),
                                        ),
                                    ))
                                })
                                .collect();
                            moves.extend(others);
                        }
                    }
                }
                let nodes: Vec<(String, Point)> = moves
                    .iter()
                    .filter_map(|(k, p)| match k {
                        Key::Node(id) => Some((id.clone(), *p)),
                        Key::Service(_) => None,
                    })
                    .collect();
                let mut edits = vec![edit::move_nodes(map, &nodes)];
                for (key, at) in &moves {
                    if let Key::Service(id) = key {
                        if let Some(service) = map.services.get(id) {
                            edits.push(Edit::Service {
                                id: id.clone(),
                                service: Some(Service {
                                    at: *at,
                                    ..service.clone()
                                }),
                            });
                        }
                    }
                }
                self.commit("Move", Edit::Batch(edits));
            }
            Action::Delete(key) => {
                self.selection = [key].into();
                self.delete_selection();
            }
            Action::Duplicate(key) => {
                let fragment = match key {
                    Key::Node(id) => Fragment::copy(map, &[id].into(), &BTreeSet::new()),
                    Key::Service(id) => Fragment::copy(map, &BTreeSet::new(), &[id].into()),
                };
                self.paste_count = 0;
                self.paste(&fragment, "Duplicate");
            }
            Action::Select(key) => self.select([key]),
        }
    }

    fn refresh_checks(&mut self) {
        if self.checked_revision == self.doc.revision() {
            return;
        }
        self.checked_revision = self.doc.revision();
        let map = self.doc.map();
        self.problems = model::validate(map);
        self.error_ids = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .filter_map(|p| match &p.subject {
                model::Subject::Node(id) | model::Subject::Service(id) => Some(id.clone()),
                model::Subject::Flow { from, .. } => Some(from.clone()),
                _ => None,
            })
            .collect();
        self.estimate = analysis::estimate(map);
        self.impact = analysis::impact(map);
    }

    // --- The frame ---------------------------------------------------------------------------

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
            self.guard(Pending::OpenPath(path), &ctx);
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
                                let key = Key::Node(id);
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
        self.dialog_ui(&ctx);
    }

    fn canvas_ui(&mut self, ui: &mut Ui) {
        self.highlight.clear();
        if let (1, Some(Key::Service(id))) = (self.selection.len(), self.selection.iter().next()) {
            if let Some(impact) = self.impact.services.get(id) {
                for key in impact
                    .affected_steps
                    .iter()
                    .chain(&impact.affected_services)
                {
                    self.highlight.insert(key.clone(), theme::ERROR);
                }
            }
        }
        let heat = !self.sim.is_stale(self.doc.revision()) && self.highlight.is_empty();
        let empty_colours = HashMap::new();
        let empty_badges = HashMap::new();
        let empty_figures = HashMap::new();
        let decor = Decor {
            selection: &self.selection,
            errors: &self.error_ids,
            highlight: if heat && !self.heat.colours.is_empty() {
                &self.heat.colours
            } else if self.highlight.is_empty() {
                &empty_colours
            } else {
                &self.highlight
            },
            badges: if heat {
                &self.heat.badges
            } else {
                &empty_badges
            },
            figures: if heat {
                &self.heat.figures
            } else {
                &empty_figures
            },
            dark: self.dark,
        };
        let actions = self
            .canvas
            .ui(ui, self.doc.map(), self.doc.revision(), &decor);
        if let Some(keys) = self.canvas.take_snarl_selection(ui.ctx()) {
            self.selection = keys.into_iter().collect();
        } else if let Some(hit) = self.canvas.plain_click(ui.ctx()) {
            self.selection = hit.into_iter().collect();
        }
        for action in actions {
            self.apply_action(action);
        }
        // A palette entry dropped on the canvas.
        let released = ui.ctx().input(|i| i.pointer.any_released());
        if released {
            if let Some(pointer) = ui.ctx().pointer_interact_pos() {
                if self.canvas.rect.contains(pointer) {
                    if let Some(item) = egui::DragAndDrop::take_payload::<PaletteItem>(ui.ctx()) {
                        let at = self.canvas.view.inverse() * pointer;
                        self.add_element(
                            item.0,
                            Point::new(f64::from(at.x).round(), f64::from(at.y).round()),
                            None,
                            None,
                        );
                    }
                }
            }
        }
        self.legend_ui(ui);
    }

    fn legend_ui(&self, ui: &Ui) {
        let map = self.doc.map();
        if map.owners.is_empty() {
            return;
        }
        let rect = self.canvas.rect;
        egui::Area::new(egui::Id::new("legend"))
            .fixed_pos(rect.right_bottom() - egui::vec2(10.0, 10.0))
            .pivot(egui::Align2::RIGHT_BOTTOM)
            .order(egui::Order::Middle)
            .interactable(false)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(RichText::new("Owners").small().strong());
                    for (index, owner) in map.owners.values().enumerate() {
                        ui.horizontal(|ui| {
                            let (r, _) = ui
                                .allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                            ui.painter().rect_filled(r, 2.0, theme::owner_colour(index));
                            ui.label(RichText::new(&owner.name).small());
                        });
                    }
                });
            });
    }

    fn sidebar_action(&mut self, action: SidebarAction) {
        match action {
            SidebarAction::Add(kind) => {
                let at = self.free_spot(self.canvas.centre());
                self.add_element(kind, at, None, None);
            }
            SidebarAction::Change(Change { label, edit, merge }) => {
                self.doc.commit_merging(label, edit, merge);
            }
            SidebarAction::DeleteOwner(id) => {
                let in_use = self
                    .doc
                    .map()
                    .nodes
                    .values()
                    .any(|n| n.owner() == Some(id.as_str()));
                if in_use {
                    self.dialog = Some(Dialog::DeleteOwner(id));
                } else {
                    let edit = edit::delete_owner(self.doc.map(), &id);
                    self.commit("Delete owner", edit);
                }
            }
            SidebarAction::DeleteService(id) => {
                let edit = edit::delete_service(self.doc.map(), &id);
                self.commit("Delete service", edit);
                self.prune_selection();
            }
            SidebarAction::Select(key) => self.select_and_centre(key),
        }
    }

    /// Selects an element and centres the view on it.
    pub fn select_and_centre(&mut self, key: Key) {
        if let Some(pos) = element_pos(self.doc.map(), &key) {
            self.canvas.centre_on(pos + egui::vec2(90.0, 40.0));
        }
        self.select([key]);
    }

    fn menu_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            let item = |ui: &mut Ui, app: &mut Self, command: Command, enabled: bool| {
                let shortcut = command
                    .shortcut()
                    .map(|s| ctx.format_shortcut(&s))
                    .unwrap_or_default();
                if ui
                    .add_enabled(
                        enabled,
                        egui::Button::new(command.label()).shortcut_text(shortcut),
                    )
                    .clicked()
                {
                    app.run(command, &ctx);
                    ui.close();
                }
            };
            ui.menu_button("File", |ui| {
                item(ui, self, Command::New, true);
                item(ui, self, Command::Open, true);
                ui.menu_button("Open Recent", |ui| {
                    if self.recent.is_empty() {
                        ui.label(RichText::new("No recent files").weak());
                    }
                    for path in self.recent.clone() {
                        if ui.button(path.display().to_string()).clicked() {
                            self.guard(Pending::OpenPath(path), &ctx);
                            ui.close();
                        }
                    }
                });
                ui.separator();
                item(ui, self, Command::Save, true);
                item(ui, self, Command::SaveAs, true);
                ui.separator();
                ui.menu_button("Export", |ui| {
                    item(ui, self, Command::ExportPdf, true);
                    item(ui, self, Command::ExportSvg, true);
                    item(ui, self, Command::ExportMarkdown, true);
                });
                item(ui, self, Command::Print, true);
                ui.separator();
                item(ui, self, Command::Quit, true);
            });
            ui.menu_button("Edit", |ui| {
                let undo = self.doc.undo_label().map(str::to_owned);
                let redo = self.doc.redo_label().map(str::to_owned);
                item(ui, self, Command::Undo, undo.is_some());
                item(ui, self, Command::Redo, redo.is_some());
                ui.separator();
                let any = !self.selection.is_empty();
                item(ui, self, Command::Cut, any);
                item(ui, self, Command::Copy, any);
                item(ui, self, Command::Paste, self.clipboard.is_some());
                item(ui, self, Command::Duplicate, any);
                item(ui, self, Command::Delete, any);
                ui.separator();
                item(ui, self, Command::SelectAll, true);
                item(ui, self, Command::Find, true);
            });
            ui.menu_button("View", |ui| {
                item(ui, self, Command::Fit, true);
                item(ui, self, Command::ZoomIn, true);
                item(ui, self, Command::ZoomOut, true);
                item(ui, self, Command::ResetZoom, true);
                ui.separator();
                item(ui, self, Command::ToggleTheme, true);
                ui.checkbox(&mut self.show_sidebar, "Palette and owners");
                ui.checkbox(&mut self.show_inspector, "Inspector");
                ui.checkbox(&mut self.show_problems, "Problems");
            });
            ui.menu_button("Simulate", |ui| {
                let running = self.sim.running.is_some();
                item(ui, self, Command::RunSimulation, !running);
                item(ui, self, Command::CancelSimulation, running);
                item(ui, self, Command::SimulationSettings, true);
                ui.separator();
                ui.checkbox(&mut self.sim.heat, "Heat on map");
            });
            ui.menu_button("Help", |ui| {
                item(ui, self, Command::Shortcuts, true);
                item(ui, self, Command::About, true);
            });
            ui.separator();
            if self.sim.running.is_some() {
                self.sim.progress_ui(ui);
            } else if ui
                .button(RichText::new("▶ Simulate").strong())
                .on_hover_text("Run the simulation (F5)")
                .clicked()
            {
                self.run_simulation();
            }
        });
    }

    fn status_ui(&self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let map = self.doc.map();
            ui.label(format!(
                "{} nodes, {} flows",
                map.nodes.len(),
                map.flows.len()
            ));
            ui.separator();
            ui.label(format!("zoom {:.0}%", self.canvas.zoom() * 100.0));
            ui.separator();
            ui.label(
                self.doc
                    .path
                    .as_ref()
                    .map_or_else(|| "not saved yet".to_owned(), |p| p.display().to_string()),
            );
            if let Some((id, load)) = self.estimate.busiest() {
                ui.separator();
                let name = map.owners.get(id).map_or(id, |o| o.name.as_str());
                let text = if load.utilization >= 1.0 {
                    format!(
                        "{name} cannot keep up ({:.0}% offered)",
                        load.utilization * 100.0
                    )
                } else {
                    format!(
                        "busiest: {name} {:.0}% (estimate)",
                        load.utilization * 100.0
                    )
                };
                ui.label(RichText::new(text).color(theme::utilisation_colour(load.utilization)));
            }
            if let Some(status) = &self.status {
                ui.separator();
                ui.label(RichText::new(status).weak());
            }
        });
    }

    fn problems_ui(&mut self, ui: &mut Ui) {
        let errors = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        let warnings = self.problems.len() - errors;
        ui.horizontal(|ui| {
            ui.strong("Problems");
            if self.problems.is_empty() {
                ui.label(RichText::new("none: the map is valid").color(theme::GOOD));
            } else {
                ui.label(
                    RichText::new(format!("{errors} error(s)")).color(if errors > 0 {
                        theme::ERROR
                    } else {
                        theme::GOOD
                    }),
                );
                ui.label(RichText::new(format!("{warnings} warning(s)")).color(theme::WARNING));
            }
        });
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, true])
            .show(ui, |ui| {
                for problem in &self.problems {
                    let (mark, colour) = match problem.severity {
                        Severity::Error => ("error", theme::ERROR),
                        Severity::Warning => ("warning", theme::WARNING),
                    };
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(mark).color(colour).small().strong());
                        if ui
                            .selectable_label(
                                false,
                                format!("{}: {}", problem.subject, problem.message),
                            )
                            .clicked()
                        {
                            clicked = Some(problem.subject.clone());
                        }
                    });
                }
            });
        if let Some(subject) = clicked {
            let key = match subject {
                model::Subject::Node(id) => Some(Key::Node(id)),
                model::Subject::Flow { from, .. } => Some(Key::Node(from)),
                model::Subject::Service(id) => Some(Key::Service(id)),
                _ => None,
            };
            if let Some(key) = key.filter(|k| element_pos(self.doc.map(), k).is_some()) {
                self.select_and_centre(key);
            }
        }
    }

    fn find_ui(&mut self, ui: &mut Ui) {
        let map = self.doc.map();
        let mut close = false;
        let mut chosen: Option<Vec<Key>> = None;
        egui::Frame::new()
            .inner_margin(6.0)
            .fill(ui.visuals().panel_fill)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Find");
                    let query = self.find.get_or_insert_with(String::new);
                    let response = ui.add(
                        egui::TextEdit::singleline(query)
                            .hint_text("name or owner")
                            .id_salt("find-field")
                            .desired_width(220.0),
                    );
                    if !response.has_focus() && query.is_empty() {
                        response.request_focus();
                    }
                    let needle = query.to_lowercase();
                    let matches: Vec<(String, String)> = if needle.is_empty() {
                        Vec::new()
                    } else {
                        map.nodes
                            .iter()
                            .filter(|(_, n)| {
                                n.name().to_lowercase().contains(&needle)
                                    || n.owner()
                                        .and_then(|o| map.owners.get(o))
                                        .is_some_and(|o| o.name.to_lowercase().contains(&needle))
                            })
                            .map(|(id, n)| (id.clone(), n.name().to_owned()))
                            .collect()
                    };
                    ui.label(format!("{} match(es)", matches.len()));
                    if response.lost_focus()
                        && ui.input(|i| i.key_pressed(egui::Key::Enter))
                        && !matches.is_empty()
                    {
                        chosen = Some(
                            matches
                                .iter()
                                .map(|(id, _)| Key::Node(id.clone()))
                                .collect(),
                        );
                    }
                    for (id, name) in matches.iter().take(8) {
                        if ui.small_button(name).clicked() {
                            chosen = Some(vec![Key::Node(id.clone())]);
                        }
                    }
                    if ui.small_button("×").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        close = true;
                    }
                });
            });
        if let Some(keys) = chosen {
            if let Some(first) = keys.first() {
                if let Some(pos) = element_pos(self.doc.map(), first) {
                    self.canvas.centre_on(pos + egui::vec2(90.0, 40.0));
                }
            }
            self.select(keys);
        }
        if close {
            self.find = None;
        }
    }

    fn dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.dialog.clone() else {
            return;
        };
        let modal = egui::Modal::new(egui::Id::new("dialog")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            match dialog {
                Dialog::Unsaved(pending) => {
                    ui.heading("Unsaved changes");
                    ui.label(format!("Save the changes to \"{}\" first?", self.doc.map().title));
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            self.dialog = None;
                            if self.doc.path.is_some() {
                                if self.save() {
                                    self.perform(pending.clone(), ctx);
                                }
                            } else {
                                self.after_save = Some(pending.clone());
                                self.save_as_dialog();
                            }
                        }
                        if ui.button("Discard").clicked() {
                            self.dialog = None;
                            self.clear_recovery();
                            self.perform(pending.clone(), ctx);
                        }
                        if ui.button("Cancel").clicked() {
                            self.dialog = None;
                        }
                    });
                }
                Dialog::Error(message) => {
                    ui.heading("Something went wrong");
                    ui.label(message);
                    if ui.button("OK").clicked() {
                        self.dialog = None;
                    }
                }
                Dialog::Recover { map, source } => {
                    ui.heading("Restore unsaved work?");
                    ui.label(format!(
                        "Procmap found changes to \"{}\" that were not saved when it last closed{}.",
                        map.title,
                        source.as_ref().map_or_else(String::new, |s| format!(" ({})", s.display()))
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Restore").clicked() {
                            self.doc = Document::new(*map.clone(), source.clone());
                            self.doc.mark_unsaved();
                            self.after_load();
                            self.dialog = None;
                        }
                        if ui.button("Discard").clicked() {
                            self.clear_recovery();
                            self.dialog = None;
                        }
                    });
                }
                Dialog::DeleteOwner(id) => {
                    let name = self.doc.map().owners.get(&id).map_or(id.clone(), |o| o.name.clone());
                    let steps = self.doc.map().nodes.values().filter(|n| n.owner() == Some(id.as_str())).count();
                    ui.heading(format!("Delete {name}?"));
                    ui.label(format!("{steps} step(s) use this owner; they will have no owner (pure delays)."));
                    ui.horizontal(|ui| {
                        if ui.button("Delete").clicked() {
                            let edit = edit::delete_owner(self.doc.map(), &id);
                            self.commit("Delete owner", edit);
                            self.dialog = None;
                        }
                        if ui.button("Cancel").clicked() {
                            self.dialog = None;
                        }
                    });
                }
                Dialog::SimulationSettings => {
                    ui.heading("Simulation settings");
                    let mut settings = self.doc.map().simulation;
                    super::inspector::simulation_settings_ui(ui, "sim-settings-dialog", &mut settings);
                    if settings != self.doc.map().simulation {
                        self.doc.commit_merging("Change simulation settings", Edit::Simulation(settings), Some("map.simulation".into()));
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Run").clicked() {
                            self.dialog = None;
                            self.run_simulation();
                        }
                        if ui.button("Close").clicked() {
                            self.dialog = None;
                        }
                    });
                }
                Dialog::Shortcuts => {
                    ui.heading("Keyboard shortcuts");
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for command in Command::ALL {
                            let keys: Vec<String> = command
                                .shortcut()
                                .into_iter()
                                .chain(command.alternatives())
                                .map(|s| ctx.format_shortcut(&s))
                                .collect();
                            if keys.is_empty() {
                                continue;
                            }
                            ui.label(command.label());
                            ui.label(keys.join("  or  "));
                            ui.end_row();
                        }
                        ui.label("Pan");
                        ui.label("drag the background, scroll, or middle mouse");
                        ui.end_row();
                        ui.label("Zoom");
                        ui.label("Ctrl + scroll, or pinch");
                        ui.end_row();
                        ui.label("Select several");
                        ui.label("Shift + click, or drag a box with Shift");
                        ui.end_row();
                    });
                    if ui.button("Close").clicked() {
                        self.dialog = None;
                    }
                }
                Dialog::About => {
                    ui.heading("Procmap");
                    ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
                    ui.label("Map how work flows, find where it piles up, print the handbook.");
                    if ui.button("Close").clicked() {
                        self.dialog = None;
                    }
                }
            }
        });
        if modal.should_close()
            && matches!(
                self.dialog,
                Some(
                    Dialog::Shortcuts
                        | Dialog::About
                        | Dialog::Error(_)
                        | Dialog::SimulationSettings
                )
            )
        {
            self.dialog = None;
        }
    }
}

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// The PDF handbook.
    Pdf,
    /// The SVG diagram.
    Svg,
    /// Markdown with the SVG beside it.
    Markdown,
    /// The PDF handbook, opened in the system viewer for printing.
    Print,
}

/// Renders and writes an export; returns the message for the status bar. Runs on a worker
/// thread (the save dialog too).
fn export_job(
    map: &ProcessMap,
    results: Option<&crate::sim::SimResult>,
    kind: Export,
    stem: &str,
    folder: Option<PathBuf>,
) -> String {
    use crate::report::{handbook, markdown, pdf, svg};
    let (extension, filter) = match kind {
        Export::Pdf | Export::Print => ("pdf", "PDF document"),
        Export::Svg => ("svg", "SVG image"),
        Export::Markdown => ("md", "Markdown"),
    };
    let path = if kind == Export::Print {
        std::env::temp_dir().join(format!("procmap-{stem}.pdf"))
    } else {
        let mut dialog = rfd::FileDialog::new()
            .add_filter(filter, &[extension])
            .set_file_name(format!("{stem}.{extension}"));
        if let Some(folder) = folder {
            dialog = dialog.set_directory(folder);
        }
        match dialog.save_file() {
            Some(path) => path,
            None => return "Export cancelled.".to_owned(),
        }
    };
    let book = handbook::build(map, results, handbook::today());
    let written = match kind {
        Export::Pdf | Export::Print => pdf::render(&book, pdf::Paper::A4)
            .map_err(|e| e.to_string())
            .and_then(|bytes| io::write_atomic(&path, &bytes).map_err(|e| e.to_string())),
        Export::Svg => {
            io::write_atomic(&path, svg::diagram(map).as_bytes()).map_err(|e| e.to_string())
        }
        Export::Markdown => {
            let svg_path = path.with_extension("svg");
            let svg_name = svg_path.file_name().map_or_else(
                || "diagram.svg".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            io::write_atomic(&svg_path, svg::diagram(map).as_bytes())
                .and_then(|()| {
                    io::write_atomic(&path, markdown::render(&book, &svg_name).as_bytes())
                })
                .map_err(|e| e.to_string())
        }
    };
    if let Err(error) = written {
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

/// The edit that a new wire between two pins means, if any.
fn connect_edit(map: &ProcessMap, from: &Key, to: &Key, to_pin: usize) -> Option<Edit> {
    match (from, to, to_pin) {
        (Key::Node(a), Key::Node(b), 0) => {
            if map.flows.iter().any(|f| f.from == *a && f.to == *b) {
                return None;
            }
            Some(Edit::InsertFlow {
                index: usize::MAX,
                flow: Flow::new(a.clone(), b.clone()),
            })
        }
        (Key::Service(s), Key::Node(step), 1) => {
            let mut node = map.nodes.get(step)?.clone();
            if let Node::Step { uses, .. } = &mut node {
                if uses.contains(s) {
                    return None;
                }
                uses.push(s.clone());
            }
            Some(Edit::Node {
                id: step.clone(),
                node: Some(node),
            })
        }
        (Key::Service(dep), Key::Service(s), 0) if dep != s => {
            let mut service = map.services.get(s)?.clone();
            if service.depends_on.contains(dep) {
                return None;
            }
            service.depends_on.push(dep.clone());
            Some(Edit::Service {
                id: s.clone(),
                service: Some(service),
            })
        }
        _ => None,
    }
}

/// The edit that removing a wire means.
fn disconnect_edit(map: &ProcessMap, from: &Key, to: &Key, to_pin: usize) -> Option<Edit> {
    match (from, to, to_pin) {
        (Key::Node(a), Key::Node(b), 0) => {
            let index = map.flows.iter().position(|f| f.from == *a && f.to == *b)?;
            Some(Edit::RemoveFlow { index })
        }
        (Key::Service(s), Key::Node(step), 1) => {
            let mut node = map.nodes.get(step)?.clone();
            if let Node::Step { uses, .. } = &mut node {
                uses.retain(|u| u != s);
            }
            Some(Edit::Node {
                id: step.clone(),
                node: Some(node),
            })
        }
        (Key::Service(dep), Key::Service(s), 0) => {
            let mut service = map.services.get(s)?.clone();
            service.depends_on.retain(|d| d != dep);
            Some(Edit::Service {
                id: s.clone(),
                service: Some(service),
            })
        }
        _ => None,
    }
}

/// Removes every link on one side of an element: outgoing (`pin` = None) or into an input pin.
fn drop_links(map: &ProcessMap, key: &Key, pin: Option<usize>) -> Edit {
    let mut edits = Vec::new();
    match (key, pin) {
        (Key::Node(id), None) => {
            for (index, flow) in map.flows.iter().enumerate().rev() {
                if flow.from == *id {
                    edits.push(Edit::RemoveFlow { index });
                }
            }
        }
        (Key::Node(id), Some(0)) => {
            for (index, flow) in map.flows.iter().enumerate().rev() {
                if flow.to == *id {
                    edits.push(Edit::RemoveFlow { index });
                }
            }
        }
        (Key::Node(id), Some(_)) => {
            if let Some(Node::Step { .. }) = map.nodes.get(id) {
                let mut node = map.nodes.get(id).cloned();
                if let Some(Node::Step { uses, .. }) = &mut node {
                    uses.clear();
                }
                edits.push(Edit::Node {
                    id: id.clone(),
                    node,
                });
            }
        }
        (Key::Service(id), None) => {
            for (sid, node) in &map.nodes {
                if let Node::Step { uses, .. } = node {
                    if uses.contains(id) {
                        let mut node = node.clone();
                        if let Node::Step { uses, .. } = &mut node {
                            uses.retain(|u| u != id);
                        }
                        edits.push(Edit::Node {
                            id: sid.clone(),
                            node: Some(node),
                        });
                    }
                }
            }
            for (sid, service) in &map.services {
                if service.depends_on.contains(id) {
                    let mut service = service.clone();
                    service.depends_on.retain(|d| d != id);
                    edits.push(Edit::Service {
                        id: sid.clone(),
                        service: Some(service),
                    });
                }
            }
        }
        (Key::Service(id), Some(_)) => {
            if let Some(service) = map.services.get(id) {
                edits.push(Edit::Service {
                    id: id.clone(),
                    service: Some(Service {
                        depends_on: Vec::new(),
                        ..service.clone()
                    }),
                });
            }
        }
    }
    Edit::Batch(edits)
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
