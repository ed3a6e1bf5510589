//! # Exercise 6: word count, MapReduce style
//!
//! Work through the steps in order; each has its tests: `cargo test -p ex6 step1`, then `step2`...
//! Stuck? `cargo xtask hint ex6`. The chapter "Exercise 6" of the book explains the ideas.
//!
//! 1. [`Zipf`], [`write_text`], [`generate_corpus`]: a corpus whose word frequencies follow a
//!    Zipf law, as real text does, the same for the same seed.
//! 2. [`tokenize`], [`count_bytes`], [`count_reader`]: what a word is, and counting a stream a
//!    buffer at a time, so memory grows with the vocabulary, never with the input.
//! 3. [`split_ranges`], [`count_split`]: a file cut into byte ranges that are counted on their
//!    own, with no word lost or counted twice at a border.
//! 4. [`bucket_of`], [`partition`], [`reduce_bucket`], [`reduce_phase`]: the shuffle (every word
//!    to the bucket its hash says) and the reduce (a task per bucket sums its partial counts).
//! 5. [`map_split`], [`word_count`], [`top_k`], [`Report::words`], [`Report::distinct`]: the
//!    whole job on an executor from `concurrent`, its totals, and files that cannot be read.
//!
//! The types and constants the steps exchange are given (`src/given.rs`): read them, do not
//! change them. Replace each `todo!()` with your code. Keep the signatures: the tests call them.
//! The crates you need are already dependencies: `rand` (seeded random numbers), `foldhash` (the
//! hasher of [`Counts`] and [`bucket_of`]), `thiserror` (the error type in `src/given.rs`).

use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use concurrent::{Error, Executor};

mod given;
pub use given::{
    Counts, DEFAULT_BUCKETS, DEFAULT_SPLIT_SIZE, DEFAULT_VOCABULARY, FileError, Options, Report,
    Split, ZIPF_EXPONENT, word_for_rank,
};

/// Step 1. A Zipf-like distribution over the ranks `0..len`: rank `k` has the weight
/// `1 / (k + 1)^exponent`. Keep whatever fields you need (the running sums of the weights make
/// [`Zipf::rank`] a binary search).
#[derive(Debug, Clone, PartialEq)]
pub struct Zipf {
    /// Running sums of the weights: `cumulative[k]` is the weight of ranks `0..=k`.
    cumulative: Vec<f64>,
}

impl Zipf {
    /// Step 1. The distribution over `len` ranks (0 is treated as 1).
    pub fn new(len: usize, exponent: f64) -> Zipf {
        todo!("step 1: the running sums of the weights 1 / (k + 1)^{exponent} for k in 0..{len}")
    }

    /// Step 1. How many ranks there are.
    pub fn len(&self) -> usize {
        todo!(
            "step 1: the number of ranks (this Zipf has {} running sums)",
            self.cumulative.len()
        )
    }

    /// Step 1. Never true: a distribution has at least one rank.
    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }

    /// Step 1. The rank that `u`, a uniform number in `[0, 1)`, falls on: [0, 1) is cut into
    /// `len` consecutive pieces, piece `k` as long as rank `k`'s share of the total weight.
    /// Values outside [0, 1) are clamped to the first or the last rank.
    ///
    /// With running sums `cumulative`, the rank is the first `k` whose sum passes
    /// `u * total`: `slice::partition_point` finds it in O(log len).
    pub fn rank(&self, u: f64) -> usize {
        todo!("step 1: the rank that u = {u} falls on")
    }
}

/// Step 1. Writes exactly `len` bytes of words drawn from `zipf` (rank `k` is
/// [`word_for_rank`]`(k)`) to `out`; the same `seed` gives the same bytes.
///
/// - Seed a generator with `seed`: `rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed)` (with
///   `use rand::{RngExt, SeedableRng};`); draw each word with `zipf.rank(rng.random::<f64>())`.
/// - Separate the words with one space, or one time in twelve a newline
///   (`rng.random_ratio(1, 12)`), so the text has lines.
/// - Cut the last word short to write exactly `len` bytes.
/// - Write a chunk at a time (say 256 KiB): `len` may be larger than memory.
pub fn write_text(out: impl Write, seed: u64, len: u64, zipf: &Zipf) -> io::Result<()> {
    todo!(
        "step 1: write {len} bytes of words drawn from a Zipf law over {} ranks (seed {seed}) to \
         a {}",
        zipf.cumulative.len(),
        std::any::type_name_of_val(&out)
    )
}

