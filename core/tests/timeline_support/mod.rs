//! What every recorded timeline must satisfy, and how to read an SVG chart back (shared by the
//! timeline tests of the thread, CPU and process pools).
#![allow(dead_code)]

use std::collections::BTreeMap;

use concurrent::timeline::{Outcome, Snapshot};

/// Per task, submitted <= started <= finished; a started task has a worker and a finished one
/// an outcome; per worker, bars never overlap; ids are unique.
pub fn assert_consistent(snapshot: &Snapshot) {
    let mut ids: Vec<usize> = snapshot.tasks.iter().map(|task| task.id).collect();
    ids.dedup();
    assert_eq!(
        ids.len(),
        snapshot.tasks.len(),
        "a task appears twice: {snapshot:#?}"
    );
    for task in &snapshot.tasks {
        if let Some(started) = task.started {
            assert!(
                task.submitted <= started,
                "task {} started before it was submitted: {task:?}",
                task.id
            );
            assert!(
                task.worker.is_some(),
                "task {} started on no worker: {task:?}",
                task.id
            );
        } else {
            assert_eq!(
                task.worker, None,
                "task {} has a worker but never started",
                task.id
            );
        }
        if let Some(finished) = task.finished {
            assert!(
                task.started.unwrap_or(task.submitted) <= finished,
                "task {} finished before it started: {task:?}",
                task.id
            );
        }
        assert_eq!(
            task.finished.is_some(),
            task.outcome.is_some(),
            "task {} has an end without an outcome or the reverse: {task:?}",
            task.id
        );
    }
    let mut rows: BTreeMap<usize, Vec<_>> = BTreeMap::new();
    for task in &snapshot.tasks {
        if let (Some(worker), Some(started)) = (task.worker, task.started) {
            assert!(
                worker < snapshot.workers.len(),
                "task {} ran on an unknown worker {worker}",
                task.id
            );
            rows.entry(worker).or_default().push((
                started,
                task.finished.unwrap_or(snapshot.taken),
                task.id,
            ));
        }
    }
    for (worker, mut bars) in rows {
        bars.sort();
        for pair in bars.windows(2) {
            assert!(
                pair[0].1 <= pair[1].0,
                "worker {worker} ran tasks {} and {} at the same time: {:?} and {:?}",
                pair[0].2,
                pair[1].2,
                pair[0],
                pair[1]
            );
        }
    }
    for (index, worker) in snapshot.workers.iter().enumerate() {
        assert_eq!(worker.index, index, "workers are numbered in order");
    }
}

/// The outcomes recorded, with how many tasks had each (`None`: unfinished).
pub fn outcomes(snapshot: &Snapshot) -> BTreeMap<Option<Outcome>, usize> {
    let mut counts = BTreeMap::new();
    for task in &snapshot.tasks {
        *counts.entry(task.outcome).or_default() += 1;
    }
    counts
}

/// What a chart shows, read back from its SVG: it must parse as XML.
#[derive(Debug)]
pub struct Chart {
    /// `data-task` of every bar, with its classes.
    pub bars: Vec<(usize, String)>,
    /// `data-worker` of every worker row.
    pub rows: Vec<usize>,
    /// Whether the "never started" row is there.
    pub unstarted_row: bool,
    pub title: String,
    pub width: f64,
    pub height: f64,
}

pub fn read_chart(svg: &str) -> Chart {
    let document = roxmltree::Document::parse(svg)
        .unwrap_or_else(|error| panic!("the SVG is not well-formed XML: {error}\n{svg}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let class = |node: &roxmltree::Node| node.attribute("class").unwrap_or("").to_owned();
    let mut chart = Chart {
        bars: Vec::new(),
        rows: Vec::new(),
        unstarted_row: false,
        title: String::new(),
        width: root
            .attribute("width")
            .and_then(|w| w.parse().ok())
            .unwrap_or(0.0),
        height: root
            .attribute("height")
            .and_then(|h| h.parse().ok())
            .unwrap_or(0.0),
    };
    for node in root.descendants().filter(|node| node.is_element()) {
        let classes = class(&node);
        let mut words = classes.split_whitespace();
        match words.next() {
            Some("bar") => chart.bars.push((
                node.attribute("data-task")
                    .and_then(|id| id.parse().ok())
                    .expect("a bar names its task"),
                classes.clone(),
            )),
            Some("row") if classes.contains("unstarted") => chart.unstarted_row = true,
            Some("row") => chart.rows.push(
                node.attribute("data-worker")
                    .and_then(|w| w.parse().ok())
                    .expect("a row names its worker"),
            ),
            Some("title") => chart.title = node.text().unwrap_or("").to_owned(),
            _ => {}
        }
    }
    chart
}

/// One bar per task, with the task's outcome as class; one row per worker.
pub fn assert_chart_matches(snapshot: &Snapshot) {
    let chart = read_chart(&snapshot.to_svg());
    let mut bars: Vec<usize> = chart.bars.iter().map(|(id, _)| *id).collect();
    bars.sort_unstable();
    let ids: Vec<usize> = snapshot.tasks.iter().map(|task| task.id).collect();
    assert_eq!(bars, ids, "the chart needs exactly one bar per task");
    assert_eq!(
        chart.rows,
        (0..snapshot.workers.len()).collect::<Vec<_>>(),
        "one row per worker"
    );
    for (id, classes) in &chart.bars {
        let task = snapshot
            .tasks
            .iter()
            .find(|task| task.id == *id)
            .expect("a bar of a recorded task");
        let expected = match task.outcome {
            Some(Outcome::TimedOut) => "timed-out".to_owned(),
            Some(outcome) => outcome.name().to_owned(),
            None => "running".to_owned(),
        };
        assert!(
            classes.split_whitespace().any(|word| word == expected),
            "bar {id} is {classes}, its task {expected}"
        );
    }
    assert!(
        chart.width > 0.0 && chart.height > 0.0,
        "the chart has a size"
    );
}
