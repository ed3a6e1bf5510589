//! Step 2: the tokenizer, counting bytes and counting a stream without holding it.

use std::io::{self, Read};

use course_testing::expect_err;
use course_testing::memory::assert_peak_rise_below;
use ex6::{Counts, count_bytes, count_reader, tokenize};

use crate::support::{
    BIG_TEXT, GeneratedText, MEMORY_LIMIT, MIB, assert_same_counts, check_all, corpus, reference,
    shown, sorted,
};

/// `tokenize(text)` must be `expected`; `why` says what the case is about.
fn assert_tokens(text: &str, expected: &[&str], why: &str) {
    let got = tokenize(text);
    assert!(
        got == expected,
        "tokenize({text:?}) should be {expected:?} ({why}), got {got:?}"
    );
}

#[course_testing::test]
fn words_are_runs_of_letters_and_digits() {
    assert_tokens("", &[], "no text, no word");
    assert_tokens(" ,\n\t- ", &[], "separators only");
    assert_tokens("map reduce", &["map", "reduce"], "a space separates words");
    assert_tokens(
        "  map,reduce!\nshuffle\t\tsort.  ",
        &["map", "reduce", "shuffle", "sort"],
        "every character that is not a letter or a digit separates words, and runs of them \
         count once",
    );
    assert_tokens(
        "don't stop-words_here",
        &["don", "t", "stop", "words", "here"],
        "an apostrophe, a hyphen and an underscore are not alphanumeric: they separate words",
    );
    assert_tokens(
        "covid19 2024 v2",
        &["covid19", "2024", "v2"],
        "digits belong to words (char::is_alphanumeric)",
    );
}

#[course_testing::test]
fn words_are_lowercased() {
    assert_tokens(
        "Map MAP map mAp",
        &["map", "map", "map", "map"],
        "every case becomes lowercase",
    );
    assert_tokens(
        "Straße STRASSE",
        &["straße", "strasse"],
        "ß is lowercase already; lowercasing never turns SS into ß (only uppercasing changes \
         the length: ß becomes SS)",
    );
    assert_tokens(
        "Καλημέρα naïve 日本語",
        &["καλημέρα", "naïve", "日本語"],
        "letters of every script are alphanumeric (char::is_alphanumeric, not is_ascii_alphanumeric)",
    );
}

#[course_testing::test]
fn each_word_is_lowercased_whole() {
    assert_tokens(
        "ΣΊΣΥΦΟΣ",
        &["σίσυφος"],
        "Greek has two lowercase sigmas: ς at the end of a word, σ elsewhere. str::to_lowercase \
         on the whole word knows where it ends; lowercasing char by char (char::to_lowercase) \
         gives σίσυφοσ",
    );
    assert_tokens(
        "ΟΔΟΣ,ΟΔΟΣ",
        &["οδος", "οδος"],
        "a comma ends a word too: lowercase each word alone, after splitting",
    );
    assert_tokens(
        "İstanbul",
        &["i\u{307}stanbul"],
        "İ (capital I with a dot) lowercases to i + a combining dot (U+0307), which is not \
         alphanumeric: split first, then lowercase each word, or the word breaks in two",
    );
}

#[course_testing::test]
fn count_bytes_adds_to_the_counts() {
    let mut counts = Counts::default();
    count_bytes(b"the crab and the Crab", &mut counts);
    count_bytes(b"THE END", &mut counts);
    let got = sorted(&counts);
    let expected = reference(b"the crab and the Crab THE END");
    assert_same_counts(
        &expected,
        &got,
        "count_bytes twice on the same Counts must add up, not start again",
    );
}

#[course_testing::test]
fn invalid_utf8_is_read_lossily() {
    let mut counts = Counts::default();
    count_bytes(b"caf\xe9 ok\xff\xfeok na\xc3\xafve \xe2\x82", &mut counts);
    let got = sorted(&counts);
    let expected = reference(b"caf\xe9 ok\xff\xfeok na\xc3\xafve \xe2\x82");
    assert_same_counts(
        &expected,
        &got,
        "bytes that are not UTF-8 must not stop the count: decode with \
         String::from_utf8_lossy (each invalid sequence becomes U+FFFD, which is not \
         alphanumeric, so it separates words)",
    );
}

#[course_testing::test]
fn count_bytes_agrees_with_the_reference_on_random_text() {
    check_all(
        300,
        corpus(60),
        |bytes| shown(bytes),
        |bytes| {
            let mut counts = Counts::default();
            count_bytes(&bytes, &mut counts);
            let (expected, got) = (reference(&bytes), sorted(&counts));
            if expected == got {
                Ok(())
            } else {
                Err(format!(
                    "count_bytes differs from the reference: {}",
                    crate::support::differences(&expected, &got)
                ))
            }
        },
    );
}

/// A reader that yields one byte per `read`: every word and every multi-byte character is cut
/// between two reads.
struct ByteAtATime<'a>(&'a [u8]);

impl Read for ByteAtATime<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (self.0.split_first(), buf.is_empty()) {
            (Some((&first, rest)), false) => {
                buf[0] = first;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[course_testing::test]
fn count_reader_joins_words_cut_between_reads() {
    check_all(
        100,
        corpus(40),
        |bytes| shown(bytes),
        |bytes| {
            let counts = count_reader(ByteAtATime(&bytes))
                .map_err(|error| format!("count_reader failed on a healthy reader: {error}"))?;
            let (expected, got) = (reference(&bytes), sorted(&counts));
            if expected == got {
                Ok(())
            } else {
                Err(format!(
                    "count_reader on a reader that yields one byte per read differs from the \
                     reference: {}. A read can end in the middle of a word, or of a UTF-8 \
                     character: keep the unfinished end for the next read (cut each buffer after \
                     its last ASCII whitespace)",
                    crate::support::differences(&expected, &got)
                ))
            }
        },
    );
}

/// A reader that fails after some bytes, as a failing disk would.
struct BadDisk(u64);

impl Read for BadDisk {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0 == 0 {
            return Err(io::Error::other("the test disk has a bad sector"));
        }
        let n = buf.len().min(self.0 as usize);
        buf[..n].fill(b'a');
        self.0 -= n as u64;
        Ok(n)
    }
}

#[course_testing::test]
fn a_read_error_is_returned() {
    let error = expect_err(
        "the reader fails after 100,000 bytes: count_reader must return its error (with `?`)",
        || count_reader(BadDisk(100_000)),
    );
    assert!(
        error.to_string().contains("bad sector"),
        "return the reader's own error, unchanged: expected `the test disk has a bad sector`, \
         got `{error}`"
    );
}

// ANCHOR: memory
// Alone in a child process: the peak memory of a process shared with other tests counts theirs.
#[course_testing::test(
    own_process,
    deadline_secs = 25,
    hint = "a long text: is the tokenizer doing much more work per byte than it needs?"
)]
fn count_reader_streams() {
    let text = GeneratedText::new(BIG_TEXT);
    let expected = text.counts();
    let counts = assert_peak_rise_below(
        MEMORY_LIMIT,
        &format!(
            "counting {} MiB of text with 8 distinct words raised the peak memory by {} MiB or \
             more: count_reader must read a buffer at a time and count it, never the whole \
             input (no read_to_end, no read_to_string)",
            BIG_TEXT / MIB,
            MEMORY_LIMIT / MIB
        ),
        || count_reader(text),
    )
    .expect("the generated text cannot fail to read");
    assert_same_counts(&expected, &sorted(&counts), "count_reader on a long text");
}
// ANCHOR_END: memory
