//! The content of the process handbook, independent of the output format: sections of blocks
//! that the PDF and Markdown writers render. What the handbook says is decided once, here.

use crate::analysis;
use crate::model::graph::Graph;
use crate::model::{self, Node, NodeKind, ProcessMap, Severity};
use crate::report::text::hours;
use crate::sim::SimResult;

/// A piece of a section.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A sub-heading.
    Heading(String),
    /// A paragraph of plain text.
    Paragraph(String),
    /// A paragraph in bold (findings).
    Strong(String),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// Label and value pairs.
    Fields(Vec<(String, String)>),
    /// A table: column headers with their share of the width, then rows.
    Table {
        /// (header, width fraction).
        columns: Vec<(String, f32)>,
        /// Cells, one row each.
        rows: Vec<Vec<String>>,
    },
    /// Free text written by users: paragraphs and "- " lists (Markdown-lite).
    Notes(String),
    /// The map diagram.
    Diagram,
    /// The cycle-time histogram of the results.
    Histogram,
    /// Utilisation by owner from the results.
    Utilisation,
    /// The owner colours used in the diagram.
    Legend,
}

/// A numbered section of the handbook.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Title (also in the table of contents).
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// The whole handbook of a map.
pub struct Handbook<'a> {
    /// The map.
    pub map: &'a ProcessMap,
    /// Simulation results to include, if any.
    pub results: Option<&'a SimResult>,
    /// Date printed on the title page (YYYY-MM-DD).
    pub date: String,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

