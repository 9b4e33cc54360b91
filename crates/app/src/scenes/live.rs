//! What every live playground scene does the same way, whatever it simulates: the run kept
//! outside the signal graph (a `StoredValue`), opened from the page's link, rebuilt when the
//! scenario or the seed changes, advanced by animation frames while playing (and, in an embed,
//! while in view), stepped and reset by the player controls, and shared as links, embed code,
//! scenario files and a host page's messages. A scene adds its own snapshot (`publish`), its
//! diagram and its panels.

use engine::rewind::{Rewind, Tape};
use engine::{ConfigError, Marker, RunOutcome, Sim, SimDuration, SimTime, TraceRecord};
use leptos::prelude::*;

use super::work_budget::{
    run_within, RunPace, RunPaceState, SpeedMeter, CATCH_UP_MS, CATCH_UP_SHOW_EVERY_MS, FRAME_BUDGET_MS, HEAD_START_MS,
};
use crate::anim::use_animation_frame;
use crate::components::{
    log_entries_by, Announcer, CaptionStrip, Collapsible, EmbedTitle, EventLog, LayoutControls, LayoutDiagram,
    LayoutHeader, LayoutMetrics, LinkNotices, LogEntry, PlayerControls, PlaygroundLayout, PresetPicker, ScenarioFile,
    ShareLinks, SharePanel, Stage, Timeline, TimelineView, WhyPanel, WhyView,
};
use crate::embed::{use_host_bridge, use_in_view, HostRequest};
use crate::share::{Controls, Defaults, LinkParams, LinkedRun, Presets, ViewOptions};
use crate::view_model::{format_sim_time, sim_advance_micros};

/// The seed a page opens with, so a first visit always shows the same run.
const DEFAULT_SEED: u32 = 42;
/// How often a playing run's counters, charts and event log are brought up to date (wall-clock
/// milliseconds): ten times a second, as fast as a reader can follow changing numbers.
pub const READ_EVERY_MS: f64 = 100.0;
/// How often a playing run's event log is brought up to date (wall-clock milliseconds): at
/// hundreds of events a second its lines fly by whatever the pace, and replacing forty lines is
/// the costliest update of a frame.
pub const LOG_EVERY_MS: f64 = 500.0;
/// Lines kept in a playground's event log.
pub const LOG_LINES: usize = 40;
/// Above this many tokens a diagram counts as crowded: it is redrawn every other frame.
pub const CROWDED_TOKENS: usize = 300;
/// The most links a "Why?" chain shows (a poison message's story is about ten).
const WHY_LINKS: usize = 24;
/// Lines of the event log an embed shows to readers who prefer reduced motion.
const EMBED_LOG_LINES: usize = 5;

/// A scene's diagram: the signal its picture reads and how the run becomes that view.
pub struct Drawing<V: 'static, F> {
    /// What the picture shows.
    pub view: RwSignal<V>,
    /// The run as the picture shows it, laid out for the stage's width.
    pub snapshot: F,
    /// Whether a view is crowded (hundreds of tokens): it is then redrawn every other frame.
    pub crowded: fn(&V) -> bool,
}

impl<V, F: Copy> Clone for Drawing<V, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V, F: Copy> Copy for Drawing<V, F> {}

/// `capture` (a scene's charts), called with the run once per simulated second and whenever a
/// new run starts: a chart's buckets are a second wide or more, and redrawing every series ten
/// times a second cost a slow phone more than a frame.
pub fn once_a_second<M: Rewind + 'static>(
    capture: impl Fn(&Sim<M>) + Copy + Send + Sync + 'static,
) -> impl Fn(&Sim<M>) + Copy + Send + Sync + 'static {
    // The second charted, and the simulated time of the last call (a run that went back in time
    // is a new run).
    let last = StoredValue::new(None::<(u64, u64)>);
    move |sim| {
        let now = sim.now().as_micros();
        let second = now / 1_000_000;
        let fresh = last.get_value().is_none_or(|(charted, at)| charted != second || now < at);
        last.set_value(Some((second, now)));
        if fresh {
            capture(sim);
        }
    }
}

/// What differs between playgrounds in the shared plumbing.
pub struct SceneSpec<S: 'static, M: Rewind + 'static> {
    /// `SQS`: in file names (lower-cased), titles and labels.
    pub service: &'static str,
    /// Builds a run of a scenario with a seed.
    pub new_run: fn(&S, u64) -> Result<Sim<M>, ConfigError>,
    /// The scenario as a `nimbus run` file.
    pub to_file: fn(&S) -> String,
    /// Reads and validates a scenario file.
    pub from_file: fn(&str) -> Result<S, String>,
}

impl<S, M: Rewind> Clone for SceneSpec<S, M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, M: Rewind> Copy for SceneSpec<S, M> {}

/// A fork of the page's run: from `at` on, the run changed by `change` to `next`, advanced in
/// step with the page's run (and taken back with it, from its own checkpoints). While the page
/// shows an instant before `at` (a link's fork not reached yet, or a scrub back), it waits.
struct Fork<S, M: Rewind> {
    at: SimTime,
    next: S,
    change: fn(&mut Sim<M>, &S) -> Result<(), String>,
    /// The forked run and its checkpoints, once the page's run has reached `at`.
    run: Option<(Sim<M>, Tape<M>)>,
}

