//! Engine tests at the public boundary: core pieces, the reference scenario, and properties.

use proptest::prelude::*;

use crate::metrics::{Series, SeriesKind};
use crate::reference::{reference_trace_hash, ReferenceModel, ReferenceScenario, ReferenceSim};
use crate::scenario::ConfigError;
use crate::trace::{Trace, TraceRecord};
use crate::{Arrivals, Distribution, RunOutcome, Scheduler, Sim, SimDuration, SimRng, SimTime, Workload};

/// The trace hash of the default reference scenario, seed 42, 10 simulated minutes. The browser
/// test checks the wasm build against the CLI; this pins it against accidental changes. If a
/// change to the reference model is intended, update it with the value the failure prints.
const REFERENCE_HASH_SEED_42: u64 = 0x089d_77e5_99f8_e575;

#[test]
fn time_formats_and_converts() {
    assert_eq!(format!("{:?}", SimTime::from_millis(12_345)), "12.345000s");
    assert_eq!(SimTime::from_secs(2) + SimDuration::from_millis(1), SimTime::from_micros(2_001_000));
    assert_eq!(SimDuration::from_secs_f64(0.000_000_4), SimDuration::ZERO);
    assert_eq!(SimDuration::from_secs_f64(0.000_000_6), SimDuration::from_micros(1));
    assert_eq!(SimDuration::from_secs_f64(-3.0), SimDuration::ZERO);
    assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
    assert_eq!(SimTime::MAX + SimDuration::from_secs(1), SimTime::MAX);
    let human: Vec<String> = [0, 412_300, 1_254_000, 200_000_000, 7_380_000_000]
        .iter()
        .map(|&us| SimDuration::from_micros(us).to_string())
        .collect();
    assert_eq!(human, ["0 ms", "412 ms", "1.25 s", "3 min 20 s", "2 h 3 min"]);
}

#[test]
fn scheduler_orders_by_time_then_insertion() {
    let mut s = Scheduler::new();
    s.schedule(SimTime::from_secs(2), "c");
    s.schedule(SimTime::from_secs(1), "a");
    s.schedule(SimTime::from_secs(1), "b");
    s.schedule(SimTime::from_secs(2), "d");
    let order: Vec<_> = std::iter::from_fn(|| s.pop().map(|(_, x)| x)).collect();
    assert_eq!(order, ["a", "b", "c", "d"]);
    assert_eq!(s.now(), SimTime::from_secs(2));
}

#[test]
fn scheduler_pop_until_stops_at_the_bound() {
    let mut s = Scheduler::new();
    s.schedule(SimTime::from_secs(1), 1);
    s.schedule(SimTime::from_secs(3), 3);
    assert_eq!(s.pop_until(SimTime::from_secs(2)), Some((SimTime::from_secs(1), 1)));
    assert_eq!(s.pop_until(SimTime::from_secs(2)), None);
    assert_eq!(s.len(), 1);
}

