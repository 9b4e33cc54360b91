//! API Gateway's throttling as a state machine: token buckets at every level AWS applies, in
//! AWS's order — usage-plan per-client per-method (per API key and method), usage-plan
//! per-client (per API key), per-method limits on the stage, the account level and a Regional
//! level (APIGW-04, APIGW-05) — with usage-plan quotas per key, API keys for REST APIs, and the
//! 429 and 403 answers AWS gives (APIGW-06).
//!
//! A request is admitted only if every bucket that applies to it has a token; then each gives
//! one. A refused request takes no token anywhere, so each bucket admits at most
//! `rate × window + burst` requests in any window (a tested invariant).
//!
//! API keys are read only on methods that require one (`apiKeyRequired`): there a missing or
//! unknown key gets 403, and a known key's usage plan (throttles and quota) applies. A method
//! that does not require a key ignores any key sent to it, so no usage plan applies to it.
//!
//! A usage plan's per-method throttle is a level of its own, checked before the plan's
//! per-client throttle, and a request needs a token from both ("You can set additional
//! throttling limits at the method level in Usage Plans"; the throttling page lists them as two
//! levels). A stage limit above the account limit is accepted: "The default method throttling
//! limits are bounded by the account-level rate limits, even if you set the default method
//! throttling limits higher" — the account bucket, checked after it, still applies.
//!
//! Quota periods: DAY and WEEK are whole days and weeks of simulated time from 0 s; MONTH is 30
//! days (AWS aligns quotas to calendar periods, APIGW-09, which simulated time does not have).

use serde::{Deserialize, Serialize};

use super::bucket::{BucketState, TokenBucket};
use crate::scenario::ConfigError;
use crate::time::{SimDuration, SimTime};

/// REST API or HTTP API (APIGW-11).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKind {
    /// REST: usage plans, API keys, per-method stage limits.
    #[default]
    Rest,
    /// HTTP: stage and route limits only.
    Http,
}

/// A throttle: refill per second and bucket size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// `rateLimit`: requests per second, steady.
    pub rate: f64,
    /// `burstLimit`: the bucket size.
    pub burst: u64,
}

impl Limit {
    /// The account default per Region: 10,000 requests/s with a 5,000 burst (APIGW-03).
    pub const ACCOUNT_DEFAULT: Limit = Limit { rate: 10_000.0, burst: 5_000 };
}

/// A quota period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum QuotaPeriod {
    /// 24 hours.
    Day,
    /// 7 days.
    Week,
    /// 30 days (see the module docs).
    Month,
}

impl QuotaPeriod {
    /// Its length.
    pub fn length(self) -> SimDuration {
        SimDuration::from_secs(match self {
            QuotaPeriod::Day => 86_400,
            QuotaPeriod::Week => 7 * 86_400,
            QuotaPeriod::Month => 30 * 86_400,
        })
    }
}

/// A usage-plan quota (APIGW-07).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Requests per period.
    pub limit: u64,
    /// Requests subtracted from the limit in the first period.
    #[serde(default)]
    pub offset: u64,
    /// The period.
    pub period: QuotaPeriod,
}

/// A usage plan (REST APIs only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsagePlan {
    /// Its name.
    pub name: String,
    /// Per-client throttle, per API key.
    #[serde(default)]
    pub throttle: Option<Limit>,
    /// Per-client throttles for single methods, per API key: each a level of its own, checked
    /// before `throttle`, which applies too.
    #[serde(default)]
    pub method_throttles: Vec<(String, Limit)>,
    /// Per-key quota.
    #[serde(default)]
    pub quota: Option<Quota>,
}

/// An API key in a usage plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    /// The key's value, 20–128 characters (APIGW-08).
    pub value: String,
    /// The usage plan's index.
    pub plan: usize,
}

