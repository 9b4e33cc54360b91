//! The SQS presets: named scenarios (plain data) with what to watch and why it happens.

use crate::scenes::preset::Preset;
use engine::sqs::{Autoscale, Consumers, DlqSettings, Heartbeat, Producer, QueueAttributes, SqsScenario};
use engine::{Distribution, Workload};

/// All presets, in picker order; the first is what the page opens with.
pub const PRESETS: [Preset<SqsScenario>; 10] = [
    Preset {
        key: "slow-consumer",
        name: "Slow consumer trap",
        explanation: "Processing takes about 4 s but the visibility timeout is 3 s. Watch in-flight tokens run out of time and jump back to the visible lane while their first consumer is still working: another consumer receives them again, and the duplicates-processed counter climbs. Two fixes: set the visibility timeout above the processing time (say 10 s), or keep it short and give the consumers a heartbeat (Heartbeat every 2 s): while it works, a consumer calls ChangeMessageVisibility to push each message's timeout out again, and the duplicates stop (the next preset).",
        lesson: "A visibility timeout shorter than the processing time hands the same message to a second consumer.",
        proof: &["received", "duplicates processed"],
        scenario: slow_consumer,
    },
    Preset {
        key: "heartbeat",
        name: "Visibility heartbeat",
        explanation: "The slow consumer trap again (about 4 s of work, a 3 s visibility timeout), but every 2 s each consumer calls ChangeMessageVisibility on the messages it holds, setting their timeout to 6 s from the call. In-flight bars refill before they run out, no message goes back to the visible lane while it is worked on, and duplicates processed stays at 0; visibility extended counts the calls, each a billed request. A heartbeat cannot go on for ever: SQS refuses to extend a message past 12 hours from its receive. Set Heartbeat every to 0 and the duplicates come back.",
        lesson: "A consumer that extends its visibility while it works keeps a short timeout without duplicates.",
        proof: &["duplicates processed", "visibility extended"],
        scenario: heartbeat,
    },
    Preset {
        key: "poison",
        name: "Poison message → DLQ",
        explanation: "One message in five is poison: processing always fails, so it is never deleted. Each time its visibility timeout ends it comes back with a higher receive count; the receive that would exceed maxReceiveCount (3) moves it to the dead-letter queue instead, where its receive count goes on and its inspector names the queue it came from (DeadLetterQueueSourceArn). Healthy messages keep flowing meanwhile. After its third receive a message no longer counts for the age of the oldest message (CloudWatch tracks the next-oldest), and in the dead-letter queue its age counts from the move.",
        lesson: "A message that always fails comes back until maxReceiveCount, then moves to the dead-letter queue.",
        proof: &["failures", "moved to DLQ"],
        scenario: poison,
    },
    Preset {
        key: "polling",
        name: "Short vs long polling",
        explanation: "A trickle of messages (one every 2 s) and four consumers that short-poll (wait 0 s): most receives come back empty, and every empty receive is a billed API call. Set the receive wait to 20 s and the empty-receives chart flattens: a long poll waits on the server until a message arrives.",
        lesson: "Short polling returns empty receives you pay for; a long poll waits for a message instead.",
        proof: &["received", "empty receives"],
        scenario: polling,
    },
    Preset {
        key: "fifo-blocking",
        name: "FIFO head-of-line blocking per group",
        explanation: "A FIFO queue with three message groups and slow processing. While a group's message is in flight, no later message of that group can be received, even with idle consumers: those tokens are marked blocked. Other groups keep moving, so order holds within a group, not across groups.",
        lesson: "In a FIFO queue a slow message blocks only the rest of its own message group.",
        proof: &["received", "deleted"],
        scenario: fifo_blocking,
    },
    Preset {
        key: "delay",
        name: "Delay queue",
        explanation: "Every message waits 5 s in the delayed lane before any consumer can see it (DelaySeconds on the queue). Watch tokens enter the delayed lane, then cross to visible all at their own time; the latency from send to delete can never be below the delay.",
        lesson: "A delivery delay hides each new message for a while before any consumer can receive it.",
        proof: &["sent", "received"],
        scenario: delay,
    },
    Preset {
        key: "order",
        name: "Best-effort order in a standard queue",
        explanation: "Twenty messages a second reach two long-polling consumers that take up to ten at a time, so each receive finds several visible messages. A standard queue stores each message on several servers, and a receive (a long poll too, which asks every server) returns what those servers recorded first, which is not always what was sent first: messages sent within about 50 ms of each other can come back swapped. Watch OUT_OF_ORDER in the log, ↕ on in-flight tokens and the out-of-order counter; messages sent further apart keep their order. Lower the rate to 1 a second and each message is received as it arrives, in order. If order matters, number your messages or use a FIFO queue.",
        lesson: "A standard queue keeps order only roughly: even a long poll can return a later message first.",
        proof: &["received", "out of order"],
        scenario: order,
    },
    Preset {
        key: "duplicates",
        name: "Standard queue duplicates and out-of-order",
        explanation: "A standard queue promises at-least-once delivery and best-effort order. Here one delete in ten misses a stored copy (exaggerated so you can see it) and consumers fail now and then: messages come back later than their neighbours and some are processed twice. Watch COPY_SURVIVED_DELETE and DUPLICATE_DELIVERY in the log.",
        lesson: "A standard queue delivers at least once and in no strict order: consumers must tolerate duplicates.",
        proof: &["received", "duplicates processed"],
        scenario: duplicates,
    },
    Preset {
        key: "scale",
        name: "Scale consumers to drain a backlog",
        explanation: "Twenty messages a second arrive for one consumer that handles about five: the visible lane fills and the age of the oldest message grows. Raise Consumers to 6 and the backlog drains; with batch size 10 each receive brings more work per call.",
        lesson: "A backlog drains only when the consumers together delete faster than producers send.",
        proof: &["sent", "deleted"],
        scenario: scale,
    },
    Preset {
        key: "autoscale",
        name: "Consumers that scale with the backlog",
        explanation: "Every five minutes a burst of 600 messages arrives over 30 s, for consumers that each handle about five a second. An autoscaler follows AWS's scaling policy based on Amazon SQS: once a minute (SQS sends its metrics to CloudWatch every minute) it divides the visible messages by the target backlog per consumer (10) and starts that many consumers, up to 6; each starts polling 20 s later (launch and warm-up). When the backlog stays below target for the scale-in delay (60 s), the extra consumers stop after their current work. Watch the dashed consumer boxes fill in and empty, and consumers running rise and fall.",
        lesson: "Consumers scaled on backlog per instance catch up with a burst, a metric period and a warm-up late.",
        proof: &["consumers running", "deleted"],
        scenario: autoscale,
    },
];

