fn main() {
    let mut hits = 0;
    std::thread::scope(|s| {
        s.spawn(|| hits += 1);
        s.spawn(|| hits += 1); // does not compile: a second mutable borrow
    });
    println!("{hits}");
}
