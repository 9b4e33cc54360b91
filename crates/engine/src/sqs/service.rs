//! The SQS service: queues (named by the API, addressed by [`QueueId`] in calls), message ids,
//! and dead-letter moves between queues.

use std::collections::BTreeMap;

use super::action::Action;
use super::attributes::QueueAttributes;
use super::error::SqsError;
use super::limits::{BATCH_MAX_BYTES, BATCH_MAX_ENTRIES};
use super::queue::{
    Fidelity, Message, MessageId, Queue, QueueEvent, ReceiptHandle, ReceiveRequest, Received, SendRequest, SendResult,
};
use crate::rng::SimRng;
use crate::time::SimTime;

/// A queue of one [`Sqs`] service (what a queue URL is to the API).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueId(usize);

impl QueueId {
    /// Its position in creation order (0 for the first queue), for callers that keep a
    /// table by queue.
    pub fn index(self) -> usize {
        self.0
    }
}

/// A queue event together with the queue it happened in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqsEvent {
    /// The queue.
    pub queue: QueueId,
    /// What happened.
    pub event: QueueEvent,
}

/// All queues of one simulated account and Region.
#[derive(Clone, Debug)]
pub struct Sqs {
    /// In creation order; a [`QueueId`] is an index.
    queues: Vec<Queue>,
    fidelity: Fidelity,
    next_id: u64,
    events: Vec<SqsEvent>,
}

impl Sqs {
    /// No queues yet; `fidelity` applies to every queue created.
    pub fn new(fidelity: Fidelity) -> Sqs {
        Sqs { queues: Vec::new(), fidelity, next_id: 0, events: Vec::new() }
    }

    /// `CreateQueue` from AWS's attribute map. Creating an existing queue with identical
    /// attributes succeeds; with different ones it fails (SQS-43).
    pub fn create_queue(&mut self, name: &str, attributes: &BTreeMap<String, String>) -> Result<QueueId, SqsError> {
        check_queue_name(name)?;
        let attrs = QueueAttributes::from_create(name, attributes)?;
        self.check_dead_letter_target(&attrs, attributes.get("RedrivePolicy").map(String::as_str))?;
        self.create_queue_with(name, attrs)
    }

    /// `CreateQueue` with typed attributes.
    pub fn create_queue_with(&mut self, name: &str, attrs: QueueAttributes) -> Result<QueueId, SqsError> {
        attrs.validate()?;
        self.check_dead_letter_target(&attrs, None)?;
        if let Ok(id) = self.id(name) {
            if let Some(field) = first_difference(self.get(id).attributes(), &attrs) {
                return Err(SqsError::new(
                    "QueueAlreadyExists",
                    format!("A queue already exists with the same name and a different value for attribute {field}"),
                ));
            }
            return Ok(id);
        }
        self.queues.push(Queue::new(name, attrs, self.fidelity));
        Ok(QueueId(self.queues.len() - 1))
    }

