//! Exercise 4's own tests, run against the reference solution: the files are the exercise's, so
//! the starter and the solution can never drift apart.

extern crate ex4_solution as ex4;

#[path = "../../../exercises/ex4/tests/cases/support.rs"]
mod support;

#[path = "../../../exercises/ex4/tests/cases/step1_sysinfo.rs"]
mod step1_sysinfo;
#[path = "../../../exercises/ex4/tests/cases/step2_store.rs"]
mod step2_store;
#[path = "../../../exercises/ex4/tests/cases/step3_monitor.rs"]
mod step3_monitor;
#[path = "../../../exercises/ex4/tests/cases/step4_session.rs"]
mod step4_session;
#[path = "../../../exercises/ex4/tests/cases/step5_run.rs"]
mod step5_run;
