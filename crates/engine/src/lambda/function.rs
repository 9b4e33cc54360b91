//! One Lambda function: its settings, its execution environments and its share of the
//! Region's concurrency (LCON-01..03).

use serde::{Deserialize, Serialize};

use crate::apigw::TokenBucket;
use crate::dist::Distribution;
use crate::rng::SimRng;
use crate::scenario::{check_int_range, check_range, ConfigError};
use crate::time::{SimDuration, SimTime};

/// The Region's default concurrency quota (LCON-01: 1,000, adjustable; new accounts start lower).
pub const ACCOUNT_CONCURRENCY: u32 = 1_000;
/// What reservations must leave unreserved (LCON-01).
pub const MIN_UNRESERVED: u32 = 100;
/// New execution environments a function may add per 10 seconds (LCON-02, since late 2023).
pub const SCALING_PER_10_S: u32 = 1_000;
/// How long an idle execution environment stays warm. AWS publishes no number; measurements
/// people publish put it between 5 and 15 minutes, so the model keeps one 10 minutes.
pub const WARM_FOR: SimDuration = SimDuration::from_secs(600);
/// Memory settings AWS allows, MB (BOTO lambda:CreateFunction MemorySize).
pub const MEMORY_MB: std::ops::RangeInclusive<u64> = 128..=10_240;
/// Function timeout AWS allows, seconds (BOTO lambda:CreateFunction Timeout).
pub const TIMEOUT_S: std::ops::RangeInclusive<f64> = 1.0..=900.0;

/// The processor a function runs on; Arm costs 20 % less per GB-second (PRICE-06).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// x86_64.
    #[default]
    X86_64,
    /// arm64 (Graviton).
    Arm64,
}

/// What a function is and does, as a scenario file writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FunctionSettings {
    /// `MemorySize`, MB: 128–10,240 (billing is per GB-second).
    pub memory_mb: u32,
    /// `Timeout`, seconds: 1–900 (default 3). A run longer than this fails as "Task timed out".
    pub timeout_s: f64,
    /// How long the handler takes.
    pub duration: Distribution,
    /// `ReservedConcurrentExecutions`: this function's own pool, which also caps it; `None`
    /// shares the Region's unreserved pool. 0 throttles every invocation.
    pub reserved_concurrency: Option<u32>,
    /// The share of invocations that fail by chance (a dependency timing out, a bug).
    pub failure_rate: f64,
    /// The share of messages the handler can never process (a malformed payload): every
    /// attempt at one of them fails. Which messages are poison is fixed by the message, so a
    /// retry fails again.
    pub poison_rate: f64,
    /// How long a new execution environment takes to start (the init phase of a cold start).
    pub cold_start: Distribution,
    /// The processor, for the price.
    pub architecture: Architecture,
}

impl Default for FunctionSettings {
    fn default() -> Self {
        FunctionSettings {
            memory_mb: 128,
            timeout_s: 3.0,
            duration: Distribution::LogNormal { median_ms: 40.0, p99_ms: 200.0 },
            reserved_concurrency: None,
            failure_rate: 0.0,
            poison_rate: 0.0,
            cold_start: Distribution::LogNormal { median_ms: 250.0, p99_ms: 900.0 },
            architecture: Architecture::X86_64,
        }
    }
}

impl FunctionSettings {
    /// Checks every setting against AWS's ranges; `field` names the function.
    pub fn validate(&self, field: &str) -> Result<(), ConfigError> {
        check_int_range(&format!("{field}.memory_mb"), self.memory_mb.into(), MEMORY_MB)?;
        check_range(&format!("{field}.timeout_s"), self.timeout_s, TIMEOUT_S)?;
        self.duration.validate(&format!("{field}.duration"))?;
        self.cold_start.validate(&format!("{field}.cold_start"))?;
        check_range(&format!("{field}.failure_rate"), self.failure_rate, 0.0..=1.0)?;
        check_range(&format!("{field}.poison_rate"), self.poison_rate, 0.0..=1.0)?;
        if let Some(r) = self.reserved_concurrency {
            let most = u64::from(ACCOUNT_CONCURRENCY - MIN_UNRESERVED);
            check_int_range(&format!("{field}.reserved_concurrency"), r.into(), 0..=most)?;
        }
        Ok(())
    }

