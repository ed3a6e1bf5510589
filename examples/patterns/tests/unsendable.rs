//! The process pool's "not picklable" cases: the unregistered function and the non-UTF-8 path are
//! refused with `Error::Unsendable` and a message that says what to do; the fixes give the
//! right values, computed in a worker process.

use concurrent::Error;
use concurrent::process::ProcessPoolExecutor;
use example_patterns::unsendable::{cases, register};

// The entry point of this test binary's worker processes (libtest owns `main`): a plain test,
// which in a normal run registers the tasks and passes at once.
#[test]
fn worker() {
    register();
}

#[course_testing::test(deadline_secs = 30, hint = "a worker process that never started?")]
fn unsendable_tasks_are_refused_at_submit_and_the_fixes_work() {
    register();
    let pool = ProcessPoolExecutor::builder()
        .workers(1)
        .test_worker("worker")
        .build();
    let outcomes = cases(&pool);
    assert_eq!(outcomes[0], ("square(7)", Ok(49)));
    for (case, outcome) in &outcomes[1..3] {
        match outcome {
            Err(Error::Unsendable(message)) => assert!(!message.is_empty(), "{case}"),
            other => panic!("{case}: expected Error::Unsendable, got {other:?}"),
        }
    }
    let Err(Error::Unsendable(message)) = &outcomes[1].1 else {
        unreachable!()
    };
    assert!(
        message.contains("not_registered"),
        "the message names the function: {message}"
    );
    assert_eq!(outcomes[3], ("name_len_bytes(its bytes)", Ok(13)));
}
