//! Step 1: reading the list and checking the syntax. No DNS yet.

use course_testing::{expect_err, expect_no_panic};
use ex2::{check_syntax, parse_emails, read_emails};

#[course_testing::test]
fn lines_are_trimmed_and_blank_lines_and_comments_skipped() {
    let text = b"  ana@one-mx.test  \n\n# a comment\n\t\nbob@many-mx.test\r\n   # indented comment\nlast@x.test";
    assert_eq!(
        parse_emails(text),
        ["ana@one-mx.test", "bob@many-mx.test", "last@x.test"],
        "one email per line, surrounding whitespace (and a Windows \\r) trimmed, blank lines and \
         lines starting with # skipped, and the last line counts even without a final newline"
    );
}

#[course_testing::test]
fn a_line_that_is_not_utf8_is_kept_to_be_reported_invalid() {
    let emails = expect_no_panic(
        "a line that is not UTF-8 must not stop the run: keep it (String::from_utf8_lossy) so it \
         is reported Invalid",
        || parse_emails(b"ana@one-mx.test\nbad\xff\xfe@one-mx.test\nbob@one-mx.test\n"),
    );
    assert_eq!(
        emails.len(),
        3,
        "the bad line must be kept in its place, not dropped: {emails:?}"
    );
    assert!(
        check_syntax(&emails[1]).is_err(),
        "a line with bytes that are not UTF-8 has bad syntax, got {:?} for {:?}",
        check_syntax(&emails[1]),
        emails[1]
    );
}

#[course_testing::test]
fn an_empty_file_has_no_emails_and_a_missing_one_is_an_error_naming_it() {
    let dir = std::env::temp_dir().join(format!("ex2-step1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "").expect("an empty file");
    let read = expect_no_panic("an empty file is a list of zero emails", || {
        read_emails(&empty)
    });
    assert_eq!(read.ok(), Some(Vec::new()), "an empty file has zero emails");

    let missing = dir.join("no-such-list.txt");
    let error = expect_err("reading a missing file must return an error", || {
        read_emails(&missing)
    });
    assert!(
        error.to_string().contains("no-such-list.txt"),
        "the error must name the file, so the user knows which one: got {error:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[course_testing::test]
fn good_addresses_pass_with_their_domain_in_ascii_lower_case() {
    for (email, local, domain) in [
        ("ana@one-mx.test", "ana", "one-mx.test"),
        (
            "First.Last+tag@Example.COM",
            "First.Last+tag",
            "example.com",
        ),
        (
            "o'brien_99@sub.domain.example",
            "o'brien_99",
            "sub.domain.example",
        ),
        ("x@a-b.c1", "x", "a-b.c1"),
        ("ana@bücher.test", "ana", "xn--bcher-kva.test"),
        ("ana@BÜCHER.test", "ana", "xn--bcher-kva.test"),
    ] {
        let address = check_syntax(email).unwrap_or_else(|reason| {
            panic!("{email:?} has good syntax, but check_syntax said: {reason}")
        });
        assert_eq!(
            (address.local.as_str(), address.domain.as_str()),
            (local, domain),
            "{email:?}: the local part as written, the domain lower case in its ASCII form (IDNA)"
        );
    }
}

#[course_testing::test]
fn bad_syntax_is_rejected_with_a_reason() {
    for email in [
        "",
        "no-at-sign.test",
        "two@at@signs.test",
        "@no-local.test",
        "no-domain@",
        "spaces in@local.test",
        ".dot-first@x.test",
        "dot-last.@x.test",
        "two..dots@x.test",
        "josé@x.test",
        "ana@-dash-first.test",
        "ana@dash-last-.test",
        "ana@empty..label.test",
        "ana@under_score.test",
        "ana@localhost",
        "ana@a.test\u{FFFD}",
    ] {
        match check_syntax(email) {
            Ok(address) => {
                panic!("{email:?} has bad syntax, but check_syntax accepted {address:?}")
            }
            Err(reason) => assert!(
                !reason.trim().is_empty(),
                "{email:?}: the reason must say what is wrong, got an empty one"
            ),
        }
    }
}
