//! The SQS service: named queues, message ids, and dead-letter moves between queues.

use std::collections::BTreeMap;

use super::attributes::QueueAttributes;
use super::error::SqsError;
use super::queue::{
    Fidelity, Message, MessageId, Queue, QueueEvent, ReceiveRequest, Received, SendRequest, SendResult,
};
use crate::rng::SimRng;
use crate::time::SimTime;

/// A queue event together with the queue it happened in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqsEvent {
    /// The queue's name.
    pub queue: String,
    /// What happened.
    pub event: QueueEvent,
}

/// All queues of one simulated account and Region.
#[derive(Debug)]
pub struct Sqs {
    queues: BTreeMap<String, Queue>,
    fidelity: Fidelity,
    next_id: u64,
    events: Vec<SqsEvent>,
}

impl Sqs {
    /// No queues yet; `fidelity` applies to every queue created.
    pub fn new(fidelity: Fidelity) -> Sqs {
        Sqs { queues: BTreeMap::new(), fidelity, next_id: 0, events: Vec::new() }
    }

    /// `CreateQueue` from AWS's attribute map. Creating an existing queue with identical
    /// attributes succeeds; with different ones it fails (SQS-43).
    pub fn create_queue(&mut self, name: &str, attributes: &BTreeMap<String, String>) -> Result<(), SqsError> {
        check_queue_name(name)?;
        let attrs = QueueAttributes::from_create(name, attributes)?;
        self.create_queue_with(name, attrs)
    }

    /// `CreateQueue` with typed attributes.
    pub fn create_queue_with(&mut self, name: &str, attrs: QueueAttributes) -> Result<(), SqsError> {
        attrs.validate()?;
        if let Some(existing) = self.queues.get(name) {
            if let Some(field) = first_difference(existing.attributes(), &attrs) {
                return Err(SqsError::new(
                    "QueueAlreadyExists",
                    format!("A queue already exists with the same name and a different value for attribute {field}"),
                ));
            }
            return Ok(());
        }
        self.queues.insert(name.to_owned(), Queue::new(name, attrs, self.fidelity));
        Ok(())
    }

    /// `SetQueueAttributes`.
    pub fn set_queue_attributes(&mut self, name: &str, attributes: &BTreeMap<String, String>) -> Result<(), SqsError> {
        let queue = self.queue_mut(name)?;
        let attrs = queue.attributes().apply_set(attributes)?;
        queue.set_attributes(attrs);
        Ok(())
    }

    /// A queue, for state queries.
    pub fn queue(&self, name: &str) -> Option<&Queue> {
        self.queues.get(name)
    }

    /// Every queue, by name.
    pub fn queues(&self) -> impl Iterator<Item = &Queue> {
        self.queues.values()
    }

    /// `SendMessage`.
    pub fn send(&mut self, now: SimTime, queue: &str, req: SendRequest) -> Result<SendResult, SqsError> {
        let id = MessageId(self.next_id);
        let res = self.queue_mut(queue)?.send(now, req, id);
        if matches!(res, Ok(SendResult { deduplicated: false, .. })) {
            self.next_id += 1;
        }
        self.collect(now, queue);
        res
    }

    /// `SendMessageBatch`: ≤10 entries, each succeeding or failing on its own (SQS-32). A missing
    /// group id is `InvalidParameterValue` here, not `MissingParameter` as for a single send.
    pub fn send_batch(
        &mut self,
        now: SimTime,
        queue: &str,
        entries: Vec<SendRequest>,
    ) -> Result<Vec<Result<SendResult, SqsError>>, SqsError> {
        if entries.is_empty() {
            return Err(SqsError::new(
                "EmptyBatchRequest",
                "There should be at least one SendMessageBatchRequestEntry in the request.",
            ));
        }
        if entries.len() > super::limits::BATCH_MAX_ENTRIES {
            return Err(SqsError::new(
                "TooManyEntriesInBatchRequest",
                format!("Maximum number of entries per request are 10. You have sent {}.", entries.len()),
            ));
        }
        let mut results = Vec::with_capacity(entries.len());
        for entry in entries {
            let res = self.send(now, queue, entry).map_err(|e| match e.code {
                "MissingParameter" => SqsError { code: "InvalidParameterValue", ..e },
                _ => e,
            });
            results.push(res);
        }
        Ok(results)
    }

    /// `ReceiveMessage` (one attempt; long-poll waiting is the caller's, see [`Queue::next_change`]).
    pub fn receive(
        &mut self,
        now: SimTime,
        queue: &str,
        req: ReceiveRequest,
        rng: &mut SimRng,
    ) -> Result<Vec<Received>, SqsError> {
        let res = self.queue_mut(queue)?.receive(now, req, rng);
        self.collect(now, queue);
        res
    }

    /// `DeleteMessage`: `Ok(false)` when AWS answers success but the message stays (see `Queue::delete`).
    pub fn delete(
        &mut self,
        now: SimTime,
        queue: &str,
        receipt_handle: &str,
        rng: &mut SimRng,
    ) -> Result<bool, SqsError> {
        let res = self.queue_mut(queue)?.delete(now, receipt_handle, rng);
        self.collect(now, queue);
        res
    }

    /// `ChangeMessageVisibility`.
    pub fn change_visibility(
        &mut self,
        now: SimTime,
        queue: &str,
        receipt_handle: &str,
        timeout_s: u64,
    ) -> Result<(), SqsError> {
        let res = self.queue_mut(queue)?.change_visibility(now, receipt_handle, timeout_s);
        self.collect(now, queue);
        res
    }

    /// Lets time pass in every queue (timers, retention).
    pub fn advance(&mut self, now: SimTime) {
        let names: Vec<String> = self.queues.keys().cloned().collect();
        for name in names {
            if let Some(q) = self.queues.get_mut(&name) {
                q.advance(now);
            }
            self.collect(now, &name);
        }
    }

    /// The earliest time any queue changes by itself.
    pub fn next_change(&self) -> Option<SimTime> {
        self.queues.values().filter_map(Queue::next_change).min()
    }

    /// Takes the events recorded since the last drain.
    pub fn drain_events(&mut self) -> Vec<SqsEvent> {
        std::mem::take(&mut self.events)
    }

    fn queue_mut(&mut self, name: &str) -> Result<&mut Queue, SqsError> {
        self.queues.get_mut(name).ok_or_else(|| {
            SqsError::new("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
        })
    }

    /// Moves the events of `queue` into the service log, delivering dead-letter moves.
    fn collect(&mut self, now: SimTime, queue: &str) {
        let Some(q) = self.queues.get_mut(queue) else { return };
        let events = q.drain_events();
        for event in events {
            if let QueueEvent::MovedToDeadLetterQueue { message, dead_letter_queue, .. } = &event {
                self.deliver_to_dlq(now, dead_letter_queue, (**message).clone());
            }
            self.events.push(SqsEvent { queue: queue.to_owned(), event });
        }
    }

    fn deliver_to_dlq(&mut self, now: SimTime, dlq: &str, message: Message) {
        // A redrive policy naming a queue that does not exist cannot be created through the
        // API; if it happens anyway the message is dropped, which the event log still shows.
        if let Some(q) = self.queues.get_mut(dlq) {
            q.accept_moved(now, message);
        }
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
