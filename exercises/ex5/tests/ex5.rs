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
#[path = "cases/step4_download.rs"]
mod step4_download;
#[path = "cases/step5_scheduler.rs"]
mod step5_scheduler;
