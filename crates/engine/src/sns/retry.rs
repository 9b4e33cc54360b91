//! SNS delivery retry policies: when each retry of a failed delivery happens (SNS-08 … SNS-11).
//!
//! A policy has four phases, in order: retries with no delay, retries at the minimum delay,
//! backoff retries climbing from the minimum to the maximum delay, and retries at the maximum
//! delay. The backoff phase has `numRetries − numNoDelayRetries − numMinDelayRetries −
//! numMaxDelayRetries` retries (SNS-11). AWS shows the backoff functions only as a chart; the
//! curves here start at the minimum and reach the maximum on the last backoff retry: linear
//! (even steps), arithmetic (steps growing by a constant), geometric (steps doubling) and
//! exponential (each delay a constant factor above the last). Jitter is the caller's: the
//! delays here are the policy's targets.

use serde::{Deserialize, Serialize};

use crate::time::SimDuration;

/// The limits of a custom HTTP/S policy (SNS-10).
pub const HTTP_MAX_RETRIES: u32 = 100;
/// Longest delay target of a custom HTTP/S policy, seconds.
pub const HTTP_MAX_DELAY_S: u32 = 3_600;
/// Most total retry time of a custom HTTP/S policy, seconds (a hard limit).
pub const HTTP_MAX_TOTAL_S: u64 = 3_600;

/// How backoff delays climb from the minimum to the maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    /// Even steps (the HTTP/S default).
    Linear,
    /// Steps that grow by a constant amount.
    Arithmetic,
    /// Steps that double.
    Geometric,
    /// Each delay a constant factor above the previous one.
    Exponential,
}

/// A delivery retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// `minDelayTarget`, seconds.
    pub min_delay_s: u32,
    /// `maxDelayTarget`, seconds.
    pub max_delay_s: u32,
    /// `numRetries`: all retries after the first attempt.
    pub num_retries: u32,
    /// `numNoDelayRetries`.
    pub num_no_delay_retries: u32,
    /// `numMinDelayRetries`.
    pub num_min_delay_retries: u32,
    /// `numMaxDelayRetries`.
    pub num_max_delay_retries: u32,
    /// `backoffFunction`.
    pub backoff: Backoff,
}

/// An invalid custom policy: the error code and what is wrong, with the allowed range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicyError {
    /// `InvalidParameter`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

impl RetryPolicy {
    /// SQS and Lambda endpoints (AWS-managed): 3 immediate retries, 2 at 1 s, 10 backing off
    /// from 1 to 20 s, then 100,000 at 20 s — 100,015 retries over about 23 days (SNS-08).
    pub const AWS_MANAGED: RetryPolicy = RetryPolicy {
        min_delay_s: 1,
        max_delay_s: 20,
        num_retries: 100_015,
        num_no_delay_retries: 3,
        num_min_delay_retries: 2,
        num_max_delay_retries: 100_000,
        backoff: Backoff::Exponential,
    };

    /// Email, SMS and mobile push (customer-managed): none immediate, 2 at 10 s, 10 backing
    /// off from 10 to 600 s, then 38 at 600 s — 50 retries over about 6 hours (SNS-09).
    pub const CUSTOMER_MANAGED: RetryPolicy = RetryPolicy {
        min_delay_s: 10,
        max_delay_s: 600,
        num_retries: 50,
        num_no_delay_retries: 0,
        num_min_delay_retries: 2,
        num_max_delay_retries: 38,
        backoff: Backoff::Exponential,
    };

    /// HTTP/S by default: 3 retries, 20 s apart (SNS-10).
    pub const HTTP_DEFAULT: RetryPolicy = RetryPolicy {
        min_delay_s: 20,
        max_delay_s: 20,
        num_retries: 3,
        num_no_delay_retries: 0,
        num_min_delay_retries: 0,
        num_max_delay_retries: 0,
        backoff: Backoff::Linear,
    };

