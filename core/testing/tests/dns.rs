//! The loopback DNS server (feature `dns`), tested with hickory's own resolver as the client.

use std::{
    io,
    sync::Arc,
    time::{Duration, Instant},
};

use course_testing::dns::{
    Behavior, Delay, DnsServer, Gate, RecordType, ResponseCode,
    hickory_resolver::{
        TokioResolver,
        net::{DnsError, NetError, NoRecords, runtime::TokioRuntimeProvider},
        proto::rr::RData,
    },
    loopback_resolver_config, mx_zone, test_resolver_options,
};

/// Every outcome a client can see, in a form tests can compare.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// The records' data, sorted: "10 mail.one-mx.test." for MX, the address for A/AAAA.
    Records(Vec<String>),
    NxDomain,
    NoData,
    Rcode(ResponseCode),
    Timeout,
    Other(String),
}

fn classify(error: &NetError) -> Outcome {
    match error {
        NetError::Dns(DnsError::NoRecordsFound(NoRecords { response_code, .. })) => {
            match *response_code {
                ResponseCode::NXDomain => Outcome::NxDomain,
                ResponseCode::NoError => Outcome::NoData,
                code => Outcome::Rcode(code),
            }
        }
        NetError::Dns(DnsError::ResponseCode(code)) => Outcome::Rcode(*code),
        NetError::Timeout => Outcome::Timeout,
        other => Outcome::Other(other.to_string()),
    }
}

/// A blocking client: hickory's resolver on a runtime whose `block_on` many threads may call.
struct Client {
    resolver: TokioResolver,
    runtime: tokio::runtime::Runtime,
}

impl Client {
    fn new(server: &DnsServer, timeout: Duration) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime for the client");
        let resolver = TokioResolver::builder_with_config(
            loopback_resolver_config(server.addr()),
            TokioRuntimeProvider::default(),
        )
        .with_options(test_resolver_options(timeout))
        .build()
        .expect("a resolver for the loopback server");
        Self { resolver, runtime }
    }

    fn lookup(&self, name: &str, rtype: RecordType) -> Outcome {
        // A final dot: no search-list suffixes.
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        match self
            .runtime
            .block_on(self.resolver.lookup(fqdn.as_str(), rtype))
        {
            Ok(lookup) => {
                let mut data: Vec<String> = lookup
                    .answers()
                    .iter()
                    .map(|record| match &record.data {
                        RData::MX(mx) => format!("{} {}", mx.preference, mx.exchange.to_ascii()),
                        other => other.to_string(),
                    })
                    .collect();
                data.sort();
                Outcome::Records(data)
            }
            Err(error) => classify(&error),
        }
    }

    fn mx(&self, name: &str) -> Outcome {
        self.lookup(name, RecordType::MX)
    }
}

fn records(data: &[&str]) -> Outcome {
    Outcome::Records(data.iter().map(|s| (*s).to_owned()).collect())
}

const SHORT: Duration = Duration::from_millis(200);

mod zones {
    use super::*;

    #[course_testing::test]
    fn every_record_of_the_sample_zone_is_served() {
        let server = DnsServer::sample().start().expect("server starts");
        let client = Client::new(&server, Duration::from_secs(2));
        assert_eq!(client.mx("one-mx.test"), records(&["10 mail.one-mx.test."]));
        assert_eq!(
            client.mx("many-mx.test"),
            records(&[
                "10 mx1.many-mx.test.",
                "20 mx2.many-mx.test.",
                "30 mx3.many-mx.test."
            ])
        );
        assert_eq!(
            client.mx("null-mx.test"),
            records(&["0 ."]),
            "RFC 7505 null MX"
        );
        assert_eq!(client.mx("a-only.test"), Outcome::NoData);
        assert_eq!(
            client.lookup("a-only.test", RecordType::A),
            records(&["192.0.2.1"])
        );
        assert_eq!(
            client.lookup("aaaa-only.test", RecordType::AAAA),
            records(&["2001:db8::1"])
        );
        assert_eq!(client.mx("txt-only.test"), Outcome::NoData);
        assert_eq!(
            client.lookup("txt-only.test", RecordType::A),
            Outcome::NoData
        );
        // The zone holds the IDNA (punycode) form; names compare case-insensitively.
        assert_eq!(
            client.mx("XN--BCHER-KVA.test"),
            records(&["10 mail.xn--bcher-kva.test."])
        );
    }

    #[course_testing::test]
    fn a_missing_name_is_nxdomain_and_a_foreign_zone_is_refused() {
        let server = DnsServer::sample().start().expect("server starts");
        let client = Client::new(&server, Duration::from_secs(2));
        assert_eq!(client.mx("missing.test"), Outcome::NxDomain);
        assert_eq!(
            client.lookup("missing.test", RecordType::A),
            Outcome::NxDomain
        );
        assert_eq!(
            client.mx("example.com"),
            Outcome::Rcode(ResponseCode::Refused)
        );
    }

