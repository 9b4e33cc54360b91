//! A Kinesis event source mapping in a flow (LKIN-*). Each shard is read with GetRecords under
//! its shared limits, polled once a second while caught up (LKIN-03), gathering up to the batch
//! size or until the batching window ends (LKIN-02). What was read is split by partition key
//! into `ParallelizationFactor` lanes (LKIN-01: order kept per key), each invoking the function
//! with one batch at a time; the shard reads on when every lane is done. A failed batch is
//! retried until it succeeds or its records expire — its lane, and so the shard, is blocked
//! meanwhile and the iterator age grows (LKIN-04) — unless MaximumRetryAttempts or
//! MaximumRecordAgeInSeconds give up sooner (to the on-failure destination, LKIN-06);
//! BisectBatchOnFunctionError halves a failed batch without using a retry (LKIN-05), and
//! ReportBatchItemFailures checkpoints at the first failed record (LKIN-07).

use crate::dist::Distribution;
use crate::kinesis::{ShardId, ShardIterator, Stream};
use crate::lambda::{KinesisMapping, RunEnd, StartingPosition};
use crate::time::{SimDuration, SimTime};
use crate::trace::Reason;

use super::ledger::End;
use super::model::{FlowCtx, FlowEvent, FlowModel, Work};
use super::scenario::KclApp;

/// The poll interval of a caught-up shard (LKIN-03), and the wait before a failed batch is
/// retried (AWS publishes no retry interval).
const POLL: SimDuration = SimDuration::from_secs(1);
/// The most records one GetRecords returns (KDS-15).
const GET_RECORDS_MAX: u32 = 10_000;
/// Enhanced fan-out pushes records about 70 ms after they are written (KDS-18, "about 70 ms").
const EFO_PUSH: SimDuration = SimDuration::from_millis(70);
/// What one enhanced fan-out push carries at most: 70 ms of the consumer's own 2 MiB/s per
/// shard (KDS-17).
const EFO_PUSH_BYTES: u64 = (2 << 20) * 70 / 1_000;

/// One record: its message, its partition key (number), when it arrived.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rec {
    pub copy: u64,
    pub key: u32,
    pub arrived: SimTime,
}

/// One of a shard's concurrent batches (`ParallelizationFactor`), for the keys that hash to it.
#[derive(Clone, Debug, Default)]
pub(super) struct Lane {
    /// The batch being worked on.
    pub batch: Vec<Rec>,
    /// Batches waiting, the next last: the rest of what was read, and halves after a bisection.
    pub waiting: Vec<Vec<Rec>>,
    pub attempts: u32,
    pub busy: bool,
    pub end: Option<RunEnd>,
    pub gen: u32,
}

impl Lane {
    fn has_work(&self) -> bool {
        self.busy || !self.batch.is_empty() || !self.waiting.is_empty()
    }
}

#[derive(Clone, Debug, Default)]
pub(super) struct ShardReader {
    pub shard: u32,
    pub next_seq: u64,
    /// Records read and not yet handed to the lanes (gathering within the batching window).
    pub gathered: Vec<Rec>,
    /// When the first of them was read.
    pub since: SimTime,
    pub lanes: Vec<Lane>,
    pub gen: u32,
}

/// A KCL application's record processors (instead of a function).
#[derive(Clone, Debug)]
pub(super) struct Kcl {
    pub processing: Distribution,
    pub failure_rate: f64,
    pub enhanced_fan_out: bool,
    /// How often a caught-up shard is read (a push, with enhanced fan-out).
    pub every: SimDuration,
}

/// A reader of a stream: a mapping to a function, or a KCL application.
#[derive(Clone, Debug)]
pub(super) struct KinesisEsm {
    pub stream: u16,
    pub node: u16,
    pub mapping: KinesisMapping,
    pub on_failure: Option<u16>,
    pub shards: Vec<ShardReader>,
    pub kcl: Option<Kcl>,
}

impl KinesisEsm {
    pub(super) fn new(
        stream: u16,
        node: u16,
        mapping: KinesisMapping,
        on_failure: Option<u16>,
        s: &Stream,
    ) -> KinesisEsm {
        let lanes = mapping.parallelization_factor.max(1) as usize;
        let shards = s
            .open_shards()
            .iter()
            .map(|sh| ShardReader {
                shard: sh.id.0,
                next_seq: match mapping.starting_position {
                    StartingPosition::TrimHorizon => 0,
                    StartingPosition::Latest => sh.last_seq() + 1,
                },
                lanes: vec![Lane::default(); lanes],
                ..ShardReader::default()
            })
            .collect();
        KinesisEsm { stream, node, mapping, on_failure, shards, kcl: None }
    }

