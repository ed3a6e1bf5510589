//! Exercise 3, reference solution: find every prime up to a limit, in parallel.
//!
//! The same public API as the starter in `exercises/ex3`, checked by the very same tests.

use std::ops::RangeInclusive;
use std::sync::Arc;

use concurrent::{Error, Executor};

/// Step 1. True if `n` is prime, by trial division: try every odd divisor up to √n.
///
/// Simple and correct, but each number costs up to √n divisions: fine for one number, slow for a
/// million of them (the demo shows how slow).
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n < 4 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    // `d <= n / d` is `d * d <= n` without overflow for n close to u64::MAX.
    let mut d = 3;
    while d <= n / d {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// Step 1. Every prime in `0..=limit`, in order, by testing each number with [`is_prime`]: the
/// baseline the sieve is measured against.
pub fn primes_by_trial_division(limit: u64) -> Vec<u64> {
    (0..=limit).filter(|&n| is_prime(n)).collect()
}

/// Step 2. Splits `0..=limit` into `chunks` contiguous, non-empty ranges, in order, that cover every
/// number exactly once. Sizes differ by at most one. There are never more ranges than numbers, and
/// `chunks == 0` is treated as 1.
pub fn chunk_ranges(limit: u64, chunks: usize) -> Vec<RangeInclusive<u64>> {
    // u128: `limit + 1` numbers does not fit in u64 when limit is u64::MAX.
    let numbers = u128::from(limit) + 1;
    let chunks = (chunks.max(1) as u128).min(numbers);
    let (size, extra) = (numbers / chunks, numbers % chunks);
    let mut start: u128 = 0;
    (0..chunks)
        .map(|index| {
            let len = size + u128::from(index < extra);
            let range = start as u64..=(start + len - 1) as u64;
            start += len;
            range
        })
        .collect()
}

/// Step 3. The primes up to √limit, with a plain sieve of Eratosthenes: the only divisors a
/// segment of `0..=limit` needs. Computed once and shared by every chunk.
pub fn base_primes(limit: u64) -> Vec<u64> {
    let root = limit.isqrt();
    let Ok(size) = usize::try_from(root + 1) else {
        unreachable!("√u64::MAX fits in usize on 64-bit targets")
    };
    let mut composite = vec![false; size];
    let mut primes = Vec::new();
    for n in 2..size {
        if composite[n] {
            continue;
        }
        primes.push(n as u64);
        for multiple in (n * n..size).step_by(n) {
            composite[multiple] = true;
        }
    }
    primes
}

/// Step 3. The primes in `range`, in order, by a segmented sieve: cross out the multiples of each
/// base prime inside the range only. `base_primes` must hold every prime up to √(end of range)
/// ([`base_primes`] of the overall limit does).
pub fn sieve_segment(range: RangeInclusive<u64>, base_primes: &[u64]) -> Vec<u64> {
    let mut primes: Vec<u64> = [2, 3, 5]
        .into_iter()
        .filter(|p| range.contains(p))
        .collect();
    for_each_segment(range, base_primes, |first_byte, bytes| {
        for (index, &byte) in bytes.iter().enumerate() {
            // Each set bit is a prime: byte i, bit k stands for 30 × (first_byte + i) + WHEEL[k].
            let base = 30 * (first_byte + index as u64);
            let mut bits = byte;
            while bits != 0 {
                primes.push(base + WHEEL[bits.trailing_zeros() as usize]);
                bits &= bits - 1;
            }
        }
    });
    primes
}

/// Step 5. How many primes are in `range`, without collecting them: the same sieve as
/// [`sieve_segment`], counting set bits instead of listing them, so memory stays at one
/// cache-sized segment.
pub fn count_segment(range: RangeInclusive<u64>, base_primes: &[u64]) -> u64 {
    let mut count = [2, 3, 5].iter().filter(|p| range.contains(p)).count() as u64;
    for_each_segment(range, base_primes, |_, bytes| {
        // Eight bytes at a time: one count_ones per word.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let word = u64::from_ne_bytes(word.try_into().unwrap_or_default());
            count += u64::from(word.count_ones());
        }
        count += words
            .remainder()
            .iter()
            .map(|byte| u64::from(byte.count_ones()))
            .sum::<u64>();
    });
    count
}

