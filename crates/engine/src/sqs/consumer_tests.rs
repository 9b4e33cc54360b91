//! Tests of the consumers and producers a learner expects (issue 19, item 11): a visibility
//! heartbeat, batched sends, per-message delay and consumers that scale with the backlog.

use super::*;
use crate::{Distribution, SimDuration, SimTime, Workload};

fn run(s: &SqsScenario, seed: u64, secs: u64) -> SqsSim {
    let mut sim = SqsSim::try_new(s, seed).unwrap_or_else(|e| panic!("{e}"));
    sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(secs));
    sim
}

/// The slow-consumer trap: 4 s of work against a 3 s visibility timeout.
fn slow_consumer() -> SqsScenario {
    let mut s = SqsScenario::default();
    s.queue.visibility_timeout_s = 3;
    s.producers[0].workload = Workload::Poisson { rate_per_s: 1.0 };
    s.consumers.count = 3;
    s.consumers.processing = Distribution::LogNormal { median_ms: 4_000.0, p99_ms: 6_000.0 };
    s.duplicate_probability = 0.0;
    s
}

#[test]
fn a_heartbeat_ends_the_slow_consumer_duplicates() {
    let without = run(&slow_consumer(), 42, 120);
    assert!(without.model().totals().duplicates_processed > 10, "seed 42: the trap without a heartbeat");
    let mut s = slow_consumer();
    s.consumers.heartbeat = Some(Heartbeat { every_s: 2, extend_to_s: 5 });
    let sim = run(&s, 42, 120);
    let t = sim.model().totals();
    assert_eq!(t.duplicates_processed, 0, "seed 42");
    assert!(t.deleted > 60, "seed 42: {} deleted", t.deleted);
    assert!(t.visibility_extended > 0);
    assert_eq!(t.extend_refused, 0);
    // Each extension is a billed ChangeMessageVisibility call.
    assert_eq!(t.api_calls.get(Action::ChangeMessageVisibility), t.visibility_extended);
    assert!(sim.trace().recent().any(|e| e.reason == crate::Reason::VisibilityExtended));
}

#[test]
fn a_heartbeat_cannot_pass_twelve_hours_from_the_receive() {
    let mut s = SqsScenario::default();
    s.queue.visibility_timeout_s = 3_600;
    s.producers[0].workload = Workload::Constant { rate_per_s: 1.0 / 86_400.0 };
    s.consumers.count = 1;
    // 13 hours of work, extended every 50 minutes to two hours from the call.
    s.consumers.processing = Distribution::Fixed { ms: 13.0 * 3_600_000.0 };
    s.consumers.heartbeat = Some(Heartbeat { every_s: 3_000, extend_to_s: 7_200 });
    s.duplicate_probability = 0.0;
    let sim = run(&s, 1, 14 * 3_600);
    let t = sim.model().totals();
    // Received at 0: the extensions at 3,000 s … 36,000 s end by 43,200 s (12 h); the one at
    // 39,000 s would end at 46,200 s.
    assert_eq!(t.visibility_extended, 12, "{t:?}");
    assert_eq!(t.extend_refused, 1);
    let refused = sim.trace().recent().find(|e| e.reason == crate::Reason::ExtendRefused).expect("refusal traced");
    let text = crate::trace::TraceRecord::describe(refused);
    assert!(text.contains("Total VisibilityTimeout for the message is beyond the limit [43200 seconds]"), "{text}");
    // So the message times out at +12 h while the consumer still works on it.
    assert!(sim.trace().recent().any(|e| e.reason == crate::Reason::VisibilityExpired));
}

#[test]
fn heartbeat_settings_are_checked() {
    let mut s = slow_consumer();
    s.consumers.heartbeat = Some(Heartbeat { every_s: 0, extend_to_s: 5 });
    assert!(s.validate().unwrap_err().to_string().contains("consumers.heartbeat.every_s"));
    s.consumers.heartbeat = Some(Heartbeat { every_s: 2, extend_to_s: 43_201 });
    let err = s.validate().unwrap_err().to_string();
    assert!(err.contains("extend_to_s") && err.contains("0–43200"), "{err}");
}

/// A FIFO queue offered 1,000 messages a second over many groups.
fn fifo_flood(batch_size: u32) -> SqsScenario {
    let mut s = SqsScenario::default();
    s.queue.fifo = true;
    s.producers[0] = Producer {
        workload: Workload::Constant { rate_per_s: 1_000.0 },
        groups: 100,
        batch_size,
        ..Producer::default()
    };
    s.consumers.count = 0;
    s
}

