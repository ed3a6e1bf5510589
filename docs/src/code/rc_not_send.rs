use std::rc::Rc;

fn main() {
    let config = Rc::new(String::from("verbose"));
    let handle = std::thread::spawn(move || config.len()); // does not compile
    println!("{}", handle.join().unwrap());
}
