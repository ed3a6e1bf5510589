//! Too many workers? The same CPU-bound and I/O-bound batches on thread pools of 1, 2, 4, 32 and
//! 1000 workers, timed, with the CPU time they cost.

use std::time::{Duration, Instant};

use concurrent::{Executor, ThreadPoolExecutor};

use crate::cpu_time::process_cpu_time;

/// A piece of pure computation: `rounds` steps of a hash-like mix (nothing to wait for).
pub fn spin(rounds: u64) -> u64 {
    (0..rounds).fold(0u64, |acc, i| {
        acc.rotate_left(5) ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    })
}

/// What a batch cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// Wall-clock time.
    pub wall: Duration,
    /// CPU time of the whole process during the batch (`None` where it cannot be read).
    pub cpu: Option<Duration>,
}

/// Runs `tasks` copies of `task` on a fresh pool of `workers` (its start and shutdown included,
/// since a pool of 1000 threads costs their creation) and returns the sum of the results (so the
/// work cannot be optimised away) and the cost.
pub fn measure(workers: usize, tasks: usize, task: fn() -> u64) -> (u64, Cost) {
    let cpu_before = process_cpu_time();
    let start = Instant::now();
    let pool = ThreadPoolExecutor::new(workers);
    let futures: Vec<_> = (0..tasks).filter_map(|_| pool.submit(task).ok()).collect();
    let sum = futures
        .into_iter()
        .filter_map(|future| future.result().ok())
        .fold(0u64, u64::wrapping_add);
    drop(pool);
    let wall = start.elapsed();
    let cpu = process_cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    (sum, Cost { wall, cpu })
}
