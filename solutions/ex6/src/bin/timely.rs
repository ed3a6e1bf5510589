// Going further: the word count of exercise 6 on timely dataflow, a distributed engine. The same
// binary runs as one process (`-w 2`: two worker threads) or as several (`-n 2 -p 0 -h hosts`, one
// per machine): the map is the exercise's own `count_reader` per file, the shuffle an `exchange`
// by a fixed-seed hash of the word, the reduce a stateful operator that sums its words.
//
//   ex6-timely [-w W] [-n N -p I -h HOSTS] FILE...      (EX6_TIMELY_OUT=DIR: where each worker
//                                                        writes its counts, word<TAB>count lines)

use std::collections::HashMap;
use std::path::PathBuf;

use ex6_solution::{Counts, bucket_of, count_reader};
use timely::dataflow::channels::pact::Exchange;
use timely::dataflow::operators::{Inspect, Operator, Probe};
use timely::dataflow::{InputHandle, ProbeHandle};

fn main() {
    let (files, local_workers) = free_arguments();
    let out = std::env::var_os("EX6_TIMELY_OUT").map(PathBuf::from);
    timely::execute_from_args(std::env::args(), move |worker| {
        let index = worker.index();
        let mut input = InputHandle::new();
        let probe = ProbeHandle::new();
        let totals = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = std::rc::Rc::clone(&totals);
        // The shuffle: a word goes to the worker its hash picks, the same hash in every process.
        let exchange =
            Exchange::new(|(word, _): &(String, u64)| bucket_of(word, usize::MAX) as u64);
        // ANCHOR: dataflow
        worker.dataflow::<u64, _, _>(|scope| {
            input
                .to_stream(scope)
                .container::<Vec<_>>()
                .unary_frontier(exchange, "Reduce", |capability, _info| {
                    let mut counts: HashMap<String, u64> = HashMap::new();
                    let mut cap = Some(capability);
                    move |(input, frontier), output| {
                        input.for_each_stamp(|_time, data| {
                            for batch in data {
                                for (word, count) in batch.drain(..) {
                                    *counts.entry(word).or_insert(0) += count;
                                }
                            }
                        });
                        // Every input is in: give the counts once.
                        if frontier.is_empty()
                            && let Some(cap) = cap.take()
                        {
                            let mut session = output.session(&cap);
                            for entry in counts.drain() {
                                session.give(entry);
                            }
                        }
                    }
                })
                .container::<Vec<_>>()
                .inspect(move |entry: &(String, u64)| sink.borrow_mut().push(entry.clone()))
                .probe_with(&probe);
        });
        // ANCHOR_END: dataflow
        // The map: this process's files, one worker in `peers` each, counted by the exercise.
        for (number, file) in files.iter().enumerate() {
            // The files given to this process, shared among its own workers.
            if number % local_workers != index % local_workers {
                continue;
            }
            let counts: Counts = std::fs::File::open(file)
                .and_then(count_reader)
                .unwrap_or_else(|error| panic!("cannot count {}: {error}", file.display()));
            for entry in counts {
                input.send(entry);
            }
        }
        input.close();
        while worker.step() {}
        let totals = totals.borrow();
        match &out {
            Some(dir) => {
                let text: String = totals.iter().map(|(w, c)| format!("{w}\t{c}\n")).collect();
                std::fs::write(dir.join(format!("worker-{index}.tsv")), text)
                    .expect("cannot write the counts");
            }
            None => println!("worker {index}: {} distinct words", totals.len()),
        }
    })
    .expect("timely could not start (a port in use, a bad host file?)");
}

/// The arguments that are not timely's own options (`-w N`, `-n N`, `-p I`, `-h FILE`), and the
/// number of workers of this process (`-w`, 1 by default).
fn free_arguments() -> (Vec<PathBuf>, usize) {
    let (mut files, mut workers) = (Vec::new(), 1);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-w" | "--workers" => workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "-n" | "-p" | "-h" | "--processes" | "--process" | "--hostfile" => {
                args.next();
            }
            _ if !arg.starts_with('-') => files.push(PathBuf::from(arg)),
            _ => {}
        }
    }
    (files, workers.max(1))
}
