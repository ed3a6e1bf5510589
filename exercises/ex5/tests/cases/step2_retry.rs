//! Step 2: the retry policy, without any network and without waiting: failures are classified,
//! waits grow exponentially with jitter inside known bounds up to a cap, `Retry-After` is
//! honoured, and every attempt is recorded. The waits go through a `RecordingSleeper`.

use std::time::Duration;

use course_testing::expect_no_panic;
use ex5::{Failure, RecordingSleeper, RetryPolicy, is_transient, retry};

fn status(status: u16) -> Failure {
    Failure::Status {
        status,
        retry_after: None,
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(1_000),
    }
}

#[course_testing::test]
fn transient_and_permanent_failures() {
    let transient = [
        Failure::Connect("refused".into()),
        Failure::Timeout("read".into()),
        Failure::Interrupted("reset".into()),
        status(500),
        status(502),
        status(503),
        status(599),
        Failure::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(1)),
        },
    ];
    let permanent = [
        status(400),
        status(403),
        status(404),
        status(410),
        Failure::BadUrl {
            url: "ftp://x".into(),
            reason: "scheme".into(),
        },
        Failure::Storage("disk full".into()),
    ];
    for failure in transient {
        assert!(
            is_transient(&failure),
            "{failure:?} may go away by itself (a busy or restarting server, a lost \
             connection): it is transient, worth a retry"
        );
    }
    for failure in permanent {
        assert!(
            !is_transient(&failure),
            "{failure:?} will not go away by trying again (a wrong address, a missing file, a \
             full disk): it is permanent, no retry"
        );
    }
}

#[course_testing::test]
fn backoff_doubles_within_its_jitter_bounds_up_to_the_cap() {
    let policy = policy();
    for (retry, ceiling_ms) in [
        (0, 100),
        (1, 200),
        (2, 400),
        (3, 800),
        (4, 1_000),
        (40, 1_000),
    ] {
        let ceiling = Duration::from_millis(ceiling_ms);
        let low = expect_no_panic("backoff must not overflow for a large retry number", || {
            policy.backoff(retry, 0.0)
        });
        let high = policy.backoff(retry, 0.999_999);
        assert_eq!(
            low,
            ceiling / 2,
            "backoff({retry}, 0.0) with a 100 ms base and a 1 s cap: expected half the ceiling \
             min(1 s, 100 ms x 2^{retry}) = {:?}, got {low:?}",
            ceiling / 2
        );
        assert!(
            high > ceiling.mul_f64(0.99) && high <= ceiling,
            "backoff({retry}, 0.999999): expected just below the ceiling {ceiling:?}, got {high:?}"
        );
    }
}

#[course_testing::test]
fn delays_give_up_on_permanent_failures_and_after_the_last_retry() {
    let policy = policy();
    let busy = status(503);
    for attempt in 1..=3 {
        assert!(
            policy.delay_after(attempt, &busy, 0.5).is_some(),
            "with max_retries = 3, attempt {attempt} failing with 503 must be retried"
        );
    }
    assert_eq!(
        policy.delay_after(4, &busy, 0.5),
        None,
        "with max_retries = 3, the 4th attempt (the 3rd retry) is the last: then give up"
    );
    assert_eq!(
        policy.delay_after(1, &status(404), 0.5),
        None,
        "404 is permanent: give up at once"
    );
    assert_eq!(
        policy.delay_after(2, &busy, 0.0),
        Some(Duration::from_millis(100)),
        "after attempt 2 comes retry number 1 (the second): backoff(1, 0.0) = 100 ms with a \
         100 ms base; is the retry number off by one?"
    );
}

