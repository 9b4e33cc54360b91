//! What the SQS diagram and panels show of a run at one instant: tokens in lanes, consumer boxes,
//! counters and a message's history, read from the engine's state getters and recent trace.
//!
//! Plain data built from `&SqsSim`, free of Leptos, so it is tested natively.

use std::collections::{BTreeMap, BTreeSet};

use engine::sqs::{pricing, ConsumerActivity, Message, MessageId, MessageState, SqsSim};
use engine::{Reason, SimTime};

use super::layout::{countdown_width, Lane, Layout, CONSUMERS_DRAWN, DENSE_SCALE};
use crate::components::token_layer::Token;
use crate::components::HistoryStep;

/// How many group colours the stylesheet defines (`group-0` … `group-5`).
pub const GROUP_STYLES: usize = 6;

/// One message token as drawn: the id is the message id number (`msg-12` is 12), the badge its
/// `ApproximateReceiveCount` (0 in the DLQ), the bar its visibility countdown (in flight only),
/// the class its lane (`lane-in-flight`), group colour, blocked and poison marks.
pub type TokenView = Token;

/// One consumer box.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerView {
    /// 0-based index (shown 1-based).
    pub idx: usize,
    /// First line under the name: what it holds.
    pub line1: String,
    /// Second line: the visibility time left of what it holds, or its state.
    pub line2: String,
    /// CSS classes: `sqs-consumer`, plus `busy` while processing or `crashed` while restarting.
    pub class: String,
}

/// The whole diagram at one instant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiagramView {
    /// Tokens by message id.
    pub tokens: BTreeMap<u64, TokenView>,
    /// Messages per lane (delayed, visible, in flight), drawn or not.
    pub lane_counts: [usize; 3],
    /// Whether each lane (delayed, visible, in flight, DLQ) draws small tokens to fit more.
    pub dense: [bool; 4],
    /// Messages in the dead-letter queue, `None` when there is none.
    pub dlq_count: Option<usize>,
    /// Consumer boxes drawn.
    pub consumers: Vec<ConsumerView>,
    /// Consumers not drawn.
    pub consumers_hidden: usize,
    /// FIFO groups whose head message is in flight, so their later messages wait.
    pub blocked_groups: Vec<String>,
    /// `orders` or `orders.fifo`.
    pub queue_name: String,
    /// The producer line: `1 producer · 5 msg/s`.
    pub producer_line: String,
}

/// The counters of the metrics panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CounterView {
    /// Simulated seconds.
    pub now_secs: f64,
    /// Running trace hash.
    pub hash: u64,
    /// Counters by name, in display order.
    pub counters: Vec<(&'static str, u64)>,
    /// API calls by action.
    pub api_calls: Vec<(String, u64)>,
    /// Requests as SQS bills them (each started 64 KB of payload is one).
    pub billed_requests: u64,
    /// Their list-price cost, US dollars.
    pub cost_usd: f64,
    /// List price per million requests for this queue type, US dollars.
    pub usd_per_million: f64,
    /// Send-to-delete latency quantiles, seconds.
    pub p50: Option<f64>,
    /// Send-to-delete latency 99th percentile, seconds.
    pub p99: Option<f64>,
    /// Messages moved to the DLQ so far (also a counter; kept for announcements).
    pub moved_to_dlq: u64,
    /// Messages in the DLQ now.
    pub dlq_depth: usize,
}

/// A message's history from the recent trace window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The message id number.
    pub id: u64,
    /// Where it is now, in words.
    pub now: String,
    /// Steps, oldest first.
    pub steps: Vec<HistoryStep>,
    /// True when its `SENT` event has left the trace window, so earlier steps are missing.
    pub truncated: bool,
    /// The message system attributes `ReceiveMessage` returns for it (`AttributeNames=All`),
    /// name and value as shown; empty once it left the queues.
    pub system: Vec<(&'static str, String)>,
}

/// The group number of a FIFO group id `g3`, for its colour.
fn group_index(group: &str) -> usize {
    group.trim_start_matches('g').parse::<usize>().unwrap_or(0)
}

fn lane_of(state: MessageState) -> Lane {
    match state {
        MessageState::Delayed { .. } => Lane::Delayed,
        MessageState::Visible => Lane::Visible,
        MessageState::InFlight { .. } => Lane::InFlight,
    }
}

