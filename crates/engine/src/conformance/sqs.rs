//! Runs files in the format of `sqs_timeline_cases.json`: a queue, timed API steps, expectations.
//!
//! Cases are checked with [`Fidelity::EXACT`]: the recorded AWS runs saw every message on short
//! polls and no duplicates, so sampling and duplicate deliveries are switched off here. A long
//! poll (`wait` > 0) waits in simulated time until a message becomes visible or the wait ends.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{checked, known_keys, Report};
use crate::rng::SimRng;
use crate::sqs::{
    check_wait_time, Fidelity, MessageId, QueueId, ReceiptHandle, ReceiveRequest, Received, SendRequest, Sqs, SqsError,
};
use crate::time::{SimDuration, SimTime};

/// `true` for a list of cases that each have `queue` and `steps`.
pub fn is_sqs_timeline_file(doc: &Value) -> bool {
    doc.as_array().is_some_and(|cases| {
        !cases.is_empty() && cases.iter().all(|c| c.get("queue").is_some() && c.get("steps").is_some())
    })
}

/// Runs every case of the file.
pub fn run(doc: &Value) -> Report {
    let mut report = Report::default();
    for (i, case) in doc.as_array().into_iter().flatten().enumerate() {
        let source = case.get("source").and_then(Value::as_str).unwrap_or("");
        let label = format!("sqs case {i} ({})", short(source));
        report.cases.push((label, checked(case, shape(case), || run_case(case))));
    }
    report
}

/// The keys a step may have, and those of its `expect`.
const STEP_KEYS: [&str; 20] = [
    "t",
    "op",
    "expect",
    "body",
    "MessageBody",
    "body_size",
    "group_id",
    "dedup_id",
    "delay",
    "as",
    "entries",
    "max",
    "wait",
    "visibility_timeout",
    "receipt_of",
    "timeout",
    "name",
    "attributes",
    "receipt_handle",
    "attribute_names",
];
const EXPECT_KEYS: [&str; 16] = [
    "ok",
    "error",
    "bodies",
    "ordered",
    "bodies_one_of",
    "count",
    "receive_count",
    "receipt_handle_differs_from",
    "message_id_of",
    "arrives_at_or_after",
    "source_kind",
    "aws_observed",
    "system_attribute_names",
    "system_attributes",
    "sequence_number_of",
    "system_attributes_integral_ms",
];

/// Whether a case is one the runner can check as written: known keys with values of the right
/// type, at least one step, times that are numbers of seconds from 0, and case-level
/// expectations (`expect: [{ step, ... }]`) that name a step and agree with its own `expect`.
fn shape(case: &Value) -> Result<(), String> {
    known_keys(case, &["queue", "steps", "expect"], "the case")?;
    let steps = case.get("steps").and_then(Value::as_array).ok_or("`steps` is not a list")?;
    if steps.is_empty() {
        return Err("`steps` is empty: the case checks nothing".to_owned());
    }
    for (n, step) in steps.iter().enumerate() {
        known_keys(step, &STEP_KEYS, &format!("step {n}"))?;
        step.get("op").and_then(Value::as_str).ok_or_else(|| format!("step {n} has no `op`"))?;
        if let Some(t) = step.get("t") {
            t.as_f64()
                .filter(|t| (0.0..=1e9).contains(t))
                .ok_or_else(|| format!("step {n}: `t` {t} is not a time in seconds from 0"))?;
        }
        if let Some(expect) = step.get("expect") {
            expectation(expect).map_err(|e| format!("step {n}: {e}"))?;
        }
    }
    for entry in case.get("expect").and_then(Value::as_array).into_iter().flatten() {
        let n = entry.get("step").and_then(Value::as_u64).ok_or("a case-level expectation names no `step`")?;
        let step = steps.get(n as usize).ok_or_else(|| format!("an expectation for step {n}, which does not exist"))?;
        let mut own = entry.clone();
        if let Some(map) = own.as_object_mut() {
            map.remove("step");
        }
        if step.get("expect") != Some(&own) {
            return Err(format!("the case-level expectation for step {n} differs from the step's own"));
        }
    }
    Ok(())
}