#[test]
fn batched_sends_lift_fifo_throughput_above_300_messages_a_second() {
    let single = run(&fifo_flood(1), 7, 10);
    let t = single.model().totals();
    assert!(t.sent <= 300 * 10 + 300, "one SendMessage per message: at most 300 a second, got {}", t.sent);
    let batched = run(&fifo_flood(10), 7, 10);
    let t = batched.model().totals();
    assert!(t.sent > 9_000, "batches of 10 carry 1,000 a second under the 300 calls/s limit, got {}", t.sent);
    // One request per batch (a 1 KB message: one 64 KB chunk per batch of ten).
    let calls = t.api_calls.get(Action::SendMessage);
    assert!(calls * 10 >= t.sent && calls * 9 <= t.sent, "{calls} calls for {} messages", t.sent);
    assert_eq!(t.billed_requests, calls);
}

#[test]
fn a_batch_waits_at_most_the_linger_and_stays_under_one_mib() {
    let mut s = SqsScenario::default();
    s.producers[0] = Producer {
        workload: Workload::Constant { rate_per_s: 1.0 },
        message_size: 300_000,
        batch_size: 10,
        ..Producer::default()
    };
    s.consumers.count = 0;
    let sim = run(&s, 3, 20);
    let t = sim.model().totals();
    // One a second: each batch goes out alone, 200 ms after its message.
    assert_eq!(t.api_calls.get(Action::SendMessage), t.sent);
    let first = sim.trace().recent().find(|e| e.reason == crate::Reason::Sent).expect("sent");
    assert_eq!(first.at.as_micros() % 1_000_000, SEND_BATCH_LINGER.as_micros(), "{first:?}");
    // 300 KB messages: at most three fit in 1 MiB, so a fast producer's batches hold three.
    s.producers[0].workload = Workload::Constant { rate_per_s: 100.0 };
    let sim = run(&s, 3, 10);
    let t = sim.model().totals();
    let calls = t.api_calls.get(Action::SendMessage);
    assert!(calls * 3 >= t.sent && calls * 3 <= t.sent + 3, "{calls} calls for {} messages", t.sent);
    // Billing: each batch of 900,000 bytes is 14 chunks of 64 KB.
    assert!(t.billed_requests >= calls * 13, "{} billed for {calls} calls", t.billed_requests);
}

#[test]
fn a_per_message_delay_hides_each_message_for_that_long() {
    let mut s = SqsScenario::default();
    s.producers[0].delay_s = 7;
    s.consumers.count = 6;
    let sim = run(&s, 5, 20);
    let t = sim.model().totals();
    assert!(t.received > 40, "seed 5");
    // From each message's send to its first receive, read from the trace.
    let mut sent = std::collections::BTreeMap::new();
    let mut waits = Vec::new();
    for e in sim.trace().recent() {
        match e.reason {
            crate::Reason::Sent => {
                sent.insert(e.message, e.at);
            }
            crate::Reason::Received if e.count == 1 => waits.push(e.at.saturating_since(sent[&e.message])),
            _ => {}
        }
    }
    assert!(waits.len() as u64 == t.received, "every receive is a first receive here");
    let min = waits.iter().min().copied().expect("received");
    assert!(min >= SimDuration::from_secs(7), "first receive {min:?} after the send");
    assert!(waits.iter().max().copied().expect("received") < SimDuration::from_secs(8), "idle consumers");
}

#[test]
fn a_fifo_queue_refuses_a_per_message_delay_with_awss_message() {
    let mut s = SqsScenario::default();
    s.queue.fifo = true;
    s.producers[0].delay_s = 5;
    let err = s.validate().unwrap_err().to_string();
    assert!(err.contains("producers[0].delay_s"), "{err}");
    assert!(err.contains("The request include parameter that is not valid for this queue type."), "{err}");
    s.producers[0].delay_s = 901;
    s.queue.fifo = false;
    assert!(s.validate().unwrap_err().to_string().contains("0–900"));
}

/// A minute of 20 messages a second every ten minutes, for consumers that each handle 5.
fn backlog() -> SqsScenario {
    let mut s = SqsScenario::default();
    s.producers[0].workload = Workload::Bursts { size: 1_200, every_s: 600.0, spread_s: 60.0 };
    s.consumers.count = 1;
    s.consumers.processing = Distribution::Fixed { ms: 200.0 };
    s.consumers.autoscale = Some(Autoscale {
        target_backlog_per_instance: 20,
        min: 1,
        max: 8,
        scale_out_delay_s: 30,
        scale_in_delay_s: 120,
    });
    s
}

