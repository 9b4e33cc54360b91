//! Client retries as the AWS SDKs do them (SDK-01 … SDK-05), and a naive client for contrast.
//!
//! - Standard: 3 attempts; truncated binary exponential backoff with full jitter,
//!   `rand × min(base × 2^(attempt − 1), 20 s)`, base 500 ms for throttling errors and 100 ms
//!   for others (the JS v3 constants); a client-wide retry quota of 500 tokens (a retry costs 5,
//!   a transient error's 10; a first-try success gives 1 back, a success after retries gives its
//!   cost back); no retry when the quota cannot pay for one. Throttling errors (429) and
//!   transient errors (HTTP 500, 502, 503 and 504: a gateway's `Endpoint request timed out`
//!   included; SDK-02) are retried.
//! - The JS v3 SDK classes a 504 as `TRANSIENT` and charges its retry `TIMEOUT_RETRY_COST` (10);
//!   botocore charges 10 only for its own connect and read timeouts, 5 for a 504. The JS v3
//!   constants are the ones followed here.
//! - Adaptive: standard, plus a client-side token bucket whose rate follows CUBIC (β = 0.7,
//!   scale 0.4) once the first throttle is seen, so a throttled client slows down by itself.
//! - Naive: retries at once, up to its attempts, with no backoff and no quota: a retry storm.

use serde::{Deserialize, Serialize};

use super::bucket::TokenBucket;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// How a client retries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryMode {
    /// The SDK standard mode.
    #[default]
    Standard,
    /// The SDK adaptive mode (standard plus client-side rate limiting).
    Adaptive,
    /// Retry immediately, no backoff, no quota.
    Naive,
}

/// Total attempts of the standard and adaptive modes (SDK-01).
pub const STANDARD_ATTEMPTS: u32 = 3;
/// Backoff cap (SDK-03).
pub const MAX_BACKOFF: SimDuration = SimDuration::from_secs(20);
/// Backoff base for throttling errors (JS v3, SDK-03).
pub const THROTTLING_BASE: SimDuration = SimDuration::from_millis(500);
/// Backoff base for other errors (JS v3, SDK-03).
pub const DEFAULT_BASE: SimDuration = SimDuration::from_millis(100);
/// The retry quota's starting tokens (SDK-04).
pub const INITIAL_RETRY_TOKENS: u32 = 500;
/// What a retry costs (SDK-04).
pub const RETRY_COST: u32 = 5;
/// What a retry after a transient error (a 504 among them) costs (SDK-04; JS v3's
/// `TIMEOUT_RETRY_COST`, charged for every `TRANSIENT` error).
pub const TIMEOUT_RETRY_COST: u32 = 10;

/// What went wrong with an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A throttling error (429 TooManyRequestsException, LimitExceededException).
    Throttled,
    /// 504 `Endpoint request timed out` (the integration did not answer in time): a transient
    /// error, retried in every mode.
    Timeout,
    /// A server error (5xx).
    Server,
}

/// The SDK's wait before retrying after attempt `attempt` (1-based) failed with `failure`:
/// truncated binary exponential backoff with full jitter (SDK-03). The SQS and SNS queue
/// consumers wait the first one after a throttled ReceiveMessage.
pub fn backoff(failure: Failure, attempt: u32, rng: &mut SimRng) -> SimDuration {
    let base = if failure == Failure::Throttled { THROTTLING_BASE } else { DEFAULT_BASE };
    let cap = base.saturating_mul(1 << attempt.saturating_sub(1).min(20)).as_micros().min(MAX_BACKOFF.as_micros());
    SimDuration::from_micros((rng.next_f64() * cap as f64) as u64)
}

/// One client's retry state: its mode, the retry quota, the adaptive rate limiter.
#[derive(Clone, Debug)]
pub struct RetryClient {
    mode: RetryMode,
    attempts: u32,
    quota: u32,
    limiter: Option<Adaptive>,
}

impl RetryClient {
    /// A client; `attempts` is the naive client's (the SDK modes use 3).
    pub fn new(mode: RetryMode, naive_attempts: u32) -> RetryClient {
        RetryClient {
            mode,
            attempts: if mode == RetryMode::Naive { naive_attempts.max(1) } else { STANDARD_ATTEMPTS },
            quota: INITIAL_RETRY_TOKENS,
            limiter: (mode == RetryMode::Adaptive).then(Adaptive::new),
        }
    }

    /// Tokens left in the retry quota.
    pub fn quota(&self) -> u32 {
        self.quota
    }

