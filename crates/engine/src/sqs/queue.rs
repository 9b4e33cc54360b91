//! One SQS queue, standard or FIFO, as a state machine driven by API calls at simulated times.
//!
//! Every call takes `now`; the queue first applies what time did since the last call (delays
//! ending, visibility timeouts expiring, retention), then the call. Everything that happens
//! besides the call's own result is recorded as a [`QueueEvent`]; drain them with
//! [`Queue::drain_events`] after each call.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use sha2::{Digest, Sha256};

use super::attributes::QueueAttributes;
use super::error::SqsError;
use super::limits::*;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// A message's identity, unique within one [`super::Sqs`] service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub u64);

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
    /// Body size in bytes.
    pub size: u64,
    /// FIFO message group.
    pub group: Option<String>,
    /// The original enqueue time (kept across a move to a dead-letter queue).
    pub sent_at: SimTime,
    /// `ApproximateReceiveCount`.
    pub receive_count: u32,
    /// Where it is.
    pub state: MessageState,
    /// Which receive issued the current receipt handle.
    receipt_generation: u32,
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
    pub receipt_handle: String,
    /// The body, if not synthetic.
    pub body: Option<String>,
    /// FIFO message group.
    pub group: Option<String>,
    /// `ApproximateReceiveCount` after this receive.
    pub receive_count: u32,
    /// When it was first sent.
    pub sent_at: SimTime,
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
}

impl Fidelity {
    /// No sampling and no duplicates: what the conformance cases assert.
    pub const EXACT: Fidelity = Fidelity { short_poll_sampling: false, duplicate_probability: 0.0 };
}