    /// `GetQueueUrl`: the queue with this name.
    pub fn id(&self, name: &str) -> Result<QueueId, SqsError> {
        self.queues.iter().position(|q| q.name() == name).map(QueueId).ok_or_else(|| {
            SqsError::new("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
        })
    }

    /// `SetQueueAttributes` at `now` (see [`Queue::set_attributes`] for what a new delay does).
    pub fn set_queue_attributes(
        &mut self,
        now: SimTime,
        queue: QueueId,
        attributes: &BTreeMap<String, String>,
    ) -> Result<(), SqsError> {
        let attrs = self.get(queue).attributes().apply_set(attributes)?;
        if attributes.contains_key("RedrivePolicy") {
            self.check_dead_letter_target(&attrs, attributes.get("RedrivePolicy").map(String::as_str))?;
        }
        self.get_mut(queue).set_attributes(now, attrs);
        self.collect(now, queue);
        Ok(())
    }

    /// `SetQueueAttributes` at `now` with attributes already checked (a scenario validated against
    /// AWS's ranges): the same change without reading the call's strings and JSON, which would
    /// bring their parser into a page that never makes the call by name.
    pub fn set_checked_attributes(&mut self, now: SimTime, queue: QueueId, attrs: QueueAttributes) {
        self.get_mut(queue).set_attributes(now, attrs);
        self.collect(now, queue);
    }

    /// A redrive policy must name an existing queue of the source's type (SQS-34): otherwise
    /// moved messages would have nowhere to go. `sent` is the policy as the call sent it, which
    /// AWS quotes in the error.
    fn check_dead_letter_target(&self, attrs: &QueueAttributes, sent: Option<&str>) -> Result<(), SqsError> {
        let Some(policy) = &attrs.redrive else { return Ok(()) };
        let text = sent.map_or_else(|| policy.to_json(), str::to_owned);
        let Some(target) = self.queue(&policy.dead_letter_queue) else {
            // Medium confidence: the text is what Inqnuam/local-aws-sqs asserts as AWS's.
            return Err(SqsError::invalid_value("RedrivePolicy", text, "Dead letter target does not exist."));
        };
        if target.attributes().fifo != attrs.fifo {
            // AWS refuses this (SQSDG "Using dead-letter queues": the DLQ of a FIFO queue must
            // be a FIFO queue, of a standard queue a standard queue) but no response to it was
            // recorded: the code is the one of the other RedrivePolicy refusals, the text ours.
            let reason = if attrs.fifo {
                "The dead-letter queue of a FIFO queue must also be a FIFO queue."
            } else {
                "The dead-letter queue of a standard queue must also be a standard queue."
            };
            return Err(SqsError::invalid_value("RedrivePolicy", text, reason));
        }
        Ok(())
    }

    /// A queue by name, for state queries.
    pub fn queue(&self, name: &str) -> Option<&Queue> {
        self.queues.iter().find(|q| q.name() == name)
    }

    /// A queue, for state queries.
    pub fn get(&self, queue: QueueId) -> &Queue {
        &self.queues[queue.0]
    }

    /// About how much memory the queues hold (see [`Queue::held_bytes`]).
    pub fn held_bytes(&self) -> u64 {
        self.queues().map(Queue::held_bytes).sum()
    }

    /// Every queue, in creation order.
    pub fn queues(&self) -> impl Iterator<Item = &Queue> {
        self.queues.iter()
    }

    /// `SendMessage` (`rng`: see [`Queue::send`]).
    pub fn send(
        &mut self,
        now: SimTime,
        queue: QueueId,
        req: SendRequest,
        rng: &mut SimRng,
    ) -> Result<SendResult, SqsError> {
        self.get_mut(queue).admit(now, Action::SendMessage)?;
        self.send_admitted(now, queue, req, rng)
    }

    /// `SendMessage` with the message id chosen by the caller: a simulation that composes
    /// services (a flow) gives each message the id it tracks it by. The caller keeps ids unique.
    pub fn send_as(
        &mut self,
        now: SimTime,
        queue: QueueId,
        req: SendRequest,
        id: MessageId,
        rng: &mut SimRng,
    ) -> Result<SendResult, SqsError> {
        self.get_mut(queue).admit(now, Action::SendMessage)?;
        let res = self.get_mut(queue).send_admitted(now, req, id, rng);
        self.collect(now, queue);
        res
    }

    fn send_admitted(
        &mut self,
        now: SimTime,
        queue: QueueId,
        req: SendRequest,
        rng: &mut SimRng,
    ) -> Result<SendResult, SqsError> {
        let id = MessageId(self.next_id);
        let res = self.get_mut(queue).send_admitted(now, req, id, rng);
        if matches!(res, Ok(SendResult { deduplicated: false, .. })) {
            self.next_id += 1;
        }
        self.collect(now, queue);
        res
    }

    /// `SendMessageBatch`: ≤10 entries of together ≤1 MiB, each succeeding or failing on its own
    /// (SQS-32) — except on a FIFO queue an entry without a group id, or without a deduplication
    /// id where content-based deduplication is off: then the whole call fails and nothing is
    /// sent, as AWS was recorded doing (LS test_send_batch_missing_message_group_id_for_fifo_queue,
    /// test_send_batch_missing_deduplication_id_for_fifo_queue).
    pub fn send_batch(
        &mut self,
        now: SimTime,
        queue: QueueId,
        entries: Vec<SendRequest>,
        rng: &mut SimRng,
    ) -> Result<Vec<Result<SendResult, SqsError>>, SqsError> {
        // The batch codes carry AWS's prefix (LS test_too_many_entries_in_batch_request,
        // BAL testSendMessageBatchWithEmptyList, LS test_send_message_batch_with_oversized_contents).
        if entries.is_empty() {
            return Err(SqsError::new(
                "AWS.SimpleQueueService.EmptyBatchRequest",
                "There should be at least one SendMessageBatchRequestEntry in the request.",
            ));
        }
        if entries.len() > BATCH_MAX_ENTRIES {
            return Err(SqsError::new(
                "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                format!("Maximum number of entries per request are 10. You have sent {}.", entries.len()),
            ));
        }
        let total: u64 = entries.iter().map(|e| e.body.as_ref().map_or(e.size, |b| b.len() as u64)).sum();
        if total > BATCH_MAX_BYTES {
            return Err(SqsError::new(
                "AWS.SimpleQueueService.BatchRequestTooLong",
                format!("Batch requests cannot be longer than 1048576 bytes. You have sent {total} bytes."),
            ));
        }
        let attrs = self.get(queue).attributes();
        if attrs.fifo {
            if entries.iter().any(|e| e.group_id.is_none()) {
                return Err(SqsError::invalid_parameter("The request must contain the parameter MessageGroupId."));
            }
            if !attrs.content_based_deduplication && entries.iter().any(|e| e.dedup_id.is_none()) {
                return Err(SqsError::invalid_parameter(
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                ));
            }
        }
        // The batch is one call against the FIFO throughput limit: 300 batches of 10 make the
        // 3,000 messages per second AWS allows (SQS-11).
        self.get_mut(queue).admit(now, Action::SendMessage)?;
        let mut results = Vec::with_capacity(entries.len());
        for entry in entries {
            results.push(self.send_admitted(now, queue, entry, rng).map_err(batch_entry_error));
        }
        Ok(results)
    }

    /// `ReceiveMessage` (one attempt; long-poll waiting is the caller's, see [`Queue::next_change`]).
    pub fn receive(
        &mut self,
        now: SimTime,
        queue: QueueId,
        req: ReceiveRequest,
        rng: &mut SimRng,
    ) -> Result<Vec<Received>, SqsError> {
        let res = self.get_mut(queue).receive(now, req, rng);
        self.collect(now, queue);
        res
    }

    /// [`Sqs::receive`] into a reusable buffer (cleared first).
    pub fn receive_into(
        &mut self,
        now: SimTime,
        queue: QueueId,
        req: ReceiveRequest,
        rng: &mut SimRng,
        out: &mut Vec<Received>,
    ) -> Result<(), SqsError> {
        let res = self.get_mut(queue).receive_into(now, req, rng, out);
        self.collect(now, queue);
        res
    }

    /// `DeleteMessage`: `Ok(false)` when AWS answers success but the message stays (see `Queue::delete`).
    pub fn delete(
        &mut self,
        now: SimTime,
        queue: QueueId,
        receipt_handle: ReceiptHandle,
        rng: &mut SimRng,
    ) -> Result<bool, SqsError> {
        let res = self.get_mut(queue).delete(now, receipt_handle, rng);
        self.collect(now, queue);
        res
    }

    /// `ChangeMessageVisibility`.
    pub fn change_visibility(
        &mut self,
        now: SimTime,
        queue: QueueId,
        receipt_handle: ReceiptHandle,
        timeout_s: u64,
    ) -> Result<(), SqsError> {
        let res = self.get_mut(queue).change_visibility(now, receipt_handle, timeout_s);
        self.collect(now, queue);
        res
    }

    /// Lets time pass in every queue (timers, retention).
    pub fn advance(&mut self, now: SimTime) {
        for i in 0..self.queues.len() {
            self.queues[i].advance(now);
            self.collect(now, QueueId(i));
        }
    }

    /// The earliest time any queue changes by itself.
    pub fn next_change(&self) -> Option<SimTime> {
        self.queues.iter().filter_map(Queue::next_change).min()
    }

    /// `true` when events were recorded since the last drain.
    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }
    /// Takes the events recorded since the last drain.
    pub fn drain_events(&mut self) -> std::vec::Drain<'_, SqsEvent> {
        self.events.drain(..)
    }

    fn get_mut(&mut self, queue: QueueId) -> &mut Queue {
        &mut self.queues[queue.0]
    }

    /// Moves the events of `queue` into the service log, delivering dead-letter moves.
    fn collect(&mut self, now: SimTime, queue: QueueId) {
        if self.get_mut(queue).has_no_events() {
            return;
        }
        let events = self.get_mut(queue).drain_events();
        for event in events {
            if let QueueEvent::MovedToDeadLetterQueue { message, dead_letter_queue, .. } = &event {
                self.deliver_to_dlq(now, queue, dead_letter_queue, (**message).clone());
            }
            self.events.push(SqsEvent { queue, event });
        }
    }

    fn deliver_to_dlq(&mut self, now: SimTime, source: QueueId, dlq: &str, message: Message) {
        // A redrive policy must name an existing queue (`check_dead_letter_target`) and queues
        // are never deleted, so the target is there.
        let target = self.id(dlq);
        debug_assert!(target.is_ok(), "dead-letter queue {dlq} does not exist");
        if let Ok(id) = target {
            let source_arn = super::attributes::queue_arn(self.get(source).name());
            self.get_mut(id).accept_moved(now, message, source_arn);
        }
    }
}

