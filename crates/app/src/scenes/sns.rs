//! The SNS playground: a publisher, a topic and its subscriptions (SQS queues with consumers, a
//! Lambda function, HTTP/S endpoints), each with its filter policy, endpoint health and
//! dead-letter queue, driven live by the engine; a filter-policy editor per subscription, a
//! message composer that previews the fan-out, charts and an inspector that says why.
//!
//! Like the SQS scene, the run lives outside the signal graph (a `StoredValue`); each frame
//! advances it and publishes plain snapshots (`snapshot.rs`) into signals.

mod knobs;
mod presets;
mod snapshot;

use engine::sns::{EndpointKind, PublishRequest, SnsScenario, SnsSim};
use engine::{ConfigError, RunOutcome, SimDuration, SimTime};
use leptos::prelude::*;

use crate::anim::{prefers_reduced_motion, use_animation_frame};
use crate::components::{
    log_entries, token_id_of, Announcer, EventLog, LayoutControls, LayoutDiagram, LayoutHeader, LayoutMetrics,
    LinkNotices, LogEntry, PlayerControls, PlaygroundLayout, PresetPicker, ScenarioFile, Series, ShareLinks,
    SharePanel, TimeSeriesChart, TokenLayer,
};
use crate::embed::{use_host_bridge, use_in_view, HostRequest};
use crate::share::{Controls, Defaults, LinkedRun, Presets, ViewOptions};
use crate::view_model::{format_sim_time, format_trace_hash, sim_advance_micros};
use knobs::{Field, HEALTH_OPTIONS, RATE_KEY, TOPIC_KEY};
use presets::{preset, PRESETS};
use snapshot::*;

