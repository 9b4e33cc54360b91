//! What one frame of the SNS diagram shows, computed from the run: the subscription columns
//! and every token, where it is and why; the counters; a message's history for the inspector.
//!
//! A copy's token is placed by its state (on the wire, waiting for a retry, in a queue or its
//! DLQ). Moments that leave no state behind are shown for a short simulated while from the
//! trace: a fresh publish sits at the topic (so the split into copies is seen), a filtered copy
//! at its subscription with a ✕, a delivery to a Lambda or HTTP endpoint at the endpoint, a lost
//! copy at the DLQ slot. CSS transitions move tokens between places.

use crate::components::NARROWEST;
use std::collections::BTreeMap;

use engine::sns::model::{COPY_IDS, PREVIOUS_POLICY};
use engine::sns::{DeliveryPhase, EndpointKind, SnsSim, SnsTraceEvent};
use engine::{text, Reason, SimDuration, SimTime};

use crate::components::token_layer::Token;
use crate::components::token_layer::TOKEN_H;
use crate::components::HistoryStep;

/// Outer padding.
pub const PAD: f64 = 12.0;
/// The publisher box.
pub const PUBLISHER_Y: f64 = 10.0;
/// Topic box height: title, counts, and the fresh publishes splitting into copies.
pub const TOPIC_H: f64 = 62.0;
/// Subscription box height: name, up to three lines of filter, counts.
pub const SUB_H: f64 = 88.0;
/// Gap under a column before the next row of columns.
const ROW_GAP: f64 = 28.0;
/// Narrowest subscription column before the columns wrap into rows.
const CELL_MIN_W: f64 = 176.0;
/// Left gutter for the line from the topic to the rows under the first one.
const GUTTER: f64 = 14.0;
/// Token width: wide enough for a four-letter label.
pub const SNS_TOKEN_W: f64 = 32.0;
/// Token grid step.
const STEP_X: f64 = 35.0;
/// Token grid row step.
const STEP_Y: f64 = TOKEN_H + 4.0;
/// About how wide a character of 11 px text is drawn.
const CHAR_W: f64 = 7.0;

/// The diagram laid out for one width (one SVG unit per CSS pixel): the subscriptions side by
/// side while each column gets at least 176 px, else in rows (one column per row on a phone,
/// each with fewer token rows so the page stays short).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// The diagram's width.
    pub w: f64,
    /// Subscriptions.
    pub n: usize,
    /// Columns per row.
    pub cols: usize,
}

impl Layout {
    /// The layout for a diagram `width` CSS pixels wide with `n` subscriptions.
    pub fn new(width: f64, n: usize) -> Layout {
        let w = if width.is_finite() { width.max(NARROWEST).floor() } else { NARROWEST };
        let cols = (((w - 2.0 * PAD) / CELL_MIN_W).floor() as usize).clamp(1, n.max(1));
        Layout { w, n: n.max(1), cols }
    }

    /// Rows of columns.
    pub fn rows(&self) -> usize {
        self.n.div_ceil(self.cols)
    }

    /// Whether the publisher's line is split in two.
    pub fn two_line_publisher(&self) -> bool {
        self.w < 640.0
    }

    /// Height of the publisher box.
    pub fn publisher_h(&self) -> f64 {
        if self.two_line_publisher() {
            54.0
        } else {
            40.0
        }
    }

    /// The topic box: left, top, width.
    pub fn topic(&self) -> (f64, f64, f64) {
        let w = (self.w - 2.0 * PAD).min(360.0);
        (self.w / 2.0 - w / 2.0, PUBLISHER_Y + self.publisher_h() + 34.0, w)
    }

    /// Where the topic's fan-out lines start.
    pub fn topic_bottom(&self) -> f64 {
        self.topic().1 + TOPIC_H
    }

    fn gutter(&self) -> f64 {
        if self.rows() > 1 {
            GUTTER
        } else {
            0.0
        }
    }

    /// Column `i`: left edge, top and width.
    pub fn cell(&self, i: usize) -> (f64, f64, f64) {
        let w = (self.w - 2.0 * PAD - self.gutter()) / self.cols as f64;
        let (col, row) = (i % self.cols, i / self.cols);
        (PAD + self.gutter() + col as f64 * w, self.topic_bottom() + 60.0 + row as f64 * self.cell_h(), w)
    }

    /// Rows of full-size tokens in an area of a column: fewer when columns are stacked one per row.
    fn area_rows(&self, area: Area) -> usize {
        match (area, self.cols == 1) {
            (Area::Waiting, false) => 2,
            (Area::Endpoint, false) => 5,
            (Area::DeadLetter, false) => 3,
            (Area::Endpoint, true) => 2,
            (_, true) => 1,
        }
    }

    /// From a subscription box's bottom to its endpoint's top: the wire and the retry area.
    fn wait_h(&self) -> f64 {
        34.0 + self.area_rows(Area::Waiting) as f64 * STEP_Y
    }

    /// Endpoint box height.
    pub fn endpoint_h(&self) -> f64 {
        86.0 + self.area_rows(Area::Endpoint) as f64 * STEP_Y
    }

    /// Dead-letter queue box height.
    pub fn dlq_h(&self) -> f64 {
        36.0 + self.area_rows(Area::DeadLetter) as f64 * STEP_Y
    }

    /// Top of a column's endpoint box, from the column's top.
    pub fn endpoint_dy(&self) -> f64 {
        SUB_H + self.wait_h()
    }

