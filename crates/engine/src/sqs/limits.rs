//! SQS limits, each with the page it comes from (see the shared aws-facts sheet, section 1).

/// Visibility timeout bounds and default, seconds (SQS-16: SQSDG/sqs-visibility-timeout; BOTO sqs:CreateQueue).
pub const VISIBILITY_TIMEOUT_MAX_S: u64 = 43_200;
/// Default visibility timeout, seconds (SQS-16).
pub const VISIBILITY_TIMEOUT_DEFAULT_S: u64 = 30;
/// Queue and per-message delay bound, seconds (SQS-27: SQSDG/sqs-delay-queues; BOTO sqs:SendMessage.DelaySeconds).
pub const DELAY_MAX_S: u64 = 900;
/// Retention bounds and default, seconds (SQS-29: BOTO sqs:CreateQueue).
pub const RETENTION_MIN_S: u64 = 60;
/// Longest retention: 14 days (SQS-29).
pub const RETENTION_MAX_S: u64 = 1_209_600;
/// Default retention: 4 days (SQS-29).
pub const RETENTION_DEFAULT_S: u64 = 345_600;
/// Message size bounds, bytes; the default is the maximum, 1 MiB since 2025 (C1: BOTO sqs:CreateQueue).
pub const MESSAGE_SIZE_MIN: u64 = 1_024;
/// Largest message, bytes (C1).
pub const MESSAGE_SIZE_MAX: u64 = 1_048_576;
/// Long-poll wait bound, seconds (SQS-23: BOTO sqs:CreateQueue, sqs:ReceiveMessage).
pub const WAIT_TIME_MAX_S: u64 = 20;
/// Messages per receive (SQS-22: BOTO sqs:ReceiveMessage.MaxNumberOfMessages).
pub const RECEIVE_MAX_MESSAGES: u32 = 10;
/// Entries per batch call (SQS-32: BOTO sqs:SendMessageBatch).
pub const BATCH_MAX_ENTRIES: usize = 10;
/// `maxReceiveCount` bounds (SQS-33: SQSDG/sqs-configure-dead-letter-queue).
pub const MAX_RECEIVE_COUNT_MAX: u32 = 1_000;
/// FIFO deduplication window, seconds (SQS-07: SQSDG/FIFO-key-terms).
pub const DEDUP_WINDOW_S: u64 = 300;
/// Messages in flight before receives stop returning more (SQS-20, C2: quotas-queues, quotas-fifo).
pub const IN_FLIGHT_MAX: usize = 120_000;
/// FIFO calls per second per action without high throughput (SQS-11: quotas-messages).
pub const FIFO_CALLS_PER_S: u32 = 300;
/// Below this many visible messages a short poll likely samples too few servers to see them all (SQS-24).
pub const SHORT_POLL_FULL_VIEW_AT: usize = 1_000;
/// Message group and deduplication id length bound (SQS-04, SQS-07).
pub const ID_MAX_LEN: usize = 128;
/// Total payload of one batch call, bytes (SQS-32; LS test_send_message_batch_with_oversized_contents
/// records `Batch requests cannot be longer than 1048576 bytes.`).
pub const BATCH_MAX_BYTES: u64 = 1_048_576;
/// The simulated account (ARNs, `SenderId`); the engine's other services use the same one.
pub const ACCOUNT_ID: &str = "123456789012";
/// The simulated Region (ARNs).
pub const REGION: &str = "us-east-1";
/// A standard queue's message received this many times without being deleted no longer counts
/// for `ApproximateAgeOfOldestMessage` (SQS-42: SQSDG/sqs-available-cloudwatch-metrics).
pub const OLDEST_AGE_RECEIVES: u32 = 3;
