//! What one frame of the Kinesis diagram shows: the hash-key bar coloured by open shard with the
//! busiest keys on it, one lane per shard with its newest records and its write load against
//! the limit, the records a shard refused bouncing back to the producer, and the consumers.

use crate::components::NARROWEST;
use std::collections::BTreeMap;

use engine::kinesis::{ConsumerKind, KinesisSim, Reshard, ShardId, Skew, Updating};
use engine::{Reason, SimDuration, SimTime};

use crate::components::token_layer::{Token, TOKEN_H};

/// Outer padding.
pub const PAD: f64 = 10.0;
/// The producer box.
pub const PRODUCER_Y: f64 = 8.0;
/// Bar height.
pub const BAR_H: f64 = 20.0;
/// The most lanes drawn (open shards; closed ones are listed in the lineage strip).
pub const MAX_LANES: usize = 16;
/// Height of one line of the lineage strip.
pub const LINEAGE_LINE_H: f64 = 16.0;
/// Height of the stream's status line (ACTIVE, or UPDATING with the time left), above the lanes.
pub const STATUS_H: f64 = 24.0;
/// Record token width: room for a four-character label (`k123`, `×100`) in 11 px text.
pub const RECORD_W: f64 = 32.0;
/// Distance between record tokens of a lane, at full size.
const RECORD_STEP: f64 = RECORD_W + 3.0;
/// Width of a lane's name column on a wide diagram.
const LABEL_W: f64 = 214.0;
/// Width of a lane's load meter and its text on a wide diagram.
const METER_W: f64 = 150.0;
/// Height of a consumer box.
pub const CONSUMER_H: f64 = 50.0;
/// Narrowest consumer box before they wrap to more rows.
const CONSUMER_MIN_W: f64 = 190.0;

/// The diagram laid out for one width (one SVG unit per CSS pixel). Below 600 px a lane puts
/// its name and load above its records instead of beside them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// The diagram's width.
    pub w: f64,
    /// Whether lanes are stacked (name and load above the records).
    pub narrow: bool,
}

impl Layout {
    /// The layout for a diagram `width` CSS pixels wide (at least 280).
    pub fn new(width: f64) -> Layout {
        let w = if width.is_finite() { width.max(NARROWEST).floor() } else { NARROWEST };
        Layout { w, narrow: w < 600.0 }
    }

    /// Height of the producer box (its text takes two lines on a narrow diagram).
    pub fn producer_h(&self) -> f64 {
        if self.narrow {
            46.0
        } else {
            30.0
        }
    }

    /// Top of the row where refused records bounce, above the bar.
    pub fn refused_y(&self) -> f64 {
        PRODUCER_Y + self.producer_h() + 10.0
    }

    /// Top of the hash-key bar (its end labels sit just above it, under the refused records).
    pub fn bar_y(&self) -> f64 {
        self.refused_y() + 46.0
    }

    /// Left and right edges of the bar.
    pub fn bar_span(&self) -> (f64, f64) {
        (PAD, self.w - PAD)
    }

    /// The `x` of a hash key on the bar.
    pub fn bar_x(&self, hash: u128) -> f64 {
        let (x0, x1) = self.bar_span();
        x0 + (x1 - x0) * ((hash >> 64) as f64 / 18_446_744_073_709_551_616.0)
    }

    /// Height of one lane.
    pub fn lane_h(&self) -> f64 {
        if self.narrow {
            62.0
        } else {
            42.0
        }
    }

    /// The top of the stream's status line (under the key marks and their labels).
    pub fn status_y(&self) -> f64 {
        self.bar_y() + BAR_H + 40.0
    }

    /// The top of lane `i` (under the status line).
    pub fn lane_y(&self, i: usize) -> f64 {
        self.status_y() + STATUS_H + i as f64 * self.lane_h()
    }

    /// Left and right edges of the records of a lane.
    pub fn records_span(&self) -> (f64, f64) {
        match self.narrow {
            true => (PAD + 6.0, self.w - PAD - 6.0),
            false => (PAD + LABEL_W, self.w - PAD - METER_W - 10.0),
        }
    }

    /// Top of the records of lane `i`, drawn at `scale`.
    /// Half-size records go in two rows (`row` 0 or 1), full-size ones in one.
    pub fn record_y(&self, i: usize, scale: f64, row: usize) -> f64 {
        let h = crate::components::token_layer::TOKEN_H * scale;
        let rows = if scale < 1.0 { 2.0 } else { 1.0 };
        let block = rows * h + (rows - 1.0) * 1.0;
        let top = match self.narrow {
            true => self.lane_y(i) + 36.0 + (20.0 - block) / 2.0,
            false => self.lane_y(i) + (self.lane_h() - block) / 2.0,
        };
        top + row as f64 * (h + 1.0)
    }

    /// How many records a lane draws at `scale`.
    pub fn records_per_lane(&self, scale: f64) -> usize {
        let (x0, x1) = self.records_span();
        ((x1 - x0 - RECORD_W * scale) / (RECORD_STEP * scale)).floor().max(0.0) as usize + 1
    }

