//! Flows: the example files' lessons, the rules of each integration (LSQS, LKIN, LCON, SNS,
//! APIGI), the wiring AWS refuses, determinism, and the conservation law over random flows.

use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::time::{SimDuration, SimTime};

fn example(name: &str) -> FlowScenario {
    let text = EXAMPLES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).expect("an example");
    FlowScenario::from_file_json(text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn run(scenario: &FlowScenario, secs: u64) -> (FlowSim, Value) {
    let mut sim = FlowSim::try_new(scenario, 42).unwrap_or_else(|e| panic!("{e}"));
    sim.run_until_done(SimTime::from_secs(secs));
    let report = serde_json::to_value(sim.model().report(sim.now())).expect("json");
    assert_eq!(report["end_to_end"]["balanced"], true, "the ledger balances");
    (sim, report)
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn parse(json: &str) -> FlowScenario {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"))
}

fn wiring_error(json: &str) -> String {
    let s = parse(json);
    match FlowSim::try_new(&s, 1) {
        Ok(_) => panic!("accepted: {json}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_example_runs_and_accounts_for_every_message() {
    for (name, _) in EXAMPLES {
        let s = example(name);
        assert!(!s.title.is_empty() && !s.lesson.is_empty(), "{name} says what it shows");
        let mut sim = Sim::with_model(FlowModel::new(&s).expect("builds").audit(), 7);
        sim.run_until_done(SimTime::from_secs(120));
        assert!(sim.model().ledger().balances(), "{name}");
        assert!(sim.model().ledger().born > 0, "{name} sends something");
    }
}

use crate::sim::Sim;

#[test]
fn a_queue_buffers_a_spike_behind_an_api() {
    let (_, r) = run(&example("buffer-a-spike"), 600);
    let api = &r["nodes"]["orders-api"];
    assert_eq!(n(&api["throttled_429"]), 0);
    assert_eq!(n(&r["end_to_end"]["lost"]), 0);
    let f = &r["nodes"]["process-order"];
    assert!(n(&f["peak_concurrency"]) <= 10, "MaximumConcurrency 10 caps the function: {f}");
    // The burst of 3,000 drains in well under a minute, not at once.
    let p99 = r["end_to_end"]["latency_p99_ms"].as_f64().unwrap_or(0.0);
    assert!((3_000.0..60_000.0).contains(&p99), "{p99}");
}

#[test]
fn filter_policies_pick_each_queues_share() {
    let (_, r) = run(&example("fan-out-with-filters"), 600);
    let sent = n(&r["end_to_end"]["sent"]) as f64;
    let eu = n(&r["nodes"]["eu-orders"]["sent"]) as f64;
    let refunds = n(&r["nodes"]["refunds"]["sent"]) as f64;
    let analytics = n(&r["nodes"]["analytics"]["sent"]) as f64;
    assert!((eu / sent - 0.6).abs() < 0.03, "EU orders are 6 in 10: {eu} of {sent}");
    assert!((refunds / sent - 0.1).abs() < 0.02, "refunds are 1 in 10: {refunds} of {sent}");
    assert_eq!(analytics, sent, "no filter: every message");
    assert!(n(&r["nodes"]["analytics"]["moved_to_dead_letter_queue"]) > 0);
    assert_eq!(n(&r["end_to_end"]["lost"]), 0);
}

#[test]
fn a_partial_batch_response_keeps_good_messages_out_of_the_dlq() {
    let (_, r) = run(&example("sqs-poison-message"), 600);
    let whole = n(&r["nodes"]["whole-batch-dlq"]["at_node_now"]);
    let partial = n(&r["nodes"]["partial-batch-dlq"]["at_node_now"]);
    let sent = n(&r["end_to_end"]["sent"]) as f64;
    // 1 % are poison: about that many reach the DLQ with a partial batch response…
    assert!((partial as f64 - sent * 0.01).abs() < sent * 0.004, "partial: {partial} of {sent}");
    // …and whole batches of them without one (LSQS-06, LSQS-08).
    assert!(whole > 4 * partial, "whole {whole} vs partial {partial}");
}

#[test]
fn a_poison_record_blocks_its_shard_unless_bisect_and_retries_set_it_aside() {
    let (_, r) = run(&example("kinesis-poison-record"), 600);
    let default = &r["nodes"]["counter-default"];
    let bisect = &r["nodes"]["counter-bisect"];
    assert!(n(&default["max_iterator_age_ms"]) > 120_000, "blocked: {default}");
    assert!(n(&r["nodes"]["stream-default"]["at_node_now"]) > 5_000, "records pile up behind it");
    assert!(n(&bisect["max_iterator_age_ms"]) < 20_000, "moves on: {bisect}");
    assert!(n(&r["nodes"]["failed-records"]["at_node_now"]) > 0, "poison records set aside");
    assert!(n(&r["nodes"]["stream-bisect"]["at_node_now"]) < 100);
}

#[test]
fn reserved_concurrency_too_low_sends_good_messages_to_the_dlq() {
    let (_, r) = run(&example("reserved-concurrency-too-low"), 600);
    let f = &r["nodes"]["send-email"];
    assert!(n(&f["throttles_reserved"]) > 1_000, "{f}");
    assert_eq!(n(&f["errors"]), 0, "not one function error");
    let dlq = n(&r["nodes"]["welcome-emails-dlq"]["at_node_now"]);
    let sent = n(&r["end_to_end"]["sent"]);
    assert!(dlq * 2 > sent, "most good messages end in the DLQ: {dlq} of {sent}");
}

#[test]
fn immediate_retries_multiply_the_load_more_than_the_sdk() {
    let (_, r) = run(&example("retry-storm"), 600);
    let naive = n(&r["nodes"]["reports-api"]["requests"]) as f64 / n(&r["nodes"]["naive-clients"]["sent"]) as f64;
    let sdk = n(&r["nodes"]["summary-api"]["requests"]) as f64 / n(&r["nodes"]["sdk-clients"]["sent"]) as f64;
    assert!(naive > 1.4, "naive clients send {naive:.2} requests per order");
    assert!(sdk < naive - 0.2, "the SDK sends fewer: {sdk:.2}");
    assert!(n(&r["nodes"]["build-report"]["finished_after_504"]) > 0, "the function works on after a 504");
}

#[test]
fn a_fifo_pipeline_keeps_each_groups_order_and_runs_one_batch_per_group() {
    let (_, r) = run(&example("fifo-pipeline"), 600);
    let f = &r["nodes"]["fulfil"];
    assert_eq!(n(&f["processed_out_of_group_order"]), 0);
    assert!(n(&f["peak_concurrency"]) <= 5, "at most one batch per group (LSQS-10): {f}");
    assert_eq!(n(&r["end_to_end"]["lost"]), 0);
}

#[test]
fn a_webhook_answering_403_loses_every_copy_silently() {
    let (_, r) = run(&example("webhook-403"), 600);
    let sent = n(&r["end_to_end"]["sent"]);
    assert_eq!(n(&r["end_to_end"]["ended"]["lost_sns_http_4xx"]), sent, "every copy to the 403 webhook");
    assert_eq!(n(&r["nodes"]["partner-webhook"]["answered"]), sent, "each tried once: no retries");
    // The DLQ holds the 500 webhook's copies only, after 3 retries each (4 attempts).
    let dlq = n(&r["nodes"]["webhook-dlq"]["at_node_now"]);
    assert!(dlq > 0 && dlq < sent);
    let answered_5xx = n(&r["nodes"]["broken-webhook"]["answered_5xx"]);
    assert!(answered_5xx >= 4 * dlq, "{answered_5xx} attempts for {dlq} dead-lettered");
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    let s = example("fan-out-with-filters");
    let hash = |seed| {
        let mut sim = FlowSim::try_new(&s, seed).expect("builds");
        sim.run_until_done(SimTime::from_secs(60));
        sim.trace_hash()
    };
    assert_eq!(hash(3), hash(3));
    assert_ne!(hash(3), hash(4));
}

/// The trace records every hop with a reason, and a copy names the message it copies, so one
/// message can be followed from its send to its end, through a fan-out.
#[test]
fn one_message_can_be_followed_hop_by_hop() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":1}},
        {"id":"t","type":"sns_topic"},{"id":"q","type":"sqs_queue"},{"id":"w","type":"consumers"},{"id":"f","type":"lambda"}],
        "connections":[{"from":"p","to":"t"},{"from":"t","to":"q"},{"from":"t","to":"f"},{"from":"q","to":"w"}]}"#,
    );
    let mut sim = FlowSim::try_new(&s, 1).expect("builds");
    sim.run_until_done(SimTime::from_secs(30));
    let events: Vec<&FlowEvent> = sim.trace().recent().collect();
    // The first message published, and everything that happened to it and its copies.
    let root = events.iter().find(|e| e.reason == crate::trace::Reason::Published).map(|e| e.copy).expect("a publish");
    let copies: Vec<u64> = events.iter().filter(|e| e.parent == root).map(|e| e.copy).collect();
    assert_eq!(copies.len(), 2, "one copy per subscription");
    let path = |copy: u64| -> Vec<&'static str> {
        events.iter().filter(|e| e.copy == copy).map(|e| e.reason.code()).collect()
    };
    let to_queue = path(copies[0]);
    assert_eq!(to_queue, ["DELIVERED", "SENT", "RECEIVED", "PROCESSED"], "{to_queue:?}");
    let to_function = path(copies[1]);
    assert_eq!(to_function, ["DELIVERED", "SENT", "PROCESSED"], "{to_function:?}");
    assert_eq!(path(root), ["SENT", "PUBLISHED", "DELIVERED"], "the message itself: sent, published, then split");
    // Each event is traced where the message is: sent at the producer, received at its reader.
    let at = |copy: u64, code: &str| events.iter().find(|e| e.copy == copy && e.reason.code() == code).map(|e| e.node);
    assert_eq!(at(root, "SENT"), Some(0));
    assert_eq!(at(copies[0], "SENT"), Some(2), "sent to the queue");
    assert_eq!(at(copies[0], "RECEIVED"), Some(3), "received by the consumers");
}

