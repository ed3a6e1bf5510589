//! `cargo xtask`: the course tools, as an ordinary binary crate aliased in `.cargo/config.toml`.
//!
//! Commands arrive with the issues that need them (grading, checking, hints, the book, benchmarks);
//! until then `--help` lists what exists and what is planned.

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Course tools for Parallelism Without Headaches",
    after_help = "Planned: `grade` (grade exercises), `check` (what CI runs), `hint exN`, `book`, `bench`."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print where things live in this workspace.
    Map,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Map) => print!("{}", MAP),
        None => {
            use clap::CommandFactory;
            Cli::command().print_help()?;
            println!();
        }
    }
    Ok(())
}

const MAP: &str = "\
core/        the `concurrent` crate: executors, futures, as_completed, wait, map
exercises/   the starters you edit (cargo test -p exN)
solutions/   the reference solutions, checked by the same tests
docs/        the book (mdBook)
xtask/       these tools
";
