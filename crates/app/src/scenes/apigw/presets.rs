//! The API Gateway presets: named scenarios with what to watch and why it happens.

use crate::scenes::preset::Preset;
use engine::apigw::{
    ApiKey, ApiMethod, ApigwScenario, Backend, ClientGroup, GatewayConfig, Limit, Quota, QuotaPeriod, RetryMode,
    UsagePlan,
};
use engine::{Distribution, Workload};

/// All presets, in picker order.
pub const PRESETS: [Preset<ApigwScenario>; 7] = [
    Preset {
        key: "burst",
        name: "Burst absorbed by the bucket",
        explanation: "The stage allows 100 requests/s with a burst of 500. Every 4 s a client sends 300 requests at once: the bucket has 500 tokens, so all 300 pass, and it refills at 100 tokens/s (400 in 4 s) before the next burst. Lower the stage burst to 100 and the same bursts get 429 Too Many Requests.",
        lesson: "A token bucket's burst absorbs short spikes above its rate.",
        proof: &["admitted", "throttled"],
        scenario: burst,
    },
    Preset {
        key: "overload",
        name: "Sustained overload → steady 429s",
        explanation: "Twenty clients send 200 requests/s in all, twice the stage's 100/s. The burst drains in the first seconds, then the bucket admits exactly its rate and answers the rest with 429. Standard SDK retries (3 attempts, jittered backoff) only add offered load: a bucket cannot be outrun, only its rate raised.",
        lesson: "Under sustained overload a bucket admits exactly its rate and answers the rest with 429.",
        proof: &["admitted", "throttled"],
        scenario: overload,
    },
    Preset {
        key: "usage-plans",
        name: "Usage plans: a noisy tenant throttled, others unaffected",
        explanation: "Three tenants call GET /items, a method that requires an API key (apiKeyRequired), each with its own key. The noisy one (free plan: 5 requests/s, burst 10) sends 40/s and gets 429s from its own usage-plan bucket; the pro tenant (50/s) and the quiet free tenant pass untouched, because each key has its own bucket. Only the account limit is shared. On a method that does not require a key, API Gateway does not read the key and no usage plan applies.",
        lesson: "Each API key has its own usage-plan bucket: a noisy tenant is throttled, the others are not.",
        proof: &["admitted", "throttled"],
        scenario: usage_plans,
    },
    Preset {
        key: "quota",
        name: "Quota exhausted",
        explanation: "The basic plan allows 100 requests a day on GET /items, which requires an API key. At 20 requests/s the key uses its quota in about 5 seconds; after that every request gets 429 Limit Exceeded (LimitExceededException) until the day ends, however idle the buckets are. Retrying does not help: SDKs retry it as throttling and fail again.",
        lesson: "Once a key's quota is used, every request gets 429 Limit Exceeded until the period ends.",
        proof: &["admitted", "quota exceeded"],
        scenario: quota,
    },
    Preset {
        key: "retry-storm",
        name: "Retry storm vs jittered backoff",
        explanation: "Twenty clients send 300 requests/s at a stage limit of 200/s and retry at once on every 429, up to 10 attempts: each refused request comes straight back, so the gateway is offered about six times what it admits, and a third of the calls still fail after all their attempts. Retrying faster gets nothing more through: the stage admits its 200/s either way. Switch the retry mode to standard (jittered exponential backoff and a retry quota): about eight times fewer retries for the same throughput, at the price of waiting between attempts. Adaptive limits the rate on the client: almost no retries or give-ups, but calls queue on the client.",
        lesson: "Immediate retries multiply the load without getting more through; backoff retries less.",
        proof: &["offered", "admitted", "retries"],
        scenario: retry_storm,
    },
    Preset {
        key: "method-limit",
        name: "Method-level limit protects an expensive endpoint",
        explanation: "POST /reports is slow and expensive, so the stage gives it its own limit: 5 requests/s, burst 5. Its callers get 429s while GET /items, with the stage default of 200/s, is unaffected, and the backend never sees more report requests than it can handle.",
        lesson: "A method's own limit protects an expensive endpoint without touching the others.",
        proof: &["admitted", "throttled"],
        scenario: method_limit,
    },
    Preset {
        key: "slow-backend",
        name: "Slow backend → 504s while it keeps working",
        explanation: "The integration timeout is 3 s (REST APIs allow 50 ms–29 s, HTTP APIs up to 30 s) and the backend usually answers in 1.5 s, but about one request in six takes longer. At 3 s API Gateway answers 504 Endpoint request timed out, yet the backend is not told: it finishes the request in its slot (grey dashed tokens, counted in finished after 504), and that answer goes nowhere. SDK clients retry a 504 as a transient error, so each timeout adds a request to a busy backend; most calls still succeed on a retry. Lower the backend concurrency to 40 and the slots held by abandoned work plus the retries leave requests waiting for a slot, where they time out too: most calls fail.",
        lesson: "At the integration timeout the client gets 504, but the backend keeps working on the request.",
        proof: &["timed out", "finished after 504", "retries"],
        scenario: slow_backend,
    },
];