impl Default for Fidelity {
    fn default() -> Self {
        Fidelity { short_poll_sampling: true, duplicate_probability: 0.001 }
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
}

/// The simulated servers a standard queue spreads its messages over (short polls sample them).
const SERVERS: u64 = 5;

/// One queue.
#[derive(Debug)]
pub struct Queue {
    name: String,
    attrs: QueueAttributes,
    fidelity: Fidelity,
    /// Live messages by send order.
    messages: BTreeMap<u64, Message>,
    /// Send order of visible messages.
    visible: BTreeSet<u64>,
    /// `(when, seq)` of delay ends and visibility ends.
    timers: BTreeSet<(SimTime, u64)>,
    /// `(expiry, seq)` by retention.
    retention: BTreeSet<(SimTime, u64)>,
    /// FIFO: send order of each group's live messages.
    groups: BTreeMap<String, BTreeSet<u64>>,
    /// FIFO: when each group was last served (higher = more recently); unserved groups go first.
    group_served: BTreeMap<String, u64>,
    serve_counter: u64,
    /// FIFO deduplication: key → (window end, original id); and keys by window end.
    dedup: BTreeMap<String, (SimTime, MessageId)>,
    dedup_expiry: VecDeque<(SimTime, String)>,
    /// FIFO throughput: (second, calls) per action.
    calls: BTreeMap<&'static str, (u64, u32)>,
    next_seq: u64,
    in_flight: usize,
    now: SimTime,
    events: Vec<QueueEvent>,
    stats: QueueStats,
}

impl Queue {
    /// A new queue with validated attributes.
    pub fn new(name: &str, attrs: QueueAttributes, fidelity: Fidelity) -> Queue {
        Queue {
            name: name.to_owned(),
            attrs,
            fidelity,
            messages: BTreeMap::new(),
            visible: BTreeSet::new(),
            timers: BTreeSet::new(),
            retention: BTreeSet::new(),
            groups: BTreeMap::new(),
            group_served: BTreeMap::new(),
            serve_counter: 0,
            dedup: BTreeMap::new(),
            dedup_expiry: VecDeque::new(),
            calls: BTreeMap::new(),
            next_seq: 0,
            in_flight: 0,
            now: SimTime::ZERO,
            events: Vec::new(),
            stats: QueueStats::default(),
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
    pub fn set_attributes(&mut self, attrs: QueueAttributes) {
        self.attrs = attrs;
    }
    /// Its counters.
    pub fn stats(&self) -> QueueStats {
        self.stats
    }
    /// `ApproximateNumberOfMessages`: visible messages.
    pub fn visible_count(&self) -> usize {
        self.visible.len()
    }
    /// `ApproximateNumberOfMessagesNotVisible`: in-flight messages.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight
    }
    /// `ApproximateNumberOfMessagesDelayed`.
    pub fn delayed_count(&self) -> usize {
        self.messages.len() - self.visible.len() - self.in_flight
    }
    /// `ApproximateAgeOfOldestMessage` at `now`.
    pub fn age_of_oldest(&self, now: SimTime) -> SimDuration {
        self.messages.values().map(|m| m.sent_at).min().map_or(SimDuration::ZERO, |t| now.saturating_since(t))
    }
    /// `true` when a receive would return at least one message (FIFO: some group's oldest
    /// message is visible). Long pollers wait until this holds.
    pub fn has_receivable(&self) -> bool {
        if !self.attrs.fifo {
            return !self.visible.is_empty();
        }
        self.groups.values().any(|seqs| seqs.first().is_some_and(|head| self.visible.contains(head)))
    }
    /// Every live message, in send order.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.values()
    }
    /// The earliest time something changes by itself (a delay or visibility timeout ends, or a
    /// message expires): a long poll waits until then at most.
    pub fn next_change(&self) -> Option<SimTime> {
        let timer = self.timers.first().map(|t| t.0);
        let expiry = self.retention.first().map(|t| t.0);
        match (timer, expiry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
    /// Takes the events recorded since the last drain.
    pub fn drain_events(&mut self) -> Vec<QueueEvent> {
        std::mem::take(&mut self.events)
    }

    /// Applies everything time did up to `now`: delays end, visibility timeouts expire,
    /// messages outlive retention, dedup windows close. `now` never goes back.
    pub fn advance(&mut self, now: SimTime) {
        assert!(now >= self.now, "queue {}: time went back from {:?} to {now:?}", self.name, self.now);
        self.now = now;
        while let Some(&(at, seq)) = self.timers.first() {
            if at > now {
                break;
            }
            self.timers.pop_first();
            let Some(msg) = self.messages.get_mut(&seq) else { continue };
            match msg.state {
                MessageState::Delayed { .. } => self.events.push(QueueEvent::DelayEnded { at, id: msg.id }),
                MessageState::InFlight { .. } => {
                    self.in_flight -= 1;
                    self.events.push(QueueEvent::VisibilityExpired {
                        at,
                        id: msg.id,
                        receive_count: msg.receive_count,
                    });
                }
                MessageState::Visible => continue,
            }
            msg.state = MessageState::Visible;
            self.visible.insert(seq);
        }
        while let Some(&(at, seq)) = self.retention.first() {
            if at > now {
                break;
            }
            self.retention.pop_first();
            if let Some(msg) = self.remove(seq) {
                self.events.push(QueueEvent::RetentionExpired { at, id: msg.id });
            }
        }
        while let Some((until, _)) = self.dedup_expiry.front() {
            if *until > now {
                break;
            }
            if let Some((until, key)) = self.dedup_expiry.pop_front() {
                if self.dedup.get(&key).is_some_and(|(u, _)| *u == until) {
                    self.dedup.remove(&key);
                }
            }
        }
    }

    /// `SendMessage`. `id` is the id to give a new message (the service hands them out).
    pub fn send(&mut self, now: SimTime, req: SendRequest, id: MessageId) -> Result<SendResult, SqsError> {
        self.advance(now);
        self.check_throughput("SendMessage")?;
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
            let key = match (&req.dedup_id, self.attrs.content_based_deduplication) {
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
            let key = if self.attrs.dedup_per_group { format!("{group}\u{0}{key}") } else { key };
            if let Some((_, original)) = self.dedup.get(&key) {
                // Accepted, not delivered (SQS-07); the window is not extended.
                return Ok(SendResult { message_id: *original, deduplicated: true });
            }
            dedup_key = Some(key);
        } else if let Some(group) = &req.group_id {
            // Standard queues accept a group id for fair queues; it gives no ordering (C6).
            check_fifo_id("MessageGroupId", group)?;
        }
        if let Some(key) = dedup_key {
            let until = now + SimDuration::from_secs(DEDUP_WINDOW_S);
            self.dedup.insert(key.clone(), (until, id));
            self.dedup_expiry.push_back((until, key));
        }
        let group = if self.attrs.fifo { req.group_id } else { None };
        let state = if delay_s > 0 {
            MessageState::Delayed { until: now + SimDuration::from_secs(delay_s) }
        } else {
            MessageState::Visible
        };
        self.insert(Message {
            id,
            body: req.body,
            size,
            group,
            sent_at: now,
            receive_count: 0,
            state,
            receipt_generation: 0,
        });
        self.stats.sent += 1;
        Ok(SendResult { message_id: id, deduplicated: false })
    }

    /// Puts a message moved from another queue (a dead-letter move), keeping its enqueue time
    /// and receive count (SQS-35).
    pub fn accept_moved(&mut self, now: SimTime, mut message: Message) {
        self.advance(now);
        message.state = MessageState::Visible;
        if !self.attrs.fifo {
            message.group = None;
        }
        self.insert(message);
    }

    /// `ReceiveMessage`: returns up to `max_messages` messages, or none.
    pub fn receive(&mut self, now: SimTime, req: ReceiveRequest, rng: &mut SimRng) -> Result<Vec<Received>, SqsError> {
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
        self.check_throughput("ReceiveMessage")?;
        if self.in_flight >= IN_FLIGHT_MAX {
            // Standard short polls say so; long polls and FIFO queues just return nothing (SQS-20).
            if !self.attrs.fifo && !req.long_poll {
                return Err(SqsError::new("OverLimit", "Too many messages in flight for this queue."));
            }
            self.stats.empty_receives += 1;
            return Ok(Vec::new());
        }
        let chosen = if self.attrs.fifo { self.pick_fifo(req.max_messages) } else { self.pick_standard(req, rng) };
        let mut out = Vec::with_capacity(chosen.len());
        for seq in chosen {
            if let Some(r) = self.deliver(seq, now, visibility_s) {
                out.push(r);
            }
        }
        if out.is_empty() {
            self.stats.empty_receives += 1;
        }
        self.stats.received += out.len() as u64;
        Ok(out)
    }

    /// `DeleteMessage`. `Ok(true)` when this call deleted the message; `Ok(false)` when AWS answers
    /// success but this call deleted nothing (already gone, an outdated receipt handle, or a copy
    /// that survived).
    pub fn delete(&mut self, now: SimTime, receipt_handle: &str, rng: &mut SimRng) -> Result<bool, SqsError> {
        self.advance(now);
        self.check_throughput("DeleteMessage")?;
        let (seq, generation) =
            parse_receipt(receipt_handle).ok_or_else(|| SqsError::receipt_handle_invalid(receipt_handle))?;
        let fifo = self.attrs.fifo;
        let Some(msg) = self.messages.get(&seq) else {
            // Already deleted or expired: deleting again succeeds.
            return Ok(false);
        };
        let id = msg.id;
        let in_flight = matches!(msg.state, MessageState::InFlight { .. });
        if generation != msg.receipt_generation {
            if fifo {
                return Err(expired_receipt(receipt_handle));
            }
            self.events.push(QueueEvent::StaleReceiptHandle { at: now, id });
            return Ok(false);
        }
        if fifo && !in_flight {
            // FIFO refuses a delete that arrives after the visibility window (SQS-21).
            return Err(expired_receipt(receipt_handle));
        }
        if !fifo && in_flight && rng.chance(self.fidelity.duplicate_probability) {
            // The server holding one copy missed the delete: the message will come back when its
            // visibility timeout ends (SQS-02).
            self.events.push(QueueEvent::CopySurvivedDelete { at: now, id });
            return Ok(false);
        }
        self.remove(seq);
        self.stats.deleted += 1;
        Ok(true)
    }

    /// `ChangeMessageVisibility`: the new timeout counts from now and is not remembered (SQS-18).
    pub fn change_visibility(&mut self, now: SimTime, receipt_handle: &str, timeout_s: u64) -> Result<(), SqsError> {
        self.advance(now);
        if timeout_s > VISIBILITY_TIMEOUT_MAX_S {
            return Err(SqsError::invalid_value(
                "VisibilityTimeout",
                timeout_s,
                "Must be between 0 and 43200, if provided.",
            ));
        }
        let (seq, generation) =
            parse_receipt(receipt_handle).ok_or_else(|| SqsError::receipt_handle_invalid(receipt_handle))?;
        let fifo = self.attrs.fifo;
        let Some(msg) = self.messages.get(&seq) else { return Err(SqsError::receipt_handle_invalid(receipt_handle)) };
        if generation != msg.receipt_generation {
            if fifo {
                return Err(expired_receipt(receipt_handle));
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
        self.set_in_flight(seq, until, received_at);
        Ok(())
    }

    /// `PurgeQueue`: deletes every message.
    pub fn purge(&mut self, now: SimTime) {
        self.advance(now);
        let seqs: Vec<u64> = self.messages.keys().copied().collect();
        for seq in seqs {
            self.remove(seq);
        }
    }

    fn check_throughput(&mut self, action: &'static str) -> Result<(), SqsError> {
        if !self.attrs.fifo || self.attrs.high_throughput() {
            return Ok(());
        }
        let second = self.now.as_micros() / 1_000_000;
        let entry = self.calls.entry(action).or_insert((second, 0));
        if entry.0 != second {
            *entry = (second, 0);
        }
        if entry.1 >= FIFO_CALLS_PER_S {
            return Err(SqsError::new("ThrottlingException", format!("Rate exceeded for {action}: a FIFO queue allows 300 calls per second per action without high throughput mode.")));
        }
        entry.1 += 1;
        Ok(())
    }

    fn pick_standard(&self, req: ReceiveRequest, rng: &mut SimRng) -> Vec<u64> {
        let max = req.max_messages as usize;
        let sample =
            self.fidelity.short_poll_sampling && !req.long_poll && self.visible.len() < SHORT_POLL_FULL_VIEW_AT;
        if !sample {
            return self.visible.iter().take(max).copied().collect();
        }
        // A short poll asks a weighted-random subset of servers; each holds the messages whose
        // sequence falls on it. With few messages it may see some, or none (SQS-24).
        let servers: Vec<bool> = (0..SERVERS).map(|_| rng.chance(0.6)).collect();
        self.visible.iter().filter(|&&seq| servers[(seq % SERVERS) as usize]).take(max).copied().collect()
    }

    /// FIFO: groups whose oldest live message is visible, least recently served first; from each,
    /// consecutive visible messages up to the first that is not (SQS-05, SQS-06).
    fn pick_fifo(&mut self, max: u32) -> Vec<u64> {
        let mut candidates: Vec<(u64, u64, &String)> = Vec::new();
        for (group, seqs) in &self.groups {
            let Some(&head) = seqs.first() else { continue };
            if self.visible.contains(&head) {
                candidates.push((self.group_served.get(group).copied().unwrap_or(0), head, group));
            }
        }
        candidates.sort();
        let mut chosen = Vec::new();
        let mut served = Vec::new();
        for (_, _, group) in candidates {
            if chosen.len() >= max as usize {
                break;
            }
            served.push(group.clone());
            for &seq in &self.groups[group] {
                if chosen.len() >= max as usize || !self.visible.contains(&seq) {
                    break;
                }
                chosen.push(seq);
            }
        }
        for group in served {
            self.serve_counter += 1;
            self.group_served.insert(group, self.serve_counter);
        }
        chosen
    }

    /// Hands one message to a receiver, or moves it to the dead-letter queue if this receive
    /// would exceed `maxReceiveCount` (SQS-33, SQS-39).
    fn deliver(&mut self, seq: u64, now: SimTime, visibility_s: u64) -> Option<Received> {
        let redrive = self.attrs.redrive.clone();
        let count = self.messages.get(&seq)?.receive_count;
        if let Some(r) = redrive {
            if count >= r.max_receive_count {
                let message = self.remove(seq)?;
                self.events.push(QueueEvent::MovedToDeadLetterQueue {
                    at: now,
                    message: Box::new(message),
                    dead_letter_queue: r.dead_letter_queue,
                    max_receive_count: r.max_receive_count,
                });
                return None;
            }
        }
        self.set_in_flight(seq, now + SimDuration::from_secs(visibility_s), now);
        let msg = self.messages.get_mut(&seq)?;
        msg.receive_count += 1;
        msg.receipt_generation += 1;
        Some(Received {
            message_id: msg.id,
            receipt_handle: format!("rh-{seq}-{}", msg.receipt_generation),
            body: msg.body.clone(),
            group: msg.group.clone(),
            receive_count: msg.receive_count,
            sent_at: msg.sent_at,
        })
    }

    /// Moves a message in flight until `until` (visible at once when `until` is now).
    fn set_in_flight(&mut self, seq: u64, until: SimTime, received_at: SimTime) {
        let Some(msg) = self.messages.get_mut(&seq) else { return };
        match msg.state {
            MessageState::InFlight { until: old, .. } => {
                self.timers.remove(&(old, seq));
                self.in_flight -= 1;
            }
            MessageState::Delayed { until: old } => {
                self.timers.remove(&(old, seq));
            }
            MessageState::Visible => {
                self.visible.remove(&seq);
            }
        }
        if until <= self.now {
            msg.state = MessageState::Visible;
            self.visible.insert(seq);
            return;
        }
        msg.state = MessageState::InFlight { until, received_at };
        self.timers.insert((until, seq));
        self.in_flight += 1;
    }

    fn insert(&mut self, message: Message) {
        let seq = self.next_seq;
        self.next_seq += 1;
        match message.state {
            MessageState::Visible => {
                self.visible.insert(seq);
            }
            MessageState::Delayed { until } => {
                self.timers.insert((until, seq));
            }
            MessageState::InFlight { .. } => unreachable!("new messages are never in flight"),
        }
        let expires = message.sent_at + SimDuration::from_secs(self.attrs.retention_s);
        self.retention.insert((expires, seq));
        if let Some(group) = &message.group {
            self.groups.entry(group.clone()).or_default().insert(seq);
        }
        self.messages.insert(seq, message);
    }

    fn remove(&mut self, seq: u64) -> Option<Message> {
        let msg = self.messages.remove(&seq)?;
        match msg.state {
            MessageState::Visible => {
                self.visible.remove(&seq);
            }
            MessageState::Delayed { until } => {
                self.timers.remove(&(until, seq));
            }
            MessageState::InFlight { until, .. } => {
                self.timers.remove(&(until, seq));
                self.in_flight -= 1;
            }
        }
        let expires = msg.sent_at + SimDuration::from_secs(self.attrs.retention_s);
        self.retention.remove(&(expires, seq));
        if let Some(group) = &msg.group {
            if let Some(seqs) = self.groups.get_mut(group) {
                seqs.remove(&seq);
                if seqs.is_empty() {
                    self.groups.remove(group);
                }
            }
        }
        Some(msg)
    }
}

fn expired_receipt(handle: &str) -> SqsError {
    SqsError::invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")
}

fn parse_receipt(handle: &str) -> Option<(u64, u32)> {
    let rest = handle.strip_prefix("rh-")?;
    let (seq, generation) = rest.split_once('-')?;
    Some((seq.parse().ok()?, generation.parse().ok()?))
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
