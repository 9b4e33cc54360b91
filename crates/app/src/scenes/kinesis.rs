//! The Kinesis playground: a producer, the hash-key space coloured by shard, one lane per shard
//! with its records and write load, consumers; resharding buttons, knobs, presets, charts and a
//! capacity helper, all driven by the engine.

mod knobs;
pub(super) mod presets;
pub(super) mod snapshot;

use engine::kinesis::{KinesisScenario, KinesisSim, Reshard, ScheduledReshard};
use leptos::prelude::*;

use super::knob::KnobPanel;
use super::live::{live_page, once_a_second, Drawing, EmbedFrame, LiveRun, PageParts, SceneSpec};
use super::preset::picker_entries;
use crate::components::chart_model::series_from;
use crate::components::{
    pace_of, paced, parts_line, token_group, Pace, PresetPicker, RefusedNotice, Series, Stage, TimeSeriesChart,
};
use crate::share::{LinkedRun, Presets};
use crate::view_model::{format_sim_time, format_trace_hash};
use knobs::{check_shard_bound, refused_reshards, CHOICES, KNOBS};
use presets::PRESETS;
use snapshot::*;

/// The chart data of one frame.
#[derive(Clone, Copy)]
struct Charts {
    incoming: RwSignal<Vec<Series>>,
    incoming_bytes: RwSignal<Vec<Series>>,
    throttled: RwSignal<Vec<Series>>,
    lag: RwSignal<Vec<Series>>,
    read: RwSignal<Vec<Series>>,
}

