//! The readable simulation report of `procmap simulate`: the finding first, then the figures.

use std::fmt::Write as _;

use super::metrics::{self, Metric};
use crate::model::graph::Graph;
use crate::model::{Duration, ProcessMap};
use crate::sim::{SimResult, SlaResult};

pub use super::format::hours;
use super::format::{availability_fine, money, percent, percent_whole, with_ci};

fn sla_line(map: &ProcessMap, sla: &SlaResult) -> String {
    let clock = sla.calendar.as_deref().map_or_else(String::new, |id| {
        format!(" counted in {}", map.calendar_name(id))
    });
    format!(
        "{} within {}{clock} (target {}): {}",
        with_ci(sla.met_fraction, percent),
        Duration::from_hours(sla.target_hours),
        percent(sla.within),
        if sla.met { "met" } else { "MISSED" }
    )
}

/// The report as text.
#[must_use]
#[allow(clippy::cast_precision_loss, reason = "event counts for a rate")]
pub fn simulation(map: &ProcessMap, result: &SimResult) -> String {
    let mut out = String::new();
    let s = &result.settings;
    let owner_name = |id: &str| map.owner_name(id).to_owned();
    let node_name = |id: &str| map.node_name(id).to_owned();
    // Writing into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        out,
        "{}: {} replication{} x {} cases (warm-up {}), seed {}",
        map.title,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        s.cases,
        s.warmup,
        s.seed
    );
    if s.replications == 1 {
        let _ = writeln!(
            out,
            "One replication: no confidence interval is available (run 2 or more for one)."
        );
    }
    let _ = writeln!(out, "\n{}", result.finding);
    if !result.unstable.is_empty() {
        let names: Vec<String> = result.unstable.iter().map(|id| owner_name(id)).collect();
        let _ = writeln!(
            out,
            "Unstable: {} (offered load at or above capacity; figures depend on run length).",
            names.join(", ")
        );
    }
    for warning in &result.warnings {
        let _ = writeln!(out, "Note: {warning}");
    }
    let c = &result.cycle_time;
    let _ = writeln!(
        out,
        "\nCycle time: mean {}, p50 {}, p90 {}, p95 {}, max {}",
        with_ci(c.mean, hours),
        hours(c.p50),
        hours(c.p90),
        hours(c.p95),
        hours(c.max)
    );
    if let Some(sla) = &result.sla {
        let _ = writeln!(out, "SLA: {}", sla_line(map, sla));
    }
    let _ = writeln!(
        out,
        "Throughput {} cases/h, work in progress {} cases, cost per case {}",
        with_ci(result.throughput_per_hour, |x| format!("{x:.2}")),
        with_ci(result.wip_mean, |x| format!("{x:.1}")),
        with_ci(result.cost_per_case, money),
    );

    let owners = metrics::columns(metrics::OWNER, metrics::OWNER_COLUMNS);
    let _ = writeln!(out, "\n{}", header_row("Owner (busiest first)", &owners));
    for id in &result.bottlenecks {
        if let Some(o) = result.owners.get(id) {
            let _ = writeln!(out, "{}", row(&owner_name(id), &owners, o));
        }
    }
    working_time(&mut out, map, result);
    let mut steps = metrics::columns(metrics::STEP, metrics::STEP_COLUMNS);
    if result.steps.values().any(|s| s.wait_working_mean.is_some()) {
        // Beside the elapsed wait: the same wait counted in working time.
        let at = steps
            .iter()
            .position(|m| m.key == "wait_mean")
            .map_or(0, |i| i + 1);
        if let Some(metric) = metrics::find(metrics::STEP, "wait_working_mean") {
            steps.insert(at, metric);
        }
    }
    let _ = writeln!(out, "\n{}", header_row("Step", &steps));
    let graph = Graph::new(map);
    let ordered = graph.flow_order().into_iter().filter_map(|i| {
        let id = *graph.ids.get(i)?;
        result.steps.get(id).map(|step| (id, step))
    });
    for (id, step) in ordered {
        let mut line = row(&node_name(id), &steps, step);
        if let Some(sla) = &step.sla {
            line.push_str(if sla.met { " ok" } else { " MISS" });
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if !result.services.is_empty() {
        let services = metrics::columns(metrics::SERVICE, metrics::SERVICE_COLUMNS);
        let _ = writeln!(out, "\n{}", header_row("Service", &services));
        for (id, s) in &result.services {
            let _ = writeln!(out, "{}", row(map.service_name(id), &services, s));
        }
        if !result.settings.outages {
            let _ = writeln!(out, "(outages off: every service was always up)");
        }
    }
    let rate = if result.wall_seconds > 0.0 {
        result.events as f64 / result.wall_seconds
    } else {
        0.0
    };
    let _ = writeln!(
        out,
        "\n{} events in {:.3} s ({:.1} million events/s)",
        result.events,
        result.wall_seconds,
        rate / 1e6
    );
    out
}

/// Which owners work on calendars (utilisation is then of the capacity on shift), and when in
/// the week each is busiest.
fn working_time(out: &mut String, map: &ProcessMap, result: &SimResult) {
    let on_calendars: Vec<String> = result
        .bottlenecks
        .iter()
        .filter_map(|id| {
            let owner = map.owners.get(id)?;
            let calendar = map.calendar(owner.calendar.as_deref())?;
            let busiest = result
                .by_hour_of_week
                .as_ref()
                .and_then(|w| w.owners.get(id))
                .and_then(|w| {
                    w.utilization
                        .iter()
                        .enumerate()
                        .max_by(|a, b| a.1.total_cmp(b.1))
                })
                .map_or_else(String::new, |(b, u)| {
                    format!(
                        ", busiest {} at {}",
                        super::handbook::hour_name(b),
                        percent_whole(*u)
                    )
                });
            Some(format!(
                "{} on {} ({:.0} capacity-hours a week{busiest})",
                owner.name,
                calendar.name,
                map.mean_capacity(owner) * crate::model::WEEK_HOURS
            ))
        })
        .collect();
    if !on_calendars.is_empty() {
        let _ = writeln!(
            out,
            "Busy is of the capacity on shift: {}.",
            on_calendars.join("; ")
        );
    }
}

/// Width of the name column of the text tables.
const NAME_WIDTH: usize = 28;

fn width<R>(metric: &Metric<R>) -> usize {
    metric.short.chars().count().max(8)
}

fn header_row<R>(title: &str, columns: &[&Metric<R>]) -> String {
    let mut line = format!("{title:<NAME_WIDTH$}");
    for metric in columns {
        let _ = write!(line, " {:>w$}", metric.short, w = width(metric));
    }
    line
}

fn row<R>(name: &str, columns: &[&Metric<R>], result: &R) -> String {
    let mut line = format!("{:<NAME_WIDTH$}", truncate(name, NAME_WIDTH));
    for metric in columns {
        let _ = write!(line, " {:>w$}", metric.text(result), w = width(metric));
    }
    line
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(width - 1).collect();
        short.push('…');
        short
    }
}