/// The charts: flow-wide series in the run's metrics, and each node's own.
#[test]
fn a_run_charts_throughput_latency_losses_and_each_nodes_backlog() {
    let (sim, _) = run(&example("reserved-concurrency-too-low"), 300);
    let named = |name: &str| sim.metrics().series().find(|s| s.name() == name).map(|s| s.points()).unwrap_or_default();
    let sent = named("sent");
    assert!(
        sent.iter().rev().skip(1).take(10).all(|p| (p.1 - 10.0).abs() < 1.5),
        "10 a second: {:?}",
        &sent[sent.len() - 5..]
    );
    assert!(named("processed").iter().any(|p| p.1 > 0.0));
    assert!(!named("end-to-end latency").is_empty());
    let queue = &sim.model().node_series()[1];
    assert!(queue.backlog.latest().is_some_and(|b| b > 100.0), "the queue backs up");
    let f = &sim.model().node_series()[3];
    assert!(f.throttled.points().iter().any(|p| p.1 > 1.0), "throttles a second");
    assert!(f.busy.points().iter().all(|p| p.1 <= 1.0), "reserved concurrency 1");
}

#[test]
fn aws_refuses_these_connections_and_the_error_names_them() {
    let fifo_topic_to_function = r#"{"nodes":[
        {"id":"p","type":"producer"},{"id":"orders.fifo","type":"sns_topic","fifo":true},{"id":"f","type":"lambda"}],
        "connections":[{"from":"p","to":"orders.fifo"},{"from":"orders.fifo","to":"f"}]}"#;
    let e = wiring_error(fifo_topic_to_function);
    assert!(e.contains("orders.fifo (FIFO topic) → f (Lambda function)") && e.contains("only to SQS queues"), "{e}");
    let standard_topic_to_fifo_queue = r#"{"nodes":[
        {"id":"p","type":"producer"},{"id":"t","type":"sns_topic"},{"id":"q.fifo","type":"sqs_queue","attributes":{"FifoQueue":"true"}},
        {"id":"c","type":"consumers"}],
        "connections":[{"from":"p","to":"t"},{"from":"t","to":"q.fifo"},{"from":"q.fifo","to":"c"}]}"#;
    let e = wiring_error(standard_topic_to_fifo_queue);
    assert!(e.contains("t (standard topic) → q.fifo (FIFO queue)") && e.contains("SNS-25"), "{e}");
    let http_api_to_sns = r#"{"nodes":[
        {"id":"c","type":"clients"},{"id":"api","type":"api_gateway","gateway":{"kind":"http"}},{"id":"t","type":"sns_topic"},
        {"id":"q","type":"sqs_queue"},{"id":"w","type":"consumers"}],
        "connections":[{"from":"c","to":"api"},{"from":"api","to":"t"},{"from":"t","to":"q"},{"from":"q","to":"w"}]}"#;
    let e = wiring_error(http_api_to_sns);
    assert!(e.contains("HTTP API has no SNS Publish integration"), "{e}");
    let dlq_of_other_type = r#"{"nodes":[
        {"id":"p","type":"producer"},{"id":"q","type":"sqs_queue"},{"id":"d.fifo","type":"sqs_queue","attributes":{"FifoQueue":"true"}},
        {"id":"w","type":"consumers"}],
        "connections":[{"from":"p","to":"q"},{"from":"q","to":"w"},{"from":"q","to":"d.fifo","role":"redrive","max_receive_count":3}]}"#;
    let e = wiring_error(dlq_of_other_type);
    assert!(e.contains("SQS-34"), "{e}");
    let misplaced = r#"{"nodes":[{"id":"p","type":"producer"},{"id":"q","type":"sqs_queue"},{"id":"w","type":"consumers"}],
        "connections":[{"from":"p","to":"q","filter_policy":"{}"},{"from":"q","to":"w"}]}"#;
    let e = wiring_error(misplaced);
    assert!(e.contains("filter_policy is a setting of an SNS subscription"), "{e}");
    let fifo_without_suffix = r#"{"nodes":[{"id":"p","type":"producer"},{"id":"q","type":"sqs_queue","attributes":{"FifoQueue":"true"}},{"id":"w","type":"consumers"}],
        "connections":[{"from":"p","to":"q"},{"from":"q","to":"w"}]}"#;
    let e = wiring_error(fifo_without_suffix);
    assert!(e.contains("q (queue): CreateQueue refused"), "the service's own check, with the node: {e}");
    let visibility = r#"{"nodes":[{"id":"p","type":"producer"},{"id":"q","type":"sqs_queue","attributes":{"VisibilityTimeout":"99999"}},{"id":"w","type":"consumers"}],
        "connections":[{"from":"p","to":"q"},{"from":"q","to":"w"}]}"#;
    let e = wiring_error(visibility);
    assert!(
        e.contains("Invalid value for the parameter VisibilityTimeout. (allowed: 0–43200 seconds)"),
        "AWS's words and the range: {e}"
    );
}

