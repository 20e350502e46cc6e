//! What-if scenarios: saved outcomes compared with the latest run, as a grid, sentences, CSV
//! and JSON.

use std::fmt::Write as _;

use egui::{RichText, Ui};

use super::tables::csv_field;
use super::{Outcome, Scenario, SimPanel};
use crate::model::{Node, ProcessMap};
use crate::report::format::hours;
use crate::report::metrics;
use crate::sim::SimResult;

impl SimPanel {
    pub(super) fn scenarios_ui(&mut self, ui: &mut Ui, current: &Outcome) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("What-if scenarios").strong());
            if ui.button("Copy comparison CSV").clicked() {
                ui.ctx().copy_text(comparison_csv(&self.scenarios, current));
            }
            if ui.button("Copy scenarios JSON").clicked() {
                ui.ctx().copy_text(scenarios_json(&self.scenarios, current));
            }
            if ui
                .button("Export…")
                .on_hover_text("Save the comparison as CSV, or every figure as JSON")
                .clicked()
            {
                self.export_scenarios();
            }
            if ui.button("Clear").clicked() {
                self.scenarios.clear();
            }
        });
        for scenario in &self.scenarios {
            ui.label(compare_sentence(scenario, current));
        }
        egui::Grid::new("scenario-grid")
            .striped(true)
            .show(ui, |ui| {
                ui.strong("Figure");
                for scenario in &self.scenarios {
                    ui.strong(&scenario.name);
                }
                ui.strong("Latest run");
                ui.end_row();
                for (label, value) in metrics(&current.result, &current.map) {
                    ui.label(label.clone());
                    for scenario in &self.scenarios {
                        let text = metrics(&scenario.outcome.result, &scenario.outcome.map)
                            .into_iter()
                            .find(|(l, _)| *l == label)
                            .map_or_else(|| "-".to_owned(), |(_, v)| v);
                        ui.label(text);
                    }
                    ui.label(value);
                    ui.end_row();
                }
            });
    }
}

/// The headline figures of a run as (label, value), from the metric tables: cycle time mean
/// and p90, throughput, cost per case, SLA met, and how busy each owner was.
fn metrics(result: &SimResult, map: &ProcessMap) -> Vec<(String, String)> {
    let run = metrics::columns(metrics::CYCLE_TIME, &["mean", "p90"])
        .into_iter()
        .chain(metrics::columns(
            metrics::RUN,
            &["throughput_per_hour", "cost_per_case"],
        ));
    let mut rows: Vec<(String, String)> =
        run.map(|m| (m.label.to_owned(), m.text(result))).collect();
    if let (Some(sla), Some(met)) = (&result.sla, metrics::find(metrics::SLA, "met_fraction")) {
        rows.push(("SLA met".to_owned(), met.text(sla)));
    }
    if let Some(busy) = metrics::find(metrics::OWNER, "utilization") {
        for (id, owner) in &result.owners {
            let capacity = map.owners.get(id).map_or(0, |o| o.capacity);
            rows.push((
                format!("{} busy", map.owner_name(id)),
                format!("{} (capacity {capacity})", busy.text(owner)),
            ));
        }
    }
    rows
}

/// "Scenario 1 -> latest (+1 Warehouse crew): p90 cycle time 31.00h -> 9.00h, ...": what
/// changed from the earlier run to the later one and what it did. A saved run is the earlier
/// one; a proposal (a capacity plan's recommendation) is the later one: "latest -> Plan: ...".
#[must_use]
pub fn compare_sentence(scenario: &Scenario, current: &Outcome) -> String {
    let (before, after) = if scenario.proposal {
        (current, &scenario.outcome)
    } else {
        (&scenario.outcome, current)
    };
    let mut changes = Vec::new();
    for (id, owner) in &after.map.owners {
        match before.map.owners.get(id) {
            Some(old) => {
                if old.capacity != owner.capacity {
                    let delta = i64::from(owner.capacity) - i64::from(old.capacity);
                    changes.push(format!("{delta:+} {}", owner.name));
                }
                changes.extend(shift_changes(&before.map, old, &after.map, owner));
            }
            None => changes.push(format!("new owner {}", owner.name)),
        }
    }
    for (id, node) in &after.map.nodes {
        if let (Node::Step { work, .. }, Some(Node::Step { work: old, .. })) =
            (node, before.map.nodes.get(id))
        {
            if work != old {
                changes.push(format!("work time of {} changed", node.name()));
            }
        }
    }
    if after.map.nodes.len() != before.map.nodes.len() || after.map.flows != before.map.flows {
        changes.push("process changed".to_owned());
    }
    let what = if changes.is_empty() {
        "no parameter change".to_owned()
    } else {
        changes.join(", ")
    };
    let title = if scenario.proposal {
        format!("latest -> {}", scenario.name)
    } else {
        format!("{} -> latest", scenario.name)
    };
    format!(
        "{title} ({what}): p90 cycle time {} -> {}, mean {} -> {}",
        hours(before.result.cycle_time.p90),
        hours(after.result.cycle_time.p90),
        hours(before.result.cycle_time.mean.mean),
        hours(after.result.cycle_time.mean.mean)
    )
}

/// "+1 Desk Mon-Fri 07:00-15:00" for each shift whose own capacity differs between an
/// owner's calendar in `before` and in `after` (shifts compared in order).
fn shift_changes(
    before: &ProcessMap,
    old: &crate::model::Owner,
    after: &ProcessMap,
    owner: &crate::model::Owner,
) -> Vec<String> {
    let (Some(was), Some(now)) = (
        before.calendar(old.calendar.as_deref()),
        after.calendar(owner.calendar.as_deref()),
    ) else {
        return Vec::new();
    };
    if was.week.len() != now.week.len() {
        return Vec::new();
    }
    was.week
        .iter()
        .zip(&now.week)
        .filter_map(|(a, b)| {
            let (Some(x), Some(y)) = (a.capacity, b.capacity) else {
                return None;
            };
            (x != y).then(|| {
                let delta = i64::from(y) - i64::from(x);
                format!("{delta:+} {} {} {}-{}", owner.name, b.days, b.from, b.to)
            })
        })
        .collect()
}

/// Every scenario and the latest run with all their figures, as JSON.
#[must_use]
pub fn scenarios_json(scenarios: &[Scenario], current: &Outcome) -> String {
    let mut all: Vec<serde_json::Value> = scenarios
        .iter()
        .map(|s| serde_json::json!({"name": s.name, "results": crate::report::json::simulation(&s.outcome.map, &s.outcome.result)}))
        .collect();
    all.push(serde_json::json!({"name": "latest", "results": crate::report::json::simulation(&current.map, &current.result)}));
    serde_json::to_string_pretty(&all).unwrap_or_default()
}

/// The comparison table as CSV.
#[must_use]
pub fn comparison_csv(scenarios: &[Scenario], current: &Outcome) -> String {
    let mut out = String::from("figure");
    for s in scenarios {
        let _ = write!(out, ",{}", csv_field(&s.name));
    }
    out.push_str(",latest\n");
    for (label, value) in metrics(&current.result, &current.map) {
        out.push_str(&csv_field(&label));
        for s in scenarios {
            let v = metrics(&s.outcome.result, &s.outcome.map)
                .into_iter()
                .find(|(l, _)| *l == label)
                .map_or_else(String::new, |(_, v)| v);
            let _ = write!(out, ",{}", csv_field(&v));
        }
        let _ = writeln!(out, ",{}", csv_field(&value));
    }
    out
}
