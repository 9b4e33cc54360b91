//! The SNS scenario as data: a topic, publishers drawing messages from a mix of templates, and
//! subscriptions (SQS queues with consumers, a Lambda function, HTTP/S endpoints) with their
//! filter policies, endpoint health, raw delivery, delivery policy and dead-letter queue.
//!
//! The same serde data is a URL, a JSON file for `nimbus run` (`"kind": "sns"`) and a preset;
//! [`SnsScenario::validate`] checks it once, with AWS's rules and error texts.

use serde::{Deserialize, Serialize};

use super::filter::{FilterPolicy, FilterScope, PolicyApi};
use super::retry::RetryPolicy;
use crate::scenario::{check_int_range, check_range, check_version, current_version, ConfigError};
use crate::time::{SimDuration, SimTime};
use crate::workload::Workload;

/// The `kind` of SNS scenario files.
pub const SCENARIO_KIND: &str = "sns";
/// The most subscriptions a scenario has (a playground bound: the diagram shows them all).
pub const MAX_SUBSCRIPTIONS: usize = 5;
/// The most message templates a scenario mixes (a playground bound).
pub const MAX_TEMPLATES: usize = 10;
/// The most consumers one subscribed queue has (a playground bound).
pub const MAX_QUEUE_CONSUMERS: u32 = 20;
/// The longest endpoint response time a scenario may set, milliseconds (a playground bound).
pub const MAX_LATENCY_MS: f64 = 60_000.0;
/// The most FIFO message groups a publisher spreads messages over (a playground bound).
pub const MAX_GROUPS: u32 = 100;
/// How long a filter policy change takes to reach every copy, seconds, unless the scenario says:
/// AWS says "Additions or changes to a subscription filter policy require up to 15 minutes to
/// fully take effect" (SNS developer guide, "Amazon SNS subscription filter policies"; SNS-23),
/// and a minute shows that without a long wait.
pub const DEFAULT_FILTER_PROPAGATION_S: u64 = 60;
/// The longest filter policy propagation a scenario may set: AWS's "up to 15 minutes".
pub const MAX_FILTER_PROPAGATION_S: u64 = 900;
/// The most filter policy changes one subscription makes in a run (a playground bound: a link
/// carries them all).
pub const MAX_FILTER_EDITS: usize = 8;

/// A whole SNS scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SnsScenario {
    /// Scenario format version.
    #[serde(default = "current_version")]
    pub v: u32,
    /// The topic.
    pub topic: TopicSettings,
    /// Who publishes.
    pub publishers: Vec<Publisher>,
    /// The messages publishers send, picked at random by weight.
    pub messages: Vec<MessageTemplate>,
    /// Who receives.
    pub subscriptions: Vec<SubscriptionSettings>,
}

/// The topic's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicSettings {
    /// A FIFO topic (message groups, deduplication, ordered delivery to SQS only).
    pub fifo: bool,
    /// FIFO: deduplicate by a SHA-256 of the body instead of an explicit id.
    pub content_based_dedup: bool,
    /// The topic's HTTP/S delivery policy (`DeliveryPolicy` on the topic): HTTP/S subscriptions
    /// without a policy of their own follow it; a subscription's policy wins.
    pub delivery_policy: Option<RetryPolicy>,
    /// Seconds a filter policy change takes to reach every copy, 0–900 (0: at once): until
    /// then the previous policy still decides some copies (SNS-23). Files without it get
    /// [`DEFAULT_FILTER_PROPAGATION_S`].
    pub filter_propagation_s: u64,
}

impl Default for TopicSettings {
    fn default() -> Self {
        TopicSettings {
            fifo: false,
            content_based_dedup: false,
            delivery_policy: None,
            filter_propagation_s: DEFAULT_FILTER_PROPAGATION_S,
        }
    }
}

/// A change of a subscription's filter policy during the run (`SetSubscriptionAttributes`),
/// which takes the topic's `filter_propagation_s` to reach every copy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilterEdit {
    /// When, in simulated seconds.
    pub at_s: f64,
    /// The policy in force before the change (`None`: no policy, every message).
    pub before: Option<String>,
    /// That policy's `FilterPolicyScope`.
    pub before_scope: FilterScope,
}

