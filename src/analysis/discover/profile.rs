//! A log in numbers (cycle times, activity frequencies per case, arrivals by hour of week), and
//! how two logs compare: the real one and the one the discovered map simulates.
//!
//! The cycle-time distance is the earth mover's distance (Wasserstein-1) between the two
//! cycle-time distributions in hours: the area between their cumulative distributions, which is
//! what the histogram EMD of the log-distance measures converges to as the bins shrink.

use std::collections::{BTreeMap, BTreeSet};

use super::fit::quantile;
use super::traces::Traces;
use crate::model::log::EventLog;
use crate::model::log::{HOUR, WEEK, week_hour};

/// Relative difference allowed for "matches" (cycle-time mean, activity frequency, arrival
/// rate), widened to three standard errors of the difference where the samples are small.
pub const MATCH: f64 = 0.1;
/// Activity frequencies below this many per case are compared in absolute terms.
const RARE: f64 = 0.05;

/// What a log looks like in numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct LogProfile {
    /// Cases.
    pub cases: usize,
    /// Cycle times (first start to last completion), hours, sorted.
    pub cycle_hours: Vec<f64>,
    /// Events per case, per activity name.
    pub per_case: BTreeMap<String, f64>,
    /// Arrivals (first events) per hour of the week, averaged over the log's weeks.
    pub arrivals_by_hour: Vec<f64>,
    /// Arrivals per hour over the log's span.
    pub arrivals_per_hour: f64,
}

/// The profile of `log`.
pub fn profile(log: &EventLog) -> LogProfile {
    let traces = Traces::new(log);
    let mut cycle = Vec::with_capacity(traces.len());
    let mut firsts = Vec::with_capacity(traces.len());
    for k in 0..traces.len() {
        let (a, b) = traces.span(log, k);
        #[allow(clippy::cast_precision_loss, reason = "time spans")]
        cycle.push((b - a) as f64 / HOUR as f64);
        firsts.push(log.events[traces.trace(k)[0] as usize].wall(a));
    }
    cycle.sort_by(f64::total_cmp);
    let mut counts = vec![0u64; log.activities.len()];
    for e in &log.events {
        counts[e.activity as usize] += 1;
    }
    let mut per_case: BTreeMap<String, f64> = BTreeMap::new();
    for (a, &c) in counts.iter().enumerate() {
        #[allow(clippy::cast_precision_loss, reason = "counts")]
        let f = c as f64 / traces.len().max(1) as f64;
        *per_case
            .entry(log.activities[a].trim().to_owned())
            .or_default() += f;
    }
    let (lo, hi) = (
        firsts.iter().copied().min().unwrap_or(0),
        firsts.iter().copied().max().unwrap_or(0),
    );
    #[allow(clippy::cast_precision_loss, reason = "time spans")]
    let weeks = ((hi - lo) as f64 / WEEK as f64).max(1.0 / 168.0);
    let mut by_hour = vec![0.0; 168];
    for &t in &firsts {
        by_hour[week_hour(t)] += 1.0 / weeks;
    }
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let per_hour = if hi > lo {
        (firsts.len() - 1) as f64 / ((hi - lo) as f64 / HOUR as f64)
    } else {
        0.0
    };
    LogProfile {
        cases: traces.len(),
        cycle_hours: cycle,
        per_case,
        arrivals_by_hour: by_hour,
        arrivals_per_hour: per_hour,
    }
}

/// The verdict of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every measure within its tolerance.
    Matches,
    /// Every measure within twice its tolerance.
    Roughly,
    /// Some measure beyond twice its tolerance.
    Differs,
}

impl Verdict {
    /// The word for it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Matches => "matches",
            Self::Roughly => "roughly matches",
            Self::Differs => "differs",
        }
    }
}

/// One measure of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    /// What is measured ("cycle time p90, h").
    pub name: String,
    /// In the log.
    pub log: f64,
    /// In the simulated map.
    pub model: f64,
    /// The distance judged (relative difference, or as the name says).
    pub distance: f64,
    /// The tolerance for "matches".
    pub tolerance: f64,
}

impl Measure {
    /// Within the tolerance.
    pub fn ok(&self) -> bool {
        self.distance <= self.tolerance
    }
}

/// A log compared with a simulation of its discovered map.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The verdict.
    pub verdict: Verdict,
    /// One line saying it, with the worst measure.
    pub line: String,
    /// Earth mover's distance between the cycle-time distributions, hours.
    pub emd_hours: f64,
    /// The measures.
    pub measures: Vec<Measure>,
}

