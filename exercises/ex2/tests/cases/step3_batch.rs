//! Step 3: the whole list on a thread pool, each distinct domain looked up once. Concurrency is
//! witnessed by the server (it holds its replies until 8 lookups are in flight at once), dedup by
//! counting the lookups asked of the resolver, order on an executor that finishes tasks shuffled.

use std::{sync::Arc, time::Duration};

use concurrent::{ThreadPoolExecutor, testing::AdversarialExecutor};
use course_testing::{dns::Gate, expect_no_panic};
use ex2::{MxResolver, Report, Verdict, validate_emails};

use crate::support::{Counting, emails, resolver, sample_server};

fn validate(
    executor: &impl concurrent::Executor,
    resolver: &Arc<Counting>,
    list: &[String],
    implicit_mx: bool,
) -> Vec<Report> {
    let resolver: Arc<dyn MxResolver> = resolver.clone();
    expect_no_panic(
        "validate_emails with a healthy pool and resolver must not panic",
        || validate_emails(executor, resolver, list, implicit_mx),
    )
    .expect("the pool is healthy: validate_emails should not fail")
}

// ANCHOR: dedup
#[course_testing::test]
fn one_report_per_email_in_order_and_one_lookup_per_domain() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver = resolver(&server, Duration::from_millis(300));
    let list = emails(&[
        "ana@one-mx.test",
        "bad syntax@one-mx.test",
        "bob@ONE-MX.test",
        "carl@null-mx.test",
        "dora@bücher.test",
        "eve@xn--bcher-kva.test",
        "fred@missing.test",
        "gina@one-mx.test",
        "hugo@servfail.test",
        "ines@many-mx.test",
    ]);
    let pool = AdversarialExecutor::shuffled(ThreadPoolExecutor::new(4), 2);
    let reports = validate(&pool, &resolver, &list, false);
    let got: Vec<(&str, Verdict)> = reports
        .iter()
        .map(|r| (r.email.as_str(), r.verdict))
        .collect();
    use Verdict::{Invalid, Unverifiable, Valid};
    assert_eq!(
        got,
        [
            ("ana@one-mx.test", Valid),
            ("bad syntax@one-mx.test", Invalid),
            ("bob@ONE-MX.test", Valid),
            ("carl@null-mx.test", Invalid),
            ("dora@bücher.test", Valid),
            ("eve@xn--bcher-kva.test", Valid),
            ("fred@missing.test", Invalid),
            ("gina@one-mx.test", Valid),
            ("hugo@servfail.test", Unverifiable),
            ("ines@many-mx.test", Valid),
        ],
        "one report per email, in the list's order (the lookups of this test finish in a \
         shuffled order: put each result back by its domain, not in the order they finish)"
    );
    assert!(
        reports[1].reason.to_lowercase().contains("syntax"),
        "an email with bad syntax is Invalid with a reason that says so (\"bad syntax: ...\"), \
         got {:?}",
        reports[1].reason
    );
    assert_eq!(
        reports[0].reason, reports[7].reason,
        "emails of the same domain share its result"
    );
    assert_eq!(
        resolver.repeated(),
        [],
        "each distinct domain must be looked up once, however many emails share it (one-mx.test \
         and ONE-MX.test are one domain, bücher.test and xn--bcher-kva.test too)"
    );
    assert_eq!(
        resolver.calls_for("one-mx.test"),
        1,
        "one-mx.test is the domain of 3 emails: look it up once"
    );
    assert_eq!(
        resolver.total(),
        6,
        "6 distinct domains have good syntax: expected 6 lookups (bad syntax is Invalid without \
         any lookup)"
    );
}
// ANCHOR_END: dedup

#[course_testing::test(hint = "a lookup that waits for another one?")]
fn ten_thousand_emails_of_three_domains_make_three_lookups() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver = resolver(&server, Duration::from_secs(2));
    let domains = ["one-mx.test", "Many-MX.test", "bücher.test"];
    let list: Vec<String> = (0..10_000)
        .map(|i| format!("user{i}@{}", domains[i % 3]))
        .collect();
    let reports = validate(&ThreadPoolExecutor::new(20), &resolver, &list, false);
    assert_eq!(reports.len(), 10_000, "one report per email");
    assert!(
        reports.iter().all(|r| r.verdict == Verdict::Valid),
        "every email of these 3 domains is valid"
    );
    assert_eq!(
        resolver.total(),
        3,
        "10,000 emails of 3 domains must make 3 lookups, not one per email: look each distinct \
         (lower-case) domain up once and share its result (a map from domain to future)"
    );
}

// ANCHOR: gate
#[course_testing::test(hint = "the server holds its replies until 8 lookups are in flight")]
fn lookups_run_concurrently_on_the_pool() {
    let gate = Gate::new(8, Duration::from_millis(1500));
    let server = sample_server(20)
        .gate(gate.clone())
        .start()
        .expect("the test DNS server starts");
    // The lookup timeout outlasts the gate's give-up: the gate decides, not the client.
    let resolver = resolver(&server, Duration::from_secs(4));
    let list: Vec<String> = (0..20).map(|i| format!("user@d{i}.pool.test")).collect();
    let reports = validate(&ThreadPoolExecutor::new(20), &resolver, &list, false);
    assert!(
        reports.iter().all(|r| r.verdict == Verdict::Valid),
        "every d<i>.pool.test has an MX: {reports:?}"
    );
    assert!(
        gate.reached(),
        "the lookups ran one after the other (at most {} in flight at once, 8 expected with 20 \
         workers): submit a task per domain first, then wait for the results; waiting for each \
         future right after submitting it makes the pool sequential",
        gate.max_in_flight()
    );
}
// ANCHOR_END: gate

#[course_testing::test]
fn lines_that_are_not_utf8_are_invalid_not_a_crash() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver = resolver(&server, Duration::from_millis(300));
    let list = ex2::parse_emails(b"ana@one-mx.test\n\xff\xfe@one-mx.test\nbo\xc3b@one-mx.test\n");
    let reports = validate(&ThreadPoolExecutor::new(4), &resolver, &list, false);
    let verdicts: Vec<Verdict> = reports.iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        [Verdict::Valid, Verdict::Invalid, Verdict::Invalid],
        "lines with bytes that are not UTF-8 are Invalid, in their place: {reports:?}"
    );
}

#[course_testing::test]
fn an_empty_list_makes_no_lookups() {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver = resolver(&server, Duration::from_millis(300));
    let reports = validate(&ThreadPoolExecutor::new(2), &resolver, &[], false);
    assert!(reports.is_empty(), "no emails, no reports: {reports:?}");
    assert_eq!(resolver.total(), 0, "no emails, no lookups");
}
