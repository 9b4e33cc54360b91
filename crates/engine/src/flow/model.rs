//! `FlowModel`: a flow on one scheduler, with one RNG and one trace. The services are the
//! engine's own models — one [`Sqs`] holds every queue, one [`Sns`] every topic, each stream a
//! [`Stream`], each API a [`Gateway`], each function a [`Function`] — driven by the flow's work
//! items; what connects them (SDK calls with retries, SNS deliveries, event source mappings,
//! integrations) lives here and in `readers.rs` (SQS → Lambda or consumers) and `kinesis_esm.rs`.

use crate::apigw::{Failure, Gateway, Outcome, RetryClient};
use crate::kinesis::{partition_hash, Stream};
use crate::lambda::{Account, Function, RunEnd};
use crate::metrics::{Histogram, Series, SeriesId, SeriesKind, DEFAULT_BUCKETS};
use crate::rng::SimRng;
use crate::sim::{Ctx, Model, Sim};
use crate::sns::retry::RetryPolicy;
use crate::sns::{Health, Prepared, Protocol, PublishRequest, Sns, TopicId};
use crate::sqs::{Fidelity, MessageId, QueueEvent, QueueId, SendRequest, Sqs};
use crate::time::{SimDuration, SimTime};
use crate::trace::{Reason, StableHasher, TraceRecord};
use crate::workload::Arrivals;

use super::kinesis_esm::KinesisEsm;
use super::ledger::{Copies, Copy, End, Ledger, Place};
use super::readers::Reader;
use super::scenario::{FlowError, FlowScenario, HttpEndpoint, NodeKind, Role};

/// How long an AWS API call or a hop between services takes in the model (a send, a publish,
/// a put, an integration, SNS handing a copy to a queue or to Lambda). AWS publishes no
/// numbers; tens of milliseconds is what these calls take within a Region.
pub const HOP: SimDuration = SimDuration::from_millis(20);
/// How long SNS waits for an HTTP/S endpoint's answer before counting the attempt failed.
pub use crate::sns::HTTP_ANSWER_TIMEOUT;
/// Lambda's retries of a throttled asynchronous event back off from 1 s to 5 minutes (LCON-05).
const ASYNC_THROTTLE_MAX: SimDuration = SimDuration::from_secs(300);
/// Lambda's retries after an asynchronous event's function error: 1 minute, then 2 (LCON-05).
const ASYNC_ERROR_RETRY: [SimDuration; 2] = [SimDuration::from_secs(60), SimDuration::from_secs(120)];

/// A flow simulation.
pub type FlowSim = Sim<FlowModel>;

impl Sim<FlowModel> {
    /// Validates `scenario`, builds the services and starts the run.
    pub fn try_new(scenario: &FlowScenario, seed: u64) -> Result<FlowSim, FlowError> {
        Ok(Sim::with_model(FlowModel::new(scenario)?, seed))
    }
}

/// Scheduled work.
#[derive(Clone, Copy, Debug)]
pub enum Work {
    /// A producer or client group's next message.
    Send { node: u16 },
    /// An attempt of a call (a producer's send, a client's request).
    Attempt { call: u32 },
    /// A copy reaches a node.
    Arrive { node: u16, copy: u64 },
    /// A queue changes by itself (a delay or visibility timeout ends, retention).
    SqsTick,
    /// An SQS reader's slot polls.
    Poll { reader: u16, slot: u16, gen: u32 },
    /// An SQS reader's slot tries to start work on its batch (again, after a throttle).
    StartBatch { reader: u16, slot: u16, gen: u32 },
    /// An SQS reader's batch is done.
    BatchDone { reader: u16, slot: u16, gen: u32 },
    /// Once a second: event source mapping scaling.
    Tick,
    /// A Kinesis mapping's shard reads.
    KinesisPoll { esm: u16, shard: u16, gen: u32 },
    /// One of a Kinesis mapping's concurrent batches of a shard retries.
    KinesisLane { esm: u16, shard: u16, lane: u8, gen: u32 },
    /// One of a Kinesis mapping's concurrent batches of a shard is done.
    KinesisDone { esm: u16, shard: u16, lane: u8, gen: u32 },
    /// An asynchronous Lambda event is tried.
    AsyncTry { event: u32 },
    /// An asynchronous invocation is done.
    AsyncDone { event: u32 },
    /// A synchronous backend (Lambda proxy, HTTP backend, an endpoint SNS delivers to) is done.
    BackendDone { job: u32 },
    /// An API call's integration timeout.
    CallTimeout { call: u32, gen: u32 },
    /// An SNS delivery attempt to an HTTP/S endpoint.
    Deliver { delivery: u32 },
}

/// A trace event of a flow.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowEvent {
    /// When.
    pub at: SimTime,
    /// Why.
    pub reason: Reason,
    /// The node it happened at.
    pub node: u16,
    /// The message or copy (0: none).
    pub copy: u64,
    /// For a new copy, the message or copy it is a copy of (0: none): following a message
    /// through a fan-out follows these.
    pub parent: u64,
    /// What happened, for people.
    pub note: &'static str,
}

impl TraceRecord for FlowEvent {
    fn at(&self) -> SimTime {
        self.at
    }
    fn reason(&self) -> Reason {
        self.reason
    }
    fn hash_into(&self, h: &mut StableHasher) {
        let what = u64::from(self.reason.stable_id()) | u64::from(self.node) << 32;
        h.write_u64x4([self.at.as_micros(), what, self.copy, self.parent]);
    }
    fn subject(&self) -> Option<u64> {
        (self.copy != 0).then_some(self.copy)
    }
    fn parent(&self) -> Option<u64> {
        (self.parent != 0).then_some(self.parent)
    }
    fn describe(&self) -> String {
        match (self.copy, self.parent) {
            (0, _) => format!("node {}: {}", self.node, self.note),
            (c, 0) => format!("node {}: message {c}: {}", self.node, self.note),
            (c, p) => format!("node {}: message {c} (a copy of {p}): {}", self.node, self.note),
        }
    }
}

/// A producer's or client group's running state.
#[derive(Clone, Debug)]
pub(super) struct Sender {
    pub arrivals: Arrivals,
    pub retry: RetryClient,
    pub target: u16,
    pub keys: u32,
    pub templates: Vec<(u32, PublishRequest, Prepared)>,
    pub total_weight: u32,
    pub sent: u64,
    pub size: u64,
}

/// A call made by a sender: its message and attempts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Call {
    pub sender: u16,
    pub copy: u64,
    pub attempt: u32,
    pub last: Option<Failure>,
    /// Bumped when an attempt is resolved, so a late timer of an older attempt does nothing.
    pub gen: u32,
}

/// Work a synchronous backend is doing.
#[derive(Clone, Copy, Debug)]
pub(super) enum Job {
    /// A Lambda proxy invocation for an API call.
    Lambda { node: u16, call: u32, gen: u32, end: RunEnd },
    /// An HTTP backend serving an API call.
    ApiHttp { node: u16, call: u32, gen: u32, status: u16 },
    /// An HTTP endpoint answering an SNS delivery (or a function's call).
    Delivery { node: u16, delivery: u32, status: u16 },
}

/// An SNS delivery to an HTTP/S endpoint (or a function's HTTP call, `sub == None`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Delivery {
    pub copy: u64,
    pub sub: Option<u16>,
    pub to: u16,
    pub attempts: u32,
}

/// An asynchronous Lambda event.
#[derive(Clone, Copy, Debug)]
pub(super) struct AsyncEvent {
    pub function: u16,
    pub copy: u64,
    pub since: SimTime,
    pub errors: u32,
    pub throttles: u32,
    pub end: Option<RunEnd>,
}

/// An SNS subscription of the flow.
#[derive(Clone, Debug)]
pub(super) struct Sub {
    pub topic: u16,
    pub to: u16,
    pub dlq: Option<u16>,
    pub policy: RetryPolicy,
}

/// An HTTP endpoint's running state: busy slots and the line waiting for one.
#[derive(Clone, Debug)]
pub(super) struct Endpoint {
    pub settings: HttpEndpoint,
    pub busy: u32,
    pub line: std::collections::VecDeque<u32>,
    pub served: u64,
    pub status_4xx: u64,
    pub status_5xx: u64,
}

