//! Exercise 3, reference solution: find every prime up to a limit, in parallel.
//!
//! The same public API as the starter in `exercises/ex3`, checked by the very same tests.

use std::ops::RangeInclusive;
use std::sync::Arc;

use concurrent::{Error, Executor};

/// Odd numbers sieved at a time inside one chunk: 32 KiB of flags fit the L1 cache, so crossing
/// out multiples never waits on main memory.
const BLOCK_ODDS: u64 = 32 * 1024;

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
    let mut primes = Vec::new();
    if range.contains(&2) {
        primes.push(2);
    }
    for_each_odd_block(range, base_primes, |block_first, is_composite| {
        primes.extend(
            is_composite
                .iter()
                .enumerate()
                .filter(|&(_, &composite)| !composite)
                .map(|(index, _)| block_first + 2 * index as u64),
        );
    });
    primes
}

/// Step 5. How many primes are in `range`, without collecting them: the same sieve as
/// [`sieve_segment`], counting instead of pushing, so memory stays at one cache-sized block.
pub fn count_segment(range: RangeInclusive<u64>, base_primes: &[u64]) -> u64 {
    let mut count = u64::from(range.contains(&2));
    for_each_odd_block(range, base_primes, |_, is_composite| {
        count += is_composite.iter().filter(|&&composite| !composite).count() as u64;
    });
    count
}

/// Sieves the odd numbers (from 3) of `range` block by block; `on_block(first, composite)` gets
/// each block, where entry `i` stands for the number `first + 2i`.
///
/// Three classic tricks keep it fast: odd numbers only (half the table); blocks that fit the L1
/// cache; and a pre-sieve that copies the pattern of the multiples of 3, 5, 7, 11 and 13 instead of
/// crossing them out one by one (those small primes would cost the most).
fn for_each_odd_block(
    range: RangeInclusive<u64>,
    base_primes: &[u64],
    mut on_block: impl FnMut(u64, &[bool]),
) {
    let (start, end) = (*range.start(), *range.end());
    if start > end || end < 3 {
        return;
    }
    // The first odd number >= max(start, 3).
    let first_odd = match start.max(3) {
        n if n.is_multiple_of(2) => n + 1,
        n => n,
    };
    if first_odd > end {
        return;
    }
    let odds = (end - first_odd) / 2 + 1;
    let pattern = presieve_pattern();
    // For each sieving prime, the index (from `first_odd`) of the next odd multiple to cross out:
    // kept from block to block, so no division per block.
    let sieving: Vec<u64> = base_primes
        .iter()
        .copied()
        .filter(|&p| p > PRESIEVED_MAX)
        .collect();
    let mut next: Vec<u64> = sieving
        .iter()
        .map(|&p| {
            let mut multiple = first_odd
                .div_ceil(p)
                .saturating_mul(p)
                .max(p.saturating_mul(p));
            if multiple.is_multiple_of(2) {
                multiple = multiple.saturating_add(p);
            }
            (multiple - first_odd) / 2
        })
        .collect();
    let mut composite = vec![false; BLOCK_ODDS.min(odds) as usize];
    let mut done = 0;
    while done < odds {
        let len = BLOCK_ODDS.min(odds - done);
        let block_first = first_odd + 2 * done;
        let block = &mut composite[..len as usize];
        // The pattern repeats every PATTERN_LEN odd numbers; odd n has global index (n - 1) / 2.
        let mut offset = ((block_first - 1) / 2 % PATTERN_LEN as u64) as usize;
        let mut filled = 0;
        while filled < block.len() {
            let take = (PATTERN_LEN - offset).min(block.len() - filled);
            block[filled..filled + take].copy_from_slice(&pattern[offset..offset + take]);
            filled += take;
            offset = 0;
        }
        // The pre-sieved primes themselves are prime.
        for p in [3u64, 5, 7, 11, 13] {
            if (block_first..=block_first + 2 * (len - 1)).contains(&p) {
                block[((p - block_first) / 2) as usize] = false;
            }
        }
        let block_end = done + len;
        for (&p, next) in sieving.iter().zip(next.iter_mut()) {
            let mut index = *next;
            if index >= block_end {
                if p.saturating_mul(p) > block_first + 2 * (len - 1) {
                    break; // sorted: no larger prime has a multiple to cross out here yet
                }
                continue;
            }
            while index < block_end {
                block[(index - done) as usize] = true;
                index += p;
            }
            *next = index;
        }
        on_block(block_first, block);
        done = block_end;
    }
}

/// The largest prime handled by the pre-sieve pattern.
const PRESIEVED_MAX: u64 = 13;
/// 3 × 5 × 7 × 11 × 13: the pattern of their odd multiples repeats every that many odd numbers.
const PATTERN_LEN: usize = 15_015;

/// `pattern[k]` is true when the odd number 2k + 1 is a multiple of 3, 5, 7, 11 or 13.
fn presieve_pattern() -> &'static [bool] {
    static PATTERN: std::sync::OnceLock<Vec<bool>> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        (0..PATTERN_LEN as u64)
            .map(|k| {
                [3, 5, 7, 11, 13]
                    .iter()
                    .any(|&p| (2 * k + 1).is_multiple_of(p))
            })
            .collect()
    })
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
