//! [`RowParser`]: the category and the value of each row of a line; common rows are cut at the
//! commas found by [`Lines`](crate::lines::Lines), every other line goes to the `csv` crate's
//! parser (`csv-core`).

use crate::Columns;
use crate::lines::{Cut, Line};
use crate::table::parse_decimal;

/// The category (raw bytes) and the value of one row, or why the row is bad.
pub type Row<'a> = Result<(&'a [u8], f64), String>;

/// Why a line is refused when a quoted field in it goes on past the line's end.
const SPANS_LINES: &str = "a quoted field is not closed on its line (it spans lines): \
     byte-range splitting cannot tell such a newline from the end of a row, so files with them \
     are not supported";

/// Parses lines into rows; one per task, reused for every line.
#[derive(Debug)]
pub struct RowParser {
    columns: Columns,
    csv: csv_core::Reader,
    /// The fields of the current record, one after the other, and where each ends.
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl RowParser {
    /// A parser for rows with these columns.
    pub fn new(columns: Columns) -> RowParser {
        RowParser {
            columns,
            csv: csv_core::Reader::new(),
            out: vec![0; 1024],
            ends: vec![0; columns.count + 1],
        }
    }

    // ANCHOR: parse
    /// Calls `row` for each row of `line`: once, except that an empty line holds no row and a
    /// lone `\r` ends a row, as the `csv` crate reads them.
    #[inline]
    pub fn parse(&mut self, line: &Line<'_>, mut row: impl FnMut(Row<'_>)) {
        if line.text.is_empty() {
            return;
        }
        let found = (line.cut.as_ref()).and_then(|cut| plain_row(line.text, cut, self.columns));
        match found {
            Some(found) => row(Ok(found)),
            None => self.parse_csv(line.text, row),
        }
    }
    // ANCHOR_END: parse

    /// Any other line, read by the csv crate's parser: doubled quotes, a lone `\r`, spaces,
    /// exponents, bad rows and their reasons.
    fn parse_csv(&mut self, line: &[u8], mut row: impl FnMut(Row<'_>)) {
        // The `\n` is given back, so that a quoted field still open at the line's end shows up:
        // the parser then takes it for part of the field and does not end the record.
        let (mut input, mut newline_given) = (line, false);
        let (mut out_len, mut ends_len) = (0, 0);
        loop {
            if input.is_empty() {
                if newline_given {
                    if out_len > 0 || ends_len > 0 {
                        // Still inside a record after the `\n`: it was inside quotes.
                        row(Err(SPANS_LINES.into()));
                        self.csv.reset();
                    }
                    return;
                }
                // (Empty input would tell the parser the file has ended.)
                (input, newline_given) = (b"\n", true);
            }
            let (result, read, written, ended) =
                self.csv
                    .read_record(input, &mut self.out[out_len..], &mut self.ends[ends_len..]);
            input = &input[read..];
            out_len += written;
            ends_len += ended;
            match result {
                csv_core::ReadRecordResult::OutputFull => {
                    self.out.resize(self.out.len() * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    self.ends.resize(self.ends.len() * 2, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    row(self.record(out_len, ends_len));
                    (out_len, ends_len) = (0, 0);
                }
                csv_core::ReadRecordResult::InputEmpty => {}
                // Only after empty input, which the parser is never given.
                csv_core::ReadRecordResult::End => return,
            }
        }
    }

    /// The row in the parser's output: `ends[..ends_len]` are where its fields end in `out`.
    fn record(&self, out_len: usize, ends_len: usize) -> Row<'_> {
        let (out, ends) = (&self.out[..out_len], &self.ends[..ends_len]);
        if ends.len() != self.columns.count {
            return Err(self.field_count(ends.len()));
        }
        let field = |i: usize| &out[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        let value = parse_value(field(self.columns.value))?;
        Ok((field(self.columns.category), value))
    }

    fn field_count(&self, found: usize) -> String {
        format!("expected {} fields, found {found}", self.columns.count)
    }
}

// ANCHOR: split
/// The category and the value of a common row, read without the csv parser: the line cut at
/// the commas [`Lines`](crate::lines::Lines) found, the header's number of fields, no quotes
/// but around the category or the value, and a plain decimal value (see [`parse_decimal`]). `None` for any other
/// line, including every bad one: the csv parser then decides, so both ways read a line the same.
#[inline]
fn plain_row<'a>(text: &'a [u8], cut: &Cut<'_>, columns: Columns) -> Option<(&'a [u8], f64)> {
    if cut.fields != columns.count {
        return None;
    }
    let field = |i: usize| {
        let start = if i == 0 {
            0
        } else {
            cut.commas.get(i - 1)? + 1
        };
        let end = if i + 1 == cut.fields {
            text.len()
        } else {
            *cut.commas.get(i)?
        };
        text.get(start..end)
    };
    let (category, value) = (field(columns.category)?, field(columns.value)?);
    let (category, value) = match cut.quotes {
        0 => (category, value),
        // The line's only two quotes around the category or the value, as the csv parser reads
        // them; any other quotes (doubled, inside a field, around another field) go to it.
        2 => match (unquote(category), unquote(value)) {
            (Some(category), None) => (category, value),
            (None, Some(value)) => (category, value),
            _ => return None,
        },
        _ => return None,
    };
    Some((category, parse_decimal(value)?))
}
// ANCHOR_END: split

/// The inside of a field wholly in quotes.
fn unquote(field: &[u8]) -> Option<&[u8]> {
    match field {
        [b'"', inside @ .., b'"'] => Some(inside),
        _ => None,
    }
}

/// The value of a field: the fast exact parser for plain decimals, `str::parse` for the rest
/// (exponents, spaces around); it must be finite.
fn parse_value(text: &[u8]) -> Result<f64, String> {
    parse_decimal(text)
        .or_else(|| std::str::from_utf8(text).ok()?.trim().parse::<f64>().ok())
        .filter(|value| value.is_finite())
        .ok_or_else(|| {
            format!(
                "the value {:?} is not a finite number",
                String::from_utf8_lossy(text)
            )
        })
}
