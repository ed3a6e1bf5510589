//! The loopback HTTP server (feature `http`), tested with ureq 3, the exercises' client.

use std::{
    io::{self, Read, Write},
    net::TcpStream,
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use course_testing::http::{
    Delay, Fault, Gate, GeneratedBody, HttpServer, Route, SAMPLE_BODY, SAMPLE_DROPPED,
    SAMPLE_LARGE, sample_paths,
};

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .new_agent()
}

fn client() -> ureq::Agent {
    agent(Duration::from_secs(5))
}

/// Status, headers of interest and body of a GET with extra request headers.
#[derive(Debug)]
struct Got {
    status: u16,
    headers: http_headers::Headers,
    body: Vec<u8>,
}

mod http_headers {
    /// Response headers as owned (lower-case name, value) pairs.
    #[derive(Debug, Default)]
    pub struct Headers(pub Vec<(String, String)>);
    impl Headers {
        pub fn get(&self, name: &str) -> Option<&str> {
            self.0
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }
}

fn headers_of<B>(response: &ureq::http::Response<B>) -> http_headers::Headers {
    http_headers::Headers(
        response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
    )
}

fn get_with(agent: &ureq::Agent, url: &str, headers: &[(&str, &str)]) -> Got {
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().expect("a response");
    let headers = headers_of(&response);
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .expect("a whole body");
    Got {
        status: response.status().as_u16(),
        headers,
        body,
    }
}

fn get(url: &str) -> Got {
    get_with(&client(), url, &[])
}

/// Reads a body until it ends or fails: the bytes received and how it ended.
fn read_until_error(url: &str, headers: &[(&str, &str)]) -> (Vec<u8>, io::Result<()>) {
    let mut request = client().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.call().expect("headers arrive");
    let mut reader = response.into_body().into_reader();
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return (received, Ok(())),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) => return (received, Err(e)),
        }
    }
}

fn sample() -> HttpServer {
    HttpServer::sample().start().expect("the server starts")
}

mod routes {
    use super::*;

    #[course_testing::test]
    fn ok_sends_its_body_with_length_etag_and_connection_close() {
        let server = sample();
        let got = get(&server.url(sample_paths::OK));
        assert_eq!(got.status, 200);
        assert_eq!(got.body, SAMPLE_BODY.as_bytes());
        let length = SAMPLE_BODY.len().to_string();
        assert_eq!(got.headers.get("content-length"), Some(length.as_str()));
        assert_eq!(got.headers.get("connection"), Some("close"));
        assert_eq!(got.headers.get("accept-ranges"), Some("bytes"));
        assert_eq!(got.headers.get("content-type"), Some("text/plain"));
        let etag = server.etag(sample_paths::OK).expect("an ETag");
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        assert_eq!(got.headers.get("etag"), Some(etag.as_str()));
        // url() adds the slash; the port is the one bound.
        assert_eq!(
            server.url("ok"),
            format!("http://127.0.0.1:{}/ok", server.port())
        );
    }

    #[course_testing::test]
    fn head_sends_the_headers_only() {
        let server = sample();
        let response = client()
            .head(&server.url(sample_paths::LARGE))
            .call()
            .unwrap();
        assert_eq!(response.status(), 200);
        let length = SAMPLE_LARGE.len.to_string();
        assert_eq!(
            headers_of(&response).get("content-length"),
            Some(length.as_str())
        );
        assert_eq!(server.stats().body_bytes(), 0);
    }

    #[course_testing::test]
    fn error_statuses_have_a_length_and_429_says_when_to_retry() {
        let server = sample();
        for (path, status) in [
            (sample_paths::ERROR, 500),
            (sample_paths::MISSING, 404),
            ("/never/served", 404),
            (sample_paths::RATE_LIMITED, 429),
        ] {
            let got = get(&server.url(path));
            assert_eq!(got.status, status, "{path}");
            assert!(!got.body.is_empty());
            let length = got.body.len().to_string();
            assert_eq!(got.headers.get("content-length"), Some(length.as_str()));
        }
        let got = get(&server.url(sample_paths::RATE_LIMITED));
        assert_eq!(got.headers.get("retry-after"), Some("1"));
    }

