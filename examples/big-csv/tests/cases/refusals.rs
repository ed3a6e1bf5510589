//! Bad input: clear errors, with the line numbers of bad rows, whatever the cuts.

use big_csv::{BadRow, Error, Plan};
use concurrent::CpuPoolExecutor;
use concurrent::testing::AdversarialExecutor;

use crate::support::file;

fn bad_rows(text: &str, cuts: &[u64]) -> (u64, Vec<BadRow>) {
    let (_dir, path) = file(text);
    let pool = AdversarialExecutor::reversed(CpuPoolExecutor::new(2));
    let plan = Plan::with_cuts(&path, cuts).expect("the header is fine");
    match plan.summarize(&pool, |_| {}) {
        Err(Error::BadRows { count, first, .. }) => (count, first),
        other => panic!("expected Error::BadRows for {text:?} cut at {cuts:?}, got {other:?}"),
    }
}

#[course_testing::test]
fn bad_rows_are_reported_with_their_line_numbers_in_file_order() {
    let mut text = String::from("id,category,value\n");
    for id in 0..40 {
        match id {
            7 => text.push_str("7,a,seven\n"),
            23 => text.push_str("23,a\n"),
            31 => text.push_str("31,a,1,extra\n"),
            36 => text.push_str("36,a,inf\n"),
            _ => text.push_str(&format!("{id},a,{id}.5\n")),
        }
    }
    let lines = [9, 25, 33, 38]; // the header is line 1, row `id` is line id + 2
    for cuts in [
        vec![],
        vec![100, 200, 300],
        (0..text.len() as u64).step_by(7).collect(),
    ] {
        let (count, first) = bad_rows(&text, &cuts);
        assert_eq!(count, 4, "cuts {cuts:?}: {first:?}");
        let got: Vec<u64> = first.iter().map(|row| row.line).collect();
        assert_eq!(
            got, lines,
            "cuts {cuts:?}: expected the bad rows' line numbers: {first:?}"
        );
    }
    let (_, first) = bad_rows(&text, &[]);
    assert!(
        first[0].reason.contains("\"seven\" is not a finite number"),
        "{}",
        first[0]
    );
    assert!(
        first[1].reason.contains("expected 3 fields, found 2"),
        "{}",
        first[1]
    );
    assert!(first[2].reason.contains("found 4"), "{}", first[2]);
}

#[course_testing::test]
fn a_quoted_field_with_a_newline_is_refused_wherever_the_cut_falls() {
    let text = "id,category,value\n1,a,1\n2,\"two\nlines\",2\n3,a,3\n";
    for cut in 0..text.len() as u64 + 1 {
        let (count, first) = bad_rows(text, &[cut]);
        assert!(count >= 1);
        // The row that starts on line 3 is the one reported first, with the reason.
        assert_eq!(first[0].line, 3, "cut at {cut}: {first:?}");
        assert!(
            first[0].reason.contains("spans lines"),
            "cut at {cut}: {}",
            first[0]
        );
    }
}

#[course_testing::test]
fn the_message_names_the_file_the_lines_and_the_rest() {
    let mut text = String::from("id,category,value\n");
    for id in 0..30 {
        text.push_str(&format!("{id},a,x{id}\n"));
    }
    let (_dir, path) = file(&text);
    let error = big_csv::summarize(&CpuPoolExecutor::new(2), &path, 4).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("rows.csv: 30 bad rows"), "{message}");
    assert!(message.contains("line 2: the value \"x0\""), "{message}");
    assert!(message.contains("... and 20 more"), "{message}");
}

#[course_testing::test]
fn a_missing_empty_or_headless_file_is_refused_clearly() {
    let pool = CpuPoolExecutor::new(2);
    let cases = [
        ("", "the file is empty"),
        ("id,category\n1,a\n", "no column `value`"),
        ("1,a,2.5\n2,b,3\n", "no column `category`"),
    ];
    for (text, expected) in cases {
        let (_dir, path) = file(text);
        let message = big_csv::summarize(&pool, &path, 2).unwrap_err().to_string();
        assert!(
            message.contains(expected),
            "{text:?}: expected {expected:?} in {message:?}"
        );
        assert!(
            message.contains("rows.csv"),
            "the message names the file: {message}"
        );
    }
    let missing = std::path::Path::new("/no/such/file.csv");
    let message = big_csv::summarize(&pool, missing, 2)
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("cannot read /no/such/file.csv"),
        "{message}"
    );
}
