// The chapter's side-by-side measurement: the same batch of distinct domains on a thread pool
// (`validate_emails`) and on tokio (`going_further::validate_emails_async`), against a loopback
// DNS server whose replies take 20-80 ms (seeded, as in the demo).
//
//   cargo run -p ex2-solution --release --bin compare-async
//   cargo run -p ex2-solution --release --bin compare-async -- --domains 2000 --threads 20 --caps 20,500
//
// Each run is a child process of its own (this program, with `--run`), so its peak resident
// memory (VmHWM, Linux) is its own: threads' stacks or tasks, the resolver, the reports. The DNS
// server stays in this parent process and serves every run.

use std::{
    net::SocketAddr,
    process::{Command, ExitCode},
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use concurrent::ThreadPoolExecutor;
use course_testing::{
    dns::{Delay, DnsServer, loopback_resolver_config, mx_zone},
    memory,
};
use ex2_solution::{
    HickoryResolver, MxResolver, Options, Report, Verdict,
    going_further::validate_emails_async,
    hickory_resolver::{TokioResolver, config::ResolverOpts, net::runtime::TokioRuntimeProvider},
    validate_emails,
};

#[derive(Debug, Parser)]
#[command(about = "Thread pool vs tokio on many DNS lookups against a delayed loopback server")]
struct Args {
    /// Distinct domains to look up (one email each).
    #[arg(long, default_value_t = 10_000)]
    domains: usize,
    /// The server's reply delay in milliseconds, MIN-MAX, seeded per name.
    #[arg(long, default_value = "20-80")]
    delay: String,
    /// The delay's seed (the demo's is 2).
    #[arg(long, default_value_t = 2)]
    seed: u64,
    /// Thread pool sizes to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "20,200")]
    threads: Vec<usize>,
    /// Tokio caps (semaphore permits) to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "20,1000")]
    caps: Vec<usize>,
    /// Seconds a lookup may take.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Internal: run one configuration (`threads:N` or `tokio:N`) in this process.
    #[arg(long, hide = true, requires = "nameserver")]
    run: Option<String>,
    /// Internal: the server a `--run` child asks.
    #[arg(long, hide = true)]
    nameserver: Option<SocketAddr>,
}

/// What one run measured.
struct Measured {
    took: Duration,
    valid: usize,
    peak: Option<u64>,
    /// The most frequent reasons of the lookups that failed.
    failures: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match (&args.run, args.nameserver) {
        (Some(run), Some(server)) => child(&args, run, server),
        _ => parent(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn emails(domains: usize) -> Vec<String> {
    (0..domains)
        .map(|i| format!("user@d{i}.bulk.test"))
        .collect()
}

fn parse_delay(text: &str) -> Result<(u64, u64), String> {
    let (min, max) = text.split_once('-').ok_or("--delay: expected MIN-MAX")?;
    let parse = |n: &str| n.trim().parse::<u64>().map_err(|e| format!("--delay: {e}"));
    let (min, max) = (parse(min)?, parse(max)?);
    if min > max {
        return Err(format!("--delay: MIN {min} is above MAX {max}"));
    }
    Ok((min, max))
}

fn parent(args: &Args) -> Result<(), String> {
    let (min_ms, max_ms) = parse_delay(&args.delay)?;
    let delay = Delay {
        seed: args.seed,
        min_ms,
        max_ms,
    };
    let labels = (0..args.domains).map(|i| format!("d{i}"));
    let server = DnsServer::builder()
        .zone("bulk.test.", &mx_zone("bulk.test.", labels))
        .delay(delay)
        .start()
        .map_err(|e| format!("cannot start the DNS server: {e}"))?;
    let delays: Vec<Duration> = (0..args.domains)
        .map(|i| delay.for_name(&format!("d{i}.bulk.test")))
        .collect();
    let total: Duration = delays.iter().sum();
    let longest = delays.iter().max().copied().unwrap_or_default();
    println!(
        "{} distinct domains on {} (replies after {min_ms}-{max_ms} ms, seed {}: {:.1} s of \
         delays in all)\n",
        args.domains,
        server.addr(),
        args.seed,
        total.as_secs_f64()
    );
    println!(
        "| run | in flight | wall time | ideal | time / ideal | vs 20 threads | peak RSS | failed |\n\
         |---|---|---|---|---|---|---|---|"
    );
    let runs = args
        .threads
        .iter()
        .map(|n| ("threads", *n))
        .chain(args.caps.iter().map(|n| ("tokio", *n)));
    let mut baseline = None;
    for (kind, n) in runs {
        let measured = run_child(args, kind, n, server.addr())?;
        let failed = args.domains - measured.valid.min(args.domains);
        if failed > 0 {
            // Reported, not hidden: each such lookup waited its whole timeout, and the time says so.
            eprintln!(
                "{kind}:{n}: {failed} of {} lookups failed:\n{}",
                args.domains, measured.failures
            );
        }
        let ideal = (total / u32::try_from(n.max(1)).unwrap_or(u32::MAX)).max(longest);
        let secs = measured.took.as_secs_f64();
        if kind == "threads" && n == 20 {
            baseline = Some(secs);
        }
        let label = match kind {
            "threads" => format!("thread pool, {n} workers"),
            _ => format!("tokio, cap {n}"),
        };
        println!(
            "| {label} | {n} | {secs:.2} s | {:.2} s | {:.2} | {} | {} | {failed} |",
            ideal.as_secs_f64(),
            secs / ideal.as_secs_f64(),
            baseline.map_or("-".into(), |b| format!("{:.1}x", b / secs)),
            measured.peak.map_or("-".into(), |p| format!(
                "{:.1} MiB",
                p as f64 / memory::MIB as f64
            )),
        );
    }
    Ok(())
}

/// Runs one configuration in a child process and reads its one line of results.
fn run_child(args: &Args, kind: &str, n: usize, server: SocketAddr) -> Result<Measured, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let output = Command::new(exe)
        .args(["--run", &format!("{kind}:{n}")])
        .args(["--nameserver", &server.to_string()])
        .args(["--domains", &args.domains.to_string()])
        .args(["--timeout", &args.timeout.to_string()])
        .output()
        .map_err(|e| format!("cannot start the {kind}:{n} run: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "the {kind}:{n} run failed ({}): {stdout}{stderr}",
            output.status
        ));
    }
    let fields: Vec<&str> = stdout.split_whitespace().collect();
    match fields[..] {
        [took, valid, peak] => Ok(Measured {
            took: Duration::from_secs_f64(took.parse().map_err(|_| stdout.to_string())?),
            valid: valid.parse().map_err(|_| stdout.to_string())?,
            peak: peak.parse().ok(),
            failures: stderr.trim().to_owned(),
        }),
        _ => Err(format!("the {kind}:{n} run printed {stdout:?}")),
    }
}

/// One configuration, timed; prints `SECONDS VALID PEAK_BYTES` (PEAK `-` where not measured).
fn child(args: &Args, run: &str, server: SocketAddr) -> Result<(), String> {
    let (kind, n) = run
        .split_once(':')
        .and_then(|(kind, n)| Some((kind, n.parse::<usize>().ok()?)))
        .ok_or_else(|| format!("--run {run}: expected threads:N or tokio:N"))?;
    let emails = emails(args.domains);
    let timeout = Duration::from_secs(args.timeout);
    let (reports, took) = match kind {
        "threads" => {
            let resolver: Arc<dyn MxResolver> = Arc::new(
                HickoryResolver::nameserver(server, timeout)
                    .map_err(|e| format!("cannot build the resolver: {e}"))?,
            );
            let pool = ThreadPoolExecutor::new(n.max(1));
            let start = Instant::now();
            let reports = validate_emails(&pool, resolver, &emails, false)
                .map_err(|e| format!("the pool failed: {e}"))?;
            (reports, start.elapsed())
        }
        "tokio" => {
            // The same options as HickoryResolver::nameserver: one try, `timeout` per lookup.
            let mut options = ResolverOpts::default();
            options.timeout = timeout;
            options.attempts = 0;
            let runtime = tokio::runtime::Runtime::new()
                .map_err(|e| format!("cannot start a tokio runtime: {e}"))?;
            let resolver = TokioResolver::builder_with_config(
                loopback_resolver_config(server),
                TokioRuntimeProvider::default(),
            )
            .with_options(options)
            .build()
            .map_err(|e| format!("cannot build the resolver: {e}"))?;
            let batch = Options {
                workers: n,
                timeout,
                implicit_mx: false,
            };
            let start = Instant::now();
            let reports = runtime
                .block_on(validate_emails_async(Arc::new(resolver), &emails, &batch))
                .map_err(|e| format!("a lookup task failed: {e}"))?;
            (reports, start.elapsed())
        }
        other => return Err(format!("--run {other}:{n}: expected threads or tokio")),
    };
    let valid = reports
        .iter()
        .filter(|r: &&Report| r.verdict == Verdict::Valid)
        .count();
    // Why lookups failed, most frequent first, for the parent's error message.
    let mut reasons: Vec<(usize, &str)> = Vec::new();
    for report in reports.iter().filter(|r| r.verdict != Verdict::Valid) {
        match reasons
            .iter_mut()
            .find(|(_, reason)| *reason == report.reason)
        {
            Some((count, _)) => *count += 1,
            None => reasons.push((1, &report.reason)),
        }
    }
    reasons.sort_by_key(|(count, _)| std::cmp::Reverse(*count));
    for (count, reason) in reasons.iter().take(3) {
        eprintln!("{count} lookups: {reason}");
    }
    let peak = memory::peak().map_or("-".into(), |p| p.to_string());
    println!("{} {valid} {peak}", took.as_secs_f64());
    Ok(())
}
