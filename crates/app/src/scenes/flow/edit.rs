//! Changes to a flow as one line of text each — what the composer applies and what a link
//! carries (`edit=add sqs_queue buffer;con topic buffer;…`), like the VPC playground's
//! operations:
//!
//! - `add <type> <id>`: a node of that type with its default settings;
//! - `del <id>`: a node, its connections and whatever named it (a subscription's dead-letter
//!   queue, a mapping's on-failure destination);
//! - `con <from> <to> [redrive|on_failure]`, `cut <from> <to> [redrive|on_failure]`: a connection;
//! - `set <id> <path>=<json>`: a node's setting (`set fn function.reserved_concurrency=5`);
//!   `set <from>><to>[:role] <path>=<json>` a connection's; `set @ <field>=<json>` the flow's;
//!   `null` takes a setting back to its default.
//!
//! Settings are written as the scenario file writes them, so every setting has a name without
//! code per setting, and the engine's validation explains any value AWS would refuse.

use engine::flow::{Connection, FlowScenario, Node, Role};
use serde_json::{Map, Value};

/// Separates operations in a link value (never inside a quoted JSON string).
pub const SEPARATOR: char = ';';

/// One change to a flow.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// A node of a type (`sqs_queue`) with its default settings.
    Add { kind: String, id: String },
    /// A node and everything that names it.
    Del { id: String },
    /// A connection.
    Con { from: String, to: String, role: Role },
    /// The connection's removal.
    Cut { from: String, to: String, role: Role },
    /// A setting of a node, a connection or the flow.
    Set { target: Target, path: String, value: Value },
}

/// What a `set` changes.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The flow itself (`@`).
    Flow,
    /// A node, by id.
    Node(String),
    /// A connection.
    Connection { from: String, to: String, role: Role },
}

/// The node types, as files and edits name them.
pub const NODE_TYPES: [&str; 10] = [
    "producer",
    "clients",
    "api_gateway",
    "sns_topic",
    "sqs_queue",
    "kinesis_stream",
    "lambda",
    "consumers",
    "kinesis_consumers",
    "http_endpoint",
];

fn role_name(role: Role) -> Option<&'static str> {
    match role {
        Role::Deliver => None,
        Role::Redrive => Some("redrive"),
        Role::OnFailure => Some("on_failure"),
    }
}

fn parse_role(text: &str) -> Result<Role, String> {
    match text {
        "redrive" => Ok(Role::Redrive),
        "on_failure" => Ok(Role::OnFailure),
        "deliver" => Ok(Role::Deliver),
        other => Err(format!("{other:?} is not a connection role (redrive or on_failure)")),
    }
}

/// An id as edits write it: no spaces or the characters edits use.
fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty() && id.len() <= 80 && !id.chars().any(|c| c.is_whitespace() || "=;>:@\"".contains(c));
    match ok {
        true => Ok(()),
        false => Err(format!("{id:?} is not a node name: 1–80 characters without spaces or = ; > : @ \"")),
    }
}

impl std::fmt::Display for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let role = |r: Role| role_name(r).map_or(String::new(), |n| format!(" {n}"));
        match self {
            Edit::Add { kind, id } => write!(f, "add {kind} {id}"),
            Edit::Del { id } => write!(f, "del {id}"),
            Edit::Con { from, to, role: r } => write!(f, "con {from} {to}{}", role(*r)),
            Edit::Cut { from, to, role: r } => write!(f, "cut {from} {to}{}", role(*r)),
            Edit::Set { target, path, value } => {
                let target = match target {
                    Target::Flow => "@".to_owned(),
                    Target::Node(id) => id.clone(),
                    Target::Connection { from, to, role } => {
                        format!("{from}>{to}{}", role_name(*role).map_or(String::new(), |n| format!(":{n}")))
                    }
                };
                write!(f, "set {target} {path}={value}")
            }
        }
    }
}

