//! Shared by the step modules: words for messages, the folders of the storage tests. (Every test
//! runs under a deadline through `#[course_testing::test]`.)

use std::path::Path;

/// `count` and `noun`, in the singular for 1: "1 file", "2 files", "0 files".
pub fn counted(count: impl std::fmt::Display, noun: &str) -> String {
    match count.to_string() {
        one if one == "1" => format!("1 {noun}"),
        count => format!("{count} {noun}s"),
    }
}

/// The names in `dir`, sorted (hidden temporary files included: a leftover must show).
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    names.sort();
    names
}

/// A fresh empty folder, removed when dropped.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot make a scratch folder: {e}"))
}

/// The MD5 of `bytes` in hex, computed the slow, obvious way for comparisons.
pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A retry policy with millisecond waits: tests record the waits, they never sleep them.
pub fn quick_policy() -> ex5::RetryPolicy {
    ex5::RetryPolicy {
        max_retries: 3,
        base_delay: std::time::Duration::from_millis(100),
        max_delay: std::time::Duration::from_secs(5),
    }
}

/// Starts the test's HTTP server on loopback.
pub fn start(builder: course_testing::http::HttpServerBuilder) -> course_testing::http::HttpServer {
    builder
        .start()
        .unwrap_or_else(|e| panic!("the test HTTP server did not start: {e}"))
}

/// The outcomes of a report's attempts, for messages and comparisons.
pub fn outcomes(report: &ex5::DownloadReport) -> Vec<Result<(), ex5::Failure>> {
    report.attempts.iter().map(|a| a.outcome.clone()).collect()
}

/// What a progress bar for `url` would have been told: the total given by each `body_started`
/// (one per attempt that got a body), and the byte counts of the reads after each of them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Heard {
    /// Each `body_started`'s total, in order.
    pub starts: Vec<Option<u64>>,
    /// The `received` counts after each `body_started` (one list per start).
    pub reads: Vec<Vec<u64>>,
    /// `received` calls that came before any `body_started`.
    pub reads_before_start: usize,
}

/// Sorts the calls a recorder heard for `url` into a [`Heard`].
pub fn heard(progress: &ex5::RecordingProgress, url: &str) -> Heard {
    let mut heard = Heard::default();
    for event in progress.events() {
        match event {
            ex5::ProgressEvent::BodyStarted { url: u, total } if u == url => {
                heard.starts.push(total);
                heard.reads.push(Vec::new());
            }
            ex5::ProgressEvent::Received { url: u, bytes } if u == url => {
                match heard.reads.last_mut() {
                    Some(reads) => reads.push(bytes),
                    None => heard.reads_before_start += 1,
                }
            }
            _ => {}
        }
    }
    heard
}
