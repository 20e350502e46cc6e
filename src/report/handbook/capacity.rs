//! The "Capacity plan" section (`export --plan`): the recommended staffing, the SLAs before and
//! after, headroom under more load and what to improve first. Tables for every format; the PDF
//! adds the headroom and tornado charts ([`Block::HeadroomChart`], [`Block::Tornado`]).

use std::fmt::Write as _;

use super::{Block, Section};
use crate::model::ProcessMap;
use crate::model::Simulation;
use crate::report::format::{hours, money, percent};
use crate::sim::Control;
use crate::sim::plan::headroom::{self, Change, Headroom, Sensitivity};
use crate::sim::plan::{self, Objective, Plan, PlanError, PlanOptions};

/// The three capacity studies of a map, as the handbook prints them.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityStudy {
    /// The lowest-cost staffing that meets every SLA.
    pub plan: Plan,
    /// p90 and SLAs under 0.5x to 2x today's arrivals.
    pub headroom: Headroom,
    /// Each step 10% faster, each owner one person larger, ranked.
    pub sensitivity: Sensitivity,
}

impl CapacityStudy {
    /// Runs the three studies of `map` one after the other with `settings`: the lowest-cost
    /// staffing, headroom, sensitivity. `control` counts their cases and cancels them (each
    /// study marks it finished when it ends).
    ///
    /// # Errors
    /// The first study's error (an invalid map, no owners, cancellation).
    pub fn run(
        map: &ProcessMap,
        settings: &Simulation,
        control: &Control,
    ) -> Result<Self, PlanError> {
        let options = PlanOptions {
            objective: Objective::Cost,
            settings: *settings,
            max_capacity: None,
        };
        let plan = plan::optimize(map, &options, control)?;
        let headroom = headroom::headroom(map, settings, control)?;
        let sensitivity = headroom::sensitivity(map, settings, control)?;
        Ok(Self {
            plan,
            headroom,
            sensitivity,
        })
    }
}

fn scope_name(map: &ProcessMap, scope: &str) -> String {
    if scope == "case" {
        "Whole case".to_owned()
    } else {
        format!("Step {}", map.node_name(scope))
    }
}

fn signed(x: f64, show: impl Fn(f64) -> String) -> String {
    if x > 0.0 {
        format!("+{}", show(x))
    } else if x < 0.0 {
        format!("-{}", show(-x))
    } else {
        show(0.0)
    }
}

/// The label of a sensitivity change ("Pick and pack 10% faster", "Warehouse crew 4 -> 5").
#[must_use]
pub fn change_label(map: &ProcessMap, change: &Change) -> String {
    match change {
        Change::FasterStep(id) => format!("{} 10% faster", map.node_name(id)),
        Change::MorePeople(id) => {
            let now = map.owners.get(id).map_or(0, |o| o.capacity);
            format!("{} {now} -> {}", map.owner_name(id), now + 1)
        }
    }
}

fn met(met: bool, lower: Option<f64>) -> String {
    format!(
        "{} ({})",
        if met { "met" } else { "missed" },
        lower.map_or_else(|| "-".to_owned(), percent)
    )
}

fn staffing_blocks(map: &ProcessMap, plan: &Plan) -> Vec<Block> {
    let mut blocks = vec![Block::Heading("Recommended staffing".to_owned())];
    blocks.push(if plan.feasible {
        Block::Strong(format!(
            "The lowest staff cost that meets every SLA (by the lower end of its 95% interval): \
             {} per hour, against {} today.",
            money(plan.cost_recommended),
            money(plan.cost_now)
        ))
    } else {
        Block::Strong(plan.note.clone())
    });
    blocks.push(Block::Table {
        columns: vec![
            ("Owner".to_owned(), 0.3),
            ("Capacity".to_owned(), 0.15),
            ("Cost per hour".to_owned(), 0.2),
            ("Utilisation".to_owned(), 0.35),
        ],
        rows: plan
            .owners
            .iter()
            .flat_map(|o| {
                let utilisation = format!(
                    "{} -> {}",
                    percent(o.utilization_before),
                    percent(o.utilization_after)
                );
                if o.shifts.is_empty() {
                    return vec![vec![
                        map.owner_name(&o.id).to_owned(),
                        format!("{} -> {}", o.now, o.recommended),
                        signed(o.cost_change, money),
                        utilisation,
                    ]];
                }
                // A roster: one row per shift.
                o.shifts
                    .iter()
                    .map(|s| {
                        vec![
                            format!("{}, {} {}-{}", map.owner_name(&o.id), s.days, s.from, s.to),
                            format!("{} -> {}", s.now, s.recommended),
                            signed(s.cost_change, money),
                            utilisation.clone(),
                        ]
                    })
                    .collect()
            })
            .collect(),
    });
    blocks.push(Block::Paragraph(format!(
        "p90 cycle time {} today, {} with the recommendation. {} candidate staffings simulated \
         ({} cases, {:.1} s), each with the same seed.",
        plan.p90_before.map_or_else(|| "-".to_owned(), hours),
        plan.p90_after.map_or_else(|| "-".to_owned(), hours),
        plan.evaluated,
        plan.cases_simulated,
        plan.wall_seconds
    )));
    if !plan.slas.is_empty() {
        blocks.push(Block::Heading("SLAs before and after".to_owned()));
        blocks.push(Block::Paragraph(
            "In brackets: the lower end of the 95% interval of the share of cases within target."
                .to_owned(),
        ));
        blocks.push(Block::Table {
            columns: vec![
                ("SLA".to_owned(), 0.28),
                ("Target".to_owned(), 0.22),
                ("Today".to_owned(), 0.25),
                ("Recommended".to_owned(), 0.25),
            ],
            rows: plan
                .slas
                .iter()
                .map(|s| {
                    let mut after = met(s.met_after, s.lower_ci);
                    if !s.reachable {
                        after.push_str(", out of reach");
                    }
                    vec![
                        scope_name(map, &s.scope),
                        format!("{} within {}", percent(s.within), hours(s.target_hours)),
                        met(s.met_before, s.lower_ci_before),
                        after,
                    ]
                })
                .collect(),
        });
    }
    blocks
}