/// Whether a step's `expect` is an object of known expectations with values of the right type.
fn expectation(expect: &Value) -> Result<(), String> {
    known_keys(expect, &EXPECT_KEYS, "`expect`")?;
    let typed = |key: &str, ok: fn(&Value) -> bool, what: &str| match expect.get(key) {
        Some(v) if !ok(v) => Err(format!("`expect.{key}` is {v}, not {what}")),
        _ => Ok(()),
    };
    fn strings(v: &Value) -> bool {
        v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
    }
    typed("ok", Value::is_boolean, "true or false")?;
    typed("ordered", Value::is_boolean, "true or false")?;
    typed("error", |v| v.get("code").is_some_and(Value::is_string), "an object with a `code`")?;
    typed("bodies", strings, "a list of bodies")?;
    typed("bodies_one_of", |v| v.as_array().is_some_and(|a| a.iter().all(strings)), "a list of lists of bodies")?;
    typed("count", Value::is_u64, "a whole number")?;
    typed("receive_count", Value::is_u64, "a whole number")?;
    typed("receipt_handle_differs_from", Value::is_string, "the name of a receive")?;
    typed("message_id_of", Value::is_string, "the name of a send")?;
    typed("arrives_at_or_after", Value::is_number, "a time in seconds")?;
    typed("system_attribute_names", strings, "a list of attribute names")?;
    typed("system_attributes_integral_ms", strings, "a list of attribute names")?;
    typed(
        "system_attributes",
        |v| v.as_object().is_some_and(|m| m.values().all(Value::is_string)),
        "an object of attribute values",
    )?;
    typed("sequence_number_of", Value::is_string, "the name of a send")?;
    if let Some(error) = expect.get("error") {
        if error.get("message").is_some() && error.get("message_template").is_some() {
            return Err("`expect.error` has both message and message_template".to_owned());
        }
    }
    if expect.get("ok") == Some(&Value::Bool(true)) && expect.get("error").is_some() {
        return Err("`expect` says both ok and error".to_owned());
    }
    Ok(())
}

fn short(source: &str) -> &str {
    let tail = source.rsplit("::").next().unwrap_or(source);
    tail.split(" (").next().unwrap_or(tail)
}

/// What a step returned, for the expectations.
#[derive(Default)]
struct StepResult {
    error: Option<SqsError>,
    received: Option<Vec<Received>>,
    message_id: Option<MessageId>,
    returned_at: SimTime,
    /// The receipt handle a delete or visibility change used, as text (`message_template`).
    handle: Option<String>,
}

struct Runner {
    sqs: Sqs,
    rng: SimRng,
    now: SimTime,
    main_queue: String,
    /// Receipt handles and message ids of named steps (`as`).
    receipts: BTreeMap<String, Vec<ReceiptHandle>>,
    message_ids: BTreeMap<String, MessageId>,
    /// FIFO sequence numbers of named sends.
    sequence_numbers: BTreeMap<String, u64>,
    unnamed_queues: u32,
}

fn run_case(case: &Value) -> Result<(), String> {
    let queue = case.get("queue").ok_or("case has no queue")?;
    let name = queue.get("name").and_then(Value::as_str).ok_or("queue has no name")?.to_owned();
    let mut runner = Runner {
        sqs: Sqs::new(Fidelity::EXACT),
        rng: SimRng::new(1),
        now: SimTime::ZERO,
        main_queue: name.clone(),
        receipts: BTreeMap::new(),
        message_ids: BTreeMap::new(),
        sequence_numbers: BTreeMap::new(),
        unnamed_queues: 0,
    };
    // "(various)": the steps create their own queues.
    if name != "(various)" {
        if let Some(dlq) = queue.get("dlq") {
            let dlq_name = dlq.get("name").and_then(Value::as_str).ok_or("dlq has no name")?;
            runner
                .sqs
                .create_queue(dlq_name, &attribute_map(dlq))
                .map_err(|e| format!("setup: creating {dlq_name}: {e}"))?;
        }
        runner.sqs.create_queue(&name, &attribute_map(queue)).map_err(|e| format!("setup: creating {name}: {e}"))?;
    }
    let steps = case.get("steps").and_then(Value::as_array).ok_or("case has no steps")?;
    for (n, step) in steps.iter().enumerate() {
        let op = step.get("op").and_then(Value::as_str).unwrap_or("?");
        let result = runner.step(step).map_err(|e| format!("step {n} ({op}): {e}"))?;
        check(step, &result, &runner).map_err(|e| format!("step {n} ({op}) at {:?}: {e}", result.returned_at))?;
    }
    Ok(())
}

