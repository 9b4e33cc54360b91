//! One Kinesis data stream as a state machine: shards owning hash-key ranges, writes routed by
//! hash key under each shard's write limits, reads through shard iterators under each shard's
//! shared read limits, retention trimming, and resharding (split, merge, uniform scaling) with
//! closed parents that stay readable until retention ends.
//!
//! Resharding is asynchronous, as on AWS: a call makes the stream UPDATING, the shards as they
//! were keep taking reads and writes, and the parents close and the children open when it ends
//! (see [`Updating`]).
//!
//! Time is the caller's: every call takes `now`. Limits use one-second windows aligned to whole
//! simulated seconds (a burst at the end of one second and the start of the next is two
//! windows), which is how a per-second quota reads; the read budget after a large GetRecords is
//! the time it takes to read those bytes at 2 MiB/s (10 MiB → the next 5 s throttled, KDS-11).

use std::collections::VecDeque;
use std::fmt;

use super::error::{constraint, out_of_range, validated, KinesisError};
use super::hash::{
    even_ranges, explicit_hash_key_out_of_range, hash_key_pattern_error, parse_hash_key, partition_hash,
};
use super::limits::*;
use super::scenario::Reshard;
use crate::time::{SimDuration, SimTime};

/// The account the model's stream belongs to, as AWS names it in messages.
pub const ACCOUNT: &str = "123456789012";
/// The Region the model's stream is in, as AWS names it in messages.
pub const REGION: &str = "us-east-1";

/// A shard's id number: `shardId-000000000003` is 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShardId(pub u32);

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shardId-{:012}", self.0)
    }
}

impl ShardId {
    /// Reads a shard id as AWS does: the digits after the first `-` (the whole text when there
    /// is no `-` or nothing follows it), 0 to 2,147,483,647. So `shardId-000000000003`,
    /// `shardId-3`, `shard-3`, `anyname-3` and `3` all name shard 3 (KL db/index.js
    /// `resolveShardId`; its tests, run against AWS, split `randomName() + '-0'`).
    pub fn parse(text: &str) -> Option<ShardId> {
        let digits = text.split('-').nth(1).filter(|d| !d.is_empty()).unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<u64>().ok().filter(|&n| n <= i32::MAX as u64).map(|n| ShardId(n as u32))
    }
}

/// Where a shard is in its life (KDS-22).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardState {
    /// Takes writes.
    Open,
    /// Resharded at `at`: no new writes, readable until its records expire.
    Closed {
        /// When it closed.
        at: SimTime,
    },
    /// Closed and past retention: no longer listed.
    Expired,
}

/// One record in a shard — or a run of `count` records: written together (the bulk producer of
/// large scenarios writes each shard's records of a tick as one run), or old records compacted
/// into one entry to bound memory (see [`Shard::compact`]). A run's records have sequence
/// numbers in `seq .. seq + span`, record `i` at `seq + ⌊i·span/count⌋` (for a written run,
/// `span == count`: consecutive numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// Sequence number: unique in its shard and increasing (KDS-09); a run's first.
    pub seq: u64,
    /// How many records this entry stands for (1 for a single record).
    pub count: u32,
    /// The sequence numbers the run covers, at least `count` (fits in the struct's padding).
    pub span: u32,
    /// Data plus partition key, bytes (a run's total).
    pub bytes: u64,
    /// `ApproximateArrivalTimestamp`.
    pub arrived: SimTime,
    /// The caller's own id for it (which key, which producer message).
    pub tag: u64,
}

impl Record {
    /// The sequence number just after the run: where reading on continues.
    pub fn end(&self) -> u64 {
        self.seq + u64::from(self.span)
    }
    /// The sequence number of the run's record `i` (`count` gives [`Record::end`]).
    fn seq_of(&self, i: u32) -> u64 {
        self.seq + u64::from(i) * u64::from(self.span) / u64::from(self.count.max(1))
    }
    /// How many of the run's records have sequence numbers below `seq`.
    fn before(&self, seq: u64) -> u32 {
        let d = seq.saturating_sub(self.seq).min(u64::from(self.span));
        (d * u64::from(self.count)).div_ceil(u64::from(self.span.max(1))) as u32
    }
    /// Records `from .. to` of the run, as a run of their own (bytes shared evenly).
    fn slice(&self, from: u32, to: u32) -> Record {
        if from == 0 && to == self.count {
            return *self;
        }
        let bytes_to = |i: u32| self.bytes * u64::from(i) / u64::from(self.count.max(1));
        let (seq, end) = (self.seq_of(from), self.seq_of(to));
        Record {
            seq,
            count: to - from,
            span: (end - seq) as u32,
            bytes: bytes_to(to) - bytes_to(from),
            arrived: self.arrived,
            tag: self.tag,
        }
    }
    /// Two neighbouring entries as one run (the first's arrival time and tag — a compacted run
    /// no longer knows each record's key), if the run would cover at most [`COMPACT_SPAN`]
    /// sequence numbers.
    fn merged(&self, next: &Record) -> Option<Record> {
        let span = next.end().checked_sub(self.seq).filter(|&s| s <= COMPACT_SPAN)?;
        Some(Record {
            seq: self.seq,
            count: self.count.checked_add(next.count)?,
            span: span as u32,
            bytes: self.bytes + next.bytes,
            arrived: self.arrived,
            tag: MIXED_KEYS,
        })
    }
}

/// A run's tag when it stands for records of many keys (a bulk run, or compacted records).
pub const MIXED_KEYS: u64 = u64::MAX;

/// Entries a stream keeps before compacting its oldest records into runs
/// (~40 MB of entries), shared among its shards: a stream at its full write rate holds millions of records a day,
/// and memory must not grow with simulated time.
pub const STREAM_ENTRY_BUDGET: usize = 1 << 20;
/// The fewest entries a shard keeps before compacting, however many shards share the budget.
const SHARD_ENTRY_FLOOR: usize = 1 << 10;
/// The widest a compacted run gets, in sequence numbers: sequence numbers follow the clock in
/// microseconds (KDS-09), so a run stands for at most about a minute of writes — its records
/// are trimmed at most that much early, and a reader that far behind sees its arrival time as
/// the run's first.
const COMPACT_SPAN: u64 = 60_000_000;

/// A shard.
#[derive(Clone, Debug)]
pub struct Shard {
    /// Its id.
    pub id: ShardId,
    /// First hash key it owns.
    pub start: u128,
    /// Last hash key it owns (inclusive).
    pub end: u128,
    /// `ParentShardId`.
    pub parent: Option<ShardId>,
    /// `AdjacentParentShardId` (merges).
    pub adjacent_parent: Option<ShardId>,
    /// Open, closed or expired.
    pub state: ShardState,
    records: VecDeque<Record>,
    /// The user records in `records` (an aggregated record counts its user records).
    retained: u64,
    last_seq: u64,
    write: WriteWindow,
    read: ReadWindow,
}

