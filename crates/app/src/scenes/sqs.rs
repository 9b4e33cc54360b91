//! The SQS playground: producers, a standard or FIFO queue drawn as three lanes, consumers and a
//! dead-letter queue, driven live by the engine, with knobs, presets, metrics and an inspector.
//!
//! The run lives outside the signal graph (a `StoredValue`); each frame advances it and publishes
//! plain snapshots (`snapshot.rs`) into signals that the SVG and the panels read.

mod knobs;
mod layout;
pub(super) mod presets;
pub(super) mod snapshot;

use engine::sqs::{DlqSettings, SqsScenario, SqsSim};
use leptos::prelude::*;

use super::knob::{ChoiceField, Knob, KnobField};
use super::live::{live_page, once_a_second, Drawing, EmbedFrame, LiveRun, PageParts, SceneSpec};
use super::preset::picker_entries;
use crate::components::chart_model::{series_from, with_fork};
use crate::components::{
    pace_of, paced, token_group, ForkChoice, ForkPanel, InspectorHint, MessageInspector, Pace, PresetPicker, Series,
    Stage, TimeSeriesChart,
};
use crate::share::{LinkParams, LinkedRun, Presets};
use crate::view_model::{compact_count, format_sim_time, format_trace_hash};
use knobs::{CHOICES, KNOBS};
use layout::*;
use presets::PRESETS;
use snapshot::{counters, diagram, dlq_announcement, history, CounterView, DiagramView, History};

/// Shortest wall-clock gap between two dead-letter announcements, so a screen reader keeps up.
const ANNOUNCE_EVERY_MS: f64 = 4_000.0;

/// The chart data of one frame: depth by lane, age of oldest, DLQ depth, throughput, empty receives,
/// duplicates processed and messages received out of order.
#[derive(Clone, Copy)]
struct Charts {
    depth: RwSignal<Vec<Series>>,
    oldest: RwSignal<Vec<Series>>,
    dlq: RwSignal<Vec<Series>>,
    throughput: RwSignal<Vec<Series>>,
    empty: RwSignal<Vec<Series>>,
    duplicates: RwSignal<Vec<Series>>,
}

