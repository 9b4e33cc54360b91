//! Tests of the Kinesis scenario over simulated time: hot keys and splits, shared read limits
//! against enhanced fan-out, lineage and order, duplicates, replay, determinism, and bulk runs.

use super::*;
use crate::time::{SimDuration, SimTime};

fn run(s: &KinesisScenario, secs: f64) -> KinesisSim {
    let mut sim = KinesisSim::try_new(s, 7).unwrap_or_else(|e| panic!("{e}"));
    sim.run_until_done(SimTime::ZERO + SimDuration::from_secs_f64(secs));
    sim
}

/// Shards that refused writes.
fn throttled_shards(sim: &KinesisSim) -> Vec<ShardId> {
    sim.model().totals().per_shard.iter().filter(|(_, (_, t))| *t > 0).map(|(id, _)| *id).collect()
}

fn hot(share: f64) -> KinesisScenario {
    KinesisScenario {
        shards: 4,
        producer: Producer { rate_per_s: 1_600.0, keys: 200, skew: Skew::HotKey { share }, ..Producer::default() },
        ..KinesisScenario::default()
    }
}

#[test]
fn a_hot_key_throttles_exactly_its_shard_and_splitting_that_shard_fixes_it() {
    let sim = run(&hot(0.5), 20.0);
    let hot_shard = sim.model().stream().route(sim.model().key_hash(0).unwrap_or(0));
    assert_eq!(throttled_shards(&sim), vec![hot_shard]);
    let t = sim.model().totals();
    assert!(t.retries > 0, "throttled records are retried");
    // Split the hot shard at the hot key: the key's half takes 800 + 100 records/s, under 1,000.
    let mut fixed = hot(0.5);
    let key = sim.model().key_hash(0).unwrap_or(0);
    let side = if key == sim.model().stream().shard(hot_shard).map_or(0, |s| s.start) { key + 1 } else { key };
    fixed.reshards = vec![ScheduledReshard {
        at_s: 10.0,
        action: Reshard::Split { shard: hot_shard.0, at_key: Some(side.to_string()) },
    }];
    // The split is asynchronous: for 30 s the stream is UPDATING and the parent still takes (and
    // refuses) the hot key's writes; then the children take them.
    let called = run(&fixed, 10.0).model().totals().throttled;
    let before = run(&fixed, 40.0).model().totals().throttled;
    let after = run(&fixed, 60.0).model().totals().throttled;
    assert!(called > 0 && before > called + called / 2, "throttling goes on while UPDATING: {called} then {before}");
    assert!(after - before < before / 10, "throttling mostly stops after the split: {before} then {after}");
    // A single key over 1,000 records/s cannot be fixed by splitting: one key maps to one shard.
    let one = KinesisScenario {
        producer: Producer { rate_per_s: 1_500.0, keys: 1, ..Producer::default() },
        ..KinesisScenario::default()
    };
    assert!(run(&one, 5.0).model().totals().gave_up > 0);
}

#[test]
fn polling_consumers_share_five_calls_a_second_and_enhanced_fan_out_does_not() {
    let with = |polling, enhanced| KinesisScenario {
        shards: 2,
        consumers: Consumers { polling, enhanced, ..Consumers::default() },
        ..KinesisScenario::default()
    };
    let one = run(&with(1, 0), 30.0);
    assert_eq!(one.model().consumers()[0].throttled, 0);
    let six = run(&with(6, 0), 30.0);
    let throttled: u64 = six.model().consumers().iter().map(|c| c.throttled).sum();
    assert!(throttled > 20, "six consumers polling every second share 5 calls/s: {throttled} throttled");
    let efo = run(&with(0, 6), 30.0);
    let m = efo.model();
    assert!(m.consumers().iter().all(|c| c.throttled == 0 && c.read > 5_000));
    let p50 = |c: &ConsumerState| c.latency.quantile(0.5).map_or(f64::MAX, |d| d.as_secs_f64());
    let polled = p50(&one.model().consumers()[0]);
    let pushed = p50(&m.consumers()[0]);
    assert!(pushed < 0.1 && polled > 0.3, "pushed {pushed} s vs polled {polled} s");
}

fn resharded(respect_lineage: bool) -> KinesisScenario {
    KinesisScenario {
        shards: 1,
        producer: Producer { rate_per_s: 400.0, keys: 20, ..Producer::default() },
        consumers: Consumers { respect_lineage, poll_interval_ms: 1_000.0, limit: 200, ..Consumers::default() },
        reshards: vec![ScheduledReshard { at_s: 5.0, action: Reshard::Split { shard: 0, at_key: None } }],
        ..KinesisScenario::default()
    }
}

#[test]
fn reading_children_before_parents_breaks_per_key_order() {
    // The split completes at 35 s; the consumer reads 200 of the 400 records written a second.
    let ordered = run(&resharded(true), 100.0);
    let c = &ordered.model().consumers()[0];
    assert_eq!(c.out_of_order, 0);
    assert!(c.finished.contains(&ShardId(0)), "the parent was read to its end");
    let broken = run(&resharded(false), 70.0);
    assert!(broken.model().consumers()[0].out_of_order > 0);
}

#[test]
fn lost_acknowledgements_write_duplicates_that_consumers_read_twice() {
    let s = KinesisScenario {
        producer: Producer { lost_ack_probability: 0.05, ..Producer::default() },
        ..KinesisScenario::default()
    };
    let sim = run(&s, 30.0);
    assert!(sim.model().totals().duplicates_written > 100);
    assert!(sim.model().consumers()[0].duplicates > 100);
}

