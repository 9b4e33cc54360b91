//! The generic driver every service simulation runs on: a model, its scheduled work, one RNG,
//! a trace and metrics, advanced in simulated time only.
//!
//! Driving contract: call [`Sim::run_until`] (or [`Sim::step`]) with non-decreasing times;
//! read [`Sim::trace`], [`Sim::metrics`] and [`Sim::model`] between calls. Nothing else moves
//! the simulation, so the same model and seed always give the same run.

use crate::metrics::Metrics;
use crate::rng::SimRng;
use crate::scheduler::Scheduler;
use crate::time::{SimDuration, SimTime};
use crate::trace::{Trace, TraceRecord, DEFAULT_RECENT};

/// The most items one [`Sim::run_until`] call handles before it gives control back.
pub const STEP_CAP: u64 = 2_000_000;
/// The most memory a run may hold in messages, records and requests ([`Model::held_bytes`]),
/// 256 MB: a playground bound (AWS keeps any backlog), far above any preset, and well inside a
/// phone's browser tab. A run that would hold more stops ([`RunOutcome::Halted`]) and says why.
pub const HELD_BYTES_CAP: u64 = 256 << 20;
/// About what a `BTreeMap` or `BTreeSet` entry costs besides its key and value (node overhead),
/// for [`Model::held_bytes`] estimates.
pub const BTREE_ENTRY_BYTES: u64 = 16;
/// How often (in items handled) a run checks what it holds.
const HELD_CHECK_EVERY: u64 = 4_096;

/// A service model driven by the scheduler.
pub trait Model {
    /// Scheduled work items (timers, arrivals, completions): plain data, no callbacks.
    type Work;
    /// The events this model puts in the trace.
    type Event: TraceRecord;

    /// Schedules the initial work (first arrivals, periodic ticks).
    fn start(&mut self, cx: &mut Ctx<Self::Work, Self::Event>);

    /// Handles one work item that has come due at `cx.now()`.
    fn handle(&mut self, cx: &mut Ctx<Self::Work, Self::Event>, work: Self::Work);

    /// About how much memory the model holds in what grows with load or time (messages,
    /// records, requests, deliveries), in bytes: a run stops at [`HELD_BYTES_CAP`] instead of
    /// growing until the process or the browser tab dies. An estimate from counts and sizes,
    /// cheap enough to ask every few thousand items.
    fn held_bytes(&self) -> u64;

    /// An event in words, as an event log shows it: the event's own description unless the
    /// model knows better (a flow names its nodes, which its events give by index).
    fn describe(&self, event: &Self::Event) -> String {
        event.describe()
    }
}

/// Everything a model may touch besides itself: the clock and scheduler, the RNG, the trace
/// and the metrics.
#[derive(Clone, Debug)]
pub struct Ctx<W, E> {
    /// Scheduled work.
    pub sched: Scheduler<W>,
    /// The one seeded RNG of this simulation.
    pub rng: SimRng,
    /// Every notable event.
    pub trace: Trace<E>,
    /// Time series for the charts.
    pub metrics: Metrics,
}

impl<W, E: TraceRecord> Ctx<W, E> {
    /// Simulated now.
    pub fn now(&self) -> SimTime {
        self.sched.now()
    }
    /// Schedules `work` after `delay`.
    pub fn schedule_in(&mut self, delay: SimDuration, work: W) {
        let at = self.now() + delay;
        self.sched.schedule(at, work);
    }
    /// Schedules `work` at `at` (not in the past).
    pub fn schedule_at(&mut self, at: SimTime, work: W) {
        self.sched.schedule(at, work);
    }
    /// Puts an event in the trace.
    pub fn emit(&mut self, event: E) {
        self.trace.push(event);
    }
}

/// Why [`Sim::run_until`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// Simulated time reached the target.
    Reached,
    /// Nothing is scheduled any more; time was moved to the target.
    Idle,
    /// [`STEP_CAP`] items (or the caller's cap) were handled before the target: call again to
    /// continue.
    StepCap,
    /// The run holds more than [`HELD_BYTES_CAP`] and has stopped for good ([`Sim::halted`]).
    Halted,
}

/// A running simulation of model `M`. It clones (for checkpoints, see [`crate::rewind`]) when
/// its model does.
#[derive(Debug)]
pub struct Sim<M: Model> {
    model: M,
    cx: Ctx<M::Work, M::Event>,
    seed: u64,
    handled: u64,
    /// Set once the run held more than [`HELD_BYTES_CAP`]: what it held then, and when.
    halted: Option<(u64, SimTime)>,
}

impl<M: Model> Sim<M> {
    /// Starts `model` with `seed` at time zero.
    pub fn with_model(mut model: M, seed: u64) -> Sim<M> {
        let mut cx = Ctx {
            sched: Scheduler::with_capacity(1024),
            rng: SimRng::new(seed),
            trace: Trace::new(DEFAULT_RECENT),
            metrics: Metrics::new(),
        };
        model.start(&mut cx);
        Sim { model, cx, seed, handled: 0, halted: None }
    }