impl Edit {
    /// Reads one edit; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Edit, String> {
        let text = text.trim();
        let (verb, rest) = text.split_once(' ').unwrap_or((text, ""));
        let words: Vec<&str> = rest.split_whitespace().collect();
        let id = |w: &str| check_id(w).map(|()| w.to_owned());
        match verb {
            "add" => match words.as_slice() {
                [kind, name] if NODE_TYPES.contains(kind) => Ok(Edit::Add { kind: (*kind).to_owned(), id: id(name)? }),
                [kind, _] => Err(format!("{kind:?} is not a node type ({})", NODE_TYPES.join(", "))),
                _ => Err("add takes a node type and a name: add sqs_queue orders".to_owned()),
            },
            "del" => match words.as_slice() {
                [name] => Ok(Edit::Del { id: id(name)? }),
                _ => Err("del takes a node's name: del orders".to_owned()),
            },
            "con" | "cut" => {
                let (from, to, role) = match words.as_slice() {
                    [from, to] => (id(from)?, id(to)?, Role::Deliver),
                    [from, to, role] => (id(from)?, id(to)?, parse_role(role)?),
                    _ => return Err(format!("{verb} takes two node names and an optional role: {verb} topic queue")),
                };
                Ok(match verb {
                    "con" => Edit::Con { from, to, role },
                    _ => Edit::Cut { from, to, role },
                })
            }
            "set" => {
                let (target, setting) = rest.trim().split_once(' ').ok_or("set takes a target and path=value")?;
                let (path, value) =
                    setting.split_once('=').ok_or("set takes path=value: set fn function.timeout_s=10")?;
                let path = path.trim();
                if path.is_empty() || path.split('.').any(str::is_empty) {
                    return Err(format!("{path:?} is not a setting's path (words joined by dots)"));
                }
                let value: Value = serde_json::from_str(value.trim())
                    .map_err(|_| format!("{} is not a JSON value (strings are quoted)", value.trim()))?;
                let target = match target {
                    "@" => Target::Flow,
                    t => match t.split_once('>') {
                        Some((from, to)) => {
                            let (to, role) = match to.split_once(':') {
                                Some((to, role)) => (to, parse_role(role)?),
                                None => (to, Role::Deliver),
                            };
                            Target::Connection { from: id(from)?, to: id(to)?, role }
                        }
                        None => Target::Node(id(t)?),
                    },
                };
                Ok(Edit::Set { target, path: path.to_owned(), value })
            }
            other => Err(format!("{other:?} is not an edit (add, del, con, cut or set)")),
        }
    }

    /// Applies the edit to `flow`. The result is not validated as a whole (a flow may pass
    /// through states the engine refuses while a link's edits are applied one by one).
    pub fn apply(&self, flow: &mut FlowScenario) -> Result<(), String> {
        match self {
            Edit::Add { kind, id } => {
                if flow.node(id).is_some() {
                    return Err(format!("there is already a node called {id}"));
                }
                let node: Node =
                    from_json(&serde_json::json!({ "id": id, "type": kind })).map_err(|e| format!("{kind}: {e}"))?;
                flow.nodes.push(node);
            }
            Edit::Del { id } => {
                let before = flow.nodes.len();
                flow.nodes.retain(|n| n.id != *id);
                if flow.nodes.len() == before {
                    return Err(format!("there is no node called {id}"));
                }
                flow.connections.retain(|c| c.from != *id && c.to != *id);
                for c in &mut flow.connections {
                    if c.dead_letter_queue.as_deref() == Some(id) {
                        c.dead_letter_queue = None;
                    }
                    if let Some(m) = c.kinesis_mapping.as_mut() {
                        if m.on_failure.as_deref() == Some(id) {
                            m.on_failure = None;
                        }
                    }
                }
            }
            Edit::Con { from, to, role } => {
                if find(flow, from, to, *role).is_some() {
                    return Err(format!("{from} is already connected to {to}"));
                }
                let max_receive_count = (*role == Role::Redrive).then_some(DEFAULT_MAX_RECEIVE_COUNT);
                flow.connections.push(Connection {
                    from: from.clone(),
                    to: to.clone(),
                    role: *role,
                    max_receive_count,
                    ..Connection::default()
                });
            }
            Edit::Cut { from, to, role } => {
                let i = find(flow, from, to, *role).ok_or_else(|| format!("{from} is not connected to {to}"))?;
                flow.connections.remove(i);
            }
            Edit::Set { target, path, value } => match target {
                Target::Flow => {
                    let mut v = json(&*flow);
                    set_path(&mut v, path, value.clone());
                    *flow = from_json(&v).map_err(|e| format!("the flow: {e}"))?;
                }
                Target::Node(id) => {
                    let (i, node) = flow.node(id).ok_or_else(|| format!("there is no node called {id}"))?;
                    if path == "id" || path == "type" {
                        return Err(format!("{path} is not a setting: add a new node instead"));
                    }
                    let mut v = json(node);
                    set_path(&mut v, path, value.clone());
                    flow.nodes[i] = from_json(&v).map_err(|e| format!("{id}: {e}"))?;
                }
                Target::Connection { from, to, role } => {
                    let i = find(flow, from, to, *role).ok_or_else(|| format!("{from} is not connected to {to}"))?;
                    if ["from", "to", "role"].contains(&path.as_str()) {
                        return Err(format!("{path} is not a setting: connect the nodes instead"));
                    }
                    let mut v = json(&flow.connections[i]);
                    set_path(&mut v, path, value.clone());
                    flow.connections[i] = from_json(&v).map_err(|e| format!("{from} → {to}: {e}"))?;
                }
            },
        }
        Ok(())
    }
}

