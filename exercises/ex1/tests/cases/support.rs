//! Shared by the step modules: test files in temporary folders, gzip decoding, and readers and
//! writers that watch how the data flows. (Every test runs under a deadline through
//! `#[course_testing::test]`.)
//!
//! Nothing here calls the exercise: the tests of step 4 must not fail because step 1 is unsolved.

#![allow(dead_code)] // each step module uses a different part

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use flate2::bufread::GzDecoder;
use flate2::read::MultiGzDecoder;

/// `count` and `noun`, singular or plural: "1 byte", "2 bytes", "0 files".
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

/// A fresh temporary folder that does not depend on the system's temporary folder: inside the
/// target folder's scratch space, which cargo gives integration tests. For the tests that make the
/// system's temporary folder unusable ([`NO_TEMP_FOLDER`]).
pub fn temp_dir_in_target() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ex1-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("cannot create a temporary folder in the target folder")
}

/// What `TMPDIR` (`TMP` and `TEMP` on Windows) is set to in the tests that make the system's
/// temporary folder unusable: a folder inside a device file cannot exist, not even for root.
pub const NO_TEMP_FOLDER: &str = "/dev/null/no-temporary-folder";

/// True if the system's temporary folder is unusable in this process, as the tests that set
/// [`NO_TEMP_FOLDER`] need. If the platform ignores the variable, such a test has nothing to
/// check: it says so and passes.
pub fn system_temp_folder_is_unusable() -> bool {
    assert_eq!(
        std::env::var("TMPDIR").as_deref(),
        Ok(NO_TEMP_FOLDER),
        "the test's own setup: the environment should make the system's temporary folder unusable"
    );
    let unusable = tempfile::NamedTempFile::new().is_err();
    if !unusable {
        eprintln!(
            "note: this platform ignores TMPDIR={NO_TEMP_FOLDER} (the system's temporary folder \
             is still {}): the check is skipped",
            std::env::temp_dir().display()
        );
    }
    unusable
}

/// `len` bytes of text made of words, different for each `seed`: compressible like real text.
/// Deliberately not the exercise's `write_random_text`, so later steps do not depend on step 1.
pub fn text(seed: u64, len: usize) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "alpha", "beta", "gamma", "delta", "thread", "future", "pool", "crab", "gzip", "block",
        "stream", "ratio", "task", "lock", "queue", "ferris",
    ];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        // xorshift64: tiny and good enough to make text.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(WORDS[(state % 16) as usize].as_bytes());
        out.push(if state.is_multiple_of(11) {
            b'\n'
        } else {
            b' '
        });
    }
    out.truncate(len);
    out
}

/// Writes `contents` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("cannot write a test file");
    path
}

/// `count` text files `input_N.txt` of about `size` bytes each, all different.
pub fn text_files(dir: &Path, count: usize, size: usize) -> Vec<PathBuf> {
    (0..count)
        .map(|index| {
            write_file(
                dir,
                &format!("input_{index}.txt"),
                &text(index as u64 + 1, size + index * 37),
            )
        })
        .collect()
}

/// `path` with `.gz` appended (what the exercise's `gz_path` must give).
pub fn gz_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}

/// Asserts that a report names the file that was read, `input`, and the `.gz` written beside it.
pub fn assert_report_paths(report: &ex1::FileReport, input: &Path) {
    assert_eq!(
        report.input,
        input,
        "report.input should be the file that was read, {}, got {}",
        input.display(),
        report.input.display()
    );
    let output = gz_of(input);
    assert_eq!(
        report.output,
        output,
        "report.output should be gz_path(input), {}, got {}",
        output.display(),
        report.output.display()
    );
}

/// Decompresses gzip data that may hold several members, or says why it is not valid gzip.
pub fn gunzip(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|error| {
            format!(
                "not a valid gzip stream ({}): {error}",
                plural(data.len(), "byte")
            )
        })?;
    Ok(out)
}

