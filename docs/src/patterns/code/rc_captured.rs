// expect: E0277 `Rc<Vec<String>>` cannot be sent between threads safely
use std::rc::Rc;

// The bounds of `concurrent::Executor::submit`, so this file compiles (or fails) on its own.
fn submit<T, F>(task: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    task()
}

fn main() {
    let urls = Rc::new(vec![String::from("https://example.org/")]);
    let shared = Rc::clone(&urls);
    let count = submit(move || shared.len()); // error: Rc is not Send
    println!("{count} of {}", urls.len());
}