#[course_testing::test]
fn retry_after_is_honoured_and_a_too_long_one_gives_up() {
    let policy = policy();
    let asked = |secs| Failure::Status {
        status: 429,
        retry_after: Some(Duration::from_secs(secs)),
    };
    let lenient = RetryPolicy {
        max_delay: Duration::from_secs(5),
        ..policy
    };
    assert_eq!(
        lenient.delay_after(1, &asked(2), 0.5),
        Some(Duration::from_secs(2)),
        "the server said Retry-After: 2, more than the backoff: wait exactly 2 s"
    );
    assert_eq!(
        policy.delay_after(1, &asked(3_600), 0.5),
        None,
        "Retry-After: 3600 is longer than max_delay (1 s): give up rather than wait an hour"
    );
    let zero = policy.delay_after(3, &asked(0), 0.0);
    assert_eq!(
        zero,
        Some(Duration::from_millis(200)),
        "Retry-After: 0 is a minimum, not a replacement: the backoff (200 ms for the 3rd \
         attempt) still applies"
    );
}

#[course_testing::test]
fn a_flaky_operation_succeeds_on_the_third_attempt() {
    let sleeper = RecordingSleeper::new();
    let mut calls = Vec::new();
    let (outcome, attempts) = retry(&policy(), &sleeper, |number| {
        calls.push(number);
        if number < 3 {
            Err(status(503))
        } else {
            Ok("body")
        }
    });
    assert_eq!(
        outcome,
        Ok("body"),
        "the third attempt succeeds: expected Ok"
    );
    assert_eq!(
        calls,
        [1, 2, 3],
        "expected attempts numbered 1, 2, 3, got {calls:?}"
    );
    let slept = sleeper.slept();
    assert_eq!(
        slept.len(),
        2,
        "two failures, then success: expected 2 waits through the sleeper (never \
         std::thread::sleep), got {slept:?}"
    );
    assert!(
        (Duration::from_millis(50)..=Duration::from_millis(100)).contains(&slept[0])
            && (Duration::from_millis(100)..=Duration::from_millis(200)).contains(&slept[1]),
        "with a 100 ms base, expected a first wait in 50..=100 ms and a second in 100..=200 ms, \
         got {slept:?}"
    );
    let recorded: Vec<_> = attempts
        .iter()
        .map(|a| (a.number, a.outcome.clone(), a.waited))
        .collect();
    assert_eq!(
        recorded,
        [
            (1, Err(status(503)), Some(slept[0])),
            (2, Err(status(503)), Some(slept[1])),
            (3, Ok(()), None)
        ],
        "every attempt is kept: its number, its outcome, and the wait that followed it"
    );
}

#[course_testing::test]
fn gives_up_after_three_retries_and_at_once_on_a_permanent_failure() {
    let sleeper = RecordingSleeper::new();
    let (outcome, attempts) = retry(&policy(), &sleeper, |_| Err::<(), _>(status(500)));
    assert_eq!(
        outcome,
        Err(status(500)),
        "always 500: the last failure is returned"
    );
    assert_eq!(
        attempts.len(),
        4,
        "max_retries = 3: expected 4 attempts (1 + 3 retries), got {}",
        attempts.len()
    );
    assert_eq!(
        attempts.last().and_then(|a| a.waited),
        None,
        "no wait after the last attempt: nothing follows it"
    );
    let sleeper = RecordingSleeper::new();
    let (_, attempts) = retry(&policy(), &sleeper, |_| Err::<(), _>(status(404)));
    assert_eq!(
        (attempts.len(), sleeper.slept().len()),
        (1, 0),
        "404 is permanent: expected 1 attempt and no wait"
    );
}

#[course_testing::test]
fn waits_are_jittered() {
    // Twenty runs of two retries each: without jitter every first wait would be the same, and
    // clients that failed together would retry together, again and again.
    let mut firsts = Vec::new();
    for _ in 0..20 {
        let sleeper = RecordingSleeper::new();
        let _ = retry(&policy(), &sleeper, |number| {
            if number < 2 { Err(status(503)) } else { Ok(()) }
        });
        firsts.extend(sleeper.slept());
    }
    firsts.sort();
    firsts.dedup();
    assert!(
        firsts.len() >= 5,
        "20 first waits took only {} distinct values ({firsts:?}): pass a fresh random_unit() to \
         each delay, so clients that failed together do not retry together",
        firsts.len()
    );
}
