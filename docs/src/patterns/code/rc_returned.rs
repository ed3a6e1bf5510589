// expect: E0277 `Rc<String>` cannot be sent between threads safely
use std::rc::Rc;

fn submit<T, F>(task: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    task()
}

fn main() {
    // error: the result travels back from the worker, so it must be Send too
    let name = submit(|| Rc::new(String::from("report.pdf")));
    println!("{name}");
}
