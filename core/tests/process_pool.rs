//! The process pool, end to end: real worker processes (this test binary, re-run with only the
//! `worker` test), crashes of every kind, time limits, panics, serialisation errors, and /proc
//! checks that no worker is left as a zombie or an orphan. Every test runs under a deadline;
//! tasks that must be seen running report over a loopback socket (a witness, not a sleep).
#![cfg(unix)]

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use concurrent::process::{self, ProcessPoolExecutor, tasks};
use concurrent::{Error, ReturnWhen, as_completed, wait};

const LIMIT: Duration = Duration::from_secs(30);

// ---- the tasks (they run in the worker processes) ----

fn square(n: u64) -> u64 {
    n * n
}

fn pid(_: ()) -> u32 {
    std::process::id()
}

fn abort(_: ()) -> u32 {
    std::process::abort()
}

fn exit_3(_: ()) -> u32 {
    std::process::exit(3)
}

#[allow(unconditional_recursion)]
fn overflow(depth: u64) -> u64 {
    let frame = [depth; 64];
    overflow(std::hint::black_box(frame)[7] + 1) + 1
}

fn panics(message: String) -> u32 {
    panic!("{message}")
}

/// Tells the test it is running (connects, sends its pid), then runs until killed.
fn report_and_spin(port: u16) -> u32 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the test listens");
    stream
        .write_all(&std::process::id().to_le_bytes())
        .expect("send pid");
    loop {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Tells the test it is running, then waits for one byte from it and returns it.
fn report_and_wait(port: u16) -> u8 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the test listens");
    stream
        .write_all(&std::process::id().to_le_bytes())
        .expect("send pid");
    let mut byte = [0];
    stream.read_exact(&mut byte).expect("the test answers");
    byte[0]
}

fn spin_forever(_: ()) -> u32 {
    loop {
        std::hint::spin_loop();
    }
}

static GREETING: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn set_greeting(greeting: String) {
    *GREETING.lock().unwrap() = greeting;
}

fn greeting(_: ()) -> String {
    GREETING.lock().unwrap().clone()
}

fn failing_initializer(_: ()) {
    panic!("no licence server")
}

/// A value whose serialisation always fails (a type holding a handle, say).
struct Unserialisable;

impl serde::Serialize for Unserialisable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "a file handle cannot be serialised",
        ))
    }
}

impl<'de> serde::Deserialize<'de> for Unserialisable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <()>::deserialize(deserializer).map(|()| Unserialisable)
    }
}

fn takes_unserialisable(_: Unserialisable) -> u32 {
    1
}

fn returns_unserialisable(_: ()) -> Unserialisable {
    Unserialisable
}

fn not_registered(n: u64) -> u64 {
    n + 1
}

// ANCHOR: entry
fn register() {
    process::init(tasks![
        square,
        pid,
        abort,
        exit_3,
        overflow,
        panics,
        report_and_spin,
        report_and_wait,
        spin_forever,
        set_greeting,
        greeting,
        failing_initializer,
        takes_unserialisable,
        returns_unserialisable,
    ]);
}

/// The workers' entry point: the pools below re-run this binary with only this test.
#[test]
fn worker() {
    register();
}

fn pool(workers: usize) -> ProcessPoolExecutor {
    register();
    ProcessPoolExecutor::builder()
        .workers(workers)
        .test_worker("worker")
        .build()
}
// ANCHOR_END: entry

// ---- helpers ----

fn deadline<T: Send + 'static>(what: &str, test: impl FnOnce() -> T + Send + 'static) -> T {
    concurrent::testing::deadline(what, LIMIT, test)
}

/// `Some(state)` while `pid` is a child of this process (alive, or a zombie: 'Z').
fn our_child(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing paren.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ');
    let state = fields.next()?.chars().next()?;
    let ppid: u32 = fields.next()?.parse().ok()?;
    (ppid == std::process::id()).then_some(state)
}

fn assert_reaped(pid: u32, what: &str) {
    assert_eq!(
        our_child(pid),
        None,
        "worker process {pid} ({what}) is still a child of the test: 'Z' is a zombie nobody \
         reaped, any other state a worker left running"
    );
}