    /// The timeout as a duration.
    pub fn timeout(&self) -> SimDuration {
        SimDuration::from_secs_f64(self.timeout_s)
    }
}

/// The Region's concurrency shared by the functions of one simulation (LCON-01).
#[derive(Clone, Debug)]
pub struct Account {
    /// The quota (1,000 by default).
    pub limit: u32,
    /// What all functions reserve together.
    reserved: u32,
    /// Executions running now in the unreserved pool.
    unreserved_busy: u32,
}

impl Account {
    /// An account with `limit` concurrency of which `reserved` is reserved by functions.
    /// Reservations leaving less than 100 unreserved are refused with AWS's text.
    pub fn new(limit: u32, reserved: u32) -> Result<Account, String> {
        if reserved > limit.saturating_sub(MIN_UNRESERVED) {
            // AWS's InvalidParameterValueException for PutFunctionConcurrency.
            return Err(format!(
                "InvalidParameterValueException: Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED}]. (the functions reserve {reserved} of the Region's {limit})"
            ));
        }
        Ok(Account { limit, reserved, unreserved_busy: 0 })
    }

    /// The unreserved pool's size.
    pub fn unreserved(&self) -> u32 {
        self.limit - self.reserved
    }
}

/// Why an invocation was refused: 429 `TooManyRequestsException` with its `Reason` (LCON-03).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttle {
    /// The function's reserved concurrency is all in use (0 reserved: always).
    Reserved,
    /// The Region's unreserved pool is all in use.
    Account,
    /// The function would start new execution environments faster than 1,000 per 10 s.
    ScalingRate,
}

impl Throttle {
    /// AWS's `Reason` field. AWS does not say which reason the scaling rate gives; the model
    /// uses the invocation-rate ones, reserved or not.
    pub fn reason(self, reserved: bool) -> &'static str {
        match (self, reserved) {
            (Throttle::Reserved, _) => "ReservedFunctionConcurrentInvocationLimitExceeded",
            (Throttle::Account, _) => "ConcurrentInvocationLimitExceeded",
            (Throttle::ScalingRate, true) => "ReservedFunctionInvocationRateLimitExceeded",
            (Throttle::ScalingRate, false) => "FunctionInvocationRateLimitExceeded",
        }
    }
}

/// An invocation that got an execution environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The init duration when a new environment had to start (a cold start).
    pub cold: Option<SimDuration>,
}

/// How a run ended, and when (from the start of the invocation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// The handler returned.
    Ok(SimDuration),
    /// The handler threw (by chance, or on a poison message).
    Error(SimDuration),
    /// It ran into the timeout.
    TimedOut(SimDuration),
}

impl RunEnd {
    /// How long the invocation took, init included.
    pub fn took(self) -> SimDuration {
        match self {
            RunEnd::Ok(d) | RunEnd::Error(d) | RunEnd::TimedOut(d) => d,
        }
    }
}

/// What a function has done, for metrics and cost.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FunctionStats {
    /// Invocations that ran (a throttled one is not billed and not counted).
    pub invocations: u64,
    /// Of them, with a new execution environment.
    pub cold_starts: u64,
    /// 429s, by `Throttle`: reserved, account, scaling rate.
    pub throttles: [u64; 3],
    /// Runs that ended in a function error.
    pub errors: u64,
    /// Runs that ran into the timeout.
    pub timeouts: u64,
    /// Billed duration (whole milliseconds, per run) times memory, MB·ms.
    pub mb_ms: u64,
    /// The most executions running at once.
    pub peak_concurrency: u32,
}

/// A function's running state.
#[derive(Clone, Debug)]
pub struct Function {
    settings: FunctionSettings,
    busy: u32,
    /// Warm environments, with when each went idle: reused newest first, reclaimed oldest first.
    idle: std::collections::VecDeque<SimTime>,
    /// Room to start new environments (LCON-02).
    scaling: TokenBucket,
    stats: FunctionStats,
}