    /// Top of a column's dead-letter box, from the column's top.
    pub fn dlq_dy(&self) -> f64 {
        self.endpoint_dy() + self.endpoint_h() + 16.0
    }

    /// One column, top to bottom, with the gap under it.
    pub fn cell_h(&self) -> f64 {
        self.dlq_dy() + self.dlq_h() + ROW_GAP
    }

    /// Top of an area's token grid (from the column's top) and its rows of full-size tokens.
    fn grid(&self, area: Area) -> (f64, usize) {
        let top = match area {
            Area::Waiting => SUB_H + 26.0,
            Area::Endpoint => self.endpoint_dy() + 70.0,
            Area::DeadLetter => self.dlq_dy() + 28.0,
        };
        (top, self.area_rows(area))
    }

    /// The diagram's height.
    pub fn height(&self) -> f64 {
        self.cell(0).1 + self.rows() as f64 * self.cell_h() - ROW_GAP + PAD
    }

    /// The line from the topic to column `i`, as SVG path data: straight down to a single row;
    /// with more rows, along the left gutter and across above the column's row.
    pub fn fan_out_path(&self, i: usize) -> String {
        let (x0, y0, w) = self.cell(i);
        let (mid, top) = (self.w / 2.0, self.topic_bottom());
        match self.rows() {
            1 => format!("M{mid} {top} L{} {}", x0 + w / 2.0, y0 - 2.0),
            _ => {
                let bus = PAD + GUTTER / 2.0;
                format!("M{mid} {top} V{} H{bus} V{} H{} V{}", top + 20.0, y0 - 12.0, x0 + w / 2.0, y0 - 2.0)
            }
        }
    }

    /// Characters of filter text per line in a column `w` wide.
    fn filter_chars(w: f64) -> usize {
        ((w - 24.0) / CHAR_W) as usize
    }
}

/// How long (simulated) a fresh publish stays at the topic.
const AT_TOPIC: SimDuration = SimDuration::from_millis(400);
/// How long a filtered copy, an endpoint delivery or a loss stays drawn.
const LINGER: SimDuration = SimDuration::from_millis(2_500);
/// The most tokens stacked at one spot (filtered at a subscription, on a wire): a pile shows
/// there are many, the counters say how many.
const MAX_STACKED: usize = 6;

/// One token: a copy of a message for one subscription (id `message * 8 + subscription`; the
/// badge counts delivery attempts).
pub type TokenView = Token;

/// One subscription column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColumnView {
    /// Endpoint name.
    pub name: String,
    /// `SQS queue`, `Lambda function`, `HTTP/S endpoint`.
    pub kind: &'static str,
    /// The endpoint box's title: its kind.
    pub endpoint_title: String,
    /// The whole filter, in one line (the lines' tooltip).
    pub filter: String,
    /// The filter in at most three lines that fit the column (two while a change of it takes
    /// effect); the last ends in … if cut.
    pub filter_lines: Vec<String>,
    /// While a change of the filter takes effect: `propagating: 34 s left` (else empty).
    pub propagating: String,
    /// Health now.
    pub health: &'static str,
    /// Whether the endpoint is failing now.
    pub failing: bool,
    /// Counters line of the subscription box.
    pub counts: String,
    /// The endpoint's status line.
    pub endpoint_line: String,
    /// A queue's consumers, under its status line.
    pub endpoint_line2: String,
    /// Copies waiting for a retry.
    pub retrying: usize,
    /// Dead-letter queue depth, if it has one.
    pub dlq: Option<usize>,
    /// Copies lost so far.
    pub lost: u64,
    /// Tokens that did not fit: retry area, endpoint, DLQ.
    pub hidden: [usize; 3],
}

/// The whole diagram for one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiagramView {
    /// What the publisher sends, in two parts (one line on a wide diagram, two on a narrow one).
    pub publisher_line: Vec<String>,
    /// The topic title.
    pub topic_title: String,
    /// Published and deduplicated.
    pub topic_line: String,
    /// One per subscription.
    pub columns: Vec<ColumnView>,
    /// Every token by id.
    pub tokens: BTreeMap<u64, TokenView>,
}

/// The three token areas of a column: copies waiting (for a retry, or behind their group), the
/// endpoint (a queue's messages, or recent deliveries to a push endpoint), the DLQ (or losses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    Waiting,
    Endpoint,
    DeadLetter,
}

/// Scale of tokens in a crowded area: two fifths of full size (no text), twice the rows and
/// more than twice the columns.
pub const DENSE_SCALE: f64 = 0.4;

/// Distance between half-size tokens: they carry no text, so they sit closer than half the
/// full step.
const DENSE_STEP_X: f64 = 14.0;

/// Tokens per row in a column `w` wide, full size or dense.
fn per_row(w: f64, dense: bool) -> usize {
    let step = if dense { DENSE_STEP_X } else { STEP_X };
    (((w - 20.0 - SNS_TOKEN_W * 0.5) / step).floor() as usize).max(1)
}

/// How many tokens an area of a column `w` wide holds, full size or dense (twice the rows).
fn capacity(layout: &Layout, area: Area, w: f64, dense: bool) -> usize {
    per_row(w, dense) * layout.grid(area).1 * if dense { 2 } else { 1 }
}

