//! Capping memory: with a semaphore or map's buffer, never more than N chunks alive at once, while
//! the tasks still run N at a time; without a cap, more. Results are right and in order whichever
//! way. The witness is a count of live chunks, not the process's memory (see the demo for that).

use std::sync::Arc;
use std::time::Duration;

use concurrent::ThreadPoolExecutor;
use concurrent::testing::CountingExecutor;
use example_patterns::memory_cap::{Cap, Chunk, Live, process};

const SIZE: usize = 64 * 1024;
const CHUNKS: usize = 12;
const CAP: usize = 3;

fn expected() -> Vec<u64> {
    let live = Arc::new(Live::default());
    (0..CHUNKS)
        .map(|index| Chunk::read(index, SIZE, &live).checksum())
        .collect()
}

/// A pool of 6 workers whose tasks wait until CAP + 1 of them run at once (or 300 ms): without a
/// cap, CAP + 1 chunks are then certainly alive together; with one, the gate gives up.
fn gated_pool() -> CountingExecutor<ThreadPoolExecutor> {
    CountingExecutor::new(ThreadPoolExecutor::new(6)).with_gate(CAP + 1, Duration::from_millis(300))
}

#[course_testing::test(hint = "a producer waiting for a permit that no task gives back?")]
fn a_semaphore_keeps_at_most_n_chunks_alive() {
    let live = Arc::new(Live::default());
    let pool = gated_pool();
    let sums = process(&pool, CHUNKS, SIZE, Cap::Semaphore(CAP), &live).expect("no task fails");
    assert_eq!(sums, expected());
    assert!(
        live.max() <= CAP,
        "{} chunks were alive at once; the cap is {CAP}",
        live.max()
    );
    // (A task counts as in flight until it returns, a little after it gave its permit back.)
    assert!(
        pool.max_in_flight() >= CAP,
        "the cap still lets {CAP} tasks run at once"
    );
}

#[course_testing::test]
fn maps_buffer_keeps_at_most_n_chunks_alive() {
    let live = Arc::new(Live::default());
    let pool = gated_pool();
    let sums = process(&pool, CHUNKS, SIZE, Cap::Map(CAP), &live).expect("no task fails");
    assert_eq!(sums, expected());
    assert!(
        live.max() <= CAP,
        "{} chunks were alive at once; the cap is {CAP}",
        live.max()
    );
    assert!(
        pool.max_in_flight() >= CAP,
        "the cap still lets {CAP} tasks run at once"
    );
}

#[course_testing::test]
fn without_a_cap_more_chunks_are_alive() {
    let live = Arc::new(Live::default());
    let pool = gated_pool();
    let sums = process(&pool, CHUNKS, SIZE, Cap::None, &live).expect("no task fails");
    assert_eq!(sums, expected());
    assert!(
        live.max() > CAP,
        "the uncapped producer kept only {} alive",
        live.max()
    );
    assert!(!pool.gate_timed_out(), "{} tasks ran at once", CAP + 1);
}
