//! The API Gateway settings a reader changes, and the scenario as a link.

use engine::apigw::{ApiKind, ApigwScenario, Limit, RetryMode};
use engine::{Distribution, Workload};

use crate::scenes::knob::{apply_setting, changed_params, link_rank, Choice, Knob};
use crate::share::LinkParams;

fn stage_limit(s: &mut ApigwScenario) -> &mut Limit {
    s.gateway.stage.get_or_insert(Limit { rate: 100.0, burst: 100 })
}

fn saturating_u64(v: f64) -> u64 {
    if v >= u64::MAX as f64 {
        u64::MAX
    } else {
        v as u64
    }
}

fn per_client_rate(w: &Workload) -> Option<f64> {
    match *w {
        Workload::Poisson { rate_per_s } | Workload::Constant { rate_per_s } => Some(rate_per_s),
        _ => None,
    }
}

/// The numeric knobs, in panel order.
pub const KNOBS: [Knob<ApigwScenario>; 13] = [
    Knob {
        key: "account-rate",
        label: "Account rate (requests/s)",
        min: 0.0,
        max: 50_000.0,
        aws: false,
        note: "AWS default 10,000",
        integer: false,
        get: |s| Some(s.gateway.account.rate),
        set: |s, v| s.gateway.account.rate = v,
    },
    Knob {
        key: "account-burst",
        label: "Account burst",
        min: 0.0,
        max: 25_000.0,
        aws: false,
        note: "AWS default 5,000",
        integer: true,
        get: |s| Some(s.gateway.account.burst as f64),
        set: |s, v| s.gateway.account.burst = saturating_u64(v),
    },
    Knob {
        key: "stage-rate",
        label: "Stage rate per method (requests/s)",
        min: 0.0,
        max: 50_000.0,
        aws: false,
        note: "the account's applies too",
        integer: false,
        get: |s| s.gateway.stage.map(|l| l.rate),
        set: |s, v| stage_limit(s).rate = v,
    },
    Knob {
        key: "stage-burst",
        label: "Stage burst per method",
        min: 0.0,
        max: 25_000.0,
        aws: false,
        note: "the account's applies too",
        integer: true,
        get: |s| s.gateway.stage.map(|l| l.burst as f64),
        set: |s, v| stage_limit(s).burst = saturating_u64(v),
    },
    Knob {
        key: "method-rate",
        label: "Method limit: rate (the first method with its own limit)",
        min: 0.0,
        max: 50_000.0,
        aws: false,
        note: "the account's applies too",
        integer: false,
        get: |s| s.gateway.methods.first().map(|m| m.1.rate),
        set: |s, v| {
            if let Some(m) = s.gateway.methods.first_mut() {
                m.1.rate = v;
            }
        },
    },
    Knob {
        key: "method-burst",
        label: "Method limit: burst",
        min: 0.0,
        max: 25_000.0,
        aws: false,
        note: "the account's applies too",
        integer: true,
        get: |s| s.gateway.methods.first().map(|m| m.1.burst as f64),
        set: |s, v| {
            if let Some(m) = s.gateway.methods.first_mut() {
                m.1.burst = saturating_u64(v);
            }
        },
    },
    Knob {
        key: "plan-rate",
        label: "Usage plan (first): rate per key",
        min: 0.0,
        max: 50_000.0,
        aws: false,
        note: "at most the account's",
        integer: false,
        get: |s| s.gateway.plans.first().and_then(|p| p.throttle).map(|l| l.rate),
        set: |s, v| {
            if let Some(l) = s.gateway.plans.first_mut().and_then(|p| p.throttle.as_mut()) {
                l.rate = v;
            }
        },
    },
    Knob {
        key: "plan-burst",
        label: "Usage plan (first): burst per key",
        min: 0.0,
        max: 25_000.0,
        aws: false,
        note: "at most the account's",
        integer: true,
        get: |s| s.gateway.plans.first().and_then(|p| p.throttle).map(|l| l.burst as f64),
        set: |s, v| {
            if let Some(l) = s.gateway.plans.first_mut().and_then(|p| p.throttle.as_mut()) {
                l.burst = saturating_u64(v);
            }
        },
    },
    Knob {
        key: "clients",
        label: "Clients in the first group",
        min: 1.0,
        max: 1_000.0,
        aws: false,
        note: "",
        integer: true,
        get: |s| s.clients.first().map(|c| f64::from(c.count)),
        set: |s, v| {
            if let Some(c) = s.clients.first_mut() {
                c.count = v.min(f64::from(u32::MAX)) as u32;
            }
        },
    },
    Knob {
        key: "client-rate",
        label: "Requests/s per client (first group)",
        min: 0.0,
        max: 10_000.0,
        aws: false,
        note: "steady or random arrivals; 0 sends nothing",
        integer: false,
        get: |s| s.clients.first().and_then(|c| per_client_rate(&c.workload)),
        set: |s, v| {
            if let Some(c) = s.clients.first_mut() {
                c.workload = match c.workload {
                    Workload::Constant { .. } => Workload::Constant { rate_per_s: v },
                    _ => Workload::Poisson { rate_per_s: v },
                };
            }
        },
    },
    Knob {
        key: "concurrency",
        label: "Backend concurrency",
        min: 1.0,
        max: 100_000.0,
        aws: false,
        note: "requests served at once",
        integer: true,
        get: |s| Some(f64::from(s.backend.concurrency)),
        set: |s, v| s.backend.concurrency = v.min(f64::from(u32::MAX)) as u32,
    },
    Knob {
        key: "latency",
        label: "Backend median latency (ms)",
        min: 1.0,
        max: 20_000.0,
        aws: false,
        note: "",
        integer: false,
        get: |s| match s.backend.latency {
            Distribution::LogNormal { median_ms, .. } => Some(median_ms),
            Distribution::Fixed { ms } => Some(ms),
            _ => None,
        },
        set: |s, v| {
            s.backend.latency = match s.backend.latency {
                Distribution::Fixed { .. } => Distribution::Fixed { ms: v },
                _ => Distribution::LogNormal { median_ms: v, p99_ms: v * 5.0 },
            }
        },
    },
    Knob {
        key: "timeout",
        label: "Integration timeout (s)",
        min: 0.05,
        max: 30.0,
        aws: true,
        note: "REST APIs up to 29, HTTP APIs 30",
        integer: false,
        get: |s| Some(s.backend.timeout_s),
        set: |s, v| s.backend.timeout_s = v,
    },
];

