//! The SNS settings a reader changes (topic type, publish rate, filter policy propagation, and
//! per subscription: endpoint health, recovery, DLQ, raw delivery, filter scope and policy,
//! queue consumers), each as a link key, and the filter policy changes made during a run
//! ([`change_filter_at`], carried as `s<i>.edits`). The controls and links go through the same
//! [`set`], so a link can carry exactly what the controls can do, checked the same way.

use engine::sns::filter::{FilterPolicy, FilterScope, PolicyApi};
use engine::sns::scenario::{MAX_FILTER_EDITS, MAX_FILTER_PROPAGATION_S, MAX_QUEUE_CONSUMERS};
use engine::sns::{EndpointKind, FilterEdit, Health, SnsScenario, SubscriptionSettings};
use engine::Workload;

use crate::share::LinkParams;

/// A per-subscription setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// How the endpoint answers.
    Health,
    /// Seconds until it is healthy again (0 = never).
    Recover,
    /// A dead-letter queue.
    Dlq,
    /// Raw message delivery.
    Raw,
    /// Where the filter looks.
    Scope,
    /// The filter policy (JSON, empty for none).
    Filter,
    /// Queue consumers.
    Consumers,
    /// The filter policy changes made during the run (links and files only: JSON).
    Edits,
}

/// Every field, in the order links apply them (the scope before the policy that depends on it;
/// the changes last, as setting the scope or policy clears them).
pub const FIELDS: [Field; 8] = [
    Field::Health,
    Field::Recover,
    Field::Dlq,
    Field::Raw,
    Field::Scope,
    Field::Filter,
    Field::Consumers,
    Field::Edits,
];

/// Link keys: `s<i>.<field>` for subscription `i` (1-based), as static strings.
const SUB_KEYS: [[&str; 8]; 5] = [
    ["s1.health", "s1.recover", "s1.dlq", "s1.raw", "s1.scope", "s1.filter", "s1.consumers", "s1.edits"],
    ["s2.health", "s2.recover", "s2.dlq", "s2.raw", "s2.scope", "s2.filter", "s2.consumers", "s2.edits"],
    ["s3.health", "s3.recover", "s3.dlq", "s3.raw", "s3.scope", "s3.filter", "s3.consumers", "s3.edits"],
    ["s4.health", "s4.recover", "s4.dlq", "s4.raw", "s4.scope", "s4.filter", "s4.consumers", "s4.edits"],
    ["s5.health", "s5.recover", "s5.dlq", "s5.raw", "s5.scope", "s5.filter", "s5.consumers", "s5.edits"],
];
/// The topic type key.
pub const TOPIC_KEY: &str = "topic";
/// The publish rate key.
pub const RATE_KEY: &str = "rate";
/// The filter policy propagation key (seconds).
pub const PROPAGATION_KEY: &str = "propagation";
/// The highest publish rate the playground offers (a playground bound).
pub const MAX_RATE: f64 = 200.0;

/// The health choices: link value and label.
pub const HEALTH_OPTIONS: [(&str, &str); 4] = [
    ("healthy", "Healthy"),
    ("slow", "Slow (10× latency)"),
    ("5xx", "Server errors (5xx): retried"),
    ("4xx", "Client errors (4xx): not retried"),
];

/// The topic types: link value and label.
pub const TOPIC_OPTIONS: [(&str, &str); 2] = [("standard", "Standard"), ("fifo", "FIFO")];

/// The filter policy scopes: link value and AWS's name.
pub const SCOPE_OPTIONS: [(&str, &str); 2] = [("attributes", "MessageAttributes"), ("body", "MessageBody")];

