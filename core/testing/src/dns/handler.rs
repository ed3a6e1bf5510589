//! The server's request handler: real zones (a `Catalog`) plus, per name, failure behaviours, an
//! optional gate that holds replies until N queries are in flight, an optional seeded delay, and
//! counters of queries per name.
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use hickory_server::{
    net::runtime::Time,
    proto::{
        op::{Header, HeaderCounts, Metadata, ResponseCode},
        rr::{LowerName, Name, RecordType},
    },
    server::{Request, RequestHandler, ResponseHandler, ResponseInfo},
    zone_handler::{Catalog, MessageResponseBuilder},
};
use tokio::sync::watch;

pub use crate::delay::Delay;

/// What the server does with a query for a name at or under a rule's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behavior {
    /// Never answers: the client times out.
    Silent,
    /// Answers with this response code and no records (SERVFAIL, REFUSED, ...).
    Rcode(ResponseCode),
}

/// The name a rule or a counter is keyed by: `LowerName` compares case-insensitively.
pub(crate) fn rule_name(name: &str) -> Result<LowerName, String> {
    Name::from_ascii(name)
        .map(|n| LowerName::new(&n))
        .map_err(|e| format!("{name:?} is not a valid ASCII DNS name: {e}"))
}

/// Query counters, shared between the server thread and the test.
#[derive(Debug, Default)]
pub struct Stats {
    inner: Mutex<StatsInner>,
}

#[derive(Debug, Default)]
struct StatsInner {
    /// (lower-case name without the final dot, type) -> queries received.
    per_name: HashMap<(String, RecordType), usize>,
    /// Copies of a query that is still in flight (same id, name and type): UDP retransmissions,
    /// or hickory's retries (`attempts`), which resend the very same message (same id).
    duplicates: usize,
    in_flight_keys: HashSet<(u16, String, RecordType)>,
}

fn key_name(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl Stats {
    fn lock(&self) -> MutexGuard<'_, StatsInner> {
        // A panic elsewhere must not hide the counts from the test.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Queries of any type for `name` (case-insensitive, final dot optional).
    pub fn queries_for(&self, name: &str) -> usize {
        let name = key_name(name);
        let s = self.lock();
        s.per_name
            .iter()
            .filter(|((n, _), _)| *n == name)
            .map(|(_, c)| c)
            .sum()
    }
    /// Queries of type `rtype` for `name` (case-insensitive, final dot optional).
    pub fn queries_for_type(&self, name: &str, rtype: RecordType) -> usize {
        let s = self.lock();
        s.per_name
            .get(&(key_name(name), rtype))
            .copied()
            .unwrap_or(0)
    }
    /// Queries of any type for any name.
    pub fn total(&self) -> usize {
        self.lock().per_name.values().sum()
    }
    /// Copies of queries that arrived while the first copy was still in flight (not counted above).
    pub fn duplicates(&self) -> usize {
        self.lock().duplicates
    }
    /// Records a query; false when it duplicates one still in flight.
    fn arrive(&self, id: u16, name: &str, rtype: RecordType) -> bool {
        let mut s = self.lock();
        let name = key_name(name);
        if !s.in_flight_keys.insert((id, name.clone(), rtype)) {
            s.duplicates += 1;
            return false;
        }
        *s.per_name.entry((name, rtype)).or_default() += 1;
        true
    }
    fn leave(&self, id: u16, name: &str, rtype: RecordType) {
        self.lock()
            .in_flight_keys
            .remove(&(id, key_name(name), rtype));
    }
}

/// Holds every reply until `threshold` queries are in flight at once, then opens for good.
/// If that does not happen within `give_up`, it opens anyway and remembers that it timed out, so
/// a sequential client fails fast (one `give_up` wait, not one per query).
#[derive(Debug)]
pub struct Gate {
    threshold: usize,
    give_up: Duration,
    state: Mutex<GateState>,
    open: watch::Sender<bool>,
}

#[derive(Debug, Default)]
struct GateState {
    in_flight: usize,
    max_in_flight: usize,
    timed_out: bool,
}

impl Gate {
    /// A gate that opens when `threshold` queries are in flight at once, or after `give_up`.
    pub fn new(threshold: usize, give_up: Duration) -> Arc<Self> {
        Arc::new(Self {
            threshold,
            give_up,
            state: Mutex::default(),
            open: watch::Sender::new(false),
        })
    }
    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// The most queries that were in flight at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.lock().max_in_flight
    }
    /// True when the gate gave up waiting for `threshold` queries.
    pub fn timed_out(&self) -> bool {
        self.lock().timed_out
    }
    /// True when `threshold` queries were in flight at once.
    pub fn reached(&self) -> bool {
        self.max_in_flight() >= self.threshold
    }

    async fn enter(&self) {
        {
            let mut s = self.lock();
            s.in_flight += 1;
            s.max_in_flight = s.max_in_flight.max(s.in_flight);
            if s.in_flight >= self.threshold {
                self.open.send_replace(true);
            }
        }
        let mut rx = self.open.subscribe();
        if tokio::time::timeout(self.give_up, rx.wait_for(|open| *open))
            .await
            .is_err()
        {
            self.lock().timed_out = true;
            self.open.send_replace(true);
        }
    }
    fn leave(&self) {
        self.lock().in_flight -= 1;
    }
}

