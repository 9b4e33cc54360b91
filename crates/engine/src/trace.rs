//! The trace: every notable thing a simulation did, each with a reason code, plus a stable hash
//! of the whole run.
//!
//! Memory stays bounded: the hash and count cover every event ever emitted, but only a window of
//! the most recent events is kept for the event log and the inspector.

use std::collections::{BTreeMap, VecDeque};

use crate::time::SimTime;

/// How many recent events a trace keeps by default.
pub const DEFAULT_RECENT: usize = 512;

/// Why something happened: the shared vocabulary of reason codes shown in event logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// A job or message arrived from its workload.
    Arrived,
    /// A worker started processing.
    Started,
    /// Processing finished successfully.
    Completed,
    /// Refused because a bounded buffer was full.
    RejectedFull,
    /// A message was sent (or a request was made).
    Sent,
    /// A FIFO send was accepted but not enqueued: same deduplication id within 5 minutes.
    Deduplicated,
    /// A delayed message became visible.
    DelayEnded,
    /// A consumer received a message.
    Received,
    /// A receive returned no messages.
    EmptyReceive,
    /// A consumer finished processing a message.
    Processed,
    /// Processing failed; the message was not deleted.
    ProcessingFailed,
    /// The consumer crashed after processing, before deleting.
    ConsumerCrashed,
    /// A message was deleted.
    Deleted,
    /// A visibility timeout ended before the message was deleted: it is visible again.
    VisibilityExpired,
    /// A receive would have exceeded maxReceiveCount: the message moved to the dead-letter queue.
    MovedToDlq,
    /// A message outlived the retention period and was dropped.
    RetentionExpired,
    /// A message already processed was processed again.
    DuplicateDelivery,
    /// A delete missed a stored copy; the message will come back (at-least-once).
    CopySurvivedDelete,
    /// A delete used an outdated receipt handle and did not delete.
    StaleReceipt,
    /// A request was refused for exceeding a rate limit.
    Throttled,
    /// A message was published to a topic.
    Published,
    /// A subscription's filter policy stopped its copy of a message.
    FilteredOut,
    /// A copy was delivered to its endpoint.
    Delivered,
    /// A delivery failed with a server-side error; it is retried by the delivery policy.
    DeliveryFailed,
    /// A delivery failed with a client-side error; it is not retried.
    DeliveryRejected,
    /// A delivery ran out of retries or was rejected, and there is no dead-letter queue: gone.
    MessageLost,
    /// A message reached its queue after a later message of the same group.
    OutOfOrder,
    /// A producer gave up on a record after its last attempt.
    GaveUp,
    /// A resharding completed: shards were split, merged or rescaled (or a scheduled one was refused).
    Resharded,
    /// A usage-plan quota refused a request (429 Limit Exceeded).
    QuotaExceeded,
    /// A request without a valid API key was refused (403).
    Forbidden,
    /// A request waited longer than the integration timeout (504).
    TimedOut,
    /// A resharding call was accepted: the stream is UPDATING until it completes.
    ReshardStarted,
    /// A consumer's heartbeat extended a message's visibility (ChangeMessageVisibility).
    VisibilityExtended,
    /// SQS refused a visibility extension (past the 12-hour limit, or a stale receipt).
    ExtendRefused,
    /// An autoscaler started a consumer instance (it polls after the scale-out delay).
    ScaledOut,
    /// An autoscaler stopped a consumer instance (the backlog fell below its target).
    ScaledIn,
}

