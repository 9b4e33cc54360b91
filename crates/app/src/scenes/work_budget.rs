//! How much simulating the page does at a time, so that no run — however heavy a link or a file
//! makes it — blocks the page: the run advances in slices of work items between which the page
//! checks the clock. A frame simulates for at most [`FRAME_BUDGET_MS`]; when that is not enough
//! for the chosen speed, simulated time falls behind (never owed) and the page says at what
//! speed it really runs. Running on to a link's `t`, or to now after a resharding button rebuilt
//! the run, gets a short head start and then goes on in slices between frames, with progress and
//! Cancel ([`RunPace`]).

use engine::{Model, RunOutcome, Sim, SimTime};
use leptos::prelude::*;

use crate::view_model::{format_sim_time, format_speed};

/// Work items between two looks at the clock: a fraction of a millisecond of any model's work.
const SLICE_ITEMS: u64 = 2_000;
/// Wall-clock milliseconds a playing frame may simulate: the rest of the frame draws.
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Wall-clock milliseconds a run may take to reach a link's time before the page shows it (most
/// links get there well within it).
pub const HEAD_START_MS: f64 = 150.0;
/// Wall-clock milliseconds a frame spends catching up (nothing is animated meanwhile).
pub const CATCH_UP_MS: f64 = 40.0;
/// How often the page shows how far catching up got (wall-clock milliseconds).
pub const CATCH_UP_SHOW_EVERY_MS: f64 = 500.0;
/// Below this share of the chosen speed, the page says the run cannot keep up.
const SLOW_SHARE: f64 = 0.9;
/// Wall-clock milliseconds over which the speed actually reached is measured.
const SPEED_WINDOW_MS: f64 = 1_000.0;

/// Runs `sim` towards `target` in slices until it gets there or `budget_ms` of wall-clock time is
/// spent; [`RunOutcome::StepCap`] when it stopped short. Slicing changes nothing in the run.
// One copy per model: the model's whole work loop is inlined into it, and it has three callers.
#[inline(never)]
pub fn run_within<M: Model>(sim: &mut Sim<M>, target: SimTime, budget_ms: f64) -> RunOutcome {
    let deadline = crate::anim::now_ms() + budget_ms;
    loop {
        match sim.run_until_at_most(target, SLICE_ITEMS) {
            RunOutcome::StepCap if crate::anim::now_ms() < deadline => {}
            outcome => return outcome,
        }
    }
}

/// Where a run stands against what the reader asked for: on its way to a link's time in slices,
/// or slower than the chosen speed. Plain signal types the app already has, so it costs every
/// page little.
#[derive(Clone, Copy)]
pub struct RunPaceState {
    /// Where a run catching up is going; it does not play meanwhile.
    target: StoredValue<Option<SimTime>>,
    /// Whether a run is catching up (frames run for it, and Stop here shows).
    pub catching: RwSignal<bool>,
    /// What the page says: how far the catching up got, or the speed the run really makes;
    /// empty while the run is where the reader asked.
    pub note: RwSignal<String>,
}

impl RunPaceState {
    /// On time.
    pub fn new() -> Self {
        RunPaceState {
            target: StoredValue::new(None),
            catching: RwSignal::new(false),
            note: RwSignal::new(String::new()),
        }
    }

    /// Runs `sim` towards `target` for at most `budget_ms`; if it is not there yet, the run
    /// catches up in slices from the next frame on. `true` once it is there.
    pub fn run_to<M: Model>(&self, sim: &mut Sim<M>, target: SimTime, budget_ms: f64) -> bool {
        let outcome = run_within(sim, target, budget_ms);
        let there = outcome != RunOutcome::StepCap;
        self.target.set_value((!there).then_some(target));
        if self.catching.get_untracked() == there {
            self.catching.set(!there);
        }
        self.note.set(match outcome {
            RunOutcome::StepCap => format!(
                "Running to {}: {} so far ({:.0}%).",
                format_elapsed(target.as_secs_f64()),
                format_elapsed(sim.now().as_secs_f64()),
                100.0 * sim.now().as_secs_f64() / target.as_secs_f64().max(1e-9)
            ),
            _ => stopped_note(sim).unwrap_or_default(),
        });
        there
    }

    /// Says why a run stopped for good, if it did (see [`stopped_note`]); `true` if it did.
    pub fn stopped<M: Model>(&self, sim: &Sim<M>) -> bool {
        let Some(note) = stopped_note(sim) else { return false };
        self.note.set(note);
        true
    }

