//! Capping memory: at most N big inputs in memory at once, while the pool has more workers.
//!
//! A producer that reads big chunks (of a file, of a database) and submits each to a pool can read
//! far faster than the workers process: every chunk read but not processed yet waits in the pool's
//! queue, in memory. A bounded submit stops the producer instead: a [`Semaphore`] whose permit
//! travels with the chunk and is given back when the task is done with it, or `map`'s buffer
//! size, which pulls the next item only when a result is taken.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use concurrent::{Error, Executor};

// ANCHOR: semaphore
/// A counting semaphore: at most `permits` [`Permit`]s exist at once.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    freed: Condvar,
}

/// One of a [`Semaphore`]'s permits; dropping it gives it back.
#[derive(Debug)]
pub struct Permit(Arc<Semaphore>);

impl Semaphore {
    /// A semaphore with `permits` permits (at least one).
    pub fn new(permits: usize) -> Arc<Self> {
        Arc::new(Semaphore {
            free: Mutex::new(permits.max(1)),
            freed: Condvar::new(),
        })
    }

    /// Waits for a free permit and takes it.
    pub fn acquire(self: &Arc<Self>) -> Permit {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Permit(Arc::clone(self))
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.freed.notify_one();
    }
}
// ANCHOR_END: semaphore

/// How many chunks are alive now, and the most there ever were: the witness of the cap.
#[derive(Debug, Default)]
pub struct Live {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl Live {
    /// The most chunks alive at once so far.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

/// A big input: its bytes are really in memory (written, not just reserved).
#[derive(Debug)]
pub struct Chunk {
    data: Vec<u8>,
    live: Arc<Live>,
}

impl Chunk {
    /// Chunk `index` of `size` bytes (what reading a chunk of a file would give).
    pub fn read(index: usize, size: usize, live: &Arc<Live>) -> Chunk {
        let now = live.now.fetch_add(1, Ordering::SeqCst) + 1;
        live.max.fetch_max(now, Ordering::SeqCst);
        Chunk {
            data: vec![(index % 251) as u8 + 1; size],
            live: Arc::clone(live),
        }
    }

    /// The work on a chunk: a checksum of four passes over every byte (a stand-in for parsing,
    /// several times slower than reading the chunk, as real processing is).
    pub fn checksum(&self) -> u64 {
        (0..4u64).fold(0u64, |sum, pass| {
            self.data.iter().fold(sum ^ pass, |sum, &byte| {
                sum.rotate_left(5) ^ u64::from(byte).wrapping_mul(0x9e37_79b9)
            })
        })
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        self.live.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How the producer is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// Not at all: every chunk is read and submitted at once.
    None,
    /// A semaphore of N permits: the producer waits while N chunks are alive.
    Semaphore(usize),
    /// `executor.map` with a buffer of N tasks in flight.
    Map(usize),
}

// ANCHOR: bounded
/// Reads `chunks` chunks of `size` bytes, checksums each on `pool` and returns the checksums in
/// chunk order, keeping at most as many chunks in memory as `cap` allows.
pub fn process<E: Executor>(
    pool: &E,
    chunks: usize,
    size: usize,
    cap: Cap,
    live: &Arc<Live>,
) -> Result<Vec<u64>, Error> {
    match cap {
        Cap::None => {
            let futures: Vec<_> = (0..chunks)
                .map(|index| {
                    let chunk = Chunk::read(index, size, live);
                    pool.submit(move || chunk.checksum())
                })
                .collect::<Result<_, _>>()?;
            futures.into_iter().map(|future| future.result()).collect()
        }
        Cap::Semaphore(permits) => {
            let semaphore = Semaphore::new(permits);
            let mut futures = Vec::with_capacity(chunks);
            for index in 0..chunks {
                let permit = semaphore.acquire(); // waits while `permits` chunks are alive
                let chunk = Chunk::read(index, size, live);
                futures.push(pool.submit(move || {
                    let sum = chunk.checksum();
                    drop(chunk); // free the memory first...
                    drop(permit); // ...then let the producer read the next chunk
                    sum
                })?);
            }
            futures.into_iter().map(|future| future.result()).collect()
        }
        Cap::Map(buffer) => {
            // map pulls the next item (reads the next chunk) only when a result is taken.
            let chunks = (0..chunks).map(|index| Chunk::read(index, size, live));
            pool.map(|chunk: Chunk| chunk.checksum(), chunks)
                .buffer_size(buffer)
                .collect()
        }
    }
}
// ANCHOR_END: bounded