/// The queue's AWS attributes as strings; `RedrivePolicy` objects become JSON text, and the
/// placeholder ARN `<arn of NAME>` becomes a real-looking ARN.
fn attribute_map(queue: &Value) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let Some(obj) = queue.as_object() else { return map };
    for (key, value) in obj {
        if key == "name" || key == "dlq" {
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Object(policy) if key == "RedrivePolicy" => {
                let mut policy = policy.clone();
                if let Some(Value::String(arn)) = policy.get("deadLetterTargetArn") {
                    let target = arn.trim_start_matches("<arn of ").trim_end_matches('>').to_owned();
                    policy.insert(
                        "deadLetterTargetArn".into(),
                        Value::String(format!("arn:aws:sqs:us-east-1:000000000000:{target}")),
                    );
                }
                Value::Object(policy).to_string()
            }
            other => other.to_string(),
        };
        map.insert(key.clone(), text);
    }
    map
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn u64_field(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(|x| x.as_u64().or_else(|| x.as_f64().map(|f| f as u64)))
}

fn send_request(v: &Value) -> SendRequest {
    SendRequest {
        body: str_field(v, "body").or_else(|| str_field(v, "MessageBody")),
        size: u64_field(v, "body_size").unwrap_or(0),
        group_id: str_field(v, "group_id"),
        dedup_id: str_field(v, "dedup_id"),
        delay_s: u64_field(v, "delay"),
    }
}

impl Runner {
    fn step(&mut self, step: &Value) -> Result<StepResult, String> {
        let t = step.get("t").and_then(Value::as_f64).unwrap_or(0.0);
        let at = SimTime::ZERO + SimDuration::from_secs_f64(t);
        self.now = self.now.max(at);
        let queue = str_field(step, "name").unwrap_or_else(|| self.main_queue.clone());
        let op = step.get("op").and_then(Value::as_str).unwrap_or("");
        let mut result = StepResult { returned_at: self.now, ..StepResult::default() };
        if op == "create_queue" {
            let name = match str_field(step, "name") {
                Some(n) => n,
                None => {
                    self.unnamed_queues += 1;
                    format!("queue-{}", self.unnamed_queues)
                }
            };
            let attrs = step.get("attributes").map(attribute_map).unwrap_or_default();
            result.error = self.sqs.create_queue(&name, &attrs).err();
            return Ok(result);
        }
        // Every other call names an existing queue (its URL, in the API).
        let queue = match self.sqs.id(&queue) {
            Ok(id) => id,
            Err(e) => {
                result.error = Some(e);
                return Ok(result);
            }
        };
        match op {
            "send" => match self.sqs.send(self.now, queue, send_request(step), &mut self.rng) {
                Ok(sent) => {
                    result.message_id = Some(sent.message_id);
                    if let Some(name) = str_field(step, "as") {
                        if let Some(n) = sent.sequence_number {
                            self.sequence_numbers.insert(name.clone(), n);
                        }
                        self.message_ids.insert(name, sent.message_id);
                    }
                }
                Err(e) => result.error = Some(e),
            },
            "send_batch" => {
                let entries: Vec<SendRequest> =
                    step.get("entries").and_then(Value::as_array).into_iter().flatten().map(send_request).collect();
                match self.sqs.send_batch(self.now, queue, entries, &mut self.rng) {
                    // A batch where every entry failed the same way reports that error.
                    Ok(results) => result.error = results.into_iter().find_map(Result::err),
                    Err(e) => result.error = Some(e),
                }
            }
            "receive" => self.receive(step, queue, &mut result),
            "delete" => {
                let Some(handles) = self.handles(step, &mut result)? else { return Ok(result) };
                for h in handles {
                    if let Err(e) = self.sqs.delete(self.now, queue, h, &mut self.rng).map(|_gone| ()) {
                        result.error = Some(e);
                    }
                }
            }
            "change_visibility" => {
                let timeout = u64_field(step, "timeout").ok_or("change_visibility without timeout")?;
                let Some(handles) = self.handles(step, &mut result)? else { return Ok(result) };
                for h in handles {
                    if let Err(e) = self.sqs.change_visibility(self.now, queue, h, timeout) {
                        result.error = Some(e);
                    }
                }
            }
            "set_queue_attributes" => {
                let attrs = step.get("attributes").map(attribute_map).unwrap_or_default();
                result.error = self.sqs.set_queue_attributes(self.now, queue, &attrs).err();
            }
            other => return Err(format!("unknown op `{other}`")),
        }
        result.returned_at = self.now;
        Ok(result)
    }

