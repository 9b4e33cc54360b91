//! Amazon API Gateway throttling: token buckets, the gateway's levels in AWS's order with
//! usage-plan quotas and API keys, client retries as the AWS SDKs do them, and the scenario of
//! client groups calling through the gateway to a backend of limited concurrency.

pub mod bucket;
pub mod gateway;
pub mod retry;
pub mod scenario;

#[cfg(test)]
mod tests;

pub use bucket::{BucketState, TokenBucket};
pub use gateway::{
    ApiKey, ApiKind, ApiMethod, Gateway, GatewayConfig, Level, Limit, Outcome, Quota, QuotaPeriod, UsagePlan,
};
pub use retry::{Failure, RetryClient, RetryMode};
pub use scenario::{
    ApigwModel, ApigwScenario, ApigwSim, ApigwTotals, ApigwTraceEvent, Backend, CallPhase, ClientGroup,
};
