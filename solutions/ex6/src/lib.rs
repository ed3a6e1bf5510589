//! # Exercise 6, reference solution: a MapReduce word count
//!
//! The same public API as the starter (`exercises/ex6/src/lib.rs`), fully implemented. Read the
//! starter's documentation for the task; the comments here say why the code is written this way.

use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use concurrent::{Error, Executor, Future};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

mod ascii;
#[path = "../../../exercises/ex6/src/given.rs"]
mod given;

use ascii::{AsciiWord, PACKED, pack};
pub use given::{
    Counts, DEFAULT_BUCKETS, DEFAULT_SPLIT_SIZE, DEFAULT_VOCABULARY, FileError, Options, Report,
    Split, ZIPF_EXPONENT, word_for_rank,
};

/// Bytes read (and generated) at a time: enough to amortise system calls, small enough to stay
/// in the CPU caches.
const CHUNK: usize = 256 * 1024;

/// The buffer of the reads around a split's borders: a few words.
const BORDER_BUFFER: usize = 8 * 1024;

/// Step 1. A Zipf-like distribution over the ranks `0..len`: rank `k` has the weight
/// `1 / (k + 1)^exponent`.
#[derive(Debug, Clone, PartialEq)]
pub struct Zipf {
    /// Running sums of the weights: `cumulative[k]` is the weight of ranks `0..=k`.
    cumulative: Vec<f64>,
}

impl Zipf {
    /// Step 1. The distribution over `len` ranks (0 is treated as 1).
    pub fn new(len: usize, exponent: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..len.max(1))
            .map(|rank| {
                total += 1.0 / ((rank + 1) as f64).powf(exponent);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    /// Step 1. How many ranks there are.
    pub fn len(&self) -> usize {
        self.cumulative.len()
    }

    /// Step 1. Never true: a distribution has at least one rank.
    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }

    /// Step 1. The rank that `u`, a uniform number in `[0, 1)`, falls on: [0, 1) is cut into
    /// `len` consecutive pieces, piece `k` as long as rank `k`'s share of the total weight.
    /// Values outside [0, 1) are clamped to the first or the last rank.
    pub fn rank(&self, u: f64) -> usize {
        let total = self.cumulative[self.cumulative.len() - 1];
        let target = u * total;
        // The first rank whose running sum passes the target: a binary search, O(log len).
        self.cumulative
            .partition_point(|&sum| sum <= target)
            .min(self.cumulative.len() - 1)
    }
}

/// Step 1. Writes exactly `len` bytes of words drawn from `zipf` (rank `k` is
/// [`word_for_rank`]`(k)`) to `out`; the same `seed` gives the same bytes.
pub fn write_text(mut out: impl Write, seed: u64, len: u64, zipf: &Zipf) -> io::Result<()> {
    // A named generator: the same seed gives the same numbers on every platform and release.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    // The words once, not formatted again for every draw.
    let words: Vec<String> = (0..zipf.len()).map(word_for_rank).collect();
    let mut chunk = Vec::with_capacity(CHUNK + 64);
    let mut left = len;
    while left > 0 {
        chunk.clear();
        while chunk.len() < CHUNK {
            let rank = zipf.rank(rng.random::<f64>());
            chunk.extend_from_slice(words[rank].as_bytes());
            chunk.push(if rng.random_ratio(1, 12) { b'\n' } else { b' ' });
        }
        let take = chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        out.write_all(&chunk[..take])?;
        left -= take as u64;
    }
    out.flush()
}

/// Step 1. Creates `dir` if needed and writes `files` files of `size` bytes into it, named
/// `part-000.txt`, `part-001.txt`...; file `i` is [`write_text`] with the seed
/// `seed.wrapping_add(i)` and `Zipf::new(DEFAULT_VOCABULARY, ZIPF_EXPONENT)`. Returns their
/// paths, in order.
pub fn generate_corpus(dir: &Path, files: usize, size: u64, seed: u64) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let zipf = Zipf::new(DEFAULT_VOCABULARY, ZIPF_EXPONENT);
    (0..files)
        .map(|index| {
            let path = dir.join(format!("part-{index:03}.txt"));
            let mut out = BufWriter::with_capacity(CHUNK, File::create(&path)?);
            write_text(&mut out, seed.wrapping_add(index as u64), size, &zipf)?;
            out.into_inner().map_err(io::IntoInnerError::into_error)?;
            Ok(path)
        })
        .collect()
}