/// What the page shows of a fork: when it was taken and what it changed.
#[derive(Clone, Debug, PartialEq)]
pub struct ForkView {
    /// The instant of the fork, simulated seconds.
    pub at_s: f64,
    /// The changed settings as the link writes them: `visibility=60`.
    pub change: String,
    /// `true` while the page shows an instant before the fork.
    pub waiting: bool,
}

/// A playground's live run and its shared state. `Copy`: signals and stored values only.
pub struct LiveRun<S: Send + Sync + 'static, M: Rewind + 'static> {
    /// The run (`None` only if a scenario that passed validation still failed to build).
    pub sim: StoredValue<Option<Sim<M>>, LocalStorage>,
    /// What the link, the presets and the controls share.
    pub linked: LinkedRun<S>,
    /// Why the last rebuild failed, if it did (the previous run keeps going).
    pub run_error: RwSignal<Option<String>>,
    /// What the live region says.
    pub announcement: RwSignal<String>,
    /// Counts the times the run started again from 0 s (a new scenario, seed or a reset): status
    /// lines about the old run ("Done at 24 s") clear when it changes.
    pub restarts: RwSignal<u32>,
    /// The newest events, oldest first (see [`LiveRun::publish_log`]).
    pub log: RwSignal<Vec<LogEntry>>,
    /// How many events the run had when the log was last published.
    logged: StoredValue<Option<u64>>,
    /// Set by [`LiveRun::change_at_now`]: the next rebuild runs on to this time.
    resume_at: StoredValue<Option<SimTime>>,
    /// Checkpoints of the run, to show it as it was at any earlier instant.
    tape: StoredValue<Tape<M>, LocalStorage>,
    /// What the timeline shows: where the run is, how far it has been, and its markers.
    pub timeline: RwSignal<TimelineView>,
    /// The causal chain the reader asked for ("Why?"), if any.
    pub why: RwSignal<Option<WhyView>>,
    /// A second run forked from this one at an instant with changed settings, kept in step.
    fork: StoredValue<Option<Fork<S, M>>, LocalStorage>,
    /// What the page says about the fork, if there is one.
    pub forked: RwSignal<Option<ForkView>>,
    /// [`LiveRun::follow_fork`] once the page has forked: a page that never forks (only SQS
    /// does for now) never names it, and its bundle does not carry it.
    fork_follow: StoredValue<Option<fn(&Self)>>,
    /// Whether the run is where the reader asked: a run still on its way to a link's time (or
    /// to now, after a rebuild) goes on in slices between frames and does not play meanwhile; a
    /// run too heavy for the chosen speed says how fast it goes.
    pub pace: RunPaceState,
    spec: SceneSpec<S, M>,
}

impl<S: Send + Sync + 'static, M: Rewind + 'static> Clone for LiveRun<S, M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Send + Sync + 'static, M: Rewind + 'static> Copy for LiveRun<S, M> {}

