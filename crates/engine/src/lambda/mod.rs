//! AWS Lambda as the flows need it: a function's concurrency (the Region's pool, reserved
//! concurrency, the scaling rate), execution environments reused warm or started cold, run
//! times with a timeout, function errors and poison messages; and the settings of what invokes
//! it (event source mappings for SQS and Kinesis, asynchronous invocation for SNS).
//!
//! A pure state machine: the flow model asks [`Function::try_start`] when an invocation would
//! begin and calls [`Function::finish`] when it ends; scheduling is the caller's.

pub mod esm;
mod function;

#[cfg(test)]
mod tests;

pub use esm::{AsyncConfig, KinesisMapping, SqsMapping, StartingPosition};
pub use function::{
    Account, Architecture, Function, FunctionSettings, FunctionStats, Invocation, RunEnd, Throttle,
    ACCOUNT_CONCURRENCY, MIN_UNRESERVED, SCALING_PER_10_S,
};
