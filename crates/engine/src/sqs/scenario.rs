//! The SQS scenario: producers and consumers around a queue (and its dead-letter queue), driven
//! on the scheduler. Producers send on their workloads; consumers poll (short or long), process
//! each message for a sampled time, and delete it — or fail, crash before deleting, or meet a
//! poison message that always fails. Everything they do is traced with a reason code.

use std::collections::{BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::action::{Action, ApiCalls};
use super::attributes::{QueueAttributes, RedrivePolicy};
use super::limits::*;
use super::pricing;
use super::queue::{
    Fidelity, MessageId, Queue, QueueEvent, ReceiptHandle, ReceiveRequest, Received, SendRequest, SendResult,
};
use super::service::{QueueId, Sqs};
use super::SqsError;
use crate::apigw::retry::{backoff, Failure};
use crate::dist::Distribution;
use crate::metrics::{Histogram, SeriesId, SeriesKind};
use crate::scenario::{check_int_range, check_range, check_version, current_version, ConfigError};
use crate::sim::{Ctx, Model, Sim};
use crate::time::{SimDuration, SimTime};
use crate::trace::{Reason, StableHasher, TraceRecord};
use crate::workload::{Arrivals, Workload};

/// The main queue's name in a scenario.
pub const MAIN_QUEUE: &str = "orders";
/// The dead-letter queue's name in a scenario.
pub const DEAD_LETTER_QUEUE: &str = "orders-dlq";

/// The most consumers a scenario may have (a playground bound, not an AWS one).
pub const MAX_CONSUMERS: u32 = 1_000;
/// The most FIFO message groups a producer spreads messages over (a playground bound).
pub const MAX_GROUPS: u32 = 1_000;
/// The longest API round trip a scenario may set, milliseconds (a playground bound).
pub const MAX_REQUEST_LATENCY_MS: f64 = 10_000.0;

/// The `kind` of SQS scenario files.
pub const SCENARIO_KIND: &str = "sqs";

/// A whole SQS scenario: serde data, the same in a URL, a JSON file and a preset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SqsScenario {
    /// Scenario format version.
    #[serde(default = "current_version")]
    pub v: u32,
    /// The main queue's attributes (`fifo` picks the queue type; the redrive policy comes from `dlq`).
    pub queue: QueueAttributes,
    /// A dead-letter queue, if any.
    pub dlq: Option<DlqSettings>,
    /// Who sends.
    pub producers: Vec<Producer>,
    /// Who receives.
    pub consumers: Consumers,
    /// Chance that a delete misses a stored copy on a standard queue (at-least-once delivery).
    pub duplicate_probability: f64,
    /// Short polls sample a subset of servers when the queue is small.
    pub short_poll_sampling: bool,
}

/// The dead-letter queue and the redrive policy pointing at it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DlqSettings {
    /// `maxReceiveCount`, 1–1,000.
    pub max_receive_count: u32,
    /// The DLQ's retention, seconds (set it longer than the source's: moved messages keep their age).
    pub retention_s: u64,
}

impl Default for DlqSettings {
    fn default() -> Self {
        DlqSettings { max_receive_count: 3, retention_s: RETENTION_MAX_S }
    }
}

/// One producer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Producer {
    /// When it sends.
    pub workload: Workload,
    /// Body size in bytes.
    pub message_size: u64,
    /// FIFO: how many message groups it spreads messages over (round robin), 1–1,000.
    pub groups: u32,
    /// Fraction of sends repeated with the same deduplication id (a producer retry), 0–1.
    pub resend_fraction: f64,
    /// Messages per `SendMessageBatch` call, 1–10 (1 = one `SendMessage` per message). A batch
    /// goes out when it holds this many messages, when one more would pass the 1 MiB batch total,
    /// or [`SEND_BATCH_LINGER`] after its first message, whichever comes first.
    pub batch_size: u32,
    /// Per-message `DelaySeconds`, 0–900 (0 = not sent: the queue's delivery delay applies).
    /// Standard queues only: a FIFO queue refuses it.
    pub delay_s: u64,
}

impl Default for Producer {
    fn default() -> Self {
        Producer {
            workload: Workload::Poisson { rate_per_s: 5.0 },
            message_size: 1_024,
            groups: 3,
            resend_fraction: 0.0,
            batch_size: 1,
            delay_s: 0,
        }
    }
}

/// The consumers: identical workers polling the main queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Consumers {
    /// How many, 0–1,000.
    pub count: u32,
    /// `WaitTimeSeconds`, 0–20 (0 = short polling); `None` (`null` in a file) passes none, so the
    /// queue's `ReceiveMessageWaitTimeSeconds` applies (SQS-23). A file without the field means
    /// 20 s, as it always did.
    pub wait_s: Option<u64>,
    /// `MaxNumberOfMessages`, 1–10.
    pub batch_size: u32,
    /// Processing time of one message.
    pub processing: Distribution,
    /// Chance that processing fails (the message is not deleted), 0–1.
    pub failure_probability: f64,
    /// Chance that the consumer crashes after processing, before deleting, 0–1.
    pub crash_probability: f64,
    /// Fraction of messages that always fail ("poison"), 0–1.
    pub poison_fraction: f64,
    /// Round-trip time of one API call, milliseconds.
    pub request_latency_ms: f64,
    /// A visibility heartbeat while processing, if any.
    pub heartbeat: Option<Heartbeat>,
    /// Scale the number of consumers with the backlog, if set (`count` is where it starts).
    pub autoscale: Option<Autoscale>,
}

/// A visibility "heartbeat": while a consumer holds received messages it calls
/// `ChangeMessageVisibility` on each of them every `every_s`, setting its timeout to
/// `extend_to_s` from the call (SQS-18). SQS refuses an extension past 12 hours from the
/// receive (SQS-17); the message then times out as usual.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// Seconds between calls, 1–43,200 (first call this long after the receive).
    pub every_s: u64,
    /// The `VisibilityTimeout` each call sets, 0–43,200 seconds from the call.
    pub extend_to_s: u64,
}

/// Consumers that follow the backlog, as AWS's "scaling policy based on Amazon SQS" does: the
/// backlog per instance is `ApproximateNumberOfMessagesVisible` / running instances, and a
/// target tracking policy keeps it near `target_backlog_per_instance`
/// (docs.aws.amazon.com/autoscaling/ec2/userguide/as-using-sqs-queue.html). The metric is read
/// every [`AUTOSCALE_PERIOD`] (SQS sends its CloudWatch metrics once a minute).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Autoscale {
    /// The acceptable backlog per instance, messages, 1–100,000.
    pub target_backlog_per_instance: u32,
    /// Fewest consumers, 0–1,000.
    pub min: u32,
    /// Most consumers, 1–1,000 (at least `min`).
    pub max: u32,
    /// Time from a scale-out decision until the new consumer polls (launch and warm-up), 0–3,600 s.
    pub scale_out_delay_s: u64,
    /// How long the backlog must call for fewer consumers before one stops, 0–3,600 s.
    pub scale_in_delay_s: u64,
}

impl Default for Autoscale {
    fn default() -> Self {
        Autoscale { target_backlog_per_instance: 10, min: 1, max: 10, scale_out_delay_s: 30, scale_in_delay_s: 120 }
    }
}