/// The diagram of `sim` now, laid out by `layout`.
pub fn diagram(sim: &SqsSim, layout: &Layout) -> DiagramView {
    let model = sim.model();
    let now = sim.now();
    let scenario = model.scenario();
    let visibility_s = scenario.queue.visibility_timeout_s.max(1) as f64;
    let mut view = DiagramView { queue_name: model.main_queue().name().to_string(), ..DiagramView::default() };
    let rate: f64 = scenario.producers.iter().map(|p| p.workload.mean_rate_per_s()).sum();
    let n = scenario.producers.len();
    view.producer_line =
        format!("{n} producer{} · {} msg/s", if n == 1 { "" } else { "s" }, crate::scenes::knob::format_value(rate));

    let queue = model.main_queue();
    // In send order, sorted once.
    let messages: Vec<&Message> = queue.messages().collect();
    // FIFO: a group is blocked while one of its messages is in flight.
    let blocked: BTreeSet<&str> = messages
        .iter()
        .filter(|m| matches!(m.state, MessageState::InFlight { .. }))
        .filter_map(|m| m.group())
        .collect();
    view.blocked_groups = blocked.iter().map(|g| g.to_string()).collect();
    // Messages a consumer holds from a receive that came after a message sent later.
    // With autoscaling, every consumer it may run has a box (stopped ones drawn as such).
    let consumers = model.consumer_slots();
    let late: BTreeSet<MessageId> = (0..consumers)
        .flat_map(|i| model.consumer_batch(i))
        .filter(|r| r.out_of_order && queue.is_current(r.receipt_handle))
        .map(|r| r.message_id)
        .collect();

    // A lane that outgrows its normal grid switches to small tokens.
    let counts = [queue.delayed_count(), queue.visible_count(), queue.in_flight_count()];
    for lane in Lane::MAIN {
        view.dense[lane as usize] = counts[lane as usize] > layout.lane_capacity(lane, false);
    }
    let mut slots = [0usize; 3];
    for &m in &messages {
        let lane = lane_of(m.state);
        let lane_idx = lane as usize;
        let slot = slots[lane_idx];
        slots[lane_idx] += 1;
        let dense = view.dense[lane_idx];
        if slot >= layout.lane_capacity(lane, dense) {
            continue;
        }
        let is_blocked = lane != Lane::InFlight && m.group().is_some_and(|g| blocked.contains(g));
        let marks = Marks { blocked: is_blocked, poison: model.is_poison(m.id), late: late.contains(&m.id) };
        let token = token(layout, m, lane, slot, dense, now, visibility_s, marks);
        view.tokens.insert(m.id.0, token);
    }
    view.lane_counts = slots;

    if let Some(dlq) = model.dead_letter_queue() {
        let dense = dlq.visible_count() > layout.lane_capacity(Lane::Dlq, false);
        view.dense[Lane::Dlq as usize] = dense;
        let mut count = 0;
        for m in dlq.messages() {
            if count < layout.lane_capacity(Lane::Dlq, dense) {
                let marks = Marks { poison: model.is_poison(m.id), ..Marks::default() };
                let t = token(layout, m, Lane::Dlq, count, dense, now, visibility_s, marks);
                view.tokens.insert(m.id.0, t);
            }
            count += 1;
        }
        view.dlq_count = Some(count);
    }

    let drawn = consumers.min(CONSUMERS_DRAWN);
    view.consumers_hidden = consumers - drawn;
    for idx in 0..drawn {
        let batch = model.consumer_batch(idx);
        let secs = |until: SimTime| until.saturating_since(now).as_secs_f64();
        let (line1, line2, state) = match model.consumer_activity(idx) {
            ConsumerActivity::Polling if scenario.consumer_wait_s() == 0 => {
                ("short polling".to_string(), String::new(), "")
            }
            ConsumerActivity::Polling => ("receiving".to_string(), String::new(), ""),
            ConsumerActivity::LongPolling { until } => {
                ("long polling".to_string(), format!("{:.1} s wait left", secs(until)), "")
            }
            ConsumerActivity::Restarting { at } => {
                ("crashed!".to_string(), format!("back in {:.1} s", secs(at)), " crashed")
            }
            ConsumerActivity::Stopped => ("stopped".to_string(), "(autoscaling)".to_string(), " off"),
            ConsumerActivity::Starting { at } => {
                ("starting".to_string(), format!("up in {:.1} s", secs(at)), " starting")
            }
            ConsumerActivity::Processing { index } => match batch.get(index) {
                None => ("processing".to_string(), String::new(), " busy"),
                Some(current) => {
                    // One id and its place in the batch: two ids do not fit in a consumer box.
                    let of = if batch.len() > 1 { format!(" ({}/{})", index + 1, batch.len()) } else { String::new() };
                    // Only the latest receive's window counts: a consumer still working on a
                    // message another consumer has received since is past its timeout.
                    let left = queue.find(current.message_id).filter(|_| queue.is_current(current.receipt_handle));
                    let left = left.and_then(|m| match m.state {
                        MessageState::InFlight { until, .. } => Some(secs(until)),
                        _ => None,
                    });
                    let line2 = match left {
                        Some(s) => format!("{s:.1} s left"),
                        None => "timed out!".to_string(),
                    };
                    (format!("{}{of}", current.message_id), line2, " busy")
                }
            },
        };
        view.consumers.push(ConsumerView { idx, line1, line2, class: format!("sqs-consumer{state}") });
    }
    view
}

