//! Simulated time: integer microseconds owned by the simulation, never read from a clock.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};

/// A point in simulated time, in microseconds since the start of the run.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SimTime(u64);

/// A span of simulated time, in microseconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SimDuration(u64);

const MICROS_PER_MILLI: u64 = 1_000;
const MICROS_PER_SEC: u64 = 1_000_000;

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The far future: used as "never" by timers.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// A time from raw microseconds.
    pub const fn from_micros(us: u64) -> SimTime {
        SimTime(us)
    }
    /// A time from milliseconds since the start.
    pub const fn from_millis(ms: u64) -> SimTime {
        SimTime(ms.saturating_mul(MICROS_PER_MILLI))
    }
    /// A time from seconds since the start.
    pub const fn from_secs(s: u64) -> SimTime {
        SimTime(s.saturating_mul(MICROS_PER_SEC))
    }
    /// Raw microseconds since the start.
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    /// Whole milliseconds since the start (truncated).
    pub const fn as_millis(self) -> u64 {
        self.0 / MICROS_PER_MILLI
    }
    /// Seconds since the start, for display and charts only (never for scheduling).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_SEC as f64
    }
    /// The time elapsed since `earlier`, zero if `earlier` is later.
    pub const fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A duration from raw microseconds.
    pub const fn from_micros(us: u64) -> SimDuration {
        SimDuration(us)
    }
    /// A duration from milliseconds.
    pub const fn from_millis(ms: u64) -> SimDuration {
        SimDuration(ms.saturating_mul(MICROS_PER_MILLI))
    }
    /// A duration from seconds.
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s.saturating_mul(MICROS_PER_SEC))
    }
    /// A duration from fractional seconds, rounded to the nearest microsecond; negative
    /// and NaN become zero, huge values saturate.
    pub fn from_secs_f64(s: f64) -> SimDuration {
        SimDuration::from_micros_f64(s * MICROS_PER_SEC as f64)
    }
    /// Fractional microseconds, rounded half away from zero as `round` does, without a call
    /// (this is on every sampled delay's path). `as` saturates out-of-range floats (negative
    /// ones to 0) and maps NaN to 0; below 2^53 the fraction is exact, above it every float is
    /// an integer.
    pub fn from_micros_f64(micros: f64) -> SimDuration {
        let whole = micros as u64;
        let fraction = micros - whole as f64;
        SimDuration(if fraction >= 0.5 { whole.saturating_add(1) } else { whole })
    }
    /// Raw microseconds.
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    /// Whole milliseconds (truncated).
    pub const fn as_millis(self) -> u64 {
        self.0 / MICROS_PER_MILLI
    }
    /// Seconds, for display and rates only.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_SEC as f64
    }
    /// `self * n`, saturating.
    pub const fn saturating_mul(self, n: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(n))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    /// Saturates at [`SimTime::MAX`] so "never" stays "never".
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    /// Panics in debug builds if `earlier` is later: that is a scheduling bug, not user input.
    fn sub(self, earlier: SimTime) -> SimDuration {
        debug_assert!(earlier <= self, "time went backwards: {self:?} - {earlier:?}");
        self.saturating_since(earlier)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

/// Renders as seconds with microsecond precision (`12.000345s`): stable, so golden logs can use it.
impl fmt::Debug for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}s", self.0 / MICROS_PER_SEC, self.0 % MICROS_PER_SEC)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Debug for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}s", self.0 / MICROS_PER_SEC, self.0 % MICROS_PER_SEC)
    }
}

/// Renders for people: `0 ms`, `412 ms`, `1.25 s`, `3 min 20 s`.
impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        if us < MICROS_PER_SEC {
            return write!(f, "{} ms", (us + MICROS_PER_MILLI / 2) / MICROS_PER_MILLI);
        }
        if us < 60 * MICROS_PER_SEC {
            let centis = (us + 5_000) / 10_000;
            return write!(f, "{}.{:02} s", centis / 100, centis % 100);
        }
        let secs = (us + MICROS_PER_SEC / 2) / MICROS_PER_SEC;
        if secs < 3600 {
            return write!(f, "{} min {} s", secs / 60, secs % 60);
        }
        write!(f, "{} h {} min", secs / 3600, secs % 3600 / 60)
    }
}
