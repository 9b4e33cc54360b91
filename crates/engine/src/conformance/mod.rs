//! Conformance runners: replay the shared real-AWS expectation files against the models.
//!
//! A file is recognised by its shape; each case passes, fails (with the step and the reason) or
//! is flagged: a case carrying `note`, `confidence`, `disputed`, `depends_on_array_consistency` or
//! `sns_expected_invalid` is one whose sources disagree or are weak. Flagged cases still run;
//! when the engine differs from them the case is reported as skipped with the difference,
//! never as passed.

pub mod kinesis;
pub mod sns;
pub mod sqs;
pub mod vpc;

use serde_json::Value;

/// The outcome of one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseOutcome {
    /// Every expectation held.
    Passed,
    /// An expectation of an unflagged case did not hold.
    Failed(String),
    /// A flagged case where the engine differs; the text says how.
    Skipped(String),
}

/// The result of a whole file.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// One `(case label, outcome)` per case, in file order.
    pub cases: Vec<(String, CaseOutcome)>,
}

impl Report {
    /// Count of passed, failed and skipped cases.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for (_, outcome) in &self.cases {
            match outcome {
                CaseOutcome::Passed => counts.0 += 1,
                CaseOutcome::Failed(_) => counts.1 += 1,
                CaseOutcome::Skipped(_) => counts.2 += 1,
            }
        }
        counts
    }
}

/// Why a file could not be run at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError(pub String);

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

/// Runs a conformance file given as JSON text, picking the runner by the file's shape.
pub fn run_file(text: &str) -> Result<Report, FormatError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| FormatError(format!("not valid JSON: {e}")))?;
    if sqs::is_sqs_timeline_file(&doc) {
        return Ok(sqs::run(&doc));
    }
    if sns::is_sns_filter_file(&doc) {
        return Ok(sns::run(&doc));
    }
    if kinesis::is_kinesis_file(&doc) {
        return Ok(kinesis::run(&doc));
    }
    if vpc::is_vpc_file(&doc) {
        return Ok(vpc::run(&doc));
    }
    Err(FormatError(
        "unrecognised conformance format (this engine runs SQS timeline, SNS filter and API, Kinesis hash and VPC peering files)"
            .to_owned(),
    ))
}

/// `true` when a case carries a flag saying its sources disagree or are weak.
pub(crate) fn is_flagged(case: &Value) -> bool {
    let non_empty = |key: &str| match case.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(_) => true,
    };
    ["note", "disputed", "depends_on_array_consistency", "sns_expected_invalid"].into_iter().any(non_empty)
        || case.get("confidence").and_then(Value::as_str).is_some_and(|c| c != "high")
}

/// Keys every case may carry: where it comes from, and its flags.
pub(crate) const CASE_META: [&str; 6] =
    ["source", "note", "confidence", "disputed", "depends_on_array_consistency", "origin"];

/// `Err` naming the first key of `obj` that is neither in `known` nor a case's metadata: a
/// misspelt expectation (`cuont`) would otherwise be skipped, and the case pass unchecked.
pub(crate) fn known_keys(obj: &Value, known: &[&str], what: &str) -> Result<(), String> {
    let Some(map) = obj.as_object() else { return Err(format!("{what} is not an object")) };
    match map.keys().find(|k| !known.contains(&k.as_str()) && !CASE_META.contains(&k.as_str())) {
        Some(k) => Err(format!("{what} has an unknown key `{k}` (known: {})", known.join(", "))),
        None => Ok(()),
    }
}

/// A case's outcome: a case whose shape is wrong (`shape`) fails whatever its flags — a check
/// that cannot fail is worse than none — and is never run; otherwise as [`outcome`].
pub(crate) fn checked(
    case: &Value,
    shape: Result<(), String>,
    run: impl FnOnce() -> Result<(), String>,
) -> CaseOutcome {
    match shape {
        Err(why) => CaseOutcome::Failed(format!("malformed case: {why}")),
        Ok(()) => outcome(case, run()),
    }
}

/// Turns a case's check result into its outcome, honouring its flags.
pub(crate) fn outcome(case: &Value, result: Result<(), String>) -> CaseOutcome {
    match result {
        Ok(()) => CaseOutcome::Passed,
        Err(why) if is_flagged(case) => CaseOutcome::Skipped(why),
        Err(why) => CaseOutcome::Failed(why),
    }
}
