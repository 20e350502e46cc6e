//! The staffing plan's result: the verdict (and, when infeasible, which SLAs are out of reach
//! and why), the owners before and after, the SLAs before and after, what Apply does to
//! rosters, the cost / p90 chart of every candidate simulated, and the Apply button.

use egui::{Color32, RichText, Ui};
use egui_plot::{Legend, Line, MarkerShape, Plot, PlotPoints, Points};

use super::{PlanAction, StaffingOutcome, Study};
use crate::model::ProcessMap;
use crate::report::format::{hours, money, percent};
use crate::sim::plan::{Objective, Plan, SlaPlan};
use crate::ui::theme;

fn signed_money(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", money(x))
    } else {
        money(x)
    }
}

fn scope_name(map: &ProcessMap, scope: &str) -> String {
    if scope == "case" {
        "Whole case".to_owned()
    } else {
        format!("Step {}", map.node_name(scope))
    }
}

fn met_text(met: bool, lower: Option<f64>) -> RichText {
    let text = format!(
        "{} (lower CI {})",
        if met { "met" } else { "missed" },
        lower.map_or_else(|| "-".to_owned(), percent)
    );
    RichText::new(text).color(if met { theme::GOOD } else { theme::ERROR })
}

/// The name and "now -> recommended" cells of a row of the owners table.
fn owner_row(ui: &mut Ui, name: &str, (now, recommended): (u32, u32)) {
    ui.label(name);
    let capacity = RichText::new(format!("{now} -> {recommended}"));
    ui.label(if now == recommended {
        capacity
    } else {
        capacity.strong()
    });
}

/// Why an SLA is out of reach, in a sentence.
fn unreachable_reason(map: &ProcessMap, plan: &Plan, sla: &SlaPlan) -> String {
    let top: Vec<String> = plan
        .owners
        .iter()
        .map(|o| format!("{} {}", map.owner_name(&o.id), o.range.1))
        .collect();
    format!(
        "{} ({} within {}) is out of reach: even with every owner at its largest capacity ({}) \
         the lower end of its 95% interval stays below {}. Capacity is not what holds it back \
         (a calendar, a fixed delay or the work itself), or the bounds are too tight.",
        scope_name(map, &sla.scope),
        percent(sla.within),
        hours(sla.target_hours),
        top.join(", "),
        percent(sla.within)
    )
}

