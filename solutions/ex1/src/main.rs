// The demo of exercise 1, run on the reference solution: the very same program as
// `exercises/ex1/src/main.rs`, with `ex1` naming this package's library.

extern crate ex1_solution as ex1;

include!("../../../exercises/ex1/src/main.rs");
