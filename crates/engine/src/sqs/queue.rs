//! One SQS queue, standard or FIFO, as a state machine driven by API calls at simulated times.
//!
//! Every call takes `now`; the queue first applies what time did since the last call (delays
//! ending, visibility timeouts expiring, retention), then the call. Everything that happens
//! besides the call's own result is recorded as a [`QueueEvent`]; drain them with
//! [`Queue::drain_events`] after each call.
//!
//! Storage: messages live in a slab (a slot per live message, reused after it leaves); the
//! orders the queue needs — visible messages in the order their servers recorded them (a
//! standard queue's best-effort order, [`REORDER_WINDOW`]), timers, retention, FIFO groups —
//! are indexes into it that tolerate stale entries ([`Index`]). Each state change gives the
//! message a new stamp, which invalidates the entries of its previous state in O(1).

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use sha2::{Digest, Sha256};

use super::action::Action;
use super::attributes::QueueAttributes;
use super::error::SqsError;
use super::index::{Entry, Index};
use super::limits::*;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// A message's identity, unique within one [`super::Sqs`] service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub u64);

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "msg-{}", self.0)
    }
}

/// Where a live message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageState {
    /// Sent, waiting for its delay to end.
    Delayed {
        /// When it becomes visible.
        until: SimTime,
    },
    /// Can be received.
    Visible,
    /// Received and not deleted; hidden until its visibility timeout ends.
    InFlight {
        /// When it becomes visible again.
        until: SimTime,
        /// The receive this visibility window belongs to (the 12 h cap counts from it).
        received_at: SimTime,
    },
}

/// A message in a queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Its id.
    pub id: MessageId,
    /// The body (synthetic bodies of a given size are `None`).
    pub body: Option<String>,
    /// Body size in bytes (at most 1 MiB; a `u32` leaves room for `spread_us` without growing
    /// every message).
    pub size: u32,
    /// Standard queues: how long after its send the server holding it recorded it (see
    /// [`Fidelity::reorder_window`]); receives take visible messages in that order.
    spread_us: u32,
    /// `SentTimestamp`, the enqueue time: kept across a move to a standard dead-letter queue,
    /// reset by a move to a FIFO one (SQSDG "Setting-up dead-letter queue retention").
    pub sent_at: SimTime,
    /// `ApproximateReceiveCount` (it keeps counting in a dead-letter queue).
    pub receive_count: u32,
    /// `ApproximateFirstReceiveTimestamp`: milliseconds from `sent_at` to its first receive
    /// (`u32::MAX`: none yet; 49 days, beyond any retention). A `u32`, not an `Option<SimTime>`:
    /// a backlog of millions of messages pays for every byte of a message.
    first_received_ms: u32,
    /// Where it is.
    pub state: MessageState,
    /// What only some messages carry (a group, a deduplication id, a dead-letter move), boxed:
    /// a standard queue's messages carry none and stay small.
    extra: Option<Box<MessageExtra>>,
    /// Send order within this queue.
    seq: u64,
    /// Changes with every state change: index entries with an older stamp are stale.
    stamp: u64,
}

/// The rarer parts of a message, boxed so that a standard queue's messages stay small.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct MessageExtra {
    /// `MessageGroupId`.
    group: Option<String>,
    /// The first receive of a message whose `sent_at` a move to a FIFO dead-letter queue reset.
    first_received: Option<SimTime>,
    /// FIFO `MessageDeduplicationId`: as sent, or the body's SHA-256 (content-based).
    dedup_id: Option<String>,
    /// `DeadLetterQueueSourceArn` of a message moved to a dead-letter queue.
    dead_letter_source_arn: Option<String>,
    /// When it entered this queue by a dead-letter move, and its receive count then.
    moved: Option<(SimTime, u32)>,
}

impl Message {
    /// `MessageGroupId`: a FIFO message's group, or the group a standard (fair) queue's message
    /// was sent with (it orders nothing there).
    pub fn group(&self) -> Option<&str> {
        self.extra.as_ref()?.group.as_deref()
    }
    /// FIFO `SequenceNumber`: its place in the send order of its queue, from 1 (a dead-letter
    /// move enqueues it anew, so it gets the next one of the dead-letter queue).
    pub fn sequence_number(&self) -> u64 {
        self.seq + 1
    }
    /// FIFO `MessageDeduplicationId` (after a dead-letter move, the message id: SQS-36).
    pub fn deduplication_id(&self) -> Option<&str> {
        self.extra.as_ref()?.dedup_id.as_deref()
    }
    /// `DeadLetterQueueSourceArn`: the queue it was moved from, for a message in a dead-letter queue.
    pub fn dead_letter_source_arn(&self) -> Option<&str> {
        self.extra.as_ref()?.dead_letter_source_arn.as_deref()
    }
    /// When it entered this queue: its send, or its dead-letter move.
    pub fn entered_at(&self) -> SimTime {
        self.extra.as_ref().and_then(|x| x.moved).map_or(self.sent_at, |(at, _)| at)
    }
    /// Receives since it entered this queue.
    fn receives_here(&self) -> u32 {
        self.receive_count - self.extra.as_ref().and_then(|x| x.moved).map_or(0, |(_, count)| count)
    }
    /// `ApproximateFirstReceiveTimestamp`: its first receive (in any queue), if any.
    pub fn first_received_at(&self) -> Option<SimTime> {
        if let Some(at) = self.extra.as_ref().and_then(|x| x.first_received) {
            return Some(at);
        }
        (self.first_received_ms != u32::MAX)
            .then(|| self.sent_at + SimDuration::from_millis(u64::from(self.first_received_ms)))
    }
    /// Whether a standard queue keeps it aside of its age order (SQS-42): moved into this
    /// dead-letter queue (its age counts from the move, its retention from the send), or received
    /// three times without being deleted.
    fn aside(&self) -> bool {
        self.receive_count >= OLDEST_AGE_RECEIVES || self.extra.as_ref().is_some_and(|x| x.moved.is_some())
    }
}

/// A receipt handle: which receive of which message it came from. A new one per receive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReceiptHandle {
    slot: u32,
    seq: u64,
    generation: u32,
}

impl fmt::Display for ReceiptHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rh-{}.{}.{}", self.seq, self.generation, self.slot)
    }
}

impl std::str::FromStr for ReceiptHandle {
    type Err = SqsError;

    /// Parses the text form; anything else is `ReceiptHandleIsInvalid`, as AWS answers.
    fn from_str(text: &str) -> Result<ReceiptHandle, SqsError> {
        let parse = || {
            let mut parts = text.strip_prefix("rh-")?.split('.');
            let seq = parts.next()?.parse().ok()?;
            let generation = parts.next()?.parse().ok()?;
            let slot = parts.next()?.parse().ok()?;
            parts.next().is_none().then_some(ReceiptHandle { slot, seq, generation })
        };
        parse().ok_or_else(|| SqsError::receipt_handle_invalid(text))
    }
}

