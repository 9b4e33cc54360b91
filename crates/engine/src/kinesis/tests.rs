//! Kinesis stream tests beyond the shared conformance cases: limits, reads, iterators,
//! retention and lineage.

use super::*;
use crate::time::{SimDuration, SimTime};

fn at(secs: f64) -> SimTime {
    SimTime::ZERO + SimDuration::from_secs_f64(secs)
}

fn stream(shards: u32) -> Stream {
    Stream::create("s", shards, 24).expect("valid")
}

#[test]
fn the_open_shards_cover_the_whole_hash_space_through_any_resharding() {
    let mut s = stream(3);
    let check = |s: &Stream| {
        let open = s.open_shards();
        assert_eq!(open[0].start, 0);
        assert_eq!(open.last().map(|x| x.end), Some(MAX_HASH_KEY));
        for pair in open.windows(2) {
            assert_eq!(pair[0].end + 1, pair[1].start, "gap or overlap between {} and {}", pair[0].id, pair[1].id);
        }
    };
    check(&s);
    // Each call waits until the stream is ACTIVE again (the coverage holds while UPDATING too).
    let active = |s: &mut Stream| {
        let until = s.updating().map(|u| u.until).expect("UPDATING");
        check(s);
        assert!(s.settle(until).is_some());
        until
    };
    let mid = (s.shard(ShardId(1)).map_or(0, |x| x.start) + s.shard(ShardId(1)).map_or(0, |x| x.end)) / 2;
    s.split_shard(at(1.0), "shardId-000000000001", &mid.to_string()).expect("split");
    let t = active(&mut s);
    check(&s);
    s.merge_shards(t, "shardId-000000000003", "shardId-000000000004").expect("merge the children back");
    let t = active(&mut s);
    check(&s);
    s.update_shard_count(t, 6).expect("double");
    let t = active(&mut s);
    check(&s);
    s.update_shard_count(t, 4).expect("shrink");
    active(&mut s);
    check(&s);
    assert_eq!(s.open_shards().len(), 4);
    for h in [0, 1, MAX_HASH_KEY / 3, MAX_HASH_KEY - 1, MAX_HASH_KEY] {
        assert!(s.shard(s.route(h)).is_some_and(|x| x.is_open() && x.owns(h)));
    }
}

#[test]
fn a_shard_takes_1000_records_or_1_mib_a_second_then_throttles() {
    let mut s = stream(1);
    for i in 0..1_000 {
        s.put(at(0.5), i, 10, i as u64).expect("within the record limit");
    }
    let err = s.put(at(0.9), 7, 10, 0).expect_err("record 1,001 in the same second");
    assert_eq!(err.code, "ProvisionedThroughputExceededException");
    s.put(at(1.0), 7, 10, 0).expect("a new second");
    let mut s = stream(1);
    s.put(at(0.0), 1, 1 << 19, 0).expect("half a MiB");
    s.put(at(0.1), 1, 1 << 19, 0).expect("the second half");
    assert!(s.put(at(0.2), 1, 1, 0).is_err(), "over 1 MiB in one second");
}

#[test]
fn sequence_numbers_increase_per_shard_and_put_records_reports_per_record() {
    let mut s = stream(2);
    let keys: Vec<String> = (0..600).map(|i| format!("key-{i}")).collect();
    let entries: Vec<(&str, Option<&str>, u64)> = keys.iter().take(500).map(|k| (k.as_str(), None, 100)).collect();
    let results = s.put_records(at(1.0), &entries).expect("500 is allowed");
    assert_eq!(results.len(), 500);
    assert!(results.iter().all(Result::is_ok));
    for shard in s.shards() {
        let seqs: Vec<u64> = shard.records().iter().map(|r| r.seq).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    }
    let too_many: Vec<(&str, Option<&str>, u64)> = keys.iter().map(|k| (k.as_str(), None, 1)).collect();
    assert_eq!(s.put_records(at(2.0), &too_many).expect_err("600").code, "ValidationException");
    // Over the shard's limit inside one call: some records fail, each with its own error.
    let mut hot = stream(1);
    let burst: Vec<(&str, Option<&str>, u64)> = keys.iter().take(500).map(|k| (k.as_str(), None, 4_000)).collect();
    let results = hot.put_records(at(3.0), &burst).expect("a valid request");
    let failed = results
        .iter()
        .filter(|r| r.as_ref().is_err_and(|e| e.code == "ProvisionedThroughputExceededException"))
        .count();
    assert!(failed > 200 && failed < 300, "{failed} of 500 throttled by 1 MiB/s");
}

