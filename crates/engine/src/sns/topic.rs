//! SNS topics and subscriptions: create, subscribe (with a filter policy), and publish, which
//! fans a message out to every subscription and says, per subscription, whether its filter let
//! the copy through and why (SNS-01 … SNS-06, SNS-16, SNS-21, SNS-25 … SNS-27).
//!
//! Publishing decides *which* subscriptions get a copy; delivering it (endpoints, retries,
//! dead-letter queues) is the caller's, with [`super::RetryPolicy`].

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use sha2::{Digest, Sha256};

use super::filter::{FilterPolicy, FilterScope, Message, PolicyApi};
use crate::time::{SimDuration, SimTime};

/// Largest message, in bytes, and largest batch payload (SNS-01).
pub const MAX_MESSAGE_BYTES: usize = 262_144;
/// Entries in a `PublishBatch`.
pub const MAX_BATCH_ENTRIES: usize = 10;
/// Filter policies per topic (SNS-21).
pub const MAX_FILTER_POLICIES_PER_TOPIC: usize = 200;
/// The FIFO deduplication window (SNS-26).
pub const DEDUP_WINDOW: SimDuration = SimDuration::from_secs(300);

/// An error an SNS call returns: AWS's code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnsError {
    /// e.g. `InvalidParameter`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

impl SnsError {
    fn invalid(message: impl Into<String>) -> SnsError {
        SnsError { code: "InvalidParameter", message: format!("Invalid parameter: {}", message.into()) }
    }
}

impl fmt::Display for SnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// A topic, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TopicId(pub usize);

/// A subscription, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SubscriptionId(pub usize);

/// Where a subscription delivers (SNS-05; the ones the playground models).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// An SQS queue (standard or FIFO).
    Sqs {
        /// Whether the queue is FIFO.
        fifo: bool,
    },
    /// A Lambda function.
    Lambda,
    /// An HTTP or HTTPS endpoint.
    Http,
}

/// A subscription's settings.
#[derive(Clone, Debug)]
pub struct Subscription {
    /// The topic.
    pub topic: TopicId,
    /// The endpoint kind.
    pub protocol: Protocol,
    /// `RawMessageDelivery` (SQS and HTTP/S only).
    pub raw: bool,
    /// The filter policy, if any.
    pub filter: Option<FilterPolicy>,
}

#[derive(Clone, Debug)]
struct Topic {
    name: String,
    fifo: bool,
    content_based_dedup: bool,
    /// FIFO: dedup id → window end; and ids by window end.
    dedup: BTreeMap<String, SimTime>,
    dedup_expiry: VecDeque<(SimTime, String)>,
}

/// A message to publish.
#[derive(Clone, Debug, Default)]
pub struct PublishRequest {
    /// The body.
    pub body: String,
    /// `(name, type, value)` attributes: `String`, `Number`, `String.Array`, `Binary`.
    pub attributes: Vec<(String, String, String)>,
    /// FIFO topics: the message group (required).
    pub group_id: Option<String>,
    /// FIFO topics: the deduplication id (or content-based deduplication).
    pub dedup_id: Option<String>,
}

/// What one subscription does with a published message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fanout {
    /// The subscription.
    pub subscription: SubscriptionId,
    /// Whether its filter lets the copy through (always, without a filter).
    pub delivered: bool,
    /// Why: the filter's explanation, or "no filter policy".
    pub reason: String,
}

/// The result of a publish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// `true` when a FIFO topic dropped it as a duplicate within 5 minutes: accepted, not sent.
    pub deduplicated: bool,
    /// One entry per subscription of the topic, in subscription order.
    pub fanout: Vec<Fanout>,
}

/// A message's views a filter policy looks at (its attributes, its parsed body), made once
/// for a message published many times.
#[derive(Clone, Debug)]
pub struct Prepared {
    attributes: Message,
    body: Message,
}

impl Prepared {
    /// The views of `req`.
    pub fn of(req: &PublishRequest) -> Prepared {
        Prepared {
            attributes: Message::from_attributes(
                req.attributes.iter().map(|(n, k, v)| (n.as_str(), k.as_str(), v.as_str())),
            ),
            body: Message::from_body(&req.body),
        }
    }
}

/// Topics and subscriptions.
#[derive(Clone, Debug, Default)]
pub struct Sns {
    topics: Vec<Topic>,
    subscriptions: Vec<Subscription>,
}

impl Sns {
    /// No topics.
    pub fn new() -> Sns {
        Sns::default()
    }

