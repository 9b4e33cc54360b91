//! A flow run as the page shows it: each node's live numbers (and the reason when it is
//! throttling, losing or dead-lettering), the messages travelling along the connections (read
//! from the trace: each hop of the last moment is a token moving from one node to the next;
//! when traffic is high a token stands for many and says so), and the counters.

use std::collections::BTreeMap;

use engine::flow::{End, FlowEvent, FlowSim, NodeKind};
use engine::trace::Reason;
use engine::{SimDuration, SimTime};

use super::layout::{fit, links, Layout};
use crate::components::token_layer::{TOKEN_H, TOKEN_W};
use crate::components::Token;

/// The most tokens drawn on one connection: beyond it each token stands for several messages.
pub const MAX_PER_EDGE: usize = 24;
/// Token ids of groups have this bit set (a message's id never does).
const GROUP: u64 = 1 << 62;
/// How long a node stays red after it throttled, lost or dead-lettered something.
const RED_FOR: SimDuration = SimDuration::from_secs(2);

/// One node as drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeView {
    /// Its name, cut to its box.
    pub title: String,
    /// What it is (`standard queue`), cut to its box.
    pub kind: String,
    /// Live numbers.
    pub line1: String,
    /// More live numbers.
    pub line2: String,
    /// Why it is red now (a throttle, a loss, a dead-letter move), cut to its box; the full
    /// reason is in `red_full`.
    pub red: Option<String>,
    /// The full reason, for the accessible name and the tooltip.
    pub red_full: Option<String>,
    /// How full it is (0–1): a function's concurrency in use, an endpoint's slots, a queue's
    /// share of the flow's messages.
    pub fill: f64,
}

/// The diagram of one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiagramView {
    pub layout: Layout,
    pub nodes: Vec<NodeView>,
    /// Travelling messages.
    pub tokens: BTreeMap<u64, Token>,
    /// For each token, the message a click on it follows.
    pub follows: BTreeMap<u64, u64>,
    /// Whether some token stands for several messages.
    pub grouped: bool,
}

/// The counters every flow shows (the presets' captions name some of them).
pub fn counters(sim: &FlowSim) -> Vec<(&'static str, u64)> {
    let m = sim.model();
    let sc = m.scenario();
    let ledger = m.ledger();
    let c = m.counters();
    let sum = |keep: &dyn Fn(&NodeKind) -> bool, read: &dyn Fn(usize) -> u64| -> u64 {
        sc.nodes.iter().enumerate().filter(|(_, n)| keep(&n.kind)).map(|(i, _)| read(i)).sum()
    };
    let lambda_throttles = |i: usize| m.function(i).map_or(0, |f| f.stats().throttles.iter().sum::<u64>());
    let throttled = sum(&|k| !matches!(k, NodeKind::Lambda(_)), &|i| c[i].throttled)
        + sum(&|k| matches!(k, NodeKind::Lambda(_)), &lambda_throttles);
    let lost: u64 = End::ALL.iter().filter(|e| e.is_loss()).map(|&e| ledger.ended(e)).sum();
    vec![
        ("sent", (0..sc.nodes.len()).map(|i| m.sent_by(i)).sum()),
        ("processed", ledger.ended(End::Processed)),
        ("lost", lost),
        ("in transit", ledger.transit),
        ("filtered", ledger.ended(End::Filtered)),
        (
            "dead-lettered",
            sum(&|k| matches!(k, NodeKind::SqsQueue(_) | NodeKind::SnsTopic(_)), &|i| c[i].dead_lettered),
        ),
        ("throttled", throttled),
        ("retries", sum(&|k| matches!(k, NodeKind::Producer(_) | NodeKind::Clients(_)), &|i| c[i].retries)),
        ("504s", sum(&|k| matches!(k, NodeKind::ApiGateway(_)), &|i| c[i].timed_out)),
        ("processed twice", c.iter().map(|n| n.duplicates).sum()),
        ("out of order", c.iter().map(|n| n.out_of_order).sum()),
        ("lost to 4xx", ledger.ended(End::Http4xx)),
        ("iterator age (s)", c.iter().map(|n| n.max_iterator_age_ms).max().unwrap_or(0) / 1_000),
    ]
}

