//! The SNS scenario running on the scheduler: publishers publish, the topic fans each message
//! out to its subscriptions (a filter policy may stop a copy), and every copy is delivered to
//! its endpoint over simulated time — retried by the subscription's delivery policy when the
//! endpoint fails with a server error, moved to the subscription's dead-letter queue or lost
//! when the retries run out or the endpoint answers with a client error (SNS-08 … SNS-13).
//! Subscribed SQS queues are real [`crate::sqs::Queue`]s with long-polling consumers.
//!
//! Jitter: AWS applies jitter to retry delays without saying how much (SNS-10). Here each delay
//! is spread uniformly within ±10 % of the policy's target. Standard topics (and FIFO topics
//! delivering to standard queues) deliver with latencies spread within ±50 %: best-effort
//! order, so copies can overtake each other. A FIFO topic delivers to a FIFO queue one copy at a
//! time per message group, so order holds even through retries (a group's throughput is then
//! one copy per endpoint latency).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use super::filter::{FilterPolicy, FilterScope, Message, PolicyApi};
use super::scenario::{EndpointKind, FilterEdit, Health, SnsScenario};
use super::topic::{Protocol, PublishRequest, Sns, SnsError, TopicId};
use super::{Fanout, RetryPolicy};
use crate::apigw::retry::{backoff, Failure};
use crate::metrics::{SeriesId, SeriesKind};
use crate::scenario::ConfigError;
use crate::sim::{Ctx, Model, Sim};
use crate::sqs::{Fidelity, MessageId, QueueAttributes, QueueId, ReceiveRequest, SendRequest, Sqs};
use crate::time::{SimDuration, SimTime};
use crate::trace::{Reason, StableHasher, TraceRecord};
use crate::workload::Arrivals;

/// The per-subscription chart series, by subscription index (at most five subscriptions).
const DELIVERED_SERIES: [&str; 5] = ["delivered 1", "delivered 2", "delivered 3", "delivered 4", "delivered 5"];
const FILTERED_SERIES: [&str; 5] = ["filtered 1", "filtered 2", "filtered 3", "filtered 4", "filtered 5"];
/// How long a subscribed queue hides a received message (its visibility timeout).
const QUEUE_VISIBILITY_S: u64 = 30;
/// A consumer's round trip to SQS.
/// How long SNS waits for an HTTP/S endpoint to answer before it counts the attempt failed and
/// retries it by the delivery policy; the endpoint may still process the copy (SNS developer guide,
/// "Make sure your endpoint is ready to process Amazon SNS messages").
pub const HTTP_ANSWER_TIMEOUT: SimDuration = SimDuration::from_secs(15);
const CONSUMER_CALL: SimDuration = SimDuration::from_millis(10);
/// How a filter decision made by the previous policy, while a change of it takes effect,
/// begins (SNS-23).
pub const PREVIOUS_POLICY: &str = "the previous policy decided";
/// Token ids: a copy of message `n` for subscription `s` is `n * COPY_IDS + s`.
pub const COPY_IDS: u64 = 8;

/// A running SNS scenario.
pub type SnsSim = Sim<SnsModel>;

impl Sim<SnsModel> {
    /// Builds a run of `scenario` with `seed`, or says which field is wrong.
    pub fn try_new(scenario: &SnsScenario, seed: u64) -> Result<SnsSim, ConfigError> {
        scenario.validate()?;
        let model = SnsModel::new(scenario).map_err(|e| ConfigError::Invalid {
            field: "scenario".into(),
            value: e.code.into(),
            rule: e.message,
        })?;
        Ok(Sim::with_model(model, seed))
    }
}

/// Scheduled work of the SNS scenario.
#[derive(Clone, Copy, Debug)]
pub enum Work {
    /// A publisher publishes its next message.
    Publish { publisher: u32 },
    /// A delivery attempt goes out.
    Attempt { delivery: u32 },
    /// The endpoint answers an attempt; `timed_out`: an HTTP/S endpoint did not answer within
    /// [`HTTP_ANSWER_TIMEOUT`], and SNS gave up on the attempt.
    Answer { delivery: u32, timed_out: bool },
    /// A queue consumer calls ReceiveMessage.
    Poll { sub: u32, consumer: u32 },
    /// A queue consumer finished its message.
    Processed { sub: u32, consumer: u32 },
    /// Something in the queues changes by itself now (a visibility timeout ends).
    QueueTick,
    /// Gauges are sampled for the charts.
    Sample,
}

/// What happened, for the trace, the event log and the inspector.
#[derive(Clone, Debug, PartialEq)]
pub struct SnsTraceEvent {
    /// When.
    pub at: SimTime,
    /// Why.
    pub reason: Reason,
    /// The SNS message (`msg-12` is 12).
    pub message: Option<u64>,
    /// The subscription's index and endpoint name, if one is involved.
    pub subscription: Option<(u32, Arc<str>)>,
    /// The publisher or consumer, if one is involved.
    pub actor: Option<u32>,
    /// Delivery attempts so far (for delivery events).
    pub attempt: u32,
    /// The explanation: the filter's decision, the next retry, why a delivery failed.
    pub note: Option<Arc<str>>,
    /// The message's template (`None`: composed by hand, or no message): what it looks like.
    pub template: Option<u32>,
}

