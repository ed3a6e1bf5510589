//! The measurements behind "When to use what": the same waiting work and the same computing work
//! on each kind of executor, and 10,000 concurrent waits on threads against tokio's tasks.

use std::time::{Duration, Instant};

use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};

use crate::workers::spin;

/// The executors compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// One task after the other on this thread.
    Sequential,
    /// A `ThreadPoolExecutor` of this many workers.
    ThreadPool(usize),
    /// A `CpuPoolExecutor` with one thread per core.
    CpuPool,
    /// A tokio multi-thread runtime (one thread per core), one async task per job.
    Tokio,
}

/// Runs `tasks` jobs that each wait `wait` (a stand-in for a network reply) and returns how many
/// finished and the wall time.
pub fn waits(runner: Runner, tasks: usize, wait: Duration) -> std::io::Result<(usize, Duration)> {
    let start = Instant::now();
    let finished = match runner {
        Runner::Sequential => (0..tasks).map(|_| std::thread::sleep(wait)).count(),
        Runner::ThreadPool(workers) => {
            on_pool(&ThreadPoolExecutor::new(workers), tasks, move || {
                std::thread::sleep(wait);
            })
        }
        Runner::CpuPool => on_pool(&CpuPoolExecutor::new(cores()), tasks, move || {
            std::thread::sleep(wait);
        }),
        Runner::Tokio => {
            // ANCHOR: tokio
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(cores())
                .enable_time()
                .build()?;
            runtime.block_on(async {
                let handles: Vec<_> = (0..tasks)
                    .map(|_| tokio::spawn(tokio::time::sleep(wait)))
                    .collect();
                let mut finished = 0;
                for handle in handles {
                    finished += usize::from(handle.await.is_ok());
                }
                finished
            })
            // ANCHOR_END: tokio
        }
    };
    Ok((finished, start.elapsed()))
}

/// Runs `tasks` jobs of `rounds` steps of computation each; returns their checksum and the time.
pub fn computes(runner: Runner, tasks: usize, rounds: u64) -> (u64, Duration) {
    let start = Instant::now();
    let job = move || spin(rounds);
    let sum = match runner {
        Runner::Sequential | Runner::Tokio => (0..tasks).map(|_| job()).fold(0, u64::wrapping_add),
        Runner::ThreadPool(workers) => sum_on(&ThreadPoolExecutor::new(workers), tasks, job),
        Runner::CpuPool => sum_on(&CpuPoolExecutor::new(cores()), tasks, job),
    };
    (sum, start.elapsed())
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn on_pool<E: Executor>(pool: &E, tasks: usize, job: impl Fn() + Clone + Send + 'static) -> usize {
    let futures: Vec<_> = (0..tasks)
        .filter_map(|_| pool.submit(job.clone()).ok())
        .collect();
    futures
        .into_iter()
        .filter(|f| f.wait_timeout(Duration::MAX))
        .count()
}

fn sum_on<E: Executor>(
    pool: &E,
    tasks: usize,
    job: impl Fn() -> u64 + Clone + Send + 'static,
) -> u64 {
    let futures: Vec<_> = (0..tasks)
        .filter_map(|_| pool.submit(job.clone()).ok())
        .collect();
    futures
        .into_iter()
        .filter_map(|future| future.result().ok())
        .fold(0, u64::wrapping_add)
}

/// The process pool's task (a plain function, registered by the demo's `main`): `rounds` steps
/// of computation.
#[cfg(unix)]
pub fn spin_task(rounds: u64) -> u64 {
    spin(rounds)
}

// ANCHOR: processes
/// The computations on a process pool of one worker process per core (its start included, as for
/// the other pools), in chunks, so each round trip to a worker carries several tasks.
#[cfg(unix)]
pub fn computes_in_processes(
    pool: concurrent::process::ProcessPoolExecutor,
    tasks: usize,
    rounds: u64,
) -> Result<(u64, Duration), concurrent::Error> {
    let start = Instant::now();
    let chunksize = (tasks / (4 * pool.max_workers())).max(1);
    let sum = pool
        .map(spin_task, vec![rounds; tasks], chunksize)?
        .try_fold(0u64, |sum, value| value.map(|v| sum.wrapping_add(v)))?;
    drop(pool);
    Ok((sum, start.elapsed()))
}
// ANCHOR_END: processes
