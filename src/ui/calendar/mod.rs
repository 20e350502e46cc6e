//! Working calendars in the editor: the sidebar list (`list`), the calendar editor window (this
//! file: name, the week grid, the shift list with capacities, closed dates), the week grid
//! itself (`grid`, arithmetic in `shape`), and the calendar picker the inspector uses
//! (`pickers`). Every change is an `Edit::Calendar` returned as a [`Change`]; a drag on the
//! grid carries a gesture merge key, so one drag is one undo step.

mod grid;
mod list;
mod pickers;
mod shape;

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;

use egui::{RichText, Ui};

use crate::model::calendar::first_overlap;
use crate::model::{Calendar, Date, Edit, Node, ProcessMap, Shift, TimeOfDay};
use crate::ui::history::{Field, MergeKey, MergeTarget};
use crate::ui::inspector::Change;
use crate::ui::theme;
pub use grid::DAY_LABELS;
pub use list::calendars_ui;
pub use pickers::{calendar_picker, hours_per_week_text, parsed_field};

/// The calendar editor's state: which calendar is open, the drag on its grid, drafts of the
/// text fields.
#[derive(Default)]
pub struct CalendarEditor {
    /// The id of the calendar being edited (the window is open while this is set).
    pub open: Option<String>,
    drag: Option<grid::Drag>,
    gesture: u64,
    selected: Option<usize>,
    drafts: HashMap<String, String>,
    errors: HashMap<String, String>,
    new_date: String,
    date_error: Option<String>,
}

impl CalendarEditor {
    /// Opens the editor on calendar `id`.
    pub fn open(&mut self, id: &str) {
        if self.open.as_deref() != Some(id) {
            *self = Self {
                open: Some(id.to_owned()),
                gesture: self.gesture,
                ..Self::default()
            };
        }
    }