/// The Kinesis playground scene.
#[component]
pub fn KinesisScene() -> impl IntoView {
    let live = LiveRun::start(
        Presets(&PRESETS),
        SceneSpec {
            service: "Kinesis",
            new_run: KinesisSim::try_new,
            to_file: KinesisScenario::to_file_json,
            from_file: KinesisScenario::from_file_json,
        },
    );
    let linked = live.linked;
    let LinkedRun { scenario, preset_key, modified, generation, view, .. } = linked;
    let view_data = RwSignal::new(DiagramView::default());
    let status = RwSignal::new(CounterView::default());
    let advice = RwSignal::new(String::new());
    let stage = Stage::new(1100.0);
    let charts = Charts {
        incoming: RwSignal::new(Vec::new()),
        incoming_bytes: RwSignal::new(Vec::new()),
        throttled: RwSignal::new(Vec::new()),
        lag: RwSignal::new(Vec::new()),
        read: RwSignal::new(Vec::new()),
    };
    let chart = once_a_second(move |sim: &KinesisSim| capture_charts(sim, charts));
    let motion = !crate::anim::prefers_reduced_motion();
    let read = move || {
        live.with(|sim| {
            let next = counters(sim);
            chart(sim);
            advice.set(capacity_advice(sim));
            status.set(next);
        });
    };
    let frame = NodeRef::<leptos::html::Section>::new();
    let drawing = Drawing {
        view: view_data,
        snapshot: move |sim: &KinesisSim| {
            let layout = Layout::new(stage.width.get_untracked());
            let mut view = diagram(sim, &layout);
            if motion {
                add_reads(sim, &layout, &mut view);
            }
            view
        },
        // With many lanes (hundreds of small records) the diagram is crowded.
        crowded: |d: &DiagramView| d.lanes.len() > 8,
    };
    let player = live.drive(stage, frame, drawing, read, || {});
    let load_preset = move |key: String| live.load_preset(&key);
    let now_secs = Signal::derive(move || status.with(|s| s.now_secs));
    // A resharding button: tried on the live stream first (AWS's refusal is shown as is), then
    // recorded in the scenario at the current time, so links and files replay it.
    let reshard = move |action: Reshard| -> Result<String, String> {
        let at_s = live.now_secs();
        let mut next = scenario.get_untracked();
        next.reshards.push(ScheduledReshard { at_s, action: action.clone() });
        check_shard_bound(&next)?;
        let tried = live
            .act(|sim| sim.act(|m, cx| m.reshard(cx, &action)))
            .ok_or_else(|| "There is no run to reshard.".to_string())?;
        tried.map_err(|e| format!("{}: {}", e.code, e.message))?;
        let until = live.with(|sim| sim.model().stream().updating().map(|u| u.until.as_secs_f64())).flatten();
        live.change_at_now(next);
        Ok(match until {
            Some(until) => format!(
                "Accepted at {}: the stream is UPDATING until {}; the new shards take the writes then.",
                format_sim_time(at_s),
                format_sim_time(until)
            ),
            None => format!("Done at {}: the stream already has that many open shards.", format_sim_time(at_s)),
        })
    };

    // Scheduled reshardings of a link or file that AWS refuses: the run skips them, this says why.
    let refused = view! { <RefusedNotice lines=Signal::derive(move || scenario.with(refused_reshards)) test_id="refused-reshards"/> };

    if view.embed {
        let full_controls = view! {
            <PresetPicker entries=picker_entries(&PRESETS) preset_key=preset_key modified=modified on_pick=load_preset/>
            <ReshardPanel view_data=view_data on_reshard=reshard restarts=live.restarts/>
            {refused}
        }
        .into_any();
        let diagram = view! { <Diagram view_data=view_data stage=stage pace=pace_of(status)/> }.into_any();
        return view! {
            <EmbedFrame live=live label="Kinesis playground" diagram=diagram full_controls=full_controls
                now_secs=now_secs player=player frame=frame/>
        }
        .into_any();
    }

    live_page(live, &PRESETS, player, now_secs, PageParts {
        id: "kinesis-playground",
        title: "Partition keys, shards and their limits",
        intro: "Every record's partition key is hashed (MD5) to a 128-bit number; the bar is that space, coloured by the shard that owns each range, with the busiest keys marked. Each lane is a shard with its newest records (its sequence numbers only grow) and its write load against 1,000 records/s and 1 MiB/s. Records a shard refuses bounce back to the producer. Split and merge shards below: the stream is UPDATING for a while before the new shards take over.",
        counters: Signal::derive(move || status.with(|s| s.counters.clone())),
        diagram: view! {
            <Diagram view_data=view_data stage=stage pace=pace_of(status)/>
            <ReshardPanel view_data=view_data on_reshard=reshard restarts=live.restarts/>
            {refused}
            <p class="kin-advice" data-testid="capacity-advice">{move || advice.get()}</p>
        }
        .into_any(),
        beside: None,
        settings: view! { <KnobPanel choices=&CHOICES knobs=&KNOBS scenario=scenario modified=modified generation=generation note="A valid change restarts the run from 0 s with the same seed; an invalid one is explained and ignored. Resharding buttons keep the run going."/> }.into_any(),
        metrics: view! { <Metrics status=status charts=charts/> }.into_any(),
    })
}

