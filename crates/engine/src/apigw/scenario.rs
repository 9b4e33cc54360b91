//! The API Gateway scenario: client groups (a workload each, a method, an API key, a retry mode)
//! calling through the gateway's throttles to a backend with limited concurrency, on the
//! scheduler. Every attempt is traced with the level that refused it, if one did.
//!
//! The integration timeout runs from admission: a request the backend has not answered by then
//! — still waiting for a free slot, or still being served — gets 504 `Endpoint request timed
//! out`. The backend does not learn of it: a request it was serving keeps its slot until done,
//! and that answer goes nowhere.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::gateway::{ApiKind, Gateway, GatewayConfig, Outcome};
use super::retry::{Failure, RetryClient, RetryMode};
use crate::dist::Distribution;
use crate::metrics::{Histogram, SeriesId, SeriesKind};
use crate::scenario::{check_int_range, check_range, check_version, current_version, ConfigError};
use crate::sim::{Ctx, Model, Sim};
use crate::time::{SimDuration, SimTime};
use crate::trace::{Reason, StableHasher, TraceRecord};
use crate::workload::{Arrivals, Workload};

/// The `kind` of API Gateway scenario files.
pub const SCENARIO_KIND: &str = "apigw";
/// Buckets with their own chart series.
pub const CHARTED_BUCKETS: usize = 8;
const BUCKET_SERIES: [&str; CHARTED_BUCKETS] =
    ["bucket 1", "bucket 2", "bucket 3", "bucket 4", "bucket 5", "bucket 6", "bucket 7", "bucket 8"];
/// The shortest integration timeout, seconds (REST and HTTP APIs: 50 ms; APIGI-04,
/// `timeoutInMillis` of PutIntegration, `TimeoutInMillis` of apigatewayv2 CreateIntegration).
pub const MIN_TIMEOUT_S: f64 = 0.05;
/// The longest integration timeout of a REST API without a quota increase, seconds (29 s;
/// APIGW-12, APIGI-04).
pub const REST_MAX_TIMEOUT_S: f64 = 29.0;
/// The longest integration timeout of an HTTP API, seconds (30 s, fixed; APIGW-12, APIGI-04).
pub const HTTP_MAX_TIMEOUT_S: f64 = 30.0;
/// The body of the 504 API Gateway answers when the integration times out
/// (`INTEGRATION_TIMEOUT`, APIGI-06).
pub const TIMEOUT_MESSAGE: &str = "Endpoint request timed out";

/// A group of identical clients.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientGroup {
    /// A name for the diagram.
    pub name: String,
    /// How many clients, 1–1,000.
    pub count: u32,
    /// When each client calls.
    pub workload: Workload,
    /// The method and path they call.
    pub method: String,
    /// The API key they send (index into the gateway's keys), if any; API Gateway reads it only
    /// on a method that requires one.
    pub key: Option<usize>,
    /// How they retry.
    pub retry: RetryMode,
    /// Attempts of a naive client, 1–20.
    pub naive_attempts: u32,
}

impl Default for ClientGroup {
    fn default() -> Self {
        ClientGroup {
            name: "clients".into(),
            count: 10,
            workload: Workload::Poisson { rate_per_s: 10.0 },
            method: "GET /items".into(),
            key: None,
            retry: RetryMode::Standard,
            naive_attempts: 5,
        }
    }
}

/// The backend behind the gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Backend {
    /// Requests it serves at once; the rest wait.
    pub concurrency: u32,
    /// How long a request takes.
    pub latency: Distribution,
    /// The integration timeout, seconds (REST APIs 50 ms–29 s, HTTP APIs 50 ms–30 s; APIGW-12,
    /// APIGI-04), counted from admission: a request not answered by then (waiting for a slot or
    /// being served) gets 504; the backend finishes what it started all the same.
    pub timeout_s: f64,
}

impl Default for Backend {
    fn default() -> Self {
        Backend {
            concurrency: 100,
            latency: Distribution::LogNormal { median_ms: 50.0, p99_ms: 300.0 },
            timeout_s: 29.0,
        }
    }
}