#[derive(Clone, Copy, Debug, Default)]
struct WriteWindow {
    second: u64,
    bytes: u64,
    records: u64,
    /// Bytes and records of the second before `second` (zero if nothing was written then).
    before: (u64, u64),
}

#[derive(Clone, Copy, Debug, Default)]
struct ReadWindow {
    second: u64,
    calls: u32,
    /// Reads are throttled until the bytes already read would have taken at 2 MiB/s.
    busy_until: SimTime,
}

impl Shard {
    fn new(id: ShardId, (start, end): (u128, u128), parent: Option<ShardId>, adjacent: Option<ShardId>) -> Shard {
        Shard {
            id,
            start,
            end,
            parent,
            adjacent_parent: adjacent,
            state: ShardState::Open,
            records: VecDeque::new(),
            retained: 0,
            last_seq: 0,
            write: WriteWindow::default(),
            read: ReadWindow::default(),
        }
    }
    /// Whether it takes writes.
    pub fn is_open(&self) -> bool {
        self.state == ShardState::Open
    }
    /// Its records still within retention, oldest first.
    pub fn records(&self) -> &VecDeque<Record> {
        &self.records
    }
    /// How many user records it holds (what [`Shard::records`] counts), kept as they come and go.
    pub fn retained_count(&self) -> u64 {
        self.retained
    }
    /// Bytes and records written in the current second: what the write limit counts.
    pub fn write_load(&self, now: SimTime) -> (u64, u64) {
        if self.write.second == now.as_micros() / 1_000_000 {
            (self.write.bytes, self.write.records)
        } else {
            (0, 0)
        }
    }
    /// Bytes and records per second over the last second, sliding: the current second so far
    /// plus the unexpired share of the one before. For meters, which would otherwise drop to
    /// zero at every second boundary; the limit itself counts whole seconds ([`Self::write_load`]).
    pub fn write_rate(&self, now: SimTime) -> (f64, f64) {
        let second = now.as_micros() / 1_000_000;
        let left_of_before = 1.0 - (now.as_micros() % 1_000_000) as f64 / 1e6;
        let w = &self.write;
        let (current, before) = if w.second == second {
            ((w.bytes, w.records), w.before)
        } else if w.second + 1 == second {
            ((0, 0), (w.bytes, w.records))
        } else {
            ((0, 0), (0, 0))
        };
        (current.0 as f64 + before.0 as f64 * left_of_before, current.1 as f64 + before.1 as f64 * left_of_before)
    }
    /// Whether a hash key is in its range.
    pub fn owns(&self, hash: u128) -> bool {
        self.start <= hash && hash <= self.end
    }
    /// The index of the first entry with a sequence number at or above `seq` (a run is found
    /// by its first sequence number).
    fn position(&self, seq: u64) -> usize {
        self.records.partition_point(|r| r.end() <= seq)
    }
    /// The records from sequence number `seq` on, at most `limit` records and `max_bytes`
    /// bytes (but at least one record if any is there: no record is larger than a read's
    /// byte limit). A run is cut where a limit falls inside it.
    fn read_from(&self, seq: u64, limit: u32, max_bytes: u64) -> Vec<Record> {
        let mut out = Vec::new();
        let (mut count, mut bytes) = (0u32, 0u64);
        for r in self.records.iter().skip(self.position(seq)) {
            let first = r.before(seq);
            let each = (r.bytes / u64::from(r.count.max(1))).max(1);
            let room = (limit - count).min(r.count - first);
            let by_bytes = max_bytes.saturating_sub(bytes) / each;
            let by_bytes = if out.is_empty() { by_bytes.max(1) } else { by_bytes };
            let take = room.min(by_bytes.min(u64::from(u32::MAX)) as u32);
            if take == 0 {
                break;
            }
            let part = r.slice(first, first + take);
            count += part.count;
            bytes += part.bytes;
            out.push(part);
            if first + take < r.count || count == limit {
                break;
            }
        }
        out
    }
    /// Keeps at most about `budget` entries: when over, the older half of the entries is merged
    /// pairwise into runs (each record is touched O(1) times on average; the oldest runs are the
    /// widest, up to [`COMPACT_SPAN`]). The counts, bytes and order of the records are kept —
    /// what write limits, reads, lag and replays count; which key each old record had is not
    /// (its tag becomes [`MIXED_KEYS`]). Records are compacted whether or not they have been read: a
    /// consumer reading that far behind reads runs. No run is formed around a reader's position
    /// (`readers`, sorted): where a reader stands stays a boundary, so it reads on exactly.
    fn compact(&mut self, budget: usize, readers: &[u64]) {
        if self.records.len() <= budget {
            return;
        }
        // In place, so compacting never needs a second copy of the shard's entries.
        let old = self.records.len() / 2;
        let entries = self.records.make_contiguous();
        let (mut read, mut write) = (0, 0);
        while read < entries.len() {
            let (a, b) = (entries[read], entries.get(read + 1).copied());
            let reader_inside =
                |b: &Record| readers.get(readers.partition_point(|&x| x <= a.seq)).is_some_and(|&x| x < b.end());
            let merged = b.filter(|b| read + 1 < old && !reader_inside(b)).and_then(|b| a.merged(&b));
            entries[write] = merged.unwrap_or(a);
            read += if merged.is_some() { 2 } else { 1 };
            write += 1;
        }
        self.records.truncate(write);
    }
    /// The newest sequence number written, 0 before any write.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }
}

/// Where reading starts (KDS-14).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IteratorType {
    /// The oldest record still retained.
    TrimHorizon,
    /// Just after the newest record.
    Latest,
    /// At a sequence number.
    AtSequenceNumber(u64),
    /// Just after a sequence number.
    AfterSequenceNumber(u64),
    /// The first record that arrived at or after a time (the trim horizon if older).
    AtTimestamp(SimTime),
}

/// A position in one shard, valid for 5 minutes from when it was issued (KDS-13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardIterator {
    /// The shard.
    pub shard: ShardId,
    /// The next record to read has this sequence number or a higher one.
    pub from_seq: u64,
    /// When it was issued.
    pub issued: SimTime,
}

/// What a GetRecords returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetRecordsOutput {
    /// The records, in sequence order.
    pub records: Vec<Record>,
    /// Where to read next; `None` once a closed shard is read to its end (KDS-12).
    pub next: Option<ShardIterator>,
    /// How far behind the newest record of the shard the reader is, milliseconds.
    pub millis_behind_latest: u64,
    /// At the end of a closed shard: its children, to read next (KDS-12).
    pub child_shards: Vec<ShardId>,
}