/// The SVG diagram, laid out for the width of its stage; its numbers that change every frame
/// (loads, sequence numbers, consumer lag) are rewritten at the readouts' `pace`.
#[component]
fn Diagram(view_data: RwSignal<DiagramView>, stage: Stage, pace: Pace) -> impl IntoView {
    let selected = RwSignal::new(None::<u64>);
    let layout = Memo::new(move |_| Layout::new(stage.width.get()));
    let l = move || layout.get();
    let height = move || view_data.with(|d| d.height.max(200.0));
    // Each part is rebuilt only when what it shows changed: a memo compares the new frame's part
    // with the last. Rebuilding every lane, key and consumer each frame made the browser lay out
    // the whole diagram again, more than a slow phone's frame.
    let segment_views = Memo::new(move |_| view_data.with(|d| d.segments.clone()));
    let segments = move || {
        let bar_y = l().bar_y();
        segment_views.with(|segments| {
            segments
                .iter()
                .map(|s| {
                    view! {
                        <g class=format!("kin-segment {}", s.class)>
                            <rect x=s.x y=bar_y width=s.w height=BAR_H></rect>
                        </g>
                    }
                })
                .collect_view()
        })
    };
    // Drawn after the dashed marks of a resharding under way, so a mark never crosses a label.
    let segment_labels = move || {
        let bar_y = l().bar_y();
        segment_views.with(|segments| {
            segments
                .iter()
                .map(|s| view! { <text class=format!("kin-segment-label {}", s.class) x=s.x + 4.0 y=bar_y + 14.5>{s.label.clone()}</text> })
                .collect_view()
        })
    };
    // Where the resharding under way will put new boundaries: dashed marks across the bar.
    let pending_marks = Memo::new(move |_| view_data.with(|d| d.pending.clone()));
    let pending = move || {
        let bar_y = l().bar_y();
        pending_marks.with(|xs| {
            xs.iter()
                .map(|&x| view! { <line class="kin-pending" data-testid="pending-boundary" x1=x y1=bar_y - 3.0 x2=x y2=bar_y + BAR_H + 3.0></line> })
                .collect_view()
        })
    };
    // The stream's status line: ACTIVE, or UPDATING with the time left and a bar filling up.
    let status = Memo::new(move |_| view_data.with(|d| (d.status.text.clone(), d.status.updating)));
    let status_text = paced(pace, move || status.with(|s| s.0.clone()));
    // Whole pixels: a change under a pixel is not seen, and each one costs a layout.
    let progress = move || view_data.with(|d| ((l().w - 2.0 * PAD) * d.status.progress).round());
    let key_marks = Memo::new(move |_| view_data.with(|d| d.keys.clone()));
    let keys = move || {
        let below = l().bar_y() + BAR_H;
        key_marks.with(|keys| {
            keys.iter()
                .map(|k| {
                    view! {
                        <line class="kin-key" x1=k.x y1=below x2=k.x y2=below + k.h></line>
                        <text class="kin-key-label" x=k.label_x y=below + 34.0>{k.label.clone()}</text>
                    }
                })
                .collect_view()
        })
    };
    let lane_count = Memo::new(move |_| view_data.with(|d| d.lanes.len()));
    let lanes = move || {
        (0..lane_count.get()).map(|i| view! { <Lane view_data=view_data layout=layout i=i pace=pace/> }).collect_view()
    };
    let lineage_lines = Memo::new(move |_| view_data.with(|d| d.lineage.clone()));
    let lineage = move || {
        let y0 = l().lineage_y(lane_count.get());
        lineage_lines.with(|lines| {
            lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    view! { <text class="sqs-consumer-line kin-lineage" data-testid="lineage" x=PAD y=y0 + 12.0 + i as f64 * LINEAGE_LINE_H>{line.clone()}</text> }
                })
                .collect_view()
        })
    };
    let consumer_count = Memo::new(move |_| view_data.with(|d| d.consumers.len()));
    let consumers = move || {
        let n = consumer_count.get();
        (0..n).map(|i| view! { <Consumer view_data=view_data layout=layout i=i n=n pace=pace/> }).collect_view()
    };
    let label = move || {
        view_data.with(|d| {
            let hot: Vec<String> = d.lanes.iter().filter(|l| l.throttling).map(|l| l.name.clone()).collect();
            let hot = if hot.is_empty() {
                "no shard is throttling".to_string()
            } else {
                format!("throttling: {}", hot.join(", "))
            };
            format!("{}. {}. {} shards listed, {hot}.", d.producer_line.join(" · "), d.status.text, d.lanes.len())
        })
    };
    // The producer's line, split in two on a narrow diagram.
    let producer = move || {
        let stacked = l().narrow;
        view_data.with(|d| parts_line(&d.producer_line, PAD + 10.0, stacked))
    };
    view! {
        <figure class="sqs-figure kin-figure">
            <div class="stage" node_ref=stage.node>
                <svg class="sqs-diagram kin-diagram" viewBox=move || format!("0 0 {} {}", l().w, height())
                    width=move || l().w height=height role="group" aria-label=label data-testid="kinesis-diagram">
                    <g aria-hidden="true">
                        <rect class="sqs-box" x=PAD y=PRODUCER_Y width=move || l().w - 2.0 * PAD height=move || l().producer_h() rx="8"></rect>
                        <text class="sqs-box-title" x=PAD + 10.0 y=PRODUCER_Y + 20.0>{producer}</text>
                        <text class="sqs-arrow-label" x=PAD y=move || l().bar_y() - 5.0>"hash key 0"</text>
                        <text class="sqs-arrow-label" x=move || l().w - PAD y=move || l().bar_y() - 5.0 text-anchor="end">"2¹²⁸ − 1"</text>
                        {segments}
                        {pending}
                        {segment_labels}
                        {keys}
                        <g class=move || if status.with(|s| s.1) { "kin-status updating" } else { "kin-status" } data-testid="stream-status"
                            data-updating=move || status.with(|s| s.1.to_string())>
                            <text class="sqs-consumer-line" x=PAD y=move || l().status_y() + 13.0>{status_text}</text>
                            <Show when=move || status.with(|s| s.1)>
                                <rect class="kin-status-track" x=PAD y=move || l().status_y() + 17.0 width=move || l().w - 2.0 * PAD height="3" rx="1.5"></rect>
                                <rect class="kin-status-fill" x=PAD y=move || l().status_y() + 17.0 width=progress height="3" rx="1.5"></rect>
                            </Show>
                        </g>
                        {lanes}
                        {lineage}
                        {consumers}
                    </g>
                    {token_group(move |f: &mut dyn FnMut(&_)| view_data.with(|d| f(&d.tokens)), selected, Callback::new(|_| {}), RECORD_W, "sqs-tokens kin-tokens")}
                </svg>
            </div>
            <figcaption class="sqs-legend">
                "Colour: the shard that owns a range of hash keys. Marks under the bar: the busiest keys, where their MD5 falls. "
                "A lane's records are its newest (k12 is key-12; ×100 is a run of 100 records from many keys); the meter is the load over the last second against 1,000 records/s or 1 MiB/s (the limit counts whole seconds). "
                "Red records above the bar were refused (ProvisionedThroughputExceededException) and will be retried. Closed shards take no writes but stay readable. "
                "Resharding takes time: the stream is UPDATING (about 30 s here; AWS says seconds to minutes), its old shards keep the writes (lanes marked “closes in”) and another resharding call is refused until it is ACTIVE. "
                "Tokens travelling down are reads: polling consumers pull in turns, once per poll interval (a red ✕: GetRecords refused, the shard's 5 calls/s are shared); enhanced fan-out pushes every 140 ms."
            </figcaption>
        </figure>
    }
}