/// A node's charts: sampled once a second.
#[derive(Clone, Debug)]
pub struct NodeSeries {
    /// Messages at the node (a queue's visible and in-flight messages, a stream's unread
    /// records, a function's events, a topic's deliveries under way).
    pub backlog: Series,
    /// Functions: executions running; endpoints: requests being served.
    pub busy: Series,
    /// Throttles (429s, throttled sends and invokes), per second.
    pub throttled: Series,
}

impl NodeSeries {
    fn new() -> NodeSeries {
        let each = |name, unit, kind| Series::new(name, unit, kind, SimDuration::from_secs(1), DEFAULT_BUCKETS);
        NodeSeries {
            backlog: each("backlog", "messages", SeriesKind::Gauge),
            busy: each("busy", "executions", SeriesKind::Gauge),
            throttled: each("throttled", "/s", SeriesKind::Counter),
        }
    }
}

/// The flow-wide charts, in the run's `Metrics`.
#[derive(Clone, Copy, Debug)]
struct FlowSeries {
    sent: SeriesId,
    processed: SeriesId,
    lost: SeriesId,
    latency: SeriesId,
    /// Losses by how they happened, in `End::ALL` order (`None` for the ends that are not losses).
    lost_by: [Option<SeriesId>; 12],
}

/// Per-node counters for the report.
#[derive(Clone, Debug, Default)]
pub struct NodeCounters {
    /// Messages or requests that came in.
    pub received: u64,
    /// Requests or sends refused by throttling (429s, ThrottlingException, ProvisionedThroughputExceeded).
    pub throttled: u64,
    /// Retries made (calls), or messages received again (queues).
    pub retries: u64,
    /// Messages processed (functions, consumers, endpoints).
    pub processed: u64,
    /// Failed attempts (function errors, 5xx, 504s).
    pub failed: u64,
    /// API: 504s. Lambda: invocations that finished after their caller's timeout.
    pub timed_out: u64,
    /// Billed requests (SQS 64 KB chunks, SNS publishes, API calls, Kinesis PUT payload units).
    pub billed: u64,
    /// SNS: HTTP/S deliveries (billed apart).
    pub http_deliveries: u64,
    /// Queues: messages moved to the dead-letter queue; mappings: batches given up on.
    pub dead_lettered: u64,
    /// Readers: messages processed more than once.
    pub duplicates: u64,
    /// Readers of FIFO queues: messages processed before an earlier message of their group.
    pub out_of_order: u64,
    /// Kinesis mappings: the oldest iterator age seen, ms.
    pub max_iterator_age_ms: u64,
    /// KCL consumers with enhanced fan-out: bytes pushed to them (billed per GB).
    pub bytes_pushed: u64,
    /// Messages and copies that ended here, by `End` in `End::ALL` order.
    pub ended: [u64; 12],
}

/// The flow's state.
#[derive(Clone, Debug)]
pub struct FlowModel {
    pub(super) scenario: FlowScenario,
    /// Deliver targets of each node (node indices), in connection order.
    pub(super) outs: Vec<Vec<u16>>,
    pub(super) sqs: Sqs,
    pub(super) queue: Vec<Option<QueueId>>,
    /// The node of each queue, by `QueueId::index`.
    pub(super) queue_node: Vec<u16>,
    pub(super) reader_of: Vec<Option<u16>>,
    pub(super) readers: Vec<Reader>,
    pub(super) sns: Sns,
    pub(super) topic: Vec<Option<TopicId>>,
    pub(super) subs: Vec<Sub>,
    pub(super) subs_of: Vec<Vec<u16>>,
    pub(super) streams: Vec<Option<Stream>>,
    pub(super) kinesis: Vec<KinesisEsm>,
    pub(super) gateways: Vec<Option<Gateway>>,
    pub(super) functions: Vec<Option<Function>>,
    pub(super) on_failure: Vec<Option<u16>>,
    pub(super) account: Account,
    pub(super) endpoints: Vec<Option<Endpoint>>,
    pub(super) senders: Vec<Option<Sender>>,
    /// Functions passing what they processed on: their SDK retry state.
    pub(super) forwarders: Vec<Option<RetryClient>>,
    pub(super) copies: Copies,
    pub(super) ledger: Ledger,
    pub(super) calls: Slab<Call>,
    pub(super) jobs: Slab<Job>,
    pub(super) deliveries: Slab<Delivery>,
    pub(super) events: Slab<AsyncEvent>,
    pub(super) counters: Vec<NodeCounters>,
    pub(super) end_to_end: Histogram,
    pub(super) sqs_tick: Option<SimTime>,
    /// Each node's charts.
    pub(super) node_series: Vec<NodeSeries>,
    /// Throttles counted at the last sample, per node.
    throttled_before: Vec<u64>,
    series: Option<FlowSeries>,
    /// Readers of each stream node (mappings and KCL applications).
    pub(super) stream_readers: Vec<u8>,
    /// Records of streams with several readers: how many readers have not read each yet.
    pub(super) unread: std::collections::BTreeMap<u64, u8>,
    /// Scratch: a publish's filter decisions.
    routes: Vec<bool>,
    /// Scratch: what a receive returned.
    pub(super) received: Vec<crate::sqs::Received>,
    /// What a message without a template publishes (`{}`, no attributes).
    plain: (PublishRequest, Prepared),
    /// Attempt generations are unique in the run: a call's slot is reused, and a timer of an
    /// earlier call in it must not match the new one.
    next_gen: u32,
    /// Whether every copy's place is checked against the ledger on every move (tests).
    pub(super) audit: bool,
}

/// A vector with reusable slots: ids stay small and are handed out deterministically.
#[derive(Clone, Debug)]
pub(super) struct Slab<T> {
    items: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Slab<T> {
    fn new() -> Slab<T> {
        Slab { items: Vec::new(), free: Vec::new() }
    }
    pub fn insert(&mut self, item: T) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.items[i as usize] = Some(item);
                i
            }
            None => {
                self.items.push(Some(item));
                (self.items.len() - 1) as u32
            }
        }
    }
    pub fn get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize).and_then(Option::as_ref)
    }
    pub fn get_mut(&mut self, i: u32) -> Option<&mut T> {
        self.items.get_mut(i as usize).and_then(Option::as_mut)
    }
    pub fn remove(&mut self, i: u32) -> Option<T> {
        let item = self.items.get_mut(i as usize)?.take();
        if item.is_some() {
            self.free.push(i);
        }
        item
    }
    pub fn len(&self) -> usize {
        self.items.len() - self.free.len()
    }
}

