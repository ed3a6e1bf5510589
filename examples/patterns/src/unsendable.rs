//! The process pool's "not picklable": a task's function and argument must cross to another
//! process as bytes. A function missing from the pool's table, or an argument whose
//! serialisation fails, is refused at `submit` with `Error::Unsendable`, before anything runs.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use concurrent::process::{ProcessPoolExecutor, tasks};
use concurrent::{Error, process};

/// Registered: squares its argument in a worker process.
pub fn square(n: u64) -> u64 {
    n * n
}

/// Registered: the length of a path's name, in bytes (a stand-in for work on a file).
pub fn name_len(path: PathBuf) -> usize {
    path.as_os_str().len()
}

/// Registered: the same, for a path sent as raw bytes (the fix for non-UTF-8 paths).
pub fn name_len_bytes(path: Vec<u8>) -> usize {
    PathBuf::from(OsStr::from_bytes(&path)).as_os_str().len()
}

/// Not in the table below: submitting it is refused.
pub fn not_registered(n: u64) -> u64 {
    n + 1
}

// ANCHOR: register
/// The entry point of the pool's worker processes: `main` calls it first (a test binary, from a
/// test named `worker`).
pub fn register() {
    process::init(tasks![square, name_len, name_len_bytes]);
}
// ANCHOR_END: register

/// A path that is valid on Linux but not UTF-8 (Latin-1 "café"): serde refuses to serialise it.
pub fn latin1_path() -> PathBuf {
    PathBuf::from(OsStr::from_bytes(b"/tmp/caf\xe9.txt"))
}

// ANCHOR: cases
/// Each case and what the pool answered.
pub fn cases(pool: &ProcessPoolExecutor) -> Vec<(&'static str, Result<u64, Error>)> {
    let len = |n: usize| n as u64;
    vec![
        ("square(7)", pool.submit(square, 7).and_then(|f| f.result())),
        (
            "not_registered(1)",
            pool.submit(not_registered, 1).and_then(|f| f.result()),
        ),
        (
            "name_len(non-UTF-8 path)",
            pool.submit(name_len, latin1_path())
                .and_then(|f| f.result())
                .map(len),
        ),
        (
            "name_len_bytes(its bytes)",
            pool.submit(
                name_len_bytes,
                latin1_path().as_os_str().as_bytes().to_vec(),
            )
            .and_then(|f| f.result())
            .map(len),
        ),
    ]
}
// ANCHOR_END: cases
