//! Exercise 3's own tests, run against the reference solution: the files are the exercise's, so
//! the starter and the solution can never drift apart.

extern crate ex3_solution as ex3;

#[path = "../../../exercises/ex3/tests/cases/support.rs"]
mod support;

#[path = "../../../exercises/ex3/tests/cases/step1_trial_division.rs"]
mod step1_trial_division;
#[path = "../../../exercises/ex3/tests/cases/step2_chunks.rs"]
mod step2_chunks;
#[path = "../../../exercises/ex3/tests/cases/step3_sieve.rs"]
mod step3_sieve;
#[path = "../../../exercises/ex3/tests/cases/step4_parallel.rs"]
mod step4_parallel;
#[path = "../../../exercises/ex3/tests/cases/step5_count.rs"]
mod step5_count;