    /// A lane's meter: left edge, top and width.
    pub fn meter(&self, i: usize) -> (f64, f64, f64) {
        match self.narrow {
            true => (self.w - PAD - 76.0, self.lane_y(i) + 8.0, 68.0),
            false => (self.w - PAD - METER_W, self.lane_y(i) + 9.0, METER_W - 8.0),
        }
    }

    /// Characters of 11 px text that fit on one line across the diagram.
    pub fn line_chars(&self) -> usize {
        ((self.w - 2.0 * PAD) / 7.0).floor() as usize
    }

    /// The top of the lineage strip, under `lanes` lanes.
    pub fn lineage_y(&self, lanes: usize) -> f64 {
        self.lane_y(lanes) + 8.0
    }

    /// Consumer boxes per row, for `n` consumers.
    pub fn consumer_cols(&self, n: usize) -> usize {
        (((self.w - 2.0 * PAD) / CONSUMER_MIN_W).floor() as usize).clamp(1, n.max(1))
    }

    /// The consumers' area, under the lanes and `lineage_lines` lines of lineage.
    pub fn consumers_y(&self, lanes: usize, lineage_lines: usize) -> f64 {
        self.lineage_y(lanes) + lineage_lines as f64 * LINEAGE_LINE_H + 8.0
    }

    /// Consumer box `i` of `n`: left, top and width.
    pub fn consumer_box(&self, top: f64, i: usize, n: usize) -> (f64, f64, f64) {
        let cols = self.consumer_cols(n);
        let w = (self.w - 2.0 * PAD) / cols as f64;
        (PAD + (i % cols) as f64 * w, top + (i / cols) as f64 * (CONSUMER_H + 6.0), w)
    }
}

/// More lanes than this and records are drawn at half size.
const DENSE_OVER_LANES: usize = 8;
/// How long a shard glows after refusing a record (its limit is per second, so a hot shard
/// refuses in part of every second).
const GLOW: SimDuration = SimDuration::from_millis(1_200);
/// The most consumers drawn.
pub const MAX_CONSUMERS_DRAWN: usize = 8;
/// How long a refused record is drawn bouncing back.
const BOUNCE: SimDuration = SimDuration::from_millis(700);
/// Keys marked on the bar (the busiest).
const KEYS_MARKED: usize = 8;

/// One shard lane.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaneView {
    /// The shard's id number.
    pub id: u32,
    /// `shard 3`.
    pub name: String,
    /// `open`, or `closed → 4, 5`.
    pub state: String,
    /// Whether it takes writes.
    pub open: bool,
    /// Share of the hash space, as text.
    pub range: String,
    /// Records written over the last second (sliding), over the 1,000 limit (0–1+).
    pub records_load: f64,
    /// Bytes written over the last second (sliding), over the 1 MiB limit.
    pub bytes_load: f64,
    /// Whether it refused a record in the last second.
    pub throttling: bool,
    /// Whether the resharding under way closes it (the stream is UPDATING).
    pub closing: bool,
    /// `812 rec/s · 0.8 MiB/s`.
    pub load_text: String,
    /// Records retained.
    pub retained: u64,
    /// The newest sequence number's last digits, if any was written.
    pub last_seq: String,
}

/// One segment of the hash-key bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Left edge.
    pub x: f64,
    /// Width.
    pub w: f64,
    /// Colour class.
    pub class: String,
    /// Its shard's label, if there is room.
    pub label: String,
}

/// A key marked on the bar.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyMark {
    /// Where its hash key is.
    pub x: f64,
    /// Line height, by share.
    pub h: f64,
    /// `key-0 70%`, or empty when it would overlap a busier key's label.
    pub label: String,
    /// Where the label starts.
    pub label_x: f64,
}

/// About how wide a key label (11 px) is drawn, in CSS pixels per character.
const KEY_LABEL_CHAR_W: f64 = 6.8;

/// One consumer box.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConsumerView {
    /// `Polling 1`, `EFO 2`.
    pub name: String,
    /// Read and lag.
    pub line: String,
    /// Throttles and order, if any.
    pub line2: String,
    /// Whether it is behind by more than 2 s or throttled.
    pub struggling: bool,
}

/// The stream's status line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusView {
    /// `Stream ACTIVE`, or `Stream UPDATING · SplitShard of shard 2 · 28 s left · …`.
    pub text: String,
    /// Whether a resharding is under way.
    pub updating: bool,
    /// How much of the UPDATING period has passed, 0–1.
    pub progress: f64,
}

/// The whole diagram for one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiagramView {
    /// The stream's status: ACTIVE, or UPDATING (a resharding under way) with the time left.
    pub status: StatusView,
    /// Where the resharding under way puts new boundaries on the bar (dashed marks).
    pub pending: Vec<f64>,
    /// What the producer sends, in two parts (one line on a wide diagram, two on a narrow one).
    pub producer_line: Vec<String>,
    /// Hash bar segments (open shards).
    pub segments: Vec<Segment>,
    /// The busiest keys on the bar.
    pub keys: Vec<KeyMark>,
    /// Lanes: the open shards in hash-key order.
    pub lanes: Vec<LaneView>,
    /// Open shards not drawn.
    pub lanes_hidden: usize,
    /// Every open shard's id, in hash-key order: neighbours in this list are adjacent.
    pub open_ids: Vec<u32>,
    /// The closed shards and what they were split or merged into, as lines of text.
    pub lineage: Vec<String>,
    /// Consumers.
    pub consumers: Vec<ConsumerView>,
    /// Records and bounces.
    pub tokens: BTreeMap<u64, Token>,
    /// The diagram's height.
    pub height: f64,
}