/// The pid in a Broken message: "worker process 123 ...".
fn pid_in(message: &str) -> u32 {
    let after = message
        .split("worker process ")
        .nth(1)
        .unwrap_or_else(|| panic!("no pid in {message:?}"));
    after
        .split(' ')
        .next()
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("no pid in {message:?}"))
}

/// A listener the tasks report to; `accept` returns the reporting task's stream and pid.
struct Witness(TcpListener);

impl Witness {
    fn new() -> Self {
        Witness(TcpListener::bind("127.0.0.1:0").expect("bind on loopback"))
    }

    fn port(&self) -> u16 {
        self.0.local_addr().expect("local address").port()
    }

    fn accept(&self) -> (TcpStream, u32) {
        let (mut stream, _) = self.0.accept().expect("a task reports");
        let mut pid = [0; 4];
        stream.read_exact(&mut pid).expect("the task sends its pid");
        (stream, u32::from_le_bytes(pid))
    }
}

// ---- results and ordering ----

#[test]
fn submit_returns_each_result() {
    deadline("submitting to a process pool", || {
        let pool = pool(2);
        let futures: Vec<_> = (0..20).map(|n| pool.submit(square, n).unwrap()).collect();
        let results: Vec<u64> = futures.into_iter().map(|f| f.result().unwrap()).collect();
        assert_eq!(results, (0..20).map(|n| n * n).collect::<Vec<_>>());
        let worker_pid = pool.submit(pid, ()).unwrap().result().unwrap();
        assert_ne!(
            worker_pid,
            std::process::id(),
            "the task ran in the test process itself"
        );
    });
}

#[test]
fn map_keeps_input_order_for_every_chunksize() {
    deadline("map with chunksizes 1, 7, 100, 1000", || {
        let pool = pool(2);
        let expected: Vec<u64> = (0..250).map(|n| n * n).collect();
        for chunksize in [0, 1, 7, 100, 1000] {
            let results: Vec<u64> = pool
                .map(square, 0..250, chunksize)
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(results, expected, "map with chunksize {chunksize}");
        }
    });
}

#[test]
fn map_reports_a_failing_item_at_its_position() {
    deadline("map with a panicking item", || {
        let pool = pool(1);
        let messages = ["a", "b", "c"].map(String::from);
        let results: Vec<_> = pool.map(panics, messages, 2).unwrap().collect();
        assert_eq!(
            results,
            [
                Err(Error::Panicked("a".into())),
                Err(Error::Panicked("b".into())),
                Err(Error::Panicked("c".into()))
            ]
        );
    });
}

#[test]
fn as_completed_and_wait_work_on_process_futures() {
    deadline("as_completed and wait over process futures", || {
        let pool = pool(2);
        let futures: Vec<_> = (1..=10u64)
            .map(|n| (n, pool.submit(square, n).unwrap()))
            .collect();
        let mut seen = Vec::new();
        for done in as_completed(futures, Some(LIMIT)) {
            let (n, future) = done.unwrap();
            assert_eq!(future.result().unwrap(), n * n);
            seen.push(n);
        }
        seen.sort_unstable();
        assert_eq!(seen, (1..=10).collect::<Vec<_>>());

        let futures: Vec<_> = (0..5).map(|n| pool.submit(square, n).unwrap()).collect();
        let (done, not_done) = wait(futures, Some(LIMIT), ReturnWhen::AllCompleted);
        assert_eq!((done.len(), not_done.len()), (5, 0));
    });
}

#[test]
fn callbacks_run_when_a_process_task_completes() {
    deadline("a done callback on a process future", || {
        let pool = pool(1);
        let (sender, receiver) = std::sync::mpsc::channel();
        let future = pool.submit(square, 12).unwrap();
        future.add_done_callback(move |outcome| {
            let _ = sender.send(outcome.copied().map_err(Clone::clone));
        });
        assert_eq!(receiver.recv().unwrap(), Ok(144));
    });
}

