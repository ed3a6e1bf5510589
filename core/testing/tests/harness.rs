//! The harness tested with itself: every test here is a `#[course_testing::test]`.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// The message of the panic `f` raises, or `None` if it returns.
fn panic_of(f: impl FnOnce()) -> Option<String> {
    let payload = catch_unwind(AssertUnwindSafe(f)).err()?;
    Some(
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default(),
    )
}

mod deadline {
    use std::sync::atomic::{AtomicBool, Ordering};

    use course_testing::__private::{TestInfo, run_test};

    use super::panic_of;

    fn info(deadline_secs: u64, hint: Option<&'static str>) -> TestInfo {
        TestInfo {
            package: "ex3",
            module: "ex3::step1_trial_division",
            name: "large_numbers",
            deadline_secs,
            hint,
            own_process: false,
            env: &[],
        }
    }

    #[course_testing::test]
    fn the_body_runs_and_returns() {
        assert_eq!(run_test(info(5, None), || 6 * 7), 42);
    }

    #[course_testing::test]
    fn a_test_can_return_a_result() -> Result<(), String> {
        "42".parse::<u8>().map_err(|error| error.to_string())?;
        Ok(())
    }

    #[course_testing::test]
    #[should_panic(expected = "the body's own message")]
    fn a_panic_in_the_body_is_passed_on_unchanged() {
        panic!("the body's own message");
    }

    #[course_testing::test]
    #[ignore = "proves that other attributes are kept: it would fail if run"]
    fn other_attributes_are_kept() {
        panic!("an ignored test ran");
    }

    #[course_testing::test]
    fn an_endless_loop_fails_with_what_probably_hung() {
        // What a student's `is_prime` does without `d += 1`: a loop whose counter never advances.
        // (It also stops when the test is over, so it does not spin through the other tests.)
        static OVER: AtomicBool = AtomicBool::new(false);
        let message = panic_of(|| {
            run_test(info(1, Some("is the divisor advanced?")), || {
                let d = 2u64;
                let mut steps = 0u64;
                #[allow(clippy::while_immutable_condition)] // the student's bug, on purpose
                while d * d <= 1_000_003 && !OVER.load(Ordering::Relaxed) {
                    steps = std::hint::black_box(steps.wrapping_add(1));
                }
            })
        })
        .expect("an endless loop must fail the test");
        OVER.store(true, Ordering::Relaxed);
        for expected in [
            "`step1_trial_division::large_numbers` did not finish within 1 s",
            "a counter that never advances",
            "a deadlock",
            "a result that is never sent",
            "In this test: is the divisor advanced?",
            "cargo test -p ex3 -- --exact step1_trial_division::large_numbers",
        ] {
            assert!(
                message.contains(expected),
                "the hang message lacks `{expected}`:\n{message}"
            );
        }
    }

    #[course_testing::test]
    fn the_name_is_the_test_runners() {
        assert_eq!(info(1, None).path(), "step1_trial_division::large_numbers");
        let top = TestInfo {
            module: "harness",
            ..info(1, None)
        };
        assert_eq!(top.path(), "large_numbers");
    }
}

mod lessons {
    use course_testing::{expect_err, expect_no_panic};

    use super::panic_of;

    const LESSON: &str = "a shut-down executor is an error: return it with `?`";

    #[course_testing::test]
    fn a_returned_value_passes_through() {
        assert_eq!(expect_no_panic(LESSON, || 5), 5);
        assert_eq!(
            expect_err(LESSON, || "x".parse::<u8>()).to_string(),
            "invalid digit found in string"
        );
    }

    #[course_testing::test]
    fn a_panic_shows_the_lesson_and_the_students_message() {
        let message = panic_of(|| {
            let _ = expect_no_panic(LESSON, || -> Result<(), String> {
                let refused: Result<(), &str> = std::hint::black_box(Err("Shutdown"));
                refused.expect("the executor takes the chunk");
                Ok(())
            });
        })
        .expect("a panic must fail the test");
        assert!(message.starts_with(LESSON), "{message}");
        assert!(
            message.contains("the executor takes the chunk: \"Shutdown\""),
            "the student's own message must be kept: {message}"
        );
    }

