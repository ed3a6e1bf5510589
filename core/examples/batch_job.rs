//! Three habits of a parallel batch job, each on a small problem of its own. The chapter of
//! exercise 1 shows them; the exercise applies them to gzip.
//!
//! - Stream, and finish a writer explicitly: [`copy_buffered`] copies a buffer at a time and
//!   reports the error of the last write, which dropping the writer would lose.
//! - Results in input order: [`word_counts`] submits every text first, then collects the futures
//!   in order; a refused or panicking task becomes that text's error.
//! - A bounded window: [`shout_in_blocks`] transforms a stream in parallel blocks, written in
//!   order, with only a few blocks in flight however long the stream.
//!
//! ```sh
//! cargo run -p concurrent --example batch_job
//! ```

use std::collections::VecDeque;
use std::io::{self, BufWriter, Read, Write};

use concurrent::testing::AdversarialExecutor;
use concurrent::{Error, Executor, Future, ThreadPoolExecutor};

// ANCHOR: stream
/// Copies everything `reader` yields into `writer` through a 64 KiB buffer and returns the number
/// of bytes copied. Like a gzip encoder, a `BufWriter` holds the last bytes until it is finished.
fn copy_buffered(mut reader: impl Read, writer: impl Write) -> io::Result<u64> {
    let mut buffered = BufWriter::with_capacity(64 * 1024, writer);
    // A buffer at a time: a terabyte costs as much memory as a kilobyte (`read_to_end` and then
    // `write_all` would hold the whole input).
    let copied = io::copy(&mut reader, &mut buffered)?;
    // Dropping `buffered` would write the last bytes too, but `Drop` cannot return an error: a
    // full disk would go unnoticed. `into_inner` writes them and returns the error.
    buffered
        .into_inner()
        .map_err(io::IntoInnerError::into_error)?;
    Ok(copied)
}
// ANCHOR_END: stream

/// The same copy, finished by dropping the writer: the error of the last write is lost.
fn copy_buffered_then_drop(mut reader: impl Read, writer: impl Write) -> io::Result<u64> {
    let mut buffered = BufWriter::with_capacity(64 * 1024, writer);
    io::copy(&mut reader, &mut buffered)
}

/// A writer that accepts `room` bytes, then fails like a full disk.
struct FullDisk {
    room: usize,
}

impl Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "the disk is full",
            ));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ANCHOR: in_order
/// How many words each text has, one text per task, in the order of `texts`. A refused submission
/// or a panicking task becomes that text's `Err`; the other texts are still counted.
fn word_counts<E: Executor>(executor: &E, texts: &[&str]) -> Vec<Result<usize, Error>> {
    // Submit every text first: the pool works on all of them while we wait for the first.
    let submitted: Vec<Result<Future<usize>, Error>> = texts
        .iter()
        .map(|text| {
            let text = text.to_string(); // the task owns its data (`Send + 'static`)
            executor.submit(move || text.split_whitespace().count())
        })
        .collect();
    // Then collect in input order, whatever order the tasks finish in.
    submitted
        .into_iter()
        .map(|future| future.and_then(Future::result))
        .collect()
}
// ANCHOR_END: in_order

// ANCHOR: window
/// Upper-cases a stream in parallel, `block_size` bytes per task, and writes the blocks in the
/// order they were read. At most two blocks per worker are in flight, so memory stays bounded
/// however long the stream. Returns the number of bytes read.
fn shout_in_blocks<E: Executor>(
    executor: &E,
    mut reader: impl Read,
    mut writer: impl Write,
    block_size: usize,
) -> io::Result<u64> {
    let window = 2 * executor.max_workers().max(1);
    // Futures in submission order: the front is always the oldest block.
    let mut in_flight: VecDeque<Future<Vec<u8>>> = VecDeque::new();
    let mut read = 0;
    loop {
        let mut block = Vec::with_capacity(block_size.max(1));
        reader
            .by_ref()
            .take(block_size.max(1) as u64)
            .read_to_end(&mut block)?;
        if block.is_empty() {
            break;
        }
        read += block.len() as u64;
        let future = executor
            .submit(move || block.to_ascii_uppercase())
            .map_err(io::Error::other)?;
        in_flight.push_back(future);
        // The window is full: write the oldest block before reading another.
        if in_flight.len() >= window
            && let Some(oldest) = in_flight.pop_front()
        {
            writer.write_all(&oldest.result().map_err(io::Error::other)?)?;
        }
    }
    for future in in_flight {
        writer.write_all(&future.result().map_err(io::Error::other)?)?;
    }
    writer.flush()?;
    Ok(read)
}
// ANCHOR_END: window

fn main() {
    // Streaming: 64 MiB flow through a 64 KiB buffer.
    let copied = copy_buffered(io::repeat(b'x').take(64 << 20), io::sink());
    assert_eq!(copied.ok(), Some(64 << 20));

    // Finishing explicitly reports the full disk; dropping the writer hides it.
    let text = b"a few bytes, still in the buffer when the copy ends";
    let error = copy_buffered(&text[..], FullDisk { room: 10 }).map(|_| ());
    assert_eq!(
        error.map_err(|error| error.kind()),
        Err(io::ErrorKind::StorageFull)
    );
    let lost = copy_buffered_then_drop(&text[..], FullDisk { room: 10 });
    assert_eq!(lost.ok(), Some(text.len() as u64), "the error was lost");

    // The tests' adversarial executor finishes each batch of tasks in reverse order: results
    // collected as they finish would come out reversed.
    let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(2));
    let texts = ["one", "two words", "and then three", ""];
    assert_eq!(word_counts(&pool, &texts), [Ok(1), Ok(2), Ok(3), Ok(0)]);
    let closed = ThreadPoolExecutor::new(1);
    closed.shutdown(true, false);
    assert_eq!(
        word_counts(&closed, &texts[..2]),
        [Err(Error::Shutdown), Err(Error::Shutdown)]
    );

    let story = b"ferris the crab compresses files in parallel\n".repeat(1_000);
    let mut shouted = Vec::new();
    let read = shout_in_blocks(&pool, &story[..], &mut shouted, 1_000);
    assert_eq!(read.ok(), Some(story.len() as u64));
    assert!(shouted == story.to_ascii_uppercase(), "blocks out of order");

    println!(
        "streamed 64 MiB; the full disk reported, then lost; {} texts counted in order; {} bytes \
         shouted in {} blocks, in order",
        texts.len(),
        story.len(),
        story.len().div_ceil(1_000)
    );
}