/// The readable business impact report: the most critical service first.
#[must_use]
pub fn impact(map: &ProcessMap, impact: &crate::analysis::Impact) -> String {
    let mut out = String::new();
    let service = |id: &str| map.service_name(id).to_owned();
    let step = |id: &str| format!("'{}'", map.node_name(id));
    let _ = writeln!(
        out,
        "{}: business impact of {} service(s), most critical first\n",
        map.title,
        impact.ranking.len()
    );
    for id in &impact.ranking {
        let Some(s) = impact.services.get(id) else {
            continue;
        };
        let mut sentence = format!("If {} is down: ", service(id));
        if !s.affected_services.is_empty() {
            let names: Vec<String> = s.affected_services.iter().map(|x| service(x)).collect();
            let _ = write!(
                sentence,
                "{} {} down too; ",
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" }
            );
        }
        if s.affected_steps.is_empty() {
            sentence.push_str("no step uses it");
        } else {
            let names: Vec<String> = s.affected_steps.iter().map(|x| step(x)).collect();
            let _ = write!(
                sentence,
                "{} {}; {} of cases wait",
                names.join(", "),
                if names.len() == 1 { "stops" } else { "stop" },
                percent_whole(s.case_share)
            );
        }
        let _ = writeln!(
            out,
            "{sentence}; expected {:.1} case-hours of delay per week.",
            s.delay_hours_per_week
        );
        let _ = writeln!(
            out,
            "    effective availability {} (with what it depends on), criticality {:.5}\n",
            availability_fine(s.availability_effective),
            s.criticality
        );
    }
    out
}