/// How often the autoscaler reads the backlog: SQS's CloudWatch metrics come once a minute.
pub const AUTOSCALE_PERIOD: SimDuration = SimDuration::from_secs(60);
/// The longest scale-out or scale-in delay a scenario may set, seconds (a playground bound).
pub const MAX_SCALE_DELAY_S: u64 = 3_600;
/// The largest backlog-per-instance target (a playground bound).
pub const MAX_BACKLOG_TARGET: u32 = 100_000;
/// How long a batching producer holds a batch open for more messages: the AWS SDK for Java's
/// buffered client default (`QueueBufferConfig.MAX_BATCH_OPEN_MS_DEFAULT`, 200 ms).
pub const SEND_BATCH_LINGER: SimDuration = SimDuration::from_millis(200);
/// The most a `SendMessageBatch` may carry in total, bytes (SQS-32, C1: 1 MiB).
pub const SEND_BATCH_MAX_BYTES: u64 = MESSAGE_SIZE_MAX;

impl Default for Consumers {
    fn default() -> Self {
        Consumers {
            count: 2,
            wait_s: Some(20),
            batch_size: 1,
            processing: Distribution::LogNormal { median_ms: 300.0, p99_ms: 1_500.0 },
            failure_probability: 0.0,
            crash_probability: 0.0,
            poison_fraction: 0.0,
            request_latency_ms: 20.0,
            heartbeat: None,
            autoscale: None,
        }
    }
}

impl Default for SqsScenario {
    fn default() -> Self {
        SqsScenario {
            v: current_version(),
            queue: QueueAttributes::default(),
            dlq: None,
            producers: vec![Producer::default()],
            consumers: Consumers::default(),
            duplicate_probability: Fidelity::default().duplicate_probability,
            short_poll_sampling: true,
        }
    }
}

impl SqsScenario {
    /// The yardstick `cargo xtask bench` runs natively and in wasm: 1,000 messages/s (Poisson)
    /// to 20 long-polling consumers that take up to 10 at a time, 5 ms of work per message and
    /// 10 ms per API call.
    pub fn benchmark() -> SqsScenario {
        let mut s = SqsScenario::default();
        s.producers[0].workload = Workload::Poisson { rate_per_s: 1_000.0 };
        s.consumers.count = 20;
        s.consumers.batch_size = 10;
        s.consumers.processing = Distribution::Fixed { ms: 5.0 };
        s.consumers.request_latency_ms = 10.0;
        s
    }

    /// The scenario as the file `nimbus run` reads: its fields plus `"kind": "sqs"`.
    pub fn to_file_json(&self) -> String {
        crate::scenario::to_file_json(self, SCENARIO_KIND)
    }

    /// Reads and validates a scenario file (see [`crate::scenario::from_file_json`]).
    pub fn from_file_json(text: &str) -> Result<SqsScenario, String> {
        crate::scenario::from_file_json(text, SCENARIO_KIND, "SQS", SqsScenario::validate)
    }

    /// Checks every field against AWS's ranges; the error names the field, value and range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_version(self.v)?;
        let q = &self.queue;
        check_int_range("queue.visibility_timeout_s", q.visibility_timeout_s, 0..=VISIBILITY_TIMEOUT_MAX_S)?;
        check_int_range("queue.delay_s", q.delay_s, 0..=DELAY_MAX_S)?;
        check_int_range("queue.retention_s", q.retention_s, RETENTION_MIN_S..=RETENTION_MAX_S)?;
        check_int_range("queue.max_message_size", q.max_message_size, MESSAGE_SIZE_MIN..=MESSAGE_SIZE_MAX)?;
        check_int_range("queue.receive_wait_s", q.receive_wait_s, 0..=WAIT_TIME_MAX_S)?;
        if q.redrive.is_some() {
            return Err(ConfigError::Invalid {
                field: "queue.redrive".into(),
                value: "set".into(),
                rule: "configure the dead-letter queue with `dlq` instead".into(),
            });
        }
        if let Some(dlq) = &self.dlq {
            check_int_range(
                "dlq.max_receive_count",
                u64::from(dlq.max_receive_count),
                1..=u64::from(MAX_RECEIVE_COUNT_MAX),
            )?;
            check_int_range("dlq.retention_s", dlq.retention_s, RETENTION_MIN_S..=RETENTION_MAX_S)?;
        }
        check_int_range("producers", self.producers.len() as u64, 0..=100)?;
        for (i, p) in self.producers.iter().enumerate() {
            p.workload.validate(&format!("producers[{i}].workload"))?;
            check_int_range(&format!("producers[{i}].message_size"), p.message_size, 1..=q.max_message_size)?;
            check_int_range(&format!("producers[{i}].groups"), u64::from(p.groups), 1..=u64::from(MAX_GROUPS))?;
            check_range(&format!("producers[{i}].resend_fraction"), p.resend_fraction, 0.0..=1.0)?;
            check_int_range(
                &format!("producers[{i}].batch_size"),
                u64::from(p.batch_size),
                1..=BATCH_MAX_ENTRIES as u64,
            )?;
            check_int_range(&format!("producers[{i}].delay_s"), p.delay_s, 0..=DELAY_MAX_S)?;
            if q.fifo && p.delay_s > 0 {
                // What SendMessage answers on a FIFO queue (SQS-27): the delay is the queue's only.
                return Err(ConfigError::Invalid {
                    field: format!("producers[{i}].delay_s"),
                    value: p.delay_s.to_string(),
                    rule: "a FIFO queue refuses a per-message DelaySeconds (InvalidParameterValue: \"The request include parameter that is not valid for this queue type.\"); set the queue's delivery delay instead".into(),
                });
            }
        }
        let c = &self.consumers;
        check_int_range("consumers.count", u64::from(c.count), 0..=u64::from(MAX_CONSUMERS))?;
        if let Some(wait_s) = c.wait_s {
            check_int_range("consumers.wait_s", wait_s, 0..=WAIT_TIME_MAX_S)?;
        }
        check_int_range("consumers.batch_size", u64::from(c.batch_size), 1..=u64::from(RECEIVE_MAX_MESSAGES))?;
        c.processing.validate("consumers.processing")?;
        check_range("consumers.failure_probability", c.failure_probability, 0.0..=1.0)?;
        check_range("consumers.crash_probability", c.crash_probability, 0.0..=1.0)?;
        check_range("consumers.poison_fraction", c.poison_fraction, 0.0..=1.0)?;
        check_range("consumers.request_latency_ms", c.request_latency_ms, 0.0..=MAX_REQUEST_LATENCY_MS)?;
        if let Some(h) = &c.heartbeat {
            check_int_range("consumers.heartbeat.every_s", h.every_s, 1..=VISIBILITY_TIMEOUT_MAX_S)?;
            check_int_range("consumers.heartbeat.extend_to_s", h.extend_to_s, 0..=VISIBILITY_TIMEOUT_MAX_S)?;
        }
        if let Some(a) = &c.autoscale {
            check_int_range(
                "consumers.autoscale.target_backlog_per_instance",
                u64::from(a.target_backlog_per_instance),
                1..=u64::from(MAX_BACKLOG_TARGET),
            )?;
            check_int_range("consumers.autoscale.max", u64::from(a.max), 1..=u64::from(MAX_CONSUMERS))?;
            check_int_range("consumers.autoscale.min", u64::from(a.min), 0..=u64::from(a.max))?;
            check_int_range("consumers.autoscale.scale_out_delay_s", a.scale_out_delay_s, 0..=MAX_SCALE_DELAY_S)?;
            check_int_range("consumers.autoscale.scale_in_delay_s", a.scale_in_delay_s, 0..=MAX_SCALE_DELAY_S)?;
            if !(a.min..=a.max).contains(&c.count) {
                return Err(ConfigError::Invalid {
                    field: "consumers.count".into(),
                    value: c.count.to_string(),
                    rule: format!(
                        "with autoscaling the consumers start within its fewest and most, {}–{}",
                        a.min, a.max
                    ),
                });
            }
        }
        check_range("duplicate_probability", self.duplicate_probability, 0.0..=1.0)?;
        crate::scenario::check_offered("each message sent, received and deleted", self.offered_per_s())
    }

    /// The long-poll wait of the consumers' receives, seconds: their own `WaitTimeSeconds`, or
    /// the queue's `ReceiveMessageWaitTimeSeconds` when they pass none (SQS-23).
    pub fn consumer_wait_s(&self) -> u64 {
        self.consumers.wait_s.unwrap_or(self.queue.receive_wait_s)
    }

    /// Operations per simulated second it offers: each message sent, received and deleted.
    pub fn offered_per_s(&self) -> f64 {
        3.0 * self.producers.iter().map(|p| p.workload.sustained_rate_per_s()).sum::<f64>()
    }
}

