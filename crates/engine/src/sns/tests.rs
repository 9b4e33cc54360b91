//! SNS filter tests beyond the shared conformance cases: the explanations, and the limits.

use super::filter::*;

fn policy(json: &str, scope: FilterScope) -> FilterPolicy {
    FilterPolicy::parse(json, scope, PolicyApi::Subscribe).unwrap_or_else(|e| panic!("{json}: {}", e.message))
}

fn attrs(list: &[(&str, &str, &str)]) -> Message {
    Message::from_attributes(list.iter().copied())
}

#[test]
fn a_failed_match_names_the_key_the_condition_and_the_value() {
    let p = policy(r#"{"amount": [{"numeric": [">", 100]}], "type": ["order"]}"#, FilterScope::MessageAttributes);
    let d = p.evaluate(&attrs(&[("amount", "Number", "42"), ("type", "String", "order")]));
    assert!(!d.matched);
    assert_eq!(d.reason, r#""amount": 42 failed numeric > 100"#);
    let d = p.evaluate(&attrs(&[("amount", "Number", "420")]));
    assert_eq!(d.reason, r#""type" is absent; the policy wants "order""#);
    assert!(p.evaluate(&attrs(&[("amount", "Number", "420.5"), ("type", "String", "order")])).matched);
}

#[test]
fn body_policies_walk_nested_keys_and_arrays() {
    let p = policy(r#"{"order": {"items": {"sku": [{"prefix": "A-"}]}}}"#, FilterScope::MessageBody);
    assert!(p.matches(&Message::from_body(r#"{"order": {"items": [{"sku": "B-1"}, {"sku": "A-7"}]}}"#)));
    assert!(!p.matches(&Message::from_body(r#"{"order": {"items": [{"sku": "B-1"}]}}"#)));
    assert!(!p.matches(&Message::from_body("not json")), "a body that is not a JSON object never matches");
    let d = p.evaluate(&Message::from_body(r#"{"order": {"items": [{"sku": "B-1"}]}}"#));
    assert_eq!(d.reason, r#""order.items.sku": "B-1" failed prefix "A-""#);
}

#[test]
fn limits_and_errors_read_as_aws_writes_them() {
    let err = |json: &str, api| FilterPolicy::parse(json, FilterScope::MessageAttributes, api).expect_err(json).message;
    assert_eq!(
        err(r#"{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]}"#, PolicyApi::Subscribe),
        "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys"
    );
    assert_eq!(
        err(r#"{"a": [{"numeric": [">", 5, "<", 1]}]}"#, PolicyApi::SetSubscriptionAttributes),
        "Invalid parameter: FilterPolicy: Bottom must be less than top"
    );
    // 6 × 5 × 6 = 180 combinations > 150.
    let many = |n: usize| (0..n).map(|i| format!("\"v{i}\"")).collect::<Vec<_>>().join(",");
    let complex = format!(r#"{{"a":[{}],"b":[{}],"c":[{}]}}"#, many(6), many(5), many(6));
    assert!(err(&complex, PolicyApi::Subscribe).ends_with("Filter policy is too complex"));
    let nested = r#"{"a": {"b": ["x"]}}"#;
    assert_eq!(
        err(nested, PolicyApi::Subscribe),
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
    );
    assert!(FilterPolicy::parse(nested, FilterScope::MessageBody, PolicyApi::Subscribe).is_ok());
}

/// SNS-21: in a MessageBody policy a key's values count times its nesting depth. AWS's example
/// (4 values three levels down, 3 values two down: 3 × 4 × 2 × 3 = 72) is accepted; with a third
/// top-level key of 3 values (216) AWS refuses it, as it refuses a nested `$or` worth 160 (both
/// recorded against AWS, in the conformance file).
#[test]
fn nesting_depth_multiplies_into_a_body_policys_combinations() {
    let parse = |json: &str| FilterPolicy::parse(json, FilterScope::MessageBody, PolicyApi::SetSubscriptionAttributes);
    let example = r#"{"key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}}, "key_d": {"key_e": ["v1", "v2", "v3"]}"#;
    assert!(parse(&format!("{example}}}")).is_ok(), "72 combinations");
    let refused = parse(&format!(r#"{example}, "key_f": ["v1", "v2", "v3"]}}"#)).expect_err("216 combinations");
    assert_eq!(refused.message, "Invalid parameter: FilterPolicy: Filter policy is too complex");
    let or_nested = r#"{"$or": [{"metricName": ["a", "b", "c"]}, {"namespace": ["x", "y"]}],
        "detail": {"scope": ["s", "t"], "$or": [{"source": ["c"]}, {"type": ["a", "b", "c"]}]}}"#;
    assert!(parse(or_nested).is_err(), "5 × (2·2) × (1·2 + 3·2) = 160");
}

#[test]
fn cidr_and_string_arrays_and_binary_attributes() {
    let p = policy(r#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, FilterScope::MessageAttributes);
    assert!(p.matches(&attrs(&[("ip", "String", "10.0.0.200")])));
    assert!(!p.matches(&attrs(&[("ip", "String", "10.0.1.1")])));
    let p = policy(r#"{"tags": ["red"]}"#, FilterScope::MessageAttributes);
    assert!(p.matches(&attrs(&[("tags", "String.Array", r#"["blue", "red"]"#)])));
    // Binary attributes are ignored by filters: the key counts as absent.
    let p = policy(r#"{"blob": [{"exists": false}]}"#, FilterScope::MessageAttributes);
    assert!(p.matches(&attrs(&[("blob", "Binary", "AAEC")])));
}

use super::retry::*;
use crate::SimDuration;

fn secs(p: &RetryPolicy, n: u32) -> Option<f64> {
    p.delay_before(n).map(SimDuration::as_secs_f64)
}

#[test]
fn aws_managed_endpoints_retry_100015_times_over_about_23_days() {
    let p = RetryPolicy::AWS_MANAGED;
    assert_eq!([secs(&p, 1), secs(&p, 3), secs(&p, 4), secs(&p, 5)], [Some(0.0), Some(0.0), Some(1.0), Some(1.0)]);
    // The backoff phase climbs from 1 to 20 s, then 20 s until the end.
    assert_eq!(secs(&p, 6), Some(1.0));
    assert_eq!(secs(&p, 15), Some(20.0));
    assert!((6..15).all(|n| secs(&p, n) < secs(&p, n + 1)), "the backoff delays grow");
    assert_eq!(secs(&p, 100_015), Some(20.0));
    assert_eq!(p.delay_before(100_016), None);
    let days = p.total_retry_time().as_secs_f64() / 86_400.0;
    assert!((23.0..23.3).contains(&days), "{days} days");
}

#[test]
fn customer_managed_endpoints_retry_50_times_over_about_6_hours() {
    let p = RetryPolicy::CUSTOMER_MANAGED;
    assert_eq!(secs(&p, 1), Some(10.0));
    assert_eq!(secs(&p, 12), Some(600.0));
    assert_eq!(p.delay_before(51), None);
    let hours = p.total_retry_time().as_secs_f64() / 3_600.0;
    assert!((6.0..7.0).contains(&hours), "{hours} hours");
}

#[test]
fn http_retries_3_times_20_seconds_apart_and_custom_policies_keep_the_limits() {
    let p = RetryPolicy::HTTP_DEFAULT;
    assert_eq!([secs(&p, 1), secs(&p, 2), secs(&p, 3), secs(&p, 4)], [Some(20.0), Some(20.0), Some(20.0), None]);
    let custom = |retries, min, max| RetryPolicy {
        num_retries: retries,
        min_delay_s: min,
        max_delay_s: max,
        backoff: Backoff::Geometric,
        ..RetryPolicy::HTTP_DEFAULT
    };
    let ok = RetryPolicy::http_custom(custom(10, 1, 60)).expect("a valid policy");
    assert_eq!((secs(&ok, 1), secs(&ok, 10)), (Some(1.0), Some(60.0)));
    let err = |p| RetryPolicy::http_custom(p).expect_err("refused").message;
    assert!(err(custom(101, 1, 60)).contains("between 0 and 100"));
    assert!(err(custom(10, 0, 60)).contains("minDelayTarget must be between 1 and 3600"));
    assert!(err(custom(10, 90, 60)).contains("must not be greater than"));
    assert!(err(custom(100, 60, 3_600)).contains("at most 3600 s"));
}

use super::topic::*;
use crate::SimTime;

fn order(kind: &str) -> PublishRequest {
    PublishRequest {
        body: format!(r#"{{"type": "{kind}", "amount": 42}}"#),
        attributes: vec![("type".into(), "String".into(), kind.into())],
        ..PublishRequest::default()
    }
}

#[test]
fn a_publish_fans_out_to_every_subscription_and_filters_say_why() {
    let mut sns = Sns::new();
    let topic = sns.create_topic("orders", false, false).expect("topic");
    assert_eq!(sns.create_topic("orders", false, false), Ok(topic), "CreateTopic is idempotent");
    let all = sns.subscribe(topic, Protocol::Sqs { fifo: false }, false, None).expect("sub");
    let books = sns
        .subscribe(
            topic,
            Protocol::Sqs { fifo: false },
            true,
            Some((r#"{"type": ["book"]}"#, FilterScope::MessageAttributes)),
        )
        .expect("sub");
    let big = sns
        .subscribe(
            topic,
            Protocol::Lambda,
            false,
            Some((r#"{"amount": [{"numeric": [">", 100]}]}"#, FilterScope::MessageBody)),
        )
        .expect("sub");
    let out = sns.publish(SimTime::ZERO, topic, &order("book")).expect("publish");
    let got: Vec<(SubscriptionId, bool)> = out.fanout.iter().map(|f| (f.subscription, f.delivered)).collect();
    assert_eq!(got, [(all, true), (books, true), (big, false)]);
    assert_eq!(out.fanout[2].reason, r#""amount": 42 failed numeric > 100"#);
    let out = sns.publish(SimTime::ZERO, topic, &order("toy")).expect("publish");
    assert!(!out.fanout[1].delivered && out.fanout[1].reason.contains(r#""toy" failed "book""#), "{:?}", out.fanout[1]);
}

#[test]
fn fifo_topics_need_groups_deduplicate_for_5_minutes_and_deliver_only_to_sqs() {
    let mut sns = Sns::new();
    assert!(sns.create_topic("orders", true, false).is_err(), "FIFO names end in .fifo");
    let topic = sns.create_topic("orders.fifo", true, true).expect("topic");
    assert_eq!(sns.subscribe(topic, Protocol::Http, false, None).map_err(|e| e.code), Err("InvalidParameter"));
    sns.subscribe(topic, Protocol::Sqs { fifo: true }, false, None).expect("sqs");
    assert!(sns.publish(SimTime::ZERO, topic, &order("book")).is_err(), "no group id");
    let grouped = PublishRequest { group_id: Some("g1".into()), ..order("book") };
    assert!(!sns.publish(SimTime::ZERO, topic, &grouped).expect("first").deduplicated);
    assert!(sns.publish(SimTime::from_secs(299), topic, &grouped).expect("again").deduplicated);
    assert!(!sns.publish(SimTime::from_secs(300), topic, &grouped).expect("after 5 min").deduplicated);
}

#[test]
fn publish_limits_carry_aws_codes() {
    let mut sns = Sns::new();
    let topic = sns.create_topic("t", false, false).expect("topic");
    let huge = PublishRequest { body: "x".repeat(MAX_MESSAGE_BYTES + 1), ..PublishRequest::default() };
    assert_eq!(sns.publish(SimTime::ZERO, topic, &huge).map_err(|e| e.code), Err("InvalidParameter"));
    let eleven = vec![order("a"); 11];
    assert_eq!(
        sns.publish_batch(SimTime::ZERO, topic, &eleven).map_err(|e| e.code),
        Err("TooManyEntriesInBatchRequest")
    );
    let ten = vec![order("a"); 10];
    assert_eq!(sns.publish_batch(SimTime::ZERO, topic, &ten).expect("batch").len(), 10);
    let bad_filter =
        sns.subscribe(topic, Protocol::Http, false, Some((r#"{"a": []}"#, FilterScope::MessageAttributes)));
    assert_eq!(
        bad_filter.map_err(|e| e.message),
        Err("Invalid parameter: Attributes Reason: FilterPolicy: Empty arrays are not allowed".to_string())
    );
}

/// `equals-ignore-case` folds case by Unicode's mappings, not only ASCII's.
#[test]
fn equals_ignore_case_folds_unicode_letters() {
    let p = policy(r#"{"city": [{"equals-ignore-case": "ÄRGERSTRASSE"}]}"#, FilterScope::MessageAttributes);
    assert!(p.matches(&attrs(&[("city", "String", "Ärgerstrasse")])));
    assert!(p.matches(&attrs(&[("city", "String", "ärgerSTRASSE")])));
    assert!(!p.matches(&attrs(&[("city", "String", "Argerstrasse")])));
    let greek = policy(r#"{"word": [{"equals-ignore-case": "ΑΘΗΝΑ"}]}"#, FilterScope::MessageAttributes);
    assert!(greek.matches(&attrs(&[("word", "String", "αθηνα")])));
}

/// AWS's recorded answers (LS test_sns.py snapshots; every case is in sns_api_cases.json too).
#[test]
fn publish_and_topic_errors_carry_the_texts_aws_was_recorded_giving() {
    let mut sns = Sns::new();
    let e = sns.create_topic("orders", true, false).expect_err("FIFO names end in .fifo");
    assert_eq!(e.message, "Invalid parameter: Topic Name");
    let topic = sns.create_topic("t", false, false).expect("topic");
    let with = |kind: &str, name: &str, value: &str| PublishRequest {
        body: "m".into(),
        attributes: vec![(name.into(), kind.into(), value.into())],
        ..PublishRequest::default()
    };
    // Custom type suffixes are AWS's: `Number.float` is a Number.
    sns.publish(SimTime::ZERO, topic, &with("Number.float", "price", "1.5")).expect("a custom type");
    let e = sns.publish(SimTime::ZERO, topic, &with("String.", "attr1", "x")).expect_err("no suffix after the dot");
    assert_eq!(e.code, "ParameterValueInvalid");
    assert!(e.message.starts_with("The message attribute 'attr1' has an invalid message attribute type"), "{e}");
    let e = sns.publish(SimTime::ZERO, topic, &with("String", "a b", "x")).expect_err("a space");
    assert!(e.message.starts_with("Invalid non-alphanumeric character '#x20' was found"), "{e}");
    // The batch limit counts attributes: 262,132 + "attr1" "Number" "1" + "b" is one byte over.
    let big = PublishRequest {
        body: "a".repeat(MAX_MESSAGE_BYTES - 12),
        attributes: vec![("attr1".into(), "Number".into(), "1".into())],
        ..PublishRequest::default()
    };
    let b = PublishRequest { body: "b".into(), ..PublishRequest::default() };
    let e = sns.publish_batch(SimTime::ZERO, topic, &[big, b]).expect_err("over 256 KB with the attributes");
    assert_eq!(e.message, "The length of all the messages put together is more than the limit.");
    let deduped = PublishRequest { dedup_id: Some("x".into()), ..order("a") };
    let e = sns.publish(SimTime::ZERO, topic, &deduped).expect_err("a dedup id on a standard topic");
    assert!(e.message.starts_with("Invalid parameter: MessageDeduplicationId Reason:"), "{e}");
    let e = sns.subscribe(topic, Protocol::Sqs { fifo: true }, false, None).expect_err("a FIFO queue");
    assert_eq!(
        e.message,
        "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"
    );
}
