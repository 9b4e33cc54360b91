//! The Kinesis scenario on the scheduler: a producer writing records (retrying throttled ones
//! with exponential backoff and full jitter, and writing duplicates when an acknowledgement is
//! lost), polling consumers sharing each shard's read limits, enhanced fan-out consumers with
//! their own throughput, retention, and resharding at scheduled times or on request.
//!
//! Consumers are applications that each read every shard. A consumer that respects lineage
//! reads a parent to its end before starting its children (for a merge: both parents); one that
//! does not starts every new shard as soon as it appears, and can then read a key's records out
//! of order (KDS-23), which the model counts per key.

use std::collections::{BTreeMap, BTreeSet};

use super::error::KinesisError;
use super::hash::{partition_hash, MAX_HASH_KEY};
use super::limits::*;
use super::scenario::{KinesisScenario, Reshard, Skew, StartAt};
use super::stream::{GetRecordsOutput, IteratorType, ReadRefused, ShardId, ShardIterator, Stream, MIXED_KEYS};
use crate::metrics::{Histogram, SeriesId, SeriesKind};
use crate::scenario::ConfigError;
use crate::sim::{Ctx, Model, Sim};
use crate::time::{SimDuration, SimTime};
use crate::trace::{Reason, StableHasher, TraceRecord};
use crate::workload::{Arrivals, Workload};

/// Shards with their own chart series (the first ones by id).
pub const CHARTED_SHARDS: usize = 16;
const SHARD_RECORDS: [&str; CHARTED_SHARDS] = [
    "shard 0", "shard 1", "shard 2", "shard 3", "shard 4", "shard 5", "shard 6", "shard 7", "shard 8", "shard 9",
    "shard 10", "shard 11", "shard 12", "shard 13", "shard 14", "shard 15",
];
const SHARD_BYTES: [&str; CHARTED_SHARDS] = [
    "shard 0 MiB",
    "shard 1 MiB",
    "shard 2 MiB",
    "shard 3 MiB",
    "shard 4 MiB",
    "shard 5 MiB",
    "shard 6 MiB",
    "shard 7 MiB",
    "shard 8 MiB",
    "shard 9 MiB",
    "shard 10 MiB",
    "shard 11 MiB",
    "shard 12 MiB",
    "shard 13 MiB",
    "shard 14 MiB",
    "shard 15 MiB",
];
/// Consumers with their own chart series.
pub const CHARTED_CONSUMERS: usize = 8;
const CONSUMER_LAG: [&str; CHARTED_CONSUMERS] =
    ["lag 1", "lag 2", "lag 3", "lag 4", "lag 5", "lag 6", "lag 7", "lag 8"];
const CONSUMER_READ: [&str; CHARTED_CONSUMERS] =
    ["read 1", "read 2", "read 3", "read 4", "read 5", "read 6", "read 7", "read 8"];
/// How often an enhanced fan-out subscription pushes (its records wait half of it on average:
/// about the 70 ms AWS quotes, KDS-19).
pub(crate) const PUSH_EVERY: SimDuration = SimDuration::from_millis(140);
/// How often retention is applied.
const TRIM_EVERY: SimDuration = SimDuration::from_secs(60);

/// A running Kinesis scenario.
pub type KinesisSim = Sim<KinesisModel>;

impl Sim<KinesisModel> {
    /// Builds a run of `scenario` with `seed`, or says which field is wrong.
    pub fn try_new(scenario: &KinesisScenario, seed: u64) -> Result<KinesisSim, ConfigError> {
        scenario.validate()?;
        let model = KinesisModel::new(scenario).map_err(|e| ConfigError::Invalid {
            field: "shards".into(),
            value: e.code.into(),
            rule: e.message,
        })?;
        Ok(Sim::with_model(model, seed))
    }
}