    #[course_testing::test]
    fn several_zones_and_the_mx_zone_helper() {
        let server = DnsServer::builder()
            .zone("pool.test.", &mx_zone("pool.test.", ["d0", "d1"]))
            .zone("other.example.", &mx_zone("other.example.", ["mail"]))
            .start()
            .expect("server starts");
        let client = Client::new(&server, Duration::from_secs(2));
        assert_eq!(
            client.mx("d1.pool.test"),
            records(&["10 mail.d1.pool.test."])
        );
        assert_eq!(
            client.mx("mail.other.example"),
            records(&["10 mail.mail.other.example."])
        );
        assert_eq!(client.mx("d2.pool.test"), Outcome::NxDomain);
    }

    #[course_testing::test]
    fn bad_zone_text_and_bad_rule_names_are_errors_not_panics() {
        let error = DnsServer::builder()
            .zone("test.", "this is not a zone")
            .start()
            .expect_err("zone text without records must not start");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("zone"), "{error}");

        let error = DnsServer::builder()
            .rule("bad name with spaces and ü", Behavior::Silent)
            .start()
            .expect_err("a rule that is not a DNS name must not start");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("not a valid"), "{error}");
    }
}

mod failures {
    use super::*;

    #[course_testing::test]
    fn a_silent_name_times_out_after_about_one_timeout() {
        let server = DnsServer::sample().start().expect("server starts");
        let client = Client::new(&server, SHORT);
        let start = Instant::now();
        assert_eq!(client.mx("timeout.test"), Outcome::Timeout);
        assert_eq!(client.mx("deep.under.timeout.test"), Outcome::Timeout);
        let took = start.elapsed();
        // Lower bound only: it proves the server really held the replies.
        assert!(took >= SHORT * 2, "two timeouts of {SHORT:?} took {took:?}");
        // One query each: a retransmission of the same query is not counted.
        assert_eq!(server.stats().queries_for("timeout.test"), 1);
    }

    #[course_testing::test]
    fn servfail_and_refused_cover_their_names_and_the_most_specific_rule_wins() {
        let server = DnsServer::sample()
            .rule(
                "special.servfail.test.",
                Behavior::Rcode(ResponseCode::Refused),
            )
            .start()
            .expect("server starts");
        let client = Client::new(&server, Duration::from_secs(2));
        let servfail = Outcome::Rcode(ResponseCode::ServFail);
        let refused = Outcome::Rcode(ResponseCode::Refused);
        assert_eq!(client.mx("servfail.test"), servfail);
        assert_eq!(client.mx("a.servfail.test"), servfail);
        assert_eq!(client.mx("special.servfail.test"), refused);
        assert_eq!(client.mx("refused.test"), refused);
        assert_eq!(client.lookup("x.refused.test", RecordType::A), refused);
        // Names next to the rules still get the zone's answers.
        assert_eq!(client.mx("one-mx.test"), records(&["10 mail.one-mx.test."]));
    }
}

mod gate {
    use super::*;

    /// Looks up `names` from `threads` threads at once, through one client.
    fn lookup_from_threads(client: &Client, threads: usize, names: &[String]) -> Vec<Outcome> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(name) = names.get(i) else { break };
                        let outcome = client.mx(name);
                        results.lock().unwrap().push(outcome);
                    }
                });
            }
        });
        results.into_inner().unwrap()
    }

    fn pool_names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("d{i}.pool.test")).collect()
    }

    fn pool_server(gate: &Arc<Gate>) -> DnsServer {
        let labels = (0..20).map(|i| format!("d{i}"));
        DnsServer::builder()
            .zone("pool.test.", &mx_zone("pool.test.", labels))
            .gate(gate.clone())
            .start()
            .expect("server starts")
    }

    #[course_testing::test(hint = "the gate never opened and never gave up")]
    fn twenty_concurrent_lookups_open_a_gate_of_eight() {
        let gate = Gate::new(8, Duration::from_secs(5));
        let server = pool_server(&gate);
        // The client's timeout outlasts the gate's give-up: the gate decides, not the client.
        let client = Client::new(&server, Duration::from_secs(8));
        let outcomes = lookup_from_threads(&client, 20, &pool_names(20));
        assert!(
            outcomes.iter().all(|o| matches!(o, Outcome::Records(_))),
            "{outcomes:?}"
        );
        assert!(
            gate.reached() && !gate.timed_out(),
            "20 threads should have had 8 lookups in flight at once; the most was {}",
            gate.max_in_flight()
        );
    }

    #[course_testing::test(hint = "a sequential client must cost one give-up, not one per query")]
    fn a_sequential_client_makes_the_gate_give_up_once() {
        let give_up = Duration::from_millis(300);
        let gate = Gate::new(8, give_up);
        let server = pool_server(&gate);
        let client = Client::new(&server, Duration::from_secs(2));
        let start = Instant::now();
        let outcomes = lookup_from_threads(&client, 1, &pool_names(10));
        assert!(
            outcomes.iter().all(|o| matches!(o, Outcome::Records(_))),
            "{outcomes:?}"
        );
        assert!(gate.timed_out() && !gate.reached());
        assert_eq!(gate.max_in_flight(), 1);
        assert!(start.elapsed() >= give_up, "the first reply was not held");
    }
}

