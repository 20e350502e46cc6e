//! Heat on the map: steps coloured by their mean wait, badges for the bottleneck and missed
//! SLAs, and the figures shown when hovering a node.

use std::fmt::Write as _;

use egui::Color32;

use super::{Heat, SimPanel};
use crate::model::Node;
use crate::palette;
use crate::report::format::hours;
use crate::ui::theme;

impl SimPanel {
    /// Heat on the map from the latest results (empty when heat is off or there are none).
    #[must_use]
    pub fn heat(&self) -> Heat {
        let mut heat = Heat::default();
        let Some(outcome) = &self.outcome else {
            return heat;
        };
        let result = &outcome.result;
        let bottleneck = result.bottlenecks.first().cloned();
        let max_wait = result
            .steps
            .values()
            .map(|s| s.wait_mean)
            .fold(0.0, f64::max);
        for (id, step) in &result.steps {
            let owner = outcome.map.nodes.get(id).and_then(Node::owner);
            let mut figures = format!(
                "wait {}, work {}, lead {}\n{:.2} visits per case",
                hours(step.wait_mean),
                hours(step.work_mean),
                hours(step.lead_mean),
                step.visits_per_case
            );
            if let Some(owner) = owner.and_then(|o| result.owners.get(o)) {
                let _ = write!(
                    figures,
                    "\nowner {:.0}% busy",
                    owner.utilization.mean * 100.0
                );
            }
            if let Some(sla) = &step.sla {
                let _ = write!(
                    figures,
                    "\nSLA met by {:.1}% (target {:.0}%)",
                    sla.met_fraction.mean * 100.0,
                    sla.within * 100.0
                );
                if !sla.met {
                    heat.badges.insert(
                        id.clone(),
                        (
                            format!("SLA {:.0}%", sla.met_fraction.mean * 100.0),
                            theme::ERROR,
                        ),
                    );
                }
            }
            if owner.is_some() && owner == bottleneck.as_deref() && !heat.badges.contains_key(id) {
                heat.badges
                    .insert(id.clone(), ("BOTTLENECK".to_owned(), theme::ACCENT));
            }
            heat.figures.insert(id.clone(), figures);
            if self.heat {
                #[allow(clippy::cast_possible_truncation, reason = "a fraction in [0, 1]")]
                let share = if max_wait > 0.0 {
                    (step.wait_mean / max_wait) as f32
                } else {
                    0.0
                };
                heat.colours.insert(id.clone(), heat_colour(share));
            }
        }
        heat
    }
}

fn heat_colour(share: f32) -> Color32 {
    let cool = theme::rgb(palette::HEAT_COOL);
    let warm = theme::rgb(palette::HEAT_WARM);
    let hot = theme::rgb(palette::HEAT_HOT);
    if share < 0.5 {
        cool.lerp_to_gamma(warm, share * 2.0)
    } else {
        warm.lerp_to_gamma(hot, (share - 0.5) * 2.0)
    }
}