    #[course_testing::test]
    fn flaky_fails_n_times_then_succeeds_and_faults_chain_in_order() {
        let server = HttpServer::sample()
            .route(
                "/sequence",
                Route::ok("fine")
                    .failing_first(1, Fault::Status(500))
                    .failing_first(1, Fault::RetryAfter(3))
                    .failing_first(1, Fault::Status(503)),
            )
            .route("/always", Route::ok("never").always(Fault::Status(502)))
            .start()
            .unwrap();
        let statuses = |path: &str, n: usize| -> Vec<u16> {
            (0..n).map(|_| get(&server.url(path)).status).collect()
        };
        assert_eq!(statuses(sample_paths::FLAKY, 4), [503, 503, 200, 200]);
        assert_eq!(
            get(&server.url(sample_paths::FLAKY)).body,
            SAMPLE_BODY.as_bytes()
        );
        let retry = get(&server.url("/sequence"));
        assert_eq!(retry.status, 500);
        let retry = get(&server.url("/sequence"));
        assert_eq!(
            (retry.status, retry.headers.get("retry-after")),
            (429, Some("3"))
        );
        assert_eq!(statuses("/sequence", 3), [503, 200, 200]);
        assert_eq!(statuses("/always", 3), [502, 502, 502]);
    }

    #[course_testing::test]
    fn set_route_replaces_a_route_and_restarts_its_faults() {
        let server = HttpServer::builder()
            .route("/file", Route::flaky(1, 500, "v1"))
            .start()
            .unwrap();
        assert_eq!(get(&server.url("/file")).status, 500);
        assert_eq!(get(&server.url("/file")).body, b"v1");
        let old = server.etag("/file").unwrap();
        server.set_route("/file", Route::flaky(1, 503, "v2"));
        assert_eq!(get(&server.url("/file")).status, 503);
        let got = get(&server.url("/file"));
        assert_eq!(got.body, b"v2");
        assert_ne!(server.etag("/file").unwrap(), old, "new content, new ETag");
        server.set_route("/file", Route::ok("v2").etag(Some("custom")));
        assert_eq!(
            get(&server.url("/file")).headers.get("etag"),
            Some("\"custom\"")
        );
        server.set_route("/file", Route::ok("v2").etag(None));
        assert_eq!(get(&server.url("/file")).headers.get("etag"), None);
    }

    #[course_testing::test]
    fn other_methods_get_405_and_garbage_gets_400() {
        let server = sample();
        let response = client()
            .post(&server.url(sample_paths::OK))
            .send("data")
            .unwrap();
        assert_eq!(response.status(), 405);
        assert_eq!(headers_of(&response).get("allow"), Some("GET, HEAD"));

        let mut raw = TcpStream::connect(server.addr()).unwrap();
        raw.write_all(b"this is not http\r\n\r\n").unwrap();
        let mut answer = String::new();
        raw.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
        // Garbage is not a request: not logged.
        assert_eq!(server.stats().total(), 1);
    }
}

mod slow_and_broken {
    use super::*;

    const SHORT: Duration = Duration::from_millis(300);

    #[course_testing::test]
    fn slow_headers_outlast_the_client_timeout() {
        let server = sample();
        let start = Instant::now();
        let error = agent(SHORT)
            .get(&server.url(sample_paths::SLOW))
            .call()
            .expect_err("30 s of silence must time out");
        assert!(matches!(error, ureq::Error::Timeout(_)), "{error:?}");
        assert!(start.elapsed() >= SHORT, "the headers were not held");
        assert_eq!(server.stats().hits(sample_paths::SLOW), 1);
        // Dropping the server ends the 30 s wait at once (the deadline would say otherwise).
    }

    #[course_testing::test]
    fn a_pause_mid_body_outlasts_the_client_timeout_after_the_first_bytes() {
        let server = sample();
        let response = agent(SHORT)
            .get(&server.url(sample_paths::SLOW_BODY))
            .call()
            .expect("the headers come at once");
        assert_eq!(response.status(), 200);
        let mut reader = response.into_body().into_reader();
        let mut received = Vec::new();
        let error = reader
            .read_to_end(&mut received)
            .expect_err("the pause must time out");
        assert_eq!(received.len(), 1024, "{error}");
        assert_eq!(received, GeneratedBody::new(3, 64 * 1024).bytes(0..1024));
    }