impl TraceRecord for SnsTraceEvent {
    fn at(&self) -> SimTime {
        self.at
    }
    fn reason(&self) -> Reason {
        self.reason
    }
    fn hash_into(&self, h: &mut StableHasher) {
        let sub = self.subscription.as_ref().map_or(u32::MAX, |s| s.0);
        h.write_u64x4([
            self.at.as_micros(),
            self.message.unwrap_or(u64::MAX),
            u64::from(self.reason.stable_id()) << 32 | u64::from(sub),
            u64::from(self.attempt) << 32 | u64::from(self.actor.unwrap_or(u32::MAX)),
        ]);
    }
    /// A subscription's copy of a message is a subject of its own, a copy of the message.
    fn subject(&self) -> Option<u64> {
        let sub = self.subscription.as_ref().map_or(0, |s| u64::from(s.0) + 1);
        self.message.map(|m| m << 20 | sub)
    }
    fn parent(&self) -> Option<u64> {
        self.subscription.as_ref().and(self.message).map(|m| m << 20)
    }
    fn describe(&self) -> String {
        let m = self.message.map_or_else(|| "—".to_owned(), |m| format!("msg-{m}"));
        let to = self.subscription.as_ref().map_or("—", |s| &s.1);
        let note = self.note.as_deref().unwrap_or("");
        let who = self.actor.map_or(0, |a| a + 1);
        match self.reason {
            Reason::Published => format!("publisher {who} published {m}"),
            Reason::Deduplicated => {
                format!(
                    "publisher {who} published {m} again: accepted, not delivered (same deduplication id within 5 min)"
                )
            }
            Reason::FilteredOut => format!("{m} → {to}: filtered out: {note}"),
            // A note on a delivery says why SNS's "delivered" lost the copy all the same.
            Reason::Delivered if !note.is_empty() => format!("{m} → {to}: {note}"),
            Reason::Delivered => match self.attempt {
                1 => format!("{m} → {to}: delivered"),
                n => format!("{m} → {to}: delivered on attempt {n}"),
            },
            Reason::DeliveryFailed => format!("{m} → {to}: attempt {} failed ({note})", self.attempt),
            Reason::DeliveryRejected => format!("{m} → {to}: rejected ({note}); client errors are not retried"),
            Reason::MovedToDlq => format!("{m} → {to}: moved to the subscription's dead-letter queue ({note})"),
            Reason::MessageLost => format!("{m} → {to}: lost ({note}); SNS keeps no copy"),
            Reason::OutOfOrder => format!("{m} reached {to} after a later message of its group ({note})"),
            Reason::Received => format!("{to}: consumer {who} received {m}"),
            Reason::Processed => format!("{to}: consumer {who} processed and deleted {m}"),
            Reason::VisibilityExpired => format!("{to}: {m} visible again (visibility timeout ended)"),
            other => format!("{m}: {}", other.code()),
        }
    }
}

/// Where one copy of a message is on its way to an endpoint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DeliveryPhase {
    /// FIFO: waiting behind an earlier message of its group for the same subscription.
    Queued,
    /// An attempt is on its way; the endpoint answers at `until`.
    InFlight {
        /// When the endpoint answers.
        until: SimTime,
    },
    /// The last attempt failed; the next goes out at `until`.
    Backoff {
        /// When the next attempt goes out.
        until: SimTime,
    },
}

/// One copy of a message being delivered.
#[derive(Clone, Copy, Debug)]
pub struct Delivery {
    /// The SNS message.
    pub message: u64,
    /// The subscription index.
    pub sub: u32,
    /// Attempts made so far.
    pub attempts: u32,
    /// Where it is.
    pub phase: DeliveryPhase,
    /// The template it came from (`None`: composed by hand).
    pub template: Option<u32>,
    /// FIFO group (or publisher, on a standard topic) for order tracking.
    pub group: u32,
}

/// A copy that reached a subscribed queue or its dead-letter queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuedCopy {
    /// The SNS message.
    pub message: u64,
    /// Its template, if any.
    pub template: Option<u32>,
    /// Its group.
    pub group: u32,
}

/// Counts of one subscription.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubscriptionTotals {
    /// Copies its filter let through.
    pub matched: u64,
    /// Copies its filter stopped.
    pub filtered: u64,
    /// Copies (matched or stopped) its previous filter policy decided while a change of it
    /// was still taking effect (SNS-23).
    pub by_previous_policy: u64,
    /// Copies delivered to the endpoint.
    pub delivered: u64,
    /// Failed attempts (server errors) that were retried.
    pub retries: u64,
    /// Deliveries rejected with a client error.
    pub rejected: u64,
    /// Copies moved to its dead-letter queue.
    pub dead_lettered: u64,
    /// Copies lost: retries exhausted or rejected, with no dead-letter queue, or answered with a
    /// 4xx by an HTTP/S endpoint (which SNS counts as delivered, and in `delivered` too).
    pub lost: u64,
    /// Copies that reached the queue after a later message of their group.
    pub out_of_order: u64,
    /// Messages its queue's consumers processed.
    pub processed: u64,
}

/// Counts of the whole run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnsTotals {
    /// Messages published (accepted and fanned out).
    pub published: u64,
    /// FIFO publishes dropped as duplicates.
    pub deduplicated: u64,
    /// Per subscription.
    pub subscriptions: Vec<SubscriptionTotals>,
}

impl SnsTotals {
    /// Sum of one count over every subscription.
    pub fn sum(&self, pick: fn(&SubscriptionTotals) -> u64) -> u64 {
        self.subscriptions.iter().map(pick).sum()
    }
}

/// What a queue consumer is doing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConsumerState {
    /// Long-polling an empty queue.
    Waiting,
    /// Processing a message.
    Processing {
        /// The SNS message.
        message: u64,
        /// The SQS message in the queue.
        id: MessageId,
        /// Its receipt handle in the queue.
        handle: crate::sqs::ReceiptHandle,
    },
}

/// A subscription's running state.
#[derive(Clone, Debug)]
struct SubState {
    name: Arc<str>,
    policy: RetryPolicy,
    latency: SimDuration,
    recovers_at: Option<SimTime>,
    queue: Option<QueueId>,
    dlq: Option<QueueId>,
    consumers: Vec<ConsumerState>,
    waiting: VecDeque<u32>,
    /// What each queued SQS message is (queue and DLQ).
    copies: BTreeMap<MessageId, QueuedCopy>,
    /// The latest message of each group that reached the queue.
    last_of_group: BTreeMap<u32, u64>,
    /// Per-attempt payload size: the body, or the JSON envelope around it.
    raw: bool,
    /// A FIFO topic delivering to a FIFO queue: one copy at a time per message group, in order.
    ordered: bool,
    /// The filter policies in force before each change of the scenario's `filter_edits`.
    earlier_filters: Vec<Option<FilterPolicy>>,
}