/// What a send asks for.
#[derive(Clone, Debug, Default)]
pub struct SendRequest {
    /// The body; `None` with `size` set sends a synthetic body of that many bytes.
    pub body: Option<String>,
    /// Size in bytes when `body` is `None`.
    pub size: u64,
    /// `MessageGroupId`.
    pub group_id: Option<String>,
    /// `MessageDeduplicationId`.
    pub dedup_id: Option<String>,
    /// Per-message `DelaySeconds`.
    pub delay_s: Option<u64>,
}

/// What a send returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendResult {
    /// The message id (for a deduplicated send, the id of the original).
    pub message_id: MessageId,
    /// FIFO `SequenceNumber` (for a deduplicated send, the original's); `None` for standard queues.
    pub sequence_number: Option<u64>,
    /// `true` when FIFO deduplication accepted the send without enqueuing it.
    pub deduplicated: bool,
}

/// What a receive asks for.
#[derive(Clone, Copy, Debug)]
pub struct ReceiveRequest {
    /// `MaxNumberOfMessages`, 1–10.
    pub max_messages: u32,
    /// Per-call `VisibilityTimeout` override, seconds.
    pub visibility_timeout_s: Option<u64>,
    /// `true` for a long poll (which sees every server); the waiting itself is the caller's.
    pub long_poll: bool,
}

/// One received message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// Its id.
    pub message_id: MessageId,
    /// The receipt handle for delete / change visibility (new on every receive).
    pub receipt_handle: ReceiptHandle,
    /// The body, if not synthetic.
    pub body: Option<String>,
    /// Body size in bytes.
    pub size: u64,
    /// `MessageGroupId` (FIFO, or a standard queue's message sent with one).
    pub group: Option<String>,
    /// `ApproximateReceiveCount` after this receive.
    pub receive_count: u32,
    /// `SentTimestamp`.
    pub sent_at: SimTime,
    /// `ApproximateFirstReceiveTimestamp`.
    pub first_received_at: SimTime,
    /// FIFO `SequenceNumber`.
    pub sequence_number: Option<u64>,
    /// FIFO `MessageDeduplicationId`.
    pub dedup_id: Option<String>,
    /// `DeadLetterQueueSourceArn` (a message in a dead-letter queue).
    pub dead_letter_source_arn: Option<String>,
    /// A first receive that came after the first receive of a message sent later (of the same
    /// message group, in a FIFO queue): an order inversion.
    pub out_of_order: bool,
}

impl Received {
    /// The message system attributes `ReceiveMessage` returns when asked for `names`
    /// (`MessageSystemAttributeNames` or the older `AttributeNames`; `All` asks for every one),
    /// as AWS was recorded returning them (LS test_sqs.py snapshots): the four of every message,
    /// `MessageGroupId` when it has one (FIFO, or a standard queue's message sent with one), the
    /// FIFO `MessageDeduplicationId` and `SequenceNumber`, and `DeadLetterQueueSourceArn` in a
    /// dead-letter queue. A name that does not apply (`SequenceNumber` on a standard queue) is
    /// left out. Timestamps are milliseconds since the start of the run (AWS: since the Unix
    /// epoch), decimal strings like every value. `SenderId` is the simulated account.
    pub fn system_attributes(&self, names: &[&str]) -> Vec<(&'static str, String)> {
        SystemAttributes {
            first_received_at: Some(self.first_received_at),
            receive_count: self.receive_count,
            sent_at: self.sent_at,
            group: self.group.as_deref(),
            dedup_id: self.dedup_id.as_deref(),
            sequence_number: self.sequence_number,
            dead_letter_source_arn: self.dead_letter_source_arn.as_deref(),
        }
        .named(names)
    }
}

impl Message {
    /// Its system attributes as they stand now (see [`Received::system_attributes`]): what its
    /// latest receive returned, or for a message never received what a receive would return
    /// besides the count and first-receive time it would set.
    pub fn system_attributes(&self, fifo: bool) -> Vec<(&'static str, String)> {
        SystemAttributes {
            first_received_at: self.first_received_at(),
            receive_count: self.receive_count,
            sent_at: self.sent_at,
            group: self.group(),
            dedup_id: self.deduplication_id(),
            sequence_number: fifo.then(|| self.sequence_number()),
            dead_letter_source_arn: self.dead_letter_source_arn(),
        }
        .named(&["All"])
    }
}

/// The values behind a message's system attributes.
struct SystemAttributes<'a> {
    first_received_at: Option<SimTime>,
    receive_count: u32,
    sent_at: SimTime,
    group: Option<&'a str>,
    dedup_id: Option<&'a str>,
    sequence_number: Option<u64>,
    dead_letter_source_arn: Option<&'a str>,
}

impl SystemAttributes<'_> {
    /// AWS's name → value strings of those of `names` that apply, in AWS's order.
    fn named(&self, names: &[&str]) -> Vec<(&'static str, String)> {
        let all: [(&'static str, Option<String>); 8] = [
            ("ApproximateFirstReceiveTimestamp", self.first_received_at.map(|t| t.as_millis().to_string())),
            ("ApproximateReceiveCount", Some(self.receive_count.to_string())),
            ("SenderId", Some(ACCOUNT_ID.to_owned())),
            ("SentTimestamp", Some(self.sent_at.as_millis().to_string())),
            ("MessageGroupId", self.group.map(str::to_owned)),
            ("MessageDeduplicationId", self.dedup_id.map(str::to_owned)),
            ("SequenceNumber", self.sequence_number.map(|n| n.to_string())),
            ("DeadLetterQueueSourceArn", self.dead_letter_source_arn.map(str::to_owned)),
        ];
        let wanted = |name: &str| names.iter().any(|n| *n == "All" || *n == name);
        all.into_iter().filter(|(name, _)| wanted(name)).filter_map(|(name, v)| Some((name, v?))).collect()
    }
}

/// Things that happen in a queue besides a call's direct result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueEvent {
    /// A delayed message became visible.
    DelayEnded { at: SimTime, id: MessageId },
    /// An in-flight message's visibility timeout ended: it is visible again.
    VisibilityExpired { at: SimTime, id: MessageId, receive_count: u32 },
    /// A message outlived the retention period and was dropped.
    RetentionExpired { at: SimTime, id: MessageId },
    /// A receive would have exceeded `maxReceiveCount`: the message left for the dead-letter queue.
    MovedToDeadLetterQueue { at: SimTime, message: Box<Message>, dead_letter_queue: String, max_receive_count: u32 },
    /// A delete "succeeded" but a stored copy survived (standard queues are at-least-once).
    CopySurvivedDelete { at: SimTime, id: MessageId },
    /// A delete used an outdated receipt handle: it succeeded without deleting.
    StaleReceiptHandle { at: SimTime, id: MessageId },
}

/// Simulation knobs that are not queue attributes: how much of AWS's nondeterminism to show.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fidelity {
    /// Short polls sample a random subset of servers when the queue is small (SQS-24).
    pub short_poll_sampling: bool,
    /// Chance that a delete on a standard queue misses a stored copy (SQS-02).
    pub duplicate_probability: f64,
    /// Standard queues order on a best-effort basis (SQS-01): each message's server records it
    /// up to this long after its send, and receives, long polls included, take visible messages
    /// in the order their servers recorded them. Messages sent closer together than this can
    /// come back in either order; messages sent further apart keep theirs. See
    /// [`REORDER_WINDOW`] for the value and why.
    pub reorder_window: SimDuration,
}