impl<S, M> LiveRun<S, M>
where
    S: LinkParams + PartialEq + Default + Clone + Send + Sync + 'static,
    M: Rewind + 'static,
{
    /// A playground page's run: its link read (see [`LinkedRun`]) with the defaults every page
    /// shares — seed 42, 1× speed, playing unless the reader prefers reduced motion — and the
    /// first run built, at the simulated time the link asks for.
    pub fn start(presets: Presets<S>, spec: SceneSpec<S, M>) -> Self {
        let defaults = Defaults { seed: DEFAULT_SEED, speed: 1.0, playing: !crate::anim::prefers_reduced_motion() };
        let linked = LinkedRun::open(presets, defaults);
        let mut first =
            (spec.new_run)(&linked.scenario.get_untracked(), u64::from(linked.state.seed.get_untracked())).ok();
        // A link's time: reached now if that is quick, else in slices while the page shows progress.
        let pace = RunPaceState::new();
        let mut tape = Tape::new();
        if let Some(run) = first.as_ref() {
            tape.record(run);
        }
        if let (Some(run), Some(t)) = (first.as_mut(), linked.start_secs) {
            pace.run_to(run, SimTime::ZERO + SimDuration::from_secs_f64(t), HEAD_START_MS);
            tape.record(run);
        }
        LiveRun {
            sim: StoredValue::new_local(first),
            linked,
            run_error: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            restarts: RwSignal::new(0),
            log: RwSignal::new(Vec::new()),
            logged: StoredValue::new(None),
            resume_at: StoredValue::new(None),
            tape: StoredValue::new_local(tape),
            timeline: RwSignal::new(TimelineView::default()),
            why: RwSignal::new(None),
            fork: StoredValue::new_local(None),
            forked: RwSignal::new(None),
            fork_follow: StoredValue::new(None),
            pace,
            spec,
        }
    }

    /// Reads the run, if there is one.
    pub fn with<R>(&self, f: impl FnOnce(&Sim<M>) -> R) -> Option<R> {
        self.sim.with_value(|sim| sim.as_ref().map(f))
    }

    /// Changes the run, if there is one, and notes where it got to (see [`Tape::record`]).
    pub fn update<R>(&self, f: impl FnOnce(&mut Sim<M>) -> R) -> Option<R> {
        let out = self.sim.try_update_value(|sim| sim.as_mut().map(f)).flatten();
        self.record();
        self.keep_fork_in_step();
        out
    }

    fn keep_fork_in_step(&self) {
        if let Some(follow) = self.fork_follow.get_value() {
            follow(self);
        }
    }

    /// Forks the run here: from now on, a copy of it changed to `next` by `change` (say SQS's
    /// `SetQueueAttributes`) goes on beside it — same state, same seed — so the charts and
    /// counters can compare the two futures. `Err` says why not; nothing changes then.
    pub fn fork_here(&self, next: S, change: fn(&mut Sim<M>, &S) -> Result<(), String>) -> Result<(), String> {
        let Some(now) = self.with(|sim| sim.now()) else { return Err("There is no run to fork.".into()) };
        self.fork_at(now, next, change)?;
        self.follow_fork();
        match self.forked.with_untracked(Option::is_some) {
            true => Ok(()),
            false => Err("The fork could not start (see the notices above the page).".into()),
        }
    }

    /// Opens the fork a link carries (`fork=<t>:<settings>`, read into the linked state), with
    /// `change` applying it: it starts when the run reaches its instant. What cannot be used is
    /// added to the link's notices.
    pub fn open_linked_fork(&self, change: fn(&mut Sim<M>, &S) -> Result<(), String>) {
        let Some((at, params)) = self.linked.fork.get_untracked() else { return };
        let mut notices = Vec::new();
        let pairs: Vec<(String, String)> =
            params.split(';').filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned()))).collect();
        let next = crate::share::apply_params(self.linked.scenario.get_untracked(), &pairs, &mut notices);
        let at = SimTime::ZERO + SimDuration::from_secs_f64(at);
        if let Err(why) = self.fork_at(at, next, change) {
            notices.push(format!("Ignored the link's fork: {why}"));
            self.linked.fork.set(None);
        }
        if !notices.is_empty() {
            self.linked.notices.update(|n| n.extend(notices));
        }
        self.follow_fork();
    }

    fn fork_at(&self, at: SimTime, next: S, change: fn(&mut Sim<M>, &S) -> Result<(), String>) -> Result<(), String> {
        let params = self.linked.scenario.with_untracked(|current| next.link_params(current));
        if params.is_empty() {
            return Err("change a setting first: the fork would be the same run.".into());
        }
        let link = params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";");
        // Checked now on a copy, so a change the model refuses says so at once.
        if let Some(Err(why)) = self.with(|sim| change(&mut sim.clone(), &next)) {
            return Err(why);
        }
        self.fork.set_value(Some(Fork { at, next, change, run: None }));
        self.fork_follow.set_value(Some(Self::follow_fork));
        self.linked.fork.set(Some((at.as_secs_f64(), link)));
        Ok(())
    }

    /// Closes the fork: the page shows its one run again.
    pub fn close_fork(&self) {
        self.fork.set_value(None);
        if self.forked.with_untracked(Option::is_some) {
            self.forked.set(None);
        }
        if self.linked.fork.with_untracked(Option::is_some) {
            self.linked.fork.set(None);
        }
    }

    /// Reads the fork, if there is one at the instant the page shows.
    pub fn with_fork<R>(&self, f: impl FnOnce(&Sim<M>) -> R) -> Option<R> {
        if self.forked.with_untracked(|v| v.as_ref().is_none_or(|v| v.waiting)) {
            return None;
        }
        self.fork.with_value(|fork| fork.as_ref().and_then(|fork| fork.run.as_ref()).map(|(sim, _)| f(sim)))
    }

    /// Brings the fork to the instant the page shows: on with it, back from its checkpoints, or
    /// waiting before its instant; it starts (a copy of the run at its instant, changed) the
    /// first time the page's run reaches that instant.
    fn follow_fork(&self) {
        let Some(now) = self.with(|sim| sim.now()) else { return };
        let Some(at) = self.fork.with_value(|f| f.as_ref().map(|f| f.at)) else { return };
        let waiting = now < at;
        let starting = !waiting && self.fork.with_value(|f| f.as_ref().is_some_and(|f| f.run.is_none()));
        if starting {
            let copy = self.tape.with_value(|tape| tape.at_time(at));
            let started = self.fork.try_update_value(|fork| {
                let fork = fork.as_mut()?;
                let mut sim = copy?;
                if let Err(why) = (fork.change)(&mut sim, &fork.next) {
                    return Some(Err(why));
                }
                let mut tape = Tape::new();
                tape.acted(&sim);
                fork.run = Some((sim, tape));
                Some(Ok(()))
            });
            if let Some(Some(Err(why))) = started {
                self.close_fork();
                self.linked.notices.update(|n| n.push(format!("The fork did not start: {why}")));
                return;
            }
        }
        if !waiting {
            self.fork.update_value(|fork| {
                let Some((sim, tape)) = fork.as_mut().and_then(|f| f.run.as_mut()) else { return };
                if sim.now() > now {
                    if let Some(back) = tape.at_time(now) {
                        *sim = back;
                    }
                }
                sim.run_until_done(now);
                tape.record(sim);
            });
        }
        let view = self.linked.fork.get_untracked().map(|(at_s, change)| ForkView { at_s, change, waiting });
        if self.forked.with_untracked(|f| *f != view) {
            self.forked.set(view);
        }
    }

    /// Changes the run by hand (say a message published from a composer): a replay from an
    /// earlier checkpoint would not repeat that, so what lay ahead of it is forgotten.
    pub fn act<R>(&self, f: impl FnOnce(&mut Sim<M>) -> R) -> Option<R> {
        let out = self.sim.try_update_value(|sim| sim.as_mut().map(f)).flatten();
        self.sim.with_value(|sim| {
            if let Some(sim) = sim {
                self.tape.update_value(|t| t.acted(sim));
            }
        });
        out
    }

    fn record(&self) {
        self.sim.with_value(|sim| {
            if let Some(sim) = sim {
                self.tape.update_value(|t| t.record(sim));
            }
        });
    }

    /// Shows the run as it was at `secs` (up to how far it has been): the state a fresh run to
    /// that instant would reach, replayed from the nearest checkpoint.
    fn seek(&self, secs: f64, publish: impl Fn()) {
        let t = SimTime::ZERO + SimDuration::from_secs_f64(secs.max(0.0));
        let Some(run) = self.tape.with_value(|tape| tape.at_time(t)) else { return };
        self.replace_run(run, publish);
    }

    /// Shows the run one work item earlier (the player's Step, backwards).
    fn step_back(&self, publish: impl Fn()) {
        let Some(handled) = self.with(|sim| sim.handled()) else { return };
        if handled == 0 {
            return;
        }
        let Some(run) = self.tape.with_value(|tape| tape.at_items(handled - 1)) else { return };
        self.replace_run(run, publish);
    }

    /// Shows why the event at `index` (its position in the run) happened: its causal chain, as
    /// the engine recorded it, replayed from checkpoints where it left the recent window.
    fn explain(&self, index: u64) {
        let chain = self.sim.with_value(|sim| -> Option<WhyView> {
            let sim = sim.as_ref()?;
            let (links, more) = self.tape.with_value(|tape| tape.why(sim, index, WHY_LINKS));
            let links: Vec<LogEntry> =
                links.iter().map(|(key, e)| LogEntry::of(*key, e, |e| sim.model().describe(e))).collect();
            (!links.is_empty()).then_some(WhyView { links, more })
        });
        self.why.set(chain);
    }

    /// Goes to a marker: shows the run at its first event, and why that event happened (the
    /// newest event of its kind there).
    fn seek_mark(&self, secs: f64, kind: Marker, publish: impl Fn()) {
        self.seek(secs, publish);
        let marked = self.with(|sim| {
            let trace = sim.trace();
            let newest = trace.recent().rev().position(|e| e.reason().marker() == Some(kind))?;
            Some(trace.count() - 1 - newest as u64)
        });
        match marked.flatten() {
            Some(index) => self.explain(index),
            None => self.why.set(None),
        }
    }

    fn replace_run(&self, run: Sim<M>, publish: impl Fn()) {
        // A link's time still being caught up with is where the reader no longer wants to be.
        self.pace.stop();
        self.tape.update_value(|t| t.went_back_to(&run));
        self.sim.set_value(Some(run));
        self.keep_fork_in_step();
        publish();
        self.publish_log();
        self.publish_timeline();
    }

    /// Brings the timeline up to date: where the run is, how far it has been, its markers.
    pub fn publish_timeline(&self) {
        let Some(now) = self.with(|sim| sim.now()) else { return };
        let next = self.tape.with_value(|tape| TimelineView::new(now, tape.frontier(), tape.marks(), tape.bytes()));
        if self.timeline.with_untracked(|t| *t != next) {
            self.timeline.set(next);
        }
    }

    /// Rebuilds the run from the scenario and seed, then calls `publish`; a failure keeps the
    /// old run and says why.
    pub fn rebuild(&self, publish: impl Fn()) {
        let seed = u64::from(self.linked.state.seed.get_untracked());
        match self.linked.scenario.with_untracked(|s| (self.spec.new_run)(s, seed)) {
            Ok(mut run) => {
                let mut tape = Tape::new();
                tape.record(&run);
                match self.resume_at.try_update_value(Option::take).flatten() {
                    Some(t) => {
                        self.pace.run_to(&mut run, t, HEAD_START_MS);
                    }
                    None => {
                        self.pace.stop();
                        self.restarts.update(|n| *n += 1);
                    }
                }
                tape.record(&run);
                self.tape.set_value(tape);
                self.sim.set_value(Some(run));
                self.run_error.set(None);
                // A chain of the old run would name events this run may not have, and a fork
                // compares with a run that is gone.
                self.why.set(None);
                self.close_fork();
                publish();
                self.publish_log();
                self.publish_timeline();
            }
            Err(err) => self.run_error.set(Some(crate::scenes::knob::in_words(&err))),
        }
    }

    /// Publishes now, rebuilds on every new seed or scenario (calling `on_new_scenario` after a
    /// scenario change, say to close the inspector), and keeps the address bar on the state.
    fn wire(self, publish: impl Fn() + Copy + 'static, on_new_scenario: impl Fn() + 'static) {
        publish();
        self.publish_log();
        let state = self.linked.state;
        Effect::watch(
            move || state.seed.get(),
            move |seed, _, _| {
                self.rebuild(publish);
                self.announcement.set(format!("New run with seed {seed}."));
            },
            false,
        );
        Effect::watch(
            move || self.linked.scenario.track(),
            move |_, _, _| {
                self.rebuild(publish);
                on_new_scenario();
            },
            false,
        );
        self.linked.follow_in_address_bar();
    }

    /// Advances the run with the animation frames while playing and `in_view`, and shows it:
    /// the diagram (`drawing`: its `view`, made by `snapshot`) every frame; `read` publishes everything else —
    /// counters, charts, event log, inspector, announcements — at a reading pace,
    /// [`READ_EVERY_MS`]. Text that changes sixty times a second cannot be read, and laying it out
    /// every frame cost a slow phone most of its frame. Everything is published when the run
    /// stops, so a paused page shows one consistent instant.
    ///
    /// While the view is crowded (hundreds of tokens), a redraw is split over two frames: one
    /// advances the run and works out the snapshot, the next only puts it on the page, and the
    /// browser lays it out. Together they took a slow phone two frames; apart, each fits in one.
    /// The readouts and the log then take frames of their own, so the diagram moves about
    /// twenty-five times a second.
    fn animate<V: Send + Sync + 'static>(
        self,
        in_view: Signal<bool>,
        drawing: Drawing<V, impl Fn(&Sim<M>) -> V + Copy + 'static>,
        pending: StoredValue<Option<V>, LocalStorage>,
        read: impl Fn() + Copy + 'static,
    ) {
        let Drawing { view, snapshot, crowded } = drawing;
        let state = self.linked.state;
        let playing = Signal::derive(move || state.playing.get() && in_view.get());
        // Frames also run while a run catches up with a link's time, which it does whether or
        // not it plays.
        let active = Signal::derive(move || playing.get() || self.pace.catching.get());
        // Wall-clock milliseconds of showing frames, for the next frame to advance the run by.
        let owed_ms = StoredValue::new(0.0f64);
        let (read_at, logged_at) = (StoredValue::new(f64::NEG_INFINITY), StoredValue::new(f64::NEG_INFINITY));
        let draw = move || {
            pending.set_value(None);
            if let Some(next) = self.with(snapshot) {
                view.set(next);
            }
        };
        let meter = StoredValue::new(SpeedMeter::default());
        Effect::watch(
            move || playing.get(),
            move |&playing, _, _| {
                if !playing {
                    draw();
                    read();
                    self.publish_log();
                    meter.set_value(SpeedMeter::default());
                    // Paused: no speed to keep up with (but a run that stopped for good still says why).
                    let stopped = self.with(|sim| sim.halted().is_some()).unwrap_or(false);
                    if !self.pace.catching.get_untracked() && !stopped {
                        self.pace.keeping_up(None, 1.0);
                    }
                }
            },
            false,
        );
        use_animation_frame(active, move |dt_ms| {
            if let Some(target) = self.pace.target() {
                let there = self.update(|sim| self.pace.run_to(sim, target, CATCH_UP_MS)) != Some(false);
                // The page follows the catching up a few times a second.
                let now_ms = crate::anim::now_ms();
                if there || now_ms - read_at.get_value() >= CATCH_UP_SHOW_EVERY_MS {
                    read_at.set_value(now_ms);
                    draw();
                    read();
                    self.publish_log();
                }
                return;
            }
            let crowded = view.with_untracked(crowded);
            if crowded {
                if let Some(next) = pending.try_update_value(Option::take).flatten() {
                    // The frame that shows the snapshot made on the frame before: the run waits
                    // for the next frame, which advances it for both.
                    owed_ms.update_value(|owed| *owed += dt_ms);
                    view.set(next);
                    return;
                }
            }
            let dt_ms = dt_ms + owed_ms.try_update_value(std::mem::take).unwrap_or(0.0);
            let advance = sim_advance_micros(dt_ms, state.speed.get_untracked());
            if advance == 0 {
                return;
            }
            // At most a frame's budget of work: a run too heavy for the chosen speed falls behind
            // (the time it did not make is not owed) and the page says how fast it really goes.
            let outcome = self.update(|sim| {
                let before = sim.now();
                let outcome = run_within(sim, before + SimDuration::from_micros(advance), FRAME_BUDGET_MS);
                (outcome, sim.now().saturating_since(before).as_micros())
            });
            let made = outcome.map_or(0, |(_, made)| made);
            if let Some(verdict) = meter.try_update_value(|m| m.frame(dt_ms, advance, made)).flatten() {
                self.pace.keeping_up(verdict, state.speed.get_untracked());
            }
            let outcome = outcome.map(|(o, _)| o);
            let over = matches!(outcome, Some(RunOutcome::Idle | RunOutcome::Halted));
            let now_ms = crate::anim::now_ms();
            let read_now = over || now_ms - read_at.get_value() >= READ_EVERY_MS;
            let log_now = over || (!read_now && now_ms - logged_at.get_value() >= LOG_EVERY_MS);
            // A crowded diagram's frames take one costly update each: the readouts, the log, or
            // the snapshot (shown on the next frame).
            if over || !crowded {
                draw();
            } else if !read_now && !log_now {
                pending.set_value(self.with(snapshot));
            }
            if read_now {
                read_at.set_value(now_ms);
                read();
            }
            if log_now {
                logged_at.set_value(now_ms);
                self.publish_log();
            }
            if over {
                state.playing.set(false);
                let stopped = self.with(|sim| self.pace.stopped(sim)).unwrap_or(false);
                self.announcement.set(match stopped {
                    true => self.pace.note.get_untracked(),
                    false => "The run is over: nothing more is scheduled.".to_string(),
                });
            }
        });
    }

    /// Shows the run and keeps it going, the way every live playground does: publishes it now
    /// and after every rebuild (calling `on_new_scenario` after a scenario change), again when
    /// the stage's width changes, and animates it while playing and in view (an embed's `frame`
    /// off screen is not) — `drawing` and `read` as for [`LiveRun::animate`]. Returns the
    /// player.
    pub fn drive<V: Send + Sync + 'static>(
        self,
        stage: Stage,
        frame: NodeRef<leptos::html::Section>,
        drawing: Drawing<V, impl Fn(&Sim<M>) -> V + Copy + Send + Sync + 'static>,
        read: impl Fn() + Copy + Send + Sync + 'static,
        on_new_scenario: impl Fn() + 'static,
    ) -> Player {
        let Drawing { view, snapshot, .. } = drawing;
        let read = move || {
            read();
            self.publish_timeline();
        };
        // A snapshot made for the next frame (see `animate`); anything published before then
        // makes it stale.
        let pending = StoredValue::new_local(None::<V>);
        let publish = move || {
            pending.set_value(None);
            if let Some(next) = self.with(snapshot) {
                view.set(next);
            }
            read();
        };
        self.wire(publish, on_new_scenario);
        stage.relayout_with(publish);
        self.animate(in_view(self.linked.view.embed, frame), drawing, pending, read);
        Player {
            step: Callback::new(move |()| self.step(publish)),
            reset: Callback::new(move |()| self.reset(publish)),
            stop_catching_up: Callback::new(move |()| {
                self.pace.stop();
                publish();
                self.publish_log();
            }),
            show: Callback::new(move |()| {
                publish();
                self.publish_log();
            }),
            seek: Callback::new(move |secs| self.seek(secs, publish)),
            step_back: Callback::new(move |()| self.step_back(publish)),
            seek_mark: Callback::new(move |(secs, kind)| self.seek_mark(secs, kind, publish)),
            why: Callback::new(move |index| self.explain(index)),
        }
    }

    /// Replaces the scenario with one that differs only from now on (an action recorded at the
    /// current simulated time): the run is rebuilt from the start — so a link replays it — and
    /// runs on to now, instead of restarting at 0 s.
    pub fn change_at_now(&self, next: S) {
        if let Some(now) = self.with(|s| s.now()) {
            self.resume_at.set_value(Some(now));
        }
        self.linked.modified.set(true);
        self.linked.scenario.set(next);
    }

    /// The player's Step: one scheduled item.
    fn step(&self, publish: impl Fn()) {
        self.update(|sim| sim.step());
        publish();
        self.publish_log();
    }

    /// Brings the event log up to date, if the run has new events.
    pub fn publish_log(&self) {
        let Some(count) = self.with(|sim| sim.trace().count()) else { return };
        if self.logged.get_value() != Some(count) {
            self.logged.set_value(Some(count));
            self.with(|sim| self.log.set(log_entries_by(sim.trace(), LOG_LINES, |e| sim.model().describe(e))));
        }
    }

    /// The player's Reset: the same scenario and seed from 0 s.
    fn reset(&self, publish: impl Fn()) {
        self.rebuild(publish);
        let seed = self.linked.state.seed.get_untracked();
        self.announcement.set(format!("Run reset to 0 s with seed {seed}."));
    }

    /// Loads a preset and says so.
    pub fn load_preset(&self, key: &str) {
        if self.linked.load_preset(key) {
            let name = self.linked.preset_name(key).unwrap_or("");
            self.announcement.set(format!("Preset loaded: {name}."));
        }
    }

    /// Simulated seconds so far.
    pub fn now_secs(&self) -> f64 {
        self.with(|s| s.now().as_secs_f64()).unwrap_or(0.0)
    }

    /// The page and embed links of the share panel.
    pub fn share_links(self) -> ShareLinks {
        let link_at = move |with_time: bool, view: ViewOptions| {
            let now = with_time.then(|| self.now_secs());
            self.linked.url(now, view)
        };
        ShareLinks {
            page: Callback::new(move |with_time| link_at(with_time, ViewOptions::default())),
            embed: Callback::new(move |with_time| {
                link_at(with_time, ViewOptions { embed: true, ..ViewOptions::default() })
            }),
            embed_height: crate::playgrounds::by_label(self.spec.service).map_or(1000, |p| p.embed_height),
        }
    }

    /// The share panel's title: `Nimbus SQS playground: Poison message → DLQ`.
    pub fn share_title(self) -> Signal<String> {
        Signal::derive(move || self.linked.title(self.spec.service))
    }

    /// The scenario file to export: its name and text.
    pub fn export_file(self) -> Callback<(), (String, String)> {
        Callback::new(move |()| {
            let service = self.spec.service.to_ascii_lowercase();
            let name = self.linked.preset_key.with_untracked(|k| format!("nimbus-{service}-{k}.json"));
            (name, self.linked.scenario.with_untracked(|s| (self.spec.to_file)(s)))
        })
    }

    /// Imports a scenario file: the run restarts with it; `Err` says what is wrong and changes nothing.
    pub fn import_file(self) -> Callback<String, Result<String, String>> {
        Callback::new(move |text: String| {
            let linkable = self.linked.import((self.spec.from_file)(&text)?);
            Ok(match linkable {
                true => "Imported: the run restarted with this scenario, and links carry it.".to_string(),
                false => "Imported: the run restarted with this scenario. Some of its settings have no control here, so a link cannot carry them; share the file instead.".to_string(),
            })
        })
    }
}

