//! Runs files in the format of `sns_filter_cases.json`: filter-policy match cases (does the
//! subscription get this message?) and validation cases (is this policy refused, with which
//! error code and message?).

use serde_json::Value;

use super::{checked, known_keys, Report};
use crate::sns::filter::{FilterPolicy, FilterScope, Message, PolicyApi};

/// `true` for an object with `match_cases` and/or `validation_cases` lists.
pub fn is_sns_filter_file(doc: &Value) -> bool {
    doc.as_object().is_some_and(|o| {
        (o.contains_key("match_cases") || o.contains_key("validation_cases"))
            && o.get("match_cases").is_none_or(Value::is_array)
            && o.get("validation_cases").is_none_or(Value::is_array)
    })
}

/// Runs every case of the file.
pub fn run(doc: &Value) -> Report {
    let mut report = Report::default();
    let list = |key: &str| doc.get(key).and_then(Value::as_array).into_iter().flatten().enumerate();
    for (i, case) in list("match_cases") {
        let shape = known_keys(case, &["scope", "policy", "attributes", "body", "body_raw", "expected"], "the case");
        report.cases.push((label("match", i, case), checked(case, shape, || match_case(case))));
    }
    for (i, case) in list("validation_cases") {
        let known = [
            "scope",
            "api",
            "policy",
            "policy_is_raw_string",
            "invalid",
            "error_code",
            "error",
            "error_full_aws",
            "error_suffix",
        ];
        let shape = known_keys(case, &known, "the case");
        report.cases.push((label("validation", i, case), checked(case, shape, || validation_case(case))));
    }
    report
}

fn label(kind: &str, i: usize, case: &Value) -> String {
    let source = case.get("source").and_then(Value::as_str).unwrap_or("");
    let tail = source.rsplit(':').next().unwrap_or(source);
    format!("sns {kind} case {i} ({})", tail.split(" (").next().unwrap_or(tail))
}

fn scope(case: &Value) -> Result<FilterScope, String> {
    match case.get("scope").and_then(Value::as_str) {
        None | Some("MessageAttributes") => Ok(FilterScope::MessageAttributes),
        Some("MessageBody") => Ok(FilterScope::MessageBody),
        Some(other) => Err(format!("unknown scope {other}")),
    }
}

fn match_case(case: &Value) -> Result<(), String> {
    let scope = scope(case)?;
    let policy = case.get("policy").ok_or("case has no policy")?;
    let policy = FilterPolicy::from_value(policy, scope, PolicyApi::Subscribe)
        .map_err(|e| format!("the policy was refused: {}", e.message))?;
    let message = if let Some(attrs) = case.get("attributes").and_then(Value::as_object) {
        Message::from_attributes(attrs.iter().map(|(name, a)| {
            let kind = a.get("Type").and_then(Value::as_str).unwrap_or("String");
            let value = a.get("Value").and_then(Value::as_str).unwrap_or("");
            (name.as_str(), kind, value)
        }))
    } else if let Some(raw) = case.get("body_raw").and_then(Value::as_str) {
        Message::from_body(raw)
    } else if let Some(body) = case.get("body") {
        match scope {
            FilterScope::MessageBody => Message::from_body(&body.to_string()),
            // A body under an attribute policy: the message has no attributes.
            FilterScope::MessageAttributes => Message::from_attributes([]),
        }
    } else {
        Message::from_attributes([])
    };
    let expected = case.get("expected").and_then(Value::as_bool).ok_or("case has no expected")?;
    let decision = policy.evaluate(&message);
    if decision.matched == expected {
        Ok(())
    } else {
        Err(format!("expected {}, got {} ({})", word(expected), word(decision.matched), decision.reason))
    }
}

fn word(matched: bool) -> &'static str {
    if matched {
        "a match"
    } else {
        "no match"
    }
}

fn validation_case(case: &Value) -> Result<(), String> {
    let scope = scope(case)?;
    let api = match case.get("api").and_then(Value::as_str) {
        Some("SetSubscriptionAttributes") => PolicyApi::SetSubscriptionAttributes,
        _ => PolicyApi::Subscribe,
    };
    let policy = case.get("policy").ok_or("case has no policy")?;
    let raw = case.get("policy_is_raw_string").and_then(Value::as_bool).unwrap_or(false);
    let result = match (raw, policy.as_str()) {
        (true, Some(text)) => FilterPolicy::parse(text, scope, api),
        _ => FilterPolicy::from_value(policy, scope, api),
    };
    let invalid = case.get("invalid").and_then(Value::as_bool).ok_or("case has no invalid")?;
    match (result, invalid) {
        (Ok(_), false) => Ok(()),
        (Ok(_), true) => Err("the policy was accepted; AWS refuses it".into()),
        (Err(e), false) => Err(format!("the policy was refused ({}); AWS accepts it", e.message)),
        (Err(e), true) => {
            if let Some(code) = case.get("error_code").and_then(Value::as_str) {
                if code != e.code {
                    return Err(format!("error code {} instead of {code}", e.code));
                }
            }
            match case.get("error").and_then(Value::as_str) {
                Some(text) if !e.message.starts_with(text) => {
                    Err(format!("error \"{}\" instead of \"{text}\"", e.message))
                }
                _ => Ok(()),
            }
        }
    }
}
