//! Workload generators: when producers and clients act (constant rate, Poisson, bursts, ramps).
//!
//! A [`Workload`] is configuration (serde data); [`Arrivals`] is its running state and yields
//! arrival instants in non-decreasing order. Deterministic patterns compute the k-th arrival
//! from `k` directly, so long runs do not accumulate rounding drift.

use serde::{Deserialize, Serialize};

use crate::rng::SimRng;
use crate::scenario::{check_range, ConfigError};
use crate::time::{SimDuration, SimTime};

/// Highest rate any workload may ask for, per second.
pub const MAX_RATE_PER_S: f64 = 1_000_000.0;
/// Longest period (burst interval, ramp length) a workload may use: 14 days, the longest
/// retention any modelled service has by default.
pub const MAX_PERIOD_S: f64 = 14.0 * 86_400.0;

/// When arrivals happen. Written in files as `{"kind": "poisson", "rate_per_s": 10}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "WorkloadFields")]
pub enum Workload {
    /// Evenly spaced arrivals, the first at time zero.
    Constant {
        /// Arrivals per second.
        rate_per_s: f64,
    },
    /// A Poisson process: exponential gaps with the given mean rate.
    Poisson {
        /// Mean arrivals per second.
        rate_per_s: f64,
    },
    /// `size` arrivals every `every_s` seconds, spread evenly over `spread_s` (0 = all at once).
    Bursts {
        /// Arrivals per burst.
        size: u32,
        /// Seconds between the starts of two bursts.
        every_s: f64,
        /// Seconds one burst is spread over; less than `every_s`.
        #[serde(default)]
        spread_s: f64,
    },
    /// A rate that changes linearly from `from_per_s` to `to_per_s` over `over_s` seconds,
    /// then stays at `to_per_s`.
    Ramp {
        /// Starting rate per second.
        from_per_s: f64,
        /// Final rate per second.
        to_per_s: f64,
        /// Seconds the ramp lasts.
        over_s: f64,
    },
}

impl Default for Workload {
    fn default() -> Self {
        Workload::Poisson { rate_per_s: 10.0 }
    }
}

impl Workload {
    /// Checks every parameter; `field` names this workload in the error (e.g. `producers[0].workload`).
    pub fn validate(&self, field: &str) -> Result<(), ConfigError> {
        let rate = 0.0..=MAX_RATE_PER_S;
        match *self {
            Workload::Constant { rate_per_s } | Workload::Poisson { rate_per_s } => {
                check_range(&format!("{field}.rate_per_s"), rate_per_s, rate)
            }
            Workload::Bursts { size, every_s, spread_s } => {
                check_range(&format!("{field}.size"), f64::from(size), 1.0..=100_000.0)?;
                check_range(&format!("{field}.every_s"), every_s, 0.001..=MAX_PERIOD_S)?;
                check_range(&format!("{field}.spread_s"), spread_s, 0.0..=every_s)
            }
            Workload::Ramp { from_per_s, to_per_s, over_s } => {
                check_range(&format!("{field}.from_per_s"), from_per_s, rate.clone())?;
                check_range(&format!("{field}.to_per_s"), to_per_s, rate)?;
                check_range(&format!("{field}.over_s"), over_s, 0.001..=MAX_PERIOD_S)
            }
        }
    }

    /// The highest rate it keeps up for long (a ramp's higher end, bursts averaged over their
    /// period): what [`crate::scenario::check_offered`] bounds.
    pub fn sustained_rate_per_s(&self) -> f64 {
        match *self {
            Workload::Ramp { from_per_s, to_per_s, .. } => from_per_s.max(to_per_s),
            _ => self.mean_rate_per_s(),
        }
    }

    /// The long-run mean rate per second (after any ramp).
    pub fn mean_rate_per_s(&self) -> f64 {
        match *self {
            Workload::Constant { rate_per_s } | Workload::Poisson { rate_per_s } => rate_per_s,
            Workload::Bursts { size, every_s, .. } => f64::from(size) / every_s,
            Workload::Ramp { to_per_s, .. } => to_per_s,
        }
    }
}

/// A workload as a file writes it: its `kind` and the fields of every kind. serde reads an
/// internally tagged enum by buffering the whole object first (its `Content` machinery), which
/// cost every playground's bundle several KB; this flat struct is read in one pass and
/// [`Workload::try_from`] keeps what the kind takes, refusing what it does not, as serde did.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkloadFields {
    kind: WorkloadKind,
    rate_per_s: Option<f64>,
    size: Option<u32>,
    every_s: Option<f64>,
    spread_s: Option<f64>,
    from_per_s: Option<f64>,
    to_per_s: Option<f64>,
    over_s: Option<f64>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum WorkloadKind {
    Constant,
    Poisson,
    Bursts,
    Ramp,
}

impl TryFrom<WorkloadFields> for Workload {
    type Error = String;