/// How much later than its send a standard queue's server may record a message, so how close
/// together two messages must be sent to come back swapped.
///
/// AWS publishes no rate or window. Standard queues "make a best-effort attempt to preserve the
/// order in which messages are sent" and messages "may occasionally arrive out of order",
/// because each is stored redundantly on several servers in more than one Availability Zone
/// before the send is acknowledged (SQS Developer Guide, "Amazon SQS standard queues"); the
/// guide's figure of one receive returns messages A, C, D, B from several servers ("Short and
/// long polling"). Users report swaps of messages sent tens of milliseconds apart (two events
/// ~33 ms apart received reversed: kibertoad/fauxqs#174) and order kept for messages seconds
/// apart. With 50 ms, spread evenly, the default scenario (5 messages a second to two
/// long-polling consumers, often a few behind) receives about 5 % of its messages out of order,
/// batches of ten at 20 a second about 15 %, and messages a second apart none.
///
/// The spread only orders what is visible: a message is receivable as soon as it is sent, and a
/// waiting consumer takes one whenever any is visible, so queueing (the Erlang C wait the
/// engine's tests check) is unchanged. The price: consumers that wait with nothing to choose
/// from receive messages in send order, where AWS may make a message receivable a little after
/// the next one (the reported swap may be such a case).
pub const REORDER_WINDOW: SimDuration = SimDuration::from_millis(50);

impl Fidelity {
    /// No sampling, no duplicates and send order: what the conformance cases assert.
    pub const EXACT: Fidelity =
        Fidelity { short_poll_sampling: false, duplicate_probability: 0.0, reorder_window: SimDuration::ZERO };
}

impl Default for Fidelity {
    fn default() -> Self {
        Fidelity { short_poll_sampling: true, duplicate_probability: 0.001, reorder_window: REORDER_WINDOW }
    }
}

/// Queue counters, as CloudWatch names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// `NumberOfMessagesSent` (deduplicated sends excluded).
    pub sent: u64,
    /// `NumberOfMessagesReceived`.
    pub received: u64,
    /// `NumberOfMessagesDeleted`.
    pub deleted: u64,
    /// `NumberOfEmptyReceives`.
    pub empty_receives: u64,
    /// First receives that came after the first receive of a message sent later (per message
    /// group in a FIFO queue, where it never happens). Not a CloudWatch metric: what a consumer
    /// numbering its messages would count.
    pub out_of_order: u64,
}

/// The simulated servers a standard queue spreads its messages over (short polls sample them).
const SERVERS: u64 = 5;

/// How many live messages are in each state (the CloudWatch gauges).
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    visible: usize,
    in_flight: usize,
    delayed: usize,
}

impl Counts {
    fn of(&mut self, state: MessageState) -> &mut usize {
        match state {
            MessageState::Visible => &mut self.visible,
            MessageState::InFlight { .. } => &mut self.in_flight,
            MessageState::Delayed { .. } => &mut self.delayed,
        }
    }
    fn live(&self) -> usize {
        self.visible + self.in_flight + self.delayed
    }
}

/// A FIFO message group: its messages' `(seq, slot)` in send order (entries of messages that
/// left may linger in the middle; the front is always live), and when it was last served.
#[derive(Clone, Debug, Default)]
struct Group {
    members: VecDeque<(u64, u32)>,
    live: usize,
    served: u64,
    /// One past the highest sequence of the group received for the first time.
    first_received_end: u64,
}

/// One queue.
#[derive(Clone, Debug)]
pub struct Queue {
    name: String,
    attrs: QueueAttributes,
    fidelity: Fidelity,
    /// Live messages; `None` slots are free and listed in `free`.
    slots: Vec<Option<Message>>,
    free: Vec<u32>,
    counts: Counts,
    /// Standard queues: visible messages by `(sent_at + spread_us, seq)`, when their servers
    /// recorded them: the order receives take them.
    visible: Index<(SimTime, u64)>,
    /// Standard queues: one past the highest sequence received for the first time.
    first_received_end: u64,
    /// Delay ends and visibility ends, by `(time, seq)`.
    timers: Index<(SimTime, u64)>,
    /// Live messages by `sent_at`, ties by the tag, their `seq`: the top is the oldest, the next
    /// to expire — except a standard queue's messages kept [`Message::aside`], which are in
    /// `aside`. The top here is what `ApproximateAgeOfOldestMessage` counts (SQS-42).
    retention: Index<SimTime>,
    /// Standard queues: the messages kept aside of the age order, by `sent_at` (for retention).
    aside: Index<SimTime>,
    /// Standard dead-letter queues: moved messages by when they arrived (tagged by `seq`), for
    /// the age of the oldest; entries of messages that left or were received three times since
    /// are stale.
    moved: VecDeque<Entry<SimTime>>,
    /// FIFO: message groups by id.
    groups: BTreeMap<String, Group>,
    serve_counter: u64,
    /// FIFO deduplication: key → (window end, original id, its sequence); and keys by window end.
    dedup: BTreeMap<String, (SimTime, MessageId, u64)>,
    dedup_expiry: VecDeque<(SimTime, String)>,
    /// FIFO throughput: (second, calls) per action.
    calls: [(u64, u32); Action::ALL.len()],
    next_seq: u64,
    next_stamp: u64,
    now: SimTime,
    /// Nothing is due at `now`: everything added since the last `advance` is due later (timers
    /// start after now, retention is at least 60 s), so advancing to `now` again is a no-op.
    /// Cleared when that does not hold: a moved message older than this queue's retention,
    /// changed attributes.
    settled: bool,
    events: Vec<QueueEvent>,
    stats: QueueStats,
    /// Bytes of the live messages' bodies (for [`Queue::held_bytes`]).
    body_bytes: usize,
}

/// Whether an index entry tagged with a stamp is current.
fn stamp_current<K>(slots: &[Option<Message>], e: &Entry<K>) -> bool {
    slots.get(e.slot as usize).and_then(Option::as_ref).is_some_and(|m| m.stamp == e.tag)
}

/// Whether a retention entry (tagged with a sequence number) names a live message in that
/// index: `aside` says which of a standard queue's two (FIFO queues keep none aside).
fn retention_current<K>(slots: &[Option<Message>], e: &Entry<K>, fifo: bool, aside: bool) -> bool {
    slots
        .get(e.slot as usize)
        .and_then(Option::as_ref)
        .is_some_and(|m| m.seq == e.tag && if fifo { !aside } else { m.aside() == aside })
}

/// Whether a moved-message entry names a live message received fewer than three times here.
fn moved_current<K>(slots: &[Option<Message>], e: &Entry<K>) -> bool {
    slots
        .get(e.slot as usize)
        .and_then(Option::as_ref)
        .is_some_and(|m| m.seq == e.tag && m.receives_here() < OLDEST_AGE_RECEIVES)
}