impl Field {
    /// The link key of this field for subscription `sub` (0-based).
    pub fn key(self, sub: usize) -> Option<&'static str> {
        let i = FIELDS.iter().position(|f| *f == self)?;
        SUB_KEYS.get(sub).map(|keys| keys[i])
    }

    /// Whether the field applies to this subscription's endpoint.
    pub fn applies(self, s: &SubscriptionSettings) -> bool {
        match self {
            Field::Raw => s.endpoint != EndpointKind::Lambda,
            Field::Consumers => s.endpoint == EndpointKind::Sqs,
            _ => true,
        }
    }

    /// The value as a link (and a control) shows it.
    pub fn get(self, s: &SubscriptionSettings) -> String {
        let flag = |on: bool| if on { "1" } else { "0" }.to_owned();
        match self {
            Field::Health => health_value(s.health).to_owned(),
            Field::Recover => s.recovers_after_s.to_string(),
            Field::Dlq => flag(s.dlq),
            Field::Raw => flag(s.raw),
            Field::Scope => scope_value(s.filter_scope).to_owned(),
            Field::Filter => s.filter_policy.clone().unwrap_or_default(),
            Field::Consumers => s.consumers.to_string(),
            Field::Edits if s.filter_edits.is_empty() => String::new(),
            Field::Edits => FilterEdit::list_text(&s.filter_edits),
        }
    }

    /// Sets the field from text; `Err` says what is wrong and what is allowed (for a filter
    /// policy: AWS's error text).
    fn set(self, s: &mut SubscriptionSettings, value: &str) -> Result<(), String> {
        let flag = |v: &str| match v {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err("use 1 (on) or 0 (off).".to_owned()),
        };
        match self {
            Field::Health => {
                s.health = match value {
                    "healthy" => Health::Healthy,
                    "slow" => Health::Slow,
                    "5xx" => Health::ServerErrors,
                    "4xx" => Health::ClientErrors,
                    _ => return Err("use one of healthy, slow, 5xx, 4xx.".to_owned()),
                }
            }
            Field::Recover => s.recovers_after_s = whole(value, 0, 86_400)?,
            Field::Dlq => s.dlq = flag(value)?,
            Field::Raw => s.raw = flag(value)?,
            Field::Scope => {
                s.filter_scope = match value {
                    "attributes" => FilterScope::MessageAttributes,
                    "body" => FilterScope::MessageBody,
                    _ => return Err("use attributes or body.".to_owned()),
                };
                // A policy written for the other scope may not be valid in this one.
                if let Some(text) = &s.filter_policy {
                    FilterPolicy::parse(text, s.filter_scope, PolicyApi::Subscribe).map_err(|e| e.message)?;
                }
            }
            Field::Filter => {
                let text = value.trim();
                if text.is_empty() {
                    s.filter_policy = None;
                } else {
                    FilterPolicy::parse(text, s.filter_scope, PolicyApi::Subscribe).map_err(|e| e.message)?;
                    s.filter_policy = Some(text.to_owned());
                }
            }
            Field::Consumers => s.consumers = whole(value, 0, u64::from(MAX_QUEUE_CONSUMERS))? as u32,
            Field::Edits if value.trim().is_empty() => s.filter_edits.clear(),
            Field::Edits => {
                s.filter_edits =
                    FilterEdit::parse_list(value).ok_or("write each change as seconds:a|b:length:policy.")?
            }
        }
        Ok(())
    }
}

fn whole(value: &str, min: u64, max: u64) -> Result<u64, String> {
    match value.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("use a whole number from {min} to {max}.")),
    }
}

fn health_value(h: Health) -> &'static str {
    match h {
        Health::Healthy => "healthy",
        Health::Slow => "slow",
        Health::ServerErrors => "5xx",
        Health::ClientErrors => "4xx",
    }
}

fn scope_value(s: FilterScope) -> &'static str {
    match s {
        FilterScope::MessageAttributes => "attributes",
        FilterScope::MessageBody => "body",
    }
}

/// The publish rate of the first publisher, if it has a rate.
pub fn rate(s: &SnsScenario) -> Option<f64> {
    match s.publishers.first()?.workload {
        Workload::Constant { rate_per_s } | Workload::Poisson { rate_per_s } => Some(rate_per_s),
        _ => None,
    }
}

