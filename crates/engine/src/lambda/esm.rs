//! What invokes a function, as settings: the SQS and Kinesis event source mappings
//! (LSQS-01..10, LKIN-01..07) and the asynchronous invocation config (LCON-05). The flow model
//! runs them.

use serde::{Deserialize, Serialize};

use crate::scenario::{check_int_range, ConfigError};

/// Concurrent batches an SQS mapping starts with (LSQS-03).
pub const SQS_START_BATCHES: u32 = 5;
/// Concurrent batches an SQS mapping adds per minute while messages wait (LSQS-03, since 2023).
pub const SQS_SCALE_PER_MIN: u32 = 300;
/// The most concurrent batches of one SQS mapping (LSQS-03; the blog gives 1,250, the guide 1,000).
pub const SQS_MAX_BATCHES: u32 = 1_000;

/// An SQS event source mapping (`CreateEventSourceMapping` with an SQS queue).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SqsMapping {
    /// `BatchSize`: 1–10,000 for standard queues (above 10 with a window of at least 1 s),
    /// 1–10 for FIFO (default 10).
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds`: 0–300 (FIFO queues: 0).
    pub window_s: u32,
    /// `ScalingConfig.MaximumConcurrency`: 2–1,000 concurrent batches; `None`: up to 1,000.
    pub maximum_concurrency: Option<u32>,
    /// `FunctionResponseTypes: ["ReportBatchItemFailures"]`: the function names the messages
    /// that failed, and only those come back (LSQS-08).
    pub report_batch_item_failures: bool,
}

impl Default for SqsMapping {
    fn default() -> Self {
        SqsMapping { batch_size: 10, window_s: 0, maximum_concurrency: None, report_batch_item_failures: false }
    }
}

impl SqsMapping {
    /// AWS's rules for a mapping on a queue (`fifo`); `field` names the connection.
    pub fn validate(&self, field: &str, fifo: bool) -> Result<(), ConfigError> {
        let most = if fifo { 10 } else { 10_000 };
        check_int_range(&format!("{field}.batch_size"), self.batch_size.into(), 1..=most)?;
        check_int_range(&format!("{field}.window_s"), self.window_s.into(), 0..=300)?;
        if fifo && self.window_s > 0 {
            return Err(ConfigError::Invalid {
                field: format!("{field}.window_s"),
                value: self.window_s.to_string(),
                rule: "a FIFO queue's mapping has no batching window (LSQS-01): set 0".into(),
            });
        }
        if self.batch_size > 10 && self.window_s < 1 {
            return Err(ConfigError::Invalid {
                field: format!("{field}.batch_size"),
                value: self.batch_size.to_string(),
                rule: "a batch size above 10 needs a batching window (window_s) of at least 1 s (LSQS-01)".into(),
            });
        }
        if let Some(c) = self.maximum_concurrency {
            check_int_range(&format!("{field}.maximum_concurrency"), c.into(), 2..=u64::from(SQS_MAX_BATCHES))?;
        }
        Ok(())
    }

    /// The most concurrent batches this mapping may run.
    pub fn ceiling(&self) -> u32 {
        self.maximum_concurrency.unwrap_or(SQS_MAX_BATCHES)
    }
}

/// Where a Kinesis mapping starts reading (`StartingPosition`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StartingPosition {
    /// The oldest record kept.
    #[default]
    TrimHorizon,
    /// Only records written after the mapping starts.
    Latest,
}

/// A Kinesis event source mapping.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KinesisMapping {
    /// `BatchSize`: 1–10,000 (default 100).
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds`: 0–300.
    pub window_s: u32,
    /// `ParallelizationFactor`: concurrent batches per shard, 1–10 (order kept per partition key).
    pub parallelization_factor: u32,
    /// `StartingPosition`.
    pub starting_position: StartingPosition,
    /// `MaximumRetryAttempts`: -1 (retry until the records expire, the default) to 10,000.
    pub maximum_retry_attempts: i32,
    /// `MaximumRecordAgeInSeconds`: -1 (no limit, the default) or 60–604,800.
    pub maximum_record_age_s: i32,
    /// `BisectBatchOnFunctionError`: split a failed batch in two and retry the halves.
    pub bisect_on_error: bool,
    /// `ReportBatchItemFailures`: the function names the first record that failed; the
    /// checkpoint moves to it (LKIN-07).
    pub report_batch_item_failures: bool,
    /// `DestinationConfig.OnFailure`: the node (an SQS queue or SNS topic) that gets a record
    /// of each batch given up on; `None`: given-up records are just skipped.
    pub on_failure: Option<String>,
}

impl Default for KinesisMapping {
    fn default() -> Self {
        KinesisMapping {
            batch_size: 100,
            window_s: 0,
            parallelization_factor: 1,
            starting_position: StartingPosition::TrimHorizon,
            maximum_retry_attempts: -1,
            maximum_record_age_s: -1,
            bisect_on_error: false,
            report_batch_item_failures: false,
            on_failure: None,
        }
    }
}

impl KinesisMapping {
    /// AWS's ranges (BOTO lambda:CreateEventSourceMappingRequest); `field` names the connection.
    pub fn validate(&self, field: &str) -> Result<(), ConfigError> {
        check_int_range(&format!("{field}.batch_size"), self.batch_size.into(), 1..=10_000)?;
        check_int_range(&format!("{field}.window_s"), self.window_s.into(), 0..=300)?;
        check_int_range(&format!("{field}.parallelization_factor"), self.parallelization_factor.into(), 1..=10)?;
        if !(-1..=10_000).contains(&self.maximum_retry_attempts) {
            return Err(ConfigError::OutOfRange {
                field: format!("{field}.maximum_retry_attempts"),
                value: self.maximum_retry_attempts.to_string(),
                allowed: "-1 (until the records expire) or 0–10000".into(),
            });
        }
        let age = self.maximum_record_age_s;
        if !(age == -1 || (60..=604_800).contains(&age)) {
            return Err(ConfigError::OutOfRange {
                field: format!("{field}.maximum_record_age_s"),
                value: age.to_string(),
                allowed: "-1 (no limit) or 60–604800".into(),
            });
        }
        Ok(())
    }
}

/// `PutFunctionEventInvokeConfig`: how Lambda retries events it was given asynchronously (LCON-05).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AsyncConfig {
    /// Retries after a function error: 0–2 (default 2; 1 minute, then 2 minutes later).
    pub maximum_retry_attempts: u32,
    /// How long an event may wait (throttles and errors included): 60–21,600 s (default 6 h).
    pub maximum_event_age_s: u32,
}

impl Default for AsyncConfig {
    fn default() -> Self {
        AsyncConfig { maximum_retry_attempts: 2, maximum_event_age_s: 21_600 }
    }
}

impl AsyncConfig {
    /// AWS's ranges; `field` names the function.
    pub fn validate(&self, field: &str) -> Result<(), ConfigError> {
        check_int_range(&format!("{field}.maximum_retry_attempts"), self.maximum_retry_attempts.into(), 0..=2)?;
        check_int_range(&format!("{field}.maximum_event_age_s"), self.maximum_event_age_s.into(), 60..=21_600)
    }
}