/// A method of a REST API with its own settings (AWS's `Method` resource); a method not listed
/// has the defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiMethod {
    /// The method and path, e.g. `GET /orders`.
    pub method: String,
    /// `apiKeyRequired`: a request must carry a valid API key (403 otherwise), and the key's usage
    /// plan applies. Off by default, as in AWS: then keys are not read and no usage plan applies.
    #[serde(default)]
    pub api_key_required: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The gateway's throttling settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayConfig {
    /// REST or HTTP API.
    pub kind: ApiKind,
    /// AWS's Regional throttle (not customer-settable; AWS does not publish it: a stand-in).
    pub regional: Limit,
    /// The account's throttle in the Region.
    pub account: Limit,
    /// The stage's default per-method throttle, if set.
    pub stage: Option<Limit>,
    /// Per-method (HTTP: per-route) throttles on the stage, overriding the stage default.
    pub methods: Vec<(String, Limit)>,
    /// Usage plans (REST only).
    pub plans: Vec<UsagePlan>,
    /// API keys (REST only).
    pub keys: Vec<ApiKey>,
    /// REST: the methods with settings of their own (`apiKeyRequired`).
    pub api_methods: Vec<ApiMethod>,
    /// REST: every method not in `api_methods` requires an API key (as if `apiKeyRequired` were
    /// set on each). Files written before `api_methods` existed say this for all their methods.
    #[serde(skip_serializing_if = "is_false")]
    pub require_key: bool,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            kind: ApiKind::Rest,
            regional: Limit { rate: 50_000.0, burst: 25_000 },
            account: Limit::ACCOUNT_DEFAULT,
            stage: None,
            methods: Vec::new(),
            plans: Vec::new(),
            keys: Vec::new(),
            api_methods: Vec::new(),
            require_key: false,
        }
    }
}

/// Which throttle applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Level {
    /// A usage plan's per-client throttle for an API key (and method, if a method throttle).
    UsagePlan {
        /// The plan's name.
        plan: String,
        /// The method, for a per-method plan throttle.
        method: Option<String>,
    },
    /// A per-method limit on the stage (or the stage default for that method).
    Method(String),
    /// The account level in the Region.
    Account,
    /// AWS's Regional level.
    Regional,
}

impl Level {
    /// How it reads in an explanation.
    pub fn label(&self) -> String {
        match self {
            Level::UsagePlan { plan, method: None } => format!("usage plan {plan} (per API key)"),
            Level::UsagePlan { plan, method: Some(m) } => format!("usage plan {plan}, method {m} (per API key)"),
            Level::Method(m) => format!("stage limit for {m}"),
            Level::Account => "account limit".to_owned(),
            Level::Regional => "Regional limit".to_owned(),
        }
    }
}

/// What the gateway answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Passed on to the backend.
    Admitted,
    /// 429 `Too Many Requests` (`TooManyRequestsException`): the bucket that refused and its state.
    Throttled {
        /// The level.
        level: Level,
        /// Its bucket at that moment.
        state: BucketState,
    },
    /// 429 `Limit Exceeded` (`LimitExceededException`): the key's quota for this period is used.
    QuotaExceeded {
        /// The key.
        key: String,
        /// The quota.
        limit: u64,
        /// When the period ends.
        resets_in: SimDuration,
    },
    /// 403 `Forbidden`: a missing or unknown API key.
    Forbidden {
        /// Why.
        reason: &'static str,
    },
}

impl Outcome {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Outcome::Admitted => 200,
            Outcome::Throttled { .. } | Outcome::QuotaExceeded { .. } => 429,
            Outcome::Forbidden { .. } => 403,
        }
    }
    /// The `x-amzn-ErrorType`, if refused.
    pub fn error_type(&self) -> Option<&'static str> {
        match self {
            Outcome::Admitted => None,
            Outcome::Throttled { .. } => Some("TooManyRequestsException"),
            Outcome::QuotaExceeded { .. } => Some("LimitExceededException"),
            Outcome::Forbidden { .. } => Some("ForbiddenException"),
        }
    }
    /// The response body AWS sends.
    pub fn body(&self) -> &'static str {
        match self {
            Outcome::Admitted => "",
            Outcome::Throttled { .. } => "Too Many Requests",
            Outcome::QuotaExceeded { .. } => "Limit Exceeded",
            Outcome::Forbidden { .. } => "Forbidden",
        }
    }
}

