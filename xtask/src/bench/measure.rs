//! Timing whole processes (wall clock and CPU), and the table every measured benchmark prints.

use std::fmt::Write as _;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// One contender's best run: its wall-clock time and, when known, its CPU time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub wall: Duration,
    /// User + system time of the process and its children; `None` when only the wall clock is
    /// known (a time a program reports about part of its own run).
    pub cpu: Option<Duration>,
}

impl Timing {
    /// The better of two runs: the lower wall clock (other work on the machine only ever slows
    /// a run down), with that run's CPU time.
    pub fn best(self, other: Timing) -> Timing {
        if other.wall < self.wall { other } else { self }
    }
}

/// Runs `command` to the end, its output captured, and times it. An error if it fails.
pub fn run(command: &mut Command) -> Result<(Timing, Output)> {
    let before = children_cpu();
    let start = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {:?}", command.get_program()))?;
    let wall = start.elapsed();
    let cpu = children_cpu()
        .zip(before)
        .map(|(after, before)| after.saturating_sub(before));
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let tail: Vec<&str> = stderr.lines().chain(stdout.lines()).rev().take(6).collect();
        bail!(
            "{:?} failed ({}):\n{}",
            command.get_program(),
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    Ok((Timing { wall, cpu }, output))
}

/// CPU time of this process's finished, waited-for children (Linux: `cutime` + `cstime` of
/// `/proc/self/stat`, in ticks of 1/100 s).
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // Field 16 and 17 of the whole line (cutime, cstime) are 14th and 15th after the name.
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// A time as Rust's `{:?}` prints it (`1.234s`, `56.789ms`, `12.3µs`), which the demos print.
pub fn parse_debug_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "s" => number,
        "ms" => number / 1e3,
        "µs" | "us" => number / 1e6,
        "ns" => number / 1e9,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

/// One row: the tool and its best timing; the first row of a table is ours.
pub struct Row {
    pub tool: String,
    pub timing: Timing,
}

/// The table of one measured benchmark: tool, wall, CPU, and each tool's wall time over ours
/// (above 1.00x, ours is faster).
pub fn table(title: &str, rows: &[Row]) -> String {
    let mut out = format!("\n{title}\n");
    let _ = writeln!(
        out,
        "{:<40} {:>10} {:>10} {:>12}",
        "tool", "wall", "CPU", "vs ours"
    );
    let ours = rows.first().map(|row| row.timing.wall);
    for row in rows {
        let cpu = row.timing.cpu.map_or_else(
            || "-".to_owned(),
            |cpu| format!("{:.2}s", cpu.as_secs_f64()),
        );
        let ratio = ours.map_or_else(String::new, |ours| ratio(row.timing.wall, ours));
        let _ = writeln!(
            out,
            "{:<40} {:>10} {cpu:>10} {ratio:>12}",
            row.tool,
            format!("{:.3}s", row.timing.wall.as_secs_f64()),
        );
    }
    out
}

/// `theirs / ours`, as `2.50x`.
pub fn ratio(theirs: Duration, ours: Duration) -> String {
    format!(
        "{:.2}x",
        theirs.as_secs_f64() / ours.as_secs_f64().max(1e-9)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demos_times_are_read_back() {
        assert_eq!(
            parse_debug_duration(" 1.250s"),
            Some(Duration::from_millis(1250))
        );
        assert_eq!(
            parse_debug_duration("115.000ms"),
            Some(Duration::from_millis(115))
        );
        assert_eq!(
            parse_debug_duration("12.000µs"),
            Some(Duration::from_micros(12))
        );
        assert_eq!(parse_debug_duration("fast"), None);
    }

    #[test]
    fn a_table_gives_each_tool_its_ratio_to_ours() {
        let rows = [
            Row {
                tool: "ours".into(),
                timing: Timing {
                    wall: Duration::from_millis(100),
                    cpu: None,
                },
            },
            Row {
                tool: "gzip -6".into(),
                timing: Timing {
                    wall: Duration::from_millis(250),
                    cpu: Some(Duration::from_millis(240)),
                },
            },
        ];
        let text = table("ex1", &rows);
        assert!(text.contains("ours") && text.contains("1.00x"), "{text}");
        assert!(text.contains("0.24s") && text.contains("2.50x"), "{text}");
    }

    #[test]
    fn a_child_process_cpu_time_is_measured() {
        let (timing, _) =
            run(Command::new("sh")
                .args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]))
            .unwrap();
        let cpu = timing.cpu.expect("Linux has /proc/self/stat");
        // Children that other tests of this process wait for meanwhile count too: only a bound.
        assert!(
            cpu > Duration::ZERO && cpu < Duration::from_secs(60),
            "{cpu:?}"
        );
    }
}
