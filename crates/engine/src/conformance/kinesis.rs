//! Runner for `kinesis_hash_cases.json`: partition-key hashing and routing, explicit hash keys,
//! the even split at creation, split, merge and uniform scaling, their errors, the argument
//! errors of CreateStream, PutRecord(s), GetShardIterator, GetRecords and UpdateShardCount, and
//! the stream while a resharding is under way (UPDATING). Like the recorded tests, a case waits for the
//! stream to be ACTIVE again after each resharding call before the next.

use serde_json::Value;

use super::{checked, known_keys, Report};
use crate::kinesis::{partition_hash, IteratorType, KinesisError, ShardId, Stream};
use crate::time::SimTime;

/// The stream name the cases run against (error templates name it as `{stream}`).
const STREAM: &str = "conformance-stream";
/// The account id in error messages (`{account}`).
const ACCOUNT: &str = "123456789012";

/// `true` for a flat list of cases with a Kinesis `kind`.
pub fn is_kinesis_file(doc: &Value) -> bool {
    doc.as_array().is_some_and(|cases| {
        !cases.is_empty()
            && cases.iter().all(|c| {
                c.get("kind").and_then(Value::as_str).is_some_and(|k| {
                    matches!(
                        k,
                        "partition_key"
                            | "create_stream_ranges"
                            | "explicit_hash_key"
                            | "explicit_hash_key_invalid"
                            | "split_shard"
                            | "split_shard_invalid"
                            | "merge_shards"
                            | "merge_shards_invalid"
                            | "update_shard_count"
                            | "reshard_while_updating"
                            | "create_stream_invalid"
                            | "put_record_invalid"
                            | "put_records_invalid"
                            | "get_shard_iterator_invalid"
                            | "get_records_invalid"
                            | "update_shard_count_invalid"
                    )
                })
            })
    })
}

/// The keys a case may have (besides its source and flags).
const CASE_KEYS: [&str; 28] = [
    "kind",
    "shards",
    "partition_key",
    "partition_key_invalid",
    "explicit_hash_key",
    "op",
    "ops",
    "target",
    "scaling_type",
    "expected_shard_index",
    "expected_shard_id",
    "expected_hash_key",
    "expected_ranges",
    "expected_error",
    "expected_total_shards_incl_closed",
    "expected_open_shards",
    "expected",
    "expected_shards_after",
    "computed_ranges",
    "disagreement",
    "sns_expected_invalid",
    "while_updating",
    "after_active",
    "data_bytes",
    "records",
    "record_count",
    "shard_id",
    "limit",
];

/// The keys of one record of a `put_records_invalid` case.
const RECORD_KEYS: [&str; 3] = ["partition_key", "explicit_hash_key", "data_bytes"];

/// The keys of a `while_updating` or `after_active` moment.
const MOMENT_KEYS: [&str; 5] = ["stream_status", "listed_shards", "second_op", "expected_error", "put"];

/// Runs every case of the file.
pub fn run(doc: &Value) -> Report {
    let mut report = Report::default();
    for (i, case) in doc.as_array().into_iter().flatten().enumerate() {
        let kind = case.get("kind").and_then(Value::as_str).unwrap_or("?");
        let label = format!("kinesis case {i} ({kind})");
        report.cases.push((label, checked(case, known_keys(case, &CASE_KEYS, "the case"), || check(case, kind))));
    }
    report
}