/// Scheduled work.
#[derive(Clone, Copy, Debug)]
pub enum Work {
    /// The producer writes its next record (or, in bulk, every shard's run).
    Produce,
    /// A throttled record is written again.
    Retry { slot: u32 },
    /// A polling consumer calls GetRecords on its shards.
    Poll { consumer: u32 },
    /// An enhanced fan-out consumer's subscriptions push.
    Push { consumer: u32 },
    /// A scheduled resharding action.
    Reshard { index: u32 },
    /// The resharding under way completes (the stream is ACTIVE again).
    ReshardDone,
    /// Retention is applied.
    Trim,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KinesisTraceEvent {
    /// When.
    pub at: SimTime,
    /// Why.
    pub reason: Reason,
    /// The shard.
    pub shard: Option<ShardId>,
    /// The partition key's index, if one record of one key is involved.
    pub key: Option<u32>,
    /// The consumer (0-based), if one is involved.
    pub consumer: Option<u32>,
    /// Records involved; for writes, the attempt.
    pub count: u32,
    /// The sequence number, if one; for a resharding just accepted (`RESHARD_STARTED`), when it
    /// completes, in simulated microseconds; for a refused scheduled one, its index.
    pub seq: Option<u64>,
}

impl TraceRecord for KinesisTraceEvent {
    fn at(&self) -> SimTime {
        self.at
    }
    fn reason(&self) -> Reason {
        self.reason
    }
    fn hash_into(&self, h: &mut StableHasher) {
        h.write_u64x4([
            self.at.as_micros(),
            self.seq.unwrap_or(u64::MAX),
            u64::from(self.reason.stable_id()) << 32 | u64::from(self.shard.map_or(u32::MAX, |s| s.0)),
            u64::from(self.key.unwrap_or(u32::MAX)) << 32 | u64::from(self.count),
        ]);
    }
    fn describe(&self) -> String {
        let shard = self.shard.map_or_else(|| "—".to_owned(), |s| s.to_string());
        let key = self.key.map_or_else(|| "keys".to_owned(), |k| format!("key-{k}"));
        let who = self.consumer.map_or(0, |c| c + 1);
        let n = self.count;
        match self.reason {
            Reason::Sent => format!("{key} written to {shard} (sequence number {})", self.seq.unwrap_or(0)),
            Reason::Throttled if self.consumer.is_some() => {
                format!("consumer {who}: GetRecords on {shard} throttled (ProvisionedThroughputExceededException)")
            }
            Reason::Throttled => format!(
                "{key} refused by {shard}: over 1 MiB/s or 1,000 records/s (ProvisionedThroughputExceededException), attempt {n}"
            ),
            Reason::GaveUp => format!("producer gave up on {key} after {}", crate::text::count(n, "attempt", "attempts")),
            Reason::DuplicateDelivery => format!("{key} written again to {shard}: its acknowledgement was lost"),
            Reason::Received => format!("consumer {who} read {n} record{} from {shard}", if n == 1 { "" } else { "s" }),
            Reason::OutOfOrder => format!("consumer {who} read {key} from {shard} before an earlier record of the same key"),
            Reason::Resharded if n == 0 => format!(
                "scheduled resharding #{} was refused (the scenario's warnings say why)",
                self.seq.map_or(0, |i| i + 1)
            ),
            Reason::Resharded => match self.shard {
                Some(_) => format!("resharding of {shard} done: the stream is ACTIVE again ({n} open shards now)"),
                None => format!("resharding done: the stream is ACTIVE again ({n} open shards now)"),
            },
            Reason::ReshardStarted => {
                let until = SimTime::from_micros(self.seq.unwrap_or(0)).as_secs_f64();
                let what = match self.shard {
                    Some(_) => format!("resharding of {shard}"),
                    None => "UpdateShardCount".to_owned(),
                };
                format!(
                    "{what} accepted: the stream is UPDATING until {until} s (reads and writes go on to the shards as they are), then {n} open shards"
                )
            }
            other => format!("{shard}: {}", other.code()),
        }
    }
}

/// A record waiting to be written again.
#[derive(Clone, Copy, Debug)]
struct Pending {
    key: u32,
    counter: u32,
    attempt: u32,
}

/// How a consumer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerKind {
    /// GetRecords, sharing the shard's read limits.
    Polling,
    /// SubscribeToShard pushes, with its own 2 MiB/s per shard.
    Enhanced,
}

/// One consumer application's progress.
#[derive(Clone, Debug)]
pub struct ConsumerState {
    /// How it reads.
    pub kind: ConsumerKind,
    /// Where it is in each shard it reads.
    pub reading: BTreeMap<ShardId, ShardIterator>,
    /// Shards it has read to their end.
    pub finished: BTreeSet<ShardId>,
    /// The highest record counter it has read for each key.
    last_of_key: Vec<u32>,
    /// Records read.
    pub read: u64,
    /// Records read after a later one of the same key.
    pub out_of_order: u64,
    /// Records read twice (duplicates written by producer retries).
    pub duplicates: u64,
    /// GetRecords calls throttled.
    pub throttled: u64,
    /// Milliseconds behind the newest record, the worst shard, at the last read.
    pub millis_behind: u64,
    /// Time from arrival to being read.
    pub latency: Histogram,
    /// Shards ever created and shards finished when it last looked for shards to read: until
    /// either changes there is nothing new to start (a look is a pass over every shard).
    looked: (usize, usize),
}

