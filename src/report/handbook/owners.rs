//! Section "Owners and responsibilities": who does what, at what capacity, cost and estimated
//! load, and the responsibility matrix of steps against owners.

use super::{Block, Context, Section};
use crate::model::Node;
use crate::report::format::{money, percent};

/// Section "Owners and responsibilities": the owner table, then the matrix for small teams.
pub(super) fn owners_and_responsibilities(cx: &Context<'_>) -> Section {
    let map = cx.map;
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
                let steps: Vec<String> = cx
                    .order
                    .iter()
                    .filter(|n| map.nodes.get(**n).and_then(Node::owner) == Some(id.as_str()))
                    .map(|n| cx.node_name(n))
                    .collect();
                let hours = match map.calendar(owner.calendar.as_deref()) {
                    Some(c) => format!("{} ({:.1} h/week)", c.name, c.hours_per_week()),
                    None => "around the clock".to_owned(),
                };
                vec![
                    owner.name.clone(),
                    owner.capacity.to_string(),
                    hours,
                    money(owner.cost_per_hour),
                    cx.estimate
                        .owners
                        .get(id)
                        .map_or_else(String::new, |l| percent(l.utilization)),
                    steps.join(", "),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            columns: vec![
                ("Owner".into(), 0.19),
                ("Capacity".into(), 0.12),
                ("Working hours".into(), 0.2),
                ("Cost/h".into(), 0.09),
                ("Est. load".into(), 0.11),
                ("Steps".into(), 0.29),
            ],
            rows,
        });
        if map.owners.len() <= 8 {
            responsibility_matrix(cx, &mut blocks);
        }
    }
    Section {
        title: "Owners and responsibilities".into(),
        blocks,
    }
}

/// Responsibility matrix: which owner does which step (one column per owner, so only for a
/// handful of owners).
fn responsibility_matrix(cx: &Context<'_>, blocks: &mut Vec<Block>) {
    let map = cx.map;
    blocks.push(Block::Heading("Responsibility matrix".into()));
    #[allow(clippy::cast_precision_loss, reason = "a handful of columns")]
    let each = 0.6 / map.owners.len() as f32;
    let mut columns = vec![("Step".to_owned(), 0.4)];
    columns.extend(map.owners.values().map(|o| (o.name.clone(), each)));
    let rows = cx
        .order
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
