// The demo of exercise 3, run on the reference solution: the very same program as
// `exercises/ex3/src/main.rs`, with `ex3` naming this package's library.

extern crate ex3_solution as ex3;

include!("../../../exercises/ex3/src/main.rs");