/// Counts of the run.
#[derive(Clone, Debug, Default)]
pub struct KinesisTotals {
    /// Records written.
    pub written: u64,
    /// Write attempts refused by a shard's limit.
    pub throttled: u64,
    /// Retries of throttled records.
    pub retries: u64,
    /// Records the producer gave up on.
    pub gave_up: u64,
    /// Records written twice (lost acknowledgements).
    pub duplicates_written: u64,
    /// Scheduled reshardings AWS refused (a second one while UPDATING, a bad shard or key, a
    /// count beyond UpdateShardCount's limits).
    pub reshards_refused: u64,
    /// Records written and throttled per shard id.
    pub per_shard: BTreeMap<ShardId, (u64, u64)>,
}

#[derive(Clone, Copy, Debug)]
struct KinesisSeries {
    written: SeriesId,
    throttled: SeriesId,
    shard: [Option<SeriesId>; CHARTED_SHARDS],
    shard_bytes: [Option<SeriesId>; CHARTED_SHARDS],
    lag: [Option<SeriesId>; CHARTED_CONSUMERS],
    read: [Option<SeriesId>; CHARTED_CONSUMERS],
}

/// How many of the busiest keys [`KinesisModel::busiest_keys`] lists.
pub const BUSIEST_KEYS: usize = 16;

/// The Kinesis scenario model.
#[derive(Clone, Debug)]
pub struct KinesisModel {
    scenario: KinesisScenario,
    stream: Stream,
    /// Each key's hash key (MD5, or the explicit one).
    key_hash: Vec<u128>,
    /// Each key's length in bytes (`key-17` is 6): it counts toward the record's size.
    key_len: Vec<u64>,
    /// Cumulative key weights, for the draw.
    key_cdf: Vec<f64>,
    /// The busiest keys and their shares, busiest first (see [`KinesisModel::busiest_keys`]).
    busiest: Vec<(u32, f64)>,
    /// Records produced per key (the order a consumer should see).
    key_counter: Vec<u32>,
    /// Bulk mode: each open shard's share of the records.
    shard_share: Vec<(ShardId, f64)>,
    arrivals: Arrivals,
    pending: Vec<Option<Pending>>,
    free: Vec<u32>,
    consumers: Vec<ConsumerState>,
    totals: KinesisTotals,
    series: Option<KinesisSeries>,
}

impl KinesisModel {
    /// A model for a validated scenario.
    pub fn new(scenario: &KinesisScenario) -> Result<KinesisModel, KinesisError> {
        let stream = Stream::create("nimbus-stream", scenario.shards, scenario.retention_h)?;
        let p = &scenario.producer;
        let n = p.keys as usize;
        let key_hash: Vec<u128> = (0..n)
            .map(|k| match p.explicit_hash_keys {
                // Spread evenly: key k at the middle of its 1/n of the space.
                true => MAX_HASH_KEY / n as u128 * k as u128 + MAX_HASH_KEY / (2 * n as u128),
                false => partition_hash(&format!("key-{k}")),
            })
            .collect();
        let weight = |k: usize| match p.skew {
            Skew::Uniform => 1.0,
            Skew::Zipf { exponent } => 1.0 / libm::pow(k as f64 + 1.0, exponent),
            Skew::HotKey { share } if n == 1 => share.max(1e-9),
            Skew::HotKey { share } => match k {
                0 => share,
                _ => (1.0 - share) / (n - 1) as f64,
            },
        };
        let key_len = (0..n).map(|k| format!("key-{k}").len() as u64).collect();
        let mut sum = 0.0;
        let mut key_cdf: Vec<f64> = (0..n)
            .map(|k| {
                sum += weight(k);
                sum
            })
            .collect();
        for c in &mut key_cdf {
            *c /= sum.max(f64::MIN_POSITIVE);
        }
        let mut busiest: Vec<(u32, f64)> = (0..n).map(|k| (k as u32, weight(k) / sum.max(f64::MIN_POSITIVE))).collect();
        busiest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        busiest.truncate(BUSIEST_KEYS);
        let rate = match p.bulk_ms {
            Some(ms) => 1_000.0 / ms,
            None => p.rate_per_s,
        };
        let c = &scenario.consumers;
        let consumer = |kind| ConsumerState {
            kind,
            reading: BTreeMap::new(),
            finished: BTreeSet::new(),
            looked: (0, 0),
            last_of_key: if p.bulk_ms.is_some() { Vec::new() } else { vec![0; n] },
            read: 0,
            out_of_order: 0,
            duplicates: 0,
            throttled: 0,
            millis_behind: 0,
            latency: Histogram::new(),
        };
        let consumers = (0..c.polling)
            .map(|_| consumer(ConsumerKind::Polling))
            .chain((0..c.enhanced).map(|_| consumer(ConsumerKind::Enhanced)))
            .collect();
        let mut model = KinesisModel {
            scenario: scenario.clone(),
            stream,
            key_hash,
            key_len,
            key_cdf,
            busiest,
            key_counter: vec![0; n],
            shard_share: Vec::new(),
            arrivals: Arrivals::new(&Workload::Constant { rate_per_s: rate }),
            pending: Vec::new(),
            free: Vec::new(),
            consumers,
            totals: KinesisTotals::default(),
            series: None,
        };
        if p.bulk_ms.is_none() {
            model.arrivals = Arrivals::new(&Workload::Poisson { rate_per_s: p.rate_per_s });
        }
        model.share_keys();
        Ok(model)
    }

