//! Step 3: compress_file, written to a temporary name and renamed; gz_path; the sequential
//! baseline.

use std::path::{Path, PathBuf};

use course_testing::memory::assert_peak_rise_below;
use course_testing::{expect_err, expect_no_panic};
use ex1::{CompressError, compress_file, compress_files_sequential, gz_path};

use crate::support::{
    MIB, assert_only_gz_added, assert_report_paths, gunzip_file, gz_of, names_in, plural,
    system_temp_folder_is_unusable, temp_dir, temp_dir_in_target, text, text_files, write_file,
};

#[course_testing::test]
fn the_output_name_appends_gz() {
    for (path, expected) in [
        ("data/notes.txt", "data/notes.txt.gz"),
        ("archive", "archive.gz"),
    ] {
        let got = gz_path(Path::new(path));
        assert_eq!(
            got,
            PathBuf::from(expected),
            "append .gz to the whole name, as gzip does: expected gz_path({path:?}) to be \
             {expected:?}, got {got:?}"
        );
    }
}

#[course_testing::test]
fn compresses_a_file_next_to_it() {
    let dir = temp_dir();
    let source = text(1, 50_000);
    let input = write_file(dir.path(), "notes.txt", &source);
    let report = compress_file(&input, 6)
        .unwrap_or_else(|error| panic!("compress_file failed on a readable file: {error}"));
    let output = gz_of(&input);
    assert_report_paths(&report, &input);
    assert!(
        gunzip_file(&output) == source,
        "{} does not decompress to the original",
        output.display()
    );
    assert_eq!(
        report.original_size, 50_000,
        "original_size should be the number of bytes read, 50,000, got {}",
        report.original_size
    );
    let on_disk = std::fs::metadata(&output)
        .map(|meta| meta.len())
        .unwrap_or(0);
    assert_eq!(
        report.compressed_size, on_disk,
        "compressed_size should be the size of the .gz file on disk, {on_disk}, got {}",
        report.compressed_size
    );
    assert_only_gz_added(dir.path(), "notes.txt");
}

#[course_testing::test]
fn an_empty_file() {
    let dir = temp_dir();
    let input = write_file(dir.path(), "empty.txt", b"");
    let report = compress_file(&input, 6)
        .unwrap_or_else(|error| panic!("an empty file is not an error: {error}"));
    assert_eq!(
        report.original_size, 0,
        "the file is empty: expected original_size 0, got {}",
        report.original_size
    );
    assert!(
        report.compressed_size > 0,
        "even an empty file gets a gzip header and trailer: expected a compressed_size above 0"
    );
    let back = gunzip_file(&gz_of(&input));
    assert!(
        back.is_empty(),
        "empty.txt.gz should decompress to nothing, got {}",
        plural(back.len(), "byte")
    );
}

#[course_testing::test]
fn a_missing_file_is_an_error_that_names_it() {
    let dir = temp_dir();
    let missing = dir.path().join("no-such-file.txt");
    let error = expect_err(
        "a missing file must give an Err (a CompressError::Io naming it), not a panic",
        || compress_file(&missing, 6),
    );
    assert!(
        matches!(&error, CompressError::Io { path, .. } if path == &missing),
        "expected CompressError::Io naming {}, got {error:?}",
        missing.display()
    );
    assert_eq!(
        error.path(),
        missing,
        "error.path() should be the missing file, {}, got {}",
        missing.display(),
        error.path().display()
    );
    assert!(
        error.to_string().contains("no-such-file.txt"),
        "the message should name the file no-such-file.txt, got `{error}`"
    );
    assert!(
        names_in(dir.path()).is_empty(),
        "nothing should be written for a missing input, found {:?}",
        names_in(dir.path())
    );
}

// ANCHOR: no_truncated_gz
#[course_testing::test]
fn a_failure_halfway_leaves_no_gz() {
    // A folder opens like a file on Linux, then fails on the first read: the failure comes after
    // the output was started.
    let dir = temp_dir();
    let input = dir.path().join("folder");
    std::fs::create_dir(&input).expect("cannot create a test folder");
    let error = expect_err(
        "a folder cannot be compressed: that must be an Err, not a panic",
        || compress_file(&input, 6),
    );
    assert_eq!(
        error.path(),
        input,
        "the error should name the input, {}, got {}",
        input.display(),
        error.path().display()
    );
    let names = names_in(dir.path());
    assert_eq!(
        names,
        ["folder"],
        "after a failure no .gz (nor a temporary file) may be left, found {names:?}: write to a \
         tempfile::NamedTempFile in the same folder and persist() it to the .gz name only once \
         it is complete"
    );
}

#[course_testing::test]
fn a_failure_keeps_the_previous_gz() {
    let dir = temp_dir();
    let input = dir.path().join("folder");
    std::fs::create_dir(&input).expect("cannot create a test folder");
    let previous = write_file(dir.path(), "folder.gz", b"the previous archive");
    let outcome = expect_no_panic("a folder cannot be compressed: return an Err", || {
        compress_file(&input, 6)
    });
    assert!(
        outcome.is_err(),
        "a folder cannot be compressed: expected an Err, got {outcome:?}"
    );
    let kept = std::fs::read(&previous).unwrap_or_default();
    assert!(
        kept == b"the previous archive",
        "a failed run destroyed the existing .gz (expected its 20 bytes untouched, found {}): \
         write elsewhere and rename only on success",
        plural(kept.len(), "byte")
    );
}
// ANCHOR_END: no_truncated_gz

