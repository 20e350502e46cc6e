//! Streaming statistics in bounded memory: a log-linear histogram for percentiles, and
//! confidence intervals across replications.

/// Sub-bucket bits: each power of two is split into 2^(BITS-1) buckets, so a value is known to
/// within 1/256 of itself (0.4%) whatever its size.
const BITS: u32 = 8;
const LINEAR: u64 = 1 << BITS; // values below this have a bucket each
const HALF: u64 = LINEAR / 2;
#[allow(clippy::cast_possible_truncation, reason = "7424 fits any usize")]
const BUCKETS: usize = (LINEAR + (64 - BITS as u64) * HALF) as usize;

/// A histogram of non-negative integer values (microseconds) with bounded relative error and
/// fixed memory (about 60 KB), whatever the number of values.
#[derive(Clone, Debug)]
pub struct LogHistogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

impl Default for LogHistogram {
    fn default() -> Self {
        Self {
            counts: vec![0; BUCKETS],
            total: 0,
            max: 0,
        }
    }
}

fn bucket_of(value: u64) -> usize {
    if value < LINEAR {
        return usize::try_from(value).unwrap_or(0);
    }
    let exponent = 63 - u64::from(value.leading_zeros()); // >= BITS
    let shift = exponent - u64::from(BITS - 1);
    let mantissa = value >> shift; // in [HALF, LINEAR)
    usize::try_from(LINEAR + (exponent - u64::from(BITS)) * HALF + (mantissa - HALF)).unwrap_or(0)
}

/// The smallest value and the width of a bucket.
fn bucket_range(index: usize) -> (u64, u64) {
    let index = index as u64;
    if index < LINEAR {
        return (index, 1);
    }
    let exponent = (index - LINEAR) / HALF + u64::from(BITS);
    let mantissa = (index - LINEAR) % HALF + HALF;
    let shift = exponent - u64::from(BITS - 1);
    (mantissa << shift, 1 << shift)
}

impl LogHistogram {
    /// Records one value.
    #[inline]
    pub fn record(&mut self, value: u64) {
        if let Some(count) = self.counts.get_mut(bucket_of(value)) {
            *count += 1;
        }
        self.total += 1;
        self.max = self.max.max(value);
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// Number of values recorded.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.total
    }

    /// True when nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The largest value recorded (exact).
    #[must_use]
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The value below which a fraction `q` of the values lie (middle of its bucket, capped at
    /// the maximum). Zero when empty.
    #[must_use]
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "counts and ranks are far below 2^52"
    )]
    pub fn quantile(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                let (low, width) = bucket_range(index);
                return (low + width / 2).min(self.max);
            }
        }
        self.max
    }

    /// Counts in `bins` equal-width bins from 0 to `upper`, and the count of values above
    /// `upper`. Bucket counts are assigned by their midpoint.
    #[must_use]
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "bin arithmetic on small positive numbers"
    )]
    pub fn bins(&self, upper: u64, bins: usize) -> (Vec<u64>, u64) {
        let mut out = vec![0; bins.max(1)];
        let mut beyond = 0;
        let width = (upper.max(1) as f64) / out.len() as f64;
        for (index, &count) in self.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let (low, w) = bucket_range(index);
            let mid = (low + w / 2).min(self.max);
            if mid > upper {
                beyond += count;
                continue;
            }
            let bin = ((mid as f64 / width) as usize).min(out.len() - 1);
            out[bin] += count;
        }
        (out, beyond)
    }
}

/// Mean and 95% confidence half-width of a sample (Student t); no half-width for fewer
/// than two values.
#[must_use]
pub fn mean_ci95(values: &[f64]) -> (f64, Option<f64>) {
    let n = values.len();
    if n == 0 {
        return (0.0, None);
    }
    #[allow(clippy::cast_precision_loss, reason = "replication counts are small")]
    let count = n as f64;
    let mean = values.iter().sum::<f64>() / count;
    if n < 2 {
        return (mean, None);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1.0);
    (mean, Some(t_975(n - 1) * (variance / count).sqrt()))
}

/// The 97.5% quantile of Student's t distribution with `df` degrees of freedom.
#[must_use]
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        _ => {
            // Cornish-Fisher expansion around the normal quantile; accurate to 1e-3 beyond 30.
            let z: f64 = 1.959_964;
            #[allow(clippy::cast_precision_loss, reason = "df is small")]
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_values_in_order() {
        let mut last = 0;
        for value in [
            0,
            1,
            255,
            256,
            257,
            511,
            512,
            1_000_000,
            u64::MAX / 3,
            u64::MAX,
        ] {
            let index = bucket_of(value);
            assert!(index < BUCKETS);
            assert!(index >= last);
            last = index;
            let (low, width) = bucket_range(index);
            assert!(
                low <= value && value - low < width,
                "{value}: {low} {width}"
            );
        }
    }

    #[test]
    fn quantiles_are_within_half_a_percent() {
        let mut h = LogHistogram::default();
        for v in 1..=100_000u64 {
            h.record(v * 1000);
        }
        for (q, exact) in [
            (0.5, 50_000_000.0),
            (0.9, 90_000_000.0),
            (0.99, 99_000_000.0),
        ] {
            #[allow(clippy::cast_precision_loss)]
            let got = h.quantile(q) as f64;
            assert!((got - exact).abs() / exact < 0.005, "{q}: {got}");
        }
        assert_eq!(h.max(), 100_000_000);
        let (bins, beyond) = h.bins(100_000_000, 10);
        assert_eq!(bins.iter().sum::<u64>() + beyond, 100_000);
        let (_, beyond) = h.bins(50_000_000, 10);
        assert!((49_000..=51_000).contains(&beyond), "{beyond}");
    }

    #[test]
    fn t_quantiles() {
        assert!((t_975(9) - 2.262).abs() < 1e-9);
        assert!((t_975(40) - 2.021).abs() < 2e-3);
        assert!((t_975(1000) - 1.962).abs() < 1e-3);
        let (mean, ci) = mean_ci95(&[1.0, 2.0, 3.0]);
        assert!((mean - 2.0).abs() < 1e-12);
        assert!(ci.is_some_and(|ci| (ci - 4.303 / 3f64.sqrt()).abs() < 1e-9));
        assert_eq!(mean_ci95(&[2.0]), (2.0, None), "no interval from one value");
    }
}
