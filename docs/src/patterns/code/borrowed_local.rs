// expect: E0597 `lines` does not live long enough
fn submit<T, F>(task: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    task()
}

fn main() {
    let lines = vec![String::from("a,b"), String::from("c,d")];
    let first_half = &lines[..1];
    // error: the task may outlive `lines`, so it cannot borrow from it ('static)
    let total = submit(move || first_half.iter().map(|line| line.len()).sum::<usize>());
    println!("{total}");
}