/// The diagram for a stage `width` px wide; tokens show the hops of the last `window`
/// (`hops`, brought up to date first).
pub fn diagram(sim: &FlowSim, width: f64, window: SimDuration, hops: &mut Hops) -> DiagramView {
    let m = sim.model();
    let flow = m.scenario();
    let layout = Layout::new(flow, width);
    let now = sim.now();
    let events: Vec<&FlowEvent> = sim.trace().recent().collect();
    let red = red_reasons(sim, &events);
    let nodes = flow
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let chars = layout.places.get(i).map_or(20, |p| p.chars());
            let (line1, line2, fill) = lines(sim, i);
            let red_full = red.get(&(i as u16)).cloned();
            NodeView {
                title: fit(&node.id, chars.saturating_sub(2)),
                kind: fit(node.kind.label(), chars),
                line1: fit(&line1, chars),
                line2: fit(&line2, chars),
                red: red_full.as_deref().map(|r| fit(r, chars)),
                red_full,
                fill,
            }
        })
        .collect();
    // A token every 24 px at most along a connection, and never more than MAX_PER_EDGE.
    let room: Vec<usize> = layout.edges.iter().map(|e| ((e.length() / 24.0) as usize).clamp(2, MAX_PER_EDGE)).collect();
    hops.update(sim, window, &room);
    let (tokens, follows, grouped) = hops.tokens(flow, &layout, now, window);
    DiagramView { layout, nodes, tokens, follows, grouped }
}

/// A node's two lines of live numbers, and how full it is.
fn lines(sim: &FlowSim, i: usize) -> (String, String, f64) {
    let m = sim.model();
    let Some(node) = m.scenario().nodes.get(i) else { return Default::default() };
    let c = &m.counters()[i];
    let now = m.node_now(i);
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { (a as f64 / b as f64).min(1.0) };
    match &node.kind {
        NodeKind::Producer(_) | NodeKind::Clients(_) => (
            format!("sent {}", count(m.sent_by(i))),
            format!("retries {} · gave up {}", count(c.retries), count(c.ended[End::GaveUp as usize])),
            0.0,
        ),
        NodeKind::ApiGateway(_) => (
            format!("requests {} · 429 {}", count(c.received), count(c.throttled)),
            format!("504 {} · 5xx {}", count(c.timed_out), count(c.failed)),
            0.0,
        ),
        NodeKind::SnsTopic(_) => (
            format!("published {}", count(c.received)),
            format!("filtered {} · to DLQ {}", count(c.ended[End::Filtered as usize]), count(c.dead_lettered)),
            0.0,
        ),
        NodeKind::SqsQueue(_) => (
            format!("visible {} · in flight {}", count(now.visible), count(now.in_flight)),
            format!("again {} · to DLQ {}", count(c.retries), count(c.dead_lettered)),
            ratio(now.visible + now.in_flight, now.visible + now.in_flight + c.processed.max(1)),
        ),
        NodeKind::KinesisStream(s) => (
            format!("{} shards · unread {}", s.shards, count(now.at)),
            format!("written {} · throttled {}", count(c.received.saturating_sub(c.throttled)), count(c.throttled)),
            0.0,
        ),
        NodeKind::Lambda(_) => {
            let throttles = m.function(i).map_or(0, |f| f.stats().throttles.iter().sum::<u64>());
            let errors = m.function(i).map_or(0, |f| f.stats().errors + f.stats().timeouts);
            (
                format!("running {} / {}", now.busy, count(now.limit.into())),
                format!("throttled {} · errors {}", count(throttles), count(errors)),
                ratio(now.busy.into(), now.limit.into()),
            )
        }
        NodeKind::Consumers(k) => (
            format!("{} consumers · done {}", k.count, count(c.processed)),
            format!("failed {} · twice {}", count(c.failed), count(c.duplicates)),
            0.0,
        ),
        NodeKind::KinesisConsumers(_) => (
            format!("done {} · failed {}", count(c.processed), count(c.failed)),
            format!("iterator age {:.1} s", c.max_iterator_age_ms as f64 / 1_000.0),
            0.0,
        ),
        NodeKind::HttpEndpoint(_) => (
            format!("busy {} / {} · waiting {}", now.busy, now.limit, count(now.waiting)),
            format!("answered {} · 4xx lost {}", count(c.processed), count(c.ended[End::Http4xx as usize])),
            ratio(now.busy.into(), now.limit.into()),
        ),
    }
}

/// `12,345` → `12.3k`: node lines are short.
fn count(n: u64) -> String {
    crate::view_model::compact_count(n)
}