impl Function {
    /// A function with no environments yet.
    pub fn new(settings: FunctionSettings) -> Function {
        let per_s = f64::from(SCALING_PER_10_S) / 10.0;
        Function {
            settings,
            busy: 0,
            idle: std::collections::VecDeque::new(),
            scaling: TokenBucket::new(per_s, SCALING_PER_10_S.into()),
            stats: FunctionStats::default(),
        }
    }

    /// Its settings.
    pub fn settings(&self) -> &FunctionSettings {
        &self.settings
    }
    /// Executions running now.
    pub fn busy(&self) -> u32 {
        self.busy
    }
    /// Warm idle environments now.
    pub fn warm(&self) -> usize {
        self.idle.len()
    }
    /// What it has done.
    pub fn stats(&self) -> &FunctionStats {
        &self.stats
    }

    /// An invocation arriving at `now`: an environment (warm, or a new one with its init
    /// time) or the throttle that refuses it.
    pub fn try_start(&mut self, now: SimTime, account: &mut Account, rng: &mut SimRng) -> Result<Invocation, Throttle> {
        while self.idle.front().is_some_and(|since| *since + WARM_FOR <= now) {
            self.idle.pop_front();
        }
        let reserved = self.settings.reserved_concurrency;
        let refused = match reserved {
            Some(r) => (self.busy >= r).then_some(Throttle::Reserved),
            None => (account.unreserved_busy >= account.unreserved()).then_some(Throttle::Account),
        };
        let refused =
            refused.or_else(|| (self.idle.is_empty() && !self.scaling.take(now)).then_some(Throttle::ScalingRate));
        if let Some(t) = refused {
            self.stats.throttles[t as usize] += 1;
            return Err(t);
        }
        let cold = match self.idle.pop_back() {
            Some(_) => None,
            None => Some(self.settings.cold_start.sample(rng)),
        };
        self.busy += 1;
        if reserved.is_none() {
            account.unreserved_busy += 1;
        }
        self.stats.invocations += 1;
        self.stats.cold_starts += u64::from(cold.is_some());
        self.stats.peak_concurrency = self.stats.peak_concurrency.max(self.busy);
        Ok(Invocation { cold })
    }

    /// How the run of `inv` ends: the handler's time (after the init, if cold), failing on a
    /// `poison` message, by chance at the failure rate, or at the timeout. Bills the run.
    pub fn run(&mut self, inv: Invocation, poison: bool, rng: &mut SimRng) -> RunEnd {
        let init = inv.cold.unwrap_or(SimDuration::ZERO);
        let handler = self.settings.duration.sample(rng);
        let timeout = self.settings.timeout();
        let failed = poison || rng.chance(self.settings.failure_rate);
        let (end, billed) = if handler > timeout {
            self.stats.timeouts += 1;
            (RunEnd::TimedOut(init + timeout), timeout)
        } else if failed {
            self.stats.errors += 1;
            (RunEnd::Error(init + handler), handler)
        } else {
            (RunEnd::Ok(init + handler), handler)
        };
        // Billed per millisecond, rounded up (PRICE-06); the init phase is left out (AWS
        // began billing it in 2025 for some runtimes; the fact sheet does not cover it).
        let ms = billed.as_micros().div_ceil(1_000).max(1);
        self.stats.mb_ms += ms * u64::from(self.settings.memory_mb);
        end
    }

    /// An invocation ended at `now`: its environment goes back to the warm pool.
    pub fn finish(&mut self, now: SimTime, account: &mut Account) {
        self.busy = self.busy.saturating_sub(1);
        if self.settings.reserved_concurrency.is_none() {
            account.unreserved_busy = account.unreserved_busy.saturating_sub(1);
        }
        self.idle.push_back(now);
    }

    /// Whether the message with flow-wide id `id` is one this function can never process: a
    /// fixed hash of the id against the poison rate, so every attempt agrees and no random
    /// number is drawn.
    pub fn is_poison(&self, id: u64) -> bool {
        self.settings.poison_rate > 0.0 && unit_hash(id) < self.settings.poison_rate
    }
}

/// A number in [0, 1) fixed by `x` (SplitMix64's finaliser).
fn unit_hash(x: u64) -> f64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}
