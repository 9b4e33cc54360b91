//! A token bucket as API Gateway describes its throttles (APIGW-01): one token per request,
//! refilled at `rate` tokens per second up to `burst` tokens, starting full.
//!
//! Tokens are kept in millionths so that refills over integer microseconds are exact: `rate`
//! tokens per second is `rate` micro-tokens per microsecond.

use crate::time::{SimDuration, SimTime};

/// Micro-tokens per token.
const MICRO: u64 = 1_000_000;

/// A token bucket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TokenBucket {
    /// Refill, tokens per second.
    rate: f64,
    /// Capacity, tokens.
    burst: u64,
    /// Tokens now, in millionths.
    micro_tokens: u64,
    /// When `micro_tokens` was last brought up to date.
    updated: SimTime,
}

/// A bucket's state, for the diagram and for a rejected request's explanation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BucketState {
    /// Whole and fractional tokens now.
    pub tokens: f64,
    /// Capacity.
    pub burst: u64,
    /// Refill per second.
    pub rate: f64,
    /// Time until the next whole token (zero when one is there).
    pub next_token_in: SimDuration,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate: f64, burst: u64) -> TokenBucket {
        TokenBucket { rate: rate.max(0.0), burst, micro_tokens: burst * MICRO, updated: SimTime::ZERO }
    }

    /// A bucket holding `tokens` at `now` (a bucket whose rate or size is being changed).
    pub fn with_tokens(rate: f64, burst: u64, tokens: f64, now: SimTime) -> TokenBucket {
        let micro = (tokens.max(0.0) * MICRO as f64) as u64;
        TokenBucket { rate: rate.max(0.0), burst, micro_tokens: micro.min(burst * MICRO), updated: now }
    }

    fn refill(&mut self, now: SimTime) {
        let elapsed = now.saturating_since(self.updated).as_micros();
        if elapsed > 0 {
            let added = (elapsed as f64 * self.rate) as u64;
            self.micro_tokens = self.micro_tokens.saturating_add(added).min(self.burst * MICRO);
            self.updated = now;
        }
    }

    /// Whether a token is available at `now` (refilling first).
    pub fn has_token(&mut self, now: SimTime) -> bool {
        self.refill(now);
        self.micro_tokens >= MICRO
    }

    /// Takes a token, if one is available.
    pub fn take(&mut self, now: SimTime) -> bool {
        if self.has_token(now) {
            self.micro_tokens -= MICRO;
            true
        } else {
            false
        }
    }

    /// The state at `now`.
    pub fn state(&mut self, now: SimTime) -> BucketState {
        self.refill(now);
        let missing = MICRO.saturating_sub(self.micro_tokens);
        let next_token_in = match (missing, self.rate > 0.0) {
            (0, _) => SimDuration::ZERO,
            (_, false) => SimDuration::from_secs(u64::MAX / 2_000_000),
            (m, true) => SimDuration::from_micros((m as f64 / self.rate).ceil() as u64),
        };
        BucketState {
            tokens: self.micro_tokens as f64 / MICRO as f64,
            burst: self.burst,
            rate: self.rate,
            next_token_in,
        }
    }
}