/// Counts for the title page: (steps, owners, services).
#[must_use]
pub fn counts(map: &ProcessMap) -> (usize, usize, usize) {
    let steps = map
        .nodes
        .values()
        .filter(|n| n.kind() == NodeKind::Step)
        .count();
    (steps, map.owners.len(), map.services.len())
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Builds the handbook of `map`, with `results` when a simulation was run.
#[must_use]
pub fn build<'a>(
    map: &'a ProcessMap,
    results: Option<&'a SimResult>,
    date: String,
) -> Handbook<'a> {
    let estimate = analysis::estimate(map);
    let graph = Graph::new(map);
    let order: Vec<&str> = graph
        .flow_order()
        .into_iter()
        .filter_map(|i| graph.ids.get(i).copied())
        .collect();
    let owner_name = |id: &str| {
        map.owners
            .get(id)
            .map_or(id, |o| o.name.as_str())
            .to_owned()
    };
    let node_name = |id: &str| map.nodes.get(id).map_or(id, Node::name).to_owned();
    let service_name = |id: &str| {
        map.services
            .get(id)
            .map_or(id, |s| s.name.as_str())
            .to_owned()
    };
    let mut sections = Vec::new();

    // 1. The map.
    let mut blocks = Vec::new();
    if !map.description.is_empty() {
        blocks.push(Block::Paragraph(map.description.clone()));
    }
    blocks.push(Block::Paragraph(
        "Steps are drawn in the colour of their owner; flows leaving a decision show their label and probability; dashed lines link services to the steps that use them. The drawing follows on the next page(s)."
            .to_owned(),
    ));
    if !map.owners.is_empty() {
        blocks.push(Block::Legend);
    }
    blocks.push(Block::Diagram);
    sections.push(Section {
        title: "Process map".into(),
        blocks,
    });

    // 2. Step catalogue, in flow order.
    let mut blocks = Vec::new();
    for id in &order {
        let Some(node) = map.nodes.get(*id) else {
            continue;
        };
        match node {
            Node::Step {
                name,
                owner,
                work,
                sla,
                uses,
                notes,
                ..
            } => {
                blocks.push(Block::Heading(name.clone()));
                let mut fields = vec![
                    (
                        "Owner".to_owned(),
                        owner
                            .as_deref()
                            .map_or_else(|| "none (a waiting time)".to_owned(), owner_name),
                    ),
                    (
                        "Work time".to_owned(),
                        format!(
                            "{} (mean {})",
                            work.summary(),
                            model::Duration::from_hours(work.mean_hours())
                        ),
                    ),
                    (
                        "SLA".to_owned(),
                        sla.map_or_else(
                            || "none".to_owned(),
                            |s| {
                                format!(
                                    "{} for {} of cases (wait + work)",
                                    s.target,
                                    percent(s.within)
                                )
                            },
                        ),
                    ),
                ];
                if !uses.is_empty() {
                    fields.push((
                        "Services".to_owned(),
                        uses.iter()
                            .map(|s| service_name(s))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ));
                }
                if let Some(visits) = estimate.visits.get(*id) {
                    fields.push((
                        "Visits per case".to_owned(),
                        format!("{visits:.2} (estimate)"),
                    ));
                }
                fields.push(("Id".to_owned(), (*id).to_owned()));
                blocks.push(Block::Fields(fields));
                if !notes.trim().is_empty() {
                    blocks.push(Block::Notes(notes.clone()));
                }
            }
            Node::Decision { name, notes, .. } => {
                let ways: Vec<String> = map
                    .flows
                    .iter()
                    .filter(|f| f.from == *id)
                    .map(|f| {
                        let label = if f.label.is_empty() {
                            String::new()
                        } else {
                            format!("\"{}\" ", f.label)
                        };
                        let p = f
                            .probability
                            .map_or_else(String::new, |p| format!(" ({})", percent(p)));
                        format!("{label}to {}{p}", node_name(&f.to))
                    })
                    .collect();
                blocks.push(Block::Heading(format!("Decision: {name}")));
                blocks.push(Block::Bullets(ways));
                if !notes.trim().is_empty() {
                    blocks.push(Block::Notes(notes.clone()));
                }
            }
            Node::Start {
                name,
                arrivals,
                notes,
                ..
            } => {
                blocks.push(Block::Heading(format!("Start: {name}")));
                blocks.push(Block::Fields(vec![(
                    "Arrivals".to_owned(),
                    format!(
                        "one every {} ({})",
                        model::Duration::from_hours(arrivals.mean_hours()),
                        arrivals.summary()
                    ),
                )]));
                if !notes.trim().is_empty() {
                    blocks.push(Block::Notes(notes.clone()));
                }
            }
            Node::Parallel { .. } | Node::End { .. } => {}
        }
    }
    sections.push(Section {
        title: "Step catalogue".into(),
        blocks,
    });

    // 3. Owners and responsibilities.
    let mut blocks = Vec::new();
    if map.owners.is_empty() {
        blocks.push(Block::Paragraph(
            "This map has no owners: every step is a waiting time.".into(),
        ));
    } else {
        let rows = map
            .owners
            .iter()
            .map(|(id, owner)| {
                let steps: Vec<String> = order
                    .iter()
                    .filter(|n| map.nodes.get(**n).and_then(Node::owner) == Some(id.as_str()))
                    .map(|n| node_name(n))
                    .collect();
                vec![
                    owner.name.clone(),
                    owner.capacity.to_string(),
                    format!("{:.2}", owner.cost_per_hour),
                    estimate
                        .owners
                        .get(id)
                        .map_or_else(String::new, |l| percent(l.utilization)),
                    steps.join(", "),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            columns: vec![
                ("Owner".into(), 0.22),
                ("Capacity".into(), 0.11),
                ("Cost/h".into(), 0.11),
                ("Load (estimate)".into(), 0.14),
                ("Steps".into(), 0.42),
            ],
            rows,
        });
        // Responsibility matrix: which owner does which step.
        if map.owners.len() <= 8 {
            blocks.push(Block::Heading("Responsibility matrix".into()));
            #[allow(clippy::cast_precision_loss, reason = "a handful of columns")]
            let each = 0.6 / map.owners.len() as f32;
            let mut columns = vec![("Step".to_owned(), 0.4)];
            columns.extend(map.owners.values().map(|o| (o.name.clone(), each)));
            let rows = order
                .iter()
                .filter_map(|id| match map.nodes.get(*id) {
                    Some(Node::Step { name, owner, .. }) => {
                        let mut row = vec![name.clone()];
                        row.extend(map.owners.keys().map(|o| {
                            if owner.as_deref() == Some(o.as_str()) {
                                "R".to_owned()
                            } else {
                                String::new()
                            }
                        }));
                        Some(row)
                    }
                    _ => None,
                })
                .collect();
            blocks.push(Block::Table { columns, rows });
            blocks.push(Block::Paragraph(
                "R: responsible (the owner does the work of the step).".into(),
            ));
        }
    }
    sections.push(Section {
        title: "Owners and responsibilities".into(),
        blocks,
    });

    // 4. Services and business impact.
    let mut blocks = Vec::new();
    let impact = analysis::impact(map);
    if map.services.is_empty() {
        blocks.push(Block::Paragraph("This map has no services.".into()));
    } else {
        let rows = map
            .services
            .iter()
            .map(|(id, service)| {
                let users: Vec<String> = order
                    .iter()
                    .filter(|n| matches!(map.nodes.get(**n), Some(Node::Step { uses, .. }) if uses.iter().any(|u| u == id)))
                    .map(|n| node_name(n))
                    .collect();
                vec![
                    service.name.clone(),
                    format!("{:.2}%", service.availability * 100.0),
                    service.mean_repair.map_or_else(|| "1h (default)".to_owned(), |d| d.to_string()),
                    service.depends_on.iter().map(|d| service_name(d)).collect::<Vec<_>>().join(", "),
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
                    service_name(id),
                    percent(s.case_share),
                    format!("{:.3}%", s.availability_effective * 100.0),
                    format!("{:.5}", s.criticality),
                    format!("{:.1}", s.delay_hours_per_week),
                    s.affected_steps
                        .iter()
                        .map(|x| node_name(x))
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
        if let Some(result) = results.filter(|r| r.settings.outages && !r.services.is_empty()) {
            blocks.push(Block::Heading("Simulated outage cost".into()));
            let rows = result
                .services
                .iter()
                .map(|(id, s)| {
                    vec![
                        service_name(id),
                        format!("{:.3}%", s.availability_observed.mean * 100.0),
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
        for service in map.services.values() {
            if !service.notes.trim().is_empty() {
                blocks.push(Block::Heading(service.name.clone()));
                blocks.push(Block::Notes(service.notes.clone()));
            }
        }
    }
    sections.push(Section {
        title: "Services and business impact".into(),
        blocks,
    });

    // 5. Service levels.
    let mut rows = Vec::new();
    if let Some(sla) = map.sla {
        let simulated = results
            .and_then(|r| r.sla)
            .map_or_else(String::new, |s| percent(s.met_fraction.mean));
        rows.push(vec![
            "Whole case (start to end)".to_owned(),
            sla.target.to_string(),
            percent(sla.within),
            simulated,
        ]);
    }
    for id in &order {
        if let Some(Node::Step {
            name,
            sla: Some(sla),
            ..
        }) = map.nodes.get(*id)
        {
            let simulated = results
                .and_then(|r| r.steps.get(*id))
                .and_then(|s| s.sla)
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
    sections.push(Section {
        title: "Service levels".into(),
        blocks,
    });

    // 6. Simulation results.
    if let Some(result) = results {
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
                    "mean {} ± {} (95% CI); p50 {}, p90 {}, p95 {}, max {}",
                    hours(c.mean.mean),
                    hours(c.mean.ci95),
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
        fields.push((
            "Cost per case".to_owned(),
            format!("{:.2}", result.cost_per_case.mean),
        ));
        blocks.push(Block::Fields(fields));
        for warning in &result.warnings {
            blocks.push(Block::Paragraph(warning.clone()));
        }
        blocks.push(Block::Heading("Cycle time".into()));
        blocks.push(Block::Histogram);
        blocks.push(Block::Heading("Utilisation by owner".into()));
        blocks.push(Block::Utilisation);
        let rows = result
            .bottlenecks
            .iter()
            .filter_map(|id| {
                let o = result.owners.get(id)?;
                Some(vec![
                    owner_name(id),
                    percent(o.utilization.mean),
                    percent(o.estimated_utilization),
                    format!("{:.1}", o.queue_mean),
                    hours(o.wait_mean),
                    percent(o.wait_share),
                ])
            })
            .collect();
        blocks.push(Block::Table {
            columns: vec![
                ("Owner".into(), 0.3),
                ("Busy".into(), 0.12),
                ("Estimate".into(), 0.13),
                ("Queue".into(), 0.12),
                ("Wait".into(), 0.13),
                ("Share of waiting".into(), 0.2),
            ],
            rows,
        });
        sections.push(Section {
            title: "Simulation results".into(),
            blocks,
        });
    }

    // 7. Validation appendix.
    let problems = model::validate(map);
    let blocks = if problems.is_empty() {
        vec![Block::Paragraph(
            "The validator found no problems in this map.".into(),
        )]
    } else {
        vec![Block::Bullets(
            problems
                .iter()
                .map(|p| {
                    format!(
                        "{}{}",
                        if p.severity == Severity::Error {
                            "Error: "
                        } else {
                            "Warning: "
                        },
                        p
                    )
                })
                .collect(),
        )]
    };
    sections.push(Section {
        title: "Appendix: validation".into(),
        blocks,
    });

    Handbook {
        map,
        results,
        date,
        sections,
    }
}

/// Today's date as YYYY-MM-DD (UTC), without a calendar crate.
#[must_use]
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    let (y, m, d) = civil_from_days(i64::try_from(days).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 { y + 1 } else { y },
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// Splits Markdown-lite notes into paragraphs and bullet lists (emphasis markers removed).
#[must_use]
pub fn notes_blocks(notes: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph = String::new();
    let mut bullets: Vec<String> = Vec::new();
    let clean = |s: &str| s.replace("**", "").replace('`', "");
    let flush = |paragraph: &mut String, bullets: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !paragraph.trim().is_empty() {
            blocks.push(Block::Paragraph(paragraph.trim().to_owned()));
        }
        paragraph.clear();
        if !bullets.is_empty() {
            blocks.push(Block::Bullets(std::mem::take(bullets)));
        }
    };
    for line in notes.lines() {
        let trimmed = line.trim();
        if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            if !paragraph.trim().is_empty() {
                blocks.push(Block::Paragraph(paragraph.trim().to_owned()));
                paragraph.clear();
            }
            bullets.push(clean(item));
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut bullets, &mut blocks);
        } else {
            if !bullets.is_empty() {
                blocks.push(Block::Bullets(std::mem::take(&mut bullets)));
            }
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(&clean(trimmed.trim_start_matches('#').trim()));
        }
    }
    flush(&mut paragraph, &mut bullets, &mut blocks);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_417), (2025, 11, 25));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn notes_become_paragraphs_and_lists() {
        let blocks =
            notes_blocks("Key the order:\n- check **master** data\n- confirm prices\n\nThen save.");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph("Key the order:".into()),
                Block::Bullets(vec!["check master data".into(), "confirm prices".into()]),
                Block::Paragraph("Then save.".into()),
            ]
        );
    }
}
