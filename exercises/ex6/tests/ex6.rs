//! The tests of exercise 6, one module per step: `cargo test -p ex6 step2` runs step 2 only.
//! The reference solution runs these same files (see `solutions/ex6/tests/ex6.rs`).

#[path = "cases/support.rs"]
mod support;

#[path = "cases/step1_generate.rs"]
mod step1_generate;
#[path = "cases/step2_tokenize.rs"]
mod step2_tokenize;
#[path = "cases/step3_splits.rs"]
mod step3_splits;
#[path = "cases/step4_shuffle.rs"]
mod step4_shuffle;
#[path = "cases/step5_job.rs"]
mod step5_job;