/// The open shard `MergeShards` accepts as `AdjacentShardToMerge` for `shard`: the next one in
/// hash-key order (AWS refuses the inverted pair, as kinesalite's tests record).
pub fn adjacent_open(open_ids: &[u32], shard: u32) -> Option<u32> {
    let i = open_ids.iter().position(|&id| id == shard)?;
    open_ids.get(i + 1).copied()
}

/// `first` then `items` joined with ` · `, in lines of at most about `width` characters.
fn wrap_items(first: &str, items: &[String], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for item in items {
        if !empty && line.chars().count() + 3 + item.chars().count() > width {
            lines.push(std::mem::take(&mut line));
            empty = true;
        }
        if !empty {
            line.push_str(" · ");
        }
        line.push_str(item);
        empty = false;
    }
    lines.push(line);
    lines
}

fn colour(id: u32) -> String {
    format!("shard-colour-{}", id % 6)
}

/// The scene's snapshot of the run, laid out by `layout`.
pub fn diagram(sim: &KinesisSim, layout: &Layout) -> DiagramView {
    let m = sim.model();
    let s = m.scenario();
    let now = sim.now();
    let stream = m.stream();
    let p = &s.producer;
    let skew = match p.skew {
        Skew::Uniform => "uniform keys".to_owned(),
        Skew::Zipf { exponent } => format!("Zipf keys (exponent {exponent})"),
        Skew::HotKey { share } => format!("one hot key ({:.0}%)", share * 100.0),
    };
    let routing = if p.explicit_hash_keys { "ExplicitHashKey" } else { "MD5 routing" };
    let mut view = DiagramView {
        producer_line: vec![
            format!("Producer: {} records/s of {} B", crate::scenes::knob::format_value(p.rate_per_s), p.record_bytes),
            format!("{} keys · {skew} · {routing}", p.keys),
        ],
        ..DiagramView::default()
    };
    for shard in stream.open_shards() {
        let (x, x1) = (layout.bar_x(shard.start), layout.bar_x(shard.end));
        let w = (x1 - x).max(1.0);
        let label = format!("shard {}", shard.id.0);
        let label = if w > label.len() as f64 * KEY_LABEL_CHAR_W + 8.0 { label } else { String::new() };
        view.segments.push(Segment { x, w, class: colour(shard.id.0), label });
    }
    let updating = stream.updating();
    view.status = status_line(updating, now, layout);
    if let Some(u) = updating {
        let now_starts: Vec<u128> = stream.open_shards().iter().map(|s| s.start).collect();
        view.pending = u
            .ranges_after
            .iter()
            .map(|r| r.0)
            .filter(|&start| start > 0 && !now_starts.contains(&start))
            .map(|start| layout.bar_x(start))
            .collect();
    }
    // The busiest keys, marked where they hash.
    let keys = m.busiest_keys();
    let top = keys.first().map_or(1.0, |k| k.1).max(1e-9);
    // Busiest first: a label that would overlap a busier key's is left off (its mark stays).
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for &(k, share) in keys.iter().take(KEYS_MARKED) {
        let Some(hash) = m.key_hash(k) else { continue };
        let x = layout.bar_x(hash);
        let mut label = if share >= 0.05 { format!("key-{k} {:.0}%", share * 100.0) } else { String::new() };
        let label_w = label.chars().count() as f64 * KEY_LABEL_CHAR_W;
        let label_x = (x + 3.0).min(layout.w - PAD - label_w).max(PAD);
        let span = (label_x, label_x + label.chars().count() as f64 * KEY_LABEL_CHAR_W);
        if !label.is_empty() {
            if placed.iter().any(|&(a, b)| span.0 < b + 4.0 && a < span.1 + 4.0) {
                label.clear();
            } else {
                placed.push(span);
            }
        }
        view.keys.push(KeyMark { x, h: 6.0 + 16.0 * share / top, label, label_x });
    }

    // (shard, key, still bouncing) of the recent refused writes, oldest first.
    let recent_throttles: Vec<(ShardId, Option<u32>, bool)> = sim
        .trace()
        .recent()
        .filter(|e| e.reason == Reason::Throttled && e.consumer.is_none() && now.saturating_since(e.at) <= GLOW)
        .filter_map(|e| e.shard.map(|s| (s, e.key, now.saturating_since(e.at) <= BOUNCE)))
        .collect();
    // Open shards get lanes, in hash-key order like the bar; closed ones (they take no writes)
    // are summarised with what replaced them, so a long resharding history never hides the
    // shards that matter.
    let open = stream.open_shards();
    view.open_ids = open.iter().map(|s| s.id.0).collect();
    let children_of = |id: ShardId| -> Vec<String> {
        stream
            .shards()
            .filter(|c| c.parent == Some(id) || c.adjacent_parent == Some(id))
            .map(|c| c.id.0.to_string())
            .collect()
    };
    let closed: Vec<String> = stream
        .shards()
        .filter(|s| !s.is_open())
        .map(|s| match children_of(s.id).as_slice() {
            [] => format!("shard {}", s.id.0),
            children => format!("shard {} → {}", s.id.0, children.join(", ")),
        })
        .collect();
    view.lanes_hidden = open.len().saturating_sub(MAX_LANES);
    if view.lanes_hidden > 0 {
        view.lineage.push(format!("+{} more open shards not drawn (the reshard pickers list them)", view.lanes_hidden));
    }
    if !closed.is_empty() {
        view.lineage.extend(wrap_items("Closed (readable, no writes): ", &closed, layout.line_chars()));
    }
    let dense = open.len() > DENSE_OVER_LANES;
    let scale = if dense { 0.5 } else { 1.0 };
    // Half size, a lane holds two rows of records.
    let per_row = layout.records_per_lane(scale);
    let per_lane = if dense { 2 * per_row } else { per_row };
    let step = RECORD_STEP * scale;
    let records_x1 = layout.records_span().1;
    for (i, shard) in open.iter().take(MAX_LANES).enumerate() {
        let records = shard.write_load(now).1;
        let (bytes_rate, records_rate) = shard.write_rate(now);
        let throttling = recent_throttles.iter().any(|t| t.0 == shard.id)
            || m.totals().per_shard.get(&shard.id).is_some_and(|t| t.1 > 0) && records >= 1_000;
        let closing = updating.is_some_and(|u| u.closing.contains(&shard.id));
        let state = match (closing, shard.parent) {
            (true, _) => {
                let left = updating.map_or(0, |u| u.until.saturating_since(now).as_micros().div_ceil(1_000_000));
                format!("open, closes in {left} s")
            }
            (false, Some(parent)) => match shard.adjacent_parent {
                Some(adjacent) => format!("open, from {} + {}", parent.0, adjacent.0),
                None => format!("open, from {}", parent.0),
            },
            (false, None) => "open".to_owned(),
        };
        let width = (shard.end - shard.start) as f64 / u128::MAX as f64;
        view.lanes.push(LaneView {
            id: shard.id.0,
            name: format!("shard {}", shard.id.0),
            state,
            open: shard.is_open(),
            range: format!("{:.1}% of keys", width * 100.0),
            records_load: records_rate / 1_000.0,
            bytes_load: bytes_rate / f64::from(1u32 << 20),
            throttling,
            closing,
            load_text: format!("{records_rate:.0} rec/s · {:.2} MiB/s", bytes_rate / f64::from(1u32 << 20)),
            retained: shard.retained_count(),
            last_seq: match shard.last_seq() {
                0 => String::new(),
                n => format!("seq …{:06}", n % 1_000_000),
            },
        });
        // The newest records, newest at the right end of the lane.
        // A busy lane replaces most of its records every frame: its tokens are then kept by
        // position (relabelled in place, no DOM churn) instead of by record (gliding along).
        let busy = dense || records > 100;
        let class = format!("sqs-token kin-record {}{}", colour(shard.id.0), if dense { " dense" } else { "" });
        for (k, r) in shard.records().iter().rev().take(per_lane).enumerate() {
            let id = match busy {
                true => 1 << 61 | u64::from(shard.id.0) << 16 | k as u64,
                false => u64::from(shard.id.0) << 48 | (r.seq & 0xffff_ffff_ffff),
            };
            let key = (r.tag != engine::kinesis::MIXED_KEYS).then_some((r.tag >> 32) as u32);
            // A half-size record shows no text; a label that does not fit (key-1234) is left off
            // rather than cut to a wrong key (the accessible name has it).
            let label = match (dense, key, r.count) {
                (true, ..) => String::new(),
                (false, Some(k), _) => format!("k{k}"),
                (false, None, n) => format!("×{n}"),
            };
            let label = if label.chars().count() <= 4 { label } else { String::new() };
            let aria = match key {
                Some(k) => format!("key-{k}, sequence number {}, in shard {}", r.seq, shard.id.0),
                None => format!("{} records from many keys, in shard {}", r.count, shard.id.0),
            };
            view.tokens.insert(
                id,
                Token {
                    id,
                    x: records_x1 - RECORD_W * scale - (k % per_row) as f64 * step,
                    y: layout.record_y(i, scale, k / per_row),
                    scale,
                    label,
                    class: class.clone(),
                    badge: 0,
                    bar_w: 0.0,
                    aria,
                },
            );
        }
    }
    // Refused records bounce back to the producer, side by side above their shard's part of the
    // bar (the newest first), as many as fit there.
    let mut per_shard: BTreeMap<ShardId, usize> = BTreeMap::new();
    for (shard, key, _) in recent_throttles.iter().filter(|t| t.2).rev() {
        let Some(s) = stream.shard(*shard) else { continue };
        let n = per_shard.entry(*shard).or_default();
        let (x0, x1) = (layout.bar_x(s.start), layout.bar_x(s.end));
        let fits = (((x1 - x0 + 3.0) / RECORD_STEP).floor() as usize).clamp(1, 6);
        if *n >= fits {
            continue;
        }
        let x = (x0 + *n as f64 * RECORD_STEP).min(layout.w - PAD - RECORD_W);
        // One token per place (shard and position), relabelled as refusals come: a new token
        // for every refusal (hundreds a second) rebuilt its SVG nodes every frame.
        let id = 1 << 62 | u64::from(shard.0) << 8 | *n as u64;
        *n += 1;
        let label = key.map_or_else(String::new, |k| format!("k{k}"));
        let aria = format!("a record refused by shard {}: over its write limit", shard.0);
        view.tokens.insert(
            id,
            Token {
                id,
                x,
                y: layout.refused_y(),
                scale: 1.0,
                label,
                class: "sqs-token kin-refused".into(),
                badge: 0,
                bar_w: 0.0,
                aria,
            },
        );
    }
    let polling = s.consumers.polling;
    for (i, c) in m.consumers().iter().take(MAX_CONSUMERS_DRAWN).enumerate() {
        let name = match c.kind {
            ConsumerKind::Polling => format!("Polling {} · pulls", i + 1),
            ConsumerKind::Enhanced => format!("EFO {} · pushed to", i as u32 + 1 - polling),
        };
        let line = format!("read {} · behind {:.1} s", c.read, c.millis_behind as f64 / 1_000.0);
        let mut trouble = Vec::new();
        if c.throttled > 0 {
            trouble.push(format!("throttled {}", c.throttled));
        }
        if c.out_of_order > 0 {
            trouble.push(format!("out of order {}", c.out_of_order));
        }
        let struggling = c.millis_behind > 2_000 || c.throttled > 0;
        view.consumers.push(ConsumerView { name, line, line2: trouble.join(" · "), struggling });
    }
    let n = view.consumers.len();
    let rows = n.div_ceil(layout.consumer_cols(n)) as f64;
    view.height = layout.consumers_y(view.lanes.len(), view.lineage.len()) + rows * (CONSUMER_H + 6.0) + 4.0;
    view
}