/// Step 2. The words of `text`, in order: the maximal runs of alphanumeric characters
/// (`char::is_alphanumeric`), each lowercased whole with `str::to_lowercase`.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(text, |word| match word {
        Word::Ascii(word) => words.push(ascii_lowercase(word)),
        Word::Lowered(word) => words.push(word.to_owned()),
    });
    words
}

/// A word as [`for_each_word`] finds it.
#[derive(Debug, Clone, Copy)]
enum Word<'a> {
    /// ASCII letters and digits, not lowercased yet: `byte | 0x20` lowercases each of them (a
    /// digit already has that bit).
    Ascii(&'a [u8]),
    /// Any other word, lowercased by `str::to_lowercase`.
    Lowered(&'a str),
}

/// Calls `f` with every word of `text`. An ASCII word is passed as its bytes, so the common case
/// allocates nothing; only a word with other characters is lowercased into a new string.
fn for_each_word(text: &str, mut f: impl FnMut(Word<'_>)) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // Skip the separators up to the next word.
        let (is_word, len) = char_at(text, at);
        if !is_word {
            at += len;
            continue;
        }
        let start = at;
        let mut ascii = true;
        while at < bytes.len() {
            let byte = bytes[at];
            if byte.is_ascii() {
                if !byte.is_ascii_alphanumeric() {
                    break;
                }
                at += 1;
            } else {
                let (is_word, len) = char_at(text, at);
                if !is_word {
                    break;
                }
                ascii = false;
                at += len;
            }
        }
        if ascii {
            f(Word::Ascii(&bytes[start..at]));
        } else {
            // The whole word at once: `str::to_lowercase` knows where the word ends, which a
            // final capital sigma needs (Σ becomes ς there, σ elsewhere).
            f(Word::Lowered(&text[start..at].to_lowercase()));
        }
    }
}

/// Whether the character at byte `at` of `text` is alphanumeric, and its length in bytes.
fn char_at(text: &str, at: usize) -> (bool, usize) {
    let byte = text.as_bytes()[at];
    if byte.is_ascii() {
        return (byte.is_ascii_alphanumeric(), 1);
    }
    let c = text[at..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    (c.is_alphanumeric(), c.len_utf8())
}

/// Step 2. Adds the words of `bytes` to `counts`: the bytes are decoded as UTF-8, invalid
/// sequences read as U+FFFD (`String::from_utf8_lossy`, which is not alphanumeric, so it separates
/// words), then tokenized with [`tokenize`]'s rule.
pub fn count_bytes(bytes: &[u8], counts: &mut Counts) {
    let mut tally = Tally::default();
    tally.add(bytes);
    tally.merge_into(counts);
}

/// Word counts while they are being made, tuned for the common case: a word of at most 16 bytes
/// (nearly every word of most languages) is packed into an integer key ([`ascii::pack`]), so
/// looking it up hashes one integer and compares integers, instead of hashing a string and
/// calling `memcmp`, and only the end of the split allocates a `String` per distinct word. Words
/// of at most 8 bytes (most of them) get a table of `u64` keys, whose entries are half as large:
/// twice as many fit in the CPU's caches. Longer words go to a `Counts`.
#[derive(Debug, Default)]
struct Tally {
    short: HashMap<u64, u64, foldhash::fast::FixedState>,
    medium: HashMap<u128, u64, foldhash::fast::FixedState>,
    long: Counts,
}

impl Tally {
    /// Counts the words of `bytes`, decoded lossily.
    fn add(&mut self, bytes: &[u8]) {
        // Most text is ASCII: checking that is far cheaper than decoding, and ASCII needs no
        // decoding at all.
        if bytes.is_ascii() {
            ascii::for_each_word(bytes, |word| match word {
                AsciiWord::Packed(key) => self.add_packed(key),
                AsciiWord::Long(word) => self.add_long(&ascii_lowercase(word)),
            });
            return;
        }
        let text = String::from_utf8_lossy(bytes);
        for_each_word(&text, |word| match word {
            Word::Ascii(word) if word.len() <= PACKED => {
                self.add_packed(pack(word.iter().map(|&byte| byte | 0x20)));
            }
            Word::Ascii(word) => self.add_long(&ascii_lowercase(word)),
            Word::Lowered(word) if word.len() <= PACKED => self.add_packed(pack(word.bytes())),
            Word::Lowered(word) => self.add_long(word),
        });
    }

    /// Counts the word that [`pack`] made `key`.
    #[inline]
    fn add_packed(&mut self, key: u128) {
        // A word of at most 8 bytes packs below 2^64: no word holds a 0 byte.
        match u64::try_from(key) {
            Ok(key) => *self.short.entry(key).or_insert(0) += 1,
            Err(_) => *self.medium.entry(key).or_insert(0) += 1,
        }
    }

    /// Counts a word longer than [`PACKED`] bytes, lowercased already.
    fn add_long(&mut self, word: &str) {
        if let Some(count) = self.long.get_mut(word) {
            *count += 1;
        } else {
            // Only a new word costs an allocation.
            self.long.insert(word.to_owned(), 1);
        }
    }

    /// How many distinct words it holds.
    fn len(&self) -> usize {
        self.short.len() + self.medium.len() + self.long.len()
    }

    /// Every word with its count, the packed ones unpacked into `String`s.
    fn into_words(self) -> impl Iterator<Item = (String, u64)> {
        let short = self
            .short
            .into_iter()
            .map(|(key, count)| (key.into(), count));
        let packed = short.chain(self.medium);
        packed
            .map(|(key, count)| (unpack(key), count))
            .chain(self.long)
    }

    /// These counts as a map of words.
    fn into_counts(self) -> Counts {
        Counts::from_iter(self.into_words())
    }

    /// Adds these counts to `counts`.
    fn merge_into(self, counts: &mut Counts) {
        if counts.is_empty() {
            counts.reserve(self.len());
        }
        for (word, count) in self.into_words() {
            *counts.entry(word).or_insert(0) += count;
        }
    }

    /// These counts cut into `buckets` maps by [`bucket_of`], as [`partition`] does, without
    /// building the whole map first: each distinct word is turned into a `String` and inserted
    /// once, into a map made large enough at once.
    fn into_buckets(self, buckets: usize) -> Vec<Counts> {
        let buckets = buckets.max(1);
        let mut parts: Vec<Vec<(String, u64)>> = (0..buckets).map(|_| Vec::new()).collect();
        for (word, count) in self.into_words() {
            parts[bucket_of(&word, buckets)].push((word, count));
        }
        parts.into_iter().map(Counts::from_iter).collect()
    }
}

/// An ASCII word, lowercased, as a `String`.
fn ascii_lowercase(word: &[u8]) -> String {
    word.iter()
        .map(|&byte| char::from(byte.to_ascii_lowercase()))
        .collect()
}

/// The word [`pack`] packed. The bytes came from a `&str` and the padding is zeros, which no
/// word holds, so the bytes up to the first zero are that string again.
fn unpack(key: u128) -> String {
    let bytes = key.to_le_bytes();
    let len = bytes.iter().position(|&byte| byte == 0).unwrap_or(PACKED);
    String::from_utf8_lossy(&bytes[..len]).into_owned()
}

/// Counts a stream a chunk at a time: each chunk is cut after its last ASCII whitespace, and the
/// rest (a word, or a character, cut in half) waits for the next chunk.
#[derive(Debug)]
struct Streamer {
    tally: Tally,
    /// Bytes read and not counted yet are `buffer[..len]`; the rest is room for the next read.
    buffer: Vec<u8>,
    len: usize,
    /// Bytes read at a time: [`CHUNK`], or less for a small split, so that hundreds of tiny
    /// splits do not each zero a large buffer.
    chunk: usize,
}

impl Streamer {
    /// A streamer that reads `chunk` bytes at a time.
    fn new(chunk: usize) -> Self {
        Streamer {
            tally: Tally::default(),
            buffer: Vec::new(),
            len: 0,
            chunk: chunk.clamp(1, CHUNK),
        }
    }

    /// Makes room for at least half a chunk more (zero-filled once, then reused).
    fn reserve(&mut self) {
        if self.buffer.len() - self.len < self.chunk.div_ceil(2) {
            self.buffer.resize(self.len + self.chunk, 0);
        }
    }

    /// Reads once from `reader` straight into the buffer, counts what the bytes complete, and
    /// returns how many bytes were read (0 at the end).
    fn read_from(&mut self, reader: &mut impl Read) -> io::Result<usize> {
        self.reserve();
        let read = loop {
            match reader.read(&mut self.buffer[self.len..]) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                outcome => break outcome?,
            }
        };
        self.len += read;
        self.count_complete();
        Ok(read)
    }

    /// Adds `bytes` to the buffer and counts what they complete.
    fn push(&mut self, bytes: &[u8]) {
        self.reserve();
        if self.buffer.len() - self.len < bytes.len() {
            self.buffer.resize(self.len + bytes.len(), 0);
        }
        self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        self.count_complete();
    }

    /// The last byte read and not counted yet.
    fn last_pending(&self) -> Option<u8> {
        self.buffer[..self.len].last().copied()
    }

    /// Counts the buffered bytes up to the last whitespace, once there are enough of them.
    fn count_complete(&mut self) {
        if self.len < self.chunk {
            return;
        }
        // An ASCII whitespace byte never occurs inside a multi-byte character and always ends a
        // word, so the text before it decodes and counts the same alone as in the whole stream.
        if let Some(last) = self.buffer[..self.len]
            .iter()
            .rposition(u8::is_ascii_whitespace)
        {
            self.tally.add(&self.buffer[..=last]);
            self.buffer.copy_within(last + 1..self.len, 0);
            self.len -= last + 1;
        }
    }

    /// Counts the rest (the end of the stream ends the last word) and returns the counts.
    fn finish(mut self) -> Tally {
        self.tally.add(&self.buffer[..self.len]);
        self.tally
    }
}

/// Step 2. Counts the words of everything `reader` yields, a chunk at a time: memory grows with
/// the number of distinct words, never with the length of the input.
pub fn count_reader(mut reader: impl Read) -> io::Result<Counts> {
    let mut streamer = Streamer::new(CHUNK);
    while streamer.read_from(&mut reader)? > 0 {}
    Ok(streamer.finish().into_counts())
}

/// Step 3. Cuts `0..len` (a file of `len` bytes) into consecutive ranges of `split_size` bytes,
/// the last one shorter; an empty file has no range; `split_size == 0` is treated as 1.
pub fn split_ranges(len: u64, split_size: u64) -> Vec<Range<u64>> {
    let size = split_size.max(1);
    (0..len.div_ceil(size))
        .map(|index| {
            let start = index * size;
            // `start + size` could overflow near u64::MAX; `len - start` cannot.
            start..start + (len - start).min(size)
        })
        .collect()
}

/// Step 3. Counts the words of one split of the file at `path`: every word whose first byte lies
/// in `range`, read whole even when it runs past `range.end`.
pub fn count_split(path: &Path, range: Range<u64>) -> io::Result<Counts> {
    Ok(tally_split(path, range)?.into_counts())
}

/// [`count_split`]'s counts, still a [`Tally`].
fn tally_split(path: &Path, range: Range<u64>) -> io::Result<Tally> {
    // Buffers no larger than the split (plus room for its last word): a small split stays cheap.
    let chunk = usize::try_from(range.end.saturating_sub(range.start))
        .unwrap_or(CHUNK)
        .saturating_add(4096)
        .min(CHUNK);
    // A small buffer for the borders; the streamer's reads of half a chunk or more go past it,
    // straight from the file into the streamer's buffer.
    let mut reader = BufReader::with_capacity(BORDER_BUFFER.min(chunk), File::open(path)?);
    let mut streamer = Streamer::new(chunk);
    // A split starts after the first ASCII whitespace at or after `start - 1`: a word that runs
    // across `start` belongs to the split before.
    let mut at = range.start.saturating_sub(1);
    reader.seek(SeekFrom::Start(at))?;
    if range.start > 0 {
        match skip_past_whitespace(&mut reader)? {
            Some(skipped) => at += skipped,
            None => return Ok(Tally::default()),
        }
    }
    if at >= range.end {
        return Ok(Tally::default());
    }
    // The split's own bytes...
    let mut own = (&mut reader).take(range.end - at);
    while streamer.read_from(&mut own)? > 0 {}
    // ...and, unless the last of them is whitespace, the end of the word that runs past `end`,
    // up to the first ASCII whitespace: where the next split starts.
    let ends_a_word = streamer
        .last_pending()
        .is_none_or(|byte| byte.is_ascii_whitespace());
    if !ends_a_word {
        loop {
            let available = reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            if let Some(space) = available.iter().position(u8::is_ascii_whitespace) {
                streamer.push(&available[..=space]);
                break;
            }
            let len = available.len();
            streamer.push(available);
            reader.consume(len);
        }
    }
    Ok(streamer.finish())
}

/// Reads up to and including the first ASCII whitespace byte; returns how many bytes that was,
/// or `None` at the end of the file.
fn skip_past_whitespace(reader: &mut impl BufRead) -> io::Result<Option<u64>> {
    let mut skipped = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(None);
        }
        if let Some(space) = available.iter().position(u8::is_ascii_whitespace) {
            reader.consume(space + 1);
            return Ok(Some(skipped + space as u64 + 1));
        }
        let len = available.len();
        reader.consume(len);
        skipped += len as u64;
    }
}

