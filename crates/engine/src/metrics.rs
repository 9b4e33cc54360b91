//! Metrics time series in bounded memory.
//!
//! A [`Series`] covers the whole run with at most `capacity` buckets. When time outgrows them,
//! neighbouring buckets merge and the bucket width doubles, so a simulated day costs the same
//! memory as a simulated minute, only coarser.

use crate::time::{SimDuration, SimTime};

/// Default number of buckets per series.
pub const DEFAULT_BUCKETS: usize = 240;

/// How a series' samples combine within a bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesKind {
    /// A level (queue depth, tokens): a bucket shows the mean of its samples; an empty bucket
    /// repeats the last level, because a level holds until it changes.
    Gauge,
    /// A count of happenings (sent, throttled): a bucket shows its total as a rate per second.
    Counter,
}

#[derive(Clone, Copy, Debug, Default)]
struct Bucket {
    sum: f64,
    samples: u32,
    last: f64,
}

impl Bucket {
    fn merge(self, later: Bucket) -> Bucket {
        Bucket {
            sum: self.sum + later.sum,
            samples: self.samples + later.samples,
            last: if later.samples > 0 { later.last } else { self.last },
        }
    }
}

/// One named time series with bounded memory.
#[derive(Clone, Debug)]
pub struct Series {
    name: &'static str,
    unit: &'static str,
    kind: SeriesKind,
    width: SimDuration,
    capacity: usize,
    buckets: Vec<Bucket>,
    end: SimTime,
    /// `[start, end)` of the last bucket in µs, so a record there skips the division.
    last_span: (u64, u64),
}

impl Series {
    /// A series whose buckets start `resolution` wide; `capacity` (at least 2, even) bounds memory.
    pub fn new(
        name: &'static str,
        unit: &'static str,
        kind: SeriesKind,
        resolution: SimDuration,
        capacity: usize,
    ) -> Series {
        assert!(resolution > SimDuration::ZERO, "series {name}: zero resolution");
        let capacity = capacity.max(2) & !1;
        Series {
            name,
            unit,
            kind,
            width: resolution,
            capacity,
            buckets: Vec::with_capacity(capacity),
            end: SimTime::ZERO,
            last_span: (0, 0),
        }
    }

    /// The series' name as shown in legends.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The unit of its values ("messages", "per s").
    pub fn unit(&self) -> &'static str {
        self.unit
    }
    /// Gauge or counter.
    pub fn kind(&self) -> SeriesKind {
        self.kind
    }
    /// The current bucket width.
    pub fn resolution(&self) -> SimDuration {
        self.width
    }
    /// Memory used, in buckets: never more than the capacity.
    pub fn len(&self) -> usize {
        self.buckets.len()
    }
    /// `true` before the first sample.
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Records a gauge level, or adds `value` happenings to a counter, at time `at`.
    pub fn record(&mut self, at: SimTime, value: f64) {
        let idx = self.bucket_index(at);
        let bucket = &mut self.buckets[idx];
        bucket.sum += value;
        bucket.samples += 1;
        bucket.last = value;
        self.end = self.end.max(at);
    }

    /// Extends the series to `now` without a sample (so a quiet counter shows zeros up to now).
    pub fn touch(&mut self, now: SimTime) {
        self.bucket_index(now);
        self.end = self.end.max(now);
    }

    /// The value of the latest bucket (gauge level, or the rate of the last finished counter
    /// bucket), if any.
    pub fn latest(&self) -> Option<f64> {
        self.points().last().map(|p| p.1)
    }

    /// `(bucket start, value)` pairs over the whole run. Gauge buckets give their mean level;
    /// counter buckets give a rate per second, finished buckets only: the current one's rate is
    /// not known yet, and drawing it would end every chart in a false cliff.
    pub fn points(&self) -> Vec<(SimTime, f64)> {
        let mut out = Vec::with_capacity(self.buckets.len());
        let mut level = 0.0;
        for (i, b) in self.buckets.iter().enumerate() {
            let start = SimTime::ZERO + self.width.saturating_mul(i as u64);
            let value = match self.kind {
                SeriesKind::Gauge => {
                    if b.samples > 0 {
                        level = b.last;
                        b.sum / f64::from(b.samples)
                    } else {
                        level
                    }
                }
                SeriesKind::Counter => {
                    if self.end < start + self.width {
                        break;
                    }
                    b.sum / self.width.as_secs_f64()
                }
            };
            out.push((start, value));
        }
        out
    }

    fn bucket_index(&mut self, at: SimTime) -> usize {
        let (lo, hi) = self.last_span;
        if (lo..hi).contains(&at.as_micros()) {
            return self.buckets.len() - 1;
        }
        let idx = self.bucket_index_slow(at);
        if idx + 1 == self.buckets.len() {
            let start = idx as u64 * self.width.as_micros();
            self.last_span = (start, start + self.width.as_micros());
        }
        idx
    }

    fn bucket_index_slow(&mut self, at: SimTime) -> usize {
        let mut idx = (at.as_micros() / self.width.as_micros()) as usize;
        while idx >= self.capacity {
            self.compact();
            idx = (at.as_micros() / self.width.as_micros()) as usize;
        }
        while self.buckets.len() <= idx {
            // A new gauge bucket starts from the last known level, with no samples yet.
            let last = self.buckets.last().map_or(0.0, |b| b.last);
            self.buckets.push(Bucket { sum: 0.0, samples: 0, last });
        }
        idx
    }

    /// Halves the resolution: bucket pairs merge and the width doubles.
    fn compact(&mut self) {
        self.last_span = (0, 0);
        let merged: Vec<Bucket> = self
            .buckets
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => a.merge(*b),
                [a] => *a,
                _ => unreachable!("chunks(2) yields one or two buckets"),
            })
            .collect();
        self.buckets = merged;
        self.width = self.width.saturating_mul(2);
    }
}