impl FilterEdit {
    /// When the change was made.
    pub fn at(&self) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs_f64(self.at_s)
    }

    /// Changes as text, one after another: `seconds:scope:length:policy` — the scope `a`
    /// (attributes) or `b` (body), the previous policy's length in bytes (0: no policy), then
    /// the policy as typed: `12.5:a:21:{"type": ["books"]}`. Files and links carry this one
    /// string (no escaping needed; a JSON list of objects cost the page ~2 KB gzip).
    pub fn list_text(edits: &[FilterEdit]) -> String {
        let mut out = String::new();
        for e in edits {
            let policy = e.before.as_deref().unwrap_or("");
            let scope = if e.before_scope == FilterScope::MessageBody { 'b' } else { 'a' };
            out.push_str(&format!("{}:{scope}:{}:{policy}", e.at_s, policy.len()));
        }
        out
    }

    /// Reads [`FilterEdit::list_text`]'s text; `None` if it is not that.
    pub fn parse_list(mut text: &str) -> Option<Vec<FilterEdit>> {
        let mut out = Vec::new();
        while !text.is_empty() {
            let (at_s, rest) = text.split_once(':')?;
            let (scope, rest) = rest.split_once(':')?;
            let (len, rest) = rest.split_once(':')?;
            let len: usize = len.parse().ok()?;
            let before = rest.get(..len)?;
            text = rest.get(len..)?;
            let before_scope = match scope {
                "a" => FilterScope::MessageAttributes,
                "b" => FilterScope::MessageBody,
                _ => return None,
            };
            out.push(FilterEdit {
                at_s: at_s.parse().ok()?,
                before: (len > 0).then(|| before.to_owned()),
                before_scope,
            });
        }
        Some(out)
    }
}

/// `filter_edits` in files: [`FilterEdit::list_text`]'s one string.
mod edits_as_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::FilterEdit;

    pub fn serialize<S: Serializer>(edits: &[FilterEdit], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&FilterEdit::list_text(edits))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FilterEdit>, D::Error> {
        let text = String::deserialize(d)?;
        FilterEdit::parse_list(&text)
            .ok_or_else(|| serde::de::Error::custom("filter_edits: write each change as seconds:a|b:length:policy"))
    }
}

/// One publisher.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Publisher {
    /// When it publishes.
    pub workload: Workload,
    /// FIFO topics: how many message groups it spreads messages over (round robin), 1–100.
    pub groups: u32,
}

impl Default for Publisher {
    fn default() -> Self {
        Publisher { workload: Workload::Poisson { rate_per_s: 2.0 }, groups: 3 }
    }
}

/// A message publishers send.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessageTemplate {
    /// A short tag drawn on its tokens (1–8 characters).
    pub label: String,
    /// How often it is picked, relative to the others (1–1,000).
    pub weight: u32,
    /// The body (a JSON object for body filtering).
    pub body: String,
    /// Message attributes.
    pub attributes: Vec<Attribute>,
}

impl Default for MessageTemplate {
    fn default() -> Self {
        MessageTemplate { label: "msg".into(), weight: 1, body: "{}".into(), attributes: Vec::new() }
    }
}

/// A message attribute.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// Its name.
    pub name: String,
    /// `String`, `Number`, `String.Array` or `Binary`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its value (for `String.Array`, a JSON array).
    pub value: String,
}

/// What a subscription delivers to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    /// An SQS queue, with consumers polling it.
    #[default]
    Sqs,
    /// A Lambda function (invoked asynchronously).
    Lambda,
    /// An HTTP/S endpoint.
    Http,
}

impl EndpointKind {
    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            EndpointKind::Sqs => "SQS queue",
            EndpointKind::Lambda => "Lambda function",
            EndpointKind::Http => "HTTP/S endpoint",
        }
    }
}

/// How an endpoint answers deliveries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Accepts every delivery after its latency.
    #[default]
    Healthy,
    /// Accepts every delivery, ten times slower.
    Slow,
    /// Fails every delivery with a server-side error (HTTP 5xx, a throttled Lambda, an
    /// unavailable queue): retried by the delivery policy (SNS-12).
    ServerErrors,
    /// Fails every delivery with a client-side error (a queue policy that denies SNS, a deleted
    /// endpoint): never retried (SNS-12). An HTTP/S endpoint answers 403, which SNS counts as
    /// delivered: not retried, not dead-lettered — the copy is lost.
    ClientErrors,
}