/// The hasher of [`bucket_of`]: a fixed seed, so a word goes to the same bucket in every process
/// and run, and another seed than [`Counts`]'s, so the words of one bucket do not all share the
/// low bits of their hash in the bucket's own table.
const SHUFFLE: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x5eed_cafe);

/// Step 4. The bucket of `word` among `buckets` (0 is treated as 1): its hash modulo the number
/// of buckets, with a hash that is the same in every process and every run.
pub fn bucket_of(word: &str, buckets: usize) -> usize {
    (SHUFFLE.hash_one(word) % buckets.max(1) as u64) as usize
}

/// Step 4. The shuffle's first half: cuts `counts` into `buckets` maps (0 is treated as 1), each
/// word going to the map [`bucket_of`] says, with its count.
pub fn partition(counts: Counts, buckets: usize) -> Vec<Counts> {
    let buckets = buckets.max(1);
    // Lists first, maps after: each map is then made at its final size at once (a map that
    // grows hashes all its words again each time it doubles).
    let mut parts: Vec<Vec<(String, u64)>> = (0..buckets).map(|_| Vec::new()).collect();
    for (word, count) in counts {
        parts[bucket_of(&word, buckets)].push((word, count));
    }
    parts.into_iter().map(Counts::from_iter).collect()
}

