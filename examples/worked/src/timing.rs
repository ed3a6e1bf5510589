//! Sequential against parallel timings, printed the same way by every demo.

use std::time::{Duration, Instant};

/// Runs `work` and returns its value with the wall-clock time it took.
pub fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = work();
    (value, start.elapsed())
}

/// "sequential 1.20 s, parallel 0.15 s with 8 workers: 8.0x".
pub fn speedup_line(sequential: Duration, parallel: Duration, workers: usize) -> String {
    let ratio = sequential.as_secs_f64() / parallel.as_secs_f64().max(1e-9);
    format!(
        "sequential {:.2} s, parallel {:.2} s with {workers} workers: {ratio:.1}x",
        sequential.as_secs_f64(),
        parallel.as_secs_f64()
    )
}