/// A running SQS scenario.
pub type SqsSim = Sim<SqsModel>;

impl Sim<SqsModel> {
    /// Builds a run of `scenario` with `seed`, or says which field is wrong.
    pub fn try_new(scenario: &SqsScenario, seed: u64) -> Result<SqsSim, ConfigError> {
        scenario.validate()?;
        let model = SqsModel::new(scenario).map_err(|e| ConfigError::Invalid {
            field: "queue".into(),
            value: e.code.into(),
            rule: e.message,
        })?;
        Ok(Sim::with_model(model, seed))
    }
}

/// Scheduled work of the SQS scenario.
#[derive(Clone, Copy, Debug)]
pub enum Work {
    /// A producer sends its next message.
    Produce { producer: u32 },
    /// A consumer calls ReceiveMessage.
    Poll { consumer: u32 },
    /// A long poll's wait may end (the consumer's current poll decides).
    PollDeadline { consumer: u32 },
    /// A consumer finishes processing its current message.
    Processed { consumer: u32 },
    /// A crashed consumer is back.
    Restarted { consumer: u32 },
    /// Something in the queues changes by itself now (a delay or visibility timeout ends).
    QueueTick,
    /// Gauges are sampled for the charts.
    Sample,
    /// A consumer's visibility heartbeat for its receive number `batch` (stale after the next).
    Heartbeat { consumer: u32, batch: u32 },
    /// A batching producer's batch number `batch` has waited [`SEND_BATCH_LINGER`]: send it.
    FlushBatch { producer: u32, batch: u64 },
    /// The autoscaler reads the backlog.
    Scale,
    /// A consumer started by the autoscaler is ready to poll.
    InstanceUp { consumer: u32 },
}

/// What happened, for the trace, the event log and the inspector.
#[derive(Clone, Debug, PartialEq)]
pub struct SqsTraceEvent {
    /// When.
    pub at: SimTime,
    /// Why.
    pub reason: Reason,
    /// The message, if one is involved.
    pub message: Option<MessageId>,
    /// The consumer or producer, if one is involved.
    pub actor: Option<u32>,
    /// The receive count after the event (or `maxReceiveCount` for a DLQ move).
    pub count: u32,
    /// `true` when the event is in the dead-letter queue.
    pub in_dlq: bool,
}

impl TraceRecord for SqsTraceEvent {
    fn at(&self) -> SimTime {
        self.at
    }
    fn reason(&self) -> Reason {
        self.reason
    }
    fn hash_into(&self, h: &mut StableHasher) {
        // One step of the hash chain per event: this runs for every event of every run.
        h.write_u64x4([
            self.at.as_micros(),
            self.message.map_or(u64::MAX, |m| m.0),
            u64::from(self.reason.stable_id()) << 32 | u64::from(self.actor.unwrap_or(u32::MAX)),
            u64::from(self.count) << 1 | u64::from(self.in_dlq),
        ]);
    }
    fn subject(&self) -> Option<u64> {
        self.message.map(|m| m.0)
    }
    fn describe(&self) -> String {
        let m = self.message.map_or_else(|| "—".to_owned(), |m| m.to_string());
        let who = self.actor.map_or(0, |a| a + 1);
        match self.reason {
            Reason::Sent => format!("producer {who} sent {m}"),
            Reason::Deduplicated => {
                format!("producer {who} resent {m}: accepted, not enqueued (same deduplication id within 5 min)")
            }
            Reason::DelayEnded => format!("{m} is visible: its delay ended"),
            Reason::Received => format!("consumer {who} received {m} (receive #{})", self.count),
            Reason::EmptyReceive => format!("consumer {who}: receive returned no messages"),
            Reason::Processed => format!("consumer {who} processed {m}"),
            Reason::ProcessingFailed => format!("consumer {who} failed to process {m}: not deleted, it will come back"),
            Reason::ConsumerCrashed => format!("consumer {who} crashed after processing {m}, before deleting it"),
            Reason::Deleted => format!("consumer {who} deleted {m}"),
            Reason::VisibilityExpired => {
                format!(
                    "{m}: visibility timeout expired before a delete; visible again after {}",
                    crate::text::count(self.count, "receive", "receives")
                )
            }
            Reason::MovedToDlq => {
                format!("{m} moved to the dead-letter queue: a receive would exceed maxReceiveCount {}", self.count)
            }
            Reason::RetentionExpired => format!("{m} dropped: older than the retention period"),
            Reason::DuplicateDelivery => format!("consumer {who} processed {m} again (a duplicate delivery)"),
            Reason::OutOfOrder => format!(
                "consumer {who} received {m} out of order: a message sent after it was received first (a standard queue orders on a best-effort basis)"
            ),
            Reason::CopySurvivedDelete => format!("{m}: the delete missed a stored copy; it will come back"),
            Reason::StaleReceipt => format!("{m}: delete with an outdated receipt handle did not delete"),
            Reason::Throttled => format!("consumer or producer {who}: request throttled"),
            Reason::VisibilityExtended => format!(
                "consumer {who} extended the visibility of {m} (heartbeat: ChangeMessageVisibility, receive #{})",
                self.count
            ),
            Reason::ExtendRefused => match self.count {
                EXTEND_PAST_12_HOURS => format!(
                    "consumer {who}: ChangeMessageVisibility on {m} refused, InvalidParameterValue: Total VisibilityTimeout for the message is beyond the limit [43200 seconds] (12 h from its receive); it will time out"
                ),
                EXTEND_NOT_IN_FLIGHT => format!(
                    "consumer {who}: ChangeMessageVisibility on {m} refused, MessageNotInflight: The message referred to isn't in flight."
                ),
                _ => format!(
                    "consumer {who}: ChangeMessageVisibility on {m} refused, InvalidParameterValue: The receipt handle has expired (another receive took it)"
                ),
            },
            Reason::ScaledOut => format!(
                "autoscaling: backlog per instance above target, consumer {who} starting ({} wanted)",
                self.count
            ),
            Reason::ScaledIn => format!(
                "autoscaling: backlog per instance below target, consumer {who} stops after its current work ({} wanted)",
                self.count
            ),
            Reason::Started => format!("consumer {who} is up and polling"),
            other => format!("{m}: {}", other.code()),
        }
    }
}

/// `count` of an `EXTEND_REFUSED` event: the 12-hour limit (SQS-17).
const EXTEND_PAST_12_HOURS: u32 = 1;
/// `count` of an `EXTEND_REFUSED` event: `MessageNotInflight` (SQS-18).
const EXTEND_NOT_IN_FLIGHT: u32 = 2;
/// `count` of an `EXTEND_REFUSED` event: an outdated receipt handle.
const EXTEND_STALE_RECEIPT: u32 = 3;

/// How long a crashed consumer takes to come back.
const CONSUMER_RESTART: SimDuration = SimDuration::from_secs(5);

