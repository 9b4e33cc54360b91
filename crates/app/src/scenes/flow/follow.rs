//! Following messages through a run, read from the trace as it grows: one message's whole path
//! (every hop, the time spent at each node, retries and redeliveries, how each of its copies
//! ended), and for the whole flow the mean time a message spends at each node.

use std::collections::{BTreeMap, BTreeSet};

use engine::flow::{FlowEvent, FlowSim};
use engine::trace::Reason;
use engine::SimTime;

/// The most messages the flow-wide breakdown follows at once (memory stays bounded; a message
/// that arrives while it is full is left out of the means).
const MAX_TRACKED: usize = 50_000;

/// One event of a followed message.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub at: SimTime,
    pub node: u16,
    /// The message or copy it happened to.
    pub copy: u64,
    pub reason: Reason,
    pub note: &'static str,
}

/// Whether an event ends its message or copy (a fan-out ends it as split into copies).
pub fn ends(e: &FlowEvent) -> bool {
    matches!(
        e.reason,
        Reason::Processed
            | Reason::MessageLost
            | Reason::FilteredOut
            | Reason::GaveUp
            | Reason::Deduplicated
            | Reason::RetentionExpired
    ) || (e.reason == Reason::Delivered && e.note.starts_with("split"))
}

/// The new events of the trace since `seen` (all of them, oldest first, when they are still
/// in its window) and whether some were missed (more happened than the window keeps).
fn new_events(sim: &FlowSim, seen: u64) -> (impl Iterator<Item = &FlowEvent>, bool) {
    let total = sim.trace().count();
    let kept = sim.trace().recent().len() as u64;
    let new = total.saturating_sub(seen);
    let skip = kept.saturating_sub(new) as usize;
    (sim.trace().recent().skip(skip), new > kept)
}

/// One message followed: itself, what it is a copy of, and every copy made of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Follow {
    /// The message picked.
    pub message: u64,
    /// The messages it is a copy of.
    family: BTreeSet<u64>,
    /// It and the copies made of it.
    line: BTreeSet<u64>,
    /// Everything that happened to the family, oldest first.
    pub hops: Vec<Hop>,
    /// Trace events read so far.
    seen: u64,
    /// Some events went by faster than the page could read them (a very high speed).
    pub missed: bool,
}

impl Follow {
    /// Starts following `message`: what the trace still holds of it and of the messages it
    /// is a copy of.
    pub fn start(sim: &FlowSim, message: u64) -> Follow {
        let mut family = BTreeSet::new();
        // Its ancestors: a copy's first event names its parent.
        let mut at = message;
        for e in sim.trace().recent().rev() {
            if e.copy == at && e.parent != 0 {
                at = e.parent;
                family.insert(at);
            }
        }
        let mut f =
            Follow { message, family, line: BTreeSet::from([message]), hops: Vec::new(), seen: 0, missed: false };
        let first = sim.trace().count().saturating_sub(sim.trace().recent().len() as u64);
        f.seen = first;
        f.update(sim);
        f.missed = false;
        f
    }

    /// Reads what happened since the last call.
    pub fn update(&mut self, sim: &FlowSim) {
        if sim.trace().count() < self.seen {
            // A new run (a reset or a change): the same message is followed from its start.
            *self = Follow { message: self.message, line: BTreeSet::from([self.message]), ..Follow::default() };
        }
        let (events, missed) = new_events(sim, self.seen);
        self.missed |= missed;
        for e in events {
            // Copies made of the picked message (or of its copies) join it; the other copies of
            // the messages it is a copy of do not.
            if e.parent != 0 && self.line.contains(&e.parent) {
                self.line.insert(e.copy);
            }
            if e.copy != 0 && (self.line.contains(&e.copy) || self.family.contains(&e.copy)) {
                self.hops.push(Hop { at: e.at, node: e.node, copy: e.copy, reason: e.reason, note: e.note });
            }
        }
        self.seen = sim.trace().count();
    }

    /// The rows of its path: when, where, what, and how long it then stayed there.
    pub fn rows(&self, names: &[String]) -> Vec<FollowRow> {
        let name = |n: u16| names.get(usize::from(n)).cloned().unwrap_or_default();
        self.hops
            .iter()
            .enumerate()
            .map(|(i, h)| {
                // Time at this node: until the copy's next event somewhere else.
                let next = self.hops[i + 1..]
                    .iter()
                    .find(|n| n.node != h.node && (n.copy == h.copy || self.line.contains(&n.copy)));
                let stayed = next.map(|n| n.at.saturating_since(h.at));
                FollowRow {
                    at: h.at.as_secs_f64(),
                    node: name(h.node),
                    what: match h.copy == self.message {
                        true => h.note.to_owned(),
                        false => format!("{} (copy {})", h.note, h.copy),
                    },
                    stayed_s: stayed.map(|d| d.as_secs_f64()),
                    bad: matches!(
                        h.reason,
                        Reason::Throttled
                            | Reason::MessageLost
                            | Reason::MovedToDlq
                            | Reason::GaveUp
                            | Reason::TimedOut
                    ) || h.note.contains("again"),
                }
            })
            .collect()
    }