/// Step 4. The reduce of one bucket: the sum of `partials`, word by word.
pub fn reduce_bucket(partials: Vec<Counts>) -> Counts {
    // Merge into the largest, so the most words are moved the fewest times.
    let mut partials = partials;
    let largest = (0..partials.len()).max_by_key(|&index| partials[index].len());
    let mut total = largest
        .map(|index| partials.swap_remove(index))
        .unwrap_or_default();
    // Room for every word of the other partials at once: a map that grows hashes all its words
    // again each time it doubles (reading every string: the main cost with millions of words).
    // That room is never larger than the partials this task holds already, and if the words
    // were mostly the same ones, the map is shrunk to its words at the end, so the buckets
    // waiting for the final merge do not keep memory that grows with the number of splits.
    let others: usize = partials.iter().map(Counts::len).sum();
    total.reserve(others);
    for partial in partials {
        for (word, count) in partial {
            *total.entry(word).or_insert(0) += count;
        }
    }
    if total.capacity() > 4 * total.len() {
        total.shrink_to_fit();
    }
    total
}

/// Step 4. The reduce phase: `map_outputs[i][j]` is bucket `j` of map task `i`. Reduces each
/// bucket `j` as a task of its own on `executor`, then puts the buckets together.
pub fn reduce_phase<E: Executor>(
    executor: &E,
    map_outputs: Vec<Vec<Counts>>,
) -> Result<Counts, Error> {
    let buckets = map_outputs.iter().map(Vec::len).max().unwrap_or(0);
    let mut columns: Vec<Vec<Counts>> = (0..buckets).map(|_| Vec::new()).collect();
    for output in map_outputs {
        for (column, part) in columns.iter_mut().zip(output) {
            column.push(part);
        }
    }
    // Every bucket is submitted before any is waited for: they reduce side by side.
    let futures = columns
        .into_iter()
        .map(|column| executor.submit(move || reduce_bucket(column)))
        .collect::<Result<Vec<_>, _>>()?;
    let reduced = futures
        .into_iter()
        .map(Future::result)
        .collect::<Result<Vec<_>, _>>()?;
    // The buckets hold different words: the total holds exactly all of them, so it is made that
    // large at once, and putting them together only moves entries.
    let mut total =
        Counts::with_capacity_and_hasher(reduced.iter().map(Counts::len).sum(), Default::default());
    for bucket in reduced {
        total.extend(bucket);
    }
    Ok(total)
}