#[test]
fn reads_share_five_calls_a_second_and_a_10_mib_read_throttles_the_next_5_seconds() {
    let mut s = stream(1);
    for i in 0..11 {
        s.put(at(f64::from(i)), 1, 1 << 20, 0).expect("one MiB a second");
    }
    let it = s.shard_iterator(at(11.0), ShardId(0), IteratorType::TrimHorizon).expect("iterator");
    let out = s.get_records(at(11.0), it, 10_000).expect("read");
    assert_eq!(out.records.len(), 10, "10 MiB at most per call");
    let next = out.next.expect("more to read");
    let err = s.get_records(at(15.9), next, 10_000).expect_err("still paying for 10 MiB");
    assert_eq!(err.code, "ProvisionedThroughputExceededException");
    let out = s.get_records(at(16.0), next, 10_000).expect("5 s later");
    assert_eq!(out.records.len(), 1);
    assert_eq!(out.millis_behind_latest, 0);
    let mut calls = stream(1);
    let it = calls.shard_iterator(at(0.0), ShardId(0), IteratorType::Latest).expect("iterator");
    for _ in 0..5 {
        calls.get_records(at(0.5), it, 100).expect("five calls");
    }
    assert!(calls.get_records(at(0.6), it, 100).is_err(), "a sixth call in the same second");
    assert_eq!(calls.get_records(at(0.6), it, 20_000).expect_err("limit").code, "ValidationException");
}

#[test]
fn iterators_expire_after_five_minutes_and_know_where_to_start() {
    let mut s = stream(1);
    let (_, first) = s.put(at(1.0), 1, 10, 0).expect("put");
    let (_, second) = s.put(at(2.0), 1, 10, 0).expect("put");
    let from = |s: &Stream, kind| s.shard_iterator(at(3.0), ShardId(0), kind).expect("iterator").from_seq;
    assert_eq!(from(&s, IteratorType::AtSequenceNumber(second)), second);
    assert_eq!(from(&s, IteratorType::AfterSequenceNumber(first)), first + 1);
    assert_eq!(from(&s, IteratorType::AtTimestamp(at(1.5))), second);
    assert!(from(&s, IteratorType::Latest) > second);
    let it = s.shard_iterator(at(3.0), ShardId(0), IteratorType::TrimHorizon).expect("iterator");
    let expired = s.get_records(at(303.1), it, 10).expect_err("expired");
    assert_eq!(expired.code, "ExpiredIteratorException");
    // AWS's words (KL test/getRecords.js), simulated time zero shown as the Unix epoch.
    assert_eq!(
        expired.message,
        "Iterator expired. The iterator was created at time Thu Jan 01 00:00:03 UTC 1970 while right now it is Thu Jan 01 00:05:03 UTC 1970 which is further in the future than the tolerated delay of 300000 milliseconds."
    );
    assert_eq!(s.get_records(at(302.9), it, 10).expect("not yet").records.len(), 2);
}

