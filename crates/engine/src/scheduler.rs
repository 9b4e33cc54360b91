//! The discrete-event scheduler: a priority queue of work ordered by time, ties in insertion order.
//!
//! Items are keyed by one 128-bit integer `time << 64 | sequence`: one integer comparison per
//! step, and unique keys, so ties come out in insertion order.
//!
//! Most work is scheduled at a fixed distance from "now" (a round trip, a fixed processing
//! time, a long poll's 20 s), so each kind arrives in key order even when the kinds interleave.
//! A few sorted lanes exploit that: an item due soon goes to the first lane it extends in order
//! (O(1) at both ends), and only a far item or one that fits no lane goes to a binary heap. The next item is the
//! smallest of the lane fronts and the heap top, so the pop order is exactly one heap's. (A
//! radix heap, which exploits the monotone keys, measured slower at backlogs of ~1,000 items.)

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use crate::time::SimTime;

/// Sorted lanes tried before the heap: enough for the distinct fixed delays of a model.
const LANES: usize = 4;
/// Only items due within this horizon use the lanes: a far item (a timeout, a retention
/// expiry days away) would sit at a lane's back for its whole wait and close the lane to
/// everything nearer. Far items are few, so the heap they go to stays small.
const LANE_HORIZON_MICROS: u64 = 1_000_000;

/// A queue of scheduled items of type `E`, popped in `(time, insertion order)` order.
///
/// Invariant: the scheduler never goes back in time. Scheduling an item before the time of the
/// last popped item is a bug in the caller and panics; popped times never decrease.
#[derive(Clone, Debug)]
pub struct Scheduler<E> {
    /// Items in key order, lane by lane.
    lanes: [VecDeque<Entry<E>>; LANES],
    /// Items that extended no lane.
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
    now: SimTime,
}

#[derive(Clone, Debug)]
struct Entry<E> {
    key: u128,
    item: E,
}

fn key(at: SimTime, seq: u64) -> u128 {
    (u128::from(at.as_micros()) << 64) | u128::from(seq)
}

fn key_time(k: u128) -> SimTime {
    SimTime::from_micros((k >> 64) as u64)
}

/// Where the next item is.
#[derive(Clone, Copy)]
enum Source {
    Lane(usize),
    Heap,
}

impl<E> Scheduler<E> {
    /// An empty scheduler at time zero.
    pub fn new() -> Scheduler<E> {
        Scheduler::with_capacity(0)
    }

    /// An empty scheduler with room for `n` pending items before it reallocates.
    pub fn with_capacity(n: usize) -> Scheduler<E> {
        Scheduler {
            lanes: std::array::from_fn(|_| VecDeque::with_capacity(n / LANES)),
            heap: BinaryHeap::with_capacity(n),
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }

    /// The time of the last popped item (the simulation's "now").
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `item` at `at`; items at the same time come out in the order they went in.
    pub fn schedule(&mut self, at: SimTime, item: E) {
        assert!(at >= self.now, "scheduled into the past: {at:?} < now {:?}", self.now);
        let key = key(at, self.next_seq);
        self.next_seq += 1;
        // Keys are unique, so `>` is "after every item in the lane".
        let near = at.as_micros() - self.now.as_micros() <= LANE_HORIZON_MICROS;
        let lane =
            if near { self.lanes.iter_mut().find(|lane| lane.back().is_none_or(|last| key > last.key)) } else { None };
        match lane {
            Some(lane) => lane.push_back(Entry { key, item }),
            None => self.heap.push(Entry { key, item }),
        }
    }

    /// The key of the next item and where it is.
    fn next(&self) -> Option<(u128, Source)> {
        let mut best = self.heap.peek().map(|e| (e.key, Source::Heap));
        for (i, lane) in self.lanes.iter().enumerate() {
            if let Some(front) = lane.front() {
                if best.is_none_or(|(k, _)| front.key < k) {
                    best = Some((front.key, Source::Lane(i)));
                }
            }
        }
        best
    }

    fn peek_key(&self) -> Option<u128> {
        self.next().map(|(key, _)| key)
    }

    /// The time of the next item, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.peek_key().map(key_time)
    }

    /// Removes and returns the next item, advancing "now" to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_until(SimTime::MAX)
    }

    /// Removes and returns the next item only if it is due at or before `until`.
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        let (key, source) = self.next()?;
        if key_time(key) > until {
            return None;
        }
        let Entry { key, item } = match source {
            Source::Lane(i) => self.lanes[i].pop_front()?,
            Source::Heap => self.heap.pop()?,
        };
        let at = key_time(key);
        debug_assert!(at >= self.now);
        self.now = at;
        Some((at, item))
    }

    /// Moves "now" forward to `t` without popping (an idle stretch). Never moves it back, and
    /// never past a pending item.
    pub fn advance_to(&mut self, t: SimTime) {
        debug_assert!(self.peek_time().is_none_or(|at| at >= t), "skipped a due item");
        if t > self.now {
            self.now = t;
        }
    }

    /// Number of pending items.
    pub fn len(&self) -> usize {
        self.lanes.iter().map(VecDeque::len).sum::<usize>() + self.heap.len()
    }

    /// `true` when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.lanes.iter().all(VecDeque::is_empty) && self.heap.is_empty()
    }
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Scheduler::new()
    }
}

// `BinaryHeap` is a max-heap: reverse the order so the smallest key is on top.
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E> Eq for Entry<E> {}
