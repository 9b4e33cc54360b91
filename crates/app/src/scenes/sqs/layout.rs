//! Pure layout maths of the SQS diagram: where the lanes, tokens, consumer boxes and the DLQ go
//! for the width the diagram gets (one SVG unit per CSS pixel, see `measured_width`), so a phone
//! gets fewer token columns and consumer boxes in two columns rather than a shrunken picture.
//! The numbers are tested natively at every width from 280 px to 1,400 px.

/// Outer margin.
pub const PAD: f64 = 8.0;

/// The producer box.
pub const PRODUCER_Y: f64 = 8.0;
/// Height of the producer box.
pub const PRODUCER_H: f64 = 34.0;

/// Top of the queue frame.
pub const QUEUE_Y: f64 = 58.0;
/// Room above the lanes for the queue's name.
pub const QUEUE_TITLE_H: f64 = 24.0;
/// Where tokens start on a lane (the lane's name and count sit left of it).
pub const LANE_X: f64 = 84.0;
/// Rows of tokens in one lane.
pub const LANE_ROWS: usize = 3;
pub use crate::components::token_layer::{TOKEN_H, TOKEN_W};
/// Horizontal distance between token origins: room for a receive-count badge between tokens.
pub const STEP_X: f64 = TOKEN_W + 8.0;
/// Vertical distance between token rows: room for the visibility countdown under a token.
pub const STEP_Y: f64 = TOKEN_H + 7.0;
/// Padding inside a lane above the first row (a badge pokes out above its token).
pub const LANE_PAD: f64 = 8.0;
/// Height of one lane.
pub const LANE_H: f64 = LANE_ROWS as f64 * STEP_Y + LANE_PAD + 2.0;

/// Top of the consumers area.
pub const CONSUMERS_Y: f64 = QUEUE_Y + QUEUE_TITLE_H + 3.0 * LANE_H + 26.0;
/// Consumer boxes drawn; more consumers are summarised as "+N more".
pub const CONSUMERS_DRAWN: usize = 8;
/// Height of one consumer box.
pub const CONSUMER_H: f64 = 48.0;
/// Gap between consumer boxes.
pub const CONSUMER_GAP: f64 = 6.0;
/// Height of the dead-letter-queue box.
pub const DLQ_H: f64 = 52.0;
/// Room the "+N more" note of a lane needs after its last token.
const OVERFLOW_W: f64 = 72.0;

/// The three lanes of the main queue, top to bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lane {
    /// Waiting for a delay to end.
    Delayed,
    /// Receivable.
    Visible,
    /// Received, hidden until deleted or its visibility timeout ends.
    InFlight,
    /// In the dead-letter queue.
    Dlq,
}

impl Lane {
    /// The lanes of the main queue, top to bottom.
    pub const MAIN: [Lane; 3] = [Lane::Delayed, Lane::Visible, Lane::InFlight];

    /// The name drawn next to the lane.
    pub fn label(self) -> &'static str {
        match self {
            Lane::Delayed => "delayed",
            Lane::Visible => "visible",
            Lane::InFlight => "in flight",
            Lane::Dlq => "DLQ",
        }
    }

    /// The CSS class suffix: `lane-visible`.
    pub fn class(self) -> &'static str {
        match self {
            Lane::Delayed => "delayed",
            Lane::Visible => "visible",
            Lane::InFlight => "in-flight",
            Lane::Dlq => "dlq",
        }
    }
}

/// How much smaller tokens are drawn in a lane too full for the normal grid: half size (their
/// text left off, it would be unreadable), so a lane shows four times as many before "+N more".
pub const DENSE_SCALE: f64 = 0.5;

/// The diagram laid out for one width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// Width of the diagram (the `viewBox` and the CSS width).
    pub w: f64,
    /// Consumer boxes drawn (at most [`CONSUMERS_DRAWN`]): the DLQ sits under their rows.
    pub consumers: usize,
}

impl Layout {
    /// Narrowest width laid out; a narrower frame shows the diagram scaled down.
    pub const MIN_W: f64 = crate::components::NARROWEST;

    /// The layout for a diagram `width` CSS pixels wide, with `consumers` consumers.
    pub fn new(width: f64, consumers: usize) -> Layout {
        let w = if width.is_finite() { width.max(Layout::MIN_W) } else { Layout::MIN_W };
        Layout { w: w.floor(), consumers: consumers.min(CONSUMERS_DRAWN) }
    }

