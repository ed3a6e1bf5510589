//! The measurement functions give the same answers on every executor: the tables compare costs of
//! the same work, not of different work.

use std::time::Duration;

use example_patterns::cpu_time::process_cpu_time;
use example_patterns::when::{Runner, computes, waits};
use example_patterns::workers::{measure, spin};

#[course_testing::test]
fn every_runner_finishes_every_wait_and_computes_the_same_sum() {
    let runners = [
        Runner::Sequential,
        Runner::ThreadPool(8),
        Runner::CpuPool,
        Runner::Tokio,
    ];
    for runner in runners {
        let (done, _) = waits(runner, 20, Duration::from_millis(1)).expect("a tokio runtime");
        assert_eq!(done, 20, "{runner:?}");
        let (sum, _) = computes(runner, 10, 1000);
        assert_eq!(
            sum,
            (0..10).map(|_| spin(1000)).fold(0, u64::wrapping_add),
            "{runner:?}"
        );
    }
}

// The entry point of this test binary's process-pool workers (libtest owns `main`).
#[cfg(unix)]
#[test]
fn worker() {
    register();
}

#[cfg(unix)]
fn register() {
    concurrent::process::init(concurrent::process::tasks![
        example_patterns::when::spin_task
    ]);
}

#[cfg(unix)]
#[course_testing::test(deadline_secs = 30, hint = "a worker process that never started?")]
fn the_process_pool_computes_the_same_sum() {
    register();
    let pool = concurrent::process::ProcessPoolExecutor::builder()
        .workers(2)
        .test_worker("worker")
        .build();
    let (sum, _) =
        example_patterns::when::computes_in_processes(pool, 10, 1000).expect("the tasks run");
    assert_eq!(sum, (0..10).map(|_| spin(1000)).fold(0, u64::wrapping_add));
}

#[course_testing::test]
fn measure_runs_every_task_at_any_pool_size() {
    fn one() -> u64 {
        1
    }
    for workers in [1, 2, 32] {
        let (sum, cost) = measure(workers, 50, one);
        assert_eq!(sum, 50);
        assert!(cost.wall > Duration::ZERO);
    }
    if cfg!(target_os = "linux") {
        assert!(process_cpu_time().is_some());
    }
}
