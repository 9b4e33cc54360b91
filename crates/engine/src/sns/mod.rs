//! Amazon SNS: subscription filter policies (validation and matching with reasons), delivery
//! retry policies (when each retry of a failed delivery happens), topics with subscriptions and
//! publish fan-out (which subscriptions get a copy, and why), and the scenario the playground
//! runs: publishers, endpoints that can be slow or failing, delivery over simulated time with
//! retries, subscription dead-letter queues and lost messages.

pub mod filter;
mod lowercase;
pub mod model;
pub mod retry;
pub mod scenario;
pub mod topic;

#[cfg(test)]
mod tests;

pub use filter::{Decision, FilterPolicy, FilterScope, Message, PolicyApi, PolicyError};
pub use model::{
    ConsumerState, Delivery, DeliveryPhase, QueuedCopy, SnsModel, SnsSim, SnsTotals, SnsTraceEvent, SubscriptionTotals,
    HTTP_ANSWER_TIMEOUT,
};
pub use retry::{Backoff, RetryPolicy, RetryPolicyError};
pub use scenario::{
    Attribute, EndpointKind, FilterEdit, Health, MessageTemplate, Publisher, SnsScenario, SubscriptionSettings,
    TopicSettings, MAX_QUEUE_CONSUMERS, MAX_SUBSCRIPTIONS,
};
pub use topic::{Fanout, Prepared, Protocol, PublishRequest, Published, Sns, SnsError, SubscriptionId, TopicId};
#[cfg(test)]
mod model_tests;
#[cfg(test)]
mod propagation_tests;