/// Why a read was refused, before it is worded as AWS's error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadRefused {
    /// `Limit` outside 1–10,000 (`ValidationException`).
    Limit,
    /// The iterator is older than 5 minutes (`ExpiredIteratorException`).
    Expired,
    /// The shard does not exist or has expired (`ResourceNotFoundException`).
    Gone,
    /// Over the shard's 5 calls/s or 2 MiB/s (`ProvisionedThroughputExceededException`).
    Throttled,
}

/// Where a written record went (its shard and sequence number), or why it was refused.
pub type PutResult = Result<(ShardId, u64), KinesisError>;

/// The request-validation errors of one record (see [`super::error::constraint`]), in the order
/// AWS lists them; `prefix` places it in a PutRecords (`records.1.member.`).
fn entry_errors(errors: &mut Vec<String>, prefix: &str, key: &str, explicit: Option<&str>, data_bytes: u64) {
    let length = key.chars().count();
    if length == 0 {
        errors.push(constraint(key, format_args!("{prefix}partitionKey"), "have length greater than or equal to 1"));
    }
    if length > PARTITION_KEY_MAX_CHARS {
        let rule = format!("have length less than or equal to {PARTITION_KEY_MAX_CHARS}");
        errors.push(constraint(key, format_args!("{prefix}partitionKey"), rule));
    }
    if let Some(error) = explicit.and_then(|text| hash_key_pattern_error(text, &format!("{prefix}explicitHashKey"))) {
        errors.push(error);
    }
    if data_bytes > RECORD_MAX_BYTES {
        errors.push(constraint(
            format_args!("java.nio.HeapByteBuffer[pos=0 lim={data_bytes} cap={data_bytes}]"),
            format_args!("{prefix}data"),
            format_args!("have length less than or equal to {RECORD_MAX_BYTES}"),
        ));
    }
}

/// A data stream.
#[derive(Clone, Debug)]
pub struct Stream {
    name: String,
    shards: Vec<Shard>,
    retention: SimDuration,
    /// The resharding under way, if the stream is UPDATING.
    updating: Option<Updating>,
    /// When UpdateShardCount scaled the stream, oldest first (the last 24 hours' worth).
    scalings: VecDeque<SimTime>,
}

/// A pairwise resharding operation, run when the stream's UPDATING period ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Split { shard: ShardId, key: u128 },
    Merge { shard: ShardId, adjacent: ShardId },
}

/// A resharding under way: the stream is `UPDATING` (KDS-21, KDS-24). Reads and writes go on
/// against the shards as they were (AWS still routes a write to the parent, as kinesalite's
/// tests record against AWS); another SplitShard, MergeShards or UpdateShardCount is refused
/// with `ResourceInUseException`; at `until` the parents close and the children open. (AWS runs
/// an UpdateShardCount's splits before its merges; the model completes them all at `until`,
/// when the stream is ACTIVE again — the only moment AWS promises anything about.)
#[derive(Clone, Debug, PartialEq)]
pub struct Updating {
    /// When the call was made.
    pub since: SimTime,
    /// When the stream is ACTIVE again and the new shards take writes.
    pub until: SimTime,
    /// The call (a split's key filled in).
    pub action: Reshard,
    /// The open shards that close when it completes, in hash-key order.
    pub closing: Vec<ShardId>,
    /// The open shards' hash-key ranges once it completes, in hash-key order.
    pub ranges_after: Vec<(u128, u128)>,
    ops: Vec<Op>,
}

/// What a finished resharding did (see [`Stream::settle`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Resharded {
    /// The call.
    pub action: Reshard,
    /// When it completed (the stream became ACTIVE again).
    pub at: SimTime,
    /// The shards it closed that were open before it (short-lived ones not included).
    pub closed: Vec<ShardId>,
    /// The shards it opened.
    pub opened: Vec<ShardId>,
}

/// The open shards as hash-key ranges in hash-key order, to plan pairwise operations on without
/// touching the stream: the ids the stream will give new shards, and each shard's round (how
/// many operations must finish one after another before it exists).
struct Planner {
    open: Vec<(ShardId, u128, u128, u32)>,
    next: u32,
    ops: Vec<Op>,
    rounds: u32,
}

impl Planner {
    fn of(stream: &Stream) -> Planner {
        let open = stream.open_shards().iter().map(|s| (s.id, s.start, s.end, 0)).collect();
        Planner { open, next: stream.shards.len() as u32, ops: Vec::new(), rounds: 0 }
    }
    fn position(&self, id: ShardId) -> Option<usize> {
        self.open.iter().position(|s| s.0 == id)
    }
    /// Splits open shard `i` at `key` (its children's ids: lower, upper).
    fn split(&mut self, i: usize, key: u128) -> (ShardId, ShardId) {
        let (id, start, end, round) = self.open[i];
        let (low, high) = (ShardId(self.next), ShardId(self.next + 1));
        self.next += 2;
        self.open.splice(i..=i, [(low, start, key - 1, round + 1), (high, key, end, round + 1)]);
        self.ops.push(Op::Split { shard: id, key });
        self.rounds = self.rounds.max(round + 1);
        (low, high)
    }
    /// Merges open shards `i` and `i + 1`.
    fn merge(&mut self, i: usize) {
        let ((a, start, _, ra), (b, _, end, rb)) = (self.open[i], self.open[i + 1]);
        let round = ra.max(rb) + 1;
        self.open.splice(i..=i + 1, [(ShardId(self.next), start, end, round)]);
        self.next += 1;
        self.ops.push(Op::Merge { shard: a, adjacent: b });
        self.rounds = self.rounds.max(round);
    }
}