/// Where slot `k` of `area` goes in the column at `(x0, y0)`, `w` wide.
fn slot(layout: &Layout, area: Area, (x0, y0, w): (f64, f64, f64), dense: bool, k: usize) -> (f64, f64) {
    let y = y0 + layout.grid(area).0;
    let (step, f) = if dense { (DENSE_STEP_X, DENSE_SCALE) } else { (STEP_X, 1.0) };
    let row_len = per_row(w, dense);
    let (row, col) = (k / row_len, k % row_len);
    (x0 + 10.0 + col as f64 * step, y + row as f64 * STEP_Y * f)
}

/// The token position of the topic's outlet, spread a little by subscription.
fn topic_spot(layout: &Layout, sub: usize) -> (f64, f64) {
    let (x0, y, w) = layout.topic();
    let step = STEP_X.min((w - 20.0 - SNS_TOKEN_W) / layout.n.max(2) as f64);
    let x = layout.w / 2.0 - (layout.n as f64 * step) / 2.0 + sub as f64 * step;
    (x.max(x0 + 4.0), y + 38.0)
}

/// The scene's snapshot of the run, laid out for a diagram `width` CSS pixels wide.
pub fn diagram(sim: &SnsSim, width: f64) -> DiagramView {
    let m = sim.model();
    let scenario = m.scenario();
    let now = sim.now();
    let n = scenario.subscriptions.len();
    let layout = Layout::new(width, n);
    let totals = m.totals();
    let labels: Vec<&str> = scenario.messages.iter().map(|t| t.label.as_str()).collect();
    let label_of = |template: Option<u32>| template.and_then(|t| labels.get(t as usize).copied()).unwrap_or("you");
    let mut view = DiagramView {
        publisher_line: publisher_line(sim),
        topic_title: format!(
            "Topic {} ({})",
            scenario.topic_name(),
            if scenario.topic.fifo { "FIFO" } else { "standard" }
        ),
        topic_line: match totals.deduplicated {
            0 => format!("published {}", totals.published),
            d => format!("published {} · deduplicated {d}", totals.published),
        },
        ..DiagramView::default()
    };
    // Tokens of each area, laid out once all are known (a crowded area draws them dense).
    let mut areas: Vec<[Vec<TokenView>; 3]> = vec![Default::default(); n];
    // Builds and places a token while its area has room for it even when drawn dense: thousands of
    // copies can wait for a retry, and describing each one every frame cost more than a frame.
    // The dense capacity of each area, worked out once: a retry storm calls `place` for thousands
    // of copies a frame.
    let room: Vec<[usize; 3]> = (0..n)
        .map(|sub| {
            [Area::Waiting, Area::Endpoint, Area::DeadLetter].map(|a| capacity(&layout, a, layout.cell(sub).2, true))
        })
        .collect();
    let place = |areas: &mut Vec<[Vec<TokenView>; 3]>, sub: usize, area: Area, token: &dyn Fn() -> TokenView| {
        let list = &mut areas[sub][area as usize];
        if list.len() < room[sub][area as usize] {
            list.push(token());
        }
    };
    let token = |id: u64, label: &str, class: String, attempts: u32, aria: String| TokenView {
        id,
        x: 0.0,
        y: 0.0,
        scale: 1.0,
        label: label.chars().take(4).collect(),
        class,
        badge: attempts,
        bar_w: 0.0,
        aria,
    };

    // Moments from the trace: filtered, delivered to a push endpoint, lost.
    let recent: Vec<&SnsTraceEvent> =
        sim.trace().recent().rev().take_while(|e| now.saturating_since(e.at) <= LINGER).collect();
    let mut filtered = vec![0usize; n];
    // Tokens outside the areas' grids, which can pile up on one another.
    let mut loose: Vec<u64> = Vec::new();
    for e in recent.iter() {
        let (Some(msg), Some((sub, name))) = (e.message, e.subscription.as_ref()) else { continue };
        let sub = *sub as usize;
        if sub >= n {
            continue;
        }
        let id = msg * COPY_IDS + sub as u64;
        let kind = scenario.subscriptions[sub].endpoint;
        let label = label_of(e.template);
        let (x0, y0, w) = layout.cell(sub);
        match e.reason {
            Reason::FilteredOut => {
                let k = filtered[sub];
                filtered[sub] += 1;
                if k >= MAX_STACKED {
                    continue;
                }
                // Piled on the box's top edge, where the copy arrived and stopped.
                let x = x0 + w - 12.0 - SNS_TOKEN_W - (k % 4) as f64 * 6.0;
                let y = y0 - TOKEN_H - 3.0 + (k % 4) as f64 * 2.0;
                let note = e.note.as_deref().unwrap_or("");
                let aria = format!("msg-{msg} filtered out by {name}: {note}");
                // Stopped by a policy being replaced: drawn apart (dashed).
                let class = match note.starts_with(PREVIOUS_POLICY) {
                    true => "sqs-token sns-token filtered previous",
                    false => "sqs-token sns-token filtered",
                };
                view.tokens.insert(id, TokenView { x, y, ..token(id, label, class.into(), 0, aria) });
                loose.push(id);
            }
            // A note on a delivery: an HTTP 4xx, "delivered" and lost; drawn red at the endpoint.
            Reason::Delivered if kind != EndpointKind::Sqs => {
                place(&mut areas, sub, Area::Endpoint, &|| {
                    let class = if e.note.is_some() { "lost" } else { "delivered" };
                    token(
                        id,
                        label,
                        format!("sqs-token sns-token {class}"),
                        e.attempt,
                        engine::TraceRecord::describe(*e),
                    )
                });
            }
            Reason::MessageLost => {
                place(&mut areas, sub, Area::DeadLetter, &|| {
                    let aria = format!("msg-{msg} lost at {name}: {}", e.note.as_deref().unwrap_or(""));
                    token(id, label, "sqs-token sns-token lost".into(), e.attempt, aria)
                });
            }
            _ => {}
        }
    }

    // Copies on their way.
    let (mut on_wire, mut waiting) = (vec![0usize; n], vec![0usize; n]);
    for d in m.deliveries() {
        let sub = d.sub as usize;
        if sub >= n {
            continue;
        }
        let id = d.message * COPY_IDS + u64::from(d.sub);
        let label = label_of(d.template);
        let name = &scenario.subscriptions[sub].name;
        match d.phase {
            DeliveryPhase::InFlight { .. } => {
                let (x0, y0, w) = layout.cell(sub);
                let k = on_wire[sub];
                on_wire[sub] += 1;
                if k >= MAX_STACKED {
                    continue;
                }
                // Beside the arrow, just under the subscription box (the waiting count is left of it).
                let x = x0 + w / 2.0 + 4.0 + (k % 5) as f64 * 4.0;
                let y = y0 + SUB_H + 3.0 + (k % 3) as f64 * 2.0;
                let aria = format!("msg-{} on its way to {name}, attempt {}", d.message, d.attempts);
                view.tokens.insert(
                    id,
                    TokenView { x, y, ..token(id, label, "sqs-token sns-token wire".into(), d.attempts, aria) },
                );
                loose.push(id);
            }
            DeliveryPhase::Backoff { until } => {
                waiting[sub] += 1;
                place(&mut areas, sub, Area::Waiting, &|| {
                    let secs = until.saturating_since(now).as_secs_f64();
                    let aria =
                        format!("msg-{} for {name}: attempt {} failed, next in {secs:.1} s", d.message, d.attempts);
                    token(id, label, "sqs-token sns-token backoff".into(), d.attempts, aria)
                });
            }
            DeliveryPhase::Queued => {
                waiting[sub] += 1;
                place(&mut areas, sub, Area::Waiting, &|| {
                    let aria = format!("msg-{} for {name}: waiting behind an earlier message of its group", d.message);
                    token(id, label, "sqs-token sns-token queued".into(), d.attempts, aria)
                });
            }
        }
    }

    // Copies in queues and dead-letter queues: only as many as can be drawn are read.
    for sub in 0..n {
        let name = &scenario.subscriptions[sub].name;
        let areas_of = [
            (Area::Endpoint, m.queue(sub), "in the queue"),
            (Area::DeadLetter, m.dead_letter_queue(sub), "in the dead-letter queue"),
        ];
        for (area, queue, place_name) in areas_of {
            let Some(q) = queue else { continue };
            let free = room[sub][area as usize].saturating_sub(areas[sub][area as usize].len());
            for msg in q.oldest(free) {
                let Some(copy) = m.queued_copy(sub, msg.id) else { continue };
                let id = copy.message * COPY_IDS + sub as u64;
                let in_flight = matches!(msg.state, engine::sqs::MessageState::InFlight { .. });
                let class = match (area, in_flight) {
                    (Area::DeadLetter, _) => "sqs-token sns-token dead",
                    (_, true) => "sqs-token sns-token processing",
                    _ => "sqs-token sns-token queued-sqs",
                };
                let what = if in_flight { "being processed" } else { place_name };
                place(&mut areas, sub, area, &|| {
                    token(id, label_of(copy.template), class.into(), 0, format!("msg-{} {what} ({name})", copy.message))
                });
            }
        }
    }

    // Lay the areas out: full size while they fit, else dense; what does not fit is counted.
    let mut hidden = vec![[0usize; 3]; n];
    let mut dense = vec![[false; 3]; n];
    for (sub, lists) in areas.into_iter().enumerate() {
        let cell = layout.cell(sub);
        let w = cell.2;
        for (a, list) in lists.into_iter().enumerate() {
            let area = [Area::Waiting, Area::Endpoint, Area::DeadLetter][a];
            let crowded = list.len() > capacity(&layout, area, w, false);
            dense[sub][a] = crowded;
            let room = capacity(&layout, area, w, crowded);
            for (k, mut t) in list.into_iter().enumerate().take(room) {
                (t.x, t.y) = slot(&layout, area, cell, crowded, k);
                if crowded {
                    t.scale = DENSE_SCALE;
                    t.class.push_str(" dense");
                }
                view.tokens.insert(t.id, t);
            }
        }
        hidden[sub] = [0, 1, 2].map(|a| {
            let area = [Area::Waiting, Area::Endpoint, Area::DeadLetter][a];
            let total = match area {
                Area::Waiting => waiting[sub],
                Area::Endpoint => m.queue(sub).map_or(0, |q| q.visible_count() + q.in_flight_count()),
                Area::DeadLetter => m.dead_letter_queue(sub).map_or(0, |q| q.visible_count()),
            };
            total.saturating_sub(capacity(&layout, area, w, dense[sub][a]))
        });
    }

    // A fresh publish: every copy still at the topic, so the split is seen.
    for e in &recent {
        if e.reason != Reason::Published || now.saturating_since(e.at) > AT_TOPIC {
            continue;
        }
        let Some(msg) = e.message else { continue };
        for sub in 0..n {
            let id = msg * COPY_IDS + sub as u64;
            if let Some(t) = view.tokens.get_mut(&id) {
                let (x, y) = topic_spot(&layout, sub);
                t.x = x;
                t.y = y;
                loose.push(id);
            }
        }
    }
    mark_piles(&mut view.tokens, &loose);

    let propagation = m.filter_propagation();
    for (sub, s) in scenario.subscriptions.iter().enumerate() {
        let t = &totals.subscriptions[sub];
        // The policy set last, and how long its change still takes to reach every copy.
        let made = s.edits_made(now);
        let (policy, scope) = s.filter_version(made);
        let left = made
            .checked_sub(1)
            .map_or(SimDuration::ZERO, |k| (s.filter_edits[k].at() + propagation).saturating_since(now));
        let propagating = match left.as_micros() {
            0 => String::new(),
            us => format!("propagating: {} s left", us.div_ceil(1_000_000)),
        };
        let filter = filter_text(policy, scope == engine::sns::filter::FilterScope::MessageBody);
        let health = m.health_at(sub, now);
        let (_, _, w) = layout.cell(sub);
        let endpoint_line = match s.endpoint {
            EndpointKind::Sqs => {
                let q = m.queue(sub);
                let (visible, in_flight) = q.map_or((0, 0), |q| (q.visible_count(), q.in_flight_count()));
                format!("{visible} waiting · {in_flight} processing")
            }
            EndpointKind::Lambda => format!("{} invocations", t.delivered),
            EndpointKind::Http => format!("{} delivered", t.delivered),
        };
        view.columns.push(ColumnView {
            name: s.name.clone(),
            kind: s.endpoint.label(),
            endpoint_title: s.endpoint.label().to_owned(),
            endpoint_line2: match s.endpoint {
                EndpointKind::Sqs => text::count(s.consumers, "consumer", "consumers"),
                // Which delivery policy retries it: the subscription's wins over the topic's.
                EndpointKind::Http => {
                    let whose = match (s.delivery_policy, scenario.topic.delivery_policy) {
                        (Some(_), _) => "its own",
                        (None, Some(_)) => "topic's",
                        _ => "default",
                    };
                    let retries = s.retry_policy(&scenario.topic).num_retries;
                    format!("{}, {whose} policy", text::count(retries, "retry", "retries"))
                }
                EndpointKind::Lambda => String::new(),
            },
            filter_lines: {
                let chars = Layout::filter_chars(w);
                wrap_text(&filter, chars, chars, if propagating.is_empty() { 3 } else { 2 })
            },
            filter,
            propagating,
            health: health.label(),
            failing: matches!(health, engine::sns::Health::ServerErrors | engine::sns::Health::ClientErrors),
            counts: format!("{} matched · {} filtered", t.matched, t.filtered),
            endpoint_line,
            retrying: waiting[sub],
            dlq: s.dlq.then(|| m.dead_letter_queue(sub).map_or(0, |q| q.visible_count())),
            lost: t.lost,
            hidden: hidden[sub],
        });
    }
    view
}