#[test]
fn retention_trims_and_a_closed_parent_stays_readable_then_expires() {
    let mut s = stream(1);
    s.put(at(0.0), 5, 10, 1).expect("put");
    s.split_shard(at(10.0), "shardId-000000000000", &(MAX_HASH_KEY / 2).to_string()).expect("split");
    assert!(s.put(at(11.0), 5, 10, 2).is_ok_and(|(id, _)| id == ShardId(0)), "the parent takes writes while UPDATING");
    assert!(s.put(at(41.0), 5, 10, 3).is_ok_and(|(id, _)| id == ShardId(1)), "then new writes go to a child");
    let it = s.shard_iterator(at(42.0), ShardId(0), IteratorType::TrimHorizon).expect("a closed shard is readable");
    let out = s.get_records(at(42.0), it, 10).expect("read");
    assert_eq!(out.records.len(), 2);
    assert_eq!(out.next, None, "read to its end");
    assert_eq!(out.child_shards, vec![ShardId(1), ShardId(2)]);
    assert_eq!(s.shard(ShardId(0)).map(|p| p.state), Some(ShardState::Closed { at: at(40.0) }));
    s.trim(at(24.0 * 3_600.0 + 40.5), &[]);
    assert!(s.shard(ShardId(0)).is_some_and(|p| p.records().is_empty() && p.state == ShardState::Expired));
    assert_eq!(s.shards().count(), 2, "expired shards are not listed");
    assert_eq!(s.shard(ShardId(1)).map(|c| c.records().len()), Some(1), "the child's record is younger");
    // The running count follows the records in and out.
    for shard in s.shards() {
        assert_eq!(shard.retained_count(), shard.records().iter().map(|r| u64::from(r.count)).sum::<u64>());
    }
    assert_eq!(s.shard(ShardId(1)).map(Shard::retained_count), Some(1));
}

#[test]
fn bad_arguments_carry_aws_codes_and_rules() {
    let mut s = stream(2);
    assert_eq!(s.put_record(at(0.0), "", None, 1, 0).expect_err("empty key").code, "ValidationException");
    let long = "k".repeat(257);
    assert_eq!(s.put_record(at(0.0), &long, None, 1, 0).expect_err("257 chars").code, "ValidationException");
    let e = s.put_record(at(0.0), "a", Some("340282366920938463463374607431768211456"), 1, 0).expect_err("2^128");
    assert_eq!(e.code, "InvalidArgumentException");
    assert_eq!(s.put_record(at(0.0), "a", Some("01"), 1, 0).expect_err("leading zero").code, "ValidationException");
    assert!(s.put_record(at(0.0), "a", None, 1 << 20, 0).is_err(), "over 1 MiB with its key");
    let e = s.update_shard_count(at(0.0), 5).expect_err("more than double");
    assert_eq!(e.code, "LimitExceededException");
    assert!(e.message.contains("Current open shard count: 2, Target shard count: 5"), "{}", e.message);
    assert!(s.update_shard_count(at(0.0), 0).is_err());
    assert_eq!(Stream::create("s", 1, 23).expect_err("retention").code, "InvalidArgumentException");
    assert!(s.split_shard(at(0.0), "shardId-000000000009", "5").is_err_and(|e| e.code == "ResourceNotFoundException"));
}