/// A whole API Gateway scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApigwScenario {
    /// Scenario format version.
    #[serde(default = "current_version")]
    pub v: u32,
    /// The gateway's throttles, plans and keys.
    pub gateway: GatewayConfig,
    /// Who calls.
    pub clients: Vec<ClientGroup>,
    /// What serves.
    pub backend: Backend,
}

impl Default for ApigwScenario {
    fn default() -> Self {
        ApigwScenario {
            v: current_version(),
            gateway: GatewayConfig::default(),
            clients: vec![ClientGroup::default()],
            backend: Backend::default(),
        }
    }
}

impl ApigwScenario {
    /// Issue 7's yardstick: 50 clients sending 5,000 requests/s in all for one simulated hour,
    /// through an account limit they fit under, to a backend that keeps up.
    pub fn benchmark() -> ApigwScenario {
        ApigwScenario {
            clients: vec![ClientGroup {
                count: 50,
                workload: Workload::Poisson { rate_per_s: 100.0 },
                ..ClientGroup::default()
            }],
            backend: Backend { concurrency: 1_000, latency: Distribution::Fixed { ms: 20.0 }, timeout_s: 29.0 },
            ..ApigwScenario::default()
        }
    }

    /// Checks every field; the error names the field, the value and the rule.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_version(self.v)?;
        self.gateway.validate()?;
        check_int_range("clients", self.clients.len() as u64, 0..=20)?;
        for (i, c) in self.clients.iter().enumerate() {
            check_int_range(&format!("clients[{i}].count"), u64::from(c.count), 1..=1_000)?;
            c.workload.validate(&format!("clients[{i}].workload"))?;
            check_int_range(&format!("clients[{i}].naive_attempts"), u64::from(c.naive_attempts), 1..=20)?;
            if let Some(k) = c.key {
                if k >= self.gateway.keys.len() {
                    return Err(ConfigError::Invalid {
                        field: format!("clients[{i}].key"),
                        value: k.to_string(),
                        rule: format!("the gateway has {} API keys", self.gateway.keys.len()),
                    });
                }
            }
        }
        check_int_range("backend.concurrency", u64::from(self.backend.concurrency), 1..=100_000)?;
        self.backend.latency.validate("backend.latency")?;
        let max_timeout = match self.gateway.kind {
            ApiKind::Rest => REST_MAX_TIMEOUT_S,
            ApiKind::Http => HTTP_MAX_TIMEOUT_S,
        };
        if check_range("backend.timeout_s", self.backend.timeout_s, MIN_TIMEOUT_S..=max_timeout).is_err() {
            return Err(ConfigError::OutOfRange {
                field: "backend.timeout_s".into(),
                value: crate::scenario::format_number(self.backend.timeout_s),
                allowed: "0.05–29 s for a REST API, 0.05–30 s for an HTTP API".into(),
            });
        }
        crate::scenario::check_offered("requests of all clients, before retries", self.offered_per_s())
    }

    /// Operations per simulated second it offers: the requests of all clients, before retries.
    pub fn offered_per_s(&self) -> f64 {
        self.clients.iter().map(|c| f64::from(c.count) * c.workload.sustained_rate_per_s()).sum()
    }

    /// The scenario as the file `nimbus run` reads (`"kind": "apigw"`).
    pub fn to_file_json(&self) -> String {
        crate::scenario::to_file_json(self, SCENARIO_KIND)
    }

    /// Reads and validates a scenario file.
    pub fn from_file_json(text: &str) -> Result<ApigwScenario, String> {
        crate::scenario::from_file_json(text, SCENARIO_KIND, "API Gateway", ApigwScenario::validate)
    }
}

/// A running API Gateway scenario.
pub type ApigwSim = Sim<ApigwModel>;

impl Sim<ApigwModel> {
    /// Builds a run of `scenario` with `seed`, or says which field is wrong.
    pub fn try_new(scenario: &ApigwScenario, seed: u64) -> Result<ApigwSim, ConfigError> {
        scenario.validate()?;
        Ok(Sim::with_model(ApigwModel::new(scenario)?, seed))
    }
}

