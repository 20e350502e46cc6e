//! Fitting Procmap's distributions to observed durations, chosen by the Kolmogorov-Smirnov
//! distance (the largest gap between the observed and the fitted cumulative distribution).

use crate::model::normal_cdf;
use crate::model::{Dist, Duration};

/// At most this many observations are used for the goodness-of-fit (an even sample of the
/// sorted values; means and spreads use all of them).
const FIT_SAMPLE: usize = 4_000;

/// One candidate distribution and how well it fits.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The distribution with its fitted parameters.
    pub dist: Dist,
    /// Kolmogorov-Smirnov distance to the observations (0 = perfect, 1 = worst).
    pub ks: f64,
}

/// The fit of one set of durations.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// The chosen distribution (the candidate with the smallest distance).
    pub dist: Dist,
    /// Its distance.
    pub ks: f64,
    /// Every candidate tried, best first.
    pub candidates: Vec<Candidate>,
    /// Observations.
    pub n: usize,
    /// Mean of the observations, hours.
    pub mean_hours: f64,
    /// Median, hours.
    pub p50_hours: f64,
    /// 90th percentile, hours.
    pub p90_hours: f64,
}

/// Fits `hours` (any order; negative and non-finite values are ignored). `None` when nothing
/// is left.
pub fn fit(hours: &[f64]) -> Option<Fit> {
    let mut x: Vec<f64> = hours
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .collect();
    if x.is_empty() {
        return None;
    }
    x.sort_by(f64::total_cmp);
    let n = x.len();
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let nf = n as f64;
    let mean = x.iter().sum::<f64>() / nf;
    let var = if n > 1 {
        x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (nf - 1.0)
    } else {
        0.0
    };
    let sd = var.sqrt();
    let q = |p: f64| quantile(&x, p);
    let (p50, p90) = (q(0.5), q(0.9));
    let h = rounded;
    let sample: Vec<f64> = if n > FIT_SAMPLE {
        (0..FIT_SAMPLE).map(|i| x[i * n / FIT_SAMPLE]).collect()
    } else {
        x.clone()
    };
    let mut candidates = Vec::new();
    if sd <= 1e-9 * mean.max(1e-9) || n == 1 {
        candidates.push(Candidate {
            dist: Dist::Fixed(h(mean)),
            ks: 0.0,
        });
    } else {
        let lo = q(0.0);
        let hi = q(1.0);
        candidates.push(Candidate {
            dist: Dist::Fixed(h(mean)),
            ks: ks(&sample, |v| if v < mean { 0.0 } else { 1.0 }),
        });
        if mean > 0.0 {
            candidates.push(Candidate {
                dist: Dist::Exponential { mean: h(mean) },
                ks: ks(&sample, |v| 1.0 - (-v / mean).exp()),
            });
        }
        if hi > lo {
            candidates.push(Candidate {
                dist: Dist::Uniform {
                    min: h(lo),
                    max: h(hi),
                },
                ks: ks(&sample, |v| ((v - lo) / (hi - lo)).clamp(0.0, 1.0)),
            });
            let mode = (3.0 * mean - lo - hi).clamp(lo, hi);
            candidates.push(Candidate {
                dist: Dist::Triangular {
                    min: h(lo),
                    mode: h(mode),
                    max: h(hi),
                },
                ks: ks(&sample, |v| triangular_cdf(v, lo, mode, hi)),
            });
        }
        candidates.push(Candidate {
            dist: Dist::Normal {
                mean: h(mean),
                sd: h(sd),
            },
            ks: ks(&sample, |v| {
                let tail = normal_cdf(-mean / sd);
                ((normal_cdf((v - mean) / sd) - tail) / (1.0 - tail).max(1e-300)).clamp(0.0, 1.0)
            }),
        });
        if mean > 0.0 && x[0] > 0.0 {
            let s2 = (1.0 + var / (mean * mean)).ln();
            let mu = mean.ln() - s2 / 2.0;
            let s = s2.sqrt();
            candidates.push(Candidate {
                dist: Dist::LogNormal {
                    mean: h(mean),
                    sd: h(sd),
                },
                ks: ks(&sample, |v| {
                    if v <= 0.0 {
                        0.0
                    } else {
                        normal_cdf((v.ln() - mu) / s)
                    }
                }),
            });
        }
        candidates.sort_by(|a, b| a.ks.total_cmp(&b.ks));
    }
    let best = candidates[0].clone();
    Some(Fit {
        dist: best.dist,
        ks: best.ks,
        candidates,
        n,
        mean_hours: mean,
        p50_hours: p50,
        p90_hours: p90,
    })
}