/// Step 1. Creates `dir` if needed and writes `files` files of `size` bytes into it, named
/// `part-000.txt`, `part-001.txt`...; file `i` is [`write_text`] with the seed
/// `seed.wrapping_add(i)` and `Zipf::new(DEFAULT_VOCABULARY, ZIPF_EXPONENT)`. Returns their
/// paths, in order.
pub fn generate_corpus(dir: &Path, files: usize, size: u64, seed: u64) -> io::Result<Vec<PathBuf>> {
    todo!(
        "step 1: write {files} files of {size} bytes (seed {seed}) into {}",
        dir.display()
    )
}

/// Step 2. The words of `text`, in order: the maximal runs of alphanumeric characters
/// (`char::is_alphanumeric`, so letters and digits of every script), each lowercased whole with
/// `str::to_lowercase`.
///
/// Everything else separates words: spaces, punctuation, `'` (`don't` is `don` and `t`), `_`,
/// combining marks. Lowercase is Unicode's, which has surprises:
/// - `Straße` becomes `straße` and `STRASSE` `strasse`: two different words (only uppercasing
///   changes the length: `ß` becomes `SS`);
/// - `ΣΊΣΥΦΟΣ` becomes `σίσυφος`: Greek writes a final sigma `ς`, and `str::to_lowercase` on the
///   whole word knows where it ends (`char::to_lowercase` alone gives `σίσυφοσ`);
/// - `İstanbul` becomes `i̇stanbul`, an `i` followed by a combining dot (U+0307), which is not
///   alphanumeric: split first, then lowercase each word, or the word breaks in two.
pub fn tokenize(text: &str) -> Vec<String> {
    todo!("step 2: split {text:?} into lowercase words")
}

/// Step 2. Adds the words of `bytes` to `counts`: the bytes are decoded as UTF-8, invalid
/// sequences read as U+FFFD (`String::from_utf8_lossy`, which is not alphanumeric, so it separates
/// words), then tokenized with [`tokenize`]'s rule.
///
/// This is the innermost loop of the exercise: it runs once per word of the input. Avoid an
/// allocation per word (look a word up with `counts.get_mut(word)` before inserting an owned
/// copy) and the demo counts hundreds of MB per second.
pub fn count_bytes(bytes: &[u8], counts: &mut Counts) {
    todo!(
        "step 2: count the words of {} bytes into counts (holding {} words)",
        bytes.len(),
        counts.len()
    )
}

/// Step 2. Counts the words of everything `reader` yields, a buffer at a time: memory grows with
/// the number of distinct words, never with the length of the input (no `read_to_end`).
///
/// A read may end in the middle of a word, or in the middle of a multi-byte character: count
/// each buffer up to and including its last ASCII whitespace byte (one never occurs inside a
/// UTF-8 character, and always ends a word), and keep the rest for the next read. The end of the
/// stream ends the last word. Read errors are returned.
pub fn count_reader(reader: impl Read) -> io::Result<Counts> {
    todo!(
        "step 2: count the words of a {} a buffer at a time",
        std::any::type_name_of_val(&reader)
    )
}

/// Step 3. Cuts `0..len` (a file of `len` bytes) into consecutive ranges of `split_size` bytes,
/// the last one shorter; an empty file has no range; `split_size == 0` is treated as 1.
/// `len` may be close to `u64::MAX`: compute so nothing overflows.
pub fn split_ranges(len: u64, split_size: u64) -> Vec<Range<u64>> {
    todo!("step 3: cut 0..{len} into ranges of {split_size} bytes")
}

/// Step 3. Counts the words of one split of the file at `path`: every word whose first byte lies
/// in `range`, read whole even when it runs past `range.end`. Streams, like [`count_reader`].
///
/// The rule that makes the splits of a file add up to the whole, wherever the borders fall (in a
/// word, in a character, in a run of spaces): a split that does not start at 0 begins right
/// after the first ASCII whitespace byte at or after `range.start - 1` (the word running across
/// its start belongs to the split before); it reads its own bytes, and then, unless the last of
/// them is whitespace, on up to and including the next ASCII whitespace byte (or the end of the
/// file), which is where the next split begins. `Seek` to the start; `Read::take` limits a reader.
pub fn count_split(path: &Path, range: Range<u64>) -> io::Result<Counts> {
    todo!(
        "step 3: count the words that start in bytes {range:?} of {}",
        path.display()
    )
}

