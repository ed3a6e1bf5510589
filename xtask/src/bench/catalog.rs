//! Every benchmark of the course: what it compares, what it needs, where its entry point is.

use super::tools::{Module, PYTHON, Tool};

/// How a benchmark is run (`run.rs` has one function per kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Exercise 1's demo against gzip and pigz, measured here.
    Compressor,
    /// Exercise 3's demo against primesieve, measured here.
    Primes,
    /// `compare-async` of the ex2 solution: the thread pool against tokio.
    Async,
    /// `http_throughput` of course-testing: ureq on a thread pool against curl.
    Downloads,
    /// `solutions/ex6/bench/bench.sh`: Counter, mawk, sort | uniq.
    WordCount,
    /// `example-image-blur bench`: Pillow.
    Blur,
    /// `example-big-csv bench`: pandas.
    Csv,
    /// `cargo bench --bench ratios`: rayon and std::thread.
    Executors,
    /// `cargo bench --bench process_pool` and CPython's `ProcessPoolExecutor`.
    ProcessPool,
}

#[derive(Debug)]
pub struct Benchmark {
    /// What `cargo xtask bench NAME` selects.
    pub name: &'static str,
    pub what: &'static str,
    /// The tools a user would pick instead.
    pub contenders: &'static str,
    /// The entry point it calls, as a user would type it.
    pub entry: &'static str,
    /// Programs it cannot run without.
    pub tools: &'static [Tool],
    /// Python modules of its contender (a Python is needed when this is non-empty or `python`).
    pub modules: &'static [Module],
    pub python: bool,
    /// Found only in the instructors' edition (its entry point lives in `solutions/`).
    pub needs_solutions: bool,
    pub kind: Kind,
}

const GZIP: Tool = Tool {
    program: "gzip",
    debian: "gzip",
};
const PIGZ: Tool = Tool {
    program: "pigz",
    debian: "pigz",
};
const PRIMESIEVE: Tool = Tool {
    program: "primesieve",
    debian: "primesieve-bin",
};
const MAWK: Tool = Tool {
    program: "mawk",
    debian: "mawk",
};
const CURL: Tool = Tool {
    program: "curl",
    debian: "curl",
};
const XARGS: Tool = Tool {
    program: "xargs",
    debian: "findutils",
};
const GNU_TIME: Tool = Tool {
    program: "/usr/bin/time",
    debian: "time",
};
const SORT: Tool = Tool {
    program: "sort",
    debian: "coreutils",
};
const MD5SUM: Tool = Tool {
    program: "md5sum",
    debian: "coreutils",
};
const BASH: Tool = Tool {
    program: "bash",
    debian: "bash",
};
const PILLOW: Module = Module {
    import: "PIL",
    pip: "pillow",
    debian: "python3-pil",
};
const PANDAS: Module = Module {
    import: "pandas",
    pip: "pandas",
    debian: "python3-pandas",
};

