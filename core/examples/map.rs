//! `Executor::map`: results in input order, pulled lazily, a bounded number in flight,
//! errors at their position, and one overall deadline.
//!
//! ```sh
//! cargo run -p concurrent --example map
//! ```

use std::cell::Cell;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use concurrent::{Error, Executor, ThreadPoolExecutor};

fn main() {
    let pool = ThreadPoolExecutor::new(4);

    // ANCHOR: ordered
    // Later items finish first (shorter "downloads"), yet results come back in input order.
    let finished = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&finished);
    let sizes: Vec<u64> = pool
        .map(
            move |n: u64| {
                std::thread::sleep(Duration::from_millis(40 - 10 * n)); // simulated I/O
                log.lock().unwrap().push(n);
                n * 100
            },
            0..4,
        )
        .collect::<Result<_, _>>()
        .expect("no task panics");
    assert_eq!(sizes, [0, 100, 200, 300]);
    println!("finished in the order {:?}", finished.lock().unwrap());
    println!("results in input order {sizes:?}");
    // ANCHOR_END: ordered

    // ANCHOR: lazy
    // `map` pulls items only as results are consumed: even an endless input is fine.
    let pulled = Cell::new(0);
    let endless = (1u64..).inspect(|_| pulled.set(pulled.get() + 1));
    let first_ten: Vec<u64> = pool
        .map(|n| n * n, endless)
        .buffer_size(4) // at most 4 tasks submitted but not yet yielded
        .take(10)
        .map(Result::unwrap)
        .collect();
    assert_eq!(first_ten.last(), Some(&100));
    assert!(pulled.get() <= 10 + 4, "pulled {} items", pulled.get());
    println!(
        "10 results from an endless input; {} items pulled",
        pulled.get()
    );
    // ANCHOR_END: lazy

    // ANCHOR: zip
    // Python's `map(fn, xs, ys)` walks several iterables together; in Rust, zip them.
    let prices = [3.0, 4.5, 10.0];
    let quantities = [2.0, 1.0, 3.0];
    let totals: Vec<f64> = pool
        .map(
            |(p, q): (f64, f64)| p * q,
            prices.into_iter().zip(quantities),
        )
        .map(Result::unwrap)
        .collect();
    assert_eq!(totals, [6.0, 4.5, 30.0]);
    // ANCHOR_END: zip

    // ANCHOR: errors
    // A panicking item yields `Err` at its position; the others are still there.
    let parsed: Vec<Result<u32, Error>> = pool
        .map(
            |s: &str| s.parse::<u32>().expect("not a number"),
            ["1", "two", "3"],
        )
        .collect();
    assert_eq!(parsed[0], Ok(1));
    assert!(matches!(&parsed[1], Err(Error::Panicked(msg)) if msg.contains("not a number")));
    assert_eq!(parsed[2], Ok(3));
    println!("with a bad item: {parsed:?}");
    // ANCHOR_END: errors

    // ANCHOR: timeout
    // Item 2 hangs (on a channel nobody sends to, until `release` is dropped).
    let (release, stuck) = mpsc::channel::<()>();
    let stuck = Mutex::new(stuck);
    let outcomes: Vec<Result<u32, Error>> = pool
        .map(
            move |n: u32| {
                if n == 2 {
                    let _ = stuck.lock().unwrap().recv();
                }
                n
            },
            0..6,
        )
        .timeout(Duration::from_millis(100)) // one deadline for the whole iteration
        .collect();
    assert_eq!(outcomes, [Ok(0), Ok(1), Err(Error::TimedOut)]); // then it stops
    println!("with a deadline: {outcomes:?}");
    drop(release); // the running task cannot be interrupted: let it finish, or the pool's Drop waits
    // ANCHOR_END: timeout
}
