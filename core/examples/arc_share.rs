//! Sharing read-only data with the tasks of any executor: the data goes in an `Arc` once, and each
//! task owns a clone of the `Arc` (a pointer), never a copy of the data. The chapter of exercise 3
//! shows `count_known`; the exercise's base primes are shared the same way.
//!
//! ```sh
//! cargo run -p concurrent --example arc_share
//! ```

use std::sync::Arc;

use concurrent::{CpuPoolExecutor, Error, Executor, ThreadPoolExecutor};

// ANCHOR: count_known
/// How many of `words` are in the sorted `dictionary`, checked `batch` words per task.
///
/// Every task reads the whole dictionary, but a task must own what it uses (`Send + 'static`),
/// so it cannot borrow the caller's `Vec`: the dictionary moves into an `Arc` once, and each task
/// gets its own clone of the `Arc`.
fn count_known<E: Executor>(
    executor: &E,
    dictionary: Vec<String>,
    words: &[&str],
    batch: usize,
) -> Result<usize, Error> {
    let dictionary = Arc::new(dictionary);
    let mut futures = Vec::new();
    for batch in words.chunks(batch.max(1)) {
        let batch: Vec<String> = batch.iter().map(|word| word.to_string()).collect();
        let dictionary = Arc::clone(&dictionary); // one more owner of the same dictionary
        let task = move || {
            let known = |word: &&String| dictionary.binary_search(word).is_ok();
            batch.iter().filter(known).count()
        };
        futures.push(executor.submit(task)?); // refused (shut down): return the error
    }
    let mut known = 0;
    for future in futures {
        known += future.result()?; // a task that panicked: return its error
    }
    Ok(known)
}
// ANCHOR_END: count_known

fn main() {
    let dictionary: Vec<String> = ["crab", "ferris", "rust", "thread"]
        .map(String::from)
        .to_vec();
    let words = [
        "rust", "python", "crab", "gil", "thread", "ferris", "lobster",
    ];

    // ANCHOR: any_executor
    // The same function on any executor: the sharing does not depend on the pool.
    let threads = ThreadPoolExecutor::new(4);
    let cores = CpuPoolExecutor::new(0);
    assert_eq!(count_known(&threads, dictionary.clone(), &words, 2), Ok(4));
    assert_eq!(count_known(&cores, dictionary.clone(), &words, 3), Ok(4));

    // A pool that refuses the work gives an error to return, not a panic.
    threads.shutdown(true, false);
    assert_eq!(
        count_known(&threads, dictionary, &words, 2),
        Err(Error::Shutdown)
    );
    // ANCHOR_END: any_executor

    println!("4 of {} words are in the dictionary", words.len());
}