    #[course_testing::test]
    fn a_dropped_connection_cuts_the_body_after_k_bytes() {
        let server = sample();
        let url = server.url(sample_paths::DROPPED);
        for _ in 0..2 {
            let (received, end) = read_until_error(&url, &[]);
            assert!(
                end.is_err(),
                "a body short of its Content-Length is an error"
            );
            assert_eq!(received.len() as u64, SAMPLE_DROPPED.len / 2);
            assert_eq!(received, SAMPLE_DROPPED.bytes(0..SAMPLE_DROPPED.len / 2));
        }
        let stats = server.stats();
        assert_eq!(
            (
                stats.hits(sample_paths::DROPPED),
                stats.completed(sample_paths::DROPPED)
            ),
            (2, 0)
        );
    }

    #[course_testing::test]
    fn dropped_once_cuts_only_the_first_response() {
        let server = sample();
        let url = server.url(sample_paths::DROPPED_ONCE);
        let (first, end) = read_until_error(&url, &[]);
        assert!(end.is_err());
        assert_eq!(first.len() as u64, SAMPLE_DROPPED.len / 2);
        let (second, end) = read_until_error(&url, &[]);
        assert!(end.is_ok());
        assert_eq!(second, SAMPLE_DROPPED.bytes(0..SAMPLE_DROPPED.len));
        assert_eq!(server.stats().completed(sample_paths::DROPPED_ONCE), 1);
    }
}

mod ranges {
    use super::*;

    fn range_server() -> (HttpServer, GeneratedBody) {
        let body = GeneratedBody::new(9, 10_000);
        let server = HttpServer::builder()
            .route("/data", Route::generated(body.seed, body.len))
            .start()
            .unwrap();
        (server, body)
    }

    #[course_testing::test]
    fn one_range_gets_206_with_its_content_range() {
        let (server, body) = range_server();
        let url = server.url("/data");
        for (range, from, to) in [
            ("bytes=100-199", 100, 200),
            ("bytes=9000-", 9000, 10_000),
            ("bytes=-300", 9700, 10_000),
            ("bytes=9990-20000", 9990, 10_000),
            ("bytes=-20000", 0, 10_000),
        ] {
            let got = get_with(&client(), &url, &[("Range", range)]);
            assert_eq!(got.status, 206, "{range}");
            let expected = format!("bytes {from}-{}/10000", to - 1);
            assert_eq!(got.headers.get("content-range"), Some(expected.as_str()));
            assert_eq!(got.body, body.bytes(from..to), "{range}");
        }
    }

    #[course_testing::test]
    fn a_range_past_the_end_is_416_and_odd_ranges_get_the_whole_body() {
        let (server, body) = range_server();
        let url = server.url("/data");
        let got = get_with(&client(), &url, &[("Range", "bytes=10000-")]);
        assert_eq!(got.status, 416);
        assert_eq!(got.headers.get("content-range"), Some("bytes */10000"));
        for ignored in ["bytes=0-1,5-9", "bytes=500-100", "items=0-5", "bytes=x-"] {
            let got = get_with(&client(), &url, &[("Range", ignored)]);
            assert_eq!((got.status, got.body.len()), (200, 10_000), "{ignored}");
        }
        assert_eq!(get(&url).body, body.bytes(0..10_000));
    }

    #[course_testing::test]
    fn if_range_honours_the_range_only_for_the_current_etag() {
        let (server, body) = range_server();
        let url = server.url("/data");
        let etag = server.etag("/data").unwrap();
        let got = get_with(
            &client(),
            &url,
            &[("Range", "bytes=10-"), ("If-Range", &etag)],
        );
        assert_eq!((got.status, got.body), (206, body.bytes(10..10_000)));
        let stale = [("Range", "bytes=10-"), ("If-Range", "\"something-else\"")];
        let got = get_with(&client(), &url, &stale);
        assert_eq!((got.status, got.body), (200, body.bytes(0..10_000)));
    }

    #[course_testing::test]
    fn a_dropped_download_resumes_with_range_and_if_range() {
        let server = sample();
        let url = server.url(sample_paths::DROPPED_ONCE);
        let (mut file, end) = read_until_error(&url, &[]);
        assert!(end.is_err());
        let etag = server.etag(sample_paths::DROPPED_ONCE).unwrap();
        let range = format!("bytes={}-", file.len());
        let rest = get_with(&client(), &url, &[("Range", &range), ("If-Range", &etag)]);
        assert_eq!(rest.status, 206);
        file.extend_from_slice(&rest.body);
        assert_eq!(file, SAMPLE_DROPPED.bytes(0..SAMPLE_DROPPED.len));
        use md5::{Digest, Md5};
        let digest: String = Md5::digest(&file)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, SAMPLE_DROPPED.md5_hex());