#[test]
fn a_fifo_topic_may_deliver_to_a_standard_queue_c3() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","keys":2},{"id":"t.fifo","type":"sns_topic","fifo":true},
        {"id":"q","type":"sqs_queue"},{"id":"w","type":"consumers"}],
        "connections":[{"from":"p","to":"t.fifo"},{"from":"t.fifo","to":"q"},{"from":"q","to":"w"}]}"#,
    );
    let (_, r) = run(&s, 60);
    assert!(n(&r["nodes"]["w"]["processed"]) > 0);
}

#[test]
fn a_visibility_timeout_below_the_function_timeout_fails_the_mapping_lsqs_09() {
    let e = wiring_error(
        r#"{"nodes":[{"id":"p","type":"producer"},{"id":"q","type":"sqs_queue","attributes":{"VisibilityTimeout":"10"}},
        {"id":"f","type":"lambda","function":{"timeout_s":30}}],
        "connections":[{"from":"p","to":"q"},{"from":"q","to":"f"}]}"#,
    );
    assert!(e.contains("Queue visibility timeout: 10 seconds is less than Function timeout: 30 seconds"), "{e}");
}

/// A deep backlog: the mapping starts at 5 concurrent batches and adds 300 a minute (LSQS-03).
#[test]
fn an_sqs_mapping_scales_from_5_by_300_a_minute() {
    let s = parse(
        r#"{"lambda_concurrency": 5000, "nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":5000}},
        {"id":"q","type":"sqs_queue","attributes":{"VisibilityTimeout":"60"}},
        {"id":"f","type":"lambda","function":{"duration":{"kind":"fixed","ms":5000},"timeout_s":10}}],
        "connections":[{"from":"p","to":"q"},{"from":"q","to":"f","sqs_mapping":{"batch_size":10}}]}"#,
    );
    let mut sim = FlowSim::try_new(&s, 1).expect("builds");
    sim.run_until_done(SimTime::from_millis(900));
    assert_eq!(sim.model().reader(1).map(|r| r.1), Some(5), "starts at 5");
    sim.run_until_done(SimTime::from_secs(62));
    let target = sim.model().reader(1).map_or(0, |r| r.1);
    assert!((295..=320).contains(&target), "+300 in a minute: {target}");
    sim.run_until_done(SimTime::from_secs(300));
    assert_eq!(sim.model().reader(1).map(|r| r.1), Some(1_000), "up to 1,000");
}

