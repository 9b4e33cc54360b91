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
    /// existing topic returns it (SNS-04).
    pub fn create_topic(&mut self, name: &str, fifo: bool, content_based_dedup: bool) -> Result<TopicId, SnsError> {
        let stem = if fifo {
            name.strip_suffix(".fifo").ok_or_else(|| SnsError::invalid("Fifo Topic names must end with .fifo"))?
        } else {
            name
        };
        let valid = !stem.is_empty()
            && name.len() <= 256
            && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(SnsError::invalid(
                "Topic Name: names are 1 to 256 characters of letters, digits, hyphens and underscores (FIFO: ending in .fifo)",
            ));
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
        let t = self.topic(topic)?;
        check_message(req)?;
        if t.fifo {
            if req.group_id.is_none() {
                return Err(SnsError::invalid("The MessageGroupId parameter is required for FIFO topics"));
            }
            let key = match (&req.dedup_id, t.content_based_dedup) {
                (Some(id), _) => id.clone(),
                (None, true) => Sha256::digest(req.body.as_bytes()).iter().map(|b| format!("{b:02x}")).collect(),
                (None, false) => {
                    return Err(SnsError::invalid(
                        "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                    ))
                }
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
                return Ok(Published { deduplicated: true, fanout: Vec::new() });
            }
            let until = now + DEDUP_WINDOW;
            topic.dedup.insert(key.clone(), until);
            topic.dedup_expiry.push_back((until, key));
        }
        let fanout = self.fanout(topic, req);
        Ok(Published { deduplicated: false, fanout })
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

    /// `PublishBatch`: at most 10 entries and 256 KB in all; each entry is published in order
    /// and has its own result.
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
                message: format!("The batch request contains more entries than permissible ({MAX_BATCH_ENTRIES})"),
            });
        }
        let total: usize = entries.iter().map(|e| e.body.len()).sum();
        if total > MAX_MESSAGE_BYTES {
            return Err(SnsError {
                code: "BatchRequestTooLong",
                message: format!(
                    "The length of all the messages put together is more than the limit ({MAX_MESSAGE_BYTES} bytes)"
                ),
            });
        }
        Ok(entries.iter().map(|e| self.publish(now, topic, e)).collect())
    }

    fn topic(&self, id: TopicId) -> Result<&Topic, SnsError> {
        self.topics.get(id.0).ok_or_else(|| SnsError { code: "NotFound", message: "Topic does not exist".into() })
    }
}

/// The checks every publish makes of a message: not empty, at most 256 KB with its attributes,
/// attribute types SNS knows (SNS-01).
pub(crate) fn check_message(req: &PublishRequest) -> Result<(), SnsError> {
    if req.body.is_empty() {
        return Err(SnsError::invalid("Empty message"));
    }
    let size = req.body.len() + req.attributes.iter().map(|(n, k, v)| n.len() + k.len() + v.len()).sum::<usize>();
    if size > MAX_MESSAGE_BYTES {
        return Err(SnsError::invalid(format!(
            "Message too long: {size} bytes with its attributes; at most {MAX_MESSAGE_BYTES}"
        )));
    }
    for (name, kind, _) in &req.attributes {
        if !matches!(kind.as_str(), "String" | "Number" | "String.Array" | "Binary") {
            return Err(SnsError::invalid(format!(
                "The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
            )));
        }
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