impl Health {
    /// How it reads in the diagram.
    pub fn label(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Slow => "slow",
            Health::ServerErrors => "failing: server errors (5xx)",
            Health::ClientErrors => "failing: client errors (4xx)",
        }
    }
}

/// One subscription and its endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubscriptionSettings {
    /// The endpoint's name (queue, function or host), 1–40 of `[A-Za-z0-9_-]`.
    pub name: String,
    /// The endpoint kind.
    pub endpoint: EndpointKind,
    /// How the endpoint answers.
    pub health: Health,
    /// Seconds after which a failing or slow endpoint is healthy again; 0 = never.
    pub recovers_after_s: u64,
    /// The endpoint's response time, milliseconds.
    pub latency_ms: f64,
    /// `RawMessageDelivery` (SQS and HTTP/S only).
    pub raw: bool,
    /// The filter policy (JSON text), if any: the one the last of `filter_edits` set.
    pub filter_policy: Option<String>,
    /// `FilterPolicyScope`.
    pub filter_scope: FilterScope,
    /// Changes of the filter policy during the run, in time order; before the first, its
    /// `before` policy is in force.
    #[serde(skip_serializing_if = "Vec::is_empty", with = "edits_as_text")]
    pub filter_edits: Vec<FilterEdit>,
    /// A dead-letter queue (an SQS queue) for deliveries that fail for good.
    pub dlq: bool,
    /// HTTP/S only: a custom delivery policy (otherwise 3 retries 20 s apart).
    pub delivery_policy: Option<RetryPolicy>,
    /// SQS: the subscribed queue is FIFO (needs a FIFO topic).
    pub fifo_queue: bool,
    /// SQS: consumers polling the queue, 0–20.
    pub consumers: u32,
    /// SQS: how long a consumer takes per message, milliseconds.
    pub processing_ms: f64,
}

impl Default for SubscriptionSettings {
    fn default() -> Self {
        SubscriptionSettings {
            name: "queue".into(),
            endpoint: EndpointKind::Sqs,
            health: Health::Healthy,
            recovers_after_s: 0,
            latency_ms: 30.0,
            raw: false,
            filter_policy: None,
            filter_scope: FilterScope::MessageAttributes,
            filter_edits: Vec::new(),
            dlq: false,
            delivery_policy: None,
            fifo_queue: false,
            consumers: 1,
            processing_ms: 200.0,
        }
    }
}

impl SubscriptionSettings {
    /// The delivery policy that applies: AWS-managed for SQS and Lambda; for HTTP/S the
    /// subscription's own policy, else the topic's, else the HTTP/S default (SNS-08, SNS-10).
    pub fn retry_policy(&self, topic: &TopicSettings) -> RetryPolicy {
        match self.endpoint {
            EndpointKind::Http => self.delivery_policy.or(topic.delivery_policy).unwrap_or(RetryPolicy::HTTP_DEFAULT),
            _ => RetryPolicy::AWS_MANAGED,
        }
    }

    /// Version `v` of its filter policy and scope: `v` < the number of edits is the policy
    /// before edit `v`; the last is `filter_policy`.
    pub fn filter_version(&self, v: usize) -> (Option<&str>, FilterScope) {
        match self.filter_edits.get(v) {
            Some(e) => (e.before.as_deref(), e.before_scope),
            None => (self.filter_policy.as_deref(), self.filter_scope),
        }
    }

    /// How many of its filter policy changes were made by `at`: the version set last.
    pub fn edits_made(&self, at: SimTime) -> usize {
        self.filter_edits.iter().take_while(|e| e.at() <= at).count()
    }