#[test]
fn ten_thousand_tasks_none_lost_none_doubled() {
    deadline("10,000 process tasks", || {
        let pool = pool(2);
        let futures: Vec<_> = (0..10_000u64)
            .map(|n| pool.submit(square, n).unwrap())
            .collect();
        let mut seen = HashSet::new();
        for done in as_completed(futures, Some(LIMIT)) {
            let value = done.unwrap().result().unwrap();
            assert!(seen.insert(value), "the result {value} came twice");
        }
        assert_eq!(seen.len(), 10_000, "results were lost");
        assert!((0..10_000u64).all(|n| seen.contains(&(n * n))));
    });
}

#[test]
fn max_tasks_per_child_1_uses_a_new_process_per_task() {
    // 100 process starts: a loaded machine gets more time than the other tests.
    let limit = Duration::from_secs(90);
    concurrent::testing::deadline("100 tasks with max_tasks_per_child = 1", limit, || {
        register();
        let pool = ProcessPoolExecutor::builder()
            .workers(2)
            .max_tasks_per_child(1)
            .test_worker("worker")
            .build();
        let futures: Vec<_> = (0..100).map(|_| pool.submit(pid, ()).unwrap()).collect();
        let pids: HashSet<u32> = futures.into_iter().map(|f| f.result().unwrap()).collect();
        assert_eq!(pids.len(), 100, "a worker ran more than one task");
        drop(pool);
        for pid in pids {
            assert_reaped(pid, "retired after one task");
        }
    });
}

// ---- crashes ----