#[test]
fn refused_scheduled_reshardings_are_named_with_awss_reason_and_the_run_agrees() {
    let action = |at_s: f64, action: Reshard| ScheduledReshard { at_s, action };
    let scenario = KinesisScenario {
        shards: 4,
        reshards: vec![
            action(10.0, Reshard::Merge { shard: 1, adjacent: 1 }),
            action(20.0, Reshard::Merge { shard: 7, adjacent: 8 }),
            action(30.0, Reshard::Split { shard: 0, at_key: Some("-5".into()) }),
            action(40.0, Reshard::Split { shard: 0, at_key: Some("abc".into()) }),
            action(50.0, Reshard::Split { shard: 2, at_key: None }),
            action(60.0, Reshard::Merge { shard: 2, adjacent: 3 }),
            action(5.0, Reshard::Merge { shard: 0, adjacent: 2 }),
        ],
        // No traffic: the trace keeps the resharding events for the check below.
        producer: Producer { rate_per_s: 0.0, ..Producer::default() },
        ..KinesisScenario::default()
    };
    scenario.validate().expect("refusals are warnings, not errors");
    let plan = scenario.reshard_plan();
    // In the order the run meets them: by time.
    assert_eq!(plan.iter().map(|p| p.index).collect::<Vec<_>>(), [6, 0, 1, 2, 3, 4, 5]);
    let refused: Vec<usize> = plan.iter().filter(|p| p.outcome.is_err()).map(|p| p.index).collect();
    // Shard 2 was split at 50 s, so merging it at 60 s is refused too: the stream is UPDATING.
    assert_eq!(refused, [6, 0, 1, 2, 3, 5]);
    assert_eq!(plan[5].done_at_s, Some(80.0), "the split completes 30 s after the call");
    assert!(plan[6].outcome.as_ref().is_err_and(|e| e.code == "ResourceInUseException"), "{:?}", plan[6]);
    let warnings = scenario.reshard_warnings();
    assert_eq!(warnings.len(), 6);
    assert!(warnings[0].starts_with("reshards[6] at 5 s is refused: InvalidArgumentException"), "{}", warnings[0]);
    assert!(warnings.iter().any(|w| w.contains("ResourceNotFoundException")), "{warnings:?}");
    // The run refuses the same actions, and only those; the split completes when the plan says.
    let mut sim = KinesisSim::try_new(&scenario, 7).expect("valid");
    sim.run_until_done(at(90.0));
    let traced: Vec<(u32, Option<u64>)> = sim
        .trace()
        .recent()
        .filter(|e| e.reason == crate::Reason::ReshardStarted || e.reason == crate::Reason::Resharded && e.count == 0)
        .map(|e| match e.reason {
            crate::Reason::ReshardStarted => (e.count, None),
            _ => (0, e.seq),
        })
        .collect();
    let expected: Vec<(u32, Option<u64>)> = plan
        .iter()
        .map(|p| match &p.outcome {
            Ok(open) => (*open, None),
            Err(_) => (0, Some(p.index as u64)),
        })
        .collect();
    assert_eq!(traced, expected);
    let done: Vec<SimTime> =
        sim.trace().recent().filter(|e| e.reason == crate::Reason::Resharded && e.count > 0).map(|e| e.at).collect();
    assert_eq!(done, [at(80.0)]);
    assert_eq!(sim.model().totals().reshards_refused, 6);
}

#[test]
fn resharding_cannot_take_a_scenario_past_its_shard_bound() {
    let mut scenario = KinesisScenario { shards: 600, ..KinesisScenario::default() };
    scenario.reshards = vec![ScheduledReshard { at_s: 0.0, action: Reshard::UpdateShardCount { target: 1_200 } }];
    let err = scenario.validate().expect_err("1,200 open shards");
    assert!(err.to_string().contains("reshards[0]"), "{err}");
    scenario.reshards[0].action = Reshard::UpdateShardCount { target: 1_000 };
    scenario.validate().expect("within the bound");
}

/// Reads shard 0 from `from` in pushes of at most `bytes`, to its end: records read, where it
/// stopped, and the most records one read returned.
fn read_to_end(s: &Stream, mut from: u64, bytes: u64) -> (u64, u64) {
    let mut read = 0;
    loop {
        let got = s.read_pushed(ShardId(0), from, bytes);
        let Some(last) = got.last() else { return (read, from) };
        assert!(got.iter().map(|r| r.bytes).sum::<u64>() <= bytes.max(10), "a push stays within its bytes");
        read += got.iter().map(|r| u64::from(r.count)).sum::<u64>();
        from = last.end();
    }
}

