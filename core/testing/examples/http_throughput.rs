//! Throughput of downloading 1 GiB from the loopback HTTP server, side by side in one run (a
//! benchmark, not a test), at each parallelism P:
//!
//! - ureq 3 on a `ThreadPoolExecutor` of P workers, streaming each body to a temporary file while
//!   computing its MD5, then renaming it to `<md5>-<name>` (what exercise 5 does);
//! - the same work with curl: `xargs -P P` running `curl URL | tee FILE | md5sum`;
//! - each tool only saving files (ureq without MD5, `xargs -P P curl -s -o FILE URL`).
//!
//! ```sh
//! cargo run -p course-testing --release --features http --example http_throughput
//! cargo run -p course-testing --release --features http --example http_throughput -- \
//!     --total-mib 1024 --files 32 --parallel 1,4,8 --repeat 3
//! ```
//!
//! Each client runs in processes of its own under GNU time (`/usr/bin/time`), away from the
//! server (this process): the ureq side is this program run again as `client`, the curl side
//! `xargs`. Reported: the best wall time of the interleaved runs, as MiB/s; CPU seconds per GiB
//! (user + system of the client's processes: a busy machine disturbs it less than wall time); and
//! the peak RSS, which GNU time gives for the largest single process: ureq's whole client (P
//! downloads in one process), one curl (there are P at a time). Files go to a temporary directory,
//! removed after each run; every file's MD5 (ureq: its name; curl: md5sum's output) and size
//! are checked.

use std::{
    env, fs,
    io::{Read, Write},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use concurrent::{Executor, ThreadPoolExecutor};
use course_testing::http::{GeneratedBody, HttpServer, Route};
use md5::{Digest, Md5};

const MIB: u64 = 1024 * 1024;

fn main() -> Result<(), String> {
    let args: Vec<String> = env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("client") {
        return client(&args[1..]);
    }
    let option = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .unwrap_or_else(|| default.to_owned())
    };
    let number = |name: &str, default: &str| -> Result<u64, String> {
        option(name, default)
            .parse()
            .map_err(|e| format!("{name}: {e}"))
    };
    let total = number("--total-mib", "1024")? * MIB;
    let files = number("--files", "32")?.max(1);
    let repeat = number("--repeat", "3")?.max(1);
    let parallel: Vec<usize> = option("--parallel", "1,4,8")
        .split(',')
        .map(|p| p.trim().parse().map_err(|e| format!("--parallel: {e}")))
        .collect::<Result<_, _>>()?;

    let bodies: Vec<GeneratedBody> = (0..files)
        .map(|i| GeneratedBody::new(1000 + i, total / files))
        .collect();
    let mut builder = HttpServer::builder();
    for (i, body) in bodies.iter().enumerate() {
        builder = builder.route(&format!("/file{i}"), Route::generated(body.seed, body.len));
    }
    let server = builder.start().map_err(|e| format!("server: {e}"))?;
    let urls: Vec<String> = (0..bodies.len())
        .map(|i| server.url(&format!("/file{i}")))
        .collect();
    let bytes: u64 = bodies.iter().map(|b| b.len).sum();
    eprintln!("computing the expected MD5s of {} MiB...", bytes / MIB);
    let expected: Vec<String> = bodies.iter().map(GeneratedBody::md5_hex).collect();

    println!(
        "{} MiB in {} files of {} MiB from the loopback server, best of {repeat} runs\n",
        bytes / MIB,
        files,
        total / files / MIB
    );
    println!(
        "| P | ureq: file + MD5 | curl + md5sum (tee) | ratio | ureq: file only | curl: file only | \
         ratio | CPU s/GiB: ureq+MD5, curl+md5sum, ureq, curl | \
         peak RSS: ureq (whole client) / curl (largest process) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let gib = bytes as f64 / (1024.0 * MIB as f64);
    for &p in &parallel {
        // ureq + MD5, curl + md5sum, ureq alone, curl alone.
        let mut runs: [Vec<Run>; 4] = Default::default();
        for _ in 0..repeat {
            // Interleaved, so a load change on the machine hits every side alike.
            runs[0].push(run_ureq(p, "md5", &urls, &expected)?);
            runs[1].push(run_curl(p, true, &urls, &bodies, &expected)?);
            runs[2].push(run_ureq(p, "plain", &urls, &expected)?);
            runs[3].push(run_curl(p, false, &urls, &bodies, &expected)?);
        }
        let rate = |runs: &[Run]| {
            let best = runs.iter().map(|r| r.wall).min().unwrap_or_default();
            bytes as f64 / MIB as f64 / best.as_secs_f64()
        };
        let cpu = |runs: &[Run]| runs.iter().map(|r| r.cpu_secs).fold(f64::MAX, f64::min) / gib;
        let rss =
            |runs: &[Run]| runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0) as f64 / 1024.0;
        let [a, b, c, d] = [0, 1, 2, 3].map(|i| rate(&runs[i]));
        let [ca, cb, cc, cd] = [0, 1, 2, 3].map(|i| cpu(&runs[i]));
        println!(
            "| {p} | {a:.0} MiB/s | {b:.0} MiB/s | {:.2} | {c:.0} MiB/s | {d:.0} MiB/s | {:.2} | \
             {ca:.2}, {cb:.2}, {cc:.2}, {cd:.2} | {:.1} MiB / {:.1} MiB |",
            a / b,
            c / d,
            rss(&runs[0]).max(rss(&runs[2])),
            rss(&runs[3]),
        );
    }
    println!(
        "\nserver (this process) peak RSS: {:.1} MiB; body bytes served: {} MiB",
        peak_rss_kib() as f64 / 1024.0,
        server.stats().body_bytes() / MIB
    );
    Ok(())
}