impl Stream {
    /// `CreateStream` with `shards` shards splitting the hash space evenly (KDS-04) and
    /// `retention_h` hours of retention (24–8,760, KDS-16).
    ///
    /// The errors are AWS's (KL test/createStream.js, test/increaseStreamRetentionPeriod.js, run
    /// against AWS): a `ShardCount` under 1 or over 100,000 fails request validation; one over
    /// the shard limit (the model's account holds only this stream, so its limit is the
    /// stream's, [`MAX_SHARDS`]) is a `LimitExceededException`. CreateStream itself takes no
    /// retention; the retention texts are IncreaseStreamRetentionPeriod's (its recorded
    /// maximum, 168 hours then, is 8,760 now).
    pub fn create(name: &str, shards: u32, retention_h: u64) -> Result<Stream, KinesisError> {
        let errors = [
            out_of_range(shards.into(), "shardCount", MAX_SHARD_COUNT_PARAMETER.into()),
            out_of_range(retention_h, "retentionPeriodHours", RETENTION_MAX_H),
        ];
        validated(errors.into_iter().flatten().collect())?;
        if retention_h < RETENTION_DEFAULT_H {
            return Err(KinesisError::invalid_argument(format!(
                "Minimum allowed retention period is {RETENTION_DEFAULT_H} hours. Requested retention period ({retention_h} hours) is too short."
            )));
        }
        if shards as usize > MAX_SHARDS {
            return Err(KinesisError::limit(format!(
                "This request would exceed the shard limit for the account {ACCOUNT} in {REGION}. Current shard count for the account: 0. Limit: {MAX_SHARDS}. Number of additional shards that would have resulted from this request: {shards}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits."
            )));
        }
        let shards = even_ranges(shards)
            .into_iter()
            .enumerate()
            .map(|(i, r)| Shard::new(ShardId(i as u32), r, None, None))
            .collect();
        Ok(Stream {
            name: name.to_owned(),
            shards,
            retention: SimDuration::from_secs(retention_h * 3_600),
            updating: None,
            scalings: VecDeque::new(),
        })
    }

    /// The stream's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Every shard ever created, by id (expired ones included, marked so).
    pub fn all_shards(&self) -> &[Shard] {
        &self.shards
    }
    /// The shards `ListShards` shows: open and closed, not expired.
    pub fn shards(&self) -> impl Iterator<Item = &Shard> {
        self.shards.iter().filter(|s| s.state != ShardState::Expired)
    }
    /// The open shards, in hash-key order.
    pub fn open_shards(&self) -> Vec<&Shard> {
        let mut open: Vec<&Shard> = self.shards.iter().filter(|s| s.is_open()).collect();
        open.sort_by_key(|s| s.start);
        open
    }
    /// A shard by id.
    pub fn shard(&self, id: ShardId) -> Option<&Shard> {
        self.shards.get(id.0 as usize)
    }
    /// The retention period.
    pub fn retention(&self) -> SimDuration {
        self.retention
    }

    /// The shard a SplitShard or MergeShards names, read as AWS reads it ([`ShardId::parse`]):
    /// AWS's message names an unreadable id as sent and a readable one in its canonical form
    /// (`shardId-5` → `shardId-000000000005`, KL test/splitShard.js, test/mergeShards.js).
    fn shard_by_name(&self, text: &str) -> Result<usize, KinesisError> {
        let not_found = |shown: &dyn fmt::Display| {
            KinesisError::not_found(format!(
                "Could not find shard {shown} in stream {} under account {ACCOUNT}.",
                self.name
            ))
        };
        let id = ShardId::parse(text).ok_or_else(|| not_found(&text))?;
        match (id.0 as usize) < self.shards.len() {
            true => Ok(id.0 as usize),
            false => Err(not_found(&id)),
        }
    }

    /// The open shard that owns `hash` (the open shards always cover the whole space, KDS-05).
    pub fn route(&self, hash: u128) -> ShardId {
        self.shards.iter().find(|s| s.is_open() && s.owns(hash)).map_or(ShardId(0), |s| s.id)
    }

    /// Writes one record of `bytes` (data plus partition key) with hash key `hash`, unless its
    /// shard is over a write limit this second (`ProvisionedThroughputExceededException`).
    pub fn put(&mut self, now: SimTime, hash: u128, bytes: u64, tag: u64) -> PutResult {
        self.try_put(now, hash, bytes, tag).map_err(|id| {
            KinesisError::throughput(format!(
                "Rate exceeded for shard {id} in stream {} under account {ACCOUNT}.",
                self.name
            ))
        })
    }

    /// [`Stream::put`] with the refusal unworded: the shard that refused it.
    pub fn try_put(&mut self, now: SimTime, hash: u128, bytes: u64, tag: u64) -> Result<(ShardId, u64), ShardId> {
        self.settle(now);
        let id = self.route(hash);
        match self.put_run(now, id, 1, bytes, tag) {
            (1, Some(seq)) => Ok((id, seq)),
            _ => Err(id),
        }
    }

    /// Writes up to `count` records of `bytes / count` bytes each to open shard `id` as one run:
    /// as many as the shard's write limits take this second. Returns how many were written and
    /// the run's first sequence number. (A record keeps no hash key: it has been routed, and
    /// a stream holds millions of records.)
    pub fn put_run(&mut self, now: SimTime, id: ShardId, count: u32, bytes: u64, tag: u64) -> (u32, Option<u64>) {
        self.settle(now);
        let Some(shard) = self.shards.get_mut(id.0 as usize).filter(|s| s.is_open()) else { return (0, None) };
        if count == 0 {
            return (0, None);
        }
        let second = now.as_micros() / 1_000_000;
        if shard.write.second != second {
            let w = shard.write;
            let before = if w.second + 1 == second { (w.bytes, w.records) } else { (0, 0) };
            shard.write = WriteWindow { second, bytes: 0, records: 0, before };
        }
        let each = (bytes / u64::from(count)).max(1);
        let by_records = SHARD_WRITE_RECORDS_PER_S.saturating_sub(shard.write.records);
        let by_bytes = SHARD_WRITE_BYTES_PER_S.saturating_sub(shard.write.bytes) / each;
        let taken = u64::from(count).min(by_records).min(by_bytes) as u32;
        if taken == 0 {
            return (0, None);
        }
        let taken_bytes = if taken == count { bytes } else { each * u64::from(taken) };
        shard.write.records += u64::from(taken);
        shard.write.bytes += taken_bytes;
        // Unique and increasing; gaps grow with the time between writes (KDS-09).
        let seq = (shard.last_seq + 1).max(now.as_micros());
        shard.last_seq = seq + u64::from(taken) - 1;
        shard.records.push_back(Record { seq, count: taken, span: taken, bytes: taken_bytes, arrived: now, tag });
        shard.retained += u64::from(taken);
        (taken, Some(seq))
    }

    /// `PutRecord`: checks the partition key (1–256 characters), the explicit hash key and the
    /// size, then writes.
    pub fn put_record(
        &mut self,
        now: SimTime,
        partition_key: &str,
        explicit_hash_key: Option<&str>,
        data_bytes: u64,
        tag: u64,
    ) -> Result<(ShardId, u64), KinesisError> {
        let mut errors = Vec::new();
        entry_errors(&mut errors, "", partition_key, explicit_hash_key, data_bytes);
        validated(errors)?;
        self.put_checked(now, partition_key, explicit_hash_key, data_bytes, tag)
    }

