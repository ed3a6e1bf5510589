//! [`ProcessMap`]: the results of [`ProcessPoolExecutor::map`](super::ProcessPoolExecutor::map)
//! in input order, chunk by chunk.

use std::collections::VecDeque;
use std::fmt;

use crate::{Error, Future};

/// One chunk of a map: its future, or the error that kept it from being queued.
pub(crate) enum Slot<T> {
    Chunk(Future<Vec<Result<T, Error>>>, usize),
    Failed(Error, usize),
}

/// The iterator [`ProcessPoolExecutor::map`](super::ProcessPoolExecutor::map) returns: one
/// `Result` per item, in input order; it blocks until the next item's chunk is done.
pub struct ProcessMap<T> {
    slots: VecDeque<Slot<T>>,
    /// The results of the chunk being read.
    current: std::vec::IntoIter<Result<T, Error>>,
}

impl<T> ProcessMap<T> {
    pub(crate) fn new(slots: VecDeque<Slot<T>>) -> Self {
        ProcessMap {
            slots,
            current: Vec::new().into_iter(),
        }
    }
}

impl<T: Send + 'static> Iterator for ProcessMap<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(result) = self.current.next() {
                return Some(result);
            }
            let results = match self.slots.pop_front()? {
                Slot::Chunk(future, len) => match future.result() {
                    Ok(results) => results,
                    // The chunk failed as a whole (its process died, or timed out): each item
                    // reports it, so positions stay right.
                    Err(error) => failed(&error, len),
                },
                Slot::Failed(error, len) => failed(&error, len),
            };
            self.current = results.into_iter();
        }
    }
}

fn failed<T>(error: &Error, len: usize) -> Vec<Result<T, Error>> {
    (0..len).map(|_| Err(error.clone())).collect()
}

impl<T> Drop for ProcessMap<T> {
    fn drop(&mut self) {
        for slot in &self.slots {
            if let Slot::Chunk(future, _) = slot {
                future.cancel();
            }
        }
    }
}

impl<T> fmt::Debug for ProcessMap<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessMap")
            .field("chunks_left", &self.slots.len())
            .finish_non_exhaustive()
    }
}
