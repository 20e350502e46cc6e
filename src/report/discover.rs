//! Text and JSON of a discovery (`procmap discover --report`, `--json`) and of its check
//! against the log (`--validate`). The JSON keys are a contract for other tools: add, never
//! rename. Durations are in hours, timestamps ISO 8601 without a zone (the log's wall clock).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use super::format::{hours, percent};
use crate::analysis::discover::{Arrivals, Comparison, Discovery, Fit, Handover, Team};
use crate::model::log::format_instant;
use crate::model::{Node, NodeKind};

/// Rows of the resource handover table in the text report.
const RESOURCE_ROWS: usize = 15;

/// Counts of the map's node kinds: steps, decisions, parallel nodes.
fn shape(d: &Discovery) -> (usize, usize, usize) {
    let count = |k: NodeKind| d.map.nodes.values().filter(|n| n.kind() == k).count();
    (
        count(NodeKind::Step),
        count(NodeKind::Decision),
        count(NodeKind::Parallel),
    )
}

/// The title of a map discovered from `path`: its file name without the extensions
/// (`order_log.csv` gives "order log (discovered)").
#[must_use]
pub fn title_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .replace(['_', '-'], " ");
    if stem.trim().is_empty() {
        "Discovered process".to_owned()
    } else {
        format!("{} (discovered)", stem.trim())
    }
}

/// "1 step", "3 steps".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The first paragraph: what was read and what the map covers.
#[must_use]
pub fn headline(d: &Discovery) -> String {
    let s = &d.summary;
    let (steps, decisions, _) = shape(d);
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let kept_share = s.kept_cases as f64 / s.cases.max(1) as f64;
    format!(
        "{} cases, {} events, {} activities, {} resources from {} to {}. {} variants; the {} most \
         frequent ({} of the cases) shape the map: {}, {}, {}, {}. {} cases follow the map's \
         activities and give its counts and times. Work times are {}.",
        s.cases,
        s.events,
        s.activities,
        s.resources,
        format_instant(s.first)
            .replace('T', " ")
            .get(..16)
            .unwrap_or(""),
        format_instant(s.last)
            .replace('T', " ")
            .get(..16)
            .unwrap_or(""),
        s.variants,
        s.kept_variants,
        percent(kept_share),
        count(steps, "step"),
        count(decisions, "decision"),
        count(s.parallel_blocks, "parallel block"),
        count(d.map.owners.len(), "owner"),
        s.fitting_cases,
        if s.observed_starts {
            "observed (start and completion)"
        } else {
            "estimated (the log has completions only)"
        }
    )
}

/// A fit as text: "Triangular (KS 0.012)", or "-".
#[must_use]
pub fn fit_text(fit: Option<&Fit>) -> String {
    fit.map_or_else(
        || "-".to_owned(),
        |f| format!("{} (KS {:.3})", f.dist.kind().label(), f.ks),
    )
}

/// Arrivals as text: "1500 cases, 2.83 an hour on average; 4 rate windows by time of week".
#[must_use]
pub fn arrivals_text(a: &Arrivals) -> String {
    format!(
        "{} cases, {:.2} an hour on average; {}",
        a.cases,
        a.per_hour,
        if a.rates.is_empty() {
            format!("time between arrivals {}", fit_text(a.gaps.as_ref()))
        } else {
            format!("{} rate windows by time of week", a.rates.len())
        }
    )
}

/// A team's working hours as text ("Mon-Fri 08:00-12:00, ..."), or "around the clock".
#[must_use]
pub fn hours_text(team: &Team) -> String {
    team.hours.as_ref().map_or_else(
        || "around the clock".to_owned(),
        |h| {
            let shifts: Vec<String> = h
                .shifts
                .iter()
                .map(|s| {
                    let people = s.capacity.map_or_else(String::new, |c| format!(" ({c})"));
                    format!("{} {}-{}{people}", s.days, s.from, s.to)
                })
                .collect();
            let closed = if h.closed.is_empty() {
                String::new()
            } else {
                format!("; closed on {} dates", h.closed.len())
            };
            format!("{}{closed}", shifts.join(", "))
        },
    )
}

fn handover_lines(out: &mut String, rows: &[Handover], limit: usize) {
    let width = rows
        .iter()
        .take(limit)
        .map(|h| h.from.chars().count() + h.to.chars().count() + 4)
        .max()
        .unwrap_or(10);
    for h in rows.iter().take(limit) {
        let pair = format!("{} -> {}", h.from, h.to);
        let _ = writeln!(
            out,
            "  {pair:<width$}  {:>7}  median wait {}",
            h.count,
            hours(h.median_delay_hours)
        );
    }
}

