//! Step 3: content-addressed storage. Files are named `<md5>-<safe name>`, the MD5 computed while
//! streaming (memory stays bounded, checked in a process of its own), written to a temporary file
//! and renamed, so a failed read or a failed rename leaves nothing behind; the same content is
//! stored once; a destination folder that cannot be used is an error at start.

use std::io::{self, Read};
use std::path::Path;

use course_testing::{expect_err, expect_no_panic};
use ex5::{DestinationError, StoreError, check_destination, safe_name, store};

use crate::support::{md5_hex, names_in, scratch};

#[course_testing::test]
fn names_come_from_the_last_segment_of_the_path() {
    for (url, expected) in [
        ("http://host/files/report.pdf", "report.pdf"),
        (
            "http://host/a/b/data-1_v2.tar.gz?token=abc#part",
            "data-1_v2.tar.gz",
        ),
        ("http://host:8080/x.txt", "x.txt"),
    ] {
        let name = safe_name(url);
        assert_eq!(
            name, expected,
            "safe_name({url:?}): expected the last segment of the path, without query or \
             fragment, got {name:?}"
        );
    }
}

#[course_testing::test]
fn names_are_safe_on_any_file_system() {
    for (url, expected) in [
        ("http://host/..", "download"),
        ("http://host/../../etc/passwd", "passwd"),
        ("http://host/.hidden", "hidden"),
        ("http://host/a%2F..%2Fb", "a_2F.._2Fb"),
        ("http://host/na\\me:*?.txt", "na_me__"),
        ("http://host/tab\there\u{7}.txt", "tab_here_.txt"),
        ("http://host/caf\u{e9}.txt", "caf_.txt"),
        ("http://host/", "download"),
        ("http://host", "download"),
        ("http://host/dir/", "download"),
    ] {
        let name = safe_name(url);
        assert_eq!(
            name, expected,
            "safe_name({url:?}): keep only ASCII letters, digits, '.', '-' and '_' (others become \
             '_'), drop leading dots (no hidden file, no '..'), and use \"download\" when nothing \
             is left; got {name:?}"
        );
    }
    let long = format!("http://host/{}", "x".repeat(300));
    let name = safe_name(&long);
    assert_eq!(
        name.len(),
        100,
        "a 300-character name must be cut to 100 bytes (file systems allow 255 for the whole \
         `<md5>-<name>`), got {} bytes",
        name.len()
    );
}

#[course_testing::test]
fn a_stored_file_is_named_by_its_md5() {
    let dir = scratch();
    let content = b"The quick brown fox jumps over the lazy dog";
    let stored = expect_no_panic("storing into an empty writable folder works", || {
        store(&content[..], dir.path(), "fox.txt")
    })
    .unwrap_or_else(|e| panic!("storing 43 bytes into an empty folder failed: {e}"));
    let md5 = "9e107d9d372bb6826bd81d3542a419d6";
    assert_eq!(
        stored.md5, md5,
        "the MD5 of the fox sentence, in lowercase hex"
    );
    assert_eq!(stored.size, 43, "the content has 43 bytes");
    assert_eq!(
        stored.path,
        dir.path().join(format!("{md5}-fox.txt")),
        "the file is `<dir>/<md5>-<name>`"
    );
    assert!(
        !stored.already_present,
        "the folder was empty: nothing was there before"
    );
    assert_eq!(
        names_in(dir.path()),
        [format!("{md5}-fox.txt")],
        "the folder must hold the stored file and nothing else (no temporary file left)"
    );
    let saved = std::fs::read(&stored.path).unwrap_or_default();
    assert_eq!(
        saved, content,
        "the file must hold exactly the content read"
    );
}

#[course_testing::test]
fn an_empty_body_is_stored_too() {
    let dir = scratch();
    let stored = store(io::empty(), dir.path(), "empty")
        .unwrap_or_else(|e| panic!("storing an empty body failed: {e}"));
    assert_eq!(
        (stored.md5.as_str(), stored.size),
        ("d41d8cd98f00b204e9800998ecf8427e", 0),
        "an empty body has 0 bytes and the MD5 of nothing"
    );
}

#[course_testing::test]
fn the_same_content_is_stored_once() {
    let dir = scratch();
    let content = vec![7u8; 200_000];
    let first = store(&content[..], dir.path(), "seven.bin")
        .unwrap_or_else(|e| panic!("the first store failed: {e}"));
    let second = expect_no_panic(
        "storing content that is already there is not an error",
        || store(&content[..], dir.path(), "seven.bin"),
    )
    .unwrap_or_else(|e| panic!("storing the same content again failed: {e}"));
    assert!(
        second.already_present,
        "the same content under the same name was already stored: already_present must be true"
    );
    assert_eq!(
        second.path, first.path,
        "both stores must name the same file"
    );
    assert_eq!(
        names_in(dir.path()).len(),
        1,
        "the same content twice must be stored once, got {:?}",
        names_in(dir.path())
    );
    let other = store(&b"other"[..], dir.path(), "seven.bin")
        .unwrap_or_else(|e| panic!("storing other content failed: {e}"));
    assert!(
        !other.already_present && other.md5 == md5_hex(b"other"),
        "other content under the same name is another file: not already present, its own MD5"
    );
}

/// Gives `good` bytes, then fails like a connection that drops.
struct BreaksAfter {
    good: usize,
}

