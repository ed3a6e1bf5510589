//! Exercise 5's own tests, run against the reference solution: the files are the exercise's, so
//! the starter and the solution can never drift apart.

extern crate ex5_solution as ex5;

#[path = "../../../exercises/ex5/tests/cases/support.rs"]
mod support;

#[path = "../../../exercises/ex5/tests/cases/step1_queue.rs"]
mod step1_queue;
#[path = "../../../exercises/ex5/tests/cases/step2_retry.rs"]
mod step2_retry;
#[path = "../../../exercises/ex5/tests/cases/step3_store.rs"]
mod step3_store;
#[path = "../../../exercises/ex5/tests/cases/step4_download.rs"]
mod step4_download;
#[path = "../../../exercises/ex5/tests/cases/step5_scheduler.rs"]
mod step5_scheduler;