/// The choices, in panel order.
pub const CHOICES: [Choice<ApigwScenario>; 3] = [
    Choice {
        key: "pattern",
        label: "First group's requests",
        options: &[("random", "Random (Poisson)"), ("steady", "Steady"), ("spikes", "Spikes every 10 s")],
        get: |s| match s.clients.first().map(|c| &c.workload) {
            Some(Workload::Poisson { .. }) => Some("random"),
            Some(Workload::Constant { .. }) => Some("steady"),
            Some(Workload::Bursts { every_s, .. }) if *every_s == 10.0 => Some("spikes"),
            _ => None,
        },
        set: |s, v| {
            if let Some(c) = s.clients.first_mut() {
                // The mean rate stays: a spike carries 10 s of requests at once.
                let rate = c.workload.mean_rate_per_s();
                c.workload = match v {
                    "steady" => Workload::Constant { rate_per_s: rate },
                    "spikes" => {
                        Workload::Bursts { size: ((rate * 10.0).round() as u32).max(1), every_s: 10.0, spread_s: 0.5 }
                    }
                    _ => Workload::Poisson { rate_per_s: rate },
                };
            }
        },
    },
    Choice {
        key: "retry",
        label: "Clients retry",
        options: &[
            ("standard", "Standard SDK (3 attempts, jittered backoff, retry quota)"),
            ("adaptive", "Adaptive SDK (adds client-side rate limiting)"),
            ("naive", "Immediately, up to 10 attempts (a retry storm)"),
        ],
        get: |s| {
            let modes: Vec<RetryMode> = s.clients.iter().map(|c| c.retry).collect();
            match modes.first() {
                Some(m) if modes.iter().all(|x| x == m) => Some(match m {
                    RetryMode::Standard => "standard",
                    RetryMode::Adaptive => "adaptive",
                    RetryMode::Naive => "naive",
                }),
                _ => None,
            }
        },
        set: |s, v| {
            let mode = match v {
                "adaptive" => RetryMode::Adaptive,
                "naive" => RetryMode::Naive,
                _ => RetryMode::Standard,
            };
            // The naive client retries up to 10 times here; the other modes keep the default
            // (which they ignore), so no setting is changed that a link would not carry.
            let attempts =
                if mode == RetryMode::Naive { 10 } else { engine::apigw::ClientGroup::default().naive_attempts };
            for c in &mut s.clients {
                c.retry = mode;
                c.naive_attempts = attempts;
            }
        },
    },
    Choice {
        key: "api",
        label: "API type",
        options: &[("rest", "REST API (usage plans, API keys)"), ("http", "HTTP API (stage and route limits only)")],
        get: |s| Some(if s.gateway.kind == ApiKind::Http { "http" } else { "rest" }),
        set: |s, v| s.gateway.kind = if v == "http" { ApiKind::Http } else { ApiKind::Rest },
    },
];

