//! Kinesis errors: AWS's error code and message.

use std::fmt;

/// An error a Kinesis call returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KinesisError {
    /// e.g. `InvalidArgumentException`.
    pub code: &'static str,
    /// What is wrong, as AWS words it.
    pub message: String,
}

impl KinesisError {
    pub(crate) fn invalid_argument(message: impl Into<String>) -> KinesisError {
        KinesisError { code: "InvalidArgumentException", message: message.into() }
    }
    pub(crate) fn validation(message: impl Into<String>) -> KinesisError {
        KinesisError { code: "ValidationException", message: message.into() }
    }
    pub(crate) fn not_found(message: impl Into<String>) -> KinesisError {
        KinesisError { code: "ResourceNotFoundException", message: message.into() }
    }
    pub(crate) fn throughput(message: impl Into<String>) -> KinesisError {
        KinesisError { code: "ProvisionedThroughputExceededException", message: message.into() }
    }
    pub(crate) fn limit(message: impl Into<String>) -> KinesisError {
        KinesisError { code: "LimitExceededException", message: message.into() }
    }
    pub(crate) fn in_use(message: impl Into<String>) -> KinesisError {
        KinesisError { code: "ResourceInUseException", message: message.into() }
    }
}

/// One failed request constraint as AWS's request validation words it:
/// `Value 'v' at 'field' failed to satisfy constraint: Member must …` (KL validations/index.js,
/// whose tests were run against AWS).
pub(crate) fn constraint(value: impl fmt::Display, field: impl fmt::Display, rule: impl fmt::Display) -> String {
    format!("Value '{value}' at '{field}' failed to satisfy constraint: Member must {rule}")
}

/// The constraint a count parameter (`shardCount`, `targetShardCount`, `limit`, …) fails when it
/// is outside 1..=`max`, in AWS's words for the side it misses.
pub(crate) fn out_of_range(value: u64, field: &str, max: u64) -> Option<String> {
    match value {
        0 => Some(constraint(value, field, "have value greater than or equal to 1")),
        v if v > max => Some(constraint(value, field, format_args!("have value less than or equal to {max}"))),
        _ => None,
    }
}

/// A `ValidationException` for the failed constraints, if any: `1 validation error detected: a`,
/// `2 validation errors detected: a; b` (AWS lists at most 10).
pub(crate) fn validated(mut errors: Vec<String>) -> Result<(), KinesisError> {
    if errors.is_empty() {
        return Ok(());
    }
    errors.truncate(10);
    let n = errors.len();
    let s = if n == 1 { "" } else { "s" };
    Err(KinesisError::validation(format!("{n} validation error{s} detected: {}", errors.join("; "))))
}

impl fmt::Display for KinesisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for KinesisError {}
