//! The one error type of the example: every message names the file and says what to fix.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Bad rows kept for the message (the count is exact).
pub const BAD_ROWS_SHOWN: usize = 10;

/// Why a file could not be summarised.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file cannot be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The first line is missing, or does not name the columns needed.
    #[error("{}: {reason}", path.display())]
    Header {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Some rows cannot be read: nothing is summarised, since statistics that silently skip rows
    /// are wrong without anyone noticing.
    #[error("{}", bad_rows_message(path, *count, first))]
    BadRows {
        /// The file.
        path: PathBuf,
        /// How many rows are bad.
        count: u64,
        /// The first ones, by line number (at most [`BAD_ROWS_SHOWN`]).
        first: Vec<BadRow>,
    },
    /// A task on the pool failed (it panicked, or the pool was shut down).
    #[error("a chunk could not be summarised: {0}")]
    Task(#[from] concurrent::Error),
}

/// One row that cannot be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// Its line number in the file (the header is line 1).
    pub line: u64,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

fn bad_rows_message(path: &std::path::Path, count: u64, first: &[BadRow]) -> String {
    let mut message = format!(
        "{}: {count} bad row{}",
        path.display(),
        if count == 1 { "" } else { "s" }
    );
    for row in first {
        message.push_str(&format!("\n  {row}"));
    }
    if count > first.len() as u64 {
        message.push_str(&format!("\n  ... and {} more", count - first.len() as u64));
    }
    message
}
