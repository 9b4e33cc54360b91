//! The SQS presets: named scenarios (plain data) with what to watch and why it happens.

use crate::scenes::preset::Preset;
use engine::sqs::{Consumers, DlqSettings, Producer, QueueAttributes, SqsScenario};
use engine::{Distribution, Workload};

/// All presets, in picker order; the first is what the page opens with.
pub const PRESETS: [Preset<SqsScenario>; 8] = [
    Preset {
        key: "slow-consumer",
        name: "Slow consumer trap",
        explanation: "Processing takes about 4 s but the visibility timeout is 3 s. Watch in-flight tokens run out of time and jump back to the visible lane while their first consumer is still working: another consumer receives them again, and the duplicates-processed counter climbs. Set the visibility timeout above the processing time (say 10 s) and the duplicates stop.",
        lesson: "A visibility timeout shorter than the processing time hands the same message to a second consumer.",
        proof: &["received", "duplicates processed"],
        scenario: slow_consumer,
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
}
