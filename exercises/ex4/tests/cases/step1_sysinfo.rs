//! Step 1: the real sources. The machine's values are unknown, so only their ranges are checked.

use course_testing::expect_no_panic;
use ex4::{Reading, Source, SysinfoCpu, SysinfoDisks, SysinfoMemory, sysinfo_sources};

/// One read of `source` that must succeed on any machine the tests run on.
fn read(what: &str, source: &mut dyn Source) -> Vec<Reading> {
    let lesson = format!("reading the {what} of this machine should not panic");
    match expect_no_panic(&lesson, || source.read()) {
        Ok(readings) => readings,
        Err(error) => panic!("reading the {what} of this machine failed: {error}"),
    }
}

#[course_testing::test(hint = "does the CPU source wait for MINIMUM_CPU_UPDATE_INTERVAL forever?")]
fn cpu_usage_is_a_percentage() {
    let mut cpu = SysinfoCpu::new();
    for _ in 0..2 {
        let readings = read("CPU usage", &mut cpu);
        assert_eq!(
            readings.len(),
            1,
            "expected one CPU reading (the whole machine), got {readings:?}"
        );
        let reading = &readings[0];
        assert_eq!(reading.series, "cpu", "the CPU series is named `cpu`");
        assert_eq!(
            reading.total, 100.0,
            "a CPU reading is a percentage: total 100, got {reading:?}"
        );
        assert!(
            (0.0..=100.0).contains(&reading.used),
            "CPU usage must be between 0 and 100 %, got {}",
            reading.used
        );
    }
}

#[course_testing::test]
fn memory_used_is_at_most_the_total() {
    let readings = read("memory", &mut SysinfoMemory::new());
    assert_eq!(
        readings.len(),
        1,
        "expected one memory reading, got {readings:?}"
    );
    let memory = &readings[0];
    assert_eq!(
        memory.series, "memory",
        "the memory series is named `memory`"
    );
    assert!(
        memory.total > 0.0 && memory.used > 0.0 && memory.used <= memory.total,
        "expected 0 < used <= total bytes of memory, got {} of {}: are both in bytes?",
        memory.used,
        memory.total
    );
}

#[course_testing::test]
fn every_disk_has_used_at_most_its_total() {
    let readings = read("disks", &mut SysinfoDisks::new());
    assert!(
        !readings.is_empty(),
        "expected a reading per mounted file system, got none"
    );
    for disk in &readings {
        assert!(
            disk.series.starts_with("disk /") || disk.series.starts_with("disk "),
            "a disk series is named `disk <mount point>`, got {:?}",
            disk.series
        );
        assert!(
            disk.total > 0.0 && disk.used >= 0.0 && disk.used <= disk.total,
            "expected 0 <= used <= total for {}, got {} of {}",
            disk.series,
            disk.used,
            disk.total
        );
    }
    let mut names: Vec<&str> = readings.iter().map(|disk| disk.series.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        readings.len(),
        "each mount point should be read once (a file system mounted twice is one series)"
    );
}

#[course_testing::test]
fn the_three_sources_read_their_metric() {
    let sources = expect_no_panic(
        "building the sysinfo sources should not panic",
        sysinfo_sources,
    );
    for (metric, mut source) in sources.into_pairs() {
        let readings = read(metric.name(), source.as_mut());
        assert!(
            readings
                .iter()
                .all(|reading| reading.series.starts_with(metric.name())),
            "the {metric} source of sysinfo_sources() gave {readings:?}: is it the right source?"
        );
    }
}
