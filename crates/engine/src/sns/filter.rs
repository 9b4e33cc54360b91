//! SNS subscription filter policies: validation with AWS's error texts, and matching that says
//! which key and condition decided (SNS-16 … SNS-24).
//!
//! A policy is compiled once into [`FilterPolicy`]: a conjunction of terms, each a leaf (a key
//! path and the conditions any of which must hold) or an `$or` of sub-policies. Matching walks
//! it against a [`Message`].
//!
//! On the shared conformance cases flagged as uncertain, the choices are: a `String.Array`
//! attribute holding a lone JSON scalar counts as that one value (as moto does); empty nested
//! objects, an `anything-but` list mixing strings and numbers, an empty `anything-but` prefix
//! and extra keys in an `anything-but` object are refused (as event-ruler's compiler does; the
//! texts are ours); combinations multiply each leaf's values by its nesting depth and add `$or`
//! alternatives, as AWS's refusals recorded in the conformance file show; JSON syntax errors carry
//! serde's wording;
//! `Subscribe` errors always carry AWS's recorded `Attributes Reason:` prefix; a number beyond
//! ±10⁹ is refused as `InvalidParameter`, not moto's `InternalError`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::net::IpAddr;

use serde_json::Value;

/// Where a policy looks (`FilterPolicyScope`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum FilterScope {
    /// Message attributes (the default); no nesting.
    #[default]
    MessageAttributes,
    /// The JSON body, nested keys allowed.
    MessageBody,
}

/// Which API set the policy: the error text's prefix differs (AWS's own inconsistency).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyApi {
    /// `Subscribe` (`Attributes Reason: FilterPolicy: …`).
    Subscribe,
    /// `SetSubscriptionAttributes` (`FilterPolicy: …`).
    SetSubscriptionAttributes,
}

/// At most this many keys (top-level; nested ones count their parent).
pub const MAX_KEYS: usize = 5;
/// At most this many combinations (the product of array lengths, `$or` alternatives added).
pub const MAX_COMBINATIONS: u64 = 150;
/// Numbers are compared with five decimals, within ±10⁹ (SNS-20).
const NUMBER_SCALE: f64 = 100_000.0;
const NUMBER_LIMIT: f64 = 1e9;

/// An invalid policy: AWS's error code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// `InvalidParameter`.
    pub code: &'static str,
    /// The message, as AWS words it.
    pub message: String,
}

/// What went wrong, before the API's prefix is added.
enum Problem {
    /// `…FilterPolicy: {0}`.
    Policy(String),
    /// A whole message of its own (no `FilterPolicy:` prefix).
    Bare(String),
}

impl Problem {
    fn into_error(self, api: PolicyApi) -> PolicyError {
        let message = match (self, api) {
            (Problem::Bare(m), _) => format!("Invalid parameter: {m}"),
            (Problem::Policy(m), PolicyApi::Subscribe) => {
                format!("Invalid parameter: Attributes Reason: FilterPolicy: {m}")
            }
            (Problem::Policy(m), PolicyApi::SetSubscriptionAttributes) => {
                format!("Invalid parameter: FilterPolicy: {m}")
            }
        };
        PolicyError { code: "InvalidParameter", message }
    }
}

fn bad<T>(message: impl Into<String>) -> Result<T, Problem> {
    Err(Problem::Policy(message.into()))
}

/// A compiled, valid filter policy.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterPolicy {
    scope: FilterScope,
    root: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq)]
enum Term {
    /// The values at `path` must meet one of `conditions`.
    Leaf { path: Vec<String>, conditions: Vec<Condition> },
    /// One of the alternatives must match (each a conjunction).
    Or(Vec<Vec<Term>>),
}

