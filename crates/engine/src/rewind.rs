//! Going back in time: checkpoints of a run, so a page can show it as it was at any earlier
//! instant.
//!
//! A run is exactly reproducible (one seed, one scheduler, integer time), so the state at time
//! `t` is the nearest earlier checkpoint run on to `t`: nothing is recorded but clones of the
//! run every so many work items. Checkpoints are thinned as the run grows (every other one
//! dropped, the spacing doubled) so memory stays under [`BUDGET_BYTES`] for a run of any length;
//! how long a seek takes is bounded by the spacing — except for a run whose one copy is over a
//! quarter of the budget, which takes no more checkpoints (its seeks replay further).
//!
//! The tape also remembers how far the run has got (its *frontier*) and the markers up to
//! there, so a timeline still shows the whole run while the page looks at an earlier instant.

use crate::sim::{Model, Sim};
use crate::time::SimTime;
use crate::trace::Marks;

/// What the checkpoints of one run may hold, about.
pub const BUDGET_BYTES: u64 = 48 * 1024 * 1024;
/// The most checkpoints kept, whatever their size.
pub const MAX_CHECKPOINTS: usize = 1_024;
/// Work items between checkpoints at the start of a run (the spacing doubles on each thinning).
pub const FIRST_SPACING: u64 = 2_000;

/// A model whose runs can be checkpointed: it, its work and its events clone.
pub trait Rewind: Model<Work: Clone, Event: Clone> + Clone {}

impl<M: Model<Work: Clone, Event: Clone> + Clone> Rewind for M {}

/// The checkpoints of one run (see the module docs).
pub struct Tape<M: Model> {
    /// Clones of the run, in the order they were taken (by work items handled).
    saved: Vec<Sim<M>>,
    /// Their sizes, about ([`Sim::copy_bytes`]).
    sizes: Vec<u64>,
    /// Work items between two checkpoints.
    spacing: u64,
    /// The furthest the run has been, and its markers then.
    frontier: SimTime,
    frontier_items: u64,
    marks: Marks,
    /// Changes made by hand (see [`Tape::acted`]): when and after how many work items.
    acts: Vec<(SimTime, u64)>,
}

impl<M: Rewind> Default for Tape<M> {
    fn default() -> Self {
        Tape::new()
    }
}

impl<M: Rewind> Tape<M> {
    /// An empty tape: the first [`Tape::record`] checkpoints the run it is given.
    pub fn new() -> Tape<M> {
        Tape {
            saved: Vec::new(),
            sizes: Vec::new(),
            spacing: FIRST_SPACING,
            frontier: SimTime::ZERO,
            frontier_items: 0,
            marks: Marks::default(),
            acts: Vec::new(),
        }
    }

    /// Notes where the run is now: a checkpoint when it is `spacing` items past the last one,
    /// and the frontier when it is past it. Call it after every advance of the run.
    pub fn record(&mut self, sim: &Sim<M>) {
        if sim.handled() >= self.frontier_items {
            self.frontier_items = sim.handled();
            self.frontier = self.frontier.max(sim.now());
            if sim.trace().marks().total() != self.marks.total() {
                self.marks = sim.trace().marks().clone();
            }
        }
        let due = self.saved.last().is_none_or(|last| sim.handled() >= last.handled() + self.spacing);
        // A run too big to copy within the budget (a stream holding an hour of a heavy load)
        // takes no more checkpoints: seeks then replay from the last one it could afford.
        let size = if due { sim.copy_bytes() } else { 0 };
        if due && size <= BUDGET_BYTES / 4 {
            self.sizes.push(size);
            self.saved.push(sim.clone());
            // Large runs (a stream holding an hour of records) may need several thinnings.
            while (self.saved.len() > MAX_CHECKPOINTS || self.bytes() > BUDGET_BYTES) && self.saved.len() > 2 {
                self.thin();
            }
        }
    }

    /// Drops every other checkpoint (never the first) and doubles the spacing.
    fn thin(&mut self) {
        self.spacing = self.spacing.saturating_mul(2);
        let mut i = 0;
        self.saved.retain(|_| {
            i += 1;
            i % 2 == 1
        });
        let mut i = 0;
        self.sizes.retain(|_| {
            i += 1;
            i % 2 == 1
        });
    }

    /// The run as it was at `t` (at most the frontier): every item due by then handled, exactly
    /// as a fresh run to `t` would be. `None` before the first checkpoint.
    pub fn at_time(&self, t: SimTime) -> Option<Sim<M>> {
        let t = t.min(self.frontier);
        let from = self.saved.iter().rev().find(|s| s.now() <= t)?;
        let mut sim = from.clone();
        sim.run_until_done(t);
        Some(sim)
    }