#[test]
fn a_late_consumer_from_trim_horizon_replays_what_is_retained() {
    let s = KinesisScenario {
        consumers: Consumers { start_at: StartAt::TrimHorizon, start_after_s: 60.0, ..Consumers::default() },
        ..KinesisScenario::default()
    };
    let sim = run(&s, 120.0);
    let c = &sim.model().consumers()[0];
    assert!(
        c.read as f64 > 0.95 * sim.model().totals().written as f64,
        "{} of {}",
        c.read,
        sim.model().totals().written
    );
    assert!(c.latency.quantile(0.99).is_some_and(|d| d.as_secs_f64() > 30.0), "old records were read late");
}

#[test]
fn runs_are_deterministic_and_scenarios_are_checked() {
    let s = hot(0.5);
    assert_eq!(run(&s, 10.0).trace_hash(), run(&s, 10.0).trace_hash());
    let mut bad = hot(0.5);
    bad.shards = 0;
    assert!(KinesisSim::try_new(&bad, 1).is_err());
    bad = hot(1.5);
    assert!(bad.validate().expect_err("share").to_string().contains("producer.skew.share"));
    let text = s.to_file_json();
    assert_eq!(KinesisScenario::from_file_json(&text), Ok(s));
}

#[test]
fn the_bulk_yardstick_writes_every_shard_at_its_limit() {
    let mut s = KinesisScenario::benchmark();
    s.shards = 50;
    s.producer.rate_per_s = 50_000.0;
    let sim = run(&s, 10.0);
    let t = sim.model().totals();
    assert!(t.written > 450_000 && t.throttled == 0, "{t:?}");
    assert!(sim.model().consumers()[0].read > 400_000);
    // Over the limit, runs are cut at 1,000 records a second per shard.
    s.producer.rate_per_s = 100_000.0;
    let t = run(&s, 10.0).model().totals().clone();
    assert!(t.throttled > 400_000 && t.written <= 50 * 1_000 * 11, "{t:?}");
}

#[test]
fn the_busiest_keys_are_the_largest_shares_busiest_first() {
    for skew in [Skew::Uniform, Skew::HotKey { share: 0.3 }, Skew::Zipf { exponent: 1.1 }] {
        let s = KinesisScenario {
            producer: Producer { keys: 300, skew, ..Producer::default() },
            ..KinesisScenario::default()
        };
        let sim = run(&s, 0.0);
        let m = sim.model();
        let busiest = m.busiest_keys();
        assert_eq!(busiest.len(), super::model::BUSIEST_KEYS);
        for pair in busiest.windows(2) {
            assert!(pair[0].1 >= pair[1].1, "{skew:?}: busiest first: {pair:?}");
        }
        for &(k, share) in busiest {
            assert!((share - m.key_share(k)).abs() < 1e-12, "{skew:?}: key {k}: {share} vs {}", m.key_share(k));
        }
        // No other key is busier than the last one listed (shares equal up to rounding tie).
        let last = busiest.last().map_or(0.0, |k| k.1);
        assert!((0..300).all(|k| busiest.iter().any(|b| b.0 == k) || m.key_share(k) <= last + 1e-12), "{skew:?}");
    }
}

#[test]
fn update_shard_count_keeps_the_old_shards_while_updating_then_spreads_the_load_evenly() {
    // 2,000 records/s over keys spread evenly: 500 a shard, then 400 on each of five.
    let s = KinesisScenario {
        shards: 4,
        producer: Producer { rate_per_s: 2_000.0, keys: 1_000, explicit_hash_keys: true, ..Producer::default() },
        consumers: Consumers { polling: 0, ..Consumers::default() },
        reshards: vec![
            ScheduledReshard { at_s: 10.0, action: Reshard::UpdateShardCount { target: 5 } },
            ScheduledReshard { at_s: 30.0, action: Reshard::Split { shard: 0, at_key: None } },
        ],
        ..KinesisScenario::default()
    };
    let plan = s.reshard_plan();
    assert_eq!(plan[0].done_at_s, Some(70.4), "a round of splits, a round of merges, 0.1 s a shard");
    assert!(plan[1].outcome.as_ref().is_err_and(|e| e.code == "ResourceInUseException"), "{:?}", plan[1]);
    let during = run(&s, 70.0);
    assert_eq!(during.model().stream().open_shards().len(), 4, "UPDATING: the four shards still take the writes");
    assert!(during.model().stream().updating().is_some());
    assert_eq!(during.model().totals().reshards_refused, 1);
    let called = run(&s, 10.001);
    let started: Vec<_> = called
        .trace()
        .recent()
        .filter(|e| e.reason == crate::Reason::ReshardStarted)
        .map(|e| (e.at, e.count))
        .collect();
    assert_eq!(started, [(SimTime::ZERO + SimDuration::from_secs(10), 5)]);
    let (a, b) = (run(&s, 80.0), run(&s, 110.0));
    assert_eq!(b.model().stream().open_shards().len(), 5);
    let written = |sim: &KinesisSim, id: ShardId| sim.model().totals().per_shard.get(&id).map_or(0, |t| t.0);
    let per_shard: Vec<u64> =
        b.model().stream().open_shards().iter().map(|x| written(&b, x.id) - written(&a, x.id)).collect();
    // 30 s at 400 records/s each: equal shares, where 25/25/25/12.5/12.5 % gave 3,000 to two.
    assert!(per_shard.iter().all(|&n| (10_800..13_200).contains(&n)), "{per_shard:?}");
}