    /// A record that passed request validation: the explicit hash key's range, the size with
    /// the partition key, then the write.
    fn put_checked(
        &mut self,
        now: SimTime,
        partition_key: &str,
        explicit_hash_key: Option<&str>,
        data_bytes: u64,
        tag: u64,
    ) -> Result<(ShardId, u64), KinesisError> {
        let hash = match explicit_hash_key {
            Some(text) => text.parse::<u128>().map_err(|_| explicit_hash_key_out_of_range(text))?,
            None => partition_hash(partition_key),
        };
        let bytes = data_bytes + partition_key.len() as u64;
        if bytes > RECORD_MAX_BYTES {
            // The data alone fits (request validation checks it); with its key it does not.
            // AWS's text for this was not found recorded: these words are ours.
            return Err(KinesisError::validation(format!(
                "1 validation error detected: the record is {bytes} bytes with its partition key; at most {RECORD_MAX_BYTES}"
            )));
        }
        self.put(now, hash, bytes, tag)
    }

    /// `PutRecords`: at most 500 records; each has its own result, throttled ones included. As
    /// on AWS (KL test/putRecords.js, run against AWS), request validation covers every entry
    /// (`records.2.member.partitionKey`) and an invalid one fails the whole call, as does an
    /// `ExplicitHashKey` above 2^128 − 1.
    pub fn put_records(
        &mut self,
        now: SimTime,
        entries: &[(&str, Option<&str>, u64)],
    ) -> Result<Vec<PutResult>, KinesisError> {
        let mut errors = Vec::new();
        if entries.is_empty() {
            errors.push(constraint("[]", "records", "have length greater than or equal to 1"));
        }
        if entries.len() > PUT_RECORDS_MAX {
            // AWS shows the list as Java prints it: each entry's class and hash code (the one
            // kinesalite's tests accept).
            let list = vec!["com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310"; entries.len()];
            let rule = format!("have length less than or equal to {PUT_RECORDS_MAX}");
            errors.push(constraint(format_args!("[{}]", list.join(", ")), "records", rule));
        }
        for (i, (key, explicit, bytes)) in entries.iter().enumerate() {
            if errors.len() >= 10 {
                break; // AWS lists at most 10
            }
            entry_errors(&mut errors, &format!("records.{}.member.", i + 1), key, *explicit, *bytes);
        }
        validated(errors)?;
        if let Some(text) = entries.iter().find_map(|e| e.1.filter(|t| t.parse::<u128>().is_err())) {
            return Err(explicit_hash_key_out_of_range(text));
        }
        Ok(entries
            .iter()
            .enumerate()
            .map(|(i, (key, explicit, bytes))| self.put_checked(now, key, *explicit, *bytes, i as u64))
            .collect())
    }

    fn next_id(&self) -> ShardId {
        ShardId(self.shards.len() as u32)
    }

    fn check_open(&self, index: usize) -> Result<(), KinesisError> {
        match self.shards[index].is_open() {
            true => Ok(()),
            false => Err(KinesisError::invalid_argument(format!(
                "Shard {} in stream {} under account {ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.",
                self.shards[index].id, self.name
            ))),
        }
    }

    /// `ResourceInUseException` while a resharding is under way, with AWS's text (kinesalite's
    /// split and merge tests, run against AWS).
    fn check_active(&self) -> Result<(), KinesisError> {
        match self.updating {
            None => Ok(()),
            Some(_) => Err(KinesisError::in_use(format!(
                "Stream {} under account {ACCOUNT} not ACTIVE, instead in state UPDATING",
                self.name
            ))),
        }
    }

    /// The resharding under way (the stream is `UPDATING`), or `None` (`ACTIVE`).
    pub fn updating(&self) -> Option<&Updating> {
        self.updating.as_ref()
    }

    /// Completes the resharding under way if its time has come by `now`: its parents close and
    /// its children open at its `until`. Every call that reads, writes or reshards does this
    /// first; a driver calls it to learn when (and what) a resharding finished.
    pub fn settle(&mut self, now: SimTime) -> Option<Resharded> {
        if self.updating.as_ref().is_none_or(|u| now < u.until) {
            return None;
        }
        let u = self.updating.take()?;
        let first_new = self.shards.len();
        for op in &u.ops {
            match *op {
                Op::Split { shard, key } => {
                    let parent = &mut self.shards[shard.0 as usize];
                    parent.state = ShardState::Closed { at: u.until };
                    let (start, end) = (parent.start, parent.end);
                    let low = self.next_id();
                    self.shards.push(Shard::new(low, (start, key - 1), Some(shard), None));
                    let high = self.next_id();
                    self.shards.push(Shard::new(high, (key, end), Some(shard), None));
                }
                Op::Merge { shard, adjacent } => {
                    let (a, b) = (shard.0 as usize, adjacent.0 as usize);
                    let range = (self.shards[a].start, self.shards[b].end);
                    self.shards[a].state = ShardState::Closed { at: u.until };
                    self.shards[b].state = ShardState::Closed { at: u.until };
                    let child = self.next_id();
                    self.shards.push(Shard::new(child, range, Some(shard), Some(adjacent)));
                }
            }
        }
        let opened = self.shards[first_new..].iter().filter(|s| s.is_open()).map(|s| s.id).collect();
        Some(Resharded { action: u.action, at: u.until, closed: u.closing, opened })
    }

    /// The stream becomes UPDATING for `time` to run `plan`'s operations.
    fn start_updating(&mut self, now: SimTime, action: Reshard, plan: Planner, time: SimDuration) {
        let after: Vec<ShardId> = plan.open.iter().map(|s| s.0).collect();
        let closing = self.open_shards().iter().map(|s| s.id).filter(|id| !after.contains(id)).collect();
        self.updating = Some(Updating {
            since: now,
            until: now + time,
            action,
            closing,
            ranges_after: plan.open.iter().map(|s| (s.1, s.2)).collect(),
            ops: plan.ops,
        });
    }