/// What a token is marked with besides its lane.
#[derive(Clone, Copy, Default)]
struct Marks {
    /// A FIFO message behind an in-flight message of its group.
    blocked: bool,
    /// A message whose processing always fails.
    poison: bool,
    /// Held by a consumer from a receive that came after a message sent later (out of order).
    late: bool,
}

#[allow(clippy::too_many_arguments)]
fn token(
    layout: &Layout,
    m: &Message,
    lane: Lane,
    slot: usize,
    dense: bool,
    now: SimTime,
    visibility_s: f64,
    marks: Marks,
) -> TokenView {
    let Marks { blocked, poison, late } = marks;
    let (x, y) = layout.token_pos(lane, slot, dense);
    let mut class = format!("sqs-token lane-{}", lane.class());
    if dense {
        class.push_str(" dense");
    }
    let label = match m.group() {
        Some(g) => {
            class.push_str(&format!(" group-{}", group_index(g) % GROUP_STYLES));
            g.to_owned()
        }
        // A standard message has no group to show: an out-of-order one shows the swap.
        None if late => "↕".to_string(),
        None => String::new(),
    };
    if blocked {
        class.push_str(" blocked");
    }
    if late {
        class.push_str(" out-of-order");
    }
    if poison {
        class.push_str(" poison");
    }
    let (secs_left, fraction) = match m.state {
        MessageState::InFlight { until, .. } => {
            let left = until.saturating_since(now).as_secs_f64();
            (Some(left), left / visibility_s)
        }
        MessageState::Delayed { until } => (Some(until.saturating_since(now).as_secs_f64()), 0.0),
        MessageState::Visible => (None, 0.0),
    };
    let countdown_w = if lane == Lane::InFlight { countdown_width(fraction) } else { 0.0 };
    let mut aria = format!("{}, {}", m.id, lane.label());
    if let Some(g) = m.group() {
        aria.push_str(&format!(", group {g}"));
    }
    if blocked {
        aria.push_str(", blocked behind an in-flight message of its group");
    }
    if m.receive_count > 0 {
        aria.push_str(&format!(", received {} time{}", m.receive_count, if m.receive_count == 1 { "" } else { "s" }));
    }
    if late {
        aria.push_str(", received out of order: a message sent after it was received first");
    }
    if let Some(left) = secs_left {
        let what = if lane == Lane::InFlight { "visible again" } else { "visible" };
        aria.push_str(&format!(", {what} in {left:.1} s"));
    }
    // In the DLQ too: AWS keeps counting (its first receive there returns maxReceiveCount + 1).
    let scale = if dense { DENSE_SCALE } else { 1.0 };
    Token { id: m.id.0, x, y, scale, label, class, badge: m.receive_count, bar_w: countdown_w, aria }
}

