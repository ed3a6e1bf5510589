//! Exercise 6's own tests, run against the reference solution: the files are the exercise's, so
//! the starter and the solution can never drift apart.

extern crate ex6_solution as ex6;

#[path = "../../../exercises/ex6/tests/cases/support.rs"]
mod support;

#[path = "../../../exercises/ex6/tests/cases/step1_generate.rs"]
mod step1_generate;
#[path = "../../../exercises/ex6/tests/cases/step2_tokenize.rs"]
mod step2_tokenize;
#[path = "../../../exercises/ex6/tests/cases/step3_splits.rs"]
mod step3_splits;
#[path = "../../../exercises/ex6/tests/cases/step4_shuffle.rs"]
mod step4_shuffle;
#[path = "../../../exercises/ex6/tests/cases/step5_job.rs"]
mod step5_job;