/// A fresh, empty directory for one run's files.
fn scratch(tag: &str) -> Result<PathBuf, String> {
    let dir = env::temp_dir().join(format!("http-throughput-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// What one client run cost.
#[derive(Clone, Copy, Debug)]
struct Run {
    wall: Duration,
    /// Peak RSS in KiB, from GNU time.
    max_rss_kib: u64,
    /// User + system CPU seconds of the client (every process it waited for).
    cpu_secs: f64,
}

/// Runs `program args` under GNU time (`/usr/bin/time`), feeding `input` on stdin.
fn timed(program: &Path, args: &[String], input: &str) -> Result<Run, String> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return Err("GNU time (/usr/bin/time) is needed for peak RSS and CPU time".into());
    }
    let mut child = Command::new(time)
        .args(["-f", "maxrss=%M cpu=%U+%S"])
        .arg(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    let start = Instant::now();
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(input.as_bytes())
        .map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "{} failed: {} {stderr}",
            program.display(),
            output.status
        ));
    }
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("maxrss="))
        .ok_or_else(|| format!("no GNU time line in {stderr}"))?;
    let mut max_rss_kib = 0;
    let mut cpu_secs = 0.0;
    for field in line.split_whitespace() {
        if let Some(v) = field.strip_prefix("maxrss=") {
            max_rss_kib = v.parse().map_err(|e| format!("maxrss: {e}"))?;
        } else if let Some(v) = field.strip_prefix("cpu=") {
            cpu_secs = v.split('+').map(|x| x.parse::<f64>().unwrap_or(0.0)).sum();
        }
    }
    Ok(Run {
        wall,
        max_rss_kib,
        cpu_secs,
    })
}

/// This program run again as `client P DIR MODE` (URLs on stdin); checks every file's name: the
/// body's MD5 in mode `md5`, `plain` in mode `plain` (no hashing: what MD5 costs).
fn run_ureq(p: usize, mode: &str, urls: &[String], expected: &[String]) -> Result<Run, String> {
    let dir = scratch("ureq")?;
    let exe = env::current_exe().map_err(|e| e.to_string())?;
    let args = ["client", &p.to_string(), &dir.display().to_string(), mode].map(str::to_owned);
    let run = timed(&exe, &args, &(urls.join("\n") + "\n"))?;
    for (i, md5) in expected.iter().enumerate() {
        let md5 = if mode == "md5" { md5 } else { mode };
        let file = dir.join(format!("{md5}-file{i}"));
        if !file.exists() {
            return Err(format!("ureq: {} is missing: wrong MD5?", file.display()));
        }
    }
    let _ = fs::remove_dir_all(&dir);
    Ok(run)
}

