//! Step 2: the store. Aggregates are exact, the window restarts at each report, memory stays
//! bounded, and writers and a reader at the same time neither lose nor double a sample.

use ex4::{Incident, MAX_INCIDENTS, Metric, Reading, SourceError, Stats, Store};

use crate::support::counted;

fn cpu(percent: f64) -> Reading {
    Reading::new("cpu", percent, 100.0)
}

fn stats<'a>(report: &'a ex4::Report, series: &str) -> &'a Stats {
    report.series.get(series).unwrap_or_else(|| {
        panic!(
            "the report has no series {series:?} (it has {:?}): are readings aggregated by \
             their series?",
            report.series.keys().collect::<Vec<_>>()
        )
    })
}

#[course_testing::test]
fn stats_are_exact() {
    let mut stats = Stats::new(&cpu(20.0));
    stats.add(&cpu(10.0), 10);
    stats.add(&cpu(60.0), 10);
    assert_eq!(stats.count, 3, "three readings were added");
    assert_eq!(
        (stats.min, stats.mean(), stats.max),
        (10.0, 30.0, 60.0),
        "min / mean / max of 20, 10, 60 %"
    );
    assert_eq!(
        stats.last,
        cpu(60.0),
        "the last reading is the one added last"
    );
    assert_eq!(
        stats.recent,
        [20.0, 10.0, 60.0],
        "recent keeps the order of arrival"
    );
}

#[course_testing::test]
fn aggregates_are_on_the_percentage() {
    let store = Store::new(10);
    for used in [1.0, 2.0, 3.0] {
        store.record(Metric::Memory, Ok(vec![Reading::new("memory", used, 4.0)]));
    }
    let report = store.take_report();
    let memory = stats(&report, "memory");
    assert_eq!(
        (memory.min, memory.mean(), memory.max),
        (25.0, 50.0, 75.0),
        "1, 2 and 3 of 4 are 25, 50 and 75 %: aggregate Reading::percent(), not `used`"
    );
    assert_eq!(memory.last, Reading::new("memory", 3.0, 4.0));
}

#[course_testing::test]
fn a_report_covers_the_window_since_the_previous_one() {
    let store = Store::new(10);
    store.record(Metric::Cpu, Ok(vec![cpu(10.0)]));
    store.record(Metric::Cpu, Ok(vec![cpu(30.0)]));
    store.record(
        Metric::Disk,
        Ok(vec![
            Reading::new("disk /", 1.0, 2.0),
            Reading::new("disk /home", 1.0, 4.0),
        ]),
    );
    let first = store.take_report();
    assert_eq!(
        (
            first.samples_of(Metric::Cpu),
            first.samples_of(Metric::Disk),
            first.samples_of(Metric::Memory)
        ),
        (2, 1, 0),
        "expected 2 cpu samples, 1 disk sample (of two file systems) and no memory sample"
    );
    assert_eq!(stats(&first, "cpu").mean(), 20.0, "the mean of 10 and 30 %");
    assert_eq!(stats(&first, "disk /home").max, 25.0, "1 of 4 is 25 %");

    store.record(Metric::Cpu, Ok(vec![cpu(90.0)]));
    let second = store.take_report();
    assert_eq!(
        second.samples_of(Metric::Cpu),
        1,
        "the second report must count only the sample taken after the first report, got {}",
        counted(second.samples_of(Metric::Cpu), "sample")
    );
    let cpu_stats = stats(&second, "cpu");
    assert_eq!(
        (cpu_stats.min, cpu_stats.count),
        (90.0, 1),
        "a new window starts empty at each report: samples already reported are dropped"
    );
    assert!(
        !second.series.contains_key("disk /"),
        "a series with no sample in the window is not in its report"
    );
    assert_eq!(
        store.take_report().total_samples(),
        0,
        "nothing happened since"
    );
}

#[course_testing::test]
fn errors_and_panics_are_kept_for_the_next_report() {
    let store = Store::new(10);
    store.record(Metric::Disk, Err(SourceError("/mnt/usb is gone".into())));
    store.record(Metric::Disk, Ok(vec![Reading::new("disk /", 1.0, 2.0)]));
    store.record_panic(Metric::Cpu, "sensor on fire".into());
    let report = store.take_report();
    assert_eq!(
        report.incidents,
        [
            Incident::Failed {
                metric: Metric::Disk,
                error: SourceError("/mnt/usb is gone".into())
            },
            Incident::Panicked {
                metric: Metric::Cpu,
                message: "sensor on fire".into()
            },
        ],
        "the report lists the window's errors and panics, oldest first"
    );
    assert_eq!(
        report.samples_of(Metric::Disk),
        1,
        "a failed read is an incident, not a sample"
    );
    assert!(
        store.take_report().incidents.is_empty(),
        "incidents are reported once"
    );
}

#[course_testing::test]
fn the_window_is_bounded() {
    let (history, samples) = (8, 100_000);
    let store = Store::new(history);
    for i in 0..samples {
        store.record(Metric::Cpu, Ok(vec![cpu((i % 101) as f64)]));
        store.record(Metric::Disk, Err(SourceError(format!("error {i}"))));
    }
    let report = store.take_report();
    let cpu_stats = stats(&report, "cpu");
    assert_eq!(cpu_stats.count, samples as u64, "every sample is counted");
    assert_eq!((cpu_stats.min, cpu_stats.max), (0.0, 100.0));
    let expected: Vec<f64> = (samples - history..samples)
        .map(|i| cpu((i % 101) as f64).percent())
        .collect();
    assert_eq!(
        cpu_stats.recent, expected,
        "recent keeps only the last {history} values (the history), oldest first: a long run \
         must not keep every sample"
    );
    assert_eq!(
        (report.incidents.len(), report.incidents_dropped),
        (MAX_INCIDENTS, (samples - MAX_INCIDENTS) as u64),
        "a report lists at most MAX_INCIDENTS incidents and counts the others in \
         incidents_dropped"
    );
}

#[course_testing::test(hint = "a lock held while waiting for another one?")]
fn writers_and_a_reader_at_once_lose_nothing() {
    const PER_WRITER: u64 = 20_000;
    let store = std::sync::Arc::new(Store::new(4));
    let writers: Vec<_> = Metric::ALL
        .into_iter()
        .map(|metric| {
            let store = std::sync::Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..PER_WRITER {
                    store.record(metric, Ok(vec![Reading::new(metric.name(), i as f64, 1e9)]));
                }
            })
        })
        .collect();
    let mut reported = [0u64; 3];
    let mut counted_readings = 0;
    let mut reports = 0;
    let mut add = |report: ex4::Report| {
        for (i, metric) in Metric::ALL.into_iter().enumerate() {
            reported[i] += report.samples_of(metric);
        }
        counted_readings += report.series.values().map(|stats| stats.count).sum::<u64>();
    };
    while writers.iter().any(|writer| !writer.is_finished()) {
        add(store.take_report());
        reports += 1;
    }
    for writer in writers {
        writer.join().expect("a writer thread panicked");
    }
    add(store.take_report());
    assert_eq!(
        reported, [PER_WRITER; 3],
        "three threads recorded {PER_WRITER} samples each while another took {reports} reports: \
         every sample must be in exactly one report. Take the window and start a new one in one \
         step, under one lock (std::mem::take), not a copy then a clear"
    );
    assert_eq!(
        counted_readings,
        3 * PER_WRITER,
        "each sample had one reading"
    );
}
