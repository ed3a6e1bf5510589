//! The fixes of the "not `Send` / not `'static`" compiler errors (the book's `compile_fail`
//! snippets in `docs/src/patterns/code/`), on a real pool: each compiles, and the tests run them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use concurrent::{Error, Executor};

// ANCHOR: arc
/// `Rc` is not `Send` (its count is not atomic): share with `Arc` instead.
pub fn count_urls<E: Executor>(pool: &E) -> Result<usize, Error> {
    let urls = Arc::new(vec![String::from("https://example.org/")]);
    let shared = Arc::clone(&urls);
    pool.submit(move || shared.len())?.result()
}
// ANCHOR_END: arc

// ANCHOR: owned
/// A task may outlive the caller's stack frame: give it data it owns (`move` plus a copy of what
/// it needs, or an `Arc` of the whole), not a borrow.
pub fn first_half_len<E: Executor>(pool: &E) -> Result<usize, Error> {
    let lines = [String::from("a,b"), String::from("c,d")];
    let first_half: Vec<String> = lines[..1].to_vec(); // owned by the task
    pool.submit(move || first_half.iter().map(|line| line.len()).sum::<usize>())?
        .result()
}

/// Or do not use a pool at all for borrowed data: `std::thread::scope` joins its threads before
/// it returns, so they may borrow locals.
pub fn first_half_len_scoped() -> usize {
    let lines = [String::from("a,b"), String::from("c,d")];
    let first_half = &lines[..1];
    std::thread::scope(|scope| {
        scope
            .spawn(|| first_half.iter().map(|line| line.len()).sum::<usize>())
            .join()
            .unwrap_or(0)
    })
}
// ANCHOR_END: owned

// ANCHOR: sync
/// `RefCell` cannot be shared between threads: use an atomic for a counter, a `Mutex` for more.
pub fn count_hits<E: Executor>(pool: &E, tasks: u64) -> Result<(u64, Vec<u64>), Error> {
    let hits = Arc::new(AtomicU64::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let futures = (0..tasks)
        .map(|n| {
            let (hits, seen) = (Arc::clone(&hits), Arc::clone(&seen));
            pool.submit(move || {
                hits.fetch_add(1, Ordering::Relaxed);
                seen.lock().unwrap_or_else(|e| e.into_inner()).push(n);
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for future in futures {
        future.result()?;
    }
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    seen.sort_unstable();
    Ok((hits.load(Ordering::Relaxed), seen))
}
// ANCHOR_END: sync

// ANCHOR: send_result
/// The result crosses back to the caller's thread: return a `Send` value (`String`, or `Arc`),
/// and wrap it in `Rc` on the caller's side if you need one there.
pub fn report_name<E: Executor>(pool: &E) -> Result<std::rc::Rc<String>, Error> {
    let name = pool.submit(|| String::from("report.pdf"))?.result()?;
    Ok(std::rc::Rc::new(name))
}
// ANCHOR_END: send_result

// ANCHOR: no_move
/// Without `move` the closure borrows; with it, the task owns `names`.
pub fn count_names<E: Executor>(pool: &E) -> Result<usize, Error> {
    let names = [String::from("ferris")];
    pool.submit(move || names.len())?.result()
}
// ANCHOR_END: no_move