/// `xargs -P p curl -s -S -f -o <file> <url>`; checks every file's size.
fn run_curl(
    p: usize,
    hash: bool,
    urls: &[String],
    bodies: &[GeneratedBody],
    expected: &[String],
) -> Result<Run, String> {
    let dir = scratch("curl")?;
    let file = |i: usize| dir.join(format!("file{i}")).display().to_string();
    // Plain: `curl -s -S -f -o FILE URL`. Hashed: the same work as the ureq client, in a shell
    // pipeline: `curl URL | tee FILE | md5sum > FILE.md5`.
    let (input, command): (String, &[&str]) = if hash {
        let input = (0..urls.len())
            .map(|i| format!("{}\n{}\n", urls[i], file(i)))
            .collect();
        let script = "set -o pipefail; curl -s -S -f \"$0\" | tee \"$1\" | md5sum > \"$1.md5\"";
        (input, &["-n", "2", "bash", "-c", script])
    } else {
        let input = (0..urls.len())
            .map(|i| format!("-o\n{}\n{}\n", file(i), urls[i]))
            .collect();
        (input, &["-n", "3", "curl", "-s", "-S", "-f"])
    };
    let mut args: Vec<String> = vec!["-d".into(), "\n".into(), "-P".into(), p.to_string()];
    args.extend(command.iter().map(|s| (*s).to_owned()));
    let run = timed(Path::new("xargs"), &args, &input)
        .map_err(|e| format!("xargs curl (are xargs, curl, md5sum installed?): {e}"))?;
    for (i, body) in bodies.iter().enumerate() {
        let len = fs::metadata(file(i)).map(|m| m.len()).unwrap_or(0);
        if len != body.len {
            return Err(format!("curl: file{i} has {len} bytes, not {}", body.len));
        }
        if hash {
            let md5 = fs::read_to_string(format!("{}.md5", file(i))).unwrap_or_default();
            if !md5.starts_with(&expected[i]) {
                return Err(format!("curl: file{i} has MD5 {md5}, not {}", expected[i]));
            }
        }
    }
    let _ = fs::remove_dir_all(&dir);
    Ok(run)
}

/// This process's peak resident set size in KiB (Linux; 0 elsewhere).
fn peak_rss_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// `client P DIR MODE`: downloads every URL read from stdin on a pool of P workers into DIR,
/// hashing with MD5 (MODE `md5`) or not (`plain`).
fn client(args: &[String]) -> Result<(), String> {
    let [p, dir, mode] = args else {
        return Err("usage: client P DIR md5|plain < urls".into());
    };
    let hash = mode == "md5";
    let mut urls = String::new();
    std::io::stdin()
        .read_to_string(&mut urls)
        .map_err(|e| e.to_string())?;
    let urls: Vec<&str> = urls.lines().filter(|l| !l.is_empty()).collect();
    let p: usize = p.parse().map_err(|e| format!("P: {e}"))?;
    let dir = PathBuf::from(dir);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_recv_response(Some(Duration::from_secs(30)))
        .build()
        .new_agent();
    let pool = ThreadPoolExecutor::new(p);
    let futures = urls
        .iter()
        .map(|url| {
            let (agent, dir, url) = (agent.clone(), dir.clone(), url.to_string());
            pool.submit(move || download(&agent, &url, &dir, hash))
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    for future in futures {
        future.result().map_err(|e| e.to_string())??;
    }
    Ok(())
}

/// Streams `url` to a temporary file in `dir` while hashing it, then renames it to `<md5>-<name>`.
fn download(agent: &ureq::Agent, url: &str, dir: &Path, hash: bool) -> Result<PathBuf, String> {
    let name = url.rsplit('/').next().unwrap_or("download");
    let response = agent.get(url).call().map_err(|e| format!("{url}: {e}"))?;
    let mut reader = response.into_body().into_reader();
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf).map_err(|e| format!("{url}: {e}"))?;
        if n == 0 {
            break;
        }
        if hash {
            hasher.update(&buf[..n]);
        }
        file.write_all(&buf[..n]).map_err(|e| e.to_string())?;
    }
    let md5: String = if hash {
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    } else {
        "plain".to_owned()
    };
    let path = dir.join(format!("{md5}-{name}"));
    file.persist(&path).map_err(|e| e.to_string())?;
    Ok(path)
}
