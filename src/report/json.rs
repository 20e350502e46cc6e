//! The `simulate --json` object. Other tools rely on these keys; add, never rename.
//! All durations are in hours.

use serde_json::{Value, json};

use super::metrics;
use crate::model::ProcessMap;
use crate::sim::SimResult;

/// Builds the JSON object of a simulation result. The figures come from the tables in
/// [`super::metrics`]; this adds the run's settings, the histogram and the findings.
#[must_use]
pub fn simulation(map: &ProcessMap, result: &SimResult) -> Value {
    let per_id = |rows: Vec<(&String, Value)>| -> Value {
        Value::Object(rows.into_iter().map(|(id, v)| (id.clone(), v)).collect())
    };
    let clock = |calendar: Option<&str>| Value::from(calendar.unwrap_or("elapsed"));
    let steps = per_id(
        result
            .steps
            .iter()
            .map(|(id, s)| {
                let mut object = metrics::json_object(metrics::STEP, s);
                if let Value::Object(o) = &mut object {
                    let sla_clock = s
                        .sla
                        .as_ref()
                        .map_or(Value::Null, |x| clock(x.calendar.as_deref()));
                    o.insert("sla_clock".into(), sla_clock);
                }
                (id, object)
            })
            .collect(),
    );
    let owners = per_id(
        result
            .owners
            .iter()
            .map(|(id, o)| (id, metrics::json_object(metrics::OWNER, o)))
            .collect(),
    );
    let services = per_id(
        result
            .services
            .iter()
            .map(|(id, s)| (id, metrics::json_object(metrics::SERVICE, s)))
            .collect(),
    );
    let c = &result.cycle_time;
    let mut cycle_time = metrics::json_object(metrics::CYCLE_TIME, result);
    if let Value::Object(object) = &mut cycle_time {
        object.insert(
            "histogram".into(),
            json!({"bin_hours": c.histogram.bin_hours, "counts": c.histogram.counts, "beyond": c.histogram.beyond}),
        );
    }
    let mut value = json!({
        "model": map.title,
        "cases": result.settings.cases,
        "replications": result.settings.replications,
        "seed": result.settings.seed,
        "warmup": result.settings.warmup,
        "cycle_time": cycle_time,
        "sla": result.sla.as_ref().map_or(Value::Null, |s| {
            let mut object = metrics::json_object(metrics::SLA, s);
            if let Value::Object(o) = &mut object {
                o.insert("clock".into(), clock(s.calendar.as_deref()));
            }
            object
        }),
        "start": result.settings.start_time().to_string(),
        "by_hour_of_week": result.by_hour_of_week.as_ref().map_or(Value::Null, |w| json!({
            "arrivals": w.arrivals,
            "wip": w.wip,
            "sla_met": w.sla_met,
            "owners": Value::Object(w.owners.iter().map(|(id, o)| (id.clone(), json!({
                "queue": o.queue,
                "utilization": o.utilization,
                "capacity": o.capacity,
            }))).collect()),
        })),
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
    });
    if let Value::Object(object) = &mut value {
        for metric in metrics::RUN {
            metric.write_json(result, object);
        }
    }
    value
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