    /// A custom HTTP/S policy, checked against AWS's limits: 0–100 retries, delays 1–3,600 s
    /// with the minimum not above the maximum, phases that fit in the retries, and at most
    /// 3,600 s of retrying in all.
    pub fn http_custom(policy: RetryPolicy) -> Result<RetryPolicy, RetryPolicyError> {
        let fail = |message: String| Err(RetryPolicyError { code: "InvalidParameter", message });
        let p = policy;
        if p.num_retries > HTTP_MAX_RETRIES {
            return fail(format!(
                "DeliveryPolicy: numRetries must be between 0 and {HTTP_MAX_RETRIES} (got {})",
                p.num_retries
            ));
        }
        for (name, value) in [("minDelayTarget", p.min_delay_s), ("maxDelayTarget", p.max_delay_s)] {
            if !(1..=HTTP_MAX_DELAY_S).contains(&value) {
                return fail(format!(
                    "DeliveryPolicy: {name} must be between 1 and {HTTP_MAX_DELAY_S} seconds (got {value})"
                ));
            }
        }
        if p.min_delay_s > p.max_delay_s {
            return fail(format!(
                "DeliveryPolicy: minDelayTarget ({}) must not be greater than maxDelayTarget ({})",
                p.min_delay_s, p.max_delay_s
            ));
        }
        let phases = p.num_no_delay_retries + p.num_min_delay_retries + p.num_max_delay_retries;
        if phases > p.num_retries {
            return fail(format!(
                "DeliveryPolicy: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries ({phases}) must not exceed numRetries ({})",
                p.num_retries
            ));
        }
        let total = p.total_retry_time().as_micros() / 1_000_000;
        if total > HTTP_MAX_TOTAL_S {
            return fail(format!(
                "DeliveryPolicy: the retries take {total} s in all; at most {HTTP_MAX_TOTAL_S} s are allowed"
            ));
        }
        Ok(p)
    }

    /// Retries in the backoff phase (SNS-11).
    pub fn num_backoff_retries(&self) -> u32 {
        self.num_retries
            .saturating_sub(self.num_no_delay_retries)
            .saturating_sub(self.num_min_delay_retries)
            .saturating_sub(self.num_max_delay_retries)
    }

    /// The delay before retry `n` (1 is the first retry after the first attempt failed), or
    /// `None` when the policy has no retry `n`: the message then goes to the subscription's
    /// dead-letter queue, or is lost.
    pub fn delay_before(&self, n: u32) -> Option<SimDuration> {
        if n == 0 || n > self.num_retries {
            return None;
        }
        let mut i = n;
        if i <= self.num_no_delay_retries {
            return Some(SimDuration::ZERO);
        }
        i -= self.num_no_delay_retries;
        if i <= self.num_min_delay_retries {
            return Some(SimDuration::from_secs(u64::from(self.min_delay_s)));
        }
        i -= self.num_min_delay_retries;
        let backoff = self.num_backoff_retries();
        if i <= backoff {
            return Some(SimDuration::from_secs_f64(self.backoff_delay_s(i, backoff)));
        }
        Some(SimDuration::from_secs(u64::from(self.max_delay_s)))
    }

    /// Backoff retry `i` of `k`: from the minimum (i = 1) to the maximum (i = k).
    fn backoff_delay_s(&self, i: u32, k: u32) -> f64 {
        let (lo, hi) = (f64::from(self.min_delay_s), f64::from(self.max_delay_s));
        if k <= 1 {
            return if k == 1 { hi } else { lo };
        }
        let (i, k) = (f64::from(i - 1), f64::from(k - 1));
        let share = match self.backoff {
            Backoff::Linear => i / k,
            Backoff::Arithmetic => (i * (i + 1.0)) / (k * (k + 1.0)),
            Backoff::Geometric => (libm::exp2(i) - 1.0) / (libm::exp2(k) - 1.0),
            Backoff::Exponential => {
                // (hi / lo)^(i / k), through `exp` and `log`, which the run's random numbers need
                // anyway: `pow` would bring its own 4 KB table to every reader of the SNS page.
                return lo * libm::exp(libm::log(hi / lo) * i / k);
            }
        };
        lo + (hi - lo) * share
    }

    /// The sum of every retry delay: how long delivery is retried before the message is given up.
    pub fn total_retry_time(&self) -> SimDuration {
        let backoff: SimDuration = (1..=self.num_backoff_retries())
            .map(|i| SimDuration::from_secs_f64(self.backoff_delay_s(i, self.num_backoff_retries())))
            .fold(SimDuration::ZERO, |a, b| a + b);
        SimDuration::from_secs(u64::from(self.min_delay_s) * u64::from(self.num_min_delay_retries))
            + backoff
            + SimDuration::from_secs(u64::from(self.max_delay_s) * u64::from(self.num_max_delay_retries))
    }
}
