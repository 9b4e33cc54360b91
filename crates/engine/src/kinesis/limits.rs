//! Kinesis Data Streams numbers the model honours, with their aws-facts references.

/// Write limit per shard, bytes per second, partition keys included (KDS-01).
pub const SHARD_WRITE_BYTES_PER_S: u64 = 1 << 20;
/// Write limit per shard, records per second (KDS-01).
pub const SHARD_WRITE_RECORDS_PER_S: u64 = 1_000;
/// Read limit per shard, bytes per second, shared by polling consumers (KDS-01).
pub const SHARD_READ_BYTES_PER_S: u64 = 2 << 20;
/// GetRecords calls per shard per second, shared by polling consumers (KDS-01, KDS-11).
pub const SHARD_READ_CALLS_PER_S: u32 = 5;
/// Most records one GetRecords returns (KDS-11).
pub const GET_RECORDS_MAX_RECORDS: u32 = 10_000;
/// Most bytes one GetRecords returns (KDS-11).
pub const GET_RECORDS_MAX_BYTES: u64 = 10 << 20;
/// Largest record: data plus partition key (KDS-06).
pub const RECORD_MAX_BYTES: u64 = 1 << 20;
/// Records in one PutRecords (KDS-07).
pub const PUT_RECORDS_MAX: usize = 500;
/// Partition key length, characters (KDS-02).
pub const PARTITION_KEY_MAX_CHARS: usize = 256;
/// Shard iterators expire after this many seconds (KDS-13).
pub const ITERATOR_EXPIRY_S: u64 = 300;
/// Default retention, hours (KDS-16).
pub const RETENTION_DEFAULT_H: u64 = 24;
/// Longest retention, hours (KDS-16).
pub const RETENTION_MAX_H: u64 = 8_760;
/// Enhanced fan-out: each consumer's own read rate per shard, bytes per second (KDS-17).
pub const EFO_BYTES_PER_S: u64 = 2 << 20;
/// Enhanced fan-out consumers per stream (KDS-17).
pub const EFO_MAX_CONSUMERS: usize = 20;
/// The largest `ShardCount` / `TargetShardCount` a request may carry before AWS's request
/// validation refuses it (`ValidationException`; KL validations/createStream.js, and the
/// unmerged kinesalite PR #103 for UpdateShardCount). Counts up to it reach the shard limit check.
pub const MAX_SHARD_COUNT_PARAMETER: u32 = 100_000;
/// Shards per stream (KDS-24).
pub const MAX_SHARDS: usize = 10_000;
/// How long a SplitShard or MergeShards keeps the stream UPDATING, seconds: the new shards take
/// writes (and the parents close) when it ends. AWS gives no number, only that the call returns
/// at once and the stream is ACTIVE again later (KDS-21). Thirty seconds is what AWS's own
/// "wait for a stream to become active again" sample expects (it sleeps 20 s, then asks every
/// second; KDSDG/kinesis-using-sdk-java-after-resharding), and what kinesalite's split and merge
/// tests, run against AWS, leave room for ("takes 65 secs to run on production", creating the
/// stream included; KL test/splitShard.js, test/mergeShards.js).
pub const RESHARD_UPDATING_S: u64 = 30;
/// UpdateShardCount runs its splits, then its merges, each round taking
/// [`RESHARD_UPDATING_S`], plus this much per open shard of the stream, milliseconds: "depending
/// on the size of the stream, the scaling action could take a few minutes", and a target that
/// is not a doubling or halving "might take longer" (BOTO kinesis:UpdateShardCount). So 4 → 8
/// shards takes 30.4 s, 4 → 5 (splits, then merges) 60.4 s, 1,000 → 2,000 two minutes and 10 s.
pub const SCALING_PER_SHARD_MS: u64 = 100;
/// UpdateShardCount calls per stream per rolling 24 hours (KDS-24).
pub const SCALINGS_PER_DAY: usize = 10;
