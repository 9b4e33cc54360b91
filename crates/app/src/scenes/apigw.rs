//! The API Gateway playground: client groups calling through the gateway's token buckets (usage
//! plans, stage and method limits, account, Regional) to a backend, with knobs, presets, charts
//! and every refusal explained by the bucket that made it.

mod knobs;
pub(super) mod presets;
pub(super) mod snapshot;

use engine::apigw::{ApigwScenario, ApigwSim};
use leptos::prelude::*;

use super::knob::KnobPanel;
use super::live::{live_page, once_a_second, Drawing, EmbedFrame, LiveRun, PageParts, SceneSpec, CROWDED_TOKENS};
use super::preset::picker_entries;
use crate::components::chart_model::series_from;
use crate::components::{pace_of, paced, token_group, Pace, PresetPicker, Series, Stage, StatsGrid, TimeSeriesChart};
use crate::share::{LinkedRun, Presets};
use knobs::{CHOICES, KNOBS};
use presets::PRESETS;
use snapshot::*;

/// The chart data of one frame.
#[derive(Clone, Copy)]
struct Charts {
    load: RwSignal<Vec<Series>>,
    reasons: RwSignal<Vec<Series>>,
    retries: RwSignal<Vec<Series>>,
    latency: RwSignal<Vec<Series>>,
    tokens: RwSignal<Vec<Series>>,
}

/// The API Gateway playground scene.
#[component]
pub fn ApigwScene() -> impl IntoView {
    let live = LiveRun::start(
        Presets(&PRESETS),
        SceneSpec {
            service: "API Gateway",
            new_run: ApigwSim::try_new,
            to_file: ApigwScenario::to_file_json,
            from_file: ApigwScenario::from_file_json,
        },
    );
    let linked = live.linked;
    let LinkedRun { scenario, preset_key, modified, generation, view, .. } = linked;
    let view_data = RwSignal::new(DiagramView::default());
    let stage = Stage::new(1100.0);
    let status = RwSignal::new(CounterView::default());
    let charts = Charts {
        load: RwSignal::new(Vec::new()),
        reasons: RwSignal::new(Vec::new()),
        retries: RwSignal::new(Vec::new()),
        latency: RwSignal::new(Vec::new()),
        tokens: RwSignal::new(Vec::new()),
    };
    let chart = once_a_second(move |sim: &ApigwSim| capture_charts(sim, charts));
    let read = move || {
        live.with(|sim| {
            let next = counters(sim);
            chart(sim);
            status.set(next);
        });
    };
    let frame = NodeRef::<leptos::html::Section>::new();
    let drawing = Drawing {
        view: view_data,
        snapshot: move |sim: &ApigwSim| diagram(sim, stage.width.get_untracked()),
        crowded: |d: &DiagramView| d.tokens.len() > CROWDED_TOKENS,
    };
    let player = live.drive(stage, frame, drawing, read, || {});
    let load_preset = move |key: String| live.load_preset(&key);
    let now_secs = Signal::derive(move || status.with(|s| s.now_secs));

    if view.embed {
        let full_controls = view! {
            <PresetPicker entries=picker_entries(&PRESETS) preset_key=preset_key modified=modified on_pick=load_preset/>
            <KnobPanel choices=&CHOICES knobs=&KNOBS scenario=scenario modified=modified generation=generation note="A valid change restarts the run from 0 s with the same seed; an invalid one (a usage plan above the account, a negative value) is explained and ignored. Stage and method limits may be set above the account's: the account still applies."/>
        }
        .into_any();
        let diagram = view! { <Diagram view_data=view_data stage=stage pace=pace_of(status)/> }.into_any();
        return view! {
            <EmbedFrame live=live label="API Gateway playground" diagram=diagram full_controls=full_controls
                now_secs=now_secs player=player frame=frame/>
        }
        .into_any();
    }

    live_page(live, &PRESETS, player, now_secs, PageParts {
        id: "apigw-playground",
        title: "Token buckets between clients and the backend",
        intro: "Each request needs a token from every bucket that applies to it, checked in AWS's order: on a method that requires an API key, the key's usage plan (its limit for the method, then its limit per key); the stage's limit for the method; the account; the Region. A bucket refills at its rate up to its burst. A request that finds a bucket empty gets 429 Too Many Requests and bounces back to its client, which retries as its SDK does; one the backend has not answered within the integration timeout gets 504.",
        counters: Signal::derive(move || status.with(|s| s.counters.clone())),
        diagram: view! {
            <Diagram view_data=view_data stage=stage pace=pace_of(status)/>
        }
        .into_any(),
        beside: None,
        settings: view! { <KnobPanel choices=&CHOICES knobs=&KNOBS scenario=scenario modified=modified generation=generation note="A valid change restarts the run from 0 s with the same seed; an invalid one (a usage plan above the account, a negative value) is explained and ignored. Stage and method limits may be set above the account's: the account still applies."/> }.into_any(),
        metrics: view! { <Metrics status=status charts=charts/> }.into_any(),
    })
}

