//! User commands: one list that the menus, the keyboard and the help window share.

use egui::{Key, KeyboardShortcut, Modifiers};

/// Something the user can ask for from a menu or the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiCommand {
    /// A new, empty map.
    New,
    /// Open a map file.
    Open,
    /// Read an event log (CSV, XES) and discover its map.
    ImportLog,
    /// Save to the current file.
    Save,
    /// Save to a new file.
    SaveAs,
    /// Leave the app.
    Quit,
    /// Write the PDF handbook.
    ExportPdf,
    /// Write the diagram as SVG.
    ExportSvg,
    /// Write the handbook as Markdown.
    ExportMarkdown,
    /// Write the map as BPMN 2.0 XML.
    ExportBpmn,
    /// Print the handbook (opens the PDF in the system viewer).
    Print,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Cut the selection.
    Cut,
    /// Copy the selection.
    Copy,
    /// Paste what was copied.
    Paste,
    /// Duplicate the selection.
    Duplicate,
    /// Delete the selection.
    Delete,
    /// Select every element.
    SelectAll,
    /// Find elements by name or owner.
    Find,
    /// Lay the map out again (one undo step).
    Arrange,
    /// Lay the map out again with owners as horizontal lanes (one undo step).
    ArrangeInLanes,
    /// Frame the whole map.
    Fit,
    /// Zoom in.
    ZoomIn,
    /// Zoom out.
    ZoomOut,
    /// Zoom to 100%.
    ResetZoom,
    /// Switch between light and dark.
    ToggleTheme,
    /// Show the as-is evidence of the imported event log.
    ShowEvidence,
    /// Simulate the map.
    RunSimulation,
    /// Stop the running simulation.
    CancelSimulation,
    /// Cases, replications, warm-up, seed.
    SimulationSettings,
    /// The cheapest staffing that meets every SLA (or the fastest within a budget).
    OptimiseStaffing,
    /// p90 and SLAs under more and less load.
    Headroom,
    /// Which single change helps most.
    Sensitivity,
    /// List the keyboard shortcuts.
    Shortcuts,
    /// About Procmap.
    About,
}

impl UiCommand {
    /// Every command, in menu order.
    pub const ALL: [Self; 36] = [
        Self::New,
        Self::Open,
        Self::ImportLog,
        Self::Save,
        Self::SaveAs,
        Self::ExportPdf,
        Self::ExportSvg,
        Self::ExportMarkdown,
        Self::ExportBpmn,
        Self::Print,
        Self::Quit,
        Self::Undo,
        Self::Redo,
        Self::Cut,
        Self::Copy,
        Self::Paste,
        Self::Duplicate,
        Self::Delete,
        Self::SelectAll,
        Self::Find,
        Self::Arrange,
        Self::ArrangeInLanes,
        Self::Fit,
        Self::ZoomIn,
        Self::ZoomOut,
        Self::ResetZoom,
        Self::ToggleTheme,
        Self::ShowEvidence,
        Self::RunSimulation,
        Self::CancelSimulation,
        Self::SimulationSettings,
        Self::OptimiseStaffing,
        Self::Headroom,
        Self::Sensitivity,
        Self::Shortcuts,
        Self::About,
    ];

