//! Step 2: one domain against a real DNS server (on 127.0.0.1, inside the test process).

use std::time::Duration;

use course_testing::expect_no_panic;
use ex2::{Outcome, Verdict, classify_domain};

use crate::support::{resolver, sample_server};

/// Classifies `domain` against the sample server, keeping the lesson if the code panics.
fn classify(domain: &str, implicit_mx: bool) -> Outcome {
    let server = sample_server(0)
        .start()
        .expect("the test DNS server starts");
    let resolver = resolver(&server, Duration::from_millis(200));
    expect_no_panic(
        &format!(
            "classify_domain({domain:?}) must turn every DNS answer, and every DNS failure, into a \
             verdict: do not unwrap the lookup"
        ),
        || classify_domain(resolver.as_ref(), domain, implicit_mx),
    )
}

fn assert_outcome(domain: &str, implicit_mx: bool, verdict: Verdict, words: &[&str], why: &str) {
    let outcome = classify(domain, implicit_mx);
    assert_eq!(
        outcome.verdict, verdict,
        "{domain} (implicit MX {implicit_mx}): expected {verdict:?} because {why}; got {outcome:?}"
    );
    for word in words {
        assert!(
            outcome.reason.contains(word),
            "{domain}: the reason should say {word:?} ({why}), got {:?}",
            outcome.reason
        );
    }
}

#[course_testing::test]
fn a_domain_with_an_mx_is_valid_and_names_its_best_server() {
    assert_outcome(
        "one-mx.test",
        false,
        Verdict::Valid,
        &["mail.one-mx.test"],
        "it has an MX record",
    );
    assert_outcome(
        "many-mx.test",
        false,
        Verdict::Valid,
        &["mx1.many-mx.test"],
        "it has three MX records; the preferred one (lowest preference, 10) is mx1",
    );
    assert_outcome(
        "xn--bcher-kva.test",
        false,
        Verdict::Valid,
        &[],
        "bücher.test (in its ASCII form) has an MX",
    );
}

#[course_testing::test]
fn a_null_mx_a_missing_domain_and_no_mx_are_invalid() {
    assert_outcome(
        "null-mx.test",
        false,
        Verdict::Invalid,
        &["null MX"],
        "its only MX is \".\" (RFC 7505 null MX): the domain says it takes no mail",
    );
    assert_outcome(
        "missing.test",
        false,
        Verdict::Invalid,
        &["NXDOMAIN"],
        "the domain does not exist (NXDOMAIN)",
    );
    assert_outcome(
        "a-only.test",
        false,
        Verdict::Invalid,
        &["no MX"],
        "it has an address but no MX, and implicit MX is off (the default)",
    );
    assert_outcome(
        "txt-only.test",
        false,
        Verdict::Invalid,
        &["no MX"],
        "it exists but has no MX",
    );
}

#[course_testing::test]
fn implicit_mx_falls_back_to_the_address() {
    assert_outcome(
        "a-only.test",
        true,
        Verdict::Valid,
        &["192.0.2.1"],
        "with implicit MX (RFC 5321), a domain without MX but with an A record takes mail there",
    );
    assert_outcome(
        "aaaa-only.test",
        true,
        Verdict::Valid,
        &["2001:db8::1"],
        "with implicit MX, an AAAA record counts too",
    );
    assert_outcome(
        "txt-only.test",
        true,
        Verdict::Invalid,
        &[],
        "it has neither MX nor address",
    );
    assert_outcome(
        "one-mx.test",
        true,
        Verdict::Valid,
        &["mail.one-mx.test"],
        "an MX is still used first",
    );
}

#[course_testing::test(
    hint = "a lookup of a silent server waits for the resolver's timeout (200 ms here)"
)]
fn dns_failures_are_unverifiable_not_invalid() {
    assert_outcome(
        "timeout.test",
        false,
        Verdict::Unverifiable,
        &["timed out"],
        "the server never answered: DNS could not say",
    );
    assert_outcome(
        "servfail.test",
        false,
        Verdict::Unverifiable,
        &["SERVFAIL"],
        "the server failed (SERVFAIL): the domain may be fine",
    );
    assert_outcome(
        "refused.test",
        false,
        Verdict::Unverifiable,
        &["REFUSED"],
        "the server refused to answer (REFUSED): the domain may be fine",
    );
}
