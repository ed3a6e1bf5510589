//! The tests of exercise 1, one module per step: `cargo test -p ex1 step2` runs step 2 only.
//! The reference solution runs these same files (see `solutions/ex1/tests/ex1.rs`).

#[path = "cases/support.rs"]
mod support;

#[path = "cases/step1_generate.rs"]
mod step1_generate;
#[path = "cases/step2_stream.rs"]
mod step2_stream;
#[path = "cases/step3_file.rs"]
mod step3_file;
#[path = "cases/step4_parallel.rs"]
mod step4_parallel;
#[path = "cases/step5_progress.rs"]
mod step5_progress;
#[path = "cases/step6_big_file.rs"]
mod step6_big_file;
