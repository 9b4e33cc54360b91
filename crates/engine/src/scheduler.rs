//! The discrete-event scheduler: a priority queue of work ordered by time, ties in insertion order.
//!
//! A binary heap keyed by one 128-bit integer `time << 64 | sequence`: one integer comparison
//! per sift step, and unique keys, so ties come out in insertion order. (A radix heap, which
//! exploits the monotone keys, measured slower at typical backlogs of ~1,000 pending items.)

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::SimTime;

/// A queue of scheduled items of type `E`, popped in `(time, insertion order)` order.
///
/// Invariant: the scheduler never goes back in time. Scheduling an item before the time of the
/// last popped item is a bug in the caller and panics; popped times never decrease.
#[derive(Debug)]
pub struct Scheduler<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
    now: SimTime,
}

#[derive(Debug)]
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

impl<E> Scheduler<E> {
    /// An empty scheduler at time zero.
    pub fn new() -> Scheduler<E> {
        Scheduler::with_capacity(0)
    }

    /// An empty scheduler with room for `n` pending items before it reallocates.
    pub fn with_capacity(n: usize) -> Scheduler<E> {
        Scheduler { heap: BinaryHeap::with_capacity(n), next_seq: 0, now: SimTime::ZERO }
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
        self.heap.push(Entry { key, item });
    }

    /// The time of the next item, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| key_time(e.key))
    }

    /// Removes and returns the next item, advancing "now" to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let Entry { key, item } = self.heap.pop()?;
        let at = key_time(key);
        debug_assert!(at >= self.now);
        self.now = at;
        Some((at, item))
    }

    /// Removes and returns the next item only if it is due at or before `until`.
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        match self.peek_time() {
            Some(at) if at <= until => self.pop(),
            _ => None,
        }
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
        self.heap.len()
    }

    /// `true` when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
