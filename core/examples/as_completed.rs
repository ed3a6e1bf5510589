//! `as_completed`: handle each result as soon as it is ready, with its context attached,
//! and one overall deadline.
//!
//! ```sh
//! cargo run -p concurrent --example as_completed
//! ```
//!
//! No network is used: `fetch` sleeps to simulate each site's latency.

use std::sync::mpsc;
use std::time::Duration;

use concurrent::{Error, Executor, ThreadPoolExecutor, as_completed};

// ANCHOR: fetch
/// A pretend download: waits for the site's latency, then returns the size of the page or an
/// HTTP-like error. Expected failures are values (`Err`), not panics.
fn fetch(url: &str, latency: Duration) -> Result<usize, String> {
    std::thread::sleep(latency);
    if url.ends_with("/missing") {
        Err("404 Not Found".to_owned())
    } else {
        Ok(url.len() * 100)
    }
}
// ANCHOR_END: fetch

const SITES: [(&str, u64); 5] = [
    ("https://example.org/", 60),
    ("https://example.com/docs", 10),
    ("https://example.net/missing", 30),
    ("https://example.edu/", 20),
    ("https://example.io/blog", 40),
];

fn main() {
    let pool = ThreadPoolExecutor::new(8);

    // ANCHOR: pairs
    // Python: future_to_url = {executor.submit(fetch, url): url for url in urls}
    // Rust: keep the context next to its future, in a pair.
    let jobs: Vec<(&str, _)> = SITES
        .iter()
        .map(|&(url, ms)| {
            let future = pool.submit(move || fetch(url, Duration::from_millis(ms)));
            (url, future.expect("the pool is open"))
        })
        .collect();
    // ANCHOR_END: pairs

    // ANCHOR: loop
    let total = jobs.len();
    let mut fetched = Vec::new();
    for (n, done) in as_completed(jobs, None).enumerate() {
        let (url, future) = done.expect("without a deadline, as_completed never times out");
        match future.result() {
            Ok(Ok(size)) => {
                println!("[{}/{total}] ok   {url}: {size} bytes", n + 1);
                fetched.push(url);
            }
            Ok(Err(http_error)) => println!("[{}/{total}] fail {url}: {http_error}", n + 1),
            Err(task_error) => println!("[{}/{total}] fail {url}: {task_error}", n + 1),
        }
    }
    assert_eq!(fetched.len(), 4); // every site but the missing page
    // ANCHOR_END: loop

    // ANCHOR: deadline
    let (release, hang) = mpsc::channel::<()>();
    let jobs = vec![
        ("quick", pool.submit(|| 1).expect("the pool is open")),
        (
            "stuck",
            pool.submit(move || {
                let _ = hang.recv(); // blocks until `release` is dropped
                2
            })
            .expect("the pool is open"),
        ),
    ];

    let mut completed = as_completed(jobs, Some(Duration::from_millis(100)));
    for next in completed.by_ref() {
        match next {
            Ok((name, future)) => println!("{name} finished with {:?}", future.result()),
            Err(Error::TimedOut) => println!("the deadline passed"),
            Err(other) => unreachable!("as_completed only fails by timing out, not {other}"),
        }
    }
    // After a timeout, take back what is still pending and decide what to do with it.
    let pending = completed.into_pending();
    let names: Vec<&str> = pending.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["stuck"]);
    println!("still pending: {names:?}");

    drop(release); // unblocks the stuck task...
    for (name, future) in pending {
        println!("{name} finished late with {:?}", future.result()); // ...so this returns
    }
    // ANCHOR_END: deadline
}