impl FlowModel {
    /// Builds the services of a valid scenario; their own checks (queue attributes, redrive
    /// targets, subscriptions) are reported with the node or connection they belong to.
    pub fn new(scenario: &FlowScenario) -> Result<FlowModel, FlowError> {
        scenario.validate()?;
        let sc = scenario.clone();
        let n = sc.nodes.len();
        let index = |id: &str| sc.node(id).map_or(0, |(i, _)| i as u16);
        let mut m = FlowModel {
            outs: vec![Vec::new(); n],
            sqs: Sqs::new(Fidelity::default()),
            queue: vec![None; n],
            queue_node: Vec::new(),
            reader_of: vec![None; n],
            readers: Vec::new(),
            sns: Sns::new(),
            topic: vec![None; n],
            subs: Vec::new(),
            subs_of: vec![Vec::new(); n],
            streams: (0..n).map(|_| None).collect(),
            kinesis: Vec::new(),
            gateways: (0..n).map(|_| None).collect(),
            functions: (0..n).map(|_| None).collect(),
            on_failure: vec![None; n],
            account: Account::new(sc.lambda_concurrency, reserved_total(&sc)).map_err(FlowError::Wiring)?,
            endpoints: (0..n).map(|_| None).collect(),
            senders: (0..n).map(|_| None).collect(),
            forwarders: (0..n).map(|_| None).collect(),
            copies: Copies::default(),
            ledger: Ledger::new(n),
            calls: Slab::new(),
            jobs: Slab::new(),
            deliveries: Slab::new(),
            events: Slab::new(),
            counters: vec![NodeCounters::default(); n],
            end_to_end: Histogram::new(),
            sqs_tick: None,
            node_series: (0..n).map(|_| NodeSeries::new()).collect(),
            throttled_before: vec![0; n],
            series: None,
            stream_readers: vec![0; n],
            unread: std::collections::BTreeMap::new(),
            routes: Vec::new(),
            received: Vec::new(),
            plain: {
                let req = PublishRequest { body: "{}".into(), ..PublishRequest::default() };
                let prepared = Prepared::of(&req);
                (req, prepared)
            },
            next_gen: 0,
            audit: false,
            scenario: sc.clone(),
        };
        for c in sc.connections.iter().filter(|c| c.role == Role::Deliver) {
            m.outs[usize::from(index(&c.from))].push(index(&c.to));
        }
        for c in sc.connections.iter().filter(|c| c.role == Role::OnFailure) {
            m.on_failure[usize::from(index(&c.from))] = Some(index(&c.to));
        }
        // Queues: dead-letter queues first, so each redrive policy names a queue that exists.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| !sc.connections.iter().any(|c| c.role == Role::Redrive && c.to == sc.nodes[i].id));
        for i in order {
            let node = &sc.nodes[i];
            let NodeKind::SqsQueue(q) = &node.kind else { continue };
            let mut attrs = q.attributes.clone();
            if let Some(c) = sc.connections.iter().find(|c| c.role == Role::Redrive && c.from == node.id) {
                let policy = format!(
                    "{{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":{}}}",
                    crate::sqs::queue_arn(&c.to),
                    c.max_receive_count.unwrap_or(1)
                );
                attrs.insert("RedrivePolicy".into(), policy);
            }
            let id = m.sqs.create_queue(&node.id, &attrs).map_err(|e| {
                let range = attribute_range(&e.message).map_or_else(String::new, |r| format!(" (allowed: {r})"));
                FlowError::Wiring(format!("{} (queue): CreateQueue refused: {e}{range}", node.id))
            })?;
            m.queue[i] = Some(id);
            m.queue_node.push(i as u16);
            debug_assert_eq!(m.queue_node.len(), id.index() + 1);
        }
        for (i, node) in sc.nodes.iter().enumerate() {
            let id = &node.id;
            match &node.kind {
                NodeKind::Producer(p) => {
                    m.senders[i] =
                        Some(Sender::new(&p.workload, p.retry, 3, m.outs[i][0], p.keys, &p.messages, p.size_bytes));
                }
                NodeKind::Clients(c) => {
                    m.senders[i] = Some(Sender::new(
                        &c.workload,
                        c.retry,
                        c.naive_attempts,
                        m.outs[i][0],
                        c.keys,
                        &[],
                        c.size_bytes,
                    ));
                }
                NodeKind::ApiGateway(a) => {
                    let mut g = Gateway::new(&a.gateway).map_err(|e| FlowError::Wiring(format!("{id}: {e}")))?;
                    for c in sc.connections.iter().filter(|c| c.to == *id) {
                        if let Some((_, NodeKind::Clients(cl))) = sc.node(&c.from).map(|(_, n)| (0, &n.kind)) {
                            g.prepare_method(&cl.method);
                        }
                    }
                    m.gateways[i] = Some(g);
                }
                NodeKind::SnsTopic(t) => {
                    let topic = m
                        .sns
                        .create_topic(id, t.fifo, t.content_based_dedup)
                        .map_err(|e| FlowError::Wiring(format!("{id} (topic): CreateTopic refused: {e}")))?;
                    m.topic[i] = Some(topic);
                }
                NodeKind::KinesisStream(s) => {
                    let stream = Stream::create(id, s.shards, s.retention_h)
                        .map_err(|e| FlowError::Wiring(format!("{id} (stream): CreateStream refused: {e}")))?;
                    m.streams[i] = Some(stream);
                }
                NodeKind::Lambda(l) => {
                    m.functions[i] = Some(Function::new(l.function.clone()));
                    if !m.outs[i].is_empty() {
                        m.forwarders[i] = Some(RetryClient::new(crate::apigw::RetryMode::Standard, 3));
                    }
                }
                NodeKind::HttpEndpoint(h) => {
                    m.endpoints[i] = Some(Endpoint {
                        settings: h.clone(),
                        busy: 0,
                        line: std::collections::VecDeque::new(),
                        served: 0,
                        status_4xx: 0,
                        status_5xx: 0,
                    });
                }
                NodeKind::SqsQueue(_) | NodeKind::Consumers(_) | NodeKind::KinesisConsumers(_) => {}
            }
        }
        for c in sc.connections.iter().filter(|c| c.role == Role::Deliver) {
            let (from, to) = (usize::from(index(&c.from)), index(&c.to));
            let what = sc.describe(c);
            match (&sc.nodes[from].kind, &sc.nodes[usize::from(to)].kind) {
                (NodeKind::SnsTopic(t), target) => {
                    let protocol = match target {
                        NodeKind::SqsQueue(q) => Protocol::Sqs { fifo: q.is_fifo() },
                        NodeKind::Lambda(_) => Protocol::Lambda,
                        _ => Protocol::Http,
                    };
                    let filter = c.filter_policy.as_deref().map(|p| (p, c.filter_scope));
                    let topic = m.topic[from].ok_or_else(|| FlowError::Wiring(format!("{what}: no topic")))?;
                    m.sns
                        .subscribe(topic, protocol, c.raw, filter)
                        .map_err(|e| FlowError::Wiring(format!("{what}: Subscribe refused: {e}")))?;
                    let policy = match protocol {
                        Protocol::Http => c.delivery_policy.or(t.delivery_policy).unwrap_or(RetryPolicy::HTTP_DEFAULT),
                        _ => RetryPolicy::AWS_MANAGED,
                    };
                    let dlq = c.dead_letter_queue.as_deref().map(index);
                    m.subs_of[from].push(m.subs.len() as u16);
                    m.subs.push(Sub { topic: from as u16, to, dlq, policy });
                }
                (NodeKind::SqsQueue(_), NodeKind::Lambda(_) | NodeKind::Consumers(_)) => {
                    let reader = Reader::new(&sc, c, from as u16, to, m.queue[from])?;
                    m.reader_of[from] = Some(m.readers.len() as u16);
                    m.readers.push(reader);
                }
                (NodeKind::KinesisStream(_), NodeKind::Lambda(_)) => {
                    let stream =
                        m.streams[from].as_ref().ok_or_else(|| FlowError::Wiring(format!("{what}: no stream")))?;
                    let mapping = c.kinesis_mapping.clone().unwrap_or_default();
                    let dest = mapping.on_failure.as_deref().map(index);
                    m.kinesis.push(KinesisEsm::new(from as u16, to, mapping, dest, stream));
                    m.stream_readers[from] += 1;
                }
                (NodeKind::KinesisStream(_), NodeKind::KinesisConsumers(app)) => {
                    let stream =
                        m.streams[from].as_ref().ok_or_else(|| FlowError::Wiring(format!("{what}: no stream")))?;
                    m.kinesis.push(KinesisEsm::kcl(from as u16, to, app, stream));
                    m.stream_readers[from] += 1;
                }
                _ => {}
            }
        }
        Ok(m)
    }

    /// The scenario.
    pub fn scenario(&self) -> &FlowScenario {
        &self.scenario
    }
    /// The conservation counters.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
    /// Per-node counters, by node index.
    pub fn counters(&self) -> &[NodeCounters] {
        &self.counters
    }
    /// End-to-end latency of processed messages: first send to the end of processing.
    pub fn end_to_end(&self) -> &Histogram {
        &self.end_to_end
    }
    /// Each node's charts, by node index.
    pub fn node_series(&self) -> &[NodeSeries] {
        &self.node_series
    }
    /// The SQS service with every queue.
    pub fn sqs(&self) -> &Sqs {
        &self.sqs
    }
    /// The function at node `i`, if it is one.
    pub fn function(&self, i: usize) -> Option<&Function> {
        self.functions.get(i).and_then(Option::as_ref)
    }
    /// The stream at node `i`, if it is one.
    pub fn stream(&self, i: usize) -> Option<&Stream> {
        self.streams.get(i).and_then(Option::as_ref)
    }
    /// The SQS reader of queue node `i` (mapping or consumers), if any: running batches and
    /// concurrency target.
    pub fn reader(&self, i: usize) -> Option<(usize, u32)> {
        let r = &self.readers[usize::from(self.reader_of.get(i).copied().flatten()?)];
        Some((r.working(), r.target))
    }
    /// Checks every live copy's place against the ledger on every move (slower; for tests).
    pub fn audit(mut self) -> Self {
        self.audit = true;
        self
    }

    // ---- the ledger ----

    /// A new message (or copy of `parent`) at `place`.
    pub(super) fn birth(&mut self, parent: Option<&Copy>, born: SimTime, place: Place) -> u64 {
        let copy = match parent {
            Some(p) => Copy { place, tries: 0, ..*p },
            None => Copy { born, root: 0, template: 0, key: 0, size: 1_024, origin: 0, tries: 0, place },
        };
        let id = self.copies.insert(copy);
        if parent.is_none() {
            if let Some(c) = self.copies.get_mut(&id) {
                c.root = id;
            }
        }
        self.ledger.moved(None, place);
        id
    }

    /// Moves `copy` to `place`; an end forgets it (its count stays in the ledger).
    pub(super) fn place(&mut self, copy: u64, place: Place) {
        let Some(c) = self.copies.get_mut(&copy) else { return };
        let from = c.place;
        c.place = place;
        self.ledger.moved(Some(from), place);
        if let Place::Ended(_) = place {
            self.copies.remove(&copy);
        }
    }

    /// Traces a hop of `copy` at `node` (`parent`: what it is a copy of, for a new copy).
    pub(super) fn hop(cx: &mut FlowCtx, reason: Reason, node: u16, copy: u64, parent: u64, note: &'static str) {
        cx.emit(FlowEvent { at: cx.now(), reason, node, copy, parent, note });
    }

    /// Ends `copy` with `end`, tracing it at `node`.
    pub(super) fn end(&mut self, cx: &mut FlowCtx, node: u16, copy: u64, end: End) {
        if end == End::Processed {
            if let Some(c) = self.copies.get(&copy) {
                let latency = cx.now().saturating_since(c.born);
                self.end_to_end.record(latency);
                if let Some(series) = self.series {
                    cx.metrics.record(series.latency, cx.now(), latency.as_micros() as f64 / 1_000.0);
                }
            }
            self.counters[usize::from(node)].processed += 1;
        }
        if let Some(series) = self.series {
            match end {
                End::Processed => cx.metrics.record(series.processed, cx.now(), 1.0),
                e if e.is_loss() => {
                    cx.metrics.record(series.lost, cx.now(), 1.0);
                    if let Some(by) = series.lost_by[e as usize] {
                        cx.metrics.record(by, cx.now(), 1.0);
                    }
                }
                _ => {}
            }
        }
        let (reason, note) = match end {
            End::Processed => (Reason::Processed, "processed"),
            End::Split => (Reason::Delivered, "split into one copy per destination"),
            End::Filtered => (Reason::FilteredOut, "the subscription's filter policy stopped this copy"),
            End::Deduplicated => (Reason::Deduplicated, "a duplicate within the 5-minute deduplication window"),
            End::Expired => (Reason::RetentionExpired, "outlived the retention period"),
            End::GaveUp => (Reason::GaveUp, "the sender gave up after its retries"),
            End::Refused => (Reason::MessageLost, "refused for good"),
            End::Http4xx => {
                (Reason::MessageLost, "the endpoint answered 4xx: SNS counts it delivered, the copy is lost")
            }
            End::DeliveryGaveUp => {
                (Reason::MessageLost, "SNS used up its delivery retries and there is no dead-letter queue")
            }
            End::EventTooOld => (Reason::MessageLost, "Lambda dropped the event: older than MaximumEventAgeInSeconds"),
            End::AsyncFailed => {
                (Reason::MessageLost, "Lambda used up the event's retries and there is no on-failure destination")
            }
            End::Skipped => {
                (Reason::MessageLost, "the mapping gave up on the record and has no on-failure destination")
            }
        };
        cx.emit(FlowEvent { parent: 0, at: cx.now(), reason, node, copy, note });
        self.counters[usize::from(node)].ended[end as usize] += 1;
        self.place(copy, Place::Ended(end));
        self.check();
    }

    #[inline]
    fn check(&self) {
        if self.audit {
            self.audit_places();
        }
    }

    /// Every live copy's place, counted, against the ledger (tests).
    fn audit_places(&self) {
        {
            let mut at = vec![0u64; self.ledger.at.len()];
            let mut transit = 0;
            for c in self.copies.values() {
                match c.place {
                    Place::At(n) => at[usize::from(n)] += 1,
                    Place::Transit => transit += 1,
                    Place::Ended(_) => {}
                }
            }
            assert_eq!(at, self.ledger.at, "copies by node disagree with the ledger");
            assert_eq!(transit, self.ledger.transit, "copies in transit disagree with the ledger");
            assert!(self.ledger.balances(), "the ledger does not balance: {:?}", self.ledger);
        }
    }

    // ---- moving copies between nodes ----

    /// `copy`, done at `node`, goes on to the node's destinations: ends there as processed
    /// when it has none, travels on when it has one, splits into copies when it has several.
    pub(super) fn pass_on(&mut self, cx: &mut FlowCtx, node: u16, copy: u64) {
        let n = usize::from(node);
        match self.outs[n].len() {
            0 => self.end(cx, node, copy, End::Processed),
            1 => {
                self.counters[n].processed += 1;
                let to = self.outs[n][0];
                self.travel(cx, copy, to);
            }
            many => {
                self.counters[n].processed += 1;
                let Some(c) = self.copies.get(&copy).copied() else { return };
                for k in 0..many {
                    let to = self.outs[n][k];
                    let child = self.birth(Some(&c), c.born, Place::Transit);
                    Self::hop(cx, Reason::Sent, node, child, copy, "a copy for each destination");
                    cx.schedule_in(HOP, Work::Arrive { node: to, copy: child });
                }
                self.end(cx, node, copy, End::Split);
            }
        }
    }

    /// Sends `copy` to node `to`, arriving after one hop.
    pub(super) fn travel(&mut self, cx: &mut FlowCtx, copy: u64, to: u16) {
        self.place(copy, Place::Transit);
        cx.schedule_in(HOP, Work::Arrive { node: to, copy });
    }

    /// A copy reaches `node` (a send, a publish, a put, an asynchronous invoke, an HTTP call):
    /// `Err` when the service refuses it, with how (for the caller's retries).
    pub(super) fn accept(&mut self, cx: &mut FlowCtx, node: u16, copy: u64) -> Result<(), Failure> {
        let i = usize::from(node);
        self.counters[i].received += 1;
        let Some(c) = self.copies.get(&copy).copied() else { return Ok(()) };
        match &self.scenario.nodes[i].kind {
            NodeKind::SqsQueue(q) => {
                let fifo = q.is_fifo();
                let Some(queue) = self.queue[i] else { return Ok(()) };
                let size = self.size_of(copy);
                let req = SendRequest {
                    body: None,
                    size,
                    group_id: fifo.then(|| format!("g{}", c.key)),
                    dedup_id: fifo.then(|| format!("m{copy}")),
                    delay_s: None,
                };
                self.counters[i].billed += crate::sqs::pricing::billed_requests(size);
                let now = cx.now();
                // The message's id is the copy's: what a reader receives names its copy.
                match self.sqs.send_as(now, queue, req, MessageId(copy), &mut cx.rng) {
                    Ok(r) if r.deduplicated => self.end(cx, node, copy, End::Deduplicated),
                    Ok(_) => {
                        Self::hop(cx, Reason::Sent, node, copy, 0, "sent to the queue");
                        self.place(copy, Place::At(node));
                        self.after_queue_change(cx, queue);
                    }
                    Err(e) if e.code.contains("Throttl") || e.code.contains("RequestThrottled") => {
                        self.counters[i].throttled += 1;
                        return Err(Failure::Throttled);
                    }
                    Err(_) => self.end(cx, node, copy, End::Refused),
                }
            }
            NodeKind::SnsTopic(_) => {
                self.counters[i].billed += crate::sqs::pricing::billed_requests(self.size_of(copy));
                self.place(copy, Place::At(node));
                self.publish(cx, node, copy);
            }
            NodeKind::KinesisStream(_) => {
                let size = self.size_of(copy);
                let Some(stream) = self.streams[i].as_mut() else { return Ok(()) };
                let hash = partition_hash(&format!("k{}", c.key));
                match stream.try_put(cx.now(), hash, size, copy) {
                    Ok(_) => {
                        self.counters[i].billed += size.div_ceil(25 * 1_024).max(1);
                        Self::hop(cx, Reason::Sent, node, copy, 0, "written to its shard");
                        self.place(copy, Place::At(node));
                        // Every reader gets every record: with several, each takes a copy of
                        // its own when it reads it, and the record's ends when all have.
                        let readers = self.stream_readers[i];
                        if readers > 1 {
                            self.unread.insert(copy, readers);
                        }
                    }
                    Err(_) => {
                        self.counters[i].throttled += 1;
                        return Err(Failure::Throttled);
                    }
                }
            }
            NodeKind::Lambda(_) => {
                Self::hop(cx, Reason::Sent, node, copy, 0, "invoked asynchronously (202 Accepted)");
                self.place(copy, Place::At(node));
                let event = self.events.insert(AsyncEvent {
                    function: node,
                    copy,
                    since: cx.now(),
                    errors: 0,
                    throttles: 0,
                    end: None,
                });
                cx.schedule_in(SimDuration::ZERO, Work::AsyncTry { event });
            }
            NodeKind::HttpEndpoint(_) => {
                self.place(copy, Place::At(node));
                let delivery = self.deliveries.insert(Delivery { copy, sub: None, to: node, attempts: 0 });
                self.deliver(cx, delivery);
            }
            _ => self.end(cx, node, copy, End::Refused),
        }
        Ok(())
    }

    fn size_of(&self, copy: u64) -> u64 {
        self.copies.get(&copy).map_or(1_024, |c| u64::from(c.size))
    }

    /// A copy arriving from a function's output (or a Kinesis mapping's on-failure
    /// destination): refused sends are retried as the SDK does, then given up.
    fn arrive(&mut self, cx: &mut FlowCtx, node: u16, copy: u64) {
        if self.accept(cx, node, copy).is_err() {
            // The SDK's standard mode: three attempts with backoff, then the message is lost.
            let tries = self.copies.get(&copy).map_or(0, |c| c.tries);
            if tries >= 2 {
                self.end(cx, node, copy, End::GaveUp);
                return;
            }
            if let Some(c) = self.copies.get_mut(&copy) {
                c.tries += 1;
            }
            let wait = crate::apigw::retry::backoff(Failure::Throttled, u32::from(tries) + 1, &mut cx.rng);
            self.place(copy, Place::Transit);
            cx.schedule_in(wait, Work::Arrive { node, copy });
        } else if let Some(c) = self.copies.get_mut(&copy) {
            c.tries = 0;
        }
    }

    // ---- senders ----

    fn send(&mut self, cx: &mut FlowCtx, node: u16) {
        let i = usize::from(node);
        let Some(s) = self.senders[i].as_mut() else { return };
        if let Some(next) = s.arrivals.next(&mut cx.rng) {
            cx.schedule_at(next.max(cx.now()), Work::Send { node });
        }
        s.sent += 1;
        if let Some(series) = self.series {
            cx.metrics.record(series.sent, cx.now(), 1.0);
        }
        let Some(s) = self.senders[i].as_mut() else { return };
        let key = cx.rng.below(u64::from(s.keys.max(1))) as u32;
        let template = s.pick(&mut cx.rng);
        let size = s.size as u32;
        let copy = self.birth(None, cx.now(), Place::At(node));
        if let Some(c) = self.copies.get_mut(&copy) {
            (c.template, c.key, c.size, c.origin) = (template, key, size, node);
        }
        Self::hop(cx, Reason::Sent, node, copy, 0, "sent by its producer");
        let gen = self.new_gen();
        let call = self.calls.insert(Call { sender: node, copy, attempt: 0, last: None, gen });
        self.attempt(cx, call);
    }

    fn attempt(&mut self, cx: &mut FlowCtx, call: u32) {
        let Some(c) = self.calls.get_mut(call) else { return };
        c.attempt += 1;
        let (sender, copy, attempt) = (c.sender, c.copy, c.attempt);
        if attempt > 1 {
            self.counters[usize::from(sender)].retries += 1;
        }
        let s = usize::from(sender);
        let Some(target) = self.senders[s].as_ref().map(|s| s.target) else { return };
        let delay = self.senders[s].as_mut().map_or(SimDuration::ZERO, |s| s.retry.send_delay(cx.now()));
        if delay > SimDuration::ZERO {
            // Adaptive mode's client-side limiter holds the attempt back.
            if let Some(c) = self.calls.get_mut(call) {
                c.attempt -= 1;
            }
            cx.schedule_in(delay, Work::Attempt { call });
            return;
        }
        if let NodeKind::ApiGateway(_) = self.scenario.nodes[usize::from(target)].kind {
            self.api_request(cx, call, target);
            return;
        }
        match self.accept(cx, target, copy) {
            Ok(()) => self.call_succeeded(cx, call),
            Err(f) => self.call_failed(cx, call, f),
        }
    }

    pub(super) fn call_succeeded(&mut self, cx: &mut FlowCtx, call: u32) {
        let Some(c) = self.calls.remove(call) else { return };
        if let Some(s) = self.senders[usize::from(c.sender)].as_mut() {
            s.retry.after_success(cx.now(), c.attempt, c.last);
        }
    }

    /// An attempt failed: the sender's SDK retries after its backoff, or gives up (the copy,
    /// still at the sender, ends).
    pub(super) fn call_failed(&mut self, cx: &mut FlowCtx, call: u32, failure: Failure) {
        let gen = self.new_gen();
        let Some(c) = self.calls.get_mut(call) else { return };
        c.last = Some(failure);
        c.gen = gen;
        let (sender, attempt, copy) = (c.sender, c.attempt, c.copy);
        let now = cx.now();
        let retry = self.senders[usize::from(sender)]
            .as_mut()
            .and_then(|s| s.retry.after_failure(now, attempt, failure, &mut cx.rng));
        match retry {
            Some(wait) => cx.schedule_in(wait, Work::Attempt { call }),
            None => {
                self.calls.remove(call);
                self.end(cx, sender, copy, End::GaveUp);
            }
        }
    }

    // ---- API Gateway ----

    fn api_request(&mut self, cx: &mut FlowCtx, call: u32, api: u16) {
        let Some(c) = self.calls.get(call).copied() else { return };
        let a = usize::from(api);
        self.counters[a].received += 1;
        let (method, key) = match &self.scenario.nodes[usize::from(c.sender)].kind {
            NodeKind::Clients(cl) => (cl.method.as_str(), cl.api_key.as_deref()),
            _ => ("", None),
        };
        let Some(g) = self.gateways[a].as_mut() else { return };
        let outcome = g.request(cx.now(), method, key);
        match outcome {
            Outcome::Admitted => {}
            Outcome::Forbidden { .. } => {
                cx.emit(FlowEvent {
                    parent: 0,
                    at: cx.now(),
                    reason: Reason::Forbidden,
                    node: api,
                    copy: c.copy,
                    note: "403 Forbidden: no valid API key",
                });
                self.calls.remove(call);
                self.end(cx, c.sender, c.copy, End::Refused);
                return;
            }
            Outcome::Throttled { .. } | Outcome::QuotaExceeded { .. } => {
                self.counters[a].throttled += 1;
                cx.emit(FlowEvent {
                    parent: 0,
                    at: cx.now(),
                    reason: Reason::Throttled,
                    node: api,
                    copy: c.copy,
                    note: "429 Too Many Requests",
                });
                self.call_failed(cx, call, Failure::Throttled);
                return;
            }
        }
        self.counters[a].billed += 1;
        Self::hop(cx, Reason::Received, api, c.copy, 0, "admitted by the API");
        let Some(&target) = self.outs[a].first() else { return };
        let t = usize::from(target);
        match &self.scenario.nodes[t].kind {
            NodeKind::Lambda(_) => {
                let timeout = self.api_timeout(api);
                let gen = c.gen;
                let now = cx.now();
                let root = self.root_of(c.copy) ^ u64::from(target);
                let Some(f) = self.functions[t].as_mut() else { return };
                match f.try_start(now, &mut self.account, &mut cx.rng) {
                    Err(_) => {
                        // A throttled Lambda proxy integration: API Gateway answers 500 (APIGI-06).
                        self.counters[t].throttled += 1;
                        self.counters[a].failed += 1;
                        cx.emit(FlowEvent {
                            parent: 0,
                            at: now,
                            reason: Reason::Throttled,
                            node: target,
                            copy: c.copy,
                            note: "Lambda 429 TooManyRequestsException: the API answers 500",
                        });
                        self.call_failed(cx, call, Failure::Server);
                    }
                    Ok(inv) => {
                        let poison = f.is_poison(root);
                        let end = f.run(inv, poison, &mut cx.rng);
                        let job = self.jobs.insert(Job::Lambda { node: target, call, gen, end });
                        cx.schedule_in(end.took(), Work::BackendDone { job });
                        cx.schedule_in(timeout, Work::CallTimeout { call, gen });
                    }
                }
            }
            NodeKind::HttpEndpoint(_) => {
                // An HTTP integration: the request waits for one of the backend's slots; its
                // answer (or the integration timeout, whichever comes first) answers the call.
                let timeout = self.api_timeout(api);
                let job = self.jobs.insert(Job::ApiHttp { node: target, call, gen: c.gen, status: 0 });
                self.endpoint_enqueue(cx, target, job);
                cx.schedule_in(timeout, Work::CallTimeout { call, gen: c.gen });
            }
            _ => {
                // A service integration (SQS SendMessage, SNS Publish, Kinesis PutRecord).
                match self.accept(cx, target, c.copy) {
                    Ok(()) => self.call_succeeded(cx, call),
                    Err(_) => {
                        self.counters[a].failed += 1;
                        self.call_failed(cx, call, Failure::Server);
                    }
                }
            }
        }
    }

    fn api_timeout(&self, api: u16) -> SimDuration {
        match &self.scenario.nodes[usize::from(api)].kind {
            NodeKind::ApiGateway(a) => SimDuration::from_millis(a.timeout_ms),
            _ => SimDuration::from_secs(29),
        }
    }

    fn call_timeout(&mut self, cx: &mut FlowCtx, call: u32, gen: u32) {
        let Some(c) = self.calls.get(call).copied() else { return };
        if c.gen != gen {
            return;
        }
        let api = self.senders[usize::from(c.sender)].as_ref().map_or(0, |s| s.target);
        self.counters[usize::from(api)].timed_out += 1;
        cx.emit(FlowEvent {
            parent: 0,
            at: cx.now(),
            reason: Reason::TimedOut,
            node: api,
            copy: c.copy,
            note: "504 Endpoint request timed out",
        });
        self.call_failed(cx, call, Failure::Timeout);
    }

    fn backend_done(&mut self, cx: &mut FlowCtx, job: u32) {
        let Some(j) = self.jobs.remove(job) else { return };
        match j {
            Job::Lambda { node, call, gen, end } => {
                if let Some(f) = self.functions[usize::from(node)].as_mut() {
                    f.finish(cx.now(), &mut self.account);
                }
                let current = self.calls.get(call).is_some_and(|c| c.gen == gen);
                if !current {
                    // The client already had its 504: the work is done for nobody.
                    self.counters[usize::from(node)].timed_out += 1;
                    return;
                }
                let copy = self.calls.get(call).map_or(0, |c| c.copy);
                match end {
                    RunEnd::Ok(_) => {
                        self.call_succeeded(cx, call);
                        self.place(copy, Place::At(node));
                        self.pass_on(cx, node, copy);
                    }
                    // A function error through a proxy integration: 502 (APIGI-06).
                    RunEnd::Error(_) | RunEnd::TimedOut(_) => {
                        self.counters[usize::from(node)].failed += 1;
                        self.call_failed(cx, call, Failure::Server);
                    }
                }
            }
            Job::ApiHttp { node, call, gen, status } => {
                self.endpoint_free(cx, node);
                let current = self.calls.get(call).is_some_and(|c| c.gen == gen);
                if !current {
                    return;
                }
                let copy = self.calls.get(call).map_or(0, |c| c.copy);
                match status {
                    200..=299 => {
                        self.call_succeeded(cx, call);
                        self.place(copy, Place::At(node));
                        self.end(cx, node, copy, End::Processed);
                    }
                    400..=499 => {
                        let sender = self.calls.remove(call).map_or(0, |c| c.sender);
                        self.end(cx, sender, copy, End::Refused);
                    }
                    _ => self.call_failed(cx, call, Failure::Server),
                }
            }
            Job::Delivery { node, delivery, status } => {
                self.endpoint_free(cx, node);
                self.delivery_answered(cx, delivery, status);
            }
        }
    }

    // ---- HTTP endpoints ----

    /// `job` waits for a slot of endpoint `node` (served at once when one is free).
    fn endpoint_enqueue(&mut self, cx: &mut FlowCtx, node: u16, job: u32) {
        let Some(e) = self.endpoints[usize::from(node)].as_mut() else { return };
        e.line.push_back(job);
        self.endpoint_serve(cx, node);
    }

    fn endpoint_serve(&mut self, cx: &mut FlowCtx, node: u16) {
        loop {
            let Some(e) = self.endpoints[usize::from(node)].as_mut() else { return };
            if e.busy >= e.settings.concurrency {
                return;
            }
            let Some(job) = e.line.pop_front() else { return };
            e.busy += 1;
            let (took, status) = match e.settings.health {
                Health::Healthy => (e.settings.latency.sample(&mut cx.rng), 200),
                Health::Slow => (SimDuration::from_secs_f64(10.0 + 20.0 * cx.rng.next_f64()), 200),
                Health::ServerErrors => (e.settings.latency.sample(&mut cx.rng), 500),
                Health::ClientErrors => (e.settings.latency.sample(&mut cx.rng), 403),
            };
            e.served += 1;
            match status {
                400..=499 => e.status_4xx += 1,
                500..=599 => e.status_5xx += 1,
                _ => {}
            }
            if let Some(Job::ApiHttp { status: s, .. } | Job::Delivery { status: s, .. }) = self.jobs.get_mut(job) {
                *s = status;
            }
            cx.schedule_in(took, Work::BackendDone { job });
        }
    }

    fn endpoint_free(&mut self, cx: &mut FlowCtx, node: u16) {
        if let Some(e) = self.endpoints[usize::from(node)].as_mut() {
            e.busy = e.busy.saturating_sub(1);
        }
        self.endpoint_serve(cx, node);
    }

    // ---- SNS ----

    /// Publishes `copy` (at topic `node`): one copy per subscription, filtered or delivered.
    fn publish(&mut self, cx: &mut FlowCtx, node: u16, copy: u64) {
        let Some(c) = self.copies.get(&copy).copied() else { return };
        let Some(topic) = self.topic[usize::from(node)] else { return };
        let fifo = matches!(&self.scenario.nodes[usize::from(node)].kind, NodeKind::SnsTopic(t) if t.fifo);
        let now = cx.now();
        let mut routes = std::mem::take(&mut self.routes);
        let template =
            self.senders[usize::from(c.origin)].as_ref().and_then(|s| s.templates.get(usize::from(c.template)));
        let (req, prepared) = match template {
            Some((_, req, prepared)) => (req, prepared),
            None => (&self.plain.0, &self.plain.1),
        };
        let result = if fifo {
            let mut req = req.clone();
            req.group_id = Some(format!("g{}", c.key));
            req.dedup_id = Some(format!("m{}", c.root));
            self.sns.publish_prepared(now, topic, &req, prepared, &mut routes)
        } else {
            self.sns.publish_prepared(now, topic, req, prepared, &mut routes)
        };
        match result {
            Err(_) => self.end(cx, node, copy, End::Refused),
            Ok(true) => self.end(cx, node, copy, End::Deduplicated),
            Ok(false) => {
                cx.emit(FlowEvent { parent: 0, at: now, reason: Reason::Published, node, copy, note: "published" });
                for (k, &delivered) in routes.iter().enumerate() {
                    let Some(&s) = self.subs_of[usize::from(node)].get(k) else { continue };
                    let to = self.subs[usize::from(s)].to;
                    let child = self.birth(Some(&c), c.born, Place::At(node));
                    Self::hop(cx, Reason::Delivered, node, child, copy, "the subscription's copy");
                    if !delivered {
                        self.end(cx, node, child, End::Filtered);
                        continue;
                    }
                    match self.scenario.nodes[usize::from(to)].kind {
                        NodeKind::HttpEndpoint(_) => {
                            self.counters[usize::from(node)].http_deliveries += 1;
                            let delivery =
                                self.deliveries.insert(Delivery { copy: child, sub: Some(s), to, attempts: 0 });
                            self.deliver(cx, delivery);
                        }
                        _ => self.travel(cx, child, to),
                    }
                }
                self.end(cx, node, copy, End::Split);
            }
        }
        self.routes = routes;
    }

    /// An attempt to deliver to an HTTP endpoint: it waits for a slot, then answers.
    fn deliver(&mut self, cx: &mut FlowCtx, delivery: u32) {
        let Some(d) = self.deliveries.get_mut(delivery) else { return };
        d.attempts += 1;
        let to = d.to;
        let job = self.jobs.insert(Job::Delivery { node: to, delivery, status: 0 });
        self.endpoint_enqueue(cx, to, job);
    }

    /// The endpoint answered `status` (after up to 15 s: a slower answer counts as no answer).
    fn delivery_answered(&mut self, cx: &mut FlowCtx, delivery: u32, status: u16) {
        let Some(d) = self.deliveries.get(delivery).copied() else { return };
        match (status, d.sub) {
            (200..=299, _) => {
                self.deliveries.remove(delivery);
                self.place(d.copy, Place::At(d.to));
                self.end(cx, d.to, d.copy, End::Processed);
            }
            // SNS counts a 4xx as delivered: not retried, never dead-lettered (SNS HTTP/S guide).
            (400..=499, Some(_)) => {
                self.deliveries.remove(delivery);
                self.end(cx, d.to, d.copy, End::Http4xx);
            }
            (_, None) => {
                // A function's own HTTP call: no retries here.
                self.deliveries.remove(delivery);
                self.counters[usize::from(d.to)].failed += 1;
                self.end(cx, d.to, d.copy, End::Refused);
            }
            (_, Some(s)) => {
                let sub = self.subs[usize::from(s)].clone();
                self.counters[usize::from(d.to)].failed += 1;
                cx.emit(FlowEvent {
                    parent: 0,
                    at: cx.now(),
                    reason: Reason::DeliveryFailed,
                    node: d.to,
                    copy: d.copy,
                    note: "the endpoint answered 5xx: SNS retries by its delivery policy",
                });
                match sub.policy.delay_before(d.attempts) {
                    Some(wait) => cx.schedule_in(wait, Work::Deliver { delivery }),
                    None => {
                        self.deliveries.remove(delivery);
                        match sub.dlq {
                            Some(dlq) => {
                                self.counters[usize::from(sub.topic)].dead_lettered += 1;
                                self.travel(cx, d.copy, dlq);
                            }
                            None => self.end(cx, d.to, d.copy, End::DeliveryGaveUp),
                        }
                    }
                }
            }
        }
    }

    // ---- Lambda, asynchronous ----

    fn async_try(&mut self, cx: &mut FlowCtx, event: u32) {
        let Some(e) = self.events.get(event).copied() else { return };
        let node = e.function;
        let max_age = match &self.scenario.nodes[usize::from(node)].kind {
            NodeKind::Lambda(l) => SimDuration::from_secs(l.async_invoke.maximum_event_age_s.into()),
            _ => SimDuration::from_secs(21_600),
        };
        if cx.now().saturating_since(e.since) > max_age {
            self.async_give_up(cx, event, End::EventTooOld);
            return;
        }
        if self.functions[usize::from(node)].as_ref().is_some_and(|f| f.settings().reserved_concurrency == Some(0)) {
            // Reserved concurrency 0 throttles every invocation, and asynchronous events go to
            // the on-failure destination without a retry (LCON-01).
            self.counters[usize::from(node)].throttled += 1;
            self.async_give_up(cx, event, End::AsyncFailed);
            return;
        }
        let now = cx.now();
        let poison = self.functions[usize::from(node)]
            .as_ref()
            .is_some_and(|f| f.is_poison(self.root_of(e.copy) ^ u64::from(node)));
        let Some(f) = self.functions[usize::from(node)].as_mut() else { return };
        match f.try_start(now, &mut self.account, &mut cx.rng) {
            Ok(inv) => {
                let end = f.run(inv, poison, &mut cx.rng);
                if let Some(ev) = self.events.get_mut(event) {
                    ev.end = Some(end);
                }
                cx.schedule_in(end.took(), Work::AsyncDone { event });
            }
            Err(_) => {
                // Throttled: Lambda keeps the event and tries again, backing off from 1 s to 5 min.
                self.counters[usize::from(node)].throttled += 1;
                let Some(ev) = self.events.get_mut(event) else { return };
                ev.throttles += 1;
                let wait = SimDuration::from_secs(1 << ev.throttles.min(9)).min(ASYNC_THROTTLE_MAX);
                cx.schedule_in(wait, Work::AsyncTry { event });
            }
        }
    }

    fn async_done(&mut self, cx: &mut FlowCtx, event: u32) {
        let Some(e) = self.events.get(event).copied() else { return };
        let node = e.function;
        if let Some(f) = self.functions[usize::from(node)].as_mut() {
            f.finish(cx.now(), &mut self.account);
        }
        match e.end {
            Some(RunEnd::Ok(_)) => {
                self.events.remove(event);
                self.pass_on(cx, node, e.copy);
            }
            _ => {
                self.counters[usize::from(node)].failed += 1;
                let retries = match &self.scenario.nodes[usize::from(node)].kind {
                    NodeKind::Lambda(l) => l.async_invoke.maximum_retry_attempts,
                    _ => 2,
                };
                if e.errors < retries {
                    let wait = ASYNC_ERROR_RETRY[e.errors.min(1) as usize];
                    if let Some(ev) = self.events.get_mut(event) {
                        ev.errors += 1;
                    }
                    cx.schedule_in(wait, Work::AsyncTry { event });
                } else {
                    self.async_give_up(cx, event, End::AsyncFailed);
                }
            }
        }
    }

    fn async_give_up(&mut self, cx: &mut FlowCtx, event: u32, end: End) {
        let Some(e) = self.events.remove(event) else { return };
        match self.on_failure[usize::from(e.function)] {
            Some(dest) => {
                self.counters[usize::from(e.function)].dead_lettered += 1;
                self.travel(cx, e.copy, dest);
            }
            None => self.end(cx, e.function, e.copy, end),
        }
    }

    fn new_gen(&mut self) -> u32 {
        self.next_gen = self.next_gen.wrapping_add(1);
        self.next_gen
    }

    pub(super) fn root_of(&self, copy: u64) -> u64 {
        self.copies.get(&copy).map_or(copy, |c| c.root)
    }

    // ---- SQS ----

    /// After a call on `queue`: its events (dead-letter moves, expiries) and waking readers.
    pub(super) fn after_queue_change(&mut self, cx: &mut FlowCtx, queue: QueueId) {
        self.queue_events(cx);
        if let Some(&node) = self.queue_node.get(queue.index()) {
            if let Some(r) = self.reader_of[usize::from(node)] {
                self.wake_reader(cx, r);
            }
        }
        self.schedule_sqs_tick_for(cx, queue);
    }

    pub(super) fn queue_events(&mut self, cx: &mut FlowCtx) {
        if !self.sqs.has_events() {
            return;
        }
        let events: Vec<_> = self.sqs.drain_events().collect();
        for e in events {
            let node = self.queue_node.get(e.queue.index()).copied().unwrap_or(0);
            match e.event {
                QueueEvent::MovedToDeadLetterQueue { message, dead_letter_queue, .. } => {
                    let id = message.id;
                    let dlq =
                        self.sqs.id(&dead_letter_queue).ok().and_then(|q| self.queue_node.get(q.index()).copied());
                    self.counters[usize::from(node)].dead_lettered += 1;
                    if let (copy, Some(dlq)) = (id.0, dlq) {
                        // Traced where the message now is: the dead-letter queue.
                        cx.emit(FlowEvent {
                            parent: 0,
                            at: cx.now(),
                            reason: Reason::MovedToDlq,
                            node: dlq,
                            copy,
                            note: "maxReceiveCount reached: moved to the dead-letter queue",
                        });
                        self.place(copy, Place::At(dlq));
                        if let Some(r) = self.reader_of[usize::from(dlq)] {
                            self.wake_reader(cx, r);
                        }
                    }
                }
                QueueEvent::RetentionExpired { id, .. } => {
                    self.end(cx, node, id.0, End::Expired);
                }
                QueueEvent::VisibilityExpired { .. } | QueueEvent::DelayEnded { .. } => {
                    if let Some(r) = self.reader_of[usize::from(node)] {
                        self.wake_reader(cx, r);
                    }
                }
                QueueEvent::CopySurvivedDelete { .. } | QueueEvent::StaleReceiptHandle { .. } => {}
            }
        }
    }

    /// After a call on `queue`, only its own next change can have moved earlier: the tick is
    /// brought forward if it did. (A tick that comes too early finds nothing and looks again.)
    pub(super) fn schedule_sqs_tick_for(&mut self, cx: &mut FlowCtx, queue: QueueId) {
        let Some(next) = self.sqs.get(queue).next_change() else { return };
        self.schedule_sqs_tick_at(cx, next);
    }

    fn schedule_sqs_tick(&mut self, cx: &mut FlowCtx) {
        let Some(next) = self.sqs.next_change() else { return };
        self.schedule_sqs_tick_at(cx, next);
    }

    fn schedule_sqs_tick_at(&mut self, cx: &mut FlowCtx, next: SimTime) {
        let next = next.max(cx.now());
        if self.sqs_tick.is_some_and(|t| t <= next && t >= cx.now()) {
            return;
        }
        self.sqs_tick = Some(next);
        cx.schedule_at(next, Work::SqsTick);
    }

    fn sqs_tick(&mut self, cx: &mut FlowCtx) {
        if self.sqs_tick.is_some_and(|t| t > cx.now()) {
            return;
        }
        self.sqs_tick = None;
        self.sqs.advance(cx.now());
        self.queue_events(cx);
        self.schedule_sqs_tick(cx);
    }

    /// Once a second: mappings scale, and every node's charts get a sample.
    fn tick(&mut self, cx: &mut FlowCtx) {
        for r in 0..self.readers.len() {
            self.scale_reader(cx, r as u16);
        }
        let now = cx.now();
        for i in 0..self.node_series.len() {
            let busy = match (&self.functions[i], &self.endpoints[i]) {
                (Some(f), _) => f.busy(),
                (_, Some(e)) => e.busy,
                _ => 0,
            };
            let throttled = self.counters[i].throttled;
            let series = &mut self.node_series[i];
            series.backlog.record(now, self.ledger.at[i] as f64);
            series.busy.record(now, f64::from(busy));
            series.throttled.record(now, (throttled - self.throttled_before[i]) as f64);
            self.throttled_before[i] = throttled;
        }
        let busy = self.calls.len() + self.events.len() + self.jobs.len() + self.deliveries.len();
        let active = busy > 0 || !self.copies.is_empty();
        let senders = self.senders.iter().any(Option::is_some);
        if active || senders {
            cx.schedule_in(SimDuration::from_secs(1), Work::Tick);
        }
    }
}

