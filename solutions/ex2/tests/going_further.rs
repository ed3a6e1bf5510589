//! The chapter's "going further": the batch on tokio (`ex2_solution::going_further`), against the
//! loopback DNS server. The cap is witnessed by the server's gate and by a count of the lookups in
//! flight at the client; dedup by counting the lookups asked for; timeouts and cancellation by a
//! server that never answers and a resolver whose own timeout is 5 s.

extern crate ex2_solution as ex2;

#[path = "../../../exercises/ex2/tests/cases/support.rs"]
mod support;

use std::{
    collections::{BTreeSet, HashMap},
    future::Future,
    net::IpAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use concurrent::ThreadPoolExecutor;
use course_testing::dns::{
    DnsServer, Gate, hickory_resolver::TokioResolver,
    hickory_resolver::net::runtime::TokioRuntimeProvider, loopback_resolver_config, mx_zone,
    test_resolver_options,
};
use ex2::{
    LookupError, Mx, MxResolver, Options, Report, Summary, Verdict,
    going_further::{AsyncMxResolver, validate_emails_async},
    validate_emails,
};

use crate::support::{emails, sample_server};

/// hickory's async resolver, asking only `server`, with its own `timeout` and no cache.
fn tokio_resolver(server: &DnsServer, timeout: Duration) -> TokioResolver {
    TokioResolver::builder_with_config(
        loopback_resolver_config(server.addr()),
        TokioRuntimeProvider::default(),
    )
    .with_options(test_resolver_options(timeout))
    .build()
    .expect("a resolver for the loopback DNS server")
}

/// Counts, at the client, the lookups asked for per domain and how many are in flight at once.
#[derive(Debug)]
struct Counting {
    inner: TokioResolver,
    calls: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// One lookup in flight, until it ends or is cancelled (its future dropped).
struct InFlight<'a>(&'a Counting);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Counting {
    fn new(inner: TokioResolver) -> Arc<Self> {
        Arc::new(Self {
            inner,
            calls: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        })
    }
    fn enter(&self, domain: &str) -> InFlight<'_> {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        *calls.entry(domain.to_lowercase()).or_default() += 1;
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }
    fn calls(&self) -> HashMap<String, usize> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }
    fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}

impl AsyncMxResolver for Counting {
    async fn mx(&self, domain: &str) -> Result<Vec<Mx>, LookupError> {
        let _in_flight = self.enter(domain);
        AsyncMxResolver::mx(&self.inner, domain).await
    }
    async fn addresses(&self, domain: &str) -> Result<Vec<IpAddr>, LookupError> {
        let _in_flight = self.enter(domain);
        AsyncMxResolver::addresses(&self.inner, domain).await
    }
}

/// A small multi-threaded runtime (the tests are synchronous; the batch runs in `block_on`).
fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// The async batch on a fresh runtime; a task that panicked fails the test.
fn validate_async<R: AsyncMxResolver>(
    resolver: &Arc<R>,
    list: &[String],
    options: &Options,
) -> Vec<Report> {
    block_on(validate_emails_async(Arc::clone(resolver), list, options))
        .expect("no lookup task panics")
}

fn options(cap: usize, timeout: Duration, implicit_mx: bool) -> Options {
    Options {
        workers: cap,
        timeout,
        implicit_mx,
    }
}

// ANCHOR: same
#[course_testing::test(deadline_secs = 20)]
fn same_reports_as_the_thread_pool_on_the_sample_list() {
    let list = ex2::parse_emails(include_bytes!("../../../exercises/ex2/data/emails.txt"));
    // Every biz.test domain of the list gets an MX (the demo serves fewer: the rest are NXDOMAIN).
    let companies: BTreeSet<String> = list
        .iter()
        .filter_map(|email| ex2::check_syntax(email).ok())
        .filter_map(|a| a.domain.strip_suffix(".biz.test").map(str::to_owned))
        .collect();
    let server = DnsServer::sample()
        .zone("biz.test.", &mx_zone("biz.test.", &companies))
        .start()
        .expect("the test DNS server starts");
    for implicit_mx in [false, true] {
        let pool: Arc<dyn MxResolver> = support::resolver(&server, Duration::from_millis(300));
        let threads = validate_emails(&ThreadPoolExecutor::new(20), pool, &list, implicit_mx)
            .expect("the pool is healthy");
        // Its own timeout is 5 s: the batch's 300 ms must cut the lookups off.
        let resolver = Arc::new(tokio_resolver(&server, Duration::from_secs(5)));
        let tasks = validate_async(
            &resolver,
            &list,
            &options(20, Duration::from_millis(300), implicit_mx),
        );
        assert_eq!(
            tasks, threads,
            "implicit MX {implicit_mx}: the tokio batch must give the thread pool's reports"
        );
        let summary = Summary::of(&tasks);
        assert!(
            summary.valid > 0 && summary.invalid > 0 && summary.unverifiable > 0,
            "the sample list has every verdict: {summary}"
        );
    }
}
// ANCHOR_END: same

// ANCHOR: cap
#[course_testing::test(hint = "the server holds its replies until 8 lookups are in flight")]
fn a_cap_of_8_opens_a_gate_of_8() {
    let gate = Gate::new(8, Duration::from_secs(2));
    let server = sample_server(20)
        .gate(gate.clone())
        .start()
        .expect("the test DNS server starts");
    let resolver = Counting::new(tokio_resolver(&server, Duration::from_secs(5)));
    let list: Vec<String> = (0..20).map(|i| format!("user@d{i}.pool.test")).collect();
    let reports = validate_async(&resolver, &list, &options(8, Duration::from_secs(4), false));
    assert!(
        reports.iter().all(|r| r.verdict == Verdict::Valid),
        "every d<i>.pool.test has an MX: {reports:?}"
    );
    assert!(
        gate.reached(),
        "a cap of 8 must let 8 lookups be in flight at once (the server saw at most {})",
        gate.max_in_flight()
    );
    assert_eq!(
        resolver.max_in_flight(),
        8,
        "a cap of 8 allows 8 lookups in flight at the client, never more"
    );
}

