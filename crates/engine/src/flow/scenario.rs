//! A flow as data: nodes (the services and the code around them) and the connections between
//! them, as a scenario file writes them (`"kind": "flow"`). [`FlowScenario::validate`] checks the
//! settings with each service's ranges and the wiring with AWS's integration rules; the
//! services' own checks (queue attributes, redrive targets, subscriptions) run when the model
//! is built, and their errors are reported with the node and connection they belong to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apigw::{ApiKind, GatewayConfig, RetryMode};
use crate::dist::Distribution;
use crate::lambda::{AsyncConfig, FunctionSettings, KinesisMapping, SqsMapping};
use crate::scenario::{check_int_range, check_offered, check_range, check_version, current_version, ConfigError};
use crate::sns::retry::RetryPolicy;
use crate::sns::scenario::{Health, MessageTemplate};
use crate::sns::FilterScope;
use crate::workload::Workload;

/// The `kind` of a flow scenario file.
pub const SCENARIO_KIND: &str = "flow";
/// The most nodes a flow may have (a diagram stays readable, a run stays fast).
pub const MAX_NODES: usize = 24;
/// The most connections.
pub const MAX_CONNECTIONS: usize = 48;
/// The most readers (mappings and KCL applications) of one stream: polling ones share each
/// shard's 5 reads a second, so five polling once a second use them all.
pub const MAX_STREAM_READERS: usize = 5;

/// A flow: services wired together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlowScenario {
    /// Format version.
    #[serde(default = "current_version")]
    pub v: u32,
    /// A title for people.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// What the flow shows, one or two sentences.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub lesson: String,
    /// The Region's Lambda concurrency quota (LCON-01: 1,000 by default).
    pub lambda_concurrency: u32,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The connections.
    pub connections: Vec<Connection>,
}

impl Default for FlowScenario {
    fn default() -> Self {
        FlowScenario {
            v: current_version(),
            title: String::new(),
            lesson: String::new(),
            lambda_concurrency: crate::lambda::ACCOUNT_CONCURRENCY,
            nodes: Vec::new(),
            connections: Vec::new(),
        }
    }
}

/// One node: its id (the name people see, and for queues and topics the resource's name) and
/// what it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Unique in the flow; a queue's or topic's name (FIFO ones end in `.fifo`).
    pub id: String,
    /// What it is, with its settings.
    #[serde(flatten)]
    pub kind: NodeKind,
}

/// The kinds of node, written as `"type": "sqs_queue"` and so on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeKind {
    /// Code that sends through the AWS SDK (to a queue, topic or stream).
    Producer(Producer),
    /// HTTP callers of an API.
    Clients(Clients),
    /// An API Gateway REST or HTTP API.
    ApiGateway(ApiGateway),
    /// An SNS topic.
    SnsTopic(Topic),
    /// An SQS queue.
    SqsQueue(QueueNode),
    /// A Kinesis data stream (provisioned).
    KinesisStream(StreamNode),
    /// A Lambda function.
    Lambda(LambdaNode),
    /// Long-polling consumers of a queue (instances running a receive–process–delete loop).
    Consumers(Consumers),
    /// A KCL application reading a stream: a record processor per shard, polling or with
    /// enhanced fan-out.
    KinesisConsumers(KclApp),
    /// An HTTP endpoint or backend.
    HttpEndpoint(HttpEndpoint),
}

impl NodeKind {
    /// The kind as people read it.
    pub fn label(&self) -> &'static str {
        match self {
            NodeKind::Producer(_) => "producer",
            NodeKind::Clients(_) => "clients",
            NodeKind::ApiGateway(a) if a.gateway.kind == ApiKind::Http => "HTTP API",
            NodeKind::ApiGateway(_) => "REST API",
            NodeKind::SnsTopic(t) if t.fifo => "FIFO topic",
            NodeKind::SnsTopic(_) => "standard topic",
            NodeKind::SqsQueue(q) if q.is_fifo() => "FIFO queue",
            NodeKind::SqsQueue(_) => "standard queue",
            NodeKind::KinesisStream(_) => "Kinesis stream",
            NodeKind::Lambda(_) => "Lambda function",
            NodeKind::Consumers(_) => "consumers",
            NodeKind::KinesisConsumers(k) if k.enhanced_fan_out => "KCL consumers (enhanced fan-out)",
            NodeKind::KinesisConsumers(_) => "KCL consumers",
            NodeKind::HttpEndpoint(_) => "HTTP endpoint",
        }
    }
}