impl Queue {
    /// A new queue with validated attributes.
    pub fn new(name: &str, attrs: QueueAttributes, fidelity: Fidelity) -> Queue {
        Queue {
            name: name.to_owned(),
            attrs,
            fidelity,
            slots: Vec::new(),
            free: Vec::new(),
            counts: Counts::default(),
            visible: Index::new(),
            first_received_end: 0,
            timers: Index::new(),
            retention: Index::new(),
            aside: Index::new(),
            moved: VecDeque::new(),
            groups: BTreeMap::new(),
            serve_counter: 0,
            dedup: BTreeMap::new(),
            dedup_expiry: VecDeque::new(),
            calls: [(0, 0); Action::ALL.len()],
            next_seq: 0,
            next_stamp: 0,
            settled: false,
            now: SimTime::ZERO,
            events: Vec::new(),
            stats: QueueStats::default(),
            body_bytes: 0,
        }
    }

    /// The queue's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its attributes.
    pub fn attributes(&self) -> &QueueAttributes {
        &self.attrs
    }
    /// Replaces its attributes (already validated by `apply_set`).
    ///
    /// A FIFO queue's delay change is retroactive, a standard queue's is not (SQS-28: "For FIFO
    /// queues, the per-queue delay setting is retroactive—changing the setting affects the delay
    /// of messages already in the queue"): a FIFO message still in its delay now waits the new
    /// delay from its send (and is visible at once if that has passed). A FIFO message has no
    /// delay of its own (a per-message delay is refused), so its delay is always the queue's.
    /// Messages whose delay already ended stay visible: AWS does not say it hides them again.
    pub fn set_attributes(&mut self, now: SimTime, attrs: QueueAttributes) {
        self.advance(now);
        let old_delay = self.attrs.delay_s;
        self.attrs = attrs;
        self.settled = false;
        if !self.attrs.fifo || self.attrs.delay_s == old_delay {
            return;
        }
        let delay = SimDuration::from_secs(self.attrs.delay_s);
        let delayed: Vec<(u32, SimTime, MessageId)> = (self.slots.iter().enumerate())
            .filter_map(|(slot, m)| m.as_ref().map(|m| (slot as u32, m)))
            .filter(|(_, m)| matches!(m.state, MessageState::Delayed { .. }))
            .map(|(slot, m)| (slot, m.sent_at, m.id))
            .collect();
        for (slot, sent_at, id) in delayed {
            let until = sent_at + delay;
            if until <= now {
                self.events.push(QueueEvent::DelayEnded { at: now, id });
                self.set_state(slot, MessageState::Visible);
            } else {
                self.set_state(slot, MessageState::Delayed { until });
            }
        }
    }
    /// Its counters.
    pub fn stats(&self) -> QueueStats {
        self.stats
    }
    /// About how much memory the queue holds (its message slots, their bodies, the indexes over
    /// them and the FIFO deduplication window): what grows with a backlog.
    pub fn held_bytes(&self) -> u64 {
        // Capacities, not lengths: a vector holds up to twice what it has in use.
        let slots = self.slots.capacity() * std::mem::size_of::<Option<Message>>() + self.free.capacity() * 4;
        let indexes = self.visible.held_bytes()
            + self.timers.held_bytes()
            + self.retention.held_bytes()
            + self.aside.held_bytes()
            + self.moved.capacity() * std::mem::size_of::<Entry<SimTime>>();
        (slots + indexes + self.body_bytes + self.dedup.len() * 96) as u64
    }