/// The stream's status line at `now`: ACTIVE, or UPDATING with the resharding under way, the time
/// left and, if it fits on one line, what UPDATING means.
pub fn status_line(updating: Option<&Updating>, now: SimTime, layout: &Layout) -> StatusView {
    let Some(u) = updating else {
        return StatusView { text: "Stream ACTIVE".into(), updating: false, progress: 0.0 };
    };
    let (what, short) = match &u.action {
        Reshard::Split { shard, .. } => (format!("SplitShard of shard {shard}"), format!("SplitShard {shard}")),
        Reshard::Merge { shard, adjacent } => {
            (format!("MergeShards of shards {shard} + {adjacent}"), format!("MergeShards {shard}+{adjacent}"))
        }
        Reshard::UpdateShardCount { target } => {
            (format!("UpdateShardCount to {target}"), format!("UpdateShardCount {target}"))
        }
    };
    let left = u.until.saturating_since(now).as_micros().div_ceil(1_000_000);
    let full = format!("Stream UPDATING · {what} · {left} s left");
    // The longest that fits on one line: what UPDATING means, then shorter words; the time left always.
    let text = [
        format!("{full} · the old shards take the writes until then; another resharding call is refused"),
        full,
        format!("UPDATING · {short} · {left} s left"),
    ]
    .into_iter()
    .find(|t| t.chars().count() <= layout.line_chars())
    .unwrap_or_else(|| format!("UPDATING · {left} s left"));
    let total = u.until.saturating_since(u.since).as_micros().max(1) as f64;
    let progress = (now.saturating_since(u.since).as_micros() as f64 / total).clamp(0.0, 1.0);
    StatusView { text, updating: true, progress }
}