    /// The scenario.
    pub fn scenario(&self) -> &KinesisScenario {
        &self.scenario
    }
    /// The stream.
    pub fn stream(&self) -> &Stream {
        &self.stream
    }
    /// Counts so far.
    pub fn totals(&self) -> &KinesisTotals {
        &self.totals
    }
    /// The consumers: polling ones first, then enhanced fan-out ones.
    pub fn consumers(&self) -> &[ConsumerState] {
        &self.consumers
    }
    /// Key `k`'s hash key.
    pub fn key_hash(&self, k: u32) -> Option<u128> {
        self.key_hash.get(k as usize).copied()
    }
    /// The keys with the largest shares of the records, busiest first (a tie: the lower key
    /// first), at most [`BUSIEST_KEYS`]. The weights never change, so this is worked out once.
    pub fn busiest_keys(&self) -> &[(u32, f64)] {
        &self.busiest
    }

    /// Key `k`'s share of the records.
    pub fn key_share(&self, k: u32) -> f64 {
        let k = k as usize;
        let below = if k == 0 { 0.0 } else { self.key_cdf.get(k - 1).copied().unwrap_or(1.0) };
        self.key_cdf.get(k).copied().unwrap_or(1.0) - below
    }

    /// Recomputes each open shard's share of the keys (after creation and every reshard).
    fn share_keys(&mut self) {
        let mut share: BTreeMap<ShardId, f64> = self.stream.open_shards().iter().map(|s| (s.id, 0.0)).collect();
        for k in 0..self.key_hash.len() {
            let id = self.stream.route(self.key_hash[k]);
            *share.entry(id).or_insert(0.0) += self.key_share(k as u32);
        }
        self.shard_share = share.into_iter().collect();
    }

    fn emit(
        &self,
        cx: &mut Ctx<Work, KinesisTraceEvent>,
        reason: Reason,
        shard: Option<ShardId>,
        key: Option<u32>,
    ) -> KinesisTraceEvent {
        KinesisTraceEvent { at: cx.now(), reason, shard, key, consumer: None, count: 1, seq: None }
    }

    fn count(&self, cx: &mut Ctx<Work, KinesisTraceEvent>, pick: impl Fn(&KinesisSeries) -> Option<SeriesId>, n: f64) {
        if let Some(id) = self.series.as_ref().and_then(pick) {
            cx.metrics.record(id, cx.now(), n);
        }
    }

    fn draw_key(&self, cx: &mut Ctx<Work, KinesisTraceEvent>) -> u32 {
        let u = cx.rng.next_f64();
        self.key_cdf.partition_point(|&c| c <= u).min(self.key_cdf.len() - 1) as u32
    }

    fn produce(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>) {
        match self.scenario.producer.bulk_ms {
            Some(ms) => self.produce_bulk(cx, ms),
            None => {
                let key = self.draw_key(cx);
                let counter = self.key_counter[key as usize] + 1;
                self.key_counter[key as usize] = counter;
                self.write(cx, Pending { key, counter, attempt: 1 });
            }
        }
        if let Some(at) = self.arrivals.next(&mut cx.rng) {
            cx.schedule_at(at.max(cx.now()), Work::Produce);
        }
    }