/// Compares the real log's profile with the simulated one's.
pub fn compare(log: &LogProfile, model: &LogProfile) -> Comparison {
    let mut measures = Vec::new();
    let rel = |a: f64, b: f64| {
        if a.abs() < 1e-12 && b.abs() < 1e-12 {
            0.0
        } else {
            (b - a).abs() / a.abs().max(1e-12)
        }
    };
    let mean = |x: &[f64]| {
        #[allow(clippy::cast_precision_loss, reason = "lengths")]
        let n = x.len().max(1) as f64;
        x.iter().sum::<f64>() / n
    };
    let (lm, mm) = (mean(&log.cycle_hours), mean(&model.cycle_hours));
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let (nl, nm) = (log.cases.max(1) as f64, model.cases.max(1) as f64);
    // Three standard errors of the difference of two independent estimates, relative to the
    // log's value: a tolerance never tighter than sampling noise allows.
    let noise = |relative_se_log: f64, relative_se_model: f64| {
        3.0 * (relative_se_log.powi(2) + relative_se_model.powi(2)).sqrt()
    };
    let sd = |x: &[f64], m: f64| {
        #[allow(clippy::cast_precision_loss, reason = "lengths")]
        let n = x.len().max(2) as f64;
        (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    };
    let cv = sd(&log.cycle_hours, lm) / lm.max(1e-12);
    let mut push = |name: &str, a: f64, b: f64, distance: f64, tolerance: f64| {
        measures.push(Measure {
            name: name.to_owned(),
            log: a,
            model: b,
            distance,
            tolerance,
        });
    };
    push(
        "cycle time mean, h",
        lm,
        mm,
        rel(lm, mm),
        MATCH.max(noise(cv / nl.sqrt(), cv / nm.sqrt())),
    );
    for (name, p, tol) in [
        ("cycle time p50, h", 0.5, MATCH * 1.5),
        ("cycle time p90, h", 0.9, MATCH * 1.5),
    ] {
        let (a, b) = (
            quantile(&log.cycle_hours, p),
            quantile(&model.cycle_hours, p),
        );
        push(name, a, b, rel(a, b), tol);
    }
    let emd = emd(&log.cycle_hours, &model.cycle_hours);
    push(
        "cycle time EMD, share of the log's mean",
        lm,
        emd,
        emd / lm.max(1e-12),
        MATCH * 1.5,
    );
    let names: BTreeSet<&String> = log.per_case.keys().chain(model.per_case.keys()).collect();
    for name in names {
        let a = log.per_case.get(name).copied().unwrap_or(0.0);
        let b = model.per_case.get(name).copied().unwrap_or(0.0);
        let distance = if a.max(b) < RARE {
            (a - b).abs() / RARE
        } else {
            rel(a, b)
        };
        // Counts of an activity are about Poisson: relative error 1 / sqrt(count).
        let tolerance = if a.max(b) < RARE {
            MATCH
        } else {
            MATCH.max(noise(1.0 / (a * nl).sqrt(), 1.0 / (a * nm).sqrt()))
        };
        push(&format!("{name}: per case"), a, b, distance, tolerance);
    }
    push(
        "arrivals per hour",
        log.arrivals_per_hour,
        model.arrivals_per_hour,
        rel(log.arrivals_per_hour, model.arrivals_per_hour),
        MATCH.max(noise(1.0 / nl.sqrt(), 1.0 / nm.sqrt())),
    );
    let total: f64 = log.arrivals_by_hour.iter().sum();
    let l1: f64 = log
        .arrivals_by_hour
        .iter()
        .zip(&model.arrivals_by_hour)
        .map(|(a, b)| (a - b).abs())
        .sum();
    push(
        "arrivals by hour of week, share misplaced",
        total,
        model.arrivals_by_hour.iter().sum(),
        l1 / 2.0 / total.max(1e-12),
        MATCH * 2.0,
    );
    let worst = measures
        .iter()
        .max_by(|a, b| (a.distance / a.tolerance).total_cmp(&(b.distance / b.tolerance)));
    let verdict = if measures.iter().all(Measure::ok) {
        Verdict::Matches
    } else if measures.iter().all(|m| m.distance <= 2.0 * m.tolerance) {
        Verdict::Roughly
    } else {
        Verdict::Differs
    };
    let line = match worst {
        Some(w) => format!(
            "The map {} the log: cycle time mean {:.1} h vs {:.1} h in the log, EMD {:.1} h; \
             furthest: {} ({:.3} vs {:.3}).",
            verdict.label(),
            mm,
            lm,
            emd,
            w.name,
            w.model,
            w.log
        ),
        None => format!("The map {} the log.", verdict.label()),
    };
    Comparison {
        verdict,
        line,
        emd_hours: emd,
        measures,
    }
}

/// Earth mover's distance between two samples (sorted), in their unit: the integral of the
/// absolute difference of their empirical cumulative distributions.
pub(crate) fn emd(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss, reason = "lengths")]
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut x = a[0].min(b[0]);
    let mut area = 0.0;
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&u), Some(&v)) => u.min(v),
            (Some(&u), None) => u,
            (None, Some(&v)) => v,
            (None, None) => break,
        };
        #[allow(clippy::cast_precision_loss, reason = "lengths")]
        let gap = (i as f64 / na - j as f64 / nb).abs();
        area += gap * (next - x);
        x = next;
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
    }
    area
}

#[cfg(test)]
mod tests {
    use super::emd;

    #[test]
    fn emd_is_the_area_between_the_distributions() {
        assert!((emd(&[0.0, 1.0], &[0.0, 1.0])).abs() < 1e-12);
        // Shifting every value by 2 moves all the mass by 2.
        assert!((emd(&[1.0, 2.0, 3.0], &[3.0, 4.0, 5.0]) - 2.0).abs() < 1e-12);
        assert!((emd(&[0.0], &[0.0, 2.0]) - 1.0).abs() < 1e-12);
    }
}