// On many machines the system's temporary folder (/tmp) is another file system than the user's
// files, where a rename from there fails. The child process runs with an unusable TMPDIR, so a
// temporary file made there fails on every machine.
#[course_testing::test(
    own_process,
    env(
        TMPDIR = "/dev/null/no-temporary-folder",
        TMP = "/dev/null/no-temporary-folder",
        TEMP = "/dev/null/no-temporary-folder"
    )
)]
fn the_temporary_file_is_made_beside_the_output() {
    let dir = temp_dir_in_target();
    let source = text(8, 20_000);
    let input = write_file(dir.path(), "notes.txt", &source);
    if !system_temp_folder_is_unusable() {
        return;
    }
    let lesson = "the system's temporary folder is unusable in this test (TMPDIR is a folder that \
                  cannot exist), yet compress_file must work: make the temporary file in the \
                  folder of the .gz with NamedTempFile::new_in(folder), not NamedTempFile::new() \
                  (a rename from /tmp to another file system fails)";
    expect_no_panic(lesson, || compress_file(&input, 6))
        .unwrap_or_else(|error| panic!("{lesson}; expected Ok, got the error `{error}`"));
    assert!(
        gunzip_file(&gz_of(&input)) == source,
        "{} does not decompress to notes.txt",
        gz_of(&input).display()
    );
    assert_only_gz_added(dir.path(), "notes.txt");
}

#[course_testing::test]
fn replaces_an_old_gz() {
    let dir = temp_dir();
    let input = write_file(dir.path(), "notes.txt", &text(2, 5_000));
    write_file(dir.path(), "notes.txt.gz", b"stale");
    compress_file(&input, 6)
        .unwrap_or_else(|error| panic!("an existing .gz is replaced, not an error: {error}"));
    assert!(
        gunzip_file(&gz_of(&input)) == text(2, 5_000),
        "notes.txt.gz should now hold the compressed notes.txt, not the stale one"
    );
}

// ANCHOR: own_process
// Alone in a child process: the peak memory of a process shared with other tests would count
// theirs too (and the debug symbols a panicking test loads with RUST_BACKTRACE=1).
#[course_testing::test(own_process, deadline_secs = 15)]
fn a_big_file_with_bounded_memory() {
    // 256 MiB of zeros in a sparse file (it takes no disk space). Reading it whole would raise the
    // peak memory by 256 MiB; streaming keeps it flat.
    let dir = temp_dir();
    let input = dir.path().join("big.bin");
    std::fs::File::create(&input)
        .and_then(|file| file.set_len(256 * MIB))
        .expect("cannot create a sparse test file");
    let report = assert_peak_rise_below(
        64 * MIB,
        "compressing 256 MiB raised the peak memory too much: stream the file through a \
         BufReader with io::copy instead of reading it whole",
        || compress_file(&input, 6),
    )
    .unwrap_or_else(|error| panic!("compressing a big file failed: {error}"));
    assert_eq!(
        report.original_size,
        256 * MIB,
        "expected original_size 256 MiB ({} bytes), got {}",
        256 * MIB,
        report.original_size
    );
    let compressed = std::fs::read(gz_of(&input)).expect("the .gz should exist");
    let mut decoder = flate2::read::MultiGzDecoder::new(&compressed[..]);
    // Decoding checks the CRC of the contents: a valid stream of the right length is the file.
    let length = std::io::copy(&mut decoder, &mut std::io::sink())
        .unwrap_or_else(|error| panic!("the .gz of the big file is not valid: {error}"));
    assert_eq!(
        length,
        256 * MIB,
        "the .gz should hold 256 MiB ({} bytes), it holds {}",
        256 * MIB,
        plural(length, "byte")
    );
}
// ANCHOR_END: own_process

#[course_testing::test]
fn sequential_keeps_order_and_isolates_failures() {
    let dir = temp_dir();
    let mut paths = text_files(dir.path(), 3, 20_000);
    let missing = dir.path().join("missing.txt");
    paths.insert(1, missing.clone());
    let results = expect_no_panic(
        "a missing file gets its own Err and the other files are still compressed: no panic",
        || compress_files_sequential(&paths, 6),
    );
    assert_eq!(
        results.len(),
        4,
        "expected one result per path, 4, got {}",
        results.len()
    );
    for (path, result) in paths.iter().zip(&results) {
        if path == &missing {
            let error = result.as_ref().expect_err(
                "the missing file (the second path) should have an Err in the second result",
            );
            assert_eq!(
                error.path(),
                missing,
                "the second error should name missing.txt, got {}",
                error.path().display()
            );
        } else {
            let report = result.as_ref().unwrap_or_else(|error| {
                panic!(
                    "{} should be compressed despite the missing file: {error}",
                    path.display()
                )
            });
            assert_eq!(
                &report.input,
                path,
                "results must be in the order of the paths: expected the report of {}, got {}",
                path.display(),
                report.input.display()
            );
            assert!(
                gunzip_file(&report.output) == std::fs::read(path).unwrap_or_default(),
                "{} does not decompress to {}",
                report.output.display(),
                path.display()
            );
        }
    }
}