/// What a consumer is doing, for the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerActivity {
    /// Between calls, or a receive on its way (short polling, or a long poll that just returned).
    Polling,
    /// A long poll waiting for a message until `until`.
    LongPolling {
        /// When the wait ends with an empty receive.
        until: SimTime,
    },
    /// Processing message `index` of its batch.
    Processing {
        /// Position in the batch.
        index: usize,
    },
    /// Crashed before deleting; restarts at `at`.
    Restarting {
        /// When it is back.
        at: SimTime,
    },
    /// Not running (an autoscaled consumer beyond the current count).
    Stopped,
    /// Started by the autoscaler; polls from `at`.
    Starting {
        /// When it is up.
        at: SimTime,
    },
}

/// Counts and latencies of a run, for `nimbus run` and the playground's metrics panel.
#[derive(Clone, Debug, Default)]
pub struct SqsTotals {
    /// Messages sent (enqueued).
    pub sent: u64,
    /// Sends accepted but deduplicated.
    pub deduplicated: u64,
    /// Messages handed to consumers.
    pub received: u64,
    /// Messages deleted after processing.
    pub deleted: u64,
    /// Receives that returned nothing.
    pub empty_receives: u64,
    /// Messages processed more than once.
    pub duplicates_processed: u64,
    /// First receives that came after the first receive of a message sent later: a standard
    /// queue's best-effort order (a FIFO queue counts within each message group, and never does).
    pub out_of_order: u64,
    /// Processing failures (including poison messages).
    pub failures: u64,
    /// Consumer crashes before a delete.
    pub crashes: u64,
    /// Messages moved to the dead-letter queue.
    pub moved_to_dlq: u64,
    /// Messages dropped by retention.
    pub expired: u64,
    /// API requests by action.
    pub api_calls: ApiCalls,
    /// Requests as SQS bills them: each started 64 KB of payload is one.
    pub billed_requests: u64,
    /// Time from send to delete.
    pub latency: Histogram,
    /// Time a message waits in the queue: from its send to its first receive.
    pub queue_wait: Histogram,
    /// Heartbeat visibility extensions SQS accepted.
    pub visibility_extended: u64,
    /// Heartbeat visibility extensions SQS refused.
    pub extend_refused: u64,
    /// Consumers started by the autoscaler.
    pub scaled_out: u64,
    /// Consumers stopped by the autoscaler.
    pub scaled_in: u64,
}

/// What processing needs of a received message (copied, so the batch can stay borrowed-free).
#[derive(Clone, Copy, Debug)]
struct Handled {
    message_id: MessageId,
    receipt_handle: ReceiptHandle,
    receive_count: u32,
    sent_at: SimTime,
}

impl Handled {
    fn of(r: &Received) -> Handled {
        Handled {
            message_id: r.message_id,
            receipt_handle: r.receipt_handle,
            receive_count: r.receive_count,
            sent_at: r.sent_at,
        }
    }
}

#[derive(Clone, Debug)]
enum ConsumerState {
    /// Waiting for the response of a receive (or for the next poll).
    Idle,
    /// A long poll is waiting for a message until `deadline`.
    Waiting { deadline: SimTime },
    /// Processing message `index` of its batch (kept in `SqsModel::batches`).
    Processing { index: usize },
    /// Crashed; back at `until`.
    Down { until: SimTime },
    /// Not running (autoscaling).
    Stopped,
    /// Started by the autoscaler, up at `at`.
    Starting { at: SimTime },
}

#[derive(Clone, Copy, Debug)]
struct SqsSeries {
    visible: SeriesId,
    in_flight: SeriesId,
    delayed: SeriesId,
    dlq: SeriesId,
    oldest: SeriesId,
    sent: SeriesId,
    received: SeriesId,
    deleted: SeriesId,
    empty: SeriesId,
    duplicates: SeriesId,
    out_of_order: SeriesId,
    running: SeriesId,
}

/// The SQS scenario model.
#[derive(Clone, Debug)]
pub struct SqsModel {
    scenario: SqsScenario,
    sqs: Sqs,
    producers: Vec<(Arrivals, u64)>,
    consumers: Vec<ConsumerState>,
    /// Each consumer's current batch (a buffer reused for every receive).
    batches: Vec<Vec<Received>>,
    waiting: VecDeque<u32>,
    /// Long pollers woken by the current work item: their receive goes out before the next
    /// item (at the same instant, without a trip through the scheduler).
    woken: VecDeque<u32>,
    /// Whether a `PollDeadline` is scheduled for each consumer: at most one each, so a busy run
    /// does not fill the scheduler with deadlines of polls that already returned.
    deadline_pending: Vec<bool>,
    poison: BTreeSet<MessageId>,
    /// Messages processed at least once and still in the queue (bounded by the queue's size).
    processed: BTreeSet<MessageId>,
    tick_at: Option<SimTime>,
    /// The round trip of one API call (from the scenario, converted once).
    request_latency: SimDuration,
    /// The processing time when it is fixed (converted once; no draw to make).
    fixed_processing: Option<SimDuration>,
    main: QueueId,
    dlq: Option<QueueId>,
    totals: SqsTotals,
    series: Option<SqsSeries>,
    /// Each consumer's receive number, so a heartbeat of an earlier batch knows it is stale.
    beat_gen: Vec<u32>,
    /// Messages of each consumer's batch whose extension SQS refused (bit per position).
    refused: Vec<u16>,
    /// Each batching producer's open batch and its number.
    open_batches: Vec<(Vec<SendRequest>, u64)>,
    /// Consumers told to stop once their current work is done (autoscaling).
    retiring: Vec<bool>,
    /// Since when the backlog has called for fewer consumers (autoscaling).
    below_target_since: Option<SimTime>,
}

impl SqsModel {
    /// A model for a validated scenario.
    pub fn new(scenario: &SqsScenario) -> Result<SqsModel, super::SqsError> {
        let fidelity = Fidelity {
            short_poll_sampling: scenario.short_poll_sampling,
            duplicate_probability: scenario.duplicate_probability,
            ..Fidelity::default()
        };
        let mut sqs = Sqs::new(fidelity);
        let mut main = scenario.queue.clone();
        let mut dlq_id = None;
        if let Some(dlq) = &scenario.dlq {
            let dlq_attrs = QueueAttributes {
                fifo: main.fifo,
                retention_s: dlq.retention_s,
                content_based_deduplication: main.content_based_deduplication,
                ..QueueAttributes::default()
            };
            dlq_id = Some(sqs.create_queue_with(&dlq_name(main.fifo), dlq_attrs)?);
            main.redrive = Some(RedrivePolicy {
                dead_letter_queue: dlq_name(main.fifo),
                max_receive_count: dlq.max_receive_count,
            });
        }
        let main_id = sqs.create_queue_with(&main_name(main.fifo), main)?;
        let count = scenario.consumers.count as usize;
        // Autoscaling keeps a slot for every consumer it may run; those past `count` start stopped.
        let slots = scenario.consumers.autoscale.map_or(count, |a| count.max(a.max as usize));
        let mut consumers = vec![ConsumerState::Idle; count];
        consumers.resize(slots, ConsumerState::Stopped);
        Ok(SqsModel {
            scenario: scenario.clone(),
            sqs,
            producers: scenario.producers.iter().map(|p| (Arrivals::new(&p.workload), 0)).collect(),
            consumers,
            batches: vec![Vec::new(); slots],
            waiting: VecDeque::new(),
            woken: VecDeque::new(),
            deadline_pending: vec![false; slots],
            poison: BTreeSet::new(),
            processed: BTreeSet::new(),
            tick_at: None,
            request_latency: SimDuration::from_secs_f64(scenario.consumers.request_latency_ms / 1000.0),
            fixed_processing: match scenario.consumers.processing {
                Distribution::Fixed { .. } => {
                    Some(scenario.consumers.processing.sample(&mut crate::rng::SimRng::new(0)))
                }
                _ => None,
            },
            main: main_id,
            dlq: dlq_id,
            totals: SqsTotals::default(),
            series: None,
            beat_gen: vec![0; slots],
            refused: vec![0; slots],
            open_batches: vec![(Vec::new(), 0); scenario.producers.len()],
            retiring: vec![false; slots],
            below_target_since: None,
        })
    }

