//! Peak memory of a piece of work, measured where no other test can disturb it.
//!
//! The peak resident memory (Linux's `VmHWM`) belongs to the whole process: a test measured among
//! others also counts their allocations, and the debug symbols a panicking test loads when
//! `RUST_BACKTRACE=1` is set (a correct solution then fails). So these functions work only in a test
//! marked `#[course_testing::test(own_process)]`, which runs alone in a child process.
//!
//! Elsewhere than on Linux, the peak is not measured: the functions say so in the test's output and
//! check nothing.

use crate::own_process;

/// One mebibyte, for readable limits: `64 * MIB`.
pub const MIB: u64 = 1024 * 1024;

/// The peak resident memory of this process so far, in bytes; `None` where it cannot be read
/// (not Linux).
///
/// ```
/// if cfg!(target_os = "linux") {
///     assert!(course_testing::memory::peak().unwrap() > 0);
/// }
/// ```
pub fn peak() -> Option<u64> {
    status_kib("VmHWM:").map(|kib| kib * 1024)
}

/// Runs `work` and returns its value and how much it raised the peak memory of this process, in
/// bytes (`None` where the peak cannot be read). The peak is first reset to the current memory
/// where Linux allows it, so memory used and freed before `work` does not hide its peak.
///
/// It must run inside a `#[course_testing::test(own_process)]` test, and panics otherwise: other
/// tests in the same process would count.
pub fn peak_rise<T>(work: impl FnOnce() -> T) -> (T, Option<u64>) {
    assert!(
        own_process::is_own_process(),
        "memory::peak_rise measures the whole process: call it in a test marked \
         #[course_testing::test(own_process)], which runs alone in a child process, so that no \
         other test's memory counts"
    );
    reset_peak();
    let before = peak();
    let value = work();
    let rise = before
        .zip(peak())
        .map(|(before, after)| after.saturating_sub(before));
    (value, rise)
}

/// Runs `work` with [`peak_rise`] and fails with `lesson` if it raised the peak memory by `limit`
/// bytes or more. Where the peak cannot be read, it prints a note and checks nothing.
pub fn assert_peak_rise_below<T>(limit: u64, lesson: &str, work: impl FnOnce() -> T) -> T {
    let (value, rise) = peak_rise(work);
    match rise {
        Some(rise) => assert!(
            rise < limit,
            "{lesson}\n(the peak memory rose by {} MiB; the limit is {} MiB)",
            rise / MIB,
            limit / MIB
        ),
        None => println!(
            "note: peak memory is measured on Linux only; the memory limit was not checked here"
        ),
    }
    value
}

/// Resets the peak to the current memory (`echo 5 > /proc/self/clear_refs`, Linux 4.0+). Without
/// it (an old kernel, a sandbox with a read-only /proc) the rise is measured from the earlier
/// peak, which can only make the check more lenient.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A `kB` line of /proc/self/status.
fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
