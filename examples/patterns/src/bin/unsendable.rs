//! The process pool's "not picklable" cases: an unregistered function and an argument that
//! cannot be serialised are refused at `submit`, with a message; their fixes work.
//!
//! ```sh
//! cargo run -p example-patterns --bin unsendable
//! ```

use concurrent::process::ProcessPoolExecutor;
use example_patterns::unsendable::{cases, register};

fn main() {
    register(); // a worker process stops here and serves tasks
    let pool = ProcessPoolExecutor::new(1);
    for (case, outcome) in cases(&pool) {
        match outcome {
            Ok(value) => println!("{case}: {value}"),
            Err(error) => println!("{case}: refused: {error}"),
        }
    }
}
