//! Given code (not a step): a blocking MX resolver over hickory-resolver 0.26, and the trait the
//! validator uses, so tests can hand it a resolver of their own (pointed at a loopback server,
//! wrapped in a counter).
//!
//! hickory 0.26 is async only: [`HickoryResolver`] owns a small tokio runtime and `block_on`s each
//! lookup, so the threads of a `ThreadPoolExecutor` can share one resolver (`block_on` takes
//! `&self`). Every lookup outcome that is not a list of records becomes one [`LookupError`].
use std::{
    fmt, io,
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use hickory_resolver::{
    TokioResolver,
    config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts},
    net::{DnsError, NetError, NoRecords, runtime::TokioRuntimeProvider},
    proto::{
        op::ResponseCode,
        rr::{Name, RData},
    },
};
use tokio::runtime::Runtime;

/// One MX record: the mail server `exchange` (ASCII, no final dot) and its `preference` (lower is
/// tried first). A null MX (RFC 7505) has the exchange `""` (the root name `.`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mx {
    /// Lower is preferred.
    pub preference: u16,
    /// The mail server's name, or `""` for a null MX.
    pub exchange: String,
}

/// Every outcome of a lookup that is not a list of records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// NXDOMAIN: the name does not exist.
    NxDomain,
    /// NOERROR but no record of the asked type (NODATA): the name exists.
    NoRecords,
    /// No answer within the resolver's timeout.
    Timeout,
    /// The server answered SERVFAIL.
    ServFail,
    /// The server answered REFUSED.
    Refused,
    /// Another error response code (FORMERR, NOTIMP...).
    Rcode(String),
    /// A network error (no route, connection refused...).
    Network(String),
    /// The name is not a valid DNS name (found before any query is sent).
    BadName(String),
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NxDomain => write!(f, "domain does not exist (NXDOMAIN)"),
            Self::NoRecords => write!(f, "no records of that type"),
            Self::Timeout => write!(f, "timed out"),
            Self::ServFail => write!(f, "server failure (SERVFAIL)"),
            Self::Refused => write!(f, "query refused (REFUSED)"),
            Self::Rcode(code) => write!(f, "error response {code}"),
            Self::Network(e) => write!(f, "network error: {e}"),
            Self::BadName(e) => write!(f, "invalid domain name: {e}"),
        }
    }
}

impl std::error::Error for LookupError {}

/// What the validator needs from DNS. `Send + Sync`: one resolver is shared by every worker.
/// `Debug`: a resolver can say what it is in messages.
pub trait MxResolver: Send + Sync + fmt::Debug {
    /// The MX records of `domain` (ASCII), sorted by preference.
    fn mx(&self, domain: &str) -> Result<Vec<Mx>, LookupError>;
    /// The A and AAAA addresses of `domain` (for RFC 5321's implicit MX).
    fn addresses(&self, domain: &str) -> Result<Vec<IpAddr>, LookupError>;
}

/// Maps hickory 0.26's one error type to the cases above (crate-visible: an async version of the
/// batch, the chapter's "going further", maps its errors the same way).
pub(crate) fn classify(err: &NetError) -> LookupError {
    match err {
        NetError::Dns(DnsError::NoRecordsFound(NoRecords { response_code, .. })) => {
            match *response_code {
                ResponseCode::NXDomain => LookupError::NxDomain,
                ResponseCode::NoError => LookupError::NoRecords,
                code => LookupError::Rcode(code.to_string()),
            }
        }
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => LookupError::ServFail,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => LookupError::Refused,
        NetError::Dns(DnsError::ResponseCode(code)) => LookupError::Rcode(code.to_string()),
        NetError::Timeout => LookupError::Timeout,
        NetError::Io(e) if e.kind() == io::ErrorKind::TimedOut => LookupError::Timeout,
        NetError::Io(e) => LookupError::Network(e.to_string()),
        NetError::NoConnections => LookupError::Network("could not reach any name server".into()),
        other => LookupError::Network(other.to_string()),
    }
}

/// hickory's resolver with a runtime of its own, usable from plain threads.
pub struct HickoryResolver {
    // Field order matters: the resolver (and its background tasks) drops before the runtime.
    resolver: TokioResolver,
    runtime: Runtime,
}

impl fmt::Debug for HickoryResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HickoryResolver")
            .field("options", self.resolver.options())
            .finish_non_exhaustive()
    }
}

/// One runtime thread drives every lookup's I/O; the pool's threads only wait in `block_on`.
fn runtime() -> io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("dns-resolver")
        .enable_all()
        .build()
}

impl HickoryResolver {
    /// A resolver with this configuration and these options (tests pass the loopback server's).
    pub fn new(config: ResolverConfig, options: ResolverOpts) -> io::Result<Self> {
        let runtime = runtime()?;
        let resolver = TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
            .with_options(options)
            .build()
            .map_err(io::Error::other)?;
        Ok(Self { resolver, runtime })
    }

    /// Asks only the name server at `server` (UDP, TCP for long answers), `timeout` per lookup.
    pub fn nameserver(server: SocketAddr, timeout: Duration) -> io::Result<Self> {
        let mut udp = ConnectionConfig::udp();
        udp.port = server.port();
        let mut tcp = ConnectionConfig::tcp();
        tcp.port = server.port();
        let config = ResolverConfig::from_name_servers(vec![NameServerConfig::new(
            server.ip(),
            true,
            vec![udp, tcp],
        )]);
        let mut options = ResolverOpts::default();
        options.timeout = timeout;
        options.attempts = 0; // retries after the first try: a timeout costs one timeout
        Self::new(config, options)
    }

    /// The machine's own configuration (`/etc/resolv.conf` on Unix): for real use, never in tests.
    pub fn system(timeout: Duration) -> io::Result<Self> {
        let runtime = runtime()?;
        let mut builder = TokioResolver::builder_tokio().map_err(io::Error::other)?;
        builder.options_mut().timeout = timeout;
        builder.options_mut().attempts = 0;
        let resolver = builder.build().map_err(io::Error::other)?;
        Ok(Self { resolver, runtime })
    }

    /// The absolute name of `domain` (crate-visible, like [`classify`]).
    pub(crate) fn fqdn(domain: &str) -> Result<Name, LookupError> {
        // from_utf8 applies IDNA; a final dot: the search list never adds suffixes.
        let mut name = Name::from_utf8(domain).map_err(|e| LookupError::BadName(e.to_string()))?;
        name.set_fqdn(true);
        Ok(name)
    }
}

impl MxResolver for HickoryResolver {
    fn mx(&self, domain: &str) -> Result<Vec<Mx>, LookupError> {
        let name = Self::fqdn(domain)?;
        let lookup = self
            .runtime
            .block_on(self.resolver.mx_lookup(name))
            .map_err(|e| classify(&e))?;
        let mut mx: Vec<Mx> = lookup
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::MX(mx) => Some(Mx {
                    preference: mx.preference,
                    exchange: mx.exchange.to_ascii().trim_end_matches('.').to_owned(),
                }),
                _ => None, // a CNAME on the way, for instance
            })
            .collect();
        mx.sort();
        Ok(mx)
    }

    fn addresses(&self, domain: &str) -> Result<Vec<IpAddr>, LookupError> {
        let name = Self::fqdn(domain)?;
        let lookup = self
            .runtime
            .block_on(self.resolver.lookup_ip(name))
            .map_err(|e| classify(&e))?;
        Ok(lookup.iter().collect())
    }
}
