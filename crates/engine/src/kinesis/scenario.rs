//! The Kinesis scenario as data: a stream, a producer writing records over a key space with a
//! skew (uniform, Zipf, one hot key), optional explicit hash keys, retries on throttling,
//! polling and enhanced fan-out consumers, and resharding actions at given times.

use serde::{Deserialize, Serialize};

use super::limits::*;
use crate::scenario::{check_int_range, check_range, check_version, current_version, ConfigError};

/// The `kind` of Kinesis scenario files.
pub const SCENARIO_KIND: &str = "kinesis";
/// The most shards a scenario creates (a playground bound, far under AWS's 10,000).
pub const MAX_SCENARIO_SHARDS: u32 = 1_000;
/// The most distinct partition keys (a playground bound).
pub const MAX_KEYS: u32 = 100_000;
/// The most polling consumer applications (a playground bound).
pub const MAX_POLLING: u32 = 20;

/// A whole Kinesis scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KinesisScenario {
    /// Scenario format version.
    #[serde(default = "current_version")]
    pub v: u32,
    /// Shards at creation, split evenly.
    pub shards: u32,
    /// Retention, hours (24–8,760).
    pub retention_h: u64,
    /// Who writes.
    pub producer: Producer,
    /// Who reads.
    pub consumers: Consumers,
    /// Resharding at given times.
    pub reshards: Vec<ScheduledReshard>,
}

/// How partition keys are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Skew {
    /// Every key equally likely.
    Uniform,
    /// Key k (from 1) has weight 1 / k^exponent.
    Zipf {
        /// The exponent, 0–4 (0 is uniform).
        exponent: f64,
    },
    /// Key 0 takes `share` of the records; the rest are uniform.
    HotKey {
        /// The hot key's share, 0–1.
        share: f64,
    },
}

/// The producer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Producer {
    /// Records per second, all keys together.
    pub rate_per_s: f64,
    /// Data bytes per record (the partition key adds its length).
    pub record_bytes: u64,
    /// Distinct partition keys (`key-0`, `key-1`, …).
    pub keys: u32,
    /// How often each key is used.
    pub skew: Skew,
    /// Send an `ExplicitHashKey` spreading the keys evenly over the hash space instead of
    /// hashing them (the classic fix for a few hot keys landing together).
    pub explicit_hash_keys: bool,
    /// Attempts per record on throttling, first included (1 = no retry), 1–10.
    pub max_attempts: u32,
    /// Backoff before the first retry, milliseconds; doubled each retry, with full jitter.
    pub backoff_ms: f64,
    /// Chance that a written record's acknowledgement is lost, so the producer writes it again:
    /// a duplicate with a new sequence number (KDS-10), 0–1.
    pub lost_ack_probability: f64,
    /// Large scenarios: write each shard's records of every `bulk_ms` as one run, routed by the
    /// shard's share of the key distribution, instead of one event per record. Per-shard loads
    /// and limits are the same; which key each record had is not kept.
    pub bulk_ms: Option<f64>,
}

impl Default for Producer {
    fn default() -> Self {
        Producer {
            rate_per_s: 200.0,
            record_bytes: 1_024,
            keys: 100,
            skew: Skew::Uniform,
            explicit_hash_keys: false,
            max_attempts: 3,
            backoff_ms: 100.0,
            lost_ack_probability: 0.0,
            bulk_ms: None,
        }
    }
}

/// Where a new consumer starts reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartAt {
    /// New records only.
    #[default]
    Latest,
    /// Everything retained.
    TrimHorizon,
}

/// The consumers: applications that each read every shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Consumers {
    /// Polling consumers (GetRecords), sharing each shard's 5 calls/s and 2 MiB/s, 0–20.
    pub polling: u32,
    /// How often a polling consumer calls GetRecords on each shard, milliseconds (KCL: 1,000).
    pub poll_interval_ms: f64,
    /// GetRecords `Limit`, 1–10,000.
    pub limit: u32,
    /// Enhanced fan-out consumers, each with its own 2 MiB/s per shard, pushed, 0–20.
    pub enhanced: u32,
    /// Whether consumers finish a parent shard before reading its children (KDS-23).
    pub respect_lineage: bool,
    /// Where they start.
    pub start_at: StartAt,
    /// When they start, simulated seconds (a consumer started late from TRIM_HORIZON replays
    /// what is retained).
    pub start_after_s: f64,
}

impl Default for Consumers {
    fn default() -> Self {
        Consumers {
            polling: 1,
            poll_interval_ms: 1_000.0,
            limit: 10_000,
            enhanced: 0,
            respect_lineage: true,
            start_at: StartAt::Latest,
            start_after_s: 0.0,
        }
    }
}