/// Scheduled work.
#[derive(Clone, Copy, Debug)]
pub enum Work {
    /// A client starts a new call.
    Call { group: u32, client: u32 },
    /// An attempt of a call goes to the gateway.
    Attempt { call: u32 },
    /// The backend finishes the work of admission `ticket` (of the call in slot `call`, unless
    /// that attempt got its 504 meanwhile).
    Done { call: u32, ticket: u64 },
    /// The integration timeout of admission `ticket` ends.
    Timeout { call: u32, ticket: u64 },
    /// Bucket levels are sampled.
    Sample,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApigwTraceEvent {
    /// When.
    pub at: SimTime,
    /// Why.
    pub reason: Reason,
    /// The call.
    pub call: u64,
    /// The client group and client.
    pub client: (u32, u32),
    /// The attempt (1-based).
    pub attempt: u32,
    /// For a throttle: which level (0 usage plan, 1 method, 2 account, 3 Regional, 4 the usage
    /// plan's limit for the method); for a scheduled retry: its delay in milliseconds; for a 504:
    /// 0 if it was still waiting for a backend slot, 1 if the backend was serving it.
    pub detail: u32,
    /// For a throttle: the refusing bucket's tokens (thousandths) and the wait for its next
    /// token (microseconds) at that moment. For a 504, and for the backend finishing a request
    /// after it: (0, the integration timeout in microseconds).
    pub bucket: (u32, u64),
}

impl TraceRecord for ApigwTraceEvent {
    fn at(&self) -> SimTime {
        self.at
    }
    fn reason(&self) -> Reason {
        self.reason
    }
    fn hash_into(&self, h: &mut StableHasher) {
        h.write_u64x4([
            self.at.as_micros(),
            self.call,
            u64::from(self.reason.stable_id()) << 32 | u64::from(self.attempt),
            u64::from(self.client.0) << 48 | u64::from(self.client.1) << 24 | u64::from(self.detail),
        ]);
        h.write_u64x4([u64::from(self.bucket.0), self.bucket.1, 0, 0]);
    }
    /// A call and its retries.
    fn subject(&self) -> Option<u64> {
        Some(self.call)
    }
    fn describe(&self) -> String {
        let who = format!("client {}.{}", self.client.0 + 1, self.client.1 + 1);
        let n = self.attempt;
        match self.reason {
            Reason::Sent => format!("{who}: request {} admitted (attempt {n})", self.call),
            Reason::Throttled => format!(
                "{who}: request {} got 429 Too Many Requests from the {} (attempt {n}): {:.2} tokens, the next in {:.0} ms",
                self.call,
                ["usage plan", "method limit", "account limit", "Regional limit", "usage plan's limit for this method"]
                    .get(self.detail as usize)
                    .unwrap_or(&"gateway"),
                f64::from(self.bucket.0) / 1_000.0,
                self.bucket.1 as f64 / 1_000.0
            ),
            Reason::QuotaExceeded => {
                format!("{who}: request {} got 429 Limit Exceeded: the key's quota is used", self.call)
            }
            Reason::Forbidden => format!("{who}: request {} got 403 Forbidden (API key)", self.call),
            Reason::TimedOut => format!(
                "{who}: request {} got 504 {TIMEOUT_MESSAGE} (attempt {n}): {} within the {} s integration timeout",
                self.call,
                if self.detail == 1 {
                    "the backend, still working on it, did not answer"
                } else {
                    "no backend slot came free"
                },
                self.bucket.1 as f64 / 1e6
            ),
            Reason::Processed => format!(
                "the backend finished request {} (attempt {n}) of {who} after its 504: the answer goes nowhere, but the slot was taken until now",
                self.call
            ),
            Reason::Completed => {
                format!("{who}: request {} answered 200 after {n} attempt{}", self.call, if n == 1 { "" } else { "s" })
            }
            Reason::Started => format!("{who}: request {} will be retried in {} ms", self.call, self.detail),
            Reason::GaveUp if self.detail == 1 => format!(
                "{who}: gave up on request {} after {n} attempt{}: its retry quota is empty (the SDK's circuit breaker)",
                self.call,
                if n == 1 { "" } else { "s" }
            ),
            Reason::GaveUp => {
                format!("{who}: gave up on request {} after {}", self.call, crate::text::count(n, "attempt", "attempts"))
            }
            other => format!("request {}: {}", self.call, other.code()),
        }
    }
}

/// A call in progress.
#[derive(Clone, Copy, Debug)]
struct Call {
    id: u64,
    group: u32,
    client: u32,
    attempt: u32,
    started: SimTime,
    last_failure: Option<Failure>,
    /// While waiting for the backend: since when.
    queued_at: Option<SimTime>,
    /// Being served by the backend.
    serving: bool,
    /// While admitted (waiting or served): its admission, which the backend's work and the
    /// integration timeout name.
    ticket: Option<u64>,
    /// While served: when the backend finishes.
    due: Option<SimTime>,
    /// When its next attempt goes out, while it waits for a retry.
    retry_at: Option<SimTime>,
}

/// Where a call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallPhase {
    /// With its client: about to be sent, or waiting to be retried.
    Client,
    /// Admitted, waiting for a free backend slot.
    Waiting,
    /// Being served.
    Serving,
}