#[derive(Clone, Debug)]
struct KeyState {
    value: String,
    plan: usize,
    bucket: Option<TokenBucket>,
    method_buckets: Vec<(String, TokenBucket)>,
    period: u64,
    used: u64,
}

/// The gateway: settings and the buckets' state.
#[derive(Clone, Debug)]
pub struct Gateway {
    config: GatewayConfig,
    regional: TokenBucket,
    account: TokenBucket,
    /// One bucket per method (the stage applies its limits per method).
    methods: Vec<(String, TokenBucket)>,
    keys: Vec<KeyState>,
}

fn check_limit(field: &str, limit: &Limit, above: Option<(&str, &Limit)>) -> Result<(), ConfigError> {
    if !limit.rate.is_finite() || limit.rate < 0.0 {
        return Err(ConfigError::Invalid {
            field: format!("{field}.rate"),
            value: format!("{}", limit.rate),
            rule: "a rate is a number of requests per second, 0 or more".into(),
        });
    }
    if let Some((name, upper)) = above {
        if limit.rate > upper.rate {
            return Err(ConfigError::Invalid {
                field: format!("{field}.rate"),
                value: format!("{}", limit.rate),
                rule: format!("it cannot exceed the {name} rate of {} requests/s", upper.rate),
            });
        }
        if limit.burst > upper.burst {
            return Err(ConfigError::Invalid {
                field: format!("{field}.burst"),
                value: limit.burst.to_string(),
                rule: format!("it cannot exceed the {name} burst of {} requests", upper.burst),
            });
        }
    }
    Ok(())
}

fn check_method_name(field: &str, method: &str) -> Result<(), ConfigError> {
    if method.trim().is_empty() {
        return Err(ConfigError::Invalid {
            field: field.to_owned(),
            value: "\"\"".into(),
            rule: "name the method and path, e.g. GET /orders".into(),
        });
    }
    Ok(())
}

impl GatewayConfig {
    /// Whether `method` requires an API key (`apiKeyRequired`; REST APIs only).
    pub fn key_required(&self, method: &str) -> bool {
        self.kind == ApiKind::Rest
            && self.api_methods.iter().find(|m| m.method == method).map_or(self.require_key, |m| m.api_key_required)
    }

