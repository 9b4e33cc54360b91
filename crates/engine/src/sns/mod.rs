//! Amazon SNS, so far: subscription filter policies (validation and matching with reasons),
//! delivery retry policies (when each retry of a failed delivery happens), and topics with
//! subscriptions and publish fan-out (which subscriptions get a copy, and why).
//!
//! Endpoints, delivery over time, subscription dead-letter queues and the playground come next
//! (issue 5); these modules are their first pieces and are complete on their own.

pub mod filter;
pub mod retry;
pub mod topic;

#[cfg(test)]
mod tests;

pub use filter::{Decision, FilterPolicy, FilterScope, Message, PolicyApi, PolicyError};
pub use retry::{Backoff, RetryPolicy, RetryPolicyError};
pub use topic::{Fanout, Protocol, PublishRequest, Published, Sns, SnsError, SubscriptionId, TopicId};
