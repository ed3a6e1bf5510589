//! `--timeline FILE.svg` for command-line programs, as the course's demos offer it: the path
//! checked before any work starts (a run is not lost to a typo at the end), and the chart
//! written at the end through a temporary file renamed into place.

use std::path::{Path, PathBuf};

use super::Timeline;

/// The most tasks a demo records; the chart counts the others as dropped.
pub const CAP: usize = 100_000;

/// Parses `--timeline`'s value (a clap `value_parser`): the SVG file to write, refused if it
/// names a folder or if its folder does not exist.
///
/// ```
/// use concurrent::timeline::cli::svg_path;
///
/// assert!(svg_path("chart.svg").is_ok());
/// assert!(svg_path("/no/such/folder/chart.svg").unwrap_err().contains("does not exist"));
/// ```
pub fn svg_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if path.is_dir() {
        Err(format!(
            "{text} is a folder: name the SVG file to write in it"
        ))
    } else if !folder.is_dir() {
        Err(format!("the folder {} does not exist", folder.display()))
    } else {
        Ok(path)
    }
}

/// Writes `timeline`'s chart to `path` and returns the line to tell the user where, with how
/// many tasks and workers it shows.
pub fn write_svg(timeline: &Timeline, path: &Path) -> Result<String, String> {
    timeline
        .write_svg(path)
        .map_err(|e| format!("cannot write the timeline {}: {e}", path.display()))?;
    let recorded = timeline.snapshot();
    Ok(format!(
        "Timeline of {} tasks on {} workers written to {}",
        recorded.tasks.len(),
        recorded.workers.len(),
        path.display()
    ))
}