/// A duration in hours as a [`Duration`] rounded for reading: to the millisecond below ten
/// seconds, the second below an hour, the minute above.
fn rounded(hours: f64) -> Duration {
    let ms = hours * 3_600_000.0;
    let unit = if ms < 10_000.0 {
        1.0
    } else if ms < 3_600_000.0 {
        1_000.0
    } else {
        60_000.0
    };
    Duration::from_hours((ms / unit).round() * unit / 3_600_000.0)
}

/// The `p` quantile of sorted `x` (linear interpolation).
pub(crate) fn quantile(x: &[f64], p: f64) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss, reason = "lengths")]
    let pos = p.clamp(0.0, 1.0) * (x.len() - 1) as f64;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "in range"
    )]
    let i = pos.floor() as usize;
    let j = (i + 1).min(x.len() - 1);
    #[allow(clippy::cast_precision_loss, reason = "lengths")]
    let frac = pos - i as f64;
    x[i] + (x[j] - x[i]) * frac
}

/// Kolmogorov-Smirnov distance of sorted `x` to `cdf`.
fn ks(x: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "lengths")]
    let n = x.len() as f64;
    let mut d: f64 = 0.0;
    let mut i = 0;
    while i < x.len() {
        // Ties: the empirical CDF jumps once past all equal values.
        let mut j = i;
        while j + 1 < x.len() && x[j + 1] <= x[i] {
            j += 1;
        }
        let f = cdf(x[i]);
        #[allow(clippy::cast_precision_loss, reason = "lengths")]
        let (below, above) = (i as f64 / n, (j + 1) as f64 / n);
        d = d.max((f - below).abs()).max((above - f).abs());
        i = j + 1;
    }
    d
}

fn triangular_cdf(v: f64, a: f64, c: f64, b: f64) -> f64 {
    if v <= a {
        0.0
    } else if v >= b {
        1.0
    } else if v <= c {
        if c > a {
            (v - a) * (v - a) / ((b - a) * (c - a))
        } else {
            0.0
        }
    } else if b > c {
        1.0 - (b - v) * (b - v) / ((b - a) * (b - c))
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DistKind;
    use rand::{RngExt as _, SeedableRng as _};
    use rand_distr::{Exp, LogNormal, Triangular};

    fn draws(d: impl rand_distr::Distribution<f64>, n: usize) -> Vec<f64> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    #[test]
    fn each_shape_is_recognised() {
        let exp = fit(&draws(Exp::new(2.0).expect("rate"), 5000)).expect("fit");
        assert_eq!(exp.dist.kind(), DistKind::Exponential);
        assert!((exp.mean_hours - 0.5).abs() < 0.03);
        let tri = fit(&draws(Triangular::new(1.0, 6.0, 2.0).expect("tri"), 5000)).expect("fit");
        assert_eq!(tri.dist.kind(), DistKind::Triangular);
        let ln = fit(&draws(LogNormal::new(0.0, 0.5).expect("ln"), 5000)).expect("fit");
        assert_eq!(ln.dist.kind(), DistKind::LogNormal);
        let fixed = fit(&[0.25; 10]).expect("fit");
        assert_eq!(fixed.dist, Dist::Fixed(Duration::from_hours(0.25)));
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
        let uniform: Vec<f64> = (0..5000).map(|_| rng.random_range(2.0..4.0)).collect();
        assert_eq!(fit(&uniform).expect("fit").dist.kind(), DistKind::Uniform);
        assert!(fit(&[]).is_none());
        assert!(fit(&[f64::NAN, -1.0]).is_none());
    }

    #[test]
    fn ks_distance_is_exact_on_a_small_sample() {
        // Uniform(0,1) against points 0.25 and 0.75: largest gap 0.25.
        assert!((ks(&[0.25, 0.75], |v| v.clamp(0.0, 1.0)) - 0.25).abs() < 1e-12);
        assert!((quantile(&[1.0, 2.0, 3.0], 0.5) - 2.0).abs() < 1e-12);
    }
}
