//! The book's "Patterns and pitfalls", each a module with one job and a demo in `src/bin/`:
//!
//! - [`wrapper`]: an executor of your own around a pool (what `Drop` gives for free, and metrics);
//! - [`memory_cap`]: at most N big inputs in memory while the pool has more workers;
//! - [`progress`]: progress bars over `as_completed`, one per kind of task;
//! - [`send_fixes`], `unsendable` (Unix: the process pool): "not picklable" in Rust;
//! - [`deadlock`]: a lock taken twice, two locks in opposite orders, caught by a deadline, fixed;
//! - [`workers`]: how many workers, measured for CPU-bound and I/O-bound work;
//! - [`when`]: the measurements behind "When to use what".

pub mod cpu_time;
pub mod deadlock;
pub mod memory_cap;
pub mod progress;
pub mod send_fixes;
#[cfg(unix)]
pub mod unsendable;
pub mod when;
pub mod workers;
pub mod wrapper;
