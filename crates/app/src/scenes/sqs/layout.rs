//! Pure layout maths of the SQS diagram: where the lanes, tokens, consumer boxes and the DLQ go
//! in the one fixed `viewBox`, so the picture scales to any width and the numbers are tested natively.

/// Width of the `viewBox`; chosen near a phone's CSS width so labels stay readable there.
pub const VIEW_W: f64 = 420.0;
/// Height of the `viewBox`.
pub const VIEW_H: f64 = 468.0;
/// Outer margin.
pub const PAD: f64 = 8.0;

/// The producer box.
pub const PRODUCER_Y: f64 = 8.0;
/// Height of the producer box.
pub const PRODUCER_H: f64 = 34.0;

/// Top of the queue frame.
pub const QUEUE_Y: f64 = 58.0;
/// Room above the lanes for the queue's name.
pub const QUEUE_TITLE_H: f64 = 22.0;
/// Where tokens start on a lane (the lane's name sits left of it).
pub const LANE_X: f64 = 88.0;
/// Rows of tokens in one lane.
pub const LANE_ROWS: usize = 3;
pub use crate::components::token_layer::{TOKEN_H, TOKEN_W};
/// Horizontal distance between token origins.
pub const STEP_X: f64 = 20.0;
/// Vertical distance between token rows.
pub const STEP_Y: f64 = 19.0;
/// Padding inside a lane above the first row.
pub const LANE_PAD: f64 = 5.0;
/// Height of one lane.
pub const LANE_H: f64 = LANE_ROWS as f64 * STEP_Y + 2.0 * LANE_PAD;

/// Top of the consumers area.
pub const CONSUMERS_Y: f64 = QUEUE_Y + QUEUE_TITLE_H + 3.0 * LANE_H + 22.0;
/// Consumer boxes per row.
pub const CONSUMER_COLS: usize = 4;
/// Rows of consumer boxes drawn; more consumers are summarised as "+N more".
pub const CONSUMER_ROWS: usize = 2;
/// Height of one consumer box.
pub const CONSUMER_H: f64 = 46.0;
/// Gap between consumer boxes.
pub const CONSUMER_GAP: f64 = 6.0;

/// Top of the dead-letter-queue box.
pub const DLQ_Y: f64 = CONSUMERS_Y + CONSUMER_ROWS as f64 * (CONSUMER_H + CONSUMER_GAP) + 10.0;
/// Height of the dead-letter-queue box.
pub const DLQ_H: f64 = 46.0;

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

/// How much smaller tokens are drawn in a lane too full for the normal grid: half size, so a
/// lane shows four times as many before "+N more".
pub const DENSE_SCALE: f64 = 0.5;

/// Token columns and rows of `lane`, normal or dense.
pub fn grid(lane: Lane, dense: bool) -> (usize, usize) {
    let scale = if dense { DENSE_SCALE } else { 1.0 };
    // Stops short of the lane background's right edge (it is inset from the queue frame).
    let cols = ((VIEW_W - PAD - 10.0 - LANE_X) / (STEP_X * scale)).floor() as usize;
    let rows = match lane {
        Lane::Dlq => 1,
        _ => LANE_ROWS,
    };
    (cols, if dense { rows * 2 } else { rows })
}

/// The most tokens drawn in `lane`; the rest are counted as "+N more".
pub fn lane_capacity(lane: Lane, dense: bool) -> usize {
    let (cols, rows) = grid(lane, dense);
    // The end of the last row is left free for the "+N more" note (about 60 viewBox units).
    let reserved = if dense { 8 } else { 2 };
    cols * rows - reserved
}

/// Top edge of a main-queue lane.
pub fn lane_y(lane: Lane) -> f64 {
    let idx = match lane {
        Lane::Delayed => 0.0,
        Lane::Visible => 1.0,
        Lane::InFlight => 2.0,
        Lane::Dlq => return DLQ_Y,
    };
    QUEUE_Y + QUEUE_TITLE_H + idx * LANE_H
}

/// The top-left corner of token `slot` (0-based, in queue order) of `lane`.
pub fn token_pos(lane: Lane, slot: usize, dense: bool) -> (f64, f64) {
    let scale = if dense { DENSE_SCALE } else { 1.0 };
    let (cols, _) = grid(lane, dense);
    let (col, row) = (slot % cols, slot / cols);
    let top = match lane {
        Lane::Dlq => DLQ_Y + 24.0,
        _ => lane_y(lane) + LANE_PAD,
    };
    (LANE_X + col as f64 * STEP_X * scale, top + row as f64 * STEP_Y * scale)
}

