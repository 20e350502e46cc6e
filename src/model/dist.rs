//! Distributions of durations: work times and times between arrivals.

use serde::{Deserialize, Serialize};

use super::Duration;

/// A probability distribution of a duration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Dist {
    /// Always the same duration.
    Fixed(Duration),
    /// Memoryless, with the given mean (Poisson arrivals when used as time between arrivals).
    Exponential {
        /// Mean duration.
        mean: Duration,
    },
    /// Every duration between `min` and `max` equally likely.
    Uniform {
        /// Shortest.
        min: Duration,
        /// Longest.
        max: Duration,
    },
    /// Three-point estimate: shortest, most likely, longest.
    Triangular {
        /// Shortest.
        min: Duration,
        /// Most likely.
        mode: Duration,
        /// Longest.
        max: Duration,
    },
    /// Normal, truncated at zero (negative samples are drawn again).
    Normal {
        /// Mean duration (before truncation).
        mean: Duration,
        /// Standard deviation.
        sd: Duration,
    },
    /// Log-normal, given by the mean and standard deviation of the duration itself.
    LogNormal {
        /// Mean duration.
        mean: Duration,
        /// Standard deviation of the duration.
        sd: Duration,
    },
}

impl Default for Dist {
    fn default() -> Self {
        Self::Fixed(Duration::ZERO)
    }
}

/// The kinds of [`Dist`], without their parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DistKind {
    /// [`Dist::Fixed`].
    Fixed,
    /// [`Dist::Exponential`].
    Exponential,
    /// [`Dist::Uniform`].
    Uniform,
    /// [`Dist::Triangular`].
    Triangular,
    /// [`Dist::Normal`].
    Normal,
    /// [`Dist::LogNormal`].
    LogNormal,
}

impl DistKind {
    /// Every kind, in the order a picker shows them.
    pub const ALL: [Self; 6] = [
        Self::Fixed,
        Self::Exponential,
        Self::Uniform,
        Self::Triangular,
        Self::Normal,
        Self::LogNormal,
    ];

    /// The kind's name as written in files.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Fixed => "Fixed",
            Self::Exponential => "Exponential",
            Self::Uniform => "Uniform",
            Self::Triangular => "Triangular",
            Self::Normal => "Normal",
            Self::LogNormal => "LogNormal",
        }
    }
}

impl DistKind {
    /// How the kind is written in a map file, with example values.
    #[must_use]
    pub fn example(self) -> &'static str {
        match self {
            Self::Fixed => r#"Fixed("10m")"#,
            Self::Exponential => r#"Exponential(mean: "10m")"#,
            Self::Uniform => r#"Uniform(min: "5m", max: "15m")"#,
            Self::Triangular => r#"Triangular(min: "5m", mode: "10m", max: "30m")"#,
            Self::Normal => r#"Normal(mean: "10m", sd: "2m")"#,
            Self::LogNormal => r#"LogNormal(mean: "10m", sd: "5m")"#,
        }
    }
}

impl std::fmt::Display for DistKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Dist {
    /// The kind of distribution.
    #[must_use]
    pub fn kind(&self) -> DistKind {
        match self {
            Self::Fixed(_) => DistKind::Fixed,
            Self::Exponential { .. } => DistKind::Exponential,
            Self::Uniform { .. } => DistKind::Uniform,
            Self::Triangular { .. } => DistKind::Triangular,
            Self::Normal { .. } => DistKind::Normal,
            Self::LogNormal { .. } => DistKind::LogNormal,
        }
    }

    /// The same mean as a distribution of another kind, with a customary spread (half to
    /// one and a half times the mean for Uniform and Triangular, a coefficient of variation of
    /// 0.25 for `Normal` and 0.5 for `LogNormal`).
    #[must_use]
    pub fn with_kind(&self, kind: DistKind) -> Self {
        let mean = Duration::from_hours(self.mean_hours());
        let part = |f: f64| Duration::from_hours(self.mean_hours() * f);
        match kind {
            DistKind::Fixed => Self::Fixed(mean),
            DistKind::Exponential => Self::Exponential { mean },
            DistKind::Uniform => Self::Uniform {
                min: part(0.5),
                max: part(1.5),
            },
            DistKind::Triangular => Self::Triangular {
                min: part(0.5),
                mode: mean,
                max: part(1.5),
            },
            DistKind::Normal => Self::Normal {
                mean,
                sd: part(0.25),
            },
            DistKind::LogNormal => Self::LogNormal {
                mean,
                sd: part(0.5),
            },
        }
    }

    /// Short text as on a card: "5m / 10m / 30m", "Exp, mean 40m".
    #[must_use]
    pub fn summary(&self) -> String {
        match self {
            Self::Fixed(d) => format!("{d}"),
            Self::Exponential { mean } => format!("Exp, mean {mean}"),
            Self::Uniform { min, max } => format!("{min} to {max}"),
            Self::Triangular { min, mode, max } => format!("{min} / {mode} / {max}"),
            Self::Normal { mean, sd } => format!("Normal {mean} ± {sd}"),
            Self::LogNormal { mean, sd } => format!("LogNormal {mean} ± {sd}"),
        }
    }

