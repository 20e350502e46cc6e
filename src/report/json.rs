//! The `simulate --json` object. Other tools rely on these keys; add, never rename.
//! All durations are in hours.

use serde_json::{Value, json};

use crate::model::ProcessMap;
use crate::sim::{SimResult, SlaResult};

fn sla_json(sla: Option<&SlaResult>) -> Value {
    sla.map_or(Value::Null, |s| {
        json!({
            "target": s.target_hours,
            "within": s.within,
            "met_fraction": s.met_fraction.mean,
            "met_fraction_ci95": s.met_fraction.ci95,
            "met": s.met,
        })
    })
}

/// Builds the JSON object of a simulation result.
#[must_use]
pub fn simulation(map: &ProcessMap, result: &SimResult) -> Value {
    let steps: serde_json::Map<String, Value> = result
        .steps
        .iter()
        .map(|(id, s)| {
            (
                id.clone(),
                json!({
                    "count": s.count,
                    "visits_per_case": s.visits_per_case,
                    "wait_mean": s.wait_mean,
                    "work_mean": s.work_mean,
                    "lead_mean": s.lead_mean,
                    "sla_met_fraction": s.sla.map(|x| x.met_fraction.mean),
                    "sla_met": s.sla.map(|x| x.met),
                }),
            )
        })
        .collect();
    let owners: serde_json::Map<String, Value> = result
        .owners
        .iter()
        .map(|(id, o)| {
            (
                id.clone(),
                json!({
                    "utilization": o.utilization.mean,
                    "utilization_ci95": o.utilization.ci95,
                    "estimated_utilization": o.estimated_utilization,
                    "queue_mean": o.queue_mean,
                    "queue_max": o.queue_max,
                    "wait_mean": o.wait_mean,
                    "wait_share": o.wait_share,
                    "busy_cost": o.busy_cost,
                }),
            )
        })
        .collect();
    let services: serde_json::Map<String, Value> = result
        .services
        .iter()
        .map(|(id, s)| {
            (
                id.clone(),
                json!({
                    "availability_observed": s.availability_observed.mean,
                    "availability_observed_ci95": s.availability_observed.ci95,
                    "outages": s.outages,
                    "cases_delayed": s.cases_delayed,
                    "delay_mean": s.delay_mean,
                    "sla_missed_when_delayed": s.sla_missed_when_delayed,
                }),
            )
        })
        .collect();
    let c = &result.cycle_time;
    json!({
        "model": map.title,
        "cases": result.settings.cases,
        "replications": result.settings.replications,
        "seed": result.settings.seed,
        "warmup": result.settings.warmup,
        "cycle_time": {
            "mean": c.mean.mean,
            "mean_ci95": c.mean.ci95,
            "p50": c.p50,
            "p90": c.p90,
            "p95": c.p95,
            "max": c.max,
            "histogram": {"bin_hours": c.histogram.bin_hours, "counts": c.histogram.counts, "beyond": c.histogram.beyond},
        },
        "sla": sla_json(result.sla.as_ref()),
        "throughput_per_hour": result.throughput_per_hour.mean,
        "throughput_per_hour_ci95": result.throughput_per_hour.ci95,
        "wip_mean": result.wip_mean.mean,
        "cost_per_case": result.cost_per_case.mean,
        "steps": steps,
        "owners": owners,
        "services": services,
        "outages": result.settings.outages,
        "bottlenecks": result.bottlenecks,
        "finding": result.finding,
        "unstable": result.unstable,
        "truncated": result.truncated,
        "warnings": result.warnings,
        "cases_measured": result.cases_measured,
        "events": result.events,
        "wall_seconds": result.wall_seconds,
    })
}

/// The `impact --json` object: `{"services": {"<id>": {...}}, "ranking": [...]}`.
#[must_use]
pub fn impact(impact: &crate::analysis::Impact) -> Value {
    let services: serde_json::Map<String, Value> = impact
        .services
        .iter()
        .map(|(id, s)| {
            (
                id.clone(),
                json!({
                    "affected_services": s.affected_services,
                    "affected_steps": s.affected_steps,
                    "affected_owners": s.affected_owners,
                    "case_share": s.case_share,
                    "availability_effective": s.availability_effective,
                    "criticality": s.criticality,
                    "delay_hours_per_week": s.delay_hours_per_week,
                }),
            )
        })
        .collect();
    json!({"services": services, "ranking": impact.ranking})
}
