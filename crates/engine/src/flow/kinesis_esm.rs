//! A Kinesis event source mapping in a flow (LKIN-*): one batch per shard at a time, read with
//! GetRecords under the shard's shared limits, polled once a second while caught up
//! (LKIN-03). A failed batch is retried until it succeeds or its records expire — the shard is
//! blocked meanwhile and the iterator age grows (LKIN-04) — unless MaximumRetryAttempts or
//! MaximumRecordAgeInSeconds give up sooner (to the on-failure destination, LKIN-06);
//! BisectBatchOnFunctionError halves a failed batch without using a retry (LKIN-05), and
//! ReportBatchItemFailures checkpoints at the first failed record (LKIN-07).

use crate::kinesis::{ShardId, ShardIterator, Stream};
use crate::lambda::{KinesisMapping, RunEnd, StartingPosition};
use crate::time::{SimDuration, SimTime};
use crate::trace::Reason;

use super::ledger::End;
use super::model::{FlowCtx, FlowEvent, FlowModel, Work};

/// The poll interval of a caught-up shard (LKIN-03).
const POLL: SimDuration = SimDuration::from_secs(1);

/// One record of a batch: its message, when it arrived.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rec {
    pub copy: u64,
    pub arrived: SimTime,
}

#[derive(Clone, Debug, Default)]
pub(super) struct ShardReader {
    pub shard: u32,
    pub next_seq: u64,
    /// The batch being worked on, and halves waiting after a bisection (last = next).
    pub batch: Vec<Rec>,
    pub halves: Vec<Vec<Rec>>,
    pub attempts: u32,
    pub gen: u32,
    pub busy: bool,
    pub end: Option<RunEnd>,
}

/// A mapping of a stream to a function.
#[derive(Clone, Debug)]
pub(super) struct KinesisEsm {
    pub stream: u16,
    pub node: u16,
    pub mapping: KinesisMapping,
    pub on_failure: Option<u16>,
    pub shards: Vec<ShardReader>,
}

impl KinesisEsm {
    pub(super) fn new(
        stream: u16,
        node: u16,
        mapping: KinesisMapping,
        on_failure: Option<u16>,
        s: &Stream,
    ) -> KinesisEsm {
        let shards = s
            .open_shards()
            .iter()
            .map(|sh| ShardReader {
                shard: sh.id.0,
                next_seq: match mapping.starting_position {
                    StartingPosition::TrimHorizon => 0,
                    StartingPosition::Latest => sh.last_seq() + 1,
                },
                ..ShardReader::default()
            })
            .collect();
        KinesisEsm { stream, node, mapping, on_failure, shards }
    }

    pub(super) fn held_bytes(&self) -> u64 {
        self.shards.iter().map(|s| (s.batch.len() + s.halves.iter().map(Vec::len).sum::<usize>()) as u64 * 24).sum()
    }
}

impl FlowModel {
    pub(super) fn start_kinesis(&mut self, cx: &mut FlowCtx, e: u16) {
        for i in 0..self.kinesis[usize::from(e)].shards.len() {
            let s = &mut self.kinesis[usize::from(e)].shards[i];
            s.gen += 1;
            cx.schedule_in(POLL, Work::KinesisPoll { esm: e, shard: i as u16, gen: s.gen });
        }
    }

    /// A record was written: idle shards poll on their next second anyway; nothing to do now
    /// (the mapping polls, it is not pushed to).
    pub(super) fn kinesis_wake(&mut self, _cx: &mut FlowCtx, _e: u16) {}

    pub(super) fn kinesis_poll(&mut self, cx: &mut FlowCtx, e: u16, i: u16, gen: u32) {
        let now = cx.now();
        let esm = &self.kinesis[usize::from(e)];
        let s = &esm.shards[usize::from(i)];
        if s.gen != gen || s.busy {
            return;
        }
        let (stream_node, node) = (esm.stream, esm.node);
        if s.batch.is_empty() {
            let limit = esm.mapping.batch_size;
            let it = ShardIterator { shard: ShardId(s.shard), from_seq: s.next_seq, issued: now };
            let Some(stream) = self.streams[usize::from(stream_node)].as_mut() else { return };
            let read = stream.read_records(now, it, limit);
            let retention = stream.retention();
            let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
            s.gen += 1;
            let gen = s.gen;
            let Ok(out) = read else {
                cx.schedule_in(SimDuration::from_millis(200), Work::KinesisPoll { esm: e, shard: i, gen });
                return;
            };
            let mut expired = Vec::new();
            for r in &out.records {
                s.next_seq = r.end();
                if r.arrived + retention <= now {
                    expired.push(r.tag);
                } else {
                    s.batch.push(Rec { copy: r.tag, arrived: r.arrived });
                }
            }
            if let Some(next) = out.next {
                s.next_seq = next.from_seq;
            }
            let empty = s.batch.is_empty();
            for copy in expired {
                self.end(cx, stream_node, copy, End::Expired);
            }
            if empty {
                cx.schedule_in(POLL, Work::KinesisPoll { esm: e, shard: i, gen });
                return;
            }
        }
        self.kinesis_invoke(cx, e, i, node, stream_node);
    }

