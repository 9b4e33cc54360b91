//! Nimbus engine: deterministic, sans-IO simulations of AWS messaging and networking services.
//!
//! The contract: the engine never reads a clock, never sleeps, never spawns, never prints and
//! never touches the network or the browser. Simulated time is an integer number of
//! microseconds owned by each simulation ([`SimTime`]); all randomness comes from one seeded
//! generator per simulation ([`SimRng`]). The same scenario and seed therefore produce the same
//! trace — and the same [`Trace::hash`] — natively and in wasm. Scenarios are plain serde data,
//! validated once when a simulation is built ([`ConfigError`] names the field, the value and the
//! allowed range); after that a simulation cannot fail, it only emits events with reason codes.
//!
//! Layout: the core (`time`, `rng`, `dist`, `workload`, `scheduler`, `trace`, `metrics`,
//! `scenario`, `sim`) and one module per model. [`reference`] is the yardstick scenario used
//! for cross-target determinism and benchmarks.

pub mod apigw;
pub mod conformance;
pub mod dist;
pub mod flow;
pub mod kinesis;
pub mod lambda;
pub mod metrics;
pub mod reference;
pub mod rewind;
pub mod rng;
pub mod scenario;
pub mod scheduler;
pub mod sim;
pub mod sns;
pub mod sqs;
pub mod text;
pub mod time;
pub mod trace;
pub mod vpc;
pub mod workload;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;

pub use dist::Distribution;
pub use metrics::{Histogram, Metrics, Series, SeriesId, SeriesKind};
pub use rng::SimRng;
pub use scenario::{ConfigError, SCENARIO_VERSION};
pub use scheduler::Scheduler;
pub use sim::{Ctx, Model, RunOutcome, Sim, HELD_BYTES_CAP};
pub use time::{SimDuration, SimTime};
pub use trace::{Mark, Marker, Marks, Reason, StableHasher, Trace, TraceRecord};
pub use workload::{Arrivals, Workload};