/// The seed the page opens with.
const DEFAULT_SEED: u32 = 42;
/// The speed the page opens with.
const DEFAULT_SPEED: f64 = 1.0;
/// Lines kept in the event log.
const LOG_LINES: usize = 40;
/// Lines of the event log an embed shows to readers who prefer reduced motion.
const EMBED_LOG_LINES: usize = 5;

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
    let linked = LinkedRun::open(
        Presets {
            first: PRESETS[0].key,
            name: |k| preset(k).map(|p| p.name),
            build: |k| preset(k).map(|p| (p.scenario)()),
        },
        Defaults { seed: DEFAULT_SEED, speed: DEFAULT_SPEED, playing: !prefers_reduced_motion() },
    );
    let LinkedRun { scenario, preset_key, modified, generation, notices, state, view, .. } = linked;
    let run_error = RwSignal::new(None::<String>);

    let mut first_run = new_run(&scenario.get_untracked(), state.seed.get_untracked()).ok();
    if let (Some(run), Some(t)) = (first_run.as_mut(), linked.start_secs) {
        run.run_until_done(SimTime::ZERO + SimDuration::from_secs_f64(t));
    }
    let sim = StoredValue::new_local(first_run);
    let view_data = RwSignal::new(DiagramView::default());
    let status = RwSignal::new(CounterView::default());
    let log = RwSignal::new(Vec::<LogEntry>::new());
    let charts = Charts {
        published: RwSignal::new(Vec::new()),
        delivered: RwSignal::new(Vec::new()),
        filtered: RwSignal::new(Vec::new()),
        dlq: RwSignal::new(Vec::new()),
        lost: RwSignal::new(Vec::new()),
    };
    let selected = RwSignal::new(None::<u64>);
    let inspected = RwSignal::new(None::<History>);
    let announcement = RwSignal::new(String::new());

    let publish = move || {
        sim.with_value(|sim| {
            let Some(sim) = sim else { return };
            let next = counters(sim);
            if next.events != status.with_untracked(|s| s.events) || next.events == 0 {
                log.set(log_entries(sim.trace(), LOG_LINES));
            }
            view_data.set(diagram(sim));
            capture_charts(sim, charts);
            if let Some(id) = selected.get_untracked() {
                inspected.set(Some(history(sim, id)));
            }
            status.set(next);
        })
    };
    let rebuild = move |scenario: &SnsScenario, seed: u32| match new_run(scenario, seed) {
        Ok(run) => {
            sim.set_value(Some(run));
            run_error.set(None);
            publish();
        }
        // Scenarios are validated before they get here; if one still fails, the last run keeps going.
        Err(err) => run_error.set(Some(err.to_string())),
    };
    publish();

    Effect::watch(
        move || state.seed.get(),
        move |seed, _, _| {
            scenario.with_untracked(|s| rebuild(s, *seed));
            announcement.set(format!("New run with seed {seed}."));
        },
        false,
    );
    Effect::watch(
        move || scenario.get(),
        move |next, _, _| {
            rebuild(next, state.seed.get_untracked());
            selected.set(None);
            inspected.set(None);
        },
        false,
    );

    linked.follow_in_address_bar();
    let link_at = move |with_time: bool, view: ViewOptions| {
        let now = with_time.then(|| sim.with_value(|sim| sim.as_ref().map_or(0.0, |s| s.now().as_secs_f64())));
        linked.url(now, view)
    };
    let share_links = ShareLinks {
        page: Callback::new(move |with_time| link_at(with_time, ViewOptions::default())),
        embed: Callback::new(move |with_time| {
            link_at(with_time, ViewOptions { embed: true, ..ViewOptions::default() })
        }),
    };
    let export_file = move |()| {
        let name = preset_key.with_untracked(|k| format!("nimbus-sns-{k}.json"));
        (name, scenario.with_untracked(SnsScenario::to_file_json))
    };
    let import_file = move |text: String| -> Result<String, String> {
        let linkable = linked.import(SnsScenario::from_file_json(&text)?);
        Ok(match linkable {
            true => "Imported: the run restarted with this scenario, and links carry it.".to_string(),
            false => "Imported: the run restarted with this scenario. Some of its settings have no control here, so a link cannot carry them; share the file instead.".to_string(),
        })
    };
    let share_title = Signal::derive(move || {
        let name = preset_key.with(|k| preset(k).map_or("", |p| p.name));
        format!("Nimbus SNS playground: {name}")
    });

    let frame = NodeRef::<leptos::html::Section>::new();
    let in_view = if view.embed { use_in_view(frame) } else { Signal::derive(|| true) };
    let active = Signal::derive(move || state.playing.get() && in_view.get());
    use_animation_frame(active, move |dt_ms| {
        let advance = sim_advance_micros(dt_ms, state.speed.get_untracked());
        if advance == 0 {
            return;
        }
        let outcome = sim
            .try_update_value(|sim| {
                sim.as_mut().map(|sim| {
                    let target = sim.now() + SimDuration::from_micros(advance);
                    sim.run_until(target)
                })
            })
            .flatten();
        publish();
        if outcome == Some(RunOutcome::Idle) {
            state.playing.set(false);
            announcement.set("The run is over: nothing more is scheduled.".to_string());
        }
    });

    let on_step = move || {
        sim.update_value(|sim| {
            if let Some(sim) = sim {
                sim.step();
            }
        });
        publish();
    };
    let on_reset = move || {
        let seed = state.seed.get_untracked();
        scenario.with_untracked(|s| rebuild(s, seed));
        announcement.set(format!("Run reset to 0 s with seed {seed}."));
    };
    let select = move |id: u64| {
        selected.set(Some(id));
        sim.with_value(|sim| {
            if let Some(sim) = sim {
                inspected.set(Some(history(sim, id)));
            }
        });
    };
    let load_preset = move |key: String| {
        if linked.load_preset(&key) {
            let name = preset(&key).map_or("", |p| p.name);
            announcement.set(format!("Preset loaded: {name}."));
        }
    };
    // The composer publishes into the running simulation, now.
    let publish_composed = move |req: PublishRequest| -> Result<String, String> {
        let result = sim
            .try_update_value(|sim| sim.as_mut().map(|sim| sim.act(|m, cx| m.publish_composed(cx, req))))
            .flatten()
            .ok_or_else(|| "There is no run to publish into.".to_string())?;
        publish();
        match result {
            Ok(id) => {
                let text = format!("Published msg-{id}: watch its copies leave the topic.");
                announcement.set(text.clone());
                Ok(text)
            }
            Err(e) => Err(e.to_string()),
        }
    };
    let preview = move |req: &PublishRequest| sim.with_value(|sim| sim.as_ref().map(|s| s.model().preview(req)));

    if view.embed {
        use_host_bridge(move |request| match request {
            HostRequest::Play => state.playing.set(true),
            HostRequest::Pause => state.playing.set(false),
            HostRequest::Set(query) => linked.apply_patch(&query),
        });
        let full_link = move || linked.url(None, ViewOptions::default());
        let controls = match view.controls {
            Controls::None => None,
            Controls::Min => Some(
                view! { <PlayerControls state=state on_step=on_step on_reset=on_reset compact=true shortcuts=true/> }
                    .into_any(),
            ),
            Controls::Full => Some(
                view! {
                    <PlayerControls state=state on_step=on_step on_reset=on_reset shortcuts=true/>
                    <PresetPicker options=preset_options() explain=explain preset_key=preset_key modified=modified on_pick=load_preset/>
                    <Inspector inspected=inspected selected=selected/>
                }
                .into_any(),
            ),
        };
        return view! {
            <section class="embed-frame" node_ref=frame aria-label="SNS playground" data-testid="embed-frame">
                <LinkNotices notices=notices/>
                <Diagram view_data=view_data selected=selected on_select=select/>
                {prefers_reduced_motion().then(|| view! { <EventLog entries=log label="Recent SNS events" max_entries=EMBED_LOG_LINES/> })}
                {controls.map(|c| view! { <div class="embed-controls panel">{c}</div> })}
                <p class="embed-footer muted">
                    <span data-testid="sim-time">{move || format_sim_time(status.with(|s| s.now_secs))}</span>
                    " simulated · "
                    <a href=full_link target="_blank" rel="noopener" data-testid="open-full">"Open in Nimbus ↗"</a>
                </p>
                <Announcer message=announcement/>
            </section>
        }
        .into_any();
    }

    view! {
        <PlaygroundLayout id="sns-playground">
            <LayoutHeader slot>
                <h2>"One publish, many subscribers"</h2>
                <p>
                    "Each token is one copy of a message. A publish appears at the topic and splits: a copy goes to every subscription whose filter policy matches, and a copy the filter stops stays at its subscription with a ✕. Failed deliveries wait under their subscription for the next retry; what runs out of retries drops into the dead-letter queue, or is lost. Click a token to see why."
                </p>
                <LinkNotices notices=notices/>
            </LayoutHeader>
            <LayoutDiagram slot>
                <Diagram view_data=view_data selected=selected on_select=select/>
                <Inspector inspected=inspected selected=selected/>
                <Composer scenario=scenario preview=preview on_publish=publish_composed/>
            </LayoutDiagram>
            <LayoutControls slot>
                <PlayerControls state=state on_step=on_step on_reset=on_reset shortcuts=true/>
                <SharePanel links=share_links title=share_title now_secs=Signal::derive(move || status.with(|s| s.now_secs))/>
                <ScenarioFile export=export_file import=import_file/>
                <PresetPicker options=preset_options() explain=explain preset_key=preset_key modified=modified on_pick=load_preset/>
                <ScenarioControls scenario=scenario modified=modified generation=generation/>
                <p class="field-message" data-testid="run-error">{move || run_error.get()}</p>
            </LayoutControls>
            <LayoutMetrics slot>
                <Metrics status=status charts=charts/>
                <h3 class="panel-title">"Recent events"</h3>
                <EventLog entries=log label="Recent SNS events" max_entries=LOG_LINES/>
                <Announcer message=announcement/>
            </LayoutMetrics>
        </PlaygroundLayout>
    }
    .into_any()
}

