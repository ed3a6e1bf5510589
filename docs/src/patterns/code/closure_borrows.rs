// expect: E0373 closure may outlive the current function, but it borrows `names`
fn submit<T, F>(task: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    task()
}

fn main() {
    let names = vec![String::from("ferris")];
    // error: without `move` the closure borrows `names`, and the task may outlive it
    let count = submit(|| names.len());
    println!("{count}");
}