/// Nodes that throttled, lost or dead-lettered something in the last [`RED_FOR`], with the
/// latest reason.
fn red_reasons(sim: &FlowSim, events: &[&FlowEvent]) -> BTreeMap<u16, String> {
    let since = sim.now().as_micros().saturating_sub(RED_FOR.as_micros());
    let flow = sim.model().scenario();
    let mut red = BTreeMap::new();
    for e in events.iter().rev().take_while(|e| e.at.as_micros() >= since) {
        let node = match e.reason {
            Reason::Throttled
            | Reason::MessageLost
            | Reason::GaveUp
            | Reason::TimedOut
            | Reason::Forbidden
            | Reason::QuotaExceeded
            | Reason::DeliveryFailed
            | Reason::RetentionExpired => e.node,
            // A dead-letter move is the source queue's doing: it turns red, not its DLQ.
            Reason::MovedToDlq => {
                let dlq = flow.nodes.get(usize::from(e.node)).map(|n| n.id.as_str()).unwrap_or("");
                match flow.connections.iter().find(|c| c.to == dlq && c.role != engine::flow::Role::Deliver) {
                    Some(c) => flow.node(&c.from).map_or(e.node, |(i, _)| i as u16),
                    None => e.node,
                }
            }
            _ => continue,
        };
        red.entry(node).or_insert_with(|| format!("{}: {}", short_reason(e.reason), e.note));
    }
    red
}

/// What a red node is doing, in a word or two (its reason follows).
fn short_reason(r: Reason) -> &'static str {
    match r {
        Reason::Throttled | Reason::QuotaExceeded => "throttled",
        Reason::MessageLost => "lost",
        Reason::GaveUp => "gave up",
        Reason::TimedOut => "504",
        Reason::Forbidden => "403",
        Reason::DeliveryFailed => "delivery failed",
        Reason::RetentionExpired => "expired",
        Reason::MovedToDlq => "dead-lettered",
        _ => "failing",
    }
}

/// The hops of the last moments, per connection, read from the trace as it grows (each frame
/// reads only the events since the last, so a busy flow's second of hops is there even when the
/// trace keeps less than a second of events). A hop is a message's event at a node other than
/// its last one (or its parent's, for a new copy), on the connection between them; hops close in
/// time share a bucket, drawn as one token that says how many it stands for.
#[derive(Clone, Debug, Default)]
pub struct Hops {
    /// Trace events read so far.
    seen: u64,
    /// Where each message was last seen (bounded; forgotten when it ends).
    last: BTreeMap<u64, u16>,
    /// Per connection: its buckets, oldest first.
    per_edge: Vec<std::collections::VecDeque<Bucket>>,
    /// The connections they were read for, and each one's bucket width (µs).
    edges: Vec<(usize, usize, bool)>,
    bucket_us: Vec<u64>,
}

/// Hops of one connection close in time: `(index, first hop's time µs, a message in it, how
/// many, to a dead-letter queue)`.
type Bucket = (u64, u64, u64, u32, bool);

/// The most messages whose last node is remembered (memory stays bounded).
const MAX_REMEMBERED: usize = 100_000;

impl Hops {
    /// Reads the events since the last call, keeping the hops of the last `window`; connection
    /// `k` shows at most `room[k]` tokens (its length over a token's), so busy hops share one.
    pub fn update(&mut self, sim: &FlowSim, window: SimDuration, room: &[usize]) {
        let edges = links(sim.model().scenario());
        let bucket_us: Vec<u64> = (0..edges.len())
            .map(|k| window.as_micros() / room.get(k).copied().unwrap_or(MAX_PER_EDGE).max(1) as u64 + 1)
            .collect();
        if sim.trace().count() < self.seen || edges != self.edges || bucket_us != self.bucket_us {
            // A new run, a changed flow or speed: start over from what the trace still holds.
            *self = Hops { per_edge: vec![Default::default(); edges.len()], edges, bucket_us, ..Hops::default() };
            self.seen = sim.trace().count().saturating_sub(sim.trace().recent().len() as u64);
        }
        let total = sim.trace().count();
        let kept = sim.trace().recent().len() as u64;
        let skip = kept.saturating_sub(total.saturating_sub(self.seen)) as usize;
        // Where each node's messages come from, when that is one place: then a message arriving
        // there needs no lookup of where it was (most flows; a busy flow reads tens of thousands
        // of events a second, and the lookups were most of a frame on a slow phone).
        let only_way_in: Vec<Option<usize>> = (0..sim.model().scenario().nodes.len())
            .map(|n| {
                let mut ways = self.edges.iter().enumerate().filter(|(_, l)| l.1 == n).map(|(k, _)| k);
                match (ways.next(), ways.next()) {
                    (Some(k), None) => Some(k),
                    _ => None,
                }
            })
            .collect();
        let remember = only_way_in.iter().any(Option::is_none);
        for e in sim.trace().recent().skip(skip) {
            if e.copy == 0 {
                continue;
            }
            let node = usize::from(e.node);
            if !remember {
                let arrival = arrives(e.reason) && e.parent == 0;
                if let Some(k) = only_way_in.get(node).copied().flatten().filter(|_| arrival) {
                    self.push(k, e);
                }
                continue;
            }
            let before = self.last.get(&e.copy).or_else(|| self.last.get(&e.parent).filter(|_| e.parent != 0)).copied();
            let k = match before {
                Some(from) if from != e.node => connection(&self.edges, usize::from(from), node),
                Some(_) => None,
                // Its earlier events went by unread: it came the way into this node (a reader's
                // only way in is its queue or stream).
                None if arrives(e.reason) => self.edges.iter().position(|l| l.1 == node && !l.2),
                None => None,
            };
            if let Some(k) = k {
                self.push(k, e);
            }
            if super::follow::ends(e) {
                self.last.remove(&e.copy);
            } else if self.last.len() < MAX_REMEMBERED || self.last.contains_key(&e.copy) {
                self.last.insert(e.copy, e.node);
            }
        }
        self.seen = total;
        let since = sim.now().as_micros().saturating_sub(window.as_micros());
        for list in &mut self.per_edge {
            while list.front().is_some_and(|b| b.1 < since) {
                list.pop_front();
            }
        }
    }