impl LinkParams for ApigwScenario {
    fn link_params(&self, base: &Self) -> Vec<(&'static str, String)> {
        let (mut out, knobs) = changed_params(&CHOICES, &KNOBS, self, base);
        out.extend(knobs);
        out
    }

    fn param_rank(key: &str) -> Option<usize> {
        link_rank(key, &CHOICES, &KNOBS)
    }

    fn apply_param(&self, key: &str, value: &str) -> Result<Self, String> {
        apply_setting(self, key, value, &CHOICES, &KNOBS)
            .unwrap_or_else(|| Err("not a setting of this playground.".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_above_the_one_above_it_is_refused_with_the_rule() {
        let s = crate::scenes::preset::scenario_of(&crate::scenes::apigw::presets::PRESETS, "overload");
        // A REST stage limit above the account is accepted (the account still applies); an HTTP
        // API's route limit is not, nor a usage plan's.
        let above = s.apply_param("stage-rate", "20000").expect("a REST stage limit above the account");
        let err = above.apply_param("api", "http").expect_err("an HTTP route limit over the account");
        assert!(err.contains("cannot exceed the account rate"), "{err}");
        let usage = crate::scenes::preset::scenario_of(&crate::scenes::apigw::presets::PRESETS, "usage-plans");
        let err = usage.apply_param("plan-rate", "20000").expect_err("a plan over the account");
        assert!(err.contains("cannot exceed the account rate"), "{err}");
        // The integration timeout: REST APIs up to 29 s, HTTP APIs 30 s.
        let err = s.apply_param("timeout", "30").expect_err("30 s on a REST API");
        assert!(err.contains("0.05–29 s for a REST API"), "{err}");
        let http = s.apply_param("api", "http").expect("HTTP");
        assert_eq!(http.apply_param("timeout", "30").map(|h| h.backend.timeout_s), Ok(30.0));
        let negative = s.apply_param("stage-rate", "-5").expect_err("negative");
        assert!(negative.contains("-5 is below"), "{negative}");
        let plans = crate::scenes::preset::scenario_of(&crate::scenes::apigw::presets::PRESETS, "usage-plans");
        assert!(plans.apply_param("api", "http").expect_err("plans on HTTP").contains("HTTP APIs have no API keys"));
    }

    #[test]
    fn settings_round_trip_through_a_link() {
        let base = crate::scenes::preset::scenario_of(&crate::scenes::apigw::presets::PRESETS, "overload");
        let mut changed = base.apply_param("stage-burst", "300").expect("burst");
        changed = changed.apply_param("retry", "adaptive").expect("retry");
        changed = changed.apply_param("client-rate", "12.5").expect("rate");
        let mut params = changed.link_params(&base);
        params.sort_by_key(|(k, _)| ApigwScenario::param_rank(k));
        let mut rebuilt = base.clone();
        for (k, v) in params {
            rebuilt = rebuilt.apply_param(k, &v).expect("applies");
        }
        assert_eq!(rebuilt, changed);
    }
}
