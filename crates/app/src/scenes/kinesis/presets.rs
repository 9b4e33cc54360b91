//! The Kinesis presets: named scenarios with what to watch and why it happens.

use crate::scenes::preset::Preset;
use engine::kinesis::{Consumers, KinesisScenario, Producer, Reshard, ScheduledReshard, Skew, StartAt};

/// All presets, in picker order; the first is what the page opens with.
pub const PRESETS: [Preset<KinesisScenario>; 8] = [
    Preset {
        key: "hot-key",
        name: "Hot partition key",
        explanation: "One partition key carries 70% of 2,000 records/s: 1,400 records/s, but a shard takes at most 1,000 records/s (or 1 MiB/s). Its shard glows and refuses records with ProvisionedThroughputExceededException; the producer retries with backoff and gives some up. The other shards idle. Retried records land after newer records of the same key, so the consumer sees that key out of order. All records of one key go to one shard, so no resharding helps: spread the key (add a suffix) or slow it down.",
        lesson: "All records of one partition key go to one shard, so a hot key throttles that shard alone.",
        proof: &["written", "throttled"],
        scenario: hot_key,
    },
    Preset {
        key: "split-hot-shard",
        name: "Fix the hot shard by splitting it",
        explanation: "Here no single key is over the limit, but the busiest key (800 records/s) shares its shard with others, so the shard gets about 1,000 records/s and throttles. At 10 s the shard is split at the hot key's hash. A split is not instant: for 30 s the stream is UPDATING and the parent still takes the writes (and refuses some). At 40 s the stream is ACTIVE again: the key's child takes 800 + a few, the other child the rest, and throttling stops. The parent is closed but stays readable until its records expire.",
        lesson: "Splitting the hot shard at the hot key spreads its load, once the stream is ACTIVE again 30 s later.",
        proof: &["throttled", "open shards"],
        scenario: split_hot_shard,
    },
    Preset {
        key: "uniform-scaling",
        name: "UpdateShardCount: a minute of UPDATING, then even shards",
        explanation: "Four shards get 1,100 records/s each (the keys are spread evenly), over their 1,000 limit, so all four throttle. At 10 s UpdateShardCount asks for five. The call returns at once, but the stream is UPDATING for about a minute (a round of splits, then a round of merges; doubling or halving takes one round): the four shards keep taking the writes and refusing some, and a second UpdateShardCount at 30 s is refused with ResourceInUseException. At 70 s five shards of 20 % each take 880 records/s apiece, and throttling stops. UpdateShardCount may scale a stream at most 10 times a day, to at most double and at least half its open shards.",
        lesson: "UpdateShardCount gives shards of equal size, but only after a minute of UPDATING; meanwhile a second call is refused.",
        proof: &["throttled", "reshards refused", "open shards"],
        scenario: uniform_scaling,
    },
    Preset {
        key: "polling-consumers",
        name: "Too many polling consumers",
        explanation: "Six applications poll every shard once a second with GetRecords, but a shard serves 5 calls a second (and 2 MiB/s) shared by all of them. Calls are throttled, the consumers fall behind and their lag (MillisBehindLatest) climbs. Switch them to enhanced fan-out and each gets its own 2 MiB/s per shard.",
        lesson: "Polling consumers share each shard's 5 reads/s and 2 MiB/s, so more of them means throttled reads.",
        proof: &["read throttled"],
        scenario: polling_consumers,
    },
    Preset {
        key: "enhanced-fan-out",
        name: "Enhanced fan-out",
        explanation: "The same six applications as enhanced fan-out consumers: records are pushed over their own 2 MiB/s per shard, nothing is shared and nothing throttles, and records arrive in about 70 ms instead of after the next poll.",
        lesson: "Enhanced fan-out gives each consumer its own 2 MiB/s per shard: nothing is throttled.",
        proof: &["read throttled"],
        scenario: enhanced_fan_out,
    },
    Preset {
        key: "merge-cold",
        name: "Merge cold shards",
        explanation: "Eight shards carry only 100 records/s: you pay for shards you do not need. At 10 s shards 0 and 1 merge, at 45 s shards 2 and 3: only adjacent shards (whose hash ranges touch) can merge, and each merge closes both parents and opens one child covering both ranges, after 30 s of UPDATING (another resharding call meanwhile is refused, so the second merge waits). Try merging two shards that are not adjacent: AWS refuses it.",
        lesson: "Merging two adjacent cold shards halves their cost without throttling anything.",
        proof: &["open shards", "throttled"],
        scenario: merge_cold,
    },
    Preset {
        key: "lineage",
        name: "Reading children before parents breaks order",
        explanation: "At 10 s the only shard is split; at 40 s, when the stream is ACTIVE again, the children take the writes. This consumer does not respect lineage: it starts reading the children at once, while the parent still has unread records. Records of the same key then arrive out of order (counted per key). A consumer that reads the parent to its end first (KCL does) keeps every key in order: switch lineage on.",
        lesson: "Reading a child shard before its parent is finished delivers records out of order.",
        proof: &["out of order"],
        scenario: lineage,
    },
    Preset {
        key: "replay",
        name: "Retention: replaying from TRIM_HORIZON",
        explanation: "A consumer starts 60 s late with a TRIM_HORIZON iterator: it reads from the oldest retained record, so it first replays the backlog (its lag is a minute) and then catches up with the tip. Kinesis keeps records for the retention period (24 h by default, up to 365 days) whether or not anyone read them.",
        lesson: "Records stay for the retention period, so a consumer can replay them from TRIM_HORIZON.",
        proof: &["written"],
        scenario: replay,
    },
];