/// Counts of the run.
#[derive(Clone, Debug, Default)]
pub struct ApigwTotals {
    /// Calls started by clients.
    pub calls: u64,
    /// Attempts sent to the gateway (calls and retries): the offered load.
    pub offered: u64,
    /// Attempts the gateway admitted.
    pub admitted: u64,
    /// 429 Too Many Requests.
    pub throttled: u64,
    /// 429 by level: usage plan, method, account, Regional.
    pub throttled_by_level: [u64; 4],
    /// 429 Limit Exceeded.
    pub quota_exceeded: u64,
    /// 403.
    pub forbidden: u64,
    /// 504 `Endpoint request timed out`.
    pub timed_out: u64,
    /// Requests the backend finished after their 504 (work nobody received).
    pub finished_after_timeout: u64,
    /// Retries scheduled.
    pub retries: u64,
    /// Calls answered 200.
    pub succeeded: u64,
    /// Calls given up.
    pub gave_up: u64,
    /// From a call's first attempt to its 200, retries included.
    pub latency: Histogram,
}

#[derive(Clone, Copy, Debug)]
struct ApigwSeries {
    offered: SeriesId,
    admitted: SeriesId,
    throttled: SeriesId,
    quota: SeriesId,
    timed_out: SeriesId,
    retries: SeriesId,
    p50: SeriesId,
    p99: SeriesId,
    buckets: [Option<SeriesId>; CHARTED_BUCKETS],
}

/// The API Gateway scenario model.
#[derive(Clone, Debug)]
pub struct ApigwModel {
    scenario: ApigwScenario,
    gateway: Gateway,
    arrivals: Vec<Vec<Arrivals>>,
    clients: Vec<Vec<RetryClient>>,
    calls: Vec<Option<Call>>,
    free: Vec<u32>,
    next_id: u64,
    busy: u32,
    /// Calls waiting for a backend slot, in arrival order: `(slot, call id)`. A call that timed
    /// out stays listed (removing it from the middle cost O(backlog) per timeout, quadratic
    /// under load) and is skipped when it reaches the front; the id tells a reused slot apart.
    waiting: VecDeque<(u32, u64)>,
    /// How many of `waiting` are still waiting.
    waiting_now: usize,
    /// The backend's work for requests already answered 504, by admission ticket: `(group,
    /// client, call id, attempt)`. It keeps its slot (counted in `busy`) until done.
    abandoned: BTreeMap<u64, (u32, u32, u64, u32)>,
    next_ticket: u64,
    timeout: SimDuration,
    fixed_latency: Option<SimDuration>,
    totals: ApigwTotals,
    /// Latencies of the calls answered in the current second, for the percentile charts.
    window: Histogram,
    series: Option<ApigwSeries>,
}

