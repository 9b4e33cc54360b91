//! What reads an SQS queue in a flow: a Lambda event source mapping (LSQS-*) or a group of
//! consumers. Both are slots that long-poll, gather a batch, work on it and delete what
//! succeeded; the mapping invokes its function with the batch (throttles retried until the
//! visibility timeout runs out, LSQS-07), scales from 5 concurrent batches by 300 a minute up
//! to its ceiling (LSQS-03), and with ReportBatchItemFailures deletes all but the failed
//! messages (LSQS-08; on a FIFO queue, all before the first failure, LSQS-10).

use crate::lambda::esm::{SQS_SCALE_PER_MIN, SQS_START_BATCHES};
use crate::lambda::{RunEnd, SqsMapping};
use crate::sqs::{QueueId, ReceiveRequest, Received};
use crate::time::{SimDuration, SimTime};
use crate::trace::Reason;

use super::ledger::Place;
use super::model::{FlowCtx, FlowEvent, FlowModel, Work};
use super::scenario::{Connection, Consumers, FlowError, FlowScenario, NodeKind};

/// The most a mapping puts in one invocation's batch, bytes (LSQS-02: 6 MB).
const BATCH_MAX_BYTES: u64 = 6 << 20;
/// A long poll's longest wait (SQS-26), which a mapping uses.
const LONG_POLL: SimDuration = SimDuration::from_secs(20);

/// How a reader works on a batch.
#[derive(Clone, Debug)]
pub(super) enum ReaderKind {
    /// A Lambda event source mapping.
    Lambda(SqsMapping),
    /// Consumers.
    Fleet(Consumers),
}

#[derive(Clone, Debug, Default)]
pub(super) struct Slot {
    pub batch: Vec<Received>,
    pub gen: u32,
    pub state: SlotState,
    /// When the batch's first message was received (its visibility runs from there); while
    /// waiting, when the wait began.
    pub since: SimTime,
    pub throttles: u32,
    /// How the work ended: per message, whether it failed.
    pub failed: Vec<bool>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum SlotState {
    #[default]
    Stopped,
    Polling,
    Waiting,
    Gathering,
    Working,
}

/// One reader of one queue.
#[derive(Clone, Debug)]
pub(super) struct Reader {
    pub queue_node: u16,
    pub queue: QueueId,
    pub node: u16,
    pub kind: ReaderKind,
    pub slots: Vec<Slot>,
    /// Concurrent batches allowed now.
    pub target: u32,
    pub visibility: SimDuration,
    pub fifo: bool,
    /// FIFO: the highest sequence number processed per message group.
    pub last_in_group: std::collections::BTreeMap<String, u64>,
    /// Slots waiting in a long poll, the latest last.
    pub waiting: Vec<u16>,
    /// How long one long poll waits (a mapping: 20 s; consumers: their wait time).
    pub long_poll: SimDuration,
}

impl Reader {
    pub(super) fn new(
        sc: &FlowScenario,
        c: &Connection,
        queue_node: u16,
        node: u16,
        queue: Option<QueueId>,
    ) -> Result<Reader, FlowError> {
        let queue = queue.ok_or_else(|| FlowError::Wiring(format!("{}: no queue", sc.describe(c))))?;
        let long_poll = match &sc.nodes[usize::from(node)].kind {
            NodeKind::Consumers(f) => SimDuration::from_secs(f.wait_s),
            _ => LONG_POLL,
        };
        let (kind, target) = match &sc.nodes[usize::from(node)].kind {
            NodeKind::Consumers(f) => (ReaderKind::Fleet(f.clone()), f.count),
            _ => {
                let m = c.sqs_mapping.clone().unwrap_or_default();
                let start = SQS_START_BATCHES.min(m.ceiling());
                (ReaderKind::Lambda(m), start)
            }
        };
        let q = &sc.nodes[usize::from(queue_node)];
        let (visibility, fifo) = match &q.kind {
            NodeKind::SqsQueue(qn) => {
                (qn.attributes.get("VisibilityTimeout").and_then(|v| v.parse().ok()).unwrap_or(30), qn.is_fifo())
            }
            _ => (30, false),
        };
        if let (ReaderKind::Lambda(m), NodeKind::Lambda(l)) = (&kind, &sc.nodes[usize::from(node)].kind) {
            // LSQS-09: a visibility timeout below the function timeout fails the mapping's creation.
            if (visibility as f64) < l.function.timeout_s {
                return Err(FlowError::Wiring(format!(
                    "{}: InvalidParameterValueException: Queue visibility timeout: {visibility} seconds is less than Function timeout: {} seconds (LSQS-09; AWS recommends 6 × the function timeout{})",
                    sc.describe(c),
                    l.function.timeout_s,
                    if m.window_s > 0 { " + the batching window" } else { "" }
                )));
            }
        }
        Ok(Reader {
            queue_node,
            queue,
            node,
            kind,
            slots: Vec::new(),
            target,
            visibility: SimDuration::from_secs(visibility),
            fifo,
            last_in_group: std::collections::BTreeMap::new(),
            waiting: Vec::new(),
            long_poll,
        })
    }

