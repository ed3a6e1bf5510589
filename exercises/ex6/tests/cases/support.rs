//! Shared by the step modules: the sequential reference count, random corpora for proptest,
//! temporary files, and words for messages. (Every test runs under a deadline through
//! `#[course_testing::test]`.)
//!
//! Nothing here calls the exercise: the tests of step 5 must not fail because step 1 is unsolved.

#![allow(dead_code)] // each step module uses a different part

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Duration;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

/// Word counts in a sorted map, easy to compare and to print.
pub type Sorted = BTreeMap<String, u64>;

// ANCHOR: reference
/// The simple, obviously right count the exercise must agree with: decode lossily, split on every
/// character that is not alphanumeric, lowercase each word whole.
pub fn reference(bytes: &[u8]) -> Sorted {
    let mut counts = Sorted::new();
    for word in String::from_utf8_lossy(bytes)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}
// ANCHOR_END: reference

/// Any map of counts (the exercise's `Counts`, whatever its hasher) as a [`Sorted`].
pub fn sorted<'a>(counts: impl IntoIterator<Item = (&'a String, &'a u64)>) -> Sorted {
    counts
        .into_iter()
        .map(|(word, &count)| (word.clone(), count))
        .collect()
}

/// The first few differences between two counts, for a message: "`crab`: expected 3, got 2".
pub fn differences(expected: &Sorted, got: &Sorted) -> String {
    let mut lines = Vec::new();
    let words: std::collections::BTreeSet<&String> = expected.keys().chain(got.keys()).collect();
    for word in words {
        let (want, have) = (expected.get(word), got.get(word));
        if want != have {
            lines.push(format!(
                "`{}`: expected {}, got {}",
                word.escape_debug(),
                want.copied().unwrap_or(0),
                have.copied().unwrap_or(0)
            ));
        }
    }
    let total = lines.len();
    lines.truncate(6);
    if total > lines.len() {
        lines.push(format!("... and {} more", total - lines.len()));
    }
    lines.join("; ")
}

/// Panics with `context` and the differences if the counts differ.
pub fn assert_same_counts(expected: &Sorted, got: &Sorted, context: &str) {
    assert!(
        expected == got,
        "{context}: the counts differ from the sequential reference: {}",
        differences(expected, got)
    );
}

/// `count` and `noun`, singular or plural: "1 word", "2 words", "0 files".
pub fn plural(count: impl std::fmt::Display, noun: &str) -> String {
    match count.to_string() {
        one if one == "1" => format!("1 {noun}"),
        many => format!("{many} {noun}s"),
    }
}

/// A fresh temporary folder, deleted when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("cannot create a temporary folder")
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("cannot write a test file");
    path
}

/// The length of the text of the memory tests: 256 MiB, 32 times the memory limit,
/// [`MEMORY_LIMIT`], so reading the input whole fails. The workspace's `Cargo.toml` optimises
/// exercise 6 in debug builds too (`[profile.dev.package.ex6]`), so counting it takes seconds.
pub const BIG_TEXT: u64 = 256 * MIB;

/// What counting [`BIG_TEXT`] may add to the peak memory: a few buffers per worker fit easily,
/// a whole input (or half of it) does not.
pub const MEMORY_LIMIT: u64 = 8 * MIB;

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

/// How long a task of the parallel tests waits at the gate for a second one before giving up.
pub const GATE_TIMEOUT: Duration = Duration::from_secs(3);

/// Pieces the random corpora are made of: words in both cases, short and long, Unicode whose
/// lowercase is special, digits, separators of every kind, and bytes that are not UTF-8 (a lone
/// continuation byte, a cut two-byte and three-byte sequence, a byte never valid).
pub const PIECES: &[&[u8]] = &[
    b"ferris",
    b"Crab",
    b"RUST",
    b"map",
    b"Reduce",
    b"x",
    b"42",
    b"v2",
    // Longer words, whose bytes do not fit in one integer: 9, 16 and 17 bytes.
    b"Shuffling",
    b"WithoutHeadaches",
    b"ConcurrentFutures",
    "Größenverhältnis".as_bytes(),
    "Straße".as_bytes(),
    "ΣΊΣΥΦΟΣ".as_bytes(),
    "İstanbul".as_bytes(),
    "naïve".as_bytes(),
    "日本語".as_bytes(),
    b" ",
    b" ",
    b" ",
    b"\n",
    b"\t",
    b"  ",
    b", ",
    b"-",
    b"'",
    b"\xff",
    b"\x80",
    b"\xc3",
    b"\xe2\x82",
];

