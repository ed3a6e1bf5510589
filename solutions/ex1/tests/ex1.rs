//! Exercise 1's own tests, run against the reference solution: the files are the exercise's, so
//! the starter and the solution can never drift apart.

extern crate ex1_solution as ex1;

#[path = "../../../exercises/ex1/tests/cases/support.rs"]
mod support;

#[path = "../../../exercises/ex1/tests/cases/step1_generate.rs"]
mod step1_generate;
#[path = "../../../exercises/ex1/tests/cases/step2_stream.rs"]
mod step2_stream;
#[path = "../../../exercises/ex1/tests/cases/step3_file.rs"]
mod step3_file;
#[path = "../../../exercises/ex1/tests/cases/step4_parallel.rs"]
mod step4_parallel;
#[path = "../../../exercises/ex1/tests/cases/step5_progress.rs"]
mod step5_progress;
#[path = "../../../exercises/ex1/tests/cases/step6_big_file.rs"]
mod step6_big_file;