    /// The version of its filter policy that decides message `message`'s copy when it is
    /// published at `at`, this being subscription number `sub` and changes taking `propagation`
    /// to take full effect: the newest change that has reached the copy. AWS says how long a
    /// change takes, not how it spreads; here, during a change's window, a copy is decided by
    /// the previous policy with a chance falling linearly from 1 to 0 — a fixed hash of the
    /// copy against the time elapsed, so no random number is drawn and every other draw of the
    /// run stays where it was.
    pub fn filter_version_for(&self, sub: usize, message: u64, at: SimTime, propagation: SimDuration) -> usize {
        let spot = spread(message.wrapping_mul(8).wrapping_add(sub as u64)) % propagation.as_micros().max(1);
        let reached = |e: &FilterEdit| {
            let elapsed = at.saturating_since(e.at());
            e.at() <= at && (elapsed >= propagation || spot < elapsed.as_micros())
        };
        self.filter_edits.iter().rposition(reached).map_or(0, |k| k + 1)
    }
}

/// A fixed, well-spread 64-bit hash (SplitMix64's finaliser).
fn spread(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Default for SnsScenario {
    fn default() -> Self {
        SnsScenario {
            v: current_version(),
            topic: TopicSettings::default(),
            publishers: vec![Publisher::default()],
            messages: vec![MessageTemplate::default()],
            subscriptions: vec![SubscriptionSettings::default()],
        }
    }
}

/// Checks a subscription's filter policy changes: at most [`MAX_FILTER_EDITS`], in time order,
/// each previous policy valid.
fn check_filter_edits(field: &dyn Fn(&str) -> String, s: &SubscriptionSettings) -> Result<(), ConfigError> {
    check_int_range(&field("filter_edits"), s.filter_edits.len() as u64, 0..=MAX_FILTER_EDITS as u64)?;
    let mut last = 0.0;
    for (k, e) in s.filter_edits.iter().enumerate() {
        let f = |name: &str| field(&format!("filter_edits[{k}].{name}"));
        // In time order: each at or after the one before.
        check_range(&f("at_s"), e.at_s, last..=crate::workload::MAX_PERIOD_S)?;
        last = e.at_s;
        if let Some(text) = &e.before {
            if let Err(err) = FilterPolicy::parse(text, e.before_scope, PolicyApi::Subscribe) {
                return Err(ConfigError::Invalid { field: f("before"), value: err.code.into(), rule: err.message });
            }
        }
    }
    Ok(())
}

/// Checks a name of 1–`max` letters, digits, hyphens and underscores.
fn check_name(field: &str, name: &str, max: usize) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        return Ok(());
    }
    Err(ConfigError::Invalid {
        field: field.into(),
        value: format!("{name:?}"),
        rule: format!("use 1 to {max} letters, digits, hyphens or underscores"),
    })
}

