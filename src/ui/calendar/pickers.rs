//! The calendar picker the inspector and the sidebar share: a combo of "none" (always, elapsed
//! time) and the map's calendars with their hours per week.

use std::hash::Hash;

use egui::Ui;

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

/// A combo choosing a calendar for `current`: `none` names the choice without one. Returns the
/// new choice when the user changed it (`Some(None)`: none).
#[allow(clippy::option_option, reason = "changed-or-not of an optional value")]
pub fn calendar_picker(
    ui: &mut Ui,
    salt: impl Hash + std::fmt::Debug,
    map: &ProcessMap,
    current: Option<&str>,
    none: &str,
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
        .width(ui.available_width().clamp(80.0, 200.0))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, none);
            for (id, calendar) in &map.calendars {
                ui.selectable_value(&mut chosen, Some(id.clone()), &calendar.name)
                    .on_hover_text(hours_per_week_text(calendar.hours_per_week()));
            }
        });
    (chosen.as_deref() != current).then_some(chosen)
}