    /// `SplitShard`: the parent closes; one child takes `[start, new − 1]`, the other
    /// `[new, end]` (KDS-21). The new starting key must lie strictly inside the parent's range.
    /// Asynchronous, as on AWS: the stream is UPDATING for [`RESHARD_UPDATING_S`] and the split
    /// happens when that ends (see [`Updating`]); returns the ids the children will have.
    pub fn split_shard(
        &mut self,
        now: SimTime,
        shard: &str,
        new_starting_hash_key: &str,
    ) -> Result<(ShardId, ShardId), KinesisError> {
        self.settle(now);
        let new = parse_hash_key(new_starting_hash_key, "newStartingHashKey")?;
        let index = self.shard_by_name(shard)?;
        let (start, end, id) = (self.shards[index].start, self.shards[index].end, self.shards[index].id);
        // A key above 2^128 − 1 (`None`) is above every shard's EndingHashKey: AWS answers with
        // this text too (KL test/splitShard.js 'hash much too big', run against AWS).
        let Some(new) = new.filter(|&key| key > start.saturating_add(1) && key < end) else {
            return Err(KinesisError::invalid_argument(format!(
                "NewStartingHashKey {new_starting_hash_key} used in SplitShard() on shard {id} in stream {} under account {ACCOUNT} is not both greater than one plus the shard's StartingHashKey {start} and less than the shard's EndingHashKey {end}.",
                self.name
            )));
        };
        self.check_open(index)?;
        // Arguments first, the stream's state last, in the order kinesalite checks them.
        self.check_active()?;
        let mut plan = Planner::of(self);
        let children = match plan.position(id) {
            Some(i) => plan.split(i, new),
            None => {
                return Err(KinesisError::not_found(format!(
                    "Could not find shard {id} in stream {} under account {ACCOUNT}.",
                    self.name
                )))
            }
        };
        let action = Reshard::Split { shard: id.0, at_key: Some(new.to_string()) };
        self.start_updating(now, action, plan, SimDuration::from_secs(RESHARD_UPDATING_S));
        Ok(children)
    }

    /// `MergeShards`: two adjacent open shards (the first's range ends just before the second's
    /// starts) close, and one child takes both ranges (KDS-21). Asynchronous like
    /// [`Stream::split_shard`]; returns the id the child will have.
    pub fn merge_shards(&mut self, now: SimTime, shard: &str, adjacent: &str) -> Result<ShardId, KinesisError> {
        self.settle(now);
        let (a, b) = (self.shard_by_name(shard)?, self.shard_by_name(adjacent)?);
        self.check_open(a)?;
        self.check_open(b)?;
        let (first, second) = (&self.shards[a], &self.shards[b]);
        if first.end.checked_add(1) != Some(second.start) {
            return Err(KinesisError::invalid_argument(format!(
                "Shards {} and {} in stream {} under account {ACCOUNT} are not an adjacent pair of shards eligible for merging",
                first.id, second.id, self.name
            )));
        }
        self.check_active()?;
        let (id, adjacent_id) = (self.shards[a].id, self.shards[b].id);
        let mut plan = Planner::of(self);
        let child = ShardId(plan.next);
        match plan.position(id) {
            Some(i) if plan.open.get(i + 1).is_some_and(|s| s.0 == adjacent_id) => plan.merge(i),
            _ => {
                return Err(KinesisError::not_found(format!(
                    "Could not find shard {id} in stream {} under account {ACCOUNT}.",
                    self.name
                )))
            }
        }
        let action = Reshard::Merge { shard: id.0, adjacent: adjacent_id.0 };
        self.start_updating(now, action, plan, SimDuration::from_secs(RESHARD_UPDATING_S));
        Ok(child)
    }

    /// One resharding action of a scenario (a split at the shard's midpoint when no key is
    /// given), or why AWS refuses it. It is under way when this returns (see
    /// [`Stream::updating`]), except an UpdateShardCount to the current count, which does nothing.
    pub fn reshard(&mut self, now: SimTime, action: &Reshard) -> Result<(), KinesisError> {
        match action {
            Reshard::Split { shard, at_key } => {
                let id = ShardId(*shard);
                let key = match at_key {
                    Some(k) => k.clone(),
                    None => {
                        let s = self.shard(id).ok_or_else(|| {
                            KinesisError::not_found(format!(
                                "Could not find shard {id} in stream {} under account {ACCOUNT}.",
                                self.name
                            ))
                        })?;
                        (s.start + (s.end - s.start) / 2 + 1).to_string()
                    }
                };
                self.split_shard(now, &id.to_string(), &key).map(|_| ())
            }
            Reshard::Merge { shard, adjacent } => {
                self.merge_shards(now, &ShardId(*shard).to_string(), &ShardId(*adjacent).to_string()).map(|_| ())
            }
            Reshard::UpdateShardCount { target } => self.update_shard_count(now, *target),
        }
    }

    /// The open shards once the resharding under way (if any) completes.
    pub fn open_after_updating(&self) -> usize {
        self.updating.as_ref().map_or_else(|| self.open_shards().len(), |u| u.ranges_after.len())
    }

    /// `UpdateShardCount` with `UNIFORM_SCALING`, refused (`LimitExceededException`, KDS-24)
    /// beyond 2× or under ½× the open shards, over 10,000, or after
    /// [`SCALINGS_PER_DAY`] scalings in the last 24 hours; `ResourceInUseException` while
    /// UPDATING. Asynchronous: the stream is UPDATING for a round of splits and a round of
    /// merges ([`RESHARD_UPDATING_S`] each) plus [`SCALING_PER_SHARD_MS`] per open shard.
    ///
    /// "Uniform scaling creates shards of equal size" (BOTO kinesis:UpdateShardCount), within the
    /// operations AWS was recorded making (the conformance cases count every shard it leaves,
    /// closed ones included: 2 → 4 leaves 6, 4 → 5 leaves 15, 10 → 13 leaves 37, 5 → 3 leaves 7).
    /// Those counts fit one split per open shard and then merges to scale up, merges only to scale
    /// down. To scale from n to t > n shards, the open shards form t − n runs of neighbours (sizes
    /// differing by at most one); a run of k shards splits each once, at the boundaries that cut
    /// the run's range into k + 1 equal parts, and merges the pieces between them: 4 → 5 gives
    /// five shards of 20 % each, 10 → 13 gives 7.5 % and 8 % (AWS's recorded count leaves no
    /// room for exactly 1/13). To scale down, the adjacent pair with the narrowest union merges,
    /// the lowest first, until t are left (5 → 3: 40 %, 40 %, 20 %).
    ///
    /// A target under 1 or over 100,000 fails request validation first (`ValidationException`,
    /// the unmerged kinesalite PR #103's tests, run against AWS).
    pub fn update_shard_count(&mut self, now: SimTime, target: u32) -> Result<(), KinesisError> {
        validated(
            out_of_range(target.into(), "targetShardCount", MAX_SHARD_COUNT_PARAMETER.into()).into_iter().collect(),
        )?;
        self.settle(now);
        // kinesalite checks the stream's state first here.
        self.check_active()?;
        let open = self.shards.iter().filter(|s| s.is_open()).count() as u64;
        let t = u64::from(target);
        let counts = format!("Current open shard count: {open}, Target shard count: {target}");
        if t > MAX_SHARDS as u64 {
            return Err(KinesisError::limit(format!(
                "Target shard count or number of open shards cannot be greater than {MAX_SHARDS}. {counts}"
            )));
        }
        if t > open * 2 {
            return Err(KinesisError::limit(format!(
                "UpdateShardCount cannot scale up over double your current open shard count. {counts}"
            )));
        }
        if t * 2 < open {
            return Err(KinesisError::limit(format!(
                "UpdateShardCount cannot scale down below half your current open shard count. {counts}"
            )));
        }
        if t == open {
            return Ok(());
        }
        let day = SimDuration::from_secs(24 * 3_600);
        while self.scalings.front().is_some_and(|&at| now.saturating_since(at) >= day) {
            self.scalings.pop_front();
        }
        if self.scalings.len() >= SCALINGS_PER_DAY {
            // AWS documents the limit and the exception, not the message: these words are ours.
            let oldest = self.scalings.front().map_or(0.0, |&at| (at + day).as_secs_f64());
            return Err(KinesisError::limit(format!(
                "UpdateShardCount has already scaled stream {} under account {ACCOUNT} {SCALINGS_PER_DAY} times in the last 24 hours (the most a rolling 24-hour period allows); the oldest of them leaves the period at {oldest} s.",
                self.name
            )));
        }
        let plan = self.plan_uniform_scaling(target as usize)?;
        self.scalings.push_back(now);
        let time = SimDuration::from_secs(RESHARD_UPDATING_S).saturating_mul(u64::from(plan.rounds))
            + SimDuration::from_millis(SCALING_PER_SHARD_MS).saturating_mul(open);
        self.start_updating(now, Reshard::UpdateShardCount { target }, plan, time);
        Ok(())
    }

