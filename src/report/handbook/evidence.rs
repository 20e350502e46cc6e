//! Section "As-is evidence": what the event log the map was discovered from shows: the log in
//! figures, the variants, each activity's frequency and times, the owners found, who hands work
//! to whom, and how a simulation of the map compares with the log.

use super::{Block, Section};
use crate::analysis::discover::{Comparison, Discovery};
use crate::report::discover::{headline, hours_text};
use crate::report::format::{hours, percent};

/// Variants printed.
const VARIANTS: usize = 12;
/// Activities printed.
const ACTIVITIES: usize = 40;
/// Owner handovers printed.
const HANDOVERS: usize = 20;
/// Owners in the handover matrix (beyond, the table above lists them).
const MATRIX_OWNERS: usize = 7;

/// The section, from a discovery and (when it was checked) its comparison with the log.
#[must_use]
pub fn as_is_evidence(d: &Discovery, comparison: Option<&Comparison>) -> Section {
    let mut blocks = vec![Block::Paragraph(headline(d))];
    if !d.summary.left_out.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Left out of the map (only in rarer variants): {}.",
            d.summary.left_out.join(", ")
        )));
    }
    if let Some(c) = comparison {
        blocks.push(Block::Heading("The map against the log".into()));
        blocks.push(Block::Strong(c.line.clone()));
        blocks.push(Block::Table {
            columns: vec![
                ("Measure".into(), 0.46),
                ("Log".into(), 0.16),
                ("Map".into(), 0.16),
                ("Within tolerance".into(), 0.22),
            ],
            rows: c
                .measures
                .iter()
                .map(|m| {
                    vec![
                        m.name.clone(),
                        format!("{:.3}", m.log),
                        format!("{:.3}", m.model),
                        if m.ok() { "yes" } else { "no" }.to_owned(),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(Block::Heading("Variants".into()));
    blocks.push(Block::Table {
        columns: vec![
            ("#".into(), 0.05),
            ("Cases".into(), 0.09),
            ("Share".into(), 0.08),
            ("Mean cycle".into(), 0.14),
            ("Activities".into(), 0.64),
        ],
        rows: d
            .variants
            .iter()
            .take(VARIANTS)
            .enumerate()
            .map(|(k, v)| {
                vec![
                    (k + 1).to_string(),
                    v.cases.to_string(),
                    percent(v.share),
                    hours(v.mean_cycle_hours),
                    format!(
                        "{}{}",
                        v.activities.join(" > "),
                        if v.kept { "" } else { " (not in the map)" }
                    ),
                ]
            })
            .collect(),
    });
    blocks.push(Block::Heading("Activities".into()));
    blocks.push(Block::Table {
        columns: vec![
            ("Activity".into(), 0.23),
            ("Events".into(), 0.09),
            ("Per case".into(), 0.1),
            ("Median".into(), 0.08),
            ("p90".into(), 0.08),
            ("Fitted".into(), 0.23),
            ("Owner".into(), 0.19),
        ],
        rows: d
            .activities
            .iter()
            .take(ACTIVITIES)
            .map(|a| {
                let (p50, p90, fit) = a.work.as_ref().map_or_else(
                    || ("-".to_owned(), "-".to_owned(), "-".to_owned()),
                    |f| {
                        (
                            hours(f.p50_hours),
                            hours(f.p90_hours),
                            format!("{} (KS {:.2})", f.dist.kind().label(), f.ks),
                        )
                    },
                );
                vec![
                    a.name.clone(),
                    a.events.to_string(),
                    format!("{:.2}", a.per_case),
                    p50,
                    p90,
                    fit,
                    a.owner.clone().unwrap_or_else(|| "-".to_owned()),
                ]
            })
            .collect(),
    });
    if !d.teams.is_empty() {
        blocks.push(Block::Heading("Owners found".into()));
        blocks.push(Block::Paragraph(
            "Capacity is the most people of a team at work at the same moment; per week, the \
             distinct people at work in a median week."
                .into(),
        ));
        blocks.push(Block::Table {
            columns: vec![
                ("Owner".into(), 0.24),
                ("People".into(), 0.1),
                ("Capacity".into(), 0.11),
                ("Per week".into(), 0.11),
                ("Working hours".into(), 0.44),
            ],
            rows: d
                .teams
                .iter()
                .map(|(_, t)| {
                    vec![
                        t.name.clone(),
                        t.resources.len().to_string(),
                        t.capacity.to_string(),
                        t.per_week.to_string(),
                        hours_text(t),
                    ]
                })
                .collect(),
        });
    }
    if !d.owner_handovers.is_empty() {
        blocks.push(Block::Heading("Handover of work".into()));
        blocks.push(Block::Paragraph(
            "Who passes work to whom within a case: how often, and the median time from one \
             owner's completion to the next owner's start."
                .into(),
        ));
        blocks.push(Block::Table {
            columns: vec![
                ("From".into(), 0.34),
                ("To".into(), 0.34),
                ("Handovers".into(), 0.14),
                ("Median wait".into(), 0.18),
            ],
            rows: d
                .owner_handovers
                .iter()
                .take(HANDOVERS)
                .map(|h| {
                    vec![
                        h.from.clone(),
                        h.to.clone(),
                        h.count.to_string(),
                        hours(h.median_delay_hours),
                    ]
                })
                .collect(),
        });
        matrix(d, &mut blocks);
    }
    for note in &d.notes {
        blocks.push(Block::Paragraph(note.clone()));
    }
    Section {
        title: "As-is evidence".into(),
        blocks,
    }
}

/// The handover matrix of a handful of owners: rows pass to columns.
fn matrix(d: &Discovery, blocks: &mut Vec<Block>) {
    let names: Vec<&str> = d.teams.iter().map(|(_, t)| t.name.as_str()).collect();
    if names.len() < 2 || names.len() > MATRIX_OWNERS {
        return;
    }
    #[allow(clippy::cast_precision_loss, reason = "a handful of columns")]
    let each = 0.72 / names.len() as f32;
    let mut columns = vec![("From \\ to".to_owned(), 0.28)];
    columns.extend(names.iter().map(|n| ((*n).to_owned(), each)));
    let rows = names
        .iter()
        .map(|from| {
            let mut row = vec![(*from).to_owned()];
            row.extend(names.iter().map(|to| {
                d.owner_handovers
                    .iter()
                    .find(|h| h.from == *from && h.to == *to)
                    .map_or_else(|| "-".to_owned(), |h| h.count.to_string())
            }));
            row
        })
        .collect();
    blocks.push(Block::Table { columns, rows });
}
