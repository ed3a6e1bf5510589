//! Step 4: primes_parallel on an executor. Parallelism is witnessed, never timed: the executor is
//! wrapped in a counter that holds each task at a gate until two of them run at once. Order is
//! checked on an executor that finishes the chunks in reverse or shuffled order, every run.

use concurrent::testing::{AdversarialExecutor, CountingExecutor};
use concurrent::{CpuPoolExecutor, Error, Executor, ThreadPoolExecutor};
use course_testing::expect_no_panic;
use ex3::{chunk_ranges, primes_parallel};

use crate::support::{
    GATE_TIMEOUT, PRIME_COUNTS, assert_ran_in_parallel, counted, primes_by_definition,
};

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

/// What `primes_parallel` returned, for a message: the count of an `Ok`, not the whole list.
fn described(outcome: &Result<Vec<u64>, Error>) -> String {
    match outcome {
        Ok(primes) => format!("Ok with {}", counted(primes.len(), "prime")),
        Err(error) => format!("Err({error:?})"),
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
        "expected 78,498 primes below 1,000,000, got {}: fewer means a lost chunk or border, more \
         means duplicates",
        primes.len()
    );
    assert_sorted(&primes);
    assert_eq!(
        (primes[0], primes[primes.len() - 1]),
        (2, 999_983),
        "expected 2 and 999,983 as the smallest and the largest prime below 1,000,000, got {} and {}",
        primes[0],
        primes[primes.len() - 1]
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
            let primes = primes_parallel(&pool, limit, chunks)
                .expect("the executor is healthy: primes_parallel should not fail");
            assert_eq!(
                primes.len() as u64,
                count,
                "primes_parallel(&pool, {limit}, {chunks}) should find {}, got {}",
                counted(count, "prime"),
                primes.len()
            );
        }
    }
}

// ANCHOR: adversarial
#[course_testing::test]
fn every_chunk_border_is_kept() {
    let (limit, chunks) = (3_000, 37);
    let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(2));
    let primes = primes_parallel(&pool, limit, chunks)
        .expect("the executor is healthy: primes_parallel should not fail");
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
    let pool = CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, GATE_TIMEOUT);
    let primes = primes_parallel(&pool, 200_000, 8)
        .expect("the executor is healthy: primes_parallel should not fail");
    assert_eq!(
        primes.len(),
        17_984,
        "expected 17,984 primes up to 200,000, got {}",
        primes.len()
    );
    assert_ran_in_parallel(&pool, "primes_parallel");
}
// ANCHOR_END: witness

#[course_testing::test]
fn works_on_any_executor() {
    let on_threads = primes_parallel(&ThreadPoolExecutor::new(4), 50_000, 10);
    let on_cores = primes_parallel(&CpuPoolExecutor::new(2), 50_000, 10);
    for (executor, outcome) in [
        ("ThreadPoolExecutor", on_threads),
        ("CpuPoolExecutor", on_cores),
    ] {
        assert!(
            outcome.as_ref().is_ok_and(|primes| primes.len() == 5_133),
            "on a {executor}: expected Ok with 5,133 primes up to 50,000, got {}",
            described(&outcome)
        );
    }
}

// ANCHOR: lesson
#[course_testing::test]
fn a_shut_down_executor_is_an_error_not_a_panic() {
    const LESSON: &str = "submitting to a shut-down executor fails: return its error with `?` \
                          instead of unwrapping";
    let pool = ThreadPoolExecutor::new(2);
    pool.shutdown(true, false);
    let outcome = expect_no_panic(LESSON, || primes_parallel(&pool, 1_000, 4));
    assert!(
        matches!(outcome, Err(Error::Shutdown)),
        "{LESSON}\nExpected Err(Shutdown), got {}",
        described(&outcome)
    );
}
// ANCHOR_END: lesson