    /// Batches being worked on now.
    pub fn working(&self) -> usize {
        self.slots.iter().filter(|s| s.state == SlotState::Working).count()
    }

    fn batch_size(&self) -> usize {
        match &self.kind {
            ReaderKind::Lambda(m) => m.batch_size as usize,
            ReaderKind::Fleet(f) => f.batch_size as usize,
        }
    }

    fn window(&self) -> SimDuration {
        match &self.kind {
            ReaderKind::Lambda(m) => SimDuration::from_secs(m.window_s.into()),
            ReaderKind::Fleet(_) => SimDuration::ZERO,
        }
    }
}

impl FlowModel {
    pub(super) fn start_reader(&mut self, cx: &mut FlowCtx, r: u16) {
        let target = self.readers[usize::from(r)].target as usize;
        self.grow_slots(cx, r, target);
    }

    fn grow_slots(&mut self, cx: &mut FlowCtx, r: u16, to: usize) {
        let reader = &mut self.readers[usize::from(r)];
        while reader.slots.len() < to {
            reader.slots.push(Slot::default());
        }
        for (i, s) in reader.slots.iter_mut().enumerate().take(to) {
            if s.state == SlotState::Stopped {
                s.state = SlotState::Polling;
                s.gen += 1;
                cx.schedule_in(SimDuration::ZERO, Work::Poll { reader: r, slot: i as u16, gen: s.gen });
            }
        }
    }

    /// A message may be there: one waiting long poll returns with it (SQS answers one
    /// waiting receive, not all of them). The long polls it made while it waited, each ending
    /// empty after 20 s, are billed now rather than each scheduled as a timer.
    pub(super) fn wake_reader(&mut self, cx: &mut FlowCtx, r: u16) {
        let reader = &mut self.readers[usize::from(r)];
        while let Some(i) = reader.waiting.pop() {
            let s = &mut reader.slots[usize::from(i)];
            if s.state != SlotState::Waiting {
                continue;
            }
            let empty = cx.now().saturating_since(s.since).as_micros() / reader.long_poll.as_micros();
            self.counters[usize::from(reader.queue_node)].billed += empty;
            s.state = SlotState::Polling;
            s.gen += 1;
            let gen = s.gen;
            // The poll returns now: handled here rather than scheduled at this same instant.
            self.poll(cx, r, i, gen);
            return;
        }
    }

    /// Long polls that ended empty so far for slots still waiting (billed requests).
    pub(super) fn pending_empty_polls(&self, now: SimTime, queue_node: u16) -> u64 {
        self.readers
            .iter()
            .filter(|r| r.queue_node == queue_node)
            .flat_map(|r| r.slots.iter().map(move |s| (s, r.long_poll)))
            .filter(|(s, _)| s.state == SlotState::Waiting)
            .map(|(s, wait)| now.saturating_since(s.since).as_micros() / wait.as_micros())
            .sum()
    }

