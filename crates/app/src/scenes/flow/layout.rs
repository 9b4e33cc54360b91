//! Where a flow's nodes go: from its sources (left) to where messages end (right) by their
//! depth along the deliver connections; dead-letter queues and on-failure destinations under
//! what feeds them; on a phone, from top to bottom. Boxes sit on a grid, so none overlap, and
//! every label is cut to its box (tested for the presets and random flows).

use engine::flow::{FlowScenario, NodeKind, Role};

/// A box's height: a title, the kind, two lines of live numbers.
pub const BOX_H: f64 = 74.0;
/// The widest a box gets.
const BOX_MAX_W: f64 = 186.0;
/// Below this a column is too narrow for its text: the flow goes top to bottom instead.
const BOX_MIN_W: f64 = 124.0;
/// The narrowest box of the top-to-bottom layout.
const NARROW_MIN_W: f64 = 150.0;
/// Space between columns (connections and their tokens run there).
const COL_GAP: f64 = 44.0;
/// Space between boxes of a column.
const ROW_GAP: f64 = 30.0;
/// Space around the drawing.
const MARGIN: f64 = 8.0;
/// On a phone: space between rows (tokens travel there), and the gutter on the left where
/// connections that skip a row run, clear of the boxes.
const NARROW_ROW_GAP: f64 = 52.0;
const GUTTER: f64 = 30.0;
/// Average width of a character of the diagram's 12 px text (the labels are cut to fit).
pub const CHAR_W: f64 = 6.8;
/// Space on each side of the text in a box.
pub const PAD: f64 = 8.0;

/// A placed node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Place {
    fn right(&self) -> (f64, f64) {
        (self.x + self.w, self.y + self.h / 2.0)
    }
    fn left(&self) -> (f64, f64) {
        (self.x, self.y + self.h / 2.0)
    }
    fn top(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y)
    }
    fn bottom(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h)
    }
    /// The most characters of 12 px text a line of this box holds.
    pub fn chars(&self) -> usize {
        ((self.w - 2.0 * PAD) / CHAR_W).floor().max(1.0) as usize
    }
}

/// A drawn connection: a line through points (curves are sampled), along which tokens travel.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// A dead-letter queue or on-failure destination (drawn dashed).
    pub side: bool,
    /// From the source to the target.
    pub points: Vec<(f64, f64)>,
}

impl Edge {
    /// Its length, px.
    pub fn length(&self) -> f64 {
        self.points.windows(2).map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1)).sum()
    }

    /// The point a fraction `t` (0–1) of the way along.
    pub fn at(&self, t: f64) -> (f64, f64) {
        let lengths: Vec<f64> = self.points.windows(2).map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1)).collect();
        let total: f64 = lengths.iter().sum();
        let mut left = t.clamp(0.0, 1.0) * total;
        for (k, len) in lengths.iter().enumerate() {
            if left <= *len && *len > 0.0 {
                let (a, b) = (self.points[k], self.points[k + 1]);
                let f = left / len;
                return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
            }
            left -= len;
        }
        self.points.last().copied().unwrap_or_default()
    }

    /// The SVG path.
    pub fn path(&self) -> String {
        let mut d = String::new();
        for (k, (x, y)) in self.points.iter().enumerate() {
            d.push_str(&format!("{}{x:.1} {y:.1}", if k == 0 { "M" } else { "L" }));
        }
        d
    }
}

/// A cubic curve as points.
fn sampled(c: [(f64, f64); 4]) -> Vec<(f64, f64)> {
    (0..=16)
        .map(|k| {
            let t = f64::from(k) / 16.0;
            let u = 1.0 - t;
            let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
            (
                w[0] * c[0].0 + w[1] * c[1].0 + w[2] * c[2].0 + w[3] * c[3].0,
                w[0] * c[0].1 + w[1] * c[1].1 + w[2] * c[2].1 + w[3] * c[3].1,
            )
        })
        .collect()
}

/// The whole layout.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub w: f64,
    pub h: f64,
    /// Top to bottom (a phone) rather than left to right.
    pub narrow: bool,
    /// One per node, in the scenario's order.
    pub places: Vec<Place>,
    pub edges: Vec<Edge>,
}

