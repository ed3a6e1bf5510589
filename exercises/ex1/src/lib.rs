//! # Exercise 1: a parallel file compressor
//!
//! Work through the steps in order; each has its tests: `cargo test -p ex1 step1`, then `step2`...
//! Stuck? `cargo xtask hint ex1`. The chapter "Exercise 1" of the book explains the ideas.
//!
//! 1. [`write_random_text`], [`generate_files`]: test data, the same for the same seed.
//! 2. [`compress_reader`]: gzip from any reader to any writer, a buffer at a time.
//! 3. [`gz_path`], [`compress_file`], [`compress_files_sequential`]: one file to `file.gz`,
//!    written under a temporary name and renamed, so a failure never leaves a half `.gz`.
//! 4. [`compress_files`]: every file as a task on an executor from `concurrent`, results in order.
//! 5. The `progress` callback of [`compress_files`], [`FileReport::ratio`], [`summarize`],
//!    [`Summary::overall_ratio`]: progress reports and compression ratios.
//! 6. Going further, [`compress_blocks`] and [`compress_big_file`]: one big file in parallel, cut
//!    into blocks compressed as consecutive gzip members.
//!
//! Replace each `todo!()` with your code. Keep the signatures: the tests call them. The crates you
//! need are already dependencies: `flate2` (gzip), `tempfile` (temporary files), `rand` (seeded
//! random numbers), `thiserror` (the error type below).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use concurrent::Executor;

/// The words the generated text is made of.
pub const WORDS: &[&str] = &[
    "thread", "worker", "future", "result", "executor", "pool", "task", "submit", "map", "wait",
    "cancel", "timeout", "callback", "lock", "mutex", "channel", "atomic", "borrow", "owner",
    "move", "send", "sync", "arc", "crab", "ferris", "rust", "python", "process", "queue", "join",
    "spawn", "scope", "panic", "error", "stream", "buffer", "block", "chunk", "file", "folder",
    "gzip", "deflate", "ratio", "byte", "speed", "core", "cache", "memory", "disk", "network",
    "parallel", "order", "progress", "report", "seed", "random", "word", "line", "text",
    "compress", "archive", "header", "member", "window", "level", "the", "a", "of", "and", "to",
    "in", "is", "it", "on", "with", "as", "for", "at", "by", "from", "fast", "slow", "safe",
    "busy", "idle", "ready", "done", "running", "pending", "shared", "owned", "static", "lazy",
    "bounded", "ordered", "green", "quiet",
];

/// Step 6. A good block size for [`compress_big_file`]: 1 MiB.
pub const DEFAULT_BLOCK_SIZE: usize = 1 << 20;

/// Why one file could not be compressed. Every variant names the input file, so a report of many
/// files says which one failed. (Given: `thiserror` writes the `Display` and `Error` impls.)
#[derive(Debug, thiserror::Error)]
pub enum CompressError {
    /// Reading the input or writing the output failed (a missing or unreadable input, a full
    /// disk...).
    #[error("cannot compress {}: {source}", path.display())]
    Io {
        /// The input file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The executor did not run the task: it was shut down, or the task panicked.
    #[error("cannot compress {}: the task did not run to completion: {source}", path.display())]
    Executor {
        /// The input file.
        path: PathBuf,
        /// What the executor said.
        #[source]
        source: concurrent::Error,
    },
}

impl CompressError {
    /// The input file this error is about.
    pub fn path(&self) -> &Path {
        match self {
            CompressError::Io { path, .. } | CompressError::Executor { path, .. } => path,
        }
    }
}

/// What compressing one file produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file that was read.
    pub input: PathBuf,
    /// The `.gz` file that was written: [`gz_path`] of the input.
    pub output: PathBuf,
    /// Bytes read from the input.
    pub original_size: u64,
    /// Bytes of the `.gz` file.
    pub compressed_size: u64,
}

impl FileReport {
    /// Step 5. How many times smaller the file got: `original_size / compressed_size` (3.0 means a
    /// third of the size), as an `f64`. 0.0 when `compressed_size` is 0.
    pub fn ratio(&self) -> f64 {
        todo!(
            "step 5: the ratio of {} compressed to {}",
            plural(self.original_size, "byte"),
            self.compressed_size
        )
    }
}

