//! Done callbacks: where they run, what they receive, and why a panicking one is harmless.
//!
//! ```sh
//! cargo run -p concurrent --example callbacks
//! ```

use std::sync::mpsc;
use std::time::Duration;

use concurrent::{Executor, ThreadPoolExecutor};

fn thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_owned()
}

fn main() {
    let pool = ThreadPoolExecutor::builder()
        .max_workers(3)
        .thread_name_prefix("worker")
        .build();

    // ANCHOR: completing_thread
    // The task waits at a gate, so the callback is surely registered before it completes.
    let (open, gate) = mpsc::channel::<()>();
    let future = pool
        .submit(move || {
            let _ = gate.recv();
            "report.pdf"
        })
        .expect("the pool is open");

    let (tx, ran_on) = mpsc::channel();
    future.add_done_callback(move |outcome| {
        // `outcome` is `Result<&T, &Error>`: the task's value (or error), not the future.
        tx.send((
            thread_name(),
            outcome.map(|name| name.to_string()).map_err(|e| e.clone()),
        ))
        .unwrap();
    });
    drop(open);
    let (thread, outcome) = ran_on.recv().unwrap();
    assert!(thread.starts_with("worker_")); // the worker that finished the task ran it
    assert_eq!(outcome.as_deref(), Ok("report.pdf"));
    println!("callback ran on {thread} with {outcome:?}");
    // ANCHOR_END: completing_thread

    // ANCHOR: already_done
    // Registered on a future that is already done, the callback runs at once, right here.
    // (Wait first: a future becomes done only after its callbacks have run, so the first
    // callback having run is not enough.)
    future.wait();
    let (tx, ran_on) = mpsc::channel();
    future.add_done_callback(move |_| tx.send(thread_name()).unwrap());
    assert_eq!(ran_on.try_recv().as_deref(), Ok("main"));
    // ANCHOR_END: already_done

    // ANCHOR: nested
    // A callback may use its own future: read its error, or add another callback. The nested
    // callback waits its turn: it runs right after the one that added it returns.
    let future = std::sync::Arc::new(future);
    let (tx, order) = mpsc::channel();
    let same = std::sync::Arc::clone(&future);
    future.add_done_callback(move |outcome| {
        assert_eq!(same.error(), None); // done with a value: no error, and no waiting
        let nested_tx = tx.clone();
        same.add_done_callback(move |_| nested_tx.send("nested").unwrap());
        tx.send(if outcome.is_ok() {
            "outer"
        } else {
            "outer (failed)"
        })
        .unwrap();
    });
    assert_eq!(order.try_iter().collect::<Vec<_>>(), ["outer", "nested"]);
    // ANCHOR_END: nested

    // ANCHOR: panicking
    let (open, gate) = mpsc::channel::<()>();
    let future = pool
        .submit(move || gate.recv().is_err())
        .expect("the pool is open");
    let (tx, second_ran) = mpsc::channel();
    future.add_done_callback(|_| panic!("a buggy callback"));
    future.add_done_callback(move |_| tx.send(()).unwrap());
    drop(open);
    // The panic is caught and logged; the next callback still runs, the worker lives on.
    second_ran.recv().expect("the second callback ran");
    assert_eq!(future.result(), Ok(true));
    // ANCHOR_END: panicking

    // ANCHOR: event_driven
    // Fire and forget: each task reports through its callback; main just listens.
    let (events_tx, events) = mpsc::channel();
    for id in 0..6u64 {
        let future = pool
            .submit(move || {
                std::thread::sleep(Duration::from_millis(5 * (id % 3))); // simulated work
                assert!(id != 4, "task {id} lost its connection");
                id * 10
            })
            .expect("the pool is open");
        let events_tx = events_tx.clone();
        future.add_done_callback(move |outcome| {
            let line = match outcome {
                Ok(value) => format!("task {id} -> {value}"),
                Err(error) => format!("task {id} failed: {error}"),
            };
            let _ = events_tx.send(format!("[{}] {line}", thread_name()));
        });
        // Dropping the future is fine: the task still runs and its callback still fires.
    }
    drop(events_tx); // the loop below ends when every callback has run
    let lines: Vec<String> = events.iter().collect();
    // ANCHOR_END: event_driven
    for line in &lines {
        println!("{line}");
    }
    assert_eq!(lines.len(), 6);
    assert_eq!(lines.iter().filter(|l| l.contains("failed")).count(), 1);
}
