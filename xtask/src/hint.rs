//! `cargo xtask hint exN [--level N]`: the next hint, one at a time.

use std::path::Path;

use anyhow::{Result, bail};

use crate::exercise::Exercise;
use crate::workspace;

/// Prints hint `level` (1-based), or the next one not shown yet; remembers the last level shown in
/// `target/xtask/hints/{name}` so running the command again gives the following hint.
pub fn run(root: &Path, name: &str, level: Option<usize>) -> Result<()> {
    workspace::require_exercise(root, name)?;
    let exercise = Exercise::load(root, name)?;
    let total = exercise.hints.len();
    let memory = root.join("target").join("xtask").join("hints").join(name);
    let shown: usize = std::fs::read_to_string(&memory)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(0);
    let level = level.unwrap_or((shown + 1).min(total));
    if level == 0 || level > total {
        bail!("{name} has hints 1 to {total}; there is no hint {level}");
    }
    println!("{name}: {}, hint {level} of {total}\n", exercise.title);
    println!("{}\n", exercise.hints[level - 1]);
    if level < total {
        println!("Still stuck? Run the command again for hint {}.", level + 1);
    } else {
        println!(
            "That was the last hint. The chapter docs/src/{} explains the ideas.",
            exercise.chapter
        );
    }
    // Remembering is a convenience: failing to write it must not hide the hint.
    if let Some(dir) = memory.parent() {
        let _ = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&memory, level.max(shown).to_string()));
    }
    Ok(())
}
