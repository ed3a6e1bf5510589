//! The contenders both benches race, and the work they do, in one place so the two agree.

use std::hint::black_box;
use std::sync::mpsc;

use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};

/// Threads per pool: the benchmark machine has 2 cores, and every pool gets the same number.
pub const THREADS: usize = 2;
/// Tasks per batch of the throughput shape.
pub const TASKS: u64 = 100_000;
/// What a throughput batch adds up to: every task returns its index.
pub const TASKS_SUM: u64 = TASKS * (TASKS - 1) / 2;

/// A thread pool with all its workers started (they start lazily), so timing leaves them out.
pub fn thread_pool() -> ThreadPoolExecutor {
    let pool = ThreadPoolExecutor::new(THREADS);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(THREADS));
    let started: Vec<_> = (0..THREADS)
        .map(|_| {
            let barrier = std::sync::Arc::clone(&barrier);
            pool.submit(move || {
                barrier.wait();
            })
            .expect("submit to a fresh pool")
        })
        .collect();
    for future in started {
        future.result().expect("warm-up task");
    }
    assert_eq!(pool.worker_count(), THREADS);
    pool
}

pub fn cpu_pool() -> CpuPoolExecutor {
    CpuPoolExecutor::new(THREADS)
}

pub fn rayon_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .expect("build a rayon pool")
}

/// Submits one task returning `value` and waits for it, on an executor of this crate.
pub fn one_task(executor: &impl Executor, value: u64) -> u64 {
    executor
        .submit(move || black_box(value))
        .expect("submit")
        .result()
        .expect("result")
}

/// The baseline of [`one_task`]: `rayon::spawn`, the result sent back on a channel.
pub fn rayon_one_task(pool: &rayon::ThreadPool, value: u64) -> u64 {
    let (sender, receiver) = mpsc::channel();
    pool.spawn(move || sender.send(black_box(value)).expect("send"));
    receiver.recv().expect("recv")
}

/// Submits [`TASKS`] tasks, then collects every result, on an executor of this crate.
pub fn many_tasks(executor: &impl Executor) -> u64 {
    let futures: Vec<_> = (0..TASKS)
        .map(|i| executor.submit(move || black_box(i)).expect("submit"))
        .collect();
    futures
        .into_iter()
        .map(|future| future.result().expect("result"))
        .sum()
}

/// The baseline of [`many_tasks`]: [`TASKS`] `rayon::spawn`s reporting through one channel.
pub fn rayon_many_tasks(pool: &rayon::ThreadPool) -> u64 {
    let (sender, receiver) = mpsc::channel();
    for i in 0..TASKS {
        let sender = sender.clone();
        pool.spawn(move || sender.send(black_box(i)).expect("send"));
    }
    drop(sender);
    receiver.iter().take(TASKS as usize).sum()
}