    /// Bulk mode: every open shard gets its share of the tick's records as one run.
    fn produce_bulk(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>, ms: f64) {
        let p = &self.scenario.producer;
        let per_tick = p.rate_per_s * ms / 1_000.0;
        let bytes = p.record_bytes + 8;
        let now = cx.now();
        let mut written = 0u64;
        let mut refused = 0u64;
        for i in 0..self.shard_share.len() {
            let (id, share) = self.shard_share[i];
            let count = libm::round(per_tick * share) as u32;
            if count == 0 {
                continue;
            }
            let (taken, _) = self.stream.put_run(now, id, count, bytes * u64::from(count), MIXED_KEYS);
            written += u64::from(taken);
            refused += u64::from(count - taken);
            let entry = self.totals.per_shard.entry(id).or_default();
            entry.0 += u64::from(taken);
            entry.1 += u64::from(count - taken);
            if (id.0 as usize) < CHARTED_SHARDS {
                self.count(cx, |s| s.shard[id.0 as usize], f64::from(taken));
                let mib = (bytes * u64::from(taken)) as f64 / f64::from(1u32 << 20);
                self.count(cx, |s| s.shard_bytes[id.0 as usize], mib);
            }
        }
        self.totals.written += written;
        // Bulk runs do not retry: the refused records are counted as throttled and dropped.
        self.totals.throttled += refused;
        self.totals.gave_up += refused;
        self.count(cx, |s| Some(s.written), written as f64);
        if refused > 0 {
            self.count(cx, |s| Some(s.throttled), refused as f64);
        }
    }

    fn write(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>, p: Pending) {
        let key = p.key as usize;
        let bytes = self.scenario.producer.record_bytes + self.key_len[key];
        let tag = u64::from(p.key) << 32 | u64::from(p.counter);
        match self.stream.try_put(cx.now(), self.key_hash[key], bytes, tag) {
            Ok((id, seq)) => {
                self.totals.written += 1;
                self.totals.per_shard.entry(id).or_default().0 += 1;
                let mut e = self.emit(cx, Reason::Sent, Some(id), Some(p.key));
                e.seq = Some(seq);
                cx.emit(e);
                self.count(cx, |s| Some(s.written), 1.0);
                if (id.0 as usize) < CHARTED_SHARDS {
                    self.count(cx, |s| s.shard[id.0 as usize], 1.0);
                    self.count(cx, |s| s.shard_bytes[id.0 as usize], bytes as f64 / f64::from(1u32 << 20));
                }
                // A lost acknowledgement: the producer writes the same record again (KDS-10).
                if cx.rng.chance(self.scenario.producer.lost_ack_probability) {
                    self.totals.duplicates_written += 1;
                    if let Ok((id, seq)) = self.stream.try_put(cx.now(), self.key_hash[key], bytes, tag) {
                        self.totals.written += 1;
                        let mut e = self.emit(cx, Reason::DuplicateDelivery, Some(id), Some(p.key));
                        e.seq = Some(seq);
                        cx.emit(e);
                    }
                }
            }
            Err(id) => {
                self.totals.throttled += 1;
                self.totals.per_shard.entry(id).or_default().1 += 1;
                let mut e = self.emit(cx, Reason::Throttled, Some(id), Some(p.key));
                e.count = p.attempt;
                cx.emit(e);
                self.count(cx, |s| Some(s.throttled), 1.0);
                if p.attempt >= self.scenario.producer.max_attempts {
                    self.totals.gave_up += 1;
                    let mut e = self.emit(cx, Reason::GaveUp, Some(id), Some(p.key));
                    e.count = p.attempt;
                    cx.emit(e);
                    return;
                }
                // Exponential backoff with full jitter, as the AWS SDKs do.
                let cap = self.scenario.producer.backoff_ms * f64::from(1u32 << (p.attempt - 1).min(10));
                let delay = SimDuration::from_secs_f64(cx.rng.next_f64() * cap / 1_000.0);
                let slot = match self.free.pop() {
                    Some(slot) => {
                        self.pending[slot as usize] = Some(Pending { attempt: p.attempt + 1, ..p });
                        slot
                    }
                    None => {
                        self.pending.push(Some(Pending { attempt: p.attempt + 1, ..p }));
                        (self.pending.len() - 1) as u32
                    }
                };
                self.totals.retries += 1;
                cx.schedule_in(delay, Work::Retry { slot });
            }
        }
    }

