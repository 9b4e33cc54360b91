//! Amazon Kinesis Data Streams, so far: the hash-key space (MD5 partition keys, explicit hash
//! keys, the even split at creation), and a stream as a state machine — writes under per-shard
//! limits with per-record results, reads through shard iterators under the shared read limits,
//! retention, and resharding (split, merge, uniform scaling to shards of equal size) that keeps
//! the stream UPDATING for a while, with closed parents readable until their records expire; and the scenario that runs on it: a producer over a skewed key space
//! with retries, polling and enhanced fan-out consumers with lineage, resharding over time.

pub mod error;
pub mod hash;
pub mod limits;
pub mod model;
pub mod scenario;
pub mod stream;

#[cfg(test)]
mod tests;

pub use error::KinesisError;
pub use hash::{even_ranges, parse_hash_key, partition_hash, MAX_HASH_KEY};
pub use model::{ConsumerKind, ConsumerState, KinesisModel, KinesisSim, KinesisTotals, KinesisTraceEvent};
pub use scenario::{Consumers, KinesisScenario, Producer, Reshard, ScheduledReshard, Skew, StartAt};
pub use stream::{
    GetRecordsOutput, IteratorType, PutResult, Record, Resharded, Shard, ShardId, ShardIterator, ShardState, Stream,
    Updating, MIXED_KEYS, STREAM_ENTRY_BUDGET,
};
#[cfg(test)]
mod model_tests;
