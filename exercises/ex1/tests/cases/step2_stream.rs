//! Step 2: compress_reader, gzip from any reader to any writer, streaming.

use std::io;
use std::sync::atomic::Ordering;

use course_testing::{expect_err, expect_no_panic};
use ex1::compress_reader;

use crate::support::{
    BadDisk, ENOUGH, Flow, FullDisk, HugeReader, MIB, StopWriter, gunzip, members, plural, text,
};

fn compress(data: &[u8], level: u32) -> (u64, Vec<u8>) {
    let mut out = Vec::new();
    let read = compress_reader(data, &mut out, level).expect("compressing into a Vec cannot fail");
    (read, out)
}

#[course_testing::test]
fn round_trip() {
    let (read, compressed) = compress(&text(1, 100_000), 6);
    assert_eq!(
        read, 100_000,
        "compress_reader should return the number of bytes read (io::copy returns it): \
         expected 100,000, got {read}"
    );
    let back = gunzip(&compressed).unwrap_or_else(|error| {
        panic!("{error}: wrap the writer in flate2's GzEncoder and call finish() at the end")
    });
    assert!(
        back == text(1, 100_000),
        "decompressing the output does not give the input back: expected the 100,000 bytes of \
         the input, got {} that differ",
        plural(back.len(), "byte")
    );
    assert!(
        compressed.len() < 50_000,
        "100 KB of text became {}, expected fewer than 50,000: is it compressed at all?",
        plural(compressed.len(), "byte")
    );
}

#[course_testing::test]
fn one_gzip_member() {
    let (_, compressed) = compress(&text(2, 10_000), 6);
    let members = members(&compressed).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        members.len(),
        1,
        "compress_reader should write exactly one gzip stream (one member), not {}",
        members.len()
    );
}

#[course_testing::test]
fn empty_input() {
    let (read, compressed) = compress(&[], 6);
    assert_eq!(
        read, 0,
        "the input is empty: expected 0 bytes read, got {read}"
    );
    assert!(
        !compressed.is_empty(),
        "an empty input still gives a gzip stream (header and trailer, about 20 bytes), not nothing"
    );
    let back = gunzip(&compressed).unwrap_or_else(|error| panic!("{error}"));
    assert!(
        back.is_empty(),
        "the gzip stream of an empty input should decompress to nothing, got {}",
        plural(back.len(), "byte")
    );
}

#[course_testing::test]
fn the_level_is_used() {
    let source = text(3, 200_000);
    let [stored, fast, best] = [0, 1, 9].map(|level| compress(&source, level).1.len());
    assert!(
        stored > 200_000,
        "level 0 stores without compressing, so the output should be a bit larger than the \
         200,000 input bytes, got {}: pass the level to the encoder \
         (flate2::Compression::new(level))",
        plural(stored, "byte")
    );
    assert!(
        best < fast,
        "level 9 should give fewer bytes than level 1, got {} at level 9 and {} at level 1",
        plural(best, "byte"),
        plural(fast, "byte")
    );
}

#[course_testing::test]
fn every_level_round_trips() {
    let source = text(4, 30_000);
    for level in 0..=9 {
        let (_, compressed) = compress(&source, level);
        let back = gunzip(&compressed).unwrap_or_else(|error| panic!("level {level}: {error}"));
        assert!(
            back == source,
            "level {level} does not round-trip: decompressing gives {} that differ from the \
             30,000 of the input",
            plural(back.len(), "byte")
        );
    }
}

#[course_testing::test]
fn a_level_above_9_counts_as_9() {
    let source = text(6, 50_000);
    let (_, best) = compress(&source, 9);
    for level in [10, 99, u32::MAX] {
        let mut out = Vec::new();
        let lesson = format!(
            "level {level} is above 9, which counts as 9: clamp it with level.min(9) before \
             Compression::new (flate2 panics on levels above 9)"
        );
        let read = expect_no_panic(&lesson, || compress_reader(&source[..], &mut out, level))
            .unwrap_or_else(|error| panic!("{lesson}; expected Ok, got the error `{error}`"));
        assert_eq!(
            read, 50_000,
            "at level {level}: expected 50,000 bytes read (the input's length), got {read}"
        );
        let back = gunzip(&out).unwrap_or_else(|error| panic!("level {level}: {error}"));
        assert!(
            back == source,
            "level {level} does not round-trip: decompressing gives {} that differ from the \
             50,000 of the input",
            plural(back.len(), "byte")
        );
        assert_eq!(
            out.len(),
            best.len(),
            "level {level} counts as 9: expected as many bytes as level 9 gives ({}), got {}",
            best.len(),
            plural(out.len(), "byte")
        );
    }
}

#[course_testing::test]
fn a_failing_writer_is_an_error() {
    let mut disk = FullDisk {
        capacity: 10,
        accepted: Vec::new(),
    };
    let error = expect_err(
        "the writer failed, so compress_reader must return its error: call encoder.finish() and \
         pass its error on with `?` (letting the encoder drop hides the error of the last write)",
        || compress_reader(&text(5, 2_000)[..], &mut disk, 6),
    );
    assert_eq!(
        error.kind(),
        io::ErrorKind::StorageFull,
        "return the writer's own error, unchanged: expected its kind StorageFull, got {:?} \
         (`{error}`)",
        error.kind()
    );
}

#[course_testing::test]
fn a_failing_reader_is_an_error() {
    let error = expect_err(
        "the reader failed, so compress_reader must return its error (pass it on with `?`)",
        || compress_reader(BadDisk::new(50_000), Vec::new(), 6),
    );
    assert!(
        error.to_string().contains("bad sector"),
        "return the reader's own error, unchanged: expected `the test disk has a bad sector`, \
         got `{error}`"
    );
}

// ANCHOR: streaming
#[course_testing::test]
fn streams_a_terabyte_with_bounded_memory() {
    // A 1 TiB input that exists only as it is read. Reading it all into memory first would need a
    // terabyte: the reader fails after 16 MiB read with nothing written. The writer ends the test
    // with an error once 32 MiB have flowed through.
    let flow = Flow::new();
    let (reader, writer) = (
        HugeReader::new(1 << 40, 16 * MIB, flow.clone()),
        StopWriter::new(32 * MIB, flow.clone()),
    );
    let outcome = expect_no_panic(
        "the writer fails on purpose after 32 MiB: compress_reader must return its error",
        || compress_reader(reader, writer, 6),
    );
    assert!(
        !flow.slurp_detected.load(Ordering::SeqCst),
        "16 MiB were read before a single byte was written: compress_reader collects the input \
         instead of streaming it; copy it a buffer at a time with io::copy(&mut reader, &mut encoder)"
    );
    let error = outcome.expect_err("the writer failed on purpose: compress_reader must say so");
    assert!(
        error.to_string().contains(ENOUGH),
        "expected the writer's error `{ENOUGH}`, got `{error}`"
    );
    let first = flow.read_at_first_write.load(Ordering::SeqCst);
    assert!(
        first <= 8 * MIB,
        "{} MiB were read before the first byte was written, expected at most 8: output should \
         flow while reading",
        first / MIB
    );
}
// ANCHOR_END: streaming
