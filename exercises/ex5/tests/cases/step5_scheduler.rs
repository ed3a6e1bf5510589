//! Step 5: the scheduler. Priority is witnessed, not timed: with one worker, the server holds
//! the first request at a gate while the test queues low, high, medium, high; once released, the
//! server's request log must show them in priority order (FIFO within one). Also: five workers by
//! default (a gate that opens only when five requests are in flight at once), cancellation of a
//! queued download, shutdown that drains or cancels, bad URLs and a bad destination.

use std::sync::Arc;
use std::time::Duration;

use concurrent::{Error, Future};
use course_testing::expect_no_panic;
use course_testing::http::{Gate, HttpServer, Route};
use ex5::{
    DestinationError, DownloadReport, Downloader, DownloaderConfig, Failure, Priority,
    RecordingProgress, RecordingSleeper, Shutdown,
};

use crate::support::{counted, heard, quick_policy, scratch, start};

/// How long a test waits for the server to see a request it expects.
const PATIENCE: Duration = Duration::from_secs(5);

/// A downloader into `dir` with `workers` workers and millisecond retries that never sleep.
fn downloader(dir: &std::path::Path, workers: usize) -> Downloader {
    let config = DownloaderConfig {
        workers,
        policy: quick_policy(),
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        sleeper: Arc::new(RecordingSleeper::new()),
        ..DownloaderConfig::new(dir)
    };
    expect_no_panic("a downloader into an empty writable folder starts", || {
        Downloader::new(config)
    })
    .unwrap_or_else(|e| panic!("Downloader::new failed on a writable folder: {e}"))
}

/// Queues `url`; the downloader is running, so refusing it is a bug.
fn enqueue(downloader: &Downloader, priority: Priority, url: String) -> Future<DownloadReport> {
    downloader
        .enqueue(priority, url)
        .unwrap_or_else(|e| panic!("enqueue on a running downloader failed: {e}"))
}

/// The report of `future`, which must come within the test's deadline.
fn report(future: Future<DownloadReport>) -> DownloadReport {
    future
        .result()
        .unwrap_or_else(|e| panic!("a download's future failed: {e}"))
}

/// A server with a route per path, the first one held at a manual gate.
fn held_server(gate: &Arc<Gate>, paths: &[&str]) -> HttpServer {
    let builder = paths.iter().fold(
        HttpServer::builder().route("/first", Route::ok("first").gate(Arc::clone(gate))),
        |builder, path| builder.route(path, Route::ok(format!("body of {path}"))),
    );
    start(builder)
}

/// Waits until the server holds the first request at its gate.
fn wait_until_held(gate: &Gate) {
    assert!(
        gate.wait_held(1, PATIENCE),
        "the first download never reached the server within {PATIENCE:?}: does enqueue submit \
         a task to the pool?"
    );
}

// ANCHOR: priority
#[course_testing::test(
    hint = "enqueue blocked on the queue's lock while a running download holds it? Pop, unlock, then download"
)]
fn the_most_urgent_waiting_download_starts_next() {
    let gate = Gate::manual();
    let server = held_server(&gate, &["/low", "/high-1", "/medium", "/high-2"]);
    let dir = scratch();
    let downloader = downloader(dir.path(), 1);
    let first = enqueue(&downloader, Priority::Low, server.url("/first"));
    wait_until_held(&gate);
    // The only worker is busy: these four wait, and are queued in this order.
    let waiting: Vec<_> = [
        (Priority::Low, "/low"),
        (Priority::High, "/high-1"),
        (Priority::Medium, "/medium"),
        (Priority::High, "/high-2"),
    ]
    .into_iter()
    .map(|(priority, path)| enqueue(&downloader, priority, server.url(path)))
    .collect();
    gate.release();
    for future in std::iter::once(first).chain(waiting) {
        let report = report(future);
        assert!(
            report.result.is_ok(),
            "{} failed: {:?}",
            report.url,
            report.result
        );
    }
    let order = server.stats().paths();
    assert_eq!(
        order,
        ["/first", "/high-1", "/high-2", "/medium", "/low"],
        "with one worker busy, low, high, medium, high were queued: the server must see them \
         high, high, medium, low (FIFO within a priority). Submitting each download to the \
         executor runs them in the executor's FIFO order instead: let each task pop the most \
         urgent download when it starts"
    );
}
// ANCHOR_END: priority