#[course_testing::test(hint = "the server holds its replies until 8 lookups are in flight")]
fn a_cap_of_7_never_has_8_lookups_in_flight() {
    // The gate gives up after 300 ms and then lets every reply through: the run ends, slowly.
    let gate = Gate::new(8, Duration::from_millis(300));
    let server = sample_server(20)
        .gate(gate.clone())
        .start()
        .expect("the test DNS server starts");
    let resolver = Counting::new(tokio_resolver(&server, Duration::from_secs(5)));
    let list: Vec<String> = (0..20).map(|i| format!("user@d{i}.pool.test")).collect();
    let reports = validate_async(&resolver, &list, &options(7, Duration::from_secs(4), false));
    assert!(
        reports.iter().all(|r| r.verdict == Verdict::Valid),
        "every d<i>.pool.test has an MX, once the gate gives up: {reports:?}"
    );
    assert!(
        !gate.reached() && gate.timed_out(),
        "a cap of 7 must never have 8 lookups in flight, the server saw {}: is the permit held \
         for the whole lookup (`let _permit = ...`, not `let _ = ...`, which drops it at once)?",
        gate.max_in_flight()
    );
    assert_eq!(
        (gate.max_in_flight(), resolver.max_in_flight()),
        (7, 7),
        "a cap of 7 lets 7 lookups be in flight at once (at the server, at the client)"
    );
}
// ANCHOR_END: cap

#[course_testing::test]
fn one_lookup_per_distinct_domain() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver = Counting::new(tokio_resolver(&server, Duration::from_secs(2)));
    let list = emails(&[
        "ana@one-mx.test",
        "bad syntax@one-mx.test",
        "bob@ONE-MX.test",
        "dora@bücher.test",
        "eve@xn--bcher-kva.test",
        "fred@missing.test",
        "gina@one-mx.test",
    ]);
    let reports = validate_async(&resolver, &list, &options(4, Duration::from_secs(2), false));
    assert_eq!(
        reports.len(),
        list.len(),
        "one report per email: {reports:?}"
    );
    let calls = resolver.calls();
    assert_eq!(
        calls,
        HashMap::from([
            ("one-mx.test".to_owned(), 1),
            ("xn--bcher-kva.test".to_owned(), 1),
            ("missing.test".to_owned(), 1),
        ]),
        "one lookup per distinct domain (case and IDNA forms are one domain), none for bad syntax"
    );
    let domains = ["one-mx.test", "Many-MX.test", "bücher.test"];
    let many: Vec<String> = (0..10_000)
        .map(|i| format!("user{i}@{}", domains[i % 3]))
        .collect();
    let resolver = Counting::new(tokio_resolver(&server, Duration::from_secs(2)));
    let reports = validate_async(
        &resolver,
        &many,
        &options(20, Duration::from_secs(2), false),
    );
    assert!(reports.iter().all(|r| r.verdict == Verdict::Valid));
    assert_eq!(
        resolver.calls().values().sum::<usize>(),
        3,
        "10,000 emails of 3 domains make 3 lookups"
    );
}

// ANCHOR: timeout
#[course_testing::test(hint = "does a lookup wait for the resolver's own 5 s timeout?")]
fn silent_lookups_time_out_after_options_timeout() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver = Counting::new(tokio_resolver(&server, Duration::from_secs(5)));
    let list: Vec<String> = (0..50).map(|i| format!("user@d{i}.timeout.test")).collect();
    let start = Instant::now();
    let reports = validate_async(
        &resolver,
        &list,
        &options(50, Duration::from_millis(200), false),
    );
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "50 silent lookups with a 200 ms timeout took {took:?}: wrap each lookup in \
         tokio::time::timeout(options.timeout, ..)"
    );
    for report in &reports {
        assert!(
            report.verdict == Verdict::Unverifiable && report.reason.contains("timed out"),
            "a lookup cut off by the timeout is Unverifiable, \"timed out\": {report:?}"
        );
    }
    assert_eq!(
        resolver.in_flight(),
        0,
        "a timed-out lookup is cancelled: its future is dropped, nothing is left in flight"
    );
}

#[course_testing::test(hint = "lookups that outlive their batch?")]
fn dropping_the_batch_cancels_its_lookups() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver = Counting::new(tokio_resolver(&server, Duration::from_secs(5)));
    let list: Vec<String> = (0..30).map(|i| format!("user@d{i}.timeout.test")).collect();
    let options = options(10, Duration::from_secs(5), false);
    let left = block_on(async {
        let batch = validate_emails_async(Arc::clone(&resolver), &list, &options);
        // The caller gives up after 300 ms: the batch's future is dropped.
        let gave_up = tokio::time::timeout(Duration::from_millis(300), batch).await;
        assert!(gave_up.is_err(), "silent lookups cannot finish in 300 ms");
        assert_eq!(
            resolver.max_in_flight(),
            10,
            "10 lookups (the cap) were in flight"
        );
        // Aborted tasks are dropped when the runtime next gets to them: give it a moment.
        let deadline = Instant::now() + Duration::from_secs(1);
        while resolver.in_flight() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        resolver.in_flight()
    });
    assert_eq!(
        left, 0,
        "{left} lookups were still in flight 1 s after their batch was dropped: spawn them on a \
         JoinSet the batch owns (dropping it aborts them), not with tokio::spawn, whose tasks \
         outlive their caller"
    );
}
// ANCHOR_END: timeout