fn check(case: &Value, kind: &str) -> Result<(), String> {
    let shards = case.get("shards").and_then(Value::as_u64).ok_or("the case has no `shards`")?;
    let shards = u32::try_from(shards).unwrap_or(u32::MAX);
    if kind == "create_stream_invalid" {
        return expect_error(case, Stream::create(STREAM, shards, 24).map(|_| ()));
    }
    let mut stream = Stream::create(STREAM, shards, 24).map_err(|e| e.to_string())?;
    let now = SimTime::ZERO;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let ops: Vec<&Value> = match (case.get("op"), case.get("ops").and_then(Value::as_array)) {
        (Some(op), _) => vec![op],
        (None, Some(ops)) => ops.iter().collect(),
        (None, None) => Vec::new(),
    };
    match kind {
        "create_stream_ranges" => {
            let expected = ranges_of(case.get("expected_ranges"))?;
            let got: Vec<(String, String)> =
                stream.shards().map(|s| (s.start.to_string(), s.end.to_string())).collect();
            same("ranges", &got, &expected)
        }
        "partition_key" => {
            let key = text(case.get("partition_key")).ok_or("no partition_key")?;
            let hash = partition_hash(&key);
            same("hash key", &hash.to_string(), &text(case.get("expected_hash_key")).unwrap_or_default())?;
            let id = stream.route(hash);
            check_shard(case, id.0)?;
            // A key Kinesis refuses must be refused by PutRecord too.
            let refused = stream.put_record(now, &key, None, 1, 0).is_err();
            let invalid = case.get("partition_key_invalid").and_then(Value::as_bool).unwrap_or(false);
            same("PutRecord refuses the key", &refused, &invalid)
        }
        "explicit_hash_key" => {
            let key = text(case.get("partition_key")).ok_or("no partition_key")?;
            let explicit = text(case.get("explicit_hash_key"));
            let (id, _) = stream.put_record(now, &key, explicit.as_deref(), 1, 0).map_err(|e| e.to_string())?;
            check_shard(case, id.0)
        }
        "explicit_hash_key_invalid" => {
            let key = text(case.get("partition_key")).ok_or("no partition_key")?;
            let explicit = text(case.get("explicit_hash_key"));
            expect_error(case, stream.put_record(now, &key, explicit.as_deref(), 1, 0).map(|_| ()))
        }
        "put_record_invalid" => {
            let key = text(case.get("partition_key")).ok_or("no partition_key")?;
            let explicit = text(case.get("explicit_hash_key"));
            let bytes = case.get("data_bytes").and_then(Value::as_u64).unwrap_or(1);
            expect_error(case, stream.put_record(now, &key, explicit.as_deref(), bytes, 0).map(|_| ()))
        }
        "put_records_invalid" => {
            // `records` lists them; `record_count` repeats one of `partition_key` and 1 byte.
            let records: Vec<(String, Option<String>, u64)> = match case.get("records").and_then(Value::as_array) {
                Some(list) => list
                    .iter()
                    .map(|r| {
                        known_keys(r, &RECORD_KEYS, "a record")?;
                        let key = text(r.get("partition_key")).ok_or("a record has no partition_key")?;
                        Ok((
                            key,
                            text(r.get("explicit_hash_key")),
                            r.get("data_bytes").and_then(Value::as_u64).unwrap_or(1),
                        ))
                    })
                    .collect::<Result<_, String>>()?,
                None => {
                    let n = case.get("record_count").and_then(Value::as_u64).ok_or("no records or record_count")?;
                    let key = text(case.get("partition_key")).ok_or("no partition_key")?;
                    vec![(key, None, 1); n.min(10_000) as usize]
                }
            };
            let entries: Vec<(&str, Option<&str>, u64)> =
                records.iter().map(|(k, e, b)| (k.as_str(), e.as_deref(), *b)).collect();
            expect_error(case, stream.put_records(now, &entries).map(|_| ()))
        }
        "get_shard_iterator_invalid" => {
            let id = text(case.get("shard_id")).ok_or("no shard_id")?;
            expect_error(case, stream.shard_iterator_by_name(now, &id, IteratorType::Latest).map(|_| ()))
        }
        "get_records_invalid" => {
            let limit = case.get("limit").and_then(Value::as_u64).ok_or("no limit")?;
            let it = stream.shard_iterator(now, ShardId(0), IteratorType::TrimHorizon).map_err(|e| e.to_string())?;
            expect_error(case, stream.get_records(now, it, u32::try_from(limit).unwrap_or(u32::MAX)).map(|_| ()))
        }
        "update_shard_count_invalid" => {
            let target = case.get("target").and_then(Value::as_u64).ok_or("no target")?;
            expect_error(case, stream.update_shard_count(now, u32::try_from(target).unwrap_or(u32::MAX)))
        }
        "split_shard" | "split_shard_invalid" | "merge_shards" | "merge_shards_invalid" => {
            let mut result = Ok(());
            let mut at = now;
            for op in &ops {
                result = apply(&mut stream, op, at);
                if result.is_err() {
                    break;
                }
                at = wait_until_active(&mut stream, at);
            }
            if kind.ends_with("_invalid") {
                return expect_error(case, result);
            }
            result.map_err(|e| format!("{e}"))?;
            if let Some(after) = case.get("expected_shards_after").and_then(Value::as_array) {
                check_shards_after(&stream, after)?;
            }
            if let Some(expected) = case.get("expected") {
                check_expected(&stream, expected)?;
            }
            if let Some(ranges) = case.get("computed_ranges").and_then(Value::as_object) {
                for (id, range) in ranges {
                    let want = ranges_of(Some(&Value::Array(vec![range.clone()])))?;
                    let shard =
                        stream.all_shards().iter().find(|s| s.id.to_string() == *id).ok_or(format!("no shard {id}"))?;
                    same(&format!("{id} range"), &vec![(shard.start.to_string(), shard.end.to_string())], &want)?;
                }
            }
            Ok(())
        }
        "update_shard_count" => {
            let target = case.get("target").and_then(Value::as_u64).ok_or("no target")? as u32;
            stream.update_shard_count(now, target).map_err(|e| e.to_string())?;
            wait_until_active(&mut stream, now);
            let total = stream.shards().count() as u64;
            let open = stream.open_shards().len() as u64;
            same(
                "shards (closed included)",
                &total,
                &case.get("expected_total_shards_incl_closed").and_then(Value::as_u64).unwrap_or(0),
            )?;
            same("open shards", &open, &case.get("expected_open_shards").and_then(Value::as_u64).unwrap_or(0))
        }
        "reshard_while_updating" => {
            let op = case.get("op").ok_or("no op")?;
            apply(&mut stream, op, now).map_err(|e| format!("the first call: {e}"))?;
            let during = case.get("while_updating").ok_or("no while_updating")?;
            check_moment(&mut stream, during, now, "while UPDATING")?;
            let at = wait_until_active(&mut stream, now);
            if let Some(after) = case.get("after_active") {
                check_moment(&mut stream, after, at, "once ACTIVE")?;
            }
            match case.get("expected_shards_after").and_then(Value::as_array) {
                Some(after) => check_shards_after(&stream, after),
                None => Ok(()),
            }
        }
        other => Err(format!("unknown case kind {other}")),
    }
}

