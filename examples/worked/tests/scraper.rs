//! The scraper on a small loopback site: every URL reported once with its own status and size,
//! the summary adds up, the requests really overlap, and a URL with no server is a failure, not a
//! crash; the demo draws its parallel run with `--timeline`.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use concurrent::ThreadPoolExecutor;
use course_testing::child;
use course_testing::http::{Gate, HttpServer, Route};
use example_worked::scraper::{self, Fetched, Summary};
use example_worked::site;

fn agent() -> ureq::Agent {
    scraper::agent(Duration::from_secs(5))
}

#[course_testing::test(
    hint = "a request that never completes, or as_completed waiting for a future never submitted?"
)]
fn every_url_gets_its_own_status_and_size() {
    let (server, urls) = site::start(20, 3).expect("start the loopback site");
    let pool = ThreadPoolExecutor::new(8);
    let mut seen = 0;
    let pages = scraper::scrape(&pool, &agent(), &urls, |_| seen += 1);
    assert_eq!(seen, urls.len(), "on_page must be called once per URL");
    assert_eq!(pages.len(), urls.len());
    for (n, url) in urls.iter().enumerate() {
        let found: Vec<_> = pages.iter().filter(|page| &page.url == url).collect();
        assert_eq!(found.len(), 1, "{url} reported {} times", found.len());
        let fetched = found[0]
            .outcome
            .clone()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(fetched.status, site::status_of(n), "{url}: wrong status");
        if fetched.status == 200 {
            assert_eq!(fetched.bytes, site::page_size(3, n), "{url}: wrong size");
        }
    }
    let summary = Summary::of(&pages);
    let expected: BTreeMap<u16, usize> = [(200, 16), (404, 2), (500, 2)].into();
    assert_eq!(summary.by_status, expected);
    assert_eq!(summary.failed, 0);
    assert_eq!(server.stats().total(), urls.len(), "one request per URL");
}

#[course_testing::test(hint = "the gate opens only when 4 requests are in flight at once")]
fn requests_overlap_on_the_pool() {
    // The server holds every response until 4 requests are in flight: a scraper that fetched one
    // URL at a time would make the gate give up, and `reached()` would be false.
    let gate = Gate::new(4, Duration::from_secs(3));
    let mut builder = HttpServer::builder().gate(gate.clone());
    for n in 0..4 {
        builder = builder.route(&format!("/{n}"), Route::ok(vec![b'x'; 100 * (n + 1)]));
    }
    let server = builder.start().expect("start the server");
    let urls: Vec<String> = (0..4).map(|n| server.url(&format!("/{n}"))).collect();
    let pages = scraper::scrape(&ThreadPoolExecutor::new(4), &agent(), &urls, |_| {});
    assert!(
        gate.reached(),
        "the 4 requests never were in flight at once"
    );
    for (n, url) in urls.iter().enumerate() {
        let page = pages
            .iter()
            .find(|page| &page.url == url)
            .expect("every URL reported");
        let expected = Fetched {
            status: 200,
            bytes: 100 * (n as u64 + 1),
        };
        assert_eq!(page.outcome, Ok(expected), "{url}");
    }
}

#[course_testing::test]
fn a_url_without_a_server_is_a_failure_not_a_crash() {
    let server = HttpServer::builder()
        .route("/ok", Route::ok("fine"))
        .start()
        .expect("start");
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    let urls = vec![server.url("/ok"), "http://127.0.0.1:1/".to_owned()];
    let pages = scraper::scrape(&ThreadPoolExecutor::new(2), &agent(), &urls, |_| {});
    let summary = Summary::of(&pages);
    assert_eq!(summary.failed, 1);
    assert_eq!(summary.by_status, [(200, 1)].into());
    assert_eq!(summary.bytes, 4);
}

#[course_testing::test(deadline_secs = 30)]
fn the_demo_scrapes_the_loopback_site_and_prints_the_summary() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let svg = dir.path().join("scraper.svg");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_scraper"));
    demo.args(["--pages", "10", "--workers", "5", "--timeline"])
        .arg(&svg);
    let run = child::run(
        "the scraper demo",
        demo,
        Duration::from_secs(25),
        "did a request hang?",
    );
    run.assert_succeeded();
    assert!(
        run.stdout.contains("status codes: 200: 8, 404: 1, 500: 1"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("with 5 workers"), "{}", run.stdout);
    let bars = course_testing::timeline::bars(&svg);
    assert!(
        bars >= 10,
        "expected the timeline to draw a bar per URL (10), found {bars}"
    );
}

#[course_testing::test(deadline_secs = 30)]
fn the_demo_fetches_the_urls_given_by_flag() {
    let server = HttpServer::builder()
        .route("/hello", Route::ok("hello"))
        .start()
        .expect("start the server");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_scraper"));
    demo.args(["--parallel-only", "--url", &server.url("/hello")]);
    demo.args(["--url", "http://127.0.0.1:1/"]);
    let run = child::run(
        "the scraper demo",
        demo,
        Duration::from_secs(25),
        "did a request hang?",
    );
    run.assert_succeeded();
    assert!(
        run.stdout.contains("status codes: 200: 1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("failed (no response): 1"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("bytes: 5"), "{}", run.stdout);
    assert_eq!(server.stats().total(), 1);
}