/// The player's Step and Reset of a live run (see [`LiveRun::drive`]).
#[derive(Clone, Copy)]
pub struct Player {
    /// One scheduled item.
    pub step: Callback<()>,
    /// The same scenario and seed from 0 s.
    pub reset: Callback<()>,
    /// Stops a run catching up with a link's time where it got to.
    pub stop_catching_up: Callback<()>,
    /// Shows the run as it is now (after a change made outside the player, say a publish from
    /// the composer): diagram, readouts and event log.
    pub show: Callback<()>,
    /// Shows the run as it was at a simulated second (the timeline).
    pub seek: Callback<f64>,
    /// Shows the run one work item earlier.
    pub step_back: Callback<()>,
    /// Goes to a marker (its first event's second and kind) and explains it.
    pub seek_mark: Callback<(f64, Marker)>,
    /// Shows why the event at a position in the run happened.
    pub why: Callback<u64>,
}

/// What a playground page shows that other playgrounds' pages do not; [`live_page`] lays it out.
pub struct PageParts {
    /// The page section's `id` (`sqs-playground`).
    pub id: &'static str,
    /// The heading.
    pub title: &'static str,
    /// What the reader is looking at.
    pub intro: &'static str,
    /// The scene's live counters: the caption shows those its preset names as proof.
    pub counters: Signal<Vec<(&'static str, u64)>>,
    /// The diagram, and what goes right under it.
    pub diagram: AnyView,
    /// What opens at the top of the controls column, beside the diagram (the inspector).
    pub beside: Option<AnyView>,
    /// The scenario's settings.
    pub settings: AnyView,
    /// Counters and charts (the event log follows them).
    pub metrics: AnyView,
}

/// A live playground's page: header, the caption on the diagram, the controls column (player,
/// presets, settings, sharing), the metrics with the event log, and the live region.
pub fn live_page<S, M>(
    live: LiveRun<S, M>,
    presets: &'static [crate::scenes::preset::Preset<S>],
    player: Player,
    now_secs: Signal<f64>,
    parts: PageParts,
) -> AnyView
where
    S: LinkParams + PartialEq + Default + Clone + Send + Sync + 'static,
    M: Rewind + 'static,
{
    let PageParts { id, title, intro, counters, diagram, beside, settings, metrics } = parts;
    let log_label = format!("Recent {} events", live.spec.service);
    view! {
        <PlaygroundLayout id=id>
            <LayoutHeader slot>
                <h2>{title}</h2>
                <p>{intro}</p>
                <LinkNotices notices=live.linked.notices/>
            </LayoutHeader>
            <LayoutDiagram slot>
                {preset_caption(live.linked, counters)}
                // Where a phone reader looks: over the diagram, not down in the controls.
                <RunPace state=live.pace cancel=player.stop_catching_up/>
                {diagram}
            </LayoutDiagram>
            <LayoutControls slot>
                {beside}
                {live_controls(live, presets, player, now_secs, settings)}
            </LayoutControls>
            <LayoutMetrics slot>
                {metrics}
                <h3 class="panel-title">"Recent events"</h3>
                <EventLog entries=live.log label=log_label max_entries=LOG_LINES on_why=player.why/>
                <Announcer message=live.announcement/>
            </LayoutMetrics>
        </PlaygroundLayout>
    }
    .into_any()
}

/// The embed view of a playground: the diagram, the controls the link asks for, the simulated
/// time and a link to the full playground. It answers the host page's play, pause and set.
#[component]
pub fn EmbedFrame<S, M>(
    live: LiveRun<S, M>,
    /// The accessible name of the frame: `SQS playground`.
    label: &'static str,
    /// The diagram.
    diagram: AnyView,
    /// What `controls=full` adds under the player controls (presets, settings, inspector).
    full_controls: AnyView,
    /// Simulated seconds, as published.
    now_secs: Signal<f64>,
    /// Step and Reset.
    player: Player,
    /// Where the in-view observer watches (the scene's frame).
    frame: NodeRef<leptos::html::Section>,
) -> impl IntoView
where
    S: LinkParams + PartialEq + Default + Clone + Send + Sync + 'static,
    M: Rewind + 'static,
{
    let linked = live.linked;
    let state = linked.state;
    use_host_bridge(move |request| match request {
        HostRequest::Play => state.playing.set(true),
        HostRequest::Pause => state.playing.set(false),
        HostRequest::Set(query) => linked.apply_patch(&query),
    });
    let full_link = move || linked.url(None, ViewOptions::default());
    let (step, reset) = (move || player.step.run(()), move || player.reset.run(()));
    let controls = match linked.view.controls {
        Controls::None => None,
        Controls::Min => Some(
            view! { <PlayerControls state=state on_step=step on_reset=reset compact=true shortcuts=true/> }.into_any(),
        ),
        Controls::Full => Some(
            view! {
                <PlayerControls state=state on_step=step on_reset=reset shortcuts=true/>
                <Timeline view=live.timeline on_seek=player.seek on_back=player.step_back on_mark=player.seek_mark
                    playing=state.playing shortcuts=true/>
                <WhyPanel why=live.why on_seek=player.seek/>
                {full_controls}
            }
            .into_any(),
        ),
    };
    let service = live.spec.service;
    let log_label = format!("Recent {service} events");
    let preset = move || linked.preset_label();
    view! {
        <section class="embed-frame" node_ref=frame aria-label=label data-testid="embed-frame">
            <EmbedTitle service=service preset=Signal::derive(preset) href=Signal::derive(full_link)/>
            <LinkNotices notices=linked.notices/>
            <RunPace state=live.pace cancel=player.stop_catching_up/>
            {diagram}
            // Without travelling tokens, the latest events say what each step did.
            {crate::anim::prefers_reduced_motion().then(|| view! { <EventLog entries=live.log label=log_label max_entries=EMBED_LOG_LINES/> })}
            {controls.map(|c| view! { <div class="embed-controls panel">{c}</div> })}
            <p class="embed-footer muted">
                <span data-testid="sim-time">{move || format_sim_time(now_secs.get())}</span>
                " simulated"
            </p>
            <Announcer message=live.announcement/>
        </section>
    }
}

/// Whether the scene is on screen: always for a page, by IntersectionObserver for an embed (an
/// embed off screen neither animates nor simulates; it resumes where it was).
pub fn in_view(embed: bool, frame: NodeRef<leptos::html::Section>) -> Signal<bool> {
    if embed {
        use_in_view(frame)
    } else {
        Signal::derive(|| true)
    }
}

/// Clears `status` (a line about the last action: "Done at 24 s", "Published msg-19") whenever
/// the run starts again from 0 s, when it would describe a run that is gone.
pub fn clear_on_restart<T: Send + Sync + 'static>(restarts: RwSignal<u32>, status: RwSignal<Option<T>>) {
    Effect::new(move |first: Option<()>| {
        restarts.track();
        if first.is_some() {
            status.set(None);
        }
    });
}

