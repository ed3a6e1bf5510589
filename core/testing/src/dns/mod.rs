//! A real, authoritative DNS server on `127.0.0.1:0`, inside the test process (feature `dns`).
//!
//! Tests of code that does DNS lookups point a resolver at this server, and only at it: never at
//! the machine's resolver, never at the network. The server (hickory-server 0.26) runs on its own
//! thread and tokio runtime, so synchronous tests use it like any value, and it stops when dropped.
//!
//! - **Zones** from zone-file text ([`DnsServerBuilder::zone`]); [`SAMPLE_ZONE`] has one MX,
//!   several MX, a null MX, an A only, an AAAA only, a TXT only and a Unicode (IDNA) domain under
//!   `test.`. A name inside a served zone that does not exist is NXDOMAIN; a name outside every
//!   served zone is REFUSED (an authoritative server does not answer for other zones).
//! - **Failures**, per name and every name under it: [`Behavior::Silent`] never answers (the
//!   client times out), [`Behavior::Rcode`] answers SERVFAIL, REFUSED or any other code.
//! - **A gate** ([`Gate`]) holds every reply until N queries are in flight at once: a client that
//!   sends N lookups concurrently opens it; a sequential one waits for the gate's `give_up` once and
//!   the test reads [`Gate::reached`] / [`Gate::max_in_flight`] to say so.
//! - **Counters** ([`Stats`]): queries per name and type, as the server saw them.
//! - **A seeded delay** ([`Delay`]) per name, for demos and benchmarks of I/O-bound code.
//!
//! Two traps, measured while building this:
//! - hickory's resolver caches answers and merges *identical lookups in flight*: the server's
//!   counters do not witness how many lookups the code under test asked for. Count at the client
//!   (a counting wrapper around the resolver the test hands in), and build that resolver with
//!   [`test_resolver_options`] (cache TTLs clamped to 0, no retries, no hosts file).
//! - hickory resends a UDP query (same message id) after a third of the timeout: the server ignores
//!   copies of a query it is still holding (neither counted nor let through the gate), and tests
//!   keep lookup timeouts short (≤ 300 ms) when they expect a timeout.
//!
//! ```
//! use std::time::Duration;
//!
//! use course_testing::dns::{
//!     DnsServer, hickory_resolver::{TokioResolver, net::runtime::TokioRuntimeProvider},
//!     loopback_resolver_config, test_resolver_options,
//! };
//!
//! let server = DnsServer::sample().start().expect("the test DNS server starts");
//! let resolver = TokioResolver::builder_with_config(
//!     loopback_resolver_config(server.addr()),
//!     TokioRuntimeProvider::default(),
//! )
//! .with_options(test_resolver_options(Duration::from_millis(300)))
//! .build()
//! .expect("a resolver for the loopback server");
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! let mx = runtime.block_on(resolver.mx_lookup("one-mx.test.")).expect("one-mx.test has an MX");
//! assert_eq!(mx.answers().len(), 1);
//! assert!(runtime.block_on(resolver.mx_lookup("timeout.test.")).is_err()); // a silent name
//! assert_eq!(server.stats().queries_for("one-mx.test"), 1);
//! ```

mod client;
mod handler;
mod server;
mod zone;

use std::{io, net::SocketAddr, sync::Arc};

pub use client::{loopback_resolver_config, test_resolver_options};
pub use handler::{Behavior, Delay, Gate, Stats};
/// The resolver crate the server was tested with, for tests that build their own resolver.
pub use hickory_resolver;
/// DNS response codes, for [`Behavior::Rcode`].
pub use hickory_server::proto::op::ResponseCode;
/// DNS record types, for [`Stats::queries_for_type`].
pub use hickory_server::proto::rr::RecordType;
pub use zone::SAMPLE_ZONE;

/// The names [`DnsServer::sample`] fails on purpose (each with every name under it).
pub mod sample_names {
    /// Never answered: lookups time out.
    pub const SILENT: &str = "timeout.test.";
    /// Answered with SERVFAIL.
    pub const SERVFAIL: &str = "servfail.test.";
    /// Answered with REFUSED.
    pub const REFUSED: &str = "refused.test.";
}