/// How long a read is drawn travelling from its shard down to its consumer.
const READ_TRAVEL: SimDuration = SimDuration::from_millis(500);

/// Adds the consumers' reads to `view` (made by [`diagram`] with the same `layout`): tokens
/// travelling from a shard's newest records down to the consumer that read them. A polling
/// consumer pulls (GetRecords) from every shard once per poll interval, the consumers taking
/// turns, and a pull the shard's shared read limit refuses comes down red and empty; enhanced
/// fan-out pushes to each of its consumers every 140 ms, a steady stream. Only for readers who
/// did not ask for reduced motion: standing still, the tokens would cover the lanes' labels.
pub fn add_reads(sim: &KinesisSim, layout: &Layout, view: &mut DiagramView) {
    let m = sim.model();
    let now = sim.now();
    let top = layout.consumers_y(view.lanes.len(), view.lineage.len());
    let n = view.consumers.len();
    let x1 = layout.records_span().1;
    let trace = sim.trace();
    let (total, len) = (trace.count(), trace.recent().len());
    for (i, e) in trace.recent().enumerate().rev() {
        let age = now.saturating_since(e.at);
        if age > READ_TRAVEL {
            break;
        }
        let (Some(c), Some(shard)) = (e.consumer.map(|c| c as usize), e.shard) else { continue };
        if c >= n || !matches!(e.reason, Reason::Received | Reason::Throttled) {
            continue;
        }
        let Some(lane) = view.lanes.iter().position(|l| l.id == shard.0) else { continue };
        let (bx, by, bw) = layout.consumer_box(top, c, n);
        let from = (x1 - RECORD_W, layout.record_y(lane, 1.0, 0));
        let to = (bx + bw / 2.0 - RECORD_W / 2.0, by - TOKEN_H / 2.0);
        // Eased: quick off the shard, slowing into the consumer.
        let t = age.as_micros() as f64 / READ_TRAVEL.as_micros() as f64;
        let f = 1.0 - (1.0 - t) * (1.0 - t);
        let who = view.consumers[c].name.split(" · ").next().unwrap_or_default().to_string();
        let pulls = m.consumers().get(c).is_some_and(|c| c.kind == ConsumerKind::Polling);
        let (label, class, aria) = match e.reason {
            Reason::Throttled => (
                "✕".to_string(),
                "sqs-token kin-read throttled",
                format!("{who}: GetRecords on shard {} refused: the polling consumers share 5 calls and 2 MiB a second per shard", shard.0),
            ),
            _ => (
                match e.count {
                    n if n >= 10_000 => format!("{}k", n / 1_000),
                    n => n.to_string(),
                },
                if pulls { "sqs-token kin-read pulled" } else { "sqs-token kin-read pushed" },
                format!(
                    "{who}: {} from shard {} ({})",
                    engine::text::count(e.count, "record", "records"),
                    shard.0,
                    if pulls { "GetRecords" } else { "pushed by enhanced fan-out" }
                ),
            ),
        };
        let id = 1 << 60 | total.saturating_sub((len - i) as u64);
        view.tokens.insert(
            id,
            Token {
                id,
                x: from.0 + (to.0 - from.0) * f,
                y: from.1 + (to.1 - from.1) * f,
                scale: 1.0,
                label,
                class: class.into(),
                badge: 0,
                bar_w: 0.0,
                aria,
            },
        );
    }
}