/// Decompresses the `.gz` file at `path`, with a message that says what is wrong.
pub fn gunzip_file(path: &Path) -> Vec<u8> {
    let data = std::fs::read(path).unwrap_or_else(|error| {
        panic!("cannot read {}: {error} (was it written?)", path.display())
    });
    gunzip(&data).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The decompressed contents of each gzip member of `data`, in order.
pub fn members(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut rest = data;
    let mut members = Vec::new();
    while !rest.is_empty() {
        let mut decoder = GzDecoder::new(rest);
        let mut member = Vec::new();
        decoder
            .read_to_end(&mut member)
            .map_err(|error| format!("member {} is not valid gzip: {error}", members.len() + 1))?;
        rest = decoder.into_inner();
        members.push(member);
    }
    Ok(members)
}

/// Asserts that compressing `input` added `input.gz` to `folder` and nothing else: no temporary
/// file left behind.
pub fn assert_only_gz_added(folder: &Path, input: &str) {
    let names = names_in(folder);
    let gz = format!("{input}.gz");
    assert!(
        names == [input, gz.as_str()],
        "only {gz} should be added to the folder, found {names:?}: is a temporary file left behind?"
    );
}

/// The names in a folder, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("cannot list the test folder")
        .map(|entry| {
            entry
                .expect("cannot list the test folder")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// How the bytes flowed through a stream: what the reader handed out, when the first compressed
/// byte reached the writer.
#[derive(Debug, Default)]
pub struct Flow {
    /// Bytes the reader has handed out so far.
    pub read: AtomicU64,
    /// Bytes the writer has received so far.
    pub written: AtomicU64,
    /// `read` at the moment the writer received its first byte (u64::MAX: not yet).
    pub read_at_first_write: AtomicU64,
    /// Set when the reader saw too much read without any output.
    pub slurp_detected: AtomicBool,
}

impl Flow {
    pub fn new() -> Arc<Flow> {
        Arc::new(Flow {
            read_at_first_write: AtomicU64::new(u64::MAX),
            ..Flow::default()
        })
    }
}

pub use course_testing::memory::MIB;

/// A reader of `len` bytes that repeats a short text (so it compresses fast) and never holds more
/// than that text in memory: it stands for a file larger than memory. If `slurp_limit` bytes
/// have been read while nothing was written yet, it fails: the data is being collected instead of
/// streamed.
pub struct HugeReader {
    pattern: Vec<u8>,
    position: u64,
    len: u64,
    slurp_limit: u64,
    flow: Arc<Flow>,
}

impl HugeReader {
    pub fn new(len: u64, slurp_limit: u64, flow: Arc<Flow>) -> HugeReader {
        HugeReader {
            pattern: text(7, 8 * 1024),
            position: 0,
            len,
            slurp_limit,
            flow,
        }
    }
}

impl Read for HugeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.flow.written.load(Ordering::SeqCst) == 0 && self.position >= self.slurp_limit {
            self.flow.slurp_detected.store(true, Ordering::SeqCst);
            return Err(io::Error::other(format!(
                "{} MiB were read and not a single byte was written yet: the input is being \
                 collected in memory instead of streamed",
                self.position / MIB
            )));
        }
        let left = self.len - self.position;
        let offset = (self.position % self.pattern.len() as u64) as usize;
        let n = buf
            .len()
            .min(self.pattern.len() - offset)
            .min(usize::try_from(left).unwrap_or(usize::MAX));
        buf[..n].copy_from_slice(&self.pattern[offset..offset + n]);
        self.position += n as u64;
        self.flow.read.fetch_add(n as u64, Ordering::SeqCst);
        Ok(n)
    }
}

/// The message a [`StopWriter`] stops the stream with.
pub const ENOUGH: &str = "enough: the test saw what it needed";

/// A writer that records the flow and stops the stream (fails with [`ENOUGH`]) once the reader has
/// handed out `stop_after` bytes: the test need not compress the whole huge input.
pub struct StopWriter {
    stop_after: u64,
    flow: Arc<Flow>,
}

impl StopWriter {
    pub fn new(stop_after: u64, flow: Arc<Flow>) -> StopWriter {
        StopWriter { stop_after, flow }
    }
}

impl Write for StopWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let read = self.flow.read.load(Ordering::SeqCst);
        let _ = self.flow.read_at_first_write.compare_exchange(
            u64::MAX,
            read,
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
        self.flow
            .written
            .fetch_add(buf.len() as u64, Ordering::SeqCst);
        if read >= self.stop_after {
            return Err(io::Error::other(ENOUGH));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that accepts `capacity` bytes, then fails like a full disk.
pub struct FullDisk {
    pub capacity: usize,
    pub accepted: Vec<u8>,
}

impl Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.capacity - self.accepted.len();
        if room == 0 && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on the test disk",
            ));
        }
        let n = buf.len().min(room);
        self.accepted.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A reader that yields `good` bytes of text, then fails like a bad disk.
pub struct BadDisk {
    pub data: io::Cursor<Vec<u8>>,
}

impl BadDisk {
    pub fn new(good: usize) -> BadDisk {
        BadDisk {
            data: io::Cursor::new(text(3, good)),
        }
    }
}

impl Read for BadDisk {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.data.read(buf)? {
            0 => Err(io::Error::other("the test disk has a bad sector")),
            n => Ok(n),
        }
    }
}
