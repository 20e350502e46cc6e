//! How reports print numbers: durations, percentages, money and estimates with their
//! confidence interval. Every report (text, handbook, PDF, Markdown, diagram) formats through
//! here, so one rule prints the same everywhere. Pure string formatting; no layout.
//!
//! The percentages differ in precision on purpose: shares and rates with one decimal, round
//! targets and labels with none, availabilities with two or three (99.9% vs 99.94% matters).

use crate::sim::MeanCi;

/// A duration in hours as a person reads it: seconds, minutes, hours or days.
#[must_use]
pub fn hours(h: f64) -> String {
    if !h.is_finite() {
        return "-".to_owned();
    }
    if h < 1.0 / 60.0 {
        format!("{:.0}s", h * 3600.0)
    } else if h < 1.0 {
        format!("{:.1}m", h * 60.0)
    } else if h < 48.0 {
        format!("{h:.2}h")
    } else {
        format!("{:.1}d", h / 24.0)
    }
}

/// A fraction as a percentage with one decimal: `0.123` is "12.3%". Shares, rates, SLA levels.
#[must_use]
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A fraction as a whole percentage: `0.9` is "90%". Round targets and short chart labels.
#[must_use]
pub fn percent_whole(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// An availability as set on a service, with two decimals: `0.995` is "99.50%".
#[must_use]
pub fn availability(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// A computed or observed availability, with three decimals: `0.99936` is "99.936%".
#[must_use]
pub fn availability_fine(x: f64) -> String {
    format!("{:.3}%", x * 100.0)
}

/// An amount of money (cost per hour, cost per case) with two decimals, no currency.
#[must_use]
pub fn money(x: f64) -> String {
    format!("{x:.2}")
}

/// An estimate as `show(mean) ± show(ci95)`, or just the mean when there is no interval
/// (a single replication).
#[must_use]
pub fn with_ci(e: MeanCi, show: impl Fn(f64) -> String) -> String {
    match e.ci95 {
        Some(ci) if ci > 0.0 => format!("{} ± {}", show(e.mean), show(ci)),
        _ => show(e.mean),
    }
}

/// An estimate as `show(mean) ± show(ci95) (95% CI)`, or with "(one replication: no interval)"
/// when none can be estimated.
#[must_use]
pub fn with_ci_note(e: MeanCi, show: impl Fn(f64) -> String) -> String {
    match e.ci95 {
        Some(ci) => format!("{} ± {} (95% CI)", show(e.mean), show(ci)),
        None => format!("{} (one replication: no interval)", show(e.mean)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(hours(f64::NAN), "-");
        assert_eq!(hours(0.005), "18s");
        assert_eq!(hours(0.5), "30.0m");
        assert_eq!(hours(2.0), "2.00h");
        assert_eq!(hours(72.0), "3.0d");
    }

    #[test]
    fn percentages_keep_their_precision() {
        assert_eq!(percent(0.123), "12.3%");
        assert_eq!(percent_whole(0.9), "90%");
        assert_eq!(availability(0.995), "99.50%");
        assert_eq!(availability_fine(0.99936), "99.936%");
        assert_eq!(money(40.333), "40.33");
    }
}
