//! Step 4: primes_parallel on an executor. Parallelism is witnessed, never timed: the executor is
//! wrapped in a counter that holds each task at a gate until two of them run at once. Order is
//! checked on an executor that finishes the chunks in reverse or shuffled order, every run.

use std::time::Duration;

use concurrent::testing::{AdversarialExecutor, CountingExecutor};
use concurrent::{CpuPoolExecutor, Error, Executor, ThreadPoolExecutor};
use course_testing::expect_no_panic;
use ex3::{chunk_ranges, primes_parallel};

use crate::support::{PRIME_COUNTS, primes_by_definition};

/// Checks that `primes` are in increasing order; the tests' executor finished the chunks in an
/// order other than the input's, so results collected as they finish fail here.
fn assert_sorted(primes: &[u64]) {
    if let Some(at) = primes.windows(2).position(|w| w[0] >= w[1]) {
        panic!(
            "the primes are not in increasing order: {} comes before {} (at position {at}). The \
             chunks of this test finish in another order than they were submitted: collect the \
             results in the order of chunk_ranges (keep the futures in a Vec, or use \
             executor.map), not in the order they finish",
            primes[at],
            primes[at + 1]
        );
    }
}

#[course_testing::test(
    hint = "a chunk whose task never returns, or a result that is never collected?"
)]
fn primes_below_one_million() {
    let pool = AdversarialExecutor::shuffled(CpuPoolExecutor::new(2), 1_000_000);
    let primes = primes_parallel(&pool, 1_000_000, 100)
        .expect("the executor is healthy: primes_parallel should not fail");
    assert_eq!(
        primes.len(),
        78_498,
        "there are 78,498 primes below 1,000,000: fewer means a lost chunk or border, more means duplicates"
    );
    assert_sorted(&primes);
    assert_eq!(
        (primes[0], primes[primes.len() - 1]),
        (2, 999_983),
        "the smallest and the largest prime below 1,000,000"
    );
}

#[course_testing::test]
fn known_counts_with_many_chunkings() {
    let pool = ThreadPoolExecutor::new(3);
    for (limit, count) in PRIME_COUNTS
        .into_iter()
        .filter(|&(limit, _)| limit <= 10_000)
    {
        for chunks in [1, 2, 3, 7, 100, 20_000] {
            let primes = primes_parallel(&pool, limit, chunks).expect("a healthy executor");
            assert_eq!(
                primes.len() as u64,
                count,
                "primes_parallel(limit {limit}, {chunks} chunks) should find {count} primes"
            );
        }
    }
}

// ANCHOR: adversarial
#[course_testing::test]
fn every_chunk_border_is_kept() {
    let (limit, chunks) = (3_000, 37);
    let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(2));
    let primes = primes_parallel(&pool, limit, chunks).expect("a healthy executor");
    assert_sorted(&primes);
    for range in chunk_ranges(limit, chunks) {
        for border in [*range.start(), *range.end()] {
            let is_prime = !primes_by_definition(border..=border).is_empty();
            assert_eq!(
                primes.binary_search(&border).is_ok(),
                is_prime,
                "{border} is on a chunk border and {}: check the first and last number of each chunk",
                if is_prime {
                    "prime, but is missing"
                } else {
                    "not prime, but was reported"
                }
            );
        }
    }
}
// ANCHOR_END: adversarial

// ANCHOR: witness
#[course_testing::test]
fn the_chunks_really_run_in_parallel() {
    let pool =
        CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, Duration::from_secs(3));
    let primes = primes_parallel(&pool, 200_000, 8).expect("a healthy executor");
    assert_eq!(
        primes.len(),
        17_984,
        "there are 17,984 primes up to 200,000"
    );
    assert!(
        pool.submitted() >= 2,
        "only {} task(s) reached the executor: submit each chunk with executor.submit or executor.map",
        pool.submitted()
    );
    assert!(
        pool.max_in_flight() >= 2 && !pool.gate_timed_out(),
        "the chunks ran one at a time (at most {} in flight): do you wait for each result before submitting the next chunk? Submit them all first, then collect",
        pool.max_in_flight()
    );
}
// ANCHOR_END: witness

#[course_testing::test]
fn works_on_any_executor() {
    let on_threads = primes_parallel(&ThreadPoolExecutor::new(4), 50_000, 10);
    let on_cores = primes_parallel(&CpuPoolExecutor::new(2), 50_000, 10);
    assert_eq!(
        on_threads.map(|p| p.len()),
        Ok(5_133),
        "5,133 primes up to 50,000 on a ThreadPoolExecutor"
    );
    assert_eq!(
        on_cores.map(|p| p.len()),
        Ok(5_133),
        "5,133 primes up to 50,000 on a CpuPoolExecutor"
    );
}

// ANCHOR: lesson
#[course_testing::test]
fn a_shut_down_executor_is_an_error_not_a_panic() {
    const LESSON: &str = "submitting to a shut-down executor fails: return its error with `?` \
                          instead of unwrapping";
    let pool = ThreadPoolExecutor::new(2);
    pool.shutdown(true, false);
    let outcome = expect_no_panic(LESSON, || primes_parallel(&pool, 1_000, 4));
    assert_eq!(outcome, Err(Error::Shutdown), "{LESSON}");
}
// ANCHOR_END: lesson
