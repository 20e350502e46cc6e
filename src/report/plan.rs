//! Text and JSON of capacity plans (`procmap optimize`), headroom (`procmap headroom`) and
//! sensitivity (`procmap sensitivity`). The JSON keys are a contract for other tools: add,
//! never rename. Durations are in hours.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::format::{hours, money, percent};
use crate::model::ProcessMap;
use crate::sim::plan::headroom::{Change, Headroom, Sensitivity};
use crate::sim::plan::{Objective, Plan, ShiftPlan};

fn shift_json(s: &ShiftPlan) -> Value {
    json!({
        "index": s.index,
        "days": s.days.to_string(),
        "from": s.from.to_string(),
        "to": s.to.to_string(),
        "hours_per_week": s.hours_per_week,
        "now": s.now,
        "recommended": s.recommended,
        "range": [s.range.0, s.range.1],
        "cost_change": s.cost_change,
    })
}

/// "Mon-Fri 07:00-15:00".
fn shift_name(s: &ShiftPlan) -> String {
    format!("{} {}-{}", s.days, s.from, s.to)
}

fn scope_name(map: &ProcessMap, scope: &str) -> String {
    if scope == "case" {
        "whole case".to_owned()
    } else {
        format!("step {}", map.node_name(scope))
    }
}

fn signed_money(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", money(x))
    } else {
        money(x)
    }
}

fn optional(x: Option<f64>, show: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "-".to_owned(), show)
}

