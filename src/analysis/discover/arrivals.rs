//! Arrivals from case start times: one distribution of the time between arrivals, or, when
//! arrivals clearly follow the week, rates by time of week.
//!
//! A case arrives when its first activity starts (or completes, in a completion-only log); the
//! log does not show how long it waited before that. Counts per hour of the week are tested
//! against a constant rate (chi-square over the 168 hours); when the rate clearly varies (the
//! statistic is more than twice its degrees of freedom, with at least [`MIN_FOR_RATES`]
//! arrivals), days with the same profile are pooled (a pairwise chi-square test of their
//! 24-hour counts) and each pool's day is cut into windows of about constant rate.

use crate::model::log::{HOUR, WEEK, day_of, week_hour};
use crate::model::{Days, Dist, Rate, TimeOfDay};

use super::fit::{Fit, fit};

/// Rates by time of week need at least this many arrivals.
pub const MIN_FOR_RATES: usize = 500;

/// Discovered arrivals.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrivals {
    /// Arrivals seen.
    pub cases: usize,
    /// Mean arrivals per hour over the log's span.
    pub per_hour: f64,
    /// Rates by time of week, when arrivals follow the week (empty otherwise).
    pub rates: Vec<Rate>,
    /// The fit of the time between arrivals (used when `rates` is empty).
    pub gaps: Option<Fit>,
    /// Arrivals per hour of the week (Monday 00-01 first), averaged over the dates of that
    /// weekday the log spans.
    pub by_hour: Vec<f64>,
}

impl Arrivals {
    /// The time between arrivals for the map's Start, when not by rates.
    /// Arrivals at one instant (no time between them) fall back to Procmap's default (one an
    /// hour) rather than a zero mean.
    pub fn dist(&self) -> Option<Dist> {
        if !self.rates.is_empty() {
            return None;
        }
        Some(
            self.gaps
                .as_ref()
                .map(|f| f.dist.clone())
                .filter(|d| d.mean_hours() > 1e-9)
                .unwrap_or(crate::model::DEFAULT_ARRIVALS),
        )
    }
}

/// Arrivals from the cases' first times, on their wall clocks (µs since the epoch).
pub fn arrivals(mut times: Vec<i64>) -> Arrivals {
    times.sort_unstable();
    let n = times.len();
    let span = match (times.first(), times.last()) {
        (Some(&a), Some(&b)) if b > a => b - a,
        _ => 0,
    };
    #[allow(clippy::cast_precision_loss, reason = "time spans")]
    let span_hours = span as f64 / HOUR as f64;
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let per_hour = if span_hours > 0.0 {
        (n.saturating_sub(1)) as f64 / span_hours
    } else {
        0.0
    };
    #[allow(clippy::cast_precision_loss, reason = "time spans")]
    let gaps: Vec<f64> = times
        .windows(2)
        .map(|w| (w[1] - w[0]) as f64 / HOUR as f64)
        .collect();
    let mut counts = [0u64; 168];
    for &t in &times {
        counts[week_hour(t)] += 1;
    }
    // How many of each weekday the log spans (first to last date, both included).
    let mut dates = [0.0f64; 7];
    if let (Some(&a), Some(&b)) = (times.first(), times.last()) {
        for d in day_of(a)..=day_of(b) {
            dates[usize::from(crate::model::Date::from_days(d).weekday())] += 1.0;
        }
    }
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let by_hour: Vec<f64> = counts
        .iter()
        .enumerate()
        .map(|(h, &c)| c as f64 / dates[h / 24].max(1.0))
        .collect();
    let rates = if n >= MIN_FOR_RATES && span >= WEEK && varies(&counts) {
        profile(&counts, &dates)
    } else {
        Vec::new()
    };
    Arrivals {
        cases: n,
        per_hour,
        gaps: fit(&gaps),
        rates,
        by_hour,
    }
}

/// True when the hourly counts are clearly not from one constant rate.
fn varies(counts: &[u64; 168]) -> bool {
    let total: u64 = counts.iter().sum();
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let expected = total as f64 / 168.0;
    if expected <= 0.0 {
        return false;
    }
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let chi: f64 = counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum();
    chi > 2.0 * 167.0
}

