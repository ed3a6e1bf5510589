//! Exercise 1, reference solution: compress many files with gzip, in parallel.
//!
//! The same public API as the starter in `exercises/ex1`, checked by the very same tests.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use concurrent::{Executor, Future};
use flate2::Compression;
use flate2::write::GzEncoder;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use tempfile::NamedTempFile;

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

/// Step 6. The block size [`compress_big_file`] is meant to be used with: 1 MiB.
pub const DEFAULT_BLOCK_SIZE: usize = 1 << 20;

/// Bytes generated at a time by [`write_random_text`] (and read at a time by [`compress_file`]).
const CHUNK: usize = 128 * 1024;

/// Why one file could not be compressed. Every variant names the input file, so a report of many
/// files says which one failed.
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
    /// third of the size). 0.0 when `compressed_size` is 0.
    pub fn ratio(&self) -> f64 {
        if self.compressed_size == 0 {
            0.0
        } else {
            self.original_size as f64 / self.compressed_size as f64
        }
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
        (self.compressed_bytes > 0)
            .then(|| self.original_bytes as f64 / self.compressed_bytes as f64)
    }
}

/// Step 1. Writes exactly `len` bytes of random words from [`WORDS`] to `out`: the same `seed`
/// always gives the same bytes.
///
/// Words are separated by a space, or now and then by a newline, so the text has lines. The last
/// word may be cut short to hit `len` exactly. Generated a chunk at a time: `len` may be larger
/// than memory.
pub fn write_random_text(mut out: impl Write, seed: u64, len: u64) -> io::Result<()> {
    // A named generator, not `StdRng` (whose algorithm may change between releases of rand):
    // the same seed gives the same numbers on every platform.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut chunk = Vec::with_capacity(CHUNK + 32);
    let mut left = len;
    while left > 0 {
        chunk.clear();
        while chunk.len() < CHUNK {
            chunk.extend_from_slice(WORDS[rng.random_range(0..WORDS.len())].as_bytes());
            chunk.push(if rng.random_ratio(1, 12) { b'\n' } else { b' ' });
        }
        let take = chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        out.write_all(&chunk[..take])?;
        left -= take as u64;
    }
    out.flush()
}

/// Step 1. Creates `dir` if needed and writes `count` files of `size` bytes of random text into
/// it, named `file_000.txt`, `file_001.txt`... File `i` holds
/// `write_random_text(_, seed.wrapping_add(i), size)`. Returns their paths, in order.
pub fn generate_files(dir: &Path, count: usize, size: u64, seed: u64) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    (0..count)
        .map(|index| {
            let path = dir.join(format!("file_{index:03}.txt"));
            let mut out = BufWriter::new(File::create(&path)?);
            write_random_text(&mut out, seed.wrapping_add(index as u64), size)?;
            out.into_inner().map_err(io::IntoInnerError::into_error)?;
            Ok(path)
        })
        .collect()
}

/// Step 2. Compresses everything `reader` yields into `writer` as one gzip stream at `level`
/// (0 = store only, 1 = fastest, 9 = smallest; above 9 counts as 9) and returns the number of
/// bytes read.
///
/// Streams: a buffer at a time, never the whole input in memory. Every error, from reading,
/// compressing or writing (including the last bytes written when the stream is finished), is
/// returned.
pub fn compress_reader(mut reader: impl Read, writer: impl Write, level: u32) -> io::Result<u64> {
    let mut encoder = GzEncoder::new(writer, Compression::new(level.min(9)));
    let read = io::copy(&mut reader, &mut encoder)?;
    // `finish` writes the last compressed bytes and the gzip trailer (CRC and length). Dropping the
    // encoder would do it too, but would swallow any error.
    encoder.finish()?.flush()?;
    Ok(read)
}

/// Step 3. Where the compressed copy of `path` goes: `path` with `.gz` appended, as `gzip` does
/// (`notes.txt` becomes `notes.txt.gz`), so `gzip -d` gives the original name back.
pub fn gz_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}

