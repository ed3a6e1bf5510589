//! Step 3: base_primes, sieve_segment and primes_sequential.

use ex3::{base_primes, primes_sequential, sieve_segment};

use crate::support::{PRIME_COUNTS, primes_by_definition};

#[course_testing::test]
fn base_primes_go_up_to_the_square_root() {
    assert_eq!(base_primes(100), [2, 3, 5, 7], "the primes up to √100 = 10");
    assert_eq!(
        base_primes(120),
        [2, 3, 5, 7],
        "√120 ≈ 10.95: the primes up to 10"
    );
    assert_eq!(
        base_primes(121),
        [2, 3, 5, 7, 11],
        "√121 = 11 exactly: 11 is included"
    );
    assert_eq!(base_primes(1), [0u64; 0], "there is no prime up to √1 = 1");
    assert_eq!(base_primes(0), [0u64; 0], "there is no prime up to √0 = 0");
    assert_eq!(
        base_primes(1_000_000).len(),
        168,
        "168 primes up to √1,000,000 = 1,000"
    );
}

#[course_testing::test]
fn a_segment_in_the_middle() {
    let base = base_primes(200);
    assert_eq!(
        sieve_segment(100..=200, &base),
        primes_by_definition(100..=200),
        "the primes of 100..=200: multiples of each base prime inside the segment are crossed out"
    );
}

#[course_testing::test]
fn segment_borders_that_are_prime() {
    let base = base_primes(10_000);
    // 7,919 and 7,927 are consecutive primes: both borders must be kept.
    assert_eq!(
        sieve_segment(7_919..=7_927, &base),
        [7_919, 7_927],
        "both ends of a range are included"
    );
    assert_eq!(
        sieve_segment(7_920..=7_926, &base),
        [0u64; 0],
        "no prime strictly between 7,919 and 7,927"
    );
    assert_eq!(
        sieve_segment(97..=97, &base),
        [97],
        "a one-number range holding a prime"
    );
}

#[course_testing::test]
fn segments_starting_at_zero_one_and_two() {
    let base = base_primes(50);
    for start in 0..=3 {
        assert_eq!(
            sieve_segment(start..=50, &base),
            primes_by_definition(start..=50),
            "sieve_segment({start}..=50): 0 and 1 are not prime, 2 and 3 are"
        );
    }
}

#[course_testing::test]
fn base_primes_are_not_crossed_out_as_their_own_multiples() {
    let base = base_primes(100);
    assert_eq!(
        sieve_segment(0..=10, &base),
        [2, 3, 5, 7],
        "start crossing out at p * p: p itself is prime"
    );
}

#[course_testing::test]
fn an_empty_range_has_no_primes() {
    #[allow(clippy::reversed_empty_ranges)]
    let empty = 20..=10;
    assert_eq!(sieve_segment(empty, &base_primes(20)), [0u64; 0]);
}

#[course_testing::test]
fn many_segments_agree_with_the_definition() {
    let base = base_primes(5_000);
    for start in (0..5_000).step_by(13) {
        let range = start..=start + 37;
        assert_eq!(
            sieve_segment(range.clone(), &base),
            primes_by_definition(range.clone()),
            "sieve_segment({range:?})"
        );
    }
}

#[course_testing::test]
fn sequential_sieve_counts() {
    for (limit, count) in PRIME_COUNTS {
        let primes = primes_sequential(limit);
        assert_eq!(
            primes.len() as u64,
            count,
            "there are {count} primes up to {limit}"
        );
    }
    let primes = primes_sequential(1_000_000);
    assert_eq!(
        primes.last(),
        Some(&999_983),
        "the largest prime below 1,000,000 is 999,983"
    );
}