    /// `ApproximateNumberOfMessages`: visible messages.
    pub fn visible_count(&self) -> usize {
        self.counts.visible
    }
    /// `ApproximateNumberOfMessagesNotVisible`: in-flight messages.
    pub fn in_flight_count(&self) -> usize {
        self.counts.in_flight
    }
    /// `ApproximateNumberOfMessagesDelayed`.
    pub fn delayed_count(&self) -> usize {
        self.counts.delayed
    }
    /// `ApproximateAgeOfOldestMessage` at `now` (SQS-42): in a standard queue a message received
    /// three times or more without being deleted goes to the back of the queue and no longer
    /// counts, so the age is the next-oldest's (a FIFO queue keeps its order: a failing message
    /// still counts). In a dead-letter queue a message's age counts from its move, for both
    /// types (SQSDG "Setting-up dead-letter queue retention").
    pub fn age_of_oldest(&self, now: SimTime) -> SimDuration {
        let oldest = match (self.retention.peek(), self.moved.front()) {
            (Some(a), Some(b)) => Some(a.key.min(b.key)),
            (a, b) => a.or(b.copied()).map(|e| e.key),
        };
        oldest.map_or(SimDuration::ZERO, |at| now.saturating_since(at))
    }
    /// The live message that expires first (see `retention` and `aside`).
    fn next_to_expire(&self) -> Option<Entry<SimTime>> {
        match (self.retention.peek(), self.aside.peek()) {
            (Some(a), Some(b)) => Some(if (b.key, b.tag) < (a.key, a.tag) { b } else { a }),
            (a, b) => a.or(b),
        }
    }
    /// `true` when a receive would return at least one message (FIFO: some group's oldest
    /// message is visible; never while the queue is at its in-flight limit, SQS-20). Long
    /// pollers wait until this holds.
    pub fn has_receivable(&self) -> bool {
        if self.counts.in_flight >= IN_FLIGHT_MAX {
            return false;
        }
        if !self.attrs.fifo {
            return self.counts.visible > 0;
        }
        self.groups.values().any(|g| g.members.front().is_some_and(|&(_, slot)| self.is_visible(slot)))
    }
    /// Every live message, in send order.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        let mut live: Vec<&Message> = self.slots.iter().flatten().collect();
        live.sort_unstable_by_key(|m| m.seq);
        live.into_iter()
    }
    /// The `k` oldest live messages, oldest first: the start of [`Queue::messages`] without
    /// sorting the whole queue (a diagram draws a few dozen of a backlog of thousands, every frame).
    pub fn oldest(&self, k: usize) -> impl Iterator<Item = &Message> {
        let mut live: Vec<&Message> = self.slots.iter().flatten().collect();
        if k < live.len() {
            live.select_nth_unstable_by_key(k, |m| m.seq);
            live.truncate(k);
        }
        live.sort_unstable_by_key(|m| m.seq);
        live.into_iter()
    }
    /// Whether `handle` is the receipt of the message's latest receive (an older receive's
    /// visibility window has ended, whatever the message's state now).
    pub fn is_current(&self, handle: ReceiptHandle) -> bool {
        self.slot(handle.slot).is_some_and(|m| m.seq == handle.seq && m.receive_count == handle.generation)
    }
    /// The live message with this id, if it is in this queue.
    pub fn find(&self, id: MessageId) -> Option<&Message> {
        self.slots.iter().flatten().find(|m| m.id == id)
    }
    /// The earliest time something changes by itself (a delay or visibility timeout ends, or a
    /// message expires): a long poll waits until then at most.
    pub fn next_change(&self) -> Option<SimTime> {
        let timer = self.timers.peek().map(|e| e.key.0);
        let expiry = self.next_to_expire().map(|e| e.key + SimDuration::from_secs(self.attrs.retention_s));
        match (timer, expiry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
    /// `true` when no event was recorded since the last drain.
    pub fn has_no_events(&self) -> bool {
        self.events.is_empty()
    }
    /// Takes the events recorded since the last drain.
    pub fn drain_events(&mut self) -> Vec<QueueEvent> {
        std::mem::take(&mut self.events)
    }

    /// Applies everything time did up to `now`: delays end, visibility timeouts expire,
    /// messages outlive retention, dedup windows close. `now` never goes back.
    pub fn advance(&mut self, now: SimTime) {
        assert!(now >= self.now, "queue {}: time went back from {:?} to {now:?}", self.name, self.now);
        if now == self.now && self.settled {
            return;
        }
        self.now = now;
        self.settled = true;
        while let Some(top) = self.timers.peek() {
            let at = top.key.0;
            if at > now {
                break;
            }
            let Some(msg) = self.slot(top.slot) else { break };
            let event = match msg.state {
                MessageState::Delayed { .. } => QueueEvent::DelayEnded { at, id: msg.id },
                MessageState::InFlight { .. } => {
                    QueueEvent::VisibilityExpired { at, id: msg.id, receive_count: msg.receive_count }
                }
                MessageState::Visible => unreachable!("timer entries of visible messages are stale"),
            };
            self.events.push(event);
            self.set_state(top.slot, MessageState::Visible);
        }
        let retention = SimDuration::from_secs(self.attrs.retention_s);
        while let Some(top) = self.next_to_expire() {
            let at = top.key + retention;
            if at > now {
                break;
            }
            if let Some(msg) = self.remove(top.slot) {
                self.events.push(QueueEvent::RetentionExpired { at, id: msg.id });
            }
        }
        while let Some((until, _)) = self.dedup_expiry.front() {
            if *until > now {
                break;
            }
            if let Some((until, key)) = self.dedup_expiry.pop_front() {
                if self.dedup.get(&key).is_some_and(|(u, _, _)| *u == until) {
                    self.dedup.remove(&key);
                }
            }
        }
    }

    /// `SendMessage`. `id` is the id to give a new message (the service hands them out); `rng`
    /// draws when its server records it (standard queues, see [`Fidelity::reorder_window`]).
    pub fn send(
        &mut self,
        now: SimTime,
        req: SendRequest,
        id: MessageId,
        rng: &mut SimRng,
    ) -> Result<SendResult, SqsError> {
        self.admit(now, Action::SendMessage)?;
        self.send_admitted(now, req, id, rng)
    }

    /// Lets time pass to `now` and counts one call of `action` against the FIFO throughput
    /// limit (300 calls/s per action without high throughput; a batch is one call, SQS-11).
    pub fn admit(&mut self, now: SimTime, action: Action) -> Result<(), SqsError> {
        self.advance(now);
        self.check_throughput(action)
    }

    /// One message of a send whose call was already admitted (see [`Queue::admit`]).
    pub fn send_admitted(
        &mut self,
        now: SimTime,
        req: SendRequest,
        id: MessageId,
        rng: &mut SimRng,
    ) -> Result<SendResult, SqsError> {
        self.advance(now);
        let size = match &req.body {
            Some(body) => {
                if body.is_empty() {
                    return Err(SqsError::missing("MessageBody"));
                }
                if body.chars().any(|c| !allowed_body_char(c)) {
                    return Err(SqsError::new(
                        "InvalidMessageContents",
                        "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
                    ));
                }
                body.len() as u64
            }
            None => req.size.max(1),
        };
        if size > self.attrs.max_message_size {
            return Err(SqsError::invalid_parameter(format!(
                "One or more parameters are invalid. Reason: Message must be shorter than {} bytes.",
                self.attrs.max_message_size
            )));
        }
        let delay_s = if self.attrs.fifo {
            match req.delay_s {
                Some(d) if d != 0 => {
                    return Err(SqsError::invalid_value(
                        "DelaySeconds",
                        d,
                        "The request include parameter that is not valid for this queue type.",
                    ))
                }
                _ => self.attrs.delay_s,
            }
        } else {
            match req.delay_s {
                Some(d) if d > DELAY_MAX_S => {
                    return Err(SqsError::invalid_value("DelaySeconds", d, "DelaySeconds must be >= 0 and <= 900."))
                }
                Some(d) => d,
                None => self.attrs.delay_s,
            }
        };
        let mut dedup_key = None;
        if self.attrs.fifo {
            let Some(group) = &req.group_id else { return Err(SqsError::missing("MessageGroupId")) };
            check_fifo_id("MessageGroupId", group)?;
            let dedup_id = match (&req.dedup_id, self.attrs.content_based_deduplication) {
                (Some(d), _) => {
                    check_fifo_id("MessageDeduplicationId", d)?;
                    d.clone()
                }
                (None, true) => {
                    // Content-based deduplication hashes the body only, never the attributes (SQS-08).
                    let digest = Sha256::digest(req.body.as_deref().unwrap_or("").as_bytes());
                    digest.iter().map(|b| format!("{b:02x}")).collect()
                }
                (None, false) => {
                    return Err(SqsError::invalid_parameter(
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                    ))
                }
            };
            let key = if self.attrs.dedup_per_group { format!("{group}\u{0}{dedup_id}") } else { dedup_id.clone() };
            if let Some(&(_, original, seq)) = self.dedup.get(&key) {
                // Accepted, not delivered (SQS-07); the window is not extended.
                return Ok(SendResult { message_id: original, sequence_number: Some(seq + 1), deduplicated: true });
            }
            dedup_key = Some((key, dedup_id));
        } else if let Some(group) = &req.group_id {
            // Standard queues accept a group id for fair queues; it gives no ordering (C6).
            check_fifo_id("MessageGroupId", group)?;
        }
        let mut extra: Option<Box<MessageExtra>> = None;
        if let Some((key, dedup_id)) = dedup_key {
            let until = now + SimDuration::from_secs(DEDUP_WINDOW_S);
            // `insert` gives the message the next sequence.
            self.dedup.insert(key.clone(), (until, id, self.next_seq));
            self.dedup_expiry.push_back((until, key));
            extra = Some(Box::new(MessageExtra { dedup_id: Some(dedup_id), ..MessageExtra::default() }));
        }
        if let Some(group) = req.group_id {
            extra.get_or_insert_with(Box::default).group = Some(group);
        }
        let state = if delay_s > 0 {
            MessageState::Delayed { until: now + SimDuration::from_secs(delay_s) }
        } else {
            MessageState::Visible
        };
        // At most `u32::MAX` µs (71 min): the window is tens of milliseconds.
        let window = self.fidelity.reorder_window.as_micros().min(u64::from(u32::MAX) - 1);
        let spread = if self.attrs.fifo || window == 0 { 0 } else { rng.below(window + 1) };
        self.insert(Message {
            id,
            body: req.body,
            // Checked against `max_message_size` above: at most 1 MiB.
            size: size as u32,
            spread_us: spread as u32,
            sent_at: now,
            receive_count: 0,
            first_received_ms: u32::MAX,
            state,
            extra,
            seq: 0,
            stamp: 0,
        });
        self.stats.sent += 1;
        let sequence_number = self.attrs.fifo.then_some(self.next_seq);
        Ok(SendResult { message_id: id, sequence_number, deduplicated: false })
    }

    /// Puts a message moved from the queue `source_arn` (a dead-letter move). It keeps its
    /// receive count and, in a standard queue, its enqueue time (SQS-35); a FIFO dead-letter
    /// queue resets the enqueue time ("For FIFO queues, the enqueue timestamp resets when the
    /// message is moved to a dead-letter queue", SQSDG "Setting-up dead-letter queue
    /// retention") and gives it the message id as deduplication id (SQS-36).
    pub fn accept_moved(&mut self, now: SimTime, mut message: Message, source_arn: String) {
        self.advance(now);
        message.state = MessageState::Visible;
        message.spread_us = 0;
        let (first_received, count, id) = (message.first_received_at(), message.receive_count, message.id);
        let extra = message.extra.get_or_insert_with(Box::default);
        extra.dead_letter_source_arn = Some(source_arn);
        extra.moved = Some((now, count));
        if self.attrs.fifo {
            extra.first_received = first_received;
            extra.dedup_id = Some(id.to_string());
            message.sent_at = now;
        }
        self.insert(message);
    }

    /// `ReceiveMessage`: returns up to `max_messages` messages, or none.
    pub fn receive(&mut self, now: SimTime, req: ReceiveRequest, rng: &mut SimRng) -> Result<Vec<Received>, SqsError> {
        let mut out = Vec::new();
        self.receive_into(now, req, rng, &mut out)?;
        Ok(out)
    }

    /// [`Queue::receive`] into `out` (cleared first), so a caller can reuse one buffer.
    pub fn receive_into(
        &mut self,
        now: SimTime,
        req: ReceiveRequest,
        rng: &mut SimRng,
        out: &mut Vec<Received>,
    ) -> Result<(), SqsError> {
        out.clear();
        self.advance(now);
        if !(1..=RECEIVE_MAX_MESSAGES).contains(&req.max_messages) {
            return Err(SqsError::invalid_value(
                "MaxNumberOfMessages",
                req.max_messages,
                "Must be between 1 and 10, if provided.",
            ));
        }
        let visibility_s = req.visibility_timeout_s.unwrap_or(self.attrs.visibility_timeout_s);
        if visibility_s > VISIBILITY_TIMEOUT_MAX_S {
            return Err(SqsError::invalid_value(
                "VisibilityTimeout",
                visibility_s,
                "Must be between 0 and 43200, if provided.",
            ));
        }
        self.check_throughput(Action::ReceiveMessage)?;
        if self.counts.in_flight >= IN_FLIGHT_MAX {
            // Standard short polls say so; long polls and FIFO queues just return nothing (SQS-20).
            if !self.attrs.fifo && !req.long_poll {
                return Err(SqsError::new("OverLimit", "Too many messages in flight for this queue."));
            }
            self.stats.empty_receives += 1;
            return Ok(());
        }
        let sample =
            self.fidelity.short_poll_sampling && !req.long_poll && self.counts.visible < SHORT_POLL_FULL_VIEW_AT;
        if self.attrs.fifo || sample {
            let chosen =
                if self.attrs.fifo { self.pick_fifo(req.max_messages) } else { self.sample_standard(req, rng) };
            out.extend(chosen.into_iter().filter_map(|slot| self.deliver(slot, now, visibility_s)));
        } else {
            // The first visible messages in the order their servers recorded them (a long poll
            // asks every server, SQS-25): each popped entry is current (the heaps are
            // settled after every change). All are chosen before any is delivered, since a zero
            // visibility timeout makes a delivered message visible again at once.
            let mut chosen = [0u32; RECEIVE_MAX_MESSAGES as usize];
            let mut n = 0;
            while n < req.max_messages as usize {
                let Some(top) = self.visible.pop() else { break };
                self.visible.settle(|e| stamp_current(&self.slots, e));
                chosen[n] = top.slot;
                n += 1;
            }
            out.extend(chosen[..n].iter().filter_map(|&slot| self.deliver(slot, now, visibility_s)));
        }
        if out.is_empty() {
            self.stats.empty_receives += 1;
        }
        self.stats.received += out.len() as u64;
        Ok(())
    }

    /// `DeleteMessage`. `Ok(true)` when this call deleted the message; `Ok(false)` when AWS answers
    /// success but this call deleted nothing (already gone, an outdated receipt handle, or a copy
    /// that survived).
    pub fn delete(&mut self, now: SimTime, handle: ReceiptHandle, rng: &mut SimRng) -> Result<bool, SqsError> {
        self.advance(now);
        self.check_throughput(Action::DeleteMessage)?;
        let fifo = self.attrs.fifo;
        let Some(msg) = self.slot(handle.slot).filter(|m| m.seq == handle.seq) else {
            // Already deleted or expired: deleting again succeeds.
            return Ok(false);
        };
        let id = msg.id;
        let in_flight = matches!(msg.state, MessageState::InFlight { .. });
        if handle.generation != msg.receive_count {
            if fifo {
                return Err(expired_receipt(handle));
            }
            self.events.push(QueueEvent::StaleReceiptHandle { at: now, id });
            return Ok(false);
        }
        if fifo && !in_flight {
            // FIFO refuses a delete that arrives after the visibility window (SQS-21).
            return Err(expired_receipt(handle));
        }
        if !fifo && in_flight && rng.chance(self.fidelity.duplicate_probability) {
            // The server holding one copy missed the delete: the message will come back when its
            // visibility timeout ends (SQS-02).
            self.events.push(QueueEvent::CopySurvivedDelete { at: now, id });
            return Ok(false);
        }
        self.remove(handle.slot);
        self.stats.deleted += 1;
        Ok(true)
    }

    /// `ChangeMessageVisibility`: the new timeout counts from now and is not remembered (SQS-18).
    pub fn change_visibility(&mut self, now: SimTime, handle: ReceiptHandle, timeout_s: u64) -> Result<(), SqsError> {
        self.advance(now);
        if timeout_s > VISIBILITY_TIMEOUT_MAX_S {
            return Err(SqsError::invalid_value(
                "VisibilityTimeout",
                timeout_s,
                "Must be between 0 and 43200, if provided.",
            ));
        }
        let fifo = self.attrs.fifo;
        let Some(msg) = self.slot(handle.slot).filter(|m| m.seq == handle.seq) else {
            // Deleted (or expired): LS test_change_visibility_on_deleted_message_raises_invalid_parameter_value.
            return Err(SqsError::invalid_value(
                "ReceiptHandle",
                handle,
                "Message does not exist or is not available for visibility timeout change.",
            ));
        };
        if handle.generation != msg.receive_count {
            if fifo {
                return Err(expired_receipt(handle));
            }
            return Ok(());
        }
        let received_at = match msg.state {
            MessageState::InFlight { received_at, .. } => received_at,
            // A standard message whose window already ended takes the new window from now.
            MessageState::Visible if !fifo => now,
            _ => return Err(SqsError::new("MessageNotInflight", "The message referred to isn't in flight.")),
        };
        let until = now + SimDuration::from_secs(timeout_s);
        if until > received_at + SimDuration::from_secs(VISIBILITY_TIMEOUT_MAX_S) {
            return Err(SqsError::invalid_value(
                "VisibilityTimeout",
                timeout_s,
                "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
            ));
        }
        self.set_in_flight(handle.slot, until, received_at);
        Ok(())
    }

    /// `PurgeQueue`: deletes every message.
    pub fn purge(&mut self, now: SimTime) {
        self.advance(now);
        for slot in 0..self.slots.len() as u32 {
            self.remove(slot);
        }
    }

    fn check_throughput(&mut self, action: Action) -> Result<(), SqsError> {
        if !self.attrs.fifo || self.attrs.high_throughput() {
            return Ok(());
        }
        let second = self.now.as_micros() / 1_000_000;
        let entry = &mut self.calls[action as usize];
        if entry.0 != second {
            *entry = (second, 0);
        }
        if entry.1 >= FIFO_CALLS_PER_S {
            return Err(SqsError::new(
                "ThrottlingException",
                format!(
                    "Rate exceeded for {}: a FIFO queue allows 300 calls per second per action without high throughput mode.",
                    action.name()
                ),
            ));
        }
        entry.1 += 1;
        Ok(())
    }

    /// A short poll on a small standard queue: the first visible messages (in the order their
    /// servers recorded them) of the servers it samples.
    fn sample_standard(&self, req: ReceiveRequest, rng: &mut SimRng) -> Vec<u32> {
        let max = req.max_messages as usize;
        // A short poll asks a weighted-random subset of servers; each holds the messages whose
        // sequence falls on it. With few messages it may see some, or none (SQS-24).
        let servers: Vec<bool> = (0..SERVERS).map(|_| rng.chance(0.6)).collect();
        let mut seen: Vec<((SimTime, u64), u32)> = self
            .visible
            .iter()
            .filter(|e| servers[(e.key.1 % SERVERS) as usize] && stamp_current(&self.slots, e))
            .map(|e| (e.key, e.slot))
            .collect();
        seen.sort_unstable();
        seen.into_iter().take(max).map(|(_, slot)| slot).collect()
    }

    /// FIFO: groups whose oldest live message is visible, least recently served first; from each,
    /// consecutive visible messages up to the first that is not (SQS-05, SQS-06).
    fn pick_fifo(&mut self, max: u32) -> Vec<u32> {
        let mut candidates: Vec<(u64, u64, &String)> = Vec::new();
        for (name, group) in &self.groups {
            if let Some(&(seq, slot)) = group.members.front() {
                if self.is_visible(slot) {
                    candidates.push((group.served, seq, name));
                }
            }
        }
        candidates.sort();
        let mut chosen = Vec::new();
        let mut served = Vec::new();
        for (_, _, name) in candidates {
            if chosen.len() >= max as usize {
                break;
            }
            served.push(name.clone());
            for &(seq, slot) in &self.groups[name].members {
                let Some(msg) = self.slot(slot).filter(|m| m.seq == seq) else { continue };
                if chosen.len() >= max as usize || msg.state != MessageState::Visible {
                    break;
                }
                chosen.push(slot);
            }
        }
        for name in served {
            self.serve_counter += 1;
            if let Some(group) = self.groups.get_mut(&name) {
                group.served = self.serve_counter;
            }
        }
        chosen
    }

    /// Hands one message to a receiver, or moves it to the dead-letter queue if this receive
    /// would exceed `maxReceiveCount` (SQS-33, SQS-39).
    fn deliver(&mut self, slot: u32, now: SimTime, visibility_s: u64) -> Option<Received> {
        let count = self.slot(slot)?.receive_count;
        if let Some(r) = &self.attrs.redrive {
            if count >= r.max_receive_count {
                let (dead_letter_queue, max_receive_count) = (r.dead_letter_queue.clone(), r.max_receive_count);
                let message = self.remove(slot)?;
                self.events.push(QueueEvent::MovedToDeadLetterQueue {
                    at: now,
                    message: Box::new(message),
                    dead_letter_queue,
                    max_receive_count,
                });
                return None;
            }
        }
        self.set_in_flight(slot, now + SimDuration::from_secs(visibility_s), now);
        let fifo = self.attrs.fifo;
        let msg = self.slots.get_mut(slot as usize)?.as_mut()?;
        // The receive count is also the receipt handle's generation: every receive issues one.
        msg.receive_count += 1;
        if msg.first_received_at().is_none() {
            let ms = now.saturating_since(msg.sent_at).as_millis();
            msg.first_received_ms = u32::try_from(ms).unwrap_or(u32::MAX - 1);
        }
        // Its third receive in this queue: a standard queue puts it at the back as far as the
        // age of the oldest message is concerned (SQS-42).
        let moved = msg.extra.as_ref().is_some_and(|x| x.moved.is_some());
        let leaves_age = !fifo && msg.receives_here() == OLDEST_AGE_RECEIVES;
        let (sent_at, seq) = (msg.sent_at, msg.seq);
        let mut out_of_order = false;
        if msg.receive_count == 1 {
            // An inversion: a message sent later (of its group, in a FIFO queue) was received first.
            let end = match msg.extra.as_ref().and_then(|x| x.group.as_ref()) {
                Some(name) if fifo => self.groups.get_mut(name).map(|g| &mut g.first_received_end),
                _ => Some(&mut self.first_received_end),
            };
            if let Some(end) = end {
                out_of_order = msg.seq < *end;
                *end = (*end).max(msg.seq + 1);
            }
            self.stats.out_of_order += u64::from(out_of_order);
        }
        let received = Received {
            message_id: msg.id,
            receipt_handle: ReceiptHandle { slot, seq: msg.seq, generation: msg.receive_count },
            body: msg.body.clone(),
            size: u64::from(msg.size),
            group: msg.group().map(str::to_owned),
            receive_count: msg.receive_count,
            sent_at: msg.sent_at,
            first_received_at: msg.first_received_at().unwrap_or(now),
            sequence_number: fifo.then(|| msg.sequence_number()),
            dedup_id: msg.deduplication_id().map(str::to_owned),
            dead_letter_source_arn: msg.dead_letter_source_arn().map(str::to_owned),
            out_of_order,
        };
        if leaves_age && moved {
            self.settle_moved();
        } else if leaves_age {
            let live = self.counts.live();
            let entry = Entry { key: sent_at, tag: seq, slot };
            self.aside.push(entry, live, |e| retention_current(&self.slots, e, false, true));
            self.retention.settle(|e| retention_current(&self.slots, e, false, false));
        }
        Some(received)
    }

    fn slot(&self, slot: u32) -> Option<&Message> {
        self.slots.get(slot as usize)?.as_ref()
    }

    fn is_visible(&self, slot: u32) -> bool {
        self.slot(slot).is_some_and(|m| m.state == MessageState::Visible)
    }

    /// Moves a message in flight until `until` (visible at once when `until` is now).
    fn set_in_flight(&mut self, slot: u32, until: SimTime, received_at: SimTime) {
        let state =
            if until <= self.now { MessageState::Visible } else { MessageState::InFlight { until, received_at } };
        self.set_state(slot, state);
    }

    /// Changes a live message's state: the old state's index entries go stale, the new state's
    /// are added, and the gauges follow.
    fn set_state(&mut self, slot: u32, state: MessageState) {
        let Some(msg) = self.slots.get_mut(slot as usize).and_then(Option::as_mut) else { return };
        let old = msg.state;
        *self.counts.of(old) -= 1;
        msg.state = state;
        self.index(slot);
        self.settle_after_leaving(old);
    }

    /// Stamps a message in its current state and adds it to that state's index.
    fn index(&mut self, slot: u32) {
        let stamp = self.next_stamp;
        self.next_stamp += 1;
        let Some(msg) = self.slots.get_mut(slot as usize).and_then(Option::as_mut) else { return };
        msg.stamp = stamp;
        *self.counts.of(msg.state) += 1;
        let seq = msg.seq;
        match msg.state {
            MessageState::Visible if !self.attrs.fifo => {
                let live = self.counts.visible;
                let key = (msg.sent_at + SimDuration::from_micros(u64::from(msg.spread_us)), seq);
                self.visible.push(Entry { key, tag: stamp, slot }, live, |e| stamp_current(&self.slots, e));
            }
            MessageState::Visible => {}
            MessageState::Delayed { until } | MessageState::InFlight { until, .. } => {
                let live = self.counts.in_flight + self.counts.delayed;
                let entry = Entry { key: (until, seq), tag: stamp, slot };
                self.timers.push(entry, live, |e| stamp_current(&self.slots, e));
            }
        }
    }

    /// A message left `old`: its entry in that state's index may now be a stale front. Drop
    /// stale fronts so peeking stays exact (the invariant every method relies on).
    fn settle_after_leaving(&mut self, old: MessageState) {
        match old {
            MessageState::Visible => self.visible.settle(|e| stamp_current(&self.slots, e)),
            MessageState::Delayed { .. } | MessageState::InFlight { .. } => {
                self.timers.settle(|e| stamp_current(&self.slots, e))
            }
        }
    }

    fn insert(&mut self, mut message: Message) {
        let seq = self.next_seq;
        self.next_seq += 1;
        assert!(!matches!(message.state, MessageState::InFlight { .. }), "new messages are never in flight");
        message.seq = seq;
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                if self.slots.len() == self.slots.capacity() {
                    self.slots.reserve_exact(super::index::gentle_growth(self.slots.len()));
                }
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        let sent_at = message.sent_at;
        if sent_at + SimDuration::from_secs(self.attrs.retention_s) <= self.now {
            self.settled = false;
        }
        if let Some(name) = message.group().filter(|_| self.attrs.fifo) {
            let group = self.groups.entry(name.to_owned()).or_default();
            group.members.push_back((seq, slot));
            group.live += 1;
        }
        let entered_at = message.entered_at();
        let aside = !self.attrs.fifo && message.aside();
        self.body_bytes += message.body.as_ref().map_or(0, String::len);
        self.slots[slot as usize] = Some(message);
        self.index(slot);
        let live = self.counts.live();
        let fifo = self.attrs.fifo;
        let entry = Entry { key: sent_at, tag: seq, slot };
        if aside {
            // A message moved into a standard dead-letter queue: its retention counts from its
            // send, its age from now.
            self.aside.push(entry, live, |e| retention_current(&self.slots, e, false, true));
            self.moved.push_back(Entry { key: entered_at, tag: seq, slot });
        } else {
            self.retention.push(entry, live, |e| retention_current(&self.slots, e, fifo, false));
        }
    }

    fn remove(&mut self, slot: u32) -> Option<Message> {
        let msg = self.slots.get_mut(slot as usize)?.take()?;
        self.body_bytes -= msg.body.as_ref().map_or(0, String::len);
        self.free.push(slot);
        *self.counts.of(msg.state) -= 1;
        if let Some(name) = msg.group().filter(|_| self.attrs.fifo) {
            let slots = &self.slots;
            let now_empty = self.groups.get_mut(name).is_some_and(|group| {
                group.live -= 1;
                let current = |&(seq, slot): &(u64, u32)| {
                    slots.get(slot as usize).and_then(Option::as_ref).is_some_and(|m| m.seq == seq)
                };
                while group.members.front().is_some_and(|m| !current(m)) {
                    group.members.pop_front();
                }
                if group.members.len() > 2 * group.live + 16 {
                    group.members.retain(current);
                }
                group.live == 0
            });
            if now_empty {
                self.groups.remove(name);
            }
        }
        self.settle_after_leaving(msg.state);
        let fifo = self.attrs.fifo;
        self.retention.settle(|e| retention_current(&self.slots, e, fifo, false));
        self.aside.settle(|e| retention_current(&self.slots, e, fifo, true));
        self.settle_moved();
        Some(msg)
    }

    /// Drops stale fronts of `moved` (left, or received three times since the move).
    fn settle_moved(&mut self) {
        while self.moved.front().is_some_and(|e| !moved_current(&self.slots, e)) {
            self.moved.pop_front();
        }
        if self.moved.len() > 2 * self.counts.live() + 64 {
            let slots = &self.slots;
            self.moved.retain(|e| moved_current(slots, e));
        }
    }
}

fn expired_receipt(handle: ReceiptHandle) -> SqsError {
    SqsError::invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")
}

/// `ReceiveMessage`'s `WaitTimeSeconds`, 0–20 (SQS-23; the text is recorded in LS
/// test_send_receive_wait_time_seconds). The wait itself is the caller's, so the caller checks it.
pub fn check_wait_time(wait_s: i64) -> Result<(), SqsError> {
    if (0..=WAIT_TIME_MAX_S as i64).contains(&wait_s) {
        return Ok(());
    }
    Err(SqsError::invalid_value("WaitTimeSeconds", wait_s, "Must be >= 0 and <= 20, if provided."))
}

/// Group and deduplication ids: 1–128 characters, alphanumeric and punctuation (SQS-04, SQS-07).
fn check_fifo_id(param: &str, id: &str) -> Result<(), SqsError> {
    let ok = (1..=ID_MAX_LEN).contains(&id.len()) && id.chars().all(|c| c.is_ascii_graphic());
    if ok {
        return Ok(());
    }
    Err(SqsError::invalid_value(
        param,
        id,
        &format!("{param} can only include alphanumeric and punctuation characters. 1 to 128 in length."),
    ))
}

/// The characters a message body may hold (SQS-30).
fn allowed_body_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}