/// What the server will serve; [`DnsServerBuilder::start`] starts it.
#[derive(Debug, Default)]
pub struct DnsServerBuilder {
    zones: Vec<(String, String)>,
    rules: Vec<(String, Behavior)>,
    gate: Option<Arc<Gate>>,
    delay: Option<Delay>,
}

impl DnsServerBuilder {
    /// Serves the zone `text` (zone-file syntax, with an SOA record) for `origin` (e.g. `"test."`).
    pub fn zone(mut self, origin: &str, text: &str) -> Self {
        self.zones.push((origin.to_owned(), text.to_owned()));
        self
    }

    /// Queries for `name` or any name under it get `behavior` instead of the zone's answer. When
    /// rules overlap, the most specific name wins.
    pub fn rule(mut self, name: &str, behavior: Behavior) -> Self {
        self.rules.push((name.to_owned(), behavior));
        self
    }

    /// Holds every reply at `gate` (see [`Gate`]); keep an `Arc` clone to read it afterwards.
    pub fn gate(mut self, gate: Arc<Gate>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Delays every reply by `delay.for_name(name)` (after the gate, if any).
    pub fn delay(mut self, delay: Delay) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Binds UDP and TCP on one ephemeral port of 127.0.0.1 and serves until the server is dropped.
    /// A zone that does not parse or a rule that is not a DNS name is an `InvalidInput` error.
    pub fn start(self) -> io::Result<DnsServer> {
        let invalid = |e: String| io::Error::new(io::ErrorKind::InvalidInput, e);
        let catalog = zone::catalog(&self.zones).map_err(invalid)?;
        let rules = self
            .rules
            .iter()
            .map(|(name, behavior)| Ok((handler::rule_name(name)?, *behavior)))
            .collect::<Result<_, String>>()
            .map_err(invalid)?;
        let stats = Arc::new(Stats::default());
        let thread = server::ServerThread::start(handler::Handler {
            catalog,
            rules,
            gate: self.gate,
            delay: self.delay,
            stats: stats.clone(),
        })?;
        Ok(DnsServer { thread, stats })
    }
}

/// A running loopback DNS server. Dropping it (or [`DnsServer::stop`]) ends its thread; replies it
/// still holds (a silent name, a closed gate) are abandoned.
#[derive(Debug)]
pub struct DnsServer {
    thread: server::ServerThread,
    stats: Arc<Stats>,
}

impl DnsServer {
    /// An empty server description: add zones, rules, a gate, a delay.
    pub fn builder() -> DnsServerBuilder {
        DnsServerBuilder::default()
    }

    /// [`SAMPLE_ZONE`] under `test.`, with the failure names of [`sample_names`]: silent,
    /// SERVFAIL and REFUSED.
    pub fn sample() -> DnsServerBuilder {
        Self::builder()
            .zone("test.", SAMPLE_ZONE)
            .rule(sample_names::SILENT, Behavior::Silent)
            .rule(
                sample_names::SERVFAIL,
                Behavior::Rcode(ResponseCode::ServFail),
            )
            .rule(
                sample_names::REFUSED,
                Behavior::Rcode(ResponseCode::Refused),
            )
    }

    /// The address (UDP and TCP) to point a resolver at.
    pub fn addr(&self) -> SocketAddr {
        self.thread.addr()
    }

    /// The counters of the queries this server received.
    pub fn stats(&self) -> Arc<Stats> {
        self.stats.clone()
    }

    /// Stops the server and waits for its thread to end.
    pub fn stop(self) {
        self.thread.stop();
    }
}

/// Zone text for `origin` with one MX for each of `labels` (`d0` gives `d0.<origin>`): a zone of
/// many distinct mail domains for concurrency tests and demos.
pub fn mx_zone<S: AsRef<str>>(origin: &str, labels: impl IntoIterator<Item = S>) -> String {
    let mut zone = format!(
        "$ORIGIN {origin}\n$TTL 300\n@ SOA ns.{origin} admin.{origin} ( 1 3600 600 86400 300 )\n"
    );
    for label in labels {
        let label = label.as_ref();
        zone.push_str(&format!("{label} MX 10 mail.{label}.{origin}\n"));
    }
    zone
}