    /// The scenario it runs.
    pub fn scenario(&self) -> &SqsScenario {
        &self.scenario
    }
    /// The queues, for state queries (main queue and DLQ).
    pub fn sqs(&self) -> &Sqs {
        &self.sqs
    }
    /// The main queue.
    pub fn main_queue(&self) -> &Queue {
        self.sqs.get(self.main)
    }
    /// The dead-letter queue, if the scenario has one.
    pub fn dead_letter_queue(&self) -> Option<&Queue> {
        self.dlq.map(|d| self.sqs.get(d))
    }
    /// Counts and latencies so far.
    pub fn totals(&self) -> &SqsTotals {
        &self.totals
    }
    /// The list-price cost of the requests so far, in US dollars (an estimate: see [`pricing`]).
    pub fn estimated_cost_usd(&self) -> f64 {
        pricing::estimated_cost_usd(self.totals.billed_requests, self.scenario.queue.fifo)
    }
    /// Changes the main queue's attributes to `next`'s, now, as `SetQueueAttributes` does
    /// (`VisibilityTimeout`, `DelaySeconds`, `MessageRetentionPeriod`, `MaximumMessageSize`,
    /// `ReceiveMessageWaitTimeSeconds`, and the redrive policy's `maxReceiveCount`): a fork of a
    /// run ("what if the visibility timeout were 60 s from here on?"). Messages already in flight
    /// keep the deadline they were received with. Any other difference — the producers, the
    /// consumers, the queue type — is refused with what can change.
    pub fn set_queue_attributes(
        &mut self,
        cx: &mut Ctx<Work, SqsTraceEvent>,
        next: &SqsScenario,
    ) -> Result<(), String> {
        let (q, n) = (&self.scenario.queue, &next.queue);
        let same_rest = SqsScenario {
            queue: QueueAttributes {
                visibility_timeout_s: q.visibility_timeout_s,
                delay_s: q.delay_s,
                retention_s: q.retention_s,
                max_message_size: q.max_message_size,
                receive_wait_s: q.receive_wait_s,
                ..n.clone()
            },
            dlq: match (&self.scenario.dlq, &next.dlq) {
                (Some(d), Some(nd)) => Some(DlqSettings { max_receive_count: d.max_receive_count, ..nd.clone() }),
                (_, other) => other.clone(),
            },
            ..next.clone()
        };
        if same_rest != self.scenario {
            return Err("only the queue's attributes can change in a running queue (SetQueueAttributes: visibility timeout, delay, retention, maximum message size, receive wait, maxReceiveCount); other settings start a new run".into());
        }
        next.validate().map_err(|e| e.to_string())?;
        let mut attrs = self.sqs.get(self.main).attributes().clone();
        attrs.visibility_timeout_s = n.visibility_timeout_s;
        attrs.delay_s = n.delay_s;
        attrs.retention_s = n.retention_s;
        attrs.max_message_size = n.max_message_size;
        attrs.receive_wait_s = n.receive_wait_s;
        if let (Some(redrive), Some(dlq)) = (attrs.redrive.as_mut(), &next.dlq) {
            redrive.max_receive_count = dlq.max_receive_count;
        }
        self.sqs.set_checked_attributes(cx.now(), self.main, attrs);
        self.scenario = next.clone();
        // A shorter delay or timeout may bring the queue's next change forward.
        self.after_queue_call(cx);
        Ok(())
    }

    /// Whether `id` is a poison message.
    pub fn is_poison(&self, id: MessageId) -> bool {
        self.poison.contains(&id)
    }
    /// What consumer `i` is doing.
    pub fn consumer_activity(&self, i: usize) -> ConsumerActivity {
        match self.consumers.get(i) {
            Some(ConsumerState::Waiting { deadline, .. }) => ConsumerActivity::LongPolling { until: *deadline },
            Some(ConsumerState::Processing { index }) => ConsumerActivity::Processing { index: *index },
            Some(ConsumerState::Down { until }) => ConsumerActivity::Restarting { at: *until },
            Some(ConsumerState::Stopped) => ConsumerActivity::Stopped,
            Some(ConsumerState::Starting { at }) => ConsumerActivity::Starting { at: *at },
            _ => ConsumerActivity::Polling,
        }
    }
    /// Consumer slots: `consumers.count`, or the autoscaler's maximum when it is higher.
    pub fn consumer_slots(&self) -> usize {
        self.consumers.len()
    }
    /// Consumers running now (polling, processing or restarting after a crash).
    pub fn running_consumers(&self) -> usize {
        self.consumers.iter().filter(|c| !matches!(c, ConsumerState::Stopped | ConsumerState::Starting { .. })).count()
    }
    /// What consumer `i` holds: the messages of its current batch, if processing.
    pub fn consumer_batch(&self, i: usize) -> &[Received] {
        match self.consumers.get(i) {
            Some(ConsumerState::Processing { .. }) => &self.batches[i],
            _ => &[],
        }
    }

    fn latency(&self) -> SimDuration {
        self.request_latency
    }

    fn processing_time(&self, cx: &mut Ctx<Work, SqsTraceEvent>) -> SimDuration {
        match self.fixed_processing {
            Some(d) => d,
            None => self.scenario.consumers.processing.sample(&mut cx.rng),
        }
    }

    /// Counts one API request carrying `payload_bytes` (billed per started 64 KB).
    fn call(&mut self, action: Action, payload_bytes: u64) {
        self.totals.api_calls.count(action);
        self.totals.billed_requests += pricing::billed_requests(payload_bytes);
    }

    fn emit(
        &self,
        cx: &mut Ctx<Work, SqsTraceEvent>,
        reason: Reason,
        message: Option<MessageId>,
        actor: Option<u32>,
        count: u32,
    ) {
        cx.emit(SqsTraceEvent { at: cx.now(), reason, message, actor, count, in_dlq: false });
    }

    fn count(&self, cx: &mut Ctx<Work, SqsTraceEvent>, pick: fn(&SqsSeries) -> SeriesId, n: f64) {
        if let Some(s) = self.series {
            cx.metrics.record(pick(&s), cx.now(), n);
        }
    }

    /// Turns the queue events of the last call into trace events.
    fn trace_queue_events(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>) {
        for e in self.sqs.drain_events() {
            let in_dlq = self.dlq == Some(e.queue);
            let (reason, id, count) = match e.event {
                QueueEvent::DelayEnded { id, .. } => (Reason::DelayEnded, id, 0),
                QueueEvent::VisibilityExpired { id, receive_count, .. } => {
                    (Reason::VisibilityExpired, id, receive_count)
                }
                QueueEvent::RetentionExpired { id, .. } => {
                    self.totals.expired += 1;
                    self.processed.remove(&id);
                    (Reason::RetentionExpired, id, 0)
                }
                QueueEvent::MovedToDeadLetterQueue { message, max_receive_count, .. } => {
                    self.totals.moved_to_dlq += 1;
                    self.processed.remove(&message.id);
                    (Reason::MovedToDlq, message.id, max_receive_count)
                }
                QueueEvent::CopySurvivedDelete { id, .. } => (Reason::CopySurvivedDelete, id, 0),
                QueueEvent::StaleReceiptHandle { id, .. } => (Reason::StaleReceipt, id, 0),
            };
            cx.emit(SqsTraceEvent { at: cx.now(), reason, message: Some(id), actor: None, count, in_dlq });
        }
    }