/// A message still being delivered somewhere, and what it was.
#[derive(Clone, Debug)]
struct InTransit {
    copies_left: u32,
    /// Messages composed by hand keep their text (templates have theirs in the scenario).
    composed: Option<Arc<PublishRequest>>,
}

#[derive(Clone, Copy, Debug)]
struct SnsSeries {
    published: SeriesId,
    delivered: [Option<SeriesId>; 5],
    filtered: [Option<SeriesId>; 5],
    retries: SeriesId,
    dlq: SeriesId,
    lost: SeriesId,
}

/// The SNS scenario model.
#[derive(Clone, Debug)]
pub struct SnsModel {
    scenario: SnsScenario,
    sns: Sns,
    topic: TopicId,
    sqs: Sqs,
    subs: Vec<SubState>,
    templates: Vec<PublishRequest>,
    /// Cumulative template weights, for the weighted pick.
    weights: Vec<u64>,
    publishers: Vec<(Arrivals, u64)>,
    next_message: u64,
    messages: BTreeMap<u64, InTransit>,
    deliveries: Vec<Option<Delivery>>,
    free: Vec<u32>,
    /// FIFO topics: per (subscription, group), the deliveries waiting behind the one in progress.
    lines: BTreeMap<(u32, u32), VecDeque<u32>>,
    woken: VecDeque<(u32, u32)>,
    tick_at: Option<SimTime>,
    totals: SnsTotals,
    series: Option<SnsSeries>,
}

impl SnsModel {
    /// A model for a validated scenario.
    pub fn new(scenario: &SnsScenario) -> Result<SnsModel, SnsError> {
        let mut sns = Sns::new();
        let topic = sns.create_topic(scenario.topic_name(), scenario.topic.fifo, scenario.topic.content_based_dedup)?;
        let mut sqs = Sqs::new(Fidelity::EXACT);
        let mut subs = Vec::new();
        for s in &scenario.subscriptions {
            let protocol = match s.endpoint {
                EndpointKind::Sqs => Protocol::Sqs { fifo: s.fifo_queue },
                EndpointKind::Lambda => Protocol::Lambda,
                EndpointKind::Http => Protocol::Http,
            };
            let filter = s.filter_policy.as_deref().map(|text| (text, s.filter_scope));
            sns.subscribe(topic, protocol, s.raw, filter)?;
            let policy_error = |e: super::PolicyError| SnsError { code: e.code, message: e.message };
            let earlier_filters = s
                .filter_edits
                .iter()
                .map(|e| e.before.as_deref().map(|t| FilterPolicy::parse(t, e.before_scope, PolicyApi::Subscribe)))
                .map(Option::transpose)
                .collect::<Result<Vec<_>, _>>()
                .map_err(policy_error)?;
            let sqs_error = |e: crate::sqs::SqsError| SnsError { code: e.code, message: e.message };
            let fifo_name = |name: &str, fifo: bool| if fifo { format!("{name}.fifo") } else { name.to_owned() };
            let queue_attrs = |fifo: bool| QueueAttributes {
                fifo,
                visibility_timeout_s: QUEUE_VISIBILITY_S,
                content_based_deduplication: false,
                ..QueueAttributes::default()
            };
            let queue = match s.endpoint {
                EndpointKind::Sqs => Some(
                    sqs.create_queue_with(&fifo_name(&s.name, s.fifo_queue), queue_attrs(s.fifo_queue))
                        .map_err(sqs_error)?,
                ),
                _ => None,
            };
            // A FIFO topic's dead-letter queues are FIFO (SNS-13).
            let dlq = match s.dlq {
                true => Some(
                    sqs.create_queue_with(
                        &fifo_name(&format!("{}-dlq", s.name), scenario.topic.fifo),
                        queue_attrs(scenario.topic.fifo),
                    )
                    .map_err(sqs_error)?,
                ),
                false => None,
            };
            let consumers = if s.endpoint == EndpointKind::Sqs { s.consumers } else { 0 };
            subs.push(SubState {
                name: Arc::from(s.name.as_str()),
                policy: s.retry_policy(&scenario.topic),
                latency: SimDuration::from_secs_f64(s.latency_ms / 1000.0),
                recovers_at: (s.recovers_after_s > 0)
                    .then(|| SimTime::ZERO + SimDuration::from_secs(s.recovers_after_s)),
                queue,
                dlq,
                consumers: vec![ConsumerState::Waiting; consumers as usize],
                waiting: VecDeque::new(),
                copies: BTreeMap::new(),
                last_of_group: BTreeMap::new(),
                raw: s.raw,
                ordered: scenario.topic.fifo && s.fifo_queue,
                earlier_filters,
            });
        }
        let templates = scenario
            .messages
            .iter()
            .map(|m| PublishRequest {
                body: m.body.clone(),
                attributes: m.attributes.iter().map(|a| (a.name.clone(), a.kind.clone(), a.value.clone())).collect(),
                group_id: None,
                dedup_id: None,
            })
            .collect();
        let weights = scenario
            .messages
            .iter()
            .scan(0u64, |sum, m| {
                *sum += u64::from(m.weight);
                Some(*sum)
            })
            .collect();
        Ok(SnsModel {
            scenario: scenario.clone(),
            sns,
            topic,
            sqs,
            totals: SnsTotals {
                subscriptions: vec![SubscriptionTotals::default(); subs.len()],
                ..SnsTotals::default()
            },
            subs,
            templates,
            weights,
            publishers: scenario.publishers.iter().map(|p| (Arrivals::new(&p.workload), 0)).collect(),
            next_message: 1,
            messages: BTreeMap::new(),
            deliveries: Vec::new(),
            free: Vec::new(),
            lines: BTreeMap::new(),
            woken: VecDeque::new(),
            tick_at: None,
            series: None,
        })
    }