/// In a pile of copies (filtered at a subscription, on a wire, or several publishes at the
/// topic's same spot) only the top one, drawn last (the highest id), keeps its label and badge:
/// the others show only their edge, so the pile reads as "many" without a jumble of text.
///
/// Only `loose` tokens (filtered, on a wire, at the topic) can pile: the others have grid slots.
fn mark_piles(tokens: &mut BTreeMap<u64, TokenView>, loose: &[u64]) {
    let pile = |t: &TokenView| match ["filtered", "wire"].into_iter().find(|k| t.class.contains(k)) {
        Some(kind) => (kind, t.id % COPY_IDS, 0),
        None => ("spot", t.x.round() as u64, t.y.round() as u64),
    };
    let mut loose = loose.to_vec();
    loose.sort_unstable();
    loose.dedup();
    let mut tops: BTreeMap<(&str, u64, u64), u64> = BTreeMap::new();
    for t in loose.iter().filter_map(|id| tokens.get(id)) {
        tops.insert(pile(t), t.id);
    }
    for &id in &loose {
        let Some(t) = tokens.get_mut(&id) else { continue };
        if tops.get(&pile(t)) != Some(&t.id) {
            t.class.push_str(" under");
        }
    }
}

fn queued_template(sim: &SnsSim, sub: usize, msg: u64) -> Option<Option<u32>> {
    let m = sim.model();
    let queues = [m.queue(sub), m.dead_letter_queue(sub)];
    queues
        .into_iter()
        .flatten()
        .flat_map(|q| q.messages())
        .find_map(|x| m.queued_copy(sub, x.id).filter(|c| c.message == msg).map(|c| c.template))
}