/// Step 5. The totals of a batch of results.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    /// Files compressed successfully.
    pub compressed: usize,
    /// Files that failed.
    pub failed: usize,
    /// Sum of `original_size` over the compressed files.
    pub original_bytes: u64,
    /// Sum of `compressed_size` over the compressed files.
    pub compressed_bytes: u64,
    /// The mean of the compressed files' [`FileReport::ratio`]; `None` if none was compressed.
    pub average_ratio: Option<f64>,
}

impl Summary {
    /// Step 5. The ratio of the whole batch, `original_bytes / compressed_bytes`: big files weigh
    /// more than small ones, unlike in [`Summary::average_ratio`]. `None` when `compressed_bytes`
    /// is 0.
    pub fn overall_ratio(&self) -> Option<f64> {
        todo!(
            "step 5: the ratio of {} compressed to {}",
            plural(self.original_bytes, "byte"),
            self.compressed_bytes
        )
    }
}

/// Step 1. Writes exactly `len` bytes of random words from [`WORDS`] to `out`: the same `seed`
/// always gives the same bytes, and a different seed different ones.
///
/// - Seed a generator with `seed`: `rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed)` (with
///   `use rand::{RngExt, SeedableRng};`), then pick words with `rng.random_range(0..WORDS.len())`.
/// - Separate the words with one space, or now and then (say one time in twelve) a newline, so
///   the text has lines.
/// - Cut the last word short to write exactly `len` bytes.
/// - Write a chunk at a time (say 64 KiB): `len` may be larger than memory.
pub fn write_random_text(out: impl Write, seed: u64, len: u64) -> io::Result<()> {
    todo!(
        "step 1: write {} of random words (seed {seed}) into a {}",
        plural(len, "byte"),
        type_name(&out)
    )
}

/// Step 1. Creates `dir` if needed and writes `count` files of `size` bytes of random text into
/// it, named `file_000.txt`, `file_001.txt`... File `i` holds the text of
/// [`write_random_text`] with the seed `seed.wrapping_add(i)`. Returns their paths, in order.
pub fn generate_files(dir: &Path, count: usize, size: u64, seed: u64) -> io::Result<Vec<PathBuf>> {
    todo!(
        "step 1: write {} of {} (seed {seed}) in {}",
        plural(count, "file"),
        plural(size, "byte"),
        dir.display()
    )
}

/// Step 2. Compresses everything `reader` yields into `writer` as one gzip stream at `level`
/// (0 = store only, 1 = fastest, 9 = smallest; above 9 counts as 9) and returns the number of
/// bytes read.
///
/// Stream it: a buffer at a time, never the whole input in memory (`io::copy` into a
/// `flate2::write::GzEncoder`). Return every error, from reading, compressing or writing, including
/// those of the last bytes, written when the stream is finished.
pub fn compress_reader(reader: impl Read, writer: impl Write, level: u32) -> io::Result<u64> {
    todo!(
        "step 2: gzip what a {} yields into a {} at level {level}",
        type_name(&reader),
        type_name(&writer)
    )
}

/// Step 3. Where the compressed copy of `path` goes: `path` with `.gz` appended, as `gzip` does
/// (`notes.txt` becomes `notes.txt.gz`), so `gzip -d` gives the original name back.
pub fn gz_path(path: &Path) -> PathBuf {
    todo!("step 3: {} with .gz appended", path.display())
}

/// Step 3. Compresses the file at `path` to [`gz_path`]`(path)` at `level`, streaming, and reports
/// the sizes.
///
/// Write the output to a temporary file in the same folder (`tempfile::NamedTempFile::new_in`)
/// and give it its name (`persist`) only once it is complete: a failure never leaves a truncated
/// `.gz`, and an older `.gz` stays untouched until the new one replaces it whole. Every error is a
/// [`CompressError::Io`] naming `path`.
pub fn compress_file(path: &Path, level: u32) -> Result<FileReport, CompressError> {
    todo!(
        "step 3: compress {} to {}.gz at level {level}",
        path.display(),
        path.display()
    )
}

/// Step 3. Compresses the files one after the other: the baseline to beat. One result per path,
/// in order; a file that fails does not stop the others.
pub fn compress_files_sequential(
    paths: &[PathBuf],
    level: u32,
) -> Vec<Result<FileReport, CompressError>> {
    todo!(
        "step 3: compress {} one after the other at level {level}",
        plural(paths.len(), "file")
    )
}