/// Waits until the stream is ACTIVE again, as the recorded tests do between resharding calls:
/// the time the resharding under way completes (or `now`, if none is).
fn wait_until_active(stream: &mut Stream, now: SimTime) -> SimTime {
    let at = stream.updating().map_or(now, |u| u.until);
    stream.settle(at);
    at
}

/// Checks one moment of a `reshard_while_updating` case at `now`, in the recorded order: the
/// stream's status and listed shards, a second resharding call and its error, a write's shard.
fn check_moment(stream: &mut Stream, moment: &Value, now: SimTime, when: &str) -> Result<(), String> {
    known_keys(moment, &MOMENT_KEYS, when)?;
    if let Some(want) = moment.get("stream_status") {
        let got = if stream.updating().is_some() { "UPDATING" } else { "ACTIVE" };
        same(&format!("stream status {when}"), &Some(got), &want.as_str())?;
    }
    if let Some(want) = moment.get("listed_shards").and_then(Value::as_array) {
        let got: Vec<String> = stream.shards().map(|s| s.id.to_string()).collect();
        let want: Vec<String> = want.iter().map(|v| v.as_str().unwrap_or("").to_owned()).collect();
        same(&format!("shards listed {when}"), &got, &want)?;
    }
    if let Some(second) = moment.get("second_op") {
        expect_error(moment, apply(stream, second, now)).map_err(|e| format!("the second call {when}: {e}"))?;
    }
    if let Some(put) = moment.get("put") {
        known_keys(put, &["explicit_hash_key", "expected_shard_id"], "put")?;
        let key = put.get("explicit_hash_key").and_then(Value::as_str);
        let (id, _) = stream.put_record(now, "a", key, 0, 0).map_err(|e| format!("PutRecord {when}: {e}"))?;
        let want = put.get("expected_shard_id").and_then(Value::as_str).unwrap_or("").to_owned();
        same(&format!("PutRecord's shard {when}"), &id.to_string(), &want)?;
    }
    Ok(())
}

fn apply(stream: &mut Stream, op: &Value, now: SimTime) -> Result<(), KinesisError> {
    let field = |name: &str| op.get(name).and_then(Value::as_str).unwrap_or("");
    if op.get("ShardToSplit").is_some() {
        stream.split_shard(now, field("ShardToSplit"), field("NewStartingHashKey")).map(|_| ())
    } else {
        stream.merge_shards(now, field("ShardToMerge"), field("AdjacentShardToMerge")).map(|_| ())
    }
}

fn ranges_of(v: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    v.and_then(Value::as_array)
        .ok_or("no ranges")?
        .iter()
        .map(|r| match r.as_array().map(Vec::as_slice) {
            Some([a, b]) => Ok((a.as_str().unwrap_or("").to_owned(), b.as_str().unwrap_or("").to_owned())),
            _ => Err(format!("a range is not [start, end]: {r}")),
        })
        .collect()
}

