//! The tests of exercise 3, one module per step: `cargo test -p ex3 step2` runs step 2 only.
//! The reference solution runs these same files (see `solutions/ex3/tests/ex3.rs`).

#[path = "cases/support.rs"]
mod support;

#[path = "cases/step1_trial_division.rs"]
mod step1_trial_division;
#[path = "cases/step2_chunks.rs"]
mod step2_chunks;
#[path = "cases/step3_sieve.rs"]
mod step3_sieve;
#[path = "cases/step4_parallel.rs"]
mod step4_parallel;
#[path = "cases/step5_count.rs"]
mod step5_count;
