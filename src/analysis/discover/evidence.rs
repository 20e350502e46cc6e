//! The as-is evidence of a log: variants with their cycle times, and the handover-of-work
//! network between owners and between resources.

use std::collections::BTreeMap;

use super::fit::quantile;
use super::traces::{Traces, Variants};
use crate::model::calendar::HOUR_US;
use crate::model::log::{EventLog, NO_NAME};

/// Rows of the variants table kept in a discovery.
pub const VARIANT_ROWS: usize = 25;
/// Resource pairs kept in the handover network (the most frequent).
pub const RESOURCE_HANDOVERS: usize = 60;

/// One variant: a distinct sequence of activities.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantRow {
    /// The activities in order.
    pub activities: Vec<String>,
    /// Cases that follow it.
    pub cases: usize,
    /// Share of all cases.
    pub share: f64,
    /// Mean cycle time of its cases (first start to last completion), hours.
    pub mean_cycle_hours: f64,
    /// True when it is among the variants that shaped the map.
    pub kept: bool,
}

/// Work passed from one owner (or resource) to another within cases.
#[derive(Clone, Debug, PartialEq)]
pub struct Handover {
    /// Who passed the work.
    pub from: String,
    /// Who took it.
    pub to: String,
    /// How often.
    pub count: u64,
    /// Median time from the one's completion to the other's start, hours (0 when they
    /// overlap).
    pub median_delay_hours: f64,
}

/// Cycle time of trace `k`, hours.
pub(crate) fn cycle_hours(log: &EventLog, traces: &Traces, k: usize) -> f64 {
    let (a, b) = traces.span(log, k);
    #[allow(clippy::cast_precision_loss, reason = "time spans")]
    let hours = (b - a) as f64 / HOUR_US as f64;
    hours
}

/// The variants table: the `VARIANT_ROWS` most frequent.
pub(crate) fn variant_rows(
    log: &EventLog,
    traces: &Traces,
    variants: &Variants,
    kept: usize,
) -> Vec<VariantRow> {
    let total = traces.len().max(1);
    variants
        .sequences
        .iter()
        .zip(&variants.traces)
        .take(VARIANT_ROWS)
        .enumerate()
        .map(|(v, (sequence, members))| {
            let sum: f64 = members
                .iter()
                .map(|&k| cycle_hours(log, traces, k as usize))
                .sum();
            #[allow(clippy::cast_precision_loss, reason = "counts")]
            VariantRow {
                activities: sequence
                    .iter()
                    .map(|&a| log.activities[a as usize].clone())
                    .collect(),
                cases: members.len(),
                share: members.len() as f64 / total as f64,
                mean_cycle_hours: sum / members.len().max(1) as f64,
                kept: v < kept,
            }
        })
        .collect()
}

/// Handovers between consecutive events of a case done by different resources, and between
/// the owners (`team_of`, per resource) when they differ.
pub(crate) fn handovers(
    log: &EventLog,
    traces: &Traces,
    team_of: &[Option<usize>],
    team_names: &[String],
) -> (Vec<Handover>, Vec<Handover>) {
    let mut owners: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    let mut resources: BTreeMap<(u32, u32), Vec<f64>> = BTreeMap::new();
    for k in 0..traces.len() {
        for w in traces.trace(k).windows(2) {
            let (a, b) = (&log.events[w[0] as usize], &log.events[w[1] as usize]);
            if a.resource == NO_NAME || b.resource == NO_NAME || a.resource == b.resource {
                continue;
            }
            #[allow(clippy::cast_precision_loss, reason = "time spans")]
            let delay = (traces.start[w[1] as usize] - a.complete).max(0) as f64 / HOUR_US as f64;
            resources
                .entry((a.resource, b.resource))
                .or_default()
                .push(delay);
            if let (Some(ta), Some(tb)) =
                (team_of[a.resource as usize], team_of[b.resource as usize])
            {
                if ta != tb {
                    owners.entry((ta, tb)).or_default().push(delay);
                }
            }
        }
    }
    let rows = |delays: &mut Vec<f64>| {
        delays.sort_by(f64::total_cmp);
        (delays.len() as u64, quantile(delays, 0.5))
    };
    let mut owner_rows: Vec<Handover> = owners
        .into_iter()
        .map(|((a, b), mut d)| {
            let (count, median) = rows(&mut d);
            Handover {
                from: team_names[a].clone(),
                to: team_names[b].clone(),
                count,
                median_delay_hours: median,
            }
        })
        .collect();
    owner_rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.from.cmp(&b.from)));
    let mut resource_rows: Vec<Handover> = resources
        .into_iter()
        .map(|((a, b), mut d)| {
            let (count, median) = rows(&mut d);
            Handover {
                from: log.resources[a as usize].clone(),
                to: log.resources[b as usize].clone(),
                count,
                median_delay_hours: median,
            }
        })
        .collect();
    resource_rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.from.cmp(&b.from))
            .then_with(|| a.to.cmp(&b.to))
    });
    resource_rows.truncate(RESOURCE_HANDOVERS);
    (owner_rows, resource_rows)
}
