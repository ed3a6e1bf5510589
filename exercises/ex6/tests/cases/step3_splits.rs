//! Step 3: files cut into byte ranges, each counted on its own, with no word lost or counted
//! twice at a border.

use std::path::Path;

use course_testing::expect_err;
use ex6::{count_split, split_ranges};
use proptest::strategy::Strategy;

use crate::support::{
    Sorted, assert_same_counts, check_all, corpus, differences, reference, shown, sorted, temp_dir,
    write_file,
};

// One-range arrays are what a split of a short file is.
#[allow(clippy::single_range_in_vec_init)]
#[course_testing::test]
fn split_ranges_cover_the_file() {
    let cases: [(u64, u64, &[std::ops::Range<u64>]); 6] = [
        (10, 4, &[0..4, 4..8, 8..10]),
        (12, 4, &[0..4, 4..8, 8..12]),
        (3, 10, &[0..3]),
        (1, 1, &[0..1]),
        (0, 4, &[]),
        (3, 0, &[0..1, 1..2, 2..3]),
    ];
    for (len, size, expected) in cases {
        let got = split_ranges(len, size);
        assert!(
            got == expected,
            "split_ranges({len}, {size}) should be {expected:?}, got {got:?} (ranges of size \
             bytes from 0, the last one shorter; none for an empty file; a size of 0 counts as 1)"
        );
    }
    let got = split_ranges(u64::MAX, u64::MAX / 2);
    assert_eq!(
        got.len(),
        3,
        "split_ranges(u64::MAX, u64::MAX / 2) should be 3 ranges, got {got:?}: careful with \
         overflow"
    );
}

/// The counts of every split of `path` (`len` bytes) in `size`-byte splits, summed.
fn counted_in_splits(path: &Path, len: u64, size: u64) -> Result<Sorted, String> {
    let mut total = Sorted::new();
    for range in split_ranges(len, size) {
        let counts = count_split(path, range.clone())
            .map_err(|error| format!("count_split({range:?}) failed: {error}"))?;
        for (word, count) in sorted(&counts) {
            *total.entry(word).or_insert(0) += count;
        }
    }
    Ok(total)
}

#[course_testing::test]
fn every_border_of_a_small_file() {
    let text = "map reduce  shuffle\nsort, Straße ok".as_bytes();
    let dir = temp_dir();
    let path = write_file(dir.path(), "small.txt", text);
    let expected = reference(text);
    for size in 1..=text.len() as u64 + 1 {
        let got =
            counted_in_splits(&path, text.len() as u64, size).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            got == expected,
            "{shown} cut into splits of {size} bytes: the splits' counts added up differ from \
             the whole file's: {}. A word that runs across a border belongs to the split where \
             it starts: a split that does not start at 0 (or right after whitespace) skips to \
             after the first ASCII whitespace, and a split reads past its end to finish its last \
             word",
            differences(&expected, &got),
            shown = shown(text)
        );
    }
}

#[course_testing::test]
fn one_split_counts_only_its_own_words() {
    let text = b"alpha beta gamma delta";
    let dir = temp_dir();
    let path = write_file(dir.path(), "four.txt", text);
    // Bytes 8..14 start inside `beta` and end inside `gamma`: the split owns `gamma` only.
    let got =
        sorted(&count_split(&path, 8..14).unwrap_or_else(|e| panic!("count_split failed: {e}")));
    let expected = reference(b"gamma");
    assert!(
        got == expected,
        "count_split of bytes 8..14 of {}: `beta` started before byte 8 (the split before counts \
         it) and `gamma` starts at byte 11, inside the split (counted whole, though it ends after \
         byte 14): expected {expected:?}, got {got:?}",
        shown(text)
    );
    let start =
        sorted(&count_split(&path, 0..3).unwrap_or_else(|e| panic!("count_split failed: {e}")));
    assert!(
        start == reference(b"alpha"),
        "count_split of bytes 0..3 of {}: the first split starts at byte 0, so it counts `alpha` \
         (read whole): expected {{\"alpha\": 1}}, got {start:?}",
        shown(text)
    );
}

#[course_testing::test(
    deadline_secs = 20,
    hint = "hundreds of small splits: does count_split allocate or fill a large buffer for each?"
)]
fn random_files_in_random_splits() {
    let dir = temp_dir();
    let case = (corpus(80), 2..40u64);
    check_all(
        80,
        case,
        |(bytes, size)| format!("{} in splits of {size} bytes", shown(bytes)),
        |(bytes, size)| {
            let path = write_file(dir.path(), "random.txt", &bytes);
            let got = counted_in_splits(&path, bytes.len() as u64, size)?;
            let expected = reference(&bytes);
            if got == expected {
                Ok(())
            } else {
                Err(format!(
                    "the splits' counts added up differ from the sequential reference: {}. \
                     Borders fall anywhere: inside words, inside multi-byte characters, inside \
                     runs of whitespace",
                    differences(&expected, &got)
                ))
            }
        },
    );
}

#[course_testing::test]
fn a_file_without_whitespace_is_one_word() {
    let word = "Ü".repeat(5_000) + "end";
    let dir = temp_dir();
    let path = write_file(dir.path(), "word.txt", word.as_bytes());
    let got = counted_in_splits(&path, word.len() as u64, 1_000).unwrap_or_else(|e| panic!("{e}"));
    assert_same_counts(
        &reference(word.as_bytes()),
        &got,
        "a 10,003-byte file that is one word, in splits of 1,000 bytes: the first split reads \
         the whole word and the others find no whitespace to start after",
    );
}

#[course_testing::test]
fn splits_of_a_generated_file() {
    let bytes = crate::support::one(corpus(3_000).prop_map(|text| text.repeat(20)));
    let dir = temp_dir();
    let path = write_file(dir.path(), "big.txt", &bytes);
    for size in [4_096, 65_536, 1 << 20] {
        let got =
            counted_in_splits(&path, bytes.len() as u64, size).unwrap_or_else(|e| panic!("{e}"));
        assert_same_counts(
            &reference(&bytes),
            &got,
            &format!("a file of {} bytes in splits of {size}", bytes.len()),
        );
    }
}

#[course_testing::test]
fn a_missing_file_is_an_error() {
    let dir = temp_dir();
    let missing = dir.path().join("missing.txt");
    let error = expect_err(
        "count_split of a file that does not exist must return the error (with `?`), not panic",
        || count_split(&missing, 0..10),
    );
    assert_eq!(
        error.kind(),
        std::io::ErrorKind::NotFound,
        "expected the NotFound error of opening the file, got `{error}`"
    );
}