#[course_testing::test(hint = "fewer than 5 workers, so the gate waited for a fifth request?")]
fn five_downloads_run_at_once_by_default() {
    let gate = Gate::new(5, Duration::from_secs(3));
    let paths = ["/a", "/b", "/c", "/d", "/e"];
    let server = start(paths.iter().fold(HttpServer::builder(), |builder, path| {
        builder.route(path, Route::ok(*path).gate(Arc::clone(&gate)))
    }));
    let dir = scratch();
    let config = DownloaderConfig {
        sleeper: Arc::new(RecordingSleeper::new()),
        ..DownloaderConfig::new(dir.path())
    };
    assert_eq!(config.workers, 5, "the default is 5 workers");
    let downloader = Downloader::new(config)
        .unwrap_or_else(|e| panic!("Downloader::new failed on a writable folder: {e}"));
    let futures: Vec<_> = paths
        .iter()
        .map(|path| enqueue(&downloader, Priority::Medium, server.url(path)))
        .collect();
    for future in futures {
        let report = report(future);
        assert!(
            report.result.is_ok(),
            "{} failed: {:?}",
            report.url,
            report.result
        );
    }
    assert!(
        gate.reached(),
        "the server never had 5 requests in flight at once (at most {}): the downloader must \
         run config.workers downloads at the same time",
        counted(gate.max_in_flight(), "request")
    );
}

#[course_testing::test(
    hint = "enqueue blocked on the queue's lock while a running download holds it? Pop, unlock, then download"
)]
fn a_waiting_download_can_be_cancelled() {
    let gate = Gate::manual();
    let server = held_server(&gate, &["/kept", "/dropped"]);
    let dir = scratch();
    let downloader = downloader(dir.path(), 1);
    let first = enqueue(&downloader, Priority::High, server.url("/first"));
    wait_until_held(&gate);
    let kept = enqueue(&downloader, Priority::Medium, server.url("/kept"));
    let dropped = enqueue(&downloader, Priority::High, server.url("/dropped"));
    assert!(
        dropped.cancel(),
        "a download that waits in the queue can be cancelled: its future's cancel() must be true \
         (do not start the promise before a worker takes the download)"
    );
    gate.release();
    assert!(
        report(first).result.is_ok() && report(kept).result.is_ok(),
        "the others succeed"
    );
    assert_eq!(
        dropped.result().err(),
        Some(Error::Cancelled),
        "the cancelled one is Cancelled"
    );
    assert_eq!(
        server.stats().paths(),
        ["/first", "/kept"],
        "a cancelled download must never reach the server"
    );
}

#[course_testing::test(
    hint = "shutdown(CancelPending) waiting for the running download before cancelling the others, or a lock held during a download?"
)]
fn shutdown_can_cancel_what_waits() {
    let gate = Gate::manual();
    let server = held_server(&gate, &["/one", "/two", "/three"]);
    let dir = scratch();
    let downloader = Arc::new(downloader(dir.path(), 1));
    let running = enqueue(&downloader, Priority::High, server.url("/first"));
    wait_until_held(&gate);
    let waiting: Vec<_> = ["/one", "/two", "/three"]
        .into_iter()
        .map(|path| enqueue(&downloader, Priority::High, server.url(path)))
        .collect();
    let stopper = {
        let downloader = Arc::clone(&downloader);
        std::thread::spawn(move || downloader.shutdown(Shutdown::CancelPending))
    };
    for future in &waiting {
        assert!(
            future.wait_timeout(PATIENCE),
            "shutdown(CancelPending) must cancel the waiting downloads at once, while the running \
             one still runs (its response is held by the test)"
        );
    }
    gate.release();
    stopper
        .join()
        .unwrap_or_else(|_| panic!("shutdown(CancelPending) panicked"));
    assert!(
        report(running).result.is_ok(),
        "the running download finishes"
    );
    for future in waiting {
        assert_eq!(
            future.result().err(),
            Some(Error::Cancelled),
            "a waiting one is Cancelled"
        );
    }
    assert_eq!(
        server.stats().paths(),
        ["/first"],
        "no cancelled download reached the server"
    );
}