/// The numbers coprime to 30 in one turn of the wheel: every prime above 5 is 30k + one of them.
const WHEEL: [u64; 8] = [1, 7, 11, 13, 17, 19, 23, 29];
/// `GAPS[k]` leads from `WHEEL[k]` to the next number coprime to 30 (29 + 2 = 31 ends the turn).
const GAPS: [u64; 8] = [6, 4, 2, 4, 2, 4, 6, 2];

/// Bytes sieved at a time: 128 KiB fit the L2 cache, so crossing out never waits on main memory,
/// and at 30 numbers a byte a segment covers almost 4 million numbers: every sieving prime up to
/// √10^10 has multiples in each segment (a prime's multiples are p bytes apart per wheel turn).
const SEGMENT_BYTES: usize = 128 * 1024;

/// Sieves `range` one segment at a time and hands each to `on_segment(first_byte, bytes)`: byte
/// `i` covers the 30 numbers from 30 × (`first_byte` + i), bit `k` standing for the number
/// 30 × (`first_byte` + i) + `WHEEL[k]`, set if and only if that number is a prime in `range`. The
/// primes 2, 3 and 5 are not on the wheel: the callers add them.
///
/// The classic tricks of fast sieves: a wheel (only numbers coprime to 30, 8 bits per 30 numbers);
/// segments that fit the cache; a pre-sieve that copies the pattern of the multiples of the
/// smallest primes instead of crossing them out (they would cost the most); and, per sieving prime,
/// its next multiple kept from segment to segment, so there is no division per segment.
fn for_each_segment(
    range: RangeInclusive<u64>,
    base_primes: &[u64],
    mut on_segment: impl FnMut(u64, &[u8]),
) {
    let (start, end) = (*range.start(), *range.end());
    if start > end || end < 7 {
        return;
    }
    // The bytes covering the range, and the bits of the first and last byte that are inside it.
    let (first_byte, last_byte) = (start / 30, end / 30);
    let total_bytes = last_byte - first_byte + 1;
    let first_mask = wheel_mask(|r| r >= start % 30);
    let last_mask = wheel_mask(|r| r <= end % 30);
    let mut sieving: Vec<SievingPrime> = base_primes
        .iter()
        .copied()
        .filter(|&p| p > PRESIEVED_MAX)
        .take_while(|&p| p.saturating_mul(p) <= end)
        .map(|p| SievingPrime::new(p, first_byte))
        .collect();
    let mut segment =
        vec![0; SEGMENT_BYTES.min(usize::try_from(total_bytes).unwrap_or(usize::MAX))];
    let mut done = 0;
    while done < total_bytes {
        let len = (SEGMENT_BYTES as u64).min(total_bytes - done);
        let segment_first = first_byte + done;
        let bytes = &mut segment[..len as usize];
        presieve(bytes, segment_first);
        for prime in &mut sieving {
            prime.cross_off(bytes);
        }
        // 1 is not prime; the pre-sieved primes are, though the pre-sieve crossed them out.
        if segment_first == 0 {
            bytes[0] &= !1;
        }
        for &p in PATTERNS.iter().copied().flatten() {
            if let Some(byte) = (p / 30).checked_sub(segment_first)
                && let Some(byte) = bytes.get_mut(byte as usize)
            {
                *byte |= wheel_mask(|r| r == p % 30);
            }
        }
        if done == 0 {
            bytes[0] &= first_mask;
        }
        if done + len == total_bytes {
            bytes[len as usize - 1] &= last_mask;
        }
        on_segment(segment_first, bytes);
        done += len;
    }
}

