//! Composing a flow: add a node fed by (or sending to) one that AWS lets it connect to, connect
//! a node to another (the targets AWS refuses are listed with AWS's reason), change a node's or
//! a connection's settings, remove a connection or a node. Every change is an [`Edit`] tried on
//! a copy of the flow and validated by the engine: a refused one is explained and changes
//! nothing; an accepted one restarts the run from 0 s and goes into the link.

use engine::flow::{FlowScenario, NodeKind, Role};
use leptos::prelude::*;
use serde_json::Value;

use super::edit::{apply_all, check, from_json, json, Edit, Target, NODE_TYPES};
use super::link::unlinkable;
use super::presets::PRESETS;
use crate::components::{SelectField, SettingField};

/// The node types in the palette, with how people read them.
const PALETTE: [(&str, &str); 10] = [
    ("producer", "Producer (SDK sends)"),
    ("clients", "API clients"),
    ("api_gateway", "API Gateway REST API"),
    ("sns_topic", "SNS topic"),
    ("sqs_queue", "SQS queue"),
    ("kinesis_stream", "Kinesis stream"),
    ("lambda", "Lambda function"),
    ("consumers", "Queue consumers"),
    ("kinesis_consumers", "KCL consumers"),
    ("http_endpoint", "HTTP endpoint"),
];

/// A setting of a node kind with a field of its own (everything else is in the node's JSON).
struct Field {
    /// Element id suffix.
    key: &'static str,
    label: &'static str,
    /// Where it is in the node's JSON.
    path: &'static str,
    /// AWS's range (or the playground's), as shown.
    range: &'static str,
    /// Written as a JSON string (SQS attributes are strings).
    string: bool,
}

/// The settings with fields of their own, by node type.
fn fields(kind: &NodeKind) -> &'static [Field] {
    const RATE: Field = Field {
        key: "rate",
        label: "Messages a second",
        path: "workload.rate_per_s",
        range: "0 or more",
        string: false,
    };
    match kind {
        NodeKind::Producer(_) | NodeKind::Clients(_) => &[RATE],
        NodeKind::ApiGateway(_) => &[Field {
            key: "api-timeout",
            label: "Integration timeout (ms)",
            path: "timeout_ms",
            range: "AWS 50–29,000 (REST), 30,000 (HTTP)",
            string: false,
        }],
        NodeKind::SqsQueue(_) => &[
            Field {
                key: "visibility",
                label: "VisibilityTimeout (s)",
                path: "attributes.VisibilityTimeout",
                range: "AWS 0–43,200",
                string: true,
            },
            Field {
                key: "retention",
                label: "MessageRetentionPeriod (s)",
                path: "attributes.MessageRetentionPeriod",
                range: "AWS 60–1,209,600",
                string: true,
            },
        ],
        NodeKind::KinesisStream(_) => {
            &[Field { key: "shards", label: "Shards", path: "shards", range: "1–64 here", string: false }]
        }
        NodeKind::Lambda(_) => &[
            Field {
                key: "reserved",
                label: "Reserved concurrency",
                path: "function.reserved_concurrency",
                range: "0 up to the Region's pool less 100; empty: unreserved",
                string: false,
            },
            Field {
                key: "fn-timeout",
                label: "Timeout (s)",
                path: "function.timeout_s",
                range: "AWS 1–900",
                string: false,
            },
            Field {
                key: "poison",
                label: "Poison messages (share)",
                path: "function.poison_rate",
                range: "0–1",
                string: false,
            },
            Field {
                key: "failures",
                label: "Random failures (share)",
                path: "function.failure_rate",
                range: "0–1",
                string: false,
            },
        ],
        NodeKind::Consumers(_) => &[
            Field { key: "count", label: "Consumers", path: "count", range: "1–100", string: false },
            Field {
                key: "consumer-failures",
                label: "Failures (share)",
                path: "failure_rate",
                range: "0–1",
                string: false,
            },
        ],
        NodeKind::KinesisConsumers(_) => &[Field {
            key: "kcl-failures",
            label: "Failures (share)",
            path: "failure_rate",
            range: "0–1",
            string: false,
        }],
        NodeKind::HttpEndpoint(_) => {
            &[Field { key: "slots", label: "Concurrency", path: "concurrency", range: "1–10,000", string: false }]
        }
        NodeKind::SnsTopic(_) => &[],
    }
}

