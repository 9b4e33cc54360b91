//! The simulation's one source of randomness: a seeded, portable PCG generator.
//!
//! `rand_pcg::Pcg64Mcg` is named and versioned, so a seed gives the same stream natively and in
//! wasm (rand's `StdRng`/`SmallRng` make no such promise). Floats are built from integer draws
//! and transcendental maths goes through `libm`, so results are bit-identical on every target.

use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The seeded random number generator owned by one simulation.
#[derive(Clone, Debug)]
pub struct SimRng {
    inner: Pcg64Mcg,
}

impl SimRng {
    /// A generator for `seed`; the same seed always gives the same stream.
    pub fn new(seed: u64) -> SimRng {
        SimRng { inner: Pcg64Mcg::seed_from_u64(seed) }
    }

    /// A child generator with its own stream, seeded from this one (for a sub-model created
    /// mid-run, so its draws do not shift everyone else's).
    pub fn split(&mut self) -> SimRng {
        SimRng::new(self.next_u64())
    }

    /// A uniformly random `u64`.
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform float in `(0, 1]`: safe to take the logarithm of.
    pub fn next_f64_nonzero(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in `[0, n)`; `n` must be positive. Uses Lemire's widening multiply
    /// with rejection, so there is no modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "SimRng::below(0)");
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// `true` with probability `p` (clamped to `[0, 1]`). A certain outcome (`p` ≤ 0 or ≥ 1)
    /// draws nothing, so a knob at zero costs nothing and does not shift later draws.
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        self.next_f64() < p
    }
}
