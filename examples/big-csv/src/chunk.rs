//! Summarising one byte range of the file: the work of one task.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use crate::error::BAD_ROWS_SHOWN;
use crate::lines::Lines;
use crate::row::RowParser;
use crate::table::Table;
use crate::{Columns, Error, Stats};

/// What one range holds: statistics per category, and the rows that could not be read.
#[derive(Debug, Default, Clone)]
pub struct ChunkSummary {
    /// Statistics per category (the category's text as it appears in the file).
    pub categories: BTreeMap<String, Stats>,
    /// Bad rows: their line within the range (1-based) and why; at most [`BAD_ROWS_SHOWN`].
    pub bad_rows: Vec<(u64, String)>,
    /// How many rows are bad.
    pub bad_count: u64,
}

// ANCHOR: chunk
/// Parses the rows in `range` of the file at `path` and returns their statistics per category.
/// The task opens the file itself and reads only its own bytes: what crosses threads is a path
/// and two numbers in, a few categories' statistics out.
pub fn summarize_range(
    path: &Path,
    columns: Columns,
    range: Range<u64>,
) -> Result<ChunkSummary, Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(range.start)).map_err(io)?;
    let mut lines = Lines::new(file.take(range.end - range.start));

    let mut rows = RowParser::new(columns);
    let mut categories = Table::default();
    let mut summary = ChunkSummary::default();
    while let Some(line) = lines.next_line().map_err(io)? {
        rows.parse(&line, |row| match row {
            Ok((category, value)) => match categories.entry(category) {
                Some(stats) => stats.push(value),
                None => summary.bad(line.number, "the category is not UTF-8 text".into()),
            },
            Err(reason) => summary.bad(line.number, reason),
        });
    }
    summary.categories = categories.into_map();
    Ok(summary)
}
// ANCHOR_END: chunk

impl ChunkSummary {
    fn bad(&mut self, line: u64, reason: String) {
        self.bad_count += 1;
        if self.bad_rows.len() < BAD_ROWS_SHOWN {
            self.bad_rows.push((line, reason));
        }
    }
}
