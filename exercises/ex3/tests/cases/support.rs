//! Shared by the step modules: known answers. (Every test runs under a deadline through
//! `#[course_testing::test]`.)

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