/// A resharding action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Reshard {
    /// `SplitShard` of shard `shard` at `at_key` (decimal), or at its midpoint.
    Split {
        /// The shard's id number.
        shard: u32,
        /// `NewStartingHashKey`; the midpoint when absent.
        #[serde(default)]
        at_key: Option<String>,
    },
    /// `MergeShards` of `shard` and the `adjacent` shard just above it.
    Merge {
        /// `ShardToMerge`.
        shard: u32,
        /// `AdjacentShardToMerge`.
        adjacent: u32,
    },
    /// `UpdateShardCount` with uniform scaling.
    UpdateShardCount {
        /// The target open shard count.
        target: u32,
    },
}

/// A resharding action at a simulated time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledReshard {
    /// When the call is made, simulated seconds (it completes once the stream is ACTIVE again).
    pub at_s: f64,
    /// What.
    pub action: Reshard,
}

/// One scheduled resharding as the run will meet it (see [`KinesisScenario::reshard_plan`]).
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedReshard {
    /// Its index in the scenario's `reshards`.
    pub index: usize,
    /// When, simulated seconds.
    pub at_s: f64,
    /// When it completes (the stream is ACTIVE again), if it was accepted and does something.
    pub done_at_s: Option<f64>,
    /// The open shards once it completes, or why AWS refuses it.
    pub outcome: Result<u32, super::KinesisError>,
}

impl Default for KinesisScenario {
    fn default() -> Self {
        KinesisScenario {
            v: current_version(),
            shards: 4,
            retention_h: RETENTION_DEFAULT_H,
            producer: Producer::default(),
            consumers: Consumers::default(),
            reshards: Vec::new(),
        }
    }
}

impl KinesisScenario {
    /// The yardstick `cargo xtask bench` runs: 1,000 shards written at their full rate (1,000
    /// records of 1 KB per second each, in bulk runs every 100 ms) by 100,000 keys with explicit
    /// hash keys spread evenly (so every shard gets exactly its limit), with one polling consumer.
    pub fn benchmark() -> KinesisScenario {
        KinesisScenario {
            shards: 1_000,
            producer: Producer {
                rate_per_s: 1_000_000.0,
                record_bytes: 1_000,
                keys: 100_000,
                explicit_hash_keys: true,
                bulk_ms: Some(100.0),
                ..Producer::default()
            },
            ..KinesisScenario::default()
        }
    }