/// Submits `crash`, checks its future fails Broken with `cause`, the other tasks complete, the
/// dead worker was reaped and the pool goes on.
fn crash_fails_only_its_task<F>(crash: F, cause: &'static str)
where
    F: Fn(()) -> u32 + Send + 'static,
{
    deadline(&format!("a worker crash: {cause}"), move || {
        let pool = pool(2);
        let before: Vec<_> = (0..10).map(|n| pool.submit(square, n).unwrap()).collect();
        let crashed = pool.submit(crash, ()).unwrap();
        let after: Vec<_> = (10..20).map(|n| pool.submit(square, n).unwrap()).collect();
        let error = crashed.result().unwrap_err();
        let Error::Broken(message) = &error else {
            panic!("a crash should fail its future with Error::Broken, got {error:?}");
        };
        assert!(
            message.contains(cause),
            "the message should name {cause:?}: {message}"
        );
        assert_reaped(pid_in(message), "crashed");
        for (n, future) in (0..20).zip(before.into_iter().chain(after)) {
            assert_eq!(future.result(), Ok(n * n), "task {n} next to the crash");
        }
        assert_eq!(
            pool.submit(square, 9).unwrap().result(),
            Ok(81),
            "the pool goes on"
        );
    });
}

#[test]
fn requests_sent_behind_a_crash_run_once_on_the_next_worker() {
    deadline("requests queued behind a crash on one worker", || {
        let pool = pool(1); // one worker: the requests behind the crash are in its pipe
        let crashed = pool.submit(abort, ()).unwrap();
        let behind: Vec<_> = (0..8).map(|n| pool.submit(square, n).unwrap()).collect();
        let Err(Error::Broken(message)) = crashed.result() else {
            panic!("the abort should fail its own future with Error::Broken");
        };
        for (n, future) in (0..8).zip(behind) {
            assert_eq!(
                future.result(),
                Ok(n * n),
                "task {n}, sent behind the crash"
            );
        }
        assert_reaped(pid_in(&message), "crashed with requests behind it");
    });
}

#[test]
fn abort_fails_only_its_task() {
    crash_fails_only_its_task(abort, "signal 6 (SIGABRT");
}

#[test]
fn exit_fails_only_its_task() {
    crash_fails_only_its_task(exit_3, "exited with code 3");
}

#[test]
fn stack_overflow_fails_only_its_task() {
    deadline("a worker's stack overflow", || {
        let pool = pool(1);
        let crashed = pool.submit(overflow, 0).unwrap();
        let error = crashed.result().unwrap_err();
        assert!(
            matches!(&error, Error::Broken(m) if m.contains("SIGABRT") || m.contains("SIGSEGV")),
            "a stack overflow kills the worker with SIGABRT (Rust's guard page handler) or \
             SIGSEGV: got {error:?}"
        );
        assert_eq!(pool.submit(square, 3).unwrap().result(), Ok(9));
    });
}

#[test]
fn sigkill_from_outside_fails_only_its_task() {
    deadline("a worker killed with SIGKILL", || {
        let pool = pool(2);
        let witness = Witness::new();
        let victim = pool.submit(report_and_spin, witness.port()).unwrap();
        let (_stream, pid) = witness.accept(); // the task is running in `pid`
        let others: Vec<_> = (0..10).map(|n| pool.submit(square, n).unwrap()).collect();
        let pid = rustix::process::Pid::from_raw(pid as i32).expect("a pid");
        rustix::process::kill_process(pid, rustix::process::Signal::KILL).expect("kill -9");
        let error = victim.result().unwrap_err();
        assert!(
            matches!(&error, Error::Broken(m) if m.contains("signal 9 (SIGKILL")),
            "got {error:?}"
        );
        for (n, future) in (0..10).zip(others) {
            assert_eq!(future.result(), Ok(n * n));
        }
        assert_reaped(pid.as_raw_nonzero().get() as u32, "killed from outside");
    });
}

#[test]
fn a_worker_killed_while_idle_is_replaced() {
    deadline("a worker killed while idle", || {
        let pool = pool(1);
        let first = pool.submit(pid, ()).unwrap().result().unwrap();
        let raw = rustix::process::Pid::from_raw(first as i32).expect("a pid");
        rustix::process::kill_process(raw, rustix::process::Signal::KILL).expect("kill -9");
        // The next request either finds the worker dead before it is sent (and goes to a new
        // one) or is sent while the signal is still on its way: then it fails with the cause,
        // as documented; it is never lost or run twice.
        match pool.submit(pid, ()).unwrap().result() {
            Ok(next) => assert_ne!(next, first),
            Err(Error::Broken(m)) => assert!(m.contains("SIGKILL"), "{m}"),
            Err(other) => panic!("unexpected {other:?}"),
        }
        let next = pool.submit(pid, ()).unwrap().result();
        assert_ne!(next.expect("a new worker runs the next task"), first);
        assert_reaped(first, "killed while idle");
    });
}

// ---- panics, time limits, serialisation ----

#[test]
fn a_panic_fails_the_task_and_the_worker_lives() {
    deadline("a panicking process task", || {
        let pool = pool(1);
        let before = pool.submit(pid, ()).unwrap().result().unwrap();
        let error = pool.submit(panics, "disk full".into()).unwrap().result();
        assert_eq!(error, Err(Error::Panicked("disk full".into())));
        let after = pool.submit(pid, ()).unwrap().result().unwrap();
        assert_eq!(before, after, "a panic must not cost the worker process");
    });
}

#[test]
fn a_time_limit_kills_a_runaway_task_and_the_pool_goes_on() {
    deadline("a task past its time limit", || {
        let pool = pool(1);
        let stuck = pool
            .submit_with_time_limit(spin_forever, (), Duration::from_millis(200))
            .unwrap();
        let next = pool.submit(square, 5).unwrap();
        assert_eq!(stuck.result(), Err(Error::TimedOut));
        assert_eq!(
            next.result(),
            Ok(25),
            "the task after the runaway runs on a new worker"
        );
    });
}

#[test]
fn a_pool_time_limit_applies_to_every_task() {
    deadline("a pool-wide time limit", || {
        register();
        let pool = ProcessPoolExecutor::builder()
            .workers(1)
            .time_limit(Duration::from_millis(300))
            .test_worker("worker")
            .build();
        let [pid] = pool.worker_pids()[..] else {
            panic!("one worker, started by build");
        };
        let stuck = pool.submit(spin_forever, ()).unwrap();
        assert_eq!(stuck.result(), Err(Error::TimedOut));
        assert_reaped(pid, "killed at its time limit");
        assert_eq!(pool.submit(square, 6).unwrap().result(), Ok(36));
    });
}

#[test]
fn an_unserialisable_argument_is_refused_at_submit() {
    deadline("an unserialisable argument", || {
        let pool = pool(1);
        let refused = pool.submit(takes_unserialisable, Unserialisable);
        assert!(
            matches!(&refused, Err(Error::Unsendable(m)) if m.contains("could not be serialised")),
            "got {:?}",
            refused.map(|_| ())
        );
    });
}

#[test]
fn an_unserialisable_result_fails_its_future() {
    deadline("an unserialisable result", || {
        let pool = pool(1);
        let future = pool.submit(returns_unserialisable, ()).unwrap();
        let error = future.result().map(|_| ()).unwrap_err();
        assert!(
            matches!(&error, Error::Unsendable(m) if m.contains("could not be serialised")),
            "got {error:?}"
        );
        assert_eq!(pool.submit(square, 2).unwrap().result(), Ok(4));
    });
}

#[test]
fn an_unregistered_function_is_refused_with_the_fix() {
    deadline("an unregistered function", || {
        let pool = pool(1);
        let refused = pool.submit(not_registered, 1).map(|_| ()).unwrap_err();
        assert!(
            matches!(&refused, Error::Unsendable(m) if m.contains("tasks![")),
            "the message should say where to register it: {refused}"
        );
        let refused = pool.map(not_registered, [1, 2], 1).map(|_| ()).unwrap_err();
        assert!(matches!(refused, Error::Unsendable(_)));
    });
}

// ---- initializer, entry point ----

#[test]
fn the_initializer_runs_in_each_worker() {
    deadline("a process initializer", || {
        register();
        let pool = ProcessPoolExecutor::builder()
            .workers(2)
            .initializer(set_greeting, "hello from the initializer".to_owned())
            .test_worker("worker")
            .build();
        let greetings: Vec<String> = pool
            .map(greeting, [(); 6], 1)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            greetings.iter().all(|g| g == "hello from the initializer"),
            "{greetings:?}"
        );
    });
}