#[test]
fn compaction_bounds_the_entries_and_every_reader_reads_each_record_once() {
    const N: u64 = 20_000;
    let mut s = stream(1);
    for i in 0..N {
        // 500 records/s, 10 bytes each: under the write limits.
        s.put(at(i as f64 * 0.002), 1, 10, i).expect("put");
    }
    // A reader part-way through, at a position inside what gets compacted.
    let part = s.read_pushed(ShardId(0), 0, 12_340);
    let reader = part.last().map_or(0, |r| r.end());
    let read_before: u64 = part.iter().map(|r| u64::from(r.count)).sum();
    assert_eq!(read_before, 1_234);
    for _ in 0..20 {
        s.compact(1_000, &[(ShardId(0), reader)]);
    }
    let shard = s.shard(ShardId(0)).expect("shard");
    assert!(shard.records().len() < 2_000, "compacted to {} entries", shard.records().len());
    assert_eq!(shard.retained_count(), N, "no record is lost");
    assert_eq!(shard.records().iter().map(|r| u64::from(r.count)).sum::<u64>(), N);
    assert!(shard.records().iter().zip(shard.records().iter().skip(1)).all(|(a, b)| a.end() <= b.seq), "in order");
    assert!(shard.records().iter().all(|r| r.span >= r.count && u64::from(r.span) <= 60_000_000));
    assert!(shard.records().iter().any(|r| r.count > 1 && r.tag == super::stream::MIXED_KEYS), "runs forget keys");
    // The reader goes on exactly where it was; a new one reads everything; both in small pieces.
    assert_eq!(read_to_end(&s, reader, 100).0, N - read_before);
    assert_eq!(read_to_end(&s, 0, 1_000).0, N);
    // GetRecords honours its Limit inside a run.
    let it = s.shard_iterator(at(50.0), ShardId(0), IteratorType::TrimHorizon).expect("iterator");
    let out = s.get_records(at(50.0), it, 100).expect("read");
    assert_eq!(out.records.iter().map(|r| r.count).sum::<u32>(), 100);
    assert!(out.millis_behind_latest > 0, "the rest of the run is still unread");
}

#[test]
fn resharding_keeps_the_stream_updating_and_refuses_another_call_until_it_is_active() {
    let mut s = stream(2);
    assert!(s.updating().is_none());
    let (low, high) = s.split_shard(at(10.0), "shardId-000000000000", &(MAX_HASH_KEY / 4).to_string()).expect("split");
    let u = s.updating().expect("UPDATING");
    assert_eq!((u.since, u.until), (at(10.0), at(40.0)), "SplitShard takes 30 s");
    assert_eq!(u.closing, [ShardId(0)]);
    assert_eq!(u.ranges_after.len(), 3);
    // Nothing changed yet: the same shards are listed, and writes go on to the parent.
    assert_eq!(s.shards().count(), 2);
    assert!(s.put(at(20.0), 1, 10, 0).is_ok_and(|(id, _)| id == ShardId(0)));
    let in_use = "Stream s under account 123456789012 not ACTIVE, instead in state UPDATING";
    let calls = [
        s.split_shard(at(39.9), "shardId-000000000001", &(MAX_HASH_KEY / 4 * 3).to_string()).map(|_| ()),
        s.merge_shards(at(39.9), "shardId-000000000000", "shardId-000000000001").map(|_| ()),
        s.update_shard_count(at(39.9), 4),
    ];
    for call in calls {
        let e = call.expect_err("in use");
        assert_eq!((e.code, e.message.as_str()), ("ResourceInUseException", in_use));
    }
    // A bad argument is still named first (kinesalite's order).
    let e = s.split_shard(at(39.9), "shardId-000000000001", "1").expect_err("a key outside the shard");
    assert_eq!(e.code, "InvalidArgumentException");
    // At 40 s the parent closes and the children take the writes.
    assert!(s.put(at(40.0), 1, 10, 0).is_ok_and(|(id, _)| id == low));
    assert!(s.updating().is_none());
    assert_eq!(s.shard(ShardId(0)).map(|p| p.state), Some(ShardState::Closed { at: at(40.0) }));
    assert!(s.shard(high).is_some_and(Shard::is_open));
    s.merge_shards(at(40.0), &low.to_string(), &high.to_string()).expect("ACTIVE again");
    let done = s.settle(at(70.0)).expect("the merge completes 30 s later");
    assert_eq!(
        (done.at, done.closed.as_slice(), done.opened.as_slice()),
        (at(70.0), &[low, high][..], &[ShardId(4)][..])
    );
}

