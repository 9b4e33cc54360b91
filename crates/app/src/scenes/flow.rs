//! The flow playground: services wired together (API Gateway, SNS, SQS, Kinesis, Lambda,
//! consumers, HTTP endpoints), each following its own AWS rules in one run — drawn as nodes
//! with their live numbers and messages travelling the connections; one message followed hop
//! by hop; the flow composed by adding, connecting and removing nodes (only as AWS allows,
//! with AWS's reason for what it refuses); charts, the cost, links, files and embeds.

mod compose;
mod edit;
mod follow;
#[cfg_attr(not(feature = "flow"), allow(dead_code))]
mod layout;
mod link;
pub(super) mod presets;
pub(super) mod snapshot;

use engine::flow::{FlowScenario, FlowSim, NodeKind};
use engine::{ConfigError, SimDuration};
use leptos::prelude::*;

use super::live::{live_page, once_a_second, Drawing, EmbedFrame, LiveRun, PageParts, SceneSpec, CROWDED_TOKENS};
use super::preset::picker_entries;
use crate::components::chart_model::{line_of, series_from};
use crate::components::token_layer::TOKEN_W;
use crate::components::{pace_of, paced, token_group, Pace, PresetPicker, Series, Stage, StatsGrid, TimeSeriesChart};
use crate::share::{LinkedRun, Presets};
use crate::view_model::format_sim_time;
use compose::Composer;
use follow::{Dwell, Follow};
use presets::PRESETS;
use snapshot::{counters, diagram, DiagramView, Hops, NodeView};

/// Trace events a flow's run keeps for the page: a second of a busy flow's hops.
pub const RECENT_EVENTS: usize = 4_096;

/// A flow's run for the page: the engine's, keeping enough recent events to draw.
fn new_run(flow: &FlowScenario, seed: u64) -> Result<FlowSim, ConfigError> {
    FlowSim::try_new(flow, seed).map(|sim| sim.keep_recent_events(RECENT_EVENTS)).map_err(|e| match e {
        engine::flow::FlowError::Config(c) => c,
        engine::flow::FlowError::Wiring(rule) => {
            ConfigError::Invalid { field: String::new(), value: String::new(), rule }
        }
    })
}

/// How long a hop's token takes to cross its connection, in simulated time: about 0.8 s of
/// the reader's time at any speed (within bounds the trace window can fill).
fn token_window(speed: f64) -> SimDuration {
    SimDuration::from_secs_f64((0.8 * speed).clamp(0.2, 4.0))
}