fn publisher_line(sim: &SnsSim) -> Vec<String> {
    let s = sim.model().scenario();
    let rate = super::knobs::rate(s).map_or_else(|| "a pattern".into(), |r| format!("{r} msg/s"));
    let kinds: Vec<&str> = s.messages.iter().map(|m| m.label.as_str()).collect();
    vec![format!("Publisher: {rate}"), format!("messages: {}", kinds.join(", "))]
}

/// A policy in one compact line: `filter order_type:[books]`.
pub fn filter_text(policy: Option<&str>, body: bool) -> String {
    let Some(text) = policy else {
        return "no filter policy: gets everything".into();
    };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.trim_start_matches('{').trim_end_matches('}').replace('"', "");
    let scope = if body { "body " } else { "" };
    format!("{scope}filter {compact}")
}

/// `text` in at most `lines` lines, the first at most `first` characters and the others at
/// most `rest`, broken after a space, comma or colon where one is near; the last line ends in
/// `…` when the text does not fit.
pub fn wrap_text(text: &str, first: usize, rest: usize, lines: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut left: Vec<char> = text.chars().collect();
    while !left.is_empty() && out.len() < lines {
        let max = if out.is_empty() { first } else { rest }.max(6);
        if left.len() <= max {
            out.push(left.iter().collect());
            left.clear();
            break;
        }
        if out.len() + 1 == lines {
            out.push(format!("{}…", left[..max - 1].iter().collect::<String>()));
            left.clear();
            break;
        }
        // Break after the last separator in the second half of the line, else hard.
        let cut = (max / 2..max).rev().find(|&i| matches!(left[i - 1], ' ' | ',' | ':')).unwrap_or(max);
        out.push(left[..cut].iter().collect::<String>().trim_end().to_owned());
        left.drain(..cut);
    }
    out
}

