//! SQS tests: model rules beyond the shared conformance cases, scenario behaviour, invariants.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::{Distribution, SimDuration, SimRng, SimTime, Workload};

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

fn queue(attrs: QueueAttributes, fidelity: Fidelity) -> Queue {
    Queue::new("q", attrs, fidelity)
}

fn body(b: &str) -> SendRequest {
    SendRequest { body: Some(b.to_owned()), ..SendRequest::default() }
}

fn one() -> ReceiveRequest {
    ReceiveRequest { max_messages: 1, visibility_timeout_s: None, long_poll: false }
}

#[test]
fn dead_letter_move_keeps_the_original_enqueue_time() {
    let mut sqs = Sqs::new(Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    sqs.create_queue_with("dlq", QueueAttributes { retention_s: 600, ..QueueAttributes::default() }).expect("valid");
    let redrive = Some(RedrivePolicy { dead_letter_queue: "dlq".into(), max_receive_count: 2 });
    let q = sqs
        .create_queue_with("q", QueueAttributes { visibility_timeout_s: 10, redrive, ..QueueAttributes::default() })
        .expect("valid");
    sqs.send(secs(0), q, body("x"), &mut rng).expect("sent");
    for t in [0, 20] {
        assert_eq!(sqs.receive(secs(t), q, one(), &mut rng).expect("ok").len(), 1);
    }
    // The third receive would make the count 3 > 2: the message moves instead of returning.
    assert!(sqs.receive(secs(40), q, one(), &mut rng).expect("ok").is_empty());
    let dlq = sqs.queue("dlq").expect("exists");
    assert_eq!(dlq.visible_count(), 1);
    assert_eq!(dlq.messages().next().map(|m| m.sent_at), Some(secs(0)));
    // DLQ retention counts from the original send (SQS-35): 600 s after t=0, not after t=40.
    sqs.advance(secs(600));
    assert_eq!(sqs.queue("dlq").map(Queue::visible_count), Some(0));
}

#[test]
fn receipt_handles_read_back_and_garbage_is_refused_by_name() {
    let mut q = queue(QueueAttributes::default(), Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    q.send(secs(0), body("x"), MessageId(0), &mut rng).expect("sent");
    let r = q.receive(secs(0), one(), &mut rng).expect("ok").remove(0);
    let text = r.receipt_handle.to_string();
    assert_eq!(text.parse::<ReceiptHandle>(), Ok(r.receipt_handle));
    for garbage in ["", "rh-", "rh-1.2", "rh-1.2.3.4", "rh-x.1.1", "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a"] {
        let err = garbage.parse::<ReceiptHandle>().expect_err(garbage);
        assert_eq!(err.code, "ReceiptHandleIsInvalid", "{garbage}");
    }
}

#[test]
fn slots_are_reused_without_confusing_old_receipt_handles() {
    let mut q = queue(QueueAttributes::default(), Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    q.send(secs(0), body("a"), MessageId(0), &mut rng).expect("sent");
    let a = q.receive(secs(0), one(), &mut rng).expect("ok").remove(0);
    assert_eq!(q.delete(secs(1), a.receipt_handle, &mut rng), Ok(true));
    // The next message takes the freed slot; the old handle must not reach it.
    q.send(secs(2), body("b"), MessageId(1), &mut rng).expect("sent");
    assert_eq!(q.delete(secs(2), a.receipt_handle, &mut rng), Ok(false));
    assert!(q.change_visibility(secs(2), a.receipt_handle, 10).is_err());
    assert_eq!(q.visible_count(), 1);
    assert_eq!(q.find(MessageId(1)).map(|m| m.state), Some(MessageState::Visible));
}

#[test]
fn the_oldest_few_are_the_start_of_the_whole_queue_in_send_order() {
    let mut q = queue(QueueAttributes::default(), Fidelity::EXACT);
    let mut rng = SimRng::new(7);
    for i in 0..50 {
        q.send(secs(i), body("m"), MessageId(i), &mut rng).expect("sent");
    }
    // Free some slots and fill them again, so slot order is not send order.
    for r in q.receive(secs(60), ReceiveRequest { max_messages: 10, ..one() }, &mut rng).expect("ok") {
        q.delete(secs(60), r.receipt_handle, &mut rng).expect("deleted");
    }
    for i in 50..60 {
        q.send(secs(i + 20), body("m"), MessageId(i), &mut rng).expect("sent");
    }
    let all: Vec<u64> = q.messages().map(|m| m.id.0).collect();
    for k in [0, 1, 7, 49, 50, 51, 200] {
        let few: Vec<u64> = q.oldest(k).map(|m| m.id.0).collect();
        assert_eq!(few, all.iter().copied().take(k).collect::<Vec<_>>(), "k = {k}");
    }
}

#[test]
fn gauges_and_oldest_age_follow_every_state_change() {
    let mut q = queue(QueueAttributes { visibility_timeout_s: 10, ..QueueAttributes::default() }, Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    q.send(secs(0), body("a"), MessageId(0), &mut rng).expect("sent");
    q.send(secs(1), SendRequest { delay_s: Some(5), ..body("b") }, MessageId(1), &mut rng).expect("sent");
    q.send(secs(2), body("c"), MessageId(2), &mut rng).expect("sent");
    assert_eq!((q.visible_count(), q.in_flight_count(), q.delayed_count()), (2, 0, 1));
    let got = q.receive(secs(3), ReceiveRequest { max_messages: 10, ..one() }, &mut rng).expect("ok");
    assert_eq!(got.iter().map(|r| r.message_id.0).collect::<Vec<_>>(), vec![0, 2], "send order, delayed b not yet");
    assert_eq!((q.visible_count(), q.in_flight_count(), q.delayed_count()), (0, 2, 1));
    assert_eq!(q.age_of_oldest(secs(3)), SimDuration::from_secs(3));
    assert_eq!(q.delete(secs(4), got[0].receipt_handle, &mut rng), Ok(true));
    assert_eq!(q.age_of_oldest(secs(4)), SimDuration::from_secs(3), "b, sent at 1 s, is now the oldest");
    // b's delay ends at 6 s; c's visibility at 13 s.
    assert_eq!(q.next_change(), Some(secs(6)));
    q.advance(secs(13));
    assert_eq!((q.visible_count(), q.in_flight_count(), q.delayed_count()), (2, 0, 0));
    let order: Vec<u64> = q.messages().map(|m| m.id.0).collect();
    assert_eq!(order, vec![1, 2]);
}

/// SQS-42: a standard queue's message received three times without being deleted stops counting
/// for ApproximateAgeOfOldestMessage (the next-oldest's age shows); a FIFO queue's does not.
#[test]
fn the_age_of_the_oldest_message_skips_messages_received_three_times_in_standard_queues() {
    for fifo in [false, true] {
        let attrs = QueueAttributes {
            fifo,
            visibility_timeout_s: 1,
            content_based_deduplication: fifo,
            ..QueueAttributes::default()
        };
        let mut q = queue(attrs, Fidelity::EXACT);
        let mut rng = SimRng::new(1);
        let send = |b: &str| SendRequest { group_id: fifo.then(|| b.to_owned()), ..body(b) };
        q.send(secs(0), send("poison"), MessageId(0), &mut rng).expect("sent");
        q.send(secs(10), send("next"), MessageId(1), &mut rng).expect("sent");
        for t in [20, 30] {
            // Received and never deleted: the poison (FIFO: group "poison" first, least served).
            let got = q.receive(secs(t), ReceiveRequest { max_messages: 1, ..one() }, &mut rng).expect("ok");
            assert_eq!(got[0].message_id, MessageId(0), "fifo {fifo}");
            // The other message is received once (not three times) each round too.
            q.receive(secs(t), one(), &mut rng).expect("ok");
        }
        assert_eq!(q.age_of_oldest(secs(35)), SimDuration::from_secs(35), "fifo {fifo}: two receives still count");
        let third = q.receive(secs(40), one(), &mut rng).expect("ok");
        assert_eq!(third[0].receive_count, 3);
        let want = if fifo { 45 } else { 35 };
        assert_eq!(
            q.age_of_oldest(secs(45)),
            SimDuration::from_secs(want),
            "fifo {fifo}: the next-oldest, sent at 10 s"
        );
    }
}

/// In a dead-letter queue the age of the oldest message counts from the move (SQSDG "Setting-up
/// dead-letter queue retention"); retention still counts from the send in a standard queue, from
/// the move in a FIFO one, whose enqueue timestamp resets.
#[test]
fn dead_letter_queue_ages_count_from_the_move() {
    for fifo in [false, true] {
        let mut sqs = Sqs::new(Fidelity::EXACT);
        let mut rng = SimRng::new(1);
        let attrs = |redrive| QueueAttributes {
            fifo,
            content_based_deduplication: fifo,
            visibility_timeout_s: 10,
            retention_s: 600,
            redrive,
            ..QueueAttributes::default()
        };
        let (dlq, src) = if fifo { ("dlq.fifo", "q.fifo") } else { ("dlq", "q") };
        sqs.create_queue_with(dlq, attrs(None)).expect("valid");
        let redrive = Some(RedrivePolicy { dead_letter_queue: dlq.into(), max_receive_count: 1 });
        let q = sqs.create_queue_with(src, attrs(redrive)).expect("valid");
        let sent = sqs
            .send(secs(0), q, SendRequest { group_id: fifo.then(|| "g".to_owned()), ..body("x") }, &mut rng)
            .expect("sent");
        assert_eq!(sent.sequence_number, fifo.then_some(1));
        assert_eq!(sqs.receive(secs(100), q, one(), &mut rng).expect("ok").len(), 1);
        assert!(sqs.receive(secs(200), q, one(), &mut rng).expect("ok").is_empty(), "moved");
        let d = sqs.id(dlq).expect("exists");
        assert_eq!(sqs.get(d).age_of_oldest(secs(250)), SimDuration::from_secs(50), "fifo {fifo}");
        sqs.advance(secs(600));
        assert_eq!(sqs.get(d).visible_count(), usize::from(fifo), "fifo {fifo}: retention from the send (standard)");
        if fifo {
            let got = sqs.receive(secs(601), d, one(), &mut rng).expect("ok");
            assert_eq!(got[0].sent_at, secs(200), "the enqueue timestamp reset");
            assert_eq!(got[0].dedup_id.as_deref(), Some("msg-0"), "SQS-36: the message id");
            assert_eq!(got[0].sequence_number, Some(1), "the first of the dead-letter queue");
        }
    }
}

/// What a receive returns besides the body (AWS's system attributes, LS test_sqs.py snapshots).
#[test]
fn receives_carry_the_system_attributes_aws_returns() {
    let mut sqs = Sqs::new(Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    sqs.create_queue_with("dlq", QueueAttributes::default()).expect("valid");
    let redrive = Some(RedrivePolicy { dead_letter_queue: "dlq".into(), max_receive_count: 1 });
    let q = sqs
        .create_queue_with("q", QueueAttributes { visibility_timeout_s: 5, redrive, ..QueueAttributes::default() })
        .expect("valid");
    let sent = sqs.send(secs(1), q, SendRequest { group_id: Some("fair".into()), ..body("x") }, &mut rng);
    assert_eq!(sent.map(|s| s.sequence_number), Ok(None), "standard queues have no sequence numbers");
    let first = sqs.receive(secs(2), q, one(), &mut rng).expect("ok").remove(0);
    assert_eq!((first.sent_at, first.first_received_at, first.receive_count), (secs(1), secs(2), 1));
    assert_eq!(first.group.as_deref(), Some("fair"), "a standard (fair) queue returns the group it was sent with");
    assert_eq!((first.sequence_number, first.dead_letter_source_arn), (None, None));
    assert!(sqs.receive(secs(10), q, one(), &mut rng).expect("ok").is_empty(), "moved");
    let d = sqs.id("dlq").expect("exists");
    let moved = sqs.receive(secs(11), d, one(), &mut rng).expect("ok").remove(0);
    assert_eq!(moved.receive_count, 2, "the count goes on in the dead-letter queue");
    assert_eq!(moved.dead_letter_source_arn.as_deref(), Some("arn:aws:sqs:us-east-1:123456789012:q"));
    assert_eq!((moved.sent_at, moved.first_received_at), (secs(1), secs(2)));
    // FIFO: sequence numbers increase per send and come back on every receive; dedup ids as
    // sent or the body's SHA-256.
    let attrs = QueueAttributes {
        fifo: true,
        content_based_deduplication: true,
        visibility_timeout_s: 0,
        ..QueueAttributes::default()
    };
    let f = sqs.create_queue_with("f.fifo", attrs).expect("valid");
    let send = |dedup: Option<&str>, b: &str| SendRequest {
        group_id: Some("g".into()),
        dedup_id: dedup.map(str::to_owned),
        ..body(b)
    };
    let s1 = sqs.send(secs(20), f, send(Some("dedup-1"), "a"), &mut rng).expect("sent");
    let s2 = sqs.send(secs(20), f, send(None, "b"), &mut rng).expect("sent");
    let again = sqs.send(secs(21), f, send(Some("dedup-1"), "a"), &mut rng).expect("sent");
    assert!(s1.sequence_number < s2.sequence_number);
    assert_eq!((again.deduplicated, again.sequence_number), (true, s1.sequence_number));
    let got = sqs.receive(secs(22), f, ReceiveRequest { max_messages: 10, ..one() }, &mut rng).expect("ok");
    assert_eq!(got.iter().map(|r| r.sequence_number).collect::<Vec<_>>(), [s1.sequence_number, s2.sequence_number]);
    assert_eq!(got[0].dedup_id.as_deref(), Some("dedup-1"));
    assert_eq!(got[1].dedup_id.as_deref(), Some("3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"));
    let second = sqs.receive(secs(23), f, one(), &mut rng).expect("ok").remove(0);
    assert_eq!(
        (second.receive_count, second.sequence_number, second.first_received_at),
        (2, s1.sequence_number, secs(22))
    );
}

#[test]
fn visibility_can_never_exceed_twelve_hours_from_the_receive() {
    let mut q = queue(QueueAttributes::default(), Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    q.send(secs(0), body("x"), MessageId(0), &mut rng).expect("sent");
    let r = q.receive(secs(0), one(), &mut rng).expect("ok").remove(0);
    assert!(q.change_visibility(secs(10), r.receipt_handle, 43_190).is_ok());
    let err = q.change_visibility(secs(20), r.receipt_handle, 43_190).expect_err("beyond 12 h");
    assert_eq!(err.code, "InvalidParameterValue");
    assert!(q.change_visibility(secs(20), r.receipt_handle, 43_201).is_err());
}

#[test]
fn standard_queue_stale_handle_succeeds_without_deleting() {
    let mut q = queue(QueueAttributes { visibility_timeout_s: 1, ..QueueAttributes::default() }, Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    q.send(secs(0), body("x"), MessageId(0), &mut rng).expect("sent");
    let first = q.receive(secs(0), one(), &mut rng).expect("ok").remove(0);
    let second = q.receive(secs(2), one(), &mut rng).expect("ok").remove(0);
    assert_ne!(first.receipt_handle, second.receipt_handle);
    assert_eq!(q.delete(secs(2), first.receipt_handle, &mut rng), Ok(false));
    assert_eq!(q.in_flight_count(), 1);
    assert_eq!(q.delete(secs(2), second.receipt_handle, &mut rng), Ok(true));
}

#[test]
fn at_least_once_a_deleted_message_can_come_back() {
    let fidelity = Fidelity { duplicate_probability: 1.0, ..Fidelity::EXACT };
    let mut q = queue(QueueAttributes { visibility_timeout_s: 5, ..QueueAttributes::default() }, fidelity);
    let mut rng = SimRng::new(1);
    q.send(secs(0), body("x"), MessageId(0), &mut rng).expect("sent");
    let r = q.receive(secs(0), one(), &mut rng).expect("ok").remove(0);
    assert_eq!(q.delete(secs(1), r.receipt_handle, &mut rng), Ok(false));
    assert!(q.drain_events().iter().any(|e| matches!(e, QueueEvent::CopySurvivedDelete { .. })));
    assert_eq!(q.receive(secs(6), one(), &mut rng).expect("ok").len(), 1, "the copy is delivered again");
}

#[test]
fn short_polls_of_a_small_queue_sometimes_miss_messages_long_polls_never_do() {
    let mut q = queue(QueueAttributes { visibility_timeout_s: 0, ..QueueAttributes::default() }, Fidelity::default());
    let mut rng = SimRng::new(9);
    for i in 0..5 {
        q.send(secs(0), body(&format!("m{i}")), MessageId(i), &mut rng).expect("sent");
    }
    let ten = ReceiveRequest { max_messages: 10, visibility_timeout_s: Some(0), long_poll: false };
    let short: Vec<usize> = (0..50).map(|_| q.receive(secs(0), ten, &mut rng).expect("ok").len()).collect();
    assert!(short.iter().any(|&n| n < 5), "short polls always saw everything: {short:?} (seed 9)");
    let long = ReceiveRequest { long_poll: true, ..ten };
    assert!((0..50).all(|_| q.receive(secs(0), long, &mut rng).map(|r| r.len()) == Ok(5)));
}

/// Sends `n` messages `gap_ms` apart to a standard queue, then long-polls them out ten at a time;
/// the ids in the order they were received, and the queue.
fn long_poll_order(n: u64, gap_ms: u64, seed: u64) -> (Vec<Received>, Queue) {
    let mut q = queue(QueueAttributes::default(), Fidelity::default());
    let mut rng = SimRng::new(seed);
    for i in 0..n {
        q.send(SimTime::ZERO + SimDuration::from_millis(i * gap_ms), body("m"), MessageId(i), &mut rng).expect("sent");
    }
    let ten = ReceiveRequest { max_messages: 10, visibility_timeout_s: None, long_poll: true };
    let at = SimTime::ZERO + SimDuration::from_millis(n * gap_ms);
    let mut got = Vec::new();
    while q.visible_count() > 0 {
        got.extend(q.receive(at, ten, &mut rng).expect("ok"));
    }
    (got, q)
}

/// Issue 19, item 9: a long poll asks every server, yet a standard queue's order is best effort
/// (SQS-01): messages sent a few milliseconds apart come back partly swapped, each swap is
/// counted, and no message is overtaken by one sent more than the reorder window after it.
#[test]
fn long_polls_return_messages_sent_close_together_in_best_effort_order() {
    let (got, q) = long_poll_order(500, 2, 3);
    assert_eq!(got.len(), 500, "every message once");
    let flagged = got.iter().filter(|r| r.out_of_order).count() as u64;
    assert!(flagged > 50, "only {flagged} of 500 out of order (seed 3)");
    assert_eq!(q.stats().out_of_order, flagged);
    let mut latest = SimTime::ZERO;
    for r in &got {
        assert_eq!(r.out_of_order, r.sent_at < latest, "{} (seed 3)", r.message_id);
        assert!(latest.saturating_since(r.sent_at) <= REORDER_WINDOW, "{} overtaken by far (seed 3)", r.message_id);
        latest = latest.max(r.sent_at);
    }
    // Sent further apart than the window, they keep their order.
    let (got, q) = long_poll_order(200, 60, 3);
    assert!(got.windows(2).all(|w| w[0].message_id < w[1].message_id), "seed 3");
    assert_eq!(q.stats().out_of_order, 0);
}

/// Issue 19, item 9: the default consumers (long polls of 20 s) over ~2,000 messages show the
/// best-effort order at a rate users report as occasional: a few in a hundred.
#[test]
fn default_long_polling_consumers_see_a_few_messages_out_of_order() {
    let sim = run(&scenario(), 1, 400);
    let t = sim.model().totals();
    assert!(t.received > 1_800, "{} received (seed 1)", t.received);
    let share = t.out_of_order as f64 / t.received as f64;
    assert!((0.01..0.10).contains(&share), "{} of {} out of order (seed 1)", t.out_of_order, t.received);
    assert_eq!(t.out_of_order, sim.model().main_queue().stats().out_of_order);
    let events = sim.trace().recent().filter(|e| e.reason == crate::Reason::OutOfOrder).count();
    assert!(events > 0, "no OUT_OF_ORDER event in the recent trace (seed 1)");
}

#[test]
fn fifo_calls_beyond_300_per_second_are_throttled() {
    let attrs = QueueAttributes { fifo: true, content_based_deduplication: true, ..QueueAttributes::default() };
    let mut q = queue(attrs, Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    let send = |i: u64| SendRequest { group_id: Some("g".into()), ..body(&format!("m{i}")) };
    for i in 0..300 {
        q.send(secs(0), send(i), MessageId(i), &mut rng).expect("within the limit");
    }
    assert_eq!(q.send(secs(0), send(300), MessageId(300), &mut rng).map_err(|e| e.code), Err("ThrottlingException"));
    assert!(q.send(secs(1), send(301), MessageId(301), &mut rng).is_ok(), "a new second, a new budget");
}

#[test]
fn a_fifo_batch_is_one_call_so_batches_reach_3000_messages_per_second() {
    let mut sqs = Sqs::new(Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    let attrs = QueueAttributes { fifo: true, content_based_deduplication: true, ..QueueAttributes::default() };
    let q = sqs.create_queue_with("q.fifo", attrs).expect("valid");
    let batch = |b: u64| -> Vec<SendRequest> {
        (0..10).map(|i| SendRequest { group_id: Some("g".into()), ..body(&format!("m{b}-{i}")) }).collect()
    };
    for b in 0..300 {
        let results = sqs.send_batch(secs(0), q, batch(b), &mut rng).expect("within the limit");
        assert!(results.iter().all(Result::is_ok), "batch {b}");
    }
    assert_eq!(sqs.get(q).visible_count(), 3_000);
    let err = sqs.send_batch(secs(0), q, batch(300), &mut rng).map(|_| ()).map_err(|e| e.code);
    assert_eq!(err, Err("ThrottlingException"), "the 301st call in one second");
}

#[test]
fn batches_hold_one_to_ten_entries() {
    let mut sqs = Sqs::new(Fidelity::EXACT);
    let mut rng = SimRng::new(1);
    let q = sqs.create_queue("q", &BTreeMap::new()).expect("valid");
    let entries = |n: usize| (0..n).map(|i| body(&format!("m{i}"))).collect::<Vec<_>>();
    assert_eq!(
        sqs.send_batch(secs(0), q, entries(0), &mut rng).map(|_| ()).map_err(|e| e.code),
        Err("AWS.SimpleQueueService.EmptyBatchRequest")
    );
    assert_eq!(
        sqs.send_batch(secs(0), q, entries(11), &mut rng).map(|_| ()).map_err(|e| e.code),
        Err("AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
    );
    assert_eq!(
        sqs.send_batch(secs(0), q, entries(10), &mut rng).map(|r| r.iter().filter(|e| e.is_ok()).count()),
        Ok(10)
    );
}

/// A redrive policy must name an existing queue of the same type (SQS-34): otherwise a moved
/// message would vanish. Refused at CreateQueue and SetQueueAttributes, the policy quoted as sent.
#[test]
fn a_redrive_policy_needs_an_existing_dead_letter_queue_of_the_same_type() {
    let mut sqs = Sqs::new(Fidelity::EXACT);
    let policy = |target: &str| {
        let arn = queue_arn(target);
        BTreeMap::from([(
            "RedrivePolicy".to_owned(),
            format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":3}}"#),
        )])
    };
    let fifo = |mut map: BTreeMap<String, String>| {
        map.insert("FifoQueue".into(), "true".into());
        map
    };
    let missing = sqs.create_queue("src", &policy("nowhere")).expect_err("no such queue");
    assert_eq!(missing.code, "InvalidParameterValue");
    assert!(missing.message.ends_with("Reason: Dead letter target does not exist."), "{}", missing.message);
    assert!(missing.message.starts_with(r#"Value {"deadLetterTargetArn":"arn:aws:sqs:"#), "{}", missing.message);
    sqs.create_queue("std-dlq", &BTreeMap::new()).expect("valid");
    sqs.create_queue("fifo-dlq.fifo", &fifo(BTreeMap::new())).expect("valid");
    let err = sqs.create_queue("src", &policy("fifo-dlq.fifo")).expect_err("a standard source, a FIFO DLQ");
    assert_eq!(err.code, "InvalidParameterValue");
    assert!(err.message.contains("must also be a standard queue"), "{}", err.message);
    let err = sqs.create_queue("src.fifo", &fifo(policy("std-dlq"))).expect_err("a FIFO source, a standard DLQ");
    assert!(err.message.contains("must also be a FIFO queue"), "{}", err.message);
    let src = sqs.create_queue("src", &BTreeMap::new()).expect("valid");
    assert_eq!(
        sqs.set_queue_attributes(secs(0), src, &policy("fifo-dlq.fifo")).map_err(|e| e.code),
        Err("InvalidParameterValue")
    );
    assert_eq!(
        sqs.set_queue_attributes(secs(0), src, &policy("nowhere")).map_err(|e| e.code),
        Err("InvalidParameterValue")
    );
    assert_eq!(sqs.get(src).attributes().redrive, None, "a refused policy changes nothing");
    sqs.set_queue_attributes(secs(0), src, &policy("std-dlq")).expect("same type");
    // Typed attributes (the scenario's way in) are checked the same way.
    let redrive = Some(RedrivePolicy { dead_letter_queue: "fifo-dlq.fifo".into(), max_receive_count: 3 });
    assert!(sqs.create_queue_with("typed", QueueAttributes { redrive, ..QueueAttributes::default() }).is_err());
}

/// SQS-28: a new queue delay reaches the messages already delayed in a FIFO queue, not in a
/// standard queue.
#[test]
fn a_delay_change_is_retroactive_for_fifo_queues_only() {
    let delay = |s: &str| BTreeMap::from([("DelaySeconds".to_owned(), s.to_owned())]);
    for fifo in [false, true] {
        let mut sqs = Sqs::new(Fidelity::EXACT);
        let mut rng = SimRng::new(1);
        let (name, mut attrs) = if fifo {
            ("q.fifo", BTreeMap::from([("FifoQueue".to_owned(), "true".to_owned())]))
        } else {
            ("q", BTreeMap::new())
        };
        attrs.insert("DelaySeconds".into(), "60".into());
        let q = sqs.create_queue(name, &attrs).expect("valid");
        let send = |b: &str| SendRequest {
            group_id: fifo.then(|| "g".to_owned()),
            dedup_id: fifo.then(|| b.to_owned()),
            ..body(b)
        };
        sqs.send(secs(0), q, send("a"), &mut rng).expect("sent");
        sqs.send(secs(30), q, send("b"), &mut rng).expect("sent");
        // At 40 s the delay drops to 10 s: a FIFO queue's "a" (sent at 0) and "b" (sent at 30)
        // are due at 10 s and 40 s — both visible now; a standard queue keeps their 60 s.
        sqs.set_queue_attributes(secs(40), q, &delay("10")).expect("valid");
        assert_eq!(sqs.get(q).visible_count(), if fifo { 2 } else { 0 }, "fifo {fifo}");
        sqs.send(secs(40), q, send("c"), &mut rng).expect("sent");
        // Raised to 100 s: a FIFO queue's "c" now waits until 140 s; a standard one's until 50 s.
        sqs.set_queue_attributes(secs(45), q, &delay("100")).expect("valid");
        sqs.advance(secs(55));
        let expect = if fifo { 2 } else { 1 };
        assert_eq!(sqs.get(q).visible_count(), expect, "fifo {fifo}: standard keeps c's 10 s delay");
        sqs.advance(secs(140));
        assert_eq!(sqs.get(q).visible_count(), 3, "fifo {fifo}");
        assert!(sqs.drain_events().any(|e| matches!(e.event, QueueEvent::DelayEnded { .. })));
    }
}

/// Consumers that pass no WaitTimeSeconds get the queue's ReceiveMessageWaitTimeSeconds
/// (SQS-23): 0 short-polls, 20 long-polls. Old files (a number, or no field: 20 s) mean what
/// they meant.
#[test]
fn consumers_without_a_wait_of_their_own_use_the_queue_default() {
    let mut s = scenario();
    s.producers[0].workload = Workload::Poisson { rate_per_s: 0.5 };
    s.consumers.wait_s = None;
    s.queue.receive_wait_s = 0;
    let short = run(&s, 1, 600).model().totals().empty_receives;
    s.queue.receive_wait_s = 20;
    let long = run(&s, 1, 600).model().totals().empty_receives;
    assert!(short > 20 * long.max(1), "short {short}, long {long} (seed 1)");
    s.consumers.wait_s = Some(20);
    s.queue.receive_wait_s = 0;
    assert_eq!(run(&s, 1, 600).model().totals().empty_receives, long, "their own wait wins");
    let file = |consumers: &str| SqsScenario::from_file_json(&format!(r#"{{"kind":"sqs","consumers":{consumers}}}"#));
    assert_eq!(file("{}").map(|s| s.consumers.wait_s), Ok(Some(20)));
    assert_eq!(file(r#"{"wait_s":5}"#).map(|s| s.consumers.wait_s), Ok(Some(5)));
    assert_eq!(file(r#"{"wait_s":null}"#).map(|s| s.consumers.wait_s), Ok(None));
    assert!(file(r#"{"wait_s":21}"#).is_err());
}

fn scenario() -> SqsScenario {
    SqsScenario::default()
}

fn run(s: &SqsScenario, seed: u64, until_s: u64) -> SqsSim {
    let mut sim = SqsSim::try_new(s, seed).expect("valid scenario");
    sim.run_until(secs(until_s));
    sim
}

#[test]
fn scenario_validation_names_the_field_and_aws_range() {
    let mut s = scenario();
    s.queue.visibility_timeout_s = 50_000;
    assert_eq!(
        s.validate().map_err(|e| e.to_string()),
        Err("queue.visibility_timeout_s = 50000 is out of range: allowed 0–43200".to_owned())
    );
    let mut s = scenario();
    s.consumers.batch_size = 11;
    assert_eq!(
        s.validate().map_err(|e| e.to_string()),
        Err("consumers.batch_size = 11 is out of range: allowed 1–10".to_owned())
    );
    let mut s = scenario();
    s.dlq = Some(DlqSettings { max_receive_count: 0, ..DlqSettings::default() });
    assert!(s.validate().is_err());
}

#[test]
fn poison_messages_end_in_the_dead_letter_queue() {
    let mut s = scenario();
    s.dlq = Some(DlqSettings { max_receive_count: 3, ..DlqSettings::default() });
    s.queue.visibility_timeout_s = 5;
    s.consumers.poison_fraction = 0.2;
    let sim = run(&s, 4, 300);
    let m = sim.model();
    assert!(m.totals().moved_to_dlq > 0, "no DLQ moves (seed 4)");
    let dlq = m.dead_letter_queue().expect("has a DLQ");
    assert_eq!(dlq.visible_count() as u64, m.totals().moved_to_dlq);
}

#[test]
fn a_visibility_timeout_shorter_than_processing_causes_duplicate_processing() {
    let mut s = scenario();
    s.duplicate_probability = 0.0;
    s.queue.visibility_timeout_s = 1;
    s.consumers.processing = Distribution::Fixed { ms: 1_500.0 };
    s.consumers.batch_size = 1;
    let slow = run(&s, 2, 300);
    assert!(slow.model().totals().duplicates_processed > 0, "seed 2");
    s.queue.visibility_timeout_s = 30;
    let ok = run(&s, 2, 300);
    assert_eq!(ok.model().totals().duplicates_processed, 0, "seed 2");
}

#[test]
fn short_polling_makes_many_more_empty_receives_than_long_polling() {
    let mut s = scenario();
    s.producers[0].workload = Workload::Poisson { rate_per_s: 0.5 };
    s.consumers.wait_s = Some(0);
    let short = run(&s, 1, 600).model().totals().empty_receives;
    s.consumers.wait_s = Some(20);
    let long = run(&s, 1, 600).model().totals().empty_receives;
    assert!(short > 20 * long.max(1), "short {short}, long {long} (seed 1)");
}

#[test]
fn fifo_resends_are_deduplicated() {
    let mut s = scenario();
    s.queue = QueueAttributes { fifo: true, ..QueueAttributes::default() };
    s.producers[0].resend_fraction = 0.5;
    let sim = run(&s, 6, 120);
    let t = sim.model().totals();
    assert!(t.deduplicated > 0, "seed 6");
    assert_eq!(t.duplicates_processed, 0, "FIFO with a long visibility timeout processes each message once (seed 6)");
}

fn arb_scenario() -> impl Strategy<Value = SqsScenario> {
    (
        any::<bool>(),
        0u64..5,
        1u32..5,
        1u32..6,
        0u64..3,
        0.0..0.3f64,
        0.0..0.2f64,
        1.0..80.0f64,
        prop::option::of(1u32..4),
    )
        .prop_map(|(fifo, vis, consumers, batch, wait, poison, crash, rate, dlq)| {
            let mut s = SqsScenario {
                queue: QueueAttributes {
                    fifo,
                    visibility_timeout_s: vis,
                    content_based_deduplication: fifo,
                    ..QueueAttributes::default()
                },
                dlq: dlq.map(|max_receive_count| DlqSettings { max_receive_count, ..DlqSettings::default() }),
                duplicate_probability: 0.01,
                ..SqsScenario::default()
            };
            s.producers[0].workload = Workload::Poisson { rate_per_s: rate };
            s.producers[0].resend_fraction = 0.1;
            s.consumers.count = consumers;
            s.consumers.batch_size = batch;
            s.consumers.wait_s = Some(wait * 10);
            s.consumers.poison_fraction = poison;
            s.consumers.crash_probability = crash;
            s.consumers.processing = Distribution::Exponential { mean_ms: 400.0 };
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn every_message_is_in_exactly_one_place(s in arb_scenario(), seed in any::<u64>()) {
        let mut sim = SqsSim::try_new(&s, seed).expect("valid");
        for step in 1..=6 {
            sim.run_until(secs(20 * step));
            let m = sim.model();
            let t = m.totals();
            let main = m.main_queue();
            let dlq = m.dead_letter_queue().map_or(0, |q| q.visible_count() as u64);
            let live = (main.visible_count() + main.in_flight_count() + main.delayed_count()) as u64;
            prop_assert_eq!(t.sent, t.deleted + live + dlq + t.expired, "seed {} at {:?}", seed, sim.now());
        }
    }

    #[test]
    fn same_seed_same_sqs_trace(s in arb_scenario(), seed in any::<u64>()) {
        let whole = run(&s, seed, 60).trace_hash();
        let mut chunked = SqsSim::try_new(&s, seed).expect("valid");
        for i in 1..=6 {
            chunked.run_until(secs(10 * i));
        }
        prop_assert_eq!(whole, chunked.trace_hash(), "seed {}", seed);
    }

    #[test]
    fn fifo_never_skips_ahead_of_an_earlier_message_of_the_group(
        ops in prop::collection::vec((0u8..5, 0u8..3, 0u64..4), 1..200),
        seed in any::<u64>(),
    ) {
        let attrs = QueueAttributes { fifo: true, visibility_timeout_s: 2, content_based_deduplication: true, ..QueueAttributes::default() };
        // The scenarios' fidelity: the standard queue's best-effort order must not reach FIFO.
        let mut q = queue(attrs, Fidelity::default());
        let mut rng = SimRng::new(seed);
        let mut handles: Vec<ReceiptHandle> = Vec::new();
        let mut now = SimTime::ZERO;
        for (i, (op, group, arg)) in ops.into_iter().enumerate() {
            now += SimDuration::from_millis(arg * 400);
            match op {
                0 | 1 => {
                    let req = SendRequest { group_id: Some(format!("g{group}")), ..body(&format!("m{i}")) };
                    let _ = q.send(now, req, MessageId(i as u64), &mut rng);
                }
                2 | 3 => {
                    q.advance(now);
                    let before: Vec<(u64, Option<String>)> = q.messages().map(|m| (m.id.0, m.group().map(str::to_owned))).collect();
                    let got = q.receive(now, ReceiveRequest { max_messages: 1 + arg as u32, visibility_timeout_s: None, long_poll: true }, &mut rng).expect("ok");
                    let returned: Vec<u64> = got.iter().map(|r| r.message_id.0).collect();
                    for r in &got {
                        // Every earlier live message of the group is in this batch, before it.
                        let pos = returned.iter().position(|&id| id == r.message_id.0);
                        for (id, g) in &before {
                            if *g == r.group && *id < r.message_id.0 {
                                let earlier = returned.iter().position(|x| x == id);
                                prop_assert!(earlier.is_some() && earlier < pos, "m{} returned ahead of m{} (seed {})", r.message_id.0, id, seed);
                            }
                        }
                    }
                    handles.extend(got.into_iter().map(|r| r.receipt_handle));
                }
                _ => {
                    if let Some(h) = handles.pop() {
                        let _ = q.delete(now, h, &mut rng);
                    }
                }
            }
        }
        prop_assert_eq!(q.stats().out_of_order, 0, "a first receive overtook its group (seed {})", seed);
    }
}

#[test]
fn requests_are_billed_per_started_64_kb_and_priced_by_queue_type() {
    let mut s = SqsScenario::default();
    s.producers[0].workload = Workload::Constant { rate_per_s: 2.0 };
    s.producers[0].message_size = 100_000;
    s.consumers.count = 1;
    s.consumers.wait_s = Some(20);
    let mut sim = SqsSim::try_new(&s, 3).expect("valid");
    sim.run_until(secs(30));
    let t = sim.model().totals();
    let calls = |a| t.api_calls.get(a);
    // A 100 KB message is two requests to send and two more in the receive that returns it.
    let expected =
        2 * calls(Action::SendMessage) + calls(Action::ReceiveMessage) + t.received + calls(Action::DeleteMessage);
    assert_eq!(t.billed_requests, expected);
    let cost = sim.model().estimated_cost_usd();
    assert!((cost - t.billed_requests as f64 * 0.40 / 1e6).abs() < 1e-12, "{cost}");
}

#[test]
fn scenario_files_round_trip_and_explain_what_is_wrong() {
    use crate::sqs::SqsScenario;
    let s = SqsScenario::benchmark();
    let text = s.to_file_json();
    assert!(text.contains("\"kind\": \"sqs\""), "{text}");
    assert_eq!(SqsScenario::from_file_json(&text), Ok(s));
    assert_eq!(SqsScenario::from_file_json("{}"), Ok(SqsScenario::default()), "kind and every field are optional");
    let err = |t: &str| SqsScenario::from_file_json(t).expect_err(t);
    assert!(err("{").contains("not valid JSON"));
    assert!(err("[1]").contains("JSON object"));
    assert!(err(r#"{"kind": "kinesis"}"#).contains("not for SQS"));
    assert!(err(r#"{"queue": {"visibility_timeout_s": 50000}}"#).contains("43200"));
    assert!(err(r#"{"colour": 1}"#).contains("unknown field"));
}

/// The mean time a message waits for a server in an M/M/c queue (Erlang C): Poisson arrivals at
/// `arrival_per_s`, `servers` servers, exponential service with mean `service_mean_s`.
fn erlang_c_mean_wait_s(servers: u32, arrival_per_s: f64, service_mean_s: f64) -> f64 {
    let c = f64::from(servers);
    let offered = arrival_per_s * service_mean_s;
    let utilisation = offered / c;
    assert!(utilisation < 1.0, "an M/M/c queue with utilisation {utilisation} has no steady state");
    // Σ a^k/k! for k < c, and a^c/c!, built term by term (no factorials to overflow).
    let (mut below, mut term) = (0.0, 1.0);
    for k in 0..servers {
        below += term;
        term *= offered / f64::from(k + 1);
    }
    let waiting = term / (1.0 - utilisation);
    let probability_of_waiting = waiting / (below + waiting);
    probability_of_waiting / (c / service_mean_s - arrival_per_s)
}

/// M/M/c in SQS terms: Poisson sends, `consumers` long-polling consumers taking one message at a
/// time, exponential processing, API calls that take no time, no duplicate copies.
fn m_m_c(arrival_per_s: f64, consumers: u32, service_mean_ms: f64) -> SqsScenario {
    let mut s = scenario();
    s.producers[0].workload = Workload::Poisson { rate_per_s: arrival_per_s };
    s.consumers = Consumers {
        count: consumers,
        wait_s: Some(20),
        batch_size: 1,
        processing: Distribution::Exponential { mean_ms: service_mean_ms },
        request_latency_ms: 0.0,
        ..Consumers::default()
    };
    s.duplicate_probability = 0.0;
    s
}

/// Runs an M/M/c scenario for `hours` simulated hours and checks the mean wait from send to
/// first receive against Erlang C within 2 %. This guards the scheduler, the queue and the
/// consumers together: a consumer left idle while a message is visible, a receive that skips a
/// visible message, or a lost wake-up all show up as a longer wait. The standard queue's
/// best-effort order stays on: it changes which message goes first, never whether one does.
///
/// The mean of one run is a random variable: across seeds, one hour gives a standard deviation
/// of about 1.5 % at ρ = 0.75 and 2.2 % at ρ = 0.95 (waits are long and correlated near
/// saturation), so 2 % of one hour would pass or fail by the luck of the seed. 4 and 8 hours
/// bring it to about 0.8 %: 2 % is then 2.5 standard deviations, and a failure means a bias.
fn check_erlang_c(arrival_per_s: f64, consumers: u32, service_mean_ms: f64, hours: u64, seed: u64) {
    let want = erlang_c_mean_wait_s(consumers, arrival_per_s, service_mean_ms / 1000.0);
    let mut sim = SqsSim::try_new(&m_m_c(arrival_per_s, consumers, service_mean_ms), seed)
        .expect("valid scenario")
        .without_recent_events();
    let secs = hours * 3_600;
    sim.run_until_done(SimTime::from_secs(secs));
    let t = sim.model().totals();
    let got = t.queue_wait.mean_secs().expect("messages were received");
    assert!(
        t.queue_wait.count() as f64 > 0.99 * arrival_per_s * secs as f64,
        "only {} first receives (seed {seed})",
        t.queue_wait.count()
    );
    assert_eq!(t.duplicates_processed, 0, "no duplicates were asked for (seed {seed})");
    let error = (got - want) / want;
    assert!(
        error.abs() < 0.02,
        "mean wait {got:.7} s, Erlang C {want:.7} s: {:+.2} % (seed {seed}, {hours} h, λ = {arrival_per_s}/s, c = {consumers}, 1/μ = {service_mean_ms} ms)",
        error * 100.0
    );
}

#[test]
fn erlang_c_is_the_mean_wait_of_the_textbook_case() {
    // 1,000 msg/s, 20 servers, 15 ms each: ρ = 0.75, Wq = 0.000481 s.
    let wq = erlang_c_mean_wait_s(20, 1_000.0, 0.015);
    assert!((wq - 0.000481).abs() < 0.000_000_5, "Erlang C gives {wq}");
}

/// Issue 19, item 13: at ρ = 0.75 the queue wait matches Erlang C (0.000481 s) within 2 %.
#[test]
fn the_mean_queue_wait_matches_erlang_c_at_three_quarters_load() {
    check_erlang_c(1_000.0, 20, 15.0, 4, 1);
}

/// The same at ρ = 0.95 (1,266.7 messages a second), where waits are 24 times longer and a lost
/// wake-up shows most.
#[test]
fn the_mean_queue_wait_matches_erlang_c_at_ninety_five_percent_load() {
    check_erlang_c(0.95 * 20.0 / 0.015, 20, 15.0, 8, 1);
}
