//! The one list of simulation figures (KPIs). Each [`Metric`] names a figure of a result
//! (its JSON key, its label, its unit, how to read it and its confidence interval), and every
//! consumer reads these tables: the `--json` object, the text report, the handbook, the
//! results panel's tables, its CSV copies and the scenario comparison. A new KPI is its
//! computation in `sim` plus one entry here.
//!
//! Keys are the JSON keys (documented in README.md; "add, never rename"). A figure with an
//! interval also writes `<key>_ci95`.

use super::format;
use crate::sim::{OwnerResult, ServiceResult, SimResult, SlaResult, StepResult};

/// How a figure is measured, and so how it prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A duration in hours ("40.0m", "2.50h").
    Hours,
    /// A share in [0, 1], printed as a percentage with one decimal.
    Fraction,
    /// An observed availability in [0, 1], printed with three decimals.
    Availability,
    /// A whole count.
    Count,
    /// A plain number with this many decimals.
    Number(usize),
    /// Money, with two decimals and no currency.
    Money,
    /// Yes or no (JSON `true`/`false`).
    Flag,
}

impl Unit {
    /// The value as people read it.
    #[must_use]
    pub fn format(self, x: f64) -> String {
        match self {
            Self::Hours => format::hours(x),
            Self::Fraction => format::percent(x),
            Self::Availability => format::availability_fine(x),
            Self::Count => format!("{x:.0}"),
            Self::Number(decimals) => format!("{x:.decimals$}"),
            Self::Money => format::money(x),
            Self::Flag => if x == 0.0 { "no" } else { "yes" }.to_owned(),
        }
    }

    /// The value as JSON (counts as integers, flags as booleans).
    #[must_use]
    pub fn json(self, x: f64) -> serde_json::Value {
        match self {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "counts are whole and non-negative"
            )]
            Self::Count => serde_json::Value::from(x.round().max(0.0) as u64),
            Self::Flag => serde_json::Value::from(x != 0.0),
            _ => serde_json::Value::from(x),
        }
    }
}

/// One figure of a result of type `R`.
pub struct Metric<R> {
    /// JSON key and CSV column.
    pub key: &'static str,
    /// Short column header ("Wait").
    pub short: &'static str,
    /// What it means, for tooltips and the handbook.
    pub label: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// The value; `None` when the result has none (a step without an SLA).
    pub value: fn(&R) -> Option<f64>,
    /// The half-width of its 95% confidence interval across replications, when it has one.
    pub ci95: Option<fn(&R) -> Option<f64>>,
}

impl<R> Metric<R> {
    /// The value as text, or "" when there is none.
    pub fn text(&self, result: &R) -> String {
        (self.value)(result).map_or_else(String::new, |x| self.unit.format(x))
    }

    /// The value with its interval ("2.50h ± 0.10h") when there is a non-zero one.
    pub fn text_with_ci(&self, result: &R) -> String {
        let Some(x) = (self.value)(result) else {
            return String::new();
        };
        match self.ci95.and_then(|ci| ci(result)) {
            Some(ci) if ci > 0.0 && self.unit != Unit::Flag => {
                format!("{} ± {}", self.unit.format(x), self.unit.format(ci))
            }
            _ => self.unit.format(x),
        }
    }

    /// Writes the value (and `<key>_ci95`) into a JSON object; `null` when there is none.
    pub fn write_json(&self, result: &R, object: &mut serde_json::Map<String, serde_json::Value>) {
        let value = (self.value)(result).map_or(serde_json::Value::Null, |x| self.unit.json(x));
        object.insert(self.key.to_owned(), value);
        if let Some(ci) = self.ci95 {
            let value = ci(result).map_or(serde_json::Value::Null, serde_json::Value::from);
            object.insert(format!("{}_ci95", self.key), value);
        }
    }
}

/// Finds a metric by key.
#[must_use]
pub fn find<'a, R>(table: &'a [Metric<R>], key: &str) -> Option<&'a Metric<R>> {
    table.iter().find(|m| m.key == key)
}

/// Writes every metric of `table` into a JSON object.
#[must_use]
pub fn json_object<R>(table: &[Metric<R>], result: &R) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for metric in table {
        metric.write_json(result, &mut object);
    }
    serde_json::Value::Object(object)
}

/// The metrics of `table` named by `keys`, in that order (unknown keys are skipped).
#[must_use]
pub fn columns<'a, R>(table: &'a [Metric<R>], keys: &[&str]) -> Vec<&'a Metric<R>> {
    keys.iter().filter_map(|k| find(table, k)).collect()
}

/// The CSV header of a table: every key, and `<key>_ci95` beside those with an interval.
#[must_use]
pub fn csv_header<R>(table: &[Metric<R>]) -> String {
    let mut fields = Vec::new();
    for metric in table {
        fields.push(metric.key.to_owned());
        if metric.ci95.is_some() {
            fields.push(format!("{}_ci95", metric.key));
        }
    }
    fields.join(",")
}