impl ApigwModel {
    /// A model for a validated scenario.
    pub fn new(scenario: &ApigwScenario) -> Result<ApigwModel, ConfigError> {
        let mut gateway = Gateway::new(&scenario.gateway)?;
        for g in &scenario.clients {
            gateway.prepare_method(&g.method);
        }
        let arrivals =
            scenario.clients.iter().map(|g| (0..g.count).map(|_| Arrivals::new(&g.workload)).collect()).collect();
        let clients = scenario
            .clients
            .iter()
            .map(|g| (0..g.count).map(|_| RetryClient::new(g.retry, g.naive_attempts)).collect())
            .collect();
        let fixed_latency = match scenario.backend.latency {
            Distribution::Fixed { ms } => Some(SimDuration::from_secs_f64(ms / 1_000.0)),
            _ => None,
        };
        Ok(ApigwModel {
            scenario: scenario.clone(),
            gateway,
            arrivals,
            clients,
            calls: Vec::new(),
            free: Vec::new(),
            next_id: 1,
            busy: 0,
            waiting: VecDeque::new(),
            waiting_now: 0,
            abandoned: BTreeMap::new(),
            next_ticket: 0,
            timeout: SimDuration::from_secs_f64(scenario.backend.timeout_s),
            fixed_latency,
            totals: ApigwTotals::default(),
            window: Histogram::new(),
            series: None,
        })
    }

