//! An ordered index of messages that tolerates stale entries.
//!
//! A queue's orders (visible messages by send order, timers, retention) change on every call,
//! and most removals would be from the middle. Instead of a B-tree per order, each entry carries
//! a tag (the message's state stamp or sequence number) and is checked against the message when
//! it reaches the front: a stale entry is dropped then. When stale entries outnumber live ones
//! the index is rebuilt, so memory stays proportional to the live messages.
//!
//! Keys mostly arrive in order, or nearly (send order, `now + the queue's timeout`, a standard
//! queue's visible messages within its reorder window), so in-order entries go to a deque (O(1))
//! and only out-of-order ones (a visibility timeout ending, a per-call override, a dead-letter
//! move, a message its server recorded before the last one) to a heap; the front is the smaller
//! of the two fronts.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// One entry: the key it is ordered by, the tag that proves it current, and the message's slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Entry<K> {
    pub key: K,
    pub tag: u64,
    pub slot: u32,
}

/// How much a full collection of `len` grows by: a quarter once it is large, instead of the
/// standard library's doubling — a queue of millions of messages would otherwise take twice
/// its memory at once (in a browser tab, linear memory that never shrinks), and overshoot the
/// memory cap by that much between two checks. Still geometric, so pushes stay O(1) amortised.
pub(super) fn gentle_growth(len: usize) -> usize {
    if len < 1 << 16 {
        len.max(16)
    } else {
        len / 4
    }
}

#[derive(Clone, Debug)]
pub(super) struct Index<K: Ord> {
    /// Entries pushed in key order.
    run: VecDeque<Entry<K>>,
    /// Entries that arrived out of order.
    heap: BinaryHeap<Reverse<Entry<K>>>,
}

impl<K: Ord + Copy> Index<K> {
    pub fn new() -> Index<K> {
        Index { run: VecDeque::new(), heap: BinaryHeap::new() }
    }

    /// Bytes its entries take, room to grow included.
    pub fn held_bytes(&self) -> usize {
        (self.run.capacity() + self.heap.capacity()) * std::mem::size_of::<Entry<K>>()
    }

    /// Adds an entry; drops the stale ones when they are more than `live` + 64.
    pub fn push(&mut self, entry: Entry<K>, live: usize, valid: impl Fn(&Entry<K>) -> bool) {
        if self.run.back().is_none_or(|last| *last <= entry) {
            if self.run.len() == self.run.capacity() {
                self.run.reserve_exact(gentle_growth(self.run.len()));
            }
            self.run.push_back(entry);
        } else {
            if self.heap.len() == self.heap.capacity() {
                self.heap.reserve_exact(gentle_growth(self.heap.len()));
            }
            self.heap.push(Reverse(entry));
        }
        if self.run.len() + self.heap.len() > 2 * live + 64 {
            self.run.retain(&valid);
            self.heap.retain(|Reverse(e)| valid(e));
        }
    }

    /// Drops stale entries from both fronts; the front is then current (or the index is empty).
    pub fn settle(&mut self, valid: impl Fn(&Entry<K>) -> bool) {
        while self.run.front().is_some_and(|e| !valid(e)) {
            self.run.pop_front();
        }
        while self.heap.peek().is_some_and(|Reverse(e)| !valid(e)) {
            self.heap.pop();
        }
    }

    /// The smallest entry; current if [`Index::settle`] ran since the last change.
    pub fn peek(&self) -> Option<Entry<K>> {
        match (self.run.front(), self.heap.peek()) {
            (Some(a), Some(Reverse(b))) => Some(*a.min(b)),
            (a, b) => a.copied().or(b.map(|Reverse(e)| *e)),
        }
    }

    /// Removes the smallest entry.
    pub fn pop(&mut self) -> Option<Entry<K>> {
        let from_heap = match (self.run.front(), self.heap.peek()) {
            (Some(a), Some(Reverse(b))) => b < a,
            (None, Some(_)) => true,
            _ => false,
        };
        if from_heap {
            self.heap.pop().map(|Reverse(e)| e)
        } else {
            self.run.pop_front()
        }
    }

    /// Every entry, stale ones included, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry<K>> {
        self.run.iter().chain(self.heap.iter().map(|Reverse(e)| e))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Against a sorted model: pops come out in key order whatever the push order, and
        /// entries made stale never come out.
        #[test]
        fn pops_in_key_order_without_stale_entries(
            ops in prop::collection::vec((0u64..50, any::<bool>()), 1..300),
        ) {
            let mut index = Index::new();
            let mut live: Vec<u64> = Vec::new();
            let mut stale = std::collections::BTreeSet::new();
            for (i, (key, kill)) in ops.into_iter().enumerate() {
                let tag = i as u64;
                index.push(Entry { key, tag, slot: 0 }, live.len(), |e| !stale.contains(&e.tag));
                live.push(tag);
                if kill && i % 3 == 0 {
                    stale.insert(tag);
                    live.retain(|&t| t != tag);
                }
                index.settle(|e| !stale.contains(&e.tag));
            }
            let mut last = None;
            while let Some(e) = index.pop() {
                index.settle(|e| !stale.contains(&e.tag));
                prop_assert!(!stale.contains(&e.tag));
                prop_assert!(last.is_none_or(|l| l <= e.key));
                last = Some(e.key);
                live.retain(|&t| t != e.tag);
            }
            prop_assert!(live.is_empty(), "every live entry came out");
        }
    }
}
