//! What only `ThreadPoolExecutor` does: the cases of CPython's `test_thread_pool.py` (default
//! worker count, saturation, idle reuse), its thread names and termination from `test_shutdown.py`,
//! and the initializer cases of `test_init.py`.

#[macro_use]
mod common;

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use common::*;
use concurrent::{Error, Executor, ReturnWhen, ThreadPoolExecutor, wait};

#[test]
fn the_default_worker_count_is_python_3_13s() {
    let cpus = thread::available_parallelism().map_or(1, usize::from);
    let expected = (cpus + 4).min(32);
    assert_eq!(ThreadPoolExecutor::default_max_workers(), expected);
    assert_eq!(
        ThreadPoolExecutor::builder().build().max_workers(),
        expected
    );
    assert_eq!(
        ThreadPoolExecutor::new(0).max_workers(),
        expected,
        "0 means the default"
    );
}

#[test]
fn workers_start_lazily_one_per_submission_while_none_is_idle() {
    within_deadline("starting workers for blocked tasks", || {
        let pool = ThreadPoolExecutor::new(4);
        let (gate, started) = (Gate::new(), Signals::new());
        assert_eq!(
            pool.worker_count(),
            0,
            "a worker started before any submission"
        );
        let first = submit_blocked(&pool, &gate, &started, "first", ());
        assert_eq!(pool.worker_count(), 1);
        started.next("the first task started");
        let second = submit_blocked(&pool, &gate, &started, "second", ());
        assert_eq!(
            pool.worker_count(),
            2,
            "no idle worker, so a second one must start"
        );
        started.next("the second task started");
        gate.open();
        first.wait();
        second.wait();
    });
}

#[test]
fn saturation_starts_max_workers_and_no_more() {
    // CPython's test_saturation.
    within_deadline("60 blocked tasks on 4 workers", || {
        let pool = ThreadPoolExecutor::new(4);
        let gate = Gate::new();
        let futures: Vec<_> = (0..60)
            .map(|_| {
                let waiter = gate.waiter();
                pool.submit(move || waiter.wait()).unwrap()
            })
            .collect();
        assert_eq!(pool.worker_count(), 4);
        gate.open();
        pool.shutdown(true, false);
        assert!(futures.iter().all(|f| f.is_done()));
    });
}

#[test]
fn an_idle_worker_is_reused_before_a_new_thread_starts() {
    // CPython's test_idle_thread_reuse. A worker counts as idle before its task's future is marked
    // done, so it already counts when `result()` returns: no need to wait for it to get back.
    within_deadline("three tasks one after the other", || {
        let pool = ThreadPoolExecutor::builder().build();
        for (x, y) in [(21, 2), (6, 7), (3, 14)] {
            assert_eq!(pool.submit(move || x * y).unwrap().result(), Ok(42));
            assert_eq!(
                pool.idle_workers(),
                1,
                "the worker is idle once its task is done"
            );
        }
        assert_eq!(pool.worker_count(), 1);
    });
}

#[test]
fn strictly_sequential_tasks_all_run_on_one_worker() {
    // CPython keeps one thread for `for _ in range(300): pool.submit(f).result()`. No pause between
    // the calls: the next submission may come while the worker is still returning from the last
    // task, and that worker must still count as available.
    within_deadline("300 tasks one after the other", || {
        let pool = ThreadPoolExecutor::new(8);
        let mut threads = std::collections::HashSet::new();
        for n in 0..300 {
            let id = pool.submit(|| thread::current().id()).unwrap().result();
            threads.insert(id.unwrap());
            assert_eq!(
                pool.worker_count(),
                1,
                "submission {n} started a second worker although the first one was done"
            );
        }
        assert_eq!(threads.len(), 1, "tasks ran on {} threads", threads.len());
    });
}

#[test]
fn threads_are_named_with_the_prefix_and_their_number() {
    // CPython's test_thread_names_assigned.
    within_deadline("five tasks at a barrier", || {
        let pool = ThreadPoolExecutor::builder()
            .max_workers(5)
            .thread_name_prefix("SpecialPool")
            .build();
        let mut names = thread_names(&pool, 5);
        names.sort();
        assert_eq!(
            names,
            [
                "SpecialPool_0",
                "SpecialPool_1",
                "SpecialPool_2",
                "SpecialPool_3",
                "SpecialPool_4"
            ]
        );
    });
}

#[test]
fn default_thread_names_are_unique_per_pool() {
    // CPython's test_thread_names_default: ThreadPoolExecutor-<pool>_<worker>.
    within_deadline("tasks at a barrier on two pools", || {
        let (one, two) = (ThreadPoolExecutor::new(2), ThreadPoolExecutor::new(2));
        let names: Vec<String> = thread_names(&one, 2)
            .into_iter()
            .chain(thread_names(&two, 2))
            .collect();
        let mut prefixes = Vec::new();
        for name in &names {
            let (prefix, number) = name.rsplit_once('_').expect("no _ in the thread name");
            let pool = prefix.strip_prefix("ThreadPoolExecutor-").expect(name);
            assert!(pool.parse::<usize>().is_ok(), "{name}");
            assert!(["0", "1"].contains(&number), "{name}");
            prefixes.push(prefix.to_owned());
        }
        assert_eq!(prefixes[0], prefixes[1]);
        assert_eq!(prefixes[2], prefixes[3]);
        assert_ne!(
            prefixes[0], prefixes[2],
            "two pools share a thread name prefix"
        );
    });
}