/// The byte whose bit `k` is set when `keep(WHEEL[k])`.
fn wheel_mask(keep: impl Fn(u64) -> bool) -> u8 {
    (0..8)
        .filter(|&k| keep(WHEEL[k]))
        .fold(0, |mask, k| mask | 1 << k)
}

/// A sieving prime p (above the pre-sieved ones) and where its next multiple p × q to cross out is: q is coprime to 30 (the other
/// multiples are not on the wheel), so q steps along the wheel and p × q moves by p × GAPS.
#[derive(Debug)]
struct SievingPrime {
    /// p / 30.
    quotient: usize,
    /// The index of p mod 30 in `WHEEL`: with `wheel`, it fixes the bit and byte steps.
    class: usize,
    /// The index of q mod 30 in `WHEEL`.
    wheel: usize,
    /// The byte of p × q, from the start of the current segment.
    byte: usize,
}

impl SievingPrime {
    /// Starts at the first multiple p × q >= p² (smaller ones have a smaller factor) in or after
    /// byte `first_byte`. u128: near u64::MAX the multiple overflows u64.
    fn new(p: u64, first_byte: u64) -> Self {
        let (p128, first) = (u128::from(p), 30 * u128::from(first_byte));
        let q = first.div_ceil(p128).max(p128);
        let wheel = WHEEL
            .iter()
            .position(|&r| u128::from(r) >= q % 30)
            .unwrap_or(7);
        let q = q - q % 30 + u128::from(WHEEL[wheel]);
        let byte = (p128 * q / 30 - u128::from(first_byte)).min(usize::MAX as u128) as usize;
        let class = WHEEL.iter().position(|&r| r == p % 30).unwrap_or(0);
        Self {
            quotient: (p / 30) as usize,
            class,
            wheel,
            byte,
        }
    }

    /// Crosses out this prime's multiples in `segment`, then moves on to the next segment.
    fn cross_off(&mut self, segment: &mut [u8]) {
        let (len, step) = (segment.len(), &STEPS[self.class]);
        let clear = &CLEAR[self.class];
        let gap = |k: usize| self.quotient * GAPS[k] as usize + step[k] as usize;
        let (mut byte, mut wheel) = (self.byte, self.wheel);
        // One multiple at a time up to the start of a wheel turn...
        while wheel != 0 && byte < len {
            segment[byte] &= clear[wheel];
            byte += gap(wheel);
            wheel = (wheel + 1) % 8;
        }
        // ... then whole turns: q grows by 30, so p × q moves by exactly p bytes, and its 8
        // multiples sit at the same offsets in every turn.
        if wheel == 0 {
            let mut offsets = [0; 8];
            for k in 1..8 {
                offsets[k] = offsets[k - 1] + gap(k - 1);
            }
            let p = offsets[7] + gap(7);
            while byte + p <= len {
                let turn = &mut segment[byte..byte + p];
                for k in 0..8 {
                    turn[offsets[k]] &= clear[k];
                }
                byte += p;
            }
        }
        while byte < len {
            segment[byte] &= clear[wheel];
            byte += gap(wheel);
            wheel = (wheel + 1) % 8;
        }
        (self.byte, self.wheel) = (byte - len, wheel);
    }
}

/// For p ≡ `WHEEL[c]` and q ≡ `WHEEL[k]` (mod 30): `CLEAR[c][k]` clears the bit of p × q in its
/// byte, and p × (q + `GAPS[k]`) is (p / 30) × `GAPS[k]` + `STEPS[c][k]` bytes further on.
const CLEAR: [[u8; 8]; 8] = wheel_tables().0;
const STEPS: [[u8; 8]; 8] = wheel_tables().1;

