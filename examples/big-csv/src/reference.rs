//! The reference the tests and the demo check against: the whole file read in order with the
//! `csv` crate's ordinary reader, and the textbook two-pass formulas (mean first, then the sum
//! of squared distances from it). It shares no code with the byte ranges or the merge.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use crate::{Columns, Error};

/// Statistics of one category, computed the textbook way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reference {
    /// How many values.
    pub count: u64,
    /// Their sum.
    pub sum: f64,
    /// Their mean.
    pub mean: f64,
    /// Their sample standard deviation (NaN below two values).
    pub std_dev: f64,
}

/// Two passes over every category's values, in file order.
pub fn two_pass(path: &Path, columns: Columns) -> Result<BTreeMap<String, Reference>, Error> {
    let mut rows = Rows::open(path)?;
    let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    while let Some(row) = rows.next_row(columns) {
        let (category, value) = row.map_err(|reason| Error::BadRows {
            path: path.to_owned(),
            count: 1,
            first: vec![crate::BadRow { line: 0, reason }],
        })?;
        values.entry(category).or_default().push(value);
    }
    Ok(values
        .into_iter()
        .map(|(category, values)| {
            let n = values.len() as f64;
            let sum: f64 = values.iter().sum();
            let mean = sum / n;
            let squares: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
            let std_dev = if values.len() < 2 {
                f64::NAN
            } else {
                (squares / (n - 1.0)).sqrt()
            };
            (
                category,
                Reference {
                    count: values.len() as u64,
                    sum,
                    mean,
                    std_dev,
                },
            )
        })
        .collect())
}

/// The rows of a file, read in order after its header.
#[derive(Debug)]
pub struct Rows {
    reader: csv::Reader<File>,
    record: csv::StringRecord,
}

impl Rows {
    /// Opens `path` and skips its header.
    pub fn open(path: &Path) -> Result<Rows, Error> {
        let reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(|e| Error::Io {
                path: path.to_owned(),
                source: e.into(),
            })?;
        Ok(Rows {
            reader,
            record: csv::StringRecord::new(),
        })
    }

    /// The next row's category and value, or why it is bad; `None` at the end.
    pub fn next_row(&mut self, columns: Columns) -> Option<Result<(String, f64), String>> {
        match self.reader.read_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(error) => return Some(Err(error.to_string())),
        }
        let row = (|| {
            let category = self
                .record
                .get(columns.category)
                .ok_or("no category field")?;
            let value = self.record.get(columns.value).ok_or("no value field")?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| "the value is not a number")?;
            Ok((category.to_owned(), value))
        })();
        Some(row.map_err(|reason: &str| reason.to_owned()))
    }
}