fn check_shard(case: &Value, index: u32) -> Result<(), String> {
    if let Some(want) = case.get("expected_shard_index").and_then(Value::as_u64) {
        same("shard index", &u64::from(index), &want)?;
    }
    if let Some(want) = case.get("expected_shard_id").and_then(Value::as_str) {
        same("shard id", &crate::kinesis::ShardId(index).to_string(), &want.to_owned())?;
    }
    Ok(())
}

fn check_shards_after(stream: &Stream, after: &[Value]) -> Result<(), String> {
    same("shard count", &stream.shards().count(), &after.len())?;
    for want in after {
        let id = want.get("ShardId").and_then(Value::as_str).unwrap_or("");
        let shard = stream.shards().find(|s| s.id.to_string() == id).ok_or(format!("no shard {id}"))?;
        if let Some(range) = want.get("HashKeyRange") {
            let want_range = ranges_of(Some(&Value::Array(vec![range.clone()])))?;
            same(&format!("{id} range"), &vec![(shard.start.to_string(), shard.end.to_string())], &want_range)?;
        }
        let closed = want.get("closed").and_then(Value::as_bool).unwrap_or(false);
        same(&format!("{id} closed"), &!shard.is_open(), &closed)?;
        let parent = want.get("ParentShardId").and_then(Value::as_str).map(str::to_owned);
        same(&format!("{id} parent"), &shard.parent.map(|p| p.to_string()), &parent)?;
        let adjacent = want.get("AdjacentParentShardId").and_then(Value::as_str).map(str::to_owned);
        same(&format!("{id} adjacent parent"), &shard.adjacent_parent.map(|p| p.to_string()), &adjacent)?;
    }
    Ok(())
}

fn check_expected(stream: &Stream, expected: &Value) -> Result<(), String> {
    let num = |k: &str| expected.get(k).and_then(Value::as_u64);
    if let Some(total) = num("total_shards") {
        same("total shards", &(stream.shards().count() as u64), &total)?;
    }
    if let Some(children) = expected.get("children").and_then(Value::as_array) {
        let parent = expected.get("children_parent").and_then(Value::as_str).unwrap_or("");
        for child in children {
            let id = child.as_str().unwrap_or("");
            let shard = stream.shards().find(|s| s.id.to_string() == id).ok_or(format!("no child {id}"))?;
            same(
                &format!("{id} parent"),
                &shard.parent.map(|p| p.to_string()).unwrap_or_default(),
                &parent.to_owned(),
            )?;
        }
        if expected.get("parent_closed").and_then(Value::as_bool) == Some(true) {
            let p = stream.shards().find(|s| s.id.to_string() == parent).ok_or("no parent")?;
            same("parent closed", &!p.is_open(), &true)?;
        }
    }
    if let Some(open) = num("open_after_second") {
        same("open shards at the end", &(stream.open_shards().len() as u64), &open)?;
    }
    if let Some(open_shards) = expected.get("open_shards").and_then(Value::as_array) {
        let got: Vec<String> = stream.open_shards().iter().map(|s| s.id.to_string()).collect();
        let mut want: Vec<String> =
            open_shards.iter().filter_map(|s| s.get("ShardId").and_then(Value::as_str).map(str::to_owned)).collect();
        let mut got_sorted = got.clone();
        got_sorted.sort();
        want.sort();
        same("open shard ids", &got_sorted, &want)?;
    }
    Ok(())
}

fn expect_error(case: &Value, result: Result<(), KinesisError>) -> Result<(), String> {
    let want = case.get("expected_error").ok_or("no expected_error")?;
    let Err(err) = result else { return Err("the call succeeded; an error was expected".into()) };
    same("error code", &err.code.to_owned(), &want.get("code").and_then(Value::as_str).unwrap_or("").to_owned())?;
    let fill = |t: &str| t.replace("{stream}", STREAM).replace("{account}", ACCOUNT);
    if let Some(exact) = want.get("message").and_then(Value::as_str) {
        same("error message", &err.message, &fill(exact))?;
    }
    if let Some(template) = want.get("message_template").and_then(Value::as_str) {
        same("error message", &err.message, &fill(template))?;
    }
    if let Some(part) = want.get("message_contains").and_then(Value::as_str) {
        if !err.message.contains(part) {
            return Err(format!("error message {:?} does not contain {part:?}", err.message));
        }
    }
    Ok(())
}

fn same<T: PartialEq + std::fmt::Debug>(what: &str, got: &T, want: &T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, expected {want:?}"))
    }
}