/// The SQS playground scene.
#[component]
pub fn SqsScene() -> impl IntoView {
    // The run as the page's link describes it (see `share`): what the link cannot restore is
    // listed in `notices`, the rest opens as shared.
    let live = LiveRun::start(
        Presets(&PRESETS),
        SceneSpec {
            service: "SQS",
            new_run: SqsSim::try_new,
            to_file: SqsScenario::to_file_json,
            from_file: SqsScenario::from_file_json,
        },
    );
    let linked = live.linked;
    let LinkedRun { scenario, preset_key, modified, generation: knob_generation, view, .. } = linked;
    let view_data = RwSignal::new(DiagramView::default());
    let status = RwSignal::new(CounterView::default());
    let charts = Charts {
        depth: RwSignal::new(Vec::new()),
        oldest: RwSignal::new(Vec::new()),
        dlq: RwSignal::new(Vec::new()),
        throughput: RwSignal::new(Vec::new()),
        empty: RwSignal::new(Vec::new()),
        duplicates: RwSignal::new(Vec::new()),
    };
    let selected = RwSignal::new(None::<u64>);
    let inspected = RwSignal::new(None::<History>);
    let announcement = live.announcement;
    // The diagram is laid out for the width it gets, at most a comfortable reading width.
    let stage = Stage::new(760.0);

    // Dead-letter moves announced so far, and when (wall-clock ms).
    let dlq_said = StoredValue::new((0u64, f64::NEG_INFINITY));
    let fork_status = RwSignal::new(Vec::<(&'static str, u64)>::new());
    // Charts of the run, and of its fork beside it when there is one.
    let capture = move |sim: &SqsSim| {
        if live.with_fork(|fork| capture_charts(sim, Some(fork), charts)).is_none() {
            capture_charts(sim, None, charts);
        }
    };
    let chart = once_a_second(capture);
    let read = move || {
        if let Some(next) = live.with_fork(|fork| counters(fork).counters) {
            fork_status.set(next);
        }
        live.with(|sim| {
            let next = counters(sim);
            // Dead-letter moves are said at a readable pace: at most one announcement every few
            // seconds, naming the latest move and counting the others.
            let now_ms = crate::anim::now_ms();
            let (said, said_at) = dlq_said.get_value();
            if next.moved_to_dlq < said {
                dlq_said.set_value((0, f64::NEG_INFINITY));
            } else if now_ms - said_at >= ANNOUNCE_EVERY_MS {
                if let Some(text) = dlq_announcement(sim, said, next.moved_to_dlq) {
                    announcement.set(text);
                    dlq_said.set_value((next.moved_to_dlq, now_ms));
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
        snapshot: move |sim: &SqsSim| {
            let consumers = sim.model().consumer_slots();
            diagram(sim, &Layout::new(stage.width.get_untracked(), consumers))
        },
        crowded: |d: &DiagramView| d.dense.iter().any(|&dense| dense),
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
    let now_secs = Signal::derive(move || status.with(|s| s.now_secs));
    // Compare two futures: a fork changes the queue's attributes from the instant shown on.
    let recapture = move || {
        live.with(capture);
        read();
    };
    live.open_linked_fork(change_queue);
    recapture();
    let fork_panel = view! {
        <ForkPanel
            forked=Signal::derive(move || live.forked.get().map(|f| (f.at_s, f.change, f.waiting)))
            choices=Signal::derive(move || scenario.with(fork_choices))
            counters=Signal::derive(move || status.with(|s| s.counters.clone()))
            fork_counters=fork_status.into()
            on_fork=Callback::new(move |(key, value): (String, String)| {
                let key = key.trim();
                let next = scenario.with_untracked(|s| s.apply_param(key, value.trim()))?;
                next.validate().map_err(|e| crate::scenes::knob::in_words(&e))?;
                live.fork_here(next, change_queue)?;
                recapture();
                Ok(())
            })
            on_close=Callback::new(move |()| {
                live.close_fork();
                recapture();
            })
        />
    };

    if view.embed {
        let full_controls = view! {
            <PresetPicker entries=picker_entries(&PRESETS) preset_key=preset_key modified=modified on_pick=load_preset/>
            <ScenarioControls scenario=scenario modified=modified generation=knob_generation/>
            <Inspector inspected=inspected selected=selected/>
        }
        .into_any();
        let diagram =
            view! { <Diagram view_data=view_data stage=stage selected=selected on_select=select pace=pace_of(status)/> }.into_any();
        return view! {
            <EmbedFrame live=live label="SQS playground" diagram=diagram full_controls=full_controls
                now_secs=now_secs player=player frame=frame/>
        }
        .into_any();
    }

    let inspector_open = Signal::derive(move || inspected.with(Option::is_some));
    live_page(live, &PRESETS, player, now_secs, PageParts {
        id: "sqs-playground",
        title: "A queue between producers and consumers",
        intro: "Messages are tokens. They wait in the delayed lane, become visible, and go in flight when a consumer receives them; a delete removes them, an expired visibility timeout sends them back. Click a token to see its history. Pick a preset to see one behaviour at a time.",
        counters: Signal::derive(move || status.with(|s| s.counters.clone())),
        diagram: view! {
            <Diagram view_data=view_data stage=stage selected=selected on_select=select pace=pace_of(status)/>
            <InspectorHint open=inspector_open hint=INSPECTOR_HINT/>
        }
        .into_any(),
        beside: Some(view! { <Inspector inspected=inspected selected=selected beside=true/> }.into_any()),
        settings: view! { <ScenarioControls scenario=scenario modified=modified generation=knob_generation/> }.into_any(),
        metrics: view! { {fork_panel} <Metrics status=status charts=charts/> }.into_any(),
    })
}

/// The SVG diagram: producers, the queue's three lanes, consumers and the DLQ.
#[component]
fn Diagram(
    view_data: RwSignal<DiagramView>,
    stage: Stage,
    selected: RwSignal<Option<u64>>,
    #[prop(into)] on_select: Callback<u64>,
    /// When the counts on the diagram are rewritten.
    pace: Pace,
) -> impl IntoView {
    let layout = Memo::new(move |_| Layout::new(stage.width.get(), view_data.with(|d| d.consumers.len())));
    let w = move || layout.with(|l| l.w);
    let lanes = Lane::MAIN
        .iter()
        .enumerate()
        .map(|(idx, &lane)| {
            let y = lane_y(lane);
            let dense = move || view_data.with(|d| d.dense[idx]);
            let hidden = paced(pace, move || {
                view_data.with(|d| {
                    let extra = d.lane_counts[idx].saturating_sub(layout.with(|l| l.lane_capacity(lane, d.dense[idx])));
                    if extra > 0 {
                        format!("+{extra} more")
                    } else {
                        String::new()
                    }
                })
            });
            view! {
                <g class=format!("sqs-lane lane-bg-{}", lane.class())>
                    <rect class="sqs-lane-bg" x=PAD + 6.0 y=y width=move || w() - 2.0 * PAD - 12.0 height=LANE_H - 2.0 rx="6"></rect>
                    <text class="sqs-lane-label" x=PAD + 14.0 y=y + 28.0>{lane.label()}</text>
                    <text class="sqs-lane-count" x=PAD + 14.0 y=y + 48.0 data-testid=format!("lane-{}", lane.class())>
                        {paced(pace, move || view_data.with(|d| compact_count(d.lane_counts[idx] as u64)))}
                    </text>
                    <text class="sqs-overflow" x=move || layout.with(|l| l.overflow_pos(lane, dense()).0) y=move || layout.with(|l| l.overflow_pos(lane, dense()).1)>{hidden}</text>
                </g>
            }
        })
        .collect_view();
    let consumer_ids = move || view_data.with(|d| (0..d.consumers.len()).collect::<Vec<_>>());
    let consumer = move |idx: usize, read: fn(&snapshot::ConsumerView) -> String| {
        view_data.with(|d| d.consumers.get(idx).map(read).unwrap_or_default())
    };
    let label = paced(pace, move || {
        view_data.with(|d| {
            let dlq = match d.dlq_count {
                Some(n) => format!(", {n} in the dead-letter queue"),
                None => String::new(),
            };
            format!(
                "Queue {}: {} delayed, {} visible, {} in flight{dlq}.",
                d.queue_name, d.lane_counts[0], d.lane_counts[1], d.lane_counts[2]
            )
        })
    });
    let queue_title = move || {
        view_data.with(|d| {
            let kind = if d.queue_name.ends_with(".fifo") { "FIFO queue" } else { "standard queue" };
            let blocked = match d.blocked_groups.is_empty() {
                true => String::new(),
                false => format!(" · blocked: {}", d.blocked_groups.join(", ")),
            };
            format!("{} ({kind}){blocked}", d.queue_name)
        })
    };
    let arrow_x = move || w() / 2.0;
    let dlq_y = move || layout.with(Layout::dlq_y);
    view! {
        <figure class="sqs-figure">
          <div class="stage stage-sqs" node_ref=stage.node>
            <svg class="sqs-diagram" viewBox=move || layout.with(|l| format!("0 0 {} {}", l.w, l.height()))
                width=w height=move || layout.with(Layout::height) role="group" aria-label=label data-testid="sqs-diagram">
                <g aria-hidden="true">
                    <rect class="sqs-box" x=PAD y=PRODUCER_Y width=move || w() - 2.0 * PAD height=PRODUCER_H rx="8"></rect>
                    <text class="sqs-box-title" x=PAD + 10.0 y=PRODUCER_Y + 22.0>
                        "Producers: " {move || view_data.with(|d| d.producer_line.clone())}
                    </text>
                    <line class="sqs-arrow" x1=arrow_x y1=PRODUCER_Y + PRODUCER_H x2=arrow_x y2=QUEUE_Y - 2.0></line>
                    <text class="sqs-arrow-label" x=move || arrow_x() + 6.0 y=QUEUE_Y - 6.0>"SendMessage"</text>
                    <rect class="sqs-queue" x=PAD y=QUEUE_Y width=move || w() - 2.0 * PAD height=QUEUE_TITLE_H + 3.0 * LANE_H + 4.0 rx="10"></rect>
                    <text class="sqs-box-title" x=PAD + 10.0 y=QUEUE_Y + 17.0 data-testid="queue-title">{queue_title}</text>
                    {lanes}
                    <line class="sqs-arrow" x1=arrow_x y1=CONSUMERS_Y - 18.0 x2=arrow_x y2=CONSUMERS_Y - 2.0></line>
                    <text class="sqs-arrow-label" x=move || arrow_x() + 6.0 y=CONSUMERS_Y - 6.0>"ReceiveMessage"</text>
                    <For each=consumer_ids key=|idx| *idx let:idx>
                        {
                            let x = move || layout.with(|l| l.consumer_pos(idx).0);
                            let y = move || layout.with(|l| l.consumer_pos(idx).1);
                            view! {
                                <g class=move || {
                                    view_data.with(|d| d.consumers.get(idx).map_or_else(|| "sqs-consumer".to_string(), |c| c.class.clone()))
                                }>
                                    <rect x=x y=y width=move || layout.with(Layout::consumer_w) height=CONSUMER_H rx="6"></rect>
                                    <text class="sqs-consumer-name" x=move || x() + 7.0 y=move || y() + 15.0>{format!("consumer {}", idx + 1)}</text>
                                    <text class="sqs-consumer-line" x=move || x() + 7.0 y=move || y() + 29.0>{paced(pace, move || consumer(idx, |c| c.line1.clone()))}</text>
                                    <text class="sqs-consumer-line" x=move || x() + 7.0 y=move || y() + 42.0>{paced(pace, move || consumer(idx, |c| c.line2.clone()))}</text>
                                </g>
                            }
                        }
                    </For>
                    <text class="sqs-overflow" x=PAD y=move || dlq_y() - 4.0>
                        {move || view_data.with(|d| if d.consumers_hidden > 0 { format!("+{} more consumers", d.consumers_hidden) } else { String::new() })}
                    </text>
                    <rect class=move || if view_data.with(|d| d.dlq_count.is_some()) { "sqs-dlq" } else { "sqs-dlq off" }
                        x=PAD y=dlq_y width=move || w() - 2.0 * PAD height=DLQ_H rx="8"></rect>
                    <text class="sqs-box-title" x=PAD + 10.0 y=move || dlq_y() + 17.0>
                        {paced(pace, move || view_data.with(|d| match d.dlq_count {
                            Some(n) => format!("Dead-letter queue: {n} message{}", if n == 1 { "" } else { "s" }),
                            None => "No dead-letter queue: failures retry forever".to_string(),
                        }))}
                    </text>
                    <text class="sqs-overflow"
                        x=move || view_data.with(|d| layout.with(|l| l.overflow_pos(Lane::Dlq, d.dense[3]).0))
                        y=move || view_data.with(|d| layout.with(|l| l.overflow_pos(Lane::Dlq, d.dense[3]).1))>
                        {paced(pace, move || view_data.with(|d| {
                            let extra = d.dlq_count.unwrap_or(0).saturating_sub(layout.with(|l| l.lane_capacity(Lane::Dlq, d.dense[3])));
                            if extra > 0 { format!("+{extra}") } else { String::new() }
                        }))}
                    </text>
                </g>
                {token_group(move |f: &mut dyn FnMut(&_)| view_data.with(|d| f(&d.tokens)), selected, on_select, TOKEN_W, "sqs-tokens")}
            </svg>
          </div>
            <figcaption class="sqs-legend">
                "Bar under an in-flight token: visibility time left. Number on a token: receive count. "
                "FIFO tokens show their group; dashed tokens are blocked behind their group's in-flight message. "
                "Red outline: poison message. ↕ with an amber outline: received out of order (a message sent after it went first)."
            </figcaption>
        </figure>
    }
}

/// How to open the message inspector.
const INSPECTOR_HINT: &str =
    "Click a token to see that message's history (keyboard: Tab to the messages, arrow keys to move, Enter to open).";

/// The history of the selected message.
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
            title=Signal::derive(move || read(|h| format!("msg-{}: {}", h.id, h.now)))
            steps=Signal::derive(move || inspected.with(|h| h.as_ref().map(|h| h.steps.clone()).unwrap_or_default()))
            truncated=Signal::derive(move || inspected.with(|h| h.as_ref().is_some_and(|h| h.truncated)))
            hint=INSPECTOR_HINT
            hint_elsewhere=beside
            on_close=move |()| selected.set(None)
        >
            // What ReceiveMessage with AttributeNames=All returns for it (none once it is gone).
            <details class="sqs-attributes" open hidden=move || inspected.with(|h| h.as_ref().is_none_or(|h| h.system.is_empty()))>
                <summary>"System attributes a receive returns"</summary>
                <ul data-testid="inspector-attributes">
                    {move || inspected.with(|h| {
                        h.iter()
                            .flat_map(|h| h.system.iter())
                            .map(|(name, value)| view! { <li><code>{*name}</code>" "{value.clone()}</li> })
                            .collect_view()
                    })}
                </ul>
            </details>
        </MessageInspector>
    }
}

/// The scenario settings: queue type, DLQ and the numeric knobs.
#[component]
fn ScenarioControls(
    scenario: RwSignal<SqsScenario>,
    modified: RwSignal<bool>,
    generation: RwSignal<u32>,
) -> impl IntoView {
    let set = move |next: SqsScenario| {
        if scenario.with_untracked(|s| *s != next) {
            scenario.set(next);
            modified.set(true);
        }
    };
    let on_dlq = move |ev: leptos::ev::Event| {
        let mut next = scenario.get_untracked();
        next.dlq = event_target_checked(&ev).then(DlqSettings::default);
        set(next);
    };
    // The choice of whose receive wait applies goes just before the receive wait.
    let split = KNOBS.iter().position(|k| k.key == "wait").unwrap_or(KNOBS.len());
    let knob_fields = |knobs: &'static [Knob<SqsScenario>]| {
        knobs
            .iter()
            .map(|knob| view! { <KnobField knob=knob scenario=scenario modified=modified generation=generation/> })
            .collect_view()
    };
    let (first_knobs, last_knobs) = (knob_fields(&KNOBS[..split]), knob_fields(&KNOBS[split..]));
    view! {
        <fieldset class="sqs-knobs">
            <legend>"Scenario"</legend>
            <ChoiceField choice=&CHOICES[0] scenario=scenario on_change=set/>
            <div class="knob knob-check">
                <input
                    id="knob-dlq"
                    type="checkbox"
                    data-testid="knob-dlq"
                    prop:checked=move || scenario.with(|s| s.dlq.is_some())
                    on:change=on_dlq
                />
                <label for="knob-dlq">"Dead-letter queue (redrive policy)"</label>
            </div>
            <ChoiceField choice=&CHOICES[1] scenario=scenario on_change=set/>
            <ChoiceField choice=&CHOICES[2] scenario=scenario on_change=set/>
            {first_knobs}
            <ChoiceField choice=&CHOICES[3] scenario=scenario on_change=set/>
            {last_knobs}
            <p class="muted knob-note">"A valid change restarts the run from 0 s with the same seed; an invalid one is explained and ignored."</p>
        </fieldset>
    }
}

/// Counters, latency, API calls and the charts.
#[component]
fn Metrics(status: RwSignal<CounterView>, charts: Charts) -> impl IntoView {
    let counter_ids = move || status.with(|s| (0..s.counters.len()).collect::<Vec<_>>());
    let secs = |v: Option<f64>| v.map_or("—".to_string(), |s| format!("{s:.2} s"));
    view! {
        <dl class="stats">
            <div>
                <dt>"Simulated time"</dt>
                <dd data-testid="sim-time">{move || format_sim_time(status.with(|s| s.now_secs))}</dd>
            </div>
            <For each=counter_ids key=|idx| *idx let:idx>
                {
                    let name = status.with_untracked(|s| s.counters.get(idx).map(|c| c.0).unwrap_or_default());
                    view! {
                        <div>
                            <dt>{name}</dt>
                            <dd data-testid=format!("count-{}", name.replace(' ', "-"))>
                                {move || status.with(|s| s.counters.get(idx).map_or(0, |c| c.1))}
                            </dd>
                        </div>
                    }
                }
            </For>
            <div>
                <dt>"DLQ depth"</dt>
                <dd data-testid="dlq-depth">{move || status.with(|s| s.dlq_depth)}</dd>
            </div>
            <div>
                <dt>"Latency p50"</dt>
                <dd>{move || secs(status.with(|s| s.p50))}</dd>
            </div>
            <div>
                <dt>"Latency p99"</dt>
                <dd>{move || secs(status.with(|s| s.p99))}</dd>
            </div>
        </dl>
        <p class="hash-line muted">"Latency is send → delete. API calls: "
            <span data-testid="api-calls">
                {move || status.with(|s| {
                    if s.api_calls.is_empty() {
                        "none yet".to_string()
                    } else {
                        s.api_calls.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(" · ")
                    }
                })}
            </span>
        </p>
        <p class="cost-line">
            "Billed requests: " <span data-testid="billed-requests">{move || status.with(|s| s.billed_requests)}</span>
            " · estimated cost " <strong data-testid="cost">{move || status.with(|s| format_usd(s.cost_usd))}</strong>
            <span class="muted">
                {move || status.with(|s| format!(
                    " (an estimate at the list price, ${:.2} per million requests in US East; each started 64 KB of payload is a request; free tier not applied)",
                    s.usd_per_million
                ))}
            </span>
        </p>
        <p class="hash-line muted">
            "Run hash so far: " <code data-testid="run-hash">{move || format_trace_hash(status.with(|s| s.hash))}</code>
        </p>
        <div class="chart-grid">
            <TimeSeriesChart series=charts.depth title="Queue depth by lane" y_unit="messages" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.oldest title="Age of oldest message" y_unit="s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.throughput title="Throughput" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.empty title="Empty receives" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.duplicates title="Duplicates and out-of-order receives" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.dlq title="Dead-letter queue depth" y_unit="messages" min_span_secs=30.0/>
        </div>
    }
}

/// How a fork changes the run: `SetQueueAttributes` on the running queue.
fn change_queue(sim: &mut SqsSim, next: &SqsScenario) -> Result<(), String> {
    sim.act(|m, cx| m.set_queue_attributes(cx, next))
}

/// The settings a fork may change: the queue's attributes (what `SetQueueAttributes` changes in a
/// running queue), with their values in `s`.
fn fork_choices(s: &SqsScenario) -> Vec<ForkChoice> {
    const KEYS: [&str; 5] = ["visibility", "max-receive", "queue-wait", "delay", "retention"];
    KEYS.iter()
        .filter_map(|key| {
            let knob = KNOBS.iter().find(|k| k.key == *key)?;
            let value = (knob.get)(s)?;
            Some(ForkChoice { key: knob.key, label: knob.label, value: crate::scenes::knob::format_value(value) })
        })
        .collect()
}

fn capture_charts(sim: &SqsSim, fork: Option<&SqsSim>, charts: Charts) {
    let pick = |names: &[&str]| {
        let of = |sim: &SqsSim| series_from(sim.metrics(), |n| names.contains(&n).then(|| n.to_owned()));
        match fork {
            Some(fork) => with_fork(of(sim), of(fork)),
            None => of(sim),
        }
    };
    charts.depth.set(pick(&["visible", "in flight", "delayed"]));
    charts.throughput.set(pick(&["sent", "deleted"]));
    charts.oldest.set(pick(&["age of oldest"]));
    charts.empty.set(pick(&["empty receives"]));
    charts.duplicates.set(pick(&["duplicates processed", "out of order"]));
    charts.dlq.set(pick(&["DLQ depth"]));
}

/// Dollars with enough digits to show a cost that is still a fraction of a cent.
fn format_usd(usd: f64) -> String {
    if usd >= 1.0 {
        format!("${usd:.2}")
    } else if usd >= 0.01 {
        format!("${usd:.4}")
    } else {
        format!("${usd:.6}")
    }
}