/// A function error returns the whole batch (LSQS-06); maxReceiveCount sends it to the DLQ.
#[test]
fn a_failing_function_sends_messages_to_the_source_queues_dlq() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":1}},
        {"id":"q","type":"sqs_queue","attributes":{"VisibilityTimeout":"5"}},{"id":"dlq","type":"sqs_queue"},
        {"id":"f","type":"lambda","function":{"failure_rate":1.0}}],
        "connections":[{"from":"p","to":"q"},{"from":"q","to":"f"},{"from":"q","to":"dlq","role":"redrive","max_receive_count":2}]}"#,
    );
    let (_, r) = run(&s, 120);
    let in_dlq = n(&r["nodes"]["dlq"]["at_node_now"]);
    assert!(in_dlq >= 100, "each message fails twice, then moves: {in_dlq}");
    assert_eq!(n(&r["end_to_end"]["processed"]), 0);
}

/// LKIN-04: with the defaults a failing record is retried until it expires; the records
/// behind it wait, then expire too.
#[test]
fn a_failing_record_blocks_its_shard_until_it_expires_lkin_04() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":1},"keys":1},
        {"id":"s","type":"kinesis_stream","shards":1,"retention_h":24},
        {"id":"f","type":"lambda","function":{"poison_rate":0.02}}],
        "connections":[{"from":"p","to":"s"},{"from":"s","to":"f"}]}"#,
    );
    let (_, r) = run(&s, 25 * 3_600);
    let f = &r["nodes"]["f"];
    assert!(n(&f["max_iterator_age_ms"]) >= 23 * 3_600 * 1_000, "blocked for about the retention: {f}");
    assert!(n(&r["end_to_end"]["ended"]["expired"]) > 0, "the records expired");
    assert!(n(&r["nodes"]["s"]["at_node_now"]) > 3_600, "what came after waits");
}