    /// Starts every shard consumer `c` should read now: at creation, the open shards; later, with
    /// lineage, children whose parents are finished; without, any shard it does not read yet.
    fn discover(&mut self, now: SimTime, c: usize) {
        let lineage = self.scenario.consumers.respect_lineage;
        let start = match self.scenario.consumers.start_at {
            StartAt::Latest => IteratorType::Latest,
            StartAt::TrimHorizon => IteratorType::TrimHorizon,
        };
        let consumer = &self.consumers[c];
        let looking = (self.stream.all_shards().len(), consumer.finished.len());
        if consumer.looked == looking {
            return;
        }
        let fresh = consumer.reading.is_empty() && consumer.finished.is_empty();
        let mut start_now = Vec::new();
        for s in self.stream.shards() {
            if consumer.reading.contains_key(&s.id) || consumer.finished.contains(&s.id) {
                continue;
            }
            let parents_done =
                [s.parent, s.adjacent_parent].into_iter().flatten().all(|p| consumer.finished.contains(&p));
            let ready = if fresh { s.is_open() } else { !lineage || parents_done };
            if ready {
                // New children are read from their start; the first shards from where the consumer starts.
                start_now.push((s.id, if fresh { start } else { IteratorType::TrimHorizon }));
            }
        }
        for (id, kind) in start_now {
            if let Ok(it) = self.stream.shard_iterator(now, id, kind) {
                self.consumers[c].reading.insert(id, it);
            }
        }
        self.consumers[c].looked = looking;
    }

    fn poll(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>, c: u32) {
        let now = cx.now();
        self.discover(now, c as usize);
        let limit = self.scenario.consumers.limit;
        // Every shard's GetRecords first (the stream alone changes), then what the consumer
        // does with each answer, in the same shard order: one pass over the consumer's
        // iterators instead of a lookup and an insert per shard (a round of 1,000 shards is
        // the hot loop of a heavily polled stream).
        let mut answers = Vec::with_capacity(self.consumers[c as usize].reading.len());
        for (id, it) in self.consumers[c as usize].reading.iter_mut() {
            // An iterator about to expire is renewed at its position (KCL does this).
            if now.saturating_since(it.issued) >= SimDuration::from_secs(ITERATOR_EXPIRY_S - 1) {
                it.issued = now;
            }
            let answer = self.stream.read_records(now, *it, limit);
            if let Ok(GetRecordsOutput { next: Some(next), .. }) = &answer {
                *it = *next;
            }
            answers.push((*id, answer));
        }
        let mut worst_behind = 0;
        for (id, answer) in answers {
            match answer {
                Ok(out) => {
                    worst_behind = worst_behind.max(out.millis_behind_latest);
                    self.consume(cx, c, id, &out.records);
                    if out.next.is_none() {
                        let consumer = &mut self.consumers[c as usize];
                        consumer.reading.remove(&id);
                        consumer.finished.insert(id);
                    }
                }
                Err(ReadRefused::Throttled) => {
                    self.consumers[c as usize].throttled += 1;
                    let mut ev = self.emit(cx, Reason::Throttled, Some(id), None);
                    ev.consumer = Some(c);
                    cx.emit(ev);
                }
                Err(_) => {
                    // Expired or gone (retention): start again from the trim horizon.
                    self.consumers[c as usize].reading.remove(&id);
                    if let Ok(it) = self.stream.shard_iterator(now, id, IteratorType::TrimHorizon) {
                        self.consumers[c as usize].reading.insert(id, it);
                    }
                }
            }
        }
        self.record_lag(cx, c, worst_behind);
        let every = SimDuration::from_secs_f64(self.scenario.consumers.poll_interval_ms / 1_000.0);
        cx.schedule_in(every, Work::Poll { consumer: c });
    }