    /// The splits and merges that take the open shards to `target` of (near) equal size (see
    /// [`Stream::update_shard_count`]).
    fn plan_uniform_scaling(&self, target: usize) -> Result<Planner, KinesisError> {
        let mut plan = Planner::of(self);
        let old: Vec<(ShardId, u128, u128)> = plan.open.iter().map(|s| (s.0, s.1, s.2)).collect();
        let n = old.len();
        if target < n {
            for _ in 0..n - target {
                let width = |s: &(ShardId, u128, u128, u32)| s.2 - s.1;
                let narrowest = (0..plan.open.len() - 1)
                    .min_by_key(|&i| (width(&plan.open[i]) + width(&plan.open[i + 1]), i))
                    .unwrap_or(0);
                plan.merge(narrowest);
            }
            return Ok(plan);
        }
        let runs = target - n;
        // The pieces to merge: each split's upper child with the next split's lower child.
        let mut joins = Vec::new();
        for run in 0..runs {
            let (first, last) = (run * n / runs, (run + 1) * n / runs);
            let (start, span) = (old[first].1, old[last - 1].2 - old[first].1);
            // floor((span + 1) / parts) without overflowing when the run is the whole space.
            let parts = (last - first + 1) as u128;
            let step = span / parts + u128::from(span % parts == parts - 1);
            let run_shards = &old[first..last];
            if let Some(&(id, lo, hi)) = run_shards.iter().find(|s| s.2 - s.1 < 3) {
                return Err(KinesisError::invalid_argument(format!(
                    "UpdateShardCount cannot split shard {id} in stream {} under account {ACCOUNT}: its hash key range [{lo}, {hi}] is too narrow (the model needs at least 4 hash keys to split a shard).",
                    self.name
                )));
            }
            // The boundaries between equal parts; each lies inside its shard when the shards
            // are equal. When a reader's splits made them unequal, each boundary instead cuts
            // what is left of the run evenly, kept strictly inside its shard as SplitShard
            // requires: as even as one split per shard allows.
            let even: Vec<u128> = (1..=run_shards.len() as u128).map(|j| start + step * j).collect();
            let inside = |key: u128, &(_, lo, hi): &(ShardId, u128, u128)| lo + 1 < key && key < hi;
            let keys: Vec<u128> = match even.iter().zip(run_shards).all(|(&key, shard)| inside(key, shard)) {
                true => even,
                false => {
                    let (end, mut previous) = (start + span, start);
                    run_shards
                        .iter()
                        .enumerate()
                        .map(|(j, &(_, lo, hi))| {
                            let (rest, parts) = (end - previous, (run_shards.len() + 1 - j) as u128);
                            let step = rest / parts + u128::from(rest % parts == parts - 1);
                            previous = (previous + step).clamp(lo + 2, hi - 1);
                            previous
                        })
                        .collect()
                }
            };
            let mut upper = None;
            for (&(id, _, _), key) in run_shards.iter().zip(keys) {
                let Some(i) = plan.position(id) else { continue };
                let (low, high) = plan.split(i, key);
                if let Some(previous) = upper {
                    joins.push((previous, low));
                }
                upper = Some(high);
            }
        }
        for (a, b) in joins {
            if let Some(i) = plan.position(a).filter(|&i| plan.open.get(i + 1).is_some_and(|s| s.0 == b)) {
                plan.merge(i);
            }
        }
        Ok(plan)
    }

    /// Drops records older than the retention period (a closed shard with nothing left
    /// expires), and compacts the oldest records of shards over their share of
    /// [`STREAM_ENTRY_BUDGET`] into runs tagged [`MIXED_KEYS`]. `readers` are the positions
    /// (shard, next sequence number) of the consumers reading now.
    pub fn trim(&mut self, now: SimTime, readers: &[(ShardId, u64)]) {
        self.settle(now);
        let live = self.shards.iter().filter(|s| s.state != ShardState::Expired).count().max(1);
        let budget = (STREAM_ENTRY_BUDGET / live).max(SHARD_ENTRY_FLOOR);
        self.compact(budget, readers);
        let Some(horizon) = now.as_micros().checked_sub(self.retention.as_micros()).map(SimTime::from_micros) else {
            return;
        };
        for shard in &mut self.shards {
            while let Some(r) = shard.records.front().filter(|r| r.arrived < horizon) {
                shard.retained -= u64::from(r.count);
                shard.records.pop_front();
            }
            if let ShardState::Closed { at } = shard.state {
                if at < horizon && shard.records.is_empty() {
                    shard.state = ShardState::Expired;
                }
            }
        }
    }

    /// Compacts every shard holding more than `budget` entries (see [`Shard::compact`]).
    pub(crate) fn compact(&mut self, budget: usize, readers: &[(ShardId, u64)]) {
        for shard in &mut self.shards {
            let mut at: Vec<u64> = readers.iter().filter(|(id, _)| *id == shard.id).map(|r| r.1).collect();
            at.sort_unstable();
            shard.compact(budget, &at);
        }
    }