#[test]
fn rng_stream_is_pinned() {
    // Pcg64Mcg is a named, versioned algorithm: these values must never change, on any target.
    let mut rng = SimRng::new(42);
    let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
    let mut again = SimRng::new(42);
    assert_eq!(first, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
    assert_ne!(first, (0..3).map(|_| SimRng::new(43).next_u64()).collect::<Vec<_>>());
    for _ in 0..1000 {
        let x = rng.next_f64();
        assert!((0.0..1.0).contains(&x));
        let y = rng.next_f64_nonzero();
        assert!(y > 0.0 && y <= 1.0);
        assert!(rng.below(7) < 7);
    }
}

#[test]
fn distributions_have_their_means() {
    let cases = [
        Distribution::Fixed { ms: 40.0 },
        Distribution::Uniform { min_ms: 10.0, max_ms: 30.0 },
        Distribution::Exponential { mean_ms: 50.0 },
        Distribution::LogNormal { median_ms: 100.0, p99_ms: 400.0 },
    ];
    for dist in cases {
        let mut rng = SimRng::new(7);
        let n = 50_000;
        let total: f64 = (0..n).map(|_| dist.sample(&mut rng).as_secs_f64() * 1000.0).sum();
        let mean = total / f64::from(n);
        let expected = dist.mean_ms();
        assert!((mean - expected).abs() / expected < 0.03, "{dist:?}: mean {mean} vs {expected} (seed 7)");
    }
}

#[test]
fn log_normal_p99_is_where_asked() {
    let dist = Distribution::LogNormal { median_ms: 100.0, p99_ms: 400.0 };
    let mut rng = SimRng::new(11);
    let mut xs: Vec<u64> = (0..20_000).map(|_| dist.sample(&mut rng).as_micros()).collect();
    xs.sort_unstable();
    let median = xs[xs.len() / 2] as f64 / 1000.0;
    let p99 = xs[xs.len() * 99 / 100] as f64 / 1000.0;
    assert!((median - 100.0).abs() < 5.0, "median {median} (seed 11)");
    assert!((p99 - 400.0).abs() < 40.0, "p99 {p99} (seed 11)");
}

fn arrivals_until(w: &Workload, until: SimTime, seed: u64) -> Vec<SimTime> {
    let mut rng = SimRng::new(seed);
    let mut arrivals = Arrivals::new(w);
    std::iter::from_fn(|| arrivals.next(&mut rng)).take_while(|&t| t < until).collect()
}

#[test]
fn constant_rate_is_exact_and_drift_free() {
    let ts = arrivals_until(&Workload::Constant { rate_per_s: 3.0 }, SimTime::from_secs(3600), 1);
    assert_eq!(ts.len(), 3 * 3600);
    assert_eq!(ts[1], SimTime::from_micros(333_333));
    assert_eq!(ts[3 * 3599], SimTime::from_secs(3599));
}

#[test]
fn poisson_rate_matches_on_average() {
    let ts = arrivals_until(&Workload::Poisson { rate_per_s: 50.0 }, SimTime::from_secs(600), 3);
    let rate = ts.len() as f64 / 600.0;
    assert!((rate - 50.0).abs() < 1.5, "rate {rate} (seed 3)");
}

#[test]
fn bursts_arrive_together_then_pause() {
    let w = Workload::Bursts { size: 4, every_s: 10.0, spread_s: 0.4 };
    let ts = arrivals_until(&w, SimTime::from_secs(25), 1);
    let ms: Vec<u64> = ts.iter().map(|t| t.as_millis()).collect();
    assert_eq!(ms, [0, 100, 200, 300, 10_000, 10_100, 10_200, 10_300, 20_000, 20_100, 20_200, 20_300]);
}

#[test]
fn ramp_count_follows_the_integral_of_its_rate() {
    // 0 → 100/s over 10 s is 500 arrivals during the ramp, then 100/s.
    let w = Workload::Ramp { from_per_s: 0.0, to_per_s: 100.0, over_s: 10.0 };
    let ts = arrivals_until(&w, SimTime::from_secs(10), 1);
    assert!((499..=501).contains(&ts.len()), "{} arrivals", ts.len());
    let ts = arrivals_until(&w, SimTime::from_secs(20), 1);
    assert!((1499..=1501).contains(&ts.len()), "{} arrivals", ts.len());
    // Down-ramps work too.
    let down = Workload::Ramp { from_per_s: 100.0, to_per_s: 0.0, over_s: 10.0 };
    assert!((499..=501).contains(&arrivals_until(&down, SimTime::from_secs(3600), 1).len()));
}

#[test]
fn validation_names_field_value_and_range() {
    let bad = ReferenceScenario { workers: 0, ..ReferenceScenario::default() };
    assert_eq!(
        bad.validate().map_err(|e| e.to_string()),
        Err("workers = 0 is out of range: allowed 1–1000".to_owned())
    );

    let bad = ReferenceScenario { workload: Workload::Poisson { rate_per_s: -1.5 }, ..ReferenceScenario::default() };
    assert_eq!(
        bad.validate().map_err(|e| e.to_string()),
        Err("workload.rate_per_s = -1.5 is out of range: allowed 0–1000000".to_owned())
    );

    let bad = ReferenceScenario {
        service: Distribution::Uniform { min_ms: 50.0, max_ms: 10.0 },
        ..ReferenceScenario::default()
    };
    assert!(matches!(bad.validate(), Err(ConfigError::OutOfRange { field, .. }) if field == "service.max_ms"));

    let bad = ReferenceScenario { v: 9, ..ReferenceScenario::default() };
    assert_eq!(
        bad.validate().map_err(|e| e.to_string()),
        Err("v = 9 is not valid: this version of Nimbus reads scenario version 1".to_owned())
    );
    assert!(ReferenceSim::try_new(&ReferenceScenario { workers: 5000, ..ReferenceScenario::default() }, 1).is_err());
}

#[test]
fn scenario_json_has_defaults_and_refuses_unknown_fields() {
    let s: ReferenceScenario = serde_json::from_str(r#"{"workers": 7}"#).expect("partial scenario parses");
    assert_eq!(s, ReferenceScenario { workers: 7, ..ReferenceScenario::default() });
    let s: ReferenceScenario =
        serde_json::from_str(r#"{"workload": {"kind": "ramp", "from_per_s": 1, "to_per_s": 9, "over_s": 60}}"#)
            .expect("ramp parses");
    assert!(s.validate().is_ok());
    assert!(serde_json::from_str::<ReferenceScenario>(r#"{"wrokers": 7}"#).is_err());
    let round: ReferenceScenario =
        serde_json::from_str(&serde_json::to_string(&ReferenceScenario::default()).expect("serializes"))
            .expect("parses");
    assert_eq!(round, ReferenceScenario::default());
}

#[test]
fn workloads_read_their_kind_and_fields_and_refuse_the_fields_of_another_kind() {
    let read = |text: &str| serde_json::from_str::<Workload>(text).map_err(|e| e.to_string());
    for w in [
        Workload::Constant { rate_per_s: 2.5 },
        Workload::Poisson { rate_per_s: 10.0 },
        Workload::Bursts { size: 20, every_s: 5.0, spread_s: 1.0 },
        Workload::Ramp { from_per_s: 1.0, to_per_s: 9.0, over_s: 60.0 },
    ] {
        let text = serde_json::to_string(&w).expect("serializes");
        assert_eq!(read(&text), Ok(w), "{text}");
    }
    assert_eq!(
        read(r#"{"kind": "bursts", "size": 3, "every_s": 2}"#),
        Ok(Workload::Bursts { size: 3, every_s: 2.0, spread_s: 0.0 }),
        "spread_s defaults to 0"
    );
    let refused = |text: &str, says: &str| {
        let err = read(text).expect_err(text);
        assert!(err.contains(says), "{text}: {err}");
    };
    refused(
        r#"{"kind": "constant", "rate_per_s": 1, "size": 3}"#,
        "unknown field `size` for kind `constant`, expected `rate_per_s`",
    );
    refused(r#"{"kind": "ramp", "from_per_s": 1, "to_per_s": 2}"#, "missing field `over_s` for kind `ramp`");
    refused(r#"{"kind": "bursts", "every_s": 2}"#, "missing field `size` for kind `bursts`");
    refused(r#"{"kind": "sometimes", "rate_per_s": 1}"#, "unknown variant `sometimes`");
    refused(r#"{"rate_per_s": 1}"#, "missing field `kind`");
    refused(r#"{"kind": "poisson", "rate_per_s": 1, "colour": 1}"#, "unknown field `colour`");
    refused(r#"{"kind": "poisson", "rate_per_s": "fast"}"#, "invalid type");
    // Through a Value, as the playgrounds read files.
    let value = serde_json::json!({"kind": "poisson", "rate_per_s": 4});
    assert_eq!(serde_json::from_value::<Workload>(value).ok(), Some(Workload::Poisson { rate_per_s: 4.0 }));
}

#[test]
fn series_memory_is_bounded_over_a_simulated_day() {
    let mut s = Series::new("depth", "messages", SeriesKind::Gauge, SimDuration::from_secs(1), 240);
    for sec in 0..120 {
        s.record(SimTime::from_secs(sec), 5.0);
    }
    let after_two_minutes = s.len();
    for sec in 120..86_400 {
        s.record(SimTime::from_secs(sec), (sec % 10) as f64);
    }
    assert!(s.len() <= 240, "{} buckets", s.len());
    assert!(s.len() >= after_two_minutes / 2);
    assert!(s.resolution() >= SimDuration::from_secs(360));
    // Means survive merging: the 0..9 cycle averages 4.5.
    let mid = s.points()[100].1;
    assert!((mid - 4.5).abs() < 0.1, "{mid}");
}

#[test]
fn counters_report_rates_and_gauges_hold_levels() {
    let mut c = Series::new("sent", "per s", SeriesKind::Counter, SimDuration::from_secs(1), 16);
    for ms in (0..3000).step_by(100) {
        c.record(SimTime::from_millis(ms), 1.0);
    }
    c.touch(SimTime::from_secs(3));
    let rates: Vec<f64> = c.points().iter().map(|p| p.1).collect();
    assert_eq!(rates, [10.0, 10.0, 10.0]);
    // The unfinished second is left out, not drawn as a cliff: 2 of 10 sends so far.
    c.record(SimTime::from_millis(3_100), 1.0);
    c.record(SimTime::from_millis(3_200), 1.0);
    assert_eq!(c.points().len(), 3);
    assert_eq!(c.latest(), Some(10.0));
    c.touch(SimTime::from_secs(4));
    assert_eq!(c.points().len(), 4);
    let mut g = Series::new("depth", "messages", SeriesKind::Gauge, SimDuration::from_secs(1), 16);
    g.record(SimTime::from_millis(500), 3.0);
    g.touch(SimTime::from_secs(4));
    assert_eq!(g.points().iter().map(|p| p.1).collect::<Vec<_>>(), [3.0, 3.0, 3.0, 3.0, 3.0]);
}

#[test]
fn trace_keeps_a_bounded_window_but_hashes_everything() {
    let mut sim = ReferenceSim::try_new(&ReferenceScenario::default(), 42).expect("default scenario is valid");
    sim.run_until(SimTime::from_secs(600));
    assert!(sim.trace().count() > 10_000);
    assert_eq!(sim.trace().recent().len(), crate::trace::DEFAULT_RECENT);
    let last = sim.trace().recent().last().expect("events");
    assert!(last.at() <= sim.now());
    assert!(!last.describe().is_empty());
}

#[test]
fn reference_hash_is_pinned() {
    let hash = reference_trace_hash(42);
    assert_eq!(hash, REFERENCE_HASH_SEED_42, "reference trace hash changed: now {hash:#018x}");
}

#[test]
fn every_job_is_in_exactly_one_place() {
    let mut sim = ReferenceSim::try_new(
        &ReferenceScenario { workload: Workload::Poisson { rate_per_s: 30.0 }, ..ReferenceScenario::default() },
        5,
    )
    .expect("valid");
    for minute in 1..=10 {
        sim.run_until(SimTime::from_secs(60 * minute));
        let m = sim.model();
        let accounted = m.completed() + m.rejected() + m.waiting() as u64 + m.busy() as u64;
        assert_eq!(accounted, m.arrived(), "at {:?} (seed 5)", sim.now());
        assert!(m.waiting() <= 20 && m.busy() <= m.workers());
    }
    assert!(sim.model().rejected() > 0, "30/s against 3 workers must overflow the buffer");
}

#[test]
fn run_until_reports_idle_and_never_goes_back() {
    let idle = ReferenceScenario { workload: Workload::Constant { rate_per_s: 0.0 }, ..ReferenceScenario::default() };
    let mut sim = ReferenceSim::try_new(&idle, 1).expect("valid");
    assert_eq!(sim.run_until(SimTime::from_secs(5)), RunOutcome::Idle);
    assert_eq!(sim.now(), SimTime::from_secs(5));
    sim.run_until(SimTime::from_secs(2));
    assert_eq!(sim.now(), SimTime::from_secs(5));
    assert_eq!(sim.step(), None);
}

#[test]
fn a_flood_hits_the_step_cap_instead_of_freezing() {
    let flood =
        ReferenceScenario { workload: Workload::Constant { rate_per_s: 1_000_000.0 }, ..ReferenceScenario::default() };
    let mut sim = Sim::with_model(ReferenceModel::new(&flood), 1);
    assert_eq!(sim.run_until(SimTime::from_secs(3600)), RunOutcome::StepCap);
    assert!(sim.now() < SimTime::from_secs(3600));
}

#[test]
fn a_run_in_small_slices_is_the_same_run() {
    let busy = ReferenceScenario { workload: Workload::Poisson { rate_per_s: 40.0 }, ..ReferenceScenario::default() };
    let target = SimTime::from_secs(120);
    let mut whole = ReferenceSim::try_new(&busy, 9).expect("valid");
    whole.run_until_done(target);
    let mut sliced = ReferenceSim::try_new(&busy, 9).expect("valid");
    let mut slices = 0;
    while sliced.run_until_at_most(target, 7) == RunOutcome::StepCap {
        slices += 1;
        assert!(sliced.now() <= target);
    }
    assert!(slices > 100, "only {slices} slices");
    assert_eq!((sliced.now(), sliced.trace_hash()), (whole.now(), whole.trace_hash()));
}

/// A backlog that only grows (30,000 messages/s, nobody reading) stops the run at the memory
/// cap with what it held, instead of growing until the allocator aborts the process or the tab;
/// a flood beyond the engine's offered-load bound (1 M messages/s) is refused up front.
#[test]
fn a_flood_with_nobody_reading_stops_at_the_memory_cap() {
    let flood = |rate: u32| {
        format!(
            r#"{{"kind":"sqs","producers":[{{"workload":{{"kind":"constant","rate_per_s":{rate}}}}}],"consumers":{{"count":0}}}}"#
        )
    };
    let refused = crate::sqs::SqsScenario::from_file_json(&flood(1_000_000)).expect_err("over the bound");
    assert!(refused.contains("3000000 operations/s") && refused.contains("at most 100,000"), "{refused}");
    let sqs = crate::sqs::SqsScenario::from_file_json(&flood(30_000)).expect("valid");
    let mut sim = crate::sqs::SqsSim::try_new(&sqs, 1).expect("valid").without_recent_events();
    assert_eq!(sim.run_until_done(SimTime::from_secs(3_600)), RunOutcome::Halted);
    let (held, at) = sim.halted().expect("halted");
    // Over by at most one step of growth (a quarter of the largest collection).
    assert!(held > crate::sim::HELD_BYTES_CAP && held < crate::sim::HELD_BYTES_CAP * 5 / 4, "{held}");
    assert!(at < SimTime::from_secs(120), "stopped only at {at:?}");
    // It stays stopped.
    assert_eq!(sim.run_until(SimTime::from_secs(3_600)), RunOutcome::Halted);
    assert_eq!(sim.step(), None);
    assert_eq!(sim.now(), at);

    let sns = r#"{"kind":"sns","publishers":[{"workload":{"kind":"constant","rate_per_s":1000000}}]}"#;
    let refused = crate::sns::SnsScenario::from_file_json(sns).expect_err("over the bound");
    assert!(refused.contains("offered load"), "{refused}");
}

/// A file that gives a key twice is refused (JSON readers keep one silently), naming the key.
#[test]
fn a_scenario_file_with_a_key_given_twice_is_refused() {
    let err = crate::sqs::SqsScenario::from_file_json(r#"{"kind":"sqs","kind":"vpc"}"#).expect_err("kind twice");
    assert_eq!(err, "kind is given twice in one object: give each setting once.");
    let twice = r#"{"kind":"sns","publishers":[{"workload":{"kind":"constant","rate_per_s":1,"rate_per_s":2}}]}"#;
    let err = crate::sns::SnsScenario::from_file_json(twice).expect_err("rate twice");
    assert!(err.starts_with("rate_per_s is given twice"), "{err}");
}

/// What every preset-like default run holds stays far under the cap.
#[test]
fn default_runs_hold_little() {
    let mut sqs = crate::sqs::SqsSim::try_new(&crate::sqs::SqsScenario::default(), 1).expect("valid");
    assert_eq!(sqs.run_until_done(SimTime::from_secs(600)), RunOutcome::Reached);
    assert!(sqs.held_bytes() < 1 << 20, "{}", sqs.held_bytes());
}

fn arb_workload() -> impl Strategy<Value = Workload> {
    prop_oneof![
        (0.0..200.0f64).prop_map(|rate_per_s| Workload::Constant { rate_per_s }),
        (0.0..200.0f64).prop_map(|rate_per_s| Workload::Poisson { rate_per_s }),
        (1u32..50, 0.5..20.0f64, 0.0..0.5f64).prop_map(|(size, every_s, f)| Workload::Bursts {
            size,
            every_s,
            spread_s: every_s * f
        }),
        (0.0..100.0f64, 0.0..100.0f64, 0.1..60.0f64).prop_map(|(from_per_s, to_per_s, over_s)| Workload::Ramp {
            from_per_s,
            to_per_s,
            over_s
        }),
    ]
}

fn arb_scenario() -> impl Strategy<Value = ReferenceScenario> {
    (arb_workload(), 1u32..8, 1.0..500.0f64, 0u32..50).prop_map(|(workload, workers, mean_ms, capacity)| {
        ReferenceScenario {
            workload,
            workers,
            service: Distribution::Exponential { mean_ms },
            capacity,
            ..ReferenceScenario::default()
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn same_seed_same_trace_hash(scenario in arb_scenario(), seed in any::<u64>()) {
        let run = |chunks: u64| {
            let mut sim = ReferenceSim::try_new(&scenario, seed).expect("strategy builds valid scenarios");
            // Advancing in different chunk sizes must not change the run.
            for i in 1..=chunks {
                sim.run_until(SimTime::from_secs(120 * i / chunks));
            }
            sim.trace_hash()
        };
        prop_assert_eq!(run(1), run(7), "seed {}", seed);
    }

    #[test]
    fn scheduler_never_goes_back_in_time(ops in prop::collection::vec((any::<bool>(), 0u64..1_000_000), 1..400)) {
        let mut s = Scheduler::new();
        let mut last = SimTime::ZERO;
        for (push, delay) in ops {
            if push {
                s.schedule(s.now() + SimDuration::from_micros(delay), ());
            } else if let Some((at, ())) = s.pop() {
                prop_assert!(at >= last);
                prop_assert_eq!(at, s.now());
                last = at;
            }
        }
        while let Some((at, ())) = s.pop() {
            prop_assert!(at >= last);
            last = at;
        }
    }

    #[test]
    fn scheduler_pops_in_time_then_insertion_order(ops in prop::collection::vec((0u8..4, 0u64..5_000), 1..600)) {
        // Checked against a plain sorted list: (time, insertion index) order.
        let mut s = Scheduler::new();
        let mut model: Vec<(SimTime, u32)> = Vec::new();
        for (n, (op, delay)) in ops.into_iter().enumerate() {
            if op > 0 {
                // Small delays make many exact ties.
                let at = s.now() + SimDuration::from_micros(delay % 7 * 1000);
                s.schedule(at, n as u32);
                model.push((at, n as u32));
                model.sort();
            } else {
                let expected = (!model.is_empty()).then(|| model.remove(0));
                prop_assert_eq!(s.pop(), expected);
            }
            prop_assert_eq!(s.len(), model.len());
            prop_assert_eq!(s.peek_time(), model.first().map(|e| e.0));
        }
    }

    #[test]
    fn seconds_round_to_micros_half_away_from_zero(s in prop_oneof![any::<f64>(), -1.0e3..1.0e13f64, (0u64..1_000_000).prop_map(|k| k as f64 / 2.0e6)]) {
        // The reference: libm's exact `round`, then `as`, which saturates and maps NaN to 0.
        let expected = libm::round(s * 1e6) as u64;
        prop_assert_eq!(SimDuration::from_secs_f64(s).as_micros(), expected, "{} s", s);
    }

    #[test]
    fn arrivals_never_decrease(w in arb_workload(), seed in any::<u64>()) {
        let mut rng = SimRng::new(seed);
        let mut a = Arrivals::new(&w);
        let mut last = SimTime::ZERO;
        for _ in 0..500 {
            match a.next(&mut rng) {
                Some(t) => { prop_assert!(t >= last); last = t; }
                None => break,
            }
        }
    }
}

#[test]
fn trace_hash_depends_on_every_event() {
    let mut a: Trace<crate::reference::RefEvent> = Trace::new(4);
    let mut b: Trace<crate::reference::RefEvent> = Trace::new(0);
    let ev = crate::reference::RefEvent {
        at: SimTime::from_secs(1),
        reason: crate::Reason::Arrived,
        job: 1,
        worker: None,
        waiting: 0,
        elapsed: SimDuration::ZERO,
    };
    a.push(ev.clone());
    b.push(ev.clone());
    assert_eq!(a.hash(), b.hash(), "the window size does not change the hash");
    b.push(crate::reference::RefEvent { job: 2, ..ev });
    assert_ne!(a.hash(), b.hash());
}

// The project's copy of the real-AWS conformance files (`crates/engine/conformance/`), compiled
// into the test binary: the tests need nothing outside the repository.
const SNS_FILTER_CASES: &str = include_str!("../conformance/sns_filter_cases.json");
const SNS_API_CASES: &str = include_str!("../conformance/sns_api_cases.json");
const KINESIS_HASH_CASES: &str = include_str!("../conformance/kinesis_hash_cases.json");
const SQS_TIMELINE_CASES: &str = include_str!("../conformance/sqs_timeline_cases.json");
const VPC_PEERING_CASES: &str = include_str!("../conformance/vpc_peering_cases.json");

/// Runs a conformance file: at least `min_cases` are read, no unflagged case fails, and at most
/// `max_flagged_differing` flagged cases differ (each a documented choice; a new difference
/// should be looked at).
fn assert_conformance(file: &str, text: &str, min_cases: usize, max_flagged_differing: usize) {
    let report = crate::conformance::run_file(text).unwrap_or_else(|e| panic!("{file} is not recognised: {e}"));
    let (_, failed, skipped) = report.counts();
    let differing: Vec<String> = report
        .cases
        .iter()
        .filter(|(_, o)| !matches!(o, crate::conformance::CaseOutcome::Passed))
        .map(|(label, o)| format!("{label}: {o:?}"))
        .collect();
    assert!(report.cases.len() >= min_cases, "{file}: only {} cases read", report.cases.len());
    assert_eq!(failed, 0, "{file}:\n{}", differing.join("\n"));
    assert!(skipped <= max_flagged_differing, "{file}: {skipped} flagged cases differ:\n{}", differing.join("\n"));
}

/// The flagged SNS cases where the engine differs are its documented choices (see `sns::filter`).
#[test]
fn sns_filter_conformance_cases_pass() {
    assert_conformance("sns_filter_cases.json", SNS_FILTER_CASES, 320, 11);
}

/// AWS's answers to CreateTopic, Subscribe, Publish and PublishBatch: every case passes.
#[test]
fn sns_api_conformance_cases_pass() {
    assert_conformance("sns_api_cases.json", SNS_API_CASES, 37, 0);
}

#[test]
fn kinesis_hash_conformance_cases_pass() {
    assert_conformance("kinesis_hash_cases.json", KINESIS_HASH_CASES, 134, 0);
}

/// Flagged cases may differ, but today every SQS case passes, the medium-confidence ones
/// included: keep it that way, or say here why one may not.
#[test]
fn sqs_conformance_cases_pass() {
    assert_conformance("sqs_timeline_cases.json", SQS_TIMELINE_CASES, 62, 0);
}

/// Two flagged moto cases expect the accepter's CIDR in a pending request; the engine fills
/// `AccepterVpcInfo` only once the owner accepted (see `vpc::PeeringView::accepter`).
#[test]
fn vpc_peering_conformance_cases_pass() {
    assert_conformance("vpc_peering_cases.json", VPC_PEERING_CASES, 12, 2);
}

#[test]
fn histogram_quantiles_are_within_six_percent() {
    let mut h = crate::Histogram::new();
    for ms in 1..=1000u64 {
        h.record(SimDuration::from_millis(ms));
    }
    for (q, want_ms) in [(0.5, 500.0), (0.9, 900.0), (0.99, 990.0)] {
        let got = h.quantile(q).expect("non-empty").as_secs_f64() * 1000.0;
        assert!((got - want_ms).abs() / want_ms < 0.07, "p{} = {got} ms", q * 100.0);
    }
    assert_eq!(h.quantile(1.0), Some(SimDuration::from_millis(1000)));
    assert_eq!(crate::Histogram::new().quantile(0.5), None);
    // The mean is exact, not read from the buckets: 1..=1000 ms average 500.5 ms.
    assert_eq!(h.mean_secs(), Some(0.5005));
    assert_eq!(crate::Histogram::new().mean_secs(), None);
}
