//! Step 5: counting without collecting.

use std::time::Duration;

use concurrent::testing::CountingExecutor;
use concurrent::{CpuPoolExecutor, ThreadPoolExecutor};
use ex3::{base_primes, count_primes_parallel, count_segment};

use crate::support::{PRIME_COUNTS, primes_by_definition};

#[course_testing::test]
fn count_segment_matches_the_sieve() {
    let base = base_primes(10_000);
    for range in [0..=10, 2..=2, 90..=110, 7_919..=7_927, 9_000..=10_000] {
        assert_eq!(
            count_segment(range.clone(), &base),
            primes_by_definition(range.clone()).len() as u64,
            "count_segment({range:?})"
        );
    }
}

#[course_testing::test]
fn known_counts() {
    let pool = CpuPoolExecutor::new(2);
    for (limit, count) in PRIME_COUNTS {
        assert_eq!(
            count_primes_parallel(&pool, limit, 100),
            Ok(count),
            "there are {count} primes up to {limit}"
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
        "there are 664,579 primes up to 10,000,000"
    );
}

#[course_testing::test]
fn counting_runs_in_parallel() {
    let pool =
        CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, Duration::from_secs(3));
    assert_eq!(
        count_primes_parallel(&pool, 100_000, 6),
        Ok(9_592),
        "there are 9,592 primes up to 100,000"
    );
    assert!(
        pool.max_in_flight() >= 2 && !pool.gate_timed_out(),
        "the counting tasks ran one at a time (at most {} in flight): submit every chunk before waiting for results",
        pool.max_in_flight()
    );
}