impl Reason {
    /// The code as shown to people: `VISIBILITY_EXPIRED`, `THROTTLED`, …
    pub fn code(self) -> &'static str {
        match self {
            Reason::Arrived => "ARRIVED",
            Reason::Started => "STARTED",
            Reason::Completed => "COMPLETED",
            Reason::RejectedFull => "REJECTED_FULL",
            Reason::Sent => "SENT",
            Reason::Deduplicated => "DEDUPLICATED",
            Reason::DelayEnded => "DELAY_ENDED",
            Reason::Received => "RECEIVED",
            Reason::EmptyReceive => "EMPTY_RECEIVE",
            Reason::Processed => "PROCESSED",
            Reason::ProcessingFailed => "PROCESSING_FAILED",
            Reason::ConsumerCrashed => "CONSUMER_CRASHED",
            Reason::Deleted => "DELETED",
            Reason::VisibilityExpired => "VISIBILITY_EXPIRED",
            Reason::MovedToDlq => "MOVED_TO_DLQ",
            Reason::RetentionExpired => "RETENTION_EXPIRED",
            Reason::DuplicateDelivery => "DUPLICATE_DELIVERY",
            Reason::CopySurvivedDelete => "COPY_SURVIVED_DELETE",
            Reason::StaleReceipt => "STALE_RECEIPT_HANDLE",
            Reason::Throttled => "THROTTLED",
            Reason::Published => "PUBLISHED",
            Reason::FilteredOut => "FILTERED_OUT",
            Reason::Delivered => "DELIVERED",
            Reason::DeliveryFailed => "DELIVERY_FAILED",
            Reason::DeliveryRejected => "DELIVERY_REJECTED",
            Reason::MessageLost => "MESSAGE_LOST",
            Reason::OutOfOrder => "OUT_OF_ORDER",
            Reason::GaveUp => "GAVE_UP",
            Reason::Resharded => "RESHARDED",
            Reason::QuotaExceeded => "QUOTA_EXCEEDED",
            Reason::Forbidden => "FORBIDDEN",
            Reason::TimedOut => "TIMED_OUT",
            Reason::ReshardStarted => "RESHARD_STARTED",
            Reason::VisibilityExtended => "VISIBILITY_EXTENDED",
            Reason::ExtendRefused => "EXTEND_REFUSED",
            Reason::ScaledOut => "SCALED_OUT",
            Reason::ScaledIn => "SCALED_IN",
        }
    }

    /// The kind of marker this reason puts on a run's timeline, if it is one of the moments a
    /// reader looks for (a dead-letter move, a throttle, a loss …); everyday reasons have none.
    pub fn marker(self) -> Option<Marker> {
        Some(match self {
            Reason::MovedToDlq => Marker::DeadLetter,
            Reason::Throttled | Reason::QuotaExceeded | Reason::RejectedFull => Marker::Throttle,
            Reason::MessageLost | Reason::GaveUp | Reason::RetentionExpired | Reason::DeliveryRejected => Marker::Loss,
            Reason::DeliveryFailed
            | Reason::ProcessingFailed
            | Reason::ConsumerCrashed
            | Reason::TimedOut
            | Reason::Forbidden
            | Reason::ExtendRefused => Marker::Failure,
            Reason::DuplicateDelivery | Reason::VisibilityExpired | Reason::OutOfOrder | Reason::CopySurvivedDelete => {
                Marker::Redelivery
            }
            Reason::Resharded | Reason::ReshardStarted | Reason::ScaledOut | Reason::ScaledIn => Marker::Change,
            _ => return None,
        })
    }

    /// A stable number for hashing: never reorder, only append.
    pub fn stable_id(self) -> u32 {
        match self {
            Reason::Arrived => 1,
            Reason::Started => 2,
            Reason::Completed => 3,
            Reason::RejectedFull => 4,
            Reason::Sent => 5,
            Reason::Deduplicated => 6,
            Reason::DelayEnded => 7,
            Reason::Received => 8,
            Reason::EmptyReceive => 9,
            Reason::Processed => 10,
            Reason::ProcessingFailed => 11,
            Reason::ConsumerCrashed => 12,
            Reason::Deleted => 13,
            Reason::VisibilityExpired => 14,
            Reason::MovedToDlq => 15,
            Reason::RetentionExpired => 16,
            Reason::DuplicateDelivery => 17,
            Reason::CopySurvivedDelete => 18,
            Reason::StaleReceipt => 19,
            Reason::Throttled => 20,
            Reason::Published => 21,
            Reason::FilteredOut => 22,
            Reason::Delivered => 23,
            Reason::DeliveryFailed => 24,
            Reason::DeliveryRejected => 25,
            Reason::MessageLost => 26,
            Reason::OutOfOrder => 27,
            Reason::GaveUp => 28,
            Reason::Resharded => 29,
            Reason::QuotaExceeded => 30,
            Reason::Forbidden => 31,
            Reason::TimedOut => 32,
            Reason::ReshardStarted => 33,
            // 41+: room for other reasons added in parallel branches.
            Reason::VisibilityExtended => 41,
            Reason::ExtendRefused => 42,
            Reason::ScaledOut => 43,
            Reason::ScaledIn => 44,
        }
    }
}

