//! Amazon SNS: so far, subscription filter policies (validation and matching with reasons).
//!
//! Topics, subscriptions, fan-out, delivery retries and dead-letter queues come next (issue 5);
//! the filter module is their first piece and is complete on its own.

pub mod filter;

#[cfg(test)]
mod tests;

pub use filter::{Decision, FilterPolicy, FilterScope, Message, PolicyApi, PolicyError};