/// The value at a dotted `path` of `v`, as a field shows it.
fn shown(v: &Value, path: &str) -> String {
    let mut at = v;
    for part in path.split('.') {
        match at.get(part) {
            Some(x) => at = x,
            None => return String::new(),
        }
    }
    match at {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// What was typed in a field, as the JSON value the setting takes (empty: the default).
fn typed(text: &str, string: bool) -> Result<Value, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    if string {
        return Ok(Value::String(text.to_owned()));
    }
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(Value::is_number)
        .ok_or_else(|| format!("{text:?} is not a number."))
}

/// `flow` with `edits`, if the engine accepts the result; else AWS's (or the range's) reason.
fn tried(flow: &FlowScenario, edits: &[Edit]) -> Result<FlowScenario, String> {
    let next = apply_all(flow, edits)?;
    check(&next)?;
    Ok(next)
}

/// Removes with the nodes left with nothing to do: a node that then gets nothing, and a
/// producer left with no target, go too (named in the message).
fn remove_cascading(flow: &FlowScenario, first: Edit) -> Result<(FlowScenario, Vec<String>), String> {
    let mut next = apply_all(flow, std::slice::from_ref(&first))?;
    let mut gone = Vec::new();
    for _ in 0..flow.nodes.len() {
        let orphan = next.nodes.iter().find(|n| {
            let inputs = next.connections.iter().any(|c| c.to == n.id);
            let named = next.connections.iter().any(|c| {
                c.dead_letter_queue.as_deref() == Some(&n.id)
                    || c.kinesis_mapping.as_ref().and_then(|m| m.on_failure.as_deref()) == Some(n.id.as_str())
            });
            let source = matches!(n.kind, NodeKind::Producer(_) | NodeKind::Clients(_));
            let outputs = next.connections.iter().any(|c| c.from == n.id);
            (!source && !inputs && !named) || (source && !outputs)
        });
        let Some(orphan) = orphan.map(|n| n.id.clone()) else { break };
        next = apply_all(&next, &[Edit::Del { id: orphan.clone() }])?;
        gone.push(orphan);
    }
    if next.nodes.is_empty() {
        return Err("that would leave no node: a flow needs at least one (load a preset to start again)".to_owned());
    }
    check(&next)?;
    Ok((next, gone))
}

/// A free name for a new node of `kind`: `sqs-queue-2`.
fn free_name(flow: &FlowScenario, kind: &str) -> String {
    let base = kind.replace('_', "-");
    (1..).map(|n| format!("{base}-{n}")).find(|id| flow.node(id).is_none()).unwrap_or(base)
}

/// The composer: add, connect, change and remove.
#[component]
pub fn Composer(
    scenario: RwSignal<FlowScenario>,
    modified: RwSignal<bool>,
    preset_key: RwSignal<String>,
    selected: RwSignal<Option<usize>>,
    announce: RwSignal<String>,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    // Applies a change the engine accepted, says so, and restarts the run with it.
    let commit = move |next: FlowScenario, said: String| {
        scenario.set(next);
        modified.set(true);
        announce.set(said.clone());
        message.set(Some(said));
    };
    let refuse = move |why: String| message.set(Some(format!("Refused: {why}.")));
    // A selection past the end (a preset with fewer nodes) is none.
    Effect::new(move |_| {
        let n = scenario.with(|s| s.nodes.len());
        if selected.get().is_some_and(|i| i >= n) {
            selected.set(None);
        }
    });
    // The node being edited: its panel is drawn again only when another node is picked (not at
    // every change of its settings, which would take the focus from the field being typed in).
    let picked =
        Memo::new(move |_| selected.get().and_then(|i| scenario.with(|s| s.nodes.get(i).map(|n| (i, n.id.clone())))));
    let node_options = move || {
        scenario.with(|s| {
            s.nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    view! { <option value=i.to_string() prop:selected=move || selected.get() == Some(i)>{format!("{} ({})", n.id, n.kind.label())}</option> }
                })
                .collect_view()
        })
    };
    let link_note = move || {
        let base = crate::scenes::preset::find(&PRESETS, &preset_key.get()).map(|p| (p.scenario)()).unwrap_or_default();
        scenario.with(|s| unlinkable(&base, s))
    };
    view! {
        <div class="flow-composer" data-testid="flow-composer">
            <div class="knob">
                <label for="flow-node-pick">"Node"</label>
                <select id="flow-node-pick" data-testid="flow-node-pick" on:change=move |ev| selected.set(event_target_value(&ev).parse().ok())>
                    <option value="" prop:selected=move || selected.get().is_none()>"Choose a node to change…"</option>
                    {node_options}
                </select>
            </div>
            {move || picked.get().map(|(i, _)| view! { <NodePanel scenario=scenario i=i commit=commit refuse=refuse selected=selected/> })}
            <AddNode scenario=scenario commit=commit refuse=refuse selected=selected/>
            <SettingField key="lambda-pool" label="Region's Lambda concurrency" range="AWS default 1,000; 100–100,000 here"
                value=Signal::derive(move || scenario.with(|s| s.lambda_concurrency.to_string()))
                apply=Callback::new(move |text: String| {
                    let value = typed(&text, false)?;
                    let next = scenario.with_untracked(|s| tried(s, &[Edit::Set { target: Target::Flow, path: "lambda_concurrency".into(), value }]))?;
                    scenario.set(next);
                    modified.set(true);
                    Ok(())
                })
                generation=RwSignal::new(0)/>
            <p class="field-message" role="status" data-testid="compose-message">{move || message.get()}</p>
            <p class="muted" data-testid="flow-link-note">{link_note}</p>
        </div>
    }
}