    /// The run as it was after its first `items` work items (one step back is `handled - 1`).
    pub fn at_items(&self, items: u64) -> Option<Sim<M>> {
        let from = self.saved.iter().rev().find(|s| s.handled() <= items)?;
        let mut sim = from.clone();
        while sim.handled() < items && sim.step().is_some() {}
        Some(sim)
    }

    /// The event at `index` of the run `now` shows (its position in the whole run) and its
    /// cause: from `now`'s window of recent events, or else replayed from the last checkpoint
    /// before it (see [`Trace::get`]). `None` for an event not emitted yet.
    pub fn event(&self, now: &Sim<M>, index: u64) -> Option<(M::Event, Option<u64>)> {
        self.event_near(now, index, &mut None)
    }

    /// [`Tape::event`], reusing `replay` (the last run replayed for an earlier call) when the
    /// event is in its window: a chain's links are often close together.
    fn event_near(&self, now: &Sim<M>, index: u64, replay: &mut Option<Sim<M>>) -> Option<(M::Event, Option<u64>)> {
        let from_window = |sim: &Sim<M>| sim.trace().get(index).map(|(e, cause)| (e.clone(), cause));
        if index >= now.trace().count() {
            return None;
        }
        if let Some(found) = from_window(now).or_else(|| replay.as_ref().and_then(from_window)) {
            return Some(found);
        }
        let from = self.saved.iter().rev().find(|s| s.trace().count() <= index)?;
        let mut sim = from.clone();
        while sim.trace().count() <= index && sim.step().is_some() {}
        let found = from_window(&sim);
        *replay = Some(sim);
        found
    }

    /// Why the event at `index` happened: it and its causes, newest first — each the previous
    /// event of the same message, copy or call ([`crate::trace::TraceRecord::subject`]) — at
    /// most `longest` of them. The flag is `true` when the chain goes on beyond them.
    pub fn why(&self, now: &Sim<M>, index: u64, longest: usize) -> (Vec<(u64, M::Event)>, bool) {
        let mut chain = Vec::new();
        let mut replay = None;
        let mut next = Some(index);
        while let Some(i) = next {
            if chain.len() == longest {
                return (chain, true);
            }
            let Some((event, cause)) = self.event_near(now, i, &mut replay) else { break };
            chain.push((i, event));
            next = cause;
        }
        (chain, false)
    }

    /// Notes a change made by hand to `sim`, now (say a message published from a composer): a
    /// replay from an earlier checkpoint would not repeat it, so what lay ahead of it is
    /// forgotten and the run as changed is checkpointed at once (a seek to this instant or later
    /// then starts from a copy that has the change).
    pub fn acted(&mut self, sim: &Sim<M>) {
        self.forget_after(sim);
        self.acts.push((sim.now(), sim.handled()));
        self.sizes.push(sim.copy_bytes());
        self.saved.push(sim.clone());
    }

    /// Notes that the page now shows `sim`, a copy from [`Tape::at_time`] or [`Tape::at_items`]:
    /// if it is from before a change made by hand, that change is undone, and with it everything
    /// that came after (the run goes on from here without it).
    pub fn went_back_to(&mut self, sim: &Sim<M>) {
        let before = |&(at, items): &(SimTime, u64)| sim.now() < at || sim.handled() < items;
        if self.acts.iter().any(before) {
            self.acts.retain(|act| !before(act));
            self.forget_after(sim);
        }
    }

    /// Forgets everything after `sim`: the checkpoints, the frontier and the markers come back to it.
    fn forget_after(&mut self, sim: &Sim<M>) {
        while self.saved.last().is_some_and(|s| s.handled() > sim.handled() || s.now() > sim.now()) {
            self.saved.pop();
            self.sizes.pop();
        }
        self.frontier = sim.now();
        self.frontier_items = sim.handled();
        self.marks = sim.trace().marks().clone();
    }

    /// How far the run has been.
    pub fn frontier(&self) -> SimTime {
        self.frontier
    }

    /// The markers of the run up to its frontier.
    pub fn marks(&self) -> &Marks {
        &self.marks
    }

    /// How many checkpoints there are.
    pub fn len(&self) -> usize {
        self.saved.len()
    }

    /// `true` before the first checkpoint.
    pub fn is_empty(&self) -> bool {
        self.saved.is_empty()
    }

    /// About how many bytes the checkpoints hold.
    pub fn bytes(&self) -> u64 {
        self.sizes.iter().sum()
    }

