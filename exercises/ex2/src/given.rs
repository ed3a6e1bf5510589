//! Given code shared by the starter and the reference solution (read it, do not change it): the
//! error types and the summary's display, which are not what the exercise teaches.

use std::fmt;
use std::path::PathBuf;

use concurrent::Error;

use crate::Summary;

/// Step 1. A file that could not be read, with its path.
#[derive(Debug)]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// Why it could not be read.
    pub source: std::io::Error,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} emails: {} valid, {} invalid, {} unverifiable",
            self.emails, self.valid, self.invalid, self.unverifiable
        )
    }
}

/// Step 4. Why a whole run failed.
#[derive(Debug)]
pub enum RunError {
    /// The list could not be read.
    Read(ReadError),
    /// The pool failed.
    Executor(Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(e) => e.fmt(f),
            Self::Executor(e) => write!(f, "the thread pool failed: {e}"),
        }
    }
}

impl std::error::Error for RunError {}