/// A random corpus: up to `max_pieces` of [`PIECES`] glued together.
pub fn corpus(max_pieces: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..max_pieces)
        .prop_map(|pieces| pieces.concat())
}

/// A proptest runner that gives the same cases in every run (the verdict never changes between
/// runs) and writes no regression files.
pub fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 500,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// Runs `check` on `cases` values of `strategy`; on a failure, panics with the smallest failing
/// value proptest found (shown by `show`) and the check's own message. A panic of the code under
/// test (a `todo!()`, an `unwrap`) is passed on unchanged, once, with the input that caused it,
/// instead of once per value proptest tries while shrinking.
pub fn check_all<S: Strategy>(
    cases: u32,
    strategy: S,
    show: impl Fn(&S::Value) -> String,
    check: impl Fn(S::Value) -> Result<(), String>,
) {
    let panicked: RefCell<Option<Box<dyn Any + Send>>> = RefCell::new(None);
    let outcome = runner(cases).run(&strategy, |value| {
        if panicked.borrow().is_some() {
            return Err(TestCaseError::fail("panicked"));
        }
        let input = show(&value);
        match panic::catch_unwind(AssertUnwindSafe(|| check(value))) {
            Ok(verdict) => verdict.map_err(TestCaseError::fail),
            Err(payload) => {
                eprintln!("(the input that panicked: {input})");
                *panicked.borrow_mut() = Some(payload);
                Err(TestCaseError::fail("panicked"))
            }
        }
    });
    if let Some(payload) = panicked.into_inner() {
        panic::resume_unwind(payload);
    }
    match outcome {
        Ok(()) => {}
        Err(TestError::Fail(reason, value)) => {
            panic!(
                "{reason}\n(the smallest failing input found: {})",
                show(&value)
            )
        }
        Err(TestError::Abort(reason)) => panic!("proptest gave up: {reason}"),
    }
}

/// Draws one value of `strategy` (seeded: the same in every run).
pub fn one<S: Strategy>(strategy: S) -> S::Value {
    strategy
        .new_tree(&mut runner(1))
        .expect("cannot draw a test value")
        .current()
}

/// Bytes shown readably: text where it is UTF-8, escapes elsewhere.
pub fn shown(bytes: &[u8]) -> String {
    format!("b\"{}\"", bytes.escape_ascii())
}

/// A reader of `len` bytes of text made of a few words, generated as it is read: hundreds of MB
/// cost no memory. Deliberately not the exercise's generator, so later steps do not depend on
/// step 1. Its counts are [`GeneratedText::counts`].
#[derive(Debug)]
pub struct GeneratedText {
    left: u64,
    at: usize,
    block: Vec<u8>,
}

/// The words of [`GeneratedText`]: every line is these, once each.
pub const LINE_WORDS: [&str; 8] = [
    "the", "crab", "Maps", "and", "REDUCES", "words", "in", "parallel",
];

impl GeneratedText {
    /// `len` bytes, a whole number of lines (`len` is rounded down to one).
    pub fn new(len: u64) -> Self {
        let line = format!("{}\n", LINE_WORDS.join(" "));
        let lines = len / line.len() as u64;
        GeneratedText {
            left: lines * line.len() as u64,
            at: 0,
            block: line.repeat(4096).into_bytes(),
        }
    }

    /// How many lines it has.
    pub fn lines(&self) -> u64 {
        self.left / (self.block.len() as u64 / 4096)
    }

    /// The counts of the whole text.
    pub fn counts(&self) -> Sorted {
        LINE_WORDS
            .iter()
            .map(|word| (word.to_lowercase(), self.lines()))
            .collect()
    }
}

impl Read for GeneratedText {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf
            .len()
            .min(self.block.len() - self.at)
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at = (self.at + n) % self.block.len();
        self.left -= n as u64;
        Ok(n)
    }
}