    /// After every queue call: trace what the queues did, keep the queue tick scheduled, and
    /// wake long pollers.
    fn after_queue_call(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>) {
        if self.sqs.has_events() {
            self.trace_queue_events(cx);
        }
        if let Some(next) = self.sqs.next_change() {
            if self.tick_at.is_none_or(|t| next < t) {
                self.tick_at = Some(next);
                cx.schedule_at(next.max(cx.now()), Work::QueueTick);
            }
        }
        self.wake_waiters();
    }

    /// Long pollers return as soon as a message can be received: as many of them as there are
    /// visible messages (waking every waiter for one message would be a thundering herd the
    /// service does not have), in the order they started waiting.
    fn wake_waiters(&mut self) {
        let queue = self.sqs.get(self.main);
        if self.waiting.is_empty() || !queue.has_receivable() {
            return;
        }
        let n = queue.visible_count().min(self.waiting.len());
        self.woken.extend(self.waiting.drain(..n));
    }

    fn produce(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, producer: u32) {
        let p = &self.scenario.producers[producer as usize];
        let (size, groups, resend, batch_size) = (p.message_size, p.groups, p.resend_fraction, p.batch_size);
        let delay_s = (p.delay_s > 0).then_some(p.delay_s);
        let n = self.producers[producer as usize].1;
        self.producers[producer as usize].1 += 1;
        let fifo = self.scenario.queue.fifo;
        let mut request = SendRequest {
            body: None,
            size,
            group_id: fifo.then(|| format!("g{}", n % u64::from(groups))),
            dedup_id: fifo.then(|| format!("p{producer}-{n}")),
            delay_s,
        };
        let copies = if cx.rng.chance(resend) { 2 } else { 1 };
        for copy in 0..copies {
            // The last copy takes the request itself.
            let req = if copy + 1 == copies { std::mem::take(&mut request) } else { request.clone() };
            if batch_size > 1 {
                self.add_to_batch(cx, producer, req);
                continue;
            }
            self.call(Action::SendMessage, size);
            let res = self.sqs.send(cx.now(), self.main, req, &mut cx.rng);
            self.on_send(cx, producer, res);
        }
        self.after_queue_call(cx);
        if let Some(at) = self.producers[producer as usize].0.next(&mut cx.rng) {
            cx.schedule_at(at.max(cx.now()), Work::Produce { producer });
        }
    }

    /// Traces the answer to one message of a send (a `SendMessage`, or an entry of a batch).
    fn on_send(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, producer: u32, res: Result<SendResult, SqsError>) {
        match res {
            Ok(sent) if sent.deduplicated => {
                self.totals.deduplicated += 1;
                self.emit(cx, Reason::Deduplicated, Some(sent.message_id), Some(producer), 0);
            }
            Ok(sent) => {
                self.totals.sent += 1;
                if cx.rng.chance(self.scenario.consumers.poison_fraction) {
                    self.poison.insert(sent.message_id);
                }
                self.emit(cx, Reason::Sent, Some(sent.message_id), Some(producer), 0);
                self.count(cx, |s| s.sent, 1.0);
            }
            Err(_) => self.emit(cx, Reason::Throttled, None, Some(producer), 0),
        }
    }

    /// Puts a message in the producer's open batch: the batch goes out when full, before it
    /// would pass the 1 MiB batch total, or [`SEND_BATCH_LINGER`] after its first message.
    fn add_to_batch(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, producer: u32, req: SendRequest) {
        let p = producer as usize;
        let max = self.scenario.producers[p].batch_size as usize;
        let held: u64 = self.open_batches[p].0.iter().map(|r| r.size).sum();
        if held > 0 && held + req.size > SEND_BATCH_MAX_BYTES {
            self.flush_batch(cx, producer);
        }
        if self.open_batches[p].0.is_empty() {
            let batch = self.open_batches[p].1;
            cx.schedule_in(SEND_BATCH_LINGER, Work::FlushBatch { producer, batch });
        }
        self.open_batches[p].0.push(req);
        if self.open_batches[p].0.len() >= max {
            self.flush_batch(cx, producer);
        }
    }

    /// Sends the producer's open batch as one `SendMessageBatch` call: one request against the
    /// FIFO limit of 300 calls per second (so 10 a batch make 3,000 messages, SQS-11), billed
    /// per started 64 KB of the whole batch.
    fn flush_batch(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, producer: u32) {
        let p = producer as usize;
        let entries = std::mem::take(&mut self.open_batches[p].0);
        self.open_batches[p].1 += 1;
        if entries.is_empty() {
            return;
        }
        let payload: u64 = entries.iter().map(|r| r.size).sum();
        self.call(Action::SendMessage, payload);
        match self.sqs.send_batch(cx.now(), self.main, entries, &mut cx.rng) {
            Ok(results) => {
                for res in results {
                    self.on_send(cx, producer, res);
                }
            }
            // The whole call was refused (a FIFO queue's throughput limit): no entry was sent.
            Err(_) => self.emit(cx, Reason::Throttled, None, Some(producer), 0),
        }
        self.after_queue_call(cx);
    }

    /// A heartbeat: `ChangeMessageVisibility` on every message the consumer still holds.
    fn heartbeat(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, consumer: u32, batch: u32) {
        let Some(h) = self.scenario.consumers.heartbeat else { return };
        let c = consumer as usize;
        let ConsumerState::Processing { index } = self.consumers[c] else { return };
        if self.beat_gen[c] != batch {
            return;
        }
        for i in index..self.batches[c].len() {
            if self.refused[c] & (1 << i) != 0 {
                continue;
            }
            let msg = Handled::of(&self.batches[c][i]);
            self.call(Action::ChangeMessageVisibility, 0);
            match self.sqs.change_visibility(cx.now(), self.main, msg.receipt_handle, h.extend_to_s) {
                Ok(()) => {
                    self.totals.visibility_extended += 1;
                    self.emit(cx, Reason::VisibilityExtended, Some(msg.message_id), Some(consumer), msg.receive_count);
                }
                Err(e) => {
                    // The heartbeat gives up on this message: the same call would fail again.
                    self.refused[c] |= 1 << i;
                    self.totals.extend_refused += 1;
                    let kind = match e.code {
                        "MessageNotInflight" => EXTEND_NOT_IN_FLIGHT,
                        _ if e.message.contains("43200") => EXTEND_PAST_12_HOURS,
                        _ => EXTEND_STALE_RECEIPT,
                    };
                    self.emit(cx, Reason::ExtendRefused, Some(msg.message_id), Some(consumer), kind);
                }
            }
        }
        self.after_queue_call(cx);
        cx.schedule_in(SimDuration::from_secs(h.every_s), Work::Heartbeat { consumer, batch });
    }

    /// Consumers counted as running or on their way (not stopped, not told to stop).
    fn scaled_count(&self) -> usize {
        (0..self.consumers.len())
            .filter(|&i| !matches!(self.consumers[i], ConsumerState::Stopped) && !self.retiring[i])
            .count()
    }