    /// The scenario it runs.
    pub fn scenario(&self) -> &SnsScenario {
        &self.scenario
    }
    /// Counts so far.
    pub fn totals(&self) -> &SnsTotals {
        &self.totals
    }
    /// The copies on their way to endpoints, in delivery-slot order.
    pub fn deliveries(&self) -> impl Iterator<Item = &Delivery> {
        self.deliveries.iter().flatten()
    }
    /// The queue subscription `sub` delivers to, if it is an SQS subscription.
    pub fn queue(&self, sub: usize) -> Option<&crate::sqs::Queue> {
        self.subs.get(sub)?.queue.map(|q| self.sqs.get(q))
    }
    /// Subscription `sub`'s dead-letter queue, if it has one.
    pub fn dead_letter_queue(&self, sub: usize) -> Option<&crate::sqs::Queue> {
        self.subs.get(sub)?.dlq.map(|q| self.sqs.get(q))
    }
    /// What an SQS message in subscription `sub`'s queue or DLQ is.
    pub fn queued_copy(&self, sub: usize, id: MessageId) -> Option<QueuedCopy> {
        self.subs.get(sub)?.copies.get(&id).copied()
    }
    /// What subscription `sub`'s queue consumers are doing.
    pub fn consumers(&self, sub: usize) -> &[ConsumerState] {
        self.subs.get(sub).map_or(&[], |s| &s.consumers)
    }
    /// How subscription `sub`'s endpoint answers at `now` (it may have recovered).
    pub fn health_at(&self, sub: usize, now: SimTime) -> Health {
        let (Some(settings), Some(state)) = (self.scenario.subscriptions.get(sub), self.subs.get(sub)) else {
            return Health::Healthy;
        };
        match state.recovers_at {
            Some(at) if now >= at => Health::Healthy,
            _ => settings.health,
        }
    }
    /// The request a template publishes.
    pub fn template(&self, index: usize) -> Option<&PublishRequest> {
        self.templates.get(index)
    }
    /// The text of message `message` if it was composed by hand and is still being delivered.
    pub fn composed(&self, message: u64) -> Option<&PublishRequest> {
        self.messages.get(&message)?.composed.as_deref()
    }
    /// Which subscriptions would receive `req` if it were published at `now`, and why, without
    /// publishing it (a filter policy change still taking effect decides as the publish would).
    pub fn preview(&self, req: &PublishRequest, now: SimTime) -> Result<Vec<Fanout>, SnsError> {
        let mut fanout = self.sns.preview(self.topic, req)?;
        for f in &mut fanout {
            self.in_force(now, self.next_message, req, f);
        }
        Ok(fanout)
    }

    /// How long a filter policy change takes to reach every copy.
    pub fn filter_propagation(&self) -> SimDuration {
        SimDuration::from_secs(self.scenario.topic.filter_propagation_s)
    }

    /// The change of subscription `sub`'s filter policy that had not yet reached message
    /// `message`'s copy, published at `published_at`, so that the policy before it (the edit's
    /// `before`) decided the copy; `None` when the newest policy then set decided.
    pub fn decided_by_previous(&self, sub: usize, message: u64, published_at: SimTime) -> Option<&FilterEdit> {
        let s = self.scenario.subscriptions.get(sub)?;
        let version = s.filter_version_for(sub, message, published_at, self.filter_propagation());
        (version < s.edits_made(published_at)).then(|| &s.filter_edits[version])
    }

    /// Decides `f` by the filter policy in force for message `id`'s copy published at `now`:
    /// the topic's decision was made with the subscription's newest policy, but a change takes
    /// up to 15 minutes to take full effect (SNS-23), so the policy before it may still decide.
    /// Returns whether it did.
    fn in_force(&self, now: SimTime, id: u64, req: &PublishRequest, f: &mut Fanout) -> bool {
        let sub = f.subscription.0;
        let Some(s) = self.scenario.subscriptions.get(sub) else { return false };
        if s.filter_edits.is_empty() {
            return false;
        }
        let version = s.filter_version_for(sub, id, now, self.filter_propagation());
        (f.delivered, f.reason) = match self.subs[sub].earlier_filters.get(version) {
            // The newest policy: the topic's decision stands.
            None => return false,
            Some(None) => (true, "no filter policy".to_owned()),
            Some(Some(policy)) => {
                let message = match policy.scope() {
                    FilterScope::MessageBody => Message::from_body(&req.body),
                    FilterScope::MessageAttributes => Message::from_attributes(
                        req.attributes.iter().map(|(n, k, v)| (n.as_str(), k.as_str(), v.as_str())),
                    ),
                };
                let d = policy.evaluate(&message);
                (d.matched, d.reason)
            }
        };
        // Before its first change a policy is simply the one in force.
        if version == s.edits_made(now) {
            return false;
        }
        let changed = s.filter_edits[version].at_s;
        f.reason = format!("{PREVIOUS_POLICY} (the change at {changed:.1} s was still taking effect): {}", f.reason);
        true
    }

    /// Publishes a message composed by hand (the playground's composer), now.
    pub fn publish_composed(
        &mut self,
        cx: &mut Ctx<Work, SnsTraceEvent>,
        mut req: PublishRequest,
    ) -> Result<u64, SnsError> {
        if self.scenario.topic.fifo {
            let n = self.next_message;
            req.group_id.get_or_insert_with(|| "g0".into());
            req.dedup_id.get_or_insert_with(|| format!("composed-{n}"));
        }
        let group = group_number(req.group_id.as_deref());
        let id = self.publish(cx, &req, None, None, group, true)?;
        self.after_queue_call(cx);
        self.wake(cx);
        Ok(id)
    }

