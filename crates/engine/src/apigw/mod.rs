//! Amazon API Gateway throttling, so far: token buckets, the gateway's levels in AWS's order with
//! usage-plan quotas and API keys, and client retries as the AWS SDKs do them. The playground
//! scenario (clients, backend, charts) comes with the rest of issue 7.

pub mod bucket;
pub mod gateway;
pub mod retry;

#[cfg(test)]
mod tests;

pub use bucket::{BucketState, TokenBucket};
pub use gateway::{ApiKey, ApiKind, Gateway, GatewayConfig, Level, Limit, Outcome, Quota, QuotaPeriod, UsagePlan};
pub use retry::{Failure, RetryClient, RetryMode};
