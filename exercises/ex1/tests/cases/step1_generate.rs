//! Step 1: reproducible random text, and files made of it.

use ex1::{WORDS, generate_files, write_random_text};

use crate::support::{plural, temp_dir};

fn random_text(seed: u64, len: u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_random_text(&mut out, seed, len).expect("writing to a Vec cannot fail");
    out
}

#[course_testing::test]
fn writes_exactly_the_asked_length() {
    for len in [0, 1, 2, 7, 100, 4_096, 100_003] {
        let text = random_text(1, len);
        assert_eq!(
            text.len() as u64,
            len,
            "write_random_text(_, 1, {len}) wrote {}, expected {}: cut the last word to hit the \
             length exactly",
            plural(text.len(), "byte"),
            plural(len, "byte")
        );
    }
}

#[course_testing::test]
fn the_same_seed_gives_the_same_text() {
    // `assert!` rather than `assert_eq!`: 10,000 bytes printed twice would bury the message.
    assert!(
        random_text(42, 10_000) == random_text(42, 10_000),
        "two calls with seed 42 gave different text, expected the same: seed the generator with \
         `seed` (no thread_rng, no clock)"
    );
    assert!(
        random_text(42, 10_000) != random_text(43, 10_000),
        "seeds 42 and 43 gave the same text, expected different words: the seed must change them"
    );
}

#[course_testing::test]
fn a_shorter_text_is_a_prefix_of_a_longer_one() {
    let long = random_text(5, 20_000);
    let short = random_text(5, 1_234);
    let differs_at = short.iter().zip(&long).position(|(a, b)| a != b);
    assert!(
        differs_at.is_none() && short.len() == 1_234,
        "with one seed, the first 1,234 bytes should not depend on the length asked: \
         write_random_text(_, 5, 1_234) gave {} that differ from the first 1,234 of \
         write_random_text(_, 5, 20_000) (first difference at byte {differs_at:?})",
        plural(short.len(), "byte")
    );
}

#[course_testing::test]
fn text_is_words_from_the_list() {
    let text = random_text(7, 50_000);
    let text = String::from_utf8(text).expect("the text should be plain ASCII words");
    assert!(
        text.bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte == b' ' || byte == b'\n'),
        "only lowercase words, spaces and newlines are expected, got {:?}",
        text.bytes()
            .find(|byte| !(byte.is_ascii_lowercase() || *byte == b' ' || *byte == b'\n'))
            .map(char::from)
    );
    assert!(
        text.contains('\n'),
        "50,000 bytes with no newline: put a newline instead of a space now and then, so the text has lines"
    );
    let words: Vec<&str> = text.split_whitespace().collect();
    // The last word may be cut short.
    for word in &words[..words.len() - 1] {
        assert!(
            WORDS.contains(word),
            "`{word}` is not in WORDS: separate the words with exactly one space or newline"
        );
    }
    let mut distinct = words.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(
        distinct.len() >= WORDS.len() / 2,
        "only {} in 50,000 bytes, expected at least {}: pick each word at random from all \
         of WORDS",
        plural(distinct.len(), "different word"),
        WORDS.len() / 2
    );
}

#[course_testing::test]
fn generates_the_files_in_the_folder() {
    let dir = temp_dir();
    let folder = dir.path().join("made/by/generate_files");
    let paths = generate_files(&folder, 4, 3_000, 9)
        .expect("generate_files should create the folder and the files");
    let names: Vec<String> = paths
        .iter()
        .map(|path| {
            path.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "file_000.txt",
            "file_001.txt",
            "file_002.txt",
            "file_003.txt"
        ],
        "expected the files file_000.txt to file_003.txt, in that order, got {names:?}"
    );
    for (index, path) in paths.iter().enumerate() {
        assert_eq!(
            path.parent(),
            Some(folder.as_path()),
            "{} should be inside the folder given, {}",
            path.display(),
            folder.display()
        );
        let contents = std::fs::read(path).expect("each returned path should be a file");
        assert!(
            contents == random_text(9 + index as u64, 3_000),
            "file {index} should hold write_random_text(_, seed + {index}, size), the 3,000 \
             bytes of seed {}; it holds {} that differ",
            9 + index,
            plural(contents.len(), "byte")
        );
    }
}

#[course_testing::test]
fn generating_again_gives_the_same_files() {
    let dir = temp_dir();
    let folder = dir.path();
    let read = |paths: Vec<std::path::PathBuf>| {
        paths
            .iter()
            .map(|path| std::fs::read(path).expect("a generated file"))
            .collect::<Vec<_>>()
    };
    let first = read(generate_files(folder, 3, 1_000, 1).expect("generate_files"));
    let second = read(generate_files(folder, 3, 1_000, 1).expect("generate_files again"));
    assert!(
        first == second,
        "generating twice with seed 1 gave different files, expected the same: the same seed \
         must give the same files"
    );
    assert!(
        first[0] != first[1],
        "two files of one batch are identical, expected different texts: give each file its own \
         seed (seed + index)"
    );
}

#[course_testing::test]
fn zero_files_and_empty_files() {
    let dir = temp_dir();
    let folder = dir.path();
    let none = generate_files(folder, 0, 1_000, 1).expect("0 files is not an error");
    let empty = generate_files(folder, 2, 0, 1).expect("empty files are not an error");
    assert!(none.is_empty(), "asked for 0 files, got {none:?}");
    assert_eq!(
        empty.len(),
        2,
        "asked for 2 empty files, got {}: {empty:?}",
        plural(empty.len(), "path")
    );
    for path in &empty {
        let len = std::fs::metadata(path)
            .expect("an empty file should exist")
            .len();
        assert_eq!(
            len,
            0,
            "{} should be empty (size 0), its size is {len}",
            path.display()
        );
    }
}