/// Scales a new stream of `from` shards to `to` and waits until it is ACTIVE again: the stream
/// and when it was.
fn scaled(from: u32, to: u32) -> (Stream, SimTime) {
    let mut s = stream(from);
    s.update_shard_count(at(0.0), to).expect("within the limits");
    let u = s.updating().cloned().expect("UPDATING");
    assert_eq!(s.open_shards().len(), from as usize, "nothing changes while UPDATING");
    s.settle(u.until);
    assert_eq!(open_ranges(&s), u.ranges_after, "UPDATING said what it would do");
    (s, u.until)
}

fn open_ranges(s: &Stream) -> Vec<(u128, u128)> {
    s.open_shards().iter().map(|x| (x.start, x.end)).collect()
}

#[test]
fn update_shard_count_makes_shards_of_equal_size_with_the_operations_aws_was_recorded_making() {
    let shares = |s: &Stream| -> Vec<f64> {
        open_ranges(s).iter().map(|r| (r.1 - r.0) as f64 / MAX_HASH_KEY as f64).collect::<Vec<_>>()
    };
    // 4 → 5: five shards of 20 % each (it was 25, 25, 25, 12.5 and 12.5 %), as if created with 5;
    // a round of splits and a round of merges, plus 0.1 s per shard.
    let (s, until) = scaled(4, 5);
    assert_eq!(open_ranges(&s), even_ranges(5));
    assert_eq!(s.shards().count(), 15, "AWS's recorded count, closed shards included");
    assert_eq!(until, at(60.4));
    // Doubling splits every shard in half, in one round.
    let (s, until) = scaled(2, 4);
    assert_eq!(open_ranges(&s), even_ranges(4));
    assert_eq!(until, at(30.2));
    assert_eq!(open_ranges(&scaled(4, 8).0), even_ranges(8));
    // 10 → 13: AWS's recorded 37 shards leave no room for exactly 1/13 each: 7.5 % and 8 %.
    let (s, _) = scaled(10, 13);
    assert_eq!(s.shards().count(), 37);
    assert!(shares(&s).iter().all(|w| (0.0749..0.0801).contains(w)), "{:?}", shares(&s));
    // 5 → 3: merges only (7 shards in all), in one round: 40 %, 40 % and 20 %.
    let (s, until) = scaled(5, 3);
    assert_eq!(s.shards().count(), 7);
    let got: Vec<String> = shares(&s).iter().map(|w| format!("{w:.2}")).collect();
    assert_eq!(got, ["0.40", "0.40", "0.20"]);
    assert_eq!(until, at(30.5));
    // After a reader's uneven split (6.25 %, 43.75 %, 50 %), one split per shard cannot undo
    // the narrow shard, but the rest of the space is cut evenly.
    let mut s = stream(2);
    s.split_shard(at(0.0), "shardId-000000000000", &(MAX_HASH_KEY / 16).to_string()).expect("split");
    s.settle(at(30.0));
    s.update_shard_count(at(30.0), 4).expect("3 → 4");
    s.settle(at(100.0));
    let got: Vec<String> = shares(&s).iter().map(|w| format!("{w:.4}")).collect();
    assert_eq!(got, ["0.0625", "0.3125", "0.3125", "0.3125"]);
}

#[test]
fn update_shard_count_scales_at_most_ten_times_in_a_rolling_day() {
    let mut s = stream(4);
    let mut now = at(0.0);
    for i in 0..10 {
        s.update_shard_count(now, if i % 2 == 0 { 8 } else { 4 }).expect("ten a day");
        now = s.updating().map(|u| u.until).expect("UPDATING");
        s.settle(now);
    }
    let e = s.update_shard_count(now, 8).expect_err("the eleventh in 24 hours");
    assert_eq!(e.code, "LimitExceededException");
    assert!(e.message.contains("10 times in the last 24 hours") && e.message.contains("at 86400 s"), "{}", e.message);
    // SplitShard and MergeShards do not count.
    let first = s.open_shards()[0].id;
    let mid = s.open_shards()[0].start + (s.open_shards()[0].end - s.open_shards()[0].start) / 2;
    assert!(s.split_shard(now, &first.to_string(), &mid.to_string()).is_ok(), "SplitShard is not counted");
    s.settle(now + SimDuration::from_secs(30));
    // 24 hours after the first scaling, it leaves the period.
    assert!(s.update_shard_count(at(86_399.0), 8).is_err_and(|e| e.code == "LimitExceededException"));
    s.update_shard_count(at(86_400.0), 8).expect("the first scaling left the rolling period");
}