    fn push(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>, c: u32) {
        let now = cx.now();
        self.discover(now, c as usize);
        let budget = EFO_BYTES_PER_S * PUSH_EVERY.as_micros() / 1_000_000;
        let shards: Vec<(ShardId, u64)> =
            self.consumers[c as usize].reading.iter().map(|(id, it)| (*id, it.from_seq)).collect();
        let mut worst_behind = 0;
        for (id, from) in shards {
            let records = self.stream.read_pushed(id, from, budget);
            let Some(shard) = self.stream.shard(id) else { continue };
            let next = records.last().map_or(from, |r| r.end());
            // The first record not read yet (records are in sequence order: a binary search,
            // not a scan of everything retained, which made a push cost O(retention)).
            let unread = shard.records().get(shard.records().partition_point(|r| r.end() <= next));
            worst_behind = worst_behind.max(unread.map_or(0, |r| now.saturating_since(r.arrived).as_millis()));
            let done = !shard.is_open() && unread.is_none();
            self.consume(cx, c, id, &records);
            let consumer = &mut self.consumers[c as usize];
            if done {
                consumer.reading.remove(&id);
                consumer.finished.insert(id);
            } else if let Some(it) = consumer.reading.get_mut(&id) {
                it.from_seq = next;
                it.issued = now;
            }
        }
        self.record_lag(cx, c, worst_behind);
        cx.schedule_in(PUSH_EVERY, Work::Push { consumer: c });
    }

    /// A consumer takes `records` from shard `id`: latency, order per key, duplicates.
    fn consume(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>, c: u32, id: ShardId, records: &[super::Record]) {
        if records.is_empty() {
            return;
        }
        let now = cx.now();
        let mut n = 0u64;
        let mut disorder = Vec::new();
        let consumer = &mut self.consumers[c as usize];
        for r in records {
            n += u64::from(r.count);
            consumer.latency.record(now.saturating_since(r.arrived));
            if r.tag == MIXED_KEYS || consumer.last_of_key.is_empty() {
                continue;
            }
            let (key, counter) = ((r.tag >> 32) as usize, r.tag as u32);
            let last = &mut consumer.last_of_key[key];
            if counter < *last {
                consumer.out_of_order += 1;
                disorder.push((key as u32, r.seq));
            } else if counter == *last {
                consumer.duplicates += 1;
            } else {
                *last = counter;
            }
        }
        consumer.read += n;
        let mut e = self.emit(cx, Reason::Received, Some(id), None);
        e.consumer = Some(c);
        e.count = n.min(u64::from(u32::MAX)) as u32;
        cx.emit(e);
        for (key, seq) in disorder {
            let mut e = self.emit(cx, Reason::OutOfOrder, Some(id), Some(key));
            e.consumer = Some(c);
            e.seq = Some(seq);
            cx.emit(e);
        }
        if (c as usize) < CHARTED_CONSUMERS {
            self.count(cx, |s| s.read[c as usize], n as f64);
        }
    }

    fn record_lag(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>, c: u32, millis: u64) {
        self.consumers[c as usize].millis_behind = millis;
        if let Some(id) = self.series.as_ref().and_then(|s| s.lag.get(c as usize).copied().flatten()) {
            cx.metrics.record(id, cx.now(), millis as f64 / 1_000.0);
        }
    }

    /// Splits, merges or rescales now (a scheduled action or a reader's button); the error says
    /// why AWS would refuse it. Accepted, the stream is UPDATING until the resharding completes
    /// ([`KinesisModel::settle`], scheduled at its end).
    pub fn reshard(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>, action: &Reshard) -> Result<(), KinesisError> {
        self.settle(cx);
        self.stream.reshard(cx.now(), action)?;
        let named = match action {
            Reshard::Split { shard, .. } | Reshard::Merge { shard, .. } => Some(ShardId(*shard)),
            Reshard::UpdateShardCount { .. } => None,
        };
        let mut e = self.emit(cx, Reason::Resharded, named, None);
        e.count = self.stream.open_after_updating() as u32;
        match self.stream.updating().map(|u| u.until) {
            Some(until) => {
                e.reason = Reason::ReshardStarted;
                e.seq = Some(until.as_micros());
                cx.schedule_at(until, Work::ReshardDone);
            }
            // An UpdateShardCount to the current count: nothing to do.
            None => e.shard = None,
        }
        cx.emit(e);
        Ok(())
    }

    /// Completes the resharding under way if its time has come: the children take writes from
    /// now on (the bulk producer's shares follow), and the trace says so.
    fn settle(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>) {
        let Some(done) = self.stream.settle(cx.now()) else { return };
        self.share_keys();
        let named = match done.action {
            Reshard::Split { shard, .. } | Reshard::Merge { shard, .. } => Some(ShardId(shard)),
            Reshard::UpdateShardCount { .. } => None,
        };
        let mut e = self.emit(cx, Reason::Resharded, named, None);
        e.count = self.stream.open_shards().len() as u32;
        cx.emit(e);
    }
}

impl Model for KinesisModel {
    type Work = Work;
    type Event = KinesisTraceEvent;