/// Rates per window: days pooled by profile, each pooled day cut into constant-rate windows.
fn profile(counts: &[u64; 168], dates: &[f64; 7]) -> Vec<Rate> {
    let day = |d: usize| &counts[d * 24..d * 24 + 24];
    // Pool days greedily: a day joins the first pool whose first day it matches.
    let mut pools: Vec<Vec<usize>> = Vec::new();
    for d in 0..7 {
        match pools.iter_mut().find(|p| same_profile(day(p[0]), day(d))) {
            Some(p) => p.push(d),
            None => pools.push(vec![d]),
        }
    }
    let mut rates = Vec::new();
    for pool in pools {
        let mut pooled = [0u64; 24];
        for &d in &pool {
            for (h, c) in day(d).iter().enumerate() {
                pooled[h] += c;
            }
        }
        let scale: f64 = pool.iter().map(|&d| dates[d]).sum::<f64>().max(1.0);
        let mut days = Days::day(0).with(0, false);
        for &d in &pool {
            #[allow(clippy::cast_possible_truncation, reason = "0..7")]
            let d = d as u8;
            days = days.with(d, true);
        }
        for (from, to, count) in windows(&pooled) {
            #[allow(clippy::cast_precision_loss, reason = "counts")]
            let per_hour = count as f64 / scale / f64::from(to - from);
            if per_hour <= 0.0 {
                continue;
            }
            rates.push(Rate {
                days,
                from: TimeOfDay::hm(from, 0),
                to: TimeOfDay::hm(to, 0),
                per_hour: round_rate(per_hour),
            });
        }
    }
    rates.sort_by_key(|r| {
        (
            (0..7).find(|&d| r.days.contains(d)).unwrap_or(7),
            r.from.minutes(),
        )
    });
    rates
}

/// Two days have the same profile when their 24 hourly counts pass a chi-square test of
/// homogeneity (the statistic within three standard deviations of its degrees of freedom).
fn same_profile(a: &[u64], b: &[u64]) -> bool {
    let (ta, tb): (u64, u64) = (a.iter().sum(), b.iter().sum());
    if ta == 0 || tb == 0 {
        return ta == tb;
    }
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let (fa, fb) = (ta as f64, tb as f64);
    let mut chi = 0.0f64;
    let mut df = -1.0f64;
    for (x, y) in a.iter().zip(b) {
        let sum = x + y;
        if sum == 0 {
            continue;
        }
        #[allow(clippy::cast_precision_loss, reason = "counts")]
        let (x, y, s) = (*x as f64, *y as f64, sum as f64);
        let ea = s * fa / (fa + fb);
        let eb = s * fb / (fa + fb);
        chi += (x - ea).powi(2) / ea + (y - eb).powi(2) / eb;
        df += 1.0;
    }
    let df = df.max(1.0);
    chi <= df + 3.0 * (2.0 * df).sqrt()
}

/// Hours `[from, to)` of about constant rate: an hour joins the window while its count is
/// within three Poisson standard deviations of the window's mean; empty hours end a window.
fn windows(hours: &[u64; 24]) -> Vec<(u16, u16, u64)> {
    let mut out = Vec::new();
    let mut from = 0usize;
    let mut sum = 0u64;
    for (h, &c) in hours.iter().enumerate() {
        if h > from {
            #[allow(clippy::cast_precision_loss, reason = "counts")]
            let mean = sum as f64 / (h - from) as f64;
            #[allow(clippy::cast_precision_loss, reason = "counts")]
            let fits = (sum == 0) == (c == 0) && ((c as f64) - mean).abs() <= 3.0 * mean.sqrt();
            if !fits {
                #[allow(clippy::cast_possible_truncation, reason = "0..24")]
                out.push((from as u16, h as u16, sum));
                from = h;
                sum = 0;
            }
        }
        sum += c;
    }
    #[allow(clippy::cast_possible_truncation, reason = "0..24")]
    out.push((from as u16, 24, sum));
    out
}

/// Three significant digits.
fn round_rate(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 0.0;
    }
    #[allow(clippy::cast_possible_truncation, reason = "a small exponent")]
    let digits = 2 - v.log10().floor() as i32;
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::log::DAY;

    #[test]
    fn steady_arrivals_get_a_distribution_and_weekday_hours_get_rates() {
        // Every 6 minutes for four weeks: constant.
        let step = 6 * 60_000_000i64;
        let steady: Vec<i64> = (0..4 * 7 * 24 * 10).map(|k| k * step).collect();
        let a = arrivals(steady);
        assert!(a.rates.is_empty());
        assert!((a.per_hour - 10.0).abs() < 1e-6);
        // Only Monday to Friday 09:00-17:00 (the epoch is a Thursday: start from Monday 5 Jan 1970).
        let monday = 4 * DAY;
        let mut office = Vec::new();
        for week in 0..8 {
            for day in 0..5 {
                for k in 0..80 {
                    office.push(monday + week * WEEK + day * DAY + 9 * HOUR + k * step);
                }
            }
        }
        let a = arrivals(office);
        assert_eq!(a.rates.len(), 1, "{:?}", a.rates);
        let r = a.rates[0];
        assert_eq!(r.days, Days::WEEKDAYS);
        assert_eq!((r.from, r.to), (TimeOfDay::hm(9, 0), TimeOfDay::hm(17, 0)));
        assert!((r.per_hour - 10.0).abs() < 0.2, "{}", r.per_hour);
    }
}