const fn wheel_tables() -> ([[u8; 8]; 8], [[u8; 8]; 8]) {
    let (mut clear, mut steps) = ([[0; 8]; 8], [[0; 8]; 8]);
    let mut c = 0;
    while c < 8 {
        let mut k = 0;
        while k < 8 {
            let (pr, r) = (WHEEL[c], WHEEL[k]);
            let mut bit = 0;
            while WHEEL[bit] != pr * r % 30 {
                bit += 1;
            }
            clear[c][k] = !(1 << bit);
            steps[c][k] = (pr * (r + GAPS[k]) / 30 - pr * r / 30) as u8;
            k += 1;
        }
        c += 1;
    }
    (clear, steps)
}

/// The largest prime handled by the pre-sieve patterns.
const PRESIEVED_MAX: u64 = 67;
/// The pre-sieve patterns: the one for primes p1, p2... repeats every p1 × p2 × ... bytes (a byte
/// covers 30 numbers, and 30 is coprime to them). Anding a pattern costs one pass over the segment,
/// less than crossing out the many multiples of primes this small one by one.
const PATTERNS: [&[u64]; 7] = [
    &[7, 11, 13, 17],
    &[19, 23],
    &[29, 31],
    &[37, 41],
    &[43, 47],
    &[53, 59],
    &[61, 67],
];

/// Fills `bytes`, the segment from byte `first`, with the numbers coprime to 30 and to every
/// pre-sieved prime: a copy of the first pattern, and-ed with each of the others.
fn presieve(bytes: &mut [u8], first: u64) {
    static TABLES: std::sync::OnceLock<[Vec<u8>; PATTERNS.len()]> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        PATTERNS.map(|primes| {
            (0..primes.iter().product())
                .map(|i| wheel_mask(|r| primes.iter().all(|&p| !(30 * i + r).is_multiple_of(p))))
                .collect()
        })
    });
    for (index, table) in tables.iter().enumerate() {
        let mut offset = (first % table.len() as u64) as usize;
        let mut filled = 0;
        while filled < bytes.len() {
            let take = (table.len() - offset).min(bytes.len() - filled);
            let (to, from) = (
                &mut bytes[filled..filled + take],
                &table[offset..offset + take],
            );
            if index == 0 {
                to.copy_from_slice(from);
            } else {
                to.iter_mut().zip(from).for_each(|(to, from)| *to &= from);
            }
            filled += take;
            offset = 0;
        }
    }
}

/// Step 3. Every prime in `0..=limit`, sequentially: the sieve without the parallelism.
pub fn primes_sequential(limit: u64) -> Vec<u64> {
    sieve_segment(0..=limit, &base_primes(limit))
}

/// Step 4. Every prime in `0..=limit`, sorted, with no duplicates: the range is split into `chunks`
/// ([`chunk_ranges`]) that are sieved in parallel on `executor`. The base primes are computed once
/// and shared through an `Arc`: each task must own what it uses (`Send + 'static`).
///
/// Errors: the executor's error if it refuses the work (shut down, broken) or a chunk fails.
pub fn primes_parallel<E: Executor>(
    executor: &E,
    limit: u64,
    chunks: usize,
) -> Result<Vec<u64>, Error> {
    let base = Arc::new(base_primes(limit));
    let mut primes = Vec::new();
    // `map` yields in input order, so the concatenation is sorted.
    for chunk in executor.map(
        move |range| sieve_segment(range, &base),
        chunk_ranges(limit, chunks),
    ) {
        primes.extend(chunk?);
    }
    Ok(primes)
}

/// Step 5. How many primes are in `0..=limit`, counted chunk by chunk in parallel on `executor`
/// without ever holding the primes themselves.
pub fn count_primes_parallel<E: Executor>(
    executor: &E,
    limit: u64,
    chunks: usize,
) -> Result<u64, Error> {
    let base = Arc::new(base_primes(limit));
    executor
        .map(
            move |range| count_segment(range, &base),
            chunk_ranges(limit, chunks),
        )
        .sum()
}