/// Step 3. Compresses the file at `path` to [`gz_path`]`(path)` at `level`, streaming.
///
/// The output is written to a temporary file in the same folder and renamed to its name only once
/// it is complete: a failure never leaves a truncated `.gz`, and an older `.gz` stays untouched
/// until the new one replaces it whole. Errors name `path`.
pub fn compress_file(path: &Path, level: u32) -> Result<FileReport, CompressError> {
    let io_error = |source| CompressError::Io {
        path: path.to_owned(),
        source,
    };
    let output = gz_path(path);
    let input = File::open(path).map_err(io_error)?;
    let (original_size, compressed_size) = write_atomically(&output, |out| {
        compress_reader(BufReader::with_capacity(CHUNK, input), out, level)
    })
    .map_err(io_error)?;
    Ok(FileReport {
        input: path.to_owned(),
        output,
        original_size,
        compressed_size,
    })
}

/// Runs `write` on a temporary file next to `target`, then renames it to `target`. Returns what
/// `write` returned and the size of the file written. On any error the temporary file is deleted
/// (when the `NamedTempFile` is dropped) and `target` is left as it was.
fn write_atomically<T>(
    target: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> io::Result<T>,
) -> io::Result<(T, u64)> {
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = NamedTempFile::new_in(folder)?;
    let mut out = BufWriter::with_capacity(CHUNK, temp.as_file());
    let value = write(&mut out)?;
    out.into_inner().map_err(io::IntoInnerError::into_error)?;
    let size = temp.as_file().metadata()?.len();
    temp.persist(target).map_err(|error| error.error)?;
    Ok((value, size))
}

/// Step 3. Compresses the files one after the other: the baseline. One result per path, in order;
/// a file that fails does not stop the others.
pub fn compress_files_sequential(
    paths: &[PathBuf],
    level: u32,
) -> Vec<Result<FileReport, CompressError>> {
    paths
        .iter()
        .map(|path| compress_file(path, level))
        .collect()
}

/// Steps 4 and 5. Compresses every file as its own task on `executor` and returns one result per
/// path, **in the order of `paths`**, whatever order the tasks finish in.
///
/// A file that fails (missing, unreadable) gets its `Err` and the others are still compressed. If
/// the executor refuses a task or the task panics, that file's result is
/// [`CompressError::Executor`]; nothing panics.
///
/// Step 5: `progress(done, total)` is called once per file as it finishes (compressed or failed),
/// with `done` going 1, 2, ... up to `total = paths.len()` in that order, possibly from worker
/// threads. Every call has been made when this function returns.
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
    let counter = Arc::new(Counter {
        done: Mutex::new(0),
        total: paths.len(),
        progress,
    });
    // Submit everything first (the pool starts at once), then collect in input order.
    let submitted: Vec<_> = paths
        .iter()
        .map(|path| {
            let task_path = path.clone();
            let future = executor.submit(move || compress_file(&task_path, level));
            match &future {
                Ok(future) => {
                    let counter = Arc::clone(&counter);
                    future.add_done_callback(move |_| counter.tick());
                }
                Err(_) => counter.tick(),
            }
            (path, future)
        })
        .collect();
    submitted
        .into_iter()
        .map(|(path, future)| {
            future.and_then(Future::result).unwrap_or_else(|source| {
                Err(CompressError::Executor {
                    path: path.clone(),
                    source,
                })
            })
        })
        .collect()
}

/// Counts finished files and reports them. The lock is held while `progress` runs: two workers
/// finishing together cannot report 4 before 3.
struct Counter<P> {
    done: Mutex<usize>,
    total: usize,
    progress: P,
}

impl<P: Fn(usize, usize)> Counter<P> {
    fn tick(&self) {
        let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
        *done += 1;
        (self.progress)(*done, self.total);
    }
}