    /// A KCL application reading `s`: batches of up to `limit` records, retried until they
    /// succeed, one per shard.
    pub(super) fn kcl(stream: u16, node: u16, app: &KclApp, s: &Stream) -> KinesisEsm {
        let mapping = KinesisMapping { batch_size: app.limit, ..KinesisMapping::default() };
        let mut esm = KinesisEsm::new(stream, node, mapping, None, s);
        let every = match app.enhanced_fan_out {
            true => EFO_PUSH,
            false => SimDuration::from_millis(app.poll_interval_ms),
        };
        esm.kcl = Some(Kcl {
            processing: app.processing.clone(),
            failure_rate: app.failure_rate,
            enhanced_fan_out: app.enhanced_fan_out,
            every,
        });
        esm
    }

    /// How long a caught-up shard waits before reading again, and a failed batch before its retry.
    fn every(&self) -> SimDuration {
        self.kcl.as_ref().map_or(POLL, |k| k.every)
    }

    pub(super) fn held_bytes(&self) -> u64 {
        let recs = |l: &Lane| l.batch.len() + l.waiting.iter().map(Vec::len).sum::<usize>();
        let per_shard = |s: &ShardReader| s.gathered.len() + s.lanes.iter().map(recs).sum::<usize>();
        self.shards.iter().map(per_shard).sum::<usize>() as u64 * std::mem::size_of::<Rec>() as u64
    }

