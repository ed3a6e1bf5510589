//! What only `CpuPoolExecutor` does: one thread per core by default, threads started and
//! initialized when the pool is built, rayon inside its tasks (on rayon's own threads), and the initializer cases of
//! CPython's `test_init.py`.

#[macro_use]
mod common;

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use common::*;
use concurrent::{CpuPoolExecutor, Error, Executor};
use rayon::prelude::*;

#[test]
fn the_default_is_one_thread_per_core() {
    within_deadline("building a default CPU pool", || {
        let cores = thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(CpuPoolExecutor::default_threads(), cores);
        assert_eq!(CpuPoolExecutor::new(0).max_workers(), cores);
        assert_eq!(CpuPoolExecutor::builder().build().max_workers(), cores);
    });
}

#[test]
fn threads_are_named_with_the_prefix_and_their_number() {
    within_deadline("three tasks at a barrier", || {
        let pool = CpuPoolExecutor::builder()
            .num_threads(3)
            .thread_name_prefix("sieve")
            .build();
        let mut names = thread_names(&pool, 3);
        names.sort();
        assert_eq!(names, ["sieve_0", "sieve_1", "sieve_2"]);
        let mut names = thread_names(&CpuPoolExecutor::new(2), 2);
        names.sort();
        assert_eq!(names, ["CpuPoolExecutor_0", "CpuPoolExecutor_1"]);
    });
}

fn thread_names(pool: &CpuPoolExecutor, n: usize) -> Vec<String> {
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

thread_local! {
    static INITIALIZED: Cell<bool> = const { Cell::new(false) };
}

#[test]
fn the_initializer_has_run_on_every_thread_when_build_returns() {
    within_deadline("building a CPU pool with an initializer", || {
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&runs);
        let pool = CpuPoolExecutor::builder()
            .num_threads(3)
            .initializer(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                INITIALIZED.with(|flag| flag.set(true));
            })
            .build();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            3,
            "build returned before every initializer ran"
        );
        let seen: Vec<_> = (0..30)
            .map(|_| pool.submit(|| INITIALIZED.with(Cell::get)).unwrap())
            .collect();
        assert!(seen.into_iter().all(|f| f.result() == Ok(true)));
        assert_eq!(runs.load(Ordering::SeqCst), 3, "the initializer ran again");
    });
}

#[test]
fn a_failing_initializer_breaks_the_pool_before_the_first_submission() {
    capture_logs();
    within_deadline("a CPU pool whose initializer fails", || {
        let pool = CpuPoolExecutor::builder()
            .num_threads(2)
            .initializer(|| panic!("error in the CPU initializer"))
            .build();
        match pool.submit(|| 1) {
            Err(Error::Broken(reason)) => assert!(reason.contains("error in the CPU initializer")),
            Err(other) => panic!("refused with {other:?} instead of Broken"),
            Ok(_) => panic!("a broken pool accepted a task"),
        }
        assert!(!logged("error in the CPU initializer").is_empty());
        pool.shutdown(true, false);
        assert!(matches!(pool.submit(|| 1), Err(Error::Broken(_))));
    });
}

#[test]
fn tasks_can_use_rayon_which_runs_on_rayons_own_threads() {
    within_deadline("a parallel iterator inside a task", || {
        let pool = CpuPoolExecutor::new(2);
        let future = pool
            .submit(|| {
                let on_a_rayon_worker = rayon::current_thread_index().is_some();
                let sum: u64 = (1..=1000_u64).into_par_iter().sum();
                (on_a_rayon_worker, sum)
            })
            .unwrap();
        assert_eq!(
            future.result(),
            Ok((false, 500_500)),
            "the pool's threads are not rayon workers (see tests/nested_rayon.rs for why)"
        );
    });
}

#[test]
fn dropping_the_pool_ends_its_threads() {
    within_deadline("dropping a CPU pool", || {
        let exited = Arc::new(AtomicUsize::new(0));
        struct CountOnExit(Arc<AtomicUsize>);
        impl Drop for CountOnExit {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        thread_local! {
            static ON_EXIT: std::cell::RefCell<Option<CountOnExit>> = const { std::cell::RefCell::new(None) };
        }
        let counter = Arc::clone(&exited);
        let pool = CpuPoolExecutor::builder()
            .num_threads(2)
            .initializer(move || {
                ON_EXIT.with(|slot| *slot.borrow_mut() = Some(CountOnExit(Arc::clone(&counter))));
            })
            .build();
        assert_eq!(pool.submit(|| 1).unwrap().result(), Ok(1));
        drop(pool);
        // Drop joined both threads: their thread-locals are already destroyed.
        assert_eq!(
            exited.load(Ordering::SeqCst),
            2,
            "drop returned before the threads exited"
        );
    });
}

#[test]
fn debug_shows_the_pool_state() {
    within_deadline("a CPU pool's Debug", || {
        let pool = CpuPoolExecutor::new(2);
        let text = format!("{pool:?}");
        assert!(text.contains("threads: 2"), "{text}");
        let builder = format!("{:?}", CpuPoolExecutor::builder().num_threads(4));
        assert!(builder.contains("num_threads: 4"), "{builder}");
    });
}