    /// The scenario.
    pub fn scenario(&self) -> &ApigwScenario {
        &self.scenario
    }
    /// Counts so far.
    pub fn totals(&self) -> &ApigwTotals {
        &self.totals
    }
    /// The gateway (its buckets' states: [`Gateway::buckets`] needs `&mut` for the refill).
    pub fn gateway(&self) -> &Gateway {
        &self.gateway
    }
    /// The gateway's buckets now.
    pub fn buckets(&self, now: SimTime) -> Vec<(String, super::BucketState)> {
        self.gateway.clone().buckets(now)
    }
    /// Requests at the backend now: in service (those already answered 504 included), and
    /// waiting.
    pub fn backend_load(&self) -> (u32, usize) {
        (self.busy, self.waiting_now)
    }
    /// The backend's work for requests already answered 504, oldest admission first: `(ticket,
    /// group, call id, attempt)`. Each keeps a slot until done.
    pub fn abandoned(&self) -> impl Iterator<Item = (u64, u32, u64, u32)> + '_ {
        self.abandoned.iter().map(|(t, (g, _, id, attempt))| (*t, *g, *id, *attempt))
    }
    /// When each call waiting for a retry sends it: `(call id, group, at)`.
    pub fn retries_due(&self) -> impl Iterator<Item = (u64, u32, SimTime)> + '_ {
        self.calls.iter().flatten().filter_map(|c| c.retry_at.map(|at| (c.id, c.group, at)))
    }
    /// Calls in progress: `(call id, group, client, attempt, where)`.
    pub fn calls(&self) -> impl Iterator<Item = (u64, u32, u32, u32, CallPhase)> + '_ {
        self.calls.iter().flatten().map(|c| {
            let phase = match (c.serving, c.queued_at) {
                (true, _) => CallPhase::Serving,
                (false, Some(_)) => CallPhase::Waiting,
                (false, None) => CallPhase::Client,
            };
            (c.id, c.group, c.client, c.attempt, phase)
        })
    }

    fn emit(&self, cx: &mut Ctx<Work, ApigwTraceEvent>, reason: Reason, call: &Call, detail: u32) {
        cx.emit(ApigwTraceEvent {
            at: cx.now(),
            reason,
            call: call.id,
            client: (call.group, call.client),
            attempt: call.attempt,
            detail,
            bucket: (0, 0),
        });
    }

    fn count(&self, cx: &mut Ctx<Work, ApigwTraceEvent>, pick: fn(&ApigwSeries) -> SeriesId) {
        if let Some(s) = &self.series {
            cx.metrics.record(pick(s), cx.now(), 1.0);
        }
    }

    fn start_call(&mut self, cx: &mut Ctx<Work, ApigwTraceEvent>, group: u32, client: u32) {
        let call = Call {
            id: self.next_id,
            group,
            client,
            attempt: 1,
            started: cx.now(),
            last_failure: None,
            queued_at: None,
            serving: false,
            ticket: None,
            due: None,
            retry_at: None,
        };
        self.next_id += 1;
        self.totals.calls += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.calls[slot as usize] = Some(call);
                slot
            }
            None => {
                self.calls.push(Some(call));
                (self.calls.len() - 1) as u32
            }
        };
        self.attempt(cx, slot);
        if let Some(at) = self.arrivals[group as usize][client as usize].next(&mut cx.rng) {
            cx.schedule_at(at.max(cx.now()), Work::Call { group, client });
        }
    }

    fn attempt(&mut self, cx: &mut Ctx<Work, ApigwTraceEvent>, slot: u32) {
        let Some(call) = self.calls[slot as usize] else { return };
        let now = cx.now();
        if let Some(c) = self.calls[slot as usize].as_mut() {
            c.retry_at = None;
        }
        // Adaptive clients may hold a request back before it leaves.
        let hold = self.clients[call.group as usize][call.client as usize].send_delay(now);
        if hold > SimDuration::ZERO {
            cx.schedule_in(hold, Work::Attempt { call: slot });
            return;
        }
        self.totals.offered += 1;
        self.count(cx, |s| s.offered);
        let group = &self.scenario.clients[call.group as usize];
        let key = group.key.and_then(|k| self.scenario.gateway.keys.get(k)).map(|k| k.value.clone());
        let method = group.method.clone();
        match self.gateway.request(now, &method, key.as_deref()) {
            Outcome::Admitted => {
                self.totals.admitted += 1;
                self.count(cx, |s| s.admitted);
                self.emit(cx, Reason::Sent, &call, 0);
                let ticket = self.next_ticket;
                self.next_ticket += 1;
                if let Some(c) = self.calls[slot as usize].as_mut() {
                    c.queued_at = Some(now);
                    c.ticket = Some(ticket);
                }
                if self.busy < self.scenario.backend.concurrency {
                    self.serve(cx, slot);
                } else {
                    // Its timeout is set now: it may run out while it waits or while it is served.
                    self.waiting.push_back((slot, ticket));
                    self.waiting_now += 1;
                    cx.schedule_in(self.timeout, Work::Timeout { call: slot, ticket });
                }
            }
            Outcome::Throttled { level, state } => {
                self.totals.throttled += 1;
                // The plan's per-method level counts with the plan; its events say which.
                let (i, detail) = match level {
                    super::Level::UsagePlan { method: None, .. } => (0, 0),
                    super::Level::UsagePlan { method: Some(_), .. } => (0, 4),
                    super::Level::Method(_) => (1, 1),
                    super::Level::Account => (2, 2),
                    super::Level::Regional => (3, 3),
                };
                self.totals.throttled_by_level[i] += 1;
                self.count(cx, |s| s.throttled);
                cx.emit(ApigwTraceEvent {
                    at: now,
                    reason: Reason::Throttled,
                    call: call.id,
                    client: (call.group, call.client),
                    attempt: call.attempt,
                    detail,
                    bucket: ((state.tokens * 1_000.0) as u32, state.next_token_in.as_micros()),
                });
                self.failed(cx, slot, Failure::Throttled);
            }
            Outcome::QuotaExceeded { .. } => {
                self.totals.quota_exceeded += 1;
                self.count(cx, |s| s.quota);
                self.emit(cx, Reason::QuotaExceeded, &call, 0);
                self.failed(cx, slot, Failure::Throttled);
            }
            Outcome::Forbidden { .. } => {
                self.totals.forbidden += 1;
                self.emit(cx, Reason::Forbidden, &call, 0);
                self.finish(slot);
            }
        }
    }

    fn serve(&mut self, cx: &mut Ctx<Work, ApigwTraceEvent>, slot: u32) {
        let Some(call) = self.calls[slot as usize] else { return };
        let (Some(ticket), Some(admitted)) = (call.ticket, call.queued_at) else { return };
        self.busy += 1;
        let took = match self.fixed_latency {
            Some(d) => d,
            None => self.scenario.backend.latency.sample(&mut cx.rng),
        };
        let now = cx.now();
        if let Some(c) = self.calls[slot as usize].as_mut() {
            c.queued_at = None;
            c.serving = true;
            c.due = Some(now + took);
        }
        // A request served at once needs its timeout only if the backend will be too slow (a
        // request that waited has had one since it was admitted).
        if admitted == now && took > self.timeout {
            cx.schedule_in(self.timeout, Work::Timeout { call: slot, ticket });
        }
        cx.schedule_in(took, Work::Done { call: slot, ticket });
    }

    fn done(&mut self, cx: &mut Ctx<Work, ApigwTraceEvent>, slot: u32, ticket: u64) {
        self.busy = self.busy.saturating_sub(1);
        match self.abandoned.remove(&ticket) {
            // Its client got a 504 long ago: the answer goes nowhere.
            Some((group, client, id, attempt)) => {
                self.totals.finished_after_timeout += 1;
                cx.emit(ApigwTraceEvent {
                    at: cx.now(),
                    reason: Reason::Processed,
                    call: id,
                    client: (group, client),
                    attempt,
                    detail: 0,
                    bucket: (0, self.timeout.as_micros()),
                });
            }
            None => {
                if let Some(call) = self.calls[slot as usize].filter(|c| c.ticket == Some(ticket)) {
                    self.totals.succeeded += 1;
                    self.totals.latency.record(cx.now().saturating_since(call.started));
                    self.window.record(cx.now().saturating_since(call.started));
                    self.emit(cx, Reason::Completed, &call, 0);
                    self.clients[call.group as usize][call.client as usize].after_success(
                        cx.now(),
                        call.attempt,
                        call.last_failure,
                    );
                    self.finish(slot);
                }
            }
        }
        // The next waiting request (one that has not timed out) takes the free slot.
        while let Some((next, ticket)) = self.waiting.pop_front() {
            if self.calls[next as usize].is_some_and(|c| c.ticket == Some(ticket) && c.queued_at.is_some()) {
                self.waiting_now -= 1;
                self.serve(cx, next);
                break;
            }
        }
    }

    fn timeout(&mut self, cx: &mut Ctx<Work, ApigwTraceEvent>, slot: u32, ticket: u64) {
        let Some(call) = self.calls[slot as usize].filter(|c| c.ticket == Some(ticket)) else { return };
        let now = cx.now();
        // A backend answering at this very instant is in time.
        if call.serving && call.due.is_some_and(|due| due <= now) {
            return;
        }
        let serving = call.serving;
        if serving {
            // The backend keeps working on it, in its slot, until done.
            self.abandoned.insert(ticket, (call.group, call.client, call.id, call.attempt));
        } else {
            self.waiting_now -= 1;
        }
        self.totals.timed_out += 1;
        self.count(cx, |s| s.timed_out);
        cx.emit(ApigwTraceEvent {
            at: now,
            reason: Reason::TimedOut,
            call: call.id,
            client: (call.group, call.client),
            attempt: call.attempt,
            detail: u32::from(serving),
            bucket: (0, self.timeout.as_micros()),
        });
        if let Some(c) = self.calls[slot as usize].as_mut() {
            c.queued_at = None;
            c.serving = false;
            c.ticket = None;
            c.due = None;
        }
        self.failed(cx, slot, Failure::Timeout);
    }

    fn failed(&mut self, cx: &mut Ctx<Work, ApigwTraceEvent>, slot: u32, failure: Failure) {
        let Some(call) = self.calls[slot as usize] else { return };
        let client = &mut self.clients[call.group as usize][call.client as usize];
        match client.after_failure(cx.now(), call.attempt, failure, &mut cx.rng) {
            Some(delay) => {
                self.totals.retries += 1;
                self.count(cx, |s| s.retries);
                let ms = (delay.as_micros() / 1_000).min(u64::from(u32::MAX)) as u32;
                self.emit(cx, Reason::Started, &call, ms);
                let at = cx.now() + delay;
                if let Some(c) = self.calls[slot as usize].as_mut() {
                    c.attempt += 1;
                    c.last_failure = Some(failure);
                    c.retry_at = Some(at);
                }
                cx.schedule_at(at, Work::Attempt { call: slot });
            }
            None => {
                self.totals.gave_up += 1;
                // Detail 1: attempts were left, but the client's retry quota could not pay.
                let group = &self.scenario.clients[call.group as usize];
                let max = if group.retry == RetryMode::Naive {
                    group.naive_attempts
                } else {
                    super::retry::STANDARD_ATTEMPTS
                };
                self.emit(cx, Reason::GaveUp, &call, u32::from(call.attempt < max));
                self.finish(slot);
            }
        }
    }

    fn finish(&mut self, slot: u32) {
        if self.calls[slot as usize].take().is_some() {
            self.free.push(slot);
        }
    }
}