/// The SVG diagram: publisher, topic, subscription columns with endpoints and DLQs.
#[component]
fn Diagram(
    view_data: RwSignal<DiagramView>,
    selected: RwSignal<Option<u64>>,
    #[prop(into)] on_select: Callback<u64>,
) -> impl IntoView {
    let token_root = NodeRef::<leptos::svg::G>::new();
    let layer = StoredValue::new_local(None::<TokenLayer<TokenView>>);
    Effect::new(move |_| {
        let Some(root) = token_root.get() else { return };
        let selected = selected.get();
        view_data.with(|d| {
            layer.update_value(|layer| {
                if layer.is_none() {
                    *layer = TokenLayer::new(root.into(), SNS_TOKEN_W);
                }
                if let Some(layer) = layer.as_mut() {
                    layer.render(&d.tokens, selected);
                }
            })
        });
    });
    let count = move || view_data.with(|d| d.columns.len());
    let column_ids = move || (0..count()).collect::<Vec<_>>();
    let col = move |i: usize, read: fn(&ColumnView) -> String| {
        view_data.with(|d| d.columns.get(i).map(read).unwrap_or_default())
    };
    let label = move || {
        view_data.with(|d| {
            let subs: Vec<String> = d
                .columns
                .iter()
                .map(|c| {
                    format!(
                        "{} ({}, {}; {})",
                        c.name,
                        c.kind,
                        c.health,
                        c.counts.replace('✓', "matched").replace('✕', "filtered")
                    )
                })
                .collect();
            format!("{}. {}. Subscriptions: {}.", d.topic_title, d.topic_line, subs.join("; "))
        })
    };
    let topic_x = VIEW_W / 2.0 - 170.0;
    view! {
        <figure class="sqs-figure sns-figure">
            <div class="sns-scroll" tabindex="0" aria-label="Diagram (scrolls sideways on narrow screens)">
            <svg class="sqs-diagram sns-diagram" viewBox=format!("0 0 {VIEW_W} {VIEW_H}") role="group" aria-label=label data-testid="sns-diagram">
                <g aria-hidden="true">
                    <rect class="sqs-box" x=PAD y=PUBLISHER_Y width=VIEW_W - 2.0 * PAD height="40" rx="8"></rect>
                    <text class="sqs-box-title" x=PAD + 10.0 y=PUBLISHER_Y + 25.0>{move || view_data.with(|d| d.publisher_line.clone())}</text>
                    <line class="sqs-arrow" x1=VIEW_W / 2.0 y1=PUBLISHER_Y + 40.0 x2=VIEW_W / 2.0 y2=TOPIC_Y - 2.0></line>
                    <text class="sqs-arrow-label" x=VIEW_W / 2.0 + 6.0 y=TOPIC_Y - 8.0>"Publish"</text>
                    <rect class="sns-topic" x=topic_x y=TOPIC_Y width="340" height=TOPIC_H rx="10"></rect>
                    <text class="sqs-box-title" x=topic_x + 10.0 y=TOPIC_Y + 18.0 data-testid="topic-title">{move || view_data.with(|d| d.topic_title.clone())}</text>
                    <text class="sqs-consumer-line" x=topic_x + 10.0 y=TOPIC_Y + 32.0 data-testid="topic-line">{move || view_data.with(|d| d.topic_line.clone())}</text>
                    <For each=column_ids key=move |i| (*i, count()) let:i>
                        {
                            let n = count();
                            let (x, w) = column(i, n);
                            let mid = x + w / 2.0;
                            let failing = move || view_data.with(|d| d.columns.get(i).is_some_and(|c| c.failing));
                            view! {
                                <g class=move || if failing() { "sns-column failing" } else { "sns-column" } data-testid=format!("sub-{}", i + 1)>
                                    <line class="sqs-arrow" x1=VIEW_W / 2.0 y1=TOPIC_Y + TOPIC_H x2=mid y2=SUB_Y - 2.0></line>
                                    <rect class="sns-sub" x=x + 4.0 y=SUB_Y width=w - 8.0 height=SUB_H rx="8"></rect>
                                    <text class="sqs-box-title" x=x + 12.0 y=SUB_Y + 17.0>{move || col(i, |c| c.name.clone())}</text>
                                    <text class="sqs-consumer-line" x=x + 12.0 y=SUB_Y + 33.0>{move || col(i, |c| c.filter.clone())}</text>
                                    <text class="sqs-consumer-line sns-counts" x=x + 12.0 y=SUB_Y + 50.0 data-testid=format!("sub-{}-counts", i + 1)>{move || col(i, |c| c.counts.clone())}</text>
                                    <text class="sqs-overflow" x=x + 12.0 y=RETRY_Y + 14.0>
                                        {move || view_data.with(|d| d.columns.get(i).map_or_else(String::new, |c| match (c.retrying, c.hidden[0]) {
                                            (0, _) => String::new(),
                                            (n, 0) => format!("waiting: {n}"),
                                            (n, h) => format!("waiting: {n} (+{h})"),
                                        }))}
                                    </text>
                                    <line class="sqs-arrow" x1=mid y1=SUB_Y + SUB_H x2=mid y2=ENDPOINT_Y - 2.0></line>
                                    <rect class="sns-endpoint" x=x + 4.0 y=ENDPOINT_Y width=w - 8.0 height=ENDPOINT_H rx="8"></rect>
                                    <text class="sqs-box-title" x=x + 12.0 y=ENDPOINT_Y + 17.0>{move || col(i, |c| c.kind.to_string())}</text>
                                    <text class="sqs-consumer-line sns-health" x=x + 12.0 y=ENDPOINT_Y + 32.0 data-testid=format!("sub-{}-health", i + 1)>{move || col(i, |c| c.health.to_string())}</text>
                                    <text class="sqs-consumer-line" x=x + 12.0 y=ENDPOINT_Y + 46.0>{move || col(i, |c| c.endpoint_line.clone())}</text>
                                    <text class="sqs-overflow" x=x + 12.0 y=ENDPOINT_Y + ENDPOINT_H - 6.0>
                                        {move || view_data.with(|d| d.columns.get(i).map_or_else(String::new, |c| if c.hidden[1] > 0 { format!("+{} more", c.hidden[1]) } else { String::new() }))}
                                    </text>
                                    <rect class=move || if view_data.with(|d| d.columns.get(i).is_some_and(|c| c.dlq.is_some())) { "sqs-dlq" } else { "sqs-dlq off" }
                                        x=x + 4.0 y=DLQ_Y width=w - 8.0 height=DLQ_H rx="8"></rect>
                                    <text class="sqs-box-title" x=x + 12.0 y=DLQ_Y + 17.0 data-testid=format!("sub-{}-dlq", i + 1)>
                                        {move || view_data.with(|d| d.columns.get(i).map_or_else(String::new, |c| match c.dlq {
                                            Some(n) => format!("DLQ: {n}"),
                                            None => format!("No DLQ · lost: {}", c.lost),
                                        }))}
                                    </text>
                                </g>
                            }
                        }
                    </For>
                </g>
                <g
                    class="sqs-tokens sns-tokens"
                    node_ref=token_root
                    on:click=move |ev| {
                        if let Some(id) = token_id_of(ev.target()) {
                            on_select.run(id);
                        }
                    }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        let Some(id) = token_id_of(ev.target()) else { return };
                        let step = match ev.key().as_str() {
                            "Enter" | " " => {
                                ev.prevent_default();
                                on_select.run(id);
                                return;
                            }
                            "ArrowRight" | "ArrowDown" => 1,
                            "ArrowLeft" | "ArrowUp" => -1,
                            "Home" => isize::MIN,
                            "End" => isize::MAX,
                            _ => return,
                        };
                        ev.prevent_default();
                        layer.update_value(|layer| {
                            if let Some(layer) = layer.as_mut() {
                                layer.move_focus(id, step);
                            }
                        });
                    }
                ></g>
            </svg>
            </div>
            <figcaption class="sqs-legend">
                "Label on a token: the kind of message. ✕ (crossed out) at a subscription: its filter stopped that copy. "
                "Number on a token: delivery attempts. Amber, under a subscription: waiting for its next retry (dashed: on a FIFO topic, waiting behind an earlier message of its group). "
                "Blue: on its way, or being processed by a queue consumer; green: delivered to a function or endpoint; dark red: in a dead-letter queue; red: lost. Crowded areas draw small tokens."
            </figcaption>
        </figure>
    }
}