    pub(super) fn poll(&mut self, cx: &mut FlowCtx, r: u16, slot: u16, gen: u32) {
        let (queue, queue_node, want, window, gathering) = {
            let reader = &self.readers[usize::from(r)];
            let s = &reader.slots[usize::from(slot)];
            if s.gen != gen || !matches!(s.state, SlotState::Polling | SlotState::Waiting | SlotState::Gathering) {
                return;
            }
            if usize::from(slot) >= reader.target as usize && s.batch.is_empty() {
                self.readers[usize::from(r)].slots[usize::from(slot)].state = SlotState::Stopped;
                return;
            }
            let want = (reader.batch_size() - s.batch.len()).min(10) as u32;
            (reader.queue, reader.queue_node, want, reader.window(), s.state == SlotState::Gathering)
        };
        // A gathering slot whose window ended: work on what it has.
        if gathering && cx.now() >= self.readers[usize::from(r)].slots[usize::from(slot)].since + window {
            self.begin_work(cx, r, slot);
            return;
        }
        let req = ReceiveRequest { max_messages: want.max(1), visibility_timeout_s: None, long_poll: true };
        let now = cx.now();
        let mut got = std::mem::take(&mut self.received);
        got.clear();
        // With nothing to receive the long poll just waits: it is billed when it returns
        // (woken by a message, or empty after its wait time; see `wake_reader`).
        let res = if self.sqs.get(queue).has_receivable() {
            let res = self.sqs.receive_into(now, queue, req, &mut cx.rng, &mut got);
            self.counters[usize::from(queue_node)].billed += 1;
            self.queue_events(cx);
            self.schedule_sqs_tick_for(cx, queue);
            res
        } else {
            Ok(())
        };
        if res.is_err() {
            // A throttled FIFO receive: try again shortly.
            let s = &mut self.readers[usize::from(r)].slots[usize::from(slot)];
            s.gen += 1;
            cx.schedule_in(SimDuration::from_millis(500), Work::Poll { reader: r, slot, gen: s.gen });
            return;
        }
        for m in &got {
            if m.receive_count > 1 {
                self.counters[usize::from(queue_node)].retries += 1;
            }
            let note = if m.receive_count > 1 { "received again" } else { "received" };
            // Traced at the reader: the message is on its way to it (in flight in the queue).
            Self::hop(cx, Reason::Received, self.readers[usize::from(r)].node, m.message_id.0, 0, note);
        }
        let reader = &mut self.readers[usize::from(r)];
        let batch_size = reader.batch_size();
        let s = &mut reader.slots[usize::from(slot)];
        if s.batch.is_empty() && !got.is_empty() {
            s.since = now;
        }
        s.batch.append(&mut got);
        self.received = got;
        let s = &mut self.readers[usize::from(r)].slots[usize::from(slot)];
        // A batch is also complete at 6 MB (LSQS-02).
        let full = s.batch.len() >= batch_size || s.batch.iter().map(|m| m.size).sum::<u64>() >= BATCH_MAX_BYTES;
        if !s.batch.is_empty() && (full || window == SimDuration::ZERO || now >= s.since + window) {
            self.begin_work(cx, r, slot);
            return;
        }
        s.gen += 1;
        if s.batch.is_empty() {
            // Nothing: wait, long polling, until a message comes (a send, or a message becoming
            // visible, wakes one waiting slot).
            s.state = SlotState::Waiting;
            s.since = now;
            self.readers[usize::from(r)].waiting.push(slot);
        } else {
            // Gathering a batch within the window: poll again when more may be there.
            s.state = SlotState::Gathering;
            let until = s.since + window;
            let more = self.sqs.get(queue).has_receivable();
            let at = if more { now } else { until.min(now + SimDuration::from_secs(1)) };
            cx.schedule_at(at, Work::Poll { reader: r, slot, gen: s.gen });
        }
    }

    fn begin_work(&mut self, cx: &mut FlowCtx, r: u16, slot: u16) {
        let s = &mut self.readers[usize::from(r)].slots[usize::from(slot)];
        s.state = SlotState::Working;
        s.throttles = 0;
        s.gen += 1;
        let gen = s.gen;
        self.start_batch(cx, r, slot, gen);
    }

