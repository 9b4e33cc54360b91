//! The SNS playground: a publisher, a topic and its subscriptions (SQS queues with consumers, a
//! Lambda function, HTTP/S endpoints), each with its filter policy, endpoint health and
//! dead-letter queue, driven live by the engine; a filter-policy editor per subscription, a
//! message composer that previews the fan-out, charts and an inspector that says why.
//!
//! Like the SQS scene, the run lives outside the signal graph (a `StoredValue`); each frame
//! advances it and publishes plain snapshots (`snapshot.rs`) into signals.

mod columns;
mod knobs;
pub(super) mod presets;
pub(super) mod snapshot;
mod table;

use engine::sns::{EndpointKind, PublishRequest, SnsModel, SnsScenario, SnsSim};
use leptos::prelude::*;

use super::live::{live_page, once_a_second, Drawing, EmbedFrame, LiveRun, PageParts, SceneSpec, CROWDED_TOKENS};
use super::preset::picker_entries;
use crate::components::chart_model::series_from;
use crate::components::{
    escape_markup, pace_of, paced, parts_line, token_group, CheckField, InspectorHint, MessageInspector, Pace,
    PresetPicker, SelectField, Series, SettingField, Stage, TimeSeriesChart,
};
use crate::share::{LinkedRun, Presets};
use crate::view_model::{format_sim_time, format_trace_hash};
use columns::columns_markup;
use knobs::{Field, HEALTH_OPTIONS, PROPAGATION_KEY, RATE_KEY, SCOPE_OPTIONS, TOPIC_KEY, TOPIC_OPTIONS};
use presets::PRESETS;
use snapshot::*;
use table::rows_markup;

/// Shortest wall-clock gap between two announcements of failed deliveries, so a screen reader keeps up.
const ANNOUNCE_EVERY_MS: f64 = 4_000.0;

/// The chart data of one frame.
#[derive(Clone, Copy)]
struct Charts {
    published: RwSignal<Vec<Series>>,
    delivered: RwSignal<Vec<Series>>,
    filtered: RwSignal<Vec<Series>>,
    dlq: RwSignal<Vec<Series>>,
    lost: RwSignal<Vec<Series>>,
}