/// The context of a flow's work.
pub type FlowCtx = Ctx<Work, FlowEvent>;

impl Sender {
    fn new(
        workload: &crate::workload::Workload,
        mode: crate::apigw::RetryMode,
        naive_attempts: u32,
        target: u16,
        keys: u32,
        messages: &[crate::sns::MessageTemplate],
        size: u64,
    ) -> Sender {
        let templates: Vec<(u32, PublishRequest, Prepared)> = messages
            .iter()
            .map(|t| {
                let attributes =
                    t.attributes.iter().map(|a| (a.name.clone(), a.kind.clone(), a.value.clone())).collect();
                let req = PublishRequest { body: t.body.clone(), attributes, group_id: None, dedup_id: None };
                let prepared = Prepared::of(&req);
                (t.weight, req, prepared)
            })
            .collect();
        Sender {
            arrivals: Arrivals::new(workload),
            retry: RetryClient::new(mode, naive_attempts),
            target,
            keys,
            total_weight: templates.iter().map(|t| t.0).sum(),
            templates,
            sent: 0,
            size,
        }
    }

    fn pick(&self, rng: &mut SimRng) -> u16 {
        if self.templates.len() < 2 {
            return 0;
        }
        let mut x = rng.below(u64::from(self.total_weight.max(1))) as u32;
        for (i, (w, _, _)) in self.templates.iter().enumerate() {
            if x < *w {
                return i as u16;
            }
            x -= w;
        }
        0
    }
}