/// One condition of a key's array.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// An exact string.
    Exact(String),
    /// An exact number (scaled to five decimals).
    ExactNumber(i64),
    /// `true`, `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `{"prefix": …}`.
    Prefix(String),
    /// `{"suffix": …}`.
    Suffix(String),
    /// `{"equals-ignore-case": …}`.
    EqualsIgnoreCase(String),
    /// `{"anything-but": [strings or numbers]}`.
    AnythingBut(Vec<Scalar>),
    /// `{"anything-but": {"prefix": …}}`.
    AnythingButPrefix(String),
    /// `{"numeric": […]}`: bounds with their inclusiveness.
    Numeric { low: Option<(i64, bool)>, high: Option<(i64, bool)> },
    /// `{"exists": …}`.
    Exists(bool),
    /// `{"cidr": "10.0.0.0/24"}`.
    Cidr { network: IpAddr, bits: u8 },
}

/// A value from a message, or in an `anything-but` list.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// A string.
    Str(String),
    /// A number scaled to five decimals (`None`: outside ±10⁹, never equal to a policy number).
    Num(Option<i64>),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A message as filters see it.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Message attributes by name (Binary attributes are left out: filters ignore them).
    Attributes(BTreeMap<String, Vec<Scalar>>),
    /// A body that is a JSON object.
    Body(Value),
    /// A body that is not a JSON object: no body policy matches it (SNS-16).
    UnparsableBody,
}

impl Message {
    /// Message attributes from `(name, type, value)`: `String`, `Number`, `String.Array` (a JSON
    /// array whose elements count one by one); `Binary` and unknown types are ignored.
    pub fn from_attributes<'a>(attrs: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>) -> Message {
        let mut map = BTreeMap::new();
        for (name, kind, value) in attrs {
            let values = match kind {
                "String" => vec![Scalar::Str(value.to_owned())],
                "Number" => vec![value.trim().parse::<f64>().map_or_else(|_| Scalar::Str(value.to_owned()), number)],
                // A JSON array counts element by element; a lone JSON scalar as itself.
                "String.Array" => match serde_json::from_str::<Value>(value) {
                    Ok(Value::Array(items)) => items.iter().filter_map(scalar_of).collect(),
                    Ok(scalar) => scalar_of(&scalar).into_iter().collect(),
                    Err(_) => continue,
                },
                _ => continue,
            };
            map.insert(name.to_owned(), values);
        }
        Message::Attributes(map)
    }

    /// A message body: a JSON object is filtered on, anything else matches no body policy.
    pub fn from_body(body: &str) -> Message {
        match serde_json::from_str::<Value>(body) {
            Ok(v @ Value::Object(_)) => Message::Body(v),
            _ => Message::UnparsableBody,
        }
    }
}

fn number(x: f64) -> Scalar {
    Scalar::Num(scaled(x))
}

fn scaled(x: f64) -> Option<i64> {
    (x.is_finite() && x.abs() <= NUMBER_LIMIT).then(|| (x * NUMBER_SCALE).round() as i64)
}

fn scalar_of(v: &Value) -> Option<Scalar> {
    match v {
        Value::String(s) => Some(Scalar::Str(s.clone())),
        Value::Number(n) => n.as_f64().map(number),
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Null => Some(Scalar::Null),
        _ => None,
    }
}

/// Why a message matched or not: the deciding key, condition and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Whether the subscription gets the message.
    pub matched: bool,
    /// One line for people: `"amount": 42 failed numeric > 100`.
    pub reason: String,
}

impl FilterPolicy {
    /// Parses and validates a policy given as JSON text.
    pub fn parse(text: &str, scope: FilterScope, api: PolicyApi) -> Result<FilterPolicy, PolicyError> {
        // AWS takes an empty `FilterPolicy` as no policy: every message matches.
        if text.is_empty() {
            return Ok(FilterPolicy { scope, root: Vec::new() });
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Problem::Policy(format!("failed to parse JSON. {e}")).into_error(api))?;
        FilterPolicy::from_value(&value, scope, api)
    }

    /// Validates a policy given as a JSON value.
    pub fn from_value(value: &Value, scope: FilterScope, api: PolicyApi) -> Result<FilterPolicy, PolicyError> {
        compile(value, scope).map_err(|p| p.into_error(api))
    }