    /// A hop of `e`'s message along connection `k`: into the bucket of its time.
    fn push(&mut self, k: usize, e: &FlowEvent) {
        let Some((list, bucket)) = self.per_edge.get_mut(k).zip(self.bucket_us.get(k)) else { return };
        let at = e.at.as_micros();
        let index = at / bucket;
        match list.back_mut() {
            Some(b) if b.0 == index => b.3 += 1,
            _ => list.push_back((index, at, e.copy, 1, e.reason == Reason::MovedToDlq)),
        }
    }

    /// The tokens now: each bucket where its hops have got to along its connection.
    fn tokens(
        &self,
        flow: &engine::flow::FlowScenario,
        layout: &Layout,
        now: SimTime,
        window: SimDuration,
    ) -> (BTreeMap<u64, Token>, BTreeMap<u64, u64>, bool) {
        let mut tokens = BTreeMap::new();
        let mut follows = BTreeMap::new();
        let mut grouped = false;
        let span = window.as_micros().max(1) as f64;
        let name = |i: usize| flow.nodes.get(i).map_or("", |n| n.id.as_str());
        for (k, list) in self.per_edge.iter().enumerate() {
            let Some(edge) = layout.edges.get(k) else { continue };
            let (a, b) = (name(edge.from), name(edge.to));
            for &(index, at, copy, n, moved) in list {
                let t = (now.as_micros().saturating_sub(at)) as f64 / span;
                let (x, y) = edge.at(t);
                let id = if n == 1 { copy } else { GROUP | (k as u64) << 32 | (index & 0xffff_ffff) };
                grouped |= n > 1;
                tokens.insert(
                    id,
                    Token {
                        id,
                        x: x - TOKEN_W / 2.0,
                        y: y - TOKEN_H / 2.0,
                        scale: 1.0,
                        label: if n > 1 { format!("×{}", short(n)) } else { String::new() },
                        class: class(edge.side || moved, n > 1),
                        badge: 0,
                        bar_w: 0.0,
                        aria: match n {
                            1 => format!("message {copy}, {a} to {b}"),
                            n => format!("{}, {a} to {b}", engine::text::count(n, "message", "messages")),
                        },
                    },
                );
                follows.insert(id, copy);
            }
        }
        (tokens, follows, grouped)
    }
}

fn class(side: bool, many: bool) -> String {
    let mut c = String::from("flow-token");
    if side {
        c.push_str(" side");
    }
    if many {
        c.push_str(" many");
    }
    c
}

/// A count for a token's three characters: `24`, `999`, `1k`, `12k`.
fn short(n: u32) -> String {
    match n {
        0..=999 => n.to_string(),
        _ => format!("{}k", n / 1_000),
    }
}

/// Whether an event is a message arriving somewhere.
fn arrives(r: Reason) -> bool {
    matches!(r, Reason::Sent | Reason::Received | Reason::MovedToDlq)
}