    fn try_from(f: WorkloadFields) -> Result<Workload, String> {
        let (kind, takes): (&str, &[&str]) = match f.kind {
            WorkloadKind::Constant => ("constant", &["rate_per_s"]),
            WorkloadKind::Poisson => ("poisson", &["rate_per_s"]),
            WorkloadKind::Bursts => ("bursts", &["size", "every_s", "spread_s"]),
            WorkloadKind::Ramp => ("ramp", &["from_per_s", "to_per_s", "over_s"]),
        };
        let given = [
            ("rate_per_s", f.rate_per_s.is_some()),
            ("size", f.size.is_some()),
            ("every_s", f.every_s.is_some()),
            ("spread_s", f.spread_s.is_some()),
            ("from_per_s", f.from_per_s.is_some()),
            ("to_per_s", f.to_per_s.is_some()),
            ("over_s", f.over_s.is_some()),
        ];
        let expected = || takes.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
        if let Some((name, _)) = given.iter().find(|(name, set)| *set && !takes.contains(name)) {
            return Err(format!("unknown field `{name}` for kind `{kind}`, expected {}", expected()));
        }
        let need = |name: &str, value: Option<f64>| value.ok_or(format!("missing field `{name}` for kind `{kind}`"));
        Ok(match f.kind {
            WorkloadKind::Constant => Workload::Constant { rate_per_s: need("rate_per_s", f.rate_per_s)? },
            WorkloadKind::Poisson => Workload::Poisson { rate_per_s: need("rate_per_s", f.rate_per_s)? },
            WorkloadKind::Bursts => Workload::Bursts {
                size: f.size.ok_or(format!("missing field `size` for kind `{kind}`"))?,
                every_s: need("every_s", f.every_s)?,
                spread_s: f.spread_s.unwrap_or(0.0),
            },
            WorkloadKind::Ramp => Workload::Ramp {
                from_per_s: need("from_per_s", f.from_per_s)?,
                to_per_s: need("to_per_s", f.to_per_s)?,
                over_s: need("over_s", f.over_s)?,
            },
        })
    }
}

/// The running state of a [`Workload`]: call [`Arrivals::next`] for each following arrival.
#[derive(Clone, Debug)]
pub struct Arrivals {
    workload: Workload,
    /// Index of the next arrival.
    k: u64,
    /// Last arrival handed out (Poisson adds gaps to it).
    last: SimTime,
    /// Mean Poisson gap in microseconds (1 / rate): a multiply per arrival instead of a divide.
    mean_gap_micros: f64,
}

impl Arrivals {
    /// Starts `workload` at time zero. The workload must have passed [`Workload::validate`].
    pub fn new(workload: &Workload) -> Arrivals {
        let mean_gap_micros = match *workload {
            Workload::Poisson { rate_per_s } if rate_per_s > 0.0 => 1e6 / rate_per_s,
            _ => 0.0,
        };
        Arrivals { workload: workload.clone(), k: 0, last: SimTime::ZERO, mean_gap_micros }
    }

    /// The next arrival instant, or `None` if there are no more (a zero rate).
    /// Instants never decrease.
    pub fn next(&mut self, rng: &mut SimRng) -> Option<SimTime> {
        let at = match self.workload {
            Workload::Constant { rate_per_s } => {
                if rate_per_s <= 0.0 {
                    return None;
                }
                secs(self.k as f64 / rate_per_s)
            }
            Workload::Poisson { rate_per_s } => {
                if rate_per_s <= 0.0 {
                    return None;
                }
                let gap = rng.exp1() * self.mean_gap_micros;
                // The first arrival also waits a gap, as a Poisson process started at zero does.
                self.last + SimDuration::from_micros_f64(gap)
            }
            Workload::Bursts { size, every_s, spread_s } => {
                let burst = self.k / u64::from(size);
                let within = self.k % u64::from(size);
                let offset = if size > 1 { spread_s * within as f64 / f64::from(size) } else { 0.0 };
                secs(burst as f64 * every_s + offset)
            }
            Workload::Ramp { from_per_s, to_per_s, over_s } => {
                ramp_arrival(self.k as f64, from_per_s, to_per_s, over_s)?
            }
        };
        let at = at.max(self.last);
        self.k += 1;
        self.last = at;
        Some(at)
    }
}

fn secs(s: f64) -> SimTime {
    SimTime::ZERO + SimDuration::from_secs_f64(s)
}

/// The instant at which the integral of the ramp's rate reaches `k` (the k-th arrival).
fn ramp_arrival(k: f64, a: f64, b: f64, t_ramp: f64) -> Option<SimTime> {
    if k == 0.0 {
        return Some(SimTime::ZERO);
    }
    let during_ramp = (a + b) / 2.0 * t_ramp;
    if k <= during_ramp {
        // Solve a·t + c·t² = k with c = (b − a) / (2T); this form has no cancellation.
        let c = (b - a) / (2.0 * t_ramp);
        let disc = (a * a + 4.0 * c * k).max(0.0);
        let t = 2.0 * k / (a + libm::sqrt(disc));
        return Some(secs(t.min(t_ramp)));
    }
    if b <= 0.0 {
        return None;
    }
    Some(secs(t_ramp + (k - during_ramp) / b))
}