fn stage(rate: f64, burst: u64) -> GatewayConfig {
    GatewayConfig { stage: Some(Limit { rate, burst }), ..GatewayConfig::default() }
}

fn group(name: &str, count: u32, rate_per_s: f64) -> ClientGroup {
    ClientGroup { name: name.into(), count, workload: Workload::Poisson { rate_per_s }, ..ClientGroup::default() }
}

fn backend() -> Backend {
    Backend { concurrency: 200, latency: Distribution::LogNormal { median_ms: 80.0, p99_ms: 400.0 }, timeout_s: 29.0 }
}

fn burst() -> ApigwScenario {
    ApigwScenario {
        gateway: stage(100.0, 500),
        clients: vec![ClientGroup {
            name: "batch job".into(),
            count: 1,
            // Often enough that a burst is always a few seconds away.
            workload: Workload::Bursts { size: 300, every_s: 4.0, spread_s: 0.5 },
            ..ClientGroup::default()
        }],
        backend: backend(),
        ..ApigwScenario::default()
    }
}

fn overload() -> ApigwScenario {
    ApigwScenario {
        gateway: stage(100.0, 100),
        clients: vec![group("clients", 20, 10.0)],
        backend: backend(),
        ..ApigwScenario::default()
    }
}

fn key(n: u32) -> String {
    format!("tenant-key-{n:0>12}")
}

/// `GET /items` (the clients' method) requires an API key: only then is a key read and its
/// usage plan applied.
fn items_require_a_key() -> Vec<ApiMethod> {
    vec![ApiMethod { method: ClientGroup::default().method, api_key_required: true }]
}

fn usage_plans() -> ApigwScenario {
    let plan = |name: &str, rate, burst| UsagePlan {
        name: name.into(),
        throttle: Some(Limit { rate, burst }),
        method_throttles: Vec::new(),
        quota: None,
    };
    let mut gateway = stage(500.0, 500);
    gateway.plans = vec![plan("free", 5.0, 10), plan("pro", 100.0, 100)];
    gateway.keys =
        vec![ApiKey { value: key(1), plan: 0 }, ApiKey { value: key(2), plan: 1 }, ApiKey { value: key(3), plan: 0 }];
    gateway.api_methods = items_require_a_key();
    ApigwScenario {
        gateway,
        clients: vec![
            ClientGroup { key: Some(0), ..group("noisy (free)", 4, 10.0) },
            ClientGroup { key: Some(1), ..group("pro", 5, 10.0) },
            ClientGroup { key: Some(2), ..group("quiet (free)", 1, 2.0) },
        ],
        backend: backend(),
        ..ApigwScenario::default()
    }
}

fn quota() -> ApigwScenario {
    let mut gateway = stage(100.0, 100);
    gateway.plans = vec![UsagePlan {
        name: "basic".into(),
        throttle: Some(Limit { rate: 50.0, burst: 50 }),
        method_throttles: Vec::new(),
        // Small, so it runs out within seconds of opening the preset.
        quota: Some(Quota { limit: 100, offset: 0, period: QuotaPeriod::Day }),
    }];
    gateway.keys = vec![ApiKey { value: key(1), plan: 0 }];
    gateway.api_methods = items_require_a_key();
    ApigwScenario {
        gateway,
        clients: vec![ClientGroup { key: Some(0), ..group("app", 2, 10.0) }],
        backend: backend(),
        ..ApigwScenario::default()
    }
}

fn retry_storm() -> ApigwScenario {
    ApigwScenario {
        gateway: stage(200.0, 100),
        clients: vec![ClientGroup { retry: RetryMode::Naive, naive_attempts: 10, ..group("clients", 20, 15.0) }],
        backend: backend(),
        ..ApigwScenario::default()
    }
}

fn method_limit() -> ApigwScenario {
    let mut gateway = stage(200.0, 200);
    gateway.methods = vec![("POST /reports".into(), Limit { rate: 5.0, burst: 5 })];
    ApigwScenario {
        gateway,
        clients: vec![
            ClientGroup { method: "GET /items".into(), ..group("shoppers", 10, 5.0) },
            ClientGroup { method: "POST /reports".into(), ..group("analysts", 4, 5.0) },
        ],
        backend: Backend {
            concurrency: 50,
            latency: Distribution::LogNormal { median_ms: 200.0, p99_ms: 2_000.0 },
            timeout_s: 29.0,
        },
        ..ApigwScenario::default()
    }
}

