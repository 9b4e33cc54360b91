//! Tests of the SNS scenario over simulated time: fan-out with filters, retries by policy,
//! dead-letter queues and loss, FIFO order, validation and bounded memory.

use super::filter::FilterScope;
use super::model::SnsSim;
use super::scenario::*;
use super::RetryPolicy;
use crate::time::{SimDuration, SimTime};
use crate::trace::{Reason, TraceRecord};
use crate::workload::Workload;

fn attr(name: &str, kind: &str, value: &str) -> Attribute {
    Attribute { name: name.into(), kind: kind.into(), value: value.into() }
}

fn template(label: &str, attributes: Vec<Attribute>) -> MessageTemplate {
    MessageTemplate { label: label.into(), weight: 1, body: format!("{{\"kind\":\"{label}\"}}"), attributes }
}

fn sub(name: &str, endpoint: EndpointKind) -> SubscriptionSettings {
    SubscriptionSettings { name: name.into(), endpoint, ..SubscriptionSettings::default() }
}

fn run(scenario: &SnsScenario, secs: u64) -> SnsSim {
    let mut sim = SnsSim::try_new(scenario, 7).unwrap_or_else(|e| panic!("{e}"));
    sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(secs));
    sim
}

/// Every event of the run, from a trace that keeps them all.
fn events(sim: &SnsSim) -> Vec<super::SnsTraceEvent> {
    sim.trace().recent().cloned().collect()
}