/// Step 5. Adds up a batch of results: counts, byte totals and the average ratio.
pub fn summarize(results: &[Result<FileReport, CompressError>]) -> Summary {
    let mut summary = Summary::default();
    let mut ratios = 0.0;
    for result in results {
        match result {
            Ok(report) => {
                summary.compressed += 1;
                summary.original_bytes += report.original_size;
                summary.compressed_bytes += report.compressed_size;
                ratios += report.ratio();
            }
            Err(_) => summary.failed += 1,
        }
    }
    summary.average_ratio = (summary.compressed > 0).then(|| ratios / summary.compressed as f64);
    summary
}

/// Step 6. Compresses one stream in parallel: cuts `reader` into blocks of `block_size` bytes
/// (the last may be shorter; 0 counts as 1), compresses each block as its own gzip member on
/// `executor`, and writes the members to `writer` in order. Consecutive gzip members form a valid
/// gzip file (`gzip -d` and `flate2::read::MultiGzDecoder` read them as one). An empty input gives
/// one empty member. Returns the number of bytes read.
///
/// Memory stays bounded: only a few blocks per worker are read ahead of the writer.
pub fn compress_blocks<E: Executor>(
    executor: &E,
    mut reader: impl Read,
    mut writer: impl Write,
    level: u32,
    block_size: usize,
) -> io::Result<u64> {
    let block_size = block_size.max(1);
    let level = Compression::new(level.min(9));
    // Blocks submitted and not yet written: enough to keep every worker busy while the oldest is
    // written, few enough that memory stays bounded whatever the input size.
    let window = executor.max_workers().max(1) * 2;
    let mut pending: VecDeque<Future<io::Result<Vec<u8>>>> = VecDeque::new();
    let mut total = 0;
    loop {
        let block = read_block(&mut reader, block_size)?;
        if block.is_empty() && total > 0 {
            break;
        }
        total += block.len() as u64;
        let last = block.len() < block_size; // a short block (maybe empty) ends the input
        let future = executor
            .submit(move || compress_block(&block, level))
            .map_err(io::Error::other)?;
        pending.push_back(future);
        if pending.len() >= window
            && let Some(oldest) = pending.pop_front()
        {
            write_member(oldest, &mut writer)?;
        }
        if last {
            break;
        }
    }
    for future in pending {
        write_member(future, &mut writer)?;
    }
    writer.flush()?;
    Ok(total)
}

/// Waits for a compressed block and writes it: members leave in the order blocks came in.
fn write_member(future: Future<io::Result<Vec<u8>>>, writer: &mut impl Write) -> io::Result<()> {
    let member = future.result().map_err(io::Error::other)??;
    writer.write_all(&member)
}

/// Reads up to `size` bytes: fewer only at the end of the input.
fn read_block(reader: &mut impl Read, size: usize) -> io::Result<Vec<u8>> {
    let mut block = Vec::with_capacity(size);
    reader.by_ref().take(size as u64).read_to_end(&mut block)?;
    Ok(block)
}

/// One block as one complete gzip member.
fn compress_block(block: &[u8], level: Compression) -> io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(block.len() / 2 + 64), level);
    encoder.write_all(block)?;
    encoder.finish()
}

/// Step 6. Compresses one (big) file with [`compress_blocks`] to [`gz_path`]`(path)`, written to a
/// temporary file and renamed as in [`compress_file`]. Errors name `path`.
pub fn compress_big_file<E: Executor>(
    executor: &E,
    path: &Path,
    level: u32,
    block_size: usize,
) -> Result<FileReport, CompressError> {
    let io_error = |source| CompressError::Io {
        path: path.to_owned(),
        source,
    };
    let output = gz_path(path);
    let input = File::open(path).map_err(io_error)?;
    let (original_size, compressed_size) = write_atomically(&output, |out| {
        compress_blocks(
            executor,
            BufReader::with_capacity(CHUNK, input),
            out,
            level,
            block_size,
        )
    })
    .map_err(io_error)?;
    Ok(FileReport {
        input: path.to_owned(),
        output,
        original_size,
        compressed_size,
    })
}
