//! Step 5: the configuration and the reporter. Bad intervals are refused before anything runs;
//! with real ticks of 10 s a session still stops at once; the reporter reports at each of its
//! ticks and the final report closes the session with nothing lost.

use std::time::{Duration, Instant};

use course_testing::{expect_err, expect_no_panic};
use ex4::{Config, ConfigError, MAX_INTERVAL, Metric, Report, Session, StartError};

use crate::support::{constant_sources, ticks};

#[course_testing::test]
fn the_default_config_is_valid() {
    let config = Config::default();
    assert_eq!(
        (config.sample_every, config.report_every),
        (Duration::from_secs(5), Duration::from_secs(30)),
        "the defaults: a sample every 5 s, a report every 30 s"
    );
    let outcome = expect_no_panic("validating the default config", || config.validate());
    assert_eq!(outcome, Ok(()), "the default config is valid");
}

#[course_testing::test]
fn bad_intervals_are_refused() {
    let base = Config::default();
    let cases = [
        (
            Config {
                sample_every: Duration::ZERO,
                ..base.clone()
            },
            "a sample interval of 0 (a busy loop)",
        ),
        (
            Config {
                report_every: Duration::ZERO,
                ..base.clone()
            },
            "a report interval of 0",
        ),
        (
            Config {
                sample_every: MAX_INTERVAL + Duration::from_secs(1),
                report_every: MAX_INTERVAL * 2,
                ..base.clone()
            },
            "a sample interval above MAX_INTERVAL",
        ),
        (
            Config {
                sample_every: Duration::from_secs(10),
                report_every: Duration::from_secs(1),
                ..base.clone()
            },
            "reports more often than samples",
        ),
        (
            Config {
                history: 0,
                ..base.clone()
            },
            "a history of 0",
        ),
    ];
    for (config, what) in cases {
        let lesson = format!("{what} must be refused by Config::validate with an error");
        let error = expect_err(&lesson, || config.validate());
        let expected = match what {
            w if w.contains("above") => matches!(
                error,
                ConfigError::TooLong {
                    what: "sample_every",
                    ..
                }
            ),
            w if w.contains("sample interval of 0") => matches!(
                error,
                ConfigError::TooShort {
                    what: "sample_every",
                    ..
                }
            ),
            w if w.contains("report interval of 0") => matches!(
                error,
                ConfigError::TooShort {
                    what: "report_every",
                    ..
                }
            ),
            w if w.contains("more often") => {
                matches!(error, ConfigError::ReportsBeforeSamples { .. })
            }
            _ => error == ConfigError::NoHistory,
        };
        assert!(expected, "{lesson}: the wrong error, {error:?}");
    }
}

#[course_testing::test(hint = "does Session::start validate the config before it starts anything?")]
fn a_session_refuses_a_bad_config() {
    let config = Config {
        sample_every: Duration::ZERO,
        ..Config::default()
    };
    let lesson = "Session::start with a sample interval of 0 must return Err(StartError::Config)";
    let error = expect_err(lesson, || Session::start(&config, constant_sources()));
    assert!(
        matches!(error, StartError::Config(ConfigError::TooShort { .. })),
        "{lesson}, got {error}"
    );
}

// ANCHOR: prompt_stop
#[course_testing::test(
    deadline_secs = 15,
    hint = "does a monitor sleep through its interval instead of waiting on the shutdown signal?"
)]
fn a_session_with_10_second_ticks_stops_at_once() {
    let config = Config {
        sample_every: Duration::from_secs(10),
        report_every: Duration::from_secs(30),
        history: 10,
    };
    let session = match expect_no_panic("starting a session", || {
        Session::start(&config, constant_sources())
    }) {
        Ok(session) => session,
        Err(error) => panic!("a valid config should start, got {error}"),
    };
    let asked = Instant::now();
    let report = session.stop();
    let took = asked.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "stop() took {took:?} with a 10 s sample interval: a monitor must notice the shutdown at \
         once (select! on its ticks and the shutdown signal), never sleep(interval)"
    );
    assert_eq!(report.total_samples(), 0, "no tick came in that time");
}
// ANCHOR_END: prompt_stop

#[course_testing::test(hint = "does run() wait on its report ticks and the stop signal at once?")]
fn the_reporter_reports_at_each_tick_and_loses_nothing() {
    let (ticker, sample_ticks) = ticks();
    let session = Session::with_ticks(constant_sources(), sample_ticks, 10)
        .expect("a session starts on a fresh pool");
    let (report_tick, report_ticks) = crossbeam_channel::bounded(0);
    let (stop, stop_signal) = crossbeam_channel::bounded::<()>(0);
    let (sink, reports) = crossbeam_channel::unbounded::<Report>();
    let driver = std::thread::spawn(move || {
        for samples in [2, 3, 1] {
            ticker.tick_all(samples);
            report_tick
                .send_timeout(Instant::now(), Duration::from_secs(3))
                .expect("run() did not take its report tick within 3 s: is it waiting on it?");
        }
        ticker.tick_all(4);
        drop(stop); // the signal: every sender dropped
    });
    let last = session.run(&report_ticks, &stop_signal, move |report| {
        let _ = sink.send(report);
    });
    driver.join().expect("the test's driver thread failed");
    let reports: Vec<Report> = reports.try_iter().collect();
    assert_eq!(
        reports.len(),
        3,
        "three report ticks should give three calls of on_report, got {}",
        reports.len()
    );
    for metric in Metric::ALL {
        let total: u64 = reports
            .iter()
            .chain([&last])
            .map(|r| r.samples_of(metric))
            .sum();
        assert_eq!(
            total, 10,
            "10 ticks to the {metric} monitor: the reports and the final report of run() must \
             count 10 samples together, got {total}"
        );
    }
}

#[course_testing::test(hint = "does run() stop on a message on the stop channel?")]
fn a_stop_message_ends_the_run() {
    let (_ticker, sample_ticks) = ticks();
    let session = Session::with_ticks(constant_sources(), sample_ticks, 10)
        .expect("a session starts on a fresh pool");
    let (stop, stop_signal) = crossbeam_channel::bounded::<()>(1);
    stop.send(()).expect("the channel has room");
    let never = crossbeam_channel::never();
    let report = session.run(&never, &stop_signal, |_| {});
    assert_eq!(report.total_samples(), 0, "no tick, no sample");
    drop(stop); // kept alive until now: the message alone must end the run
}
