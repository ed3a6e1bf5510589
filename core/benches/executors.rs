//! What one task costs on each executor, side by side: `cargo bench -p concurrent --bench executors`.
//!
//! Four contenders run the same trivial task (return a number), each on 2 threads where it has a pool:
//!
//! | name | what a submission is | how the result comes back |
//! |---|---|---|
//! | `thread_pool` | [`ThreadPoolExecutor::submit`] (2 workers, started before timing) | [`Future::result`](concurrent::Future::result) |
//! | `cpu_pool` | [`CpuPoolExecutor::submit`] (2 threads) | [`Future::result`](concurrent::Future::result) |
//! | `rayon_spawn` | [`rayon::ThreadPool::spawn`] (2 threads): the baseline | a `std::sync::mpsc` channel |
//! | `std_thread` | [`std::thread::spawn`]: one new OS thread per task | `join` (latency), a channel (throughput) |
//!
//! Two groups:
//!
//! - `latency/one_task/{name}`: submit one task and block until its result is back. The time per
//!   iteration is the round trip: enqueue, wake a sleeping worker, run, publish, wake the caller.
//! - `throughput/100k_tasks/{name}`: submit 100,000 tasks, then collect all 100,000 results. Criterion
//!   reports elements per second (`Throughput::Elements`); the time per iteration divided by 100,000
//!   is the per-task cost. For `std_thread` the threads are detached and report through one channel:
//!   holding 100,000 unjoined threads would exhaust the process's memory maps (`vm.max_map_count`),
//!   and a thread per task is slow enough that this group takes fewer samples.
//!
//! Reading the ratios: divide each contender's per-task time by `rayon_spawn`'s in the same group.
//! The target is that `thread_pool` and `cpu_pool` stay within 1.5x of rayon. The
//! `concurrent` executors do more per task than a bare `spawn` + channel: each submission allocates
//! a [`Future`](concurrent::Future) with its own lock and condition variable (the task's closure
//! rides in the same allocation), goes through a FIFO queue that `shutdown(cancel_futures = true)`
//! can drain, and catches panics; the ratio is the price of that API. `std_thread` shows what a
//! pool saves over a thread per task.
//!
//! On a shared machine, mind this: criterion measures each contender in its own block of seconds,
//! so a noisy neighbour can land on one contender only. `benches/ratios.rs` interleaves them round
//! by round and reports the median ratio; quote that one for the target.
//!
//! Pools are built once, outside the timed loop, and warmed up by criterion, so thread start-up is
//! not measured (except for `std_thread`, where it is the point).

mod contenders;

use std::hint::black_box;
use std::sync::mpsc;
use std::time::Duration;

use contenders::{
    TASKS, TASKS_SUM, cpu_pool, many_tasks, one_task, rayon_many_tasks, rayon_one_task, rayon_pool,
    thread_pool,
};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

fn latency(c: &mut Criterion) {
    let thread_pool = thread_pool();
    let cpu_pool = cpu_pool();
    let rayon_pool = rayon_pool();

    let mut group = c.benchmark_group("latency/one_task");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::from_parameter("thread_pool"), |b| {
        b.iter(|| one_task(&thread_pool, 42));
    });
    group.bench_function(BenchmarkId::from_parameter("cpu_pool"), |b| {
        b.iter(|| one_task(&cpu_pool, 42));
    });
    group.bench_function(BenchmarkId::from_parameter("rayon_spawn"), |b| {
        b.iter(|| rayon_one_task(&rayon_pool, 42));
    });
    group.bench_function(BenchmarkId::from_parameter("std_thread"), |b| {
        b.iter(|| {
            std::thread::spawn(|| black_box(42_u64))
                .join()
                .expect("join")
        });
    });
    group.finish();
}

fn throughput(c: &mut Criterion) {
    let thread_pool = thread_pool();
    let cpu_pool = cpu_pool();
    let rayon_pool = rayon_pool();

    let mut group = c.benchmark_group("throughput/100k_tasks");
    group.throughput(Throughput::Elements(TASKS));
    // Iterations take milliseconds (seconds for `std_thread`): flat sampling, the same number of
    // iterations in every sample, keeps the group's run time bounded.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function(BenchmarkId::from_parameter("thread_pool"), |b| {
        b.iter(|| assert_eq!(many_tasks(&thread_pool), TASKS_SUM));
    });
    group.bench_function(BenchmarkId::from_parameter("cpu_pool"), |b| {
        b.iter(|| assert_eq!(many_tasks(&cpu_pool), TASKS_SUM));
    });
    group.bench_function(BenchmarkId::from_parameter("rayon_spawn"), |b| {
        b.iter(|| assert_eq!(rayon_many_tasks(&rayon_pool), TASKS_SUM));
    });
    // One OS thread per task costs tens of microseconds, seconds per iteration: the fewest samples
    // criterion allows, one iteration each (criterion warns that it needs longer: expected).
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(30));
    group.bench_function(BenchmarkId::from_parameter("std_thread"), |b| {
        b.iter(|| {
            let (sender, receiver) = mpsc::channel();
            for i in 0..TASKS {
                let sender = sender.clone();
                // Dropping the handle detaches the thread, so it frees its stack when it exits.
                drop(std::thread::spawn(move || {
                    sender.send(black_box(i)).expect("send");
                }));
            }
            drop(sender);
            let total: u64 = receiver.iter().take(TASKS as usize).sum();
            assert_eq!(total, TASKS_SUM);
        });
    });
    group.finish();
}

criterion_group!(benches, latency, throughput);
criterion_main!(benches);