impl Model for ApigwModel {
    type Work = Work;
    type Event = ApigwTraceEvent;

    fn held_bytes(&self) -> u64 {
        (std::mem::size_of::<Option<Call>>() * self.calls.len()
            + std::mem::size_of::<(u32, u64)>() * self.waiting.capacity()
            + 64 * self.abandoned.len()) as u64
    }

    fn start(&mut self, cx: &mut Ctx<Work, ApigwTraceEvent>) {
        let second = SimDuration::from_secs(1);
        let m = &mut cx.metrics;
        let mut buckets = [None; CHARTED_BUCKETS];
        let count = self.gateway.clone().buckets(SimTime::ZERO).len().min(CHARTED_BUCKETS);
        for (i, slot) in buckets.iter_mut().enumerate().take(count) {
            *slot = Some(m.add(BUCKET_SERIES[i], "% of burst", SeriesKind::Gauge, second));
        }
        self.series = Some(ApigwSeries {
            offered: m.add("offered", "per s", SeriesKind::Counter, second),
            admitted: m.add("admitted", "per s", SeriesKind::Counter, second),
            throttled: m.add("throttled", "per s", SeriesKind::Counter, second),
            quota: m.add("quota exceeded", "per s", SeriesKind::Counter, second),
            timed_out: m.add("timed out", "per s", SeriesKind::Counter, second),
            retries: m.add("retries", "per s", SeriesKind::Counter, second),
            p50: m.add("latency p50", "s", SeriesKind::Gauge, second),
            p99: m.add("latency p99", "s", SeriesKind::Gauge, second),
            buckets,
        });
        for (g, group) in self.arrivals.iter_mut().enumerate() {
            for (c, arrivals) in group.iter_mut().enumerate() {
                if let Some(at) = arrivals.next(&mut cx.rng) {
                    cx.schedule_at(at, Work::Call { group: g as u32, client: c as u32 });
                }
            }
        }
        cx.schedule_at(SimTime::ZERO, Work::Sample);
    }