impl Report {
    /// Step 5. How many words were counted in all: the sum of the counts.
    pub fn words(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Step 5. How many different words there are.
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }
}

/// Step 5. The `k` most frequent words with their counts, most frequent first; words with the
/// same count in alphabetical order (of their UTF-8 bytes). Fewer than `k` if there are fewer
/// words.
pub fn top_k(counts: &Counts, k: usize) -> Vec<(String, u64)> {
    // The best k so far in a heap whose top is the worst of them: each word is compared with
    // that one only, by count first, so a word is read (a cache miss with millions of words)
    // only when its count ties. O(n log k), and only the k winners are cloned.
    let mut best: BinaryHeap<Ranked<'_>> = BinaryHeap::with_capacity(k.min(counts.len()));
    for (word, &count) in counts {
        let candidate = Ranked { count, word };
        if best.len() < k {
            best.push(candidate);
        } else if let Some(mut worst) = best.peek_mut()
            && candidate < *worst
        {
            *worst = candidate;
        }
    }
    best.into_sorted_vec()
        .into_iter()
        .map(|ranked| (ranked.word.to_owned(), ranked.count))
        .collect()
}

/// A word in [`top_k`]'s order: "less" is more frequent, then alphabetically first.
#[derive(Debug, PartialEq, Eq)]
struct Ranked<'a> {
    count: u64,
    word: &'a str,
}