    /// Shows the editor window when a calendar is open; returns the changes to commit.
    pub fn window_ui(&mut self, ctx: &egui::Context, map: &ProcessMap) -> Vec<Change> {
        let mut changes = Vec::new();
        let Some(id) = self.open.clone() else {
            return changes;
        };
        let Some(calendar) = map.calendars.get(&id) else {
            // Deleted (or its addition undone): nothing to edit.
            self.open = None;
            return changes;
        };
        let mut open = true;
        egui::Window::new(format!("Calendar: {}", calendar.name))
            .id(egui::Id::new("calendar-editor"))
            .open(&mut open)
            .default_size([820.0, 640.0])
            .default_pos(ctx.content_rect().left_top() + egui::vec2(330.0, 60.0))
            .resizable(true)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        self.editor_ui(ui, map, &id, calendar, &mut changes);
                    });
            });
        if !open {
            self.open = None;
            self.drag = None;
        }
        changes
    }

    fn editor_ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        id: &str,
        calendar: &Calendar,
        changes: &mut Vec<Change>,
    ) {
        let set = |calendar: Calendar| Edit::Calendar {
            id: id.to_owned(),
            calendar: Some(calendar),
        };
        let key = |field| Some(MergeKey::new(MergeTarget::Calendar(id.to_owned()), field));
        ui.horizontal(|ui| {
            ui.label("Name");
            let mut name = calendar.name.clone();
            if ui
                .add(egui::TextEdit::singleline(&mut name).id_salt(("calendar-editor-name", id)))
                .changed()
            {
                let mut new = calendar.clone();
                new.name = name;
                changes.push(Change {
                    label: "Rename calendar".into(),
                    edit: set(new),
                    merge: key(Field::Name),
                });
            }
            ui.label(
                RichText::new(format!(
                    "open {} · {}",
                    hours_per_week_text(calendar.hours_per_week()),
                    users(map, id)
                ))
                .weak(),
            );
            if ui
                .button("Delete calendar")
                .on_hover_text("What uses it works around the clock again (one undo step)")
                .clicked()
            {
                changes.push(Change {
                    label: "Delete calendar".into(),
                    edit: crate::model::edit::delete_calendar(map, id),
                    merge: None,
                });
            }
        });
        ui.label(
            RichText::new(
                "Drag on empty cells to draw a shift; drag a bar to move it (up or down changes \
                 its days) or its ends to resize it. Times snap to 15 minutes.",
            )
            .weak(),
        );
        let out = grid::week_grid_ui(
            ui,
            calendar,
            &mut self.drag,
            &mut self.gesture,
            self.selected,
        );
        if let Some(index) = out.clicked {
            self.selected = Some(index);
        }
        if let Some(week) = out.week {
            let label = if week.len() > calendar.week.len() {
                "Draw shift"
            } else {
                "Change shift"
            };
            changes.push(Change {
                label: label.into(),
                edit: set(Calendar {
                    week,
                    ..calendar.clone()
                }),
                merge: key(Field::Gesture(out.gesture)),
            });
        }
        if let Some((a, b, day)) = first_overlap(&calendar.windows(1)) {
            ui.label(
                RichText::new(format!(
                    "Shifts {} and {} overlap on {day}: shifts of one calendar must not overlap.",
                    a + 1,
                    b + 1
                ))
                .color(theme::ERROR),
            );
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new("Shifts").strong());
            if ui
                .button("+ Add shift")
                .on_hover_text("Add a shift in the first free slot of a working week")
                .clicked()
            {
                let mut new = calendar.clone();
                new.week.push(free_shift(&calendar.week));
                self.selected = Some(new.week.len() - 1);
                changes.push(Change {
                    label: "Add shift".into(),
                    edit: set(new),
                    merge: None,
                });
            }
        });
        if let Some(week) = self.shifts_ui(ui, id, &calendar.week) {
            changes.push(Change {
                label: "Change shift".into(),
                edit: set(Calendar {
                    week,
                    ..calendar.clone()
                }),
                merge: key(Field::Shifts),
            });
        }
        ui.add_space(6.0);
        if let Some(closed) = self.closed_ui(ui, &calendar.closed) {
            changes.push(Change {
                label: "Change closed dates".into(),
                edit: set(Calendar {
                    closed,
                    ..calendar.clone()
                }),
                merge: None,
            });
        }
    }

    /// The shift list: days, from, to, capacity, hours, delete. Returns the new week when it
    /// changed.
    fn shifts_ui(&mut self, ui: &mut Ui, id: &str, week: &[Shift]) -> Option<Vec<Shift>> {
        if week.is_empty() {
            ui.label(RichText::new("No shifts: this calendar is never open.").weak());
            return None;
        }
        let mut result = None;
        egui::Grid::new(("shift-list", id))
            .num_columns(7)
            .striped(true)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for title in [
                    "#",
                    "Days",
                    "From",
                    "To",
                    "People on shift",
                    "Hours/week",
                    "",
                ] {
                    ui.label(RichText::new(title).small().strong());
                }
                ui.end_row();
                for (index, shift) in week.iter().enumerate() {
                    let mut new = *shift;
                    let number = RichText::new(format!("{}", index + 1));
                    if ui
                        .selectable_label(self.selected == Some(index), number)
                        .clicked()
                    {
                        self.selected = Some(index);
                    }
                    let field = format!("{id}.{index}");
                    if let Some(days) =
                        self.parsed(ui, &format!("{field}.days"), &shift.days, 120.0)
                    {
                        new.days = days;
                    }
                    if let Some(from) = self.parsed(ui, &format!("{field}.from"), &shift.from, 50.0)
                    {
                        new.from = from;
                    }
                    if let Some(to) = self.parsed(ui, &format!("{field}.to"), &shift.to, 50.0) {
                        new.to = to;
                    }
                    ui.horizontal(|ui| {
                        let mut own = shift.capacity.is_some();
                        if ui
                            .checkbox(&mut own, "own")
                            .on_hover_text(
                                "A capacity of its own: how many people work in this shift, \
                                 instead of the owner's capacity",
                            )
                            .changed()
                        {
                            new.capacity = own.then_some(1);
                        }
                        if let Some(mut capacity) = shift.capacity {
                            if ui
                                .add(egui::DragValue::new(&mut capacity).range(1..=10_000))
                                .on_hover_text("People on shift while it runs")
                                .changed()
                            {
                                new.capacity = Some(capacity);
                            }
                        } else {
                            ui.label(RichText::new("owner's").weak());
                        }
                    });
                    ui.label(format!("{:.1}", shift.hours_per_week()));
                    if ui
                        .small_button("🗑")
                        .on_hover_text(format!("Delete shift {}", index + 1))
                        .clicked()
                    {
                        let mut rest = week.to_vec();
                        rest.remove(index);
                        self.selected = None;
                        result = Some(rest);
                    } else if new != *shift {
                        let mut changed = week.to_vec();
                        if let Some(slot) = changed.get_mut(index) {
                            *slot = new;
                        }
                        result = Some(changed);
                    }
                    ui.end_row();
                    for part in ["days", "from", "to"] {
                        if let Some(error) = self.errors.get(&format!("{field}.{part}")) {
                            ui.label("");
                            ui.label(RichText::new(error).small().color(theme::ERROR));
                            ui.end_row();
                        }
                    }
                }
            });
        result
    }

    /// Closed dates: the list with remove buttons and a field to add one. Returns the new list
    /// when it changed.
    fn closed_ui(&mut self, ui: &mut Ui, closed: &[Date]) -> Option<Vec<Date>> {
        let mut result = None;
        ui.label(RichText::new("Closed dates").strong());
        if closed.is_empty() {
            ui.label(
                RichText::new("None: open every week of the year.")
                    .weak()
                    .small(),
            );
        }
        ui.horizontal_wrapped(|ui| {
            for (index, date) in closed.iter().enumerate() {
                egui::Frame::group(ui.style())
                    .inner_margin(egui::Margin::symmetric(6, 2))
                    .show(ui, |ui| {
                        ui.horizontal(|ui| {
                            let weekday = DAY_LABELS
                                .get(usize::from(date.weekday()))
                                .copied()
                                .unwrap_or_default();
                            ui.label(format!("{date} {weekday}"));
                            if ui
                                .small_button("×")
                                .on_hover_text(format!("Remove the closed date {date}"))
                                .clicked()
                            {
                                let mut rest = closed.to_vec();
                                rest.remove(index);
                                result = Some(rest);
                            }
                        });
                    });
            }
        });
        ui.horizontal(|ui| {
            let response = ui.add(
                egui::TextEdit::singleline(&mut self.new_date)
                    .id_salt("closed-date-new")
                    .hint_text("YYYY-MM-DD")
                    .desired_width(100.0)
                    .text_color_opt(self.date_error.as_ref().map(|_| theme::ERROR)),
            );
            if response.changed() {
                self.date_error = None;
            }
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Add closed date").clicked() || enter {
                match self.new_date.trim().parse::<Date>() {
                    Ok(date) if closed.contains(&date) => {
                        self.date_error = Some(format!("{date} is closed already."));
                    }
                    Ok(date) => {
                        let mut dates = closed.to_vec();
                        dates.push(date);
                        dates.sort();
                        result = Some(dates);
                        self.new_date.clear();
                        self.date_error = None;
                    }
                    Err(error) => self.date_error = Some(error.to_string()),
                }
            }
        });
        if let Some(error) = &self.date_error {
            ui.label(RichText::new(error).small().color(theme::ERROR));
        }
        result
    }

    fn parsed<T>(&mut self, ui: &mut Ui, key: &str, value: &T, width: f32) -> Option<T>
    where
        T: FromStr + Display + PartialEq,
        T::Err: Display,
    {
        parsed_field(ui, &mut self.drafts, &mut self.errors, key, value, width)
    }
}

