//! SQS API errors as AWS names them: an error code and AWS's message text.

use std::fmt;

/// An error an SQS call returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqsError {
    /// AWS's error code, e.g. `InvalidParameterValue`.
    pub code: &'static str,
    /// AWS's message text.
    pub message: String,
}

impl SqsError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> SqsError {
        SqsError { code, message: message.into() }
    }
    pub(crate) fn invalid_parameter(message: impl Into<String>) -> SqsError {
        SqsError::new("InvalidParameterValue", message)
    }
    pub(crate) fn invalid_value(param: &str, value: impl fmt::Display, reason: &str) -> SqsError {
        SqsError::invalid_parameter(format!("Value {value} for parameter {param} is invalid. Reason: {reason}"))
    }
    pub(crate) fn missing(param: &str) -> SqsError {
        SqsError::new("MissingParameter", format!("The request must contain the parameter {param}."))
    }
    pub(crate) fn receipt_handle_invalid(handle: &str) -> SqsError {
        SqsError::new(
            "ReceiptHandleIsInvalid",
            format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
        )
    }
}

impl fmt::Display for SqsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for SqsError {}