/// The selected node: its settings, its connections, "Connect to…" and Remove.
#[component]
fn NodePanel(
    scenario: RwSignal<FlowScenario>,
    i: usize,
    commit: impl Fn(FlowScenario, String) + Copy + Send + Sync + 'static,
    refuse: impl Fn(String) + Copy + Send + Sync + 'static,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let node = move || scenario.with(|s| s.nodes.get(i).cloned());
    let Some(first) = node() else { return ().into_any() };
    let id = first.id.clone();
    let id_for = id.clone();
    // A change of this node's setting at `path`.
    let set = move |path: String, value: Value| -> Result<(), String> {
        let edit = Edit::Set { target: Target::Node(id_for.clone()), path: path.clone(), value };
        let next = scenario.with_untracked(|s| tried(s, &[edit]))?;
        scenario.set(next);
        selected.set(Some(i));
        Ok(())
    };
    let set = StoredValue::new(set);
    let generation = RwSignal::new(0u32);
    let node_json = move || node().map(|n| json(&n)).unwrap_or(Value::Null);
    let field_views = fields(&first.kind)
        .iter()
        .map(|f| {
            let value = Signal::derive(move || shown(&node_json(), f.path));
            view! {
                <SettingField key=f.key label=f.label range=f.range value=value generation=generation
                    apply=Callback::new(move |text: String| set.with_value(|set| set(f.path.to_owned(), typed(&text, f.string)?)))/>
            }
        })
        .collect_view();
    // Everything else: the node's settings as its file writes them.
    let settings_json = Signal::derive(move || {
        let mut v = node_json();
        if let Some(o) = v.as_object_mut() {
            o.remove("id");
            o.remove("type");
        }
        serde_json::to_string(&v).unwrap_or_default()
    });
    let id_json = id.clone();
    let apply_json = Callback::new(move |text: String| {
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
        let Value::Object(o) = v else { return Err("the settings are one JSON object: {\"…\": …}".to_owned()) };
        let Some(kind) = node_json().get("type").cloned() else { return Err("the node is gone".to_owned()) };
        let mut full = serde_json::Map::new();
        full.insert("id".into(), Value::String(id_json.clone()));
        full.insert("type".into(), kind);
        full.extend(o);
        let node: engine::flow::Node = from_json(&Value::Object(full))?;
        let mut next = scenario.get_untracked();
        let Some(slot) = next.nodes.get_mut(i) else { return Err("the node is gone".to_owned()) };
        *slot = node;
        check(&next)?;
        scenario.set(next);
        Ok(())
    });
    let kind_label = first.kind.label();
    view! {
        <section class="flow-node-panel" aria-label=format!("{id} settings") data-testid="flow-node-panel">
            <h3 class="panel-title">{format!("{id} ({kind_label})")}</h3>
            {field_views}
            <SettingField key="node-json" label="All its settings (as the scenario file writes them)" range="" value=settings_json
                apply=apply_json generation=generation multiline=true/>
            <Connections scenario=scenario id=id.clone() commit=commit refuse=refuse/>
            <ConnectTo scenario=scenario id=id.clone() commit=commit refuse=refuse/>
            <button type="button" class="button danger" data-testid="remove-node" on:click={
                let id = id.clone();
                move |_| {
                    let result = scenario.with_untracked(|s| remove_cascading(s, Edit::Del { id: id.clone() }));
                    match result {
                        Ok((next, gone)) => {
                            selected.set(None);
                            let also = if gone.is_empty() { String::new() } else { format!(" (and {}, left with nothing to do)", gone.join(", ")) };
                            commit(next, format!("Removed {id}{also}; the run restarted."));
                        }
                        Err(why) => refuse(why),
                    }
                }
            }>{format!("Remove {id}")}</button>
        </section>
    }
    .into_any()
}