/// What to say about dead-letter moves since `announced` of them were said: the latest one by
/// name, and how many came with it (`total` is the count so far).
pub fn dlq_announcement(sim: &SqsSim, announced: u64, total: u64) -> Option<String> {
    let new = total.checked_sub(announced).filter(|&n| n > 0)?;
    let latest = sim.trace().recent().rev().find(|e| e.reason == Reason::MovedToDlq && !e.in_dlq);
    let what = match latest.and_then(|e| e.message.map(|m| (m, e.count))) {
        Some((id, receives)) => {
            format!(
                "{id} moved to the dead-letter queue after {}",
                engine::text::count(receives, "receive", "receives")
            )
        }
        None => "A message moved to the dead-letter queue".to_string(),
    };
    Some(match new {
        1 => format!("{what}."),
        n => format!("{what}; {} more with it ({total} so far).", n - 1),
    })
}

/// The counters of `sim` now.
pub fn counters(sim: &SqsSim) -> CounterView {
    let model = sim.model();
    let t = model.totals();
    let dlq_depth = model.dead_letter_queue().map_or(0, |q| q.visible_count());
    CounterView {
        now_secs: sim.now().as_secs_f64(),
        hash: sim.trace_hash(),
        counters: vec![
            ("sent", t.sent),
            ("received", t.received),
            ("deleted", t.deleted),
            ("empty receives", t.empty_receives),
            ("duplicates processed", t.duplicates_processed),
            ("out of order", t.out_of_order),
            ("failures", t.failures),
            ("moved to DLQ", t.moved_to_dlq),
            ("visibility extended", t.visibility_extended),
            ("consumers running", model.running_consumers() as u64),
        ],
        api_calls: t.api_calls.iter().map(|(k, v)| (k.to_string(), v)).collect(),
        billed_requests: t.billed_requests,
        cost_usd: model.estimated_cost_usd(),
        usd_per_million: if model.scenario().queue.fifo {
            pricing::FIFO_USD_PER_MILLION
        } else {
            pricing::STANDARD_USD_PER_MILLION
        },
        p50: t.latency.quantile(0.5).map(|d| d.as_secs_f64()),
        p99: t.latency.quantile(0.99).map(|d| d.as_secs_f64()),
        moved_to_dlq: t.moved_to_dlq,
        dlq_depth,
    }
}

/// The history of message `id` from the recent trace window.
pub fn history(sim: &SqsSim, id: u64) -> History {
    let model = sim.model();
    let target = MessageId(id);
    let steps: Vec<HistoryStep> =
        sim.trace().recent().filter(|e| e.message == Some(target)).map(HistoryStep::of).collect();
    let truncated = !sim.trace().recent().any(|e| e.message == Some(target) && e.reason == Reason::Sent);
    let fifo = model.scenario().queue.fifo;
    let found = model.main_queue().find(target).or_else(|| model.dead_letter_queue().and_then(|q| q.find(target)));
    let system = found.map(|m| system_attributes(m, fifo)).unwrap_or_default();
    let now = if let Some(m) = model.main_queue().find(target) {
        let place = match m.state {
            MessageState::Delayed { until } => {
                format!("delayed, visible in {:.1} s", until.saturating_since(sim.now()).as_secs_f64())
            }
            MessageState::Visible => "visible, waiting for a consumer".to_string(),
            MessageState::InFlight { until, .. } => format!(
                "in flight, visible again in {:.1} s unless deleted",
                until.saturating_since(sim.now()).as_secs_f64()
            ),
        };
        format!("{place}; received {}", engine::text::count(m.receive_count, "time", "times"))
    } else if let Some(m) = model.dead_letter_queue().and_then(|q| q.find(target)) {
        format!("in the dead-letter queue; received {}", engine::text::count(m.receive_count, "time", "times"))
    } else {
        "gone from the queue (deleted or expired)".to_string()
    };
    let poison = if model.is_poison(target) { " It is a poison message: processing always fails." } else { "" };
    History { id, now: format!("{}.{poison}", capitalise(&now)), steps, truncated, system }
}

