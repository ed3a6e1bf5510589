// The exercise 2 demo: `cargo run -p ex2 --release` validates the sample list offline, against a DNS
// server of its own on 127.0.0.1 whose replies take 20-80 ms (seeded), like a real one's. It runs
// your `validate_emails` on a pool of one worker, then on a pool of `--workers`: the same code, so
// the speedup shows what overlapping the waits buys. Then it prints the table and the summary.
//   -- FILE                 validate this list instead of the sample
//   --nameserver IP:PORT    ask this DNS server (no demo server)
//   --system                ask the machine's resolvers (/etc/resolv.conf): real use, never tests
//   --workers N  --timeout SECS  --implicit-mx  --csv OUT
//   --timeline FILE.svg     draw the run on `--workers`: which worker ran which task, and when
// (Plain comments, not `//!`: the solution package includes this very file.)

use std::{
    collections::HashSet,
    fs,
    io::Write,
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use concurrent::ThreadPoolExecutor;
use concurrent::timeline::{Timeline, cli};
use course_testing::dns::{Delay, DnsServer, mx_zone};
use ex2::{HickoryResolver, LookupError, Mx, MxResolver, Report, Summary, check_syntax};
use indicatif::{ProgressBar, ProgressStyle};

/// The sample list, built into the demo so it runs from anywhere.
const SAMPLE: &str = include_str!("../data/emails.txt");

/// The companies of the sample's `biz.test` zone (each with one MX).
const COMPANIES: [&str; 30] = [
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "stark",
    "wayne",
    "wonka",
    "tyrell",
    "cyberdyne",
    "soylent",
    "oscorp",
    "aperture",
    "blackmesa",
    "gringotts",
    "monsters",
    "dunder",
    "pied-piper",
    "vandelay",
    "kramerica",
    "bluth",
    "prestige",
    "nakatomi",
    "zorg",
    "weyland",
    "massive",
    "duff",
    "krusty",
    "sirius",
    "virtucon",
];

#[derive(Debug, Parser)]
#[command(about = "Validate a list of emails with your exercise 2 code (DNS MX lookups)")]
struct Args {
    /// The list: one email per line [default: the built-in sample, against the demo's server].
    file: Option<PathBuf>,
    /// Ask this DNS server (IP:PORT) instead of the demo's own.
    #[arg(long, conflicts_with = "system")]
    nameserver: Option<SocketAddr>,
    /// Ask the machine's own resolvers (/etc/resolv.conf): real lookups on the network.
    #[arg(long)]
    system: bool,
    /// Threads of the concurrent run.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..))]
    workers: u16,
    /// Seconds a lookup may take.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Accept a domain without MX that has an address (RFC 5321's implicit MX).
    #[arg(long)]
    implicit_mx: bool,
    /// Also write the reports to this CSV file.
    #[arg(long, value_name = "OUT")]
    csv: Option<PathBuf>,
    /// Draw the task timeline of the run on `--workers` into this SVG file (its folder must
    /// exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
    /// The demo server's reply delay, in milliseconds: MIN-MAX.
    #[arg(long, default_value = "20-80", value_parser = parse_delay)]
    delay: (u64, u64),
}

fn parse_delay(text: &str) -> Result<(u64, u64), String> {
    let (min, max) = text.split_once('-').ok_or("expected MIN-MAX, e.g. 20-80")?;
    let (min, max) = (
        min.trim().parse::<u64>().map_err(|e| e.to_string())?,
        max.trim().parse::<u64>().map_err(|e| e.to_string())?,
    );
    if min > max {
        return Err(format!("MIN {min} is above MAX {max}"));
    }
    Ok((min, max))
}

/// Where lookups go.
enum Dns {
    /// The demo's own server (kept alive for the run).
    Demo(DnsServer),
    Nameserver(SocketAddr),
    System,
}

impl Dns {
    /// A fresh resolver: a new cache for each run, so the concurrent run gets no head start.
    fn resolver(&self, timeout: Duration) -> std::io::Result<HickoryResolver> {
        match self {
            Self::Demo(server) => HickoryResolver::nameserver(server.addr(), timeout),
            Self::Nameserver(addr) => HickoryResolver::nameserver(*addr, timeout),
            Self::System => HickoryResolver::system(timeout),
        }
    }
}

/// Ticks a progress bar after each MX lookup.
#[derive(Debug)]
struct Progress<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: MxResolver> MxResolver for Progress<R> {
    fn mx(&self, domain: &str) -> Result<Vec<Mx>, LookupError> {
        let result = self.inner.mx(domain);
        self.bar.inc(1);
        result
    }
    fn addresses(&self, domain: &str) -> Result<Vec<IpAddr>, LookupError> {
        self.inner.addresses(domain)
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let timeout = Duration::try_from_secs_f64(args.timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            format!(
                "--timeout {} is not a positive number of seconds",
                args.timeout
            )
        })?;
    let emails = match &args.file {
        Some(path) => student("step 1 (read_emails)", || ex2::read_emails(path))?
            .map_err(|e| e.to_string())?,
        None => student("step 1 (parse_emails)", || {
            ex2::parse_emails(SAMPLE.as_bytes())
        })?,
    };
    let dns = if args.system {
        Dns::System
    } else if let Some(addr) = args.nameserver {
        Dns::Nameserver(addr)
    } else {
        let (min_ms, max_ms) = args.delay;
        let server = DnsServer::sample()
            .zone("biz.test.", &mx_zone("biz.test.", COMPANIES))
            .delay(Delay {
                seed: 2,
                min_ms,
                max_ms,
            })
            .start()
            .map_err(|e| format!("cannot start the demo DNS server: {e}"))?;
        println!(
            "Demo DNS server on {} (replies after {min_ms}-{max_ms} ms)",
            server.addr()
        );
        Dns::Demo(server)
    };
    let delay = Delay {
        seed: 2,
        min_ms: args.delay.0,
        max_ms: args.delay.1,
    };
    let domains: HashSet<String> = emails
        .iter()
        .filter_map(|email| check_syntax(email).ok().map(|a| a.domain))
        .collect();
    println!(
        "{} emails, {} distinct domains with good syntax\n",
        emails.len(),
        domains.len()
    );

    let mut timed = Vec::new();
    let mut last = None;
    let mut recorded = None;
    let mut pools = vec![1];
    if args.workers > 1 {
        pools.push(usize::from(args.workers));
    }
    for workers in pools {
        let resolver = dns
            .resolver(timeout)
            .map_err(|e| format!("cannot build the resolver: {e}"))?;
        let bar = ProgressBar::new(domains.len() as u64).with_style(
            ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} domains")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(format!(
            "{workers} worker{}",
            if workers == 1 { "" } else { "s" }
        ));
        let resolver: Arc<dyn MxResolver> = Arc::new(Progress {
            inner: resolver,
            bar: bar.clone(),
        });
        let pool = ThreadPoolExecutor::new(workers);
        // The run on `--workers` (the last) is the one drawn; its clock starts now.
        let timeline =
            (args.timeline.is_some() && workers == usize::from(args.workers)).then(|| {
                Timeline::new(cli::CAP).titled(format!(
                    "validate_emails: {} emails, {} domains, on {workers} workers",
                    emails.len(),
                    domains.len()
                ))
            });
        let start = Instant::now();
        let reports = student("step 3 (validate_emails)", || match &timeline {
            Some(timeline) => {
                let pool = Timeline::record(timeline, &pool)
                    .labelled(move |n| format!("{} {}", "task", n + 1));
                ex2::validate_emails(&pool, resolver, &emails, args.implicit_mx)
            }
            None => ex2::validate_emails(&pool, resolver, &emails, args.implicit_mx),
        })?
        .map_err(|e| format!("the pool failed: {e}"))?;
        recorded = timeline.or(recorded);
        let took = start.elapsed();
        bar.finish_and_clear();
        timed.push((workers, took));
        last = Some(reports);
    }
    let reports = last.unwrap_or_default();

    print_table(&reports);
    let summary = student("step 4 (Summary::of)", || Summary::of(&reports))?;
    println!("\n{summary}\n");
    let sequential = timed[0].1;
    for (workers, took) in &timed {
        println!(
            "{:>3} worker{:1}  {:>9.3} s   speedup {:>5.1}x",
            workers,
            if *workers == 1 { "" } else { "s" },
            took.as_secs_f64(),
            sequential.as_secs_f64() / took.as_secs_f64().max(1e-9)
        );
    }
    if matches!(dns, Dns::Demo(_)) {
        // One MX query per domain, each answered after its delay: the work a pool must overlap.
        // No pool beats the total over its workers, nor the longest single wait.
        let total: Duration = domains.iter().map(|d| delay.for_name(d)).sum();
        let longest = domains.iter().map(|d| delay.for_name(d)).max();
        let workers = u32::from(args.workers);
        let ideal = (total / workers).max(longest.unwrap_or_default());
        println!(
            "\nThe server's delays add up to {:.3} s: the ideal on {workers} worker{} is {:.3} s.",
            total.as_secs_f64(),
            if workers == 1 { "" } else { "s" },
            ideal.as_secs_f64()
        );
    }
    if let Some(out) = &args.csv {
        write_csv(out, &reports).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        println!("\nReports written to {}", out.display());
    }
    if let (Some(path), Some(timeline)) = (&args.timeline, &recorded) {
        cli::write_svg(timeline, path).map(|said| println!("{said}"))?;
    }
    Ok(())
}

fn print_table(reports: &[Report]) {
    let width = reports
        .iter()
        .map(|r| r.email.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 40);
    println!("{:<width$}  {:<12}  reason", "email", "verdict");
    for report in reports {
        println!(
            "{:<width$}  {:<12}  {}",
            report.email, report.verdict, report.reason
        );
    }
}

/// Writes the CSV to a temporary name next to `out`, then renames it: a crash leaves no half file.
fn write_csv(out: &Path, reports: &[Report]) -> std::io::Result<()> {
    let quote = |field: &str| format!("\"{}\"", field.replace('"', "\"\""));
    let mut text = String::from("email,verdict,reason\n");
    for report in reports {
        text.push_str(&format!(
            "{},{},{}\n",
            quote(&report.email),
            report.verdict,
            quote(&report.reason)
        ));
    }
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let temporary = out.with_file_name(name);
    let mut file = fs::File::create(&temporary)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    fs::rename(&temporary, out)
}

/// Runs a step of the student's code; a `todo!()` or a panic becomes a message, not a crash.
fn student<T>(step: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| format!("{step} panicked (see above): write it and run its tests first"))
}
