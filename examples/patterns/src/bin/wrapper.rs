//! A wrapper executor: first what `Drop` gives every pool for free (Python's `with` block), then a
//! wrapper that adds a name and metrics, reported when it is dropped.
//!
//! ```sh
//! cargo run -p example-patterns --bin wrapper
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use concurrent::{Executor, ThreadPoolExecutor};
use example_patterns::wrapper::MeteredExecutor;

fn main() {
    // One line per panicking task, with the thread's name (the pool's prefix shows there).
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        eprintln!("[{}] {info}", thread.name().unwrap_or("unnamed"));
    }));
    // ANCHOR: drop_for_free
    // Python: with ThreadPoolExecutor(4) as ex: ...   (the with block waits for every task)
    let finished = Arc::new(AtomicUsize::new(0));
    {
        let pool = ThreadPoolExecutor::new(4);
        for _ in 0..100 {
            let finished = Arc::clone(&finished);
            // The futures are dropped at once: nobody waits on them...
            let _ = pool.submit(move || finished.fetch_add(1, Ordering::SeqCst));
        }
    } // ...but dropping the pool here shuts it down and waits for all 100 tasks.
    assert_eq!(finished.load(Ordering::SeqCst), 100);
    println!(
        "after the pool's scope: {} of 100 tasks finished",
        finished.load(Ordering::SeqCst)
    );
    // ANCHOR_END: drop_for_free

    // ANCHOR: metered
    {
        let pool = MeteredExecutor::new(
            "thumbnails",
            ThreadPoolExecutor::builder()
                .max_workers(4)
                .thread_name_prefix("thumbnails")
                .build(),
        );
        for n in 0..20u64 {
            let _ = pool.submit(move || {
                assert!(n % 7 != 3, "image {n} is corrupt"); // three panic: 3, 10 and 17
                (0..200_000u64).map(|i| i ^ n).sum::<u64>()
            });
        }
        println!("before the drop: {}", pool.metrics()); // some tasks still running
    } // prints "[thumbnails] 20 submitted, ..." once every task has finished
    // ANCHOR_END: metered
}