/// What the page shows besides the diagram, read ten times a second.
#[derive(Clone, Debug, Default, PartialEq)]
struct CounterView {
    now_secs: f64,
    counters: Vec<(&'static str, u64)>,
    hash: u64,
    p50_ms: Option<f64>,
    p99_ms: Option<f64>,
    /// Node names, for the follow panel and the breakdown.
    names: Vec<String>,
}

/// The chart data.
#[derive(Clone, Copy)]
struct Charts {
    throughput: RwSignal<Vec<Series>>,
    latency: RwSignal<Vec<Series>>,
    losses: RwSignal<Vec<Series>>,
    backlog: RwSignal<Vec<Series>>,
    lambda: RwSignal<Vec<Series>>,
}

/// The cost of the run so far, scaled to an hour and a month.
#[derive(Clone, Debug, Default, PartialEq)]
struct CostView {
    per_hour: f64,
    per_month: f64,
    by_node: Vec<(String, f64)>,
    note: &'static str,
}

/// The flow playground scene.
#[component]
pub fn FlowScene() -> impl IntoView {
    let live = LiveRun::start(
        Presets(&PRESETS),
        SceneSpec {
            service: "Flows",
            new_run,
            to_file: FlowScenario::to_file_json,
            from_file: FlowScenario::from_file_json,
        },
    );
    let linked = live.linked;
    let LinkedRun { scenario, preset_key, modified, view, .. } = linked;
    let view_data = RwSignal::new(DiagramView::default());
    let stage = Stage::new(1100.0);
    let status = RwSignal::new(CounterView::default());
    let cost = RwSignal::new(CostView::default());
    let charts = Charts {
        throughput: RwSignal::new(Vec::new()),
        latency: RwSignal::new(Vec::new()),
        losses: RwSignal::new(Vec::new()),
        backlog: RwSignal::new(Vec::new()),
        lambda: RwSignal::new(Vec::new()),
    };
    // The message followed, and the flow-wide time at each node: read from the trace as it grows.
    let followed = RwSignal::new(None::<Follow>);
    let dwell = StoredValue::new(Dwell::default());
    let means = RwSignal::new(Vec::<Option<f64>>::new());
    let chart = once_a_second(move |sim: &FlowSim| {
        capture_charts(sim, charts);
        let report = sim.model().report(sim.now());
        cost.set(CostView {
            per_hour: report.cost.per_hour_usd,
            per_month: report.cost.per_month_usd,
            by_node: report.cost.per_hour_by_node.into_iter().collect(),
            note: report.cost.note,
        });
    });
    let lost_before = StoredValue::new(0u64);
    let announced_at = StoredValue::new(f64::NEG_INFINITY);
    let read = move || {
        live.with(|sim| {
            let m = sim.model();
            let counters = counters(sim);
            let ms = |q: f64| m.end_to_end().quantile(q).map(|d| d.as_micros() as f64 / 1_000.0);
            let next = CounterView {
                now_secs: sim.now().as_secs_f64(),
                hash: sim.trace_hash(),
                p50_ms: ms(0.5),
                p99_ms: ms(0.99),
                names: m.scenario().nodes.iter().map(|n| n.id.clone()).collect(),
                counters,
            };
            narrate_losses(sim, &next.counters, lost_before, announced_at, live.announcement);
            chart(sim);
            dwell.update_value(|d| d.update(sim));
            means.set(dwell.with_value(Dwell::means));
            if followed.with_untracked(Option::is_some) {
                followed.update(|f| {
                    if let Some(f) = f {
                        f.update(sim);
                    }
                });
            }
            status.set(next);
        });
    };
    let frame = NodeRef::<leptos::html::Section>::new();
    let reduced = crate::anim::prefers_reduced_motion();
    let speed = linked.state.speed;
    let hops = StoredValue::new(Hops::default());
    let drawing = Drawing {
        view: view_data,
        snapshot: move |sim: &FlowSim| {
            let window = token_window(speed.get_untracked());
            let mut v =
                hops.try_update_value(|h| diagram(sim, stage.width.get_untracked(), window, h)).unwrap_or_default();
            if reduced {
                // Standing still, tokens would only cover the numbers: the counts say it.
                v.tokens.clear();
            }
            v
        },
        crowded: |d: &DiagramView| d.tokens.len() > CROWDED_TOKENS,
    };
    let player = live.drive(stage, frame, drawing, read, move || followed.set(None));
    let follow = Callback::new(move |message: u64| {
        live.with(|sim| followed.set(Some(Follow::start(sim, message))));
        live.announcement.set(format!("Following message {message}."));
    });
    let load_preset = move |key: String| live.load_preset(&key);
    let now_secs = Signal::derive(move || status.with(|s| s.now_secs));
    let selected_node = RwSignal::new(None::<usize>);
    let diagram_view = move || {
        view! { <FlowDiagram view_data=view_data stage=stage pace=pace_of(status) followed=followed follow=follow selected_node=selected_node/> }
            .into_any()
    };

    if view.embed {
        let full_controls = view! {
            <PresetPicker entries=picker_entries(&PRESETS) preset_key=preset_key modified=modified on_pick=load_preset/>
            <FollowPanel live=live followed=followed status=status follow=follow/>
        }
        .into_any();
        return view! {
            <EmbedFrame live=live label="Event-driven flow playground" diagram=diagram_view() full_controls=full_controls
                now_secs=now_secs player=player frame=frame/>
        }
        .into_any();
    }

    live_page(live, &PRESETS, player, now_secs, PageParts {
        id: "flow-playground",
        title: "Services wired together, each with its own AWS rules",
        intro: "Each box is a service as AWS runs it: API Gateway's throttles and integration timeout, SNS's filter policies and delivery retries, SQS's visibility timeout and dead-letter queue, Kinesis's shards, Lambda's concurrency and its event source mappings. Dots are messages moving between them (a dot marked ×N stands for N). A box turns red with the reason when it throttles, loses or dead-letters something. Click a moving message, or press Follow, to see its whole path.",
        counters: Signal::derive(move || status.with(|s| s.counters.clone())),
        diagram: view! {
            {diagram_view()}
            <Breakdown status=status means=means/>
        }
        .into_any(),
        beside: Some(view! { <FollowPanel live=live followed=followed status=status follow=follow/> }.into_any()),
        settings: view! { <Composer scenario=scenario modified=modified preset_key=preset_key selected=selected_node announce=live.announcement/> }.into_any(),
        metrics: view! { <Metrics status=status charts=charts cost=cost/> }.into_any(),
    })
}

/// Says when messages are lost (for screen readers), at most every five seconds.
fn narrate_losses(
    sim: &FlowSim,
    counters: &[(&'static str, u64)],
    lost_before: StoredValue<u64>,
    announced_at: StoredValue<f64>,
    announcement: RwSignal<String>,
) {
    let lost = counters.iter().find(|c| c.0 == "lost").map_or(0, |c| c.1);
    let before = lost_before.get_value();
    lost_before.set_value(lost);
    if lost <= before {
        return;
    }
    let now = window().performance().map_or(0.0, |p| p.now());
    if now - announced_at.get_value() < 5_000.0 {
        return;
    }
    announced_at.set_value(now);
    let flow = sim.model().scenario();
    let why = sim
        .trace()
        .recent()
        .rev()
        .find(|e| e.reason == engine::trace::Reason::MessageLost || e.reason == engine::trace::Reason::GaveUp)
        .map(|e| {
            format!(" Latest at {}: {}.", flow.nodes.get(usize::from(e.node)).map_or("", |n| n.id.as_str()), e.note)
        })
        .unwrap_or_default();
    announcement.set(format!("{} messages lost so far.{why}", lost));
}

/// The diagram: nodes, connections and the messages travelling them.
#[component]
fn FlowDiagram(
    view_data: RwSignal<DiagramView>,
    stage: Stage,
    pace: Pace,
    followed: RwSignal<Option<Follow>>,
    follow: Callback<u64>,
    selected_node: RwSignal<Option<usize>>,
) -> impl IntoView {
    let layout = Memo::new(move |_| view_data.with(|d| d.layout.clone()));
    let selected = RwSignal::new(None::<u64>);
    Effect::new(move |_| selected.set(followed.with(|f| f.as_ref().map(|f| f.message))));
    let edges = move || {
        layout.with(|l| {
            l.edges
                .iter()
                .map(|e| {
                    let class = if e.side { "flow-edge side" } else { "flow-edge" };
                    view! { <path class=class d=e.path()></path> }
                })
                .collect_view()
        })
    };
    let count = Memo::new(move |_| layout.with(|l| l.places.len()));
    let nodes = move || {
        (0..count.get())
            .map(|i| view! { <FlowNode view_data=view_data layout=layout i=i pace=pace selected_node=selected_node/> })
            .collect_view()
    };
    let on_token = Callback::new(move |id: u64| {
        if let Some(message) = view_data.with_untracked(|d| d.follows.get(&id).copied()) {
            follow.run(message);
        }
    });
    let label = paced(pace, move || {
        view_data.with(|d| {
            let red: Vec<String> = d
                .nodes
                .iter()
                .zip(&layout.get_untracked().places)
                .filter_map(|(n, _)| n.red_full.as_ref().map(|r| format!("{} ({r})", n.title)))
                .collect();
            let red =
                if red.is_empty() { "no node is failing".to_owned() } else { format!("failing: {}", red.join("; ")) };
            format!("{} nodes, {} messages moving; {red}.", d.nodes.len(), d.tokens.len())
        })
    });
    view! {
        <figure class="sqs-figure flow-figure">
            <div class="stage" node_ref=stage.node>
                <svg class="sqs-diagram flow-diagram" viewBox=move || layout.with(|l| format!("0 0 {} {}", l.w, l.h))
                    width=move || layout.with(|l| l.w) height=move || layout.with(|l| l.h) role="group" aria-label=label data-testid="flow-diagram">
                    <g aria-hidden="true">{edges}</g>
                    <g>{nodes}</g>
                    {token_group(move |f: &mut dyn FnMut(&_)| view_data.with(|d| f(&d.tokens)), selected, on_token, TOKEN_W, "sqs-tokens flow-tokens")}
                </svg>
            </div>
            <figcaption class="sqs-legend">
                "Dots: messages moving along a connection (×N: one dot for N when traffic is high; amber: to a dead-letter queue or on-failure destination, dashed connections). "
                "Red box: it throttled, lost or dead-lettered something in the last 2 s, with the reason. "
                "Select a box to change its settings or connect it; click a dot to follow its message."
            </figcaption>
        </figure>
    }
}

/// Node `i`: its box, name, kind, live numbers and reason when red.
#[component]
fn FlowNode(
    view_data: RwSignal<DiagramView>,
    layout: Memo<layout::Layout>,
    i: usize,
    pace: Pace,
    selected_node: RwSignal<Option<usize>>,
) -> impl IntoView {
    let node = Memo::new(move |_| view_data.with(|d| d.nodes.get(i).cloned().unwrap_or_default()));
    let place =
        move || layout.with(|l| l.places.get(i).copied().unwrap_or(layout::Place { x: 0.0, y: 0.0, w: 0.0, h: 0.0 }));
    let text = move |read: fn(&NodeView) -> String| paced(pace, move || node.with(read));
    let red = move || node.with(|n| n.red.is_some());
    let class = move || {
        let mut c = String::from("flow-node");
        if red() {
            c.push_str(" red");
        }
        if selected_node.get() == Some(i) {
            c.push_str(" selected");
        }
        c
    };
    let aria = move || {
        node.with(|n| {
            let red = n.red_full.as_ref().map_or(String::new(), |r| format!("; failing: {r}"));
            format!("{}, {}: {}; {}{red}. Select to edit.", n.title, n.kind, n.line1, n.line2)
        })
    };
    let select = move || selected_node.set(Some(i));
    view! {
        <g class=class role="button" tabindex="0" aria-label=aria data-testid=format!("flow-node-{i}") data-red=move || red().to_string()
            on:click=move |_| select()
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    select();
                }
            }>
            <rect class="flow-box" x=move || place().x y=move || place().y width=move || place().w height=move || place().h rx="8"></rect>
            <rect class="flow-fill" x=move || place().x + 1.0 y=move || place().y + place().h - 5.0 height="4" rx="2"
                width=move || ((place().w - 2.0) * node.with(|n| n.fill)).round()></rect>
            <text class="sqs-box-title" x=move || place().x + 8.0 y=move || place().y + 16.0>{move || node.with(|n| n.title.clone())}</text>
            <text class="sqs-consumer-line muted" x=move || place().x + 8.0 y=move || place().y + 30.0>{move || node.with(|n| n.kind.clone())}</text>
            <text class="sqs-consumer-line" x=move || place().x + 8.0 y=move || place().y + 45.0>{text(|n| n.line1.clone())}</text>
            <text class=move || if red() { "sqs-consumer-line flow-reason" } else { "sqs-consumer-line" } x=move || place().x + 8.0 y=move || place().y + 60.0>
                {text(|n| n.red.clone().unwrap_or_else(|| n.line2.clone()))}
            </text>
        </g>
    }
}

/// The mean time messages spend at each node, as one stacked bar.
#[component]
fn Breakdown(status: RwSignal<CounterView>, means: RwSignal<Vec<Option<f64>>>) -> impl IntoView {
    let parts = move || {
        let names = status.with(|s| s.names.clone());
        let means = means.get();
        let total: f64 = means.iter().flatten().sum();
        means
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.map(|m| (names.get(i).cloned().unwrap_or_default(), m, if total > 0.0 { m / total } else { 0.0 }))
            })
            .collect::<Vec<_>>()
    };
    let secs = |s: f64| if s < 1.0 { format!("{:.0} ms", s * 1_000.0) } else { format!("{s:.2} s") };
    let bar_label = move || {
        let words: Vec<String> = parts().iter().map(|(n, m, _)| format!("{n} {}", secs(*m))).collect();
        format!("Mean time at each node: {}", words.join(", "))
    };
    view! {
        <div class="flow-breakdown" data-testid="flow-breakdown">
            <h3 class="panel-title">"Where the time goes: mean time at each node"</h3>
            <div class="flow-bar" role="img" aria-label=bar_label>
                {move || parts().into_iter().enumerate().map(|(k, (_, _, share))| {
                    view! { <span class=format!("flow-bar-part series-{}", k % 6) style=format!("width:{:.2}%", share * 100.0)></span> }
                }).collect_view()}
            </div>
            <ul class="flow-bar-legend">
                {move || parts().into_iter().enumerate().map(|(k, (n, m, _))| view! {
                    <li><span class=format!("flow-bar-key series-{}", k % 6) aria-hidden="true"></span>{format!("{n}: {}", secs(m))}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Following one message: its path hop by hop, how long it stayed at each node, how it ended.
#[component]
fn FollowPanel(
    live: LiveRun<FlowScenario, engine::flow::FlowModel>,
    followed: RwSignal<Option<Follow>>,
    status: RwSignal<CounterView>,
    follow: Callback<u64>,
) -> impl IntoView {
    let follow_next = move |_| {
        // The newest message a producer or client group sent.
        let newest = live.with(|sim| {
            sim.trace()
                .recent()
                .rev()
                .find(|e| {
                    e.reason == engine::trace::Reason::Sent
                        && e.parent == 0
                        && sim.model().sent_by(usize::from(e.node)) > 0
                })
                .map(|e| e.copy)
        });
        match newest.flatten() {
            Some(m) => follow.run(m),
            None => live.announcement.set("No message has been sent yet: play the run first.".to_owned()),
        }
    };
    let rows = move || {
        let names = status.with(|s| s.names.clone());
        followed.with(|f| f.as_ref().map(|f| (f.message, f.rows(&names), f.endings(&names), f.missed)))
    };
    view! {
        <section class="flow-follow" aria-labelledby="flow-follow-title" data-testid="flow-follow">
            <h3 class="panel-title" id="flow-follow-title">"Follow one message"</h3>
            <div class="button-row">
                <button type="button" class="button small" data-testid="follow-next" on:click=follow_next>"Follow the next message"</button>
                <button type="button" class="button small" disabled=move || followed.with(Option::is_none) on:click=move |_| followed.set(None)>"Stop following"</button>
            </div>
            {move || match rows() {
                None => view! { <p class="muted">"Click a moving dot, or press Follow, to see every hop of one message: where it went, how long it stayed, each retry and redelivery, and how it ended."</p> }.into_any(),
                Some((message, rows, endings, missed)) => view! {
                    <p data-testid="follow-message">{format!("Message {message}")}</p>
                    <ol class="flow-path" data-testid="follow-path">
                        {rows.into_iter().map(|r| {
                            let stayed = r.stayed_s.map_or(String::new(), |s| format!(" — then {} here", if s < 1.0 { format!("{:.0} ms", s * 1e3) } else { format!("{s:.2} s") }));
                            view! {
                                <li class=if r.bad { "bad" } else { "" }>
                                    <span class="muted">{format_sim_time(r.at)}</span>" "<strong>{r.node}</strong>": "{r.what}{stayed}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <ul class="flow-endings" data-testid="follow-endings">
                        {endings.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                    </ul>
                    {missed.then(|| view! { <p class="muted">"Some steps went by faster than the page could record them: slow the run down to see every hop."</p> })}
                }.into_any(),
            }}
        </section>
    }
}

/// Counters, charts and the cost.
#[component]
fn Metrics(status: RwSignal<CounterView>, charts: Charts, cost: RwSignal<CostView>) -> impl IntoView {
    let ms = |v: Option<f64>| {
        v.map_or("—".to_string(), |ms| if ms < 1_000.0 { format!("{ms:.0} ms") } else { format!("{:.2} s", ms / 1e3) })
    };
    let usd = |v: f64| if v < 0.01 && v > 0.0 { format!("${v:.4}") } else { format!("${v:.2}") };
    view! {
        <StatsGrid now_secs=Signal::derive(move || status.with(|s| s.now_secs))
            counters=Signal::derive(move || status.with(|s| s.counters.clone()))
            measured=Signal::derive(move || status.with(|s| vec![("End to end p50", ms(s.p50_ms)), ("End to end p99", ms(s.p99_ms))]))
            hash=Signal::derive(move || status.with(|s| s.hash))/>
        <section class="flow-cost" data-testid="flow-cost" aria-labelledby="flow-cost-title">
            <h3 class="panel-title" id="flow-cost-title">"What this flow costs at this load"</h3>
            <p>
                <strong data-testid="cost-hour">{move || usd(cost.with(|c| c.per_hour))}</strong>" an hour, "
                <strong data-testid="cost-month">{move || usd(cost.with(|c| c.per_month))}</strong>" a month"
            </p>
            <ul class="flow-cost-nodes">
                {move || cost.with(|c| c.by_node.iter().filter(|(_, v)| *v > 0.0).map(|(n, v)| view! { <li>{format!("{n}: {} an hour", usd(*v))}</li> }).collect_view())}
            </ul>
            <p class="muted">{move || cost.with(|c| c.note)}</p>
        </section>
        <div class="chart-grid">
            <TimeSeriesChart series=charts.throughput title="Sent, processed and lost" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.latency title="End-to-end latency" y_unit="ms" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.losses title="Losses by reason" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.backlog title="Backlog at each node" y_unit="messages" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.lambda title="Lambda concurrency and throttles" y_unit="executions, per s" min_span_secs=30.0/>
        </div>
    }
}

fn capture_charts(sim: &FlowSim, charts: Charts) {
    let m = sim.model();
    let pick = |keep: &dyn Fn(&str) -> Option<String>| series_from(sim.metrics(), keep);
    charts.throughput.set(pick(&|n: &str| matches!(n, "sent" | "processed" | "lost").then(|| n.to_string())));
    charts.latency.set(pick(&|n: &str| (n == "end-to-end latency").then(|| n.to_string())));
    // Only the reasons that lost something (all eight would bury them), else the total.
    let mut losses = pick(&|n: &str| n.strip_prefix("lost: ").map(|r| format!("lost: {r}")));
    losses.retain(|s| s.points.iter().any(|p| p.1 > 0.0));
    if losses.is_empty() {
        losses = pick(&|n: &str| (n == "lost").then(|| "lost (none yet)".to_string()));
    }
    charts.losses.set(losses);
    let nodes = &m.scenario().nodes;
    let series = m.node_series();
    let mut backlog = Vec::new();
    let mut lambda = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let Some(s) = series.get(i) else { continue };
        match node.kind {
            NodeKind::SqsQueue(_) | NodeKind::KinesisStream(_) | NodeKind::SnsTopic(_) => {
                backlog.push(line_of(&s.backlog, node.id.clone()));
            }
            NodeKind::Lambda(_) => {
                lambda.push(line_of(&s.busy, format!("{} running", node.id)));
                lambda.push(line_of(&s.throttled, format!("{} throttled", node.id)));
            }
            _ => {}
        }
    }
    charts.backlog.set(backlog);
    charts.lambda.set(lambda);
}