    /// `GetShardIterator` with the shard id as sent, read as AWS reads it ([`ShardId::parse`]):
    /// an unreadable id is `Could not find shard …` as sent, a missing one `Shard … does not
    /// exist` in canonical form (KL test/getShardIterator.js, run against AWS).
    pub fn shard_iterator_by_name(
        &self,
        now: SimTime,
        shard: &str,
        kind: IteratorType,
    ) -> Result<ShardIterator, KinesisError> {
        let id = ShardId::parse(shard).ok_or_else(|| {
            KinesisError::not_found(format!(
                "Could not find shard {shard} in stream {} under account {ACCOUNT}.",
                self.name
            ))
        })?;
        self.shard_iterator(now, id, kind)
    }

    /// `GetShardIterator` (KDS-13, KDS-14).
    pub fn shard_iterator(
        &self,
        now: SimTime,
        shard: ShardId,
        kind: IteratorType,
    ) -> Result<ShardIterator, KinesisError> {
        let s = self.shard(shard).filter(|s| s.state != ShardState::Expired).ok_or_else(|| self.shard_gone(shard))?;
        let from_seq = match kind {
            IteratorType::TrimHorizon => 0,
            IteratorType::Latest => s.last_seq + 1,
            IteratorType::AtSequenceNumber(n) => n,
            IteratorType::AfterSequenceNumber(n) => n + 1,
            IteratorType::AtTimestamp(t) => s.records.iter().find(|r| r.arrived >= t).map_or(s.last_seq + 1, |r| r.seq),
        };
        Ok(ShardIterator { shard, from_seq, issued: now })
    }

    /// `GetRecords`: up to `limit` records and 10 MiB from the iterator, under the shard's
    /// shared limits (5 calls/s; reading is throttled until the bytes read would have taken at
    /// 2 MiB/s). A throttled or failed call returns no records.
    pub fn get_records(
        &mut self,
        now: SimTime,
        it: ShardIterator,
        limit: u32,
    ) -> Result<GetRecordsOutput, KinesisError> {
        self.read_records(now, it, limit).map_err(|refused| {
            let (name, shard) = (&self.name, it.shard);
            match refused {
                ReadRefused::Limit => {
                    let failed = out_of_range(limit.into(), "limit", GET_RECORDS_MAX_RECORDS.into());
                    KinesisError::validation(format!("1 validation error detected: {}", failed.unwrap_or_default()))
                }
                ReadRefused::Expired => KinesisError {
                    code: "ExpiredIteratorException",
                    message: format!(
                        "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {} milliseconds.",
                        java_date(it.issued),
                        java_date(now),
                        ITERATOR_EXPIRY_S * 1_000
                    ),
                },
                ReadRefused::Gone => self.shard_gone(shard),
                ReadRefused::Throttled => KinesisError::throughput(format!(
                    "Rate exceeded for shard {shard} in stream {name} under account {ACCOUNT}."
                )),
            }
        })
    }

    /// AWS's `ResourceNotFoundException` for a shard that does not exist (or has expired) in
    /// GetShardIterator and GetRecords (KL test/getShardIterator.js, test/getRecords.js).
    fn shard_gone(&self, shard: ShardId) -> KinesisError {
        KinesisError::not_found(format!("Shard {shard} in stream {} under account {ACCOUNT} does not exist", self.name))
    }

    /// [`Stream::get_records`] with the refusal unworded: the model only needs its kind, and
    /// wording every throttled call (most calls of a heavily polled stream) cost more than
    /// the reads.
    pub fn read_records(
        &mut self,
        now: SimTime,
        it: ShardIterator,
        limit: u32,
    ) -> Result<GetRecordsOutput, ReadRefused> {
        self.settle(now);
        if !(1..=GET_RECORDS_MAX_RECORDS).contains(&limit) {
            return Err(ReadRefused::Limit);
        }
        if now.saturating_since(it.issued) > SimDuration::from_secs(ITERATOR_EXPIRY_S) {
            return Err(ReadRefused::Expired);
        }
        let shard = self
            .shards
            .get_mut(it.shard.0 as usize)
            .filter(|s| s.state != ShardState::Expired)
            .ok_or(ReadRefused::Gone)?;
        let second = now.as_micros() / 1_000_000;
        if shard.read.second != second {
            shard.read.second = second;
            shard.read.calls = 0;
        }
        if shard.read.calls >= SHARD_READ_CALLS_PER_S || now < shard.read.busy_until {
            return Err(ReadRefused::Throttled);
        }
        shard.read.calls += 1;
        let records = shard.read_from(it.from_seq, limit, GET_RECORDS_MAX_BYTES);
        let bytes: u64 = records.iter().map(|r| r.bytes).sum();
        let read_time = SimDuration::from_micros(bytes * 1_000_000 / SHARD_READ_BYTES_PER_S);
        shard.read.busy_until = now + read_time;
        let next_seq = records.last().map_or(it.from_seq, |r| r.end());
        // The first record not read (the last run read may have been cut by a limit).
        let unread = shard.records.get(shard.position(next_seq));
        let millis_behind_latest = unread.map_or(0, |r| now.saturating_since(r.arrived).as_millis());
        let closed_and_done = !shard.is_open() && unread.is_none();
        // The children only at a closed shard's end: a scan of every shard on every call made
        // polling cost O(shards²) a round.
        let child_shards = match closed_and_done {
            true => self
                .shards
                .iter()
                .filter(|s| s.parent == Some(it.shard) || s.adjacent_parent == Some(it.shard))
                .map(|s| s.id)
                .collect(),
            false => Vec::new(),
        };
        Ok(GetRecordsOutput {
            records,
            next: (!closed_and_done).then_some(ShardIterator { shard: it.shard, from_seq: next_seq, issued: now }),
            millis_behind_latest,
            child_shards,
        })
    }

    /// Records of a shard from a sequence number on, without the shared read limits: what an
    /// enhanced fan-out subscription pushes (each consumer has its own 2 MiB/s, KDS-17; the
    /// caller paces it). At most `max_bytes`.
    pub fn read_pushed(&self, shard: ShardId, from_seq: u64, max_bytes: u64) -> Vec<Record> {
        self.shard(shard).map_or_else(Vec::new, |s| s.read_from(from_seq, u32::MAX, max_bytes))
    }
}

/// A simulated moment as Java's `Date.toString()` prints it in UTC, the form AWS's
/// ExpiredIteratorException message uses (`Thu Jan 01 00:05:01 UTC 1970`; KL
/// test/getRecords.js, run against AWS). The simulation has no calendar: its time zero is
/// shown as the Unix epoch, 1970-01-01 00:00:00 UTC, so the message reads as elapsed time
/// (a learner sees the iterator's age, not a made-up date). Whole seconds, as Java prints.
fn java_date(t: SimTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = t.as_micros() / 1_000_000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, years ≥ 1970).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{} {} {day:02} {:02}:{:02}:{:02} UTC {year}",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rest / 3_600,
        rest / 60 % 60,
        rest % 60
    )
}