/// A producer: a workload of messages sent with the SDK's retries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Producer {
    /// When messages are sent.
    pub workload: Workload,
    /// How the SDK retries throttled calls.
    pub retry: RetryMode,
    /// Message size, bytes.
    pub size_bytes: u64,
    /// The message mix (bodies and attributes that filter policies look at); empty: one plain message.
    pub messages: Vec<MessageTemplate>,
    /// FIFO targets: how many message groups the messages spread over (`g0`, `g1`, …);
    /// Kinesis: how many partition keys.
    pub keys: u32,
}

impl Default for Producer {
    fn default() -> Self {
        Producer {
            workload: Workload::default(),
            retry: RetryMode::Standard,
            size_bytes: 1_024,
            messages: Vec::new(),
            keys: 10,
        }
    }
}

/// Clients calling one method of an API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Clients {
    /// When requests are made.
    pub workload: Workload,
    /// How they retry 429, 5xx and 504 answers.
    pub retry: RetryMode,
    /// Attempts of the naive client (the SDK modes make 3).
    pub naive_attempts: u32,
    /// The method and path they call.
    pub method: String,
    /// Their API key, if the method requires one.
    pub api_key: Option<String>,
    /// Request size, bytes.
    pub size_bytes: u64,
    /// FIFO or Kinesis targets: message groups or partition keys the requests spread over.
    pub keys: u32,
}

impl Default for Clients {
    fn default() -> Self {
        Clients {
            workload: Workload::default(),
            retry: RetryMode::Standard,
            naive_attempts: 3,
            method: "POST /orders".into(),
            api_key: None,
            size_bytes: 1_024,
            keys: 10,
        }
    }
}

/// An API: its throttling settings and integration timeout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiGateway {
    /// Throttling, keys and plans, as the API Gateway playground writes them.
    pub gateway: GatewayConfig,
    /// The integration timeout, ms: REST 50–29,000, HTTP 50–30,000 (APIGI-04).
    pub timeout_ms: u64,
}

impl Default for ApiGateway {
    fn default() -> Self {
        ApiGateway { gateway: GatewayConfig::default(), timeout_ms: 29_000 }
    }
}

/// A topic.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Topic {
    /// FIFO topic (its id ends in `.fifo`).
    pub fifo: bool,
    /// FIFO: deduplicate by the body's SHA-256.
    pub content_based_dedup: bool,
    /// The topic's delivery policy for HTTP/S subscriptions without their own.
    pub delivery_policy: Option<RetryPolicy>,
}

/// A queue, with its attributes as `CreateQueue` takes them (`{"VisibilityTimeout": "30"}`);
/// the redrive policy comes from a `redrive` connection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueNode {
    /// AWS's attribute map.
    pub attributes: BTreeMap<String, String>,
}

impl QueueNode {
    /// Whether the attributes make it a FIFO queue.
    pub fn is_fifo(&self) -> bool {
        self.attributes.get("FifoQueue").is_some_and(|v| v == "true")
    }
}

/// A stream (provisioned capacity).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamNode {
    /// Open shards at the start.
    pub shards: u32,
    /// Retention, hours: 24–8,760.
    pub retention_h: u64,
}

impl Default for StreamNode {
    fn default() -> Self {
        StreamNode { shards: 2, retention_h: 24 }
    }
}

/// A function and its asynchronous-invocation settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LambdaNode {
    /// The function.
    pub function: FunctionSettings,
    /// Retries and event age for asynchronous invocations (from SNS).
    pub async_invoke: AsyncConfig,
}

/// Consumers of a queue, each a receive → process → delete loop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Consumers {
    /// Instances.
    pub count: u32,
    /// Messages per ReceiveMessage, 1–10.
    pub batch_size: u32,
    /// Long-poll wait (`WaitTimeSeconds`), 1–20 s: an empty receive returns after it.
    pub wait_s: u64,
    /// Processing time of one message.
    pub processing: Distribution,
    /// The share of messages whose processing fails (not deleted: back after the visibility timeout).
    pub failure_rate: f64,
}