    /// Height of the diagram.
    pub fn height(&self) -> f64 {
        self.dlq_y() + DLQ_H + PAD
    }

    /// Token columns and rows of `lane`, normal or dense.
    pub fn grid(&self, lane: Lane, dense: bool) -> (usize, usize) {
        let scale = if dense { DENSE_SCALE } else { 1.0 };
        // Stops short of the lane background's right edge (it is inset from the queue frame).
        let room = self.w - PAD - 12.0 - LANE_X - TOKEN_W * scale;
        let cols = (room / (STEP_X * scale)).floor().max(0.0) as usize + 1;
        let rows = match lane {
            Lane::Dlq => 1,
            _ => LANE_ROWS,
        };
        (cols, if dense { rows * 2 } else { rows })
    }

    /// The most tokens drawn in `lane`; the rest are counted as "+N more".
    pub fn lane_capacity(&self, lane: Lane, dense: bool) -> usize {
        let (cols, rows) = self.grid(lane, dense);
        // The end of the last row is left free for the "+N more" note.
        let scale = if dense { DENSE_SCALE } else { 1.0 };
        let reserved = (OVERFLOW_W / (STEP_X * scale)).ceil() as usize;
        (cols * rows).saturating_sub(reserved)
    }

    /// The top-left corner of token `slot` (0-based, in queue order) of `lane`.
    pub fn token_pos(&self, lane: Lane, slot: usize, dense: bool) -> (f64, f64) {
        let scale = if dense { DENSE_SCALE } else { 1.0 };
        let (cols, _) = self.grid(lane, dense);
        let (col, row) = (slot % cols, slot / cols);
        let top = match lane {
            Lane::Dlq => self.dlq_y() + 26.0,
            _ => lane_y(lane) + LANE_PAD,
        };
        (LANE_X + col as f64 * STEP_X * scale, top + row as f64 * STEP_Y * scale)
    }

    /// Where the "+N more" note of a lane goes (the baseline after the last drawn slot).
    pub fn overflow_pos(&self, lane: Lane, dense: bool) -> (f64, f64) {
        let (x, y) = self.token_pos(lane, self.lane_capacity(lane, dense), dense);
        let scale = if dense { DENSE_SCALE } else { 1.0 };
        (x + 2.0, y + (TOKEN_H * scale).max(12.0) - 1.0)
    }

    /// Consumer boxes per row: four when they fit with readable text, else two.
    pub fn consumer_cols(&self) -> usize {
        if self.w >= 560.0 {
            4
        } else {
            2
        }
    }

    /// Width of one consumer box.
    pub fn consumer_w(&self) -> f64 {
        let cols = self.consumer_cols() as f64;
        (self.w - 2.0 * PAD - (cols - 1.0) * CONSUMER_GAP) / cols
    }

    /// The top-left corner of consumer box `idx`.
    pub fn consumer_pos(&self, idx: usize) -> (f64, f64) {
        let cols = self.consumer_cols();
        let (col, row) = (idx % cols, idx / cols);
        (PAD + col as f64 * (self.consumer_w() + CONSUMER_GAP), CONSUMERS_Y + row as f64 * (CONSUMER_H + CONSUMER_GAP))
    }

    /// Top of the dead-letter-queue box, under the consumer rows.
    pub fn dlq_y(&self) -> f64 {
        let rows = self.consumers.max(1).div_ceil(self.consumer_cols()) as f64;
        CONSUMERS_Y + rows * (CONSUMER_H + CONSUMER_GAP) + 14.0
    }
}

/// Top edge of a main-queue lane (the DLQ's tokens sit in its own box, see [`Layout::token_pos`]).
pub fn lane_y(lane: Lane) -> f64 {
    let idx = match lane {
        Lane::Delayed => 0.0,
        Lane::Visible => 1.0,
        Lane::InFlight | Lane::Dlq => 2.0,
    };
    QUEUE_Y + QUEUE_TITLE_H + idx * LANE_H
}