/// The headroom sentences: where an SLA breaks, who saturates first.
#[must_use]
pub fn headroom_sentences(map: &ProcessMap, h: &Headroom) -> Vec<String> {
    let mut out = Vec::new();
    match &h.sla_breaks_at {
        Some((factor, scope)) => out.push(format!(
            "The first SLA to break: {} at {factor:.1}x today's arrivals.",
            if scope == "case" {
                "the whole case".to_owned()
            } else {
                format!("step {}", map.node_name(scope))
            }
        )),
        None if h.rows.iter().all(|r| r.sla_met.is_empty()) => {
            out.push("The map has no SLA to break.".to_owned());
        }
        None => out.push("Every SLA holds at every load simulated.".to_owned()),
    }
    if let Some((id, factor)) = &h.saturates_first {
        out.push(format!(
            "{} saturates first: at {factor:.2}x today's arrivals it is at 100%.",
            map.owner_name(id)
        ));
    }
    if let Some(last) = h.rows.last().filter(|r| r.factor < 2.0) {
        out.push(format!(
            "Loads above {:.1}x are not simulated: some owner would be at 100% or more.",
            last.factor
        ));
    }
    out
}

fn headroom_blocks(map: &ProcessMap, h: &Headroom) -> Vec<Block> {
    let mut blocks = vec![Block::Heading("Headroom".to_owned())];
    blocks.push(Block::Strong(headroom_sentences(map, h).join(" ")));
    blocks.push(Block::HeadroomChart);
    blocks.push(Block::Table {
        columns: vec![
            ("Load".to_owned(), 0.12),
            ("Arrivals per hour".to_owned(), 0.2),
            ("p90".to_owned(), 0.16),
            ("SLAs".to_owned(), 0.14),
            ("Busiest owner".to_owned(), 0.38),
        ],
        rows: h
            .rows
            .iter()
            .map(|r| {
                vec![
                    format!("{:.1}x", r.factor),
                    format!("{:.2}", r.arrivals_per_hour),
                    hours(r.p90),
                    if r.slas_met { "met" } else { "missed" }.to_owned(),
                    r.busiest.as_ref().map_or_else(String::new, |(id, u)| {
                        format!("{} {}", map.owner_name(id), percent(*u))
                    }),
                ]
            })
            .collect(),
    });
    blocks
}

fn sensitivity_blocks(map: &ProcessMap, s: &Sensitivity) -> Vec<Block> {
    let mut blocks = vec![Block::Heading("What to improve first".to_owned())];
    let mut lead = format!(
        "Each step made 10% faster in turn, and each owner given one person more, ranked by the \
         effect on p90 cycle time ({} today; {} of {} SLAs met).",
        hours(s.p90),
        s.slas_met,
        s.slas
    );
    if let Some(best) = s.effects.first().filter(|e| e.p90_change < 0.0) {
        let _ = write!(
            lead,
            " Improve first: {} (p90 {} shorter).",
            change_label(map, &best.change),
            hours(-best.p90_change)
        );
    }
    blocks.push(Block::Paragraph(lead));
    blocks.push(Block::Tornado);
    blocks.push(Block::Table {
        columns: vec![
            ("Change".to_owned(), 0.4),
            ("p90".to_owned(), 0.15),
            ("p90 change".to_owned(), 0.15),
            ("SLA change".to_owned(), 0.15),
            ("SLAs met".to_owned(), 0.15),
        ],
        rows: s
            .effects
            .iter()
            .map(|e| {
                vec![
                    change_label(map, &e.change),
                    hours(e.p90),
                    signed(e.p90_change, hours),
                    format!("{:+.1} pp", e.sla_change * 100.0),
                    format!("{}/{}", e.slas_met, s.slas),
                ]
            })
            .collect(),
    });
    blocks
}

/// The "Capacity plan" section.
#[must_use]
pub fn capacity_plan(map: &ProcessMap, study: &CapacityStudy) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "Found by simulating candidate staffings with the map's simulation settings; an SLA \
         counts as met when the lower end of its 95% confidence interval reaches its share. \
         Headroom and sensitivity judge SLAs by their mean."
            .to_owned(),
    )];
    blocks.extend(staffing_blocks(map, &study.plan));
    blocks.extend(headroom_blocks(map, &study.headroom));
    blocks.extend(sensitivity_blocks(map, &study.sensitivity));
    Section {
        title: "Capacity plan".to_owned(),
        blocks,
    }
}