    /// The autoscaler: wanted = ⌈visible / target⌉ within min–max. More are started at once (up
    /// after the scale-out delay); fewer only after the backlog has asked for fewer for the
    /// scale-in delay, and a busy consumer finishes its batch first.
    fn scale(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>) {
        let Some(a) = self.scenario.consumers.autoscale else { return };
        cx.schedule_in(AUTOSCALE_PERIOD, Work::Scale);
        let visible = self.sqs.get(self.main).visible_count() as u64;
        let wanted = visible
            .div_ceil(u64::from(a.target_backlog_per_instance))
            .clamp(u64::from(a.min), u64::from(a.max)) as usize;
        let current = self.scaled_count();
        if wanted > current {
            self.below_target_since = None;
            let mut missing = wanted - current;
            // Consumers told to stop keep running instead; then stopped ones start, lowest first.
            for i in 0..self.consumers.len() {
                if missing == 0 {
                    break;
                }
                if self.retiring[i] {
                    self.retiring[i] = false;
                    missing -= 1;
                }
            }
            for i in 0..self.consumers.len() {
                if missing == 0 {
                    break;
                }
                if matches!(self.consumers[i], ConsumerState::Stopped) {
                    missing -= 1;
                    let at = cx.now() + SimDuration::from_secs(a.scale_out_delay_s);
                    self.consumers[i] = ConsumerState::Starting { at };
                    cx.schedule_at(at, Work::InstanceUp { consumer: i as u32 });
                    self.totals.scaled_out += 1;
                    self.emit(cx, Reason::ScaledOut, None, Some(i as u32), wanted as u32);
                }
            }
        } else if wanted < current {
            let since = *self.below_target_since.get_or_insert(cx.now());
            if cx.now().saturating_since(since) < SimDuration::from_secs(a.scale_in_delay_s) {
                return;
            }
            self.below_target_since = None;
            let mut extra = current - wanted;
            for i in (0..self.consumers.len()).rev() {
                if extra == 0 {
                    break;
                }
                if matches!(self.consumers[i], ConsumerState::Stopped) || self.retiring[i] {
                    continue;
                }
                extra -= 1;
                self.totals.scaled_in += 1;
                self.emit(cx, Reason::ScaledIn, None, Some(i as u32), wanted as u32);
                match self.consumers[i] {
                    ConsumerState::Idle | ConsumerState::Waiting { .. } | ConsumerState::Starting { .. } => {
                        // Nothing in hand: it stops now (a pending poll or deadline finds it stopped).
                        self.waiting.retain(|&c| c as usize != i);
                        self.woken.retain(|&c| c as usize != i);
                        self.consumers[i] = ConsumerState::Stopped;
                    }
                    _ => self.retiring[i] = true,
                }
            }
        } else {
            self.below_target_since = None;
        }
    }

    fn poll(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, consumer: u32) {
        if !matches!(self.consumers[consumer as usize], ConsumerState::Idle | ConsumerState::Waiting { .. }) {
            return;
        }
        if self.retiring[consumer as usize] {
            // The autoscaler stopped it while it worked: it takes no more messages.
            self.retiring[consumer as usize] = false;
            self.waiting.retain(|&c| c != consumer);
            self.consumers[consumer as usize] = ConsumerState::Stopped;
            return;
        }
        let (wait_s, batch_size) = (self.scenario.consumer_wait_s(), self.scenario.consumers.batch_size);
        let long_poll = wait_s > 0;
        let receivable = self.sqs.get(self.main).has_receivable();
        if long_poll && !receivable {
            // Start (or keep) waiting: one logical ReceiveMessage call until a message or the deadline.
            if !matches!(self.consumers[consumer as usize], ConsumerState::Waiting { .. }) {
                self.call(Action::ReceiveMessage, 0);
                let deadline = cx.now() + SimDuration::from_secs(wait_s);
                self.consumers[consumer as usize] = ConsumerState::Waiting { deadline };
                if !self.deadline_pending[consumer as usize] {
                    self.deadline_pending[consumer as usize] = true;
                    cx.schedule_at(deadline, Work::PollDeadline { consumer });
                }
            }
            self.waiting.push_back(consumer);
            return;
        }
        if !matches!(self.consumers[consumer as usize], ConsumerState::Waiting { .. }) {
            self.call(Action::ReceiveMessage, 0);
        }
        let req = ReceiveRequest { max_messages: batch_size, visibility_timeout_s: None, long_poll };
        let mut got = std::mem::take(&mut self.batches[consumer as usize]);
        let throttled = self.sqs.receive_into(cx.now(), self.main, req, &mut cx.rng, &mut got).is_err();
        self.after_queue_call(cx);
        if throttled {
            // ThrottlingException (a FIFO queue's 300 receives per second, SQS-11): the call
            // failed, so the consumer is not a waiter any more (woken again at this instant, it
            // would be refused again, for ever); the SDK retries after its throttling backoff.
            got.clear();
            self.batches[consumer as usize] = got;
            self.waiting.retain(|&c| c != consumer);
            self.emit(cx, Reason::Throttled, None, Some(consumer), 0);
            self.consumers[consumer as usize] = ConsumerState::Idle;
            let wait = self.latency() + backoff(Failure::Throttled, 1, &mut cx.rng);
            cx.schedule_in(wait, Work::Poll { consumer });
            return;
        }
        if got.is_empty() {
            self.batches[consumer as usize] = got;
            if long_poll {
                // Another consumer was faster: keep waiting until this poll's deadline.
                self.waiting.push_back(consumer);
                return;
            }
            self.totals.empty_receives += 1;
            self.emit(cx, Reason::EmptyReceive, None, Some(consumer), 0);
            self.count(cx, |s| s.empty, 1.0);
            self.consumers[consumer as usize] = ConsumerState::Idle;
            let latency = self.latency();
            cx.schedule_in(latency, Work::Poll { consumer });
            return;
        }
        self.totals.received += got.len() as u64;
        // The receive was counted when it went out; a payload over 64 KB bills more chunks.
        let payload: u64 = got.iter().map(|r| r.size).sum();
        self.totals.billed_requests += pricing::billed_requests(payload) - 1;
        for r in &got {
            if r.receive_count == 1 {
                self.totals.queue_wait.record(cx.now().saturating_since(r.sent_at));
            }
            self.emit(cx, Reason::Received, Some(r.message_id), Some(consumer), r.receive_count);
            if r.out_of_order {
                self.totals.out_of_order += 1;
                self.emit(cx, Reason::OutOfOrder, Some(r.message_id), Some(consumer), r.receive_count);
                self.count(cx, |s| s.out_of_order, 1.0);
            }
        }
        self.count(cx, |s| s.received, got.len() as f64);
        self.batches[consumer as usize] = got;
        self.consumers[consumer as usize] = ConsumerState::Processing { index: 0 };
        let first = self.processing_time(cx) + self.latency();
        cx.schedule_in(first, Work::Processed { consumer });
        if let Some(h) = self.scenario.consumers.heartbeat {
            let c = consumer as usize;
            self.beat_gen[c] = self.beat_gen[c].wrapping_add(1);
            self.refused[c] = 0;
            let batch = self.beat_gen[c];
            cx.schedule_in(SimDuration::from_secs(h.every_s), Work::Heartbeat { consumer, batch });
        }
    }

    fn poll_deadline(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, consumer: u32) {
        self.deadline_pending[consumer as usize] = false;
        let ConsumerState::Waiting { deadline } = self.consumers[consumer as usize] else { return };
        if deadline > cx.now() {
            // A newer poll is waiting: its deadline is the one to keep.
            self.deadline_pending[consumer as usize] = true;
            cx.schedule_at(deadline, Work::PollDeadline { consumer });
            return;
        }
        self.waiting.retain(|&c| c != consumer);
        self.totals.empty_receives += 1;
        self.emit(cx, Reason::EmptyReceive, None, Some(consumer), 0);
        self.count(cx, |s| s.empty, 1.0);
        self.consumers[consumer as usize] = ConsumerState::Idle;
        let latency = self.latency();
        cx.schedule_in(latency, Work::Poll { consumer });
    }