    fn kinesis_invoke(&mut self, cx: &mut FlowCtx, e: u16, i: u16, node: u16, stream_node: u16) {
        let now = cx.now();
        let retention =
            self.streams[usize::from(stream_node)].as_ref().map_or(SimDuration::from_secs(86_400), Stream::retention);
        let max_age = self.kinesis[usize::from(e)].mapping.maximum_record_age_s;
        // Records past retention are gone; past MaximumRecordAgeInSeconds, given up on.
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        let (mut expired, mut too_old) = (Vec::new(), Vec::new());
        s.batch.retain(|r| {
            let age = now.saturating_since(r.arrived);
            if age >= retention {
                expired.push(r.copy);
                false
            } else if max_age >= 0 && age > SimDuration::from_secs(max_age as u64) {
                too_old.push(r.copy);
                false
            } else {
                true
            }
        });
        let age_ms = s.batch.last().map_or(0, |r| now.saturating_since(r.arrived).as_millis());
        let c = &mut self.counters[usize::from(node)];
        c.max_iterator_age_ms = c.max_iterator_age_ms.max(age_ms);
        for copy in expired {
            self.end(cx, stream_node, copy, End::Expired);
        }
        if !too_old.is_empty() {
            self.kinesis_give_up(cx, e, too_old);
        }
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        if s.batch.is_empty() {
            if let Some(half) = s.halves.pop() {
                s.batch = half;
            } else {
                s.gen += 1;
                cx.schedule_in(SimDuration::ZERO, Work::KinesisPoll { esm: e, shard: i, gen: s.gen });
                return;
            }
        }
        let roots: Vec<u64> = s.batch.iter().map(|r| r.copy).collect();
        let poison: Vec<bool> = {
            let Some(f) = self.functions[usize::from(node)].as_ref() else { return };
            roots.iter().map(|&c| f.is_poison(self.root_of(c) ^ u64::from(node))).collect()
        };
        let Some(f) = self.functions[usize::from(node)].as_mut() else { return };
        match f.try_start(now, &mut self.account, &mut cx.rng) {
            Err(_) => {
                // A throttle before the invoke does not count as a retry (LKIN-04).
                self.counters[usize::from(node)].throttled += 1;
                let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
                s.gen += 1;
                cx.schedule_in(POLL, Work::KinesisPoll { esm: e, shard: i, gen: s.gen });
            }
            Ok(inv) => {
                let end = f.run(inv, poison.iter().any(|&p| p), &mut cx.rng);
                let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
                s.busy = true;
                s.end = Some(end);
                s.gen += 1;
                cx.schedule_in(end.took(), Work::KinesisDone { esm: e, shard: i, gen: s.gen });
            }
        }
    }

    pub(super) fn kinesis_done(&mut self, cx: &mut FlowCtx, e: u16, i: u16, gen: u32) {
        let now = cx.now();
        let esm = &self.kinesis[usize::from(e)];
        let (node, stream_node, m) = (esm.node, esm.stream, esm.mapping.clone());
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        if s.gen != gen || !s.busy {
            return;
        }
        s.busy = false;
        let end = s.end.take();
        if let Some(f) = self.functions[usize::from(node)].as_mut() {
            f.finish(now, &mut self.account);
        }
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        match end {
            Some(RunEnd::Ok(_)) => {
                let done = std::mem::take(&mut s.batch);
                s.attempts = 0;
                if let Some(half) = s.halves.pop() {
                    s.batch = half;
                }
                for r in done {
                    self.pass_on(cx, node, r.copy);
                }
            }
            _ => {
                self.counters[usize::from(node)].failed += 1;
                cx.emit(FlowEvent {
                    at: now,
                    reason: Reason::ProcessingFailed,
                    node,
                    copy: s.batch.first().map_or(0, |r| r.copy),
                    note: "the batch failed: the shard waits until it is retried",
                });
                let poison: Vec<bool> = {
                    let f = self.functions[usize::from(node)].as_ref();
                    let batch = &self.kinesis[usize::from(e)].shards[usize::from(i)].batch;
                    batch
                        .iter()
                        .map(|r| f.is_some_and(|f| f.is_poison(self.root_of(r.copy) ^ u64::from(node))))
                        .collect()
                };
                let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
                let first_poison = poison.iter().position(|&p| p);
                if let (true, Some(first), Some(RunEnd::Error(_))) = (m.report_batch_item_failures, first_poison, end) {
                    // The function reports the first failed record: the checkpoint moves to
                    // it, and it and everything after it are retried (LKIN-07).
                    let done: Vec<_> = s.batch.drain(..first).collect();
                    s.attempts += 1;
                    for r in done {
                        self.pass_on(cx, node, r.copy);
                    }
                } else if m.bisect_on_error && s.batch.len() > 1 {
                    // Halve the batch; halving uses no retry (LKIN-05).
                    let second = s.batch.split_off(s.batch.len() / 2);
                    s.halves.push(second);
                } else {
                    s.attempts += 1;
                }
                let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
                if m.maximum_retry_attempts >= 0 && s.attempts > m.maximum_retry_attempts as u32 {
                    let given_up: Vec<u64> = s.batch.drain(..).map(|r| r.copy).collect();
                    s.attempts = 0;
                    if let Some(half) = s.halves.pop() {
                        s.batch = half;
                    }
                    self.kinesis_give_up(cx, e, given_up);
                }
            }
        }
        let _ = stream_node;
        // After a success the shard reads on at once (catching up); after a failure the batch
        // is retried on the next poll (AWS publishes no retry interval).
        let wait = if matches!(end, Some(RunEnd::Ok(_))) { SimDuration::ZERO } else { POLL };
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        s.gen += 1;
        cx.schedule_in(wait, Work::KinesisPoll { esm: e, shard: i, gen: s.gen });
    }

    /// Records the mapping gives up on go to its on-failure destination (a record of the
    /// batch, LKIN-06) or are skipped.
    fn kinesis_give_up(&mut self, cx: &mut FlowCtx, e: u16, copies: Vec<u64>) {
        let (node, dest) = (self.kinesis[usize::from(e)].node, self.kinesis[usize::from(e)].on_failure);
        self.counters[usize::from(node)].dead_lettered += 1;
        for copy in copies {
            match dest {
                Some(d) => self.travel(cx, copy, d),
                None => self.end(cx, node, copy, End::Skipped),
            }
        }
    }
}