    fn receive(&mut self, step: &Value, queue: QueueId, result: &mut StepResult) {
        // No `wait`: the queue's ReceiveMessageWaitTimeSeconds (SQS-23). A negative one is
        // expressible, since AWS's answer to it was recorded.
        let default_wait = self.sqs.get(queue).attributes().receive_wait_s;
        let wait = match step.get("wait").and_then(|w| w.as_i64().or_else(|| w.as_f64().map(|f| f as i64))) {
            None => default_wait,
            Some(w) => match check_wait_time(w) {
                Ok(()) => w.unsigned_abs(),
                Err(e) => {
                    result.error = Some(e);
                    return;
                }
            },
        };
        let req = ReceiveRequest {
            max_messages: u64_field(step, "max").map_or(1, |m| m.min(u64::from(u32::MAX)) as u32),
            visibility_timeout_s: u64_field(step, "visibility_timeout"),
            long_poll: wait > 0,
        };
        let deadline = self.now + SimDuration::from_secs(wait);
        loop {
            match self.sqs.receive(self.now, queue, req, &mut self.rng) {
                Err(e) => {
                    result.error = Some(e);
                    return;
                }
                Ok(got) if !got.is_empty() || wait == 0 => {
                    if let Some(name) = str_field(step, "as") {
                        self.receipts.insert(name, got.iter().map(|r| r.receipt_handle).collect());
                    }
                    result.received = Some(got);
                    return;
                }
                Ok(_) => {
                    // Long poll: wait for the next change, or until the wait ends.
                    match self.sqs.next_change() {
                        Some(next) if next <= deadline && next > self.now => self.now = next,
                        _ => {
                            self.now = deadline;
                            self.sqs.advance(self.now);
                            result.received = Some(Vec::new());
                            return;
                        }
                    }
                }
            }
        }
    }

    /// The handles a delete or visibility change uses: a literal `receipt_handle` (parsed as the
    /// API would; `None` with the error in `result` when it is not a handle) or `receipt_of`.
    fn handles(&self, step: &Value, result: &mut StepResult) -> Result<Option<Vec<ReceiptHandle>>, String> {
        let handles = match str_field(step, "receipt_handle") {
            Some(text) => match text.parse::<ReceiptHandle>() {
                Ok(h) => vec![h],
                Err(e) => {
                    result.handle = Some(text);
                    result.error = Some(e);
                    return Ok(None);
                }
            },
            None => self.receipts_of(step)?,
        };
        result.handle = handles.last().map(ReceiptHandle::to_string);
        Ok(Some(handles))
    }