/// The readable report: headline, variants, activities, owners, arrivals, handovers, notes.
#[must_use]
pub fn text(d: &Discovery, comparison: Option<&Comparison>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", headline(d));
    if !d.summary.left_out.is_empty() {
        let _ = writeln!(
            out,
            "Left out (only in rarer variants): {}\n",
            d.summary.left_out.join(", ")
        );
    }
    if let Some(c) = comparison {
        let _ = writeln!(out, "Check against the log: {}", c.line);
        for m in &c.measures {
            let _ = writeln!(
                out,
                "  {:<44} log {:>10.3}  map {:>10.3}  {}",
                m.name,
                m.log,
                m.model,
                if m.ok() { "ok" } else { "off" }
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Variants (most frequent first)");
    for (k, v) in d.variants.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>3}. {:>7} cases {:>6}  mean {:>8}  {}{}",
            k + 1,
            v.cases,
            percent(v.share),
            hours(v.mean_cycle_hours),
            v.activities.join(" > "),
            if v.kept { "" } else { "  (not in the map)" }
        );
    }
    let _ = writeln!(out, "\nActivities");
    let width = d
        .activities
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let _ = writeln!(
        out,
        "  {:<width$}  {:>8}  {:>8}  {:>8}  {:>8}  {:<24}  owner",
        "activity", "events", "per case", "median", "p90", "work time fit"
    );
    for a in &d.activities {
        let (p50, p90) = a
            .work
            .as_ref()
            .map_or(("-".to_owned(), "-".to_owned()), |f| {
                (hours(f.p50_hours), hours(f.p90_hours))
            });
        let _ = writeln!(
            out,
            "  {:<width$}  {:>8}  {:>8.3}  {:>8}  {:>8}  {:<24}  {}{}",
            a.name,
            a.events,
            a.per_case,
            p50,
            p90,
            fit_text(a.work.as_ref()),
            a.owner.as_deref().unwrap_or("-"),
            if a.step.is_none() {
                "  (not in the map)"
            } else {
                ""
            }
        );
    }
    if !d.teams.is_empty() {
        let _ = writeln!(out, "\nOwners (capacity: most people at work at once)");
        for (_, t) in &d.teams {
            let _ = writeln!(
                out,
                "  {}: {} people, capacity {}, {} a week at the median; {}",
                t.name,
                t.resources.len(),
                t.capacity,
                t.per_week,
                hours_text(t)
            );
        }
    }
    let _ = writeln!(out, "\nArrivals: {}", arrivals_text(&d.arrivals));
    if !d.owner_handovers.is_empty() {
        let _ = writeln!(out, "\nHandovers between owners");
        handover_lines(&mut out, &d.owner_handovers, usize::MAX);
    }
    if !d.resource_handovers.is_empty() {
        let _ = writeln!(out, "\nHandovers between people (most frequent)");
        handover_lines(&mut out, &d.resource_handovers, RESOURCE_ROWS);
    }
    for note in &d.notes {
        let _ = writeln!(out, "\nNote: {note}");
    }
    out
}

fn fit_json(fit: Option<&Fit>) -> Value {
    fit.map_or(Value::Null, |f| {
        json!({
            "dist": f.dist.kind().label(),
            "mean_hours": f.dist.mean_hours(),
            "ks": f.ks,
            "n": f.n,
            "observed_mean_hours": f.mean_hours,
            "p50_hours": f.p50_hours,
            "p90_hours": f.p90_hours,
            "candidates": f.candidates.iter().map(|c| json!({
                "dist": c.dist.kind().label(), "ks": c.ks
            })).collect::<Vec<_>>(),
        })
    })
}

fn handovers_json(rows: &[Handover]) -> Value {
    rows.iter()
        .map(|h| {
            json!({"from": h.from, "to": h.to, "count": h.count,
                   "median_delay_hours": h.median_delay_hours})
        })
        .collect()
}

/// The `discover --json` object.
#[must_use]
pub fn json(d: &Discovery, comparison: Option<&Comparison>) -> Value {
    let s = &d.summary;
    let (steps, decisions, parallels) = shape(d);
    let owner_of_step = |id: &str| match d.map.nodes.get(id) {
        Some(Node::Step { owner, .. }) => owner.clone(),
        _ => None,
    };
    json!({
        "summary": {
            "cases": s.cases, "events": s.events, "activities": s.activities,
            "resources": s.resources, "variants": s.variants, "kept_variants": s.kept_variants,
            "kept_cases": s.kept_cases, "fitting_cases": s.fitting_cases,
            "left_out": s.left_out, "first": format_instant(s.first),
            "last": format_instant(s.last), "observed_starts": s.observed_starts,
            "steps": steps, "decisions": decisions, "parallel_nodes": parallels,
            "parallel_blocks": s.parallel_blocks, "owners": d.map.owners.len(),
        },
        "variants": d.variants.iter().map(|v| json!({
            "activities": v.activities, "cases": v.cases, "share": v.share,
            "mean_cycle_hours": v.mean_cycle_hours, "in_map": v.kept,
        })).collect::<Vec<_>>(),
        "activities": d.activities.iter().map(|a| json!({
            "name": a.name, "step": a.step, "events": a.events, "cases": a.cases,
            "per_case": a.per_case, "owner": a.owner,
            "owner_id": a.step.as_deref().and_then(owner_of_step),
            "work": fit_json(a.work.as_ref()),
        })).collect::<Vec<_>>(),
        "owners": d.teams.iter().map(|(id, t)| json!({
            "id": id, "name": t.name, "resources": t.resources.len(), "capacity": t.capacity,
            "per_week": t.per_week, "hours": hours_text(t),
        })).collect::<Vec<_>>(),
        "arrivals": {
            "cases": d.arrivals.cases, "per_hour": d.arrivals.per_hour,
            "rates": d.arrivals.rates.len(), "gaps": fit_json(d.arrivals.gaps.as_ref()),
        },
        "handovers": {
            "owners": handovers_json(&d.owner_handovers),
            "resources": handovers_json(&d.resource_handovers),
        },
        "notes": d.notes,
        "validation": comparison.map(|c| json!({
            "verdict": c.verdict.label(), "line": c.line, "emd_hours": c.emd_hours,
            "measures": c.measures.iter().map(|m| json!({
                "name": m.name, "log": m.log, "map": m.model, "distance": m.distance,
                "tolerance": m.tolerance, "ok": m.ok(),
            })).collect::<Vec<_>>(),
        })),
    })
}