    /// Checks every field; the error names the field, the value and the range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_version(self.v)?;
        check_int_range("shards", u64::from(self.shards), 1..=u64::from(MAX_SCENARIO_SHARDS))?;
        check_int_range("retention_h", self.retention_h, RETENTION_DEFAULT_H..=RETENTION_MAX_H)?;
        let p = &self.producer;
        check_range("producer.rate_per_s", p.rate_per_s, 0.0..=crate::workload::MAX_RATE_PER_S)?;
        check_int_range(
            "producer.record_bytes",
            p.record_bytes,
            1..=RECORD_MAX_BYTES - PARTITION_KEY_MAX_CHARS as u64,
        )?;
        check_int_range("producer.keys", u64::from(p.keys), 1..=u64::from(MAX_KEYS))?;
        match p.skew {
            Skew::Uniform => {}
            Skew::Zipf { exponent } => check_range("producer.skew.exponent", exponent, 0.0..=4.0)?,
            Skew::HotKey { share } => check_range("producer.skew.share", share, 0.0..=1.0)?,
        }
        check_int_range("producer.max_attempts", u64::from(p.max_attempts), 1..=10)?;
        check_range("producer.backoff_ms", p.backoff_ms, 1.0..=60_000.0)?;
        check_range("producer.lost_ack_probability", p.lost_ack_probability, 0.0..=1.0)?;
        if let Some(ms) = p.bulk_ms {
            check_range("producer.bulk_ms", ms, 1.0..=1_000.0)?;
        }
        let c = &self.consumers;
        check_int_range("consumers.polling", u64::from(c.polling), 0..=u64::from(MAX_POLLING))?;
        check_range("consumers.poll_interval_ms", c.poll_interval_ms, 50.0..=60_000.0)?;
        check_int_range("consumers.limit", u64::from(c.limit), 1..=u64::from(GET_RECORDS_MAX_RECORDS))?;
        check_int_range("consumers.enhanced", u64::from(c.enhanced), 0..=EFO_MAX_CONSUMERS as u64)?;
        check_range("consumers.start_after_s", c.start_after_s, 0.0..=crate::workload::MAX_PERIOD_S)?;
        for (i, r) in self.reshards.iter().enumerate() {
            check_range(&format!("reshards[{i}].at_s"), r.at_s, 0.0..=crate::workload::MAX_PERIOD_S)?;
        }
        // Resharding may not take the stream past the scenario's bound either (AWS would allow
        // up to 10,000 shards; a run of that many is not one the engine keeps up with).
        let mut most_open = self.shards;
        for step in self.reshard_plan() {
            if let Ok(open) = step.outcome {
                check_int_range(
                    &format!("reshards[{}]: open shards after it", step.index),
                    u64::from(open),
                    1..=u64::from(MAX_SCENARIO_SHARDS),
                )?;
                most_open = most_open.max(open);
            }
        }
        crate::scenario::check_offered(
            "each record written and read by each consumer, and every GetRecords call and push",
            self.offered_with(most_open),
        )
    }

    /// Operations per simulated second it offers with the shards it starts with (see
    /// [`Self::offered_with`]); 0 when the producer writes nothing.
    pub fn offered_per_s(&self) -> f64 {
        if self.producer.rate_per_s == 0.0 {
            return 0.0;
        }
        self.offered_with(self.shards)
    }

    /// Operations per simulated second with `open` shards: writes (a bulk producer writes one
    /// run per open shard per tick) each read by every consumer, plus each polling consumer's
    /// GetRecords calls and each enhanced fan-out consumer's pushes on every shard.
    fn offered_with(&self, open: u32) -> f64 {
        let (p, c) = (&self.producer, &self.consumers);
        let writes = match p.bulk_ms {
            Some(ms) => f64::from(open) * 1_000.0 / ms,
            None => p.rate_per_s,
        };
        let calls = f64::from(open)
            * (f64::from(c.polling) * 1_000.0 / c.poll_interval_ms
                + f64::from(c.enhanced) * 1e6 / super::model::PUSH_EVERY.as_micros() as f64);
        writes * f64::from(1 + c.polling + c.enhanced) + calls
    }

    /// What each scheduled resharding does when its time comes, in the order they happen:
    /// worked out on the stream alone, because resharding depends on the shards and not on the
    /// traffic. A refused action (one while the stream is still UPDATING from the last, a merge
    /// of a shard with itself or with one that is not its neighbour, a shard that does not exist
    /// or is closed, a split key that is not a number in the shard's range, a count beyond
    /// UpdateShardCount's limits, its eleventh scaling in 24 hours) says why, with AWS's error;
    /// the run goes on without it, and `nimbus run` and the playground show it as a warning.
    pub fn reshard_plan(&self) -> Vec<PlannedReshard> {
        let Ok(mut stream) = super::Stream::create("nimbus-stream", self.shards, self.retention_h) else {
            return Vec::new();
        };
        let at = |r: &ScheduledReshard| crate::time::SimDuration::from_secs_f64(r.at_s);
        let mut order: Vec<usize> = (0..self.reshards.len()).collect();
        // The order the simulation runs them in: by time, ties in file order.
        order.sort_by_key(|&i| at(&self.reshards[i]));
        order
            .into_iter()
            .map(|index| {
                let r = &self.reshards[index];
                let now = crate::time::SimTime::ZERO + at(r);
                let outcome = stream.reshard(now, &r.action).map(|()| stream.open_after_updating() as u32);
                let done_at_s = stream.updating().filter(|_| outcome.is_ok()).map(|u| u.until.as_secs_f64());
                PlannedReshard { index, at_s: r.at_s, done_at_s, outcome }
            })
            .collect()
    }

    /// The scheduled reshardings AWS would refuse, each as one line (`reshards[2] at 30 s: …`).
    pub fn reshard_warnings(&self) -> Vec<String> {
        self.reshard_plan()
            .into_iter()
            .filter_map(|step| {
                let err = step.outcome.err()?;
                Some(format!("reshards[{}] at {} s is refused: {err}", step.index, step.at_s))
            })
            .collect()
    }

    /// The scenario as the file `nimbus run` reads (`"kind": "kinesis"`).
    pub fn to_file_json(&self) -> String {
        crate::scenario::to_file_json(self, SCENARIO_KIND)
    }

    /// Reads and validates a scenario file (see [`crate::scenario::from_file_json`]).
    pub fn from_file_json(text: &str) -> Result<KinesisScenario, String> {
        crate::scenario::from_file_json(text, SCENARIO_KIND, "Kinesis", KinesisScenario::validate)
    }
}
