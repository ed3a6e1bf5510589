//! `cargo xtask`: the course tools, as an ordinary binary crate aliased in `.cargo/config.toml`.

mod bench;
mod book;
mod cargo_json;
mod check;
mod dist;
mod exercise;
mod grade;
mod hint;
mod i18n;
mod list;
mod process;
mod reset;
mod watch;
mod workspace;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Course tools for Parallelism Without Headaches",
    after_help = "Students: `cargo xtask list` shows where you are, `cargo xtask watch` reruns your \
                  step's tests on each save, `cargo xtask hint ex3` helps."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Instructors' edition: what CI runs (starters fail, solutions pass 3 times, clippy, the book).
    Check {
        /// Check only this exercise (and the book).
        #[arg(long)]
        exercise: Option<String>,
    },
    /// Grade exercises: this workspace, or (instructors) the solutions or a class of submissions.
    Grade(grade::GradeArgs),
    /// Instructors: write the student edition (no solutions) from the committed tree (HEAD).
    Dist {
        /// The folder to create.
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
    },
    /// The next hint for the step you are on in an exercise (each run shows one more).
    Hint(hint::HintArgs),
    /// Your progress: one line per exercise and step, the totals, and what to run next.
    List {
        /// Only this exercise (e.g. `ex3`).
        exercise: Option<String>,
        /// Every failed test with its message instead.
        #[arg(long)]
        verbose: bool,
    },
    /// Rerun the tests of your step each time you save a file of the exercise (q to quit).
    Watch {
        /// The exercise (default: the first one not done).
        exercise: Option<String>,
    },
    /// Put an exercise's starter back (or one step's items), after saving your src/ in backups/.
    Reset(reset::ResetArgs),
    /// Build the book in docs/ (needs mdbook), or serve it with live reload.
    Book {
        /// Serve on http://localhost:3000 and rebuild on changes.
        #[arg(long)]
        serve: bool,
        /// Build the translation in this language (`es`: po/es.po) into docs/book/es.
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        /// Translators: bring po/*.po up to date with the chapters (new and changed messages
        /// are left to translate), then exit.
        #[arg(long, conflicts_with_all = ["serve", "lang"])]
        update_po: bool,
    },
    /// Every benchmark, side by side with the tools you would use instead (release builds).
    Bench(bench::BenchArgs),
    /// Print where things live in this workspace.
    Map,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole chain of causes on one line, without a backtrace.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    // `grade --course DIR` works anywhere: the root is looked up by the commands that need it.
    let root = workspace::root;
    match cli.command {
        Command::Grade(args) => grade::run(args),
        Command::Check { exercise } => {
            let root = root()?;
            if workspace::is_student_edition(&root) {
                bail!("{STUDENT_EDITION_CHECK}");
            }
            check::run(&root, exercise.as_deref())
        }
        Command::Dist { out } => dist::run(&root()?, &out),
        Command::Hint(args) => hint::run(&root()?, args),
        Command::List { exercise, verbose } => list::run(&root()?, exercise.as_deref(), verbose),
        Command::Watch { exercise } => watch::run(&root()?, exercise),
        Command::Reset(args) => reset::run(&root()?, args),
        Command::Book {
            update_po: true, ..
        } => book::update_po(&root()?),
        Command::Book {
            serve,
            lang: Some(code),
            ..
        } => book::run_translated(&root()?, &code, serve),
        Command::Book { serve, .. } => book::run(&root()?, serve),
        Command::Bench(args) => bench::run(&root()?, &args),
        Command::Map => {
            print!("{}", map(&root()?));
            Ok(())
        }
    }
}

/// What `check` says in the student edition, where its checks (solutions pass, starters fail)
/// cannot hold: a student who has solved a step has a starter that no longer fails, by design.
const STUDENT_EDITION_CHECK: &str = "\
`cargo xtask check` checks the course itself for its instructors (every starter fails, every \
reference solution passes, the book builds), and this is the student edition: it has no \
solutions/, so there is nothing for it to check here.
To check your own work: `cargo test -p ex3` (one exercise), `cargo xtask grade` (your points).";

/// The top-level folders of the course, and what each is for.
const MAP: [(&str, &str); 7] = [
    (
        "core/",
        "the `concurrent` crate: executors (threads, CPU, processes), futures, as_completed, wait, map",
    ),
    ("exercises/", "the starters you edit (cargo test -p exN)"),
    (
        "solutions/",
        "the reference solutions, checked by the same tests",
    ),
    (
        "examples/",
        "the book's worked examples and patterns: cargo run -p example-...",
    ),
    ("docs/", "the book (mdBook): cargo xtask book"),
    ("xtask/", "these tools: cargo xtask --help"),
    (
        ".ci/",
        "what CI runs: cargo test, the loom models, cargo xtask check",
    ),
];

/// The lines of `MAP` whose folder exists in `root`: the student edition has no `solutions/`.
fn map(root: &Path) -> String {
    MAP.iter()
        .filter(|(folder, _)| root.join(folder).is_dir())
        .map(|(folder, what)| format!("{folder:<13}{what}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_lists_only_the_folders_that_exist() {
        let root = std::env::temp_dir().join(format!("xtask-map-{}", std::process::id()));
        std::fs::create_dir_all(root.join("exercises")).unwrap();
        std::fs::create_dir_all(root.join("xtask")).unwrap();
        let map = map(&root);
        std::fs::remove_dir_all(&root).unwrap();
        assert!(
            map.contains("exercises/") && map.contains("xtask/"),
            "{map}"
        );
        assert!(
            !map.contains("solutions/") && !map.contains("core/"),
            "{map}"
        );
    }
}