/// Shard lane `i`: its box, name, state, load meter and text (its records are tokens).
#[component]
fn Lane(view_data: RwSignal<DiagramView>, layout: Memo<Layout>, i: usize, pace: Pace) -> impl IntoView {
    let lane = Memo::new(move |_| view_data.with(|d| d.lanes.get(i).cloned().unwrap_or_default()));
    let y = move || layout.with(|l| l.lane_y(i));
    let meter = move || layout.with(|l| l.meter(i));
    let class = move || match lane.with(|l| (l.open, l.throttling, l.closing)) {
        (false, ..) => "kin-lane closed",
        (true, true, true) => "kin-lane throttling updating",
        (true, true, false) => "kin-lane throttling",
        (true, false, true) => "kin-lane updating",
        (true, false, false) => "kin-lane",
    };
    // Wide: name and state left of the records, the meter and its text right. Narrow: name and
    // meter on the first row, state and load on the second, the records under them.
    let narrow = move || layout.with(|l| l.narrow);
    let second = paced(pace, move || {
        lane.with(|lane| {
            let second = match narrow() {
                true => format!("{} · {}", lane.state, lane.load_text),
                false => format!("{} · {}", lane.state, lane.last_seq),
            };
            second.trim_end_matches(" · ").to_owned()
        })
    });
    // Whole pixels: a change under a pixel is not seen, and each one costs a layout.
    let fill = move || lane.with(|lane| ((lane.records_load.max(lane.bytes_load)).min(1.0) * meter().2).round());
    view! {
        <g class=class data-testid=move || lane.with(|l| format!("lane-{}", l.id)) data-throttling=move || lane.with(|l| l.throttling.to_string())
            data-closing=move || lane.with(|l| l.closing.to_string())>
            <rect class="kin-lane-bg" x=PAD y=move || y() + 2.0 width=move || layout.with(|l| l.w - 2.0 * PAD) height=move || layout.with(|l| l.lane_h() - 4.0) rx="4"></rect>
            <text class="sqs-box-title" x=PAD + 6.0 y=move || y() + 17.0>{move || lane.with(|l| l.name.clone())}<tspan class="kin-range">{move || lane.with(|l| format!(" · {}", l.range))}</tspan></text>
            <text class="sqs-consumer-line" x=PAD + 6.0 y=move || y() + 32.0>{second}</text>
            <rect class="kin-meter" x=move || meter().0 y=move || meter().1 width=move || meter().2 height="8" rx="2"></rect>
            <rect class="kin-meter-fill" x=move || meter().0 y=move || meter().1 width=fill height="8" rx="2"></rect>
            <Show when=move || !narrow()>
                <text class="kin-meter-label" x=move || meter().0 y=move || meter().1 + 24.0>{paced(pace, move || lane.with(|l| l.load_text.clone()))}</text>
            </Show>
        </g>
    }
}