    #[course_testing::test]
    fn an_unexpected_ok_is_shown_shortened() {
        let message = panic_of(|| {
            expect_err(LESSON, || Ok::<Vec<u64>, ()>((0..10_000).collect()));
        })
        .expect("Ok where an error is expected must fail the test");
        assert!(message.starts_with(LESSON), "{message}");
        assert!(message.contains("returned Ok([0, 1, 2"), "{message}");
        assert!(
            message.len() < 1_000,
            "a huge value must be cut: {} bytes",
            message.len()
        );
    }

    #[course_testing::test]
    fn an_unwritten_step_is_not_given_a_lesson() {
        let message = panic_of(|| {
            expect_no_panic(LESSON, || todo!("step 4: sieve 4 chunks"));
        })
        .expect("todo!() must fail the test");
        assert_eq!(message, "not yet implemented: step 4: sieve 4 chunks");
    }
}

mod own_process {
    use course_testing::memory::{self, MIB};

    const CHILD: &str = "COURSE_TESTING_OWN_PROCESS";

    #[course_testing::test(own_process)]
    fn the_body_runs_in_a_child_process() {
        // The variable is set only in the child started for this test: the body never runs in
        // the test runner's own process.
        assert_eq!(
            std::env::var(CHILD).as_deref(),
            Ok("own_process::the_body_runs_in_a_child_process")
        );
    }

    #[course_testing::test(
        own_process,
        env(
            COURSE_TESTING_EXAMPLE = "set for the child",
            RUST_MIN_STACK = "4194304"
        )
    )]
    fn the_child_gets_the_environment_asked_for() {
        assert_eq!(
            std::env::var("COURSE_TESTING_EXAMPLE").as_deref(),
            Ok("set for the child")
        );
        assert_eq!(std::env::var("RUST_MIN_STACK").as_deref(), Ok("4194304"));
        assert_eq!(
            std::env::var("RUST_BACKTRACE").as_deref(),
            Ok("0"),
            "a caught panic must not load debug symbols into the measured memory"
        );
    }

    #[course_testing::test(own_process)]
    #[should_panic(expected = "the child's own lesson\nwith a second line")]
    fn a_failure_in_the_child_fails_the_test_with_its_message() {
        panic!("the child's own lesson\nwith a second line");
    }

    #[course_testing::test(own_process, deadline_secs = 1)]
    #[should_panic(
        expected = "`own_process::a_hang_in_the_child_fails_with_the_hang_message` did not finish within 1 s"
    )]
    fn a_hang_in_the_child_fails_with_the_hang_message() {
        let (_keep, never) = std::sync::mpsc::channel::<()>();
        let _ = never.recv();
    }

    #[course_testing::test(own_process)]
    fn memory_used_by_the_work_is_measured() {
        // `vec![1; n]` writes every byte, so every page is resident.
        let (touched, rise) =
            memory::peak_rise(|| std::hint::black_box(vec![1u8; 96 * MIB as usize]).len());
        assert_eq!(touched as u64, 96 * MIB);
        if let Some(rise) = rise {
            assert!(
                rise >= 90 * MIB,
                "96 MiB were touched, the rise is {} MiB",
                rise / MIB
            );
        }
    }

    #[course_testing::test(own_process)]
    fn memory_used_and_freed_before_the_work_does_not_hide_its_peak() {
        drop(std::hint::black_box(vec![1u8; 128 * MIB as usize]));
        let (_, rise) =
            memory::peak_rise(|| std::hint::black_box(vec![1u8; 64 * MIB as usize]).len());
        if let Some(rise) = rise {
            assert!(
                rise >= 60 * MIB,
                "64 MiB were touched after 128 MiB were freed, the rise is {} MiB",
                rise / MIB
            );
        }
    }

    #[course_testing::test(own_process)]
    fn a_caught_panic_does_not_count_even_with_rust_backtrace_set() {
        // With RUST_BACKTRACE=1 a panic loads the binary's debug symbols: tens of MiB that a
        // correct solution never allocated. The child runs with RUST_BACKTRACE=0 whatever the
        // student set, so the verdict is the same. (Run: RUST_BACKTRACE=1 cargo test -p course-testing)
        memory::assert_peak_rise_below(16 * MIB, "a caught panic raised the peak memory", || {
            std::panic::catch_unwind(|| panic!("a task's panic, caught as an error")).is_err()
        });
    }

    #[course_testing::test]
    #[should_panic(expected = "call it in a test marked #[course_testing::test(own_process)]")]
    fn memory_is_not_measured_among_other_tests() {
        memory::peak_rise(|| ());
    }
}