    fn held_bytes(&self) -> u64 {
        // Capacity, not length: a deque holds up to twice what it has in use.
        let records: usize = self.stream.all_shards().iter().map(|s| s.records().capacity()).sum();
        let record = std::mem::size_of::<super::Record>();
        (record * records + std::mem::size_of::<Option<Pending>>() * self.pending.len()) as u64
    }

    fn start(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>) {
        let second = SimDuration::from_secs(1);
        let m = &mut cx.metrics;
        let (mut shard, mut shard_bytes) = ([None; CHARTED_SHARDS], [None; CHARTED_SHARDS]);
        for i in 0..CHARTED_SHARDS {
            shard[i] = Some(m.add(SHARD_RECORDS[i], "records/s", SeriesKind::Counter, second));
            shard_bytes[i] = Some(m.add(SHARD_BYTES[i], "MiB/s", SeriesKind::Counter, second));
        }
        let (mut lag, mut read) = ([None; CHARTED_CONSUMERS], [None; CHARTED_CONSUMERS]);
        for c in 0..self.consumers.len().min(CHARTED_CONSUMERS) {
            lag[c] = Some(m.add(CONSUMER_LAG[c], "s", SeriesKind::Gauge, second));
            read[c] = Some(m.add(CONSUMER_READ[c], "records/s", SeriesKind::Counter, second));
        }
        self.series = Some(KinesisSeries {
            written: m.add("written", "records/s", SeriesKind::Counter, second),
            throttled: m.add("throttled", "records/s", SeriesKind::Counter, second),
            shard,
            shard_bytes,
            lag,
            read,
        });
        if let Some(at) = self.arrivals.next(&mut cx.rng) {
            cx.schedule_at(at, Work::Produce);
        }
        let polling = self.scenario.consumers.polling;
        let begin = SimTime::ZERO + SimDuration::from_secs_f64(self.scenario.consumers.start_after_s);
        for c in 0..self.consumers.len() as u32 {
            // Spread the consumers' polls over the interval, as independent applications would be.
            let offset = SimDuration::from_secs_f64(
                self.scenario.consumers.poll_interval_ms / 1_000.0 * f64::from(c) / f64::from(polling.max(1)),
            );
            match self.consumers[c as usize].kind {
                ConsumerKind::Polling => cx.schedule_at(begin + offset, Work::Poll { consumer: c }),
                ConsumerKind::Enhanced => cx.schedule_at(begin + PUSH_EVERY, Work::Push { consumer: c }),
            }
        }
        for (i, r) in self.scenario.reshards.iter().enumerate() {
            cx.schedule_at(SimTime::ZERO + SimDuration::from_secs_f64(r.at_s), Work::Reshard { index: i as u32 });
        }
        cx.schedule_at(SimTime::ZERO + TRIM_EVERY, Work::Trim);
    }

    fn handle(&mut self, cx: &mut Ctx<Work, KinesisTraceEvent>, work: Work) {
        // A resharding that ended by now completes before anything else reads or writes.
        if self.stream.updating().is_some_and(|u| cx.now() >= u.until) {
            self.settle(cx);
        }
        match work {
            Work::Produce => self.produce(cx),
            Work::Retry { slot } => {
                if let Some(p) = self.pending.get_mut(slot as usize).and_then(Option::take) {
                    self.free.push(slot);
                    self.write(cx, p);
                }
            }
            // Done above: the resharding completed as this work came due.
            Work::ReshardDone => {}
            Work::Poll { consumer } => self.poll(cx, consumer),
            Work::Push { consumer } => self.push(cx, consumer),
            Work::Reshard { index } => {
                if let Some(r) = self.scenario.reshards.get(index as usize).cloned() {
                    // A refused action is traced (with no open-shard count and the action's
                    // index), not fatal; `KinesisScenario::reshard_plan` says why, up front.
                    if self.reshard(cx, &r.action).is_err() {
                        self.totals.reshards_refused += 1;
                        let e = self.emit(cx, Reason::Resharded, None, None);
                        cx.emit(KinesisTraceEvent { count: 0, seq: Some(u64::from(index)), ..e });
                    }
                }
            }
            Work::Trim => {
                let readers: Vec<(ShardId, u64)> =
                    self.consumers.iter().flat_map(|c| c.reading.iter().map(|(id, it)| (*id, it.from_seq))).collect();
                self.stream.trim(cx.now(), &readers);
                cx.schedule_in(TRIM_EVERY, Work::Trim);
            }
        }
    }
}