impl Ord for Ranked<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .count
            .cmp(&self.count)
            .then_with(|| self.word.cmp(other.word))
    }
}

impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Step 5. The map task: counts the words of `split` ([`count_split`]) and partitions them into
/// `buckets` ([`partition`]).
pub fn map_split(split: &Split, buckets: usize) -> io::Result<Vec<Counts>> {
    // The same as `partition(count_split(..)?, buckets)`, without building the split's whole
    // map first: each distinct word becomes a `String` once, in its bucket.
    Ok(tally_split(&split.path, split.range.clone())?.into_buckets(buckets))
}

/// A file's place in the job: its splits' futures, or why it has none.
enum Planned {
    Counted {
        path: PathBuf,
        len: u64,
        maps: Vec<Future<io::Result<Vec<Counts>>>>,
    },
    Failed(FileError),
}

/// Step 5. Counts the words of `files` with MapReduce on `executor`: every file is cut into
/// splits ([`split_ranges`] with `options.split_size`), each split is a map task ([`map_split`]),
/// every map task is submitted before any result is waited for; then [`reduce_phase`] reduces the
/// `options.buckets` buckets as tasks of their own.
pub fn word_count<E: Executor>(
    executor: &E,
    files: &[PathBuf],
    options: &Options,
) -> Result<Report, Error> {
    let buckets = options.buckets.max(1);
    let mut planned = Vec::with_capacity(files.len());
    for path in files {
        let io_error = |source| FileError::Io {
            path: path.clone(),
            source,
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(source) => {
                planned.push(Planned::Failed(io_error(source)));
                continue;
            }
        };
        if meta.is_dir() {
            planned.push(Planned::Failed(FileError::Folder { path: path.clone() }));
            continue;
        }
        let maps = split_ranges(meta.len(), options.split_size)
            .into_iter()
            .map(|range| {
                let split = Split {
                    path: path.clone(),
                    range,
                };
                executor.submit(move || map_split(&split, buckets))
            })
            .collect::<Result<Vec<_>, _>>()?;
        planned.push(Planned::Counted {
            path: path.clone(),
            len: meta.len(),
            maps,
        });
    }
    let mut report = Report::default();
    let mut outputs = Vec::new();
    for file in planned {
        let (path, len, maps) = match file {
            Planned::Failed(error) => {
                report.failed.push(error);
                continue;
            }
            Planned::Counted { path, len, maps } => (path, len, maps),
        };
        // A file counts whole or not at all: one failed split drops its other splits too.
        let mut own = Vec::with_capacity(maps.len());
        let mut failure = None;
        for future in maps {
            match future.result() {
                Ok(Ok(parts)) => own.push(parts),
                Ok(Err(source)) => {
                    failure.get_or_insert(FileError::Io {
                        path: path.clone(),
                        source,
                    });
                }
                Err(source) => {
                    failure.get_or_insert(FileError::Executor {
                        path: path.clone(),
                        source,
                    });
                }
            }
        }
        match failure {
            Some(error) => report.failed.push(error),
            None => {
                outputs.extend(own);
                report.files += 1;
                report.bytes += len;
            }
        }
    }
    report.counts = reduce_phase(executor, outputs)?;
    Ok(report)
}