        // The file changed on the server since: the stale resume gets the whole new file.
        server.set_route(sample_paths::DROPPED_ONCE, Route::generated(77, 5000));
        let stale = get_with(&client(), &url, &[("Range", &range), ("If-Range", &etag)]);
        assert_eq!((stale.status, stale.body.len()), (200, 5000));
    }
}

mod generated_bodies {
    use super::*;

    #[course_testing::test]
    fn any_slice_equals_the_same_slice_of_the_whole() {
        let body = GeneratedBody::new(5, 1000);
        let whole = body.bytes(0..1000);
        for (from, to) in [
            (0, 1),
            (3, 17),
            (8, 16),
            (7, 9),
            (999, 1000),
            (0, 1000),
            (500, 2000),
        ] {
            assert_eq!(
                body.bytes(from..to),
                whole[from as usize..to.min(1000) as usize]
            );
        }
        let mut rest = Vec::new();
        body.reader_from(123).read_to_end(&mut rest).unwrap();
        assert_eq!(rest, whole[123..]);
        assert_ne!(
            GeneratedBody::new(6, 1000).bytes(0..1000),
            whole,
            "another seed"
        );
        assert_eq!(
            GeneratedBody::new(5, 1000).bytes(0..1000),
            whole,
            "the same seed"
        );
        // Across the generator's 64 KiB blocks: slices that straddle them, and blocks that differ.
        let big = GeneratedBody::new(5, 300_000);
        let all = big.bytes(0..300_000);
        for (from, to) in [(65_530, 65_542), (65_536, 131_072), (100_000, 300_000)] {
            assert_eq!(big.bytes(from..to), all[from as usize..to as usize]);
        }
        assert_ne!(all[..65_536], all[65_536..131_072]);
    }

    #[course_testing::test]
    fn md5_hex_is_the_md5_of_the_bytes() {
        use md5::{Digest, Md5};
        for len in [0, 1, 63, 64, 100_000] {
            let body = GeneratedBody::new(11, len);
            let expected: String = Md5::digest(body.bytes(0..len))
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(body.md5_hex(), expected, "len {len}");
        }
        assert_eq!(
            GeneratedBody::new(0, 0).md5_hex(),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
    }

    /// In its own process: the peak memory of other tests must not count.
    #[course_testing::test(own_process, deadline_secs = 60)]
    fn a_256_mib_body_streams_through_with_bounded_memory() {
        use course_testing::memory::{MIB, assert_peak_rise_below};
        use md5::{Digest, Md5};
        let expected = SAMPLE_LARGE.md5_hex();
        let server = sample();
        let digest = assert_peak_rise_below(
            32 * MIB,
            "serving and streaming 256 MiB must not hold the body in memory",
            || {
                let response = agent(Duration::from_secs(50))
                    .get(&server.url(sample_paths::LARGE))
                    .call()
                    .unwrap();
                let mut reader = response.into_body().into_reader();
                let mut hasher = Md5::new();
                let mut buf = vec![0u8; 256 * 1024];
                loop {
                    let n = reader.read(&mut buf).expect("the whole body");
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                }
                hasher
                    .finalize()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            },
        );
        assert_eq!(digest, expected);
        assert_eq!(server.stats().body_bytes(), SAMPLE_LARGE.len);
        assert_eq!(server.stats().completed(sample_paths::LARGE), 1);
    }
}

mod witnesses {
    use super::*;

