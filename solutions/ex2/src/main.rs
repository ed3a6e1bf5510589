// The demo of exercise 2, run on the reference solution: the very same program as
// `exercises/ex2/src/main.rs`, with `ex2` naming this package's library.

extern crate ex2_solution as ex2;

include!("../../../exercises/ex2/src/main.rs");