/// The SVG diagram, laid out for the width of its stage.
#[component]
///
/// Its numbers that change every frame (tokens left, requests served) are rewritten at the
/// readouts' `pace`.
fn Diagram(view_data: RwSignal<DiagramView>, stage: Stage, pace: Pace) -> impl IntoView {
    let selected = RwSignal::new(None::<u64>);
    let layout = Memo::new(move |_| {
        let (groups, buckets) = view_data.with(|d| (d.groups.len(), d.buckets.len()));
        Layout::new(stage.width.get(), groups, buckets)
    });
    let l = move || layout.get();
    // Each client group and bucket is drawn once per layout and updated in place (rebuilding them
    // every frame made the browser lay out the whole diagram again).
    let group_count = Memo::new(move |_| view_data.with(|d| d.groups.len()));
    let groups = move || {
        (0..group_count.get())
            .map(|i| view! { <ClientGroup view_data=view_data layout=layout i=i pace=pace/> })
            .collect_view()
    };
    let bucket_count = Memo::new(move |_| view_data.with(|d| d.buckets.len()));
    let buckets = move || {
        (0..bucket_count.get())
            .map(|i| view! { <Bucket view_data=view_data layout=layout i=i pace=pace/> })
            .collect_view()
    };
    // The arrows from the clients to the gateway and from the gateway to the backend.
    let arrows = move || {
        let l = l();
        let ((cx, cy, cw, _), (gx, gy, gw, gh), (bx, by, _, _)) = (l.client(0), l.gateway(), l.backend());
        match l.narrow {
            true => view! {
                <line class="sqs-arrow" x1=l.w / 2.0 y1=gy + gh x2=l.w / 2.0 y2=by></line>
            }
            .into_any(),
            false => view! {
                <line class="sqs-arrow" x1=cx + cw y1=cy + 40.0 x2=gx y2=gy + 40.0></line>
                <line class="sqs-arrow" x1=gx + gw y1=gy + 40.0 x2=bx y2=by + 40.0></line>
            }
            .into_any(),
        }
    };
    let backend = move || {
        let (x, y, w, h) = l().backend();
        view! {
            <rect class="sns-endpoint" x=x y=y width=w height=h rx="10"></rect>
            <text class="sqs-box-title" x=x + 10.0 y=y + 18.0>"Backend"</text>
            <text class="sqs-overflow" x=x + w - 10.0 y=y + 18.0 text-anchor="end" data-testid="backend-after-504">{paced(pace, move || view_data.with(|d| d.backend_after_504.clone()))}</text>
            <text class="sqs-consumer-line" x=x + 10.0 y=y + 33.0 data-testid="backend-line">{paced(pace, move || view_data.with(|d| d.backend_line.clone()))}</text>
            <rect class="api-vessel" x=x + 10.0 y=y + 40.0 width=w - 20.0 height="6" rx="2"></rect>
            <rect class="api-vessel-fill backend" x=x + 10.0 y=y + 40.0 width=move || (w - 20.0) * view_data.with(|d| d.backend_fill.min(1.0)) height="6" rx="2"></rect>
        }
    };
    let gateway = move || {
        let (x, y, w, h) = l().gateway();
        view! {
            <rect class="sns-topic" x=x y=y width=w height=h rx="10"></rect>
            <text class="sqs-box-title" x=x + 10.0 y=y + 18.0>{move || view_data.with(|d| d.gateway_title.clone())}</text>
            <text class="sqs-consumer-line" x=x + 10.0 y=y + 33.0>"buckets in the order they are checked"</text>
        }
    };
    let label = paced(pace, move || {
        view_data.with(|d| {
            let empty: Vec<&str> = d.buckets.iter().filter(|b| b.empty).map(|b| b.name.as_str()).collect();
            let empty = if empty.is_empty() {
                "no bucket is empty".to_string()
            } else {
                format!("empty buckets: {}", empty.join(", "))
            };
            let after = match d.backend_after_504.is_empty() {
                true => String::new(),
                false => format!(" ({}, still being worked on)", d.backend_after_504),
            };
            format!("{} client groups; {}; backend {}{after}.", d.groups.len(), empty, d.backend_line)
        })
    });
    view! {
        <figure class="sqs-figure api-figure">
            <div class="stage" node_ref=stage.node>
                <svg class="sqs-diagram api-diagram" viewBox=move || layout.with(|l| format!("0 0 {} {}", l.w, l.height()))
                    width=move || l().w height=move || l().height() role="group" aria-label=label data-testid="apigw-diagram">
                    <g aria-hidden="true">
                        {groups}
                        {arrows}
                        {gateway}
                        {buckets}
                        {backend}
                    </g>
                    {token_group(move |f: &mut dyn FnMut(&_)| view_data.with(|d| f(&d.tokens)), selected, Callback::new(|_| {}), TOKEN_W, "sqs-tokens api-tokens")}
                </svg>
            </div>
            <figcaption class="sqs-legend">
                "Bars: each bucket's tokens against its burst (empty: the next request gets 429). "
                "Bouncing back: 429 (red: Too Many Requests; amber: Limit Exceeded, a quota) and 504 (dashed: the integration timed out). "
                "Client box: waiting to retry (label: seconds to it; number: attempt). "
                "Backend: being served; grey dashed ones already got their 504, yet the backend finishes them."
            </figcaption>
        </figure>
    }
}

