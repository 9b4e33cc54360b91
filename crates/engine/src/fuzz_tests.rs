//! Fuzzing the boundaries: every parser a reader's input reaches (scenario files of every kind,
//! SNS filter policies, message attributes and bodies, CIDRs and addresses, VPC operation lines,
//! Kinesis hash keys and shard ids) gets arbitrary text and arbitrary JSON, and must answer —
//! with a value or an error — without panicking; a file that reads back must write out and read
//! back as the same scenario.

use proptest::prelude::*;
use serde_json::Value;

use crate::apigw::ApigwScenario;
use crate::kinesis::{parse_hash_key, KinesisScenario, ShardId};
use crate::sns::filter::{FilterPolicy, FilterScope, Message, PolicyApi};
use crate::sns::SnsScenario;
use crate::sqs::SqsScenario;
use crate::vpc::VpcScenario;

/// Arbitrary JSON, a few levels deep, with the keys and values scenario files use mixed in so
/// that parsers get past their first check.
fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("kind".to_owned()),
        Just("v".to_owned()),
        Just("rate_per_s".to_owned()),
        Just("workload".to_owned()),
        Just("producers".to_owned()),
        Just("consumers".to_owned()),
        Just("shards".to_owned()),
        Just("reshards".to_owned()),
        Just("subscriptions".to_owned()),
        Just("ops".to_owned()),
        Just("numeric".to_owned()),
        Just("prefix".to_owned()),
        Just("anything-but".to_owned()),
        "[a-z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Value::from),
        prop_oneof![Just("sqs"), Just("sns"), Just("kinesis"), Just("apigw"), Just("vpc"), Just("constant")]
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Reads `text` as a scenario of each kind; whatever reads back writes out and reads back equal.
fn every_reader(text: &str) {
    fn round_trip<T: PartialEq + std::fmt::Debug>(
        read: impl Fn(&str) -> Result<T, String>,
        write: impl Fn(&T) -> String,
        text: &str,
    ) {
        if let Ok(scenario) = read(text) {
            let again = read(&write(&scenario)).expect("a written scenario reads back");
            assert_eq!(again, scenario);
        }
    }
    round_trip(SqsScenario::from_file_json, SqsScenario::to_file_json, text);
    round_trip(SnsScenario::from_file_json, SnsScenario::to_file_json, text);
    round_trip(KinesisScenario::from_file_json, KinesisScenario::to_file_json, text);
    round_trip(ApigwScenario::from_file_json, ApigwScenario::to_file_json, text);
    round_trip(
        |t| crate::scenario::from_file_json(t, "vpc", "VPC", VpcScenario::validate),
        |s: &VpcScenario| crate::scenario::to_file_json(s, "vpc"),
        text,
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(18), ..ProptestConfig::default() })]

    #[test]
    fn scenario_files_never_panic_and_round_trip(doc in arb_json(), kind in prop_oneof![Just("sqs"), Just("sns"), Just("kinesis"), Just("apigw"), Just("vpc")]) {
        let mut doc = doc;
        if let Value::Object(map) = &mut doc {
            map.insert("kind".to_owned(), Value::from(kind));
        }
        every_reader(&doc.to_string());
    }

    #[test]
    fn arbitrary_text_never_panics_a_reader(text in ".{0,200}") {
        every_reader(&text);
        for scope in [FilterScope::MessageAttributes, FilterScope::MessageBody] {
            let _ = FilterPolicy::parse(&text, scope, PolicyApi::Subscribe);
        }
        let _ = crate::sns::topic::attributes_from_json(&text);
        let _ = crate::vpc::parse_cidr(&text);
        let _ = crate::vpc::parse_ip(&text);
        let _ = crate::vpc::Op::parse(&text);
        let _ = parse_hash_key(&text, "ExplicitHashKey");
        let _ = ShardId::parse(&text);
    }

    #[test]
    fn filter_policies_from_arbitrary_json_never_panic_and_match_any_message(policy in arb_json(), body in arb_json()) {
        let text = policy.to_string();
        for scope in [FilterScope::MessageAttributes, FilterScope::MessageBody] {
            if let Ok(p) = FilterPolicy::parse(&text, scope, PolicyApi::Subscribe) {
                let _ = p.evaluate(&Message::from_body(&body.to_string()));
                let _ = p.evaluate(&Message::from_attributes([("kind", "String", "sqs"), ("n", "Number", "5")]));
            }
        }
    }

    #[test]
    fn valid_files_write_out_and_read_back_the_same(
        shards in 1u32..=64,
        // Times and rates as the app writes them (microseconds) and people type them: serde_json
        // (without `float_roundtrip`, 14 KB gzip per page) reads a number of up to 15
        // significant digits exactly, and one of 17 possibly an ulp off.
        rate in (0u64..5_000_000).prop_map(|r| r as f64 / 1_000.0),
        actions in prop::collection::vec(((0u64..600_000_000).prop_map(|us| us as f64 / 1e6), 0u32..70, 0u32..70, prop_oneof![Just(None), Just(Some("170141183460469231731687303715884105728".to_owned())), ".{0,6}".prop_map(Some)]), 0..6),
    ) {
        use crate::kinesis::{Reshard, ScheduledReshard};
        let mut k = KinesisScenario { shards, ..KinesisScenario::default() };
        k.producer.rate_per_s = rate;
        k.reshards = actions
            .into_iter()
            .enumerate()
            .map(|(i, (at_s, a, b, key))| {
                let action = match i % 3 {
                    0 => Reshard::Split { shard: a, at_key: key },
                    1 => Reshard::Merge { shard: a, adjacent: b },
                    _ => Reshard::UpdateShardCount { target: a.max(1) },
                };
                ScheduledReshard { at_s, action }
            })
            .collect();
        if k.validate().is_ok() {
            let text = k.to_file_json();
            prop_assert_eq!(KinesisScenario::from_file_json(&text), Ok(k.clone()));
            // Every refused action is said, with AWS's error.
            let refused = k.reshard_plan().into_iter().filter(|p| p.outcome.is_err()).count();
            prop_assert_eq!(k.reshard_warnings().len(), refused);
        }
        let mut q = SqsScenario::default();
        if let Some(p) = q.producers.first_mut() {
            p.workload = crate::Workload::Poisson { rate_per_s: rate };
        }
        let text = q.to_file_json();
        prop_assert_eq!(SqsScenario::from_file_json(&text), Ok(q));
    }

}

