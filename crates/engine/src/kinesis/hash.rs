//! The 128-bit hash-key space: a partition key's MD5 read as an unsigned big-endian integer
//! (KDS-02), explicit hash keys as AWS validates them (KDS-03), and the even split of the space
//! over N shards at creation (KDS-04).

use md5::{Digest, Md5};

use super::error::{constraint, validated, KinesisError};

/// The largest hash key, 2^128 − 1.
pub const MAX_HASH_KEY: u128 = u128::MAX;

/// The hash key of a partition key: MD5 of its UTF-8 bytes, big-endian.
pub fn partition_hash(partition_key: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(partition_key.as_bytes()).into())
}

/// The failed constraint (see [`super::error::constraint`]) if `text` does not match the pattern
/// AWS validates hash keys against, `0|([1-9]\d{0,38})`; `field` as AWS names it in the
/// message (`explicitHashKey`, `records.2.member.explicitHashKey`, `newStartingHashKey`).
pub fn hash_key_pattern_error(text: &str, field: &str) -> Option<String> {
    let pattern_ok = text == "0"
        || (!text.is_empty()
            && text.len() <= 39
            && text.as_bytes()[0] != b'0'
            && text.bytes().all(|b| b.is_ascii_digit()));
    (!pattern_ok).then(|| constraint(text, field, "satisfy regular expression pattern: 0|([1-9]\\d{0,38})"))
}

/// Reads a decimal hash key as AWS does: the pattern `0|([1-9]\d{0,38})` (a
/// `ValidationException` naming `field` otherwise), then its value, `None` when it is above
/// 2^128 − 1 (39 digits reach 10^39 − 1): each call words that case its own way (PutRecord's
/// `Invalid ExplicitHashKey…`, SplitShard's shard-range text).
pub fn parse_hash_key(text: &str, field: &str) -> Result<Option<u128>, KinesisError> {
    validated(hash_key_pattern_error(text, field).into_iter().collect())?;
    Ok(text.parse::<u128>().ok())
}

/// AWS's `InvalidArgumentException` for an `ExplicitHashKey` above 2^128 − 1 (KL
/// test/putRecord.js, test/putRecords.js, run against AWS).
pub fn explicit_hash_key_out_of_range(text: &str) -> KinesisError {
    KinesisError::invalid_argument(format!(
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
    ))
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