    /// Menu label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Open => "Open…",
            Self::ImportLog => "Import event log…",
            Self::Save => "Save",
            Self::SaveAs => "Save As…",
            Self::Quit => "Quit",
            Self::ExportPdf => "PDF handbook…",
            Self::ExportSvg => "SVG diagram…",
            Self::ExportMarkdown => "Markdown…",
            Self::ExportBpmn => "BPMN 2.0…",
            Self::Arrange => "Arrange",
            Self::ArrangeInLanes => "Arrange in owner lanes",
            Self::Print => "Print…",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::Cut => "Cut",
            Self::Copy => "Copy",
            Self::Paste => "Paste",
            Self::Duplicate => "Duplicate",
            Self::Delete => "Delete",
            Self::SelectAll => "Select All",
            Self::Find => "Find…",
            Self::Fit => "Fit map",
            Self::ZoomIn => "Zoom in",
            Self::ZoomOut => "Zoom out",
            Self::ResetZoom => "Reset zoom",
            Self::ToggleTheme => "Light/Dark",
            Self::ShowEvidence => "As-is evidence",
            Self::RunSimulation => "Run",
            Self::CancelSimulation => "Cancel",
            Self::SimulationSettings => "Settings…",
            Self::OptimiseStaffing => "Optimise staffing…",
            Self::Headroom => "Headroom…",
            Self::Sensitivity => "What to improve first…",
            Self::Shortcuts => "Keyboard shortcuts",
            Self::About => "About Procmap",
        }
    }

    /// The keyboard shortcut, if any. Shift variants come first in [`UiCommand::ALL`] matching
    /// (see [`UiCommand::keyboard_order`]) because egui ignores extra Shift when matching.
    #[must_use]
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let cmd = |key| Some(KeyboardShortcut::new(Modifiers::COMMAND, key));
        let cmd_shift = |key| {
            Some(KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                key,
            ))
        };
        let plain = |key| Some(KeyboardShortcut::new(Modifiers::NONE, key));
        match self {
            Self::New => cmd(Key::N),
            Self::Open => cmd(Key::O),
            Self::Save => cmd(Key::S),
            Self::SaveAs => cmd_shift(Key::S),
            Self::Quit => cmd(Key::Q),
            Self::Print => cmd(Key::P),
            Self::Undo => cmd(Key::Z),
            Self::Redo => cmd_shift(Key::Z),
            Self::Cut => cmd(Key::X),
            Self::Copy => cmd(Key::C),
            Self::Paste => cmd(Key::V),
            Self::Duplicate => cmd(Key::D),
            Self::Delete => plain(Key::Delete),
            Self::SelectAll => cmd(Key::A),
            Self::Find => cmd(Key::F),
            Self::Fit => plain(Key::F),
            Self::ZoomIn => plain(Key::Plus),
            Self::ZoomOut => plain(Key::Minus),
            Self::ResetZoom => cmd(Key::Num0),
            Self::RunSimulation => plain(Key::F5),
            Self::ToggleTheme
            | Self::ImportLog
            | Self::ShowEvidence
            | Self::Arrange
            | Self::ArrangeInLanes
            | Self::ExportBpmn
            | Self::ExportPdf
            | Self::ExportSvg
            | Self::ExportMarkdown
            | Self::CancelSimulation
            | Self::SimulationSettings
            | Self::OptimiseStaffing
            | Self::Headroom
            | Self::Sensitivity
            | Self::Shortcuts
            | Self::About => None,
        }
    }

    /// Extra shortcuts beyond the main one (Ctrl+Y for redo, = for zoom in, Backspace deletes).
    #[must_use]
    pub fn alternatives(self) -> Vec<KeyboardShortcut> {
        match self {
            Self::Redo => vec![KeyboardShortcut::new(Modifiers::COMMAND, Key::Y)],
            Self::ZoomIn => vec![KeyboardShortcut::new(Modifiers::NONE, Key::Equals)],
            Self::Delete => vec![KeyboardShortcut::new(Modifiers::NONE, Key::Backspace)],
            _ => Vec::new(),
        }
    }

    /// True for commands that act on the canvas and must not steal keys from a text field.
    #[must_use]
    pub fn needs_canvas_focus(self) -> bool {
        matches!(
            self,
            Self::Undo
                | Self::Redo
                | Self::Cut
                | Self::Copy
                | Self::Paste
                | Self::Duplicate
                | Self::Delete
                | Self::SelectAll
                | Self::Fit
                | Self::ZoomIn
                | Self::ZoomOut
        )
    }

    /// Commands in the order their shortcuts must be tested: those with Shift first.
    #[must_use]
    pub fn keyboard_order() -> Vec<Self> {
        let mut all: Vec<Self> = Self::ALL.to_vec();
        all.sort_by_key(|c| !c.shortcut().is_some_and(|s| s.modifiers.shift));
        all
    }
}