#[test]
fn autoscaled_consumers_follow_the_backlog_after_the_delay() {
    let s = backlog();
    // At 60 s the first reading finds ~900 visible: 8 wanted, up at 90 s.
    let sim = run(&s, 11, 89);
    assert_eq!(sim.model().running_consumers(), 1, "the new consumers are still starting");
    assert_eq!(sim.model().totals().scaled_out, 7);
    assert!(sim.trace().recent().any(|e| e.reason == crate::Reason::ScaledOut));
    let mut sim = run(&s, 11, 91);
    assert_eq!(sim.model().running_consumers(), 8);
    // Eight drain the backlog by the 120 s reading, which starts the scale-in delay: at 240 s
    // (two minutes of readings below target) seven stop.
    sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(239));
    assert_eq!(sim.model().running_consumers(), 8);
    assert_eq!(sim.model().main_queue().visible_count(), 0);
    sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(270));
    let m = sim.model();
    assert_eq!(m.running_consumers(), 1);
    assert_eq!(m.totals().scaled_in, 7);
    assert!(sim.trace().recent().any(|e| e.reason == crate::Reason::ScaledIn));
    assert!(sim.metrics().series().any(|series| series.name() == "consumers"));
    // The next burst scales out again.
    sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(700));
    assert_eq!(sim.model().running_consumers(), 8);
}

#[test]
fn autoscale_settings_are_checked() {
    let mut s = backlog();
    s.consumers.count = 9;
    assert!(s.validate().unwrap_err().to_string().contains("consumers.count"));
    s.consumers.count = 1;
    s.consumers.autoscale = Some(Autoscale { min: 5, max: 4, ..Autoscale::default() });
    assert!(s.validate().unwrap_err().to_string().contains("consumers.autoscale.min"));
    s.consumers.autoscale = Some(Autoscale { target_backlog_per_instance: 0, ..Autoscale::default() });
    assert!(s.validate().unwrap_err().to_string().contains("target_backlog_per_instance"));
}

#[test]
fn old_files_without_the_new_fields_keep_their_meaning() {
    let s =
        SqsScenario::from_file_json(r#"{"kind":"sqs","producers":[{"message_size":2048}],"consumers":{"count":4}}"#)
            .unwrap();
    assert_eq!((s.producers[0].batch_size, s.producers[0].delay_s), (1, 0));
    assert_eq!((s.consumers.heartbeat, s.consumers.autoscale), (None, None));
    let mut full = backlog();
    full.consumers.heartbeat = Some(Heartbeat { every_s: 10, extend_to_s: 30 });
    full.producers[0].batch_size = 5;
    full.producers[0].delay_s = 3;
    assert_eq!(SqsScenario::from_file_json(&full.to_file_json()).unwrap(), full);
}

#[test]
fn a_fork_with_a_longer_visibility_timeout_ends_the_duplicates_from_its_instant() {
    let at_fork = run(&slow_consumer(), 42, 30);
    let mut fork = at_fork.clone();
    let mut longer = slow_consumer();
    longer.queue.visibility_timeout_s = 30;
    fork.act(|m, cx| m.set_queue_attributes(cx, &longer)).expect("a queue attribute");
    let (mut ghost, forked) = (at_fork, fork.model().totals().duplicates_processed);
    ghost.run_until_done(SimTime::ZERO + SimDuration::from_secs(120));
    fork.run_until_done(SimTime::ZERO + SimDuration::from_secs(120));
    let (before, after) = (ghost.model().totals().duplicates_processed, fork.model().totals().duplicates_processed);
    assert!(after < before, "the fork processes fewer duplicates: {after} vs {before}");
    // Messages received before the change keep their 3 s deadline: a few duplicates may follow it.
    assert!(after - forked <= 3, "the fork's duplicates after its instant: {}", after - forked);
    // Only the queue's attributes change in a running queue.
    let mut more_consumers = slow_consumer();
    more_consumers.consumers.count = 5;
    let refused = fork.act(|m, cx| m.set_queue_attributes(cx, &more_consumers)).unwrap_err();
    assert!(refused.contains("only the queue's attributes"), "{refused}");
    // AWS's range still holds.
    let mut too_long = slow_consumer();
    too_long.queue.visibility_timeout_s = 50_000;
    assert!(fork.act(|m, cx| m.set_queue_attributes(cx, &too_long)).is_err());
}