    /// The same shape with every duration multiplied by `factor` (0.9: ten percent faster;
    /// for times between arrivals, `scaled(1.0 / f)` makes arrivals `f` times as frequent).
    /// A factor that is not finite and positive leaves the distribution unchanged.
    #[must_use]
    pub fn scaled(&self, factor: f64) -> Self {
        if !(factor.is_finite() && factor > 0.0) {
            return self.clone();
        }
        let s = |d: Duration| Duration::from_hours(d.as_hours() * factor);
        match *self {
            Self::Fixed(d) => Self::Fixed(s(d)),
            Self::Exponential { mean } => Self::Exponential { mean: s(mean) },
            Self::Uniform { min, max } => Self::Uniform {
                min: s(min),
                max: s(max),
            },
            Self::Triangular { min, mode, max } => Self::Triangular {
                min: s(min),
                mode: s(mode),
                max: s(max),
            },
            Self::Normal { mean, sd } => Self::Normal {
                mean: s(mean),
                sd: s(sd),
            },
            Self::LogNormal { mean, sd } => Self::LogNormal {
                mean: s(mean),
                sd: s(sd),
            },
        }
    }

    /// The mean in hours. For `Normal` this is the mean of the truncated distribution.
    #[must_use]
    pub fn mean_hours(&self) -> f64 {
        match *self {
            Self::Fixed(d) | Self::Exponential { mean: d } | Self::LogNormal { mean: d, .. } => {
                d.as_hours()
            }
            Self::Uniform { min, max } => f64::midpoint(min.as_hours(), max.as_hours()),
            Self::Triangular { min, mode, max } => {
                (min.as_hours() + mode.as_hours() + max.as_hours()) / 3.0
            }
            Self::Normal { mean, sd } => truncated_normal_mean(mean.as_hours(), sd.as_hours()),
        }
    }

    /// Problems with the parameters, as plain sentences (empty when the distribution is usable).
    /// `needs_positive_mean` is set for times between arrivals, which must not be zero.
    #[must_use]
    pub fn problems(&self, needs_positive_mean: bool) -> Vec<String> {
        let mut problems = Vec::new();
        match *self {
            Self::Fixed(_) => {}
            Self::Exponential { mean } => {
                if mean.is_zero() {
                    problems.push("Exponential mean must be greater than zero".to_owned());
                }
            }
            Self::Uniform { min, max } => {
                if min > max {
                    problems.push(format!("Uniform min ({min}) is greater than max ({max})"));
                }
            }
            Self::Triangular { min, mode, max } => {
                if min > mode {
                    problems.push(format!(
                        "Triangular min ({min}) is greater than mode ({mode})"
                    ));
                }
                if mode > max {
                    problems.push(format!(
                        "Triangular mode ({mode}) is greater than max ({max})"
                    ));
                }
            }
            Self::Normal { mean, .. } => {
                if mean.is_zero() {
                    problems.push("Normal mean must be greater than zero".to_owned());
                }
            }
            Self::LogNormal { mean, .. } => {
                if mean.is_zero() {
                    problems.push("LogNormal mean must be greater than zero".to_owned());
                }
            }
        }
        if needs_positive_mean && problems.is_empty() && self.mean_hours() <= 0.0 {
            problems.push(format!(
                "time between arrivals has a zero mean ({}): cases would arrive without end",
                self.kind()
            ));
        }
        problems
    }
}

/// Mean of a normal distribution truncated below at zero (the simulator draws again on negatives).
fn truncated_normal_mean(mean: f64, sd: f64) -> f64 {
    if sd <= 0.0 {
        return mean.max(0.0);
    }
    let alpha = -mean / sd;
    let pdf = (-0.5 * alpha * alpha).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let tail = 1.0 - normal_cdf(alpha);
    if tail <= 1e-300 {
        return 0.0;
    }
    mean + sd * pdf / tail
}

/// Standard normal CDF (Abramowitz and Stegun 7.1.26 via erf; error below 1.5e-7).
pub(crate) fn normal_cdf(x: f64) -> f64 {
    let z = x / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-z * z).exp();
    let erf = if z >= 0.0 { erf } else { -erf };
    0.5 * (1.0 + erf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(hours: f64) -> Duration {
        Duration::from_hours(hours)
    }

    #[test]
    fn scaled_multiplies_every_duration_and_the_mean() {
        let d = Dist::Triangular {
            min: h(1.0),
            mode: h(2.0),
            max: h(6.0),
        };
        let faster = d.scaled(0.5);
        assert!((faster.mean_hours() - d.mean_hours() * 0.5).abs() < 1e-9);
        assert_eq!(
            faster,
            Dist::Triangular {
                min: h(0.5),
                mode: h(1.0),
                max: h(3.0)
            }
        );
        assert_eq!(d.scaled(f64::NAN), d, "a bad factor changes nothing");
        assert_eq!(d.scaled(-1.0), d);
    }

    #[test]
    fn means() {
        assert!((Dist::Fixed(h(2.0)).mean_hours() - 2.0).abs() < 1e-12);
        let tri = Dist::Triangular {
            min: h(1.0),
            mode: h(2.0),
            max: h(6.0),
        };
        assert!((tri.mean_hours() - 3.0).abs() < 1e-12);
        // Truncation barely matters far from zero, and raises the mean near it.
        let far = Dist::Normal {
            mean: h(10.0),
            sd: h(1.0),
        };
        assert!((far.mean_hours() - 10.0).abs() < 1e-6);
        let near = Dist::Normal {
            mean: h(1.0),
            sd: h(1.0),
        };
        assert!((near.mean_hours() - 1.2876).abs() < 1e-3);
    }

    #[test]
    fn problems_are_reported() {
        let bad = Dist::Triangular {
            min: h(3.0),
            mode: h(2.0),
            max: h(1.0),
        };
        assert_eq!(bad.problems(false).len(), 2);
        assert_eq!(Dist::Exponential { mean: h(0.0) }.problems(false).len(), 1);
        assert_eq!(Dist::Fixed(h(0.0)).problems(true).len(), 1);
        assert!(Dist::Fixed(h(0.0)).problems(false).is_empty());
    }
}