proptest! {
    // Each case runs 20 simulated seconds of a queue: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, rng_seed: proptest::test_runner::RngSeed::Fixed(18), ..ProptestConfig::default() })]

    /// Every accepted scenario makes progress: simulated time moves on within a bounded number
    /// of work items (a consumer refused and woken again at one instant, for ever, once froze
    /// a page). Here for SQS queues, standard and FIFO, with any consumer count and batch.
    #[test]
    fn accepted_sqs_runs_make_progress(
        fifo in any::<bool>(),
        rate in 0u32..2_000,
        groups in 1u32..2_000,
        consumers in 0u32..300,
        batch in 1u32..=10,
        wait in 0u64..=20,
        visibility in 0u64..60,
    ) {
        let mut s = SqsScenario::default();
        s.queue.fifo = fifo;
        s.queue.visibility_timeout_s = visibility;
        s.consumers.count = consumers;
        s.consumers.batch_size = batch;
        s.consumers.wait_s = Some(wait);
        if let Some(p) = s.producers.first_mut() {
            p.workload = crate::Workload::Poisson { rate_per_s: f64::from(rate) };
            p.groups = groups;
        }
        if s.validate().is_err() {
            return Ok(());
        }
        makes_progress(crate::sqs::SqsSim::try_new(&s, 3).expect("valid").without_recent_events())?;
    }

    /// The same for SNS: any topic type, endpoint, health, consumers and DLQ.
    #[test]
    fn accepted_sns_runs_make_progress(
        fifo in any::<bool>(),
        rate in 0u32..2_000,
        endpoint in 0usize..3,
        health in 0usize..4,
        consumers in 0u32..=20,
        dlq in any::<bool>(),
    ) {
        use crate::sns::{EndpointKind, Health};
        let mut s = SnsScenario::default();
        s.topic.fifo = fifo;
        if let Some(p) = s.publishers.first_mut() {
            p.workload = crate::Workload::Poisson { rate_per_s: f64::from(rate) };
        }
        if let Some(sub) = s.subscriptions.first_mut() {
            sub.endpoint = [EndpointKind::Sqs, EndpointKind::Lambda, EndpointKind::Http][endpoint];
            sub.health = [Health::Healthy, Health::Slow, Health::ServerErrors, Health::ClientErrors][health];
            sub.consumers = consumers;
            sub.dlq = dlq;
            sub.fifo_queue = fifo;
        }
        if s.validate().is_err() {
            return Ok(());
        }
        makes_progress(crate::sns::SnsSim::try_new(&s, 3).expect("valid").without_recent_events())?;
    }

    /// The same for Kinesis: shards, producer rate, polling and enhanced fan-out consumers.
    #[test]
    fn accepted_kinesis_runs_make_progress(
        shards in 1u32..=16,
        rate in 0u32..4_000,
        polling in 0u32..=5,
        enhanced in 0u32..=5,
        limit in 1u32..=10_000,
        interval in 50u32..2_000,
    ) {
        let mut s = KinesisScenario { shards, ..KinesisScenario::default() };
        s.producer.rate_per_s = f64::from(rate);
        s.consumers.polling = polling;
        s.consumers.enhanced = enhanced;
        s.consumers.limit = limit;
        s.consumers.poll_interval_ms = f64::from(interval);
        if s.validate().is_err() {
            return Ok(());
        }
        makes_progress(crate::kinesis::KinesisSim::try_new(&s, 3).expect("valid").without_recent_events())?;
    }

    /// The same for API Gateway: clients, their rate, the backend's concurrency and timeout.
    #[test]
    fn accepted_api_gateway_runs_make_progress(
        clients in 1u32..=500,
        rate in 0u32..200,
        concurrency in 1u32..200,
        timeout_ms in 50u32..29_000,
    ) {
        let mut s = ApigwScenario::default();
        if let Some(c) = s.clients.first_mut() {
            c.count = clients;
            c.workload = crate::Workload::Poisson { rate_per_s: f64::from(rate) };
        }
        s.backend.concurrency = concurrency;
        s.backend.timeout_s = f64::from(timeout_ms) / 1_000.0;
        if s.validate().is_err() {
            return Ok(());
        }
        makes_progress(crate::apigw::ApigwSim::try_new(&s, 3).expect("valid").without_recent_events())?;
    }
}

/// Runs 20 simulated seconds in slices: simulated time must get there within a bounded number
/// of work items (within the engine's offered-load bound, 20 s are far fewer than 4 M items; a
/// livelock never gets there).
fn makes_progress<M: crate::sim::Model>(mut sim: crate::sim::Sim<M>) -> Result<(), TestCaseError> {
    let end = crate::SimTime::from_secs(20);
    let mut items = 0u64;
    while sim.run_until_at_most(end, 100_000) == crate::RunOutcome::StepCap {
        items += 100_000;
        prop_assert!(items < 4_000_000, "stuck at {:?}", sim.now());
    }
    prop_assert!(sim.now() == end || sim.halted().is_some(), "stopped at {:?}", sim.now());
    Ok(())
}