/// A message's system attributes as the inspector lists them: AWS's values, the timestamps
/// (milliseconds from the start of the run here, from 1970 on AWS) with their time of the run.
fn system_attributes(m: &Message, fifo: bool) -> Vec<(&'static str, String)> {
    let mut attributes = m.system_attributes(fifo);
    for (name, value) in &mut attributes {
        if name.ends_with("Timestamp") {
            if let Ok(ms) = value.parse::<u64>() {
                value.push_str(&format!(" (at {})", crate::view_model::format_sim_time(ms as f64 / 1000.0)));
            }
        }
    }
    attributes
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::SimDuration;

    /// A desktop-wide diagram.
    const LAYOUT: Layout = Layout { w: 760.0, consumers: 4 };

    fn run(key: &str, secs: u64) -> SqsSim {
        let scenario = crate::scenes::preset::scenario_of(&crate::scenes::sqs::presets::PRESETS, key);
        let mut sim = SqsSim::try_new(&scenario, 42).unwrap();
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(secs));
        sim
    }

    /// Issue 19, item 12: a message in the dead-letter queue shows the receive count AWS keeps
    /// counting, and the inspector lists the system attributes a receive returns, the queue it
    /// came from included.
    #[test]
    fn dead_letter_tokens_keep_their_receive_count_and_the_inspector_lists_system_attributes() {
        let sim = run("poison", 30);
        let dlq = sim.model().dead_letter_queue().expect("the poison preset has a DLQ");
        let moved = dlq.messages().next().expect("a poison message has moved (seed 42)");
        let view = diagram(&sim, &LAYOUT);
        let token = view.tokens.get(&moved.id.0).expect("drawn in the DLQ lane");
        assert_eq!(token.badge, moved.receive_count);
        assert!(token.badge > 1, "maxReceiveCount receives at least");
        let h = history(&sim, moved.id.0);
        let value = |name: &str| h.system.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        assert_eq!(value("DeadLetterQueueSourceArn").as_deref(), Some("arn:aws:sqs:us-east-1:123456789012:orders"));
        assert_eq!(value("ApproximateReceiveCount"), Some(moved.receive_count.to_string()));
        assert!(value("SentTimestamp").is_some_and(|v| v.contains(" (at ")), "{:?}", h.system);
        assert!(h.now.contains("dead-letter queue; received"), "{}", h.now);
    }

    #[test]
    fn consumer_boxes_say_what_each_consumer_is_doing() {
        let mut scenario = engine::sqs::SqsScenario::default();
        scenario.producers[0].workload = engine::Workload::Constant { rate_per_s: 0.2 };
        scenario.consumers.count = 2;
        scenario.consumers.crash_probability = 1.0;
        scenario.consumers.processing = engine::Distribution::Fixed { ms: 1_000.0 };
        let mut sim = SqsSim::try_new(&scenario, 1).unwrap();
        // t = 0: the first message is sent at 0 and taken by consumer 1; consumer 2 waits.
        sim.run_until_done(SimTime::ZERO + SimDuration::from_millis(500));
        let lines = |sim: &SqsSim| {
            diagram(sim, &LAYOUT).consumers.iter().map(|c| (c.line1.clone(), c.class.clone())).collect::<Vec<_>>()
        };
        let now = lines(&sim);
        assert_eq!(now[0], ("msg-0".to_string(), "sqs-consumer busy".to_string()));
        assert_eq!(now[1].0, "long polling");
        // It crashes after processing (probability 1), before deleting.
        sim.run_until_done(SimTime::ZERO + SimDuration::from_millis(1_500));
        let now = lines(&sim);
        assert_eq!(now[0], ("crashed!".to_string(), "sqs-consumer crashed".to_string()));
        assert!(diagram(&sim, &LAYOUT).consumers[0].line2.starts_with("back in"));
    }

    #[test]
    fn of_two_consumers_holding_one_message_only_the_latest_receive_has_time_left() {
        let mut sim = SqsSim::try_new(
            &crate::scenes::preset::scenario_of(&crate::scenes::sqs::presets::PRESETS, "slow-consumer"),
            42,
        )
        .unwrap();
        let mut shared = 0;
        for t in 1..=120 {
            sim.run_until_done(SimTime::ZERO + SimDuration::from_millis(t * 500));
            let view = diagram(&sim, &LAYOUT);
            for a in &view.consumers {
                let id = a.line1.split(' ').next().unwrap_or("");
                let same: Vec<&ConsumerView> = view
                    .consumers
                    .iter()
                    .filter(|c| id.starts_with("msg-") && c.line1.split(' ').next() == Some(id))
                    .collect();
                if same.len() > 1 {
                    shared += 1;
                    let live = same.iter().filter(|c| c.line2.ends_with("s left")).count();
                    assert!(live <= 1, "at {t}: {same:?}");
                }
            }
        }
        assert!(shared > 0, "the slow consumer trap never had two consumers on one message");
    }

    #[test]
    fn a_crowded_lane_draws_small_tokens_up_to_its_dense_capacity() {
        let mut scenario = engine::sqs::SqsScenario::default();
        scenario.producers[0].workload = engine::Workload::Constant { rate_per_s: 100.0 };
        scenario.consumers.count = 0;
        let mut sim = SqsSim::try_new(&scenario, 1).unwrap();
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(30));
        let view = diagram(&sim, &LAYOUT);
        assert!(view.dense[Lane::Visible as usize] && !view.dense[Lane::InFlight as usize]);
        assert_eq!(view.tokens.len(), LAYOUT.lane_capacity(Lane::Visible, true), "a full dense lane");
        assert!(view.tokens.values().all(|t| t.scale == DENSE_SCALE && t.class.contains("dense")));
        // The first messages sent take the first slots.
        let first = view.tokens.values().min_by_key(|t| t.id).unwrap();
        assert_eq!((first.x, first.y), LAYOUT.token_pos(Lane::Visible, 0, true));
    }

    #[test]
    fn tokens_sit_in_the_lane_of_their_state() {
        let sim = run("scale", 20);
        let view = diagram(&sim, &LAYOUT);
        let queue = sim.model().main_queue();
        assert_eq!(view.lane_counts[1], queue.visible_count());
        assert_eq!(view.lane_counts[2], queue.in_flight_count());
        assert!(view.tokens.len() <= 3 * LAYOUT.lane_capacity(Lane::Visible, true));
        for t in view.tokens.values() {
            let m = queue.find(MessageId(t.id)).unwrap();
            assert!(
                t.class.contains(&format!("lane-{} ", lane_of(m.state).class()))
                    || t.class.ends_with(&format!("lane-{}", lane_of(m.state).class())),
                "{t:?}"
            );
        }
    }

    /// Issue 19, item 9: in-flight tokens from a receive that came after a later-sent message
    /// carry the swap (↕, a class and words), and the counter counts them.
    #[test]
    fn out_of_order_tokens_are_marked_in_flight_and_counted() {
        let mut sim = run("order", 1);
        let mut marked = 0;
        for tenth in 10..200 {
            sim.run_until_done(SimTime::ZERO + SimDuration::from_millis(tenth * 100));
            let view = diagram(&sim, &LAYOUT);
            for t in view.tokens.values().filter(|t| t.class.contains("out-of-order")) {
                assert!(t.class.contains("lane-in-flight") && t.label == "↕", "{t:?}");
                assert!(t.aria.contains("received out of order"), "{t:?}");
                marked += 1;
            }
        }
        assert!(marked > 0, "no token marked out of order in 20 s (seed 42)");
        let counted = counters(&sim).counters.iter().find(|c| c.0 == "out of order").map(|c| c.1);
        assert!(counted.is_some_and(|n| n > 0), "{counted:?}");
    }

    #[test]
    fn fifo_tokens_carry_their_group_in_text() {
        let sim = run("fifo-blocking", 15);
        let view = diagram(&sim, &LAYOUT);
        assert!(view.tokens.values().all(|t| t.label.starts_with('g') && t.aria.contains("group")));
        assert!(!view.blocked_groups.is_empty());
    }

    #[test]
    fn poison_history_ends_in_the_dlq() {
        let sim = run("poison", 30);
        let view = diagram(&sim, &LAYOUT);
        let dlq = view.tokens.values().find(|t| t.class.contains("lane-dlq")).expect("a DLQ token");
        let h = history(&sim, dlq.id);
        assert!(h.steps.iter().any(|s| s.reason == "MOVED_TO_DLQ"), "{h:?}");
        assert!(h.now.contains("dead-letter"));
        assert!(counters(&sim).dlq_depth > 0);
    }

    #[test]
    fn dead_letter_moves_are_announced_by_name() {
        let sim = run("poison", 60);
        let total = counters(&sim).moved_to_dlq;
        assert!(total >= 2, "{total}");
        let one = dlq_announcement(&sim, total - 1, total).expect("a new move");
        assert!(one.starts_with("msg-") && one.ends_with("after 3 receives."), "{one}");
        let many = dlq_announcement(&sim, 0, total).expect("new moves");
        assert!(many.contains(&format!("{} more with it ({total} so far)", total - 1)), "{many}");
        assert_eq!(dlq_announcement(&sim, total, total), None);
    }
}