/// The length of a visibility countdown bar: the token's width times the fraction of time left.
pub fn countdown_width(fraction_left: f64) -> f64 {
    let f = if fraction_left.is_finite() { fraction_left.clamp(0.0, 1.0) } else { 0.0 };
    (TOKEN_W * f * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Lane; 4] = [Lane::Delayed, Lane::Visible, Lane::InFlight, Lane::Dlq];

    fn widths() -> impl Iterator<Item = Layout> {
        (240..=1400).step_by(7).flat_map(|w| [1, 5, 8, 20].map(|n| Layout::new(f64::from(w), n)))
    }

    #[test]
    fn every_drawn_token_fits_in_the_diagram_with_room_for_the_overflow_note() {
        for l in widths() {
            for (lane, dense) in ALL.map(|l| [(l, false), (l, true)]).concat() {
                let scale = if dense { DENSE_SCALE } else { 1.0 };
                for slot in 0..l.lane_capacity(lane, dense) {
                    let (x, y) = l.token_pos(lane, slot, dense);
                    assert!(x >= 0.0 && x + TOKEN_W * scale <= l.w - PAD - 6.0, "{} {lane:?} {slot}: x {x}", l.w);
                    assert!(y >= 0.0 && y + TOKEN_H * scale <= l.height(), "{} {lane:?} {slot}: y {y}", l.w);
                }
                let (x, _) = l.overflow_pos(lane, dense);
                assert!(x + OVERFLOW_W - 8.0 <= l.w - PAD, "{} {lane:?}: the note at {x} runs out", l.w);
            }
        }
    }

    #[test]
    fn tokens_of_a_lane_stay_inside_it_and_never_overlap() {
        for l in widths() {
            for (lane, dense) in Lane::MAIN.map(|l| [(l, false), (l, true)]).concat() {
                let scale = if dense { DENSE_SCALE } else { 1.0 };
                let (w, h) = (TOKEN_W * scale, TOKEN_H * scale);
                let mut seen: Vec<(f64, f64)> = Vec::new();
                for slot in 0..l.lane_capacity(lane, dense) {
                    let (x, y) = l.token_pos(lane, slot, dense);
                    assert!(y >= lane_y(lane) && y + h <= lane_y(lane) + LANE_H, "{lane:?} {slot}");
                    for &(ox, oy) in &seen {
                        // Apart by a gap, so badges and countdown bars have room.
                        let apart = (x - ox).abs() >= w + 3.0 * scale || (y - oy).abs() >= h + 3.0 * scale;
                        assert!(apart, "{lane:?} slot {slot} touches another");
                    }
                    seen.push((x, y));
                }
            }
        }
    }

    #[test]
    fn lanes_hold_a_useful_number_of_tokens() {
        let phone = Layout::new(300.0, 4);
        assert!(phone.lane_capacity(Lane::Visible, false) >= 12, "{}", phone.lane_capacity(Lane::Visible, false));
        let desktop = Layout::new(760.0, 4);
        assert!(desktop.lane_capacity(Lane::Visible, false) >= 50);
        assert!(desktop.lane_capacity(Lane::Dlq, false) >= 15);
        // Dense lanes on a desktop: the three main lanes and the DLQ draw well over 500 tokens.
        let dense: usize = ALL.map(|l| desktop.lane_capacity(l, true)).iter().sum();
        assert!(dense >= 500, "{dense}");
    }

    #[test]
    fn consumer_boxes_fit_side_by_side_and_above_the_dlq() {
        for l in widths() {
            assert!(l.consumer_w() >= 100.0, "{}: consumer boxes {} wide", l.w, l.consumer_w());
            for idx in 0..l.consumers {
                let (x, y) = l.consumer_pos(idx);
                assert!(x >= PAD - 1e-9 && x + l.consumer_w() <= l.w - PAD + 1e-9, "{idx}");
                assert!(y + CONSUMER_H <= l.dlq_y());
            }
        }
    }

    #[test]
    fn a_narrow_or_broken_width_gets_the_narrowest_layout() {
        assert_eq!(Layout::new(100.0, 1).w, Layout::MIN_W);
        assert_eq!(Layout::new(f64::NAN, 1).w, Layout::MIN_W);
        assert_eq!(Layout::new(640.7, 1).w, 640.0);
        assert_eq!(Layout::new(640.0, 100).consumers, CONSUMERS_DRAWN);
    }

    #[test]
    fn countdown_is_clamped() {
        assert_eq!(countdown_width(2.0), TOKEN_W);
        assert_eq!(countdown_width(-1.0), 0.0);
        assert_eq!(countdown_width(f64::NAN), 0.0);
        assert_eq!(countdown_width(0.5), TOKEN_W / 2.0);
    }
}
