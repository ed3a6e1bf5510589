//! A real HTTP/1.1 server on `127.0.0.1:0`, inside the test process (feature `http`).
//!
//! Tests of code that downloads point it at this server, and only at it: never at the network.
//! It is written on `std::net` (no async runtime, no HTTP framework) so that a test can hold a
//! response, slow it down or break the connection halfway, and see every request that arrived.
//!
//! - **Routes** per path ([`HttpServerBuilder::route`]): [`Route::ok`] (a fixed body),
//!   [`Route::generated`] (a body of any size generated from a seed as it is sent, see
//!   [`GeneratedBody`]: hundreds of MB cost no memory, and the test computes its MD5 by streaming
//!   it with [`GeneratedBody::md5_hex`]), [`Route::status`] (404, 500...), [`Route::retry_after`]
//!   (429 with `Retry-After`), [`Route::flaky`]. Any other path is `404`.
//! - **Faults** for the first N requests of a route or for all of them ([`Route::failing_first`],
//!   [`Route::always`]): a status, a 429, headers delayed (a slow server, beyond the client's
//!   timeout), a pause in the middle of the body, a connection dropped after K body bytes.
//! - **Every response** has `Content-Length` and `Connection: close`: one request per connection,
//!   so a client's connection pool never reuses one (and a dropped connection drops exactly one
//!   response). `200` responses have an `ETag` and answer `Range` (one range; `If-Range` on the
//!   ETag) with `206 Partial Content`, or `416` past the end, for resumable downloads.
//! - **Witnesses** ([`Stats`], from [`HttpServer::stats`]): the request log in arrival order
//!   (method, path, query, headers, time, connection), requests and whole responses per path,
//!   requests in flight and their maximum, body bytes sent.
//! - **A gate** ([`Gate`]) holds responses until the test releases it ([`Gate::manual`]) or until N
//!   requests are in flight at once ([`Gate::new`], which gives up after a while so a sequential
//!   client fails once, not per request). [`Gate::wait_held`] tells the test a request is held.
//! - **A seeded delay** ([`Delay`]) per path and a throughput cap per route ([`Route::rate`]), for
//!   demos; tests synchronise with the gate and the log, never with delays.
//! - **One thread per connection**; dropping the server (or [`HttpServer::stop`]) ends every
//!   wait, breaks every open connection and joins every thread before it returns.
//!
//! Paths are matched exactly, as sent (no percent-decoding), without the query string.
//!
//! ```
//! use std::time::Duration;
//!
//! use course_testing::http::{Fault, HttpServer, Route};
//!
//! let server = HttpServer::builder()
//!     .route("/hello", Route::ok("hello"))
//!     .route("/flaky", Route::flaky(2, 503, "at last"))
//!     .route("/cut", Route::generated(7, 1_000_000).always(Fault::DropAfter(1000)))
//!     .start()
//!     .expect("the test HTTP server starts");
//!
//! // ureq 3 as a test's client: statuses are values, not errors.
//! let agent = ureq::Agent::config_builder()
//!     .http_status_as_error(false)
//!     .timeout_global(Some(Duration::from_secs(5)))
//!     .build()
//!     .new_agent();
//! let mut response = agent.get(&server.url("/hello")).call().unwrap();
//! assert_eq!(response.body_mut().read_to_string().unwrap(), "hello");
//!
//! let statuses: Vec<u16> = (0..3)
//!     .map(|_| agent.get(&server.url("/flaky")).call().unwrap().status().as_u16())
//!     .collect();
//! assert_eq!(statuses, [503, 503, 200]);
//!
//! let cut = agent.get(&server.url("/cut")).call().unwrap().body_mut().read_to_vec();
//! assert!(cut.is_err(), "the body ends before its Content-Length");
//!
//! assert_eq!(server.stats().hits("/flaky"), 3);
//! assert_eq!(server.stats().paths()[0], "/hello");
//! ```

mod generated;
mod route;
mod server;
mod wire;
mod witness;

use std::{io, net::SocketAddr, sync::Arc, time::Duration};

pub use generated::{GeneratedBody, GeneratedReader};
pub use route::{Body, Fault, Route};
pub use witness::{Delay, Gate, RequestRecord, Stats};

/// The paths [`HttpServer::sample`] serves, one per behaviour.
pub mod sample_paths {
    /// `200` with [`super::SAMPLE_BODY`].
    pub const OK: &str = "/ok";
    /// `503` twice, then `200` with [`super::SAMPLE_BODY`].
    pub const FLAKY: &str = "/flaky";
    /// Always `500`.
    pub const ERROR: &str = "/error";
    /// Always `404` (as is every path not served).
    pub const MISSING: &str = "/missing";
    /// Always `429` with `Retry-After: 1`.
    pub const RATE_LIMITED: &str = "/rate-limited";
    /// Headers only after 30 s: longer than any test client's timeout (a stop ends the wait).
    pub const SLOW: &str = "/slow";
    /// Headers and 1 KiB of a 64 KiB body, then a 30 s pause.
    pub const SLOW_BODY: &str = "/slow-body";
    /// 256 MiB generated from seed 1 ([`super::SAMPLE_LARGE`]).
    pub const LARGE: &str = "/large";
    /// 1 MiB generated from seed 2 ([`super::SAMPLE_DROPPED`]); every response is cut after 512 KiB.
    pub const DROPPED: &str = "/dropped";
    /// The same 1 MiB; only the first response is cut after 512 KiB, later ones (and `Range`
    /// requests resuming the first) are whole.
    pub const DROPPED_ONCE: &str = "/dropped-once";
}