#[test]
fn a_failing_initializer_breaks_the_pool() {
    deadline("a panicking process initializer", || {
        register();
        let pool = ProcessPoolExecutor::builder()
            .workers(1)
            .initializer(failing_initializer, ())
            .test_worker("worker")
            .build();
        let refused = pool.submit(square, 1).map(|_| ()).unwrap_err();
        assert!(
            matches!(&refused, Error::Broken(m) if m.contains("no licence server")),
            "got {refused:?}"
        );
    });
}

#[test]
fn a_wrong_worker_entry_point_breaks_the_pool_with_advice() {
    deadline("a pool whose test_worker names no test", || {
        register();
        let pool = ProcessPoolExecutor::builder()
            .workers(1)
            .test_worker("no_such_test")
            .build();
        let refused = pool.submit(square, 1).map(|_| ()).unwrap_err();
        assert!(
            matches!(&refused, Error::Broken(m) if m.contains("test_worker")),
            "got {refused:?}"
        );
    });
}

/// A worker entry point that forgot `init`: started as a worker, it builds a pool as `main`
/// would (in a normal run it does nothing).
#[test]
fn forgetful_worker() {
    if std::env::var_os("CONCURRENT_PROCESS_WORKER").is_some() {
        let _pool = ProcessPoolExecutor::new(1); // exits: it would start workers of its own
    }
}

#[test]
fn a_worker_that_runs_main_without_init_stops_instead_of_forking_more() {
    deadline("a worker entry point without init", || {
        register();
        let pool = ProcessPoolExecutor::builder()
            .workers(1)
            .test_worker("forgetful_worker")
            .build();
        let refused = pool.submit(square, 1).map(|_| ()).unwrap_err();
        assert!(
            matches!(&refused, Error::Broken(m) if m.contains("without calling concurrent::process::init")),
            "got {refused:?}"
        );
    });
}

