//! The CPU time this process has used, and the machine's load (user + system, all threads), from `/proc/self/stat`: a
//! measurement says how much work a run cost, not only how long it took.

use std::time::Duration;

/// User plus system CPU time of this process so far; `None` where `/proc` is not there (not
/// Linux). Linux counts it in clock ticks of 1/100 s (`USER_HZ`, 100 on every Linux platform).
pub fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of the file (utime, stime) are the 12th and 13th after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The 1-minute load average (`/proc/loadavg`), printed with every measurement: on a machine busy
/// with other work, wall-clock ratios measure the scheduler as much as the code.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