/// Where the "+N more" note of a lane goes (after the last drawn slot).
pub fn overflow_pos(lane: Lane, dense: bool) -> (f64, f64) {
    let (x, y) = token_pos(lane, lane_capacity(lane, dense), dense);
    let scale = if dense { DENSE_SCALE } else { 1.0 };
    (x, y + TOKEN_H * scale - 3.0 * scale)
}

/// Width of one consumer box.
pub fn consumer_w() -> f64 {
    (VIEW_W - 2.0 * PAD - (CONSUMER_COLS as f64 - 1.0) * CONSUMER_GAP) / CONSUMER_COLS as f64
}

/// How many consumer boxes are drawn.
pub fn consumer_capacity() -> usize {
    CONSUMER_COLS * CONSUMER_ROWS
}

/// The top-left corner of consumer box `idx`.
pub fn consumer_pos(idx: usize) -> (f64, f64) {
    let (col, row) = (idx % CONSUMER_COLS, idx / CONSUMER_COLS);
    (PAD + col as f64 * (consumer_w() + CONSUMER_GAP), CONSUMERS_Y + row as f64 * (CONSUMER_H + CONSUMER_GAP))
}

/// The length of a visibility countdown bar: the token's width times the fraction of time left.
pub fn countdown_width(fraction_left: f64) -> f64 {
    let f = if fraction_left.is_finite() { fraction_left.clamp(0.0, 1.0) } else { 0.0 };
    (TOKEN_W * f * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_drawn_token_fits_in_the_view_box() {
        for (lane, dense) in
            [Lane::Delayed, Lane::Visible, Lane::InFlight, Lane::Dlq].map(|l| [(l, false), (l, true)]).concat()
        {
            let scale = if dense { DENSE_SCALE } else { 1.0 };
            for slot in 0..=lane_capacity(lane, dense) {
                let (x, y) = token_pos(lane, slot, dense);
                assert!(x >= 0.0 && x + TOKEN_W * scale <= VIEW_W, "{lane:?} {slot}: x {x}");
                assert!(y >= 0.0 && y + TOKEN_H * scale <= VIEW_H, "{lane:?} {slot}: y {y}");
            }
        }
        const { assert!(DLQ_Y + DLQ_H <= VIEW_H) };
    }

    #[test]
    fn tokens_of_a_lane_stay_inside_it_and_never_overlap() {
        for (lane, dense) in Lane::MAIN.map(|l| [(l, false), (l, true)]).concat() {
            let scale = if dense { DENSE_SCALE } else { 1.0 };
            let (w, h) = (TOKEN_W * scale, TOKEN_H * scale);
            let mut seen: Vec<(f64, f64)> = Vec::new();
            for slot in 0..=lane_capacity(lane, dense) {
                let (x, y) = token_pos(lane, slot, dense);
                assert!(y >= lane_y(lane) && y + h <= lane_y(lane) + LANE_H, "{lane:?} {slot}");
                for &(ox, oy) in &seen {
                    let apart = (x - ox).abs() >= w || (y - oy).abs() >= h;
                    assert!(apart, "{lane:?} slot {slot} overlaps");
                }
                seen.push((x, y));
            }
        }
    }

    #[test]
    fn lanes_hold_a_useful_number_of_tokens() {
        assert!(lane_capacity(Lane::Visible, false) >= 40);
        assert!(lane_capacity(Lane::Dlq, false) >= 10);
        // Dense lanes: the three main lanes and the DLQ draw well over 500 tokens together.
        let dense: usize =
            [Lane::Delayed, Lane::Visible, Lane::InFlight, Lane::Dlq].map(|l| lane_capacity(l, true)).iter().sum();
        assert!(dense >= 500, "{dense}");
    }

    #[test]
    fn consumer_boxes_fit_side_by_side() {
        for idx in 0..consumer_capacity() {
            let (x, y) = consumer_pos(idx);
            assert!(x >= PAD - 1e-9 && x + consumer_w() <= VIEW_W - PAD + 1e-9, "{idx}");
            assert!(y + CONSUMER_H <= DLQ_Y);
        }
    }

    #[test]
    fn countdown_is_clamped() {
        assert_eq!(countdown_width(2.0), TOKEN_W);
        assert_eq!(countdown_width(-1.0), 0.0);
        assert_eq!(countdown_width(f64::NAN), 0.0);
        assert_eq!(countdown_width(0.5), TOKEN_W / 2.0);
    }
}