#[test]
fn argument_errors_carry_the_texts_aws_was_recorded_giving() {
    // Sources: kinesalite's tests, run against AWS (KL test/*.js); the conformance file has them too.
    let mut s = stream(3);
    let e = s.put_record(at(0.0), "", None, 1, 0).expect_err("empty key");
    assert_eq!(e.message, "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1");
    let e = s.put_record(at(0.0), &"k".repeat(257), Some(""), 1_048_577, 0).expect_err("three errors");
    assert!(e.message.starts_with("3 validation errors detected: Value 'kkk"), "{}", e.message);
    assert!(e.message.contains("at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; Value '' at 'explicitHashKey'"), "{}", e.message);
    let e = s.put_record(at(0.0), "a", Some("340282366920938463463374607431768211456"), 1, 0).expect_err("2^128");
    assert_eq!(e.message, "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456");
    // An invalid entry fails the whole PutRecords, whatever its position.
    let mut entries = vec![("a", None, 1); 40];
    entries[30].0 = "";
    let e = s.put_records(at(0.0), &entries).expect_err("entry 31");
    assert!(e.message.contains("'records.31.member.partitionKey'"), "{}", e.message);
    assert_eq!(s.shards().map(|x| x.retained_count()).sum::<u64>(), 0, "nothing written");
    // Shard ids as AWS reads them: the digits after the first '-'.
    assert_eq!(ShardId::parse("shard-2"), Some(ShardId(2)));
    assert_eq!(ShardId::parse("-00002147483647"), Some(ShardId(2_147_483_647)));
    assert_eq!(ShardId::parse("shardId-002147483648"), None);
    assert_eq!(ShardId::parse("2.14E4"), None);
    let e = s.split_shard(at(0.0), "shardId-5", "0").expect_err("no shard 5");
    assert_eq!(e.message, "Could not find shard shardId-000000000005 in stream s under account 123456789012.");
    let e = s.split_shard(at(0.0), "shard-2", "999999999999999999999999999999999999999").expect_err("above 2^128 - 1");
    assert!(e.message.starts_with("NewStartingHashKey 999999999999999999999999999999999999999 used in SplitShard() on shard shardId-000000000002"), "{}", e.message);
    let e = s.shard_iterator_by_name(at(0.0), "shardId-7", IteratorType::Latest).expect_err("no shard 7");
    assert_eq!(e.message, "Shard shardId-000000000007 in stream s under account 123456789012 does not exist");
    let it = s.shard_iterator(at(0.0), ShardId(0), IteratorType::Latest).expect("iterator");
    let e = s.get_records(at(0.0), it, 0).expect_err("limit 0");
    assert_eq!((e.code, e.message.as_str()), ("ValidationException", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"));
    let e = s.update_shard_count(at(0.0), 100_001).expect_err("over 100,000");
    assert_eq!(e.message, "1 validation error detected: Value '100001' at 'targetShardCount' failed to satisfy constraint: Member must have value less than or equal to 100000");
    let e = Stream::create("s", 0, 24).expect_err("no shards");
    assert_eq!(e.code, "ValidationException");
    let e = Stream::create("s", 10_001, 24).expect_err("over the shard limit");
    assert!(
        e.code == "LimitExceededException"
            && e.message.contains(
                "Limit: 10000. Number of additional shards that would have resulted from this request: 10001."
            ),
        "{e}"
    );
    let e = Stream::create("s", 1, 23).expect_err("retention");
    assert_eq!(
        e.message,
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short."
    );
}