fn slow_backend() -> ApigwScenario {
    ApigwScenario {
        gateway: stage(100.0, 100),
        clients: vec![ClientGroup { method: "GET /orders".into(), ..group("app", 10, 2.0) }],
        backend: Backend {
            concurrency: 60,
            latency: Distribution::LogNormal { median_ms: 1_500.0, p99_ms: 8_000.0 },
            timeout_s: 3.0,
        },
        ..ApigwScenario::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::apigw::ApigwSim;
    use engine::{SimDuration, SimTime};

    fn run(key: &str, secs: u64) -> ApigwSim {
        let s = crate::scenes::preset::scenario_of(&PRESETS, key);
        let mut sim = ApigwSim::try_new(&s, 42).unwrap_or_else(|e| panic!("{key}: {e}"));
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(secs));
        sim
    }

    #[test]
    fn every_preset_shows_its_effect() {
        assert_eq!(run("burst", 35).model().totals().throttled, 0);
        let t = run("overload", 30).model().totals().clone();
        assert!(t.throttled > 1_000 && t.admitted < 100 * 31 + 100 + 1, "{t:?}");
        let t = run("usage-plans", 30).model().totals().clone();
        assert!(t.throttled_by_level[0] > 100 && t.throttled_by_level[0] == t.throttled, "{t:?}");
        let t = run("quota", 10).model().totals().clone();
        assert_eq!(t.admitted, 100);
        assert!(t.quota_exceeded > 50, "{t:?}");
        // Something moves within the first seconds of every preset.
        assert!(run("quota", 8).model().totals().quota_exceeded > 0);
        assert!(run("burst", 3).model().totals().admitted >= 300);
        let storm = run("retry-storm", 30).model().totals().clone();
        assert!(storm.offered > 2 * storm.admitted, "{storm:?}");
        retry_storm_claims_hold();
        let t = run("method-limit", 30).model().totals().clone();
        assert!(t.throttled_by_level[1] > 100 && t.throttled == t.throttled_by_level[1], "{t:?}");
        assert!(run("slow-backend", 8).model().totals().timed_out > 0, "a 504 within seconds");
        slow_backend_claims_hold();
    }

    /// What the slow-backend explanation says, checked at the page's seed over two minutes.
    fn slow_backend_claims_hold() {
        let with = |concurrency: u32| {
            let mut s = slow_backend();
            s.backend.concurrency = concurrency;
            let mut sim = ApigwSim::try_new(&s, 42).expect("valid");
            sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(120));
            sim
        };
        let sim = with(60);
        let t = sim.model().totals();
        let share = t.timed_out as f64 / t.admitted as f64;
        assert!((0.13..0.21).contains(&share), "about one request in six times out: {share}");
        assert!(t.throttled == 0, "the gateway throttles nothing: {t:?}");
        assert!(t.finished_after_timeout * 10 > t.timed_out * 8, "the backend finishes what timed out: {t:?}");
        assert!(t.retries * 10 > t.timed_out * 9, "504s are retried: {t:?}");
        assert!(t.succeeded as f64 > 0.95 * t.calls as f64, "most calls succeed on a retry: {t:?}");
        let p50 = t.latency.quantile(0.5).expect("answered").as_secs_f64();
        assert!((1.2..1.9).contains(&p50), "usually 1.5 s: {p50}");
        // Every 504 came at the timeout, from a backend still working or no slot free.
        let events: Vec<String> = sim
            .trace()
            .recent()
            .filter(|e| e.reason == engine::Reason::TimedOut)
            .map(engine::TraceRecord::describe)
            .collect();
        assert!(events.iter().any(|e| e.contains("still working on it")), "{events:?}");
        let crowded = with(40).model().totals().clone();
        assert!(crowded.succeeded * 2 < crowded.calls, "most calls fail: {crowded:?}");
    }

    /// What the retry-storm explanation says, checked at the page's seed over a minute.
    fn retry_storm_claims_hold() {
        let with = |mode: RetryMode| {
            let mut s = retry_storm();
            s.clients[0].retry = mode;
            let mut sim = ApigwSim::try_new(&s, 42).expect("valid");
            sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(60));
            sim.model().totals().clone()
        };
        let (naive, standard, adaptive) =
            (with(RetryMode::Naive), with(RetryMode::Standard), with(RetryMode::Adaptive));
        let ratio = naive.offered as f64 / naive.admitted as f64;
        assert!((5.0..7.0).contains(&ratio), "offered about six times what is admitted: {ratio}");
        let failed = naive.gave_up as f64 / naive.calls as f64;
        assert!((0.28..0.38).contains(&failed), "a third of the calls fail: {failed}");
        assert!(standard.retries * 6 < naive.retries, "far fewer retries: {} vs {}", standard.retries, naive.retries);
        assert!(standard.admitted.abs_diff(naive.admitted) * 100 < naive.admitted, "the same throughput");
        let p50 = |t: &engine::apigw::ApigwTotals| t.latency.quantile(0.5).expect("calls succeeded");
        assert!(p50(&standard) > p50(&naive), "backoff waits between attempts");
        assert!(adaptive.retries * 20 < naive.retries && adaptive.gave_up * 100 < naive.gave_up, "{adaptive:?}");
        assert!(adaptive.calls > adaptive.succeeded + adaptive.gave_up + 1_000, "calls queue on the client");
    }
}