    /// Checks the settings with AWS's rules: no negative rates; the account never above the
    /// Regional level; usage plans never above the account (APIGW-04); HTTP API route limits
    /// never above the account (APIGW-11); REST stage and method limits may be set above the
    /// account, which still applies; no usage plans or keys on HTTP APIs; keys of 20–128
    /// characters, unique, in a plan.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_limit("regional", &self.regional, None)?;
        check_limit("account", &self.account, Some(("Regional", &self.regional)))?;
        // REST: "bounded by the account-level rate limits, even if you set the default method
        // throttling limits higher"; HTTP: "can't exceed account-level rate limits".
        let stage_above = match self.kind {
            ApiKind::Rest => None,
            ApiKind::Http => Some(("account", &self.account)),
        };
        if let Some(stage) = &self.stage {
            check_limit("stage", stage, stage_above)?;
        }
        for (i, (method, limit)) in self.methods.iter().enumerate() {
            check_method_name(&format!("methods[{i}]"), method)?;
            check_limit(&format!("methods[{i}]"), limit, stage_above)?;
        }
        for (i, m) in self.api_methods.iter().enumerate() {
            check_method_name(&format!("api_methods[{i}].method"), &m.method)?;
            if self.api_methods[..i].iter().any(|other| other.method == m.method) {
                return Err(ConfigError::Invalid {
                    field: format!("api_methods[{i}].method"),
                    value: m.method.clone(),
                    rule: "list each method once".into(),
                });
            }
        }
        let key_required = self.require_key || self.api_methods.iter().any(|m| m.api_key_required);
        if self.kind == ApiKind::Http && (!self.plans.is_empty() || !self.keys.is_empty() || key_required) {
            return Err(ConfigError::Invalid {
                field: "plans".into(),
                value: "set".into(),
                rule: "HTTP APIs have no API keys or usage plans; use stage or route throttling".into(),
            });
        }
        for (i, plan) in self.plans.iter().enumerate() {
            if let Some(t) = &plan.throttle {
                check_limit(&format!("plans[{i}].throttle"), t, Some(("account", &self.account)))?;
            }
            for (j, (_, t)) in plan.method_throttles.iter().enumerate() {
                check_limit(&format!("plans[{i}].method_throttles[{j}]"), t, Some(("account", &self.account)))?;
            }
        }
        for (i, key) in self.keys.iter().enumerate() {
            let n = key.value.chars().count();
            if !(20..=128).contains(&n) {
                return Err(ConfigError::OutOfRange {
                    field: format!("keys[{i}].value"),
                    value: format!("{n} characters"),
                    allowed: "20–128 characters".into(),
                });
            }
            if self.keys[..i].iter().any(|k| k.value == key.value) {
                return Err(ConfigError::Invalid {
                    field: format!("keys[{i}].value"),
                    value: key.value.clone(),
                    rule: "API key values must be unique".into(),
                });
            }
            if key.plan >= self.plans.len() {
                return Err(ConfigError::Invalid {
                    field: format!("keys[{i}].plan"),
                    value: key.plan.to_string(),
                    rule: format!("there are {} usage plans", self.plans.len()),
                });
            }
        }
        Ok(())
    }
}

impl Gateway {
    /// A gateway with full buckets, or the first setting AWS would refuse.
    pub fn new(config: &GatewayConfig) -> Result<Gateway, ConfigError> {
        config.validate()?;
        let bucket = |l: &Limit| TokenBucket::new(l.rate, l.burst);
        let keys = config
            .keys
            .iter()
            .map(|k| {
                let plan = &config.plans[k.plan];
                KeyState {
                    value: k.value.clone(),
                    plan: k.plan,
                    bucket: plan.throttle.as_ref().map(bucket),
                    method_buckets: plan.method_throttles.iter().map(|(m, l)| (m.clone(), bucket(l))).collect(),
                    period: 0,
                    used: 0,
                }
            })
            .collect();
        Ok(Gateway {
            config: config.clone(),
            regional: bucket(&config.regional),
            account: bucket(&config.account),
            methods: Vec::new(),
            keys,
        })
    }

    /// The settings.
    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// The stage limit for `method`: its own, or the stage default.
    fn method_limit(&self, method: &str) -> Option<Limit> {
        self.config.methods.iter().find(|(m, _)| m == method).map(|(_, l)| *l).or(self.config.stage)
    }

    /// Creates the stage bucket of `method` now (it would be on the method's first request), so
    /// the buckets a run shows do not change as methods are first called.
    pub fn prepare_method(&mut self, method: &str) {
        self.method_bucket(method);
    }

    fn method_bucket(&mut self, method: &str) -> Option<usize> {
        let limit = self.method_limit(method)?;
        match self.methods.iter().position(|(m, _)| m == method) {
            Some(i) => Some(i),
            None => {
                self.methods.push((method.to_owned(), TokenBucket::new(limit.rate, limit.burst)));
                Some(self.methods.len() - 1)
            }
        }
    }