/// The connections from the selected node: each with Remove, and one's settings to change.
#[component]
fn Connections(
    scenario: RwSignal<FlowScenario>,
    id: String,
    commit: impl Fn(FlowScenario, String) + Copy + Send + Sync + 'static,
    refuse: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let list = move || {
        scenario.with(|s| {
            s.connections
                .iter()
                .filter(|c| id.with_value(|id| c.from == *id || c.to == *id))
                .map(|c| (c.from.clone(), c.to.clone(), c.role, s.describe(c)))
                .collect::<Vec<_>>()
        })
    };
    let editing = RwSignal::new(None::<(String, String, Role)>);
    let generation = RwSignal::new(0u32);
    let settings = Signal::derive(move || {
        let Some((from, to, role)) = editing.get() else { return String::new() };
        scenario.with(|s| {
            let Some(i) = super::edit::find(s, &from, &to, role) else { return String::new() };
            let mut v = json(&s.connections[i]);
            if let Some(o) = v.as_object_mut() {
                for k in ["from", "to", "role"] {
                    o.remove(k);
                }
            }
            serde_json::to_string(&v).unwrap_or_default()
        })
    });
    let apply_settings = Callback::new(move |text: String| {
        let Some((from, to, role)) = editing.get_untracked() else {
            return Err("choose a connection first".to_owned());
        };
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
        let Value::Object(o) = v else { return Err("the settings are one JSON object: {\"…\": …}".to_owned()) };
        let mut next = scenario.get_untracked();
        let i = super::edit::find(&next, &from, &to, role).ok_or("the connection is gone")?;
        let mut full = serde_json::Map::new();
        full.insert("from".into(), Value::String(from));
        full.insert("to".into(), Value::String(to));
        full.insert("role".into(), json(&role));
        full.extend(o);
        next.connections[i] = from_json(&Value::Object(full))?;
        check(&next)?;
        scenario.set(next);
        Ok(())
    });
    view! {
        <h4 class="panel-subtitle">"Its connections"</h4>
        <ul class="flow-connections" data-testid="flow-connections">
            {move || list().into_iter().map(|(from, to, role, words)| {
                let key = (from.clone(), to.clone(), role);
                let (f2, t2) = (from.clone(), to.clone());
                view! {
                    <li>
                        <span>{words}{match role { Role::Redrive => " (dead-letter queue)", Role::OnFailure => " (on failure)", Role::Deliver => "" }}</span>
                        <button type="button" class="button small" on:click=move |_| editing.set(Some(key.clone()))>"Settings"</button>
                        <button type="button" class="button small" on:click=move |_| {
                            let result = scenario.with_untracked(|s| remove_cascading(s, Edit::Cut { from: f2.clone(), to: t2.clone(), role }));
                            match result {
                                Ok((next, gone)) => {
                                    let also = if gone.is_empty() { String::new() } else { format!(" (and removed {}, left with nothing to do)", gone.join(", ")) };
                                    commit(next, format!("Disconnected {f2} from {t2}{also}; the run restarted."));
                                }
                                Err(why) => refuse(why),
                            }
                        }>"Remove"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || editing.get().map(|(from, to, _)| view! {
            <p class="muted">{format!("Settings of {from} → {to} (a filter policy, a mapping's batch size, maxReceiveCount …):")}</p>
            <SettingField key="connection-json" label="Connection settings" range="" value=settings apply=apply_settings
                generation=generation multiline=true/>
        })}
    }
}

/// "Connect to…": the nodes AWS lets this one connect to, and why it refuses the others.
#[component]
fn ConnectTo(
    scenario: RwSignal<FlowScenario>,
    id: String,
    commit: impl Fn(FlowScenario, String) + Copy + Send + Sync + 'static,
    refuse: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let role = RwSignal::new(Role::Deliver);
    // Each other node: connectable, or the reason it is not.
    let options = Memo::new(move |_| {
        let role = role.get();
        scenario.with(|s| {
            let from = id.get_value();
            s.nodes
                .iter()
                .filter(|n| n.id != from)
                .map(|n| {
                    let edit = Edit::Con { from: from.clone(), to: n.id.clone(), role };
                    let verdict = tried(s, &[edit]).map(|_| ()).map_err(|why| {
                        // The engine names the connection; the list already does.
                        why.split_once(": ").map_or(why.clone(), |(_, rule)| rule.to_owned())
                    });
                    (n.id.clone(), n.kind.label(), verdict)
                })
                .collect::<Vec<_>>()
        })
    });
    let target = RwSignal::new(String::new());
    let connect = move |_| {
        let to = target.get_untracked();
        let from = id.get_value();
        if to.is_empty() {
            refuse("choose a node to connect to".to_owned());
            return;
        }
        let edit = Edit::Con { from: from.clone(), to: to.clone(), role: role.get_untracked() };
        match scenario.with_untracked(|s| tried(s, &[edit])) {
            Ok(next) => commit(next, format!("Connected {from} to {to}; the run restarted.")),
            Err(why) => refuse(why),
        }
    };
    view! {
        <h4 class="panel-subtitle">"Connect to…"</h4>
        <SelectField key="connect-role" label="As" options=&[("deliver", "where its messages go"), ("redrive", "its dead-letter queue (redrive)"), ("on_failure", "its on-failure destination")]
            value=Signal::derive(move || match role.get() { Role::Deliver => "deliver", Role::Redrive => "redrive", Role::OnFailure => "on_failure" }.to_owned())
            apply=Callback::new(move |v: String| {
                role.set(match v.as_str() { "redrive" => Role::Redrive, "on_failure" => Role::OnFailure, _ => Role::Deliver });
                Ok(())
            })/>
        <div class="knob">
            <label for="flow-connect-target">"Node"</label>
            <select id="flow-connect-target" data-testid="flow-connect-target" on:change=move |ev| target.set(event_target_value(&ev))>
                <option value="" prop:selected=move || target.get().is_empty()>"Choose…"</option>
                {move || options.get().into_iter().map(|(to, label, verdict)| {
                    let ok = verdict.is_ok();
                    let text = if ok { format!("{to} ({label})") } else { format!("{to} ({label}) — refused") };
                    view! { <option value=to.clone() disabled=!ok prop:selected={ let to = to.clone(); move || target.get() == to }>{text}</option> }
                }).collect_view()}
            </select>
        </div>
        <button type="button" class="button" data-testid="flow-connect" on:click=connect>"Connect"</button>
        <details class="flow-refused">
            <summary>"Why not the others"</summary>
            <ul data-testid="flow-refused">
                {move || options.get().into_iter().filter_map(|(to, _, verdict)| verdict.err().map(|why| view! { <li><strong>{to}</strong>": "{why}</li> })).collect_view()}
            </ul>
        </details>
    }
}

/// The palette: a new node, fed by (or for a producer, sending to) one AWS allows.
#[component]
fn AddNode(
    scenario: RwSignal<FlowScenario>,
    commit: impl Fn(FlowScenario, String) + Copy + Send + Sync + 'static,
    refuse: impl Fn(String) + Copy + Send + Sync + 'static,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let kind = RwSignal::new("sqs_queue".to_owned());
    let name = RwSignal::new(String::new());
    let other = RwSignal::new(String::new());
    let source = move || matches!(kind.get().as_str(), "producer" | "clients");
    // The edits adding the node wired to `to_or_from`.
    let edits = move |kind: &str, id: &str, other: &str| {
        let add = Edit::Add { kind: kind.to_owned(), id: id.to_owned() };
        let con = match matches!(kind, "producer" | "clients") {
            true => Edit::Con { from: id.to_owned(), to: other.to_owned(), role: Role::Deliver },
            false => Edit::Con { from: other.to_owned(), to: id.to_owned(), role: Role::Deliver },
        };
        vec![add, con]
    };
    let the_name = move || {
        let typed = name.get();
        match typed.trim().is_empty() {
            true => scenario.with(|s| free_name(s, &kind.get())),
            false => typed.trim().to_owned(),
        }
    };
    let candidates = Memo::new(move |_| {
        let (k, id) = (kind.get(), the_name());
        scenario.with(|s| {
            s.nodes
                .iter()
                .map(|n| (n.id.clone(), n.kind.label(), tried(s, &edits(&k, &id, &n.id)).is_ok()))
                .collect::<Vec<_>>()
        })
    });
    let add = move |_| {
        let (k, id, o) = (kind.get_untracked(), untrack(the_name), other.get_untracked());
        if o.is_empty() {
            refuse(format!("choose which node {}", if untrack(source) { "it sends to" } else { "feeds it" }));
            return;
        }
        match scenario.with_untracked(|s| tried(s, &edits(&k, &id, &o))) {
            Ok(next) => {
                let at = next.nodes.len() - 1;
                name.set(String::new());
                commit(next, format!("Added {id}; the run restarted."));
                selected.set(Some(at));
            }
            Err(why) => refuse(why),
        }
    };
    let palette = PALETTE.iter().map(|(k, label)| view! { <option value=*k>{*label}</option> }).collect_view();
    debug_assert_eq!(PALETTE.len(), NODE_TYPES.len());
    view! {
        <section class="flow-add" aria-label="Add a node" data-testid="flow-add">
            <h3 class="panel-title">"Add a node"</h3>
            <div class="knob">
                <label for="flow-add-kind">"Kind"</label>
                <select id="flow-add-kind" data-testid="flow-add-kind" on:change=move |ev| { kind.set(event_target_value(&ev)); other.set(String::new()); }>
                    {palette}
                </select>
            </div>
            <div class="knob">
                <label for="flow-add-name">"Name"</label>
                <input id="flow-add-name" data-testid="flow-add-name" type="text" autocomplete="off" spellcheck="false"
                    placeholder=the_name prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </div>
            <div class="knob">
                <label for="flow-add-other">{move || if source() { "Sends to" } else { "Fed by" }}</label>
                <select id="flow-add-other" data-testid="flow-add-other" on:change=move |ev| other.set(event_target_value(&ev))>
                    <option value="" prop:selected=move || other.get().is_empty()>"Choose…"</option>
                    {move || candidates.get().into_iter().map(|(id, label, ok)| {
                        let text = if ok { format!("{id} ({label})") } else { format!("{id} ({label}) — AWS does not connect these") };
                        view! { <option value=id.clone() disabled=!ok prop:selected={ let id = id.clone(); move || other.get() == id }>{text}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="button" class="button" data-testid="flow-add-button" on:click=add>"Add"</button>
        </section>
    }
}
