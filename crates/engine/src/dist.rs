//! Distributions of durations (processing times, think times, latencies), sampled from [`SimRng`].
//!
//! Sampling uses inverse transforms and Box–Muller with `libm`, so a seed gives bit-identical
//! durations natively and in wasm.

use serde::{Deserialize, Serialize};

use crate::rng::SimRng;
use crate::scenario::{check_range, ConfigError};
use crate::time::SimDuration;

/// The longest duration any distribution may produce or be configured with: one day.
pub const MAX_DURATION_MS: f64 = 86_400_000.0;

/// A distribution of durations, in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    /// Always the same duration.
    Fixed {
        /// The duration in milliseconds.
        ms: f64,
    },
    /// Uniform between `min_ms` and `max_ms`.
    Uniform {
        /// Lower bound in milliseconds.
        min_ms: f64,
        /// Upper bound in milliseconds.
        max_ms: f64,
    },
    /// Exponential with the given mean (memoryless service or think times).
    Exponential {
        /// Mean in milliseconds.
        mean_ms: f64,
    },
    /// Log-normal given by its median and the p99 (long-tailed latencies, as measured in the wild).
    LogNormal {
        /// Median in milliseconds.
        median_ms: f64,
        /// 99th percentile in milliseconds; at least the median.
        p99_ms: f64,
    },
}

/// The 99th percentile of the standard normal distribution.
const Z_99: f64 = 2.326_347_874_040_841;

impl Distribution {
    /// Checks every parameter; `field` names this distribution in the error (e.g. `consumers.processing`).
    pub fn validate(&self, field: &str) -> Result<(), ConfigError> {
        let range = 0.0..=MAX_DURATION_MS;
        match *self {
            Distribution::Fixed { ms } => check_range(&format!("{field}.ms"), ms, range),
            Distribution::Uniform { min_ms, max_ms } => {
                check_range(&format!("{field}.min_ms"), min_ms, range.clone())?;
                check_range(&format!("{field}.max_ms"), max_ms, min_ms..=MAX_DURATION_MS)
            }
            Distribution::Exponential { mean_ms } => check_range(&format!("{field}.mean_ms"), mean_ms, range),
            Distribution::LogNormal { median_ms, p99_ms } => {
                check_range(&format!("{field}.median_ms"), median_ms, 0.001..=MAX_DURATION_MS)?;
                check_range(&format!("{field}.p99_ms"), p99_ms, median_ms..=MAX_DURATION_MS)
            }
        }
    }

    /// The mean duration in milliseconds.
    pub fn mean_ms(&self) -> f64 {
        match *self {
            Distribution::Fixed { ms } => ms,
            Distribution::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Distribution::Exponential { mean_ms } => mean_ms,
            Distribution::LogNormal { median_ms, p99_ms } => {
                let sigma = log_normal_sigma(median_ms, p99_ms);
                median_ms * libm::exp(sigma * sigma / 2.0)
            }
        }
    }

    /// Draws one duration. Results are clamped to [`MAX_DURATION_MS`] so a tail draw cannot
    /// overflow time.
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        let ms = match *self {
            Distribution::Fixed { ms } => ms,
            Distribution::Uniform { min_ms, max_ms } => min_ms + (max_ms - min_ms) * rng.next_f64(),
            Distribution::Exponential { mean_ms } => mean_ms * rng.exp1(),
            Distribution::LogNormal { median_ms, p99_ms } => {
                let sigma = log_normal_sigma(median_ms, p99_ms);
                median_ms * libm::exp(sigma * standard_normal(rng))
            }
        };
        SimDuration::from_secs_f64(ms.clamp(0.0, MAX_DURATION_MS) / 1_000.0)
    }
}

impl Default for Distribution {
    fn default() -> Self {
        Distribution::Fixed { ms: 100.0 }
    }
}

fn log_normal_sigma(median_ms: f64, p99_ms: f64) -> f64 {
    libm::log(p99_ms / median_ms) / Z_99
}

/// One standard normal draw (Box–Muller; the second value is dropped to keep the state simple).
fn standard_normal(rng: &mut SimRng) -> f64 {
    let u1 = rng.next_f64_nonzero();
    let u2 = rng.next_f64();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}