/// A redrive connection made in the composer starts with AWS's console default.
pub const DEFAULT_MAX_RECEIVE_COUNT: u32 = 3;

/// The index of a connection.
pub fn find(flow: &FlowScenario, from: &str, to: &str, role: Role) -> Option<usize> {
    flow.connections.iter().position(|c| c.from == from && c.to == to && c.role == role)
}

/// Sets `path` (dot-separated) in `v`, making objects on the way; `null` removes the key.
fn set_path(v: &mut Value, path: &str, value: Value) {
    let mut at = v;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Some(object) = at.as_object_mut() else { return };
        if parts.peek().is_none() {
            match value {
                Value::Null => {
                    object.remove(part);
                }
                value => {
                    object.insert(part.to_owned(), value);
                }
            }
            return;
        }
        at = object.entry(part.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Every setting of `v` as `(path, value)`: objects are walked into, except tagged ones (a
/// workload or distribution has a `kind`; changing it changes its other fields), which are
/// set whole, as are arrays.
fn leaves(v: &Value, prefix: &str, out: &mut Vec<(String, Value)>) {
    match v.as_object() {
        Some(o) if !o.contains_key("kind") => {
            for (k, x) in o {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                leaves(x, &path, out);
            }
        }
        _ => out.push((prefix.to_owned(), v.clone())),
    }
}

/// The `set`s that turn `old` into `new` (both JSON objects), skipping `keep` keys.
fn sets(old: &Value, new: &Value, target: &Target, skip: &[&str], out: &mut Vec<Edit>) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    leaves(old, "", &mut a);
    leaves(new, "", &mut b);
    let skipped = |p: &str| skip.contains(&p);
    for (path, value) in &b {
        if !skipped(path) && a.iter().find(|(p, _)| p == path).map(|(_, v)| v) != Some(value) {
            out.push(Edit::Set { target: target.clone(), path: path.clone(), value: value.clone() });
        }
    }
    for (path, _) in &a {
        // A setting `new` leaves out (back to its default), unless a parent object replaced it.
        let covered = b.iter().any(|(p, _)| p == path || path.starts_with(&format!("{p}.")));
        if !skipped(path) && !covered {
            out.push(Edit::Set { target: target.clone(), path: path.clone(), value: Value::Null });
        }
    }
}

/// The edits that turn `base` into `flow`: deleted nodes, cut connections, added nodes and
/// connections, then changed settings. `None` when edits cannot say it (nodes or connections
/// in another order, names edits cannot write): the flow then travels as a file.
pub fn diff(base: &FlowScenario, flow: &FlowScenario) -> Option<Vec<Edit>> {
    let mut edits = Vec::new();
    let mut cur = base.clone();
    let flow_of = |f: &FlowScenario| {
        let mut v = json(f);
        if let Some(o) = v.as_object_mut() {
            o.remove("nodes");
            o.remove("connections");
        }
        v
    };
    sets(&flow_of(base), &flow_of(flow), &Target::Flow, &[], &mut edits);
    let same_kind = |a: &Node, b: &Node| std::mem::discriminant(&a.kind) == std::mem::discriminant(&b.kind);
    for old in &base.nodes {
        if !flow.nodes.iter().any(|n| n.id == old.id && same_kind(n, old)) {
            edits.push(Edit::Del { id: old.id.clone() });
        }
    }
    let key = |c: &Connection| (c.from.clone(), c.to.clone(), c.role);
    for c in &cur.connections {
        let gone = !flow.connections.iter().any(|n| key(n) == key(c));
        let node_gone = |id: &str| edits.iter().any(|e| matches!(e, Edit::Del { id: d } if d == id));
        if gone && !node_gone(&c.from) && !node_gone(&c.to) {
            edits.push(Edit::Cut { from: c.from.clone(), to: c.to.clone(), role: c.role });
        }
    }
    for e in &edits {
        e.apply(&mut cur).ok()?;
    }
    let mut later = Vec::new();
    for node in &flow.nodes {
        check_id(&node.id).ok()?;
        if cur.node(&node.id).is_none() {
            let kind = json(node).get("type")?.as_str()?.to_owned();
            let add = Edit::Add { kind, id: node.id.clone() };
            add.apply(&mut cur).ok()?;
            edits.push(add);
        }
        let (_, old) = cur.node(&node.id)?;
        sets(&json(old), &json(node), &Target::Node(node.id.clone()), &["id", "type"], &mut later);
    }
    for c in &flow.connections {
        if find(&cur, &c.from, &c.to, c.role).is_none() {
            let con = Edit::Con { from: c.from.clone(), to: c.to.clone(), role: c.role };
            con.apply(&mut cur).ok()?;
            edits.push(con);
        }
        let i = find(&cur, &c.from, &c.to, c.role)?;
        let target = Target::Connection { from: c.from.clone(), to: c.to.clone(), role: c.role };
        sets(&json(&cur.connections[i]), &json(c), &target, &["from", "to", "role"], &mut later);
    }
    edits.extend(later);
    // Only what the edits really rebuild counts (order included).
    (apply_all(base, &edits).ok()? == *flow).then_some(edits)
}

/// `base` with `edits` applied in turn; the error names the first that fails.
pub fn apply_all(base: &FlowScenario, edits: &[Edit]) -> Result<FlowScenario, String> {
    let mut flow = base.clone();
    for (i, e) in edits.iter().enumerate() {
        e.apply(&mut flow).map_err(|why| format!("edit {} ({e}): {why}", i + 1))?;
    }
    Ok(flow)
}

/// Whether `flow` can run: its settings and wiring (`FlowScenario::validate`) and what only
/// building it checks (each queue's attributes, as CreateQueue does). The reason when not.
pub fn check(flow: &FlowScenario) -> Result<(), String> {
    engine::flow::FlowModel::new(flow).map(|_| ()).map_err(|e| e.to_string())
}

/// Edits as one link value.
pub fn join(edits: &[Edit]) -> String {
    edits.iter().map(ToString::to_string).collect::<Vec<_>>().join(&SEPARATOR.to_string())
}

/// A link value's edits; the error names the first bad one.
pub fn split(text: &str) -> Result<Vec<Edit>, String> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            SEPARATOR if !quoted => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, t)| Edit::parse(t).map_err(|why| format!("edit {}: {why}", i + 1)))
        .collect()
}