    /// Work items between checkpoints now (a seek replays at most this many).
    pub fn spacing(&self) -> u64 {
        self.spacing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{FlowScenario, FlowSim};
    use crate::sqs::{SqsScenario, SqsSim};
    use crate::time::SimDuration;
    use crate::trace::{Reason, TraceRecord};

    fn secs(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    /// Advances `sim` to `until` in frame-sized slices, recording each, as a page does.
    fn play<M: Rewind>(sim: &mut Sim<M>, tape: &mut Tape<M>, until: SimTime) {
        tape.record(sim);
        while sim.now() < until {
            let next = (sim.now() + SimDuration::from_millis(16)).min(until);
            sim.run_until_at_most(next, 500);
            tape.record(sim);
        }
    }

    #[test]
    fn a_seek_reaches_the_state_of_a_fresh_run_to_that_time() {
        let scenario = SqsScenario::default();
        let mut sim = SqsSim::try_new(&scenario, 7).expect("default scenario");
        let mut tape = Tape::new();
        play(&mut sim, &mut tape, secs(1_800));
        assert!(tape.len() > 2, "half an hour has several checkpoints: {}", tape.len());
        for t in [0, 1, 37, 120, 299, 1_000, 1_799, 1_800] {
            let back = tape.at_time(secs(t)).expect("a checkpoint at 0 s");
            let mut fresh = SqsSim::try_new(&scenario, 7).expect("default scenario");
            fresh.run_until_done(secs(t));
            assert_eq!(back.trace_hash(), fresh.trace_hash(), "state at {t} s");
            assert_eq!(back.trace().count(), fresh.trace().count());
            assert_eq!(back.now(), fresh.now());
        }
        // Past the frontier is the frontier.
        assert_eq!(tape.at_time(secs(9_000)).map(|s| s.now()), Some(secs(1_800)));
    }

    #[test]
    fn a_dead_letter_moves_chain_names_the_receives_that_led_to_it() {
        // The SQS playground's poison preset: one message in five always fails.
        let mut scenario = SqsScenario::default();
        scenario.queue.visibility_timeout_s = 2;
        scenario.dlq = Some(crate::sqs::DlqSettings { max_receive_count: 3, ..Default::default() });
        scenario.consumers.poison_fraction = 0.2;
        let mut sim = SqsSim::try_new(&scenario, 42).expect("preset");
        let mut tape = Tape::new();
        play(&mut sim, &mut tape, secs(300));
        // The first move, long out of the page's window of recent events: found by replay.
        let (index, _) = (0..sim.trace().count())
            .find_map(|i| tape.event(&sim, i).filter(|(e, _)| e.reason() == Reason::MovedToDlq).map(|e| (i, e)))
            .expect("the poison message is dead-lettered");
        assert!(sim.trace().get(index).is_none(), "the move is out of the window");
        let (chain, more) = tape.why(&sim, index, 64);
        assert!(!more, "the whole chain: {chain:?}");
        let reasons: Vec<Reason> = chain.iter().map(|(_, e)| e.reason()).collect();
        assert_eq!(reasons.first(), Some(&Reason::MovedToDlq));
        assert_eq!(reasons.last(), Some(&Reason::Sent), "back to the send: {reasons:?}");
        let max_receive = scenario.dlq.as_ref().map_or(0, |d| d.max_receive_count) as usize;
        assert_eq!(reasons.iter().filter(|r| **r == Reason::Received).count(), max_receive, "{reasons:?}");
        let message = chain[0].1.message;
        assert!(chain.iter().all(|(_, e)| e.message == message), "one message's story");
        assert!(chain.windows(2).all(|w| w[0].0 > w[1].0 && w[0].1.at >= w[1].1.at), "each cause is earlier");
        // The same chain from a fresh run that kept every event.
        let mut fresh = SqsSim::try_new(&scenario, 42).expect("preset").keep_recent_events(1 << 20);
        fresh.run_until_done(secs(300));
        let (again, _) = Tape::new().why(&fresh, index, 64);
        assert_eq!(
            again.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            chain.iter().map(|(i, _)| *i).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_flows_chain_follows_a_copy_back_through_the_fan_out_to_its_producer() {
        let scenario = crate::flow::example("sqs-poison-message").expect("example flow");
        let mut sim = FlowSim::try_new(&scenario, 1).expect("example flow");
        let mut tape = Tape::new();
        play(&mut sim, &mut tape, secs(120));
        // Found in a run that kept every event; the chain is asked of the page's run.
        let mut all = FlowSim::try_new(&scenario, 1).expect("example flow").keep_recent_events(1 << 20);
        all.run_until_done(secs(120));
        let index = (0..all.trace().count())
            .find(|&i| all.trace().get(i).is_some_and(|(e, _)| e.reason() == Reason::MovedToDlq))
            .expect("a dead-letter move");
        let (chain, _) = tape.why(&sim, index, 64);
        let reasons: Vec<Reason> = chain.iter().map(|(_, e)| e.reason()).collect();
        assert!(reasons.iter().filter(|r| **r == Reason::Received).count() >= 2, "{reasons:?}");
        assert!(reasons.contains(&Reason::Published), "through the topic: {reasons:?}");
        assert_eq!(reasons.last(), Some(&Reason::Sent), "back to the producer: {reasons:?}");
    }

    #[test]
    fn stepping_back_one_item_is_the_run_one_item_earlier() {
        let mut sim = FlowSim::try_new(&FlowScenario::benchmark(), 3).expect("benchmark flow");
        let mut tape = Tape::new();
        play(&mut sim, &mut tape, secs(5));
        let handled = sim.handled();
        let back = tape.at_items(handled - 1).expect("a checkpoint");
        assert_eq!(back.handled(), handled - 1);
        let mut again = back.clone();
        again.step();
        assert_eq!(again.trace_hash(), sim.trace_hash(), "one step forward is where we were");
    }

    #[test]
    fn checkpoints_stay_bounded_and_thin_out() {
        let mut sim = FlowSim::try_new(&FlowScenario::benchmark(), 1).expect("benchmark flow");
        let mut tape = Tape::new();
        play(&mut sim, &mut tape, secs(60));
        assert!(tape.len() <= MAX_CHECKPOINTS);
        assert!(tape.bytes() <= BUDGET_BYTES + BUDGET_BYTES / MAX_CHECKPOINTS as u64 * 4);
        assert!(tape.spacing() > FIRST_SPACING, "a busy minute thinned the checkpoints");
        assert_eq!(tape.frontier(), secs(60));
        // A seek after thinning is still exact.
        let back = tape.at_time(secs(31)).expect("checkpoint");
        let mut fresh = FlowSim::try_new(&FlowScenario::benchmark(), 1).expect("benchmark flow");
        fresh.run_until_done(secs(31));
        assert_eq!(back.trace_hash(), fresh.trace_hash());
    }

    #[test]
    fn the_tape_keeps_the_whole_runs_markers_while_the_page_looks_back() {
        let scenario = crate::flow::example("sqs-poison-message").expect("example flow");
        let mut sim = FlowSim::try_new(&scenario, 1).expect("example flow");
        let mut tape = Tape::new();
        play(&mut sim, &mut tape, secs(120));
        let marks: Vec<_> = tape.marks().iter().collect();
        assert!(marks.iter().any(|m| m.kind == crate::trace::Marker::DeadLetter), "{marks:?}");
        let back = tape.at_time(secs(10)).expect("checkpoint");
        assert!(back.trace().marks().total() < tape.marks().total());
        // Looking back forgets nothing: the run will meet the same future.
        tape.went_back_to(&back);
        assert_eq!(tape.frontier(), secs(120));
        // A change by hand forgets the future: the markers come back to the present.
        tape.acted(&back);
        assert_eq!(tape.frontier(), secs(10));
        assert_eq!(tape.marks().total(), back.trace().marks().total());
    }

    #[test]
    fn a_change_by_hand_is_kept_forward_and_undone_by_going_back_before_it() {
        let scenario = crate::flow::example("fan-out-with-filters").expect("example flow");
        let mut sim = FlowSim::try_new(&scenario, 2).expect("example flow");
        let mut tape = Tape::new();
        play(&mut sim, &mut tape, secs(20));
        // A change by hand at 20 s that a replay would not repeat: a second, different run's
        // state stands in for it (its hash differs from the recorded run's).
        let mut changed = FlowSim::try_new(&scenario, 3).expect("example flow");
        changed.run_until_done(secs(20));
        tape.acted(&changed);
        let mut sim = changed;
        let hash_at_change = sim.trace_hash();
        play(&mut sim, &mut tape, secs(40));
        // Forward of the change, seeks start from the changed copy.
        assert_eq!(tape.at_time(secs(20)).map(|s| s.trace_hash()), Some(hash_at_change));
        let at_30 = tape.at_time(secs(30)).expect("checkpoint");
        tape.went_back_to(&at_30);
        assert_eq!(tape.frontier(), secs(40), "looking back after the change keeps the future");
        // Back before it: the change and everything after are gone.
        let at_10 = tape.at_time(secs(10)).expect("checkpoint");
        tape.went_back_to(&at_10);
        assert_eq!(tape.frontier(), secs(10));
        let again = tape.at_time(secs(30)).expect("checkpoint");
        assert_eq!(again.now(), secs(10), "nothing past the frontier");
    }
}
