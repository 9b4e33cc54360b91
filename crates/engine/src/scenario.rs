//! What every scenario shares: the format version, and validation errors that name the field,
//! the value and the allowed range.
//!
//! Scenarios are data (serde): a URL, a JSON file and a preset are the same thing. They are
//! validated once, when a simulation is built from them; after that the core cannot fail.

use std::fmt;
use std::ops::RangeInclusive;

/// The scenario format version this engine writes and reads.
pub const SCENARIO_VERSION: u32 = 1;

/// serde default for a scenario's `v` field: files written before versioning are version 1.
pub fn current_version() -> u32 {
    SCENARIO_VERSION
}

/// A scenario value that the engine refuses, with enough context to fix it.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigError {
    /// A number outside its allowed range.
    OutOfRange {
        /// Dotted path of the field, e.g. `consumers.batch_size`.
        field: String,
        /// The value given, as text.
        value: String,
        /// The allowed range, as text, e.g. `1–10`.
        allowed: String,
    },
    /// A value that breaks a rule other than a range.
    Invalid {
        /// Dotted path of the field.
        field: String,
        /// The value given, as text.
        value: String,
        /// The rule it breaks, phrased as what is allowed.
        rule: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::OutOfRange { field, value, allowed } => {
                write!(f, "{field} = {value} is out of range: allowed {allowed}")
            }
            ConfigError::Invalid { field, value, rule } => write!(f, "{field} = {value} is not valid: {rule}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Checks `value` is a finite number inside `range`; the error names `field`.
pub fn check_range(field: &str, value: f64, range: RangeInclusive<f64>) -> Result<(), ConfigError> {
    if value.is_finite() && range.contains(&value) {
        return Ok(());
    }
    Err(ConfigError::OutOfRange {
        field: field.to_owned(),
        value: format_number(value),
        allowed: format!("{}–{}", format_number(*range.start()), format_number(*range.end())),
    })
}

/// Checks an integer is inside `range`; the error names `field`.
pub fn check_int_range(field: &str, value: u64, range: RangeInclusive<u64>) -> Result<(), ConfigError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(ConfigError::OutOfRange {
        field: field.to_owned(),
        value: value.to_string(),
        allowed: format!("{}–{}", range.start(), range.end()),
    })
}

/// The most operations a scenario may offer per simulated second, all its sources together
/// (each model says what it counts: messages sent, received and deleted; records written and
/// read by each consumer; publishes and deliveries; requests). A bound of Nimbus, not of AWS:
/// above it a run falls behind real time in a browser tab, and memory fills in seconds.
/// `cargo xtask bench` runs each model at this bound.
pub const MAX_OFFERED_PER_S: f64 = 100_000.0;

/// Checks a scenario's offered load (`what`: what it counts) is within [`MAX_OFFERED_PER_S`].
pub fn check_offered(what: &str, offered: f64) -> Result<(), ConfigError> {
    if offered <= MAX_OFFERED_PER_S {
        return Ok(());
    }
    Err(ConfigError::Invalid {
        field: "offered load".to_owned(),
        value: format!("{offered:.0} operations/s ({what})"),
        // MAX_OFFERED_PER_S, written out (a bundle has no digit-grouping formatter to spare).
        rule: "Nimbus simulates at most 100,000 per simulated second, so a run keeps ahead of real time; lower the rates, or the number of clients or consumers".into(),
    })
}

/// Checks a scenario's format version is one this engine reads.
pub fn check_version(v: u32) -> Result<(), ConfigError> {
    if v == SCENARIO_VERSION {
        return Ok(());
    }
    Err(ConfigError::Invalid {
        field: "v".to_owned(),
        value: v.to_string(),
        rule: format!("this version of Nimbus reads scenario version {SCENARIO_VERSION}"),
    })
}

/// Numbers as people write them: no trailing `.0`, NaN and infinities spelled out.
pub(crate) fn format_number(x: f64) -> String {
    if x.is_finite() && x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    format!("{x}")
}

/// A scenario as the file `nimbus run` reads: its fields plus `"kind": kind`.
pub fn to_file_json<T: serde::Serialize>(scenario: &T, kind: &str) -> String {
    let mut doc = serde_json::to_value(scenario).unwrap_or_default();
    if let Some(fields) = doc.as_object_mut() {
        fields.insert("kind".into(), kind.into());
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Reads a scenario file as `nimbus run` does (`kind` may be absent, but not another
/// playground's) and validates it with `validate`; the error says what is wrong and where, for
/// people (`service` names the playground: "SQS").
pub fn from_file_json<T: serde::de::DeserializeOwned>(
    text: &str,
    kind: &str,
    service: &str,
    validate: fn(&T) -> Result<(), ConfigError>,
) -> Result<T, String> {
    let mut doc: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("This is not valid JSON: {e}."))?;
    let Some(fields) = doc.as_object_mut() else {
        return Err(format!("A scenario file is a JSON object ({{ \"kind\": \"{kind}\", ... }})."));
    };
    if let Some(path) = crate::text::duplicate_key(text) {
        let path: String = path.chars().take(60).collect();
        return Err(format!("{path} is given twice in one object: give each setting once."));
    }
    match fields.remove("kind") {
        None => {}
        Some(serde_json::Value::String(k)) if k == kind => {}
        Some(other) => {
            return Err(format!("This is a scenario for {other}, not for {service} (\"kind\": \"{kind}\")."))
        }
    }
    // Read from the borrowed document: serde_json's `&Value` reader is a smaller part of a
    // playground's bundle than its owned one (3 KB gzip on the SNS page).
    let scenario = T::deserialize(&doc).map_err(|e| format!("This is not an {service} scenario: {e}."))?;
    validate(&scenario).map_err(|e| format!("{e}."))?;
    Ok(scenario)
}
