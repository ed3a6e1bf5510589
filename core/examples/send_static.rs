//! What replaces pickling: a task must be `Send + 'static`, checked by the compiler.
//! Four ways to give a task its data, from the simplest to the most flexible.
//!
//! ```sh
//! cargo run -p concurrent --example send_static
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use concurrent::{CpuPoolExecutor, Executor};

fn main() {
    let pool = CpuPoolExecutor::new(2);

    // ANCHOR: move
    // 1. Move it in: the task owns its data. Nothing is copied or serialised, only moved.
    let report = String::from("quarterly numbers, 40 MB of them");
    let length = pool.submit(move || report.len()).expect("the pool is open");
    // `report` belongs to the task now; using it here would not compile.
    assert_eq!(length.result(), Ok(32));
    // ANCHOR_END: move

    // ANCHOR: arc
    // 2. Share read-only data with `Arc`: every task holds a pointer to the same vector.
    let readings: Arc<Vec<u32>> = Arc::new((1..=1_000).collect());
    let halves: Vec<_> = [0..500, 500..1_000]
        .into_iter()
        .map(|range| {
            let readings = Arc::clone(&readings); // a new pointer, not a copy of the data
            pool.submit(move || readings[range].iter().sum::<u32>())
                .expect("the pool is open")
        })
        .collect();
    let total: u32 = halves.into_iter().map(|f| f.result().unwrap()).sum();
    assert_eq!(total, readings.iter().sum::<u32>());
    // ANCHOR_END: arc

    // ANCHOR: return_values
    // 3. Best: no shared mutable state at all. Each task returns its part; the caller combines.
    let texts = ["a rose is a rose", "is a rose"];
    let partial_counts = pool.map(
        |text: &str| {
            let mut counts = HashMap::new();
            for word in text.split_whitespace() {
                *counts.entry(word.to_owned()).or_insert(0) += 1;
            }
            counts
        },
        texts,
    );
    let mut counts: HashMap<String, usize> = HashMap::new();
    for partial in partial_counts {
        for (word, n) in partial.expect("counting never panics") {
            *counts.entry(word).or_default() += n;
        }
    }
    assert_eq!(counts["rose"], 3);
    // ANCHOR_END: return_values

    // ANCHOR: shared_mutation
    // 4. When tasks must update shared state, the type says how: an atomic or a Mutex.
    //    `Arc<usize>` could not be incremented, and `Rc` or `RefCell` would not compile here.
    let processed = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let futures: Vec<_> = (0..8)
        .map(|n| {
            let (processed, seen) = (Arc::clone(&processed), Arc::clone(&seen));
            pool.submit(move || {
                processed.fetch_add(1, Ordering::Relaxed);
                seen.lock().unwrap().push(n);
            })
            .expect("the pool is open")
        })
        .collect();
    for future in futures {
        future.result().expect("no task panics");
    }
    assert_eq!(processed.load(Ordering::Relaxed), 8);
    assert_eq!(seen.lock().unwrap().len(), 8);
    // ANCHOR_END: shared_mutation

    // ANCHOR: scoped
    // Borrowing local data without `Arc` needs a scope that ends before the data does:
    // `std::thread::scope` joins its threads before returning, so `'static` is not required.
    let words = vec!["ferris", "corro", "crab"];
    let longest = std::thread::scope(|s| {
        let handles: Vec<_> = words
            .chunks(2)
            .map(|chunk| s.spawn(move || chunk.iter().map(|w| w.len()).max()))
            .collect();
        handles.into_iter().filter_map(|h| h.join().unwrap()).max()
    });
    assert_eq!(longest, Some(6));
    println!("words is still ours: {words:?}");
    // ANCHOR_END: scoped

    println!("length {}, total {total}, rose x{}", 32, counts["rose"]);
}