/// One CSV row of a table's raw values (hours, fractions; empty when absent).
#[must_use]
pub fn csv_row<R>(table: &[Metric<R>], result: &R) -> String {
    let raw = |m: &Metric<R>, x: Option<f64>| {
        x.map_or_else(String::new, |x| match m.unit {
            Unit::Count | Unit::Flag => m.unit.json(x).to_string(),
            _ => format!("{x}"),
        })
    };
    let mut fields = Vec::new();
    for metric in table {
        fields.push(raw(metric, (metric.value)(result)));
        if let Some(ci) = metric.ci95 {
            fields.push(ci(result).map_or_else(String::new, |x| format!("{x}")));
        }
    }
    fields.join(",")
}

/// The columns of the owner tables in the text report and the handbook.
pub const OWNER_COLUMNS: &[&str] = &[
    "utilization",
    "estimated_utilization",
    "queue_mean",
    "queue_max",
    "wait_mean",
    "wait_share",
];

/// The columns of the step tables in the text report and the results panel.
pub const STEP_COLUMNS: &[&str] = &[
    "visits_per_case",
    "wait_mean",
    "work_mean",
    "lead_mean",
    "sla_met_fraction",
];

/// The columns of the service table in the text report.
pub const SERVICE_COLUMNS: &[&str] = &[
    "availability_observed",
    "outages",
    "cases_delayed",
    "delay_mean",
    "sla_missed_when_delayed",
];

#[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn count(n: u64) -> f64 {
    n as f64
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Figures of the whole run (besides the cycle-time distribution and the SLA).
pub const RUN: &[Metric<SimResult>] = &[
    Metric {
        key: "throughput_per_hour",
        short: "Throughput",
        label: "Completed cases per hour",
        unit: Unit::Number(2),
        value: |r| Some(r.throughput_per_hour.mean),
        ci95: Some(|r| r.throughput_per_hour.ci95),
    },
    Metric {
        key: "wip_mean",
        short: "WIP",
        label: "Cases in progress on average",
        unit: Unit::Number(1),
        value: |r| Some(r.wip_mean.mean),
        ci95: Some(|r| r.wip_mean.ci95),
    },
    Metric {
        key: "cost_per_case",
        short: "Cost/case",
        label: "Cost of owners' work per case",
        unit: Unit::Money,
        value: |r| Some(r.cost_per_case.mean),
        ci95: Some(|r| r.cost_per_case.ci95),
    },
];

/// Figures of the cycle time (JSON object `cycle_time`).
pub const CYCLE_TIME: &[Metric<SimResult>] = &[
    Metric {
        key: "mean",
        short: "Mean",
        label: "Mean cycle time",
        unit: Unit::Hours,
        value: |r| Some(r.cycle_time.mean.mean),
        ci95: Some(|r| r.cycle_time.mean.ci95),
    },
    Metric {
        key: "p50",
        short: "p50",
        label: "Median cycle time",
        unit: Unit::Hours,
        value: |r| Some(r.cycle_time.p50),
        ci95: None,
    },
    Metric {
        key: "p90",
        short: "p90",
        label: "90th percentile of the cycle time",
        unit: Unit::Hours,
        value: |r| Some(r.cycle_time.p90),
        ci95: None,
    },
    Metric {
        key: "p95",
        short: "p95",
        label: "95th percentile of the cycle time",
        unit: Unit::Hours,
        value: |r| Some(r.cycle_time.p95),
        ci95: None,
    },
    Metric {
        key: "max",
        short: "Max",
        label: "Longest cycle time",
        unit: Unit::Hours,
        value: |r| Some(r.cycle_time.max),
        ci95: None,
    },
];

/// Figures of an SLA result (JSON object `sla`, or `null` without an SLA).
pub const SLA: &[Metric<SlaResult>] = &[
    Metric {
        key: "target",
        short: "Target",
        label: "Target time",
        unit: Unit::Hours,
        value: |s| Some(s.target_hours),
        ci95: None,
    },
    Metric {
        key: "within",
        short: "Required",
        label: "Share of cases required within the target",
        unit: Unit::Fraction,
        value: |s| Some(s.within),
        ci95: None,
    },
    Metric {
        key: "met_fraction",
        short: "Met",
        label: "Share of cases within the target",
        unit: Unit::Fraction,
        value: |s| Some(s.met_fraction.mean),
        ci95: Some(|s| s.met_fraction.ci95),
    },
    Metric {
        key: "met",
        short: "Met?",
        label: "The SLA is met",
        unit: Unit::Flag,
        value: |s| Some(flag(s.met)),
        ci95: None,
    },
];