/// The caption above a playground's diagram: the preset's name, its lesson, and those of the
/// scene's counters (`all`) that the preset names as its proof, live.
pub fn preset_caption<S>(linked: LinkedRun<S>, all: Signal<Vec<(&'static str, u64)>>) -> impl IntoView
where
    S: LinkParams + PartialEq + Default + Clone + Send + Sync + 'static,
{
    let counters = Signal::derive(move || {
        let proof = linked.caption().1;
        all.with(|c| proof.iter().filter_map(|name| c.iter().find(|(k, _)| k == name).copied()).collect())
    });
    view! {
        <CaptionStrip
            name=Signal::derive(move || linked.preset_label())
            lesson=Signal::derive(move || linked.caption().0)
            counters=counters
        />
    }
}

/// The controls column of a live playground, in the order a reader needs them: the player, the
/// presets with their explanation, the settings (`settings`), then sharing and files. On a phone
/// the settings and the sharing start folded, so the diagram's effects stay near.
fn live_controls<S, M>(
    live: LiveRun<S, M>,
    presets: &'static [crate::scenes::preset::Preset<S>],
    player: Player,
    now_secs: Signal<f64>,
    settings: AnyView,
) -> impl IntoView
where
    S: LinkParams + PartialEq + Default + Clone + Send + Sync + 'static,
    M: Rewind + 'static,
{
    let LinkedRun { preset_key, modified, state, .. } = live.linked;
    view! {
        <PlayerControls state=state on_step=player.step on_reset=player.reset shortcuts=true/>
        <Timeline view=live.timeline on_seek=player.seek on_back=player.step_back on_mark=player.seek_mark
            playing=state.playing shortcuts=true/>
        <WhyPanel why=live.why on_seek=player.seek/>
        <PresetPicker entries=crate::scenes::preset::picker_entries(presets) preset_key=preset_key modified=modified
            on_pick=move |key: String| live.load_preset(&key)/>
        <Collapsible title="Settings" testid="settings-section">
            {settings}
            <p class="field-message" data-testid="run-error">{move || live.run_error.get()}</p>
        </Collapsible>
        <Collapsible title="Share, embed and export" testid="share-section">
            <SharePanel links=live.share_links() title=live.share_title() now_secs=now_secs/>
            <ScenarioFile export=live.export_file() import=live.import_file()/>
        </Collapsible>
    }
}
