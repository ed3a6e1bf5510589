//! The tests of exercise 4, one module per step: `cargo test -p ex4 step2` runs step 2 only.
//! The reference solution runs these same files (see `solutions/ex4/tests/ex4.rs`).

#[path = "cases/support.rs"]
mod support;

#[path = "cases/step1_sysinfo.rs"]
mod step1_sysinfo;
#[path = "cases/step2_store.rs"]
mod step2_store;
#[path = "cases/step3_monitor.rs"]
mod step3_monitor;
#[path = "cases/step4_session.rs"]
mod step4_session;
#[path = "cases/step5_run.rs"]
mod step5_run;
