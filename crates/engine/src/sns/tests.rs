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