    /// The JSON envelope SNS wraps message `message` in for a subscription without raw delivery
    /// (SNS-15), or the body as-is with raw delivery.
    pub fn payload(&self, sub: usize, message: u64, template: Option<u32>, at: SimTime) -> Option<String> {
        let req = match template {
            Some(t) => self.templates.get(t as usize)?,
            None => self.composed(message)?,
        };
        let raw = self.subs.get(sub)?.raw;
        Some(if raw { req.body.clone() } else { envelope(self.scenario.topic_name(), message, req, at) })
    }

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        cx: &mut Ctx<Work, SnsTraceEvent>,
        reason: Reason,
        message: u64,
        template: Option<u32>,
        sub: Option<u32>,
        attempt: u32,
        note: Option<Arc<str>>,
    ) {
        let subscription = sub.map(|s| (s, self.subs[s as usize].name.clone()));
        cx.emit(SnsTraceEvent {
            at: cx.now(),
            reason,
            message: Some(message),
            subscription,
            actor: None,
            attempt,
            note,
            template,
        });
    }

    /// Traces an event of one copy's delivery.
    fn emit_copy(&self, cx: &mut Ctx<Work, SnsTraceEvent>, reason: Reason, d: &Delivery, note: Option<Arc<str>>) {
        self.emit(cx, reason, d.message, d.template, Some(d.sub), d.attempts, note);
    }

    /// Traces what a queue consumer did with a message.
    fn emit_consumer(
        &self,
        cx: &mut Ctx<Work, SnsTraceEvent>,
        reason: Reason,
        (s, c): (u32, u32),
        (message, template): (u64, Option<u32>),
        attempt: u32,
    ) {
        cx.emit(SnsTraceEvent {
            at: cx.now(),
            reason,
            message: Some(message),
            subscription: Some((s, self.subs[s as usize].name.clone())),
            actor: Some(c),
            attempt,
            note: None,
            template,
        });
    }

    fn count(&self, cx: &mut Ctx<Work, SnsTraceEvent>, pick: impl Fn(&SnsSeries) -> Option<SeriesId>) {
        if let Some(id) = self.series.as_ref().and_then(pick) {
            cx.metrics.record(id, cx.now(), 1.0);
        }
    }

    fn publish_next(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, publisher: u32) {
        let total = self.weights.last().copied().unwrap_or(0);
        let pick = cx.rng.below(total.max(1));
        let template = self.weights.iter().position(|&w| pick < w).unwrap_or(0);
        let n = self.publishers[publisher as usize].1;
        self.publishers[publisher as usize].1 += 1;
        let groups = u64::from(self.scenario.publishers[publisher as usize].groups);
        let fifo = self.scenario.topic.fifo;
        // Standard topics track order per publisher; FIFO topics per message group.
        let group = if fifo { (n % groups) as u32 } else { publisher };
        let mut req = self.templates[template].clone();
        if fifo {
            req.group_id = Some(format!("g{group}"));
            if !self.scenario.topic.content_based_dedup {
                req.dedup_id = Some(format!("p{publisher}-{n}"));
            }
        }
        // A publish error here would be a template the scenario check let through: traced, not fatal.
        if self.publish(cx, &req, Some(template as u32), Some(publisher), group, false).is_err() {
            cx.emit(SnsTraceEvent {
                at: cx.now(),
                reason: Reason::Throttled,
                message: None,
                subscription: None,
                actor: Some(publisher),
                attempt: 0,
                note: None,
                template: None,
            });
        }
        if let Some(at) = self.publishers[publisher as usize].0.next(&mut cx.rng) {
            cx.schedule_at(at.max(cx.now()), Work::Publish { publisher });
        }
    }

    fn publish(
        &mut self,
        cx: &mut Ctx<Work, SnsTraceEvent>,
        req: &PublishRequest,
        template: Option<u32>,
        publisher: Option<u32>,
        group: u32,
        keep_text: bool,
    ) -> Result<u64, SnsError> {
        let published = self.sns.publish(cx.now(), self.topic, req)?;
        let id = self.next_message;
        self.next_message += 1;
        let event = |reason| SnsTraceEvent {
            at: cx.now(),
            reason,
            message: Some(id),
            subscription: None,
            actor: publisher,
            attempt: 0,
            note: None,
            template,
        };
        if published.deduplicated {
            self.totals.deduplicated += 1;
            cx.emit(event(Reason::Deduplicated));
            return Ok(id);
        }
        self.totals.published += 1;
        cx.emit(event(Reason::Published));
        self.count(cx, |s| Some(s.published));
        let mut copies = 0;
        for mut f in published.fanout {
            if self.in_force(cx.now(), id, req, &mut f) {
                self.totals.subscriptions[f.subscription.0].by_previous_policy += 1;
            }
            let sub = f.subscription.0 as u32;
            if !f.delivered {
                self.totals.subscriptions[sub as usize].filtered += 1;
                self.emit(cx, Reason::FilteredOut, id, template, Some(sub), 0, Some(Arc::from(f.reason)));
                self.count(cx, |s| s.filtered.get(sub as usize).copied().flatten());
                continue;
            }
            self.totals.subscriptions[sub as usize].matched += 1;
            copies += 1;
            let d = Delivery { message: id, sub, attempts: 0, phase: DeliveryPhase::Queued, template, group };
            let slot = self.insert(d);
            let line = self.subs[sub as usize].ordered.then(|| self.lines.entry((sub, group)).or_default());
            match line {
                // Behind an earlier message of its group: it goes when that one is done.
                Some(line) if !line.is_empty() => line.push_back(slot),
                Some(line) => {
                    line.push_back(slot);
                    self.attempt(cx, slot);
                }
                None => self.attempt(cx, slot),
            }
        }
        if copies > 0 {
            let composed = keep_text.then(|| Arc::new(req.clone()));
            self.messages.insert(id, InTransit { copies_left: copies, composed });
        }
        Ok(id)
    }

    fn insert(&mut self, d: Delivery) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.deliveries[slot as usize] = Some(d);
                slot
            }
            None => {
                self.deliveries.push(Some(d));
                (self.deliveries.len() - 1) as u32
            }
        }
    }

    fn attempt(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, slot: u32) {
        let Some(d) = self.deliveries[slot as usize] else { return };
        let mut latency = self.subs[d.sub as usize].latency;
        if self.health_at(d.sub as usize, cx.now()) == Health::Slow {
            latency = latency.saturating_mul(10);
        }
        if !self.subs[d.sub as usize].ordered {
            // Best-effort order: a copy can overtake an earlier one.
            latency = SimDuration::from_secs_f64(latency.as_secs_f64() * (0.5 + cx.rng.next_f64()));
        }
        // SNS waits 15 s for an HTTP/S endpoint's answer, then counts the attempt failed.
        let timed_out =
            self.scenario.subscriptions[d.sub as usize].endpoint == EndpointKind::Http && latency > HTTP_ANSWER_TIMEOUT;
        let Some(d) = self.deliveries[slot as usize].as_mut() else { return };
        d.attempts += 1;
        let until = cx.now() + if timed_out { HTTP_ANSWER_TIMEOUT } else { latency };
        d.phase = DeliveryPhase::InFlight { until };
        cx.schedule_at(until, Work::Answer { delivery: slot, timed_out });
    }

    fn answer(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, slot: u32, timed_out: bool) {
        let Some(d) = self.deliveries[slot as usize] else { return };
        let s = d.sub as usize;
        let kind = self.scenario.subscriptions[s].endpoint;
        let health = if timed_out { Health::ServerErrors } else { self.health_at(s, cx.now()) };
        match health {
            Health::Healthy | Health::Slow => self.delivered(cx, slot, None),
            // An HTTP/S endpoint's 4xx is an answer: SNS counts the copy delivered, never retries it
            // and never moves it to a dead-letter queue — the copy is silently gone (the same page as
            // `HTTP_ANSWER_TIMEOUT`).
            Health::ClientErrors if kind == EndpointKind::Http => {
                self.delivered(cx, slot, Some("HTTP 403: SNS treats 4xx as delivered — lost"));
            }
            Health::ServerErrors => {
                let error = if timed_out { "no answer within 15 s" } else { server_error(kind) };
                match self.subs[s].policy.delay_before(d.attempts) {
                    Some(delay) => {
                        let jitter = 0.9 + 0.2 * cx.rng.next_f64();
                        let delay = SimDuration::from_secs_f64(delay.as_secs_f64() * jitter);
                        let until = cx.now() + delay;
                        self.totals.subscriptions[s].retries += 1;
                        self.count(cx, |x| Some(x.retries));
                        let note = format!("{error}; retry {} in {}", d.attempts, format_delay(delay));
                        self.emit_copy(cx, Reason::DeliveryFailed, &d, Some(note.into()));
                        if let Some(d) = self.deliveries[slot as usize].as_mut() {
                            d.phase = DeliveryPhase::Backoff { until };
                        }
                        cx.schedule_at(until, Work::Attempt { delivery: slot });
                    }
                    None => {
                        let retries = self.subs[s].policy.num_retries;
                        let note = match retries {
                            0 => format!("{error}; no retries in its policy"),
                            n => format!("{error}; all {} used", crate::text::count(n, "retry", "retries")),
                        };
                        self.emit_copy(cx, Reason::DeliveryFailed, &d, Some(error.into()));
                        self.give_up(cx, slot, note);
                    }
                }
            }
            Health::ClientErrors => {
                let error = client_error(kind);
                self.totals.subscriptions[s].rejected += 1;
                self.emit_copy(cx, Reason::DeliveryRejected, &d, Some(error.into()));
                self.give_up(cx, slot, error.to_owned());
            }
        }
    }

    /// A copy the endpoint accepted — or, with `lost`, answered with a 4xx that SNS counts as
    /// delivered all the same.
    fn delivered(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, slot: u32, lost: Option<&'static str>) {
        let Some(d) = self.deliveries[slot as usize] else { return };
        let s = d.sub as usize;
        self.totals.subscriptions[s].delivered += 1;
        if let Some(queue) = self.subs[s].queue {
            self.enqueue(cx, &d, queue, false);
        }
        self.emit_copy(cx, Reason::Delivered, &d, lost.map(Into::into));
        self.count(cx, |x| x.delivered.get(s).copied().flatten());
        if lost.is_some() {
            self.totals.subscriptions[s].lost += 1;
            self.count(cx, |x| Some(x.lost));
        }
        self.finish(cx, slot);
    }

    /// A copy that will not be delivered: to the subscription's DLQ, or lost (SNS-03, SNS-12).
    fn give_up(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, slot: u32, why: String) {
        let Some(d) = self.deliveries[slot as usize] else { return };
        let s = d.sub as usize;
        match self.subs[s].dlq {
            Some(dlq) => {
                self.totals.subscriptions[s].dead_lettered += 1;
                self.enqueue(cx, &d, dlq, true);
                self.emit_copy(cx, Reason::MovedToDlq, &d, Some(why.into()));
            }
            None => {
                self.totals.subscriptions[s].lost += 1;
                self.count(cx, |x| Some(x.lost));
                self.emit_copy(cx, Reason::MessageLost, &d, Some(why.into()));
            }
        }
        self.finish(cx, slot);
    }

    /// Puts a copy in a subscribed queue (or a DLQ) as an SQS message.
    fn enqueue(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, d: &Delivery, queue: QueueId, dead_letter: bool) {
        let s = d.sub as usize;
        let size = self.payload_size(s, d);
        let fifo = self.sqs.get(queue).attributes().fifo;
        let req = SendRequest {
            body: None,
            size,
            group_id: fifo.then(|| format!("g{}", d.group)),
            dedup_id: fifo.then(|| format!("m{}", d.message)),
            delay_s: None,
        };
        let Ok(sent) = self.sqs.send(cx.now(), queue, req, &mut cx.rng) else { return };
        let copy = QueuedCopy { message: d.message, template: d.template, group: d.group };
        self.subs[s].copies.insert(sent.message_id, copy);
        if !dead_letter {
            let last = self.subs[s].last_of_group.entry(d.group).or_insert(0);
            if d.message < *last {
                let note = format!("msg-{} got there first", *last);
                self.totals.subscriptions[s].out_of_order += 1;
                self.emit_copy(cx, Reason::OutOfOrder, d, Some(note.into()));
            } else {
                *last = d.message;
            }
        }
        self.after_queue_call(cx);
    }

    fn payload_size(&self, sub: usize, d: &Delivery) -> u64 {
        let req = match d.template {
            Some(t) => self.templates.get(t as usize),
            None => self.composed(d.message),
        };
        let body = req.map_or(1, |r| r.body.len() as u64).max(1);
        match self.subs[sub].raw {
            true => body,
            // The envelope's fixed fields (ids, ARNs, signature, URLs) are about 1 KB.
            false => body + 1_000,
        }
    }

    fn finish(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, slot: u32) {
        let Some(d) = self.deliveries[slot as usize].take() else { return };
        self.free.push(slot);
        if let Some(m) = self.messages.get_mut(&d.message) {
            m.copies_left -= 1;
            if m.copies_left == 0 {
                self.messages.remove(&d.message);
            }
        }
        if self.subs[d.sub as usize].ordered {
            if let Some(line) = self.lines.get_mut(&(d.sub, d.group)) {
                line.pop_front();
                match line.front().copied() {
                    Some(next) => self.attempt(cx, next),
                    None => {
                        self.lines.remove(&(d.sub, d.group));
                    }
                }
            }
        }
    }

    fn poll(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, s: u32, c: u32) {
        let Some(queue) = self.subs[s as usize].queue else { return };
        if !self.sqs.get(queue).has_receivable() {
            self.subs[s as usize].consumers[c as usize] = ConsumerState::Waiting;
            self.subs[s as usize].waiting.push_back(c);
            return;
        }
        let req = ReceiveRequest { max_messages: 1, visibility_timeout_s: None, long_poll: true };
        let Ok(got) = self.sqs.receive(cx.now(), queue, req, &mut cx.rng) else {
            // Throttled (a FIFO queue's 300 receives per second, SQS-11): waiting again at this
            // instant would be refused again, for ever; the SDK retries after its backoff.
            self.after_queue_call(cx);
            self.subs[s as usize].consumers[c as usize] = ConsumerState::Waiting;
            let wait = CONSUMER_CALL + backoff(Failure::Throttled, 1, &mut cx.rng);
            cx.schedule_in(wait, Work::Poll { sub: s, consumer: c });
            return;
        };
        self.after_queue_call(cx);
        let Some(r) = got.first() else {
            self.subs[s as usize].waiting.push_back(c);
            return;
        };
        let copy = self.subs[s as usize].copies.get(&r.message_id);
        let (message, template) = copy.map_or((0, None), |q| (q.message, q.template));
        self.subs[s as usize].consumers[c as usize] =
            ConsumerState::Processing { message, id: r.message_id, handle: r.receipt_handle };
        self.emit_consumer(cx, Reason::Received, (s, c), (message, template), r.receive_count);
        let work = SimDuration::from_secs_f64(self.scenario.subscriptions[s as usize].processing_ms / 1000.0);
        cx.schedule_in(work + CONSUMER_CALL, Work::Processed { sub: s, consumer: c });
    }

    fn processed(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, s: u32, c: u32) {
        let Some(queue) = self.subs[s as usize].queue else { return };
        let ConsumerState::Processing { message, id, handle } = self.subs[s as usize].consumers[c as usize] else {
            return;
        };
        let template = self.subs[s as usize].copies.get(&id).and_then(|q| q.template);
        if self.sqs.delete(cx.now(), queue, handle, &mut cx.rng).unwrap_or(false) {
            self.subs[s as usize].copies.remove(&id);
        }
        self.totals.subscriptions[s as usize].processed += 1;
        self.emit_consumer(cx, Reason::Processed, (s, c), (message, template), 0);
        self.after_queue_call(cx);
        self.poll(cx, s, c);
    }

    /// After every queue call: trace what the queues did by themselves, keep the queue tick
    /// scheduled, and wake long pollers of queues that have messages.
    fn after_queue_call(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>) {
        if self.sqs.has_events() {
            let events: Vec<_> = self.sqs.drain_events().collect();
            for e in events {
                if let crate::sqs::QueueEvent::VisibilityExpired { id, receive_count, .. } = e.event {
                    if let Some(s) = self.subs.iter().position(|s| s.queue == Some(e.queue)) {
                        let copy = self.subs[s].copies.get(&id);
                        let (message, template) = copy.map_or((0, None), |q| (q.message, q.template));
                        self.emit(
                            cx,
                            Reason::VisibilityExpired,
                            message,
                            template,
                            Some(s as u32),
                            receive_count,
                            None,
                        );
                    }
                }
            }
        }
        if let Some(next) = self.sqs.next_change() {
            if self.tick_at.is_none_or(|t| next < t) {
                self.tick_at = Some(next);
                cx.schedule_at(next.max(cx.now()), Work::QueueTick);
            }
        }
        for (i, sub) in self.subs.iter_mut().enumerate() {
            let Some(queue) = sub.queue else { continue };
            let q = self.sqs.get(queue);
            if sub.waiting.is_empty() || !q.has_receivable() {
                continue;
            }
            let n = q.visible_count().min(sub.waiting.len());
            self.woken.extend(sub.waiting.drain(..n).map(|c| (i as u32, c)));
        }
    }

    fn wake(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>) {
        while let Some((s, c)) = self.woken.pop_front() {
            self.poll(cx, s, c);
        }
    }

    fn sample(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>) {
        let Some(s) = self.series else { return };
        let depth: usize = self.subs.iter().filter_map(|x| x.dlq).map(|q| self.sqs.get(q).visible_count()).sum();
        cx.metrics.record(s.dlq, cx.now(), depth as f64);
        cx.schedule_in(SimDuration::from_secs(1), Work::Sample);
    }
}

