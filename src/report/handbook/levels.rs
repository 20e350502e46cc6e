//! What the map promises and what the simulation measured: section "Service levels" (every
//! SLA, with the simulated share met) and section "Simulation results" (only with results).

use super::{Block, Context, Section};
use crate::model::{self, Node};
use crate::report::format::{hours, money, percent, with_ci_note};
use crate::report::metrics::{self, Metric};
use crate::sim::OwnerResult;

/// Section "Service levels": the end-to-end SLA, then each step's, in flow order.
pub(super) fn service_levels(cx: &Context<'_>) -> Section {
    let (map, results) = (cx.map, cx.results);
    let mut rows = Vec::new();
    if let Some(sla) = &map.sla {
        let simulated = results
            .and_then(|r| r.sla.clone())
            .map_or_else(String::new, |s| percent(s.met_fraction.mean));
        rows.push(vec![
            "Whole case (start to end)".to_owned(),
            sla.target.to_string(),
            percent(sla.within),
            simulated,
        ]);
    }
    for id in &cx.order {
        if let Some(Node::Step {
            name,
            sla: Some(sla),
            ..
        }) = map.nodes.get(*id)
        {
            let simulated = results
                .and_then(|r| r.steps.get(*id))
                .and_then(|s| s.sla.clone())
                .map_or_else(String::new, |s| percent(s.met_fraction.mean));
            rows.push(vec![
                name.clone(),
                sla.target.to_string(),
                percent(sla.within),
                simulated,
            ]);
        }
    }
    let blocks = if rows.is_empty() {
        vec![Block::Paragraph("No service levels are set.".into())]
    } else {
        vec![Block::Table {
            columns: vec![
                ("Scope".into(), 0.46),
                ("Target".into(), 0.18),
                ("Met by".into(), 0.16),
                ("Simulated".into(), 0.2),
            ],
            rows,
        }]
    };
    Section {
        title: "Service levels".into(),
        blocks,
    }
}

/// Section "Simulation results", when a simulation was run: the finding, the key figures,
/// the cycle-time histogram and utilisation by owner.
pub(super) fn simulation_results(cx: &Context<'_>) -> Option<Section> {
    let result = cx.results?;
    let s = &result.settings;
    let c = &result.cycle_time;
    let mut blocks = vec![Block::Strong(result.finding.clone())];
    let mut fields = vec![
        (
            "Runs".to_owned(),
            format!(
                "{} replications x {} cases after a warm-up of {}, seed {}",
                s.replications, s.cases, s.warmup, s.seed
            ),
        ),
        (
            "Cycle time".to_owned(),
            format!(
                "mean {}; p50 {}, p90 {}, p95 {}, max {}",
                with_ci_note(c.mean, hours),
                hours(c.p50),
                hours(c.p90),
                hours(c.p95),
                hours(c.max)
            ),
        ),
    ];
    if let Some(sla) = &result.sla {
        fields.push((
            "SLA".to_owned(),
            format!(
                "{} of cases within {} (target {}): {}",
                percent(sla.met_fraction.mean),
                model::Duration::from_hours(sla.target_hours),
                percent(sla.within),
                if sla.met { "met" } else { "missed" }
            ),
        ));
    }
    fields.push((
        "Throughput".to_owned(),
        format!(
            "{:.2} cases per hour; {:.1} cases in progress on average",
            result.throughput_per_hour.mean, result.wip_mean.mean
        ),
    ));
    fields.push(("Cost per case".to_owned(), money(result.cost_per_case.mean)));
    blocks.push(Block::Fields(fields));
    for warning in &result.warnings {
        blocks.push(Block::Paragraph(warning.clone()));
    }
    blocks.push(Block::Heading("Cycle time".into()));
    blocks.push(Block::Histogram);
    blocks.push(Block::Heading("Utilisation by owner".into()));
    blocks.push(Block::Utilization);
    // The owner table: the metric columns with their share of the page width.
    let columns: Vec<(&Metric<OwnerResult>, f32)> = [
        ("utilization", 0.12),
        ("estimated_utilization", 0.13),
        ("queue_mean", 0.12),
        ("wait_mean", 0.13),
        ("wait_share", 0.2),
    ]
    .into_iter()
    .filter_map(|(key, width)| Some((metrics::find(metrics::OWNER, key)?, width)))
    .collect();
    let rows = result
        .bottlenecks
        .iter()
        .filter_map(|id| {
            let o = result.owners.get(id)?;
            let mut row = vec![cx.owner_name(id)];
            row.extend(columns.iter().map(|(m, _)| m.text_with_ci(o)));
            Some(row)
        })
        .collect();
    let mut header = vec![("Owner".to_owned(), 0.3)];
    header.extend(columns.iter().map(|(m, w)| (m.short.to_owned(), *w)));
    blocks.push(Block::Table {
        columns: header,
        rows,
    });
    Some(Section {
        title: "Simulation results".into(),
        blocks,
    })
}
