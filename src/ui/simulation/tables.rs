//! The sortable step and owner tables of the results panel and their CSV copies. Columns come
//! from the metric tables in `report::metrics`.

use std::fmt::Write as _;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::Outcome;
use crate::report::metrics::{self, Metric};
use crate::ui::theme;

/// Which column a table is sorted by, and the direction.
#[derive(Clone, Copy, Default)]
pub(super) struct Sort {
    column: usize,
    descending: bool,
}

/// A sortable header cell: a click sorts by it, a second click reverses.
fn header(ui: &mut Ui, label: &str, index: usize, sort: &mut Sort) {
    let arrow = if sort.column == index {
        if sort.descending { " v" } else { " ^" }
    } else {
        ""
    };
    if ui
        .button(RichText::new(format!("{label}{arrow}")).strong())
        .clicked()
    {
        if sort.column == index {
            sort.descending = !sort.descending;
        } else {
            *sort = Sort {
                column: index,
                descending: index > 0,
            };
        }
    }
}

fn sort_rows<T>(rows: &mut [T], sort: Sort, key: impl Fn(&T, usize) -> SortKey) {
    rows.sort_by(|a, b| {
        let order = key(a, sort.column).cmp(&key(b, sort.column));
        if sort.descending {
            order.reverse()
        } else {
            order
        }
    });
}

#[derive(PartialEq)]
enum SortKey {
    Text(String),
    Number(f64),
}

impl Eq for SortKey {}
impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
            (Self::Number(a), Self::Number(b)) => a.total_cmp(b),
            (Self::Text(_), Self::Number(_)) => std::cmp::Ordering::Less,
            (Self::Number(_), Self::Text(_)) => std::cmp::Ordering::Greater,
        }
    }
}

/// One row of a metric table: the element's id, its display name and its figures.
struct Row<'a, R> {
    id: &'a str,
    name: String,
    result: &'a R,
}

/// A sortable table of `columns` over `rows`; the name column links when `link` is set.
/// `colour` may colour a cell. Hovering a cell shows what it means and its interval. Returns
/// the id of a clicked name.
fn metric_table<R>(
    ui: &mut Ui,
    (id_salt, title, link): (&str, &str, bool),
    mut rows: Vec<Row<'_, R>>,
    columns: &[&Metric<R>],
    sort: &mut Sort,
    colour: impl Fn(&str, &R) -> Option<egui::Color32>,
) -> Option<String> {
    let mut clicked = None;
    sort_rows(&mut rows, *sort, |row, column| match column {
        0 => SortKey::Text(row.name.clone()),
        k => SortKey::Number(
            columns
                .get(k - 1)
                .and_then(|m| (m.value)(row.result))
                .unwrap_or(f64::INFINITY),
        ),
    });
    TableBuilder::new(ui)
        .id_salt(id_salt)
        .striped(true)
        .column(Column::remainder().at_least(130.0))
        .columns(Column::auto().at_least(56.0), columns.len())
        .max_scroll_height(200.0)
        .header(22.0, |mut header_row| {
            header_row.col(|ui| header(ui, title, 0, sort));
            for (i, metric) in columns.iter().enumerate() {
                header_row.col(|ui| {
                    header(ui, metric.short, i + 1, sort);
                });
            }
        })
        .body(|mut body| {
            for row in &rows {
                body.row(20.0, |mut table_row| {
                    table_row.col(|ui| {
                        if link {
                            if ui
                                .link(&row.name)
                                .on_hover_text("Select on the map")
                                .clicked()
                            {
                                clicked = Some(row.id.to_owned());
                            }
                        } else {
                            ui.label(&row.name);
                        }
                    });
                    for metric in columns {
                        table_row.col(|ui| {
                            let mut text = RichText::new(metric.text(row.result));
                            if let Some(c) = colour(metric.key, row.result) {
                                text = text.color(c);
                            }
                            ui.label(text).on_hover_text(format!(
                                "{}: {}",
                                metric.label,
                                metric.text_with_ci(row.result)
                            ));
                        });
                    }
                });
            }
        });
    clicked
}

/// The step table; returns the id of a step the user clicked.
pub(super) fn steps_table(ui: &mut Ui, outcome: &Outcome, sort: &mut Sort) -> Option<String> {
    let rows = outcome
        .result
        .steps
        .iter()
        .map(|(id, result)| Row {
            id,
            name: outcome.map.node_name(id).to_owned(),
            result,
        })
        .collect();
    let mut columns = metrics::columns(metrics::STEP, metrics::STEP_COLUMNS);
    if outcome
        .result
        .steps
        .values()
        .any(|s| s.wait_working_mean.is_some())
    {
        // Beside the elapsed wait.
        if let Some(metric) = metrics::find(metrics::STEP, "wait_working_mean") {
            columns.insert(2.min(columns.len()), metric);
        }
    }
    metric_table(
        ui,
        ("steps-table", "Step", true),
        rows,
        &columns,
        sort,
        |key, s| {
            let sla = s.sla.as_ref().filter(|_| key == "sla_met_fraction")?;
            Some(if sla.met { theme::GOOD } else { theme::ERROR })
        },
    )
}

/// The owner table.
pub(super) fn owners_table(ui: &mut Ui, outcome: &Outcome, sort: &mut Sort) {
    let rows = outcome
        .result
        .owners
        .iter()
        .map(|(id, result)| Row {
            id,
            name: outcome.map.owner_name(id).to_owned(),
            result,
        })
        .collect();
    let mut columns = metrics::columns(
        metrics::OWNER,
        &["utilization", "queue_mean", "wait_mean", "wait_share"],
    );
    let on_calendars: Vec<&str> = outcome
        .map
        .owners
        .iter()
        .filter(|(id, o)| o.calendar.is_some() && outcome.result.owners.contains_key(*id))
        .map(|(_, o)| o.name.as_str())
        .collect();
    if !on_calendars.is_empty() {
        if let Some(metric) = metrics::find(metrics::OWNER, "available_hours_per_week") {
            columns.insert(1, metric);
        }
    }
    metric_table(
        ui,
        ("owners-table", "Owner", false),
        rows,
        &columns,
        sort,
        |key, o| (key == "utilization").then(|| theme::utilization_colour(o.utilization.mean)),
    );
    if !on_calendars.is_empty() {
        ui.label(
            RichText::new(format!(
                "Busy is the share of available time (the people on shift) for owners with a \
                 calendar: {}.",
                on_calendars.join(", ")
            ))
            .small()
            .weak(),
        );
    }
}

/// A CSV field, quoted when it needs to be.
pub(super) fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Per-step figures as CSV: every step metric, durations in hours.
#[must_use]
pub fn steps_csv(outcome: &Outcome) -> String {
    let mut out = format!("step_id,step,{}\n", metrics::csv_header(metrics::STEP));
    for (id, s) in &outcome.result.steps {
        let name = outcome.map.node_name(id);
        let row = metrics::csv_row(metrics::STEP, s);
        let _ = writeln!(out, "{},{},{row}", csv_field(id), csv_field(name));
    }
    out
}

/// Per-owner figures as CSV: every owner metric, durations in hours.
#[must_use]
pub fn owners_csv(outcome: &Outcome) -> String {
    let mut out = format!("owner_id,owner,{}\n", metrics::csv_header(metrics::OWNER));
    for (id, o) in &outcome.result.owners {
        let name = outcome.map.owner_name(id);
        let row = metrics::csv_row(metrics::OWNER, o);
        let _ = writeln!(out, "{},{},{row}", csv_field(id), csv_field(name));
    }
    out
}