/// What the selected copy went through, why, and what its endpoint receives.
#[component]
fn Inspector(inspected: RwSignal<Option<History>>, selected: RwSignal<Option<u64>>) -> impl IntoView {
    let read = move |f: fn(&History) -> String| inspected.with(|h| h.as_ref().map(f).unwrap_or_default());
    let steps = move || {
        inspected.with(|h| {
            h.as_ref()
                .map(|h| {
                    h.steps
                        .iter()
                        .map(|s| {
                            view! {
                                <li>
                                    <span class="log-time">{format_sim_time(s.at_secs)}</span>
                                    " "
                                    <span class="badge" data-reason=s.reason>{s.reason}</span>
                                    " "
                                    <span class="log-message">{s.text.clone()}</span>
                                </li>
                            }
                        })
                        .collect_view()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <section class="sqs-inspector" aria-label="Message inspector" data-testid="inspector">
            <h3 class="panel-title">"Message inspector"</h3>
            <Show
                when=move || inspected.with(Option::is_some)
                fallback=|| view! { <p class="muted">"Click a token to see that message's fan-out: which subscriptions got it, which filters stopped it and why, and what the endpoint receives (keyboard: Tab to the messages, arrow keys to move, Enter to open)."</p> }
            >
                <p>
                    <strong>{move || read(|h| format!("msg-{} → {}", h.message, h.subscription))}</strong>
                    " "
                    <button type="button" class="button small" on:click=move |_| selected.set(None)>"Close"</button>
                </p>
                <p data-testid="inspector-decision">{move || read(|h| h.decision.clone())}</p>
                <p class="muted">
                    {move || read(|h| if h.truncated { "Older history has scrolled out of the recent-events window (the last 512 events); these are the steps still in it.".into() } else { String::new() })}
                </p>
                <div class="event-log">
                    <ol aria-label="Message history" tabindex="0">{steps}</ol>
                </div>
                <Show when=move || inspected.with(|h| h.as_ref().is_some_and(|h| h.payload.is_some()))>
                    <details class="sns-payload">
                        <summary>{move || read(|h| if h.raw { "What the endpoint receives (raw delivery: the body as-is)".into() } else { "What the endpoint receives (the JSON envelope; raw delivery is off)".into() })}</summary>
                        <pre data-testid="inspector-payload">{move || read(|h| h.payload.clone().unwrap_or_default())}</pre>
                    </details>
                </Show>
            </Show>
        </section>
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
    let preview_list = move || match verdicts() {
        Err(e) => view! { <p class="field-message" data-testid="composer-error">{e}</p> }.into_any(),
        Ok(list) => {
            let items = list
                .into_iter()
                .map(|(name, delivered, reason)| {
                    let mark = if delivered { "✓ receives" } else { "✕ filtered out" };
                    view! {
                        <li class=if delivered { "verdict yes" } else { "verdict no" } data-testid="composer-verdict" data-delivered=delivered.to_string()>
                            <strong>{name}</strong> " " {mark} ": " <span class="muted">{reason}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="sns-verdicts" data-testid="composer-preview">{items}</ul> }.into_any()
        }
    };
    let on_click = move |_| {
        outcome.set(Some(request().and_then(on_publish)));
    };
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
            <Show when=move || scenario.with(|s| s.topic.fifo)>
                <div class="knob">
                    <label for="composer-group">"MessageGroupId"</label>
                    <input id="composer-group" type="text" prop:value=move || group.get() on:input=move |ev| group.set(event_target_value(&ev))/>
                </div>
            </Show>
            <p class="muted">"Before you publish, this is who would receive it, and why:"</p>
            {preview_list}
            <button type="button" class="button" data-testid="composer-publish" on:click=on_click>"Publish"</button>
            <p class=move || match outcome.get() { Some(Err(_)) => "field-message", _ => "muted" } data-testid="composer-outcome" aria-live="polite">
                {move || outcome.get().map(|r| r.unwrap_or_else(|e| e))}
            </p>
        </section>
    }
}

/// The topic and publish settings, and one editor per subscription.
#[component]
fn ScenarioControls(
    scenario: RwSignal<SnsScenario>,
    modified: RwSignal<bool>,
    generation: RwSignal<u32>,
) -> impl IntoView {
    let apply = move |key: &str, value: &str| -> Result<(), String> {
        let next = scenario.with_untracked(|s| knobs::set(s, key, value))?;
        if scenario.with_untracked(|s| *s != next) {
            scenario.set(next);
            modified.set(true);
        }
        Ok(())
    };
    let topic_error = RwSignal::new(None::<String>);
    let subs = move || scenario.with(|s| (0..s.subscriptions.len()).collect::<Vec<_>>());
    view! {
        <fieldset class="sqs-knobs sns-knobs">
            <legend>"Scenario"</legend>
            <div class="knob">
                <label for="knob-topic">"Topic type"</label>
                <select id="knob-topic" data-testid="knob-topic" on:change=move |ev| {
                    topic_error.set(apply(TOPIC_KEY, &event_target_value(&ev)).err());
                }>
                    <option value="standard" prop:selected=move || scenario.with(|s| !s.topic.fifo)>"Standard"</option>
                    <option value="fifo" prop:selected=move || scenario.with(|s| s.topic.fifo)>"FIFO"</option>
                </select>
                <p class="field-message" data-testid="knob-topic-message">{move || topic_error.get()}</p>
            </div>
            <TextField key=RATE_KEY label="Publish rate (messages/s)" range="range 0–200"
                value=Signal::derive(move || scenario.with(|s| knobs::rate(s).map(|r| r.to_string()).unwrap_or_default()))
                apply=apply generation=generation multiline=false/>
            <For each=subs key=move |i| (*i, generation.get()) let:i>
                <SubscriptionEditor sub=i scenario=scenario apply=apply generation=generation/>
            </For>
            <p class="muted knob-note">"A valid change restarts the run from 0 s with the same seed; an invalid one is explained and the previous setting keeps running."</p>
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
    let settings = move || scenario.with(|s| s.subscriptions.get(sub).cloned().unwrap_or_default());
    let key = move |f: Field| f.key(sub).unwrap_or("");
    let value = move |f: Field| {
        Signal::derive(move || scenario.with(|s| s.subscriptions.get(sub).map(|x| f.get(x)).unwrap_or_default()))
    };
    let error = RwSignal::new(None::<String>);
    let title = move || {
        let s = settings();
        format!("{} · {}", s.name, s.endpoint.label())
    };
    let health_id = format!("knob-{}", key(Field::Health));
    let health_options = HEALTH_OPTIONS
        .iter()
        .map(|&(v, label)| view! { <option value=v prop:selected=move || value(Field::Health).get() == v>{label}</option> })
        .collect_view();
    let check = move |f: Field, label: &'static str| {
        let id = format!("knob-{}", key(f));
        view! {
            <div class="knob knob-check">
                <input id=id.clone() type="checkbox" data-testid=id.clone()
                    prop:checked=move || value(f).get() == "1"
                    on:change=move |ev| error.set(apply(key(f), if event_target_checked(&ev) { "1" } else { "0" }).err())/>
                <label for=id>{label}</label>
            </div>
        }
    };
    let is = move |kind: EndpointKind| settings().endpoint == kind;
    view! {
        <fieldset class="sns-sub-editor" data-testid=format!("editor-{}", sub + 1)>
            <legend>{title}</legend>
            <div class="knob">
                <label for=health_id.clone()>"Endpoint"</label>
                <select id=health_id.clone() data-testid=health_id on:change=move |ev| error.set(apply(key(Field::Health), &event_target_value(&ev)).err())>
                    {health_options}
                </select>
            </div>
            <TextField key=key(Field::Recover) label="Recovers after (s, 0 = never)" range="range 0–86,400" value=value(Field::Recover) apply=apply generation=generation multiline=false/>
            {check(Field::Dlq, "Dead-letter queue (redrive policy)")}
            <Show when=move || !is(EndpointKind::Lambda)>
                {check(Field::Raw, "Raw message delivery")}
            </Show>
            <Show when=move || is(EndpointKind::Sqs)>
                <TextField key=key(Field::Consumers) label="Queue consumers" range="range 0–20" value=value(Field::Consumers) apply=apply generation=generation multiline=false/>
            </Show>
            <div class="knob">
                <label for=format!("knob-{}", key(Field::Scope))>"FilterPolicyScope"</label>
                <select id=format!("knob-{}", key(Field::Scope)) data-testid=format!("knob-{}", key(Field::Scope))
                    on:change=move |ev| error.set(apply(key(Field::Scope), &event_target_value(&ev)).err())>
                    <option value="attributes" prop:selected=move || value(Field::Scope).get() == "attributes">"MessageAttributes"</option>
                    <option value="body" prop:selected=move || value(Field::Scope).get() == "body">"MessageBody"</option>
                </select>
            </div>
            <TextField key=key(Field::Filter) label="Filter policy (JSON; empty = every message)" range="" value=value(Field::Filter) apply=apply generation=generation multiline=true/>
            <p class="field-message">{move || error.get()}</p>
        </fieldset>
    }
}

/// A text (or multi-line) setting, validated as it is typed: an invalid value is explained
/// under the field and the previous value keeps running.
#[component]
fn TextField(
    key: &'static str,
    label: &'static str,
    range: &'static str,
    value: Signal<String>,
    apply: impl Fn(&str, &str) -> Result<(), String> + Copy + Send + Sync + 'static,
    generation: RwSignal<u32>,
    multiline: bool,
) -> impl IntoView {
    let id = format!("knob-{key}");
    let message_id = format!("{id}-message");
    let draft = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    Effect::watch(
        move || generation.get(),
        move |_, _, _| {
            draft.set(None);
            error.set(None);
        },
        false,
    );
    let shown = move || draft.get().unwrap_or_else(|| value.get());
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        error.set(apply(key, &text).err());
        draft.set(Some(text));
    };
    let field = if multiline {
        view! {
            <textarea id=id.clone() rows="3" spellcheck="false" data-testid=id.clone() aria-describedby=message_id.clone()
                aria-invalid=move || error.with(Option::is_some).to_string() prop:value=shown on:input=on_input></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() type="text" inputmode="decimal" autocomplete="off" spellcheck="false" data-testid=id.clone()
                aria-describedby=message_id.clone() aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=shown on:input=on_input/>
        }
        .into_any()
    };
    view! {
        <div class="knob">
            <label for=id.clone()>{label}</label>
            {(!range.is_empty()).then(|| view! { <span class="knob-range">{range}</span> })}
            {field}
            <p id=message_id.clone() class="field-message" data-testid=message_id>{move || error.get()}</p>
        </div>
    }
}

/// The per-subscription table and the charts.
#[component]
fn Metrics(status: RwSignal<CounterView>, charts: Charts) -> impl IntoView {
    let rows = move || {
        status.with(|s| {
            s.rows
                .iter()
                .enumerate()
                .map(|(i, (name, t))| {
                    let cell = |key: &str, v: u64| view! { <td data-testid=format!("s{}-{key}", i + 1)>{v}</td> };
                    view! {
                        <tr>
                            <th scope="row">{name.clone()}</th>
                            {cell("matched", t.matched)}
                            {cell("filtered", t.filtered)}
                            {cell("delivered", t.delivered)}
                            {cell("retries", t.retries)}
                            {cell("dlq", t.dead_lettered)}
                            {cell("lost", t.lost)}
                            {cell("out-of-order", t.out_of_order)}
                            {cell("processed", t.processed)}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
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
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hash-line muted">
            "Run hash so far: " <code data-testid="run-hash">{move || format_trace_hash(status.with(|s| s.hash))}</code>
        </p>
        <div class="chart-grid">
            <TimeSeriesChart series=charts.published title="Published and retries" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.delivered title="Delivered per subscription" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.filtered title="Filtered out per subscription" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.dlq title="Dead-letter queue depth (all subscriptions)" y_unit="messages" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.lost title="Messages lost" y_unit="per s" min_span_secs=30.0/>
        </div>
    }
}

fn preset_options() -> Vec<(&'static str, &'static str)> {
    PRESETS.iter().map(|p| (p.key, p.name)).collect()
}

fn explain(key: &str) -> &'static str {
    preset(key).map_or("", |p| p.explanation)
}

fn new_run(scenario: &SnsScenario, seed: u32) -> Result<SnsSim, ConfigError> {
    SnsSim::try_new(scenario, u64::from(seed))
}

fn capture_charts(sim: &SnsSim, charts: Charts) {
    let names: Vec<String> = sim.model().scenario().subscriptions.iter().map(|s| s.name.clone()).collect();
    // Per-subscription series are named `delivered 1` …; the legend shows the endpoint's name.
    let pick = |wanted: &dyn Fn(&str) -> Option<String>| -> Vec<Series> {
        sim.metrics()
            .series()
            .filter_map(|series| {
                wanted(series.name()).map(|name| Series {
                    name,
                    class: String::new(),
                    points: series.points().into_iter().map(|(at, value)| (at.as_secs_f64(), value)).collect(),
                })
            })
            .collect()
    };
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