/// Applies one setting to a copy of `s`, then checks the whole scenario (a FIFO topic cannot
/// keep an HTTP subscription, say); `Err` explains, and `s` is untouched.
pub fn set(s: &SnsScenario, key: &str, value: &str) -> Result<SnsScenario, String> {
    let mut next = s.clone();
    match key {
        TOPIC_KEY => {
            next.topic.fifo = match value {
                "standard" => false,
                "fifo" => true,
                _ => return Err("use standard or fifo.".to_owned()),
            };
            // FIFO queues follow the topic: a standard topic cannot deliver to one.
            for sub in &mut next.subscriptions {
                sub.fifo_queue = next.topic.fifo && sub.endpoint == EndpointKind::Sqs;
            }
        }
        PROPAGATION_KEY => next.topic.filter_propagation_s = whole(value, 0, MAX_FILTER_PROPAGATION_S)?,
        RATE_KEY => {
            let rate: f64 = value.trim().parse().map_err(|_| format!("use a number from 0 to {MAX_RATE}."))?;
            if !(0.0..=MAX_RATE).contains(&rate) {
                return Err(format!("use a number from 0 to {MAX_RATE} messages per second."));
            }
            for p in &mut next.publishers {
                p.workload = Workload::Poisson { rate_per_s: rate };
            }
        }
        _ => {
            let (sub, field) = parse_key(key).ok_or_else(|| "not a setting of this playground.".to_owned())?;
            let Some(settings) = next.subscriptions.get_mut(sub) else {
                return Err(format!("this scenario has {} subscriptions.", s.subscriptions.len()));
            };
            if !field.applies(settings) {
                return Err(format!("not a setting of a {} subscription.", settings.endpoint.label()));
            }
            field.set(settings, value)?;
            // A new policy (or scope) from the start: the changes made during the run go with it.
            if matches!(field, Field::Filter | Field::Scope) {
                settings.filter_edits.clear();
            }
        }
    }
    next.validate().map_err(|e| crate::scenes::knob::in_words(&e))?;
    Ok(next)
}

/// Changes a subscription's filter policy or scope (`key`) at `at_s` simulated seconds into
/// the run, the way `SetSubscriptionAttributes` does: the policy in force then is recorded as
/// the change's `before`, and changes planned for later are dropped (the reader rewrote what
/// comes next). A change within 5 s of the last one (typing) is folded into it.
pub fn change_filter_at(s: &SnsScenario, key: &str, value: &str, at_s: f64) -> Result<SnsScenario, String> {
    let Some((sub, field)) = parse_key(key).filter(|_| is_filter_key(key)) else { return set(s, key, value) };
    let mut next = s.clone();
    let Some(settings) = next.subscriptions.get_mut(sub) else { return set(s, key, value) };
    let at = engine::SimTime::ZERO + engine::SimDuration::from_secs_f64(at_s);
    let made = settings.edits_made(at);
    let (policy, scope) = settings.filter_version(made);
    let in_force = (policy.map(str::to_owned), scope);
    settings.filter_edits.truncate(made);
    (settings.filter_policy, settings.filter_scope) = in_force.clone();
    field.set(settings, value)?;
    let changed = (settings.filter_policy.clone(), settings.filter_scope) != in_force;
    match settings.filter_edits.last() {
        // Back to what it was before the change being folded into: no change at all.
        Some(last)
            if at_s - last.at_s < 5.0
                && (last.before.as_deref(), last.before_scope)
                    == (settings.filter_policy.as_deref(), settings.filter_scope) =>
        {
            settings.filter_edits.pop();
        }
        // Typing on: the same change.
        Some(last) if at_s - last.at_s < 5.0 => {}
        _ if changed && settings.filter_edits.len() >= MAX_FILTER_EDITS => {
            return Err(format!(
                "this subscription's policy has changed {MAX_FILTER_EDITS} times in this run, the most a link carries: press Reset, then change it at 0 s to start afresh."
            ));
        }
        _ if changed => {
            let (before, before_scope) = in_force;
            settings.filter_edits.push(FilterEdit { at_s, before, before_scope });
        }
        _ => {}
    }
    next.validate().map_err(|e| crate::scenes::knob::in_words(&e))?;
    Ok(next)
}