/// The SNS playground scene.
#[component]
pub fn SnsScene() -> impl IntoView {
    let live = LiveRun::start(
        Presets(&PRESETS),
        SceneSpec {
            service: "SNS",
            new_run: SnsSim::try_new,
            to_file: SnsScenario::to_file_json,
            from_file: SnsScenario::from_file_json,
        },
    );
    let linked = live.linked;
    let LinkedRun { scenario, preset_key, modified, generation, view, .. } = linked;
    let view_data = RwSignal::new(DiagramView::default());
    let stage = Stage::new(1100.0);
    let status = RwSignal::new(CounterView::default());
    let charts = Charts {
        published: RwSignal::new(Vec::new()),
        delivered: RwSignal::new(Vec::new()),
        filtered: RwSignal::new(Vec::new()),
        dlq: RwSignal::new(Vec::new()),
        lost: RwSignal::new(Vec::new()),
    };
    let selected = RwSignal::new(None::<u64>);
    let inspected = RwSignal::new(None::<History>);

    // Copies dead-lettered or lost, announced so far, and when (wall-clock ms).
    let failures_said = StoredValue::new((0u64, f64::NEG_INFINITY));
    let chart = once_a_second(move |sim: &SnsSim| capture_charts(sim, charts));
    let read = move || {
        live.with(|sim| {
            let next = counters(sim);
            // Failures for good are said at a readable pace: at most one announcement every few
            // seconds, naming the latest and counting the others.
            let (now_ms, failed) = (crate::anim::now_ms(), failed_for_good(sim));
            let (said, said_at) = failures_said.get_value();
            if failed < said {
                failures_said.set_value((0, f64::NEG_INFINITY));
            } else if now_ms - said_at >= ANNOUNCE_EVERY_MS {
                if let Some(text) = failure_announcement(sim, said, failed) {
                    live.announcement.set(text);
                    failures_said.set_value((failed, now_ms));
                }
            }
            chart(sim);
            if let Some(id) = selected.get_untracked() {
                inspected.set(Some(history(sim, id)));
            }
            status.set(next);
        });
    };
    let frame = NodeRef::<leptos::html::Section>::new();
    let drawing = Drawing {
        view: view_data,
        snapshot: move |sim: &SnsSim| diagram(sim, stage.width.get_untracked()),
        crowded: |d: &DiagramView| d.tokens.len() > CROWDED_TOKENS,
    };
    let player = live.drive(stage, frame, drawing, read, move || {
        selected.set(None);
        inspected.set(None);
    });
    let select = move |id: u64| {
        selected.set(Some(id));
        if let Some(h) = live.with(|sim| history(sim, id)) {
            inspected.set(Some(h));
        }
    };
    let load_preset = move |key: String| live.load_preset(&key);
    // The composer publishes into the running simulation, now.
    let publish_composed = move |req: PublishRequest| -> Result<String, String> {
        let result = live
            .act(|sim| sim.act(|m, cx| m.publish_composed(cx, req)))
            .ok_or_else(|| "There is no run to publish into.".to_string())?;
        player.show.run(());
        match result {
            Ok(id) => {
                let text = format!("Published msg-{id}: watch its copies leave the topic.");
                live.announcement.set(text.clone());
                Ok(text)
            }
            Err(e) => Err(e.to_string()),
        }
    };
    let preview = move |req: &PublishRequest| live.with(|sim| sim.model().preview(req, sim.now()));
    let now_secs = Signal::derive(move || status.with(|s| s.now_secs));

    if view.embed {
        let full_controls = view! {
            <PresetPicker entries=picker_entries(&PRESETS) preset_key=preset_key modified=modified on_pick=load_preset/>
            <Inspector inspected=inspected selected=selected/>
        }
        .into_any();
        let diagram =
            view! { <Diagram view_data=view_data stage=stage selected=selected on_select=select pace=pace_of(status)/> }.into_any();
        return view! {
            <EmbedFrame live=live label="SNS playground" diagram=diagram full_controls=full_controls
                now_secs=now_secs player=player frame=frame/>
        }
        .into_any();
    }

    let inspector_open = Signal::derive(move || inspected.with(Option::is_some));
    live_page(live, &PRESETS, player, now_secs, PageParts {
        id: "sns-playground",
        title: "One publish, many subscribers",
        intro: "Each token is one copy of a message. A publish appears at the topic and splits: a copy goes to every subscription whose filter policy matches, and a copy the filter stops stays at its subscription with a ✕. Failed deliveries wait under their subscription for the next retry; what runs out of retries drops into the dead-letter queue, or is lost. Click a token to see why.",
        counters: Signal::derive(move || status.with(CounterView::caption_counters)),
        diagram: view! {
            <Diagram view_data=view_data stage=stage selected=selected on_select=select pace=pace_of(status)/>
            <InspectorHint open=inspector_open hint=INSPECTOR_HINT/>
            <Composer scenario=scenario preview=preview on_publish=publish_composed restarts=live.restarts/>
        }
        .into_any(),
        beside: Some(view! { <Inspector inspected=inspected selected=selected beside=true/> }.into_any()),
        settings: view! { <ScenarioControls live=live scenario=scenario modified=modified generation=generation/> }.into_any(),
        metrics: view! { <Metrics status=status charts=charts/> }.into_any(),
    })
}

