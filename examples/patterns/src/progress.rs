//! Progress over `as_completed` with indicatif: one bar per kind of task and one for everything,
//! in a `MultiProgress`. Only the thread reading `as_completed` touches the bars, so the tasks
//! know nothing about them.

use std::collections::BTreeMap;

use concurrent::{Error, Executor, as_completed};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// One task: its kind (the bar it moves) and a function to run.
pub type Task = (&'static str, Box<dyn FnOnce() -> u64 + Send>);

/// Each kind's results, in completion order.
pub type ByKind = BTreeMap<&'static str, Vec<u64>>;

// ANCHOR: bars
/// Runs `tasks` on `pool` with a bar per kind (in order of first appearance) and a total bar in
/// `multi`; returns each kind's results (in completion order) and the bars, finished.
pub fn run_with_bars<E: Executor>(
    pool: &E,
    tasks: Vec<Task>,
    multi: &MultiProgress,
) -> Result<(ByKind, Vec<ProgressBar>), Error> {
    let style = ProgressStyle::with_template("{prefix:>10} {bar:30} {pos}/{len}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    let total = multi.add(ProgressBar::new(tasks.len() as u64));
    total.set_style(style.clone());
    total.set_prefix("all");
    let mut bars: Vec<(&'static str, ProgressBar)> = Vec::new();
    let mut futures = Vec::with_capacity(tasks.len());
    for (kind, task) in tasks {
        match bars.iter().find(|(name, _)| *name == kind) {
            Some((_, bar)) => bar.inc_length(1),
            None => {
                let bar = multi.insert_before(&total, ProgressBar::new(1));
                bar.set_style(style.clone());
                bar.set_prefix(kind);
                bars.push((kind, bar));
            }
        }
        futures.push((kind, pool.submit(task)?));
    }

    let mut results = ByKind::new();
    for (kind, future) in as_completed(futures, None).flatten() {
        results.entry(kind).or_default().push(future.result()?);
        if let Some((_, bar)) = bars.iter().find(|(name, _)| *name == kind) {
            bar.inc(1);
        }
        total.inc(1);
    }
    let mut finished: Vec<ProgressBar> = bars.into_iter().map(|(_, bar)| bar).collect();
    finished.push(total);
    for bar in &finished {
        bar.finish();
    }
    Ok((results, finished))
}
// ANCHOR_END: bars