fn hot_key() -> KinesisScenario {
    KinesisScenario {
        shards: 4,
        producer: Producer { rate_per_s: 2_000.0, keys: 200, skew: Skew::HotKey { share: 0.7 }, ..Producer::default() },
        ..KinesisScenario::default()
    }
}

fn split_hot_shard() -> KinesisScenario {
    let mut s = KinesisScenario {
        shards: 4,
        producer: Producer { rate_per_s: 1_600.0, keys: 200, skew: Skew::HotKey { share: 0.5 }, ..Producer::default() },
        ..KinesisScenario::default()
    };
    // Split the shard key-0 hashes into (shard 2) at its hash: the key starts the upper child.
    let key = engine::kinesis::partition_hash("key-0");
    s.reshards = vec![ScheduledReshard {
        at_s: 10.0,
        action: Reshard::Split { shard: (key / (u128::MAX / 4 + 1)) as u32, at_key: Some(key.to_string()) },
    }];
    s
}

fn uniform_scaling() -> KinesisScenario {
    KinesisScenario {
        shards: 4,
        producer: Producer { rate_per_s: 4_400.0, keys: 1_000, explicit_hash_keys: true, ..Producer::default() },
        reshards: vec![
            ScheduledReshard { at_s: 10.0, action: Reshard::UpdateShardCount { target: 5 } },
            // Refused: the stream is still UPDATING (the scenario's warnings say so).
            ScheduledReshard { at_s: 30.0, action: Reshard::UpdateShardCount { target: 6 } },
        ],
        ..KinesisScenario::default()
    }
}

fn polling_consumers() -> KinesisScenario {
    KinesisScenario {
        shards: 2,
        producer: Producer { rate_per_s: 400.0, ..Producer::default() },
        consumers: Consumers { polling: 6, ..Consumers::default() },
        ..KinesisScenario::default()
    }
}

fn enhanced_fan_out() -> KinesisScenario {
    KinesisScenario { consumers: Consumers { polling: 0, enhanced: 6, ..Consumers::default() }, ..polling_consumers() }
}

fn merge_cold() -> KinesisScenario {
    KinesisScenario {
        shards: 8,
        producer: Producer { rate_per_s: 100.0, ..Producer::default() },
        reshards: vec![
            ScheduledReshard { at_s: 10.0, action: Reshard::Merge { shard: 0, adjacent: 1 } },
            ScheduledReshard { at_s: 45.0, action: Reshard::Merge { shard: 2, adjacent: 3 } },
        ],
        ..KinesisScenario::default()
    }
}