/// Whether `key` is a subscription's filter policy or scope: a change the run takes at the
/// current simulated time ([`change_filter_at`]) instead of starting again.
pub fn is_filter_key(key: &str) -> bool {
    parse_key(key).is_some_and(|(_, f)| matches!(f, Field::Filter | Field::Scope))
}

fn parse_key(key: &str) -> Option<(usize, Field)> {
    SUB_KEYS.iter().enumerate().find_map(|(sub, keys)| keys.iter().position(|k| *k == key).map(|i| (sub, FIELDS[i])))
}

impl LinkParams for SnsScenario {
    fn link_params(&self, base: &Self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.topic.fifo != base.topic.fifo {
            out.push((TOPIC_KEY, if self.topic.fifo { "fifo" } else { "standard" }.to_owned()));
        }
        if let Some(r) = rate(self).filter(|r| Some(*r) != rate(base)) {
            out.push((RATE_KEY, format!("{r}")));
        }
        if self.topic.filter_propagation_s != base.topic.filter_propagation_s {
            out.push((PROPAGATION_KEY, self.topic.filter_propagation_s.to_string()));
        }
        for (i, s) in self.subscriptions.iter().enumerate() {
            let b = base.subscriptions.get(i);
            for field in FIELDS {
                let value = field.get(s);
                if field.applies(s) && b.is_none_or(|b| field.get(b) != value) {
                    if let Some(key) = field.key(i) {
                        out.push((key, value));
                    }
                }
            }
        }
        out
    }

    fn param_rank(key: &str) -> Option<usize> {
        match key {
            TOPIC_KEY => Some(0),
            RATE_KEY => Some(1),
            PROPAGATION_KEY => Some(2),
            _ => parse_key(key)
                .map(|(sub, field)| 3 + sub * FIELDS.len() + FIELDS.iter().position(|f| *f == field).unwrap_or(0)),
        }
    }