/// The connections a diagram draws: `(from, to, side)` by node index — the scenario's
/// connections, and the destinations settings name (a subscription's dead-letter queue, a
/// Kinesis mapping's on-failure destination).
pub fn links(flow: &FlowScenario) -> Vec<(usize, usize, bool)> {
    let index = |id: &str| flow.node(id).map(|(i, _)| i);
    let mut out = Vec::new();
    for c in &flow.connections {
        let (Some(a), Some(b)) = (index(&c.from), index(&c.to)) else { continue };
        out.push((a, b, c.role != Role::Deliver));
        let named = [c.dead_letter_queue.as_deref(), c.kinesis_mapping.as_ref().and_then(|m| m.on_failure.as_deref())];
        // A subscription's DLQ hangs under the topic; a mapping's destination under the stream's function.
        let source = if c.dead_letter_queue.is_some() { a } else { b };
        for id in named.into_iter().flatten() {
            if let Some(d) = index(id) {
                if !out.contains(&(source, d, true)) {
                    out.push((source, d, true));
                }
            }
        }
    }
    out
}

impl Layout {
    /// Lays `flow` out for a stage `width` px wide.
    pub fn new(flow: &FlowScenario, width: f64) -> Layout {
        let n = flow.nodes.len();
        let width = width.max(240.0);
        if n == 0 {
            return Layout { w: width, h: BOX_H, ..Layout::default() };
        }
        let links = links(flow);
        // A node fed only by side links (a DLQ) hangs under its first feeder.
        let fed_by = |i: usize, side: bool| links.iter().filter(move |l| l.1 == i && l.2 == side).map(|l| l.0);
        let hangs_under: Vec<Option<usize>> =
            (0..n).map(|i| fed_by(i, false).next().is_none().then(|| fed_by(i, true).next()).flatten()).collect();
        // Depth: the longest deliver path from a source (bounded, so a cycle cannot loop).
        let mut depth = vec![0usize; n];
        for _ in 0..n {
            let mut changed = false;
            for &(a, b, side) in &links {
                let d = if side { depth[a] } else { depth[a] + 1 };
                let d = if hangs_under[b] == Some(a) || !side { d } else { depth[b] };
                if d > depth[b] && d < n {
                    depth[b] = d;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let sources_first = |i: usize| matches!(flow.nodes[i].kind, NodeKind::Producer(_) | NodeKind::Clients(_));
        for (i, d) in depth.iter_mut().enumerate() {
            if sources_first(i) {
                *d = 0;
            }
        }
        let columns = depth.iter().max().map_or(1, |d| d + 1);
        let inner = width - 2.0 * MARGIN;
        let col_w = ((inner - COL_GAP * (columns as f64 - 1.0)) / columns as f64).min(BOX_MAX_W);
        let narrow = col_w < BOX_MIN_W;
        // Each column's (or row's) nodes in order: hanging nodes right after what they hang under.
        let mut order: Vec<Vec<usize>> = vec![Vec::new(); columns];
        let mut placed = vec![false; n];
        for i in 0..n {
            if hangs_under[i].is_none() || narrow {
                push_with_hangers(i, &depth, &hangs_under, narrow, &mut order, &mut placed);
            }
        }
        for i in 0..n {
            if !placed[i] {
                push_with_hangers(i, &depth, &hangs_under, narrow, &mut order, &mut placed);
            }
        }
        let mut places = vec![Place { x: 0.0, y: 0.0, w: 0.0, h: BOX_H }; n];
        // On a phone, each node's row (for routing connections that skip rows).
        let mut row_of = vec![0usize; n];
        let h = if narrow {
            // Rows from top to bottom, right of the gutter; a row wraps when its boxes do not fit
            // side by side.
            let inner = inner - GUTTER;
            let per_row = ((inner + COL_GAP) / (NARROW_MIN_W + COL_GAP)).floor().max(1.0) as usize;
            let mut y = MARGIN;
            let mut r = 0;
            for row in order.iter().filter(|r| !r.is_empty()) {
                for chunk in row.chunks(per_row) {
                    let k = chunk.len() as f64;
                    let w = ((inner - COL_GAP * (k - 1.0)) / k).min(BOX_MAX_W);
                    let total = w * k + COL_GAP * (k - 1.0);
                    let x0 = MARGIN + GUTTER + (inner - total) / 2.0;
                    for (j, &i) in chunk.iter().enumerate() {
                        places[i] = Place { x: x0 + j as f64 * (w + COL_GAP), y, w, h: BOX_H };
                        row_of[i] = r;
                    }
                    y += BOX_H + NARROW_ROW_GAP;
                    r += 1;
                }
            }
            y - NARROW_ROW_GAP + MARGIN
        } else {
            let total = col_w * columns as f64 + COL_GAP * (columns as f64 - 1.0);
            let x0 = MARGIN + (inner - total).max(0.0) / 2.0;
            let tallest = order.iter().map(Vec::len).max().unwrap_or(1) as f64;
            let height = tallest * BOX_H + (tallest - 1.0) * ROW_GAP;
            for (c, column) in order.iter().enumerate() {
                let k = column.len() as f64;
                // Short columns are centred on the tallest one.
                let mut y = MARGIN + (height - (k * BOX_H + (k - 1.0).max(0.0) * ROW_GAP)) / 2.0;
                for &i in column {
                    places[i] = Place { x: x0 + c as f64 * (col_w + COL_GAP), y, w: col_w, h: BOX_H };
                    y += BOX_H + ROW_GAP;
                }
            }
            height + 2.0 * MARGIN
        };
        let mut lane = 0;
        let edges = links
            .iter()
            .map(|&(a, b, side)| {
                // On a phone a connection to anything but the next row runs down the gutter,
                // each in a lane of its own.
                if narrow && row_of[b] != row_of[a] + 1 {
                    // Out of the source's bottom into the gap under its row, along it to the
                    // gutter, along the gutter to the gap over the target's row, and down into
                    // its top: never through a box.
                    lane += 1;
                    let shift = f64::from(lane % 4) * 6.0;
                    let x = MARGIN + GUTTER - 6.0 - shift;
                    let (pa, pb) = (places[a], places[b]);
                    let below = pa.y + pa.h + NARROW_ROW_GAP / 2.0 - 8.0 + shift;
                    let above = pb.y - NARROW_ROW_GAP / 2.0 + 8.0 - shift;
                    let points = vec![
                        pa.bottom(),
                        (pa.bottom().0, below),
                        (x, below),
                        (x, above),
                        (pb.top().0, above),
                        pb.top(),
                    ];
                    return Edge { from: a, to: b, side, points };
                }
                edge(&places, a, b, side, narrow)
            })
            .collect();
        Layout { w: width, h, narrow, places, edges }
    }
}

/// Adds node `i` to its column, then what hangs under it.
fn push_with_hangers(
    i: usize,
    depth: &[usize],
    hangs_under: &[Option<usize>],
    narrow: bool,
    order: &mut [Vec<usize>],
    placed: &mut [bool],
) {
    if placed[i] {
        return;
    }
    placed[i] = true;
    // On a phone a hanging node goes on the row under its feeder's.
    let column = match (narrow, hangs_under[i]) {
        (true, Some(_)) => (depth[i] + 1).min(order.len() - 1),
        _ => depth[i],
    };
    order[column].push(i);
    if !narrow {
        for j in 0..hangs_under.len() {
            if hangs_under[j] == Some(i) {
                push_with_hangers(j, depth, hangs_under, narrow, order, placed);
            }
        }
    }
}

/// The curve from node `a` to node `b`.
fn edge(places: &[Place], a: usize, b: usize, side: bool, narrow: bool) -> Edge {
    let (pa, pb) = (places[a], places[b]);
    let below = pb.y >= pa.y + pa.h;
    let curve = if narrow || (side && below && (pb.x - pa.x).abs() < 1.0) {
        // Down: bottom of one to the top of the other (or round the side when going up).
        let (s, e) = if pb.y >= pa.y { (pa.bottom(), pb.top()) } else { (pa.top(), pb.bottom()) };
        let dy = ((e.1 - s.1) / 2.0).abs().max(20.0) * if e.1 >= s.1 { 1.0 } else { -1.0 };
        [s, (s.0, s.1 + dy), (e.0, e.1 - dy), e]
    } else if pb.x > pa.x {
        let (s, e) = (pa.right(), pb.left());
        let dx = ((e.0 - s.0) / 2.0).max(20.0);
        [s, (s.0 + dx, s.1), (e.0 - dx, e.1), e]
    } else {
        // Back to an earlier column: out of the bottom, round under, into the bottom.
        let (s, e) = (pa.bottom(), pb.bottom());
        let dip = ROW_GAP * 0.8;
        [s, (s.0, s.1 + dip), (e.0, e.1 + dip), e]
    };
    Edge { from: a, to: b, side, points: sampled(curve) }
}

/// `text` cut to `chars` characters, with an ellipsis when cut.
pub fn fit(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::flow::edit::{apply_all, Edit, NODE_TYPES};
    use crate::scenes::flow::presets::PRESETS;
    use proptest::prelude::*;

    fn overlaps(a: &Place, b: &Place) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    /// No two boxes overlap, every box is inside the drawing, and no node is left at the origin.
    fn assert_tidy(flow: &FlowScenario, width: f64, what: &str) {
        let l = Layout::new(flow, width);
        assert_eq!(l.places.len(), flow.nodes.len(), "{what}");
        for (i, a) in l.places.iter().enumerate() {
            assert!(
                a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= l.w + 0.01 && a.y + a.h <= l.h + 0.01,
                "{what} @{width}: box {i} {a:?} outside {}×{}",
                l.w,
                l.h
            );
            assert!(a.w >= 110.0, "{what} @{width}: box {i} too narrow for its text ({:.0} px)", a.w);
            for (j, b) in l.places.iter().enumerate().skip(i + 1) {
                assert!(!overlaps(a, b), "{what} @{width}: boxes {i} and {j} overlap: {a:?} {b:?}");
            }
        }
    }

    #[test]
    fn presets_lay_out_without_overlaps_at_every_width() {
        for preset in &PRESETS {
            let flow = (preset.scenario)();
            for width in [320.0, 360.0, 390.0, 576.0, 768.0, 1024.0, 1280.0] {
                assert_tidy(&flow, width, preset.key);
            }
        }
    }

    #[test]
    fn dead_letter_queues_hang_under_what_feeds_them() {
        let flow = crate::scenes::preset::scenario_of(&PRESETS, "reserved-concurrency-too-low");
        let idx = |id: &str| flow.node(id).map(|(i, _)| i).expect("node");
        for width in [390.0, 1280.0] {
            let l = Layout::new(&flow, width);
            let (q, dlq) = (l.places[idx("welcome-emails")], l.places[idx("welcome-emails-dlq")]);
            assert!(dlq.y >= q.y + q.h, "@{width}: {q:?} {dlq:?}");
        }
        let wide = Layout::new(&flow, 1280.0);
        assert!(!wide.narrow && Layout::new(&flow, 360.0).narrow);
        // Left to right on a desktop: the producer before the queue before the function.
        assert!(wide.places[idx("signups")].x < wide.places[idx("welcome-emails")].x);
        assert!(wide.places[idx("welcome-emails")].x < wide.places[idx("send-email")].x);
    }

    #[test]
    fn labels_are_cut_to_their_box() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("a much longer label", 8), "a much …");
        assert_eq!(fit("a much longer label", 8).chars().count(), 8);
    }

    /// A random flow of up to 15 nodes: a source, then nodes each fed by an earlier one (only
    /// the wiring AWS allows is kept), some queues with a dead-letter queue.
    fn random_flow(picks: &[(usize, usize, bool)]) -> FlowScenario {
        let mut flow =
            apply_all(&FlowScenario::default(), &[Edit::parse("add producer p0").expect("valid")]).expect("applies");
        for (k, &(kind, feeder, dlq)) in picks.iter().enumerate() {
            let id = format!("n{k}");
            let kind = NODE_TYPES[2 + kind % (NODE_TYPES.len() - 2)];
            let feeder = flow.nodes[feeder % flow.nodes.len()].id.clone();
            let mut next = flow.clone();
            let mut edits = vec![
                Edit::parse(&format!("add {kind} {id}")).expect("valid"),
                Edit::parse(&format!("con {feeder} {id}")).expect("valid"),
            ];
            if dlq && kind == "sqs_queue" {
                edits.push(Edit::parse(&format!("add sqs_queue {id}-dlq")).expect("valid"));
                edits.push(Edit::parse(&format!("con {id} {id}-dlq redrive")).expect("valid"));
            }
            if let Ok(candidate) = apply_all(&next, &edits) {
                if candidate.validate().is_ok() && candidate.nodes.len() <= 15 {
                    next = candidate;
                }
            }
            if next.nodes.len() > flow.nodes.len() {
                flow = next;
            } else if flow.nodes.len() == 1 {
                // Keep the producer wired: a queue first.
                let first = [Edit::parse("add sqs_queue q0").expect("valid"), Edit::parse("con p0 q0").expect("valid")];
                flow = apply_all(&flow, &first).expect("applies");
            }
        }
        flow
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_flows_of_up_to_15_nodes_never_overlap(
            picks in proptest::collection::vec((0usize..8, 0usize..15, any::<bool>()), 1..20),
            width in 320.0f64..1400.0,
        ) {
            let flow = random_flow(&picks);
            prop_assert!(flow.nodes.len() <= 15);
            assert_tidy(&flow, width, "random flow");
        }
    }
}
