//! Section "Working time": each calendar with its hours, what uses it, its closed dates and a
//! week chart; the arrival profiles of Starts; and, with results, utilisation and queues by
//! hour of the week. Only for maps that have calendars or rate profiles.

use super::{Block, Context, Section};
use crate::model::{Arrivals, Node};
use crate::report::format::percent_whole;

/// Section "Working time", or `None` for a map that works around the clock.
pub(super) fn working_time(cx: &Context<'_>) -> Option<Section> {
    let map = cx.map;
    let rates = map
        .nodes
        .values()
        .any(|n| matches!(n.arrival_pattern(), Some(Arrivals::Rates(_))));
    if map.calendars.is_empty() && !rates {
        return None;
    }
    let mut blocks = vec![Block::Paragraph(
        "Owners on a calendar work only on shift: work started before a shift ends pauses and \
         resumes on the next shift, and utilisation is of the capacity on shift. Starts on a \
         calendar receive cases only in its open time; SLAs on a calendar count only its open \
         time; services are down during their maintenance windows."
            .into(),
    )];
    for (id, calendar) in &map.calendars {
        blocks.push(Block::Heading(calendar.name.clone()));
        let mut fields = vec![(
            "Open".to_owned(),
            format!("{:.1} hours a week", calendar.hours_per_week()),
        )];
        let used = uses(cx, id);
        if !used.is_empty() {
            fields.push(("Used by".to_owned(), used.join("; ")));
        }
        if !calendar.closed.is_empty() {
            let dates: Vec<String> = calendar.closed.iter().map(ToString::to_string).collect();
            fields.push(("Closed".to_owned(), dates.join(", ")));
        }
        blocks.push(Block::Fields(fields));
        if !calendar.week.is_empty() {
            blocks.push(Block::Week(id.clone()));
        }
    }
    for id in &cx.order {
        let Some(node) = map.nodes.get(*id) else {
            continue;
        };
        let Some(Arrivals::Rates(rates)) = node.arrival_pattern() else {
            continue;
        };
        blocks.push(Block::Heading(format!("Arrivals: {}", node.name())));
        blocks.push(Block::Table {
            columns: vec![
                ("Days".into(), 0.3),
                ("From".into(), 0.2),
                ("To".into(), 0.2),
                ("Cases per hour".into(), 0.3),
            ],
            rows: rates
                .iter()
                .map(|r| {
                    vec![
                        r.days.to_string(),
                        r.from.to_string(),
                        r.to.to_string(),
                        format!("{}", r.per_hour),
                    ]
                })
                .collect(),
        });
        blocks.push(Block::Paragraph(format!(
            "{:.2} cases per hour on average over the week; none outside these windows.",
            map.arrivals_per_hour(node)
        )));
    }
    if let Some(week) = cx.results.and_then(|r| r.by_hour_of_week.as_ref()) {
        blocks.push(Block::Heading("Results by time of week".into()));
        blocks.push(Block::Paragraph(
            "Utilisation of each owner by hour of the week (of the capacity on shift; blank \
             where nobody works), averaged over the simulated weeks."
                .into(),
        ));
        blocks.push(Block::WeekHeat);
        let mut rows = Vec::new();
        for (id, owner) in &week.owners {
            let peak = owner
                .queue
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(b, q)| (b, *q));
            let busiest = owner
                .utilization
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(b, u)| (b, *u));
            if let (Some((qb, q)), Some((ub, u))) = (peak, busiest) {
                rows.push(vec![
                    cx.owner_name(id),
                    format!("{} ({q:.1} waiting)", hour_name(qb)),
                    format!("{} ({})", hour_name(ub), percent_whole(u)),
                ]);
            }
        }
        blocks.push(Block::Table {
            columns: vec![
                ("Owner".into(), 0.34),
                ("Longest queue".into(), 0.33),
                ("Busiest hour".into(), 0.33),
            ],
            rows,
        });
    }
    Some(Section {
        title: "Working time".into(),
        blocks,
    })
}

/// "Mon 09:00" for hour-of-week bucket `b`.
#[must_use]
pub fn hour_name(b: usize) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    format!("{} {:02}:00", DAYS[(b / 24) % 7], b % 24)
}

/// What uses calendar `id`, by name: owners, Starts, Steps, services, SLAs.
fn uses(cx: &Context<'_>, id: &str) -> Vec<String> {
    let map = cx.map;
    let named = |c: Option<&str>| c == Some(id);
    let mut used = Vec::new();
    let owners: Vec<String> = map
        .owners
        .values()
        .filter(|o| named(o.calendar.as_deref()))
        .map(|o| o.name.clone())
        .collect();
    if !owners.is_empty() {
        used.push(format!("owners {}", owners.join(", ")));
    }
    let mut arrivals = Vec::new();
    let mut delays = Vec::new();
    let mut slas = Vec::new();
    for node_id in &cx.order {
        let Some(node) = map.nodes.get(*node_id) else {
            continue;
        };
        match node {
            Node::Start { calendar, .. } if named(calendar.as_deref()) => {
                arrivals.push(node.name().to_owned());
            }
            Node::Step { calendar, sla, .. } => {
                if named(calendar.as_deref()) {
                    delays.push(node.name().to_owned());
                }
                if sla.as_ref().is_some_and(|s| named(s.calendar.as_deref())) {
                    slas.push(node.name().to_owned());
                }
            }
            _ => {}
        }
    }
    if map
        .sla
        .as_ref()
        .is_some_and(|s| named(s.calendar.as_deref()))
    {
        slas.insert(0, "the end-to-end SLA".to_owned());
    }
    if !arrivals.is_empty() {
        used.push(format!("arrivals at {}", arrivals.join(", ")));
    }
    if !delays.is_empty() {
        used.push(format!("the delay of {}", delays.join(", ")));
    }
    let maintained: Vec<String> = map
        .services
        .values()
        .filter(|s| named(s.maintenance.as_deref()))
        .map(|s| s.name.clone())
        .collect();
    if !maintained.is_empty() {
        used.push(format!("maintenance of {}", maintained.join(", ")));
    }
    if !slas.is_empty() {
        used.push(format!("SLAs of {}", slas.join(", ")));
    }
    used
}
