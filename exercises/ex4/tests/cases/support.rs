//! Shared by the step modules: scripted sources, a rendezvous that proves the monitors run at once,
//! and ticks sent by the test. (Every test runs under a deadline through `#[course_testing::test]`.)

#![allow(dead_code)] // each test binary uses its own part of the support

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use ex4::{Metric, Reading, SampleTicks, Source, SourceError, Sources};

/// What a scripted source does at one read.
#[derive(Clone, Debug)]
pub enum Step {
    /// Returns these readings.
    Read(Vec<Reading>),
    /// Returns this error.
    Fail(&'static str),
    /// Panics with this message.
    Panic(&'static str),
    /// Takes this long, then returns these readings (a slow disk, not a synchronisation).
    Slow(Duration, Vec<Reading>),
}

/// A deterministic source: it plays its script, then repeats the last step. It counts its reads.
#[derive(Debug)]
pub struct FakeSource {
    script: VecDeque<Step>,
    last: Step,
    reads: Arc<AtomicUsize>,
}

impl FakeSource {
    /// Plays `steps`, then repeats the last one.
    pub fn script(steps: Vec<Step>) -> FakeSource {
        let last = steps.last().cloned().unwrap_or(Step::Read(Vec::new()));
        FakeSource {
            script: steps.into(),
            last,
            reads: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Always the same reading.
    pub fn constant(series: &str, used: f64, total: f64) -> FakeSource {
        FakeSource::script(vec![Step::Read(vec![Reading::new(series, used, total)])])
    }

    /// A counter of the reads, to look at after the source moved into a session.
    pub fn reads(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.reads)
    }
}

impl Source for FakeSource {
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        match self.script.pop_front().unwrap_or_else(|| self.last.clone()) {
            Step::Read(readings) => Ok(readings),
            Step::Fail(message) => Err(SourceError(message.to_owned())),
            Step::Panic(message) => panic!("{message}"),
            Step::Slow(delay, readings) => {
                std::thread::sleep(delay);
                Ok(readings)
            }
        }
    }
}

/// Three constant sources: cpu 50 %, memory 2 of 8, disk `/` 3 of 4.
pub fn constant_sources() -> Sources {
    Sources {
        cpu: Box::new(FakeSource::constant("cpu", 50.0, 100.0)),
        memory: Box::new(FakeSource::constant("memory", 2.0, 8.0)),
        disk: Box::new(FakeSource::constant("disk /", 3.0, 4.0)),
    }
}

/// How long a send of a tick waits for its monitor to take it.
pub const TICK_TIMEOUT: Duration = Duration::from_secs(3);

/// The test's end of the three tick channels: rendezvous channels, so a send returns only once
/// the monitor has taken the tick.
#[derive(Debug)]
pub struct Ticker {
    pub cpu: Sender<Instant>,
    pub memory: Sender<Instant>,
    pub disk: Sender<Instant>,
}

/// Tick channels for a session, and the test's senders.
pub fn ticks() -> (Ticker, SampleTicks) {
    let (cpu, cpu_rx) = crossbeam_channel::bounded(0);
    let (memory, memory_rx) = crossbeam_channel::bounded(0);
    let (disk, disk_rx) = crossbeam_channel::bounded(0);
    (
        Ticker { cpu, memory, disk },
        SampleTicks {
            cpu: cpu_rx,
            memory: memory_rx,
            disk: disk_rx,
        },
    )
}

impl Ticker {
    /// Sends one tick to `metric`'s monitor and waits until it has taken it.
    pub fn tick(&self, metric: Metric) {
        let sender = match metric {
            Metric::Cpu => &self.cpu,
            Metric::Memory => &self.memory,
            Metric::Disk => &self.disk,
        };
        tick(sender, metric);
    }

    /// `n` ticks to each monitor, in turn.
    pub fn tick_all(&self, n: usize) {
        for _ in 0..n {
            for metric in Metric::ALL {
                self.tick(metric);
            }
        }
    }
}

/// Sends one tick on `sender` and waits until the monitor of `metric` has taken it.
pub fn tick(sender: &Sender<Instant>, metric: Metric) {
    if sender.send_timeout(Instant::now(), TICK_TIMEOUT).is_err() {
        panic!(
            "the {metric} monitor did not take its tick within {TICK_TIMEOUT:?}: is it running? \
             Each monitor must run on the pool for the whole session and wait for its ticks \
             (select! on its tick channel and the shutdown signal); a pool of fewer than 3 \
             workers, or monitors run one after another, leaves some of them never started"
        );
    }
}

/// How long a monitor's read waits at the rendezvous for the other two.
pub const RENDEZVOUS_TIMEOUT: Duration = Duration::from_secs(3);

/// A meeting point for `n` reads: each waits until `n` are inside at once, or gives up.
#[derive(Debug)]
pub struct Rendezvous {
    n: usize,
    inside: Mutex<usize>,
    all_in: Condvar,
}

impl Rendezvous {
    pub fn new(n: usize) -> Arc<Rendezvous> {
        Arc::new(Rendezvous {
            n,
            inside: Mutex::new(0),
            all_in: Condvar::new(),
        })
    }

    /// Waits until `n` callers are inside; false if that did not happen within the timeout.
    fn meet(&self) -> bool {
        let mut inside = self.inside.lock().unwrap_or_else(|e| e.into_inner());
        *inside += 1;
        self.all_in.notify_all();
        let (inside, timeout) = self
            .all_in
            .wait_timeout_while(inside, RENDEZVOUS_TIMEOUT, |inside| *inside < self.n)
            .unwrap_or_else(|e| e.into_inner());
        !timeout.timed_out() || *inside >= self.n
    }
}

/// A source whose every read waits at a rendezvous: it reads only if the other monitors are
/// reading at the same time, and fails otherwise.
#[derive(Debug)]
pub struct MeetingSource {
    pub series: &'static str,
    pub rendezvous: Arc<Rendezvous>,
}

impl Source for MeetingSource {
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        if self.rendezvous.meet() {
            Ok(vec![Reading::new(self.series, 1.0, 2.0)])
        } else {
            Err(SourceError(format!(
                "{}: waited {RENDEZVOUS_TIMEOUT:?} for the other monitors to read at the same \
                 time, in vain",
                self.series
            )))
        }
    }
}

/// `count` and `noun`, in the singular for 1: "1 sample", "2 samples".
pub fn counted(count: impl std::fmt::Display, noun: &str) -> String {
    match count.to_string() {
        one if one == "1" => format!("1 {noun}"),
        count => format!("{count} {noun}s"),
    }
}

/// A shutdown channel: drop (or send on) the sender to signal it.
pub fn shutdown_channel() -> (Sender<()>, Receiver<()>) {
    crossbeam_channel::bounded(0)
}
