//! The book's worked examples, each a module with one job and a demo in `src/bin/`:
//!
//! - [`scraper`]: many URLs fetched on a `ThreadPoolExecutor`, results taken with `as_completed`
//!   and matched to their URL (Python's `future_to_url`), then summarised;
//! - [`outcomes`]: tasks that succeed, fail, panic or run too long, with a per-task timeout, an
//!   overall deadline and the cancellation of what has not started;
//! - [`callbacks`]: tasks that report through done callbacks, an event-driven summary, and what a
//!   panicking callback does.

pub mod callbacks;
pub mod outcomes;
pub mod scraper;
pub mod site;
pub mod timing;
