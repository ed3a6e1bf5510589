//! The other good answer to "wait for the next tick or the shutdown, whichever comes first": a
//! shutdown *event* made of a `Mutex<bool>` and a `Condvar` (Python's `threading.Event`), with
//! `wait_timeout` in place of `sleep`. Exercise 4's solution uses crossbeam-channel instead; the
//! chapter compares the two. Run it: `cargo run -p ex4 --example shutdown_event`.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

// ANCHOR: event
/// Python's `threading.Event`: `set` once, and every `wait_timeout` returns at once.
#[derive(Debug, Default)]
struct ShutdownEvent {
    set: Mutex<bool>,
    changed: Condvar,
}

impl ShutdownEvent {
    /// Signals the shutdown and wakes every waiter.
    fn set(&self) {
        *self.set.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.changed.notify_all();
    }

    /// Waits until the event is set or `timeout` has passed; true if it is set. The flag is
    /// checked under the lock, so a `set` just before the wait is never missed, and spurious
    /// wake-ups are absorbed by `wait_timeout_while`.
    fn wait_timeout(&self, timeout: Duration) -> bool {
        let set = self.set.lock().unwrap_or_else(PoisonError::into_inner);
        let (set, _) = self
            .changed
            .wait_timeout_while(set, timeout, |set| !*set)
            .unwrap_or_else(PoisonError::into_inner);
        *set
    }
}

/// A monitor on the event: samples every `interval` until the shutdown, never sleeping through
/// it. Deadlines are computed from the start, so the schedule does not drift by the time a
/// sample takes.
fn monitor(event: &ShutdownEvent, interval: Duration, mut sample: impl FnMut()) {
    let mut next = Instant::now() + interval;
    while !event.wait_timeout(next.saturating_duration_since(Instant::now())) {
        sample();
        next += interval;
    }
}
// ANCHOR_END: event

fn main() {
    let event = Arc::new(ShutdownEvent::default());
    let monitors: Vec<_> = (0..3)
        .map(|n| {
            let event = Arc::clone(&event);
            std::thread::spawn(move || {
                let mut samples = 0;
                monitor(&event, Duration::from_secs(10), || samples += 1);
                (n, samples)
            })
        })
        .collect();
    let asked = Instant::now();
    event.set();
    for handle in monitors {
        let (n, samples) = handle.join().expect("a monitor panicked");
        println!("monitor {n}: {samples} samples");
    }
    println!(
        "three monitors with a 10 s interval stopped {:?} after the event was set",
        asked.elapsed()
    );
}