/// Steps 4 and 5. Compresses every file as its own task on `executor` and returns one result per
/// path, **in the order of `paths`**, whatever order the tasks finish in.
///
/// A file that fails (missing, unreadable) gets its `Err` and the others are still compressed. If
/// the executor refuses a task or the task panics, that file's result is
/// [`CompressError::Executor`]; nothing panics. A task must own what it uses (`Send + 'static`):
/// give it its own `PathBuf`.
///
/// Step 5: call `progress(done, total)` once per file as it finishes (compressed or failed), with
/// `done` going 1, 2, ... up to `total = paths.len()`, in that order, from any thread. Every call
/// has been made when this function returns. (Which type lets several tasks share one counter and
/// one callback? What stops two of them reporting out of order?)
pub fn compress_files<E, P>(
    executor: &E,
    paths: &[PathBuf],
    level: u32,
    progress: P,
) -> Vec<Result<FileReport, CompressError>>
where
    E: Executor,
    P: Fn(usize, usize) + Send + Sync + 'static,
{
    todo!(
        "step 4: compress {} at level {level} on {}, reporting to `{}`",
        plural(paths.len(), "file"),
        plural(executor.max_workers(), "worker"),
        type_name(&progress)
    )
}

/// Step 5. Adds up a batch of results: how many were compressed and how many failed, the byte
/// totals and the mean of the ratios of the compressed files.
pub fn summarize(results: &[Result<FileReport, CompressError>]) -> Summary {
    todo!("step 5: add up {}", plural(results.len(), "result"))
}

/// Step 6. Compresses one stream in parallel: cut `reader` into blocks of `block_size` bytes (the
/// last may be shorter; 0 counts as 1), compress each block as its own complete gzip member in a
/// task on `executor`, and write the members to `writer` in the order of the blocks. Consecutive
/// gzip members form a valid gzip file: `gzip -d` and `flate2::read::MultiGzDecoder` read them as
/// one. An empty input gives one empty member. Returns the number of bytes read.
///
/// Keep memory bounded: only a few blocks per worker may be read ahead of the writer (submit,
/// and once that many are in flight, write the oldest before reading more). Executor errors can
/// be returned as `io::Error::other(error)`.
pub fn compress_blocks<E: Executor>(
    executor: &E,
    reader: impl Read,
    writer: impl Write,
    level: u32,
    block_size: usize,
) -> io::Result<u64> {
    todo!(
        "step 6: cut a {} into blocks of {}, gzip them at level {level} on {}, write them in \
         order into a {}",
        type_name(&reader),
        plural(block_size, "byte"),
        plural(executor.max_workers(), "worker"),
        type_name(&writer)
    )
}

/// Step 6. Compresses one (big) file with [`compress_blocks`] to [`gz_path`]`(path)`, written to a
/// temporary file and renamed as in [`compress_file`]. Errors are [`CompressError::Io`] naming
/// `path`.
pub fn compress_big_file<E: Executor>(
    executor: &E,
    path: &Path,
    level: u32,
    block_size: usize,
) -> Result<FileReport, CompressError> {
    todo!(
        "step 6: compress {} in blocks of {} at level {level} on {}",
        path.display(),
        plural(block_size, "byte"),
        plural(executor.max_workers(), "worker")
    )
}

// Given: two helpers for the `todo!()` messages above. Once every step is done they are unused
// and can go.

/// `count` and `noun`, singular or plural: "1 file", "2 files".
#[allow(dead_code)]
fn plural(count: impl std::fmt::Display, noun: &str) -> String {
    match count.to_string() {
        one if one == "1" => format!("1 {noun}"),
        many => format!("{many} {noun}s"),
    }
}

/// The name of `value`'s type without its module paths: `Vec<u8>` rather than
/// `alloc::vec::Vec<u8>`.
#[allow(dead_code)]
fn type_name<T: ?Sized>(_value: &T) -> String {
    let mut short = String::new();
    // Where the path being read started in `short`: a `::` drops what came since.
    let mut path_start = 0;
    let mut chars = std::any::type_name::<T>().chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            short.truncate(path_start);
        } else {
            short.push(c);
            if !(c.is_alphanumeric() || c == '_' || c == '{' || c == '}') {
                path_start = short.len();
            }
        }
    }
    short
}
