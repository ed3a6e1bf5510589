//! Shared by the step modules: the loopback DNS server and a resolver pointed only at it, wrapped
//! in a counter of the lookups the code under test asks for.
#![allow(dead_code)] // each step uses a part

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use course_testing::dns::{DnsServer, loopback_resolver_config, mx_zone, test_resolver_options};
use ex2::{HickoryResolver, LookupError, Mx, MxResolver};

/// The sample zone (every verdict, under `test.`), `n` domains `d0.pool.test`... with one MX
/// each, and the failing names `timeout.test` (silent), `servfail.test`, `refused.test`.
pub fn sample_server(pool_domains: usize) -> course_testing::dns::DnsServerBuilder {
    let labels = (0..pool_domains).map(|i| format!("d{i}"));
    DnsServer::sample().zone("pool.test.", &mx_zone("pool.test.", labels))
}

/// Counts the lookups asked for, per lower-case domain: the server's counters cannot witness this
/// (hickory merges identical lookups in flight).
#[derive(Debug)]
pub struct Counting {
    inner: HickoryResolver,
    calls: Mutex<HashMap<String, usize>>,
}

impl Counting {
    fn count(&self, domain: &str) {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        *calls.entry(domain.to_lowercase()).or_default() += 1;
    }
    /// Lookups (MX and address) asked for `domain`.
    pub fn calls_for(&self, domain: &str) -> usize {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.get(&domain.to_lowercase()).copied().unwrap_or(0)
    }
    /// Lookups asked for, in all.
    pub fn total(&self) -> usize {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.values().sum()
    }
    /// The domains looked up more than once, with their counts.
    pub fn repeated(&self) -> Vec<(String, usize)> {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let mut repeated: Vec<_> = calls
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(d, n)| (d.clone(), *n))
            .collect();
        repeated.sort();
        repeated
    }
}

impl MxResolver for Counting {
    fn mx(&self, domain: &str) -> Result<Vec<Mx>, LookupError> {
        self.count(domain);
        self.inner.mx(domain)
    }
    fn addresses(&self, domain: &str) -> Result<Vec<IpAddr>, LookupError> {
        self.count(domain);
        self.inner.addresses(domain)
    }
}

/// A counting resolver that asks only `server`, with `timeout` per lookup and no cache.
pub fn resolver(server: &DnsServer, timeout: Duration) -> Arc<Counting> {
    let inner = HickoryResolver::new(
        loopback_resolver_config(server.addr()),
        test_resolver_options(timeout),
    )
    .expect("a resolver for the loopback DNS server");
    Arc::new(Counting {
        inner,
        calls: Mutex::default(),
    })
}

/// Emails as the functions take them.
pub fn emails(list: &[&str]) -> Vec<String> {
    list.iter().map(|e| (*e).to_owned()).collect()
}