impl SnsScenario {
    /// The topic's name: `orders`, or `orders.fifo`.
    pub fn topic_name(&self) -> &'static str {
        if self.topic.fifo {
            "orders.fifo"
        } else {
            "orders"
        }
    }

    /// Checks every field; the error names the field, the value and the rule (AWS's text for
    /// filter and delivery policies).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_version(self.v)?;
        if let Some(policy) = self.topic.delivery_policy {
            if let Err(e) = RetryPolicy::http_custom(policy) {
                return Err(ConfigError::Invalid {
                    field: "topic.delivery_policy".into(),
                    value: e.code.into(),
                    rule: format!("Invalid parameter: {}", e.message),
                });
            }
        }
        check_int_range("topic.filter_propagation_s", self.topic.filter_propagation_s, 0..=MAX_FILTER_PROPAGATION_S)?;
        check_int_range("publishers", self.publishers.len() as u64, 0..=10)?;
        for (i, p) in self.publishers.iter().enumerate() {
            p.workload.validate(&format!("publishers[{i}].workload"))?;
            check_int_range(&format!("publishers[{i}].groups"), u64::from(p.groups), 1..=u64::from(MAX_GROUPS))?;
        }
        check_int_range("messages", self.messages.len() as u64, 1..=MAX_TEMPLATES as u64)?;
        for (i, m) in self.messages.iter().enumerate() {
            let field = |f: &str| format!("messages[{i}].{f}");
            if m.label.is_empty() || m.label.chars().count() > 8 {
                return Err(ConfigError::Invalid {
                    field: field("label"),
                    value: format!("{:?}", m.label),
                    rule: "use 1 to 8 characters".into(),
                });
            }
            check_int_range(&field("weight"), u64::from(m.weight), 1..=1_000)?;
            let request = super::PublishRequest {
                body: m.body.clone(),
                attributes: m.attributes.iter().map(|a| (a.name.clone(), a.kind.clone(), a.value.clone())).collect(),
                group_id: None,
                dedup_id: None,
            };
            if let Err(e) = super::topic::check_message(&request) {
                return Err(ConfigError::Invalid { field: field("body"), value: e.code.into(), rule: e.message });
            }
        }
        check_int_range("subscriptions", self.subscriptions.len() as u64, 0..=MAX_SUBSCRIPTIONS as u64)?;
        for (i, s) in self.subscriptions.iter().enumerate() {
            let field = |f: &str| format!("subscriptions[{i}].{f}");
            check_name(&field("name"), &s.name, 40)?;
            if self.subscriptions[..i].iter().any(|o| o.name == s.name) {
                return Err(ConfigError::Invalid {
                    field: field("name"),
                    value: s.name.clone(),
                    rule: "each subscription's endpoint needs its own name".into(),
                });
            }
            check_range(&field("latency_ms"), s.latency_ms, 0.0..=MAX_LATENCY_MS)?;
            check_int_range(&field("recovers_after_s"), s.recovers_after_s, 0..=86_400)?;
            check_int_range(&field("consumers"), u64::from(s.consumers), 0..=u64::from(MAX_QUEUE_CONSUMERS))?;
            check_range(&field("processing_ms"), s.processing_ms, 0.0..=MAX_LATENCY_MS)?;
            let invalid = |f: &str, value: &str, rule: &str| {
                Err(ConfigError::Invalid { field: field(f), value: value.into(), rule: rule.into() })
            };
            if self.topic.fifo && s.endpoint != EndpointKind::Sqs {
                return invalid(
                    "endpoint",
                    s.endpoint.label(),
                    "Invalid parameter: Invalid protocol type: a FIFO topic delivers only to SQS queues (a Lambda needs a queue in between)",
                );
            }
            if s.fifo_queue && !self.topic.fifo {
                return invalid("fifo_queue", "true", super::topic::FIFO_QUEUE_ON_STANDARD_TOPIC);
            }
            if s.raw && s.endpoint == EndpointKind::Lambda {
                return invalid(
                    "raw",
                    "true",
                    "Invalid parameter: Attributes Reason: RawMessageDelivery: only SQS and HTTP/S subscriptions deliver raw messages",
                );
            }
            if let Some(policy) = &s.delivery_policy {
                if s.endpoint != EndpointKind::Http {
                    return invalid(
                        "delivery_policy",
                        "set",
                        "only HTTP/S subscriptions take a custom delivery policy; SQS and Lambda use the AWS-managed one",
                    );
                }
                if let Err(e) = RetryPolicy::http_custom(*policy) {
                    return invalid("delivery_policy", e.code, &format!("Invalid parameter: {}", e.message));
                }
            }
            if let Some(text) = &s.filter_policy {
                if let Err(e) = FilterPolicy::parse(text, s.filter_scope, PolicyApi::Subscribe) {
                    return invalid("filter_policy", e.code, &e.message);
                }
            }
            check_filter_edits(&field, s)?;
        }
        crate::scenario::check_offered(
            "each message published and delivered to each subscription",
            self.offered_per_s(),
        )
    }

    /// Operations per simulated second it offers: each publish, and its copy to each subscription.
    pub fn offered_per_s(&self) -> f64 {
        let published: f64 = self.publishers.iter().map(|p| p.workload.sustained_rate_per_s()).sum();
        published * (1.0 + self.subscriptions.len() as f64)
    }

    /// The scenario as the file `nimbus run` reads: its fields plus `"kind": "sns"`.
    pub fn to_file_json(&self) -> String {
        crate::scenario::to_file_json(self, SCENARIO_KIND)
    }

    /// Reads and validates a scenario file (see [`crate::scenario::from_file_json`]).
    pub fn from_file_json(text: &str) -> Result<SnsScenario, String> {
        crate::scenario::from_file_json(text, SCENARIO_KIND, "SNS", SnsScenario::validate)
    }
}
