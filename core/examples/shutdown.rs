//! Shutting a pool down: `Drop` as Python's `with` block, `shutdown(wait, cancel_futures)`,
//! submissions after shutdown, and shutting down from inside a task.
//!
//! ```sh
//! cargo run -p concurrent --example shutdown
//! ```

use std::sync::{Arc, mpsc};

use concurrent::{Error, Executor, ThreadPoolExecutor};

fn main() {
    // ANCHOR: drop
    let futures = {
        let pool = ThreadPoolExecutor::new(2); // with ThreadPoolExecutor(2) as pool:
        (1..=4u64)
            .map(|n| pool.submit(move || n * n).expect("the pool is open"))
            .collect::<Vec<_>>()
    }; // `pool` is dropped here: it stops taking work and waits for every task, like `__exit__`

    // Futures outlive their pool: every one is done now, and the results are still there.
    assert!(futures.iter().all(|f| f.is_done()));
    let squares: Vec<u64> = futures.into_iter().map(|f| f.result().unwrap()).collect();
    assert_eq!(squares, [1, 4, 9, 16]);
    // ANCHOR_END: drop
    println!("after the block: {squares:?}");

    // ANCHOR: cancel_futures
    let pool = ThreadPoolExecutor::new(1);
    let (started_tx, started) = mpsc::channel();
    let (open, gate) = mpsc::channel::<()>();
    let running = pool
        .submit(move || {
            started_tx.send(()).unwrap();
            let _ = gate.recv();
            "finished anyway"
        })
        .expect("the pool is open");
    let queued: Vec<_> = (0..3)
        .map(|n| pool.submit(move || n).expect("the pool is open"))
        .collect();
    started.recv().unwrap(); // the only worker is busy: the other three are queued

    pool.shutdown(false, true); // wait = false, cancel_futures = true
    assert!(queued.iter().all(|f| f.is_cancelled())); // never started, never will
    assert!(!running.is_done()); // already running: it is never interrupted

    // A closed pool refuses work with an error, not a panic.
    assert_eq!(pool.submit(|| 99).unwrap_err(), Error::Shutdown);

    drop(open);
    assert_eq!(running.result(), Ok("finished anyway"));
    // ANCHOR_END: cancel_futures
    println!("3 queued tasks cancelled; the running one finished; new work refused");

    // ANCHOR: from_inside
    // A task may shut down its own pool: it does not wait for itself, so nothing deadlocks.
    let pool = Arc::new(ThreadPoolExecutor::new(2));
    let same_pool = Arc::clone(&pool);
    let stopper = pool
        .submit(move || same_pool.shutdown(true, false))
        .expect("the pool is open");
    stopper.result().expect("shutdown from inside returns");
    assert_eq!(pool.submit(|| ()).unwrap_err(), Error::Shutdown);
    // ANCHOR_END: from_inside
    println!("a task shut down its own pool without deadlocking");
}