    fn apply_param(&self, key: &str, value: &str) -> Result<Self, String> {
        set(self, key, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders() -> SnsScenario {
        crate::scenes::preset::scenario_of(&crate::scenes::sns::presets::PRESETS, "orders-by-type")
    }

    #[test]
    fn a_bad_policy_is_refused_with_aws_text_and_changes_nothing() {
        let s = orders();
        let err = set(&s, "s1.filter", r#"{"order_type": "books"}"#).expect_err("not an array");
        assert!(err.starts_with("Invalid parameter: Attributes Reason: FilterPolicy:"), "{err}");
        let err = set(&s, "s1.filter", "{not json").expect_err("not JSON");
        assert!(err.contains("FilterPolicy"), "{err}");
        let next = set(&s, "s1.filter", r#"{"order_type": ["grocery"]}"#).expect("valid");
        assert_eq!(next.subscriptions[0].filter_policy.as_deref(), Some(r#"{"order_type": ["grocery"]}"#));
        assert_eq!(set(&s, "s1.filter", "  ").expect("no policy").subscriptions[0].filter_policy, None);
    }

    #[test]
    fn settings_round_trip_through_link_params() {
        let base = orders();
        let mut changed = set(&base, "s4.health", "5xx").expect("health");
        changed = set(&changed, "s4.dlq", "1").expect("dlq");
        changed = set(&changed, "s1.filter", r#"{"amount": [{"numeric": [">=", 10]}]}"#).expect("filter");
        changed = set(&changed, RATE_KEY, "12").expect("rate");
        let params = changed.link_params(&base);
        assert_eq!(params.len(), 4, "{params:?}");
        let mut rebuilt = base.clone();
        let mut ordered = params.clone();
        ordered.sort_by_key(|(k, _)| SnsScenario::param_rank(k));
        for (k, v) in ordered {
            rebuilt = rebuilt.apply_param(k, &v).expect("applies");
        }
        assert_eq!(rebuilt, changed);
    }

    #[test]
    fn a_filter_change_mid_run_is_recorded_and_round_trips_through_links_and_files() {
        let base = orders();
        let books = base.subscriptions[0].filter_policy.clone();
        let (grocery, both) = (r#"{"order_type": ["grocery"]}"#, r#"{"order_type": ["grocery", "books"]}"#);
        let mut s = change_filter_at(&base, "s1.filter", grocery, 12.5).expect("valid");
        let change = |at_s: f64, before: Option<&str>| FilterEdit {
            at_s,
            before: before.map(str::to_owned),
            before_scope: FilterScope::MessageAttributes,
        };
        assert_eq!(s.subscriptions[0].filter_policy.as_deref(), Some(grocery));
        assert_eq!(s.subscriptions[0].filter_edits, [change(12.5, books.as_deref())]);
        // Typing on within a few seconds is the same change.
        s = change_filter_at(&s, "s1.filter", both, 14.0).expect("valid");
        assert_eq!(s.subscriptions[0].filter_edits, [change(12.5, books.as_deref())]);
        // Later, a second change: from the policy then in force.
        s = change_filter_at(&s, "s1.filter", "", 40.0).expect("no policy");
        assert_eq!(s.subscriptions[0].filter_edits, [change(12.5, books.as_deref()), change(40.0, Some(both))]);
        assert_eq!(s.subscriptions[0].filter_policy, None);
        s = set(&s, PROPAGATION_KEY, "120").expect("propagation");
        // A link and a file replay exactly these changes.
        let params = s.link_params(&base);
        assert!(
            params.iter().any(|(k, _)| *k == "s1.edits")
                && params.iter().any(|(k, v)| *k == PROPAGATION_KEY && v == "120")
        );
        let mut rebuilt = base.clone();
        let mut ordered = params.clone();
        ordered.sort_by_key(|(k, _)| SnsScenario::param_rank(k));
        for (k, v) in ordered {
            rebuilt = rebuilt.apply_param(k, &v).expect("applies");
        }
        assert_eq!(rebuilt, s);
        assert_eq!(SnsScenario::from_file_json(&s.to_file_json()), Ok(s.clone()));
        // A change made before later ones (after a reset) replaces what came after it.
        let rewritten = change_filter_at(&s, "s1.filter", grocery, 30.0).expect("valid");
        assert_eq!(rewritten.subscriptions[0].filter_edits, [change(12.5, books.as_deref()), change(30.0, Some(both))]);
        // Setting a policy from the start (at 0 s) drops the changes.
        assert!(set(&s, "s1.filter", grocery).expect("valid").subscriptions[0].filter_edits.is_empty());
        let err = set(&base, PROPAGATION_KEY, "901").expect_err("over 15 minutes");
        assert!(err.contains("0 to 900"), "{err}");
        assert!(set(&base, "s1.edits", "12:a:99:{}").expect_err("broken").contains("seconds:a|b:length:policy"));
        let text = FilterEdit::list_text(&s.subscriptions[0].filter_edits);
        let b = books.as_deref().unwrap_or("");
        assert_eq!(text, format!("12.5:a:{}:{b}40:a:{}:{both}", b.len(), both.len()));
    }

    #[test]
    fn whole_scenario_rules_still_hold() {
        let s = orders();
        let err = set(&s, TOPIC_KEY, "fifo").expect_err("FIFO topic with Lambda and HTTP");
        assert!(err.contains("delivers only to SQS"), "{err}");
        assert!(set(&s, "s3.raw", "1").expect_err("raw Lambda").contains("not a setting of a Lambda"));
        assert!(set(&s, "s3.consumers", "2").is_err());
        assert!(set(&s, "s9.health", "5xx").is_err());
        assert!(set(&s, "s1.consumers", "21").expect_err("too many").contains("0 to 20"));
        let fifo = crate::scenes::preset::scenario_of(&crate::scenes::sns::presets::PRESETS, "fifo-order");
        let standard = set(&fifo, TOPIC_KEY, "standard").expect("queues follow the topic");
        assert!(standard.subscriptions.iter().all(|s| !s.fifo_queue));
    }
}
