//! Amazon SQS: standard and FIFO queues with AWS's rules, limits and error names.
//!
//! [`Sqs`] holds the queues and routes dead-letter moves; [`Queue`] is one queue's state
//! machine. Both are driven by API calls at simulated times and never read a clock.

mod action;
mod attributes;
mod error;
mod index;
pub mod limits;
pub mod pricing;
mod queue;
mod scenario;
mod service;

pub use action::{Action, ApiCalls};
pub use attributes::{queue_arn, QueueAttributes, RedrivePolicy};
pub use error::SqsError;
pub use queue::{
    check_wait_time, Fidelity, Message, MessageId, MessageState, Queue, QueueEvent, QueueStats, ReceiptHandle,
    ReceiveRequest, Received, SendRequest, SendResult, REORDER_WINDOW,
};
pub use scenario::{
    Autoscale, ConsumerActivity, Consumers, DlqSettings, Heartbeat, Producer, SqsModel, SqsScenario, SqsSim, SqsTotals,
    SqsTraceEvent, Work as SqsWork, AUTOSCALE_PERIOD, MAX_BACKLOG_TARGET, MAX_CONSUMERS, MAX_GROUPS,
    MAX_REQUEST_LATENCY_MS, MAX_SCALE_DELAY_S, SEND_BATCH_LINGER, SEND_BATCH_MAX_BYTES,
};
pub use service::{QueueId, Sqs, SqsEvent};

#[cfg(test)]
mod consumer_tests;
#[cfg(test)]
mod tests;
