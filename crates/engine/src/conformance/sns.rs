//! Runs files in the format of `sns_filter_cases.json`: filter-policy match cases (does the
//! subscription get this message?) and validation cases (is this policy refused, with which
//! error code and message?); and of `sns_api_cases.json`: API calls (CreateTopic, Subscribe,
//! Publish, PublishBatch) and the error AWS answers them with, or that it accepts them.

use serde_json::Value;

use super::{checked, known_keys, Report};
use crate::sns::filter::{FilterPolicy, FilterScope, Message, PolicyApi};
use crate::sns::{Protocol, PublishRequest, Sns, SnsError};
use crate::time::SimTime;

/// The lists an SNS file may hold.
const LISTS: [&str; 3] = ["match_cases", "validation_cases", "api_cases"];

/// `true` for an object with `match_cases`, `validation_cases` and/or `api_cases` lists.
pub fn is_sns_filter_file(doc: &Value) -> bool {
    doc.as_object().is_some_and(|o| {
        LISTS.iter().any(|k| o.contains_key(*k)) && LISTS.iter().all(|k| o.get(*k).is_none_or(Value::is_array))
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
    for (i, case) in list("api_cases") {
        let known = [
            "op",
            "name",
            "fifo",
            "topic",
            "protocol",
            "body",
            "body_size",
            "attributes",
            "group_id",
            "dedup_id",
            "entries",
            "expect",
        ];
        let shape = known_keys(case, &known, "the case");
        report.cases.push((label("api", i, case), checked(case, shape, || api_case(case))));
    }
    report
}

/// One API call on a fresh topic (`topic`: `fifo`, `content_based_dedup`), and what AWS
/// answers: `expect` is `{"ok": true}` or `{"error": {"code", "message"}}`.
fn api_case(case: &Value) -> Result<(), String> {
    let mut sns = Sns::new();
    let flag = |v: Option<&Value>, key: &str| v.and_then(|t| t.get(key)).and_then(Value::as_bool).unwrap_or(false);
    let topic_spec = case.get("topic");
    if let Some(t) = topic_spec {
        known_keys(t, &["fifo", "content_based_dedup"], "the topic")?;
    }
    let (fifo, cbd) = (flag(topic_spec, "fifo"), flag(topic_spec, "content_based_dedup"));
    let result: Result<(), SnsError> = match case.get("op").and_then(Value::as_str) {
        Some("create_topic") => {
            let name = case.get("name").and_then(Value::as_str).ok_or("no name")?;
            sns.create_topic(name, flag(Some(case), "fifo"), false).map(|_| ())
        }
        Some(op @ ("subscribe" | "publish" | "publish_batch")) => {
            let name = if fifo { "topic.fifo" } else { "topic" };
            let id = sns.create_topic(name, fifo, cbd).map_err(|e| format!("the topic: {e}"))?;
            match op {
                "subscribe" => {
                    let protocol = match case.get("protocol") {
                        Some(Value::String(p)) if p == "lambda" => Protocol::Lambda,
                        Some(Value::String(p)) if p == "http" => Protocol::Http,
                        Some(Value::Object(o)) if o.contains_key("sqs") => {
                            Protocol::Sqs { fifo: flag(o.get("sqs"), "fifo") }
                        }
                        other => return Err(format!("unknown protocol {other:?}")),
                    };
                    sns.subscribe(id, protocol, false, None).map(|_| ())
                }
                "publish" => sns.publish(SimTime::ZERO, id, &request(case)?).map(|_| ()),
                _ => {
                    let entries = case.get("entries").and_then(Value::as_array).ok_or("no entries")?;
                    let requests = entries
                        .iter()
                        .map(|e| {
                            known_keys(
                                e,
                                &["Id", "body", "body_size", "attributes", "group_id", "dedup_id"],
                                "an entry",
                            )?;
                            request(e)
                        })
                        .collect::<Result<Vec<_>, String>>()?;
                    sns.publish_batch(SimTime::ZERO, id, &requests).map(|_| ())
                }
            }
        }
        other => return Err(format!("unknown op {other:?}")),
    };
    let expect = case.get("expect").ok_or("no expect")?;
    known_keys(expect, &["ok", "error"], "expect")?;
    match (result, expect.get("error")) {
        (Ok(()), None) => Ok(()),
        (Ok(()), Some(_)) => Err("the call succeeded; AWS refuses it".into()),
        (Err(e), None) => Err(format!("the call was refused ({e}); AWS accepts it")),
        (Err(e), Some(want)) => {
            let text = |k: &str| want.get(k).and_then(Value::as_str).unwrap_or("");
            match (e.code == text("code"), e.message == text("message")) {
                (true, true) => Ok(()),
                _ => Err(format!("error {e} instead of {}: {}", text("code"), text("message"))),
            }
        }
    }
}

/// A publish request from a case or batch entry: `body` or `body_size` bytes of `x`,
/// `attributes` as `{"name": {"Type", "Value"}}`, `group_id`, `dedup_id`.
fn request(case: &Value) -> Result<PublishRequest, String> {
    let body = match (case.get("body").and_then(Value::as_str), case.get("body_size").and_then(Value::as_u64)) {
        (Some(b), _) => b.to_owned(),
        (None, Some(n)) => "x".repeat(n.min(1 << 20) as usize),
        (None, None) => return Err("no body or body_size".into()),
    };
    let attributes = case
        .get("attributes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, a)| {
            let text = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            (name.clone(), text("Type"), text("Value"))
        })
        .collect();
    let id = |k: &str| case.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(PublishRequest { body, attributes, group_id: id("group_id"), dedup_id: id("dedup_id") })
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