// ---- shutdown, drop, orphans ----

#[test]
fn shutdown_cancels_queued_tasks_and_reaps_every_worker() {
    deadline("shutdown of a process pool", || {
        let pool = pool(1);
        let witness = Witness::new();
        let running = pool.submit(report_and_wait, witness.port()).unwrap();
        let (mut stream, pid) = witness.accept();
        let queued: Vec<_> = (0..3).map(|n| pool.submit(square, n).unwrap()).collect();
        pool.shutdown(false, true);
        assert!(
            queued.iter().all(|f| f.is_cancelled()),
            "queued tasks should be cancelled"
        );
        assert_eq!(pool.submit(square, 1).map(|_| ()), Err(Error::Shutdown));
        stream.write_all(&[42]).unwrap();
        assert_eq!(running.result(), Ok(42), "the running task finishes");
        pool.shutdown(true, false);
        assert!(pool.worker_pids().is_empty());
        assert_reaped(pid, "after shutdown(wait=True)");
    });
}

#[test]
fn drop_waits_for_queued_tasks_and_reaps_the_workers() {
    deadline("dropping a process pool", || {
        let pool = pool(2);
        let pids = pool.worker_pids();
        assert_eq!(pids.len(), 2, "build starts every worker");
        let futures: Vec<_> = (0..50).map(|n| pool.submit(square, n).unwrap()).collect();
        drop(pool);
        for (n, future) in (0..50).zip(futures) {
            assert_eq!(future.result(), Ok(n * n));
        }
        for pid in pids {
            assert_reaped(pid, "after drop");
        }
    });
}

/// Run only as a child of `workers_die_with_their_parent`: builds a pool, keeps both workers
/// busy, prints their pids and waits to be killed.
#[test]
fn orphan_parent() {
    if std::env::var_os("PROCESS_POOL_ORPHAN_PARENT").is_none() {
        return;
    }
    let pool = pool(2);
    // Busy workers never read their stdin's end: only the parent-death signal can stop them.
    let witness = Witness::new();
    let spinning: Vec<_> = (0..2)
        .map(|_| pool.submit(report_and_spin, witness.port()).unwrap())
        .collect();
    let pids: Vec<String> = (0..2).map(|_| witness.accept().1.to_string()).collect();
    println!("PIDS {}", pids.join(" "));
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line); // killed before this returns
    drop(spinning);
}

#[test]
fn workers_die_with_their_parent() {
    deadline("workers of a parent killed with SIGKILL", || {
        let mut parent = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "orphan_parent",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("PROCESS_POOL_ORPHAN_PARENT", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut output = std::io::BufReader::new(parent.stdout.take().unwrap());
        let mut line = String::new();
        let pids: Vec<u32> = loop {
            line.clear();
            assert_ne!(
                std::io::BufRead::read_line(&mut output, &mut line).unwrap(),
                0,
                "no PIDS line"
            );
            // libtest prints "test orphan_parent ... " first, on the same line.
            if let Some((_, pids)) = line.trim().split_once("PIDS ") {
                break pids.split(' ').map(|p| p.parse().unwrap()).collect();
            }
        };
        assert_eq!(pids.len(), 2);
        parent.kill().unwrap();
        parent.wait().unwrap();
        // The kernel kills the workers (parent-death signal); watch /proc until they are gone.
        let give_up = std::time::Instant::now() + Duration::from_secs(10);
        for &pid in &pids {
            while let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                if stat[stat.rfind(')').unwrap() + 2..].starts_with('Z') {
                    break; // dead, waiting for its new parent (init) to reap it
                }
                if std::time::Instant::now() > give_up {
                    for &pid in &pids {
                        let pid = rustix::process::Pid::from_raw(pid as i32).expect("a pid");
                        let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                    }
                    panic!(
                        "worker {pid} outlived its parent by 10 s (killed now): is the \
                         parent-death signal set in the worker?"
                    );
                }
                std::thread::yield_now();
            }
        }
    });
}