/// The connection a hop from `a` to `b` travels: the direct one, else one into `b` from a
/// node next to `a` (a message received by a function and then dead-lettered by its queue
/// travels the queue's redrive connection).
fn connection(edges: &[(usize, usize, bool)], a: usize, b: usize) -> Option<usize> {
    edges.iter().position(|e| e.0 == a && e.1 == b).or_else(|| {
        let near = |x: usize| edges.iter().any(|e| (e.0 == x && e.1 == a) || (e.0 == a && e.1 == x));
        edges.iter().position(|e| e.1 == b && near(e.0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::flow::presets::PRESETS;
    use crate::scenes::preset::scenario_of;

    fn run(key: &str, secs: u64) -> FlowSim {
        let mut sim = FlowSim::try_new(&scenario_of(&PRESETS, key), 42)
            .expect("valid")
            .keep_recent_events(super::super::RECENT_EVENTS);
        sim.run_until_done(SimTime::from_secs(secs));
        sim
    }

    #[test]
    fn tokens_travel_every_connection_that_carries_messages() {
        let mut sim = run("buffer-a-spike", 2);
        let mut hops = Hops::default();
        // Read frame by frame, as the page does.
        for ms in (2_000..=3_000).step_by(16) {
            sim.run_until_done(SimTime::from_millis(ms));
            hops.update(&sim, SimDuration::from_millis(800), &[MAX_PER_EDGE; 3]);
        }
        let view = diagram(&sim, 1280.0, SimDuration::from_millis(800), &mut hops);
        assert!(!view.tokens.is_empty());
        // Every deliver connection of the preset has messages on it now.
        let edges = links(sim.model().scenario());
        for (k, e) in edges.iter().enumerate() {
            let on_it = view.tokens.values().any(|t| {
                t.aria.contains(&format!(
                    "{} to {}",
                    sim.model().scenario().nodes[e.0].id,
                    sim.model().scenario().nodes[e.1].id
                ))
            });
            assert!(
                on_it,
                "connection {k} {e:?} carries nothing: {:?}",
                view.tokens.values().map(|t| &t.aria).collect::<Vec<_>>()
            );
        }
        // A burst of 600 a second: tokens stand for several messages and say how many.
        assert!(view.grouped && view.tokens.values().any(|t| t.label.starts_with('×')));
        assert!(view.tokens.len() <= edges.len() * (MAX_PER_EDGE + 1));
    }

    #[test]
    fn a_node_that_dead_letters_or_throttles_turns_red_with_the_reason() {
        let sim = run("reserved-concurrency-too-low", 120);
        let view = diagram(&sim, 1280.0, SimDuration::from_millis(800), &mut Hops::default());
        let idx = |id: &str| sim.model().scenario().node(id).map(|(i, _)| i).expect("node");
        let function = &view.nodes[idx("send-email")];
        assert!(function.red_full.as_deref().is_some_and(|r| r.contains("hrottl")), "{function:?}");
        assert!(function.line1.starts_with("running"), "{function:?}");
        let lost = run("webhook-403", 30);
        let view = diagram(&lost, 1280.0, SimDuration::from_millis(800), &mut Hops::default());
        let partner = &view.nodes[lost.model().scenario().node("partner-webhook").map(|(i, _)| i).expect("node")];
        assert!(partner.red_full.as_deref().is_some_and(|r| r.contains("4xx")), "{partner:?}");
    }

    #[test]
    fn every_preset_shows_its_lesson_in_its_counters() {
        let get = |c: &[(&str, u64)], name: &str| c.iter().find(|x| x.0 == name).map_or(0, |x| x.1);
        let c = counters(&run("reserved-concurrency-too-low", 300));
        assert!(get(&c, "throttled") > 0 && get(&c, "dead-lettered") > 0, "{c:?}");
        let c = counters(&run("webhook-403", 60));
        assert!(get(&c, "lost to 4xx") > 0, "{c:?}");
        let c = counters(&run("buffer-a-spike", 120));
        assert!(get(&c, "lost") == 0 && get(&c, "processed") > 2_000, "{c:?}");
        let c = counters(&run("kinesis-poison-record", 600));
        assert!(get(&c, "iterator age (s)") > 60, "{c:?}");
        let c = counters(&run("sqs-poison-message", 300));
        assert!(get(&c, "processed twice") > 0 && get(&c, "dead-lettered") > 0, "{c:?}");
    }

    #[test]
    fn every_caption_names_real_counters() {
        let names: Vec<&str> = counters(&run("buffer-a-spike", 1)).iter().map(|c| c.0).collect();
        crate::scenes::preset::assert_captions(&PRESETS, &names);
    }
}
