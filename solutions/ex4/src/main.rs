// The demo of exercise 4, run on the reference solution: the very same program as
// `exercises/ex4/src/main.rs`, with `ex4` naming this package's library.

extern crate ex4_solution as ex4;

include!("../../../exercises/ex4/src/main.rs");