    /// Where the policy looks.
    pub fn scope(&self) -> FilterScope {
        self.scope
    }

    /// Whether the message matches, and why.
    pub fn evaluate(&self, message: &Message) -> Decision {
        if self.scope == FilterScope::MessageBody && matches!(message, Message::UnparsableBody) {
            return Decision { matched: false, reason: "the body is not a JSON object".into() };
        }
        match all(&self.root, message) {
            Ok(()) => Decision { matched: true, reason: "every key of the policy matched".into() },
            Err(reason) => Decision { matched: false, reason },
        }
    }

    /// Whether the message matches (the fast path: no explanation).
    pub fn matches(&self, message: &Message) -> bool {
        if self.scope == FilterScope::MessageBody && matches!(message, Message::UnparsableBody) {
            return false;
        }
        all_fast(&self.root, message)
    }
}

// ---- compiling -------------------------------------------------------------------------------

fn compile(value: &Value, scope: FilterScope) -> Result<FilterPolicy, Problem> {
    let Value::Object(map) = value else { return bad("Filter policy must be a JSON object") };
    // First the shape (every value an object or an array), then scope, then the conditions —
    // the order AWS reports them in.
    check_shape(map)?;
    if scope == FilterScope::MessageAttributes && map.values().any(|v| v.is_object() && !is_or(v)) {
        return Err(Problem::Bare(
            "Filter policy scope MessageAttributes does not support nested filter policy".into(),
        ));
    }
    let root = terms(map, &[])?;
    if top_level_keys(map) > MAX_KEYS {
        return bad("Filter policy can not have more than 5 keys");
    }
    if combinations(&root) > MAX_COMBINATIONS {
        return bad("Filter policy is too complex");
    }
    Ok(FilterPolicy { scope, root })
}

/// `$or` is an operator only as an array of at least two objects; otherwise an ordinary key (SNS-22).
fn is_or_entry(key: &str, value: &Value) -> bool {
    key == "$or" && is_or(value)
}

fn is_or(value: &Value) -> bool {
    value.as_array().is_some_and(|alts| alts.len() >= 2 && alts.iter().all(Value::is_object))
}

fn check_shape(map: &serde_json::Map<String, Value>) -> Result<(), Problem> {
    for (key, value) in map {
        match value {
            Value::Object(inner) if inner.is_empty() => return bad("Empty objects are not allowed"),
            Value::Object(inner) => check_shape(inner)?,
            Value::Array(items) if is_or_entry(key, value) => {
                for alt in items.iter().filter_map(Value::as_object) {
                    check_shape(alt)?;
                }
            }
            Value::Array(_) => {}
            _ => return bad(format!("\"{key}\" must be an object or an array")),
        }
    }
    Ok(())
}

fn top_level_keys(map: &serde_json::Map<String, Value>) -> usize {
    map.iter()
        .map(|(k, v)| match is_or_entry(k, v) {
            // An `$or` counts the keys of its widest alternative.
            true => {
                v.as_array().into_iter().flatten().filter_map(Value::as_object).map(top_level_keys).max().unwrap_or(0)
            }
            false => 1,
        })
        .sum()
}

fn terms(map: &serde_json::Map<String, Value>, path: &[String]) -> Result<Vec<Term>, Problem> {
    let mut out = Vec::new();
    for (key, value) in map {
        if is_or_entry(key, value) {
            let alts = value.as_array().into_iter().flatten().filter_map(Value::as_object);
            out.push(Term::Or(alts.map(|alt| terms(alt, path)).collect::<Result<_, _>>()?));
            continue;
        }
        let mut here = path.to_vec();
        here.push(key.clone());
        match value {
            Value::Object(inner) => out.extend(terms(inner, &here)?),
            Value::Array(items) => {
                if items.is_empty() {
                    return bad("Empty arrays are not allowed");
                }
                let conditions = items.iter().map(condition).collect::<Result<_, _>>()?;
                out.push(Term::Leaf { path: here, conditions });
            }
            _ => return bad(format!("\"{key}\" must be an object or an array")),
        }
    }
    Ok(out)
}

