//! `--timeline FILE.svg` for the demos in `src/bin/`: the path checked before any work, a pool
//! whose tasks are recorded with a name each, and the SVG written at the end.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use concurrent::timeline::{Recorded, Timeline};
use concurrent::{Error, Executor, Future};

/// The most tasks recorded; the chart counts the others as dropped.
pub const CAP: usize = 100_000;

/// `--timeline`'s value: refused before any work if its folder does not exist.
pub fn path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if path.is_dir() {
        Err(format!(
            "{text} is a folder: name the SVG file to write in it"
        ))
    } else if !folder.is_dir() {
        Err(format!("the folder {} does not exist", folder.display()))
    } else {
        Ok(path)
    }
}

/// `inner`, with every task submitted through it recorded in a timeline, the n-th labelled
/// `labels[n]`: right for code that submits one task per item, in order, as
/// `Executor::map` does.
#[derive(Debug)]
pub struct Named<E> {
    inner: Recorded<E>,
    labels: Vec<String>,
    submitted: AtomicUsize,
}

impl<E> Named<E> {
    pub fn new(timeline: &Timeline, labels: Vec<String>, inner: E) -> Self {
        Named {
            inner: timeline.record(inner),
            labels,
            submitted: AtomicUsize::new(0),
        }
    }
}

impl<E: Executor> Executor for Named<E> {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let number = self.submitted.fetch_add(1, Ordering::Relaxed);
        let label = self
            .labels
            .get(number)
            .cloned()
            .unwrap_or_else(|| format!("#{number}"));
        self.inner.submit_labeled(label, task)
    }

    fn max_workers(&self) -> usize {
        self.inner.max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.inner.shutdown(wait, cancel_futures);
    }
}

/// Writes the chart (through a temporary file, renamed into place) and says where.
pub fn write(timeline: &Timeline, path: &Path) -> Result<(), String> {
    timeline
        .write_svg(path)
        .map_err(|e| format!("cannot write the timeline {}: {e}", path.display()))?;
    let recorded = timeline.snapshot();
    println!(
        "Timeline of {} tasks on {} workers written to {}",
        recorded.tasks.len(),
        recorded.workers.len(),
        path.display()
    );
    Ok(())
}
