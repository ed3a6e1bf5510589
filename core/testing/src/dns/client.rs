//! How a test points hickory's resolver at the loopback server, and only at it.
use std::{net::SocketAddr, time::Duration};

use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};

/// Only the name server at `server` (UDP, and TCP for truncated answers): no system configuration,
/// no search domains, no other server.
pub fn loopback_resolver_config(server: SocketAddr) -> ResolverConfig {
    let mut udp = ConnectionConfig::udp();
    udp.port = server.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = server.port();
    ResolverConfig::from_name_servers(vec![NameServerConfig::new(
        server.ip(),
        true,
        vec![udp, tcp],
    )])
}

/// Options for a resolver under test: `timeout` per lookup, one try (a silent server costs one
/// timeout, not three), nothing cached (every lookup the code asks for reaches the server, so
/// repeated lookups are not hidden), and the hosts file ignored.
pub fn test_resolver_options(timeout: Duration) -> ResolverOpts {
    let mut opts = ResolverOpts::default(); // #[non_exhaustive]: no struct literal
    opts.timeout = timeout;
    opts.attempts = 0; // *re*tries after the first try
    opts.positive_max_ttl = Some(Duration::ZERO);
    opts.negative_max_ttl = Some(Duration::ZERO);
    opts.use_hosts_file = ResolveHosts::Never;
    opts
}