/// Combinations: leaves multiply by their number of conditions times their nesting depth (a key
/// two levels down with 3 values counts 2 × 3, SNS-21 — AWS's "3 × 4 × 2 × 3 = 72" example and its
/// recorded refusals), `$or` alternatives add up.
fn combinations(terms: &[Term]) -> u64 {
    terms.iter().fold(1u64, |acc, t| {
        let n = match t {
            Term::Leaf { path, conditions } => (conditions.len() * path.len()) as u64,
            Term::Or(alts) => alts.iter().map(|a| combinations(a)).sum(),
        };
        acc.saturating_mul(n)
    })
}

fn condition(value: &Value) -> Result<Condition, Problem> {
    match value {
        Value::String(s) => Ok(Condition::Exact(s.clone())),
        Value::Number(n) => Ok(Condition::ExactNumber(policy_number(n)?)),
        Value::Bool(b) => Ok(Condition::Bool(*b)),
        Value::Null => Ok(Condition::Null),
        Value::Array(_) => bad("Match value must be String, number, true, false, or null"),
        Value::Object(map) => {
            if map.len() != 1 {
                return bad("Only one key allowed in match expression");
            }
            let Some((op, arg)) = map.iter().next() else { return bad("Only one key allowed in match expression") };
            operator(op, arg)
        }
    }
}

fn policy_number(n: &serde_json::Number) -> Result<i64, Problem> {
    n.as_f64().and_then(scaled).map_or_else(|| bad("Numeric values must be between -1.0E9 and 1.0E9"), Ok)
}

fn string_arg<'a>(op: &str, arg: &'a Value) -> Result<&'a str, Problem> {
    arg.as_str().map_or_else(|| bad(format!("{op} match pattern must be a string")), Ok)
}

fn operator(op: &str, arg: &Value) -> Result<Condition, Problem> {
    match op {
        "prefix" => Ok(Condition::Prefix(string_arg(op, arg)?.to_owned())),
        "suffix" => Ok(Condition::Suffix(string_arg(op, arg)?.to_owned())),
        "equals-ignore-case" => Ok(Condition::EqualsIgnoreCase(string_arg(op, arg)?.to_owned())),
        "exists" => match arg {
            Value::Bool(b) => Ok(Condition::Exists(*b)),
            _ => bad("exists match pattern must be either true or false."),
        },
        "cidr" => cidr(string_arg("prefix", arg)?),
        "numeric" => numeric(arg),
        "anything-but" => anything_but(arg),
        other => bad(format!("Unrecognized match type {other}")),
    }
}

fn anything_but(arg: &Value) -> Result<Condition, Problem> {
    match arg {
        Value::String(_) | Value::Number(_) => Ok(Condition::AnythingBut(vec![but_value(arg)?])),
        Value::Array(items) => {
            let list: Vec<Scalar> = items.iter().map(but_value).collect::<Result<_, _>>()?;
            // One type per list: strings or numbers.
            if list.iter().any(|v| matches!(v, Scalar::Str(_))) && list.iter().any(|v| matches!(v, Scalar::Num(_))) {
                return bad("Inside anything but list, all values must be of the same type");
            }
            Ok(Condition::AnythingBut(list))
        }
        Value::Object(map) => {
            let Some((op, inner)) = map.iter().next() else { return bad("Unsupported anything-but pattern: {}") };
            if map.len() > 1 {
                return bad("Only one key allowed in match expression");
            }
            match op.as_str() {
                "prefix" => match string_arg("prefix", inner)? {
                    "" => bad("Null prefix not allowed"),
                    prefix => Ok(Condition::AnythingButPrefix(prefix.to_owned())),
                },
                other => bad(format!("Unsupported anything-but pattern: {other}")),
            }
        }
        _ => bad("Value of anything-but must be an array or single string/number value."),
    }
}

