//! Step 2: chunk_ranges. Any split is accepted if it covers 0..=limit exactly once, in order,
//! with the asked number of non-empty chunks.

use ex3::chunk_ranges;

/// Checks the properties every correct chunking has, with messages that say what is wrong.
fn assert_valid_chunks(limit: u64, chunks: usize) {
    let ranges = chunk_ranges(limit, chunks);
    let numbers = u128::from(limit) + 1;
    let expected = (chunks.max(1) as u128).min(numbers);
    assert_eq!(
        ranges.len() as u128,
        expected,
        "chunk_ranges({limit}, {chunks}) should give {expected} chunks (never more than the {numbers} numbers, 0 counts as 1), got {ranges:?}"
    );
    assert_eq!(
        *ranges[0].start(),
        0,
        "the first chunk of chunk_ranges({limit}, {chunks}) must start at 0: {ranges:?}"
    );
    assert_eq!(
        *ranges[ranges.len() - 1].end(),
        limit,
        "the last chunk of chunk_ranges({limit}, {chunks}) must end at {limit} (is the remainder dropped?)"
    );
    for range in &ranges {
        assert!(
            range.start() <= range.end(),
            "chunk {range:?} of chunk_ranges({limit}, {chunks}) is empty"
        );
    }
    for pair in ranges.windows(2) {
        let (left, right) = (&pair[0], &pair[1]);
        assert_eq!(
            u128::from(*left.end()) + 1,
            u128::from(*right.start()),
            "chunks {left:?} and {right:?} of chunk_ranges({limit}, {chunks}) must touch: no gap, no overlap"
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
    assert_eq!(
        chunk_ranges(3, 10),
        [0..=0, 1..=1, 2..=2, 3..=3],
        "four numbers make at most four chunks"
    );
}

#[course_testing::test]
fn zero_chunks_means_one() {
    assert_eq!(
        chunk_ranges(10, 0),
        [0..=10],
        "chunks == 0 is treated as 1: everything in one chunk"
    );
}

#[course_testing::test]
fn the_largest_limit_does_not_overflow() {
    assert_valid_chunks(u64::MAX, 1);
    assert_valid_chunks(u64::MAX, 3);
    assert_valid_chunks(u64::MAX - 1, 1000);
}