/// The FIFO group number of a group id like `g2` (other ids share group 0).
fn group_number(id: Option<&str>) -> u32 {
    id.and_then(|g| g.strip_prefix('g')).and_then(|n| n.parse().ok()).unwrap_or(0)
}

fn server_error(kind: EndpointKind) -> &'static str {
    match kind {
        EndpointKind::Http => "HTTP 503 Service Unavailable",
        EndpointKind::Lambda => "Lambda throttled the invocation (TooManyRequestsException)",
        EndpointKind::Sqs => "the queue is unavailable (server error)",
    }
}

fn client_error(kind: EndpointKind) -> &'static str {
    match kind {
        EndpointKind::Http => "HTTP 403 Forbidden",
        EndpointKind::Lambda => "the function's resource policy does not allow SNS (AccessDenied)",
        EndpointKind::Sqs => "the queue policy does not allow SNS to send (AccessDenied)",
    }
}

fn format_delay(d: SimDuration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.1} s")
    }
}

/// The JSON envelope of a notification (SNS-15): the fields an SQS or HTTP/S subscriber without
/// raw delivery receives. Signature fields are placeholders: nothing is signed here.
pub fn envelope(topic: &str, message: u64, req: &PublishRequest, at: SimTime) -> String {
    let arn = format!("arn:aws:sns:us-east-1:123456789012:{topic}");
    let attributes: serde_json::Map<String, serde_json::Value> = req
        .attributes
        .iter()
        .map(|(name, kind, value)| (name.clone(), serde_json::json!({ "Type": kind, "Value": value })))
        .collect();
    let mut doc = serde_json::json!({
        "Type": "Notification",
        "MessageId": format!("msg-{message}"),
        "TopicArn": arn,
        "Message": req.body,
        "Timestamp": format!("(simulated) +{:.3} s", at.as_secs_f64()),
        "SignatureVersion": "1",
        "Signature": "(signature)",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-(cert).pem",
        "UnsubscribeURL": format!("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={arn}:(id)"),
    });
    if !attributes.is_empty() {
        doc["MessageAttributes"] = serde_json::Value::Object(attributes);
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

impl Model for SnsModel {
    type Work = Work;
    type Event = SnsTraceEvent;

    fn held_bytes(&self) -> u64 {
        use std::mem::size_of;
        let in_transit =
            (size_of::<(u64, InTransit)>() as u64 + crate::sim::BTREE_ENTRY_BYTES) * self.messages.len() as u64;
        let deliveries = (size_of::<Option<Delivery>>() * self.deliveries.len()) as u64;
        let waiting: usize = self.lines.values().map(VecDeque::len).sum();
        in_transit + deliveries + 4 * waiting as u64 + self.sqs.held_bytes()
    }

    fn start(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>) {
        let second = SimDuration::from_secs(1);
        let m = &mut cx.metrics;
        let n = self.subs.len().min(DELIVERED_SERIES.len());
        let mut delivered = [None; 5];
        let mut filtered = [None; 5];
        for i in 0..n {
            delivered[i] = Some(m.add(DELIVERED_SERIES[i], "per s", SeriesKind::Counter, second));
            filtered[i] = Some(m.add(FILTERED_SERIES[i], "per s", SeriesKind::Counter, second));
        }
        self.series = Some(SnsSeries {
            published: m.add("published", "per s", SeriesKind::Counter, second),
            delivered,
            filtered,
            retries: m.add("retries", "per s", SeriesKind::Counter, second),
            dlq: m.add("DLQ depth", "messages", SeriesKind::Gauge, second),
            lost: m.add("lost", "per s", SeriesKind::Counter, second),
        });
        for publisher in 0..self.publishers.len() as u32 {
            if let Some(at) = self.publishers[publisher as usize].0.next(&mut cx.rng) {
                cx.schedule_at(at, Work::Publish { publisher });
            }
        }
        for (s, sub) in self.subs.iter().enumerate() {
            for c in 0..sub.consumers.len() as u32 {
                cx.schedule_at(SimTime::ZERO, Work::Poll { sub: s as u32, consumer: c });
            }
        }
        cx.schedule_at(SimTime::ZERO, Work::Sample);
    }

    fn handle(&mut self, cx: &mut Ctx<Work, SnsTraceEvent>, work: Work) {
        match work {
            Work::Publish { publisher } => {
                self.publish_next(cx, publisher);
                self.after_queue_call(cx);
            }
            Work::Attempt { delivery } => self.attempt(cx, delivery),
            Work::Answer { delivery, timed_out } => self.answer(cx, delivery, timed_out),
            Work::Poll { sub, consumer } => self.poll(cx, sub, consumer),
            Work::Processed { sub, consumer } => self.processed(cx, sub, consumer),
            Work::QueueTick => {
                if self.tick_at.is_some_and(|t| t <= cx.now()) {
                    self.tick_at = None;
                }
                self.sqs.advance(cx.now());
                self.after_queue_call(cx);
            }
            Work::Sample => self.sample(cx),
        }
        self.wake(cx);
    }
}