impl Default for Consumers {
    fn default() -> Self {
        Consumers {
            count: 2,
            batch_size: 10,
            wait_s: 20,
            processing: Distribution::Exponential { mean_ms: 100.0 },
            failure_rate: 0.0,
        }
    }
}

/// A KCL application: one record processor per shard (KCL leases each shard to one worker),
/// each reading a batch, processing its records in order and checkpointing after it. A record
/// that fails is retried with its batch on the next read (the processor does not checkpoint
/// past it), so it holds up its shard as a failing Lambda batch does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KclApp {
    /// Enhanced fan-out (SubscribeToShard): records pushed, each consumer with its own 2 MiB/s
    /// per shard; otherwise GetRecords polling, sharing each shard's 5 reads a second.
    pub enhanced_fan_out: bool,
    /// Polling: how often each shard is read, ms (KCL's default: 1,000), 200–10,000.
    pub poll_interval_ms: u64,
    /// GetRecords `Limit`, 1–10,000 (KCL's default: 10,000).
    pub limit: u32,
    /// Processing time of one record.
    pub processing: Distribution,
    /// The share of records whose processing fails.
    pub failure_rate: f64,
}

impl Default for KclApp {
    fn default() -> Self {
        KclApp {
            enhanced_fan_out: false,
            poll_interval_ms: 1_000,
            limit: 10_000,
            processing: Distribution::Exponential { mean_ms: 2.0 },
            failure_rate: 0.0,
        }
    }
}

/// An HTTP endpoint: a webhook SNS delivers to, or a backend behind an API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpEndpoint {
    /// Requests it serves at once; more wait for a slot.
    pub concurrency: u32,
    /// How long it takes to answer.
    pub latency: Distribution,
    /// How it answers: healthy (2xx), slow (10–30 s), server errors (5xx), client errors (403).
    pub health: Health,
}

impl Default for HttpEndpoint {
    fn default() -> Self {
        HttpEndpoint {
            concurrency: 50,
            latency: Distribution::LogNormal { median_ms: 50.0, p99_ms: 300.0 },
            health: Health::Healthy,
        }
    }
}

/// What a connection is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Messages flow along it (a send, a publish, a subscription, an integration, a mapping).
    #[default]
    Deliver,
    /// A queue's dead-letter queue (its `RedrivePolicy`).
    Redrive,
    /// A function's destination for asynchronous events it gave up on (`OnFailure`).
    OnFailure,
}

/// A connection and the settings of the integration it stands for. Only the settings of its
/// kind may be given (a filter policy on a subscription, a mapping on SQS → Lambda, …).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Connection {
    /// The node messages come from.
    pub from: String,
    /// The node they go to.
    pub to: String,
    /// What it is for.
    pub role: Role,
    /// SNS subscriptions: `RawMessageDelivery`.
    #[serde(skip_serializing_if = "is_false")]
    pub raw: bool,
    /// SNS subscriptions: the filter policy (JSON text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_policy: Option<String>,
    /// SNS subscriptions: where the filter looks.
    #[serde(skip_serializing_if = "is_default_scope")]
    pub filter_scope: FilterScope,
    /// SNS HTTP/S subscriptions: their own delivery policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_policy: Option<RetryPolicy>,
    /// SNS subscriptions: the queue node that is the subscription's dead-letter queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_queue: Option<String>,
    /// Redrive: `maxReceiveCount`, 1–1,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_receive_count: Option<u32>,
    /// SQS → Lambda: the event source mapping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sqs_mapping: Option<SqsMapping>,
    /// Kinesis → Lambda: the event source mapping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_mapping: Option<KinesisMapping>,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_default_scope(s: &FilterScope) -> bool {
    *s == FilterScope::MessageAttributes
}

