//! Worked example 3: statistics of a big CSV file, per category, in parallel.
//!
//! Each task parses **its own byte range** of the file ([`split::cut_at_rows`] cuts it at row
//! boundaries; [`chunk::summarize_range`] parses one range: [`lines::Lines`] cuts it into lines
//! and finds their commas, [`row::RowParser`] reads common rows from those and hands any other
//! line to the `csv` crate's parser) and returns the count, sum, mean and spread of each category; the chunks' statistics are merged exactly with
//! Chan et al.'s algorithm ([`Stats::merge`]). The seed's version parsed the file on the main
//! thread and shipped the rows to the workers; [`summarize_shipping_rows`] keeps that way for
//! the demo's comparison.
//!
//! Rows are `id,category,value` (any columns, as long as the header names `category` and
//! `value`). A quoted field may hold commas and quotes but not a newline: see
//! [`split::cut_at_rows`].

pub mod chunk;
pub mod error;
pub mod generate;
pub mod lines;
pub mod reference;
pub mod row;
pub mod split;
mod stats;
pub mod table;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use concurrent::Executor;

pub use error::{BadRow, Error};
pub use stats::Stats;

/// Where the two columns the statistics need are, and how many fields a row has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// Fields per row.
    pub count: usize,
    /// Index of the `category` column.
    pub category: usize,
    /// Index of the `value` column.
    pub value: usize,
}

/// The statistics of a whole file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Statistics per category, by name.
    pub categories: BTreeMap<String, Stats>,
}

impl Summary {
    /// Rows summarised.
    pub fn rows(&self) -> u64 {
        self.categories.values().map(|stats| stats.count).sum()
    }

    /// Merges another part's statistics into these, category by category.
    pub fn merge(&mut self, part: &BTreeMap<String, Stats>) {
        for (name, stats) in part {
            match self.categories.get_mut(name) {
                Some(mine) => mine.merge(stats),
                None => {
                    self.categories.insert(name.clone(), *stats);
                }
            }
        }
    }
}

/// A file read for its header and cut into ranges of whole rows: what the tasks need.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The file.
    pub path: Arc<Path>,
    /// The columns, from the header.
    pub columns: Columns,
    /// The byte ranges, one per task, in file order.
    pub ranges: Vec<Range<u64>>,
}

impl Plan {
    /// Reads the header of `path` and cuts its rows into about `chunks` ranges of equal size.
    pub fn new(path: &Path, chunks: usize) -> Result<Plan, Error> {
        let (mut file, columns, data) = open(path)?;
        let cuts = split::even_cuts(data.clone(), chunks);
        Self::with_cuts_in(&mut file, path, columns, data, &cuts)
    }

    /// Like [`Plan::new`], with the cut points given (they are moved to the next row start).
    pub fn with_cuts(path: &Path, cuts: &[u64]) -> Result<Plan, Error> {
        let (mut file, columns, data) = open(path)?;
        Self::with_cuts_in(&mut file, path, columns, data, cuts)
    }

    fn with_cuts_in(
        file: &mut File,
        path: &Path,
        columns: Columns,
        data: Range<u64>,
        cuts: &[u64],
    ) -> Result<Plan, Error> {
        let ranges = split::cut_at_rows(file, data, cuts).map_err(|e| io_error(path, e))?;
        Ok(Plan {
            path: path.into(),
            columns,
            ranges,
        })
    }

    /// Bytes of rows in the file.
    pub fn bytes(&self) -> u64 {
        self.ranges
            .iter()
            .map(|range| range.end - range.start)
            .sum()
    }

    // ANCHOR: parallel
    /// Summarises every range as a task on `executor` and merges the results in file order,
    /// calling `progress(bytes)` as each range is done. Bad rows anywhere fail the whole run
    /// with their line numbers.
    pub fn summarize<E: Executor>(
        &self,
        executor: &E,
        mut progress: impl FnMut(u64),
    ) -> Result<Summary, Error> {
        let (path, columns) = (self.path.clone(), self.columns);
        let chunks = executor.map(
            move |range: Range<u64>| chunk::summarize_range(&path, columns, range),
            self.ranges.clone(),
        );
        let mut summary = Summary::default();
        let mut bad = BadRows::default();
        for (range, chunk) in self.ranges.iter().zip(chunks) {
            let chunk = chunk??;
            summary.merge(&chunk.categories);
            bad.add(range.start, chunk);
            progress(range.end - range.start);
        }
        bad.into_result(&self.path)?;
        Ok(summary)
    }
    // ANCHOR_END: parallel

    /// The same work on this thread, one range after the other: the sequential baseline.
    pub fn summarize_here(&self, mut progress: impl FnMut(u64)) -> Result<Summary, Error> {
        let mut summary = Summary::default();
        let mut bad = BadRows::default();
        for range in &self.ranges {
            let chunk = chunk::summarize_range(&self.path, self.columns, range.clone())?;
            summary.merge(&chunk.categories);
            bad.add(range.start, chunk);
            progress(range.end - range.start);
        }
        bad.into_result(&self.path)?;
        Ok(summary)
    }
}

