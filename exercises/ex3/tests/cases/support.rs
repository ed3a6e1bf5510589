//! Shared by the step modules: known answers, the check of a parallel run, and words for
//! messages. (Every test runs under a deadline through `#[course_testing::test]`.)

use std::time::Duration;

use concurrent::Executor;
use concurrent::testing::CountingExecutor;

/// π(n), the number of primes up to n, for checking counts.
pub const PRIME_COUNTS: [(u64, u64); 8] = [
    (0, 0),
    (1, 0),
    (2, 1),
    (10, 4),
    (100, 25),
    (1_000, 168),
    (10_000, 1_229),
    (1_000_000, 78_498),
];

/// A slow but obviously correct answer to compare against.
pub fn primes_by_definition(range: std::ops::RangeInclusive<u64>) -> Vec<u64> {
    range
        .filter(|&n| {
            n >= 2
                && (2..n)
                    .take_while(|d| d * d <= n)
                    .all(|d| !n.is_multiple_of(d))
        })
        .collect()
}

/// `count` and `noun`, in the singular for 1: "1 prime", "2 primes", "0 primes".
pub fn counted(count: impl std::fmt::Display, noun: &str) -> String {
    match count.to_string() {
        one if one == "1" => format!("1 {noun}"),
        count => format!("{count} {noun}s"),
    }
}

/// How long a task of the parallel tests waits at the gate for a second one before giving up.
pub const GATE_TIMEOUT: Duration = Duration::from_secs(3);

// ANCHOR: witness_check
/// Checks what the counting executor witnessed while `work` (the function under test, for the
/// messages) ran: the chunks reached the executor as tasks of their own, and two of them were
/// in flight at once, which a gate of 2 ensures for code that submits before it waits.
pub fn assert_ran_in_parallel<E: Executor>(pool: &CountingExecutor<E>, work: &str) {
    match pool.submitted() {
        0 => panic!(
            "nothing was submitted to the executor: {work} must run each chunk as a task on the \
             executor it is given (executor.submit or executor.map), not on the calling thread"
        ),
        1 => panic!(
            "only 1 task reached the executor, expected one per chunk: {work} must submit each \
             chunk as a task of its own, not the whole range as one"
        ),
        _ => {}
    }
    assert!(
        !pool.gate_timed_out() && pool.max_in_flight() >= 2,
        "the chunks of {work} ran one at a time: a task waited {GATE_TIMEOUT:?} for a second one \
         to run beside it, in vain (at most {} in flight at once). Do you wait for each result \
         before submitting the next chunk? Submit them all first, then collect",
        counted(pool.max_in_flight(), "task")
    );
}
// ANCHOR_END: witness_check
