//! Step 3: one monitor. It samples at each tick the test sends (so counts are exact), goes on
//! after a failed read, and stops at once on the shutdown signal, tick or no tick.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use ex4::{Incident, Metric, Reading, Source, Store, run_monitor};

use crate::support::{FakeSource, Step, counted, shutdown_channel, tick};

/// How long a monitor may take to notice the shutdown signal: much less than any real interval.
const PROMPT: Duration = Duration::from_secs(2);

/// Runs `run_monitor` on a thread of its own; the receiver says when it returned.
fn spawn_monitor(
    mut source: impl Source + 'static,
    store: Arc<Store>,
    ticks: Receiver<Instant>,
    shutdown: Receiver<()>,
) -> Receiver<()> {
    let (done, returned) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        run_monitor(Metric::Cpu, &mut source, &store, &ticks, &shutdown);
        let _ = done.send(());
    });
    returned
}

fn assert_returns(returned: &Receiver<()>, after: &str) {
    assert!(
        returned.recv_timeout(PROMPT).is_ok(),
        "run_monitor did not return within {PROMPT:?} after {after}: does it wait for the next \
         tick without watching the shutdown signal (or sleep)? Wait on both at once with \
         crossbeam_channel::select!"
    );
}

#[course_testing::test]
fn n_ticks_give_n_samples() {
    let store = Arc::new(Store::new(100));
    let (ticks, tick_rx) = crossbeam_channel::bounded(0);
    let (stop, stop_rx) = shutdown_channel();
    let returned = spawn_monitor(
        FakeSource::constant("cpu", 25.0, 100.0),
        Arc::clone(&store),
        tick_rx,
        stop_rx,
    );
    for _ in 0..17 {
        tick(&ticks, Metric::Cpu);
    }
    drop(stop);
    assert_returns(&returned, "the shutdown signal (its sender dropped)");
    let report = store.take_report();
    assert_eq!(
        report.samples_of(Metric::Cpu),
        17,
        "17 ticks should give 17 samples, got {}: one read per tick, recorded in the store",
        counted(report.samples_of(Metric::Cpu), "sample")
    );
}

#[course_testing::test]
fn a_failed_read_is_recorded_and_the_monitor_goes_on() {
    let store = Arc::new(Store::new(100));
    let (ticks, tick_rx) = crossbeam_channel::bounded(0);
    let (stop, stop_rx) = shutdown_channel();
    let source = FakeSource::script(vec![
        Step::Read(vec![Reading::new("cpu", 10.0, 100.0)]),
        Step::Fail("the sensor is unplugged"),
        Step::Read(vec![Reading::new("cpu", 30.0, 100.0)]),
    ]);
    let returned = spawn_monitor(source, Arc::clone(&store), tick_rx, stop_rx);
    for _ in 0..3 {
        tick(&ticks, Metric::Cpu);
    }
    stop.send(()).ok();
    assert_returns(&returned, "a message on the shutdown channel");
    let report = store.take_report();
    assert_eq!(
        report.samples_of(Metric::Cpu),
        2,
        "reads 1 and 3 succeeded: expected 2 samples, got {}",
        counted(report.samples_of(Metric::Cpu), "sample")
    );
    assert!(
        matches!(&report.incidents[..], [Incident::Failed { metric: Metric::Cpu, error }]
            if error.0 == "the sensor is unplugged"),
        "the failed read must be recorded for the next report (Store::record with the Err), got \
         {:?}",
        report.incidents
    );
}

#[course_testing::test]
fn the_shutdown_signal_ends_a_monitor_waiting_for_a_tick() {
    let store = Arc::new(Store::new(100));
    // A monitor whose next tick is hours away.
    let (_ticks, tick_rx) = crossbeam_channel::bounded::<Instant>(0);
    let (stop, stop_rx) = shutdown_channel();
    let returned = spawn_monitor(
        FakeSource::constant("cpu", 1.0, 100.0),
        store,
        tick_rx,
        stop_rx,
    );
    drop(stop);
    assert_returns(&returned, "the shutdown signal, with no tick coming");
}

#[course_testing::test]
fn the_end_of_the_ticks_ends_the_monitor() {
    let store = Arc::new(Store::new(100));
    let (ticks, tick_rx) = crossbeam_channel::bounded::<Instant>(0);
    let (_stop, stop_rx) = shutdown_channel();
    let returned = spawn_monitor(
        FakeSource::constant("cpu", 1.0, 100.0),
        store,
        tick_rx,
        stop_rx,
    );
    drop(ticks);
    assert!(
        returned.recv_timeout(PROMPT).is_ok(),
        "run_monitor did not return within {PROMPT:?} after its tick channel closed: a closed \
         channel means no more ticks (recv gives Err); return instead of looping on the error"
    );
}