#[course_testing::test]
fn shutdown_can_drain_and_then_refuses_new_downloads() {
    let server = start(
        HttpServer::builder()
            .route("/1", Route::ok("1"))
            .route("/2", Route::ok("2"))
            .route("/3", Route::ok("3")),
    );
    let dir = scratch();
    let downloader = downloader(dir.path(), 2);
    let futures: Vec<_> = ["/1", "/2", "/3"]
        .into_iter()
        .map(|path| enqueue(&downloader, Priority::Low, server.url(path)))
        .collect();
    downloader.shutdown(Shutdown::Drain);
    for future in futures {
        assert!(
            future.is_done(),
            "shutdown(Drain) returns only when every queued download is done"
        );
        let report = report(future);
        assert!(
            report.result.is_ok(),
            "{} failed: {:?}",
            report.url,
            report.result
        );
    }
    let refused = expect_no_panic("enqueue after shutdown is an error, not a panic", || {
        downloader.enqueue(Priority::High, server.url("/1"))
    });
    assert!(
        matches!(refused, Err(Error::Shutdown)),
        "enqueue after shutdown: expected Err(Shutdown), got {:?}",
        refused.map(|_| "a future")
    );
}

#[course_testing::test]
fn a_bad_url_fails_alone() {
    let server = start(HttpServer::builder().route("/good.txt", Route::ok("good")));
    let dir = scratch();
    let downloader = downloader(dir.path(), 2);
    let bad = enqueue(
        &downloader,
        Priority::High,
        "gopher://127.0.0.1/x".to_owned(),
    );
    let good = enqueue(&downloader, Priority::Low, server.url("/good.txt"));
    let bad = report(bad);
    assert!(
        matches!(bad.result, Err(Failure::BadUrl { .. })),
        "gopher:// is not supported: expected BadUrl in its report, got {:?}",
        bad.result
    );
    let good = report(good);
    assert!(
        good.result.is_ok(),
        "the good URL still downloads, got {:?}",
        good.result
    );
}

#[course_testing::test]
fn the_configured_retry_policy_and_sleeper_are_used() {
    let server = start(HttpServer::builder().route("/flaky", Route::flaky(2, 503, "ok")));
    let dir = scratch();
    let sleeper = Arc::new(RecordingSleeper::new());
    let config = DownloaderConfig {
        workers: 1,
        policy: quick_policy(),
        sleeper: Arc::clone(&sleeper) as Arc<dyn ex5::Sleeper>,
        ..DownloaderConfig::new(dir.path())
    };
    let downloader = Downloader::new(config)
        .unwrap_or_else(|e| panic!("Downloader::new failed on a writable folder: {e}"));
    let report = report(enqueue(&downloader, Priority::High, server.url("/flaky")));
    assert_eq!(
        (report.attempts.len(), sleeper.slept().len()),
        (3, 2),
        "503, 503, 200: expected 3 attempts and 2 waits through config.sleeper, got {} and {:?}",
        counted(report.attempts.len(), "attempt"),
        sleeper.slept()
    );
}

#[course_testing::test]
fn the_configured_progress_hears_every_download() {
    let sizes = [("/a.bin", 1u64), ("/b.bin", 70_000), ("/c.bin", 300_000)];
    let server = start(
        sizes
            .iter()
            .fold(HttpServer::builder(), |builder, (path, len)| {
                builder.route(path, Route::generated(*len, *len))
            }),
    );
    let dir = scratch();
    let progress = Arc::new(RecordingProgress::new());
    let config = DownloaderConfig {
        policy: quick_policy(),
        progress: Arc::clone(&progress) as Arc<dyn ex5::Progress>,
        ..DownloaderConfig::new(dir.path())
    };
    let downloader = Downloader::new(config)
        .unwrap_or_else(|e| panic!("Downloader::new failed on a writable folder: {e}"));
    let futures: Vec<_> = sizes
        .iter()
        .map(|(path, _)| enqueue(&downloader, Priority::Medium, server.url(path)))
        .collect();
    for ((path, len), future) in sizes.iter().zip(futures) {
        let url = server.url(path);
        let report = report(future);
        assert!(report.result.is_ok(), "{url} failed: {:?}", report.result);
        let heard = heard(&progress, &url);
        let received: Vec<u64> = heard.reads.iter().map(|reads| reads.iter().sum()).collect();
        assert_eq!(
            (heard.starts, received),
            (vec![Some(*len)], vec![*len]),
            "config.progress must hear each download: for {url}, one `body_started` with its \
             size ({}), then reads adding up to it",
            counted(len, "byte")
        );
    }
}

#[course_testing::test]
fn a_destination_that_cannot_be_used_is_refused_at_start() {
    let dir = scratch();
    let missing = dir.path().join("missing");
    let outcome = expect_no_panic("a missing folder is an error at start, not a panic", || {
        Downloader::new(DownloaderConfig::new(&missing))
    });
    assert!(
        matches!(outcome, Err(DestinationError::Missing(_))),
        "Downloader::new into a missing folder: expected Err(Missing), got {:?}",
        outcome.map(|_| "a downloader")
    );
}
