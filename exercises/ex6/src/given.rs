//! The types and constants the steps exchange, given: read them, do not change them. (The
//! solution includes this very file, so both sides agree on them.)

use std::collections::HashMap;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use concurrent::Error;

/// Word counts: each distinct word (lowercased by [`tokenize`](crate::tokenize)'s rule) and how often it occurs.
///
/// A `HashMap` with foldhash's fixed-seed hasher instead of std's SipHash: faster on short keys
/// (SipHash is built to resist attacks a word count does not face), and the same in every run. `Counts::default()` makes an empty one.
pub type Counts = HashMap<String, u64, foldhash::fast::FixedState>;

/// Words in the vocabulary of [`generate_corpus`](crate::generate_corpus).
pub const DEFAULT_VOCABULARY: usize = 5_000;

/// The exponent of the Zipf law of [`generate_corpus`](crate::generate_corpus): word of rank `k` (from 0) has a weight
/// `1 / (k + 1)^ZIPF_EXPONENT`, so the most common word is twice as common as the second.
pub const ZIPF_EXPONENT: f64 = 1.0;

/// A good split size for [`word_count`](crate::word_count): 8 MiB, a few splits per file of the default corpus.
pub const DEFAULT_SPLIT_SIZE: u64 = 8 << 20;

/// A good number of reduce buckets for [`word_count`](crate::word_count) on a small machine.
pub const DEFAULT_BUCKETS: usize = 8;

/// The settings of [`word_count`](crate::word_count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Files larger than this are cut into splits of this many bytes, one map task each.
    pub split_size: u64,
    /// How many reduce buckets (and reduce tasks).
    pub buckets: usize,
}

impl Default for Options {
    /// [`DEFAULT_SPLIT_SIZE`] and [`DEFAULT_BUCKETS`].
    fn default() -> Self {
        Options {
            split_size: DEFAULT_SPLIT_SIZE,
            buckets: DEFAULT_BUCKETS,
        }
    }
}

/// Why one input file was not counted. Every variant names the file. (Given: `thiserror` writes
/// the `Display` and `Error` impls.)
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Opening or reading the file failed (it is missing, unreadable...).
    #[error("cannot count {}: {source}", path.display())]
    Io {
        /// The input file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The path is a folder, not a file.
    #[error("cannot count {}: it is a folder, not a file", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
    },
    /// A task of the file did not run to completion (it panicked, or was cancelled).
    #[error("cannot count {}: a task did not run to completion: {source}", path.display())]
    Executor {
        /// The input file.
        path: PathBuf,
        /// What the executor said.
        #[source]
        source: Error,
    },
}

impl FileError {
    /// The input this error is about.
    pub fn path(&self) -> &Path {
        match self {
            FileError::Io { path, .. }
            | FileError::Folder { path }
            | FileError::Executor { path, .. } => path,
        }
    }
}

/// What [`word_count`](crate::word_count) found.
#[derive(Debug, Default)]
pub struct Report {
    /// The counts of every file that was counted.
    pub counts: Counts,
    /// The files that could not be counted, in the order they were given; none of their words is
    /// in `counts`.
    pub failed: Vec<FileError>,
    /// How many files were counted.
    pub files: usize,
    /// The bytes of the files that were counted.
    pub bytes: u64,
}

/// One map task's input: a byte range of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The file.
    pub path: PathBuf,
    /// The bytes whose words this split counts.
    pub range: Range<u64>,
}

/// The syllables of [`word_for_rank`].
const SYLLABLES: [&str; 20] = [
    "the", "an", "ko", "ris", "ma", "tel", "no", "sa", "pur", "di", "lo", "ven", "ca", "mi", "tor",
    "be", "gu", "har", "fe", "zon",
];

/// Step 1 (given). The word of rank `rank` (0 = the most common) in the generated corpora: rank
/// written in bijective base 20 with one syllable per digit, so every rank has its own word, all
/// lowercase ASCII letters, and common words are short.
pub fn word_for_rank(rank: usize) -> String {
    let mut digits = Vec::new();
    let mut n = rank + 1;
    while n > 0 {
        let digit = (n - 1) % SYLLABLES.len();
        digits.push(SYLLABLES[digit]);
        n = (n - 1) / SYLLABLES.len();
    }
    digits.iter().rev().copied().collect()
}