    #[course_testing::test]
    fn the_log_keeps_arrival_order_methods_queries_and_headers() {
        let server = sample();
        let agent = client();
        agent
            .get(&server.url("/ok?page=2"))
            .header("X-Test", "first")
            .call()
            .unwrap();
        agent.head(&server.url(sample_paths::ERROR)).call().unwrap();
        agent.get(&server.url(sample_paths::FLAKY)).call().unwrap();
        let log = server.stats().requests();
        let summary: Vec<_> = log
            .iter()
            .map(|r| {
                (
                    r.seq,
                    r.method.as_str(),
                    r.path.as_str(),
                    r.query.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (0, "GET", "/ok", Some("page=2")),
                (1, "HEAD", "/error", None),
                (2, "GET", "/flaky", None),
            ]
        );
        assert_eq!(log[0].header("x-test"), Some("first"));
        assert_eq!(log[0].header("X-TEST"), Some("first"));
        assert!(
            log[0]
                .header("host")
                .is_some_and(|h| h.starts_with("127.0.0.1:"))
        );
        assert!(log[0].at <= log[1].at && log[1].at <= log[2].at);
        assert!(log[0].connection < log[1].connection && log[1].connection < log[2].connection);
        let stats = server.stats();
        assert_eq!(stats.paths(), ["/ok", "/error", "/flaky"]);
        assert_eq!(
            (stats.total(), stats.hits("/ok"), stats.hits("/nothing")),
            (3, 1, 0)
        );
        // A query string does not change the path counted.
        assert_eq!(stats.completed("/ok"), 1);
        let error_body = "503 Service Unavailable\n";
        assert_eq!(
            stats.body_bytes(),
            (SAMPLE_BODY.len() + error_body.len()) as u64
        );
        assert_eq!((stats.in_flight(), stats.max_in_flight()), (0, 1));
    }

    // ANCHOR: gate
    #[course_testing::test(hint = "the manual gate never released its request")]
    fn a_manual_gate_holds_the_response_until_released() {
        let gate = Gate::manual();
        let server = HttpServer::sample().gate(gate.clone()).start().unwrap();
        let url = server.url(sample_paths::OK);
        let (tx, rx) = mpsc::channel();
        let requester = thread::spawn(move || tx.send(get(&url).body));
        assert!(
            gate.wait_held(1, Duration::from_secs(5)),
            "the request reached the gate"
        );
        let stats = server.stats();
        // Logged on arrival, in flight, not answered while held.
        assert_eq!((stats.total(), stats.in_flight(), gate.held()), (1, 1, 1));
        assert!(rx.try_recv().is_err(), "a held response arrived");
        assert!(!gate.is_open());
        gate.release();
        let body = rx.recv_timeout(Duration::from_secs(5)).expect("released");
        assert_eq!(body, SAMPLE_BODY.as_bytes());
        requester.join().unwrap().unwrap();
        // Open for good: later requests pass at once.
        assert_eq!(get(&server.url(sample_paths::OK)).status, 200);
        assert!(!gate.reached() && !gate.timed_out());
    }
    // ANCHOR_END: gate

    #[course_testing::test]
    fn a_route_gate_holds_that_route_only() {
        let gate = Gate::manual();
        let server = HttpServer::builder()
            .route("/held", Route::ok("held").gate(gate.clone()))
            .route("/free", Route::ok("free"))
            .start()
            .unwrap();
        let url = server.url("/held");
        let requester = thread::spawn(move || get(&url).body);
        assert!(gate.wait_held(1, Duration::from_secs(5)));
        assert_eq!(get(&server.url("/free")).body, b"free");
        gate.release();
        assert_eq!(requester.join().unwrap(), b"held");
    }

    fn from_threads(server: &HttpServer, threads: usize, requests: usize) -> Vec<u16> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let statuses = std::sync::Mutex::new(Vec::new());
        thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    let agent = client();
                    while next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < requests {
                        let got = get_with(&agent, &server.url(sample_paths::OK), &[]);
                        statuses.lock().unwrap().push(got.status);
                    }
                });
            }
        });
        statuses.into_inner().unwrap()
    }

    #[course_testing::test(hint = "the gate never opened and never gave up")]
    fn eight_concurrent_requests_open_a_gate_of_eight() {
        let gate = Gate::new(8, Duration::from_secs(5));
        let server = HttpServer::sample().gate(gate.clone()).start().unwrap();
        let statuses = from_threads(&server, 8, 16);
        assert_eq!(statuses, [200; 16]);
        assert!(
            gate.reached() && !gate.timed_out(),
            "8 threads should have had 8 requests in flight; the most was {}",
            gate.max_in_flight()
        );
        assert!(server.stats().max_in_flight() >= 8);
    }

    #[course_testing::test(hint = "a sequential client must cost one give-up, not one per request")]
    fn a_sequential_client_makes_the_gate_give_up_once() {
        let give_up = Duration::from_millis(300);
        let gate = Gate::new(4, give_up);
        let server = HttpServer::sample().gate(gate.clone()).start().unwrap();
        let start = Instant::now();
        assert_eq!(from_threads(&server, 1, 6), [200; 6]);
        assert!(gate.timed_out() && !gate.reached());
        assert_eq!(
            (gate.max_in_flight(), server.stats().max_in_flight()),
            (1, 1)
        );
        assert!(
            start.elapsed() >= give_up,
            "the first response was not held"
        );
    }

    #[course_testing::test]
    fn wait_for_requests_sees_requests_from_other_threads() {
        let server = sample();
        let stats = server.stats();
        assert!(!stats.wait_for_requests(1, Duration::from_millis(50)));
        let url = server.url(sample_paths::OK);
        let requester = thread::spawn(move || {
            for _ in 0..3 {
                get(&url);
            }
        });
        assert!(stats.wait_for_requests(3, Duration::from_secs(5)));
        requester.join().unwrap();
    }
}