    /// `CreateTopic`: names are 1–256 of `[A-Za-z0-9_-]`, FIFO ones end in `.fifo`; creating an
    /// existing topic returns it (SNS-04). AWS says only `Invalid parameter: Topic Name` for
    /// every broken rule (LS test_sns.py test_create_topic_name_constraints, AWS-recorded).
    pub fn create_topic(&mut self, name: &str, fifo: bool, content_based_dedup: bool) -> Result<TopicId, SnsError> {
        let stem = if fifo { name.strip_suffix(".fifo") } else { Some(name) };
        let valid = stem.is_some_and(|stem| {
            !stem.is_empty()
                && name.len() <= 256
                && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        if !valid {
            return Err(SnsError::invalid("Topic Name"));
        }
        if let Some(i) = self.topics.iter().position(|t| t.name == name) {
            return Ok(TopicId(i));
        }
        self.topics.push(Topic {
            name: name.to_owned(),
            fifo,
            content_based_dedup,
            dedup: BTreeMap::new(),
            dedup_expiry: VecDeque::new(),
        });
        Ok(TopicId(self.topics.len() - 1))
    }

    /// `Subscribe`, with an optional filter policy (JSON text) and its scope. A FIFO topic takes
    /// only SQS subscriptions (SNS-25); raw delivery is for SQS and HTTP/S (SNS-15).
    pub fn subscribe(
        &mut self,
        topic: TopicId,
        protocol: Protocol,
        raw: bool,
        filter: Option<(&str, FilterScope)>,
    ) -> Result<SubscriptionId, SnsError> {
        let t = self.topic(topic)?;
        if !t.fifo && protocol == (Protocol::Sqs { fifo: true }) {
            return Err(SnsError { code: "InvalidParameter", message: FIFO_QUEUE_ON_STANDARD_TOPIC.into() });
        }
        if t.fifo && !matches!(protocol, Protocol::Sqs { .. }) {
            return Err(SnsError::invalid("Invalid protocol type: a FIFO topic delivers only to SQS queues"));
        }
        if raw && protocol == Protocol::Lambda {
            return Err(SnsError::invalid(
                "Attributes Reason: RawMessageDelivery: only SQS and HTTP/S subscriptions deliver raw messages",
            ));
        }
        let filter = match filter {
            None => None,
            Some((text, scope)) => {
                let with_filters = self.subscriptions.iter().filter(|s| s.topic == topic && s.filter.is_some()).count();
                if with_filters >= MAX_FILTER_POLICIES_PER_TOPIC {
                    return Err(SnsError {
                        code: "FilterPolicyLimitExceeded",
                        message: format!(
                            "Filter policy limit exceeded: at most {MAX_FILTER_POLICIES_PER_TOPIC} per topic"
                        ),
                    });
                }
                let policy = FilterPolicy::parse(text, scope, PolicyApi::Subscribe)
                    .map_err(|e| SnsError { code: e.code, message: e.message })?;
                Some(policy)
            }
        };
        self.subscriptions.push(Subscription { topic, protocol, raw, filter });
        Ok(SubscriptionId(self.subscriptions.len() - 1))
    }

    /// A subscription's settings.
    pub fn subscription(&self, id: SubscriptionId) -> Option<&Subscription> {
        self.subscriptions.get(id.0)
    }

    /// `Publish` at `now`: checks the message, then decides for every subscription of the topic.
    pub fn publish(&mut self, now: SimTime, topic: TopicId, req: &PublishRequest) -> Result<Published, SnsError> {
        if self.admit(now, topic, req)? {
            return Ok(Published { deduplicated: true, fanout: Vec::new() });
        }
        let fanout = self.fanout(topic, req);
        Ok(Published { deduplicated: false, fanout })
    }

    /// [`Sns::publish`] for a simulation that publishes the same few messages many times: the
    /// message's filter views come `prepared` once, and `out` gets, per subscription of the topic
    /// in order, whether its filter lets the copy through — no explanation is worded. `Ok(true)`:
    /// a FIFO duplicate, accepted and not sent.
    pub fn publish_prepared(
        &mut self,
        now: SimTime,
        topic: TopicId,
        req: &PublishRequest,
        prepared: &Prepared,
        out: &mut Vec<bool>,
    ) -> Result<bool, SnsError> {
        out.clear();
        if self.admit(now, topic, req)? {
            return Ok(true);
        }
        out.extend(self.subscriptions.iter().filter(|s| s.topic == topic).map(|s| match &s.filter {
            None => true,
            Some(policy) if policy.scope() == FilterScope::MessageBody => policy.matches(&prepared.body),
            Some(policy) => policy.matches(&prepared.attributes),
        }));
        Ok(false)
    }

    /// Checks a publish and applies FIFO deduplication: `Ok(true)` for a duplicate.
    fn admit(&mut self, now: SimTime, topic: TopicId, req: &PublishRequest) -> Result<bool, SnsError> {
        let t = self.topic(topic)?;
        check_message(req)?;
        check_ids(t, req)?;
        if t.fifo {
            let key = match &req.dedup_id {
                Some(id) => id.clone(),
                None => Sha256::digest(req.body.as_bytes()).iter().map(|b| format!("{b:02x}")).collect(),
            };
            let topic = &mut self.topics[topic.0];
            while topic.dedup_expiry.front().is_some_and(|(until, _)| *until <= now) {
                if let Some((until, key)) = topic.dedup_expiry.pop_front() {
                    if topic.dedup.get(&key) == Some(&until) {
                        topic.dedup.remove(&key);
                    }
                }
            }
            if topic.dedup.contains_key(&key) {
                return Ok(true);
            }
            let until = now + DEDUP_WINDOW;
            topic.dedup.insert(key.clone(), until);
            topic.dedup_expiry.push_back((until, key));
        }
        Ok(false)
    }

    /// Which subscriptions of `topic` would get `req`, and why, without publishing it: what
    /// the playground's message composer shows before a publish.
    pub fn preview(&self, topic: TopicId, req: &PublishRequest) -> Result<Vec<Fanout>, SnsError> {
        let t = self.topic(topic)?;
        check_message(req)?;
        if t.fifo && req.group_id.is_none() {
            return Err(SnsError::invalid("The MessageGroupId parameter is required for FIFO topics"));
        }
        Ok(self.fanout(topic, req))
    }

    /// The filter decision of every subscription of `topic` for `req`.
    fn fanout(&self, topic: TopicId, req: &PublishRequest) -> Vec<Fanout> {
        let attributes =
            Message::from_attributes(req.attributes.iter().map(|(n, k, v)| (n.as_str(), k.as_str(), v.as_str())));
        let body = Message::from_body(&req.body);
        self.subscriptions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.topic == topic)
            .map(|(i, s)| {
                let (delivered, reason) = match &s.filter {
                    None => (true, "no filter policy".to_owned()),
                    Some(policy) => {
                        let message = if policy.scope() == FilterScope::MessageBody { &body } else { &attributes };
                        let d = policy.evaluate(message);
                        (d.matched, d.reason)
                    }
                };
                Fanout { subscription: SubscriptionId(i), delivered, reason }
            })
            .collect()
    }

    /// `PublishBatch`: at most 10 entries and 256 KB in all, attributes included; an entry a
    /// FIFO topic cannot take (no group or deduplication id) fails the whole call; otherwise each
    /// entry is published in order and has its own result. AWS's texts (LS test_sns.py
    /// test_publish_batch_exceptions, test_publish_batch_too_long_message, AWS-recorded).
    pub fn publish_batch(
        &mut self,
        now: SimTime,
        topic: TopicId,
        entries: &[PublishRequest],
    ) -> Result<Vec<Result<Published, SnsError>>, SnsError> {
        if entries.is_empty() {
            return Err(SnsError {
                code: "EmptyBatchRequest",
                message: "The batch request doesn't contain any entries".into(),
            });
        }
        if entries.len() > MAX_BATCH_ENTRIES {
            return Err(SnsError {
                code: "TooManyEntriesInBatchRequest",
                message: "The batch request contains more entries than permissible.".into(),
            });
        }
        if entries.iter().map(message_size).sum::<usize>() > MAX_MESSAGE_BYTES {
            return Err(SnsError {
                code: "BatchRequestTooLong",
                message: "The length of all the messages put together is more than the limit.".into(),
            });
        }
        let t = self.topic(topic)?;
        for e in entries {
            check_ids(t, e)?;
        }
        Ok(entries.iter().map(|e| self.publish(now, topic, e)).collect())
    }

    fn topic(&self, id: TopicId) -> Result<&Topic, SnsError> {
        self.topics.get(id.0).ok_or_else(|| SnsError { code: "NotFound", message: "Topic does not exist".into() })
    }
}

/// AWS's text for a FIFO queue subscribing to a standard topic (LS test_sns.py
/// test_validations_for_fifo, AWS-recorded; the doubled prefix is AWS's).
pub(crate) const FIFO_QUEUE_ON_STANDARD_TOPIC: &str =
    "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics";

/// A message's size as the 256 KB limit counts it: the body plus each attribute's name, type
/// and value (SNS-01; LS test_publish_too_long_message, AWS-recorded at the boundary).
fn message_size(req: &PublishRequest) -> usize {
    req.body.len() + req.attributes.iter().map(|(n, k, v)| n.len() + k.len() + v.len()).sum::<usize>()
}

/// The ids a topic needs or refuses: a FIFO topic needs a group and a deduplication id (or
/// content-based deduplication); a standard one refuses a deduplication id. AWS's texts (LS
/// test_sns.py test_validations_for_fifo, test_publish_batch_exceptions, AWS-recorded).
fn check_ids(t: &Topic, req: &PublishRequest) -> Result<(), SnsError> {
    if !t.fifo {
        return match req.dedup_id {
            Some(_) => Err(SnsError::invalid(
                "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
            )),
            None => Ok(()),
        };
    }
    if req.group_id.is_none() {
        return Err(SnsError::invalid("The MessageGroupId parameter is required for FIFO topics"));
    }
    if req.dedup_id.is_none() && !t.content_based_dedup {
        return Err(SnsError::invalid(
            "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
        ));
    }
    Ok(())
}

/// The checks every publish makes of a message: not empty, at most 256 KB with its attributes,
/// attributes as AWS validates them (SNS-01). AWS's texts (LS test_sns.py test_empty_sns_message,
/// test_publish_too_long_message, test_message_attributes_prefixes,
/// test_empty_or_wrong_message_attributes, all AWS-recorded).
pub(crate) fn check_message(req: &PublishRequest) -> Result<(), SnsError> {
    if req.body.is_empty() {
        return Err(SnsError::invalid("Empty message"));
    }
    if message_size(req) > MAX_MESSAGE_BYTES {
        return Err(SnsError::invalid("Message too long"));
    }
    for (name, kind, value) in &req.attributes {
        check_attribute(name, kind, value).map_err(|message| SnsError { code: "ParameterValueInvalid", message })?;
    }
    Ok(())
}

/// A message attribute as AWS validates it: the name (at most 256 bytes of letters, digits,
/// `-`, `_` and `.`, no `.` at either end or twice in a row), the type (`String`, `Number` or
/// `Binary`, or one of them with a custom suffix: `Number.float`), a non-empty value.
fn check_attribute(name: &str, kind: &str, value: &str) -> Result<(), String> {
    if name.len() > 256 {
        return Err("Length of message attribute name must be less than 256 bytes.".into());
    }
    if let Some(c) = name.chars().find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(format!(
            "Invalid non-alphanumeric character '#x{:X}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.",
            u32::from(c)
        ));
    }
    for (at, edge) in [("starting", name.starts_with('.')), ("ending", name.ends_with('.'))] {
        if edge {
            return Err(format!("Invalid message attribute name {at} with character '.' was found."));
        }
    }
    if name.contains("..") {
        return Err("Message attribute name can not have successive '.' character.".into());
    }
    // `String.prefixed` and `String.  prefixed.` are accepted, `String.` and `Stringprefixed` not.
    let typed = ["String", "Number", "Binary"].iter().any(|base| {
        kind.strip_prefix(base).is_some_and(|rest| rest.is_empty() || (rest.len() > 1 && rest.starts_with('.')))
    });
    if !typed {
        return Err(format!(
            "The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
        ));
    }
    if value.is_empty() {
        return Err(format!(
            "The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{kind}'."
        ));
    }
    Ok(())
}

/// Message attributes written as a JSON object, the way a reader types them: strings become
/// `String`, numbers `Number`, arrays `String.Array`; anything else is explained.
pub fn attributes_from_json(text: &str) -> Result<Vec<(String, String, String)>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("The attributes are not valid JSON: {}.", crate::text::json_problem(&e)))?;
    let serde_json::Value::Object(map) = value else {
        return Err("Write the attributes as a JSON object: {\"name\": \"value\"}.".into());
    };
    map.into_iter()
        .map(|(name, v)| match v {
            serde_json::Value::String(s) => Ok((name, "String".into(), s)),
            serde_json::Value::Number(n) => Ok((name, "Number".into(), n.to_string())),
            serde_json::Value::Array(_) => Ok((name, "String.Array".into(), v.to_string())),
            other => Err(format!("Attribute \"{name}\": {other} is not a string, a number or an array.")),
        })
        .collect()
}