/// A flow that cannot run: what is wrong, naming the node or connection and AWS's rule.
#[derive(Clone, Debug, PartialEq)]
pub enum FlowError {
    /// A setting out of its range or otherwise invalid.
    Config(ConfigError),
    /// The wiring: a connection AWS does not offer, a missing node, a node without its input.
    Wiring(String),
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowError::Config(e) => write!(f, "{e}"),
            FlowError::Wiring(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for FlowError {}

impl From<ConfigError> for FlowError {
    fn from(e: ConfigError) -> Self {
        FlowError::Config(e)
    }
}

fn wiring(text: impl Into<String>) -> FlowError {
    FlowError::Wiring(text.into())
}

/// The benchmark yardstick (issue 20): clients → REST API → SNS → three queues (one filtered)
/// → a Lambda function and two groups of consumers, with dead-letter queues: 10 nodes at
/// 1,000 messages a second.
const BENCHMARK: &str = r#"{
  "nodes": [
    { "id": "clients", "type": "clients", "workload": { "kind": "poisson", "rate_per_s": 1000 }, "method": "POST /events" },
    { "id": "api", "type": "api_gateway" },
    { "id": "events", "type": "sns_topic" },
    { "id": "orders", "type": "sqs_queue", "attributes": { "VisibilityTimeout": "30" } },
    { "id": "audit", "type": "sqs_queue", "attributes": { "VisibilityTimeout": "30" } },
    { "id": "analytics", "type": "sqs_queue", "attributes": { "VisibilityTimeout": "30" } },
    { "id": "orders-dlq", "type": "sqs_queue" },
    { "id": "analytics-dlq", "type": "sqs_queue" },
    { "id": "fulfil", "type": "lambda", "function": { "poison_rate": 0.001 } },
    { "id": "auditors", "type": "consumers", "count": 20, "processing": { "kind": "exponential", "mean_ms": 5 } },
    { "id": "analysts", "type": "consumers", "count": 20, "failure_rate": 0.01, "processing": { "kind": "exponential", "mean_ms": 5 } }
  ],
  "connections": [
    { "from": "clients", "to": "api" },
    { "from": "api", "to": "events" },
    { "from": "events", "to": "orders" },
    { "from": "events", "to": "audit" },
    { "from": "events", "to": "analytics" },
    { "from": "orders", "to": "fulfil" },
    { "from": "orders", "to": "orders-dlq", "role": "redrive", "max_receive_count": 3 },
    { "from": "audit", "to": "auditors" },
    { "from": "analytics", "to": "analysts" },
    { "from": "analytics", "to": "analytics-dlq", "role": "redrive", "max_receive_count": 3 }
  ]
}"#;

impl FlowScenario {
    /// The yardstick `nimbus bench flow` and the browser benchmark run.
    pub fn benchmark() -> FlowScenario {
        serde_json::from_str(BENCHMARK).unwrap_or_default()
    }

    /// The scenario as a `nimbus run` file.
    pub fn to_file_json(&self) -> String {
        crate::scenario::to_file_json(self, SCENARIO_KIND)
    }

