//! A seeded delay per key (a DNS name, an HTTP path) for the loopback servers' demos and benchmarks.

use std::time::Duration;

/// A delay per key (a DNS name for the `dns` server, a path for the `http` one), uniformly in
/// `[min_ms, max_ms]`, fixed by `seed` and the key, so a run gives the same delays whatever order
/// the queries or requests arrive in: for demos and benchmarks of I/O-bound code, never for
/// synchronisation in tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delay {
    /// Another seed gives other delays.
    pub seed: u64,
    /// The shortest delay, in milliseconds.
    pub min_ms: u64,
    /// The longest delay, in milliseconds (inclusive).
    pub max_ms: u64,
}

impl Delay {
    /// The delay of `key`, exactly as given: each server normalises its keys first.
    pub(crate) fn for_key(&self, key: &str) -> Duration {
        // FNV-1a of the key, mixed with the seed by SplitMix64: no RNG crate needed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let mut z = h ^ self.seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let span = self.max_ms.saturating_sub(self.min_ms) + 1;
        Duration::from_millis(self.min_ms + z % span)
    }
}