fn lineage() -> KinesisScenario {
    KinesisScenario {
        shards: 1,
        producer: Producer { rate_per_s: 300.0, keys: 20, ..Producer::default() },
        consumers: Consumers { respect_lineage: false, limit: 100, ..Consumers::default() },
        reshards: vec![ScheduledReshard { at_s: 10.0, action: Reshard::Split { shard: 0, at_key: None } }],
        ..KinesisScenario::default()
    }
}

fn replay() -> KinesisScenario {
    KinesisScenario {
        shards: 2,
        producer: Producer { rate_per_s: 300.0, ..Producer::default() },
        consumers: Consumers {
            start_at: StartAt::TrimHorizon,
            start_after_s: 60.0,
            limit: 500,
            ..Consumers::default()
        },
        ..KinesisScenario::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::kinesis::KinesisSim;
    use engine::{SimDuration, SimTime};

    fn run(key: &str, secs: u64) -> KinesisSim {
        let s = crate::scenes::preset::scenario_of(&PRESETS, key);
        let mut sim = KinesisSim::try_new(&s, 42).unwrap_or_else(|e| panic!("{key}: {e}"));
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(secs));
        sim
    }

    #[test]
    fn every_preset_shows_its_effect() {
        let sim = run("hot-key", 20);
        let throttled: Vec<_> = sim.model().totals().per_shard.iter().filter(|(_, t)| t.1 > 0).collect();
        assert_eq!(throttled.len(), 1, "exactly one hot shard");
        // The split at 10 s takes effect at 40 s: the parent throttles until then, not after.
        let split = run("split-hot-shard", 70);
        let t = split.model().totals();
        let called = run("split-hot-shard", 10).model().totals().throttled;
        let active = run("split-hot-shard", 40).model().totals().throttled;
        assert!(called > 50 && active > called + 100, "UPDATING: throttling goes on: {called} then {active}");
        assert!(t.throttled - active < active / 10, "split stops throttling: {active} then {}", t.throttled);
        assert_eq!(split.model().stream().open_shards().len(), 5);
        // UpdateShardCount 4 → 5: four shards throttle for a minute of UPDATING, a second call is
        // refused, then five even shards take the load.
        let updating = run("uniform-scaling", 70);
        assert_eq!(updating.model().stream().open_shards().len(), 4);
        assert_eq!(updating.model().totals().reshards_refused, 1);
        let scaled = run("uniform-scaling", 75);
        let rescaled = run("uniform-scaling", 105);
        let widths: Vec<u128> = scaled.model().stream().open_shards().iter().map(|s| s.end - s.start).collect();
        assert_eq!(widths.len(), 5);
        assert!(widths.iter().all(|w| w.abs_diff(widths[0]) <= 1), "five equal shards: {widths:?}");
        let (before, after) = (updating.model().totals().throttled, rescaled.model().totals().throttled);
        assert!(before > 1_000 && after - scaled.model().totals().throttled < 20, "{before} then {after}");
        let polled = run("polling-consumers", 30);
        assert!(polled.model().consumers().iter().map(|c| c.throttled).sum::<u64>() > 20);
        let pushed = run("enhanced-fan-out", 30);
        assert!(pushed.model().consumers().iter().all(|c| c.throttled == 0 && c.read > 1_000));
        assert_eq!(run("merge-cold", 40).model().stream().open_shards().len(), 7);
        let merged = run("merge-cold", 80);
        assert_eq!(merged.model().stream().open_shards().len(), 6);
        let broken = run("lineage", 70);
        assert!(broken.model().consumers()[0].out_of_order > 0);
        let replayed = run("replay", 120);
        let c = &replayed.model().consumers()[0];
        assert!(c.read as f64 > 0.9 * replayed.model().totals().written as f64);
    }
}
