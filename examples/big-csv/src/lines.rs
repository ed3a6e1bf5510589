//! [`Lines`]: one byte range of a file, read in big blocks and cut into lines, the commas of
//! each line found in the same pass, 8 bytes at a time. No copy and no allocation per line.

use std::io::{self, Read};

/// Bytes read at a time: big enough that the system calls cost nothing next to the parsing,
/// small enough to stay in the core's cache while its lines are parsed.
const BLOCK: usize = 256 * 1024;
/// Spare bytes after the data, so that 8 bytes can always be loaded at once.
const SLACK: usize = 8;
/// Commas whose place is kept per line (all are counted): a row whose category or value column
/// lies further right is read by the csv parser.
pub const COMMAS_KEPT: usize = 32;

/// One line of the range.
#[derive(Debug)]
pub struct Line<'a> {
    /// Its number in the range (1 for the range's first line).
    pub number: u64,
    /// Its bytes, without the `\n` and a `\r` before it.
    pub text: &'a [u8],
    /// Where its fields end, or `None` when only the csv parser can tell: a `\r` inside the
    /// line (it ends a row too), or a quote left open.
    pub cut: Option<Cut<'a>>,
}

/// The commas of a line outside quotes: where it splits into fields.
#[derive(Debug)]
pub struct Cut<'a> {
    /// Where the first [`COMMAS_KEPT`] commas are in the line's text.
    pub commas: &'a [usize],
    /// How many fields the commas make.
    pub fields: usize,
    /// How many quotes the line has: with any, its fields must be checked before they are
    /// trusted.
    pub quotes: usize,
}

/// The lines of a reader (a file already positioned and limited to its range).
#[derive(Debug)]
pub struct Lines<R> {
    reader: R,
    /// `buffer[..end]` is data read, followed by at least [`SLACK`] spare bytes.
    buffer: Vec<u8>,
    end: usize,
    done: bool,
    /// Where the current line starts, and the next byte to look at.
    start: usize,
    scan: usize,
    /// The bytes at most `,` in the 8 bytes from `word` (see [`find_specials`]) not handled yet.
    specials: u64,
    word: usize,
    /// The current line so far: its commas (one extra slot takes those past the kept ones),
    /// quotes and `\r`s.
    commas: [usize; COMMAS_KEPT + 1],
    count: usize,
    quotes: usize,
    returns: usize,
    number: u64,
}

impl<R: Read> Lines<R> {
    /// Lines of `reader`, read in blocks.
    pub fn new(reader: R) -> Lines<R> {
        Lines {
            reader,
            buffer: vec![0; BLOCK + SLACK],
            end: 0,
            done: false,
            start: 0,
            scan: 0,
            specials: 0,
            word: 0,
            commas: [0; COMMAS_KEPT + 1],
            count: 0,
            quotes: 0,
            returns: 0,
            number: 0,
        }
    }

    /// The next line; the last one may have no `\n`. `None` at the end.
    #[inline]
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        loop {
            if let Some(newline) = self.scan_to_newline() {
                return Ok(Some(self.take_line(newline, newline + 1)));
            }
            if !self.done {
                self.fill()?;
            } else if self.start < self.end {
                return Ok(Some(self.take_line(self.end, self.end)));
            } else {
                return Ok(None);
            }
        }
    }

    /// Looks through the data read for the current line's `\n`, noting its commas, quotes and
    /// `\r`s on the way. (The state lives in locals while it runs: the compiler keeps them in
    /// registers.)
    #[inline]
    fn scan_to_newline(&mut self) -> Option<usize> {
        let (mut specials, mut word, mut scan) = (self.specials, self.word, self.scan);
        let (mut count, mut quotes, mut returns) = (self.count, self.quotes, self.returns);
        let newline = loop {
            // The bytes that matter, in order: every other byte is text.
            if specials != 0 {
                let at = word + specials.trailing_zeros() as usize / 8;
                specials &= specials - 1;
                let byte = self.buffer[at];
                if byte == b'\n' {
                    break Some(at);
                }
                // Counted without branches (which a mix of commas and rarer bytes would make
                // hard to predict): a comma counts when no quote is open; the place is written
                // in any case and kept only if it counted.
                quotes += usize::from(byte == b'"');
                returns += usize::from(byte == b'\r');
                self.commas[count.min(COMMAS_KEPT)] = at - self.start;
                count += usize::from((byte == b',') & (quotes % 2 == 0));
                continue;
            }
            if scan >= self.end {
                break None;
            }
            // Past the data, the spare bytes are zeros (see `fill`): specials that count nothing.
            let bytes = &self.buffer[scan..scan + 8];
            specials = find_specials(u64::from_le_bytes(bytes.try_into().expect("8 bytes")));
            word = scan;
            scan += 8;
        };
        (self.specials, self.word, self.scan) = (specials, word, scan);
        (self.count, self.quotes, self.returns) = (count, quotes, returns);
        newline
    }

    /// Ends the current line at `end` (its `\n`, or the end of the data); the next starts at
    /// `next`.
    #[inline]
    fn take_line(&mut self, end: usize, next: usize) -> Line<'_> {
        let (start, count, quotes) = (self.start, self.count, self.quotes);
        let (mut end, mut returns) = (end, self.returns);
        if returns > 0 && end > start && self.buffer[end - 1] == b'\r' {
            (end, returns) = (end - 1, returns - 1);
        }
        let plain = returns == 0 && quotes % 2 == 0;
        self.number += 1;
        self.start = next;
        (self.count, self.quotes, self.returns) = (0, 0, 0);
        Line {
            number: self.number,
            text: &self.buffer[start..end],
            cut: plain.then(|| Cut {
                commas: &self.commas[..count.min(COMMAS_KEPT)],
                fields: count + 1,
                quotes,
            }),
        }
    }

    /// Moves the unfinished line to the front and reads after it (growing the buffer when one
    /// line fills it). Its commas are kept from its start, so they stay right.
    fn fill(&mut self) -> io::Result<()> {
        // Every byte up to `end` was looked at (the last 8 bytes perhaps with zeros after them).
        self.scan = self.end;
        self.buffer.copy_within(self.start..self.end, 0);
        (self.end, self.scan) = (self.end - self.start, self.scan - self.start);
        self.start = 0;
        let capacity = self.buffer.len() - SLACK;
        if self.end == capacity {
            self.buffer.resize(2 * capacity + SLACK, 0);
        }
        let capacity = self.buffer.len() - SLACK;
        loop {
            match self.reader.read(&mut self.buffer[self.end..capacity]) {
                Ok(0) => self.done = true,
                Ok(read) => self.end += read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
            break;
        }
        // Zeros after the data: loading 8 bytes near its end finds no byte of an older read.
        self.buffer[self.end..self.end + SLACK].fill(0);
        Ok(())
    }
}

/// The top bit of each byte of `word` (8 bytes, little-endian) that is at most `,` in ASCII:
/// `,`, `"`, `\r`, `\n` and a few rarer ones (space, `#`, `&`...). Letters, digits, `.`, `-`
/// and UTF-8 are not.
fn find_specials(word: u64) -> u64 {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Per byte b: (b & 0x7F) + 0x53 sets the top bit when b & 0x7F >= 0x2D, without carrying
    // into the next byte; OR-ing `word` also sets it for bytes >= 0x80.
    !(((word & LOW) + 0x5353_5353_5353_5353) | word) & HIGH
}