/// The SVG diagram: publisher, topic, subscription columns with endpoints and DLQs.
#[component]
fn Diagram(
    view_data: RwSignal<DiagramView>,
    stage: Stage,
    selected: RwSignal<Option<u64>>,
    #[prop(into)] on_select: Callback<u64>,
    /// When the counts on the diagram are rewritten.
    pace: Pace,
) -> impl IntoView {
    let count = move || view_data.with(|d| d.columns.len());
    let label = paced(pace, move || {
        view_data.with(|d| {
            let subs: Vec<String> =
                d.columns.iter().map(|c| format!("{} ({}, {}; {})", c.name, c.kind, c.health, c.counts)).collect();
            format!("{}. {}. Subscriptions: {}.", d.topic_title, d.topic_line, subs.join("; "))
        })
    });
    let layout = Memo::new(move |_| Layout::new(stage.width.get(), count()));
    let l = move || layout.get();
    // The columns are markup (see `columns.rs`), written again at the readouts' pace or when the
    // layout changes.
    let columns = Memo::new(move |_| {
        pace.track();
        let l = layout.get();
        view_data.with_untracked(|d| columns_markup(d, &l))
    });
    let publisher = move || {
        let stacked = l().two_line_publisher();
        view_data.with(|d| parts_line(&d.publisher_line, PAD + 10.0, stacked))
    };
    let topic = move || {
        let l = l();
        let (x, y, w) = l.topic();
        view! {
            <rect class="sqs-box" x=PAD y=PUBLISHER_Y width=l.w - 2.0 * PAD height=l.publisher_h() rx="8"></rect>
            <text class="sqs-box-title" x=PAD + 10.0 y=PUBLISHER_Y + 25.0>{publisher}</text>
            <line class="sqs-arrow" x1=l.w / 2.0 y1=PUBLISHER_Y + l.publisher_h() x2=l.w / 2.0 y2=y - 2.0></line>
            <text class="sqs-arrow-label" x=l.w / 2.0 + 6.0 y=y - 8.0>"Publish"</text>
            <rect class="sns-topic" x=x y=y width=w height=TOPIC_H rx="10"></rect>
            <text class="sqs-box-title" x=x + 10.0 y=y + 18.0 data-testid="topic-title">{move || view_data.with(|d| d.topic_title.clone())}</text>
            <text class="sqs-consumer-line" x=x + 10.0 y=y + 32.0 data-testid="topic-line">{paced(pace, move || view_data.with(|d| d.topic_line.clone()))}</text>
        }
    };
    view! {
        <figure class="sqs-figure sns-figure">
            <div class="stage" node_ref=stage.node>
            <svg class="sqs-diagram sns-diagram" viewBox=move || layout.with(|l| format!("0 0 {} {}", l.w, l.height()))
                width=move || l().w height=move || l().height() role="group" aria-label=label data-testid="sns-diagram">
                <g aria-hidden="true">
                    {topic}
                    <g inner_html=move || columns.get()></g>
                </g>
                {token_group(move |f: &mut dyn FnMut(&_)| view_data.with(|d| f(&d.tokens)), selected, on_select, SNS_TOKEN_W, "sqs-tokens sns-tokens")}
            </svg>
            </div>
            <figcaption class="sqs-legend">
                "Label on a token: the kind of message. ✕ (crossed out) at a subscription: its filter stopped that copy (amber: the previous policy stopped it, while a change of policy takes effect). "
                "Number on a token: delivery attempts. Amber, under a subscription: waiting for its next retry (dashed: on a FIFO topic, waiting behind an earlier message of its group). "
                "Blue: on its way, or being processed by a queue consumer; green: delivered to a function or endpoint; dark red: in a dead-letter queue; red: lost. Crowded areas draw small tokens."
            </figcaption>
        </figure>
    }
}

/// How to open the message inspector.
const INSPECTOR_HINT: &str = "Click a token to see that message's fan-out: which subscriptions got it, which filters stopped it and why, and what the endpoint receives (keyboard: Tab to the messages, arrow keys to move, Enter to open).";

/// What the selected copy went through, why, and what its endpoint receives.
#[component]
fn Inspector(
    inspected: RwSignal<Option<History>>,
    selected: RwSignal<Option<u64>>,
    /// Opened beside the diagram (a page), not under it (an embed).
    #[prop(optional)]
    beside: bool,
) -> impl IntoView {
    let read = move |f: fn(&History) -> String| inspected.with(|h| h.as_ref().map(f).unwrap_or_default());
    view! {
        <MessageInspector
            open=Signal::derive(move || inspected.with(Option::is_some))
            title=Signal::derive(move || read(|h| format!("msg-{} → {}", h.message, h.subscription)))
            steps=Signal::derive(move || inspected.with(|h| h.as_ref().map(|h| h.steps.clone()).unwrap_or_default()))
            truncated=Signal::derive(move || inspected.with(|h| h.as_ref().is_some_and(|h| h.truncated)))
            hint=INSPECTOR_HINT
            hint_elsewhere=beside
            on_close=move |()| selected.set(None)
        >
            <p data-testid="inspector-decision">{move || read(|h| h.decision.clone())}</p>
            // A filtered copy was never sent: no payload to show.
            <details class="sns-payload" hidden=move || inspected.with(|h| h.as_ref().is_none_or(|h| h.payload.is_none()))>
                    <summary>
                        {move || read(|h| match h.raw {
                            true => "What the endpoint receives (raw delivery: the body as-is)".into(),
                            false => "What the endpoint receives (the JSON envelope; raw delivery is off)".into(),
                        })}
                    </summary>
                    <pre data-testid="inspector-payload">{move || read(|h| h.payload.clone().unwrap_or_default())}</pre>
            </details>
        </MessageInspector>
    }
}

