//! The simulation's one source of randomness: a seeded, portable PCG generator.
//!
//! `rand_pcg::Pcg64Mcg` is named and versioned, so a seed gives the same stream natively and in
//! wasm (rand's `StdRng`/`SmallRng` make no such promise). Floats are built from integer draws
//! and transcendental maths goes through `libm`, so results are bit-identical on every target.

use std::sync::OnceLock;

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

    /// A standard exponential draw (mean 1), by the ziggurat method: one integer draw and one
    /// multiply in 98.9% of cases, a logarithm or exponential only on the rare slow paths.
    /// Exact IEEE arithmetic and `libm` keep it identical on every target.
    pub fn exp1(&mut self) -> f64 {
        let t = exp_tables();
        loop {
            let bits = self.next_u64();
            let i = (bits & 0xff) as usize;
            // Bits 11–63 for the position, 0–7 for the layer: independent.
            let x = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64) * t.x[i];
            if x < t.x[i + 1] {
                return x;
            }
            if i == 0 {
                // The tail beyond R is itself exponential, shifted by R.
                return ZIG_EXP_R - libm::log(self.next_f64_nonzero());
            }
            if t.f[i + 1] + (t.f[i] - t.f[i + 1]) * self.next_f64() < libm::exp(-x) {
                return x;
            }
        }
    }
}

/// Start of the tail of the 256-layer exponential ziggurat (Marsaglia & Tsang, 2000).
const ZIG_EXP_R: f64 = 7.697_117_470_131_05;
/// Area of each layer.
const ZIG_EXP_V: f64 = 0.003_949_659_822_581_557;

/// Layer edges `x` (decreasing, `x[256] = 0`) and the density `f = e^-x` at them.
struct ExpTables {
    x: [f64; 257],
    f: [f64; 257],
}

fn exp_tables() -> &'static ExpTables {
    static TABLES: OnceLock<ExpTables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = ZIG_EXP_V / libm::exp(-ZIG_EXP_R);
        x[1] = ZIG_EXP_R;
        for i in 1..256 {
            x[i + 1] = -libm::log(ZIG_EXP_V / x[i] + libm::exp(-x[i]));
        }
        x[256] = 0.0;
        ExpTables { x, f: x.map(|xi| libm::exp(-xi)) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ziggurat_tables_close_at_zero_and_match_the_published_edges() {
        let t = exp_tables();
        // Marsaglia & Tsang's second edge, the layers shrinking to zero, the top one closing.
        assert!((t.x[2] - 6.941_033_629_377_212).abs() < 1e-9, "{}", t.x[2]);
        // The top layer, from 0 to x[255] under e^-x, has the same area as every layer.
        let top = t.x[255] * (1.0 - t.f[255]);
        assert!((top - ZIG_EXP_V).abs() < 1e-6, "top layer area {top}");
        assert!(t.x.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn exponential_draws_have_mean_one_and_the_right_tail() {
        let mut rng = SimRng::new(7);
        let n = 400_000;
        let draws: Vec<f64> = (0..n).map(|_| rng.exp1()).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
        // P(X > 3) = e^-3 ≈ 0.0498; P(X > 8) (the tail past R) ≈ 0.000335.
        let over = |v: f64| draws.iter().filter(|&&d| d > v).count() as f64 / n as f64;
        assert!((over(3.0) - 0.049_787).abs() < 0.002, "{}", over(3.0));
        assert!((over(8.0) - 0.000_335).abs() < 0.000_15, "{}", over(8.0));
        assert!(draws.iter().all(|&d| d >= 0.0));
    }
}
