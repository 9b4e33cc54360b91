//! Event-driven flows: services wired together in one simulation — producers and API clients,
//! API Gateway, SNS, SQS, Kinesis, Lambda, consumers and HTTP endpoints — each following its
//! own AWS rules, on one scheduler with one RNG and one trace.
//!
//! `scenario.rs` is the data and its wiring rules; `model.rs` the run (senders, API Gateway,
//! SNS delivery, asynchronous Lambda); `readers.rs` what reads a queue (a Lambda event source
//! mapping or consumers); `kinesis_esm.rs` a Kinesis event source mapping; `ledger.rs` where
//! every message is (the conservation law); `report.rs` the per-node and end-to-end numbers
//! and the cost at list prices.

mod kinesis_esm;
pub mod ledger;
pub mod model;
mod readers;
pub mod report;
pub mod scenario;

#[cfg(test)]
mod tests;

pub use ledger::{End, Ledger, Place};
pub use model::{FlowCtx, FlowEvent, FlowModel, FlowSim, NodeCounters, NodeSeries, Work};
pub use report::{Cost, FlowReport, NodeNow};
pub use scenario::{Connection, FlowError, FlowScenario, Node, NodeKind, Role, SCENARIO_KIND};

/// The cross-target check of flows: the trace hash of the benchmark flow
/// ([`FlowScenario::benchmark`]) after 20 simulated seconds with `seed`, natively and in wasm.
pub fn flow_trace_hash(seed: u64) -> u64 {
    let Ok(sim) = FlowSim::try_new(&FlowScenario::benchmark(), seed) else { return 0 };
    let mut sim = sim.without_recent_events();
    sim.run_until_done(crate::SimTime::from_secs(20));
    sim.trace_hash()
}
