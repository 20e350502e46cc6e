//! Figures by hour of the week: the engine's per-replication week areas pooled into a
//! [`WeekProfile`] (sums over replications, divided by the window time each bucket saw).

use super::engine::{Model, RepStats, US_PER_HOUR};
use super::{OwnerWeek, WEEK_BUCKETS, WeekProfile};
use crate::model::ProcessMap;

/// The week profile of a run, when the model kept one.
#[allow(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
pub(super) fn profile(map: &ProcessMap, model: &Model, reps: &[RepStats]) -> Option<WeekProfile> {
    if !model.weekly {
        return None;
    }
    let weeks: Vec<_> = reps.iter().filter_map(|r| r.week.as_deref()).collect();
    let pooled = |f: &dyn Fn(&super::engine::WeekStats, usize) -> f64| -> Vec<f64> {
        (0..WEEK_BUCKETS)
            .map(|b| weeks.iter().map(|w| f(w, b)).sum())
            .collect()
    };
    let exposure = pooled(&|w, b| w.exposure.at(b));
    let per_exposure = |area: Vec<f64>| -> Vec<f64> {
        area.iter()
            .zip(&exposure)
            .map(|(a, e)| if *e > 0.0 { a / e } else { 0.0 })
            .collect()
    };
    let arrivals = per_exposure(pooled(&|w, b| w.arrivals[b] as f64 * US_PER_HOUR));
    let wip = per_exposure(pooled(&|w, b| w.wip.at(b)));
    let done = pooled(&|w, b| w.done[b] as f64);
    let met = pooled(&|w, b| w.sla_met[b] as f64);
    let sla_met = done
        .iter()
        .zip(&met)
        .map(|(d, m)| (map.sla.is_some() && *d > 0.0).then(|| m / d))
        .collect();
    let owners = model
        .owner_ids
        .iter()
        .enumerate()
        .map(|(o, id)| {
            let sum = |f: &dyn Fn(&super::engine::OwnerWeekStats, usize) -> f64| -> Vec<f64> {
                pooled(&|w, b| w.owners.get(o).map_or(0.0, |x| f(x, b)))
            };
            let busy = sum(&|x, b| x.busy.at(b));
            let capacity = sum(&|x, b| x.capacity.at(b));
            let utilization = busy
                .iter()
                .zip(&capacity)
                .map(|(b, c)| if *c > 0.0 { b / c } else { 0.0 })
                .collect();
            (
                id.clone(),
                OwnerWeek {
                    queue: per_exposure(sum(&|x, b| x.queue.at(b))),
                    utilization,
                    capacity: per_exposure(capacity),
                },
            )
        })
        .collect();
    Some(WeekProfile {
        arrivals,
        wip,
        sla_met,
        owners,
    })
}