/// An event a simulation can put in its trace.
pub trait TraceRecord {
    /// When it happened.
    fn at(&self) -> SimTime;
    /// Why it happened.
    fn reason(&self) -> Reason;
    /// Feeds every field that matters into `h`, in a fixed order and fixed-width encoding.
    fn hash_into(&self, h: &mut StableHasher);
    /// One line for people: "job 12 waited 0.4 s, then worker 2 took it".
    fn describe(&self) -> String;
    /// What the event happened to — a message, a copy of one, a call — as a number unique in
    /// the run, if it is about one. Its cause is the previous event of the same subject (see
    /// [`Trace::cause`]).
    fn subject(&self) -> Option<u64> {
        None
    }
    /// For the first event of a copy (an SNS delivery, a flow's fan-out copy): the subject it is
    /// a copy of, whose latest event caused it.
    fn parent(&self) -> Option<u64> {
        None
    }
}

/// A word-at-a-time multiplicative hash (the FxHash step) over explicit little-endian
/// encodings: identical on every target and every Rust version, unlike `std::hash` (which
/// hashes `usize` at the platform's width and makes no stability promise). It only needs to
/// tell runs apart, not resist an adversary, and it runs once per trace event, so it is cheap.
#[derive(Clone, Debug)]
pub struct StableHasher(u64);

impl StableHasher {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    const K: u64 = 0x517c_c1b7_2722_0a95;

    /// A hasher in its initial state.
    pub fn new() -> StableHasher {
        StableHasher(Self::SEED)
    }
    /// Feeds raw bytes, eight at a time.
    pub fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    /// Feeds a `u64`.
    pub fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(Self::K);
    }
    /// Feeds four words at the cost of one step of the chain: each is multiplied by its own
    /// odd constant (independent multiplies run in parallel) and rotated apart before they are
    /// combined. For the hot path of events that are a few integers.
    pub fn write_u64x4(&mut self, w: [u64; 4]) {
        const M: [u64; 4] =
            [0x9e37_79b9_7f4a_7c15, 0xc2b2_ae3d_27d4_eb4f, 0x1656_67b1_9e37_79f9, 0x27d4_eb2f_1656_67c5];
        let mixed = w[0].wrapping_mul(M[0])
            ^ w[1].wrapping_mul(M[1]).rotate_left(16)
            ^ w[2].wrapping_mul(M[2]).rotate_left(32)
            ^ w[3].wrapping_mul(M[3]).rotate_left(48);
        self.write_u64(mixed);
    }
    /// Feeds a `u32`.
    pub fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    /// Feeds a string, length-prefixed so "ab"+"c" differs from "a"+"bc".
    pub fn write_str(&mut self, s: &str) {
        self.write_u64(s.len() as u64);
        self.write(s.as_bytes());
    }
    /// Feeds a time.
    pub fn write_time(&mut self, t: SimTime) {
        self.write_u64(t.as_micros());
    }
    /// Feeds a reason code.
    pub fn write_reason(&mut self, r: Reason) {
        self.write_u32(r.stable_id());
    }
    /// The hash so far, with a final avalanche so nearby states give distant values.
    pub fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
}

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher::new()
    }
}

/// The kinds of moments a run's timeline marks, in the order a legend lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Marker {
    /// A message moved to a dead-letter queue.
    DeadLetter,
    /// A request or invoke was throttled (429s, Lambda throttles, a full buffer).
    Throttle,
    /// A message was lost or expired (given up, 4xx, retention).
    Loss,
    /// Something failed and will be retried (a delivery, processing, a timeout).
    Failure,
    /// A message came back or out of order (visibility timeout, duplicates).
    Redelivery,
    /// The system changed shape (resharding, scaling).
    Change,
}

impl Marker {
    /// Every kind, in legend order.
    pub const ALL: [Marker; 6] =
        [Marker::DeadLetter, Marker::Throttle, Marker::Loss, Marker::Failure, Marker::Redelivery, Marker::Change];

    /// The legend's words.
    pub fn label(self) -> &'static str {
        match self {
            Marker::DeadLetter => "dead-letter moves",
            Marker::Throttle => "throttles",
            Marker::Loss => "losses and expiries",
            Marker::Failure => "failures and timeouts",
            Marker::Redelivery => "redeliveries, out of order",
            Marker::Change => "resharding and scaling",
        }
    }
}

/// How many marked events of each kind happened when, in bounded memory: one entry per kind and
/// time bucket; when the entries outgrow [`MAX_MARKS`], neighbouring buckets merge and the
/// bucket width doubles (a simulated day costs what an hour does, only coarser).
#[derive(Clone, Debug)]
pub struct Marks {
    /// Bucket width in microseconds.
    width_us: u64,
    /// `(bucket, kind, count, first event's time in µs)` in bucket order.
    entries: Vec<(u64, Marker, u32, u64)>,
    /// Marked events so far: changes whenever a mark is added.
    total: u64,
}