/// A node, a connection or a flow as its file writes it. Through text, not `serde_json::to_value`:
/// the file export already has the code that writes these types as text, and a second way
/// (into a `Value`) would add its own copy of it to the bundle.
pub fn json<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_string(x).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null)
}

/// A node, a connection or a flow read back from its JSON value (through text, for the same
/// reason as [`json`]).
pub fn from_json<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, String> {
    serde_json::from_str(&v.to_string()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::flow::presets::PRESETS;

    #[test]
    fn edits_read_back_as_written() {
        for text in [
            "add sqs_queue buffer",
            "del orders",
            "con topic buffer",
            "con orders orders-dlq redrive",
            "cut fn failed on_failure",
            "set fn function.reserved_concurrency=5",
            "set orders attributes.VisibilityTimeout=\"30\"",
            "set topic>queue filter_policy=\"{\\\"a\\\":[\\\"b\\\"]}\"",
            "set orders>orders-dlq:redrive max_receive_count=5",
            "set @ lambda_concurrency=2000",
        ] {
            let e = Edit::parse(text).unwrap_or_else(|why| panic!("{text}: {why}"));
            assert_eq!(e.to_string(), text);
        }
    }

    #[test]
    fn bad_edits_say_what_is_wrong() {
        for (text, says) in [
            ("fly away", "not an edit"),
            ("add bucket b", "not a node type"),
            ("add sqs_queue", "takes a node type and a name"),
            ("con a", "two node names"),
            ("con a b sideways", "not a connection role"),
            ("set fn timeout", "path=value"),
            ("set fn timeout=ten", "not a JSON value"),
            ("add sqs_queue a;b", "not a node name"),
        ] {
            let why = Edit::parse(text).expect_err(text);
            assert!(why.contains(says), "{text}: {why}");
        }
        assert!(split("add sqs_queue a;con x").expect_err("second").starts_with("edit 2"));
    }

    #[test]
    fn separators_inside_json_strings_stay_in_their_edit() {
        let edits = split("set t>q filter_policy=\"{\\\"k\\\":[\\\"a;b\\\"]}\";del q").expect("two edits");
        assert_eq!(edits.len(), 2);
    }

    #[test]
    fn every_preset_changed_every_way_round_trips_through_its_edits() {
        for preset in &PRESETS {
            let base = (preset.scenario)();
            let mut changed = base.clone();
            let first_queue = base.nodes.iter().find(|n| matches!(n.kind, engine::flow::NodeKind::SqsQueue(_)));
            let mut edits = vec![Edit::parse("set @ lambda_concurrency=2000").expect("valid")];
            if let Some(q) = first_queue {
                edits.push(Edit::parse("add consumers extra-readers").expect("valid"));
                edits.push(Edit::parse(&format!("set {} attributes.VisibilityTimeout=\"45\"", q.id)).expect("valid"));
            }
            edits.push(Edit::Del { id: base.nodes[base.nodes.len() - 1].id.clone() });
            changed = apply_all(&changed, &edits).expect("applies");
            let found = diff(&base, &changed).unwrap_or_else(|| panic!("{}: no diff", preset.key));
            assert_eq!(apply_all(&base, &found).expect("applies"), changed, "{}", preset.key);
            let text = join(&found);
            assert_eq!(split(&text).expect("reads"), found, "{}: {text}", preset.key);
            assert_eq!(diff(&base, &base), Some(Vec::new()));
        }
    }

    #[test]
    fn a_deleted_node_takes_its_connections_and_references_with_it() {
        let base = (PRESETS[0].scenario)();
        let mut flow = base.clone();
        let last = flow.connections[flow.connections.len() - 1].to.clone();
        Edit::Del { id: last.clone() }.apply(&mut flow).expect("deletes");
        assert!(flow.connections.iter().all(|c| c.to != last && c.from != last));
    }
}