/// LKIN-05 + LKIN-06: bisect and 2 retries set the poison record aside; the shard moves on.
#[test]
fn bisect_and_two_retries_send_the_poison_record_to_the_on_failure_destination() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":10},"keys":1},
        {"id":"s","type":"kinesis_stream","shards":1},{"id":"failed","type":"sqs_queue"},
        {"id":"f","type":"lambda","function":{"poison_rate":0.003}}],
        "connections":[{"from":"p","to":"s"},{"from":"s","to":"f","kinesis_mapping":{"bisect_on_error":true,"maximum_retry_attempts":2,"on_failure":"failed"}}]}"#,
    );
    let (sim, r) = run(&s, 600);
    let failed = n(&r["nodes"]["failed"]["at_node_now"]);
    let poison = (1..sim.model().ledger().born + 1)
        .filter(|&id| sim.model().function(3).is_some_and(|f| f.is_poison(id ^ 3)))
        .count() as u64;
    // Bisecting isolates each poison record: what is set aside is the poison records (a few
    // halves may hold a good neighbour), not whole batches of 100.
    assert!(failed * 10 >= poison * 8 && failed <= poison * 2 + 2, "{failed} set aside for {poison} poison");
    assert!(n(&r["nodes"]["f"]["max_iterator_age_ms"]) < 30_000);
}

/// LKIN-07: with ReportBatchItemFailures the checkpoint moves to the failed record: the records
/// before it count as processed, and only it and those after it are retried (and, with the
/// retries used up, set aside) — about half of what a whole-batch failure sets aside.
#[test]
fn a_batch_item_failure_checkpoints_at_the_failed_record() {
    let base = r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":20},"keys":1},
        {"id":"s","type":"kinesis_stream","shards":1},{"id":"failed","type":"sqs_queue"},
        {"id":"f","type":"lambda","function":{"poison_rate":0.01}}],
        "connections":[{"from":"p","to":"s"},{"from":"s","to":"f","kinesis_mapping":{"maximum_retry_attempts":1,"on_failure":"failed",REPORT}}]}"#;
    let with = parse(&base.replace("REPORT", r#""report_batch_item_failures":true"#));
    let without = parse(&base.replace(",REPORT", ""));
    let (_, a) = run(&with, 600);
    let (_, b) = run(&without, 600);
    let set_aside = |r: &Value| n(&r["nodes"]["failed"]["at_node_now"]);
    assert!(set_aside(&a) * 3 < set_aside(&b) * 2, "reported: {} vs whole batches: {}", set_aside(&a), set_aside(&b));
}

/// LKIN-01: ParallelizationFactor runs that many batches of a shard at once, split by key.
#[test]
fn a_parallelization_factor_runs_concurrent_batches_per_shard() {
    let flow = |factor: u32| {
        parse(&format!(
            r#"{{"nodes":[{{"id":"p","type":"producer","workload":{{"kind":"constant","rate_per_s":200}},"keys":50}},
            {{"id":"s","type":"kinesis_stream","shards":1}},
            {{"id":"f","type":"lambda","function":{{"duration":{{"kind":"fixed","ms":1000}},"timeout_s":5}}}}],
            "connections":[{{"from":"p","to":"s"}},{{"from":"s","to":"f","kinesis_mapping":{{"batch_size":100,"parallelization_factor":{factor}}}}}]}}"#
        ))
    };
    let (_, one) = run(&flow(1), 300);
    let (_, four) = run(&flow(4), 300);
    let age = |r: &Value| n(&r["nodes"]["f"]["max_iterator_age_ms"]);
    let peak = |r: &Value| n(&r["nodes"]["f"]["peak_concurrency"]);
    assert_eq!(peak(&one), 1, "one batch per shard");
    assert!((2..=4).contains(&peak(&four)), "up to 4 at once: {}", peak(&four));
    // 200 records/s, 100 per 1-second batch: one lane falls behind, four keep up.
    assert!(age(&one) > 60_000, "{}", age(&one));
    assert!(age(&four) < 10_000, "{}", age(&four));
}

/// KCL consumers: polling reads each shard once a second; enhanced fan-out pushes about
/// 70 ms after a write (and is billed per consumer-shard-hour).
#[test]
fn kcl_consumers_poll_or_get_records_pushed() {
    let flow = |efo: bool| {
        parse(&format!(
            r#"{{"nodes":[{{"id":"p","type":"producer","workload":{{"kind":"poisson","rate_per_s":100}}}},
            {{"id":"s","type":"kinesis_stream","shards":2}},{{"id":"app","type":"kinesis_consumers","enhanced_fan_out":{efo}}}],
            "connections":[{{"from":"p","to":"s"}},{{"from":"s","to":"app"}}]}}"#
        ))
    };
    let (_, polling) = run(&flow(false), 300);
    let (_, pushed) = run(&flow(true), 300);
    let p50 = |r: &Value| r["end_to_end"]["latency_p50_ms"].as_f64().unwrap_or(0.0);
    assert!((300.0..900.0).contains(&p50(&polling)), "half a poll interval: {}", p50(&polling));
    assert!(p50(&pushed) < 150.0, "pushed: {}", p50(&pushed));
    let cost = |r: &Value| r["cost"]["per_hour_by_node"]["app"].as_f64().unwrap_or(0.0);
    assert_eq!(cost(&polling), 0.0);
    assert!((0.029..0.04).contains(&cost(&pushed)), "2 consumer-shard-hours at $0.015 and the data: {}", cost(&pushed));
    assert!(n(&polling["nodes"]["app"]["processed"]) > 29_000);
}

