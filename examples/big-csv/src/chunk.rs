//! Summarising one byte range of the file: the work of one task.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use crate::error::BAD_ROWS_SHOWN;
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

    let mut categories: HashMap<Box<[u8]>, Stats, Fnv> = HashMap::default();
    let mut summary = ChunkSummary::default();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => match error.into_kind() {
                csv::ErrorKind::Io(source) => return Err(io(source)),
                other => {
                    summary.bad(line, format!("{other:?}"));
                    continue;
                }
            },
        }
        let line = record.position().map_or(line, |p| p.line());
        match parse_row(&record, columns) {
            Ok((category, value)) => match categories.get_mut(category) {
                Some(stats) => stats.push(value),
                None => match std::str::from_utf8(category) {
                    Ok(_) => categories.entry(category.into()).or_default().push(value),
                    Err(_) => summary.bad(line, "the category is not UTF-8 text".into()),
                },
            },
            Err(reason) => summary.bad(line, reason),
        }
    }
    summary.categories = categories
        .into_iter()
        .map(|(name, stats)| (String::from_utf8_lossy(&name).into_owned(), stats))
        .collect();
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
    let value = std::str::from_utf8(text)
        .ok()
        .and_then(|text| text.trim().parse::<f64>().ok())
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

/// FNV-1a: category names are short and come from the file, not from an attacker choosing
/// collisions, and std's SipHash costs more per row than the rest of the lookup.
type Fnv = BuildHasherDefault<FnvHasher>;

/// The state of an FNV-1a hash.
#[derive(Debug)]
pub struct FnvHasher(u64);

impl Default for FnvHasher {
    fn default() -> Self {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for FnvHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
