//! Progress bars: one per kind plus a total, each full at the end, and every result kept.

use concurrent::ThreadPoolExecutor;
use example_patterns::progress::{Task, run_with_bars};
use indicatif::{MultiProgress, ProgressDrawTarget};

#[course_testing::test]
fn each_kind_has_a_bar_that_ends_full() {
    let mut tasks: Vec<Task> = Vec::new();
    for n in 0..12u64 {
        let kind = ["download", "parse", "thumbnail"][(n % 3) as usize];
        tasks.push((kind, Box::new(move || n * 10)));
    }
    tasks.push(("download", Box::new(|| 1000)));
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::hidden());
    let (results, bars) =
        run_with_bars(&ThreadPoolExecutor::new(4), tasks, &multi).expect("no task fails");
    let mut downloads = results["download"].clone();
    downloads.sort_unstable();
    assert_eq!(downloads, [0, 30, 60, 90, 1000]);
    assert_eq!(results["parse"].len(), 4);
    assert_eq!(results["thumbnail"].len(), 4);
    let shown: Vec<(String, u64, Option<u64>)> = bars
        .iter()
        .map(|bar| (bar.prefix(), bar.position(), bar.length()))
        .collect();
    assert_eq!(
        shown,
        [
            ("download".to_owned(), 5, Some(5)),
            ("parse".to_owned(), 4, Some(4)),
            ("thumbnail".to_owned(), 4, Some(4)),
            ("all".to_owned(), 13, Some(13)),
        ]
    );
}