/// Client group `i`: its box and lines.
#[component]
fn ClientGroup(view_data: RwSignal<DiagramView>, layout: Memo<Layout>, i: usize, pace: Pace) -> impl IntoView {
    let group = Memo::new(move |_| view_data.with(|d| d.groups.get(i).cloned().unwrap_or_default()));
    let place = move || layout.with(|l| l.client(i));
    let text = move |read: fn(&GroupView) -> String| paced(pace, move || group.with(read));
    view! {
        <g class="api-group" data-testid=format!("group-{}", i + 1)>
            <rect class="sqs-box" x=move || place().0 y=move || place().1 width=move || place().2 height=move || place().3 rx="8"></rect>
            <text class="sqs-box-title" x=move || place().0 + 8.0 y=move || place().1 + 16.0>{move || group.with(|g| g.name.clone())}</text>
            <text class="sqs-overflow" x=move || place().0 + place().2 - 8.0 y=move || place().1 + 16.0 text-anchor="end">
                {text(|g| if g.retrying > 0 { format!("retrying: {}", g.retrying) } else { String::new() })}
            </text>
            <text class="sqs-consumer-line" x=move || place().0 + 8.0 y=move || place().1 + 30.0>{text(|g| g.line1.clone())}</text>
            <text class="sqs-consumer-line" x=move || place().0 + 8.0 y=move || place().1 + 43.0>{text(|g| g.line2.clone())}</text>
            <text class="sqs-consumer-line" x=move || place().0 + 8.0 y=move || place().1 + 56.0>{text(|g| g.line3.clone())}</text>
            <text class="sqs-consumer-line" x=move || place().0 + 8.0 y=move || place().1 + 69.0>{text(|g| g.line4.clone())}</text>
        </g>
    }
}

