//! The big-CSV example's library: merged statistics equal a sequential two-pass reference for
//! files cut anywhere, rows are neither lost nor doubled at the cuts, the work runs in parallel,
//! and bad input gets clear errors with line numbers.

#[path = "cases/support.rs"]
mod support;

#[path = "cases/merge.rs"]
mod merge;
#[path = "cases/ranges.rs"]
mod ranges;
#[path = "cases/refusals.rs"]
mod refusals;
#[path = "cases/rows.rs"]
mod rows;
#[path = "cases/table.rs"]
mod table;
