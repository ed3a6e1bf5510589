//! A worker process that crashes on purpose: the seed's `BrokenProcessPool` debugging case, with
//! Rust's answer. One task aborts (as native code with a bug would), one panics, one runs away;
//! only their own futures fail, and the pool goes on.
//!
//! Run it: `cargo run -p concurrent --example crash_a_worker`

use std::time::Duration;

use concurrent::Error;
use concurrent::process::{self, ProcessPoolExecutor, tasks};

// ANCHOR: tasks
/// A task: a plain function, its argument and result serialisable (serde).
fn parse_record(line: String) -> u64 {
    if line == "corrupt" {
        // What a segfault in a C library looks like from here: the process dies at once.
        std::process::abort();
    }
    if line.is_empty() {
        panic!("empty record");
    }
    if line == "endless" {
        loop {
            std::hint::spin_loop();
        }
    }
    line.len() as u64
}
// ANCHOR_END: tasks

// ANCHOR: main
fn main() {
    // The entry point: in a worker process this line serves tasks and never returns.
    process::init(tasks![parse_record]);

    let pool = ProcessPoolExecutor::builder()
        .workers(2)
        .time_limit(Duration::from_secs(1))
        .build();
    let records = ["alpha", "corrupt", "beta", "", "endless", "gamma"];
    let futures: Vec<_> = records
        .iter()
        .map(|record| pool.submit(parse_record, record.to_string()))
        .collect::<Result<_, _>>()
        .expect("the pool accepts the tasks");
    for (record, future) in records.iter().zip(futures) {
        match future.result() {
            Ok(length) => println!("{record:>9}: {length}"),
            Err(Error::Broken(cause)) => println!("{record:>9}: crashed: {cause}"),
            Err(Error::Panicked(message)) => println!("{record:>9}: panicked: {message}"),
            Err(Error::TimedOut) => println!("{record:>9}: killed at the time limit"),
            Err(other) => println!("{record:>9}: {other}"),
        }
    }
    // Still usable: the dead and the killed workers were replaced.
    let after = pool.submit(parse_record, "delta".to_owned()).unwrap();
    println!("    after: {}", after.result().unwrap());
}
// ANCHOR_END: main
