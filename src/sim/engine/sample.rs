//! Duration distributions ready to sample, in integer microseconds.
//!
//! [`Sampler::sample`] runs for every arrival and every piece of work, so it stays small and
//! `#[inline]`.

use rand::RngExt as _;
use rand_distr::{Distribution as _, Exp1, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::US_PER_HOUR;
use crate::model::Dist;

/// A duration distribution ready to sample, in microseconds.
#[derive(Clone, Debug)]
pub(super) enum Sampler {
    Fixed(u64),
    Exponential(f64),
    Uniform { min: f64, width: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
    Normal { mean: f64, sd: f64 },
    LogNormal { mu: f64, sigma: f64 },
}

impl Sampler {
    pub(super) fn new(dist: &Dist) -> Self {
        let us = |d: crate::model::Duration| d.as_hours() * US_PER_HOUR;
        match *dist {
            Dist::Fixed(d) => Self::Fixed(d.as_ms() * 1000),
            Dist::Exponential { mean } => Self::Exponential(us(mean)),
            Dist::Uniform { min, max } => Self::Uniform {
                min: us(min),
                width: (us(max) - us(min)).max(0.0),
            },
            Dist::Triangular { min, mode, max } => Self::Triangular {
                min: us(min),
                mode: us(mode),
                max: us(max),
            },
            Dist::Normal { mean, sd } => Self::Normal {
                mean: us(mean),
                sd: us(sd),
            },
            Dist::LogNormal { mean, sd } => {
                let (m, s) = (us(mean).max(1e-9), us(sd));
                let sigma2 = (1.0 + (s / m).powi(2)).ln();
                Self::LogNormal {
                    mu: m.ln() - sigma2 / 2.0,
                    sigma: sigma2.sqrt(),
                }
            }
        }
    }

    #[inline]
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "samples are clamped to [0, 2^52] before the cast"
    )]
    pub(super) fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> u64 {
        let value = match *self {
            Self::Fixed(us) => return us,
            Self::Exponential(mean) => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Self::Uniform { min, width } => min + width * rng.random::<f64>(),
            Self::Triangular { min, mode, max } => {
                let u: f64 = rng.random();
                let span = max - min;
                if span <= 0.0 {
                    min
                } else if u * span < mode - min {
                    min + (u * span * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * span * (max - mode)).sqrt()
                }
            }
            Self::Normal { mean, sd } => {
                let mut value = 0.0;
                // Truncated at zero: draw again; give up (zero) for absurd parameters.
                for _ in 0..1000 {
                    let z: f64 = StandardNormal.sample(rng);
                    let v = mean + sd * z;
                    if v >= 0.0 {
                        value = v;
                        break;
                    }
                }
                value
            }
            Self::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
        };
        // Round half up by hand: `f64::round` is a library call on this hot path.
        (value.clamp(0.0, 4.0e15) + 0.5) as u64
    }
}