/// Figures per step.
pub const STEP: &[Metric<StepResult>] = &[
    Metric {
        key: "count",
        short: "Count",
        label: "Executions by measured cases",
        unit: Unit::Count,
        value: |s| Some(count(s.count)),
        ci95: None,
    },
    Metric {
        key: "visits_per_case",
        short: "Visits",
        label: "Executions per case",
        unit: Unit::Number(2),
        value: |s| Some(s.visits_per_case),
        ci95: None,
    },
    Metric {
        key: "wait_mean",
        short: "Wait",
        label: "Mean wait before work starts",
        unit: Unit::Hours,
        value: |s| Some(s.wait_mean),
        ci95: Some(|s| s.wait_mean_ci95),
    },
    Metric {
        key: "wait_working_mean",
        short: "Wait (working)",
        label: "Mean wait counted in working time only (the owner's calendar); empty for work around the clock",
        unit: Unit::Hours,
        value: |s| s.wait_working_mean,
        ci95: Some(|s| s.wait_working_mean_ci95),
    },
    Metric {
        key: "work_mean",
        short: "Work",
        label: "Mean work time",
        unit: Unit::Hours,
        value: |s| Some(s.work_mean),
        ci95: None,
    },
    Metric {
        key: "lead_mean",
        short: "Lead",
        label: "Mean lead time (wait + work)",
        unit: Unit::Hours,
        value: |s| Some(s.lead_mean),
        ci95: Some(|s| s.lead_mean_ci95),
    },
    Metric {
        key: "sla_met_fraction",
        short: "SLA met",
        label: "Share of executions within the step's SLA",
        unit: Unit::Fraction,
        value: |s| s.sla.as_ref().map(|x| x.met_fraction.mean),
        ci95: Some(|s| s.sla.as_ref().and_then(|x| x.met_fraction.ci95)),
    },
    Metric {
        key: "sla_met",
        short: "SLA ok",
        label: "The step's SLA is met",
        unit: Unit::Flag,
        value: |s| s.sla.as_ref().map(|x| flag(x.met)),
        ci95: None,
    },
];

/// Figures per owner.
pub const OWNER: &[Metric<OwnerResult>] = &[
    Metric {
        key: "utilization",
        short: "Busy",
        label: "Share of available capacity busy (simulated; of the capacity on shift when the owner has a calendar)",
        unit: Unit::Fraction,
        value: |o| Some(o.utilization.mean),
        ci95: Some(|o| o.utilization.ci95),
    },
    Metric {
        key: "estimated_utilization",
        short: "Estimate",
        label: "Share of available capacity busy (traffic equations, no simulation)",
        unit: Unit::Fraction,
        value: |o| Some(o.estimated_utilization),
        ci95: None,
    },
    Metric {
        key: "available_hours_per_week",
        short: "Avail. h/wk",
        label: "Capacity-hours on shift per week (capacity x 168 without a calendar)",
        unit: Unit::Number(1),
        value: |o| Some(o.available_hours_per_week),
        ci95: None,
    },
    Metric {
        key: "queue_mean",
        short: "Queue",
        label: "Work waiting on average",
        unit: Unit::Number(1),
        value: |o| Some(o.queue_mean),
        ci95: Some(|o| o.queue_mean_ci95),
    },
    Metric {
        key: "queue_max",
        short: "Max queue",
        label: "Longest queue in any replication",
        unit: Unit::Count,
        value: |o| Some(count(o.queue_max)),
        ci95: None,
    },
    Metric {
        key: "wait_mean",
        short: "Wait",
        label: "Mean wait of its work",
        unit: Unit::Hours,
        value: |o| Some(o.wait_mean),
        ci95: None,
    },
    Metric {
        key: "wait_share",
        short: "Waiting %",
        label: "This owner's share of all waiting",
        unit: Unit::Fraction,
        value: |o| Some(o.wait_share),
        ci95: None,
    },
    Metric {
        key: "busy_cost",
        short: "Busy cost",
        label: "Cost of busy time per replication",
        unit: Unit::Money,
        value: |o| Some(o.busy_cost),
        ci95: None,
    },
];

/// Figures per service.
pub const SERVICE: &[Metric<ServiceResult>] = &[
    Metric {
        key: "availability_observed",
        short: "Available",
        label: "Share of the time it and what it depends on were up",
        unit: Unit::Availability,
        value: |s| Some(s.availability_observed.mean),
        ci95: Some(|s| s.availability_observed.ci95),
    },
    Metric {
        key: "outages",
        short: "Outages",
        label: "Outages of the service itself",
        unit: Unit::Count,
        value: |s| Some(count(s.outages)),
        ci95: None,
    },
    Metric {
        key: "cases_delayed",
        short: "Delayed",
        label: "Cases that found it down at a step",
        unit: Unit::Count,
        value: |s| Some(count(s.cases_delayed)),
        ci95: None,
    },
    Metric {
        key: "delay_mean",
        short: "Delay",
        label: "Mean delay of a delayed case",
        unit: Unit::Hours,
        value: |s| Some(s.delay_mean),
        ci95: Some(|s| s.delay_mean_ci95),
    },
    Metric {
        key: "sla_missed_when_delayed",
        short: "SLA missed",
        label: "Share of delayed cases that missed the end-to-end SLA",
        unit: Unit::Fraction,
        value: |s| Some(s.sla_missed_when_delayed),
        ci95: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_per_table() {
        fn unique<R>(table: &[Metric<R>]) -> bool {
            let mut keys: Vec<&str> = table.iter().map(|m| m.key).collect();
            keys.sort_unstable();
            keys.windows(2).all(|w| w[0] != w[1])
        }
        assert!(unique(RUN) && unique(CYCLE_TIME) && unique(SLA) && unique(STEP));
        assert!(unique(OWNER) && unique(SERVICE));
    }
}
