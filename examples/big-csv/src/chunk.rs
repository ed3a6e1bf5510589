//! Summarising one byte range of the file: the work of one task.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use crate::error::BAD_ROWS_SHOWN;
use crate::table::{Table, parse_decimal};
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
/// Parses the rows in `range` of the file at `path` with the `csv` crate and returns their
/// statistics per category. The task opens the file itself and reads only its own bytes: what
/// crosses threads is a path and two numbers in, a few categories' statistics out.
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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true) // field counts are checked below, with a line number
        .buffer_capacity(1 << 16)
        .from_reader(file.take(range.end - range.start));

    let mut categories = Table::default();
    let mut summary = ChunkSummary::default();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                match error.into_kind() {
                    csv::ErrorKind::Io(source) => return Err(io(source)),
                    other => summary.bad(line, format!("{other:?}")),
                }
                continue;
            }
        }
        // The line within the range, read only for a bad row.
        let line = || record.position().map_or(0, |p| p.line());
        match parse_row(&record, columns) {
            Ok((category, value)) => {
                if std::str::from_utf8(category).is_ok() {
                    categories.entry(category).push(value);
                } else {
                    summary.bad(line(), "the category is not UTF-8 text".into());
                }
            }
            Err(reason) => summary.bad(line(), reason),
        }
    }
    summary.categories = categories.into_map();
    Ok(summary)
}
// ANCHOR_END: chunk

/// The category and the value of one row, or why the row is bad.
// A newline inside a field is checked first: when a cut falls inside such a field, the field is
// also cut short, and its row's field count is then wrong for a reason the message should name.
fn parse_row(record: &csv::ByteRecord, columns: Columns) -> Result<(&[u8], f64), String> {
    if record.as_slice().contains(&b'\n') {
        return Err(
            "a quoted field spans lines: byte-range splitting cannot tell such a \
                    newline from the end of a row, so files with them are not supported"
                .into(),
        );
    }
    if record.len() != columns.count {
        return Err(format!(
            "expected {} fields, found {}",
            columns.count,
            record.len()
        ));
    }
    let category = &record[columns.category];
    let text = &record[columns.value];
    let value = parse_decimal(text)
        .or_else(|| std::str::from_utf8(text).ok()?.trim().parse::<f64>().ok())
        .filter(|value| value.is_finite())
        .ok_or_else(|| {
            format!(
                "the value {:?} is not a finite number",
                String::from_utf8_lossy(text)
            )
        })?;
    Ok((category, value))
}

impl ChunkSummary {
    fn bad(&mut self, line: u64, reason: String) {
        self.bad_count += 1;
        if self.bad_rows.len() < BAD_ROWS_SHOWN {
            self.bad_rows.push((line, reason));
        }
    }
}