    /// Reads and checks a `nimbus run` file.
    pub fn from_file_json(text: &str) -> Result<FlowScenario, String> {
        let scenario: FlowScenario =
            crate::scenario::from_file_json(text, SCENARIO_KIND, "flow", |_: &FlowScenario| Ok(()))?;
        scenario.validate().map_err(|e| e.to_string())?;
        Ok(scenario)
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<(usize, &Node)> {
        self.nodes.iter().enumerate().find(|(_, n)| n.id == id)
    }

    /// How a connection reads in messages: `api (REST API) → orders (standard queue)`.
    pub fn describe(&self, c: &Connection) -> String {
        let name = |id: &str| match self.node(id) {
            Some((_, n)) => format!("{} ({})", n.id, n.kind.label()),
            None => id.to_owned(),
        };
        format!("{} → {}", name(&c.from), name(&c.to))
    }

    /// Checks every setting and the wiring.
    pub fn validate(&self) -> Result<(), FlowError> {
        check_version(self.v)?;
        check_int_range("lambda_concurrency", self.lambda_concurrency.into(), 100..=100_000)?;
        if self.nodes.is_empty() || self.nodes.len() > MAX_NODES {
            return Err(wiring(format!("a flow has 1–{MAX_NODES} nodes (this one has {})", self.nodes.len())));
        }
        if self.connections.len() > MAX_CONNECTIONS {
            return Err(wiring(format!("a flow has at most {MAX_CONNECTIONS} connections")));
        }
        for (i, node) in self.nodes.iter().enumerate() {
            if node.id.is_empty() || node.id.len() > 80 {
                return Err(wiring(format!("node {}: an id is 1–80 characters", i + 1)));
            }
            if self.nodes[..i].iter().any(|n| n.id == node.id) {
                return Err(wiring(format!("two nodes are called {}: ids must be unique", node.id)));
            }
            self.validate_node(node)?;
        }
        let mut offered = 0.0;
        for node in &self.nodes {
            offered += match &node.kind {
                NodeKind::Producer(p) => p.workload.sustained_rate_per_s(),
                NodeKind::Clients(c) => c.workload.sustained_rate_per_s(),
                _ => 0.0,
            };
        }
        // Every message is several operations downstream (a send, a receive, a delete, an invoke).
        check_offered("messages sent, times 5 for what each causes downstream", offered * 5.0)?;
        for c in &self.connections {
            self.validate_connection(c)?;
        }
        self.validate_inputs()
    }

    fn validate_node(&self, node: &Node) -> Result<(), FlowError> {
        let f = &node.id;
        match &node.kind {
            NodeKind::Producer(p) => {
                p.workload.validate(&format!("{f}.workload"))?;
                check_int_range(&format!("{f}.size_bytes"), p.size_bytes, 1..=262_144)?;
                check_int_range(&format!("{f}.keys"), p.keys.into(), 1..=10_000)?;
                check_templates(f, &p.messages)?;
            }
            NodeKind::Clients(c) => {
                c.workload.validate(&format!("{f}.workload"))?;
                check_int_range(&format!("{f}.size_bytes"), c.size_bytes, 1..=262_144)?;
                check_int_range(&format!("{f}.naive_attempts"), c.naive_attempts.into(), 1..=10)?;
                check_int_range(&format!("{f}.keys"), c.keys.into(), 1..=10_000)?;
                if c.method.trim().is_empty() {
                    return Err(wiring(format!("{f}: the clients need a method to call, such as \"POST /orders\"")));
                }
            }
            NodeKind::ApiGateway(a) => {
                a.gateway.validate()?;
                let most = if a.gateway.kind == ApiKind::Http { 30_000 } else { 29_000 };
                check_int_range(&format!("{f}.timeout_ms"), a.timeout_ms, 50..=most)?;
            }
            NodeKind::SnsTopic(t) => {
                if t.fifo != f.ends_with(".fifo") {
                    return Err(wiring(format!(
                        "{f}: a FIFO topic's name ends in .fifo, and only a FIFO topic's does (SNS-04)"
                    )));
                }
                if let Some(p) = t.delivery_policy {
                    RetryPolicy::http_custom(p).map_err(|e| wiring(format!("{f}.delivery_policy: {}", e.message)))?;
                }
            }
            NodeKind::SqsQueue(_) => {} // CreateQueue checks the attributes when the model is built.
            NodeKind::KinesisStream(s) => {
                check_int_range(&format!("{f}.shards"), s.shards.into(), 1..=64)?;
                check_int_range(&format!("{f}.retention_h"), s.retention_h, 24..=8_760)?;
            }
            NodeKind::Lambda(l) => {
                l.function.validate(f)?;
                l.async_invoke.validate(&format!("{f}.async_invoke"))?;
            }
            NodeKind::Consumers(c) => {
                check_int_range(&format!("{f}.count"), c.count.into(), 1..=100)?;
                check_int_range(&format!("{f}.batch_size"), c.batch_size.into(), 1..=10)?;
                // Consumers here long-poll (1–20 s); a short-polling loop is not modelled.
                check_int_range(&format!("{f}.wait_s"), c.wait_s, 1..=20)?;
                c.processing.validate(&format!("{f}.processing"))?;
                check_range(&format!("{f}.failure_rate"), c.failure_rate, 0.0..=1.0)?;
            }
            NodeKind::KinesisConsumers(k) => {
                check_int_range(&format!("{f}.poll_interval_ms"), k.poll_interval_ms, 200..=10_000)?;
                check_int_range(&format!("{f}.limit"), k.limit.into(), 1..=10_000)?;
                k.processing.validate(&format!("{f}.processing"))?;
                check_range(&format!("{f}.failure_rate"), k.failure_rate, 0.0..=1.0)?;
            }
            NodeKind::HttpEndpoint(h) => {
                check_int_range(&format!("{f}.concurrency"), h.concurrency.into(), 1..=10_000)?;
                h.latency.validate(&format!("{f}.latency"))?;
            }
        }
        Ok(())
    }

    /// The integrations AWS offers, and the settings that belong to each.
    fn validate_connection(&self, c: &Connection) -> Result<(), FlowError> {
        let what = self.describe(c);
        let Some((_, from)) = self.node(&c.from) else {
            return Err(wiring(format!("{what}: there is no node called {}", c.from)));
        };
        let Some((_, to)) = self.node(&c.to) else {
            return Err(wiring(format!("{what}: there is no node called {}", c.to)));
        };
        if c.from == c.to {
            return Err(wiring(format!("{what}: a node cannot be connected to itself")));
        }
        use NodeKind as K;
        let refuse = |rule: &str| Err(wiring(format!("{what}: {rule}")));
        match (c.role, &from.kind, &to.kind) {
            (Role::Redrive, K::SqsQueue(a), K::SqsQueue(b)) => {
                if a.is_fifo() != b.is_fifo() {
                    return refuse("a dead-letter queue is of its source queue's type: FIFO for a FIFO queue, standard for a standard one (SQS-34)");
                }
                let Some(n) = c.max_receive_count else {
                    return refuse("a redrive policy needs max_receive_count (1–1,000)");
                };
                check_int_range(&format!("{what}: max_receive_count"), n.into(), 1..=1_000)?;
            }
            (Role::Redrive, _, _) => return refuse("only a queue has a dead-letter queue, and it is a queue"),
            (Role::OnFailure, K::Lambda(_), K::SqsQueue(_) | K::SnsTopic(_) | K::Lambda(_)) => {
                if !self.connections.iter().any(|s| s.to == c.from && matches!(self.kind(&s.from), Some(K::SnsTopic(_)))) {
                    return refuse("an on-failure destination takes the events a function was invoked with asynchronously (from an SNS topic); this function has none (a Kinesis mapping's destination is its kinesis_mapping.on_failure)");
                }
            }
            (Role::OnFailure, _, _) => {
                return refuse("an on-failure destination goes from a Lambda function to a queue, a topic or a function (LCON-05)")
            }
            (Role::Deliver, K::Producer(_), K::SqsQueue(_) | K::SnsTopic(_) | K::KinesisStream(_)) => {}
            (Role::Deliver, K::Producer(_), _) => {
                return refuse("a producer sends to an SQS queue, an SNS topic or a Kinesis stream")
            }
            (Role::Deliver, K::Clients(_), K::ApiGateway(_)) => {}
            (Role::Deliver, K::Clients(_), _) => return refuse("clients call an API (API Gateway)"),
            (Role::Deliver, K::ApiGateway(a), K::SnsTopic(_)) if a.gateway.kind == ApiKind::Http => {
                return refuse("an HTTP API has no SNS Publish integration (APIGI-03: its AWS service integrations are SQS, Kinesis, EventBridge, Step Functions and AppConfig); use a REST API")
            }
            (Role::Deliver, K::ApiGateway(_), K::SqsQueue(_) | K::SnsTopic(_) | K::KinesisStream(_) | K::Lambda(_) | K::HttpEndpoint(_)) => {}
            (Role::Deliver, K::ApiGateway(_), _) => {
                return refuse("an API integrates with SQS, SNS, Kinesis, a Lambda function or an HTTP backend (APIGI-01)")
            }
            (Role::Deliver, K::SnsTopic(t), K::SqsQueue(_) | K::Lambda(_) | K::HttpEndpoint(_)) => {
                if t.fifo && !matches!(to.kind, K::SqsQueue(_)) {
                    return refuse("a FIFO topic delivers only to SQS queues, FIFO or standard (SNS-25); put a FIFO queue between it and the function");
                }
                if let K::SqsQueue(q) = &to.kind {
                    if q.is_fifo() && !t.fifo {
                        return refuse("a FIFO queue cannot subscribe to a standard topic (SNS-25)");
                    }
                }
            }
            (Role::Deliver, K::SnsTopic(_), _) => {
                return refuse("a topic delivers to SQS queues, Lambda functions and HTTP/S endpoints")
            }
            (Role::Deliver, K::SqsQueue(q), K::Lambda(_)) => {
                let mapping = c.sqs_mapping.clone().unwrap_or_default();
                mapping.validate(&format!("{what}: sqs_mapping"), q.is_fifo())?;
            }
            (Role::Deliver, K::SqsQueue(_), K::Consumers(_)) => {}
            (Role::Deliver, K::SqsQueue(_), _) => {
                return refuse("a queue is read by a Lambda function (event source mapping) or by consumers; its dead-letter queue is a connection with \"role\": \"redrive\"")
            }
            (Role::Deliver, K::KinesisStream(_), K::Lambda(_)) => {
                let mapping = c.kinesis_mapping.clone().unwrap_or_default();
                mapping.validate(&format!("{what}: kinesis_mapping"))?;
                if let Some(dest) = &mapping.on_failure {
                    match self.kind(dest) {
                        Some(K::SqsQueue(_) | K::SnsTopic(_)) => {}
                        Some(_) => return refuse("a Kinesis mapping's on-failure destination is an SQS queue or an SNS topic (LKIN-06; S3 is not modelled)"),
                        None => return refuse(&format!("kinesis_mapping.on_failure: there is no node called {dest}")),
                    }
                }
            }
            (Role::Deliver, K::KinesisStream(_), K::KinesisConsumers(_)) => {}
            (Role::Deliver, K::KinesisStream(_), _) => {
                return refuse("a stream is read by a Lambda function (event source mapping) or by KCL consumers")
            }
            (Role::Deliver, K::Lambda(_), K::SqsQueue(_) | K::SnsTopic(_) | K::KinesisStream(_) | K::HttpEndpoint(_)) => {}
            (Role::Deliver, K::Lambda(_), _) => {
                return refuse("a function passes what it processed on to a queue, a topic, a stream or an HTTP endpoint")
            }
            (Role::Deliver, K::Consumers(_) | K::KinesisConsumers(_) | K::HttpEndpoint(_), _) => {
                return refuse("consumers and HTTP endpoints are where messages end; they pass nothing on")
            }
        }
        self.refuse_foreign_settings(c, &what, &from.kind, &to.kind)
    }

    /// A setting given on a connection it does not belong to is an error, not silently ignored.
    fn refuse_foreign_settings(
        &self,
        c: &Connection,
        what: &str,
        from: &NodeKind,
        to: &NodeKind,
    ) -> Result<(), FlowError> {
        let subscription = c.role == Role::Deliver && matches!(from, NodeKind::SnsTopic(_));
        let misplaced = [
            ("raw", c.raw && !subscription, "an SNS subscription"),
            ("filter_policy", c.filter_policy.is_some() && !subscription, "an SNS subscription"),
            ("filter_scope", c.filter_scope != FilterScope::MessageAttributes && !subscription, "an SNS subscription"),
            (
                "delivery_policy",
                c.delivery_policy.is_some() && !(subscription && matches!(to, NodeKind::HttpEndpoint(_))),
                "an SNS subscription of an HTTP endpoint",
            ),
            ("dead_letter_queue", c.dead_letter_queue.is_some() && !subscription, "an SNS subscription"),
            ("max_receive_count", c.max_receive_count.is_some() && c.role != Role::Redrive, "a redrive connection"),
            (
                "sqs_mapping",
                c.sqs_mapping.is_some() && !matches!((from, to), (NodeKind::SqsQueue(_), NodeKind::Lambda(_))),
                "SQS → Lambda",
            ),
            (
                "kinesis_mapping",
                c.kinesis_mapping.is_some() && !matches!((from, to), (NodeKind::KinesisStream(_), NodeKind::Lambda(_))),
                "Kinesis → Lambda",
            ),
        ];
        if let Some((name, _, place)) = misplaced.iter().find(|m| m.1) {
            return Err(wiring(format!("{what}: {name} is a setting of {place}, not of this connection")));
        }
        if subscription {
            if c.raw && matches!(to, NodeKind::Lambda(_)) {
                return Err(wiring(format!("{what}: raw delivery is for SQS and HTTP/S subscriptions (SNS-15)")));
            }
            if let Some(dlq) = &c.dead_letter_queue {
                let fifo_topic = matches!(from, NodeKind::SnsTopic(t) if t.fifo);
                match self.kind(dlq) {
                    Some(NodeKind::SqsQueue(q)) if q.is_fifo() == fifo_topic => {}
                    Some(NodeKind::SqsQueue(_)) => {
                        return Err(wiring(format!("{what}: a FIFO topic's subscription needs a FIFO dead-letter queue, a standard topic's a standard one (SNS-13)")))
                    }
                    Some(_) => return Err(wiring(format!("{what}: a subscription's dead-letter queue is an SQS queue (SNS-13)"))),
                    None => return Err(wiring(format!("{what}: dead_letter_queue: there is no node called {dlq}"))),
                }
            }
            if let Some(p) = c.delivery_policy {
                RetryPolicy::http_custom(p).map_err(|e| wiring(format!("{what}: delivery_policy: {}", e.message)))?;
            }
        }
        Ok(())
    }

    /// Every node that needs an input has one, and no queue has two readers or two dead-letter queues.
    fn validate_inputs(&self) -> Result<(), FlowError> {
        for node in &self.nodes {
            let inputs = self.connections.iter().filter(|c| c.to == node.id && c.role == Role::Deliver).count();
            let needs_input = !matches!(node.kind, NodeKind::Producer(_) | NodeKind::Clients(_));
            let is_destination = self.connections.iter().any(|c| {
                c.role != Role::Deliver && c.to == node.id
                    || c.dead_letter_queue.as_deref() == Some(&node.id)
                    || c.kinesis_mapping.as_ref().and_then(|m| m.on_failure.as_deref()) == Some(&node.id)
            });
            if needs_input && inputs == 0 && !is_destination {
                return Err(wiring(format!(
                    "{} ({}) gets nothing: connect something to it",
                    node.id,
                    node.kind.label()
                )));
            }
            if let NodeKind::SqsQueue(_) = node.kind {
                let readers = self.connections.iter().filter(|c| c.from == node.id && c.role == Role::Deliver).count();
                if readers > 1 {
                    return Err(wiring(format!(
                        "{}: a queue is read by one function or one group of consumers here (each message goes to one reader); use an SNS topic to give every reader a copy",
                        node.id
                    )));
                }
                if self.connections.iter().filter(|c| c.from == node.id && c.role == Role::Redrive).count() > 1 {
                    return Err(wiring(format!("{}: a queue has one redrive policy (one dead-letter queue)", node.id)));
                }
            }
            if let NodeKind::Clients(_) | NodeKind::Producer(_) = node.kind {
                let out = self.connections.iter().filter(|c| c.from == node.id).count();
                if out != 1 {
                    return Err(wiring(format!(
                        "{} ({}) sends to exactly one node (it has {out})",
                        node.id,
                        node.kind.label()
                    )));
                }
            }
            if let NodeKind::KinesisStream(_) = node.kind {
                if self.connections.iter().filter(|c| c.from == node.id).count() > MAX_STREAM_READERS {
                    return Err(wiring(format!(
                        "{}: at most {MAX_STREAM_READERS} readers here (polling readers share each shard's 5 reads a second; each reads every record)",
                        node.id
                    )));
                }
            }
        }
        Ok(())
    }

    fn kind(&self, id: &str) -> Option<&NodeKind> {
        self.node(id).map(|(_, n)| &n.kind)
    }
}

fn check_templates(field: &str, templates: &[MessageTemplate]) -> Result<(), ConfigError> {
    check_int_range(&format!("{field}.messages"), templates.len() as u64, 0..=10)?;
    for (i, t) in templates.iter().enumerate() {
        check_int_range(&format!("{field}.messages[{i}].weight"), t.weight.into(), 1..=1_000)?;
    }
    Ok(())
}