/// The allowed values of the queue attribute AWS's error names (its text names the attribute,
/// not the range), so a flow file's reader knows what to write instead.
fn attribute_range(message: &str) -> Option<String> {
    use crate::sqs::limits::*;
    let ranges = [
        ("VisibilityTimeout", format!("0–{VISIBILITY_TIMEOUT_MAX_S} seconds")),
        ("DelaySeconds", format!("0–{DELAY_MAX_S} seconds")),
        ("MessageRetentionPeriod", format!("{RETENTION_MIN_S}–{RETENTION_MAX_S} seconds")),
        ("ReceiveMessageWaitTimeSeconds", format!("0–{WAIT_TIME_MAX_S} seconds")),
        ("MaximumMessageSize", format!("{MESSAGE_SIZE_MIN}–{MESSAGE_SIZE_MAX} bytes")),
    ];
    let name = message.strip_prefix("Invalid value for the parameter ")?.trim_end_matches('.');
    ranges.into_iter().find(|(n, _)| *n == name).map(|(_, r)| r)
}

fn reserved_total(sc: &FlowScenario) -> u32 {
    sc.nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::Lambda(l) => l.function.reserved_concurrency,
            _ => None,
        })
        .sum()
}

impl Model for FlowModel {
    type Work = Work;
    type Event = FlowEvent;

