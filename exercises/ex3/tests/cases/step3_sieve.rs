//! Step 3: base_primes, sieve_segment and primes_sequential.

use ex3::{base_primes, primes_sequential, sieve_segment};

use crate::support::{PRIME_COUNTS, counted, primes_by_definition};

#[course_testing::test]
fn base_primes_go_up_to_the_square_root() {
    for (limit, expected, why) in [
        (100, &[2, 3, 5, 7][..], "the primes up to √100 = 10"),
        (120, &[2, 3, 5, 7], "√120 ≈ 10.95: the primes up to 10"),
        (121, &[2, 3, 5, 7, 11], "√121 = 11 exactly: 11 is included"),
        (1, &[], "there is no prime up to √1 = 1"),
        (0, &[], "there is no prime up to √0 = 0"),
    ] {
        let got = base_primes(limit);
        assert_eq!(
            got, expected,
            "base_primes({limit}), {why}: expected {expected:?}, got {got:?}"
        );
    }
    let got = base_primes(1_000_000).len();
    assert_eq!(
        got, 168,
        "expected 168 base primes for 1,000,000 (the primes up to √1,000,000 = 1,000), got {got}"
    );
}

#[course_testing::test]
fn a_segment_in_the_middle() {
    let base = base_primes(200);
    let (got, expected) = (
        sieve_segment(100..=200, &base),
        primes_by_definition(100..=200),
    );
    assert_eq!(
        got, expected,
        "sieve_segment(100..=200) should cross out the multiples of each base prime inside the \
         segment: expected {expected:?}, got {got:?}"
    );
}

#[course_testing::test]
fn segment_borders_that_are_prime() {
    let base = base_primes(10_000);
    // 7,919 and 7,927 are consecutive primes: both borders must be kept.
    for (range, expected, why) in [
        (
            7_919..=7_927,
            &[7_919, 7_927][..],
            "both ends of a range are included",
        ),
        (
            7_920..=7_926,
            &[],
            "no prime strictly between 7,919 and 7,927",
        ),
        (97..=97, &[97], "a one-number range holding a prime"),
    ] {
        let got = sieve_segment(range.clone(), &base);
        assert_eq!(
            got, expected,
            "sieve_segment({range:?}), {why}: expected {expected:?}, got {got:?}"
        );
    }
}

#[course_testing::test]
fn segments_starting_at_zero_one_and_two() {
    let base = base_primes(50);
    for start in 0..=3 {
        let (got, expected) = (
            sieve_segment(start..=50, &base),
            primes_by_definition(start..=50),
        );
        assert_eq!(
            got, expected,
            "sieve_segment({start}..=50), where 0 and 1 are not prime and 2 and 3 are: expected \
             {expected:?}, got {got:?}"
        );
    }
}

#[course_testing::test]
fn base_primes_are_not_crossed_out_as_their_own_multiples() {
    let base = base_primes(100);
    let got = sieve_segment(0..=10, &base);
    assert_eq!(
        got,
        [2, 3, 5, 7],
        "sieve_segment(0..=10) should start crossing out at p * p, since p itself is prime: \
         expected [2, 3, 5, 7], got {got:?}"
    );
}

#[course_testing::test]
fn an_empty_range_has_no_primes() {
    #[allow(clippy::reversed_empty_ranges)]
    let empty = 20..=10;
    let got = sieve_segment(empty, &base_primes(20));
    assert_eq!(
        got, [0u64; 0],
        "20..=10 is empty (start > end): expected [], got {got:?}"
    );
}

#[course_testing::test]
fn many_segments_agree_with_the_definition() {
    let base = base_primes(5_000);
    for start in (0..5_000).step_by(13) {
        let range = start..=start + 37;
        let (got, expected) = (
            sieve_segment(range.clone(), &base),
            primes_by_definition(range.clone()),
        );
        assert_eq!(
            got, expected,
            "sieve_segment({range:?}): expected {expected:?}, got {got:?}"
        );
    }
}

#[course_testing::test]
fn sequential_sieve_counts() {
    for (limit, count) in PRIME_COUNTS {
        let got = primes_sequential(limit).len();
        assert_eq!(
            got as u64,
            count,
            "primes_sequential({limit}) should find {}, got {got}",
            counted(count, "prime")
        );
    }
    let last = primes_sequential(1_000_000).last().copied();
    assert_eq!(
        last,
        Some(999_983),
        "the largest prime below 1,000,000 is 999,983: expected Some(999983) as the last, got \
         {last:?}"
    );
}
