//! The calendar picker the inspector and the sidebar share: a combo of "none" (always, elapsed
//! time) and the map's calendars with their hours per week.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::{BuildHasher, Hash};
use std::str::FromStr;

use egui::Ui;

use crate::ui::theme;

use crate::model::ProcessMap;

/// "37.5 h/week" (whole numbers without decimals).
#[must_use]
pub fn hours_per_week_text(hours: f64) -> String {
    if (hours - hours.round()).abs() < 1e-9 {
        format!("{hours:.0} h/week")
    } else {
        format!("{hours:.1} h/week")
    }
}

/// A combo `width` wide choosing a calendar for `current`: `none` names the choice without
/// one. Returns the new choice when the user changed it (`Some(None)`: none).
#[allow(clippy::option_option, reason = "changed-or-not of an optional value")]
pub fn calendar_picker(
    ui: &mut Ui,
    salt: impl Hash + std::fmt::Debug,
    map: &ProcessMap,
    current: Option<&str>,
    none: &str,
    width: f32,
) -> Option<Option<String>> {
    let selected = match current {
        None => none.to_owned(),
        Some(id) => match map.calendars.get(id) {
            Some(c) => c.name.clone(),
            None => format!("{id} (missing)"),
        },
    };
    let mut chosen = current.map(str::to_owned);
    egui::ComboBox::from_id_salt(("calendar-picker", salt))
        .selected_text(selected)
        .width(width)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, none);
            for (id, calendar) in &map.calendars {
                ui.selectable_value(&mut chosen, Some(id.clone()), &calendar.name)
                    .on_hover_text(hours_per_week_text(calendar.hours_per_week()));
            }
        });
    (chosen.as_deref() != current).then_some(chosen)
}

/// A text field for a value written as text (days, a time of day, a date): keeps a draft in
/// `drafts` while focused, keeps the parse error of an unreadable draft in `errors` (shown in
/// red; the caller shows the message), and returns a changed valid value when the field loses
/// focus.
pub fn parsed_field<T, S: BuildHasher>(
    ui: &mut Ui,
    drafts: &mut HashMap<String, String, S>,
    errors: &mut HashMap<String, String, S>,
    key: &str,
    value: &T,
    width: f32,
) -> Option<T>
where
    T: FromStr + Display + PartialEq,
    T::Err: Display,
{
    let text = value.to_string();
    let widget_id = ui.make_persistent_id(("parsed-text", key));
    let focused = ui.memory(|m| m.has_focus(widget_id));
    let draft = drafts.entry(key.to_owned()).or_insert_with(|| text.clone());
    if !focused && !errors.contains_key(key) && *draft != text {
        draft.clone_from(&text);
    }
    let error = errors.contains_key(key);
    let response = ui.add(
        egui::TextEdit::singleline(draft)
            .id(widget_id)
            .desired_width(width)
            .min_size(egui::vec2(width, 0.0))
            .text_color_opt(error.then_some(theme::ERROR)),
    );
    if !response.lost_focus() {
        return None;
    }
    match draft.parse::<T>() {
        Ok(parsed) => {
            errors.remove(key);
            *draft = parsed.to_string();
            (parsed != *value).then_some(parsed)
        }
        Err(e) => {
            errors.insert(key.to_owned(), e.to_string());
            None
        }
    }
}
