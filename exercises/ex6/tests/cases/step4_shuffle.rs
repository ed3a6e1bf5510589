//! Step 4: the shuffle (partition by hash into buckets) and the reduce (a task per bucket).
//! Parallelism is witnessed, never timed: the executor is wrapped in a counter that holds each
//! task at a gate until two of them run at once.

use concurrent::testing::CountingExecutor;
use concurrent::{Error, Executor, ThreadPoolExecutor};
use course_testing::expect_no_panic;
use ex6::{Counts, bucket_of, partition, reduce_bucket, reduce_phase};

use crate::support::{
    GATE_TIMEOUT, Sorted, check_all, corpus, differences, plural, reference, shown, sorted,
};

/// `Counts` from a sorted map.
fn counts_of(sorted: &Sorted) -> Counts {
    sorted
        .iter()
        .map(|(word, &count)| (word.clone(), count))
        .collect()
}

/// The words `word0`..`word{n-1}`, each counted `k + 1` times.
fn many_words(n: usize) -> Sorted {
    (0..n).map(|k| (format!("word{k}"), k as u64 + 1)).collect()
}

#[course_testing::test]
fn bucket_of_is_in_range_and_stable() {
    for buckets in [1, 2, 3, 8, 100] {
        for word in ["", "a", "crab", "straße", "σίσυφος"] {
            let bucket = bucket_of(word, buckets);
            assert!(
                bucket < buckets,
                "bucket_of({word:?}, {buckets}) should be below {buckets}, got {bucket}"
            );
            assert_eq!(
                bucket,
                bucket_of(word, buckets),
                "bucket_of({word:?}, {buckets}) gave two answers: a word must always go to the \
                 same bucket"
            );
        }
    }
    assert_eq!(
        bucket_of("crab", 0),
        0,
        "bucket_of(_, 0): 0 buckets are treated as 1"
    );
}

#[course_testing::test]
fn bucket_of_spreads_the_words() {
    let buckets = 8;
    let mut sizes = [0usize; 8];
    for k in 0..8_000 {
        sizes[bucket_of(&format!("word{k}"), buckets)] += 1;
    }
    assert!(
        sizes.iter().all(|&size| (700..1_300).contains(&size)),
        "8,000 different words in 8 buckets should land about 1,000 in each (hash the word, \
         then take it modulo the number of buckets); got {sizes:?}"
    );
}

#[course_testing::test]
fn bucket_of_is_the_same_in_every_process() {
    // A hash with a random seed (std's RandomState) differs from one process to the next: a word
    // would go to different buckets in two map processes, and two reducers would each get part
    // of its count. Both runs of this test binary must agree.
    let words = ["the", "crab", "maps", "reduces", "σίσυφος"];
    let mine: Vec<usize> = words.iter().map(|word| bucket_of(word, 1_000)).collect();
    let key = "EX6_BUCKETS_OF_THE_PARENT";
    match std::env::var(key) {
        Ok(parent) => assert_eq!(
            format!("{mine:?}"),
            parent,
            "bucket_of gives other buckets in another process: use a hasher with a fixed seed \
             (foldhash::fast::FixedState::with_seed(..), not std's RandomState)"
        ),
        Err(_) => {
            let mut again =
                std::process::Command::new(std::env::current_exe().expect("the test binary"));
            again
                .args([
                    "--exact",
                    "step4_shuffle::bucket_of_is_the_same_in_every_process",
                    "--nocapture",
                ])
                .env(key, format!("{mine:?}"));
            let run = course_testing::child::run(
                "this test in a second process",
                again,
                std::time::Duration::from_secs(8),
                "did bucket_of hang?",
            );
            assert!(
                run.status.success(),
                "in a second process, bucket_of gave other buckets for the same words (or \
                 failed):\n{}",
                run.stdout
            );
        }
    }
}

