//! Going further, on the reference solution only: `download_resumable` resumes a download whose
//! connection broke halfway with `Range` and `If-Range`, starts over when the file changed, and
//! leaves nothing behind when it finally fails. The server's request log is the witness.

use std::sync::Mutex;
use std::time::Duration;

use course_testing::http::{Fault, GeneratedBody, HttpServer, Route};
use ex5_solution::{
    Failure, NoProgress, ProgressEvent, RecordingProgress, RecordingSleeper, RetryPolicy, Sleeper,
    agent, download_resumable,
};

const MIB: u64 = 1 << 20;
const HALF: u64 = MIB / 2;

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(1),
    }
}

fn client() -> ureq::Agent {
    agent(Duration::from_secs(2), Duration::from_secs(2))
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[course_testing::test]
fn a_dropped_download_resumes_where_it_stopped() {
    let body = GeneratedBody::new(21, MIB);
    let server = HttpServer::builder()
        .route(
            "/big.bin",
            Route::generated(21, MIB).failing_first(1, Fault::DropAfter(HALF)),
        )
        .start()
        .unwrap_or_else(|e| panic!("test setup: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("test setup: {e}"));
    let url = server.url("/big.bin");
    let progress = RecordingProgress::new();
    let report = download_resumable(
        &client(),
        &url,
        dir.path(),
        &policy(),
        &RecordingSleeper::new(),
        &progress,
    );
    let stored = report
        .result
        .unwrap_or_else(|e| panic!("the second attempt should finish the file: {e}"));
    assert_eq!(
        stored.md5,
        body.md5_hex(),
        "the resumed file must be the whole body"
    );
    assert_eq!(stored.size, MIB);
    let requests = server.stats().requests();
    assert_eq!(requests.len(), 2, "one cut request, one resuming request");
    let resume = &requests[1];
    assert_eq!(
        resume.header("range"),
        Some(format!("bytes={HALF}-").as_str()),
        "the second request asks for the rest only"
    );
    assert_eq!(
        resume.header("if-range").map(str::to_owned),
        server.etag("/big.bin"),
        "If-Range carries the ETag of the first response"
    );
    assert_eq!(
        server.stats().body_bytes(),
        MIB,
        "the body is sent once in total: half, then the other half"
    );
    assert_eq!(
        names_in(dir.path()).len(),
        1,
        "one file, no temporary file left"
    );
    // A resumed bar starts again at what was kept, out of the whole length.
    let events = progress.events();
    let restart = events
        .iter()
        .rposition(|e| matches!(e, ProgressEvent::BodyStarted { .. }))
        .unwrap_or_else(|| panic!("no body_started heard: {events:?}"));
    let after: u64 = events[restart + 1..]
        .iter()
        .map(|e| match e {
            ProgressEvent::Received { bytes, .. } => *bytes,
            ProgressEvent::BodyStarted { .. } => 0,
        })
        .sum();
    assert_eq!(
        (&events[restart], after),
        (
            &ProgressEvent::BodyStarted {
                url: url.clone(),
                total: Some(MIB)
            },
            MIB
        ),
        "the resumed attempt shows the whole length, the kept half, then the rest"
    );
}

/// A sleeper that changes the file on the server while the client waits to retry.
struct ChangesTheFile<'a> {
    server: &'a HttpServer,
    done: Mutex<bool>,
}

impl Sleeper for ChangesTheFile<'_> {
    fn sleep(&self, _: Duration) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        if !*done {
            self.server.set_route("/doc.bin", Route::generated(99, MIB));
            *done = true;
        }
    }
}

#[course_testing::test]
fn a_file_that_changed_meanwhile_is_downloaded_again_whole() {
    let server = HttpServer::builder()
        .route(
            "/doc.bin",
            Route::generated(7, MIB).failing_first(1, Fault::DropAfter(HALF)),
        )
        .start()
        .unwrap_or_else(|e| panic!("test setup: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("test setup: {e}"));
    let sleeper = ChangesTheFile {
        server: &server,
        done: Mutex::new(false),
    };
    let report = download_resumable(
        &client(),
        &server.url("/doc.bin"),
        dir.path(),
        &policy(),
        &sleeper,
        &NoProgress,
    );
    let stored = report
        .result
        .unwrap_or_else(|e| panic!("the new file should download: {e}"));
    assert_eq!(
        stored.md5,
        GeneratedBody::new(99, MIB).md5_hex(),
        "the old half must not be glued to the new file: If-Range no longer matches, the server \
         sends the whole new file, and the download starts over"
    );
    assert_eq!(
        server.stats().body_bytes(),
        HALF + MIB,
        "half of the old file, all of the new"
    );
}

#[course_testing::test]
fn a_download_that_keeps_breaking_leaves_nothing() {
    let server = HttpServer::builder()
        .route(
            "/never.bin",
            Route::generated(3, MIB).always(Fault::DropAfter(1_000)),
        )
        .start()
        .unwrap_or_else(|e| panic!("test setup: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("test setup: {e}"));
    let report = download_resumable(
        &client(),
        &server.url("/never.bin"),
        dir.path(),
        &policy(),
        &RecordingSleeper::new(),
        &NoProgress,
    );
    assert!(
        matches!(report.result, Err(Failure::Interrupted(_))) && report.attempts.len() == 4,
        "expected 4 interrupted attempts, got {:?}",
        report.attempts
    );
    assert_eq!(
        names_in(dir.path()),
        Vec::<String>::new(),
        "no partial file left"
    );
}
