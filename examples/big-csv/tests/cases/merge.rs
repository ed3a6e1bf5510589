//! Merged per-range statistics equal the two-pass reference, wherever the file is cut.

use std::time::Duration;

use big_csv::{Plan, Stats, Summary};
use concurrent::CpuPoolExecutor;
use concurrent::testing::{AdversarialExecutor, CountingExecutor};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::support::{assert_matches_reference, file};

/// Categories of the random files: one quoted, with a comma and a doubled quote.
const NAMES: [&str; 4] = ["a", "bb", "\"c, \"\"quoted\"\"\"", "d"];

fn csv_text(rows: &[(usize, f64)], crlf: bool) -> String {
    let end = if crlf { "\r\n" } else { "\n" };
    let mut text = format!("id,category,value{end}");
    for (id, (name, value)) in rows.iter().enumerate() {
        text.push_str(&format!("{id},{},{value}{end}", NAMES[*name]));
    }
    text
}

#[course_testing::test(
    deadline_secs = 30,
    hint = "a range whose task never returns, or a cut that loops forever looking for a newline?"
)]
fn random_files_cut_anywhere_match_the_two_pass_reference() {
    let pool = CpuPoolExecutor::new(2);
    // Values far from 0 with a small spread: a sum-of-squares variance would lose every digit.
    let row = (0..NAMES.len(), prop_oneof![-1e3..1e3f64, 1e8..1e8 + 1.0]);
    let strategy = (
        prop::collection::vec(row, 0..60),
        prop::collection::vec(0u64..2_000, 0..12),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |(rows, cuts, crlf)| {
            let text = csv_text(&rows, crlf);
            let (_dir, path) = file(&text);
            let plan = Plan::with_cuts(&path, &cuts).expect("a valid file");
            let summary = plan.summarize(&pool, |_| {}).expect("only good rows");
            let what = format!(
                "{} rows cut at {cuts:?} (ranges {:?})",
                rows.len(),
                plan.ranges
            );
            assert_matches_reference(&summary, &path, &what);
            prop_assert_eq!(summary.rows(), rows.len() as u64, "{}", what);
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
}

#[course_testing::test(hint = "a range whose task never returns?")]
fn a_generated_file_matches_the_reference_on_any_pool() {
    let mut text = Vec::new();
    big_csv::generate::write_rows(&mut text, 5_000, 7).expect("write to memory");
    let (_dir, path) = file(std::str::from_utf8(&text).expect("UTF-8"));
    let plan = Plan::new(&path, 17).expect("a valid file");
    let sequential = plan.summarize_here(|_| {}).expect("good rows");
    assert_matches_reference(&sequential, &path, "sequential");
    let shuffled = AdversarialExecutor::shuffled(CpuPoolExecutor::new(2), 3);
    let parallel = plan.summarize(&shuffled, |_| {}).expect("good rows");
    assert_matches_reference(
        &parallel,
        &path,
        "parallel, ranges finishing in a shuffled order",
    );
    let shipped = big_csv::summarize_shipping_rows(&CpuPoolExecutor::new(2), &path, 300, |_| {})
        .expect("good rows");
    assert_matches_reference(&shipped, &path, "rows shipped to the pool");
    assert_eq!(parallel.rows(), 5_000);
    assert_eq!(
        parallel.categories.len(),
        big_csv::generate::CATEGORIES.len()
    );
    assert!(
        parallel.categories.contains_key("tools, hardware"),
        "the quoted category is read without its quotes"
    );
}

#[course_testing::test(hint = "did the tasks wait at the gate for a second one that never ran?")]
fn ranges_are_parsed_by_tasks_running_at_the_same_time() {
    let mut text = Vec::new();
    big_csv::generate::write_rows(&mut text, 2_000, 1).expect("write to memory");
    let (_dir, path) = file(std::str::from_utf8(&text).expect("UTF-8"));
    let pool = CountingExecutor::new(CpuPoolExecutor::new(2)).with_gate(2, Duration::from_secs(5));
    let plan = Plan::new(&path, 8).expect("a valid file");
    plan.summarize(&pool, |_| {}).expect("good rows");
    assert_eq!(pool.submitted(), plan.ranges.len(), "one task per range");
    assert!(
        !pool.gate_timed_out() && pool.max_in_flight() >= 2,
        "expected two ranges parsed at the same time (max in flight: {})",
        pool.max_in_flight()
    );
}

#[course_testing::test]
fn chans_merge_is_not_an_average_of_averages() {
    // 3 values around 0 and 1 value at 100: the averages' average is 50, the mean 25.
    let (mut small, mut large, mut all) = (Stats::default(), Stats::default(), Stats::default());
    for x in [-1.0, 0.0, 1.0] {
        small.push(x);
        all.push(x);
    }
    large.push(100.0);
    all.push(100.0);
    let mut merged = Summary::default();
    merged.merge(&[("x".to_owned(), small)].into());
    merged.merge(&[("x".to_owned(), large)].into());
    merged.merge(&[("x".to_owned(), Stats::default())].into());
    let merged = merged.categories["x"];
    assert_eq!(merged.count, 4);
    assert!(
        (merged.mean() - 25.0).abs() < 1e-12,
        "mean {}",
        merged.mean()
    );
    assert!(
        (merged.std_dev() - all.std_dev()).abs() < 1e-12,
        "std dev {}",
        merged.std_dev()
    );
    assert!(
        (merged.std_dev() - 50.0067).abs() < 1e-4,
        "std dev {}",
        merged.std_dev()
    );
}