fn but_value(v: &Value) -> Result<Scalar, Problem> {
    match v {
        Value::String(s) => Ok(Scalar::Str(s.clone())),
        Value::Number(n) => Ok(Scalar::Num(Some(policy_number(n)?))),
        _ => bad("Inside anything but list, start|null|boolean is not supported."),
    }
}

fn numeric(arg: &Value) -> Result<Condition, Problem> {
    let Value::Array(items) = arg else { return bad("Value of numeric must be an array.") };
    let mut it = items.iter();
    let Some(first) = it.next() else { return bad("Invalid member in numeric match: ]") };
    let Some(op) = first.as_str() else { return bad(format!("Invalid member in numeric match: {first}")) };
    let mut operand = |op: &str| -> Result<i64, Problem> {
        let name = if op == "=" { "equals" } else { op };
        match it.next() {
            Some(Value::Number(n)) => policy_number(n),
            _ => bad(format!("Value of {name} must be numeric")),
        }
    };
    let (mut low, mut high) = (None, None);
    match op {
        "=" => {
            let x = operand(op)?;
            (low, high) = (Some((x, true)), Some((x, true)));
        }
        "<" | "<=" => high = Some((operand(op)?, op == "<=")),
        ">" | ">=" => {
            low = Some((operand(op)?, op == ">="));
            if let Some(next) = it.next() {
                let Some(op2) = next.as_str() else { return bad(format!("Bad value in numeric range: {next}")) };
                if op2 != "<" && op2 != "<=" {
                    return bad(format!("Bad numeric range operator: {op2}"));
                }
                let top = match it.next() {
                    Some(Value::Number(n)) => policy_number(n)?,
                    _ => return bad(format!("Value of {op2} must be numeric")),
                };
                if low.is_some_and(|(bottom, _)| bottom >= top) {
                    return bad("Bottom must be less than top");
                }
                high = Some((top, op2 == "<="));
                if it.next().is_some() {
                    return bad("Too many terms in numeric range expression");
                }
            }
        }
        other => return bad(format!("Unrecognized numeric range operator: {other}")),
    }
    if it.next().is_some() {
        return bad("Too many elements in numeric expression");
    }
    Ok(Condition::Numeric { low, high })
}

fn cidr(text: &str) -> Result<Condition, Problem> {
    let Some((ip, bits)) = text.split_once('/').filter(|(_, b)| !b.contains('/')) else {
        return bad("Malformed CIDR, one '/' required");
    };
    let Ok(bits) = bits.parse::<u8>() else { return bad("Malformed CIDR, mask bits must be an integer") };
    let Ok(network) = ip.parse::<IpAddr>() else { return bad(format!("Nonstandard IP address: {ip}")) };
    let max = if network.is_ipv4() { 32 } else { 128 };
    if bits > max {
        return bad(format!("Malformed CIDR, mask bits must be between 0 and {max}"));
    }
    Ok(Condition::Cidr { network, bits })
}

// ---- matching --------------------------------------------------------------------------------

/// The values at `path`: an attribute's, or every scalar reached in the body (arrays at any
/// level are walked). Empty when the key is absent.
fn values_at<'m>(message: &'m Message, path: &[String], out: &mut Vec<ValueRef<'m>>) {
    match message {
        Message::Attributes(map) => {
            if let [key] = path {
                if let Some(values) = map.get(key) {
                    out.extend(values.iter().map(ValueRef::Scalar));
                }
            }
        }
        Message::Body(body) => collect(body, path, out),
        Message::UnparsableBody => {}
    }
}