/// What the capacity helper says: how many shards this workload needs, and why.
pub fn capacity_advice(sim: &KinesisSim) -> String {
    let m = sim.model();
    let s = m.scenario();
    let p = &s.producer;
    let record = p.record_bytes as f64 + 7.0;
    let write_kib = p.rate_per_s * record / 1_024.0;
    let polling = f64::from(s.consumers.polling);
    let by_bytes = (write_kib / 1_024.0).ceil();
    let by_records = (p.rate_per_s / 1_000.0).ceil();
    let by_reads = (write_kib * polling / 2_048.0).ceil();
    let need = by_bytes.max(by_records).max(by_reads).max(1.0);
    let open = m.stream().open_shards().len();
    let mut text = format!(
        "This workload writes {:.0} records/s and {:.0} KiB/s{}. It needs at least {need:.0} shard{} ({by_records:.0} for 1,000 records/s each, {by_bytes:.0} for 1 MiB/s each{}); the stream has {open} open.",
        p.rate_per_s,
        write_kib,
        if polling > 0.0 { format!(", read by {polling:.0} polling consumer{}", if polling == 1.0 { "" } else { "s" }) } else { String::new() },
        if need == 1.0 { "" } else { "s" },
        if polling > 0.0 { format!(", {by_reads:.0} for the 2 MiB/s of shared reads") } else { String::new() },
    );
    let hottest = m.busiest_keys().first().map_or(0.0, |k| k.1) * p.rate_per_s;
    if hottest > 1_000.0 {
        text.push_str(&format!(
            " The busiest key alone writes {hottest:.0} records/s: more than one shard takes, however many shards there are — every record of a key goes to the same shard."
        ));
    } else if polling > 0.0 && s.consumers.poll_interval_ms < 1_000.0 * polling / 5.0 {
        text.push_str(
            " The polling consumers call each shard more than 5 times a second together: expect throttled reads.",
        );
    }
    text
}

/// The counters under the diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CounterView {
    /// Simulated seconds.
    pub now_secs: f64,
    /// Run hash.
    pub hash: u64,
    /// `(label, value)` pairs.
    pub counters: Vec<(&'static str, u64)>,
}

