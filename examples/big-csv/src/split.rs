//! Cutting a file into byte ranges that hold whole rows, so each worker parses its own range.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

/// Bytes read at a time while looking for the end of a row.
const SCAN: usize = 64 * 1024;

/// `chunks` cut points spread evenly over `data`: where the ranges would start if rows did not
/// matter. [`cut_at_rows`] moves each to the start of a row.
pub fn even_cuts(data: Range<u64>, chunks: usize) -> Vec<u64> {
    let len = data.end.saturating_sub(data.start);
    let chunks = chunks.max(1) as u64;
    (1..chunks).map(|k| data.start + len * k / chunks).collect()
}

// ANCHOR: cut
/// Splits `data` (the rows of `file`, after the header) at `cuts`, each moved forward to the
/// start of the next row: a cut that falls inside a row moves to just after that row's `\n`.
/// So every row lies in exactly one range (the one holding its first byte) and no row is lost or
/// read twice. Cuts may be anywhere, in any order, repeated or outside `data`; empty ranges are
/// dropped. Only a few bytes around each cut are read: the workers read the rest.
///
/// A newline inside a quoted field looks like the end of a row here: finding out would mean
/// parsing the file from the start, the very work being split. Such fields are refused when the
/// ranges are parsed (see [`crate::Error::BadRows`]).
pub fn cut_at_rows(file: &mut File, data: Range<u64>, cuts: &[u64]) -> io::Result<Vec<Range<u64>>> {
    let mut starts = vec![data.start];
    for &cut in cuts {
        if cut > data.start && cut < data.end {
            starts.push(row_start_at_or_after(file, cut, data.end)?);
        }
    }
    starts.push(data.end);
    starts.sort_unstable();
    starts.dedup();
    Ok(starts.windows(2).map(|pair| pair[0]..pair[1]).collect())
}

/// The first position `p >= at` where a row starts: the byte before it is `\n`, or `p == end`.
fn row_start_at_or_after(file: &mut File, at: u64, end: u64) -> io::Result<u64> {
    let mut position = at - 1; // the byte before `at`: a `\n` there means `at` starts a row
    file.seek(SeekFrom::Start(position))?;
    let mut buffer = vec![0; SCAN];
    while position < end {
        let want = SCAN.min((end - position) as usize);
        let read = file.read(&mut buffer[..want])?;
        if read == 0 {
            break; // the file is shorter than it was: the range ends here
        }
        if let Some(newline) = buffer[..read].iter().position(|&b| b == b'\n') {
            return Ok(position + newline as u64 + 1);
        }
        position += read as u64;
    }
    Ok(end)
}
// ANCHOR_END: cut

/// How many `\n` bytes `file` has before `offset`: the line numbers of bad rows (only counted
/// when a row is bad, so the fast path never pays for it).
pub fn newlines_before(file: &mut File, offset: u64) -> io::Result<u64> {
    file.seek(SeekFrom::Start(0))?;
    let mut rest = file.take(offset);
    let mut buffer = vec![0; SCAN];
    let mut count = 0;
    loop {
        let read = rest.read(&mut buffer)?;
        if read == 0 {
            return Ok(count);
        }
        count += buffer[..read].iter().filter(|&&b| b == b'\n').count() as u64;
    }
}