/// All the series of one simulation, in a fixed order.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    series: Vec<Series>,
}

/// A handle to one series in [`Metrics`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesId(usize);

impl Metrics {
    /// No series yet.
    pub fn new() -> Metrics {
        Metrics::default()
    }

    /// Adds a series with the default capacity and returns its handle.
    pub fn add(
        &mut self,
        name: &'static str,
        unit: &'static str,
        kind: SeriesKind,
        resolution: SimDuration,
    ) -> SeriesId {
        self.series.push(Series::new(name, unit, kind, resolution, DEFAULT_BUCKETS));
        SeriesId(self.series.len() - 1)
    }

    /// Records a sample (see [`Series::record`]).
    pub fn record(&mut self, id: SeriesId, at: SimTime, value: f64) {
        self.series[id.0].record(at, value);
    }

    /// Extends every series to `now`.
    pub fn touch(&mut self, now: SimTime) {
        for s in &mut self.series {
            s.touch(now);
        }
    }

    /// One series.
    pub fn get(&self, id: SeriesId) -> &Series {
        &self.series[id.0]
    }

    /// Every series, in the order they were added.
    pub fn series(&self) -> impl Iterator<Item = &Series> {
        self.series.iter()
    }

    /// About how many bytes the series hold.
    pub fn bytes(&self) -> u64 {
        self.series.iter().map(|s| (s.buckets.capacity() * std::mem::size_of::<Bucket>()) as u64 + 96).sum()
    }
}

/// Sub-buckets per power of two: values are kept to within 1/16 (about 6%).
const SUB_BUCKETS: u64 = 16;

/// A histogram of durations in fixed memory (64 powers of two × 16 sub-buckets), for latency
/// percentiles over runs of any length, with the exact sum for the mean (a bucket's edge is
/// within 6 %, too coarse for a mean checked against queueing theory). Integer-only, so
/// identical on every target.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    /// Microseconds of every recorded duration (u128: a day of 100,000 a second, each up to 14
    /// days, would overflow a u64).
    sum_micros: u128,
    max: SimDuration,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: vec![0; (64 * SUB_BUCKETS) as usize], total: 0, sum_micros: 0, max: SimDuration::ZERO }
    }
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Histogram {
        Histogram::default()
    }

    /// Records one duration.
    pub fn record(&mut self, d: SimDuration) {
        self.counts[bucket_of(d.as_micros())] += 1;
        self.total += 1;
        self.sum_micros += u128::from(d.as_micros());
        self.max = self.max.max(d);
    }

    /// Number of recorded durations.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The exact mean, in seconds (`None` when nothing was recorded).
    pub fn mean_secs(&self) -> Option<f64> {
        (self.total > 0).then(|| self.sum_micros as f64 / self.total as f64 / 1e6)
    }

    /// The `q`-quantile (0–1), as the upper edge of its bucket (never above the maximum seen).
    pub fn quantile(&self, q: f64) -> Option<SimDuration> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(SimDuration::from_micros(bucket_upper(i)).min(self.max));
            }
        }
        Some(self.max)
    }
}

fn bucket_of(us: u64) -> usize {
    if us < SUB_BUCKETS {
        return us as usize;
    }
    let exp = 63 - u64::from(us.leading_zeros());
    let sub = (us >> (exp - 4)) & (SUB_BUCKETS - 1);
    ((exp - 3) * SUB_BUCKETS + sub) as usize
}

fn bucket_upper(i: usize) -> u64 {
    let i = i as u64;
    if i < SUB_BUCKETS {
        return i;
    }
    let exp = i / SUB_BUCKETS + 3;
    let sub = i % SUB_BUCKETS;
    ((SUB_BUCKETS + sub + 1) << (exp - 4)) - 1
}