mod counters_and_delay {
    use super::*;

    #[course_testing::test]
    fn queries_are_counted_per_name_and_type() {
        let server = DnsServer::sample().start().expect("server starts");
        let stats = server.stats();
        let client = Client::new(&server, Duration::from_secs(2));
        for _ in 0..3 {
            client.mx("one-mx.test");
        }
        client.lookup("ONE-MX.test", RecordType::A);
        client.mx("missing.test");
        client.mx("refused.test");
        // The client's cache is off (test_resolver_options): every lookup reaches the server.
        assert_eq!(stats.queries_for("one-mx.test"), 4);
        assert_eq!(stats.queries_for("One-MX.Test."), 4);
        assert_eq!(stats.queries_for_type("one-mx.test", RecordType::MX), 3);
        assert_eq!(stats.queries_for_type("one-mx.test", RecordType::A), 1);
        assert_eq!(stats.queries_for("missing.test"), 1);
        assert_eq!(stats.queries_for("refused.test"), 1);
        assert_eq!(stats.queries_for("never-asked.test"), 0);
        assert_eq!(stats.total(), 6);
        assert_eq!(stats.duplicates(), 0);
    }

    #[course_testing::test]
    fn delays_are_seeded_per_name_and_in_range() {
        let delay = Delay {
            seed: 42,
            min_ms: 20,
            max_ms: 80,
        };
        let other = Delay { seed: 43, ..delay };
        let names: Vec<String> = (0..200).map(|i| format!("d{i}.pool.test")).collect();
        let of = |d: Delay| names.iter().map(|n| d.for_name(n)).collect::<Vec<_>>();
        let delays = of(delay);
        assert!(delays.iter().all(|d| (20..=80).contains(&d.as_millis())));
        assert_eq!(delays, of(delay), "the same seed gives the same delays");
        assert_ne!(delays, of(other), "another seed gives other delays");
        assert_eq!(
            delay.for_name("D1.POOL.TEST."),
            delay.for_name("d1.pool.test")
        );
        let mean = delays.iter().map(Duration::as_millis).sum::<u128>() / 200;
        assert!((40..=60).contains(&mean), "mean {mean} ms");
    }

    #[course_testing::test]
    fn a_delayed_reply_arrives_no_sooner_than_its_delay() {
        let delay = Delay {
            seed: 1,
            min_ms: 150,
            max_ms: 150,
        };
        let server = DnsServer::sample()
            .delay(delay)
            .start()
            .expect("server starts");
        let client = Client::new(&server, Duration::from_secs(2));
        let start = Instant::now();
        assert_eq!(client.mx("one-mx.test"), records(&["10 mail.one-mx.test."]));
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(150), "took {took:?}");
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
            .filter(|name| name.trim() == "test-dns-server")
            .count()
    }

    /// In its own process: other tests' servers would be counted too.
    #[cfg(target_os = "linux")]
    #[course_testing::test(own_process)]
    fn stop_and_drop_end_the_server_thread_even_with_replies_held() {
        assert_eq!(server_threads(), 0);
        for round in 0..3 {
            // A gate that never opens and a silent name: handler tasks are pending at shutdown.
            let gate = Gate::new(100, Duration::from_secs(60));
            let builder = DnsServer::sample();
            let server = if round == 0 {
                builder
            } else {
                builder.gate(gate)
            }
            .start()
            .expect("server starts");
            assert_eq!(server_threads(), 1);
            let client = Client::new(&server, Duration::from_millis(100));
            assert_eq!(client.mx("timeout.test"), Outcome::Timeout);
            if round == 0 {
                server.stop();
            } else {
                drop(server);
            }
            // The server thread is joined before stop/drop return: nothing to wait for.
            assert_eq!(
                server_threads(),
                0,
                "round {round}: the server thread outlived it"
            );
        }
    }
}