/// Summarises `path` on `executor` in `chunks` byte ranges.
///
/// ```
/// # fn main() -> Result<(), big_csv::Error> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("rows.csv");
/// std::fs::write(&path, "id,category,value\n1,a,1.5\n2,b,2\n3,a,2.5\n").unwrap();
/// let pool = concurrent::CpuPoolExecutor::new(2);
/// let summary = big_csv::summarize(&pool, &path, 2)?;
/// assert_eq!(summary.categories["a"].count, 2);
/// assert_eq!(summary.categories["a"].mean(), 2.0);
/// # Ok(()) }
/// ```
pub fn summarize<E: Executor>(executor: &E, path: &Path, chunks: usize) -> Result<Summary, Error> {
    Plan::new(path, chunks)?.summarize(executor, |_| {})
}

/// The seed's way, kept to be measured: this thread parses every row and ships them to the
/// workers in batches of `batch` rows, which only add them up. The parsing, the bulk of the work,
/// stays sequential, and every row is copied into a task and moved to another thread.
pub fn summarize_shipping_rows<E: Executor>(
    executor: &E,
    path: &Path,
    batch: usize,
    mut progress: impl FnMut(u64),
) -> Result<Summary, Error> {
    let plan = Plan::new(path, 1)?;
    let rows = reference::Rows::open(path)?;
    let columns = plan.columns;
    let batches = BatchIter {
        rows,
        batch: batch.max(1),
        columns,
    };
    let mut summary = Summary::default();
    let results = executor.map(
        |rows: Vec<(String, f64)>| {
            let mut part: BTreeMap<String, Stats> = BTreeMap::new();
            let count = rows.len() as u64;
            for (category, value) in rows {
                part.entry(category).or_default().push(value);
            }
            (part, count)
        },
        batches,
    );
    for result in results {
        let (part, count) = result?;
        summary.merge(&part);
        progress(count);
    }
    Ok(summary)
}

/// Batches of parsed rows for [`summarize_shipping_rows`]; a bad row ends the batches (the
/// comparison is about speed; [`Plan::summarize`] reports bad rows properly).
struct BatchIter {
    rows: reference::Rows,
    batch: usize,
    columns: Columns,
}

impl Iterator for BatchIter {
    type Item = Vec<(String, f64)>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut batch = Vec::with_capacity(self.batch);
        while batch.len() < self.batch {
            match self.rows.next_row(self.columns) {
                Some(Ok(row)) => batch.push(row),
                _ => break,
            }
        }
        (!batch.is_empty()).then_some(batch)
    }
}

/// Bad rows of all chunks, turned into file line numbers at the end.
#[derive(Default)]
struct BadRows {
    count: u64,
    /// (start of the chunk's range, line within the range, reason)
    first: Vec<(u64, u64, String)>,
}

impl BadRows {
    fn add(&mut self, range_start: u64, chunk: chunk::ChunkSummary) {
        self.count += chunk.bad_count;
        let room = error::BAD_ROWS_SHOWN.saturating_sub(self.first.len());
        self.first.extend(
            chunk
                .bad_rows
                .into_iter()
                .take(room)
                .map(|(line, reason)| (range_start, line, reason)),
        );
    }

    /// Ok with no bad rows; otherwise the error, with line numbers counted in the file (only
    /// now: counting newlines would slow every run down).
    fn into_result(self, path: &Path) -> Result<(), Error> {
        if self.count == 0 {
            return Ok(());
        }
        let mut file = File::open(path).map_err(|e| io_error(path, e))?;
        let mut first = Vec::new();
        for (start, line, reason) in self.first {
            let before = split::newlines_before(&mut file, start).map_err(|e| io_error(path, e))?;
            first.push(BadRow {
                line: before + line,
                reason,
            });
        }
        Err(Error::BadRows {
            path: path.to_owned(),
            count: self.count,
            first,
        })
    }
}

/// Longest header line read.
const HEADER_MAX: u64 = 64 * 1024;

/// Opens `path`, reads its header and returns the file, the columns and the byte range of the rows.
fn open(path: &Path) -> Result<(File, Columns, Range<u64>), Error> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let len = file.metadata().map_err(|e| io_error(path, e))?.len();
    let mut head = Vec::new();
    (&file)
        .take(HEADER_MAX)
        .read_to_end(&mut head)
        .map_err(|e| io_error(path, e))?;
    let header_error = |reason: String| Error::Header {
        path: path.to_owned(),
        reason,
    };
    if head.is_empty() {
        return Err(header_error(
            "the file is empty: expected a header line naming the columns `category` and `value`"
                .into(),
        ));
    }
    let header_len = match head.iter().position(|&b| b == b'\n') {
        Some(newline) => newline as u64 + 1,
        None if len <= HEADER_MAX => len,
        None => {
            return Err(header_error(format!(
                "no line break in the first {HEADER_MAX} bytes"
            )));
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&head[..header_len as usize]);
    let mut names = csv::StringRecord::new();
    let ok = reader.read_record(&mut names).unwrap_or(false);
    if !ok {
        return Err(header_error("the header line is not UTF-8 CSV".into()));
    }
    let find = |column: &str| {
        names.iter().position(|name| name.trim() == column).ok_or_else(|| {
            header_error(format!(
                "the header {:?} has no column `{column}` (the statistics need `category` and `value`)",
                names.iter().collect::<Vec<_>>()
            ))
        })
    };
    let columns = Columns {
        count: names.len(),
        category: find("category")?,
        value: find("value")?,
    };
    Ok((file, columns, header_len..len))
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// The default file of the demo and the benchmark, in the system's temporary folder.
pub fn default_path(rows: u64, seed: u64) -> PathBuf {
    std::env::temp_dir().join(format!("big-csv-{rows}-rows-seed-{seed}.csv"))
}
