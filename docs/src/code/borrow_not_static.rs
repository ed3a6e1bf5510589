fn main() {
    let words = vec!["ferris", "crab"];
    let handle = std::thread::spawn(|| words.len()); // does not compile
    println!("{}", handle.join().unwrap());
}
