//! # Exercise 3: find every prime up to a limit, in parallel
//!
//! Work through the steps in order; each has its tests: `cargo test -p ex3 step1`, then `step2`...
//! Stuck? `cargo xtask hint ex3`. The chapter "Exercise 3" of the book explains the ideas.
//!
//! 1. [`is_prime`] and [`primes_by_trial_division`]: the naive way, our baseline.
//! 2. [`chunk_ranges`]: split the work into pieces, without losing or repeating a number.
//! 3. [`base_primes`], [`sieve_segment`], [`primes_sequential`]: the segmented sieve of
//!    Eratosthenes, one chunk at a time.
//! 4. [`primes_parallel`]: the chunks in parallel on an executor from `concurrent`.
//! 5. [`count_segment`], [`count_primes_parallel`]: count without collecting.
//!
//! Replace each `todo!()` with your code. Keep the signatures: the tests call them.

use std::ops::RangeInclusive;

use concurrent::{Error, Executor};

/// Step 1. True if `n` is prime, by trial division.
///
/// A prime has exactly two divisors, 1 and itself: 0 and 1 are not prime, 2 is. Try the divisors
/// up to √n only: if `n = a × b` with `a <= b`, then `a <= √n`.
/// Careful near `u64::MAX`: `d * d` can overflow; `d <= n / d` cannot.
pub fn is_prime(n: u64) -> bool {
    todo!("step 1: decide whether {n} is prime by trying divisors up to its square root")
}

/// Step 1. Every prime in `0..=limit`, in increasing order, by testing each number with
/// [`is_prime`]. This is the baseline the sieve will beat.
pub fn primes_by_trial_division(limit: u64) -> Vec<u64> {
    todo!("step 1: keep the numbers of 0..={limit} that are prime")
}

/// Step 2. Splits `0..=limit` into `chunks` contiguous, non-empty ranges, in increasing order, that
/// together cover every number of `0..=limit` exactly once.
///
/// - There are exactly `chunks` ranges, unless there are fewer numbers than that: then one range
///   per number. `chunks == 0` is treated as 1.
/// - `limit` may not divide evenly: `chunk_ranges(10, 3)` could be `[0..=3, 4..=7, 8..=10]`.
/// - `limit` may be `u64::MAX`: then `limit + 1` overflows. Compute in `u128`.
pub fn chunk_ranges(limit: u64, chunks: usize) -> Vec<RangeInclusive<u64>> {
    todo!("step 2: split 0..={limit} into contiguous ranges (chunks = {chunks})")
}

/// Step 3. The primes up to √limit (`limit.isqrt()`), in order, with a plain sieve of
/// Eratosthenes. They are the only divisors needed to sieve any part of `0..=limit`.
pub fn base_primes(limit: u64) -> Vec<u64> {
    todo!("step 3: sieve the primes up to the square root of {limit}")
}

/// Step 3. The primes in `range`, in increasing order, by a *segmented* sieve: allocate a table for
/// the numbers of `range` only, and for each base prime `p` cross out its multiples inside the
/// range, starting at the first multiple `>= start` (and never below `p * p`, so `p` itself stays).
///
/// `base_primes` holds every prime up to √(end of range). An empty range (`start > end`) has no
/// primes.
pub fn sieve_segment(range: RangeInclusive<u64>, base_primes: &[u64]) -> Vec<u64> {
    todo!(
        "step 3: sieve {range:?} with the base primes ({} of them)",
        base_primes.len()
    )
}

/// Step 3. Every prime in `0..=limit`, sequentially: the base primes, then one sieve of the whole
/// range. The parallel version must give the same answer.
pub fn primes_sequential(limit: u64) -> Vec<u64> {
    todo!("step 3: base primes of {limit}, then sieve 0..={limit}")
}

/// Step 4. Every prime in `0..=limit`, sorted, without duplicates: split the range with
/// [`chunk_ranges`], sieve each chunk as a task on `executor`, and put the results together.
///
/// Compute the base primes once and share them with the tasks: a task must be `Send + 'static`,
/// so it cannot borrow a local `Vec`. (Which type lets several threads own the same data?)
/// If the executor refuses the work or a task fails, return that error; do not panic.
pub fn primes_parallel<E: Executor>(
    executor: &E,
    limit: u64,
    chunks: usize,
) -> Result<Vec<u64>, Error> {
    todo!(
        "step 4: split 0..={limit} into chunks (chunks = {chunks}) and sieve each as a task on \
         the executor (max_workers = {})",
        executor.max_workers()
    )
}

/// Step 5. How many primes are in `range`: like [`sieve_segment`], but count instead of collecting.
pub fn count_segment(range: RangeInclusive<u64>, base_primes: &[u64]) -> u64 {
    todo!(
        "step 5: count the primes of {range:?} with the base primes ({} of them)",
        base_primes.len()
    )
}

/// Step 5. How many primes are in `0..=limit`, counted chunk by chunk in parallel on `executor`,
/// without ever holding the primes themselves (so it also works for limits like 10^10).
pub fn count_primes_parallel<E: Executor>(
    executor: &E,
    limit: u64,
    chunks: usize,
) -> Result<u64, Error> {
    todo!(
        "step 5: count the primes of 0..={limit} chunk by chunk (chunks = {chunks}) on the \
         executor (max_workers = {})",
        executor.max_workers()
    )
}
