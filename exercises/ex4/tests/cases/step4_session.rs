//! Step 4: the session. Three monitors on a pool of three workers, alive at once (witnessed by a
//! rendezvous, not timed); a panicking monitor is reported and the others go on; stopping waits
//! for every monitor and loses no sample.

use std::time::Duration;

use course_testing::expect_no_panic;
use ex4::{Incident, Metric, Reading, Session, Sources};

use crate::support::{
    FakeSource, MeetingSource, Rendezvous, Step, constant_sources, counted, ticks,
};

fn start(sources: Sources, ticks: ex4::SampleTicks) -> Session {
    match expect_no_panic("starting a session should not panic", || {
        Session::with_ticks(sources, ticks, 10)
    }) {
        Ok(session) => session,
        Err(error) => panic!("starting a session on a fresh pool should succeed, got {error}"),
    }
}

#[course_testing::test(hint = "does stop() join the pool before it signals the monitors to stop?")]
fn every_tick_is_one_sample_and_stop_loses_none() {
    let (ticker, sample_ticks) = ticks();
    let session = start(constant_sources(), sample_ticks);
    ticker.tick_all(3);
    let first = session.report();
    ticker.tick_all(4);
    let last = session.stop();
    for metric in Metric::ALL {
        let total = first.samples_of(metric) + last.samples_of(metric);
        assert_eq!(
            total,
            7,
            "7 ticks to the {metric} monitor should give 7 samples across the report and the \
             final report of stop(), got {}: stop() must wait for the monitors to finish, then \
             take the last window",
            counted(total, "sample")
        );
    }
}

#[course_testing::test(hint = "does stop() join the pool before it signals the monitors to stop?")]
fn the_final_report_waits_for_a_slow_read() {
    let (ticker, sample_ticks) = ticks();
    let slow = Step::Slow(
        Duration::from_millis(200),
        vec![Reading::new("disk /", 1.0, 2.0)],
    );
    let sources = Sources {
        disk: Box::new(FakeSource::script(vec![slow])),
        ..constant_sources()
    };
    let session = start(sources, sample_ticks);
    ticker.tick(Metric::Disk); // the read starts, and takes 200 ms
    let last = session.stop();
    assert_eq!(
        last.samples_of(Metric::Disk),
        1,
        "the disk monitor was reading when stop() was called: stop() must signal the monitors, \
         wait for them (the pool's shutdown with wait), and only then take the final report"
    );
}

// ANCHOR: witness
#[course_testing::test(hint = "are the three monitors running at once, on a pool of 3 workers?")]
fn the_three_monitors_run_at_once() {
    let rendezvous = Rendezvous::new(3);
    let meeting = |series| -> Box<dyn ex4::Source> {
        Box::new(MeetingSource {
            series,
            rendezvous: rendezvous.clone(),
        })
    };
    let sources = Sources {
        cpu: meeting("cpu"),
        memory: meeting("memory"),
        disk: meeting("disk /"),
    };
    let (ticker, sample_ticks) = ticks();
    let session = start(sources, sample_ticks);
    ticker.tick_all(1);
    let report = session.stop();
    assert!(
        report.incidents.is_empty(),
        "each read waits until the three monitors are reading at the same time; they were not: \
         {:?}. Run each monitor as a task of its own on a ThreadPoolExecutor of 3 workers",
        report
            .incidents
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    assert_eq!(report.total_samples(), 3, "one sample per monitor");
}
// ANCHOR_END: witness

#[course_testing::test(hint = "does a panicking monitor take the session down, or hang stop()?")]
fn a_panicking_monitor_is_reported_and_the_others_go_on() {
    let sources = Sources {
        cpu: Box::new(FakeSource::script(vec![
            Step::Read(vec![Reading::new("cpu", 5.0, 100.0)]),
            Step::Panic("the CPU sensor is on fire"),
        ])),
        ..constant_sources()
    };
    let (ticker, sample_ticks) = ticks();
    let session = start(sources, sample_ticks);
    ticker.tick(Metric::Cpu);
    ticker.tick(Metric::Cpu); // this read panics
    for _ in 0..5 {
        ticker.tick(Metric::Memory);
        ticker.tick(Metric::Disk);
    }
    let report = expect_no_panic(
        "stop() after a monitor panicked must still stop the others and return the final report",
        || session.stop(),
    );
    assert_eq!(
        (
            report.samples_of(Metric::Cpu),
            report.samples_of(Metric::Memory),
            report.samples_of(Metric::Disk)
        ),
        (1, 5, 5),
        "the cpu monitor sampled once then panicked; memory and disk took 5 ticks each"
    );
    let panics: Vec<&Incident> = report.incidents_of(Metric::Cpu).collect();
    assert!(
        matches!(&panics[..], [Incident::Panicked { message, .. }]
            if message.contains("the CPU sensor is on fire")),
        "the panic of the cpu monitor must be in the report with its message (the pool catches \
         it: a done callback on the monitor's future can record it), got {panics:?}"
    );
}

#[course_testing::test(hint = "does dropping a Session wait for monitors it never told to stop?")]
fn dropping_a_session_stops_it() {
    let (_ticker, sample_ticks) = ticks();
    let session = start(constant_sources(), sample_ticks);
    drop(session); // must not hang: the monitors are told to stop before the pool is joined
}
