//! `cargo xtask`: the course tools, as an ordinary binary crate aliased in `.cargo/config.toml`.

mod book;
mod check;
mod dist;
mod exercise;
mod grade;
mod hint;
mod process;
mod workspace;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Course tools for Parallelism Without Headaches",
    after_help = "Students: `cargo test -p ex3` runs an exercise's tests; `cargo xtask hint ex3` helps."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// What CI runs: starters fail, solutions pass (3 times), clippy, rustfmt, metadata, the book.
    Check {
        /// Check only this exercise (and the book).
        #[arg(long)]
        exercise: Option<String>,
    },
    /// Grade exercises: this workspace, the solutions (`--solutions`) or a class (`--submissions DIR`).
    Grade(grade::GradeArgs),
    /// Write the student edition of the course (no solutions) to a new folder.
    Dist {
        /// The folder to create.
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
    },
    /// Print the next hint of an exercise (each run shows one more).
    Hint {
        /// The exercise, e.g. `ex3`.
        exercise: String,
        /// Show this hint (1 = a nudge; the last is nearly the answer).
        #[arg(long)]
        level: Option<usize>,
    },
    /// Build the book in docs/ (needs mdbook), or serve it with live reload.
    Book {
        /// Serve on http://localhost:3000 and rebuild on changes.
        #[arg(long)]
        serve: bool,
    },
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
    let root = workspace::root();
    match cli.command {
        Command::Check { exercise } => check::run(&root, exercise.as_deref()),
        Command::Grade(args) => grade::run(args),
        Command::Dist { out } => dist::run(&root, &out),
        Command::Hint { exercise, level } => hint::run(&root, &exercise, level),
        Command::Book { serve } => book::run(&root, serve),
        Command::Map => {
            print!("{MAP}");
            Ok(())
        }
    }
}

const MAP: &str = "\
core/        the `concurrent` crate: executors, futures, as_completed, wait, map
exercises/   the starters you edit (cargo test -p exN)
solutions/   the reference solutions, checked by the same tests
docs/        the book (mdBook): cargo xtask book
xtask/       these tools
";