fn producer(rate_per_s: f64, groups: u32) -> Producer {
    Producer { workload: Workload::Poisson { rate_per_s }, groups, ..Producer::default() }
}

fn consumers(count: u32, wait_s: u64, processing: Distribution) -> Consumers {
    Consumers { count, wait_s: Some(wait_s), processing, ..Consumers::default() }
}

fn slow_consumer() -> SqsScenario {
    SqsScenario {
        queue: QueueAttributes { visibility_timeout_s: 3, ..QueueAttributes::default() },
        producers: vec![producer(1.0, 1)],
        consumers: consumers(3, 20, Distribution::LogNormal { median_ms: 4_000.0, p99_ms: 6_000.0 }),
        ..SqsScenario::default()
    }
}

fn heartbeat() -> SqsScenario {
    let mut s = slow_consumer();
    s.consumers.heartbeat = Some(Heartbeat { every_s: 2, extend_to_s: 6 });
    s
}

fn autoscale() -> SqsScenario {
    SqsScenario {
        producers: vec![Producer {
            workload: Workload::Bursts { size: 600, every_s: 300.0, spread_s: 30.0 },
            ..producer(20.0, 1)
        }],
        consumers: Consumers {
            autoscale: Some(Autoscale {
                target_backlog_per_instance: 10,
                min: 1,
                max: 6,
                scale_out_delay_s: 20,
                scale_in_delay_s: 60,
            }),
            ..consumers(1, 20, Distribution::LogNormal { median_ms: 200.0, p99_ms: 600.0 })
        },
        ..SqsScenario::default()
    }
}