/// Consumer box `i` of `n`: its name and what it reads.
#[component]
fn Consumer(view_data: RwSignal<DiagramView>, layout: Memo<Layout>, i: usize, n: usize, pace: Pace) -> impl IntoView {
    let consumer = Memo::new(move |_| view_data.with(|d| d.consumers.get(i).cloned().unwrap_or_default()));
    let place = move || {
        let top = view_data.with(|d| layout.with(|l| l.consumers_y(d.lanes.len(), d.lineage.len())));
        layout.with(|l| l.consumer_box(top, i, n))
    };
    let place = Memo::new(move |_| place());
    let class = move || match consumer.with(|c| c.struggling) {
        true => "sqs-consumer kin-consumer struggling",
        false => "sqs-consumer kin-consumer",
    };
    view! {
        <g class=class>
            <rect x=move || place.get().0 + 2.0 y=move || place.get().1 width=move || place.get().2 - 4.0 height=CONSUMER_H rx="6"></rect>
            <text class="sqs-consumer-name" x=move || place.get().0 + 9.0 y=move || place.get().1 + 16.0>{move || consumer.with(|c| c.name.clone())}</text>
            <text class="sqs-consumer-line" x=move || place.get().0 + 9.0 y=move || place.get().1 + 30.0>{paced(pace, move || consumer.with(|c| c.line.clone()))}</text>
            <text class="sqs-consumer-line" x=move || place.get().0 + 9.0 y=move || place.get().1 + 44.0>{paced(pace, move || consumer.with(|c| c.line2.clone()))}</text>
        </g>
    }
}

