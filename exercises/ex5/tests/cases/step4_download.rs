//! Step 4: one download with `ureq`, against a real HTTP server on loopback: the file and its
//! MD5, retries of what is transient (503, 429 with Retry-After, a slow server, a connection
//! dropped mid-body, a refused connection) and none of what is permanent (404, a bad URL), every
//! attempt recorded, no partial file, bounded memory, and a log in a span.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use course_testing::expect_no_panic;
use course_testing::http::{Fault, GeneratedBody, HttpServer, Route};
use ex5::{Failure, NoProgress, RecordingProgress, RecordingSleeper, agent, download};

use crate::support::{counted, heard, md5_hex, names_in, outcomes, quick_policy, scratch, start};

/// A client with a short read timeout: the slow routes of these tests wait 30 s.
fn client() -> ureq::Agent {
    expect_no_panic("agent(connect, read) builds a ureq agent", || {
        agent(Duration::from_secs(2), Duration::from_millis(300))
    })
}

fn status(status: u16) -> Failure {
    Failure::Status {
        status,
        retry_after: None,
    }
}

#[course_testing::test]
fn saves_the_body_as_md5_dash_name() {
    let server = start(HttpServer::builder().route("/files/hello.txt", Route::ok("hello\n")));
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let url = server.url("/files/hello.txt");
    let report = download(
        &client(),
        &url,
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    let stored = report
        .result
        .as_ref()
        .unwrap_or_else(|e| panic!("downloading {url} failed: {e}"));
    let md5 = md5_hex(b"hello\n");
    assert_eq!(
        (stored.md5.as_str(), stored.size),
        (md5.as_str(), 6),
        "expected the MD5 and the size of the 6-byte body"
    );
    assert_eq!(
        names_in(dir.path()),
        [format!("{md5}-hello.txt")],
        "the folder must hold exactly <md5>-hello.txt"
    );
    assert_eq!(report.url, url, "the report names the URL it was given");
    assert_eq!(
        outcomes(&report),
        [Ok(())],
        "one attempt, which succeeded, must be recorded"
    );
}

#[course_testing::test]
fn a_flaky_server_is_retried_until_it_answers() {
    let server = start(HttpServer::builder().route("/flaky.txt", Route::flaky(2, 503, "at last")));
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let report = download(
        &client(),
        &server.url("/flaky.txt"),
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    assert!(
        report.result.is_ok(),
        "503, 503, then 200: the third attempt succeeds, got {:?}",
        report.result
    );
    assert_eq!(
        outcomes(&report),
        [Err(status(503)), Err(status(503)), Ok(())],
        "expected every attempt recorded: two 503s (a status is an answer, not a success: check \
         it), then success"
    );
    assert_eq!(
        sleeper.slept().len(),
        2,
        "two retries: expected 2 waits through the sleeper you were given, got {:?}",
        sleeper.slept()
    );
    assert_eq!(
        server.stats().hits("/flaky.txt"),
        3,
        "the server saw 3 requests"
    );
}

#[course_testing::test]
fn permanent_failures_are_not_retried_and_500_gives_up() {
    let server = start(
        HttpServer::builder()
            .route("/gone", Route::status(404))
            .route("/broken", Route::status(500)),
    );
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let report = download(
        &client(),
        &server.url("/gone"),
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    assert_eq!(
        (report.result.clone().err(), outcomes(&report).len()),
        (Some(status(404)), 1),
        "404 is permanent: expected Err(404) after 1 attempt, got {:?} after {}",
        report.result,
        counted(outcomes(&report).len(), "attempt")
    );
    let report = download(
        &client(),
        &server.url("/broken"),
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    assert_eq!(
        (report.result.clone().err(), server.stats().hits("/broken")),
        (Some(status(500)), 4),
        "always 500 with max_retries = 3: expected Err(500) after 4 requests, got {:?} after {}",
        report.result,
        counted(server.stats().hits("/broken"), "request")
    );
    assert_eq!(
        names_in(dir.path()),
        Vec::<String>::new(),
        "an error page is not a file to keep"
    );
}

#[course_testing::test]
fn retry_after_is_read_from_the_response() {
    let server = start(HttpServer::builder().route(
        "/busy",
        Route::ok("ok").failing_first(1, Fault::RetryAfter(2)),
    ));
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let report = download(
        &client(),
        &server.url("/busy"),
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    assert_eq!(
        outcomes(&report),
        [
            Err(Failure::Status {
                status: 429,
                retry_after: Some(Duration::from_secs(2))
            }),
            Ok(())
        ],
        "429 with `Retry-After: 2`, then 200: expected the 429 recorded with its Retry-After \
         (read the header of the response)"
    );
    assert_eq!(
        sleeper.slept(),
        [Duration::from_secs(2)],
        "the server asked for 2 s: expected one wait of exactly 2 s"
    );
}

#[course_testing::test(hint = "is there a read timeout on the agent? The server waits 30 s.")]
fn a_slow_server_times_out_and_is_retried() {
    let server = start(HttpServer::builder().route(
        "/slow",
        Route::ok("finally").failing_first(1, Fault::DelayHeaders(Duration::from_secs(30))),
    ));
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let report = download(
        &client(),
        &server.url("/slow"),
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    let outcomes = outcomes(&report);
    assert!(
        matches!(outcomes.as_slice(), [Err(Failure::Timeout(_)), Ok(())]),
        "the first answer takes 30 s, more than the 300 ms read timeout: expected a Timeout, then \
         success; got {outcomes:?}"
    );
}

#[course_testing::test]
fn a_connection_dropped_mid_body_leaves_no_file() {
    let body = GeneratedBody::new(5, 1 << 20);
    let server = start(
        HttpServer::builder()
            .route(
                "/once.bin",
                Route::generated(5, 1 << 20).failing_first(1, Fault::DropAfter(300_000)),
            )
            .route(
                "/never.bin",
                Route::generated(5, 1 << 20).always(Fault::DropAfter(300_000)),
            ),
    );
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let report = download(
        &client(),
        &server.url("/never.bin"),
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    let seen = outcomes(&report);
    assert!(
        report.result.is_err()
            && seen.len() == 4
            && matches!(seen[0], Err(Failure::Interrupted(_))),
        "every response breaks off after 300,000 of 1,048,576 bytes: expected 4 attempts failing \
         with Interrupted (a short body is not a success, and worth a retry), got {seen:?}"
    );
    assert_eq!(
        names_in(dir.path()),
        Vec::<String>::new(),
        "after broken downloads the folder must be empty: no partial file, no temporary file"
    );
    let report = download(
        &client(),
        &server.url("/once.bin"),
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    let stored = report
        .result
        .unwrap_or_else(|e| panic!("the second attempt gets the whole body, yet: {e}"));
    assert_eq!(
        stored.md5,
        body.md5_hex(),
        "the MD5 of the whole 1 MiB body"
    );
    assert_eq!(
        names_in(dir.path()).len(),
        1,
        "one file, and nothing else, expected"
    );
}

#[course_testing::test]
fn a_refused_connection_is_retried() {
    // A port where nothing listens: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| panic!("test setup: {e}"));
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let url = format!("http://127.0.0.1:{port}/nothing-here");
    let report = download(
        &client(),
        &url,
        dir.path(),
        &quick_policy(),
        &sleeper,
        &NoProgress,
    );
    let seen = outcomes(&report);
    assert!(
        seen.len() == 4 && seen.iter().all(|o| matches!(o, Err(Failure::Connect(_)))),
        "nothing listens on port {port}: expected 4 attempts failing with Connect (a server may \
         come back), got {seen:?}"
    );
}

#[course_testing::test]
fn a_bad_url_fails_at_once_without_a_request() {
    let server = start(HttpServer::builder().route("/ok", Route::ok("ok")));
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let https = server.url("/ok").replace("http://", "https://");
    for url in [
        "ftp://127.0.0.1/file.txt",
        "not a url",
        "http://",
        "/ok",
        https.as_str(),
    ] {
        let report = expect_no_panic("a bad URL is a failure in its report, not a panic", || {
            download(
                &client(),
                url,
                dir.path(),
                &quick_policy(),
                &sleeper,
                &NoProgress,
            )
        });
        let seen = outcomes(&report);
        assert!(
            matches!(seen.as_slice(), [Err(Failure::BadUrl { .. })])
                && matches!(report.result, Err(Failure::BadUrl { .. })),
            "{url:?} cannot be downloaded over plain http: expected one attempt failing with \
             BadUrl, got {seen:?}"
        );
    }
    assert_eq!(
        server.stats().total(),
        0,
        "a bad URL must be refused before any request"
    );
    assert!(
        sleeper.slept().is_empty(),
        "a bad URL is permanent: no wait"
    );
}

#[course_testing::test(own_process, deadline_secs = 30)]
fn memory_stays_bounded_downloading_128_mb() {
    let body = GeneratedBody::new(11, 128 << 20);
    let server = start(HttpServer::builder().route("/big.bin", Route::generated(11, 128 << 20)));
    let dir = scratch();
    let sleeper = RecordingSleeper::new();
    let client = client();
    let report = course_testing::memory::assert_peak_rise_below(
        32 << 20,
        "downloading 128 MiB raised the peak memory by more than 32 MiB: hand the response's \
         reader (`into_body().into_reader()`) to store, never read the body whole",
        || {
            download(
                &client,
                &server.url("/big.bin"),
                dir.path(),
                &quick_policy(),
                &sleeper,
                &NoProgress,
            )
        },
    );
    let stored = report
        .result
        .unwrap_or_else(|e| panic!("downloading 128 MiB failed: {e}"));
    assert_eq!(stored.md5, body.md5_hex(), "the MD5 of the 128 MiB body");
}

/// A writer into a shared buffer, for the log.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[course_testing::test]
fn every_step_is_logged_in_a_download_span() {
    let server = start(HttpServer::builder().route("/log.txt", Route::flaky(1, 503, "logged")));
    let dir = scratch();
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let url = server.url("/log.txt");
    let report = tracing::subscriber::with_default(subscriber, || {
        download(
            &client(),
            &url,
            dir.path(),
            &quick_policy(),
            &RecordingSleeper::new(),
            &NoProgress,
        )
    });
    assert!(
        report.result.is_ok(),
        "503 then 200: expected success, got {:?}",
        report.result
    );
    let log =
        String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    for words in ["attempt 1 failed", "503", "retrying in", "saved as"] {
        assert!(
            log.contains(words),
            "expected the log to say `{words}` (use tracing's info!/warn! macros); it was:\n{log}"
        );
    }
    let in_span = log
        .lines()
        .filter(|line| line.contains("download{") && line.contains(&url))
        .count();
    assert!(
        in_span >= 3,
        "expected every event of the download inside a span `download` that records the URL \
         (tracing::info_span!(\"download\", url)), so the lines of parallel downloads can be told \
         apart; {} of the log's lines were:\n{log}",
        counted(in_span, "line")
    );
}

// ANCHOR: progress
#[course_testing::test(
    hint = "wrap the body's reader in a reader of yours whose read() calls the inner read, then progress.received(url, n)"
)]
fn progress_is_reported_read_by_read_as_the_body_streams() {
    const LEN: u64 = 1 << 20;
    let server = start(HttpServer::builder().route("/big.bin", Route::generated(7, LEN)));
    let dir = scratch();
    let progress = RecordingProgress::new();
    let url = server.url("/big.bin");
    let report = download(
        &client(),
        &url,
        dir.path(),
        &quick_policy(),
        &RecordingSleeper::new(),
        &progress,
    );
    assert!(
        report.result.is_ok(),
        "downloading {url} failed: {:?}",
        report.result
    );
    let heard = heard(&progress, &url);
    assert_eq!(
        heard.reads_before_start, 0,
        "`received` was called before `body_started`: start the bar first, then count"
    );
    assert_eq!(
        heard.starts,
        [Some(LEN)],
        "one attempt got the body: expected one `body_started` with the Content-Length"
    );
    let reads = &heard.reads[0];
    assert_eq!(
        reads.iter().sum::<u64>(),
        LEN,
        "the bytes passed to `received` must add up to the body's {LEN} bytes"
    );
    assert!(
        reads.len() >= 2,
        "`received` was called {} for a 1 MiB body: report each read as it happens, not the size \
         once at the end (a bar that jumps from 0 to 100% shows nothing)",
        counted(reads.len(), "time")
    );
}
// ANCHOR_END: progress

#[course_testing::test]
fn progress_starts_over_when_a_retry_gets_the_body_again() {
    const LEN: u64 = 1 << 20;
    const SENT: u64 = 300_000;
    let server = start(
        HttpServer::builder()
            .route(
                "/once.bin",
                Route::generated(5, LEN).failing_first(1, Fault::DropAfter(SENT)),
            )
            .route("/flaky.txt", Route::flaky(2, 503, "at last")),
    );
    let dir = scratch();
    let progress = RecordingProgress::new();
    for path in ["/once.bin", "/flaky.txt"] {
        let url = server.url(path);
        let report = download(
            &client(),
            &url,
            dir.path(),
            &quick_policy(),
            &RecordingSleeper::new(),
            &progress,
        );
        assert!(
            report.result.is_ok(),
            "downloading {url} failed: {:?}",
            report.result
        );
    }
    let once = heard(&progress, &server.url("/once.bin"));
    assert_eq!(
        once.starts,
        [Some(LEN), Some(LEN)],
        "the first response broke off and the second was whole: each got a body, so expected \
         two `body_started` with the Content-Length"
    );
    let first: u64 = once.reads[0].iter().sum();
    let second: u64 = once.reads[1].iter().sum();
    assert!(
        first <= SENT && second == LEN,
        "expected at most {SENT} bytes reported for the broken attempt, then all {LEN} for the \
         retry (its count starts over), got {first} and {second}"
    );
    let flaky = heard(&progress, &server.url("/flaky.txt"));
    assert_eq!(
        flaky.starts,
        [Some(7)],
        "503, 503, then 200 with 7 bytes: an error status has no body to show, so only the 200 \
         calls `body_started`"
    );
}