fn poison() -> SqsScenario {
    SqsScenario {
        queue: QueueAttributes { visibility_timeout_s: 2, ..QueueAttributes::default() },
        dlq: Some(DlqSettings { max_receive_count: 3, ..DlqSettings::default() }),
        producers: vec![producer(2.0, 1)],
        consumers: Consumers {
            poison_fraction: 0.2,
            ..consumers(2, 20, Distribution::LogNormal { median_ms: 300.0, p99_ms: 1_000.0 })
        },
        ..SqsScenario::default()
    }
}

fn polling() -> SqsScenario {
    SqsScenario {
        producers: vec![Producer { workload: Workload::Constant { rate_per_s: 0.5 }, ..producer(0.5, 1) }],
        consumers: Consumers {
            request_latency_ms: 100.0,
            ..consumers(4, 0, Distribution::LogNormal { median_ms: 200.0, p99_ms: 800.0 })
        },
        ..SqsScenario::default()
    }
}

fn fifo_blocking() -> SqsScenario {
    SqsScenario {
        queue: QueueAttributes { fifo: true, visibility_timeout_s: 30, ..QueueAttributes::default() },
        producers: vec![producer(3.0, 3)],
        consumers: consumers(4, 20, Distribution::LogNormal { median_ms: 2_000.0, p99_ms: 5_000.0 }),
        ..SqsScenario::default()
    }
}

fn delay() -> SqsScenario {
    SqsScenario {
        queue: QueueAttributes { delay_s: 5, ..QueueAttributes::default() },
        producers: vec![producer(3.0, 1)],
        consumers: consumers(2, 20, Distribution::LogNormal { median_ms: 300.0, p99_ms: 1_000.0 }),
        ..SqsScenario::default()
    }
}

fn order() -> SqsScenario {
    SqsScenario {
        producers: vec![producer(20.0, 1)],
        consumers: Consumers {
            batch_size: 10,
            ..consumers(2, 20, Distribution::LogNormal { median_ms: 60.0, p99_ms: 200.0 })
        },
        ..SqsScenario::default()
    }
}

fn duplicates() -> SqsScenario {
    SqsScenario {
        queue: QueueAttributes { visibility_timeout_s: 5, ..QueueAttributes::default() },
        producers: vec![producer(3.0, 1)],
        consumers: Consumers {
            failure_probability: 0.1,
            ..consumers(3, 20, Distribution::LogNormal { median_ms: 400.0, p99_ms: 1_500.0 })
        },
        duplicate_probability: 0.1,
        ..SqsScenario::default()
    }
}