/// What to say about copies that failed for good since `announced` of `total` (dead-lettered or
/// lost): the latest by name and why, and how many more; `None` when there is nothing new.
pub fn failure_announcement(sim: &SnsSim, announced: u64, total: u64) -> Option<String> {
    let new = total.checked_sub(announced).filter(|&n| n > 0)?;
    let latest = sim.trace().recent().rev().find(|e| {
        matches!(e.reason, Reason::MovedToDlq | Reason::MessageLost)
            || e.reason == Reason::Delivered && e.note.is_some()
    });
    let what = match latest {
        Some(e) => engine::TraceRecord::describe(e),
        None => "A copy could not be delivered".to_string(),
    };
    Some(match new {
        1 => format!("{what}."),
        n => format!("{what}; {} more with it ({total} so far).", n - 1),
    })
}

/// Copies dead-lettered or lost so far.
pub fn failed_for_good(sim: &SnsSim) -> u64 {
    let t = sim.model().totals();
    t.sum(|s| s.dead_lettered) + t.sum(|s| s.lost)
}

/// The counters under the diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CounterView {
    /// Simulated seconds.
    pub now_secs: f64,
    /// The run's hash so far.
    pub hash: u64,
    /// Published.
    pub published: u64,
    /// Deduplicated.
    pub deduplicated: u64,
    /// Per subscription: name and counts.
    pub rows: Vec<(String, engine::sns::SubscriptionTotals)>,
}

impl CounterView {
    /// The totals a preset's caption can name: published, and the subscriptions' sums.
    pub fn caption_counters(&self) -> Vec<(&'static str, u64)> {
        let sum = |pick: fn(&engine::sns::SubscriptionTotals) -> u64| self.rows.iter().map(|(_, t)| pick(t)).sum();
        vec![
            ("published", self.published),
            ("delivered", sum(|t| t.delivered)),
            ("filtered", sum(|t| t.filtered)),
            ("retries", sum(|t| t.retries)),
            ("dead-lettered", sum(|t| t.dead_lettered)),
            ("lost", sum(|t| t.lost)),
            ("out of order", sum(|t| t.out_of_order)),
            ("by old policy", sum(|t| t.by_previous_policy)),
        ]
    }
}

/// The counters of the run.
pub fn counters(sim: &SnsSim) -> CounterView {
    let m = sim.model();
    let t = m.totals();
    CounterView {
        now_secs: sim.now().as_secs_f64(),
        hash: sim.trace_hash(),
        published: t.published,
        deduplicated: t.deduplicated,
        rows: m.scenario().subscriptions.iter().map(|s| s.name.clone()).zip(t.subscriptions.iter().cloned()).collect(),
    }
}

/// What the inspector shows for a selected copy.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    /// The message.
    pub message: u64,
    /// The subscription of the selected copy.
    pub subscription: String,
    /// Why the subscription's filter let it through or stopped it.
    pub decision: String,
    /// Every event of the message still in the recent-events window (all copies).
    pub steps: Vec<HistoryStep>,
    /// What the endpoint receives: the JSON envelope, or the raw body (none for a filtered copy).
    pub payload: Option<String>,
    /// Whether the subscription delivers raw.
    pub raw: bool,
    /// Older steps scrolled out of the window.
    pub truncated: bool,
}

