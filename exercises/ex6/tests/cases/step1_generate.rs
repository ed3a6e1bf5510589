//! Step 1: a reproducible corpus with Zipf-like word frequencies.

use ex6::{DEFAULT_VOCABULARY, ZIPF_EXPONENT, Zipf, generate_corpus, word_for_rank, write_text};

use crate::support::{plural, reference, temp_dir};

/// The text `write_text` makes, in memory.
fn text(seed: u64, len: u64, zipf: &Zipf) -> Vec<u8> {
    let mut out = Vec::new();
    write_text(&mut out, seed, len, zipf).expect("writing into a Vec cannot fail");
    out
}

#[course_testing::test]
fn zipf_has_one_rank_per_word() {
    for len in [1, 2, 10, 5_000] {
        let got = Zipf::new(len, 1.0).len();
        assert_eq!(
            got, len,
            "Zipf::new({len}, 1.0).len() should be {len}, got {got}"
        );
    }
    assert_eq!(
        Zipf::new(0, 1.0).len(),
        1,
        "Zipf::new(0, _) is treated as 1 rank: a distribution needs at least one"
    );
}

#[course_testing::test]
fn rank_follows_the_weights() {
    // Weights 1, 1/2, 1/3, 1/4: shares 12/25, 6/25, 4/25, 3/25 of [0, 1).
    let zipf = Zipf::new(4, 1.0);
    let steps = 25_000;
    let mut hits = [0u32; 4];
    for step in 0..steps {
        let rank = zipf.rank((step as f64 + 0.5) / steps as f64);
        assert!(
            rank < 4,
            "Zipf::new(4, 1.0).rank(u) must be below 4, got {rank}"
        );
        hits[rank] += 1;
    }
    assert_eq!(
        hits,
        [12_000, 6_000, 4_000, 3_000],
        "Zipf::new(4, 1.0) has the weights 1, 1/2, 1/3, 1/4: the ranks should take 12/25, 6/25, \
         4/25 and 3/25 of [0, 1), in order (counted on 25,000 evenly spaced u); got {hits:?} \
         (out of 25,000)"
    );
    assert_eq!(
        (zipf.rank(0.0), zipf.rank(0.999_999)),
        (0, 3),
        "u = 0 falls on the first rank and u just below 1 on the last"
    );
    let flat = Zipf::new(4, 0.0);
    assert_eq!(
        [0.1, 0.3, 0.6, 0.9].map(|u| flat.rank(u)),
        [0, 1, 2, 3],
        "with the exponent 0 every weight is 1: the four ranks share [0, 1) equally"
    );
}

#[course_testing::test]
fn write_text_writes_exactly_len_bytes() {
    let zipf = Zipf::new(100, ZIPF_EXPONENT);
    for len in [0, 1, 7, 1_000, 300_000] {
        let got = text(1, len, &zipf).len() as u64;
        assert_eq!(
            got,
            len,
            "write_text(_, 1, {len}, _) should write exactly {}, got {got} (cut the last word \
             short if needed)",
            plural(len, "byte")
        );
    }
}

#[course_testing::test]
fn the_same_seed_gives_the_same_text() {
    let zipf = Zipf::new(1_000, ZIPF_EXPONENT);
    assert!(
        text(7, 50_000, &zipf) == text(7, 50_000, &zipf),
        "write_text with the same seed must give the same bytes: seed a generator \
         (Xoshiro256PlusPlus::seed_from_u64(seed)), never the system's randomness"
    );
    assert!(
        text(7, 50_000, &zipf) != text(8, 50_000, &zipf),
        "write_text with different seeds should give different text"
    );
}

#[course_testing::test]
fn the_words_follow_zipf() {
    let zipf = Zipf::new(50, 1.0);
    let counts = reference(&text(3, 600_000, &zipf));
    let known: Vec<String> = (0..50).map(word_for_rank).collect();
    let total: u64 = counts.values().sum();
    // The last word may be cut short: allow one unknown word.
    let unknown: u64 = counts
        .iter()
        .filter(|(word, _)| !known.contains(word))
        .map(|(_, &count)| count)
        .sum();
    assert!(
        unknown <= 1,
        "the text should be made of the words word_for_rank(0..50) separated by spaces and \
         newlines; {} were not (for instance {:?})",
        plural(unknown, "word"),
        counts.keys().find(|word| !known.contains(word))
    );
    let count = |rank: usize| counts.get(&known[rank]).copied().unwrap_or(0) as f64;
    // Rank 0 has 1/H(50) = 22.2% of the words, rank 1 half of that, rank 9 a tenth.
    let share = count(0) / total as f64;
    assert!(
        (0.20..0.245).contains(&share),
        "the most common word should be about 22% of the words (weight 1 out of H(50) = 4.5), \
         got {:.1}% of {total}: is each word drawn with zipf.rank(u) for a fresh uniform u?",
        share * 100.0
    );
    for (rank, expected) in [(1, 2.0), (9, 10.0)] {
        let ratio = count(0) / count(rank).max(1.0);
        assert!(
            (expected * 0.85..expected * 1.15).contains(&ratio),
            "word_for_rank(0) should be about {expected} times as common as word_for_rank({rank}), \
             got {ratio:.2} times"
        );
    }
}

#[course_testing::test]
fn the_text_has_lines() {
    let bytes = text(5, 100_000, &Zipf::new(100, ZIPF_EXPONENT));
    let lines = bytes.iter().filter(|&&byte| byte == b'\n').count();
    assert!(
        (200..3_000).contains(&lines),
        "separate the words with a space, or one time in twelve a newline: 100,000 bytes should \
         have hundreds of lines, got {}",
        plural(lines, "newline")
    );
}

#[course_testing::test]
fn generate_corpus_writes_the_files() {
    let dir = temp_dir();
    let folder = dir.path().join("corpus");
    let paths = generate_corpus(&folder, 10, 20_000, 42)
        .unwrap_or_else(|error| panic!("generate_corpus failed: {error}"));
    let names: Vec<String> = paths
        .iter()
        .map(|path| {
            path.strip_prefix(&folder)
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    let expected: Vec<String> = (0..10).map(|i| format!("part-{i:03}.txt")).collect();
    assert_eq!(
        names, expected,
        "generate_corpus should create the folder and return the files part-000.txt to \
         part-009.txt inside it, in order"
    );
    let zipf = Zipf::new(DEFAULT_VOCABULARY, ZIPF_EXPONENT);
    for (index, path) in paths.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap_or_default();
        assert!(
            bytes == text(42 + index as u64, 20_000, &zipf),
            "{} should hold write_text with the seed 42 + {index} and \
             Zipf::new(DEFAULT_VOCABULARY, ZIPF_EXPONENT), {} long",
            names[index],
            plural(20_000, "byte")
        );
    }
}
