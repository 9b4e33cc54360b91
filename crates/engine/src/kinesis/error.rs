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

impl fmt::Display for KinesisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for KinesisError {}
