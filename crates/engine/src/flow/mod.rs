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

/// The example flows, shipped as files in `crates/engine/flows/` (`nimbus run` reads them, the
/// tests check each one's lesson, and they are the flow playground's presets): `(name, text)`.
pub const EXAMPLES: [(&str, &str); 8] = [
    ("buffer-a-spike", include_str!("../../flows/buffer-a-spike.json")),
    ("fan-out-with-filters", include_str!("../../flows/fan-out-with-filters.json")),
    ("sqs-poison-message", include_str!("../../flows/sqs-poison-message.json")),
    ("kinesis-poison-record", include_str!("../../flows/kinesis-poison-record.json")),
    ("reserved-concurrency-too-low", include_str!("../../flows/reserved-concurrency-too-low.json")),
    ("retry-storm", include_str!("../../flows/retry-storm.json")),
    ("fifo-pipeline", include_str!("../../flows/fifo-pipeline.json")),
    ("webhook-403", include_str!("../../flows/webhook-403.json")),
];

/// The example flow `name` (see [`EXAMPLES`]), if there is one and it reads.
pub fn example(name: &str) -> Option<FlowScenario> {
    let text = EXAMPLES.iter().find(|(n, _)| *n == name)?.1;
    FlowScenario::from_file_json(text).ok()
}