    fn start(&mut self, cx: &mut FlowCtx) {
        for i in 0..self.senders.len() {
            let Some(s) = self.senders[i].as_mut() else { continue };
            if let Some(first) = s.arrivals.next(&mut cx.rng) {
                cx.schedule_at(first, Work::Send { node: i as u16 });
            }
        }
        for r in 0..self.readers.len() {
            self.start_reader(cx, r as u16);
        }
        for e in 0..self.kinesis.len() {
            self.start_kinesis(cx, e as u16);
        }
        let second = SimDuration::from_secs(1);
        self.series = Some(FlowSeries {
            sent: cx.metrics.add("sent", "/s", SeriesKind::Counter, second),
            processed: cx.metrics.add("processed", "/s", SeriesKind::Counter, second),
            lost: cx.metrics.add("lost", "/s", SeriesKind::Counter, second),
            latency: cx.metrics.add("end-to-end latency", "ms", SeriesKind::Gauge, second),
            lost_by: End::ALL
                .map(|e| e.is_loss().then(|| cx.metrics.add(e.loss_name(), "/s", SeriesKind::Counter, second))),
        });
        cx.schedule_in(second, Work::Tick);
    }

    fn handle(&mut self, cx: &mut FlowCtx, work: Work) {
        match work {
            Work::Send { node } => self.send(cx, node),
            Work::Attempt { call } => self.attempt(cx, call),
            Work::Arrive { node, copy } => self.arrive(cx, node, copy),
            Work::SqsTick => self.sqs_tick(cx),
            Work::Poll { reader, slot, gen } => self.poll(cx, reader, slot, gen),
            Work::StartBatch { reader, slot, gen } => self.start_batch(cx, reader, slot, gen),
            Work::BatchDone { reader, slot, gen } => self.batch_done(cx, reader, slot, gen),
            Work::Tick => self.tick(cx),
            Work::KinesisPoll { esm, shard, gen } => self.kinesis_poll(cx, esm, shard, gen),
            Work::KinesisLane { esm, shard, lane, gen } => self.kinesis_retry(cx, esm, shard, lane, gen),
            Work::KinesisDone { esm, shard, lane, gen } => self.kinesis_done(cx, esm, shard, lane, gen),
            Work::AsyncTry { event } => self.async_try(cx, event),
            Work::AsyncDone { event } => self.async_done(cx, event),
            Work::BackendDone { job } => self.backend_done(cx, job),
            Work::CallTimeout { call, gen } => self.call_timeout(cx, call, gen),
            Work::Deliver { delivery } => self.deliver(cx, delivery),
        }
        self.check();
    }

    fn held_bytes(&self) -> u64 {
        let copies = self.copies.capacity() as u64 * (std::mem::size_of::<(u32, Option<Copy>)>() as u64 + 4);
        copies
            + self.unread.len() as u64 * (9 + crate::sim::BTREE_ENTRY_BYTES)
            + self.sqs.held_bytes()
            + self.kinesis.iter().map(KinesisEsm::held_bytes).sum::<u64>()
    }

    fn describe(&self, e: &FlowEvent) -> String {
        let name = self.scenario.nodes.get(usize::from(e.node)).map_or("?", |n| n.id.as_str());
        match (e.copy, e.parent) {
            (0, _) => format!("{name}: {}", e.note),
            (c, 0) => format!("{name}: message {c}: {}", e.note),
            (c, p) => format!("{name}: message {c} (a copy of {p}): {}", e.note),
        }
    }
}