    /// The seed this run was started with.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Simulated now.
    pub fn now(&self) -> SimTime {
        self.cx.now()
    }
    /// The model, for state queries.
    pub fn model(&self) -> &M {
        &self.model
    }
    /// The trace so far.
    pub fn trace(&self) -> &Trace<M::Event> {
        &self.cx.trace
    }
    /// Hash of the whole trace so far.
    pub fn trace_hash(&self) -> u64 {
        self.cx.trace.hash()
    }
    /// The metrics so far.
    pub fn metrics(&self) -> &Metrics {
        &self.cx.metrics
    }
    /// How many scheduled work items have been handled so far (for benchmarks).
    pub fn handled(&self) -> u64 {
        self.handled
    }
    /// Number of scheduled work items.
    pub fn pending(&self) -> usize {
        self.cx.sched.len()
    }
    /// Stops keeping the window of recent events (the hash still covers every event): for
    /// headless runs, which only read the totals.
    pub fn without_recent_events(mut self) -> Self {
        self.cx.trace.keep_recent(0);
        self
    }
    /// Keeps the `keep` most recent events instead of the default window: a page that draws a
    /// busy run's last second of events from the trace needs more than the default.
    pub fn keep_recent_events(mut self, keep: usize) -> Self {
        self.cx.trace.keep_recent(keep);
        self
    }
    /// When the next item is due, if anything is scheduled.
    pub fn next_due(&self) -> Option<SimTime> {
        self.cx.sched.peek_time()
    }

    /// Lets someone outside the simulation act on the model now (a reader pressing "Publish"),
    /// with the same scheduler, RNG and trace as scheduled work. A run with such acts is only
    /// reproduced by the same acts at the same instants.
    pub fn act<R>(&mut self, f: impl FnOnce(&mut M, &mut Ctx<M::Work, M::Event>) -> R) -> R {
        f(&mut self.model, &mut self.cx)
    }

    /// About how much memory the run holds in what grows (the model's [`Model::held_bytes`] and
    /// the scheduled work).
    pub fn held_bytes(&self) -> u64 {
        let per_item = std::mem::size_of::<(SimTime, u64, M::Work)>() as u64;
        self.model.held_bytes() + self.cx.sched.len() as u64 * per_item
    }

    /// About how much memory a copy of the whole run takes: what [`Sim::held_bytes`] counts plus
    /// the trace's window and markers and the metrics (for checkpoints, [`crate::rewind`]).
    pub fn copy_bytes(&self) -> u64 {
        self.held_bytes() + self.cx.trace.bytes() + self.cx.metrics.bytes() + std::mem::size_of::<M>() as u64
    }

    /// `Some((bytes, at))` once the run stopped because it held more than [`HELD_BYTES_CAP`]:
    /// what it held, and the simulated time it stopped at.
    pub fn halted(&self) -> Option<(u64, SimTime)> {
        self.halted
    }

    /// Checks what the run holds; `true` (and the run stops for good) when it is over the cap.
    fn over_cap(&mut self) -> bool {
        if self.halted.is_none() {
            let held = self.held_bytes();
            if held > HELD_BYTES_CAP {
                self.halted = Some((held, self.now()));
            }
        }
        self.halted.is_some()
    }

    /// Handles the next scheduled item and returns its time; `None` when nothing is scheduled
    /// (or the run has stopped, see [`Sim::halted`]).
    pub fn step(&mut self) -> Option<SimTime> {
        if self.halted.is_some() {
            return None;
        }
        let (at, work) = self.cx.sched.pop()?;
        self.model.handle(&mut self.cx, work);
        self.handled += 1;
        self.cx.metrics.touch(at);
        Some(at)
    }

    /// Like [`Sim::run_until`], but keeps going past the step cap: for headless runs, where
    /// nobody needs control back between chunks.
    pub fn run_until_done(&mut self, until: SimTime) -> RunOutcome {
        loop {
            match self.run_until(until) {
                RunOutcome::StepCap => continue,
                done => return done,
            }
        }
    }

    /// Handles everything due up to and including `until`, then sets now to `until`.
    /// Going backwards is a no-op.
    pub fn run_until(&mut self, until: SimTime) -> RunOutcome {
        self.run_until_at_most(until, STEP_CAP)
    }

    /// Like [`Sim::run_until`], handling at most `items` items before giving control back
    /// ([`RunOutcome::StepCap`]): a page advances a heavy run in slices it can time, between
    /// frames, instead of blocking until the target.
    pub fn run_until_at_most(&mut self, until: SimTime, items: u64) -> RunOutcome {
        if self.halted.is_some() {
            return RunOutcome::Halted;
        }
        let mut handled = 0u64;
        while let Some((_, work)) = self.cx.sched.pop_until(until) {
            self.model.handle(&mut self.cx, work);
            handled += 1;
            if (self.handled + handled).is_multiple_of(HELD_CHECK_EVERY) && self.over_cap() {
                self.handled += handled;
                self.cx.metrics.touch(self.cx.now());
                return RunOutcome::Halted;
            }
            if handled >= items {
                self.handled += handled;
                self.cx.metrics.touch(self.cx.now());
                return RunOutcome::StepCap;
            }
        }
        self.handled += handled;
        self.cx.sched.advance_to(until);
        self.cx.metrics.touch(self.cx.now());
        if self.cx.sched.is_empty() {
            RunOutcome::Idle
        } else {
            RunOutcome::Reached
        }
    }
}

impl<M> Clone for Sim<M>
where
    M: Model + Clone,
    M::Work: Clone,
    M::Event: Clone,
{
    fn clone(&self) -> Self {
        Sim {
            model: self.model.clone(),
            cx: self.cx.clone(),
            seed: self.seed,
            handled: self.handled,
            halted: self.halted,
        }
    }
}