/// Several readers of one stream each read every record (a mapping and a KCL application).
#[test]
fn every_reader_of_a_stream_gets_every_record() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":50}},
        {"id":"s","type":"kinesis_stream","shards":2},{"id":"f","type":"lambda"},{"id":"app","type":"kinesis_consumers"}],
        "connections":[{"from":"p","to":"s"},{"from":"s","to":"f"},{"from":"s","to":"app"}]}"#,
    );
    let mut sim = Sim::with_model(FlowModel::new(&s).expect("builds").audit(), 5);
    sim.run_until_done(SimTime::from_secs(120));
    let r = serde_json::to_value(sim.model().report(sim.now())).expect("json");
    let sent = n(&r["end_to_end"]["sent"]);
    let (by_f, by_app) = (n(&r["nodes"]["f"]["messages_processed"]), n(&r["nodes"]["app"]["processed"]));
    assert!(by_f + 100 >= sent && by_app + 100 >= sent, "each reads all {sent}: {by_f}, {by_app}");
    assert_eq!(r["end_to_end"]["balanced"], true);
}

/// LKIN-02: a batching window gathers records before invoking.
#[test]
fn a_kinesis_batching_window_gathers_records() {
    let flow = |window: u32| {
        parse(&format!(
            r#"{{"nodes":[{{"id":"p","type":"producer","workload":{{"kind":"constant","rate_per_s":10}}}},
            {{"id":"s","type":"kinesis_stream","shards":1}},{{"id":"f","type":"lambda"}}],
            "connections":[{{"from":"p","to":"s"}},{{"from":"s","to":"f","kinesis_mapping":{{"batch_size":100,"window_s":{window}}}}}]}}"#
        ))
    };
    let (_, none) = run(&flow(0), 600);
    let (_, five) = run(&flow(5), 600);
    let invocations = |r: &Value| n(&r["nodes"]["f"]["invocations"]);
    assert!(invocations(&none) > 500, "about one a second: {}", invocations(&none));
    assert!((100..=150).contains(&invocations(&five)), "about one per 5 s window: {}", invocations(&five));
}

/// LCON-05: an asynchronous event whose function fails is retried twice, a minute and then two
/// minutes later, then goes to the on-failure destination.
#[test]
fn async_events_are_retried_twice_then_go_to_the_on_failure_destination() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"bursts","size":1,"every_s":10000}},
        {"id":"t","type":"sns_topic"},{"id":"f","type":"lambda","function":{"failure_rate":1.0}},
        {"id":"failed","type":"sqs_queue"}],
        "connections":[{"from":"p","to":"t"},{"from":"t","to":"f"},{"from":"f","to":"failed","role":"on_failure"}]}"#,
    );
    let mut sim = FlowSim::try_new(&s, 1).expect("builds");
    sim.run_until_done(SimTime::from_secs(170));
    assert_eq!(sim.model().function(2).map(|f| f.stats().invocations), Some(2), "the first try and the retry at 1 min");
    sim.run_until_done(SimTime::from_secs(200));
    assert_eq!(sim.model().function(2).map(|f| f.stats().invocations), Some(3), "the second retry 2 min later");
    let r = serde_json::to_value(sim.model().report(sim.now())).expect("json");
    assert_eq!(n(&r["nodes"]["failed"]["at_node_now"]), 1);
}

/// LCON-01: reserved concurrency 0 throttles everything, and asynchronous events go to the
/// destination without a retry.
#[test]
fn reserved_concurrency_zero_sends_async_events_straight_to_the_destination() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":1}},
        {"id":"t","type":"sns_topic"},{"id":"f","type":"lambda","function":{"reserved_concurrency":0}},
        {"id":"failed","type":"sqs_queue"}],
        "connections":[{"from":"p","to":"t"},{"from":"t","to":"f"},{"from":"f","to":"failed","role":"on_failure"}]}"#,
    );
    let (_, r) = run(&s, 60);
    assert_eq!(n(&r["nodes"]["f"]["invocations"]), 0);
    assert!(n(&r["nodes"]["failed"]["at_node_now"]) >= 55);
}

/// LCON-05: a throttled asynchronous event waits at most MaximumEventAgeInSeconds.
#[test]
fn a_throttled_async_event_is_dropped_when_too_old() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":5}},
        {"id":"t","type":"sns_topic"},
        {"id":"f","type":"lambda","function":{"reserved_concurrency":1,"duration":{"kind":"fixed","ms":2000},"timeout_s":5},"async_invoke":{"maximum_event_age_s":60}}],
        "connections":[{"from":"p","to":"t"},{"from":"t","to":"f"}]}"#,
    );
    let (_, r) = run(&s, 600);
    assert!(n(&r["end_to_end"]["ended"]["lost_lambda_event_too_old"]) > 1_000, "{}", r["end_to_end"]);
}