    /// Where a run catching up is going.
    pub fn target(&self) -> Option<SimTime> {
        self.target.get_value()
    }

    /// Stops catching up (the run stays where it got to) and clears the note.
    pub fn stop(&self) {
        self.target.set_value(None);
        self.catching.set(false);
        self.note.set(String::new());
    }

    /// A speed meter's verdict (see [`SpeedMeter::frame`]) at the chosen `speed`.
    pub fn keeping_up(&self, share: Option<f64>, speed: f64) {
        let note = share.map_or_else(String::new, |share| {
            format!(
                "Running at {} instead of {}: this run is heavier than this page can simulate in real time.",
                format_speed(two_figures(share * speed)),
                format_speed(speed)
            )
        });
        if self.note.with_untracked(|n| *n != note) {
            self.note.set(note);
        }
    }
}

/// The simulated time a playing run was asked for and the time it made, over a window of
/// wall-clock time: whether it keeps up with the chosen speed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SpeedMeter {
    wall_ms: f64,
    asked_us: u64,
    made_us: u64,
}

impl SpeedMeter {
    /// Counts one frame; at the end of a window, the share of the chosen speed the run made if
    /// it fell short (`Some(None)` when it kept up), and a new window starts.
    pub fn frame(&mut self, wall_ms: f64, asked_us: u64, made_us: u64) -> Option<Option<f64>> {
        self.wall_ms += wall_ms;
        self.asked_us += asked_us;
        self.made_us += made_us;
        if self.wall_ms < SPEED_WINDOW_MS || self.asked_us == 0 {
            return None;
        }
        let share = self.made_us as f64 / self.asked_us as f64;
        *self = SpeedMeter::default();
        Some((share < SLOW_SHARE).then_some(share))
    }
}

/// Says when the run is not where the reader asked: catching up with a link's time (and Stop
/// here), or slower than the chosen speed.
#[component]
pub fn RunPace(
    state: RunPaceState,
    /// Stops catching up: the run stays where it got to.
    cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="run-pace" role="status" data-testid="run-pace" hidden=move || state.note.with(String::is_empty)>
            <p>{move || state.note.get()}</p>
            <button type="button" class="button" data-testid="catch-up-stop" hidden=move || !state.catching.get()
                on:click=move |_| cancel.run(())>"Stop here"</button>
        </div>
    }
}

/// Why a run stopped before it was asked to: it would hold more memory than a browser tab
/// should give it (the engine's cap), and what to change.
pub fn stopped_note<M: Model>(sim: &Sim<M>) -> Option<String> {
    let (_, at) = sim.halted()?;
    Some(format!(
        "The run stopped at {}: it would hold more than {} MB of messages, records or requests — a bound of this page, not of AWS, which keeps any backlog. Make the load lighter (a lower rate, more consumers), then Reset.",
        format_sim_time(at.as_secs_f64()),
        engine::HELD_BYTES_CAP >> 20
    ))
}

/// A simulated duration in words a reader takes in at a glance: `14 s`, `2 min 5 s`, `1 h 0 min`.
fn format_elapsed(secs: f64) -> String {
    let s = secs.max(0.0).floor() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3_599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3_600, s % 3_600 / 60),
    }
}

/// A speed to two significant figures at most (`0.23`, `2.3`, `23`): what a reader compares.
fn two_figures(speed: f64) -> f64 {
    let scale = match speed {
        s if s >= 10.0 => 1.0,
        s if s >= 1.0 => 10.0,
        _ => 100.0,
    };
    (speed * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_says_when_a_run_falls_behind_once_a_second() {
        let mut m = SpeedMeter::default();
        assert_eq!(m.frame(500.0, 500_000, 500_000), None);
        assert_eq!(m.frame(500.0, 500_000, 500_000), Some(None), "kept up");
        assert_eq!(m.frame(600.0, 600_000, 100_000), None);
        assert_eq!(m.frame(400.0, 400_000, 100_000), Some(Some(0.2)));
        // Paused frames ask for nothing: no verdict.
        assert_eq!(m.frame(2_000.0, 0, 0), None);
    }

    #[test]
    fn durations_are_said_in_words() {
        assert_eq!(
            [format_elapsed(14.9), format_elapsed(125.0), format_elapsed(3_600.0)],
            ["14 s", "2 min 5 s", "1 h 0 min"]
        );
    }

    #[test]
    fn speeds_are_said_to_two_figures() {
        assert_eq!([two_figures(0.2345), two_figures(2.345), two_figures(23.45)], [0.23, 2.3, 23.0]);
    }
}