/// The body of [`sample_paths::OK`] and [`sample_paths::FLAKY`].
pub const SAMPLE_BODY: &str = "hello from the loopback HTTP server\n";
/// The body of [`sample_paths::LARGE`].
pub const SAMPLE_LARGE: GeneratedBody = GeneratedBody {
    seed: 1,
    len: 256 * 1024 * 1024,
};
/// The body of [`sample_paths::DROPPED`] and [`sample_paths::DROPPED_ONCE`].
pub const SAMPLE_DROPPED: GeneratedBody = GeneratedBody {
    seed: 2,
    len: 1024 * 1024,
};

/// What the server will serve; [`HttpServerBuilder::start`] starts it.
#[derive(Debug, Default)]
pub struct HttpServerBuilder {
    routes: Vec<(String, Route)>,
    gate: Option<Arc<Gate>>,
    delay: Option<Delay>,
}

/// `/path` from `path` or `/path`.
fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

impl HttpServerBuilder {
    /// Serves `route` at `path` (a leading `/` is added if missing; a later route for the same
    /// path replaces an earlier one).
    pub fn route(mut self, path: &str, route: Route) -> Self {
        self.routes.push((absolute(path), route));
        self
    }

    /// Holds every response at `gate` (a route's own gate takes precedence); keep an `Arc` clone
    /// to release it and read it.
    pub fn gate(mut self, gate: Arc<Gate>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Delays every response by `delay.for_path(path)` (after the gate, if any).
    pub fn delay(mut self, delay: Delay) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Binds an ephemeral port of 127.0.0.1 and serves until the server is dropped.
    pub fn start(self) -> io::Result<HttpServer> {
        let shared = server::Shared::new(self.routes, self.gate, self.delay);
        Ok(HttpServer {
            thread: server::ServerThread::start(shared)?,
        })
    }
}

/// A running loopback HTTP server. Dropping it (or [`HttpServer::stop`]) stops it: held and
/// delayed responses are abandoned, open connections are closed, and every thread is joined.
#[derive(Debug)]
pub struct HttpServer {
    thread: server::ServerThread,
}

impl HttpServer {
    /// An empty server description: add routes, a gate, a delay.
    pub fn builder() -> HttpServerBuilder {
        HttpServerBuilder::default()
    }

    /// A route for each of [`sample_paths`].
    pub fn sample() -> HttpServerBuilder {
        use sample_paths as p;
        let long = Duration::from_secs(30);
        Self::builder()
            .route(p::OK, Route::ok(SAMPLE_BODY).content_type("text/plain"))
            .route(
                p::FLAKY,
                Route::flaky(2, 503, SAMPLE_BODY).content_type("text/plain"),
            )
            .route(p::ERROR, Route::status(500))
            .route(p::MISSING, Route::status(404))
            .route(p::RATE_LIMITED, Route::retry_after(1))
            .route(
                p::SLOW,
                Route::ok(SAMPLE_BODY).always(Fault::DelayHeaders(long)),
            )
            .route(
                p::SLOW_BODY,
                Route::generated(3, 64 * 1024).always(Fault::DelayBody {
                    after: 1024,
                    delay: long,
                }),
            )
            .route(
                p::LARGE,
                Route::generated(SAMPLE_LARGE.seed, SAMPLE_LARGE.len),
            )
            .route(
                p::DROPPED,
                Route::generated(SAMPLE_DROPPED.seed, SAMPLE_DROPPED.len)
                    .always(Fault::DropAfter(SAMPLE_DROPPED.len / 2)),
            )
            .route(
                p::DROPPED_ONCE,
                Route::generated(SAMPLE_DROPPED.seed, SAMPLE_DROPPED.len)
                    .failing_first(1, Fault::DropAfter(SAMPLE_DROPPED.len / 2)),
            )
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.thread.addr()
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.addr().port()
    }

    /// `http://127.0.0.1:<port><path>` (a leading `/` is added if missing).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr(), absolute(path))
    }

    /// The request log and counters.
    pub fn stats(&self) -> Arc<Stats> {
        self.thread.shared().stats.clone()
    }

    /// Serves `route` at `path` from now on, replacing any route there; its faults count from
    /// its next request. (A file that changes on the server: a new body or ETag.)
    pub fn set_route(&self, path: &str, route: Route) {
        self.thread.shared().set_route(absolute(path), route);
    }

    /// The `ETag` header value the route at `path` sends now, quotes included.
    pub fn etag(&self, path: &str) -> Option<String> {
        self.thread.shared().etag(&absolute(path))
    }

    /// Stops the server and waits for all its threads to end.
    pub fn stop(self) {
        self.thread.stop();
    }
}
