//! API Gateway tests: bucket arithmetic, the admission invariant, the order of levels, quotas,
//! keys, validation, and the SDK retry rules.

use proptest::prelude::*;

use super::*;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use crate::trace::{Reason, TraceRecord};

fn at(secs: f64) -> SimTime {
    SimTime::ZERO + SimDuration::from_secs_f64(secs)
}

#[test]
fn a_bucket_absorbs_its_burst_then_admits_at_its_rate() {
    let mut b = TokenBucket::new(10.0, 5);
    assert_eq!((0..8).filter(|_| b.take(at(0.0))).count(), 5, "the burst");
    assert!(!b.take(at(0.05)));
    let s = b.state(at(0.05));
    assert_eq!(s.next_token_in, SimDuration::from_millis(50), "a token every 100 ms");
    assert!(b.take(at(0.1)));
    assert_eq!(
        (0..100).filter(|i| b.take(at(1.0 + f64::from(*i) * 0.01))).count(),
        10 + 5 - 1,
        "10 per second once full"
    );
}

proptest! {
    /// Whatever the arrivals, every bucket admits at most rate × window + burst in any window.
    #[test]
    fn admitted_requests_never_exceed_rate_times_window_plus_burst(
        gaps in proptest::collection::vec(0u64..20_000, 1..600),
        rate in 1u32..200,
        burst in 1u64..50,
    ) {
        let config = GatewayConfig { stage: Some(Limit { rate: f64::from(rate), burst }), ..GatewayConfig::default() };
        let mut gw = Gateway::new(&config).expect("valid");
        let mut t = 0u64;
        let mut admitted = Vec::new();
        for gap in gaps {
            t += gap;
            if gw.request(SimTime::from_micros(t), "GET /items", None) == Outcome::Admitted {
                admitted.push(t);
            }
        }
        for (i, &start) in admitted.iter().enumerate() {
            for (j, &end) in admitted.iter().enumerate().skip(i) {
                let window = (end - start) as f64 / 1e6;
                let count = (j - i + 1) as f64;
                prop_assert!(count <= f64::from(rate) * window + burst as f64 + 1e-9,
                    "{count} admitted in {window} s at rate {rate} burst {burst}");
            }
        }
    }
}

fn key(n: u32) -> String {
    format!("key-{n:0>20}")
}

fn plans() -> GatewayConfig {
    GatewayConfig {
        stage: Some(Limit { rate: 100.0, burst: 50 }),
        methods: vec![("POST /reports".into(), Limit { rate: 2.0, burst: 2 })],
        plans: vec![
            UsagePlan {
                name: "free".into(),
                throttle: Some(Limit { rate: 1.0, burst: 2 }),
                method_throttles: Vec::new(),
                quota: Some(Quota { limit: 5, offset: 0, period: QuotaPeriod::Day }),
            },
            UsagePlan {
                name: "pro".into(),
                throttle: Some(Limit { rate: 50.0, burst: 20 }),
                method_throttles: Vec::new(),
                quota: None,
            },
        ],
        keys: vec![ApiKey { value: key(1), plan: 0 }, ApiKey { value: key(2), plan: 1 }],
        require_key: true,
        ..GatewayConfig::default()
    }
}