/// The most entries [`Marks`] keeps before it coarsens.
pub const MAX_MARKS: usize = 2_048;

impl Default for Marks {
    fn default() -> Self {
        Marks { width_us: 1_000_000, entries: Vec::new(), total: 0 }
    }
}

/// One marker on a timeline: `count` events of `kind` from `from` to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// What happened.
    pub kind: Marker,
    /// When the first of them happened.
    pub first: SimTime,
    /// The first instant of its bucket.
    pub from: SimTime,
    /// The end of its bucket.
    pub to: SimTime,
    /// How many events.
    pub count: u32,
}

impl Marks {
    fn add(&mut self, at: SimTime, kind: Marker) {
        self.total += 1;
        let bucket = at.as_micros() / self.width_us;
        // The entry of this bucket and kind, if the bucket is the latest (events come in time order).
        let latest = self.entries.iter_mut().rev().take_while(|e| e.0 == bucket).find(|e| e.1 == kind);
        match latest {
            Some(e) => e.2 = e.2.saturating_add(1),
            None => {
                self.entries.push((bucket, kind, 1, at.as_micros()));
                if self.entries.len() > MAX_MARKS {
                    self.coarsen();
                }
            }
        }
    }

    fn coarsen(&mut self) {
        self.width_us = self.width_us.saturating_mul(2);
        let mut merged: Vec<(u64, Marker, u32, u64)> = Vec::with_capacity(self.entries.len());
        for &(bucket, kind, count, first) in &self.entries {
            let b = bucket / 2;
            match merged.iter_mut().rev().take_while(|e| e.0 == b).find(|e| e.1 == kind) {
                Some(e) => e.2 = e.2.saturating_add(count),
                None => merged.push((b, kind, count, first)),
            }
        }
        self.entries = merged;
    }

    /// Every marker, in time order.
    pub fn iter(&self) -> impl Iterator<Item = Mark> + '_ {
        let w = self.width_us;
        self.entries.iter().map(move |&(b, kind, count, first)| Mark {
            kind,
            first: SimTime::from_micros(first),
            from: SimTime::from_micros(b * w),
            to: SimTime::from_micros((b + 1) * w),
            count,
        })
    }

    /// How many marked events so far (a cheap way to tell that the marks changed).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// About how many bytes they hold.
    pub fn bytes(&self) -> u64 {
        (self.entries.capacity() * std::mem::size_of::<(u64, Marker, u32, u64)>()) as u64
    }
}

type IdMap = BTreeMap<u64, u64>;

/// Subjects remembered per generation of the lineage.
const LINEAGE_GENERATION: usize = 1 << 16;

/// The latest event of each recent subject, so a new event of a subject knows its cause. Two
/// generations keep memory bounded whatever the run's length: when the newer one is full the
/// older is dropped, so a subject idle for more than 65,536 others loses its link to the past
/// (its next event starts a new chain) — an hour-long backlog does not cost an hour of memory.
#[derive(Clone, Debug, Default)]
struct Lineage {
    new: IdMap,
    old: IdMap,
}

impl Lineage {
    fn last(&self, subject: u64) -> Option<u64> {
        self.new.get(&subject).or_else(|| self.old.get(&subject)).copied()
    }

    fn set(&mut self, subject: u64, index: u64) {
        if self.new.len() >= LINEAGE_GENERATION {
            self.old = std::mem::take(&mut self.new);
        }
        self.new.insert(subject, index);
    }

    fn bytes(&self) -> u64 {
        ((self.new.len() + self.old.len()) as u64) * (16 + crate::sim::BTREE_ENTRY_BYTES)
    }
}

/// No cause (stored in a `u64` to keep the window of causes small).
const NO_CAUSE: u64 = u64::MAX;

/// The trace of one run: a running hash over all events, a window of the recent ones with their
/// causes, and the timeline's markers.
#[derive(Clone, Debug)]
pub struct Trace<E> {
    hasher: StableHasher,
    count: u64,
    recent: VecDeque<E>,
    /// The cause of each kept event (its index in the run, or [`NO_CAUSE`]).
    causes: VecDeque<u64>,
    keep: usize,
    marks: Marks,
    /// Only kept while recent events are (a headless run reads totals, never causes).
    lineage: Lineage,
}