/// API Gateway in front of a slow function: a 504 at the integration timeout while the
/// function runs on (APIGI-04, APIGI-06).
#[test]
fn a_slow_function_behind_an_api_gets_504_and_keeps_running() {
    let s = parse(
        r#"{"nodes":[{"id":"c","type":"clients","retry":"naive","naive_attempts":1,"workload":{"kind":"constant","rate_per_s":1}},
        {"id":"api","type":"api_gateway","timeout_ms":1000},
        {"id":"f","type":"lambda","function":{"duration":{"kind":"fixed","ms":2000},"timeout_s":10}}],
        "connections":[{"from":"c","to":"api"},{"from":"api","to":"f"}]}"#,
    );
    let (_, r) = run(&s, 60);
    assert!(n(&r["nodes"]["api"]["timed_out_504"]) >= 58);
    assert!(n(&r["nodes"]["f"]["finished_after_504"]) >= 58);
    assert_eq!(n(&r["end_to_end"]["processed"]), 0);
}

/// An HTTP backend behind an API: its slots, its answers, and the integration timeout.
#[test]
fn an_http_backend_behind_an_api_answers_times_out_or_refuses() {
    let flow = |health: &str| {
        parse(&format!(
            r#"{{"nodes":[{{"id":"c","type":"clients","retry":"naive","naive_attempts":1,"workload":{{"kind":"constant","rate_per_s":10}}}},
            {{"id":"api","type":"api_gateway","timeout_ms":5000}},{{"id":"b","type":"http_endpoint","concurrency":2,"health":"{health}"}}],
            "connections":[{{"from":"c","to":"api"}},{{"from":"api","to":"b"}}]}}"#
        ))
    };
    let (_, ok) = run(&flow("healthy"), 60);
    assert!(n(&ok["end_to_end"]["processed"]) >= 590 && n(&ok["end_to_end"]["lost"]) == 0);
    let (_, slow) = run(&flow("slow"), 60);
    assert!(n(&slow["nodes"]["api"]["timed_out_504"]) > 100, "10–30 s answers, 5 s timeout: {}", slow["nodes"]["api"]);
    let (_, refusing) = run(&flow("client_errors"), 60);
    assert!(n(&refusing["end_to_end"]["ended"]["refused"]) >= 590, "a 403 is not retried: {}", refusing["end_to_end"]);
}

/// A function passes what it processed on: to a topic that fans out to queues.
#[test]
fn a_function_publishes_what_it_processed_to_a_topic() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":5}},
        {"id":"in","type":"sqs_queue"},{"id":"f","type":"lambda"},{"id":"t","type":"sns_topic"},
        {"id":"a","type":"sqs_queue"},{"id":"b","type":"sqs_queue"},{"id":"wa","type":"consumers"},{"id":"wb","type":"consumers"}],
        "connections":[{"from":"p","to":"in"},{"from":"in","to":"f"},{"from":"f","to":"t"},{"from":"t","to":"a"},{"from":"t","to":"b"},
        {"from":"a","to":"wa"},{"from":"b","to":"wb"}]}"#,
    );
    let (_, r) = run(&s, 60);
    let sent = n(&r["end_to_end"]["sent"]);
    assert!(n(&r["nodes"]["wa"]["processed"]) + 5 >= sent && n(&r["nodes"]["wb"]["processed"]) + 5 >= sent);
}

/// A producer over a shard's write limit is throttled (ProvisionedThroughputExceeded), retries
/// as the SDK does, and gives some records up.
#[test]
fn a_producer_over_a_shards_limit_is_throttled_and_gives_up_some_records() {
    let s = parse(
        r#"{"nodes":[{"id":"p","type":"producer","workload":{"kind":"constant","rate_per_s":3000}},
        {"id":"s","type":"kinesis_stream","shards":1},{"id":"app","type":"kinesis_consumers"}],
        "connections":[{"from":"p","to":"s"},{"from":"s","to":"app"}]}"#,
    );
    let (_, r) = run(&s, 30);
    assert!(n(&r["nodes"]["s"]["write_throttled"]) > 10_000, "1,000 records/s per shard: {}", r["nodes"]["s"]);
    assert!(n(&r["nodes"]["p"]["gave_up"]) > 0 && n(&r["nodes"]["p"]["retries"]) > 0, "{}", r["nodes"]["p"]);
}

