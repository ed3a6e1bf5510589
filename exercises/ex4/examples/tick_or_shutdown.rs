//! Periodic work that stops at once: `crossbeam_channel::tick` for the schedule, `select!` to wait
//! for the next tick *or* the shutdown, whichever comes first. A heartbeat, not the exercise's
//! monitor, but the same shape. Run it: `cargo run -p ex4 --example tick_or_shutdown`.

use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, select, tick};

// ANCHOR: heartbeat
/// Beats at every tick until `shutdown` says stop: a message, or every sender dropped (a closed
/// channel is always ready, so one `drop(sender)` wakes every receiver at once).
fn heartbeat(ticks: &Receiver<Instant>, shutdown: &Receiver<()>) -> u32 {
    let mut beats = 0;
    loop {
        select! {
            recv(shutdown) -> _ => return beats,
            recv(ticks) -> tick => match tick {
                Ok(_) => beats += 1,
                Err(_) => return beats, // the schedule itself ended
            },
        }
    }
}
// ANCHOR_END: heartbeat

fn main() {
    let (stop, shutdown) = crossbeam_channel::bounded::<()>(0);
    let ticks = tick(Duration::from_millis(100));
    let beating = std::thread::spawn(move || heartbeat(&ticks, &shutdown));
    // Let it beat a few times (a demo: a test would send the ticks itself).
    let _ = crossbeam_channel::after(Duration::from_millis(350)).recv();
    let asked = Instant::now();
    drop(stop);
    let beats = beating.join().expect("the heartbeat panicked");
    println!(
        "{beats} beats; stopped {:?} after the shutdown signal",
        asked.elapsed()
    );
}
