//! Step 4: a whole file on a pool of `Options::workers`, the summary, and lookups that time out.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use course_testing::{expect_err, expect_no_panic};
use ex2::{MxResolver, Options, RunError, Summary, Verdict, validate_file};

use crate::support::{resolver, sample_server};

/// A list file in a fresh temporary directory; removed with the directory on drop.
struct ListFile {
    dir: std::path::PathBuf,
    path: std::path::PathBuf,
}

impl ListFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("ex2-step4-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("the list file");
        Self { dir, path }
    }
}

impl Drop for ListFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[course_testing::test]
fn the_defaults_are_20_workers_5_seconds_and_mx_only() {
    let options = Options::default();
    assert_eq!(
        (options.workers, options.timeout, options.implicit_mx),
        (20, Duration::from_secs(5), false),
        "the defaults: 20 workers, 5 s per lookup, MX only (no implicit MX)"
    );
}

// ANCHOR: timeouts
#[course_testing::test(
    deadline_secs = 15,
    hint = "50 lookups that each wait 200 ms should take about 0.5 s on 20 workers"
)]
fn fifty_silent_lookups_time_out_quickly_on_20_workers() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver: Arc<dyn MxResolver> = resolver(&server, Duration::from_millis(200));
    let list: String = (0..50)
        .map(|i| format!("user@d{i}.timeout.test\n"))
        .collect();
    let file = ListFile::new("silent.txt", list.as_bytes());
    let start = Instant::now();
    let (reports, summary) = expect_no_panic("validate_file must not panic on timeouts", || {
        validate_file(&file.path, resolver, &Options::default())
    })
    .expect("the file exists and the pool is healthy");
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "50 lookups that time out after 200 ms took {took:?} on 20 workers: they should overlap \
         (about 3 rounds of 200 ms)"
    );
    for report in &reports {
        assert!(
            report.verdict == Verdict::Unverifiable && report.reason.contains("timed out"),
            "a lookup that times out is Unverifiable with a reason that says \"timed out\", got \
             {report:?}"
        );
    }
    assert_eq!(
        summary,
        Summary {
            emails: 50,
            valid: 0,
            invalid: 0,
            unverifiable: 50
        }
    );
}
// ANCHOR_END: timeouts

#[course_testing::test(hint = "does validate_file wait for the resolver's own 5 s timeout?")]
fn validate_file_gives_each_lookup_at_most_options_timeout() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    // The resolver's own timeout is hickory's default, 5 s: validate_file must not wait for it.
    let resolver: Arc<dyn MxResolver> = resolver(&server, Duration::from_secs(5));
    let file = ListFile::new(
        "options-timeout.txt",
        b"ana@one-mx.test\nbob@a.timeout.test\ncarl@b.timeout.test\ndora@c.timeout.test\n",
    );
    let options = Options {
        timeout: Duration::from_millis(200),
        ..Options::default()
    };
    let start = Instant::now();
    let (reports, _) = expect_no_panic("validate_file must not panic on timeouts", || {
        validate_file(&file.path, resolver, &options)
    })
    .expect("the file exists and the pool is healthy");
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "with Options {{ timeout: 200 ms, .. }} three silent lookups took {took:?}: validate_file \
         must give each lookup at most options.timeout, whatever the resolver's own timeout (5 s \
         here). A blocking lookup cannot be cancelled, but you can stop waiting for it: run it on \
         a thread of its own and wait for its result with recv_timeout"
    );
    let verdicts: Vec<(Verdict, bool)> = reports
        .iter()
        .map(|r| (r.verdict, r.reason.contains("timed out")))
        .collect();
    assert_eq!(
        verdicts,
        [
            (Verdict::Valid, false),
            (Verdict::Unverifiable, true),
            (Verdict::Unverifiable, true),
            (Verdict::Unverifiable, true),
        ],
        "one-mx.test answers at once (Valid); a lookup cut off by options.timeout is \
         Unverifiable with a reason that says \"timed out\": {reports:?}"
    );
}

#[course_testing::test]
fn a_file_of_every_verdict_is_summarised() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver: Arc<dyn MxResolver> = resolver(&server, Duration::from_millis(200));
    let file = ListFile::new(
        "mixed.txt",
        "# every verdict\nana@one-mx.test\nbob@a-only.test\n\nnot-an-email\ncarl@refused.test\n"
            .as_bytes(),
    );
    let options = Options {
        workers: 3,
        implicit_mx: true,
        ..Options::default()
    };
    let (reports, summary) = expect_no_panic("validate_file must not panic", || {
        validate_file(&file.path, resolver, &options)
    })
    .expect("the file exists and the pool is healthy");
    assert_eq!(reports.len(), 4, "4 emails in the file: {reports:?}");
    assert_eq!(
        summary,
        Summary {
            emails: 4,
            valid: 2,
            invalid: 1,
            unverifiable: 1
        },
        "one-mx.test and a-only.test (implicit MX on) are valid, not-an-email is invalid, \
         refused.test is unverifiable"
    );
    assert_eq!(
        summary,
        Summary::of(&reports),
        "the summary counts the reports"
    );
}

#[course_testing::test]
fn a_missing_file_is_an_error_that_names_it() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver: Arc<dyn MxResolver> = resolver(&server, Duration::from_millis(200));
    let missing = std::env::temp_dir().join("ex2-step4-no-such-list.txt");
    let error = expect_err(
        "validate_file of a missing file must return an error",
        || validate_file(&missing, resolver, &Options::default()),
    );
    assert!(
        matches!(error, RunError::Read(_))
            && error.to_string().contains("ex2-step4-no-such-list.txt"),
        "expected RunError::Read naming the file, got {error:?} ({error})"
    );
}
