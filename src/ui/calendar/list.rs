//! The calendars section of the sidebar: each calendar with its name and hours per week; add,
//! rename, open in the editor, delete.

use std::fmt::Write as _;

use egui::{RichText, Ui};

use super::pickers::hours_per_week_text;
use crate::model::{Edit, ProcessMap};
use crate::ui::history::{Field, MergeKey, MergeTarget};
use crate::ui::inspector::Change;
use crate::ui::sidebar::SidebarAction;

/// Shows the calendars and pushes what the user asked for.
pub fn calendars_ui(ui: &mut Ui, map: &ProcessMap, actions: &mut Vec<SidebarAction>) {
    ui.horizontal(|ui| {
        ui.heading("Calendars");
        if ui
            .button("+ Add calendar")
            .on_hover_text("Add a working calendar (weekly shifts and closed dates)")
            .clicked()
        {
            actions.push(SidebarAction::AddCalendar);
        }
    });
    if map.calendars.is_empty() {
        ui.label(
            RichText::new("No calendars: everything works around the clock.")
                .weak()
                .small(),
        );
    }
    for (id, calendar) in &map.calendars {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            ui.horizontal(|ui| {
                let mut name = calendar.name.clone();
                let response = ui.add(
                    egui::TextEdit::singleline(&mut name)
                        .desired_width(ui.available_width() - 72.0)
                        .id_salt(("calendar-name", id)),
                );
                if response.changed() {
                    let mut new = calendar.clone();
                    new.name = name;
                    actions.push(SidebarAction::Change(Change {
                        label: "Rename calendar".into(),
                        edit: Edit::Calendar {
                            id: id.clone(),
                            calendar: Some(new),
                        },
                        merge: Some(MergeKey::new(
                            MergeTarget::Calendar(id.clone()),
                            Field::Name,
                        )),
                    }));
                }
                if ui
                    .small_button("✏")
                    .on_hover_text(format!("Edit the shifts of {}", calendar.name))
                    .clicked()
                {
                    actions.push(SidebarAction::EditCalendar(id.clone()));
                }
                if ui
                    .small_button("🗑")
                    .on_hover_text(format!(
                        "Delete {} (what uses it works around the clock again)",
                        calendar.name
                    ))
                    .clicked()
                {
                    actions.push(SidebarAction::DeleteCalendar(id.clone()));
                }
            });
            let mut detail = format!(
                "{} · {} shift{}",
                hours_per_week_text(calendar.hours_per_week()),
                calendar.week.len(),
                if calendar.week.len() == 1 { "" } else { "s" }
            );
            if !calendar.closed.is_empty() {
                let _ = write!(detail, " · {} closed", calendar.closed.len());
            }
            if ui
                .add(egui::Label::new(RichText::new(detail).small()).sense(egui::Sense::click()))
                .on_hover_text("Click to edit its shifts")
                .clicked()
            {
                actions.push(SidebarAction::EditCalendar(id.clone()));
            }
        });
    }
}