impl<E: TraceRecord> Trace<E> {
    /// An empty trace keeping the `keep` most recent events.
    pub fn new(keep: usize) -> Trace<E> {
        Trace {
            hasher: StableHasher::new(),
            count: 0,
            recent: VecDeque::with_capacity(keep.min(4096)),
            causes: VecDeque::with_capacity(keep.min(4096)),
            keep,
            marks: Marks::default(),
            lineage: Lineage::default(),
        }
    }

    /// Keeps at most `keep` recent events from now on (0: none, and no causes either).
    pub fn keep_recent(&mut self, keep: usize) {
        self.keep = keep;
        while self.recent.len() > keep {
            self.recent.pop_front();
            self.causes.pop_front();
        }
        if keep == 0 {
            self.lineage = Lineage::default();
        }
    }

    /// Records an event.
    pub fn push(&mut self, event: E) {
        event.hash_into(&mut self.hasher);
        let index = self.count;
        self.count += 1;
        if let Some(kind) = event.reason().marker() {
            self.marks.add(event.at(), kind);
        }
        if self.keep == 0 {
            return;
        }
        let cause = match event.subject() {
            Some(subject) => {
                let cause = self.lineage.last(subject).or_else(|| event.parent().and_then(|p| self.lineage.last(p)));
                self.lineage.set(subject, index);
                cause
            }
            None => None,
        };
        if self.recent.len() == self.keep {
            self.recent.pop_front();
            self.causes.pop_front();
        }
        self.recent.push_back(event);
        self.causes.push_back(cause.unwrap_or(NO_CAUSE));
    }

    /// The kept event at `index` (its position in the whole run, from 0) and its cause: the
    /// previous event of its subject (or, for a copy's first event, the latest of what it is a
    /// copy of). `None` when the event is not in the window (or not yet emitted).
    pub fn get(&self, index: u64) -> Option<(&E, Option<u64>)> {
        let first = self.count - self.recent.len() as u64;
        let at = usize::try_from(index.checked_sub(first)?).ok()?;
        let cause = *self.causes.get(at)?;
        Some((self.recent.get(at)?, (cause != NO_CAUSE).then_some(cause)))
    }

    /// The timeline's markers over the whole run.
    pub fn marks(&self) -> &Marks {
        &self.marks
    }

    /// About how many bytes the kept events and the markers hold.
    pub fn bytes(&self) -> u64 {
        (self.recent.capacity() * (std::mem::size_of::<E>() + 8)) as u64 + self.marks.bytes() + self.lineage.bytes()
    }

    /// The hash over every event so far: same scenario and seed ⇒ same hash, on every target.
    pub fn hash(&self) -> u64 {
        self.hasher.finish()
    }

    /// Number of events emitted so far (not only the ones kept).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The most recent events, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &E> + ExactSizeIterator {
        self.recent.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    fn at_ms(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    #[test]
    fn marks_count_each_kind_per_second_and_keep_the_first_time() {
        let mut marks = Marks::default();
        marks.add(at_ms(1_200), Marker::Throttle);
        marks.add(at_ms(1_300), Marker::DeadLetter);
        marks.add(at_ms(1_900), Marker::Throttle);
        marks.add(at_ms(2_100), Marker::Throttle);
        let all: Vec<Mark> = marks.iter().collect();
        assert_eq!(all.len(), 3);
        assert_eq!(
            (all[0].kind, all[0].count, all[0].first, all[0].from),
            (Marker::Throttle, 2, at_ms(1_200), at_ms(1_000))
        );
        assert_eq!((all[1].kind, all[1].count), (Marker::DeadLetter, 1));
        assert_eq!((all[2].count, all[2].from, all[2].to), (1, at_ms(2_000), at_ms(3_000)));
        assert_eq!(marks.total(), 4);
    }

    #[test]
    fn marks_stay_bounded_by_coarsening_and_lose_no_event() {
        let mut marks = Marks::default();
        // A day with a throttle and a loss every second.
        for s in 0..86_400u64 {
            marks.add(at_ms(s * 1_000 + 10), Marker::Throttle);
            marks.add(at_ms(s * 1_000 + 20), Marker::Loss);
        }
        assert!(marks.iter().count() <= MAX_MARKS);
        assert_eq!(marks.iter().map(|m| u64::from(m.count)).sum::<u64>(), 2 * 86_400);
        let first = marks.iter().next().expect("marks");
        assert_eq!(first.first, at_ms(10), "the first event's time survives coarsening");
        assert!(marks.iter().zip(marks.iter().skip(1)).all(|(a, b)| a.from <= b.from), "in time order");
    }
}
