//! Step 2: chunk_ranges. Any split is accepted if it covers 0..=limit exactly once, in order,
//! with the asked number of non-empty chunks.

use ex3::chunk_ranges;

use crate::support::counted;

/// Checks the properties every correct chunking has, with messages that say what is wrong.
fn assert_valid_chunks(limit: u64, chunks: usize) {
    let ranges = chunk_ranges(limit, chunks);
    let numbers = u128::from(limit) + 1;
    let expected = (chunks.max(1) as u128).min(numbers);
    assert!(
        ranges.len() as u128 == expected,
        "chunk_ranges({limit}, {chunks}) should give {} (never more than the {} of 0..={limit}, \
         and 0 counts as 1), got {}: {ranges:?}",
        counted(expected, "chunk"),
        counted(numbers, "number"),
        ranges.len()
    );
    let (first, last) = (*ranges[0].start(), *ranges[ranges.len() - 1].end());
    assert!(
        first == 0,
        "the first chunk of chunk_ranges({limit}, {chunks}) must start at 0, got {first}: {ranges:?}"
    );
    assert!(
        last == limit,
        "the last chunk of chunk_ranges({limit}, {chunks}) must end at {limit}, got {last} (is \
         the remainder dropped?)"
    );
    for range in &ranges {
        assert!(
            range.start() <= range.end(),
            "chunk {range:?} of chunk_ranges({limit}, {chunks}) is empty"
        );
    }
    for pair in ranges.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let next = u128::from(*before.end()) + 1;
        assert!(
            next == u128::from(*after.start()),
            "chunks {before:?} and {after:?} of chunk_ranges({limit}, {chunks}) must touch, with \
             no gap and no overlap: expected the second to start at {next}, got {}",
            after.start()
        );
    }
}

#[course_testing::test]
fn even_split() {
    assert_valid_chunks(99, 4);
    assert_valid_chunks(999_999, 100);
}

#[course_testing::test]
fn limits_not_divisible_by_the_chunk_count() {
    for (limit, chunks) in [(10, 3), (1_000_000, 100), (1_000_000, 7), (12_345, 64)] {
        assert_valid_chunks(limit, chunks);
    }
}

#[course_testing::test]
fn tiny_limits() {
    for limit in [0, 1, 2] {
        for chunks in [1, 2, 3, 100] {
            assert_valid_chunks(limit, chunks);
        }
    }
}

#[course_testing::test]
fn more_chunks_than_numbers() {
    assert_valid_chunks(7, 10);
    let ranges = chunk_ranges(3, 10);
    assert_eq!(
        ranges,
        [0..=0, 1..=1, 2..=2, 3..=3],
        "the four numbers of 0..=3 make at most four chunks: expected [0..=0, 1..=1, 2..=2, \
         3..=3], got {ranges:?}"
    );
}

#[course_testing::test]
fn zero_chunks_means_one() {
    let ranges = chunk_ranges(10, 0);
    assert_eq!(
        ranges,
        [0..=10],
        "chunks == 0 is treated as 1, everything in one chunk: expected [0..=10], got {ranges:?}"
    );
}

#[course_testing::test]
fn the_largest_limit_does_not_overflow() {
    assert_valid_chunks(u64::MAX, 1);
    assert_valid_chunks(u64::MAX, 3);
    assert_valid_chunks(u64::MAX - 1, 1000);
}
