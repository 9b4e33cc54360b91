//! Where every message is: the conservation law of a flow.
//!
//! A message gets a flow-wide id when it is first sent; a fan-out (a topic's subscriptions, a
//! function passing what it processed to several nodes) ends it as `Split` and gives each copy
//! an id of its own. At any moment each id is at exactly one node (in a queue, a stream, a
//! function, a topic delivering it), in transit between two, or ended with a reason — so
//! `born == at nodes + in transit + ended`, which the tests check after every run.

use serde::Serialize;

use crate::time::SimTime;

/// How a message (or copy) ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum End {
    /// Processed by its last node (a function or consumer with nothing downstream, an endpoint's 2xx).
    Processed,
    /// Replaced by one copy per destination (a fan-out).
    Split,
    /// A subscription's filter policy stopped it.
    Filtered,
    /// A FIFO queue or topic took it as a duplicate within 5 minutes.
    Deduplicated,
    /// It outlived the queue's or stream's retention.
    Expired,
    /// The sender gave up after its retries (throttled, 5xx or 504 each time).
    GaveUp,
    /// Refused for good: a 403 (API key), a 4xx from a backend, an SQS or Kinesis error no retry fixes.
    Refused,
    /// An HTTP/S endpoint answered SNS with a 4xx: SNS counts it delivered, the copy is gone.
    Http4xx,
    /// SNS ran out of delivery retries and the subscription has no dead-letter queue.
    DeliveryGaveUp,
    /// Lambda dropped an asynchronous event older than MaximumEventAgeInSeconds.
    EventTooOld,
    /// Lambda gave up on an asynchronous event after its retries, with no on-failure destination.
    AsyncFailed,
    /// A Kinesis mapping gave up on records (retries or age used up) with no on-failure destination.
    Skipped,
}

impl End {
    /// Every end, in report order.
    pub const ALL: [End; 12] = [
        End::Processed,
        End::Split,
        End::Filtered,
        End::Deduplicated,
        End::Expired,
        End::GaveUp,
        End::Refused,
        End::Http4xx,
        End::DeliveryGaveUp,
        End::EventTooOld,
        End::AsyncFailed,
        End::Skipped,
    ];

    /// The name in reports.
    pub fn key(self) -> &'static str {
        match self {
            End::Processed => "processed",
            End::Split => "split_into_copies",
            End::Filtered => "filtered",
            End::Deduplicated => "deduplicated",
            End::Expired => "expired",
            End::GaveUp => "sender_gave_up",
            End::Refused => "refused",
            End::Http4xx => "lost_sns_http_4xx",
            End::DeliveryGaveUp => "lost_sns_retries_used_up",
            End::EventTooOld => "lost_lambda_event_too_old",
            End::AsyncFailed => "lost_lambda_async_retries_used_up",
            End::Skipped => "lost_kinesis_records_skipped",
        }
    }

    /// A loss's chart name (`lost: sender gave up`); ends that are not losses have their key.
    pub fn loss_name(self) -> &'static str {
        match self {
            End::Expired => "lost: retention expired",
            End::GaveUp => "lost: sender gave up",
            End::Refused => "lost: refused",
            End::Http4xx => "lost: SNS HTTP 4xx",
            End::DeliveryGaveUp => "lost: SNS retries used up",
            End::EventTooOld => "lost: Lambda event too old",
            End::AsyncFailed => "lost: Lambda async retries used up",
            End::Skipped => "lost: Kinesis records skipped",
            e => e.key(),
        }
    }

    /// Whether this end loses the message (the rest are processed, split or stopped on purpose).
    pub fn is_loss(self) -> bool {
        !matches!(self, End::Processed | End::Split | End::Filtered | End::Deduplicated)
    }
}

/// Where one message is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// At a node (its index).
    At(u16),
    /// On its way to a node (a delivery or a call under way).
    Transit,
    /// Ended.
    Ended(End),
}