/// The names of `n` workers, witnessed by `n` tasks that are all inside a barrier at once.
fn thread_names(pool: &ThreadPoolExecutor, n: usize) -> Vec<String> {
    let barrier = Arc::new(Barrier::new(n));
    let futures: Vec<_> = (0..n)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            pool.submit(move || {
                barrier.wait();
                thread::current().name().unwrap_or_default().to_owned()
            })
            .unwrap()
        })
        .collect();
    futures.into_iter().map(|f| f.result().unwrap()).collect()
}

#[test]
fn workers_exit_on_shutdown_with_wait() {
    // CPython's test_threads_terminate.
    within_deadline("shutdown after three blocked tasks", || {
        let pool = ThreadPoolExecutor::new(5);
        let gate = Gate::new();
        for _ in 0..3 {
            let waiter = gate.waiter();
            pool.submit(move || waiter.wait()).unwrap();
        }
        assert_eq!(pool.worker_count(), 3);
        gate.open();
        pool.shutdown(true, false);
        assert_eq!(
            pool.worker_count(),
            0,
            "shutdown(wait) returned before the workers exited"
        );
    });
}

#[test]
fn a_panicking_task_does_not_shrink_the_worker_count() {
    within_deadline("panicking tasks on two workers", || {
        let pool = ThreadPoolExecutor::new(2);
        let barrier = Arc::new(Barrier::new(2));
        let both: Vec<_> = (0..2)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                pool.submit(move || {
                    barrier.wait();
                })
                .unwrap()
            })
            .collect();
        both.into_iter().for_each(|f| f.result().unwrap());
        for _ in 0..10 {
            let failed = pool.submit(|| -> () { panic!("task failed") }).unwrap();
            assert!(matches!(failed.result(), Err(Error::Panicked(_))));
        }
        assert_eq!(pool.worker_count(), 2);
    });
}

thread_local! {
    static INITIALIZED: Cell<bool> = const { Cell::new(false) };
}

#[test]
fn the_initializer_runs_once_in_each_worker_before_its_tasks() {
    // CPython's InitializerMixin.test_initializer.
    within_deadline("tasks on a pool with an initializer", || {
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&runs);
        let pool = ThreadPoolExecutor::builder()
            .max_workers(3)
            .initializer(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                INITIALIZED.with(|flag| flag.set(true));
            })
            .build();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            0,
            "the initializer ran before any worker started"
        );
        let barrier = Arc::new(Barrier::new(3));
        let first: Vec<_> = (0..3)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                pool.submit(move || {
                    barrier.wait();
                    INITIALIZED.with(Cell::get)
                })
                .unwrap()
            })
            .collect();
        assert!(first.into_iter().all(|f| f.result() == Ok(true)));
        let later: Vec<_> = (0..30)
            .map(|_| pool.submit(|| INITIALIZED.with(Cell::get)).unwrap())
            .collect();
        assert!(later.into_iter().all(|f| f.result() == Ok(true)));
        assert_eq!(
            runs.load(Ordering::SeqCst),
            3,
            "the initializer must run once per worker"
        );
    });
}

#[test]
fn a_failing_initializer_breaks_the_pool() {
    // CPython's FailingInitializerMixin.test_initializer: queued futures fail with a broken-pool
    // error, later submissions are refused with it, and the failure is logged.
    capture_logs();
    within_deadline("tasks queued on a pool whose initializer fails", || {
        let gate = Gate::new();
        let waiter = gate.waiter();
        let pool = ThreadPoolExecutor::builder()
            .max_workers(2)
            .initializer(move || {
                waiter.wait(); // let some tasks be queued first
                panic!("error in initializer");
            })
            .build();
        let queued: Vec<_> = (0..5).map(|n| pool.submit(move || n).unwrap()).collect();
        gate.open();
        let (done, not_done) = wait(&queued, None, ReturnWhen::AllCompleted);
        assert_eq!((done.len(), not_done.len()), (5, 0));
        for future in queued {
            match future.result() {
                Err(Error::Broken(reason)) => {
                    assert!(reason.contains("error in initializer"), "{reason}")
                }
                other => panic!("a queued task of a broken pool gave {other:?}"),
            }
        }
        assert!(
            matches!(pool.submit(|| 0), Err(Error::Broken(reason)) if reason.contains("error in initializer"))
        );
        assert!(
            !logged("error in initializer").is_empty(),
            "the initializer's panic was not logged"
        );
        pool.shutdown(true, false);
        assert!(
            matches!(pool.submit(|| 0), Err(Error::Broken(_))),
            "shutdown hid why the pool is broken"
        );
        assert_eq!(pool.worker_count(), 0);
    });
}

#[test]
fn debug_shows_the_pool_state() {
    within_deadline("a pool's Debug", || {
        let pool = ThreadPoolExecutor::new(3);
        pool.submit(|| ()).unwrap().wait();
        let text = format!("{pool:?}");
        assert!(
            text.contains("max_workers: 3") && text.contains("workers: 1"),
            "{text}"
        );
        let builder = format!(
            "{:?}",
            ThreadPoolExecutor::builder().thread_name_prefix("io")
        );
        assert!(builder.contains("\"io\""), "{builder}");
    });
}
