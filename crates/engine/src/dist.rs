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
#[serde(tag = "kind", rename_all = "snake_case", try_from = "DistributionFields")]
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

/// A distribution as a file writes it: its `kind` and the fields of every kind, read in one pass
/// (see `WorkloadFields` in `workload.rs` for why: an internally tagged enum costs every bundle
/// serde's buffering machinery).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistributionFields {
    kind: DistributionKind,
    ms: Option<f64>,
    min_ms: Option<f64>,
    max_ms: Option<f64>,
    mean_ms: Option<f64>,
    median_ms: Option<f64>,
    p99_ms: Option<f64>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DistributionKind {
    Fixed,
    Uniform,
    Exponential,
    LogNormal,
}

impl TryFrom<DistributionFields> for Distribution {
    type Error = String;

    fn try_from(f: DistributionFields) -> Result<Distribution, String> {
        let (kind, takes): (&str, &[&str]) = match f.kind {
            DistributionKind::Fixed => ("fixed", &["ms"]),
            DistributionKind::Uniform => ("uniform", &["min_ms", "max_ms"]),
            DistributionKind::Exponential => ("exponential", &["mean_ms"]),
            DistributionKind::LogNormal => ("log_normal", &["median_ms", "p99_ms"]),
        };
        let given = [
            ("ms", f.ms),
            ("min_ms", f.min_ms),
            ("max_ms", f.max_ms),
            ("mean_ms", f.mean_ms),
            ("median_ms", f.median_ms),
            ("p99_ms", f.p99_ms),
        ];
        if let Some((name, _)) = given.iter().find(|(name, v)| v.is_some() && !takes.contains(name)) {
            let expected = takes.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
            return Err(format!("unknown field `{name}` for kind `{kind}`, expected {expected}"));
        }
        let need = |name: &str, value: Option<f64>| value.ok_or(format!("missing field `{name}` for kind `{kind}`"));
        Ok(match f.kind {
            DistributionKind::Fixed => Distribution::Fixed { ms: need("ms", f.ms)? },
            DistributionKind::Uniform => {
                Distribution::Uniform { min_ms: need("min_ms", f.min_ms)?, max_ms: need("max_ms", f.max_ms)? }
            }
            DistributionKind::Exponential => Distribution::Exponential { mean_ms: need("mean_ms", f.mean_ms)? },
            DistributionKind::LogNormal => Distribution::LogNormal {
                median_ms: need("median_ms", f.median_ms)?,
                p99_ms: need("p99_ms", f.p99_ms)?,
            },
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<Distribution, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_file_names_the_kind_and_only_its_fields() {
        assert_eq!(read(r#"{"kind": "fixed", "ms": 5}"#), Ok(Distribution::Fixed { ms: 5.0 }));
        assert_eq!(
            read(r#"{"kind": "log_normal", "median_ms": 3, "p99_ms": 9}"#),
            Ok(Distribution::LogNormal { median_ms: 3.0, p99_ms: 9.0 })
        );
        let wrong = read(r#"{"kind": "fixed", "ms": 5, "p99_ms": 9}"#).unwrap_err();
        assert!(wrong.contains("unknown field `p99_ms` for kind `fixed`, expected `ms`"), "{wrong}");
        let missing = read(r#"{"kind": "uniform", "min_ms": 1}"#).unwrap_err();
        assert!(missing.contains("missing field `max_ms` for kind `uniform`"), "{missing}");
        assert!(read(r#"{"kind": "gamma"}"#).is_err());
        assert!(read(r#"{"kind": "fixed", "ms": 1, "extra": 2}"#).unwrap_err().contains("unknown field `extra`"));
        // What it writes, it reads.
        let d = Distribution::Uniform { min_ms: 1.0, max_ms: 2.0 };
        assert_eq!(read(&serde_json::to_string(&d).unwrap()), Ok(d));
    }
}