fn orders() -> SnsScenario {
    SnsScenario {
        publishers: vec![Publisher { workload: Workload::Constant { rate_per_s: 4.0 }, groups: 1 }],
        messages: vec![
            template("book", vec![attr("type", "String", "books"), attr("amount", "Number", "42")]),
            template("tv", vec![attr("type", "String", "electronics"), attr("amount", "Number", "900")]),
        ],
        subscriptions: vec![
            SubscriptionSettings {
                filter_policy: Some(r#"{"type": ["books"]}"#.into()),
                ..sub("books", EndpointKind::Sqs)
            },
            SubscriptionSettings {
                filter_policy: Some(r#"{"amount": [{"numeric": [">", 100]}]}"#.into()),
                ..sub("big-orders", EndpointKind::Lambda)
            },
            sub("audit", EndpointKind::Http),
        ],
        ..SnsScenario::default()
    }
}

#[test]
fn a_publish_reaches_exactly_the_matching_subscriptions_and_says_why_not() {
    let sim = run(&orders(), 10);
    let t = sim.model().totals();
    // Constant rate from 0 s to 10 s inclusive.
    assert_eq!(t.published, 41);
    let [books, big, audit] = [&t.subscriptions[0], &t.subscriptions[1], &t.subscriptions[2]];
    assert_eq!(audit.matched, 41, "no filter: every message");
    assert_eq!(books.matched + books.filtered, 41);
    assert_eq!(big.matched + big.filtered, 41);
    assert_eq!(books.matched, big.filtered, "books are the cheap orders");
    assert!(books.matched > 5 && big.matched > 5);
    let filtered = events(&sim)
        .into_iter()
        .find(|e| e.reason == Reason::FilteredOut && e.subscription.as_ref().is_some_and(|s| &*s.1 == "big-orders"))
        .expect("a cheap order filtered out");
    assert_eq!(filtered.note.as_deref(), Some(r#""amount": 42 failed numeric > 100"#));
    assert!(filtered.describe().contains("big-orders: filtered out"));
    // Healthy endpoints deliver everything that matched (but the last few still on their way).
    assert!(books.delivered + 2 >= books.matched && audit.delivered + 2 >= audit.matched);
    assert_eq!(
        books.processed + sim.model().queue(0).map_or(0, |q| q.visible_count() + q.in_flight_count()) as u64,
        books.delivered
    );
}

fn failing_http(health: Health, dlq: bool) -> SnsScenario {
    SnsScenario {
        publishers: vec![Publisher {
            workload: Workload::Bursts { size: 1, every_s: 1_000.0, spread_s: 0.0 },
            groups: 1,
        }],
        subscriptions: vec![SubscriptionSettings {
            health,
            dlq,
            latency_ms: 100.0,
            ..sub("webhook", EndpointKind::Http)
        }],
        ..SnsScenario::default()
    }
}

#[test]
fn http_server_errors_retry_three_times_twenty_seconds_apart_then_dead_letter() {
    let sim = run(&failing_http(Health::ServerErrors, true), 200);
    let failed: Vec<_> = events(&sim).into_iter().filter(|e| e.reason == Reason::DeliveryFailed).collect();
    assert_eq!(failed.len(), 4, "the first attempt and three retries");
    for pair in failed.windows(2) {
        let gap = pair[1].at.saturating_since(pair[0].at).as_secs_f64();
        // 20 s ± 10 % jitter, plus the 0.1 s response time.
        assert!((18.0..=22.2).contains(&gap), "gap {gap}");
    }
    let t = &sim.model().totals().subscriptions[0];
    assert_eq!((t.retries, t.dead_lettered, t.lost, t.delivered), (3, 1, 0, 0));
    assert_eq!(sim.model().dead_letter_queue(0).map(|q| q.visible_count()), Some(1));
    let moved = events(&sim).into_iter().find(|e| e.reason == Reason::MovedToDlq).expect("moved");
    assert!(moved.describe().contains("all 3 retries used"), "{}", moved.describe());
}

#[test]
fn without_a_dead_letter_queue_the_message_is_lost() {
    let t = run(&failing_http(Health::ServerErrors, false), 200).model().totals().subscriptions[0].clone();
    assert_eq!((t.retries, t.lost, t.dead_lettered), (3, 1, 0));
}

#[test]
fn client_errors_of_a_queue_are_not_retried_and_go_to_its_dead_letter_queue() {
    for dlq in [false, true] {
        let mut s = failing_http(Health::ClientErrors, dlq);
        s.subscriptions[0] = SubscriptionSettings {
            health: Health::ClientErrors,
            dlq,
            consumers: 0,
            ..sub("locked-queue", EndpointKind::Sqs)
        };
        let sim = run(&s, 200);
        let t = &sim.model().totals().subscriptions[0];
        let lost = u64::from(!dlq);
        assert_eq!((t.retries, t.rejected, t.lost, t.dead_lettered, t.delivered), (0, 1, lost, 1 - lost, 0));
        assert!(events(&sim).iter().all(|e| e.reason != Reason::DeliveryFailed));
    }
}

/// AWS counts an HTTP/S answer outside 200–4xx as failed; a 4xx is "delivered": not retried, not
/// dead-lettered even with a DLQ, and not in NumberOfNotificationsFailed — the copy is gone.
#[test]
fn an_http_4xx_counts_as_delivered_and_the_copy_is_silently_lost() {
    let sim = run(&failing_http(Health::ClientErrors, true), 200);
    let t = &sim.model().totals().subscriptions[0];
    assert_eq!((t.retries, t.rejected, t.dead_lettered, t.delivered, t.lost), (0, 0, 0, 1, 1));
    assert_eq!(sim.model().dead_letter_queue(0).map(|q| q.visible_count()), Some(0));
    let reasons: Vec<Reason> = events(&sim).iter().filter(|e| e.message.is_some()).map(|e| e.reason).collect();
    assert_eq!(reasons, [Reason::Published, Reason::Delivered]);
    let delivered = events(&sim).into_iter().find(|e| e.reason == Reason::Delivered).expect("delivered");
    assert!(delivered.describe().contains("SNS treats 4xx as delivered — lost"), "{}", delivered.describe());
}

/// SNS waits 15 s for an HTTP/S answer; a slower endpoint's attempt fails then and is retried
/// by the delivery policy (3 retries 20 s apart by default), then dead-lettered.
#[test]
fn an_http_endpoint_that_answers_after_15_s_times_out_and_is_retried() {
    // A standard topic spreads the response time over 0.5–1.5 × the endpoint's latency.
    let mut s = failing_http(Health::Healthy, true);
    s.subscriptions[0].latency_ms = 9_000.0;
    let t = run(&s, 200).model().totals().subscriptions[0].clone();
    assert_eq!((t.delivered, t.retries), (1, 0), "at most 13.5 s: answered in time");

    s.subscriptions[0].latency_ms = 40_000.0;
    let sim = run(&s, 200);
    let t = &sim.model().totals().subscriptions[0];
    assert_eq!((t.delivered, t.retries, t.dead_lettered), (0, 3, 1));
    let failed: Vec<_> = events(&sim).into_iter().filter(|e| e.reason == Reason::DeliveryFailed).collect();
    assert_eq!(failed.len(), 4);
    // Each attempt fails exactly 15 s after it went out: the first at 15 s.
    assert_eq!(failed[0].at, SimTime::ZERO + super::HTTP_ANSWER_TIMEOUT);
    assert!(failed[0].describe().contains("no answer within 15 s"), "{}", failed[0].describe());
}

#[test]
fn a_custom_http_policy_is_followed_and_a_recovered_endpoint_gets_the_message() {
    let mut s = failing_http(Health::ServerErrors, false);
    s.subscriptions[0].delivery_policy =
        Some(RetryPolicy { num_retries: 10, min_delay_s: 5, max_delay_s: 5, ..RetryPolicy::HTTP_DEFAULT });
    s.subscriptions[0].recovers_after_s = 22;
    let sim = run(&s, 200);
    let t = &sim.model().totals().subscriptions[0];
    assert_eq!((t.delivered, t.lost), (1, 0));
    let delivered = events(&sim).into_iter().find(|e| e.reason == Reason::Delivered).expect("delivered");
    assert_eq!(delivered.attempt, t.retries as u32 + 1);
    assert!(delivered.at >= SimTime::ZERO + SimDuration::from_secs(22));
    // An invalid custom policy is refused with AWS's limit in the message.
    s.subscriptions[0].delivery_policy = Some(RetryPolicy { num_retries: 101, ..RetryPolicy::HTTP_DEFAULT });
    let err = s.validate().expect_err("101 retries").to_string();
    assert!(err.contains("numRetries must be between 0 and 100"), "{err}");
}

/// A topic's HTTP/S delivery policy applies to HTTP/S subscriptions without their own; a
/// subscription's policy wins; queues keep the AWS-managed policy.
#[test]
fn a_topic_delivery_policy_applies_unless_the_subscription_has_its_own() {
    let mut s = failing_http(Health::ServerErrors, true);
    s.topic.delivery_policy = Some(RetryPolicy { num_retries: 1, ..RetryPolicy::HTTP_DEFAULT });
    s.subscriptions.push(SubscriptionSettings {
        health: Health::ServerErrors,
        dlq: true,
        delivery_policy: Some(RetryPolicy {
            num_retries: 5,
            min_delay_s: 2,
            max_delay_s: 2,
            ..RetryPolicy::HTTP_DEFAULT
        }),
        ..sub("own-policy", EndpointKind::Http)
    });
    let sim = run(&s, 200);
    let t = &sim.model().totals().subscriptions;
    assert_eq!((t[0].retries, t[0].dead_lettered), (1, 1), "the topic's policy: 1 retry");
    assert_eq!((t[1].retries, t[1].dead_lettered), (5, 1), "the subscription's own policy wins");
    assert_eq!(s.subscriptions[0].retry_policy(&s.topic).num_retries, 1);
    let queue = sub("q", EndpointKind::Sqs);
    assert_eq!(queue.retry_policy(&s.topic), RetryPolicy::AWS_MANAGED);
    s.topic.delivery_policy = Some(RetryPolicy { num_retries: 101, ..RetryPolicy::HTTP_DEFAULT });
    let err = s.validate().expect_err("101 retries").to_string();
    assert!(err.contains("topic.delivery_policy") && err.contains("numRetries must be between 0 and 100"), "{err}");
}

#[test]
fn sqs_endpoints_retry_with_the_aws_managed_policy() {
    let mut s = failing_http(Health::ServerErrors, false);
    s.subscriptions[0] =
        SubscriptionSettings { health: Health::ServerErrors, consumers: 0, ..sub("q", EndpointKind::Sqs) };
    let sim = run(&s, 60);
    let t = &sim.model().totals().subscriptions[0];
    // 3 immediate, 2 at 1 s, then backoff from 1 s towards 20 s: more than 8 retries in a minute, still going.
    assert!(t.retries > 8, "{}", t.retries);
    assert_eq!(t.lost, 0);
    assert_eq!(sim.model().deliveries().count(), 1);
}

fn fifo(topic_fifo: bool, queues_fifo: bool) -> SnsScenario {
    SnsScenario {
        topic: TopicSettings { fifo: topic_fifo, ..TopicSettings::default() },
        publishers: vec![Publisher { workload: Workload::Poisson { rate_per_s: 60.0 }, groups: 3 }],
        subscriptions: vec![SubscriptionSettings {
            fifo_queue: queues_fifo,
            consumers: 4,
            processing_ms: 1.0,
            latency_ms: 40.0,
            health: Health::ServerErrors,
            recovers_after_s: 2,
            ..sub("ordered", EndpointKind::Sqs)
        }],
        ..SnsScenario::default()
    }
}

#[test]
fn a_fifo_topic_keeps_order_through_retries_and_a_standard_one_does_not() {
    let ordered = run(&fifo(true, true), 20);
    let t = &ordered.model().totals().subscriptions[0];
    assert!(t.delivered > 900 && t.retries > 0, "{t:?}");
    assert_eq!(t.out_of_order, 0);
    let standard = run(&fifo(false, false), 20);
    assert!(standard.model().totals().subscriptions[0].out_of_order > 0);
}

#[test]
fn fifo_topics_deduplicate_within_five_minutes() {
    let mut s = fifo(true, true);
    s.topic.content_based_dedup = true;
    s.subscriptions[0].health = Health::Healthy;
    // Two templates: every body repeats, so all but the first of each are duplicates.
    s.messages = vec![template("a", vec![]), template("b", vec![])];
    let sim = run(&s, 10);
    let t = sim.model().totals();
    assert_eq!(t.published, 2);
    assert!(t.deduplicated > 500, "{}", t.deduplicated);
}

#[test]
fn scenarios_are_checked_with_aws_rules() {
    let mut s = orders();
    s.subscriptions[0].filter_policy = Some(r#"{"type": "books"}"#.into());
    let err = s.validate().expect_err("not an array").to_string();
    assert!(err.contains("Invalid parameter: Attributes Reason: FilterPolicy:"), "{err}");
    let mut s = fifo(true, true);
    s.subscriptions.push(sub("hook", EndpointKind::Http));
    assert!(s.validate().expect_err("FIFO to HTTP").to_string().contains("delivers only to SQS"));
    let s = fifo(false, true);
    assert!(s
        .validate()
        .expect_err("FIFO queue on a standard topic")
        .to_string()
        .contains("FIFO SQS Queues can not be subscribed to standard SNS topics"));
    let mut s = orders();
    s.subscriptions[1].raw = true;
    assert!(s.validate().expect_err("raw Lambda").to_string().contains("RawMessageDelivery"));
    let mut s = orders();
    s.subscriptions[1].filter_scope = FilterScope::MessageBody;
    s.subscriptions[1].filter_policy = Some(r#"{"kind": ["tv"]}"#.into());
    assert!(s.validate().is_ok());
    let text = s.to_file_json();
    assert_eq!(SnsScenario::from_file_json(&text), Ok(s));
    assert!(SnsScenario::from_file_json(r#"{"kind": "sqs"}"#).is_err());
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let a = run(&orders(), 30).trace_hash();
    let b = run(&orders(), 30).trace_hash();
    assert_eq!(a, b);
    let mut other = SnsSim::try_new(&orders(), 8).expect("valid");
    other.run_until_done(SimTime::ZERO + SimDuration::from_secs(30));
    assert_ne!(a, other.trace_hash());
}

#[test]
fn memory_stays_bounded_over_a_long_run() {
    let mut s = orders();
    s.publishers[0].workload = Workload::Poisson { rate_per_s: 50.0 };
    s.subscriptions[0].consumers = 5;
    s.subscriptions[0].processing_ms = 10.0;
    let sim = run(&s, 3_600);
    assert!(sim.model().totals().published > 150_000);
    assert!(sim.model().deliveries().count() < 50);
    assert!(sim.model().queue(0).is_some_and(|q| q.visible_count() < 50));
}

#[test]
fn raw_delivery_sends_the_body_and_the_envelope_wraps_it() {
    let mut s = orders();
    s.subscriptions[2].raw = true;
    let sim = run(&s, 1);
    let m = sim.model();
    let envelope = m.payload(0, 1, Some(0), SimTime::ZERO).expect("template 0");
    assert!(envelope.contains("\"Type\": \"Notification\"") && envelope.contains("\"MessageAttributes\""));
    assert!(envelope.contains(r#""Message": "{\"kind\":\"book\"}""#), "{envelope}");
    assert_eq!(m.payload(2, 1, Some(0), SimTime::ZERO).as_deref(), Some(r#"{"kind":"book"}"#));
}

#[test]
fn a_composed_message_is_previewed_then_published() {
    let mut sim = SnsSim::try_new(&orders(), 7).expect("valid");
    let req = super::PublishRequest {
        body: "{}".into(),
        attributes: vec![
            ("type".into(), "String".into(), "books".into()),
            ("amount".into(), "Number".into(), "250".into()),
        ],
        ..Default::default()
    };
    let preview = sim.model().preview(&req, sim.now()).expect("valid message");
    assert_eq!(preview.iter().map(|f| f.delivered).collect::<Vec<_>>(), [true, true, true]);
    let id = sim.act(|m, cx| m.publish_composed(cx, req)).expect("published");
    assert_eq!(sim.model().composed(id).map(|r| r.body.as_str()), Some("{}"));
    sim.run_until_done(SimTime::ZERO + SimDuration::from_millis(200));
    assert!(sim.model().composed(id).is_none(), "delivered everywhere: the text is let go");
    let bad = super::PublishRequest { body: String::new(), ..Default::default() };
    assert!(sim.model().preview(&bad, sim.now()).is_err());
}

#[test]
fn typed_attributes_read_as_sns_types() {
    let attrs = super::topic::attributes_from_json(r#"{"a": "x", "n": 4.5, "l": ["p", "q"]}"#).expect("valid");
    assert_eq!(
        attrs,
        [
            ("a".to_owned(), "String".to_owned(), "x".to_owned()),
            ("n".to_owned(), "Number".to_owned(), "4.5".to_owned()),
            ("l".to_owned(), "String.Array".to_owned(), r#"["p","q"]"#.to_owned()),
        ]
    );
    assert!(super::topic::attributes_from_json("[1]").is_err());
    assert!(super::topic::attributes_from_json(r#"{"b": true}"#).expect_err("bool").contains("\"b\""));
    assert_eq!(super::topic::attributes_from_json(" "), Ok(Vec::new()));
}
