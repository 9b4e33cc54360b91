//! Amazon SNS: so far, subscription filter policies (validation and matching with reasons) and
//! delivery retry policies (when each retry of a failed delivery happens).
//!
//! Topics, subscriptions, fan-out, endpoints and dead-letter queues come next (issue 5); these
//! modules are their first pieces and are complete on their own.

pub mod filter;
pub mod retry;

#[cfg(test)]
mod tests;

pub use filter::{Decision, FilterPolicy, FilterScope, Message, PolicyApi, PolicyError};
pub use retry::{Backoff, RetryPolicy, RetryPolicyError};