#[test]
fn levels_apply_in_aws_order_and_a_noisy_tenant_does_not_starve_others() {
    let mut gw = Gateway::new(&plans()).expect("valid");
    let (free, pro) = (key(1), key(2));
    let results: Vec<Outcome> = (0..4).map(|_| gw.request(at(0.0), "GET /items", Some(&free))).collect();
    assert_eq!(results.iter().filter(|o| **o == Outcome::Admitted).count(), 2, "the free plan's burst of 2");
    match &results[2] {
        Outcome::Throttled { level: Level::UsagePlan { plan, method: None }, state } => {
            assert_eq!(plan, "free");
            assert!(state.next_token_in <= SimDuration::from_secs(1));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(results[2].status(), 429);
    assert_eq!(results[2].body(), "Too Many Requests");
    assert_eq!(results[2].error_type(), Some("TooManyRequestsException"));
    // The pro key is not affected by the free key's throttling.
    assert!((0..20).all(|_| gw.request(at(0.0), "GET /items", Some(&pro)) == Outcome::Admitted));
    // The expensive method's stage limit applies to everyone.
    let reports: Vec<Outcome> = (0..3).map(|_| gw.request(at(1.0), "POST /reports", Some(&pro))).collect();
    assert!(matches!(&reports[2], Outcome::Throttled { level: Level::Method(m), .. } if m == "POST /reports"));
}

#[test]
fn a_quota_answers_limit_exceeded_until_its_period_ends_and_keys_are_checked() {
    let mut gw = Gateway::new(&plans()).expect("valid");
    let free = key(1);
    let admitted =
        (0..10).filter(|i| gw.request(at(f64::from(*i) * 2.0), "GET /items", Some(&free)) == Outcome::Admitted).count();
    assert_eq!(admitted, 5, "the daily quota");
    match gw.request(at(30.0), "GET /items", Some(&free)) {
        Outcome::QuotaExceeded { limit, resets_in, .. } => {
            assert_eq!(limit, 5);
            assert_eq!(resets_in, SimDuration::from_secs(86_400 - 30));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(gw.request(at(86_400.0), "GET /items", Some(&free)), Outcome::Admitted, "a new day");
    assert_eq!(gw.request(at(1.0), "GET /items", None).status(), 403, "a key is required");
    assert_eq!(gw.request(at(1.0), "GET /items", Some("nope-nope-nope-nope-nope")).status(), 403);
}

#[test]
fn settings_above_the_level_above_or_negative_are_refused_with_the_rule() {
    let mut c = GatewayConfig { account: Limit { rate: 60_000.0, burst: 100 }, ..GatewayConfig::default() };
    let err = c.validate().expect_err("over the Regional level").to_string();
    assert!(err.contains("cannot exceed the Regional rate of 50000"), "{err}");
    c = GatewayConfig { stage: Some(Limit { rate: 20_000.0, burst: 100 }), kind: ApiKind::Http, ..c };
    c.account = Limit::ACCOUNT_DEFAULT;
    let err = c.validate().expect_err("an HTTP API's route limit over the account").to_string();
    assert!(err.contains("cannot exceed the account rate of 10000"), "{err}");
    c.stage = Some(Limit { rate: -1.0, burst: 1 });
    assert!(c.validate().expect_err("negative").to_string().contains("0 or more"));
    let mut http = plans();
    http.kind = ApiKind::Http;
    assert!(http.validate().expect_err("no plans on HTTP APIs").to_string().contains("HTTP APIs have no API keys"));
    let mut short = plans();
    short.keys[0].value = "short".into();
    assert!(short.validate().expect_err("key length").to_string().contains("20–128"));
    let mut burst = plans();
    burst.plans[1].throttle = Some(Limit { rate: 10.0, burst: 6_000 });
    assert!(burst.validate().expect_err("burst over the account").to_string().contains("burst of 5000"));
}

#[test]
fn the_account_limit_is_shared_by_every_method() {
    let config = GatewayConfig { account: Limit { rate: 10.0, burst: 3 }, ..GatewayConfig::default() };
    let mut gw = Gateway::new(&config).expect("valid");
    let methods = ["GET /a", "GET /b", "GET /c", "GET /d"];
    let outcomes: Vec<Outcome> = methods.iter().map(|m| gw.request(at(0.0), m, None)).collect();
    assert!(matches!(outcomes[3], Outcome::Throttled { level: Level::Account, .. }));
}

#[test]
fn standard_retries_back_off_with_full_jitter_and_stop_when_the_quota_is_spent() {
    let mut rng = SimRng::new(1);
    let mut c = RetryClient::new(RetryMode::Standard, 0);
    let first = c.after_failure(at(0.0), 1, Failure::Throttled, &mut rng).expect("a retry");
    assert!(first <= SimDuration::from_millis(500));
    let second = c.after_failure(at(1.0), 2, Failure::Throttled, &mut rng).expect("a second retry");
    assert!(second <= SimDuration::from_millis(1_000));
    assert_eq!(c.after_failure(at(2.0), 3, Failure::Throttled, &mut rng), None, "3 attempts in all");
    assert_eq!(c.quota(), 490);
    c.after_success(at(3.0), 2, Some(Failure::Throttled));
    assert_eq!(c.quota(), 495, "a success after a retry refunds it");
    // A quota drained by retries acts as a circuit breaker.
    let mut storm = RetryClient::new(RetryMode::Standard, 0);
    let retries = (0..200).filter(|_| storm.after_failure(at(0.0), 1, Failure::Timeout, &mut rng).is_some()).count();
    assert_eq!(retries, 50, "500 tokens at 10 per timeout retry");
    let mut naive = RetryClient::new(RetryMode::Naive, 5);
    assert_eq!(naive.after_failure(at(0.0), 1, Failure::Throttled, &mut rng), Some(SimDuration::ZERO));
    assert_eq!(naive.after_failure(at(0.0), 5, Failure::Throttled, &mut rng), None);
}

#[test]
fn adaptive_clients_slow_down_after_throttles_and_recover() {
    let mut rng = SimRng::new(2);
    let mut c = RetryClient::new(RetryMode::Adaptive, 0);
    assert_eq!(c.send_delay(at(0.0)), SimDuration::ZERO, "no limit before a throttle");
    // 100 requests a second succeed, then throttles arrive.
    for i in 0..100 {
        c.after_success(at(f64::from(i) * 0.01), 1, None);
    }
    for i in 0..5 {
        c.after_failure(at(1.0 + f64::from(i) * 0.01), 1, Failure::Throttled, &mut rng);
    }
    let limited = c.client_rate().expect("limiting after a throttle");
    assert!(limited < 100.0, "{limited}");
    let mut waited = SimDuration::ZERO;
    for i in 0..20 {
        waited = waited + c.send_delay(at(1.1 + f64::from(i) * 0.001));
    }
    assert!(waited > SimDuration::ZERO, "the client holds requests back");
}

fn run(s: &ApigwScenario, secs: f64) -> ApigwSim {
    let mut sim = ApigwSim::try_new(s, 3).unwrap_or_else(|e| panic!("{e}"));
    sim.run_until_done(SimTime::ZERO + SimDuration::from_secs_f64(secs));
    sim
}

fn bursty(burst: u64) -> ApigwScenario {
    ApigwScenario {
        gateway: GatewayConfig { stage: Some(Limit { rate: 100.0, burst }), ..GatewayConfig::default() },
        clients: vec![ClientGroup {
            count: 1,
            workload: crate::Workload::Bursts { size: 300, every_s: 10.0, spread_s: 0.0 },
            ..ClientGroup::default()
        }],
        ..ApigwScenario::default()
    }
}

#[test]
fn a_burst_is_absorbed_by_a_big_enough_bucket() {
    assert_eq!(run(&bursty(500), 35.0).model().totals().throttled, 0);
    let small = run(&bursty(100), 35.0);
    let t = small.model().totals();
    assert!(t.throttled > 100 && t.retries > 0, "{t:?}");
    assert!(t.throttled_by_level[1] == t.throttled, "the stage (method) limit answers");
}

fn storm(mode: RetryMode) -> ApigwScenario {
    ApigwScenario {
        gateway: GatewayConfig { stage: Some(Limit { rate: 200.0, burst: 100 }), ..GatewayConfig::default() },
        clients: vec![ClientGroup {
            count: 20,
            workload: crate::Workload::Poisson { rate_per_s: 15.0 },
            retry: mode,
            naive_attempts: 10,
            ..ClientGroup::default()
        }],
        ..ApigwScenario::default()
    }
}

#[test]
fn immediate_retries_make_a_storm_and_jittered_backoff_does_not() {
    let naive = run(&storm(RetryMode::Naive), 30.0);
    let standard = run(&storm(RetryMode::Standard), 30.0);
    let (n, s) = (naive.model().totals(), standard.model().totals());
    assert!(n.offered > 2 * n.admitted, "a storm: {} offered, {} admitted", n.offered, n.admitted);
    assert!(s.retries * 3 < n.retries, "backoff retries far less: {} vs {}", s.retries, n.retries);
    let adaptive = run(&storm(RetryMode::Adaptive), 30.0);
    assert!(adaptive.model().totals().throttled < s.throttled, "adaptive clients slow themselves down");
}

#[test]
fn a_quota_runs_out_and_the_backend_overload_is_not_throttling() {
    let mut s = ApigwScenario::default();
    s.gateway.plans = vec![UsagePlan {
        name: "basic".into(),
        throttle: None,
        method_throttles: Vec::new(),
        quota: Some(Quota { limit: 500, offset: 0, period: QuotaPeriod::Day }),
    }];
    s.gateway.keys = vec![ApiKey { value: "basic-key-00000000000001".into(), plan: 0 }];
    s.gateway.api_methods = vec![ApiMethod { method: "GET /items".into(), api_key_required: true }];
    s.clients[0].key = Some(0);
    let t = run(&s, 20.0).model().totals().clone();
    assert_eq!(t.admitted, 500);
    assert!(t.quota_exceeded > 100);
    // A slow backend: requests wait, some time out with 504s; the gateway throttles none.
    let slow = ApigwScenario {
        backend: Backend { concurrency: 2, latency: crate::Distribution::Fixed { ms: 500.0 }, timeout_s: 5.0 },
        ..ApigwScenario::default()
    };
    let t = run(&slow, 60.0).model().totals().clone();
    assert!(t.timed_out > 0 && t.throttled == 0, "{t:?}");
}

#[test]
fn runs_are_deterministic_and_files_round_trip() {
    let s = storm(RetryMode::Standard);
    assert_eq!(run(&s, 10.0).trace_hash(), run(&s, 10.0).trace_hash());
    let text = s.to_file_json();
    assert_eq!(ApigwScenario::from_file_json(&text), Ok(s));
}

#[test]
fn refusals_and_give_ups_explain_themselves() {
    let sim = run(&storm(RetryMode::Standard), 30.0);
    let events: Vec<String> = sim.trace().recent().map(TraceRecord::describe).collect();
    let throttled = events.iter().find(|e| e.contains("429 Too Many Requests")).expect("a 429");
    assert!(throttled.contains("tokens, the next in") && throttled.contains("method limit"), "{throttled}");
    let t = sim.model().totals();
    assert!(t.gave_up > 0, "{t:?}");
}

// ---- Issue 19: integration timeouts, usage-plan method throttles, keys per method, stage limits ----

/// One client calling once a second through a roomy gateway to a backend that takes `latency_s`.
fn slow(latency_s: f64, timeout_s: f64, retry: RetryMode) -> ApigwScenario {
    ApigwScenario {
        clients: vec![ClientGroup {
            count: 1,
            workload: crate::Workload::Constant { rate_per_s: 1.0 },
            retry,
            naive_attempts: 1,
            ..ClientGroup::default()
        }],
        backend: Backend {
            concurrency: 100,
            latency: crate::Distribution::Fixed { ms: latency_s * 1_000.0 },
            timeout_s,
        },
        ..ApigwScenario::default()
    }
}

#[test]
fn a_backend_slower_than_the_integration_timeout_gets_504_and_keeps_working() {
    // A request served for 60 s with a 29 s timeout: the client gets 504 at 29 s, not 200.
    let sim = run(&slow(60.0, 29.0, RetryMode::Naive), 100.0);
    let t = sim.model().totals();
    assert_eq!(t.succeeded, 0, "no answer in time: {t:?}");
    assert!(t.timed_out >= 70, "every request admitted up to 71 s times out at +29 s: {t:?}");
    assert_eq!(t.throttled, 0);
    let events: Vec<&ApigwTraceEvent> = sim.trace().recent().collect();
    let first = events.iter().find(|e| e.reason == Reason::TimedOut).expect("a 504");
    let admitted = events.iter().find(|e| e.reason == Reason::Sent && e.call == first.call).expect("admitted");
    assert_eq!(first.at.saturating_since(admitted.at), SimDuration::from_secs(29), "at the timeout, not later");
    let text = first.describe();
    assert!(text.contains("504 Endpoint request timed out") && text.contains("still working on it"), "{text}");
    // The backend finishes each one 60 s after it started, 31 s after its 504: its slot was taken.
    let late = events.iter().filter(|e| e.reason == Reason::Processed).count() as u64;
    assert!(late >= 40, "{late} finished after their 504");
    let (busy, waiting) = sim.model().backend_load();
    assert!(busy >= 59 && waiting == 0, "60 s of requests still hold a slot each: {busy}");
}

#[test]
fn a_504_is_retried_by_the_sdk_modes_as_a_transient_error() {
    for mode in [RetryMode::Standard, RetryMode::Adaptive] {
        let sim = run(&slow(3.0, 1.0, mode), 20.0);
        let t = sim.model().totals();
        assert!(t.timed_out > 0 && t.succeeded == 0, "{mode:?}: {t:?}");
        assert_eq!(t.timed_out, t.retries + t.gave_up, "{mode:?}: every 504 is retried until the attempts run out");
        let gave_up: Vec<u32> =
            sim.trace().recent().filter(|e| e.reason == Reason::GaveUp).map(|e| e.attempt).collect();
        assert!(gave_up.len() > 10 && gave_up.iter().all(|a| *a == 3), "{mode:?}: 3 attempts each: {gave_up:?}");
    }
    // A transient retry costs 10 quota tokens and backs off from 100 ms, not 500 ms (JS v3).
    let mut rng = SimRng::new(5);
    let mut c = RetryClient::new(RetryMode::Standard, 0);
    let delay = c.after_failure(at(0.0), 1, Failure::Timeout, &mut rng).expect("retried");
    assert!(delay <= SimDuration::from_millis(100), "{delay:?}");
    assert_eq!(c.quota(), 500 - 10);
}

#[test]
fn a_waiting_request_times_out_from_its_admission_and_a_fast_one_does_not() {
    // Two slots, each request takes 800 ms, 10 arrive a second: the queue grows, and requests
    // time out 2 s after admission, waiting or already being served; no 200 comes later.
    let mut s = slow(0.8, 2.0, RetryMode::Naive);
    s.backend.concurrency = 2;
    s.clients[0].workload = crate::Workload::Constant { rate_per_s: 10.0 };
    let sim = run(&s, 20.0);
    let t = sim.model().totals();
    assert!(t.succeeded > 0 && t.timed_out > 100, "{t:?}");
    assert!(t.latency.quantile(1.0).expect("some answered") <= SimDuration::from_secs(2), "no 200 after the timeout");
    let timeouts: Vec<u32> = sim.trace().recent().filter(|e| e.reason == Reason::TimedOut).map(|e| e.detail).collect();
    assert!(timeouts.contains(&0) && timeouts.contains(&1), "timed out while waiting (0) and while served (1)");
    // A backend within the timeout never times out.
    let t = run(&slow(1.5, 2.0, RetryMode::Standard), 30.0).model().totals().clone();
    assert!(t.timed_out == 0 && t.succeeded >= 28, "{t:?}");
}

#[test]
fn http_apis_allow_a_30_second_integration_timeout_rest_apis_29() {
    let mut s = slow(1.0, 30.0, RetryMode::Standard);
    s.gateway.kind = ApiKind::Http;
    assert_eq!(s.validate(), Ok(()), "HTTP APIs: 50 ms–30 s");
    s.gateway.kind = ApiKind::Rest;
    let err = s.validate().expect_err("REST APIs: at most 29 s").to_string();
    assert!(err.contains("0.05–29 s for a REST API"), "{err}");
    s.backend.timeout_s = 0.04;
    assert!(s.validate().is_err(), "50 ms at least");
}

fn tenant(plan_burst: u64, method_burst: u64) -> GatewayConfig {
    GatewayConfig {
        plans: vec![UsagePlan {
            name: "plan".into(),
            throttle: Some(Limit { rate: 1.0, burst: plan_burst }),
            method_throttles: vec![("GET /items".into(), Limit { rate: 1.0, burst: method_burst })],
            quota: None,
        }],
        keys: vec![ApiKey { value: key(1), plan: 0 }],
        require_key: true,
        ..GatewayConfig::default()
    }
}

#[test]
fn a_usage_plan_method_throttle_adds_a_level_and_the_plan_throttle_still_applies() {
    // The method's plan limit is roomy (burst 100), the key's plan limit tight (burst 2): the
    // plan limit still answers.
    let mut gw = Gateway::new(&tenant(2, 100)).expect("valid");
    let k = key(1);
    let results: Vec<Outcome> = (0..4).map(|_| gw.request(at(0.0), "GET /items", Some(&k))).collect();
    assert_eq!(results.iter().filter(|o| **o == Outcome::Admitted).count(), 2, "{results:?}");
    assert!(matches!(&results[2], Outcome::Throttled { level: Level::UsagePlan { method: None, .. }, .. }));
    // The other way round: the method's plan limit (burst 1) answers first, in AWS's order.
    let mut gw = Gateway::new(&tenant(10, 1)).expect("valid");
    assert_eq!(gw.request(at(0.0), "GET /items", Some(&k)), Outcome::Admitted);
    match gw.request(at(0.0), "GET /items", Some(&k)) {
        Outcome::Throttled { level: Level::UsagePlan { method: Some(m), .. }, .. } => assert_eq!(m, "GET /items"),
        other => panic!("{other:?}"),
    }
    // An admitted request takes a token from both: the key's other methods share what is left.
    let mut gw = Gateway::new(&tenant(2, 10)).expect("valid");
    assert_eq!(gw.request(at(0.0), "GET /items", Some(&k)), Outcome::Admitted);
    assert_eq!(gw.request(at(0.0), "GET /other", Some(&k)), Outcome::Admitted);
    assert!(matches!(
        gw.request(at(0.0), "GET /other", Some(&k)),
        Outcome::Throttled { level: Level::UsagePlan { method: None, .. }, .. }
    ));
}

#[test]
fn keys_are_read_only_on_methods_that_require_one() {
    // No method requires a key: a key nobody knows is not refused, and no usage plan applies.
    let mut open = plans();
    open.require_key = false;
    let mut gw = Gateway::new(&open).expect("valid");
    assert_eq!(gw.request(at(0.0), "GET /items", Some("nope-nope-nope-nope-nope")), Outcome::Admitted);
    let free = key(1);
    let admitted = (0..10).filter(|_| gw.request(at(0.0), "GET /items", Some(&free)) == Outcome::Admitted).count();
    assert_eq!(admitted, 10, "the free plan's burst of 2 and quota of 5 do not apply");
    assert_eq!(gw.quota_used(&free), Some(0));
}

#[test]
fn api_key_required_is_a_setting_of_each_method() {
    let mut c = plans();
    c.require_key = false;
    c.api_methods = vec![ApiMethod { method: "GET /private".into(), api_key_required: true }];
    let mut gw = Gateway::new(&c).expect("valid");
    let free = key(1);
    assert_eq!(gw.request(at(0.0), "GET /public", None), Outcome::Admitted);
    assert_eq!(gw.request(at(0.0), "GET /private", None).status(), 403);
    match gw.request(at(0.0), "GET /private", Some("nope-nope-nope-nope-nope")) {
        Outcome::Forbidden { reason } => assert!(reason.contains("not valid"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let private = (0..4).filter(|_| gw.request(at(0.0), "GET /private", Some(&free)) == Outcome::Admitted).count();
    assert_eq!(private, 2, "the free plan's burst applies where the key is read");
    // A stage-wide `require_key` (older files) covers the methods not listed; a listed method
    // keeps its own setting.
    c.require_key = true;
    c.api_methods = vec![ApiMethod { method: "GET /health".into(), api_key_required: false }];
    let mut gw = Gateway::new(&c).expect("valid");
    assert_eq!(gw.request(at(0.0), "GET /health", None), Outcome::Admitted);
    assert_eq!(gw.request(at(0.0), "GET /items", None).status(), 403);
    // HTTP APIs have no API keys; a method is listed once.
    c.kind = ApiKind::Http;
    c.plans.clear();
    c.keys.clear();
    c.require_key = false;
    c.api_methods = vec![ApiMethod { method: "GET /items".into(), api_key_required: true }];
    assert!(c.validate().expect_err("keys on HTTP").to_string().contains("HTTP APIs have no API keys"));
    c.kind = ApiKind::Rest;
    c.api_methods.push(ApiMethod { method: "GET /items".into(), api_key_required: false });
    assert!(c.validate().expect_err("twice").to_string().contains("list each method once"));
    // Files before per-method settings keep working: `require_key` is still read, and not
    // written when off.
    let old = r#"{"kind":"apigw","gateway":{"require_key":true,"keys":[],"plans":[]}}"#;
    assert!(ApigwScenario::from_file_json(old).expect("an older file").gateway.require_key);
    assert!(!ApigwScenario::default().to_file_json().contains("require_key"));
}

#[test]
fn a_stage_limit_above_the_account_limit_is_accepted_and_the_account_still_applies() {
    let c = GatewayConfig {
        account: Limit { rate: 10.0, burst: 3 },
        stage: Some(Limit { rate: 1_000.0, burst: 1_000 }),
        methods: vec![("POST /reports".into(), Limit { rate: 5_000.0, burst: 4_000 })],
        ..GatewayConfig::default()
    };
    assert_eq!(c.validate(), Ok(()));
    let mut gw = Gateway::new(&c).expect("valid");
    let outcomes: Vec<Outcome> = (0..4).map(|_| gw.request(at(0.0), "GET /items", None)).collect();
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::Admitted).count(), 3);
    assert!(matches!(outcomes[3], Outcome::Throttled { level: Level::Account, .. }));
    // A usage plan above the account is still refused (APIGW-04).
    let mut plan = plans();
    plan.plans[1].throttle = Some(Limit { rate: 20_000.0, burst: 10 });
    assert!(plan.validate().expect_err("a plan over the account").to_string().contains("account rate"));
}