pub const BENCHMARKS: [Benchmark; 9] = [
    Benchmark {
        name: "ex1",
        what: "gzip compression of 10 files of 10 MB, then of one 100 MB file in blocks",
        contenders: "gzip -6 (sequential), pigz -6 (parallel)",
        entry: "exercise 1's demo (cargo run -p ex1 --release -- FILES --workers N)",
        tools: &[GZIP, PIGZ],
        modules: &[],
        python: false,
        needs_solutions: false,
        kind: Kind::Compressor,
    },
    Benchmark {
        name: "ex2",
        what: "10,000 mail domains looked up with delays: thread pools against async tasks",
        contenders: "tokio (async tasks, capped)",
        entry: "cargo run -p ex2-solution --release --bin compare-async",
        tools: &[],
        modules: &[],
        python: false,
        needs_solutions: true,
        kind: Kind::Async,
    },
    Benchmark {
        name: "ex3",
        what: "counting the primes below 10^9",
        contenders: "primesieve (a tuned C++ sieve)",
        entry: "exercise 3's demo (cargo run -p ex3 --release -- --limit 1000000000 --workers N)",
        tools: &[PRIMESIEVE],
        modules: &[],
        python: false,
        needs_solutions: false,
        kind: Kind::Primes,
    },
    Benchmark {
        name: "ex5",
        what: "downloading 1 GiB from the loopback server, saving and MD5ing each file",
        contenders: "xargs -P N curl | tee | md5sum",
        entry: "cargo run -p course-testing --release --features http --example http_throughput",
        tools: &[CURL, XARGS, MD5SUM, GNU_TIME],
        modules: &[],
        python: false,
        needs_solutions: false,
        kind: Kind::Downloads,
    },
    Benchmark {
        name: "ex6",
        what: "counting the words of 10 files of 10 MB",
        contenders: "Python Counter on a ProcessPoolExecutor, mawk, tr | sort | uniq -c",
        entry: "bash solutions/ex6/bench/bench.sh",
        // bench.sh runs `python3` from PATH (Counter needs nothing beyond the standard library).
        tools: &[BASH, PYTHON, MAWK, SORT, GNU_TIME],
        modules: &[],
        python: false,
        needs_solutions: true,
        kind: Kind::WordCount,
    },
    Benchmark {
        name: "image-blur",
        what: "blurring 16 pictures of 1920x1080 and writing them as PNG",
        contenders: "Pillow on a ProcessPoolExecutor",
        entry: "cargo run -p example-image-blur --release -- bench --python PYTHON",
        tools: &[],
        modules: &[PILLOW],
        python: true,
        needs_solutions: false,
        kind: Kind::Blur,
    },
    Benchmark {
        name: "big-csv",
        what: "statistics per category of a CSV file of 1,000,000 rows",
        contenders: "pandas read_csv + groupby",
        entry: "cargo run -p example-big-csv --release -- bench --python PYTHON",
        tools: &[],
        modules: &[PANDAS],
        python: true,
        needs_solutions: false,
        kind: Kind::Csv,
    },
    Benchmark {
        name: "executors",
        what: "100,000 trivial tasks, and 1,000 round trips, on each executor",
        contenders: "rayon, std::thread",
        entry: "cargo bench -p concurrent --bench ratios",
        tools: &[],
        modules: &[],
        python: false,
        needs_solutions: false,
        kind: Kind::Executors,
    },
    Benchmark {
        name: "process-pool",
        what: "the cost of a trivial task on the process pool, by chunk size",
        contenders: "CPython's ProcessPoolExecutor",
        entry: "cargo bench -p concurrent --bench process_pool; python3 core/benches/python/process_pool.py",
        tools: &[],
        modules: &[],
        python: true,
        needs_solutions: false,
        kind: Kind::ProcessPool,
    },
];

/// Exercises without a benchmark, and the contender a benchmark would naturally face.
pub const NOT_BENCHMARKED: [(&str, &str); 1] = [(
    "ex4",
    "no benchmark: a system monitor waits on timers, it does not race. The natural contender \
     would be Python's psutil sampling loop (CPU time per sample), which nothing measures yet",
)];

/// The benchmarks `selector` names: all of them, one by name, or none (an error says which exist).
pub fn select(selector: Option<&str>) -> Result<Vec<&'static Benchmark>, String> {
    let Some(selector) = selector.filter(|s| *s != "all") else {
        return Ok(BENCHMARKS.iter().collect());
    };
    if let Some(benchmark) = BENCHMARKS.iter().find(|b| b.name == selector) {
        return Ok(vec![benchmark]);
    }
    if let Some((_, why)) = NOT_BENCHMARKED.iter().find(|(name, _)| *name == selector) {
        return Err(format!("{selector}: {why}"));
    }
    let names: Vec<&str> = BENCHMARKS.iter().map(|b| b.name).collect();
    Err(format!(
        "no benchmark named `{selector}`: pick one of {} (or none, for all)",
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_has_a_benchmark_or_says_why_not() {
        let root = crate::workspace::root().unwrap();
        for name in crate::workspace::exercise_names(&root).unwrap() {
            let known = BENCHMARKS.iter().any(|b| b.name == name)
                || NOT_BENCHMARKED.iter().any(|(n, _)| *n == name);
            assert!(known, "{name} is neither benchmarked nor explained");
        }
    }

    #[test]
    fn a_selector_picks_one_or_explains() {
        assert_eq!(select(None).unwrap().len(), BENCHMARKS.len());
        assert_eq!(select(Some("ex3")).unwrap()[0].kind, Kind::Primes);
        assert!(select(Some("ex4")).unwrap_err().contains("psutil"));
        assert!(
            select(Some("ex9"))
                .unwrap_err()
                .contains("pick one of ex1, ex2")
        );
    }
}
