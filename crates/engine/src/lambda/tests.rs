//! The function state machine against LCON-01..03.

use super::*;
use crate::dist::Distribution;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

fn quick() -> FunctionSettings {
    FunctionSettings {
        duration: Distribution::Fixed { ms: 100.0 },
        cold_start: Distribution::Fixed { ms: 300.0 },
        ..FunctionSettings::default()
    }
}

#[test]
fn reservations_must_leave_100_unreserved_lcon_01() {
    let err = Account::new(1_000, 901).expect_err("901 of 1,000 reserved");
    assert!(err.starts_with("InvalidParameterValueException: Specified ReservedConcurrentExecutions"), "{err}");
    assert!(err.contains("minimum value of [100]"), "{err}");
    assert_eq!(Account::new(1_000, 900).map(|a| a.unreserved()), Ok(100));
}

#[test]
fn reserved_concurrency_caps_the_function_and_zero_throttles_everything() {
    let mut rng = SimRng::new(1);
    let mut account = Account::new(1_000, 2).expect("room");
    let mut f = Function::new(FunctionSettings { reserved_concurrency: Some(2), ..quick() });
    let now = SimTime::ZERO;
    assert!(f.try_start(now, &mut account, &mut rng).is_ok());
    assert!(f.try_start(now, &mut account, &mut rng).is_ok());
    assert_eq!(f.try_start(now, &mut account, &mut rng), Err(Throttle::Reserved));
    assert_eq!(Throttle::Reserved.reason(true), "ReservedFunctionConcurrentInvocationLimitExceeded");
    f.finish(now + SimDuration::from_millis(100), &mut account);
    assert!(f.try_start(now + SimDuration::from_millis(100), &mut account, &mut rng).is_ok(), "a slot came back");
    let mut zero = Function::new(FunctionSettings { reserved_concurrency: Some(0), ..quick() });
    assert_eq!(zero.try_start(now, &mut account, &mut rng), Err(Throttle::Reserved));
}

#[test]
fn unreserved_functions_share_what_the_reservations_leave() {
    let mut rng = SimRng::new(1);
    let mut account = Account::new(1_000, 850).expect("room");
    let mut a = Function::new(quick());
    let mut b = Function::new(quick());
    let now = SimTime::ZERO;
    for _ in 0..100 {
        assert!(a.try_start(now, &mut account, &mut rng).is_ok());
    }
    for _ in 0..50 {
        assert!(b.try_start(now, &mut account, &mut rng).is_ok());
    }
    assert_eq!(b.try_start(now, &mut account, &mut rng), Err(Throttle::Account), "150 unreserved, all in use");
    assert_eq!(Throttle::Account.reason(false), "ConcurrentInvocationLimitExceeded");
}

#[test]
fn a_function_adds_at_most_1000_environments_per_10_seconds_lcon_02() {
    let mut rng = SimRng::new(1);
    let mut account = Account::new(10_000, 0).expect("room");
    let mut f = Function::new(quick());
    let now = SimTime::ZERO;
    let started = (0..3_000).filter(|_| f.try_start(now, &mut account, &mut rng).is_ok()).count();
    assert_eq!(started, 1_000);
    assert_eq!(f.stats().throttles[Throttle::ScalingRate as usize], 2_000);
    // 5 s later, room for 500 more; 10 s later for 1,000.
    let later = now + SimDuration::from_secs(5);
    let more = (0..3_000).filter(|_| f.try_start(later, &mut account, &mut rng).is_ok()).count();
    assert_eq!(more, 500);
}

#[test]
fn warm_environments_are_reused_and_cold_ones_pay_the_init() {
    let mut rng = SimRng::new(1);
    let mut account = Account::new(1_000, 0).expect("room");
    let mut f = Function::new(quick());
    let now = SimTime::ZERO;
    let first = f.try_start(now, &mut account, &mut rng).expect("starts");
    assert_eq!(first.cold, Some(SimDuration::from_millis(300)));
    assert_eq!(f.run(first, false, &mut rng), RunEnd::Ok(SimDuration::from_millis(400)));
    f.finish(now + SimDuration::from_millis(400), &mut account);
    let second = f.try_start(now + SimDuration::from_secs(1), &mut account, &mut rng).expect("starts");
    assert_eq!(second.cold, None, "the warm environment is reused");
    f.finish(now + SimDuration::from_secs(2), &mut account);
    // Idle longer than WARM_FOR: the environment is gone.
    let third =
        f.try_start(now + SimDuration::from_secs(2) + function::WARM_FOR, &mut account, &mut rng).expect("starts");
    assert!(third.cold.is_some());
    assert_eq!(f.stats().cold_starts, 2);
}

#[test]
fn runs_past_the_timeout_time_out_and_poison_messages_always_fail() {
    let mut rng = SimRng::new(1);
    let mut account = Account::new(1_000, 0).expect("room");
    let slow = FunctionSettings { duration: Distribution::Fixed { ms: 5_000.0 }, timeout_s: 3.0, ..quick() };
    let mut f = Function::new(slow);
    let inv = f.try_start(SimTime::ZERO, &mut account, &mut rng).expect("starts");
    assert_eq!(f.run(inv, false, &mut rng), RunEnd::TimedOut(SimDuration::from_millis(3_300)));
    let mut p = Function::new(FunctionSettings { poison_rate: 0.1, ..quick() });
    let poison: Vec<u64> = (0..10_000).filter(|&id| p.is_poison(id)).collect();
    assert!((900..1_100).contains(&poison.len()), "about 10 %: {}", poison.len());
    let inv = p.try_start(SimTime::ZERO, &mut account, &mut rng).expect("starts");
    assert!(matches!(p.run(inv, true, &mut rng), RunEnd::Error(_)));
}

#[test]
fn mappings_are_checked_with_aws_ranges() {
    let fifo_big = SqsMapping { batch_size: 20, window_s: 1, ..SqsMapping::default() };
    assert!(fifo_big.validate("m", true).is_err(), "FIFO batches are 1–10 (LSQS-01)");
    assert!(fifo_big.validate("m", false).is_ok());
    let no_window = SqsMapping { batch_size: 20, ..SqsMapping::default() };
    let err = no_window.validate("m", false).expect_err("above 10 needs a window").to_string();
    assert!(err.contains("at least 1 s"), "{err}");
    let low = SqsMapping { maximum_concurrency: Some(1), ..SqsMapping::default() };
    assert!(low.validate("m", false).is_err(), "MaximumConcurrency is 2–1,000 (LSQS-04)");
    let k = KinesisMapping { maximum_record_age_s: 30, ..KinesisMapping::default() };
    assert!(k.validate("k").is_err(), "-1 or 60–604,800");
    let k = KinesisMapping { parallelization_factor: 11, ..KinesisMapping::default() };
    assert!(k.validate("k").is_err());
    assert!(AsyncConfig { maximum_retry_attempts: 3, ..AsyncConfig::default() }.validate("a").is_err());
}
