//! Section "Services and business impact": the service table, the criticality ranking, the
//! simulated cost of outages (when the simulation had outages on) and the services' notes.

use super::{Block, Context, Section};
use crate::analysis::{self, Impact};
use crate::model::Node;
use crate::report::format::{availability, availability_fine, hours, percent};
use crate::sim::SimResult;

/// Section "Services and business impact".
pub(super) fn services_and_impact(cx: &Context<'_>) -> Section {
    let map = cx.map;
    let mut blocks = Vec::new();
    let impact = analysis::impact(map);
    if map.services.is_empty() {
        blocks.push(Block::Paragraph("This map has no services.".into()));
    } else {
        let rows = map
            .services
            .iter()
            .map(|(id, service)| {
                let users: Vec<String> = cx
                    .order
                    .iter()
                    .filter(|n| matches!(map.nodes.get(**n), Some(Node::Step { uses, .. }) if uses.iter().any(|u| u == id)))
                    .map(|n| cx.node_name(n))
                    .collect();
                vec![
                    service.name.clone(),
                    availability(service.availability),
                    service.mean_repair.map_or_else(|| format!("{} (default)", crate::model::DEFAULT_MEAN_REPAIR), |d| d.to_string()),
                    service.depends_on.iter().map(|d| cx.service_name(d)).collect::<Vec<_>>().join(", "),
                    users.join(", "),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            columns: vec![
                ("Service".into(), 0.22),
                ("Availability".into(), 0.13),
                ("Mean repair".into(), 0.13),
                ("Depends on".into(), 0.18),
                ("Used by".into(), 0.34),
            ],
            rows,
        });
        criticality_ranking(cx, &impact, &mut blocks);
        if let Some(result) = cx
            .results
            .filter(|r| r.settings.outages && !r.services.is_empty())
        {
            outage_cost(cx, result, &mut blocks);
        }
        for service in map.services.values() {
            if !service.notes.trim().is_empty() {
                blocks.push(Block::Heading(service.name.clone()));
                blocks.push(Block::Notes(service.notes.clone()));
            }
        }
    }
    Section {
        title: "Services and business impact".into(),
        blocks,
    }
}

/// The services ranked by criticality, with the steps that stop when each is down.
fn criticality_ranking(cx: &Context<'_>, impact: &Impact, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("Criticality ranking".into()));
    blocks.push(Block::Paragraph(
        "Criticality is the share of cases that need a service times the chance that it (or something it depends on) is down; the delay is the expected case-hours per week that cases wait for repairs."
            .into(),
    ));
    let rows = impact
        .ranking
        .iter()
        .filter_map(|id| {
            let s = impact.services.get(id)?;
            Some(vec![
                cx.service_name(id),
                percent(s.case_share),
                availability_fine(s.availability_effective),
                format!("{:.5}", s.criticality),
                format!("{:.1}", s.delay_hours_per_week),
                s.affected_steps
                    .iter()
                    .map(|x| cx.node_name(x))
                    .collect::<Vec<_>>()
                    .join(", "),
            ])
        })
        .collect();
    blocks.push(Block::Table {
        columns: vec![
            ("Service".into(), 0.2),
            ("Cases".into(), 0.1),
            ("Effective".into(), 0.13),
            ("Criticality".into(), 0.13),
            ("Delay h/week".into(), 0.13),
            ("Steps that stop".into(), 0.31),
        ],
        rows,
    });
}

/// What the simulated outages cost: observed availability, delayed cases, missed SLAs.
fn outage_cost(cx: &Context<'_>, result: &SimResult, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("Simulated outage cost".into()));
    let rows = result
        .services
        .iter()
        .map(|(id, s)| {
            vec![
                cx.service_name(id),
                availability_fine(s.availability_observed.mean),
                s.outages.to_string(),
                s.cases_delayed.to_string(),
                if s.cases_delayed > 0 {
                    hours(s.delay_mean)
                } else {
                    "-".into()
                },
                if s.cases_delayed > 0 {
                    percent(s.sla_missed_when_delayed)
                } else {
                    "-".into()
                },
            ]
        })
        .collect();
    blocks.push(Block::Table {
        columns: vec![
            ("Service".into(), 0.24),
            ("Observed".into(), 0.14),
            ("Outages".into(), 0.12),
            ("Cases delayed".into(), 0.16),
            ("Mean delay".into(), 0.14),
            ("SLA missed".into(), 0.2),
        ],
        rows,
    });
}