/// A new shift for "Add shift": the first of a few usual shifts that overlaps none of `week`.
fn free_shift(week: &[Shift]) -> Shift {
    let candidates = [
        ("Mon-Fri", "09:00", "17:00"),
        ("Sat", "09:00", "13:00"),
        ("Mon-Fri", "17:00", "21:00"),
        ("Sun", "09:00", "13:00"),
        ("Mon-Fri", "06:00", "09:00"),
    ];
    let make = |(d, f, t): (&str, &str, &str)| {
        Some(Shift::new(
            d.parse().ok()?,
            f.parse().ok()?,
            t.parse().ok()?,
        ))
    };
    let all: Vec<Shift> = candidates.into_iter().filter_map(make).collect();
    all.iter()
        .find(|candidate| {
            let mut with = week.to_vec();
            with.push(**candidate);
            shape::overlapping(&with).is_empty()
        })
        .or(all.first())
        .copied()
        .unwrap_or_else(|| {
            Shift::new(
                crate::model::Days::WEEKDAYS,
                TimeOfDay::hm(9, 0),
                TimeOfDay::hm(17, 0),
            )
        })
}

/// Who uses calendar `id`, as a short phrase ("used by Warehouse crew and 2 more", "not used
/// yet").
fn users(map: &ProcessMap, id: &str) -> String {
    let named = |c: &Option<String>| c.as_deref() == Some(id);
    let mut names: Vec<String> = Vec::new();
    for owner in map.owners.values() {
        if named(&owner.calendar) {
            names.push(owner.name.clone());
        }
    }
    for node in map.nodes.values() {
        let sla_uses = matches!(node, Node::Step { sla: Some(sla), .. } if named(&sla.calendar));
        if node.calendar() == Some(id) || sla_uses {
            names.push(node.name().to_owned());
        }
    }
    for service in map.services.values() {
        if named(&service.maintenance) {
            names.push(format!("{} (maintenance)", service.name));
        }
    }
    if map.sla.as_ref().is_some_and(|s| named(&s.calendar)) {
        names.push("the end-to-end SLA".to_owned());
    }
    match names.as_slice() {
        [] => "not used yet".to_owned(),
        [one] => format!("used by {one}"),
        [one, two] => format!("used by {one} and {two}"),
        [one, rest @ ..] => format!("used by {one} and {} more", rest.len()),
    }
}