/// The `optimize --json` object.
#[must_use]
pub fn plan_json(plan: &Plan) -> Value {
    let objective = match plan.objective {
        Objective::Cost => json!({"kind": "cost"}),
        Objective::P90 { budget_per_hour } => json!({"kind": "p90", "budget": budget_per_hour}),
    };
    json!({
        "objective": objective,
        "feasible": plan.feasible,
        "note": plan.note,
        "recommended": plan.recommended,
        "recommended_shifts": plan
            .owners
            .iter()
            .filter(|o| !o.shifts.is_empty())
            .map(|o| (o.id.clone(), Value::Array(o.shifts.iter().map(shift_json).collect())))
            .collect::<serde_json::Map<String, Value>>(),
        "cost_per_hour": {"now": plan.cost_now, "recommended": plan.cost_recommended},
        "p90": {"now": plan.p90_before, "recommended": plan.p90_after},
        "owners": plan.owners.iter().map(|o| json!({
            "owner": o.id,
            "now": o.now,
            "recommended": o.recommended,
            "range": [o.range.0, o.range.1],
            "cost_change": o.cost_change,
            "utilization_before": o.utilization_before,
            "utilization_after": o.utilization_after,
            "shifts": o.shifts.iter().map(shift_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "slas": plan.slas.iter().map(|s| json!({
            "scope": s.scope,
            "target": s.target_hours,
            "within": s.within,
            "met_before": s.met_before,
            "met_after": s.met_after,
            "lower_ci": s.lower_ci,
            "lower_ci_before": s.lower_ci_before,
            "reachable": s.reachable,
        })).collect::<Vec<_>>(),
        "front": plan.front.iter().map(|p| json!({
            "cost_per_hour": p.cost_per_hour,
            "p90": p.p90,
            "capacities": p.capacities,
            "shifts": p.shifts,
            "meets_slas": p.meets_slas,
        })).collect::<Vec<_>>(),
        "evaluated": plan.evaluated,
        "cases_simulated": plan.cases_simulated,
        "wall_seconds": plan.wall_seconds,
    })
}

/// The readable `optimize` report.
#[must_use]
pub fn plan_text(map: &ProcessMap, plan: &Plan) -> String {
    let mut out = String::new();
    let goal = match plan.objective {
        Objective::Cost => "lowest staff cost meeting every SLA".to_owned(),
        Objective::P90 { budget_per_hour } => {
            format!(
                "shortest p90 cycle time within {} per hour",
                money(budget_per_hour)
            )
        }
    };
    let _ = writeln!(out, "Capacity plan for {}: {goal}", map.title);
    if !plan.feasible {
        let _ = writeln!(out, "{}", plan.note);
    }
    let _ = writeln!(out);
    let name_width = plan
        .owners
        .iter()
        .map(|o| map.owner_name(&o.id).chars().count())
        .chain(
            plan.owners
                .iter()
                .flat_map(|o| &o.shifts)
                .map(|s| shift_name(s).chars().count() + 2),
        )
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:name_width$}  {:>10}  {:>10}  {:>22}",
        "owner", "capacity", "cost/h", "utilisation"
    );
    for o in &plan.owners {
        let _ = writeln!(
            out,
            "{:name_width$}  {:>10}  {:>10}  {:>22}",
            map.owner_name(&o.id),
            format!("{} -> {}", o.now, o.recommended),
            signed_money(o.cost_change),
            format!(
                "{} -> {}",
                percent(o.utilization_before),
                percent(o.utilization_after)
            ),
        );
        for shift in &o.shifts {
            let _ = writeln!(
                out,
                "{:name_width$}  {:>10}  {:>10}",
                format!("  {}", shift_name(shift)),
                format!("{} -> {}", shift.now, shift.recommended),
                signed_money(shift.cost_change),
            );
        }
    }
    if plan.owners.iter().any(|o| !o.shifts.is_empty()) {
        let _ = writeln!(
            out,
            "(a roster is planned shift by shift; its capacity is the largest shift's, and its \
             cost counts people x hours on shift)"
        );
    }
    let _ = writeln!(
        out,
        "\nStaff cost per hour: {} -> {}; p90 cycle time: {} -> {}",
        money(plan.cost_now),
        money(plan.cost_recommended),
        optional(plan.p90_before, hours),
        optional(plan.p90_after, hours),
    );
    if !plan.slas.is_empty() {
        let _ = writeln!(
            out,
            "\nSLAs (met when the lower end of the 95% interval reaches the target share):"
        );
        for s in &plan.slas {
            let mark = |met: bool| if met { "met" } else { "missed" };
            let _ = writeln!(
                out,
                "  {}: {} within {}: {} ({}) -> {} ({}){}",
                scope_name(map, &s.scope),
                percent(s.within),
                hours(s.target_hours),
                mark(s.met_before),
                optional(s.lower_ci_before, percent),
                mark(s.met_after),
                optional(s.lower_ci, percent),
                if s.reachable {
                    ""
                } else {
                    ", out of reach within the bounds"
                },
            );
        }
    }
    if !plan.front.is_empty() {
        let _ = writeln!(
            out,
            "\nCost and p90 trade-off (candidates nobody beats on both; \"SLAs\": meets every \
             SLA within reach, \"missed\": misses one):"
        );
        for p in &plan.front {
            let capacities: Vec<String> = p
                .capacities
                .iter()
                .map(|(id, c)| match p.shifts.get(id) {
                    Some(levels) => format!(
                        "{} {}",
                        map.owner_name(id),
                        levels
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join("/")
                    ),
                    None => format!("{} {c}", map.owner_name(id)),
                })
                .collect();
            let _ = writeln!(
                out,
                "  {:>10}/h  p90 {:>8}  {:<6}  {}",
                money(p.cost_per_hour),
                hours(p.p90),
                if p.meets_slas { "SLAs" } else { "missed" },
                capacities.join(", ")
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{} candidates simulated, {} cases, {:.1} s",
        plan.evaluated, plan.cases_simulated, plan.wall_seconds
    );
    out
}

/// The `headroom --json` object.
#[must_use]
pub fn headroom_json(h: &Headroom) -> Value {
    json!({
        "rows": h.rows.iter().map(|r| json!({
            "factor": r.factor,
            "arrivals_per_hour": r.arrivals_per_hour,
            "p90": r.p90,
            "slas_met": r.slas_met,
            "sla_met": r.sla_met,
            "busiest": r.busiest.as_ref().map(|(id, _)| id),
            "busiest_utilization": r.busiest.as_ref().map(|(_, u)| u),
        })).collect::<Vec<_>>(),
        "sla_breaks_at": h.sla_breaks_at.as_ref().map(|(f, _)| f),
        "sla_breaks_scope": h.sla_breaks_at.as_ref().map(|(_, s)| s),
        "saturates_first": h.saturates_first.as_ref().map(|(id, _)| id),
        "saturates_at": h.saturates_first.as_ref().map(|(_, f)| f),
        "cases_simulated": h.cases_simulated,
        "wall_seconds": h.wall_seconds,
    })
}

/// The readable `headroom` report.
#[must_use]
pub fn headroom_text(map: &ProcessMap, h: &Headroom) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Headroom of {}: arrivals scaled from today's\n",
        map.title
    );
    let _ = writeln!(
        out,
        "{:>6}  {:>9}  {:>10}  {:>9}  busiest owner",
        "load", "arrivals", "p90", "SLAs"
    );
    for r in &h.rows {
        let busiest = r.busiest.as_ref().map_or_else(String::new, |(id, u)| {
            format!("{} {}", map.owner_name(id), percent(*u))
        });
        let _ = writeln!(
            out,
            "{:>5.1}x  {:>7.2}/h  {:>10}  {:>9}  {busiest}",
            r.factor,
            r.arrivals_per_hour,
            hours(r.p90),
            if r.slas_met { "met" } else { "missed" },
        );
    }
    let _ = writeln!(out);
    match &h.sla_breaks_at {
        Some((factor, scope)) => {
            let _ = writeln!(
                out,
                "The first SLA to break: {} at {factor:.1}x today's arrivals.",
                scope_name(map, scope)
            );
        }
        None if h.rows.is_empty() => {}
        None if h.rows.iter().all(|r| r.sla_met.is_empty()) => {
            let _ = writeln!(out, "The map has no SLA to break.");
        }
        None => {
            let _ = writeln!(out, "Every SLA holds at every load simulated.");
        }
    }
    if let Some((id, factor)) = &h.saturates_first {
        let _ = writeln!(
            out,
            "{} saturates first: at {factor:.2}x today's arrivals it is at 100%.",
            map.owner_name(id)
        );
    }
    let _ = writeln!(
        out,
        "{} cases simulated, {:.1} s",
        h.cases_simulated, h.wall_seconds
    );
    out
}

fn change_parts(map: &ProcessMap, change: &Change) -> (&'static str, String, String) {
    match change {
        Change::FasterStep(id) => (
            "step",
            id.clone(),
            format!("{} 10% faster", map.node_name(id)),
        ),
        Change::MorePeople(id) => {
            let now = map.owners.get(id).map_or(0, |o| o.capacity);
            (
                "owner",
                id.clone(),
                format!("{} {now} -> {}", map.owner_name(id), now + 1),
            )
        }
    }
}

/// The `sensitivity --json` object.
#[must_use]
pub fn sensitivity_json(map: &ProcessMap, s: &Sensitivity) -> Value {
    json!({
        "p90": s.p90,
        "slas_met": s.slas_met,
        "slas": s.slas,
        "effects": s.effects.iter().map(|e| {
            let (kind, id, _) = change_parts(map, &e.change);
            json!({
                "kind": kind,
                "id": id,
                "p90": e.p90,
                "p90_change": e.p90_change,
                "sla_change": e.sla_change,
                "slas_met": e.slas_met,
            })
        }).collect::<Vec<_>>(),
        "cases_simulated": s.cases_simulated,
        "wall_seconds": s.wall_seconds,
    })
}

/// The readable `sensitivity` report.
#[must_use]
pub fn sensitivity_text(map: &ProcessMap, s: &Sensitivity) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Sensitivity of {}: p90 cycle time {}, {} of {} SLAs met today\n",
        map.title,
        hours(s.p90),
        s.slas_met,
        s.slas
    );
    let width = s
        .effects
        .iter()
        .map(|e| change_parts(map, &e.change).2.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "{:width$}  {:>10}  {:>10}  {:>11}  {:>9}",
        "change", "p90", "p90 change", "SLA change", "SLAs met"
    );
    for e in &s.effects {
        let (_, _, label) = change_parts(map, &e.change);
        let sign = if e.p90_change > 0.0 {
            "+"
        } else if e.p90_change < 0.0 {
            "-"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{label:width$}  {:>10}  {:>10}  {:>+10.1}pp  {:>9}",
            hours(e.p90),
            format!("{sign}{}", hours(e.p90_change.abs())),
            e.sla_change * 100.0,
            format!("{}/{}", e.slas_met, s.slas),
        );
    }
    let _ = writeln!(
        out,
        "\n{} cases simulated, {:.1} s",
        s.cases_simulated, s.wall_seconds
    );
    out
}