/// The counters of the run.
pub fn counters(sim: &KinesisSim) -> CounterView {
    let m = sim.model();
    let t = m.totals();
    let c = m.consumers();
    CounterView {
        now_secs: sim.now().as_secs_f64(),
        hash: sim.trace_hash(),
        counters: vec![
            ("written", t.written),
            ("throttled", t.throttled),
            ("retries", t.retries),
            ("gave up", t.gave_up),
            ("duplicates written", t.duplicates_written),
            ("open shards", m.stream().open_shards().len() as u64),
            ("reshards refused", t.reshards_refused),
            ("read throttled", c.iter().map(|c| c.throttled).sum()),
            ("out of order", c.iter().map(|c| c.out_of_order).sum()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::kinesis::ScheduledReshard;

    /// A desktop-wide diagram.
    const WIDE: Layout = Layout { w: 760.0, narrow: false };

    fn run(key: &str, secs: u64) -> KinesisSim {
        let s = crate::scenes::preset::scenario_of(&crate::scenes::kinesis::presets::PRESETS, key);
        let mut sim = KinesisSim::try_new(&s, 42).expect("valid");
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(secs));
        sim
    }

    #[test]
    fn reads_travel_from_their_shard_down_to_their_consumer() {
        for (key, class) in [("polling-consumers", "pulled"), ("enhanced-fan-out", "pushed")] {
            // Pushes come every 140 ms; pulls once a poll interval, so look over a few instants.
            let mut seen = false;
            for ms in (10_000..12_000).step_by(100) {
                let mut sim = run(key, 0);
                sim.run_until_done(SimTime::ZERO + SimDuration::from_millis(ms));
                let mut view = diagram(&sim, &WIDE);
                let before = view.tokens.len();
                add_reads(&sim, &WIDE, &mut view);
                let reads: Vec<&Token> = view.tokens.values().filter(|t| t.class.contains("kin-read")).collect();
                assert_eq!(view.tokens.len() - before, reads.len(), "{key}: reads replace no other token");
                let bottom = view.height - CONSUMER_H;
                for t in &reads {
                    assert!(t.class.contains(class) || t.class.contains("throttled"), "{key}: {}", t.class);
                    // Between the first lane and the consumers' boxes, inside the diagram.
                    assert!(t.y >= WIDE.lane_y(0) - 1.0 && t.y < bottom, "{key}: {t:?}");
                    assert!(t.x >= 0.0 && t.x + RECORD_W <= WIDE.w, "{key}: {t:?}");
                    assert!(t.aria.contains("from shard") || t.aria.contains("refused"), "{}", t.aria);
                }
                seen |= reads.iter().any(|t| t.class.contains(class));
            }
            assert!(seen, "{key}: no {class} read drawn");
        }
    }

    #[test]
    fn the_hot_shard_glows_and_its_refused_records_bounce() {
        let sim = run("hot-key", 12);
        let view = diagram(&sim, &WIDE);
        assert_eq!(view.lanes.iter().filter(|l| l.throttling).count(), 1, "{:?}", view.lanes);
        assert!(view.tokens.values().any(|t| t.class.contains("kin-refused")));
        assert!(view.keys.first().is_some_and(|k| k.label.starts_with("key-0 70%")));
        let advice = capacity_advice(&sim);
        assert!(advice.contains("busiest key alone writes 1400 records/s"), "{advice}");
    }

    #[test]
    fn an_updating_stream_shows_its_status_the_time_left_and_the_lanes_it_will_close() {
        // The preset splits shard 2 at 10 s; the stream is UPDATING until 40 s.
        let sim = run("split-hot-shard", 22);
        let view = diagram(&sim, &WIDE);
        assert!(view.status.updating);
        assert!(
            view.status.text.starts_with("Stream UPDATING · SplitShard of shard 2 · 18 s left"),
            "{}",
            view.status.text
        );
        assert!((view.status.progress - 0.4).abs() < 0.01, "{}", view.status.progress);
        assert_eq!(view.lanes.len(), 4, "nothing is split yet");
        let closing: Vec<(u32, &str)> =
            view.lanes.iter().filter(|l| l.closing).map(|l| (l.id, l.state.as_str())).collect();
        assert_eq!(closing, [(2, "open, closes in 18 s")]);
        assert_eq!(view.pending.len(), 1, "one new boundary, inside shard 2's part of the bar");
        let two = view.segments.iter().find(|s| s.class == colour(2)).expect("shard 2");
        assert!(view.pending[0] > two.x && view.pending[0] < two.x + two.w);
        // The status line is a line of its own: no lane or token is drawn over it.
        assert!(view.status.text.chars().count() <= WIDE.line_chars());
        assert!(view.tokens.values().all(|t| t.y >= WIDE.status_y() + STATUS_H || t.y + TOKEN_H <= WIDE.status_y()));
        // On a phone the explanation is left off, the time left is not.
        let phone = Layout::new(360.0);
        let narrow = status_line(sim.model().stream().updating(), sim.now(), &phone);
        assert_eq!(narrow.text, "UPDATING · SplitShard 2 · 18 s left");
        for w in [240.0, 320.0, 360.0, 599.0] {
            let layout = Layout::new(w);
            let line = status_line(sim.model().stream().updating(), sim.now(), &layout).text;
            assert!(line.chars().count() <= layout.line_chars() && line.contains("18 s left"), "{w}: {line}");
        }
        // Once ACTIVE again: five lanes, no marks.
        let view = diagram(&run("split-hot-shard", 41), &WIDE);
        assert_eq!((view.status.text.as_str(), view.status.updating), ("Stream ACTIVE", false));
        assert!(view.pending.is_empty() && view.lanes.iter().all(|l| !l.closing));
    }

    #[test]
    fn a_split_shows_the_closed_parent_with_its_children_and_the_bar_follows() {
        let sim = run("split-hot-shard", 45);
        let view = diagram(&sim, &WIDE);
        assert_eq!(view.segments.len(), 5);
        assert!(view.lanes.iter().all(|l| l.open), "only open shards get lanes: {:?}", view.lanes);
        assert_eq!(view.lanes.iter().filter(|l| l.state == "open, from 2").count(), 2, "{:?}", view.lanes);
        assert_eq!(view.lineage, ["Closed (readable, no writes): shard 2 → 4, 5"]);
        let total: f64 = view.segments.iter().map(|s| s.w).sum();
        let (x0, x1) = WIDE.bar_span();
        assert!((total - (x1 - x0)).abs() < 6.0, "the open shards cover the bar: {total}");
    }

    /// Two splits and a rescale leave more than 16 shards in the history: every open shard still
    /// gets its lane and is offered by the pickers, and a merge offers only the next shard.
    #[test]
    fn a_long_resharding_history_keeps_the_open_shards_in_view() {
        let mut s = crate::scenes::preset::scenario_of(&crate::scenes::kinesis::presets::PRESETS, "split-hot-shard");
        // Each waits until the stream is ACTIVE again: 4.7 + 30 s, 40 + 30 s, 75 + 60.5 s.
        s.reshards[0].at_s = 40.0;
        s.reshards.insert(0, ScheduledReshard { at_s: 4.7, action: Reshard::Split { shard: 0, at_key: None } });
        s.reshards.push(ScheduledReshard { at_s: 75.0, action: Reshard::UpdateShardCount { target: 8 } });
        assert!(s.reshard_plan().iter().all(|p| p.outcome.is_ok()), "{:?}", s.reshard_plan());
        let mut sim = KinesisSim::try_new(&s, 42).expect("valid");
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(140));
        let stream = sim.model().stream();
        assert!(stream.shards().count() > MAX_LANES, "the history has {} shards", stream.shards().count());
        let view = diagram(&sim, &WIDE);
        assert_eq!(view.lanes.len(), 8);
        assert!(view.lanes.iter().all(|l| l.open));
        assert_eq!(view.lanes_hidden, 0);
        let open: Vec<u32> = stream.open_shards().iter().map(|s| s.id.0).collect();
        assert_eq!(view.open_ids, open);
        assert_eq!(view.lanes.iter().map(|l| l.id).collect::<Vec<_>>(), open);
        assert!(!view.lineage.is_empty() && view.lineage.iter().all(|l| l.chars().count() <= WIDE.line_chars()));
        let closed = stream.shards().filter(|s| !s.is_open()).count();
        assert_eq!(view.lineage.join(" ").matches("shard ").count(), closed, "{:?}", view.lineage);
        assert_eq!(adjacent_open(&open, open[0]), Some(open[1]));
        assert_eq!(adjacent_open(&open, open[7]), None);
        assert_eq!(adjacent_open(&open, 999), None);
    }

    #[test]
    fn key_labels_never_overlap() {
        for p in &crate::scenes::kinesis::presets::PRESETS {
            let view = diagram(&run(p.key, 5), &WIDE);
            let spans: Vec<(f64, f64)> = view
                .keys
                .iter()
                .filter(|k| !k.label.is_empty())
                .map(|k| (k.label_x, k.label_x + k.label.chars().count() as f64 * KEY_LABEL_CHAR_W))
                .collect();
            for (i, a) in spans.iter().enumerate() {
                for b in &spans[i + 1..] {
                    assert!(a.1 <= b.0 || b.1 <= a.0, "{}: {a:?} overlaps {b:?}", p.key);
                }
            }
        }
        let mut s = crate::scenes::preset::scenario_of(&crate::scenes::kinesis::presets::PRESETS, "hot-key");
        s.producer.skew = engine::kinesis::Skew::Zipf { exponent: 1.2 };
        let view = diagram(
            &{
                let mut sim = KinesisSim::try_new(&s, 42).expect("valid");
                sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(5));
                sim
            },
            &WIDE,
        );
        let labelled: Vec<&KeyMark> = view.keys.iter().filter(|k| !k.label.is_empty()).collect();
        assert!(labelled.len() >= 2, "several busy keys keep their labels: {:?}", view.keys);
        for (i, a) in labelled.iter().enumerate() {
            for b in &labelled[i + 1..] {
                let (wa, wb) = (a.label.chars().count() as f64, b.label.chars().count() as f64);
                let apart =
                    a.label_x + wa * KEY_LABEL_CHAR_W <= b.label_x || b.label_x + wb * KEY_LABEL_CHAR_W <= a.label_x;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn lineage_lines_wrap_between_items() {
        let items: Vec<String> = (0..6).map(|i| format!("shard {i} → {}, {}", 2 * i + 6, 2 * i + 7)).collect();
        let lines = wrap_items("Closed: ", &items, 40);
        assert_eq!(lines[0], "Closed: shard 0 → 6, 7 · shard 1 → 8, 9");
        assert_eq!(lines[1], "shard 2 → 10, 11 · shard 3 → 12, 13");
        assert_eq!(lines.join(" · ").matches("shard").count(), 6);
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
    }

    #[test]
    fn tokens_stay_inside_the_diagram_at_every_width() {
        for p in &crate::scenes::kinesis::presets::PRESETS {
            let sim = run(p.key, 30);
            for layout in [240.0, 360.0, 599.0, 600.0, 760.0, 1200.0].map(Layout::new) {
                let view = diagram(&sim, &layout);
                for t in view.tokens.values() {
                    let inside = t.x >= 0.0 && t.x + RECORD_W * t.scale <= layout.w && t.y >= 0.0 && t.y <= view.height;
                    assert!(inside, "{} at {}: {t:?}", p.key, layout.w);
                }
                // Records of a lane never overlap its name column (wide) or its text rows (narrow).
                for t in view.tokens.values().filter(|t| t.class.contains("kin-record")) {
                    assert!(t.x >= layout.records_span().0 - 0.01, "{} at {}: {t:?}", p.key, layout.w);
                }
            }
        }
    }
}