fn scale() -> SqsScenario {
    SqsScenario {
        producers: vec![producer(20.0, 1)],
        consumers: consumers(1, 20, Distribution::LogNormal { median_ms: 200.0, p99_ms: 600.0 }),
        ..SqsScenario::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::sqs::SqsSim;
    use engine::SimTime;

    #[test]
    fn every_preset_is_valid_and_runs() {
        for p in &PRESETS {
            let scenario = (p.scenario)();
            scenario.validate().unwrap_or_else(|e| panic!("{}: {e}", p.key));
            let mut sim = SqsSim::try_new(&scenario, 42).unwrap();
            sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(30));
            assert!(sim.model().totals().sent > 0, "{} sent nothing", p.key);
        }
    }

    #[test]
    fn the_poison_preset_reaches_the_dlq_quickly() {
        let mut sim = SqsSim::try_new(&poison(), 42).unwrap();
        sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(20));
        assert!(sim.model().totals().moved_to_dlq > 0);
    }

    /// Issue 19, item 9: the order preset shows receives out of order within seconds, long
    /// polls included; at one message a second the same consumers receive each as it comes.
    #[test]
    fn the_order_preset_receives_out_of_order_with_long_polling() {
        let scenario = order();
        assert!(scenario.consumer_wait_s() > 0, "the lesson is about long polls");
        let mut sim = SqsSim::try_new(&scenario, 42).unwrap();
        sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(10));
        let t = sim.model().totals();
        assert!(t.out_of_order * 20 > t.received, "{} of {} out of order (seed 42)", t.out_of_order, t.received);
        let mut quiet = order();
        quiet.producers[0].workload = Workload::Poisson { rate_per_s: 1.0 };
        let mut sim = SqsSim::try_new(&quiet, 42).unwrap();
        sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(120));
        let t = sim.model().totals();
        assert!(t.received > 50, "seed 42");
        assert_eq!(t.out_of_order, 0, "idle long pollers receive each message as it arrives (seed 42)");
    }

    #[test]
    fn the_slow_consumer_preset_processes_duplicates() {
        let mut sim = SqsSim::try_new(&slow_consumer(), 42).unwrap();
        sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(60));
        assert!(sim.model().totals().duplicates_processed > 0);
    }

    /// Issue 19, item 11: the heartbeat preset is the slow consumer trap with the fix, and its
    /// duplicates are gone.
    #[test]
    fn the_heartbeat_preset_ends_the_slow_consumer_duplicates() {
        let mut fixed = heartbeat();
        fixed.consumers.heartbeat = None;
        assert_eq!(fixed, slow_consumer(), "the same trap, with a heartbeat");
        let mut sim = SqsSim::try_new(&heartbeat(), 42).unwrap();
        sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(60));
        let t = sim.model().totals();
        assert_eq!(t.duplicates_processed, 0, "seed 42");
        assert!(t.visibility_extended > 20, "seed 42: {}", t.visibility_extended);
    }

    /// The autoscale preset scales out within two minutes of its first burst and back in.
    #[test]
    fn the_autoscale_preset_scales_out_and_in() {
        let mut sim = SqsSim::try_new(&autoscale(), 42).unwrap();
        sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(100));
        assert!(sim.model().running_consumers() > 3, "seed 42: {}", sim.model().running_consumers());
        sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(290));
        assert_eq!(sim.model().running_consumers(), 1, "seed 42");
        assert!(sim.model().totals().scaled_in > 0);
    }

    /// The presets' runs with the consumer and producer settings of issue 19 item 11 off: the
    /// trace hashes they had before those settings existed (seed 42, two simulated minutes).
    #[test]
    fn presets_without_the_new_settings_keep_their_trace_hashes() {
        let pinned = [
            ("slow-consumer", 0x03ae_6a6f_ac42_ff6b_u64),
            ("poison", 0xe251_f211_e8db_56de),
            ("polling", 0x0546_a9b6_6c41_9be3),
            ("fifo-blocking", 0x5212_d578_fcf6_a391),
            ("delay", 0x3705_a14b_c17c_399e),
            ("order", 0x1970_5728_10ab_d32b),
            ("duplicates", 0xdb4a_95dd_5a00_2b27),
            ("scale", 0xc011_1d10_325a_3a14),
        ];
        for (key, hash) in pinned {
            let scenario = crate::scenes::preset::scenario_of(&PRESETS, key);
            let mut sim = SqsSim::try_new(&scenario, 42).unwrap();
            sim.run_until_done(SimTime::ZERO + engine::SimDuration::from_secs(120));
            assert_eq!(sim.trace_hash(), hash, "{key}: {:#018x}", sim.trace_hash());
        }
    }
}
