//! The first two sections: the process map (its description, the owner legend and the
//! drawing) and the step catalogue (a card per start, step and decision, in flow order).

use super::{Block, Context, Section};
use crate::model::{self, Node};
use crate::report::format::percent;

/// Section "Process map": the description, how to read the drawing, the legend, the drawing.
pub(super) fn process_map(cx: &Context<'_>) -> Section {
    let map = cx.map;
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
    Section {
        title: "Process map".into(),
        blocks,
    }
}

/// Section "Step catalogue": every start, step and decision in flow order.
pub(super) fn step_catalogue(cx: &Context<'_>) -> Section {
    let mut blocks = Vec::new();
    for id in &cx.order {
        let Some(node) = cx.map.nodes.get(*id) else {
            continue;
        };
        match node {
            Node::Step { .. } => step(cx, id, node, &mut blocks),
            Node::Decision { name, notes, .. } => {
                decision(cx, id, name, &mut blocks);
                if !notes.trim().is_empty() {
                    blocks.push(Block::Notes(notes.clone()));
                }
            }
            Node::Start { name, notes, .. } => {
                blocks.push(Block::Heading(format!("Start: {name}")));
                let map = cx.map;
                let rate = map.arrivals_per_hour(node);
                let pattern = match node.arrival_pattern() {
                    Some(model::Arrivals::Rates(rates)) => rates
                        .iter()
                        .map(|r| format!("{} {}-{} {}/h", r.days, r.from, r.to, r.per_hour))
                        .collect::<Vec<_>>()
                        .join("; "),
                    Some(model::Arrivals::Gaps(dist)) => {
                        format!("time between arrivals {}", dist.summary())
                    }
                    None => String::new(),
                };
                let mut fields = vec![(
                    "Arrivals".to_owned(),
                    format!("{rate:.2} per hour on average over the week ({pattern})"),
                )];
                if let Some(id) = node.calendar() {
                    fields.push(("Arrives in".to_owned(), map.calendar_name(id).to_owned()));
                }
                blocks.push(Block::Fields(fields));
                if !notes.trim().is_empty() {
                    blocks.push(Block::Notes(notes.clone()));
                }
            }
            Node::Parallel { .. } | Node::End { .. } => {}
        }
    }
    Section {
        title: "Step catalogue".into(),
        blocks,
    }
}

/// The card of a step: owner, work time, SLA, services, visits, id, then its notes.
fn step(cx: &Context<'_>, id: &str, node: &Node, blocks: &mut Vec<Block>) {
    // The catalogue calls this for steps only.
    let Node::Step {
        name,
        owner,
        work,
        sla,
        uses,
        notes,
        ..
    } = node
    else {
        return;
    };
    blocks.push(Block::Heading(name.clone()));
    let mut fields = vec![
        (
            "Owner".to_owned(),
            owner
                .as_deref()
                .map_or_else(|| "none (a waiting time)".to_owned(), |o| cx.owner_name(o)),
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
            sla.as_ref().map_or_else(
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
                .map(|s| cx.service_name(s))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if let Some(visits) = cx.estimate.visits.get(id) {
        fields.push((
            "Visits per case".to_owned(),
            format!("{visits:.2} (estimate)"),
        ));
    }
    fields.push(("Id".to_owned(), id.to_owned()));
    blocks.push(Block::Fields(fields));
    if !notes.trim().is_empty() {
        blocks.push(Block::Notes(notes.clone()));
    }
}

/// A decision: its heading and where each way leads, with label and probability.
fn decision(cx: &Context<'_>, id: &str, name: &str, blocks: &mut Vec<Block>) {
    let ways: Vec<String> = cx
        .map
        .flows
        .iter()
        .filter(|f| f.from == id)
        .map(|f| {
            let label = if f.label.is_empty() {
                String::new()
            } else {
                format!("\"{}\" ", f.label)
            };
            let p = f
                .probability
                .map_or_else(String::new, |p| format!(" ({})", percent(p)));
            format!("{label}to {}{p}", cx.node_name(&f.to))
        })
        .collect();
    blocks.push(Block::Heading(format!("Decision: {name}")));
    blocks.push(Block::Bullets(ways));
}