/// Split, merge and rescale buttons; AWS's refusal is shown with its error name.
#[component]
fn ReshardPanel(
    view_data: RwSignal<DiagramView>,
    #[prop(into)] on_reshard: Callback<Reshard, Result<String, String>>,
    /// Changes when the run starts again from 0 s: the last action's outcome is then stale.
    restarts: RwSignal<u32>,
) -> impl IntoView {
    // A memo: the pickers re-render when the open shards change, not on every frame.
    let open_ids_memo = Memo::new(move |_| view_data.with(|d| d.open_ids.clone()));
    let open_ids = move || open_ids_memo.get();
    let split_shard = RwSignal::new(String::new());
    let split_key = RwSignal::new(String::new());
    let merge_a = RwSignal::new(String::new());
    let merge_b = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    super::live::clear_on_restart(restarts, outcome);
    // The shard a picker shows: its choice while that shard is still a candidate, else the first.
    let pick_from = |ids: Vec<u32>, chosen: RwSignal<String>| {
        chosen.get().parse::<u32>().ok().filter(|id| ids.contains(id)).or_else(|| ids.first().copied())
    };
    let pick = move |chosen: RwSignal<String>| pick_from(open_ids(), chosen);
    // MergeShards takes an open shard and the next one in hash-key order: the first picker lists
    // the shards that have one, the second offers only that one.
    let mergeable = move || {
        let mut ids = open_ids();
        ids.pop();
        ids
    };
    let neighbours =
        move || pick_from(mergeable(), merge_a).and_then(|a| adjacent_open(&open_ids(), a)).into_iter().collect();
    let pick_neighbour = move || pick_from(neighbours(), merge_b);
    let options = |ids: Vec<u32>, current: Option<u32>| {
        ids.into_iter()
            .map(|id| view! { <option value=id.to_string() prop:selected=current == Some(id)>{format!("shard {id}")}</option> })
            .collect_view()
    };
    let run = move |action: Option<Reshard>| {
        outcome.set(Some(match action {
            Some(a) => on_reshard.run(a),
            None => Err("No open shard to act on.".into()),
        }));
    };
    let split = move |_| {
        let key = split_key.get_untracked().trim().to_owned();
        run(pick(split_shard).map(|shard| Reshard::Split { shard, at_key: (!key.is_empty()).then_some(key) }))
    };
    let merge = move |_| {
        run(pick_from(mergeable(), merge_a)
            .zip(pick_neighbour())
            .map(|(shard, adjacent)| Reshard::Merge { shard, adjacent }))
    };
    let rescale = move |_| match target.get_untracked().trim().parse::<u32>() {
        Ok(target) => run(Some(Reshard::UpdateShardCount { target })),
        Err(_) => outcome.set(Some(Err("Enter the target number of open shards (a whole number).".into()))),
    };
    view! {
        <section class="panel kin-reshard" aria-labelledby="reshard-title" data-testid="reshard-panel">
            <h3 class="panel-title" id="reshard-title">"Reshard"</h3>
            <div class="kin-reshard-row">
                <label for="split-shard">"Split"</label>
                <select id="split-shard" data-testid="split-shard" on:change=move |ev| split_shard.set(event_target_value(&ev))>
                    {move || options(open_ids(), pick(split_shard))}
                </select>
                <input type="text" inputmode="numeric" placeholder="at hash key (empty: midpoint)" aria-label="NewStartingHashKey"
                    data-testid="split-key" prop:value=move || split_key.get() on:input=move |ev| split_key.set(event_target_value(&ev))/>
                <button type="button" class="button" data-testid="split" on:click=split>"Split shard"</button>
            </div>
            <div class="kin-reshard-row">
                <label for="merge-a">"Merge"</label>
                <select id="merge-a" data-testid="merge-a" on:change=move |ev| merge_a.set(event_target_value(&ev))>
                    {move || options(mergeable(), pick_from(mergeable(), merge_a))}
                </select>
                <span>"with"</span>
                <select aria-label="Adjacent shard to merge" data-testid="merge-b" on:change=move |ev| merge_b.set(event_target_value(&ev))>
                    {move || options(neighbours(), pick_neighbour())}
                </select>
                <button type="button" class="button" data-testid="merge" on:click=merge>"Merge shards"</button>
            </div>
            <div class="kin-reshard-row">
                <label for="target-count">"Open shards"</label>
                <input id="target-count" type="text" inputmode="numeric" data-testid="target-count"
                    prop:value=move || target.get() on:input=move |ev| target.set(event_target_value(&ev))/>
                <button type="button" class="button" data-testid="update-count" on:click=rescale>"UpdateShardCount"</button>
            </div>
            <p class=move || match outcome.get() { Some(Err(_)) => "field-message", _ => "muted" } data-testid="reshard-outcome" aria-live="polite">
                {move || outcome.get().map(|r| r.unwrap_or_else(|e| e))}
            </p>
        </section>
    }
}

