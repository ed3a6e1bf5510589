//! Exercise 2's own tests, run against the reference solution: the files are the exercise's, so
//! the starter and the solution can never drift apart.

extern crate ex2_solution as ex2;

#[path = "../../../exercises/ex2/tests/cases/support.rs"]
mod support;

#[path = "../../../exercises/ex2/tests/cases/step1_syntax.rs"]
mod step1_syntax;
#[path = "../../../exercises/ex2/tests/cases/step2_classify.rs"]
mod step2_classify;
#[path = "../../../exercises/ex2/tests/cases/step3_batch.rs"]
mod step3_batch;
#[path = "../../../exercises/ex2/tests/cases/step4_timeouts.rs"]
mod step4_timeouts;
