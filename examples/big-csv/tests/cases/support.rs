//! Files for the tests, and the comparison with the two-pass reference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use big_csv::reference::{self, Reference};
use big_csv::{Columns, Summary};

/// A file with `text` in a fresh temporary folder (kept alive by the returned guard).
pub fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("rows.csv");
    std::fs::write(&path, text).expect("write the test file");
    (dir, path)
}

/// The columns of `id,category,value`.
pub const COLUMNS: Columns = Columns {
    count: 3,
    category: 1,
    value: 2,
};

/// Equal within a relative `tolerance`, or both NaN (a standard deviation of one value).
fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= tolerance * a.abs().max(b.abs()).max(1.0)
}

/// Panics, with both sides, unless `got` has the reference's categories, exact counts, and sums,
/// means and standard deviations within a relative 1e-9 of it (the
/// standard deviation within what one pass can keep).
pub fn assert_matches_reference(got: &Summary, path: &Path, what: &str) {
    let expected: BTreeMap<String, Reference> =
        reference::two_pass(path, COLUMNS).expect("the reference reads the test file");
    assert_eq!(
        got.categories.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{what}: expected the categories of the two-pass reference"
    );
    for (name, want) in &expected {
        let stats = &got.categories[name];
        assert_eq!(
            stats.count, want.count,
            "{what}: category {name:?} has {} rows, the file has {}: rows lost or read twice at a cut?",
            stats.count, want.count
        );
        // Any one-pass variance loses digits in proportion to mean / std dev (values like 1e8 +
        // 0.3 leave few digits for the spread); a sum of squares would lose all of them.
        let condition = (want.mean.abs() / want.std_dev).max(1.0);
        let std_tolerance = if condition.is_finite() {
            1e-9 + 1e-12 * condition
        } else {
            1e-9
        };
        for (label, a, b, tolerance) in [
            ("sum", stats.sum, want.sum, 1e-9),
            ("mean", stats.mean(), want.mean, 1e-9),
            ("std dev", stats.std_dev(), want.std_dev, std_tolerance),
        ] {
            assert!(
                close(a, b, tolerance),
                "{what}: category {name:?}: {label} {a} differs from the two-pass reference {b}"
            );
        }
    }
}
