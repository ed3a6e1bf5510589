// The demo of exercise 6, run on the reference solution: the very same program as
// `exercises/ex6/src/main.rs`, with `ex6` naming this package's library.

extern crate ex6_solution as ex6;

include!("../../../exercises/ex6/src/main.rs");
