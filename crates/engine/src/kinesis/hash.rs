//! The 128-bit hash-key space: a partition key's MD5 read as an unsigned big-endian integer
//! (KDS-02), explicit hash keys as AWS validates them (KDS-03), and the even split of the space
//! over N shards at creation (KDS-04).

use md5::{Digest, Md5};

use super::error::KinesisError;

/// The largest hash key, 2^128 − 1.
pub const MAX_HASH_KEY: u128 = u128::MAX;

/// The hash key of a partition key: MD5 of its UTF-8 bytes, big-endian.
pub fn partition_hash(partition_key: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(partition_key.as_bytes()).into())
}

/// Reads a decimal hash key as AWS does: the pattern `0|([1-9]\d{0,38})` (a `ValidationException`
/// naming `field` otherwise), then the range [0, 2^128 − 1] (an `InvalidArgumentException`).
pub fn parse_hash_key(text: &str, field: &str) -> Result<u128, KinesisError> {
    let pattern_ok = text == "0"
        || (!text.is_empty()
            && text.len() <= 39
            && text.as_bytes()[0] != b'0'
            && text.bytes().all(|b| b.is_ascii_digit()));
    if !pattern_ok {
        return Err(KinesisError::validation(format!(
            "1 validation error detected: Value '{text}' at '{field}' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{{0,38}})"
        )));
    }
    text.parse::<u128>().map_err(|_| {
        KinesisError::invalid_argument(format!(
            "Invalid {field}: {text} is outside the hash key range [0, {MAX_HASH_KEY}]"
        ))
    })
}

/// The ranges of `n` shards splitting the space evenly: steps of floor(2^128 / n), the last
/// shard ending at 2^128 − 1.
pub fn even_ranges(n: u32) -> Vec<(u128, u128)> {
    let n = n.max(1);
    if n == 1 {
        return vec![(0, MAX_HASH_KEY)];
    }
    // floor(2^128 / n) without 2^128: (2^128 − 1) / n, plus one when n divides 2^128 exactly.
    let step = MAX_HASH_KEY / u128::from(n) + u128::from(MAX_HASH_KEY % u128::from(n) == u128::from(n) - 1);
    (0..n)
        .map(|i| {
            let start = step * u128::from(i);
            let end = if i + 1 == n { MAX_HASH_KEY } else { step * u128::from(i + 1) - 1 };
            (start, end)
        })
        .collect()
}
