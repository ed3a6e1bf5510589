//! Going further: the word count on timely dataflow, run as 2 processes on 127.0.0.1 (free ports,
//! a generated host file), each given half of the inputs; their counts merged must equal the
//! local MapReduce's.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use concurrent::ThreadPoolExecutor;
use course_testing::child;
use ex6_solution::{Options, generate_corpus, word_count};

/// Two free ports on 127.0.0.1: bound to port 0, read, released. (Another program could take one
/// before timely binds it; then the run fails with "address in use" and says so.)
fn free_ports() -> [u16; 2] {
    let listeners =
        [0, 1].map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port"));
    listeners.map(|listener| listener.local_addr().expect("its address").port())
}

#[test]
fn two_processes_count_what_one_mapreduce_counts() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let files = generate_corpus(&dir.path().join("corpus"), 4, 200_000, 6).expect("the corpus");
    let local = word_count(&ThreadPoolExecutor::new(2), &files, &Options::default())
        .expect("the local word count");
    let hosts = dir.path().join("hosts.txt");
    let text: String = free_ports()
        .iter()
        .map(|port| format!("127.0.0.1:{port}\n"))
        .collect();
    std::fs::write(&hosts, text).expect("the host file");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("the output folder");
    let halves: Vec<&[PathBuf]> = files.chunks(2).collect();
    let processes: Vec<_> = halves
        .iter()
        .enumerate()
        .map(|(index, half)| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_ex6-timely"));
            command
                .args(["-n", "2", "-p", &index.to_string(), "-h"])
                .arg(&hosts)
                .args(*half)
                .env("EX6_TIMELY_OUT", &out);
            child::spawn(&format!("timely process {index}"), command)
        })
        .collect();
    for process in processes {
        process
            .finish(
                Duration::from_secs(60),
                "did a process wait for its peer forever (a port taken?)",
            )
            .assert_succeeded();
    }
    let mut merged = BTreeMap::new();
    for worker in 0..2 {
        let text = std::fs::read_to_string(out.join(format!("worker-{worker}.tsv")))
            .expect("each worker writes its counts");
        for line in text.lines() {
            let (word, count) = line.split_once('\t').expect("word<TAB>count");
            let count: u64 = count.parse().expect("a count");
            assert!(
                merged.insert(word.to_owned(), count).is_none(),
                "{word:?} was reduced by both workers: the exchange must send a word to one"
            );
        }
    }
    let expected: BTreeMap<String, u64> = local
        .counts
        .iter()
        .map(|(word, &count)| (word.clone(), count))
        .collect();
    assert_eq!(
        merged.len(),
        expected.len(),
        "as many distinct words as the local count"
    );
    assert!(
        merged == expected,
        "the merged counts of the 2 processes differ from the local MapReduce"
    );
}
