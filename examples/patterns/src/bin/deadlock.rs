//! Two deadlocks caught by a deadline that names the stuck threads, and their fixes.
//!
//! ```sh
//! cargo run -p example-patterns --bin deadlock
//! ```

use std::sync::{Arc, Barrier};
use std::time::Duration;

use example_patterns::deadlock::{
    Account, Watched, transfer_deadlocks, transfer_ordered, try_transfer, watch, withdraw,
    withdraw_deadlocks,
};

fn job(name: &str, work: impl FnOnce() + Send + 'static) -> Watched {
    (name.to_owned(), Box::new(work))
}

fn report(case: &str, verdict: Result<(), Vec<String>>) {
    match verdict {
        Ok(()) => println!("{case}: finished"),
        Err(stuck) => println!("{case}: DEADLOCK? still running after the deadline: {stuck:?}"),
    }
}

fn main() {
    let limit = Duration::from_millis(500);

    let account = Arc::new(Account::new(1, 10_000));
    let shared = Arc::clone(&account);
    report(
        "lock taken twice",
        watch(
            limit,
            vec![job("withdraw", move || withdraw_deadlocks(&shared, 100))],
        ),
    );
    let account = Arc::new(Account::new(2, 10_000));
    let shared = Arc::clone(&account);
    report(
        "restructured (one lock)",
        watch(limit, vec![job("withdraw", move || withdraw(&shared, 100))]),
    );

    // ANCHOR: opposite_demo
    let (a, b) = (
        Arc::new(Account::new(1, 1000)),
        Arc::new(Account::new(2, 1000)),
    );
    let meet = Arc::new(Barrier::new(2)); // both hold their first lock before taking the second
    let (a1, b1, meet1) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&meet));
    report(
        "opposite lock orders",
        watch(
            limit,
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
        ),
    );
    // ANCHOR_END: opposite_demo

    let (a, b) = (
        Arc::new(Account::new(1, 100_000)),
        Arc::new(Account::new(2, 100_000)),
    );
    let (a1, b1, a2, b2) = (
        Arc::clone(&a),
        Arc::clone(&b),
        Arc::clone(&a),
        Arc::clone(&b),
    );
    report(
        "lock order by id, 10,000 transfers each way",
        watch(
            Duration::from_secs(10),
            vec![
                job("a->b", move || {
                    (0..10_000).for_each(|_| transfer_ordered(&a1, &b1, 5))
                }),
                job("b->a", move || {
                    (0..10_000).for_each(|_| transfer_ordered(&b2, &a2, 7))
                }),
            ],
        ),
    );
    println!("balances: {} and {}", a.balance.lock(), b.balance.lock());

    let (a, b) = (
        Arc::new(Account::new(1, 1000)),
        Arc::new(Account::new(2, 1000)),
    );
    let retry = |from: Arc<Account>, to: Arc<Account>, amount: i64, backoff_ms: u64| {
        move || {
            let mut tries = 1;
            while try_transfer(&from, &to, amount, Duration::from_millis(10), || {}).is_err() {
                tries += 1;
                std::thread::sleep(Duration::from_millis(backoff_ms));
            }
            println!("  {} -> {}: done after {tries} attempt(s)", from.id, to.id);
        }
    };
    report(
        "try_lock_for with a back-off",
        watch(
            Duration::from_secs(10),
            vec![
                job("a->b", retry(Arc::clone(&a), Arc::clone(&b), 5, 1)),
                job("b->a", retry(Arc::clone(&b), Arc::clone(&a), 7, 7)),
            ],
        ),
    );
    // The deadlocked threads are still blocked: returning from main ends the process anyway.
}