mod delays {
    use super::*;

    #[course_testing::test]
    fn delays_are_seeded_per_path_and_in_range() {
        let delay = Delay {
            seed: 42,
            min_ms: 20,
            max_ms: 80,
        };
        let paths: Vec<String> = (0..200).map(|i| format!("/file{i}")).collect();
        let of = |d: Delay| paths.iter().map(|p| d.for_path(p)).collect::<Vec<_>>();
        let delays = of(delay);
        assert!(delays.iter().all(|d| (20..=80).contains(&d.as_millis())));
        assert_eq!(delays, of(delay), "the same seed gives the same delays");
        assert_ne!(delays, of(Delay { seed: 43, ..delay }), "another seed");
        let mean = delays.iter().map(Duration::as_millis).sum::<u128>() / 200;
        assert!((40..=60).contains(&mean), "mean {mean} ms");
    }

    #[course_testing::test]
    fn a_delayed_or_rate_limited_response_is_no_sooner_than_promised() {
        let server = HttpServer::builder()
            .route("/ok", Route::ok("x"))
            .route("/trickle", Route::generated(1, 100_000).rate(500_000))
            .delay(Delay {
                seed: 1,
                min_ms: 150,
                max_ms: 150,
            })
            .start()
            .unwrap();
        let start = Instant::now();
        assert_eq!(get(&server.url("/ok")).body, b"x");
        assert!(start.elapsed() >= Duration::from_millis(150));
        let start = Instant::now();
        assert_eq!(get(&server.url("/trickle")).body.len(), 100_000);
        // 150 ms of delay + 100 kB at 500 kB/s.
        assert!(
            start.elapsed() >= Duration::from_millis(340),
            "{:?}",
            start.elapsed()
        );
    }
}

mod lifecycle {
    use super::*;

    /// The threads of this process named like the server's.
    #[cfg(target_os = "linux")]
    fn server_threads() -> usize {
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
            return 0;
        };
        tasks
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|name| name.starts_with("test-http-"))
            .count()
    }

    /// In its own process: other tests' servers would be counted too.
    #[cfg(target_os = "linux")]
    #[course_testing::test(own_process)]
    fn stop_and_drop_end_every_thread_even_mid_response() {
        assert_eq!(server_threads(), 0);
        for round in 0..2 {
            let gate = Gate::manual();
            let server = HttpServer::sample()
                .route("/held", Route::ok("held").gate(gate.clone()))
                .start()
                .unwrap();
            // Held at a gate, headers delayed 30 s, a body paused for 30 s, a big body nobody
            // reads, and an idle connection that never sends a request.
            let mut clients = Vec::new();
            for path in ["/held", sample_paths::SLOW, sample_paths::SLOW_BODY] {
                let url = server.url(path);
                clients.push(thread::spawn(move || {
                    let response = client().get(&url).call();
                    response.is_ok_and(|r| r.into_body().read_to_vec().is_ok())
                }));
            }
            let stalled = {
                let url = server.url(sample_paths::LARGE);
                let response = client().get(&url).call().unwrap();
                response.into_body()
            };
            let idle = TcpStream::connect(server.addr()).unwrap();
            assert!(gate.wait_held(1, Duration::from_secs(5)));
            assert!(server.stats().wait_for_requests(4, Duration::from_secs(5)));
            // Acceptor + five connections (the idle one's thread may still be starting).
            let waited = Instant::now();
            while server_threads() < 6 && waited.elapsed() < Duration::from_secs(5) {
                thread::sleep(Duration::from_millis(5));
            }
            assert_eq!(server_threads(), 6);
            let stopped = Instant::now();
            if round == 0 {
                server.stop();
            } else {
                drop(server);
            }
            assert!(
                stopped.elapsed() < Duration::from_secs(5),
                "the stop waited for a fault"
            );
            assert_eq!(
                server_threads(),
                0,
                "round {round}: a server thread outlived it"
            );
            for c in clients {
                assert!(
                    !c.join().unwrap(),
                    "a response cut by the stop looked whole"
                );
            }
            drop((stalled, idle));
        }
    }
}