fn random_flow() -> impl Strategy<Value = FlowScenario> {
    (
        0u8..5,         // source: producer → queue, producer → topic, clients → API → queue, producer → stream → Lambda or KCL
        0.0f64..0.3,    // poison rate
        0.0f64..0.3,    // failure rate
        prop::option::of(0u32..4), // reserved concurrency
        any::<bool>(),  // partial batch responses
        any::<bool>(),  // a DLQ
        1u32..6,        // max receive count
        prop::sample::select(vec![1u32, 5, 10]),
    )
        .prop_map(|(source, poison, failure, reserved, report, dlq, receives, batch)| {
            let function = format!(
                r#"{{"id":"f","type":"lambda","function":{{"poison_rate":{poison},"failure_rate":{failure},"timeout_s":3{}}}}}"#,
                reserved.map_or(String::new(), |r| format!(",\"reserved_concurrency\":{r}"))
            );
            let mapping = format!(r#"{{"from":"q","to":"f","sqs_mapping":{{"batch_size":{batch},"report_batch_item_failures":{report}}}}}"#);
            let redrive = format!(r#",{{"from":"q","to":"dlq","role":"redrive","max_receive_count":{receives}}}"#);
            let dlq_node = r#",{"id":"dlq","type":"sqs_queue"}"#;
            let (nodes, conns) = match source {
                0 => (
                    format!(r#"{{"id":"p","type":"producer","workload":{{"kind":"poisson","rate_per_s":20}}}},{{"id":"q","type":"sqs_queue","attributes":{{"VisibilityTimeout":"5"}}}},{function}"#),
                    format!(r#"{{"from":"p","to":"q"}},{mapping}"#),
                ),
                1 => (
                    format!(
                        r#"{{"id":"p","type":"producer","workload":{{"kind":"poisson","rate_per_s":20}}}},{{"id":"t","type":"sns_topic"}},{{"id":"q","type":"sqs_queue","attributes":{{"VisibilityTimeout":"5"}}}},{{"id":"h","type":"http_endpoint","health":"server_errors"}},{{"id":"g","type":"lambda"}},{function}"#
                    ),
                    format!(r#"{{"from":"p","to":"t"}},{{"from":"t","to":"q"}},{{"from":"t","to":"h"}},{{"from":"t","to":"g"}},{{"from":"g","to":"h"}},{mapping}"#),
                ),
                2 => (
                    format!(
                        r#"{{"id":"c","type":"clients","retry":"naive","workload":{{"kind":"poisson","rate_per_s":30}}}},{{"id":"api","type":"api_gateway","gateway":{{"stage":{{"rate":20,"burst":10}}}}}},{{"id":"q","type":"sqs_queue","attributes":{{"VisibilityTimeout":"5"}}}},{function}"#
                    ),
                    format!(r#"{{"from":"c","to":"api"}},{{"from":"api","to":"q"}},{mapping}"#),
                ),
                3 => (
                    format!(
                        r#"{{"id":"p","type":"producer","workload":{{"kind":"poisson","rate_per_s":20}}}},{{"id":"s","type":"kinesis_stream","shards":2}},{{"id":"q","type":"sqs_queue","attributes":{{"VisibilityTimeout":"5"}}}},{function}"#
                    ),
                    format!(
                        r#"{{"from":"p","to":"s"}},{{"from":"s","to":"f","kinesis_mapping":{{"batch_size":{batch},"bisect_on_error":{report},"maximum_retry_attempts":{receives},"on_failure":"q","parallelization_factor":{receives},"window_s":{}}}}}"#,
                        receives % 3
                    ),
                ),
                _ => (
                    format!(
                        r#"{{"id":"p","type":"producer","workload":{{"kind":"poisson","rate_per_s":20}},"keys":7}},{{"id":"s","type":"kinesis_stream","shards":2,"retention_h":24}},{{"id":"k","type":"kinesis_consumers","enhanced_fan_out":{report},"failure_rate":{failure},"limit":{batch}}}{}"#,
                        if dlq { r#",{"id":"g","type":"lambda"}"# } else { "" }
                    ),
                    match dlq {
                        // A second reader of the same stream.
                        true => r#"{"from":"p","to":"s"},{"from":"s","to":"k"},{"from":"s","to":"g"}"#.to_owned(),
                        false => r#"{"from":"p","to":"s"},{"from":"s","to":"k"}"#.to_owned(),
                    },
                ),
            };
            let (dlq_node, redrive) = if dlq && source < 3 { (dlq_node, redrive) } else { ("", String::new()) };
            parse(&format!(r#"{{"nodes":[{nodes}{dlq_node}],"connections":[{conns}{redrive}]}}"#))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every message and copy is in exactly one place or ended, whatever the flow: checked
    /// copy by copy after every work item (`audit`).
    #[test]
    fn every_message_is_accounted_for(s in random_flow(), seed in 0u64..1_000) {
        let model = FlowModel::new(&s).map_err(|e| TestCaseError::fail(e.to_string()))?.audit();
        let mut sim = Sim::with_model(model, seed);
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(90));
        prop_assert!(sim.model().ledger().balances());
        prop_assert!(sim.model().ledger().born > 0);
    }
}