    /// Works on the slot's batch: consumers process it; a mapping invokes its function, and
    /// retries a throttled invoke until the batch's visibility timeout would run out (LSQS-07).
    pub(super) fn start_batch(&mut self, cx: &mut FlowCtx, r: u16, slot: u16, gen: u32) {
        let now = cx.now();
        let reader = &self.readers[usize::from(r)];
        let s = &reader.slots[usize::from(slot)];
        if s.gen != gen || s.state != SlotState::Working {
            return;
        }
        let (node, fifo, visible_until, throttles) =
            (reader.node, reader.fifo, s.since + reader.visibility, s.throttles);
        let first_copy = s.batch.first().map_or(0, |m| m.message_id.0);
        // Per message, whether it fails: a scratch vector kept with the slot.
        let mut failed = std::mem::take(&mut self.readers[usize::from(r)].slots[usize::from(slot)].failed);
        failed.clear();
        let reader = &self.readers[usize::from(r)];
        let batch = &reader.slots[usize::from(slot)].batch;
        let took = match &reader.kind {
            ReaderKind::Fleet(f) => {
                let mut took = SimDuration::ZERO;
                for _ in batch {
                    took = took + f.processing.sample(&mut cx.rng);
                    failed.push(cx.rng.chance(f.failure_rate));
                }
                took
            }
            ReaderKind::Lambda(m) => {
                let report = m.report_batch_item_failures;
                let Some(f) = self.functions[usize::from(node)].as_mut() else { return };
                // Which messages are poison to this function (a message's, not a copy's, trait).
                failed.extend(batch.iter().map(|msg| {
                    let root = self.copies.get(&msg.message_id.0).map_or(msg.message_id.0, |c| c.root);
                    f.is_poison(root ^ u64::from(node))
                }));
                match f.try_start(now, &mut self.account, &mut cx.rng) {
                    Err(t) => {
                        self.counters[usize::from(node)].throttled += 1;
                        let reserved = f.settings().reserved_concurrency.is_some();
                        cx.emit(FlowEvent {
                            parent: 0,
                            at: now,
                            reason: Reason::Throttled,
                            node,
                            copy: first_copy,
                            note: t.reason(reserved),
                        });
                        // Backing off 1 s, 2 s, 4 s … while the messages stay in flight.
                        let wait = SimDuration::from_secs(1 << throttles.min(6));
                        let s = &mut self.readers[usize::from(r)].slots[usize::from(slot)];
                        s.failed = failed;
                        s.throttles += 1;
                        s.gen += 1;
                        if now + wait < visible_until {
                            cx.schedule_in(wait, Work::StartBatch { reader: r, slot, gen: s.gen });
                        } else {
                            // The visibility timeout runs out first: the messages come back
                            // by themselves and their next receive counts (LSQS-07).
                            s.batch.clear();
                            s.state = SlotState::Polling;
                            cx.schedule_in(SimDuration::ZERO, Work::Poll { reader: r, slot, gen: s.gen });
                        }
                        return;
                    }
                    Ok(inv) => {
                        let first_poison = failed.iter().position(|&p| p);
                        let end = f.run(inv, first_poison.is_some(), &mut cx.rng);
                        match (end, first_poison) {
                            (RunEnd::Ok(_), _) => failed.iter_mut().for_each(|x| *x = false),
                            // Only poison messages failed: with ReportBatchItemFailures the
                            // function names them; on FIFO, everything from the first one on.
                            (RunEnd::Error(_), Some(first)) if report => {
                                for (i, x) in failed.iter_mut().enumerate() {
                                    *x = *x || (fifo && i >= first);
                                }
                            }
                            _ => failed.iter_mut().for_each(|x| *x = true),
                        }
                        end.took()
                    }
                }
            }
        };
        let s = &mut self.readers[usize::from(r)].slots[usize::from(slot)];
        s.failed = failed;
        cx.schedule_in(took, Work::BatchDone { reader: r, slot, gen });
    }