#[course_testing::test]
fn partition_is_disjoint_and_complete() {
    check_all(
        200,
        (corpus(60), 1..10usize),
        |(bytes, buckets)| format!("the counts of {} in {buckets} buckets", shown(bytes)),
        |(bytes, buckets)| {
            let whole = reference(&bytes);
            let parts = partition(counts_of(&whole), buckets);
            if parts.len() != buckets {
                return Err(format!(
                    "partition(_, {buckets}) should return {buckets} buckets, got {}",
                    parts.len()
                ));
            }
            let mut union = Sorted::new();
            for (index, part) in parts.iter().enumerate() {
                for (word, &count) in part {
                    let home = bucket_of(word, buckets);
                    if home != index {
                        return Err(format!(
                            "{word:?} is in bucket {index}, but bucket_of says {home}: every \
                             map task must send a word to the same bucket"
                        ));
                    }
                    if union.insert(word.clone(), count).is_some() {
                        return Err(format!("{word:?} is in two buckets"));
                    }
                }
            }
            if union == whole {
                Ok(())
            } else {
                Err(format!(
                    "the buckets together should be the counts partitioned, no word lost or \
                     changed: {}",
                    differences(&whole, &union)
                ))
            }
        },
    );
    assert_eq!(
        partition(counts_of(&many_words(3)), 0).len(),
        1,
        "partition(_, 0): 0 buckets are treated as 1"
    );
}

#[course_testing::test]
fn reduce_bucket_sums_the_partials() {
    let partials = vec![
        counts_of(&reference(b"crab crab map")),
        Counts::default(),
        counts_of(&reference(b"map reduce crab")),
    ];
    let got = sorted(&reduce_bucket(partials));
    let expected = reference(b"crab crab map map reduce crab");
    assert!(
        got == expected,
        "reduce_bucket should add the partial counts word by word: {}",
        differences(&expected, &got)
    );
    assert!(
        reduce_bucket(Vec::new()).is_empty(),
        "reduce_bucket of no partial is empty"
    );
}

/// Three map outputs of 4 buckets each, and the total they should reduce to.
fn map_outputs() -> (Vec<Vec<Counts>>, Sorted) {
    let texts: [&[u8]; 3] = [
        b"the crab maps the words",
        b"The reducer sums the words",
        b"words words everywhere",
    ];
    let outputs = texts
        .iter()
        .map(|text| partition(counts_of(&reference(text)), 4))
        .collect();
    (outputs, reference(&texts.join(&b' ')))
}

#[course_testing::test]
fn reduce_phase_sums_every_bucket() {
    let (outputs, expected) = map_outputs();
    let got = reduce_phase(&ThreadPoolExecutor::new(2), outputs)
        .unwrap_or_else(|error| panic!("reduce_phase on a healthy pool failed: {error}"));
    let got = sorted(&got);
    assert!(
        got == expected,
        "reduce_phase should sum bucket j of every map output, for every j, and put the \
         buckets together: {}",
        differences(&expected, &got)
    );
    let empty = reduce_phase(&ThreadPoolExecutor::new(2), Vec::new());
    assert!(
        empty.as_ref().is_ok_and(|counts| counts.is_empty()),
        "reduce_phase of no map output should be Ok and empty, got {empty:?}"
    );
}

// ANCHOR: witness
#[course_testing::test]
fn the_buckets_are_reduced_in_parallel() {
    let (outputs, expected) = map_outputs();
    let pool = CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, GATE_TIMEOUT);
    let got = reduce_phase(&pool, outputs)
        .unwrap_or_else(|error| panic!("reduce_phase on a healthy pool failed: {error}"));
    assert!(
        sorted(&got) == expected,
        "reduce_phase gave wrong counts: {}",
        differences(&expected, &sorted(&got))
    );
    assert_eq!(
        pool.submitted(),
        4,
        "4 buckets should be reduced as 4 tasks on the executor, got {}",
        plural(pool.submitted(), "task")
    );
    assert!(
        !pool.gate_timed_out() && pool.max_in_flight() >= 2,
        "the buckets were reduced one at a time (at most {} in flight; a task waited {:?} for a \
         second one, in vain): submit every bucket's task before waiting for any result",
        plural(pool.max_in_flight(), "task"),
        GATE_TIMEOUT
    );
}
// ANCHOR_END: witness

#[course_testing::test]
fn a_shut_down_executor_is_an_error_not_a_panic() {
    const LESSON: &str = "reducing on a shut-down executor fails: return its error with `?` \
                          instead of unwrapping";
    let pool = ThreadPoolExecutor::new(2);
    pool.shutdown(true, false);
    let (outputs, _) = map_outputs();
    let outcome = expect_no_panic(LESSON, || reduce_phase(&pool, outputs));
    assert!(
        matches!(outcome, Err(Error::Shutdown)),
        "{LESSON}\nExpected Err(Shutdown), got {outcome:?}"
    );
}