impl Read for BreaksAfter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.good == 0 {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "the test broke the connection",
            ));
        }
        let n = buf.len().min(self.good).min(1_000);
        buf[..n].fill(b'x');
        self.good -= n;
        Ok(n)
    }
}

#[course_testing::test]
fn a_read_that_fails_halfway_leaves_no_file() {
    let dir = scratch();
    let error = expect_err(
        "a source that fails halfway must make store fail (a partial body is not the file)",
        || store(BreaksAfter { good: 300_000 }, dir.path(), "broken.bin"),
    );
    assert!(
        matches!(error, StoreError::Read(_)),
        "the source failed, not the disk: expected StoreError::Read (a retry may help), got \
         {error:?}"
    );
    assert_eq!(
        names_in(dir.path()),
        Vec::<String>::new(),
        "after a failed read the folder must be empty: the temporary file must be removed"
    );
}

#[course_testing::test]
fn a_write_that_fails_leaves_no_file() {
    // The rename fails: a folder sits where the file should go (and holds a file, so the
    // temporary file cannot replace it).
    let dir = scratch();
    let content = b"blocked";
    let target = dir.path().join(format!("{}-blocked.txt", md5_hex(content)));
    std::fs::create_dir(&target)
        .and_then(|()| std::fs::write(target.join("keep"), "x"))
        .unwrap_or_else(|e| panic!("test setup: {e}"));
    let error = expect_err(
        "a folder occupies the file's name: store must fail (already_present means a *file* \
         with that name)",
        || store(&content[..], dir.path(), "blocked.txt"),
    );
    assert!(
        matches!(error, StoreError::Write(_)),
        "the disk failed, not the source: expected StoreError::Write, got {error:?}"
    );
    let left = names_in(dir.path());
    assert_eq!(
        left.len(),
        1,
        "after a failed write only the blocking folder may remain; the temporary file must be \
         removed, got {left:?}"
    );
}

#[course_testing::test]
fn the_temporary_file_is_made_in_the_destination() {
    // A rename is atomic only within one file system: the temporary file must be in `dir`, so
    // the rename never turns into a copy that can be interrupted halfway.
    let dir = scratch();
    struct Spy<'a> {
        dir: &'a Path,
        seen: Vec<String>,
        sent: bool,
    }
    impl Read for Spy<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.sent {
                self.seen = names_in(self.dir);
                return Ok(0);
            }
            self.sent = true;
            buf[..5].copy_from_slice(b"hello");
            Ok(5)
        }
    }
    let mut spy = Spy {
        dir: dir.path(),
        seen: Vec::new(),
        sent: false,
    };
    store(&mut spy, dir.path(), "hello.txt").unwrap_or_else(|e| panic!("store failed: {e}"));
    assert_eq!(
        spy.seen.len(),
        1,
        "while the body streamed, expected one temporary file in the destination folder, saw \
         {:?}: create it with tempfile::Builder::tempfile_in(dir), then rename it",
        spy.seen
    );
}

#[course_testing::test(own_process)]
fn memory_stays_bounded_while_storing_200_mb() {
    /// 200 MB of generated bytes, never held whole.
    struct Generated {
        left: u64,
    }
    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = (buf.len() as u64).min(self.left) as usize;
            buf[..n].fill((self.left >> 16) as u8);
            self.left -= n as u64;
            Ok(n)
        }
    }
    let dir = scratch();
    let stored = course_testing::memory::assert_peak_rise_below(
        32 << 20,
        "storing a 200 MB body raised the peak memory by more than 32 MiB: stream it through a \
         small buffer into the file and the hasher, never read it whole",
        || store(Generated { left: 200 << 20 }, dir.path(), "big.bin"),
    )
    .unwrap_or_else(|e| panic!("storing 200 MB failed: {e}"));
    assert_eq!(stored.size, 200 << 20, "expected 200 MiB stored");
}

#[course_testing::test]
fn a_missing_destination_is_a_clear_error() {
    let dir = scratch();
    let missing = dir.path().join("no-such-folder");
    let error = expect_err("a missing folder must be an error", || {
        check_destination(&missing)
    });
    assert!(
        matches!(error, DestinationError::Missing(_)),
        "expected DestinationError::Missing, got {error:?}"
    );
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap_or_else(|e| panic!("test setup: {e}"));
    let error = expect_err("a file is not a folder", || check_destination(&file));
    assert!(
        matches!(error, DestinationError::NotAFolder(_)),
        "expected DestinationError::NotAFolder, got {error:?}"
    );
    check_destination(dir.path())
        .unwrap_or_else(|e| panic!("an empty writable folder must be accepted, got: {e}"));
    assert!(
        names_in(dir.path()) == ["a-file"],
        "checking a folder must leave nothing in it, found {:?}",
        names_in(dir.path())
    );
}

#[cfg(target_os = "linux")]
#[course_testing::test]
fn a_folder_that_cannot_be_written_is_a_clear_error() {
    // /proc exists and is a folder, yet nobody, not even root, can create a file in it: only an
    // attempt to write tells (permission bits do not stop root, who runs many CI jobs).
    let error = expect_err(
        "a folder where no file can be created must be an error",
        || check_destination(Path::new("/proc")),
    );
    assert!(
        matches!(error, DestinationError::NotWritable { .. }),
        "expected DestinationError::NotWritable for /proc, got {error:?}"
    );
}
