//! Worked example 5: callbacks. Each task's result reports itself through a done callback; an
//! event-driven summary is built from those reports as they arrive; and one deliberately buggy
//! callback panics, to show what that does (nothing bad: the panic is logged and ignored, the
//! other callbacks run, the worker lives on).
//!
//! The work: for each block of numbers, the longest Collatz chain (3n + 1) that starts in it.

use std::ops::Range;
use std::sync::mpsc;

use concurrent::Executor;

/// The longest Collatz chain of a block: the start and its number of steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Best {
    /// The number the chain starts from.
    pub start: u64,
    /// The steps it takes to reach 1.
    pub steps: u32,
}

/// The steps from `n` down to 1; `None` for 0 (which never gets there).
pub fn collatz_steps(mut n: u64) -> Option<u32> {
    if n == 0 {
        return None;
    }
    let mut steps = 0;
    while n != 1 {
        n = if n.is_multiple_of(2) {
            n / 2
        } else {
            3 * n + 1
        };
        steps += 1;
    }
    Some(steps)
}

/// The longest chain starting in `block` (the smallest start on a tie), or why there is none.
pub fn longest_chain(block: Range<u64>) -> Result<Best, String> {
    let mut best: Option<Best> = None;
    for start in block.clone() {
        let steps = collatz_steps(start).ok_or("0 never reaches 1")?;
        if best.is_none_or(|best| steps > best.steps) {
            best = Some(Best { start, steps });
        }
    }
    best.ok_or_else(|| format!("the block {block:?} is empty"))
}

/// What a callback reports about one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The block's longest chain.
    Done {
        /// The block's index.
        block: usize,
        /// Its longest chain.
        best: Best,
    },
    /// The task returned an error or panicked.
    Failed {
        /// The block's index.
        block: usize,
        /// Why.
        reason: String,
    },
}

/// The summary, built event by event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Blocks with a result.
    pub done: usize,
    /// Blocks that failed, with the reason.
    pub failed: Vec<(usize, String)>,
    /// The longest chain over all blocks done.
    pub best: Option<Best>,
}

impl Summary {
    /// Takes one event into account.
    pub fn record(&mut self, event: &Event) {
        match event {
            Event::Done { best, .. } => {
                self.done += 1;
                let longer = |current: Best| {
                    (best.steps, std::cmp::Reverse(best.start))
                        > (current.steps, std::cmp::Reverse(current.start))
                };
                if self.best.is_none_or(longer) {
                    self.best = Some(*best);
                }
            }
            Event::Failed { block, reason } => self.failed.push((*block, reason.clone())),
        }
    }
}

/// The blocks `[first, first + size)`, `[first + size, ...)`, ... up to `end`.
pub fn blocks(first: u64, end: u64, size: u64) -> Vec<Range<u64>> {
    let size = size.max(1);
    (first..end)
        .step_by(usize::try_from(size).unwrap_or(usize::MAX))
        .map(|start| start..(start + size).min(end))
        .collect()
}

/// The baseline: every block in turn on this thread, the same summary.
pub fn run_sequential(blocks: &[Range<u64>]) -> Summary {
    let mut summary = Summary::default();
    for (block, range) in blocks.iter().enumerate() {
        summary.record(&match longest_chain(range.clone()) {
            Ok(best) => Event::Done { block, best },
            Err(reason) => Event::Failed { block, reason },
        });
    }
    summary
}

// ANCHOR: run
/// Runs one task per block on `pool`. Nobody waits on the futures: each reports through its done
/// callback, which sends an [`Event`] down a channel; this thread builds the summary from the
/// events as they arrive and calls `on_event` with each (the demo's progress bar). With
/// `buggy_callback_on: Some(block)`, that block's future also gets a callback that panics.
pub fn run_with_callbacks<E: Executor>(
    pool: &E,
    blocks: &[Range<u64>],
    buggy_callback_on: Option<usize>,
    mut on_event: impl FnMut(&Event),
) -> Summary {
    let (events_tx, events) = mpsc::channel();
    for (block, range) in blocks.iter().cloned().enumerate() {
        let future = match pool.submit(move || longest_chain(range)) {
            Ok(future) => future,
            Err(error) => {
                let reason = format!("not submitted: {error}");
                let _ = events_tx.send(Event::Failed { block, reason });
                continue;
            }
        };
        if buggy_callback_on == Some(block) {
            // Runs first, panics; the pool logs it (log::error!) and runs the next callback.
            future.add_done_callback(move |_| panic!("a buggy metrics callback on block {block}"));
        }
        let events_tx = events_tx.clone();
        future.add_done_callback(move |outcome| {
            let event = match outcome {
                Ok(Ok(best)) => Event::Done { block, best: *best },
                Ok(Err(reason)) => Event::Failed {
                    block,
                    reason: reason.clone(),
                },
                Err(error) => Event::Failed {
                    block,
                    reason: error.to_string(),
                },
            };
            // The receiver lives until every sender is gone: this send cannot fail.
            let _ = events_tx.send(event);
        });
        // The future is dropped here: the task still runs and its callbacks still fire.
    }
    drop(events_tx); // the loop ends when the last callback has run and dropped its sender

    let mut summary = Summary::default();
    for event in events {
        on_event(&event);
        summary.record(&event);
    }
    summary.failed.sort(); // they arrived in completion order
    summary
}
// ANCHOR_END: run
