//! Reading back the timeline a demo wrote with `--timeline FILE.svg` (feature `timeline`): the
//! SVG drawn by `concurrent::timeline`, parsed as XML, so a demo test checks what the picture
//! shows, bar by bar, rather than how it is drawn.

use std::path::Path;

/// What a timeline chart shows.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Chart {
    /// One per task, in the order drawn.
    pub bars: Vec<Bar>,
    /// The name of each worker's row, top to bottom (not the row of tasks that never started).
    pub rows: Vec<String>,
}

/// One task's bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// How the task ended: `ok`, `panicked`, `cancelled`, `timed-out`, `broken` or `failed`.
    pub outcome: String,
    /// Its tooltip: the task's label, outcome and times (`/data/a.csv: ok, queued 3 ms, ran 0.7 s`).
    pub title: String,
}

impl Chart {
    /// Reads the chart at `path`.
    ///
    /// # Panics
    /// With a message that names the file, when it is missing or is not well-formed XML.
    pub fn read(path: &Path) -> Chart {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("expected --timeline to write {}: {e}", path.display()));
        let svg = roxmltree::Document::parse(&text).unwrap_or_else(|e| {
            panic!(
                "the timeline {} is not well-formed XML: {e}",
                path.display()
            )
        });
        let child_text = |node: roxmltree::Node, tag: &str| {
            node.children()
                .find(|child| child.has_tag_name(tag))
                .and_then(|child| child.text())
                .unwrap_or("")
                .to_owned()
        };
        let mut chart = Chart::default();
        for node in svg.descendants() {
            let classes: Vec<&str> = node.attribute("class").unwrap_or("").split(' ').collect();
            match classes[..] {
                ["bar", outcome] if node.has_tag_name("rect") => chart.bars.push(Bar {
                    outcome: outcome.to_owned(),
                    title: child_text(node, "title"),
                }),
                ["row"] => chart.rows.push(child_text(node, "text")),
                _ => {}
            }
        }
        chart
    }
}

/// The number of task bars in the timeline at `path`: [`Chart::read`]`(path).bars.len()`.
///
/// # Panics
/// As [`Chart::read`].
pub fn bars(path: &Path) -> usize {
    Chart::read(path).bars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_the_bars_and_rows_of_a_real_timeline() {
        let timeline = concurrent::timeline::Timeline::new(100);
        let pool = timeline.record(concurrent::ThreadPoolExecutor::new(1));
        let fine = pool.submit_labeled("fine", || 1).unwrap();
        let oops = pool
            .submit_labeled("oops", || -> i32 { panic!("oops") })
            .unwrap();
        assert_eq!(fine.result(), Ok(1));
        assert!(oops.result().is_err());
        drop(pool);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.svg");
        timeline.write_svg(&path).unwrap();
        let chart = Chart::read(&path);
        let outcomes: Vec<&str> = chart.bars.iter().map(|bar| bar.outcome.as_str()).collect();
        assert_eq!(outcomes, ["ok", "panicked"], "{chart:#?}");
        assert!(chart.bars[0].title.starts_with("fine: ok"), "{chart:#?}");
        assert_eq!(chart.rows.len(), 1, "one worker, one row: {chart:#?}");
        assert_eq!(bars(&path), 2);
    }

    #[test]
    #[should_panic(expected = "not well-formed XML")]
    fn a_broken_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.svg");
        std::fs::write(&path, "<svg><rect class=\"bar ok\"></svg>").unwrap();
        bars(&path);
    }
}