    fn processed(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, consumer: u32) {
        let ConsumerState::Processing { index } = self.consumers[consumer as usize] else { return };
        let batch = &self.batches[consumer as usize];
        let batch_len = batch.len();
        let msg = Handled::of(&batch[index]);
        let c = &self.scenario.consumers;
        let (failure, crash) = (c.failure_probability, c.crash_probability);
        let id = msg.message_id;
        if self.poison.contains(&id) || cx.rng.chance(failure) {
            self.totals.failures += 1;
            self.emit(cx, Reason::ProcessingFailed, Some(id), Some(consumer), msg.receive_count);
        } else {
            let seen_before = self.processed.contains(&id);
            if seen_before {
                self.totals.duplicates_processed += 1;
                self.emit(cx, Reason::DuplicateDelivery, Some(id), Some(consumer), msg.receive_count);
                self.count(cx, |s| s.duplicates, 1.0);
            }
            self.emit(cx, Reason::Processed, Some(id), Some(consumer), msg.receive_count);
            if cx.rng.chance(crash) {
                self.processed.insert(id);
                self.totals.crashes += 1;
                self.emit(cx, Reason::ConsumerCrashed, Some(id), Some(consumer), msg.receive_count);
                let until = cx.now() + CONSUMER_RESTART;
                self.consumers[consumer as usize] = ConsumerState::Down { until };
                cx.schedule_at(until, Work::Restarted { consumer });
                return;
            }
            self.call(Action::DeleteMessage, 0);
            let gone = self.sqs.delete(cx.now(), self.main, msg.receipt_handle, &mut cx.rng).unwrap_or(false);
            if gone {
                // Usually the set never held it: checking first spares the common path a B-tree edit.
                if seen_before {
                    self.processed.remove(&id);
                }
                self.totals.deleted += 1;
                self.totals.latency.record(cx.now().saturating_since(msg.sent_at));
                self.emit(cx, Reason::Deleted, Some(id), Some(consumer), msg.receive_count);
                self.count(cx, |s| s.deleted, 1.0);
            } else {
                // Processed but still in the queue: when it comes back, processing it is a duplicate.
                self.processed.insert(id);
            }
            self.after_queue_call(cx);
        }
        if index + 1 < batch_len {
            if let ConsumerState::Processing { index, .. } = &mut self.consumers[consumer as usize] {
                *index += 1;
            }
            let next = self.processing_time(cx) + self.latency();
            cx.schedule_in(next, Work::Processed { consumer });
        } else {
            // The batch is done: the next ReceiveMessage goes out now.
            self.consumers[consumer as usize] = ConsumerState::Idle;
            self.poll(cx, consumer);
        }
    }

    fn sample(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>) {
        let Some(s) = self.series else { return };
        let now = cx.now();
        let q = self.sqs.get(self.main);
        cx.metrics.record(s.visible, now, q.visible_count() as f64);
        cx.metrics.record(s.in_flight, now, q.in_flight_count() as f64);
        cx.metrics.record(s.delayed, now, q.delayed_count() as f64);
        cx.metrics.record(s.oldest, now, q.age_of_oldest(now).as_secs_f64());
        let dlq_depth = self.dead_letter_queue().map_or(0, Queue::visible_count);
        cx.metrics.record(s.dlq, now, dlq_depth as f64);
        let running = self.running_consumers();
        cx.metrics.record(s.running, now, running as f64);
        cx.schedule_in(SimDuration::from_secs(1), Work::Sample);
    }
}

fn main_name(fifo: bool) -> String {
    if fifo {
        format!("{MAIN_QUEUE}.fifo")
    } else {
        MAIN_QUEUE.to_owned()
    }
}

fn dlq_name(fifo: bool) -> String {
    if fifo {
        format!("{DEAD_LETTER_QUEUE}.fifo")
    } else {
        DEAD_LETTER_QUEUE.to_owned()
    }
}

impl Model for SqsModel {
    type Work = Work;
    type Event = SqsTraceEvent;

    fn held_bytes(&self) -> u64 {
        let ids = (self.processed.len() + self.poison.len()) as u64;
        self.sqs.held_bytes() + ids * (std::mem::size_of::<MessageId>() as u64 + crate::sim::BTREE_ENTRY_BYTES)
    }

    fn start(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>) {
        let second = SimDuration::from_secs(1);
        let m = &mut cx.metrics;
        self.series = Some(SqsSeries {
            visible: m.add("visible", "messages", SeriesKind::Gauge, second),
            in_flight: m.add("in flight", "messages", SeriesKind::Gauge, second),
            delayed: m.add("delayed", "messages", SeriesKind::Gauge, second),
            dlq: m.add("DLQ depth", "messages", SeriesKind::Gauge, second),
            oldest: m.add("age of oldest", "s", SeriesKind::Gauge, second),
            sent: m.add("sent", "per s", SeriesKind::Counter, second),
            received: m.add("received", "per s", SeriesKind::Counter, second),
            deleted: m.add("deleted", "per s", SeriesKind::Counter, second),
            empty: m.add("empty receives", "per s", SeriesKind::Counter, second),
            duplicates: m.add("duplicates processed", "per s", SeriesKind::Counter, second),
            out_of_order: m.add("out of order", "per s", SeriesKind::Counter, second),
            running: m.add("consumers", "running", SeriesKind::Gauge, second),
        });
        for producer in 0..self.producers.len() as u32 {
            if let Some(at) = self.producers[producer as usize].0.next(&mut cx.rng) {
                cx.schedule_at(at, Work::Produce { producer });
            }
        }
        for consumer in 0..self.scenario.consumers.count {
            cx.schedule_at(SimTime::ZERO, Work::Poll { consumer });
        }
        cx.schedule_at(SimTime::ZERO, Work::Sample);
        if self.scenario.consumers.autoscale.is_some() {
            cx.schedule_at(SimTime::ZERO + AUTOSCALE_PERIOD, Work::Scale);
        }
    }

    fn handle(&mut self, cx: &mut Ctx<Work, SqsTraceEvent>, work: Work) {
        match work {
            Work::Produce { producer } => self.produce(cx, producer),
            Work::Poll { consumer } => self.poll(cx, consumer),
            Work::PollDeadline { consumer } => self.poll_deadline(cx, consumer),
            Work::Processed { consumer } => self.processed(cx, consumer),
            Work::Restarted { consumer } => {
                self.consumers[consumer as usize] = ConsumerState::Idle;
                cx.schedule_at(cx.now(), Work::Poll { consumer });
            }
            Work::QueueTick => {
                if self.tick_at.is_some_and(|t| t <= cx.now()) {
                    self.tick_at = None;
                }
                self.sqs.advance(cx.now());
                self.after_queue_call(cx);
            }
            Work::Sample => self.sample(cx),
            Work::Heartbeat { consumer, batch } => self.heartbeat(cx, consumer, batch),
            Work::FlushBatch { producer, batch } => {
                if self.open_batches[producer as usize].1 == batch {
                    self.flush_batch(cx, producer);
                }
            }
            Work::Scale => self.scale(cx),
            Work::InstanceUp { consumer } => {
                if matches!(self.consumers[consumer as usize], ConsumerState::Starting { at } if at == cx.now()) {
                    self.consumers[consumer as usize] = ConsumerState::Idle;
                    self.emit(cx, Reason::Started, None, Some(consumer), 0);
                    self.poll(cx, consumer);
                }
            }
        }
        while let Some(consumer) = self.woken.pop_front() {
            self.poll(cx, consumer);
        }
    }
}
