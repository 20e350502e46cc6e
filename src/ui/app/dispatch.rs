//! Commands: what a menu item or shortcut runs, and the keyboard handling that finds them.

use super::export::Export;
use super::{App, Dialog, Pending};
use crate::model::ElementRef;
use crate::model::edit::Fragment;
use crate::report::export::Format;
use crate::ui::commands::UiCommand;
use crate::ui::plan::Tab;

impl App {
    /// Runs a command.
    pub fn run(&mut self, command: UiCommand, ctx: &egui::Context) {
        match command {
            UiCommand::New => self.guard(Pending::New, ctx),
            UiCommand::Open => self.guard(Pending::OpenDialog, ctx),
            UiCommand::ImportLog => self.import_log_dialog(),
            UiCommand::Save => {
                self.save();
            }
            UiCommand::SaveAs => self.save_as_dialog(),
            UiCommand::Quit => self.guard(Pending::Quit, ctx),
            UiCommand::ExportPdf => self.export(Export::File(Format::Pdf)),
            UiCommand::ExportSvg => self.export(Export::File(Format::Svg)),
            UiCommand::ExportMarkdown => self.export(Export::File(Format::Markdown)),
            UiCommand::ExportBpmn => self.export(Export::File(Format::Bpmn)),
            UiCommand::Arrange => self.arrange(crate::model::layout::Options::default()),
            UiCommand::ArrangeInLanes => {
                self.arrange(crate::model::layout::Options { lanes: true });
            }
            UiCommand::Print => self.export(Export::Print),
            UiCommand::Undo => {
                if let Some(label) = self.doc.undo() {
                    self.status = Some(format!("Undid: {label}"));
                    self.prune_selection();
                }
            }
            UiCommand::Redo => {
                if let Some(label) = self.doc.redo() {
                    self.status = Some(format!("Redid: {label}"));
                    self.prune_selection();
                }
            }
            UiCommand::Cut => {
                self.copy_selection(ctx);
                self.delete_selection();
            }
            UiCommand::Copy => self.copy_selection(ctx),
            UiCommand::Paste => {
                if let Some(fragment) = self.clipboard.clone() {
                    self.paste(&fragment, "Paste");
                }
            }
            UiCommand::Duplicate => {
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
            UiCommand::Delete => self.delete_selection(),
            UiCommand::SelectAll => {
                let keys: Vec<ElementRef> = self.doc.map().elements().collect();
                self.select(keys);
            }
            UiCommand::Find => self.find = Some(self.find.take().unwrap_or_default()),
            UiCommand::Fit => self.canvas.request_fit(),
            UiCommand::ZoomIn => self.canvas.zoom_by(1.25),
            UiCommand::ZoomOut => self.canvas.zoom_by(0.8),
            UiCommand::ResetZoom => self.canvas.set_scaling(1.0),
            UiCommand::ToggleTheme => self.dark = !self.dark,
            UiCommand::ShowEvidence => {
                self.discover.show_evidence = self.discover.evidence.is_some();
            }
            UiCommand::RunSimulation => self.run_simulation(),
            UiCommand::CancelSimulation => self.sim.cancel(),
            UiCommand::SimulationSettings => self.dialog = Some(Dialog::SimulationSettings),
            UiCommand::OptimiseStaffing => self.plan.open_tab(Tab::Staffing, self.doc.map()),
            UiCommand::Headroom => self.plan.open_tab(Tab::Headroom, self.doc.map()),
            UiCommand::Sensitivity => self.plan.open_tab(Tab::Sensitivity, self.doc.map()),
            UiCommand::Shortcuts => self.dialog = Some(Dialog::Shortcuts),
            UiCommand::About => self.dialog = Some(Dialog::About),
        }
    }

    pub(super) fn handle_keys(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let typing = ctx.egui_wants_keyboard_input();
        // egui turns Ctrl+C/X/V into clipboard events on desktop.
        if !typing {
            let events = ctx.input(|i| i.events.clone());
            for event in events {
                match event {
                    egui::Event::Copy => self.run(UiCommand::Copy, ctx),
                    egui::Event::Cut => self.run(UiCommand::Cut, ctx),
                    egui::Event::Paste(text) => {
                        if let Ok(fragment) = ron::from_str::<Fragment>(&text) {
                            self.paste(&fragment, "Paste");
                        } else {
                            self.run(UiCommand::Paste, ctx);
                        }
                    }
                    _ => {}
                }
            }
        }
        for command in UiCommand::keyboard_order() {
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
}