/// Bucket `i` in the gateway: its name, tokens left against its burst, and its line.
#[component]
fn Bucket(view_data: RwSignal<DiagramView>, layout: Memo<Layout>, i: usize, pace: Pace) -> impl IntoView {
    let bucket = Memo::new(move |_| view_data.with(|d| d.buckets.get(i).cloned().unwrap_or_default()));
    let x = move || layout.with(|l| l.gateway().0 + 10.0);
    let y = move || layout.with(|l| l.bucket_y(i));
    let w = move || layout.with(|l| l.gateway().2 - 20.0);
    let empty = move || bucket.with(|b| b.empty);
    view! {
        <g class=move || if empty() { "api-bucket empty" } else { "api-bucket" } data-testid=format!("bucket-{}", i + 1) data-empty=move || empty().to_string()>
            <text class="sqs-consumer-name" x=x y=move || y() + 12.0>{move || bucket.with(|b| b.name.clone())}</text>
            <rect class="api-vessel" x=x y=move || y() + 17.0 width=w height="10" rx="3"></rect>
            // Whole pixels: a change under a pixel is not seen, and each one costs a layout.
            <rect class="api-vessel-fill" x=x y=move || y() + 17.0 width=move || (w() * bucket.with(|b| b.fill)).round() height="10" rx="3"></rect>
            <text class="sqs-consumer-line" x=x y=move || y() + 40.0>{paced(pace, move || bucket.with(|b| b.line.clone()))}</text>
        </g>
    }
}

/// Counters and charts.
#[component]
fn Metrics(status: RwSignal<CounterView>, charts: Charts) -> impl IntoView {
    let secs = |v: Option<f64>| v.map_or("—".to_string(), |s| format!("{s:.2} s"));
    view! {
        <StatsGrid now_secs=Signal::derive(move || status.with(|s| s.now_secs))
            counters=Signal::derive(move || status.with(|s| s.counters.clone()))
            measured=Signal::derive(move || status.with(|s| vec![("Latency p50 (with retries)", secs(s.p50)), ("Latency p99 (with retries)", secs(s.p99))]))
            hash=Signal::derive(move || status.with(|s| s.hash))/>
        <div class="chart-grid">
            <TimeSeriesChart series=charts.load title="Offered vs admitted vs throttled" y_unit="requests/s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.reasons title="429s and 504s by reason" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.retries title="Retries" y_unit="per s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.latency title="Latency including retries" y_unit="s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.tokens title="Tokens in each bucket (% of its burst)" y_unit="%" min_span_secs=30.0/>
        </div>
    }
}

fn capture_charts(sim: &ApigwSim, charts: Charts) {
    let names: Vec<String> = sim.model().buckets(sim.now()).into_iter().map(|(n, _)| n).collect();
    let pick = |keep: &dyn Fn(&str) -> Option<String>| series_from(sim.metrics(), keep);
    charts.load.set(pick(&|n: &str| matches!(n, "offered" | "admitted" | "throttled").then(|| n.to_string())));
    charts.reasons.set(pick(&|n: &str| match n {
        "throttled" => Some("Too Many Requests".to_string()),
        "quota exceeded" => Some("Limit Exceeded".to_string()),
        "timed out" => Some("Endpoint request timed out (504)".to_string()),
        _ => None,
    }));
    charts.retries.set(pick(&|n: &str| (n == "retries").then(|| n.to_string())));
    charts.latency.set(pick(&|n: &str| n.strip_prefix("latency ").map(str::to_string)));
    charts.tokens.set(pick(&|n: &str| {
        let i: usize = n.strip_prefix("bucket ")?.parse().ok()?;
        names.get(i - 1).cloned()
    }));
}