/// A message composer: body and attributes, a preview of the fan-out, and Publish.
#[component]
fn Composer(
    scenario: RwSignal<SnsScenario>,
    preview: impl Fn(&PublishRequest) -> Option<Result<Vec<engine::sns::Fanout>, engine::sns::SnsError>>
        + Copy
        + Send
        + Sync
        + 'static,
    on_publish: impl Fn(PublishRequest) -> Result<String, String> + Copy + Send + Sync + 'static,
    /// Changes when the run starts again from 0 s: the last publish's outcome is then stale.
    restarts: RwSignal<u32>,
) -> impl IntoView {
    let body = RwSignal::new(r#"{"order_type": "books", "amount": 250}"#.to_string());
    let attributes = RwSignal::new(r#"{"order_type": "books", "amount": 250}"#.to_string());
    let group = RwSignal::new("g0".to_string());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let request = move || -> Result<PublishRequest, String> {
        let attributes = engine::sns::topic::attributes_from_json(&attributes.get())?;
        let fifo = scenario.with(|s| s.topic.fifo);
        Ok(PublishRequest {
            body: body.get(),
            attributes,
            group_id: fifo.then(|| group.get()).filter(|g| !g.trim().is_empty()),
            dedup_id: None,
        })
    };
    let verdicts = move || -> Result<Vec<(String, bool, String)>, String> {
        let req = request()?;
        let names: Vec<String> = scenario.with(|s| s.subscriptions.iter().map(|x| x.name.clone()).collect());
        match preview(&req) {
            None => Err("There is no run to preview against.".into()),
            Some(Err(e)) => Err(e.to_string()),
            Some(Ok(fanout)) => Ok(fanout
                .into_iter()
                .map(|f| (names.get(f.subscription.0).cloned().unwrap_or_default(), f.delivered, f.reason))
                .collect()),
        }
    };
    // Display only, rewritten on every keystroke: markup (names escaped) rather than a tree.
    let preview_list = move || match verdicts() {
        Err(e) => view! { <p class="field-message" data-testid="composer-error">{e}</p> }.into_any(),
        Ok(list) => {
            let items: String = list
                .into_iter()
                .map(|(name, delivered, reason)| {
                    let (class, mark) = if delivered { ("yes", "✓ receives") } else { ("no", "✕ filtered out") };
                    format!(
                        r#"<li class="verdict {class}" data-testid="composer-verdict" data-delivered="{delivered}"><strong>{}</strong> {mark}: <span class="muted">{}</span></li>"#,
                        escape_markup(&name),
                        escape_markup(&reason)
                    )
                })
                .collect();
            view! { <ul class="sns-verdicts" data-testid="composer-preview" inner_html=items></ul> }.into_any()
        }
    };
    let on_click = move |_| {
        outcome.set(Some(request().and_then(on_publish)));
    };
    super::live::clear_on_restart(restarts, outcome);
    view! {
        <section class="panel sns-composer" aria-labelledby="composer-title" data-testid="composer">
            <h3 class="panel-title" id="composer-title">"Publish a message yourself"</h3>
            <div class="knob">
                <label for="composer-attributes">"Message attributes (JSON: strings, numbers, arrays of strings)"</label>
                <textarea id="composer-attributes" rows="2" spellcheck="false" data-testid="composer-attributes"
                    prop:value=move || attributes.get() on:input=move |ev| attributes.set(event_target_value(&ev))></textarea>
            </div>
            <div class="knob">
                <label for="composer-body">"Body"</label>
                <textarea id="composer-body" rows="2" spellcheck="false" data-testid="composer-body"
                    prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </div>
            // Only a FIFO topic takes a message group (hidden, not removed: what was typed stays).
            <div class="knob" hidden=move || scenario.with(|s| !s.topic.fifo)>
                <label for="composer-group">"MessageGroupId"</label>
                <input id="composer-group" type="text" prop:value=move || group.get() on:input=move |ev| group.set(event_target_value(&ev))/>
            </div>
            <p class="muted">"Before you publish, this is who would receive it, and why:"</p>
            {preview_list}
            <button type="button" class="button" data-testid="composer-publish" on:click=on_click
                disabled=move || verdicts().is_err() title=move || verdicts().err().unwrap_or_default()>"Publish"</button>
            <p class=move || match outcome.get() { Some(Err(_)) => "field-message", _ => "muted" } data-testid="composer-outcome" aria-live="polite">
                {move || outcome.get().map(|r| r.unwrap_or_else(|e| e))}
            </p>
        </section>
    }
}

/// The topic and publish settings, and one editor per subscription.
#[component]
fn ScenarioControls(
    live: LiveRun<SnsScenario, SnsModel>,
    scenario: RwSignal<SnsScenario>,
    modified: RwSignal<bool>,
    generation: RwSignal<u32>,
) -> impl IntoView {
    let apply = move |key: &str, value: &str| -> Result<(), String> {
        // A filter change in a run under way is made now, as SetSubscriptionAttributes would
        // make it: the run goes on from here (and a link replays it); other settings restart it.
        let now = live.now_secs();
        let at_now = now > 0.0 && knobs::is_filter_key(key);
        let next = scenario.with_untracked(|s| match at_now {
            true => knobs::change_filter_at(s, key, value, now),
            false => knobs::set(s, key, value),
        })?;
        if scenario.with_untracked(|s| *s != next) {
            match at_now {
                true => live.change_at_now(next),
                false => {
                    scenario.set(next);
                    modified.set(true);
                }
            }
        }
        Ok(())
    };
    let topic = Signal::derive(move || scenario.with(|s| if s.topic.fifo { "fifo" } else { "standard" }.to_owned()));
    // The editors are built again when the number of subscriptions changes or the scenario is
    // replaced (a preset, a file), not on each change typed into them.
    let editors = Memo::new(move |_| (scenario.with(|s| s.subscriptions.len()), generation.get()));
    view! {
        <fieldset class="sqs-knobs sns-knobs">
            <legend>"Scenario"</legend>
            <SelectField key=TOPIC_KEY label="Topic type" options=&TOPIC_OPTIONS value=topic
                apply=move |value: String| apply(TOPIC_KEY, &value)/>
            <SettingField key=RATE_KEY label="Publish rate (messages/s)" range="range 0–200"
                value=Signal::derive(move || scenario.with(|s| knobs::rate(s).map(|r| r.to_string()).unwrap_or_default()))
                apply=move |text: String| apply(RATE_KEY, &text) generation=generation/>
            <SettingField key=PROPAGATION_KEY label="Filter change propagation (s)" range="range 0–900 (AWS: up to 15 min)"
                value=Signal::derive(move || scenario.with(|s| s.topic.filter_propagation_s.to_string()))
                apply=move |text: String| apply(PROPAGATION_KEY, &text) generation=generation/>
            {move || {
                let (count, _) = editors.get();
                (0..count).map(|sub| view! { <SubscriptionEditor sub=sub scenario=scenario apply=apply generation=generation/> }).collect_view()
            }}
            <p class="muted knob-note">"A filter policy change in a running simulation is made at the current time, and takes the propagation delay to reach every copy (AWS: up to 15 minutes). Any other valid change restarts the run from 0 s with the same seed; an invalid one is explained and the previous setting keeps running."</p>
        </fieldset>
    }
}

/// The settings of one subscription: endpoint health and recovery, DLQ, raw delivery, queue
/// consumers, and its filter policy, validated as it is typed.
#[component]
fn SubscriptionEditor(
    sub: usize,
    scenario: RwSignal<SnsScenario>,
    apply: impl Fn(&str, &str) -> Result<(), String> + Copy + Send + Sync + 'static,
    generation: RwSignal<u32>,
) -> impl IntoView {
    let key = move |f: Field| f.key(sub).unwrap_or("");
    let value = move |f: Field| {
        Signal::derive(move || scenario.with(|s| s.subscriptions.get(sub).map(|x| f.get(x)).unwrap_or_default()))
    };
    let set = move |f: Field| Callback::new(move |text: String| apply(key(f), &text));
    let check = move |f: Field, label: &'static str| {
        let on = value(f);
        view! {
            <CheckField key=key(f) label=label checked=Signal::derive(move || on.with(|v| v == "1"))
                apply=move |checked: bool| apply(key(f), if checked { "1" } else { "0" })/>
        }
    };
    // A subscription's name and endpoint have no control: the editors are built again whenever
    // the scenario is replaced (`generation`), so they are read once.
    let (title, endpoint) = scenario.with_untracked(|s| {
        s.subscriptions
            .get(sub)
            .map(|x| (format!("{} · {}", x.name, x.endpoint.label()), Some(x.endpoint)))
            .unwrap_or_default()
    });
    let is = move |kind: EndpointKind| endpoint == Some(kind);
    view! {
        <fieldset class="sns-sub-editor" data-testid=format!("editor-{}", sub + 1)>
            <legend>{title}</legend>
            <SelectField key=key(Field::Health) label="Endpoint" options=&HEALTH_OPTIONS value=value(Field::Health) apply=set(Field::Health)/>
            <SettingField key=key(Field::Recover) label="Recovers after (s, 0 = never)" range="range 0–86,400"
                value=value(Field::Recover) apply=set(Field::Recover) generation=generation/>
            {check(Field::Dlq, "Dead-letter queue (redrive policy)")}
            {(!is(EndpointKind::Lambda)).then(|| check(Field::Raw, "Raw message delivery"))}
            {is(EndpointKind::Sqs).then(|| view! {
                <SettingField key=key(Field::Consumers) label="Queue consumers" range="range 0–20"
                    value=value(Field::Consumers) apply=set(Field::Consumers) generation=generation/>
            })}
            <SelectField key=key(Field::Scope) label="FilterPolicyScope" options=&SCOPE_OPTIONS value=value(Field::Scope) apply=set(Field::Scope)/>
            <SettingField key=key(Field::Filter) label="Filter policy (JSON; empty = every message)" range=""
                value=value(Field::Filter) apply=set(Field::Filter) generation=generation multiline=true/>
        </fieldset>
    }
}

/// The per-subscription table and the charts.
#[component]
fn Metrics(status: RwSignal<CounterView>, charts: Charts) -> impl IntoView {
    view! {
        <dl class="stats">
            <div>
                <dt>"Simulated time"</dt>
                <dd data-testid="sim-time">{move || format_sim_time(status.with(|s| s.now_secs))}</dd>
            </div>
            <div>
                <dt>"Published"</dt>
                <dd data-testid="count-published">{move || status.with(|s| s.published)}</dd>
            </div>
            <div>
                <dt>"Deduplicated"</dt>
                <dd data-testid="count-deduplicated">{move || status.with(|s| s.deduplicated)}</dd>
            </div>
        </dl>
        <div class="table-scroll">
            <table class="sns-table" data-testid="sub-table">
                <caption>"Per subscription"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Subscription"</th>
                        <th scope="col">"Matched"</th>
                        <th scope="col">"Filtered"</th>
                        <th scope="col">"Delivered"</th>
                        <th scope="col">"Retries"</th>
                        <th scope="col">"To DLQ"</th>
                        <th scope="col">"Lost"</th>
                        <th scope="col">"Out of order"</th>
                        <th scope="col">"Processed"</th>
                        <th scope="col">"By old policy"</th>
                    </tr>
                </thead>
                <tbody inner_html=move || status.with(|s| rows_markup(&s.rows))></tbody>
            </table>
        </div>
        <p class="hash-line muted">
            "Run hash so far: " <code data-testid="run-hash">{move || format_trace_hash(status.with(|s| s.hash))}</code>
        </p>
        <div class="chart-grid">
            {[
                (charts.published, "Published and retries", "per s"),
                (charts.delivered, "Delivered per subscription", "per s"),
                (charts.filtered, "Filtered out per subscription", "per s"),
                (charts.dlq, "Dead-letter queue depth (all subscriptions)", "messages"),
                (charts.lost, "Messages lost", "per s"),
            ]
            .map(|(series, title, y_unit)| view! { <TimeSeriesChart series=series title=title y_unit=y_unit min_span_secs=30.0/> })
            .collect_view()}
        </div>
    }
}

fn capture_charts(sim: &SnsSim, charts: Charts) {
    let names: Vec<String> = sim.model().scenario().subscriptions.iter().map(|s| s.name.clone()).collect();
    // Per-subscription series are named `delivered 1` …; the legend shows the endpoint's name.
    let pick = |wanted: &dyn Fn(&str) -> Option<String>| series_from(sim.metrics(), wanted);
    let per_sub = |prefix: &'static str| {
        let names = names.clone();
        move |name: &str| {
            let i: usize = name.strip_prefix(prefix)?.trim().parse().ok()?;
            names.get(i.checked_sub(1)?).cloned()
        }
    };
    charts.published.set(pick(&|n| matches!(n, "published" | "retries").then(|| n.to_string())));
    charts.delivered.set(pick(&per_sub("delivered")));
    charts.filtered.set(pick(&per_sub("filtered")));
    charts.dlq.set(pick(&|n| (n == "DLQ depth").then(|| "DLQ depth".to_string())));
    charts.lost.set(pick(&|n| (n == "lost").then(|| "lost".to_string())));
}