/// A failed entry of `SendMessageBatch` as AWS words it in `Failed[]`: an empty body is
/// `EmptyValue` (BAL testSendMessageBatchPartialFailure; its text was not recorded, the single
/// send's is kept), an oversized one "cannot be validated" where a single send "is invalid"
/// (LS test_send_batch_message_size).
fn batch_entry_error(e: SqsError) -> SqsError {
    match e.code {
        "MissingParameter" => SqsError { code: "EmptyValue", ..e },
        _ => match e.message.strip_prefix("One or more parameters are invalid.") {
            Some(rest) => SqsError { message: format!("One or more parameters cannot be validated.{rest}"), ..e },
            None => e,
        },
    }
}

/// Queue names: 1–80 characters of `[A-Za-z0-9_-]`, plus `.fifo` for FIFO queues (SQS-03).
fn check_queue_name(name: &str) -> Result<(), SqsError> {
    let stem = name.strip_suffix(".fifo").unwrap_or(name);
    let ok =
        !stem.is_empty() && name.len() <= 80 && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        return Ok(());
    }
    Err(SqsError::invalid_parameter(
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
    ))
}

fn first_difference(a: &QueueAttributes, b: &QueueAttributes) -> Option<&'static str> {
    let pairs: [(&'static str, bool); 8] = [
        ("DelaySeconds", a.delay_s == b.delay_s),
        ("VisibilityTimeout", a.visibility_timeout_s == b.visibility_timeout_s),
        ("MessageRetentionPeriod", a.retention_s == b.retention_s),
        ("MaximumMessageSize", a.max_message_size == b.max_message_size),
        ("ReceiveMessageWaitTimeSeconds", a.receive_wait_s == b.receive_wait_s),
        ("ContentBasedDeduplication", a.content_based_deduplication == b.content_based_deduplication),
        ("RedrivePolicy", a.redrive == b.redrive),
        ("FifoQueue", a.fifo == b.fifo),
    ];
    pairs.iter().find(|(_, same)| !same).map(|(name, _)| *name)
}
