//! The byte ranges: whole rows, each in exactly one range, whatever the cuts.

use big_csv::Plan;

use crate::support::file;

#[course_testing::test]
fn ranges_cover_the_rows_once_and_start_at_row_starts() {
    let text = "id,category,value\n1,a,1\n22,bb,2\n333,ccc,3\n4,d,4";
    let (_dir, path) = file(text);
    let header_end = text.find('\n').unwrap() as u64 + 1;
    for cuts in [
        vec![],
        vec![0, 1, 2, 100],
        (0..60).collect(),
        vec![30, 20, 20, 25],
    ] {
        let plan = Plan::with_cuts(&path, &cuts).unwrap();
        let what = format!("cuts {cuts:?} gave ranges {:?}", plan.ranges);
        assert_eq!(
            plan.ranges.first().map(|r| r.start),
            Some(header_end),
            "{what}"
        );
        assert_eq!(
            plan.ranges.last().map(|r| r.end),
            Some(text.len() as u64),
            "{what}"
        );
        for pair in plan.ranges.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "{what}: a gap or an overlap");
        }
        for range in &plan.ranges {
            assert!(range.start < range.end, "{what}: an empty range");
            assert_eq!(
                &text[range.start as usize - 1..range.start as usize],
                "\n",
                "{what}"
            );
        }
    }
}

#[course_testing::test]
fn even_cuts_give_about_the_asked_number_of_ranges() {
    let mut text = Vec::new();
    big_csv::generate::write_rows(&mut text, 1_000, 5).unwrap();
    let (_dir, path) = file(std::str::from_utf8(&text).unwrap());
    assert_eq!(Plan::new(&path, 1).unwrap().ranges.len(), 1);
    assert_eq!(Plan::new(&path, 10).unwrap().ranges.len(), 10);
    let plan = Plan::new(&path, 10_000).unwrap();
    assert_eq!(
        plan.ranges.len(),
        1_000,
        "more chunks than rows: one range per row"
    );
}

#[course_testing::test]
fn a_header_only_file_has_no_rows() {
    for text in ["id,category,value", "id,category,value\n"] {
        let (_dir, path) = file(text);
        let summary = big_csv::summarize(&concurrent::CpuPoolExecutor::new(2), &path, 4).unwrap();
        assert_eq!(summary.rows(), 0, "{text:?}");
    }
}

#[course_testing::test]
fn columns_are_found_by_name() {
    let (_dir, path) = file("value,id,category\n1.5,1,a\n2.5,2,a\n4,3,b\n");
    let summary = big_csv::summarize(&concurrent::CpuPoolExecutor::new(2), &path, 3).unwrap();
    assert_eq!(summary.categories["a"].count, 2);
    assert_eq!(summary.categories["a"].mean(), 2.0);
    assert_eq!(summary.categories["b"].sum, 4.0);
}

#[course_testing::test]
fn generation_is_seeded_and_leaves_no_half_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    big_csv::generate::write_file(&a, 300, 9).unwrap();
    big_csv::generate::write_file(&b, 300, 9).unwrap();
    let text = std::fs::read_to_string(&a).unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(&b).unwrap(),
        "the same seed gives the same file"
    );
    assert_eq!(text.lines().count(), 301, "a header and 300 rows");
    let missing = dir.path().join("no-such-folder").join("c.csv");
    assert!(big_csv::generate::write_file(&missing, 10, 1).is_err());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "only the two complete files: {left:?}");
}