    pub(super) fn batch_done(&mut self, cx: &mut FlowCtx, r: u16, slot: u16, gen: u32) {
        let now = cx.now();
        let (node, queue, queue_node, is_lambda, report) = {
            let reader = &self.readers[usize::from(r)];
            let report = matches!(&reader.kind, ReaderKind::Lambda(m) if m.report_batch_item_failures);
            (reader.node, reader.queue, reader.queue_node, matches!(reader.kind, ReaderKind::Lambda(_)), report)
        };
        let s = &mut self.readers[usize::from(r)].slots[usize::from(slot)];
        if s.gen != gen || s.state != SlotState::Working {
            return;
        }
        // Taken out while the copies move on, then given back empty (no allocation per batch).
        let mut batch = std::mem::take(&mut s.batch);
        let mut failed = std::mem::take(&mut s.failed);
        s.state = SlotState::Polling;
        s.gen += 1;
        let next_gen = s.gen;
        if is_lambda {
            if let Some(f) = self.functions[usize::from(node)].as_mut() {
                f.finish(now, &mut self.account);
            }
        }
        let any_failed = failed.iter().any(|&f| f);
        if any_failed {
            self.counters[usize::from(node)].failed += 1;
            if is_lambda && !report {
                // A function error: Lambda cuts the mapping's concurrency (LSQS-06; by how
                // much AWS does not say: the model halves it, never below the start).
                let reader = &mut self.readers[usize::from(r)];
                reader.target = (reader.target / 2).max(SQS_START_BATCHES.min(reader.target));
            }
        }
        let mut deletes = 0u64;
        for (m, fail) in batch.iter().zip(failed.iter().copied().chain(std::iter::repeat(true))) {
            let copy = Some(m.message_id.0).filter(|c| self.copies.get(c).is_some());
            if fail {
                continue;
            }
            deletes += 1;
            let deleted = self.sqs.delete(now, queue, m.receipt_handle, &mut cx.rng);
            match (deleted, copy) {
                (Ok(true), Some(copy)) => {
                    self.check_group_order(r, m);
                    // Straight from the queue to what follows the reader (no stop in between).
                    self.pass_on(cx, node, copy);
                }
                (_, Some(copy)) => {
                    // Processed, but the message stays (a stale receipt handle, or a stored
                    // copy that survived the delete): it will be processed again.
                    self.counters[usize::from(node)].duplicates += 1;
                    let c = self.copies.get(&copy).copied();
                    if let Some(c) = c {
                        let dup = self.birth(Some(&c), c.born, Place::At(node));
                        Self::hop(
                            cx,
                            Reason::DuplicateDelivery,
                            node,
                            dup,
                            copy,
                            "processed, but still in the queue: it comes back",
                        );
                        self.pass_on(cx, node, dup);
                    }
                }
                _ => {}
            }
        }
        // DeleteMessageBatch: one request per 10.
        self.counters[usize::from(queue_node)].billed += deletes.div_ceil(10);
        batch.clear();
        failed.clear();
        let s = &mut self.readers[usize::from(r)].slots[usize::from(slot)];
        if s.batch.is_empty() {
            s.batch = batch;
            s.failed = failed;
        }
        self.queue_events(cx);
        self.poll(cx, r, slot, next_gen);
    }

    /// A FIFO queue's reader processes each group in order: a message processed after a
    /// later one of its group is counted (the model's own check of LSQS-10; it stays 0).
    fn check_group_order(&mut self, r: u16, m: &Received) {
        let reader = &mut self.readers[usize::from(r)];
        if !reader.fifo {
            return;
        }
        let (Some(group), Some(seq)) = (m.group.clone(), m.sequence_number) else { return };
        let last = reader.last_in_group.entry(group).or_insert(0);
        if seq < *last {
            self.counters[usize::from(reader.node)].out_of_order += 1;
        }
        *last = (*last).max(seq);
    }

    /// Once a second: a mapping with messages waiting and every batch slot busy adds 5 (300 a
    /// minute, LSQS-03) up to its ceiling; one with nothing to do goes back to 5.
    pub(super) fn scale_reader(&mut self, cx: &mut FlowCtx, r: u16) {
        let reader = &self.readers[usize::from(r)];
        let ReaderKind::Lambda(m) = &reader.kind else { return };
        let ceiling = m.ceiling();
        let backlog = self.sqs.get(reader.queue).has_receivable();
        let all_busy = reader.slots.iter().take(reader.target as usize).all(|s| s.state == SlotState::Working);
        let idle = reader.slots.iter().all(|s| s.state != SlotState::Working);
        let target = if backlog && all_busy {
            (reader.target + SQS_SCALE_PER_MIN / 60).min(ceiling)
        } else if idle && !backlog {
            SQS_START_BATCHES.min(ceiling)
        } else {
            reader.target
        };
        self.readers[usize::from(r)].target = target;
        self.grow_slots(cx, r, target as usize);
    }
}