impl Delay {
    /// The delay of every reply about `name` (case-insensitive, final dot optional).
    pub fn for_name(&self, name: &str) -> Duration {
        self.for_key(&key_name(name))
    }
}

/// The whole server behaviour, assembled by [`super::DnsServerBuilder`].
pub(crate) struct Handler {
    pub(crate) catalog: Catalog,
    pub(crate) rules: Vec<(LowerName, Behavior)>,
    pub(crate) gate: Option<Arc<Gate>>,
    pub(crate) delay: Option<Delay>,
    pub(crate) stats: Arc<Stats>,
}

impl Handler {
    fn behavior_for(&self, name: &LowerName) -> Option<Behavior> {
        // The most specific rule wins: `a.b.test.` before `b.test.`.
        self.rules
            .iter()
            .filter(|(zone, _)| zone.zone_of(name))
            .max_by_key(|(zone, _)| zone.num_labels())
            .map(|(_, b)| *b)
    }
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let Ok(info) = request.request_info() else {
            // Not exactly one query: let the catalog answer FORMERR.
            return self
                .catalog
                .handle_request::<R, T>(request, response_handle)
                .await;
        };
        let (id, name, rtype) = (
            request.metadata.id,
            info.query.name().to_ascii(),
            info.query.query_type(),
        );
        // to_ascii, not to_string: Name's Display decodes punycode to Unicode.
        let behavior = self.behavior_for(info.query.name());

        if !self.stats.arrive(id, &name, rtype) {
            // A copy of a query we are still holding (UDP retransmission or retry): the first copy
            // will answer. It is neither counted nor let through the gate (it would fake concurrency).
            return ResponseInfo::from(Header {
                metadata: Metadata::response_from_request(&request.metadata),
                counts: HeaderCounts::default(),
            });
        }
        if let Some(gate) = &self.gate {
            gate.enter().await;
        }
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay.for_name(&name)).await;
        }
        let reply = match behavior {
            // Never answers; the task is aborted when the server shuts down.
            Some(Behavior::Silent) => std::future::pending().await,
            Some(Behavior::Rcode(code)) => {
                let response = MessageResponseBuilder::new(&request.queries, None)
                    .error_msg(&request.metadata, code);
                match response_handle.send_response(response).await {
                    Ok(info) => info,
                    Err(_) => {
                        let mut metadata = Metadata::response_from_request(&request.metadata);
                        metadata.response_code = ResponseCode::ServFail;
                        ResponseInfo::from(Header {
                            metadata,
                            counts: HeaderCounts::default(),
                        })
                    }
                }
            }
            None => {
                self.catalog
                    .handle_request::<R, T>(request, response_handle)
                    .await
            }
        };
        if let Some(gate) = &self.gate {
            gate.leave();
        }
        self.stats.leave(id, &name, rtype);
        reply
    }
}