/// Step 4. The bucket of `word` among `buckets` (0 is treated as 1): its hash modulo the number
/// of buckets, with a hash that is the same in every process and every run (map tasks in two
/// processes must send a word to the same reducer): `foldhash::fast::FixedState::with_seed(..)`
/// and `BuildHasher::hash_one`, never std's `RandomState`. Pick another seed than
/// `FixedState::default()`, [`Counts`]' own: otherwise the words of one bucket share the low bits
/// of their hash, and the bucket's own table slows down.
pub fn bucket_of(word: &str, buckets: usize) -> usize {
    todo!("step 4: the bucket of {word:?} among {buckets}")
}

/// Step 4. The shuffle's first half: cuts `counts` into `buckets` maps (0 is treated as 1), each
/// word going to the map [`bucket_of`] says, with its count.
pub fn partition(counts: Counts, buckets: usize) -> Vec<Counts> {
    todo!("step 4: cut {} words into {buckets} buckets", counts.len())
}

/// Step 4. The reduce of one bucket: the sum of `partials`, word by word.
pub fn reduce_bucket(partials: Vec<Counts>) -> Counts {
    todo!("step 4: add up {} partial counts", partials.len())
}

/// Step 4. The reduce phase: `map_outputs[i][j]` is bucket `j` of map task `i`. Reduces each
/// bucket `j` (the `j`-th map of every output) as a task of its own on `executor`, every task
/// submitted before any result is waited for, then puts the buckets together (they hold
/// different words). If the executor refuses the work or a task fails, returns that error.
pub fn reduce_phase<E: Executor>(
    executor: &E,
    map_outputs: Vec<Vec<Counts>>,
) -> Result<Counts, Error> {
    todo!(
        "step 4: reduce the buckets of {} map outputs, one task per bucket, on the executor \
         (max_workers = {})",
        map_outputs.len(),
        executor.max_workers()
    )
}

impl Report {
    /// Step 5. How many words were counted in all: the sum of the counts.
    pub fn words(&self) -> u64 {
        todo!("step 5: the sum of {} counts", self.counts.len())
    }

    /// Step 5. How many different words there are.
    pub fn distinct(&self) -> usize {
        todo!(
            "step 5: the number of different words in counts of {} bytes",
            self.bytes
        )
    }
}

/// Step 5. The `k` most frequent words with their counts, most frequent first; words with the
/// same count in alphabetical order (of their UTF-8 bytes, as `str`'s `Ord`). Fewer than `k` if
/// there are fewer words.
pub fn top_k(counts: &Counts, k: usize) -> Vec<(String, u64)> {
    todo!("step 5: the {k} most frequent of {} words", counts.len())
}

/// Step 5. The map task: counts the words of `split` ([`count_split`]) and partitions them into
/// `buckets` ([`partition`]).
pub fn map_split(split: &Split, buckets: usize) -> io::Result<Vec<Counts>> {
    todo!("step 5: count {split:?} and partition it into {buckets} buckets")
}

/// Step 5. Counts the words of `files` with MapReduce on `executor`.
///
/// - Each file is checked first (`std::fs::metadata`): a missing or unreadable file fails with
///   [`FileError::Io`], a folder with [`FileError::Folder`]; the other files are still counted.
/// - Each file is cut into splits ([`split_ranges`] with `options.split_size`); each split is a
///   map task ([`map_split`] into `options.buckets` buckets, 0 treated as 1). Submit every map
///   task before waiting for any result: they run side by side.
/// - A file counts whole or not at all: if one of its splits fails (a read error, or a task that
///   panicked: [`FileError::Executor`]), none of its splits is counted and it goes to
///   `Report::failed`.
/// - The map outputs of the counted files go to [`reduce_phase`], on the same executor.
/// - `Report::files` and `Report::bytes` count the files counted (an empty file counts, with 0
///   bytes). No file at all is an empty report.
///
/// If the executor refuses the work, returns its error (the whole job cannot run).
pub fn word_count<E: Executor>(
    executor: &E,
    files: &[PathBuf],
    options: &Options,
) -> Result<Report, Error> {
    todo!(
        "step 5: count the words of {} with splits of {} bytes and {} buckets on the executor \
         (max_workers = {})",
        plural(files.len(), "file"),
        options.split_size,
        options.buckets,
        executor.max_workers()
    )
}

/// `count` and `noun`, singular or plural, for the messages of the stubs.
fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}