/// The result of a staffing plan; returns Apply when the user clicks it.
pub(super) fn result_ui(
    ui: &mut Ui,
    study: &Study<StaffingOutcome>,
    revision: u64,
) -> Vec<PlanAction> {
    let mut actions = Vec::new();
    let plan = &study.value.plan;
    let map = &study.map;
    let stale = study.revision != revision;
    if stale {
        ui.label(
            RichText::new("Stale: the map changed since this plan (Optimise to plan again)")
                .color(theme::WARNING)
                .strong(),
        );
    }
    let verdict = match (plan.feasible, plan.objective) {
        (true, Objective::Cost) => format!(
            "Recommended staffing: {} per hour (today {}), every SLA met",
            money(plan.cost_recommended),
            money(plan.cost_now)
        ),
        (true, Objective::P90 { budget_per_hour }) => format!(
            "Fastest staffing within {} per hour: p90 {}",
            money(budget_per_hour),
            plan.p90_after.map_or_else(|| "-".to_owned(), hours)
        ),
        (false, _) => "No staffing within the bounds meets the objective".to_owned(),
    };
    ui.label(RichText::new(verdict).heading().strong());
    if !plan.feasible {
        ui.label(RichText::new(&plan.note).color(theme::ERROR));
        for sla in plan.slas.iter().filter(|s| !s.reachable) {
            ui.label(RichText::new(unreachable_reason(map, plan, sla)).color(theme::ERROR));
        }
    }
    ui.horizontal(|ui| {
        let change = &study.value.change;
        let apply = ui
            .add_enabled(
                !stale && !change.edit.is_empty(),
                egui::Button::new(RichText::new("Apply").strong()),
            )
            .on_hover_text(
                "Set every owner (and every shift of a roster) to its recommended capacity, as \
                 one undo step",
            )
            .on_disabled_hover_text(if stale {
                "The map changed since this plan: optimise again first"
            } else {
                "The recommendation is today's staffing"
            });
        if apply.clicked() {
            actions.push(PlanAction::Apply(Box::new(change.edit.clone())));
        }
        if let (Some(today), Some(recommended)) = (&study.value.today, &study.value.recommended)
            && ui
                .button("Compare in Results")
                .on_hover_text("Show the recommendation as a what-if scenario beside today's")
                .clicked()
        {
            actions.push(PlanAction::Compare {
                today: Box::new(today.clone()),
                recommended: Box::new(recommended.clone()),
            });
        }
    });
    for note in &study.value.change.notes {
        ui.label(RichText::new(format!("Apply: {note}")).small());
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Owners").strong());
    egui::Grid::new("plan-owners")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for title in [
                "Owner",
                "Capacity",
                "Cost per hour",
                "Utilisation",
                "Bounds",
            ] {
                ui.strong(title);
            }
            ui.end_row();
            for o in &plan.owners {
                let utilisation = format!(
                    "{} -> {}",
                    percent(o.utilization_before),
                    percent(o.utilization_after)
                );
                if o.shifts.is_empty() {
                    owner_row(ui, map.owner_name(&o.id), (o.now, o.recommended));
                    ui.label(signed_money(o.cost_change));
                    ui.label(utilisation);
                    ui.label(format!("{}-{}", o.range.0, o.range.1));
                    ui.end_row();
                    continue;
                }
                // A roster: one row per shift (the owner's utilisation on each).
                for s in &o.shifts {
                    let name = format!("{}, {} {}-{}", map.owner_name(&o.id), s.days, s.from, s.to);
                    owner_row(ui, &name, (s.now, s.recommended));
                    ui.label(signed_money(s.cost_change));
                    ui.label(utilisation.clone());
                    ui.label(format!("{}-{}", s.range.0, s.range.1));
                    ui.end_row();
                }
            }
        });
    ui.label(format!(
        "Staff cost per hour {} -> {}; p90 cycle time {} -> {}",
        money(plan.cost_now),
        money(plan.cost_recommended),
        plan.p90_before.map_or_else(|| "-".to_owned(), hours),
        plan.p90_after.map_or_else(|| "-".to_owned(), hours),
    ));
    if !plan.slas.is_empty() {
        ui.add_space(4.0);
        ui.label(
            RichText::new("SLAs (met when the lower end of the 95% interval reaches the share)")
                .strong(),
        );
        egui::Grid::new("plan-slas")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for title in ["SLA", "Target", "Today", "Recommended"] {
                    ui.strong(title);
                }
                ui.end_row();
                for s in &plan.slas {
                    ui.label(scope_name(map, &s.scope));
                    ui.label(format!(
                        "{} within {}",
                        percent(s.within),
                        hours(s.target_hours)
                    ));
                    ui.label(met_text(s.met_before, s.lower_ci_before));
                    let after = met_text(s.met_after, s.lower_ci);
                    if s.reachable {
                        ui.label(after);
                    } else {
                        ui.label(after)
                            .on_hover_text("out of reach within the bounds");
                    }
                    ui.end_row();
                }
            });
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Cost and p90 of every candidate simulated").strong());
    front_chart(ui, plan);
    ui.label(
        RichText::new(format!(
            "{} candidates evaluated, {} cases simulated, {:.1} s",
            plan.evaluated, plan.cases_simulated, plan.wall_seconds
        ))
        .weak(),
    );
    actions
}

/// Cost per hour (x) against p90 (y): candidates meeting every SLA in green, the others as
/// red crosses, the front as a line, today and the recommendation marked.
fn front_chart(ui: &mut Ui, plan: &Plan) {
    let point = |p: &crate::sim::plan::FrontPoint| [p.cost_per_hour, p.p90];
    let (meets, misses): (Vec<_>, Vec<_>) = plan.candidates.iter().partition(|p| p.meets_slas);
    let front: Vec<[f64; 2]> = plan.front.iter().map(point).collect();
    let recommended = plan.p90_after.map(|p90| [plan.cost_recommended, p90]);
    let today = plan.p90_before.map(|p90| [plan.cost_now, p90]);
    let muted = ui.visuals().weak_text_color();
    Plot::new("plan-front")
        .height(220.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .legend(Legend::default())
        .x_axis_label("staff cost per hour")
        .y_axis_label("p90 cycle time (h)")
        .show(ui, |plot| {
            plot.line(Line::new("front", PlotPoints::from(front)).color(muted));
            plot.points(
                Points::new(
                    "meets every SLA",
                    PlotPoints::from(meets.iter().map(|p| point(p)).collect::<Vec<_>>()),
                )
                .color(theme::GOOD)
                .shape(MarkerShape::Circle)
                .filled(true)
                .radius(4.0),
            );
            plot.points(
                Points::new(
                    "misses an SLA",
                    PlotPoints::from(misses.iter().map(|p| point(p)).collect::<Vec<_>>()),
                )
                .color(theme::ERROR)
                .shape(MarkerShape::Cross)
                .radius(4.0),
            );
            if let Some(today) = today {
                plot.points(
                    Points::new("today", PlotPoints::from(vec![today]))
                        .color(Color32::GRAY)
                        .shape(MarkerShape::Square)
                        .filled(false)
                        .radius(7.0),
                );
            }
            if let Some(recommended) = recommended {
                plot.points(
                    Points::new("recommended", PlotPoints::from(vec![recommended]))
                        .color(theme::ACCENT)
                        .shape(MarkerShape::Diamond)
                        .filled(true)
                        .radius(8.0),
                );
            }
        });
}