    fn handle(&mut self, cx: &mut Ctx<Work, ApigwTraceEvent>, work: Work) {
        match work {
            Work::Call { group, client } => self.start_call(cx, group, client),
            Work::Attempt { call } => self.attempt(cx, call),
            Work::Done { call, ticket } => self.done(cx, call, ticket),
            Work::Timeout { call, ticket } => self.timeout(cx, call, ticket),
            Work::Sample => {
                if let Some(s) = self.series {
                    let now = cx.now();
                    for (i, (_, state)) in self.gateway.buckets(now).into_iter().enumerate().take(CHARTED_BUCKETS) {
                        if let Some(id) = s.buckets[i] {
                            // As a share of the burst, so buckets of very different sizes compare.
                            let full = if state.burst == 0 { 0.0 } else { state.tokens / state.burst as f64 * 100.0 };
                            cx.metrics.record(id, now, full);
                        }
                    }
                    // Once a second: the latency percentiles of the calls answered in it.
                    if now.as_micros().is_multiple_of(1_000_000) && self.window.count() > 0 {
                        let q = |p: f64| self.window.quantile(p).map_or(0.0, |d| d.as_secs_f64());
                        cx.metrics.record(s.p50, now, q(0.5));
                        cx.metrics.record(s.p99, now, q(0.99));
                        self.window = Histogram::new();
                    }
                }
                cx.schedule_in(SimDuration::from_millis(250), Work::Sample);
            }
        }
    }
}
