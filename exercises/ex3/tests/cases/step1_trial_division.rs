//! Step 1: is_prime and primes_by_trial_division.

use course_testing::expect_no_panic;
use ex3::{is_prime, primes_by_trial_division};

use crate::support::{counted, primes_by_definition};

#[course_testing::test]
fn zero_and_one_are_not_prime() {
    assert!(!is_prime(0), "0 is not prime: a prime is at least 2");
    assert!(
        !is_prime(1),
        "1 is not prime: a prime has exactly two divisors, and 1 has one"
    );
}

#[course_testing::test]
fn two_and_three_are_prime() {
    assert!(
        is_prime(2),
        "2 is prime (the only even one): do not reject it with the even numbers"
    );
    assert!(
        is_prime(3),
        "3 is prime: check the loop bound, 3 has no divisor d with d * d <= 3"
    );
}

#[course_testing::test]
fn squares_of_primes_are_not_prime() {
    for square in [4, 9, 25, 49, 121, 169, 10_201] {
        assert!(
            !is_prime(square),
            "{square} is a square, not a prime: the divisor loop must include √n (use <=, not <)"
        );
    }
}

#[course_testing::test]
fn agrees_with_the_definition_up_to_2000() {
    for n in 0..=2_000 {
        let expected = primes_by_definition(n..=n).len() == 1;
        assert_eq!(is_prime(n), expected, "is_prime({n}) should be {expected}");
    }
}

// ANCHOR: deadline
#[course_testing::test(
    hint = "trial division of 4,294,967,291 tries 65,536 divisors: is `d` advanced in every round?"
)]
fn large_numbers_without_overflow() {
    assert!(is_prime(1_000_000_007), "1,000,000,007 is prime");
    assert!(
        is_prime(4_294_967_291),
        "4,294,967,291 (the largest prime below 2^32) is prime"
    );
    assert!(
        !is_prime(4_294_967_297),
        "4,294,967,297 = 641 × 6,700,417 is not prime"
    );
    assert!(
        is_prime(4_294_967_311),
        "4,294,967,311 (the smallest prime above 2^32) is prime: is the number cut to a u32 somewhere?"
    );
    // Not checked: an overflowing `d * d`. It overflows only when `d` reaches 2^32, in the trial
    // division of a prime above (2^32 - 1)^2 such as 2^64 - 59: 2^31 divisions or more, tens of
    // seconds in a debug build. The starter's documentation warns about it instead.
    let at_max = expect_no_panic(
        "is_prime(u64::MAX) must return, not panic: in a debug build an overflowing operation \
         panics (`n + 1` does not fit in a u64 when n is u64::MAX)",
        || is_prime(u64::MAX),
    );
    assert!(
        !at_max,
        "u64::MAX = 3 × 5 × 17 × ... is not prime: expected false, got true"
    );
}
// ANCHOR_END: deadline

#[course_testing::test]
fn trial_division_lists_the_primes_in_order() {
    let primes = primes_by_trial_division(30);
    assert_eq!(
        primes,
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29],
        "expected the 10 primes up to 30 in increasing order, got {primes:?}"
    );
    let primes = primes_by_trial_division(1);
    assert_eq!(
        primes, [0u64; 0],
        "there is no prime up to 1: expected [], got {primes:?}"
    );
    let primes = primes_by_trial_division(2);
    assert_eq!(
        primes,
        [2],
        "the limit is included: 0..=2 holds the prime 2, expected [2], got {primes:?}"
    );
    let primes = primes_by_trial_division(10_000);
    assert_eq!(
        primes.len(),
        1_229,
        "expected 1,229 primes up to 10,000, got {}",
        counted(primes.len(), "prime")
    );
}