/// Counters and charts.
#[component]
fn Metrics(status: RwSignal<CounterView>, charts: Charts) -> impl IntoView {
    let ids = move || status.with(|s| (0..s.counters.len()).collect::<Vec<_>>());
    view! {
        <dl class="stats">
            <div>
                <dt>"Simulated time"</dt>
                <dd data-testid="sim-time">{move || format_sim_time(status.with(|s| s.now_secs))}</dd>
            </div>
            <For each=ids key=|i| *i let:i>
                {
                    let name = status.with_untracked(|s| s.counters.get(i).map(|c| c.0).unwrap_or_default());
                    view! {
                        <div>
                            <dt>{name}</dt>
                            <dd data-testid=format!("count-{}", name.replace(' ', "-"))>{move || status.with(|s| s.counters.get(i).map_or(0, |c| c.1))}</dd>
                        </div>
                    }
                }
            </For>
        </dl>
        <p class="hash-line muted">
            "Run hash so far: " <code data-testid="run-hash">{move || format_trace_hash(status.with(|s| s.hash))}</code>
        </p>
        <div class="chart-grid">
            <TimeSeriesChart series=charts.incoming title="Incoming records per shard (limit 1,000/s)" y_unit="records/s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.incoming_bytes title="Incoming bytes per shard (limit 1 MiB/s)" y_unit="MiB/s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.throttled title="Throttled records" y_unit="records/s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.lag title="Consumer lag (MillisBehindLatest)" y_unit="s" min_span_secs=30.0/>
            <TimeSeriesChart series=charts.read title="Read throughput per consumer" y_unit="records/s" min_span_secs=30.0/>
        </div>
    }
}

fn capture_charts(sim: &KinesisSim, charts: Charts) {
    let m = sim.model();
    let listed: Vec<u32> = m.stream().shards().map(|s| s.id.0).collect();
    let polling = m.scenario().consumers.polling as usize;
    let pick = |keep: &dyn Fn(&str) -> Option<String>| series_from(sim.metrics(), keep);
    // Per-shard series, with the limit as a flat line so a shard over it is plain to see.
    let end = sim.now().as_secs_f64().max(1.0);
    let per_shard = |suffix: &'static str, limit: f64| {
        let mut series = pick(&|n: &str| {
            let id: u32 = n.strip_prefix("shard ")?.strip_suffix(suffix)?.parse().ok()?;
            listed.contains(&id).then(|| format!("shard {id}"))
        });
        series.push(Series { name: "limit".into(), class: "limit".into(), points: vec![(0.0, limit), (end, limit)] });
        series
    };
    charts.incoming.set(per_shard("", 1_000.0));
    charts.incoming_bytes.set(per_shard(" MiB", 1.0));
    charts.throttled.set(pick(&|n: &str| (n == "throttled").then(|| "refused".to_string())));
    let consumer_name =
        |i: usize| if i < polling { format!("polling {}", i + 1) } else { format!("EFO {}", i + 1 - polling) };
    charts.lag.set(pick(&|n: &str| n.strip_prefix("lag ")?.parse::<usize>().ok().map(|i| consumer_name(i - 1))));
    charts.read.set(pick(&|n: &str| n.strip_prefix("read ")?.parse::<usize>().ok().map(|i| consumer_name(i - 1))));
}
