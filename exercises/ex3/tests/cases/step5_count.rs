//! Step 5: counting without collecting.

use concurrent::testing::CountingExecutor;
use concurrent::{CpuPoolExecutor, Error, Executor, ThreadPoolExecutor};
use course_testing::expect_no_panic;
use course_testing::memory::{MIB, assert_peak_rise_below};
use ex3::{base_primes, count_primes_parallel, count_segment};

use crate::support::{GATE_TIMEOUT, PRIME_COUNTS, assert_ran_in_parallel, primes_by_definition};

#[course_testing::test]
fn count_segment_matches_the_sieve() {
    let base = base_primes(10_000);
    for range in [0..=10, 2..=2, 90..=110, 7_919..=7_927, 9_000..=10_000] {
        let expected = primes_by_definition(range.clone()).len() as u64;
        let got = count_segment(range.clone(), &base);
        assert_eq!(
            got, expected,
            "count_segment({range:?}) should be {expected}, got {got}"
        );
    }
}

#[course_testing::test]
fn known_counts() {
    let pool = CpuPoolExecutor::new(2);
    for (limit, count) in PRIME_COUNTS {
        let got = count_primes_parallel(&pool, limit, 100);
        assert_eq!(
            got,
            Ok(count),
            "expected Ok({count}), the number of primes up to {limit}; got {got:?}"
        );
    }
}

#[course_testing::test(
    deadline_secs = 15,
    hint = "10,000,000 numbers: is each chunk sieved with the base primes (not by trial division)?"
)]
fn ten_million() {
    let count = count_primes_parallel(&CpuPoolExecutor::new(2), 10_000_000, 20);
    assert_eq!(
        count,
        Ok(664_579),
        "expected Ok(664579): there are 664,579 primes up to 10,000,000; got {count:?}"
    );
}

#[course_testing::test]
fn counting_runs_in_parallel() {
    let pool = CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, GATE_TIMEOUT);
    let count = count_primes_parallel(&pool, 100_000, 6);
    assert_eq!(
        count,
        Ok(9_592),
        "expected Ok(9592): there are 9,592 primes up to 100,000; got {count:?}"
    );
    assert_ran_in_parallel(&pool, "count_primes_parallel");
}

// Alone in a child process: the peak memory of a process shared with other tests counts theirs.
#[course_testing::test(
    own_process,
    deadline_secs = 15,
    hint = "30,000,000 numbers: is each chunk sieved with the base primes (not by trial division)?"
)]
fn counting_does_not_hold_the_primes() {
    // Up to 30,000,000 there are 1,857,859 primes: 14 MiB as a Vec<u64>. A count needs one
    // chunk's table per running task: 100,000 numbers here, 100 KB as a Vec<bool>.
    let pool = CpuPoolExecutor::new(2);
    let count = assert_peak_rise_below(
        8 * MIB,
        "counting the primes up to 30,000,000 in 300 chunks raised the peak memory by 8 MiB or \
         more, though a count needs only one chunk's table per running task. Count each chunk in \
         its own task with count_segment and add up the counts: do not collect the primes \
         (primes_parallel(..).len() holds all 1,857,859 of them, 14 MiB), nor sieve the whole \
         range at once",
        || count_primes_parallel(&pool, 30_000_000, 300),
    );
    assert_eq!(
        count,
        Ok(1_857_859),
        "expected Ok(1857859): there are 1,857,859 primes up to 30,000,000; got {count:?}"
    );
}

#[course_testing::test]
fn a_shut_down_executor_is_an_error_not_a_panic() {
    const LESSON: &str = "counting on a shut-down executor fails: return its error with `?` \
                          instead of unwrapping";
    let pool = ThreadPoolExecutor::new(2);
    pool.shutdown(true, false);
    let outcome = expect_no_panic(LESSON, || count_primes_parallel(&pool, 1_000, 4));
    assert!(
        matches!(outcome, Err(Error::Shutdown)),
        "{LESSON}\nExpected Err(Shutdown), got {outcome:?}"
    );
}