    /// How each copy ended, in words (`processed at fn, 1.234 s after it was sent`), or that it
    /// is still under way.
    pub fn endings(&self, names: &[String]) -> Vec<String> {
        let name = |n: u16| names.get(usize::from(n)).cloned().unwrap_or_default();
        let born = self.hops.first().map_or(SimTime::ZERO, |h| h.at);
        let mut out = Vec::new();
        let mut open: Vec<u64> = Vec::new();
        for h in &self.hops {
            if !open.contains(&h.copy) {
                open.push(h.copy);
            }
        }
        for copy in open {
            let Some(last) = self.hops.iter().rev().find(|h| h.copy == copy) else { continue };
            let e = FlowEvent { at: last.at, reason: last.reason, node: last.node, copy, parent: 0, note: last.note };
            let who = if copy == self.message { "It".to_owned() } else { format!("Copy {copy}") };
            if e.reason == Reason::Delivered && e.note.starts_with("split") {
                continue;
            }
            out.push(match ends(&e) {
                true => format!(
                    "{who}: {} at {}, {:.3} s after it was sent.",
                    last.note,
                    name(last.node),
                    last.at.saturating_since(born).as_secs_f64()
                ),
                false => format!("{who}: still under way, last at {} ({}).", name(last.node), last.note),
            });
        }
        out
    }
}

/// A row of a followed message's path.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowRow {
    pub at: f64,
    pub node: String,
    pub what: String,
    /// How long it then stayed at the node, if it left.
    pub stayed_s: Option<f64>,
    /// A retry, a throttle, a redelivery, a loss.
    pub bad: bool,
}

/// Whether the breakdown leaves `e`'s message or copy out: it follows one in eight, by id, so
/// every run samples the same ones.
fn sampled_out(e: &FlowEvent) -> bool {
    !e.copy.is_multiple_of(8)
}

/// The time messages spend at each node, over the whole run so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dwell {
    /// Each message's current node and since when.
    at: BTreeMap<u64, (u16, SimTime)>,
    /// Per node: total time spent there (µs) and how many stays.
    total_us: Vec<u64>,
    stays: Vec<u64>,
    seen: u64,
}

impl Dwell {
    /// Reads what happened since the last call.
    pub fn update(&mut self, sim: &FlowSim) {
        let nodes = sim.model().scenario().nodes.len();
        if sim.trace().count() < self.seen || self.total_us.len() != nodes {
            *self = Dwell { total_us: vec![0; nodes], stays: vec![0; nodes], ..Dwell::default() };
        }
        let (events, _) = new_events(sim, self.seen);
        for e in events {
            // One message in eight (by id, so every run samples the same ones) is enough for
            // the means, and an eighth of the bookkeeping on a busy flow.
            if e.copy == 0 || sampled_out(e) {
                continue;
            }
            let before = self.at.get(&e.copy).or_else(|| self.at.get(&e.parent).filter(|_| e.parent != 0)).copied();
            let leave = |node: u16, since: SimTime, total: &mut Vec<u64>, stays: &mut Vec<u64>| {
                if let (Some(t), Some(s)) = (total.get_mut(usize::from(node)), stays.get_mut(usize::from(node))) {
                    *t += e.at.saturating_since(since).as_micros();
                    *s += 1;
                }
            };
            match before {
                Some((node, since)) if node != e.node => {
                    leave(node, since, &mut self.total_us, &mut self.stays);
                    self.at.insert(e.copy, (e.node, e.at));
                }
                Some(_) => {}
                None if self.at.len() < MAX_TRACKED => {
                    self.at.insert(e.copy, (e.node, e.at));
                }
                None => {}
            }
            if ends(e) {
                if let Some((node, since)) = self.at.remove(&e.copy) {
                    if node == e.node {
                        leave(node, since, &mut self.total_us, &mut self.stays);
                    }
                }
            }
        }
        self.seen = sim.trace().count();
    }

    /// Mean time at each node (seconds) of the sampled messages, for nodes they have left.
    pub fn means(&self) -> Vec<Option<f64>> {
        self.total_us.iter().zip(&self.stays).map(|(t, n)| (*n > 0).then(|| *t as f64 / *n as f64 / 1e6)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::flow::presets::PRESETS;
    use crate::scenes::preset::scenario_of;

    #[test]
    fn a_followed_message_shows_every_hop_to_its_end() {
        let mut sim = FlowSim::try_new(&scenario_of(&PRESETS, "fan-out-with-filters"), 42)
            .expect("valid")
            .keep_recent_events(super::super::RECENT_EVENTS);
        sim.run_until_done(SimTime::from_secs(2));
        let first =
            sim.trace().recent().find(|e| e.reason == Reason::Sent && e.parent == 0).map(|e| e.copy).expect("a send");
        let mut f = Follow::start(&sim, first);
        sim.run_until_done(SimTime::from_secs(60));
        f.update(&sim);
        let names: Vec<String> = sim.model().scenario().nodes.iter().map(|n| n.id.clone()).collect();
        let rows = f.rows(&names);
        assert!(rows.len() >= 4, "{rows:?}");
        assert_eq!(rows[0].node, "checkout");
        assert!(rows.iter().any(|r| r.node == "order-events"), "{rows:?}");
        let endings = f.endings(&names);
        assert!(!endings.is_empty() && endings.iter().all(|e| !e.contains("still under way")), "{endings:?}");
        // Time spent: the first hop leaves the producer at once (one hop's 20 ms later).
        assert!(rows[0].stayed_s.is_some_and(|s| s < 0.1), "{rows:?}");
    }

    #[test]
    fn the_breakdown_gives_the_mean_time_at_each_node() {
        let mut sim = FlowSim::try_new(&scenario_of(&PRESETS, "buffer-a-spike"), 42)
            .expect("valid")
            .keep_recent_events(super::super::RECENT_EVENTS);
        let mut d = Dwell::default();
        for s in 1..=60 {
            sim.run_until_done(SimTime::from_millis(s * 500));
            d.update(&sim);
        }
        let means = d.means();
        let idx = |id: &str| sim.model().scenario().node(id).map(|(i, _)| i).expect("node");
        let queue = means[idx("orders")].expect("messages left the queue");
        let function = means[idx("process-order")].expect("messages left the function");
        assert!(queue > function, "the backlog waits in the queue: {means:?}");
    }
}