    /// Attempt `attempt` (1-based) failed with `failure` at `now`: the delay before the next
    /// attempt, or `None` when the client gives up (attempts used, or quota empty).
    pub fn after_failure(
        &mut self,
        now: SimTime,
        attempt: u32,
        failure: Failure,
        rng: &mut SimRng,
    ) -> Option<SimDuration> {
        if let Some(l) = self.limiter.as_mut() {
            l.response(now, failure == Failure::Throttled);
        }
        if attempt >= self.attempts {
            return None;
        }
        if self.mode == RetryMode::Naive {
            return Some(SimDuration::ZERO);
        }
        let cost = if failure == Failure::Timeout { TIMEOUT_RETRY_COST } else { RETRY_COST };
        if self.quota < cost {
            return None;
        }
        self.quota -= cost;
        Some(backoff(failure, attempt, rng))
    }

    /// An attempt succeeded: the quota gets its refund (SDK-04).
    pub fn after_success(&mut self, now: SimTime, attempt: u32, last_failure: Option<Failure>) {
        if let Some(l) = self.limiter.as_mut() {
            l.response(now, false);
        }
        if self.mode == RetryMode::Naive {
            return;
        }
        let refund = match (attempt, last_failure) {
            (1, _) => 1,
            (_, Some(Failure::Timeout)) => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        };
        self.quota = (self.quota + refund).min(INITIAL_RETRY_TOKENS);
    }

    /// Adaptive mode: how long the client waits before it may send (zero when it need not).
    pub fn send_delay(&mut self, now: SimTime) -> SimDuration {
        self.limiter.as_mut().map_or(SimDuration::ZERO, |l| l.acquire(now))
    }

    /// Adaptive mode: the client-side rate, requests per second, once it is limiting.
    pub fn client_rate(&self) -> Option<f64> {
        self.limiter.as_ref().filter(|l| l.enabled).map(|l| l.fill_rate)
    }
}

/// The adaptive mode's client-side rate limiter (botocore's, SDK-05).
#[derive(Clone, Debug)]
struct Adaptive {
    enabled: bool,
    fill_rate: f64,
    bucket: TokenBucket,
    /// Sent requests per second, smoothed over half-second buckets.
    measured: f64,
    bucket_start: SimTime,
    bucket_count: u32,
    w_max: f64,
    k: f64,
    last_throttle: SimTime,
}

const BETA: f64 = 0.7;
const SCALE: f64 = 0.4;
const SMOOTH: f64 = 0.8;
const MIN_RATE: f64 = 0.5;

impl Adaptive {
    fn new() -> Adaptive {
        Adaptive {
            enabled: false,
            fill_rate: MIN_RATE,
            bucket: TokenBucket::new(MIN_RATE, 1),
            measured: 0.0,
            bucket_start: SimTime::ZERO,
            bucket_count: 0,
            w_max: 0.0,
            k: 0.0,
            last_throttle: SimTime::ZERO,
        }
    }

    fn acquire(&mut self, now: SimTime) -> SimDuration {
        if !self.enabled || self.bucket.take(now) {
            return SimDuration::ZERO;
        }
        self.bucket.state(now).next_token_in
    }

    fn response(&mut self, now: SimTime, throttled: bool) {
        // Measure the sending rate in half-second buckets, smoothed.
        self.bucket_count += 1;
        let half = SimDuration::from_millis(500);
        if now.saturating_since(self.bucket_start) >= half {
            let secs = now.saturating_since(self.bucket_start).as_secs_f64();
            let rate = f64::from(self.bucket_count) / secs;
            self.measured = rate * SMOOTH + self.measured * (1.0 - SMOOTH);
            self.bucket_start = now;
            self.bucket_count = 0;
        }
        let new_rate = if throttled {
            let rate = if self.enabled { self.measured.min(self.fill_rate) } else { self.measured };
            self.w_max = rate;
            self.k = libm::cbrt(self.w_max * (1.0 - BETA) / SCALE);
            self.last_throttle = now;
            self.enabled = true;
            rate * BETA
        } else {
            let t = now.saturating_since(self.last_throttle).as_secs_f64();
            SCALE * libm::pow(t - self.k, 3.0) + self.w_max
        };
        self.fill_rate = new_rate.min(2.0 * self.measured).max(MIN_RATE);
        // The bucket keeps its tokens; only its rate and size change.
        let tokens = self.bucket.state(now).tokens;
        let capacity = self.fill_rate.max(1.0);
        self.bucket = TokenBucket::with_tokens(self.fill_rate, capacity as u64, tokens.min(capacity), now);
    }
}
