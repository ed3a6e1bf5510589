//! `cargo xtask book [--serve]`: build (or serve) the mdBook in `docs/`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The command that installs the mdBook version the book is written for.
pub const INSTALL: &str = "cargo install mdbook --locked --version ^0.5";

/// True if an `mdbook` binary can be run.
pub fn mdbook_available() -> bool {
    Command::new("mdbook")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

pub fn run(root: &Path, serve: bool) -> Result<()> {
    if !mdbook_available() {
        bail!("mdbook is not installed: run `{INSTALL}` (about 3 minutes), then try again");
    }
    let docs = root.join("docs");
    let status = Command::new("mdbook")
        .arg(if serve { "serve" } else { "build" })
        .arg(&docs)
        .status()
        .context("could not run mdbook")?;
    if !status.success() {
        bail!("mdbook failed ({status}): see its messages above");
    }
    if !serve {
        println!(
            "The book is in {}",
            docs.join("book").join("index.html").display()
        );
    }
    Ok(())
}
