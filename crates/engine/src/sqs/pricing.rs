//! What SQS requests cost, for the playground's running estimate.
//!
//! SQS bills requests, not messages: every API action is a request, an empty receive included,
//! and each 64 KB chunk of a request's payload counts as one more. List prices in US East
//! (N. Virginia), first pricing tier after the free tier (aws.amazon.com/sqs/pricing, checked
//! 2026-11): $0.40 per million requests for standard queues, $0.50 for FIFO. The free tier (one
//! million requests a month) and volume tiers are left out: this is an estimate, and the UI says so.

/// The billing chunk: each started 64 KB of payload is one request.
pub const BILLING_CHUNK_BYTES: u64 = 65_536;
/// Standard queues, US dollars per million requests.
pub const STANDARD_USD_PER_MILLION: f64 = 0.40;
/// FIFO queues, US dollars per million requests.
pub const FIFO_USD_PER_MILLION: f64 = 0.50;

/// Billed requests of one call carrying `payload_bytes` (at least one, even when empty).
pub fn billed_requests(payload_bytes: u64) -> u64 {
    payload_bytes.div_ceil(BILLING_CHUNK_BYTES).max(1)
}

/// The list price of `requests` billed requests.
pub fn estimated_cost_usd(requests: u64, fifo: bool) -> f64 {
    let per_million = if fifo { FIFO_USD_PER_MILLION } else { STANDARD_USD_PER_MILLION };
    requests as f64 / 1e6 * per_million
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_started_64_kb_chunk_is_a_request() {
        assert_eq!(billed_requests(0), 1, "an empty receive is still a request");
        assert_eq!(billed_requests(1_024), 1);
        assert_eq!(billed_requests(65_536), 1);
        assert_eq!(billed_requests(65_537), 2);
        assert_eq!(billed_requests(262_144), 4, "a 256 KB message is four requests");
    }

    #[test]
    fn a_million_requests_cost_the_list_price() {
        assert!((estimated_cost_usd(1_000_000, false) - 0.40).abs() < 1e-12);
        assert!((estimated_cost_usd(2_000_000, true) - 1.00).abs() < 1e-12);
    }
}
