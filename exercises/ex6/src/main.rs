// The exercise 6 demo: `cargo run -p ex6 --release`.
fn main() {
    let _ = ex6::DEFAULT_BUCKETS;
}
