//! The tests of exercise 2, one module per step: `cargo test -p ex2 step2` runs step 2 only.
//! The reference solution runs these same files (see `solutions/ex2/tests/ex2.rs`).

#[path = "cases/support.rs"]
mod support;

#[path = "cases/step1_syntax.rs"]
mod step1_syntax;
#[path = "cases/step2_classify.rs"]
mod step2_classify;
#[path = "cases/step3_batch.rs"]
mod step3_batch;
#[path = "cases/step4_timeouts.rs"]
mod step4_timeouts;
