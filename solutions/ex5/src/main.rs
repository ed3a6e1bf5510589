// The demo of exercise 5, run on the reference solution: the very same program as
// `exercises/ex5/src/main.rs`, with `ex5` naming this package's library.

extern crate ex5_solution as ex5;

include!("../../../exercises/ex5/src/main.rs");
