//! The engine's reference scenario running live on the landing page, driven by the shared components.
//!
//! It shows, before any playground exists, that the pieces fit: the frame hook advances a seeded
//! run, the controls steer it, the chart and the log draw it, and the trace hash proves the same
//! seed gives the same run.

use engine::reference::{reference_trace_hash, ReferenceModel, ReferenceScenario, ReferenceSim};
use engine::{RunOutcome, SimDuration};
use leptos::prelude::*;

use crate::anim::{prefers_reduced_motion, use_animation_frame};
use crate::components::chart_model::series_from;
use crate::components::{
    log_entries, Announcer, EventLog, LayoutControls, LayoutDiagram, LayoutHeader, LayoutMetrics, LogEntry,
    PlayerControls, PlayerState, PlaygroundLayout, Series, TimeSeriesChart,
};
use crate::view_model::{format_sim_time, format_trace_hash, sim_advance_micros};

/// The seed the page opens with, so a first visit always shows the same run.
const DEFAULT_SEED: u32 = 42;
/// Lines kept in the event log.
const LOG_LINES: usize = 40;

/// What the page shows of the run after each tick: small, cheap to compare, published into signals.
#[derive(Clone, Debug, Default, PartialEq)]
struct RunStatus {
    now_secs: f64,
    events: u64,
    running_hash: u64,
    arrived: u64,
    completed: u64,
    rejected: u64,
}

/// The reference scenario (a Poisson workload into a bounded buffer served by three workers), live.
#[component]
pub fn ReferenceScene() -> impl IntoView {
    let state = PlayerState::new(!prefers_reduced_motion(), 1.0, DEFAULT_SEED);
    // The run is not reactive: it lives outside the signal graph and is mutated in the frame tick.
    let sim = StoredValue::new_local(new_run(DEFAULT_SEED));
    let status = RwSignal::new(RunStatus::default());
    let series = RwSignal::new(Vec::<Series>::new());
    let log = RwSignal::new(Vec::<LogEntry>::new());
    let announcement = RwSignal::new(String::new());

    let publish = move || {
        sim.with_value(|sim| {
            let next = capture_status(sim);
            // The log and chart only change when events happened; skip the copies otherwise.
            if next.events != status.with_untracked(|s| s.events) || next.events == 0 {
                log.set(log_entries(sim.trace(), LOG_LINES));
            }
            series.set(capture_series(sim));
            status.set(next);
        })
    };
    let rebuild = move |seed: u32| {
        sim.set_value(new_run(seed));
        publish();
    };
    publish();

    // Syncs the non-reactive run with the seed signal: a new seed is a new run.
    Effect::watch(
        move || state.seed.get(),
        move |seed, _, _| {
            rebuild(*seed);
            announcement.set(format!("New run with seed {seed}."));
        },
        false,
    );

    use_animation_frame(state.playing.into(), move |dt_ms| {
        let advance = sim_advance_micros(dt_ms, state.speed.get_untracked());
        if advance == 0 {
            return;
        }
        let outcome = sim.try_update_value(|sim| {
            let target = sim.now() + SimDuration::from_micros(advance);
            sim.run_until(target)
        });
        publish();
        if outcome == Some(RunOutcome::Idle) {
            state.playing.set(false);
            announcement.set("The run is over: nothing more is scheduled.".to_string());
        }
    });

    let on_step = move || {
        let stepped = sim.try_update_value(|sim| sim.step()).flatten();
        publish();
        if stepped.is_none() {
            announcement.set("Nothing more is scheduled.".to_string());
        }
    };
    let on_reset = move || {
        let seed = state.seed.get_untracked();
        rebuild(seed);
        announcement.set(format!("Run reset to 0 s with seed {seed}."));
    };

    let full_run_hash = Memo::new(move |_| format_trace_hash(reference_trace_hash(u64::from(state.seed.get()))));

    view! {
        <PlaygroundLayout id="engine-demo">
            <LayoutHeader slot>
                <h2>"Under the hood: a deterministic engine"</h2>
                <p>
                    "Every playground runs on one small simulation engine. Below it runs its reference scenario: jobs arrive at random (about 8 a second), wait in a buffer of 20, and three workers serve them. Time is simulated, and all randomness comes from the seed: the same seed gives the same run, event for event, in your browser and in the command-line tool."
                </p>
            </LayoutHeader>
            <LayoutDiagram slot>
                <TimeSeriesChart series=series title="Jobs in the system over simulated time" y_unit="jobs" min_span_secs=30.0/>
            </LayoutDiagram>
            <LayoutControls slot>
                <PlayerControls state=state on_step=on_step on_reset=on_reset/>
            </LayoutControls>
            <LayoutMetrics slot>
                <dl class="stats">
                    <div>
                        <dt>"Simulated time"</dt>
                        <dd data-testid="sim-time">{move || format_sim_time(status.with(|s| s.now_secs))}</dd>
                    </div>
                    <div>
                        <dt>"Events"</dt>
                        <dd>{move || status.with(|s| s.events)}</dd>
                    </div>
                    <div>
                        <dt>"Arrived"</dt>
                        <dd>{move || status.with(|s| s.arrived)}</dd>
                    </div>
                    <div>
                        <dt>"Completed"</dt>
                        <dd>{move || status.with(|s| s.completed)}</dd>
                    </div>
                    <div>
                        <dt>"Rejected"</dt>
                        <dd>{move || status.with(|s| s.rejected)}</dd>
                    </div>
                </dl>
                <p class="hash-line">
                    "Seed " <strong>{move || state.seed.get()}</strong> ", trace hash of the full 10-minute run: "
                    <code data-testid="trace-hash">{move || full_run_hash.get()}</code>
                </p>
                <p class="hash-line muted">
                    "Hash of the run so far: " <code data-testid="run-hash">{move || format_trace_hash(status.with(|s| s.running_hash))}</code>
                </p>
                <h3 class="panel-title">"Recent events"</h3>
                <EventLog entries=log label="Recent engine events" max_entries=LOG_LINES/>
                <Announcer message=announcement/>
            </LayoutMetrics>
        </PlaygroundLayout>
    }
}

fn new_run(seed: u32) -> ReferenceSim {
    // `with_model` is the infallible constructor: the default scenario is valid by construction
    // (the engine's tests validate it), and `reference_trace_hash` builds its run the same way.
    ReferenceSim::with_model(ReferenceModel::new(&ReferenceScenario::default()), u64::from(seed))
}

fn capture_status(sim: &ReferenceSim) -> RunStatus {
    let model = sim.model();
    RunStatus {
        now_secs: sim.now().as_secs_f64(),
        events: sim.trace().count(),
        running_hash: sim.trace_hash(),
        arrived: model.arrived(),
        completed: model.completed(),
        rejected: model.rejected(),
    }
}

/// The level series (jobs waiting, jobs in service); the rates are shown as counters instead.
fn capture_series(sim: &ReferenceSim) -> Vec<Series> {
    series_from(sim.metrics(), |name| match name {
        "waiting" => Some("waiting".to_owned()),
        // The engine counts busy workers; each holds one job, so it is also "jobs in service".
        "busy workers" => Some("in service".to_owned()),
        _ => None,
    })
}