/// The history of copy `id` (`message * 8 + subscription`).
pub fn history(sim: &SnsSim, id: u64) -> History {
    let m = sim.model();
    let (message, sub) = (id / COPY_IDS, (id % COPY_IDS) as usize);
    let steps: Vec<HistoryStep> =
        sim.trace().recent().filter(|e| e.message == Some(message)).map(HistoryStep::of).collect();
    let published_seen = sim.trace().recent().any(|e| e.message == Some(message) && e.reason == Reason::Published);
    let settings = m.scenario().subscriptions.get(sub);
    let filtered_out = sim.trace().recent().find(|e| {
        e.message == Some(message)
            && e.subscription.as_ref().is_some_and(|s| s.0 as usize == sub)
            && e.reason == Reason::FilteredOut
    });
    let published_at =
        sim.trace().recent().find(|e| e.message == Some(message) && e.reason == Reason::Published).map(|e| e.at);
    // Which policy decided: the one in force when it was published, or — while a change took
    // effect — the one before it.
    let previous = published_at.and_then(|at| m.decided_by_previous(sub, message, at));
    let in_force = settings.map(|s| s.filter_version(published_at.map_or(usize::MAX, |at| s.edits_made(at))));
    let decision = match (filtered_out, previous, in_force) {
        (Some(e), ..) => format!("Filtered out: {}", e.note.as_deref().unwrap_or("")),
        (None, Some(edit), _) => format!(
            "Sent: {PREVIOUS_POLICY} ({}), as the change at {:.1} s had not reached this copy yet.",
            filter_text(edit.before.as_deref(), edit.before_scope == engine::sns::filter::FilterScope::MessageBody),
            edit.at_s
        ),
        (None, None, Some((Some(_), _))) => "Its filter policy matched: the copy was sent.".into(),
        _ => "No filter policy: this subscription gets every message.".into(),
    };
    let template = sim
        .trace()
        .recent()
        .find(|e| e.message == Some(message))
        .map(|e| e.template)
        .or_else(|| m.deliveries().find(|d| d.message == message).map(|d| d.template))
        .or_else(|| queued_template(sim, sub, message));
    let published_at = published_at.unwrap_or(SimTime::ZERO);
    History {
        message,
        subscription: settings.map_or_else(String::new, |s| s.name.clone()),
        decision,
        steps,
        // A filtered copy is never sent: there is nothing the endpoint receives.
        payload: template.filter(|_| filtered_out.is_none()).and_then(|t| m.payload(sub, message, t, published_at)),
        raw: settings.is_some_and(|s| s.raw),
        truncated: !published_seen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(key: &str, secs: f64) -> SnsSim {
        let scenario = crate::scenes::preset::scenario_of(&crate::scenes::sns::presets::PRESETS, key);
        let mut sim = SnsSim::try_new(&scenario, 42).expect("valid");
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs_f64(secs));
        sim
    }

    #[test]
    fn filtered_copies_stop_at_their_subscription_and_say_why() {
        let sim = run("orders-by-type", 20.0);
        let view = diagram(&sim, 960.0);
        assert_eq!(view.columns.len(), 4);
        let filtered: Vec<_> = view.tokens.values().filter(|t| t.class.contains("filtered")).collect();
        assert!(!filtered.is_empty());
        for t in &filtered {
            let (x0, y0, w) = Layout::new(960.0, 4).cell((t.id % COPY_IDS) as usize);
            // On the top edge of its subscription box (a copy published in the last moment
            // still sits at the topic, above it).
            let at_topic = t.y < y0 - TOKEN_H;
            assert!(
                at_topic || (t.x >= x0 && t.x + SNS_TOKEN_W <= x0 + w && (t.y - (y0 - TOKEN_H / 2.0)).abs() <= 12.0),
                "inside its subscription box: {t:?}"
            );
            assert!(t.aria.contains("filtered out by") && t.aria.contains("failed"), "{}", t.aria);
        }
        let h = history(&sim, filtered[0].id);
        assert!(h.decision.starts_with("Filtered out:"), "{}", h.decision);
        assert!(h.steps.iter().any(|s| s.reason == "PUBLISHED"));
    }

    #[test]
    fn a_propagating_change_is_labelled_and_the_inspector_names_the_policy_that_decided() {
        let sim = run("filter-change", 45.0);
        let view = diagram(&sim, 390.0);
        let media = &view.columns[0];
        assert_eq!(media.propagating, "propagating: 45 s left");
        assert!(media.filter.contains("[books,electronics]"), "the new policy is shown: {}", media.filter);
        assert!(media.filter_lines.len() <= 2, "room for the label: {:?}", media.filter_lines);
        assert!(view.columns[1].propagating.is_empty(), "no change there");
        // Every copy published since the change: the inspector says which policy decided it.
        let published: Vec<_> =
            sim.trace().recent().filter(|e| e.reason == Reason::Published && e.at.as_secs_f64() > 30.0).collect();
        let mut said = [0, 0];
        for e in published {
            let msg = e.message.expect("an id");
            let h = history(&sim, msg * COPY_IDS);
            let previous = sim.model().decided_by_previous(0, msg, e.at).is_some();
            assert_eq!(h.decision.contains(PREVIOUS_POLICY), previous, "msg-{msg}: {}", h.decision);
            if previous {
                said[usize::from(h.decision.starts_with("Sent"))] += 1;
                assert!(h.decision.contains("30.0 s"), "{}", h.decision);
            }
        }
        assert!(said[0] > 0 && said[1] > 0, "copies stopped and sent by the previous policy: {said:?}");
        let later = diagram(&run("filter-change", 95.0), 390.0);
        assert!(later.columns[0].propagating.is_empty() && later.columns[0].filter_lines.len() <= 3);
    }

    #[test]
    fn retries_wait_under_the_subscription_and_dead_letters_sit_in_the_dlq() {
        let sim = run("http-down-dlq", 150.0);
        let view = diagram(&sim, 960.0);
        assert!(view.columns[0].failing && view.columns[0].dlq.is_some_and(|d| d > 0));
        let (_, y0, _) = Layout::new(960.0, view.columns.len()).cell(0);
        let l = Layout::new(960.0, view.columns.len());
        let backoff = |t: &&Token| t.class.contains("backoff") && t.y >= y0 + SUB_H && t.y < y0 + l.endpoint_dy();
        assert!(view.tokens.values().any(|t| backoff(&t)));
        assert!(view.tokens.values().any(|t| t.class.contains("dead") && t.y >= y0 + l.dlq_dy()));
        let dead = view.tokens.values().find(|t| t.class.contains("dead")).expect("a dead letter");
        let h = history(&sim, dead.id);
        assert!(h.payload.as_deref().is_some_and(|p| p.contains("\"Type\": \"Notification\"")), "{:?}", h.payload);
    }

    #[test]
    fn a_filtered_copy_says_why_and_offers_no_payload() {
        let sim = run("orders-by-type", 30.0);
        let e = sim.trace().recent().find(|e| e.reason == Reason::FilteredOut).expect("a filtered copy");
        let id = e.message.expect("a message") * COPY_IDS + e.subscription.as_ref().expect("a subscription").0 as u64;
        let h = history(&sim, id);
        assert!(h.decision.starts_with("Filtered out"), "{}", h.decision);
        assert_eq!(h.payload, None, "a filtered copy is never sent");
    }

    #[test]
    fn failures_are_announced_by_name_with_the_reason() {
        let sim = run("no-dlq-lost", 90.0);
        let failed = failed_for_good(&sim);
        assert!(failed > 2);
        let text = failure_announcement(&sim, failed - 3, failed).expect("three new");
        assert!(text.contains("lost") && text.contains("2 more with it"), "{text}");
        assert_eq!(failure_announcement(&sim, failed, failed), None);
    }

    #[test]
    fn every_token_stays_inside_the_diagram_and_tokens_do_not_overlap_in_a_grid() {
        for p in super::super::presets::PRESETS {
            let sim = run(p.key, 90.0);
            for width in [240.0, 360.0, 640.0, 960.0, 1400.0] {
                let view = diagram(&sim, width);
                let layout = Layout::new(width, view.columns.len());
                for t in view.tokens.values() {
                    assert!(
                        t.x >= 0.0 && t.x + SNS_TOKEN_W <= layout.w && t.y >= 0.0 && t.y + TOKEN_H <= layout.height(),
                        "{} at {width}: {t:?}",
                        p.key
                    );
                }
                let below_subs = |t: &&Token| {
                    (0..layout.n).any(|i| {
                        let (x0, y0, w) = layout.cell(i);
                        t.x >= x0 && t.x < x0 + w && t.y > y0 + SUB_H && t.y < y0 + layout.cell_h()
                    })
                };
                let grid: Vec<_> = view
                    .tokens
                    .values()
                    .filter(|t| below_subs(t) && !t.class.contains("wire") && !t.class.contains("filtered"))
                    .collect();
                for (i, a) in grid.iter().enumerate() {
                    for b in &grid[i + 1..] {
                        let (w, h) = (SNS_TOKEN_W * a.scale.min(b.scale), TOKEN_H * a.scale.min(b.scale));
                        assert!((a.x - b.x).abs() >= w || (a.y - b.y).abs() >= h, "{}: {a:?} overlaps {b:?}", p.key);
                    }
                }
            }
        }
    }

    #[test]
    fn filters_wrap_between_their_parts_and_say_when_cut() {
        let text = filter_text(Some(r#"{"order_type": ["books"], "amount": [{"numeric": [">", 100]}]}"#), false);
        assert_eq!(text, "filter order_type:[books],amount:[{numeric:[>,100]}]");
        let lines = wrap_text(&text, 24, 32, 3);
        assert_eq!(lines, ["filter order_type:", "[books],amount:[{numeric:[>,", "100]}]"]);
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""), "nothing is lost");
        let cut = wrap_text(&text, 10, 10, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…') && cut.iter().all(|l| l.chars().count() <= 10), "{cut:?}");
    }

    #[test]
    fn columns_never_overlap_and_wrap_into_rows_on_a_phone() {
        for n in 1..=8 {
            for w in (240..=1400).step_by(10) {
                let l = Layout::new(f64::from(w), n);
                for i in 0..n {
                    let (x0, y0, cw) = l.cell(i);
                    assert!(cw >= 170.0 || l.cols == 1, "{w} {n}: a column {cw} wide");
                    assert!(
                        x0 >= 0.0 && x0 + cw <= l.w - PAD + 1e-9 && y0 + l.cell_h() - ROW_GAP <= l.height(),
                        "{w} {n} {i}"
                    );
                    for j in 0..i {
                        let (x1, y1, _) = l.cell(j);
                        assert!(x0 >= x1 + cw - 1e-9 || y0 >= y1 + l.cell_h() - 1e-9, "{w} {n}: {i} overlaps {j}");
                    }
                }
            }
        }
        assert_eq!(Layout::new(360.0, 4).cols, 1);
        assert_eq!(Layout::new(960.0, 4).cols, 4);
        assert_eq!(Layout::new(745.0, 4).cols, 4, "four columns beside the desktop controls");
    }

    #[test]
    fn only_the_top_copy_of_a_pile_keeps_its_label() {
        let sim = run("body-filter", 30.0);
        let view = diagram(&sim, 960.0);
        let filtered: Vec<&Token> = view.tokens.values().filter(|t| t.class.contains("filtered")).collect();
        let subs: std::collections::BTreeSet<u64> = filtered.iter().map(|t| t.id % COPY_IDS).collect();
        assert!(filtered.len() > subs.len(), "a pile to look at: {filtered:?}");
        let labelled = filtered.iter().filter(|t| !t.class.contains("under")).count();
        assert_eq!(labelled, subs.len(), "one labelled copy per pile");
    }
}