/// A value seen by a condition: one of the message's scalars, or a JSON scalar of the body.
#[derive(Clone, Copy, Debug)]
enum ValueRef<'m> {
    Scalar(&'m Scalar),
    Json(&'m Value),
}

fn collect<'m>(value: &'m Value, path: &[String], out: &mut Vec<ValueRef<'m>>) {
    match (value, path) {
        (Value::Array(items), _) => items.iter().for_each(|v| collect(v, path, out)),
        (Value::Object(map), [key, rest @ ..]) => {
            if let Some(v) = map.get(key) {
                collect(v, rest, out);
            }
        }
        (Value::Object(_), []) => {}
        (scalar, []) => out.push(ValueRef::Json(scalar)),
        (_, [_, ..]) => {}
    }
}

fn all(terms: &[Term], message: &Message) -> Result<(), String> {
    for term in terms {
        match term {
            Term::Leaf { path, conditions } => leaf(path, conditions, message)?,
            Term::Or(alts) => {
                let mut reasons = Vec::new();
                for alt in alts {
                    match all(alt, message) {
                        Ok(()) => break,
                        Err(why) => reasons.push(why),
                    }
                }
                if reasons.len() == alts.len() {
                    return Err(format!("no $or alternative matched ({})", reasons.join("; ")));
                }
            }
        }
    }
    Ok(())
}

fn all_fast(terms: &[Term], message: &Message) -> bool {
    terms.iter().all(|term| match term {
        Term::Leaf { path, conditions } => leaf_matches(path, conditions, message),
        Term::Or(alts) => alts.iter().any(|alt| all_fast(alt, message)),
    })
}

fn leaf_matches(path: &[String], conditions: &[Condition], message: &Message) -> bool {
    let mut values = Vec::new();
    values_at(message, path, &mut values);
    conditions.iter().any(|c| condition_holds(c, &values))
}

fn leaf(path: &[String], conditions: &[Condition], message: &Message) -> Result<(), String> {
    let mut values = Vec::new();
    values_at(message, path, &mut values);
    if conditions.iter().any(|c| condition_holds(c, &values)) {
        return Ok(());
    }
    let key = path.join(".");
    let wanted = conditions.iter().map(describe).collect::<Vec<_>>().join(" or ");
    Err(match values.is_empty() {
        true => format!("\"{key}\" is absent; the policy wants {wanted}"),
        false => {
            let seen = values.iter().map(|v| show(*v)).collect::<Vec<_>>().join(", ");
            format!("\"{key}\": {seen} failed {wanted}")
        }
    })
}