    /// The oldest record a lane of this mapping is working on, for the iterator age.
    fn oldest(&self) -> Option<SimTime> {
        self.shards.iter().flat_map(|s| s.lanes.iter()).filter_map(|l| l.batch.first().map(|r| r.arrived)).min()
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

    /// The copy a reader works on for the record `tag` of a stream: the record's own when the
    /// stream has one reader, else a copy of its own (the record ends, split, once every
    /// reader has taken one).
    fn own_copy(&mut self, cx: &mut FlowCtx, stream_node: u16, tag: u64) -> u64 {
        let Some(left) = self.unread.get_mut(&tag) else { return tag };
        *left -= 1;
        let last = *left == 0;
        let Some(parent) = self.copies.get(&tag).copied() else { return tag };
        let child = self.birth(Some(&parent), parent.born, super::ledger::Place::At(stream_node));
        Self::hop(cx, Reason::Received, stream_node, child, tag, "this reader's copy of the record");
        if last {
            self.unread.remove(&tag);
            self.end(cx, stream_node, tag, End::Split);
        }
        child
    }

    /// A shard's reader reads (if no lane has work left), gathers within the window, and
    /// hands what it read to its lanes.
    pub(super) fn kinesis_poll(&mut self, cx: &mut FlowCtx, e: u16, i: u16, gen: u32) {
        let now = cx.now();
        let esm = &self.kinesis[usize::from(e)];
        let s = &esm.shards[usize::from(i)];
        if s.gen != gen || s.lanes.iter().any(Lane::has_work) {
            return;
        }
        let (stream_node, m) = (esm.stream, &esm.mapping);
        let (batch_size, factor, window) =
            (m.batch_size, m.parallelization_factor.max(1), SimDuration::from_secs(m.window_s.into()));
        let limit = (batch_size * factor).saturating_sub(s.gathered.len() as u32).clamp(1, GET_RECORDS_MAX);
        let it = ShardIterator { shard: ShardId(s.shard), from_seq: s.next_seq, issued: now };
        let (push, every) = (esm.kcl.as_ref().is_some_and(|k| k.enhanced_fan_out), esm.every());
        let Some(stream) = self.streams[usize::from(stream_node)].as_mut() else { return };
        let read = match push {
            // Enhanced fan-out: pushed, outside the shard's shared read limits.
            true => {
                let mut records = stream.read_pushed(it.shard, it.from_seq, EFO_PUSH_BYTES);
                records.truncate(limit as usize);
                self.counters[usize::from(esm.node)].bytes_pushed += records.iter().map(|r| r.bytes).sum::<u64>();
                Ok((records, None))
            }
            false => stream.read_records(now, it, limit).map(|out| (out.records, out.next.map(|n| n.from_seq))),
        };
        let retention = stream.retention();
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        s.gen += 1;
        let gen = s.gen;
        let Ok((records, next)) = read else {
            // Throttled by the shard's shared read limits: try again shortly.
            cx.schedule_in(SimDuration::from_millis(200), Work::KinesisPoll { esm: e, shard: i, gen });
            return;
        };
        let mut expired = Vec::new();
        for r in &records {
            s.next_seq = r.end();
        }
        if let Some(next) = next {
            s.next_seq = next;
        }
        for r in &records {
            let copy = self.own_copy(cx, stream_node, r.tag);
            // Traced at the reader, which the record (or this reader's copy of it) is on its way to.
            Self::hop(cx, Reason::Received, self.kinesis[usize::from(e)].node, copy, 0, "read from its shard");
            let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
            if r.arrived + retention <= now {
                expired.push(copy);
            } else {
                if s.gathered.is_empty() {
                    s.since = now;
                }
                s.gathered.push(Rec { copy, key: 0, arrived: r.arrived });
            }
        }
        for copy in expired {
            self.end(cx, stream_node, copy, End::Expired);
        }
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        let enough = s.gathered.len() as u32 >= batch_size;
        if s.gathered.is_empty() || (!enough && now < s.since + window) {
            // Nothing yet, or gathering within the window: look again in a second (or when
            // the window ends).
            let at = if s.gathered.is_empty() { now + every } else { (now + every).min(s.since + window) };
            cx.schedule_at(at, Work::KinesisPoll { esm: e, shard: i, gen });
            return;
        }
        // Hand the records to the lanes by partition key, in batches of the batch size.
        let mut gathered = std::mem::take(&mut s.gathered);
        for r in &mut gathered {
            r.key = self.copies.get(&r.copy).map_or(0, |c| c.key);
        }
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        for lane in 0..factor as usize {
            let mine: Vec<Rec> =
                gathered.iter().filter(|r| r.key as usize % factor as usize == lane).copied().collect();
            let l = &mut s.lanes[lane];
            let mut chunks: Vec<Vec<Rec>> = mine.chunks(batch_size as usize).map(<[Rec]>::to_vec).collect();
            chunks.reverse();
            l.waiting = chunks;
        }
        for lane in 0..factor as u8 {
            self.kinesis_lane(cx, e, i, lane);
        }
    }

    /// A lane starts its next batch: drops what expired or is too old, invokes the function.
    fn kinesis_lane(&mut self, cx: &mut FlowCtx, e: u16, i: u16, lane: u8) {
        let now = cx.now();
        let esm = &self.kinesis[usize::from(e)];
        let (node, stream_node, max_age) = (esm.node, esm.stream, esm.mapping.maximum_record_age_s);
        let retention =
            self.streams[usize::from(stream_node)].as_ref().map_or(SimDuration::from_secs(86_400), Stream::retention);
        let l = &mut self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
        if l.busy {
            return;
        }
        if l.batch.is_empty() {
            match l.waiting.pop() {
                Some(next) => l.batch = next,
                None => {
                    self.kinesis_lane_idle(cx, e, i);
                    return;
                }
            }
        }
        // Records past retention are gone; past MaximumRecordAgeInSeconds, given up on.
        let (mut expired, mut too_old) = (Vec::new(), Vec::new());
        l.batch.retain(|r| {
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
        let empty = l.batch.is_empty();
        for copy in expired {
            self.end(cx, stream_node, copy, End::Expired);
        }
        if !too_old.is_empty() {
            self.kinesis_give_up(cx, e, too_old);
        }
        if empty {
            self.kinesis_lane(cx, e, i, lane);
            return;
        }
        // IteratorAge: how old the oldest record being worked on is (LKIN-04).
        if let Some(oldest) = self.kinesis[usize::from(e)].oldest() {
            let c = &mut self.counters[usize::from(node)];
            c.max_iterator_age_ms = c.max_iterator_age_ms.max(now.saturating_since(oldest).as_millis());
        }
        let esm = &mut self.kinesis[usize::from(e)];
        if let Some(k) = &esm.kcl {
            // A record processor: each record in turn; one that fails fails the batch.
            let l = &mut esm.shards[usize::from(i)].lanes[usize::from(lane)];
            let mut took = SimDuration::ZERO;
            let mut failed = false;
            for _ in &l.batch {
                took = took + k.processing.sample(&mut cx.rng);
                failed |= cx.rng.chance(k.failure_rate);
            }
            l.busy = true;
            l.end = Some(if failed { RunEnd::Error(took) } else { RunEnd::Ok(took) });
            l.gen += 1;
            cx.schedule_in(took, Work::KinesisDone { esm: e, shard: i, lane, gen: l.gen });
            return;
        }
        let Some(f) = self.functions[usize::from(node)].as_mut() else { return };
        let l = &self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
        let poison = l.batch.iter().any(|r| {
            let root = self.copies.get(&r.copy).map_or(r.copy, |c| c.root);
            f.is_poison(root ^ u64::from(node))
        });
        match f.try_start(now, &mut self.account, &mut cx.rng) {
            Err(_) => {
                // A throttle before the invoke does not count as a retry (LKIN-04).
                self.counters[usize::from(node)].throttled += 1;
                let l = &mut self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
                l.gen += 1;
                cx.schedule_in(POLL, Work::KinesisLane { esm: e, shard: i, lane, gen: l.gen });
            }
            Ok(inv) => {
                let end = f.run(inv, poison, &mut cx.rng);
                let l = &mut self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
                l.busy = true;
                l.end = Some(end);
                l.gen += 1;
                cx.schedule_in(end.took(), Work::KinesisDone { esm: e, shard: i, lane, gen: l.gen });
            }
        }
    }

    /// A lane retries (after a throttle or a failure).
    pub(super) fn kinesis_retry(&mut self, cx: &mut FlowCtx, e: u16, i: u16, lane: u8, gen: u32) {
        let l = &self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
        if l.gen == gen && !l.busy {
            self.kinesis_lane(cx, e, i, lane);
        }
    }

    /// A lane ran out of work: when every lane has, the shard reads on at once (catching up).
    fn kinesis_lane_idle(&mut self, cx: &mut FlowCtx, e: u16, i: u16) {
        let s = &mut self.kinesis[usize::from(e)].shards[usize::from(i)];
        if s.lanes.iter().any(Lane::has_work) {
            return;
        }
        s.gen += 1;
        cx.schedule_in(SimDuration::ZERO, Work::KinesisPoll { esm: e, shard: i, gen: s.gen });
    }

    pub(super) fn kinesis_done(&mut self, cx: &mut FlowCtx, e: u16, i: u16, lane: u8, gen: u32) {
        let now = cx.now();
        let esm = &self.kinesis[usize::from(e)];
        let (node, report, bisect, max_retries) = (
            esm.node,
            esm.mapping.report_batch_item_failures,
            esm.mapping.bisect_on_error,
            esm.mapping.maximum_retry_attempts,
        );
        let l = &mut self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
        if l.gen != gen || !l.busy {
            return;
        }
        l.busy = false;
        let end = l.end.take();
        let (kcl, every) = (self.kinesis[usize::from(e)].kcl.is_some(), self.kinesis[usize::from(e)].every());
        if !kcl {
            if let Some(f) = self.functions[usize::from(node)].as_mut() {
                f.finish(now, &mut self.account);
            }
        }
        if let Some(RunEnd::Ok(_)) = end {
            let l = &mut self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
            let done = std::mem::take(&mut l.batch);
            l.attempts = 0;
            for r in done {
                self.pass_on(cx, node, r.copy);
            }
            self.kinesis_lane(cx, e, i, lane);
            return;
        }
        self.counters[usize::from(node)].failed += 1;
        let first_poison = if kcl {
            None
        } else {
            let f = self.functions[usize::from(node)].as_ref();
            let l = &self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
            l.batch.iter().position(|r| {
                let root = self.copies.get(&r.copy).map_or(r.copy, |c| c.root);
                f.is_some_and(|f| f.is_poison(root ^ u64::from(node)))
            })
        };
        let l = &mut self.kinesis[usize::from(e)].shards[usize::from(i)].lanes[usize::from(lane)];
        cx.emit(FlowEvent {
            parent: 0,
            at: now,
            reason: Reason::ProcessingFailed,
            node,
            copy: l.batch.first().map_or(0, |r| r.copy),
            note: "the batch failed: its records wait until it is retried",
        });
        let mut done = Vec::new();
        if let (true, Some(first), Some(RunEnd::Error(_))) = (report, first_poison, end) {
            // The function reports the first failed record: the checkpoint moves to it, and it
            // and everything after it are retried (LKIN-07).
            done = l.batch.drain(..first).collect();
            l.attempts += 1;
        } else if bisect && l.batch.len() > 1 {
            // Halve the batch; halving uses no retry (LKIN-05).
            let second = l.batch.split_off(l.batch.len() / 2);
            l.waiting.push(second);
        } else {
            l.attempts += 1;
        }
        let mut given_up = Vec::new();
        if max_retries >= 0 && l.attempts > max_retries as u32 {
            given_up = l.batch.drain(..).map(|r| r.copy).collect();
            l.attempts = 0;
        }
        l.gen += 1;
        let gen = l.gen;
        for r in done {
            self.pass_on(cx, node, r.copy);
        }
        if !given_up.is_empty() {
            self.kinesis_give_up(cx, e, given_up);
        }
        cx.schedule_in(every, Work::KinesisLane { esm: e, shard: i, lane, gen });
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
