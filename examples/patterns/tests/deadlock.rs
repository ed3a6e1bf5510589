//! Deadlocks: each broken version is caught by the watcher's deadline, which names the stuck
//! threads; each fix finishes with the money intact. The deadlocks are certain, not likely: the
//! opposite-order threads meet at a barrier while each holds its first lock.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use example_patterns::deadlock::{
    Account, Watched, transfer_deadlocks, transfer_ordered, try_transfer, watch, withdraw,
    withdraw_deadlocks,
};

const CAUGHT_AFTER: Duration = Duration::from_millis(300);
const FIXED_WITHIN: Duration = Duration::from_secs(8);

fn job(name: &str, work: impl FnOnce() + Send + 'static) -> Watched {
    (name.to_owned(), Box::new(work))
}

#[course_testing::test]
fn locking_a_mutex_twice_is_caught_and_the_restructured_version_finishes() {
    let stuck = Arc::new(Account::new(1, 10_000));
    let account = Arc::clone(&stuck);
    let verdict = watch(
        CAUGHT_AFTER,
        vec![job("withdraw", move || withdraw_deadlocks(&account, 100))],
    );
    assert_eq!(verdict, Err(vec!["withdraw".to_owned()]));

    let fine = Arc::new(Account::new(2, 10_000));
    let account = Arc::clone(&fine);
    assert_eq!(
        watch(
            FIXED_WITHIN,
            vec![job("withdraw", move || withdraw(&account, 100))]
        ),
        Ok(())
    );
    assert_eq!(*fine.balance.lock(), 10_000 - 100 - 100);
}

fn two_accounts() -> (Arc<Account>, Arc<Account>) {
    (
        Arc::new(Account::new(1, 1_000_000)),
        Arc::new(Account::new(2, 1_000_000)),
    )
}

#[course_testing::test]
fn opposite_lock_orders_are_caught_with_both_threads_named() {
    let (a, b) = two_accounts();
    let meet = Arc::new(Barrier::new(2));
    let (a1, b1, meet1) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&meet));
    let verdict = watch(
        CAUGHT_AFTER,
        vec![
            job("a->b", move || {
                transfer_deadlocks(&a1, &b1, 5, || {
                    meet1.wait();
                })
            }),
            job("b->a", move || {
                transfer_deadlocks(&b, &a, 7, || {
                    meet.wait();
                })
            }),
        ],
    );
    let mut stuck = verdict.expect_err("both threads hold one lock and wait for the other");
    stuck.sort();
    assert_eq!(stuck, ["a->b", "b->a"]);
}

/// Many transfers each way at once, with `transfer`; checks the final balances.
fn many_transfers(transfer: fn(&Account, &Account, i64)) {
    let (a, b) = two_accounts();
    let (a1, b1) = (Arc::clone(&a), Arc::clone(&b));
    let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
    let verdict = watch(
        FIXED_WITHIN,
        vec![
            job("a->b", move || {
                (0..5_000).for_each(|_| transfer(&a1, &b1, 5))
            }),
            job("b->a", move || {
                (0..5_000).for_each(|_| transfer(&b2, &a2, 7))
            }),
        ],
    );
    assert_eq!(verdict, Ok(()), "the fixed transfers must not deadlock");
    assert_eq!(*a.balance.lock(), 1_000_000 - 5 * 5_000 + 7 * 5_000);
    assert_eq!(*b.balance.lock(), 1_000_000 + 5 * 5_000 - 7 * 5_000);
}

#[course_testing::test]
fn a_lock_order_fixes_it() {
    many_transfers(transfer_ordered);
}

#[course_testing::test]
fn try_lock_with_a_timeout_and_a_retry_fixes_it() {
    // The first attempts meet at the barrier holding one lock each, as in the deadlock; both give
    // up after 10 ms, back off for different times, and retry.
    let (a, b) = two_accounts();
    let meet = Arc::new(Barrier::new(2));
    let run = |from: Arc<Account>, to: Arc<Account>, amount, backoff, meet: Arc<Barrier>| {
        move || {
            let mut between = Some(move || {
                meet.wait();
            });
            let mut attempts = 0;
            while try_transfer(&from, &to, amount, Duration::from_millis(10), || {
                if let Some(first) = between.take() {
                    first();
                }
            })
            .is_err()
            {
                attempts += 1;
                assert!(attempts < 1000, "gave up retrying");
                std::thread::sleep(backoff);
            }
        }
    };
    let verdict = watch(
        FIXED_WITHIN,
        vec![
            job(
                "a->b",
                run(
                    Arc::clone(&a),
                    Arc::clone(&b),
                    5,
                    Duration::from_millis(1),
                    Arc::clone(&meet),
                ),
            ),
            job(
                "b->a",
                run(
                    Arc::clone(&b),
                    Arc::clone(&a),
                    7,
                    Duration::from_millis(7),
                    meet,
                ),
            ),
        ],
    );
    assert_eq!(verdict, Ok(()));
    assert_eq!(*a.balance.lock(), 1_000_000 - 5 + 7);
    assert_eq!(*b.balance.lock(), 1_000_000 + 5 - 7);
}