fn condition_holds(c: &Condition, values: &[ValueRef<'_>]) -> bool {
    match c {
        // Absent keys match only `exists: false` (SNS-24).
        Condition::Exists(want) => values.is_empty() != *want,
        _ => values.iter().any(|v| holds(c, *v)),
    }
}

/// A value as the conditions compare it.
enum Seen<'a> {
    Str(&'a str),
    Num(Option<i64>),
    Bool(bool),
    Null,
}

fn seen(v: ValueRef<'_>) -> Seen<'_> {
    match v {
        ValueRef::Scalar(Scalar::Str(s)) => Seen::Str(s),
        ValueRef::Scalar(Scalar::Num(n)) => Seen::Num(*n),
        ValueRef::Scalar(Scalar::Bool(b)) => Seen::Bool(*b),
        ValueRef::Scalar(Scalar::Null) => Seen::Null,
        ValueRef::Json(Value::String(s)) => Seen::Str(s),
        ValueRef::Json(Value::Number(n)) => Seen::Num(n.as_f64().and_then(scaled)),
        ValueRef::Json(Value::Bool(b)) => Seen::Bool(*b),
        ValueRef::Json(_) => Seen::Null,
    }
}

fn holds(c: &Condition, v: ValueRef<'_>) -> bool {
    let v = seen(v);
    match (c, &v) {
        (Condition::Exact(s), Seen::Str(x)) => x == s,
        (Condition::ExactNumber(n), Seen::Num(Some(x))) => x == n,
        (Condition::Bool(b), Seen::Bool(x)) => x == b,
        (Condition::Null, Seen::Null) => true,
        (Condition::Prefix(p), Seen::Str(x)) => x.starts_with(p.as_str()),
        (Condition::Suffix(p), Seen::Str(x)) => x.ends_with(p.as_str()),
        // Char by char with Unicode's lowercase mappings (without `str::to_lowercase`'s
        // final-sigma rule: the same answer for any word both sides spell alike).
        (Condition::EqualsIgnoreCase(p), Seen::Str(x)) => super::lowercase::eq_ignore_case(x, p),
        (Condition::AnythingBut(list), _) => !list.iter().any(|b| match (b, &v) {
            (Scalar::Str(s), Seen::Str(x)) => s == x,
            (Scalar::Num(Some(n)), Seen::Num(Some(x))) => n == x,
            _ => false,
        }),
        (Condition::AnythingButPrefix(p), Seen::Str(x)) => !x.starts_with(p.as_str()),
        (Condition::AnythingButPrefix(_), _) => true,
        (Condition::Numeric { low, high }, Seen::Num(Some(x))) => {
            let above = low.is_none_or(|(b, inclusive)| match x.cmp(&b) {
                Ordering::Greater => true,
                Ordering::Equal => inclusive,
                Ordering::Less => false,
            });
            let below = high.is_none_or(|(t, inclusive)| match x.cmp(&t) {
                Ordering::Less => true,
                Ordering::Equal => inclusive,
                Ordering::Greater => false,
            });
            above && below
        }
        (Condition::Cidr { network, bits }, Seen::Str(x)) => {
            x.parse::<IpAddr>().is_ok_and(|ip| in_network(ip, *network, *bits))
        }
        _ => false,
    }
}

fn in_network(ip: IpAddr, network: IpAddr, bits: u8) -> bool {
    let (ip, net, width) = match (ip, network) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    let shift = width - u32::from(bits);
    if shift >= 128 {
        return true;
    }
    (ip >> shift) == (net >> shift)
}

fn describe(c: &Condition) -> String {
    let num = |n: i64| trim(n as f64 / NUMBER_SCALE);
    match c {
        Condition::Exact(s) => format!("\"{s}\""),
        Condition::ExactNumber(n) => num(*n),
        Condition::Bool(b) => b.to_string(),
        Condition::Null => "null".into(),
        Condition::Prefix(p) => format!("prefix \"{p}\""),
        Condition::Suffix(p) => format!("suffix \"{p}\""),
        Condition::EqualsIgnoreCase(p) => format!("equals-ignore-case \"{p}\""),
        Condition::AnythingBut(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|s| match s {
                    Scalar::Str(s) => format!("\"{s}\""),
                    Scalar::Num(Some(n)) => num(*n),
                    _ => "?".into(),
                })
                .collect();
            format!("anything-but [{}]", items.join(", "))
        }
        Condition::AnythingButPrefix(p) => format!("anything-but prefix \"{p}\""),
        Condition::Numeric { low, high } => {
            let mut parts = Vec::new();
            if low == high {
                if let Some((x, _)) = low {
                    return format!("numeric = {}", num(*x));
                }
            }
            if let Some((x, inc)) = low {
                parts.push(format!("{} {}", if *inc { ">=" } else { ">" }, num(*x)));
            }
            if let Some((x, inc)) = high {
                parts.push(format!("{} {}", if *inc { "<=" } else { "<" }, num(*x)));
            }
            format!("numeric {}", parts.join(" and "))
        }
        Condition::Exists(b) => format!("exists {b}"),
        Condition::Cidr { network, bits } => format!("cidr {network}/{bits}"),
    }
}

fn show(v: ValueRef<'_>) -> String {
    match seen(v) {
        Seen::Str(s) => format!("\"{s}\""),
        Seen::Num(Some(n)) => trim(n as f64 / NUMBER_SCALE),
        Seen::Num(None) => "a number outside ±1e9".into(),
        Seen::Bool(b) => b.to_string(),
        Seen::Null => "null".into(),
    }
}

fn trim(x: f64) -> String {
    let text = format!("{x:.5}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}
