// expect: E0277 `RefCell<u64>` cannot be shared between threads safely
use std::cell::RefCell;
use std::sync::Arc;

fn submit<T, F>(task: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    task()
}

fn main() {
    let hits = Arc::new(RefCell::new(0u64));
    let counter = Arc::clone(&hits);
    // error: Arc<T> is Send only if T is Sync, and RefCell is not
    submit(move || *counter.borrow_mut() += 1);
    println!("{}", hits.borrow());
}
