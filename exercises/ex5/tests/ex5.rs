//! The tests of exercise 5, one module per step: `cargo test -p ex5 step2` runs step 2 only.
//! The reference solution runs these same files (see `solutions/ex5/tests/ex5.rs`).

#[path = "cases/support.rs"]
mod support;

#[path = "cases/step1_queue.rs"]
mod step1_queue;
#[path = "cases/step2_retry.rs"]
mod step2_retry;
#[path = "cases/step3_store.rs"]
mod step3_store;