    /// `receipt_of: "r0"` (every handle of receive r0) or `"r0[1]"` (its second message).
    fn receipts_of(&self, step: &Value) -> Result<Vec<ReceiptHandle>, String> {
        let spec = str_field(step, "receipt_of").ok_or("no receipt_of")?;
        let (name, index) = match spec.split_once('[') {
            Some((name, rest)) => (name.to_owned(), rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (spec.clone(), None),
        };
        let handles = self.receipts.get(&name).ok_or_else(|| format!("no receive named {name}"))?;
        Ok(match index {
            Some(i) => handles.get(i).cloned().into_iter().collect(),
            None => handles.clone(),
        })
    }
}

fn check(step: &Value, result: &StepResult, runner: &Runner) -> Result<(), String> {
    let Some(expect) = step.get("expect") else {
        return match &result.error {
            Some(e) => Err(format!("unexpected error {e}")),
            None => Ok(()),
        };
    };
    if let Some(want) = expect.get("error") {
        let code = want.get("code").and_then(Value::as_str).unwrap_or("");
        let Some(err) = &result.error else { return Err(format!("expected error {code}, got success")) };
        if err.code != code {
            return Err(format!("expected error {code}, got {err}"));
        }
        let template = want.get("message_template").and_then(Value::as_str);
        let filled = template.map(|t| t.replace("{receipt_handle}", result.handle.as_deref().unwrap_or("")));
        if let Some(message) = want.get("message").and_then(Value::as_str).or(filled.as_deref()) {
            if err.message != message {
                return Err(format!("error message differs:\n  expected: {message}\n  got:      {}", err.message));
            }
        }
        return Ok(());
    }
    if let Some(err) = &result.error {
        return Err(format!("unexpected error {err}"));
    }
    let bodies: Vec<String> = result.received.iter().flatten().map(|r| r.body.clone().unwrap_or_default()).collect();
    let ordered = expect.get("ordered").and_then(Value::as_bool).unwrap_or(false);
    if let Some(want) = expect.get("bodies").and_then(Value::as_array) {
        let mut want: Vec<String> = want.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        let mut got = bodies.clone();
        if !ordered {
            want.sort();
            got.sort();
        }
        if want != got {
            return Err(format!("expected bodies {want:?}, got {bodies:?}"));
        }
    }
    if let Some(options) = expect.get("bodies_one_of").and_then(Value::as_array) {
        let matches = options.iter().any(|o| {
            let o: Vec<&str> = o.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            o == bodies.iter().map(String::as_str).collect::<Vec<_>>()
        });
        if !matches {
            return Err(format!("bodies {bodies:?} are none of {}", Value::Array(options.clone())));
        }
    }
    if let Some(n) = u64_field(expect, "count") {
        let got = result.received.as_ref().map_or(0, Vec::len) as u64;
        if got != n {
            return Err(format!("expected {n} messages, got {got}"));
        }
    }
    if let Some(n) = u64_field(expect, "receive_count") {
        for r in result.received.iter().flatten() {
            if u64::from(r.receive_count) != n {
                return Err(format!("expected ApproximateReceiveCount {n}, got {}", r.receive_count));
            }
        }
    }
    if let Some(name) = str_field(expect, "receipt_handle_differs_from") {
        let old = runner.receipts.get(&name).cloned().unwrap_or_default();
        if result.received.iter().flatten().any(|r| old.contains(&r.receipt_handle)) {
            return Err(format!("receipt handle repeats one of {name}"));
        }
    }
    if let Some(name) = str_field(expect, "message_id_of") {
        let want = runner.message_ids.get(&name).ok_or_else(|| format!("no send named {name}"))?;
        let got = result.message_id.or_else(|| result.received.iter().flatten().next().map(|r| r.message_id));
        if got != Some(*want) {
            return Err(format!("expected message id {want}, got {got:?}"));
        }
    }
    check_system_attributes(step, expect, result, runner)?;
    if let Some(t) = expect.get("arrives_at_or_after").and_then(Value::as_f64) {
        if result.returned_at < SimTime::ZERO + SimDuration::from_secs_f64(t) {
            return Err(format!("returned at {:?}, before {t} s", result.returned_at));
        }
    }
    Ok(())
}

/// The system attributes of every received message against `system_attribute_names` (the exact
/// set), `system_attributes` (values; `<arn of NAME>` is the engine's ARN of queue NAME),
/// `sequence_number_of` and `system_attributes_integral_ms`.
fn check_system_attributes(step: &Value, expect: &Value, result: &StepResult, runner: &Runner) -> Result<(), String> {
    let names: Vec<&str> =
        step.get("attribute_names").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let list = |key: &str| -> Option<Vec<String>> {
        let list = expect.get(key)?.as_array()?;
        Some(list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
    };
    let sequence = match str_field(expect, "sequence_number_of") {
        Some(name) => {
            Some(runner.sequence_numbers.get(&name).ok_or_else(|| format!("no FIFO send named {name}"))?.to_string())
        }
        None => None,
    };
    for r in result.received.iter().flatten() {
        let got = r.system_attributes(&names);
        let value = |name: &str| got.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        if let Some(mut want) = list("system_attribute_names") {
            let mut have: Vec<String> = got.iter().map(|(n, _)| (*n).to_owned()).collect();
            want.sort();
            have.sort();
            if want != have {
                return Err(format!("{}: expected system attributes {want:?}, got {have:?}", r.message_id));
            }
        }
        for (name, want) in expect.get("system_attributes").and_then(Value::as_object).into_iter().flatten() {
            let want = want.as_str().unwrap_or_default();
            let want = match want.strip_prefix("<arn of ").and_then(|w| w.strip_suffix('>')) {
                Some(queue) => crate::sqs::queue_arn(queue),
                None => want.to_owned(),
            };
            if value(name) != Some(want.as_str()) {
                return Err(format!("{}: expected {name} {want}, got {:?}", r.message_id, value(name)));
            }
        }
        if let Some(want) = &sequence {
            if value("SequenceNumber") != Some(want.as_str()) {
                return Err(format!(
                    "{}: expected SequenceNumber {want}, got {:?}",
                    r.message_id,
                    value("SequenceNumber")
                ));
            }
        }
        for name in list("system_attributes_integral_ms").into_iter().flatten() {
            if value(&name).and_then(|v| v.parse::<u64>().ok()).is_none() {
                return Err(format!("{}: {name} is {:?}, not whole milliseconds", r.message_id, value(&name)));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_file, CaseOutcome};

    /// A case the runner cannot check as written fails — flagged or not — instead of passing.
    #[test]
    fn malformed_cases_fail_instead_of_passing() {
        let case = |steps: &str, extra: &str| {
            format!(r#"[{{"source":"test","queue":{{"name":"q"}},"steps":{steps}{extra}}}]"#)
        };
        let send = r#"{"t":0,"op":"send","body":"a"}"#;
        let bad = [
            case(r#"[{"t":0,"op":"receive","expect":"garbage"}]"#, ""),
            case(r#"[{"t":0,"op":"receive","expect":{"cuont":5}}]"#, ""),
            case("[]", ""),
            case(r#"[{"t":-5,"op":"send","body":"a"}]"#, ""),
            case(&format!("[{send}]"), r#","expect":[{"step":3,"ok":true}]"#),
            case(r#"[{"t":0,"op":"receive","expect":{"count":"five"}}]"#, ""),
            case(&format!("[{send}]"), r#","note":"flagged, and still malformed","expext":[]"#),
        ];
        for file in bad {
            let report = run_file(&file).expect("an SQS file");
            match &report.cases[0].1 {
                CaseOutcome::Failed(why) => assert!(why.starts_with("malformed case:"), "{why}"),
                other => panic!("{file}: {other:?}"),
            }
        }
        let good = case(&format!(r#"[{send},{{"t":1,"op":"receive","expect":{{"bodies":["a"]}}}}]"#), "");
        assert_eq!(run_file(&good).expect("an SQS file").cases[0].1, CaseOutcome::Passed);
    }
}