/// One message or copy.
#[derive(Clone, Copy, Debug)]
pub struct Copy {
    /// When the message it is a copy of was first sent (end-to-end latency starts there).
    pub born: SimTime,
    /// The first message's id: which message it is, for poison decisions.
    pub root: u64,
    /// Its template in the producer's mix (attributes and body), if any.
    pub template: u16,
    /// Its FIFO message group or Kinesis partition key number.
    pub key: u32,
    /// Its size, bytes.
    pub size: u32,
    /// The producer or client group that first sent it.
    pub origin: u16,
    /// Refused sends of this hop so far (a function's SDK retries them).
    pub tries: u8,
    /// Where it is.
    pub place: Place,
}

/// The counters of the conservation law, kept as copies move.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ledger {
    /// Ids given out (messages and copies).
    pub born: u64,
    /// Copies at each node now, by node index.
    pub at: Vec<u64>,
    /// Copies in transit now.
    pub transit: u64,
    /// Copies ended, by `End` in `End::ALL` order.
    pub ended: [u64; 12],
}

impl Ledger {
    /// A ledger for `nodes` nodes.
    pub fn new(nodes: usize) -> Ledger {
        Ledger { at: vec![0; nodes], ..Ledger::default() }
    }

    /// Moves a count from one place to another (`None`: a new id).
    pub fn moved(&mut self, from: Option<Place>, to: Place) {
        match from {
            None => self.born += 1,
            Some(p) => self.count(p, false),
        }
        self.count(to, true);
    }

    fn count(&mut self, p: Place, add: bool) {
        let slot = match p {
            Place::At(n) => &mut self.at[usize::from(n)],
            Place::Transit => &mut self.transit,
            Place::Ended(e) => &mut self.ended[e as usize],
        };
        *slot = if add { *slot + 1 } else { slot.saturating_sub(1) };
    }

    /// How many ended this way.
    pub fn ended(&self, e: End) -> u64 {
        self.ended[e as usize]
    }

    /// `born == at nodes + in transit + ended`.
    pub fn balances(&self) -> bool {
        self.born == self.at.iter().sum::<u64>() + self.transit + self.ended.iter().sum::<u64>()
    }
}

/// The live copies, by id: a slab whose slots are reused, each id its slot and the slot's
/// generation, so ids stay unique in a run and a lookup is an index (copies are looked up on
/// every hop of every message).
#[derive(Clone, Debug, Default)]
pub struct Copies {
    slots: Vec<(u32, Option<Copy>)>,
    free: Vec<u32>,
    live: usize,
}

impl Copies {
    /// Stores `copy`; its id.
    pub fn insert(&mut self, copy: Copy) -> u64 {
        self.live += 1;
        let slot = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push((0, None));
                (self.slots.len() - 1) as u32
            }
        };
        let entry = &mut self.slots[slot as usize];
        entry.0 = entry.0.wrapping_add(1);
        entry.1 = Some(copy);
        (u64::from(entry.0) << 32) | u64::from(slot)
    }

    fn slot(id: u64) -> (usize, u32) {
        ((id & 0xffff_ffff) as usize, (id >> 32) as u32)
    }

    /// The copy with this id, if it is alive.
    pub fn get(&self, id: &u64) -> Option<&Copy> {
        let (slot, gen) = Self::slot(*id);
        self.slots.get(slot).filter(|e| e.0 == gen).and_then(|e| e.1.as_ref())
    }

    /// The copy with this id, to change.
    pub fn get_mut(&mut self, id: &u64) -> Option<&mut Copy> {
        let (slot, gen) = Self::slot(*id);
        self.slots.get_mut(slot).filter(|e| e.0 == gen).and_then(|e| e.1.as_mut())
    }

    /// Forgets a copy.
    pub fn remove(&mut self, id: &u64) -> Option<Copy> {
        let (slot, gen) = Self::slot(*id);
        let entry = self.slots.get_mut(slot).filter(|e| e.0 == gen)?;
        let copy = entry.1.take()?;
        self.free.push(slot as u32);
        self.live -= 1;
        Some(copy)
    }

    /// Live copies.
    pub fn values(&self) -> impl Iterator<Item = &Copy> {
        self.slots.iter().filter_map(|e| e.1.as_ref())
    }

    /// How many are alive.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Slots held (live or free), for memory estimates.
    pub fn capacity(&self) -> usize {
        self.slots.capacity()
    }
}