    /// A request for `method` (e.g. `GET /orders`) with an API key, at `now`. The key is read
    /// only if the method requires one.
    pub fn request(&mut self, now: SimTime, method: &str, api_key: Option<&str>) -> Outcome {
        let key = match (self.config.key_required(method), api_key) {
            (false, _) => None,
            (true, Some(value)) => match self.keys.iter().position(|k| k.value == value) {
                Some(i) => Some(i),
                None => return Outcome::Forbidden { reason: "the API key is not valid for this stage" },
            },
            (true, None) => return Outcome::Forbidden { reason: "the method requires an API key and none was sent" },
        };
        // The quota is checked first: a request over it takes no token.
        if let Some(k) = key {
            if let Some(q) = self.config.plans[self.keys[k].plan].quota {
                let length = q.period.length().as_micros();
                let period = now.as_micros() / length;
                let state = &mut self.keys[k];
                if state.period != period {
                    state.period = period;
                    state.used = 0;
                }
                let limit = if period == 0 { q.limit.saturating_sub(q.offset) } else { q.limit };
                if state.used >= limit {
                    let resets_in = SimDuration::from_micros((period + 1) * length - now.as_micros());
                    return Outcome::QuotaExceeded { key: state.value.clone(), limit, resets_in };
                }
            }
        }
        // Every applicable bucket must have a token, checked in AWS's order; the first without
        // one answers.
        let method_index = self.method_bucket(method);
        if let Some(k) = key {
            let plan = &self.config.plans[self.keys[k].plan].name;
            let state = &mut self.keys[k];
            // The plan's per-client per-method throttle, then its per-client throttle.
            if let Some((m, b)) = state.method_buckets.iter_mut().find(|(m, _)| m == method) {
                if !b.has_token(now) {
                    return Outcome::Throttled {
                        level: Level::UsagePlan { plan: plan.clone(), method: Some(m.clone()) },
                        state: b.state(now),
                    };
                }
            }
            if let Some(b) = state.bucket.as_mut() {
                if !b.has_token(now) {
                    return Outcome::Throttled {
                        level: Level::UsagePlan { plan: plan.clone(), method: None },
                        state: b.state(now),
                    };
                }
            }
        }
        if let Some(i) = method_index {
            let b = &mut self.methods[i].1;
            if !b.has_token(now) {
                return Outcome::Throttled { level: Level::Method(method.to_owned()), state: b.state(now) };
            }
        }
        if !self.account.has_token(now) {
            return Outcome::Throttled { level: Level::Account, state: self.account.state(now) };
        }
        if !self.regional.has_token(now) {
            return Outcome::Throttled { level: Level::Regional, state: self.regional.state(now) };
        }
        // Admitted: every bucket gives its token, the quota counts the request.
        if let Some(k) = key {
            let state = &mut self.keys[k];
            if let Some((_, b)) = state.method_buckets.iter_mut().find(|(m, _)| m == method) {
                b.take(now);
            }
            if let Some(b) = state.bucket.as_mut() {
                b.take(now);
            }
            state.used += 1;
        }
        if let Some(i) = method_index {
            self.methods[i].1.take(now);
        }
        self.account.take(now);
        self.regional.take(now);
        Outcome::Admitted
    }

    /// Every bucket's state now, in AWS's order (per-key buckets by key, then per method, then
    /// account and Regional).
    pub fn buckets(&mut self, now: SimTime) -> Vec<(String, BucketState)> {
        let mut out = Vec::new();
        for k in &mut self.keys {
            let tail: String = k.value.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
            let plan = self.config.plans.get(k.plan).map_or("", |p| p.name.as_str());
            if let Some(b) = k.bucket.as_mut() {
                out.push((format!("key …{tail} ({plan})"), b.state(now)));
            }
            for (m, b) in &mut k.method_buckets {
                out.push((format!("key …{tail} ({plan}) {m}"), b.state(now)));
            }
        }
        for (m, b) in &mut self.methods {
            out.push((format!("stage {m}"), b.state(now)));
        }
        out.push(("account".to_owned(), self.account.state(now)));
        out.push(("Regional".to_owned(), self.regional.state(now)));
        out
    }

    /// Requests a key has used in the current quota period.
    pub fn quota_used(&self, key: &str) -> Option<u64> {
        self.keys.iter().find(|k| k.value == key).map(|k| k.used)
    }
}
